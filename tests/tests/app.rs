//! The application layer (`config run`, Hydra's `@hydra.main`) driven as a
//! subprocess, for what the corpus's `app` cases do not pin down: the
//! two-letter flags and usage errors, the `hydra` node's schema errors, run
//! directories that are never shared, the `local` launcher, `--exec`,
//! `hydra.job.env_set` and `--help`.
//!
//! Each test builds its own config dir (`<tmp>/conf`) and runs the tool in an
//! empty working dir (`<tmp>/work`) of a unique temp dir that it removes.
//! Error texts are snapshots with the temp dir replaced by `<tmp>`.
//!
//! ```sh
//! cargo test -p tests --test app
//! ```

use config_core::{Node, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_config-under-test");

/// A unique temp dir with `conf/` and `work/`, removed on drop.
struct Tmp {
    root: PathBuf,
}

impl Tmp {
    fn new(name: &str) -> Tmp {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("config-app-test-{}-{name}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    let root = std::fs::canonicalize(&dir).unwrap();
                    std::fs::create_dir(root.join("conf")).unwrap();
                    std::fs::create_dir(root.join("work")).unwrap();
                    return Tmp { root };
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("{}: {e}", dir.display()),
            }
        }
    }

    fn conf(&self) -> PathBuf {
        self.root.join("conf")
    }

    fn work(&self) -> PathBuf {
        self.root.join("work")
    }

    /// Writes `text` to `conf/<rel>`, creating its directories.
    fn config(&self, rel: &str, text: &str) -> &Tmp {
        let path = self.conf().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// `config run -cp <tmp>/conf -cn config ARGS...` in `work/`.
    fn run(&self, args: &[&str]) -> Ran {
        let conf = self.conf().display().to_string();
        let mut all = vec!["-cp", conf.as_str(), "-cn", "config"];
        all.extend_from_slice(args);
        self.run_raw(&all)
    }

    /// `config run ARGS...` in `work/`.
    fn run_raw(&self, args: &[&str]) -> Ran {
        let out = Command::new(BIN)
            .arg("run")
            .args(args)
            .current_dir(self.work())
            .env_remove("MY_VAR")
            .stdin(Stdio::null())
            .output()
            .expect("the tool runs");
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            root: self.root.display().to_string(),
        }
    }

    /// The text of `work/<rel>`.
    fn read(&self, rel: &str) -> String {
        let p = self.work().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// `work/<rel>` parsed as YAML.
    fn yaml(&self, rel: &str) -> Node {
        Node::from_yaml_str(&self.read(rel)).unwrap()
    }

    fn exists(&self, rel: &str) -> bool {
        self.work().join(rel).exists()
    }

    /// Every path under `work/`, relative, `/`-separated, sorted.
    fn tree(&self) -> Vec<String> {
        fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let r = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                out.push(r.clone());
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path(), &r, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.work(), "", &mut out);
        out.sort();
        out
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// What one run of the tool did.
#[derive(Debug)]
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    root: String,
}

impl Ran {
    /// Asserts exit 0 and returns self.
    fn ok(self) -> Ran {
        assert_eq!(
            self.code, 0,
            "stderr:\n{}\nstdout:\n{}",
            self.stderr, self.stdout
        );
        self
    }

    /// Asserts the exit status and returns self.
    fn exit(self, code: i32) -> Ran {
        assert_eq!(
            self.code, code,
            "stderr:\n{}\nstdout:\n{}",
            self.stderr, self.stdout
        );
        self
    }

    /// stderr with the temp dir replaced by `<tmp>`.
    fn err(&self) -> String {
        self.stderr.replace(&self.root, "<tmp>")
    }

    /// stdout with the temp dir replaced by `<tmp>`.
    fn out(&self) -> String {
        self.stdout.replace(&self.root, "<tmp>")
    }

    /// The job documents of stdout (the text after each `---` line), log
    /// records (`[YYYY-MM-DD ...][HYDRA] ...`) dropped; paths not normalised.
    fn documents(&self) -> Vec<String> {
        let mut docs: Vec<String> = Vec::new();
        for line in self.stdout.lines() {
            if line.starts_with('[') && line.contains("][") {
                continue;
            }
            if line == "---" {
                docs.push(String::new());
            } else if let Some(d) = docs.last_mut() {
                d.push_str(line);
                d.push('\n');
            }
        }
        docs
    }
}

/// The scalar at `path` of `node`, as text.
fn text_at(node: &Node, path: &str) -> String {
    let n = node
        .select(path)
        .unwrap()
        .unwrap_or_else(|| panic!("no {path} in\n{}", node.to_yaml()));
    match &n.value {
        Value::Str(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => panic!("{path} is {other:?}"),
    }
}

fn is_temp_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('.') && name.contains(".tmp.")
}

// ---------------------------------------------------------------------------------------
// 1. Flags

#[test]
fn two_letter_flags_and_a_leading_double_dash() {
    let t = Tmp::new("flags");
    t.config("config.yaml", "x: 1\n");
    let conf = t.conf().display().to_string();
    let ran = t
        .run_raw(&["-cp", &conf, "-cn", "config", "hydra.run.dir=a", "x=2"])
        .ok();
    assert_eq!(ran.documents(), ["x: 2\n"]);
    let ran = t
        .run_raw(&[
            "-cp",
            &conf,
            "-cn",
            "config",
            "--",
            "hydra.run.dir=b",
            "x=3",
        ])
        .ok();
    assert_eq!(ran.documents(), ["x: 3\n"]);
    let cp = format!("-cp={conf}");
    let ran = t
        .run_raw(&[&cp, "-cn=config", "--", "hydra.run.dir=c", "x=4"])
        .ok();
    assert_eq!(ran.documents(), ["x: 4\n"]);
    assert_eq!(t.yaml("c/.hydra/config.yaml").to_yaml(), "x: 4\n");
    assert_eq!(t.yaml("a/.hydra/overrides.yaml").to_yaml(), "- x=2\n");
    assert_eq!(t.yaml("b/.hydra/overrides.yaml").to_yaml(), "- x=3\n");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let t = Tmp::new("badflag");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["--bogus", "x=2"]).exit(2);
    assert!(ran.stderr.contains("'--bogus'"), "{}", ran.stderr);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());
}

#[test]
fn bad_cfg_value_is_a_usage_error() {
    let t = Tmp::new("badcfg");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["--cfg", "bogus"]).exit(2);
    assert!(ran.stderr.contains("bogus"), "{}", ran.stderr);
    assert!(ran.stderr.contains("--cfg"), "{}", ran.stderr);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());
}

#[test]
fn composition_error_exits_1() {
    let t = Tmp::new("composeerr");
    t.config(
        "config.yaml",
        "defaults:\n  - db: mysql\n  - _self_\nx: 1\n",
    )
    .config("db/mysql.yaml", "host: m\n")
    .config("db/pg.yaml", "host: p\n");
    let ran = t.run(&["db=nope"]).exit(1);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());
}

#[test]
fn info_defaults_tree_puts_hydra_config_under_root() {
    let t = Tmp::new("info");
    t.config(
        "config.yaml",
        "defaults:\n  - db: mysql\n  - _self_\nx: 1\n",
    )
    .config("db/mysql.yaml", "host: m\n");
    let ran = t.run(&["--info", "defaults-tree"]).ok();
    let lines: Vec<&str> = ran.stdout.lines().collect();
    let root = lines
        .iter()
        .position(|l| *l == "<root>:")
        .unwrap_or_else(|| panic!("no <root>:\n{}", ran.stdout));
    assert_eq!(lines[root + 1], "  hydra/config:", "{}", ran.stdout);
    assert!(lines.contains(&"  config:"), "{}", ran.stdout);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.out());
}

#[test]
fn version_exits_0() {
    let t = Tmp::new("version");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["--version"]).ok();
    assert!(ran.stdout.starts_with("app "), "{}", ran.stdout);
    assert!(ran.stdout.contains("Hydra 1.3"), "{}", ran.stdout);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
}

// ---------------------------------------------------------------------------------------
// 2. The hydra node

#[test]
fn unknown_hydra_job_key_names_its_neighbours() {
    let t = Tmp::new("jobenv");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["hydra.job.env=1"]).exit(1);
    assert!(ran.stderr.contains("hydra.job.env"), "{}", ran.stderr);
    assert!(ran.stderr.contains("env_set"), "{}", ran.stderr);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
}

#[test]
fn unknown_hydra_job_key_suggests_env_set() {
    let t = Tmp::new("jobenvdym");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["hydra.job.env=1"]).exit(1);
    assert!(
        ran.stderr.contains("did you mean 'hydra.job.env_set'"),
        "{}",
        ran.stderr
    );
    insta::assert_snapshot!(ran.err());
}

#[test]
fn hydra_job_chdir_must_be_a_bool() {
    let t = Tmp::new("chdirtype");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["hydra.job.chdir=abc"]).exit(1);
    assert!(ran.stderr.contains("hydra.job.chdir"), "{}", ran.stderr);
    assert!(ran.stderr.contains("bool"), "{}", ran.stderr);
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());
}

#[test]
fn hydra_section_of_the_primary_config_sets_chdir() {
    let t = Tmp::new("chdir");
    t.config(
        "config.yaml",
        "touch: here.txt\nhydra:\n  run:\n    dir: out\n  job:\n    chdir: true\n",
    );
    let ran = t.run(&[]).ok();
    assert_eq!(ran.documents(), ["touch: here.txt\n"]);
    assert!(t.exists("out/here.txt"), "{:?}", t.tree());
    assert!(!t.exists("here.txt"), "{:?}", t.tree());
    let hydra = t.yaml("out/.hydra/hydra.yaml");
    assert_eq!(text_at(&hydra, "hydra.job.chdir"), "true");
    assert_eq!(
        text_at(&hydra, "hydra.runtime.cwd"),
        t.work().display().to_string()
    );

    // Without chdir the file lands in the launch directory.
    let ran = t.run(&["hydra.job.chdir=false"]).ok();
    assert_eq!(ran.documents(), ["touch: here.txt\n"]);
    assert!(t.exists("here.txt"), "{:?}", t.tree());
}

#[test]
fn a_user_launcher_option_is_listed_for_a_missing_one() {
    let t = Tmp::new("launcheropt");
    t.config("config.yaml", "x: 1\n")
        .config("hydra/launcher/mine.yaml", "n_jobs: 1\n");
    let ran = t.run(&["hydra/launcher=nope"]).exit(1);
    assert!(ran.stderr.contains("mine"), "{}", ran.stderr);
    assert!(ran.stderr.contains("hydra/launcher/nope"), "{}", ran.stderr);
    insta::assert_snapshot!(ran.err());
}

#[test]
fn hydra_group_in_defaults_without_override_is_an_error() {
    let t = Tmp::new("multival");
    t.config(
        "config.yaml",
        "defaults:\n  - hydra/launcher: local\n  - _self_\nx: 1\n",
    );
    let ran = t.run(&[]).exit(1);
    assert!(
        ran.stderr.contains("Multiple values for hydra/launcher"),
        "{}",
        ran.stderr
    );
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());

    // With `override` it is accepted.
    t.config(
        "config.yaml",
        "defaults:\n  - override hydra/launcher: local\n  - _self_\nx: 1\n",
    );
    let ran = t.run(&["--cfg", "hydra"]).ok();
    let cfg = Node::from_yaml_str(&ran.stdout).unwrap();
    assert_eq!(
        text_at(&cfg, "hydra.runtime.choices.hydra/launcher"),
        "local"
    );
}

#[test]
fn multiple_values_error_points_at_the_users_entry() {
    let t = Tmp::new("multivalorigin");
    t.config(
        "config.yaml",
        "defaults:\n  - hydra/launcher: local\n  - _self_\nx: 1\n",
    );
    let ran = t.run(&[]).exit(1);
    assert!(ran.stderr.contains("config.yaml:2"), "{}", ran.stderr);
}

#[test]
fn cfg_hydra_shows_the_launcher_choice() {
    let t = Tmp::new("cfghydra");
    t.config("config.yaml", "x: 1\n");
    let ran = t.run(&["--cfg", "hydra"]).ok();
    let cfg = Node::from_yaml_str(&ran.stdout).unwrap();
    assert_eq!(
        text_at(&cfg, "hydra.runtime.choices.hydra/launcher"),
        "basic"
    );
    assert_eq!(
        text_at(&cfg, "hydra.runtime.choices.hydra/sweeper"),
        "basic"
    );
    assert!(cfg.get("x").is_none(), "{}", ran.stdout);
    let ran = t.run(&["--cfg", "hydra", "hydra/launcher=local"]).ok();
    let cfg = Node::from_yaml_str(&ran.stdout).unwrap();
    assert_eq!(
        text_at(&cfg, "hydra.runtime.choices.hydra/launcher"),
        "local"
    );
    assert_eq!(text_at(&cfg, "hydra.launcher.n_jobs"), "-1");
    assert!(t.tree().is_empty(), "{:?}", t.tree());
}

// ---------------------------------------------------------------------------------------
// 3. Run dirs

/// The run dir a job printed as `out: ${hydra:runtime.output_dir}`.
fn printed_dir(ran: &Ran) -> String {
    let docs = ran.documents();
    assert_eq!(docs.len(), 1, "{}", ran.stdout);
    let doc = Node::from_yaml_str(&docs[0]).unwrap();
    text_at(&doc, "out")
}

#[test]
fn timestamped_run_dirs_are_never_shared() {
    // The two runs must start within the same second; retried when a
    // second boundary falls between them.
    for _attempt in 0..5 {
        let t = Tmp::new("rundir");
        t.config("config.yaml", "out: ${hydra:runtime.output_dir}\n");
        let first = printed_dir(&t.run(&[]).ok());
        let second = printed_dir(&t.run(&[]).ok());
        let base = t.work().join("outputs").display().to_string();
        assert!(first.starts_with(&base), "{first}");
        let stamp = &first[base.len()..];
        // `/YYYY-MM-DD/HH-MM-SS`
        assert_eq!(stamp.len(), 20, "{first}");
        if !second.starts_with(&first) {
            continue; // another second
        }
        assert_eq!(second, format!("{first}_1"));
        for dir in [&first, &second] {
            let p = Path::new(dir);
            assert!(p.join(".hydra/config.yaml").is_file(), "{:?}", t.tree());
            assert!(p.join("app.log").is_file(), "{:?}", t.tree());
            let hydra = Node::from_yaml_file(p.join(".hydra/hydra.yaml")).unwrap();
            assert_eq!(text_at(&hydra, "hydra.runtime.output_dir"), *dir);
        }
        let tree = t.tree();
        assert!(!tree.iter().any(|p| is_temp_file(p)), "{tree:?}");
        return;
    }
    panic!("five attempts crossed a second boundary");
}

#[test]
fn a_now_pattern_takes_numbered_variants() {
    let t = Tmp::new("rundirnum");
    t.config("config.yaml", "out: ${hydra:runtime.output_dir}\n");
    let dirs: Vec<String> = (0..3)
        .map(|_| printed_dir(&t.run(&["hydra.run.dir=runs/${now:%Y}"]).ok()))
        .collect();
    let base = t.work().join("runs").display().to_string();
    let year = &dirs[0][base.len() + 1..];
    assert_eq!(year.len(), 4, "{dirs:?}");
    assert_eq!(
        dirs,
        [
            format!("{base}/{year}"),
            format!("{base}/{year}_1"),
            format!("{base}/{year}_2")
        ]
    );
}

#[test]
fn a_fixed_run_dir_is_reused() {
    let t = Tmp::new("rundirfixed");
    t.config("config.yaml", "x: 1\nout: ${hydra:runtime.output_dir}\n");
    let out = t.work().join("out").display().to_string();
    let first = t.run(&["hydra.run.dir=out", "x=1"]).ok();
    assert_eq!(printed_dir(&first), out);
    let second = t.run(&["hydra.run.dir=out", "x=2"]).ok();
    assert_eq!(printed_dir(&second), out);
    let tree = t.tree();
    assert!(!tree.iter().any(|p| p.starts_with("out_")), "{tree:?}");
    // The second run's files replaced the first's.
    assert_eq!(
        t.read("out/.hydra/config.yaml"),
        "x: 2\nout: ${hydra:runtime.output_dir}\n"
    );
    assert_eq!(t.read("out/.hydra/overrides.yaml"), "- x=2\n");
    assert!(!tree.iter().any(|p| is_temp_file(p)), "{tree:?}");
    assert_eq!(
        tree,
        [
            "out",
            "out/.hydra",
            "out/.hydra/config.yaml",
            "out/.hydra/hydra.yaml",
            "out/.hydra/overrides.yaml",
            "out/app.log"
        ]
    );
}

#[test]
fn output_dir_resolves_absolute_and_normalised() {
    let t = Tmp::new("outdir");
    t.config("config.yaml", "out: ${hydra:runtime.output_dir}\n");
    let ran = t.run(&["hydra.run.dir=a/../b/./c"]).ok();
    let dir = printed_dir(&ran);
    assert!(Path::new(&dir).is_absolute(), "{dir}");
    assert_eq!(dir, t.work().join("b/c").display().to_string());
    assert!(t.exists("b/c/.hydra/config.yaml"), "{:?}", t.tree());
}

// ---------------------------------------------------------------------------------------
// 4. Multirun with the local launcher

#[test]
fn local_launcher_runs_every_job() {
    let t = Tmp::new("local");
    t.config("config.yaml", "x: 0\n");
    let ran = t
        .run(&[
            "-m",
            "hydra/launcher=local",
            "hydra.launcher.n_jobs=2",
            "x=1,2,3",
            "hydra.sweep.dir=sw",
        ])
        .ok();
    let mut docs = ran.documents();
    docs.sort();
    assert_eq!(docs, ["x: 1\n", "x: 2\n", "x: 3\n"], "{}", ran.stdout);
    assert!(
        ran.stderr.contains("3 jobs: 3 completed, 0 failed"),
        "{}",
        ran.stderr
    );
    assert!(t.exists("sw/multirun.yaml"), "{:?}", t.tree());
    for (n, x) in [(0, 1), (1, 2), (2, 3)] {
        assert_eq!(
            t.read(&format!("sw/{n}/.hydra/config.yaml")),
            format!("x: {x}\n")
        );
        assert!(t.exists(&format!("sw/{n}/stdout.log")), "{:?}", t.tree());
        assert!(t.exists(&format!("sw/{n}/stderr.log")), "{:?}", t.tree());
        assert_eq!(
            t.read(&format!("sw/{n}/stdout.log")),
            format!("---\nx: {x}\n")
        );
        let hydra = t.yaml(&format!("sw/{n}/.hydra/hydra.yaml"));
        assert_eq!(text_at(&hydra, "hydra.job.num"), n.to_string());
    }
    let tree = t.tree();
    assert!(!tree.iter().any(|p| is_temp_file(p)), "{tree:?}");
}

#[test]
fn local_launcher_reports_a_failed_job() {
    let t = Tmp::new("localfail");
    t.config("config.yaml", "x: 0\nfail: false\n");
    let ran = t
        .run(&[
            "-m",
            "hydra/launcher=local",
            "hydra.launcher.n_jobs=2",
            "fail=false,true",
            "hydra.sweep.dir=sw",
        ])
        .exit(1);
    // Both jobs ran (the failing one prints its config, then fails).
    let mut docs = ran.documents();
    docs.sort();
    assert_eq!(
        docs,
        ["x: 0\nfail: false\n", "x: 0\nfail: true\n"],
        "{}",
        ran.stdout
    );
    assert_eq!(t.read("sw/0/.hydra/config.yaml"), "x: 0\nfail: false\n");
    assert!(t.exists("sw/multirun.yaml"), "{:?}", t.tree());
    let err = ran.err();
    assert!(err.contains("2 jobs: 1 completed, 1 failed"), "{err}");
    let failed = err
        .lines()
        .position(|l| l.contains("#1") && l.contains("FAILED") && l.contains("fail=True"))
        .unwrap_or_else(|| panic!("no line for the failed job:\n{err}"));
    let next = err.lines().nth(failed + 1).unwrap_or_default();
    assert!(
        next.contains("the task failed: the job config has fail: true"),
        "{err}"
    );
    assert!(t.read("sw/1/stderr.log").contains("fail: true"));
}

// ---------------------------------------------------------------------------------------
// 5. --exec

/// `exit` of a job's `exec.yaml`.
fn exec_exit(t: &Tmp, dir: &str) -> String {
    text_at(&t.yaml(&format!("{dir}/exec.yaml")), "exit")
}

#[test]
fn exec_runs_the_command_with_the_resolved_config() {
    let t = Tmp::new("exec");
    t.config("config.yaml", "x: 7\nz: ${x}\n");
    let ran = t
        .run(&[
            "hydra.run.dir=out",
            "--exec",
            "sh",
            "-c",
            "cat \"$CONFIG_FILE\"; echo \"arg={config}\"; echo \"dir={output_dir}\"; pwd",
        ])
        .ok();
    let file = t.work().join("out/config.resolved.yaml");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x: 7\nz: 7\n");
    // The task config in .hydra stays unresolved.
    assert_eq!(t.read("out/.hydra/config.yaml"), "x: 7\nz: ${x}\n");
    let expected = format!(
        "x: 7\nz: 7\narg={}\ndir={}\n{}\n",
        file.display(),
        t.work().join("out").display(),
        t.work().display()
    );
    assert_eq!(ran.stdout, expected);
    assert_eq!(t.read("out/exec.stdout.log"), expected);
    assert_eq!(exec_exit(&t, "out"), "0");
    let record = t.yaml("out/exec.yaml");
    let command = record.get("command").unwrap().to_yaml();
    assert!(command.contains(&file.display().to_string()), "{command}");
    assert!(!command.contains("{config}"), "{command}");
    let tree = t.tree();
    assert!(!tree.iter().any(|p| is_temp_file(p)), "{tree:?}");
}

#[test]
fn exec_failure_is_recorded_and_fails_the_run() {
    let t = Tmp::new("execfail");
    t.config("config.yaml", "x: 1\n");
    let ran = t
        .run(&[
            "hydra.run.dir=out",
            "--exec",
            "sh",
            "-c",
            "echo oops >&2; exit 3",
        ])
        .exit(1);
    assert_eq!(exec_exit(&t, "out"), "3");
    assert_eq!(t.read("out/exec.stderr.log"), "oops\n");
    assert!(t.exists("out/config.resolved.yaml"), "{:?}", t.tree());
    insta::assert_snapshot!(ran.err());
}

#[test]
fn exec_in_a_sweep_gives_each_job_its_config() {
    let t = Tmp::new("execsweep");
    t.config("config.yaml", "x: 0\n");
    let ran = t
        .run(&[
            "-m",
            "x=1,2",
            "hydra.sweep.dir=sw",
            "--exec",
            "sh",
            "-c",
            "echo \"$CONFIG_JOB_NUM {config}\"; cat \"$CONFIG_FILE\"",
        ])
        .ok();
    let out = ran.out();
    for (n, x) in [(0, 1), (1, 2)] {
        let dir = format!("sw/{n}");
        assert_eq!(
            t.read(&format!("{dir}/config.resolved.yaml")),
            format!("x: {x}\n")
        );
        assert_eq!(exec_exit(&t, &dir), "0");
        let line = format!("{n} <tmp>/work/{dir}/config.resolved.yaml\nx: {x}\n");
        assert!(out.contains(&line), "{out}");
        assert_eq!(
            t.read(&format!("{dir}/exec.stdout.log"))
                .replace(&ran.root, "<tmp>"),
            line
        );
    }
    assert!(t.exists("sw/multirun.yaml"), "{:?}", t.tree());
}

#[test]
fn exec_with_the_local_launcher() {
    let t = Tmp::new("execlocal");
    t.config("config.yaml", "x: 0\n");
    let ran = t
        .run(&[
            "-m",
            "hydra/launcher=local",
            "hydra.launcher.n_jobs=2",
            "x=1,2",
            "hydra.sweep.dir=sw",
            "--exec",
            "sh",
            "-c",
            "cat \"$CONFIG_FILE\"",
        ])
        .ok();
    assert!(
        ran.stderr.contains("2 jobs: 2 completed, 0 failed"),
        "{}",
        ran.stderr
    );
    for (n, x) in [(0, 1), (1, 2)] {
        let dir = format!("sw/{n}");
        assert_eq!(
            t.read(&format!("{dir}/config.resolved.yaml")),
            format!("x: {x}\n")
        );
        assert_eq!(exec_exit(&t, &dir), "0");
    }
    assert!(!t.exists("outputs"), "{:?}", t.tree());
}

// ---------------------------------------------------------------------------------------
// 6. hydra.job.env_set

#[test]
fn env_set_is_visible_to_the_command() {
    let t = Tmp::new("envset");
    t.config("config.yaml", "x: 1\n");
    let ran = t
        .run(&[
            "hydra.run.dir=out",
            "+hydra.job.env_set.MY_VAR=hello",
            "--exec",
            "sh",
            "-c",
            "echo \"v=$MY_VAR\"",
        ])
        .ok();
    assert_eq!(ran.stdout, "v=hello\n");
    let hydra = t.yaml("out/.hydra/hydra.yaml");
    assert_eq!(text_at(&hydra, "hydra.job.env_set.MY_VAR"), "hello");
}

#[test]
fn env_set_is_unset_for_the_next_job() {
    // Job 0 (+envs=a) sets MY_VAR through its hydra node; job 1 (+envs=b),
    // in the same process (basic launcher), must not see it.
    let t = Tmp::new("envsetsweep");
    t.config("config.yaml", "x: 1\n")
        .config(
            "envs/a.yaml",
            "# @package _global_\nhydra:\n  job:\n    env_set:\n      MY_VAR: hello\n",
        )
        .config("envs/b.yaml", "{}\n");
    let ran = t
        .run(&[
            "-m",
            "+envs=a,b",
            "hydra.sweep.dir=sw",
            "--exec",
            "sh",
            "-c",
            "echo \"job=$CONFIG_JOB_NUM v=${MY_VAR-unset}\"",
        ])
        .ok();
    let lines: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("job="))
        .collect();
    assert_eq!(lines, ["job=0 v=hello", "job=1 v=unset"], "{}", ran.stdout);
    assert_eq!(t.read("sw/1/exec.stdout.log"), "job=1 v=unset\n");
}

// ---------------------------------------------------------------------------------------
// 7. --help

#[test]
fn help_lists_groups_and_config_and_writes_nothing() {
    let t = Tmp::new("help");
    t.config(
        "config.yaml",
        "defaults:\n  - db: mysql\n  - _self_\nx: 1\nz: ${x}\n",
    )
    .config("db/mysql.yaml", "host: m\n")
    .config("db/pg.yaml", "host: p\n")
    .config("model/net/small.yaml", "w: 1\n")
    .config("hydra/launcher/mine.yaml", "n_jobs: 1\n");
    let ran = t.run(&["--help"]).ok();
    let out = ran.out();
    let groups = out
        .split("== Configuration groups ==")
        .nth(1)
        .and_then(|s| s.split("== Config ==").next())
        .unwrap_or_else(|| panic!("{out}"));
    let group_lines: Vec<&str> = groups.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(group_lines, ["db: mysql, pg", "model/net: small"], "{out}");
    assert!(!out.contains("hydra/launcher"), "{out}");
    assert!(!out.contains("mine"), "{out}");
    let config = out.split("== Config ==").nth(1).unwrap();
    assert!(config.contains("db:\n  host: m\nx: 1\nz: ${x}\n"), "{out}");
    assert!(t.tree().is_empty(), "{:?}", t.tree());

    let ran = t.run(&["--help", "--resolve", "db=pg"]).ok();
    assert!(
        ran.stdout.contains("db:\n  host: p\nx: 1\nz: 1\n"),
        "{}",
        ran.stdout
    );
    assert!(t.tree().is_empty(), "{:?}", t.tree());
    insta::assert_snapshot!(out);
}
