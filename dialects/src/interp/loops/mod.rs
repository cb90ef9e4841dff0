//! The loop-level interpreter: runs `func.func`s of `affine`, `scf`,
//! `arith`, `math`, `memref` and `vector` ops over buffers, so that every
//! lowering and backend can be checked against the graph-level reference
//! interpreter ([`eval`](crate::interp::eval)).
//!
//! ```
//! use tessera_compiler::Context;
//! use tessera_compiler::syntax::{ParseConfig, parse_module};
//! use tessera_dialects::interp::loops::call_with_tensors;
//! use tessera_dialects::interp::value::Tensor;
//!
//! let mut ctx = Context::new();
//! tessera_dialects::register_all(&mut ctx);
//! let text = r#"
//! func.func @double(%x: memref<3xf32>, %out: memref<3xf32>) {
//!   affine.for %i = 0 to 3 {
//!     %v = affine.load %x[%i] : memref<3xf32>
//!     %d = arith.addf %v, %v : f32
//!     affine.store %d, %out[%i] : memref<3xf32>
//!   }
//!   return
//! }"#;
//! let module = parse_module(&mut ctx, text, &ParseConfig::default()).unwrap();
//! let x = Tensor::from_f64s(tessera_dialects::interp::value::ElemType::F32, &[3], &[1.0, 2.0, 3.0]).unwrap();
//! let out = call_with_tensors(&ctx, module, "double", &[x]).unwrap();
//! assert_eq!(out[0].to_f64_array().into_raw_vec_and_offset().0, vec![2.0, 4.0, 6.0]);
//! ```
//!
//! ## How it runs
//!
//! Each function is compiled once (`compile.rs`) into instructions over a
//! dense frame of value slots, with every op's dispatch, attributes and
//! affine maps decoded ahead; the executor (`exec.rs`) then runs them.
//! Values are [`LoopValue`]s: scalars ([`Scalar`], with the `arith`/`math`
//! semantics of [`crate::interp::scalar`], applied lane by lane on
//! vectors), [`MemRef`] views of shared typed buffers (`value.rs`), and
//! [`VectorValue`]s.
//!
//! ## What is checked
//!
//! Nothing the program does can crash the interpreter or touch memory
//! outside a buffer; instead a [`LoopError`] names the op and its
//! location: out-of-bounds loads and stores (with the memref type and
//! index), reads of elements never written (`memref.alloc` memory starts
//! uninitialized), use after `memref.dealloc`, double frees, writes to
//! constant globals, undefined arithmetic (division by zero, poison
//! conversions), calls deeper than [`MAX_CALL_DEPTH`](crate::interp::eval::MAX_CALL_DEPTH),
//! arguments and results that do not match a function's type, allocations
//! over [`element_limit`](crate::interp::kernels::element_limit), and ops
//! the interpreter does not know.
//!
//! `vector.print` writes to standard output, or to a string with
//! [`Interpreter::capture_output`].

mod affine;
mod compile;
mod error;
mod exec;
mod memory;
mod value;
mod vector;

pub use error::LoopError;
pub use value::{LoopValue, MemRef, VectorValue};

use tessera_compiler::{Context, OpId, TypeData};

use crate::interp::scalar::{ElemTy, Scalar};
use crate::interp::value::Tensor;
use exec::{Machine, Output};

/// The interpreter for one module: compiled functions and globals persist
/// across calls (a global written by one call is seen by the next).
pub struct Interpreter<'c> {
    machine: Machine<'c>,
}

impl<'c> Interpreter<'c> {
    /// An interpreter for the functions of `module`.
    pub fn new(ctx: &'c Context, module: OpId) -> Interpreter<'c> {
        Interpreter {
            machine: Machine::new(ctx, module),
        }
    }

    /// Sends `vector.print` output to a string (see [`output`](Self::output))
    /// instead of standard output.
    pub fn capture_output(&mut self) {
        self.machine.out = Output::Capture(String::new());
    }

    /// What `vector.print` wrote since [`capture_output`](Self::capture_output).
    pub fn output(&self) -> &str {
        match &self.machine.out {
            Output::Capture(s) => s,
            Output::Stdout => "",
        }
    }

    /// Stops an `scf.while` after `limit` iterations with an error (no
    /// limit by default), for running programs that may not terminate.
    pub fn set_while_limit(&mut self, limit: u64) {
        self.machine.while_limit = limit;
    }

    /// Runs the function `name` on `args` (which must match its argument
    /// types) and returns its results. Memref arguments are shared: what
    /// the function writes into them is visible through `args` afterwards.
    pub fn call(&mut self, name: &str, args: &[LoopValue]) -> Result<Vec<LoopValue>, LoopError> {
        let ctx = self.machine.ctx;
        let module = self.machine.module;
        let func = compile::find_func(ctx, module, name).ok_or_else(|| {
            LoopError::at(
                ctx.op(module).loc,
                format!("no function @{name} in the module"),
            )
        })?;
        self.machine.call(func, args.to_vec(), None)
    }

    /// Calls `name` in the bufferized form: `inputs` become fresh memrefs,
    /// the function's parameters after them are out-parameters, allocated
    /// uninitialized from their (static) types. Returns the out-parameters
    /// as tensors, followed by the function's own results (memrefs and
    /// vectors as tensors, scalars as 0-D tensors). An out-parameter
    /// element the function never wrote is an error.
    pub fn call_with_tensors(
        &mut self,
        name: &str,
        inputs: &[Tensor],
    ) -> Result<Vec<Tensor>, LoopError> {
        let ctx = self.machine.ctx;
        let module = self.machine.module;
        let func = compile::find_func(ctx, module, name).ok_or_else(|| {
            LoopError::at(
                ctx.op(module).loc,
                format!("no function @{name} in the module"),
            )
        })?;
        let loc = ctx.op(func).loc;
        let (params, _) = crate::func::function_type(ctx, func)
            .ok_or_else(|| LoopError::at(loc, format!("@{name} has no valid function type")))?;
        if inputs.len() > params.len() {
            return Err(LoopError::at(
                loc,
                format!(
                    "@{name} takes {} parameters, but {} inputs were given",
                    params.len(),
                    inputs.len()
                ),
            ));
        }
        let mut args: Vec<LoopValue> = inputs
            .iter()
            .map(|t| LoopValue::MemRef(MemRef::from_tensor(t)))
            .collect();
        let mut outs = Vec::new();
        for (i, &ty) in params.iter().enumerate().skip(inputs.len()) {
            let (shape, elem) = match ctx.type_data(ty) {
                TypeData::MemRef { shape, elem, .. } => (shape, *elem),
                _ => {
                    return Err(LoopError::at(
                        loc,
                        format!("parameter {i} of @{name} is an out-parameter but not a memref"),
                    ));
                }
            };
            let elem = ElemTy::of(ctx, elem).ok_or_else(|| {
                LoopError::at(
                    loc,
                    format!("parameter {i} of @{name} has an unsupported element type"),
                )
            })?;
            let shape: Vec<usize> = shape
                .iter()
                .map(|&d| usize::try_from(d))
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    LoopError::at(
                        loc,
                        format!("out-parameter {i} of @{name} has a dynamic shape"),
                    )
                })?;
            let m =
                MemRef::uninitialized(elem, &shape).map_err(|e| LoopError::at(loc, e.message))?;
            outs.push(m.clone());
            args.push(LoopValue::MemRef(m));
        }
        let results = self.machine.call(func, args, None)?;
        let mut tensors = Vec::with_capacity(outs.len() + results.len());
        for (k, m) in outs.iter().enumerate() {
            let i = inputs.len() + k;
            tensors.push(m.to_tensor().map_err(|e| {
                LoopError::at(loc, format!("out-parameter {i} of @{name}: {}", e.message))
            })?);
        }
        for (i, v) in results.iter().enumerate() {
            let t = match v {
                LoopValue::MemRef(m) => m.to_tensor(),
                LoopValue::Vector(v) => {
                    MemRef::from_scalars(v.elem(), v.shape(), v.lanes()).and_then(|m| m.to_tensor())
                }
                LoopValue::Scalar(s) => {
                    MemRef::from_scalars(s.ty(), &[], &[*s]).and_then(|m| m.to_tensor())
                }
            }
            .map_err(|e| LoopError::at(loc, format!("result {i} of @{name}: {}", e.message)))?;
            tensors.push(t);
        }
        Ok(tensors)
    }
}

/// Runs the function `name` of `module` on `args` and returns its results
/// (see [`Interpreter::call`]). Memref arguments share their buffers with
/// the callee, so out-parameters written by it are visible in `args`.
pub fn run_loop_function(
    ctx: &Context,
    module: OpId,
    name: &str,
    args: &mut [LoopValue],
) -> Result<Vec<LoopValue>, LoopError> {
    Interpreter::new(ctx, module).call(name, args)
}

/// Calls a function of the bufferized form (tensor inputs as memrefs, then
/// trailing memref out-params): allocates the out-params from the function
/// type (the params after `inputs.len()`), runs, returns them as tensors
/// (see [`Interpreter::call_with_tensors`]).
pub fn call_with_tensors(
    ctx: &Context,
    module: OpId,
    name: &str,
    inputs: &[Tensor],
) -> Result<Vec<Tensor>, LoopError> {
    Interpreter::new(ctx, module).call_with_tensors(name, inputs)
}

/// A scalar [`LoopValue`] (shorthand for tests and hosts).
impl From<Scalar> for LoopValue {
    fn from(s: Scalar) -> LoopValue {
        LoopValue::Scalar(s)
    }
}

/// A memref [`LoopValue`].
impl From<MemRef> for LoopValue {
    fn from(m: MemRef) -> LoopValue {
        LoopValue::MemRef(m)
    }
}

/// A vector [`LoopValue`].
impl From<VectorValue> for LoopValue {
    fn from(v: VectorValue) -> LoopValue {
        LoopValue::Vector(v)
    }
}
