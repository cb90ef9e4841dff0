//! Conversions between levels (`convert-x-to-y`).

use tessera_compiler::pass::PassInfo;

/// The registry entries of the conversion passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![]
}
