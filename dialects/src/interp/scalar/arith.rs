//! What each `arith` op computes on one element.

use super::float::{self as fl, int_to_float};
use super::{
    Detail, ElemTy, IntArg, Scalar, ScalarOp, arity, float_kind, float_map, int_args, mask, sext,
    type_error,
};
use crate::arith::{ArithOp, CmpFPredicate, CmpIPredicate, RoundingMode};

/// Evaluates `op` (described by `s`) on `args`.
pub(super) fn eval(op: ArithOp, s: &ScalarOp, args: &[Scalar]) -> Result<Scalar, String> {
    let name = op.name();
    use ArithOp::*;
    match op {
        Constant => match s.detail {
            Detail::Constant(v) => {
                arity(name, args, 0)?;
                Ok(v)
            }
            _ => Err("'arith.constant' without a scalar value".to_string()),
        },
        AddF => float_map(name, args2(name, args)?, |v| v[0] + v[1], |v| v[0] + v[1]),
        SubF => float_map(name, args2(name, args)?, |v| v[0] - v[1], |v| v[0] - v[1]),
        MulF => float_map(name, args2(name, args)?, |v| v[0] * v[1], |v| v[0] * v[1]),
        DivF => float_map(name, args2(name, args)?, |v| v[0] / v[1], |v| v[0] / v[1]),
        RemF => float_map(name, args2(name, args)?, |v| v[0] % v[1], |v| v[0] % v[1]),
        NegF => {
            arity(name, args, 1)?;
            let kind = float_kind(name, args)?;
            let (_, bits) = args[0].float_bits().unwrap_or((kind, 0));
            Ok(Scalar::from_float_bits(kind, bits ^ fl::sign_bit(kind)))
        }
        MaximumF | MinimumF | MaxNumF | MinNumF => min_max(op, args),
        AddI | SubI | MulI | DivSI | DivUI | RemSI | RemUI | CeilDivSI | CeilDivUI | FloorDivSI
        | AndI | OrI | XOrI | ShLI | ShRSI | ShRUI | MaxSI | MinSI | MaxUI | MinUI => {
            int_binary(op, args)
        }
        CmpF => match s.detail {
            Detail::CmpF(p) => cmpf(p, args),
            _ => Err("'arith.cmpf' without a predicate".to_string()),
        },
        CmpI => match s.detail {
            Detail::CmpI(p) => cmpi(p, args),
            _ => Err("'arith.cmpi' without a predicate".to_string()),
        },
        Select => {
            arity(name, args, 3)?;
            match args[0].as_bool() {
                Some(c) if args[1].ty() == args[2].ty() => Ok(if c { args[1] } else { args[2] }),
                _ => Err(type_error(name, "(i1, T, T)", args)),
            }
        }
        _ => cast(op, s, args),
    }
}

fn args2<'a>(name: &str, args: &'a [Scalar]) -> Result<&'a [Scalar], String> {
    arity(name, args, 2)?;
    Ok(args)
}

/// `maximumf`, `minimumf` (NaN-propagating, -0 < +0) and `maxnumf`,
/// `minnumf` (NaN-ignoring, -0 < +0), as APFloat's `maximum`, `minimum`,
/// `maxnum` and `minnum`: the result is one of the operands, unchanged.
fn min_max(op: ArithOp, args: &[Scalar]) -> Result<Scalar, String> {
    let name = op.name();
    arity(name, args, 2)?;
    float_kind(name, args)?;
    let (a, b) = (args[0], args[1]);
    let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
    let propagate = matches!(op, ArithOp::MaximumF | ArithOp::MinimumF);
    if x.is_nan() {
        return Ok(if propagate { a } else { b });
    }
    if y.is_nan() {
        return Ok(if propagate { b } else { a });
    }
    let max = matches!(op, ArithOp::MaximumF | ArithOp::MaxNumF);
    if x == 0.0 && y == 0.0 && x.is_sign_negative() != y.is_sign_negative() {
        // The zero of the wanted sign.
        let a_neg = x.is_sign_negative();
        return Ok(if max == a_neg { b } else { a });
    }
    Ok(if max {
        if x < y { b } else { a }
    } else if y < x {
        b
    } else {
        a
    })
}

fn int_binary(op: ArithOp, args: &[Scalar]) -> Result<Scalar, String> {
    use ArithOp::*;
    let name = op.name();
    let [a, b] = int_args::<2>(name, args)?;
    let w = a.width;
    let (sa, sb) = (a.signed(), b.signed());
    let min = sext(1 << (w - 1), w);
    let div0 = || Err(format!("'{name}': division by zero (undefined behavior)"));
    let overflow = || {
        Err(format!(
            "'{name}': signed division overflow (undefined behavior)"
        ))
    };
    let r: u128 = match op {
        AddI => a.bits.wrapping_add(b.bits),
        SubI => a.bits.wrapping_sub(b.bits),
        MulI => a.bits.wrapping_mul(b.bits),
        DivUI | RemUI | CeilDivUI if b.bits == 0 => return div0(),
        DivUI => a.bits / b.bits,
        RemUI => a.bits % b.bits,
        CeilDivUI => a.bits / b.bits + (a.bits % b.bits != 0) as u128,
        DivSI | RemSI | CeilDivSI | FloorDivSI if b.bits == 0 => return div0(),
        RemSI if sb == -1 => 0,
        RemSI => (sa % sb) as u128,
        DivSI | CeilDivSI | FloorDivSI if sa == min && sb == -1 => return overflow(),
        DivSI => (sa / sb) as u128,
        CeilDivSI | FloorDivSI => {
            let (q, r) = (sa / sb, sa % sb);
            let exact_positive = (r > 0) == (sb > 0);
            let q = match op {
                CeilDivSI if r != 0 && exact_positive => q + 1,
                FloorDivSI if r != 0 && !exact_positive => q - 1,
                _ => q,
            };
            q as u128
        }
        AndI => a.bits & b.bits,
        OrI => a.bits | b.bits,
        XOrI => a.bits ^ b.bits,
        ShLI | ShRSI | ShRUI if b.bits >= w as u128 => {
            return Err(format!(
                "'{name}': shift amount {} is not less than the bit width {w} (poison)",
                b.bits
            ));
        }
        ShLI => a.bits << b.bits,
        ShRUI => a.bits >> b.bits,
        ShRSI => (sa >> b.bits) as u128,
        MaxSI => (sa.max(sb)) as u128,
        MinSI => (sa.min(sb)) as u128,
        MaxUI => a.bits.max(b.bits),
        MinUI => a.bits.min(b.bits),
        _ => return Err(format!("'{name}' is not an integer binary op")),
    };
    Ok(a.with(r))
}

fn cmpf(p: CmpFPredicate, args: &[Scalar]) -> Result<Scalar, String> {
    use CmpFPredicate::*;
    arity("arith.cmpf", args, 2)?;
    float_kind("arith.cmpf", args)?;
    let (a, b) = (
        args[0].as_f64().unwrap_or(0.0),
        args[1].as_f64().unwrap_or(0.0),
    );
    let uno = a.is_nan() || b.is_nan();
    let r = match p {
        AlwaysFalse => false,
        Oeq => !uno && a == b,
        Ogt => !uno && a > b,
        Oge => !uno && a >= b,
        Olt => !uno && a < b,
        Ole => !uno && a <= b,
        One => !uno && a != b,
        Ord => !uno,
        Ueq => uno || a == b,
        Ugt => uno || a > b,
        Uge => uno || a >= b,
        Ult => uno || a < b,
        Ule => uno || a <= b,
        Une => uno || a != b,
        Uno => uno,
        AlwaysTrue => true,
    };
    Ok(Scalar::bool(r))
}

fn cmpi(p: CmpIPredicate, args: &[Scalar]) -> Result<Scalar, String> {
    use CmpIPredicate::*;
    let [a, b] = int_args::<2>("arith.cmpi", args)?;
    let (sa, sb) = (a.signed(), b.signed());
    let r = match p {
        Eq => a.bits == b.bits,
        Ne => a.bits != b.bits,
        Slt => sa < sb,
        Sle => sa <= sb,
        Sgt => sa > sb,
        Sge => sa >= sb,
        Ult => a.bits < b.bits,
        Ule => a.bits <= b.bits,
        Ugt => a.bits > b.bits,
        Uge => a.bits >= b.bits,
    };
    Ok(Scalar::bool(r))
}

/// The conversions; the result type is the op's.
fn cast(op: ArithOp, s: &ScalarOp, args: &[Scalar]) -> Result<Scalar, String> {
    use ArithOp::*;
    let name = op.name();
    arity(name, args, 1)?;
    let x = args[0];
    let to = s.result;
    let bad = || type_error(name, &format!("an operand convertible to {to}"), args);
    match (op, to) {
        (ExtF | TruncF, ElemTy::Float(k)) => {
            let mode = match s.detail {
                Detail::Round(m) => m,
                _ => RoundingMode::ToNearestEven,
            };
            if !x.ty().is_float() {
                return Err(bad());
            }
            fl::convert(x, k, mode).ok_or_else(bad)
        }
        (ExtSI | ExtUI | TruncI, ElemTy::Int(w)) => {
            let a = IntArg::of(&x).filter(|a| !a.index).ok_or_else(bad)?;
            Ok(match op {
                ExtSI => Scalar::int(a.signed(), w),
                _ => Scalar::Int {
                    bits: a.bits & mask(w),
                    width: w,
                },
            })
        }
        (SIToFP | UIToFP, ElemTy::Float(k)) => {
            let a = IntArg::of(&x).ok_or_else(bad)?;
            Ok(if op == SIToFP {
                let v = a.signed();
                int_to_float(v < 0, v.unsigned_abs(), k)
            } else {
                int_to_float(false, a.bits, k)
            })
        }
        (FPToSI | FPToUI, ElemTy::Int(w)) => float_to_int(name, x, w, op == FPToSI),
        (IndexCast | IndexCastUI, _) => {
            let a = IntArg::of(&x).ok_or_else(bad)?;
            let v = if op == IndexCast {
                a.signed()
            } else {
                a.bits as i128
            };
            match to {
                ElemTy::Index => Ok(Scalar::Index(v as i64)),
                ElemTy::Int(w) => Ok(Scalar::int(v, w)),
                ElemTy::Float(_) => Err(bad()),
            }
        }
        (Bitcast, _) => {
            if x.ty().width() != to.width() || x.ty() == ElemTy::Index || to == ElemTy::Index {
                return Err(bad());
            }
            let bits = x.raw_bits();
            Ok(match to {
                ElemTy::Float(k) => Scalar::from_float_bits(k, bits as u64),
                _ => Scalar::Int {
                    bits,
                    width: to.width(),
                },
            })
        }
        _ => Err(bad()),
    }
}

/// `fptosi`/`fptoui`: rounds toward zero; NaN, infinities and values out
/// of the range of `iN` are poison, reported as errors.
fn float_to_int(name: &str, x: Scalar, w: u32, signed: bool) -> Result<Scalar, String> {
    let v = x
        .as_f64()
        .ok_or_else(|| type_error(name, "a float operand", &[x]))?;
    let t = v.trunc();
    // Powers of two up to 2^128 are exact in f64.
    let (lo, hi) = if signed {
        (-(2f64.powi(w as i32 - 1)), 2f64.powi(w as i32 - 1))
    } else {
        (0.0, 2f64.powi(w as i32))
    };
    if !(t >= lo && t < hi) {
        return Err(format!(
            "'{name}': {x} is out of the range of i{w} (poison)"
        ));
    }
    Ok(if signed {
        Scalar::int(t as i128, w)
    } else {
        Scalar::Int {
            bits: t as u128,
            width: w,
        }
    })
}
