//! # tessera-runtime: tensors, `.npy` I/O, backends and the host API
//!
//! - [`npy`]: reading and writing NumPy `.npy` files as interpreter tensors.

pub mod npy;
