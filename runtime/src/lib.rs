//! # tessera-runtime: tensors, `.npy` I/O, backends and the host API
//!
//! - [`engine`]: the host API. An [`Engine`] compiles MLIR text with a pass
//!   pipeline into a [`CompiledModule`], whose [`Function`]s are called on
//!   [`Tensor`]s with their shapes and element types checked first.
//! - [`profile`]: per-op timing of interpreted calls (`tensor-run --profile`).
//! - [`format`]: printing tensors the way NumPy does.
//! - [`npy`]: reading and writing NumPy `.npy` files as tensors.
//!
//! ```no_run
//! use tessera_runtime::{CompileOptions, ElemType, Engine, Tensor};
//!
//! let engine = Engine::new();
//! let text = std::fs::read_to_string("examples/mlp.mlir").unwrap();
//! let module = engine
//!     .compile_text(&text, "mlp.mlir", &CompileOptions::default())
//!     .unwrap_or_else(|e| panic!("{e}"));
//! let main = module.entry_point().unwrap();
//! let x = Tensor::splat(ElemType::F32, &[1, 784], 0.5).unwrap();
//! let probs = main.call(&[x]).unwrap_or_else(|e| panic!("{e}"));
//! println!("{}", tessera_runtime::format::describe_tensor(&probs[0]));
//! ```
//!
//! Only the interpreter backend ([`Backend::Interp`]) is built so far; the
//! `llvm` and `cranelift` backends are named in [`Backend`] but compiling for
//! them fails with a clear error.

pub mod backend;
pub mod engine;
pub mod format;
pub mod host;
pub mod npy;
pub mod profile;

pub use engine::{
    Backend, CompileError, CompileErrorKind, CompileOptions, CompiledModule, Engine, Function,
    Pipeline, RunError, Signature,
};
pub use profile::{Profile, ProfileRow};
pub use tessera_dialects::graph::types::TensorType;
pub use tessera_dialects::interp::value::{ElemType, Tensor};
