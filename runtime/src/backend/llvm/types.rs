//! Tessera types as LLVM types, and the static facts of memref types.
//!
//! Scalars map one to one; a vector of any rank is one flat LLVM vector
//! (see the [module docs](super)); a memref is MLIR's descriptor struct
//! `{ptr allocated, ptr aligned, i64 offset, [r x i64] sizes, [r x i64]
//! strides}` (rank 0: the first three fields).

use inkwell::AddressSpace;
use inkwell::context::Context as LlContext;
use inkwell::types::{BasicType, BasicTypeEnum, StructType};
use tessera_compiler::{Context, DYNAMIC, FloatKind, Type, TypeData};
use tessera_dialects::memref::{memref_parts, strides_and_offset};

/// The LLVM type of a scalar type: `iN` (any signedness), `index` (`i64`)
/// or a float; `None` for other types.
pub(super) fn scalar_type<'ctx>(
    llcx: &'ctx LlContext,
    ir: &Context,
    ty: Type,
) -> Option<BasicTypeEnum<'ctx>> {
    Some(match ir.type_data(ty) {
        TypeData::Integer { width, .. } => llcx
            .custom_width_int_type(std::num::NonZeroU32::new(*width)?)
            .ok()?
            .into(),
        TypeData::Index => llcx.i64_type().into(),
        TypeData::Float(FloatKind::F16) => llcx.f16_type().into(),
        TypeData::Float(FloatKind::BF16) => llcx.bf16_type().into(),
        TypeData::Float(FloatKind::F32) => llcx.f32_type().into(),
        TypeData::Float(FloatKind::F64) => llcx.f64_type().into(),
        _ => return None,
    })
}

/// The shape and element type of a vector type.
pub(super) fn vector_parts(ir: &Context, ty: Type) -> Option<(&[i64], Type)> {
    match ir.type_data(ty) {
        TypeData::Vector { shape, elem } => Some((shape, *elem)),
        _ => None,
    }
}

/// The number of elements of a vector type (1 for rank 0).
pub(super) fn vector_len(ir: &Context, ty: Type) -> Option<u32> {
    let (shape, _) = vector_parts(ir, ty)?;
    let n = shape.iter().try_fold(
        1i64,
        |acc, &d| if d < 0 { None } else { acc.checked_mul(d) },
    )?;
    u32::try_from(n).ok().filter(|&n| n > 0)
}

/// The LLVM type of a scalar or vector type (vectors flattened), `None`
/// for memrefs and types the backend does not handle.
pub(super) fn value_type<'ctx>(
    llcx: &'ctx LlContext,
    ir: &Context,
    ty: Type,
) -> Option<BasicTypeEnum<'ctx>> {
    if let Some(t) = scalar_type(llcx, ir, ty) {
        return Some(t);
    }
    let (_, elem) = vector_parts(ir, ty)?;
    let n = vector_len(ir, ty)?;
    Some(match scalar_type(llcx, ir, elem)? {
        BasicTypeEnum::IntType(t) => t.vec_type(n).into(),
        BasicTypeEnum::FloatType(t) => t.vec_type(n).into(),
        _ => return None,
    })
}

/// MLIR's memref descriptor struct of rank `rank`.
pub(super) fn descriptor_type(llcx: &LlContext, rank: usize) -> StructType<'_> {
    let ptr = llcx.ptr_type(AddressSpace::default());
    let i64t = llcx.i64_type();
    let mut fields: Vec<BasicTypeEnum> = vec![ptr.into(), ptr.into(), i64t.into()];
    if rank > 0 {
        let arr = i64t.array_type(rank as u32);
        fields.push(arr.into());
        fields.push(arr.into());
    }
    llcx.struct_type(&fields, false)
}

/// The static facts of a memref type: sizes, strides and offset, with
/// [`DYNAMIC`] where only the descriptor knows.
#[derive(Clone, Debug)]
pub(super) struct MemRefInfo {
    /// Sizes.
    pub shape: Vec<i64>,
    /// The element type.
    pub elem: Type,
    /// Strides, in elements.
    pub strides: Vec<i64>,
    /// Offset, in elements.
    pub offset: i64,
}

impl MemRefInfo {
    /// The facts of `ty`, `None` unless it is a memref with a strided
    /// layout (no layout, `strided<..>`, or a linear affine map).
    pub(super) fn of(ir: &Context, ty: Type) -> Option<MemRefInfo> {
        let parts = memref_parts(ir, ty)?;
        let (strides, offset) = strides_and_offset(ir, ty)?;
        Some(MemRefInfo {
            shape: parts.shape.to_vec(),
            elem: parts.elem,
            strides,
            offset,
        })
    }

    /// The rank.
    pub(super) fn rank(&self) -> usize {
        self.shape.len()
    }

    /// Whether the elements are statically known to be contiguous in
    /// row-major order (static shape, row-major strides; any offset).
    pub(super) fn is_contiguous(&self) -> bool {
        let mut expected = 1i64;
        for (&size, &stride) in self.shape.iter().zip(&self.strides).rev() {
            if size == DYNAMIC || (stride != expected && size != 1) {
                return false;
            }
            expected = match expected.checked_mul(size) {
                Some(e) => e,
                None => return false,
            };
        }
        true
    }

    /// The number of elements, if static.
    pub(super) fn num_elements(&self) -> Option<i64> {
        self.shape.iter().try_fold(
            1i64,
            |acc, &d| if d < 0 { None } else { acc.checked_mul(d) },
        )
    }
}

/// The number of parameters a value of type `ty` takes in the expanded
/// convention: a memref's descriptor fields, else one.
pub(super) fn expanded_arity(ir: &Context, ty: Type) -> usize {
    match memref_parts(ir, ty) {
        Some(p) => 3 + 2 * p.shape.len(),
        None => 1,
    }
}

/// The parameter types of a value of type `ty` in the expanded convention.
pub(super) fn expanded_params<'ctx>(
    llcx: &'ctx LlContext,
    ir: &Context,
    ty: Type,
) -> Option<Vec<BasicTypeEnum<'ctx>>> {
    if let Some(p) = memref_parts(ir, ty) {
        let ptr = llcx.ptr_type(AddressSpace::default());
        let mut v: Vec<BasicTypeEnum> = vec![ptr.into(), ptr.into()];
        v.extend(std::iter::repeat_n(
            llcx.i64_type().as_basic_type_enum(),
            1 + 2 * p.shape.len(),
        ));
        return Some(v);
    }
    Some(vec![value_type(llcx, ir, ty)?])
}

/// The type a value of type `ty` is returned or stored in a struct as: a
/// memref as its descriptor struct, else its value type.
pub(super) fn aggregate_member<'ctx>(
    llcx: &'ctx LlContext,
    ir: &Context,
    ty: Type,
) -> Option<BasicTypeEnum<'ctx>> {
    match memref_parts(ir, ty) {
        Some(p) => Some(descriptor_type(llcx, p.shape.len()).into()),
        None => value_type(llcx, ir, ty),
    }
}
