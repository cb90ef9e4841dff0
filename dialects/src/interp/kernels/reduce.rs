//! Reductions: `graph.reduce_{sum,max,min,mean,prod}`, `graph.argmax`,
//! `graph.softmax` and `graph.log_softmax`.

use ndarray::{ArrayD, Axis, IxDyn};

use super::elementwise::Int;
use super::{KernelError, Result, float_operand, float_result, normalize_axis};
use crate::interp::value::{Element, Tensor, vec_to_array};

/// The reduction ops that take `axes` and `keepdims`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Sum (0 over no elements); integers wrap.
    Sum,
    /// Maximum (NaN propagates; `any` on `i1`). Fails over no elements.
    Max,
    /// Minimum (NaN propagates; `all` on `i1`). Fails over no elements.
    Min,
    /// Arithmetic mean; floats only (NaN over no elements, as NumPy).
    Mean,
    /// Product (1 over no elements); integers wrap.
    Prod,
}

impl ReduceOp {
    /// Every reduction.
    pub const ALL: [ReduceOp; 5] = [
        ReduceOp::Sum,
        ReduceOp::Max,
        ReduceOp::Min,
        ReduceOp::Mean,
        ReduceOp::Prod,
    ];

    /// The op name without the `graph.` prefix, e.g. `"reduce_sum"`.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "reduce_sum",
            ReduceOp::Max => "reduce_max",
            ReduceOp::Min => "reduce_min",
            ReduceOp::Mean => "reduce_mean",
            ReduceOp::Prod => "reduce_prod",
        }
    }

    /// The full op name, e.g. `"graph.reduce_sum"`.
    pub fn op_name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "graph.reduce_sum",
            ReduceOp::Max => "graph.reduce_max",
            ReduceOp::Min => "graph.reduce_min",
            ReduceOp::Mean => "graph.reduce_mean",
            ReduceOp::Prod => "graph.reduce_prod",
        }
    }

    /// Parses an op name without the `graph.` prefix.
    pub fn from_name(name: &str) -> Option<ReduceOp> {
        ReduceOp::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// Checks `axes` (non-negative, strictly increasing, below the rank) and
/// returns them as `usize`.
fn checked_axes(op: &'static str, rank: usize, axes: &[i64]) -> Result<Vec<usize>> {
    let mut prev: Option<i64> = None;
    for &a in axes {
        if a < 0 || a as u64 >= rank as u64 {
            return Err(KernelError::new(
                op,
                format!("axis {a} in axes {axes:?} is out of range for rank {rank}"),
            ));
        }
        if prev.is_some_and(|p| p >= a) {
            return Err(KernelError::new(
                op,
                format!("axes {axes:?} must be sorted and unique"),
            ));
        }
        prev = Some(a);
    }
    Ok(axes.iter().map(|&a| a as usize).collect())
}

fn out_shape(shape: &[usize], axes: &[usize], keepdims: bool) -> Vec<usize> {
    let mut out = Vec::with_capacity(shape.len());
    for (k, &d) in shape.iter().enumerate() {
        if !axes.contains(&k) {
            out.push(d);
        } else if keepdims {
            out.push(1);
        }
    }
    out
}

/// The result shape of a reduction over `axes` (see [`reduce`]).
pub fn reduce_shape(shape: &[usize], axes: &[i64], keepdims: bool) -> Result<Vec<usize>> {
    let axes = checked_axes("graph.reduce", shape.len(), axes)?;
    Ok(out_shape(shape, &axes, keepdims))
}

/// The elements of `x` with the `axes` moved last, row-major, plus the
/// number of rows and the row length: each row is one reduction's input.
fn rows<T: Copy>(x: &ArrayD<T>, axes: &[usize]) -> (Vec<T>, usize, usize) {
    let rank = x.ndim();
    let mut perm: Vec<usize> = (0..rank).filter(|k| !axes.contains(k)).collect();
    perm.extend_from_slice(axes);
    let inner: usize = axes.iter().map(|&k| x.shape()[k]).product();
    let outer: usize = (0..rank)
        .filter(|k| !axes.contains(k))
        .map(|k| x.shape()[k])
        .product();
    let data = x
        .view()
        .permuted_axes(IxDyn(&perm))
        .iter()
        .copied()
        .collect();
    (data, outer, inner)
}

/// Applies `f` to each row of `rows(x, axes)`.
fn map_rows<T: Copy, R>(
    x: &ArrayD<T>,
    axes: &[usize],
    out_shape: &[usize],
    mut f: impl FnMut(&[T]) -> Result<R>,
) -> Result<ArrayD<R>> {
    let (data, outer, inner) = rows(x, axes);
    let mut out = Vec::with_capacity(outer);
    for r in 0..outer {
        out.push(f(&data[r * inner..(r + 1) * inner])?);
    }
    vec_to_array(out_shape, out)
}

fn empty_error(op: ReduceOp) -> KernelError {
    KernelError::new(op.op_name(), "reduction over zero elements has no identity")
}

/// A reduction over `axes` (non-negative, sorted, unique), keeping them as
/// size-1 dimensions when `keepdims`. Floats accumulate in `f64`; `i32` and
/// `i64` support sum, max, min and prod (wrapping); `i1` supports max (any)
/// and min (all). An empty `axes` reduces nothing (the operand is returned).
pub fn reduce(op: ReduceOp, a: &Tensor, axes: &[i64], keepdims: bool) -> Result<Tensor> {
    let name = op.op_name();
    let axes = checked_axes(name, a.shape().len(), axes)?;
    let shape = out_shape(a.shape(), &axes, keepdims);
    fn int_reduce<T: Int + Element>(
        op: ReduceOp,
        x: &ArrayD<T>,
        axes: &[usize],
        shape: &[usize],
    ) -> Result<Tensor> {
        let r = map_rows(x, axes, shape, |row| match op {
            ReduceOp::Sum => Ok(row.iter().fold(T::ZERO, |acc, &v| acc.wadd(v))),
            ReduceOp::Prod => Ok(row.iter().fold(T::ONE, |acc, &v| acc.wmul(v))),
            ReduceOp::Max => row.iter().copied().max().ok_or_else(|| empty_error(op)),
            ReduceOp::Min => row.iter().copied().min().ok_or_else(|| empty_error(op)),
            ReduceOp::Mean => Err(KernelError::new(
                op.op_name(),
                "operand must have a float element type",
            )),
        })?;
        Ok(T::wrap(r))
    }
    match a {
        Tensor::I32(x) => int_reduce(op, x, &axes, &shape),
        Tensor::I64(x) => int_reduce(op, x, &axes, &shape),
        Tensor::I1(x) => {
            let r = map_rows(x, &axes, &shape, |row| {
                if row.is_empty() {
                    return Err(empty_error(op));
                }
                match op {
                    ReduceOp::Max => Ok(row.iter().any(|&b| b)),
                    ReduceOp::Min => Ok(row.iter().all(|&b| b)),
                    _ => Err(KernelError::new(
                        name,
                        "operand must not be i1 (only max and min reduce booleans)",
                    )),
                }
            })?;
            Ok(Tensor::I1(r))
        }
        Tensor::F32(_) | Tensor::F64(_) => {
            let x = float_operand(name, "operand", a)?;
            let r = map_rows(&x, &axes, &shape, |row| match op {
                ReduceOp::Sum => Ok(row.iter().sum()),
                ReduceOp::Prod => Ok(row.iter().product()),
                ReduceOp::Mean => Ok(row.iter().sum::<f64>() / row.len() as f64),
                ReduceOp::Max | ReduceOp::Min => {
                    let mut it = row.iter().copied();
                    let first = it.next().ok_or_else(|| empty_error(op))?;
                    Ok(it.fold(first, |acc, v| {
                        if acc.is_nan() || v.is_nan() {
                            f64::NAN
                        } else if op == ReduceOp::Max {
                            acc.max(v)
                        } else {
                            acc.min(v)
                        }
                    }))
                }
            })?;
            Ok(float_result(a.elem_type(), r))
        }
    }
}

/// `graph.argmax`: the index of the largest element along `axis` as an
/// `i64` tensor; the first index on ties, and the first NaN if any (as
/// NumPy). `axis` may be negative. Fails if the axis is empty.
pub fn argmax(a: &Tensor, axis: i64, keepdims: bool) -> Result<Tensor> {
    const OP: &str = "graph.argmax";
    let axis = normalize_axis(OP, axis, a.shape().len())?;
    let shape = out_shape(a.shape(), &[axis], keepdims);
    fn go<T: Copy + PartialOrd>(
        x: &ArrayD<T>,
        axis: usize,
        shape: &[usize],
    ) -> Result<ArrayD<i64>> {
        map_rows(x, &[axis], shape, |row| {
            let Some(&first) = row.first() else {
                return Err(KernelError::new(OP, "argmax of an empty axis"));
            };
            #[allow(clippy::eq_op)] // v != v is the generic NaN test
            let is_nan = |v: T| v != v;
            let (mut best, mut best_i) = (first, 0usize);
            for (i, &v) in row.iter().enumerate().skip(1) {
                if is_nan(best) {
                    break;
                }
                if is_nan(v) || v > best {
                    best = v;
                    best_i = i;
                }
            }
            Ok(best_i as i64)
        })
    }
    let r = match a {
        Tensor::F32(x) => go(x, axis, &shape)?,
        Tensor::F64(x) => go(x, axis, &shape)?,
        Tensor::I1(x) => go(x, axis, &shape)?,
        Tensor::I32(x) => go(x, axis, &shape)?,
        Tensor::I64(x) => go(x, axis, &shape)?,
    };
    Ok(Tensor::I64(r))
}

/// Shared body of softmax and log-softmax: the max-subtracted, stable form.
fn softmax_impl(op: &'static str, a: &Tensor, axis: i64, log: bool) -> Result<Tensor> {
    let mut x = float_operand(op, "operand", a)?;
    let axis = normalize_axis(op, axis, x.ndim())?;
    for mut lane in x.lanes_mut(Axis(axis)) {
        let max = lane.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        lane.mapv_inplace(|v| v - max);
        let sum: f64 = lane.iter().map(|v| v.exp()).sum();
        if log {
            let ls = sum.ln();
            lane.mapv_inplace(|v| v - ls);
        } else {
            lane.mapv_inplace(|v| v.exp() / sum);
        }
    }
    Ok(float_result(a.elem_type(), x))
}

/// `graph.softmax` along `axis` (may be negative): `exp(x - max) / sum`.
pub fn softmax(a: &Tensor, axis: i64) -> Result<Tensor> {
    softmax_impl("graph.softmax", a, axis, false)
}

/// `graph.log_softmax` along `axis` (may be negative):
/// `x - max - log(sum(exp(x - max)))`.
pub fn log_softmax(a: &Tensor, axis: i64) -> Result<Tensor> {
    softmax_impl("graph.log_softmax", a, axis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    fn f64s(shape: &[usize], v: &[f64]) -> Tensor {
        Tensor::from_f64s(ElemType::F64, shape, v).unwrap()
    }

    #[test]
    fn sums_over_axes() {
        let a = f64s(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            reduce(ReduceOp::Sum, &a, &[0], false).unwrap(),
            f64s(&[3], &[5.0, 7.0, 9.0])
        );
        assert_eq!(
            reduce(ReduceOp::Sum, &a, &[1], true).unwrap(),
            f64s(&[2, 1], &[6.0, 15.0])
        );
        assert_eq!(
            reduce(ReduceOp::Max, &a, &[0, 1], false).unwrap(),
            f64s(&[], &[6.0])
        );
        assert_eq!(reduce(ReduceOp::Mean, &a, &[], false).unwrap(), a);
        assert!(reduce(ReduceOp::Sum, &a, &[1, 0], false).is_err());
        assert!(reduce(ReduceOp::Sum, &a, &[2], false).is_err());
        assert!(reduce(ReduceOp::Sum, &a, &[-1], false).is_err());
    }

    #[test]
    fn empty_reductions() {
        let e = f64s(&[2, 0], &[]);
        assert_eq!(
            reduce(ReduceOp::Sum, &e, &[1], false).unwrap(),
            f64s(&[2], &[0.0, 0.0])
        );
        assert_eq!(
            reduce(ReduceOp::Prod, &e, &[1], false).unwrap(),
            f64s(&[2], &[1.0, 1.0])
        );
        assert!(reduce(ReduceOp::Max, &e, &[1], false).is_err());
        assert!(argmax(&e, 1, false).is_err());
        assert_eq!(
            reduce(ReduceOp::Max, &e, &[0], false).unwrap(),
            f64s(&[0], &[])
        );
    }

    #[test]
    fn argmax_ties_and_nan() {
        let a = f64s(&[2, 3], &[1.0, 3.0, 3.0, 1.0, f64::NAN, 5.0]);
        let r = argmax(&a, -1, false).unwrap();
        assert_eq!(r, Tensor::from_i64s(ElemType::I64, &[2], &[1, 1]).unwrap());
        let r = argmax(&a, 0, true).unwrap();
        assert_eq!(
            r,
            Tensor::from_i64s(ElemType::I64, &[1, 3], &[0, 1, 1]).unwrap()
        );
    }

    #[test]
    fn int_and_bool_reductions() {
        let a = Tensor::from_i64s(ElemType::I32, &[3], &[i32::MAX as i64, 1, 2]).unwrap();
        let s = reduce(ReduceOp::Sum, &a, &[0], false).unwrap();
        assert_eq!(
            s,
            Tensor::from_i64s(ElemType::I32, &[], &[i32::MIN as i64 + 2]).unwrap()
        );
        assert!(reduce(ReduceOp::Mean, &a, &[0], false).is_err());
        let b = Tensor::from_i64s(ElemType::I1, &[2, 2], &[1, 0, 1, 1]).unwrap();
        let all = reduce(ReduceOp::Min, &b, &[1], false).unwrap();
        assert_eq!(all, Tensor::from_i64s(ElemType::I1, &[2], &[0, 1]).unwrap());
        assert!(reduce(ReduceOp::Sum, &b, &[1], false).is_err());
    }

    #[test]
    fn softmax_is_stable() {
        let a = f64s(&[1, 3], &[1000.0, 1000.0, 1000.0]);
        let s = softmax(&a, 1).unwrap();
        assert!(
            s.allclose(&f64s(&[1, 3], &[1.0 / 3.0; 3]), 1e-12, 0.0)
                .is_ok()
        );
        let l = log_softmax(&a, -1).unwrap();
        assert!(
            l.allclose(&f64s(&[1, 3], &[-(3f64.ln()); 3]), 1e-12, 0.0)
                .is_ok()
        );
        assert!(softmax(&a, 2).is_err());
    }
}
