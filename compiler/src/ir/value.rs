//! SSA values and their use lists.

use crate::entity::{BlockId, OpId, Type};

/// Where a value is defined.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ValueDef {
    /// Result `index` of `op`.
    Result {
        /// The defining operation.
        op: OpId,
        /// Which result.
        index: u32,
    },
    /// Argument `index` of `block`.
    BlockArg {
        /// The block.
        block: BlockId,
        /// Which argument.
        index: u32,
    },
}

/// One use of a value: operand `index` of `op`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct Use {
    /// The using operation.
    pub op: OpId,
    /// The operand index.
    pub index: u32,
}

/// A value's data.
#[derive(Clone, Debug)]
pub struct ValueData {
    /// Its type.
    pub ty: crate::entity::Type,
    /// Its definition.
    pub def: ValueDef,
    /// Where it is used (unordered). Kept up to date by the `Context`'s
    /// mutation methods; never edit it directly.
    pub(crate) uses: Vec<Use>,
}

impl ValueData {
    /// A new value with no uses.
    pub(crate) fn new(ty: Type, def: ValueDef) -> Self {
        ValueData {
            ty,
            def,
            uses: Vec::new(),
        }
    }
}
