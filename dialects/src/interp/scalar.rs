//! Scalar semantics of the `arith` and `math` dialects: what each op
//! computes on one element, with MLIR 19's meaning.
//!
//! A [`Scalar`] is one value of an element type ([`ElemTy`]): an `iN`
//! (N ≤ 128) as its bit pattern, an `index` (64 bits, as MLIR's folds treat
//! it), or an `f16`, `bf16`, `f32` or `f64`. [`ScalarOp`] is an `arith` or
//! `math` op read once from the IR (its kind, predicate, rounding mode and
//! result element type) and evaluated any number of times with
//! [`ScalarOp::eval`]; [`eval_arith`] and [`eval_math`] do both in one
//! call. Ops on vectors and tensors are element-wise: a loop-level
//! interpreter applies the op lane by lane (a scalar `i1` condition of
//! `arith.select` applies to every lane). Folds use the same evaluation,
//! so a fold never disagrees with the interpreter.
//!
//! Semantics, op by op, are documented on the ops (see [`crate::arith`] and
//! [`crate::math`]); the rules that apply throughout:
//!
//! - Integers wrap (two's complement); `nsw`/`nuw` flags are not checked
//!   (a violated flag makes poison, and the wrapped value refines it).
//! - Floats round each operation to nearest even in the operand type:
//!   `f32` and `f64` compute natively, `f16` and `bf16` in `f32` and round
//!   once more, which is exact for `+ - * /` and `remf`; `math.fma`
//!   rounds once in every type. `math` functions are the C library's
//!   `f32` and `f64` ones (`expf`, `exp`, through `std`), as compiled code
//!   calls them and as MLIR 19's folds compute them, so results agree
//!   bit for bit with both on the same host (`erf`, `asinh`, `acosh` and
//!   `atanh` are the `libm` crate's, which may differ by an ulp). The
//!   16-bit types compute in `f32`.
//! - A NaN result is the first NaN operand made quiet, or the positive
//!   quiet NaN with no payload when no operand is NaN (APFloat's rule;
//!   hardware NaN signs differ, so results do not depend on the host).
//!   `negf`, `absf` and `copysign` only touch the sign bit, NaN or not;
//!   `maximumf`/`minimumf`/`maxnumf`/`minnumf` return an operand unchanged.
//! - Undefined behaviour and poison are errors: division by zero,
//!   signed division overflow (`MIN / -1`), shifts by the bit width or
//!   more, and float-to-integer conversions of NaN, infinities or values
//!   out of range. The error says which.
//!
//! Fast-math flags are ignored: each flag only allows more results, and the
//! exact one is always allowed.

mod arith;
mod float;
mod math;

use std::fmt;

use tessera_compiler::syntax::dense::{self, DenseScalar};
use tessera_compiler::syntax::float as fmt_float;
use tessera_compiler::{AttrData, Attribute, Context, FloatKind, OpId, Signedness, Type, TypeData};

use crate::arith::{ArithOp, CmpFPredicate, CmpIPredicate, RoundingMode};
use crate::math::MathOp;

/// The element types scalar semantics are defined for.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ElemTy {
    /// A signless integer of this many bits (1 to 128).
    Int(u32),
    /// `index`, as a 64-bit integer.
    Index,
    /// A float.
    Float(FloatKind),
}

impl ElemTy {
    /// The element type `ty` is, if it is a signless integer (≤ 128 bits),
    /// `index` or a float.
    pub fn of(ctx: &Context, ty: Type) -> Option<ElemTy> {
        match ctx.type_data(ty) {
            TypeData::Integer {
                width,
                signedness: Signedness::Signless,
            } if (1..=128).contains(width) => Some(ElemTy::Int(*width)),
            TypeData::Index => Some(ElemTy::Index),
            TypeData::Float(k) => Some(ElemTy::Float(*k)),
            _ => None,
        }
    }

    /// The element type of a scalar type, or of a vector or tensor type.
    pub fn of_elements(ctx: &Context, ty: Type) -> Option<ElemTy> {
        match ctx.type_data(ty) {
            TypeData::Vector { elem, .. } | TypeData::Tensor { elem, .. } => ElemTy::of(ctx, *elem),
            _ => ElemTy::of(ctx, ty),
        }
    }

    /// The IR type.
    pub fn to_type(self, ctx: &mut Context) -> Type {
        match self {
            ElemTy::Int(w) => ctx.int_type(w),
            ElemTy::Index => ctx.index_type(),
            ElemTy::Float(k) => ctx.float_type(k),
        }
    }

    /// The width in bits (`index`: 64).
    pub fn width(self) -> u32 {
        match self {
            ElemTy::Int(w) => w,
            ElemTy::Index => 64,
            ElemTy::Float(k) => k.width(),
        }
    }

    /// Whether this is a float type.
    pub fn is_float(self) -> bool {
        matches!(self, ElemTy::Float(_))
    }
}

impl fmt::Display for ElemTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElemTy::Int(w) => write!(f, "i{w}"),
            ElemTy::Index => f.write_str("index"),
            ElemTy::Float(k) => f.write_str(k.name()),
        }
    }
}

/// One value of an [`ElemTy`].
///
/// Equality is bitwise identity: NaNs with the same bits are equal, and
/// `-0.0` differs from `0.0`.
#[derive(Copy, Clone, Debug)]
pub enum Scalar {
    /// An `iN` as its bit pattern: bits above `width` are zero. `i1` is a
    /// boolean (`bits` 0 or 1).
    Int {
        /// The low `width` bits of the value.
        bits: u128,
        /// The width, 1 to 128.
        width: u32,
    },
    /// An `index`.
    Index(i64),
    /// An `f16`, as its bits.
    F16(u16),
    /// A `bf16`, as its bits.
    BF16(u16),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
}

/// The mask of the low `width` bits.
pub(crate) fn mask(width: u32) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

/// `bits` (of width `width`) sign-extended.
pub(crate) fn sext(bits: u128, width: u32) -> i128 {
    let shift = 128 - width.clamp(1, 128);
    ((bits << shift) as i128) >> shift
}

impl Scalar {
    /// The `iN` holding the low `width` bits of `value`.
    pub fn int(value: i128, width: u32) -> Scalar {
        Scalar::Int {
            bits: value as u128 & mask(width),
            width,
        }
    }

    /// An `i1`.
    pub fn bool(b: bool) -> Scalar {
        Scalar::Int {
            bits: b as u128,
            width: 1,
        }
    }

    /// `value` rounded to nearest even in `kind`.
    pub fn float(value: f64, kind: FloatKind) -> Scalar {
        match kind {
            FloatKind::F64 => Scalar::F64(value),
            FloatKind::F32 => Scalar::F32(value as f32),
            _ => Scalar::from_float_bits(kind, fmt_float::to_bits(value, kind)),
        }
    }

    /// The float of `kind` with bit pattern `bits` (higher bits ignored).
    pub fn from_float_bits(kind: FloatKind, bits: u64) -> Scalar {
        match kind {
            FloatKind::F16 => Scalar::F16(bits as u16),
            FloatKind::BF16 => Scalar::BF16(bits as u16),
            FloatKind::F32 => Scalar::F32(f32::from_bits(bits as u32)),
            FloatKind::F64 => Scalar::F64(f64::from_bits(bits)),
        }
    }

    /// Zero of `ty` (`+0.0` for floats).
    pub fn zero(ty: ElemTy) -> Scalar {
        match ty {
            ElemTy::Int(width) => Scalar::Int { bits: 0, width },
            ElemTy::Index => Scalar::Index(0),
            ElemTy::Float(k) => Scalar::from_float_bits(k, 0),
        }
    }

    /// The element type.
    pub fn ty(&self) -> ElemTy {
        match *self {
            Scalar::Int { width, .. } => ElemTy::Int(width),
            Scalar::Index(_) => ElemTy::Index,
            Scalar::F16(_) => ElemTy::Float(FloatKind::F16),
            Scalar::BF16(_) => ElemTy::Float(FloatKind::BF16),
            Scalar::F32(_) => ElemTy::Float(FloatKind::F32),
            Scalar::F64(_) => ElemTy::Float(FloatKind::F64),
        }
    }

    /// The value of an `i1`.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Scalar::Int { bits, width: 1 } => Some(bits != 0),
            _ => None,
        }
    }

    /// An integer or `index` read as signed.
    pub fn as_signed(&self) -> Option<i128> {
        match *self {
            Scalar::Int { bits, width } => Some(sext(bits, width)),
            Scalar::Index(v) => Some(v as i128),
            _ => None,
        }
    }

    /// An integer or `index` read as unsigned.
    pub fn as_unsigned(&self) -> Option<u128> {
        match *self {
            Scalar::Int { bits, .. } => Some(bits),
            Scalar::Index(v) => Some(v as u64 as u128),
            _ => None,
        }
    }

    /// A float's value (exact: every kind fits in `f64`; NaN payloads are
    /// not kept, see [`float_bits`](Self::float_bits)).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Scalar::F16(b) => Some(fmt_float::from_bits(b as u64, FloatKind::F16)),
            Scalar::BF16(b) => Some(fmt_float::from_bits(b as u64, FloatKind::BF16)),
            Scalar::F32(v) => Some(v as f64),
            Scalar::F64(v) => Some(v),
            _ => None,
        }
    }

    /// A float's kind and bit pattern.
    pub fn float_bits(&self) -> Option<(FloatKind, u64)> {
        match *self {
            Scalar::F16(b) => Some((FloatKind::F16, b as u64)),
            Scalar::BF16(b) => Some((FloatKind::BF16, b as u64)),
            Scalar::F32(v) => Some((FloatKind::F32, v.to_bits() as u64)),
            Scalar::F64(v) => Some((FloatKind::F64, v.to_bits())),
            _ => None,
        }
    }

    /// The bit pattern of any scalar (`index`: its 64 bits).
    pub fn raw_bits(&self) -> u128 {
        match *self {
            Scalar::Int { bits, .. } => bits,
            Scalar::Index(v) => v as u64 as u128,
            _ => self.float_bits().map_or(0, |(_, b)| b as u128),
        }
    }

    /// Whether this is a float NaN.
    pub fn is_nan(&self) -> bool {
        self.as_f64().is_some_and(f64::is_nan)
    }

    /// The scalar held by an integer, `true`/`false` or float attribute.
    pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<Scalar> {
        match ctx.attr_data(attr) {
            AttrData::Bool(b) => Some(Scalar::bool(*b)),
            AttrData::Integer { value, ty } => match ElemTy::of(ctx, *ty)? {
                ElemTy::Int(w) => Some(Scalar::int(*value, w)),
                ElemTy::Index => Some(Scalar::Index(*value as i64)),
                ElemTy::Float(_) => None,
            },
            AttrData::Float { bits, ty } => match ElemTy::of(ctx, *ty)? {
                ElemTy::Float(k) => Some(Scalar::float(f64::from_bits(*bits), k)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The attribute of this scalar: `true`/`false` for `i1`, else an
    /// integer or float attribute of its type.
    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        match self {
            Scalar::Int { bits, width: 1 } => ctx.bool_attr(bits != 0),
            Scalar::Int { bits, width } => {
                let ty = ctx.int_type(width);
                ctx.int_attr(sext(bits, width), ty)
            }
            Scalar::Index(v) => {
                let ty = ctx.index_type();
                ctx.int_attr(v as i128, ty)
            }
            _ => {
                let (k, _) = self.float_bits().unwrap_or((FloatKind::F64, 0));
                let ty = ctx.float_type(k);
                ctx.float_attr(self.as_f64().unwrap_or(0.0), ty)
            }
        }
    }

    /// This scalar as a dense-constant element.
    pub fn to_dense(self) -> DenseScalar {
        match self {
            Scalar::Int { bits, width } => DenseScalar::Int(sext(bits, width)),
            Scalar::Index(v) => DenseScalar::Int(v as i128),
            _ => DenseScalar::Float(self.as_f64().unwrap_or(0.0)),
        }
    }

    /// A dense-constant element as a scalar of `ty`.
    pub fn from_dense(v: DenseScalar, ty: ElemTy) -> Scalar {
        match (v, ty) {
            (DenseScalar::Int(i), ElemTy::Int(w)) => Scalar::int(i, w),
            (DenseScalar::Int(i), ElemTy::Index) => Scalar::Index(i as i64),
            (DenseScalar::Float(f), ElemTy::Float(k)) => Scalar::float(f, k),
            (DenseScalar::Int(i), ElemTy::Float(k)) => Scalar::float(i as f64, k),
            (DenseScalar::Float(f), ElemTy::Int(w)) => Scalar::int(f as i128, w),
            (DenseScalar::Float(f), ElemTy::Index) => Scalar::Index(f as i64),
        }
    }
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Scalar) -> bool {
        self.ty() == other.ty() && self.raw_bits() == other.raw_bits()
    }
}

impl Eq for Scalar {}

impl fmt::Display for Scalar {
    /// MLIR's spelling: `42 : i32`, `true`, `1.500000e+00 : f32`, `0x7FC00000 : f32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Scalar::Int { bits, width: 1 } => f.write_str(if bits != 0 { "true" } else { "false" }),
            Scalar::Int { bits, width } => write!(f, "{} : i{width}", sext(bits, width)),
            Scalar::Index(v) => write!(f, "{v} : index"),
            _ => {
                let (k, bits) = self.float_bits().unwrap_or((FloatKind::F64, 0));
                let text = if self.is_nan() {
                    format!("0x{:0w$X}", bits, w = (k.width() / 4) as usize)
                } else {
                    fmt_float::format_float(self.as_f64().unwrap_or(0.0), k)
                };
                write!(f, "{text} : {}", k.name())
            }
        }
    }
}

/// The value of a scalar attribute, or of a splat dense attribute.
pub fn attr_splat(ctx: &Context, attr: Attribute) -> Option<Scalar> {
    match ctx.attr_data(attr) {
        AttrData::DenseElements(d) if d.splat => {
            let ty = ElemTy::of_elements(ctx, d.ty)?;
            Some(Scalar::from_dense(dense::element(ctx, d, 0)?, ty))
        }
        AttrData::DenseElements(_) => None,
        _ => Scalar::from_attr(ctx, attr),
    }
}

/// Every element of a constant: one for a scalar attribute, all of them
/// (row-major, splats repeated) for dense elements.
pub fn attr_elements(ctx: &Context, attr: Attribute) -> Option<Vec<Scalar>> {
    match ctx.attr_data(attr) {
        AttrData::DenseElements(d) => {
            let ty = ElemTy::of_elements(ctx, d.ty)?;
            let v = dense::elements(ctx, d)?;
            Some(v.into_iter().map(|e| Scalar::from_dense(e, ty)).collect())
        }
        _ => Scalar::from_attr(ctx, attr).map(|s| vec![s]),
    }
}

/// The constant of type `ty` holding `values`: a scalar attribute for a
/// scalar type (one value), dense elements for a static vector or tensor
/// (one value is a splat). `None` if the values do not fit the type.
pub fn elements_attr(ctx: &mut Context, ty: Type, values: &[Scalar]) -> Option<Attribute> {
    match ctx.type_data(ty) {
        TypeData::Vector { .. } | TypeData::Tensor { .. } => {
            let elem = ElemTy::of_elements(ctx, ty)?;
            if values.iter().any(|v| v.ty() != elem) {
                return None;
            }
            let dense: Vec<DenseScalar> = values.iter().map(|v| v.to_dense()).collect();
            let d = dense::make_dense(ctx, ty, &dense)?;
            Some(ctx.intern_attr(AttrData::DenseElements(d)))
        }
        _ => match values {
            [v] if Some(v.ty()) == ElemTy::of(ctx, ty) => Some(v.to_attr(ctx)),
            _ => None,
        },
    }
}

/// Which dialect's op a [`ScalarOp`] is.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum OpKind {
    /// An `arith` op.
    Arith(ArithOp),
    /// A `math` op.
    Math(MathOp),
}

/// What besides its kind an op's evaluation needs.
#[derive(Copy, Clone, PartialEq, Debug)]
enum Detail {
    None,
    CmpF(CmpFPredicate),
    CmpI(CmpIPredicate),
    Round(RoundingMode),
    Constant(Scalar),
}

/// An `arith` or `math` op ready to evaluate on scalars.
#[derive(Copy, Clone, PartialEq, Debug)]
pub struct ScalarOp {
    kind: OpKind,
    result: ElemTy,
    detail: Detail,
}

impl ScalarOp {
    /// Reads `op` (an `arith` or `math` op with one result whose element
    /// type is an [`ElemTy`]): its kind, attributes and result type.
    /// `arith.constant` is supported for scalar values; for dense ones use
    /// [`attr_elements`].
    pub fn new(ctx: &Context, op: OpId) -> Result<ScalarOp, String> {
        let name = ctx.op_name_of(op);
        let kind = if let Some(a) = ArithOp::from_name(name) {
            OpKind::Arith(a)
        } else if let Some(m) = MathOp::from_name(name) {
            OpKind::Math(m)
        } else {
            return Err(format!("'{name}' is not an arith or math op"));
        };
        let [r] = ctx.op(op).results[..] else {
            return Err(format!("'{name}' must have one result"));
        };
        let rt = ctx.value_type(r);
        let result = ElemTy::of_elements(ctx, rt).ok_or_else(|| {
            format!(
                "'{name}': result type '{}' has no scalar semantics",
                tessera_compiler::syntax::type_str(ctx, rt)
            )
        })?;
        let mut s = ScalarOp {
            kind,
            result,
            detail: Detail::None,
        };
        match kind {
            OpKind::Arith(ArithOp::CmpF) => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| CmpFPredicate::from_attr(ctx, a))
                    .ok_or("'arith.cmpf' needs a valid 'predicate' attribute")?;
                s.detail = Detail::CmpF(p);
            }
            OpKind::Arith(ArithOp::CmpI) => {
                let p = ctx
                    .attr(op, "predicate")
                    .and_then(|a| CmpIPredicate::from_attr(ctx, a))
                    .ok_or("'arith.cmpi' needs a valid 'predicate' attribute")?;
                s.detail = Detail::CmpI(p);
            }
            OpKind::Arith(ArithOp::TruncF) => {
                let m = match ctx.attr(op, "roundingmode") {
                    None => RoundingMode::ToNearestEven,
                    Some(a) => RoundingMode::from_attr(ctx, a)
                        .ok_or("'arith.truncf' has an invalid 'roundingmode' attribute")?,
                };
                s.detail = Detail::Round(m);
            }
            OpKind::Arith(ArithOp::Constant) => {
                let v = ctx
                    .attr(op, "value")
                    .and_then(|a| Scalar::from_attr(ctx, a))
                    .ok_or(
                        "'arith.constant' is not a scalar constant (read dense values with \
                         attr_elements)",
                    )?;
                s.detail = Detail::Constant(v);
            }
            _ => {}
        }
        Ok(s)
    }

    /// An `arith` op other than `cmpf`, `cmpi`, `truncf` with a rounding
    /// mode and `constant`, producing elements of type `result`.
    pub fn arith(op: ArithOp, result: ElemTy) -> ScalarOp {
        ScalarOp {
            kind: OpKind::Arith(op),
            result,
            detail: Detail::None,
        }
    }

    /// A `math` op producing elements of type `result`.
    pub fn math(op: MathOp, result: ElemTy) -> ScalarOp {
        ScalarOp {
            kind: OpKind::Math(op),
            result,
            detail: Detail::None,
        }
    }

    /// `arith.cmpf` with `predicate`.
    pub fn cmpf(predicate: CmpFPredicate) -> ScalarOp {
        ScalarOp {
            kind: OpKind::Arith(ArithOp::CmpF),
            result: ElemTy::Int(1),
            detail: Detail::CmpF(predicate),
        }
    }

    /// `arith.cmpi` with `predicate`.
    pub fn cmpi(predicate: CmpIPredicate) -> ScalarOp {
        ScalarOp {
            kind: OpKind::Arith(ArithOp::CmpI),
            result: ElemTy::Int(1),
            detail: Detail::CmpI(predicate),
        }
    }

    /// `arith.truncf` to `kind`, rounding in `mode`.
    pub fn truncf(kind: FloatKind, mode: RoundingMode) -> ScalarOp {
        ScalarOp {
            kind: OpKind::Arith(ArithOp::TruncF),
            result: ElemTy::Float(kind),
            detail: Detail::Round(mode),
        }
    }

    /// The op's kind.
    pub fn kind(&self) -> OpKind {
        self.kind
    }

    /// The element type of the result.
    pub fn result_type(&self) -> ElemTy {
        self.result
    }

    /// Evaluates the op on one element of each operand.
    pub fn eval(&self, args: &[Scalar]) -> Result<Scalar, String> {
        let v = match self.kind {
            OpKind::Arith(op) => arith::eval(op, self, args)?,
            OpKind::Math(op) => math::eval(op, args)?,
        };
        if v.ty() != self.result {
            return Err(format!(
                "'{}' computed a {} but its result type is {}",
                self.name(),
                v.ty(),
                self.result
            ));
        }
        Ok(v)
    }

    /// The op's full name.
    pub fn name(&self) -> &'static str {
        match self.kind {
            OpKind::Arith(op) => op.name(),
            OpKind::Math(op) => op.name(),
        }
    }
}

/// Evaluates the `arith` op `op` on one element of each operand; the result
/// is one scalar per result (every `arith` op has one).
pub fn eval_arith(ctx: &Context, op: OpId, args: &[Scalar]) -> Result<Vec<Scalar>, String> {
    let s = ScalarOp::new(ctx, op)?;
    if !matches!(s.kind, OpKind::Arith(_)) {
        return Err(format!("'{}' is not an arith op", ctx.op_name_of(op)));
    }
    Ok(vec![s.eval(args)?])
}

/// Evaluates the `math` op `op` on one element of each operand.
pub fn eval_math(ctx: &Context, op: OpId, args: &[Scalar]) -> Result<Vec<Scalar>, String> {
    let s = ScalarOp::new(ctx, op)?;
    if !matches!(s.kind, OpKind::Math(_)) {
        return Err(format!("'{}' is not a math op", ctx.op_name_of(op)));
    }
    Ok(vec![s.eval(args)?])
}

/// Checks that there are `n` arguments.
fn arity(name: &str, args: &[Scalar], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!(
            "'{name}' takes {n} operands, but {} were given",
            args.len()
        ))
    }
}

/// "'op' expects ... operands, got ...".
fn type_error(name: &str, what: &str, args: &[Scalar]) -> String {
    let got: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
    format!("'{name}' expects {what}, got ({})", got.join(", "))
}

/// The common float kind of `args`.
fn float_kind(name: &str, args: &[Scalar]) -> Result<FloatKind, String> {
    let kind = match args.first().map(Scalar::ty) {
        Some(ElemTy::Float(k)) => k,
        _ => return Err(type_error(name, "float operands of one type", args)),
    };
    if args.iter().all(|a| a.ty() == ElemTy::Float(kind)) {
        Ok(kind)
    } else {
        Err(type_error(name, "float operands of one type", args))
    }
}

/// Applies a float function to operands of one kind: `f32` and `f64`
/// natively, `f16` and `bf16` in `f32` then rounded once. A NaN result
/// follows [`float::nan_result`].
fn float_map(
    name: &str,
    args: &[Scalar],
    f32op: impl Fn(&[f32]) -> f32,
    f64op: impl Fn(&[f64]) -> f64,
) -> Result<Scalar, String> {
    let kind = float_kind(name, args)?;
    let mut buf32 = [0f32; 3];
    let mut buf64 = [0f64; 3];
    let n = args.len().min(3);
    let r = match kind {
        FloatKind::F64 => {
            for (d, a) in buf64.iter_mut().zip(args) {
                *d = a.as_f64().unwrap_or(0.0);
            }
            Scalar::F64(f64op(&buf64[..n]))
        }
        _ => {
            for (d, a) in buf32.iter_mut().zip(args) {
                // Exact: every f16, bf16 and f32 value is an f32 (an f32
                // is taken as is, so a signalling NaN stays one).
                *d = match a {
                    Scalar::F32(x) => *x,
                    _ => a.as_f64().unwrap_or(0.0) as f32,
                };
            }
            let r = f32op(&buf32[..n]);
            match kind {
                FloatKind::F32 => Scalar::F32(r),
                _ => Scalar::float(r as f64, kind),
            }
        }
    };
    if r.is_nan() {
        return Ok(float::nan_result(kind, args));
    }
    Ok(r)
}

/// An integer operand's bits and width, and whether it is an `index`.
#[derive(Copy, Clone)]
struct IntArg {
    bits: u128,
    width: u32,
    index: bool,
}

impl IntArg {
    fn of(s: &Scalar) -> Option<IntArg> {
        match *s {
            // Widths outside 1..=128 (only constructible by hand) are rejected.
            Scalar::Int { bits, width } if (1..=128).contains(&width) => Some(IntArg {
                bits,
                width,
                index: false,
            }),
            Scalar::Index(v) => Some(IntArg {
                bits: v as u64 as u128,
                width: 64,
                index: true,
            }),
            _ => None,
        }
    }

    fn signed(self) -> i128 {
        sext(self.bits, self.width)
    }

    /// A result of the same type with the low bits of `bits`.
    fn with(self, bits: u128) -> Scalar {
        let bits = bits & mask(self.width);
        if self.index {
            Scalar::Index(bits as u64 as i64)
        } else {
            Scalar::Int {
                bits,
                width: self.width,
            }
        }
    }
}

/// Integer operands of one type.
fn int_args<const N: usize>(name: &str, args: &[Scalar]) -> Result<[IntArg; N], String> {
    let err = || type_error(name, "integer operands of one type", args);
    arity(name, args, N)?;
    let ty = args[0].ty();
    let mut out = [IntArg {
        bits: 0,
        width: 0,
        index: false,
    }; N];
    for (o, a) in out.iter_mut().zip(args) {
        if a.ty() != ty {
            return Err(err());
        }
        *o = IntArg::of(a).ok_or_else(err)?;
    }
    Ok(out)
}
