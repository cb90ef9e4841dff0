//! `arith` ops on scalars and (flattened) vectors: LLVM instructions, or
//! exact expansions where MLIR's meaning differs from one instruction.
//!
//! - `maxnumf`/`minnumf` return the other operand when one is NaN and
//!   order `-0 < +0`: `isnan(a) ? b : isnan(b) ? a : maximum(a, b)`.
//! - `remsi` by `-1` is 0 (the interpreter's answer; LLVM's `srem` would
//!   trap on `MIN % -1`).
//! - `ceildivsi`, `ceildivui`, `floordivsi` adjust the truncated quotient.
//! - `truncf` with a directed rounding mode corrects LLVM's nearest-even
//!   `fptrunc` by one step toward the wanted neighbour where needed.

use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicValue, BasicValueEnum};
use inkwell::{FloatPredicate, IntPredicate};
use tessera_compiler::{AttrData, OpId};
use tessera_dialects::arith::{ArithOp, CmpFPredicate, CmpIPredicate, RoundingMode};
use tessera_dialects::interp::scalar::{Scalar, attr_elements};

use super::translate::{R, Translator, type_of};
use inkwell::values::InstructionOpcode as Op;

/// Translates an `arith` op.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let name = ir.op_name_of(op);
    let Some(kind) = ArithOp::from_name(name) else {
        return Err(t.unsupported(op));
    };
    let data = ir.op(op);
    let [result] = data.results[..] else {
        return Err(t.err(op, "must have one result"));
    };
    let rt = t.llvm_type(ir.value_type(result), op)?;
    if kind == ArithOp::Constant {
        let v = constant(t, op, rt)?;
        t.set_basic(result, v);
        return Ok(());
    }
    let args = data
        .operands
        .iter()
        .map(|&v| t.basic(v, op))
        .collect::<R<Vec<_>>>()?;
    let arity = match kind {
        ArithOp::NegF
        | ArithOp::ExtF
        | ArithOp::TruncF
        | ArithOp::ExtSI
        | ArithOp::ExtUI
        | ArithOp::TruncI
        | ArithOp::SIToFP
        | ArithOp::UIToFP
        | ArithOp::FPToSI
        | ArithOp::FPToUI
        | ArithOp::IndexCast
        | ArithOp::IndexCastUI
        | ArithOp::Bitcast => 1,
        ArithOp::Select => 3,
        _ => 2,
    };
    if args.len() != arity {
        return Err(t.err(op, format!("expects {arity} operands")));
    }
    let v = compute(t, op, kind, &args, rt)?;
    t.set_basic(result, v);
    Ok(())
}

/// The value of one non-constant `arith` op.
fn compute<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    kind: ArithOp,
    a: &[BasicValueEnum<'ctx>],
    rt: BasicTypeEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    use ArithOp::*;
    let b = &t.b;
    let bin = |o: Op| -> R<BasicValueEnum<'ctx>> { Ok(b.build_binop(o, a[0], a[1], "")?) };
    Ok(match kind {
        AddF => bin(Op::FAdd)?,
        SubF => bin(Op::FSub)?,
        MulF => bin(Op::FMul)?,
        DivF => bin(Op::FDiv)?,
        RemF => bin(Op::FRem)?,
        NegF => t.fneg(a[0])?,
        MaximumF => t.intrinsic("llvm.maximum", &[rt], &[a[0], a[1]])?,
        MinimumF => t.intrinsic("llvm.minimum", &[rt], &[a[0], a[1]])?,
        MaxNumF | MinNumF => {
            let name = if kind == MaxNumF {
                "llvm.maximum"
            } else {
                "llvm.minimum"
            };
            let m = t.intrinsic(name, &[rt], &[a[0], a[1]])?;
            let a_nan = t.fcmp(FloatPredicate::UNO, a[0], a[0])?;
            let b_nan = t.fcmp(FloatPredicate::UNO, a[1], a[1])?;
            let r = t.select(b_nan, a[0], m)?;
            t.select(a_nan, a[1], r)?
        }
        AddI => bin(Op::Add)?,
        SubI => bin(Op::Sub)?,
        MulI => bin(Op::Mul)?,
        DivSI => bin(Op::SDiv)?,
        DivUI => bin(Op::UDiv)?,
        RemUI => bin(Op::URem)?,
        RemSI => {
            let minus_one = t.const_int_like(rt, u64::MAX)?;
            let one = t.const_int_like(rt, 1)?;
            let is_m1 = t.icmp(IntPredicate::EQ, a[1], minus_one)?;
            let d = t.select(is_m1, one, a[1])?;
            b.build_binop(Op::SRem, a[0], d, "")?
        }
        CeilDivUI => {
            let zero = t.const_int_like(rt, 0)?;
            let one = t.const_int_like(rt, 1)?;
            let is_zero = t.icmp(IntPredicate::EQ, a[0], zero)?;
            let am1 = b.build_binop(Op::Sub, a[0], one, "")?;
            let q = b.build_binop(Op::UDiv, am1, a[1], "")?;
            let q1 = b.build_binop(Op::Add, q, one, "")?;
            t.select(is_zero, zero, q1)?
        }
        CeilDivSI | FloorDivSI => {
            let zero = t.const_int_like(rt, 0)?;
            let q = bin(Op::SDiv)?;
            let r = bin(Op::SRem)?;
            let inexact = t.icmp(IntPredicate::NE, r, zero)?;
            let r_neg = t.icmp(IntPredicate::SLT, r, zero)?;
            let b_neg = t.icmp(IntPredicate::SLT, a[1], zero)?;
            // Same signs: the true quotient is positive and was rounded down.
            let pred = if kind == CeilDivSI {
                IntPredicate::EQ
            } else {
                IntPredicate::NE
            };
            let signs = t.icmp(pred, r_neg, b_neg)?;
            let adjust = b.build_binop(Op::And, inexact, signs, "")?;
            let adjust = b.build_cast(Op::ZExt, adjust, rt, "")?;
            let o = if kind == CeilDivSI { Op::Add } else { Op::Sub };
            b.build_binop(o, q, adjust, "")?
        }
        AndI => bin(Op::And)?,
        OrI => bin(Op::Or)?,
        XOrI => bin(Op::Xor)?,
        ShLI => bin(Op::Shl)?,
        ShRSI => bin(Op::AShr)?,
        ShRUI => bin(Op::LShr)?,
        MaxSI => t.intrinsic("llvm.smax", &[rt], &[a[0], a[1]])?,
        MinSI => t.intrinsic("llvm.smin", &[rt], &[a[0], a[1]])?,
        MaxUI => t.intrinsic("llvm.umax", &[rt], &[a[0], a[1]])?,
        MinUI => t.intrinsic("llvm.umin", &[rt], &[a[0], a[1]])?,
        CmpF => {
            let p =
                t.ir.attr(op, "predicate")
                    .and_then(|at| CmpFPredicate::from_attr(t.ir, at))
                    .ok_or_else(|| t.err(op, "has no valid 'predicate'"))?;
            t.fcmp(float_predicate(p), a[0], a[1])?
        }
        CmpI => {
            let p =
                t.ir.attr(op, "predicate")
                    .and_then(|at| CmpIPredicate::from_attr(t.ir, at))
                    .ok_or_else(|| t.err(op, "has no valid 'predicate'"))?;
            t.icmp(int_predicate(p), a[0], a[1])?
        }
        Select => t.select(a[0], a[1], a[2])?,
        ExtF => b.build_cast(Op::FPExt, a[0], rt, "")?,
        TruncF => {
            let mode = match t.ir.attr(op, "roundingmode") {
                None => RoundingMode::ToNearestEven,
                Some(at) => RoundingMode::from_attr(t.ir, at)
                    .ok_or_else(|| t.err(op, "has an invalid 'roundingmode'"))?,
            };
            let r = b.build_cast(Op::FPTrunc, a[0], rt, "")?;
            if mode == RoundingMode::ToNearestEven {
                r
            } else {
                t.rerounded(a[0], r, mode)?
            }
        }
        ExtSI => b.build_cast(Op::SExt, a[0], rt, "")?,
        ExtUI => b.build_cast(Op::ZExt, a[0], rt, "")?,
        TruncI => b.build_cast(Op::Trunc, a[0], rt, "")?,
        SIToFP => b.build_cast(Op::SIToFP, a[0], rt, "")?,
        UIToFP => b.build_cast(Op::UIToFP, a[0], rt, "")?,
        FPToSI => b.build_cast(Op::FPToSI, a[0], rt, "")?,
        FPToUI => b.build_cast(Op::FPToUI, a[0], rt, "")?,
        IndexCast | IndexCastUI => {
            let from = int_width(type_of(a[0]));
            let to = int_width(rt);
            if from == to {
                a[0]
            } else if from > to {
                b.build_cast(Op::Trunc, a[0], rt, "")?
            } else if kind == IndexCast {
                b.build_cast(Op::SExt, a[0], rt, "")?
            } else {
                b.build_cast(Op::ZExt, a[0], rt, "")?
            }
        }
        Bitcast => b.build_cast(Op::BitCast, a[0], rt, "")?,
        Constant => return Err(t.err(op, "is a constant")),
    })
}

/// `kind` applied to `a` and `b` (the combining step of reductions).
pub(super) fn combine<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    kind: ArithOp,
    a: BasicValueEnum<'ctx>,
    b: BasicValueEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    compute(t, op, kind, &[a, b], type_of(a))
}

/// The width of an integer type or of a vector's integer elements.
pub(super) fn int_width(ty: BasicTypeEnum<'_>) -> u32 {
    match ty {
        BasicTypeEnum::IntType(i) => i.get_bit_width(),
        BasicTypeEnum::VectorType(v) => match v.get_element_type() {
            BasicTypeEnum::IntType(i) => i.get_bit_width(),
            _ => 0,
        },
        _ => 0,
    }
}

fn float_predicate(p: CmpFPredicate) -> FloatPredicate {
    use CmpFPredicate::*;
    match p {
        AlwaysFalse => FloatPredicate::PredicateFalse,
        Oeq => FloatPredicate::OEQ,
        Ogt => FloatPredicate::OGT,
        Oge => FloatPredicate::OGE,
        Olt => FloatPredicate::OLT,
        Ole => FloatPredicate::OLE,
        One => FloatPredicate::ONE,
        Ord => FloatPredicate::ORD,
        Ueq => FloatPredicate::UEQ,
        Ugt => FloatPredicate::UGT,
        Uge => FloatPredicate::UGE,
        Ult => FloatPredicate::ULT,
        Ule => FloatPredicate::ULE,
        Une => FloatPredicate::UNE,
        Uno => FloatPredicate::UNO,
        AlwaysTrue => FloatPredicate::PredicateTrue,
    }
}

fn int_predicate(p: CmpIPredicate) -> IntPredicate {
    use CmpIPredicate::*;
    match p {
        Eq => IntPredicate::EQ,
        Ne => IntPredicate::NE,
        Slt => IntPredicate::SLT,
        Sle => IntPredicate::SLE,
        Sgt => IntPredicate::SGT,
        Sge => IntPredicate::SGE,
        Ult => IntPredicate::ULT,
        Ule => IntPredicate::ULE,
        Ugt => IntPredicate::UGT,
        Uge => IntPredicate::UGE,
    }
}

/// `arith.constant`: a scalar, or dense elements for a vector.
fn constant<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    rt: BasicTypeEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    let attr =
        t.ir.attr(op, "value")
            .ok_or_else(|| t.err(op, "has no 'value'"))?;
    let elems = attr_elements(t.ir, attr).ok_or_else(|| {
        t.err(
            op,
            "has a value the LLVM backend cannot read as scalars or dense elements",
        )
    })?;
    match rt {
        BasicTypeEnum::VectorType(vt) => {
            let n = vt.get_size() as usize;
            let is_dense = matches!(t.ir.attr_data(attr), AttrData::DenseElements(_));
            if !is_dense || elems.len() != n {
                return Err(t.err(op, "has a value that does not fill its vector type"));
            }
            let et = vt.get_element_type();
            let lanes = elems
                .iter()
                .map(|s| scalar_const(t, op, *s, et))
                .collect::<R<Vec<_>>>()?;
            Ok(inkwell::types::VectorType::const_vector(&lanes).into())
        }
        _ => match elems[..] {
            [s] => scalar_const(t, op, s, rt),
            _ => Err(t.err(op, "has a shaped value for a scalar result")),
        },
    }
}

/// The LLVM constant of type `ty` holding `s`.
pub(super) fn scalar_const<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    s: Scalar,
    ty: BasicTypeEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    match ty {
        BasicTypeEnum::IntType(it) => {
            let bits = s.raw_bits();
            let words = [bits as u64, (bits >> 64) as u64];
            Ok(if it.get_bit_width() <= 64 {
                it.const_int(words[0], false).as_basic_value_enum()
            } else {
                it.const_int_arbitrary_precision(&words)
                    .as_basic_value_enum()
            })
        }
        BasicTypeEnum::FloatType(ft) => {
            let v = s
                .as_f64()
                .ok_or_else(|| t.err(op, "has an integer value for a float type"))?;
            Ok(ft.const_float(v).as_basic_value_enum())
        }
        _ => Err(t.err(op, "has a constant of an unsupported type")),
    }
}

impl<'ctx> Translator<'_, 'ctx> {
    /// An integer constant of type `ty` (every lane of a vector type),
    /// `v` truncated to the width.
    pub(super) fn const_int_like(
        &self,
        ty: BasicTypeEnum<'ctx>,
        v: u64,
    ) -> R<BasicValueEnum<'ctx>> {
        match ty {
            BasicTypeEnum::IntType(it) => Ok(it.const_int(v, true).into()),
            BasicTypeEnum::VectorType(vt) => {
                let lane = self.const_int_like(vt.get_element_type(), v)?;
                let lanes = vec![lane; vt.get_size() as usize];
                Ok(inkwell::types::VectorType::const_vector(&lanes).into())
            }
            _ => Err(super::BackendError::new("expected an integer type")),
        }
    }

    /// A float constant of type `ty` (every lane of a vector type).
    pub(super) fn const_float_like(
        &self,
        ty: BasicTypeEnum<'ctx>,
        v: f64,
    ) -> R<BasicValueEnum<'ctx>> {
        match ty {
            BasicTypeEnum::FloatType(ft) => Ok(ft.const_float(v).into()),
            BasicTypeEnum::VectorType(vt) => {
                let lane = self.const_float_like(vt.get_element_type(), v)?;
                let lanes = vec![lane; vt.get_size() as usize];
                Ok(inkwell::types::VectorType::const_vector(&lanes).into())
            }
            _ => Err(super::BackendError::new("expected a float type")),
        }
    }

    /// `icmp` on integers or integer vectors.
    pub(super) fn icmp(
        &self,
        p: IntPredicate,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match (a, b) {
            (BasicValueEnum::IntValue(a), BasicValueEnum::IntValue(b)) => {
                self.b.build_int_compare(p, a, b, "")?.into()
            }
            (BasicValueEnum::VectorValue(a), BasicValueEnum::VectorValue(b)) => {
                self.b.build_int_compare(p, a, b, "")?.into()
            }
            _ => {
                return Err(super::BackendError::new(
                    "integer comparison of mismatched operands",
                ));
            }
        })
    }

    /// `fcmp` on floats or float vectors.
    pub(super) fn fcmp(
        &self,
        p: FloatPredicate,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match (a, b) {
            (BasicValueEnum::FloatValue(a), BasicValueEnum::FloatValue(b)) => {
                self.b.build_float_compare(p, a, b, "")?.into()
            }
            (BasicValueEnum::VectorValue(a), BasicValueEnum::VectorValue(b)) => {
                self.b.build_float_compare(p, a, b, "")?.into()
            }
            _ => {
                return Err(super::BackendError::new(
                    "float comparison of mismatched operands",
                ));
            }
        })
    }

    /// `select` by an `i1` or a vector of `i1`.
    pub(super) fn select(
        &self,
        c: BasicValueEnum<'ctx>,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        Ok(match c {
            BasicValueEnum::IntValue(c) => self.b.build_select(c, a, b, "")?,
            BasicValueEnum::VectorValue(c) => self.b.build_select(c, a, b, "")?,
            _ => return Err(super::BackendError::new("select on a non-i1 condition")),
        })
    }

    /// `fneg` of a float or float vector.
    pub(super) fn fneg(&self, a: BasicValueEnum<'ctx>) -> R<BasicValueEnum<'ctx>> {
        Ok(match a {
            BasicValueEnum::FloatValue(x) => self.b.build_float_neg(x, "")?.into(),
            BasicValueEnum::VectorValue(x) => self.b.build_float_neg(x, "")?.into(),
            _ => return Err(super::BackendError::new("fneg of a non-float")),
        })
    }

    /// The basic type of `ty`'s elements (itself for a scalar).
    pub(super) fn elem_type_of(&self, ty: BasicTypeEnum<'ctx>) -> BasicTypeEnum<'ctx> {
        match ty {
            BasicTypeEnum::VectorType(v) => v.get_element_type(),
            other => other.as_basic_type_enum(),
        }
    }
}

impl<'ctx> Translator<'_, 'ctx> {
    /// `r`, the nearest-even narrowing of `x`, moved to the neighbour
    /// `mode` asks for: compared in the wide type, the exact `x` tells
    /// which side `r` fell on, and a step of one in `r`'s bits moves it
    /// to the adjacent float (away from zero when adding one to the bits).
    /// NaN stays NaN (every comparison is false).
    fn rerounded(
        &self,
        x: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
        mode: RoundingMode,
    ) -> R<BasicValueEnum<'ctx>> {
        let b = &self.b;
        let rt = type_of(r);
        let wide = type_of(x);
        let width = match self.elem_type_of(rt) {
            BasicTypeEnum::FloatType(f) => self.size_of(f.into()) as u32 * 8,
            _ => return Err(super::BackendError::new("truncf to a non-float")),
        };
        let int_elem = self
            .llcx
            .custom_width_int_type(
                std::num::NonZeroU32::new(width)
                    .ok_or_else(|| super::BackendError::new("a float of width 0"))?,
            )
            .map_err(super::BackendError::new)?;
        let it: BasicTypeEnum = match rt {
            BasicTypeEnum::VectorType(v) => int_elem.vec_type(v.get_size()).into(),
            _ => int_elem.into(),
        };
        let bits = b.build_cast(Op::BitCast, r, it, "")?;
        let one = self.const_int_like(it, 1)?;
        let away = b.build_binop(Op::Add, bits, one, "")?;
        let away = b.build_cast(Op::BitCast, away, rt, "")?;
        let toward = b.build_binop(Op::Sub, bits, one, "")?;
        let toward = b.build_cast(Op::BitCast, toward, rt, "")?;
        let zero = self.const_int_like(it, 0)?;
        let negative = self.icmp(IntPredicate::SLT, bits, zero)?;
        let up = self.select(negative, toward, away)?;
        let down = self.select(negative, away, toward)?;
        let e = b.build_cast(Op::FPExt, r, wide, "")?;
        let abs = |v| self.intrinsic("llvm.fabs", &[type_of(v)], &[v]);
        Ok(match mode {
            RoundingMode::ToNearestEven => r,
            RoundingMode::Downward => {
                let above = self.fcmp(FloatPredicate::OGT, e, x)?;
                self.select(above, down, r)?
            }
            RoundingMode::Upward => {
                let below = self.fcmp(FloatPredicate::OLT, e, x)?;
                self.select(below, up, r)?
            }
            RoundingMode::TowardZero => {
                let larger = self.fcmp(FloatPredicate::OGT, abs(e)?, abs(x)?)?;
                self.select(larger, toward, r)?
            }
            RoundingMode::ToNearestAway => {
                // A tie rounded toward zero moves to the other neighbour.
                let below = self.fcmp(FloatPredicate::OLT, e, x)?;
                let other = self.select(below, up, down)?;
                let eo = b.build_cast(Op::FPExt, other, wide, "")?;
                let gap = b.build_binop(Op::FSub, eo, e, "")?;
                let half = self.const_float_like(wide, 0.5)?;
                let half_gap = b.build_binop(Op::FMul, gap, half, "")?;
                let mid = b.build_binop(Op::FAdd, e, half_gap, "")?;
                let tie = self.fcmp(FloatPredicate::OEQ, x, mid)?;
                let smaller = self.fcmp(FloatPredicate::OLT, abs(e)?, abs(x)?)?;
                let both = b.build_binop(Op::And, tie, smaller, "")?;
                self.select(both, other, r)?
            }
        })
    }
}
