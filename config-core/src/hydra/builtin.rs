//! Hydra's own configs, built in: `hydra/config` (the schema of the `hydra`
//! node, with Hydra 1.3's defaults list) and the options of Hydra's groups.
//! They are the first source of every search path, as `pkg://hydra.conf` is
//! in Hydra, so a user's `hydra/<group>/<option>.yaml` adds options and
//! `override hydra/launcher: local` selects among them.
//!
//! Keys whose meaning is Python-only (launcher `_target_`s, the logging
//! `dictConfig`s' formatter strings, `callbacks`, `env`) are kept so that
//! overrides of them work as in Hydra; the app layer reads only what it
//! implements (see the README's list).

use crate::node::{Key, Node, Value};
use crate::repository::{ConfigSource, RawConfig, StoreSource};
use crate::store::ConfigStore;
use crate::Error;
use std::sync::{Arc, OnceLock};

/// A built-in config written as code, for the configs whose YAML has quoted
/// strings: those send the whole text to the slow YAML path (saphyr), and
/// parsing them was about a twentieth of a `config compose` process. The
/// tests check each against its YAML text (Hydra's file).
#[derive(Clone, Copy, Debug)]
enum Lit {
    /// A string, read as YAML reads it: an interpolation when it has `${`.
    Str(&'static str),
    /// `???`.
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    List(&'static [Lit]),
    Map(&'static [(&'static str, Lit)]),
}

use Lit::{Bool, Int, List, Map as M, Missing, Null, Str};

impl Lit {
    fn node(&self) -> Node {
        let value = match *self {
            Str(s) => Value::string(s),
            Missing => Value::Missing,
            Null => Value::Null,
            Bool(b) => Value::Bool(b),
            Int(i) => Value::Int(i),
            List(items) => Value::List(items.iter().map(Lit::node).collect()),
            M(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (Key::from(*k), v.node()))
                    .collect(),
            ),
        };
        Node::new(value)
    }
}

/// `hydra/config`: `HydraConf` of `hydra/conf/__init__.py`. Its `_self_` is
/// implicitly last, so the option files merge first and these values
/// (mostly `???`, which never replace a value) fill in the rest.
const HYDRA_CONFIG: Lit = M(&[
    (
        "defaults",
        List(&[
            M(&[("output", Str("default"))]),
            M(&[("launcher", Str("basic"))]),
            M(&[("sweeper", Str("basic"))]),
            M(&[("help", Str("default"))]),
            M(&[("hydra_help", Str("default"))]),
            M(&[("hydra_logging", Str("default"))]),
            M(&[("job_logging", Str("default"))]),
            M(&[("callbacks", Null)]),
            M(&[("env", Str("default"))]),
        ]),
    ),
    ("mode", Null),
    ("searchpath", List(&[])),
    ("run", M(&[("dir", Missing)])),
    ("sweep", M(&[("dir", Missing), ("subdir", Missing)])),
    ("hydra_logging", Missing),
    ("job_logging", Missing),
    ("sweeper", Missing),
    ("launcher", Missing),
    ("callbacks", M(&[])),
    (
        "help",
        M(&[
            ("app_name", Missing),
            ("header", Missing),
            ("footer", Missing),
            ("template", Missing),
        ]),
    ),
    (
        "hydra_help",
        M(&[("hydra_help", Missing), ("template", Missing)]),
    ),
    ("output_subdir", Str(".hydra")),
    ("overrides", M(&[("hydra", List(&[])), ("task", List(&[]))])),
    (
        "job",
        M(&[
            ("name", Missing),
            ("chdir", Null),
            ("override_dirname", Missing),
            ("id", Missing),
            ("num", Missing),
            ("config_name", Missing),
            ("env_set", M(&[])),
            ("env_copy", List(&[])),
            (
                "config",
                M(&[(
                    "override_dirname",
                    M(&[
                        ("kv_sep", Str("=")),
                        ("item_sep", Str(",")),
                        ("exclude_keys", List(&[])),
                    ]),
                )]),
            ),
        ]),
    ),
    (
        "runtime",
        M(&[
            ("version", Missing),
            ("version_base", Missing),
            ("cwd", Missing),
            ("config_sources", Missing),
            ("output_dir", Missing),
            ("choices", M(&[])),
        ]),
    ),
    ("verbose", Bool(false)),
]);

const HELP_DEFAULT: Lit = M(&[
    ("app_name", Str("${hydra.job.name}")),
    ("header", Str("${hydra.help.app_name} is powered by Hydra.\n")),
    (
        "footer",
        Str("Powered by Hydra (https://hydra.cc)\nUse --hydra-help to view Hydra specific help\n"),
    ),
    (
        "template",
        Str("${hydra.help.header}\n== Configuration groups ==\nCompose your configuration from those groups (group=option)\n\n$APP_CONFIG_GROUPS\n\n== Config ==\nOverride anything in the config (foo.bar=value)\n\n$CONFIG\n\n${hydra.help.footer}\n"),
    ),
]);

const HYDRA_HELP_DEFAULT: Lit = M(&[
    (
        "template",
        Str("Hydra (${hydra.runtime.version})\nSee https://hydra.cc for more info.\n\n== Flags ==\n$FLAGS_HELP\n\n== Configuration groups ==\nCompose your configuration from those groups (For example, append hydra/job_logging=disabled to command line)\n\n$HYDRA_CONFIG_GROUPS\n\nUse '--cfg hydra' to Show the Hydra config.\n"),
    ),
    ("hydra_help", Missing),
]);

/// The handlers and root logger of a `dictConfig` writing to the console.
const STDOUT_HANDLER: Lit = M(&[
    ("class", Str("logging.StreamHandler")),
    ("formatter", Str("simple")),
    ("stream", Str("ext://sys.stdout")),
]);

const HYDRA_LOGGING_DEFAULT: Lit = M(&[
    ("version", Int(1)),
    (
        "formatters",
        M(&[(
            "simple",
            M(&[("format", Str("[%(asctime)s][HYDRA] %(message)s"))]),
        )]),
    ),
    ("handlers", M(&[("console", STDOUT_HANDLER)])),
    (
        "root",
        M(&[
            ("level", Str("INFO")),
            ("handlers", List(&[Str("console")])),
        ]),
    ),
    (
        "loggers",
        M(&[("logging_example", M(&[("level", Str("DEBUG"))]))]),
    ),
    ("disable_existing_loggers", Bool(false)),
]);

const JOB_LOGGING_DEFAULT: Lit = M(&[
    ("version", Int(1)),
    (
        "formatters",
        M(&[(
            "simple",
            M(&[(
                "format",
                Str("[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"),
            )]),
        )]),
    ),
    (
        "handlers",
        M(&[
            ("console", STDOUT_HANDLER),
            (
                "file",
                M(&[
                    ("class", Str("logging.FileHandler")),
                    ("formatter", Str("simple")),
                    (
                        "filename",
                        Str("${hydra.runtime.output_dir}/${hydra.job.name}.log"),
                    ),
                ]),
            ),
        ]),
    ),
    (
        "root",
        M(&[
            ("level", Str("INFO")),
            ("handlers", List(&[Str("console"), Str("file")])),
        ]),
    ),
    ("disable_existing_loggers", Bool(false)),
]);

const OUTPUT_DEFAULT: &str = r#"run:
  dir: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}
sweep:
  dir: multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}
  subdir: ${hydra.job.num}
"#;

const LAUNCHER_BASIC: &str =
    "_target_: hydra._internal.core_plugins.basic_launcher.BasicLauncher\n";

/// Our process-pool launcher: `n_jobs` jobs at a time (`-1`: one per CPU).
const LAUNCHER_LOCAL: &str = "_target_: config_core.app.LocalLauncher\nn_jobs: -1\n";

/// The SLURM launcher, with submitit's parameter names and defaults.
const LAUNCHER_SLURM: &str = r#"_target_: config_core.app.SlurmLauncher
partition: null
qos: null
account: null
nodes: 1
tasks_per_node: 1
gpus_per_node: null
cpus_per_task: null
mem_gb: null
timeout_min: 60
signal_delay_s: 120
max_num_timeout: 0
array_parallelism: 256
name: ${hydra.job.name}
comment: null
constraint: null
exclude: null
additional_parameters: {}
setup: []
srun_args: []
wait: true
max_poll_s: 5.0
"#;

const SWEEPER_BASIC: &str = r#"_target_: hydra._internal.core_plugins.basic_sweeper.BasicSweeper
max_batch_size: null
params: null
"#;

const LOGGING_DISABLED: &str =
    "version: 1\nroot:\n  level: ERROR\ndisable_existing_loggers: true\n";

const LOGGING_NONE: &str = "version: 1\nroot: null\ndisable_existing_loggers: false\n";

const HYDRA_LOGGING_DEBUG: &str = r#"version: 1
formatters:
  simple:
    format: '[%(asctime)s][%(name)s][%(levelname)s] - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    mode: w
    formatter: simple
    filename: hydra-${hydra.job.name}.log
    delay: true
root:
  level: ERROR
  handlers: [file]
loggers:
  hydra:
    level: DEBUG
disable_existing_loggers: false
"#;

const HYDRA_LOGGING_COLORLOG: &str = r#"version: 1
formatters:
  colorlog:
    (): colorlog.ColoredFormatter
    format: '[%(cyan)s%(asctime)s%(reset)s][%(purple)sHYDRA%(reset)s] %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: colorlog
    stream: ext://sys.stdout
root:
  level: INFO
  handlers: [console]
disable_existing_loggers: false
"#;

const JOB_LOGGING_STDOUT: &str = r#"version: 1
formatters:
  simple:
    format: '%(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
root:
  level: INFO
  handlers: [console]
disable_existing_loggers: false
"#;

const JOB_LOGGING_COLORLOG: &str = r#"version: 1
formatters:
  simple:
    format: '[%(asctime)s][%(name)s][%(levelname)s] - %(message)s'
  colorlog:
    (): colorlog.ColoredFormatter
    format: '[%(cyan)s%(asctime)s%(reset)s][%(blue)s%(name)s%(reset)s][%(log_color)s%(levelname)s%(reset)s] - %(message)s'
    log_colors:
      DEBUG: purple
      INFO: green
      WARNING: yellow
      ERROR: red
      CRITICAL: red
handlers:
  console:
    class: logging.StreamHandler
    formatter: colorlog
    stream: ext://sys.stdout
  file:
    class: logging.FileHandler
    formatter: simple
    filename: ${hydra.runtime.output_dir}/${hydra.job.name}.log
root:
  level: INFO
  handlers: [console, file]
disable_existing_loggers: false
"#;

/// The body of a built-in config.
#[derive(Clone, Copy, Debug)]
enum Body {
    Yaml(&'static str),
    Code(Lit),
}

use Body::{Code, Yaml};

impl Body {
    fn node(&self) -> Node {
        match self {
            Yaml(text) => {
                let node =
                    Node::from_yaml_str(text).expect("built-in Hydra configs are valid YAML");
                if node.as_map().is_some() {
                    node
                } else {
                    Node::empty_map()
                }
            }
            Code(lit) => lit.node(),
        }
    }
}

/// Every built-in config: (group, name, package header, body).
const CONFIGS: &[(&str, &str, Option<&str>, Body)] = &[
    ("hydra", "config", None, Code(HYDRA_CONFIG)),
    (
        "hydra/output",
        "default",
        Some("hydra"),
        Yaml(OUTPUT_DEFAULT),
    ),
    ("hydra/launcher", "basic", None, Yaml(LAUNCHER_BASIC)),
    ("hydra/launcher", "local", None, Yaml(LAUNCHER_LOCAL)),
    ("hydra/launcher", "slurm", None, Yaml(LAUNCHER_SLURM)),
    ("hydra/sweeper", "basic", None, Yaml(SWEEPER_BASIC)),
    ("hydra/help", "default", None, Code(HELP_DEFAULT)),
    (
        "hydra/hydra_help",
        "default",
        None,
        Code(HYDRA_HELP_DEFAULT),
    ),
    (
        "hydra/hydra_logging",
        "default",
        None,
        Code(HYDRA_LOGGING_DEFAULT),
    ),
    (
        "hydra/hydra_logging",
        "disabled",
        None,
        Yaml(LOGGING_DISABLED),
    ),
    (
        "hydra/hydra_logging",
        "hydra_debug",
        None,
        Yaml(HYDRA_LOGGING_DEBUG),
    ),
    ("hydra/hydra_logging", "none", None, Yaml(LOGGING_NONE)),
    (
        "hydra/hydra_logging",
        "colorlog",
        None,
        Yaml(HYDRA_LOGGING_COLORLOG),
    ),
    (
        "hydra/job_logging",
        "default",
        None,
        Code(JOB_LOGGING_DEFAULT),
    ),
    (
        "hydra/job_logging",
        "disabled",
        None,
        Yaml(LOGGING_DISABLED),
    ),
    ("hydra/job_logging", "none", None, Yaml(LOGGING_NONE)),
    (
        "hydra/job_logging",
        "stdout",
        None,
        Yaml(JOB_LOGGING_STDOUT),
    ),
    (
        "hydra/job_logging",
        "colorlog",
        None,
        Yaml(JOB_LOGGING_COLORLOG),
    ),
    ("hydra/env", "default", None, Yaml("")),
    // The primary config of a run without `--config-name`.
    ("", "_dummy_empty_config_", None, Yaml("")),
];

/// The store of Hydra's own configs, built once per process and shared:
/// it is immutable, so sharing it is not global *mutable* state. Each
/// entry is parsed the first time a composition selects it (a `config
/// compose` process reads 9 of the 19, and parsing all of them was a tenth
/// of its work).
pub(super) fn builtin_store() -> Arc<ConfigStore> {
    static STORE: OnceLock<Arc<ConfigStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let mut store = ConfigStore::new();
            for &(group, name, package, body) in CONFIGS {
                let entry = store.add_lazy(group, name, move || body.node());
                if let Some(p) = package {
                    entry.package(p);
                }
            }
            Arc::new(store)
        })
        .clone()
}

/// The built-in configs as a search-path source, described as Hydra's own.
pub(crate) struct HydraSource(StoreSource);

impl HydraSource {
    /// The source over [`builtin_store`].
    pub(crate) fn new() -> HydraSource {
        HydraSource(StoreSource::new(builtin_store()))
    }
}

impl Default for HydraSource {
    fn default() -> Self {
        HydraSource::new()
    }
}

impl ConfigSource for HydraSource {
    fn describe(&self) -> String {
        "provider=hydra, path=builtin://hydra".into()
    }
    fn load(&self, config_path: &str) -> Result<Option<RawConfig>, Error> {
        self.0.load(config_path)
    }
    fn exists(&self, config_path: &str) -> bool {
        self.0.exists(config_path)
    }
    fn group_exists(&self, group: &str) -> bool {
        self.0.group_exists(group)
    }
    fn options(&self, group: &str) -> Vec<String> {
        self.0.options(group)
    }
    fn groups(&self, group: &str) -> Vec<String> {
        self.0.groups(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hydra's files for the configs written as code.
    const HYDRA_CONFIG_YAML: &str = r#"defaults:
  - output: default
  - launcher: basic
  - sweeper: basic
  - help: default
  - hydra_help: default
  - hydra_logging: default
  - job_logging: default
  - callbacks: null
  - env: default
mode: null
searchpath: []
run:
  dir: ???
sweep:
  dir: ???
  subdir: ???
hydra_logging: ???
job_logging: ???
sweeper: ???
launcher: ???
callbacks: {}
help:
  app_name: ???
  header: ???
  footer: ???
  template: ???
hydra_help:
  hydra_help: ???
  template: ???
output_subdir: .hydra
overrides:
  hydra: []
  task: []
job:
  name: ???
  chdir: null
  override_dirname: ???
  id: ???
  num: ???
  config_name: ???
  env_set: {}
  env_copy: []
  config:
    override_dirname:
      kv_sep: '='
      item_sep: ','
      exclude_keys: []
runtime:
  version: ???
  version_base: ???
  cwd: ???
  config_sources: ???
  output_dir: ???
  choices: {}
verbose: false
"#;

    const HELP_DEFAULT_YAML: &str = r#"app_name: ${hydra.job.name}
header: '${hydra.help.app_name} is powered by Hydra.

  '
footer: 'Powered by Hydra (https://hydra.cc)

  Use --hydra-help to view Hydra specific help

  '
template: '${hydra.help.header}

  == Configuration groups ==

  Compose your configuration from those groups (group=option)


  $APP_CONFIG_GROUPS


  == Config ==

  Override anything in the config (foo.bar=value)


  $CONFIG


  ${hydra.help.footer}

  '
"#;

    const HYDRA_HELP_DEFAULT_YAML: &str = r#"template: 'Hydra (${hydra.runtime.version})

  See https://hydra.cc for more info.


  == Flags ==

  $FLAGS_HELP


  == Configuration groups ==

  Compose your configuration from those groups (For example, append hydra/job_logging=disabled
  to command line)


  $HYDRA_CONFIG_GROUPS


  Use ''--cfg hydra'' to Show the Hydra config.

  '
hydra_help: ???
"#;

    const HYDRA_LOGGING_DEFAULT_YAML: &str = r#"version: 1
formatters:
  simple:
    format: '[%(asctime)s][HYDRA] %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
root:
  level: INFO
  handlers: [console]
loggers:
  logging_example:
    level: DEBUG
disable_existing_loggers: false
"#;

    const JOB_LOGGING_DEFAULT_YAML: &str = r#"version: 1
formatters:
  simple:
    format: '[%(asctime)s][%(name)s][%(levelname)s] - %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
  file:
    class: logging.FileHandler
    formatter: simple
    filename: ${hydra.runtime.output_dir}/${hydra.job.name}.log
root:
  level: INFO
  handlers: [console, file]
disable_existing_loggers: false
"#;

    /// The configs written as code are Hydra's YAML files, value for value.
    #[test]
    fn code_built_configs_are_their_yaml() {
        for (lit, yaml) in [
            (HYDRA_CONFIG, HYDRA_CONFIG_YAML),
            (HELP_DEFAULT, HELP_DEFAULT_YAML),
            (HYDRA_HELP_DEFAULT, HYDRA_HELP_DEFAULT_YAML),
            (HYDRA_LOGGING_DEFAULT, HYDRA_LOGGING_DEFAULT_YAML),
            (JOB_LOGGING_DEFAULT, JOB_LOGGING_DEFAULT_YAML),
        ] {
            let want = Node::from_yaml_str(yaml).unwrap();
            assert_eq!(lit.node(), want, "{yaml}");
            assert_eq!(lit.node().to_yaml(), want.to_yaml());
        }
    }

    /// The entries are parsed on first use: every one of them must parse.
    #[test]
    fn every_builtin_config_loads() {
        let store = builtin_store();
        for (group, name, _, _) in CONFIGS {
            let path = match *group {
                "" => name.to_string(),
                g => format!("{g}/{name}"),
            };
            let entry = store.get(&path).expect("registered");
            assert!(entry.node().as_map().is_some(), "{path}");
        }
    }
}
