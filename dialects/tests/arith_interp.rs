//! Scalar semantics of the `arith` ops (`interp::scalar`) against Rust's
//! own arithmetic on random and extreme operands: wrapping integers at
//! every width, `f32`/`f64` operations bit for bit (NaNs by APFloat's
//! rule), conversions against `as` casts, and the `f16` ops against exact
//! references. Also the entry points that read ops from the IR.

mod arith_support;

use arith_support::{Rng, body_ops, parse};
use tessera_compiler::FloatKind;
use tessera_compiler::syntax::float;
use tessera_dialects::arith::{ArithOp, CmpFPredicate, CmpIPredicate, RoundingMode};
use tessera_dialects::interp::scalar::{ElemTy, Scalar, ScalarOp, eval_arith};

fn int(op: ArithOp, width: u32, a: u128, b: u128) -> Result<Scalar, String> {
    ScalarOp::arith(op, ElemTy::Int(width)).eval(&[
        Scalar::Int { bits: a, width },
        Scalar::Int { bits: b, width },
    ])
}

/// floor(a / b) through `div_euclid`, independently of the implementation;
/// `None` where the negation it needs overflows (only at 128 bits).
fn floor_div(a: i128, b: i128) -> Option<i128> {
    if b > 0 {
        Some(a.div_euclid(b))
    } else {
        a.checked_neg()?.checked_div_euclid(b.checked_neg()?)
    }
}

macro_rules! check_width {
    ($name:ident, $s:ty, $u:ty, $w:expr) => {
        #[test]
        fn $name() {
            use ArithOp::*;
            let mut rng = Rng($w as u64 * 7919);
            for _ in 0..4000 {
                let (ab, bb) = (rng.int_bits($w), rng.int_bits($w));
                let (sa, sb) = (ab as $u as $s, bb as $u as $s);
                let (ua, ub) = (ab as $u, bb as $u);
                let bits = |v: $u| {
                    Ok(Scalar::Int {
                        bits: v as u128,
                        width: $w,
                    })
                };
                let sbits = |v: $s| bits(v as $u);
                let err = |r: Result<Scalar, String>| r.is_err();
                let ctx = format!("{sa} {sb}");
                assert_eq!(int(AddI, $w, ab, bb), sbits(sa.wrapping_add(sb)), "{ctx}");
                assert_eq!(int(SubI, $w, ab, bb), sbits(sa.wrapping_sub(sb)), "{ctx}");
                assert_eq!(int(MulI, $w, ab, bb), sbits(sa.wrapping_mul(sb)), "{ctx}");
                match sa.checked_div(sb) {
                    Some(q) => assert_eq!(int(DivSI, $w, ab, bb), sbits(q), "{ctx}"),
                    None => assert!(err(int(DivSI, $w, ab, bb)), "{ctx}"),
                }
                match ua.checked_div(ub) {
                    Some(q) => assert_eq!(int(DivUI, $w, ab, bb), bits(q), "{ctx}"),
                    None => assert!(err(int(DivUI, $w, ab, bb)), "{ctx}"),
                }
                if sb == 0 {
                    assert!(err(int(RemSI, $w, ab, bb)));
                    assert!(err(int(RemUI, $w, ab, bb)));
                    assert!(err(int(CeilDivSI, $w, ab, bb)));
                    assert!(err(int(CeilDivUI, $w, ab, bb)));
                    assert!(err(int(FloorDivSI, $w, ab, bb)));
                } else {
                    assert_eq!(int(RemSI, $w, ab, bb), sbits(sa.wrapping_rem(sb)), "{ctx}");
                    assert_eq!(int(RemUI, $w, ab, bb), bits(ua % ub), "{ctx}");
                    assert_eq!(int(CeilDivUI, $w, ab, bb), bits(ua.div_ceil(ub)), "{ctx}");
                    let (x, y) = (sa as i128, sb as i128);
                    let floor = floor_div(x, y);
                    let ceil = x
                        .checked_neg()
                        .and_then(|nx| floor_div(nx, y))
                        .and_then(i128::checked_neg);
                    let fits = |v: i128| v >= <$s>::MIN as i128 && v <= <$s>::MAX as i128;
                    match floor {
                        Some(v) if fits(v) => {
                            assert_eq!(int(FloorDivSI, $w, ab, bb), sbits(v as $s), "{ctx}")
                        }
                        Some(_) => assert!(err(int(FloorDivSI, $w, ab, bb)), "{ctx}"),
                        None => {}
                    }
                    match ceil {
                        Some(v) if fits(v) => {
                            assert_eq!(int(CeilDivSI, $w, ab, bb), sbits(v as $s), "{ctx}")
                        }
                        Some(_) => assert!(err(int(CeilDivSI, $w, ab, bb)), "{ctx}"),
                        None => {}
                    }
                }
                assert_eq!(int(AndI, $w, ab, bb), bits(ua & ub));
                assert_eq!(int(OrI, $w, ab, bb), bits(ua | ub));
                assert_eq!(int(XOrI, $w, ab, bb), bits(ua ^ ub));
                if ub < $w {
                    assert_eq!(int(ShLI, $w, ab, bb), bits(ua << ub), "{ctx}");
                    assert_eq!(int(ShRUI, $w, ab, bb), bits(ua >> ub), "{ctx}");
                    assert_eq!(int(ShRSI, $w, ab, bb), sbits(sa >> ub), "{ctx}");
                } else {
                    assert!(err(int(ShLI, $w, ab, bb)), "{ctx}");
                    assert!(err(int(ShRSI, $w, ab, bb)), "{ctx}");
                }
                assert_eq!(int(MaxSI, $w, ab, bb), sbits(sa.max(sb)));
                assert_eq!(int(MinSI, $w, ab, bb), sbits(sa.min(sb)));
                assert_eq!(int(MaxUI, $w, ab, bb), bits(ua.max(ub)));
                assert_eq!(int(MinUI, $w, ab, bb), bits(ua.min(ub)));
                for p in CmpIPredicate::ALL {
                    use CmpIPredicate::*;
                    let want = match p {
                        Eq => sa == sb,
                        Ne => sa != sb,
                        Slt => sa < sb,
                        Sle => sa <= sb,
                        Sgt => sa > sb,
                        Sge => sa >= sb,
                        Ult => ua < ub,
                        Ule => ua <= ub,
                        Ugt => ua > ub,
                        Uge => ua >= ub,
                    };
                    let a = Scalar::Int {
                        bits: ab,
                        width: $w,
                    };
                    let b = Scalar::Int {
                        bits: bb,
                        width: $w,
                    };
                    assert_eq!(
                        ScalarOp::cmpi(*p).eval(&[a, b]),
                        Ok(Scalar::bool(want)),
                        "{p:?} {ctx}"
                    );
                }
            }
        }
    };
}

check_width!(i8_matches_rust, i8, u8, 8);
check_width!(i16_matches_rust, i16, u16, 16);
check_width!(i32_matches_rust, i32, u32, 32);
check_width!(i64_matches_rust, i64, u64, 64);
check_width!(i128_matches_rust, i128, u128, 128);

#[test]
fn index_is_a_64_bit_integer() {
    let op = ScalarOp::arith(ArithOp::AddI, ElemTy::Index);
    assert_eq!(
        op.eval(&[Scalar::Index(i64::MAX), Scalar::Index(1)]),
        Ok(Scalar::Index(i64::MIN))
    );
    let op = ScalarOp::arith(ArithOp::DivUI, ElemTy::Index);
    assert_eq!(
        op.eval(&[Scalar::Index(-2), Scalar::Index(2)]),
        Ok(Scalar::Index(i64::MAX))
    );
    // Index and i64 do not mix.
    let op = ScalarOp::arith(ArithOp::AddI, ElemTy::Index);
    assert!(op.eval(&[Scalar::Index(1), Scalar::int(1, 64)]).is_err());
}

#[test]
fn odd_widths_wrap() {
    // i1: 1 + 1 = 0; -1 (true) is the signed minimum, so sdiv -1 / -1 overflows.
    assert_eq!(int(ArithOp::AddI, 1, 1, 1), Ok(Scalar::bool(false)));
    assert!(int(ArithOp::DivSI, 1, 1, 1).is_err());
    assert_eq!(int(ArithOp::MaxSI, 1, 1, 0), Ok(Scalar::bool(false)));
    // i3: 3 + 1 = -4.
    assert_eq!(int(ArithOp::AddI, 3, 3, 1), Ok(Scalar::int(-4, 3)));
    assert_eq!(int(ArithOp::ShRSI, 3, 0b100, 1), Ok(Scalar::int(-2, 3)));
}

/// APFloat's NaN rule for a binary op on `a`, `b` with a NaN result.
fn nan_rule_f32(a: f32, b: f32) -> u32 {
    if a.is_nan() {
        a.to_bits() | 0x0040_0000
    } else if b.is_nan() {
        b.to_bits() | 0x0040_0000
    } else {
        0x7FC0_0000
    }
}

fn nan_rule_f64(a: f64, b: f64) -> u64 {
    if a.is_nan() {
        a.to_bits() | 1 << 51
    } else if b.is_nan() {
        b.to_bits() | 1 << 51
    } else {
        0x7FF8_0000_0000_0000
    }
}

#[test]
fn f32_and_f64_ops_match_rust_bit_for_bit() {
    use ArithOp::*;
    let mut rng = Rng(42);
    type Op32 = (ArithOp, fn(f32, f32) -> f32);
    type Op64 = (ArithOp, fn(f64, f64) -> f64);
    let f32ops: [Op32; 5] = [
        (AddF, |a, b| a + b),
        (SubF, |a, b| a - b),
        (MulF, |a, b| a * b),
        (DivF, |a, b| a / b),
        (RemF, |a, b| a % b),
    ];
    let f64ops: [Op64; 5] = [
        (AddF, |a, b| a + b),
        (SubF, |a, b| a - b),
        (MulF, |a, b| a * b),
        (DivF, |a, b| a / b),
        (RemF, |a, b| a % b),
    ];
    for _ in 0..20000 {
        let (a, b) = (rng.f32(), rng.f32());
        for (op, f) in f32ops {
            let got = ScalarOp::arith(op, ElemTy::Float(FloatKind::F32))
                .eval(&[Scalar::F32(a), Scalar::F32(b)])
                .unwrap();
            let r = f(a, b);
            let want = if r.is_nan() {
                nan_rule_f32(a, b)
            } else {
                r.to_bits()
            };
            assert_eq!(got, Scalar::F32(f32::from_bits(want)), "{op:?} {a:e} {b:e}");
        }
        let (c, d) = (rng.f64(), rng.f64());
        for (op, f) in f64ops {
            let got = ScalarOp::arith(op, ElemTy::Float(FloatKind::F64))
                .eval(&[Scalar::F64(c), Scalar::F64(d)])
                .unwrap();
            let r = f(c, d);
            let want = if r.is_nan() {
                nan_rule_f64(c, d)
            } else {
                r.to_bits()
            };
            assert_eq!(got, Scalar::F64(f64::from_bits(want)), "{op:?} {c:e} {d:e}");
        }
        let neg = ScalarOp::arith(NegF, ElemTy::Float(FloatKind::F32));
        assert_eq!(neg.eval(&[Scalar::F32(a)]), Ok(Scalar::F32(-a)));
    }
}

#[test]
fn min_max_follow_ieee_754() {
    use ArithOp::*;
    let mut rng = Rng(7);
    let ev = |op: ArithOp, a: f32, b: f32| match ScalarOp::arith(op, ElemTy::Float(FloatKind::F32))
        .eval(&[Scalar::F32(a), Scalar::F32(b)])
        .unwrap()
    {
        Scalar::F32(x) => x,
        other => panic!("{other:?}"),
    };
    for _ in 0..20000 {
        let (a, b) = (rng.f32(), rng.f32());
        let (mx, mn) = (ev(MaximumF, a, b), ev(MinimumF, a, b));
        let (nx, nn) = (ev(MaxNumF, a, b), ev(MinNumF, a, b));
        if a.is_nan() || b.is_nan() {
            assert!(mx.is_nan() && mn.is_nan(), "{a} {b}");
            let other = if a.is_nan() { b } else { a };
            assert_eq!(nx.to_bits(), other.to_bits(), "{a} {b}");
            assert_eq!(nn.to_bits(), other.to_bits(), "{a} {b}");
        } else if a == 0.0 && b == 0.0 {
            assert!(mx.is_sign_positive() == (a.is_sign_positive() || b.is_sign_positive()));
            assert!(mn.is_sign_negative() == (a.is_sign_negative() || b.is_sign_negative()));
            assert_eq!(nx.to_bits(), mx.to_bits());
            assert_eq!(nn.to_bits(), mn.to_bits());
        } else {
            assert_eq!(mx, a.max(b));
            assert_eq!(mn, a.min(b));
            assert_eq!(nx, a.max(b));
            assert_eq!(nn, a.min(b));
        }
    }
}

#[test]
fn cmpf_matches_rust_comparisons() {
    use CmpFPredicate::*;
    use std::cmp::Ordering::{Greater, Less};
    let mut rng = Rng(11);
    for _ in 0..5000 {
        let (a, b) = (rng.f64(), rng.f64());
        let uno = a.is_nan() || b.is_nan();
        for p in CmpFPredicate::ALL {
            let want = match p {
                AlwaysFalse => false,
                Oeq => a == b,
                Ogt => a > b,
                Oge => a >= b,
                Olt => a < b,
                Ole => a <= b,
                One => !uno && a != b,
                Ord => !uno,
                Ueq => uno || a == b,
                Ugt => a.partial_cmp(&b).is_none_or(|o| o == Greater),
                Uge => a.partial_cmp(&b).is_none_or(|o| o != Less),
                Ult => a.partial_cmp(&b).is_none_or(|o| o == Less),
                Ule => a.partial_cmp(&b).is_none_or(|o| o != Greater),
                Une => a != b,
                Uno => uno,
                AlwaysTrue => true,
            };
            let got = ScalarOp::cmpf(*p).eval(&[Scalar::F64(a), Scalar::F64(b)]);
            assert_eq!(got, Ok(Scalar::bool(want)), "{p:?} {a} {b}");
        }
    }
}

fn cast(op: ArithOp, to: ElemTy, x: Scalar) -> Result<Scalar, String> {
    ScalarOp::arith(op, to).eval(&[x])
}

#[test]
fn conversions_match_rust_casts() {
    use ArithOp::*;
    let f32t = ElemTy::Float(FloatKind::F32);
    let f64t = ElemTy::Float(FloatKind::F64);
    let mut rng = Rng(5);
    for _ in 0..20000 {
        let i = rng.int_bits(64) as u64;
        let s = Scalar::Int {
            bits: i as u128,
            width: 64,
        };
        assert_eq!(cast(SIToFP, f32t, s), Ok(Scalar::F32(i as i64 as f32)));
        assert_eq!(cast(SIToFP, f64t, s), Ok(Scalar::F64(i as i64 as f64)));
        assert_eq!(cast(UIToFP, f32t, s), Ok(Scalar::F32(i as f32)));
        assert_eq!(cast(UIToFP, f64t, s), Ok(Scalar::F64(i as f64)));
        assert_eq!(
            cast(TruncI, ElemTy::Int(16), s),
            Ok(Scalar::int(i as i16 as i128, 16))
        );
        assert_eq!(
            cast(IndexCast, ElemTy::Index, s),
            Ok(Scalar::Index(i as i64))
        );
        let w = Scalar::int(i as i32 as i128, 32);
        assert_eq!(
            cast(ExtSI, ElemTy::Int(64), w),
            Ok(Scalar::int(i as i32 as i128, 64))
        );
        assert_eq!(
            cast(ExtUI, ElemTy::Int(64), w),
            Ok(Scalar::int(i as u32 as i128, 64))
        );
        assert_eq!(
            cast(IndexCastUI, ElemTy::Index, w),
            Ok(Scalar::Index(i as u32 as i64))
        );
        assert_eq!(
            cast(Bitcast, f32t, w),
            Ok(Scalar::F32(f32::from_bits(i as u32)))
        );

        let f = rng.f32();
        let x = Scalar::F32(f);
        // Rust's `as` saturates; MLIR's conversions are poison out of range.
        let t = f.trunc();
        if f.is_finite() && (-2147483648.0..2147483648.0).contains(&t) {
            assert_eq!(
                cast(FPToSI, ElemTy::Int(32), x),
                Ok(Scalar::int(f as i32 as i128, 32))
            );
        } else {
            assert!(cast(FPToSI, ElemTy::Int(32), x).is_err(), "{f}");
        }
        if f.is_finite() && (0.0..4294967296.0).contains(&t) {
            assert_eq!(
                cast(FPToUI, ElemTy::Int(32), x),
                Ok(Scalar::int(f as u32 as i128, 32))
            );
        } else if f.is_finite() && t > -1.0 && t <= 0.0 {
            assert_eq!(cast(FPToUI, ElemTy::Int(32), x), Ok(Scalar::int(0, 32)));
        } else {
            assert!(cast(FPToUI, ElemTy::Int(32), x).is_err(), "{f}");
        }
        assert_eq!(
            cast(Bitcast, ElemTy::Int(32), x),
            Ok(Scalar::int(f.to_bits() as i128, 32))
        );
        let widened = cast(ExtF, f64t, x).unwrap();
        if f.is_nan() {
            assert!(widened.is_nan());
        } else {
            assert_eq!(widened, Scalar::F64(f as f64));
        }

        let d = rng.f64();
        let narrowed = ScalarOp::truncf(FloatKind::F32, RoundingMode::ToNearestEven)
            .eval(&[Scalar::F64(d)])
            .unwrap();
        if d.is_nan() {
            assert!(narrowed.is_nan());
        } else {
            assert_eq!(narrowed, Scalar::F32(d as f32), "{d:e}");
            check_directed(d);
        }
    }
}

/// The directed rounding modes of `truncf` bracket the exact value.
fn check_directed(d: f64) {
    let r = |m| match ScalarOp::truncf(FloatKind::F32, m)
        .eval(&[Scalar::F64(d)])
        .unwrap()
    {
        Scalar::F32(x) => x as f64,
        other => panic!("{other:?}"),
    };
    let (down, up, zero, away) = (
        r(RoundingMode::Downward),
        r(RoundingMode::Upward),
        r(RoundingMode::TowardZero),
        r(RoundingMode::ToNearestAway),
    );
    assert!(down <= d && d <= up, "{d:e}: {down:e} {up:e}");
    assert!(zero.abs() <= d.abs(), "{d:e}: {zero:e}");
    assert!(zero == down || zero == up);
    assert!(away == down || away == up);
    if down != up {
        // Neighbours in f32.
        let lo = down as f32;
        let next = if lo == 0.0 && lo.is_sign_negative() {
            f32::from_bits(1)
        } else {
            lo.next_up()
        };
        assert_eq!(next as f64, up, "{d:e}");
        let nearest = if up.is_infinite() || down.is_infinite() {
            // Beyond the largest finite value: as nearest-even rounds.
            d as f32 as f64
        } else if (d - down) < (up - d) {
            down
        } else {
            up
        };
        if d - down != up - d || up.is_infinite() || down.is_infinite() {
            assert_eq!(away, nearest, "{d:e}");
        } else {
            assert_eq!(away.abs(), down.abs().max(up.abs()), "{d:e}");
        }
    }
}

/// All f16 values that are not NaN, as f64.
fn f16_values() -> Vec<f64> {
    (0..=0xFFFFu64)
        .map(|b| float::from_bits(b, FloatKind::F16))
        .filter(|v| !v.is_nan())
        .collect()
}

#[test]
fn f16_and_bf16_ops_round_once() {
    use ArithOp::*;
    let vals = f16_values();
    let mut rng = Rng(3);
    for _ in 0..20000 {
        let a = vals[rng.next() as usize % vals.len()];
        let b = vals[rng.next() as usize % vals.len()];
        for kind in [FloatKind::F16, FloatKind::BF16] {
            let (a, b) = (float::round_to(a, kind), float::round_to(b, kind));
            for (op, f) in [(AddF, a + b), (SubF, a - b), (MulF, a * b), (DivF, a / b)] {
                // + - * / of two 11-bit (or 8-bit) values are exact in f64
                // up to one rounding, which rounding to the kind then keeps
                // correct (53 > 2 * 11 + 2).
                let got = ScalarOp::arith(op, ElemTy::Float(kind))
                    .eval(&[Scalar::float(a, kind), Scalar::float(b, kind)])
                    .unwrap();
                if f.is_nan() {
                    assert!(got.is_nan());
                } else {
                    assert_eq!(got, Scalar::float(f, kind), "{op:?} {a} {b} {kind:?}");
                }
            }
        }
    }
}

#[test]
fn i1_and_wide_integer_conversions() {
    use ArithOp::*;
    let f32t = ElemTy::Float(FloatKind::F32);
    assert_eq!(
        cast(SIToFP, f32t, Scalar::bool(true)),
        Ok(Scalar::F32(-1.0))
    );
    assert_eq!(cast(UIToFP, f32t, Scalar::bool(true)), Ok(Scalar::F32(1.0)));
    let big = Scalar::Int {
        bits: u128::MAX,
        width: 128,
    };
    assert_eq!(cast(UIToFP, f32t, big), Ok(Scalar::F32(u128::MAX as f32)));
    assert_eq!(cast(SIToFP, f32t, big), Ok(Scalar::F32(-1.0)));
    // 2^24 + 1 rounds to even in f32 and in bf16 (through round-to-odd).
    let odd = Scalar::int((1 << 24) + 1, 64);
    assert_eq!(cast(SIToFP, f32t, odd), Ok(Scalar::F32(16777216.0)));
    let bf = ElemTy::Float(FloatKind::BF16);
    assert_eq!(
        cast(SIToFP, bf, Scalar::int((1 << 40) + (1 << 32) + 1, 64)).map(|s| s.as_f64()),
        Ok(Some(((1u64 << 40) + (1 << 33)) as f64))
    );
    assert_eq!(
        cast(IndexCast, ElemTy::Int(8), Scalar::Index(300)),
        Ok(Scalar::int(44, 8))
    );
    assert_eq!(
        cast(IndexCast, ElemTy::Index, Scalar::int(-1, 128)),
        Ok(Scalar::Index(-1))
    );
}

#[test]
fn nan_conversions_keep_sign_and_payload() {
    use ArithOp::*;
    let x = Scalar::F32(f32::from_bits(0xFFC0_0001));
    let wide = cast(ExtF, ElemTy::Float(FloatKind::F64), x).unwrap();
    assert_eq!(wide, Scalar::F64(f64::from_bits(0xFFF8_0000_2000_0000)));
    let back = ScalarOp::truncf(FloatKind::F32, RoundingMode::Downward)
        .eval(&[wide])
        .unwrap();
    assert_eq!(back, x);
    // A signalling NaN becomes quiet.
    let s = Scalar::F32(f32::from_bits(0x7F80_0001));
    assert_eq!(
        cast(ExtF, ElemTy::Float(FloatKind::F64), s),
        Ok(Scalar::F64(f64::from_bits(0x7FF8_0000_2000_0000)))
    );
    assert_eq!(
        cast(TruncF, ElemTy::Float(FloatKind::F16), Scalar::F32(f32::NAN)).map(|v| v.raw_bits()),
        Ok(0x7E00)
    );
}

#[test]
fn entry_points_read_ops_from_the_ir() {
    let (ctx, m) = parse(
        "func.func @f(%a: f32, %b: f32, %i: i32, %d: f64, %c: i1) -> (i1, f32, i32, f32, f32, i32) {
  %0 = arith.cmpf ult, %a, %b : f32
  %1 = arith.truncf %d upward : f64 to f32
  %2 = arith.divsi %i, %i : i32
  %3 = arith.select %c, %a, %b : f32
  %4 = arith.constant 2.5 : f32
  %5 = arith.constant dense<[1, 2]> : vector<2xi32>
  %6 = arith.addi %i, %i overflow<nsw> : i32
  func.return %0, %1, %2, %3, %4, %6 : i1, f32, i32, f32, f32, i32
}",
    );
    let ops = body_ops(&ctx, m);
    let f = Scalar::F32;
    assert_eq!(
        eval_arith(&ctx, ops[0], &[f(1.0), f(f32::NAN)]),
        Ok(vec![Scalar::bool(true)])
    );
    // 0.1f32 is above 0.1, so upward rounding gives it.
    assert_eq!(
        eval_arith(&ctx, ops[1], &[Scalar::F64(0.1)]),
        Ok(vec![f(0.1)])
    );
    assert_eq!(
        eval_arith(&ctx, ops[1], &[Scalar::F64(0.1f32 as f64 - 1e-12)]),
        Ok(vec![f(0.1)])
    );
    let e = eval_arith(&ctx, ops[2], &[Scalar::int(1, 32), Scalar::int(0, 32)]).unwrap_err();
    assert!(e.contains("division by zero"), "{e}");
    assert_eq!(
        eval_arith(&ctx, ops[3], &[Scalar::bool(false), f(1.0), f(2.0)]),
        Ok(vec![f(2.0)])
    );
    assert_eq!(eval_arith(&ctx, ops[4], &[]), Ok(vec![f(2.5)]));
    assert!(
        eval_arith(&ctx, ops[5], &[]).is_err(),
        "dense constants are read as elements"
    );
    // Overflow flags do not change the wrapped result.
    assert_eq!(
        eval_arith(
            &ctx,
            ops[6],
            &[Scalar::int(i32::MAX as i128, 32), Scalar::int(1, 32)]
        ),
        Ok(vec![Scalar::int(i32::MIN as i128, 32)])
    );
    // Wrong operand counts and types are errors, not panics.
    assert!(eval_arith(&ctx, ops[0], &[f(1.0)]).is_err());
    assert!(eval_arith(&ctx, ops[0], &[f(1.0), Scalar::F64(1.0)]).is_err());
    assert!(eval_arith(&ctx, ops[2], &[f(1.0), f(1.0)]).is_err());
    assert!(eval_arith(&ctx, ops[3], &[Scalar::int(1, 32), f(1.0), f(2.0)]).is_err());
    assert!(tessera_dialects::interp::scalar::eval_math(&ctx, ops[0], &[f(1.0), f(1.0)]).is_err());
}

#[test]
fn attributes_convert_to_and_from_scalars() {
    use tessera_dialects::interp::scalar::{attr_elements, attr_splat, elements_attr};
    let mut ctx = arith_support::new_ctx();
    let f16 = ctx.float_type(FloatKind::F16);
    let v = ctx.vector_type(&[3], f16);
    let vals = [
        Scalar::float(1.5, FloatKind::F16),
        Scalar::float(-0.0, FloatKind::F16),
        Scalar::float(65504.0, FloatKind::F16),
    ];
    let a = elements_attr(&mut ctx, v, &vals).unwrap();
    assert_eq!(attr_elements(&ctx, a).unwrap(), vals);
    assert_eq!(attr_splat(&ctx, a), None);
    let i1 = ctx.i1_type();
    let t = ctx.tensor_type(&[2, 2], i1);
    let s = elements_attr(&mut ctx, t, &[Scalar::bool(true)]).unwrap();
    assert_eq!(attr_splat(&ctx, s), Some(Scalar::bool(true)));
    assert_eq!(attr_elements(&ctx, s).unwrap().len(), 4);
    let idx = ctx.index_type();
    let c = elements_attr(&mut ctx, idx, &[Scalar::Index(-5)]).unwrap();
    assert_eq!(Scalar::from_attr(&ctx, c), Some(Scalar::Index(-5)));
    assert_eq!(Scalar::Index(-5).to_string(), "-5 : index");
    assert_eq!(Scalar::F32(f32::NAN).to_string(), "0x7FC00000 : f32");
    assert_eq!(Scalar::bool(false).to_string(), "false");
    // A value of the wrong type does not fit.
    assert_eq!(elements_attr(&mut ctx, idx, &[Scalar::int(1, 64)]), None);
}

#[test]
fn evaluation_never_panics_on_mismatched_operands() {
    use tessera_dialects::math::MathOp;
    let tys = [
        ElemTy::Int(1),
        ElemTy::Int(7),
        ElemTy::Int(64),
        ElemTy::Int(128),
        ElemTy::Index,
        ElemTy::Float(FloatKind::F16),
        ElemTy::Float(FloatKind::BF16),
        ElemTy::Float(FloatKind::F32),
        ElemTy::Float(FloatKind::F64),
    ];
    let mut rng = Rng(1234);
    let scalar = |rng: &mut Rng| match tys[rng.next() as usize % tys.len()] {
        ElemTy::Int(w) => Scalar::Int {
            bits: rng.int_bits(w),
            width: w,
        },
        ElemTy::Index => Scalar::Index(rng.next() as i64),
        ElemTy::Float(k) => Scalar::float(rng.f64(), k),
    };
    let mut ops: Vec<ScalarOp> = Vec::new();
    for &t in &tys {
        ops.extend(ArithOp::ALL.iter().map(|&o| ScalarOp::arith(o, t)));
        ops.extend(MathOp::ALL.iter().map(|&o| ScalarOp::math(o, t)));
        if let ElemTy::Float(k) = t {
            ops.push(ScalarOp::truncf(k, RoundingMode::Upward));
        }
    }
    ops.extend(CmpFPredicate::ALL.iter().map(|&p| ScalarOp::cmpf(p)));
    ops.extend(CmpIPredicate::ALL.iter().map(|&p| ScalarOp::cmpi(p)));
    let mut ok = 0;
    for _ in 0..30 {
        for op in &ops {
            let n = rng.next() as usize % 4;
            let args: Vec<Scalar> = (0..n).map(|_| scalar(&mut rng)).collect();
            if let Ok(r) = op.eval(&args) {
                assert_eq!(r.ty(), op.result_type(), "{} {args:?}", op.name());
                ok += 1;
            }
        }
    }
    assert!(ok > 100, "only {ok} evaluations succeeded");
}
