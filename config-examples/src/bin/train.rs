//! The `train` example: a typed video-training config, composed from code
//! and the command line, validated, frozen and read by a mock training loop,
//! run by the application layer (Hydra's flags, run dirs, `-m` sweeps).
//!
//! ```text
//! cargo run -p config-examples --bin train -- experiment=finetune_2b trainer.max_iter=10
//! cargo run -p config-examples --bin train -- --cfg job experiment=base_2b     # show, don't run
//! cargo run -p config-examples --bin train -- -m experiment=base_2b trainer.max_iter=5 \
//!     optimizer=adamw,fusedadamw optimizer.lr=1e-4,2e-4                        # 4 jobs
//! cargo run -p config-examples --bin train -- -m hydra/launcher=local ...      # as subprocesses
//! cargo run -p config-examples --bin train -- trainer.max_iter=abc    # typed error
//! cargo run -p config-examples --bin train -- trainer.max_itr=10      # did you mean
//! cargo run -p config-examples --bin train -- optimizer=adamww        # lists the options
//! cargo run -p config-examples --bin train -- --help                  # groups, config, fields
//! cargo run -p config-examples --bin train -- --json-schema           # JSON Schema of the config
//! ```

use config_core::typed::{Config, Frozen, LazyDict};
use config_core::Error;
use config_examples::{build, registry, Net, Optimizer, Scheduler, TrainConfig};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;

/// The program's own flags, beside Hydra's (they share one `--help`).
#[derive(clap::Args, Debug)]
struct TrainFlags {
    /// Print the JSON Schema of the config and exit.
    #[arg(long = "json-schema")]
    json_schema: bool,
    /// Build everything and stop before the first iteration.
    #[arg(long)]
    dryrun: bool,
    /// Mock compute time per iteration, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    iter_sleep_ms: u64,
}

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--json-schema") {
        println!(
            "{}",
            config_core::typed::to_json(
                &TrainConfig::make().with_registry(&registry()).json_schema()
            )
        );
        return ExitCode::SUCCESS;
    }
    TrainConfig::app().with_registry(&registry()).run_with_args(
        std::env::args_os(),
        |job, flags: &TrainFlags| {
            let cfg = job.cfg();
            print!("{}", cfg.to_dict().to_yaml());
            if flags.dryrun {
                println!(
                    "# dry run: config valid, {} written",
                    job.output_dir().display()
                );
                return Ok(());
            }
            let checkpoint = || job.checkpoint_requested();
            let run = Run {
                output_dir: job.output_dir(),
                checkpoint_requested: &checkpoint,
                restarts: job.restarts(),
                main_rank: job.rank().is_main(),
                iter_sleep: std::time::Duration::from_millis(flags.iter_sleep_ms),
            };
            train(cfg, &run).map_err(|e| e.render().into())
        },
    )
}

/// A mock training loop: builds the lazy objects, and shares the frozen
/// config with a checkpointing thread.
/// What the loop needs from its job besides the config.
struct Run<'j> {
    output_dir: &'j Path,
    /// SLURM's "checkpoint now" (SIGUSR1 before the time limit).
    checkpoint_requested: &'j dyn Fn() -> bool,
    /// How often the job was requeued.
    restarts: u32,
    /// Only rank 0 writes checkpoints.
    main_rank: bool,
    /// Mock compute time per iteration.
    iter_sleep: std::time::Duration,
}

/// The latest checkpoint in `dir`: its iteration and loss.
fn latest_checkpoint(dir: &Path) -> Option<(u64, f64)> {
    let mut best: Option<(u64, f64)> = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let mut words = text.split_whitespace();
        let (Some("iteration"), Some(i), Some("loss"), Some(l)) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            continue;
        };
        if let (Ok(i), Ok(l)) = (i.parse::<u64>(), l.parse::<f64>()) {
            if best.is_none_or(|(b, _)| i > b) {
                best = Some((i, l));
            }
        }
    }
    best
}

/// Writes a checkpoint atomically (a crash never leaves half of one).
fn save_checkpoint(dir: &Path, iter: u64, loss: f64) -> Result<std::path::PathBuf, Error> {
    let path = dir.join(format!("iter_{iter:09}.txt"));
    config_core::app::write_atomic(
        &path,
        format!("iteration {iter} loss {loss:.17e}\n").as_bytes(),
    )?;
    Ok(path)
}

/// A mock training loop: builds the lazy objects, shares the frozen config
/// with a checkpointing thread, saves its state when SLURM asks and resumes
/// from the latest checkpoint after a requeue.
fn train(cfg: &Frozen<TrainConfig>, run: &Run<'_>) -> Result<(), Error> {
    let reg = registry();
    let opt = build::<Optimizer>(&reg, cfg.optimizer.as_ref(), "optimizer", "optimizer")?;
    let sched = build::<Scheduler>(&reg, cfg.scheduler.as_ref(), "scheduler", "scheduler")?;
    let net_desc = cfg.model.as_ref().and_then(|m| m.get("net"));
    let net_desc = net_desc
        .map(|n| LazyDict::from_node_at(n, "model.net"))
        .transpose()?;
    let net = build::<Net>(&reg, net_desc.as_ref(), "model.net", "net")?;
    println!(
        "# training {} ({}/{}) for {} iterations: {} lr={} on a {}x{} net, {:?}",
        cfg.job.name,
        cfg.job.project,
        cfg.job.group,
        cfg.trainer.max_iter,
        opt.kind,
        opt.lr,
        net.num_blocks,
        net.model_channels,
        cfg.trainer.distributed_parallelism
    );
    let ckpt_dir = run.output_dir.join("checkpoints");
    let (mut first, mut loss) = (1, 1.0f64);
    if let Some((iter, l)) = latest_checkpoint(&ckpt_dir) {
        println!("# resumed from iteration {iter} (restart {})", run.restarts);
        (first, loss) = (iter + 1, l);
    }

    let (tx, rx) = mpsc::channel::<(u64, f64)>();
    let shared = cfg.clone();
    let dir = ckpt_dir.clone();
    let main_rank = run.main_rank;
    let saver = std::thread::spawn(move || {
        let mut saved = 0;
        for (iter, loss) in rx {
            if main_rank && iter % shared.checkpoint.save_iter == 0 {
                saved += 1;
                if let Ok(path) = save_checkpoint(&dir, iter, loss) {
                    println!("# checkpoint at iteration {iter} -> {}", path.display());
                }
            }
        }
        saved
    });
    for iter in first..=cfg.trainer.max_iter {
        let lr = opt.lr * sched.factor(iter);
        loss *= 1.0 - (lr * 100.0).min(0.5) / (iter as f64).sqrt().max(1.0);
        if iter % cfg.trainer.logging_iter == 0 || iter == cfg.trainer.max_iter {
            // Through the logging facade: the console and the job log `train.log`.
            tracing::info!("iter {iter:>6}  loss {loss:.6}  lr {lr:.3e}");
        }
        let _ = tx.send((iter, loss));
        if !run.iter_sleep.is_zero() {
            std::thread::sleep(run.iter_sleep);
        }
        if (run.checkpoint_requested)() {
            drop(tx);
            let _ = saver.join();
            if run.main_rank {
                save_checkpoint(&ckpt_dir, iter, loss)?;
            }
            println!("# time limit near: checkpoint at iteration {iter}; the job is requeued and resumes here");
            return Ok(());
        }
    }
    drop(tx);
    let saved = saver.join().unwrap_or(0);
    println!(
        "# done: {} iterations, {saved} checkpoints",
        cfg.trainer.max_iter
    );
    Ok(())
}
