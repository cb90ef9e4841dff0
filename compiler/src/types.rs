//! Types: a closed enum, interned in the [`Context`](crate::Context).
//!
//! The set follows MLIR's builtin types: integers, `index`, floats, `none`,
//! ranked `tensor`, `memref`, `vector` and `function` types. Types of
//! dialects we do not know (`!foo.bar<...>`) are kept as opaque text so that
//! such files still parse and print.

use crate::entity::{Attribute, Type};

/// The size of a dynamic dimension (`?`), as in MLIR's `ShapedType::kDynamic`.
pub const DYNAMIC: i64 = i64::MIN;

/// The signedness semantics of an integer type.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Signedness {
    /// `i32`: the operation decides (MLIR's default).
    Signless,
    /// `si32`.
    Signed,
    /// `ui32`.
    Unsigned,
}

/// The floating-point formats.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum FloatKind {
    /// `f16`.
    F16,
    /// `bf16`.
    BF16,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl FloatKind {
    /// The width in bits.
    pub fn width(self) -> u32 {
        match self {
            FloatKind::F16 | FloatKind::BF16 => 16,
            FloatKind::F32 => 32,
            FloatKind::F64 => 64,
        }
    }

    /// The MLIR spelling (`f32`).
    pub fn name(self) -> &'static str {
        match self {
            FloatKind::F16 => "f16",
            FloatKind::BF16 => "bf16",
            FloatKind::F32 => "f32",
            FloatKind::F64 => "f64",
        }
    }
}

/// The contents of a type. Compare [`Type`] IDs instead of these where possible.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TypeData {
    /// `i1`, `si8`, `ui64`, ...
    Integer {
        /// Width in bits (1 to 2^24 in MLIR; we accept 1 to 128).
        width: u32,
        /// Signedness semantics.
        signedness: Signedness,
    },
    /// `index`: a target-sized integer for sizes and subscripts.
    Index,
    /// `f16`, `bf16`, `f32`, `f64`.
    Float(FloatKind),
    /// `none`.
    None,
    /// `tensor<2x?x3xf32>`: an immutable value; [`DYNAMIC`] marks `?`.
    Tensor {
        /// Dimension sizes.
        shape: Vec<i64>,
        /// Element type.
        elem: Type,
    },
    /// `memref<4x4xf32, affine_map<...>, 1>`: a buffer.
    MemRef {
        /// Dimension sizes.
        shape: Vec<i64>,
        /// Element type.
        elem: Type,
        /// Layout attribute (an affine map or strided layout), if any.
        layout: Option<Attribute>,
        /// Memory space attribute, if any.
        memory_space: Option<Attribute>,
    },
    /// `vector<8xf32>`: a fixed-size SIMD value.
    Vector {
        /// Dimension sizes (all static).
        shape: Vec<i64>,
        /// Element type.
        elem: Type,
    },
    /// `(i32, f32) -> f32`.
    Function {
        /// Argument types.
        inputs: Vec<Type>,
        /// Result types.
        results: Vec<Type>,
    },
    /// `tuple<i32, f32>`.
    Tuple(Vec<Type>),
    /// A type of a dialect we do not know, kept as text: `!dialect.body`
    /// or `!dialect<body>`; `body` holds everything after `!dialect`.
    Opaque {
        /// The dialect namespace.
        dialect: String,
        /// The text after the namespace, e.g. `.foo` or `<"x">`.
        body: String,
    },
}

impl TypeData {
    /// The shape of a tensor, memref or vector type.
    pub fn shape(&self) -> Option<&[i64]> {
        match self {
            TypeData::Tensor { shape, .. }
            | TypeData::MemRef { shape, .. }
            | TypeData::Vector { shape, .. } => Some(shape),
            _ => None,
        }
    }

    /// The element type of a tensor, memref or vector type.
    pub fn elem(&self) -> Option<Type> {
        match self {
            TypeData::Tensor { elem, .. }
            | TypeData::MemRef { elem, .. }
            | TypeData::Vector { elem, .. } => Some(*elem),
            _ => None,
        }
    }

    /// Whether this is an integer type (not `index`).
    pub fn is_integer(&self) -> bool {
        matches!(self, TypeData::Integer { .. })
    }

    /// Whether this is a float type.
    pub fn is_float(&self) -> bool {
        matches!(self, TypeData::Float(_))
    }
}

/// The number of elements of a static shape, or `None` if a dimension is
/// dynamic or negative, or the product overflows `u64`.
pub fn num_elements(shape: &[i64]) -> Option<u64> {
    shape.iter().try_fold(1u64, |acc, &d| {
        if d < 0 {
            None
        } else {
            acc.checked_mul(d as u64)
        }
    })
}
