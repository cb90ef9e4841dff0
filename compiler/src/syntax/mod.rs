//! MLIR's textual format: lexer, parser and printer.
//!
//! Every op parses and prints in MLIR's generic form
//! (`%0:2 = "d.op"(%a)[^bb1] <{props}> ({...}) {attrs} : (T) -> (R, S) loc(...)`);
//! registered ops with an [`OpSyntax`](crate::registry::OpSyntax) other
//! than `Generic` also have a custom form, which the printer uses by
//! default:
//!
//! - `Functional`: `d.op %a, %b {attrs} : (T, U) -> R`;
//! - `SameType`: `d.op %a, %b {attrs} : T` (one result, every type `T`);
//! - `Custom`: the dialect's own [`ParseFn`](crate::registry::ParseFn) and
//!   [`PrintFn`](crate::registry::PrintFn), written against [`OpParser`]
//!   and [`OpPrinter`].
//!
//! ```
//! use tessera_compiler::Context;
//! use tessera_compiler::syntax::{parse_module, print_op, ParseConfig, PrintOptions};
//!
//! let mut ctx = Context::new();
//! let text = r#"%0 = "test.op"() {value = 1.5 : f32} : () -> i32"#;
//! let config = ParseConfig { file_name: "x.mlir".into(), line_offset: 0 };
//! let module = parse_module(&mut ctx, text, &config).unwrap();
//! // With no dialect registered every op prints generically; with
//! // `tessera_dialects::register_all` the module prints as `module { ... }`.
//! assert_eq!(
//!     print_op(&ctx, module, &PrintOptions::default()),
//!     "\"builtin.module\"() ({\n  %0 = \"test.op\"() {value = 1.500000e+00 : f32} : () -> i32\n}) : () -> ()\n"
//! );
//! ```

pub mod dense;
pub mod float;
pub mod lexer;
mod parse_attr;
mod parse_type;
pub mod parser;
pub mod printer;

pub use parser::{
    Argument, MAX_NESTING, OpParser, ParseConfig, Punct, UnresolvedOperand, parse_attr_str,
    parse_module, parse_type_str,
};
pub use printer::{
    OpPrinter, PrintOptions, attr_str, attr_type, loc_str, print_op, type_str, write_attr,
    write_type,
};
