use config_derive::Config;

#[derive(Config, Clone)]
pub struct Pair(u32, u32);

#[derive(Config, Clone)]
pub enum Mode {
    Fast,
    Slow(u32),
    #[config(rename = "fast")]
    Quick,
}

#[derive(Config, Clone)]
pub struct Generic<T> {
    pub value: T,
}

fn main() {}
