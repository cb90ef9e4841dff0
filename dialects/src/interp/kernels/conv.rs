//! Windowed ops on NCHW tensors: `graph.conv2d`, `graph.max_pool2d` and
//! `graph.avg_pool2d`. Float operands only; accumulation in `f64`.

use super::{
    KernelError, Result, checked_num_elements, float_operand, float_result, same_elem, to_usize,
};
use crate::interp::value::{Tensor, vec_to_array};

/// Reads a two-entry attribute whose entries must be at least `min`.
fn pair(op: &'static str, what: &str, v: &[i64], min: i64) -> Result<[usize; 2]> {
    if v.len() != 2 {
        return Err(KernelError::new(
            op,
            format!("{what} must have 2 entries, got {v:?}"),
        ));
    }
    if let Some(&bad) = v.iter().find(|&&x| x < min) {
        return Err(KernelError::new(
            op,
            format!("{what} entries must be >= {min}, got {bad} in {v:?}"),
        ));
    }
    Ok([to_usize(op, what, v[0])?, to_usize(op, what, v[1])?])
}

/// Reads a padding attribute `[top, left, bottom, right]`, all ≥ 0.
fn padding4(op: &'static str, v: &[i64]) -> Result<[usize; 4]> {
    if v.len() != 4 {
        return Err(KernelError::new(
            op,
            format!("padding must have 4 entries [top, left, bottom, right], got {v:?}"),
        ));
    }
    let mut out = [0usize; 4];
    for (slot, &x) in out.iter_mut().zip(v) {
        *slot = to_usize(op, "padding", x)?;
    }
    Ok(out)
}

fn rank4(op: &'static str, what: &str, shape: &[usize]) -> Result<[usize; 4]> {
    <[usize; 4]>::try_from(shape)
        .map_err(|_| KernelError::new(op, format!("{what} must have rank 4, got shape {shape:?}")))
}

/// One output extent: `(size + pads - dilation*(k-1) - 1) / stride + 1`.
fn out_extent(
    op: &'static str,
    axis: &str,
    size: usize,
    pads: usize,
    k: usize,
    dil: usize,
    stride: usize,
) -> Result<usize> {
    let overflow = || KernelError::new(op, "window size overflows");
    let padded = size.checked_add(pads).ok_or_else(overflow)?;
    let eff = k
        .checked_sub(1)
        .ok_or_else(|| KernelError::new(op, format!("kernel {axis} must be >= 1")))?;
    let eff = eff
        .checked_mul(dil)
        .and_then(|e| e.checked_add(1))
        .ok_or_else(overflow)?;
    if padded < eff {
        return Err(KernelError::new(
            op,
            format!(
                "the window ({eff} with dilation) is larger than the padded input {axis} ({padded})"
            ),
        ));
    }
    Ok((padded - eff) / stride + 1)
}

/// The validated parameters of one conv2d.
struct ConvGeom {
    x: [usize; 4],
    w: [usize; 4],
    out: [usize; 4],
    strides: [usize; 2],
    pad: [usize; 4],
    dil: [usize; 2],
    groups: usize,
}

fn conv_geom(
    x: &[usize],
    w: &[usize],
    strides: &[i64],
    padding: &[i64],
    dilations: &[i64],
    groups: i64,
) -> Result<ConvGeom> {
    const OP: &str = "graph.conv2d";
    let xs = rank4(OP, "input", x)?;
    let ws = rank4(OP, "weight", w)?;
    let strides = pair(OP, "strides", strides, 1)?;
    let dil = pair(OP, "dilations", dilations, 1)?;
    let pad = padding4(OP, padding)?;
    if groups < 1 {
        return Err(KernelError::new(
            OP,
            format!("groups must be >= 1, got {groups}"),
        ));
    }
    let g = to_usize(OP, "groups", groups)?;
    let [n, c, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    if c % g != 0 || o % g != 0 {
        return Err(KernelError::new(
            OP,
            format!("groups = {g} must divide both input channels ({c}) and output channels ({o})"),
        ));
    }
    if cg != c / g {
        return Err(KernelError::new(
            OP,
            format!(
                "weight {w:?} has {cg} input channels per group, but input {x:?} with groups = {g} needs {}",
                c / g
            ),
        ));
    }
    let oh = out_extent(OP, "height", h, pad[0] + pad[2], kh, dil[0], strides[0])?;
    let ow = out_extent(OP, "width", wd, pad[1] + pad[3], kw, dil[1], strides[1])?;
    let out = [n, o, oh, ow];
    checked_num_elements(OP, &out)?;
    Ok(ConvGeom {
        x: xs,
        w: ws,
        out,
        strides,
        pad,
        dil,
        groups: g,
    })
}

/// The result shape `[N, O, OH, OW]` of `graph.conv2d` (see [`conv2d`]).
pub fn conv2d_shape(
    x: &[usize],
    w: &[usize],
    strides: &[i64],
    padding: &[i64],
    dilations: &[i64],
    groups: i64,
) -> Result<Vec<usize>> {
    Ok(conv_geom(x, w, strides, padding, dilations, groups)?
        .out
        .to_vec())
}

/// `graph.conv2d`: grouped, strided, dilated, zero-padded 2-D
/// cross-correlation of `x: [N, C, H, W]` with `w: [O, C/groups, KH, KW]`,
/// as in PyTorch/ONNX. `strides`, `dilations`: `[h, w]`, ≥ 1; `padding`:
/// `[top, left, bottom, right]`, ≥ 0.
pub fn conv2d(
    x: &Tensor,
    w: &Tensor,
    strides: &[i64],
    padding: &[i64],
    dilations: &[i64],
    groups: i64,
) -> Result<Tensor> {
    const OP: &str = "graph.conv2d";
    let elem = same_elem(OP, x, w)?;
    let g = conv_geom(x.shape(), w.shape(), strides, padding, dilations, groups)?;
    let xv: Vec<f64> = float_operand(OP, "input", x)?.iter().copied().collect();
    let wv: Vec<f64> = float_operand(OP, "weight", w)?.iter().copied().collect();
    let [n, c, h, wd] = g.x;
    let [o, cg, kh, kw] = g.w;
    let [_, _, oh, ow] = g.out;
    let og = o / g.groups;
    let mut out = Vec::with_capacity(n * o * oh * ow);
    for ni in 0..n {
        for oi in 0..o {
            let group = oi / og;
            for y in 0..oh {
                for xo in 0..ow {
                    let mut acc = 0.0;
                    for ci in 0..cg {
                        let cin = group * cg + ci;
                        for ky in 0..kh {
                            // Input row in padded coordinates, minus the top pad.
                            let iy = (y * g.strides[0] + ky * g.dil[0]).checked_sub(g.pad[0]);
                            let Some(iy) = iy.filter(|&iy| iy < h) else {
                                continue;
                            };
                            for kx in 0..kw {
                                let ix = (xo * g.strides[1] + kx * g.dil[1]).checked_sub(g.pad[1]);
                                let Some(ix) = ix.filter(|&ix| ix < wd) else {
                                    continue;
                                };
                                let xval = xv[((ni * c + cin) * h + iy) * wd + ix];
                                let wval = wv[((oi * cg + ci) * kh + ky) * kw + kx];
                                acc += xval * wval;
                            }
                        }
                    }
                    out.push(acc);
                }
            }
        }
    }
    Ok(float_result(elem, vec_to_array(&g.out, out)?))
}

/// The two pooling ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PoolKind {
    /// `graph.max_pool2d`: padding counts as −∞.
    Max,
    /// `graph.avg_pool2d`: divides by the number of non-padding elements.
    Avg,
}

impl PoolKind {
    /// The op name without the `graph.` prefix.
    pub fn name(self) -> &'static str {
        match self {
            PoolKind::Max => "max_pool2d",
            PoolKind::Avg => "avg_pool2d",
        }
    }

    /// The full op name.
    pub fn op_name(self) -> &'static str {
        match self {
            PoolKind::Max => "graph.max_pool2d",
            PoolKind::Avg => "graph.avg_pool2d",
        }
    }

    /// Parses an op name without the `graph.` prefix.
    pub fn from_name(name: &str) -> Option<PoolKind> {
        [PoolKind::Max, PoolKind::Avg]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

struct PoolGeom {
    x: [usize; 4],
    out: [usize; 4],
    kernel: [usize; 2],
    strides: [usize; 2],
    pad: [usize; 4],
}

fn pool_geom(
    op: &'static str,
    x: &[usize],
    kernel: &[i64],
    strides: &[i64],
    padding: &[i64],
) -> Result<PoolGeom> {
    let xs = rank4(op, "input", x)?;
    let kernel = pair(op, "kernel", kernel, 1)?;
    let strides = pair(op, "strides", strides, 1)?;
    let pad = padding4(op, padding)?;
    let oh = out_extent(
        op,
        "height",
        xs[2],
        pad[0] + pad[2],
        kernel[0],
        1,
        strides[0],
    )?;
    let ow = out_extent(
        op,
        "width",
        xs[3],
        pad[1] + pad[3],
        kernel[1],
        1,
        strides[1],
    )?;
    let out = [xs[0], xs[1], oh, ow];
    checked_num_elements(op, &out)?;
    Ok(PoolGeom {
        x: xs,
        out,
        kernel,
        strides,
        pad,
    })
}

/// The result shape `[N, C, OH, OW]` of a pooling op, with
/// `OH = (H + top + bottom - KH) / SH + 1`.
pub fn pool2d_shape(
    kind: PoolKind,
    x: &[usize],
    kernel: &[i64],
    strides: &[i64],
    padding: &[i64],
) -> Result<Vec<usize>> {
    Ok(pool_geom(kind.op_name(), x, kernel, strides, padding)?
        .out
        .to_vec())
}

/// `graph.max_pool2d` / `graph.avg_pool2d` on `x: [N, C, H, W]` with
/// `kernel`, `strides`: `[h, w]` (≥ 1) and `padding`: `[top, left, bottom,
/// right]` (≥ 0). Max treats padding as −∞ and propagates NaN; avg divides by
/// the count of non-padding elements (a window of padding only gives −∞ for
/// max and NaN for avg).
pub fn pool2d(
    kind: PoolKind,
    x: &Tensor,
    kernel: &[i64],
    strides: &[i64],
    padding: &[i64],
) -> Result<Tensor> {
    let op = kind.op_name();
    let g = pool_geom(op, x.shape(), kernel, strides, padding)?;
    let xv: Vec<f64> = float_operand(op, "input", x)?.iter().copied().collect();
    let [n, c, h, w] = g.x;
    let [_, _, oh, ow] = g.out;
    let mut out = Vec::with_capacity(n * c * oh * ow);
    for plane in 0..n * c {
        let base = plane * h * w;
        for y in 0..oh {
            for xo in 0..ow {
                let (mut max, mut sum, mut count) = (f64::NEG_INFINITY, 0.0, 0usize);
                for ky in 0..g.kernel[0] {
                    let Some(iy) = (y * g.strides[0] + ky)
                        .checked_sub(g.pad[0])
                        .filter(|&iy| iy < h)
                    else {
                        continue;
                    };
                    for kx in 0..g.kernel[1] {
                        let Some(ix) = (xo * g.strides[1] + kx)
                            .checked_sub(g.pad[1])
                            .filter(|&ix| ix < w)
                        else {
                            continue;
                        };
                        let v = xv[base + iy * w + ix];
                        max = if max.is_nan() || v.is_nan() {
                            f64::NAN
                        } else {
                            max.max(v)
                        };
                        sum += v;
                        count += 1;
                    }
                }
                out.push(match kind {
                    PoolKind::Max => max,
                    PoolKind::Avg => sum / count as f64,
                });
            }
        }
    }
    Ok(float_result(x.elem_type(), vec_to_array(&g.out, out)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    fn f64s(shape: &[usize], v: &[f64]) -> Tensor {
        Tensor::from_f64s(ElemType::F64, shape, v).unwrap()
    }

    #[test]
    fn conv_identity_kernel_with_padding() {
        let x = f64s(&[1, 1, 2, 2], &[1.0, 2.0, 3.0, 4.0]);
        let w = f64s(&[1, 1, 1, 1], &[2.0]);
        let r = conv2d(&x, &w, &[1, 1], &[1, 0, 0, 1], &[1, 1], 1).unwrap();
        assert_eq!(
            r,
            f64s(
                &[1, 1, 3, 3],
                &[0.0, 0.0, 0.0, 2.0, 4.0, 0.0, 6.0, 8.0, 0.0]
            )
        );
    }

    #[test]
    fn conv_shape_errors() {
        let s = |x: &[usize], w: &[usize], g| conv2d_shape(x, w, &[1, 1], &[0; 4], &[1, 1], g);
        assert_eq!(
            s(&[1, 4, 5, 5], &[6, 2, 3, 3], 2).unwrap(),
            vec![1, 6, 3, 3]
        );
        assert!(s(&[1, 4, 5, 5], &[6, 4, 3, 3], 2).is_err());
        assert!(s(&[1, 4, 5, 5], &[5, 2, 3, 3], 2).is_err());
        assert!(
            s(&[1, 4, 2, 2], &[6, 4, 3, 3], 1)
                .unwrap_err()
                .message
                .contains("larger")
        );
        assert!(s(&[1, 4, 5, 5], &[6, 4, 0, 3], 1).is_err());
        assert!(s(&[1, 4, 5, 5], &[6, 4, 3, 3], 0).is_err());
        assert!(conv2d_shape(&[1, 1, 5, 5], &[1, 1, 3, 3], &[0, 1], &[0; 4], &[1, 1], 1).is_err());
        assert!(
            conv2d_shape(
                &[1, 1, 5, 5],
                &[1, 1, 3, 3],
                &[1, 1],
                &[0, 0, -1, 0],
                &[1, 1],
                1
            )
            .is_err()
        );
        assert_eq!(
            conv2d_shape(&[1, 1, 7, 7], &[1, 1, 3, 3], &[2, 1], &[0; 4], &[2, 3], 1).unwrap(),
            vec![1, 1, 2, 1]
        );
    }

    #[test]
    fn pools_handle_padding() {
        let x = f64s(&[1, 1, 2, 2], &[1.0, -2.0, 3.0, -4.0]);
        let m = pool2d(PoolKind::Max, &x, &[2, 2], &[1, 1], &[1, 1, 0, 0]).unwrap();
        assert_eq!(m, f64s(&[1, 1, 2, 2], &[1.0, 1.0, 3.0, 3.0]));
        let a = pool2d(PoolKind::Avg, &x, &[2, 2], &[1, 1], &[1, 1, 0, 0]).unwrap();
        assert_eq!(a, f64s(&[1, 1, 2, 2], &[1.0, -0.5, 2.0, -0.5]));
        assert!(pool2d(PoolKind::Max, &x, &[3, 3], &[1, 1], &[0; 4]).is_err());
        assert_eq!(PoolKind::from_name("avg_pool2d"), Some(PoolKind::Avg));
    }
}
