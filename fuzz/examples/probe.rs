//! Runs one input the way a fuzz target does, without the fuzzer, and
//! prints what happens (result, time, peak memory): to check a finding, or a
//! library fix against it.
//!
//!   cargo run --release --example probe -- <yaml|roundtrip|resolve|interp|compose> FILE
//!
//! `compose` reads override lines and composes over the config tree that
//! the compose target writes (rebuilt here in a temp dir).
use config_core::interp::{grammar, resolve, Resolvers};
use config_core::Node;
use std::time::{Duration, Instant, UNIX_EPOCH};

#[path = "../fuzz_targets/compose_tree.rs"]
mod compose_tree;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, file] = &args[..] else {
        eprintln!("usage: probe <yaml|roundtrip|resolve|interp|compose> FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(file).expect("read the input");
    let text = String::from_utf8(bytes).expect("UTF-8 input");
    println!("input ({} bytes): {:?}", text.len(), truncated(&text));
    let t0 = Instant::now();
    match mode.as_str() {
        "yaml" => show("load", Node::from_yaml_str(&text).map(|n| n.to_yaml())),
        "roundtrip" => match Node::from_yaml_str(&text) {
            Ok(n) => {
                let y = n.to_yaml();
                println!("emitted: {:?}", truncated(&y));
                match Node::from_yaml_str(&y) {
                    Ok(m) if m == n => println!("reloads equal"),
                    Ok(m) => println!("reloads DIFFERENT: {:?}", truncated(&m.to_yaml())),
                    Err(e) => println!("reload fails: {e}"),
                }
            }
            Err(e) => println!("load fails: {e}"),
        },
        "resolve" => match Node::from_yaml_str(&text) {
            Ok(mut n) => {
                let mut r = Resolvers::default();
                r.set_now(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
                let res = resolve(&mut n, &r);
                println!("resolve: {res:?}");
                show("emit", Ok::<_, String>(n.to_yaml()));
            }
            Err(e) => println!("load fails: {e}"),
        },
        "interp" => {
            println!("parse: {:?}", grammar::parse(&text).map(|_| "ok"));
            println!("parse_element: {:?}", grammar::parse_element(&text).map(|_| "ok"));
        }
        "compose" => {
            let dir = compose_tree::write_tree();
            let composer = config_core::compose::Composer::builder().dir(&dir).build().unwrap();
            let overrides: Vec<&str> = text.lines().take(32).collect();
            match composer.compose("config", &overrides) {
                Ok(mut cfg) => {
                    show("compose", Ok::<_, String>(cfg.to_yaml()));
                    let mut r = Resolvers::default();
                    r.set_now(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
                    println!("resolve: {:?}", resolve(&mut cfg, &r));
                }
                Err(e) => println!("compose fails: {e}"),
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        m => panic!("unknown mode {m}"),
    }
    println!("time: {:.3} s, peak RSS: {} MiB", t0.elapsed().as_secs_f64(), peak_rss_mib());
}

fn show<E: std::fmt::Display>(what: &str, r: Result<String, E>) {
    match r {
        Ok(y) => println!("{what}: ok, {} bytes of YAML: {:?}", y.len(), truncated(&y)),
        Err(e) => println!("{what} fails: {e}"),
    }
}

fn truncated(s: &str) -> String {
    if s.len() <= 400 {
        s.to_string()
    } else {
        let cut = (0..=400).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        format!("{}... ({} bytes)", &s[..cut], s.len())
    }
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}
