//! Element-wise ops: one loop nest over the result's shape, loading each
//! operand at the broadcast subscripts (a stretched dimension reads index
//! 0) and storing one scalar computation.
//!
//! The scalar forms follow the reference interpreter
//! (`interp::kernels::elementwise`, `compare`, `Tensor::cast_to`), computed
//! in the element type: `relu` keeps NaN (`cmpf ugt` + `select`), `max` and
//! `min` propagate NaN (`maximumf`/`minimumf`), `gelu` is exact through
//! `math.erf`, integer ops wrap, integer `pow` squares and multiplies over
//! the exponent's bits, and float-to-integer casts saturate (NaN gives 0).

use tessera_compiler::Value;
use tessera_dialects::arith::{CmpFPredicate, CmpIPredicate};
use tessera_dialects::interp::kernels::{BinaryOp, UnaryOp};

use super::emit::{self, Emitter, Kind, kind_of};

fn elem_kind(em: &Emitter<'_>, v: Value) -> Result<Kind, String> {
    let ty = emit::elem_of(em.ctx, v);
    kind_of(em.ctx, ty).ok_or_else(|| "unsupported element type".to_string())
}

/// A one-operand element-wise op.
pub(crate) fn unary(em: &mut Emitter<'_>, u: UnaryOp, x: Value, out: Value) -> Result<(), String> {
    let kind = elem_kind(em, x)?;
    match kind {
        Kind::Float => {}
        Kind::Int if u.accepts_int() => {}
        _ => return Err(format!("'{}' of this element type", u.op_name())),
    }
    let shape = emit::shape_of(em.ctx, out);
    let subs = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        let y = unary_scalar(em, u, kind, v);
        em.store(y, out, &subs, ivs);
    });
    Ok(())
}

fn unary_scalar(em: &mut Emitter<'_>, u: UnaryOp, kind: Kind, x: Value) -> Value {
    let ty = em.ctx.value_type(x);
    if kind == Kind::Int {
        return match u {
            UnaryOp::Neg => {
                let z = em.int(ty, 0);
                em.bin("arith.subi", z, x)
            }
            UnaryOp::Abs => {
                // max(x, -x) wraps like the interpreter: abs(MIN) = MIN.
                let z = em.int(ty, 0);
                let n = em.bin("arith.subi", z, x);
                em.bin("arith.maxsi", x, n)
            }
            UnaryOp::Relu => {
                let z = em.int(ty, 0);
                em.bin("arith.maxsi", x, z)
            }
            _ => em.bin("arith.muli", x, x),
        };
    }
    match u {
        UnaryOp::Neg => em.un("arith.negf", x),
        UnaryOp::Abs => em.un("math.absf", x),
        UnaryOp::Exp => em.un("math.exp", x),
        UnaryOp::Log => em.un("math.log", x),
        UnaryOp::Log1p => em.un("math.log1p", x),
        UnaryOp::Expm1 => em.un("math.expm1", x),
        UnaryOp::Sqrt => em.un("math.sqrt", x),
        UnaryOp::Rsqrt => em.un("math.rsqrt", x),
        UnaryOp::Reciprocal => {
            let one = em.float(ty, 1.0);
            em.bin("arith.divf", one, x)
        }
        UnaryOp::Tanh => em.un("math.tanh", x),
        UnaryOp::Sigmoid => {
            // 1 / (1 + e^-x): e^-x overflows to inf for very negative x,
            // giving 0, as the interpreter's split form does.
            let one = em.float(ty, 1.0);
            let n = em.un("arith.negf", x);
            let e = em.un("math.exp", n);
            let d = em.bin("arith.addf", one, e);
            em.bin("arith.divf", one, d)
        }
        UnaryOp::Relu => {
            // `ugt` is true for NaN, so NaN passes through as in the
            // interpreter; anything else not above 0 becomes +0.0.
            let z = em.float(ty, 0.0);
            let c = em.cmpf(CmpFPredicate::Ugt, x, z);
            em.select(c, x, z)
        }
        UnaryOp::Gelu => {
            let half = em.float(ty, 0.5);
            let one = em.float(ty, 1.0);
            let sqrt2 = em.float(ty, std::f64::consts::SQRT_2);
            let t = em.bin("arith.divf", x, sqrt2);
            let e = em.un("math.erf", t);
            let s = em.bin("arith.addf", one, e);
            let h = em.bin("arith.mulf", half, x);
            em.bin("arith.mulf", h, s)
        }
        UnaryOp::Erf => em.un("math.erf", x),
        UnaryOp::Sin => em.un("math.sin", x),
        UnaryOp::Cos => em.un("math.cos", x),
        UnaryOp::Floor => em.un("math.floor", x),
        UnaryOp::Ceil => em.un("math.ceil", x),
        UnaryOp::Square => em.bin("arith.mulf", x, x),
    }
}

/// A two-operand element-wise op with broadcasting.
pub(crate) fn binary(
    em: &mut Emitter<'_>,
    op: BinaryOp,
    a: Value,
    b: Value,
    out: Value,
) -> Result<(), String> {
    let kind = elem_kind(em, a)?;
    if kind == Kind::Bool && !matches!(op, BinaryOp::Max | BinaryOp::Min) {
        return Err(format!("'{}' of i1 operands", op.op_name()));
    }
    let shape = emit::shape_of(em.ctx, out);
    let sa = emit::broadcast_subscripts(&emit::shape_of(em.ctx, a), &shape);
    let sb = emit::broadcast_subscripts(&emit::shape_of(em.ctx, b), &shape);
    let so = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let x = em.load(a, &sa, ivs);
        let y = em.load(b, &sb, ivs);
        let r = binary_scalar(em, op, kind, x, y);
        em.store(r, out, &so, ivs);
    });
    Ok(())
}

fn binary_scalar(em: &mut Emitter<'_>, op: BinaryOp, kind: Kind, x: Value, y: Value) -> Value {
    let name = match (kind, op) {
        (Kind::Float, BinaryOp::Add) => "arith.addf",
        (Kind::Float, BinaryOp::Sub) => "arith.subf",
        (Kind::Float, BinaryOp::Mul) => "arith.mulf",
        (Kind::Float, BinaryOp::Div) => "arith.divf",
        (Kind::Float, BinaryOp::Max) => "arith.maximumf",
        (Kind::Float, BinaryOp::Min) => "arith.minimumf",
        (Kind::Float, BinaryOp::Pow) => "math.powf",
        (Kind::Int, BinaryOp::Add) => "arith.addi",
        (Kind::Int, BinaryOp::Sub) => "arith.subi",
        (Kind::Int, BinaryOp::Mul) => "arith.muli",
        (Kind::Int, BinaryOp::Div) => "arith.divsi",
        (Kind::Int, BinaryOp::Max) => "arith.maxsi",
        (Kind::Int, BinaryOp::Min) => "arith.minsi",
        (Kind::Int, BinaryOp::Pow) => return int_pow(em, x, y),
        (Kind::Bool, BinaryOp::Min) => "arith.andi",
        _ => "arith.ori",
    };
    em.bin(name, x, y)
}

/// `base ^ exp` for a non-negative integer `exp`, wrapping: square and
/// multiply over the exponent's bits (a loop of the type's width).
fn int_pow(em: &mut Emitter<'_>, base: Value, exp: Value) -> Value {
    let ty = em.ctx.value_type(base);
    let width = i64::from(emit::bit_width(em.ctx, ty));
    let one = em.int(ty, 1);
    let r = em.nest_iter(&[], &[width], &[one, base, exp], |em, _, c| {
        let (acc, b, e) = (c[0], c[1], c[2]);
        let one = em.int(ty, 1);
        let zero = em.int(ty, 0);
        let bit = em.bin("arith.andi", e, one);
        let odd = em.cmpi(CmpIPredicate::Ne, bit, zero);
        let times = em.bin("arith.muli", acc, b);
        let acc = em.select(odd, times, acc);
        let b = em.bin("arith.muli", b, b);
        let e = em.bin("arith.shrui", e, one);
        vec![acc, b, e]
    });
    r[0]
}

/// `graph.cmp` with `predicate`: ordered float comparisons (`ne` is
/// unordered: true with a NaN), signed integers, unsigned `i1`.
pub(crate) fn cmp(
    em: &mut Emitter<'_>,
    predicate: &str,
    a: Value,
    b: Value,
    out: Value,
) -> Result<(), String> {
    let kind = elem_kind(em, a)?;
    let idx = ["eq", "ne", "lt", "le", "gt", "ge"]
        .iter()
        .position(|&p| p == predicate)
        .ok_or_else(|| format!("unknown predicate \"{predicate}\""))?;
    let shape = emit::shape_of(em.ctx, out);
    let sa = emit::broadcast_subscripts(&emit::shape_of(em.ctx, a), &shape);
    let sb = emit::broadcast_subscripts(&emit::shape_of(em.ctx, b), &shape);
    let so = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let x = em.load(a, &sa, ivs);
        let y = em.load(b, &sb, ivs);
        let r = match kind {
            Kind::Float => {
                use CmpFPredicate::*;
                em.cmpf([Oeq, Une, Olt, Ole, Ogt, Oge][idx], x, y)
            }
            Kind::Int => {
                use CmpIPredicate::*;
                em.cmpi([Eq, Ne, Slt, Sle, Sgt, Sge][idx], x, y)
            }
            Kind::Bool => {
                use CmpIPredicate::*;
                em.cmpi([Eq, Ne, Ult, Ule, Ugt, Uge][idx], x, y)
            }
        };
        em.store(r, out, &so, ivs);
    });
    Ok(())
}

/// `graph.select`: `np.where` with all three operands broadcast.
pub(crate) fn select(
    em: &mut Emitter<'_>,
    c: Value,
    a: Value,
    b: Value,
    out: Value,
) -> Result<(), String> {
    if elem_kind(em, c)? != Kind::Bool {
        return Err("the condition must be i1".into());
    }
    let shape = emit::shape_of(em.ctx, out);
    let sc = emit::broadcast_subscripts(&emit::shape_of(em.ctx, c), &shape);
    let sa = emit::broadcast_subscripts(&emit::shape_of(em.ctx, a), &shape);
    let sb = emit::broadcast_subscripts(&emit::shape_of(em.ctx, b), &shape);
    let so = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let k = em.load(c, &sc, ivs);
        let x = em.load(a, &sa, ivs);
        let y = em.load(b, &sb, ivs);
        let r = em.select(k, x, y);
        em.store(r, out, &so, ivs);
    });
    Ok(())
}

/// `graph.cast` to the element type of `out`.
pub(crate) fn cast(em: &mut Emitter<'_>, x: Value, out: Value) -> Result<(), String> {
    elem_kind(em, x)?;
    elem_kind(em, out)?;
    let to = emit::elem_of(em.ctx, out);
    let shape = emit::shape_of(em.ctx, out);
    let subs = emit::dims(shape.len());
    em.nest(&shape, |em, ivs| {
        let v = em.load(x, &subs, ivs);
        let r = cast_scalar(em, v, to);
        em.store(r, out, &subs, ivs);
    });
    Ok(())
}

/// Converts one element as `Tensor::cast_to` does: float to integer
/// truncates toward zero and saturates (NaN gives 0), integers wrap when
/// narrowed, anything to `i1` is `x != 0` (NaN is true), `i1` to a number
/// is 0 or 1, to a float rounds to nearest.
pub(crate) fn cast_scalar(em: &mut Emitter<'_>, x: Value, to: tessera_compiler::Type) -> Value {
    let from = em.ctx.value_type(x);
    if from == to {
        return x;
    }
    let (fk, tk) = (
        kind_of(em.ctx, from).unwrap_or(Kind::Float),
        kind_of(em.ctx, to).unwrap_or(Kind::Float),
    );
    let (fw, tw) = (emit::bit_width(em.ctx, from), emit::bit_width(em.ctx, to));
    match (fk, tk) {
        (Kind::Float, Kind::Float) if tw > fw => em.conv("arith.extf", x, to),
        (Kind::Float, Kind::Float) => em.conv("arith.truncf", x, to),
        (Kind::Float, Kind::Int) => saturating_fptosi(em, x, to),
        (Kind::Float, Kind::Bool) => {
            let z = em.float(from, 0.0);
            em.cmpf(CmpFPredicate::Une, x, z)
        }
        (Kind::Int, Kind::Float) => em.conv("arith.sitofp", x, to),
        (Kind::Int, Kind::Int) if tw > fw => em.conv("arith.extsi", x, to),
        (Kind::Int, Kind::Int) => em.conv("arith.trunci", x, to),
        (Kind::Int, Kind::Bool) => {
            let z = em.int(from, 0);
            em.cmpi(CmpIPredicate::Ne, x, z)
        }
        (Kind::Bool, Kind::Float) => em.conv("arith.uitofp", x, to),
        (Kind::Bool, _) => em.conv("arith.extui", x, to),
    }
}

/// `fptosi` made total: values at or beyond the integer range saturate
/// and NaN gives 0 (`fptosi` alone is poison there). The bounds ±2^(w-1)
/// are exact in every float type.
fn saturating_fptosi(em: &mut Emitter<'_>, x: Value, to: tessera_compiler::Type) -> Value {
    let from = em.ctx.value_type(x);
    let w = emit::bit_width(em.ctx, to);
    let bound = 2f64.powi(w as i32 - 1);
    let lo = em.float(from, -bound);
    let hi = em.float(from, bound);
    let zero = em.float(from, 0.0);
    let above = em.cmpf(CmpFPredicate::Oge, x, hi);
    let below = em.cmpf(CmpFPredicate::Olt, x, lo);
    let ge_lo = em.cmpf(CmpFPredicate::Oge, x, lo);
    let lt_hi = em.cmpf(CmpFPredicate::Olt, x, hi);
    let inside = em.bin("arith.andi", ge_lo, lt_hi);
    let safe = em.select(inside, x, zero);
    let t = em.conv("arith.fptosi", safe, to);
    let (min, max) = if w >= 64 {
        (i64::MIN, i64::MAX)
    } else {
        (-(1i64 << (w - 1)), (1i64 << (w - 1)) - 1)
    };
    let min = em.int(to, min);
    let max = em.int(to, max);
    let r = em.select(below, min, t);
    em.select(above, max, r)
}
