//! Attributes: compile-time constant data attached to operations; a closed
//! enum, interned in the [`Context`](crate::Context).

use crate::affine::{AffineMap, IntegerSet};
use crate::entity::{Attribute, Symbol, Type};

/// The contents of an attribute.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum AttrData {
    /// `unit`: presence is the information.
    Unit,
    /// `true`, `false`.
    Bool(bool),
    /// `42 : i64`. The value is stored sign-extended to 128 bits.
    Integer {
        /// The value.
        value: i128,
        /// An integer or `index` type.
        ty: Type,
    },
    /// `1.5 : f32`, stored as the bits of an `f64` (so it can be hashed).
    Float {
        /// `f64::to_bits` of the value.
        bits: u64,
        /// A float type.
        ty: Type,
    },
    /// `"text"`.
    String(String),
    /// A type used as a value: `f32`, `tensor<2xf32>`.
    Type(Type),
    /// `@root::@nested`.
    SymbolRef {
        /// The root symbol.
        root: Symbol,
        /// Nested references, outermost first.
        nested: Vec<Symbol>,
    },
    /// `[a, b, c]`.
    Array(Vec<Attribute>),
    /// `{a = 1, b}`, sorted by name, names unique.
    Dictionary(Vec<(Symbol, Attribute)>),
    /// `array<i64: 1, 0>`: a dense one-dimensional array of scalars.
    DenseArray {
        /// The element type (an integer or float type).
        elem: Type,
        /// The values.
        values: DenseArrayValues,
    },
    /// `dense<[[1.0, 2.0]]> : tensor<1x2xf32>`, `dense<0.0> : ...`, `dense<"0x...">`.
    DenseElements(DenseElements),
    /// `affine_map<(d0)[s0] -> (d0 + s0)>`.
    AffineMap(AffineMap),
    /// `affine_set<(d0)[s0] : (d0 - s0 >= 0)>`.
    IntegerSet(IntegerSet),
    /// An attribute of a dialect we do not know, kept as text
    /// (`#dialect.body`, `#dialect<body>`), or a builtin attribute that
    /// has no structured form yet (e.g. `strided<...>`), kept whole.
    Opaque {
        /// The dialect namespace or builtin keyword.
        dialect: String,
        /// The text after it.
        body: String,
    },
}

/// The values of a [`AttrData::DenseArray`].
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum DenseArrayValues {
    /// For integer element types (incl. `i1`).
    Int(Vec<i64>),
    /// For float element types, as `f64::to_bits`.
    Float(Vec<u64>),
}

/// Dense elements: a shaped type and little-endian, row-major element bytes.
///
/// Elements are stored at their type's natural width (`f32`: 4 bytes, `i1`:
/// one byte per element, 0 or 1). A splat stores one element.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DenseElements {
    /// A static tensor or vector type.
    pub ty: Type,
    /// Whether `bytes` holds a single element repeated over the whole shape.
    pub splat: bool,
    /// The element bytes.
    pub bytes: Vec<u8>,
}

impl AttrData {
    /// The value of a float attribute.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            AttrData::Float { bits, .. } => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }

    /// The value of an integer attribute.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            AttrData::Integer { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The values of an integer dense array.
    pub fn as_int_array(&self) -> Option<&[i64]> {
        match self {
            AttrData::DenseArray {
                values: DenseArrayValues::Int(v),
                ..
            } => Some(v),
            _ => None,
        }
    }

    /// The text of a string attribute.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrData::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map of an `affine_map<...>` attribute.
    pub fn as_affine_map(&self) -> Option<&AffineMap> {
        match self {
            AttrData::AffineMap(m) => Some(m),
            _ => None,
        }
    }

    /// The set of an `affine_set<...>` attribute.
    pub fn as_integer_set(&self) -> Option<&IntegerSet> {
        match self {
            AttrData::IntegerSet(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a bool attribute.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrData::Bool(b) => Some(*b),
            _ => None,
        }
    }
}
