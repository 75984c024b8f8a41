//! Snapshots of the error texts users see, one per stage of the flow:
//! what is wrong, where (key path, file:line:column or command-line
//! argument, with a caret) and how to fix it. A change to any of them shows
//! up here for review.

use config_core::cli;
use config_core::typed::Config;
use config_examples::TrainConfig;
use std::path::Path;

fn fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/errors")
        .display()
        .to_string()
}

/// Runs the `config` tool; the error text with the fixture path made relative.
fn tool_error(args: &[&str]) -> String {
    let mut argv = vec!["config".to_string()];
    argv.extend(args.iter().map(|a| a.replace("$F", &fixtures())));
    let err = cli::execute(argv).expect_err("the command fails").render();
    err.replace(&fixtures(), "fixtures")
}

#[test]
fn yaml_syntax_error() {
    insta::assert_snapshot!(tool_error(&["resolve", "$F/bad_syntax.yaml"]));
}

#[test]
fn yaml_duplicate_key() {
    insta::assert_snapshot!(tool_error(&["merge", "$F/duplicate.yaml"]));
}

#[test]
fn interpolation_cycle() {
    insta::assert_snapshot!(tool_error(&["resolve", "$F/cycle.yaml"]));
}

#[test]
fn override_parse_error() {
    insta::assert_snapshot!(tool_error(&["parse-override", "--", "lr=${a.${b}}"]));
}

#[test]
fn missing_option() {
    insta::assert_snapshot!(tool_error(&[
        "compose",
        "--config-dir",
        "$F/conf",
        "--",
        "optimizer=adamww"
    ]));
}

#[test]
fn plus_on_an_existing_slot() {
    insta::assert_snapshot!(tool_error(&[
        "compose",
        "--config-dir",
        "$F/conf",
        "--",
        "+experiment=fast"
    ]));
}

#[test]
fn unknown_key() {
    insta::assert_snapshot!(tool_error(&[
        "compose",
        "--config-dir",
        "$F/conf",
        "--",
        "trainer.max_itr=5"
    ]));
}

#[test]
fn sweep_without_multirun() {
    insta::assert_snapshot!(tool_error(&[
        "compose",
        "--config-dir",
        "$F/conf",
        "--",
        "trainer.lr=0.1,0.2"
    ]));
}

fn typed_error(args: &[&str]) -> String {
    TrainConfig::make()
        .override_with(args)
        .unwrap_err()
        .to_string()
}

#[test]
fn typed_value_error() {
    insta::assert_snapshot!(typed_error(&[
        "train",
        "experiment=base_2b",
        "trainer.max_iter=abc"
    ]));
}

#[test]
fn typed_unknown_key() {
    insta::assert_snapshot!(typed_error(&["train", "trainer.max_itr=10"]));
}

#[test]
fn typed_missing_mandatory() {
    insta::assert_snapshot!(typed_error(&["train"]));
}

/// The error of the whole typed flow (`build`: typed lazy objects checked,
/// validation located), with the example's typed constructors.
fn built_error(args: &[&str]) -> String {
    TrainConfig::make()
        .with_registry(&config_examples::registry())
        .build(args)
        .unwrap_err()
        .to_string()
}

#[test]
fn typed_lazy_argument_before_composing() {
    insta::assert_snapshot!(built_error(&[
        "train",
        "experiment=base_2b",
        "optimizer.lr=abc"
    ]));
}

#[test]
fn typed_lazy_argument_validation() {
    insta::assert_snapshot!(built_error(&[
        "train",
        "experiment=base_2b",
        "optimizer.weight_decay=-1"
    ]));
}

#[test]
fn validation_errors_with_origins() {
    insta::assert_snapshot!(built_error(&[
        "train",
        "experiment=base_2b",
        "checkpoint.save_iter=0",
        "job.wandb_mode=loud"
    ]));
}
