//! `math-expand-approximations`: replaces `math.exp`, `math.log`,
//! `math.log1p`, `math.expm1`, `math.tanh` and `math.erf` on `f32` (and
//! vectors of `f32`) by polynomial approximations made of `arith` ops and
//! the instruction-like `math.fma`, `math.absf`, `math.copysign` and
//! `math.floor`.
//!
//! The expansions are straight-line code: ranges and special values are
//! handled with `arith.select`, never with branches, so they vectorize and
//! neither backend calls the C library in a loop. Each is accurate to a
//! couple of units in the last place over the whole `f32` range, including
//! subnormals, infinities and NaN (the bounds and how they are measured
//! are in `docs/passes/math-expand-approximations.md`).
//!
//! Methods, per function (`x` the operand, `a = |x|`):
//!
//! - `exp`: `x` clamped to `[-104, 89]` (beyond which the result is 0 or
//!   +inf anyway); `k = floor(x log2(e) + 1/2)`; `r = x - k ln 2` in two
//!   steps (Cody and Waite); `e^r = 1 + r + r^2 P(r)` with `P` of degree
//!   5; the result `e^r 2^k1 2^k2` with `k1 = k >> 1`, `k2 = k - k1`, so
//!   both scale factors are normal floats and subnormal results are
//!   rounded once. NaN is passed through.
//! - `expm1`: the same reduction (`x` clamped to `[-18, 89]`) and kernel
//!   `m = r + r^2 P(r)`, then `fma(2^k, m, 2^k - 1)`, which is exact up
//!   to one rounding while `2^k - 1` is representable (with a further
//!   `2^64` factor for `k > 64`). The sign of `x` is copied onto the
//!   result (so `expm1(-0) = -0`).
//! - `log`: subnormals are scaled by `2^23` first; the bits of `x` give
//!   `x = 2^e m` with `m` in `[sqrt(1/2), sqrt(2))`; with `f = m - 1`,
//!   `s = f / (2 + f)` and `z = s^2`, `log(1 + f) = f - f^2/2 + s (f^2/2 +
//!   z R(z))` (`R` of degree 3, from the series of `2 atanh(s)`), and
//!   `log(x) = e ln2_hi + (log(1 + f) + e ln2_lo)` summed small terms
//!   first. `log(+-0) = -inf`, `log(x < 0) = NaN`, `log(+inf) = +inf`.
//! - `log1p`: `u = 1 + x` goes through the `log` kernel, plus the
//!   rounding error of `u` divided by `u` (`(x - (u - 1)) / u`, or
//!   `(1 - (u - x)) / u` when `u >= 2`). The sign of `x` is copied onto
//!   the result; `log1p(-1) = -inf`, below `-1` NaN.
//! - `tanh`: `expm1(2a) / (expm1(2a) + 2)` with `a` clamped to 10 (where
//!   `tanh` is 1 in `f32`), and the sign of `x`.
//! - `erf`: for `a < 0.875`, `erf(a) = a c0 + a z Q(z)` with `z = a^2`,
//!   `Q` of degree 5 and `c0 = 2/sqrt(pi)` split in two floats; on
//!   `[0.875, 1.75)`, `[1.75, 2.75)` and `[2.75, 3.92)` a polynomial of
//!   degree 8 in `a - mid`; 1 from 3.92 on (where `erf` is 1 in `f32`).
//!   One Horner evaluation serves all four pieces: the coefficients are
//!   chosen with `arith.select`. The sign of `x` is copied on.
//!
//! The polynomials are minimax fits (relative error for `exp`, `log` and
//! `erf` near 0, absolute error elsewhere) computed for this pass, with
//! each coefficient rounded to `f32` in turn and the others refitted.

use std::collections::HashMap;

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassState};
use tessera_compiler::{Attribute, Context, FloatKind, Location, OpId, Type, TypeData, Value};
use tessera_dialects::arith::{CmpFPredicate, CmpIPredicate};
use tessera_dialects::interp::scalar::{Scalar, elements_attr};

/// A function this pass expands.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Approx {
    /// `math.exp`.
    Exp,
    /// `math.expm1`.
    ExpM1,
    /// `math.log`.
    Log,
    /// `math.log1p`.
    Log1p,
    /// `math.tanh`.
    Tanh,
    /// `math.erf`.
    Erf,
}

impl Approx {
    /// Every function, in the order the docs list them.
    pub const ALL: [Approx; 6] = [
        Approx::Exp,
        Approx::ExpM1,
        Approx::Log,
        Approx::Log1p,
        Approx::Tanh,
        Approx::Erf,
    ];

    /// The short name used in the `ops` option and statistics (`exp`).
    pub fn name(self) -> &'static str {
        match self {
            Approx::Exp => "exp",
            Approx::ExpM1 => "expm1",
            Approx::Log => "log",
            Approx::Log1p => "log1p",
            Approx::Tanh => "tanh",
            Approx::Erf => "erf",
        }
    }

    /// The function named `name` (`exp`, or `math.exp`).
    pub fn from_name(name: &str) -> Option<Approx> {
        let short = name.strip_prefix("math.").unwrap_or(name);
        Approx::ALL.into_iter().find(|a| a.name() == short)
    }

    /// The `math` op it replaces.
    pub fn op_name(self) -> &'static str {
        match self {
            Approx::Exp => "math.exp",
            Approx::ExpM1 => "math.expm1",
            Approx::Log => "math.log",
            Approx::Log1p => "math.log1p",
            Approx::Tanh => "math.tanh",
            Approx::Erf => "math.erf",
        }
    }
}

/// The `math-expand-approximations` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct MathExpandApproximations {
    /// The functions expanded.
    pub ops: Vec<Approx>,
}

impl Default for MathExpandApproximations {
    fn default() -> Self {
        MathExpandApproximations {
            ops: Approx::ALL.to_vec(),
        }
    }
}

/// The registry entry of `math-expand-approximations`.
pub fn math_expand_approximations_info() -> PassInfo {
    PassInfo {
        name: "math-expand-approximations",
        summary: "Expand math.exp/expm1/log/log1p/tanh/erf on f32 into branch-free polynomial \
                  approximations",
        description: "Replaces `math.exp`, `math.expm1`, `math.log`, `math.log1p`, `math.tanh` \
            and `math.erf` whose type is `f32` or a vector of `f32` by straight-line `arith` \
            code (plus `math.fma`, `math.absf`, `math.copysign`, `math.floor`): range \
            reduction, a minimax polynomial and `arith.select` for special values. Accurate \
            to 1 or 2 ulp over the whole `f32` range (see \
            `docs/passes/math-expand-approximations.md`); other types are left alone. Runs \
            on any op.\n\nOption `ops`: the functions to expand (default: all of `exp, \
            expm1, log, log1p, tanh, erf`).\n\nStatistics: `num-expanded`, and \
            `num-expanded-<fn>` per function.",
        anchor: None,
        options: vec![PassOptionInfo {
            name: "ops",
            kind: OptionKind::List,
            default: "",
            help: "The functions to expand, of exp, expm1, log, log1p, tanh, erf; empty for all",
        }],
        create: |opts| {
            let names = opts.list("ops");
            if names.is_empty() {
                return Ok(Box::new(MathExpandApproximations::default()));
            }
            let mut ops = Vec::new();
            for n in names {
                let Some(a) = Approx::from_name(&n) else {
                    let known: Vec<&str> = Approx::ALL.iter().map(|a| a.name()).collect();
                    return Err(format!(
                        "unknown function '{n}' in 'ops' (expected one of: {})",
                        known.join(", ")
                    ));
                };
                if !ops.contains(&a) {
                    ops.push(a);
                }
            }
            Ok(Box::new(MathExpandApproximations { ops }))
        },
    }
}

impl Pass for MathExpandApproximations {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut counts: HashMap<Approx, u64> = HashMap::new();
        for o in ctx.walk_preorder(op) {
            let Some(kind) = Approx::from_name(ctx.op_name_of(o)).filter(|k| self.ops.contains(k))
            else {
                continue;
            };
            if expand(ctx, o, kind) {
                *counts.entry(kind).or_default() += 1;
            }
        }
        state.count("num-expanded", counts.values().sum());
        for kind in Approx::ALL {
            if let Some(&n) = counts.get(&kind) {
                state.count(&format!("num-expanded-{}", kind.name()), n);
            }
        }
        Ok(())
    }
}

/// Whether `op` has one operand and one result of one type, `f32` or a
/// vector of `f32`, and sits in a block (so code can go before it).
/// Fast-math flags are not needed: the expansions are as accurate as the
/// C library either way.
fn expandable(ctx: &Context, op: OpId) -> bool {
    let data = ctx.op(op);
    let ([x], [r]) = (&data.operands[..], &data.results[..]) else {
        return false;
    };
    let ty = ctx.value_type(*r);
    let elem = match ctx.type_data(ty) {
        TypeData::Vector { elem, .. } => *elem,
        _ => ty,
    };
    ctx.value_type(*x) == ty
        && matches!(ctx.type_data(elem), TypeData::Float(FloatKind::F32))
        && data.parent.is_some()
}

/// Replaces `op`, the `math` op of `kind` on `f32` or a vector of `f32`,
/// by its expansion, built right before it, and erases it. Returns
/// `false` (and changes nothing) for any other op.
pub fn expand(ctx: &mut Context, op: OpId, kind: Approx) -> bool {
    if !ctx.op_is(op, kind.op_name()) || !expandable(ctx, op) {
        return false;
    }
    let x = ctx.op(op).operands[0];
    let old = ctx.op(op).results[0];
    let loc = ctx.op(op).loc;
    let mut e = Emitter::new(ctx, op, loc);
    let new = match kind {
        Approx::Exp => exp(&mut e, x),
        Approx::ExpM1 => expm1(&mut e, x),
        Approx::Log => log(&mut e, x),
        Approx::Log1p => log1p(&mut e, x),
        Approx::Tanh => tanh(&mut e, x),
        Approx::Erf => erf(&mut e, x),
    };
    ctx.replace_all_uses(old, new);
    ctx.erase_op(op);
    true
}

// ----- the emitter ---------------------------------------------------------------

/// Builds `arith`/`math` ops of one shape (`f32` or `vector<..xf32>`, with
/// the matching `i32` and `i1` types) before an op, reusing constants.
struct Emitter<'a> {
    b: Builder<'a>,
    loc: Location,
    /// `f32` or `vector<..xf32>`.
    fty: Type,
    /// `i32` shaped like `fty`.
    ity: Type,
    /// Constants made so far, by (is float, bits).
    consts: HashMap<(bool, u32), Value>,
}

impl<'a> Emitter<'a> {
    fn new(ctx: &'a mut Context, before: OpId, loc: Location) -> Self {
        let fty = ctx.value_type(ctx.op(before).results[0]);
        let i32 = ctx.i32_type();
        let ity = match ctx.type_data(fty).clone() {
            TypeData::Vector { shape, .. } => ctx.vector_type(&shape, i32),
            _ => i32,
        };
        Emitter {
            b: Builder::new(ctx, InsertPoint::Before(before)),
            loc,
            fty,
            ity,
            consts: HashMap::new(),
        }
    }

    fn constant(&mut self, float: bool, bits: u32) -> Value {
        if let Some(&v) = self.consts.get(&(float, bits)) {
            return v;
        }
        let (ty, s) = if float {
            (
                self.fty,
                Scalar::float(f32::from_bits(bits) as f64, FloatKind::F32),
            )
        } else {
            (self.ity, Scalar::int(bits as i32 as i128, 32))
        };
        let attr = elements_attr(self.b.ctx, ty, &[s]).expect("f32 and i32 constants fit");
        let v = self.op1("arith.constant", &[], ty, &[("value", attr)]);
        self.consts.insert((float, bits), v);
        v
    }

    /// The float constant `v`.
    fn f(&mut self, v: f32) -> Value {
        self.constant(true, v.to_bits())
    }

    /// The integer constant `v`.
    fn i(&mut self, v: i32) -> Value {
        self.constant(false, v as u32)
    }

    fn op1(
        &mut self,
        name: &str,
        operands: &[Value],
        ty: Type,
        attrs: &[(&str, Attribute)],
    ) -> Value {
        self.b.create_value(name, operands, ty, attrs, self.loc)
    }

    fn fop(&mut self, name: &str, operands: &[Value]) -> Value {
        let ty = self.fty;
        self.op1(name, operands, ty, &[])
    }

    fn iop(&mut self, name: &str, operands: &[Value]) -> Value {
        let ty = self.ity;
        self.op1(name, operands, ty, &[])
    }

    fn add(&mut self, a: Value, b: Value) -> Value {
        self.fop("arith.addf", &[a, b])
    }

    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.fop("arith.subf", &[a, b])
    }

    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.fop("arith.mulf", &[a, b])
    }

    fn div(&mut self, a: Value, b: Value) -> Value {
        self.fop("arith.divf", &[a, b])
    }

    /// `a * b + c`, rounded once.
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        self.fop("math.fma", &[a, b, c])
    }

    fn floor(&mut self, a: Value) -> Value {
        self.fop("math.floor", &[a])
    }

    fn abs(&mut self, a: Value) -> Value {
        self.fop("math.absf", &[a])
    }

    /// `a` with the sign of `b`.
    fn copysign(&mut self, a: Value, b: Value) -> Value {
        self.fop("math.copysign", &[a, b])
    }

    /// `arith.cmpf <pred>, a, b`.
    fn cmpf(&mut self, pred: &str, a: Value, b: Value) -> Value {
        let p = CmpFPredicate::from_keyword(pred)
            .expect("a cmpf predicate")
            .to_attr(self.b.ctx);
        let ty = self.bool_type();
        self.op1("arith.cmpf", &[a, b], ty, &[("predicate", p)])
    }

    /// `arith.cmpi <pred>, a, b`.
    fn cmpi(&mut self, pred: &str, a: Value, b: Value) -> Value {
        let p = CmpIPredicate::from_keyword(pred)
            .expect("a cmpi predicate")
            .to_attr(self.b.ctx);
        let ty = self.bool_type();
        self.op1("arith.cmpi", &[a, b], ty, &[("predicate", p)])
    }

    fn bool_type(&mut self) -> Type {
        let i1 = self.b.ctx.i1_type();
        match self.b.ctx.type_data(self.fty).clone() {
            TypeData::Vector { shape, .. } => self.b.ctx.vector_type(&shape, i1),
            _ => i1,
        }
    }

    /// `c ? a : b`.
    fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        let ty = self.b.ctx.value_type(a);
        self.op1("arith.select", &[c, a, b], ty, &[])
    }

    /// `c ? a : b` for float constants.
    fn select_f(&mut self, c: Value, a: f32, b: f32) -> Value {
        let (a, b) = (self.f(a), self.f(b));
        self.select(c, a, b)
    }

    /// `x` where `x` is NaN, else `v`.
    fn keep_nan(&mut self, x: Value, v: Value) -> Value {
        let nan = self.cmpf("uno", x, x);
        self.select(nan, x, v)
    }

    /// `x` capped at `hi`, NaN going to `hi`.
    fn cap(&mut self, x: Value, hi: f32) -> Value {
        let h = self.f(hi);
        let above = self.cmpf("ugt", x, h);
        self.select(above, h, x)
    }

    /// `x` clamped to `[lo, hi]`, NaN going to `hi`.
    fn clamp(&mut self, x: Value, lo: f32, hi: f32) -> Value {
        let x = self.cap(x, hi);
        let l = self.f(lo);
        let below = self.cmpf("olt", x, l);
        self.select(below, l, x)
    }

    fn bits_of(&mut self, a: Value) -> Value {
        self.iop("arith.bitcast", &[a])
    }

    fn float_of_bits(&mut self, a: Value) -> Value {
        self.fop("arith.bitcast", &[a])
    }

    /// `2^k` for an integer `k` in `[-126, 127]`, built from its bits.
    fn pow2(&mut self, k: Value) -> Value {
        let bias = self.i(127);
        let biased = self.iop("arith.addi", &[k, bias]);
        let shift = self.i(23);
        let bits = self.iop("arith.shli", &[biased, shift]);
        self.float_of_bits(bits)
    }

    /// `c[0] + t (c[1] + t (c[2] + ...))`.
    fn horner(&mut self, t: Value, c: &[f32]) -> Value {
        let (&last, rest) = c.split_last().expect("a non-empty polynomial");
        let mut acc = self.f(last);
        for &ci in rest.iter().rev() {
            let ci = self.f(ci);
            acc = self.fma(acc, t, ci);
        }
        acc
    }
}

// ----- constants -----------------------------------------------------------------

/// `log2(e)`.
const LOG2E: f32 = std::f32::consts::LOG2_E;
/// `ln 2` in two parts for the reduction of `exp`: `CW_HI` has few bits
/// so that `k * CW_HI` is exact for the `k` that occur.
const CW_HI: f32 = 0.693_359_4;
/// `ln 2 - CW_HI`.
const CW_LO: f32 = -2.121_944_4e-4;
/// `ln 2` in two parts for `log`: `LN2_HI` has 16 significant bits, so
/// `e * LN2_HI` is exact for every exponent `e`.
const LN2_HI: f32 = 0.693_145_75;
/// `ln 2 - LN2_HI`.
const LN2_LO: f32 = 1.428_606_8e-6;
/// `expm1(r) = r + r^2 EXP_P(r)` for `|r| <= ln(2) / 2`.
const EXP_P: [f32; 6] = [
    0.5,
    0.166_666_67,
    0.041_666_53,
    0.008_333_245,
    0.001_392_874_9,
    0.000_199_087_95,
];
/// Below it, `tanh(a) = a + a z TANH_T(z)` with `z = a^2`.
const TANH_SPLIT: f32 = 0.625;
/// See [`TANH_SPLIT`].
const TANH_T: [f32; 6] = [
    -0.333_333_34,
    0.133_334_35,
    -0.053_984_58,
    0.021_942_77,
    -0.008_836_968,
    0.002_785_748,
];
/// `2 atanh(s) = 2 s + s z LOG_R(z)` for `z = s^2 <= 0.02944`.
const LOG_R: [f32; 4] = [0.666_666_7, 0.399_988_95, 0.286_600_65, 0.208_804_18];
/// The bits of `sqrt(1/2)`: `log` splits mantissas at it.
const SQRT_HALF_BITS: i32 = 0x3f35_04f3;
/// `2 / sqrt(pi)` as the sum of two floats.
const ERF_C0_HI: f32 = std::f32::consts::FRAC_2_SQRT_PI;
/// `2 / sqrt(pi) - ERF_C0_HI`.
const ERF_C0_LO: f32 = -5.863_538_3e-8;
/// `erf(a) = a c0 + a z ERF_Q(z)` for `z = a^2 < 0.875^2`.
const ERF_Q: [f32; 6] = [
    -0.376_126_38,
    0.112_837_225,
    -0.026_858_434,
    0.005_192_403,
    -0.000_797_534_2,
    7.375_231_5e-5,
];
/// Where the pieces of `erf` start, and where it is 1.
const ERF_SPLITS: [f32; 4] = [0.875, 1.75, 2.75, 3.92];
/// The middles of the three outer pieces of `erf`.
const ERF_MIDS: [f32; 3] = [1.3125, 2.25, 3.335];
/// `erf(mid + t)` on each outer piece, coefficients of `t^0 .. t^8`.
const ERF_B: [[f32; 9]; 3] = [
    [
        0.936_568_56,
        0.201_518_52,
        -0.264_490_66,
        0.164_259_09,
        -0.019_685_056,
        -0.039_003_39,
        0.022_680_383,
        0.001_304_956_2,
        -0.005_872_202_6,
    ],
    [
        0.998_537_3,
        0.007_142_319,
        -0.016_072_366,
        0.021_724_122,
        -0.019_043_962,
        0.010_673_668,
        -0.003_137_213_4,
        -0.000_813_474_53,
        0.001_428_684,
    ],
    [
        0.999_997_6,
        1.667_760_8e-5,
        -5.708_533_4e-5,
        0.000_118_163_27,
        -0.000_157_574_86,
        0.000_200_824_9,
        -0.000_272_292_64,
        0.000_132_844_35,
        7.069_956e-5,
    ],
];

// ----- the expansions --------------------------------------------------------------

/// `k = round(x / ln 2)` (as a float) and `r = x - k ln 2`.
fn reduce_ln2(e: &mut Emitter<'_>, x: Value) -> (Value, Value) {
    let log2e = e.f(LOG2E);
    let half = e.f(0.5);
    let t = e.fma(x, log2e, half);
    let k = e.floor(t);
    let hi = e.f(-CW_HI);
    let r = e.fma(k, hi, x);
    let lo = e.f(-CW_LO);
    let r = e.fma(k, lo, r);
    (k, r)
}

/// `expm1(r)` for `|r| <= ln(2) / 2`.
fn expm1_kernel(e: &mut Emitter<'_>, r: Value) -> Value {
    let p = e.horner(r, &EXP_P);
    let r2 = e.mul(r, r);
    e.fma(r2, p, r)
}

fn exp(e: &mut Emitter<'_>, x: Value) -> Value {
    let xc = e.clamp(x, -104.0, 89.0);
    let (kf, r) = reduce_ln2(e, xc);
    let m = expm1_kernel(e, r);
    let one = e.f(1.0);
    let er = e.add(m, one);
    // k is in [-150, 128]: scale in two normal steps.
    let k = e.iop("arith.fptosi", &[kf]);
    let one_i = e.i(1);
    let k1 = e.iop("arith.shrsi", &[k, one_i]);
    let k2 = e.iop("arith.subi", &[k, k1]);
    let s1 = e.pow2(k1);
    let s2 = e.pow2(k2);
    let y = e.mul(er, s1);
    let y = e.mul(y, s2);
    e.keep_nan(x, y)
}

/// `expm1(y)` for `y` in `[-18, 89]` (`[-18, 44]` unless `may_be_large`).
fn expm1_clamped(e: &mut Emitter<'_>, y: Value, may_be_large: bool) -> Value {
    let (kf, r) = reduce_ln2(e, y);
    let m = expm1_kernel(e, r);
    let k = e.iop("arith.fptosi", &[kf]);
    // expm1(y) = 2^k m + (2^k - 1). For k > 64, 2^k is split into
    // 2^(k-64) 2^64, and "1" becomes 2^-64 before the final scaling.
    let (k, unit, post) = if may_be_large {
        let c64 = e.i(64);
        let big = e.cmpi("sgt", k, c64);
        let zero = e.i(0);
        let k1 = e.select(big, c64, zero);
        let kk = e.iop("arith.subi", &[k, k1]);
        let unit = e.select_f(big, 2f32.powi(-64), 1.0);
        let post = e.select_f(big, 2f32.powi(64), 1.0);
        (kk, unit, Some(post))
    } else {
        (k, e.f(1.0), None)
    };
    let s = e.pow2(k);
    // 2^k - 1 = c_hi + c_lo exactly (c_lo is nonzero from k = 25 on);
    // c_lo / 2^k joins m, so the sum is rounded once.
    let c_hi = e.sub(s, unit);
    let back = e.sub(s, c_hi);
    let c_lo = e.sub(back, unit);
    let zero = e.i(0);
    let neg_k = e.iop("arith.subi", &[zero, k]);
    let inv = e.pow2(neg_k);
    let m = e.fma(c_lo, inv, m);
    let y = e.fma(s, m, c_hi);
    match post {
        Some(p) => e.mul(y, p),
        None => y,
    }
}

fn expm1(e: &mut Emitter<'_>, x: Value) -> Value {
    let xc = e.clamp(x, -18.0, 89.0);
    let y = expm1_clamped(e, xc, true);
    let y = e.copysign(y, x);
    e.keep_nan(x, y)
}

fn tanh(e: &mut Emitter<'_>, x: Value) -> Value {
    let a = e.abs(x);
    let a = e.cap(a, 10.0);
    // Small |x|: a + a z T(z), z = a^2.
    let z = e.mul(a, a);
    let tz = e.horner(z, &TANH_T);
    let azt = e.mul(z, tz);
    let small = e.fma(a, azt, a);
    // Otherwise 1 - 2 / (expm1(2a) + 2).
    let a2 = e.add(a, a);
    let m = expm1_clamped(e, a2, false);
    let two = e.f(2.0);
    let d = e.add(m, two);
    let q = e.div(two, d);
    let one = e.f(1.0);
    let large = e.sub(one, q);
    let split = e.f(TANH_SPLIT);
    let is_small = e.cmpf("olt", a, split);
    let t = e.select(is_small, small, large);
    let t = e.copysign(t, x);
    e.keep_nan(x, t)
}

/// `log(u) + c` for a positive normal `u`, with `eadj` added to the
/// exponent of `u` (for inputs scaled by a power of two).
fn log_kernel(e: &mut Emitter<'_>, u: Value, c: Option<Value>, eadj: Option<Value>) -> Value {
    let bits = e.bits_of(u);
    // Moves mantissas at or above sqrt(2) into the next binade, so that
    // m = 2^-e u lands in [sqrt(1/2), sqrt(2)).
    let shift = e.i(0x3f80_0000 - SQRT_HALF_BITS);
    let ib = e.iop("arith.addi", &[bits, shift]);
    let c23 = e.i(23);
    let biased = e.iop("arith.shrsi", &[ib, c23]);
    let c127 = e.i(127);
    let mut ei = e.iop("arith.subi", &[biased, c127]);
    if let Some(adj) = eadj {
        ei = e.iop("arith.addi", &[ei, adj]);
    }
    let mask = e.i(0x007f_ffff);
    let mant = e.iop("arith.andi", &[ib, mask]);
    let base = e.i(SQRT_HALF_BITS);
    let mbits = e.iop("arith.addi", &[mant, base]);
    let m = e.float_of_bits(mbits);
    let one = e.f(1.0);
    let f = e.sub(m, one);
    let two = e.f(2.0);
    let d = e.add(two, f);
    let s = e.div(f, d);
    let z = e.mul(s, s);
    let rp = e.horner(z, &LOG_R);
    let rz = e.mul(z, rp);
    let half = e.f(0.5);
    let hf = e.mul(half, f);
    let hfsq = e.mul(hf, f);
    let ef = e.fop("arith.sitofp", &[ei]);
    let lo = e.f(LN2_LO);
    let t = match c {
        Some(c) => e.fma(ef, lo, c),
        None => e.mul(ef, lo),
    };
    let sum = e.add(hfsq, rz);
    let t = e.fma(s, sum, t);
    let corr = e.sub(hfsq, t);
    let l = e.sub(f, corr);
    let hi = e.f(LN2_HI);
    e.fma(ef, hi, l)
}

fn log(e: &mut Emitter<'_>, x: Value) -> Value {
    let min_normal = e.f(f32::MIN_POSITIVE);
    let sub = e.cmpf("olt", x, min_normal);
    let scale = e.f(8_388_608.0);
    let scaled = e.mul(x, scale);
    let u = e.select(sub, scaled, x);
    let (m23, zero) = (e.i(-23), e.i(0));
    let adj = e.select(sub, m23, zero);
    let y = log_kernel(e, u, None, Some(adj));
    special_log(e, x, y, 0.0)
}

/// The special values of `log` and `log1p`: `+inf` at `+inf`, `-inf` at
/// `pole`, NaN below it (and at NaN).
fn special_log(e: &mut Emitter<'_>, x: Value, y: Value, pole: f32) -> Value {
    let inf = e.f(f32::INFINITY);
    let is_inf = e.cmpf("oeq", x, inf);
    let y = e.select(is_inf, inf, y);
    let p = e.f(pole);
    let at_pole = e.cmpf("oeq", x, p);
    let ninf = e.f(f32::NEG_INFINITY);
    let y = e.select(at_pole, ninf, y);
    let below = e.cmpf("ult", x, p);
    let nan = e.f(f32::NAN);
    e.select(below, nan, y)
}

fn log1p(e: &mut Emitter<'_>, x: Value) -> Value {
    let one = e.f(1.0);
    let u = e.add(one, x);
    // The rounding error of u = 1 + x, exactly (Fast2Sum): the larger
    // operand decides the order of the subtractions.
    let x_big = e.cmpf("ogt", x, one);
    let ux = e.sub(u, x);
    let c_big = e.sub(one, ux);
    let u1 = e.sub(u, one);
    let c_small = e.sub(x, u1);
    let c = e.select(x_big, c_big, c_small);
    let c = e.div(c, u);
    let y = log_kernel(e, u, Some(c), None);
    let y = e.copysign(y, x);
    special_log(e, x, y, -1.0)
}

fn erf(e: &mut Emitter<'_>, x: Value) -> Value {
    let a = e.abs(x);
    let mut piece = Vec::new();
    for s in &ERF_SPLITS[..3] {
        let s = e.f(*s);
        piece.push(e.cmpf("oge", a, s));
    }
    // The coefficient of t^k for the piece `a` is in.
    let coeff = |e: &mut Emitter<'_>, k: usize| -> Value {
        let inner = if k == 0 {
            0.0
        } else {
            ERF_Q.get(k - 1).copied().unwrap_or(0.0)
        };
        let mut v = e.f(inner);
        for (p, b) in piece.iter().zip(&ERF_B) {
            let bk = e.f(b[k]);
            v = e.select(*p, bk, v);
        }
        v
    };
    let mut mid = e.f(ERF_MIDS[0]);
    for (p, &m) in piece[1..].iter().zip(&ERF_MIDS[1..]) {
        let mv = e.f(m);
        mid = e.select(*p, mv, mid);
    }
    let z = e.mul(a, a);
    let am = e.sub(a, mid);
    let t = e.select(piece[0], am, z);
    let mut acc = coeff(e, 8);
    for k in (1..8).rev() {
        let ck = coeff(e, k);
        acc = e.fma(acc, t, ck);
    }
    // Inner piece: a c0_hi + (a z Q(z) + a c0_lo).
    let az = e.mul(a, z);
    let c0lo = e.f(ERF_C0_LO);
    let alo = e.mul(a, c0lo);
    let tail = e.fma(acc, az, alo);
    let c0hi = e.f(ERF_C0_HI);
    let inner = e.fma(a, c0hi, tail);
    // Outer pieces: B0 + t B(t).
    let b0 = coeff(e, 0);
    let outer = e.fma(acc, t, b0);
    let y = e.select(piece[0], outer, inner);
    let sat = e.f(ERF_SPLITS[3]);
    let is_one = e.cmpf("oge", a, sat);
    let one = e.f(1.0);
    let y = e.select(is_one, one, y);
    // NaN propagates through the inner piece; the sign comes from x.
    e.copysign(y, x)
}
