//! Experiments, registered in code as Cosmos registers them: each is a
//! `_global_` config whose defaults list names its parent experiment
//! (`/experiment/<parent>`) and the groups it overrides, `_self_` last.
//!
//! Cosmos projects register thousands of experiments, and the write-ups
//! report 3 to 12 s of Python import time for registration alone. Here an
//! experiment is a closure: [`register`] stores it without building it
//! (about 0.1 µs each), and a composition builds only those it selects.
//! [`Selection`] chooses what is registered: everything, or, as the
//! write-ups recommend, only the experiments a run uses
//! (`COSMOS_EXPERIMENTS=name,name`).

use config_core::typed::Store;
use config_core::{dict, Node};

/// The Cosmos experiment the examples train.
pub const NEMO_2B: &str = "predict2_video2world_training_2b_cosmos_nemo_assets";

/// The generated experiments' names: `gen_00000` ... (see [`Selection`]).
pub fn generated_name(i: usize) -> String {
    format!("gen_{i:05}")
}

/// Which experiments [`register`] registers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Only these names (and the experiments they inherit from); `None`:
    /// every experiment.
    pub only: Option<Vec<String>>,
    /// How many generated experiments (`gen_00000`, ...) exist.
    pub generated: usize,
}

impl Selection {
    /// Every experiment, with `generated` generated ones.
    pub fn all(generated: usize) -> Selection {
        Selection {
            only: None,
            generated,
        }
    }

    /// From the environment: `COSMOS_EXPERIMENTS` (comma-separated names)
    /// registers only those; `COSMOS_GENERATED_EXPERIMENTS` is the number
    /// of generated experiments (default 10,000).
    pub fn from_env() -> Selection {
        let generated = std::env::var("COSMOS_GENERATED_EXPERIMENTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000);
        let only = std::env::var("COSMOS_EXPERIMENTS").ok().map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        });
        Selection { only, generated }
    }

    fn wants(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| o == name))
    }
}

/// Registers the hand-written experiments and the generated ones.
pub fn register(store: &mut Store, selection: &Selection) {
    let mut add = |name: &str, build: fn() -> Node| {
        store
            .add_lazy("experiment", name, build)
            .package("_global_");
    };
    // The parents are always registered: children name them.
    add("video2world_2b_base", base_2b);
    // The 2B post-training is the parent of the 14B one and of every
    // generated experiment.
    let any_generated = selection
        .only
        .as_ref()
        .is_none_or(|o| o.iter().any(|n| n.starts_with("gen_")));
    if any_generated
        || selection.wants(NEMO_2B)
        || selection.wants("predict2_video2world_training_14b_cosmos_nemo_assets")
    {
        add(NEMO_2B, nemo_2b);
    }
    if selection.wants("predict2_video2world_training_14b_cosmos_nemo_assets") {
        add(
            "predict2_video2world_training_14b_cosmos_nemo_assets",
            nemo_14b,
        );
    }
    add_generated(store, selection);
}

/// The pretrained 2B model the fine-tuning experiments start from.
fn base_2b() -> Node {
    dict!({
        defaults: [
            { "override /net": "cosmos_v1_2B" },
            { "override /callbacks": ["basic", "wandb"] },
            "_self_"
        ],
        job: { project: "cosmos_predict_v2p5", group: "video2world", name: "2b_base" },
        trainer: { max_iter: 100_000, logging_iter: 50 },
        checkpoint: { save_iter: 2500 },
        optimizer: { lr: 3e-5, weight_decay: 0.1 }
    })
}

/// Cosmos's post-training example on the Nemo assets, on mock data here.
fn nemo_2b() -> Node {
    dict!({
        defaults: [
            "/experiment/video2world_2b_base",
            { "override /data_train": "mock" },
            { "override /data_val": "mock" },
            "_self_"
        ],
        job: { group: "video2world", name: "2b_cosmos_nemo_assets" },
        checkpoint: {
            save_iter: 200,
            load_path: "checkpoints/nvidia/Cosmos-Predict2.5-2B/base/model.pt",
            load_from_object_store: { enabled: false },
            save_to_object_store: { enabled: false }
        },
        optimizer: { lr: 0.0000431, weight_decay: 0.001 },
        scheduler: { f_max: [0.5], f_min: [0.2], warm_up_steps: [2000], cycle_lengths: [100_000] },
        trainer: {
            logging_iter: 100,
            max_iter: 1000,
            callbacks: { iter_speed: { hit_thres: 100 } }
        },
        model_parallel: { context_parallel_size: 1 }
    })
}

/// The same post-training at 14B: FSDP and context parallelism.
fn nemo_14b() -> Node {
    dict!({
        defaults: [
            "/experiment/predict2_video2world_training_2b_cosmos_nemo_assets",
            { "override /net": "cosmos_v1_14B" },
            { "override /model": "fsdp" },
            "_self_"
        ],
        job: { name: "14b_cosmos_nemo_assets" },
        model_parallel: { context_parallel_size: 2 }
    })
}

/// The generated experiments: each the 2B post-training with its own
/// learning rate and length (a sweep someone wrote out as experiments).
/// They exist by rule, so they are one family
/// ([`Store::add_generated`]): registering costs the same for ten or ten
/// thousand, and a composition builds only the one it selects.
fn add_generated(store: &mut Store, selection: &Selection) {
    let count = selection.generated;
    let only = selection.only.clone();
    let wanted = move |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));
    let listed = wanted.clone();
    let names = move || -> Vec<String> {
        (0..count)
            .map(generated_name)
            .filter(|n| listed(n))
            .collect()
    };
    store.add_generated("experiment", Some("_global_"), names, move |name| {
        let i = index(name, count).filter(|_| wanted(name))?;
        Some(generated(name, i))
    });
}

/// The number of a generated experiment's name below `count`.
fn index(name: &str, count: usize) -> Option<usize> {
    let digits = name.strip_prefix("gen_")?;
    let i: usize = digits.parse().ok()?;
    (digits.len() == 5 && i < count).then_some(i)
}

fn generated(name: &str, i: usize) -> Node {
    dict!({
        defaults: [format!("/experiment/{NEMO_2B}"), "_self_"],
        job: { name: name },
        optimizer: { lr: 1e-5 * (1 + i % 10) as f64 },
        trainer: { max_iter: 100 + (i % 7) as u64 * 100 }
    })
}
