//! Reads a `func.func` once into a compact program the executor runs many
//! times: every SSA value gets a slot in a dense frame, every op an
//! [`Inst`] whose [`Kind`] is decided here (by op name), with its
//! attributes decoded (affine maps bound to slots, `arith`/`math` ops as
//! [`ScalarOp`]s, constants as values).
//!
//! Compiling also checks what the executor relies on, so a malformed
//! program is an error at the op's location rather than a panic: every
//! operand is defined before its use (in an enclosing or earlier scope),
//! regions end with the terminator their op expects, carrying as many
//! values as the op needs.

use std::collections::HashMap;

use tessera_compiler::{AttrData, BlockId, Context, OpId, OpTraits, Type, TypeData, Value};

use super::affine::{CMap, CSet, Slot};
use super::error::{LoopError, LoopResult};
use super::memory::{self, MemOp};
use super::value::{LoopValue, VectorValue};
use super::vector::{self, VecOp};
use crate::affine::{ApplyKind, Reduction};
use crate::arith::ArithOp;
use crate::interp::scalar::{ElemTy, Scalar, ScalarOp, attr_elements};
use crate::math::MathOp;

/// A compiled function.
#[derive(Debug)]
pub(crate) struct Func {
    /// The `func.func`.
    pub op: OpId,
    /// Its symbol name.
    pub name: String,
    /// How many slots a frame needs.
    pub num_slots: usize,
    /// Argument types.
    pub inputs: Vec<Type>,
    /// Result types.
    pub results: Vec<Type>,
    /// The body; its arguments are the function's, its terminator the return.
    pub body: Block,
}

/// A compiled block: argument slots, ops, terminator.
#[derive(Debug)]
pub(crate) struct Block {
    /// Slots of the block arguments.
    pub args: Box<[Slot]>,
    /// Every op but the terminator.
    pub insts: Vec<Inst>,
    /// The terminator.
    pub term: Term,
}

/// A block's terminator.
#[derive(Debug)]
pub(crate) struct Term {
    /// The op (`None` when the block had none and one without operands was implied).
    pub op: Option<OpId>,
    /// The slots of its operands.
    pub args: Box<[Slot]>,
    /// For `scf.reduce`: one combining region per operand.
    pub regions: Vec<Block>,
}

/// A compiled op.
#[derive(Debug)]
pub(crate) struct Inst {
    /// The op, for error locations.
    pub op: OpId,
    /// What to do.
    pub kind: Kind,
    /// Operand slots, in op order.
    pub args: Box<[Slot]>,
    /// Result slots.
    pub results: Box<[Slot]>,
}

/// What an [`Inst`] does.
#[derive(Debug)]
pub(crate) enum Kind {
    /// An `arith`/`math` op, on scalars or lane by lane on vectors.
    Elementwise(ScalarOp),
    /// `arith.constant`.
    Constant(LoopValue),
    /// `func.call` of this `func.func`.
    Call(OpId),
    /// `affine.for`.
    AffineFor(Box<AffineFor>),
    /// `affine.parallel`.
    AffineParallel(Box<AffineParallel>),
    /// `affine.if`.
    AffineIf(Box<AffineIf>),
    /// `affine.load` (the map gives the indices).
    AffineLoad(CMap),
    /// `affine.store`.
    AffineStore(CMap),
    /// `affine.apply`, `affine.min`, `affine.max`.
    AffineApply(CMap, ApplyKind),
    /// `scf.for`.
    ScfFor(Box<ScfFor>),
    /// `scf.if`.
    ScfIf(Box<Branches>),
    /// `scf.while`.
    ScfWhile(Box<ScfWhile>),
    /// `scf.parallel`.
    ScfParallel(Box<ScfParallel>),
    /// `scf.index_switch`.
    IndexSwitch(Box<IndexSwitch>),
    /// A `memref` op.
    Mem(MemOp),
    /// A `vector` op (or `affine.vector_load`/`affine.vector_store`).
    Vector(VecOp),
}

impl Kind {
    /// How many results an op of this kind has, if that is fixed (ops with
    /// regions and calls are checked against their regions and callees).
    fn fixed_results(&self) -> Option<usize> {
        match self {
            Kind::Elementwise(_)
            | Kind::Constant(_)
            | Kind::AffineLoad(_)
            | Kind::AffineApply(..) => Some(1),
            Kind::AffineStore(_) => Some(0),
            Kind::Mem(m) => Some(m.num_results()),
            Kind::Vector(v) => Some(v.num_results()),
            _ => None,
        }
    }
}

/// A compiled `affine.for`.
#[derive(Debug)]
pub(crate) struct AffineFor {
    pub lower: CMap,
    pub upper: CMap,
    pub step: i64,
    pub inits: Box<[Slot]>,
    pub body: Block,
}

/// A compiled `affine.parallel`.
#[derive(Debug)]
pub(crate) struct AffineParallel {
    pub lower: CMap,
    pub upper: CMap,
    /// Per dimension, the ranges of lower and upper results bounding it.
    pub lower_groups: Vec<std::ops::Range<usize>>,
    pub upper_groups: Vec<std::ops::Range<usize>>,
    pub steps: Vec<i64>,
    /// Per result: how to combine, and the identity it starts from.
    pub reductions: Vec<(ScalarOp, Scalar)>,
    pub body: Block,
}

/// A compiled `affine.if`.
#[derive(Debug)]
pub(crate) struct AffineIf {
    pub set: CSet,
    pub then_block: Block,
    pub else_block: Option<Block>,
}

/// A compiled `scf.for`.
#[derive(Debug)]
pub(crate) struct ScfFor {
    pub body: Block,
}

/// A compiled `scf.if`.
#[derive(Debug)]
pub(crate) struct Branches {
    pub then_block: Block,
    pub else_block: Option<Block>,
}

/// A compiled `scf.while`.
#[derive(Debug)]
pub(crate) struct ScfWhile {
    pub before: Block,
    pub after: Block,
}

/// A compiled `scf.parallel`.
#[derive(Debug)]
pub(crate) struct ScfParallel {
    /// Number of dimensions (lower, upper and step operands each).
    pub rank: usize,
    pub body: Block,
}

/// A compiled `scf.index_switch`.
#[derive(Debug)]
pub(crate) struct IndexSwitch {
    pub cases: Vec<i64>,
    pub default: Block,
    pub case_blocks: Vec<Block>,
}

/// Names of terminators the executor understands.
const TERMINATORS: [&str; 6] = [
    "func.return",
    "affine.yield",
    "scf.yield",
    "scf.condition",
    "scf.reduce",
    "scf.reduce.return",
];

/// Compiles functions of one module.
pub(crate) struct Compiler<'c> {
    pub ctx: &'c Context,
    module: OpId,
    /// Slots of the values in scope.
    slots: HashMap<Value, Slot>,
    /// Per open scope, the values it defined.
    scopes: Vec<Vec<Value>>,
    next: u32,
}

/// The `func.func` named `name` in `module`.
pub(crate) fn find_func(ctx: &Context, module: OpId, name: &str) -> Option<OpId> {
    ctx.lookup_symbol_in(module, name)
        .filter(|&f| ctx.op_is(f, "func.func"))
}

/// Compiles the `func.func` `func` of `module`.
pub(crate) fn compile_func(ctx: &Context, module: OpId, func: OpId) -> LoopResult<Func> {
    let name = ctx.symbol_name(func).unwrap_or("?").to_string();
    let err = |m: String| LoopError::op(ctx, func, format!("@{name} {m}"));
    let (inputs, results) = crate::func::function_type(ctx, func)
        .map(|(i, r)| (i.to_vec(), r.to_vec()))
        .ok_or_else(|| err("has no valid 'function_type'".into()))?;
    let blocks = ctx
        .op(func)
        .regions
        .first()
        .map(|&r| ctx.region(r).blocks.clone())
        .unwrap_or_default();
    let entry = match blocks[..] {
        [] => return Err(err("is only declared (no body), so it cannot run".into())),
        [b] => b,
        _ => {
            return Err(err(format!(
                "has {} blocks; the loop interpreter runs single-block functions",
                blocks.len()
            )));
        }
    };
    if ctx.block_args(entry).len() != inputs.len() {
        return Err(err(format!(
            "has {} entry block arguments for {} inputs",
            ctx.block_args(entry).len(),
            inputs.len()
        )));
    }
    let mut c = Compiler {
        ctx,
        module,
        slots: HashMap::new(),
        scopes: Vec::new(),
        next: 0,
    };
    let body = c.block(entry, func, &["func.return"], Some(results.len()))?;
    Ok(Func {
        op: func,
        name,
        num_slots: c.next as usize,
        inputs,
        results,
        body,
    })
}

impl<'c> Compiler<'c> {
    fn err(&self, op: OpId, m: impl std::fmt::Display) -> LoopError {
        LoopError::op(self.ctx, op, m)
    }

    /// A new slot for `v`, in the innermost scope.
    fn def(&mut self, v: Value) -> Slot {
        let s = self.next;
        self.next += 1;
        self.slots.insert(v, s);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(v);
        }
        s
    }

    /// The slot of `v`, used by `op`; an error if `v` is not in scope.
    fn use_(&self, op: OpId, v: Value) -> LoopResult<Slot> {
        self.slots.get(&v).copied().ok_or_else(|| {
            self.err(
                op,
                "uses a value that is not defined before it in an enclosing scope",
            )
        })
    }

    /// Compiles `block` of `parent`: its terminator must be one of `terms`
    /// and carry `arity` values (if given).
    fn block(
        &mut self,
        block: BlockId,
        parent: OpId,
        terms: &[&str],
        arity: Option<usize>,
    ) -> LoopResult<Block> {
        let ctx = self.ctx;
        self.scopes.push(Vec::new());
        let args: Box<[Slot]> = ctx.block_args(block).iter().map(|&v| self.def(v)).collect();
        let mut insts = Vec::new();
        let mut term = None;
        for op in ctx.block_ops(block) {
            let name = ctx.op_name_of(op);
            let is_term =
                TERMINATORS.contains(&name) || ctx.op_has_traits(op, OpTraits::TERMINATOR);
            if is_term {
                if ctx.next_op(op).is_some() {
                    return Err(self.err(op, "is a terminator but not the last op of its block"));
                }
                if !terms.contains(&name) {
                    return Err(self.err(
                        op,
                        format!(
                            "cannot end the region of '{}' (expected {})",
                            ctx.op_name_of(parent),
                            terms.join(" or ")
                        ),
                    ));
                }
                term = Some(self.term(op)?);
            } else {
                insts.push(self.op(op)?);
            }
        }
        let term = term.unwrap_or(Term {
            op: None,
            args: Box::new([]),
            regions: Vec::new(),
        });
        if let Some(n) = arity
            && term.args.len() != n
        {
            let at = term.op.unwrap_or(parent);
            return Err(self.err(
                at,
                format!(
                    "gives {} values, but '{}' needs {n}",
                    term.args.len(),
                    ctx.op_name_of(parent)
                ),
            ));
        }
        for v in self.scopes.pop().unwrap_or_default() {
            self.slots.remove(&v);
        }
        Ok(Block { args, insts, term })
    }

    fn term(&mut self, op: OpId) -> LoopResult<Term> {
        let ctx = self.ctx;
        let args = ctx
            .op(op)
            .operands
            .iter()
            .map(|&v| self.use_(op, v))
            .collect::<LoopResult<Box<[Slot]>>>()?;
        let mut regions = Vec::new();
        if ctx.op_is(op, "scf.reduce") {
            let rs = &ctx.op(op).regions;
            if rs.len() != args.len() {
                return Err(self.err(
                    op,
                    format!("has {} operands but {} regions", args.len(), rs.len()),
                ));
            }
            for i in 0..rs.len() {
                let b = self.entry(op, i)?;
                if ctx.block_args(b).len() != 2 {
                    return Err(self.err(op, "needs reduction regions with two arguments"));
                }
                regions.push(self.block(b, op, &["scf.reduce.return"], Some(1))?);
            }
        }
        Ok(Term {
            op: Some(op),
            args,
            regions,
        })
    }

    /// The entry block of region `i` of `op`.
    fn entry(&self, op: OpId, i: usize) -> LoopResult<BlockId> {
        let r = self
            .ctx
            .op(op)
            .regions
            .get(i)
            .ok_or_else(|| self.err(op, format!("has no region #{i}")))?;
        match self.ctx.region(*r).blocks[..] {
            [b] => Ok(b),
            [] => Err(self.err(op, format!("has an empty region #{i}"))),
            _ => Err(self.err(op, format!("has several blocks in region #{i}"))),
        }
    }

    /// The entry block of region `i`, or `None` if the region is empty.
    fn optional_entry(&self, op: OpId, i: usize) -> LoopResult<Option<BlockId>> {
        match self.ctx.op(op).regions.get(i) {
            Some(&r) if self.ctx.region(r).blocks.is_empty() => Ok(None),
            Some(_) => self.entry(op, i).map(Some),
            None => Ok(None),
        }
    }

    /// Checks that block `b` of `op` has `n` arguments.
    fn expect_args(&self, op: OpId, b: BlockId, n: usize, what: &str) -> LoopResult<()> {
        let got = self.ctx.block_args(b).len();
        if got != n {
            return Err(self.err(
                op,
                format!("{what} has {got} block arguments, expected {n}"),
            ));
        }
        Ok(())
    }

    /// Compiles one non-terminator op.
    fn op(&mut self, op: OpId) -> LoopResult<Inst> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let args = data
            .operands
            .iter()
            .map(|&v| self.use_(op, v))
            .collect::<LoopResult<Box<[Slot]>>>()?;
        let name = ctx.op_name_of(op);
        let kind = match name {
            "arith.constant" => self.constant(op)?,
            _ if ArithOp::from_name(name).is_some() || MathOp::from_name(name).is_some() => {
                if data.results.len() != 1 || args.len() > 3 || args.is_empty() {
                    return Err(self.err(op, "needs one to three operands and one result"));
                }
                Kind::Elementwise(ScalarOp::new(ctx, op).map_err(|m| self.err(op, m))?)
            }
            "func.call" => self.call(op)?,
            "affine.for" => self.affine_for(op, &args)?,
            "affine.parallel" => self.affine_parallel(op, &args)?,
            "affine.if" => self.affine_if(op, &args)?,
            "affine.load" | "affine.store" => {
                let load = name == "affine.load";
                // The indices follow the memref (and, for a store, the value).
                let at = if load { 1 } else { 2 };
                let map = crate::affine::map_attr(ctx, op, "map")
                    .ok_or_else(|| self.err(op, "has no 'map' attribute"))?;
                if args.len() < at {
                    return Err(self.err(op, "is missing operands"));
                }
                let cmap = CMap::new(map, &args[at..]).map_err(|m| self.err(op, m))?;
                if load {
                    Kind::AffineLoad(cmap)
                } else {
                    Kind::AffineStore(cmap)
                }
            }
            "affine.apply" | "affine.min" | "affine.max" => {
                let view = crate::affine::ApplyOp::view(ctx, op)
                    .ok_or_else(|| self.err(op, "is malformed (no map or no result)"))?;
                let cmap = CMap::new(view.map, &args).map_err(|m| self.err(op, m))?;
                if cmap.len() == 0 || (view.kind == ApplyKind::Apply && cmap.len() != 1) {
                    return Err(self.err(op, "has a map with the wrong number of results"));
                }
                Kind::AffineApply(cmap, view.kind)
            }
            "scf.for" => self.scf_for(op, &args)?,
            "scf.if" => self.scf_if(op, &args)?,
            "scf.while" => self.scf_while(op, &args)?,
            "scf.parallel" => self.scf_parallel(op, &args)?,
            "scf.index_switch" => self.index_switch(op, &args)?,
            _ => {
                if let Some(m) = memory::compile(ctx, self.module, op, &args)? {
                    Kind::Mem(m)
                } else if let Some(v) = vector::compile(ctx, op, &args)? {
                    Kind::Vector(v)
                } else {
                    return Err(self.err(op, "cannot be executed by the loop interpreter"));
                }
            }
        };
        if let Some(n) = kind.fixed_results()
            && data.results.len() != n
        {
            return Err(self.err(
                op,
                format!("has {} results, but {n} are expected", data.results.len()),
            ));
        }
        let results = data.results.iter().map(|&v| self.def(v)).collect();
        Ok(Inst {
            op,
            kind,
            args,
            results,
        })
    }

    fn constant(&self, op: OpId) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let attr = ctx
            .attr(op, "value")
            .ok_or_else(|| self.err(op, "has no 'value' attribute"))?;
        let [r] = ctx.op(op).results[..] else {
            return Err(self.err(op, "must have one result"));
        };
        let ty = ctx.value_type(r);
        match ctx.type_data(ty) {
            TypeData::Vector { shape, elem } => {
                let elem = ElemTy::of(ctx, *elem)
                    .ok_or_else(|| self.err(op, "has a vector of an unsupported element type"))?;
                let shape: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
                let lanes = attr_elements(ctx, attr)
                    .ok_or_else(|| self.err(op, "has a value that is not dense elements"))?;
                let v = VectorValue::new(elem, &shape, lanes).map_err(|e| self.err(op, e))?;
                Ok(Kind::Constant(LoopValue::Vector(v)))
            }
            TypeData::Tensor { .. } => Err(self.err(
                op,
                "is a tensor constant; the loop interpreter runs bufferized code",
            )),
            _ => {
                let s = Scalar::from_attr(ctx, attr)
                    .ok_or_else(|| self.err(op, "has a value that is not a scalar"))?;
                if Some(s.ty()) != ElemTy::of(ctx, ty) {
                    return Err(self.err(op, "has a value whose type differs from the result's"));
                }
                Ok(Kind::Constant(LoopValue::Scalar(s)))
            }
        }
    }

    fn call(&self, op: OpId) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let callee = match ctx.attr_data_of(op, "callee") {
            Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                ctx.symbol_str(*root).to_string()
            }
            _ => return Err(self.err(op, "has no flat 'callee' symbol reference")),
        };
        let f = find_func(ctx, self.module, &callee).ok_or_else(|| {
            self.err(
                op,
                format!("calls @{callee}, which is not a func.func of the module"),
            )
        })?;
        let n = crate::func::function_type(ctx, f).map_or(0, |(_, r)| r.len());
        if n != ctx.op(op).results.len() {
            return Err(self.err(
                op,
                format!(
                    "has {} results, but @{callee} returns {n} values",
                    ctx.op(op).results.len()
                ),
            ));
        }
        Ok(Kind::Call(f))
    }

    fn affine_for(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let v = crate::affine::ForOp::view(ctx, op)
            .ok_or_else(|| self.err(op, "is malformed (bounds, step, segments or body missing)"))?;
        if v.step <= 0 {
            return Err(self.err(op, format!("has step {}, which is not positive", v.step)));
        }
        let nl = v.lower_operands.len();
        let nu = v.upper_operands.len();
        let lower = CMap::new(v.lower_map, &args[..nl]).map_err(|m| self.err(op, m))?;
        let upper = CMap::new(v.upper_map, &args[nl..nl + nu]).map_err(|m| self.err(op, m))?;
        let inits: Box<[Slot]> = args[nl + nu..].into();
        self.expect_args(op, v.body, inits.len() + 1, "the body")?;
        let n = ctx.op(op).results.len();
        if n != inits.len() {
            return Err(self.err(op, "has a different number of results and iter_args"));
        }
        let body = self.block(v.body, op, &["affine.yield"], Some(n))?;
        Ok(Kind::AffineFor(Box::new(AffineFor {
            lower,
            upper,
            step: v.step,
            inits,
            body,
        })))
    }

    fn affine_parallel(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let v = crate::affine::ParallelOp::view(ctx, op)
            .ok_or_else(|| self.err(op, "is malformed (maps, groups, steps or reductions)"))?;
        let nl = v.lower_operands.len();
        let lower = CMap::new(v.lower_map, &args[..nl]).map_err(|m| self.err(op, m))?;
        let upper = CMap::new(v.upper_map, &args[nl..]).map_err(|m| self.err(op, m))?;
        let ranges = |groups: &[usize], total: usize| -> Option<Vec<std::ops::Range<usize>>> {
            let mut start = 0;
            let mut out = Vec::new();
            for &g in groups {
                if g == 0 {
                    return None;
                }
                out.push(start..start + g);
                start += g;
            }
            (start == total).then_some(out)
        };
        let rank = v.induction_vars.len();
        let lower_groups = ranges(&v.lower_groups, lower.len());
        let upper_groups = ranges(&v.upper_groups, upper.len());
        let (Some(lower_groups), Some(upper_groups)) = (lower_groups, upper_groups) else {
            return Err(self.err(op, "has bound groups that do not cover its maps"));
        };
        if lower_groups.len() != rank || upper_groups.len() != rank || v.steps.len() != rank {
            return Err(self.err(
                op,
                "needs one bound group and one step per induction variable",
            ));
        }
        if let Some(s) = v.steps.iter().find(|&&s| s <= 0) {
            return Err(self.err(op, format!("has step {s}, which is not positive")));
        }
        let results = &ctx.op(op).results;
        if results.len() != v.reductions.len() {
            return Err(self.err(op, "needs one reduction per result"));
        }
        let mut reductions = Vec::new();
        for (&r, &res) in v.reductions.iter().zip(results.iter()) {
            let ty = ElemTy::of(ctx, ctx.value_type(res))
                .ok_or_else(|| self.err(op, "reduces a value of an unsupported type"))?;
            reductions.push(reduction(r, ty).ok_or_else(|| {
                self.err(op, format!("cannot reduce a {ty} with \"{}\"", r.name()))
            })?);
        }
        let steps = v.steps.clone();
        let body = self.block(v.body, op, &["affine.yield"], Some(results.len()))?;
        Ok(Kind::AffineParallel(Box::new(AffineParallel {
            lower,
            upper,
            lower_groups,
            upper_groups,
            steps,
            reductions,
            body,
        })))
    }

    fn affine_if(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let set = crate::affine::integer_set_attr(ctx, op, "condition")
            .ok_or_else(|| self.err(op, "has no integer set 'condition'"))?;
        let set = CSet::new(set, args).map_err(|m| self.err(op, m))?;
        let (then_block, else_block) = self.branches(op, "affine.yield")?;
        Ok(Kind::AffineIf(Box::new(AffineIf {
            set,
            then_block,
            else_block,
        })))
    }

    /// The `then` and optional `else` regions of an `if`.
    fn branches(&mut self, op: OpId, yield_name: &str) -> LoopResult<(Block, Option<Block>)> {
        let n = self.ctx.op(op).results.len();
        let t = self.entry(op, 0)?;
        self.expect_args(op, t, 0, "the then region")?;
        let then_block = self.block(t, op, &[yield_name], Some(n))?;
        let else_block = match self.optional_entry(op, 1)? {
            Some(e) => {
                self.expect_args(op, e, 0, "the else region")?;
                Some(self.block(e, op, &[yield_name], Some(n))?)
            }
            None if n > 0 => {
                return Err(self.err(op, "has results but no else region"));
            }
            None => None,
        };
        Ok((then_block, else_block))
    }

    fn scf_for(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        if args.len() < 3 {
            return Err(self.err(op, "needs lower bound, upper bound and step operands"));
        }
        let n = args.len() - 3;
        if self.ctx.op(op).results.len() != n {
            return Err(self.err(op, "has a different number of results and iter_args"));
        }
        let b = self.entry(op, 0)?;
        self.expect_args(op, b, n + 1, "the body")?;
        let body = self.block(b, op, &["scf.yield"], Some(n))?;
        Ok(Kind::ScfFor(Box::new(ScfFor { body })))
    }

    fn scf_if(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        if args.len() != 1 {
            return Err(self.err(op, "needs one condition operand"));
        }
        let (then_block, else_block) = self.branches(op, "scf.yield")?;
        Ok(Kind::ScfIf(Box::new(Branches {
            then_block,
            else_block,
        })))
    }

    fn scf_while(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let b = self.entry(op, 0)?;
        let a = self.entry(op, 1)?;
        self.expect_args(op, b, args.len(), "the before region")?;
        let n = ctx.op(op).results.len();
        self.expect_args(op, a, n, "the after region")?;
        let before = self.block(b, op, &["scf.condition"], Some(n + 1))?;
        let after = self.block(a, op, &["scf.yield"], Some(args.len()))?;
        Ok(Kind::ScfWhile(Box::new(ScfWhile { before, after })))
    }

    fn scf_parallel(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        let v = crate::scf::ParallelOp::view(ctx, op)
            .ok_or_else(|| self.err(op, "is malformed (operand segments or body)"))?;
        let rank = v.lower.len();
        if v.upper.len() != rank || v.steps.len() != rank || v.induction_vars.len() != rank {
            return Err(self.err(
                op,
                "needs as many lower bounds, upper bounds, steps and induction variables",
            ));
        }
        let n = v.inits.len();
        if ctx.op(op).results.len() != n || args.len() != 3 * rank + n {
            return Err(self.err(op, "needs one init per result"));
        }
        let body = self.block(v.body, op, &["scf.reduce"], Some(n))?;
        Ok(Kind::ScfParallel(Box::new(ScfParallel { rank, body })))
    }

    fn index_switch(&mut self, op: OpId, args: &[Slot]) -> LoopResult<Kind> {
        let ctx = self.ctx;
        if args.len() != 1 {
            return Err(self.err(op, "needs one index operand"));
        }
        let cases = ctx
            .attr_data_of(op, "cases")
            .and_then(|a| a.as_int_array())
            .ok_or_else(|| self.err(op, "has no 'cases' array"))?
            .to_vec();
        let n = ctx.op(op).results.len();
        if ctx.op(op).regions.len() != cases.len() + 1 {
            return Err(self.err(op, "needs a default region and one region per case"));
        }
        let d = self.entry(op, 0)?;
        let default = self.block(d, op, &["scf.yield"], Some(n))?;
        let mut case_blocks = Vec::new();
        for i in 0..cases.len() {
            let b = self.entry(op, i + 1)?;
            case_blocks.push(self.block(b, op, &["scf.yield"], Some(n))?);
        }
        Ok(Kind::IndexSwitch(Box::new(IndexSwitch {
            cases,
            default,
            case_blocks,
        })))
    }
}

/// How `affine.parallel` combines values of type `ty` with `r`, and the
/// identity it starts from (as MLIR's `arith::getIdentityValue`).
fn reduction(r: Reduction, ty: ElemTy) -> Option<(ScalarOp, Scalar)> {
    use Reduction as R;
    let float = |v: f64| match ty {
        ElemTy::Float(k) => Some(Scalar::float(v, k)),
        _ => None,
    };
    let int = |v: i128| match ty {
        ElemTy::Int(w) => Some(Scalar::int(v, w)),
        _ => None,
    };
    let w = ty.width();
    let (op, identity) = match r {
        R::AddF => (ArithOp::AddF, float(0.0)?),
        R::MulF => (ArithOp::MulF, float(1.0)?),
        R::MaximumF => (ArithOp::MaximumF, float(f64::NEG_INFINITY)?),
        R::MinimumF => (ArithOp::MinimumF, float(f64::INFINITY)?),
        // NaN: maxnum/minnum(NaN, x) is x.
        R::MaxNumF => (ArithOp::MaxNumF, float(f64::NAN)?),
        R::MinNumF => (ArithOp::MinNumF, float(f64::NAN)?),
        R::AddI => (ArithOp::AddI, int(0)?),
        R::MulI => (ArithOp::MulI, int(1)?),
        R::OrI => (ArithOp::OrI, int(0)?),
        R::AndI => (ArithOp::AndI, int(-1)?),
        R::MaxU => (ArithOp::MaxUI, int(0)?),
        R::MinU => (ArithOp::MinUI, int(-1)?),
        R::MaxS => (ArithOp::MaxSI, int(i128::MIN >> (128 - w))?),
        R::MinS => (ArithOp::MinSI, int(i128::MAX >> (128 - w))?),
        R::Assign => return None,
    };
    Some((ScalarOp::arith(op, ty), identity))
}
