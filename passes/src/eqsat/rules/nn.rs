//! `nn`: constants folded into the weights of convolutions and matrix
//! products, as inference compilers (NN-512, TensorRT) fold them.
//!
//! - A `batch_norm` with constant parameters after a `conv2d` with
//!   constant weights becomes one `conv2d` plus a per-channel bias: with
//!   `k = scale / √(var + ε)` per output channel, `w'[o] = w[o]·k[o]` and
//!   `b' = bias − mean·k`, added as a `[1, O, 1, 1]` constant. A constant
//!   per-channel bias added between the two folds too: `b' = (b − mean)·k
//!   + bias`.
//! - A constant factor after a `conv2d` (per output channel, `[1, O, 1,
//!   1]` or `[O, 1, 1]`, or a splat) or after a `matmul` (per column,
//!   `[N]`, or a splat) is multiplied into the constant weights.
//!
//! The new weights are computed once, when the rule fires, at any size
//! (the analysis only folds small constants): in `f64` and rounded once
//! for the batch-norm fold, with the interpreter's `mul` kernel for the
//! scale folds (so integer products wrap as the program's would).
//!
//! A rule fires only when every folded number is finite. Then it keeps
//! infinities and NaN: multiplying every term of a sum by a finite
//! non-zero factor keeps which sums are infinite or NaN, and a zero
//! factor makes NaN exactly the outputs with an infinite or NaN term,
//! before and after.

use egg::{Id, PatternAst, Subst};
use tessera_dialects::graph::TensorType;
use tessera_dialects::interp::kernels::{BinaryOp, binary, reshape};
use tessera_dialects::interp::value::Tensor;

use super::helpers::{
    all_finite, const_tensor, constant, float, is_finite_splat, new_constant, pattern,
};
use super::{Cond, GraphRewrite, rule_fn};
use crate::eqsat::analysis::GraphEGraph;
use crate::eqsat::lang::Graph;

/// The rules of the set.
#[rustfmt::skip]
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let w = Cond::Check("?w is a constant", w_is_constant);
    let s = Cond::Check("?s is a constant", s_is_constant);
    let bn = Cond::Check("the batch_norm parameters are constants", bn_params_constant);
    let b = Cond::Check("?b is a constant", b_is_constant);
    vec![
        // name                   left side                                                                      right side          when
        rule_fn("conv-bn-fold",      "(batch_norm (conv2d ?x ?w ?st ?pd ?dl ?g) ?sc ?bi ?mu ?va ?eps)",         fold_batch_norm,    &[w, bn]),
        rule_fn("conv-bias-bn-fold", "(batch_norm (add (conv2d ?x ?w ?st ?pd ?dl ?g) ?b) ?sc ?bi ?mu ?va ?eps)", fold_batch_norm,    &[w, b, bn]),
        rule_fn("conv-scale-fold",   "(mul (conv2d ?x ?w ?st ?pd ?dl ?g) ?s)",                                  fold_conv_scale,    &[w, s]),
        rule_fn("scale-conv-fold",   "(mul ?s (conv2d ?x ?w ?st ?pd ?dl ?g))",                                  fold_conv_scale,    &[w, s]),
        rule_fn("matmul-scale-fold", "(mul (matmul ?x ?w) ?s)",                                                 fold_matmul_scale,  &[w, s]),
        rule_fn("scale-matmul-fold", "(mul ?s (matmul ?x ?w))",                                                 fold_matmul_scale,  &[w, s]),
    ]
}

fn w_is_constant(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    constant(eg, s, "?w").is_some()
}

fn s_is_constant(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    constant(eg, s, "?s").is_some()
}

fn b_is_constant(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    constant(eg, s, "?b").is_some()
}

fn bn_params_constant(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    ["?sc", "?bi", "?mu", "?va"]
        .iter()
        .all(|v| constant(eg, s, v).is_some())
}

/// `f(x)` as one value per index of `axis` of a result of type `out`,
/// if `f` (a constant the result is multiplied by, broadcasting) varies
/// along no other axis and does not change the result's shape: `f`'s
/// values along `axis` (one per index, or one repeated), or its single
/// value if it is a splat.
fn per_axis(f: &Tensor, splat: bool, out: &TensorType, axis: usize) -> Option<Vec<f64>> {
    let n = usize::try_from(*out.shape.get(axis)?).ok()?;
    let values = f.to_f64_array();
    if splat {
        return Some(vec![*values.iter().next()?; n]);
    }
    let rank = out.rank();
    let shape = f.shape();
    if shape.len() > rank {
        return None;
    }
    // `f`'s dims aligned to the right of the result's.
    let pad = rank - shape.len();
    for (k, &d) in shape.iter().enumerate() {
        let ok = if k + pad == axis {
            d == 1 || d == n
        } else {
            d == 1
        };
        if !ok {
            return None;
        }
    }
    let v: Vec<f64> = values.iter().copied().collect();
    match v.len() {
        1 => Some(vec![v[0]; n]),
        len if len == n => Some(v),
        _ => None,
    }
}

/// The factor `?s` as a tensor of `?s`'s element type that broadcasts
/// against the weights `w` along `w_axis` (the output channels or
/// columns), if `?s` scales the result `out` along `out_axis` only.
fn weight_factor(
    eg: &GraphEGraph<'_>,
    s: &Subst,
    out: &TensorType,
    out_axis: usize,
    w: &Tensor,
    w_axis: usize,
) -> Option<Tensor> {
    let f = const_tensor(eg, s, "?s")?;
    if !all_finite(&f) {
        return None;
    }
    let splat = is_finite_splat(eg, s, "?s");
    if splat {
        // A single element, read exactly (integers wider than an f64's
        // mantissa stay as they are).
        let bytes = f.to_le_bytes();
        let width = f.elem_type().byte_width();
        return Tensor::from_le_bytes(f.elem_type(), &[], bytes.get(..width)?).ok();
    }
    per_axis(&f, false, out, out_axis)?;
    let n = *w.shape().get(w_axis)?;
    let mut shape = vec![1usize; w.shape().len() - w_axis];
    shape[0] = n;
    reshape(&f, &shape).ok()
}

/// `conv2d(x, w) · s -> conv2d(x, w·s)` for a per-channel or splat `s`.
fn fold_conv_scale(eg: &mut GraphEGraph<'_>, c: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let out = eg[c].data.ty.clone()?;
    let w = const_tensor(eg, s, "?w")?;
    let f = weight_factor(eg, s, &out, 1, &w, 0)?;
    let folded = binary(BinaryOp::Mul, &w, &f).ok()?;
    if folded.shape() != w.shape() || !all_finite(&folded) {
        return None;
    }
    let w2 = new_constant(eg, &folded);
    pattern(&format!("(conv2d ?x {w2} ?st ?pd ?dl ?g)"))
}

/// `matmul(x, w) · s -> matmul(x, w·s)` for a per-column or splat `s`.
fn fold_matmul_scale(eg: &mut GraphEGraph<'_>, c: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let out = eg[c].data.ty.clone()?;
    let w = const_tensor(eg, s, "?w")?;
    let last = out.rank().checked_sub(1)?;
    let w_last = w.shape().len().checked_sub(1)?;
    let f = weight_factor(eg, s, &out, last, &w, w_last)?;
    let folded = binary(BinaryOp::Mul, &w, &f).ok()?;
    if folded.shape() != w.shape() || !all_finite(&folded) {
        return None;
    }
    let w2 = new_constant(eg, &folded);
    pattern(&format!("(matmul ?x {w2})"))
}

/// `batch_norm(conv2d(x, w) [+ b])` with constant parameters ->
/// `conv2d(x, w·k) + b'` (see the [module docs](self)).
fn fold_batch_norm(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let w = const_tensor(eg, s, "?w")?;
    let eps = float(eg, s, "?eps")?;
    let param = |name: &str| -> Option<Vec<f64>> {
        Some(
            const_tensor(eg, s, name)?
                .to_f64_array()
                .iter()
                .copied()
                .collect(),
        )
    };
    let (scale, bias, mean, var) = (param("?sc")?, param("?bi")?, param("?mu")?, param("?va")?);
    let o = *w.shape().first()?;
    // A bias between the convolution and the normalization, per channel.
    let conv_bias = match const_tensor(eg, s, "?b") {
        Some(b) => {
            let splat = constant(eg, s, "?b")?.splat.is_some();
            let channels = TensorType::new(vec![1, o as i64, 1, 1], b.elem_type());
            per_axis(&b, splat, &channels, 1)?
        }
        None => vec![0.0; o],
    };
    if [&scale, &bias, &mean, &var, &conv_bias]
        .iter()
        .any(|v| v.len() != o)
    {
        return None;
    }
    let k: Vec<f64> = (0..o).map(|c| scale[c] / (var[c] + eps).sqrt()).collect();
    let shift: Vec<f64> = (0..o)
        .map(|c| (conv_bias[c] - mean[c]) * k[c] + bias[c])
        .collect();
    // Row-major: output channel `c` is the `c`-th run of `per` elements.
    let per = (w.len() / o.max(1)).max(1);
    let values: Vec<f64> = w
        .to_f64_array()
        .iter()
        .enumerate()
        .map(|(i, &v)| v * k[i / per])
        .collect();
    if !values.iter().chain(&shift).all(|v| v.is_finite()) {
        return None;
    }
    let elem = w.elem_type();
    let w2 = Tensor::from_f64s(elem, w.shape(), &values).ok()?;
    let b2 = Tensor::from_f64s(elem, &[1, o, 1, 1], &shift).ok()?;
    if !all_finite(&w2) || !all_finite(&b2) {
        return None;
    }
    let (w2, b2) = (new_constant(eg, &w2), new_constant(eg, &b2));
    pattern(&format!("(add (conv2d ?x {w2} ?st ?pd ?dl ?g) {b2})"))
}
