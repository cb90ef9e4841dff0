//! The generator's state and machinery: the pool of values built so far
//! (each with its type and [`Range`]), operand selection with a bias toward
//! recent values, fresh operands of a wanted type (a pool value, a
//! broadcast or reshape of one, a new argument or a constant), domain
//! guards, and committing a [`Proposal`] as an op, either inline or inside
//! a private helper function that `@main` calls.

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::syntax::dense::{DenseScalar, make_dense};
use tessera_compiler::{AttrData, Attribute, BlockId, Context, OpId, Type, Value};
use tessera_dialects::graph::attrs::Attrs;
use tessera_dialects::graph::shape::{broadcast_shapes, broadcastable_to, infer};
use tessera_dialects::graph::{TensorType, family_of, infer_result_type};
use tessera_dialects::interp::value::{ElemType, Tensor};

use super::config::{GenConfig, OpFamily};
use super::range::Range;

/// The most elements any generated value may have, so the interpreter
/// stays fast on every program.
pub const MAX_VALUE_ELEMENTS: u64 = 4096;

/// The most elements a dense (non-splat) generated constant has.
pub const MAX_DENSE_CONSTANT: u64 = 16;

/// A value of `@main` the generator may use as an operand.
#[derive(Clone, Debug)]
pub struct Val {
    /// The SSA value.
    pub v: Value,
    /// Its type.
    pub ty: TensorType,
    /// Every element lies in this range.
    pub range: Range,
}

/// An op to be built: everything but its result type, which the dialect's
/// type inference computes at [`Gen::commit`].
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The op name, `graph.add`.
    pub name: &'static str,
    /// Operands, as indices into the pool.
    pub operands: Vec<usize>,
    /// Attributes.
    pub attrs: Vec<(&'static str, Attribute)>,
    /// The result type, for the ops that take it from the op
    /// (`graph.reshape`, `graph.broadcast_to`, `graph.cast`).
    pub declared: Option<TensorType>,
    /// The range of the result, computed from the operands' ranges.
    pub range: Range,
}

/// A private function holding one op, called from `@main`.
#[derive(Clone, Debug)]
pub struct Helper {
    /// Its symbol name.
    pub name: String,
    /// Argument types.
    pub args: Vec<TensorType>,
    /// The ranges the op's domain checks assumed for the arguments.
    pub arg_ranges: Vec<Range>,
    /// The result type.
    pub result: TensorType,
    /// The result range, valid for arguments within `arg_ranges`.
    pub range: Range,
}

/// Where an operand's elements must lie, for ops with a restricted domain.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Need {
    /// Anything.
    Any,
    /// At least this bound (a guard makes it at least `max(bound, 1)`).
    AtLeast(f64),
    /// Within `[-b, b]`.
    Bounded(f64),
    /// An integer exponent in `0..=3`.
    Exponent,
    /// Bounded away from zero (a divisor).
    NonZero,
}

impl Need {
    /// Whether `r` satisfies the need.
    pub fn holds(self, r: Range) -> bool {
        match self {
            Need::Any => true,
            Need::AtLeast(b) => r.lo >= b,
            Need::Bounded(b) => r.magnitude() <= b,
            Need::Exponent => r.lo >= 0.0 && r.hi <= 3.0,
            Need::NonZero => r.lo >= 0.5 || r.hi <= -0.5,
        }
    }
}

/// The generator's state while it builds one module.
pub struct Gen<'c> {
    /// The context the module lives in.
    pub ctx: &'c mut Context,
    /// What to generate.
    pub cfg: &'c GenConfig,
    /// The only source of randomness, seeded from `cfg.seed`.
    pub rng: Xoshiro256PlusPlus,
    /// The module.
    pub module: OpId,
    /// `@main`.
    pub main: OpId,
    /// `@main`'s body.
    pub block: BlockId,
    /// The values of `@main` built so far.
    pub pool: Vec<Val>,
    /// The ranges of `@main`'s arguments, in order.
    pub arg_ranges: Vec<Range>,
    /// Ops built in `@main` so far.
    pub ops: usize,
    /// The helper functions built so far.
    pub helpers: Vec<Helper>,
    line: u32,
}

impl<'c> Gen<'c> {
    /// A generator with an empty module holding an empty `@main`.
    pub fn new(ctx: &'c mut Context, cfg: &'c GenConfig) -> Gen<'c> {
        let loc = ctx.file_loc("progen", 1, 1);
        let module = ctx.create_module(loc);
        let (main, block) = new_function(ctx, module, "main", false);
        Gen {
            ctx,
            cfg,
            rng: Xoshiro256PlusPlus::seed_from_u64(cfg.seed),
            module,
            main,
            block,
            pool: Vec::new(),
            arg_ranges: Vec::new(),
            ops: 0,
            helpers: Vec::new(),
            line: 1,
        }
    }

    // ----- random choices -------------------------------------------------

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    /// A uniform index below `n` (which must be positive).
    pub fn index(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    /// One of `items` (which must not be empty).
    pub fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        *items
            .choose(&mut self.rng)
            .expect("choose from an empty list")
    }

    /// A dimension size: `1..=max_dim`, or 0 now and then if allowed.
    pub fn dim(&mut self) -> i64 {
        if self.cfg.allow_empty && self.chance(0.05) {
            return 0;
        }
        self.int(1, self.cfg.max_dim.max(1) as i64)
    }

    /// A random shape of `rank`.
    pub fn shape(&mut self, rank: usize) -> Vec<i64> {
        (0..rank).map(|_| self.dim()).collect()
    }

    /// A random rank in `lo..=max_rank` (`lo` if `max_rank` is smaller).
    pub fn rank_from(&mut self, lo: usize) -> usize {
        let hi = self.cfg.max_rank.max(lo);
        self.rng.random_range(lo..=hi)
    }

    /// One of the configured element types, the first twice as likely.
    pub fn elem(&mut self) -> ElemType {
        let e = &self.cfg.elems;
        if e.len() == 1 || self.chance(0.5) {
            e[0]
        } else {
            e[self.index(e.len())]
        }
    }

    /// One of the configured float element types, if any.
    pub fn float_elem(&mut self) -> Option<ElemType> {
        let floats: Vec<ElemType> = self
            .cfg
            .elems
            .iter()
            .copied()
            .filter(|e| e.is_float())
            .collect();
        (!floats.is_empty()).then(|| self.choose(&floats))
    }

    /// An axis attribute for `axis` of a rank-`rank` operand, negative
    /// (counted from the end) now and then.
    pub fn axis_attr(&mut self, axis: usize, rank: usize) -> Attribute {
        let a = if self.chance(0.3) {
            axis as i64 - rank as i64
        } else {
            axis as i64
        };
        self.ctx.i64_attr(a)
    }

    /// A pool value satisfying `pred`: an unused one 40% of the time (so
    /// most values end up feeding the results), one of the four most recent
    /// 30% (so chains grow deep), any of them otherwise (so values are
    /// shared).
    pub fn pick(&mut self, pred: impl Fn(&Val) -> bool) -> Option<usize> {
        let found: Vec<usize> = (0..self.pool.len())
            .filter(|&i| pred(&self.pool[i]))
            .collect();
        if found.is_empty() {
            return None;
        }
        let x = self.rng.random_range(0.0..1.0);
        if x < 0.4 {
            let unused: Vec<usize> = found
                .iter()
                .copied()
                .filter(|&i| self.ctx.is_unused(self.pool[i].v))
                .collect();
            if !unused.is_empty() {
                return Some(self.choose(&unused));
            }
        }
        let from = if x < 0.7 {
            found.len().saturating_sub(4)
        } else {
            0
        };
        let i = from + self.index(found.len() - from);
        Some(found[i])
    }

    /// A shape that broadcasts with `shape`: some leading dimensions
    /// dropped or added, some dimensions 1, some 1s stretched.
    pub fn broadcast_partner(&mut self, shape: &[i64]) -> Vec<i64> {
        let drop = if self.chance(0.3) {
            self.index(shape.len() + 1)
        } else {
            0
        };
        let mut s: Vec<i64> = shape[drop..].to_vec();
        for d in &mut s {
            if self.chance(0.25) {
                *d = 1;
            } else if *d == 1 && self.chance(0.3) {
                *d = self.dim();
            }
        }
        // New leading dimensions must lie left of all of `shape`'s.
        while drop == 0 && s.len() < self.cfg.max_rank && self.chance(0.15) {
            let d = self.dim();
            s.insert(0, d);
        }
        s
    }

    // ----- building ops ---------------------------------------------------

    /// Builds `name` at the end of `block` and returns its result.
    fn build(
        &mut self,
        block: BlockId,
        name: &str,
        operands: &[Value],
        attrs: &[(&str, Attribute)],
        result: Type,
    ) -> Value {
        self.line += 1;
        let loc = self.ctx.file_loc("progen", self.line, 1);
        Builder::new(self.ctx, InsertPoint::End(block))
            .create_value(name, operands, result, attrs, loc)
    }

    /// Adds a value built in `@main` to the pool and returns its index.
    fn push(&mut self, v: Value, ty: TensorType, range: Range) -> usize {
        self.pool.push(Val { v, ty, range });
        self.pool.len() - 1
    }

    /// The result type of `p`, from the dialect's type inference. A
    /// rejection is a bug: either the generator proposed an op the spec
    /// forbids, or the inference rejects one the spec allows.
    fn infer(&mut self, p: &Proposal) -> TensorType {
        let types: Vec<Type> = p
            .operands
            .iter()
            .map(|&i| self.ctx.value_type(self.pool[i].v))
            .collect();
        let result = match &p.declared {
            None => infer_result_type(self.ctx, p.name, &types, &p.attrs)
                .and_then(|t| TensorType::from_type(self.ctx, t)),
            Some(declared) => {
                let ctx: &Context = self.ctx;
                let operands: Vec<TensorType> = p
                    .operands
                    .iter()
                    .map(|&i| self.pool[i].ty.clone())
                    .collect();
                let family = family_of(p.name).expect("proposals name graph ops");
                let attrs = Attrs::from_list(ctx, &p.attrs);
                infer(ctx, family, &operands, &attrs, Some(declared))
            }
        };
        result.unwrap_or_else(|e| {
            let operands: Vec<String> = p
                .operands
                .iter()
                .map(|&i| self.pool[i].ty.to_string())
                .collect();
            panic!(
                "progen seed {}: type inference rejected a proposed {} on ({}) with {:?}: {e}",
                self.cfg.seed,
                p.name,
                operands.join(", "),
                p.attrs
            )
        })
    }

    /// Whether a result of `ty` and `range` is acceptable.
    fn acceptable(&self, ty: &TensorType, range: Range) -> bool {
        ty.num_elements() <= MAX_VALUE_ELEMENTS
            && range.is_finite()
            && range.magnitude() <= self.cfg.max_magnitude
    }

    /// Builds `p` in `@main`; `None` (and nothing built) if its result
    /// would be too large in size or magnitude.
    pub fn commit(&mut self, p: Proposal) -> Option<usize> {
        let ty = self.infer(&p);
        if !self.acceptable(&ty, p.range) {
            return None;
        }
        Some(self.build_proposal(p, ty))
    }

    /// Builds `p` in `@main` whatever its range (for guards, which keep
    /// the shape and grow the magnitude by at most a small constant).
    fn commit_guard(&mut self, p: Proposal) -> usize {
        let ty = self.infer(&p);
        self.build_proposal(p, ty)
    }

    fn build_proposal(&mut self, p: Proposal, ty: TensorType) -> usize {
        let operands: Vec<Value> = p.operands.iter().map(|&i| self.pool[i].v).collect();
        let rty = ty.to_type(self.ctx);
        let v = self.build(self.block, p.name, &operands, &p.attrs, rty);
        self.ops += 1;
        self.push(v, ty, p.range)
    }

    /// Builds `p` as the body of a new private helper function and calls it
    /// from `@main`; `None` if its result is not acceptable.
    pub fn commit_as_call(&mut self, p: Proposal) -> Option<usize> {
        let ty = self.infer(&p);
        if !self.acceptable(&ty, p.range) {
            return None;
        }
        let name = format!("helper{}", self.helpers.len());
        let (func, body) = new_function(self.ctx, self.module, &name, true);
        let args: Vec<TensorType> = p
            .operands
            .iter()
            .map(|&i| self.pool[i].ty.clone())
            .collect();
        let mut params = Vec::with_capacity(args.len());
        for t in &args {
            let ty = t.to_type(self.ctx);
            let loc = self.ctx.op(func).loc;
            params.push(self.ctx.add_block_arg(body, ty, loc));
        }
        let rty = ty.to_type(self.ctx);
        let r = self.build(body, p.name, &params, &p.attrs, rty);
        self.finish_function(func, body, &[r]);
        self.helpers.push(Helper {
            name,
            args,
            arg_ranges: p.operands.iter().map(|&i| self.pool[i].range).collect(),
            result: ty,
            range: p.range,
        });
        let h = self.helpers.len() - 1;
        Some(self.call(h, &p.operands))
    }

    /// Calls helper `h` on pool values that fit its arguments' types and
    /// ranges, if there are such values.
    pub fn call_existing(&mut self, h: usize) -> Option<usize> {
        let helper = self.helpers[h].clone();
        let mut operands = Vec::with_capacity(helper.args.len());
        for (t, r) in helper.args.iter().zip(&helper.arg_ranges) {
            let i = self.pick(|v| v.ty == *t && v.range.within(*r))?;
            operands.push(i);
        }
        Some(self.call(h, &operands))
    }

    fn call(&mut self, h: usize, operands: &[usize]) -> usize {
        let helper = self.helpers[h].clone();
        let values: Vec<Value> = operands.iter().map(|&i| self.pool[i].v).collect();
        let rty = helper.result.to_type(self.ctx);
        let callee = self.ctx.symbol_ref_attr(&helper.name);
        let v = self.build(self.block, "func.call", &values, &[("callee", callee)], rty);
        self.ops += 1;
        self.push(v, helper.result, helper.range)
    }

    /// Builds a copy of an op of `@main` built before (a `graph` op or a
    /// call), with the operands of a commutative op swapped half of the
    /// time; `None` if there is none yet.
    pub fn repeat(&mut self) -> Option<usize> {
        let built: Vec<usize> = (0..self.pool.len())
            .filter(|&i| self.ctx.defining_op(self.pool[i].v).is_some())
            .collect();
        if built.is_empty() {
            return None;
        }
        let i = self.choose(&built);
        let val = self.pool[i].clone();
        let op = self.ctx.defining_op(val.v)?;
        let name = self.ctx.op_name_of(op).to_string();
        let mut operands = self.ctx.op(op).operands.clone();
        let commutative = matches!(
            name.as_str(),
            "graph.add" | "graph.mul" | "graph.max" | "graph.min"
        );
        if commutative && self.chance(0.5) {
            operands.swap(0, 1);
        }
        let attrs: Vec<(String, Attribute)> = self
            .ctx
            .op(op)
            .attrs
            .iter()
            .map(|&(n, a)| (self.ctx.symbol_str(n).to_string(), a))
            .collect();
        let attrs: Vec<(&str, Attribute)> = attrs.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        let ty = self.ctx.value_type(val.v);
        let v = self.build(self.block, &name, &operands, &attrs, ty);
        self.ops += 1;
        Some(self.push(v, val.ty, val.range))
    }

    /// Adds a private function nothing calls, for `symbol-dce` to erase:
    /// `abs` of its argument, of the type of pool value `i`.
    pub fn add_dead_function(&mut self, i: usize) {
        let t = self.pool[i].ty.clone();
        let name = format!("unused{}", self.helpers.len());
        let (func, body) = new_function(self.ctx, self.module, &name, true);
        let ty = t.to_type(self.ctx);
        let loc = self.ctx.op(func).loc;
        let arg = self.ctx.add_block_arg(body, ty, loc);
        let r = if t.elem == ElemType::I1 {
            arg
        } else {
            self.build(body, "graph.abs", &[arg], &[], ty)
        };
        self.finish_function(func, body, &[r]);
    }

    /// Ends `func` with `func.return results` and sets its type.
    pub fn finish_function(&mut self, func: OpId, body: BlockId, results: &[Value]) {
        let inputs: Vec<Type> = self
            .ctx
            .block_args(body)
            .iter()
            .map(|&a| self.ctx.value_type(a))
            .collect();
        let outputs: Vec<Type> = results.iter().map(|&r| self.ctx.value_type(r)).collect();
        self.line += 1;
        let loc = self.ctx.file_loc("progen", self.line, 1);
        Builder::new(self.ctx, InsertPoint::End(body)).create(
            "func.return",
            results,
            &[],
            &[],
            loc,
        );
        let fty = self.ctx.function_type(&inputs, &outputs);
        let attr = self.ctx.type_attr(fty);
        self.ctx.set_attr(func, "function_type", attr);
    }

    // ----- operands ---------------------------------------------------------

    /// A new argument of `@main` of type `ty`, whose inputs will lie in `range`.
    pub fn new_arg(&mut self, ty: &TensorType, range: Range) -> usize {
        let t = ty.to_type(self.ctx);
        let loc = self.ctx.op(self.main).loc;
        let v = self.ctx.add_block_arg(self.block, t, loc);
        self.arg_ranges.push(range);
        self.push(v, ty.clone(), range)
    }

    /// A range for fresh values of `elem` that satisfies `need`.
    pub fn fresh_range(&mut self, elem: ElemType, need: Need) -> Range {
        if elem == ElemType::I1 {
            return Range::boolean();
        }
        let r = match need {
            Need::Any if elem.is_float() => {
                self.choose(&[(-2.0, 2.0), (-1.0, 1.0), (0.5, 3.0), (-4.0, 0.5)])
            }
            Need::Any => self.choose(&[(-5.0, 5.0), (1.0, 6.0), (-3.0, 0.0)]),
            Need::AtLeast(b) => (b.max(0.5), b.max(0.5) + 2.5),
            Need::Bounded(b) => (-b.min(2.0), b.min(2.0)),
            Need::Exponent => (0.0, 3.0),
            Need::NonZero => (1.0, 4.0),
        };
        Range::new(r.0, r.1)
    }

    /// A constant of type `ty` whose values lie in `range`: a splat, or a
    /// small dense tensor; now and then made of values the folds treat
    /// specially (0, -0, 1, -1).
    pub fn constant(&mut self, ty: &TensorType, range: Range) -> usize {
        let n = ty.num_elements();
        let count = if n > MAX_DENSE_CONSTANT || (n > 0 && self.chance(0.5)) {
            1
        } else {
            n as usize
        };
        let special = self.chance(0.3);
        let values: Vec<f64> = (0..count)
            .map(|_| self.scalar(ty.elem, range, special))
            .collect();
        // Round through the element type, so the range is that of the
        // stored values.
        let stored = Tensor::from_f64s(ty.elem, &[count], &values)
            .expect("a small tensor")
            .to_f64_array();
        let actual = if n == 0 {
            Range::point(0.0)
        } else {
            let lo = stored.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = stored.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Range::new(lo, hi)
        };
        let scalars: Vec<DenseScalar> = stored
            .iter()
            .map(|&v| {
                if ty.elem.is_float() {
                    DenseScalar::Float(v)
                } else {
                    DenseScalar::Int(v as i128)
                }
            })
            .collect();
        self.build_constant(ty, &scalars, actual)
    }

    /// Builds `graph.constant` of `ty` holding `values` (one value is a
    /// splat), stored the way the parser stores it.
    fn build_constant(&mut self, ty: &TensorType, values: &[DenseScalar], range: Range) -> usize {
        let rty = ty.to_type(self.ctx);
        let dense = make_dense(self.ctx, rty, values).expect("a well-formed dense constant");
        let attr = self.ctx.intern_attr(AttrData::DenseElements(dense));
        let v = self.build(self.block, "graph.constant", &[], &[("value", attr)], rty);
        self.ops += 1;
        self.push(v, ty.clone(), range)
    }

    /// One element value for a constant of `elem` within `range`.
    fn scalar(&mut self, elem: ElemType, range: Range, special: bool) -> f64 {
        if elem == ElemType::I1 {
            return if self.chance(0.5) { 1.0 } else { 0.0 };
        }
        if special {
            let options: Vec<f64> = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0]
                .into_iter()
                .filter(|&v| Range::point(v).within(range))
                .filter(|&v| elem.is_float() || v == v.trunc())
                .collect();
            if !options.is_empty() {
                return self.choose(&options);
            }
        }
        if !elem.is_float() {
            let (lo, hi) = (range.lo.ceil() as i64, range.hi.floor() as i64);
            return self.int(lo, hi.max(lo)) as f64;
        }
        let x = self.rng.random_range(range.lo..=range.hi);
        // Half of the values are short decimals, half arbitrary floats (which
        // exercise exact float printing).
        if self.chance(0.5) {
            ((x * 8.0).round() / 8.0).clamp(range.lo, range.hi)
        } else {
            x
        }
    }

    /// An operand of type `ty` satisfying `need`: an existing value (half
    /// of the time, when one fits), a broadcast or reshape of one, a new
    /// argument or a constant. Values that do not satisfy `need` are
    /// guarded.
    pub fn value_of(&mut self, ty: &TensorType, need: Need) -> usize {
        if self.chance(0.5)
            && let Some(i) = self.pick(|v| v.ty == *ty && need.holds(v.range))
        {
            return i;
        }
        if self.cfg.weight(OpFamily::BroadcastTo) > 0
            && self.chance(0.15)
            && let Some(i) = self.pick(|v| {
                v.ty.elem == ty.elem
                    && v.ty.shape != ty.shape
                    && broadcastable_to(&v.ty.shape, &ty.shape)
            })
        {
            let range = self.pool[i].range;
            let p = Proposal {
                name: "graph.broadcast_to",
                operands: vec![i],
                attrs: vec![],
                declared: Some(ty.clone()),
                range,
            };
            if let Some(j) = self.commit(p) {
                return self.guard(j, need);
            }
        }
        if self.cfg.weight(OpFamily::Reshape) > 0
            && self.chance(0.1)
            && let Some(i) = self.pick(|v| {
                v.ty.elem == ty.elem
                    && v.ty.shape != ty.shape
                    && v.ty.num_elements() == ty.num_elements()
            })
        {
            let range = self.pool[i].range;
            let p = Proposal {
                name: "graph.reshape",
                operands: vec![i],
                attrs: vec![],
                declared: Some(ty.clone()),
                range,
            };
            if let Some(j) = self.commit(p) {
                return self.guard(j, need);
            }
        }
        let range = self.fresh_range(ty.elem, need);
        let arg_ok =
            self.arg_ranges.len() < self.cfg.max_args.max(1) && self.cfg.elems.contains(&ty.elem);
        if arg_ok && self.chance(0.5) {
            self.new_arg(ty, range)
        } else {
            self.constant(ty, range)
        }
    }

    /// A value of pool value `i`'s type satisfying `need`: `i` itself if it
    /// does, else a guard computed from it.
    pub fn guard(&mut self, i: usize, need: Need) -> usize {
        let val = self.pool[i].clone();
        if need.holds(val.range) {
            return i;
        }
        let elem = val.ty.elem;
        match need {
            Need::Any => i,
            // abs(x) + c with c >= max(b, 1).
            Need::AtLeast(b) => {
                let a = self.unary_guard(i, "graph.abs", val.range.abs());
                self.add_constant(a, b.max(1.0).ceil())
            }
            Need::NonZero => {
                let a = self.unary_guard(i, "graph.abs", val.range.abs());
                self.add_constant(a, 1.0)
            }
            Need::Bounded(b) if elem.is_float() && b >= 1.0 => {
                self.unary_guard(i, "graph.tanh", Range::new(-1.0, 1.0))
            }
            Need::Bounded(b) => {
                let b = b.floor().max(1.0);
                let lo = self.binary_constant(i, "graph.max", -b);
                self.binary_constant(lo, "graph.min", b)
            }
            Need::Exponent => {
                let a = self.unary_guard(i, "graph.abs", val.range.abs());
                self.binary_constant(a, "graph.min", 3.0)
            }
        }
    }

    fn unary_guard(&mut self, i: usize, name: &'static str, range: Range) -> usize {
        let p = Proposal {
            name,
            operands: vec![i],
            attrs: vec![],
            declared: None,
            range,
        };
        self.commit_guard(p)
    }

    fn add_constant(&mut self, i: usize, c: f64) -> usize {
        self.binary_constant(i, "graph.add", c)
    }

    /// `name(x, c)` for a splat constant `c`, of rank 0 or of `x`'s shape.
    fn binary_constant(&mut self, i: usize, name: &'static str, c: f64) -> usize {
        let val = self.pool[i].clone();
        let shape = if self.chance(0.5) {
            Vec::new()
        } else {
            val.ty.shape.clone()
        };
        let cty = TensorType::new(shape, val.ty.elem);
        let k = self.constant_splat(&cty, c);
        let cr = Range::point(c);
        let range = match name {
            "graph.add" => val.range + cr,
            "graph.max" => val.range.max(cr),
            _ => val.range.min(cr),
        };
        let p = Proposal {
            name,
            operands: vec![i, k],
            attrs: vec![],
            declared: None,
            range,
        };
        self.commit_guard(p)
    }

    /// A splat constant of `ty` holding `c`.
    pub fn constant_splat(&mut self, ty: &TensorType, c: f64) -> usize {
        let v = if ty.elem.is_float() {
            DenseScalar::Float(c)
        } else {
            DenseScalar::Int(c as i128)
        };
        self.build_constant(ty, &[v], Range::point(c))
    }

    /// A constant of integer type `elem` and `shape` holding `values`.
    pub fn constant_ints(&mut self, elem: ElemType, shape: &[i64], values: &[i64]) -> usize {
        let ty = TensorType::new(shape.to_vec(), elem);
        let scalars: Vec<DenseScalar> =
            values.iter().map(|&v| DenseScalar::Int(v.into())).collect();
        let lo = values.iter().copied().min().unwrap_or(0) as f64;
        let hi = values.iter().copied().max().unwrap_or(0) as f64;
        self.build_constant(&ty, &scalars, Range::new(lo, hi))
    }

    /// A pool value of `elem` whose shape broadcasts with `shape` (without
    /// making too large a result), or a fresh one of a partner shape.
    pub fn broadcast_operand(&mut self, shape: &[i64], elem: ElemType, need: Need) -> usize {
        if self.chance(0.5)
            && let Some(i) = self.pick(|v| {
                v.ty.elem == elem
                    && need.holds(v.range)
                    && broadcast_shapes(&[shape, &v.ty.shape]).is_some_and(|s| {
                        TensorType::new(s, elem).num_elements() <= MAX_VALUE_ELEMENTS
                    })
            })
        {
            return i;
        }
        let s = self.broadcast_partner(shape);
        self.value_of(&TensorType::new(s, elem), need)
    }
}

/// Appends `func.func @name` with an empty entry block (and, for now, no
/// type: [`Gen::finish_function`] sets it) to `module`.
fn new_function(ctx: &mut Context, module: OpId, name: &str, private: bool) -> (OpId, BlockId) {
    let loc = ctx.file_loc("progen", 1, 1);
    let region = ctx.create_region();
    let block = ctx.create_block(&[], loc);
    ctx.append_block(region, block);
    let fty = ctx.function_type(&[], &[]);
    let mut state = OperationState::new(ctx.op_name("func.func"), loc).region(region);
    let sym = ctx.symbol("sym_name");
    let sym_value = ctx.str_attr(name);
    state.set_attr(sym, sym_value);
    let ft = ctx.symbol("function_type");
    let ft_value = ctx.type_attr(fty);
    state.set_attr(ft, ft_value);
    if private {
        let vis = ctx.symbol("sym_visibility");
        let vis_value = ctx.str_attr("private");
        state.set_attr(vis, vis_value);
    }
    let func = ctx.create_op(state);
    let body = ctx.module_body(module);
    ctx.append_op(body, func);
    (func, block)
}
