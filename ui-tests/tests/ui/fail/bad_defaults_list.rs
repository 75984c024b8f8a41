use config_derive::Config;

#[derive(Config, Clone)]
#[config(defaults = ["_self_", { optimizer = adamw }])]
pub struct Train {
    pub seed: u64,
}

fn main() {}
