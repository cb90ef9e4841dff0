//! Rewrite patterns and the greedy pattern driver.

use crate::context::Context;
use crate::entity::OpId;

/// A rewrite pattern, as MLIR's `RewritePattern`: matches at one op and,
/// if it applies, changes the IR through the [`Rewriter`].
pub trait RewritePattern {
    /// A short name for statistics and debugging.
    fn name(&self) -> &str;

    /// The op name this pattern is rooted at, or `None` for any op.
    fn root(&self) -> Option<&str>;

    /// Tries to apply at `op`; returns whether the IR changed.
    fn match_and_rewrite(&self, rewriter: &mut Rewriter<'_>, op: OpId) -> bool;
}

/// The handle patterns change the IR through, so the driver sees every change.
pub struct Rewriter<'a> {
    /// The context being rewritten.
    pub ctx: &'a mut Context,
}
