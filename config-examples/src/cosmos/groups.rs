//! The config groups of the video2world config, filled in code as Cosmos's
//! `register_*` functions fill Hydra's ConfigStore: each option is a lazy
//! object (`L(Class)(...)`) stored at the group's package.
//!
//! | group | package | options |
//! |---|---|---|
//! | `data_train`, `data_val` | `dataloader_train`, `dataloader_val` | `mock`, `cosmos_nemo_assets` |
//! | `optimizer` | `optimizer` | `fusedadamw`, `adamw` |
//! | `scheduler` | `scheduler` | `lambdalinear`, `constant` |
//! | `model` | `_global_` | `ddp`, `fsdp`, `fsdp_wan2pt1`, `fsdp_rectified_flow` |
//! | `callbacks` | `trainer.callbacks` | `basic`, `wandb`, `debug`, `viz_online_sampling`, `long`, `cluster_speed` |
//! | `net` | `model.config.net` | `cosmos_v1_2B`, `cosmos_v1_7B`, `cosmos_v1_14B`, `wan2pt1_1pt3B`, `wan2pt1_14B`, `mini_net` |
//! | `conditioner` | `model.config.conditioner` | `video_prediction_conditioner`, `text_conditioner` |
//! | `ema` | `model.config.ema` | `power`, `disabled` |
//! | `tokenizer` | `model.config.tokenizer` | `wan2pt1_tokenizer`, `cosmos_tokenizer` |
//! | `checkpoint` | `checkpoint` | `pbss`, `s3`, `gcp` |
//! | `ckpt_type` | `checkpoint.type` | `dummy`, `dcp` |

use config_core::typed::Store;
use config_core::{dict, lazy, Node};

/// Registers every group.
pub fn register(store: &mut Store) {
    data(store);
    optimizers(store);
    schedulers(store);
    models(store);
    callbacks(store);
    nets(store);
    conditioners(store);
    ema(store);
    tokenizers(store);
    checkpoints(store);
}

fn put(store: &mut Store, group: &str, name: &str, package: &str, node: Node) {
    store.add(group, name, node).package(package);
}

fn data(store: &mut Store) {
    for (group, package) in [
        ("data_train", "dataloader_train"),
        ("data_val", "dataloader_val"),
    ] {
        put(
            store,
            group,
            "mock",
            package,
            lazy!(
                "MockVideoDataLoader",
                num_frames = 93,
                resolution = [704, 1280],
                batch_size = 1,
                num_workers = 0
            )
            .to_node(),
        );
        put(
            store,
            group,
            "cosmos_nemo_assets",
            package,
            lazy!(
                "VideoDataLoader",
                dataset_dir = "datasets/cosmos_nemo_assets",
                num_frames = 93,
                resolution = [704, 1280],
                batch_size = 1,
                num_workers = 8
            )
            .to_node(),
        );
    }
}

fn optimizers(store: &mut Store) {
    put(
        store,
        "optimizer",
        "fusedadamw",
        "optimizer",
        lazy!(
            "FusedAdamW",
            lr = 1e-4,
            weight_decay = 0.1,
            betas = [0.9, 0.99],
            eps = 1e-8
        )
        .to_node(),
    );
    put(
        store,
        "optimizer",
        "adamw",
        "optimizer",
        lazy!(
            "AdamW",
            lr = 2e-4,
            weight_decay = 0.05,
            betas = [0.9, 0.999],
            eps = 1e-8
        )
        .to_node(),
    );
}

fn schedulers(store: &mut Store) {
    put(
        store,
        "scheduler",
        "lambdalinear",
        "scheduler",
        lazy!(
            "LambdaLinear",
            warm_up_steps = [1000],
            f_start = [1e-6],
            f_max = [1.0],
            f_min = [0.3],
            cycle_lengths = [400_000]
        )
        .to_node(),
    );
    put(
        store,
        "scheduler",
        "constant",
        "scheduler",
        lazy!(
            "LambdaLinear",
            warm_up_steps = [0],
            f_start = [1.0],
            f_max = [1.0],
            f_min = [1.0],
            cycle_lengths = [10_000_000]
        )
        .to_node(),
    );
}

/// A model option: the model object (its sub-objects filled by the `net`,
/// `conditioner`, `ema` and `tokenizer` groups) and the trainer's
/// parallelism, at the root package.
fn model(target: &str, parallelism: &str, fsdp_shard_size: u32, precision: &str) -> Node {
    dict!({
        model: {
            _target_: target,
            config: {
                precision: precision,
                fsdp_shard_size: fsdp_shard_size,
                net: null,
                conditioner: null,
                ema: { enabled: false, rate: 0.1, iteration_shift: 0 },
                tokenizer: null
            }
        },
        trainer: { distributed_parallelism: parallelism }
    })
}

fn models(store: &mut Store) {
    put(
        store,
        "model",
        "ddp",
        "_global_",
        model("Video2WorldModel", "ddp", 0, "bfloat16"),
    );
    put(
        store,
        "model",
        "fsdp",
        "_global_",
        model("Video2WorldModel", "fsdp", 8, "bfloat16"),
    );
    put(
        store,
        "model",
        "fsdp_wan2pt1",
        "_global_",
        model("Video2WorldModel", "fsdp", 32, "bfloat16"),
    );
    put(
        store,
        "model",
        "fsdp_rectified_flow",
        "_global_",
        model("Video2WorldModelRectifiedFlow", "fsdp", 32, "bfloat16"),
    );
}

fn callbacks(store: &mut Store) {
    let p = "trainer.callbacks";
    put(
        store,
        "callbacks",
        "basic",
        p,
        dict!({
            iter_speed: lazy!("IterSpeed", every_n = 100, hit_thres = 5).to_node(),
            grad_clip: lazy!("GradClip", clip_norm = 1.0).to_node(),
            low_prec: lazy!("LowPrecision", update_iter = 1).to_node()
        }),
    );
    put(
        store,
        "callbacks",
        "wandb",
        p,
        dict!({
            wandb: lazy!("WandbCallback", logging_iter_multipler = 1, save_logging_iter_multipler = 10).to_node()
        }),
    );
    put(
        store,
        "callbacks",
        "debug",
        p,
        dict!({
            device_monitor: lazy!("DeviceMonitor", every_n = 10).to_node(),
            nan_check: lazy!("NanCheck", every_n = 1).to_node()
        }),
    );
    put(
        store,
        "callbacks",
        "viz_online_sampling",
        p,
        dict!({
            viz_online_sampling: lazy!("VizOnlineSampling", every_n = 5000, num_sampling_step = 35, guidance = [0, 3, 7]).to_node()
        }),
    );
    put(
        store,
        "callbacks",
        "long",
        p,
        dict!({
            heart_beat: lazy!("HeartBeat", every_n = 200, update_interval_in_minute = 20).to_node(),
            device_monitor: lazy!("DeviceMonitor", every_n = 200).to_node()
        }),
    );
    put(
        store,
        "callbacks",
        "cluster_speed",
        p,
        dict!({
            cluster_speed: lazy!("ClusterSpeed", every_n = 100, save_s3 = false).to_node()
        }),
    );
}

fn net(channels: u32, blocks: u32, heads: u32) -> Node {
    lazy!(
        "MiniTrainDIT",
        max_img_h = 240,
        max_img_w = 240,
        max_frames = 128,
        in_channels = 16,
        out_channels = 16,
        patch_spatial = 2,
        patch_temporal = 1,
        model_channels = channels,
        num_blocks = blocks,
        num_heads = heads
    )
    .to_node()
}

fn wan_net(dim: u32, layers: u32, heads: u32) -> Node {
    lazy!(
        "WanModel",
        dim = dim,
        num_layers = layers,
        num_heads = heads,
        in_dim = 16,
        out_dim = 16,
        patch_size = [1, 2, 2],
        text_len = 512
    )
    .to_node()
}

fn nets(store: &mut Store) {
    let p = "model.config.net";
    put(store, "net", "cosmos_v1_2B", p, net(2048, 28, 16));
    put(store, "net", "cosmos_v1_7B", p, net(4096, 28, 32));
    put(store, "net", "cosmos_v1_14B", p, net(5120, 36, 40));
    put(store, "net", "wan2pt1_1pt3B", p, wan_net(1536, 30, 12));
    put(store, "net", "wan2pt1_14B", p, wan_net(5120, 40, 40));
    put(store, "net", "mini_net", p, net(64, 2, 2));
}

fn conditioners(store: &mut Store) {
    let p = "model.config.conditioner";
    put(
        store,
        "conditioner",
        "video_prediction_conditioner",
        p,
        lazy!(
            "VideoConditioner",
            text_dropout_rate = 0.2,
            fps_dropout_rate = 0.0,
            num_conditional_frames = [1, 2]
        )
        .to_node(),
    );
    put(
        store,
        "conditioner",
        "text_conditioner",
        p,
        lazy!(
            "TextConditioner",
            text_dropout_rate = 0.2,
            fps_dropout_rate = 0.0,
            num_conditional_frames = [0]
        )
        .to_node(),
    );
}

fn ema(store: &mut Store) {
    let p = "model.config.ema";
    put(
        store,
        "ema",
        "power",
        p,
        dict!({ enabled: true, rate: 0.1, iteration_shift: 0 }),
    );
    put(
        store,
        "ema",
        "disabled",
        p,
        dict!({ enabled: false, rate: 0.1, iteration_shift: 0 }),
    );
}

fn tokenizers(store: &mut Store) {
    let p = "model.config.tokenizer";
    put(
        store,
        "tokenizer",
        "wan2pt1_tokenizer",
        p,
        lazy!(
            "Wan2pt1VAE",
            vae_path = "checkpoints/wan2pt1/Wan2.1_VAE.pth",
            chunk_duration = 81,
            temporal_window = 16
        )
        .to_node(),
    );
    put(
        store,
        "tokenizer",
        "cosmos_tokenizer",
        p,
        lazy!(
            "CosmosTokenizer",
            vae_path = "checkpoints/cosmos/tokenizer.jit",
            chunk_duration = 121,
            temporal_window = 8
        )
        .to_node(),
    );
}

fn object_store(enabled: bool, bucket: &str, credentials: &str) -> Node {
    dict!({ enabled: enabled, bucket: bucket, credentials: credentials })
}

fn checkpoints(store: &mut Store) {
    for (name, bucket, credentials) in [
        (
            "pbss",
            "checkpoints-pbss",
            "credentials/pbss_checkpoint.secret",
        ),
        (
            "s3",
            "checkpoints-us-east-1",
            "credentials/s3_checkpoint.secret",
        ),
        (
            "gcp",
            "checkpoints-gcp",
            "credentials/gcp_checkpoint.secret",
        ),
    ] {
        put(
            store,
            "checkpoint",
            name,
            "checkpoint",
            dict!({
                save_iter: 1000,
                save_to_object_store: object_store(true, bucket, credentials),
                load_from_object_store: object_store(true, bucket, credentials)
            }),
        );
    }
    put(
        store,
        "ckpt_type",
        "dummy",
        "checkpoint.type",
        lazy!("DummyCheckpointer").to_node(),
    );
    put(
        store,
        "ckpt_type",
        "dcp",
        "checkpoint.type",
        lazy!("DistributedCheckpointer", async_mode = false).to_node(),
    );
}
