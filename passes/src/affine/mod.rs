//! Loop-level passes on `affine` (and `scf`) loops.

use tessera_compiler::pass::PassInfo;

/// The registry entries of the loop passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![]
}
