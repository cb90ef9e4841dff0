//! The `toy` dialect: five ops on static tensors of `f32` or `f64`.
//!
//! | op | form | meaning |
//! |---|---|---|
//! | `toy.constant` | `%0 = toy.constant dense<[1.0, 2.0]> : tensor<2xf64>` | a constant tensor |
//! | `toy.add` | `%2 = toy.add %0, %1 : tensor<2x3xf64>` | element-wise sum |
//! | `toy.mul` | `%2 = toy.mul %0, %1 : tensor<2x3xf64>` | element-wise product |
//! | `toy.transpose` | `%1 = toy.transpose %0 : (tensor<2x3xf64>) -> tensor<3x2xf64>` | matrix transpose |
//! | `toy.reshape` | `%1 = toy.reshape %0 : (tensor<6xf64>) -> tensor<2x3xf64>` | the same elements in another shape |
//!
//! Each op is an [`OpDef`]: traits, a verifier, and where it has them a
//! fold, canonicalization patterns and its syntax. `toy.constant` shows a
//! hand-written syntax (`OpSyntax::Custom`); `add` and `mul` use the
//! declarative `SameType` form, `transpose` and `reshape` `Functional`.
//!
//! Folds (run by `canonicalize` and the greedy driver):
//! - `toy.transpose(toy.transpose(x))` is `x`; a transpose of a constant is
//!   a constant;
//! - a `toy.reshape` to its operand's own type is the operand; a reshape of
//!   a constant is a constant.
//!
//! Constants that folds produce are built by the dialect's materializer,
//! [`materialize_constant`], as `toy.constant` ops. The canonicalization
//! pattern of `toy.reshape` is in [`crate::patterns`].

use std::fmt;

use tessera_compiler::ir::{Builder, OperationState};
use tessera_compiler::syntax::dense::{self, DenseScalar};
use tessera_compiler::syntax::{OpParser, OpPrinter, type_str};
use tessera_compiler::{
    AttrData, Attribute, Context, DYNAMIC, Diagnostic, DialectDef, FloatKind, FoldResult, Location,
    OpDef, OpId, OpSyntax, OpTraits, Type, TypeData, Value,
};

/// Registers the `toy` dialect and its ops in `ctx`.
pub fn register(ctx: &mut Context) {
    let pure = OpTraits::PURE;
    let ops = vec![
        OpDef::new("toy.constant", "A constant tensor")
            .traits(OpTraits::CONSTANT_LIKE | pure)
            .verify(verify_constant)
            .fold(fold_constant)
            .syntax(OpSyntax::Custom {
                parse: parse_constant,
                print: print_constant,
            })
            .description(
                "`%0 = toy.constant dense<[1.0, 2.0]> : tensor<2xf64>`: the result has the \
                 type of the dense `value`.",
            ),
        OpDef::new("toy.add", "Element-wise sum")
            .traits(pure | OpTraits::COMMUTATIVE)
            .verify(verify_elementwise)
            .syntax(OpSyntax::SameType),
        OpDef::new("toy.mul", "Element-wise product")
            .traits(pure | OpTraits::COMMUTATIVE)
            .verify(verify_elementwise)
            .syntax(OpSyntax::SameType),
        OpDef::new("toy.transpose", "Matrix transpose")
            .traits(pure)
            .verify(verify_transpose)
            .fold(fold_transpose)
            .syntax(OpSyntax::Functional),
        OpDef::new("toy.reshape", "The same elements in another shape")
            .traits(pure)
            .verify(verify_reshape)
            .fold(fold_reshape)
            .patterns(crate::patterns::reshape_patterns)
            .syntax(OpSyntax::Functional),
    ];
    let mut dialect = DialectDef::new("toy", "A small tensor language, defined out of tree.");
    dialect.materialize_constant = Some(materialize_constant);
    ctx.register_dialect(dialect, ops);
}

/// Builds a `toy.constant` of type `ty` holding `value`, when `value` is a
/// dense constant of exactly that type.
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
    Some(b.create_value("toy.constant", &[], ty, &[("value", value)], loc))
}

// ----- types ---------------------------------------------------------------

/// The shape of `ty` if it is a toy tensor: static dimensions, `f32` or
/// `f64` elements; otherwise why not.
fn toy_shape(ctx: &Context, ty: Type) -> Result<Vec<i64>, String> {
    let bad = || {
        format!(
            "expects tensors of static shape with f32 or f64 elements, got {}",
            type_str(ctx, ty)
        )
    };
    let TypeData::Tensor { shape, elem } = ctx.type_data(ty) else {
        return Err(bad());
    };
    let float = matches!(
        ctx.type_data(*elem),
        TypeData::Float(FloatKind::F32 | FloatKind::F64)
    );
    if !float || shape.contains(&DYNAMIC) {
        return Err(bad());
    }
    Ok(shape.clone())
}

/// Checks the counts of operands, results and regions.
fn check_arity(ctx: &Context, op: OpId, operands: usize) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    if data.operands.len() != operands || data.results.len() != 1 || !data.regions.is_empty() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects {operands} operand(s), 1 result and no regions, but got {}, {} and {}",
                data.operands.len(),
                data.results.len(),
                data.regions.len()
            ),
        ));
    }
    Ok(())
}

/// An error at `op`, worded as MLIR's: `'toy.add' op <msg>`.
fn op_error(ctx: &Context, op: OpId, msg: String) -> Diagnostic {
    Diagnostic::error(ctx.op(op).loc, format!("'{}' op {msg}", ctx.op_name_of(op)))
}

fn operand_type(ctx: &Context, op: OpId, i: usize) -> Type {
    ctx.value_type(ctx.operand(op, i))
}

fn result_type(ctx: &Context, op: OpId) -> Type {
    ctx.value_type(ctx.result(op, 0))
}

// ----- toy.constant ----------------------------------------------------------

fn verify_constant(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    check_arity(ctx, op, 0)?;
    let rt = result_type(ctx, op);
    toy_shape(ctx, rt).map_err(|m| op_error(ctx, op, m))?;
    match ctx.attr(op, "value").map(|a| ctx.attr_data(a)) {
        Some(AttrData::DenseElements(d)) if d.ty == rt => Ok(()),
        Some(AttrData::DenseElements(d)) => Err(op_error(
            ctx,
            op,
            format!(
                "value has type {}, but the result has type {}",
                type_str(ctx, d.ty),
                type_str(ctx, rt)
            ),
        )),
        Some(_) => Err(op_error(ctx, op, "value must be a dense tensor".into())),
        None => Err(op_error(ctx, op, "requires attribute 'value'".into())),
    }
}

fn fold_constant(
    ctx: &mut Context,
    op: OpId,
    _operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    ctx.attr(op, "value").map(|a| vec![FoldResult::Attr(a)])
}

/// `toy.constant [{attrs}] dense<...> : tensor<...>`: the result type is
/// the value's type, so it is written once.
fn parse_constant(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let value = p.parse_attribute()?;
    let ty = match p.ctx().attr_data(value) {
        AttrData::DenseElements(d) => d.ty,
        _ => {
            return Err(Diagnostic::error(
                loc,
                "expected a dense tensor value, e.g. 'dense<[1.0, 2.0]> : tensor<2xf64>'",
            ));
        }
    };
    let name = p.ctx().symbol("value");
    state.set_attr(name, value);
    state.result_types = vec![ty];
    Ok(())
}

fn print_constant(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    // Only a well-formed constant has a custom form; anything else is
    // printed generically, which is what an `Err` asks the printer for.
    let Some(value) = ctx.attr(op, "value") else {
        return Err(fmt::Error);
    };
    let same_type = matches!(ctx.attr_data(value), AttrData::DenseElements(d)
        if data.results.len() == 1 && d.ty == ctx.value_type(data.results[0]));
    if !same_type || !data.operands.is_empty() || !data.regions.is_empty() {
        return Err(fmt::Error);
    }
    p.print_optional_attr_dict(&data.attrs, &["value"]);
    p.print_str(" ");
    p.print_attribute(value);
    Ok(())
}

// ----- toy.add, toy.mul ---------------------------------------------------

fn verify_elementwise(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    check_arity(ctx, op, 2)?;
    let rt = result_type(ctx, op);
    toy_shape(ctx, rt).map_err(|m| op_error(ctx, op, m))?;
    for i in 0..2 {
        let t = operand_type(ctx, op, i);
        if t != rt {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "operand #{i} has type {}, but the result has type {}",
                    type_str(ctx, t),
                    type_str(ctx, rt)
                ),
            ));
        }
    }
    Ok(())
}

// ----- toy.transpose ---------------------------------------------------------

fn verify_transpose(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    check_arity(ctx, op, 1)?;
    let (it, rt) = (operand_type(ctx, op, 0), result_type(ctx, op));
    let shape = toy_shape(ctx, it).map_err(|m| op_error(ctx, op, m))?;
    if shape.len() != 2 {
        return Err(op_error(
            ctx,
            op,
            format!("expects a matrix (rank 2), got {}", type_str(ctx, it)),
        ));
    }
    let elem = ctx.elem_of(it);
    let expected_shape = [shape[1], shape[0]];
    if ctx.shape_of(rt) != Some(&expected_shape[..]) || ctx.elem_of(rt) != elem {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type {} is not the transpose of {}",
                type_str(ctx, rt),
                type_str(ctx, it)
            ),
        ));
    }
    Ok(())
}

fn fold_transpose(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    // transpose(transpose(x)) == x, and has x's type.
    let input = ctx.operand(op, 0);
    if let Some(inner) = ctx.defining_op(input)
        && ctx.op_is(inner, "toy.transpose")
    {
        return Some(vec![FoldResult::Value(ctx.operand(inner, 0))]);
    }
    // A transposed constant.
    let value = (*operands.first()?)?;
    let AttrData::DenseElements(d) = ctx.attr_data(value) else {
        return None;
    };
    let &[rows, cols] = ctx.shape_of(d.ty)? else {
        return None;
    };
    let (rows, cols) = (usize::try_from(rows).ok()?, usize::try_from(cols).ok()?);
    let elements = dense::elements(ctx, d)?;
    let mut transposed: Vec<DenseScalar> = Vec::with_capacity(elements.len());
    for j in 0..cols {
        for i in 0..rows {
            transposed.push(elements[i * cols + j]);
        }
    }
    let rt = result_type(ctx, op);
    let folded = dense::make_dense(ctx, rt, &transposed)?;
    Some(vec![FoldResult::Attr(
        ctx.intern_attr(AttrData::DenseElements(folded)),
    )])
}

// ----- toy.reshape -------------------------------------------------------

fn verify_reshape(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    check_arity(ctx, op, 1)?;
    let (it, rt) = (operand_type(ctx, op, 0), result_type(ctx, op));
    let from = toy_shape(ctx, it).map_err(|m| op_error(ctx, op, m))?;
    let to = toy_shape(ctx, rt).map_err(|m| op_error(ctx, op, m))?;
    let count = |s: &[i64]| s.iter().try_fold(1i64, |n, &d| n.checked_mul(d));
    if ctx.elem_of(it) != ctx.elem_of(rt) || count(&from) != count(&to) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "cannot reshape {} to {}: the element type and count must stay the same",
                type_str(ctx, it),
                type_str(ctx, rt)
            ),
        ));
    }
    Ok(())
}

fn fold_reshape(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    let input = ctx.operand(op, 0);
    let rt = result_type(ctx, op);
    if ctx.value_type(input) == rt {
        return Some(vec![FoldResult::Value(input)]);
    }
    // Row-major elements don't move: the constant only changes its type.
    let value = (*operands.first()?)?;
    let AttrData::DenseElements(d) = ctx.attr_data(value) else {
        return None;
    };
    let mut reshaped = d.clone();
    reshaped.ty = rt;
    Some(vec![FoldResult::Attr(
        ctx.intern_attr(AttrData::DenseElements(reshaped)),
    )])
}
