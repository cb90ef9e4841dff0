//! A builder: creates operations at an insertion point.

use crate::context::Context;
use crate::entity::{Attribute, BlockId, Location, OpId, Type, Value};
use crate::ir::OperationState;

/// Where a [`Builder`] puts new operations.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum InsertPoint {
    /// At the end of a block.
    End(BlockId),
    /// Right before an operation.
    Before(OpId),
    /// Right after an operation.
    After(OpId),
    /// Nowhere: operations are created detached.
    Detached,
}

/// Creates operations at an insertion point, like MLIR's `OpBuilder`.
///
/// ```
/// use tessera_compiler::{Context, ir::{Builder, InsertPoint}};
/// let mut ctx = Context::new();
/// let f32 = ctx.f32_type();
/// let t = ctx.tensor_type(&[2, 3], f32);
/// let loc = ctx.unknown_loc();
/// let module = ctx.create_module(loc);
/// let body = ctx.module_body(module);
/// let mut b = Builder::new(&mut ctx, InsertPoint::End(body));
/// let op = b.create("test.source", &[], &[t], &[], loc);
/// assert_eq!(b.ctx.op(op).results.len(), 1);
/// ```
pub struct Builder<'a> {
    /// The context everything lives in.
    pub ctx: &'a mut Context,
    /// Where new operations go.
    pub ip: InsertPoint,
}

impl<'a> Builder<'a> {
    /// A builder inserting at `ip`.
    pub fn new(ctx: &'a mut Context, ip: InsertPoint) -> Self {
        Builder { ctx, ip }
    }

    /// Creates the operation described by `state` and inserts it at the
    /// insertion point. After an `After(op)` insertion, the point moves to
    /// after the new op, so consecutive calls keep program order.
    pub fn insert(&mut self, state: OperationState) -> OpId {
        let op = self.ctx.create_op(state);
        match self.ip {
            InsertPoint::End(block) => self.ctx.append_op(block, op),
            InsertPoint::Before(anchor) => self.ctx.insert_op_before(anchor, op),
            InsertPoint::After(anchor) => {
                self.ctx.insert_op_after(anchor, op);
                self.ip = InsertPoint::After(op);
            }
            InsertPoint::Detached => {}
        }
        op
    }

    /// Creates and inserts an op from its parts; attribute names are strings.
    pub fn create(
        &mut self,
        name: &str,
        operands: &[Value],
        result_types: &[Type],
        attrs: &[(&str, Attribute)],
        loc: Location,
    ) -> OpId {
        let name = self.ctx.op_name(name);
        let mut state = OperationState::new(name, loc)
            .operands(operands)
            .results(result_types);
        for (n, a) in attrs {
            let n = self.ctx.symbol(n);
            state.set_attr(n, *a);
        }
        self.insert(state)
    }

    /// Like [`create`](Self::create) for an op with exactly one result, returning it.
    pub fn create_value(
        &mut self,
        name: &str,
        operands: &[Value],
        result_type: Type,
        attrs: &[(&str, Attribute)],
        loc: Location,
    ) -> Value {
        let op = self.create(name, operands, &[result_type], attrs, loc);
        self.ctx.op(op).results[0]
    }
}
