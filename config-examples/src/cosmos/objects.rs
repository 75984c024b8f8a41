//! The classes the video2world config's lazy objects name, mocked, each
//! registered with a typed argument struct: every constructor is typed, so
//! the arguments of every lazy object are checked before composing (a bad
//! `optimizer.lr=abc` never reaches a job) and again after resolving;
//! `--help` lists them and the JSON Schema covers them.

use config_core::prelude::*;
use config_core::typed::Registry;

// The optimizer's and the schedule's arguments are the `train` example's.
pub use crate::{AdamWArgs, LambdaLinearArgs};

/// Arguments of the video data loaders.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct DataLoaderArgs {
    /// The dataset's directory (none for mock data).
    pub dataset_dir: Option<String>,
    /// Frames per sample.
    #[config(default = 93, validate(range(min = 1)))]
    pub num_frames: u32,
    /// Height and width.
    #[config(default = [704_u32, 1280_u32])]
    pub resolution: Vec<u32>,
    /// Samples per batch and rank.
    #[config(default = 1, validate(range(min = 1)))]
    pub batch_size: u32,
    /// Loader worker processes.
    pub num_workers: u32,
}

/// Arguments of the Cosmos diffusion transformer.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct MiniTrainDitArgs {
    /// Largest latent height.
    #[config(default = 240)]
    pub max_img_h: u32,
    /// Largest latent width.
    #[config(default = 240)]
    pub max_img_w: u32,
    /// Largest latent frame count.
    #[config(default = 128)]
    pub max_frames: u32,
    /// Latent channels in.
    #[config(default = 16)]
    pub in_channels: u32,
    /// Latent channels out.
    #[config(default = 16)]
    pub out_channels: u32,
    /// Spatial patch size.
    #[config(default = 2, validate(range(min = 1)))]
    pub patch_spatial: u32,
    /// Temporal patch size.
    #[config(default = 1, validate(range(min = 1)))]
    pub patch_temporal: u32,
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

/// Arguments of the Wan 2.1 transformer.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct WanModelArgs {
    /// Width.
    #[config(validate(range(min = 1)))]
    pub dim: u32,
    /// Depth.
    #[config(validate(range(min = 1)))]
    pub num_layers: u32,
    /// Attention heads.
    #[config(validate(range(min = 1)))]
    pub num_heads: u32,
    /// Latent channels in.
    #[config(default = 16)]
    pub in_dim: u32,
    /// Latent channels out.
    #[config(default = 16)]
    pub out_dim: u32,
    /// Patch size (frames, height, width).
    #[config(default = [1_u32, 2_u32, 2_u32])]
    pub patch_size: Vec<u32>,
    /// Text tokens.
    #[config(default = 512)]
    pub text_len: u32,
}

/// Arguments of the conditioners.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ConditionerArgs {
    /// Probability of dropping the text condition.
    #[config(default = 0.2, validate(range(min = 0.0, max = 1.0)))]
    pub text_dropout_rate: f64,
    /// Probability of dropping the frame-rate condition.
    #[config(validate(range(min = 0.0, max = 1.0)))]
    pub fps_dropout_rate: f64,
    /// How many frames condition the prediction (sampled per batch).
    pub num_conditional_frames: Vec<u32>,
}

/// Arguments of the VAE tokenizers.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct TokenizerArgs {
    /// The VAE's weights.
    #[config(validate(non_empty))]
    pub vae_path: String,
    /// Frames encoded at once.
    #[config(validate(range(min = 1)))]
    pub chunk_duration: u32,
    /// Frames per temporal window.
    #[config(validate(range(min = 1)))]
    pub temporal_window: u32,
}

/// Exponential moving average of the weights.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct EmaConfig {
    /// Keep an EMA copy.
    pub enabled: bool,
    /// The power-EMA rate.
    #[config(default = 0.1, validate(range(min = 0.0, max = 1.0)))]
    pub rate: f64,
    /// Iterations before the EMA starts.
    pub iteration_shift: u64,
}

/// The model's settings and sub-objects.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ModelSettings {
    /// Training precision.
    #[config(
        default = "bfloat16",
        validate(one_of("float32", "float16", "bfloat16"))
    )]
    pub precision: String,
    /// FSDP shard group size (0: no FSDP).
    pub fsdp_shard_size: u32,
    /// The denoising network (group `net`).
    pub net: Option<LazyDict>,
    /// The conditioner (group `conditioner`).
    pub conditioner: Option<LazyDict>,
    /// EMA of the weights (group `ema`).
    pub ema: EmaConfig,
    /// The VAE tokenizer (group `tokenizer`).
    pub tokenizer: Option<LazyDict>,
}

/// Arguments of the video2world models.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ModelArgs {
    /// Settings and sub-objects.
    pub config: ModelSettings,
}

/// Arguments of callbacks that run every few iterations.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct EveryNArgs {
    /// Run every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub every_n: u64,
}

/// Arguments of the iteration-speed callback.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct IterSpeedArgs {
    /// Report every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub every_n: u64,
    /// Iterations skipped before timing.
    #[config(default = 5)]
    pub hit_thres: u64,
}

/// Arguments of gradient clipping.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct GradClipArgs {
    /// The largest gradient norm.
    #[config(default = 1.0, validate(range(min = 0.0)))]
    pub clip_norm: f64,
}

/// Arguments of the low-precision callback.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct LowPrecisionArgs {
    /// Update the low-precision copy every this many iterations.
    #[config(default = 1, validate(range(min = 1)))]
    pub update_iter: u64,
}

/// Arguments of the wandb callback.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct WandbCallbackArgs {
    /// Log every `trainer.logging_iter` times this.
    #[config(default = 1, validate(range(min = 1)))]
    pub logging_iter_multipler: u64,
    /// Save media every `trainer.logging_iter` times this.
    #[config(default = 10, validate(range(min = 1)))]
    pub save_logging_iter_multipler: u64,
}

/// Arguments of online sampling for visualisation.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct VizOnlineSamplingArgs {
    /// Sample every this many iterations.
    #[config(default = 5000, validate(range(min = 1)))]
    pub every_n: u64,
    /// Denoising steps per sample.
    #[config(default = 35, validate(range(min = 1)))]
    pub num_sampling_step: u32,
    /// Classifier-free guidance scales.
    pub guidance: Vec<f64>,
}

/// Arguments of the heartbeat callback.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct HeartBeatArgs {
    /// Beat every this many iterations.
    #[config(default = 200, validate(range(min = 1)))]
    pub every_n: u64,
    /// Minutes between status updates.
    #[config(default = 20, validate(range(min = 1)))]
    pub update_interval_in_minute: u64,
}

/// Arguments of the cluster-speed callback.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct ClusterSpeedArgs {
    /// Measure every this many iterations.
    #[config(default = 100, validate(range(min = 1)))]
    pub every_n: u64,
    /// Upload the measurements.
    pub save_s3: bool,
}

/// Arguments of the distributed checkpointer.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct DcpArgs {
    /// Save in the background.
    pub async_mode: bool,
}

/// A checkpointer with no arguments.
#[derive(Config, Debug, Clone, PartialEq)]
pub struct NoArgs {}

/// A built optimizer (mock).
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    /// The class.
    pub kind: String,
    /// Learning rate.
    pub lr: f64,
}

/// A built schedule (mock): the learning-rate factor at an iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule(pub LambdaLinearArgs);

impl Schedule {
    /// The factor at `iter` of the first cycle: a linear warm-up, then a
    /// linear decay from `f_max` to `f_min`.
    pub fn factor(&self, iter: u64) -> f64 {
        let a = &self.0;
        let first = |v: &[f64], d: f64| v.first().copied().unwrap_or(d);
        let warm = a.warm_up_steps.first().copied().unwrap_or(0);
        let len = a.cycle_lengths.first().copied().unwrap_or(1).max(1);
        let (start, max, min) = (
            first(&a.f_start, 1.0),
            first(&a.f_max, 1.0),
            first(&a.f_min, 1.0),
        );
        if iter < warm {
            start + (max - start) * iter as f64 / warm as f64
        } else {
            max + (min - max) * (iter.min(len) - warm) as f64 / (len - warm.min(len - 1)) as f64
        }
    }
}

/// A built network (mock): its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Net {
    /// The class.
    pub kind: String,
    /// Width.
    pub width: u32,
    /// Depth.
    pub depth: u32,
}

/// Anything else the mock builds: its class name.
#[derive(Debug, Clone, PartialEq)]
pub struct Built(pub String);

/// Every constructor, typed.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    for kind in ["FusedAdamW", "AdamW"] {
        r.register_typed(kind, move |a: AdamWArgs, _| {
            Ok(Optimizer {
                kind: kind.into(),
                lr: a.lr,
            })
        });
    }
    r.register_typed("LambdaLinear", |a: LambdaLinearArgs, _| Ok(Schedule(a)));
    r.register_typed("MiniTrainDIT", |a: MiniTrainDitArgs, _| {
        Ok(Net {
            kind: "MiniTrainDIT".into(),
            width: a.model_channels,
            depth: a.num_blocks,
        })
    });
    r.register_typed("WanModel", |a: WanModelArgs, _| {
        Ok(Net {
            kind: "WanModel".into(),
            width: a.dim,
            depth: a.num_layers,
        })
    });
    fn named<A: config_core::typed::Config>(r: &mut Registry, kinds: &[&'static str]) {
        for &kind in kinds {
            r.register_typed(kind, move |_: A, _| Ok(Built(kind.to_string())));
        }
    }
    named::<DataLoaderArgs>(&mut r, &["MockVideoDataLoader", "VideoDataLoader"]);
    named::<ModelArgs>(
        &mut r,
        &["Video2WorldModel", "Video2WorldModelRectifiedFlow"],
    );
    named::<ConditionerArgs>(&mut r, &["VideoConditioner", "TextConditioner"]);
    named::<TokenizerArgs>(&mut r, &["Wan2pt1VAE", "CosmosTokenizer"]);
    named::<IterSpeedArgs>(&mut r, &["IterSpeed"]);
    named::<GradClipArgs>(&mut r, &["GradClip"]);
    named::<LowPrecisionArgs>(&mut r, &["LowPrecision"]);
    named::<WandbCallbackArgs>(&mut r, &["WandbCallback"]);
    named::<EveryNArgs>(&mut r, &["DeviceMonitor", "NanCheck"]);
    named::<VizOnlineSamplingArgs>(&mut r, &["VizOnlineSampling"]);
    named::<HeartBeatArgs>(&mut r, &["HeartBeat"]);
    named::<ClusterSpeedArgs>(&mut r, &["ClusterSpeed"]);
    named::<DcpArgs>(&mut r, &["DistributedCheckpointer"]);
    named::<NoArgs>(&mut r, &["DummyCheckpointer"]);
    r
}
