//! Shape ops: `graph.reshape`, `transpose`, `broadcast_to`, `concat`,
//! `slice`, `pad`, `gather`. They work on any element type. Each op that
//! computes its result shape from attributes also exposes that computation
//! (`*_shape`) so a verifier can share it.

use ndarray::{ArrayD, ArrayViewD, Axis, Dimension, IxDyn, Slice};

use super::elementwise::broadcast_shapes;
use super::{KernelError, Result, checked_num_elements, normalize_axis, to_usize};
use crate::interp::value::{Element, Tensor, map_tensor, vec_to_array, with_elem};

/// `graph.reshape`: the same elements in C order, in `shape`.
pub fn reshape(a: &Tensor, shape: &[usize]) -> Result<Tensor> {
    const OP: &str = "graph.reshape";
    let n = checked_num_elements(OP, shape)?;
    if n != a.len() {
        return Err(KernelError::new(
            OP,
            format!(
                "cannot reshape {} ({} elements) to shape {shape:?} ({n} elements)",
                a.type_string(),
                a.len()
            ),
        ));
    }
    Ok(map_tensor!(a, x => vec_to_array(shape, x.iter().copied().collect())?))
}

/// The result shape of `graph.transpose`, with `perm` checked to be a
/// permutation of the axes (negative axes count from the end, as in NumPy).
pub fn transpose_shape(shape: &[usize], perm: &[i64]) -> Result<Vec<usize>> {
    Ok(checked_perm(shape, perm)?
        .iter()
        .map(|&p| shape[p])
        .collect())
}

fn checked_perm(shape: &[usize], perm: &[i64]) -> Result<Vec<usize>> {
    const OP: &str = "graph.transpose";
    if perm.len() != shape.len() {
        return Err(KernelError::new(
            OP,
            format!(
                "perm {perm:?} has {} entries but the operand has rank {}",
                perm.len(),
                shape.len()
            ),
        ));
    }
    let mut seen = vec![false; shape.len()];
    let mut out = Vec::with_capacity(perm.len());
    for &p in perm {
        let axis = normalize_axis(OP, p, shape.len())?;
        if std::mem::replace(&mut seen[axis], true) {
            return Err(KernelError::new(
                OP,
                format!("perm {perm:?} repeats axis {axis}"),
            ));
        }
        out.push(axis);
    }
    Ok(out)
}

/// `graph.transpose`: `np.transpose(a, perm)`.
pub fn transpose(a: &Tensor, perm: &[i64]) -> Result<Tensor> {
    let perm = checked_perm(a.shape(), perm)?;
    Ok(map_tensor!(a, x => x.view().permuted_axes(IxDyn(&perm)).as_standard_layout().into_owned()))
}

/// `graph.broadcast_to`: `np.broadcast_to(a, shape)`, materialized.
pub fn broadcast_to(a: &Tensor, shape: &[usize]) -> Result<Tensor> {
    const OP: &str = "graph.broadcast_to";
    // NumPy: the operand's dims must each equal the target's or be 1; the
    // target may add leading dims but never drop any.
    let ok = a.shape().len() <= shape.len()
        && broadcast_shapes(&[a.shape(), shape]).as_deref() == Some(shape);
    if !ok {
        return Err(KernelError::new(
            OP,
            format!("cannot broadcast {} to shape {shape:?}", a.type_string()),
        ));
    }
    checked_num_elements(OP, shape)?;
    let internal = || KernelError::new(OP, format!("internal: cannot broadcast to {shape:?}"));
    Ok(map_tensor!(a, x => x.broadcast(IxDyn(shape)).ok_or_else(internal)?.to_owned()))
}

/// The result shape of `graph.concat` of operands with `shapes` along `axis`.
pub fn concat_shape(shapes: &[&[usize]], axis: i64) -> Result<Vec<usize>> {
    const OP: &str = "graph.concat";
    let Some(first) = shapes.first() else {
        return Err(KernelError::new(OP, "needs at least one operand"));
    };
    if first.is_empty() {
        return Err(KernelError::new(OP, "operands must have rank at least 1"));
    }
    let axis = normalize_axis(OP, axis, first.len())?;
    let mut out = first.to_vec();
    for (i, s) in shapes.iter().enumerate().skip(1) {
        let compatible = s.len() == first.len()
            && s.iter()
                .zip(first.iter())
                .enumerate()
                .all(|(k, (a, b))| k == axis || a == b);
        if !compatible {
            return Err(KernelError::new(
                OP,
                format!(
                    "operand {i} has shape {s:?}, which does not match operand 0's shape {first:?} except along axis {axis}"
                ),
            ));
        }
        out[axis] = out[axis]
            .checked_add(s[axis])
            .ok_or_else(|| KernelError::new(OP, "result size overflows"))?;
    }
    checked_num_elements(OP, &out)?;
    Ok(out)
}

/// `graph.concat`: `np.concatenate(operands, axis)`. All operands share an
/// element type.
pub fn concat(operands: &[&Tensor], axis: i64) -> Result<Tensor> {
    const OP: &str = "graph.concat";
    let shapes: Vec<&[usize]> = operands.iter().map(|t| t.shape()).collect();
    let shape = concat_shape(&shapes, axis)?;
    let axis = normalize_axis(OP, axis, shape.len())?;
    let elem = operands[0].elem_type();
    fn go<T: Element>(operands: &[&Tensor], axis: usize) -> Result<Tensor> {
        let mut views: Vec<ArrayViewD<'_, T>> = Vec::with_capacity(operands.len());
        for (i, t) in operands.iter().enumerate() {
            let x = T::unwrap_ref(t).ok_or_else(|| {
                KernelError::new(
                    OP,
                    format!(
                        "operand {i} is {}, but operand 0 has element type {}",
                        t.type_string(),
                        T::TYPE
                    ),
                )
            })?;
            views.push(x.view());
        }
        let r = ndarray::concatenate(Axis(axis), &views)
            .map_err(|e| KernelError::new(OP, format!("internal: {e}")))?;
        Ok(T::wrap(r))
    }
    with_elem!(elem, T => go::<T>(operands, axis))
}

/// Python's slice bounds for one dimension of size `n` with step ≥ 1:
/// the clamped start and the number of elements taken.
fn slice_dim(n: usize, start: i64, limit: i64, stride: i64) -> (usize, usize) {
    let n = n as i64;
    let norm = |i: i64| if i < 0 { (i + n).max(0) } else { i.min(n) };
    let (s, l) = (norm(start), norm(limit));
    let len = if l > s {
        (l - s + stride - 1) / stride
    } else {
        0
    };
    (s as usize, len as usize)
}

fn check_slice_attrs(
    shape: &[usize],
    starts: &[i64],
    limits: &[i64],
    strides: &[i64],
) -> Result<()> {
    const OP: &str = "graph.slice";
    for (name, v) in [("starts", starts), ("limits", limits), ("strides", strides)] {
        if v.len() != shape.len() {
            return Err(KernelError::new(
                OP,
                format!(
                    "{name} has {} entries but the operand has rank {}",
                    v.len(),
                    shape.len()
                ),
            ));
        }
    }
    if let Some(k) = strides.iter().position(|&s| s < 1) {
        return Err(KernelError::new(
            OP,
            format!("strides must be >= 1, got {} on axis {k}", strides[k]),
        ));
    }
    Ok(())
}

/// The result shape of `graph.slice`: `a[s0:l0:st0, ...]` with Python's
/// rules (negative bounds count from the end; bounds clamp to the size).
pub fn slice_shape(
    shape: &[usize],
    starts: &[i64],
    limits: &[i64],
    strides: &[i64],
) -> Result<Vec<usize>> {
    check_slice_attrs(shape, starts, limits, strides)?;
    Ok((0..shape.len())
        .map(|k| slice_dim(shape[k], starts[k], limits[k], strides[k]).1)
        .collect())
}

/// `graph.slice`: `a[s0:l0:st0, ...]` (see [`slice_shape`]).
pub fn slice(a: &Tensor, starts: &[i64], limits: &[i64], strides: &[i64]) -> Result<Tensor> {
    check_slice_attrs(a.shape(), starts, limits, strides)?;
    let shape = a.shape().to_vec();
    let bounds = |ax: ndarray::AxisDescription| {
        let k = ax.axis.index();
        let (s, len) = slice_dim(shape[k], starts[k], limits[k], strides[k]);
        let st = strides[k] as usize;
        // With len elements, the last taken index is s + (len-1)*st < size.
        let end = if len == 0 { s } else { s + (len - 1) * st + 1 };
        Slice::new(s as isize, Some(end as isize), st as isize)
    };
    Ok(map_tensor!(a, x => x.slice_each_axis(bounds).to_owned()))
}

/// The result shape of `graph.pad` (`low` and `high` must be non-negative).
pub fn pad_shape(shape: &[usize], low: &[i64], high: &[i64]) -> Result<Vec<usize>> {
    const OP: &str = "graph.pad";
    for (name, v) in [("low", low), ("high", high)] {
        if v.len() != shape.len() {
            return Err(KernelError::new(
                OP,
                format!(
                    "{name} has {} entries but the operand has rank {}",
                    v.len(),
                    shape.len()
                ),
            ));
        }
    }
    let mut out = Vec::with_capacity(shape.len());
    for k in 0..shape.len() {
        let lo = to_usize(OP, &format!("low[{k}]"), low[k])?;
        let hi = to_usize(OP, &format!("high[{k}]"), high[k])?;
        let d = shape[k]
            .checked_add(lo)
            .and_then(|d| d.checked_add(hi))
            .ok_or_else(|| KernelError::new(OP, "result size overflows"))?;
        out.push(d);
    }
    checked_num_elements(OP, &out)?;
    Ok(out)
}

/// `graph.pad`: `np.pad(a, zip(low, high), constant_values=value)`, with
/// `value` converted to the element type as by `graph.cast`.
pub fn pad(a: &Tensor, low: &[i64], high: &[i64], value: f64) -> Result<Tensor> {
    let out_shape = pad_shape(a.shape(), low, high)?;
    fn go<T: Element>(x: &ArrayD<T>, out_shape: &[usize], low: &[i64], value: f64) -> ArrayD<T> {
        let mut out = ArrayD::from_elem(IxDyn(out_shape), T::from_f64(value));
        let src = x.shape().to_vec();
        out.slice_each_axis_mut(|ax| {
            let k = ax.axis.index();
            // Non-negative: checked by pad_shape.
            let lo = low[k] as usize;
            Slice::from(lo..lo + src[k])
        })
        .assign(x);
        out
    }
    Ok(map_tensor!(a, x => go(x, &out_shape, low, value)))
}

/// The result shape of `graph.gather`: `a.shape[:axis] + indices.shape +
/// a.shape[axis+1:]`.
pub fn gather_shape(shape: &[usize], indices_shape: &[usize], axis: i64) -> Result<Vec<usize>> {
    const OP: &str = "graph.gather";
    if shape.is_empty() {
        return Err(KernelError::new(OP, "operand must have rank at least 1"));
    }
    let axis = normalize_axis(OP, axis, shape.len())?;
    let mut out = shape[..axis].to_vec();
    out.extend_from_slice(indices_shape);
    out.extend_from_slice(&shape[axis + 1..]);
    checked_num_elements(OP, &out)?;
    Ok(out)
}

/// `graph.gather`: `np.take(a, indices, axis)`. Indices are `i32` or `i64`;
/// negative ones count from the end, as in NumPy; one outside
/// `-size..size` is an error naming it and its position.
pub fn gather(a: &Tensor, indices: &Tensor, axis: i64) -> Result<Tensor> {
    const OP: &str = "graph.gather";
    let out_shape = gather_shape(a.shape(), indices.shape(), axis)?;
    let axis = normalize_axis(OP, axis, a.shape().len())?;
    let idx = match indices {
        Tensor::I32(_) | Tensor::I64(_) => indices.to_i64_array(),
        _ => {
            return Err(KernelError::new(
                OP,
                format!("indices must be i32 or i64, got {}", indices.type_string()),
            ));
        }
    };
    let size = a.shape()[axis];
    let mut positions = Vec::with_capacity(idx.len());
    for (pos, &i) in idx.indexed_iter() {
        let n = size as i64;
        if i < -n || i >= n {
            return Err(KernelError::new(
                OP,
                format!(
                    "index {i} at position {:?} of the indices is out of range for axis {axis} of size {size}",
                    pos.slice()
                ),
            ));
        }
        positions.push(if i < 0 { (i + n) as usize } else { i as usize });
    }
    let outer: usize = a.shape()[..axis].iter().product();
    let inner: usize = a.shape()[axis + 1..].iter().product();
    fn go<T: Element>(
        x: &ArrayD<T>,
        positions: &[usize],
        outer: usize,
        size: usize,
        inner: usize,
        out_shape: &[usize],
    ) -> Result<ArrayD<T>> {
        let data: Vec<T> = x.iter().copied().collect();
        let mut out = Vec::with_capacity(outer * positions.len() * inner);
        for o in 0..outer {
            for &p in positions {
                let start = (o * size + p) * inner;
                out.extend_from_slice(&data[start..start + inner]);
            }
        }
        vec_to_array(out_shape, out)
    }
    Ok(map_tensor!(a, x => go(x, &positions, outer, size, inner, &out_shape)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    fn iota(shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor::from_i64s(ElemType::I64, shape, &(0..n as i64).collect::<Vec<_>>()).unwrap()
    }
    fn i64s(shape: &[usize], v: &[i64]) -> Tensor {
        Tensor::from_i64s(ElemType::I64, shape, v).unwrap()
    }

    #[test]
    fn reshape_and_transpose() {
        let a = iota(&[2, 3]);
        let t = transpose(&a, &[1, 0]).unwrap();
        assert_eq!(t, i64s(&[3, 2], &[0, 3, 1, 4, 2, 5]));
        // Reshape reads the transposed tensor in logical order.
        assert_eq!(reshape(&t, &[6]).unwrap(), i64s(&[6], &[0, 3, 1, 4, 2, 5]));
        assert!(reshape(&a, &[4]).is_err());
        assert!(
            transpose(&a, &[0, 0])
                .unwrap_err()
                .message
                .contains("repeats")
        );
        assert!(transpose(&a, &[0]).is_err());
        assert!(transpose(&a, &[0, 2]).is_err());
    }

    #[test]
    fn broadcast_to_rules() {
        let a = iota(&[3, 1]);
        let b = broadcast_to(&a, &[2, 3, 2]).unwrap();
        assert_eq!(b.shape(), &[2, 3, 2]);
        assert!(broadcast_to(&a, &[3]).is_err());
        assert!(broadcast_to(&a, &[3, 1, 1]).is_err());
        assert!(broadcast_to(&iota(&[3]), &[1, 1]).is_err());
    }

    #[test]
    fn slice_python_semantics() {
        let a = iota(&[10]);
        assert_eq!(slice(&a, &[1], &[8], &[3]).unwrap(), i64s(&[3], &[1, 4, 7]));
        assert_eq!(
            slice(&a, &[-3], &[100], &[1]).unwrap(),
            i64s(&[3], &[7, 8, 9])
        );
        assert_eq!(slice(&a, &[5], &[2], &[1]).unwrap(), i64s(&[0], &[]));
        assert!(slice(&a, &[0], &[1], &[0]).is_err());
        assert_eq!(slice_shape(&[10], &[0], &[10], &[4]).unwrap(), vec![3]);
    }

    #[test]
    fn pad_and_concat() {
        let a = iota(&[1, 2]);
        let p = pad(&a, &[1, 0], &[0, 1], 7.0).unwrap();
        assert_eq!(p, i64s(&[2, 3], &[7, 7, 7, 0, 1, 7]));
        assert!(pad(&a, &[-1, 0], &[0, 0], 0.0).is_err());
        let c = concat(&[&a, &iota(&[2, 2])], 0).unwrap();
        assert_eq!(c, i64s(&[3, 2], &[0, 1, 0, 1, 2, 3]));
        assert!(concat(&[&a, &iota(&[2, 3])], 0).is_err());
        assert!(concat(&[], 0).is_err());
        let f = Tensor::splat(ElemType::F32, &[1, 2], 0.0).unwrap();
        assert!(
            concat(&[&a, &f], 0)
                .unwrap_err()
                .message
                .contains("element type")
        );
    }

    #[test]
    fn gather_checks_indices() {
        let a = iota(&[3, 2]);
        let idx = i64s(&[2], &[2, -3]);
        assert_eq!(gather(&a, &idx, 0).unwrap(), i64s(&[2, 2], &[4, 5, 0, 1]));
        let idx = Tensor::from_i64s(ElemType::I32, &[1, 1], &[1]).unwrap();
        assert_eq!(gather(&a, &idx, 1).unwrap(), i64s(&[3, 1, 1], &[1, 3, 5]));
        let bad = i64s(&[2], &[0, 3]);
        let e = gather(&a, &bad, 0).unwrap_err();
        assert!(e.message.contains("index 3 at position [1]"), "{e}");
        assert!(gather(&a, &i64s(&[1], &[-4]), 0).is_err());
        assert!(gather(&a, &Tensor::splat(ElemType::F32, &[1], 0.0).unwrap(), 0).is_err());
    }

    #[test]
    fn absurd_sizes_are_refused() {
        let a = iota(&[1]);
        let e = broadcast_to(&a, &[1 << 20, 1 << 20]).unwrap_err();
        assert!(e.message.contains("limit"), "{e}");
        assert!(pad(&a, &[i64::MAX], &[i64::MAX], 0.0).is_err());
        assert!(reshape(&a, &[usize::MAX, 2]).is_err());
    }
}
