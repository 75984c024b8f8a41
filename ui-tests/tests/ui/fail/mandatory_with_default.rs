use config_derive::Config;

#[derive(Config, Clone)]
pub struct Job {
    #[config(mandatory, default = "/data")]
    pub data_root: std::path::PathBuf,
    #[config(merge = "append")]
    pub project: String,
    #[config(default = 1, default = 2)]
    pub seed: u64,
}

fn main() {}
