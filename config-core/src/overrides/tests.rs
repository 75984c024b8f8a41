//! Unit tests of the override parser against Hydra 1.3's behaviour.

use super::*;

fn ok(text: &str) -> Override {
    parse_override(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn vs(text: &str) -> String {
    ok(text).value_str().unwrap()
}

#[test]
fn forms() {
    let o = ok("~db@backup");
    assert_eq!(
        (o.kind, o.key_or_group(), o.package()),
        (OverrideKind::Delete, "db", Some("backup"))
    );
    assert!(o.value.is_none());
    assert_eq!(ok("++a.b=1").kind, OverrideKind::ForceAdd);
    assert_eq!(ok("name=").element(), Some(&Element::str("")));
    assert_eq!(ok("=v").key_or_group(), "");
    assert_eq!(ok("a/b/c=opt").key_or_group(), "a/b/c");
    assert_eq!(ok("db@=x").package(), Some(""));
    for bad in [
        "a", "+", "+++a=1", "a b=1", "a..b=1", "a/b.c=1", "a@b@c=1", "1key=1", "a:b=1",
    ] {
        assert!(parse_override(bad).is_err(), "{bad}");
    }
}

#[test]
fn primitives() {
    assert_eq!(ok("x=010").element(), Some(&Element::str("010")));
    assert_eq!(ok("x=010.5").element(), Some(&Element::str("010.5")));
    assert_eq!(
        ok("x=-INF").element(),
        Some(&Element::Float(f64::NEG_INFINITY))
    );
    assert_eq!(ok("x=  5  ").element(), Some(&Element::Int(5)));
    assert_eq!(ok("x=NuLL").element(), Some(&Element::Null));
    assert_eq!(ok("x=yes").element(), Some(&Element::str("yes")));
    assert_eq!(
        ok("x=123456789012345678901234567890").element(),
        Some(&Element::BigInt("123456789012345678901234567890".into()))
    );
    assert_eq!(vs("x=a\\,b"), "a\\,b");
    assert_eq!(vs("x=true"), "True");
    assert_eq!(vs("x=1e16"), "1e+16");
    assert_eq!(vs(r"s=C:\Users"), r"C\:\\Users");
    assert_eq!(vs("s=  lead and trail  "), r"lead\ and\ trail");
}

#[test]
fn containers() {
    assert_eq!(vs("l=[ 1 , 2 , 3 ]"), "[1,2,3]");
    assert_eq!(vs("d={a: b: c}"), r"{a:b\:\ c}");
    assert_eq!(vs("d={a: 1, a: 2}"), "{a:2}");
    assert_eq!(vs("d={1: one, 2.5: x}"), "{1:one,2.5:x}");
    assert_eq!(vs("l=[${x}, ${y.z}]"), r"[$\{x\},$\{y.z\}]");
    for bad in [
        "l=[1,]",
        "l=[,1]",
        "l=[1,2",
        "d={a}",
        "d={'qk': 1}",
        "d={${k}: 1}",
        "a=[1] [2]",
    ] {
        assert!(parse_override(bad).is_err(), "{bad}");
    }
}

#[test]
fn quoted() {
    assert_eq!(
        ok("s='123'").element(),
        Some(&Element::Str {
            text: "123".into(),
            quote: Some(Quote::Single)
        })
    );
    assert_eq!(vs(r"s='it\'s'"), r"'it\'s'");
    assert_eq!(vs(r#"s="\\\\""#), r#""\\\\""#);
    for bad in ["s='a''b'", "s='open", "s=pre'quoted'", "s='x'y'"] {
        assert!(parse_override(bad).is_err(), "{bad}");
    }
}

#[test]
fn sweeps_and_functions() {
    let values = |t: &str| -> Vec<String> {
        ok(t)
            .sweep_values(None, &mut SweepRng::new(1))
            .unwrap()
            .unwrap()
            .iter()
            .map(Element::value_str)
            .collect()
    };
    assert_eq!(values("x=a,b,c"), ["a", "b", "c"]);
    assert_eq!(
        values("x=range(0,1,step=0.3)"),
        ["0.0", "0.3", "0.6", "0.8999999999999999"]
    );
    assert_eq!(values("x=sort(range(5,0,-1))"), ["1", "2", "3", "4", "5"]);
    assert_eq!(values("x=str(1,2,3)"), ["1", "2", "3"]);
    assert_eq!(vs("x=int(\"42\")"), "42");
    assert_eq!(vs("x=float({a: 1, b: \"2\"})"), "{a:1.0,b:2.0}");
    assert_eq!(vs("x=bool(null)"), "False");
    assert_eq!(vs("x=str(int(2.5))"), "2");
    assert_eq!(
        ok("x=int(interval(1.5,9.9))").sweep(),
        Some(&Sweep::Interval(IntervalSweep {
            start: Number::Int(1),
            end: Number::Int(9),
            tags: vec![],
        }))
    );
    let o = ok("x=glob(*,exclude=tmp*)");
    let opts: Vec<String> = ["a", "tmp", "b"].iter().map(|s| s.to_string()).collect();
    let got = o
        .sweep_values(Some(&opts), &mut SweepRng::new(0))
        .unwrap()
        .unwrap();
    assert_eq!(got, [Element::str("a"), Element::str("b")]);
    for bad in [
        "x=choice()",
        "x=choice(choice(a,b))",
        "x=range(a,b)",
        "x=interval(1)",
        "x=tag(a,1)",
        "x=glob()",
        "x=int(abc)",
        "x=str(null)",
        "x=bool(yes)",
        "x=str(range(1,4))",
        "x=int()",
        "x=int(1,value=2)",
        "x=sort(1,a)",
        "x=range(1,step=2,5)",
        "x=unknown_fn(1)",
        "x=int(1",
        "x=[choice(1,2)]",
    ] {
        assert!(parse_override(bad).is_err(), "{bad}");
    }
}

#[test]
fn errors_point_at_the_column_and_suggest_a_fix() {
    let e = parse_override("v=${a.${b}}").unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::OverrideParse);
    let text = e.to_string();
    assert!(text.contains("v=${a.${b}}\n              ^"), "{text}");
    assert!(text.contains("quoted"), "{text}");
    let e = parse_override("x=chioce(a,b)").unwrap_err().to_string();
    assert!(e.contains("did you mean choice()"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("x={}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_override(&deep).is_err());
}

#[test]
fn to_node_keeps_types() {
    use crate::{Key, Value};
    let n = ok("x={1: a, b: '${c}', d: [1.5]}")
        .to_node(&Origin::arg(1, "x"))
        .unwrap();
    let map = n.as_map().unwrap();
    assert!(map.contains_key(&Key::Int(1)));
    assert!(matches!(map[&Key::from("b")].value, Value::Interp(_)));
    assert_eq!(ok("db=[a,b]").option_names(), Some(vec!["a", "b"]));
}
