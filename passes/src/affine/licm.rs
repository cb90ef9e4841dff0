//! `loop-invariant-code-motion`: moves the computations a loop repeats
//! unchanged to just before it, as MLIR's pass of that name.
//!
//! Loops are `affine.for`, `affine.parallel`, `scf.for`, `scf.parallel` and
//! `scf.while` (both of its regions). An op directly in a loop body is
//! hoisted when
//!
//! - every operand is defined outside the loop,
//! - it is pure (the `PURE` trait), has no regions and is not a terminator,
//! - and it is speculatable: running it when the loop would not have run
//!   (zero iterations) cannot be undefined behaviour. Integer divisions
//!   and remainders are speculatable only by a constant that is neither 0
//!   nor, when signed, -1.
//!
//! Inner loops are processed first, so an invariant hoisted out of an
//! inner loop can leave the outer one too; within a body ops are visited
//! in order, so a chain of invariant ops moves together. Loads are never
//! hoisted (MLIR's pass does not either: a store in the loop, or a loop
//! that does not run, would make that wrong).

use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{BlockId, Context, OpId, OpTraits};

use super::util::{constant_int, defined_outside};

/// The `loop-invariant-code-motion` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct LoopInvariantCodeMotion;

/// The registry entry of `loop-invariant-code-motion`.
pub fn licm_info() -> PassInfo {
    PassInfo {
        name: "loop-invariant-code-motion",
        summary: "Hoist loop invariant pure ops out of loops",
        description: "In every `affine.for`, `affine.parallel`, `scf.for`, `scf.parallel` and \
            `scf.while`, innermost loops first, moves each op of the body whose operands are \
            all defined outside the loop to just before the loop, if it is pure, has no \
            regions and is speculatable (integer divisions only by a constant other than 0 \
            and, signed, -1). Loads and other ops with memory effects stay, as in MLIR.\
            \n\nStatistics: `num-hoisted`.",
        anchor: None,
        options: vec![],
        create: |_| Ok(Box::new(LoopInvariantCodeMotion)),
    }
}

impl Pass for LoopInvariantCodeMotion {
    fn run(
        &mut self,
        ctx: &mut Context,
        root: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut hoisted = 0;
        for op in ctx.walk_postorder(root) {
            if is_loop(ctx, op) {
                hoisted += hoist_invariants(ctx, op);
            }
        }
        state.count("num-hoisted", hoisted);
        Ok(())
    }
}

/// Whether `op` is one of the loops the pass handles.
pub fn is_loop(ctx: &Context, op: OpId) -> bool {
    matches!(
        ctx.op_name_of(op),
        "affine.for" | "affine.parallel" | "scf.for" | "scf.parallel" | "scf.while"
    )
}

/// The blocks of `op`'s regions.
fn loop_blocks(ctx: &Context, op: OpId) -> Vec<BlockId> {
    ctx.op(op)
        .regions
        .iter()
        .flat_map(|&r| ctx.region(r).blocks.clone())
        .collect()
}

/// Hoists the invariant ops of `lp` to just before it; returns how many.
pub fn hoist_invariants(ctx: &mut Context, lp: OpId) -> u64 {
    let mut n = 0;
    for block in loop_blocks(ctx, lp) {
        for op in ctx.block_ops_vec(block) {
            if can_hoist(ctx, op, lp) {
                ctx.move_op_before(op, lp);
                n += 1;
            }
        }
    }
    n
}

/// Whether `op`, directly in a body of `lp`, may run once before `lp`.
fn can_hoist(ctx: &Context, op: OpId, lp: OpId) -> bool {
    ctx.op_has_traits(op, OpTraits::PURE)
        && !ctx.op_has_traits(op, OpTraits::TERMINATOR)
        && ctx.op(op).regions.is_empty()
        && ctx
            .op(op)
            .operands
            .iter()
            .all(|&v| defined_outside(ctx, v, lp))
        && is_speculatable(ctx, op)
}

/// Whether a pure op cannot be undefined behaviour whatever its operands:
/// integer divisions need a constant divisor that is not 0 (nor -1 when
/// signed, where `MIN / -1` overflows).
pub fn is_speculatable(ctx: &Context, op: OpId) -> bool {
    let signed = match ctx.op_name_of(op) {
        "arith.divsi" | "arith.remsi" | "arith.ceildivsi" | "arith.floordivsi" => true,
        "arith.divui" | "arith.remui" | "arith.ceildivui" => false,
        _ => return true,
    };
    let Some(&divisor) = ctx.op(op).operands.get(1) else {
        return false;
    };
    match constant_int(ctx, divisor) {
        Some(0) | None => false,
        Some(-1) => !signed,
        Some(_) => true,
    }
}
