//! # tessera-dialects: Tessera's dialects
//!
//! Each dialect defines its ops (an [`OpDef`](tessera_compiler::OpDef) each:
//! traits, verifier, folds, custom syntax) and registers them explicitly
//! with [`register_all`] or its own `register` function:
//!
//! - `builtin` ([`builtin`]) holds `builtin.module`;
//! - `func` ([`func`]) holds `func.func`, `func.return`, `func.call`;
//! - `graph` ([`graph`]) is the high-level tensor dialect of `shared/spec/graph-dialect.md`;
//! - `arith` ([`arith`]) is scalar arithmetic, with MLIR's syntax and meaning.
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
pub mod scf;

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
}
