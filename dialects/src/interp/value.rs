//! Runtime values of the reference interpreter: [`Tensor`], a dense,
//! row-major array of one of the `graph` dialect's element types.
//!
//! Besides the enum itself this module holds the conversions every caller
//! needs: from little-endian bytes (dense constants, hex blobs, `.npy`
//! payloads) and back, splats, the spec's cast semantics
//! ([`Tensor::cast_to`]) and a tolerance comparison for tests
//! ([`Tensor::allclose`]).

use std::fmt;

use ndarray::{ArrayD, Dimension, IxDyn};

use super::kernels::{KernelError, checked_num_elements};

/// The element types of the `graph` dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    /// IEEE-754 binary32.
    F32,
    /// IEEE-754 binary64.
    F64,
    /// A boolean (MLIR's `i1`).
    I1,
    /// A 32-bit two's-complement integer.
    I32,
    /// A 64-bit two's-complement integer.
    I64,
}

impl ElemType {
    /// Every element type, in a fixed order (handy for tests and tables).
    pub const ALL: [ElemType; 5] = [
        ElemType::F32,
        ElemType::F64,
        ElemType::I1,
        ElemType::I32,
        ElemType::I64,
    ];

    /// The MLIR spelling: `f32`, `f64`, `i1`, `i32`, `i64`.
    pub fn name(self) -> &'static str {
        match self {
            ElemType::F32 => "f32",
            ElemType::F64 => "f64",
            ElemType::I1 => "i1",
            ElemType::I32 => "i32",
            ElemType::I64 => "i64",
        }
    }

    /// Parses the MLIR spelling (`"f32"`, ...).
    pub fn from_name(name: &str) -> Option<ElemType> {
        ElemType::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Whether this is `f32` or `f64`.
    pub fn is_float(self) -> bool {
        matches!(self, ElemType::F32 | ElemType::F64)
    }

    /// Whether this is `i32` or `i64` (not `i1`, which behaves as a boolean).
    pub fn is_int(self) -> bool {
        matches!(self, ElemType::I32 | ElemType::I64)
    }

    /// Bytes per element in the little-endian byte form (`i1` takes one byte).
    pub fn byte_width(self) -> usize {
        match self {
            ElemType::F32 | ElemType::I32 => 4,
            ElemType::F64 | ElemType::I64 => 8,
            ElemType::I1 => 1,
        }
    }
}

impl fmt::Display for ElemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A dense tensor value. Arrays may have any memory layout; every
/// operation here reads them in logical (row-major) order.
#[derive(Clone, Debug, PartialEq)]
pub enum Tensor {
    /// An `f32` tensor.
    F32(ArrayD<f32>),
    /// An `f64` tensor.
    F64(ArrayD<f64>),
    /// An `i1` (boolean) tensor.
    I1(ArrayD<bool>),
    /// An `i32` tensor.
    I32(ArrayD<i32>),
    /// An `i64` tensor.
    I64(ArrayD<i64>),
}

/// A Rust element type that a [`Tensor`] can hold, with the spec's
/// conversions into it. Lets kernels be written once, generically.
pub trait Element: Copy + PartialOrd + fmt::Debug + Send + Sync + 'static {
    /// The tensor element type this Rust type stands for.
    const TYPE: ElemType;
    /// Converts a float: truncation toward zero for integers (saturating,
    /// NaN gives 0), rounding to nearest for `f32`, `x != 0` for `i1`.
    fn from_f64(v: f64) -> Self;
    /// Converts an integer: wrapping for narrower integers, rounding to
    /// nearest for floats, `v != 0` for `i1`.
    fn from_i64(v: i64) -> Self;
    /// Converts a boolean to 0/1.
    fn from_bool(v: bool) -> Self;
    /// Wraps an array of this type into a [`Tensor`].
    fn wrap(a: ArrayD<Self>) -> Tensor;
    /// Borrows the array if `t` holds this element type.
    fn unwrap_ref(t: &Tensor) -> Option<&ArrayD<Self>>;
    /// Appends the little-endian bytes of `self`.
    fn push_le_bytes(self, out: &mut Vec<u8>);
}

macro_rules! impl_element_num {
    ($t:ty, $variant:ident) => {
        impl Element for $t {
            const TYPE: ElemType = ElemType::$variant;
            fn from_f64(v: f64) -> Self {
                // `as` truncates toward zero and saturates (NaN -> 0) for
                // integers, and rounds to nearest for f32.
                v as $t
            }
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            fn from_bool(v: bool) -> Self {
                if v { 1 as $t } else { 0 as $t }
            }
            fn wrap(a: ArrayD<Self>) -> Tensor {
                Tensor::$variant(a)
            }
            fn unwrap_ref(t: &Tensor) -> Option<&ArrayD<Self>> {
                match t {
                    Tensor::$variant(a) => Some(a),
                    _ => None,
                }
            }
            fn push_le_bytes(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    };
}

impl_element_num!(f32, F32);
impl_element_num!(f64, F64);
impl_element_num!(i32, I32);
impl_element_num!(i64, I64);

impl Element for bool {
    const TYPE: ElemType = ElemType::I1;
    fn from_f64(v: f64) -> Self {
        // NaN counts as true, as in NumPy's `astype(bool)`.
        v != 0.0
    }
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    fn from_bool(v: bool) -> Self {
        v
    }
    fn wrap(a: ArrayD<Self>) -> Tensor {
        Tensor::I1(a)
    }
    fn unwrap_ref(t: &Tensor) -> Option<&ArrayD<Self>> {
        match t {
            Tensor::I1(a) => Some(a),
            _ => None,
        }
    }
    fn push_le_bytes(self, out: &mut Vec<u8>) {
        out.push(u8::from(self));
    }
}

impl<T: Element> From<ArrayD<T>> for Tensor {
    fn from(a: ArrayD<T>) -> Tensor {
        T::wrap(a)
    }
}

/// Runs `$body` with `$a` bound to the array inside `$t` (by reference),
/// whatever its element type, and wraps the array `$body` returns back into
/// a tensor of the same element type.
macro_rules! map_tensor {
    ($t:expr, $a:ident => $body:expr) => {
        match $t {
            $crate::interp::value::Tensor::F32($a) => $crate::interp::value::Tensor::F32($body),
            $crate::interp::value::Tensor::F64($a) => $crate::interp::value::Tensor::F64($body),
            $crate::interp::value::Tensor::I1($a) => $crate::interp::value::Tensor::I1($body),
            $crate::interp::value::Tensor::I32($a) => $crate::interp::value::Tensor::I32($body),
            $crate::interp::value::Tensor::I64($a) => $crate::interp::value::Tensor::I64($body),
        }
    };
}
pub(crate) use map_tensor;

/// Runs `$body` with the type alias `$T` naming the Rust type of element
/// type `$e`.
macro_rules! with_elem {
    ($e:expr, $T:ident => $body:expr) => {
        match $e {
            $crate::interp::value::ElemType::F32 => {
                type $T = f32;
                $body
            }
            $crate::interp::value::ElemType::F64 => {
                type $T = f64;
                $body
            }
            $crate::interp::value::ElemType::I1 => {
                type $T = bool;
                $body
            }
            $crate::interp::value::ElemType::I32 => {
                type $T = i32;
                $body
            }
            $crate::interp::value::ElemType::I64 => {
                type $T = i64;
                $body
            }
        }
    };
}
pub(crate) use with_elem;

impl Tensor {
    /// The element type.
    pub fn elem_type(&self) -> ElemType {
        match self {
            Tensor::F32(_) => ElemType::F32,
            Tensor::F64(_) => ElemType::F64,
            Tensor::I1(_) => ElemType::I1,
            Tensor::I32(_) => ElemType::I32,
            Tensor::I64(_) => ElemType::I64,
        }
    }

    /// The shape (empty for a rank-0 tensor).
    pub fn shape(&self) -> &[usize] {
        match self {
            Tensor::F32(a) => a.shape(),
            Tensor::F64(a) => a.shape(),
            Tensor::I1(a) => a.shape(),
            Tensor::I32(a) => a.shape(),
            Tensor::I64(a) => a.shape(),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }

    /// Whether the tensor has no elements (some dimension is 0).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The type as MLIR spells it, e.g. `tensor<2x3xf32>` or `tensor<f32>`.
    pub fn type_string(&self) -> String {
        let mut s = String::from("tensor<");
        for d in self.shape() {
            s.push_str(&format!("{d}x"));
        }
        s.push_str(self.elem_type().name());
        s.push('>');
        s
    }

    /// A tensor of `shape` whose elements all equal `value` converted to
    /// `elem` (see [`Element::from_f64`]).
    pub fn splat(elem: ElemType, shape: &[usize], value: f64) -> Result<Tensor, KernelError> {
        checked_num_elements("splat", shape)?;
        Ok(with_elem!(elem, T => T::wrap(ArrayD::from_elem(IxDyn(shape), T::from_f64(value)))))
    }

    /// Like [`Tensor::splat`] for an integer value, exact for every `i64`.
    pub fn splat_int(elem: ElemType, shape: &[usize], value: i64) -> Result<Tensor, KernelError> {
        checked_num_elements("splat", shape)?;
        Ok(with_elem!(elem, T => T::wrap(ArrayD::from_elem(IxDyn(shape), T::from_i64(value)))))
    }

    /// A tensor from row-major values given as `f64`, converted to `elem`
    /// (see [`Element::from_f64`]). Fails if `values` does not fill `shape`.
    pub fn from_f64s(
        elem: ElemType,
        shape: &[usize],
        values: &[f64],
    ) -> Result<Tensor, KernelError> {
        let n = checked_num_elements("from_f64s", shape)?;
        if values.len() != n {
            return Err(KernelError::new(
                "from_f64s",
                format!(
                    "{} values do not fill shape {shape:?} ({n} elements)",
                    values.len()
                ),
            ));
        }
        Ok(
            with_elem!(elem, T => T::wrap(vec_to_array(shape, values.iter().map(|&v| T::from_f64(v)).collect())?)),
        )
    }

    /// A tensor from row-major values given as `i64`, converted to `elem`
    /// (see [`Element::from_i64`]). Fails if `values` does not fill `shape`.
    pub fn from_i64s(
        elem: ElemType,
        shape: &[usize],
        values: &[i64],
    ) -> Result<Tensor, KernelError> {
        let n = checked_num_elements("from_i64s", shape)?;
        if values.len() != n {
            return Err(KernelError::new(
                "from_i64s",
                format!(
                    "{} values do not fill shape {shape:?} ({n} elements)",
                    values.len()
                ),
            ));
        }
        Ok(
            with_elem!(elem, T => T::wrap(vec_to_array(shape, values.iter().map(|&v| T::from_i64(v)).collect())?)),
        )
    }

    /// A tensor from little-endian, row-major bytes (the layout of MLIR hex
    /// blobs and `.npy` payloads). `i1` takes one byte per element, which
    /// must be 0 or 1. The byte count must match the shape exactly; a
    /// one-element splat blob is the caller's to expand with
    /// [`Tensor::splat`].
    pub fn from_le_bytes(
        elem: ElemType,
        shape: &[usize],
        bytes: &[u8],
    ) -> Result<Tensor, KernelError> {
        const OP: &str = "from_le_bytes";
        let n = checked_num_elements(OP, shape)?;
        let width = elem.byte_width();
        let expected = n.checked_mul(width).ok_or_else(|| {
            KernelError::new(OP, format!("byte size of shape {shape:?} overflows"))
        })?;
        if bytes.len() != expected {
            return Err(KernelError::new(
                OP,
                format!(
                    "expected {expected} bytes for {n} {elem} elements of shape {shape:?}, found {}",
                    bytes.len()
                ),
            ));
        }
        let chunks = bytes.chunks_exact(width);
        Ok(match elem {
            ElemType::F32 => Tensor::F32(vec_to_array(
                shape,
                chunks
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            )?),
            ElemType::F64 => Tensor::F64(vec_to_array(
                shape,
                chunks
                    .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect(),
            )?),
            ElemType::I32 => Tensor::I32(vec_to_array(
                shape,
                chunks
                    .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            )?),
            ElemType::I64 => Tensor::I64(vec_to_array(
                shape,
                chunks
                    .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect(),
            )?),
            ElemType::I1 => {
                if let Some(pos) = bytes.iter().position(|&b| b > 1) {
                    return Err(KernelError::new(
                        OP,
                        format!(
                            "i1 element {pos} has byte value {:#04x}; only 0 and 1 are booleans",
                            bytes[pos]
                        ),
                    ));
                }
                Tensor::I1(vec_to_array(
                    shape,
                    bytes.iter().map(|&b| b == 1).collect(),
                )?)
            }
        })
    }

    /// The little-endian, row-major bytes of the elements (one byte per
    /// `i1`), the inverse of [`Tensor::from_le_bytes`].
    pub fn to_le_bytes(&self) -> Vec<u8> {
        fn go<T: Element>(a: &ArrayD<T>) -> Vec<u8> {
            let mut out = Vec::with_capacity(a.len() * T::TYPE.byte_width());
            for &v in a.iter() {
                v.push_le_bytes(&mut out);
            }
            out
        }
        match self {
            Tensor::F32(a) => go(a),
            Tensor::F64(a) => go(a),
            Tensor::I1(a) => go(a),
            Tensor::I32(a) => go(a),
            Tensor::I64(a) => go(a),
        }
    }

    /// Converts to `elem` with the spec's `graph.cast` semantics: float to
    /// integer truncates toward zero (saturating; NaN gives 0), integer to
    /// narrower integer wraps, anything to `i1` is `x != 0`, `i1` to a
    /// number gives 0 or 1, and to a float rounds to nearest.
    pub fn cast_to(&self, elem: ElemType) -> Tensor {
        fn from_float<S: Copy + Into<f64>, T: Element>(a: &ArrayD<S>) -> Tensor {
            T::wrap(a.mapv(|v| T::from_f64(v.into())))
        }
        fn from_int<S: Copy + Into<i64>, T: Element>(a: &ArrayD<S>) -> Tensor {
            T::wrap(a.mapv(|v| T::from_i64(v.into())))
        }
        if elem == self.elem_type() {
            return self.clone();
        }
        with_elem!(elem, T => match self {
            Tensor::F32(a) => from_float::<f32, T>(a),
            Tensor::F64(a) => from_float::<f64, T>(a),
            Tensor::I32(a) => from_int::<i32, T>(a),
            Tensor::I64(a) => from_int::<i64, T>(a),
            Tensor::I1(a) => T::wrap(a.mapv(T::from_bool)),
        })
    }

    /// The elements converted to `f64` (integers exactly up to 2^53, `i1`
    /// as 0/1), in the tensor's shape.
    pub fn to_f64_array(&self) -> ArrayD<f64> {
        match self {
            Tensor::F32(a) => a.mapv(f64::from),
            Tensor::F64(a) => a.clone(),
            Tensor::I1(a) => a.mapv(|b| if b { 1.0 } else { 0.0 }),
            Tensor::I32(a) => a.mapv(f64::from),
            Tensor::I64(a) => a.mapv(|v| v as f64),
        }
    }

    /// The elements converted to `i64` (floats truncated toward zero,
    /// saturating), in the tensor's shape.
    pub fn to_i64_array(&self) -> ArrayD<i64> {
        match self {
            Tensor::F32(a) => a.mapv(|v| v as i64),
            Tensor::F64(a) => a.mapv(|v| v as i64),
            Tensor::I1(a) => a.mapv(i64::from),
            Tensor::I32(a) => a.mapv(i64::from),
            Tensor::I64(a) => a.clone(),
        }
    }

    /// Checks that `self` matches `expected` within tolerance, as
    /// `numpy.allclose(self, expected, rtol, atol, equal_nan=True)`:
    /// `|self - expected| <= atol + rtol * |expected|` for every element.
    ///
    /// Shapes must be equal. Float tensors of either width compare by value;
    /// otherwise the element types must be equal and the values identical.
    /// Infinities must match exactly. The error names the first mismatching
    /// index and both values.
    pub fn allclose(&self, expected: &Tensor, rtol: f64, atol: f64) -> Result<(), String> {
        if self.shape() != expected.shape() {
            return Err(format!(
                "shape mismatch: got {}, expected {}",
                self.type_string(),
                expected.type_string()
            ));
        }
        let both_float = self.elem_type().is_float() && expected.elem_type().is_float();
        if !both_float && self.elem_type() != expected.elem_type() {
            return Err(format!(
                "element type mismatch: got {}, expected {}",
                self.type_string(),
                expected.type_string()
            ));
        }
        if !both_float {
            let (a, b) = (self.to_i64_array(), expected.to_i64_array());
            return match a.indexed_iter().zip(b.iter()).find(|((_, x), y)| x != y) {
                Some(((idx, x), y)) => Err(format!(
                    "mismatch at index {:?}: got {x}, expected {y}",
                    idx.slice()
                )),
                None => Ok(()),
            };
        }
        let (a, b) = (self.to_f64_array(), expected.to_f64_array());
        let mut worst: Option<(IxDyn, f64, f64)> = None;
        let mut count = 0usize;
        for ((idx, &x), &y) in a.indexed_iter().zip(b.iter()) {
            let ok = if x.is_nan() || y.is_nan() {
                x.is_nan() && y.is_nan()
            } else if x.is_infinite() || y.is_infinite() {
                x == y
            } else {
                (x - y).abs() <= atol + rtol * y.abs()
            };
            if !ok {
                count += 1;
                if worst.is_none() {
                    worst = Some((idx, x, y));
                }
            }
        }
        match worst {
            None => Ok(()),
            Some((idx, x, y)) => Err(format!(
                "{count} of {} elements differ (rtol {rtol:e}, atol {atol:e}); first at index {:?}: got {x:e}, expected {y:e} (|diff| {:e})",
                a.len(),
                idx.slice(),
                (x - y).abs()
            )),
        }
    }
}

/// Builds an array of `shape` from a row-major vector whose length has
/// already been checked.
pub(crate) fn vec_to_array<T>(shape: &[usize], v: Vec<T>) -> Result<ArrayD<T>, KernelError> {
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .map_err(|e| KernelError::new("internal", format!("bad shape {shape:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in ElemType::ALL {
            assert_eq!(ElemType::from_name(&e.to_string()), Some(e));
        }
        assert_eq!(ElemType::from_name("f16"), None);
    }

    #[test]
    fn bytes_round_trip() {
        let t = Tensor::from_f64s(ElemType::F32, &[2, 2], &[1.0, -2.5, 3.25, 0.0]).unwrap();
        let bytes = t.to_le_bytes();
        assert_eq!(bytes.len(), 16);
        assert_eq!(
            Tensor::from_le_bytes(ElemType::F32, &[2, 2], &bytes).unwrap(),
            t
        );
        let b = Tensor::from_le_bytes(ElemType::I1, &[3], &[1, 0, 1]).unwrap();
        assert_eq!(
            b,
            Tensor::from_i64s(ElemType::I1, &[3], &[1, 0, 1]).unwrap()
        );
    }

    #[test]
    fn bytes_errors() {
        let e = Tensor::from_le_bytes(ElemType::F64, &[3], &[0; 10]).unwrap_err();
        assert!(e.to_string().contains("expected 24 bytes"), "{e}");
        let e = Tensor::from_le_bytes(ElemType::I1, &[2], &[0, 7]).unwrap_err();
        assert!(e.to_string().contains("0x07"), "{e}");
        let e = Tensor::from_le_bytes(ElemType::F32, &[usize::MAX, 2], &[]).unwrap_err();
        assert!(e.to_string().contains("overflow"), "{e}");
    }

    #[test]
    fn casts() {
        let t = Tensor::from_f64s(ElemType::F64, &[5], &[-2.7, -0.5, 0.0, 2.9, f64::NAN]).unwrap();
        assert_eq!(
            t.cast_to(ElemType::I32),
            Tensor::from_i64s(ElemType::I32, &[5], &[-2, 0, 0, 2, 0]).unwrap()
        );
        assert_eq!(
            t.cast_to(ElemType::I1),
            Tensor::from_i64s(ElemType::I1, &[5], &[1, 1, 0, 1, 1]).unwrap()
        );
        let big = Tensor::from_i64s(ElemType::I64, &[2], &[(1 << 32) + 5, -1]).unwrap();
        assert_eq!(
            big.cast_to(ElemType::I32),
            Tensor::from_i64s(ElemType::I32, &[2], &[5, -1]).unwrap()
        );
        let b = Tensor::from_i64s(ElemType::I1, &[2], &[1, 0]).unwrap();
        assert_eq!(
            b.cast_to(ElemType::F32),
            Tensor::from_f64s(ElemType::F32, &[2], &[1.0, 0.0]).unwrap()
        );
        // i64 -> f32 rounds once, directly (2^53 + 1 is not representable).
        let odd = Tensor::from_i64s(ElemType::I64, &[1], &[(1 << 24) + 1]).unwrap();
        assert_eq!(
            odd.cast_to(ElemType::F32),
            Tensor::from_f64s(ElemType::F32, &[1], &[16777216.0]).unwrap()
        );
    }

    #[test]
    fn allclose_reports_first_mismatch() {
        let a = Tensor::from_f64s(ElemType::F32, &[2, 2], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let b = Tensor::from_f64s(ElemType::F64, &[2, 2], &[1.0, 2.0, 3.5, 4.0]).unwrap();
        assert!(a.allclose(&a, 0.0, 0.0).is_ok());
        let e = a.allclose(&b, 1e-5, 1e-6).unwrap_err();
        assert!(e.contains("[1, 0]") && e.contains("3.5"), "{e}");
        let n = Tensor::from_f64s(ElemType::F64, &[1], &[f64::NAN]).unwrap();
        assert!(n.allclose(&n, 0.0, 0.0).is_ok());
        let i = Tensor::from_i64s(ElemType::I32, &[2, 2], &[1, 2, 3, 4]).unwrap();
        assert!(
            i.allclose(&a, 1.0, 1.0)
                .unwrap_err()
                .contains("element type")
        );
        assert!(
            a.allclose(&Tensor::splat(ElemType::F32, &[4], 1.0).unwrap(), 1.0, 1.0)
                .is_err()
        );
    }

    #[test]
    fn type_strings() {
        assert_eq!(
            Tensor::splat(ElemType::F32, &[2, 3], 0.0)
                .unwrap()
                .type_string(),
            "tensor<2x3xf32>"
        );
        assert_eq!(
            Tensor::splat_int(ElemType::I1, &[], 1)
                .unwrap()
                .type_string(),
            "tensor<i1>"
        );
    }
}
