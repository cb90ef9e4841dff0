//! The reference interpreter's numeric core: what every `graph` op computes.
//!
//! - [`value`]: the runtime value, [`Tensor`](value::Tensor) (an ndarray of
//!   `f32`, `f64`, `i1`, `i32` or `i64`), with byte conversions, splats,
//!   casts and a tolerance comparison for tests.
//! - [`kernels`]: one pure function per op family, taking tensors and plain
//!   Rust parameters (never IR types), returning a tensor or a
//!   [`KernelError`](kernels::KernelError).
//! - [`eval`]: runs a `func.func` of `graph` ops over the kernels.
//! - [`scalar`]: per-element semantics of `arith` and `math` ops, for the
//!   loop-level interpreter.
//! - [`loops`]: the loop-level interpreter: `func`, `affine`, `scf`, `arith`,
//!   `math`, `memref` and `vector` ops over buffers.
//!
//! Evaluation follows `graph-dialect.md`: NumPy semantics, with float
//! results computed in `f64` and then rounded to the result's element type,
//! so an `f32` result matches "NumPy at float64, then cast" up to that final
//! rounding. Integer arithmetic wraps, integer division truncates toward
//! zero. Kernels never panic on bad operands: shapes, attributes and gather
//! indices are checked, and results larger than
//! [`element_limit`](kernels::element_limit) are refused.
//!
//! The interpreter is the oracle for rewrite rules, lowerings and backends,
//! so it favours plain, obviously-correct loops over speed.

pub mod eval;
pub mod kernels;
pub mod loops;
pub mod scalar;
pub mod value;
