//! Reductions. `reduce_*` accumulate in the output buffer: one nest fills
//! it with the identity, one nest over the operand combines each element
//! into its output position (a reduced dimension maps to nothing, or to
//! index 0 with `keepdims`), and `reduce_mean` divides in a third. `argmax`,
//! `softmax` and `log_softmax` carry their running values in `iter_args`
//! of an inner loop along the axis, inside a nest over the other
//! dimensions. Everything accumulates in the element type.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::{Type, Value};
use tessera_dialects::arith::{CmpFPredicate, CmpIPredicate};
use tessera_dialects::interp::kernels::{ReduceOp, normalize_axis};

use super::emit::{self, Emitter, Kind, kind_of};

/// The combining op and identity of a reduction over elements of `kind`.
fn combiner(op: ReduceOp, kind: Kind) -> Result<(&'static str, f64), String> {
    let inf = f64::INFINITY;
    Ok(match (kind, op) {
        (Kind::Float, ReduceOp::Sum | ReduceOp::Mean) => ("arith.addf", 0.0),
        (Kind::Float, ReduceOp::Prod) => ("arith.mulf", 1.0),
        (Kind::Float, ReduceOp::Max) => ("arith.maximumf", -inf),
        (Kind::Float, ReduceOp::Min) => ("arith.minimumf", inf),
        (Kind::Int, ReduceOp::Sum) => ("arith.addi", 0.0),
        (Kind::Int, ReduceOp::Prod) => ("arith.muli", 1.0),
        // The integer identities are set in `identity`.
        (Kind::Int, ReduceOp::Max) => ("arith.maxsi", -inf),
        (Kind::Int, ReduceOp::Min) => ("arith.minsi", inf),
        (Kind::Bool, ReduceOp::Max) => ("arith.ori", 0.0),
        (Kind::Bool, ReduceOp::Min) => ("arith.andi", 1.0),
        _ => return Err(format!("'{}' of this element type", op.op_name())),
    })
}

/// The identity `v` as a constant of `ty` (±inf for integers: the extremes).
fn identity(em: &mut Emitter<'_>, ty: Type, kind: Kind, v: f64) -> Value {
    if kind != Kind::Int || v.is_finite() {
        return em.number(ty, v);
    }
    let w = emit::bit_width(em.ctx, ty);
    let max = if w >= 64 {
        i64::MAX
    } else {
        (1i64 << (w - 1)) - 1
    };
    em.int(ty, if v > 0.0 { max } else { -max - 1 })
}

/// `graph.reduce_*` over `axes`; `keepdims` is read off the result rank.
pub(crate) fn reduce(
    em: &mut Emitter<'_>,
    op: ReduceOp,
    x: Value,
    axes: &[i64],
    out: Value,
) -> Result<(), String> {
    let ty = emit::elem_of(em.ctx, x);
    let kind = kind_of(em.ctx, ty).ok_or("unsupported element type")?;
    let (name, id) = combiner(op, kind)?;
    let in_shape = emit::shape_of(em.ctx, x);
    let out_shape = emit::shape_of(em.ctx, out);
    let rank = in_shape.len();
    if axes.iter().any(|&a| a < 0 || a as usize >= rank) {
        return Err(format!("axes {axes:?} out of range for rank {rank}"));
    }
    let keepdims = out_shape.len() == rank;
    let reduced = |k: usize| axes.contains(&(k as i64));
    let so = emit::dims(out_shape.len());
    em.nest(&out_shape, |em, ivs| {
        let c = identity(em, ty, kind, id);
        em.store(c, out, &so, ivs);
    });
    let proj: Vec<AffineExpr> = (0..rank)
        .filter_map(|k| match (reduced(k), keepdims) {
            (false, _) => Some(AffineExpr::dim(k as u32)),
            (true, true) => Some(AffineExpr::constant(0)),
            (true, false) => None,
        })
        .collect();
    let si = emit::dims(rank);
    em.nest(&in_shape, |em, ivs| {
        let acc = em.load(out, &proj, ivs);
        let v = em.load(x, &si, ivs);
        let r = em.bin(name, acc, v);
        em.store(r, out, &proj, ivs);
    });
    if op == ReduceOp::Mean {
        let count: i64 = (0..rank)
            .filter(|&k| reduced(k))
            .map(|k| in_shape[k])
            .product();
        em.nest(&out_shape, |em, ivs| {
            let s = em.load(out, &so, ivs);
            let n = em.float(ty, count as f64);
            let m = em.bin("arith.divf", s, n);
            em.store(m, out, &so, ivs);
        });
    }
    Ok(())
}

/// The dimensions of `shape` other than `axis`, and the subscripts (over
/// those loop indices, then the axis index as the last one) of an element.
fn lanes(shape: &[i64], axis: usize) -> (Vec<i64>, Vec<AffineExpr>) {
    let outer: Vec<i64> = (0..shape.len())
        .filter(|&k| k != axis)
        .map(|k| shape[k])
        .collect();
    let n = outer.len() as u32;
    let mut subs: Vec<AffineExpr> = (0..n).map(AffineExpr::dim).collect();
    subs.insert(axis, AffineExpr::dim(n));
    (outer, subs)
}

/// `ivs` with `k` appended.
fn with(ivs: &[Value], k: Value) -> Vec<Value> {
    let mut v = ivs.to_vec();
    v.push(k);
    v
}

/// `graph.argmax` along `axis`: the first index of the largest element,
/// or of the first NaN, as an `i64`.
pub(crate) fn argmax(em: &mut Emitter<'_>, x: Value, axis: i64, out: Value) -> Result<(), String> {
    let ty = emit::elem_of(em.ctx, x);
    let kind = kind_of(em.ctx, ty).ok_or("unsupported element type")?;
    let in_shape = emit::shape_of(em.ctx, x);
    let axis = normalize_axis("graph.argmax", axis, in_shape.len()).map_err(|e| e.message)?;
    let out_shape = emit::shape_of(em.ctx, out);
    let n = in_shape[axis];
    let (outer, subs) = lanes(&in_shape, axis);
    if outer.contains(&0) {
        return Ok(());
    }
    if n == 0 {
        return Err("argmax of an empty axis".into());
    }
    let keepdims = out_shape.len() == in_shape.len();
    let mut so = emit::dims(outer.len());
    if keepdims {
        so.insert(axis, AffineExpr::constant(0));
    }
    let first: Vec<AffineExpr> = subs
        .iter()
        .map(|e| e.replace_dims_and_symbols(&zero_last(outer.len()), &[]))
        .collect();
    let i64t = em.ctx.i64_type();
    em.nest(&outer, |em, ivs| {
        let v0 = em.load(x, &first, ivs);
        let i0 = em.int(i64t, 0);
        let r = em.nest_iter(&[1], &[n], &[v0, i0], |em, k, c| {
            let all = with(ivs, k[0]);
            let v = em.load(x, &subs, &all);
            let take = match kind {
                Kind::Float => {
                    // Nothing beats a NaN; a NaN beats everything else.
                    let not_nan = em.cmpf(CmpFPredicate::Ord, c[0], c[0]);
                    let above = em.cmpf(CmpFPredicate::Ugt, v, c[0]);
                    em.bin("arith.andi", not_nan, above)
                }
                Kind::Int => em.cmpi(CmpIPredicate::Sgt, v, c[0]),
                Kind::Bool => em.cmpi(CmpIPredicate::Ugt, v, c[0]),
            };
            let best = em.select(take, v, c[0]);
            let ki = em.conv("arith.index_cast", k[0], i64t);
            let bi = em.select(take, ki, c[1]);
            vec![best, bi]
        });
        em.store(r[1], out, &so, ivs);
    });
    Ok(())
}

/// Substitutions `d0 -> d0, .., d{n-1} -> d{n-1}, dn -> 0`.
fn zero_last(n: usize) -> Vec<AffineExpr> {
    let mut v = emit::dims(n);
    v.push(AffineExpr::constant(0));
    v
}

/// `graph.softmax` / `graph.log_softmax` along `axis`, max-subtracted: per
/// lane, the max, then the sum of `exp(x - max)`, then `exp(x - max) / sum`
/// (or `x - max - log(sum)`).
pub(crate) fn softmax(
    em: &mut Emitter<'_>,
    x: Value,
    axis: i64,
    log: bool,
    out: Value,
) -> Result<(), String> {
    let ty = emit::elem_of(em.ctx, x);
    if kind_of(em.ctx, ty) != Some(Kind::Float) {
        return Err("the operand must be a float tensor".into());
    }
    let shape = emit::shape_of(em.ctx, x);
    let axis = normalize_axis("graph.softmax", axis, shape.len()).map_err(|e| e.message)?;
    let n = shape[axis];
    let (outer, subs) = lanes(&shape, axis);
    if outer.contains(&0) || n == 0 {
        return Ok(());
    }
    em.nest(&outer, |em, ivs| {
        let ninf = em.float(ty, f64::NEG_INFINITY);
        let max = em.nest_iter(&[], &[n], &[ninf], |em, k, c| {
            let v = em.load(x, &subs, &with(ivs, k[0]));
            vec![em.bin("arith.maximumf", c[0], v)]
        })[0];
        let zero = em.float(ty, 0.0);
        let sum = em.nest_iter(&[], &[n], &[zero], |em, k, c| {
            let v = em.load(x, &subs, &with(ivs, k[0]));
            let d = em.bin("arith.subf", v, max);
            let e = em.un("math.exp", d);
            vec![em.bin("arith.addf", c[0], e)]
        })[0];
        let log_sum = log.then(|| em.un("math.log", sum));
        em.for_range(0, n, |em, k| {
            let all = with(ivs, k);
            let v = em.load(x, &subs, &all);
            let d = em.bin("arith.subf", v, max);
            let r = match log_sum {
                Some(ls) => em.bin("arith.subf", d, ls),
                None => {
                    let e = em.un("math.exp", d);
                    em.bin("arith.divf", e, sum)
                }
            };
            em.store(r, out, &subs, &all);
        });
    });
    Ok(())
}
