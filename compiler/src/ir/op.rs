//! Operations.

use crate::entity::{Attribute, BlockId, Location, OpId, RegionId, Symbol, Type, Value};
use crate::registry::OpName;

/// An operation's data.
#[derive(Clone, Debug)]
pub struct OpData {
    /// Its name (`graph.matmul`), interned; may be unregistered.
    pub name: OpName,
    /// Operands, in order.
    pub operands: Vec<Value>,
    /// Results, in order.
    pub results: Vec<Value>,
    /// Attributes, in insertion order; names unique.
    pub attrs: Vec<(Symbol, Attribute)>,
    /// Owned regions.
    pub regions: Vec<RegionId>,
    /// Successor blocks (for branch terminators).
    pub successors: Vec<BlockId>,
    /// Source location.
    pub loc: Location,
    /// The block holding this op, if attached.
    pub parent: Option<BlockId>,
    /// For operand `i`, the position of its [`Use`](crate::ir::Use) in the
    /// operand value's use list, so removing a use is O(1).
    pub(crate) use_pos: Vec<u32>,
    pub(crate) prev: Option<OpId>,
    pub(crate) next: Option<OpId>,
    /// Set once the op is erased; erased ops stay in the arena as tombstones.
    pub(crate) erased: bool,
}

/// Everything needed to create an operation: MLIR's `OperationState`.
#[derive(Clone, Debug)]
pub struct OperationState {
    /// The op name, e.g. `graph.add`.
    pub name: OpName,
    /// Operands.
    pub operands: Vec<Value>,
    /// Result types.
    pub result_types: Vec<Type>,
    /// Attributes (names unique).
    pub attrs: Vec<(Symbol, Attribute)>,
    /// Regions, created detached with [`Context::create_region`](crate::Context::create_region).
    pub regions: Vec<RegionId>,
    /// Successor blocks.
    pub successors: Vec<BlockId>,
    /// Location.
    pub loc: Location,
}

impl OperationState {
    /// An empty state for `name` at `loc`.
    pub fn new(name: OpName, loc: Location) -> Self {
        OperationState {
            name,
            operands: Vec::new(),
            result_types: Vec::new(),
            attrs: Vec::new(),
            regions: Vec::new(),
            successors: Vec::new(),
            loc,
        }
    }

    /// Adds operands.
    pub fn operands(mut self, values: &[Value]) -> Self {
        self.operands.extend_from_slice(values);
        self
    }

    /// Adds result types.
    pub fn results(mut self, types: &[Type]) -> Self {
        self.result_types.extend_from_slice(types);
        self
    }

    /// Adds (or replaces) an attribute.
    pub fn attr(mut self, name: Symbol, value: Attribute) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Sets (or replaces) an attribute in place.
    pub fn set_attr(&mut self, name: Symbol, value: Attribute) {
        match self.attrs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name, value)),
        }
    }

    /// Adds a region.
    pub fn region(mut self, region: RegionId) -> Self {
        self.regions.push(region);
        self
    }
}
