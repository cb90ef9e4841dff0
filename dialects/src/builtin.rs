//! The `builtin` dialect: `builtin.module`, the top-level container.
//!
//! ## `builtin.module`
//!
//! A symbol table holding one block of ops (usually `func.func`s) with no
//! terminator. Custom form, as MLIR's (the `builtin.` prefix is left out):
//!
//! ```mlir
//! module @name attributes {foo.version = 1 : i64} {
//!   func.func private @f(f32) -> f32
//! }
//! ```
//!
//! The name and the `attributes` dictionary are optional; `module {}` is an
//! empty module. Generic form:
//! `"builtin.module"() ({ ... }) {sym_name = "name"} : () -> ()`.

use std::fmt;

use tessera_compiler::syntax::{OpParser, OpPrinter};
use tessera_compiler::{
    AttrData, Context, Diagnostic, DialectDef, OpDef, OpId, OpSyntax, OpTraits,
};

/// Registers the `builtin` dialect.
pub fn register(ctx: &mut Context) {
    let module = OpDef::new(
        "builtin.module",
        "A top-level container of ops, with a symbol table",
    )
    .traits(
        OpTraits::SYMBOL_TABLE
            | OpTraits::NO_TERMINATOR
            | OpTraits::GRAPH_REGION
            | OpTraits::ISOLATED_FROM_ABOVE
            | OpTraits::SINGLE_BLOCK,
    )
    .verify(verify_module)
    .syntax(OpSyntax::Custom {
        parse: parse_module_op,
        print: print_module_op,
    })
    .description(
        "A module holds one block of ops (usually `func.func`) without a terminator. \
             Its optional `sym_name` names it. Custom form: \
             `module [@name] [attributes {...}] { ... }`.",
    );
    ctx.register_dialect(
        DialectDef::new("builtin", "MLIR's builtin ops: the module."),
        vec![module],
    );
}

fn verify_module(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let err = |msg: &str| Diagnostic::error(data.loc, format!("'builtin.module' op {msg}"));
    if !data.operands.is_empty() || !data.results.is_empty() {
        return Err(err("expects no operands and no results"));
    }
    if data.regions.len() != 1 {
        return Err(err("expects one region"));
    }
    let blocks = &ctx.region(data.regions[0]).blocks;
    if blocks.len() > 1 {
        return Err(err("expects a region with at most one block"));
    }
    if blocks
        .first()
        .is_some_and(|&b| !ctx.block_args(b).is_empty())
    {
        return Err(err("expects a body block without arguments"));
    }
    if let Some(a) = ctx.attr_data_of(op, "sym_name")
        && !matches!(a, AttrData::String(_))
    {
        return Err(err("expects 'sym_name' to be a string attribute"));
    }
    Ok(())
}

/// `module [@name] [attributes {...}] { ... }`.
fn parse_module_op(
    p: &mut OpParser<'_, '_>,
    state: &mut tessera_compiler::ir::OperationState,
) -> Result<(), Diagnostic> {
    if let Some(name) = p.parse_optional_symbol_name()? {
        let sym = p.ctx().symbol("sym_name");
        let a = p.ctx().str_attr(&name);
        state.set_attr(sym, a);
    }
    p.parse_optional_attr_dict_with_keyword(&mut state.attrs)?;
    let region = p.parse_region(&[])?;
    // `module {}` has no block in text; the module always has one.
    if p.ctx().region(region).blocks.is_empty() {
        let loc = state.loc;
        let block = p.ctx().create_block(&[], loc);
        p.ctx().append_block(region, block);
    }
    state.regions.push(region);
    Ok(())
}

fn print_module_op(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    // Anything the custom form cannot express prints generically.
    let blocks = match &data.regions[..] {
        [r] => &ctx.region(*r).blocks,
        _ => return Err(fmt::Error),
    };
    if blocks.len() != 1 || !ctx.block_args(blocks[0]).is_empty() {
        return Err(fmt::Error);
    }
    let name = ctx.attr_data_of(op, "sym_name");
    match name {
        Some(AttrData::String(s)) => {
            p.print_str(" ");
            p.print_symbol_name(s);
        }
        Some(_) => return Err(fmt::Error),
        None => {}
    }
    p.print_optional_attr_dict_with_keyword(&data.attrs, &["sym_name"]);
    p.print_str(" ");
    p.print_region(data.regions[0], false, false);
    Ok(())
}
