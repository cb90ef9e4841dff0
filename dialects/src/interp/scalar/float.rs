//! Bit-level float helpers for every [`FloatKind`]: NaN propagation as
//! LLVM's APFloat does it, conversions with a rounding mode, integer to
//! float with one rounding, and a correctly rounded fused multiply-add
//! for the 16-bit formats.
//!
//! Values of every kind are exactly representable as `f64`, so most
//! helpers take the value as `f64` and the bits only where NaN payloads
//! and signs matter.

use tessera_compiler::FloatKind;
use tessera_compiler::syntax::float;

use super::Scalar;
use crate::arith::RoundingMode;

/// The number of explicit mantissa bits of `kind`.
pub(super) fn mantissa_bits(kind: FloatKind) -> u32 {
    match kind {
        FloatKind::F16 => 10,
        FloatKind::BF16 => 7,
        FloatKind::F32 => 23,
        FloatKind::F64 => 52,
    }
}

/// The sign bit of `kind`.
pub(super) fn sign_bit(kind: FloatKind) -> u64 {
    1 << (kind.width() - 1)
}

/// The quiet bit of `kind` (the top mantissa bit).
fn quiet_bit(kind: FloatKind) -> u64 {
    1 << (mantissa_bits(kind) - 1)
}

/// The positive quiet NaN with no payload, which APFloat produces for
/// invalid operations (`0 * inf`, `inf - inf`, `0 / 0`).
pub(super) fn default_nan(kind: FloatKind) -> Scalar {
    let exp_mask = (sign_bit(kind) - 1) & !((1 << mantissa_bits(kind)) - 1);
    Scalar::from_float_bits(kind, exp_mask | quiet_bit(kind))
}

/// `bits` made quiet, keeping sign and payload.
pub(super) fn quiet(kind: FloatKind, bits: u64) -> Scalar {
    Scalar::from_float_bits(kind, bits | quiet_bit(kind))
}

/// The NaN an op with NaN result gives, as APFloat computes it: the first
/// NaN operand, made quiet; the default NaN when no operand is NaN.
pub(super) fn nan_result(kind: FloatKind, args: &[Scalar]) -> Scalar {
    for a in args {
        if let Some((k, bits)) = a.float_bits()
            && k == kind
            && a.is_nan()
        {
            return quiet(kind, bits);
        }
    }
    default_nan(kind)
}

/// The next value of `kind` after `bits` toward +inf (`up`) or -inf.
fn next_toward(kind: FloatKind, bits: u64, up: bool) -> u64 {
    let sign = bits & sign_bit(kind);
    let mag = bits & !sign_bit(kind);
    if mag == 0 {
        return if up { 1 } else { sign_bit(kind) | 1 };
    }
    if (sign == 0) == up {
        bits + 1
    } else {
        bits - 1
    }
}

/// The bits of the value of `kind` that `v` (not NaN) rounds to in `mode`.
pub(super) fn round_to_kind(v: f64, kind: FloatKind, mode: RoundingMode) -> u64 {
    let nearest = float::to_bits(v, kind);
    let r = float::from_bits(nearest, kind);
    if mode == RoundingMode::ToNearestEven || r == v || v.is_infinite() {
        return nearest;
    }
    // `v` lies strictly between two neighbours of `kind`.
    let (lo, hi) = if r < v {
        (nearest, next_toward(kind, nearest, true))
    } else {
        (next_toward(kind, nearest, false), nearest)
    };
    match mode {
        RoundingMode::Downward => lo,
        RoundingMode::Upward => hi,
        RoundingMode::TowardZero => {
            if v > 0.0 {
                lo
            } else {
                hi
            }
        }
        RoundingMode::ToNearestAway => {
            let (lv, hv) = (float::from_bits(lo, kind), float::from_bits(hi, kind));
            // Both differences are exact (Sterbenz), so a tie is seen exactly.
            if v - lv == hv - v {
                if v > 0.0 { hi } else { lo }
            } else {
                nearest
            }
        }
        RoundingMode::ToNearestEven => nearest,
    }
}

/// Converts a float to another kind, rounding in `mode`. A NaN keeps its
/// sign and the top of its payload and becomes quiet, as APFloat's
/// `convert`.
pub(super) fn convert(s: Scalar, to: FloatKind, mode: RoundingMode) -> Option<Scalar> {
    let (from, bits) = s.float_bits()?;
    if s.is_nan() {
        let (ms, mt) = (mantissa_bits(from), mantissa_bits(to));
        let payload = bits & ((1 << ms) - 1);
        let payload = if mt >= ms {
            payload << (mt - ms)
        } else {
            payload >> (ms - mt)
        };
        let sign = if bits & sign_bit(from) != 0 {
            sign_bit(to)
        } else {
            0
        };
        let exp_mask = (sign_bit(to) - 1) & !((1 << mt) - 1);
        return Some(quiet(to, sign | exp_mask | payload));
    }
    let v = s.as_f64()?;
    Some(Scalar::from_float_bits(to, round_to_kind(v, to, mode)))
}

/// `mag` rounded to odd at 53 bits, as an `f64`: exact when `mag` has at
/// most 53 significant bits, else the truncation with its last bit set if
/// anything was cut off. Rounding this once more to a format of at most 51
/// bits gives the correctly rounded result (no double-rounding error).
fn round_to_odd_f64(mag: u128) -> f64 {
    let bits = 128 - mag.leading_zeros();
    if bits <= 53 {
        return mag as f64;
    }
    let shift = bits - 53;
    let kept = mag >> shift;
    let sticky = (mag & ((1u128 << shift) - 1) != 0) as u128;
    (kept | sticky) as f64 * 2f64.powi(shift as i32)
}

/// The integer `-mag` (if `neg`) or `mag` as a float of `kind`, rounded
/// once to nearest even.
pub(super) fn int_to_float(neg: bool, mag: u128, kind: FloatKind) -> Scalar {
    let sign = |v: f64| if neg { -v } else { v };
    match kind {
        FloatKind::F64 => Scalar::F64(sign(mag as f64)),
        FloatKind::F32 => Scalar::F32(if neg { -(mag as f32) } else { mag as f32 }),
        _ => Scalar::from_float_bits(kind, float::to_bits(sign(round_to_odd_f64(mag)), kind)),
    }
}

/// `a * b + c` rounded once to `kind` (for f16 and bf16): the product is
/// exact in `f64`, the sum is computed with its exact error (TwoSum) and
/// rounded to odd, which the final rounding to `kind` then makes correct.
pub(super) fn fma_small(a: f64, b: f64, c: f64, kind: FloatKind) -> u64 {
    let p = a * b;
    let s = p + c;
    if !s.is_finite() || s == 0.0 {
        // Overflow cannot be near a rounding boundary of a 16-bit format;
        // an exact zero keeps IEEE's sign rules from the plain sum.
        return float::to_bits(s, kind);
    }
    let bp = s - c;
    let err = (p - bp) + (c - (s - bp));
    let s = if err != 0.0 && s.to_bits() & 1 == 0 {
        // Round to odd: step toward the exact value.
        let bits = s.to_bits();
        let away = (err > 0.0) == (s > 0.0);
        f64::from_bits(if away { bits + 1 } else { bits - 1 })
    } else {
        s
    };
    float::to_bits(s, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_to_odd_is_correct_for_wide_integers() {
        // 2^60 + 2^49 + 1 is just above the f16-irrelevant but bf16-relevant
        // midpoint pattern; compare against exact rounding by hand.
        let m: u128 = (1 << 60) + (1 << 52) + 1;
        // bf16 keeps 8 bits: 2^60 * (1 + 2^-8 + tiny) rounds up to 2^60 * (1 + 2^-7).
        let s = int_to_float(false, m, FloatKind::BF16);
        assert_eq!(s.as_f64(), Some((1u64 << 60) as f64 * (1.0 + 1.0 / 128.0)));
        // Without the sticky bit, f64 would round 2^60 + 2^52 + 1 to the tie
        // 2^60 + 2^52 and bf16 would round that to even (down).
        let tie: u128 = (1 << 60) + (1 << 52);
        assert_eq!(
            int_to_float(false, tie, FloatKind::BF16).as_f64(),
            Some((1u64 << 60) as f64)
        );
    }

    #[test]
    fn directed_rounding() {
        let v = 0.1f64;
        let down = f32::from_bits(round_to_kind(v, FloatKind::F32, RoundingMode::Downward) as u32);
        let up = f32::from_bits(round_to_kind(v, FloatKind::F32, RoundingMode::Upward) as u32);
        assert!((down as f64) < v && (up as f64) > v);
        assert_eq!(up.to_bits(), down.to_bits() + 1);
        let big = 1e300;
        assert_eq!(
            round_to_kind(big, FloatKind::F32, RoundingMode::TowardZero),
            f32::MAX.to_bits() as u64
        );
        assert_eq!(
            round_to_kind(-big, FloatKind::F32, RoundingMode::Upward),
            f32::MIN.to_bits() as u64
        );
        // 1 + 2^-24 is the midpoint between 1 and the next f32.
        let tie = 1.0 + 2f64.powi(-24);
        assert_eq!(
            round_to_kind(tie, FloatKind::F32, RoundingMode::ToNearestAway),
            1.0f32.to_bits() as u64 + 1
        );
        assert_eq!(
            round_to_kind(tie, FloatKind::F32, RoundingMode::ToNearestEven),
            1.0f32.to_bits() as u64
        );
    }
}
