//! The `cosmos` example: Cosmos-Predict2.5 video2world training, with
//! Cosmos's command line, run by the application layer.
//!
//! ```text
//! cosmos --config=cosmos_predict2/_src/predict2/configs/video2world/config.py [--dryrun] [--smoke] \
//!     -- experiment=predict2_video2world_training_2b_cosmos_nemo_assets trainer.max_iter=10
//! ```
//!
//! `make_config()` builds the typed root `Config` and registers its groups
//! and experiments; the overrides compose, resolve and rebuild the typed
//! config (every lazy object's arguments checked against its constructor's
//! type before composing); then `validate()` and `freeze()`. The job dir is
//! Cosmos's `job.path_local` (`$IMAGINAIRE_OUTPUT_ROOT/project/group/name`),
//! where the final `config.yaml` is written. `--dryrun` stops there;
//! `--smoke` appends the smoke overrides (one iteration, nothing uploaded).
//! Hydra's flags work too: `-m` sweeps, `hydra/launcher=slurm`, `--cfg job`.

use config_core::app::write_atomic;
use config_core::prelude::*;
use config_core::{dict, Error};
use config_examples::build;
use config_examples::cosmos::objects::{registry, Net, Optimizer, Schedule};
use config_examples::cosmos::{Config, SMOKE};
use std::ffi::OsString;
use std::process::ExitCode;

/// The config files this program knows (Cosmos's `--config` names the
/// Python module that defines `make_config`).
const CONFIGS: [&str; 1] = ["cosmos_predict2/_src/predict2/configs/video2world/config.py"];

/// The program's own flags, beside Hydra's (one `--help`).
#[derive(clap::Args, Debug)]
struct CosmosFlags {
    /// The config to build: cosmos_predict2/_src/predict2/configs/video2world/config.py.
    #[arg(long, value_name = "FILE", default_value = CONFIGS[0])]
    config: String,
    /// Write the final config.yaml to the job dir and exit without training.
    #[arg(long)]
    dryrun: bool,
    /// Append the smoke-test overrides (one iteration, nothing uploaded).
    #[arg(long)]
    smoke: bool,
}

fn main() -> ExitCode {
    let args = with_smoke(std::env::args_os().collect());
    if let Some(bad) = unknown_config(&args) {
        eprintln!(
            "error: --config={bad}: no such config\n  help: the configs this program builds: {}",
            CONFIGS.join(", ")
        );
        return ExitCode::from(2);
    }
    Config::app()
        .with_registry(&registry())
        // The job dir is Cosmos's; `hydra.run.dir=...` on the command line still wins.
        .with_hydra(dict!({ run: { dir: "${job.path_local}" } }))
        .run_with_args(args, |job, flags: &CosmosFlags| {
            debug_assert!(CONFIGS.contains(&flags.config.as_str()));
            let cfg = job.cfg();
            let saved = job.output_dir().join("config.yaml");
            write_atomic(&saved, cfg.to_dict().to_yaml().as_bytes()).map_err(|e| e.render())?;
            println!("# config written to {}", saved.display());
            if flags.dryrun {
                println!("# dry run: config valid, not training");
                return Ok(());
            }
            train(cfg).map_err(|e| e.render().into())
        })
}

/// The value of `--config` when it names no config this program builds
/// (a usage error, before anything runs).
fn unknown_config(args: &[OsString]) -> Option<String> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut values =
        args.iter()
            .enumerate()
            .filter_map(|(i, a)| match a.strip_prefix("--config") {
                Some(v) if v.starts_with('=') => Some(v[1..].to_string()),
                Some("") => args.get(i + 1).cloned(),
                _ => None,
            });
    let rest = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let before_rest = |v: &String| args[..rest].iter().any(|a| a.ends_with(v.as_str()));
    values.find(|v| before_rest(v) && !CONFIGS.contains(&v.as_str()))
}

/// `--smoke` appends Cosmos's smoke overrides after the user's.
fn with_smoke(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.iter().any(|a| a == "--smoke") {
        args.extend(SMOKE.iter().map(OsString::from));
    }
    args
}

/// A mock training loop over the frozen config.
fn train(cfg: &Frozen<Config>) -> Result<(), Error> {
    let reg = registry();
    let opt = build::<Optimizer>(&reg, cfg.optimizer.as_ref(), "optimizer", "optimizer")?;
    let sched = build::<Schedule>(&reg, cfg.scheduler.as_ref(), "scheduler", "scheduler")?;
    let net_desc = cfg
        .model
        .as_ref()
        .and_then(|m| m.get("config"))
        .and_then(|c| c.select("net").ok().flatten())
        .filter(|n| !matches!(n.value, config_core::Value::Null))
        .map(|n| LazyDict::from_node_at(n, "model.config.net"))
        .transpose()?;
    let net = build::<Net>(&reg, net_desc.as_ref(), "model.config.net", "net")?;
    println!(
        "# training {}/{}/{} for {} iterations: {} lr={} on {} ({}x{}), {:?}",
        cfg.job.project,
        cfg.job.group,
        cfg.job.name,
        cfg.trainer.max_iter,
        opt.kind,
        opt.lr,
        net.kind,
        net.depth,
        net.width,
        cfg.trainer.distributed_parallelism,
    );
    let mut loss = 1.0f64;
    for iter in 1..=cfg.trainer.max_iter {
        let lr = opt.lr * sched.factor(iter);
        loss *= 1.0 - (lr * 1000.0).min(0.5) / (iter as f64).sqrt().max(1.0);
        if iter % cfg.trainer.logging_iter == 0 || iter == cfg.trainer.max_iter {
            tracing::info!("iter {iter:>6}  loss {loss:.6}  lr {lr:.3e}");
        }
    }
    println!("# done: {} iterations", cfg.trainer.max_iter);
    Ok(())
}
