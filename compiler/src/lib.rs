//! # tessera-compiler: Tessera's IR core
//!
//! Everything the dialects, passes and tools share, and nothing specific to
//! any dialect: the [`Context`] with its arenas of ops, values, blocks and
//! regions ([`ir`]); interned [`types`], [`attrs`] and [`location`]s; the op
//! [`registry`]; MLIR's textual format ([`syntax`]); the [`verify`]er;
//! [`diag`]nostics; rewrite patterns and the greedy driver ([`rewrite`]);
//! and the [`pass`] manager.
//!
//! Dialects live in `tessera-dialects` and register themselves explicitly
//! with [`Context::register_dialect`].

pub mod affine;
pub mod attrs;
pub mod context;
pub mod diag;
pub mod entity;
pub mod ir;
pub mod location;
pub mod pass;
pub mod registry;
pub mod rewrite;
pub mod syntax;
pub mod types;
pub mod verify;

pub use attrs::{AttrData, DenseArrayValues, DenseElements};
pub use context::Context;
pub use diag::{Diagnostic, Severity};
pub use entity::{Attribute, BlockId, Location, OpId, RegionId, Symbol, Type, Value};
pub use location::LocData;
pub use registry::{DialectDef, FoldResult, OpDef, OpName, OpSyntax, OpTraits};
pub use types::{DYNAMIC, FloatKind, Signedness, TypeData};
