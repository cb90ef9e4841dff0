//! The verifiers of the `vector` ops, after MLIR 19's: messages name the
//! op and say which rule broke, in MLIR's words where it has them.
//!
//! Two rules are stricter than MLIR 19's, because MLIR accepts IR there
//! that has no meaning to give it: `vector.insert` of a vector needs the
//! source shape to be the trailing dimensions of the destination, and a
//! transfer needs the vector's element type to be the source's.

use tessera_compiler::affine::AffineMap;
use tessera_compiler::syntax::{attr_str, type_str};
use tessera_compiler::{AttrData, Context, DYNAMIC, Diagnostic, OpId, Type, TypeData, Value};

use super::attrs::{CombiningKind, Punctuation, is_i1};
use super::views::{
    IN_BOUNDS, MASK_DIM_SIZES, PERMUTATION, PERMUTATION_MAP, STATIC_POSITION, bool_array,
    shaped_parts, transfer_dims, transfer_mask_shape, vector_parts,
};
use crate::arith::FastMathFlags;
use crate::memref::{memref_parts, op_error, segments};

type VResult = Result<(), Diagnostic>;

/// The shape and element type of `v`, which must be a vector; `what` is
/// `operand #0` or `result #0`, as MLIR's type-constraint messages say.
fn vector_of<'c>(
    ctx: &'c Context,
    op: OpId,
    v: Value,
    what: &str,
) -> Result<(&'c [i64], Type), Diagnostic> {
    let t = ctx.value_type(v);
    vector_parts(ctx, t).ok_or_else(|| {
        op_error(
            ctx,
            op,
            format!(
                "{what} must be vector of any type values, but got '{}'",
                type_str(ctx, t)
            ),
        )
    })
}

/// Checks that every value in `values` is an `index`; they are operand
/// group `#group`, as MLIR numbers groups.
fn index_group(ctx: &Context, op: OpId, values: &[Value], group: usize) -> VResult {
    for &v in values {
        let t = ctx.value_type(v);
        if !matches!(ctx.type_data(t), TypeData::Index) {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "operand #{group} must be variadic of index, but got '{}'",
                    type_str(ctx, t)
                ),
            ));
        }
    }
    Ok(())
}

/// Whether `ty` is an integer, `index` or float (what vectors hold).
fn is_scalar(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(ty),
        TypeData::Integer { .. } | TypeData::Index | TypeData::Float(_)
    )
}

/// `expects N operands and M results` for a wrong count.
fn counts(ctx: &Context, op: OpId, operands: &[usize], results: usize) -> VResult {
    let d = ctx.op(op);
    if !operands.contains(&d.operands.len()) || d.results.len() != results {
        let want = operands
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" or ");
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects {want} operands and {results} results, but got {} and {}",
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

/// The memref operand of a load or store: its shape and element type.
fn memref_of(
    ctx: &Context,
    op: OpId,
    v: Value,
    group: usize,
) -> Result<(&[i64], Type), Diagnostic> {
    let t = ctx.value_type(v);
    memref_parts(ctx, t)
        .map(|m| (m.shape, m.elem))
        .ok_or_else(|| {
            op_error(
                ctx,
                op,
                format!(
                    "operand #{group} must be memref of any type values, but got '{}'",
                    type_str(ctx, t)
                ),
            )
        })
}

/// Checks the element type of a memref against that of the vector loaded
/// or stored; `what` names the vector (`result`, `valueToStore`).
fn check_base_elem(
    ctx: &Context,
    op: OpId,
    mem_elem: Type,
    vector: Type,
    what: &str,
    msg: &str,
) -> VResult {
    let Some((_, elem)) = vector_parts(ctx, vector) else {
        return Ok(());
    };
    let mem_elem = if vector_parts(ctx, mem_elem).is_some() {
        if mem_elem != vector {
            return Err(op_error(
                ctx,
                op,
                format!("base memref and {what} vector types should match"),
            ));
        }
        vector_parts(ctx, mem_elem).map_or(mem_elem, |(_, e)| e)
    } else {
        mem_elem
    };
    if mem_elem != elem {
        return Err(op_error(ctx, op, msg));
    }
    Ok(())
}

/// `nontemporal`, if present, must be a bool.
fn check_nontemporal(ctx: &Context, op: OpId) -> VResult {
    match ctx.attr_data_of(op, "nontemporal") {
        None | Some(AttrData::Bool(_)) => Ok(()),
        Some(_) => Err(op_error(
            ctx,
            op,
            "attribute 'nontemporal' failed to satisfy constraint: bool attribute",
        )),
    }
}

fn check_index_count(ctx: &Context, op: OpId, rank: usize, indices: &[Value]) -> VResult {
    if indices.len() != rank {
        return Err(op_error(ctx, op, format!("requires {rank} indices")));
    }
    Ok(())
}

// ----- load / store -------------------------------------------------------------------

pub(crate) fn verify_load(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let (Some((&base, indices)), [result]) = (data.operands.split_first(), &data.results[..])
    else {
        return Err(op_error(
            ctx,
            op,
            "expects a memref operand, indices and one result",
        ));
    };
    let (shape, elem) = memref_of(ctx, op, base, 0)?;
    index_group(ctx, op, indices, 1)?;
    vector_of(ctx, op, *result, "result #0")?;
    let rt = ctx.value_type(*result);
    check_base_elem(
        ctx,
        op,
        elem,
        rt,
        "result",
        "base and result element types should match",
    )?;
    check_index_count(ctx, op, shape.len(), indices)?;
    check_nontemporal(ctx, op)
}

pub(crate) fn verify_store(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let ([value, base, indices @ ..], []) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(
            ctx,
            op,
            "expects a vector, a memref operand and indices, and no results",
        ));
    };
    vector_of(ctx, op, *value, "operand #0")?;
    let (shape, elem) = memref_of(ctx, op, *base, 1)?;
    index_group(ctx, op, indices, 2)?;
    let vt = ctx.value_type(*value);
    check_base_elem(
        ctx,
        op,
        elem,
        vt,
        "valueToStore",
        "base and valueToStore element type should match",
    )?;
    check_index_count(ctx, op, shape.len(), indices)?;
    check_nontemporal(ctx, op)
}

// ----- maskedload / maskedstore ----------------------------------------------------------

/// The mask of a masked access: a 1-D vector of `i1`; returns its size.
fn mask_1d(ctx: &Context, op: OpId, mask: Value, group: usize) -> Result<i64, Diagnostic> {
    let t = ctx.value_type(mask);
    match vector_parts(ctx, t) {
        Some(([n], e)) if is_i1(ctx, e) => Ok(*n),
        _ => Err(op_error(
            ctx,
            op,
            format!(
                "operand #{group} must be vector of 1-bit signless integer values of ranks 1, \
                 but got '{}'",
                type_str(ctx, t)
            ),
        )),
    }
}

/// A 1-D vector: its size; `what` is `operand #3` or `result #0`.
fn vector_1d(ctx: &Context, op: OpId, v: Value, what: &str) -> Result<i64, Diagnostic> {
    let t = ctx.value_type(v);
    match vector_parts(ctx, t) {
        Some(([n], _)) => Ok(*n),
        _ => Err(op_error(
            ctx,
            op,
            format!(
                "{what} must be vector of any type values of ranks 1, but got '{}'",
                type_str(ctx, t)
            ),
        )),
    }
}

pub(crate) fn verify_maskedload(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let ([base, indices @ .., mask, pass], [result]) = (&data.operands[..], &data.results[..])
    else {
        return Err(op_error(
            ctx,
            op,
            "expects a memref, indices, a mask and a pass-through vector, and one result",
        ));
    };
    let (shape, elem) = memref_of(ctx, op, *base, 0)?;
    index_group(ctx, op, indices, 1)?;
    let m = mask_1d(ctx, op, *mask, 2)?;
    vector_1d(ctx, op, *pass, "operand #3")?;
    let n = vector_1d(ctx, op, *result, "result #0")?;
    let rt = ctx.value_type(*result);
    check_base_elem(
        ctx,
        op,
        elem,
        rt,
        "result",
        "base and result element type should match",
    )?;
    check_index_count(ctx, op, shape.len(), indices)?;
    if n != m {
        return Err(op_error(ctx, op, "expected result dim to match mask dim"));
    }
    if ctx.value_type(*pass) != rt {
        return Err(op_error(
            ctx,
            op,
            "expected pass_thru of same type as result type",
        ));
    }
    Ok(())
}

pub(crate) fn verify_maskedstore(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let ([base, indices @ .., mask, value], []) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(
            ctx,
            op,
            "expects a memref, indices, a mask and a vector, and no results",
        ));
    };
    let (shape, elem) = memref_of(ctx, op, *base, 0)?;
    index_group(ctx, op, indices, 1)?;
    let m = mask_1d(ctx, op, *mask, 2)?;
    let n = vector_1d(ctx, op, *value, "operand #3")?;
    let vt = ctx.value_type(*value);
    check_base_elem(
        ctx,
        op,
        elem,
        vt,
        "valueToStore",
        "base and valueToStore element type should match",
    )?;
    check_index_count(ctx, op, shape.len(), indices)?;
    if n != m {
        return Err(op_error(
            ctx,
            op,
            "expected valueToStore dim to match mask dim",
        ));
    }
    Ok(())
}

// ----- broadcast / splat / fma / shape_cast ------------------------------------------------

pub(crate) fn verify_broadcast(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[1], 1)?;
    let data = ctx.op(op);
    let (dst, elem) = vector_of(ctx, op, data.results[0], "result #0")?;
    let st = ctx.value_type(data.operands[0]);
    let (src, src_elem): (&[i64], Type) = vector_parts(ctx, st).unwrap_or((&[], st));
    if src_elem != elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that source operand and result have same element type",
        ));
    }
    if src.len() > dst.len() {
        return Err(op_error(
            ctx,
            op,
            "source rank higher than destination rank",
        ));
    }
    let lead = dst.len() - src.len();
    for (i, &s) in src.iter().enumerate() {
        let d = dst[lead + i];
        if s != 1 && s != d {
            return Err(op_error(
                ctx,
                op,
                format!("dimension mismatch ({s} vs. {d})"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn verify_splat(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[1], 1)?;
    let data = ctx.op(op);
    let st = ctx.value_type(data.operands[0]);
    if !is_scalar(ctx, st) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand #0 must be integer/index/float type, but got '{}'",
                type_str(ctx, st)
            ),
        ));
    }
    let (_, elem) = vector_of(ctx, op, data.results[0], "result #0")?;
    if elem != st {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that operand type matches element type of result",
        ));
    }
    Ok(())
}

pub(crate) fn verify_fma(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[3], 1)?;
    let data = ctx.op(op);
    let all: Vec<(String, Value)> = data
        .operands
        .iter()
        .enumerate()
        .map(|(i, &v)| (format!("operand #{i}"), v))
        .chain([("result #0".to_string(), data.results[0])])
        .collect();
    for (what, v) in &all {
        let t = ctx.value_type(*v);
        if !vector_parts(ctx, t).is_some_and(|(_, e)| ctx.is_float(e)) {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "{what} must be vector of floating-point values, but got '{}'",
                    type_str(ctx, t)
                ),
            ));
        }
    }
    let rt = ctx.value_type(data.results[0]);
    if data.operands.iter().any(|&v| ctx.value_type(v) != rt) {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {lhs, rhs, acc, result} have same type",
        ));
    }
    Ok(())
}

/// Whether `long` (the higher rank) can be regrouped into `short`: each
/// dimension of `short` is the product of a run of consecutive dimensions
/// of `long`, with size-1 dimensions absorbed anywhere (MLIR's rule for a
/// rank-changing `vector.shape_cast`).
fn is_collapse(long: &[i64], short: &[i64]) -> bool {
    let long: Vec<i64> = long.iter().copied().filter(|&d| d != 1).collect();
    let short: Vec<i64> = short.iter().copied().filter(|&d| d != 1).collect();
    let mut i = 0;
    for &s in &short {
        let mut product = 1i64;
        while product < s && i < long.len() {
            product = product.saturating_mul(long[i]);
            i += 1;
        }
        if product != s {
            return false;
        }
    }
    i == long.len()
}

pub(crate) fn verify_shape_cast(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[1], 1)?;
    let data = ctx.op(op);
    let (src, se) = vector_of(ctx, op, data.operands[0], "operand #0")?;
    let (dst, de) = vector_of(ctx, op, data.results[0], "result #0")?;
    if se != de {
        return Err(op_error(
            ctx,
            op,
            "source/result vectors must have same element type",
        ));
    }
    let count = |s: &[i64]| s.iter().try_fold(1i64, |a, &d| a.checked_mul(d));
    if count(src) != count(dst) {
        return Err(op_error(
            ctx,
            op,
            "source/result number of elements must match",
        ));
    }
    let ok = match src.len().cmp(&dst.len()) {
        std::cmp::Ordering::Equal => true,
        std::cmp::Ordering::Greater => is_collapse(src, dst),
        std::cmp::Ordering::Less => is_collapse(dst, src),
    };
    if !ok {
        return Err(op_error(ctx, op, "invalid shape cast"));
    }
    Ok(())
}

// ----- reduction ------------------------------------------------------------------------------

pub(crate) fn verify_reduction(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    if data.operands.len() > 2 {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand group starting at #1 requires 0 or 1 element, but found {}",
                data.operands.len() - 1
            ),
        ));
    }
    counts(ctx, op, &[1, 2], 1)?;
    let (shape, elem) = vector_of(ctx, op, data.operands[0], "operand #0")?;
    let Some(kind_attr) = ctx.attr(op, "kind") else {
        return Err(op_error(ctx, op, "requires attribute 'kind'"));
    };
    let Some(kind) = CombiningKind::from_attr(ctx, kind_attr) else {
        return Err(op_error(
            ctx,
            op,
            "attribute 'kind' failed to satisfy constraint: Kind of combining function for \
             contractions and reductions",
        ));
    };
    if ctx
        .attr(op, "fastmath")
        .is_some_and(|a| FastMathFlags::from_attr(ctx, a).is_none())
    {
        return Err(op_error(
            ctx,
            op,
            "attribute 'fastmath' failed to satisfy constraint: Floating point fast math flags",
        ));
    }
    let rt = ctx.value_type(data.results[0]);
    if rt != elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that source operand and result have same element type",
        ));
    }
    if let Some(&acc) = data.operands.get(1)
        && ctx.value_type(acc) != rt
    {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that dest and acc have the same type",
        ));
    }
    if shape.len() > 1 {
        return Err(op_error(
            ctx,
            op,
            format!("unsupported reduction rank: {}", shape.len()),
        ));
    }
    if !kind.supports(ctx, elem) {
        // MLIR quotes the type twice ('' f32 ''); we keep its words.
        return Err(op_error(
            ctx,
            op,
            format!(
                "unsupported reduction type ''{}'' for kind '{}'",
                type_str(ctx, elem),
                kind.keyword()
            ),
        ));
    }
    Ok(())
}

// ----- extract / insert --------------------------------------------------------------------------

/// Checks the static and dynamic positions of an extract or insert into a
/// vector of `shape`; `dest` says "dest vector" instead of "vector".
fn check_position(
    ctx: &Context,
    op: OpId,
    shape: &[i64],
    dynamic: &[Value],
    group: usize,
    dest: bool,
) -> Result<usize, Diagnostic> {
    let Some(statics) = ctx.attr_data_of(op, STATIC_POSITION) else {
        return Err(op_error(
            ctx,
            op,
            format!("requires attribute '{STATIC_POSITION}'"),
        ));
    };
    let Some(statics) = statics.as_int_array() else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "attribute '{STATIC_POSITION}' failed to satisfy constraint: i64 dense array \
                 attribute"
            ),
        ));
    };
    index_group(ctx, op, dynamic, group)?;
    if statics.iter().filter(|&&s| s == DYNAMIC).count() != dynamic.len() {
        return Err(op_error(
            ctx,
            op,
            "mismatch between dynamic and static positions (kDynamic marker but no \
             corresponding dynamic position) -- this can only happen due to an incorrect \
             fold/rewrite",
        ));
    }
    let what = if dest { "dest vector" } else { "vector" };
    if statics.len() > shape.len() {
        return Err(op_error(
            ctx,
            op,
            format!("expected position attribute of rank no greater than {what} rank"),
        ));
    }
    for (i, (&p, &d)) in statics.iter().zip(shape).enumerate() {
        if p != DYNAMIC && !(0..d).contains(&p) {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "expected position attribute #{} to be a non-negative integer smaller than \
                     the corresponding {what} dimension",
                    i + 1
                ),
            ));
        }
    }
    Ok(statics.len())
}

pub(crate) fn verify_extract(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let (Some((&vector, dynamic)), [result]) = (data.operands.split_first(), &data.results[..])
    else {
        return Err(op_error(ctx, op, "expects a vector operand and one result"));
    };
    let (shape, elem) = vector_of(ctx, op, vector, "operand #0")?;
    let n = check_position(ctx, op, shape, dynamic, 1, false)?;
    let rt = ctx.value_type(*result);
    let inferred_ok = if n == shape.len() {
        rt == elem
    } else {
        vector_parts(ctx, rt).is_some_and(|(s, e)| s == &shape[n..] && e == elem)
    };
    if !inferred_ok {
        let mut inferred = String::new();
        if n == shape.len() {
            inferred = type_str(ctx, elem);
        } else {
            inferred.push_str("vector<");
            for d in &shape[n..] {
                inferred.push_str(&format!("{d}x"));
            }
            inferred.push_str(&type_str(ctx, elem));
            inferred.push('>');
        }
        return Err(op_error(
            ctx,
            op,
            format!(
                "inferred type(s) '{inferred}' are incompatible with return type(s) of \
                 operation '{}'",
                type_str(ctx, rt)
            ),
        ));
    }
    Ok(())
}

pub(crate) fn verify_insert(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    let ([source, dest, dynamic @ ..], [result]) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(
            ctx,
            op,
            "expects a source and a destination vector operand and one result",
        ));
    };
    let (shape, elem) = vector_of(ctx, op, *dest, "operand #1")?;
    if ctx.value_type(*result) != ctx.value_type(*dest) {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {dest, result} have same type",
        ));
    }
    let st = ctx.value_type(*source);
    let (src_shape, src_elem): (&[i64], Type) = vector_parts(ctx, st).unwrap_or((&[], st));
    if src_elem != elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that source operand and result have same element type",
        ));
    }
    let n = check_position(ctx, op, shape, dynamic, 2, true)?;
    let is_vector = vector_parts(ctx, st).is_some();
    if n + src_shape.len() != shape.len() {
        let msg = if is_vector {
            "expected position attribute rank + source rank to match dest vector rank"
        } else {
            "expected position attribute rank to match the dest vector rank"
        };
        return Err(op_error(ctx, op, msg));
    }
    if src_shape != &shape[n..] {
        return Err(op_error(
            ctx,
            op,
            "expected source vector shape to match the trailing dest vector dimensions",
        ));
    }
    Ok(())
}

// ----- extractelement / insertelement -------------------------------------------------------------

/// The rank rules of a 0-D or 1-D element access.
fn check_element_position(
    ctx: &Context,
    op: OpId,
    shape: &[i64],
    position: Option<Value>,
    group: usize,
) -> VResult {
    if let Some(p) = position {
        let t = ctx.value_type(p);
        let ok = matches!(
            ctx.type_data(t),
            TypeData::Index
                | TypeData::Integer {
                    signedness: tessera_compiler::Signedness::Signless,
                    ..
                }
        );
        if !ok {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "operand #{group} must be signless integer or index, but got '{}'",
                    type_str(ctx, t)
                ),
            ));
        }
    }
    match (shape.len(), position) {
        (0, Some(_)) => Err(op_error(
            ctx,
            op,
            "expected position to be empty with 0-D vector",
        )),
        (1, None) => Err(op_error(ctx, op, "expected position for 1-D vector")),
        (0 | 1, _) => Ok(()),
        _ => Err(op_error(ctx, op, "unexpected >1 vector rank")),
    }
}

pub(crate) fn verify_extractelement(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[1, 2], 1)?;
    let data = ctx.op(op);
    let (shape, elem) = vector_of(ctx, op, data.operands[0], "operand #0")?;
    if ctx.value_type(data.results[0]) != elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that result type matches element type of vector operand",
        ));
    }
    check_element_position(ctx, op, shape, data.operands.get(1).copied(), 1)
}

pub(crate) fn verify_insertelement(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[2, 3], 1)?;
    let data = ctx.op(op);
    let (shape, elem) = vector_of(ctx, op, data.operands[1], "operand #1")?;
    if ctx.value_type(data.operands[0]) != elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that source operand type matches element type of result",
        ));
    }
    if ctx.value_type(data.results[0]) != ctx.value_type(data.operands[1]) {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {dest, result} have same type",
        ));
    }
    check_element_position(ctx, op, shape, data.operands.get(2).copied(), 2)
}

// ----- transfer_read / transfer_write -----------------------------------------------------------

/// The checks shared by both transfers (MLIR's `verifyTransferOp` and
/// `verifyPermutationMap`).
fn verify_transfer(
    ctx: &Context,
    op: OpId,
    source: Value,
    indices: &[Value],
    vector: Type,
    mask: Option<Value>,
    is_read: bool,
) -> VResult {
    let st = ctx.value_type(source);
    let Some((src_shape, src_elem)) = shaped_parts(ctx, st) else {
        return Err(op_error(
            ctx,
            op,
            "requires source to be a memref or ranked tensor type",
        ));
    };
    let Some((vshape, velem)) = vector_parts(ctx, vector) else {
        return Err(op_error(ctx, op, "requires vector type"));
    };
    let map: &AffineMap = match ctx.attr_data_of(op, PERMUTATION_MAP) {
        None => {
            return Err(op_error(
                ctx,
                op,
                format!("requires attribute '{PERMUTATION_MAP}'"),
            ));
        }
        Some(AttrData::AffineMap(m)) => m,
        Some(_) => {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "attribute '{PERMUTATION_MAP}' failed to satisfy constraint: AffineMap attribute"
                ),
            ));
        }
    };
    let Some(in_bounds_attr) = ctx.attr(op, IN_BOUNDS) else {
        return Err(op_error(
            ctx,
            op,
            format!("requires attribute '{IN_BOUNDS}'"),
        ));
    };
    let Some(in_bounds) = bool_array(ctx, in_bounds_attr) else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "attribute '{IN_BOUNDS}' failed to satisfy constraint: 1-bit boolean array attribute"
            ),
        ));
    };
    check_index_count(ctx, op, src_shape.len(), indices)?;
    if vector_parts(ctx, src_elem).is_some() {
        return Err(op_error(
            ctx,
            op,
            "requires a source of scalars (memrefs and tensors of vectors are not supported)",
        ));
    }
    if src_elem != velem {
        return Err(op_error(
            ctx,
            op,
            format!(
                "requires the vector element type '{}' to be the source element type '{}'",
                type_str(ctx, velem),
                type_str(ctx, src_elem)
            ),
        ));
    }
    if map.num_dims as usize != src_shape.len() {
        return Err(op_error(
            ctx,
            op,
            "requires a permutation_map with input dims of the same rank as the source type",
        ));
    }
    if map.results.len() != vshape.len() {
        return Err(op_error(
            ctx,
            op,
            "requires a permutation_map with result dims of the same rank as the vector type",
        ));
    }
    if map.num_symbols != 0 {
        return Err(op_error(
            ctx,
            op,
            "requires permutation_map without symbols",
        ));
    }
    if in_bounds.len() != map.results.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the in_bounds attr of same rank as permutation_map results: {} vs \
                 inBounds of size: {}",
                attr_str(ctx, ctx.attr(op, PERMUTATION_MAP).expect("checked above")),
                in_bounds.len()
            ),
        ));
    }
    let constants = map
        .results
        .iter()
        .zip(&in_bounds)
        .filter(|(e, _)| e.as_constant().is_some());
    for (_, &ib) in constants {
        if !is_read {
            return Err(op_error(ctx, op, "should not have broadcast dimensions"));
        }
        if !ib {
            return Err(op_error(
                ctx,
                op,
                "requires broadcast dimensions to be in-bounds",
            ));
        }
    }
    let projected = transfer_dims(map).is_some()
        && map
            .results
            .iter()
            .all(|e| e.as_constant().is_none_or(|c| c == 0));
    if !projected {
        return Err(op_error(
            ctx,
            op,
            "requires a projected permutation_map (at most one dim or the zero constant can \
             appear in each result)",
        ));
    }
    let Some(mask_shape) = transfer_mask_shape(vshape, map) else {
        return Err(op_error(
            ctx,
            op,
            "requires a permutation_map that is a permutation (found one dim used more than once)",
        ));
    };
    if let Some(m) = mask {
        let mt = ctx.value_type(m);
        let ok = vector_parts(ctx, mt).is_some_and(|(s, e)| s == mask_shape && is_i1(ctx, e));
        if !ok {
            let mut inferred = String::from("vector<");
            for d in &mask_shape {
                inferred.push_str(&format!("{d}x"));
            }
            inferred.push_str("i1>");
            return Err(op_error(
                ctx,
                op,
                format!(
                    "inferred mask type ('{inferred}') and mask operand type ('{}') don't match",
                    type_str(ctx, mt)
                ),
            ));
        }
    }
    Ok(())
}

pub(crate) fn verify_transfer_read(ctx: &Context, op: OpId) -> VResult {
    let g = segments(ctx, op, 4)?;
    let data = ctx.op(op);
    if g[0] != 1 || g[2] != 1 || g[3] > 1 {
        return Err(op_error(
            ctx,
            op,
            "expects one source, one padding value and at most one mask",
        ));
    }
    let [result] = data.results[..] else {
        return Err(op_error(ctx, op, "expects one result"));
    };
    let source = data.operands[0];
    let indices = &data.operands[1..1 + g[1]];
    let padding = data.operands[1 + g[1]];
    let mask = data.operands.get(2 + g[1]).copied();
    index_group(ctx, op, indices, 1)?;
    vector_of(ctx, op, result, "result #0")?;
    verify_transfer(ctx, op, source, indices, ctx.value_type(result), mask, true)?;
    let elem = shaped_parts(ctx, ctx.value_type(source)).map(|(_, e)| e);
    if elem != Some(ctx.value_type(padding)) {
        return Err(op_error(
            ctx,
            op,
            "requires formal padding and source of the same elemental type",
        ));
    }
    Ok(())
}

pub(crate) fn verify_transfer_write(ctx: &Context, op: OpId) -> VResult {
    let g = segments(ctx, op, 4)?;
    let data = ctx.op(op);
    if g[0] != 1 || g[1] != 1 || g[3] > 1 {
        return Err(op_error(
            ctx,
            op,
            "expects one vector, one source and at most one mask",
        ));
    }
    let vector = data.operands[0];
    let source = data.operands[1];
    let indices = &data.operands[2..2 + g[2]];
    let mask = data.operands.get(2 + g[2]).copied();
    let vt = vector_of(ctx, op, vector, "operand #0").map(|_| ctx.value_type(vector))?;
    index_group(ctx, op, indices, 2)?;
    let st = ctx.value_type(source);
    let tensors = usize::from(matches!(ctx.type_data(st), TypeData::Tensor { .. }));
    if data.results.len() != tensors {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expected the number of tensor results ({}) to be equal to the number of output \
                 tensors ({tensors})",
                data.results.len()
            ),
        ));
    }
    if let Some(&r) = data.results.first()
        && ctx.value_type(r) != st
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expected type of operand #1 ('{}') to match type of corresponding result ('{}')",
                type_str(ctx, st),
                type_str(ctx, ctx.value_type(r))
            ),
        ));
    }
    verify_transfer(ctx, op, source, indices, vt, mask, false)
}

// ----- transpose -------------------------------------------------------------------------------

pub(crate) fn verify_transpose(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[1], 1)?;
    let data = ctx.op(op);
    let (src, se) = vector_of(ctx, op, data.operands[0], "operand #0")?;
    let (dst, de) = vector_of(ctx, op, data.results[0], "result #0")?;
    if se != de {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that operand and result have same element type",
        ));
    }
    let Some(perm) = ctx
        .attr_data_of(op, PERMUTATION)
        .and_then(AttrData::as_int_array)
    else {
        return Err(op_error(
            ctx,
            op,
            format!("requires i64 dense array attribute '{PERMUTATION}'"),
        ));
    };
    if dst.len() != src.len() {
        return Err(op_error(
            ctx,
            op,
            format!("vector result rank mismatch: {}", dst.len()),
        ));
    }
    if perm.len() != src.len() {
        return Err(op_error(
            ctx,
            op,
            format!("transposition length mismatch: {}", perm.len()),
        ));
    }
    let mut seen = vec![false; src.len()];
    for (i, &p) in perm.iter().enumerate() {
        let Some(slot) = usize::try_from(p).ok().and_then(|p| seen.get_mut(p)) else {
            return Err(op_error(
                ctx,
                op,
                format!("transposition index out of range: {p}"),
            ));
        };
        if *slot {
            return Err(op_error(ctx, op, format!("duplicate position index: {p}")));
        }
        *slot = true;
        if dst[i] != src[p as usize] {
            return Err(op_error(
                ctx,
                op,
                format!("dimension size mismatch at: {i}"),
            ));
        }
    }
    Ok(())
}

// ----- masks ---------------------------------------------------------------------------------------

/// The result of a mask op: a vector of `i1`; returns its shape.
fn mask_result(ctx: &Context, op: OpId) -> Result<&[i64], Diagnostic> {
    let r = ctx.op(op).results[0];
    let t = ctx.value_type(r);
    match vector_parts(ctx, t) {
        Some((shape, e)) if is_i1(ctx, e) => Ok(shape),
        _ => Err(op_error(
            ctx,
            op,
            format!(
                "result #0 must be vector of 1-bit signless integer values, but got '{}'",
                type_str(ctx, t)
            ),
        )),
    }
}

pub(crate) fn verify_create_mask(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    if data.results.len() != 1 {
        return Err(op_error(ctx, op, "expects one result"));
    }
    index_group(ctx, op, &data.operands, 0)?;
    let shape = mask_result(ctx, op)?;
    if shape.is_empty() {
        if data.operands.len() != 1 {
            return Err(op_error(
                ctx,
                op,
                "must specify exactly one operand for 0-D create_mask",
            ));
        }
    } else if data.operands.len() != shape.len() {
        return Err(op_error(
            ctx,
            op,
            "must specify an operand for each result vector dimension",
        ));
    }
    Ok(())
}

pub(crate) fn verify_constant_mask(ctx: &Context, op: OpId) -> VResult {
    counts(ctx, op, &[0], 1)?;
    let shape = mask_result(ctx, op)?;
    let sizes: Option<Vec<i64>> = match ctx.attr_data_of(op, MASK_DIM_SIZES) {
        None => {
            return Err(op_error(
                ctx,
                op,
                format!("requires attribute '{MASK_DIM_SIZES}'"),
            ));
        }
        Some(AttrData::Array(items)) => items
            .iter()
            .map(|&a| {
                ctx.attr_data(a)
                    .as_int()
                    .and_then(|v| i64::try_from(v).ok())
            })
            .collect(),
        Some(_) => None,
    };
    let Some(sizes) = sizes else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "attribute '{MASK_DIM_SIZES}' failed to satisfy constraint: 64-bit integer array \
                 attribute"
            ),
        ));
    };
    if shape.is_empty() {
        if sizes.len() != 1 {
            return Err(op_error(
                ctx,
                op,
                "array attr must have length 1 for 0-D vectors",
            ));
        }
        if sizes[0] != 0 && sizes[0] != 1 {
            return Err(op_error(
                ctx,
                op,
                "mask dim size must be either 0 or 1 for 0-D vectors",
            ));
        }
        return Ok(());
    }
    if sizes.len() != shape.len() {
        return Err(op_error(
            ctx,
            op,
            "must specify array attr of size equal vector result rank",
        ));
    }
    if sizes.iter().zip(shape).any(|(&s, &d)| s < 0 || s > d) {
        return Err(op_error(
            ctx,
            op,
            "array attr of size out of bounds of vector result dimension size",
        ));
    }
    if sizes.contains(&0) && sizes.iter().any(|&s| s != 0) {
        return Err(op_error(
            ctx,
            op,
            "expected all mask dim sizes to be zeros, as a result of conjunction with zero mask \
             dim",
        ));
    }
    Ok(())
}

// ----- print -----------------------------------------------------------------------------------------

pub(crate) fn verify_print(ctx: &Context, op: OpId) -> VResult {
    let data = ctx.op(op);
    if data.operands.len() > 1 {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand group starting at #0 requires 0 or 1 element, but found {}",
                data.operands.len()
            ),
        ));
    }
    counts(ctx, op, &[0, 1], 0)?;
    if let Some(&v) = data.operands.first() {
        let t = ctx.value_type(v);
        let elem = vector_parts(ctx, t).map_or(t, |(_, e)| e);
        if !is_scalar(ctx, elem) {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "operand #0 must be an integer, index or float, or a vector of them, but got \
                     '{}'",
                    type_str(ctx, t)
                ),
            ));
        }
    }
    let punctuation = match ctx.attr(op, "punctuation") {
        None => Punctuation::NewLine,
        Some(a) => Punctuation::from_attr(ctx, a).ok_or_else(|| {
            op_error(
                ctx,
                op,
                "attribute 'punctuation' failed to satisfy constraint: Punctuation for separating \
                 vectors or vector elements",
            )
        })?,
    };
    match ctx.attr_data_of(op, "stringLiteral") {
        None => {}
        Some(AttrData::String(_))
            if !data.operands.is_empty() || punctuation != Punctuation::NewLine =>
        {
            return Err(op_error(
                ctx,
                op,
                "failed to verify that `source` or `punctuation` are not set when printing \
                 strings",
            ));
        }
        Some(AttrData::String(_)) => {}
        Some(_) => {
            return Err(op_error(
                ctx,
                op,
                "attribute 'stringLiteral' failed to satisfy constraint: An Attribute containing \
                 a string",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_collapse;

    #[test]
    fn shape_cast_collapses_runs_of_dimensions() {
        assert!(is_collapse(&[4, 6, 2], &[4, 12]));
        assert!(is_collapse(&[4, 6, 2], &[48]));
        assert!(!is_collapse(&[4, 6, 2], &[8, 6]));
        assert!(is_collapse(&[1, 1], &[]));
        assert!(is_collapse(&[2, 1, 4], &[8]));
        assert!(is_collapse(&[1, 8, 1], &[1, 8]));
    }
}
