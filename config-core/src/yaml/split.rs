//! Loading a big document on two cores.
//!
//! Part of loading ([`super::load`]), in front of the fast path
//! ([`super::fast`]): a document of [`SPLIT_MIN`] bytes or more whose root
//! is a block mapping is cut at a top-level key near its middle, and the
//! two halves go through the fast path at once, the second on a scoped
//! thread. The halves are then joined into the one root mapping.
//!
//! The result is the tree the fast path builds from the whole text: at a
//! line that starts a top-level key, the fast path has closed every
//! container but the root, so nothing but the root mapping, the duplicate-key
//! check and the tree budget crosses the cut. The join checks those two.
//! On anything else (a half outside the subset, a limit hit, a key in both
//! halves, a root that is not a mapping, a thread that cannot start) it
//! returns `None`, and the caller loads the whole text as before, so every
//! error is the one the whole text gives.

use super::fast::{self, Stop};
use super::limits::{Limits, NODE_BYTES};
use crate::node::{Key, Node, Value};
use crate::origin::Name;

/// The smallest document worth a thread: below it, starting one costs
/// about as much as the half of the parse it saves (a thread start is tens
/// of microseconds; the fast path reads about 150 bytes a microsecond).
pub(super) const SPLIT_MIN: usize = 128 << 10;

/// The tree of `text` built on two threads, when `text` is big and splits
/// cleanly (see the module docs); `None` otherwise.
pub(super) fn load(text: &str, path: &Name, limits: &Limits) -> Option<Node> {
    if text.len() < SPLIT_MIN {
        return None;
    }
    load_split(text, path, limits)
}

/// [`load`] without the size threshold (the tests split small texts).
pub(super) fn load_split(text: &str, path: &Name, limits: &Limits) -> Option<Node> {
    let cut = cut_point(text)?;
    let (head, tail) = text.split_at(cut);
    let tail_line = 1 + head.bytes().filter(|b| *b == b'\n').count();
    let (first, second) = std::thread::scope(|s| {
        let second = std::thread::Builder::new()
            .spawn_scoped(s, || fast::load_part(tail, tail_line, path, limits))
            .ok()?;
        let first = fast::load_part(head, 1, path, limits);
        Some((first, second.join().ok()?))
    })?;
    join(first, second, limits)
}

/// The start of a line near the middle of `text` that can only be a
/// top-level key of a block mapping: it starts with a letter, a digit or
/// `_` (never a space, `-`, `#`, `.`, `%`, `?` or a quote, which could be
/// anything else).
fn cut_point(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = text.len() / 2;
    while i + 1 < b.len() {
        let nl = i + b[i..].iter().position(|c| *c == b'\n')?;
        let next = *b.get(nl + 1)?;
        if next.is_ascii_alphanumeric() || next == b'_' {
            return Some(nl + 1);
        }
        i = nl + 1;
    }
    None
}

/// The root mapping of the whole text from those of its halves.
fn join(
    first: Result<(Node, usize), Stop>,
    second: Result<(Node, usize), Stop>,
    limits: &Limits,
) -> Option<Node> {
    let ((mut root, t1), (tail, t2)) = (first.ok()?, second.ok()?);
    // The second half opened a root mapping of its own, which the whole
    // text does not have.
    if t1.saturating_add(t2).saturating_sub(NODE_BYTES) > limits.max_tree_bytes {
        return None;
    }
    let (Value::Map(map), Value::Map(rest)) = (&mut root.value, tail.value) else {
        return None;
    };
    // Exact, as the whole text's root is built.
    map.reserve_exact(rest.len());
    for (key, node) in rest {
        // Other keys follow Python's dict equality (`1 == 1.0 == true`),
        // which the whole text's path applies.
        if !matches!(key, Key::Str(_)) || map.contains_key(&key) {
            return None;
        }
        map.insert(key, node);
    }
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::fast::tests::same;
    use crate::yaml::Limits;

    /// Split or not, the fast path's answer: the same tree, or no tree.
    /// True when the text was split.
    fn check(text: &str) -> bool {
        let path = Name::new("t.yaml");
        let limits = Limits::default();
        let whole = fast::load(text, &path, &limits).ok();
        match (load_split(text, &path, &limits), whole) {
            (Some(split), Some(whole)) => {
                if let Err(e) = same(&split, &whole) {
                    panic!("{text:?}: {e}");
                }
                true
            }
            (Some(_), None) => panic!("split accepted what the whole path refuses: {text:?}"),
            _ => false,
        }
    }

    #[test]
    fn halves_join_to_the_whole_tree() {
        let texts = [
            "a: 1\nb:\n  c: [1, 2]\n  d: x\ne: 3\nf:\n- 1\n- 2\ng: {}\nh: ${a}\n",
            "a:\n  b: 1\nc:\n",
            "a: 1\n# note\n\nb: 2\nc: 3\nd: 4\n",
            "a:\n- x\n- y\nb:\n- z\nc: 1\n",
            "a: 1\nb: 2\na: 3\nc: 4\n",
            "a: 1\nb: 2\nc: 3\nb: 4\n",
            "- 1\n- 2\n- 3\nb: 4\n",
            "a: 1\nb: 2\n1: 3\nc: 4\n",
            "a: 1\nb: 2\nc: 3\n1: 4\n",
            "a: 1\nb: 'q'\nc: 3\nd: 4\n",
            "a: 1\nb: 2\nc:\n  d\ne: 1\n",
        ];
        let split: Vec<bool> = texts.iter().map(|t| check(t)).collect();
        assert_eq!(
            split,
            [true, true, true, true, false, false, false, true, false, false, false]
        );
    }

    /// The conformance corpus and the bench tree's files, each cut in two.
    #[test]
    fn agrees_on_corpus_and_bench_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let mut files = Vec::new();
        crate::yaml::fast::tests::yaml_files(&root.join("tests/conformance"), &mut files);
        crate::yaml::fast::tests::yaml_files(&root.join("target/bench-tree"), &mut files);
        let split = files
            .iter()
            .filter(|f| check(&std::fs::read_to_string(f).unwrap()))
            .count();
        assert!(files.is_empty() || split > 0);
    }

    #[test]
    fn a_key_in_both_halves_is_left_to_the_whole_text() {
        let path = Name::new("t.yaml");
        let text = "a: 1\nb: 2\nc: 3\nd: 4\na: 5\n";
        assert!(load_split(text, &path, &Limits::default()).is_none());
    }

    #[test]
    fn the_tree_budget_counts_both_halves() {
        let path = Name::new("t.yaml");
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n";
        let whole = |max| {
            let limits = Limits {
                max_tree_bytes: max,
                ..Limits::default()
            };
            (
                fast::load(text, &path, &limits).is_ok(),
                load_split(text, &path, &limits).is_some(),
            )
        };
        // Seven nodes and six one-byte keys: the whole text's exact charge.
        let exact = 7 * NODE_BYTES + 6;
        assert_eq!(whole(exact), (true, true));
        assert_eq!(whole(exact - 1), (false, false));
    }

    #[test]
    fn small_documents_are_not_split() {
        let path = Name::new("t.yaml");
        assert!(load("a: 1\nb: 2\n", &path, &Limits::default()).is_none());
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_cases::cases(200))]

        #[test]
        fn agrees_with_the_whole_text(text in "((a|b|c|1|_x|-1|  |- |: |:|#| #c|\n|\\[|\\]|, |\\{\\}|~|\\$\\{a\\}|'|é|\t)){0,40}") {
            check(&text);
        }
    }
}
