// Interior mutability would break `freeze()`: a store through `&Frozen<Cfg>`
// would change what every clone sees, and `thaw()` would share the atomic or
// the lock with the frozen original.
use config_derive::Config;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

#[derive(Config, Clone)]
pub struct Counters {
    pub steps: Arc<AtomicU64>,
    pub lock: Arc<Mutex<u64>>,
    pub table: Arc<RwLock<Vec<String>>>,
}

fn main() {}
