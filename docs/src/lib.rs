//! # tessera-docs: Tessera's guides, tutorials and pass reference
//!
//! The documentation that can be checked is checked here:
//!
//! - the tutorials are Markdown files in `docs/tutorials/`, included below
//!   as modules, so every Rust code block in them is compiled and run by
//!   `cargo test -p tessera-docs --doc`:
//!   - [`write_a_pass`]: a pass from scratch, registered, run, printed and
//!     checked;
//!   - [`test_a_pass_with_tensor_lit`]: lit tests for a pass, `RUN:`
//!     lines, FileCheck, `--verify-diagnostics`, and running them from
//!     `cargo test`;
//!   - [`write_a_rewrite_rule`]: a rewrite rule for `graph-eqsat`, run
//!     with the `algebra` rules on a parsed function and checked against
//!     the interpreter;
//!   - [`call_the_jit_from_rust`]: compile with LLVM or Cranelift, call
//!     with tensors, handle errors, share a module between threads;
//! - `docs/passes.md` is generated from the pass registry by
//!   [`passes_markdown`], and a test fails when the file is stale
//!   (regenerate it with [`REGENERATE`]).
//!
//! `docs/README.md` indexes the rest: the architecture, the `graph`
//! dialect's language reference, and the out-of-tree extension example
//! in `examples/out-of-tree`.

pub mod pass_reference;

pub use pass_reference::{REGENERATE, builtin_registry, github_anchor, passes_markdown};

#[doc = include_str!("../tutorials/write-a-pass.md")]
pub mod write_a_pass {}

#[doc = include_str!("../tutorials/test-a-pass-with-tensor-lit.md")]
pub mod test_a_pass_with_tensor_lit {}

#[doc = include_str!("../tutorials/write-a-rewrite-rule.md")]
pub mod write_a_rewrite_rule {}

#[doc = include_str!("../tutorials/call-the-jit-from-rust.md")]
pub mod call_the_jit_from_rust {}
