//! A video-training config modelled on the Cosmos (imaginaire) stack:
//! typed sections (job, trainer, checkpoint, model parallelism), groups of
//! lazy objects (optimizer, scheduler, model, net, data_train) registered in
//! code, and experiments registered lazily, one inheriting another.
//!
//! Place in the flow: an application of the typed layer. The `train`
//! binary runs `TrainConfig::make().override_with(std::env::args())`,
//! validates, freezes and runs a mock training loop.

pub mod cosmos;
pub mod state;

use config_core::typed::{Config, LazyDict, Registry, Store};
use config_core::{dict, lazy, Error};
use config_derive::Config;
use std::path::PathBuf;

/// Where and under what name this run is logged.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct JobConfig {
    /// Project name, e.g. for experiment tracking.
    #[config(default = "cosmos_predict2", validate(non_empty))]
    pub project: String,
    /// Group of runs within the project.
    #[config(default = "video2world", validate(non_empty))]
    pub group: String,
    /// Run name; the default is unique per launch.
    #[config(
        default = "delete_${now:%Y-%m-%d}_${now:%H-%M-%S}",
        validate(non_empty)
    )]
    pub name: String,
    /// Root of all outputs: set by every experiment, or on the command line.
    #[config(mandatory)]
    pub output_root: PathBuf,
    /// Experiment tracking mode.
    #[config(
        default = "disabled",
        validate(one_of("online", "offline", "disabled"))
    )]
    pub wandb_mode: String,
}

/// How gradients are synchronised.
#[derive(Config, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Parallelism {
    /// DistributedDataParallel.
    #[default]
    Ddp,
    /// Fully sharded data parallel.
    Fsdp,
}

/// DistributedDataParallel options.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct DdpConfig {
    /// Look for parameters that get no gradient.
    pub find_unused_parameters: bool,
    /// The graph does not change between iterations.
    #[config(default = true)]
    pub static_graph: bool,
    /// Broadcast buffers at each forward.
    #[config(default = true)]
    pub broadcast_buffers: bool,
}

fn check_trainer(t: &TrainerConfig) -> Result<(), String> {
    if let Some(v) = t.max_val_iter {
        if v > t.max_iter {
            return Err(format!(
                "trainer.max_val_iter ({v}) exceeds trainer.max_iter ({})",
                t.max_iter
            ));
        }
    }
    Ok(())
}

/// The training loop's settings.
#[derive(Config, Debug, Clone, PartialEq)]
#[config(validate = check_trainer)]
pub struct TrainerConfig {
    /// Iterations to train for.
    #[config(default = 400_000, validate(range(min = 1)))]
    pub max_iter: u64,
    /// Validation iterations per validation run; none when unset.
    #[config(default = None)]
    pub max_val_iter: Option<u64>,
    /// Log every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub logging_iter: u64,
    /// Gradient accumulation steps.
    #[config(default = 1, validate(range(min = 1, max = 1024)))]
    pub grad_accum_iter: u32,
    /// Random seed.
    #[config(default = 0)]
    pub seed: u64,
    /// Data parallelism strategy (set by the `model` group).
    #[config(default = Parallelism::Ddp)]
    pub distributed_parallelism: Parallelism,
    /// DDP options.
    pub ddp: DdpConfig,
    /// Callback names; layers append to the list.
    #[config(default = ["iter_speed", "grad_clip"], merge = "append")]
    pub callbacks: Vec<String>,
}

/// Saving and loading checkpoints.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct CheckpointConfig {
    /// Save every this many iterations.
    #[config(default = 1000, validate(range(min = 1)))]
    pub save_iter: u64,
    /// A checkpoint to start from; empty for none.
    #[config(default = "")]
    pub load_path: String,
    /// Also restore optimizer and scheduler state.
    #[config(default = true)]
    pub load_training_state: bool,
    /// Keys not restored when resuming.
    pub keys_not_to_resume: Vec<String>,
}

/// Model parallelism (Megatron-style sizes).
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ModelParallelConfig {
    /// Tensor-parallel group size.
    #[config(default = 1, validate(range(min = 1)))]
    pub tensor_model_parallel_size: u32,
    /// Context-parallel group size.
    #[config(default = 1, validate(range(min = 1)))]
    pub context_parallel_size: u32,
    /// Sequence parallelism.
    pub sequence_parallel: bool,
}

/// The whole training config.
#[derive(Config, Debug, Clone, PartialEq)]
#[config(
    defaults = ["_self_", { data_train = "mock" }, { optimizer = "fusedadamw" }, { scheduler = "lambdalinear" },
                { model = "ddp" }, { net = "dit_2b" }, { checkpoint = "local" }, { experiment = null }],
    register = register_groups
)]
pub struct TrainConfig {
    /// Run identity.
    pub job: JobConfig,
    /// The training loop.
    pub trainer: TrainerConfig,
    /// Checkpointing.
    pub checkpoint: CheckpointConfig,
    /// Model parallelism.
    pub model_parallel: ModelParallelConfig,
    /// The optimizer (group `optimizer`).
    pub optimizer: Option<LazyDict>,
    /// The learning-rate schedule (group `scheduler`).
    pub scheduler: Option<LazyDict>,
    /// The model, with its `net` (groups `model` and `net`).
    pub model: Option<LazyDict>,
    /// The training data (group `data_train`).
    pub data_train: Option<LazyDict>,
}

/// Fills the store: group options as lazy objects and in-code literals,
/// and experiments, each built only when a composition selects it.
///
/// Every entry is registered with `add_lazy`, the way to register from
/// code: a `make()` builds a fresh store, and most options are never
/// selected (one of each group, plus what an experiment overrides), so
/// building their trees up front (and dropping them after) was a third of
/// `make().override_with()`. A lazy entry costs one boxed closure until it
/// is selected; the node it builds is the one `add` would have stored.
pub fn register_groups(store: &mut Store) {
    store.add_lazy("optimizer", "fusedadamw", || dict!({ optimizer: lazy!("FusedAdamW", lr = 1e-4, weight_decay = 0.1, betas = [0.9, 0.99], eps = 1e-8).into_node() })).package("_global_");
    store.add_lazy("optimizer", "adamw", || dict!({ optimizer: lazy!("AdamW", lr = 2e-4, weight_decay = 0.05, betas = [0.9, 0.999], eps = 1e-8).into_node() })).package("_global_");

    store.add_lazy("scheduler", "lambdalinear", || dict!({ scheduler: lazy!("LambdaLinear", warm_up_steps = [1000], f_start = [1e-6], f_max = [1.0], f_min = [0.3], cycle_lengths = [400_000]).into_node() })).package("_global_");
    store.add_lazy("scheduler", "cosine", || dict!({ scheduler: lazy!("Cosine", warm_up_steps = 500, min_lr_ratio = 0.1).into_node() })).package("_global_");

    store.add_lazy("model", "ddp", || dict!({
        model: { _target_: "VideoDiffusionModel", precision: "bfloat16", fsdp_shard_size: 0 },
        trainer: { distributed_parallelism: "ddp" }
    })).package("_global_");
    store.add_lazy("model", "fsdp", || dict!({
        model: { _target_: "VideoDiffusionModel", precision: "bfloat16", fsdp_shard_size: 8 },
        trainer: { distributed_parallelism: "fsdp" }
    })).package("_global_");

    store.add_lazy("net", "dit_2b", || dict!({ model: { net: lazy!("MiniTrainDIT", model_channels = 2048, num_blocks = 28, num_heads = 16).into_node() } })).package("_global_");
    store.add_lazy("net", "dit_14b", || dict!({ model: { net: lazy!("MiniTrainDIT", model_channels = 5120, num_blocks = 36, num_heads = 40).into_node() } })).package("_global_");

    store.add_lazy("data_train", "mock", || dict!({ data_train: lazy!("MockVideoDataset", num_frames = 93, resolution = [704, 1280], batch_size = 1).into_node() })).package("_global_");
    store.add_lazy("data_train", "webdataset", || dict!({ data_train: lazy!("VideoWebDataset", urls = "${job.output_root}/shards", num_frames = 93, resolution = [704, 1280], batch_size = 2).into_node() })).package("_global_");

    // Typed values as group options (package: the group name).
    store.add_lazy("checkpoint", "local", || {
        CheckpointConfig {
            save_iter: 500,
            ..CheckpointConfig::default()
        }
        .to_dict()
    });
    store.add_lazy("checkpoint", "s3", || {
        CheckpointConfig {
            save_iter: 2000,
            load_path: "s3://checkpoints/latest.pt".into(),
            keys_not_to_resume: vec!["optimizer".into(), "scheduler".into()],
            ..CheckpointConfig::default()
        }
        .to_dict()
    });

    // Experiments, one inheriting another.
    store.add_lazy("experiment", "base_2b", || dict!({
        defaults: [{ "override /net": "dit_2b" }, { "override /data_train": "mock" }, "_self_"],
        job: { group: "experiments", name: "base_2b", output_root: "/tmp/cosmos-runs" },
        trainer: { max_iter: 1000, logging_iter: 10, callbacks: ["wandb"] },
        checkpoint: { save_iter: 250 }
    })).package("_global_");
    store.add_lazy("experiment", "finetune_2b", || dict!({
        defaults: ["/experiment/base_2b", { "override /optimizer": "adamw" }, { "override /scheduler": "cosine" }, "_self_"],
        job: { name: "finetune_2b" },
        trainer: { max_iter: 200, callbacks: ["ema"] },
        checkpoint: { load_path: "/tmp/cosmos-runs/base_2b/latest.pt", load_training_state: false }
    })).package("_global_");
    store
        .add_lazy("experiment", "fsdp_14b", || {
            dict!({
                defaults: [{ "override /model": "fsdp" }, { "override /net": "dit_14b" }, "_self_"],
                job: { name: "fsdp_14b", output_root: "/tmp/cosmos-runs" },
                trainer: { max_iter: 5000, logging_iter: 50 },
                model_parallel: { context_parallel_size: 2 }
            })
        })
        .package("_global_");
}

/// A mock optimizer.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    /// Which one.
    pub kind: String,
    /// Learning rate.
    pub lr: f64,
    /// Weight decay.
    pub weight_decay: f64,
}

/// A mock learning-rate schedule: the multiplier at an iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduler {
    /// Warm-up iterations.
    pub warm_up: u64,
}

impl Scheduler {
    /// The learning-rate multiplier at `iter`.
    pub fn factor(&self, iter: u64) -> f64 {
        if self.warm_up == 0 {
            1.0
        } else {
            ((iter + 1) as f64 / self.warm_up as f64).min(1.0)
        }
    }
}

/// A mock network.
#[derive(Debug, Clone, PartialEq)]
pub struct Net {
    /// Width.
    pub model_channels: u32,
    /// Depth.
    pub num_blocks: u32,
}

/// The arguments of the AdamW optimizers: a typed constructor, so an
/// override such as `optimizer.lr=abc` fails as soon as the config is
/// composed, and `--help` lists them.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct AdamWArgs {
    /// Learning rate.
    #[config(mandatory, validate(range(min = 0.0)))]
    pub lr: f64,
    /// Decoupled weight decay.
    #[config(default = 0.0, validate(range(min = 0.0)))]
    pub weight_decay: f64,
    /// Coefficients of the running averages.
    #[config(default = [0.9, 0.999])]
    pub betas: Vec<f64>,
    /// Added to the denominator for stability.
    #[config(default = 1e-8)]
    pub eps: f64,
}

/// The arguments of the piecewise-linear warm-up schedule (one entry per
/// cycle).
#[derive(Config, Debug, Clone, PartialEq)]
pub struct LambdaLinearArgs {
    /// Warm-up iterations of each cycle.
    pub warm_up_steps: Vec<u64>,
    /// Starting factor of each cycle.
    pub f_start: Vec<f64>,
    /// Peak factor of each cycle.
    pub f_max: Vec<f64>,
    /// Final factor of each cycle.
    pub f_min: Vec<f64>,
    /// Length of each cycle.
    pub cycle_lengths: Vec<u64>,
}

/// The arguments of the cosine schedule.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct CosineArgs {
    /// Warm-up iterations.
    pub warm_up_steps: u64,
    /// Final learning rate, as a fraction of the peak.
    #[config(default = 0.0, validate(range(min = 0.0, max = 1.0)))]
    pub min_lr_ratio: f64,
}

/// The arguments of the mock diffusion transformer.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct MiniTrainDitArgs {
    /// Width.
    #[config(validate(range(min = 1)))]
    pub model_channels: u32,
    /// Depth.
    #[config(validate(range(min = 1)))]
    pub num_blocks: u32,
    /// Attention heads.
    #[config(validate(range(min = 1)))]
    pub num_heads: u32,
}

/// The constructors the mock training program knows, each with a typed
/// argument struct: every registered constructor is typed, so their
/// arguments are checked before composing as well as after.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    for kind in ["FusedAdamW", "AdamW"] {
        r.register_typed(kind, move |a: AdamWArgs, _| {
            Ok(Optimizer {
                kind: kind.to_string(),
                lr: a.lr,
                weight_decay: a.weight_decay,
            })
        });
    }
    r.register_typed("LambdaLinear", |a: LambdaLinearArgs, _| {
        Ok(Scheduler {
            warm_up: a.warm_up_steps.first().copied().unwrap_or(0),
        })
    });
    r.register_typed("Cosine", |a: CosineArgs, _| {
        Ok(Scheduler {
            warm_up: a.warm_up_steps,
        })
    });
    r.register_typed("MiniTrainDIT", |a: MiniTrainDitArgs, _| {
        Ok(Net {
            model_channels: a.model_channels,
            num_blocks: a.num_blocks,
        })
    });
    r
}

/// Builds the object the lazy description `desc` at `key` names, or says
/// which config group fills it (`group=...`) when there is none.
pub fn build<T: std::any::Any + Send + Sync>(
    reg: &Registry,
    desc: Option<&LazyDict>,
    key: &str,
    group: &str,
) -> Result<std::sync::Arc<T>, Error> {
    let desc = desc.ok_or_else(|| {
        Error::new(
            config_core::ErrorKind::MissingValue,
            format!("no {key} configured"),
        )
        .with_key(key)
        .with_hint(format!(
            "choose one on the command line ({group}=...), or an experiment that sets it"
        ))
    })?;
    reg.instantiate_at(desc, key)?.into_object::<T>()
}

/// Runs the flow on argv-style arguments: make, override, validate.
pub fn load<I, S>(args: I) -> Result<TrainConfig, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let cfg = TrainConfig::make().override_with(args)?;
    cfg.validate()?;
    Ok(cfg)
}
