//! The verifier. (Being written.)

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::OpId;

/// Verifies `op` and everything nested in it: structure (terminators,
/// dominance, use-before-def, isolation), then each registered op's own
/// rules. Returns every error found.
pub fn verify(ctx: &Context, op: OpId) -> Result<(), Vec<Diagnostic>> {
    let _ = (ctx, op);
    unimplemented!("verifier")
}
