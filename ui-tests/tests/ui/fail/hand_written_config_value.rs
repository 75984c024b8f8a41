// `ConfigValue` is sealed: a hand-written impl (here for a newtype over an
// atomic, which would smuggle interior mutability into a frozen config) is
// refused. (A `#[derive(Config)]` struct with a `Counter` field gets the
// same error at the field.)
use config_core::{Error, Node, Origin};
use config_core::typed::{ConfigValue, TypeDesc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicU64>);

impl ConfigValue for Counter {
    const TYPE: TypeDesc = TypeDesc::Int { name: "u64", min: 0, max: u64::MAX as i128 };
    fn to_node(&self, origin: &Origin) -> Node {
        self.0.load(Ordering::Relaxed).to_node(origin)
    }
    fn from_node(node: &Node, key: &str) -> Result<Self, Error> {
        u64::from_node(node, key).map(|v| Counter(Arc::new(AtomicU64::new(v))))
    }
}

fn main() {}
