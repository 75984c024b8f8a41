// `Cell` and `RefCell` fields: refused as config field types (interior
// mutability would break `freeze()`), and not `Sync` either.
use config_derive::Config;
use std::cell::{Cell, RefCell};

#[derive(Config, Clone)]
pub struct Cells {
    pub hits: Cell<u32>,
    pub name: RefCell<String>,
}

fn main() {}
