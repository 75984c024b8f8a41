//! Cross-crate and conformance tests live in `tests/`.
