//! Calling compiled code on tensors: the host side of the calling
//! convention in [`backend`](crate::backend).
//!
//! [`call_packed`] builds one [`MemRefDescriptor`] per input over the
//! tensor's own row-major data (no copy; generated code never writes an
//! input) and one per result over a freshly allocated zeroed tensor, then
//! calls the packed entry with pointers to them in order.

use std::ffi::c_void;

use ndarray::{ArrayD, IxDyn};

use crate::backend::{MemRefDescriptor, PackedFn};
use crate::{ElemType, Tensor, TensorType};

/// A tensor in row-major order: the tensor itself when it already is, a
/// standard-layout copy otherwise.
fn standard(t: &Tensor) -> std::borrow::Cow<'_, Tensor> {
    let is_standard = match t {
        Tensor::F32(a) => a.is_standard_layout(),
        Tensor::F64(a) => a.is_standard_layout(),
        Tensor::I1(a) => a.is_standard_layout(),
        Tensor::I32(a) => a.is_standard_layout(),
        Tensor::I64(a) => a.is_standard_layout(),
    };
    if is_standard {
        std::borrow::Cow::Borrowed(t)
    } else {
        let c = match t {
            Tensor::F32(a) => Tensor::F32(a.as_standard_layout().into_owned()),
            Tensor::F64(a) => Tensor::F64(a.as_standard_layout().into_owned()),
            Tensor::I1(a) => Tensor::I1(a.as_standard_layout().into_owned()),
            Tensor::I32(a) => Tensor::I32(a.as_standard_layout().into_owned()),
            Tensor::I64(a) => Tensor::I64(a.as_standard_layout().into_owned()),
        };
        std::borrow::Cow::Owned(c)
    }
}

/// The address of a standard-layout tensor's first element.
fn data_ptr(t: &Tensor) -> *mut u8 {
    match t {
        Tensor::F32(a) => a.as_ptr() as *mut u8,
        Tensor::F64(a) => a.as_ptr() as *mut u8,
        Tensor::I1(a) => a.as_ptr() as *mut u8,
        Tensor::I32(a) => a.as_ptr() as *mut u8,
        Tensor::I64(a) => a.as_ptr() as *mut u8,
    }
}

/// A zeroed tensor of type `ty`.
pub fn zeros(ty: &TensorType) -> Tensor {
    let shape: Vec<usize> = ty.shape.iter().map(|&d| d as usize).collect();
    let dim = IxDyn(&shape);
    match ty.elem {
        ElemType::F32 => Tensor::F32(ArrayD::zeros(dim)),
        ElemType::F64 => Tensor::F64(ArrayD::zeros(dim)),
        ElemType::I1 => Tensor::I1(ArrayD::from_elem(dim, false)),
        ElemType::I32 => Tensor::I32(ArrayD::zeros(dim)),
        ElemType::I64 => Tensor::I64(ArrayD::zeros(dim)),
    }
}

fn descriptor(t: &Tensor) -> MemRefDescriptor {
    let sizes: Vec<i64> = t.shape().iter().map(|&d| d as i64).collect();
    MemRefDescriptor::contiguous(data_ptr(t), &sizes)
}

/// Calls `entry` with `inputs` followed by out-parameters of the types
/// `results`, and returns the results.
///
/// # Safety
///
/// `entry` must be the packed entry of a function whose arguments are
/// memrefs of exactly the inputs' shapes and element types, followed by
/// one memref per result type, that reads its inputs, writes only its
/// out-parameters, and stays within their bounds. The callers in this
/// crate check the tensors against the function's signature first.
pub unsafe fn call_packed(
    entry: PackedFn,
    inputs: &[Tensor],
    results: &[TensorType],
) -> Vec<Tensor> {
    let inputs: Vec<std::borrow::Cow<'_, Tensor>> = inputs.iter().map(standard).collect();
    let outputs: Vec<Tensor> = results.iter().map(zeros).collect();
    let mut descriptors: Vec<MemRefDescriptor> = inputs
        .iter()
        .map(|t| descriptor(t))
        .chain(outputs.iter().map(descriptor))
        .collect();
    let args: Vec<*mut c_void> = descriptors.iter_mut().map(|d| d.as_mut_ptr()).collect();
    // SAFETY: the caller guarantees `entry` takes these descriptors; each
    // points at a live, contiguous buffer of the described shape, which
    // outlives the call.
    unsafe { entry(args.as_ptr()) };
    drop(descriptors);
    outputs
}
