//! `affine-loop-unroll-jam`: unrolls an outer `affine.for` and fuses
//! ("jams") the copies of each inner loop into one, as MLIR's pass of that
//! name:
//!
//! ```text
//! for i step 1 { A(i); for j { B(i, j) } }        // factor 2
//! for i step 2 { A(i); A(i+1); for j { B(i, j); B(i+1, j) } }
//! ```
//!
//! The pass applies to each outermost `affine.for` of the function (MLIR's
//! applies to the first op of the function only, if it is a loop). Within
//! the loop body, every maximal run of ops other than `affine.for` is
//! followed by its `factor - 1` copies (copy `k` seeing the induction
//! variable plus `k * step`), and each inner `affine.for` is jammed in turn:
//! its body gets the same treatment, and its loop-carried values are
//! duplicated, one set per copy (so `C[i, j]` and `C[i + 1, j]`
//! accumulators stay separate). Trip counts that may not be multiples of
//! the factor get a cleanup loop, as in `affine-loop-unroll`.
//!
//! The rewrite is done only when it keeps the meaning:
//! - no inner loop bound depends on the outer induction variable;
//! - the outer loop carries no value (`iter_args`) and no memory
//!   dependence ([`loop_carries_memory_dependence`]): its iterations are
//!   independent, so interleaving them is allowed.
//!
//! A loop without inner loops is simply unrolled.

use std::collections::HashSet;

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::{Builder, InsertPoint, ValueMap, clone_op};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{BlockId, Context, OpId, Value};
use tessera_dialects::affine::{ApplyKind, Bound, ForOp, build_apply, build_for};

use super::deps::loop_carries_memory_dependence;
use super::loops::{
    LoopBounds, MergedOperands, constant_trip_count, promote_if_single_iteration, set_bounds,
    set_step, trip_count_expr, unroll_by_factor,
};

/// The `affine-loop-unroll-jam` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct AffineLoopUnrollJam {
    /// The unroll-jam factor.
    pub factor: i64,
}

/// The registry entry of `affine-loop-unroll-jam`.
pub fn unroll_jam_info() -> PassInfo {
    PassInfo {
        name: "affine-loop-unroll-jam",
        summary: "Unroll and jam affine loops",
        description: "Unrolls each outermost `affine.for` of the function by \
            `unroll-jam-factor` and jams the copies of its inner loops into one loop \
            (their loop-carried values duplicated per copy), with a cleanup loop when the \
            trip count may not be a multiple of the factor. Done only when the outer loop \
            carries no value and no memory dependence and no inner bound depends on its \
            induction variable.\n\nStatistics: `num-unroll-jammed`.",
        anchor: Some("func.func"),
        options: vec![PassOptionInfo {
            name: "unroll-jam-factor",
            kind: OptionKind::Int,
            default: "4",
            help: "Use this unroll jam factor for all loops (default 4)",
        }],
        create: create_unroll_jam,
    }
}

fn create_unroll_jam(o: &PassOptions) -> Result<Box<dyn Pass>, String> {
    let factor = o.int("unroll-jam-factor");
    if factor < 1 {
        return Err(format!(
            "unroll-jam-factor must be at least 1, got {factor}"
        ));
    }
    Ok(Box::new(AffineLoopUnrollJam { factor }))
}

impl Pass for AffineLoopUnrollJam {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let Some(body) = ctx.entry_block(func, 0) else {
            return Ok(());
        };
        let mut jammed = 0;
        for op in ctx.block_ops_vec(body) {
            if ctx.op_is(op, "affine.for") && unroll_jam_by_factor(ctx, op, self.factor) {
                jammed += 1;
            }
        }
        state.count("num-unroll-jammed", jammed);
        Ok(())
    }
}

/// Whether `lp` has an `affine.for` nested in it.
fn has_inner_loop(ctx: &Context, lp: OpId) -> bool {
    ctx.walk_preorder(lp)
        .iter()
        .any(|&o| ctx.op_is(o, "affine.for"))
}

/// Whether a bound of an inner loop of `lp` depends on `iv`.
fn inner_bounds_depend_on(ctx: &Context, lp: OpId, iv: Value) -> bool {
    let mut tainted: HashSet<Value> = HashSet::from([iv]);
    for op in ctx.walk_preorder(lp) {
        let data = ctx.op(op);
        if data.operands.iter().any(|v| tainted.contains(v)) {
            tainted.extend(data.results.iter().copied());
        }
    }
    ctx.walk_preorder(lp).into_iter().any(|op| {
        LoopBounds::of(ctx, op).is_some_and(|b| {
            b.lower
                .operands
                .iter()
                .chain(&b.upper.operands)
                .any(|v| tainted.contains(v))
        })
    })
}

/// Unroll-jams the `affine.for` `op` by `factor` when that keeps its
/// meaning (see the [module docs](self)); returns whether it changed.
pub fn unroll_jam_by_factor(ctx: &mut Context, op: OpId, factor: i64) -> bool {
    if factor <= 1 || !has_inner_loop(ctx, op) {
        return unroll_by_factor(ctx, op, factor, false).unwrap_or(false);
    }
    let Some(v) = ForOp::view(ctx, op) else {
        return false;
    };
    let (iv, has_iter_args) = (v.induction_var, !v.inits.is_empty());
    if has_iter_args
        || inner_bounds_depend_on(ctx, op, iv)
        || loop_carries_memory_dependence(ctx, op, iv)
    {
        return false;
    }
    let Some(bounds) = LoopBounds::of(ctx, op) else {
        return false;
    };
    let tc = constant_trip_count(&bounds);
    if tc.is_some_and(|tc| tc < factor) {
        return false;
    }
    let divisor = match tc {
        Some(tc) => tc as u64,
        None => trip_count_expr(&bounds).map_or(1, |(e, _)| e.largest_known_divisor()),
    };
    if divisor == 0 || !divisor.is_multiple_of(factor as u64) {
        if bounds.lower.map.results.len() != 1 || bounds.upper.map.results.len() != 1 {
            return false;
        }
        add_cleanup(ctx, op, &bounds, factor, tc);
    }
    set_step(ctx, op, bounds.step * factor);
    let Some(body) = ForOp::view(ctx, op).map(|v| v.body) else {
        return false;
    };
    // One value map per copy: the induction variable shifted by k * step.
    let loc = ctx.op(op).loc;
    // The shifted induction variables are made detached, so the jamming
    // does not copy them, and put at the top of the body afterwards.
    let mut maps = Vec::new();
    let mut shifts = Vec::new();
    for k in 1..factor {
        let mut m = ValueMap::new();
        let shifted = AffineMap::new(1, 0, vec![AffineExpr::Dim(0) + k * bounds.step]);
        let mut b = Builder::new(ctx, InsertPoint::Detached);
        let s = build_apply(&mut b, ApplyKind::Apply, shifted, &[iv], loc);
        m.insert(iv, s);
        shifts.push(s);
        maps.push(m);
    }
    jam_block(ctx, body, &mut maps);
    for s in shifts.into_iter().rev() {
        let Some(op) = ctx.defining_op(s) else {
            continue;
        };
        match ctx.first_op(body) {
            _ if ctx.is_unused(s) => ctx.erase_op(op),
            Some(first) => ctx.insert_op_before(first, op),
            None => ctx.append_op(body, op),
        }
    }
    promote_if_single_iteration(ctx, op);
    true
}

/// The cleanup loop for a trip count that may not be a multiple of
/// `factor`: the same split as `affine-loop-unroll`.
fn add_cleanup(ctx: &mut Context, op: OpId, bounds: &LoopBounds, factor: i64, tc: Option<i64>) {
    let split = match tc {
        Some(tc) => {
            let mut m = MergedOperands::default();
            let lb = m.add(&bounds.lower.map, &bounds.lower.operands).remove(0);
            m.bound(vec![lb + (tc - tc % factor) * bounds.step])
        }
        None => {
            let (count, mut m) = trip_count_expr(bounds).expect("single-result bounds");
            let lb = m.add(&bounds.lower.map, &bounds.lower.operands).remove(0);
            let whole = count.clone() - count.modulo(factor);
            m.bound(vec![lb + whole * bounds.step])
        }
    };
    let mut map = ValueMap::new();
    let cleanup = clone_op(ctx, op, &mut map);
    ctx.insert_op_after(op, cleanup);
    let cleanup_lower = if tc.is_some() {
        split.clone()
    } else {
        let mut m = MergedOperands::default();
        let s = m.add(&split.map, &split.operands).remove(0);
        let lb = m.add(&bounds.lower.map, &bounds.lower.operands).remove(0);
        m.bound(vec![s, lb])
    };
    set_bounds(ctx, cleanup, &cleanup_lower, &bounds.upper);
    promote_if_single_iteration(ctx, cleanup);
    set_bounds(ctx, op, &bounds.lower, &split);
}

/// Jams the copies described by `maps` into `block`: each run of ops
/// other than `affine.for` is followed by its copies; inner loops are
/// jammed by [`jam_loop`].
fn jam_block(ctx: &mut Context, block: BlockId, maps: &mut [ValueMap]) {
    let Some(term) = ctx.last_op(block) else {
        return;
    };
    let mut run = Vec::new();
    for op in ctx.block_ops_vec(block) {
        if op == term {
            break;
        }
        if ctx.op_is(op, "affine.for") {
            flush_run(ctx, &run, op, maps);
            run.clear();
            jam_loop(ctx, op, maps);
        } else {
            run.push(op);
        }
    }
    flush_run(ctx, &run, term, maps);
}

/// Inserts, before `anchor`, the copies of `run` for each map in turn.
fn flush_run(ctx: &mut Context, run: &[OpId], anchor: OpId, maps: &mut [ValueMap]) {
    for m in maps.iter_mut() {
        for &op in run {
            let c = clone_op(ctx, op, m);
            ctx.insert_op_before(anchor, c);
        }
    }
}

/// Jams an inner `affine.for`: duplicates its loop-carried values per
/// copy (rebuilding the loop with the extra inits and results), then jams
/// its body and extends its yield.
fn jam_loop(ctx: &mut Context, lp: OpId, maps: &mut [ValueMap]) {
    let Some(v) = ForOp::view(ctx, lp) else {
        return;
    };
    if v.inits.is_empty() {
        let body = v.body;
        jam_block(ctx, body, maps);
        return;
    }
    let n = v.inits.len();
    let inits = v.inits.to_vec();
    let (old_body, old_iv, old_args) = (v.body, v.induction_var, v.iter_args.to_vec());
    let Some(bounds) = LoopBounds::of(ctx, lp) else {
        return;
    };
    let mut all_inits = inits.clone();
    for m in maps.iter() {
        all_inits.extend(inits.iter().map(|&x| m.lookup_or_self(x)));
    }
    let loc = ctx.op(lp).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(lp));
    let built = build_for(
        &mut b,
        Bound::Map(bounds.lower.map.clone(), bounds.lower.operands.clone()),
        Bound::Map(bounds.upper.map.clone(), bounds.upper.operands.clone()),
        bounds.step,
        &all_inits,
        loc,
    );
    // Move the body over; the original loop-carried values are the first n.
    ctx.replace_all_uses(old_iv, built.induction_var);
    for (&o, &nw) in old_args.iter().zip(&built.iter_args) {
        ctx.replace_all_uses(o, nw);
    }
    for op in ctx.block_ops_vec(old_body) {
        ctx.detach_op(op);
        ctx.append_op(built.body, op);
    }
    for (k, m) in maps.iter_mut().enumerate() {
        for j in 0..n {
            m.insert(built.iter_args[j], built.iter_args[n * (k + 1) + j]);
        }
    }
    jam_block(ctx, built.body, maps);
    if let Some(term) = ctx.last_op(built.body) {
        let yielded = ctx.op(term).operands.clone();
        let mut all = yielded.clone();
        for m in maps.iter() {
            all.extend(yielded.iter().map(|&y| m.lookup_or_self(y)));
        }
        ctx.set_operands(term, &all);
    }
    let old_results = ctx.op(lp).results.clone();
    for (j, &r) in old_results.iter().enumerate() {
        ctx.replace_all_uses(r, built.results[j]);
    }
    for (k, m) in maps.iter_mut().enumerate() {
        for j in 0..n {
            m.insert(built.results[j], built.results[n * (k + 1) + j]);
        }
    }
    ctx.erase_op(lp);
}
