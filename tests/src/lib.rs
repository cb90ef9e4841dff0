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

pub mod progen;
pub mod upstream;
