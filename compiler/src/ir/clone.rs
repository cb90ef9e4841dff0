//! Deep copies of operations, as MLIR's `Operation::clone` with an
//! `IRMapping`: what the inliner and loop transformations copy code with.

use std::collections::HashMap;

use crate::context::Context;
use crate::entity::{BlockId, OpId, RegionId, Value};
use crate::ir::OperationState;

/// What a copy maps: old values to new values and old blocks to new
/// blocks. Seed it with the values the copy should use instead of the
/// originals (a callee's arguments mapped to a call's operands, say);
/// [`clone_op`] adds the results, block arguments and blocks it creates.
#[derive(Clone, Debug, Default)]
pub struct ValueMap {
    values: HashMap<Value, Value>,
    blocks: HashMap<BlockId, BlockId>,
}

impl ValueMap {
    /// An empty map.
    pub fn new() -> Self {
        ValueMap::default()
    }

    /// Maps `old` to `new`.
    pub fn insert(&mut self, old: Value, new: Value) {
        self.values.insert(old, new);
    }

    /// What `old` maps to, if anything.
    pub fn get(&self, old: Value) -> Option<Value> {
        self.values.get(&old).copied()
    }

    /// What `old` maps to, or `old` itself (a value from outside the copy).
    pub fn lookup_or_self(&self, old: Value) -> Value {
        self.get(old).unwrap_or(old)
    }

    /// Maps block `old` to `new`.
    pub fn insert_block(&mut self, old: BlockId, new: BlockId) {
        self.blocks.insert(old, new);
    }

    /// What block `old` maps to, if anything.
    pub fn get_block(&self, old: BlockId) -> Option<BlockId> {
        self.blocks.get(&old).copied()
    }
}

/// Creates a detached deep copy of `op`: operands are looked up in `map`
/// (unmapped ones are kept, as references to values outside the copy);
/// regions, blocks and nested ops are copied; every result, block argument
/// and block created is recorded in `map`. Returns the new op, which the
/// caller inserts where it wants it.
pub fn clone_op(ctx: &mut Context, op: OpId, map: &mut ValueMap) -> OpId {
    let mut pending = Vec::new();
    let new = clone_rec(ctx, op, map, &mut pending);
    // In graph regions an op may use a value defined after it; such
    // operands were unmapped when their user was copied.
    for (user, index, old) in pending {
        if let Some(v) = map.get(old) {
            ctx.set_operand(user, index, v);
        }
    }
    new
}

/// An operand copied before its definition was: (new user, index, old value).
type Pending = Vec<(OpId, usize, Value)>;

fn clone_rec(ctx: &mut Context, op: OpId, map: &mut ValueMap, pending: &mut Pending) -> OpId {
    let data = ctx.op(op).clone();
    let regions: Vec<RegionId> = data
        .regions
        .iter()
        .map(|&r| clone_region(ctx, r, map, pending))
        .collect();
    let mut unmapped = Vec::new();
    let operands: Vec<Value> = data
        .operands
        .iter()
        .enumerate()
        .map(|(i, &v)| match map.get(v) {
            Some(n) => n,
            None => {
                unmapped.push((i, v));
                v
            }
        })
        .collect();
    let successors = data
        .successors
        .iter()
        .map(|&b| map.get_block(b).unwrap_or(b))
        .collect();
    let result_types = data.results.iter().map(|&r| ctx.value_type(r)).collect();
    let state = OperationState {
        name: data.name,
        operands,
        result_types,
        attrs: data.attrs.clone(),
        regions,
        successors,
        loc: data.loc,
    };
    let new = ctx.create_op(state);
    for (i, v) in unmapped {
        pending.push((new, i, v));
    }
    let new_results = ctx.op(new).results.clone();
    for (&old, new) in data.results.iter().zip(new_results) {
        map.insert(old, new);
    }
    new
}

fn clone_region(
    ctx: &mut Context,
    region: RegionId,
    map: &mut ValueMap,
    pending: &mut Pending,
) -> RegionId {
    let new_region = ctx.create_region();
    let blocks = ctx.region(region).blocks.clone();
    // Create every block first, so branches to later blocks map.
    let mut new_blocks = Vec::with_capacity(blocks.len());
    for &b in &blocks {
        let data = ctx.block(b).clone();
        // Arguments are added one by one to keep their own locations.
        let unknown = ctx.unknown_loc();
        let nb = ctx.create_block(&[], unknown);
        for (&arg, &loc) in data.args.iter().zip(&data.arg_locs) {
            let ty = ctx.value_type(arg);
            let new_arg = ctx.add_block_arg(nb, ty, loc);
            map.insert(arg, new_arg);
        }
        ctx.append_block(new_region, nb);
        map.insert_block(b, nb);
        new_blocks.push(nb);
    }
    for (&b, &nb) in blocks.iter().zip(&new_blocks) {
        for op in ctx.block_ops_vec(b) {
            let copy = clone_rec(ctx, op, map, pending);
            ctx.append_op(nb, copy);
        }
    }
    new_region
}
