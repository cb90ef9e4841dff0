//! Neural-network ops on NCHW tensors, as the interpreter's `conv.rs` and
//! `norm.rs` define them.
//!
//! - `conv2d` with `groups == 1` (and `conv-im2col`, the default): im2col
//!   plus a matmul. Three scratch buffers: `wm[O, C*KH*KW]` (the weights as
//!   a matrix, copied once), `col[C*KH*KW, OH*OW]` and `res[O, OH*OW]`.
//!   Per batch element `n`: a copy nest `c, kh, kw, oh, ow` fills
//!   `col[(c*KH + kh)*KW + kw, oh*OW + ow] = x[n, c, ih, iw]` (padding
//!   positions are zeroed once before the `n` loop: they are the same for
//!   every `n`), then `res = wm * col` exactly as [`super::linalg::matmul`]
//!   emits it (zeroing nest, then `i, k, j` with `j` over output pixels,
//!   contiguous in `col` and `res`, so the loop vectorizer and the matmul
//!   micro-kernel pass see a plain 2-D matmul), then `res` is copied into
//!   `out[n]`. The scratch buffers are deallocated after the `n` loop.
//! - `conv2d` otherwise (groups > 1, or `conv-im2col=false`): zero the
//!   output, then a perfect nest `n, o, oh, ow, c, kh, kw` accumulating
//!   into the output. Groups pick the input channel
//!   `(o floordiv (O / groups)) * (C / groups) + c`.
//! - In both forms the input position is an affine function of the indices
//!   (`oh * sh + kh * dh - top`), and padding is an `affine.if` on the
//!   integer set of in-bounds positions (only the constraints that can fail
//!   are emitted).
//! - `max_pool2d` / `avg_pool2d`: the same window nest into an output
//!   initialized to −∞ (max, NaN-propagating `maximumf`) or 0 (sum), then
//!   avg divides by the count of non-padding elements, `(min(hi, H) -
//!   max(lo, 0))` per axis from `affine.min`/`affine.max` (a constant when
//!   there is no padding); a window of padding only gives −∞ and NaN.
//! - `batch_norm`: one nest, `(x - mean) * (1 / sqrt(var + eps)) * scale + bias`.
//! - `layer_norm`: per row (the dims before `axis`), the mean and the
//!   (population) variance in `iter_args`, then a nest writing the row.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::ir::Builder;
use tessera_compiler::{Type, Value};
use tessera_dialects::interp::kernels::{PoolKind, normalize_axis};
use tessera_dialects::memref as memref_d;

use super::emit::{self, Emitter, Kind, kind_of};
use super::linalg;

/// The attributes of `graph.conv2d`.
pub(crate) struct ConvParams {
    pub strides: Vec<i64>,
    pub padding: Vec<i64>,
    pub dilations: Vec<i64>,
    pub groups: i64,
}

/// The attributes of the pooling ops.
pub(crate) struct PoolParams {
    pub kernel: Vec<i64>,
    pub strides: Vec<i64>,
    pub padding: Vec<i64>,
}

fn float_elem(em: &Emitter<'_>, v: Value) -> Result<Type, String> {
    let ty = emit::elem_of(em.ctx, v);
    if kind_of(em.ctx, ty) != Some(Kind::Float) {
        return Err("operands must be float tensors".into());
    }
    Ok(ty)
}

fn check_params(pairs: &[(&str, &[i64], usize, i64)]) -> Result<(), String> {
    for &(name, v, len, min) in pairs {
        if v.len() != len || v.iter().any(|&x| x < min) {
            return Err(format!("{name} {v:?} must have {len} entries >= {min}"));
        }
    }
    Ok(())
}

/// One window axis: the input index `out * stride + k * dil - pad` over
/// loop indices `out` and `k`, with the bounds constraints it can break.
struct WindowAxis {
    index: AffineExpr,
    constraints: Vec<AffineExpr>,
}

#[allow(clippy::too_many_arguments)]
fn window_axis(
    out: AffineExpr,
    k: AffineExpr,
    stride: i64,
    dil: i64,
    pad: i64,
    size: i64,
    out_size: i64,
    k_size: i64,
) -> WindowAxis {
    let index = out * stride + k * dil - pad;
    let mut constraints = Vec::new();
    if pad > 0 {
        constraints.push(index.clone());
    }
    if (out_size - 1) * stride + (k_size - 1) * dil - pad > size - 1 {
        constraints.push(AffineExpr::constant(size - 1) - index.clone());
    }
    WindowAxis { index, constraints }
}

/// `graph.conv2d`.
pub(crate) fn conv2d(
    em: &mut Emitter<'_>,
    x: Value,
    w: Value,
    p: &ConvParams,
    out: Value,
) -> Result<(), String> {
    let ty = float_elem(em, x)?;
    check_params(&[
        ("strides", &p.strides, 2, 1),
        ("dilations", &p.dilations, 2, 1),
        ("padding", &p.padding, 4, 0),
    ])?;
    let (xs, ws, os) = (
        emit::shape_of(em.ctx, x),
        emit::shape_of(em.ctx, w),
        emit::shape_of(em.ctx, out),
    );
    if xs.len() != 4 || ws.len() != 4 || os.len() != 4 {
        return Err("conv2d operands must have rank 4".into());
    }
    let (o, cg, kh, kw) = (ws[0], ws[1], ws[2], ws[3]);
    if p.groups < 1 || o % p.groups != 0 {
        return Err(format!("groups = {} must divide {o}", p.groups));
    }
    if p.groups == 1 && super::conv_im2col() {
        return conv2d_im2col(em, ty, x, w, p, out);
    }
    let og = o / p.groups;
    let d = emit::dims(7);
    let hy = window_axis(
        d[2].clone(),
        d[5].clone(),
        p.strides[0],
        p.dilations[0],
        p.padding[0],
        xs[2],
        os[2],
        kh,
    );
    let wx = window_axis(
        d[3].clone(),
        d[6].clone(),
        p.strides[1],
        p.dilations[1],
        p.padding[1],
        xs[3],
        os[3],
        kw,
    );
    let cin = if p.groups == 1 {
        d[4].clone()
    } else {
        d[1].clone().floor_div(og) * cg + d[4].clone()
    };
    let sx = vec![d[0].clone(), cin, hy.index.clone(), wx.index.clone()];
    let sw = vec![d[1].clone(), d[4].clone(), d[5].clone(), d[6].clone()];
    let so = d[..4].to_vec();
    let mut guard = hy.constraints.clone();
    guard.extend(wx.constraints.clone());

    em.nest(&os, |em, ivs| {
        let z = em.float(ty, 0.0);
        em.store(z, out, &so, ivs);
    });
    em.nest(&[os[0], os[1], os[2], os[3], cg, kh, kw], |em, ivs| {
        em.guard(&guard, ivs, |em| {
            let acc = em.load(out, &so, ivs);
            let a = em.load(x, &sx, ivs);
            let b = em.load(w, &sw, ivs);
            let m = em.bin("arith.mulf", a, b);
            let s = em.bin("arith.addf", acc, m);
            em.store(s, out, &so, ivs);
        });
    });
    Ok(())
}

/// A scratch `memref.alloc` of `shape` with elements `ty`.
fn scratch(em: &mut Emitter<'_>, shape: &[i64], ty: Type) -> Value {
    let mty = em.ctx.memref_type(shape, ty);
    let loc = em.loc;
    memref_d::build_alloc(&mut Builder::new(em.ctx, em.ip), mty, &[], false, loc)
}

/// `graph.conv2d` with one group as im2col plus a matmul; see the module
/// docs. The operands were checked by [`conv2d`].
fn conv2d_im2col(
    em: &mut Emitter<'_>,
    ty: Type,
    x: Value,
    w: Value,
    p: &ConvParams,
    out: Value,
) -> Result<(), String> {
    let (xs, ws, os) = (
        emit::shape_of(em.ctx, x),
        emit::shape_of(em.ctx, w),
        emit::shape_of(em.ctx, out),
    );
    let (o, c, kh, kw) = (ws[0], ws[1], ws[2], ws[3]);
    let (oh, ow) = (os[2], os[3]);
    let (kk, pp) = (c * kh * kw, oh * ow);
    let wm = scratch(em, &[o, kk], ty);
    let col = scratch(em, &[kk, pp], ty);
    let res = scratch(em, &[o, pp], ty);

    // wm[o, (c*KH + kh)*KW + kw] = w[o, c, kh, kw].
    let d = emit::dims(4);
    let k_of = |c: &AffineExpr, h: &AffineExpr, v: &AffineExpr| {
        c.clone() * (kh * kw) + h.clone() * kw + v.clone()
    };
    let sw = vec![d[0].clone(), k_of(&d[1], &d[2], &d[3])];
    em.nest(&ws, |em, ivs| {
        let v = em.load(w, &d, ivs);
        em.store(v, wm, &sw, ivs);
    });

    // The copy nest's indices: n, c, kh, kw, oh, ow.
    let d = emit::dims(6);
    let hy = window_axis(
        d[4].clone(),
        d[2].clone(),
        p.strides[0],
        p.dilations[0],
        p.padding[0],
        xs[2],
        oh,
        kh,
    );
    let wx = window_axis(
        d[5].clone(),
        d[3].clone(),
        p.strides[1],
        p.dilations[1],
        p.padding[1],
        xs[3],
        ow,
        kw,
    );
    let sx = vec![d[0].clone(), d[1].clone(), hy.index, wx.index];
    let scol = vec![k_of(&d[1], &d[2], &d[3]), d[4].clone() * ow + d[5].clone()];
    let mut guard = hy.constraints;
    guard.extend(wx.constraints);
    if !guard.is_empty() {
        // The copy skips padding positions; they read as zero.
        let all = emit::dims(2);
        em.nest(&[kk, pp], |em, ivs| {
            let z = em.float(ty, 0.0);
            em.store(z, col, &all, ivs);
        });
    }
    let so = emit::dims(4);
    let sres = vec![d[1].clone(), d[2].clone() * ow + d[3].clone()];
    let mut product = Ok(());
    em.nest(&[os[0]], |em, nv| {
        em.nest(&[c, kh, kw, oh, ow], |em, ivs| {
            let ivs = [nv, ivs].concat();
            em.guard(&guard, &ivs, |em| {
                let v = em.load(x, &sx, &ivs);
                em.store(v, col, &scol, &ivs);
            });
        });
        product = linalg::matmul(em, wm, col, res);
        em.nest(&[o, oh, ow], |em, ivs| {
            let ivs = [nv, ivs].concat();
            let v = em.load(res, &sres, &ivs);
            em.store(v, out, &so, &ivs);
        });
    });
    product?;
    let loc = em.loc;
    for m in [wm, col, res] {
        memref_d::build_dealloc(&mut Builder::new(em.ctx, em.ip), m, loc);
    }
    Ok(())
}

/// `graph.max_pool2d` and `graph.avg_pool2d`.
pub(crate) fn pool2d(
    em: &mut Emitter<'_>,
    kind: PoolKind,
    x: Value,
    p: &PoolParams,
    out: Value,
) -> Result<(), String> {
    let ty = float_elem(em, x)?;
    check_params(&[
        ("kernel", &p.kernel, 2, 1),
        ("strides", &p.strides, 2, 1),
        ("padding", &p.padding, 4, 0),
    ])?;
    let (xs, os) = (emit::shape_of(em.ctx, x), emit::shape_of(em.ctx, out));
    if xs.len() != 4 || os.len() != 4 {
        return Err("pooling operands must have rank 4".into());
    }
    let (kh, kw) = (p.kernel[0], p.kernel[1]);
    let d = emit::dims(6);
    let hy = window_axis(
        d[2].clone(),
        d[4].clone(),
        p.strides[0],
        1,
        p.padding[0],
        xs[2],
        os[2],
        kh,
    );
    let wx = window_axis(
        d[3].clone(),
        d[5].clone(),
        p.strides[1],
        1,
        p.padding[1],
        xs[3],
        os[3],
        kw,
    );
    let sx = vec![
        d[0].clone(),
        d[1].clone(),
        hy.index.clone(),
        wx.index.clone(),
    ];
    let so = d[..4].to_vec();
    let mut guard = hy.constraints.clone();
    guard.extend(wx.constraints.clone());
    let (init, combine) = match kind {
        PoolKind::Max => (f64::NEG_INFINITY, "arith.maximumf"),
        PoolKind::Avg => (0.0, "arith.addf"),
    };
    em.nest(&os, |em, ivs| {
        let c = em.float(ty, init);
        em.store(c, out, &so, ivs);
    });
    em.nest(&[os[0], os[1], os[2], os[3], kh, kw], |em, ivs| {
        em.guard(&guard, ivs, |em| {
            let acc = em.load(out, &so, ivs);
            let v = em.load(x, &sx, ivs);
            let r = em.bin(combine, acc, v);
            em.store(r, out, &so, ivs);
        });
    });
    if kind == PoolKind::Avg {
        let padded = p.padding.iter().any(|&v| v > 0);
        let (sh, sw) = (p.strides[0], p.strides[1]);
        let (pt, pl) = (p.padding[0], p.padding[1]);
        let (h, w) = (xs[2], xs[3]);
        em.nest(&os, |em, ivs| {
            let count = if padded {
                // Per axis: max(0, min(start + k, size) - max(start, 0)).
                let i64t = em.ctx.i64_type();
                let zero = em.index(0);
                let extent = |em: &mut Emitter<'_>, dim: u32, s: i64, pad: i64, k: i64, n: i64| {
                    let start = AffineExpr::dim(dim) * s - pad;
                    let hi = em.min_max(false, &[start.clone() + k, AffineExpr::constant(n)], ivs);
                    let lo = em.min_max(true, &[start, AffineExpr::constant(0)], ivs);
                    let e = em.bin("arith.subi", hi, lo);
                    em.bin("arith.maxsi", e, zero)
                };
                let ch = extent(em, 2, sh, pt, kh, h);
                let cw = extent(em, 3, sw, pl, kw, w);
                let c = em.bin("arith.muli", ch, cw);
                let c = em.conv("arith.index_cast", c, i64t);
                em.conv("arith.sitofp", c, ty)
            } else {
                em.float(ty, (kh * kw) as f64)
            };
            let s = em.load(out, &so, ivs);
            let r = em.bin("arith.divf", s, count);
            em.store(r, out, &so, ivs);
        });
    }
    Ok(())
}

/// `graph.batch_norm` (inference form): operands `x, scale, bias, mean, var`.
pub(crate) fn batch_norm(
    em: &mut Emitter<'_>,
    ins: &[Value],
    eps: f64,
    out: Value,
) -> Result<(), String> {
    let [x, scale, bias, mean, var] = ins[..] else {
        return Err("batch_norm takes 5 operands".into());
    };
    let ty = float_elem(em, x)?;
    let shape = emit::shape_of(em.ctx, x);
    if shape.len() < 2 {
        return Err("the input must have rank >= 2".into());
    }
    let all = emit::dims(shape.len());
    let ch = vec![AffineExpr::dim(1)];
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &all, ivs);
        let m = em.load(mean, &ch, ivs);
        let va = em.load(var, &ch, ivs);
        let s = em.load(scale, &ch, ivs);
        let b = em.load(bias, &ch, ivs);
        let e = em.float(ty, eps);
        let one = em.float(ty, 1.0);
        let ve = em.bin("arith.addf", va, e);
        let sd = em.un("math.sqrt", ve);
        let inv = em.bin("arith.divf", one, sd);
        let c = em.bin("arith.subf", v, m);
        let n = em.bin("arith.mulf", c, inv);
        let r = em.bin("arith.mulf", n, s);
        let r = em.bin("arith.addf", r, b);
        em.store(r, out, &all, ivs);
    });
    Ok(())
}

/// `graph.layer_norm` over the dims from `axis` on: operands `x, scale, bias`.
pub(crate) fn layer_norm(
    em: &mut Emitter<'_>,
    ins: &[Value],
    axis: i64,
    eps: f64,
    out: Value,
) -> Result<(), String> {
    let [x, scale, bias] = ins[..] else {
        return Err("layer_norm takes 3 operands".into());
    };
    let ty = float_elem(em, x)?;
    let shape = emit::shape_of(em.ctx, x);
    let axis = normalize_axis("graph.layer_norm", axis, shape.len()).map_err(|e| e.message)?;
    let (outer, inner) = (shape[..axis].to_vec(), shape[axis..].to_vec());
    if shape.contains(&0) {
        return Ok(());
    }
    let count: i64 = inner.iter().product();
    let all = emit::dims(shape.len());
    let tail: Vec<AffineExpr> = (axis..shape.len())
        .map(|k| AffineExpr::dim(k as u32))
        .collect();
    em.nest(&outer, |em, ivs| {
        let joined = |jv: &[Value]| [ivs, jv].concat();
        let zero = em.float(ty, 0.0);
        let n = em.float(ty, count as f64);
        let sum = em.nest_iter(&[], &inner, &[zero], |em, jv, c| {
            let v = em.load(x, &all, &joined(jv));
            vec![em.bin("arith.addf", c[0], v)]
        })[0];
        let mean = em.bin("arith.divf", sum, n);
        let ss = em.nest_iter(&[], &inner, &[zero], |em, jv, c| {
            let v = em.load(x, &all, &joined(jv));
            let d = em.bin("arith.subf", v, mean);
            let sq = em.bin("arith.mulf", d, d);
            vec![em.bin("arith.addf", c[0], sq)]
        })[0];
        let var = em.bin("arith.divf", ss, n);
        let e = em.float(ty, eps);
        let one = em.float(ty, 1.0);
        let ve = em.bin("arith.addf", var, e);
        let sd = em.un("math.sqrt", ve);
        let inv = em.bin("arith.divf", one, sd);
        em.nest(&inner, |em, jv| {
            let idx = joined(jv);
            let v = em.load(x, &all, &idx);
            let s = em.load(scale, &tail, &idx);
            let b = em.load(bias, &tail, &idx);
            let c = em.bin("arith.subf", v, mean);
            let nrm = em.bin("arith.mulf", c, inv);
            let r = em.bin("arith.mulf", nrm, s);
            let r = em.bin("arith.addf", r, b);
            em.store(r, out, &all, &idx);
        });
    });
    Ok(())
}
