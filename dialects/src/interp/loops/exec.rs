//! The executor: runs compiled functions ([`compile`](super::compile)) op
//! by op over a frame of value slots. This file holds the machine state
//! (compiled functions, globals, call depth, the print sink), calls, and
//! the ops of `func`, `arith`, `math`, `affine` and `scf`; `memref` ops
//! are in [`memory`](super::memory), `vector` ops in [`vector`](super::vector).

use std::collections::HashMap;
use std::rc::Rc;

use tessera_compiler::syntax::{loc_str, type_str};
use tessera_compiler::{Context, OpId, Type, TypeData};

use super::affine::{Slot, index_in};
use super::compile::{
    AffineFor, AffineIf, AffineParallel, Block, Branches, Func, IndexSwitch, Inst, Kind,
    ScfParallel, ScfWhile, compile_func,
};
use super::error::{LoopError, LoopResult};
use super::value::{LoopValue, MemRef, Origin, VectorValue};
use super::{memory, vector};
use crate::affine::ApplyKind;
use crate::arith::ArithOp;
use crate::interp::eval::MAX_CALL_DEPTH;
use crate::interp::scalar::{ElemTy, OpKind, Scalar, ScalarOp};
use crate::memref::{GlobalInit, strides_and_offset};

/// Where `vector.print` writes.
#[derive(Debug)]
pub(crate) enum Output {
    /// The process's standard output.
    Stdout,
    /// A string the host reads afterwards.
    Capture(String),
}

impl Output {
    pub(crate) fn write(&mut self, s: &str) {
        match self {
            Output::Stdout => print!("{s}"),
            Output::Capture(buf) => buf.push_str(s),
        }
    }
}

/// The values of one function activation.
pub(crate) struct Frame {
    /// One per SSA value of the function.
    pub slots: Vec<LoopValue>,
    /// Buffers from `memref.alloca`, freed when the function returns.
    pub stack: Vec<MemRef>,
}

/// The interpreter's state for one module.
pub(crate) struct Machine<'c> {
    pub ctx: &'c Context,
    pub module: OpId,
    funcs: HashMap<OpId, Rc<Func>>,
    globals: HashMap<OpId, MemRef>,
    depth: usize,
    pub out: Output,
    pub while_limit: u64,
}

/// What a slot holds before its value is defined (never read: the
/// compiler checks that every use follows its definition).
const EMPTY: LoopValue = LoopValue::Scalar(Scalar::Index(0));

impl<'c> Machine<'c> {
    pub(crate) fn new(ctx: &'c Context, module: OpId) -> Machine<'c> {
        Machine {
            ctx,
            module,
            funcs: HashMap::new(),
            globals: HashMap::new(),
            depth: 0,
            out: Output::Stdout,
            while_limit: u64::MAX,
        }
    }

    /// An error at `op`.
    pub(crate) fn err(&self, op: OpId, m: impl std::fmt::Display) -> LoopError {
        LoopError::op(self.ctx, op, m)
    }

    /// The compiled form of `func`, compiling it on first use.
    fn compiled(&mut self, func: OpId) -> LoopResult<Rc<Func>> {
        if let Some(f) = self.funcs.get(&func) {
            return Ok(f.clone());
        }
        let f = Rc::new(compile_func(self.ctx, self.module, func)?);
        self.funcs.insert(func, f.clone());
        Ok(f)
    }

    /// Runs `func` on `args`; `at` is the calling op, if any (errors about
    /// the arguments point at it).
    pub(crate) fn call(
        &mut self,
        func: OpId,
        args: Vec<LoopValue>,
        at: Option<OpId>,
    ) -> LoopResult<Vec<LoopValue>> {
        let f = self.compiled(func)?;
        let blame = at.unwrap_or(func);
        if self.depth >= MAX_CALL_DEPTH {
            return Err(self.err(
                blame,
                format!(
                    "calls @{} deeper than the call depth limit of {MAX_CALL_DEPTH} (is it recursive?)",
                    f.name
                ),
            ));
        }
        if args.len() != f.inputs.len() {
            return Err(self.err(
                blame,
                format!(
                    "passes {} arguments, but @{} takes {}",
                    args.len(),
                    f.name,
                    f.inputs.len()
                ),
            ));
        }
        for (i, (a, &ty)) in args.iter().zip(&f.inputs).enumerate() {
            check_value(self.ctx, a, ty)
                .map_err(|m| self.err(blame, format!("argument {i} of @{}: {m}", f.name)))?;
        }
        let mut frame = Frame {
            slots: vec![EMPTY; f.num_slots],
            stack: Vec::new(),
        };
        for (&s, a) in f.body.args.iter().zip(args) {
            frame.slots[s as usize] = a;
        }
        self.depth += 1;
        let r = self.run_block(&mut frame, &f.body);
        self.depth -= 1;
        let results = r.and_then(|()| {
            let ret = f.body.term.op.unwrap_or(f.op);
            let mut out = Vec::with_capacity(f.results.len());
            for (i, (&s, &ty)) in f.body.term.args.iter().zip(&f.results).enumerate() {
                let v = frame.slots[s as usize].clone();
                check_value(self.ctx, &v, ty)
                    .map_err(|m| self.err(ret, format!("result {i} of @{}: {m}", f.name)))?;
                if let LoopValue::MemRef(m) = &v
                    && frame.stack.iter().any(|a| a.same_buffer(m))
                {
                    return Err(self.err(
                        ret,
                        format!(
                            "returns memory of a memref.alloca of @{}, which is freed on return",
                            f.name
                        ),
                    ));
                }
                out.push(v);
            }
            Ok(out)
        });
        for m in frame.stack {
            m.buf.borrow_mut().free();
        }
        results
    }

    /// Runs every op of `b` but its terminator.
    pub(crate) fn run_block(&mut self, f: &mut Frame, b: &Block) -> LoopResult<()> {
        for inst in &b.insts {
            self.exec(f, inst)?;
        }
        Ok(())
    }

    /// Runs `b` after setting its arguments, and copies its terminator's
    /// values into `results`.
    fn run_region(&mut self, f: &mut Frame, b: &Block, results: &[Slot]) -> LoopResult<()> {
        self.run_block(f, b)?;
        copy_slots(&mut f.slots, &b.term.args, results);
        Ok(())
    }

    /// The `memref.global` `global` as a buffer, created on first use.
    pub(crate) fn global(&mut self, global: OpId, at: OpId) -> LoopResult<MemRef> {
        if let Some(m) = self.globals.get(&global) {
            return Ok(m.clone());
        }
        let ctx = self.ctx;
        let g = crate::memref::Global::view(ctx, global)
            .ok_or_else(|| self.err(at, "refers to a malformed memref.global"))?;
        let (shape, elem) = match ctx.type_data(g.ty) {
            TypeData::MemRef { shape, elem, .. } => (shape.clone(), *elem),
            _ => return Err(self.err(at, "refers to a global of a non-memref type")),
        };
        let elem = ElemTy::of(ctx, elem)
            .ok_or_else(|| self.err(at, "refers to a global of an unsupported element type"))?;
        let shape: Vec<usize> = shape
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<Result<_, _>>()
            .map_err(|_| self.err(at, "refers to a global with a dynamic shape"))?;
        let origin = Origin::Global {
            name: g.name.to_string(),
            constant: g.constant,
        };
        let m = match g.init {
            GlobalInit::Value(attr) => {
                let values = crate::interp::scalar::attr_elements(ctx, attr).ok_or_else(|| {
                    self.err(at, format!("cannot read the initial value of @{}", g.name))
                })?;
                MemRef::from_scalars_in(elem, &shape, &values, origin)
            }
            GlobalInit::Uninitialized => MemRef::fresh(elem, &shape, false, origin),
            GlobalInit::External => {
                return Err(self.err(
                    at,
                    format!("refers to @{}, which is declared without a value", g.name),
                ));
            }
        }
        .map_err(|e| self.err(at, format!("global @{}: {}", g.name, e.message)))?;
        self.globals.insert(global, m.clone());
        Ok(m)
    }

    /// Runs one op.
    fn exec(&mut self, f: &mut Frame, inst: &Inst) -> LoopResult<()> {
        match &inst.kind {
            Kind::Elementwise(sop) => {
                let r = self.elementwise(&f.slots, inst, sop)?;
                f.slots[inst.results[0] as usize] = r;
            }
            Kind::Constant(v) => f.slots[inst.results[0] as usize] = v.clone(),
            Kind::AffineLoad(map) => {
                let v = {
                    let slots = &f.slots;
                    let m = memory::memref_in(self, slots, inst, 0)?;
                    let p = memory::locate(self, inst, 0, m, map.len(), |k| map.eval(k, slots))?;
                    memory::read(self, inst, 0, m, p)?
                };
                f.slots[inst.results[0] as usize] = LoopValue::Scalar(v);
            }
            Kind::AffineStore(map) => {
                let slots = &f.slots;
                let v = scalar_in(self, slots, inst, 0)?;
                let m = memory::memref_in(self, slots, inst, 1)?;
                let p = memory::locate(self, inst, 1, m, map.len(), |k| map.eval(k, slots))?;
                memory::write(self, inst, 1, m, p, v)?;
            }
            Kind::AffineApply(map, kind) => {
                let v = match kind {
                    ApplyKind::Apply => map.eval(0, &f.slots),
                    ApplyKind::Min => map.min(&f.slots),
                    ApplyKind::Max => map.max(&f.slots),
                }
                .map_err(|m| self.err(inst.op, m))?;
                f.slots[inst.results[0] as usize] = LoopValue::index(v);
            }
            Kind::AffineFor(l) => self.affine_for(f, inst, l)?,
            Kind::AffineParallel(p) => self.affine_parallel(f, inst, p)?,
            Kind::AffineIf(i) => self.affine_if(f, inst, i)?,
            Kind::ScfFor(l) => self.scf_for(f, inst, &l.body)?,
            Kind::ScfIf(b) => self.scf_if(f, inst, b)?,
            Kind::ScfWhile(w) => self.scf_while(f, inst, w)?,
            Kind::ScfParallel(p) => self.scf_parallel(f, inst, p)?,
            Kind::IndexSwitch(s) => self.index_switch(f, inst, s)?,
            Kind::Call(callee) => {
                let args = inst
                    .args
                    .iter()
                    .map(|&s| f.slots[s as usize].clone())
                    .collect();
                let results = self.call(*callee, args, Some(inst.op)).map_err(|mut e| {
                    e.message.push_str(&format!(
                        "\n  in @{} called from {}",
                        self.ctx.symbol_name(*callee).unwrap_or("?"),
                        loc_str(self.ctx, self.ctx.op(inst.op).loc)
                    ));
                    e
                })?;
                for (&r, v) in inst.results.iter().zip(results) {
                    f.slots[r as usize] = v;
                }
            }
            Kind::Mem(m) => memory::exec(self, f, inst, m)?,
            Kind::Vector(v) => vector::exec(self, f, inst, v)?,
        }
        Ok(())
    }

    /// An `arith`/`math` op: on scalars, or lane by lane on vectors of one
    /// shape (a scalar condition of `arith.select` applies to every lane).
    fn elementwise(
        &self,
        slots: &[LoopValue],
        inst: &Inst,
        sop: &ScalarOp,
    ) -> LoopResult<LoopValue> {
        let mut buf = [Scalar::Index(0); 3];
        let mut shape: Option<&[usize]> = None;
        for (k, &a) in inst.args.iter().enumerate() {
            match &slots[a as usize] {
                LoopValue::Scalar(s) => buf[k] = *s,
                LoopValue::Vector(v) => match shape {
                    Some(s) if s != v.shape() => {
                        return Err(self.err(inst.op, "has vector operands of different shapes"));
                    }
                    _ => shape = Some(v.shape()),
                },
                LoopValue::MemRef(m) => {
                    return Err(self.err(
                        inst.op,
                        format!(
                            "expects scalar or vector operands, got a {}",
                            m.type_string()
                        ),
                    ));
                }
            }
        }
        let n = inst.args.len();
        let Some(shape) = shape else {
            let r = sop.eval(&buf[..n]).map_err(|m| self.err(inst.op, m))?;
            return Ok(LoopValue::Scalar(r));
        };
        let select = sop.kind() == OpKind::Arith(ArithOp::Select);
        let vectors: Vec<Option<&VectorValue>> = inst
            .args
            .iter()
            .map(|&a| slots[a as usize].as_vector())
            .collect();
        if let Some(k) = vectors.iter().position(Option::is_none)
            && !(select && k == 0 && vectors[1..].iter().all(Option::is_some))
        {
            return Err(self.err(inst.op, "mixes scalar and vector operands"));
        }
        let lanes_n: usize = shape.iter().product();
        let mut lanes = Vec::with_capacity(lanes_n);
        for i in 0..lanes_n {
            for (k, v) in vectors.iter().enumerate() {
                if let Some(v) = v {
                    buf[k] = v.lanes()[i];
                }
            }
            lanes.push(
                sop.eval(&buf[..n])
                    .map_err(|m| self.err(inst.op, format!("lane {i}: {m}")))?,
            );
        }
        Ok(LoopValue::Vector(VectorValue::raw(
            sop.result_type(),
            shape.to_vec(),
            lanes,
        )))
    }

    fn affine_for(&mut self, f: &mut Frame, inst: &Inst, l: &AffineFor) -> LoopResult<()> {
        let lb = l.lower.max(&f.slots).map_err(|m| self.err(inst.op, m))?;
        let ub = l.upper.min(&f.slots).map_err(|m| self.err(inst.op, m))?;
        let iv = l.body.args[0] as usize;
        let carried = &l.body.args[1..];
        copy_slots(&mut f.slots, &l.inits, carried);
        let mut scratch = Vec::with_capacity(carried.len());
        let mut i = lb;
        while i < ub {
            f.slots[iv] = LoopValue::index(i);
            self.run_block(f, &l.body)?;
            if !carried.is_empty() {
                carry(&mut f.slots, &l.body.term.args, carried, &mut scratch);
            }
            match i.checked_add(l.step) {
                Some(n) => i = n,
                None => break,
            }
        }
        copy_slots(&mut f.slots, carried, &inst.results);
        Ok(())
    }

    fn affine_parallel(
        &mut self,
        f: &mut Frame,
        inst: &Inst,
        p: &AffineParallel,
    ) -> LoopResult<()> {
        let rank = p.steps.len();
        let mut lbs = Vec::with_capacity(rank);
        let mut ubs = Vec::with_capacity(rank);
        for d in 0..rank {
            let lb = p.lower.fold(&f.slots, p.lower_groups[d].clone(), i64::max);
            let ub = p.upper.fold(&f.slots, p.upper_groups[d].clone(), i64::min);
            lbs.push(lb.map_err(|m| self.err(inst.op, m))?);
            ubs.push(ub.map_err(|m| self.err(inst.op, m))?);
        }
        let mut acc: Vec<Scalar> = p.reductions.iter().map(|&(_, id)| id).collect();
        let body = &p.body;
        let combine = |m: &Machine, slots: &[LoopValue], acc: &mut Vec<Scalar>| -> LoopResult<()> {
            for (k, (&s, (sop, _))) in body.term.args.iter().zip(&p.reductions).enumerate() {
                let v = scalar_slot(slots, s).map_err(|e| m.err(inst.op, e))?;
                acc[k] = sop
                    .eval(&[acc[k], v])
                    .map_err(|e| m.err(inst.op, format!("reduction {k}: {e}")))?;
            }
            Ok(())
        };
        let ivs = &body.args;
        odometer(&lbs, &ubs, &p.steps, |point| {
            for (&s, &v) in ivs.iter().zip(point) {
                f.slots[s as usize] = LoopValue::index(v);
            }
            self.run_block(f, body)?;
            combine(self, &f.slots, &mut acc)
        })?;
        for (&r, v) in inst.results.iter().zip(acc) {
            f.slots[r as usize] = LoopValue::Scalar(v);
        }
        Ok(())
    }

    fn affine_if(&mut self, f: &mut Frame, inst: &Inst, i: &AffineIf) -> LoopResult<()> {
        let inside = i.set.contains(&f.slots).map_err(|m| self.err(inst.op, m))?;
        self.branch(f, inst, inside, &i.then_block, i.else_block.as_ref())
    }

    fn branch(
        &mut self,
        f: &mut Frame,
        inst: &Inst,
        cond: bool,
        then_block: &Block,
        else_block: Option<&Block>,
    ) -> LoopResult<()> {
        match (cond, else_block) {
            (true, _) => self.run_region(f, then_block, &inst.results),
            (false, Some(e)) => self.run_region(f, e, &inst.results),
            (false, None) => Ok(()),
        }
    }

    fn scf_for(&mut self, f: &mut Frame, inst: &Inst, body: &Block) -> LoopResult<()> {
        let bound = |k: usize| -> LoopResult<(i128, ElemTy)> {
            let s = scalar_slot(&f.slots, inst.args[k]).map_err(|m| self.err(inst.op, m))?;
            match s.ty() {
                ElemTy::Index | ElemTy::Int(_) => Ok((s.as_signed().unwrap_or(0), s.ty())),
                t => Err(self.err(inst.op, format!("has a bound of type {t}, not an integer"))),
            }
        };
        let (lb, ty) = bound(0)?;
        let (ub, t1) = bound(1)?;
        let (step, t2) = bound(2)?;
        if t1 != ty || t2 != ty {
            return Err(self.err(inst.op, "has bounds and step of different types"));
        }
        if step <= 0 {
            return Err(self.err(inst.op, format!("has step {step}, which is not positive")));
        }
        let make = |i: i128| match ty {
            ElemTy::Int(w) => LoopValue::Scalar(Scalar::int(i, w)),
            _ => LoopValue::index(i as i64),
        };
        let iv = body.args[0] as usize;
        let carried = &body.args[1..];
        copy_slots(&mut f.slots, &inst.args[3..], carried);
        let mut scratch = Vec::with_capacity(carried.len());
        let mut i = lb;
        while i < ub {
            f.slots[iv] = make(i);
            self.run_block(f, body)?;
            if !carried.is_empty() {
                carry(&mut f.slots, &body.term.args, carried, &mut scratch);
            }
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
        copy_slots(&mut f.slots, carried, &inst.results);
        Ok(())
    }

    fn scf_if(&mut self, f: &mut Frame, inst: &Inst, b: &Branches) -> LoopResult<()> {
        let c = bool_slot(&f.slots, inst.args[0]).map_err(|m| self.err(inst.op, m))?;
        self.branch(f, inst, c, &b.then_block, b.else_block.as_ref())
    }

    fn scf_while(&mut self, f: &mut Frame, inst: &Inst, w: &ScfWhile) -> LoopResult<()> {
        copy_slots(&mut f.slots, &inst.args, &w.before.args);
        let mut scratch = Vec::new();
        let mut count: u64 = 0;
        loop {
            self.run_block(f, &w.before)?;
            let cond_op = w.before.term.op.unwrap_or(inst.op);
            let targs = &w.before.term.args;
            let go = bool_slot(&f.slots, targs[0]).map_err(|m| self.err(cond_op, m))?;
            if !go {
                copy_slots(&mut f.slots, &targs[1..], &inst.results);
                return Ok(());
            }
            count += 1;
            if count > self.while_limit {
                return Err(self.err(
                    inst.op,
                    format!(
                        "ran more than {} iterations (the limit set)",
                        self.while_limit
                    ),
                ));
            }
            copy_slots(&mut f.slots, &targs[1..], &w.after.args);
            self.run_block(f, &w.after)?;
            carry(
                &mut f.slots,
                &w.after.term.args,
                &w.before.args,
                &mut scratch,
            );
        }
    }

    fn scf_parallel(&mut self, f: &mut Frame, inst: &Inst, p: &ScfParallel) -> LoopResult<()> {
        let r = p.rank;
        let idx = |k: usize| index_in(&f.slots, inst.args[k]).map_err(|m| self.err(inst.op, m));
        let mut lbs = Vec::with_capacity(r);
        let mut ubs = Vec::with_capacity(r);
        let mut steps = Vec::with_capacity(r);
        for d in 0..r {
            lbs.push(idx(d)?);
            ubs.push(idx(r + d)?);
            let s = idx(2 * r + d)?;
            if s <= 0 {
                return Err(self.err(inst.op, format!("has step {s}, which is not positive")));
            }
            steps.push(s);
        }
        let mut acc: Vec<LoopValue> = inst.args[3 * r..]
            .iter()
            .map(|&s| f.slots[s as usize].clone())
            .collect();
        let body = &p.body;
        odometer(&lbs, &ubs, &steps, |point| {
            for (&s, &v) in body.args.iter().zip(point) {
                f.slots[s as usize] = LoopValue::index(v);
            }
            self.run_block(f, body)?;
            for (k, region) in body.term.regions.iter().enumerate() {
                let value = f.slots[body.term.args[k] as usize].clone();
                f.slots[region.args[0] as usize] = std::mem::replace(&mut acc[k], EMPTY);
                f.slots[region.args[1] as usize] = value;
                self.run_block(f, region)?;
                acc[k] = f.slots[region.term.args[0] as usize].clone();
            }
            Ok(())
        })?;
        for (&r, v) in inst.results.iter().zip(acc) {
            f.slots[r as usize] = v;
        }
        Ok(())
    }

    fn index_switch(&mut self, f: &mut Frame, inst: &Inst, s: &IndexSwitch) -> LoopResult<()> {
        let v = index_in(&f.slots, inst.args[0]).map_err(|m| self.err(inst.op, m))?;
        let block = s
            .cases
            .iter()
            .position(|&c| c == v)
            .map_or(&s.default, |i| &s.case_blocks[i]);
        self.run_region(f, block, &inst.results)
    }
}

/// Calls `body` with every point of the box `lbs..ubs` stepping by
/// `steps`, in row-major order (nothing if any range is empty).
fn odometer(
    lbs: &[i64],
    ubs: &[i64],
    steps: &[i64],
    mut body: impl FnMut(&[i64]) -> LoopResult<()>,
) -> LoopResult<()> {
    if lbs.iter().zip(ubs).any(|(l, u)| l >= u) {
        return Ok(());
    }
    let mut point = lbs.to_vec();
    loop {
        body(&point)?;
        let mut d = point.len();
        loop {
            if d == 0 {
                return Ok(());
            }
            d -= 1;
            match point[d].checked_add(steps[d]) {
                Some(n) if n < ubs[d] => {
                    point[d] = n;
                    break;
                }
                _ => point[d] = lbs[d],
            }
        }
    }
}

/// Copies the values of slots `from` into slots `to` (pairwise).
pub(crate) fn copy_slots(slots: &mut [LoopValue], from: &[Slot], to: &[Slot]) {
    for (&a, &b) in from.iter().zip(to) {
        if a != b {
            slots[b as usize] = slots[a as usize].clone();
        }
    }
}

/// Copies yielded values into loop-carried slots through `scratch`, as a
/// yield may pass carried values around (`yield %b, %a`).
fn carry(slots: &mut [LoopValue], from: &[Slot], to: &[Slot], scratch: &mut Vec<LoopValue>) {
    scratch.clear();
    scratch.extend(from.iter().map(|&s| slots[s as usize].clone()));
    for (&t, v) in to.iter().zip(scratch.drain(..)) {
        slots[t as usize] = v;
    }
}

/// The scalar in `slot`.
pub(crate) fn scalar_slot(slots: &[LoopValue], slot: Slot) -> Result<Scalar, String> {
    match &slots[slot as usize] {
        LoopValue::Scalar(s) => Ok(*s),
        other => Err(format!("expects a scalar, got a {}", other.type_string())),
    }
}

/// The scalar operand `k` of `inst`.
pub(crate) fn scalar_in(
    m: &Machine,
    slots: &[LoopValue],
    inst: &Inst,
    k: usize,
) -> LoopResult<Scalar> {
    scalar_slot(slots, inst.args[k]).map_err(|e| m.err(inst.op, format!("operand {k}: {e}")))
}

/// The `i1` in `slot`.
pub(crate) fn bool_slot(slots: &[LoopValue], slot: Slot) -> Result<bool, String> {
    let s = scalar_slot(slots, slot)?;
    s.as_bool()
        .ok_or_else(|| format!("expects an i1 condition, got a {}", s.ty()))
}

/// Checks that `v` is a value of IR type `ty`.
pub(crate) fn check_value(ctx: &Context, v: &LoopValue, ty: Type) -> Result<(), String> {
    let bad = || {
        format!(
            "a {} was given where a {} is expected",
            v.type_string(),
            type_str(ctx, ty)
        )
    };
    match (v, ctx.type_data(ty)) {
        (LoopValue::Scalar(s), _) => (ElemTy::of(ctx, ty) == Some(s.ty()))
            .then_some(())
            .ok_or_else(bad),
        (LoopValue::Vector(x), TypeData::Vector { shape, elem }) => {
            let same = ElemTy::of(ctx, *elem) == Some(x.elem())
                && shape.len() == x.shape().len()
                && shape.iter().zip(x.shape()).all(|(&a, &b)| a == b as i64);
            same.then_some(()).ok_or_else(bad)
        }
        (LoopValue::MemRef(m), TypeData::MemRef { shape, elem, .. }) => {
            let same = ElemTy::of(ctx, *elem) == Some(m.elem())
                && shape.len() == m.shape().len()
                && shape
                    .iter()
                    .zip(m.shape())
                    .all(|(&a, &b)| a == tessera_compiler::DYNAMIC || a == b as i64);
            if !same {
                return Err(bad());
            }
            let Some((strides, offset)) = strides_and_offset(ctx, ty) else {
                return Err(format!(
                    "the layout of {} is not supported by the loop interpreter",
                    type_str(ctx, ty)
                ));
            };
            let dyn_ok = |want: i64, have: i64| want == tessera_compiler::DYNAMIC || want == have;
            let layout_ok = dyn_ok(offset, m.offset())
                && strides
                    .iter()
                    .zip(m.strides())
                    .zip(m.shape())
                    // A stride of a size-1 dimension is never used.
                    .all(|((&want, &have), &n)| n <= 1 || dyn_ok(want, have));
            layout_ok.then_some(()).ok_or_else(|| {
                format!(
                    "a view with offset {} and strides {:?} was given where a {} is expected",
                    m.offset(),
                    m.strides(),
                    type_str(ctx, ty)
                )
            })
        }
        _ => Err(bad()),
    }
}
