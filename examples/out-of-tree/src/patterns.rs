//! Canonicalization patterns of the `toy` dialect, attached to their op's
//! [`OpDef`](tessera_compiler::OpDef) so that `canonicalize` applies them
//! with every other registered op's patterns and folds.

use tessera_compiler::OpId;
use tessera_compiler::rewrite::{RewritePattern, Rewriter};

/// The patterns of `toy.reshape`.
pub fn reshape_patterns() -> Vec<Box<dyn RewritePattern>> {
    vec![Box::new(ReshapeOfReshape)]
}

/// `toy.reshape(toy.reshape(x))` -> `toy.reshape(x)`: only the last shape
/// matters, since a reshape keeps the row-major order of the elements.
/// The inner reshape is left to die if nothing else uses it; if the new
/// reshape is to `x`'s own type, the fold of `toy.reshape` then removes it.
pub struct ReshapeOfReshape;

impl RewritePattern for ReshapeOfReshape {
    fn name(&self) -> &str {
        "toy-reshape-of-reshape"
    }

    fn root(&self) -> Option<&str> {
        Some("toy.reshape")
    }

    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let Some(inner) = rw.ctx.defining_op(rw.ctx.operand(op, 0)) else {
            return false;
        };
        if !rw.ctx.op_is(inner, "toy.reshape") {
            return false;
        }
        let x = rw.ctx.operand(inner, 0);
        rw.set_operand(op, 0, x);
        true
    }
}
