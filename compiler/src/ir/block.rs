//! Blocks and regions.

use crate::entity::{BlockId, Location, OpId, RegionId, Value};

/// A block's data.
#[derive(Clone, Debug, Default)]
pub struct BlockData {
    /// Block arguments.
    pub args: Vec<Value>,
    /// Locations of the arguments (MLIR keeps one per argument).
    pub arg_locs: Vec<Location>,
    /// The region holding this block, if attached.
    pub parent: Option<RegionId>,
    /// First operation, in order.
    pub(crate) first: Option<OpId>,
    /// Last operation, in order.
    pub(crate) last: Option<OpId>,
}

/// A region's data.
#[derive(Clone, Debug, Default)]
pub struct RegionData {
    /// Its blocks, the entry block first.
    pub blocks: Vec<BlockId>,
    /// The operation owning this region, if attached.
    pub parent: Option<OpId>,
}
