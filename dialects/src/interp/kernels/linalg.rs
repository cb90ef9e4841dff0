//! `graph.matmul`: `np.matmul` with broadcast batch dimensions.

use ndarray::{ArrayD, ArrayView2, IxDyn};

use super::elementwise::{Int, broadcast_shapes};
use super::{KernelError, Result, checked_num_elements, float_operand, float_result, same_elem};
use crate::interp::value::{Tensor, vec_to_array};

const OP: &str = "graph.matmul";

/// The result shape of `graph.matmul` of `a: [..., M, K]` and
/// `b: [..., K, N]`: the broadcast batch dims, then `[M, N]`.
pub fn matmul_shape(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    if a.len() < 2 || b.len() < 2 {
        return Err(KernelError::new(
            OP,
            format!("operands must have rank >= 2, got shapes {a:?} and {b:?}"),
        ));
    }
    let (ra, rb) = (a.len(), b.len());
    if a[ra - 1] != b[rb - 2] {
        return Err(KernelError::new(
            OP,
            format!(
                "contracting dims differ: {a:?} has K = {}, {b:?} has K = {}",
                a[ra - 1],
                b[rb - 2]
            ),
        ));
    }
    let mut out = broadcast_shapes(&[&a[..ra - 2], &b[..rb - 2]]).ok_or_else(|| {
        KernelError::new(
            OP,
            format!(
                "batch dims {:?} and {:?} do not broadcast",
                &a[..ra - 2],
                &b[..rb - 2]
            ),
        )
    })?;
    out.push(a[ra - 2]);
    out.push(b[rb - 1]);
    checked_num_elements(OP, &out)?;
    Ok(out)
}

/// `x` broadcast to `batch + tail`, as a row-major vector.
fn expand<T: Copy>(x: &ArrayD<T>, batch: &[usize], tail: [usize; 2]) -> Result<Vec<T>> {
    let mut shape = batch.to_vec();
    shape.extend_from_slice(&tail);
    checked_num_elements(OP, &shape)?;
    let v = x
        .broadcast(IxDyn(&shape))
        .ok_or_else(|| KernelError::new(OP, format!("internal: cannot broadcast to {shape:?}")))?;
    Ok(v.iter().copied().collect())
}

/// `graph.matmul`: `np.matmul(a, b)` for operands of rank ≥ 2 with the same
/// element type. Floats accumulate in `f64`; integers wrap; `i1` is refused.
pub fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let elem = same_elem(OP, a, b)?;
    let out_shape = matmul_shape(a.shape(), b.shape())?;
    let r = out_shape.len();
    let batch = &out_shape[..r - 2];
    let (m, n) = (out_shape[r - 2], out_shape[r - 1]);
    let k = a.shape()[a.shape().len() - 1];
    let count: usize = batch.iter().product();

    fn int_mm<T: Int>(a: &[T], b: &[T], count: usize, m: usize, k: usize, n: usize) -> Vec<T> {
        let mut out = vec![T::ZERO; count * m * n];
        for bi in 0..count {
            let (a, b) = (&a[bi * m * k..], &b[bi * k * n..]);
            let c = &mut out[bi * m * n..(bi + 1) * m * n];
            for i in 0..m {
                for p in 0..k {
                    let av = a[i * k + p];
                    for j in 0..n {
                        c[i * n + j] = c[i * n + j].wadd(av.wmul(b[p * n + j]));
                    }
                }
            }
        }
        out
    }

    match (a, b) {
        (Tensor::I32(x), Tensor::I32(y)) => Ok(Tensor::I32(vec_to_array(
            &out_shape,
            int_mm(
                &expand(x, batch, [m, k])?,
                &expand(y, batch, [k, n])?,
                count,
                m,
                k,
                n,
            ),
        )?)),
        (Tensor::I64(x), Tensor::I64(y)) => Ok(Tensor::I64(vec_to_array(
            &out_shape,
            int_mm(
                &expand(x, batch, [m, k])?,
                &expand(y, batch, [k, n])?,
                count,
                m,
                k,
                n,
            ),
        )?)),
        (Tensor::F32(_) | Tensor::F64(_), _) => {
            let x = expand(&float_operand(OP, "lhs", a)?, batch, [m, k])?;
            let y = expand(&float_operand(OP, "rhs", b)?, batch, [k, n])?;
            let mut out = Vec::with_capacity(count * m * n);
            let internal = |e: ndarray::ShapeError| KernelError::new(OP, format!("internal: {e}"));
            for bi in 0..count {
                let av = ArrayView2::from_shape((m, k), &x[bi * m * k..(bi + 1) * m * k])
                    .map_err(internal)?;
                let bv = ArrayView2::from_shape((k, n), &y[bi * k * n..(bi + 1) * k * n])
                    .map_err(internal)?;
                out.extend(av.dot(&bv).iter().copied());
            }
            Ok(float_result(elem, vec_to_array(&out_shape, out)?))
        }
        _ => Err(KernelError::new(
            OP,
            format!(
                "operands must not be i1, got {} and {}",
                a.type_string(),
                b.type_string()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    #[test]
    fn batched_broadcast() {
        // a: [2, 1, 2, 3] (batch 2x1), b: [3, 3, 1] -> [2, 3, 2, 1]
        let a =
            Tensor::from_i64s(ElemType::I64, &[2, 1, 2, 3], &(0..12).collect::<Vec<_>>()).unwrap();
        let b = Tensor::from_i64s(ElemType::I64, &[3, 3, 1], &[1, 1, 1, 0, 1, 0, 1, 0, 0]).unwrap();
        let r = matmul(&a, &b).unwrap();
        assert_eq!(r.shape(), &[2, 3, 2, 1]);
        let expected = [3, 12, 1, 4, 0, 3, 21, 30, 7, 10, 6, 9];
        assert_eq!(
            r,
            Tensor::from_i64s(ElemType::I64, &[2, 3, 2, 1], &expected).unwrap()
        );
        let f = matmul(&a.cast_to(ElemType::F32), &b.cast_to(ElemType::F32)).unwrap();
        assert_eq!(f, r.cast_to(ElemType::F32));
    }

    #[test]
    fn shape_errors() {
        assert!(matmul_shape(&[3], &[3, 2]).is_err());
        assert!(
            matmul_shape(&[2, 3], &[4, 2])
                .unwrap_err()
                .message
                .contains("K = 3")
        );
        assert!(matmul_shape(&[2, 1, 3], &[3, 3, 2]).is_err());
        let b = Tensor::splat_int(ElemType::I1, &[2, 2], 1).unwrap();
        assert!(matmul(&b, &b).is_err());
    }
}
