//! Regression tests for hostile interpolations (issue 14): each input once
//! crashed resolution (stack overflow) or blew up its time or memory; each
//! must now give a clean error, or the right result, quickly.
//!
//! Every test runs on a thread with a 2 MiB stack, the smallest a caller is
//! likely to have: resolution runs on the caller's stack, so this also
//! checks that it bounds its stack use however deep it goes.

use super::limits::{MAX_CALL_DEPTH, MAX_COPY_BYTES, MAX_TREE_DEPTH};
use super::{resolve, Resolvers};
use crate::error::{Error, ErrorKind};
use crate::node::{Key, Map, Node, Value};

/// Runs `f` on a thread with a 2 MiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Resolves `yaml` with the built-in resolvers (on a small stack), giving
/// the error; the tree is dropped on that stack too.
fn error_of(yaml: String) -> Error {
    on_small_stack(move || {
        let mut cfg = Node::from_yaml_str(&yaml).unwrap();
        resolve(&mut cfg, &Resolvers::default()).unwrap_err()
    })
}

fn assert_mentions(e: &Error, words: &[&str]) {
    assert_eq!(e.kind(), ErrorKind::Interpolation, "{e}");
    for w in words {
        assert!(e.to_string().contains(w), "'{w}' not in: {e}");
    }
}

#[test]
fn decode_of_its_own_result_stops_at_the_stack_limit() {
    // The calls nest within one interpolation: the stack limit stops them
    // (long before MAX_CALL_DEPTH would).
    let yaml = "b: '\\${oc.decode:\\${b}}'\na: ${oc.decode:${b}}\n".to_string();
    let e = error_of(yaml);
    assert_mentions(&e, &["nested too deep", "MiB of stack"]);
    assert_eq!(e.key(), Some("a"));
    // The decoded text doubling at each level stops too.
    let yaml = "b: '\\${oc.decode:\"\\${b}\\${b}\"}'\na: ${oc.decode:${b}}\n".to_string();
    let e = error_of(yaml);
    assert_eq!(e.kind(), ErrorKind::Interpolation, "{e}");
}

#[test]
fn resolver_calls_nested_across_a_chain_stop_at_the_call_depth() {
    // Each link nests 10 calls around the next: 101 links, 1010 calls.
    let mut yaml = String::new();
    for i in 0..101 {
        let open = "${oc.decode:".repeat(10);
        let close = "}".repeat(10);
        yaml.push_str(&format!("k{i}: '{open}${{k{}}}{close}'\n", i + 1));
    }
    yaml.push_str("k101: end\n");
    let e = error_of(yaml);
    assert_mentions(&e, &["Resolver calls nested", &MAX_CALL_DEPTH.to_string()]);
    assert_eq!(e.key(), Some("k0"));
}

#[test]
fn resolver_chains_within_the_chain_limit_still_resolve() {
    // 900 links, each a resolver call: 900 calls nested, under both limits.
    let mut yaml = String::new();
    for i in 0..900 {
        yaml.push_str(&format!("k{i}: ${{oc.select:k{}}}\n", i + 1));
    }
    yaml.push_str("k900: end\n");
    let k0 = on_small_stack(move || {
        let mut cfg = Node::from_yaml_str(&yaml).unwrap();
        resolve(&mut cfg, &Resolvers::default()).unwrap();
        cfg.get("k0").unwrap().value.clone()
    });
    assert_eq!(k0, Value::Str("end".into()));
}

#[test]
fn create_growing_the_tree_stops_at_the_tree_depth() {
    let yaml = "s: 'x: \\${oc.create:\\${s}}'\na: ${oc.create:${s}}\n".to_string();
    let e = error_of(yaml);
    assert_mentions(&e, &["deeper than", &MAX_TREE_DEPTH.to_string()]);
    assert!(e.key().unwrap().starts_with("a.x.x."), "{e}");
    // Growing a chain as well as the tree: `a.y` refers into what
    // `a.x` creates, which refers one level further, and so on.
    let yaml = "s: 'y: \\${.x.y}\n\n  x: \\${oc.create:\\${s}}'\na: ${oc.create:${s}}\n";
    let e = error_of(yaml.to_string());
    assert_eq!(e.kind(), ErrorKind::Interpolation, "{e}");
}

/// `nest:n` makes `{x: ${nest:n-1}}` down to `nest:0`, which gives 0: a
/// tree `n` levels deep, built level by level as the walk goes down.
fn nesting_resolvers() -> Resolvers {
    let mut r = Resolvers::default();
    r.register(
        "nest",
        |c| {
            let Some(Value::Int(n)) = c.args().first().map(|a| &a.value) else {
                return Ok(Node::from(-1));
            };
            if *n == 0 {
                return Ok(Node::from(0));
            }
            let mut m = Map::new();
            m.insert(Key::from("x"), Node::from(format!("${{nest:{}}}", n - 1)));
            Ok(Node::new(Value::Map(m)))
        },
        false,
    )
    .unwrap();
    r
}

/// `level:n` makes `{y: ${.x.y}, x: ${level:n-1}}` down to `level:0`,
/// which makes `{y: end}`: `y` at the top needs the `y` one level down,
/// which needs the one below, so evaluation nests `n` deep.
fn chain_resolvers() -> Resolvers {
    let mut r = Resolvers::default();
    r.register(
        "level",
        |c| {
            let Some(Value::Int(n)) = c.args().first().map(|a| &a.value) else {
                return Ok(Node::from(-1));
            };
            let mut m = Map::new();
            if *n == 0 {
                m.insert(Key::from("y"), Node::from("end"));
            } else {
                m.insert(Key::from("y"), Node::from("${.x.y}"));
                m.insert(Key::from("x"), Node::from(format!("${{level:{}}}", n - 1)));
            }
            Ok(Node::new(Value::Map(m)))
        },
        false,
    )
    .unwrap();
    r
}

#[test]
fn a_small_tree_that_goes_deep_resolves_on_a_small_stack() {
    // One interpolation that nests 250 evaluations deep, more than a 2 MiB
    // stack holds at once: the evaluation is suspended and resumed.
    let y = on_small_stack(|| {
        let mut cfg = Node::from_yaml_str("a: ${level:250}\n").unwrap();
        resolve(&mut cfg, &chain_resolvers()).unwrap();
        cfg.select("a.y").unwrap().unwrap().value.clone()
    });
    assert_eq!(y, Value::Str("end".into()));
}

#[test]
fn a_resolver_building_a_deep_tree_stops_at_the_tree_depth() {
    // The walk goes 200 levels down; `b` copies the result, `c` prints it.
    let (depth, c) = on_small_stack(|| {
        let yaml = "a: ${nest:200}\nb: ${a}\nc: 'a=${a}'\n";
        let mut cfg = Node::from_yaml_str(yaml).unwrap();
        resolve(&mut cfg, &nesting_resolvers()).unwrap();
        assert_eq!(cfg.get("a"), cfg.get("b"));
        let mut n = cfg.get("a").unwrap();
        let mut depth = 1;
        while let Some(x) = n.get("x") {
            n = x;
            depth += 1;
        }
        (
            (depth, n.value.clone()),
            cfg.get("c").unwrap().value.clone(),
        )
    });
    assert_eq!(depth, (201, Value::Int(0)));
    assert_eq!(c, Value::Str("a={'x': '${nest:199}'}".into()));
    let e = on_small_stack(|| {
        let mut cfg = Node::from_yaml_str("a: ${nest:300}\n").unwrap();
        resolve(&mut cfg, &nesting_resolvers()).unwrap_err()
    });
    assert_mentions(&e, &["deeper than", &MAX_TREE_DEPTH.to_string()]);
}

/// `a0: [x]`, then `a{i}: <line(i-1)>` for `lines` lines.
fn doubling(lines: usize, line: impl Fn(usize) -> String) -> String {
    let mut yaml = String::from("a0: [x]\n");
    for i in 1..=lines {
        yaml.push_str(&format!("a{i}: {}\n", line(i - 1)));
    }
    yaml
}

#[test]
fn references_copying_each_other_hit_the_copy_budget() {
    let e = error_of(doubling(30, |p| format!("['${{a{p}}}', '${{a{p}}}']")));
    assert_mentions(&e, &["copied or created more than", "nodes"]);
    assert!(e.key().unwrap().starts_with('a'), "{e}");
    let e = error_of(doubling(30, |p| {
        format!("${{oc.create:[${{a{p}}},${{a{p}}}]}}")
    }));
    assert_mentions(&e, &["copied or created more than", "nodes"]);
    // A few levels are fine.
    let yaml = doubling(4, |p| format!("['${{a{p}}}', '${{a{p}}}']"));
    let mut cfg = Node::from_yaml_str(&yaml).unwrap();
    resolve(&mut cfg, &Resolvers::default()).unwrap();
    let a4 = cfg.select("a4[1][0][1][0]").unwrap().unwrap();
    assert_eq!(a4.value, Value::List(vec![Node::from("x")]));
}

#[test]
fn dict_values_chains_hit_the_copy_budget() {
    let mut yaml = String::from("d0: {k: v, j: w}\n");
    for i in 1..30 {
        let p = i - 1;
        yaml.push_str(&format!(
            "d{i}:\n  x: ${{oc.dict.values:d{p}}}\n  y: ${{oc.dict.values:d{p}}}\n"
        ));
    }
    let e = error_of(yaml);
    assert_mentions(&e, &["copied or created more than"]);
}

#[test]
fn dict_keys_of_a_large_mapping_hit_the_copy_budget() {
    let mut yaml = String::from("big:\n");
    for i in 0..20_000 {
        yaml.push_str(&format!("  k{i}: {i}\n"));
    }
    for i in 0..200 {
        yaml.push_str(&format!("l{i}: ${{oc.dict.keys:big}}\n"));
    }
    let e = error_of(yaml);
    assert_mentions(&e, &["copied or created more than", "nodes"]);
}

#[test]
fn dict_values_with_a_long_key_are_refused_before_they_are_built() {
    // 2,000 items of `${<40 KB key>.eN}`: 80 MB in one call.
    let key = "k".repeat(40_000);
    let mut yaml = format!("? {key}\n:\n");
    for i in 0..2_000 {
        yaml.push_str(&format!("  e{i}: {i}\n"));
    }
    yaml.push_str(&format!("v: ${{oc.dict.values:{key}}}\n"));
    let e = error_of(yaml);
    let mib = format!("{} MiB", MAX_COPY_BYTES >> 20);
    assert_mentions(&e, &["copied or created more than", &mib]);
    assert_eq!(e.key(), Some("v"));
}

#[test]
fn strings_repeating_each_other_stop_before_they_are_built() {
    // s3 alone would be 1 GB, s4 1 TB.
    let mut yaml = String::from("s0: x\n");
    for i in 1..5 {
        let piece = format!("${{s{}}}", i - 1);
        yaml.push_str(&format!("s{i}: \"{}\"\n", piece.repeat(1000)));
    }
    let e = error_of(yaml);
    assert_mentions(&e, &["64 MiB"]);
    assert_eq!(e.key(), Some("s3"));
}

#[test]
fn keys_built_from_long_strings_count_as_strings() {
    // 200 segments, each a 1 MB string: a 200 MB key.
    let yaml = format!(
        "s: {}\nt: ${{{}}}\n",
        "y".repeat(1 << 20),
        vec!["${s}"; 200].join(".")
    );
    let e = error_of(yaml);
    assert_mentions(&e, &["64 MiB"]);
    assert_eq!(e.key(), Some("t"));
}

#[test]
fn deep_nesting_in_every_link_of_a_long_chain_is_an_error() {
    // Each of 900 links nests 190 lists around the next: neither limit
    // alone is reached, but together they would overflow the stack.
    let mut yaml = String::new();
    for i in 0..900 {
        let next = format!("${{k{}}}", i + 1);
        let open = "[".repeat(190);
        let close = "]".repeat(190);
        yaml.push_str(&format!("k{i}: '${{oc.create:{open}{next}{close}}}'\n"));
    }
    yaml.push_str("k900: end\n");
    let e = error_of(yaml);
    // Which guard stops it first depends on the frame sizes (smaller nodes
    // and errors leave more room on the stack): the stack limit, or the
    // tree-depth limit once two links' lists are stacked. Either is an
    // error that names its limit, never an overflow.
    let text = e.to_string();
    if text.contains("nested too deep") {
        assert_mentions(&e, &["MiB of stack"]);
    } else {
        assert_mentions(&e, &["deeper than 256 levels"]);
    }
}

#[test]
fn a_resolver_that_swallows_errors_still_sees_long_chains_resolved() {
    // `sel` turns every failed select into a fallback: the suspension of
    // the long chain must not be mistaken for a failure.
    let mut r = Resolvers::default();
    r.register(
        "sel",
        |c| {
            let key = match c.args().first().map(|a| &a.value) {
                Some(Value::Str(k)) => k.clone(),
                _ => return Ok(Node::from("bad")),
            };
            Ok(c.select(&key)
                .ok()
                .flatten()
                .unwrap_or_else(|| Node::from("fallback")))
        },
        false,
    )
    .unwrap();
    let mut yaml = String::new();
    for i in 0..600 {
        yaml.push_str(&format!("k{i}: ${{sel:k{}}}\n", i + 1));
    }
    yaml.push_str("k600: end\n");
    let got = on_small_stack(move || {
        let mut cfg = Node::from_yaml_str(&yaml).unwrap();
        resolve(&mut cfg, &r).unwrap();
        (0..600)
            .map(|i| cfg.get(&format!("k{i}")).unwrap().value.clone())
            .collect::<Vec<_>>()
    });
    assert!(
        got.iter().all(|v| *v == Value::Str("end".into())),
        "{got:?}"
    );
}
