//! `arith` and `math` ops, on scalars and element-wise on vectors.
//!
//! Each op is written once for one element ([`FnTranslator::elementwise`]
//! applies it to a scalar, to each SIMD part when Cranelift has the
//! instruction for the part type, or else lane by lane). Semantics follow
//! `tessera_dialects::interp::scalar`: integers wrap; `i1` lives in an
//! `i8` as 0 or 1, sign-extended (to 0 / -1) for signed ops and masked
//! back to one bit; `maximumf`/`minimumf` are Cranelift's `fmax`/`fmin`
//! (NaN-propagating, -0 < +0) and `maxnumf`/`minnumf` pick the non-NaN
//! operand; float-to-integer conversions saturate (out-of-range values are
//! poison in MLIR, so any result is allowed). Math functions without an
//! instruction call the C library name of [`support::libm_name`].

use cranelift_codegen::ir::{
    self, ConstantData, InstBuilder, MemFlagsData, condcodes::FloatCC, condcodes::IntCC, types,
};
use tessera_compiler::syntax::dense::{self, DenseScalar};
use tessera_compiler::{AttrData, Context, OpId, Type, Value};
use tessera_dialects::arith::{ArithOp, Class, CmpFPredicate, CmpIPredicate, RoundingMode};
use tessera_dialects::math::MathOp;

use super::translate::{BackendResult, FnTranslator, Val, op_error, unsupported};
use super::types::{Kind, ScalarTy, VecLayout};
use crate::backend::support;

/// One element's computation: given the part type (a scalar or SIMD
/// type) and the operands' parts, the result part.
pub(crate) type ElemFn<'x, T> =
    dyn FnMut(&mut T, ir::Type, &[ir::Value]) -> BackendResult<ir::Value> + 'x;

impl FnTranslator<'_, '_, '_, '_> {
    /// Applies `f` element-wise to `operands`, giving a value of
    /// `result_ty`: once for scalars; per SIMD part when `simd` and every
    /// operand has the result's parts; else lane by lane (a scalar operand
    /// applies to every lane).
    pub(crate) fn elementwise(
        &mut self,
        op: OpId,
        operands: &[Value],
        result_ty: Type,
        simd: bool,
        f: &mut ElemFn<'_, Self>,
    ) -> BackendResult<Val> {
        let ctx = self.ctx;
        if let Some(s) = ScalarTy::of(ctx, result_ty) {
            let mut args = Vec::with_capacity(operands.len());
            for &v in operands {
                args.push(self.scalar(op, v)?);
            }
            return Ok(Val::Scalar(f(self, s.ty, &args)?));
        }
        let layout = self.layout(op, result_ty)?;
        let mut layouts = Vec::with_capacity(operands.len());
        for &v in operands {
            let t = ctx.value_type(v);
            layouts.push(if ScalarTy::of(ctx, t).is_some() {
                None
            } else {
                Some(self.layout(op, t)?)
            });
        }
        if layouts.iter().flatten().any(|l| l.lanes != layout.lanes) {
            return Err(op_error(ctx, op, "operands and result differ in shape"));
        }
        let same_parts = layouts
            .iter()
            .all(|l| l.as_ref().is_some_and(|l| l.simd == layout.simd));
        if simd && layout.simd.is_some() && same_parts {
            let mut parts = Vec::with_capacity(operands.len());
            for &v in operands {
                parts.push(self.vector(op, v)?);
            }
            let mut out = Vec::with_capacity(layout.parts());
            for i in 0..layout.parts() {
                let args: Vec<ir::Value> = parts.iter().map(|p| p[i]).collect();
                out.push(f(self, layout.part_ty(), &args)?);
            }
            return Ok(Val::Vector(out));
        }
        let mut lanes = Vec::with_capacity(operands.len());
        for (&v, l) in operands.iter().zip(&layouts) {
            lanes.push(match l {
                None => vec![self.scalar(op, v)?; layout.lanes],
                Some(l) => {
                    let parts = self.vector(op, v)?;
                    self.lanes(&parts, l)
                }
            });
        }
        let mut out = Vec::with_capacity(layout.lanes);
        for i in 0..layout.lanes {
            let args: Vec<ir::Value> = lanes.iter().map(|l| l[i]).collect();
            out.push(f(self, layout.elem.ty, &args)?);
        }
        Ok(Val::Vector(self.pack(&out, &layout)))
    }

    /// An `arith` op.
    pub(crate) fn arith(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let Some(aop) = ArithOp::from_name(ctx.op_name_of(op)) else {
            return Err(unsupported(ctx, op));
        };
        let data = ctx.op(op);
        let &[result] = &data.results[..] else {
            return Err(op_error(ctx, op, "must have one result"));
        };
        let rty = ctx.value_type(result);
        let operands = data.operands.clone();
        let arity = match aop.class() {
            Class::Constant => 0,
            Class::SameType { arity, .. } => arity as usize,
            Class::CmpF | Class::CmpI => 2,
            Class::Select => 3,
            Class::Cast => 1,
        };
        check_arity(ctx, op, &operands, arity)?;
        let val = match aop.class() {
            Class::Constant => self.constant(op, rty)?,
            Class::SameType { .. } => {
                let elem = self.scalar_ty(op, rty)?;
                let simd = simd_arith(aop, elem);
                self.elementwise(op, &operands, rty, simd, &mut |t, ty, a| {
                    if elem.is_float() {
                        t.float_op(op, aop, ty, a)
                    } else {
                        t.int_op(op, aop, elem, a)
                    }
                })?
            }
            Class::CmpF => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| CmpFPredicate::from_attr(ctx, a))
                    .ok_or_else(|| op_error(ctx, op, "has no valid predicate"))?;
                self.elementwise(op, &operands, rty, false, &mut |t, _, a| {
                    Ok(t.cmpf(p, a[0], a[1]))
                })?
            }
            Class::CmpI => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| CmpIPredicate::from_attr(ctx, a))
                    .ok_or_else(|| op_error(ctx, op, "has no valid predicate"))?;
                let elem = self.scalar_ty(op, ctx.value_type(operands[0]))?;
                self.elementwise(op, &operands, rty, false, &mut |t, _, a| {
                    Ok(t.cmpi(p, elem, a[0], a[1]))
                })?
            }
            Class::Select => self.select(op, &operands, rty)?,
            Class::Cast => {
                let from = self.scalar_ty(op, ctx.value_type(operands[0]))?;
                let to = self.scalar_ty(op, rty)?;
                if aop == ArithOp::TruncF {
                    let mode = ctx
                        .attr(op, "roundingmode")
                        .map(|a| RoundingMode::from_attr(ctx, a));
                    if !matches!(mode, None | Some(Some(RoundingMode::ToNearestEven))) {
                        return Err(op_error(
                            ctx,
                            op,
                            "rounding modes other than to_nearest_even are not supported",
                        ));
                    }
                }
                self.elementwise(op, &operands, rty, false, &mut |t, _, a| {
                    t.cast(op, aop, from, to, a[0])
                })?
            }
        };
        self.set(result, val);
        Ok(())
    }

    /// An `arith.constant` of type `ty`.
    fn constant(&mut self, op: OpId, ty: Type) -> BackendResult<Val> {
        let ctx = self.ctx;
        let attr = ctx
            .attr(op, "value")
            .ok_or_else(|| op_error(ctx, op, "has no value"))?;
        if let Some(s) = ScalarTy::of(ctx, ty) {
            let v = match ctx.attr_data(attr) {
                AttrData::Integer { value, .. } => DenseScalar::Int(*value),
                AttrData::Bool(b) => DenseScalar::Int(*b as i128),
                AttrData::Float { bits, .. } => DenseScalar::Float(f64::from_bits(*bits)),
                _ => return Err(op_error(ctx, op, "has a value the backend cannot read")),
            };
            return Ok(Val::Scalar(self.scalar_const(s, v)));
        }
        let layout = self.layout(op, ty)?;
        let values = match ctx.attr_data(attr) {
            AttrData::DenseElements(d) => dense::elements(ctx, d),
            _ => None,
        }
        .filter(|v| v.len() == layout.lanes)
        .ok_or_else(|| op_error(ctx, op, "has a value the backend cannot read"))?;
        Ok(Val::Vector(self.const_vector(&layout, &values)))
    }

    /// A scalar constant.
    pub(crate) fn scalar_const(&mut self, s: ScalarTy, v: DenseScalar) -> ir::Value {
        match (s.kind, v) {
            (Kind::Float, _) => {
                let x = match v {
                    DenseScalar::Float(x) => x,
                    DenseScalar::Int(i) => i as f64,
                };
                if s.ty == types::F32 {
                    self.b.ins().f32const(x as f32)
                } else {
                    self.b.ins().f64const(x)
                }
            }
            (_, DenseScalar::Int(i)) => self.int_const(s, i as i64),
            (_, DenseScalar::Float(x)) => self.int_const(s, x as i64),
        }
    }

    /// An integer constant of `s` (`i1`: the low bit).
    pub(crate) fn int_const(&mut self, s: ScalarTy, v: i64) -> ir::Value {
        let bits = s.ty.bits();
        let v = if s.is_bool() {
            v & 1
        } else if bits < 64 {
            v & ((1i64 << bits) - 1)
        } else {
            v
        };
        self.b.ins().iconst(s.ty, v)
    }

    /// A vector constant of `layout` with these lanes.
    pub(crate) fn const_vector(
        &mut self,
        layout: &VecLayout,
        values: &[DenseScalar],
    ) -> Vec<ir::Value> {
        let Some(simd) = layout.simd else {
            return values
                .iter()
                .map(|&v| self.scalar_const(layout.elem, v))
                .collect();
        };
        let per = layout.per_part();
        let size = layout.elem.bytes() as usize;
        values
            .chunks(per)
            .map(|chunk| {
                let mut bytes = Vec::with_capacity(16);
                for &v in chunk {
                    let raw: u64 = match (layout.elem.kind, v) {
                        (Kind::Float, v) => {
                            let x = match v {
                                DenseScalar::Float(x) => x,
                                DenseScalar::Int(i) => i as f64,
                            };
                            if size == 4 {
                                (x as f32).to_bits() as u64
                            } else {
                                x.to_bits()
                            }
                        }
                        (_, DenseScalar::Int(i)) => i as u64,
                        (_, DenseScalar::Float(x)) => x as i64 as u64,
                    };
                    bytes.extend_from_slice(&raw.to_le_bytes()[..size]);
                }
                let c = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
                self.b.ins().vconst(simd, c)
            })
            .collect()
    }

    /// A float constant of part type `ty` (splatted for SIMD).
    fn float_const(&mut self, ty: ir::Type, x: f64) -> ir::Value {
        let lane = if ty.lane_type() == types::F32 {
            self.b.ins().f32const(x as f32)
        } else {
            self.b.ins().f64const(x)
        };
        if ty.is_vector() {
            self.b.ins().splat(ty, lane)
        } else {
            lane
        }
    }

    /// `c ? x : y` where `c` is a comparison result of part type `ty`: an
    /// `i8` for scalars, an all-ones lane mask for SIMD parts.
    fn pick(&mut self, ty: ir::Type, c: ir::Value, x: ir::Value, y: ir::Value) -> ir::Value {
        if ty.is_vector() {
            let flags = MemFlagsData::new().with_endianness(ir::Endianness::Little);
            let mask = self.b.ins().bitcast(ty, flags, c);
            self.b.ins().bitselect(mask, x, y)
        } else {
            self.b.ins().select(c, x, y)
        }
    }

    /// A float element-wise op on part type `ty`.
    pub(crate) fn float_op(
        &mut self,
        op: OpId,
        aop: ArithOp,
        ty: ir::Type,
        a: &[ir::Value],
    ) -> BackendResult<ir::Value> {
        use ArithOp::*;
        let ins = self.b.ins();
        Ok(match aop {
            AddF => ins.fadd(a[0], a[1]),
            SubF => ins.fsub(a[0], a[1]),
            MulF => ins.fmul(a[0], a[1]),
            DivF => ins.fdiv(a[0], a[1]),
            NegF => ins.fneg(a[0]),
            MaximumF => ins.fmax(a[0], a[1]),
            MinimumF => ins.fmin(a[0], a[1]),
            MaxNumF | MinNumF => {
                let m = if aop == MaxNumF {
                    self.b.ins().fmax(a[0], a[1])
                } else {
                    self.b.ins().fmin(a[0], a[1])
                };
                let a_nan = self.b.ins().fcmp(FloatCC::Unordered, a[0], a[0]);
                let b_nan = self.b.ins().fcmp(FloatCC::Unordered, a[1], a[1]);
                let r = self.pick(ty, b_nan, a[0], m);
                self.pick(ty, a_nan, a[1], r)
            }
            RemF => {
                let name = if ty == types::F32 { "fmodf" } else { "fmod" };
                self.call_runtime(op, name, &[a[0], a[1]], &[ty])?[0]
            }
            _ => return Err(unsupported(self.ctx, op)),
        })
    }

    /// `x` sign-extended within its type if it is an `i1` (0 / -1).
    fn sext_bool(&mut self, s: ScalarTy, x: ir::Value) -> ir::Value {
        if s.is_bool() { self.b.ins().ineg(x) } else { x }
    }

    /// An `i8` comparison result as an integer of type `ty`.
    fn bool_as(&mut self, ty: ir::Type, c: ir::Value) -> ir::Value {
        if ty == types::I8 {
            c
        } else {
            self.b.ins().uextend(ty, c)
        }
    }

    /// An integer element-wise op on elements of `s` (or SIMD parts of
    /// them, for the ops [`simd_arith`] allows).
    pub(crate) fn int_op(
        &mut self,
        op: OpId,
        aop: ArithOp,
        s: ScalarTy,
        a: &[ir::Value],
    ) -> BackendResult<ir::Value> {
        use ArithOp::*;
        let signed = matches!(
            aop,
            DivSI | RemSI | CeilDivSI | FloorDivSI | MaxSI | MinSI | ShRSI
        );
        let (x, y) = if signed {
            (self.sext_bool(s, a[0]), self.sext_bool(s, a[1]))
        } else {
            (a[0], a[1])
        };
        let ty = self.b.func.dfg.value_type(x);
        let r = match aop {
            AddI => self.b.ins().iadd(x, y),
            SubI => self.b.ins().isub(x, y),
            MulI => self.b.ins().imul(x, y),
            DivSI => self.b.ins().sdiv(x, y),
            DivUI => self.b.ins().udiv(x, y),
            RemSI => self.b.ins().srem(x, y),
            RemUI => self.b.ins().urem(x, y),
            AndI => self.b.ins().band(x, y),
            OrI => self.b.ins().bor(x, y),
            XOrI => self.b.ins().bxor(x, y),
            ShLI => self.b.ins().ishl(x, y),
            ShRSI => self.b.ins().sshr(x, y),
            ShRUI => self.b.ins().ushr(x, y),
            MaxSI => self.b.ins().smax(x, y),
            MinSI => self.b.ins().smin(x, y),
            MaxUI => self.b.ins().umax(x, y),
            MinUI => self.b.ins().umin(x, y),
            CeilDivUI => {
                let q = self.b.ins().udiv(x, y);
                let r = self.b.ins().urem(x, y);
                let nz = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                let adj = self.bool_as(ty, nz);
                self.b.ins().iadd(q, adj)
            }
            CeilDivSI | FloorDivSI => {
                // Truncating division, then one step up (ceil) when the
                // remainder is non-zero with the divisor's sign, or down
                // (floor) when it has the other sign.
                let q = self.b.ins().sdiv(x, y);
                let r = self.b.ins().srem(x, y);
                let nz = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                let signs = self.b.ins().bxor(r, y);
                let cc = if aop == CeilDivSI {
                    IntCC::SignedGreaterThanOrEqual
                } else {
                    IntCC::SignedLessThan
                };
                let side = self.b.ins().icmp_imm_s(cc, signs, 0);
                let c = self.b.ins().band(nz, side);
                let adj = self.bool_as(ty, c);
                if aop == CeilDivSI {
                    self.b.ins().iadd(q, adj)
                } else {
                    self.b.ins().isub(q, adj)
                }
            }
            _ => return Err(unsupported(self.ctx, op)),
        };
        Ok(if s.is_bool() {
            self.b.ins().band_imm_s(r, 1)
        } else {
            r
        })
    }

    /// `arith.cmpf` on one element.
    fn cmpf(&mut self, p: CmpFPredicate, a: ir::Value, b: ir::Value) -> ir::Value {
        use CmpFPredicate::*;
        let cc = match p {
            AlwaysFalse => return self.b.ins().iconst(types::I8, 0),
            AlwaysTrue => return self.b.ins().iconst(types::I8, 1),
            Oeq => FloatCC::Equal,
            Ogt => FloatCC::GreaterThan,
            Oge => FloatCC::GreaterThanOrEqual,
            Olt => FloatCC::LessThan,
            Ole => FloatCC::LessThanOrEqual,
            One => FloatCC::OrderedNotEqual,
            Ord => FloatCC::Ordered,
            Ueq => FloatCC::UnorderedOrEqual,
            Ugt => FloatCC::UnorderedOrGreaterThan,
            Uge => FloatCC::UnorderedOrGreaterThanOrEqual,
            Ult => FloatCC::UnorderedOrLessThan,
            Ule => FloatCC::UnorderedOrLessThanOrEqual,
            Une => FloatCC::NotEqual,
            Uno => FloatCC::Unordered,
        };
        self.b.ins().fcmp(cc, a, b)
    }

    /// `arith.cmpi` on one element of `s`.
    fn cmpi(&mut self, p: CmpIPredicate, s: ScalarTy, a: ir::Value, b: ir::Value) -> ir::Value {
        use CmpIPredicate::*;
        let cc = match p {
            Eq => IntCC::Equal,
            Ne => IntCC::NotEqual,
            Slt => IntCC::SignedLessThan,
            Sle => IntCC::SignedLessThanOrEqual,
            Sgt => IntCC::SignedGreaterThan,
            Sge => IntCC::SignedGreaterThanOrEqual,
            Ult => IntCC::UnsignedLessThan,
            Ule => IntCC::UnsignedLessThanOrEqual,
            Ugt => IntCC::UnsignedGreaterThan,
            Uge => IntCC::UnsignedGreaterThanOrEqual,
        };
        let (a, b) = if matches!(p, Slt | Sle | Sgt | Sge) {
            (self.sext_bool(s, a), self.sext_bool(s, b))
        } else {
            (a, b)
        };
        self.b.ins().icmp(cc, a, b)
    }

    /// `arith.select`: by a scalar condition on whole values (each part or
    /// descriptor field), by a vector condition lane by lane.
    fn select(&mut self, op: OpId, operands: &[Value], rty: Type) -> BackendResult<Val> {
        let [c, x, y] = operands else {
            return Err(op_error(self.ctx, op, "needs three operands"));
        };
        let cond_ty = self.ctx.value_type(*c);
        if ScalarTy::of(self.ctx, cond_ty).is_some() {
            let cond = self.scalar(op, *c)?;
            let (xv, yv) = (self.val(op, *x)?, self.val(op, *y)?);
            let xs = self.flatten(&xv);
            let ys = self.flatten(&yv);
            let want =
                super::types::flat_types(self.ctx, rty).map_err(|e| op_error(self.ctx, op, e))?;
            if xs.len() != want.len() || ys.len() != want.len() {
                return Err(op_error(
                    self.ctx,
                    op,
                    "operands do not match the result type",
                ));
            }
            let picked: Vec<ir::Value> = xs
                .iter()
                .zip(&ys)
                .map(|(&a, &b)| self.b.ins().select(cond, a, b))
                .collect();
            return self.unflatten(op, rty, &picked);
        }
        self.elementwise(op, operands, rty, false, &mut |t, _, a| {
            Ok(t.b.ins().select(a[0], a[1], a[2]))
        })
    }

    /// A conversion of one element.
    fn cast(
        &mut self,
        op: OpId,
        aop: ArithOp,
        from: ScalarTy,
        to: ScalarTy,
        x: ir::Value,
    ) -> BackendResult<ir::Value> {
        use ArithOp::*;
        let bits = |s: ScalarTy| s.ty.bits();
        let r = match aop {
            ExtF if from.ty == to.ty => x,
            ExtF => self.b.ins().fpromote(to.ty, x),
            TruncF if from.ty == to.ty => x,
            TruncF => self.b.ins().fdemote(to.ty, x),
            ExtSI | ExtUI | TruncI | IndexCast | IndexCastUI => {
                let signed = matches!(aop, ExtSI | IndexCast);
                let x = if signed { self.sext_bool(from, x) } else { x };
                let r = self.resize(x, to.ty, signed);
                if to.is_bool() {
                    self.b.ins().band_imm_s(r, 1)
                } else {
                    r
                }
            }
            SIToFP | UIToFP => {
                let signed = aop == SIToFP;
                let x = if signed { self.sext_bool(from, x) } else { x };
                let wide = if bits(from) < 32 {
                    self.resize(x, types::I32, signed)
                } else {
                    x
                };
                if signed {
                    self.b.ins().fcvt_from_sint(to.ty, wide)
                } else {
                    self.b.ins().fcvt_from_uint(to.ty, wide)
                }
            }
            FPToSI | FPToUI => {
                let wide = if bits(to) < 32 { types::I32 } else { to.ty };
                let r = if aop == FPToSI {
                    self.b.ins().fcvt_to_sint_sat(wide, x)
                } else {
                    self.b.ins().fcvt_to_uint_sat(wide, x)
                };
                let r = self.resize(r, to.ty, false);
                if to.is_bool() {
                    self.b.ins().band_imm_s(r, 1)
                } else {
                    r
                }
            }
            Bitcast if from.ty == to.ty => x,
            Bitcast if bits(from) == bits(to) && !from.is_bool() && !to.is_bool() => {
                self.b.ins().bitcast(to.ty, MemFlagsData::new(), x)
            }
            _ => return Err(unsupported(self.ctx, op)),
        };
        Ok(r)
    }

    /// Integer `x` extended (sign or zero) or truncated to `ty`.
    fn resize(&mut self, x: ir::Value, ty: ir::Type, signed: bool) -> ir::Value {
        let from = self.b.func.dfg.value_type(x);
        if from.bits() == ty.bits() {
            x
        } else if from.bits() > ty.bits() {
            self.b.ins().ireduce(ty, x)
        } else if signed {
            self.b.ins().sextend(ty, x)
        } else {
            self.b.ins().uextend(ty, x)
        }
    }

    /// A `math` op.
    pub(crate) fn math(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let Some(mop) = MathOp::from_name(ctx.op_name_of(op)) else {
            return Err(unsupported(ctx, op));
        };
        let data = ctx.op(op);
        let &[result] = &data.results[..] else {
            return Err(op_error(ctx, op, "must have one result"));
        };
        let rty = ctx.value_type(result);
        let operands = data.operands.clone();
        if let Class::SameType { arity, .. } = mop.class() {
            check_arity(ctx, op, &operands, arity as usize)?;
        }
        let elem = self.scalar_ty(op, rty)?;
        use MathOp::*;
        let simd = matches!(
            mop,
            Sqrt | AbsF | Floor | Ceil | Trunc | RoundEven | Fma | Rsqrt
        );
        let val = if elem.is_float() {
            let libm = support::libm_name(mop.name(), elem.ty == types::F32);
            self.elementwise(op, &operands, rty, simd, &mut |t, ty, a| {
                let ins = t.b.ins();
                Ok(match mop {
                    Sqrt => ins.sqrt(a[0]),
                    AbsF => ins.fabs(a[0]),
                    Floor => ins.floor(a[0]),
                    Ceil => ins.ceil(a[0]),
                    Trunc => ins.trunc(a[0]),
                    RoundEven => ins.nearest(a[0]),
                    Fma => ins.fma(a[0], a[1], a[2]),
                    CopySign => ins.fcopysign(a[0], a[1]),
                    Rsqrt => {
                        let root = t.b.ins().sqrt(a[0]);
                        let one = t.float_const(ty, 1.0);
                        t.b.ins().fdiv(one, root)
                    }
                    _ => match &libm {
                        Some(name) => t.call_runtime(op, name, a, &[ty])?[0],
                        None => return Err(unsupported(t.ctx, op)),
                    },
                })
            })?
        } else {
            if !matches!(mop, AbsI | Ctlz | Cttz | Ctpop) {
                return Err(unsupported(ctx, op));
            }
            self.elementwise(op, &operands, rty, false, &mut |t, _, a| {
                Ok(t.int_math(mop, elem, a[0]))
            })?
        };
        self.set(result, val);
        Ok(())
    }

    /// `absi`, `ctlz`, `cttz`, `ctpop` on one element of `s` (narrow types
    /// computed in `i32`).
    fn int_math(&mut self, mop: MathOp, s: ScalarTy, x: ir::Value) -> ir::Value {
        use MathOp::*;
        if s.is_bool() {
            // absi and ctpop of a bit are the bit; ctlz and cttz its negation.
            return match mop {
                Ctlz | Cttz => self.b.ins().bxor_imm_s(x, 1),
                _ => x,
            };
        }
        let bits = s.ty.bits();
        let narrow = bits < 32;
        let w = if narrow {
            self.resize(x, types::I32, mop == AbsI)
        } else {
            x
        };
        let r = match mop {
            AbsI => self.b.ins().iabs(w),
            Ctlz => {
                let r = self.b.ins().clz(w);
                if narrow {
                    self.b.ins().iadd_imm_s(r, -(32 - bits as i64))
                } else {
                    r
                }
            }
            Cttz => {
                // A bit just above the type makes ctz of 0 the width.
                let w = if narrow {
                    self.b.ins().bor_imm_s(w, 1i64 << bits)
                } else {
                    w
                };
                self.b.ins().ctz(w)
            }
            _ => self.b.ins().popcnt(w),
        };
        self.resize(r, s.ty, false)
    }
}

/// An error unless `op` has `n` operands.
fn check_arity(ctx: &Context, op: OpId, operands: &[Value], n: usize) -> BackendResult<()> {
    if operands.len() == n {
        Ok(())
    } else {
        Err(op_error(ctx, op, format!("needs {n} operands")))
    }
}

/// Whether Cranelift has `aop` as one instruction on SIMD parts of `s`.
fn simd_arith(aop: ArithOp, s: ScalarTy) -> bool {
    use ArithOp::*;
    if s.is_float() {
        return matches!(
            aop,
            AddF | SubF | MulF | DivF | NegF | MaximumF | MinimumF | MaxNumF | MinNumF
        );
    }
    match aop {
        AddI | SubI | AndI | OrI | XOrI => true,
        MulI => s.ty != types::I8,
        _ => false,
    }
}
