//! Utilities on `affine.for` loops shared by the loop passes: bounds as
//! owned data, trip counts, rewriting bounds and steps, promoting a
//! single-iteration loop into its parent, and unrolling by a factor.

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::ir::{ValueMap, clone_op};
use tessera_compiler::{AttrData, Context, DenseArrayValues, OpId, Value};
use tessera_dialects::affine::{ApplyKind, ForOp, build_apply, map_attribute};

/// A loop bound: a map (max of results for a lower bound, min for an
/// upper one) and its operands (dimensions, then symbols).
#[derive(Clone, Debug, PartialEq)]
pub struct BoundMap {
    /// The map.
    pub map: AffineMap,
    /// Its operands.
    pub operands: Vec<Value>,
}

impl BoundMap {
    /// A constant bound.
    pub fn constant(c: i64) -> Self {
        BoundMap {
            map: AffineMap::constant(c),
            operands: Vec::new(),
        }
    }

    /// The value when the map has one constant result.
    pub fn as_constant(&self) -> Option<i64> {
        self.map.single_constant()
    }
}

/// An `affine.for`'s bounds, step and inits, owned.
#[derive(Clone, Debug)]
pub struct LoopBounds {
    /// The lower bound (max of its results).
    pub lower: BoundMap,
    /// The upper bound (min of its results).
    pub upper: BoundMap,
    /// The positive step.
    pub step: i64,
}

impl LoopBounds {
    /// The bounds of the `affine.for` `op`.
    pub fn of(ctx: &Context, op: OpId) -> Option<Self> {
        let v = ForOp::view(ctx, op)?;
        Some(LoopBounds {
            lower: BoundMap {
                map: v.lower_map.clone(),
                operands: v.lower_operands.to_vec(),
            },
            upper: BoundMap {
                map: v.upper_map.clone(),
                operands: v.upper_operands.to_vec(),
            },
            step: v.step,
        })
    }
}

/// Operands gathered from several maps, deduplicated: the dimensions of
/// every map, then the symbols.
#[derive(Clone, Debug, Default)]
pub struct MergedOperands {
    /// Values used as dimensions.
    pub dims: Vec<Value>,
    /// Values used as symbols.
    pub syms: Vec<Value>,
}

impl MergedOperands {
    /// Adds `map`'s operands and returns its results rewritten over the
    /// merged dimensions and symbols.
    pub fn add(&mut self, map: &AffineMap, operands: &[Value]) -> Vec<AffineExpr> {
        let nd = map.num_dims as usize;
        let dims: Vec<AffineExpr> = operands[..nd]
            .iter()
            .map(|&v| AffineExpr::Dim(position(&mut self.dims, v)))
            .collect();
        let syms: Vec<AffineExpr> = operands[nd..]
            .iter()
            .map(|&v| AffineExpr::Symbol(position(&mut self.syms, v)))
            .collect();
        map.results
            .iter()
            .map(|e| e.replace_dims_and_symbols(&dims, &syms))
            .collect()
    }

    /// A map of `results` over the merged operands, and those operands.
    pub fn bound(&self, results: Vec<AffineExpr>) -> BoundMap {
        let mut operands = self.dims.clone();
        operands.extend_from_slice(&self.syms);
        BoundMap {
            map: AffineMap::new(self.dims.len() as u32, self.syms.len() as u32, results),
            operands,
        }
    }
}

/// The position of `v` in `list`, appending it if absent.
fn position(list: &mut Vec<Value>, v: Value) -> u32 {
    match list.iter().position(|&x| x == v) {
        Some(i) => i as u32,
        None => {
            list.push(v);
            (list.len() - 1) as u32
        }
    }
}

/// The trip count `(ub - lb) ceildiv step` of a loop whose bounds have one
/// result each, over merged operands. Negative means no iteration.
pub fn trip_count_expr(b: &LoopBounds) -> Option<(AffineExpr, MergedOperands)> {
    if b.lower.map.results.len() != 1 || b.upper.map.results.len() != 1 {
        return None;
    }
    let mut m = MergedOperands::default();
    let lb = m.add(&b.lower.map, &b.lower.operands).remove(0);
    let ub = m.add(&b.upper.map, &b.upper.operands).remove(0);
    Some(((ub - lb).ceil_div(b.step), m))
}

/// The number of iterations when it is a known constant (at least 0).
pub fn constant_trip_count(b: &LoopBounds) -> Option<i64> {
    if let (Some(lbs), Some(ubs)) = (
        b.lower.map.constant_results(),
        b.upper.map.constant_results(),
    ) {
        let lb = *lbs.iter().max()?;
        let ub = *ubs.iter().min()?;
        return Some(if ub <= lb {
            0
        } else {
            (ub - lb + b.step - 1) / b.step
        });
    }
    let (tc, _) = trip_count_expr(b)?;
    tc.as_constant().map(|c| c.max(0))
}

/// The `operandSegmentSizes` attribute for groups of these sizes.
pub fn segments_attr(ctx: &mut Context, sizes: &[usize]) -> tessera_compiler::Attribute {
    let elem = ctx.i32_type();
    ctx.intern_attr(AttrData::DenseArray {
        elem,
        values: DenseArrayValues::Int(sizes.iter().map(|&s| s as i64).collect()),
    })
}

/// Rewrites the bounds of the `affine.for` `op` (its inits stay).
pub fn set_bounds(ctx: &mut Context, op: OpId, lower: &BoundMap, upper: &BoundMap) {
    let inits = ForOp::view(ctx, op)
        .map(|v| v.inits.to_vec())
        .unwrap_or_default();
    let mut operands = lower.operands.clone();
    operands.extend_from_slice(&upper.operands);
    operands.extend_from_slice(&inits);
    ctx.set_operands(op, &operands);
    let a = map_attribute(ctx, lower.map.clone());
    ctx.set_attr(op, "lowerBoundMap", a);
    let a = map_attribute(ctx, upper.map.clone());
    ctx.set_attr(op, "upperBoundMap", a);
    let a = segments_attr(
        ctx,
        &[lower.operands.len(), upper.operands.len(), inits.len()],
    );
    ctx.set_attr(op, "operandSegmentSizes", a);
}

/// Sets the step of the `affine.for` `op`.
pub fn set_step(ctx: &mut Context, op: OpId, step: i64) {
    let index = ctx.index_type();
    let a = ctx.int_attr(step as i128, index);
    ctx.set_attr(op, "step", a);
}

/// If the `affine.for` `op` runs exactly once, replaces it by its body
/// (the induction variable becomes the lower bound, the loop-carried
/// values the inits) and returns true.
pub fn promote_if_single_iteration(ctx: &mut Context, op: OpId) -> bool {
    let Some(bounds) = LoopBounds::of(ctx, op) else {
        return false;
    };
    let constant_start = bounds
        .lower
        .map
        .constant_results()
        .and_then(|v| v.into_iter().max());
    if constant_trip_count(&bounds) != Some(1)
        || (constant_start.is_none() && bounds.lower.map.results.len() != 1)
    {
        return false;
    }
    let Some(v) = ForOp::view(ctx, op) else {
        return false;
    };
    let (iv, iter_args, inits, body) = (
        v.induction_var,
        v.iter_args.to_vec(),
        v.inits.to_vec(),
        v.body,
    );
    let loc = ctx.op(op).loc;
    if !ctx.is_unused(iv) {
        let mut b = Builder::new(ctx, InsertPoint::Before(op));
        let start = match constant_start {
            Some(c) => super::util::index_const(&mut b, c, loc),
            None => build_apply(
                &mut b,
                ApplyKind::Apply,
                bounds.lower.map.clone(),
                &bounds.lower.operands,
                loc,
            ),
        };
        ctx.replace_all_uses(iv, start);
    }
    for (&a, &i) in iter_args.iter().zip(&inits) {
        ctx.replace_all_uses(a, i);
    }
    let Some(term) = ctx.last_op(body) else {
        return false;
    };
    let yielded = ctx.op(term).operands.clone();
    for o in ctx.block_ops_vec(body) {
        if o != term {
            ctx.move_op_before(o, op);
        }
    }
    ctx.replace_op(op, &yielded);
    true
}

/// Appends `factor - 1` copies of the body of the `affine.for` `op` (all
/// but its terminator) before the terminator, copy `i` seeing the
/// induction variable plus `i * step` (through `affine.apply`) and the
/// previous copy's yielded values as its loop-carried values; the
/// terminator then yields the last copy's values. The step is not changed.
pub fn replicate_body(ctx: &mut Context, op: OpId, factor: i64, step: i64) {
    let Some(v) = ForOp::view(ctx, op) else {
        return;
    };
    let (iv, iter_args, body) = (v.induction_var, v.iter_args.to_vec(), v.body);
    let Some(term) = ctx.last_op(body) else {
        return;
    };
    let originals: Vec<OpId> = ctx
        .block_ops_vec(body)
        .into_iter()
        .filter(|&o| o != term)
        .collect();
    let loc = ctx.op(op).loc;
    let original_yield = ctx.op(term).operands.clone();
    let mut last_yield = original_yield.clone();
    for i in 1..factor {
        let mut map = ValueMap::new();
        if !ctx.is_unused(iv) {
            let shifted = AffineMap::new(1, 0, vec![AffineExpr::Dim(0) + i * step]);
            let mut b = Builder::new(ctx, InsertPoint::Before(term));
            let v = build_apply(&mut b, ApplyKind::Apply, shifted, &[iv], loc);
            map.insert(iv, v);
        }
        for (&a, &y) in iter_args.iter().zip(&last_yield) {
            map.insert(a, y);
        }
        for &o in &originals {
            let c = clone_op(ctx, o, &mut map);
            ctx.insert_op_before(term, c);
        }
        last_yield = original_yield
            .iter()
            .map(|&y| map.lookup_or_self(y))
            .collect();
    }
    ctx.set_operands(term, &last_yield);
}

/// Why a loop was not unrolled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnrollRefusal {
    /// Not a well-formed `affine.for`.
    NotALoop,
    /// Fewer iterations than the factor.
    TooFewIterations,
    /// The trip count may not divide the factor and a bound has several
    /// results, so the cleanup loop's bound is not expressible.
    MultiResultBound,
}

/// Unrolls the `affine.for` `op` by `factor` as MLIR's
/// `loopUnrollByFactor`: when the trip count may not be a multiple of
/// `factor`, a cleanup loop after it runs the remaining iterations (or,
/// with `cleanup_full`, the whole loop is unrolled instead); the step is
/// multiplied by `factor` and the body replicated. A loop left with one
/// iteration is promoted into its parent. Returns whether it changed.
pub fn unroll_by_factor(
    ctx: &mut Context,
    op: OpId,
    factor: i64,
    cleanup_full: bool,
) -> Result<bool, UnrollRefusal> {
    let bounds = LoopBounds::of(ctx, op).ok_or(UnrollRefusal::NotALoop)?;
    if factor <= 1 {
        return Ok(promote_if_single_iteration(ctx, op));
    }
    let body = ForOp::view(ctx, op).ok_or(UnrollRefusal::NotALoop)?.body;
    if ctx.first_op(body) == ctx.last_op(body) {
        // Nothing but the terminator.
        return Ok(false);
    }
    let tc = constant_trip_count(&bounds);
    if let Some(tc) = tc
        && tc < factor
    {
        if cleanup_full {
            return unroll_full(ctx, op);
        }
        return Err(UnrollRefusal::TooFewIterations);
    }
    let divisor = match tc {
        Some(tc) => tc as u64,
        None => trip_count_expr(&bounds).map_or(1, |(e, _)| e.largest_known_divisor()),
    };
    if divisor == 0 || !divisor.is_multiple_of(factor as u64) {
        if bounds.lower.map.results.len() != 1 || bounds.upper.map.results.len() != 1 {
            return Err(UnrollRefusal::MultiResultBound);
        }
        if cleanup_full {
            return unroll_full(ctx, op);
        }
        add_cleanup_loop(ctx, op, &bounds, factor, tc);
    }
    set_step(ctx, op, bounds.step * factor);
    replicate_body(ctx, op, factor, bounds.step);
    promote_if_single_iteration(ctx, op);
    Ok(true)
}

/// Splits off the iterations past the last multiple of `factor` into a
/// copy of the loop right after it, which takes over the loop's results.
fn add_cleanup_loop(
    ctx: &mut Context,
    op: OpId,
    bounds: &LoopBounds,
    factor: i64,
    tc: Option<i64>,
) {
    // The first iteration the unrolled loop does not cover.
    let split = match tc {
        Some(tc) => BoundMap {
            map: AffineMap::new(
                bounds.lower.map.num_dims,
                bounds.lower.map.num_symbols,
                vec![bounds.lower.map.results[0].clone() + (tc - tc % factor) * bounds.step],
            ),
            operands: bounds.lower.operands.clone(),
        },
        None => {
            let (count, mut merged) = trip_count_expr(bounds).expect("single-result bounds");
            let lb = merged
                .add(&bounds.lower.map, &bounds.lower.operands)
                .remove(0);
            let whole = count.clone() - count.modulo(factor);
            merged.bound(vec![lb + whole * bounds.step])
        }
    };
    let mut map = ValueMap::new();
    let cleanup = clone_op(ctx, op, &mut map);
    ctx.insert_op_after(op, cleanup);
    let results = ctx.op(op).results.clone();
    let cleanup_results = ctx.op(cleanup).results.clone();
    for (&r, &c) in results.iter().zip(&cleanup_results) {
        ctx.replace_all_uses(r, c);
    }
    // The cleanup loop starts from the unrolled loop's results.
    let n_bounds = bounds.lower.operands.len() + bounds.upper.operands.len();
    for (i, &r) in results.iter().enumerate() {
        ctx.set_operand(cleanup, n_bounds + i, r);
    }
    // With an unknown trip count, `split` is below the lower bound when the
    // loop runs no iteration; the cleanup loop then starts at the bound.
    let cleanup_lower = if tc.is_some() {
        split.clone()
    } else {
        let mut merged = MergedOperands::default();
        let s = merged.add(&split.map, &split.operands).remove(0);
        let lb = merged
            .add(&bounds.lower.map, &bounds.lower.operands)
            .remove(0);
        merged.bound(vec![s, lb])
    };
    set_bounds(ctx, cleanup, &cleanup_lower, &bounds.upper);
    promote_if_single_iteration(ctx, cleanup);
    set_bounds(ctx, op, &bounds.lower, &split);
}

/// Fully unrolls the `affine.for` `op` when its trip count is a known
/// constant: a loop of no iteration is left alone (MLIR's choice), one of
/// one iteration is promoted. Returns whether it changed.
pub fn unroll_full(ctx: &mut Context, op: OpId) -> Result<bool, UnrollRefusal> {
    let bounds = LoopBounds::of(ctx, op).ok_or(UnrollRefusal::NotALoop)?;
    match constant_trip_count(&bounds) {
        Some(0) => Ok(false),
        Some(1) => Ok(promote_if_single_iteration(ctx, op)),
        Some(tc) => unroll_by_factor(ctx, op, tc, false),
        None => Err(UnrollRefusal::TooFewIterations),
    }
}

/// The `affine.for` ops under `root` with no `affine.for` inside them.
pub fn innermost_loops(ctx: &Context, root: OpId) -> Vec<OpId> {
    ctx.walk_postorder(root)
        .into_iter()
        .filter(|&o| {
            ctx.op_is(o, "affine.for")
                && !ctx
                    .walk_preorder(o)
                    .iter()
                    .any(|&i| ctx.op_is(i, "affine.for"))
        })
        .collect()
}
