//! Reading and building [`DenseElements`]: the element encoding shared by
//! the parser, the printer, folds and the interpreter.
//!
//! Elements are little-endian and row-major, each at its type's storage
//! size ([`elem_size`]): `iN` takes `ceil(N/8)` bytes (`i1`: one byte
//! holding 0 or 1), `index` 8, floats their width. Integer elements are
//! stored sign-extended (signless and signed types) or zero-extended
//! (unsigned types and `i1`) to the storage size. A splat stores one element; a
//! constructor made with [`make_dense`] stores a splat whenever all
//! elements are equal, so equal constants intern to equal attributes.

use crate::attrs::DenseElements;
use crate::context::Context;
use crate::entity::Type;
use crate::syntax::float;
use crate::types::{FloatKind, Signedness, TypeData, num_elements};

/// One element of a dense constant.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum DenseScalar {
    /// An integer, `index` or `i1` element (`i1`: 0 or 1).
    Int(i128),
    /// A float element, exactly representable in its type.
    Float(f64),
}

/// The element kinds dense constants support.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ElemKind {
    /// `iN`, `siN`, `uiN` (N ≤ 64) or `index` (as 64 bits).
    Int {
        /// Width in bits.
        width: u32,
        /// Signedness.
        signedness: Signedness,
    },
    /// A float type.
    Float(FloatKind),
}

impl ElemKind {
    /// The kind of element type `ty`, if dense constants support it.
    pub fn of(ctx: &Context, ty: Type) -> Option<ElemKind> {
        match ctx.type_data(ty) {
            TypeData::Integer { width, signedness } if *width <= 64 => Some(ElemKind::Int {
                width: *width,
                signedness: *signedness,
            }),
            TypeData::Index => Some(ElemKind::Int {
                width: 64,
                signedness: Signedness::Signless,
            }),
            TypeData::Float(k) => Some(ElemKind::Float(*k)),
            _ => None,
        }
    }

    /// Bytes per stored element.
    pub fn size(self) -> usize {
        match self {
            ElemKind::Int { width, .. } => width.div_ceil(8) as usize,
            ElemKind::Float(k) => (k.width() / 8) as usize,
        }
    }

    /// Whether this is `i1` (printed as `true`/`false`).
    pub fn is_bool(self) -> bool {
        matches!(self, ElemKind::Int { width: 1, .. })
    }
}

/// Bytes per element of element type `ty`, if supported.
pub fn elem_size(ctx: &Context, ty: Type) -> Option<usize> {
    ElemKind::of(ctx, ty).map(ElemKind::size)
}

/// Normalizes an integer to `width` bits: sign-extended for signless and
/// signed types, zero-extended for unsigned ones and for `i1` (whose
/// values are 0 and 1, as booleans).
pub fn normalize_int(v: i128, width: u32, signedness: Signedness) -> i128 {
    if width >= 128 {
        return v;
    }
    let shift = 128 - width;
    match signedness {
        _ if width == 1 => v & 1,
        Signedness::Unsigned => ((v << shift) as u128 >> shift) as i128,
        _ => (v << shift) >> shift,
    }
}

/// Appends the encoding of `value` as an element of `kind`.
pub fn encode(kind: ElemKind, value: DenseScalar, out: &mut Vec<u8>) {
    match (kind, value) {
        (ElemKind::Int { width, signedness }, DenseScalar::Int(v)) => {
            let v = normalize_int(v, width, signedness);
            out.extend_from_slice(&v.to_le_bytes()[..kind.size()]);
        }
        (ElemKind::Float(k), DenseScalar::Float(v)) => {
            out.extend_from_slice(&float::to_bits(v, k).to_le_bytes()[..kind.size()]);
        }
        (ElemKind::Int { .. }, DenseScalar::Float(v)) => {
            encode(kind, DenseScalar::Int(v as i128), out);
        }
        (ElemKind::Float(_), DenseScalar::Int(v)) => {
            encode(kind, DenseScalar::Float(v as f64), out);
        }
    }
}

/// Decodes the element stored at `bytes` (at least `kind.size()` long).
pub fn decode(kind: ElemKind, bytes: &[u8]) -> DenseScalar {
    let mut buf = [0u8; 16];
    let n = kind.size().min(bytes.len()).min(8);
    buf[..n].copy_from_slice(&bytes[..n]);
    let raw = u128::from_le_bytes(buf);
    match kind {
        ElemKind::Int { width, signedness } => {
            DenseScalar::Int(normalize_int(raw as i128, width, signedness))
        }
        ElemKind::Float(k) => DenseScalar::Float(float::from_bits(raw as u64, k)),
    }
}

/// The number of elements of a dense constant's type, if static.
pub fn len(ctx: &Context, d: &DenseElements) -> Option<u64> {
    num_elements(ctx.shape_of(d.ty)?)
}

/// Element `i` (row-major) of a dense constant, or `None` when `i` is out
/// of range or the element type is unsupported.
pub fn element(ctx: &Context, d: &DenseElements, i: u64) -> Option<DenseScalar> {
    let kind = ElemKind::of(ctx, ctx.elem_of(d.ty)?)?;
    if i >= len(ctx, d)? {
        return None;
    }
    let size = kind.size();
    let at = if d.splat {
        0
    } else {
        (i as usize).checked_mul(size)?
    };
    let bytes = d.bytes.get(at..at + size)?;
    Some(decode(kind, bytes))
}

/// Every element of a dense constant, expanded (splats repeated).
pub fn elements(ctx: &Context, d: &DenseElements) -> Option<Vec<DenseScalar>> {
    let kind = ElemKind::of(ctx, ctx.elem_of(d.ty)?)?;
    let n = len(ctx, d)? as usize;
    let size = kind.size();
    if d.splat {
        let v = decode(kind, d.bytes.get(..size)?);
        return Some(vec![v; n]);
    }
    if d.bytes.len() != n.checked_mul(size)? {
        return None;
    }
    Some(
        d.bytes
            .chunks_exact(size)
            .map(|c| decode(kind, c))
            .collect(),
    )
}

/// Builds dense elements of shaped type `ty` from `values` (one value is a
/// splat), stored as a splat when all values are equal. Returns `None` if
/// the type is not a static tensor or vector of a supported element type,
/// or the count is neither 1 nor the type's element count.
pub fn make_dense(ctx: &Context, ty: Type, values: &[DenseScalar]) -> Option<DenseElements> {
    let kind = ElemKind::of(ctx, ctx.elem_of(ty)?)?;
    let n = num_elements(ctx.shape_of(ty)?)?;
    if values.len() as u64 != n && values.len() != 1 {
        return None;
    }
    let mut bytes = Vec::with_capacity(values.len() * kind.size());
    for &v in values {
        encode(kind, v, &mut bytes);
    }
    Some(from_bytes(kind, ty, n, bytes))
}

/// Builds dense elements from encoded bytes: `n` elements, or one (a splat).
/// The caller guarantees `bytes.len()` is `n * size` or `size`.
pub(crate) fn from_bytes(kind: ElemKind, ty: Type, n: u64, bytes: Vec<u8>) -> DenseElements {
    let size = kind.size();
    if n == 0 {
        return DenseElements {
            ty,
            splat: false,
            bytes: Vec::new(),
        };
    }
    let first = &bytes[..size];
    let all_same = bytes.chunks_exact(size).all(|c| c == first);
    if all_same {
        DenseElements {
            ty,
            splat: true,
            bytes: first.to_vec(),
        }
    } else {
        DenseElements {
            ty,
            splat: false,
            bytes,
        }
    }
}
