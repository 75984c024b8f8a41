//! The `state` example: STATE's `state tx train`. The YAML dir
//! `conf/state` is the primary config; [`StateConfig`] is its schema: every
//! override is checked against it before composing, and the result is typed,
//! validated and frozen. The final config is saved to
//! `${output_dir}/${name}/config.yaml`.
//!
//! ```text
//! cargo run -p config-examples --bin state -- \
//!   data.kwargs.toml_config_path=competition_support_set/starter.toml \
//!   data.kwargs.num_workers=4 data.kwargs.batch_col=batch_var \
//!   data.kwargs.pert_col=target_gene data.kwargs.cell_type_key=cell_type \
//!   data.kwargs.control_pert=non-targeting \
//!   data.kwargs.perturbation_features_file=competition_support_set/ESM2_pert_features.pt \
//!   training.max_steps=40000 training.ckpt_every_n_steps=2000 \
//!   model=state_sm wandb.tags="[first_run]" output_dir=competition name=first_run
//! ```

use config_core::app::write_atomic;
use config_core::prelude::*;
use config_examples::state::{conf_dir, StateConfig};
use std::process::ExitCode;

fn main() -> ExitCode {
    StateConfig::app()
        .with_primary(conf_dir(), "config")
        .run(|job| {
            // What STATE saves: the composed config, before interpolation.
            let saved = job.output_dir().join("config.yaml");
            write_atomic(&saved, job.job().cfg().to_yaml().as_bytes()).map_err(|e| e.render())?;
            println!("# config saved to {}", saved.display());
            train(job.cfg());
            Ok(())
        })
}

/// A mock training loop over the typed config.
fn train(cfg: &StateConfig) {
    let backbone = cfg
        .model
        .kwargs
        .get("transformer_backbone_key")
        .and_then(|n| n.as_str())
        .unwrap_or("?");
    println!(
        "# training {} ({} on {}, backbone {backbone}) for {} steps, lr {}, batch {}, {} workers, tags {:?}",
        cfg.name,
        cfg.model.name,
        cfg.model.device,
        cfg.training.max_steps,
        cfg.training.lr,
        cfg.training.batch_size,
        cfg.data.kwargs.num_workers,
        cfg.wandb.tags,
    );
    let mut loss = 1.0f64;
    let every = cfg.training.ckpt_every_n_steps.max(1);
    for step in (every..=cfg.training.max_steps).step_by(every as usize) {
        loss *= 1.0 - cfg.training.lr * 1000.0 / (step as f64).sqrt();
        tracing::info!("step {step:>6}  loss {loss:.6}");
    }
    println!("# done: {} steps", cfg.training.max_steps);
}
