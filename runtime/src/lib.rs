//! # tessera-runtime: tensors, `.npy` I/O, backends and the host API
//!
//! - [`engine`]: the host API. An [`Engine`] compiles MLIR text with a pass
//!   pipeline into a [`CompiledModule`], whose [`Function`]s are called on
//!   [`Tensor`]s with their shapes and element types checked first.
//! - [`backend`]: code generation with LLVM 19 or Cranelift, the calling
//!   convention they share (MLIR memref descriptors) and the C functions
//!   generated code calls; [`host`]: calling that code on tensors.
//! - [`profile`]: per-op timing of interpreted calls, and per-kernel timing
//!   of compiled ones through [`jit_profile`] (`tensor-run --profile`).
//! - [`format`]: printing tensors the way NumPy does.
//! - [`npy`]: reading and writing NumPy `.npy` files as tensors.
//!
//! ```no_run
//! use tessera_runtime::{Backend, CompileOptions, ElemType, Engine, Pipeline, Tensor};
//!
//! let engine = Engine::new();
//! let text = std::fs::read_to_string("examples/mlp.mlir").unwrap();
//! let options = CompileOptions { pipeline: Pipeline::O(2), backend: Backend::Llvm, ..Default::default() };
//! let module = engine
//!     .compile_text(&text, "mlp.mlir", &options)
//!     .unwrap_or_else(|e| panic!("{e}"));
//! let main = module.entry_point().unwrap();
//! let x = Tensor::splat(ElemType::F32, &[1, 784], 0.5).unwrap();
//! let probs = main.call(&[x]).unwrap_or_else(|e| panic!("{e}"));
//! println!("{}", tessera_runtime::format::describe_tensor(&probs[0]));
//! ```
//!
//! [`Backend::Interp`] interprets the graph level; [`Backend::Llvm`] and
//! [`Backend::Cranelift`] compile to machine code. All three compute the
//! same results within the tolerances of `graph-dialect.md`.

pub mod backend;
pub mod engine;
pub mod format;
pub mod host;
pub mod jit_profile;
pub mod npy;
pub mod profile;

pub use engine::{
    Backend, CompileError, CompileErrorKind, CompileOptions, CompiledModule, Engine, Function,
    Pipeline, RunError, Signature,
};
pub use profile::{Profile, ProfileRow};
pub use tessera_dialects::graph::types::TensorType;
pub use tessera_dialects::interp::value::{ElemType, Tensor};
