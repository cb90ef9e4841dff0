//! Tessera's command-line tools as a library:
//!
//! - [`opt`]: the `tensor-opt` driver, [`opt_main`], which a crate with its
//!   own dialects and passes calls to get the whole driver (like MLIR's
//!   `MlirOptMain`).
//! - [`lit`]: the lit-style test runner that `tensor-lit` wraps, usable
//!   from a crate's own tests.

pub mod lit;
pub mod opt;

pub use opt::{opt_main, opt_main_with_args};
