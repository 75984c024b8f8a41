//! Runs every case of the conformance corpus (`tests/conformance`, a copy of
//! `../shared/conformance`) through the `config` tool's entry point, with the
//! same arguments and comparison rules as the corpus's `check.py`: trees are
//! compared with key order and types, floats by value; an expected error
//! needs a non-empty error from us.

mod common;

use common::{case_yaml, corpus, load, parse};
use config_core::{cli, Node, Value};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Cases set environment variables; the process environment is shared by
/// the test threads, so cases run one at a time.
static ENV: Mutex<()> = Mutex::new(());

/// One check of a case: its label and the verdict.
type Checks = Vec<(String, Result<(), String>)>;

fn env_of(case: &Node) -> Vec<(String, String)> {
    case.get("env")
        .map(|env| {
            env.entries()
                .map(|(k, v)| (k.to_string(), scalar_text(v)))
                .collect()
        })
        .unwrap_or_default()
}

fn scalar_text(n: &Node) -> String {
    match &n.value {
        Value::Str(s) | Value::Interp(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Value::Float(f) => config_core::float_repr(*f),
        other => format!("{other:?}"),
    }
}

fn run(args: &[String], env: &[(String, String)]) -> Result<String, String> {
    let _guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    for (k, v) in env {
        std::env::set_var(k, v);
    }
    let out =
        std::panic::catch_unwind(|| cli::execute(args.iter().cloned()).map_err(|e| e.render()))
            .unwrap_or_else(|_| Err("PANIC".into()));
    for (k, _) in env {
        std::env::remove_var(k);
    }
    out
}

/// Compares one invocation with `expected` (a YAML file) or `error` (its
/// existence means an error is expected).
fn expect(
    args: Vec<String>,
    env: &[(String, String)],
    expected: &Path,
    error: &Path,
) -> Result<(), String> {
    let got = run(&args, env);
    if error.exists() {
        return match got {
            Err(e) if !e.trim().is_empty() && e != "PANIC" => Ok(()),
            Err(e) => Err(format!("expected a clean error, got {e:?}")),
            Ok(out) => Err(format!("expected an error, got output:\n{out}")),
        };
    }
    let out = got.map_err(|e| format!("unexpected error: {e}"))?;
    let got = parse(&out).map_err(|e| format!("output is not YAML ({e}):\n{out}"))?;
    let want = load(expected);
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "got:\n{}\nexpected:\n{}",
            got.to_yaml(),
            want.to_yaml()
        ))
    }
}

fn s(x: impl AsRef<std::ffi::OsStr>) -> String {
    x.as_ref().to_string_lossy().into_owned()
}

fn check_resolve(dir: &Path) -> Checks {
    let env = env_of(&case_yaml(dir));
    let args = vec![s("config"), s("resolve"), s(dir.join("input.yaml"))];
    vec![(
        String::new(),
        expect(
            args,
            &env,
            &dir.join("expected.yaml"),
            &dir.join("expected_error.txt"),
        ),
    )]
}

fn check_merge(dir: &Path) -> Checks {
    let mut parts: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let n: u32 = p.file_stem()?.to_str()?.parse().ok()?;
            Some((n, p))
        })
        .collect();
    parts.sort();
    let mut args = vec![s("config"), s("merge")];
    args.extend(parts.into_iter().map(|(_, p)| s(p)));
    vec![(
        String::new(),
        expect(
            args,
            &[],
            &dir.join("expected.yaml"),
            &dir.join("expected_error.txt"),
        ),
    )]
}

fn check_compose(dir: &Path) -> Checks {
    let case = case_yaml(dir);
    let env = env_of(&case);
    let name = case
        .get("config_name")
        .map(scalar_text)
        .unwrap_or_else(|| "config".into());
    let base = vec![
        s("config"),
        s("compose"),
        s("--config-dir"),
        s(dir.join("conf")),
        s("--config-name"),
        name,
    ];
    let overrides: Vec<String> = case
        .get("overrides")
        .and_then(Node::as_list)
        .map(|l| l.iter().map(scalar_text).collect())
        .unwrap_or_default();
    let with = |extra: &[&str]| {
        let mut a = base.clone();
        a.extend(extra.iter().map(|x| x.to_string()));
        a.push("--".into());
        a.extend(overrides.iter().cloned());
        a
    };
    let mut out = vec![(
        String::new(),
        expect(
            with(&[]),
            &env,
            &dir.join("expected.yaml"),
            &dir.join("expected_error.txt"),
        ),
    )];
    if dir.join("expected_resolved.yaml").exists() || dir.join("resolve_error.txt").exists() {
        out.push((
            "--resolve".into(),
            expect(
                with(&["--resolve"]),
                &env,
                &dir.join("expected_resolved.yaml"),
                &dir.join("resolve_error.txt"),
            ),
        ));
    }
    out
}

const OVERRIDE_FIELDS: [&str; 9] = [
    "key",
    "package",
    "type",
    "value_type",
    "value",
    "value_str",
    "sweep",
    "interval",
    "glob",
];

fn check_overrides(dir: &Path) -> Checks {
    let want = load(&dir.join("expected.yaml"));
    let items = want.as_list().cloned().unwrap_or_default();
    items
        .iter()
        .map(|item| {
            let input = item.get("input").map(scalar_text).unwrap_or_default();
            let got = run(
                &[s("config"), s("parse-override"), s("--"), input.clone()],
                &[],
            );
            let verdict = if item.get("error").is_some() {
                match got {
                    Err(e) if !e.trim().is_empty() && e != "PANIC" => Ok(()),
                    other => Err(format!("expected a parse error, got {other:?}")),
                }
            } else {
                compare_override(item, got)
            };
            (input, verdict)
        })
        .collect()
}

fn compare_override(item: &Node, got: Result<String, String>) -> Result<(), String> {
    let out = got.map_err(|e| format!("unexpected error: {e}"))?;
    let parsed = parse(&out).map_err(|e| format!("output is not YAML ({e}):\n{out}"))?;
    let first = parsed
        .as_list()
        .and_then(|l| l.first())
        .ok_or("expected a list of one mapping")?;
    let bad: Vec<String> = OVERRIDE_FIELDS
        .iter()
        .filter_map(|f| {
            let want = item.get(f)?;
            let have = first.get(f);
            (have != Some(want)).then(|| {
                format!(
                    "{f}: got {:?} expected {:?}",
                    have.map(|n| &n.value),
                    want.value
                )
            })
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("; "))
    }
}

fn run_kind(kind: &str, check: fn(&Path) -> Checks) {
    let mut failures = Vec::new();
    let mut total = 0;
    for dir in corpus(kind) {
        for (label, verdict) in check(&dir) {
            total += 1;
            if let Err(why) = verdict {
                let name = dir.file_name().unwrap().to_string_lossy();
                failures.push(format!("FAIL {kind}/{name} {label}: {why}"));
            }
        }
    }
    assert!(total > 0, "no {kind} cases found");
    assert!(
        failures.is_empty(),
        "{}/{} {kind} checks failed:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

#[test]
fn resolve_cases() {
    run_kind("resolve", check_resolve);
}

#[test]
fn merge_cases() {
    run_kind("merge", check_merge);
}

#[test]
fn override_cases() {
    run_kind("overrides", check_overrides);
}

#[test]
fn compose_cases() {
    run_kind("compose", check_compose);
}
