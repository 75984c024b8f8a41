use config_derive::Config;

pub struct NotAConfig;

#[derive(Config, Clone)]
pub struct Model {
    pub width: u32,
    pub net: NotAConfig,
}

fn main() {}
