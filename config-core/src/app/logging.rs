//! Job logging: Hydra's `hydra/job_logging` and `hydra/hydra_logging`
//! configs, read as data, drive a `tracing` subscriber. The program logs
//! with the ecosystem's facade (`tracing::info!`); while a job runs, its
//! records go to the handlers the config names: the console (stdout or
//! stderr) and `${hydra.runtime.output_dir}/${hydra.job.name}.log`, each in
//! the format the config gives (`[%(asctime)s][%(name)s][%(levelname)s] -
//! %(message)s` by default). `colorlog` formatters colour the console when
//! it is a terminal. The subscriber is scoped to the job's thread
//! (`tracing::subscriber::with_default`): nothing global is installed.

use crate::error::{Error, ErrorKind};
use crate::interp::{resolve_path, Resolvers};
use crate::node::Node;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Where a handler writes.
#[derive(Debug)]
enum Sink {
    Stdout,
    Stderr,
    File(Mutex<std::fs::File>),
}

/// One handler of a `dictConfig`.
#[derive(Debug)]
struct Handler {
    sink: Sink,
    format: String,
    color: bool,
}

/// A logging config read from a `dictConfig` node.
#[derive(Debug, Default)]
pub struct Logging {
    handlers: Vec<Handler>,
    level: Option<Level>,
}

impl Logging {
    /// Reads the `dictConfig` at `hydra.<which>` (`job_logging` or
    /// `hydra_logging`) of `root` (the config with its `hydra` node): the
    /// root logger's level and handlers. File handlers are opened (created)
    /// now, relative to `cwd`, as Python's `FileHandler` does. `root: null`
    /// (the `none` option) logs nothing.
    pub fn from_config(
        root: &Node,
        which: &str,
        resolvers: &Resolvers,
        cwd: &Path,
    ) -> Result<Logging, Error> {
        Logging::for_rank(root, which, resolvers, cwd, 0)
    }

    /// [`Logging::from_config`] for rank `rank` of a multi-process job: the
    /// other ranks' log files get a `_rank<N>` suffix (`train_rank1.log`,
    /// in the same dir) so that ranks do not interleave.
    pub fn for_rank(
        root: &Node,
        which: &str,
        resolvers: &Resolvers,
        cwd: &Path,
        rank: usize,
    ) -> Result<Logging, Error> {
        let base = format!("hydra.{which}");
        let Some(cfg) = root.select(&base).ok().flatten() else {
            return Ok(Logging::default());
        };
        let Some(logger) = cfg.get("root").filter(|r| r.as_map().is_some()) else {
            return Ok(Logging::default());
        };
        let level = logger
            .get("level")
            .and_then(Node::as_str)
            .map(level_of)
            .unwrap_or(Some(Level::WARN));
        let mut handlers = Vec::new();
        for name in logger
            .get("handlers")
            .and_then(Node::as_list)
            .into_iter()
            .flatten()
        {
            let Some(name) = name.as_str() else { continue };
            let key = format!("{base}.handlers.{name}");
            let Some(h) = root.select(&key).ok().flatten() else {
                continue;
            };
            let fmt_name = h.get("formatter").and_then(Node::as_str).unwrap_or("");
            let fmt_node = cfg.get("formatters").and_then(|f| f.get(fmt_name));
            let format = fmt_node
                .and_then(|f| f.get("format"))
                .and_then(Node::as_str)
                .unwrap_or("%(message)s")
                .to_string();
            let color = fmt_node
                .and_then(|f| f.get("()"))
                .and_then(Node::as_str)
                .is_some_and(|t| t.contains("colorlog"));
            let class = h.get("class").and_then(Node::as_str).unwrap_or("");
            let sink = if class.ends_with("FileHandler") {
                let file = resolve_path(root, &format!("{key}.filename"), resolvers)?;
                let path = cwd.join(crate::python::python_str(&file.value));
                Sink::File(Mutex::new(open_log(&rank_path(path, rank))?))
            } else if h.get("stream").and_then(Node::as_str) == Some("ext://sys.stderr") {
                Sink::Stderr
            } else {
                Sink::Stdout
            };
            let color = color && matches!(sink, Sink::Stdout) && std::io::stdout().is_terminal();
            handlers.push(Handler {
                sink,
                format,
                color,
            });
        }
        Ok(Logging { handlers, level })
    }

    /// True when nothing would be written.
    pub fn is_silent(&self) -> bool {
        self.handlers.is_empty() || self.level.is_none()
    }

    /// Writes one record from Hydra itself (logger `HYDRA`), e.g. the
    /// launcher's `Launching 2 jobs locally`.
    pub fn info(&self, message: &str) {
        self.write(Level::INFO, "HYDRA", message);
    }

    fn write(&self, level: Level, name: &str, message: &str) {
        if self.level.is_none_or(|max| level > max) {
            return;
        }
        for h in &self.handlers {
            let line = render(&h.format, level, name, message, h.color);
            let _ = match &h.sink {
                Sink::Stdout => writeln!(std::io::stdout().lock(), "{line}"),
                Sink::Stderr => writeln!(std::io::stderr().lock(), "{line}"),
                Sink::File(f) => match f.lock() {
                    Ok(mut f) => writeln!(f, "{line}"),
                    Err(_) => Ok(()),
                },
            };
        }
    }

    /// Runs `f` with this config as the thread's `tracing` subscriber.
    pub fn scope<R>(self, f: impl FnOnce() -> R) -> R {
        let subscriber = tracing_subscriber::registry().with(HydraLayer(self));
        tracing::subscriber::with_default(subscriber, f)
    }
}

/// `dir/train.log` for rank 0, `dir/train_rank<N>.log` for the others.
fn rank_path(path: PathBuf, rank: usize) -> PathBuf {
    if rank == 0 {
        return path;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}_rank{rank}{ext}"))
}

fn open_log(path: &Path) -> Result<std::fs::File, Error> {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot open the job log {}", path.display()),
            )
            .with_source(e)
        })
}

/// Python's level names; `None` for `CRITICAL`-only or unknown-silent.
fn level_of(name: &str) -> Option<Level> {
    match name.to_ascii_uppercase().as_str() {
        "NOTSET" | "TRACE" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARNING" | "WARN" => Some(Level::WARN),
        "ERROR" | "CRITICAL" | "FATAL" => Some(Level::ERROR),
        _ => Some(Level::INFO),
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE | Level::DEBUG => "DEBUG",
        Level::INFO => "INFO",
        Level::WARN => "WARNING",
        Level::ERROR => "ERROR",
    }
}

/// Python's `asctime`: local time, `2026-12-01 10:03:05,123`.
fn asctime() -> String {
    let text = crate::interp::strftime::format(
        jiff::Timestamp::now(),
        &jiff::tz::TimeZone::system(),
        "%Y-%m-%d %H:%M:%S,%f",
    );
    // Python's `asctime` has milliseconds; `%f` gives microseconds.
    text[..text.len().saturating_sub(3)].to_string()
}

/// Renders a Python logging format string (`%(name)s` placeholders, with
/// colorlog's colour names).
fn render(format: &str, level: Level, name: &str, message: &str, color: bool) -> String {
    let mut out = String::with_capacity(format.len() + message.len());
    let mut rest = format;
    while let Some(i) = rest.find("%(") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find(')') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let field = &after[..j];
        // The conversion: `s`, `d`, `-8s`, ... (widths are ignored).
        let conv_end = after[j + 1..]
            .find(|c: char| c.is_ascii_alphabetic())
            .map(|k| j + 1 + k + 1)
            .unwrap_or(j + 1);
        out.push_str(&field_text(field, level, name, message, color));
        rest = &after[conv_end..];
    }
    out.push_str(rest);
    out
}

fn field_text(field: &str, level: Level, name: &str, message: &str, color: bool) -> String {
    let ansi = |code: &str| {
        if color {
            format!("\x1b[{code}m")
        } else {
            String::new()
        }
    };
    match field {
        "asctime" => asctime(),
        "name" => name.to_string(),
        "levelname" => level_name(level).to_string(),
        "message" => message.to_string(),
        "process" => std::process::id().to_string(),
        "reset" => ansi("0"),
        "log_color" => ansi(match level {
            Level::TRACE | Level::DEBUG => "35",
            Level::INFO => "32",
            Level::WARN => "33",
            Level::ERROR => "31",
        }),
        "cyan" => ansi("36"),
        "blue" => ansi("34"),
        "purple" => ansi("35"),
        "green" => ansi("32"),
        "yellow" => ansi("33"),
        "red" => ansi("31"),
        "white" => ansi("37"),
        "bold" => ansi("1"),
        other => format!("%({other})"),
    }
}

/// The `tracing` layer that writes events through a [`Logging`].
struct HydraLayer(Logging);

impl<S: Subscriber> Layer<S> for HydraLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut v = MessageVisitor::default();
        event.record(&mut v);
        let meta = event.metadata();
        self.0.write(*meta.level(), meta.target(), &v.text);
    }
}

/// Collects an event's `message` and other fields (`k=v`).
#[derive(Default)]
struct MessageVisitor {
    text: String,
}

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let msg = format!("{value:?}");
            self.text = if self.text.is_empty() {
                msg
            } else {
                format!("{msg} {}", self.text)
            };
        } else {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(&format!("{}={value:?}", field.name()));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.record_debug(field, &format_args!("{value}"));
        } else {
            self.record_debug(field, &value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_formats() {
        let line = render(
            "[%(name)s][%(levelname)s] - %(message)s",
            Level::WARN,
            "train",
            "hi",
            false,
        );
        assert_eq!(line, "[train][WARNING] - hi");
        let line = render("%(levelname)-8s|%(message)s", Level::INFO, "x", "m", false);
        assert_eq!(line, "INFO|m");
        assert!(render("[%(asctime)s]", Level::INFO, "x", "m", false).contains(','));
    }

    #[test]
    fn job_log_file_gets_records() {
        let dir = std::env::temp_dir().join(format!("logging-test-{}", std::process::id()));
        let root = Node::from_yaml_str(&format!(
            "hydra:\n  job_logging:\n    formatters: {{simple: {{format: '%(levelname)s %(message)s'}}}}\n    \
             handlers: {{file: {{class: logging.FileHandler, formatter: simple, filename: '{}/app.log'}}}}\n    \
             root: {{level: INFO, handlers: [file]}}\n",
            dir.display()
        ))
        .unwrap();
        let logging =
            Logging::from_config(&root, "job_logging", &Resolvers::default(), &dir).unwrap();
        logging.scope(|| {
            tracing::info!(step = 3, "training");
            tracing::debug!("hidden");
        });
        let text = std::fs::read_to_string(dir.join("app.log")).unwrap();
        assert_eq!(text, "INFO training step=3\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
