//! Structured control flow to Cranelift blocks.
//!
//! Region-carried values (`iter_args`, `scf.if` results, `scf.while`
//! operands) become block parameters, flattened like call arguments.
//! `scf.for` is a rotated loop (a guard, then a body ending in the one
//! conditional back edge); `scf.while` a before block branching to the
//! after block or the exit; `scf.parallel` runs its iteration space as a sequential loop
//! nest whose reductions are carried as block parameters and combined in
//! iteration order by the `scf.reduce` regions.

use cranelift_codegen::ir::{self, InstBuilder, condcodes::IntCC};
use tessera_compiler::{BlockId, OpId, Type, Value};
use tessera_dialects::scf::{ForOp, IfOp, ParallelOp, WhileOp};

use super::translate::{BackendResult, FnTranslator, Val, block_args, op_error};

/// What `scf.parallel`'s nest needs, copied out of the IR.
struct Nest {
    lower: Vec<Value>,
    upper: Vec<Value>,
    steps: Vec<Value>,
    ivs: Vec<Value>,
    body: BlockId,
    result_types: Vec<Type>,
}

impl FnTranslator<'_, '_, '_, '_> {
    /// The flattened operands of terminator `term` (none when absent),
    /// which must be an `expected` op.
    fn yielded(&mut self, term: Option<OpId>, expected: &str) -> BackendResult<Vec<ir::Value>> {
        match term {
            None => Ok(Vec::new()),
            Some(t) if self.ctx.op_is(t, expected) => self.operands_flat(t),
            Some(t) => Err(op_error(
                self.ctx,
                t,
                format!("cannot end this region (expected {expected})"),
            )),
        }
    }

    /// Rebuilds values of `types` from consecutive slices of `flat`.
    fn unflatten_many(
        &self,
        op: OpId,
        types: &[Type],
        flat: &[ir::Value],
    ) -> BackendResult<Vec<Val>> {
        let mut out = Vec::with_capacity(types.len());
        let mut at = 0;
        for &ty in types {
            let n = super::types::flat_types(self.ctx, ty)
                .map_err(|e| op_error(self.ctx, op, e))?
                .len();
            out.push(self.unflatten(op, ty, &flat[at..at + n])?);
            at += n;
        }
        Ok(out)
    }

    /// A new block with parameters of `types`.
    fn block_with(&mut self, types: &[ir::Type]) -> (ir::Block, Vec<ir::Value>) {
        let block = self.b.create_block();
        let params = types
            .iter()
            .map(|&t| self.b.append_block_param(block, t))
            .collect();
        (block, params)
    }

    /// `scf.for`, as a rotated loop: a guard enters body(iv, carried..),
    /// whose end steps the induction variable and branches back while it
    /// is below the bound, else to exit(carried..). One branch per
    /// iteration, no jump.
    pub(crate) fn scf_for(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let f = ForOp::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let (lb, ub, step) = (
            self.scalar(op, f.lower)?,
            self.scalar(op, f.upper)?,
            self.scalar(op, f.step)?,
        );
        let mut inits = Vec::new();
        for &v in f.inits {
            let val = self.val(op, v)?;
            inits.extend(self.flatten(&val));
        }
        let carried = self.flat_types_of(op, f.iter_args)?;
        let mut body_types = vec![self.b.func.dfg.value_type(lb)];
        body_types.extend(&carried);
        let (body, params) = self.block_with(&body_types);
        let (exit, results) = self.block_with(&carried);
        let enter = self.b.ins().icmp(IntCC::SignedLessThan, lb, ub);
        let mut first = vec![lb];
        first.extend(&inits);
        self.b
            .ins()
            .brif(enter, body, &block_args(&first), exit, &block_args(&inits));

        self.b.switch_to_block(body);
        let iv = params[0];
        self.set(f.induction_var, Val::Scalar(iv));
        self.bind_flat(op, f.iter_args, &params[1..])?;
        let term = self.body(f.body)?;
        let yields = self.yielded(term, "scf.yield")?;
        let next_iv = self.b.ins().iadd(iv, step);
        let again = self.b.ins().icmp(IntCC::SignedLessThan, next_iv, ub);
        let mut next = vec![next_iv];
        next.extend(&yields);
        self.b
            .ins()
            .brif(again, body, &block_args(&next), exit, &block_args(&yields));

        self.b.switch_to_block(exit);
        self.bind_flat(op, f.results, &results)
    }

    /// `scf.if`: then / else blocks joining in a block whose parameters
    /// are the results.
    pub(crate) fn scf_if(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let f = IfOp::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let cond = self.scalar(op, f.condition)?;
        let merge_types = self.flat_types_of(op, f.results)?;
        let (merge, params) = self.block_with(&merge_types);
        let then_block = self.b.create_block();
        match f.else_block {
            Some(_) => {
                let else_block = self.b.create_block();
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.switch_to_block(else_block);
            }
            None if f.results.is_empty() => {
                self.b.ins().brif(cond, then_block, &[], merge, &[]);
            }
            None => return Err(op_error(ctx, op, "has results but no else region")),
        }
        if let Some(else_region) = f.else_block {
            let term = self.body(else_region)?;
            let vals = self.yielded(term, "scf.yield")?;
            self.b.ins().jump(merge, &block_args(&vals));
        }
        self.b.switch_to_block(then_block);
        let term = self.body(f.then_block)?;
        let vals = self.yielded(term, "scf.yield")?;
        self.b.ins().jump(merge, &block_args(&vals));

        self.b.switch_to_block(merge);
        self.bind_flat(op, f.results, &params)
    }

    /// `scf.while`: before(args) → after(values) → before, or → exit(values).
    pub(crate) fn scf_while(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let w = WhileOp::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let mut inits = Vec::new();
        for &v in w.inits {
            let val = self.val(op, v)?;
            inits.extend(self.flatten(&val));
        }
        let before_args = ctx.block_args(w.before).to_vec();
        let after_args = ctx.block_args(w.after).to_vec();
        let before_types = self.flat_types_of(op, &before_args)?;
        let after_types = self.flat_types_of(op, &after_args)?;
        let exit_types = self.flat_types_of(op, w.results)?;
        let (before, before_params) = self.block_with(&before_types);
        let (after, after_params) = self.block_with(&after_types);
        let (exit, exit_params) = self.block_with(&exit_types);
        self.b.ins().jump(before, &block_args(&inits));

        self.b.switch_to_block(before);
        self.bind_flat(op, &before_args, &before_params)?;
        let cond_op = match self.body(w.before)? {
            Some(t) if ctx.op_is(t, "scf.condition") => t,
            _ => {
                return Err(op_error(
                    ctx,
                    op,
                    "before region must end with scf.condition",
                ));
            }
        };
        let operands = ctx.op(cond_op).operands.clone();
        let cond = self.scalar(cond_op, self.operand(cond_op, 0)?)?;
        let mut forwarded = Vec::new();
        for &v in &operands[1..] {
            let val = self.val(cond_op, v)?;
            forwarded.extend(self.flatten(&val));
        }
        let fwd = block_args(&forwarded);
        self.b.ins().brif(cond, after, &fwd, exit, &fwd);

        self.b.switch_to_block(after);
        self.bind_flat(op, &after_args, &after_params)?;
        let term = self.body(w.after)?;
        let next = self.yielded(term, "scf.yield")?;
        self.b.ins().jump(before, &block_args(&next));

        self.b.switch_to_block(exit);
        self.bind_flat(op, w.results, &exit_params)
    }

    /// `scf.parallel`, run sequentially.
    pub(crate) fn scf_parallel(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let p = ParallelOp::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let nest = Nest {
            lower: p.lower.to_vec(),
            upper: p.upper.to_vec(),
            steps: p.steps.to_vec(),
            ivs: p.induction_vars.to_vec(),
            body: p.body,
            result_types: p.results.iter().map(|&r| ctx.value_type(r)).collect(),
        };
        let n = nest.ivs.len();
        if nest.lower.len() != n || nest.upper.len() != n || nest.steps.len() != n {
            return Err(op_error(
                ctx,
                op,
                "needs one bound and step per induction variable",
            ));
        }
        let results = p.results.to_vec();
        let mut accs = Vec::new();
        for &v in p.inits {
            accs.push(self.val(op, v)?);
        }
        let out = self.parallel_level(op, &nest, 0, accs)?;
        for (r, v) in results.into_iter().zip(out) {
            self.set(r, v);
        }
        Ok(())
    }

    /// Dimension `dim` of an `scf.parallel` nest, carrying `accs`; returns
    /// the reductions after it.
    fn parallel_level(
        &mut self,
        op: OpId,
        nest: &Nest,
        dim: usize,
        accs: Vec<Val>,
    ) -> BackendResult<Vec<Val>> {
        if dim == nest.ivs.len() {
            return self.parallel_body(op, nest, accs);
        }
        let lb = self.scalar(op, nest.lower[dim])?;
        let ub = self.scalar(op, nest.upper[dim])?;
        let step = self.scalar(op, nest.steps[dim])?;
        let mut entry_args = vec![lb];
        for a in &accs {
            entry_args.extend(self.flatten(a));
        }
        let mut types = vec![self.b.func.dfg.value_type(lb)];
        for &ty in &nest.result_types {
            types.extend(
                super::types::flat_types(self.ctx, ty).map_err(|e| op_error(self.ctx, op, e))?,
            );
        }
        let (header, params) = self.block_with(&types);
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(header, &block_args(&entry_args));

        self.b.switch_to_block(header);
        let iv = params[0];
        let go = self.b.ins().icmp(IntCC::SignedLessThan, iv, ub);
        self.b.ins().brif(go, body, &[], exit, &[]);

        self.b.switch_to_block(body);
        self.set(nest.ivs[dim], Val::Scalar(iv));
        let inner_accs = self.unflatten_many(op, &nest.result_types, &params[1..])?;
        let inner = self.parallel_level(op, nest, dim + 1, inner_accs)?;
        let mut next = vec![self.b.ins().iadd(iv, step)];
        for a in &inner {
            next.extend(self.flatten(a));
        }
        self.b.ins().jump(header, &block_args(&next));

        self.b.switch_to_block(exit);
        self.unflatten_many(op, &nest.result_types, &params[1..])
    }

    /// The body of an `scf.parallel` nest and its `scf.reduce`: each
    /// reduced value is combined into its accumulator by its region.
    fn parallel_body(&mut self, op: OpId, nest: &Nest, accs: Vec<Val>) -> BackendResult<Vec<Val>> {
        let ctx = self.ctx;
        let reduce = match self.body(nest.body)? {
            Some(t) if ctx.op_is(t, "scf.reduce") => t,
            None if accs.is_empty() => return Ok(accs),
            _ => return Err(op_error(ctx, op, "body must end with scf.reduce")),
        };
        let values = ctx.op(reduce).operands.clone();
        let regions = ctx.op(reduce).regions.clone();
        if values.len() != accs.len() || regions.len() != accs.len() {
            return Err(op_error(
                ctx,
                reduce,
                "needs one operand and region per loop result",
            ));
        }
        let mut out = Vec::with_capacity(accs.len());
        for ((acc, &v), &region) in accs.into_iter().zip(&values).zip(&regions) {
            let block = *ctx
                .region(region)
                .blocks
                .first()
                .ok_or_else(|| op_error(ctx, reduce, "has an empty reduction region"))?;
            let [lhs, rhs] = ctx.block_args(block) else {
                return Err(op_error(
                    ctx,
                    reduce,
                    "reduction regions take two arguments",
                ));
            };
            let value = self.val(reduce, v)?;
            self.set(*lhs, acc);
            self.set(*rhs, value);
            let ret = match self.body(block)? {
                Some(t) if ctx.op_is(t, "scf.reduce.return") => t,
                _ => {
                    return Err(op_error(
                        ctx,
                        reduce,
                        "region must end with scf.reduce.return",
                    ));
                }
            };
            let r = self.operand(ret, 0)?;
            out.push(self.val(ret, r)?);
        }
        Ok(out)
    }
}
