//! The `math` dialect: elementary functions on floats and a few integer
//! functions, element-wise on vectors and tensors, with MLIR 19's syntax
//! and meaning.
//!
//! Every op is element-wise: its operands and result have one type `T`, a
//! scalar or a vector or tensor of it, written `math.op %a[, %b[, %c]]
//! [fastmath<...>] [{attrs}] : T` (`fastmath` on float ops only):
//!
//! ```mlir
//! %0 = math.exp %x : f32
//! %1 = math.atan2 %y, %x fastmath<fast> : f64
//! %2 = math.fma %a, %b, %c : vector<8xf32>
//! %3 = math.ctlz %i : i32
//! ```
//!
//! | ops | element types | meaning |
//! |-----|---------------|---------|
//! | `exp exp2 expm1 log log2 log10 log1p sqrt rsqrt cbrt` | floats | as C's (`rsqrt` is `1 / sqrt`) |
//! | `sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh erf` | floats | as C's |
//! | `atan2 powf` | floats | as C's `atan2(y, x)`, `pow(x, y)` |
//! | `floor ceil trunc round roundeven` | floats | `round`: halves away from zero; `roundeven`: to even |
//! | `absf copysign` | floats | sign-bit operations (also on NaN) |
//! | `fma` | floats | `a * b + c`, rounded once |
//! | `absi` | integers, `index` | wrapping (`absi(MIN) = MIN`) |
//! | `ctlz cttz ctpop` | integers, `index` | leading / trailing zeros (the width for 0), set bits |
//! | `ipowi` | integers, `index` | wrapping power; negative exponents give `1 / x^-n` truncated |
//!
//! The meaning of each op on one element is in [`crate::interp::scalar`]:
//! `f32` functions are the C library's `f32` versions (`expf`), `f64` ones
//! its `f64` versions (as MLIR's folds and compiled code use them),
//! `f16`/`bf16` computed in `f32` and rounded.
//!
//! Folds follow MLIR 19 ([`FoldRule`]): every op except `cbrt`, `rsqrt`
//! and `fma` folds constant operands; those computed with the C library
//! only for `f32` and `f64` (`absf ceil floor roundeven copysign` and the
//! integer ops for any width). As in MLIR, `log`, `log2`, `log10` and `sqrt` of a negative
//! number (including `-0.0`) and `log1p` below -1 are not folded; MLIR
//! folds `atan2(±0, ±0)` to NaN, against C's `atan2`, so we leave it, and
//! results that would be NaN from non-NaN operands (whose sign depends on
//! the C library), unfolded.

use tessera_compiler::{
    Attribute, Context, DialectDef, FloatKind, FoldResult, OpDef, OpId, OpSyntax, OpTraits,
};

use crate::arith::ops::{Class, ElemClass, Flags};
use crate::arith::{fold, syntax, verify};
use crate::interp::scalar::{ElemTy, OpKind, Scalar, ScalarOp};

const fn float(arity: u8) -> Class {
    Class::SameType {
        arity,
        elem: ElemClass::Float,
        flags: Flags::FastMath,
    }
}

const fn int(arity: u8) -> Class {
    Class::SameType {
        arity,
        elem: ElemClass::Int,
        flags: Flags::None,
    }
}

/// How MLIR 19 constant-folds an op.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum FoldRule {
    /// Exactly, for every element type (APFloat or APInt arithmetic).
    Exact,
    /// With the C library, for `f32` and `f64` only.
    Libm,
    /// Not at all.
    Never,
}

/// Defines [`MathOp`] from the table.
macro_rules! math_ops {
    ($($variant:ident = $name:literal, $class:expr, $fold:ident, $summary:literal;)*) => {
        /// The ops of the `math` dialect.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum MathOp {
            $(#[doc = $summary] $variant,)*
        }

        impl MathOp {
            /// Every op, in table order.
            pub const ALL: &'static [MathOp] = &[$(MathOp::$variant,)*];

            /// The full name (`math.exp`).
            pub fn name(self) -> &'static str {
                match self {
                    $(MathOp::$variant => $name,)*
                }
            }

            /// The op named `name`.
            pub fn from_name(name: &str) -> Option<MathOp> {
                match name {
                    $($name => Some(MathOp::$variant),)*
                    _ => None,
                }
            }

            /// How the op is typed and written (always element-wise).
            pub fn class(self) -> Class {
                match self {
                    $(MathOp::$variant => $class,)*
                }
            }

            /// How MLIR 19 constant-folds it.
            pub fn fold_rule(self) -> FoldRule {
                match self {
                    $(MathOp::$variant => FoldRule::$fold,)*
                }
            }

            /// One line for the docs.
            pub fn summary(self) -> &'static str {
                match self {
                    $(MathOp::$variant => $summary,)*
                }
            }
        }
    };
}

math_ops! {
    AbsF = "math.absf", float(1), Exact, "Absolute value (clears the sign bit).";
    AbsI = "math.absi", int(1), Exact, "Integer absolute value (wrapping).";
    Acos = "math.acos", float(1), Libm, "Arc cosine.";
    Acosh = "math.acosh", float(1), Libm, "Inverse hyperbolic cosine.";
    Asin = "math.asin", float(1), Libm, "Arc sine.";
    Asinh = "math.asinh", float(1), Libm, "Inverse hyperbolic sine.";
    Atan = "math.atan", float(1), Libm, "Arc tangent.";
    Atan2 = "math.atan2", float(2), Libm, "Arc tangent of `y / x` in the quadrant of `(x, y)`.";
    Atanh = "math.atanh", float(1), Libm, "Inverse hyperbolic tangent.";
    Cbrt = "math.cbrt", float(1), Never, "Cube root.";
    Ceil = "math.ceil", float(1), Exact, "Rounds up to an integer.";
    CopySign = "math.copysign", float(2), Exact, "The first operand with the sign of the second.";
    Cos = "math.cos", float(1), Libm, "Cosine.";
    Cosh = "math.cosh", float(1), Libm, "Hyperbolic cosine.";
    Ctlz = "math.ctlz", int(1), Exact, "Counts leading zero bits.";
    Cttz = "math.cttz", int(1), Exact, "Counts trailing zero bits.";
    Ctpop = "math.ctpop", int(1), Exact, "Counts set bits.";
    Erf = "math.erf", float(1), Libm, "The error function.";
    Exp = "math.exp", float(1), Libm, "`e^x`.";
    Exp2 = "math.exp2", float(1), Libm, "`2^x`.";
    ExpM1 = "math.expm1", float(1), Libm, "`e^x - 1`.";
    Floor = "math.floor", float(1), Exact, "Rounds down to an integer.";
    Fma = "math.fma", float(3), Never, "Fused multiply-add: `a * b + c` rounded once.";
    IPowI = "math.ipowi", int(2), Exact, "Integer power (wrapping).";
    Log = "math.log", float(1), Libm, "Natural logarithm.";
    Log10 = "math.log10", float(1), Libm, "Base-10 logarithm.";
    Log1p = "math.log1p", float(1), Libm, "`log(1 + x)`.";
    Log2 = "math.log2", float(1), Libm, "Base-2 logarithm.";
    PowF = "math.powf", float(2), Libm, "`x^y`.";
    Round = "math.round", float(1), Libm, "Rounds to the nearest integer, halves away from zero.";
    RoundEven = "math.roundeven", float(1), Exact, "Rounds to the nearest integer, halves to even.";
    Rsqrt = "math.rsqrt", float(1), Never, "`1 / sqrt(x)`.";
    Sin = "math.sin", float(1), Libm, "Sine.";
    Sinh = "math.sinh", float(1), Libm, "Hyperbolic sine.";
    Sqrt = "math.sqrt", float(1), Libm, "Square root.";
    Tan = "math.tan", float(1), Libm, "Tangent.";
    Tanh = "math.tanh", float(1), Libm, "Hyperbolic tangent.";
    Trunc = "math.trunc", float(1), Libm, "Rounds toward zero to an integer.";
}

/// The registry definitions of every `math` op.
pub fn op_defs() -> Vec<OpDef> {
    MathOp::ALL
        .iter()
        .map(|&op| {
            let example = match op.class() {
                Class::SameType {
                    arity,
                    elem: ElemClass::Float,
                    ..
                } => format!(
                    "%r = {} {} [fastmath<fast>] : f32",
                    op.name(),
                    ["%a", "%b", "%c"][..arity as usize].join(", ")
                ),
                Class::SameType { arity, .. } => format!(
                    "%r = {} {} : i32",
                    op.name(),
                    ["%a", "%b"][..arity as usize].join(", ")
                ),
                _ => String::new(),
            };
            OpDef::new(op.name(), op.summary())
                .traits(OpTraits::PURE)
                .verify(verify::verify_same_type)
                .fold(fold_op)
                .syntax(OpSyntax::Custom {
                    parse: syntax::parse_same_type,
                    print: syntax::print_same_type,
                })
                .description(&format!("{}\n\n```mlir\n{example}\n```", op.summary()))
        })
        .collect()
}

/// Registers the `math` dialect; its folds materialize `arith.constant`s.
pub fn register(ctx: &mut Context) {
    let mut dialect = DialectDef::new(
        "math",
        "Elementary functions (element-wise on vectors and tensors), with MLIR's meaning.",
    );
    dialect.materialize_constant = Some(fold::materialize_constant);
    ctx.register_dialect(dialect, op_defs());
}

/// The fold hook of every `math` op: constant folding where MLIR 19 folds.
pub fn fold_op(
    ctx: &mut Context,
    op: OpId,
    operands: &[Option<Attribute>],
) -> Option<Vec<FoldResult>> {
    let kind = MathOp::from_name(ctx.op_name_of(op))?;
    if kind.fold_rule() == FoldRule::Never || ctx.op(op).results.len() != 1 {
        return None;
    }
    let c = fold::constant_fold(ctx, op, operands, decline)?;
    Some(vec![FoldResult::Attr(c)])
}

/// Where MLIR 19 does not fold (or folds differently from the C library).
fn decline(op: &ScalarOp, args: &[Scalar], result: &Scalar) -> bool {
    use MathOp::*;
    let OpKind::Math(kind) = op.kind() else {
        return true;
    };
    match kind.fold_rule() {
        FoldRule::Never => return true,
        FoldRule::Exact => return false,
        FoldRule::Libm => {}
    }
    if !matches!(
        op.result_type(),
        ElemTy::Float(FloatKind::F32 | FloatKind::F64)
    ) {
        return true;
    }
    let negative = |s: &Scalar| {
        s.float_bits()
            .is_some_and(|(k, b)| b >> (k.width() - 1) == 1)
    };
    let x = args[0];
    let refused = match kind {
        Log | Log2 | Log10 | Sqrt => negative(&x),
        Log1p => negative(&x) && (x.is_nan() || x.as_f64().is_some_and(|v| v < -1.0)),
        Atan2 => args.iter().all(|a| a.as_f64() == Some(0.0)),
        _ => false,
    };
    refused || (result.is_nan() && !args.iter().any(Scalar::is_nan))
}
