//! Floating-point values of every [`FloatKind`], held as `f64`.
//!
//! Float attributes store an `f64` whose value is exactly representable in
//! the attribute's type. These functions round an `f64` to a kind (IEEE
//! round-to-nearest-even, overflow to infinity), convert to and from the
//! kind's bit pattern, and format values as MLIR does: `1.000000e+00` when
//! six digits round-trip, more digits when needed, and hexadecimal bit
//! patterns (`0x7FC00000`) for infinities and NaNs. Every printed value
//! parses back to the same bits, here and in `mlir-opt`.

use crate::types::FloatKind;

/// `(exponent bits, mantissa bits)` of the small formats.
fn layout(kind: FloatKind) -> (u32, u32) {
    match kind {
        FloatKind::F16 => (5, 10),
        FloatKind::BF16 => (8, 7),
        FloatKind::F32 => (8, 23),
        FloatKind::F64 => (11, 52),
    }
}

/// `2^k` for `k` in f64's normal exponent range.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Encodes `v` into a format with `e` exponent and `m` mantissa bits.
fn encode_small(v: f64, e: u32, m: u32) -> u64 {
    let sign = (v.to_bits() >> 63) << (e + m);
    let exp_mask = ((1u64 << e) - 1) << m;
    if v.is_nan() {
        return sign | exp_mask | (1 << (m - 1));
    }
    if v.is_infinite() {
        return sign | exp_mask;
    }
    let a = v.abs();
    if a == 0.0 {
        return sign;
    }
    let bias = (1i32 << (e - 1)) - 1;
    let emin = 1 - bias;
    let ea = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    // The spacing of representable values around `a`.
    let quantum_exp = ea.max(emin) - m as i32;
    let q = a / pow2(quantum_exp);
    let r = q.round_ties_even() * pow2(quantum_exp);
    if r == 0.0 {
        return sign;
    }
    if r >= pow2(bias + 1) {
        return sign | exp_mask;
    }
    let er = ((r.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    if er < emin {
        let mant = (r / pow2(emin - m as i32)) as u64;
        return sign | mant;
    }
    let mant = (r / pow2(er - m as i32)) as u64 - (1 << m);
    sign | (((er + bias) as u64) << m) | mant
}

/// Decodes bits of a format with `e` exponent and `m` mantissa bits.
fn decode_small(bits: u64, e: u32, m: u32) -> f64 {
    let neg = (bits >> (e + m)) & 1 == 1;
    let exp = ((bits >> m) & ((1 << e) - 1)) as i32;
    let mant = bits & ((1 << m) - 1);
    let bias = (1i32 << (e - 1)) - 1;
    let mag = if exp == (1 << e) - 1 {
        if mant == 0 { f64::INFINITY } else { f64::NAN }
    } else if exp == 0 {
        mant as f64 * pow2(1 - bias - m as i32)
    } else {
        ((1u64 << m) + mant) as f64 * pow2(exp - bias - m as i32)
    };
    if neg { -mag } else { mag }
}

/// Rounds `v` to the nearest value of `kind` (ties to even).
pub fn round_to(v: f64, kind: FloatKind) -> f64 {
    match kind {
        FloatKind::F64 => v,
        FloatKind::F32 => v as f32 as f64,
        _ => from_bits(to_bits(v, kind), kind),
    }
}

/// The bit pattern of `v` rounded to `kind`, in the low bits.
pub fn to_bits(v: f64, kind: FloatKind) -> u64 {
    match kind {
        FloatKind::F64 => v.to_bits(),
        FloatKind::F32 => (v as f32).to_bits() as u64,
        _ => {
            let (e, m) = layout(kind);
            encode_small(v, e, m)
        }
    }
}

/// The value of the bit pattern `bits` of `kind` (higher bits ignored).
pub fn from_bits(bits: u64, kind: FloatKind) -> f64 {
    match kind {
        FloatKind::F64 => f64::from_bits(bits),
        FloatKind::F32 => f32::from_bits(bits as u32) as f64,
        _ => {
            let (e, m) = layout(kind);
            decode_small(bits, e, m)
        }
    }
}

/// Parses a decimal float literal (`1.5`, `2.e-3`) correctly rounded to
/// `kind`. Returns `None` if the text is not a number.
pub fn parse_decimal(text: &str, kind: FloatKind) -> Option<f64> {
    match kind {
        FloatKind::F32 => text.parse::<f32>().ok().map(|v| v as f64),
        _ => text.parse::<f64>().ok().map(|v| round_to(v, kind)),
    }
}

/// `0x` and the bit pattern of `v` in upper-case hex, as many digits as
/// the width needs (`0x7FC00000`).
pub fn format_hex(v: f64, kind: FloatKind) -> String {
    let digits = (kind.width() / 4) as usize;
    format!("0x{:0digits$X}", to_bits(v, kind))
}

/// Rust's `{:.Ne}` output (`1.5e-3`) in MLIR's style (`1.5e-03`), with a
/// `.` in the mantissa so that it lexes as a float.
fn mlir_exponent_style(s: &str) -> String {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let dot = if mant.contains('.') { "" } else { ".0" };
    format!("{mant}{dot}e{sign}{:02}", exp.unsigned_abs())
}

/// Formats `v` (a value of `kind`) so that it parses back to the same bits:
/// `1.000000e+00` when six fractional digits suffice (MLIR's style),
/// otherwise the fewest digits that round-trip, and a hex bit pattern for
/// infinities and NaNs.
pub fn format_float(v: f64, kind: FloatKind) -> String {
    if !v.is_finite() {
        return format_hex(v, kind);
    }
    let bits = to_bits(v, kind);
    let same = |s: &str| parse_decimal(s, kind).is_some_and(|p| to_bits(p, kind) == bits);
    let six = mlir_exponent_style(&format!("{v:.6e}"));
    if same(&six) {
        return six;
    }
    for prec in 7..=17 {
        let s = mlir_exponent_style(&format!("{v:.prec$e}"));
        if same(&s) {
            return s;
        }
    }
    format_hex(v, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_conversions() {
        assert_eq!(to_bits(1.0, FloatKind::F16), 0x3C00);
        assert_eq!(to_bits(65504.0, FloatKind::F16), 0x7BFF);
        assert_eq!(to_bits(65520.0, FloatKind::F16), 0x7C00);
        assert_eq!(to_bits(-2.0, FloatKind::F16), 0xC000);
        assert_eq!(to_bits(5.960464477539063e-8, FloatKind::F16), 1);
        assert_eq!(to_bits(1.0, FloatKind::BF16), 0x3F80);
        assert_eq!(from_bits(0x3555, FloatKind::F16), 0.333251953125);
        assert!(from_bits(0x7E00, FloatKind::F16).is_nan());
        for bits in 0..=0xFFFFu64 {
            let v = from_bits(bits, FloatKind::F16);
            if !v.is_nan() {
                assert_eq!(to_bits(v, FloatKind::F16), bits);
            }
            let v = from_bits(bits, FloatKind::BF16);
            if !v.is_nan() {
                assert_eq!(to_bits(v, FloatKind::BF16), bits);
            }
        }
    }

    #[test]
    fn formats_like_mlir() {
        assert_eq!(format_float(1.0, FloatKind::F32), "1.000000e+00");
        assert_eq!(format_float(0.1f32 as f64, FloatKind::F32), "1.000000e-01");
        assert_eq!(format_float(-0.0, FloatKind::F64), "-0.000000e+00");
        assert_eq!(format_float(1.5e300, FloatKind::F64), "1.500000e+300");
        assert_eq!(format_float(0.123456789, FloatKind::F64), "1.23456789e-01");
        assert_eq!(format_float(f64::INFINITY, FloatKind::F32), "0x7F800000");
        assert_eq!(format_float(f64::NAN, FloatKind::F64), "0x7FF8000000000000");
        assert_eq!(
            format_float(round_to(0.1, FloatKind::F16), FloatKind::F16),
            "9.997559e-02"
        );
    }

    #[test]
    fn round_trips() {
        for &v in &[
            0.1,
            1.0 / 3.0,
            1e-310,
            123456.789,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            for kind in [
                FloatKind::F16,
                FloatKind::BF16,
                FloatKind::F32,
                FloatKind::F64,
            ] {
                let r = round_to(v, kind);
                let s = format_float(r, kind);
                let back = if let Some(hex) = s.strip_prefix("0x") {
                    from_bits(u64::from_str_radix(hex, 16).unwrap(), kind)
                } else {
                    parse_decimal(&s, kind).unwrap()
                };
                assert_eq!(to_bits(back, kind), to_bits(r, kind), "{v} {kind:?} {s}");
            }
        }
    }
}
