//! A tiny `test` dialect for the syntax tests: one op of each syntax kind,
//! and helpers to parse and print.

#![allow(dead_code)]

use std::fmt;

use tessera_compiler::ir::OperationState;
use tessera_compiler::syntax::{
    OpParser, OpPrinter, ParseConfig, PrintOptions, Punct, parse_module, print_op,
};
use tessera_compiler::{Context, Diagnostic, DialectDef, OpDef, OpId, OpSyntax, OpTraits, diag};

/// A context with the `test` dialect; unregistered ops are allowed.
pub fn test_ctx() -> Context {
    let mut ctx = Context::new();
    let ops = vec![
        OpDef::new("test.add", "SameType form")
            .traits(OpTraits::PURE | OpTraits::COMMUTATIVE)
            .syntax(OpSyntax::SameType),
        OpDef::new("test.fn", "Functional form").syntax(OpSyntax::Functional),
        OpDef::new("test.generic_only", "no custom form"),
        OpDef::new("test.isolated", "an isolated op with a named region")
            .traits(
                OpTraits::ISOLATED_FROM_ABOVE | OpTraits::NO_TERMINATOR | OpTraits::SYMBOL_TABLE,
            )
            .syntax(OpSyntax::Custom {
                parse: parse_isolated,
                print: print_isolated,
            }),
        OpDef::new("test.for", "a loop with an induction variable").syntax(OpSyntax::Custom {
            parse: parse_for,
            print: print_for,
        }),
        OpDef::new("test.ret", "a terminator")
            .traits(OpTraits::TERMINATOR)
            .syntax(OpSyntax::Custom {
                parse: parse_ret,
                print: print_ret,
            }),
    ];
    ctx.register_dialect(DialectDef::new("test", "syntax test ops"), ops);
    // A stand-in for the real `builtin.module` (in tessera-dialects).
    let module = OpDef::new("builtin.module", "module")
        .traits(
            OpTraits::ISOLATED_FROM_ABOVE
                | OpTraits::NO_TERMINATOR
                | OpTraits::SYMBOL_TABLE
                | OpTraits::GRAPH_REGION
                | OpTraits::SINGLE_BLOCK,
        )
        .syntax(OpSyntax::Custom {
            parse: parse_isolated,
            print: print_isolated,
        });
    ctx.register_dialect(DialectDef::new("builtin", "builtin"), vec![module]);
    ctx.allow_unregistered = true;
    ctx
}

/// `test.isolated [@name] [attributes {...}] { ... }` (also `module`)
fn parse_isolated(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    if let Some(name) = p.parse_optional_symbol_name()? {
        let sym = p.ctx().symbol("sym_name");
        let a = p.ctx().str_attr(&name);
        state.set_attr(sym, a);
    }
    p.parse_optional_attr_dict_with_keyword(&mut state.attrs)?;
    let r = p.parse_region(&[])?;
    if p.ctx().region(r).blocks.is_empty() {
        let b = p.ctx().create_block(&[], state.loc);
        p.ctx().append_block(r, b);
    }
    state.regions.push(r);
    Ok(())
}

fn print_isolated(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    if let Some(name) = ctx.symbol_name(op) {
        p.print_str(" ");
        p.print_symbol_name(name);
    }
    p.print_optional_attr_dict_with_keyword(&ctx.op(op).attrs, &["sym_name"]);
    p.print_str(" ");
    p.print_region(ctx.op(op).regions[0], false, false);
    Ok(())
}

/// `%r = test.for %lb to %ub (%iv: index) -> f32 { ... }`
fn parse_for(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let lb = p.parse_operand()?;
    p.parse_keyword("to")?;
    let ub = p.parse_operand()?;
    let index = p.ctx().index_type();
    state.operands = p.resolve_operands_same_type(&[lb, ub], index)?;
    p.parse_punct(Punct::LParen, "before the induction variable")?;
    let iv = p.parse_argument()?;
    p.parse_punct(Punct::RParen, "after the induction variable")?;
    state.result_types = p.parse_optional_arrow_type_list()?;
    p.parse_optional_attr_dict_with_keyword(&mut state.attrs)?;
    let r = p.parse_region(&[iv])?;
    state.regions.push(r);
    Ok(())
}

fn print_for(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let [lb, ub] = data.operands[..] else {
        return Err(fmt::Error);
    };
    let [region] = data.regions[..] else {
        return Err(fmt::Error);
    };
    let [iv] = p.entry_args(region) else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_operand(lb);
    p.print_str(" to ");
    p.print_operand(ub);
    p.print_str(" (");
    p.print_block_arg(*iv, true);
    p.print_str(")");
    let results: Vec<_> = data.results.iter().map(|&v| ctx.value_type(v)).collect();
    p.print_arrow_type_list(&results);
    p.print_optional_attr_dict_with_keyword(&data.attrs, &[]);
    p.print_str(" ");
    p.print_region(region, false, true);
    Ok(())
}

/// `test.ret %a, %b : f32, f32`
fn parse_ret(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let loc = p.current_loc();
    let ops = p.parse_operand_list()?;
    if !ops.is_empty() {
        let types = p.parse_colon_type_list()?;
        state.operands = p.resolve_operands(&ops, &types, loc)?;
    }
    Ok(())
}

fn print_ret(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let ops = &ctx.op(op).operands;
    if !ops.is_empty() {
        p.print_str(" ");
        p.print_operands(ops);
        p.print_str(" : ");
        let types: Vec<_> = ops.iter().map(|&v| ctx.value_type(v)).collect();
        p.print_types(&types);
    }
    Ok(())
}

/// The config used by the helpers: file `t.mlir`.
pub fn config() -> ParseConfig {
    ParseConfig {
        file_name: "t.mlir".to_string(),
        line_offset: 0,
    }
}

/// Parses `text` in `ctx`, rendering errors as `file:line:col: message`.
pub fn parse(ctx: &mut Context, text: &str) -> Result<OpId, String> {
    parse_module(ctx, text, &config()).map_err(|d| first_error(ctx, &d))
}

/// `t.mlir:line:col: message` of the first diagnostic, notes after ` | `.
pub fn first_error(ctx: &Context, diags: &[Diagnostic]) -> String {
    let d = &diags[0];
    let at = |loc| match diag::file_pos(ctx, loc) {
        Some(p) => format!("{}:{}:{}", ctx.symbol_str(p.file), p.line, p.col),
        None => "?".to_string(),
    };
    let mut s = format!("{}: {}", at(d.loc), d.message);
    for n in &d.notes {
        s.push_str(&format!(" | {}: {}", at(n.loc), n.message));
    }
    s
}

/// The error parsing `text` gives (panics if it parses).
pub fn parse_error(text: &str) -> String {
    let mut ctx = test_ctx();
    match parse(&mut ctx, text) {
        Ok(_) => panic!("expected a parse error for:\n{text}"),
        Err(e) => e,
    }
}

/// Parses and prints with `options`.
pub fn print_with(text: &str, options: &PrintOptions) -> String {
    let mut ctx = test_ctx();
    let m = parse(&mut ctx, text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    print_op(&ctx, m, options)
}

/// Parses and prints in the default (custom) form.
pub fn print(text: &str) -> String {
    print_with(text, &PrintOptions::default())
}

/// Prints `text`, checks that the print parses back to the same print (in
/// custom, generic and debug-location forms), and returns the custom print.
pub fn round_trip(text: &str) -> String {
    let mut first = String::new();
    for options in [
        PrintOptions::default(),
        PrintOptions {
            generic: true,
            debug_locs: false,
        },
        PrintOptions {
            generic: false,
            debug_locs: true,
        },
        PrintOptions {
            generic: true,
            debug_locs: true,
        },
    ] {
        let a = print_with(text, &options);
        let b = print_with(&a, &options);
        assert_eq!(a, b, "printing is not stable with {options:?}");
        if first.is_empty() {
            first = a;
        }
    }
    let generic = print_with(
        text,
        &PrintOptions {
            generic: true,
            debug_locs: false,
        },
    );
    assert_eq!(
        print(&generic),
        first,
        "the generic form reads back differently"
    );
    first
}
