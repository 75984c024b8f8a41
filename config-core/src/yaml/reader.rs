//! Checks PyYAML makes on a stream before (or while) scanning it, which
//! saphyr-parser does not: characters YAML forbids in any position, and the
//! version in a `%YAML` directive.
//!
//! Part of loading ([`super::load`]): run before saphyr parses a document.
//! The fast path ([`super::fast`]) gives up on every line these could
//! reject, so both paths refuse the same documents.

/// A character PyYAML's `Reader` refuses, wherever it appears (comments and
/// quoted scalars included): what YAML 1.1 calls non-printable. Allowed are
/// tab, line feed, carriage return, `U+0020`–`U+007E`, `U+0085`,
/// `U+00A0`–`U+D7FF`, `U+E000`–`U+FFFD` and above `U+FFFF`.
pub(super) fn is_unprintable(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' | '\u{85}' => false,
        _ => {
            (c as u32) < 0x20
                || ('\u{7f}'..'\u{a0}').contains(&c)
                || matches!(c, '\u{fffe}' | '\u{ffff}')
        }
    }
}

/// The first unprintable character of `text` and its 1-based line and
/// column (in characters).
pub(super) fn first_unprintable(text: &str) -> Option<(char, usize, usize)> {
    // Bytes first: every unprintable character starts with a byte below
    // 0x20, 0x7F, 0xC2 (`U+0080`–`U+009F`) or 0xEF (`U+FFFE`, `U+FFFF`).
    let suspect = |b: &u8| matches!(*b, 0..=0x1f | 0x7f | 0xc2 | 0xef);
    let mut from = 0;
    while let Some(i) = text.as_bytes()[from..].iter().position(suspect) {
        let at = from + i;
        let c = text[at..].chars().next()?;
        if is_unprintable(c) {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Some((c, line, col));
        }
        from = at + c.len_utf8();
    }
    None
}

/// PyYAML skips a byte order mark only at the start of the stream; later
/// U+FEFF is an ordinary printable character (in comments, keys and
/// values). saphyr-parser 0.3 refuses it anywhere but at the start, so the
/// loader hands saphyr a copy where each later U+FEFF is replaced by a
/// stand-in and puts U+FEFF back in the scalars it builds. The stand-in is a
/// private-use character of the same UTF-8 length (3 bytes, 1 character),
/// so every position stays the same, and one the text does not contain.
/// `None` when there is nothing to replace (or no free stand-in).
pub(super) fn bom_stand_in(text: &str) -> Option<(String, char)> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !body.contains('\u{feff}') {
        return None;
    }
    let stand_in = ('\u{e000}'..='\u{f8ff}').find(|c| !text.contains(*c))?;
    let head = &text[..text.len() - body.len()];
    let swapped = format!(
        "{head}{}",
        body.replace('\u{feff}', stand_in.encode_utf8(&mut [0; 4]))
    );
    Some((swapped, stand_in))
}

/// The 1-based line of a `%YAML` directive PyYAML refuses (a major version
/// other than 1), with the version as written. Directives come before the
/// document's `---`, after blank and comment lines only.
pub(super) fn incompatible_version(text: &str) -> Option<(usize, &str)> {
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let directive = line.strip_prefix('%')?;
        let mut words = directive.split_whitespace();
        if words.next() != Some("YAML") {
            continue; // %TAG, or a reserved directive
        }
        let version = words.next()?;
        let major = version.split('.').next()?;
        if major.parse::<u64>().ok() != Some(1) {
            return Some((i + 1, version));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unprintable_characters_are_pyyamls() {
        for c in [
            '\0', '\u{1}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}', '\u{fffe}',
        ] {
            assert!(is_unprintable(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', '~', '\u{85}', '\u{a0}', 'é', '\u{feff}', '😀',
        ] {
            assert!(!is_unprintable(c), "{c:?}");
        }
        assert_eq!(
            first_unprintable("a: 1\nb: é\u{1b}[31m\n"),
            Some(('\u{1b}', 2, 5))
        );
        assert_eq!(first_unprintable("# ü\u{9b}\n"), Some(('\u{9b}', 1, 4)));
        assert_eq!(first_unprintable("a: \u{feff}é\u{85}\t\r\n"), None);
    }

    #[test]
    fn only_major_version_one_is_accepted() {
        assert_eq!(
            incompatible_version("%YAML 9.9\n---\na: 1\n"),
            Some((1, "9.9"))
        );
        assert_eq!(
            incompatible_version("# c\n\n%TAG ! x:\n%YAML 2.0\n---\n"),
            Some((4, "2.0"))
        );
        for ok in [
            "%YAML 1.1\n---\n",
            "%YAML 1.3\n---\n",
            "a: 1\n%YAML 9.9\n",
            "a: '%YAML 2.0'\n",
        ] {
            assert_eq!(incompatible_version(ok), None, "{ok:?}");
        }
    }
}
