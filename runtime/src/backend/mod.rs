//! Code generation: the loop level (`func`, `scf`, `arith`, `math`,
//! `memref`, `vector`) to machine code, by LLVM ([`llvm`]) or Cranelift
//! ([`cranelift`]), and the calling convention both share.
//!
//! # What a backend accepts
//!
//! A `builtin.module` of `func.func`s whose bodies hold only `scf`,
//! `arith`, `math`, `memref`, `vector` and `func` ops (the engine runs
//! `lower-affine` first, so no `affine` op reaches a backend). Arguments
//! are memrefs with static shapes and any strides, or scalars (integers,
//! `index`, floats); results are scalars. Graph-level functions reach
//! this level with their tensor results turned into trailing memref
//! out-parameters by `convert-graph-to-affine`.
//!
//! # Calling convention
//!
//! A memref is passed as MLIR's ranked descriptor, [`MemRefDescriptor`]:
//! `{allocated, aligned, offset, sizes[rank], strides[rank]}`, every field
//! 8 bytes, so a rank-`r` descriptor is `3 + 2r` words.
//!
//! For every public `func.func @f`, a backend makes a *packed entry*
//! [`PackedFn`] named `_tessera_packed_f`: it takes one pointer to an array
//! of pointers, one per argument and then one per result. For a memref
//! argument the pointer is to its descriptor; for a scalar argument, to the
//! scalar; for a result, to the slot the result is written to. One
//! signature for every function is what lets the host call any of them
//! without generating glue per signature.

pub mod cranelift;
pub mod llvm;
pub mod parallel;
pub mod support;

use std::ffi::c_void;
use std::fmt;

/// The packed entry of a compiled function; see the [module docs](self).
pub type PackedFn = unsafe extern "C" fn(args: *const *mut c_void);

/// The name of the packed entry of function `name`.
pub fn packed_name(name: &str) -> String {
    format!("_tessera_packed_{name}")
}

/// MLIR's ranked memref descriptor for any rank, laid out as the C ABI
/// lays out `struct { T *allocated, *aligned; int64_t offset, sizes[r], strides[r]; }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemRefDescriptor {
    words: Vec<i64>,
}

impl MemRefDescriptor {
    /// A descriptor of the buffer at `base` (allocated and aligned
    /// pointer both) with the given offset, sizes and strides, counted in
    /// elements.
    pub fn new(base: *mut u8, offset: i64, sizes: &[i64], strides: &[i64]) -> Self {
        assert_eq!(sizes.len(), strides.len(), "one stride per size");
        let mut words = Vec::with_capacity(3 + 2 * sizes.len());
        words.push(base as i64);
        words.push(base as i64);
        words.push(offset);
        words.extend_from_slice(sizes);
        words.extend_from_slice(strides);
        MemRefDescriptor { words }
    }

    /// A descriptor of a contiguous row-major buffer with these sizes.
    pub fn contiguous(base: *mut u8, sizes: &[i64]) -> Self {
        let mut strides = vec![1i64; sizes.len()];
        for i in (0..sizes.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * sizes[i + 1].max(1);
        }
        Self::new(base, 0, sizes, &strides)
    }

    /// The rank.
    pub fn rank(&self) -> usize {
        (self.words.len() - 3) / 2
    }

    /// The pointer to pass in a packed argument array.
    pub fn as_mut_ptr(&mut self) -> *mut c_void {
        self.words.as_mut_ptr().cast()
    }
}

/// Which code generator.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum BackendKind {
    /// LLVM 19 through inkwell: optimizing, slower to compile.
    Llvm,
    /// Cranelift: fast to compile.
    Cranelift,
}

/// Compiles the loop-level `module` with `kind` into callable code.
pub fn compile(
    kind: BackendKind,
    ctx: &tessera_compiler::Context,
    module: tessera_compiler::OpId,
    opts: &BackendOptions,
) -> Result<Box<dyn JitCode>, BackendError> {
    match kind {
        BackendKind::Llvm => llvm::compile(ctx, module, opts),
        BackendKind::Cranelift => cranelift::compile(ctx, module, opts),
    }
}

/// Options every backend takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendOptions {
    /// Optimization level of the backend's own optimizer, 0 to 3.
    pub opt_level: u8,
    /// Worker threads for `scf.parallel` loops of compiled code; 1 (the
    /// default) runs them sequentially. Backends without parallel code
    /// generation ignore it.
    pub threads: usize,
}

impl Default for BackendOptions {
    fn default() -> Self {
        BackendOptions {
            opt_level: 3,
            threads: 1,
        }
    }
}

/// Compiled code in memory: the packed entries of a module's public
/// functions. Dropping it frees the code.
pub trait JitCode: Send + Sync {
    /// The packed entry of the public function `name`, if it has one.
    fn packed_entry(&self, name: &str) -> Option<PackedFn>;

    /// Where each compiled function is, for profilers (see
    /// [`write_perf_map`]); empty when the backend cannot tell.
    fn symbols(&self) -> Vec<JitSymbol> {
        Vec::new()
    }
}

/// One compiled function's place in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JitSymbol {
    /// Its name (the `func.func`'s, or `_tessera_packed_<name>`).
    pub name: String,
    /// The address of its first instruction.
    pub address: usize,
    /// Its size in bytes.
    pub size: usize,
}

/// Appends `symbols` to `/tmp/perf-<pid>.map`, the file `perf` reads to
/// name JIT code (one `START SIZE NAME` line each, hex), so `perf top`
/// and `perf report` show `kernel0_matmul_add_relu` instead of an address.
pub fn write_perf_map(symbols: &[JitSymbol]) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write as _;
    let path = std::path::PathBuf::from(format!("/tmp/perf-{}.map", std::process::id()));
    let mut text = String::new();
    for s in symbols {
        text.push_str(&format!("{:x} {:x} {}\n", s.address, s.size, s.name));
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    file.write_all(text.as_bytes())?;
    Ok(path)
}

/// Why code generation failed: an op or type the backend does not handle
/// (with the op's location when there is one), or the code generator's own
/// error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    /// What went wrong, one sentence.
    pub message: String,
    /// Where, when an op is to blame.
    pub loc: Option<tessera_compiler::Location>,
}

impl BackendError {
    /// An error with no location.
    pub fn new(message: impl Into<String>) -> Self {
        BackendError {
            message: message.into(),
            loc: None,
        }
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BackendError {}
