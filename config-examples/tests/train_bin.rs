//! The `train` binary, as a user runs it: the four behaviours of the
//! issue (run, typed error, did-you-mean, option list), with exit codes.

use std::process::{Command, Output};

fn train(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_train"))
        .args(args)
        .output()
        .expect("run train")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn runs_an_experiment_for_the_given_iterations() {
    let out = train(&["experiment=finetune_2b", "trainer.max_iter=10"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("trainer:\n  max_iter: 10\n"), "{stdout}");
    assert!(stdout.contains("name: finetune_2b"), "{stdout}");
    assert!(stdout.contains("# done: 10 iterations"), "{stdout}");
}

#[test]
fn leading_double_dash_is_accepted() {
    let out = train(&["--", "experiment=base_2b", "trainer.max_iter=3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("# done: 3 iterations"));
}

#[test]
fn typed_error_exits_non_zero() {
    let out = train(&["experiment=base_2b", "trainer.max_iter=abc"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "trainer.max_iter expects an unsigned integer, got 'abc' (command-line argument 2)"
        ),
        "{err}"
    );
}

#[test]
fn unknown_key_exits_with_did_you_mean() {
    let out = train(&["trainer.max_itr=10"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no such key: trainer.max_itr")
            && err.contains("did you mean trainer.max_iter?"),
        "{err}"
    );
}

#[test]
fn unknown_option_exits_with_the_list() {
    let out = train(&["optimizer=adamww"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Available options in 'optimizer'") && err.contains("fusedadamw"),
        "{err}"
    );
}

#[test]
fn validation_failures_exit_non_zero_one_line_each() {
    let out = train(&[
        "experiment=base_2b",
        "checkpoint.save_iter=0",
        "job.wandb_mode=loud",
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("2 validation errors:"), "{err}");
    assert!(
        err.contains("\njob.wandb_mode: must be one of [online, offline, disabled], got 'loud'"),
        "{err}"
    );
    assert!(
        err.contains("\ncheckpoint.save_iter: must be at least 1, got 0"),
        "{err}"
    );
}
