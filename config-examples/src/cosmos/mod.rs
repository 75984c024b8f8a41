//! The Cosmos-Predict2.5 video2world training config, as the imaginaire
//! stack writes it: `make_config()` builds the root [`Config`](struct@Config) with its
//! defaults and registers the groups; `override(config, ["--",
//! "experiment=..."])` composes, resolves and rebuilds the typed config;
//! then `validate()` and `freeze()`; then training.
//!
//! Place in the flow: an application of the typed layer. The root is named
//! `Config`, as in Cosmos: `use config_core::prelude::*` brings the derive
//! and the trait (as `_`), so the name does not clash.
//!
//! - [`groups`]: the config groups, filled in code with lazy objects
//!   (`L(Class)(...)`), as Cosmos's `register_*` functions do;
//! - [`objects`]: the classes those lazy objects name, each registered with
//!   a typed argument struct, so `optimizer.lr=abc` fails before composing;
//! - [`experiments`]: experiments inheriting experiments, plus generated
//!   ones registered lazily (see [`experiments::register`]).

pub mod experiments;
pub mod groups;
pub mod objects;

use config_core::prelude::*;
use config_core::typed::{Maker, Store};

/// Where and under what name the run is logged and saved.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct JobConfig {
    /// Project name (the wandb project, the first level of the output path).
    #[config(default = "cosmos_predict2", validate(non_empty))]
    pub project: String,
    /// Group of runs within the project.
    #[config(default = "debug", validate(non_empty))]
    pub group: String,
    /// Run name: unique per launch unless an experiment names it.
    #[config(
        default = "delete_${now:%Y-%m-%d}_${now:%H-%M-%S}",
        validate(non_empty)
    )]
    pub name: String,
    /// Experiment tracking.
    #[config(
        default = "disabled",
        validate(one_of("online", "offline", "disabled"))
    )]
    pub wandb_mode: String,
    /// The run's path below an output root: `project/group/name`.
    #[config(default = "${job.project}/${job.group}/${job.name}")]
    pub path: String,
    /// The run's local output dir: under `$IMAGINAIRE_OUTPUT_ROOT`, or
    /// `/tmp/imaginaire4-output` when it is unset.
    #[config(default = "${oc.env:IMAGINAIRE_OUTPUT_ROOT,/tmp/imaginaire4-output}/${job.path}")]
    pub path_local: String,
}

// Data parallelism and its DDP options are the `train` example's.
pub use crate::{DdpConfig, Parallelism};

/// cuDNN flags.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct CudnnConfig {
    /// Deterministic algorithms only.
    pub deterministic: bool,
    /// Let cuDNN benchmark algorithms.
    #[config(default = true)]
    pub benchmark: bool,
}

/// Straggler detection across ranks.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct StragglerDetectionConfig {
    /// Detect stragglers.
    #[config(default = true)]
    pub enabled: bool,
    /// Report every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub report_freq: u64,
    /// A rank this many times slower than the median is a straggler.
    #[config(default = 1.5, validate(range(min = 1.0)))]
    pub max_diff: f64,
    /// Fail the run when one is found.
    #[config(default = true)]
    pub raise_error: bool,
}

fn check_trainer(t: &TrainerConfig) -> Result<(), String> {
    if t.run_validation && t.validation_iter > t.max_iter {
        return Err(format!(
            "trainer.validation_iter ({}) is beyond trainer.max_iter ({}): validation would never run; \
             lower it or set trainer.run_validation=false",
            t.validation_iter, t.max_iter
        ));
    }
    Ok(())
}

/// The training loop.
#[derive(Config, Debug, Clone, PartialEq)]
#[config(validate = check_trainer)]
pub struct TrainerConfig {
    /// Iterations to train for.
    #[config(default = 400_000, validate(range(min = 1)))]
    pub max_iter: u64,
    /// Log every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub logging_iter: u64,
    /// Validate every this many iterations.
    #[config(default = 1000, validate(range(min = 1)))]
    pub validation_iter: u64,
    /// Run validation at all.
    pub run_validation: bool,
    /// Callbacks by name, each a lazy object (group `callbacks`, package
    /// `trainer.callbacks`).
    pub callbacks: DictConfig,
    /// Data parallelism (set by the `model` group).
    #[config(default = Parallelism::Ddp)]
    pub distributed_parallelism: Parallelism,
    /// DDP options.
    pub ddp: DdpConfig,
    /// cuDNN flags.
    pub cudnn: CudnnConfig,
    /// Random seed.
    #[config(default = 0)]
    pub seed: u64,
    /// Gradient accumulation steps.
    #[config(default = 1, validate(range(min = 1, max = 1024)))]
    pub grad_accum_iter: u32,
    /// Straggler detection.
    pub straggler_detection: StragglerDetectionConfig,
}

/// An object store (S3-compatible) to save checkpoints to or load from.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ObjectStoreConfig {
    /// Use the object store.
    pub enabled: bool,
    /// The credentials file.
    #[config(default = "")]
    pub credentials: String,
    /// The bucket.
    #[config(default = "")]
    pub bucket: String,
}

/// Saving and loading checkpoints.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct CheckpointConfig {
    /// The checkpointer (group `ckpt_type`, package `checkpoint.type`).
    #[config(rename = "type")]
    pub kind: Option<LazyDict>,
    /// Save every this many iterations.
    #[config(default = 1000, validate(range(min = 1)))]
    pub save_iter: u64,
    /// A checkpoint to start from; empty for none.
    #[config(default = "")]
    pub load_path: String,
    /// Also restore optimizer and scheduler state.
    pub load_training_state: bool,
    /// Fail when a key of the checkpoint is not in the model.
    #[config(default = true)]
    pub strict_resume: bool,
    /// Keys not restored when resuming.
    pub keys_not_to_resume: Vec<String>,
    /// Broadcast the loaded checkpoint from rank 0 through the filesystem.
    pub broadcast_via_filesystem: bool,
    /// Where checkpoints are saved.
    pub save_to_object_store: ObjectStoreConfig,
    /// Where checkpoints are loaded from.
    pub load_from_object_store: ObjectStoreConfig,
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

/// The root config, named as Cosmos names it.
#[derive(Config, Debug, Clone, PartialEq)]
#[config(
    defaults = ["_self_",
                { data_train = "mock" }, { data_val = "mock" },
                { optimizer = "fusedadamw" }, { scheduler = "lambdalinear" },
                { model = "ddp" }, { callbacks = "basic" }, { net = null },
                { conditioner = "video_prediction_conditioner" }, { ema = "power" },
                { tokenizer = "wan2pt1_tokenizer" }, { checkpoint = "s3" },
                { ckpt_type = "dummy" }, { experiment = null }],
    register = register
)]
pub struct Config {
    /// Run identity and paths.
    pub job: JobConfig,
    /// The training loop.
    pub trainer: TrainerConfig,
    /// Checkpointing, with object-store settings.
    pub checkpoint: CheckpointConfig,
    /// Model parallelism.
    pub model_parallel: ModelParallelConfig,
    /// The model (group `model`), with its net, conditioner, EMA and
    /// tokenizer under `model.config`.
    pub model: Option<LazyDict>,
    /// The optimizer (group `optimizer`).
    pub optimizer: Option<LazyDict>,
    /// The learning-rate schedule (group `scheduler`).
    pub scheduler: Option<LazyDict>,
    /// The training data (group `data_train`).
    pub dataloader_train: Option<LazyDict>,
    /// The validation data (group `data_val`).
    pub dataloader_val: Option<LazyDict>,
}

/// Cosmos's `register_configs()`: every group, then the experiments.
pub fn register(store: &mut Store) {
    groups::register(store);
    experiments::register(store, &experiments::Selection::from_env());
}

/// Cosmos's `make_config()`: the root config with its defaults and groups,
/// checked against the typed constructors of [`objects::registry`].
///
/// ```
/// let cfg = config_examples::cosmos::make_config()
///     .override_with(["train", "experiment=predict2_video2world_training_2b_cosmos_nemo_assets"])
///     .unwrap();
/// assert_eq!(cfg.job.name, "2b_cosmos_nemo_assets");
/// ```
pub fn make_config() -> Maker<Config> {
    Config::make().with_registry(&objects::registry())
}

/// The overrides `--smoke` appends: one iteration, nothing uploaded.
pub const SMOKE: [&str; 5] = [
    "job.wandb_mode=disabled",
    "trainer.max_iter=1",
    "trainer.logging_iter=1",
    "trainer.run_validation=false",
    "checkpoint.save_iter=1",
];
