//! Passes on the `math` dialect.

use tessera_compiler::pass::PassInfo;

/// The registry entries of the `math` passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![]
}
