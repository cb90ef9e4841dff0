//! The custom forms of the `vector` ops, as `mlir-opt-19` prints them.
//!
//! A printer returns an error for an op that does not fit its form (the
//! generic form is printed instead), so malformed IR still prints.
//! Attributes the form spells out are left out of the trailing
//! dictionary; default values (`fastmath<none>`, a minor-identity
//! `permutation_map`, all-false `in_bounds`, `punctuation <newline>`) are
//! not printed.

use std::fmt;

use tessera_compiler::ir::OperationState;
use tessera_compiler::syntax::{OpParser, OpPrinter, Punct, UnresolvedOperand};
use tessera_compiler::{AttrData, Attribute, DYNAMIC, Diagnostic, OpId, Type, Value};

use super::attrs::{CombiningKind, Punctuation};
use super::views::{
    self, Element, IN_BOUNDS, MASK_DIM_SIZES, PERMUTATION, PERMUTATION_MAP, Print, Reduction,
    STATIC_POSITION, Transfer, bool_array_attr, is_minor_identity, minor_identity_map,
    shaped_parts, transfer_mask_shape, vector_parts,
};
use crate::arith::FastMathFlags;
use crate::memref::{IndexValue, SEGMENTS, all_index, segments_attr, set_attr};

type PResult<T> = Result<T, Diagnostic>;

/// `[%i, %j]`.
fn parse_index_list(p: &mut OpParser<'_, '_>) -> PResult<Vec<UnresolvedOperand>> {
    p.parse_punct(Punct::LSquare, "to start the index list")?;
    let v = p.parse_operand_list()?;
    p.parse_punct(Punct::RSquare, "to end the index list")?;
    Ok(v)
}

fn print_index_list(p: &mut OpPrinter<'_>, indices: &[Value]) {
    p.print_str("[");
    p.print_operands(indices);
    p.print_str("]");
}

/// Resolves `names` as `index` values.
fn resolve_indices(p: &mut OpParser<'_, '_>, names: &[UnresolvedOperand]) -> PResult<Vec<Value>> {
    let index = p.ctx().index_type();
    p.resolve_operands_same_type(names, index)
}

/// Parses `: T` and checks that `T` is a vector type.
fn parse_vector_type(p: &mut OpParser<'_, '_>, colon: bool) -> PResult<Type> {
    let loc = p.current_loc();
    let ty = if colon {
        p.parse_colon_type()?
    } else {
        p.parse_type()?
    };
    if vector_parts(p.ctx(), ty).is_none() {
        return Err(Diagnostic::error(
            loc,
            "invalid kind of type specified: expected a vector type",
        ));
    }
    Ok(ty)
}

/// Parses a memref type.
fn parse_memref_type(p: &mut OpParser<'_, '_>) -> PResult<Type> {
    let loc = p.current_loc();
    let ty = p.parse_type()?;
    if crate::memref::memref_parts(p.ctx(), ty).is_none() {
        return Err(Diagnostic::error(
            loc,
            "invalid kind of type specified: expected a memref type",
        ));
    }
    Ok(ty)
}

/// Whether `ty` is a vector type (what the custom forms' parsers ask for).
fn is_vector(p: &OpPrinter<'_>, ty: Type) -> bool {
    vector_parts(p.ctx(), ty).is_some()
}

/// Whether `ty` is a memref type.
fn is_memref(p: &OpPrinter<'_>, ty: Type) -> bool {
    crate::memref::memref_parts(p.ctx(), ty).is_some()
}

// ----- load / store -------------------------------------------------------------

/// `%base[%i, ..] {attrs} : memref<..>, vector<..>`.
pub(crate) fn parse_load(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let base = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the memref type")?;
    let mt = parse_memref_type(p)?;
    p.parse_punct(Punct::Comma, "after the memref type")?;
    let vt = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&base, mt)?];
    state.operands.extend(resolve_indices(p, &indices)?);
    state.result_types = vec![vt];
    Ok(())
}

pub(crate) fn print_load(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::Access::view(ctx, op).ok_or(fmt::Error)?;
    let fits = !v.is_store
        && all_index(ctx, v.indices)
        && ctx.op(op).results.len() == 1
        && is_memref(p, ctx.value_type(v.base))
        && is_vector(p, ctx.value_type(v.vector));
    if !fits {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.base);
    print_index_list(p, v.indices);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(v.base));
    p.print_str(", ");
    p.print_type(ctx.value_type(v.vector));
    Ok(())
}

/// `%v, %base[%i, ..] {attrs} : memref<..>, vector<..>`.
pub(crate) fn parse_store(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let value = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the stored vector")?;
    let base = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the memref type")?;
    let mt = parse_memref_type(p)?;
    p.parse_punct(Punct::Comma, "after the memref type")?;
    let vt = parse_vector_type(p, false)?;
    state.operands = vec![
        p.resolve_operand(&value, vt)?,
        p.resolve_operand(&base, mt)?,
    ];
    state.operands.extend(resolve_indices(p, &indices)?);
    Ok(())
}

pub(crate) fn print_store(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::Access::view(ctx, op).ok_or(fmt::Error)?;
    let fits = v.is_store
        && all_index(ctx, v.indices)
        && ctx.op(op).results.is_empty()
        && is_memref(p, ctx.value_type(v.base))
        && is_vector(p, ctx.value_type(v.vector));
    if !fits {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.vector);
    p.print_str(", ");
    p.print_operand(v.base);
    print_index_list(p, v.indices);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(v.base));
    p.print_str(", ");
    p.print_type(ctx.value_type(v.vector));
    Ok(())
}

// ----- maskedload / maskedstore --------------------------------------------------

/// `%base[%i], %mask, %pass {attrs} : memref<..>, vector<Nxi1>, vector<N> into vector<N>`.
pub(crate) fn parse_maskedload(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let base = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_punct(Punct::Comma, "after the indices")?;
    let mask = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the mask")?;
    let pass = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the memref type")?;
    let mt = parse_memref_type(p)?;
    p.parse_punct(Punct::Comma, "after the memref type")?;
    let maskt = parse_vector_type(p, false)?;
    p.parse_punct(Punct::Comma, "after the mask type")?;
    let passt = parse_vector_type(p, false)?;
    p.parse_keyword("into")?;
    let rt = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&base, mt)?];
    state.operands.extend(resolve_indices(p, &indices)?);
    state.operands.push(p.resolve_operand(&mask, maskt)?);
    state.operands.push(p.resolve_operand(&pass, passt)?);
    state.result_types = vec![rt];
    Ok(())
}

pub(crate) fn print_maskedload(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::MaskedAccess::view(ctx, op).ok_or(fmt::Error)?;
    let r = v.result.ok_or(fmt::Error)?;
    if !all_index(ctx, v.indices) || !masked_types_fit(p, &v) || !is_vector(p, ctx.value_type(r)) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.base);
    print_index_list(p, v.indices);
    p.print_str(", ");
    p.print_operands(&[v.mask, v.value]);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_types(&[
        ctx.value_type(v.base),
        ctx.value_type(v.mask),
        ctx.value_type(v.value),
    ]);
    p.print_str(" into ");
    p.print_type(ctx.value_type(r));
    Ok(())
}

/// Whether the base is a memref and the mask and value are vectors.
fn masked_types_fit(p: &OpPrinter<'_>, v: &views::MaskedAccess<'_>) -> bool {
    let ctx = p.ctx();
    is_memref(p, ctx.value_type(v.base))
        && is_vector(p, ctx.value_type(v.mask))
        && is_vector(p, ctx.value_type(v.value))
}

/// `%base[%i], %mask, %v {attrs} : memref<..>, vector<Nxi1>, vector<N>`.
pub(crate) fn parse_maskedstore(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let base = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_punct(Punct::Comma, "after the indices")?;
    let mask = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the mask")?;
    let value = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the memref type")?;
    let mt = parse_memref_type(p)?;
    p.parse_punct(Punct::Comma, "after the memref type")?;
    let maskt = parse_vector_type(p, false)?;
    p.parse_punct(Punct::Comma, "after the mask type")?;
    let vt = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&base, mt)?];
    state.operands.extend(resolve_indices(p, &indices)?);
    state.operands.push(p.resolve_operand(&mask, maskt)?);
    state.operands.push(p.resolve_operand(&value, vt)?);
    Ok(())
}

pub(crate) fn print_maskedstore(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::MaskedAccess::view(ctx, op).ok_or(fmt::Error)?;
    let fits = v.result.is_none()
        && ctx.op(op).results.is_empty()
        && all_index(ctx, v.indices)
        && masked_types_fit(p, &v);
    if !fits {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.base);
    print_index_list(p, v.indices);
    p.print_str(", ");
    p.print_operands(&[v.mask, v.value]);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_types(&[
        ctx.value_type(v.base),
        ctx.value_type(v.mask),
        ctx.value_type(v.value),
    ]);
    Ok(())
}

// ----- one operand, one result ----------------------------------------------------

/// `%x {attrs} : T to U` (`vector.broadcast`, `vector.shape_cast`).
pub(crate) fn parse_to(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let x = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let from = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let to = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&x, from)?];
    state.result_types = vec![to];
    Ok(())
}

pub(crate) fn print_to(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let (&[x], &[r]) = (&ctx.op(op).operands[..], &ctx.op(op).results[..]) else {
        return Err(fmt::Error);
    };
    if vector_parts(ctx, ctx.value_type(r)).is_none() {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(x);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(x));
    p.print_str(" to ");
    p.print_type(ctx.value_type(r));
    Ok(())
}

/// `%s {attrs} : vector<..>`: the operand has the element type.
pub(crate) fn parse_splat(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let s = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let vt = parse_vector_type(p, true)?;
    let elem = vector_parts(p.ctx(), vt)
        .map(|(_, e)| e)
        .ok_or_else(|| p.error("expected a vector type"))?;
    state.operands = vec![p.resolve_operand(&s, elem)?];
    state.result_types = vec![vt];
    Ok(())
}

pub(crate) fn print_splat(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let (&[s], &[r]) = (&ctx.op(op).operands[..], &ctx.op(op).results[..]) else {
        return Err(fmt::Error);
    };
    let rt = ctx.value_type(r);
    if vector_parts(ctx, rt).map(|(_, e)| e) != Some(ctx.value_type(s)) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(s);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(rt);
    Ok(())
}

/// `%a, %b, %c {attrs} : vector<..>`.
pub(crate) fn parse_fma(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if operands.len() != 3 {
        return Err(Diagnostic::error(
            loc,
            format!("'vector.fma' expects 3 operands, found {}", operands.len()),
        ));
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = parse_vector_type(p, true)?;
    state.operands = p.resolve_operands_same_type(&operands, ty)?;
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_fma(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let [r] = data.results[..] else {
        return Err(fmt::Error);
    };
    let ty = ctx.value_type(r);
    if data.operands.len() != 3
        || data.operands.iter().any(|&v| ctx.value_type(v) != ty)
        || !is_vector(p, ty)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operands(&data.operands);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ty);
    Ok(())
}

// ----- reduction --------------------------------------------------------------------

/// `<kw>`: a keyword between angle brackets; returns it and its location.
fn parse_angle_keyword<'t>(
    p: &mut OpParser<'t, '_>,
    what: &str,
) -> PResult<(&'t str, tessera_compiler::Location)> {
    p.parse_punct(Punct::Less, &format!("to start the {what}"))?;
    let loc = p.current_loc();
    let Some(kw) = p.peek_keyword() else {
        return Err(p.error(format!("expected a {what} keyword")));
    };
    p.parse_keyword(kw)?;
    p.parse_punct(Punct::Greater, &format!("to end the {what}"))?;
    Ok((kw, loc))
}

/// `<kind>, %v[, %acc] [fastmath<..>] {attrs} : vector<..> into T`.
pub(crate) fn parse_reduction(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let (kw, loc) = parse_angle_keyword(p, "combining kind")?;
    let Some(kind) = CombiningKind::from_keyword(kw) else {
        return Err(Diagnostic::error(
            loc,
            format!(
                "expected ::mlir::vector::CombiningKind to be one of: {}",
                CombiningKind::keyword_list()
            ),
        ));
    };
    let a = kind.to_attr(p.ctx());
    set_attr(p.ctx(), state, "kind", a);
    p.parse_punct(Punct::Comma, "after the combining kind")?;
    let v = p.parse_operand()?;
    let acc = if p.parse_optional_punct(Punct::Comma) {
        Some(p.parse_operand()?)
    } else {
        None
    };
    if p.parse_optional_keyword("fastmath") {
        p.parse_punct(Punct::Less, "after 'fastmath'")?;
        let loc = p.current_loc();
        let mut words = Vec::new();
        loop {
            let Some(w) = p.peek_keyword() else {
                return Err(p.error("expected a fast-math flag keyword"));
            };
            p.parse_keyword(w)?;
            words.push(w);
            if !p.parse_optional_punct(Punct::Comma) {
                break;
            }
        }
        p.parse_punct(Punct::Greater, "to end the fast-math flags")?;
        let flags =
            FastMathFlags::parse(&words.join(",")).map_err(|m| Diagnostic::error(loc, m))?;
        if flags != FastMathFlags::NONE {
            let a = flags.to_attr(p.ctx());
            set_attr(p.ctx(), state, "fastmath", a);
        }
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let vt = parse_vector_type(p, true)?;
    p.parse_keyword("into")?;
    let rt = p.parse_type()?;
    state.operands = vec![p.resolve_operand(&v, vt)?];
    if let Some(acc) = acc {
        state.operands.push(p.resolve_operand(&acc, rt)?);
    }
    state.result_types = vec![rt];
    Ok(())
}

pub(crate) fn print_reduction(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let r = Reduction::view(ctx, op).ok_or(fmt::Error)?;
    let rt = ctx.value_type(r.result);
    if r.acc.is_some_and(|a| ctx.value_type(a) != rt) || !is_vector(p, ctx.value_type(r.vector)) {
        return Err(fmt::Error);
    }
    p.print_str(" <");
    p.print_str(r.kind.keyword());
    p.print_str(">, ");
    p.print_operand(r.vector);
    if let Some(acc) = r.acc {
        p.print_str(", ");
        p.print_operand(acc);
    }
    if r.fastmath != FastMathFlags::NONE {
        p.print_str(&format!(" fastmath<{}>", r.fastmath.spelling()));
    }
    p.print_attr_dict_except(op, &["kind", "fastmath"]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(r.vector));
    p.print_str(" into ");
    p.print_type(rt);
    Ok(())
}

// ----- extract / insert ---------------------------------------------------------------

/// `[0, %i, 2]`: static positions ([`DYNAMIC`] for each operand) and the
/// operands.
fn parse_position_list(p: &mut OpParser<'_, '_>) -> PResult<(Vec<i64>, Vec<UnresolvedOperand>)> {
    let (mut statics, mut dynamics) = (Vec::new(), Vec::new());
    p.parse_punct(Punct::LSquare, "to start the position list")?;
    if p.parse_optional_punct(Punct::RSquare) {
        return Ok((statics, dynamics));
    }
    loop {
        if let Some(u) = p.parse_optional_operand()? {
            statics.push(DYNAMIC);
            dynamics.push(u);
        } else {
            let loc = p.current_loc();
            let a = p.parse_attribute()?;
            match p.ctx().attr_data(a) {
                AttrData::Integer { value, .. }
                    if i64::try_from(*value).is_ok_and(|v| v != DYNAMIC) =>
                {
                    statics.push(*value as i64)
                }
                _ => {
                    return Err(Diagnostic::error(
                        loc,
                        "expected an integer or an SSA value in the position list",
                    ));
                }
            }
        }
        if !p.parse_optional_punct(Punct::Comma) {
            break;
        }
    }
    p.parse_punct(Punct::RSquare, "to end the position list")?;
    Ok((statics, dynamics))
}

/// Prints `[0, %i, 2]` for a well-formed position.
fn print_position_list(p: &mut OpPrinter<'_>, position: &[IndexValue]) {
    p.print_str("[");
    for (k, item) in position.iter().enumerate() {
        if k > 0 {
            p.print_str(", ");
        }
        match item {
            IndexValue::Static(s) => p.print_str(&s.to_string()),
            IndexValue::Dynamic(d) => p.print_operand(*d),
        }
    }
    p.print_str("]");
}

/// `%v[positions] {attrs} : T from vector<..>`.
pub(crate) fn parse_extract(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let v = p.parse_operand()?;
    let (statics, dynamics) = parse_position_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let rt = p.parse_colon_type()?;
    p.parse_keyword("from")?;
    let vt = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&v, vt)?];
    state.operands.extend(resolve_indices(p, &dynamics)?);
    state.result_types = vec![rt];
    let a = p.ctx().i64_array_attr(&statics);
    set_attr(p.ctx(), state, STATIC_POSITION, a);
    Ok(())
}

pub(crate) fn print_extract(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::Position::view(ctx, op).ok_or(fmt::Error)?;
    if v.source.is_some()
        || !all_index(ctx, &ctx.op(op).operands[1..])
        || !is_vector(p, ctx.value_type(v.vector))
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.vector);
    print_position_list(p, &v.position);
    p.print_attr_dict_except(op, &[STATIC_POSITION]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(v.result));
    p.print_str(" from ");
    p.print_type(ctx.value_type(v.vector));
    Ok(())
}

/// `%s, %v [positions] {attrs} : T into vector<..>`.
pub(crate) fn parse_insert(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let s = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the inserted value")?;
    let v = p.parse_operand()?;
    let (statics, dynamics) = parse_position_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let st = p.parse_colon_type()?;
    p.parse_keyword("into")?;
    let vt = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&s, st)?, p.resolve_operand(&v, vt)?];
    state.operands.extend(resolve_indices(p, &dynamics)?);
    state.result_types = vec![vt];
    let a = p.ctx().i64_array_attr(&statics);
    set_attr(p.ctx(), state, STATIC_POSITION, a);
    Ok(())
}

pub(crate) fn print_insert(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = views::Position::view(ctx, op).ok_or(fmt::Error)?;
    let s = v.source.ok_or(fmt::Error)?;
    let vt = ctx.value_type(v.vector);
    if ctx.value_type(v.result) != vt
        || !all_index(ctx, &ctx.op(op).operands[2..])
        || !is_vector(p, vt)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(s);
    p.print_str(", ");
    p.print_operand(v.vector);
    // MLIR 19 writes a space before the position list of an insert.
    p.print_str(" ");
    print_position_list(p, &v.position);
    p.print_attr_dict_except(op, &[STATIC_POSITION]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(s));
    p.print_str(" into ");
    p.print_type(vt);
    Ok(())
}

// ----- extractelement / insertelement ---------------------------------------------------

/// `[%i : T]` or `[]`: the position operand and its type, if any.
fn parse_element_position(p: &mut OpParser<'_, '_>) -> PResult<Option<(UnresolvedOperand, Type)>> {
    p.parse_punct(Punct::LSquare, "to start the position")?;
    let pos = match p.parse_optional_operand()? {
        Some(u) => {
            let t = p.parse_colon_type()?;
            Some((u, t))
        }
        None => None,
    };
    p.parse_punct(Punct::RSquare, "to end the position")?;
    Ok(pos)
}

fn print_element_position(p: &mut OpPrinter<'_>, pos: Option<Value>) {
    p.print_str("[");
    if let Some(v) = pos {
        p.print_operand(v);
        p.print_str(" : ");
        p.print_type(p.ctx().value_type(v));
    }
    p.print_str("]");
}

/// `%v[%i : index] {attrs} : vector<..>`; the result is the element type.
pub(crate) fn parse_extractelement(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let v = p.parse_operand()?;
    let pos = parse_element_position(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let vt = parse_vector_type(p, true)?;
    let elem = p
        .ctx()
        .elem_of(vt)
        .ok_or_else(|| p.error("expected a vector type"))?;
    state.operands = vec![p.resolve_operand(&v, vt)?];
    if let Some((u, t)) = pos {
        state.operands.push(p.resolve_operand(&u, t)?);
    }
    state.result_types = vec![elem];
    Ok(())
}

pub(crate) fn print_extractelement(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let e = Element::view(ctx, op).ok_or(fmt::Error)?;
    let vt = ctx.value_type(e.vector);
    if e.source.is_some() || vector_parts(ctx, vt).map(|(_, t)| t) != Some(ctx.value_type(e.result))
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(e.vector);
    print_element_position(p, e.position);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(vt);
    Ok(())
}

/// `%s, %v[%i : i32] {attrs} : vector<..>`.
pub(crate) fn parse_insertelement(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let s = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the inserted value")?;
    let v = p.parse_operand()?;
    let pos = parse_element_position(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let vt = parse_vector_type(p, true)?;
    let elem = p
        .ctx()
        .elem_of(vt)
        .ok_or_else(|| p.error("expected a vector type"))?;
    state.operands = vec![p.resolve_operand(&s, elem)?, p.resolve_operand(&v, vt)?];
    if let Some((u, t)) = pos {
        state.operands.push(p.resolve_operand(&u, t)?);
    }
    state.result_types = vec![vt];
    Ok(())
}

pub(crate) fn print_insertelement(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let e = Element::view(ctx, op).ok_or(fmt::Error)?;
    let s = e.source.ok_or(fmt::Error)?;
    let vt = ctx.value_type(e.vector);
    let fits = vector_parts(ctx, vt).map(|(_, t)| t) == Some(ctx.value_type(s))
        && ctx.value_type(e.result) == vt;
    if !fits {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operands(&[s, e.vector]);
    print_element_position(p, e.position);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(vt);
    Ok(())
}

// ----- transfer_read / transfer_write ----------------------------------------------------

/// Whether `name` is among the attributes parsed so far.
fn has_attr(p: &mut OpParser<'_, '_>, state: &OperationState, name: &str) -> bool {
    let sym = p.ctx().symbol(name);
    state.attrs.iter().any(|(n, _)| *n == sym)
}

/// The attribute `name` parsed so far, if any.
fn state_attr(p: &mut OpParser<'_, '_>, state: &OperationState, name: &str) -> Option<Attribute> {
    let sym = p.ctx().symbol(name);
    state.attrs.iter().find(|(n, _)| *n == sym).map(|&(_, a)| a)
}

/// Fills in the defaults of a transfer parsed from its custom form: the
/// minor identity map and all-false `in_bounds`. Returns the mask type
/// the map implies, if the map is a projected permutation.
fn transfer_defaults(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
    source: Type,
    vector: Type,
) -> Option<Type> {
    let rank = shaped_parts(p.ctx(), source).map_or(0, |(s, _)| s.len());
    let (vshape, _) = vector_parts(p.ctx(), vector)?;
    let vshape = vshape.to_vec();
    if !has_attr(p, state, PERMUTATION_MAP) {
        let m = minor_identity_map(rank, vshape.len());
        let a = p.ctx().intern_attr(AttrData::AffineMap(m));
        set_attr(p.ctx(), state, PERMUTATION_MAP, a);
    }
    let map = state_attr(p, state, PERMUTATION_MAP)
        .and_then(|a| p.ctx().attr_data(a).as_affine_map().cloned());
    if !has_attr(p, state, IN_BOUNDS) {
        let n = map.as_ref().map_or(vshape.len(), |m| m.results.len());
        let a = bool_array_attr(p.ctx(), &vec![false; n]);
        set_attr(p.ctx(), state, IN_BOUNDS, a);
    }
    let shape = transfer_mask_shape(&vshape, map.as_ref()?)?;
    let i1 = p.ctx().i1_type();
    Some(p.ctx().vector_type(&shape, i1))
}

/// `%src[%i, ..], %pad[, %mask] {attrs} : memref<..>|tensor<..>, vector<..>`.
pub(crate) fn parse_transfer_read(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let src = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_punct(Punct::Comma, "before the padding value")?;
    let pad = p.parse_operand()?;
    let mask = if p.parse_optional_punct(Punct::Comma) {
        Some(p.parse_operand()?)
    } else {
        None
    };
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the source type")?;
    let loc = p.current_loc();
    let st = p.parse_type()?;
    let Some((_, elem)) = shaped_parts(p.ctx(), st) else {
        return Err(Diagnostic::error(
            loc,
            "requires memref or ranked tensor type",
        ));
    };
    p.parse_punct(Punct::Comma, "after the source type")?;
    let vt = parse_vector_type(p, false)?;
    let mask_ty = transfer_defaults(p, state, st, vt);
    state.operands = vec![p.resolve_operand(&src, st)?];
    state.operands.extend(resolve_indices(p, &indices)?);
    state.operands.push(p.resolve_operand(&pad, elem)?);
    if let Some(m) = &mask {
        let Some(mt) = mask_ty else {
            return Err(p.error("expected a projected permutation map to infer the mask type"));
        };
        state.operands.push(p.resolve_operand(m, mt)?);
    }
    state.result_types = vec![vt];
    let seg = segments_attr(p.ctx(), &[1, indices.len(), 1, usize::from(mask.is_some())]);
    set_attr(p.ctx(), state, SEGMENTS, seg);
    Ok(())
}

/// `%v, %src[%i, ..][, %mask] {attrs} : vector<..>, memref<..>|tensor<..>`.
pub(crate) fn parse_transfer_write(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let v = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the written vector")?;
    let src = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    let mask = if p.parse_optional_punct(Punct::Comma) {
        Some(p.parse_operand()?)
    } else {
        None
    };
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let vt = parse_vector_type(p, true)?;
    p.parse_punct(Punct::Comma, "after the vector type")?;
    let loc = p.current_loc();
    let st = p.parse_type()?;
    if shaped_parts(p.ctx(), st).is_none() {
        return Err(Diagnostic::error(
            loc,
            "requires memref or ranked tensor type",
        ));
    }
    let mask_ty = transfer_defaults(p, state, st, vt);
    state.operands = vec![p.resolve_operand(&v, vt)?, p.resolve_operand(&src, st)?];
    state.operands.extend(resolve_indices(p, &indices)?);
    if let Some(m) = &mask {
        let Some(mt) = mask_ty else {
            return Err(p.error("expected a projected permutation map to infer the mask type"));
        };
        state.operands.push(p.resolve_operand(m, mt)?);
    }
    if matches!(
        p.ctx().type_data(st),
        tessera_compiler::TypeData::Tensor { .. }
    ) {
        state.result_types = vec![st];
    }
    let seg = segments_attr(p.ctx(), &[1, 1, indices.len(), usize::from(mask.is_some())]);
    set_attr(p.ctx(), state, SEGMENTS, seg);
    Ok(())
}

/// The attributes a transfer's custom form leaves out: the segment sizes,
/// and the map and `in_bounds` when they are what the parser fills in.
fn transfer_elided(p: &OpPrinter<'_>, t: &Transfer<'_>, vector: Type) -> Vec<&'static str> {
    let ctx = p.ctx();
    let rank = shaped_parts(ctx, ctx.value_type(t.source)).map_or(0, |(s, _)| s.len());
    let vrank = vector_parts(ctx, vector).map_or(0, |(s, _)| s.len());
    let mut elided = vec![SEGMENTS];
    if is_minor_identity(t.map) && *t.map == minor_identity_map(rank, vrank) {
        elided.push(PERMUTATION_MAP);
    }
    if t.in_bounds.len() == t.map.results.len() && t.in_bounds.iter().all(|&b| !b) {
        elided.push(IN_BOUNDS);
    }
    elided
}

pub(crate) fn print_transfer_read(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let t = Transfer::view(ctx, op).ok_or(fmt::Error)?;
    let (pad, r) = (t.padding.ok_or(fmt::Error)?, t.result.ok_or(fmt::Error)?);
    let (st, rt) = (ctx.value_type(t.source), ctx.value_type(r));
    let elem = shaped_parts(ctx, st).map(|(_, e)| e);
    let printable = all_index(ctx, t.indices)
        && is_vector(p, rt)
        && elem == Some(ctx.value_type(pad))
        && mask_matches(p, &t, rt)
        && ctx.op(op).results.len() == 1;
    if !printable {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(t.source);
    print_index_list(p, t.indices);
    p.print_str(", ");
    p.print_operand(pad);
    if let Some(m) = t.mask {
        p.print_str(", ");
        p.print_operand(m);
    }
    let elided = transfer_elided(p, &t, rt);
    p.print_attr_dict_except(op, &elided);
    p.print_str(" : ");
    p.print_types(&[st, rt]);
    Ok(())
}

/// Whether the mask, if any, has the type the custom form infers.
fn mask_matches(p: &OpPrinter<'_>, t: &Transfer<'_>, vector: Type) -> bool {
    let ctx = p.ctx();
    let Some(m) = t.mask else {
        return true;
    };
    let Some((vshape, _)) = vector_parts(ctx, vector) else {
        return false;
    };
    let Some(shape) = transfer_mask_shape(vshape, t.map) else {
        return false;
    };
    match vector_parts(ctx, ctx.value_type(m)) {
        Some((s, e)) => s == shape.as_slice() && super::attrs::is_i1(ctx, e),
        None => false,
    }
}

pub(crate) fn print_transfer_write(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let t = Transfer::view(ctx, op).ok_or(fmt::Error)?;
    let v = t.vector.ok_or(fmt::Error)?;
    let (st, vt) = (ctx.value_type(t.source), ctx.value_type(v));
    let is_tensor = matches!(ctx.type_data(st), tessera_compiler::TypeData::Tensor { .. });
    let results_fit = match ctx.op(op).results[..] {
        [] => !is_tensor,
        [r] => is_tensor && ctx.value_type(r) == st,
        _ => false,
    };
    let fits = results_fit
        && all_index(ctx, t.indices)
        && is_vector(p, vt)
        && shaped_parts(ctx, st).is_some()
        && mask_matches(p, &t, vt);
    if !fits {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v);
    p.print_str(", ");
    p.print_operand(t.source);
    print_index_list(p, t.indices);
    if let Some(m) = t.mask {
        p.print_str(", ");
        p.print_operand(m);
    }
    let elided = transfer_elided(p, &t, vt);
    p.print_attr_dict_except(op, &elided);
    p.print_str(" : ");
    p.print_types(&[vt, st]);
    Ok(())
}

// ----- transpose ----------------------------------------------------------------------------

/// `%v, [1, 0] {attrs} : vector<..> to vector<..>`.
pub(crate) fn parse_transpose(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let v = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "before the permutation")?;
    let (perm, dynamic) = parse_position_list(p)?;
    if !dynamic.is_empty() {
        return Err(p.error("expected a permutation of integers"));
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let from = parse_vector_type(p, true)?;
    p.parse_keyword("to")?;
    let to = parse_vector_type(p, false)?;
    state.operands = vec![p.resolve_operand(&v, from)?];
    state.result_types = vec![to];
    let a = p.ctx().i64_array_attr(&perm);
    set_attr(p.ctx(), state, PERMUTATION, a);
    Ok(())
}

pub(crate) fn print_transpose(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let (&[v], &[r]) = (&ctx.op(op).operands[..], &ctx.op(op).results[..]) else {
        return Err(fmt::Error);
    };
    let perm = ctx
        .attr_data_of(op, PERMUTATION)
        .and_then(AttrData::as_int_array)
        .ok_or(fmt::Error)?;
    let (vt, rt) = (ctx.value_type(v), ctx.value_type(r));
    if !is_vector(p, vt) || !is_vector(p, rt) || perm.contains(&DYNAMIC) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v);
    p.print_str(", [");
    p.print_str(
        &perm
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    p.print_str("]");
    p.print_attr_dict_except(op, &[PERMUTATION]);
    p.print_str(" : ");
    p.print_type(vt);
    p.print_str(" to ");
    p.print_type(rt);
    Ok(())
}

// ----- masks -------------------------------------------------------------------------------

/// `%a, %b {attrs} : vector<..xi1>`.
pub(crate) fn parse_create_mask(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let operands = p.parse_operand_list()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = parse_vector_type(p, true)?;
    state.operands = resolve_indices(p, &operands)?;
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_create_mask(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let [r] = data.results[..] else {
        return Err(fmt::Error);
    };
    if !all_index(ctx, &data.operands) || !is_vector(p, ctx.value_type(r)) {
        return Err(fmt::Error);
    }
    if !data.operands.is_empty() {
        p.print_str(" ");
        p.print_operands(&data.operands);
    }
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(r));
    Ok(())
}

/// `[2, 3] {attrs} : vector<..xi1>`.
pub(crate) fn parse_constant_mask(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    let loc = p.current_loc();
    let sizes = p.parse_attribute()?;
    if !matches!(p.ctx().attr_data(sizes), AttrData::Array(_)) {
        return Err(Diagnostic::error(
            loc,
            "expected an array of mask dimension sizes",
        ));
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = parse_vector_type(p, true)?;
    set_attr(p.ctx(), state, MASK_DIM_SIZES, sizes);
    state.result_types = vec![ty];
    Ok(())
}

pub(crate) fn print_constant_mask(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let ([], [r]) = (&data.operands[..], &data.results[..]) else {
        return Err(fmt::Error);
    };
    let sizes = ctx.attr(op, MASK_DIM_SIZES).ok_or(fmt::Error)?;
    if !matches!(ctx.attr_data(sizes), AttrData::Array(_)) || !is_vector(p, ctx.value_type(*r)) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_attribute(sizes);
    p.print_attr_dict_except(op, &[MASK_DIM_SIZES]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(*r));
    Ok(())
}

// ----- print ---------------------------------------------------------------------------------

/// `[%v : T] [str "text"] [punctuation <p>] {attrs}`.
pub(crate) fn parse_print(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    if let Some(v) = p.parse_optional_operand()? {
        let t = p.parse_colon_type()?;
        state.operands = vec![p.resolve_operand(&v, t)?];
    }
    let (mut seen_str, mut seen_punct) = (false, false);
    loop {
        if !seen_str && p.parse_optional_keyword("str") {
            seen_str = true;
            let s = p.parse_string()?;
            let a = p.ctx().str_attr(&s);
            set_attr(p.ctx(), state, "stringLiteral", a);
        } else if !seen_punct && p.parse_optional_keyword("punctuation") {
            seen_punct = true;
            let (kw, loc) = parse_angle_keyword(p, "punctuation")?;
            let Some(punct) = Punctuation::from_keyword(kw) else {
                return Err(Diagnostic::error(
                    loc,
                    format!(
                        "expected ::mlir::vector::PrintPunctuation to be one of: {}",
                        Punctuation::keyword_list()
                    ),
                ));
            };
            let a = punct.to_attr(p.ctx());
            set_attr(p.ctx(), state, "punctuation", a);
        } else {
            break;
        }
    }
    p.parse_optional_attr_dict(&mut state.attrs)
}

pub(crate) fn print_print(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = Print::view(ctx, op).ok_or(fmt::Error)?;
    if !ctx.op(op).results.is_empty() {
        return Err(fmt::Error);
    }
    if let Some(s) = v.source {
        p.print_str(" ");
        p.print_operand(s);
        p.print_str(" : ");
        p.print_type(ctx.value_type(s));
    }
    if let Some(s) = v.string {
        p.print_str(" str ");
        p.print_string(s);
    }
    if v.punctuation != Punctuation::NewLine {
        p.print_str(" punctuation <");
        p.print_str(v.punctuation.keyword());
        p.print_str(">");
    }
    p.print_attr_dict_except(op, &["stringLiteral", "punctuation"]);
    Ok(())
}
