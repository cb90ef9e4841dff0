//! # tessera-dialects: Tessera's dialects
//!
//! Each dialect defines its ops (an [`OpDef`](tessera_compiler::OpDef) each:
//! traits, verifier, folds, custom syntax) and registers them explicitly
//! with [`register_all`] or its own `register` function:
//!
//! - `builtin` ([`builtin`]) holds `builtin.module`;
//! - `func` ([`func`]) holds `func.func`, `func.return`, `func.call`;
//! - `graph` ([`graph`]) is the high-level tensor dialect of `shared/spec/graph-dialect.md`;
//! - `arith` ([`arith`]) is integer and float arithmetic, comparisons and casts;
//! - `math` ([`math`]) holds the math functions (`exp`, `tanh`, `erf`, `fma`, ...);
//! - `memref` ([`memref`]) holds buffers: alloc, load, store, globals, subviews;
//! - `affine` ([`affine`]) holds affine loops, loads, stores and maps;
//! - `scf` ([`scf`]) holds structured control flow: `for`, `if`, `while`, `parallel`;
//! - `vector` ([`vector`]) holds SIMD vectors: loads, stores, broadcasts, reductions, transfers.
//!
//! Every dialect after `graph` follows upstream MLIR 19's syntax and
//! meaning, so `mlir-opt-19` reads what we print at that level.
//!
//! [`interp`] is the reference interpreter: the meaning of every op.

pub mod affine;
pub mod arith;
pub mod builtin;
pub mod func;
pub mod graph;
pub mod interp;
pub mod math;
pub mod memref;
mod region_form;
pub mod scf;
pub mod vector;

use tessera_compiler::Context;

/// Registers every dialect of this crate in `ctx`.
pub fn register_all(ctx: &mut Context) {
    builtin::register(ctx);
    func::register(ctx);
    graph::register(ctx);
    arith::register(ctx);
    math::register(ctx);
    memref::register(ctx);
    affine::register(ctx);
    scf::register(ctx);
    vector::register(ctx);
}
