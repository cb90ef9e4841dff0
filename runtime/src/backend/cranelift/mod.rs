//! The Cranelift backend: loop-level IR to Cranelift IR, compiled fast
//! by `cranelift-jit`.
//!
//! [`compile`] translates a module (see [`crate::backend`] for what it may
//! hold), compiles it for the host (every ISA extension
//! `cranelift-native` detects; `opt_level=speed` for
//! [`BackendOptions::opt_level`] ≥ 1, `none` for 0) and returns the packed
//! entries of its public functions. [`emit_clif`] gives the Cranelift IR
//! text of every function, as translated, before Cranelift optimizes it.
//!
//! # How the IR is translated
//!
//! - Calling convention between generated functions: each `func.func @f`
//!   is a local function `_tessera_fn_f` taking its memref arguments as
//!   their descriptor fields, expanded (`allocated, aligned, offset,
//!   sizes.., strides..`, each an `i64`), vectors as their SIMD parts,
//!   scalars as themselves; results likewise. The packed entry
//!   `_tessera_packed_f` of a public function loads arguments through the
//!   pointer array (a memref's fields from its [`MemRefDescriptor`]), calls
//!   `_tessera_fn_f` and stores the results (a memref result as a
//!   descriptor). Body-less declarations import the runtime symbol of the
//!   same name.
//! - Values (`types.rs`): `i1` is an `i8` holding 0 or 1, `index` an
//!   `i64`; vectors are 128-bit SIMD parts (`vector<8xf32>` = two
//!   `f32x4`) or per-lane scalars; what a memref type fixes statically
//!   (sizes, strides, offset) is a constant in the generated code.
//! - `scf` (`scf.rs`): block parameters carry loop and branch values;
//!   `scf.parallel` runs sequentially.
//! - `arith`/`math` (`arith.rs`): instructions where Cranelift has them,
//!   C library calls (`expf`, ...) through [`support`] otherwise.
//! - `memref` (`memref.rs`): address arithmetic on descriptors, `malloc` /
//!   `free` for `alloc` / `dealloc`, stack slots for static `alloca`,
//!   64-byte aligned data objects for `memref.global`.
//! - `vector` (`vector.rs`), dispatched by op name: SIMD where the access
//!   is contiguous, lane-by-lane with branches where masks or bounds
//!   require it.
//!
//! An op or type the backend does not handle is a [`BackendError`] with
//! the op's location.
//!
//! [`MemRefDescriptor`]: crate::backend::MemRefDescriptor
//! [`support`]: crate::backend::support

mod arith;
mod jit;
mod memref;
mod scf;
mod translate;
mod types;
mod vector;

use std::fmt::Write;

use cranelift_module::Module;
use tessera_compiler::{Context, OpId};

use crate::backend::{BackendError, BackendOptions, JitCode};

/// Compiles `module` for the host and returns the packed entries of its
/// public functions.
pub fn compile(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<Box<dyn JitCode>, BackendError> {
    // The code object owns the JIT module from the start, so its memory is
    // freed on every error path too.
    let mut code = jit::CraneliftCode::new(jit::new_module(opts)?);
    let translated = translate::translate_module(ctx, module, code.module())?;
    let jit = code.module();
    let mut cctx = jit.make_context();
    let mut sizes = Vec::new();
    for (name, id, func) in translated.functions {
        cctx.func = func;
        if let Err(e) = jit.define_function(id, &mut cctx) {
            return Err(BackendError::new(format!(
                "Cranelift failed to compile {name}: {}",
                jit::describe(e, &cctx.func)
            )));
        }
        let size = cctx
            .compiled_code()
            .map_or(0, |c| c.code_info().total_size as usize);
        sizes.push((name, id, size));
        jit.clear_context(&mut cctx);
    }
    jit.finalize_definitions()
        .map_err(|e| BackendError::new(format!("Cranelift failed to finalize the code: {e}")))?;
    for (name, id, size) in sizes {
        let address = code.module().get_finalized_function(id) as usize;
        code.add_symbol(crate::backend::JitSymbol {
            name,
            address,
            size,
        });
    }
    for (name, id) in translated.entries {
        let ptr = code.module().get_finalized_function(id);
        code.add_entry(name, ptr);
    }
    Ok(Box::new(code))
}

/// The Cranelift IR of every function of `module` (each `func.func` and
/// each packed entry), as translated, before optimization: what
/// `--emit=clif` prints.
pub fn emit_clif(
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
) -> Result<String, BackendError> {
    let mut code = jit::CraneliftCode::new(jit::new_module(opts)?);
    let translated = translate::translate_module(ctx, module, code.module())?;
    let mut out = String::new();
    for (i, (_, _, func)) in translated.functions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write!(out, "{}", func.display()).expect("writing to a String cannot fail");
    }
    Ok(out)
}
