//! Passes on the `math` dialect.
//!
//! - [`expand`]: `math-expand-approximations`, branch-free polynomial
//!   expansions of `exp`, `expm1`, `log`, `log1p`, `tanh` and `erf` on
//!   `f32` scalars and vectors.

pub mod expand;

pub use expand::{Approx, MathExpandApproximations, math_expand_approximations_info};

use tessera_compiler::pass::PassInfo;

/// The registry entries of the `math` passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![math_expand_approximations_info()]
}
