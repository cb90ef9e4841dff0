//! Entity IDs: `u32` handles into the arenas of a [`Context`](crate::Context).
//!
//! Every IR object (operation, value, block, region) and every interned
//! object (type, attribute, location, symbol) is named by a small copyable
//! ID, as in Cranelift. IDs print as their arena name and index (`op3`,
//! `v7`), which is for debugging only; the MLIR printer renumbers values.

use cranelift_entity::entity_impl;
pub use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $display:literal) => {
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);
        entity_impl!($name, $display);
    };
}

entity!(
    /// An operation in a [`Context`](crate::Context).
    OpId, "op"
);
entity!(
    /// An SSA value: an operation result or a block argument.
    Value, "v"
);
entity!(
    /// A basic block: arguments and an ordered list of operations.
    BlockId, "block"
);
entity!(
    /// A region: an ordered list of blocks owned by an operation.
    RegionId, "region"
);
entity!(
    /// An interned type; equal types have equal IDs.
    Type, "type"
);
entity!(
    /// An interned attribute; equal attributes have equal IDs.
    Attribute, "attr"
);
entity!(
    /// An interned source location.
    Location, "loc"
);
entity!(
    /// An interned string: attribute names, op names, symbol names.
    Symbol, "sym"
);
