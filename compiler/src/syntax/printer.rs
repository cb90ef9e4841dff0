//! The printer. (Being written.)

use crate::context::Context;
use crate::entity::OpId;

/// How to print.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Print every op in generic form.
    pub generic: bool,
    /// Print `loc(...)` after every op.
    pub debug_locs: bool,
}

/// The printer state custom op printers work with.
pub struct OpPrinter<'a> {
    _p: std::marker::PhantomData<&'a ()>,
}

/// Prints `op` (usually a module) and everything inside it, renumbering values.
pub fn print_op(ctx: &Context, op: OpId, options: &PrintOptions) -> String {
    let _ = (ctx, op, options);
    unimplemented!("printer")
}
