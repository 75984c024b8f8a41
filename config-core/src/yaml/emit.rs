//! [`Node`] tree → YAML text, in `OmegaConf.to_yaml`'s style: PyYAML's
//! `yaml.dump(default_flow_style=False, sort_keys=False, allow_unicode=True)`
//! with OmegaConf's string representer. The last step of every command that
//! prints a config, and how configs are saved for Python tools to read.
//!
//! Layout: block mappings with 2-space indents, sequences inside mappings
//! not indented (`a:\n- 1`), `{}`/`[]` for empty containers, `null`,
//! `true`/`false`, floats as PyYAML writes them (`1.0e-06`, `.inf`, `.nan`).
//!
//! Strings are plain when PyYAML would write them plain and a YAML 1.1
//! reader reads them back as the same string; otherwise single-quoted when
//! they fit on one line without special characters, else double-quoted with
//! escapes (so multi-line strings round-trip exactly).

use super::scalar::is_ambiguous;
use crate::node::{write_float_repr, Key, Map, Node, Value};
use std::fmt::Write;

/// Longest key written as a simple `key: value`; YAML readers (PyYAML)
/// limit implicit keys to 1024 characters, longer ones use `? key`.
const MAX_SIMPLE_KEY: usize = 1000;

/// Root mappings of at least this many nodes (counted three levels deep)
/// are written on two threads: below it, starting a thread costs about as
/// much as it saves (writing is about 20 ns a node).
const SPLIT_NODES: usize = 20_000;

/// The tree as YAML text (see the module docs).
pub(crate) fn to_yaml(node: &Node) -> String {
    let mut out = String::with_capacity(256);
    match &node.value {
        Value::Map(m) if !m.is_empty() => write_root(m, &mut out),
        Value::List(l) if !l.is_empty() => write_list(l, 0, false, &mut out),
        value => {
            write_scalar(value, &mut out);
            out.push('\n');
            if !value.is_container() {
                // PyYAML ends a document whose root is a scalar explicitly.
                out.push_str("...\n");
            }
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// An int in decimal, without the formatting machinery.
fn push_int(i: i64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut n = i.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    out.extend(buf[pos..].iter().map(|d| char::from(*d)));
}

/// The root mapping. A big one is cut between two of its entries, near the
/// middle of its nodes, and the second part is written on a scoped thread:
/// entries at the root are written independently of each other, so the
/// parts joined are the text written in one go.
fn write_root(map: &Map, out: &mut String) {
    let Some((cut, tail_weight)) = cut(map) else {
        return write_map(map, 0, false, out);
    };
    let (head, tail) = map.as_slice().split_at(cut);
    std::thread::scope(|s| {
        let second = std::thread::Builder::new().spawn_scoped(s, || {
            // About 16 bytes of text a node counted.
            let mut text = String::with_capacity(16 * tail_weight);
            write_entries(tail, 0, &mut text);
            text
        });
        write_entries(head, 0, out);
        match second {
            Ok(h) => out.push_str(&h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            // No thread to be had: write it here.
            Err(_) => write_entries(tail, 0, out),
        }
    });
}

/// Where to cut a big root mapping (the position of the first entry of
/// the second part) and the weight of that part; `None` for a small root.
fn cut(map: &Map) -> Option<(usize, usize)> {
    // A first count, one level deep, spares small trees the deeper one.
    if map.values().map(|n| weight(n, 1)).sum::<usize>() * 4 < SPLIT_NODES {
        return None;
    }
    let weights: Vec<usize> = map.values().map(|n| weight(n, 3)).collect();
    let total: usize = weights.iter().sum();
    if total < SPLIT_NODES {
        return None;
    }
    let mut sum = 0;
    let cut = weights
        .iter()
        .position(|w| {
            sum += w;
            2 * sum >= total
        })
        .map_or(map.len(), |i| i + 1);
    Some((cut, total - sum))
}

/// The nodes of `node` down to `depth` levels (a cheap measure of the work
/// of writing it: the levels below are counted as their parents).
fn weight(node: &Node, depth: usize) -> usize {
    1 + match &node.value {
        _ if depth == 0 => 0,
        Value::Map(m) => m.values().map(|n| weight(n, depth - 1)).sum(),
        Value::List(l) => l.iter().map(|n| weight(n, depth - 1)).sum(),
        _ => 0,
    }
}

/// A non-empty mapping at `indent`; with `inline`, the first key goes on the
/// current line (after a list's `- `).
fn write_map(map: &Map, indent: usize, inline: bool, out: &mut String) {
    let mut entries = map.as_slice();
    if let (true, Some(((key, value), rest))) = (inline, entries.split_first()) {
        write_pair(key, value, indent, out);
        entries = rest;
    }
    write_entries(entries, indent, out);
}

/// Entries of a mapping at `indent`, each on a line of its own.
fn write_entries(entries: &[(Key, Node)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        pad(out, indent);
        write_pair(key, value, indent, out);
    }
}

/// `key: value` where the line is already indented.
fn write_pair(key: &Key, value: &Node, indent: usize, out: &mut String) {
    let start = out.len();
    write_key(key, out);
    if out.len() - start > MAX_SIMPLE_KEY {
        out.insert_str(start, "? ");
        out.push('\n');
        pad(out, indent);
    }
    out.push(':');
    match &value.value {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            write_map(m, indent + 2, false, out);
        }
        Value::List(l) if !l.is_empty() => {
            out.push('\n');
            write_list(l, indent, false, out);
        }
        v => {
            out.push(' ');
            write_scalar(v, out);
            out.push('\n');
        }
    }
}

/// A non-empty list at `indent` (see [`write_map`] for `inline`).
fn write_list(items: &[Node], indent: usize, inline: bool, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match &item.value {
            Value::Map(m) if !m.is_empty() => write_map(m, indent + 2, true, out),
            Value::List(l) if !l.is_empty() => write_list(l, indent + 2, true, out),
            v => {
                write_scalar(v, out);
                out.push('\n');
            }
        }
    }
}

fn write_key(key: &Key, out: &mut String) {
    match key {
        Key::Str(s) => write_str(s, out),
        Key::Int(i) => push_int(*i, out),
        Key::Float(f) => write_float(*f, out),
        Key::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
}

/// A scalar, or an empty container in flow style.
fn write_scalar(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Missing => out.push_str("???"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => push_int(*i, out),
        Value::BigInt(digits) => out.push_str(digits),
        Value::Float(f) => write_float(*f, out),
        Value::Str(s) | Value::Interp(s) => write_str(s, out),
        Value::Map(_) => out.push_str("{}"),
        Value::List(_) => out.push_str("[]"),
    }
}

/// PyYAML's `represent_float`: Python's `repr`, lower case, with `.0`
/// added before an exponent that has no point (`1e-06` → `1.0e-06`).
fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str(".nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
    } else {
        let start = out.len();
        write_float_repr(f, out);
        let repr = &out[start..];
        if let Some(e) = repr.find('e').filter(|_| !repr.contains('.')) {
            out.insert_str(start + e, ".0");
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    let style = analyze(s);
    if style.plain && !is_ambiguous(s) {
        out.push_str(s);
    } else if style.single {
        out.push('\'');
        for (i, part) in s.split('\'').enumerate() {
            if i > 0 {
                out.push_str("''");
            }
            out.push_str(part);
        }
        out.push('\'');
    } else {
        write_double_quoted(s, out);
    }
}

/// Which styles a string allows.
struct Styles {
    /// Plain, in block context (PyYAML's `allow_block_plain`).
    plain: bool,
    /// Single-quoted on one line.
    single: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_space_or_break(c: char) -> bool {
    matches!(c, '\0' | ' ' | '\t' | '\r') || is_break(c)
}

/// Characters PyYAML writes as they are (with `allow_unicode`).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\x20'..='\x7e' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// PyYAML's `Emitter.analyze_scalar`, reduced to the two styles we use.
fn analyze(s: &str) -> Styles {
    if s.is_empty() {
        return Styles {
            plain: false,
            single: true,
        };
    }
    if simple_plain(s.as_bytes()) {
        return Styles {
            plain: true,
            single: true,
        };
    }
    if s.is_ascii() {
        // The same scan without decoding: each byte is a char.
        analyze_chars(s, s.bytes().map(char::from))
    } else {
        analyze_chars(s, s.chars())
    }
}

/// The common case of [`analyze`], decided in one pass over the bytes:
/// printable ASCII with no `:` or `#` at all, no space at either end and a
/// first character that is no indicator. Such a string has no block
/// indicator, break or special character, so [`analyze_chars`] would allow
/// both styles.
fn simple_plain(b: &[u8]) -> bool {
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return false;
    };
    let plain_first = first.is_ascii_alphanumeric()
        || matches!(
            first,
            b'_' | b'$' | b'/' | b'(' | b'<' | b'=' | b'+' | b'^' | b'~'
        );
    plain_first
        && *last != b' '
        && b.iter()
            .all(|c| matches!(c, b' '..=b'~') && !matches!(c, b':' | b'#'))
}

/// [`analyze`] over the characters `chars` of the non-empty `s`.
fn analyze_chars(s: &str, chars: impl Iterator<Item = char>) -> Styles {
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let mut spaces_at_ends = s.starts_with(' ') || s.ends_with(' ');
    let mut preceded_by_ws = true;
    let mut chars = chars.peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let followed_by_ws = chars.peek().is_none_or(|n| is_space_or_break(*n));
        if first {
            if "#,[]{}&*!|>'\"%@`".contains(c)
                || (c == '-' && followed_by_ws)
                || (matches!(c, '?' | ':') && followed_by_ws)
            {
                block_indicators = true;
            }
        } else if (c == ':' && followed_by_ws) || (c == '#' && preceded_by_ws) {
            block_indicators = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if !is_printable(c) {
            special = true;
        }
        preceded_by_ws = is_space_or_break(c);
        first = false;
    }
    spaces_at_ends |= s.starts_with(is_break) || s.ends_with(is_break);
    let plain = !(spaces_at_ends || line_breaks || special || block_indicators);
    Styles {
        plain,
        single: !(line_breaks || special),
    }
}

/// A double-quoted scalar on one line, escaping breaks, controls, `"` and `\`.
fn write_double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            c if c != '\n' && is_printable(c) && !is_break(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::yaml::{load_str, Limits};
    use proptest::prelude::*;

    fn yaml_of(text: &str) -> String {
        to_yaml(&load_str(text, "t", &Limits::default()).unwrap())
    }

    #[test]
    fn layout_matches_omegaconf_to_yaml() {
        let text = "a: [1, 2]\nb: {c: [{x: 1, w: [3, [4, 5]]}, [6, {z: null}]], e: {}, f: []}\n2: 2.5\ntrue: x\n";
        let want = "a:\n- 1\n- 2\nb:\n  c:\n  - x: 1\n    w:\n    - 3\n    - - 4\n      - 5\n  - - 6\n    - z: null\n  \
                    e: {}\n  f: []\n2: 2.5\ntrue: x\n";
        assert_eq!(yaml_of(text), want);
        assert_eq!(yaml_of(""), "{}\n");
        assert_eq!(yaml_of("- a\n- ${x}\n- ???\n"), "- a\n- ${x}\n- ???\n");
    }

    #[test]
    fn floats_as_pyyaml_writes_them() {
        let text =
            "a: 1e-6\nb: .inf\nc: -.inf\nd: .nan\ne: 1.0\nf: 1e17\ng: 0.001\nh: -0.0\ni: 2.5e+20\n";
        let want = "a: 1.0e-06\nb: .inf\nc: -.inf\nd: .nan\ne: 1.0\nf: 1.0e+17\ng: 0.001\nh: -0.0\ni: 2.5e+20\n";
        assert_eq!(yaml_of(text), want);
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "on",
            "y",
            "010",
            "1:30",
            "null",
            "1e3",
            "",
            "2023-07-04",
            " a",
            "a ",
            "a: b",
            "a #b",
            "- x",
            "@x",
        ] {
            let mut out = String::new();
            write_str(s, &mut out);
            assert!(
                out.starts_with('\'') || out.starts_with('"'),
                "{s:?} -> {out}"
            );
        }
        for s in ["abc", "yEs", "1.2.3", "${a.b}", "a:b", "-x", "ключ", "0XFF"] {
            let mut out = String::new();
            write_str(s, &mut out);
            assert_eq!(out, s);
        }
        let mut out = String::new();
        write_str("it's\nfine\t\"x\"\\", &mut out);
        assert_eq!(out, r#""it's\nfine\t\"x\"\\""#);
        let mut out = String::new();
        write_str("it's", &mut out);
        assert_eq!(out, "it's");
        let mut out = String::new();
        write_str("'q'", &mut out);
        assert_eq!(out, "'''q'''");
    }

    #[test]
    fn long_keys_use_the_explicit_form() {
        let mut map = Map::new();
        map.insert(Key::from("k".repeat(1100)), Node::new(Value::Int(1)));
        let out = to_yaml(&Node::new(Value::Map(map)));
        assert!(out.starts_with("? kkk"), "{}", &out[..20]);
        assert_eq!(yaml_of(&out), out);
    }

    const TRICKY: &[&str] = &[
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "n",
        "~",
        "null",
        "NULL",
        "",
        "010",
        "0x1F",
        "0b11",
        "1:30",
        "1:30.5",
        "1e3",
        "1e-3",
        ".5",
        "-.5",
        "3.",
        ".inf",
        "-.Inf",
        ".nan",
        "inf",
        "nan",
        "1_000",
        "+1",
        "-0",
        "2023-07-04",
        "2023-07-04 12:30:00 +02:00",
        "<<",
        "=",
        "???",
        "${a}",
        "x_${a.b}_y",
        "\\${esc}",
        " lead",
        "trail ",
        "a: b",
        "a #c",
        "#",
        "-",
        "- a",
        "?",
        ": x",
        "[1]",
        "{a: 1}",
        "&a",
        "*a",
        "!t",
        "|",
        ">",
        "'",
        "\"",
        "%",
        "@",
        "`",
        "---",
        "...",
        "a\nb",
        "\n",
        "a\n\n b \n",
        "\t",
        "\r\n",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "\u{7f}",
        "é",
        "😀",
        "a'b",
        "a\"b",
        "\\",
        "12345678901234567890",
    ];

    fn arb_str() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z_]{1,8}",
            proptest::sample::select(TRICKY).prop_map(String::from),
            "[ -~\n\t]{0,12}",
            any::<String>(),
        ]
    }

    fn arb_leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            Just(Value::Missing),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            "-?[1-9][0-9]{19,30}".prop_map(|d| Value::BigInt(d.into())),
            prop_oneof![
                any::<f64>(),
                Just(f64::INFINITY),
                Just(f64::NEG_INFINITY),
                Just(f64::NAN),
                Just(1e-6),
                Just(1e17)
            ]
            .prop_map(Value::Float),
            // Only strings OmegaConf can hold: an invalid interpolation fails
            // to load.
            arb_str()
                .prop_filter("a valid interpolation", |s| {
                    !s.contains("${") || crate::interp::creation::check(s).is_ok()
                })
                .prop_map(|s| super::super::scalar::string_value(&s)),
        ]
    }

    /// Keys that Python (and so the loader) would not merge: no NaN, no
    /// integral floats, no ints 0 and 1 beside the bools.
    fn arb_key() -> impl Strategy<Value = Key> {
        prop_oneof![
            3 => arb_str().prop_map(Key::from),
            1 => (2i64..1_000_000).prop_map(Key::Int),
            1 => (-1000i64..1000).prop_map(|i| Key::Float(i as f64 + 0.25)),
            1 => any::<bool>().prop_map(Key::Bool),
        ]
    }

    /// Random trees: every value and key type, tricky strings, nesting.
    pub(crate) fn arb_tree() -> impl Strategy<Value = Node> {
        let leaf = arb_leaf().prop_map(Node::new);
        let tree = leaf.prop_recursive(5, 80, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6)
                    .prop_map(|v| Node::new(Value::List(v))),
                proptest::collection::vec((arb_key(), inner), 0..6)
                    .prop_map(|pairs| Node::new(Value::Map(pairs.into_iter().collect()))),
            ]
        });
        proptest::collection::vec((arb_key(), tree), 0..6)
            .prop_map(|pairs| Node::new(Value::Map(pairs.into_iter().collect())))
    }

    fn key_list(node: &Node, out: &mut Vec<String>) {
        match &node.value {
            Value::Map(m) => m.iter().for_each(|(k, v)| {
                out.push(format!("{k:?}"));
                key_list(v, out);
            }),
            Value::List(l) => l.iter().for_each(|v| key_list(v, out)),
            _ => {}
        }
    }

    /// A root big enough to be written on two threads gives the text
    /// written in one go.
    #[test]
    fn a_big_root_written_in_two_parts_is_the_same_text() {
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!("k{i}:\n"));
            for j in 0..(i % 7) * 20 {
                text.push_str(&format!(
                    "  v{j}: [1, x, {j}.5]\n  m{j}:\n  - a: 'q{j}'\n    b: null\n"
                ));
            }
            text.push_str(&format!("s{i}: {i}\nl{i}:\n- {{}}\n- []\n"));
        }
        let tree = load_str(&text, "t.yaml", &Limits::default()).unwrap();
        let map = tree.as_map().unwrap();
        assert!(cut(map).is_some_and(|(at, _)| at > 0 && at < map.len()));
        let mut serial = String::new();
        write_map(map, 0, false, &mut serial);
        assert_eq!(to_yaml(&tree), serial);
        assert_eq!(
            load_str(&serial, "t.yaml", &Limits::default()).unwrap(),
            tree
        );
    }

    #[test]
    fn ints_without_fmt() {
        for i in [0, 7, -7, 10, 1234567890, i64::MAX, i64::MIN] {
            let mut out = String::new();
            super::push_int(i, &mut out);
            assert_eq!(out, i.to_string());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The one-pass check agrees with PyYAML's analysis where it answers.
        #[test]
        fn simple_plain_agrees_with_the_full_analysis(s in "[ -~]{1,12}") {
            if super::simple_plain(s.as_bytes()) {
                let full = super::analyze_chars(&s, s.chars());
                prop_assert!(full.plain && full.single, "{:?}", s);
            }
        }
    }

    proptest! {
        #![proptest_config(crate::proptest_cases::cases(256))]

        #[test]
        fn to_yaml_then_load_gives_the_same_tree(tree in arb_tree()) {
            let text = to_yaml(&tree);
            let back = load_str(&text, "t", &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{e}\n---\n{text}")))?;
            prop_assert_eq!(&back, &tree, "\n{}", text);
            // Equality of values covers order; keys' types too:
            let (mut a, mut b) = (Vec::new(), Vec::new());
            key_list(&tree, &mut a);
            key_list(&back, &mut b);
            prop_assert_eq!(a, b);
            prop_assert_eq!(to_yaml(&back), text);
        }
    }
}
