//! The `train` example: a typed video-training config, composed from code
//! and the command line, validated, frozen and read by a mock training loop.
//!
//! ```text
//! cargo run -p config-examples --bin train -- experiment=finetune_2b trainer.max_iter=10
//! cargo run -p config-examples --bin train -- trainer.max_iter=abc    # typed error
//! cargo run -p config-examples --bin train -- trainer.max_itr=10      # did you mean
//! cargo run -p config-examples --bin train -- optimizer=adamww        # lists the options
//! cargo run -p config-examples --bin train -- --help                  # fields, types, defaults, docs
//! cargo run -p config-examples --bin train -- --json-schema           # JSON Schema of the config
//! ```

use config_core::typed::{Config, Frozen, LazyDict, Registry};
use config_core::{Error, ErrorKind};
use config_examples::{load, registry, Net, Optimizer, Scheduler, TrainConfig};
use std::process::ExitCode;
use std::sync::mpsc;

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("usage: train [--] [group=option | key=value | +key=value | ~key]...\n");
        print!("{}", TrainConfig::help());
        return ExitCode::SUCCESS;
    }
    if std::env::args().any(|a| a == "--json-schema") {
        println!(
            "{}",
            config_core::typed::to_json(&TrainConfig::json_schema())
        );
        return ExitCode::SUCCESS;
    }
    let cfg = match load(std::env::args()) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("error: {}", e.render());
            return ExitCode::from(2);
        }
    };
    let cfg = cfg.freeze();
    print!("{}", cfg.to_dict().to_yaml());
    match train(&cfg) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.render());
            ExitCode::from(1)
        }
    }
}

/// Builds the object a lazy description at `key` names.
fn build<T: std::any::Any + Send + Sync>(
    reg: &Registry,
    desc: Option<&LazyDict>,
    key: &str,
) -> Result<std::sync::Arc<T>, Error> {
    let desc = desc.ok_or_else(|| {
        Error::new(ErrorKind::MissingValue, format!("no {key} configured")).with_key(key)
    })?;
    reg.instantiate_at(desc, key)?.into_object::<T>()
}

/// A mock training loop: builds the lazy objects, and shares the frozen
/// config with a checkpointing thread.
fn train(cfg: &Frozen<TrainConfig>) -> Result<(), Error> {
    let reg = registry();
    let opt = build::<Optimizer>(&reg, cfg.optimizer.as_ref(), "optimizer")?;
    let sched = build::<Scheduler>(&reg, cfg.scheduler.as_ref(), "scheduler")?;
    let net_desc = cfg.model.as_ref().and_then(|m| m.get("net"));
    let net_desc = net_desc
        .map(|n| LazyDict::from_node_at(n, "model.net"))
        .transpose()?;
    let net = build::<Net>(&reg, net_desc.as_ref(), "model.net")?;
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

    let (tx, rx) = mpsc::channel::<u64>();
    let shared = cfg.clone();
    let saver = std::thread::spawn(move || {
        let mut saved = 0;
        for iter in rx {
            if iter % shared.checkpoint.save_iter == 0 {
                saved += 1;
                println!(
                    "# checkpoint at iteration {iter} -> {}",
                    shared.job.output_root.display()
                );
            }
        }
        saved
    });
    let mut loss = 1.0f64;
    for iter in 1..=cfg.trainer.max_iter {
        let lr = opt.lr * sched.factor(iter);
        loss *= 1.0 - (lr * 100.0).min(0.5) / (iter as f64).sqrt().max(1.0);
        if iter % cfg.trainer.logging_iter == 0 || iter == cfg.trainer.max_iter {
            println!("iter {iter:>6}  loss {loss:.6}  lr {lr:.3e}");
        }
        let _ = tx.send(iter);
    }
    drop(tx);
    let saved = saver.join().unwrap_or(0);
    println!(
        "# done: {} iterations, {saved} checkpoints",
        cfg.trainer.max_iter
    );
    Ok(())
}
