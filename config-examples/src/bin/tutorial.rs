//! The `tutorial` example: Hydra's "advanced" patterns over the YAML dir
//! `conf/tutorial`, run by the application layer. Each job prints its
//! resolved config, as the tutorial's `my_app.py` does.
//!
//! ```text
//! cargo run -p config-examples --bin tutorial                                  # db: mysql (port 3307, extends base_mysql)
//! cargo run -p config-examples --bin tutorial -- +experiment=aplite            # sqlite + apache on 8080
//! cargo run -p config-examples --bin tutorial -- --multirun +experiment=aplite,nglite
//! cargo run -p config-examples --bin tutorial -- --multirun '+experiment=glob(*)'
//! cargo run -p config-examples --bin tutorial -- dataset=cifar10 model=alexnet # 5 layers
//! ```

use config_core::app::App;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    App::new("tutorial")
        .config_path(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/conf/tutorial"
        )))
        .config_name("config")
        .about("Hydra's advanced tutorial: extending, experiments, specializing")
        .run(|job| {
            let cfg = job.resolved().map_err(|e| e.render())?;
            print!("{}", cfg.to_yaml());
            Ok(())
        })
}
