//! Behaviour of `inline` on the stand-in `func` ops of `common`.

mod common;

use common::*;
use tessera_compiler::{BlockId, Context, LocData, OpId};

/// `func.func @name(%x) -> i32 { %n = test.neg %x; return %n }`.
fn neg_func(ctx: &mut Context, m: OpId, name: &str, private: bool) -> (OpId, BlockId) {
    let (f, body) = func(ctx, m, name, 1, 1, private);
    let x = ctx.block_args(body)[0];
    let n = op(ctx, body, "test.neg", &[x]);
    let loc = ctx.file_loc("callee.mlir", 2, 3);
    ctx.set_loc(ctx.defining_op(n).unwrap(), loc);
    stmt(ctx, body, "func.return", &[n]);
    (f, body)
}

/// `func.func @main(%a) -> i32 { %r = call @callee(%a); return %r }`.
fn main_calling(ctx: &mut Context, m: OpId, callee: &str) -> (OpId, BlockId, OpId) {
    let (f, body) = func(ctx, m, "main", 1, 1, false);
    let a = ctx.block_args(body)[0];
    let c = call(ctx, body, callee, &[a], 1);
    let r = ctx.result(c, 0);
    let ret = stmt(ctx, body, "func.return", &[r]);
    (f, body, ret)
}

#[test]
fn inlines_a_private_callee_and_erases_it() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, ret) = main_calling(&mut ctx, m, "neg");
    neg_func(&mut ctx, m, "neg", true);
    let state = run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(names(&ctx, body), ["test.neg", "func.return"]);
    let n = ctx.defining_op(ctx.operand(ret, 0)).unwrap();
    assert_eq!(ctx.operand(n, 0), ctx.block_args(body)[0]);
    assert_eq!(symbols(&ctx, m), ["main"]);
    assert_eq!(stat(&state, "num-inlined"), 1);
    assert_eq!(stat(&state, "num-callees-erased"), 1);
    // The copy says where it came from and where it was called.
    let (in_callee, at_call) = (
        ctx.file_loc("callee.mlir", 2, 3),
        ctx.file_loc("test.mlir", 9, 5),
    );
    match ctx.loc_data(ctx.op(n).loc) {
        LocData::CallSite { callee, caller } => {
            assert_eq!((*callee, *caller), (in_callee, at_call));
        }
        other => panic!("expected a call-site location, got {other:?}"),
    }
}

#[test]
fn a_public_callee_stays() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, _) = main_calling(&mut ctx, m, "neg");
    neg_func(&mut ctx, m, "neg", false);
    run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(names(&ctx, body), ["test.neg", "func.return"]);
    assert_eq!(symbols(&ctx, m), ["main", "neg"]);
}

#[test]
fn a_call_chain_is_inlined_in_one_round() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, ret) = main_calling(&mut ctx, m, "f1");
    // f1 calls f2 calls f3 = neg; each adds one test.add.
    for (name, next) in [("f1", "f2"), ("f2", "f3")] {
        let (_, b) = func(&mut ctx, m, name, 1, 1, true);
        let x = ctx.block_args(b)[0];
        let c = call(&mut ctx, b, next, &[x], 1);
        let r = ctx.result(c, 0);
        let s = op(&mut ctx, b, "test.add", &[r, x]);
        stmt(&mut ctx, b, "func.return", &[s]);
    }
    neg_func(&mut ctx, m, "f3", true);
    let state = run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(
        names(&ctx, body),
        ["test.neg", "test.add", "test.add", "func.return"]
    );
    assert_eq!(
        stat(&state, "num-iterations"),
        2,
        "one round inlines, the next finds nothing"
    );
    assert_eq!(symbols(&ctx, m), ["main"]);
    let last = ctx.defining_op(ctx.operand(ret, 0)).unwrap();
    assert!(ctx.op_is(last, "test.add"));
}

#[test]
fn recursive_functions_are_not_inlined() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, _) = main_calling(&mut ctx, m, "fact");
    // fact calls itself; even and odd call each other.
    let (_, fact) = func(&mut ctx, m, "fact", 1, 1, true);
    let x = ctx.block_args(fact)[0];
    let c = call(&mut ctx, fact, "fact", &[x], 1);
    let r = ctx.result(c, 0);
    stmt(&mut ctx, fact, "func.return", &[r]);
    for (name, other) in [("even", "odd"), ("odd", "even")] {
        let (_, b) = func(&mut ctx, m, name, 1, 1, false);
        let x = ctx.block_args(b)[0];
        let c = call(&mut ctx, b, other, &[x], 1);
        let r = ctx.result(c, 0);
        stmt(&mut ctx, b, "func.return", &[r]);
    }
    let state = run_pass(&mut *create("inline", "max-iterations=50"), &mut ctx, m);
    assert_eq!(stat(&state, "num-inlined"), 0);
    assert_eq!(names(&ctx, body), ["func.call", "func.return"]);
    assert_eq!(symbols(&ctx, m), ["main", "fact", "even", "odd"]);
}

#[test]
fn a_caller_reached_by_its_callee_is_left_alone() {
    // main -> helper -> main: helper reaches main, so not inlined into it.
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, _) = main_calling(&mut ctx, m, "helper");
    let (_, h) = func(&mut ctx, m, "helper", 1, 1, true);
    let x = ctx.block_args(h)[0];
    let c = call(&mut ctx, h, "main", &[x], 1);
    let r = ctx.result(c, 0);
    stmt(&mut ctx, h, "func.return", &[r]);
    let state = run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(stat(&state, "num-inlined"), 0);
    assert_eq!(names(&ctx, body), ["func.call", "func.return"]);
}

#[test]
fn calls_that_cannot_be_inlined_stay() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let a = ctx.block_args(body)[0];
    // A declaration, a multi-block body, a no_inline call, an unknown
    // callee, and mismatched operand counts.
    declare(&mut ctx, m, "decl");
    call(&mut ctx, body, "decl", &[], 1);
    let (multi, b) = func(&mut ctx, m, "multi", 0, 0, true);
    stmt(&mut ctx, b, "func.return", &[]);
    let b2 = add_block(&mut ctx, multi);
    stmt(&mut ctx, b2, "func.return", &[]);
    call(&mut ctx, body, "multi", &[], 0);
    neg_func(&mut ctx, m, "neg", true);
    let c = call(&mut ctx, body, "neg", &[a], 1);
    let unit = ctx.unit_attr();
    ctx.set_attr(c, "no_inline", unit);
    call(&mut ctx, body, "missing", &[a], 1);
    call(&mut ctx, body, "neg", &[], 1);
    stmt(&mut ctx, body, "func.return", &[]);
    let state = run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(stat(&state, "num-inlined"), 0);
    assert_eq!(
        names(&ctx, body)
            .iter()
            .filter(|n| *n == "func.call")
            .count(),
        5
    );
    assert_eq!(symbols(&ctx, m), ["main", "decl", "multi", "neg"]);
}

#[test]
fn callee_bodies_with_regions_are_copied_whole() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body, ret) = main_calling(&mut ctx, m, "wrap");
    let (_, w) = func(&mut ctx, m, "wrap", 1, 1, true);
    let x = ctx.block_args(w)[0];
    let (_, inner) = with_body(&mut ctx, w, "test.region", 1);
    let y = ctx.block_args(inner)[0];
    let s = op(&mut ctx, inner, "test.add", &[x, y]);
    stmt(&mut ctx, inner, "test.sink", &[s]);
    stmt(&mut ctx, w, "func.return", &[x]);
    run_pass(&mut *create("inline", ""), &mut ctx, m);
    assert_eq!(names(&ctx, body), ["test.region", "func.return"]);
    let region_op = ctx.first_op(body).unwrap();
    let copy = ctx.entry_block(region_op, 0).unwrap();
    let add = ctx.first_op(copy).unwrap();
    let a = ctx.block_args(body)[0];
    assert_eq!(ctx.op(add).operands, [a, ctx.block_args(copy)[0]]);
    assert_eq!(ctx.operand(ret, 0), a);
    assert!(matches!(
        ctx.loc_data(ctx.op(add).loc),
        LocData::CallSite { .. }
    ));
}

#[test]
fn max_iterations_must_be_positive() {
    let mut reg = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut reg);
    let settings = tessera_compiler::pass::parse_options("max-iterations=0").unwrap();
    assert!(reg.create("inline", &settings, 0).is_err());
}
