//! Folds of the `arith` ops, after MLIR 19's:
//!
//! - Constant folding: when every operand is a constant (scalar or dense),
//!   the op is evaluated element by element with the interpreter's scalar
//!   semantics ([`crate::interp::scalar`]), so a fold never disagrees with
//!   the interpreter. Nothing is folded where evaluation is undefined
//!   (division by zero, `MIN / -1`, over-wide shifts, out-of-range
//!   float-to-integer conversions). As MLIR 19 does, `truncf` folds only
//!   when exact, and `ceildivsi` not when an operand is `MIN` (MLIR's
//!   intermediate negation overflows). MLIR 19 folds `maxnumf(x, NaN)` to
//!   NaN, against its documented meaning (and LLVM's `maxnum`); we leave
//!   `maxnumf` with a NaN operand unfolded rather than fold it either way.
//! - Identities MLIR folds, e.g. `addi(x, 0) → x`, `muli(x, 0) → 0`,
//!   `subi(x, x) → 0`, `addi(subi(a, b), b) → a`, `andi(x, ~x) → 0`,
//!   `xori(xori(x, a), a) → x`, `divsi(x, 1) → x`, `remui(x, 1) → 0`,
//!   `maxsi(x, MAX) → MAX`, `cmpi sle, x, x → true`, `select(c, x, x) → x`,
//!   `select(true, a, b) → a`, `select(c, true, false) → c`,
//!   `negf(negf(x)) → x`, `trunci(extsi(x)) → x`, `index_cast(index_cast(x)) → x`,
//!   `bitcast(bitcast(x)) → x`; for floats only those IEEE allows:
//!   `x + -0.0`, `x - 0.0`, `x * 1.0`, `x / 1.0`, `maximumf(x, -inf)`,
//!   `minimumf(x, +inf)`, and `cmpf` with a NaN operand. (MLIR 19 also
//!   folds `maxnumf(x, -inf)` and `minnumf(x, +inf)` to `x`, which is wrong
//!   when `x` is NaN; we leave those.)
//!
//! Folds that would create ops (reassociating constants, shortening cast
//! chains) are canonicalization patterns ([`super::patterns`]).

use tessera_compiler::ir::Builder;
use tessera_compiler::syntax::attr_type;
use tessera_compiler::{Attribute, Context, FoldResult, Location, OpId, Type, Value};

use super::attrs::{CmpFPredicate, CmpIPredicate};
use super::ops::ArithOp;
use super::syntax::{PREDICATE, is_constant_value};
use crate::interp::scalar::{
    ElemTy, OpKind, Scalar, ScalarOp, attr_elements, attr_splat, elements_attr, mask,
};

/// The most elements a constant fold computes; bigger constants are left alone.
pub const MAX_FOLD_ELEMENTS: usize = 1 << 22;

/// Decides, from the operands and the result of an evaluation, that a
/// constant fold should not be made.
pub(crate) type Decline = fn(&ScalarOp, &[Scalar], &Scalar) -> bool;

/// Constant-folds `op` if every operand is constant: element-wise with
/// [`ScalarOp::eval`], splats staying splats. `None` if an operand is not
/// constant, an evaluation fails, or `decline` says no.
pub(crate) fn constant_fold(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
    decline: Decline,
) -> Option<Attribute> {
    let consts: Vec<Attribute> = operands.iter().copied().collect::<Option<_>>()?;
    if consts.len() != ctx.op(op).operands.len() {
        return None;
    }
    let sop = ScalarOp::new(ctx, op).ok()?;
    let rt = ctx.value_type(ctx.op(op).results[0]);
    let eval = |args: &[Scalar]| -> Option<Scalar> {
        let r = sop.eval(args).ok()?;
        (!decline(&sop, args, &r)).then_some(r)
    };
    let splats: Option<Vec<Scalar>> = consts.iter().map(|&a| attr_splat(ctx, a)).collect();
    if let Some(args) = splats {
        let r = eval(&args)?;
        return elements_attr(ctx, rt, &[r]);
    }
    let mut lanes = Vec::with_capacity(consts.len());
    let mut n = 1usize;
    for &a in &consts {
        let e = match attr_splat(ctx, a) {
            Some(s) => vec![s],
            None => attr_elements(ctx, a)?,
        };
        if e.len() > MAX_FOLD_ELEMENTS {
            return None;
        }
        if e.len() != 1 {
            if n != 1 && n != e.len() {
                return None;
            }
            n = e.len();
        }
        lanes.push(e);
    }
    let mut out = Vec::with_capacity(n);
    let mut args = Vec::with_capacity(lanes.len());
    for i in 0..n {
        args.clear();
        args.extend(lanes.iter().map(|l| if l.len() == 1 { l[0] } else { l[i] }));
        out.push(eval(&args)?);
    }
    elements_attr(ctx, rt, &out)
}

/// The fold hook of every `arith` op.
pub fn fold_op(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    let kind = ArithOp::from_name(ctx.op_name_of(op))?;
    if kind == ArithOp::Constant {
        return ctx.attr(op, "value").map(|a| vec![FoldResult::Attr(a)]);
    }
    if ctx.op(op).results.len() != 1 {
        return None;
    }
    // Constants first, so all-constant operands give a constant even where
    // an identity would return one of them.
    if let Some(c) = constant_fold(ctx, op, operands, decline) {
        return Some(vec![FoldResult::Attr(c)]);
    }
    identity(ctx, op, kind, operands).map(|r| vec![r])
}

/// Where MLIR 19 does not constant-fold what the interpreter computes.
fn decline(op: &ScalarOp, args: &[Scalar], result: &Scalar) -> bool {
    match op.kind() {
        OpKind::Arith(ArithOp::MaxNumF) => args.iter().any(Scalar::is_nan),
        OpKind::Arith(ArithOp::TruncF) => {
            // Exact iff widening back gives the operand, bit for bit.
            let back = ScalarOp::arith(ArithOp::ExtF, args[0].ty());
            back.eval(&[*result]).ok() != Some(args[0])
        }
        OpKind::Arith(ArithOp::CeilDivSI) => {
            let (a, b) = (args[0], args[1]);
            let is_min = |s: Scalar| match s {
                Scalar::Int { bits, width } => bits == 1 << (width - 1),
                Scalar::Index(v) => v == i64::MIN,
                _ => false,
            };
            a.raw_bits() != 0 && (is_min(a) || is_min(b))
        }
        _ => false,
    }
}

/// The scalar a constant operand holds when it is a scalar or a splat.
pub(crate) fn splat(ctx: &Context, a: Option<Attribute>) -> Option<Scalar> {
    attr_splat(ctx, a?)
}

fn is_zero(s: Option<Scalar>) -> bool {
    s.is_some_and(|s| s.as_unsigned() == Some(0))
}

fn is_one(s: Option<Scalar>) -> bool {
    s.is_some_and(|s| s.as_unsigned() == Some(1))
}

fn is_all_ones(s: Option<Scalar>) -> bool {
    s.is_some_and(|s| s.as_unsigned() == Some(mask(s.ty().width())))
}

fn is_smax(s: Option<Scalar>) -> bool {
    s.is_some_and(|s| s.as_unsigned() == Some(mask(s.ty().width()) >> 1))
}

fn is_smin(s: Option<Scalar>) -> bool {
    s.is_some_and(|s| s.as_unsigned() == Some(1u128 << (s.ty().width() - 1)))
}

/// Whether a float constant is exactly `v` (sign of zero included).
fn is_float(s: Option<Scalar>, v: f64) -> bool {
    s.and_then(|s| s.as_f64())
        .is_some_and(|x| x == v && x.is_sign_negative() == v.is_sign_negative())
}

/// The op defining `v`, if it is the `arith` op `kind`.
pub(crate) fn def_of(ctx: &Context, v: Value, kind: ArithOp) -> Option<OpId> {
    ctx.defining_op(v).filter(|&d| ctx.op_is(d, kind.name()))
}

/// The constant of the result type holding `value` in every element.
fn splat_result(ctx: &mut Context, op: OpId, value: Scalar) -> Option<FoldResult> {
    let rt = ctx.value_type(ctx.op(op).results[0]);
    elements_attr(ctx, rt, &[value]).map(FoldResult::Attr)
}

/// The identities of `kind`; `None` if none applies.
fn identity(
    ctx: &mut Context,
    op: OpId,
    kind: ArithOp,
    operands: &[Option<Attribute>],
) -> Option<FoldResult> {
    use ArithOp::*;
    let d = ctx.op(op);
    let x = *d.operands.first()?;
    let y = d.operands.get(1).copied();
    let rt = ctx.value_type(d.results[0]);
    let ca = splat(ctx, operands.first().copied().flatten());
    let cb = splat(ctx, operands.get(1).copied().flatten());
    let lhs_attr = operands.first().copied().flatten();
    let rhs_attr = operands.get(1).copied().flatten();
    let val = |v: Value| Some(FoldResult::Value(v));
    let same = y == Some(x);
    let elem = ElemTy::of_elements(ctx, rt)?;
    match kind {
        AddF if is_float(cb, -0.0) => val(x),
        AddF if is_float(ca, -0.0) => val(y?),
        SubF if is_float(cb, 0.0) => val(x),
        MulF if is_float(cb, 1.0) => val(x),
        MulF if is_float(ca, 1.0) => val(y?),
        DivF if is_float(cb, 1.0) => val(x),
        NegF => def_of(ctx, x, NegF).map(|n| FoldResult::Value(ctx.operand(n, 0))),
        MaximumF | MaxNumF | MinimumF | MinNumF if same => val(x),
        // maximumf(x, -inf) -> x and minimumf(x, +inf) -> x. MLIR also
        // folds maxnumf(x, -inf) and minnumf(x, +inf) to x, which is wrong
        // for a NaN x (the result is the infinity); we do not.
        MaximumF | MinimumF => {
            let inf = if kind == MaximumF {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            if is_float(cb, inf) {
                val(x)
            } else if is_float(ca, inf) {
                val(y?)
            } else {
                None
            }
        }
        AddI if is_zero(cb) => val(x),
        AddI if is_zero(ca) => val(y?),
        AddI => {
            let y = y?;
            // addi(subi(a, b), b) -> a, and with the operands swapped.
            for (s, other) in [(x, y), (y, x)] {
                if let Some(sub) = def_of(ctx, s, SubI)
                    && ctx.operand(sub, 1) == other
                {
                    return val(ctx.operand(sub, 0));
                }
            }
            None
        }
        SubI if same => splat_result(ctx, op, Scalar::zero(elem)),
        SubI if is_zero(cb) => val(x),
        SubI => {
            let y = y?;
            let add = def_of(ctx, x, AddI)?;
            let (a, b) = (ctx.operand(add, 0), ctx.operand(add, 1));
            if b == y {
                val(a)
            } else if a == y {
                val(b)
            } else {
                None
            }
        }
        MulI if is_zero(cb) => Some(FoldResult::Attr(rhs_attr?)),
        MulI if is_zero(ca) => Some(FoldResult::Attr(lhs_attr?)),
        MulI if is_one(cb) => val(x),
        MulI if is_one(ca) => val(y?),
        DivSI | DivUI | CeilDivSI | CeilDivUI | FloorDivSI if is_one(cb) => val(x),
        RemSI | RemUI if is_one(cb) => splat_result(ctx, op, Scalar::zero(elem)),
        AndI if is_zero(cb) => Some(FoldResult::Attr(rhs_attr?)),
        AndI if is_zero(ca) => Some(FoldResult::Attr(lhs_attr?)),
        AndI if is_all_ones(cb) => val(x),
        AndI if is_all_ones(ca) => val(y?),
        AndI if same => val(x),
        AndI => {
            let y = y?;
            // and(x, not(x)) -> 0, not(x) being xori(x, -1) either way round.
            let is_not_of = |ctx: &mut Context, n: Value, v: Value| {
                def_of(ctx, n, XOrI).is_some_and(|o| {
                    let (p, q) = (ctx.operand(o, 0), ctx.operand(o, 1));
                    let ones = |ctx: &mut Context, w: Value| {
                        let c = tessera_compiler::rewrite::constant_value(ctx, w);
                        is_all_ones(c.and_then(|c| attr_splat(ctx, c)))
                    };
                    (p == v && ones(ctx, q)) || (q == v && ones(ctx, p))
                })
            };
            if is_not_of(ctx, y, x) || is_not_of(ctx, x, y) {
                splat_result(ctx, op, Scalar::zero(elem))
            } else {
                None
            }
        }
        OrI if is_zero(cb) => val(x),
        OrI if is_zero(ca) => val(y?),
        OrI if is_all_ones(cb) => Some(FoldResult::Attr(rhs_attr?)),
        OrI if is_all_ones(ca) => Some(FoldResult::Attr(lhs_attr?)),
        OrI if same => val(x),
        XOrI if is_zero(cb) => val(x),
        XOrI if is_zero(ca) => val(y?),
        XOrI if same => splat_result(ctx, op, Scalar::zero(elem)),
        XOrI => {
            let y = y?;
            // xor(xor(a, b), b) -> a, for every placement of the operands.
            for (inner, other) in [(x, y), (y, x)] {
                if let Some(o) = def_of(ctx, inner, XOrI) {
                    let (p, q) = (ctx.operand(o, 0), ctx.operand(o, 1));
                    if q == other {
                        return val(p);
                    }
                    if p == other {
                        return val(q);
                    }
                }
            }
            None
        }
        ShLI | ShRSI | ShRUI if is_zero(cb) => val(x),
        MaxSI | MinSI | MaxUI | MinUI if same => val(x),
        MaxSI if is_smax(cb) => Some(FoldResult::Attr(rhs_attr?)),
        MaxSI if is_smin(cb) => val(x),
        MinSI if is_smin(cb) => Some(FoldResult::Attr(rhs_attr?)),
        MinSI if is_smax(cb) => val(x),
        MaxUI if is_all_ones(cb) => Some(FoldResult::Attr(rhs_attr?)),
        MaxUI if is_zero(cb) => val(x),
        MinUI if is_zero(cb) => Some(FoldResult::Attr(rhs_attr?)),
        MinUI if is_all_ones(cb) => val(x),
        CmpI => fold_cmpi(ctx, op, x, y?, cb),
        CmpF => {
            let p = ctx
                .attr(op, PREDICATE)
                .and_then(|a| CmpFPredicate::from_attr(ctx, a))?;
            let nan = [ca, cb].into_iter().flatten().find(Scalar::is_nan)?;
            let r = ScalarOp::cmpf(p).eval(&[nan, nan]).ok()?;
            splat_result(ctx, op, r)
        }
        Select => fold_select(ctx, op, operands),
        TruncI => {
            let ext = def_of(ctx, x, ExtSI).or_else(|| def_of(ctx, x, ExtUI))?;
            let src = ctx.operand(ext, 0);
            (ctx.value_type(src) == rt).then_some(FoldResult::Value(src))
        }
        IndexCast | IndexCastUI | Bitcast => {
            let inner = def_of(ctx, x, kind)?;
            let src = ctx.operand(inner, 0);
            (ctx.value_type(src) == rt).then_some(FoldResult::Value(src))
        }
        _ => None,
    }
}

fn fold_cmpi(
    ctx: &mut Context,
    op: OpId,
    x: Value,
    y: Value,
    cb: Option<Scalar>,
) -> Option<FoldResult> {
    let p = ctx
        .attr(op, PREDICATE)
        .and_then(|a| CmpIPredicate::from_attr(ctx, a))?;
    if x == y {
        return splat_result(ctx, op, Scalar::bool(p.holds_for_equal()));
    }
    let rt = ctx.value_type(ctx.op(op).results[0]);
    let xt = ctx.value_type(x);
    let is_i1 = |ctx: &Context, t: Type| ElemTy::of_elements(ctx, t) == Some(ElemTy::Int(1));
    if is_zero(cb) && p == CmpIPredicate::Ne {
        // cmpi ne, ext(b : i1), 0 -> b
        for k in [ArithOp::ExtSI, ArithOp::ExtUI] {
            if let Some(e) = def_of(ctx, x, k) {
                let b = ctx.operand(e, 0);
                if ctx.value_type(b) == rt {
                    return Some(FoldResult::Value(b));
                }
            }
        }
        // cmpi ne, b : i1, 0 -> b
        if is_i1(ctx, xt) && xt == rt {
            return Some(FoldResult::Value(x));
        }
    }
    // cmpi eq, b : i1, 1 -> b
    if is_one(cb) && p == CmpIPredicate::Eq && is_i1(ctx, xt) && xt == rt {
        return Some(FoldResult::Value(x));
    }
    None
}

fn fold_select(ctx: &mut Context, op: OpId, operands: &[Option<Attribute>]) -> Option<FoldResult> {
    let d = ctx.op(op);
    let (c, t, f) = (d.operands[0], *d.operands.get(1)?, *d.operands.get(2)?);
    let rt = ctx.value_type(d.results[0]);
    if t == f {
        return Some(FoldResult::Value(t));
    }
    let cond = splat(ctx, operands.first().copied().flatten());
    match cond.and_then(|s| s.as_bool()) {
        Some(true) => return Some(FoldResult::Value(t)),
        Some(false) => return Some(FoldResult::Value(f)),
        None => {}
    }
    // select(c, true, false) : i1 -> c
    if ElemTy::of(ctx, rt) == Some(ElemTy::Int(1)) && ctx.value_type(c) == rt {
        let tv = splat(ctx, operands.get(1).copied().flatten());
        let fv = splat(ctx, operands.get(2).copied().flatten());
        if tv.and_then(|s| s.as_bool()) == Some(true) && fv.and_then(|s| s.as_bool()) == Some(false)
        {
            return Some(FoldResult::Value(c));
        }
    }
    // select(cmpi eq a b, a, b) -> b; select(cmpi ne a b, a, b) -> a
    if let Some(cmp) = def_of(ctx, c, ArithOp::CmpI) {
        let p = ctx
            .attr(cmp, PREDICATE)
            .and_then(|a| CmpIPredicate::from_attr(ctx, a))?;
        let (a, b) = (ctx.operand(cmp, 0), ctx.operand(cmp, 1));
        if matches!(p, CmpIPredicate::Eq | CmpIPredicate::Ne)
            && ((a == t && b == f) || (a == f && b == t))
        {
            return Some(FoldResult::Value(if p == CmpIPredicate::Ne {
                t
            } else {
                f
            }));
        }
    }
    None
}

/// Builds an `arith.constant` of type `ty` holding `value`, when `value` is
/// an integer, float, bool or dense elements attribute of that type.
pub fn materialize_constant(
    b: &mut Builder<'_>,
    value: Attribute,
    ty: Type,
    loc: Location,
) -> Option<Value> {
    if !is_constant_value(b.ctx, value) || attr_type(b.ctx, value) != Some(ty) {
        return None;
    }
    Some(b.create_value("arith.constant", &[], ty, &[("value", value)], loc))
}
