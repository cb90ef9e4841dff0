//! Folds and canonicalization patterns of the `graph` dialect.
//!
//! Everything here is exact: a fold never changes a single bit of any
//! result. That rules out tempting float identities such as `x * 0 -> 0`
//! (NaN, infinities, `-0.0`) and `x + 0.0 -> x` (`-0.0 + 0.0 = +0.0`);
//! `x + (-0.0)`, `x - 0.0`, `x * 1` and `x / 1` are exact and fold.
//!
//! - `graph.constant` folds to its `value`.
//! - Ops whose operands are all constants fold to a constant computed by
//!   the reference interpreter's kernels: element-wise ops on splats at any
//!   size (one element is computed), anything else when every operand and
//!   the result have at most [`FOLD_ELEMENT_LIMIT`] elements.
//! - Identities return an existing value: shape ops whose result type is
//!   the operand type, `neg(neg(x))`, `reshape(reshape(x))` back to `x`'s
//!   type, `max(x, x)`, `select` on a splat condition, and the exact
//!   arithmetic identities above.
//! - Patterns merge chains: `reshape(reshape(x))`, `transpose(transpose(x))`
//!   and `broadcast_to(broadcast_to(x))` become one op on `x`.

use tessera_compiler::ir::Builder;
use tessera_compiler::rewrite::{RewritePattern, Rewriter};
use tessera_compiler::{
    AttrData, Attribute, Context, DenseElements, FoldResult, Location, OpId, Type, Value,
};

use super::attrs::Attrs;
use super::ops::{Family, family_of};
use super::shape::{broadcastable_to, infer};
use super::types::{ElemType, TensorType};
use crate::interp::eval::{constant_to_tensor, eval_family, tensor_to_attr};
use crate::interp::kernels::{BinaryOp, UnaryOp};
use crate::interp::value::Tensor;

/// The largest operand or result (in elements) that a non-splat constant
/// fold computes; bigger constants stay as they are.
pub const FOLD_ELEMENT_LIMIT: u64 = 1024;

/// Folds one `graph` op (the registry's [`FoldFn`](tessera_compiler::registry::FoldFn)).
pub fn fold_op(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    let family = family_of(ctx.op_name_of(op))?;
    if family == Family::Constant {
        return Some(vec![FoldResult::Attr(ctx.attr(op, "value")?)]);
    }
    if ctx.op(op).results.len() != 1 {
        return None;
    }
    if let Some(v) = fold_identity(ctx, op, family, operands) {
        return Some(vec![FoldResult::Value(v)]);
    }
    let attr = fold_constant(ctx, op, family, operands)?;
    Some(vec![FoldResult::Attr(attr)])
}

/// The single element of a constant whose elements are all bitwise equal.
fn uniform_bytes(ctx: &Context, attr: Option<Attribute>) -> Option<(ElemType, &[u8])> {
    let AttrData::DenseElements(d) = ctx.attr_data(attr?) else {
        return None;
    };
    let t = TensorType::from_type(ctx, d.ty).ok()?;
    let w = t.elem.byte_width();
    let first = d.bytes.get(..w)?;
    let uniform = d.splat || d.bytes.chunks_exact(w).all(|c| c == first);
    uniform.then_some((t.elem, first))
}

/// Which constant makes a binary op the identity on its other operand.
#[derive(Copy, Clone, PartialEq)]
enum Neutral {
    /// `-0.0` for floats, `0` for integers (`x + c`).
    AddZero,
    /// `+0.0` for floats, `0` for integers (`x - c`).
    SubZero,
    /// `1` (`x * c`, `x / c`).
    One,
}

fn is_neutral(elem: ElemType, bytes: &[u8], n: Neutral) -> bool {
    let float = |b: &[u8]| -> Option<f64> {
        match elem {
            ElemType::F32 => Some(f32::from_le_bytes(b.try_into().ok()?) as f64),
            ElemType::F64 => Some(f64::from_le_bytes(b.try_into().ok()?)),
            _ => None,
        }
    };
    let int = |b: &[u8]| -> Option<i64> {
        match elem {
            ElemType::I32 => Some(i32::from_le_bytes(b.try_into().ok()?) as i64),
            ElemType::I64 => Some(i64::from_le_bytes(b.try_into().ok()?)),
            _ => None,
        }
    };
    if let Some(v) = float(bytes) {
        return match n {
            Neutral::AddZero => v == 0.0 && v.is_sign_negative(),
            Neutral::SubZero => v == 0.0 && v.is_sign_positive(),
            Neutral::One => v == 1.0,
        };
    }
    match int(bytes) {
        Some(v) => v == if n == Neutral::One { 1 } else { 0 },
        None => false,
    }
}

/// An existing value equal to the op's result, if one is known.
fn fold_identity(
    ctx: &Context,
    op: OpId,
    family: Family,
    operands: &[Option<Attribute>],
) -> Option<Value> {
    let d = ctx.op(op);
    let rty = ctx.value_type(d.results[0]);
    let same = |v: Value| (ctx.value_type(v) == rty).then_some(v);
    let x = *d.operands.first()?;
    let producer = |name: &str| {
        ctx.defining_op(x)
            .filter(|&p| ctx.op_is(p, name) && ctx.op(p).operands.len() == 1)
            .map(|p| ctx.operand(p, 0))
    };
    match family {
        Family::Reshape => same(x).or_else(|| producer("graph.reshape").and_then(same)),
        Family::BroadcastTo | Family::Cast | Family::Slice | Family::Pad => same(x),
        Family::Concat if d.operands.len() == 1 => same(x),
        Family::Transpose => {
            let perm = Attrs::of_op(ctx, op).ints("perm").ok()?;
            let identity = perm.iter().enumerate().all(|(i, &p)| p == i as i64);
            if identity { same(x) } else { None }
        }
        Family::Unary(UnaryOp::Neg) => producer("graph.neg").and_then(same),
        Family::Binary(bop) => {
            let y = *d.operands.get(1)?;
            if matches!(bop, BinaryOp::Max | BinaryOp::Min) && x == y {
                return same(x);
            }
            let rhs_neutral = match bop {
                BinaryOp::Add => Some(Neutral::AddZero),
                BinaryOp::Sub => Some(Neutral::SubZero),
                BinaryOp::Mul | BinaryOp::Div => Some(Neutral::One),
                _ => None,
            }?;
            let neutral = |i: usize| {
                uniform_bytes(ctx, operands.get(i).copied().flatten())
                    .is_some_and(|(e, b)| is_neutral(e, b, rhs_neutral))
            };
            if neutral(1) && same(x).is_some() {
                return Some(x);
            }
            // Only the commutative ones have a neutral left operand.
            if matches!(bop, BinaryOp::Add | BinaryOp::Mul) && neutral(0) {
                return same(y);
            }
            None
        }
        Family::Select => {
            let (a, b) = (*d.operands.get(1)?, *d.operands.get(2)?);
            if a == b {
                return same(a);
            }
            match uniform_bytes(ctx, operands.first().copied().flatten()) {
                Some((ElemType::I1, [1])) => same(a),
                Some((ElemType::I1, [0])) => same(b),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Evaluates an op whose operands are all constants, within the limits
/// described in the module docs.
fn fold_constant(
    ctx: &mut Context,
    op: OpId,
    family: Family,
    operands: &[Option<Attribute>],
) -> Option<Attribute> {
    let result_ty = ctx.value_type(ctx.op(op).results[0]);
    let (out, splat) = {
        let ctx: &Context = ctx;
        let mut dense: Vec<&DenseElements> = Vec::with_capacity(operands.len());
        for a in operands {
            match ctx.attr_data((*a)?) {
                AttrData::DenseElements(d) => dense.push(d),
                _ => return None,
            }
        }
        if dense.len() != ctx.op(op).operands.len() {
            return None;
        }
        let mut types = Vec::with_capacity(dense.len());
        for d in &dense {
            types.push(TensorType::from_type(ctx, d.ty).ok()?);
        }
        let result = TensorType::from_type(ctx, result_ty).ok()?;
        let attrs = Attrs::of_op(ctx, op);
        // Only fold ops that verify, so kernels see the dialect's rules.
        if infer(ctx, family, &types, &attrs, Some(&result)).ok()? != result {
            return None;
        }
        let splats = dense.iter().all(|d| d.splat);
        if family.is_elementwise() && splats && result.num_elements() > 0 {
            let mut scalars = Vec::with_capacity(dense.len());
            for (d, t) in dense.iter().zip(&types) {
                scalars.push(Tensor::from_le_bytes(t.elem, &[], &d.bytes).ok()?);
            }
            let refs: Vec<&Tensor> = scalars.iter().collect();
            let r0 = TensorType::new(Vec::new(), result.elem);
            (eval_family(ctx, family, &attrs, &refs, &r0).ok()?, true)
        } else {
            let small = |t: &TensorType| t.num_elements() <= FOLD_ELEMENT_LIMIT;
            if !small(&result) || !types.iter().all(small) {
                return None;
            }
            let mut tensors = Vec::with_capacity(operands.len());
            for a in operands {
                tensors.push(constant_to_tensor(ctx, (*a)?).ok()?);
            }
            let refs: Vec<&Tensor> = tensors.iter().collect();
            (
                eval_family(ctx, family, &attrs, &refs, &result).ok()?,
                false,
            )
        }
    };
    if splat {
        return Some(ctx.intern_attr(AttrData::DenseElements(DenseElements {
            ty: result_ty,
            splat: true,
            bytes: out.to_le_bytes(),
        })));
    }
    Some(tensor_to_attr(ctx, &out, result_ty))
}

/// Builds a `graph.constant` holding `value` (dense elements of type `ty`);
/// the dialect's constant materializer.
pub fn materialize_constant(
    b: &mut Builder<'_>,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Value> {
    match b.ctx.attr_data(value) {
        AttrData::DenseElements(d) if d.ty == ty => {}
        _ => return None,
    }
    TensorType::from_type(b.ctx, ty).ok()?;
    Some(b.create_value("graph.constant", &[], ty, &[("value", value)], loc))
}

/// The canonicalization patterns of a family, if it has any.
pub fn patterns_for(family: Family) -> Option<tessera_compiler::registry::PatternsFn> {
    match family {
        Family::Reshape => Some(|| vec![Box::new(ReshapeOfReshape)]),
        Family::Transpose => Some(|| vec![Box::new(TransposeOfTranspose)]),
        Family::BroadcastTo => Some(|| vec![Box::new(BroadcastOfBroadcast)]),
        _ => None,
    }
}

/// The single operand of the single-operand op `name` defining operand 0 of `op`.
fn inner_input(ctx: &Context, op: OpId, name: &str) -> Option<(OpId, Value)> {
    if ctx.op(op).operands.len() != 1 {
        return None;
    }
    let inner = ctx.defining_op(ctx.operand(op, 0))?;
    if !ctx.op_is(inner, name) || ctx.op(inner).operands.len() != 1 {
        return None;
    }
    Some((inner, ctx.operand(inner, 0)))
}

/// `reshape(reshape(x)) -> reshape(x)`: a reshape only depends on the
/// element order, which reshapes keep.
pub struct ReshapeOfReshape;

impl RewritePattern for ReshapeOfReshape {
    fn name(&self) -> &str {
        "graph-reshape-of-reshape"
    }

    fn root(&self) -> Option<&str> {
        Some("graph.reshape")
    }

    fn match_and_rewrite(&self, rewriter: &mut Rewriter<'_>, op: OpId) -> bool {
        let Some((_, x)) = inner_input(rewriter.ctx, op, "graph.reshape") else {
            return false;
        };
        rewriter.set_operand(op, 0, x);
        true
    }
}

/// `transpose(transpose(x, p1), p2) -> transpose(x, p1 ∘ p2)`; an identity
/// result then folds away.
pub struct TransposeOfTranspose;

impl RewritePattern for TransposeOfTranspose {
    fn name(&self) -> &str {
        "graph-transpose-of-transpose"
    }

    fn root(&self) -> Option<&str> {
        Some("graph.transpose")
    }

    fn match_and_rewrite(&self, rewriter: &mut Rewriter<'_>, op: OpId) -> bool {
        let ctx = &mut *rewriter.ctx;
        let Some((inner, x)) = inner_input(ctx, op, "graph.transpose") else {
            return false;
        };
        let (Ok(p1), Ok(p2)) = (
            Attrs::of_op(ctx, inner).ints("perm"),
            Attrs::of_op(ctx, op).ints("perm"),
        ) else {
            return false;
        };
        // Result dim j of the outer op is inner dim p2[j], i.e. x's dim p1[p2[j]].
        let mut composed = Vec::with_capacity(p2.len());
        for &j in &p2 {
            match usize::try_from(j).ok().and_then(|j| p1.get(j)) {
                Some(&p) => composed.push(p),
                None => return false,
            }
        }
        if p1.len() != p2.len() {
            return false;
        }
        let perm = ctx.i64_array_attr(&composed);
        rewriter.set_operand(op, 0, x);
        rewriter.set_attr(op, "perm", perm);
        true
    }
}

/// `broadcast_to(broadcast_to(x)) -> broadcast_to(x)`: a broadcast of a
/// broadcast is a broadcast of the original.
pub struct BroadcastOfBroadcast;

impl RewritePattern for BroadcastOfBroadcast {
    fn name(&self) -> &str {
        "graph-broadcast-of-broadcast"
    }

    fn root(&self) -> Option<&str> {
        Some("graph.broadcast_to")
    }

    fn match_and_rewrite(&self, rewriter: &mut Rewriter<'_>, op: OpId) -> bool {
        let ctx = &mut *rewriter.ctx;
        let Some((_, x)) = inner_input(ctx, op, "graph.broadcast_to") else {
            return false;
        };
        let result = ctx.value_type(ctx.op(op).results[0]);
        let (Some(from), Some(to)) = (ctx.shape_of(ctx.value_type(x)), ctx.shape_of(result)) else {
            return false;
        };
        if !broadcastable_to(from, to) {
            return false;
        }
        rewriter.set_operand(op, 0, x);
        true
    }
}
