//! Scalar semantics of the `math` ops against Rust's and `libm`'s
//! functions: `f32` computed in `f32` and `f64` in `f64` bit for bit, NaN
//! results by APFloat's rule, `fma` rounded once (checked exactly for
//! `f16`), and the integer ops against Rust's.

mod arith_support;

use arith_support::{Rng, body_ops, parse};
use tessera_compiler::FloatKind;
use tessera_compiler::syntax::float;
use tessera_dialects::interp::scalar::{ElemTy, Scalar, ScalarOp, eval_math};
use tessera_dialects::math::MathOp;

fn f32op(op: MathOp, args: &[f32]) -> f32 {
    let args: Vec<Scalar> = args.iter().map(|&a| Scalar::F32(a)).collect();
    match ScalarOp::math(op, ElemTy::Float(FloatKind::F32))
        .eval(&args)
        .unwrap()
    {
        Scalar::F32(x) => x,
        other => panic!("{other:?}"),
    }
}

fn f64op(op: MathOp, args: &[f64]) -> f64 {
    let args: Vec<Scalar> = args.iter().map(|&a| Scalar::F64(a)).collect();
    match ScalarOp::math(op, ElemTy::Float(FloatKind::F64))
        .eval(&args)
        .unwrap()
    {
        Scalar::F64(x) => x,
        other => panic!("{other:?}"),
    }
}

/// Equal bits, or both NaN with the NaN rule's bits.
fn same_f32(got: f32, want: f32, args: &[f32]) -> bool {
    if want.is_nan() {
        let expect = args
            .iter()
            .find(|a| a.is_nan())
            .map_or(0x7FC0_0000, |a| a.to_bits() | 0x0040_0000);
        got.to_bits() == expect
    } else {
        got.to_bits() == want.to_bits()
    }
}

fn same_f64(got: f64, want: f64, args: &[f64]) -> bool {
    if want.is_nan() {
        let expect = args
            .iter()
            .find(|a| a.is_nan())
            .map_or(0x7FF8_0000_0000_0000, |a| a.to_bits() | 1 << 51);
        got.to_bits() == expect
    } else {
        got.to_bits() == want.to_bits()
    }
}

#[test]
fn unary_float_ops_match_the_c_library() {
    use MathOp::*;
    type Case = (MathOp, fn(f32) -> f32, fn(f64) -> f64);
    let cases: [Case; 28] = [
        (Acos, f32::acos, f64::acos),
        (Acosh, libm::acoshf, libm::acosh),
        (Asin, f32::asin, f64::asin),
        (Asinh, libm::asinhf, libm::asinh),
        (Atan, f32::atan, f64::atan),
        (Atanh, libm::atanhf, libm::atanh),
        (Cbrt, f32::cbrt, f64::cbrt),
        (Ceil, f32::ceil, f64::ceil),
        (Cos, f32::cos, f64::cos),
        (Cosh, f32::cosh, f64::cosh),
        (Erf, libm::erff, libm::erf),
        (Exp, f32::exp, f64::exp),
        (Exp2, f32::exp2, f64::exp2),
        (ExpM1, f32::exp_m1, f64::exp_m1),
        (Floor, f32::floor, f64::floor),
        (Log, f32::ln, f64::ln),
        (Log10, f32::log10, f64::log10),
        (Log1p, f32::ln_1p, f64::ln_1p),
        (Log2, f32::log2, f64::log2),
        (Round, f32::round, f64::round),
        (RoundEven, f32::round_ties_even, f64::round_ties_even),
        (Rsqrt, |x| 1.0 / x.sqrt(), |x| 1.0 / x.sqrt()),
        (Sin, f32::sin, f64::sin),
        (Sinh, f32::sinh, f64::sinh),
        (Sqrt, f32::sqrt, f64::sqrt),
        (Tan, f32::tan, f64::tan),
        (Tanh, f32::tanh, f64::tanh),
        (Trunc, f32::trunc, f64::trunc),
    ];
    let mut rng = Rng(99);
    for _ in 0..3000 {
        let (a, d) = (rng.f32(), rng.f64());
        for (op, f, g) in cases {
            let got = f32op(op, &[a]);
            assert!(
                same_f32(got, f(a), &[a]),
                "{op:?}({a:e}) = {got:e}, want {:e}",
                f(a)
            );
            let got = f64op(op, &[d]);
            assert!(
                same_f64(got, g(d), &[d]),
                "{op:?}({d:e}) = {got:e}, want {:e}",
                g(d)
            );
        }
        assert_eq!(f32op(AbsF, &[a]).to_bits(), a.to_bits() & 0x7FFF_FFFF);
    }
}

#[test]
fn binary_and_ternary_float_ops() {
    use MathOp::*;
    let mut rng = Rng(17);
    for _ in 0..20000 {
        let (a, b, c) = (rng.f32(), rng.f32(), rng.f32());
        let args = [a, b];
        assert!(
            same_f32(f32op(Atan2, &args), a.atan2(b), &args),
            "atan2 {a} {b}"
        );
        assert!(
            same_f32(f32op(PowF, &args), a.powf(b), &args),
            "pow {a} {b}: {:x} {:x} {:x}",
            f32op(PowF, &args).to_bits(),
            a.powf(b).to_bits(),
            b.to_bits()
        );
        assert_eq!(f32op(CopySign, &args).to_bits(), a.copysign(b).to_bits());
        let fma = f32op(Fma, &[a, b, c]);
        assert!(
            same_f32(fma, a.mul_add(b, c), &[a, b, c]),
            "fma {a} {b} {c}"
        );
        let (x, y, z) = (rng.f64(), rng.f64(), rng.f64());
        assert!(
            same_f64(f64op(PowF, &[x, y]), x.powf(y), &[x, y]),
            "pow {x} {y}"
        );
        assert!(same_f64(
            f64op(Fma, &[x, y, z]),
            x.mul_add(y, z),
            &[x, y, z]
        ));
    }
    // pow(NaN, 0) is 1, not NaN.
    assert_eq!(f32op(PowF, &[f32::NAN, 0.0]), 1.0);
}

/// The f16 nearest to `num / 2^48` (ties to even), by search over every
/// f16: an exact reference for `a * b + c` (all multiples of 2^-48).
fn f16_nearest(num: i128) -> u64 {
    let scaled = |bits: u64| -> Option<i128> {
        let v = float::from_bits(bits, FloatKind::F16);
        v.is_finite().then(|| (v * 2f64.powi(48)) as i128)
    };
    let mut best: Option<(i128, u64)> = None;
    for bits in 0..=0xFFFFu64 {
        let Some(v) = scaled(bits) else { continue };
        let d = (v - num).abs();
        let better = match best {
            None => true,
            Some((bd, bb)) => d < bd || (d == bd && bits & 1 == 0 && bb & 1 == 1),
        };
        if better {
            best = Some((d, bits));
        }
    }
    let (d, bits) = best.unwrap();
    // Past the largest finite value by at least half an ulp: infinity.
    let max = scaled(0x7BFF).unwrap();
    let half_ulp = (1i128 << 5) << 48 >> 1;
    if num.abs() >= max + half_ulp {
        return if num > 0 { 0x7C00 } else { 0xFC00 };
    }
    let _ = d;
    bits
}

#[test]
fn f16_fma_rounds_once() {
    let mut rng = Rng(23);
    let finite: Vec<u64> = (0..=0xFFFFu64)
        .filter(|&b| float::from_bits(b, FloatKind::F16).is_finite())
        .collect();
    let op = ScalarOp::math(MathOp::Fma, ElemTy::Float(FloatKind::F16));
    for i in 0..300 {
        let pick = |rng: &mut Rng| finite[rng.next() as usize % finite.len()];
        let (a, b) = (pick(&mut rng), pick(&mut rng));
        // Make c close to -a*b half of the time, where cancellation tests rounding.
        let (av, bv) = (
            float::from_bits(a, FloatKind::F16),
            float::from_bits(b, FloatKind::F16),
        );
        let c = if i % 2 == 0 {
            float::to_bits(-(av * bv), FloatKind::F16)
        } else {
            pick(&mut rng)
        };
        let cv = float::from_bits(c, FloatKind::F16);
        if !cv.is_finite() {
            continue;
        }
        let exact = ((av * 2f64.powi(24)) as i128) * ((bv * 2f64.powi(24)) as i128)
            + (cv * 2f64.powi(48)) as i128;
        let got = op
            .eval(&[
                Scalar::F16(a as u16),
                Scalar::F16(b as u16),
                Scalar::F16(c as u16),
            ])
            .unwrap();
        let want = f16_nearest(exact);
        // Zero results: the sign follows IEEE's rules, which the search ignores.
        if want & 0x7FFF == 0 {
            assert_eq!(got.raw_bits() & 0x7FFF, 0, "{av} * {bv} + {cv}");
        } else {
            assert_eq!(got.raw_bits() as u64, want, "{av} * {bv} + {cv}");
        }
    }
}

#[test]
fn integer_ops_match_rust() {
    use MathOp::*;
    let mut rng = Rng(31);
    let ev = |op: MathOp, args: &[i32]| {
        let args: Vec<Scalar> = args.iter().map(|&a| Scalar::int(a as i128, 32)).collect();
        ScalarOp::math(op, ElemTy::Int(32)).eval(&args)
    };
    let i = |v: i32| Ok(Scalar::int(v as i128, 32));
    for _ in 0..20000 {
        let a = rng.int_bits(32) as u32 as i32;
        let b = (rng.next() % 40) as i32 - 8;
        assert_eq!(ev(AbsI, &[a]), i(a.wrapping_abs()));
        assert_eq!(ev(Ctlz, &[a]), i(a.leading_zeros() as i32));
        assert_eq!(ev(Cttz, &[a]), i(a.trailing_zeros() as i32));
        assert_eq!(ev(Ctpop, &[a]), i(a.count_ones() as i32));
        if b >= 0 {
            assert_eq!(ev(IPowI, &[a, b]), i(a.wrapping_pow(b as u32)), "{a}^{b}");
        } else {
            match a {
                0 => assert!(ev(IPowI, &[a, b]).is_err()),
                1 => assert_eq!(ev(IPowI, &[a, b]), i(1)),
                -1 => assert_eq!(ev(IPowI, &[a, b]), i(if b % 2 == 0 { 1 } else { -1 })),
                _ => assert_eq!(ev(IPowI, &[a, b]), i(0), "{a}^{b}"),
            }
        }
    }
    let idx = ScalarOp::math(Ctlz, ElemTy::Index);
    assert_eq!(idx.eval(&[Scalar::Index(1)]), Ok(Scalar::Index(63)));
    let i1 = ScalarOp::math(Ctpop, ElemTy::Int(1));
    assert_eq!(i1.eval(&[Scalar::bool(true)]), Ok(Scalar::bool(true)));
}

#[test]
fn sixteen_bit_floats_compute_in_f32() {
    use MathOp::*;
    for kind in [FloatKind::F16, FloatKind::BF16] {
        let op = |m: MathOp, x: f64| {
            ScalarOp::math(m, ElemTy::Float(kind))
                .eval(&[Scalar::float(x, kind)])
                .unwrap()
        };
        for x in [0.5, 1.0, 2.5, -3.0, 100.0] {
            let x = float::round_to(x, kind);
            let want = Scalar::float((x as f32).exp() as f64, kind);
            assert_eq!(op(Exp, x), want, "{kind:?} exp {x}");
            assert_eq!(op(Floor, x), Scalar::float(x.floor(), kind));
        }
        assert!(op(Sqrt, -1.0).is_nan());
    }
}

#[test]
fn eval_math_reads_ops_from_the_ir() {
    let (ctx, m) = parse(
        "func.func @f(%a: f32, %v: vector<4xf64>, %i: i32) -> (f32, vector<4xf64>, i32) {
  %0 = math.exp %a fastmath<fast> : f32
  %1 = math.fma %v, %v, %v : vector<4xf64>
  %2 = math.ipowi %i, %i : i32
  %3 = arith.addi %i, %i : i32
  func.return %0, %1, %2 : f32, vector<4xf64>, i32
}",
    );
    let ops = body_ops(&ctx, m);
    assert_eq!(
        eval_math(&ctx, ops[0], &[Scalar::F32(1.0)]),
        Ok(vec![Scalar::F32(1f32.exp())])
    );
    // Vectors are evaluated lane by lane: one lane here.
    let d = Scalar::F64(2.0);
    assert_eq!(
        eval_math(&ctx, ops[1], &[d, d, d]),
        Ok(vec![Scalar::F64(6.0)])
    );
    let e = eval_math(&ctx, ops[2], &[Scalar::int(0, 32), Scalar::int(-1, 32)]).unwrap_err();
    assert!(e.contains("divides by zero"), "{e}");
    assert!(eval_math(&ctx, ops[3], &[Scalar::int(0, 32), Scalar::int(1, 32)]).is_err());
    assert!(eval_math(&ctx, ops[0], &[Scalar::F64(1.0)]).is_err());
}
