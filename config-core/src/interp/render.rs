//! How values print when an interpolation embeds them in a string: Python's
//! `str()` of the value OmegaConf holds (`True`, `None`, `1e-06`, `{'a': 1}`),
//! so that `"v=${x}"` gives the same text as the reference. The rules live
//! in [`crate::python`]; this module keeps their old paths.
//!
//! ```
//! use config_core::{interp::render::python_str, Value};
//! assert_eq!(python_str(&Value::Bool(true)), "True");
//! ```

pub use crate::python::{python_repr, python_repr_key, python_str, python_type};
