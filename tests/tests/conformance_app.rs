//! Runs every case of the conformance corpus's `app` kind (`tests/conformance/app`,
//! README.md "app/NAME/") through `config run`, as the corpus's `check.py`
//! does (`check_app`, `observe_app`): the tool runs as a subprocess in a fresh,
//! empty working directory with the case's `env` added to its environment;
//! stdout (log lines dropped), the files it created and its exit status are
//! normalised (`<cwd>`, `<case>`, `<date>`, `<time>`), the `hydra` node is
//! reduced to the compared subset, and the trees are compared with key order
//! and types, floats by value.
//!
//! ```sh
//! cargo test -p tests --test conformance_app                         # every case
//! APP_CASE=multi_range cargo test -p tests --test conformance_app    # names containing it
//! APP_CLI=target/release/config cargo test -p tests --test conformance_app  # another binary
//! ```
//!
//! The differences from `check.py` are those of Rust against Python: YAML is
//! read by our own (OmegaConf) loader on both sides of each comparison rather
//! than by PyYAML, `\d` matches ASCII digits only, output that is not UTF-8
//! is decoded lossily instead of stopping the checker, and the tool's stdin
//! is empty rather than inherited.

mod common;

use common::{case_yaml, corpus, load, parse};
use config_core::float_repr;
use config_core::{Key, Map, Node, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one run may take (check.py: `timeout=120`).
const TIMEOUT: Duration = Duration::from_secs(120);

/// Cases run in parallel: each is its own process with its own cwd and env.
const THREADS: usize = 2;

/// The compared part of the `hydra` node, as dotted paths below `hydra`
/// (check.py `HYDRA_SUBSET`).
const HYDRA_SUBSET: [&str; 24] = [
    "run.dir",
    "sweep.dir",
    "sweep.subdir",
    "sweeper.max_batch_size",
    "sweeper.params",
    "mode",
    "searchpath",
    "output_subdir",
    "overrides.hydra",
    "overrides.task",
    "job.name",
    "job.chdir",
    "job.override_dirname",
    "job.id",
    "job.num",
    "job.config_name",
    "job.env_set",
    "job.env_copy",
    "job.config.override_dirname.kv_sep",
    "job.config.override_dirname.item_sep",
    "job.config.override_dirname.exclude_keys",
    "runtime.cwd",
    "runtime.output_dir",
    "runtime.choices",
];

/// Compared without its `hydra/...` groups, as a set of pairs.
const CHOICES: &str = "runtime.choices";

// ---------------------------------------------------------------------------------------
// Python's string rules, as check.py relies on them.

/// `str.isspace`: Unicode White_Space plus the ASCII separators \x1c-\x1f.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(py_space)
}

fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(py_space)
}

/// `str.splitlines()`: every line boundary Python knows, `\r\n` as one; no
/// empty last line for a trailing boundary.
fn splitlines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        ) {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = chars.peek() {
                    chars.next();
                    start = j + 1;
                }
            }
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Text as Python's text mode reads it: UTF-8 (lossily here), universal newlines.
fn universal_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// `repr()` of a string.
fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn py_repr_key(k: &Key) -> String {
    match k {
        Key::Str(s) => py_repr_str(s),
        other => other.to_string(),
    }
}

/// `repr()` of a loaded YAML value (as PyYAML would have built it).
fn py_repr(n: &Node) -> String {
    match &n.value {
        Value::Null => "None".into(),
        Value::Missing => py_repr_str("???"),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(s) => s.to_string(),
        Value::Float(f) => float_repr(*f),
        Value::Str(s) | Value::Interp(s) => py_repr_str(s),
        Value::Map(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_key(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::List(l) => {
            let items: Vec<String> = l.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// `str()` of a loaded YAML value: how check.py turns `argv`, `config_name`
/// and `env` values into text.
fn py_str(n: &Node) -> String {
    match &n.value {
        Value::Missing => "???".into(),
        Value::Str(s) | Value::Interp(s) => s.to_string(),
        _ => py_repr(n),
    }
}

/// `repr()` of a list of strings.
fn py_repr_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(py_repr_str).collect();
    format!("[{}]", items.join(", "))
}

/// A string as the YAML loader would type it (`???` is missing, `${` an
/// interpolation), so that strings we build compare with loaded ones.
fn str_node(s: &str) -> Node {
    if s == "???" {
        Node::new(Value::Missing)
    } else {
        Node::new(Value::string(s))
    }
}

// ---------------------------------------------------------------------------------------
// The patterns of check.py, without a regex engine.

/// `LOG_LINE`: `^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]\[`, a record of
/// Python logging's default format.
fn is_log_line(line: &str) -> bool {
    const SHAPE: &str = "[0000-00-00 00:00:00,000][";
    let mut chars = line.chars();
    SHAPE.chars().all(|want| match chars.next() {
        Some(c) if want == '0' => c.is_ascii_digit(),
        Some(c) => c == want,
        None => false,
    })
}

fn drop_log_lines(text: &str) -> Vec<&str> {
    splitlines(text)
        .into_iter()
        .filter(|l| !is_log_line(l))
        .collect()
}

/// `re.findall` of `(?<![\d-])D-D-D(?![\d-])` where the `D`s are runs of
/// `widths` digits: `[4, 2, 2]` is `DATE_IN_PATH`, `[2, 2, 2]` `TIME_IN_PATH`.
fn find_stamps(text: &str, widths: &[usize]) -> Vec<String> {
    let cs: Vec<char> = text.chars().collect();
    let len = widths.iter().sum::<usize>() + widths.len() - 1;
    let blocks = |c: char| c.is_ascii_digit() || c == '-';
    let shape_at = |at: usize| {
        let mut i = at;
        for (n, w) in widths.iter().enumerate() {
            if n > 0 {
                if cs[i] != '-' {
                    return false;
                }
                i += 1;
            }
            if !cs[i..i + w].iter().all(char::is_ascii_digit) {
                return false;
            }
            i += w;
        }
        true
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i + len <= cs.len() {
        let before = i == 0 || !blocks(cs[i - 1]);
        let after = i + len == cs.len() || !blocks(cs[i + len]);
        if before && after && shape_at(i) {
            out.push(cs[i..i + len].iter().collect());
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// `stamps_in_paths`: the dates and the times found in created paths, sorted.
fn stamps_in_paths<'a>(paths: impl Iterator<Item = &'a str> + Clone) -> (Vec<String>, Vec<String>) {
    let collect = |widths: &[usize]| {
        let mut v: Vec<String> = paths.clone().flat_map(|p| find_stamps(p, widths)).collect();
        v.sort();
        v.dedup();
        v
    };
    (collect(&[4, 2, 2]), collect(&[2, 2, 2]))
}

// ---------------------------------------------------------------------------------------
// YAML and the hydra node.

/// `yaml.safe_load`: one document of any type, nothing (or `null`) being
/// null. Our loader follows `OmegaConf.load` at the top level (`{}` for
/// nothing, a lone scalar re-read as a config), so a scalar or empty document
/// is read as the value of a wrapping key. The error is its first line.
fn load_yaml(text: &str) -> Result<Node, String> {
    // An explicit start `---` first and an end `...` last may frame the document.
    let mut lines: Vec<&str> = text.split('\n').collect();
    let content = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    if let Some(i) = lines.iter().position(content) {
        if lines[i].trim_end() == "---" {
            lines[i] = "";
        }
    }
    if let Some(i) = lines.iter().rposition(content) {
        if lines[i].trim_end() == "..." {
            lines.truncate(i);
        }
    }
    let markers = lines
        .iter()
        .any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%'));
    if !markers {
        let mut wrapped = String::with_capacity(text.len() + text.len() / 8 + 16);
        wrapped.push_str("document:\n");
        for line in lines {
            if !line.is_empty() {
                wrapped.push_str("  ");
                wrapped.push_str(line);
            }
            wrapped.push('\n');
        }
        if let Some(root) = parse(&wrapped)
            .ok()
            .and_then(|w| w.get("document").cloned())
        {
            if !root.value.is_container() {
                return Ok(root);
            }
        }
    }
    parse(text).map_err(|e| {
        let e = e.to_string();
        e.lines().next().unwrap_or_default().to_string()
    })
}

fn choices_subset(v: &Node) -> Node {
    let Some(m) = v.as_map() else {
        return v.clone();
    };
    let mut entries: Vec<(String, &Key, &Node)> = m
        .iter()
        .map(|(k, v)| (k.to_string(), k, v))
        .filter(|(s, _, _)| !s.starts_with("hydra/"))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Node::new(Value::Map(
        entries
            .into_iter()
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

/// `_put`: sets `path` (dotted) in `dst`, creating mappings on the way.
fn put(dst: &mut Map, path: &str, value: Node) {
    let (parents, last) = match path.rsplit_once('.') {
        Some((p, l)) => (p.split('.').collect::<Vec<_>>(), l),
        None => (Vec::new(), path),
    };
    let mut dst = dst;
    for p in parents {
        let slot = dst.entry(Key::from(p)).or_insert_with(Node::empty_map);
        if slot.as_map().is_none() {
            *slot = Node::empty_map();
        }
        dst = slot.as_map_mut().expect("writable").expect("a mapping");
    }
    dst.insert(Key::from(last), value);
}

/// `_get`: the node at `path` (dotted), through mappings only.
fn get_path<'a>(src: &'a Node, path: &str) -> Option<&'a Node> {
    path.split('.').try_fold(src, |n, p| n.get(p))
}

/// `reduce_hydra_node`: the compared subset of a hydra node; `at` is the
/// node's path below `hydra`.
fn reduce_hydra_node(node: &Node, at: &str) -> Node {
    if node.as_map().is_none() {
        return node.clone();
    }
    let mut out = Map::new();
    for entry in HYDRA_SUBSET {
        if at == entry {
            return if entry == CHOICES {
                choices_subset(node)
            } else {
                node.clone()
            };
        }
        if !at.is_empty() && at.starts_with(&format!("{entry}.")) {
            return node.clone();
        }
        if !at.is_empty() && !entry.starts_with(&format!("{at}.")) {
            continue;
        }
        let rel = if at.is_empty() {
            entry
        } else {
            &entry[at.len() + 1..]
        };
        if let Some(v) = get_path(node, rel) {
            let v = if entry == CHOICES {
                choices_subset(v)
            } else {
                v.clone()
            };
            put(&mut out, rel, v);
        }
    }
    Node::new(Value::Map(out))
}

/// `reduce_config`: a printed or saved config with its hydra node reduced;
/// `package` is the dotted path the data was selected from (`--package`).
fn reduce_config(data: Node, package: Option<&str>) -> Node {
    match package {
        None | Some("") | Some("_global_") => {
            let mut data = data;
            if let Some(hydra) = data.get_mut("hydra").expect("writable") {
                *hydra = reduce_hydra_node(hydra, "");
            }
            data
        }
        Some("hydra") => reduce_hydra_node(&data, ""),
        Some(p) => match p.strip_prefix("hydra.") {
            Some(at) => reduce_hydra_node(&data, at),
            None => data,
        },
    }
}

fn reduce_file(rel: &str, data: Node) -> Node {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "hydra.yaml" || name == "multirun.yaml" {
        reduce_config(data, None)
    } else {
        data
    }
}

// ---------------------------------------------------------------------------------------
// Standard output.

/// `parse_documents`: job documents, each starting with a line `---`.
fn parse_documents(text: &str) -> Result<Node, String> {
    let mut docs: Vec<Vec<&str>> = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    let mut stray: Vec<&str> = Vec::new();
    for ln in drop_log_lines(text) {
        if py_rstrip(ln) == "---" {
            docs.extend(cur.take());
            cur = Some(Vec::new());
        } else if let Some(cur) = cur.as_mut() {
            cur.push(ln);
        } else if !py_strip(ln).is_empty() {
            stray.push(ln);
        }
    }
    docs.extend(cur);
    if let Some(first) = stray.first() {
        let head: String = first.chars().take(80).collect();
        return Err(format!(
            "output before the first '---' line: {}",
            py_repr_str(&head)
        ));
    }
    let mut out = Vec::with_capacity(docs.len());
    for (i, lines) in docs.iter().enumerate() {
        let doc = load_yaml(&(lines.join("\n") + "\n"))
            .map_err(|e| format!("document {i} is not YAML: {e}"))?;
        out.push(doc);
    }
    Ok(Node::new(Value::List(out)))
}

/// `parse_config_output`: the one document `--cfg` prints.
fn parse_config_output(text: &str, package: Option<&str>) -> Result<Node, String> {
    let data = load_yaml(&(drop_log_lines(text).join("\n") + "\n"))
        .map_err(|e| format!("output is not YAML: {e}"))?;
    Ok(reduce_config(data, package))
}

/// `GROUP_LINE`, `^([^\s:][^:]*): (.*)$`: a group and its options.
fn group_line(line: &str) -> Option<(&str, &str)> {
    let first = line.chars().next()?;
    if py_space(first) || first == ':' {
        return None;
    }
    let colon = line.find(':')?;
    let options = line[colon + 1..].strip_prefix(' ')?;
    Some((&line[..colon], options))
}

/// `parse_help`: `{groups: {GROUP: [OPTION, ...]}, config: ...}` from Hydra's
/// default app help.
fn parse_help(text: &str) -> Result<Node, String> {
    let lines = drop_log_lines(text);
    let sections = || "no '== Configuration groups ==' / '== Config ==' sections".to_string();
    let gi = lines
        .iter()
        .position(|l| py_strip(l) == "== Configuration groups ==")
        .ok_or_else(sections)?;
    let ci = gi
        + 1
        + lines[gi + 1..]
            .iter()
            .position(|l| py_strip(l) == "== Config ==")
            .ok_or_else(sections)?;
    let mut groups = Map::new();
    for ln in &lines[gi + 1..ci] {
        if let Some((group, options)) = group_line(py_rstrip(ln)) {
            let options = options
                .split(", ")
                .filter(|o| !o.is_empty())
                .map(str_node)
                .collect();
            groups.insert(Key::from(group), Node::new(Value::List(options)));
        }
    }
    let mut body = &lines[ci + 1..];
    if body
        .first()
        .is_some_and(|l| l.starts_with("Override anything"))
    {
        body = &body[1..];
    }
    if let Some(i) = body.iter().position(|l| l.starts_with("Powered by")) {
        body = &body[..i];
    }
    let config = load_yaml(&(body.join("\n") + "\n"))
        .map_err(|e| format!("help config section is not YAML: {e}"))?;
    let mut out = Map::new();
    out.insert(Key::from("groups"), Node::new(Value::Map(groups)));
    out.insert(Key::from("config"), config);
    Ok(Node::new(Value::Map(out)))
}

/// `normalize_help_text`: trailing spaces and blank lines dropped.
fn normalize_help_text(text: &str) -> String {
    let mut lines: Vec<&str> = drop_log_lines(text).into_iter().map(py_rstrip).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n") + "\n"
}

// ---------------------------------------------------------------------------------------
// Running a case.

/// A fresh, empty working directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("config-app-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `collect_tree`: `(relative path, file text)` for every file under `root`
/// (text `None` when it is not UTF-8 or cannot be read); an empty directory
/// as `dir/`. Walks as `os.walk` does: top-down, a directory's files before
/// its subdirectories, symbolic links to directories not followed.
fn collect_tree(root: &Path) -> Vec<(String, Option<String>)> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, Option<String>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let (mut dirs, mut files, mut linked_dirs) = (Vec::new(), Vec::new(), false);
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let kind = entry.file_type().ok();
            if kind.is_some_and(|t| t.is_dir()) {
                dirs.push((name, path));
            } else if kind.is_some_and(|t| t.is_symlink()) && path.is_dir() {
                linked_dirs = true;
            } else {
                files.push((name, path));
            }
        }
        let join = |name: &str| {
            if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            }
        };
        if !rel.is_empty() && dirs.is_empty() && files.is_empty() && !linked_dirs {
            out.push((format!("{rel}/"), None));
        }
        for (name, path) in files {
            let text = std::fs::read(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map(universal_newlines);
            out.push((join(&name), text));
        }
        for (name, path) in dirs {
            walk(&path, &join(&name), out);
        }
    }
    let mut out = Vec::new();
    walk(root, "", &mut out);
    out
}

/// What a subprocess did.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Python's `returncode`: the exit status, or minus the signal that ended it.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status
            .code()
            .unwrap_or_else(|| -status.signal().unwrap_or(1))
    }
    #[cfg(not(unix))]
    {
        status.code().unwrap_or(-1)
    }
}

/// check.py `run`: the command with `env` added to this process's
/// environment, in `cwd`; exit 124 when it times out, 127 when it cannot start.
fn run(cmd: &[String], env: &[(String, String)], cwd: &Path, timeout: Duration) -> Ran {
    let spawned = Command::new(&cmd[0])
        .args(&cmd[1..])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            return Ran {
                code: 127,
                stdout: String::new(),
                stderr: format!("cannot run {}: {e}", cmd[0]),
            }
        }
    };
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let err = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let Some(status) = status else {
        // As `subprocess.run`: the output is not awaited (a process the tool
        // started may still hold the pipes; the readers are left to finish).
        return Ran {
            code: 124,
            stdout: String::new(),
            stderr: "timed out".into(),
        };
    };
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        universal_newlines(String::from_utf8_lossy(&h.join().unwrap_or_default()).into_owned())
    };
    Ran {
        code: exit_code(status),
        stdout: text(out),
        stderr: text(err),
    }
}

/// check.py `clean_error`: a non-zero exit with a message, not a crash.
fn clean_error(code: i32, err: &str) -> bool {
    code > 0 && code != 101 && !py_strip(err).is_empty() && !err.contains("panicked at")
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `app_command`: `prefix` + the contract's arguments for case dir `d`.
fn app_command(prefix: &[String], d: &Path, case: &Node) -> Vec<String> {
    let case_dir = canonical(d).display().to_string();
    let mut cmd = prefix.to_vec();
    cmd.push("--config-path".into());
    cmd.push(canonical(&d.join("conf")).display().to_string());
    match case.get("config_name") {
        None => cmd.extend(["--config-name".into(), "config".into()]),
        Some(n) if n.value == Value::Null => {}
        Some(n) => cmd.extend(["--config-name".into(), py_str(n)]),
    }
    for a in case
        .get("argv")
        .and_then(Node::as_list)
        .into_iter()
        .flatten()
    {
        cmd.push(py_str(a).replace("<case>", &case_dir));
    }
    cmd
}

/// What `observe_app` returns; stdout and files normalised.
struct Observed {
    exit: i32,
    stderr: String,
    /// The parsed stdout (null when not parsed).
    stdout: Node,
    stdout_error: Option<String>,
    /// Every created path, normalised, sorted; its parsed YAML or null.
    files: Vec<(String, Node)>,
}

/// `observe_app`: runs `prefix` + the contract's arguments for case dir `d`
/// in a fresh empty working directory and normalises what it did: the
/// working directory becomes `<cwd>`, the case dir `<case>`, default-dir
/// timestamps found in created paths `<date>` / `<time>`.
fn observe_app(
    prefix: &[String],
    d: &Path,
    case: &Node,
    stdout_kind: &str,
    package: Option<&str>,
) -> Observed {
    let env: Vec<(String, String)> = case
        .get("env")
        .map(|env| {
            env.entries()
                .map(|(k, v)| (k.to_string(), py_str(v)))
                .collect()
        })
        .unwrap_or_default();
    let (ran, cwd, tree) = match TempDir::new() {
        Ok(tmp) => {
            let cwd = canonical(&tmp.0);
            let ran = run(&app_command(prefix, d, case), &env, &cwd, TIMEOUT);
            let tree = collect_tree(&cwd);
            (ran, cwd.display().to_string(), tree)
        }
        Err(e) => (
            Ran {
                code: 127,
                stdout: String::new(),
                stderr: format!("cannot create a working directory: {e}"),
            },
            String::new(),
            Vec::new(),
        ),
    };
    let case_dir = canonical(d).display().to_string();
    let (dates, times) = stamps_in_paths(tree.iter().map(|(p, _)| p.as_str()));
    let norm = |text: &str| -> String {
        let mut text = if cwd.is_empty() {
            text.to_string()
        } else {
            text.replace(&cwd, "<cwd>")
        };
        text = text.replace(&case_dir, "<case>");
        for v in &dates {
            text = text.replace(v, "<date>");
        }
        for v in &times {
            text = text.replace(v, "<time>");
        }
        text
    };

    let out: String = drop_log_lines(&ran.stdout)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let out = norm(&out);
    let parsed = match stdout_kind {
        "documents" => Some(parse_documents(&out)),
        "config" if ran.code == 0 => Some(parse_config_output(&out, package)),
        "help" if ran.code == 0 => Some(parse_help(&out)),
        "help_text" if ran.code == 0 => Some(Ok(str_node(&normalize_help_text(&out)))),
        _ => None,
    };
    let (stdout, stdout_error) = match parsed {
        Some(Ok(n)) => (n, None),
        Some(Err(e)) => (Node::new(Value::Null), Some(e)),
        None => (Node::new(Value::Null), None),
    };

    let mut keyed: Vec<(String, &Option<String>)> =
        tree.iter().map(|(rel, text)| (norm(rel), text)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut files: Vec<(String, Node)> = Vec::new();
    for (key, text) in keyed {
        let value = match text {
            Some(text) if key.ends_with(".yaml") => match load_yaml(&norm(text)) {
                Ok(data) => reduce_file(&key, data),
                Err(_) => str_node("<not YAML>"),
            },
            _ => Node::new(Value::Null),
        };
        match files.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => files.push((key, value)),
        }
    }
    Observed {
        exit: ran.code,
        stderr: norm(&ran.stderr),
        stdout,
        stdout_error,
        files,
    }
}

/// check.py `diff`: the first difference between two trees, as a short sentence.
fn diff(a: &Node, b: &Node, path: &str) -> String {
    let here = if path.is_empty() { "<root>" } else { path };
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            if !x.keys().eq(y.keys()) {
                let keys = |m: &Map| py_repr_list_keys(m.keys().take(12));
                return format!("{here}: keys {} != expected {}", keys(x), keys(y));
            }
            for ((k, v), (_, w)) in x.iter().zip(y.iter()) {
                if v != w {
                    let sub = if path.is_empty() {
                        k.to_string()
                    } else {
                        format!("{path}.{k}")
                    };
                    return diff(v, w, &sub);
                }
            }
        }
        (Value::List(x), Value::List(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return diff(v, w, &format!("{path}[{i}]"));
                }
            }
        }
        _ => {}
    }
    format!("{here}: got {} expected {}", py_repr(a), py_repr(b))
}

fn py_repr_list_keys<'a>(keys: impl Iterator<Item = &'a Key>) -> String {
    let items: Vec<String> = keys.map(py_repr_key).collect();
    format!("[{}]", items.join(", "))
}

/// check.py `check_app`: one case against its `expected.yaml`.
fn check_app(cli: &str, d: &Path) -> Result<(), String> {
    let case = case_yaml(d);
    let expected = d.join("expected.yaml");
    if !expected.exists() {
        return Err("no expected.yaml (generate it with oracle/gen.py)".into());
    }
    let want = load(&expected);
    let kind = want
        .get("stdout_kind")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_string();
    let package = match want.get("package") {
        Some(p) if p.value != Value::Null => Some(py_str(p)),
        _ => None,
    };
    let want_exit = match want.get("exit").map(|n| &n.value) {
        Some(Value::Int(i)) => *i,
        other => return Err(format!("expected.yaml: exit is {other:?}, not an integer")),
    };
    let got = observe_app(
        &[cli.to_string(), "run".to_string()],
        d,
        &case,
        &kind,
        package.as_deref(),
    );
    let code = got.exit;
    if want_exit == 0 && code != 0 {
        let tail = splitlines(py_strip(&got.stderr))
            .last()
            .map(|l| l.chars().take(200).collect::<String>())
            .unwrap_or_default();
        return Err(format!("exit {code}: {tail}"));
    }
    if want_exit != 0 {
        let error_file = d.join("expected_error.txt");
        let first = if error_file.exists() {
            let text = std::fs::read_to_string(&error_file).unwrap_or_default();
            splitlines(&text).first().unwrap_or(&"").to_string()
        } else {
            "an error".to_string()
        };
        if i64::from(code) != want_exit || !clean_error(code, &got.stderr) {
            return Err(format!(
                "expected exit {want_exit} ({first}), got exit {code}"
            ));
        }
        let mentions = want.get("stderr_mentions").and_then(Node::as_list);
        let unnamed: Vec<String> = mentions
            .into_iter()
            .flatten()
            .map(py_str)
            .filter(|m| !got.stderr.contains(m.as_str()))
            .collect();
        if !unnamed.is_empty() {
            return Err(format!(
                "the usage error does not name {}",
                py_repr_list(unnamed.iter().map(String::as_str))
            ));
        }
    }
    if let Some(e) = got.stdout_error {
        return Err(e);
    }
    let null = Node::new(Value::Null);
    let want_stdout = want.get("stdout").unwrap_or(&null);
    if (want_stdout.value != Value::Null || kind == "documents") && got.stdout != *want_stdout {
        return Err(format!("stdout: {}", diff(&got.stdout, want_stdout, "")));
    }
    let want_files: Vec<(&Key, &Node)> = want
        .get("files")
        .map(|f| f.entries().collect())
        .unwrap_or_default();
    let has = |k: &Key| got.files.iter().any(|(p, _)| Key::from(p.as_str()) == *k);
    let missing: Vec<&Key> = want_files
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !has(k))
        .collect();
    let extra: Vec<&str> = got
        .files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| !want_files.iter().any(|(k, _)| **k == Key::from(*p)))
        .collect();
    if !missing.is_empty() || !extra.is_empty() {
        return Err(format!(
            "files: missing {} unexpected {}",
            py_repr_list_keys(missing.into_iter().take(4)),
            py_repr_list(extra.into_iter().take(4))
        ));
    }
    for (p, v) in want_files {
        if v.value == Value::Null {
            continue;
        }
        let have = got
            .files
            .iter()
            .find(|(k, _)| Key::from(k.as_str()) == *p)
            .map_or(&null, |(_, n)| n);
        if have != v {
            return Err(format!("{p}: {}", diff(have, v, "")));
        }
    }
    Ok(())
}

/// Runs `f` on `0..n` on `threads` threads; the results in order.
fn parallel<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let r = f(i);
                slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every case ran"))
        .collect()
}

#[test]
fn app_cases() {
    let cli = std::env::var("APP_CLI")
        .map(|p| canonical(Path::new(&p)).display().to_string())
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_config-under-test").to_string());
    let filter = std::env::var("APP_CASE").ok();
    let name = |d: &Path| d.file_name().unwrap().to_string_lossy().into_owned();
    let cases: Vec<PathBuf> = corpus("app")
        .into_iter()
        .filter(|d| filter.as_ref().is_none_or(|f| name(d).contains(f.as_str())))
        .collect();
    assert!(
        !cases.is_empty(),
        "no app cases{}",
        filter.map_or(String::new(), |f| format!(" match APP_CASE={f}"))
    );
    let verdicts = parallel(cases.len(), THREADS, |i| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_app(&cli, &cases[i])))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| p.downcast_ref::<&str>().copied())
                    .unwrap_or("?");
                Err(format!("the harness panicked: {msg}"))
            })
    });
    let failures: Vec<String> = cases
        .iter()
        .zip(&verdicts)
        .filter_map(|(d, v)| {
            v.as_ref()
                .err()
                .map(|why| format!("FAIL app/{} : {why}", name(d)))
        })
        .collect();
    for f in &failures {
        println!("{f}");
    }
    println!("app: {}/{}", cases.len() - failures.len(), cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} app cases failed",
        failures.len(),
        cases.len()
    );
}
