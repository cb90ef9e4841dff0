//! The numeric kernels of the `graph` dialect's reference interpreter: one
//! pure function per op (or op family) over [`Tensor`] values, with plain
//! Rust parameters for the op's attributes.
//!
//! Semantics are those of `graph-dialect.md`: NumPy's, computed in `f64` for
//! float results and then cast to the result's element type; integer
//! arithmetic wraps. Every kernel validates its operands and attributes and
//! reports a [`KernelError`] instead of panicking, and refuses to allocate a
//! result with more elements than [`element_limit`].
//!
//! Attribute parameters that come from `i64` attributes (axes, permutations,
//! slice bounds, conv parameters) are taken as `i64` so that a negative or
//! out-of-range value is reported here rather than wrapped by the caller.
//! Shapes that come from result types are taken as `usize`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::ArrayD;

use super::value::{ElemType, Tensor};

pub mod compare;
pub mod conv;
pub mod elementwise;
pub mod linalg;
pub mod norm;
pub mod reduce;
pub mod shape;

pub use compare::{CmpPredicate, cast, cmp, select};
pub use conv::{PoolKind, conv2d, conv2d_shape, pool2d, pool2d_shape};
pub use elementwise::{BinaryOp, UnaryOp, binary, broadcast_shapes, unary};
pub use linalg::{matmul, matmul_shape};
pub use norm::{batch_norm, layer_norm};
pub use reduce::{ReduceOp, argmax, log_softmax, reduce, reduce_shape, softmax};
pub use shape::{
    broadcast_to, concat, concat_shape, gather, gather_shape, pad, pad_shape, reshape, slice,
    slice_shape, transpose, transpose_shape,
};

/// Why a kernel could not compute its result: bad operand shapes or types,
/// bad attributes, an out-of-range index, or a result too large to allocate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelError {
    /// The op (e.g. `graph.gather`) or helper that failed.
    pub op: &'static str,
    /// What is wrong, naming the offending shapes, values or indices.
    pub message: String,
}

impl KernelError {
    /// An error of `op` with `message`.
    pub fn new(op: &'static str, message: impl Into<String>) -> KernelError {
        KernelError {
            op,
            message: message.into(),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.op, self.message)
    }
}

impl std::error::Error for KernelError {}

/// The result type of every kernel.
pub type Result<T, E = KernelError> = std::result::Result<T, E>;

/// Default for [`element_limit`]: 2^32 elements.
pub const DEFAULT_ELEMENT_LIMIT: u64 = 1 << 32;

static ELEMENT_LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_ELEMENT_LIMIT);

/// The largest number of elements a kernel will allocate for one tensor.
pub fn element_limit() -> u64 {
    ELEMENT_LIMIT.load(Ordering::Relaxed)
}

/// Sets [`element_limit`] for the whole process (e.g. lower for fuzzing).
pub fn set_element_limit(limit: u64) {
    ELEMENT_LIMIT.store(limit, Ordering::Relaxed);
}

/// The element count of `shape`, or an error if it overflows or exceeds
/// [`element_limit`]. Call before allocating a tensor of that shape.
pub fn checked_num_elements(op: &'static str, shape: &[usize]) -> Result<usize> {
    let n = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            KernelError::new(op, format!("element count of shape {shape:?} overflows"))
        })?;
    let limit = element_limit();
    if n as u64 > limit {
        return Err(KernelError::new(
            op,
            format!("result shape {shape:?} has {n} elements, more than the limit of {limit}"),
        ));
    }
    Ok(n)
}

/// Maps `axis` in `-rank..rank` to `0..rank` (NumPy's negative axes).
pub fn normalize_axis(op: &'static str, axis: i64, rank: usize) -> Result<usize> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(KernelError::new(
            op,
            format!("axis {axis} is out of range for rank {rank}"),
        ));
    }
    Ok(if axis < 0 {
        (axis + r) as usize
    } else {
        axis as usize
    })
}

/// Converts a non-negative `i64` attribute value to `usize`, or fails
/// naming the attribute.
pub(crate) fn to_usize(op: &'static str, what: &str, v: i64) -> Result<usize> {
    usize::try_from(v)
        .map_err(|_| KernelError::new(op, format!("{what} must be non-negative, got {v}")))
}

/// The operand's values as `f64`, or an error if it is not a float tensor.
pub(crate) fn float_operand(op: &'static str, what: &str, t: &Tensor) -> Result<ArrayD<f64>> {
    match t {
        Tensor::F32(a) => Ok(a.mapv(f64::from)),
        Tensor::F64(a) => Ok(a.clone()),
        _ => Err(KernelError::new(
            op,
            format!(
                "{what} must have a float element type, got {}",
                t.type_string()
            ),
        )),
    }
}

/// Rounds an `f64` result to the float element type `elem`.
pub(crate) fn float_result(elem: ElemType, a: ArrayD<f64>) -> Tensor {
    match elem {
        ElemType::F32 => Tensor::F32(a.mapv(|v| v as f32)),
        _ => Tensor::F64(a),
    }
}

/// Fails unless `a` and `b` have the same element type.
pub(crate) fn same_elem(op: &'static str, a: &Tensor, b: &Tensor) -> Result<ElemType> {
    if a.elem_type() != b.elem_type() {
        return Err(KernelError::new(
            op,
            format!(
                "operands must have the same element type, got {} and {}",
                a.type_string(),
                b.type_string()
            ),
        ));
    }
    Ok(a.elem_type())
}
