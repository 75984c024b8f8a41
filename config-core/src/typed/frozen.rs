//! `freeze()`: a deeply immutable, cheaply shared config.
//!
//! Place in the flow: the last step. The training loop and its threads get
//! a [`Frozen<T>`]: an `Arc` around the typed config. Config field types
//! hold no interior mutability (no `Cell`, `RefCell`, `Mutex`, atomics):
//! [`ConfigValue`](crate::typed::ConfigValue) is sealed, implemented only
//! for such types and by `#[derive(Config)]`, so a field like
//! `Arc<AtomicU64>` does not compile. Shared access through `&T` cannot
//! change anything, at any depth; `thaw()` gives back an owned, independent
//! copy to edit. (`Frozen::new` takes any `T`; the guarantee is
//! [`Config::freeze`](crate::typed::Config::freeze)'s.)
//!
//! A config frozen by the flow ([`Maker::build`](crate::typed::Maker::build),
//! the typed app's jobs) also keeps the composed tree it was typed from,
//! shared (an `Arc`, never copied), with every value's origin and history:
//! [`Frozen::explain`] answers "where did this value come from?" from
//! inside the training program.

use crate::error::Error;
use crate::node::Node;
use crate::origin::Origin;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A frozen config: `Clone` is a reference-count bump, it is `Send + Sync`
/// when `T` is, and it derefs to `&T`. There is no `DerefMut`.
///
/// ```
/// use config_core::typed::Frozen;
/// let f = Frozen::new(vec![1, 2, 3]);
/// let g = f.clone();
/// std::thread::spawn(move || assert_eq!(g.len(), 3)).join().unwrap();
/// let mut owned = f.thaw();
/// owned.push(4);
/// assert_eq!(f.len(), 3);
/// ```
pub struct Frozen<T> {
    value: Arc<T>,
    /// The composed, resolved tree the value was typed from, if known.
    tree: Option<Arc<Node>>,
}

impl<T> Frozen<T> {
    /// Freezes a value (with no composed tree: [`Frozen::explain`] then
    /// says how to get one).
    pub fn new(value: T) -> Frozen<T> {
        Frozen {
            value: Arc::new(value),
            tree: None,
        }
    }

    /// Freezes a value together with the composed tree it was typed from.
    ///
    /// ```
    /// use config_core::typed::Frozen;
    /// use config_core::Node;
    /// use std::sync::Arc;
    /// let tree = Arc::new(Node::from_yaml_str("steps: 10").unwrap());
    /// let f = Frozen::with_tree(10u64, Arc::clone(&tree));
    /// assert!(Arc::ptr_eq(f.tree_arc().unwrap(), &tree));
    /// assert_eq!(f.origin("steps").unwrap().to_string(), "<string>:1:8");
    /// ```
    pub fn with_tree(value: T, tree: Arc<Node>) -> Frozen<T> {
        Frozen {
            value: Arc::new(value),
            tree: Some(tree),
        }
    }

    /// True when both handles share one value.
    pub fn ptr_eq(a: &Frozen<T>, b: &Frozen<T>) -> bool {
        Arc::ptr_eq(&a.value, &b.value)
    }

    /// The composed tree, with origins, when the flow froze this value.
    pub fn tree(&self) -> Option<&Node> {
        self.tree.as_deref()
    }

    /// The shared handle of the composed tree.
    pub fn tree_arc(&self) -> Option<&Arc<Node>> {
        self.tree.as_ref()
    }

    /// Where the value at `key` (`trainer.max_iter`, `callbacks[0]`) came
    /// from; `None` without a tree or for an unknown key.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        let node = self.tree()?.select(key).ok()??;
        Some(&node.origin)
    }

    /// The history of `key`, newest source first, as `config compose
    /// --explain KEY` prints it.
    ///
    /// ```
    /// use config_core::typed::Config;
    /// use config_derive::Config;
    ///
    /// #[derive(Config, Clone, Debug)]
    /// pub struct Train {
    ///     #[config(default = 1000)]
    ///     pub max_iter: u64,
    /// }
    ///
    /// let cfg = Train::make().build(["train", "max_iter=10"]).unwrap();
    /// let text = cfg.explain("max_iter").unwrap();
    /// assert_eq!(text, "max_iter = 10\n  set by command-line argument 1 (`max_iter=10`)\n  overriding 1000 from default in Train\n");
    /// ```
    pub fn explain(&self, key: &str) -> Result<String, Error> {
        match self.tree() {
            Some(tree) => crate::compose::explain(tree, key),
            None => Err(Error::new(
                crate::error::ErrorKind::KeyNotFound,
                format!("cannot explain '{key}': this config was frozen without its composed tree"),
            )
            .with_hint("build it with `T::make().build(args)` (or take it from a typed app's job), which keeps the tree")),
        }
    }
}

impl<T: Clone> Frozen<T> {
    /// An owned, mutable copy.
    pub fn thaw(&self) -> T {
        (*self.value).clone()
    }
}

impl<T> Clone for Frozen<T> {
    fn clone(&self) -> Self {
        Frozen {
            value: Arc::clone(&self.value),
            tree: self.tree.clone(),
        }
    }
}

impl<T> Deref for Frozen<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> AsRef<T> for Frozen<T> {
    fn as_ref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Frozen<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Frozen").field(&*self.value).finish()
    }
}

impl<T: PartialEq> PartialEq for Frozen<T> {
    fn eq(&self, other: &Self) -> bool {
        *self.value == *other.value
    }
}
