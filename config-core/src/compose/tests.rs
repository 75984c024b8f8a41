//! Unit tests of composition over in-memory stores.
use super::*;
