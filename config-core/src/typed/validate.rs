//! `validate()`: field validators (range, non-empty, one-of, custom
//! functions) and struct-level checks, every failure gathered and reported
//! one line per key path.
//!
//! Place in the flow: after **type**, before **freeze**. The derive emits
//! calls to the helpers here; they never stop at the first failure.
//! [`Errors::locate`] then looks every failing key up in the composed tree,
//! so each line ends with where the value came from:
//! `training.strategy: must be one of [auto, ddp, fsdp], got 'dp' (set by
//! command-line argument 3)`. A single failure becomes an [`Error`] whose
//! message is the failure, with the key and origin as the error's own.

use crate::error::{Error, ErrorKind};
use crate::node::Node;
use crate::origin::Origin;
use std::fmt;
use std::path::{Path, PathBuf};

/// One validation failure: the full key and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Full key path (`trainer.max_iter`); `<root>` for the top level.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// Where the failing value came from, once [`Errors::locate`] found it.
    pub origin: Option<Origin>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)?;
        match &self.origin {
            Some(Origin::Override { index, .. }) => {
                write!(f, " (set by command-line argument {index})")
            }
            Some(o) => write!(f, " ({o})"),
            None => Ok(()),
        }
    }
}

/// Every validation failure of one `validate()` call.
///
/// ```
/// use config_core::typed::Errors;
/// let mut e = Errors::default();
/// e.push("trainer.max_iter", "must be at least 1, got 0");
/// e.push("job.name", "must not be empty");
/// assert_eq!(e.to_string(), "trainer.max_iter: must be at least 1, got 0\njob.name: must not be empty");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errors {
    /// The failures, in field order.
    pub items: Vec<ValidationError>,
}

impl Errors {
    /// Records a failure at `key`.
    pub fn push(&mut self, key: impl Into<String>, message: impl Into<String>) {
        let key = key.into();
        let key = if key.is_empty() {
            "<root>".to_string()
        } else {
            key
        };
        self.items.push(ValidationError {
            key,
            message: message.into(),
            origin: None,
        });
    }

    /// True when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `Ok(())` when empty.
    pub fn into_result(self) -> Result<(), Errors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Looks each failing key up in the composed `tree` and records where
    /// its value came from (merge-made containers and unknown origins are
    /// left out).
    ///
    /// ```
    /// use config_core::typed::Errors;
    /// use config_core::Node;
    /// let tree = Node::from_yaml_str("trainer:\n  max_iter: 0\n").unwrap();
    /// let mut e = Errors::default();
    /// e.push("trainer.max_iter", "must be at least 1, got 0");
    /// e.locate(&tree);
    /// assert_eq!(e.to_string(), "trainer.max_iter: must be at least 1, got 0 (<string>:2:13)");
    /// ```
    pub fn locate(&mut self, tree: &Node) {
        for item in &mut self.items {
            let node = match item.key.as_str() {
                "<root>" => Some(tree),
                key => tree.select(key).ok().flatten(),
            };
            item.origin = node
                .map(|n| n.origin.clone())
                .filter(|o| !matches!(o, Origin::Unknown | Origin::Merge));
        }
    }

    /// Records the outcome of a custom check.
    pub fn check<E: fmt::Display>(&mut self, key: &str, outcome: Result<(), E>) {
        if let Err(e) = outcome {
            self.push(key, e.to_string());
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Errors> for Error {
    /// One error listing every failure (`key: message (origin)` each); a
    /// single failure is the message, with its key and origin as the
    /// error's.
    fn from(e: Errors) -> Error {
        match e.items.as_slice() {
            // The key and the origin have their own lines: not repeated
            // in the message.
            [only] => Error::new(ErrorKind::Validation, only.message.clone())
                .with_key(only.key.clone())
                .with_origin(only.origin.clone().unwrap_or_default()),
            items => Error::new(
                ErrorKind::Validation,
                format!("{} validation errors:\n{e}", items.len()),
            ),
        }
    }
}

/// A value a `range` validator can bound.
pub trait Bounded {
    /// The value as a float, `None` when absent (an empty `Option`).
    fn as_f64(&self) -> Option<f64>;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            fn as_f64(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
bounded!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

impl<T: Bounded> Bounded for Option<T> {
    fn as_f64(&self) -> Option<f64> {
        self.as_ref().and_then(Bounded::as_f64)
    }
}

/// A value a `non_empty` validator can measure.
pub trait Measured {
    /// True when empty (an absent `Option` counts as empty).
    fn is_empty_value(&self) -> bool;
}

impl Measured for String {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}
impl Measured for PathBuf {
    fn is_empty_value(&self) -> bool {
        self.as_os_str().is_empty()
    }
}
impl Measured for Path {
    fn is_empty_value(&self) -> bool {
        self.as_os_str().is_empty()
    }
}
impl<T> Measured for Vec<T> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}
impl<T, S> Measured for indexmap::IndexMap<String, T, S> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}
impl<T, S> Measured for std::collections::HashMap<String, T, S> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}
impl<T> Measured for std::collections::BTreeMap<String, T> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}
impl<T: Measured> Measured for Option<T> {
    fn is_empty_value(&self) -> bool {
        self.as_ref().is_none_or(Measured::is_empty_value)
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// `range(min, max)`, inclusive bounds; an absent `Option` passes.
pub fn range<T: Bounded + ?Sized>(
    v: &T,
    min: Option<f64>,
    max: Option<f64>,
    key: &str,
    errors: &mut Errors,
) {
    let Some(x) = v.as_f64() else { return };
    let below = min.is_some_and(|m| x < m);
    let above = max.is_some_and(|m| x > m);
    if below || above || x.is_nan() {
        let bound = match (min, max) {
            (Some(a), Some(b)) => format!("must be in {}..={}", num(a), num(b)),
            (Some(a), None) => format!("must be at least {}", num(a)),
            (None, Some(b)) => format!("must be at most {}", num(b)),
            (None, None) => "must be a number".into(),
        };
        errors.push(key, format!("{bound}, got {}", num(x)));
    }
}

/// `non_empty`.
pub fn non_empty<T: Measured + ?Sized>(v: &T, key: &str, errors: &mut Errors) {
    if v.is_empty_value() {
        errors.push(key, "must not be empty");
    }
}

/// `one_of(...)`: the value's text must be one of the options.
pub fn one_of<T: fmt::Display + ?Sized>(v: &T, options: &[&str], key: &str, errors: &mut Errors) {
    let text = v.to_string();
    if !options.contains(&text.as_str()) {
        errors.push(
            key,
            format!("must be one of [{}], got '{text}'", options.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathers_all() {
        let mut e = Errors::default();
        range(&0u64, Some(1.0), None, "a", &mut e);
        range(&5u64, Some(1.0), Some(10.0), "b", &mut e);
        non_empty(&String::new(), "c", &mut e);
        one_of("x", &["a", "b"], "d", &mut e);
        range(&None::<u8>, Some(1.0), None, "e", &mut e);
        assert_eq!(
            e.to_string(),
            "a: must be at least 1, got 0\nc: must not be empty\nd: must be one of [a, b], got 'x'"
        );
    }
}
