//! The loop-nest builder the graph-to-affine lowerings write with: an
//! [`Emitter`] that inserts ops at one point of a block, with helpers for
//! scalar `arith`/`math` ops, `affine.load`/`affine.store` through affine
//! maps of loop indices, and perfect `affine.for` nests (with or without
//! loop-carried values).
//!
//! Every nest is a plain `affine.for` nest from 0 to a constant with step 1,
//! so later passes (tiling, fusion, vectorization) can work on it directly.

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::{Context, FloatKind, Location, OpId, Type, TypeData, Value};
use tessera_dialects::affine::{self as affine_d, Bound};
use tessera_dialects::arith::{CmpFPredicate, CmpIPredicate};

/// What kind of number an element type is, which decides the ops used.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// `f32`, `f64` (any float).
    Float,
    /// `i32`, `i64` (signless integers wider than 1 bit).
    Int,
    /// `i1`.
    Bool,
}

/// The kind of the scalar type `ty`, `None` for anything else.
pub(crate) fn kind_of(ctx: &Context, ty: Type) -> Option<Kind> {
    match ctx.type_data(ty) {
        TypeData::Float(_) => Some(Kind::Float),
        TypeData::Integer { width: 1, .. } => Some(Kind::Bool),
        TypeData::Integer { .. } => Some(Kind::Int),
        _ => None,
    }
}

/// The bit width of an integer or float type.
pub(crate) fn bit_width(ctx: &Context, ty: Type) -> u32 {
    match ctx.type_data(ty) {
        TypeData::Float(k) => k.width(),
        TypeData::Integer { width, .. } => *width,
        _ => 64,
    }
}

/// The shape of a memref (or any shaped) value.
pub(crate) fn shape_of(ctx: &Context, v: Value) -> Vec<i64> {
    ctx.shape_of(ctx.value_type(v)).unwrap_or(&[]).to_vec()
}

/// The element type of a memref (or any shaped) value.
pub(crate) fn elem_of(ctx: &Context, v: Value) -> Type {
    let ty = ctx.value_type(v);
    ctx.elem_of(ty).unwrap_or(ty)
}

/// Row-major strides of `shape`.
pub(crate) fn strides(shape: &[i64]) -> Vec<i64> {
    let mut s = vec![1i64; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        s[k] = s[k + 1] * shape[k + 1];
    }
    s
}

/// `d0, d1, ..` for `n` loop indices.
pub(crate) fn dims(n: usize) -> Vec<AffineExpr> {
    (0..n as u32).map(AffineExpr::dim).collect()
}

/// Subscripts into an operand of shape `in_shape` broadcast (NumPy rules,
/// right-aligned) to `out_shape`, from the loop indices `d0..` of
/// `out_shape`: a stretched dimension reads index 0.
pub(crate) fn broadcast_subscripts(in_shape: &[i64], out_shape: &[i64]) -> Vec<AffineExpr> {
    let lead = out_shape.len() - in_shape.len();
    in_shape
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            if d == 1 && out_shape[lead + k] != 1 {
                AffineExpr::constant(0)
            } else {
                AffineExpr::dim((lead + k) as u32)
            }
        })
        .collect()
}

/// Inserts ops at one point, all at one location; see the module docs.
pub(crate) struct Emitter<'a> {
    /// The context.
    pub ctx: &'a mut Context,
    /// Where ops go: the end of a block or before an op (never `After`,
    /// which would move).
    pub ip: InsertPoint,
    /// The location every new op gets (the lowered op's).
    pub loc: Location,
}

impl<'a> Emitter<'a> {
    /// An emitter inserting at `ip` with location `loc`.
    pub fn new(ctx: &'a mut Context, ip: InsertPoint, loc: Location) -> Self {
        Emitter { ctx, ip, loc }
    }

    fn builder(&mut self) -> Builder<'_> {
        Builder::new(self.ctx, self.ip)
    }

    /// Creates an op with string-named attributes at the insertion point.
    pub fn create(
        &mut self,
        name: &str,
        operands: &[Value],
        results: &[Type],
        attrs: &[(&str, tessera_compiler::Attribute)],
    ) -> OpId {
        let loc = self.loc;
        self.builder().create(name, operands, results, attrs, loc)
    }

    /// Like [`create`](Self::create) for a one-result op.
    pub fn value(&mut self, name: &str, operands: &[Value], ty: Type) -> Value {
        let op = self.create(name, operands, &[ty], &[]);
        self.ctx.result(op, 0)
    }

    // ----- constants ------------------------------------------------------

    /// `arith.constant <v> : index`.
    pub fn index(&mut self, v: i64) -> Value {
        let ty = self.ctx.index_type();
        let a = self.ctx.int_attr(v as i128, ty);
        let op = self.create("arith.constant", &[], &[ty], &[("value", a)]);
        self.ctx.result(op, 0)
    }

    /// A float constant of the float type `ty` (rounded to it first, so
    /// the attribute prints as the value the type holds).
    pub fn float(&mut self, ty: Type, v: f64) -> Value {
        let v = match self.ctx.type_data(ty) {
            TypeData::Float(FloatKind::F32) => f64::from(v as f32),
            _ => v,
        };
        let a = self.ctx.float_attr(v, ty);
        let op = self.create("arith.constant", &[], &[ty], &[("value", a)]);
        self.ctx.result(op, 0)
    }

    /// An integer constant of the integer type `ty` (`i1`: `v != 0`),
    /// wrapped to its width.
    pub fn int(&mut self, ty: Type, v: i64) -> Value {
        let w = bit_width(self.ctx, ty);
        if w == 1 {
            // `true`/`false`: the form arith.constant prints custom.
            let a = self.ctx.bool_attr(v != 0);
            let op = self.create("arith.constant", &[], &[ty], &[("value", a)]);
            return self.ctx.result(op, 0);
        }
        let v = if w < 64 {
            // Sign-extend the low `w` bits, as MLIR stores integer attributes.
            let shift = 64 - w;
            i128::from((v << shift) >> shift)
        } else {
            i128::from(v)
        };
        let a = self.ctx.int_attr(v, ty);
        let op = self.create("arith.constant", &[], &[ty], &[("value", a)]);
        self.ctx.result(op, 0)
    }

    /// A constant of any element type from an `f64` (floats) or its
    /// integer value (integers, `i1`: non-zero is true).
    pub fn number(&mut self, ty: Type, v: f64) -> Value {
        match kind_of(self.ctx, ty) {
            Some(Kind::Float) => self.float(ty, v),
            _ => self.int(ty, v as i64),
        }
    }

    // ----- scalar ops -----------------------------------------------------

    /// A one-operand op whose result has the operand's type (`math.exp`).
    pub fn un(&mut self, name: &str, a: Value) -> Value {
        let ty = self.ctx.value_type(a);
        self.value(name, &[a], ty)
    }

    /// A two-operand op whose result has the operands' type (`arith.addf`).
    pub fn bin(&mut self, name: &str, a: Value, b: Value) -> Value {
        let ty = self.ctx.value_type(a);
        self.value(name, &[a, b], ty)
    }

    /// `arith.cmpf <pred>, a, b`.
    pub fn cmpf(&mut self, pred: CmpFPredicate, a: Value, b: Value) -> Value {
        let i1 = self.ctx.i1_type();
        let p = pred.to_attr(self.ctx);
        let op = self.create("arith.cmpf", &[a, b], &[i1], &[("predicate", p)]);
        self.ctx.result(op, 0)
    }

    /// `arith.cmpi <pred>, a, b`.
    pub fn cmpi(&mut self, pred: CmpIPredicate, a: Value, b: Value) -> Value {
        let i1 = self.ctx.i1_type();
        let p = pred.to_attr(self.ctx);
        let op = self.create("arith.cmpi", &[a, b], &[i1], &[("predicate", p)]);
        self.ctx.result(op, 0)
    }

    /// `arith.select c, a, b`.
    pub fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        let ty = self.ctx.value_type(a);
        self.value("arith.select", &[c, a, b], ty)
    }

    /// A conversion op `name` of `x` to `to` (`arith.sitofp`).
    pub fn conv(&mut self, name: &str, x: Value, to: Type) -> Value {
        self.value(name, &[x], to)
    }

    /// `arith.index_cast` of an integer to `index`.
    pub fn index_cast(&mut self, x: Value) -> Value {
        let index = self.ctx.index_type();
        self.conv("arith.index_cast", x, index)
    }

    // ----- memory ---------------------------------------------------------

    /// `affine.load mem[subs]`, where `subs` are affine expressions of the
    /// loop indices `ivs` (as `d0, d1, ..`).
    pub fn load(&mut self, mem: Value, subs: &[AffineExpr], ivs: &[Value]) -> Value {
        let (map, operands) = compact(subs, ivs);
        let loc = self.loc;
        affine_d::build_load(&mut self.builder(), mem, map, &operands, loc)
    }

    /// `affine.store v, mem[subs]`, as [`load`](Self::load).
    pub fn store(&mut self, v: Value, mem: Value, subs: &[AffineExpr], ivs: &[Value]) {
        let (map, operands) = compact(subs, ivs);
        let loc = self.loc;
        affine_d::build_store(&mut self.builder(), v, mem, map, &operands, loc);
    }

    /// `memref.load mem[indices]` (for subscripts only known at run time).
    pub fn load_dynamic(&mut self, mem: Value, indices: &[Value]) -> Value {
        let loc = self.loc;
        tessera_dialects::memref::build_load(&mut self.builder(), mem, indices, loc)
    }

    /// `affine.min` or `affine.max` of expressions of the loop indices.
    pub fn min_max(&mut self, max: bool, es: &[AffineExpr], ivs: &[Value]) -> Value {
        let (map, operands) = compact(es, ivs);
        let loc = self.loc;
        let kind = if max {
            affine_d::ApplyKind::Max
        } else {
            affine_d::ApplyKind::Min
        };
        affine_d::build_apply(&mut self.builder(), kind, map, &operands, loc)
    }

    // ----- loops ----------------------------------------------------------

    /// A perfect nest of `affine.for` loops, one per entry of `shape`
    /// (from 0 to that size), calling `body` once with the insertion point
    /// in the innermost body and its induction variables, outermost first.
    /// A rank-0 shape calls `body` in place with no indices.
    pub fn nest(&mut self, shape: &[i64], body: impl FnOnce(&mut Self, &[Value])) {
        let saved = self.ip;
        let mut ivs = Vec::with_capacity(shape.len());
        for &n in shape {
            let loc = self.loc;
            let f = affine_d::build_for(
                &mut self.builder(),
                Bound::Constant(0),
                Bound::Constant(n),
                1,
                &[],
                loc,
            );
            ivs.push(f.induction_var);
            let y = self
                .ctx
                .last_op(f.body)
                .expect("a new loop body ends in affine.yield");
            self.ip = InsertPoint::Before(y);
        }
        body(self, &ivs);
        self.ip = saved;
    }

    /// One `affine.for` from `lb` to `ub` (constants).
    pub fn for_range(&mut self, lb: i64, ub: i64, body: impl FnOnce(&mut Self, Value)) {
        let saved = self.ip;
        let loc = self.loc;
        let f = affine_d::build_for(
            &mut self.builder(),
            Bound::Constant(lb),
            Bound::Constant(ub),
            1,
            &[],
            loc,
        );
        let y = self
            .ctx
            .last_op(f.body)
            .expect("a new loop body ends in affine.yield");
        self.ip = InsertPoint::Before(y);
        body(self, f.induction_var);
        self.ip = saved;
    }

    /// A perfect nest like [`nest`](Self::nest) whose loops carry values:
    /// `body` gets the induction variables and the carried values and
    /// returns the next ones; the result is the values after the nest.
    /// The ranges are `lbs[k]..shape[k]` (`lbs` empty: all from 0).
    pub fn nest_iter(
        &mut self,
        lbs: &[i64],
        shape: &[i64],
        inits: &[Value],
        body: impl FnOnce(&mut Self, &[Value], &[Value]) -> Vec<Value>,
    ) -> Vec<Value> {
        if shape.is_empty() {
            return body(self, &[], inits);
        }
        assert!(!inits.is_empty(), "nest_iter without carried values");
        let saved = self.ip;
        let mut carried = inits.to_vec();
        let mut loops = Vec::with_capacity(shape.len());
        let mut ivs = Vec::with_capacity(shape.len());
        for (k, &n) in shape.iter().enumerate() {
            let loc = self.loc;
            let lb = lbs.get(k).copied().unwrap_or(0);
            let f = affine_d::build_for(
                &mut self.builder(),
                Bound::Constant(lb),
                Bound::Constant(n),
                1,
                &carried,
                loc,
            );
            ivs.push(f.induction_var);
            carried = f.iter_args.clone();
            self.ip = InsertPoint::End(f.body);
            loops.push(f);
        }
        let mut next = body(self, &ivs, &carried);
        let loc = self.loc;
        for f in loops.iter().rev() {
            let mut b = Builder::new(self.ctx, InsertPoint::End(f.body));
            affine_d::build_yield(&mut b, &next, loc);
            next = f.results.clone();
        }
        self.ip = saved;
        next
    }

    /// `affine.if` on the constraints `cs` (each `e >= 0`) over the loop
    /// indices `ivs`; `then` runs with the insertion point in its body.
    /// Without constraints, `then` runs in place.
    pub fn guard(&mut self, cs: &[AffineExpr], ivs: &[Value], then: impl FnOnce(&mut Self)) {
        if cs.is_empty() {
            then(self);
            return;
        }
        let (map, operands) = compact(cs, ivs);
        let set = tessera_compiler::affine::IntegerSet::new(
            map.num_dims,
            0,
            map.results.into_iter().map(|e| (e, false)).collect(),
        );
        let saved = self.ip;
        let loc = self.loc;
        let (_, then_block, _) =
            affine_d::build_if(&mut self.builder(), set, &operands, &[], false, loc);
        let y = self
            .ctx
            .last_op(then_block)
            .expect("a new affine.if body ends in affine.yield");
        self.ip = InsertPoint::Before(y);
        then(self);
        self.ip = saved;
    }
}

/// The map of `exprs` over only the loop indices they use, and those
/// indices: `(d0, d2) -> ..` over `[i, j, k]` becomes `(d0, d1) -> ..` over
/// `[i, k]`, so the printed form names only what it reads.
fn compact(exprs: &[AffineExpr], ivs: &[Value]) -> (AffineMap, Vec<Value>) {
    let used: Vec<usize> = (0..ivs.len())
        .filter(|&k| exprs.iter().any(|e| e.uses_dim(k as u32)))
        .collect();
    let mut renumber = vec![AffineExpr::constant(0); ivs.len()];
    for (new, &old) in used.iter().enumerate() {
        renumber[old] = AffineExpr::dim(new as u32);
    }
    let results = exprs
        .iter()
        .map(|e| e.replace_dims_and_symbols(&renumber, &[]))
        .collect();
    let operands = used.iter().map(|&k| ivs[k]).collect();
    (AffineMap::new(used.len() as u32, 0, results), operands)
}
