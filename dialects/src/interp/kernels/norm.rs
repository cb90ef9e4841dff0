//! Normalizations: `graph.batch_norm` (inference form) and
//! `graph.layer_norm`. Float operands only; computed in `f64`.

use ndarray::{ArrayD, Axis};

use super::{KernelError, Result, float_operand, float_result, normalize_axis, same_elem};
use crate::interp::value::{Tensor, vec_to_array};

/// `graph.batch_norm`: `(x - mean) / sqrt(var + epsilon) * scale + bias`
/// per channel, for `x: [N, C, ...]` and `scale`, `bias`, `mean`, `var: [C]`.
pub fn batch_norm(
    x: &Tensor,
    scale: &Tensor,
    bias: &Tensor,
    mean: &Tensor,
    var: &Tensor,
    epsilon: f64,
) -> Result<Tensor> {
    const OP: &str = "graph.batch_norm";
    if x.shape().len() < 2 {
        return Err(KernelError::new(
            OP,
            format!(
                "input must have rank >= 2 ([N, C, ...]), got {}",
                x.type_string()
            ),
        ));
    }
    let c = x.shape()[1];
    let mut params: Vec<ArrayD<f64>> = Vec::with_capacity(4);
    for (name, p) in [
        ("scale", scale),
        ("bias", bias),
        ("mean", mean),
        ("var", var),
    ] {
        same_elem(OP, x, p)?;
        if p.shape() != [c] {
            return Err(KernelError::new(
                OP,
                format!(
                    "{name} must have shape [{c}] (the channels of {}), got {}",
                    x.type_string(),
                    p.type_string()
                ),
            ));
        }
        params.push(float_operand(OP, name, p)?);
    }
    let mut y = float_operand(OP, "input", x)?;
    for (ch, mut plane) in y.axis_iter_mut(Axis(1)).enumerate() {
        let (s, b, m, v) = (params[0][ch], params[1][ch], params[2][ch], params[3][ch]);
        let inv = 1.0 / (v + epsilon).sqrt();
        plane.mapv_inplace(|e| (e - m) * inv * s + b);
    }
    Ok(float_result(x.elem_type(), y))
}

/// `graph.layer_norm`: normalizes `x` over its dims from `axis` on (axis may
/// be negative) to zero mean and unit (population) variance, then
/// `* scale + bias`, where `scale` and `bias` have the shape `x.shape[axis..]`.
pub fn layer_norm(
    x: &Tensor,
    scale: &Tensor,
    bias: &Tensor,
    axis: i64,
    epsilon: f64,
) -> Result<Tensor> {
    const OP: &str = "graph.layer_norm";
    let axis = normalize_axis(OP, axis, x.shape().len())?;
    let tail = &x.shape()[axis..];
    for (name, p) in [("scale", scale), ("bias", bias)] {
        same_elem(OP, x, p)?;
        if p.shape() != tail {
            return Err(KernelError::new(
                OP,
                format!(
                    "{name} must have shape {tail:?} (the dims of {} from axis {axis}), got {}",
                    x.type_string(),
                    p.type_string()
                ),
            ));
        }
    }
    let s: Vec<f64> = float_operand(OP, "scale", scale)?.iter().copied().collect();
    let b: Vec<f64> = float_operand(OP, "bias", bias)?.iter().copied().collect();
    let data: Vec<f64> = float_operand(OP, "input", x)?.iter().copied().collect();
    let inner: usize = tail.iter().product();
    let mut out = Vec::with_capacity(data.len());
    if inner > 0 {
        for row in data.chunks_exact(inner) {
            let n = inner as f64;
            let mean = row.iter().sum::<f64>() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let inv = 1.0 / (var + epsilon).sqrt();
            out.extend(
                row.iter()
                    .zip(s.iter().zip(&b))
                    .map(|(v, (s, b))| (v - mean) * inv * s + b),
            );
        }
    }
    Ok(float_result(x.elem_type(), vec_to_array(x.shape(), out)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    fn f64s(shape: &[usize], v: &[f64]) -> Tensor {
        Tensor::from_f64s(ElemType::F64, shape, v).unwrap()
    }

    #[test]
    fn batch_norm_per_channel() {
        let x = f64s(&[1, 2, 2], &[1.0, 3.0, 10.0, 20.0]);
        let r = batch_norm(
            &x,
            &f64s(&[2], &[1.0, 2.0]),
            &f64s(&[2], &[0.0, 1.0]),
            &f64s(&[2], &[2.0, 10.0]),
            &f64s(&[2], &[1.0, 4.0]),
            0.0,
        )
        .unwrap();
        assert_eq!(r, f64s(&[1, 2, 2], &[-1.0, 1.0, 1.0, 11.0]));
        let bad = f64s(&[3], &[1.0; 3]);
        assert!(
            batch_norm(&x, &bad, &bad, &bad, &bad, 0.0)
                .unwrap_err()
                .message
                .contains("shape [2]")
        );
    }

    #[test]
    fn layer_norm_over_tail() {
        let x = f64s(&[2, 2], &[1.0, 3.0, 5.0, 5.0]);
        let ones = f64s(&[2], &[1.0, 1.0]);
        let zeros = f64s(&[2], &[0.0, 0.0]);
        let r = layer_norm(&x, &ones, &zeros, -1, 0.0).unwrap();
        assert!(
            r.allclose(&f64s(&[2, 2], &[-1.0, 1.0, f64::NAN, f64::NAN]), 1e-12, 0.0)
                .is_ok()
        );
        assert!(layer_norm(&x, &ones, &zeros, 0, 0.0).is_err());
        let empty = f64s(&[2, 0], &[]);
        let none = f64s(&[0], &[]);
        assert_eq!(layer_norm(&empty, &none, &none, 1, 1e-5).unwrap(), empty);
    }
}
