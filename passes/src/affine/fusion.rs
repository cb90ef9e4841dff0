//! `affine-loop-fusion`: fuses a producer loop nest into a consumer loop
//! nest with the same iteration space, as MLIR's pass of that name does
//! in its producer-consumer mode, then removes the temporary buffers the
//! fusion made useless.
//!
//! Two `affine.for` loops in one block are fused when
//! - the consumer comes after the producer with only pure ops (no memory
//!   effects, no regions) between them, and neither carries values;
//! - they have the same bounds (maps and operands) and step;
//! - the consumer reads a buffer the producer writes;
//! - fusing keeps the meaning: running producer iteration `x` and then
//!   consumer iteration `x`, for each `x` in turn, instead of all producer
//!   iterations first, is allowed when the two loops' accesses to a buffer
//!   one of them writes touch the same element only at the same `x`
//!   ([`distinct_across_iterations`] with the two induction variables taken
//!   as one; distinct memrefs are assumed not to alias).
//!
//! The producer's body moves to the start of the consumer's (which stays
//! where it is), and the fused body is fused again: inner loops of the two
//! nests are now siblings, so a perfect nest fuses level by level.
//!
//! Afterwards, in every fused block, stored values are forwarded to the
//! loads that read them back (see `affine-scalrep`), and a buffer made by
//! `memref.alloc`/`memref.alloca` that is then only written (and freed) is
//! erased with its stores: an element-wise temporary between two fused
//! nests becomes a scalar.

use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{BlockId, Context, OpId, OpTraits};
use tessera_dialects::affine::ForOp;

use super::deps::{Access, ValueTable, collect_accesses, distinct_across_iterations, same_buffer};
use super::loops::LoopBounds;
use super::scalrep::{Forwarding, forward_in_block};

/// The `affine-loop-fusion` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct AffineLoopFusion;

/// The registry entry of `affine-loop-fusion`.
pub fn fusion_info() -> PassInfo {
    PassInfo {
        name: "affine-loop-fusion",
        summary: "Fuse affine loop nests",
        description: "Fuses a producer `affine.for` nest into a later consumer nest of the \
            same iteration space that reads what it writes, level by level, when the two \
            touch a common element only at the same iteration; then forwards stored values \
            to loads in the fused bodies and erases local buffers left write-only, so \
            element-wise temporaries become scalars.\n\nStatistics: `num-fused`, \
            `num-buffers-erased`.",
        anchor: Some("func.func"),
        options: vec![],
        create: |_| Ok(Box::new(AffineLoopFusion)),
    }
}

impl Pass for AffineLoopFusion {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut fused_blocks = Vec::new();
        let blocks: Vec<BlockId> = std::iter::once(func)
            .chain(ctx.walk_preorder(func))
            .flat_map(|o| {
                ctx.op(o)
                    .regions
                    .iter()
                    .flat_map(|&r| ctx.region(r).blocks.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut fused = 0;
        for b in blocks {
            fused += fuse_in_block(ctx, b, &mut fused_blocks);
        }
        let mut fwd = Forwarding::default();
        for b in fused_blocks {
            forward_in_block(ctx, b, &mut fwd);
        }
        let erased = erase_write_only_buffers(ctx, func);
        state.count("num-fused", fused);
        state.count("num-buffers-erased", erased);
        Ok(())
    }
}

/// Fuses producer-consumer pairs of sibling loops in `block`, then inside
/// each fused body; records the fused bodies. Returns how many pairs.
fn fuse_in_block(ctx: &mut Context, block: BlockId, fused_blocks: &mut Vec<BlockId>) -> u64 {
    let mut count = 0;
    let mut changed = true;
    while changed {
        changed = false;
        let ops = ctx.block_ops_vec(block);
        for (i, &p) in ops.iter().enumerate() {
            if !ctx.op_is(p, "affine.for") {
                continue;
            }
            let Some(c) = next_loop(ctx, &ops[i + 1..]) else {
                continue;
            };
            if can_fuse(ctx, p, c) {
                let body = fuse(ctx, p, c);
                count += 1;
                fused_blocks.push(body);
                count += fuse_in_block(ctx, body, fused_blocks);
                changed = true;
                break;
            }
        }
    }
    count
}

/// The first op of `rest` if it is an `affine.for` reached past pure ops.
fn next_loop(ctx: &Context, rest: &[OpId]) -> Option<OpId> {
    for &o in rest {
        if ctx.op_is(o, "affine.for") {
            return Some(o);
        }
        let pure = ctx.op_has_traits(o, OpTraits::PURE)
            && ctx.op(o).regions.is_empty()
            && !ctx.op_has_traits(o, OpTraits::TERMINATOR);
        if !pure {
            return None;
        }
    }
    None
}

/// Whether the loops `p` (producer) and `c` (consumer, after it) may be
/// fused; see the [module docs](self).
fn can_fuse(ctx: &Context, p: OpId, c: OpId) -> bool {
    let (Some(pv), Some(cv)) = (ForOp::view(ctx, p), ForOp::view(ctx, c)) else {
        return false;
    };
    if !pv.inits.is_empty() || !cv.inits.is_empty() {
        return false;
    }
    let (Some(pb), Some(cb)) = (LoopBounds::of(ctx, p), LoopBounds::of(ctx, c)) else {
        return false;
    };
    if pb.lower != cb.lower || pb.upper != cb.upper || pb.step != cb.step {
        return false;
    }
    // The consumer's bounds and the values its body uses are defined
    // before the producer already (only pure ops lie between them, and
    // the consumer stays in place), so only memory matters.
    let mut table = ValueTable::default();
    table.renames.push((cv.induction_var, pv.induction_var));
    let tessera_compiler::affine::AffineExpr::Dim(var) = table.dim(pv.induction_var) else {
        return false;
    };
    let (Some(pa), Some(ca)) = (
        collect_accesses(ctx, p, &mut table),
        collect_accesses(ctx, c, &mut table),
    ) else {
        return false;
    };
    let produces = pa.iter().any(|w| {
        w.write
            && ca
                .iter()
                .any(|r| !r.write && same_buffer(ctx, w, r) != Some(false))
    });
    produces && pairs_same_iteration_only(ctx, &pa, &ca, var, p, &table)
}

/// Whether every pair of a producer and a consumer access to one buffer,
/// one of them a write, touches a common element only at the same
/// iteration of the fused loop.
fn pairs_same_iteration_only(
    ctx: &Context,
    pa: &[Access],
    ca: &[Access],
    var: u32,
    p: OpId,
    table: &ValueTable,
) -> bool {
    pa.iter().all(|a| {
        ca.iter().all(|b| {
            if !a.write && !b.write {
                return true;
            }
            match same_buffer(ctx, a, b) {
                Some(false) => true,
                None => false,
                Some(true) => distinct_across_iterations(ctx, a, b, var, p, table),
            }
        })
    })
}

/// Moves the body of `p` to the start of `c`'s, with `p`'s induction
/// variable replaced by `c`'s, and erases `p`. Returns `c`'s body.
fn fuse(ctx: &mut Context, p: OpId, c: OpId) -> BlockId {
    let pv = ForOp::view(ctx, p).expect("a loop");
    let (p_iv, p_body) = (pv.induction_var, pv.body);
    let cv = ForOp::view(ctx, c).expect("a loop");
    let (c_iv, c_body) = (cv.induction_var, cv.body);
    ctx.replace_all_uses(p_iv, c_iv);
    let first = ctx.first_op(c_body).expect("a terminator at least");
    let term = ctx.last_op(p_body);
    for op in ctx.block_ops_vec(p_body) {
        if Some(op) != term {
            ctx.move_op_before(op, first);
        }
    }
    ctx.erase_op(p);
    c_body
}

/// Erases every `memref.alloc`/`memref.alloca` under `func` whose only
/// uses are as the buffer of stores and deallocations, with those uses.
/// Returns how many buffers.
fn erase_write_only_buffers(ctx: &mut Context, func: OpId) -> u64 {
    let mut erased = 0;
    for op in ctx.walk_preorder(func) {
        if ctx.is_erased(op) || !(ctx.op_is(op, "memref.alloc") || ctx.op_is(op, "memref.alloca")) {
            continue;
        }
        let buf = ctx.op(op).results[0];
        let users: Vec<(OpId, u32)> = ctx.uses(buf).iter().map(|u| (u.op, u.index)).collect();
        let write_only = users.iter().all(|&(u, i)| {
            (matches!(ctx.op_name_of(u), "affine.store" | "memref.store") && i == 1)
                || ctx.op_is(u, "memref.dealloc")
        });
        if !write_only {
            continue;
        }
        for (u, _) in users {
            ctx.erase_op(u);
        }
        ctx.erase_op(op);
        erased += 1;
    }
    erased
}
