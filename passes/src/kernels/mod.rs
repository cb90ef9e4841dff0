//! Schedules for the hot kernels: loop nests rewritten into the shape that
//! keeps this machine's FMA units busy (register blocking, packing,
//! vectorization), where the generic loop passes would not get there.
//!
//! - [`matmul`]: `affine-matmul-microkernel`, the BLIS-style schedule of
//!   `f32` matmul nests;
//! - [`build`]: the IR builder the schedules write with.

pub mod build;
pub mod matmul;

use tessera_compiler::pass::PassInfo;

/// The registry entries of the kernel-schedule passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![matmul::matmul_microkernel_info()]
}
