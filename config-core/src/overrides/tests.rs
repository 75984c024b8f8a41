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
    assert_eq!(e.kind(), crate::ErrorKind::OverrideParse);
    let text = e.to_string();
    assert!(text.contains("| v=${a.${b}}\n |           ^"), "{text}");
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

mod roundtrip {
    //! Property: rendering a parsed value (`value_str`) and parsing the text
    //! again gives the same value.
    use super::super::*;
    use crate::grammar::primitive::{is_float, is_int, type_primitive};
    use proptest::prelude::*;

    /// Unquoted strings: grammar characters (specials are escaped when
    /// rendered), never a lone typed token.
    fn unquoted() -> impl Strategy<Value = Element> {
        "[a-z_$/%*@?|.+-][a-zA-Z0-9_ ,:=/()\\[\\]{}\\\\.$%*@?|+-]{0,12}"
            .prop_filter("typed text is not a string", |s| {
                type_primitive(s).is_none() && !is_int(s) && !is_float(s)
            })
            .prop_map(Element::str)
    }

    fn quoted() -> impl Strategy<Value = Element> {
        (any::<String>(), any::<bool>()).prop_map(|(text, single)| Element::Str {
            text,
            quote: Some(if single { Quote::Single } else { Quote::Double }),
        })
    }

    fn primitive() -> impl Strategy<Value = Element> {
        prop_oneof![
            Just(Element::Null),
            any::<bool>().prop_map(Element::Bool),
            any::<i64>().prop_map(Element::Int),
            any::<f64>().prop_map(Element::Float),
            "[1-9][0-9]{19,40}".prop_map(Element::BigInt),
            unquoted(),
            quoted(),
        ]
    }

    fn dict_key() -> impl Strategy<Value = Element> {
        prop_oneof![
            "[a-z_][a-z0-9_-]{0,6}".prop_map(Element::str),
            (1000i64..2000).prop_map(Element::Int),
        ]
    }

    fn element() -> impl Strategy<Value = Element> {
        primitive().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Element::List),
                prop::collection::btree_map(dict_key().prop_map(|k| k.value_str()), inner, 0..4)
                    .prop_map(|m| {
                        let pairs = m.into_iter().map(|(k, v)| {
                            let key = match k.parse::<i64>() {
                                Ok(i) => Element::Int(i),
                                Err(_) => Element::str(k),
                            };
                            (key, v)
                        });
                        Element::Dict(pairs.collect())
                    }),
            ]
        })
    }

    proptest! {
        #[test]
        fn render_then_parse_gives_the_same_value(e in element()) {
            let text = format!("key={}", e.value_str());
            let o = parse_override(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
            prop_assert_eq!(o.element(), Some(&e), "{}", text);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,40}") {
            let _ = parse_override(&s);
        }

        #[test]
        fn grammar_shaped_input_never_panics(
            s in "[+~]{0,2}[a-z$/@.0-9]{0,6}=[a-z0-9 ,:=()\\[\\]{}'\"\\\\$.*+-]{0,30}"
        ) {
            if let Ok(o) = parse_override(&s) {
                let _ = o.value_str();
                let _ = o.sweep_values(Some(&["a".to_string()]), &mut SweepRng::new(0));
            }
        }
    }
}
