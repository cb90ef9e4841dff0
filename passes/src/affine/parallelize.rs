//! `affine-parallelize`: turns `affine.for` loops whose iterations are
//! independent into one-dimensional `affine.parallel` loops, as MLIR's
//! pass of that name.
//!
//! A loop is parallel when
//! - it carries no memory dependence: no iteration reads or writes an
//!   element another iteration writes ([`loop_carries_memory_dependence`],
//!   distinct memrefs assumed not to alias), and
//! - each loop-carried value (`iter_args`) is a reduction: the value
//!   yielded is `%acc <op> %x` (or `%x <op> %acc`) where `%acc` is the
//!   loop-carried value, used only there, and `<op>` one of `arith.addf`,
//!   `mulf`, `maximumf`, `minimumf`, `maxnumf`, `minnumf`, `addi`, `muli`,
//!   `maxsi`, `minsi`, `maxui`, `minui`, `andi`, `ori`. With
//!   `parallel-reductions=false` loops with `iter_args` are left alone.
//!
//! A reduction loop becomes `affine.parallel ... reduce ("addf")` yielding
//! `%x`; its result, which starts from the reduction's identity, is then
//! combined with the loop's init (`%init <op> %result`). Float reductions
//! are reassociated, as in MLIR.
//!
//! Loops are visited outermost first. `max-nested` bounds how many
//! `affine.parallel` may enclose each other: with the default 1, a loop
//! inside an `affine.parallel` (one made by this pass, or already there)
//! stays sequential, so only the outermost parallel loop of each nest is
//! converted.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, OpId, Type, Value};
use tessera_dialects::affine::{ForOp, ParallelDim, Reduction, build_parallel};

use super::deps::loop_carries_memory_dependence;
use super::loops::{LoopBounds, MergedOperands};

/// The `affine-parallelize` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct AffineParallelize {
    /// How many `affine.parallel` may be nested.
    pub max_nested: i64,
    /// Whether loops with reductions are converted.
    pub parallel_reductions: bool,
}

/// The registry entry of `affine-parallelize`.
pub fn parallelize_info() -> PassInfo {
    PassInfo {
        name: "affine-parallelize",
        summary: "Convert affine.for ops into 1-D affine.parallel",
        description: "Converts each `affine.for` whose iterations are independent (no memory \
            dependence between iterations; loop-carried values only as reductions such as \
            `%acc + %x`) into an `affine.parallel`, reductions into `reduce (...)` combined \
            with the loop's init afterwards. Outermost loops first; a loop already inside \
            `max-nested` parallel loops stays sequential.\n\nStatistics: \
            `num-parallelized`.",
        anchor: Some("func.func"),
        options: vec![
            PassOptionInfo {
                name: "max-nested",
                kind: OptionKind::Int,
                default: "1",
                help: "Maximum number of nested parallel loops to produce (default 1: the \
                    outermost parallel loop of each nest)",
            },
            PassOptionInfo {
                name: "parallel-reductions",
                kind: OptionKind::Bool,
                default: "true",
                help: "Whether to parallelize reduction loops",
            },
        ],
        create: create_parallelize,
    }
}

fn create_parallelize(o: &PassOptions) -> Result<Box<dyn Pass>, String> {
    let max_nested = o.int("max-nested");
    if max_nested < 1 {
        return Err(format!("max-nested must be at least 1, got {max_nested}"));
    }
    Ok(Box::new(AffineParallelize {
        max_nested,
        parallel_reductions: o.bool("parallel-reductions"),
    }))
}

impl Pass for AffineParallelize {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let loops: Vec<OpId> = ctx
            .walk_preorder(func)
            .into_iter()
            .filter(|&o| ctx.op_is(o, "affine.for"))
            .collect();
        let mut converted = 0;
        for lp in loops {
            if ctx.is_erased(lp) || enclosing_parallels(ctx, lp) >= self.max_nested {
                continue;
            }
            let Some(reductions) = parallel_reductions(ctx, lp) else {
                continue;
            };
            if !reductions.is_empty() && !self.parallel_reductions {
                continue;
            }
            if to_parallel(ctx, lp, &reductions) {
                converted += 1;
            }
        }
        state.count("num-parallelized", converted);
        Ok(())
    }
}

/// How many `affine.parallel` ops enclose `op`.
fn enclosing_parallels(ctx: &Context, op: OpId) -> i64 {
    let mut n = 0;
    let mut cur = ctx.parent_op(op);
    while let Some(p) = cur {
        if ctx.op_is(p, "affine.parallel") {
            n += 1;
        }
        cur = ctx.parent_op(p);
    }
    n
}

/// One reduction of a loop: the kind, the op combining the loop-carried
/// value, and the value each iteration contributes.
#[derive(Clone, Debug)]
pub struct LoopReduction {
    /// The kind.
    pub kind: Reduction,
    /// The op `%acc <op> %x` in the body.
    pub op: OpId,
    /// `%x`.
    pub value: Value,
}

/// The reduction kind of an `arith` op name.
fn reduction_kind(name: &str) -> Option<Reduction> {
    use Reduction as R;
    Some(match name {
        "arith.addf" => R::AddF,
        "arith.mulf" => R::MulF,
        "arith.maximumf" => R::MaximumF,
        "arith.minimumf" => R::MinimumF,
        "arith.maxnumf" => R::MaxNumF,
        "arith.minnumf" => R::MinNumF,
        "arith.addi" => R::AddI,
        "arith.muli" => R::MulI,
        "arith.maxsi" => R::MaxS,
        "arith.minsi" => R::MinS,
        "arith.maxui" => R::MaxU,
        "arith.minui" => R::MinU,
        "arith.andi" => R::AndI,
        "arith.ori" => R::OrI,
        _ => return None,
    })
}

/// The name of the `arith` op combining two values for `kind`.
fn combine_name(kind: Reduction) -> &'static str {
    use Reduction as R;
    match kind {
        R::AddF => "arith.addf",
        R::MulF => "arith.mulf",
        R::MaximumF => "arith.maximumf",
        R::MinimumF => "arith.minimumf",
        R::MaxNumF => "arith.maxnumf",
        R::MinNumF => "arith.minnumf",
        R::AddI => "arith.addi",
        R::MulI => "arith.muli",
        R::MaxS => "arith.maxsi",
        R::MinS => "arith.minsi",
        R::MaxU => "arith.maxui",
        R::MinU => "arith.minui",
        R::AndI => "arith.andi",
        R::OrI => "arith.ori",
        R::Assign => "arith.select",
    }
}

/// The reductions of the `affine.for` `lp` if its iterations may run in
/// parallel (see the [module docs](self)), or `None`.
pub fn parallel_reductions(ctx: &Context, lp: OpId) -> Option<Vec<LoopReduction>> {
    let v = ForOp::view(ctx, lp)?;
    if loop_carries_memory_dependence(ctx, lp, v.induction_var) {
        return None;
    }
    let term = v.yield_op(ctx)?;
    let yielded = &ctx.op(term).operands;
    let mut out = Vec::new();
    for (&acc, &y) in v.iter_args.iter().zip(yielded) {
        let op = ctx.defining_op(y)?;
        if ctx.op(op).parent != Some(v.body) || ctx.uses(y).len() != 1 {
            return None;
        }
        let kind = reduction_kind(ctx.op_name_of(op))?;
        if !kind.accepts(ctx, ctx.value_type(acc)) || ctx.uses(acc).len() != 1 {
            return None;
        }
        // A fast-math or overflow flag would be lost; keep such loops.
        if !ctx.op(op).attrs.is_empty() {
            return None;
        }
        let value = match ctx.op(op).operands[..] {
            [a, x] if a == acc && x != acc => x,
            [x, a] if a == acc && x != acc => x,
            _ => return None,
        };
        out.push(LoopReduction { kind, op, value });
    }
    Some(out)
}

/// Rewrites the `affine.for` `lp` as an `affine.parallel` with these
/// reductions; returns whether it did.
pub fn to_parallel(ctx: &mut Context, lp: OpId, reductions: &[LoopReduction]) -> bool {
    let (Some(bounds), Some(v)) = (LoopBounds::of(ctx, lp), ForOp::view(ctx, lp)) else {
        return false;
    };
    let (iv, old_body, inits) = (v.induction_var, v.body, v.inits.to_vec());
    let results = v.results.to_vec();
    let mut merged = MergedOperands::default();
    let lower = merged.add(&bounds.lower.map, &bounds.lower.operands);
    let upper = merged.add(&bounds.upper.map, &bounds.upper.operands);
    let shared = merged.bound(Vec::<AffineExpr>::new());
    let dim = ParallelDim {
        lower,
        upper,
        step: bounds.step,
    };
    let kinds: Vec<(Reduction, Type)> = reductions
        .iter()
        .zip(&results)
        .map(|(r, &res)| (r.kind, ctx.value_type(res)))
        .collect();
    let loc = ctx.op(lp).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(lp));
    let (par, body) = build_parallel(
        &mut b,
        &[dim],
        shared.map.num_dims,
        &shared.operands,
        &kinds,
        loc,
    );
    if kinds.is_empty()
        && let Some(y) = ctx.last_op(body)
    {
        ctx.erase_op(y);
    }
    let new_iv = ctx.block_args(body)[0];
    ctx.replace_all_uses(iv, new_iv);
    for op in ctx.block_ops_vec(old_body) {
        ctx.detach_op(op);
        ctx.append_op(body, op);
    }
    if let Some(term) = ctx.last_op(body) {
        let values: Vec<Value> = reductions.iter().map(|r| r.value).collect();
        ctx.set_operands(term, &values);
    }
    for r in reductions {
        ctx.erase_op(r.op);
    }
    // Combine each reduced value with the loop's init.
    let par_results = ctx.op(par).results.clone();
    let mut b = Builder::new(ctx, InsertPoint::After(par));
    let mut finals = Vec::new();
    for ((r, &init), &pr) in reductions.iter().zip(&inits).zip(&par_results) {
        let ty = b.ctx.value_type(pr);
        finals.push(b.create_value(combine_name(r.kind), &[init, pr], ty, &[], loc));
    }
    ctx.replace_op(lp, &finals);
    true
}
