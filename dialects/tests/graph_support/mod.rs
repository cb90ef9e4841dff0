//! Shared helpers for the `graph` dialect tests: a context with the
//! dialects registered, a block to put ops in, and shorthands for types,
//! values, attributes and ops.

#![allow(dead_code)] // each test file uses a different subset

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::{
    AttrData, Attribute, BlockId, Context, DYNAMIC, DenseElements, FloatKind, Location, OpId,
    Signedness, Type, TypeData, Value,
};
use tessera_dialects::interp::value::Tensor;

/// A context with every dialect registered and a block holding test ops.
pub struct Env {
    pub ctx: Context,
    pub module: OpId,
    pub block: BlockId,
    pub loc: Location,
}

impl Env {
    /// A module holding one unregistered `test.body` op whose single block
    /// receives the test's values and ops.
    pub fn new() -> Env {
        let mut ctx = Context::new();
        tessera_dialects::register_all(&mut ctx);
        ctx.allow_unregistered = true;
        let loc = ctx.file_loc("test.mlir", 7, 3);
        let module = ctx.create_module(loc);
        let body = ctx.module_body(module);
        let region = ctx.create_region();
        let block = ctx.create_block(&[], loc);
        ctx.append_block(region, block);
        let name = ctx.op_name("test.body");
        let holder =
            ctx.create_op(tessera_compiler::ir::OperationState::new(name, loc).region(region));
        ctx.append_op(body, holder);
        Env {
            ctx,
            module,
            block,
            loc,
        }
    }

    /// A type from shorthand: `2x3xf32`, `f32` (rank 0), `?x3xf32`,
    /// `4xsi32`, `2xf16`; `i32` alone is a tensor of rank 0 too, and
    /// `scalar:i32` is the scalar type.
    pub fn ty(&mut self, s: &str) -> Type {
        if let Some(e) = s.strip_prefix("scalar:") {
            return self.elem(e);
        }
        let mut parts: Vec<&str> = s.split('x').collect();
        let elem = parts.pop().unwrap();
        let elem = self.elem(elem);
        let shape: Vec<i64> = parts
            .iter()
            .map(|p| {
                if *p == "?" {
                    DYNAMIC
                } else {
                    p.parse().unwrap()
                }
            })
            .collect();
        self.ctx.tensor_type(&shape, elem)
    }

    fn elem(&mut self, e: &str) -> Type {
        match e {
            "f16" => self.ctx.float_type(FloatKind::F16),
            "f32" => self.ctx.f32_type(),
            "f64" => self.ctx.f64_type(),
            "index" => self.ctx.index_type(),
            _ if e.starts_with("si") => self.ctx.intern_type(TypeData::Integer {
                width: e[2..].parse().unwrap(),
                signedness: Signedness::Signed,
            }),
            _ if e.starts_with('i') => self.ctx.int_type(e[1..].parse().unwrap()),
            _ => panic!("bad elem {e}"),
        }
    }

    /// A new block argument of type `s`.
    pub fn arg(&mut self, s: &str) -> Value {
        let ty = self.ty(s);
        let loc = self.loc;
        self.ctx.add_block_arg(self.block, ty, loc)
    }

    /// Appends op `name` to the block.
    pub fn op(
        &mut self,
        name: &str,
        operands: &[Value],
        result: &str,
        attrs: &[(&str, Attribute)],
    ) -> OpId {
        let ty = self.ty(result);
        let loc = self.loc;
        let mut b = Builder::new(&mut self.ctx, InsertPoint::End(self.block));
        b.create(name, operands, &[ty], attrs, loc)
    }

    /// Runs the registered verifier hook of `op`.
    pub fn verify(&self, op: OpId) -> Result<(), String> {
        let def = self.ctx.op_def(op).expect("op is registered");
        let f = def.verify.expect("op has a verifier");
        f(&self.ctx, op).map_err(|d| {
            assert_eq!(d.loc, self.ctx.op(op).loc, "diagnostic is at the op");
            d.message
        })
    }

    /// Builds `name` on fresh arguments of `operands` types and verifies it.
    pub fn check(
        &mut self,
        name: &str,
        operands: &[&str],
        result: &str,
        attrs: &[(&str, Attribute)],
    ) -> Result<(), String> {
        let vals: Vec<Value> = operands.iter().map(|s| self.arg(s)).collect();
        let op = self.op(name, &vals, result, attrs);
        self.verify(op)
    }

    /// `array<i64: ...>`.
    pub fn ints(&mut self, v: &[i64]) -> Attribute {
        self.ctx.i64_array_attr(v)
    }

    /// `v : i64`.
    pub fn int(&mut self, v: i64) -> Attribute {
        self.ctx.i64_attr(v)
    }

    /// `v : f64`.
    pub fn f64(&mut self, v: f64) -> Attribute {
        self.ctx.f64_attr(v)
    }

    /// `"s"`.
    pub fn str(&mut self, s: &str) -> Attribute {
        self.ctx.str_attr(s)
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) -> Attribute {
        self.ctx.bool_attr(b)
    }

    /// Dense elements of type `ty` (shorthand) holding `t`'s bytes.
    pub fn dense(&mut self, ty: &str, t: &Tensor) -> Attribute {
        let ty = self.ty(ty);
        self.ctx.intern_attr(AttrData::DenseElements(DenseElements {
            ty,
            splat: false,
            bytes: t.to_le_bytes(),
        }))
    }

    /// A splat of `t` (a one-element tensor) over `ty`.
    pub fn splat(&mut self, ty: &str, t: &Tensor) -> Attribute {
        assert_eq!(t.len(), 1);
        let ty = self.ty(ty);
        self.ctx.intern_attr(AttrData::DenseElements(DenseElements {
            ty,
            splat: true,
            bytes: t.to_le_bytes(),
        }))
    }

    /// A `graph.constant` of `value` with result type `ty`; returns its result.
    pub fn constant(&mut self, ty: &str, value: Attribute) -> Value {
        let op = self.op("graph.constant", &[], ty, &[("value", value)]);
        self.ctx.result(op, 0)
    }
}

/// `f32` tensor from values.
pub fn f32s(shape: &[usize], v: &[f64]) -> Tensor {
    Tensor::from_f64s(tessera_dialects::interp::value::ElemType::F32, shape, v).unwrap()
}

/// `i32` tensor from values.
pub fn i32s(shape: &[usize], v: &[i64]) -> Tensor {
    Tensor::from_i64s(tessera_dialects::interp::value::ElemType::I32, shape, v).unwrap()
}

/// `i64` tensor from values.
pub fn i64s(shape: &[usize], v: &[i64]) -> Tensor {
    Tensor::from_i64s(tessera_dialects::interp::value::ElemType::I64, shape, v).unwrap()
}

/// Asserts that `r` is an error containing `needle`.
#[track_caller]
pub fn assert_err(r: Result<(), String>, needle: &str) {
    match r {
        Ok(()) => panic!("expected an error containing {needle:?}, but the op verified"),
        Err(e) => assert!(
            e.contains(needle),
            "error {e:?} does not contain {needle:?}"
        ),
    }
}
