use config_core::typed::Config;
use config_derive::Config;

// Every bad attribute is reported at once, and the stub impls keep the
// uses below from adding "trait not implemented" errors.
#[derive(Config, Clone)]
#[config(validat = check)]
pub struct Trainer {
    #[config(defualt = 10)]
    pub max_iter: u64,
    #[config(validate(rnage(min = 1)))]
    pub width: u32,
    #[config(merge = "concat")]
    pub tags: Vec<String>,
    #[config(rename = "a.b")]
    pub dotted: String,
}

fn main() {
    let t = Trainer::default();
    let _ = t.to_dict();
    let _ = Trainer::SCHEMA;
}
