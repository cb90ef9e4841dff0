//! The LLVM 19 backend (inkwell): loop-level IR to LLVM IR, optimized for
//! the host CPU, JIT-compiled or written as an object file.
//!
//! # What it produces
//!
//! For every `func.func @f` of the module an LLVM function `f` with the
//! *expanded* convention MLIR's own LLVM lowering uses: a memref argument
//! becomes its descriptor's fields as separate arguments (`allocated`,
//! `aligned`, `offset`, `sizes[r]`, `strides[r]`), a scalar or vector
//! argument itself; no result is `void`, one result is returned as itself
//! (a memref as its descriptor struct), several as a struct of them.
//! Private functions get internal linkage, so LLVM may inline and drop
//! them. Calls between functions (`func.call`) use this convention.
//!
//! For every public function with a body, two wrappers:
//!
//! - the packed entry `_tessera_packed_f(void **args)` of
//!   [`super::PackedFn`] (always), which the JIT returns;
//! - `_mlir_ciface_f(...)` (object, assembly and IR output only), MLIR's C
//!   interface: a memref argument is a pointer to its descriptor, a scalar
//!   is passed by value, a vector by a pointer to its elements; one scalar
//!   result is returned, otherwise the results are written through a
//!   pointer to a struct of them passed first. [`emit_c_header`] declares
//!   both wrappers and the descriptor structs.
//!
//! # How the IR maps
//!
//! - Types: `iN` (any signedness) → `iN`, `index` → `i64`, floats → `half`,
//!   `bfloat`, `float`, `double`. A vector of any rank is one flat LLVM
//!   vector of all its elements in row-major order (`vector<4x8xf32>` →
//!   `<32 x float>`), so element-wise ops are single instructions and
//!   `vector.shape_cast` is free; extracting a row is a shuffle. In memory
//!   an `i1` takes a byte.
//! - `scf` becomes branches and phis. `scf.parallel` without reductions
//!   runs on the runtime's thread pool when [`BackendOptions::threads`] is
//!   above 1 (JIT only; its outermost dimension is split over the
//!   workers), otherwise sequentially.
//! - `arith` ops are instructions or exact expansions (`ceildivsi`,
//!   `floordivsi`, NaN-ignoring `maxnumf`/`minnumf`); no fast-math flags,
//!   so results are the interpreter's (rounded per operation).
//! - `math` ops with an exact LLVM intrinsic use it (`sqrt fabs floor ceil
//!   trunc round roundeven fma copysign abs ctlz cttz ctpop`); the others
//!   call the C library names of [`super::support::libm_name`] (one call
//!   per lane on vectors; `f16`/`bf16` compute in `f32`), which the JIT
//!   maps to [`super::support::symbol_address`].
//! - `memref.alloc` calls `malloc` (over-allocating when asked for an
//!   alignment above 16), `dealloc` calls `free`; a static `alloca` is an
//!   LLVM `alloca` in the entry block; globals are LLVM globals holding
//!   the dense bytes, 64-byte aligned. Static sizes, strides and offsets of
//!   a memref type are used as constants, the descriptor's fields only for
//!   `?` ones.
//! - Vector loads and stores are unaligned (element alignment); masked
//!   ones use `llvm.masked.*`.
//!
//! Memref arguments are not marked `noalias`: out-parameters may alias
//! inputs. Every function gets the host's `target-cpu` and
//! `target-features`, and the module is optimized with LLVM's new pass
//! manager (`default<O0>` .. `default<O3>` by
//! [`BackendOptions::opt_level`]).
//!
//! Ops or types the backend does not handle are a [`BackendError`] at the
//! op's location.

mod arith;
mod emit;
mod jit;
mod math;
mod memref;
mod parallel;
mod scf;
mod target;
mod transfer;
mod translate;
mod types;
mod vector;
mod wrappers;

use inkwell::builder::BuilderError;
use tessera_compiler::{Context, OpId};

use super::{BackendError, BackendOptions, JitCode};

pub use emit::emit_c_header;

impl From<BuilderError> for BackendError {
    fn from(e: BuilderError) -> Self {
        BackendError::new(format!("LLVM IR builder error: {e}"))
    }
}

/// Compiles the functions of `module` (a `builtin.module`) to machine code
/// in memory; the result hands out their packed entries.
pub fn compile(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<Box<dyn JitCode>, BackendError> {
    Ok(Box::new(jit::LlvmJit::new(ctx, module, opts)?))
}

/// The optimized LLVM IR of `module` as text.
pub fn emit_llvm_ir(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<String, BackendError> {
    emit::llvm_ir(ctx, module, opts)
}

/// The host assembly of `module`.
pub fn emit_asm(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<String, BackendError> {
    emit::asm(ctx, module, opts)
}

/// A relocatable object file of `module` for the host (ELF on Linux),
/// position independent.
pub fn emit_object(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<Vec<u8>, BackendError> {
    emit::object(ctx, module, opts)
}
