//! What each `math` op computes on one element.

use tessera_compiler::FloatKind;

use super::float::{fma_small, nan_result, sign_bit};
use super::{IntArg, Scalar, arity, float_kind, float_map, int_args, mask};
use crate::math::MathOp;

fn rsqrtf(x: f32) -> f32 {
    1.0 / x.sqrt()
}

fn rsqrt(x: f64) -> f64 {
    1.0 / x.sqrt()
}

/// A float function of one argument: its `f32` and `f64` versions.
type Unary = (fn(f32) -> f32, fn(f64) -> f64);

/// The functions of the unary float ops: `std`'s, which call the C
/// library's `expf`/`exp` and so on (as compiled code and MLIR's folds
/// do), and the `libm` crate's for `erf` (which `std` lacks) and the
/// inverse hyperbolic functions (which `std` computes with its own
/// formulas, further from the C library's results than `libm`'s).
fn unary(op: MathOp) -> Option<Unary> {
    use MathOp::*;
    Some(match op {
        Acos => (f32::acos, f64::acos),
        Acosh => (libm::acoshf, libm::acosh),
        Asin => (f32::asin, f64::asin),
        Asinh => (libm::asinhf, libm::asinh),
        Atan => (f32::atan, f64::atan),
        Atanh => (libm::atanhf, libm::atanh),
        Cbrt => (f32::cbrt, f64::cbrt),
        Ceil => (f32::ceil, f64::ceil),
        Cos => (f32::cos, f64::cos),
        Cosh => (f32::cosh, f64::cosh),
        Erf => (libm::erff, libm::erf),
        Exp => (f32::exp, f64::exp),
        Exp2 => (f32::exp2, f64::exp2),
        ExpM1 => (f32::exp_m1, f64::exp_m1),
        Floor => (f32::floor, f64::floor),
        Log => (f32::ln, f64::ln),
        Log10 => (f32::log10, f64::log10),
        Log1p => (f32::ln_1p, f64::ln_1p),
        Log2 => (f32::log2, f64::log2),
        Round => (f32::round, f64::round),
        RoundEven => (f32::round_ties_even, f64::round_ties_even),
        Rsqrt => (rsqrtf, rsqrt),
        Sin => (f32::sin, f64::sin),
        Sinh => (f32::sinh, f64::sinh),
        Sqrt => (f32::sqrt, f64::sqrt),
        Tan => (f32::tan, f64::tan),
        Tanh => (f32::tanh, f64::tanh),
        Trunc => (f32::trunc, f64::trunc),
        _ => return None,
    })
}

/// Evaluates `op` on `args`.
pub(super) fn eval(op: MathOp, args: &[Scalar]) -> Result<Scalar, String> {
    use MathOp::*;
    let name = op.name();
    if let Some((f, d)) = unary(op) {
        arity(name, args, 1)?;
        return float_map(name, args, |v| f(v[0]), |v| d(v[0]));
    }
    match op {
        AbsF => {
            arity(name, args, 1)?;
            let kind = float_kind(name, args)?;
            let (_, bits) = args[0].float_bits().unwrap_or((kind, 0));
            Ok(Scalar::from_float_bits(kind, bits & !sign_bit(kind)))
        }
        CopySign => {
            arity(name, args, 2)?;
            let kind = float_kind(name, args)?;
            let (_, a) = args[0].float_bits().unwrap_or((kind, 0));
            let (_, b) = args[1].float_bits().unwrap_or((kind, 0));
            let s = sign_bit(kind);
            Ok(Scalar::from_float_bits(kind, (a & !s) | (b & s)))
        }
        Atan2 => {
            arity(name, args, 2)?;
            float_map(name, args, |v| v[0].atan2(v[1]), |v| v[0].atan2(v[1]))
        }
        PowF => {
            arity(name, args, 2)?;
            float_map(name, args, |v| v[0].powf(v[1]), |v| v[0].powf(v[1]))
        }
        Fma => {
            arity(name, args, 3)?;
            let kind = float_kind(name, args)?;
            let r = match kind {
                FloatKind::F32 | FloatKind::F64 => {
                    return float_map(
                        name,
                        args,
                        |v| v[0].mul_add(v[1], v[2]),
                        |v| v[0].mul_add(v[1], v[2]),
                    );
                }
                _ => {
                    let v: Vec<f64> = args.iter().map(|a| a.as_f64().unwrap_or(0.0)).collect();
                    Scalar::from_float_bits(kind, fma_small(v[0], v[1], v[2], kind))
                }
            };
            Ok(if r.is_nan() {
                nan_result(kind, args)
            } else {
                r
            })
        }
        AbsI | Ctlz | Cttz | Ctpop => {
            let [a] = int_args::<1>(name, args)?;
            let w = a.width;
            let r = match op {
                AbsI => a.signed().unsigned_abs(),
                Ctlz if a.bits == 0 => w as u128,
                Ctlz => (w - (128 - a.bits.leading_zeros())) as u128,
                Cttz if a.bits == 0 => w as u128,
                Cttz => a.bits.trailing_zeros() as u128,
                _ => a.bits.count_ones() as u128,
            };
            Ok(a.with(r))
        }
        IPowI => {
            let [a, b] = int_args::<2>(name, args)?;
            ipowi(name, a, b)
        }
        _ => Err(format!("'{name}' has no scalar semantics")),
    }
}

/// `base ^ exp` in wrapping integer arithmetic; a negative exponent gives
/// `1 / base^-exp` rounded toward zero (division by zero for base 0).
fn ipowi(name: &str, base: IntArg, exp: IntArg) -> Result<Scalar, String> {
    let w = base.width;
    let e = exp.signed();
    if e < 0 {
        let b = base.signed();
        return match b {
            0 => Err(format!(
                "'{name}': zero to a negative power divides by zero (undefined behavior)"
            )),
            1 => Ok(base.with(1)),
            -1 => Ok(base.with(if e % 2 == 0 { 1 } else { mask(w) })),
            _ => Ok(base.with(0)),
        };
    }
    let (mut result, mut sq, mut e) = (1u128, base.bits, e as u128);
    while e > 0 {
        if e & 1 == 1 {
            result = result.wrapping_mul(sq);
        }
        sq = sq.wrapping_mul(sq);
        e >>= 1;
    }
    Ok(base.with(result))
}
