//! Value ranges: a closed interval `[lo, hi]` known to hold every element
//! of a generated value, computed alongside the program (a small abstract
//! interpretation).
//!
//! The generator uses ranges to keep programs numerically tame by
//! construction: it only applies `log`, `sqrt`, `reciprocal`, `pow`, `div`
//! and friends to operands whose range is inside the op's domain (adding a
//! guard such as `abs(x) + 1` otherwise), and rejects an op whose result
//! range exceeds the configured magnitude. The interval arithmetic is over
//! the reals; requirements keep a margin so float rounding cannot step
//! outside a domain.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A closed interval of element values. `i1` values use `[0, 1]`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Range {
    /// The smallest possible element.
    pub lo: f64,
    /// The largest possible element.
    pub hi: f64,
}

impl Range {
    /// `[lo, hi]`; the bounds are ordered if given the wrong way round.
    pub fn new(lo: f64, hi: f64) -> Range {
        Range {
            lo: lo.min(hi),
            hi: lo.max(hi),
        }
    }

    /// The single value `v`.
    pub fn point(v: f64) -> Range {
        Range::new(v, v)
    }

    /// The range of booleans (`i1`).
    pub fn boolean() -> Range {
        Range::new(0.0, 1.0)
    }

    /// The largest magnitude an element may have.
    pub fn magnitude(self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// Whether every element lies in `other`.
    pub fn within(self, other: Range) -> bool {
        other.lo <= self.lo && self.hi <= other.hi
    }

    /// The smallest range holding both.
    pub fn hull(self, other: Range) -> Range {
        Range::new(self.lo.min(other.lo), self.hi.max(other.hi))
    }

    /// Whether the bounds are finite numbers.
    pub fn is_finite(self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// The image of a monotonically non-decreasing function.
    pub fn map_increasing(self, f: impl Fn(f64) -> f64) -> Range {
        Range::new(f(self.lo), f(self.hi))
    }

    /// `|x|`.
    pub fn abs(self) -> Range {
        if self.lo >= 0.0 {
            self
        } else if self.hi <= 0.0 {
            -self
        } else {
            Range::new(0.0, self.magnitude())
        }
    }

    /// `x * x`.
    pub fn square(self) -> Range {
        let a = self.abs();
        Range::new(a.lo * a.lo, a.hi * a.hi)
    }

    /// `max(x, 0)`.
    pub fn relu(self) -> Range {
        Range::new(self.lo.max(0.0), self.hi.max(0.0))
    }

    /// `a / b` truncated toward zero (integer division), `b` excluding zero.
    pub fn int_div(self, b: Range) -> Range {
        (self / b).map_increasing(f64::trunc)
    }

    /// `max(a, b)`.
    pub fn max(self, b: Range) -> Range {
        Range::new(self.lo.max(b.lo), self.hi.max(b.hi))
    }

    /// `min(a, b)`.
    pub fn min(self, b: Range) -> Range {
        Range::new(self.lo.min(b.lo), self.hi.min(b.hi))
    }

    /// `a ^ b` for a positive base: monotone in each argument, so the
    /// extremes are at the corners.
    pub fn pow_positive_base(self, b: Range) -> Range {
        debug_assert!(self.lo > 0.0);
        corners(self, b, f64::powf)
    }

    /// `a ^ b` for integers with an exponent in `0..=b.hi`.
    pub fn int_pow(self, b: Range) -> Range {
        let e = b.hi.max(0.0).round() as i32;
        let m = self.magnitude().powi(e).max(1.0);
        if self.lo >= 0.0 {
            Range::new(0.0, m)
        } else {
            Range::new(-m, m)
        }
    }

    /// The sum of `n` elements of this range.
    pub fn sum(self, n: u64) -> Range {
        let n = n as f64;
        Range::new(self.lo * n, self.hi * n)
    }

    /// The product of `n` elements of this range.
    pub fn prod(self, n: u64) -> Range {
        if n == 0 {
            return Range::point(1.0);
        }
        let e = i32::try_from(n).unwrap_or(i32::MAX);
        if self.lo >= 0.0 {
            Range::new(self.lo.powi(e), self.hi.powi(e))
        } else {
            let m = self.magnitude().powi(e);
            Range::new(-m, m)
        }
    }

    /// A value converted to an integer type (truncation toward zero).
    pub fn trunc(self) -> Range {
        self.rounding_slack().map_increasing(f64::trunc)
    }

    /// `floor(x)`.
    pub fn floor(self) -> Range {
        self.rounding_slack().map_increasing(f64::floor)
    }

    /// `ceil(x)`.
    pub fn ceil(self) -> Range {
        self.rounding_slack().map_increasing(f64::ceil)
    }

    /// The range widened by a little more than `f32` rounding: a step
    /// function (floor, ceil, truncation) of a value computed in `f32` can
    /// land one step beyond the step function of the exact bound (say,
    /// `tanh(-12)` rounds to exactly `-1.0`).
    fn rounding_slack(self) -> Range {
        let widen = |v: f64| 1e-6 * v.abs().max(1.0);
        Range::new(self.lo - widen(self.lo), self.hi + widen(self.hi))
    }
}

impl Neg for Range {
    type Output = Range;
    /// `-x`.
    fn neg(self) -> Range {
        Range::new(-self.hi, -self.lo)
    }
}

impl Add for Range {
    type Output = Range;
    /// `a + b`.
    fn add(self, b: Range) -> Range {
        Range::new(self.lo + b.lo, self.hi + b.hi)
    }
}

impl Sub for Range {
    type Output = Range;
    /// `a - b`.
    fn sub(self, b: Range) -> Range {
        Range::new(self.lo - b.hi, self.hi - b.lo)
    }
}

impl Mul for Range {
    type Output = Range;
    /// `a * b`.
    fn mul(self, b: Range) -> Range {
        corners(self, b, |x, y| x * y)
    }
}

impl Div for Range {
    type Output = Range;
    /// `a / b` for a `b` that excludes zero.
    fn div(self, b: Range) -> Range {
        debug_assert!(b.lo > 0.0 || b.hi < 0.0, "dividing by a range holding 0");
        corners(self, b, |x, y| x / y)
    }
}

/// The range of `f` over the corners of `a × b`, for `f` monotone in each
/// argument on the given ranges.
fn corners(a: Range, b: Range, f: impl Fn(f64, f64) -> f64) -> Range {
    let v = [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Range::new(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_sound_on_samples() {
        let a = Range::new(-2.0, 3.0);
        let b = Range::new(0.5, 4.0);
        for x in [-2.0, -1.0, 0.0, 1.5, 3.0] {
            for y in [0.5, 1.0, 2.5, 4.0] {
                assert!(Range::point(x + y).within(a + b));
                assert!(Range::point(x - y).within(a - b));
                assert!(Range::point(x * y).within(a * b));
                assert!(Range::point(x / y).within(a / b));
                assert!(Range::point(f64::max(x, y)).within(a.max(b)));
                assert!(Range::point(f64::min(x, y)).within(a.min(b)));
                assert!(Range::point(y.powf(x)).within(b.pow_positive_base(a)));
            }
            assert!(Range::point(x * x).within(a.square()));
            assert!(Range::point(x.abs()).within(a.abs()));
        }
        assert_eq!(a.sum(3), Range::new(-6.0, 9.0));
        assert_eq!(a.prod(0), Range::point(1.0));
        assert_eq!(Range::new(-3.0, 2.0).int_pow(Range::new(0.0, 3.0)).hi, 27.0);
    }
}
