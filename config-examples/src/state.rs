//! The STATE scenario (Arc Institute's `state tx train`): a YAML config dir
//! (`conf/state`: `config.yaml` plus the `data`, `model`, `training` and
//! `wandb` groups) is the primary config, and [`StateConfig`] types and
//! checks it. `model.kwargs` stays an open [`DictConfig`]: each model has
//! its own keys.
//!
//! Place in the flow: an application. The `state` binary composes through
//! the application layer (run dir `${output_dir}/${name}`), types, validates
//! and freezes the config, saves `config.yaml` in the run dir and runs a
//! mock training loop.

use config_core::typed::DictConfig;
use config_derive::Config;
use std::path::PathBuf;

/// The config directory shipped with the example.
pub fn conf_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/conf/state"))
}

/// The data module's arguments.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct DataKwargs {
    /// The TOML file that lists the datasets and their splits.
    pub toml_config_path: Option<PathBuf>,
    /// The embedding in `.obsm` to train on (`X_hvg`: highly variable genes).
    #[config(default = "X_hvg", validate(non_empty))]
    pub embed_key: String,
    /// Space the model predicts in.
    #[config(default = "gene", validate(one_of("gene", "all", "embedding")))]
    pub output_space: String,
    /// How perturbations are represented.
    #[config(default = "onehot")]
    pub pert_rep: String,
    /// How basal (control) cells are represented.
    #[config(default = "sample")]
    pub basal_rep: String,
    /// Data-loader worker processes.
    #[config(default = 12, validate(range(max = 256)))]
    pub num_workers: u32,
    /// Pin host memory for faster copies to the GPU.
    #[config(default = true)]
    pub pin_memory: bool,
    /// Control cells sampled per perturbed cell.
    #[config(default = 1, validate(range(min = 1)))]
    pub n_basal_samples: u32,
    /// How control cells are matched to perturbed ones.
    #[config(default = "random", validate(one_of("random", "batch")))]
    pub basal_mapping_strategy: String,
    /// Also yield control cells.
    #[config(default = true)]
    pub should_yield_control_cells: bool,
    /// The `.obs` column of the batch.
    #[config(default = "gem_group", validate(non_empty))]
    pub batch_col: String,
    /// The `.obs` column of the perturbation.
    #[config(default = "gene", validate(non_empty))]
    pub pert_col: String,
    /// The `.obs` column of the cell type.
    #[config(default = "cell_type", validate(non_empty))]
    pub cell_type_key: String,
    /// The perturbation label of control cells.
    #[config(default = "non-targeting", validate(non_empty))]
    pub control_pert: String,
    /// Map control cells to perturbed cells.
    #[config(default = true)]
    pub map_controls: bool,
    /// Precomputed perturbation features (e.g. ESM2 embeddings of the gene).
    pub perturbation_features_file: Option<PathBuf>,
    /// Keep raw basal expression.
    pub store_raw_basal: bool,
    /// Counts are integers.
    pub int_counts: bool,
    /// Keep cell barcodes.
    #[config(default = true)]
    pub barcode: bool,
}

/// The `data` group: which data module, and its arguments.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// The data module's class.
    #[config(default = "PerturbationDataModule", validate(non_empty))]
    pub name: String,
    /// Its arguments.
    pub kwargs: DataKwargs,
    /// Where the data module writes; the run's `output_dir` when unset.
    pub output_dir: Option<PathBuf>,
    /// Extra checks while loading.
    #[config(default = true)]
    pub debug: bool,
}

/// The `model` group: which model, and its open set of arguments.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ModelConfig {
    /// The model's class (`PertSets`, `state`).
    #[config(default = "PertSets", validate(non_empty))]
    pub name: String,
    /// A checkpoint to start from.
    pub checkpoint: Option<PathBuf>,
    /// Where to train.
    #[config(default = "cuda", validate(one_of("cuda", "cpu", "mps")))]
    pub device: String,
    /// The model's own arguments: each model has different keys.
    pub kwargs: DictConfig,
}

/// The `training` group: the optimisation loop.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct TrainingConfig {
    /// Track the run with wandb.
    pub wandb_track: bool,
    /// AdamW weight decay.
    #[config(default = 0.0005, validate(range(min = 0.0)))]
    pub weight_decay: f64,
    /// Cell sets per batch.
    #[config(default = 16, validate(range(min = 1)))]
    pub batch_size: u32,
    /// Learning rate.
    #[config(default = 0.0001, validate(range(min = 0.0, max = 1.0)))]
    pub lr: f64,
    /// Optimisation steps.
    #[config(default = 40000, validate(range(min = 1)))]
    pub max_steps: u64,
    /// Random seed.
    #[config(default = 42)]
    pub train_seed: u64,
    /// Validate every this many steps.
    #[config(default = 2000, validate(range(min = 1)))]
    pub val_freq: u64,
    /// Save a checkpoint every this many steps.
    #[config(default = 2000, validate(range(min = 1)))]
    pub ckpt_every_n_steps: u64,
    /// Gradient norm clip.
    #[config(default = 10.0, validate(range(min = 0.0)))]
    pub gradient_clip_val: f64,
    /// The loss.
    #[config(default = "mse", validate(one_of("mse", "energy", "sinkhorn")))]
    pub loss_fn: String,
    /// GPUs per node.
    #[config(default = 1, validate(range(min = 1)))]
    pub devices: u32,
    /// Lightning's distribution strategy.
    #[config(default = "auto", validate(one_of("auto", "ddp", "fsdp")))]
    pub strategy: String,
}

/// The `wandb` group: experiment tracking.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct WandbConfig {
    /// The wandb entity (user or team).
    #[config(default = "your_entity_name")]
    pub entity: String,
    /// The wandb project.
    #[config(default = "state")]
    pub project: String,
    /// Where wandb writes locally.
    #[config(default = "./wandb_logs")]
    pub local_wandb_dir: PathBuf,
    /// Tags of the run.
    pub tags: Vec<String>,
}

/// The whole `state tx train` config; `conf/state/config.yaml` is its
/// primary config.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct StateConfig {
    /// The data module.
    pub data: DataConfig,
    /// The model.
    pub model: ModelConfig,
    /// The training loop.
    pub training: TrainingConfig,
    /// Experiment tracking.
    pub wandb: WandbConfig,
    /// The run's name: the run is saved in `${output_dir}/${name}`.
    #[config(default = "debug", validate(non_empty))]
    pub name: String,
    /// The root of this run's outputs.
    #[config(default = "./debugging")]
    pub output_dir: PathBuf,
    /// Log to wandb.
    #[config(default = true)]
    pub use_wandb: bool,
    /// Replace an existing run of the same name.
    pub overwrite: bool,
    /// Return AnnData objects from evaluation.
    pub return_adatas: bool,
    /// Where predictions are written.
    pub pred_adata_path: Option<PathBuf>,
    /// Where ground truth is written.
    pub true_adata_path: Option<PathBuf>,
}
