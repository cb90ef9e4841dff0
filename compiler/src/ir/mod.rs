//! The IR: operations, values, blocks and regions, stored in the arenas of
//! the [`Context`](crate::Context).
//!
//! Structure follows MLIR: an operation has operands, results, attributes,
//! regions and successors; a region holds blocks; a block holds block
//! arguments and an ordered list of operations. Order within a block is an
//! intrusive doubly-linked list (as Cranelift's layout), so inserting and
//! erasing are O(1) even in blocks of 100,000 operations.

mod block;
mod builder;
mod clone;
mod op;
mod value;

pub use block::{BlockData, RegionData};
pub use builder::{Builder, InsertPoint};
pub use clone::{ValueMap, clone_op};
pub use op::{OpData, OperationState};
pub use value::{Use, ValueData, ValueDef};
