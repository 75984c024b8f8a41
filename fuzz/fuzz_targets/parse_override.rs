//! Fuzzes the override parser: any input must parse or fail cleanly, never
//! panic; an element parsed without functions (casts can make strings that
//! no longer round-trip, in Hydra too) must re-render to text that parses
//! back to the same element; sweeps must expand or fail cleanly.
#![no_main]

use config_core::overrides::{parse_override, Element, OverrideValue, SweepRng};
use config_core::Origin;
use libfuzzer_sys::fuzz_target;

mod budget;

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(o) = parse_override(text) else { return };
    match &o.value {
        Some(OverrideValue::Element(e)) if !text.contains('(') && representable(e) => {
            let rendered = format!("k={}", e.value_str());
            let again = parse_override(&rendered).unwrap_or_else(|err| {
                panic!("{text:?} renders as {rendered:?}, which fails: {err}")
            });
            let e2 = again.element().expect("an element renders as an element");
            assert_eq!(e2, e, "{text:?} -> {rendered:?}");
            let _ = e.to_node(&Origin::arg(1, text));
        }
        Some(OverrideValue::Element(e)) => {
            let _ = (e.value_str(), e.to_node(&Origin::arg(1, text)));
        }
        Some(OverrideValue::Sweep(s)) => {
            let options = vec!["a".to_string(), "b".to_string()];
            let _ = s.expand(Some(&options), &mut SweepRng::new(1));
        }
        _ => {}
    }
});

/// True when every unquoted string can be written unquoted again: Hydra's
/// rendering escapes the grammar's specials but not quotes or characters
/// outside the grammar, which only interpolations (`${a:'b'}`) can carry.
fn representable(e: &Element) -> bool {
    match e {
        Element::Str { text, quote: None } => text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/\\+.$%*@?|:()[]{}=, \t".contains(c)),
        Element::List(items) => items.iter().all(representable),
        Element::Dict(pairs) => pairs
            .iter()
            .all(|(k, v)| representable(k) && representable(v)),
        _ => true,
    }
}
