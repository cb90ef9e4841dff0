//! The verifiers of the `arith` ops (and of the `math` ops, which share
//! the element-wise rules), after MLIR 19's: messages name the op and say
//! which rule broke, in MLIR's words where it has them.

use tessera_compiler::syntax::type_str;
use tessera_compiler::{AttrData, Context, Diagnostic, OpId, Signedness, Type, TypeData};

use super::attrs::{CmpFPredicate, CmpIPredicate, FastMathFlags, OverflowFlags, RoundingMode};
use super::ops::{ArithOp, Class, ElemClass, Flags};
use super::syntax::{
    FASTMATH, OVERFLOW, PREDICATE, ROUNDING, class_of, flags_of, is_bool_like_of,
    is_constant_value, is_i1, value_type,
};

type VResult = Result<(), Diagnostic>;

/// `'name' op message` at the op's location.
pub(crate) fn op_error(ctx: &Context, op: OpId, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(
        ctx.op(op).loc,
        format!("'{}' op {}", ctx.op_name_of(op), msg.into()),
    )
}

/// The element type of a scalar, vector or tensor type (memrefs are not
/// element-wise values).
pub(crate) fn element_type(ctx: &Context, ty: Type) -> Type {
    match ctx.type_data(ty) {
        TypeData::Vector { elem, .. } | TypeData::Tensor { elem, .. } => *elem,
        _ => ty,
    }
}

/// A float, or a vector or tensor of floats.
pub(crate) fn is_float_like(ctx: &Context, ty: Type) -> bool {
    ctx.is_float(element_type(ctx, ty))
}

/// A signless integer or `index`, or a vector or tensor of them.
pub(crate) fn is_int_like(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(element_type(ctx, ty)),
        TypeData::Index
            | TypeData::Integer {
                signedness: Signedness::Signless,
                ..
            }
    )
}

/// A signless integer (not `index`), or a vector or tensor of them.
fn is_fixed_int_like(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(element_type(ctx, ty)),
        TypeData::Integer {
            signedness: Signedness::Signless,
            ..
        }
    )
}

/// `i1`, or a vector or tensor of `i1`.
fn is_bool_like(ctx: &Context, ty: Type) -> bool {
    is_i1(ctx, element_type(ctx, ty))
}

/// The width of a float or integer element type (`index` has none).
fn bit_width(ctx: &Context, ty: Type) -> Option<u32> {
    match ctx.type_data(element_type(ctx, ty)) {
        TypeData::Integer { width, .. } => Some(*width),
        TypeData::Float(k) => Some(k.width()),
        _ => None,
    }
}

/// Whether two types have the same shape: both scalars, or both vectors
/// (or both tensors) of one shape.
fn same_shape(ctx: &Context, a: Type, b: Type) -> bool {
    match (ctx.type_data(a), ctx.type_data(b)) {
        (TypeData::Vector { shape: x, .. }, TypeData::Vector { shape: y, .. })
        | (TypeData::Tensor { shape: x, .. }, TypeData::Tensor { shape: y, .. }) => x == y,
        (TypeData::Vector { .. } | TypeData::Tensor { .. } | TypeData::MemRef { .. }, _)
        | (_, TypeData::Vector { .. } | TypeData::Tensor { .. } | TypeData::MemRef { .. }) => false,
        _ => true,
    }
}

fn counts(ctx: &Context, op: OpId, operands: usize) -> VResult {
    let d = ctx.op(op);
    if d.operands.len() != operands || d.results.len() != 1 {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects {operands} operand{} and 1 result, but got {} and {}",
                if operands == 1 { "" } else { "s" },
                d.operands.len(),
                d.results.len()
            ),
        ));
    }
    if !d.regions.is_empty() || !d.successors.is_empty() {
        return Err(op_error(ctx, op, "expects no regions and no successors"));
    }
    Ok(())
}

/// Checks the op's flag attribute, if it takes one and has it.
fn verify_flags(ctx: &Context, op: OpId, flags: Flags) -> VResult {
    let (name, ok, what) = match flags {
        Flags::None => return Ok(()),
        Flags::FastMath => (
            FASTMATH,
            ctx.attr(op, FASTMATH)
                .is_none_or(|a| FastMathFlags::from_attr(ctx, a).is_some()),
            "fast-math flags (#arith.fastmath<...>)",
        ),
        Flags::Overflow => (
            OVERFLOW,
            ctx.attr(op, OVERFLOW)
                .is_none_or(|a| OverflowFlags::from_attr(ctx, a).is_some()),
            "integer overflow flags (#arith.overflow<...>)",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(op_error(
            ctx,
            op,
            format!("attribute '{name}' failed to satisfy constraint: {what}"),
        ))
    }
}

/// Verifies any `arith` op.
pub fn verify_op(ctx: &Context, op: OpId) -> VResult {
    let name = ctx.op_name_of(op);
    let Some(kind) = ArithOp::from_name(name) else {
        return Err(op_error(ctx, op, "is not an arith op"));
    };
    match kind.class() {
        Class::Constant => verify_constant(ctx, op),
        Class::SameType { .. } => verify_same_type(ctx, op),
        Class::CmpF | Class::CmpI => verify_cmp(ctx, op, kind == ArithOp::CmpF),
        Class::Select => verify_select(ctx, op),
        Class::Cast => verify_cast(ctx, op, kind),
    }
}

/// Verifies an element-wise op of [`Class::SameType`] (`arith` or `math`).
pub(crate) fn verify_same_type(ctx: &Context, op: OpId) -> VResult {
    let name = ctx.op_name_of(op);
    let Some(Class::SameType { arity, elem, flags }) = class_of(name) else {
        return Err(op_error(ctx, op, "is not an element-wise op"));
    };
    counts(ctx, op, arity as usize)?;
    let d = ctx.op(op);
    let rt = ctx.value_type(d.results[0]);
    for (i, &v) in d.operands.iter().enumerate() {
        let t = ctx.value_type(v);
        if t != rt {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "requires the same type for all operands and results, but operand #{i} has \
                     type '{}' and the result '{}'",
                    type_str(ctx, t),
                    type_str(ctx, rt)
                ),
            ));
        }
    }
    let (ok, what) = match elem {
        ElemClass::Float => (is_float_like(ctx, rt), "floating-point-like"),
        ElemClass::Int => (is_int_like(ctx, rt), "signless-integer-like"),
    };
    if !ok {
        return Err(op_error(
            ctx,
            op,
            format!("operands must be {what}, but got '{}'", type_str(ctx, rt)),
        ));
    }
    verify_flags(ctx, op, flags)
}

fn verify_constant(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, 0)?;
    let Some(value) = ctx.attr(op, "value") else {
        return Err(op_error(ctx, op, "requires attribute 'value'"));
    };
    if !is_constant_value(ctx, value) {
        return Err(op_error(
            ctx,
            op,
            "value must be an integer, float, bool or dense elements attribute",
        ));
    }
    let rt = ctx.value_type(ctx.op(op).results[0]);
    let matches = match ctx.attr_data(value) {
        AttrData::Bool(_) => is_i1(ctx, rt),
        _ => value_type(ctx, value) == Some(rt),
    };
    if !matches {
        let vt = match value_type(ctx, value) {
            Some(t) => type_str(ctx, t),
            None => "i1".to_string(),
        };
        return Err(op_error(
            ctx,
            op,
            format!(
                "value type '{vt}' does not match result type '{}'",
                type_str(ctx, rt)
            ),
        ));
    }
    if let TypeData::Integer { signedness, .. } = ctx.type_data(element_type(ctx, rt))
        && *signedness != Signedness::Signless
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "integer constants must be signless, found '{}'",
                type_str(ctx, rt)
            ),
        ));
    }
    Ok(())
}

fn verify_cmp(ctx: &Context, op: OpId, float: bool) -> VResult {
    counts(ctx, op, 2)?;
    let d = ctx.op(op);
    let (a, b) = (ctx.value_type(d.operands[0]), ctx.value_type(d.operands[1]));
    if a != b {
        return Err(op_error(
            ctx,
            op,
            format!(
                "requires both operands to have the same type, but got '{}' and '{}'",
                type_str(ctx, a),
                type_str(ctx, b)
            ),
        ));
    }
    let (ok, what) = if float {
        (is_float_like(ctx, a), "floating-point-like")
    } else {
        (is_int_like(ctx, a), "signless-integer-like")
    };
    if !ok {
        return Err(op_error(
            ctx,
            op,
            format!("operands must be {what}, but got '{}'", type_str(ctx, a)),
        ));
    }
    let Some(pred) = ctx.attr(op, PREDICATE) else {
        return Err(op_error(ctx, op, "requires attribute 'predicate'"));
    };
    let valid = if float {
        CmpFPredicate::from_attr(ctx, pred).is_some()
    } else {
        CmpIPredicate::from_attr(ctx, pred).is_some()
    };
    if !valid {
        let n = if float {
            CmpFPredicate::ALL.len()
        } else {
            CmpIPredicate::ALL.len()
        };
        let cases: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        return Err(op_error(
            ctx,
            op,
            format!(
                "attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless \
                 integer cases: {}",
                cases.join(", ")
            ),
        ));
    }
    let rt = ctx.value_type(d.results[0]);
    if !is_bool_like(ctx, rt) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result #0 must be bool-like, but got '{}'",
                type_str(ctx, rt)
            ),
        ));
    }
    if !is_bool_like_of(ctx, rt, a) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "failed to verify that result type has i1 element type and same shape as \
                 operands: '{}' for operands of type '{}'",
                type_str(ctx, rt),
                type_str(ctx, a)
            ),
        ));
    }
    if float {
        verify_flags(ctx, op, Flags::FastMath)?;
    }
    Ok(())
}

fn verify_select(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, 3)?;
    let d = ctx.op(op);
    let c = ctx.value_type(d.operands[0]);
    let (t, f) = (ctx.value_type(d.operands[1]), ctx.value_type(d.operands[2]));
    let rt = ctx.value_type(d.results[0]);
    if t != rt || f != rt {
        return Err(op_error(
            ctx,
            op,
            format!(
                "failed to verify that all of {{true_value, false_value, result}} have same \
                 type: '{}', '{}' and '{}'",
                type_str(ctx, t),
                type_str(ctx, f),
                type_str(ctx, rt)
            ),
        ));
    }
    if !is_bool_like(ctx, c) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand #0 must be bool-like, but got '{}'",
                type_str(ctx, c)
            ),
        ));
    }
    if !is_i1(ctx, c) && !same_shape(ctx, c, rt) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "failed to verify that condition is signless i1 or has matching shape: \
                 condition '{}' for result '{}'",
                type_str(ctx, c),
                type_str(ctx, rt)
            ),
        ));
    }
    Ok(())
}

fn verify_cast(ctx: &Context, op: OpId, kind: ArithOp) -> VResult {
    use ArithOp::*;
    counts(ctx, op, 1)?;
    let d = ctx.op(op);
    let (from, to) = (ctx.value_type(d.operands[0]), ctx.value_type(d.results[0]));
    type Pred = fn(&Context, Type) -> bool;
    let float: (Pred, &str) = (is_float_like, "floating-point-like");
    let fixed: (Pred, &str) = (is_fixed_int_like, "signless-fixed-width-integer-like");
    let int: (Pred, &str) = (is_int_like, "signless-integer-like");
    let bits: (Pred, &str) = (
        |c, t| is_fixed_int_like(c, t) || is_float_like(c, t),
        "signless-integer-or-float-like",
    );
    let (input, output) = match kind {
        ExtF | TruncF => (float, float),
        ExtSI | ExtUI | TruncI => (fixed, fixed),
        SIToFP | UIToFP => (fixed, float),
        FPToSI | FPToUI => (float, fixed),
        IndexCast | IndexCastUI => (int, int),
        _ => (bits, bits),
    };
    if !(input.0)(ctx, from) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand #0 must be {}, but got '{}'",
                input.1,
                type_str(ctx, from)
            ),
        ));
    }
    if !(output.0)(ctx, to) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result #0 must be {}, but got '{}'",
                output.1,
                type_str(ctx, to)
            ),
        ));
    }
    if !same_shape(ctx, from, to) {
        return Err(op_error(
            ctx,
            op,
            "requires the same shape for all operands and results",
        ));
    }
    let (wf, wt) = (bit_width(ctx, from), bit_width(ctx, to));
    let compatible = match kind {
        ExtF | ExtSI | ExtUI => wt > wf,
        TruncF | TruncI => wt < wf,
        // One side is `index`, the other an integer.
        IndexCast | IndexCastUI => wf.is_some() != wt.is_some(),
        Bitcast => wf == wt,
        _ => true,
    };
    if !compatible {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                type_str(ctx, from),
                type_str(ctx, to)
            ),
        ));
    }
    if kind == TruncF
        && let Some(a) = ctx.attr(op, ROUNDING)
        && RoundingMode::from_attr(ctx, a).is_none()
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "attribute '{ROUNDING}' failed to satisfy constraint: Floating point rounding \
                 mode (an i32 in 0..=4: {})",
                RoundingMode::keyword_list()
            ),
        ));
    }
    verify_flags(ctx, op, flags_of(ctx.op_name_of(op)))
}
