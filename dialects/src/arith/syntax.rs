//! The custom forms of the `arith` ops (and of the `math` ops, which share
//! the element-wise form), as MLIR 19 writes them:
//!
//! ```mlir
//! %0 = arith.constant 1.000000e+00 : f32
//! %1 = arith.addf %a, %b fastmath<nnan,ninf> : f32
//! %2 = arith.addi %i, %j overflow<nsw> : i32
//! %3 = arith.cmpf olt, %a, %b : vector<4xf32>
//! %4 = arith.select %c, %a, %b : f32
//! %5 = arith.select %m, %v, %w : vector<4xi1>, vector<4xf32>
//! %6 = arith.truncf %d downward : f64 to f32
//! %7 = math.fma %a, %b, %c fastmath<fast> : f32
//! ```
//!
//! Flag attributes print only when they differ from the default (`none`).
//! A printer returns an error for an op that does not fit its form (the
//! generic form is printed instead), so malformed IR still prints.

use std::fmt;

use tessera_compiler::ir::OperationState;
use tessera_compiler::syntax::{OpParser, OpPrinter, Punct, attr_type};
use tessera_compiler::{
    AttrData, Attribute, Context, Diagnostic, OpId, Signedness, Type, TypeData,
};

use super::attrs::{CmpFPredicate, CmpIPredicate, FastMathFlags, OverflowFlags, RoundingMode};
use super::ops::{ArithOp, Class, Flags};
use crate::math::MathOp;

/// The name of the fast-math flags attribute.
pub(crate) const FASTMATH: &str = "fastmath";
/// The name of the overflow flags attribute.
pub(crate) const OVERFLOW: &str = "overflowFlags";
/// The name of the comparison predicate attribute.
pub(crate) const PREDICATE: &str = "predicate";
/// The name of `arith.truncf`'s rounding mode attribute.
pub(crate) const ROUNDING: &str = "roundingmode";

type PResult<T> = Result<T, Diagnostic>;

/// The class of an `arith` or `math` op name.
pub(crate) fn class_of(name: &str) -> Option<Class> {
    ArithOp::from_name(name)
        .map(ArithOp::class)
        .or_else(|| MathOp::from_name(name).map(MathOp::class))
}

/// The flag attribute an op takes: its kind and attribute name.
pub(crate) fn flags_of(name: &str) -> Flags {
    match ArithOp::from_name(name) {
        Some(ArithOp::CmpF | ArithOp::ExtF | ArithOp::TruncF) => Flags::FastMath,
        _ => match class_of(name) {
            Some(Class::SameType { flags, .. }) => flags,
            _ => Flags::None,
        },
    }
}

fn flag_attr_name(flags: Flags) -> Option<&'static str> {
    match flags {
        Flags::None => None,
        Flags::FastMath => Some(FASTMATH),
        Flags::Overflow => Some(OVERFLOW),
    }
}

fn set(p: &mut OpParser<'_, '_>, state: &mut OperationState, name: &str, value: Attribute) {
    let sym = p.ctx().symbol(name);
    state.set_attr(sym, value);
}

/// Parses `kw1, kw2, ...>` after `<` into the words.
fn parse_keyword_list(p: &mut OpParser<'_, '_>) -> PResult<String> {
    let mut words = Vec::new();
    loop {
        match p.peek_keyword() {
            Some(kw) => {
                words.push(kw.to_string());
                p.parse_keyword(kw)?;
            }
            None => return Err(p.error("expected a flag keyword")),
        }
        if !p.parse_optional_punct(Punct::Comma) {
            break;
        }
    }
    p.parse_punct(Punct::Greater, "to end the flag list")?;
    Ok(words.join(","))
}

/// Parses `fastmath<...>` or `overflow<...>` if the op takes it and it is
/// next, storing the attribute unless it is `none`.
fn parse_flags(p: &mut OpParser<'_, '_>, state: &mut OperationState, flags: Flags) -> PResult<()> {
    let (kw, attr_name) = match flags {
        Flags::None => return Ok(()),
        Flags::FastMath => ("fastmath", FASTMATH),
        Flags::Overflow => ("overflow", OVERFLOW),
    };
    if !p.parse_optional_keyword(kw) {
        return Ok(());
    }
    p.parse_punct(Punct::Less, &format!("after '{kw}'"))?;
    let loc = p.current_loc();
    let list = parse_keyword_list(p)?;
    let attr = match flags {
        Flags::FastMath => {
            let f = FastMathFlags::parse(&list).map_err(|m| Diagnostic::error(loc, m))?;
            (f != FastMathFlags::NONE).then(|| f.to_attr(p.ctx()))
        }
        _ => {
            let f = OverflowFlags::parse(&list).map_err(|m| Diagnostic::error(loc, m))?;
            (!f.is_none()).then(|| f.to_attr(p.ctx()))
        }
    };
    if let Some(a) = attr {
        set(p, state, attr_name, a);
    }
    Ok(())
}

/// Prints ` fastmath<...>`/` overflow<...>` for the op's flag attribute;
/// returns the attribute names the caller must leave out of the
/// dictionary. Fails on an attribute that is not valid flags.
fn print_flags(
    p: &mut OpPrinter<'_>,
    op: OpId,
    flags: Flags,
) -> Result<Vec<&'static str>, fmt::Error> {
    let ctx = p.ctx();
    let Some(name) = flag_attr_name(flags) else {
        return Ok(Vec::new());
    };
    let Some(a) = ctx.attr(op, name) else {
        return Ok(vec![name]);
    };
    match flags {
        Flags::FastMath => {
            let f = FastMathFlags::from_attr(ctx, a).ok_or(fmt::Error)?;
            if f != FastMathFlags::NONE {
                p.print_str(&format!(" fastmath<{}>", f.spelling()));
            }
        }
        _ => {
            let f = OverflowFlags::from_attr(ctx, a).ok_or(fmt::Error)?;
            if !f.is_none() {
                p.print_str(&format!(" overflow<{}>", f.spelling()));
            }
        }
    }
    Ok(vec![name])
}

// ----- arith.constant ------------------------------------------------------

/// Whether `attr` can be the value of an `arith.constant`.
pub(crate) fn is_constant_value(ctx: &Context, attr: Attribute) -> bool {
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
pub(crate) fn value_type(ctx: &Context, attr: Attribute) -> Option<Type> {
    match ctx.attr_data(attr) {
        AttrData::Integer { ty, .. } | AttrData::Float { ty, .. } => Some(*ty),
        AttrData::DenseElements(d) => Some(d.ty),
        _ => None,
    }
}

/// Whether `ty` is `i1`.
pub(crate) fn is_i1(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(ty),
        TypeData::Integer {
            width: 1,
            signedness: Signedness::Signless
        }
    )
}

/// `arith.constant [{attrs}] value`; the result type is the value's type.
pub(crate) fn parse_constant(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
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
    set(p, state, "value", value);
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_constant(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
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

// ----- element-wise ops ---------------------------------------------------

/// `op %a, %b [flags] [{attrs}] : T`, with the op's number of operands.
pub(crate) fn parse_same_type(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let name = p.ctx().op_name_str(state.name).to_string();
    let Some(Class::SameType { arity, flags, .. }) = class_of(&name) else {
        return Err(p.error(format!("'{name}' is not an element-wise op")));
    };
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if operands.len() != arity as usize {
        return Err(Diagnostic::error(
            loc,
            format!(
                "'{name}' expects {arity} operand{}, found {}",
                if arity == 1 { "" } else { "s" },
                operands.len()
            ),
        ));
    }
    parse_flags(p, state, flags)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "after operand list")?;
    let ty = p.parse_type()?;
    state.operands = p.resolve_operands_same_type(&operands, ty)?;
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_same_type(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let Some(Class::SameType { arity, flags, .. }) = class_of(ctx.op_name_of(op)) else {
        return Err(fmt::Error);
    };
    let [r] = data.results[..] else {
        return Err(fmt::Error);
    };
    let ty = ctx.value_type(r);
    if data.operands.len() != arity as usize
        || data.operands.iter().any(|&v| ctx.value_type(v) != ty)
        || !data.regions.is_empty()
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operands(&data.operands);
    let elided = print_flags(p, op, flags)?;
    p.print_optional_attr_dict(&data.attrs, &elided);
    p.print_str(" : ");
    p.print_type(ty);
    Ok(())
}

// ----- comparisons ---------------------------------------------------------

/// `i1` shaped like `ty`: `i1`, `vector<..xi1>` or `tensor<..xi1>`.
pub(crate) fn bool_like(ctx: &mut Context, ty: Type) -> Type {
    let i1 = ctx.i1_type();
    match ctx.type_data(ty).clone() {
        TypeData::Vector { shape, .. } => ctx.vector_type(&shape, i1),
        TypeData::Tensor { shape, .. } => ctx.tensor_type(&shape, i1),
        _ => i1,
    }
}

/// Whether `result` is `i1` shaped like `operand` (see [`bool_like`]).
pub(crate) fn is_bool_like_of(ctx: &Context, result: Type, operand: Type) -> bool {
    match (ctx.type_data(result), ctx.type_data(operand)) {
        (TypeData::Vector { shape: a, elem }, TypeData::Vector { shape: b, .. })
        | (TypeData::Tensor { shape: a, elem }, TypeData::Tensor { shape: b, .. }) => {
            a == b && is_i1(ctx, *elem)
        }
        (_, TypeData::Vector { .. } | TypeData::Tensor { .. }) => false,
        _ => is_i1(ctx, result),
    }
}

/// `arith.cmpf olt, %a, %b [fastmath<...>] [{attrs}] : T` and
/// `arith.cmpi slt, %a, %b [{attrs}] : T`; the result is `i1` shaped like `T`.
pub(crate) fn parse_cmp(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let name = p.ctx().op_name_str(state.name).to_string();
    let is_f = name == ArithOp::CmpF.name();
    let kw = p.peek_keyword();
    let code = match kw {
        Some(k) if is_f => CmpFPredicate::from_keyword(k).map(|c| c.to_attr(p.ctx())),
        Some(k) => CmpIPredicate::from_keyword(k).map(|c| c.to_attr(p.ctx())),
        None => None,
    };
    let Some(pred) = code else {
        let list = if is_f {
            CmpFPredicate::keyword_list()
        } else {
            CmpIPredicate::keyword_list()
        };
        return Err(p.error(format!(
            "expected a predicate keyword for '{name}', one of [{list}]"
        )));
    };
    if let Some(k) = kw {
        p.parse_keyword(k)?;
    }
    set(p, state, PREDICATE, pred);
    p.parse_punct(Punct::Comma, "after the predicate")?;
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if operands.len() != 2 {
        return Err(Diagnostic::error(
            loc,
            format!("'{name}' expects 2 operands, found {}", operands.len()),
        ));
    }
    if is_f {
        parse_flags(p, state, Flags::FastMath)?;
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "after operand list")?;
    let ty = p.parse_type()?;
    state.operands = p.resolve_operands_same_type(&operands, ty)?;
    state.result_types = vec![bool_like(p.ctx(), ty)];
    Ok(())
}

pub(crate) fn print_cmp(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let is_f = ctx.op_is(op, ArithOp::CmpF.name());
    let (&[a, b], &[r]) = (&data.operands[..], &data.results[..]) else {
        return Err(fmt::Error);
    };
    let ty = ctx.value_type(a);
    if ctx.value_type(b) != ty || !is_bool_like_of(ctx, ctx.value_type(r), ty) {
        return Err(fmt::Error);
    }
    let pred = ctx.attr(op, PREDICATE).ok_or(fmt::Error)?;
    let kw = if is_f {
        CmpFPredicate::from_attr(ctx, pred).map(CmpFPredicate::keyword)
    } else {
        CmpIPredicate::from_attr(ctx, pred).map(CmpIPredicate::keyword)
    };
    p.print_str(" ");
    p.print_str(kw.ok_or(fmt::Error)?);
    p.print_str(", ");
    p.print_operands(&data.operands);
    let mut elided = if is_f {
        print_flags(p, op, Flags::FastMath)?
    } else {
        Vec::new()
    };
    elided.push(PREDICATE);
    p.print_optional_attr_dict(&data.attrs, &elided);
    p.print_str(" : ");
    p.print_type(ty);
    Ok(())
}

// ----- arith.select --------------------------------------------------------

/// `arith.select %c, %a, %b [{attrs}] : T` (an `i1` condition) or
/// `... : C, T` (a vector or tensor condition `C`).
pub(crate) fn parse_select(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if operands.len() != 3 {
        return Err(Diagnostic::error(
            loc,
            format!(
                "'arith.select' expects 3 operands, found {}",
                operands.len()
            ),
        ));
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "after operand list")?;
    let types = p.parse_type_list()?;
    let (cond, ty) = match types[..] {
        [t] => (p.ctx().i1_type(), t),
        [c, t] => (c, t),
        _ => {
            return Err(
                p.error("expected ': T' or ': condition type, T' after 'arith.select' operands")
            );
        }
    };
    state.operands = p.resolve_operands(&operands, &[cond, ty, ty], loc)?;
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_select(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let (&[c, a, b], &[r]) = (&data.operands[..], &data.results[..]) else {
        return Err(fmt::Error);
    };
    let ty = ctx.value_type(r);
    if ctx.value_type(a) != ty || ctx.value_type(b) != ty {
        return Err(fmt::Error);
    }
    let ct = ctx.value_type(c);
    let shaped = matches!(
        ctx.type_data(ct),
        TypeData::Vector { .. } | TypeData::Tensor { .. }
    );
    if !shaped && !is_i1(ctx, ct) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operands(&data.operands);
    p.print_optional_attr_dict(&data.attrs, &[]);
    p.print_str(" : ");
    if shaped {
        p.print_type(ct);
        p.print_str(", ");
    }
    p.print_type(ty);
    Ok(())
}

// ----- casts ---------------------------------------------------------------

/// `op %x [rounding mode] [fastmath<...>] [{attrs}] : T to U`.
pub(crate) fn parse_cast(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let name = p.ctx().op_name_str(state.name).to_string();
    let x = p.parse_operand()?;
    if name == ArithOp::TruncF.name()
        && let Some(mode) = p.peek_keyword().and_then(RoundingMode::from_keyword)
    {
        p.parse_keyword(mode.keyword())?;
        let a = mode.to_attr(p.ctx());
        set(p, state, ROUNDING, a);
    }
    parse_flags(p, state, flags_of(&name))?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let from = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let to = p.parse_type()?;
    state.operands = vec![p.resolve_operand(&x, from)?];
    state.result_types = vec![to];
    Ok(())
}

pub(crate) fn print_cast(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let (&[x], &[r]) = (&data.operands[..], &data.results[..]) else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_operand(x);
    let mut elided = Vec::new();
    if ctx.op_is(op, ArithOp::TruncF.name())
        && let Some(a) = ctx.attr(op, ROUNDING)
    {
        let mode = RoundingMode::from_attr(ctx, a).ok_or(fmt::Error)?;
        p.print_str(" ");
        p.print_str(mode.keyword());
        elided.push(ROUNDING);
    }
    elided.extend(print_flags(p, op, flags_of(ctx.op_name_of(op)))?);
    p.print_optional_attr_dict(&data.attrs, &elided);
    p.print_str(" : ");
    p.print_type(ctx.value_type(x));
    p.print_str(" to ");
    p.print_type(ctx.value_type(r));
    Ok(())
}
