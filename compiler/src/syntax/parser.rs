//! The parser. (Being written.)

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::OpId;

/// Where the text being parsed comes from.
#[derive(Clone, Debug, Default)]
pub struct ParseConfig {
    /// The file name locations and diagnostics refer to.
    pub file_name: String,
    /// Added to every line number: the line of the file where the text starts,
    /// minus one (for `--split-input-file` chunks).
    pub line_offset: u32,
}

/// The parser state custom op parsers work with.
pub struct OpParser<'a, 'b> {
    _p: std::marker::PhantomData<(&'a (), &'b ())>,
}

/// Parses a module: `module { ... }` or a bare list of ops (wrapped in a new
/// `builtin.module`). Errors are diagnostics with file:line:col locations.
pub fn parse_module(
    ctx: &mut Context,
    text: &str,
    config: &ParseConfig,
) -> Result<OpId, Vec<Diagnostic>> {
    let _ = (ctx, text, config);
    unimplemented!("parser")
}
