//! Behaviour of `canonicalize` on the test dialect of `common`.

mod common;

use common::*;
use tessera_compiler::Severity;

#[test]
fn folds_constants_and_erases_what_is_left_dead() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 1, false);
    let x = ctx.block_args(body)[0];
    let a = konst(&mut ctx, body, 1);
    let b = konst(&mut ctx, body, 2);
    let s = op(&mut ctx, body, "test.add", &[a, b]);
    let t = op(&mut ctx, body, "test.add", &[s, b]);
    let zero = konst(&mut ctx, body, 0);
    let u = op(&mut ctx, body, "test.add", &[x, zero]);
    let ret = stmt(&mut ctx, body, "func.return", &[t]);
    let effect = stmt(&mut ctx, body, "test.sink", &[u]);
    ctx.move_op_before(effect, ret);

    let state = run_pass(&mut *create("canonicalize", ""), &mut ctx, m);
    assert_eq!(
        names(&ctx, body),
        ["test.const", "test.sink", "func.return"]
    );
    assert_eq!(const_of(&ctx, ctx.operand(ret, 0)), Some(5));
    assert_eq!(ctx.operand(effect, 0), x);
    assert_eq!(stat(&state, "num-folds"), 3);
    assert_eq!(stat(&state, "num-iterations"), 2);
    assert!(state.diagnostics.is_empty());
}

#[test]
fn applies_registered_patterns_and_counts_them_by_name() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 1, false);
    let x = ctx.block_args(body)[0];
    let n1 = op(&mut ctx, body, "test.neg", &[x]);
    let n2 = op(&mut ctx, body, "test.neg", &[n1]);
    let ret = stmt(&mut ctx, body, "func.return", &[n2]);
    let state = run_pass(&mut *create("canonicalize", ""), &mut ctx, m);
    assert_eq!(ctx.operand(ret, 0), x);
    assert_eq!(names(&ctx, body), ["func.return"]);
    assert_eq!(stat(&state, "num-applied(neg-neg)"), 1);
    assert_eq!(stat(&state, "num-patterns-applied"), 1);
}

#[test]
fn disabled_patterns_are_not_applied() {
    for options in ["disable-patterns=neg-neg", "enable-patterns=test.flip"] {
        let mut ctx = context();
        let m = module(&mut ctx);
        let (_, body) = func(&mut ctx, m, "main", 1, 1, false);
        let x = ctx.block_args(body)[0];
        let n1 = op(&mut ctx, body, "test.neg", &[x]);
        let n2 = op(&mut ctx, body, "test.neg", &[n1]);
        stmt(&mut ctx, body, "func.return", &[n2]);
        let state = run_pass(&mut *create("canonicalize", options), &mut ctx, m);
        assert_eq!(
            names(&ctx, body),
            ["test.neg", "test.neg", "func.return"],
            "{options}"
        );
        assert_eq!(stat(&state, "num-patterns-applied"), 0);
    }
}

#[test]
fn warns_instead_of_looping_when_patterns_undo_each_other() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 1, false);
    let x = ctx.block_args(body)[0];
    let f = op(&mut ctx, body, "test.flip", &[x]);
    stmt(&mut ctx, body, "func.return", &[f]);
    let loc = ctx.file_loc("in.mlir", 3, 1);
    ctx.set_loc(m, loc);

    let state = run_pass(
        &mut *create("canonicalize", "max-num-rewrites=20"),
        &mut ctx,
        m,
    );
    assert_eq!(state.diagnostics.len(), 1);
    let d = &state.diagnostics[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.loc, loc);
    assert!(d.message.contains("did not converge"), "{}", d.message);
    assert!(d.message.contains("max-num-rewrites=20"), "{}", d.message);
    assert!(d.message.contains("test.flip (10)"), "{}", d.message);
    assert_eq!(stat(&state, "num-patterns-applied"), 20);
    // The IR is still whole: one op of the pair feeds the return.
    assert_eq!(names(&ctx, body).len(), 2);

    // Without a rewrite limit, the driver's runaway guard ends it.
    let state = run_pass(&mut *create("canonicalize", ""), &mut ctx, m);
    assert_eq!(state.diagnostics.len(), 1);
    assert!(state.diagnostics[0].message.contains("undoing each other"));
}

#[test]
fn warns_when_the_iteration_limit_is_hit() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 0, 1, false);
    let a = konst(&mut ctx, body, 1);
    let s = op(&mut ctx, body, "test.add", &[a, a]);
    stmt(&mut ctx, body, "func.return", &[s]);
    // One iteration folds; proving the fixed point needs a second.
    let state = run_pass(
        &mut *create("canonicalize", "max-iterations=1"),
        &mut ctx,
        m,
    );
    assert_eq!(state.diagnostics.len(), 1);
    assert!(state.diagnostics[0].message.contains("max-iterations=1"));
    assert_eq!(names(&ctx, body), ["test.const", "func.return"]);
}

#[test]
fn bottom_up_gives_the_same_result() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 0, 1, false);
    let a = konst(&mut ctx, body, 20);
    let b = konst(&mut ctx, body, 22);
    let s = op(&mut ctx, body, "test.add", &[a, b]);
    let ret = stmt(&mut ctx, body, "func.return", &[s]);
    run_pass(&mut *create("canonicalize", "top-down=false"), &mut ctx, m);
    assert_eq!(const_of(&ctx, ctx.operand(ret, 0)), Some(42));
    assert_eq!(names(&ctx, body), ["test.const", "func.return"]);
}

#[test]
fn bad_options_are_rejected() {
    let mut reg = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut reg);
    for bad in [
        "max-iterations=0",
        "max-num-rewrites=-2",
        "max-iterations=-5",
    ] {
        let settings = tessera_compiler::pass::parse_options(bad).unwrap();
        let err = reg.create("canonicalize", &settings, 0).err().expect(bad);
        assert!(err.message.contains("invalid options"), "{}", err.message);
    }
}

#[test]
fn the_registry_holds_every_pass_and_validates() {
    let mut reg = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut reg);
    for name in ["canonicalize", "cse", "symbol-dce", "inline"] {
        assert!(reg.get(name).is_some(), "{name} is registered");
    }
    let problems: Vec<String> = reg
        .validate()
        .into_iter()
        .filter(|p| !p.starts_with("pipeline"))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

/// 100,000 ops: a chain of `x + 0` identities, `neg(neg(y))` pairs and
/// foldable constant sums. The time bound is loose for debug builds.
#[test]
fn scales_to_a_hundred_thousand_ops() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 1, false);
    let x = ctx.block_args(body)[0];
    let zero = konst(&mut ctx, body, 0);
    let mut v = x;
    let mut sum = konst(&mut ctx, body, 1);
    for i in 0..20_000 {
        v = op(&mut ctx, body, "test.add", &[v, zero]);
        let n = op(&mut ctx, body, "test.neg", &[v]);
        v = op(&mut ctx, body, "test.neg", &[n]);
        let c = konst(&mut ctx, body, i % 7);
        sum = op(&mut ctx, body, "test.add", &[sum, c]);
    }
    let s = op(&mut ctx, body, "test.add", &[v, sum]);
    let ret = stmt(&mut ctx, body, "func.return", &[s]);
    let start = std::time::Instant::now();
    let state = run_pass(&mut *create("canonicalize", ""), &mut ctx, m);
    let took = start.elapsed();
    eprintln!("canonicalize of 100k ops: {took:?}");
    assert!(state.diagnostics.is_empty());
    let total: i128 = 1 + (0..20_000).map(|i| i % 7).sum::<i128>();
    let add = ctx.defining_op(ctx.operand(ret, 0)).unwrap();
    assert_eq!(ctx.operand(add, 0), x);
    assert_eq!(const_of(&ctx, ctx.operand(add, 1)), Some(total));
    assert_eq!(names(&ctx, body), ["test.const", "test.add", "func.return"]);
    assert!(
        took.as_secs_f64() < 5.0,
        "canonicalize of 100k ops took {took:?}"
    );
}
