//! `scf` ops as branches and phis: `for` and `parallel` as counted loops,
//! `if` as a diamond, `while` as a loop whose header runs the `before`
//! region. Loop-carried memrefs get one phi per descriptor field (the
//! static ones fold away). A `parallel` without reductions runs on the
//! thread pool when compiling for several threads ([`super::parallel`]),
//! otherwise sequentially.

use inkwell::IntPredicate;
use inkwell::values::{BasicValueEnum, IntValue, PhiValue};
use tessera_compiler::{OpId, Type};
use tessera_dialects::memref::memref_parts;
use tessera_dialects::scf::{ForOp, IfOp, ParallelOp, WhileOp};

use super::translate::{R, Translator, Val, type_of};

/// Translates an `scf` op with regions.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    match t.ir.op_name_of(op) {
        "scf.for" => for_op(t, op),
        "scf.if" => if_op(t, op),
        "scf.while" => while_op(t, op),
        "scf.parallel" => parallel(t, op),
        _ => Err(t.unsupported(op)),
    }
}

/// The LLVM values of `vals`, memrefs as their fields.
fn flatten<'ctx>(vals: &[Val<'ctx>]) -> Vec<BasicValueEnum<'ctx>> {
    vals.iter().flat_map(Val::flatten).collect()
}

/// The values of IR types `types` from their flattened LLVM values.
fn unflatten<'ctx>(
    t: &Translator<'_, 'ctx>,
    types: &[Type],
    flat: &[BasicValueEnum<'ctx>],
    op: OpId,
) -> R<Vec<Val<'ctx>>> {
    let mut out = Vec::with_capacity(types.len());
    let mut next = 0;
    for &ty in types {
        if let Some(p) = memref_parts(t.ir, ty) {
            let n = 3 + 2 * p.shape.len();
            let fields = flat
                .get(next..next + n)
                .ok_or_else(|| t.err(op, "yields fewer values than it carries"))?;
            out.push(Val::MemRef(t.memref_from_fields(fields, ty, op)?));
            next += n;
        } else {
            let v = flat
                .get(next)
                .ok_or_else(|| t.err(op, "yields fewer values than it carries"))?;
            out.push(Val::Basic(*v));
            next += 1;
        }
    }
    Ok(out)
}

/// The values a terminator passes on (none when the block has none).
fn terminator_operands<'ctx>(
    t: &Translator<'_, 'ctx>,
    term: Option<OpId>,
    op: OpId,
) -> R<Vec<Val<'ctx>>> {
    match term {
        None => Ok(Vec::new()),
        Some(y) => t.ir.op(y).operands.iter().map(|&v| t.val(v, op)).collect(),
    }
}

/// The loop-carried values of one iteration, given the current ones.
pub(super) type LoopBody<'s, 'a, 'ctx> = dyn FnMut(
        &mut Translator<'a, 'ctx>,
        IntValue<'ctx>,
        Vec<BasicValueEnum<'ctx>>,
    ) -> R<Vec<BasicValueEnum<'ctx>>>
    + 's;

impl<'a, 'ctx> Translator<'a, 'ctx> {
    /// Emits `for (iv = lb; iv < ub; iv += step)` (signed comparison)
    /// carrying `carried` through phis; `body` gets the induction variable
    /// and the current values and returns the next ones. Returns the
    /// values after the loop; the builder is left after the loop.
    pub(super) fn counted_loop(
        &mut self,
        lb: IntValue<'ctx>,
        ub: IntValue<'ctx>,
        step: IntValue<'ctx>,
        carried: Vec<BasicValueEnum<'ctx>>,
        body: &mut LoopBody<'_, 'a, 'ctx>,
    ) -> R<Vec<BasicValueEnum<'ctx>>> {
        let pre = self.current_block()?;
        let header = self.new_block("loop.header")?;
        let body_bb = self.new_block("loop.body")?;
        let exit = self.new_block("loop.exit")?;
        self.b.build_unconditional_branch(header)?;
        self.b.position_at_end(header);
        let iv = self.b.build_phi(lb.get_type(), "iv")?;
        iv.add_incoming(&[(&lb, pre)]);
        let phis = self.phis(&carried, pre)?;
        let ivv = iv.as_basic_value().into_int_value();
        let cond = self.b.build_int_compare(IntPredicate::SLT, ivv, ub, "")?;
        self.b.build_conditional_branch(cond, body_bb, exit)?;
        self.b.position_at_end(body_bb);
        let current = phis.iter().map(|p| p.as_basic_value()).collect();
        let next = body(self, ivv, current)?;
        let next_iv = self.b.build_int_add(ivv, step, "")?;
        let latch = self.current_block()?;
        self.b.build_unconditional_branch(header)?;
        iv.add_incoming(&[(&next_iv, latch)]);
        self.add_incoming(&phis, &next, latch)?;
        self.b.position_at_end(exit);
        Ok(phis.iter().map(|p| p.as_basic_value()).collect())
    }

    /// One phi per value, each starting with it from `from`.
    fn phis(
        &self,
        vals: &[BasicValueEnum<'ctx>],
        from: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> R<Vec<PhiValue<'ctx>>> {
        vals.iter()
            .map(|v| {
                let p = self.b.build_phi(type_of(*v), "")?;
                p.add_incoming(&[(v, from)]);
                Ok(p)
            })
            .collect()
    }

    /// Adds `vals` from `from` to `phis`.
    fn add_incoming(
        &self,
        phis: &[PhiValue<'ctx>],
        vals: &[BasicValueEnum<'ctx>],
        from: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> R<()> {
        if phis.len() != vals.len() {
            return Err(super::BackendError::new(
                "a loop yields a different number of values than it carries",
            ));
        }
        for (p, v) in phis.iter().zip(vals) {
            if type_of(*v) != p.as_basic_value().get_type() {
                return Err(super::BackendError::new(
                    "a loop yields a value of another type than it carries",
                ));
            }
            p.add_incoming(&[(v, from)]);
        }
        Ok(())
    }
}

fn for_op(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let f = ForOp::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let (lb, ub, step) = (t.int(f.lower, op)?, t.int(f.upper, op)?, t.int(f.step, op)?);
    let inits = f
        .inits
        .iter()
        .map(|&v| t.val(v, op))
        .collect::<R<Vec<_>>>()?;
    let types: Vec<Type> = f.iter_args.iter().map(|&a| ir.value_type(a)).collect();
    let out = t.counted_loop(lb, ub, step, flatten(&inits), &mut |t, iv, current| {
        t.set_basic(f.induction_var, iv);
        let vals = unflatten(t, &types, &current, op)?;
        for (&a, v) in f.iter_args.iter().zip(vals) {
            t.set(a, v);
        }
        let term = t.run_block(f.body)?;
        Ok(flatten(&terminator_operands(t, term, op)?))
    })?;
    let vals = unflatten(t, &types, &out, op)?;
    for (&r, v) in f.results.iter().zip(vals) {
        t.set(r, v);
    }
    Ok(())
}

fn if_op(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let v = IfOp::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let cond = t.int(v.condition, op)?;
    let then_bb = t.new_block("if.then")?;
    let else_bb = t.new_block("if.else")?;
    let merge = t.new_block("if.end")?;
    t.b.build_conditional_branch(cond, then_bb, else_bb)?;
    let mut arms = Vec::new();
    for (bb, block) in [(then_bb, Some(v.then_block)), (else_bb, v.else_block)] {
        t.b.position_at_end(bb);
        let vals = match block {
            Some(block) => {
                let term = t.run_block(block)?;
                flatten(&terminator_operands(t, term, op)?)
            }
            None => Vec::new(),
        };
        let end = t.current_block()?;
        t.b.build_unconditional_branch(merge)?;
        arms.push((vals, end));
    }
    t.b.position_at_end(merge);
    if v.results.is_empty() {
        return Ok(());
    }
    let (then_vals, then_end) = &arms[0];
    let (else_vals, else_end) = &arms[1];
    if then_vals.len() != else_vals.len() {
        return Err(t.err(op, "has regions yielding different numbers of values"));
    }
    let mut merged = Vec::with_capacity(then_vals.len());
    for (a, b) in then_vals.iter().zip(else_vals) {
        let phi = t.b.build_phi(type_of(*a), "")?;
        phi.add_incoming(&[(a, *then_end), (b, *else_end)]);
        merged.push(phi.as_basic_value());
    }
    let types: Vec<Type> = v.results.iter().map(|&r| ir.value_type(r)).collect();
    for (&r, val) in v.results.iter().zip(unflatten(t, &types, &merged, op)?) {
        t.set(r, val);
    }
    Ok(())
}

fn while_op(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let w = WhileOp::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let inits = w
        .inits
        .iter()
        .map(|&v| t.val(v, op))
        .collect::<R<Vec<_>>>()?;
    let before_types: Vec<Type> = ir
        .block_args(w.before)
        .iter()
        .map(|&a| ir.value_type(a))
        .collect();
    let pre = t.current_block()?;
    let header = t.new_block("while.before")?;
    let after_bb = t.new_block("while.after")?;
    let exit = t.new_block("while.end")?;
    t.b.build_unconditional_branch(header)?;
    t.b.position_at_end(header);
    let phis = t.phis(&flatten(&inits), pre)?;
    let current: Vec<BasicValueEnum> = phis.iter().map(|p| p.as_basic_value()).collect();
    let vals = unflatten(t, &before_types, &current, op)?;
    t.bind_args(w.before, &vals);
    let term = t.run_block(w.before)?;
    let cond_op = term
        .filter(|&c| ir.op_is(c, "scf.condition"))
        .ok_or_else(|| t.err(op, "has a 'before' region not ending in 'scf.condition'"))?;
    let operands = &ir.op(cond_op).operands;
    let (&cond, passed) = operands
        .split_first()
        .ok_or_else(|| t.err(op, "has an 'scf.condition' without a condition"))?;
    let cond = t.int(cond, op)?;
    let passed = passed
        .iter()
        .map(|&v| t.val(v, op))
        .collect::<R<Vec<_>>>()?;
    t.b.build_conditional_branch(cond, after_bb, exit)?;
    t.b.position_at_end(after_bb);
    t.bind_args(w.after, &passed);
    let term = t.run_block(w.after)?;
    let next = flatten(&terminator_operands(t, term, op)?);
    let latch = t.current_block()?;
    t.b.build_unconditional_branch(header)?;
    t.add_incoming(&phis, &next, latch)
        .map_err(|e| t.err(op, e.message))?;
    t.b.position_at_end(exit);
    for (&r, v) in w.results.iter().zip(passed) {
        t.set(r, v);
    }
    Ok(())
}

fn parallel(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let p = ParallelOp::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    if super::parallel::is_outlined(t, &p) {
        return super::parallel::outline(t, op, &p);
    }
    let ints = |vs: &[tessera_compiler::Value]| {
        vs.iter()
            .map(|&v| t.int(v, op))
            .collect::<R<Vec<IntValue>>>()
    };
    let (lbs, ubs, steps) = (ints(p.lower)?, ints(p.upper)?, ints(p.steps)?);
    let inits = p
        .inits
        .iter()
        .map(|&v| t.val(v, op))
        .collect::<R<Vec<_>>>()?;
    let types: Vec<Type> = p.results.iter().map(|&r| ir.value_type(r)).collect();
    let level = Level {
        op,
        p: &p,
        lbs: &lbs,
        ubs: &ubs,
        steps: &steps,
        types: &types,
    };
    let out = level.run(t, 0, flatten(&inits))?;
    for (&r, v) in p.results.iter().zip(unflatten(t, &types, &out, op)?) {
        t.set(r, v);
    }
    Ok(())
}

/// Runs dimensions `from..` of `op` (an `scf.parallel` without results)
/// sequentially, the induction variables of the outer ones already set.
pub(super) fn run_parallel_dims(
    t: &mut Translator<'_, '_>,
    op: OpId,
    p: &ParallelOp<'_>,
    from: usize,
) -> R<()> {
    let ints = |vs: &[tessera_compiler::Value]| {
        vs.iter()
            .map(|&v| t.int(v, op))
            .collect::<R<Vec<IntValue>>>()
    };
    let (lbs, ubs, steps) = (ints(p.lower)?, ints(p.upper)?, ints(p.steps)?);
    let level = Level {
        op,
        p,
        lbs: &lbs,
        ubs: &ubs,
        steps: &steps,
        types: &[],
    };
    level.run(t, from, Vec::new())?;
    Ok(())
}

/// The loop nest of an `scf.parallel`.
struct Level<'l, 'ctx> {
    op: OpId,
    p: &'l ParallelOp<'l>,
    lbs: &'l [IntValue<'ctx>],
    ubs: &'l [IntValue<'ctx>],
    steps: &'l [IntValue<'ctx>],
    types: &'l [Type],
}

impl<'ctx> Level<'_, 'ctx> {
    /// The loops from dimension `dim` inwards, carrying the reductions.
    fn run(
        &self,
        t: &mut Translator<'_, 'ctx>,
        dim: usize,
        accs: Vec<BasicValueEnum<'ctx>>,
    ) -> R<Vec<BasicValueEnum<'ctx>>> {
        if dim == self.lbs.len() {
            return self.body(t, accs);
        }
        t.counted_loop(
            self.lbs[dim],
            self.ubs[dim],
            self.steps[dim],
            accs,
            &mut |t, iv, current| {
                t.set_basic(self.p.induction_vars[dim], iv);
                self.run(t, dim + 1, current)
            },
        )
    }

    /// The body, then each `scf.reduce` operand combined into its
    /// accumulator by its region.
    fn body(
        &self,
        t: &mut Translator<'_, 'ctx>,
        accs: Vec<BasicValueEnum<'ctx>>,
    ) -> R<Vec<BasicValueEnum<'ctx>>> {
        let op = self.op;
        let ir = t.ir;
        let term = t.run_block(self.p.body)?;
        let accs = unflatten(t, self.types, &accs, op)?;
        let Some(reduce) = term.filter(|&r| ir.op_is(r, "scf.reduce")) else {
            if accs.is_empty() {
                return Ok(Vec::new());
            }
            return Err(t.err(op, "has results but its body does not end in 'scf.reduce'"));
        };
        let operands = ir.op(reduce).operands.clone();
        if operands.len() != accs.len() {
            return Err(t.err(
                op,
                "reduces a different number of values than it has results",
            ));
        }
        let mut next = Vec::with_capacity(accs.len());
        for (k, (&v, acc)) in operands.iter().zip(accs).enumerate() {
            let rhs = t.val(v, reduce)?;
            let block = ir
                .entry_block(reduce, k)
                .ok_or_else(|| t.err(reduce, "lacks a reduction region"))?;
            t.bind_args(block, &[acc, rhs]);
            let ret = t.run_block(block)?;
            let mut vals = terminator_operands(t, ret, reduce)?;
            if vals.len() != 1 {
                return Err(t.err(reduce, "has a region not returning one value"));
            }
            next.push(vals.remove(0));
        }
        Ok(flatten(&next))
    }
}
