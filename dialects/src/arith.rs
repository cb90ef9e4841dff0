//! The `arith` dialect: scalar (and element-wise tensor/vector) arithmetic
//! with MLIR 19's syntax and meaning. Only the ops Tessera needs so far.
//!
//! ## `arith.constant`
//!
//! A constant of the type of its `value` attribute (an integer, float,
//! `true`/`false` or dense elements):
//!
//! ```mlir
//! %0 = arith.constant 1.000000e+00 : f32
//! %1 = arith.constant 42 : i32
//! %2 = arith.constant true
//! %3 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
//! ```
//!
//! It folds to its value; the dialect's constant materializer builds
//! `arith.constant` ops for folds of any dialect.
//!
//! ## Binary ops
//!
//! `arith.addf`, `arith.subf`, `arith.mulf`, `arith.divf` on floats and
//! `arith.addi`, `arith.subi`, `arith.muli` on signless integers and
//! `index` (or tensors/vectors of them): both operands and the result have
//! one type.
//!
//! ```mlir
//! %4 = arith.addf %0, %0 : f32
//! %5 = arith.muli %1, %1 : i32
//! ```
//!
//! Integer ops wrap around (two's complement). Float ops round to nearest
//! even in the operand type. Folds: two scalar (or splat) constants fold to
//! a constant, and cheap identities hold: `x + 0`, `x - 0`, `x * 1`,
//! `x * 0 → 0` and `x - x → 0` for integers; for floats only the identities
//! IEEE allows: `x + -0.0`, `x - 0.0`, `x * 1.0`, `x / 1.0` (never
//! `x * 0.0 → 0`, which is wrong for NaN, infinities and `-0.0`).

use std::fmt;

use tessera_compiler::ir::{Builder, OperationState};
use tessera_compiler::syntax::dense::{self, DenseScalar};
use tessera_compiler::syntax::{OpParser, OpPrinter, attr_type, float, type_str};
use tessera_compiler::{
    AttrData, Attribute, Context, Diagnostic, DialectDef, FloatKind, FoldResult, Location, OpDef,
    OpId, OpSyntax, OpTraits, Signedness, Type, TypeData, Value,
};

/// The binary ops: name, summary, float (else integer), commutative.
const BINARY: &[(&str, &str, bool, bool)] = &[
    ("arith.addf", "Floating-point addition", true, true),
    ("arith.subf", "Floating-point subtraction", true, false),
    ("arith.mulf", "Floating-point multiplication", true, true),
    ("arith.divf", "Floating-point division", true, false),
    ("arith.addi", "Integer addition (wrapping)", false, true),
    ("arith.subi", "Integer subtraction (wrapping)", false, false),
    (
        "arith.muli",
        "Integer multiplication (wrapping)",
        false,
        true,
    ),
];

/// Registers the `arith` dialect.
pub fn register(ctx: &mut Context) {
    let mut ops = vec![
        OpDef::new("arith.constant", "A constant scalar, tensor or vector")
            .traits(OpTraits::CONSTANT_LIKE | OpTraits::PURE)
            .verify(verify_constant)
            .fold(fold_constant)
            .syntax(OpSyntax::Custom {
                parse: parse_constant,
                print: print_constant,
            })
            .description(
                "`%0 = arith.constant 1.000000e+00 : f32`: the result has the type of the \
                 `value` attribute (integer, float, bool or dense elements).",
            ),
    ];
    for &(name, summary, is_float, commutative) in BINARY {
        let mut traits = OpTraits::PURE;
        if commutative {
            traits = traits | OpTraits::COMMUTATIVE;
        }
        ops.push(
            OpDef::new(name, summary)
                .traits(traits)
                .verify(if is_float {
                    verify_float_binary
                } else {
                    verify_int_binary
                })
                .fold(fold_binary)
                .syntax(OpSyntax::SameType)
                .description(&format!(
                    "`%2 = {name} %0, %1 : T`: operands and result have the same {} type \
                     (or a tensor or vector of it).",
                    if is_float {
                        "float"
                    } else {
                        "signless integer or index"
                    }
                )),
        );
    }
    let mut dialect = DialectDef::new("arith", "Arithmetic on scalars, with MLIR's meaning.");
    dialect.materialize_constant = Some(materialize_constant);
    ctx.register_dialect(dialect, ops);
}

// ----- arith.constant ------------------------------------------------------

/// Whether `attr` can be the value of an `arith.constant`.
fn is_constant_value(ctx: &Context, attr: Attribute) -> bool {
    matches!(
        ctx.attr_data(attr),
        AttrData::Integer { .. }
            | AttrData::Float { .. }
            | AttrData::Bool(_)
            | AttrData::DenseElements(_)
    )
}

/// The type of a constant value attribute, without interning (`Bool` has
/// no stored type, so it is `None` here; callers treat it as `i1`).
fn value_type(ctx: &Context, attr: Attribute) -> Option<Type> {
    match ctx.attr_data(attr) {
        AttrData::Integer { ty, .. } | AttrData::Float { ty, .. } => Some(*ty),
        AttrData::DenseElements(d) => Some(d.ty),
        _ => None,
    }
}

fn is_i1(ctx: &Context, ty: Type) -> bool {
    matches!(ctx.type_data(ty), TypeData::Integer { width: 1, .. })
}

fn verify_constant(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'arith.constant' op {msg}"));
    if !data.operands.is_empty() || data.results.len() != 1 || !data.regions.is_empty() {
        return Err(err("expects no operands, one result and no regions".into()));
    }
    let Some(value) = ctx.attr(op, "value") else {
        return Err(err("requires attribute 'value'".into()));
    };
    if !is_constant_value(ctx, value) {
        return Err(err(
            "value must be an integer, float, bool or dense elements attribute".into(),
        ));
    }
    let rt = ctx.value_type(data.results[0]);
    let matches = match ctx.attr_data(value) {
        AttrData::Bool(_) => is_i1(ctx, rt),
        _ => value_type(ctx, value) == Some(rt),
    };
    if !matches {
        let vt = match value_type(ctx, value) {
            Some(t) => type_str(ctx, t),
            None => "i1".to_string(),
        };
        return Err(err(format!(
            "value type '{vt}' does not match result type '{}'",
            type_str(ctx, rt)
        )));
    }
    let elem = ctx.elem_of(rt).unwrap_or(rt);
    if let TypeData::Integer { signedness, .. } = ctx.type_data(elem)
        && *signedness != Signedness::Signless
    {
        return Err(err(format!(
            "integer constants must be signless, found '{}'",
            type_str(ctx, rt)
        )));
    }
    Ok(())
}

fn fold_constant(
    ctx: &mut Context,
    op: OpId,
    _operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    ctx.attr(op, "value").map(|a| vec![FoldResult::Attr(a)])
}

/// `arith.constant [{attrs}] value`; the result type is the value's type.
fn parse_constant(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let value = p.parse_attribute()?;
    let ty = match attr_type(p.ctx(), value) {
        Some(t) if is_constant_value(p.ctx(), value) => t,
        _ => {
            return Err(Diagnostic::error(
                loc,
                "expected a typed constant value (e.g. '1.0 : f32', '42 : i32', 'true', \
                 'dense<...> : tensor<...>')",
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
    let Some(value) = ctx.attr(op, "value") else {
        return Err(fmt::Error);
    };
    let [r] = data.results[..] else {
        return Err(fmt::Error);
    };
    let rt = ctx.value_type(r);
    let same = match ctx.attr_data(value) {
        AttrData::Bool(_) => is_i1(ctx, rt),
        AttrData::Integer { ty, .. } if is_i1(ctx, *ty) => false,
        _ => value_type(ctx, value) == Some(rt),
    };
    if !same || !data.operands.is_empty() || !data.regions.is_empty() {
        return Err(fmt::Error);
    }
    p.print_optional_attr_dict(&data.attrs, &["value"]);
    p.print_str(" ");
    p.print_attribute(value);
    Ok(())
}

/// Builds an `arith.constant` of type `ty` holding `value`, when `value` is
/// an integer, float, bool or dense elements attribute of that type.
pub fn materialize_constant(
    b: &mut Builder<'_>,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Value> {
    if !is_constant_value(b.ctx, value) || attr_type(b.ctx, value) != Some(ty) {
        return None;
    }
    Some(b.create_value("arith.constant", &[], ty, &[("value", value)], loc))
}

// ----- binary ops ------------------------------------------------------------

/// Whether `ty` is a float type or a tensor/vector of floats.
fn is_float_like(ctx: &Context, ty: Type) -> bool {
    ctx.is_float(ctx.elem_of(ty).unwrap_or(ty))
}

/// Whether `ty` is a signless integer or `index`, or a tensor/vector of them.
fn is_int_like(ctx: &Context, ty: Type) -> bool {
    let elem = match ctx.type_data(ty) {
        TypeData::Tensor { elem, .. } | TypeData::Vector { elem, .. } => *elem,
        _ => ty,
    };
    matches!(
        ctx.type_data(elem),
        TypeData::Index
            | TypeData::Integer {
                signedness: Signedness::Signless,
                ..
            }
    )
}

fn verify_binary(ctx: &Context, op: OpId, float: bool) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let name = ctx.op_name_of(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'{name}' op {msg}"));
    if data.operands.len() != 2 || data.results.len() != 1 {
        return Err(err(format!(
            "expects 2 operands and 1 result, but got {} and {}",
            data.operands.len(),
            data.results.len()
        )));
    }
    let rt = ctx.value_type(data.results[0]);
    for (i, &v) in data.operands.iter().enumerate() {
        let t = ctx.value_type(v);
        if t != rt {
            return Err(err(format!(
                "requires the same type for all operands and results, but operand #{i} has \
                 type '{}' and the result '{}'",
                type_str(ctx, t),
                type_str(ctx, rt)
            )));
        }
    }
    let (ok, what) = if float {
        (is_float_like(ctx, rt), "floating-point-like")
    } else {
        (is_int_like(ctx, rt), "signless-integer-like")
    };
    if !ok {
        return Err(err(format!(
            "operands must be {what}, but got '{}'",
            type_str(ctx, rt)
        )));
    }
    Ok(())
}

fn verify_float_binary(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    verify_binary(ctx, op, true)
}

fn verify_int_binary(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    verify_binary(ctx, op, false)
}

/// A constant's value when it is a scalar or a splat: integers (and bools)
/// as `Int`, floats as `Float`.
fn splat_value(ctx: &Context, attr: Attribute) -> Option<DenseScalar> {
    match ctx.attr_data(attr) {
        AttrData::Integer { value, .. } => Some(DenseScalar::Int(*value)),
        AttrData::Bool(b) => Some(DenseScalar::Int(*b as i128)),
        AttrData::Float { bits, .. } => Some(DenseScalar::Float(f64::from_bits(*bits))),
        AttrData::DenseElements(d) if d.splat => dense::element(ctx, d, 0),
        _ => None,
    }
}

/// Builds a constant of type `ty` (scalar or splat) with value `v`.
fn constant_of(ctx: &mut Context, ty: Type, v: DenseScalar) -> Option<Attribute> {
    match (ctx.type_data(ty).clone(), v) {
        (TypeData::Integer { width: 1, .. }, DenseScalar::Int(i)) => {
            Some(ctx.bool_attr(i & 1 != 0))
        }
        (TypeData::Integer { width, .. }, DenseScalar::Int(i)) => {
            let i = dense::normalize_int(i, width, Signedness::Signless);
            Some(ctx.int_attr(i, ty))
        }
        (TypeData::Index, DenseScalar::Int(i)) => {
            let i = dense::normalize_int(i, 64, Signedness::Signless);
            Some(ctx.int_attr(i, ty))
        }
        (TypeData::Float(k), DenseScalar::Float(f)) => {
            Some(ctx.float_attr(float::round_to(f, k), ty))
        }
        (TypeData::Tensor { .. } | TypeData::Vector { .. }, _) => {
            let d = dense::make_dense(ctx, ty, &[v])?;
            Some(ctx.intern_attr(AttrData::DenseElements(d)))
        }
        _ => None,
    }
}

/// The width and float kind of an element type (`index` is 64 bits).
fn elem_info(ctx: &Context, ty: Type) -> Option<(u32, Option<FloatKind>)> {
    let elem = ctx.elem_of(ty).unwrap_or(ty);
    match ctx.type_data(elem) {
        TypeData::Integer { width, .. } => Some((*width, None)),
        TypeData::Index => Some((64, None)),
        TypeData::Float(k) => Some((k.width(), Some(*k))),
        _ => None,
    }
}

fn fold_binary(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    let data = ctx.op(op);
    let (&[x, y], &[r]) = (&data.operands[..], &data.results[..]) else {
        return None;
    };
    let ty = ctx.value_type(r);
    if ctx.value_type(x) != ty || ctx.value_type(y) != ty {
        return None;
    }
    let name = ctx.op_name_of(op).to_string();
    let (width, kind) = elem_info(ctx, ty)?;
    let lhs = operands.first().copied().flatten();
    let rhs = operands.get(1).copied().flatten();
    let lv = lhs.and_then(|a| splat_value(ctx, a));
    let rv = rhs.and_then(|a| splat_value(ctx, a));
    let value = |v: Value| Some(vec![FoldResult::Value(v)]);

    if let Some(kind) = kind {
        let (l, r) = (
            lv.and_then(|v| match v {
                DenseScalar::Float(f) => Some(f),
                _ => None,
            }),
            rv.and_then(|v| match v {
                DenseScalar::Float(f) => Some(f),
                _ => None,
            }),
        );
        if let (Some(a), Some(b)) = (l, r) {
            // Computing in f64 then rounding once is exact IEEE arithmetic
            // for f32, f16 and bf16 (f64 has more than twice their precision).
            let v = match name.as_str() {
                "arith.addf" => a + b,
                "arith.subf" => a - b,
                "arith.mulf" => a * b,
                "arith.divf" => a / b,
                _ => return None,
            };
            // NaN results as APFloat gives them, not as the host FPU does
            // (x86 makes 0/0 a negative NaN): an operand NaN propagates,
            // an invalid operation gives the positive quiet NaN.
            let v = match (v.is_nan(), a.is_nan(), b.is_nan()) {
                (false, ..) => v,
                (true, true, _) => a,
                (true, false, true) => b,
                (true, false, false) => f64::NAN,
            };
            let c = constant_of(ctx, ty, DenseScalar::Float(float::round_to(v, kind)))?;
            return Some(vec![FoldResult::Attr(c)]);
        }
        let neg_zero = |v: Option<f64>| v.is_some_and(|f| f == 0.0 && f.is_sign_negative());
        let pos_zero = |v: Option<f64>| v.is_some_and(|f| f == 0.0 && f.is_sign_positive());
        let one = |v: Option<f64>| v == Some(1.0);
        return match name.as_str() {
            "arith.addf" if neg_zero(r) => value(x),
            "arith.addf" if neg_zero(l) => value(y),
            "arith.subf" if pos_zero(r) => value(x),
            "arith.mulf" if one(r) => value(x),
            "arith.mulf" if one(l) => value(y),
            "arith.divf" if one(r) => value(x),
            _ => None,
        };
    }

    let int = |v: Option<DenseScalar>| match v {
        Some(DenseScalar::Int(i)) => Some(dense::normalize_int(i, width, Signedness::Signless)),
        _ => None,
    };
    let (l, r) = (int(lv), int(rv));
    if let (Some(a), Some(b)) = (l, r) {
        let v = match name.as_str() {
            "arith.addi" => a.wrapping_add(b),
            "arith.subi" => a.wrapping_sub(b),
            "arith.muli" => a.wrapping_mul(b),
            _ => return None,
        };
        let c = constant_of(ctx, ty, DenseScalar::Int(v))?;
        return Some(vec![FoldResult::Attr(c)]);
    }
    let is = |v: Option<i128>, n: i128| v == Some(n);
    match name.as_str() {
        "arith.addi" if is(r, 0) => value(x),
        "arith.addi" if is(l, 0) => value(y),
        "arith.subi" if is(r, 0) => value(x),
        "arith.subi" if x == y => {
            let c = constant_of(ctx, ty, DenseScalar::Int(0))?;
            Some(vec![FoldResult::Attr(c)])
        }
        "arith.muli" if is(r, 1) => value(x),
        "arith.muli" if is(l, 1) => value(y),
        "arith.muli" if is(r, 0) => Some(vec![FoldResult::Attr(rhs?)]),
        "arith.muli" if is(l, 0) => Some(vec![FoldResult::Attr(lhs?)]),
        _ => None,
    }
}
