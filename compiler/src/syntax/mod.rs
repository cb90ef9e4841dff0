//! MLIR's textual format: lexer, parser and printer.
//!
//! Every op parses and prints in MLIR's generic form; registered ops with an
//! [`OpSyntax`](crate::registry::OpSyntax) other than `Generic` also have a
//! custom form, which the printer uses by default.

pub mod lexer;
pub mod parser;
pub mod printer;

pub use parser::{OpParser, ParseConfig, parse_module};
pub use printer::{OpPrinter, PrintOptions, print_op};
