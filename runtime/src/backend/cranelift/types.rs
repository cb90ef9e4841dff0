//! How MLIR types are represented in Cranelift IR.
//!
//! - Scalars ([`ScalarTy`]): `iN` for N in 8, 16, 32, 64 as Cranelift's
//!   `iN`; `i1` as an `i8` holding 0 or 1 (Cranelift has no 1-bit type; a
//!   comparison gives 0 or 1 in an `i8` too); `index` as `i64` (64-bit hosts
//!   only); `f32`, `f64`. Other widths, `f16` and `bf16` are rejected. In
//!   memory an element takes its natural size, `i1` one byte.
//! - Vectors ([`VecLayout`]): flattened row-major into lanes, kept as
//!   128-bit SIMD parts (`f32x4`, `i32x4`, `f64x2`, ...) when the lane count
//!   is a multiple of the part's and the element type has a SIMD type, so
//!   `vector<8xf32>` is two `f32x4`; otherwise (and always for `i1`, masks)
//!   as one scalar per lane. The representation depends only on the element
//!   type and the lane count, so `vector.shape_cast` is free.
//! - Memrefs ([`MemRefInfo`]): the descriptor fields (`allocated`,
//!   `aligned`, `offset`, `sizes`, `strides`), each an `i64`; what the type
//!   fixes statically is used as a constant.

use cranelift_codegen::ir::{self, types};
use tessera_compiler::{Context, DYNAMIC, FloatKind, Signedness, Type, TypeData};
use tessera_dialects::memref::{memref_parts, strides_and_offset};

/// What kind of scalar a [`ScalarTy`] is.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// `i1`, an `i8` holding 0 or 1.
    Bool,
    /// A signless integer of 8 to 64 bits.
    Int,
    /// `index`.
    Index,
    /// `f32` or `f64`.
    Float,
}

/// A scalar MLIR type and its Cranelift type.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) struct ScalarTy {
    /// What it is.
    pub kind: Kind,
    /// Its Cranelift type (`i8` for `i1`).
    pub ty: ir::Type,
}

impl ScalarTy {
    /// The scalar type `ty` is, if the backend handles it.
    pub fn of(ctx: &Context, ty: Type) -> Option<ScalarTy> {
        let (kind, ty) = match ctx.type_data(ty) {
            TypeData::Integer {
                width,
                signedness: Signedness::Signless,
            } => match width {
                1 => (Kind::Bool, types::I8),
                8 => (Kind::Int, types::I8),
                16 => (Kind::Int, types::I16),
                32 => (Kind::Int, types::I32),
                64 => (Kind::Int, types::I64),
                _ => return None,
            },
            TypeData::Index => (Kind::Index, types::I64),
            TypeData::Float(FloatKind::F32) => (Kind::Float, types::F32),
            TypeData::Float(FloatKind::F64) => (Kind::Float, types::F64),
            _ => return None,
        };
        Some(ScalarTy { kind, ty })
    }

    /// Bytes one element takes in memory.
    pub fn bytes(self) -> i64 {
        i64::from(self.ty.bytes())
    }

    /// Whether this is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        self.kind == Kind::Float
    }

    /// Whether this is `i1`.
    pub fn is_bool(self) -> bool {
        self.kind == Kind::Bool
    }

    /// The 128-bit SIMD type with lanes of this type, if parts use one.
    fn simd(self) -> Option<ir::Type> {
        if self.is_bool() {
            return None;
        }
        self.ty.by(128 / self.ty.bits())
    }
}

/// How a vector type is held: lanes, in parts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct VecLayout {
    /// The element type.
    pub elem: ScalarTy,
    /// The vector's shape (empty for a 0-d vector).
    pub shape: Vec<i64>,
    /// The number of lanes (elements).
    pub lanes: usize,
    /// The SIMD type of a part, or `None` when each lane is its own part.
    pub simd: Option<ir::Type>,
}

impl VecLayout {
    /// The layout of vector type `ty`, if the backend handles it.
    pub fn of(ctx: &Context, ty: Type) -> Option<VecLayout> {
        let TypeData::Vector { shape, elem } = ctx.type_data(ty) else {
            return None;
        };
        let elem = ScalarTy::of(ctx, *elem)?;
        if shape.iter().any(|&d| d <= 0) {
            return None;
        }
        let lanes = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d as usize))?;
        let simd = elem
            .simd()
            .filter(|s| lanes.is_multiple_of(s.lane_count() as usize));
        Some(VecLayout {
            elem,
            shape: shape.clone(),
            lanes,
            simd,
        })
    }

    /// Lanes per part.
    pub fn per_part(&self) -> usize {
        self.simd.map_or(1, |s| s.lane_count() as usize)
    }

    /// The number of parts.
    pub fn parts(&self) -> usize {
        self.lanes / self.per_part()
    }

    /// The Cranelift type of a part.
    pub fn part_ty(&self) -> ir::Type {
        self.simd.unwrap_or(self.elem.ty)
    }

    /// Row-major strides of the shape, in lanes.
    pub fn strides(&self) -> Vec<usize> {
        let mut strides = vec![1usize; self.shape.len()];
        for i in (0..self.shape.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * self.shape[i + 1] as usize;
        }
        strides
    }
}

/// What a memref type says statically.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct MemRefInfo {
    /// The element type.
    pub elem: ScalarTy,
    /// Sizes, [`DYNAMIC`] for `?`.
    pub shape: Vec<i64>,
    /// Strides in elements, [`DYNAMIC`] where unknown.
    pub strides: Vec<i64>,
    /// Offset in elements, [`DYNAMIC`] if unknown.
    pub offset: i64,
}

impl MemRefInfo {
    /// The information in memref type `ty`, or why the backend cannot
    /// handle it.
    pub fn of(ctx: &Context, ty: Type) -> Result<MemRefInfo, String> {
        let parts = memref_parts(ctx, ty).ok_or("not a memref type")?;
        let elem = ScalarTy::of(ctx, parts.elem).ok_or_else(|| {
            format!(
                "element type {} is not supported",
                type_name(ctx, parts.elem)
            )
        })?;
        let (strides, offset) = strides_and_offset(ctx, ty)
            .ok_or_else(|| format!("the layout of {} is not strided", type_name(ctx, ty)))?;
        Ok(MemRefInfo {
            elem,
            shape: parts.shape.to_vec(),
            strides,
            offset,
        })
    }

    /// The rank.
    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// Whether every size, stride and the offset are static, and the
    /// strides are the row-major ones of the shape with offset 0.
    pub fn is_static_identity(&self) -> bool {
        self.offset == 0
            && !self.shape.contains(&DYNAMIC)
            && self.strides == tessera_dialects::memref::row_major_strides(&self.shape)
    }
}

/// The number of `i64` words of a rank-`rank` descriptor.
pub(crate) fn descriptor_words(rank: usize) -> usize {
    3 + 2 * rank
}

/// The Cranelift types a value of type `ty` is passed as (to calls,
/// returns, block parameters): one scalar, a vector's parts, or a memref's
/// descriptor fields.
pub(crate) fn flat_types(ctx: &Context, ty: Type) -> Result<Vec<ir::Type>, String> {
    if let Some(s) = ScalarTy::of(ctx, ty) {
        return Ok(vec![s.ty]);
    }
    match ctx.type_data(ty) {
        TypeData::Vector { .. } => {
            let l = VecLayout::of(ctx, ty)
                .ok_or_else(|| format!("type {} is not supported", type_name(ctx, ty)))?;
            Ok(vec![l.part_ty(); l.parts()])
        }
        TypeData::MemRef { .. } => {
            let info = MemRefInfo::of(ctx, ty)?;
            Ok(vec![types::I64; descriptor_words(info.rank())])
        }
        _ => Err(format!("type {} is not supported", type_name(ctx, ty))),
    }
}

/// The MLIR spelling of `ty`, for messages.
pub(crate) fn type_name(ctx: &Context, ty: Type) -> String {
    tessera_compiler::syntax::type_str(ctx, ty)
}
