//! `${hydra:KEY}`: Hydra's `hydra` resolver, a select on the run's `hydra`
//! node (`OmegaConf.select(HydraConfig.get(), KEY)`).

use crate::interp::{resolve_path, Resolvers};
use crate::node::{Key, Map, Node, Value};
use std::sync::Arc;
use std::time::SystemTime;

/// Registers (or replaces) `hydra` in `resolvers`, reading `hydra`, the
/// job's node. Interpolations inside the node (`${hydra.job.name}`,
/// `${now:...}`) resolve against the node alone, with `now` pinned to
/// `start` so that every `${now:}` of the run agrees. As in Hydra, a key
/// that is absent or `???` gives null (`x_${hydra:job.id}` is `x_None` in a
/// single run).
pub(crate) fn register_resolver(
    resolvers: &mut Resolvers,
    hydra: &Node,
    start: Option<SystemTime>,
) {
    let mut m = Map::new();
    m.insert(Key::from("hydra"), hydra.clone());
    let root = Arc::new(Node::new(Value::Map(m)));
    let mut inner = Resolvers::default();
    if let Some(t) = start {
        inner.set_now(t);
    }
    let inner = Arc::new(inner);
    let f = move |call: &mut crate::interp::Call<'_, '_>| {
        let key = call
            .args()
            .first()
            .map(|a| crate::python::python_str(&a.value))
            .unwrap_or_default();
        let path = format!("hydra.{key}");
        match root.select(&path) {
            Ok(Some(n)) if !n.is_missing() => resolve_path(&root, &path, &inner),
            _ => Ok(Node::new(Value::Null)),
        }
    };
    // `replace` fails only on an invalid name; `hydra` is valid.
    let _ = resolvers.replace("hydra", f, false);
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn register_resolver_example() {
        use crate::{
            hydra::register_resolver,
            interp::{resolve, Resolvers},
            Node,
        };
        let hydra = Node::from_yaml_str(
            "job: {name: train, num: '???'}\nrun: {dir: 'out/${hydra.job.name}'}",
        )
        .unwrap();
        let mut r = Resolvers::default();
        register_resolver(&mut r, &hydra, None);
        let mut cfg = Node::from_yaml_str("a: ${hydra:run.dir}\nb: n_${hydra:job.num}").unwrap();
        resolve(&mut cfg, &r).unwrap();
        assert_eq!(cfg.get("a").unwrap().as_str(), Some("out/train"));
        assert_eq!(cfg.get("b").unwrap().as_str(), Some("n_None"));
    }
}
