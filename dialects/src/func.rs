//! The `func` dialect: functions, returns and calls, with MLIR's syntax and
//! meaning.
//!
//! ## `func.func`
//!
//! A function: a symbol (`sym_name`) with a `function_type`, isolated from
//! above; its one region is the body, empty for a declaration. Optional
//! attributes: `sym_visibility` (`"public"`, `"private"`, `"nested"`),
//! `arg_attrs` and `res_attrs` (arrays of dictionaries, one per argument or
//! result). Custom form:
//!
//! ```mlir
//! func.func @add(%arg0: tensor<2xf32>, %arg1: tensor<2xf32> {foo.bar}) -> tensor<2xf32> {
//!   %0 = "graph.add"(%arg0, %arg1) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
//!   func.return %0 : tensor<2xf32>
//! }
//! func.func private @decl(f32, i32) -> (f32, i32) attributes {foo.baz = 1 : i64}
//! ```
//!
//! The verifier checks that the entry block's arguments match the inputs of
//! `function_type` and that a declaration is not public.
//!
//! ## `func.return`
//!
//! Terminates a function's blocks, returning its operands:
//! `func.return %0, %1 : f32, i32` (or plain `func.return`). Their types
//! must be the function's result types.
//!
//! ## `func.call`
//!
//! Calls a function of the enclosing symbol table:
//! `%0 = func.call @f(%a, %b) : (f32, f32) -> f32`. The callee must exist
//! and its type must match the operands and results.

use std::fmt;

use tessera_compiler::ir::OperationState;
use tessera_compiler::syntax::{Argument, OpParser, OpPrinter, Punct, type_str};
use tessera_compiler::{
    AttrData, Attribute, Context, Diagnostic, DialectDef, OpDef, OpId, OpSyntax, OpTraits, Type,
    TypeData,
};

/// Registers the `func` dialect.
pub fn register(ctx: &mut Context) {
    let func = OpDef::new(
        "func.func",
        "A function: a named, isolated region with a signature",
    )
    .traits(OpTraits::SYMBOL | OpTraits::ISOLATED_FROM_ABOVE)
    .verify(verify_func)
    .syntax(OpSyntax::Custom {
        parse: parse_func,
        print: print_func,
    })
    .description(
        "Attributes: `sym_name` (string), `function_type` (a function type), optional \
             `sym_visibility`, `arg_attrs`, `res_attrs`. The body's entry block arguments \
             are the function's arguments; an empty body is a declaration.",
    );
    let ret = OpDef::new("func.return", "Returns from a function")
        .traits(OpTraits::TERMINATOR | OpTraits::RETURN_LIKE | OpTraits::PURE)
        .verify(verify_return)
        .syntax(OpSyntax::Custom {
            parse: parse_return,
            print: print_return,
        })
        .description("The operands are the function's results, of its result types.");
    let call = OpDef::new("func.call", "Calls a function by name")
        .verify(verify_call)
        .syntax(OpSyntax::Custom {
            parse: parse_call,
            print: print_call,
        })
        .description(
            "Attribute `callee` (a flat symbol reference) names a `func.func` of the \
             enclosing symbol table, whose type matches the operands and results.",
        );
    ctx.register_dialect(
        DialectDef::new("func", "Functions, returns and calls."),
        vec![func, ret, call],
    );
}

/// The `function_type` of a `func.func`, as (inputs, results).
pub fn function_type(ctx: &Context, op: OpId) -> Option<(&[Type], &[Type])> {
    match ctx.attr_data_of(op, "function_type")? {
        AttrData::Type(t) => match ctx.type_data(*t) {
            TypeData::Function { inputs, results } => Some((inputs, results)),
            _ => None,
        },
        _ => None,
    }
}

// ----- func.func -----------------------------------------------------------

fn verify_func(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'func.func' op {msg}"));
    if ctx.symbol_name(op).is_none() {
        return Err(err("requires string attribute 'sym_name'".into()));
    }
    let Some((inputs, results)) = function_type(ctx, op) else {
        return Err(err(
            "requires attribute 'function_type' to be a function type".into(),
        ));
    };
    if !data.operands.is_empty() || !data.results.is_empty() {
        return Err(err("expects no operands and no results".into()));
    }
    if data.regions.len() != 1 {
        return Err(err(format!(
            "expects 1 region, but got {}",
            data.regions.len()
        )));
    }
    let visibility = match ctx.attr_data_of(op, "sym_visibility") {
        None => "public",
        Some(AttrData::String(s)) if matches!(s.as_str(), "public" | "private" | "nested") => s,
        Some(_) => {
            return Err(err(
                "expects 'sym_visibility' to be \"public\", \"private\" or \"nested\"".into(),
            ));
        }
    };
    for (name, n) in [("arg_attrs", inputs.len()), ("res_attrs", results.len())] {
        match ctx.attr_data_of(op, name) {
            None => {}
            Some(AttrData::Array(items))
                if items.len() == n
                    && items
                        .iter()
                        .all(|a| matches!(ctx.attr_data(*a), AttrData::Dictionary(_))) => {}
            Some(_) => {
                return Err(err(format!(
                    "expects '{name}' to be an array of {n} dictionary attributes"
                )));
            }
        }
    }
    match ctx.entry_block(op, 0) {
        None => {
            if visibility == "public" {
                return Err(err(
                    "symbol declaration cannot have public visibility".into()
                ));
            }
        }
        Some(entry) => {
            let args = ctx.block_args(entry);
            if args.len() != inputs.len() {
                return Err(err(format!(
                    "entry block must have {} arguments to match function signature, but has {}",
                    inputs.len(),
                    args.len()
                )));
            }
            for (i, (&a, &t)) in args.iter().zip(inputs).enumerate() {
                let at = ctx.value_type(a);
                if at != t {
                    return Err(err(format!(
                        "type of entry block argument #{i} ('{}') must match the type of the \
                         corresponding argument in function signature ('{}')",
                        type_str(ctx, at),
                        type_str(ctx, t)
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Sets attribute `name` of `state`.
fn set(p: &mut OpParser<'_, '_>, state: &mut OperationState, name: &str, value: Attribute) {
    let sym = p.ctx().symbol(name);
    state.set_attr(sym, value);
}

/// An `{...}` after an argument or result type, if any; empty ones are none.
fn parse_optional_dict(p: &mut OpParser<'_, '_>) -> Result<Option<Attribute>, Diagnostic> {
    if !p.peek_punct(Punct::LBrace) {
        return Ok(None);
    }
    let a = p.parse_attribute()?;
    Ok(match p.ctx().attr_data(a) {
        AttrData::Dictionary(d) if d.is_empty() => None,
        _ => Some(a),
    })
}

/// `arg_attrs`/`res_attrs`: one dictionary per entry, if any is non-empty.
fn attrs_array(p: &mut OpParser<'_, '_>, attrs: &[Option<Attribute>]) -> Option<Attribute> {
    if attrs.iter().all(Option::is_none) {
        return None;
    }
    let empty = p.ctx().dict_attr(&[]);
    let items: Vec<Attribute> = attrs.iter().map(|a| a.unwrap_or(empty)).collect();
    Some(p.ctx().array_attr(&items))
}

/// `func.func [visibility] @name(args) [-> results] [attributes {...}] [{ body }]`.
fn parse_func(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    if let Some(kw) = p.peek_keyword()
        && matches!(kw, "public" | "private" | "nested")
    {
        p.parse_keyword(kw)?;
        let a = p.ctx().str_attr(kw);
        set(p, state, "sym_visibility", a);
    }
    let name = p.parse_symbol_name()?;
    p.parse_punct(Punct::LParen, "to start the argument list")?;
    let mut args: Vec<Argument> = Vec::new();
    let mut inputs: Vec<Type> = Vec::new();
    let mut arg_attrs: Vec<Option<Attribute>> = Vec::new();
    let mut named: Option<bool> = None;
    if !p.parse_optional_punct(Punct::RParen) {
        loop {
            let is_named = p.at_operand();
            if *named.get_or_insert(is_named) != is_named {
                return Err(p.error(if is_named {
                    "expected a type: arguments are either all named or all unnamed"
                } else {
                    "expected SSA identifier: arguments are either all named or all unnamed"
                }));
            }
            if is_named {
                let mut a = p.parse_argument()?;
                if let Some(d) = a.attrs
                    && matches!(p.ctx().attr_data(d), AttrData::Dictionary(e) if e.is_empty())
                {
                    a.attrs = None;
                }
                inputs.push(a.ty);
                arg_attrs.push(a.attrs);
                args.push(a);
            } else {
                inputs.push(p.parse_type()?);
                arg_attrs.push(parse_optional_dict(p)?);
                p.parse_optional_location()?;
            }
            if !p.parse_optional_punct(Punct::Comma) {
                break;
            }
        }
        p.parse_punct(Punct::RParen, "to end the argument list")?;
    }
    let mut results = Vec::new();
    let mut res_attrs = Vec::new();
    if p.parse_optional_punct(Punct::Arrow) {
        if p.parse_optional_punct(Punct::LParen) {
            if !p.parse_optional_punct(Punct::RParen) {
                loop {
                    results.push(p.parse_type()?);
                    res_attrs.push(parse_optional_dict(p)?);
                    if !p.parse_optional_punct(Punct::Comma) {
                        break;
                    }
                }
                p.parse_punct(Punct::RParen, "to end the result list")?;
            }
        } else {
            results.push(p.parse_type()?);
            res_attrs.push(None);
        }
    }
    p.parse_optional_attr_dict_with_keyword(&mut state.attrs)?;
    let region = if p.peek_punct(Punct::LBrace) {
        if named == Some(false) {
            return Err(p.error("a function with a body needs named arguments (%name: type)"));
        }
        let r = p.parse_region(&args)?;
        if p.ctx().region(r).blocks.is_empty() {
            return Err(p.error("expected a non-empty function body"));
        }
        r
    } else {
        p.ctx().create_region()
    };
    state.regions.push(region);
    let a = p.ctx().str_attr(&name);
    set(p, state, "sym_name", a);
    let ft = p.ctx().function_type(&inputs, &results);
    let a = p.ctx().type_attr(ft);
    set(p, state, "function_type", a);
    if let Some(a) = attrs_array(p, &arg_attrs) {
        set(p, state, "arg_attrs", a);
    }
    if let Some(a) = attrs_array(p, &res_attrs) {
        set(p, state, "res_attrs", a);
    }
    Ok(())
}

/// The `i`th dictionary of `arg_attrs`/`res_attrs`, if non-empty.
fn nth_dict(ctx: &Context, op: OpId, name: &str, i: usize) -> Option<Attribute> {
    match ctx.attr_data_of(op, name)? {
        AttrData::Array(items) => {
            let a = *items.get(i)?;
            match ctx.attr_data(a) {
                AttrData::Dictionary(d) if !d.is_empty() => Some(a),
                _ => None,
            }
        }
        _ => None,
    }
}

fn print_func(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    // Anything the custom form cannot express prints generically.
    let (Some(name), Some((inputs, results)), [region]) = (
        ctx.symbol_name(op),
        function_type(ctx, op),
        &data.regions[..],
    ) else {
        return Err(fmt::Error);
    };
    let entry = ctx.region(*region).blocks.first().copied();
    if let Some(b) = entry
        && (ctx.block_args(b).len() != inputs.len() || ctx.first_op(b).is_none())
    {
        return Err(fmt::Error);
    }
    match ctx.attr_data_of(op, "sym_visibility") {
        None => {}
        Some(AttrData::String(v)) if tessera_compiler::syntax::lexer::is_bare_identifier(v) => {
            p.print_str(" ");
            p.print_str(v);
        }
        Some(_) => return Err(fmt::Error),
    }
    p.print_str(" ");
    p.print_symbol_name(name);
    p.print_str("(");
    for (i, &t) in inputs.iter().enumerate() {
        if i > 0 {
            p.print_str(", ");
        }
        match entry {
            Some(b) => {
                let arg = ctx.block_args(b)[i];
                p.print_operand(arg);
                p.print_str(": ");
                p.print_type(ctx.value_type(arg));
            }
            None => p.print_type(t),
        }
        if let Some(d) = nth_dict(ctx, op, "arg_attrs", i) {
            p.print_str(" ");
            p.print_attribute(d);
        }
        if let Some(b) = entry {
            let loc = ctx.block(b).arg_locs[i];
            p.print_optional_loc(loc);
        }
    }
    p.print_str(")");
    if !results.is_empty() {
        let res_dicts: Vec<Option<Attribute>> = (0..results.len())
            .map(|i| nth_dict(ctx, op, "res_attrs", i))
            .collect();
        let bare = results.len() == 1
            && res_dicts[0].is_none()
            && !matches!(ctx.type_data(results[0]), TypeData::Function { .. });
        p.print_str(" -> ");
        if bare {
            p.print_type(results[0]);
        } else {
            p.print_str("(");
            for (i, &t) in results.iter().enumerate() {
                if i > 0 {
                    p.print_str(", ");
                }
                p.print_type(t);
                if let Some(d) = res_dicts[i] {
                    p.print_str(" ");
                    p.print_attribute(d);
                }
            }
            p.print_str(")");
        }
    }
    p.print_optional_attr_dict_with_keyword(
        &data.attrs,
        &[
            "sym_name",
            "function_type",
            "sym_visibility",
            "arg_attrs",
            "res_attrs",
        ],
    );
    if entry.is_some() {
        p.print_str(" ");
        p.print_region(*region, false, false);
    }
    Ok(())
}

// ----- func.return ---------------------------------------------------------

fn verify_return(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'func.return' op {msg}"));
    let Some(func) = ctx.parent_op(op).filter(|&f| ctx.op_is(f, "func.func")) else {
        return Err(err("expects parent op 'func.func'".into()));
    };
    let fname = ctx.symbol_name(func).unwrap_or("");
    let Some((_, results)) = function_type(ctx, func) else {
        return Ok(()); // the function's own verifier reports it
    };
    if data.operands.len() != results.len() {
        return Err(err(format!(
            "has {} operands, but enclosing function (@{fname}) returns {}",
            data.operands.len(),
            results.len()
        )));
    }
    for (i, (&v, &t)) in data.operands.iter().zip(results).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(err(format!(
                "type of return operand {i} ('{}') doesn't match function result type ('{}') \
                 in function @{fname}",
                type_str(ctx, vt),
                type_str(ctx, t)
            )));
        }
    }
    Ok(())
}

/// `func.return [{attrs}] [%a, %b : T, U]` (MLIR puts the attributes first).
fn parse_return(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if !operands.is_empty() {
        let types = p.parse_colon_type_list()?;
        state.operands = p.resolve_operands(&operands, &types, loc)?;
    }
    Ok(())
}

fn print_return(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    p.print_optional_attr_dict(&data.attrs, &[]);
    if !data.operands.is_empty() {
        p.print_str(" ");
        p.print_operands(&data.operands);
        p.print_str(" : ");
        let types: Vec<Type> = data.operands.iter().map(|&v| ctx.value_type(v)).collect();
        p.print_types(&types);
    }
    Ok(())
}

// ----- func.call -----------------------------------------------------------

fn verify_call(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'func.call' op {msg}"));
    let callee = match ctx.attr_data_of(op, "callee") {
        Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => ctx.symbol_str(*root),
        _ => {
            return Err(err(
                "requires a flat symbol reference attribute 'callee'".into()
            ));
        }
    };
    let func = ctx
        .parent_op(op)
        .and_then(|p| ctx.symbol_table_of(p))
        .and_then(|t| ctx.lookup_symbol_in(t, callee))
        .filter(|&f| ctx.op_is(f, "func.func"));
    let Some(func) = func else {
        return Err(err(format!(
            "'{callee}' does not reference a valid function"
        )));
    };
    let Some((inputs, results)) = function_type(ctx, func) else {
        return Ok(());
    };
    if data.operands.len() != inputs.len() {
        return Err(err(format!(
            "incorrect number of operands for callee @{callee}: {} given, {} expected",
            data.operands.len(),
            inputs.len()
        )));
    }
    for (i, (&v, &t)) in data.operands.iter().zip(inputs).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(err(format!(
                "operand type mismatch: expected operand type '{}', but provided '{}' for \
                 operand number {i}",
                type_str(ctx, t),
                type_str(ctx, vt)
            )));
        }
    }
    if data.results.len() != results.len() {
        return Err(err(format!(
            "incorrect number of results for callee @{callee}: {} given, {} expected",
            data.results.len(),
            results.len()
        )));
    }
    for (i, (&v, &t)) in data.results.iter().zip(results).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(err(format!(
                "result type mismatch at index {i}: expected result type '{}', but provided '{}'",
                type_str(ctx, t),
                type_str(ctx, vt)
            )));
        }
    }
    Ok(())
}

/// `func.call @f(%a, %b) {attrs} : (T, U) -> R`.
fn parse_call(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let callee = p.parse_symbol_name()?;
    let operands = p.parse_paren_operand_list()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.parse_punct(Punct::Colon, "before the callee's function type")?;
    let loc = p.current_loc();
    let (inputs, results) = p.parse_function_type()?;
    state.operands = p.resolve_operands(&operands, &inputs, loc)?;
    state.result_types = results;
    let a = p.ctx().symbol_ref_attr(&callee);
    set(p, state, "callee", a);
    Ok(())
}

fn print_call(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let callee = match ctx.attr_data_of(op, "callee") {
        Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => ctx.symbol_str(*root),
        _ => return Err(fmt::Error),
    };
    p.print_str(" ");
    p.print_symbol_name(callee);
    p.print_str("(");
    p.print_operands(&data.operands);
    p.print_str(")");
    p.print_optional_attr_dict(&data.attrs, &["callee"]);
    p.print_str(" : ");
    let ins: Vec<Type> = data.operands.iter().map(|&v| ctx.value_type(v)).collect();
    let outs: Vec<Type> = data.results.iter().map(|&v| ctx.value_type(v)).collect();
    p.print_functional_type(&ins, &outs);
    Ok(())
}
