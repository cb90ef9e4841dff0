//! Tensor types as the `graph` dialect sees them: a static shape and one of
//! the five element types, checked once so the rest of the dialect can
//! work with plain numbers.
//!
//! [`TensorType`] is not interned, so a verifier (which only has a shared
//! `&Context`) can compute expected types and compare them with the
//! declared ones; [`TensorType::to_type`] interns one when needed.

use std::fmt;

use tessera_compiler::types::num_elements;
use tessera_compiler::{Context, DYNAMIC, FloatKind, Signedness, Type, TypeData};

pub use crate::interp::value::ElemType;

/// The most elements a `graph` tensor type may have: 2^40. Larger types
/// (often typos like `99999999999x99999999999`) are rejected by the
/// verifier before anything tries to allocate them.
pub const MAX_ELEMENTS: u64 = 1 << 40;

/// A static tensor type with a supported element type.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TensorType {
    /// Dimension sizes, all non-negative.
    pub shape: Vec<i64>,
    /// Element type.
    pub elem: ElemType,
}

impl TensorType {
    /// A tensor type of `shape` and `elem` (not checked).
    pub fn new(shape: Vec<i64>, elem: ElemType) -> Self {
        TensorType { shape, elem }
    }

    /// Reads `ty` as a `graph` tensor type: a ranked tensor of `f32`, `f64`,
    /// `i1`, `i32` or `i64` with static dimensions and at most
    /// [`MAX_ELEMENTS`] elements. The error says which rule `ty` breaks.
    pub fn from_type(ctx: &Context, ty: Type) -> Result<TensorType, String> {
        let TypeData::Tensor { shape, elem } = ctx.type_data(ty) else {
            return Err(format!(
                "expected a tensor type, got {}",
                type_string(ctx, ty)
            ));
        };
        let Some(e) = elem_type_of(ctx, *elem) else {
            return Err(format!(
                "element type {} of {} is not supported; graph tensors hold f32, f64, i1, i32 or i64",
                type_string(ctx, *elem),
                type_string(ctx, ty)
            ));
        };
        if shape.contains(&DYNAMIC) {
            return Err(format!(
                "dynamic dimensions are not supported yet: {}",
                type_string(ctx, ty)
            ));
        }
        let t = TensorType::new(shape.clone(), e);
        t.check_size()?;
        Ok(t)
    }

    /// Fails if a dimension is negative or the element count overflows or
    /// exceeds [`MAX_ELEMENTS`].
    pub fn check_size(&self) -> Result<(), String> {
        if let Some(d) = self.shape.iter().find(|&&d| d < 0) {
            return Err(format!("{self} has a negative dimension {d}"));
        }
        match num_elements(&self.shape) {
            Some(n) if n <= MAX_ELEMENTS => Ok(()),
            Some(n) => Err(format!(
                "{self} has {n} elements, more than the limit of 2^40"
            )),
            None => Err(format!(
                "{self} has too many elements (the count overflows 64 bits)"
            )),
        }
    }

    /// The rank.
    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements (saturating; checked types never saturate).
    pub fn num_elements(&self) -> u64 {
        num_elements(&self.shape).unwrap_or(u64::MAX)
    }

    /// The shape as `usize`s, for the interpreter's kernels.
    pub fn usize_shape(&self) -> Vec<usize> {
        self.shape.iter().map(|&d| d.max(0) as usize).collect()
    }

    /// Interns this type in `ctx`.
    pub fn to_type(&self, ctx: &mut Context) -> Type {
        let elem = elem_type_to_type(ctx, self.elem);
        ctx.tensor_type(&self.shape, elem)
    }

    /// Whether `ty` is exactly this type.
    pub fn matches(&self, ctx: &Context, ty: Type) -> bool {
        match ctx.type_data(ty) {
            TypeData::Tensor { shape, elem } => {
                *shape == self.shape && elem_type_of(ctx, *elem) == Some(self.elem)
            }
            _ => false,
        }
    }
}

impl fmt::Display for TensorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shape_string(&self.shape, self.elem.name()))
    }
}

/// `tensor<2x3xf32>` from parts; `?` for dynamic dimensions.
fn shape_string(shape: &[i64], elem: &str) -> String {
    let mut s = String::from("tensor<");
    for &d in shape {
        if d == DYNAMIC {
            s.push_str("?x");
        } else {
            s.push_str(&format!("{d}x"));
        }
    }
    s.push_str(elem);
    s.push('>');
    s
}

/// The `graph` element type a scalar type stands for, if any (`i1`, `i32`,
/// `i64` signless; `f32`, `f64`).
pub fn elem_type_of(ctx: &Context, ty: Type) -> Option<ElemType> {
    match ctx.type_data(ty) {
        TypeData::Integer {
            width,
            signedness: Signedness::Signless,
        } => match width {
            1 => Some(ElemType::I1),
            32 => Some(ElemType::I32),
            64 => Some(ElemType::I64),
            _ => None,
        },
        TypeData::Float(FloatKind::F32) => Some(ElemType::F32),
        TypeData::Float(FloatKind::F64) => Some(ElemType::F64),
        _ => None,
    }
}

/// Interns the scalar type of an element type.
pub fn elem_type_to_type(ctx: &mut Context, elem: ElemType) -> Type {
    match elem {
        ElemType::F32 => ctx.f32_type(),
        ElemType::F64 => ctx.f64_type(),
        ElemType::I1 => ctx.i1_type(),
        ElemType::I32 => ctx.i32_type(),
        ElemType::I64 => ctx.i64_type(),
    }
}

/// A type as MLIR spells it (`tensor<2x3xf32>`), for messages.
pub fn type_string(ctx: &Context, ty: Type) -> String {
    tessera_compiler::syntax::printer::type_str(ctx, ty)
}
