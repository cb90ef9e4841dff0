//! Small helpers the loop passes share: building `arith` ops on `index`,
//! moving a block's ops into another block, finding loops and reading
//! constant values.

use tessera_compiler::ir::Builder;
use tessera_compiler::{AttrData, BlockId, Context, Location, OpId, OpTraits, Type, Value};
use tessera_dialects::arith::CmpIPredicate;

/// Builds `arith.constant value : index`.
pub fn index_const(b: &mut Builder<'_>, value: i64, loc: Location) -> Value {
    let index = b.ctx.index_type();
    let a = b.ctx.int_attr(value as i128, index);
    b.create_value("arith.constant", &[], index, &[("value", a)], loc)
}

/// Builds the `arith` op `name` on `lhs` and `rhs`, with their type.
pub fn binary(b: &mut Builder<'_>, name: &str, lhs: Value, rhs: Value, loc: Location) -> Value {
    let ty = b.ctx.value_type(lhs);
    b.create_value(name, &[lhs, rhs], ty, &[], loc)
}

/// Builds `arith.cmpi pred, lhs, rhs`.
pub fn cmpi(
    b: &mut Builder<'_>,
    pred: CmpIPredicate,
    lhs: Value,
    rhs: Value,
    loc: Location,
) -> Value {
    let i1 = b.ctx.i1_type();
    let p = pred.to_attr(b.ctx);
    b.create_value("arith.cmpi", &[lhs, rhs], i1, &[("predicate", p)], loc)
}

/// Builds `arith.select cond, if_true, if_false`.
pub fn select(
    b: &mut Builder<'_>,
    cond: Value,
    if_true: Value,
    if_false: Value,
    loc: Location,
) -> Value {
    let ty = b.ctx.value_type(if_true);
    b.create_value("arith.select", &[cond, if_true, if_false], ty, &[], loc)
}

/// Moves every op of `from` to the end of `to`, after making the uses of
/// `from`'s arguments use `new_args` instead (one per argument).
pub fn move_block_ops(ctx: &mut Context, from: BlockId, to: BlockId, new_args: &[Value]) {
    let old_args = ctx.block_args(from).to_vec();
    debug_assert_eq!(old_args.len(), new_args.len());
    for (&old, &new) in old_args.iter().zip(new_args) {
        ctx.replace_all_uses(old, new);
    }
    for op in ctx.block_ops_vec(from) {
        ctx.detach_op(op);
        ctx.append_op(to, op);
    }
}

/// Replaces the terminator of `block` by an op `name` with its operands
/// (an `affine.yield` by an `scf.yield`, say); returns the new op.
pub fn replace_terminator(ctx: &mut Context, block: BlockId, name: &str) -> Option<OpId> {
    let old = ctx.last_op(block)?;
    let operands = ctx.op(old).operands.clone();
    let loc = ctx.op(old).loc;
    let mut b = Builder::new(ctx, tessera_compiler::ir::InsertPoint::End(block));
    let new = b.create(name, &operands, &[], &[], loc);
    ctx.erase_op(old);
    Some(new)
}

/// The integer value of `v` if an `arith.constant` (or other constant-like
/// op holding an integer `value`) defines it.
pub fn constant_int(ctx: &Context, v: Value) -> Option<i64> {
    let op = ctx.defining_op(v)?;
    if !ctx.op_has_traits(op, OpTraits::CONSTANT_LIKE) {
        return None;
    }
    match ctx.attr_data_of(op, "value")? {
        AttrData::Integer { value, .. } => i64::try_from(*value).ok(),
        _ => None,
    }
}

/// Whether `v` is defined outside `op` (not by an op nested in it, and not
/// as an argument of one of its blocks).
pub fn defined_outside(ctx: &Context, v: Value, op: OpId) -> bool {
    match ctx.value_block(v).and_then(|b| ctx.block_parent_op(b)) {
        Some(owner) => !ctx.is_ancestor(op, owner),
        None => true,
    }
}

/// Every op named `name` nested in `root`, outer before inner.
pub fn ops_named(ctx: &Context, root: OpId, name: &str) -> Vec<OpId> {
    ctx.walk_preorder(root)
        .into_iter()
        .filter(|&o| ctx.op_is(o, name))
        .collect()
}

/// The bit width of an integer or `index` type (64 for `index`).
pub fn int_width(ctx: &Context, ty: Type) -> Option<u32> {
    match ctx.type_data(ty) {
        tessera_compiler::TypeData::Integer { width, .. } => Some(*width),
        tessera_compiler::TypeData::Index => Some(64),
        _ => None,
    }
}

/// What a memref value is a view of, for alias questions: the buffer
/// behind views and casts (`memref.subview`, `memref.cast`, ...), or the
/// global a `memref.get_global` names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AliasKey {
    /// A buffer value (an allocation, an argument, another op's result).
    Value(Value),
    /// A `memref.global`, by name.
    Global(String),
}

/// The [`AliasKey`] of the memref `v`. Values with different keys are
/// assumed not to alias (as MLIR's affine analyses assume of distinct
/// memrefs); values with one key may.
pub fn alias_key(ctx: &Context, mut v: Value) -> AliasKey {
    loop {
        let Some(op) = ctx.defining_op(v) else {
            return AliasKey::Value(v);
        };
        match ctx.op_name_of(op) {
            "memref.subview"
            | "memref.cast"
            | "memref.reinterpret_cast"
            | "memref.collapse_shape"
            | "memref.expand_shape"
            | "memref.view"
            | "memref.transpose" => match ctx.op(op).operands.first() {
                Some(&src) => v = src,
                None => return AliasKey::Value(v),
            },
            "memref.get_global" => {
                return match tessera_dialects::memref::get_global_name(ctx, op) {
                    Some(n) => AliasKey::Global(n.to_string()),
                    None => AliasKey::Value(v),
                };
            }
            _ => return AliasKey::Value(v),
        }
    }
}
