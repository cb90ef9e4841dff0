//! Tokens of MLIR's textual format.
