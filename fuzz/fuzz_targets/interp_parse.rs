//! Fuzzes the interpolation grammar: any string must parse or fail
//! cleanly, as a config value (`grammar::parse`) and as a single element
//! (`grammar::parse_element`, what `oc.decode` uses), never panic, in time
//! linear in its length. An error's offset must be inside the input.
#![no_main]

use config_core::interp::grammar::{parse, parse_element};
use libfuzzer_sys::fuzz_target;

mod budget;

fuzz_target!(|data: &[u8]| {
    budget::start();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = parse(text) {
        assert!(e.offset <= text.len(), "{text:?}: offset {} out of range", e.offset);
    }
    if let Err(e) = parse_element(text) {
        assert!(e.offset <= text.len(), "{text:?}: offset {} out of range", e.offset);
    }
});
