//! End-to-end tests of `make().override_with(args)` on the `train` config:
//! composition with groups and experiments, and each error of the flow.

use config_core::typed::{Config, Frozen};
use config_core::{dict, ErrorKind};
use config_examples::{registry, Optimizer, Parallelism, TrainConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn run(args: &[&str]) -> Result<TrainConfig, config_core::Error> {
    TrainConfig::make().override_with(args)
}

#[test]
fn experiment_inheritance_and_overrides() {
    let cfg = run(&[
        "target/debug/train",
        "--",
        "experiment=finetune_2b",
        "trainer.max_iter=10",
    ])
    .unwrap();
    assert_eq!(cfg.trainer.max_iter, 10);
    assert_eq!(cfg.job.name, "finetune_2b");
    // Inherited from base_2b.
    assert_eq!(cfg.job.group, "experiments");
    assert_eq!(cfg.checkpoint.save_iter, 250);
    assert_eq!(cfg.job.output_root.to_str(), Some("/tmp/cosmos-runs"));
    // Group overrides of the experiment.
    assert_eq!(cfg.optimizer.as_ref().unwrap().target(), "AdamW");
    assert_eq!(cfg.scheduler.as_ref().unwrap().target(), "Cosine");
    assert!(!cfg.checkpoint.load_training_state);
    cfg.validate().unwrap();
    let opt = registry()
        .instantiate_as::<Optimizer>(cfg.optimizer.as_ref().unwrap())
        .unwrap();
    assert_eq!(opt.lr, 2e-4);
}

#[test]
fn global_package_model_group() {
    let cfg = run(&["experiment=fsdp_14b"]).unwrap();
    assert_eq!(cfg.trainer.distributed_parallelism, Parallelism::Fsdp);
    assert_eq!(cfg.model_parallel.context_parallel_size, 2);
    let net = cfg.model.as_ref().unwrap().get("net").unwrap();
    assert_eq!(
        net.get("num_blocks").unwrap().value,
        config_core::Value::Int(36)
    );
    let cfg = run(&["experiment=base_2b", "model=fsdp"]).unwrap();
    assert_eq!(cfg.trainer.distributed_parallelism, Parallelism::Fsdp);
}

#[test]
fn typed_values_as_group_options() {
    let cfg = run(&["job.output_root=/o", "checkpoint=s3"]).unwrap();
    assert_eq!(cfg.checkpoint.save_iter, 2000);
    assert_eq!(
        cfg.checkpoint.keys_not_to_resume,
        vec!["optimizer", "scheduler"]
    );
    // The experiment is merged after the group option.
    let cfg = run(&["experiment=base_2b", "checkpoint=s3"]).unwrap();
    assert_eq!(cfg.checkpoint.save_iter, 250);
}

#[test]
fn lazy_object_args_take_overrides() {
    let cfg = run(&["experiment=base_2b", "optimizer.lr=0.5", "optimizer=adamw"]).unwrap();
    let opt = registry()
        .instantiate_as::<Optimizer>(cfg.optimizer.as_ref().unwrap())
        .unwrap();
    assert_eq!((opt.kind.as_str(), opt.lr), ("AdamW", 0.5));
}

#[test]
fn coerces_strings_from_the_command_line() {
    let cfg = run(&[
        "experiment=base_2b",
        "trainer.max_iter='10'",
        "trainer.ddp.static_graph=off",
    ])
    .unwrap();
    assert_eq!(cfg.trainer.max_iter, 10);
    assert!(!cfg.trainer.ddp.static_graph);
}

#[test]
fn typed_error_names_key_and_argument() {
    let e = run(&["train", "experiment=base_2b", "trainer.max_iter=abc"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.message(), "expected an unsigned integer, got 'abc'");
    assert!(
        matches!(
            e.origin(),
            Some(config_core::Origin::Override { index: 2, .. })
        ),
        "{e}"
    );
    assert_eq!(e.key(), Some("trainer.max_iter"));
    let e = run(&["trainer.distributed_parallelism=fsdpp"]).unwrap_err();
    assert!(
        e.message()
            .contains("expected one of [ddp, fsdp], got 'fsdpp'"),
        "{e}"
    );
    assert_eq!(e.hints(), vec!["did you mean 'fsdp'?"]);
}

#[test]
fn unknown_key_did_you_mean() {
    let e = run(&["trainer.max_itr=10"]).unwrap_err();
    assert_eq!(e.message(), "no such key in TrainerConfig");
    assert_eq!(e.key(), Some("trainer.max_itr"));
    assert_eq!(e.hints(), vec!["did you mean trainer.max_iter?"]);
    assert!(e.to_string().contains("command-line argument 1"), "{e}");
    let e = run(&["~trainer.callbakcs"]).unwrap_err();
    assert_eq!(e.hints(), vec!["did you mean trainer.callbacks?"]);
}

#[test]
fn unknown_option_lists_options() {
    let e = run(&["optimizer=adamww"]).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("adamw") && text.contains("fusedadamw"),
        "{text}"
    );
    assert!(text.contains("did you mean optimizer=adamw?"), "{text}");
}

#[test]
fn mandatory_value_says_how_to_set_it() {
    let e = run(&[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingValue);
    assert_eq!(e.key(), Some("job.output_root"));
    assert!(e.hints()[0].contains("`job.output_root=<value>`"), "{e}");
    let cfg = run(&["job.output_root=/data/out"]).unwrap();
    assert_eq!(cfg.job.output_root.to_str(), Some("/data/out"));
}

#[test]
fn value_from_a_store_entry_names_its_origin() {
    let mut m = TrainConfig::make();
    m.store_mut()
        .add(
            "experiment",
            "bad",
            dict!({ trainer: { max_iter: "lots" }, job: { output_root: "/x" } }),
        )
        .package("_global_");
    // The schema checks values as the composed layers merge, so the error
    // names the config it came from.
    let e = m.override_with(["experiment=bad"]).unwrap_err();
    assert_eq!(
        e.message(),
        "expected an unsigned integer, got 'lots'",
        "{e}"
    );
    assert_eq!(e.context(), ["in config 'experiment/bad'"]);
    assert_eq!(e.key(), Some("trainer.max_iter"));
}

#[test]
fn validate_reports_every_failure() {
    let cfg = run(&[
        "experiment=base_2b",
        "trainer.grad_accum_iter=0",
        "checkpoint.save_iter=0",
        "job.wandb_mode=sometimes",
        "trainer.max_val_iter=5000",
    ])
    .unwrap();
    let e = cfg.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "job.wandb_mode: must be one of [online, offline, disabled], got 'sometimes'\n\
         trainer.grad_accum_iter: must be in 1..=1024, got 0\n\
         trainer: trainer.max_val_iter (5000) exceeds trainer.max_iter (1000)\n\
         checkpoint.save_iter: must be at least 1, got 0"
    );
}

#[test]
fn experiments_are_built_only_when_selected() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut m = TrainConfig::make();
    let c = Arc::clone(&calls);
    m.store_mut()
        .add_lazy("experiment", "counted", move || {
            c.fetch_add(1, Ordering::SeqCst);
            dict!({ job: { output_root: "/counted" } })
        })
        .package("_global_");
    let composer = m.into_composer().unwrap();
    config_core::typed::compose_with::<TrainConfig, _, _>(&composer, ["experiment=base_2b"])
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    let cfg =
        config_core::typed::compose_with::<TrainConfig, _, _>(&composer, ["experiment=counted"])
            .unwrap();
    assert_eq!(cfg.job.output_root.to_str(), Some("/counted"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn frozen_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Frozen<TrainConfig>>();
    let frozen = run(&["experiment=base_2b"]).unwrap().freeze();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let f = frozen.clone();
            std::thread::spawn(move || f.trainer.max_iter + i)
        })
        .collect();
    let sums: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(sums, vec![1000, 1001, 1002, 1003]);
    let mut thawed = frozen.thaw();
    thawed.trainer.max_iter = 1;
    assert_eq!(frozen.trainer.max_iter, 1000);
    let other = frozen.clone();
    assert!(Frozen::ptr_eq(&frozen, &other));
}

#[test]
fn other_override_forms() {
    let cfg = run(&[
        "experiment=base_2b",
        "trainer={max_iter: 5, seed: 7}",
        "trainer.callbacks=[a,b]",
    ])
    .unwrap();
    assert_eq!((cfg.trainer.max_iter, cfg.trainer.seed), (5, 7));
    assert_eq!(cfg.trainer.callbacks, vec!["a", "b"]);
    let e = run(&["experiment=base_2b", "+trainer.max_iters=5"]).unwrap_err();
    assert_eq!(e.hints(), vec!["did you mean trainer.max_iter?"]);
    let e = run(&["experiment=base_2b", "trainer={max_iter: x}"]).unwrap_err();
    assert_eq!(e.message(), "expected an unsigned integer, got 'x'", "{e}");
    assert_eq!(e.key(), Some("trainer.max_iter"));
    let e = run(&["experiment=base_2b", "trainer.ddp=5"]).unwrap_err();
    assert_eq!(e.message(), "expected a mapping (DdpConfig), got 5", "{e}");
    assert_eq!(e.key(), Some("trainer.ddp"));
}

#[test]
fn lazy_argument_errors_name_the_full_key() {
    let cfg = run(&["experiment=base_2b", "optimizer.lr=fast"]).unwrap();
    let e = registry()
        .instantiate_at(cfg.optimizer.as_ref().unwrap(), "optimizer")
        .unwrap_err();
    assert_eq!(e.key(), Some("optimizer.lr"));
    assert_eq!(e.message(), "expected a float, got 'fast'", "{e}");
    assert_eq!(e.context(), ["in the call to target 'FusedAdamW'"]);
    assert_eq!(
        e.origin().map(|o| o.to_string()).as_deref(),
        Some("command-line argument 2 (`optimizer.lr=fast`)")
    );
}

#[test]
fn readonly_dynamic_tree_names_the_key() {
    let mut tree = run(&["experiment=base_2b"]).unwrap().freeze().to_dict();
    tree.set_readonly(true);
    let e = tree
        .set("trainer.max_iter", config_core::Node::from(5))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Readonly);
    assert_eq!(e.key(), Some("trainer.max_iter"));
}

#[test]
fn yaml_files_join_the_search_path() {
    let dir = std::env::temp_dir().join(format!("typed-flow-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("optimizer")).unwrap();
    std::fs::write(
        dir.join("optimizer/sgd.yaml"),
        "_target_: SGD\nlr: 0.1\nmomentum: 0.9\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("optimizer/unregistered.yaml"),
        "_target_: Lion\nlr: 0.001\n",
    )
    .unwrap();
    let cfg = TrainConfig::make()
        .with_dir(&dir)
        .override_with(["experiment=base_2b", "optimizer=sgd"])
        .unwrap();
    let opt = cfg.optimizer.unwrap();
    assert_eq!(
        (opt.target(), opt.get("momentum").unwrap().value.clone()),
        ("SGD", config_core::Value::Float(0.9))
    );
    let cfg = TrainConfig::make()
        .with_dir(&dir)
        .override_with(["experiment=base_2b", "optimizer=unregistered"])
        .unwrap();
    let e = registry()
        .instantiate_at(cfg.optimizer.as_ref().unwrap(), "optimizer")
        .unwrap_err();
    assert!(e.to_string().contains("not registered"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn composed_config_survives_yaml_serialization() {
    for exp in ["base_2b", "finetune_2b", "fsdp_14b"] {
        let cfg = run(&[&format!("experiment={exp}")]).unwrap();
        let yaml = cfg.to_dict().to_yaml();
        let back =
            TrainConfig::from_dict(&config_core::Node::from_yaml_str(&yaml).unwrap()).unwrap();
        assert_eq!(back, cfg, "{yaml}");
    }
}

#[test]
fn list_merge_policies_apply_across_composed_layers() {
    // `trainer.callbacks` is declared `merge = "append"`: the default, the
    // parent experiment's and the child experiment's lists accumulate.
    let cfg = run(&["train", "experiment=finetune_2b"]).unwrap();
    assert_eq!(
        cfg.trainer.callbacks,
        ["iter_speed", "grad_clip", "wandb", "ema"]
    );
    // A command-line value sets the list; it is not a layer.
    let cfg = run(&["train", "experiment=finetune_2b", "trainer.callbacks=[x]"]).unwrap();
    assert_eq!(cfg.trainer.callbacks, ["x"]);
}
