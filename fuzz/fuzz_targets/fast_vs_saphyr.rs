//! Differential test of the YAML fast path (yaml/fast.rs) against saphyr.
//!
//! `parse_fast`/`parse_saphyr` are private to the yaml module, so this
//! tests their observable equivalent: the same document loaded as is (the
//! fast path, when it accepts it) and with a line appended that routes the
//! whole file through saphyr must give the same tree, values *and* origins.
//! Two such lines are used (fast.rs's doc: quotes, tabs and other controls
//! — comments included — make the fast path give up):
//!
//! - `#<TAB>`: a comment, so the trees must be identical;
//! - `zz: 'q'` (or `- 'q'` under a root list): a quoted scalar, as the
//!   issue asks; everything but the new entry must be identical.
//!
//! Appending text can change what saphyr reads only for documents that end
//! in something sensitive to what follows (block scalars `|`/`>`, document
//! markers `---`/`...`/`%`, a lone root scalar): the fast path never
//! accepts those, so they are skipped.
#![no_main]

use config_core::yaml::{load_str, Limits};
use config_core::{Key, Node, Origin, Value};
use libfuzzer_sys::fuzz_target;

mod budget;

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if sensitive_to_a_suffix(text) || known(text) {
        return;
    }
    let limits = Limits::default();
    let Ok(base) = load_str(text, "t.yaml", &limits) else {
        return;
    };
    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };

    // Both loads go through saphyr unless the fast path may take `text`:
    // then only the values must agree (saphyr places some empty values at
    // the next token, which the appended line moves: `? k` at the end).
    let origins = may_be_fast(text);

    let commented = format!("{text}{sep}#\t\n");
    match load_str(&commented, "t.yaml", &limits) {
        Ok(slow) => {
            if let Err(d) = same(&base, &slow, None, origins) {
                panic!("{text:?}: as is vs with a `#\\t` line (saphyr): {d}\n{base:?}\nvs\n{slow:?}");
            }
        }
        Err(e) => panic!("{text:?} loads, but fails with a `#\\t` line appended: {e}"),
    }

    if !fast_shaped(text) {
        return;
    }
    let (line, extra) = match &base.value {
        Value::List(_) => ("- 'q'\n", Extra::LastItem),
        Value::Map(m) if !m.is_empty() && !m.contains_key(&Key::Str("zz".into())) => {
            ("zz: 'q'\n", Extra::Key)
        }
        _ => return,
    };
    let quoted = format!("{text}{sep}{line}");
    let slow = match load_str(&quoted, "t.yaml", &limits) {
        Ok(slow) => slow,
        // A lone root string `s` loads as `{s: null}`, and `s\nzz: 'q'` is a
        // syntax error: the fast path never reads a root scalar.
        Err(_) if is_lone_string(&base) => return,
        // flow-indent-bracket-in-key: yaml/flow_indent.rs counts a `[` in a
        // plain key as a flow collection and re-indents the lines after it.
        Err(e) if skip_known() && e.message().contains("invalid indentation") => return,
        Err(e) => panic!("{text:?} loads, but fails with {line:?} appended: {e}"),
    };
    if let Err(d) = same(&base, &slow, Some(extra), origins) {
        panic!("{text:?}: as is vs with {line:?} (saphyr): {d}\n{base:?}\nvs\n{slow:?}");
    }
});

/// With `FUZZ_SKIP_KNOWN=1`, inputs that hit a finding already reported in
/// fuzz/findings/fast_vs_saphyr/ are skipped, so that a run can look for
/// others. Off by default: the findings must keep failing until fixed.
fn known(text: &str) -> bool {
    skip_known()
        // bom-in-comment: saphyr rejects U+FEFF after the start.
        && (text.trim_start_matches('\u{feff}').contains('\u{feff}')
            // flow-indent-*: yaml/flow_indent.rs takes a `[`/`{` inside a
            // plain scalar or key for a flow collection; skip every line
            // that opens more brackets than it closes.
            || text.lines().any(|l| {
                let opens = l.matches(['[', '{']).count();
                opens > 0 && opens > l.matches([']', '}']).count()
            })
            // flow-item-ends-in-dash: saphyr rejects `[x -]`, the fast path
            // (and PyYAML) read `x -`.
            || text.contains("-]")
            || text.contains("-,"))
}

fn skip_known() -> bool {
    static SKIP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SKIP.get_or_init(|| std::env::var_os("FUZZ_SKIP_KNOWN").is_some())
}

#[derive(Clone, Copy)]
enum Extra {
    Key,
    LastItem,
}

fn sensitive_to_a_suffix(text: &str) -> bool {
    text.contains(['|', '>'])
        || text
            .split(['\n', '\r'])
            .any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%'))
}

/// The first line with content starts at column 0 with a block key or a
/// `-` item, as every document the fast path accepts does: a root flow
/// collection, an indented root or an explicit `? key` cannot take a line
/// at column 0 after it.
fn fast_shaped(text: &str) -> bool {
    let Some(first) = text
        .split('\n')
        .find(|l| !l.trim_start_matches(' ').is_empty() && !l.trim_start_matches(' ').starts_with('#'))
    else {
        return false;
    };
    first.starts_with(|c: char| c.is_ascii_alphanumeric() || "_./$~+()=<^;\\-".contains(c))
}

/// A cheap superset of what the fast path accepts: fast-shaped, and none of
/// the explicit keys, tags or anchors it always gives up on.
fn may_be_fast(text: &str) -> bool {
    fast_shaped(text) && !text.contains(['?', '!', '&'])
}

fn is_lone_string(n: &Node) -> bool {
    matches!(&n.value, Value::Map(m) if m.len() == 1
        && m.values().all(|v| v.value == Value::Null))
}

/// Values, key order and every origin agree; `extra` is the root's appended
/// entry, which only `b` has.
fn same(a: &Node, b: &Node, extra: Option<Extra>, origins: bool) -> Result<(), String> {
    if origins && !same_origin(&a.origin, &b.origin) {
        return Err(format!("origin {} vs {}", a.origin, b.origin));
    }
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            let y: Vec<_> = match extra {
                Some(Extra::Key) => y
                    .iter()
                    .filter(|(k, _)| **k != Key::Str("zz".into()))
                    .collect(),
                _ => y.iter().collect(),
            };
            if x.len() != y.len() || !x.keys().zip(y.iter()).all(|(p, q)| p == q.0) {
                return Err(format!(
                    "keys {:?} vs {:?}",
                    x.keys().collect::<Vec<_>>(),
                    y.iter().map(|p| p.0).collect::<Vec<_>>()
                ));
            }
            x.values()
                .zip(y.iter())
                .try_for_each(|(p, q)| same(p, q.1, None, origins))
        }
        (Value::List(x), Value::List(y)) => {
            let y = match extra {
                Some(Extra::LastItem) if !y.is_empty() => &y[..y.len() - 1],
                _ => &y[..],
            };
            if x.len() != y.len() {
                return Err(format!("list of {} vs {}", x.len(), y.len()));
            }
            x.iter().zip(y).try_for_each(|(p, q)| same(p, q, None, origins))
        }
        (x, y) if x == y && !x.is_container() => Ok(()),
        (x, y) => Err(format!("{x:?} vs {y:?}")),
    }
}

fn same_origin(a: &Origin, b: &Origin) -> bool {
    a == b
}
