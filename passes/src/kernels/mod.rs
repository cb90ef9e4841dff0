//! Schedules for the hot kernels: loop nests rewritten into the shape that
//! keeps this machine's FMA units busy (register blocking, packing,
//! vectorization), where the generic loop passes would not get there.

use tessera_compiler::pass::PassInfo;

/// The registry entries of the kernel-schedule passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![]
}
