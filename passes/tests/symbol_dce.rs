//! Behaviour of `symbol-dce` on the stand-in `builtin`/`func` ops of `common`.

mod common;

use common::*;
use tessera_compiler::Severity;
use tessera_compiler::pass::PassState;

#[test]
fn erases_unreferenced_private_symbols_transitively() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, main) = func(&mut ctx, m, "main", 0, 1, false);
    let r = call(&mut ctx, main, "used", &[], 1);
    let rv = ctx.result(r, 0);
    stmt(&mut ctx, main, "func.return", &[rv]);
    let (_, used) = func(&mut ctx, m, "used", 0, 1, true);
    let r = call(&mut ctx, used, "used_by_used", &[], 1);
    let rv = ctx.result(r, 0);
    stmt(&mut ctx, used, "func.return", &[rv]);
    let (_, b) = func(&mut ctx, m, "used_by_used", 0, 1, true);
    let c = konst(&mut ctx, b, 1);
    stmt(&mut ctx, b, "func.return", &[c]);
    // dead calls dead_too; both go.
    let (_, dead) = func(&mut ctx, m, "dead", 0, 1, true);
    let r = call(&mut ctx, dead, "dead_too", &[], 1);
    let rv = ctx.result(r, 0);
    stmt(&mut ctx, dead, "func.return", &[rv]);
    let (_, dead_too) = func(&mut ctx, m, "dead_too", 0, 1, true);
    let r = call(&mut ctx, dead_too, "dead", &[], 1);
    let rv = ctx.result(r, 0);
    stmt(&mut ctx, dead_too, "func.return", &[rv]);
    declare(&mut ctx, m, "unused_decl");
    func(&mut ctx, m, "public_unused", 0, 0, false);
    let top = ctx.module_body(m);
    stmt(&mut ctx, top, "test.sink", &[]);

    let state = run_pass(&mut *create("symbol-dce", ""), &mut ctx, m);
    assert_eq!(
        symbols(&ctx, m),
        ["main", "used", "used_by_used", "public_unused"]
    );
    assert_eq!(stat(&state, "num-dce'd"), 3);
    // Ops that are not symbols stay.
    assert!(names(&ctx, ctx.module_body(m)).contains(&"test.sink".to_string()));
}

#[test]
fn references_inside_arrays_and_dictionaries_count() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, main) = func(&mut ctx, m, "main", 0, 0, false);
    let a = ctx.symbol_ref_attr("in_array");
    let arr = ctx.array_attr(&[a]);
    let d = ctx.symbol_ref_attr("in_dict");
    let key = ctx.symbol("k");
    let dict = ctx.dict_attr(&[(key, d)]);
    op_with(
        &mut ctx,
        main,
        "test.sink",
        &[],
        &[("refs", arr), ("more", dict)],
    );
    stmt(&mut ctx, main, "func.return", &[]);
    for name in ["in_array", "in_dict", "nowhere"] {
        func(&mut ctx, m, name, 0, 0, true);
    }
    run_pass(&mut *create("symbol-dce", ""), &mut ctx, m);
    assert_eq!(symbols(&ctx, m), ["main", "in_array", "in_dict"]);
}

#[test]
fn nested_symbol_tables_are_followed_by_nested_references() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, main) = func(&mut ctx, m, "main", 0, 0, false);
    let loc = ctx.unknown_loc();
    let (root, g) = (ctx.symbol("inner"), ctx.symbol("g"));
    let nested_ref = ctx.intern_attr(tessera_compiler::AttrData::SymbolRef {
        root,
        nested: vec![g],
    });
    op_with(&mut ctx, main, "test.sink", &[], &[("callee", nested_ref)]);
    stmt(&mut ctx, main, "func.return", &[]);
    // A private nested module holding @g (used) and @h (not).
    let inner = ctx.create_module(loc);
    let name = ctx.str_attr("inner");
    let private = ctx.str_attr("private");
    ctx.set_attr(inner, "sym_name", name);
    ctx.set_attr(inner, "sym_visibility", private);
    let body = ctx.module_body(m);
    ctx.append_op(body, inner);
    func(&mut ctx, inner, "g", 0, 0, true);
    func(&mut ctx, inner, "h", 0, 0, true);
    // An unreferenced private nested module goes whole.
    let gone = ctx.create_module(loc);
    let name = ctx.str_attr("gone");
    ctx.set_attr(gone, "sym_name", name);
    ctx.set_attr(gone, "sym_visibility", private);
    ctx.append_op(body, gone);

    let state = run_pass(&mut *create("symbol-dce", ""), &mut ctx, m);
    assert_eq!(symbols(&ctx, m), ["main", "inner"]);
    assert_eq!(symbols(&ctx, inner), ["g"]);
    assert_eq!(stat(&state, "num-dce'd"), 2);
}

#[test]
fn fails_on_an_op_that_is_not_a_symbol_table() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (f, _) = func(&mut ctx, m, "main", 0, 0, false);
    let mut state = PassState::default();
    let result = create("symbol-dce", "").run(&mut ctx, f, &mut state);
    assert!(result.is_err());
    assert_eq!(state.diagnostics.len(), 1);
    assert_eq!(state.diagnostics[0].severity, Severity::Error);
    assert!(
        state.diagnostics[0]
            .message
            .contains("'func.func' is not one")
    );
}
