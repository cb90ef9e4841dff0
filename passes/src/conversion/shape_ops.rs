//! Shape ops: each is a copy nest whose subscripts do the work. `reshape`
//! reads through the row-major linear index (`floordiv`/`mod` in the map),
//! `transpose` permutes subscripts, `broadcast_to` reads index 0 along
//! stretched dimensions, `concat` is one nest per operand at its offset,
//! `slice` reads at `start + stride * i`, `pad` fills the value and then
//! copies the operand inside, and `gather` reads at a run-time index
//! (`memref.load` after `arith.index_cast`), wrapped when negative and
//! clamped into range.

use tessera_compiler::Value;
use tessera_compiler::affine::AffineExpr;
use tessera_dialects::arith::CmpIPredicate;
use tessera_dialects::interp::kernels::normalize_axis;

use super::emit::{self, Emitter, Kind, kind_of};

/// Copies `src` into `dst` (same shape) element by element.
pub(crate) fn copy(em: &mut Emitter<'_>, src: Value, dst: Value) {
    let shape = emit::shape_of(em.ctx, dst);
    let subs = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let v = em.load(src, &subs, ivs);
        em.store(v, dst, &subs, ivs);
    });
}

fn is_empty(shape: &[i64]) -> bool {
    shape.contains(&0)
}

/// `graph.reshape`: the same elements in row-major order.
pub(crate) fn reshape(em: &mut Emitter<'_>, x: Value, out: Value) {
    let in_shape = emit::shape_of(em.ctx, x);
    let out_shape = emit::shape_of(em.ctx, out);
    if in_shape == out_shape {
        return copy(em, x, out);
    }
    if is_empty(&out_shape) {
        return;
    }
    let os = emit::strides(&out_shape);
    let is = emit::strides(&in_shape);
    let linear = (0..out_shape.len()).fold(AffineExpr::constant(0), |acc, k| {
        acc + AffineExpr::dim(k as u32) * os[k]
    });
    let subs: Vec<AffineExpr> = (0..in_shape.len())
        .map(|k| {
            if in_shape[k] == 1 {
                AffineExpr::constant(0)
            } else if k == 0 {
                linear.clone().floor_div(is[k])
            } else {
                linear.clone().floor_div(is[k]).modulo(in_shape[k])
            }
        })
        .collect();
    let so = emit::dims(out_shape.len());
    em.nest(&out_shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        em.store(v, out, &so, ivs);
    });
}

/// `graph.transpose`: `out[i] = x[i permuted back]`.
pub(crate) fn transpose(
    em: &mut Emitter<'_>,
    x: Value,
    perm: &[i64],
    out: Value,
) -> Result<(), String> {
    let rank = emit::shape_of(em.ctx, x).len();
    if perm.len() != rank {
        return Err(format!("perm {perm:?} does not match rank {rank}"));
    }
    let mut subs = vec![AffineExpr::constant(0); rank];
    for (k, &p) in perm.iter().enumerate() {
        let p = normalize_axis("graph.transpose", p, rank).map_err(|e| e.message)?;
        subs[p] = AffineExpr::dim(k as u32);
    }
    let shape = emit::shape_of(em.ctx, out);
    let so = emit::dims(rank);
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        em.store(v, out, &so, ivs);
    });
    Ok(())
}

/// `graph.broadcast_to`.
pub(crate) fn broadcast_to(em: &mut Emitter<'_>, x: Value, out: Value) {
    let shape = emit::shape_of(em.ctx, out);
    let subs = emit::broadcast_subscripts(&emit::shape_of(em.ctx, x), &shape);
    let so = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        em.store(v, out, &so, ivs);
    });
}

/// `graph.concat` along `axis`: one copy nest per operand, each storing at
/// its offset along the axis.
pub(crate) fn concat(
    em: &mut Emitter<'_>,
    ins: &[Value],
    axis: i64,
    out: Value,
) -> Result<(), String> {
    let rank = emit::shape_of(em.ctx, out).len();
    let axis = normalize_axis("graph.concat", axis, rank).map_err(|e| e.message)?;
    let mut offset = 0;
    for &x in ins {
        let shape = emit::shape_of(em.ctx, x);
        let subs = emit::dims(rank);
        let mut so = emit::dims(rank);
        so[axis] = AffineExpr::dim(axis as u32) + offset;
        em.nest(&shape, |em, ivs| {
            let v = em.load(x, &subs, ivs);
            em.store(v, out, &so, ivs);
        });
        offset += shape[axis];
    }
    Ok(())
}

/// Python's slice start for a dimension of size `n` (negative counts from
/// the end, clamped to `0..=n`), as the interpreter computes it.
fn slice_start(n: i64, start: i64) -> i64 {
    if start < 0 {
        (start + n).max(0)
    } else {
        start.min(n)
    }
}

/// `graph.slice`: `out[i] = x[start + stride * i]` per dimension.
pub(crate) fn slice(
    em: &mut Emitter<'_>,
    x: Value,
    starts: &[i64],
    limits: &[i64],
    strides: &[i64],
    out: Value,
) -> Result<(), String> {
    let in_shape = emit::shape_of(em.ctx, x);
    let rank = in_shape.len();
    if starts.len() != rank || limits.len() != rank || strides.len() != rank {
        return Err(format!(
            "starts, limits and strides must have {rank} entries"
        ));
    }
    if strides.iter().any(|&s| s < 1) {
        return Err(format!("strides {strides:?} must be >= 1"));
    }
    let subs: Vec<AffineExpr> = (0..rank)
        .map(|k| AffineExpr::dim(k as u32) * strides[k] + slice_start(in_shape[k], starts[k]))
        .collect();
    let shape = emit::shape_of(em.ctx, out);
    let so = emit::dims(rank);
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        em.store(v, out, &so, ivs);
    });
    Ok(())
}

/// `graph.pad`: fills `out` with `value` (converted to the element type
/// as `graph.cast` would), then copies `x` at offset `low`.
pub(crate) fn pad(
    em: &mut Emitter<'_>,
    x: Value,
    low: &[i64],
    value: f64,
    out: Value,
) -> Result<(), String> {
    let rank = emit::shape_of(em.ctx, x).len();
    if low.len() != rank || low.iter().any(|&l| l < 0) {
        return Err(format!("low {low:?} must have {rank} non-negative entries"));
    }
    let elem = emit::elem_of(em.ctx, out);
    let shape = emit::shape_of(em.ctx, out);
    let so = emit::dims(rank);
    em.nest(&shape, |em, ivs| {
        let c = match kind_of(em.ctx, elem) {
            Some(Kind::Float) => em.float(elem, value),
            Some(Kind::Bool) => em.int(elem, i64::from(value != 0.0)),
            // `as` truncates toward zero and saturates, as the interpreter.
            _ if emit::bit_width(em.ctx, elem) == 32 => em.int(elem, i64::from(value as i32)),
            _ => em.int(elem, value as i64),
        };
        em.store(c, out, &so, ivs);
    });
    let in_shape = emit::shape_of(em.ctx, x);
    let subs = emit::dims(rank);
    let shifted: Vec<AffineExpr> = (0..rank)
        .map(|k| AffineExpr::dim(k as u32) + low[k])
        .collect();
    em.nest(&in_shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        em.store(v, out, &shifted, ivs);
    });
    Ok(())
}

/// `graph.gather`: `np.take(x, indices, axis)`. The index is read at run
/// time; a negative one counts from the end; one still out of range is
/// clamped into `0..size` (the interpreter reports it as an error; compiled
/// code has no way to raise one yet, and must never read out of bounds).
pub(crate) fn gather(
    em: &mut Emitter<'_>,
    x: Value,
    indices: Value,
    axis: i64,
    out: Value,
) -> Result<(), String> {
    let in_shape = emit::shape_of(em.ctx, x);
    let axis = normalize_axis("graph.gather", axis, in_shape.len()).map_err(|e| e.message)?;
    if kind_of(em.ctx, emit::elem_of(em.ctx, indices)) != Some(Kind::Int) {
        return Err("indices must be i32 or i64".into());
    }
    let size = in_shape[axis];
    let out_shape = emit::shape_of(em.ctx, out);
    if size == 0 && !is_empty(&out_shape) {
        return Err(format!("gather from an empty axis {axis}"));
    }
    let idx_rank = emit::shape_of(em.ctx, indices).len();
    let idx_subs: Vec<AffineExpr> = (axis..axis + idx_rank)
        .map(|k| AffineExpr::dim(k as u32))
        .collect();
    let so = emit::dims(out_shape.len());
    em.nest(&out_shape, |em, ivs| {
        let raw = em.load(indices, &idx_subs, ivs);
        let i = em.index_cast(raw);
        let zero = em.index(0);
        let n = em.index(size);
        let last = em.index(size - 1);
        let neg = em.cmpi(CmpIPredicate::Slt, i, zero);
        let wrapped = em.bin("arith.addi", i, n);
        let i = em.select(neg, wrapped, i);
        let i = em.bin("arith.minsi", i, last);
        let i = em.bin("arith.maxsi", i, zero);
        let mut subs: Vec<Value> = ivs[..axis].to_vec();
        subs.push(i);
        subs.extend_from_slice(&ivs[axis + idx_rank..]);
        let v = em.load_dynamic(x, &subs);
        em.store(v, out, &so, ivs);
    });
    Ok(())
}
