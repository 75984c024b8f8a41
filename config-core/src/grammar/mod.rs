//! Grammar pieces shared by the override language and the interpolation
//! language: both reuse Hydra/OmegaConf's primitive tokens.

pub(crate) mod primitive;
