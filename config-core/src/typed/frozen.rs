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
pub struct Frozen<T>(Arc<T>);

impl<T> Frozen<T> {
    /// Freezes a value.
    pub fn new(value: T) -> Frozen<T> {
        Frozen(Arc::new(value))
    }

    /// True when both handles share one value.
    pub fn ptr_eq(a: &Frozen<T>, b: &Frozen<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T: Clone> Frozen<T> {
    /// An owned, mutable copy.
    pub fn thaw(&self) -> T {
        (*self.0).clone()
    }
}

impl<T> Clone for Frozen<T> {
    fn clone(&self) -> Self {
        Frozen(Arc::clone(&self.0))
    }
}

impl<T> Deref for Frozen<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Frozen<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Frozen<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Frozen").field(&*self.0).finish()
    }
}

impl<T: PartialEq> PartialEq for Frozen<T> {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}
