//! `math` ops: LLVM intrinsics where their meaning is exactly the op's,
//! calls of the C library functions of [`support::libm_name`] for the
//! rest (one call per lane on vectors, `f16`/`bf16` computed in `f32`),
//! and an internal helper function per integer type for `ipowi`.

use inkwell::IntPredicate;
use inkwell::module::Linkage;
use inkwell::types::{BasicTypeEnum, IntType};
use inkwell::values::{BasicValueEnum, FunctionValue, InstructionOpcode as Op, VectorValue};
use tessera_compiler::OpId;
use tessera_dialects::math::MathOp;

use super::translate::{R, Translator};
use crate::backend::support;

/// Translates a `math` op.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let name = ir.op_name_of(op);
    let Some(kind) = MathOp::from_name(name) else {
        return Err(t.unsupported(op));
    };
    let data = ir.op(op);
    let [result] = data.results[..] else {
        return Err(t.err(op, "must have one result"));
    };
    let rt = t.llvm_type(ir.value_type(result), op)?;
    let a = data
        .operands
        .iter()
        .map(|&v| t.basic(v, op))
        .collect::<R<Vec<_>>>()?;
    let arity = match kind {
        MathOp::Fma => 3,
        MathOp::Atan2 | MathOp::PowF | MathOp::CopySign | MathOp::IPowI => 2,
        _ => 1,
    };
    if a.len() != arity {
        return Err(t.err(op, format!("expects {arity} operands")));
    }
    use MathOp::*;
    let simple = match kind {
        Sqrt => Some("llvm.sqrt"),
        AbsF => Some("llvm.fabs"),
        Floor => Some("llvm.floor"),
        Ceil => Some("llvm.ceil"),
        Trunc => Some("llvm.trunc"),
        Round => Some("llvm.round"),
        RoundEven => Some("llvm.roundeven"),
        CopySign => Some("llvm.copysign"),
        Fma => Some("llvm.fma"),
        Ctpop => Some("llvm.ctpop"),
        _ => None,
    };
    let v = if let Some(n) = simple {
        t.intrinsic(n, &[rt], &a)?
    } else {
        match kind {
            Rsqrt => {
                let s = t.intrinsic("llvm.sqrt", &[rt], &a)?;
                let one = t.const_float_like(rt, 1.0)?;
                t.b.build_binop(Op::FDiv, one, s, "")?
            }
            AbsI | Ctlz | Cttz => {
                // `false`: 0 and MIN are defined inputs (width, and MIN).
                let no_poison = t.llcx.bool_type().const_zero().into();
                let n = match kind {
                    AbsI => "llvm.abs",
                    Ctlz => "llvm.ctlz",
                    _ => "llvm.cttz",
                };
                t.intrinsic(n, &[rt], &[a[0], no_poison])?
            }
            IPowI => ipowi(t, op, a[0], a[1], rt)?,
            _ => libm(t, op, name, &a, rt)?,
        }
    };
    t.set_basic(result, v);
    Ok(())
}

/// A call of the C library function for `name`, lane by lane on vectors.
fn libm<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    name: &str,
    a: &[BasicValueEnum<'ctx>],
    rt: BasicTypeEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    let elem = t.elem_type_of(rt);
    let BasicTypeEnum::FloatType(ft) = elem else {
        return Err(t.err(op, "expects float operands"));
    };
    let f64t = t.llcx.f64_type();
    let f32t = t.llcx.f32_type();
    // f64 calls the double version; f32, f16 and bf16 the float one.
    let is_f64 = ft == f64t;
    let call_t = if is_f64 { f64t } else { f32t };
    let cname = support::libm_name(name, !is_f64).ok_or_else(|| t.unsupported(op))?;
    let params = vec![call_t.into(); a.len()];
    let f = t.external(&cname, call_t.fn_type(&params, false));
    let scalar = |lanes: &[BasicValueEnum<'ctx>]| -> R<BasicValueEnum<'ctx>> {
        let widened = lanes
            .iter()
            .map(|&x| {
                if ft == call_t {
                    Ok(x)
                } else {
                    Ok(t.b.build_cast(Op::FPExt, x, call_t, "")?)
                }
            })
            .collect::<R<Vec<_>>>()?;
        let r = t.call_value(f, &widened)?;
        if ft == call_t {
            Ok(r)
        } else {
            Ok(t.b.build_cast(Op::FPTrunc, r, ft, "")?)
        }
    };
    match rt {
        BasicTypeEnum::VectorType(_) => {
            let vs = a
                .iter()
                .map(|x| x.into_vector_value())
                .collect::<Vec<VectorValue>>();
            Ok(t.map_lanes(&vs, &mut |lanes| scalar(lanes))?.into())
        }
        _ => scalar(a),
    }
}

impl<'ctx> Translator<'_, 'ctx> {
    /// Applies `f` to the lanes of `vs` (all of one length), lane by lane.
    pub(super) fn map_lanes(
        &self,
        vs: &[VectorValue<'ctx>],
        f: &mut dyn FnMut(&[BasicValueEnum<'ctx>]) -> R<BasicValueEnum<'ctx>>,
    ) -> R<VectorValue<'ctx>> {
        let n = vs[0].get_type().get_size();
        let mut out: Option<VectorValue<'ctx>> = None;
        for i in 0..n {
            let idx = self.llcx.i32_type().const_int(i as u64, false);
            let lanes = vs
                .iter()
                .map(|v| Ok(self.b.build_extract_element(*v, idx, "")?))
                .collect::<R<Vec<_>>>()?;
            let r = f(&lanes)?;
            let acc = match out {
                Some(acc) => acc,
                None => super::vector::vector_of(r.get_type(), n)?.get_poison(),
            };
            out = Some(self.b.build_insert_element(acc, r, idx, "")?);
        }
        out.ok_or_else(|| super::BackendError::new("a vector has no lanes"))
    }
}

/// `math.ipowi` through `__tessera_ipowi_iN`, lane by lane on vectors.
fn ipowi<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    base: BasicValueEnum<'ctx>,
    exp: BasicValueEnum<'ctx>,
    rt: BasicTypeEnum<'ctx>,
) -> R<BasicValueEnum<'ctx>> {
    let BasicTypeEnum::IntType(it) = t.elem_type_of(rt) else {
        return Err(t.err(op, "expects integer operands"));
    };
    let f = ipowi_function(t, it)?;
    match rt {
        BasicTypeEnum::VectorType(_) => {
            let vs = [base.into_vector_value(), exp.into_vector_value()];
            Ok(t.map_lanes(&vs, &mut |l| t.call_value(f, l))?.into())
        }
        _ => t.call_value(f, &[base, exp]),
    }
}

/// The helper computing `base^exp` in wrapping arithmetic of type `it`
/// (square and multiply); a negative exponent gives `1 / base^-exp`
/// truncated: 1 for base 1, ±1 for base -1, else 0 (0 for base 0, where
/// the op is undefined).
fn ipowi_function<'ctx>(t: &Translator<'_, 'ctx>, it: IntType<'ctx>) -> R<FunctionValue<'ctx>> {
    let name = format!("__tessera_ipowi_i{}", it.get_bit_width());
    if let Some(f) = t.module.get_function(&name) {
        return Ok(f);
    }
    let f = t.module.add_function(
        &name,
        it.fn_type(&[it.into(), it.into()], false),
        Some(Linkage::Internal),
    );
    let b = t.llcx.create_builder();
    let bb = |n: &str| t.llcx.append_basic_block(f, n);
    let (entry, neg, head, body, done) =
        (bb("entry"), bb("neg"), bb("head"), bb("body"), bb("done"));
    let base = f.get_nth_param(0).map(|p| p.into_int_value());
    let exp = f.get_nth_param(1).map(|p| p.into_int_value());
    let (Some(base), Some(exp)) = (base, exp) else {
        return Err(super::BackendError::new(
            "the ipowi helper lost its parameters",
        ));
    };
    let zero = it.const_zero();
    let one = it.const_int(1, false);
    let minus_one = it.const_all_ones();
    b.position_at_end(entry);
    let is_neg = b.build_int_compare(IntPredicate::SLT, exp, zero, "")?;
    b.build_conditional_branch(is_neg, neg, head)?;
    // Negative exponent.
    b.position_at_end(neg);
    let is_one = b.build_int_compare(IntPredicate::EQ, base, one, "")?;
    let is_m1 = b.build_int_compare(IntPredicate::EQ, base, minus_one, "")?;
    let odd = b.build_and(exp, one, "")?;
    let odd = b.build_int_compare(IntPredicate::NE, odd, zero, "")?;
    let m1_result = b.build_select(odd, minus_one, one, "")?.into_int_value();
    let r = b.build_select(is_m1, m1_result, zero, "")?.into_int_value();
    let r = b.build_select(is_one, one, r, "")?;
    b.build_return(Some(&r))?;
    // Square and multiply.
    b.position_at_end(head);
    let acc = b.build_phi(it, "acc")?;
    let sq = b.build_phi(it, "sq")?;
    let e = b.build_phi(it, "e")?;
    acc.add_incoming(&[(&one, entry)]);
    sq.add_incoming(&[(&base, entry)]);
    e.add_incoming(&[(&exp, entry)]);
    let (accv, sqv, ev) = (
        acc.as_basic_value().into_int_value(),
        sq.as_basic_value().into_int_value(),
        e.as_basic_value().into_int_value(),
    );
    let more = b.build_int_compare(IntPredicate::NE, ev, zero, "")?;
    b.build_conditional_branch(more, body, done)?;
    b.position_at_end(body);
    let bit = b.build_and(ev, one, "")?;
    let bit = b.build_int_compare(IntPredicate::NE, bit, zero, "")?;
    let times = b.build_int_mul(accv, sqv, "")?;
    let acc_next = b.build_select(bit, times, accv, "")?.into_int_value();
    let sq_next = b.build_int_mul(sqv, sqv, "")?;
    let e_next = b.build_right_shift(ev, one, false, "")?;
    acc.add_incoming(&[(&acc_next, body)]);
    sq.add_incoming(&[(&sq_next, body)]);
    e.add_incoming(&[(&e_next, body)]);
    b.build_unconditional_branch(head)?;
    b.position_at_end(done);
    b.build_return(Some(&accv))?;
    Ok(f)
}
