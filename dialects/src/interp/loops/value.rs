//! Runtime values of the loop-level interpreter: [`LoopValue`] is a
//! [`Scalar`], a [`MemRef`] (a view of a shared, typed buffer) or a
//! [`VectorValue`].
//!
//! A buffer holds its elements in a typed `Vec` (`f32`, `f64`, 16-bit float
//! bits, integer bits), remembers which elements were ever written (a
//! `memref.alloc` starts uninitialized, and reading such an element is an
//! error, so a lowering that forgets to initialize is caught), whether it
//! was freed, and whether it is read-only (a constant global). Views share
//! the buffer through an `Rc`: a subview, a cast or a callee writing an
//! out-parameter all see the same elements.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use ndarray::{ArrayD, IxDyn};
use tessera_compiler::FloatKind;

use super::error::{LoopError, LoopResult};
use crate::interp::kernels::element_limit;
use crate::interp::scalar::{ElemTy, Scalar};
use crate::interp::value::Tensor;

/// A value of the loop level: a scalar, a buffer view or a vector.
#[derive(Clone, Debug)]
pub enum LoopValue {
    /// An integer, `index` or float.
    Scalar(Scalar),
    /// A view of a buffer.
    MemRef(MemRef),
    /// A fixed-size vector.
    Vector(VectorValue),
}

impl LoopValue {
    /// An `f32` scalar.
    pub fn f32(v: f32) -> LoopValue {
        LoopValue::Scalar(Scalar::F32(v))
    }

    /// An `f64` scalar.
    pub fn f64(v: f64) -> LoopValue {
        LoopValue::Scalar(Scalar::F64(v))
    }

    /// An `index` scalar.
    pub fn index(v: i64) -> LoopValue {
        LoopValue::Scalar(Scalar::Index(v))
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<Scalar> {
        match self {
            LoopValue::Scalar(s) => Some(*s),
            _ => None,
        }
    }

    /// The memref, if this is one.
    pub fn as_memref(&self) -> Option<&MemRef> {
        match self {
            LoopValue::MemRef(m) => Some(m),
            _ => None,
        }
    }

    /// The vector, if this is one.
    pub fn as_vector(&self) -> Option<&VectorValue> {
        match self {
            LoopValue::Vector(v) => Some(v),
            _ => None,
        }
    }

    /// The value's type as MLIR spells it (`f32`, `memref<2x3xf32>`,
    /// `vector<4xi1>`); memrefs show their run-time sizes.
    pub fn type_string(&self) -> String {
        match self {
            LoopValue::Scalar(s) => s.ty().to_string(),
            LoopValue::MemRef(m) => m.type_string(),
            LoopValue::Vector(v) => v.type_string(),
        }
    }
}

/// `2x3x` followed by the element type.
fn shaped(prefix: &str, shape: &[usize], elem: ElemTy) -> String {
    let mut s = format!("{prefix}<");
    for d in shape {
        s.push_str(&format!("{d}x"));
    }
    s.push_str(&elem.to_string());
    s.push('>');
    s
}

// ----- buffers --------------------------------------------------------------

/// The elements of a buffer, typed.
#[derive(Clone, Debug)]
enum Data {
    /// `f32`.
    F32(Vec<f32>),
    /// `f64`.
    F64(Vec<f64>),
    /// `f16` or `bf16`, as bits.
    Half(Vec<u16>),
    /// `iN` with N ≤ 64, or `index`: the low N bits.
    Int(Vec<u64>),
    /// `iN` with N > 64.
    Wide(Vec<u128>),
}

/// Where a buffer came from, for the rules on freeing and writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `memref.alloc`: freed by `memref.dealloc`.
    Heap,
    /// `memref.alloca`: freed when its function returns.
    Stack,
    /// A `memref.global` of this name.
    Global {
        /// The symbol name.
        name: String,
        /// Whether it is a `constant` global (read-only).
        constant: bool,
    },
    /// Made by the host ([`MemRef::zeros`], [`MemRef::from_tensor`], ...).
    Host,
}

/// Why an element access failed; the caller words the message (it knows
/// the op and the indices).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AccessError {
    /// The buffer was freed.
    Freed,
    /// The element was never written.
    Uninitialized,
    /// A write to a constant global.
    ReadOnly(String),
    /// A value of another element type.
    WrongType(ElemTy),
    /// The linear position is outside the buffer (a view with a bad offset).
    OutsideBuffer(i64),
}

impl AccessError {
    /// The message for an access of element type `elem`.
    pub(crate) fn describe(&self, elem: ElemTy) -> String {
        match self {
            AccessError::Freed => "accesses a buffer that was already freed".to_string(),
            AccessError::Uninitialized => {
                "reads an element that was never written (memory from memref.alloc starts \
                 uninitialized)"
                    .to_string()
            }
            AccessError::ReadOnly(name) => format!("writes to the constant global @{name}"),
            AccessError::WrongType(t) => {
                format!("stores a {t} into a buffer of {elem} elements")
            }
            AccessError::OutsideBuffer(p) => format!(
                "computes linear position {p}, outside the underlying buffer (the view's \
                 offset or strides are wrong)"
            ),
        }
    }
}

/// A typed buffer with its bookkeeping.
#[derive(Debug)]
pub(crate) struct Buffer {
    data: Data,
    elem: ElemTy,
    /// Which elements were written; `None` when all were.
    init: Option<Vec<bool>>,
    freed: bool,
    pub(crate) origin: Origin,
}

impl Buffer {
    fn new(elem: ElemTy, n: usize, initialized: bool, origin: Origin) -> Buffer {
        let data = match elem {
            ElemTy::Float(FloatKind::F32) => Data::F32(vec![0.0; n]),
            ElemTy::Float(FloatKind::F64) => Data::F64(vec![0.0; n]),
            ElemTy::Float(_) => Data::Half(vec![0; n]),
            ElemTy::Int(w) if w > 64 => Data::Wide(vec![0; n]),
            ElemTy::Int(_) | ElemTy::Index => Data::Int(vec![0; n]),
        };
        Buffer {
            data,
            elem,
            init: (!initialized).then(|| vec![false; n]),
            freed: false,
            origin,
        }
    }

    pub(crate) fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::Half(v) => v.len(),
            Data::Int(v) => v.len(),
            Data::Wide(v) => v.len(),
        }
    }

    /// The position `p` as a checked `usize`.
    fn pos(&self, p: i64) -> Result<usize, AccessError> {
        if self.freed {
            return Err(AccessError::Freed);
        }
        match usize::try_from(p) {
            Ok(i) if i < self.len() => Ok(i),
            _ => Err(AccessError::OutsideBuffer(p)),
        }
    }

    /// The element at linear position `p`.
    pub(crate) fn read(&self, p: i64) -> Result<Scalar, AccessError> {
        let i = self.pos(p)?;
        if let Some(init) = &self.init
            && !init[i]
        {
            return Err(AccessError::Uninitialized);
        }
        Ok(self.get(i))
    }

    /// The element at `i`, whether initialized or not.
    fn get(&self, i: usize) -> Scalar {
        match (&self.data, self.elem) {
            (Data::F32(v), _) => Scalar::F32(v[i]),
            (Data::F64(v), _) => Scalar::F64(v[i]),
            (Data::Half(v), ElemTy::Float(k)) => Scalar::from_float_bits(k, v[i] as u64),
            (Data::Int(v), ElemTy::Index) => Scalar::Index(v[i] as i64),
            (Data::Int(v), ElemTy::Int(width)) => Scalar::Int {
                bits: v[i] as u128,
                width,
            },
            (Data::Wide(v), ElemTy::Int(width)) => Scalar::Int { bits: v[i], width },
            // Unreachable: `new` picks the data for the element type.
            _ => Scalar::zero(self.elem),
        }
    }

    /// The element at linear position `p` and whether it was written
    /// (for copies, which carry uninitialized elements along).
    pub(crate) fn read_any(&self, p: i64) -> Result<(Scalar, bool), AccessError> {
        let i = self.pos(p)?;
        Ok((self.get(i), self.is_init(i)))
    }

    /// Writes `s` at `p`, marking it written or not (see [`Buffer::read_any`]).
    pub(crate) fn write_any(&mut self, p: i64, s: Scalar, init: bool) -> Result<(), AccessError> {
        self.write(p, s)?;
        if !init {
            let i = self.pos(p)?;
            let n = self.len();
            self.init.get_or_insert_with(|| vec![true; n])[i] = false;
        }
        Ok(())
    }

    /// Whether the element at `i` was written.
    fn is_init(&self, i: usize) -> bool {
        self.init.as_ref().is_none_or(|v| v[i])
    }

    /// Writes `s` at linear position `p`.
    pub(crate) fn write(&mut self, p: i64, s: Scalar) -> Result<(), AccessError> {
        let i = self.pos(p)?;
        if let Origin::Global {
            name,
            constant: true,
        } = &self.origin
        {
            return Err(AccessError::ReadOnly(name.clone()));
        }
        if s.ty() != self.elem {
            return Err(AccessError::WrongType(s.ty()));
        }
        self.put(i, s);
        if let Some(init) = &mut self.init {
            init[i] = true;
        }
        Ok(())
    }

    /// Stores `s` (of the buffer's type) at `i`.
    fn put(&mut self, i: usize, s: Scalar) {
        match (&mut self.data, s) {
            (Data::F32(v), Scalar::F32(x)) => v[i] = x,
            (Data::F64(v), Scalar::F64(x)) => v[i] = x,
            (Data::Half(v), Scalar::F16(b) | Scalar::BF16(b)) => v[i] = b,
            (Data::Int(v), Scalar::Index(x)) => v[i] = x as u64,
            (Data::Int(v), Scalar::Int { bits, .. }) => v[i] = bits as u64,
            (Data::Wide(v), Scalar::Int { bits, .. }) => v[i] = bits,
            _ => {}
        }
    }

    /// Marks the buffer freed; `false` if it already was.
    pub(crate) fn free(&mut self) -> bool {
        let was = self.freed;
        self.freed = true;
        // The elements are no longer reachable; give the memory back.
        self.data = match self.data {
            Data::F32(_) => Data::F32(Vec::new()),
            Data::F64(_) => Data::F64(Vec::new()),
            Data::Half(_) => Data::Half(Vec::new()),
            Data::Int(_) => Data::Int(Vec::new()),
            Data::Wide(_) => Data::Wide(Vec::new()),
        };
        self.init = None;
        !was
    }
}

// ----- memrefs --------------------------------------------------------------

/// A view of a buffer: element type, offset, sizes and strides (in
/// elements). Cloning a `MemRef` makes another view of the same buffer.
#[derive(Clone)]
pub struct MemRef {
    pub(crate) buf: Rc<RefCell<Buffer>>,
    pub(crate) elem: ElemTy,
    pub(crate) offset: i64,
    pub(crate) sizes: Vec<usize>,
    pub(crate) strides: Vec<i64>,
}

impl fmt::Debug for MemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (offset {}, strides {:?})",
            self.type_string(),
            self.offset,
            self.strides
        )
    }
}

/// The element count of `shape`, checked against the allocation limit.
pub(crate) fn checked_len(shape: &[usize]) -> LoopResult<usize> {
    let n = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| LoopError::new(format!("the element count of shape {shape:?} overflows")))?;
    let limit = element_limit();
    if n as u64 > limit {
        return Err(LoopError::new(format!(
            "a buffer of shape {shape:?} has {n} elements, more than the limit of {limit}"
        )));
    }
    Ok(n)
}

/// Row-major strides of `sizes`.
pub(crate) fn row_major(sizes: &[usize]) -> Vec<i64> {
    let mut strides = vec![0i64; sizes.len()];
    let mut acc = 1i64;
    for i in (0..sizes.len()).rev() {
        strides[i] = acc;
        acc = acc.saturating_mul(sizes[i] as i64);
    }
    strides
}

/// Calls `f` with the linear position of every element of the view
/// (`offset`, `sizes`, `strides`), in row-major order.
pub(crate) fn for_each_position(
    offset: i64,
    sizes: &[usize],
    strides: &[i64],
    mut f: impl FnMut(i64),
) {
    if sizes.contains(&0) {
        return;
    }
    let rank = sizes.len();
    let mut idx = vec![0usize; rank];
    let mut pos = offset;
    loop {
        f(pos);
        // Odometer increment, innermost dimension first.
        let mut d = rank;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            pos = pos.wrapping_add(strides[d]);
            if idx[d] < sizes[d] {
                break;
            }
            pos = pos.wrapping_sub(strides[d].wrapping_mul(sizes[d] as i64));
            idx[d] = 0;
        }
    }
}

impl MemRef {
    /// A new buffer of `shape`, every element zero.
    pub fn zeros(elem: ElemTy, shape: &[usize]) -> Result<MemRef, LoopError> {
        Self::fresh(elem, shape, true, Origin::Host)
    }

    /// A new buffer of `shape` whose elements are not yet written: reading
    /// one before writing it is an error.
    pub fn uninitialized(elem: ElemTy, shape: &[usize]) -> Result<MemRef, LoopError> {
        Self::fresh(elem, shape, false, Origin::Host)
    }

    /// A new row-major buffer.
    pub(crate) fn fresh(
        elem: ElemTy,
        shape: &[usize],
        initialized: bool,
        origin: Origin,
    ) -> LoopResult<MemRef> {
        let n = checked_len(shape)?;
        Ok(MemRef {
            buf: Rc::new(RefCell::new(Buffer::new(elem, n, initialized, origin))),
            elem,
            offset: 0,
            sizes: shape.to_vec(),
            strides: row_major(shape),
        })
    }

    /// A new buffer of `shape` holding `values` (row-major), which must
    /// all be of type `elem`.
    pub fn from_scalars(elem: ElemTy, shape: &[usize], values: &[Scalar]) -> LoopResult<MemRef> {
        Self::from_scalars_in(elem, shape, values, Origin::Host)
    }

    pub(crate) fn from_scalars_in(
        elem: ElemTy,
        shape: &[usize],
        values: &[Scalar],
        origin: Origin,
    ) -> LoopResult<MemRef> {
        let m = Self::fresh(elem, shape, true, origin)?;
        if values.len() != m.buf.borrow().len() {
            return Err(LoopError::new(format!(
                "{} values do not fill a buffer of shape {shape:?}",
                values.len()
            )));
        }
        {
            let mut b = m.buf.borrow_mut();
            for (i, &v) in values.iter().enumerate() {
                if v.ty() != elem {
                    return Err(LoopError::new(format!(
                        "value {i} is a {}, not a {elem}",
                        v.ty()
                    )));
                }
                b.put(i, v);
            }
        }
        Ok(m)
    }

    /// A new buffer holding a copy of `t`'s elements, row-major.
    pub fn from_tensor(t: &Tensor) -> MemRef {
        let shape = t.shape().to_vec();
        let strides = row_major(&shape);
        let (elem, data) = match t {
            Tensor::F32(a) => (
                ElemTy::Float(FloatKind::F32),
                Data::F32(a.iter().copied().collect()),
            ),
            Tensor::F64(a) => (
                ElemTy::Float(FloatKind::F64),
                Data::F64(a.iter().copied().collect()),
            ),
            Tensor::I1(a) => (
                ElemTy::Int(1),
                Data::Int(a.iter().map(|&b| b as u64).collect()),
            ),
            Tensor::I32(a) => (
                ElemTy::Int(32),
                Data::Int(a.iter().map(|&v| v as u32 as u64).collect()),
            ),
            Tensor::I64(a) => (
                ElemTy::Int(64),
                Data::Int(a.iter().map(|&v| v as u64).collect()),
            ),
        };
        MemRef {
            buf: Rc::new(RefCell::new(Buffer {
                data,
                elem,
                init: None,
                freed: false,
                origin: Origin::Host,
            })),
            elem,
            offset: 0,
            sizes: shape,
            strides,
        }
    }

    /// The elements of the view as a tensor (row-major). Fails for element
    /// types a [`Tensor`] cannot hold (only `f32`, `f64`, `i1`, `i32` and
    /// `i64` can), for a freed buffer, and if an element was never written.
    pub fn to_tensor(&self) -> Result<Tensor, LoopError> {
        let values = self.to_scalars()?;
        let shape = IxDyn(&self.sizes);
        let bad = |e: ndarray::ShapeError| LoopError::new(format!("bad tensor shape: {e}"));
        Ok(match self.elem {
            ElemTy::Float(FloatKind::F32) => Tensor::F32(
                ArrayD::from_shape_vec(
                    shape,
                    values
                        .iter()
                        .map(|s| match s {
                            Scalar::F32(v) => *v,
                            _ => 0.0,
                        })
                        .collect(),
                )
                .map_err(bad)?,
            ),
            ElemTy::Float(FloatKind::F64) => Tensor::F64(
                ArrayD::from_shape_vec(
                    shape,
                    values.iter().map(|s| s.as_f64().unwrap_or(0.0)).collect(),
                )
                .map_err(bad)?,
            ),
            ElemTy::Int(1) => Tensor::I1(
                ArrayD::from_shape_vec(shape, values.iter().map(|s| s.raw_bits() != 0).collect())
                    .map_err(bad)?,
            ),
            ElemTy::Int(32) => Tensor::I32(
                ArrayD::from_shape_vec(
                    shape,
                    values.iter().map(|s| s.raw_bits() as u32 as i32).collect(),
                )
                .map_err(bad)?,
            ),
            ElemTy::Int(64) => Tensor::I64(
                ArrayD::from_shape_vec(
                    shape,
                    values.iter().map(|s| s.raw_bits() as u64 as i64).collect(),
                )
                .map_err(bad)?,
            ),
            other => {
                return Err(LoopError::new(format!(
                    "a {} cannot become a tensor: tensors hold f32, f64, i1, i32 or i64",
                    shaped("memref", &self.sizes, other)
                )));
            }
        })
    }

    /// Every element of the view, row-major. Fails for a freed buffer and
    /// if an element was never written.
    pub fn to_scalars(&self) -> Result<Vec<Scalar>, LoopError> {
        let b = self.buf.borrow();
        let mut out = Vec::with_capacity(self.num_elements());
        let mut err = None;
        for_each_position(self.offset, &self.sizes, &self.strides, |p| {
            if err.is_some() {
                return;
            }
            match b.read(p) {
                Ok(s) => out.push(s),
                Err(e) => err = Some((out.len(), e)),
            }
        });
        match err {
            None => Ok(out),
            Some((n, e)) => Err(LoopError::new(format!(
                "element {:?} of {}: {}",
                unravel(n, &self.sizes),
                self.type_string(),
                e.describe(self.elem)
            ))),
        }
    }

    /// The sizes of the view.
    pub fn shape(&self) -> &[usize] {
        &self.sizes
    }

    /// The strides of the view, in elements.
    pub fn strides(&self) -> &[i64] {
        &self.strides
    }

    /// The position of the view's first element in its buffer.
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The element type.
    pub fn elem(&self) -> ElemTy {
        self.elem
    }

    /// The number of elements of the view.
    pub fn num_elements(&self) -> usize {
        self.sizes.iter().product()
    }

    /// Whether `self` and `other` view the same buffer.
    pub fn same_buffer(&self, other: &MemRef) -> bool {
        Rc::ptr_eq(&self.buf, &other.buf)
    }

    /// `memref<2x3xf32>` (the view's sizes).
    pub fn type_string(&self) -> String {
        shaped("memref", &self.sizes, self.elem)
    }

    /// The linear position of the element at `idx`, or `None` if `idx`
    /// has the wrong rank or is out of bounds.
    pub(crate) fn position(&self, idx: &[i64]) -> Option<i64> {
        if idx.len() != self.sizes.len() {
            return None;
        }
        let mut p = self.offset;
        for ((&i, &n), &s) in idx.iter().zip(&self.sizes).zip(&self.strides) {
            if i < 0 || i as u64 >= n as u64 {
                return None;
            }
            p = p.checked_add(i.checked_mul(s)?)?;
        }
        Some(p)
    }

    /// The element at `idx` (host access; errors have no location).
    pub fn load(&self, idx: &[i64]) -> Result<Scalar, LoopError> {
        let p = self.position(idx).ok_or_else(|| {
            LoopError::new(format!(
                "index {idx:?} is out of bounds of {}",
                self.type_string()
            ))
        })?;
        self.buf
            .borrow()
            .read(p)
            .map_err(|e| LoopError::new(format!("load at {idx:?}: {}", e.describe(self.elem))))
    }

    /// Writes `value` at `idx` (host access; errors have no location).
    pub fn store(&self, idx: &[i64], value: Scalar) -> Result<(), LoopError> {
        let p = self.position(idx).ok_or_else(|| {
            LoopError::new(format!(
                "index {idx:?} is out of bounds of {}",
                self.type_string()
            ))
        })?;
        self.buf
            .borrow_mut()
            .write(p, value)
            .map_err(|e| LoopError::new(format!("store at {idx:?}: {}", e.describe(self.elem))))
    }

    /// Whether every element of the view was written (false if freed).
    pub fn is_initialized(&self) -> bool {
        let b = self.buf.borrow();
        if b.freed {
            return false;
        }
        let mut all = true;
        for_each_position(self.offset, &self.sizes, &self.strides, |p| {
            all &= usize::try_from(p)
                .ok()
                .filter(|&i| i < b.len())
                .is_some_and(|i| b.is_init(i));
        });
        all
    }
}

/// The row-major multi-index of element number `n` of `sizes`.
pub(crate) fn unravel(mut n: usize, sizes: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; sizes.len()];
    for d in (0..sizes.len()).rev() {
        if sizes[d] > 0 {
            idx[d] = n % sizes[d];
            n /= sizes[d];
        }
    }
    idx
}

// ----- vectors --------------------------------------------------------------

/// A fixed-size vector: a shape (empty for a 0-D vector, which has one
/// element), an element type and the elements, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct VectorValue {
    elem: ElemTy,
    shape: Vec<usize>,
    lanes: Vec<Scalar>,
}

impl VectorValue {
    /// A vector of `shape` holding `lanes` (row-major), all of type `elem`.
    pub fn new(
        elem: ElemTy,
        shape: &[usize],
        lanes: Vec<Scalar>,
    ) -> Result<VectorValue, LoopError> {
        let n = checked_len(shape)?;
        if lanes.len() != n {
            return Err(LoopError::new(format!(
                "{} elements do not fill {}",
                lanes.len(),
                shaped("vector", shape, elem)
            )));
        }
        if let Some(bad) = lanes.iter().find(|s| s.ty() != elem) {
            return Err(LoopError::new(format!(
                "a {} element in {}",
                bad.ty(),
                shaped("vector", shape, elem)
            )));
        }
        Ok(VectorValue {
            elem,
            shape: shape.to_vec(),
            lanes,
        })
    }

    /// A vector of `shape` whose elements all equal `value`.
    pub fn splat(shape: &[usize], value: Scalar) -> Result<VectorValue, LoopError> {
        let n = checked_len(shape)?;
        Ok(VectorValue {
            elem: value.ty(),
            shape: shape.to_vec(),
            lanes: vec![value; n],
        })
    }

    /// Builds a vector without checks; the caller guarantees the invariants.
    pub(crate) fn raw(elem: ElemTy, shape: Vec<usize>, lanes: Vec<Scalar>) -> VectorValue {
        debug_assert_eq!(lanes.len(), shape.iter().product::<usize>());
        VectorValue { elem, shape, lanes }
    }

    /// The element type.
    pub fn elem(&self) -> ElemTy {
        self.elem
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The elements, row-major.
    pub fn lanes(&self) -> &[Scalar] {
        &self.lanes
    }

    /// The elements, row-major, by value.
    pub fn into_lanes(self) -> Vec<Scalar> {
        self.lanes
    }

    /// `vector<4xf32>`.
    pub fn type_string(&self) -> String {
        shaped("vector", &self.shape, self.elem)
    }
}
