// `crate = "..."` lets a facade crate re-export the runtime.
mod facade {
    pub use config_core as core_reexport;
}

use config_derive::Config;
use facade::core_reexport::typed::Config as _;

#[derive(Config, Clone, Debug, PartialEq)]
#[config(crate = "facade::core_reexport")]
pub struct Small {
    #[config(default = 3)]
    pub n: u8,
}

fn main() {
    let s = Small::default();
    assert_eq!(Small::from_dict(&s.to_dict()).unwrap(), s);
}
