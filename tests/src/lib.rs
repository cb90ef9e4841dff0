//! # tessera-tests: Tessera's cross-crate tests
//!
//! The lit tests live in `tests/lit/` (run by `tensor-lit`); this crate
//! holds what Rust-level property and differential tests share:
//!
//! - [`progen`]: a random generator of well-typed `graph` programs with
//!   inputs in safe ranges, and the checks around it (running pipelines
//!   and the interpreter, comparing results with the spec's tolerances,
//!   reproducible failure reports). Its properties are in
//!   `tests/tests/progen.rs`.
//! - [`func_builder`]: one `graph` function built op by op with its inputs,
//!   for the per-op differential suites.
//! - [`upstream`]: lowering with `mlir-opt-19` and running with
//!   `mlir-cpu-runner-19`, for the interop suite.

pub mod func_builder;
pub mod progen;
pub mod upstream;
