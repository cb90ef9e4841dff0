//! [`LoopError`]: why the loop-level interpreter stopped, and where.

use std::fmt;

use tessera_compiler::{Context, Diagnostic, Location, OpId};

/// An error of the loop-level interpreter: a message and, when it comes
/// from an op, that op's location.
///
/// Errors inside a called function name the call chain in the message
/// (`in @callee called from <loc>` lines), because a location alone would
/// not say which call it came through.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LoopError {
    /// What went wrong, in one sentence without a trailing period.
    pub message: String,
    /// The location of the op (or function) that failed, if known.
    pub loc: Option<Location>,
}

impl LoopError {
    /// An error with no location (bad arguments from the host, say).
    pub fn new(message: impl Into<String>) -> LoopError {
        LoopError {
            message: message.into(),
            loc: None,
        }
    }

    /// An error at `loc`.
    pub fn at(loc: Location, message: impl Into<String>) -> LoopError {
        LoopError {
            message: message.into(),
            loc: Some(loc),
        }
    }

    /// An error at `op`'s location, worded as MLIR words op errors:
    /// `'memref.load' op <message>`.
    pub fn op(ctx: &Context, op: OpId, message: impl fmt::Display) -> LoopError {
        LoopError::at(
            ctx.op(op).loc,
            format!("'{}' op {message}", ctx.op_name_of(op)),
        )
    }

    /// This error as a [`Diagnostic`], at `fallback` if it has no location.
    pub fn to_diagnostic(&self, fallback: Location) -> Diagnostic {
        Diagnostic::error(self.loc.unwrap_or(fallback), self.message.clone())
    }
}

impl fmt::Display for LoopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoopError {}

/// Shorthand for results of the interpreter.
pub type LoopResult<T> = Result<T, LoopError>;
