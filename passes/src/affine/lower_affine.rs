//! `lower-affine`: rewrites every `affine` op into `scf`, `arith` and
//! `memref` ops, as MLIR's pass of that name.
//!
//! | affine | becomes |
//! |--------|---------|
//! | `affine.for` | `scf.for` over `index`; a multi-result lower bound is an `arith.maxsi` chain, an upper bound an `arith.minsi` chain; `iter_args` carry over |
//! | `affine.parallel` | `scf.parallel`, per dimension bounds as for `affine.for`; reductions start from the reduction's identity and combine in `scf.reduce` regions |
//! | `affine.if` | `scf.if` on `arith.cmpi sge/eq` of each constraint against 0, joined by `arith.andi` |
//! | `affine.apply` / `min` / `max` | the expanded expression / an `arith.minsi` / `arith.maxsi` chain |
//! | `affine.load` / `store` | `memref.load` / `store` at the expanded subscripts |
//! | `affine.yield` | `scf.yield`, or `scf.reduce` in a parallel loop |
//!
//! Expressions expand as [`super::expand`] describes. The pass first checks
//! every map it will expand, so a map it cannot lower (a `mod` by a
//! constant that is not positive) is an error before anything changes.

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{AttrData, Attribute, Context, DenseArrayValues, Diagnostic, OpId, Type};
use tessera_dialects::affine::{
    ApplyKind, ApplyOp, ForOp, IfOp, LoadOp, ParallelOp, Reduction, StoreOp, integer_set_attr,
};
use tessera_dialects::{memref, scf};

use super::expand::{Expander, check_map};
use super::util::{int_width, move_block_ops, replace_terminator};

/// The `lower-affine` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct LowerAffine;

/// The registry entry of `lower-affine`.
pub fn lower_affine_info() -> PassInfo {
    PassInfo {
        name: "lower-affine",
        summary: "Lower affine ops to scf, arith and memref ops",
        description: "Rewrites `affine.for` into `scf.for` (bounds computed with `arith` on \
            `index`: the max of a multi-result lower bound, the min of an upper bound), \
            `affine.parallel` into `scf.parallel` (reductions into `scf.reduce` regions \
            starting from the reduction's identity), `affine.if` into `scf.if` (each \
            constraint an `arith.cmpi` against 0, joined by `arith.andi`), \
            `affine.apply`/`min`/`max` into `arith` ops, `affine.load`/`store` into \
            `memref.load`/`store`, and `affine.yield` into `scf.yield` or `scf.reduce`. \
            `floordiv`, `ceildiv` and `mod` keep their affine meaning (rounding towards \
            negative / positive infinity, remainder in `[0, b)`) through `arith.divsi`, \
            `arith.remsi` and a sign correction, as `mlir-opt --lower-affine` does. Fails, \
            before changing anything, on a map dividing by a constant that is not \
            positive.\n\nStatistics: `num-lowered` (affine ops rewritten).",
        anchor: None,
        options: vec![],
        create: |_| Ok(Box::new(LowerAffine)),
    }
}

impl Pass for LowerAffine {
    fn run(
        &mut self,
        ctx: &mut Context,
        root: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let ops = ctx.walk_postorder(root);
        let mut failed = false;
        for &op in &ops {
            if let Err(msg) = check_op(ctx, op) {
                state
                    .diagnostics
                    .push(Diagnostic::error(ctx.op(op).loc, msg));
                failed = true;
            }
        }
        if failed {
            return Err(PassFailed);
        }
        // Children first: when a loop or `affine.if` is lowered its body is
        // already free of affine ops but for its own `affine.yield`, which
        // its lowering replaces.
        let mut lowered = 0;
        for op in ops {
            if !ctx.is_erased(op) && lower_op(ctx, op) {
                lowered += 1;
            }
        }
        state.count("num-lowered", lowered);
        Ok(())
    }
}

/// Checks the maps of `op` can be expanded.
fn check_op(ctx: &Context, op: OpId) -> Result<(), String> {
    let name = ctx.op_name_of(op);
    if !name.starts_with("affine.") {
        return Ok(());
    }
    for (_, a) in &ctx.op(op).attrs {
        if let Some(map) = ctx.attr_data(*a).as_affine_map() {
            check_map(map)?;
        }
    }
    if let Some(set) = integer_set_attr(ctx, op, "condition") {
        for (e, _) in &set.constraints {
            super::expand::check_expr(e)?;
        }
    }
    Ok(())
}

/// Lowers `op` if it is an affine op (other than `affine.yield`, which its
/// parent's lowering handles); returns whether it did.
fn lower_op(ctx: &mut Context, op: OpId) -> bool {
    match ctx.op_name_of(op) {
        "affine.for" => lower_for(ctx, op),
        "affine.parallel" => lower_parallel(ctx, op),
        "affine.if" => lower_if(ctx, op),
        "affine.load" => lower_load(ctx, op),
        "affine.store" => lower_store(ctx, op),
        "affine.apply" | "affine.min" | "affine.max" => lower_apply(ctx, op),
        _ => false,
    }
}

fn lower_for(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = ForOp::view(ctx, op) else {
        return false;
    };
    let (lmap, lops) = (v.lower_map.clone(), v.lower_operands.to_vec());
    let (umap, uops) = (v.upper_map.clone(), v.upper_operands.to_vec());
    let (step, inits, old_body) = (v.step, v.inits.to_vec(), v.body);
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let mut e = Expander::new(&mut b, loc);
    let lb = e.map_min_max(&lmap, &lops, true);
    let ub = e.map_min_max(&umap, &uops, false);
    let step = e.constant(step);
    let built = scf::build_for(&mut b, lb, ub, step, &inits, loc);
    if let Some(y) = ctx.last_op(built.body) {
        ctx.erase_op(y);
    }
    let mut args = vec![built.induction_var];
    args.extend_from_slice(&built.iter_args);
    move_block_ops(ctx, old_body, built.body, &args);
    replace_terminator(ctx, built.body, "scf.yield");
    ctx.replace_op(op, &built.results);
    true
}

/// The `operandSegmentSizes` attribute for groups of these sizes.
fn segments_attr(ctx: &mut Context, sizes: &[usize]) -> Attribute {
    let elem = ctx.i32_type();
    ctx.intern_attr(AttrData::DenseArray {
        elem,
        values: DenseArrayValues::Int(sizes.iter().map(|&s| s as i64).collect()),
    })
}

fn lower_parallel(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = ParallelOp::view(ctx, op) else {
        return false;
    };
    let n = v.induction_vars.len();
    let bounds: Vec<_> = (0..n)
        .map(|i| (v.bound_map(i, false), v.bound_map(i, true)))
        .collect();
    let (lops, uops) = (v.lower_operands.to_vec(), v.upper_operands.to_vec());
    let (steps, reductions, old_body) = (v.steps.clone(), v.reductions.clone(), v.body);
    let result_types: Vec<Type> = v.results.iter().map(|&r| ctx.value_type(r)).collect();
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let mut e = Expander::new(&mut b, loc);
    let mut lbs = Vec::new();
    let mut ubs = Vec::new();
    for (lower, upper) in &bounds {
        let (Some(lower), Some(upper)) = (lower, upper) else {
            return false;
        };
        lbs.push(e.map_min_max(lower, &lops, true));
        ubs.push(e.map_min_max(upper, &uops, false));
    }
    let step_values: Vec<_> = steps.iter().map(|&s| e.constant(s)).collect();
    let mut inits = Vec::new();
    for (&r, &ty) in reductions.iter().zip(&result_types) {
        let a = identity(e.b.ctx, r, ty);
        inits.push(e.b.create_value("arith.constant", &[], ty, &[("value", a)], loc));
    }
    let mut operands = lbs;
    operands.extend(ubs);
    operands.extend(step_values);
    operands.extend_from_slice(&inits);
    let index = b.ctx.index_type();
    let body = b.ctx.create_block(&vec![index; n], loc);
    let region = b.ctx.create_region();
    b.ctx.append_block(region, body);
    let seg = segments_attr(b.ctx, &[n, n, n, inits.len()]);
    let seg_name = b.ctx.symbol("operandSegmentSizes");
    let name = b.ctx.op_name("scf.parallel");
    let state = OperationState::new(name, loc)
        .operands(&operands)
        .results(&result_types)
        .region(region)
        .attr(seg_name, seg);
    let new = b.insert(state);
    let args = ctx.block_args(body).to_vec();
    move_block_ops(ctx, old_body, body, &args);
    // The yield becomes `scf.reduce` with one combining region per result.
    let Some(y) = ctx.last_op(body) else {
        return false;
    };
    let yielded = ctx.op(y).operands.clone();
    let mut state = OperationState::new(ctx.op_name("scf.reduce"), loc).operands(&yielded);
    for (&r, &ty) in reductions.iter().zip(&result_types) {
        state = state.region(combiner_region(ctx, r, ty, loc));
    }
    let mut b = Builder::new(ctx, InsertPoint::End(body));
    b.insert(state);
    ctx.erase_op(y);
    let results = ctx.op(new).results.clone();
    ctx.replace_op(op, &results);
    true
}

/// The `arith` op combining two values for reduction `r`.
fn combiner_name(r: Reduction) -> &'static str {
    use Reduction as R;
    match r {
        R::AddF => "arith.addf",
        R::AddI => "arith.addi",
        // Not accepted by the verifier of `affine.parallel`; keeps the last value.
        R::Assign => "arith.select",
        R::MaximumF => "arith.maximumf",
        R::MaxS => "arith.maxsi",
        R::MaxU => "arith.maxui",
        R::MinimumF => "arith.minimumf",
        R::MinS => "arith.minsi",
        R::MinU => "arith.minui",
        R::MulF => "arith.mulf",
        R::MulI => "arith.muli",
        R::OrI => "arith.ori",
        R::AndI => "arith.andi",
        R::MaxNumF => "arith.maxnumf",
        R::MinNumF => "arith.minnumf",
    }
}

/// A region `^bb0(%l: ty, %r: ty): %c = <combine> %l, %r; scf.reduce.return %c`.
fn combiner_region(
    ctx: &mut Context,
    r: Reduction,
    ty: Type,
    loc: tessera_compiler::Location,
) -> tessera_compiler::RegionId {
    let block = ctx.create_block(&[ty, ty], loc);
    let region = ctx.create_region();
    ctx.append_block(region, block);
    let args = ctx.block_args(block).to_vec();
    let mut b = Builder::new(ctx, InsertPoint::End(block));
    let c = b.create_value(combiner_name(r), &args, ty, &[], loc);
    b.create("scf.reduce.return", &[c], &[], &[], loc);
    region
}

/// The identity of reduction `r` on `ty`, as MLIR's `getIdentityValueAttr`:
/// `x op identity == x` for every `x` (0 for sums, 1 for products, the
/// smallest value for maxima, NaN for the NaN-ignoring float maxima).
pub fn identity(ctx: &mut Context, r: Reduction, ty: Type) -> Attribute {
    use Reduction as R;
    if ctx.is_float(ty) {
        let v = match r {
            R::MulF => 1.0,
            R::MaximumF => f64::NEG_INFINITY,
            R::MinimumF => f64::INFINITY,
            R::MaxNumF | R::MinNumF => f64::NAN,
            _ => 0.0,
        };
        return ctx.float_attr(v, ty);
    }
    let w = int_width(ctx, ty).unwrap_or(64).clamp(1, 64);
    let min_signed = -(1i128 << (w - 1));
    let max_signed = (1i128 << (w - 1)) - 1;
    let v = match r {
        R::MulI => 1,
        R::AndI | R::MinU => -1,
        R::MaxS => min_signed,
        R::MinS => max_signed,
        _ => 0,
    };
    ctx.int_attr(v, ty)
}

fn lower_if(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = IfOp::view(ctx, op) else {
        return false;
    };
    let (set, operands) = (v.condition.clone(), v.operands.to_vec());
    let (then_old, else_old) = (v.then_block, v.else_block);
    let result_types: Vec<Type> = v.results.iter().map(|&r| ctx.value_type(r)).collect();
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let cond = Expander::new(&mut b, loc).set_condition(&set, &operands);
    let (new, then_new, else_new) =
        scf::build_if(&mut b, cond, &result_types, else_old.is_some(), loc);
    for (old, new_block) in [(Some(then_old), Some(then_new)), (else_old, else_new)] {
        let (Some(old), Some(new_block)) = (old, new_block) else {
            continue;
        };
        if let Some(y) = ctx.last_op(new_block) {
            ctx.erase_op(y);
        }
        move_block_ops(ctx, old, new_block, &[]);
        replace_terminator(ctx, new_block, "scf.yield");
    }
    let results = ctx.op(new).results.clone();
    ctx.replace_op(op, &results);
    true
}

fn lower_load(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = LoadOp::view(ctx, op) else {
        return false;
    };
    let (memref, map, indices) = (v.memref, v.map.clone(), v.indices.to_vec());
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let subscripts = Expander::new(&mut b, loc).map(&map, &indices);
    let value = memref::build_load(&mut b, memref, &subscripts, loc);
    ctx.replace_op(op, &[value]);
    true
}

fn lower_store(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = StoreOp::view(ctx, op) else {
        return false;
    };
    let (value, memref, map, indices) = (v.value, v.memref, v.map.clone(), v.indices.to_vec());
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let subscripts = Expander::new(&mut b, loc).map(&map, &indices);
    memref::build_store(&mut b, value, memref, &subscripts, loc);
    ctx.erase_op(op);
    true
}

fn lower_apply(ctx: &mut Context, op: OpId) -> bool {
    let Some(v) = ApplyOp::view(ctx, op) else {
        return false;
    };
    let (kind, map, operands) = (v.kind, v.map.clone(), v.operands.to_vec());
    let loc = ctx.op(op).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(op));
    let mut e = Expander::new(&mut b, loc);
    let value = match kind {
        ApplyKind::Apply => e.map(&map, &operands)[0],
        ApplyKind::Min => e.map_min_max(&map, &operands, false),
        ApplyKind::Max => e.map_min_max(&map, &operands, true),
    };
    ctx.replace_op(op, &[value]);
    true
}
