//! Type inference for `graph` ops: from operand types and attributes to
//! the result type, checking every rule of `graph-dialect.md` on the way.
//!
//! The verifier compares the declared result type with [`infer`]'s answer;
//! rewrites call [`infer_result_type`] to build new ops with the right type.
//! Three ops take their result shape or element type from the result type
//! itself (`graph.reshape`, `graph.broadcast_to`, `graph.cast`): for those,
//! [`infer`] needs the declared result and only checks it.

use tessera_compiler::{AttrData, Attribute, Context, Type};

use super::attrs::Attrs;
use super::ops::{Family, family_of};
use super::types::{ElemType, TensorType};
use crate::interp::kernels::{BinaryOp, ReduceOp, UnaryOp};

/// The result type of the `graph` op `op_name` applied to operands of
/// `operand_types` with `attrs`, interned; or why there is none (a rule is
/// broken, or the op takes its result type from the caller).
pub fn infer_result_type(
    ctx: &mut Context,
    op_name: &str,
    operand_types: &[Type],
    attrs: &[(&str, Attribute)],
) -> Result<Type, String> {
    let t = infer_tensor_type(ctx, op_name, operand_types, attrs)?;
    Ok(t.to_type(ctx))
}

/// Like [`infer_result_type`], without interning (for a shared context).
pub fn infer_tensor_type(
    ctx: &Context,
    op_name: &str,
    operand_types: &[Type],
    attrs: &[(&str, Attribute)],
) -> Result<TensorType, String> {
    let family = family_of(op_name).ok_or_else(|| format!("'{op_name}' is not a graph op"))?;
    let mut operands = Vec::with_capacity(operand_types.len());
    for (i, &ty) in operand_types.iter().enumerate() {
        operands.push(TensorType::from_type(ctx, ty).map_err(|e| format!("operand {i}: {e}"))?);
    }
    let attrs = Attrs::from_list(ctx, attrs);
    infer(ctx, family, &operands, &attrs, None)
}

/// The number of operands of a family: (min, max); `None` is unbounded.
pub fn arity(family: Family) -> (usize, Option<usize>) {
    let exactly = |n| (n, Some(n));
    match family {
        Family::Constant => exactly(0),
        Family::Unary(_)
        | Family::Cast
        | Family::Reshape
        | Family::Transpose
        | Family::BroadcastTo
        | Family::Slice
        | Family::Pad
        | Family::Reduce(_)
        | Family::Argmax
        | Family::Softmax { .. }
        | Family::Pool(_) => exactly(1),
        Family::Binary(_) | Family::Cmp | Family::Gather | Family::MatMul | Family::Conv2d => {
            exactly(2)
        }
        Family::Select | Family::LayerNorm => exactly(3),
        Family::BatchNorm => exactly(5),
        Family::Concat => (1, None),
    }
}

/// Fails unless `n` operands suit `family`.
pub fn check_arity(family: Family, n: usize) -> Result<(), String> {
    let (min, max) = arity(family);
    if n >= min && max.is_none_or(|m| n <= m) {
        return Ok(());
    }
    let want = match max {
        Some(m) if m == min => format!("{m}"),
        _ => format!("at least {min}"),
    };
    let s = if min == 1 { "" } else { "s" };
    Err(format!("expects {want} operand{s}, but got {n}"))
}

/// Checks the operand count, operand types and attributes of an op of
/// `family` and returns its result type. `declared` is the op's declared
/// result type, needed by the ops that take their result from it.
pub fn infer(
    ctx: &Context,
    family: Family,
    operands: &[TensorType],
    attrs: &Attrs<'_>,
    declared: Option<&TensorType>,
) -> Result<TensorType, String> {
    check_arity(family, operands.len())?;
    let result = match family {
        Family::Unary(op) => unary(op, &operands[0]),
        Family::Binary(op) => binary(op, &operands[0], &operands[1]),
        Family::Cmp => cmp(attrs, &operands[0], &operands[1]),
        Family::Select => select(&operands[0], &operands[1], &operands[2]),
        Family::Cast => cast(&operands[0], needs(declared, "graph.cast")?),
        Family::Constant => constant(ctx, attrs),
        Family::Reshape => reshape(&operands[0], needs(declared, "graph.reshape")?),
        Family::Transpose => transpose(attrs, &operands[0]),
        Family::BroadcastTo => broadcast_to(&operands[0], needs(declared, "graph.broadcast_to")?),
        Family::Concat => concat(attrs, operands),
        Family::Slice => slice(attrs, &operands[0]),
        Family::Pad => pad(attrs, &operands[0]),
        Family::Gather => gather(attrs, &operands[0], &operands[1]),
        Family::Reduce(op) => reduce(op, attrs, &operands[0]),
        Family::Argmax => argmax(attrs, &operands[0]),
        Family::Softmax { .. } => softmax(attrs, &operands[0]),
        Family::MatMul => matmul(&operands[0], &operands[1]),
        Family::Conv2d => conv2d(attrs, &operands[0], &operands[1]),
        Family::Pool(_) => pool2d(attrs, &operands[0]),
        Family::BatchNorm => batch_norm(attrs, operands),
        Family::LayerNorm => layer_norm(attrs, operands),
    }?;
    result
        .check_size()
        .map_err(|e| format!("the result type {e}"))?;
    Ok(result)
}

fn needs<'t>(declared: Option<&'t TensorType>, op: &str) -> Result<&'t TensorType, String> {
    declared.ok_or_else(|| {
        format!("{op} takes its result type from the op; it cannot be inferred from the operands")
    })
}

// ----- helpers ----------------------------------------------------------

/// The broadcast of `shapes` under NumPy's rules, or `None`.
pub fn broadcast_shapes(shapes: &[&[i64]]) -> Option<Vec<i64>> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1i64; rank];
    for s in shapes {
        let off = rank - s.len();
        for (k, &d) in s.iter().enumerate() {
            let slot = &mut out[off + k];
            if d == 1 {
                continue;
            }
            if *slot == 1 {
                *slot = d;
            } else if *slot != d {
                return None;
            }
        }
    }
    Some(out)
}

/// Maps `axis` in `-rank..rank` to `0..rank`, as NumPy does.
pub fn normalize_axis(axis: i64, rank: usize) -> Result<usize, String> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(format!(
            "axis {axis} is out of range for rank {rank} (expected {}..{rank})",
            -r
        ));
    }
    Ok(if axis < 0 {
        (axis + r) as usize
    } else {
        axis as usize
    })
}

fn allowed(t: &TensorType, what: &str, elems: &[ElemType]) -> Result<(), String> {
    if elems.contains(&t.elem) {
        return Ok(());
    }
    let names: Vec<&str> = elems.iter().map(|e| e.name()).collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(format!("{what} must have element type {list}, got {t}"))
}

const FLOATS: &[ElemType] = &[ElemType::F32, ElemType::F64];
const NUMBERS: &[ElemType] = &[ElemType::F32, ElemType::F64, ElemType::I32, ElemType::I64];
const ORDERED: &[ElemType] = &[
    ElemType::F32,
    ElemType::F64,
    ElemType::I1,
    ElemType::I32,
    ElemType::I64,
];

fn same_elem(what: &str, a: &TensorType, b: &TensorType) -> Result<(), String> {
    if a.elem != b.elem {
        return Err(format!(
            "{what} must have the same element type, got {a} and {b}"
        ));
    }
    Ok(())
}

fn rank_at_least(t: &TensorType, what: &str, r: usize) -> Result<(), String> {
    if t.rank() < r {
        return Err(format!("{what} must have rank at least {r}, got {t}"));
    }
    Ok(())
}

fn entries(name: &str, v: &[i64], n: usize, what: &str) -> Result<(), String> {
    if v.len() != n {
        return Err(format!(
            "attribute '{name}' has {} entries, but {what} needs {n}",
            v.len()
        ));
    }
    Ok(())
}

fn fmt_list(v: &[i64]) -> String {
    let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", s.join(", "))
}

// ----- element-wise -----------------------------------------------------

fn unary(op: UnaryOp, a: &TensorType) -> Result<TensorType, String> {
    allowed(
        a,
        "the operand",
        if op.accepts_int() { NUMBERS } else { FLOATS },
    )?;
    Ok(a.clone())
}

fn broadcast_of(types: &[&TensorType], elem: ElemType) -> Result<TensorType, String> {
    let shapes: Vec<&[i64]> = types.iter().map(|t| t.shape.as_slice()).collect();
    match broadcast_shapes(&shapes) {
        Some(shape) => Ok(TensorType::new(shape, elem)),
        None => {
            let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            Err(format!(
                "operand shapes are not broadcast-compatible: {}",
                names.join(", ")
            ))
        }
    }
}

fn binary(op: BinaryOp, a: &TensorType, b: &TensorType) -> Result<TensorType, String> {
    same_elem("both operands", a, b)?;
    let elems = if matches!(op, BinaryOp::Max | BinaryOp::Min) {
        ORDERED
    } else {
        NUMBERS
    };
    allowed(a, "the operands", elems)?;
    broadcast_of(&[a, b], a.elem)
}

/// The comparison predicates of `graph.cmp`.
pub const PREDICATES: [&str; 6] = ["eq", "ne", "lt", "le", "gt", "ge"];

fn cmp(attrs: &Attrs<'_>, a: &TensorType, b: &TensorType) -> Result<TensorType, String> {
    let p = attrs.string("predicate")?;
    if !PREDICATES.contains(&p) {
        return Err(format!(
            "predicate \"{p}\" is not one of \"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\""
        ));
    }
    same_elem("both operands", a, b)?;
    broadcast_of(&[a, b], ElemType::I1)
}

fn select(c: &TensorType, a: &TensorType, b: &TensorType) -> Result<TensorType, String> {
    allowed(c, "the condition", &[ElemType::I1])?;
    same_elem("the two value operands", a, b)?;
    broadcast_of(&[c, a, b], a.elem)
}

fn cast(a: &TensorType, declared: &TensorType) -> Result<TensorType, String> {
    if declared.shape != a.shape {
        return Err(format!(
            "result type {declared} must have the shape of the operand type {a}"
        ));
    }
    Ok(TensorType::new(a.shape.clone(), declared.elem))
}

// ----- constants and shape ops -------------------------------------------

fn constant(ctx: &Context, attrs: &Attrs<'_>) -> Result<TensorType, String> {
    let Some(a) = attrs.get("value") else {
        return Err("requires attribute 'value' (dense elements)".to_string());
    };
    let AttrData::DenseElements(d) = ctx.attr_data(a) else {
        return Err(
            "attribute 'value' must be dense elements such as dense<1.0> : tensor<2xf32>"
                .to_string(),
        );
    };
    let t = TensorType::from_type(ctx, d.ty).map_err(|e| format!("attribute 'value': {e}"))?;
    let width = t.elem.byte_width() as u64;
    let expected = if d.splat {
        width
    } else {
        t.num_elements() * width
    };
    if d.bytes.len() as u64 != expected {
        return Err(format!(
            "attribute 'value' holds {} bytes, but {}{t} needs {expected}",
            d.bytes.len(),
            if d.splat { "a splat of " } else { "" }
        ));
    }
    if t.elem == ElemType::I1 && d.bytes.iter().any(|&b| b > 1) {
        return Err("attribute 'value' holds an i1 element that is neither 0 nor 1".to_string());
    }
    Ok(t)
}

fn reshape(a: &TensorType, declared: &TensorType) -> Result<TensorType, String> {
    same_elem("the operand and the result", a, declared)?;
    if a.num_elements() != declared.num_elements() {
        return Err(format!(
            "cannot reshape {a} ({} elements) to {declared} ({} elements)",
            a.num_elements(),
            declared.num_elements()
        ));
    }
    Ok(declared.clone())
}

fn transpose(attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    let perm = attrs.ints("perm")?;
    let mut seen = vec![false; a.rank()];
    let ok = perm.len() == a.rank()
        && perm.iter().all(|&p| {
            p >= 0 && (p as usize) < a.rank() && !std::mem::replace(&mut seen[p as usize], true)
        });
    if !ok {
        return Err(format!(
            "perm {} is not a permutation of 0..{} (the operand is {a})",
            fmt_list(&perm),
            a.rank()
        ));
    }
    let shape = perm.iter().map(|&p| a.shape[p as usize]).collect();
    Ok(TensorType::new(shape, a.elem))
}

/// Whether `from` broadcasts to `to` as `np.broadcast_to` allows.
pub fn broadcastable_to(from: &[i64], to: &[i64]) -> bool {
    from.len() <= to.len()
        && from
            .iter()
            .zip(&to[to.len() - from.len()..])
            .all(|(&f, &t)| f == t || f == 1)
}

fn broadcast_to(a: &TensorType, declared: &TensorType) -> Result<TensorType, String> {
    same_elem("the operand and the result", a, declared)?;
    if !broadcastable_to(&a.shape, &declared.shape) {
        return Err(format!("cannot broadcast {a} to {declared}"));
    }
    Ok(declared.clone())
}

fn concat(attrs: &Attrs<'_>, operands: &[TensorType]) -> Result<TensorType, String> {
    let first = &operands[0];
    rank_at_least(first, "operand 0", 1)?;
    let axis = normalize_axis(attrs.int("axis")?, first.rank())?;
    let mut shape = first.shape.clone();
    for (i, t) in operands.iter().enumerate().skip(1) {
        same_elem(&format!("operand 0 and operand {i}"), first, t)?;
        let ok = t.rank() == first.rank()
            && (0..t.rank()).all(|k| k == axis || t.shape[k] == first.shape[k]);
        if !ok {
            return Err(format!(
                "operand {i} ({t}) does not match operand 0 ({first}) in the dimensions other than axis {axis}"
            ));
        }
        shape[axis] = shape[axis]
            .checked_add(t.shape[axis])
            .ok_or("the result size overflows")?;
    }
    Ok(TensorType::new(shape, first.elem))
}

fn slice(attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    let starts = attrs.ints("starts")?;
    let limits = attrs.ints("limits")?;
    let strides = attrs.ints_or("strides", &vec![1; a.rank()])?;
    let what = format!("the operand {a}");
    entries("starts", &starts, a.rank(), &what)?;
    entries("limits", &limits, a.rank(), &what)?;
    entries("strides", &strides, a.rank(), &what)?;
    let mut shape = Vec::with_capacity(a.rank());
    for k in 0..a.rank() {
        let (s, l, st, d) = (starts[k], limits[k], strides[k], a.shape[k]);
        if !(0 <= s && s <= l && l <= d) {
            return Err(format!(
                "slice of dimension {k}: start {s} and limit {l} must satisfy 0 <= start <= limit <= {d}"
            ));
        }
        if st < 1 {
            return Err(format!(
                "slice of dimension {k}: stride {st} must be at least 1"
            ));
        }
        shape.push((l - s + st - 1) / st);
    }
    Ok(TensorType::new(shape, a.elem))
}

fn pad(attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    let low = attrs.ints("low")?;
    let high = attrs.ints("high")?;
    attrs.number_or("value", 0.0)?;
    let what = format!("the operand {a}");
    entries("low", &low, a.rank(), &what)?;
    entries("high", &high, a.rank(), &what)?;
    let mut shape = Vec::with_capacity(a.rank());
    for k in 0..a.rank() {
        if low[k] < 0 || high[k] < 0 {
            return Err(format!(
                "padding of dimension {k} must be non-negative, got low {} and high {}",
                low[k], high[k]
            ));
        }
        let d = a.shape[k]
            .checked_add(low[k])
            .and_then(|d| d.checked_add(high[k]))
            .ok_or("the result size overflows")?;
        shape.push(d);
    }
    Ok(TensorType::new(shape, a.elem))
}

fn gather(attrs: &Attrs<'_>, a: &TensorType, idx: &TensorType) -> Result<TensorType, String> {
    rank_at_least(a, "the operand", 1)?;
    allowed(idx, "the indices", &[ElemType::I32, ElemType::I64])?;
    let axis = normalize_axis(attrs.int("axis")?, a.rank())?;
    let mut shape = a.shape[..axis].to_vec();
    shape.extend_from_slice(&idx.shape);
    shape.extend_from_slice(&a.shape[axis + 1..]);
    Ok(TensorType::new(shape, a.elem))
}

// ----- reductions ---------------------------------------------------------

fn reduced_shape(a: &TensorType, axes: &[usize], keepdims: bool) -> Vec<i64> {
    let mut shape = Vec::with_capacity(a.rank());
    for (k, &d) in a.shape.iter().enumerate() {
        if !axes.contains(&k) {
            shape.push(d);
        } else if keepdims {
            shape.push(1);
        }
    }
    shape
}

fn reduce(op: ReduceOp, attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    let elems = match op {
        ReduceOp::Mean => FLOATS,
        ReduceOp::Sum | ReduceOp::Prod => NUMBERS,
        ReduceOp::Max | ReduceOp::Min => ORDERED,
    };
    allowed(a, "the operand", elems)?;
    let axes = attrs.ints("axes")?;
    let keepdims = attrs.bool_or("keepdims", false)?;
    let list = fmt_list(&axes);
    for (i, &ax) in axes.iter().enumerate() {
        if ax < 0 || ax as u64 >= a.rank() as u64 {
            return Err(format!(
                "axis {ax} in axes {list} is out of range: axes must be in 0..{} for {a}",
                a.rank()
            ));
        }
        if i > 0 && axes[i - 1] >= ax {
            return Err(format!("axes {list} must be sorted and unique"));
        }
        if matches!(op, ReduceOp::Max | ReduceOp::Min) && a.shape[ax as usize] == 0 {
            return Err(format!(
                "cannot take the {} over the empty dimension {ax} of {a}",
                if op == ReduceOp::Max {
                    "maximum"
                } else {
                    "minimum"
                }
            ));
        }
    }
    let axes: Vec<usize> = axes.iter().map(|&x| x as usize).collect();
    Ok(TensorType::new(reduced_shape(a, &axes, keepdims), a.elem))
}

fn argmax(attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    rank_at_least(a, "the operand", 1)?;
    let axis = normalize_axis(attrs.int("axis")?, a.rank())?;
    let keepdims = attrs.bool_or("keepdims", false)?;
    if a.shape[axis] == 0 {
        return Err(format!(
            "cannot take the argmax over the empty dimension {axis} of {a}"
        ));
    }
    Ok(TensorType::new(
        reduced_shape(a, &[axis], keepdims),
        ElemType::I64,
    ))
}

fn softmax(attrs: &Attrs<'_>, a: &TensorType) -> Result<TensorType, String> {
    allowed(a, "the operand", FLOATS)?;
    rank_at_least(a, "the operand", 1)?;
    normalize_axis(attrs.int("axis")?, a.rank())?;
    Ok(a.clone())
}

// ----- linear algebra and neural-network ops --------------------------------

fn matmul(a: &TensorType, b: &TensorType) -> Result<TensorType, String> {
    rank_at_least(a, "the left operand", 2)?;
    rank_at_least(b, "the right operand", 2)?;
    same_elem("both operands", a, b)?;
    allowed(a, "the operands", NUMBERS)?;
    let (ra, rb) = (a.rank(), b.rank());
    if a.shape[ra - 1] != b.shape[rb - 2] {
        return Err(format!(
            "contracting dimensions differ: {a} has K = {} but {b} has K = {}",
            a.shape[ra - 1],
            b.shape[rb - 2]
        ));
    }
    let Some(mut shape) = broadcast_shapes(&[&a.shape[..ra - 2], &b.shape[..rb - 2]]) else {
        return Err(format!(
            "batch dimensions {} of {a} and {} of {b} are not broadcast-compatible",
            fmt_list(&a.shape[..ra - 2]),
            fmt_list(&b.shape[..rb - 2])
        ));
    };
    shape.push(a.shape[ra - 2]);
    shape.push(b.shape[rb - 1]);
    Ok(TensorType::new(shape, a.elem))
}

fn positive_pair(
    attrs: &Attrs<'_>,
    name: &str,
    default: Option<[i64; 2]>,
) -> Result<[i64; 2], String> {
    let v = match default {
        Some(d) => attrs.ints_or(name, &d)?,
        None => attrs.ints(name)?,
    };
    entries(name, &v, 2, "a 2-D window")?;
    if let Some(bad) = v.iter().find(|&&x| x < 1) {
        return Err(format!(
            "attribute '{name}' entries must be at least 1, got {bad} in {}",
            fmt_list(&v)
        ));
    }
    Ok([v[0], v[1]])
}

fn padding4(attrs: &Attrs<'_>) -> Result<[i64; 4], String> {
    let v = attrs.ints_or("padding", &[0; 4])?;
    entries("padding", &v, 4, "[top, left, bottom, right]")?;
    if let Some(bad) = v.iter().find(|&&x| x < 0) {
        return Err(format!(
            "attribute 'padding' entries must be non-negative, got {bad} in {}",
            fmt_list(&v)
        ));
    }
    Ok([v[0], v[1], v[2], v[3]])
}

/// One output extent of a window op: `(size + pads - window) / stride + 1`,
/// where `window = dilation * (k - 1) + 1`; an error if the window does not fit.
fn out_extent(
    dim: &str,
    size: i64,
    pads: i64,
    k: i64,
    dil: i64,
    stride: i64,
) -> Result<i64, String> {
    let window = (k - 1)
        .checked_mul(dil)
        .and_then(|w| w.checked_add(1))
        .ok_or("the window size overflows")?;
    let padded = size.checked_add(pads).ok_or("the padded size overflows")?;
    if padded < window {
        return Err(format!(
            "the window {dim} ({window}) is larger than the padded input {dim} ({padded})"
        ));
    }
    Ok((padded - window) / stride + 1)
}

fn conv2d(attrs: &Attrs<'_>, x: &TensorType, w: &TensorType) -> Result<TensorType, String> {
    if x.rank() != 4 {
        return Err(format!("the input must have rank 4 [N, C, H, W], got {x}"));
    }
    if w.rank() != 4 {
        return Err(format!(
            "the weight must have rank 4 [O, C/groups, KH, KW], got {w}"
        ));
    }
    same_elem("the input and the weight", x, w)?;
    allowed(x, "the operands", FLOATS)?;
    let strides = positive_pair(attrs, "strides", Some([1, 1]))?;
    let dil = positive_pair(attrs, "dilations", Some([1, 1]))?;
    let pad = padding4(attrs)?;
    let groups = attrs.int_or("groups", 1)?;
    if groups < 1 {
        return Err(format!("groups must be at least 1, got {groups}"));
    }
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3]);
    if c % groups != 0 || o % groups != 0 {
        return Err(format!(
            "groups = {groups} must divide the input channels ({c}) and the output channels ({o})"
        ));
    }
    if cg != c / groups {
        return Err(format!(
            "the weight {w} has {cg} input channels per group, but the input {x} with groups = {groups} needs {}",
            c / groups
        ));
    }
    if kh < 1 || kw < 1 {
        return Err(format!("the weight {w} has an empty kernel"));
    }
    let oh = out_extent("height", h, pad[0] + pad[2], kh, dil[0], strides[0])?;
    let ow = out_extent("width", wd, pad[1] + pad[3], kw, dil[1], strides[1])?;
    Ok(TensorType::new(vec![n, o, oh, ow], x.elem))
}

fn pool2d(attrs: &Attrs<'_>, x: &TensorType) -> Result<TensorType, String> {
    if x.rank() != 4 {
        return Err(format!("the input must have rank 4 [N, C, H, W], got {x}"));
    }
    allowed(x, "the input", FLOATS)?;
    let kernel = positive_pair(attrs, "kernel", None)?;
    let strides = positive_pair(attrs, "strides", None)?;
    let pad = padding4(attrs)?;
    // A window made only of padding would have no elements to pool.
    for (i, side) in ["top", "left", "bottom", "right"].iter().enumerate() {
        let k = kernel[i % 2];
        if pad[i] >= k {
            return Err(format!(
                "padding {side} ({}) must be smaller than the kernel {} ({k})",
                pad[i],
                if i % 2 == 0 { "height" } else { "width" }
            ));
        }
    }
    let oh = out_extent(
        "height",
        x.shape[2],
        pad[0] + pad[2],
        kernel[0],
        1,
        strides[0],
    )?;
    let ow = out_extent(
        "width",
        x.shape[3],
        pad[1] + pad[3],
        kernel[1],
        1,
        strides[1],
    )?;
    Ok(TensorType::new(
        vec![x.shape[0], x.shape[1], oh, ow],
        x.elem,
    ))
}

fn epsilon(attrs: &Attrs<'_>) -> Result<f64, String> {
    let e = attrs.float("epsilon")?;
    if !(e >= 0.0 && e.is_finite()) {
        return Err(format!("epsilon must be finite and non-negative, got {e}"));
    }
    Ok(e)
}

fn batch_norm(attrs: &Attrs<'_>, ops: &[TensorType]) -> Result<TensorType, String> {
    let x = &ops[0];
    rank_at_least(x, "the input", 2)?;
    allowed(x, "the input", FLOATS)?;
    epsilon(attrs)?;
    let c = x.shape[1];
    for (name, p) in ["scale", "bias", "mean", "var"].iter().zip(&ops[1..]) {
        same_elem(&format!("the input and {name}"), x, p)?;
        if p.shape != [c] {
            return Err(format!(
                "{name} must have shape [{c}] (the channels of the input {x}), got {p}"
            ));
        }
    }
    Ok(x.clone())
}

fn layer_norm(attrs: &Attrs<'_>, ops: &[TensorType]) -> Result<TensorType, String> {
    let x = &ops[0];
    rank_at_least(x, "the input", 1)?;
    allowed(x, "the input", FLOATS)?;
    let axis = normalize_axis(attrs.int("axis")?, x.rank())?;
    epsilon(attrs)?;
    let tail = &x.shape[axis..];
    for (name, p) in ["scale", "bias"].iter().zip(&ops[1..]) {
        same_elem(&format!("the input and {name}"), x, p)?;
        if p.shape != tail {
            return Err(format!(
                "{name} must have shape {} (the dimensions of the input {x} from axis {axis} on), got {p}",
                fmt_list(tail)
            ));
        }
    }
    Ok(x.clone())
}
