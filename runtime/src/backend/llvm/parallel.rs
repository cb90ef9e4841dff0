//! `scf.parallel` on the runtime's thread pool: the loop body is outlined
//! into a function the pool runs on chunks of the iteration space.
//!
//! For a parallel loop without reductions, when compiling for more than one
//! thread ([`Translator::threads`]), the outermost dimension is split over
//! the workers; inner dimensions run sequentially inside the body. The
//! loop becomes
//!
//! ```text
//! ctx = {captured values}            ; a stack struct in the caller
//! _tessera_parallel_for(@__tessera_parallel_N, &ctx, 0, trip_count, threads)
//!
//! internal void @__tessera_parallel_N(ptr ctx, i64 lo, i64 hi):
//!   load the captured values from ctx
//!   for i in lo..hi: iv = lb + i * step; inner dimensions; body
//! ```
//!
//! Workers get iteration *indices*, so chunk boundaries never split a step.
//! The captured values are everything the loop uses but does not define
//! (memrefs as their descriptor fields, static ones reloaded as constants).
//! Parallel loops nested inside the body run sequentially: the outer loop
//! already keeps every worker busy. Loops with `scf.reduce` results stay
//! sequential (a parallel reduction would need per-chunk partial results
//! combined in a fixed order to stay bit-identical).

use std::collections::HashSet;

use inkwell::IntPredicate;
use inkwell::module::Linkage;
use inkwell::types::{BasicMetadataTypeEnum, BasicTypeEnum};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum};
use tessera_compiler::{OpId, Value};
use tessera_dialects::memref::memref_parts;
use tessera_dialects::scf::ParallelOp;

use super::scf::run_parallel_dims;
use super::translate::{R, Translator, Val, type_of};
use crate::backend::parallel::PARALLEL_FOR;

/// Prefix of the outlined body functions (reserved by the translator).
const BODY_PREFIX: &str = "__tessera_parallel_";

/// Whether `op` (an `scf.parallel`) runs on the thread pool.
pub(super) fn is_outlined(t: &Translator<'_, '_>, p: &ParallelOp<'_>) -> bool {
    t.threads > 1 && p.inits.is_empty() && p.results.is_empty() && !p.lower.is_empty()
}

/// The values `op` uses but does not define, in first-use order: its own
/// bounds and steps, then the operands of nested ops defined outside.
fn captured(t: &Translator<'_, '_>, op: OpId) -> Vec<Value> {
    let ir = t.ir;
    let nested = ir.walk_preorder(op);
    let mut defined: HashSet<Value> = HashSet::new();
    for &o in std::iter::once(&op).chain(&nested) {
        for &r in &ir.op(o).regions {
            for &b in &ir.region(r).blocks {
                defined.extend(ir.block_args(b).iter().copied());
            }
        }
        if o != op {
            defined.extend(ir.op(o).results.iter().copied());
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for &o in std::iter::once(&op).chain(&nested) {
        for &v in &ir.op(o).operands {
            if !defined.contains(&v) && seen.insert(v) {
                out.push(v);
            }
        }
    }
    out
}

/// Whether `v` is an LLVM constant (usable in any function of the module).
fn is_const(v: BasicValueEnum<'_>) -> bool {
    match v {
        BasicValueEnum::IntValue(x) => x.is_const(),
        BasicValueEnum::FloatValue(x) => x.is_const(),
        BasicValueEnum::PointerValue(x) => x.is_const(),
        BasicValueEnum::VectorValue(x) => x.is_const(),
        BasicValueEnum::ArrayValue(x) => x.is_const(),
        BasicValueEnum::StructValue(x) => x.is_const(),
        BasicValueEnum::ScalableVectorValue(x) => x.is_const(),
    }
}

/// Translates `op` as a call of the thread pool on its outlined body.
pub(super) fn outline<'ctx>(t: &mut Translator<'_, 'ctx>, op: OpId, p: &ParallelOp<'_>) -> R<()> {
    let captures = captured(t, op);
    let vals = captures
        .iter()
        .map(|&v| t.val(v, op))
        .collect::<R<Vec<Val<'ctx>>>>()?;
    // Constants (bounds, static memref fields, globals' addresses) are
    // used as they are in the body, where LLVM can still fold them; only
    // the other values go through the context struct.
    let flat: Vec<BasicValueEnum<'ctx>> = vals
        .iter()
        .flat_map(Val::flatten)
        .filter(|&v| !is_const(v))
        .collect();
    let field_types: Vec<BasicTypeEnum<'ctx>> = flat.iter().map(|&v| type_of(v)).collect();
    let ctx_type = t.llcx.struct_type(&field_types, false);

    // The trip count of the outer dimension, before building the body
    // moves the builder.
    let (lb, ub, step) = (
        t.int(p.lower[0], op)?,
        t.int(p.upper[0], op)?,
        t.int(p.steps[0], op)?,
    );
    let span = t.b.build_int_sub(ub, lb, "")?;
    let rounded =
        t.b.build_int_add(span, t.b.build_int_sub(step, t.i64c(1), "")?, "")?;
    let trips = t.b.build_int_signed_div(rounded, step, "trips")?;
    let empty = t.b.build_int_compare(IntPredicate::SLE, ub, lb, "")?;
    let trips =
        t.b.build_select(empty, t.i64c(0), trips, "")?
            .into_int_value();

    // The context struct: one stack slot in the entry block, filled here.
    let here = t.current_block()?;
    t.b.position_at_end(t.entry_block()?);
    let slot = t.b.build_alloca(ctx_type, "parallel.ctx")?;
    t.b.position_at_end(here);
    for (i, &v) in flat.iter().enumerate() {
        let field = t.b.build_struct_gep(ctx_type, slot, i as u32, "")?;
        t.b.build_store(field, v)?;
    }

    let body = body_function(t, op, p, &captures, &vals, ctx_type)?;

    let ptr = t.ptr_type();
    let i64t = t.i64t();
    let params: [BasicMetadataTypeEnum; 5] = [
        ptr.into(),
        ptr.into(),
        i64t.into(),
        i64t.into(),
        i64t.into(),
    ];
    let pool = t.external(PARALLEL_FOR, t.llcx.void_type().fn_type(&params, false));
    let threads = t.i64c(i64::try_from(t.threads).unwrap_or(i64::MAX));
    let args: [BasicMetadataValueEnum; 5] = [
        body.as_global_value().as_pointer_value().into(),
        slot.into(),
        t.i64c(0).into(),
        trips.into(),
        threads.into(),
    ];
    t.b.build_call(pool, &args, "")?;
    Ok(())
}

/// Builds `void body(ptr ctx, i64 lo, i64 hi)` running outer iterations
/// `lo..hi` of `op`, and leaves the builder where it was.
fn body_function<'ctx>(
    t: &mut Translator<'_, 'ctx>,
    op: OpId,
    p: &ParallelOp<'_>,
    captures: &[Value],
    vals: &[Val<'ctx>],
    ctx_type: inkwell::types::StructType<'ctx>,
) -> R<inkwell::values::FunctionValue<'ctx>> {
    let ir = t.ir;
    let ptr = t.ptr_type();
    let i64t = t.i64t();
    let fty = t
        .llcx
        .void_type()
        .fn_type(&[ptr.into(), i64t.into(), i64t.into()], false);
    let mut n = 0;
    let name = loop {
        let name = format!("{BODY_PREFIX}{n}");
        if t.module.get_function(&name).is_none() {
            break name;
        }
        n += 1;
    };
    let f = t.module.add_function(&name, fty, Some(Linkage::Internal));

    let outer = t.suspend_function();
    let threads = std::mem::replace(&mut t.threads, 1);
    let built = (|| -> R<()> {
        t.begin_function(f);
        let [ctx, lo, hi] = [0, 1, 2].map(|i| f.get_nth_param(i));
        let (Some(ctx), Some(lo), Some(hi)) = (ctx, lo, hi) else {
            return Err(t.err(op, "lost the parameters of its outlined body"));
        };
        let (ctx, lo, hi) = (
            ctx.into_pointer_value(),
            lo.into_int_value(),
            hi.into_int_value(),
        );
        // Reload every captured value that is not a constant; memrefs
        // regain their static fields.
        let mut next = 0u32;
        for (&v, val) in captures.iter().zip(vals) {
            let mut fields = Vec::new();
            for f in val.flatten() {
                if is_const(f) {
                    fields.push(f);
                    continue;
                }
                let at = t.b.build_struct_gep(ctx_type, ctx, next, "")?;
                fields.push(t.b.build_load(type_of(f), at, "")?);
                next += 1;
            }
            let ty = ir.value_type(v);
            let val = if memref_parts(ir, ty).is_some() {
                Val::MemRef(t.memref_from_fields(&fields, ty, op)?)
            } else {
                Val::Basic(fields[0])
            };
            t.set(v, val);
        }
        let lb = t.int(p.lower[0], op)?;
        let step = t.int(p.steps[0], op)?;
        t.counted_loop(lo, hi, t.i64c(1), Vec::new(), &mut |t, i, _| {
            let offset = t.b.build_int_mul(i, step, "")?;
            let iv = t.b.build_int_add(lb, offset, "iv")?;
            t.set_basic(p.induction_vars[0], iv);
            run_parallel_dims(t, op, p, 1)?;
            Ok(Vec::new())
        })?;
        t.b.build_return(None)?;
        t.end_function()
    })();
    t.threads = threads;
    t.resume_function(outer);
    built?;
    Ok(f)
}
