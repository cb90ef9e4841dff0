//! The IR builder the kernel schedules write with: a [`KernelBuilder`]
//! that inserts ops at one point, with `index` constants shared across
//! the whole schedule, `affine.for` loops (single-trip ones folded away),
//! `affine.if` with results, affine and vector memory accesses, and the
//! few vector arithmetic ops a micro-kernel needs.

use std::collections::HashMap;

use tessera_compiler::affine::{AffineExpr, AffineMap, IntegerSet};
use tessera_compiler::attrs::DenseElements;
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::{AttrData, Context, Location, OpId, Type, Value};
use tessera_dialects::affine::{self as affine_d, Bound};
use tessera_dialects::{memref, vector};

/// A loop's upper bound.
#[derive(Clone, Debug)]
pub enum Upper {
    /// A constant.
    Const(i64),
    /// The smallest of these expressions over `operands` (as `d0, d1, ..`).
    Min(Vec<AffineExpr>, Vec<Value>),
}

/// Inserts ops at one point; see the module docs.
pub struct KernelBuilder<'a> {
    /// The context.
    pub ctx: &'a mut Context,
    /// Where ops go (never `After`, which would move).
    pub ip: InsertPoint,
    /// The location of every new op.
    pub loc: Location,
    /// Where `index` constants go: before the first op this builder
    /// made, so they dominate everything it makes.
    const_ip: InsertPoint,
    consts: HashMap<i64, Value>,
    /// The value of each shared constant, for folding.
    const_values: HashMap<Value, i64>,
}

impl<'a> KernelBuilder<'a> {
    /// A builder inserting before `anchor`; its first op also starts the
    /// area where shared constants go.
    pub fn before(ctx: &'a mut Context, anchor: OpId, loc: Location) -> Self {
        KernelBuilder {
            ctx,
            ip: InsertPoint::Before(anchor),
            loc,
            const_ip: InsertPoint::Before(anchor),
            consts: HashMap::new(),
            const_values: HashMap::new(),
        }
    }

    fn builder(&mut self) -> Builder<'_> {
        Builder::new(self.ctx, self.ip)
    }

    /// Creates an op at the insertion point.
    fn create(&mut self, name: &str, operands: &[Value], results: &[Type]) -> OpId {
        let loc = self.loc;
        self.builder().create(name, operands, results, &[], loc)
    }

    /// Creates a one-result op at the insertion point.
    fn value(&mut self, name: &str, operands: &[Value], ty: Type) -> Value {
        let op = self.create(name, operands, &[ty]);
        self.ctx.result(op, 0)
    }

    /// Makes the first op made so far the anchor of the constants area
    /// (call once, right after creating that op).
    pub fn pin_constants_before(&mut self, op: OpId) {
        self.const_ip = InsertPoint::Before(op);
    }

    // ----- constants --------------------------------------------------------

    /// `arith.constant v : index`, one per value for the whole builder.
    pub fn index(&mut self, v: i64) -> Value {
        if let Some(&c) = self.consts.get(&v) {
            return c;
        }
        let ty = self.ctx.index_type();
        let a = self.ctx.int_attr(v as i128, ty);
        let loc = self.loc;
        let c = Builder::new(self.ctx, self.const_ip).create_value(
            "arith.constant",
            &[],
            ty,
            &[("value", a)],
            loc,
        );
        self.consts.insert(v, c);
        self.const_values.insert(c, v);
        c
    }

    /// `arith.constant dense<0.0> : ty` for a vector type `ty`.
    pub fn zero_vector(&mut self, ty: Type) -> OpId {
        let a = self.ctx.intern_attr(AttrData::DenseElements(DenseElements {
            ty,
            splat: true,
            bytes: 0f32.to_le_bytes().to_vec(),
        }));
        let loc = self.loc;
        self.builder()
            .create("arith.constant", &[], &[ty], &[("value", a)], loc)
    }

    /// `arith.constant v : f32`.
    pub fn f32_constant(&mut self, v: f32) -> Value {
        let ty = self.ctx.f32_type();
        let a = self.ctx.float_attr(f64::from(v), ty);
        let loc = self.loc;
        self.builder()
            .create_value("arith.constant", &[], ty, &[("value", a)], loc)
    }

    // ----- index arithmetic -------------------------------------------------

    /// The value of `e` over `operands` (as `d0, d1, ..`): an operand
    /// itself, a shared constant, or an `affine.apply` of what is left
    /// after folding in the operands that are shared constants.
    pub fn apply(&mut self, e: AffineExpr, operands: &[Value]) -> Value {
        let (mut es, ops) = self.fold(vec![e], operands);
        match es.pop().expect("one expression") {
            AffineExpr::Dim(d) => ops[d as usize],
            AffineExpr::Constant(c) => self.index(c),
            e => {
                let map = AffineMap::new(ops.len() as u32, 0, vec![e]);
                let loc = self.loc;
                affine_d::build_apply(
                    &mut self.builder(),
                    affine_d::ApplyKind::Apply,
                    map,
                    &ops,
                    loc,
                )
            }
        }
    }

    /// `exprs` over `operands` with the operands that are shared constants
    /// folded in and the unused ones dropped (the rest renumbered).
    fn fold(&self, exprs: Vec<AffineExpr>, operands: &[Value]) -> (Vec<AffineExpr>, Vec<Value>) {
        let mut kept = Vec::new();
        let dims: Vec<AffineExpr> = operands
            .iter()
            .enumerate()
            .map(|(i, v)| match self.const_values.get(v) {
                Some(&c) => AffineExpr::constant(c),
                None if exprs.iter().any(|e| e.uses_dim(i as u32)) => {
                    kept.push(*v);
                    AffineExpr::dim(kept.len() as u32 - 1)
                }
                None => AffineExpr::constant(0),
            })
            .collect();
        let exprs = exprs
            .iter()
            .map(|e| e.replace_dims_and_symbols(&dims, &[]))
            .collect();
        (exprs, kept)
    }

    // ----- control flow -----------------------------------------------------

    /// `affine.for %iv = 0 to upper step step` carrying `inits`: `body`
    /// gets the induction variable and the carried values and returns the
    /// next ones; the result is the loop's results. A loop known to run
    /// once is not made: `body` runs in place with `%iv = 0`; one known
    /// to run zero times gives back `inits`.
    pub fn for_loop(
        &mut self,
        upper: Upper,
        step: i64,
        inits: &[Value],
        body: impl FnOnce(&mut Self, Value, &[Value]) -> Vec<Value>,
    ) -> Vec<Value> {
        let bound = match upper {
            Upper::Const(u) if u <= 0 => return inits.to_vec(),
            Upper::Const(u) if u <= step => {
                let zero = self.index(0);
                return body(self, zero, inits);
            }
            Upper::Const(u) => Bound::Constant(u),
            Upper::Min(es, ops) => Bound::Map(AffineMap::new(ops.len() as u32, 0, es), ops),
        };
        let loc = self.loc;
        let f = affine_d::build_for(
            &mut self.builder(),
            Bound::Constant(0),
            bound,
            step,
            inits,
            loc,
        );
        let saved = self.ip;
        self.ip = if inits.is_empty() {
            InsertPoint::Before(self.ctx.last_op(f.body).expect("loop body ends in a yield"))
        } else {
            InsertPoint::End(f.body)
        };
        let next = body(self, f.induction_var, &f.iter_args);
        if !inits.is_empty() {
            let mut b = Builder::new(self.ctx, InsertPoint::End(f.body));
            affine_d::build_yield(&mut b, &next, loc);
        }
        self.ip = saved;
        f.results
    }

    /// `affine.if (v == 0) -> (types)`: `then` and `els` build the values
    /// each branch yields.
    pub fn if_zero(
        &mut self,
        v: Value,
        types: &[Type],
        then: impl FnOnce(&mut Self) -> Vec<Value>,
        els: impl FnOnce(&mut Self) -> Vec<Value>,
    ) -> Vec<Value> {
        let set = IntegerSet::new(1, 0, vec![(AffineExpr::dim(0), true)]);
        let loc = self.loc;
        let (op, then_block, else_block) =
            affine_d::build_if(&mut self.builder(), set, &[v], types, true, loc);
        let else_block = else_block.expect("built with an else block");
        let saved = self.ip;
        self.ip = InsertPoint::End(then_block);
        let vals = then(self);
        affine_d::build_yield(&mut self.builder(), &vals, loc);
        self.ip = InsertPoint::End(else_block);
        let vals = els(self);
        affine_d::build_yield(&mut self.builder(), &vals, loc);
        self.ip = saved;
        self.ctx.op(op).results.clone()
    }

    // ----- memory -----------------------------------------------------------

    /// `memref.alloc() {alignment = 64}` of `ty`.
    pub fn alloc(&mut self, ty: Type) -> Value {
        let loc = self.loc;
        let m = memref::build_alloc(&mut self.builder(), ty, &[], false, loc);
        let op = self.ctx.defining_op(m).expect("an alloc result");
        let a = self.ctx.i64_attr(64);
        self.ctx.set_attr(op, "alignment", a);
        m
    }

    /// `memref.dealloc %m`.
    pub fn dealloc(&mut self, m: Value) {
        let loc = self.loc;
        memref::build_dealloc(&mut self.builder(), m, loc);
    }

    /// `affine.load mem[subs]`, the subscripts over `operands`.
    pub fn load(&mut self, mem: Value, subs: Vec<AffineExpr>, operands: &[Value]) -> Value {
        let (subs, ops) = self.fold(subs, operands);
        let map = AffineMap::new(ops.len() as u32, 0, subs);
        let loc = self.loc;
        affine_d::build_load(&mut self.builder(), mem, map, &ops, loc)
    }

    /// `affine.store v, mem[subs]`, the subscripts over `operands`.
    pub fn store(&mut self, v: Value, mem: Value, subs: Vec<AffineExpr>, operands: &[Value]) {
        let (subs, ops) = self.fold(subs, operands);
        let map = AffineMap::new(ops.len() as u32, 0, subs);
        let loc = self.loc;
        affine_d::build_store(&mut self.builder(), v, mem, map, &ops, loc);
    }

    /// `vector.load mem[indices] : ty`.
    pub fn vload(&mut self, ty: Type, mem: Value, indices: &[Value]) -> Value {
        let loc = self.loc;
        vector::views::build_load(&mut self.builder(), ty, mem, indices, loc)
    }

    /// `vector.store v, mem[indices]`.
    pub fn vstore(&mut self, v: Value, mem: Value, indices: &[Value]) {
        let loc = self.loc;
        vector::views::build_store(&mut self.builder(), v, mem, indices, loc);
    }

    /// `vector.transfer_read mem[indices], pad : ty` of the innermost
    /// dimension, not known to be in bounds: lanes past the end of the
    /// dimension are `pad`.
    pub fn transfer_read(&mut self, ty: Type, mem: Value, indices: &[Value], pad: Value) -> Value {
        let loc = self.loc;
        vector::views::build_transfer_read(
            &mut self.builder(),
            ty,
            mem,
            indices,
            pad,
            &[false],
            loc,
        )
    }

    /// `vector.maskedload mem[indices], mask, pass`.
    pub fn masked_load(
        &mut self,
        mem: Value,
        indices: &[Value],
        mask: Value,
        pass: Value,
    ) -> Value {
        let ty = self.ctx.value_type(pass);
        let mut operands = vec![mem];
        operands.extend_from_slice(indices);
        operands.extend([mask, pass]);
        self.value("vector.maskedload", &operands, ty)
    }

    /// `vector.maskedstore mem[indices], mask, v`.
    pub fn masked_store(&mut self, v: Value, mem: Value, indices: &[Value], mask: Value) {
        let mut operands = vec![mem];
        operands.extend_from_slice(indices);
        operands.extend([mask, v]);
        self.create("vector.maskedstore", &operands, &[]);
    }

    /// `vector.constant_mask [on] : vector<lanes x i1>`.
    pub fn constant_mask(&mut self, lanes: i64, on: i64) -> Value {
        let i1 = self.ctx.i1_type();
        let ty = self.ctx.vector_type(&[lanes], i1);
        let loc = self.loc;
        vector::views::build_constant_mask(&mut self.builder(), ty, &[on], loc)
    }

    // ----- vector arithmetic ------------------------------------------------

    /// `vector.broadcast s : .. to ty`.
    pub fn broadcast(&mut self, s: Value, ty: Type) -> Value {
        let loc = self.loc;
        vector::views::build_broadcast(&mut self.builder(), s, ty, loc)
    }

    /// `vector.fma a, b, c`: `a * b + c`.
    pub fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        let loc = self.loc;
        vector::views::build_fma(&mut self.builder(), a, b, c, loc)
    }
}
