//! Behaviour of `cse` on the test dialect of `common`.

mod common;

use std::time::Instant;

use common::*;
use tessera_compiler::{Context, OpId};

fn run_cse(ctx: &mut Context, root: OpId) -> (u64, u64) {
    let state = run_pass(&mut *create("cse", ""), ctx, root);
    (stat(&state, "num-cse'd"), stat(&state, "num-dce'd"))
}

#[test]
fn equal_pure_ops_in_a_block_are_merged() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 2, 0, false);
    let (x, y) = (ctx.block_args(body)[0], ctx.block_args(body)[1]);
    let a = op(&mut ctx, body, "test.add", &[x, y]);
    let b = op(&mut ctx, body, "test.add", &[x, y]);
    let swapped = op(&mut ctx, body, "test.add", &[y, x]);
    let sub = op(&mut ctx, body, "test.sub", &[x, y]);
    let sub_swapped = op(&mut ctx, body, "test.sub", &[y, x]);
    let c1 = konst(&mut ctx, body, 7);
    let c2 = konst(&mut ctx, body, 7);
    let c3 = konst(&mut ctx, body, 8);
    let s = stmt(
        &mut ctx,
        body,
        "test.sink",
        &[a, b, swapped, sub, sub_swapped, c1, c2, c3],
    );
    assert_eq!(run_cse(&mut ctx, m), (3, 0));
    assert_eq!(names(&ctx, body).len(), 6);
    let operands = ctx.op(s).operands.clone();
    assert_eq!(operands[1], a);
    assert_eq!(operands[2], a, "commutative operands may be swapped");
    assert_ne!(operands[4], sub, "operand order matters otherwise");
    assert_eq!(operands[6], c1);
    assert_ne!(operands[7], c1, "attribute values matter");
}

#[test]
fn attributes_compare_as_a_set_and_types_matter() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let (one, two) = (ctx.i64_attr(1), ctx.i64_attr(2));
    let a = op_with(&mut ctx, body, "test.neg", &[x], &[("p", one), ("q", two)]);
    let b = op_with(&mut ctx, body, "test.neg", &[x], &[("q", two), ("p", one)]);
    let c = op_with(&mut ctx, body, "test.neg", &[x], &[("q", one), ("p", two)]);
    // Same op, different result type.
    let f32 = ctx.f32_type();
    let loc = ctx.unknown_loc();
    let d =
        tessera_compiler::ir::Builder::new(&mut ctx, tessera_compiler::ir::InsertPoint::End(body))
            .create_value("test.neg", &[x], f32, &[("p", one), ("q", two)], loc);
    let s = stmt(&mut ctx, body, "test.sink", &[a, b, c, d]);
    assert_eq!(run_cse(&mut ctx, m), (1, 0));
    assert_eq!(ctx.op(s).operands, [a, a, c, d]);
}

#[test]
fn ops_with_side_effects_are_left_alone() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let a = op(&mut ctx, body, "test.sink", &[x]);
    let b = op(&mut ctx, body, "test.sink", &[x]);
    let u = op(&mut ctx, body, "unknown.op", &[x]);
    let v = op(&mut ctx, body, "unknown.op", &[x]);
    stmt(&mut ctx, body, "test.sink", &[a, b, u, v]);
    assert_eq!(run_cse(&mut ctx, m), (0, 0));
    assert_eq!(names(&ctx, body).len(), 5);
}

#[test]
fn outer_ops_are_visible_in_nested_regions_but_not_the_reverse() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let outer = op(&mut ctx, body, "test.neg", &[x]);
    let (_, inner) = with_body(&mut ctx, body, "test.region", 0);
    let dup = op(&mut ctx, inner, "test.neg", &[x]);
    let only_inner = op(&mut ctx, inner, "test.add", &[x, x]);
    let s_in = stmt(&mut ctx, inner, "test.sink", &[dup, only_inner]);
    let after = op(&mut ctx, body, "test.add", &[x, x]);
    let s_out = stmt(&mut ctx, body, "test.sink", &[outer, after]);
    assert_eq!(run_cse(&mut ctx, m), (1, 0));
    assert_eq!(ctx.op(s_in).operands, [outer, only_inner]);
    // The add inside the region does not dominate the one after it.
    assert_eq!(ctx.op(s_out).operands, [outer, after]);
}

#[test]
fn sibling_regions_do_not_share() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let (_, r1) = with_body(&mut ctx, body, "test.region", 0);
    let a = op(&mut ctx, r1, "test.neg", &[x]);
    stmt(&mut ctx, r1, "test.sink", &[a]);
    let (_, r2) = with_body(&mut ctx, body, "test.region", 0);
    let b = op(&mut ctx, r2, "test.neg", &[x]);
    stmt(&mut ctx, r2, "test.sink", &[b]);
    assert_eq!(run_cse(&mut ctx, m), (0, 0));
}

#[test]
fn isolated_regions_start_afresh() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 0, 0, false);
    let c = konst(&mut ctx, body, 1);
    stmt(&mut ctx, body, "test.sink", &[c]);
    let (_, iso) = with_body(&mut ctx, body, "test.isolated", 0);
    let c_in = konst(&mut ctx, iso, 1);
    let c_in2 = konst(&mut ctx, iso, 1);
    let s = stmt(&mut ctx, iso, "test.sink", &[c_in, c_in2]);
    assert_eq!(run_cse(&mut ctx, m), (1, 0));
    assert_eq!(ctx.op(s).operands, [c_in, c_in]);
}

#[test]
fn the_entry_block_dominates_the_other_blocks() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let (r, entry) = with_body(&mut ctx, body, "test.region", 0);
    let a = op(&mut ctx, entry, "test.neg", &[x]);
    stmt(&mut ctx, entry, "test.sink", &[a]);
    let b1 = add_block(&mut ctx, r);
    let dup = op(&mut ctx, b1, "test.neg", &[x]);
    let only_b1 = op(&mut ctx, b1, "test.add", &[x, x]);
    let s1 = stmt(&mut ctx, b1, "test.sink", &[dup, only_b1]);
    let b2 = add_block(&mut ctx, r);
    let again = op(&mut ctx, b2, "test.add", &[x, x]);
    let s2 = stmt(&mut ctx, b2, "test.sink", &[again]);
    assert_eq!(run_cse(&mut ctx, m), (1, 0));
    assert_eq!(ctx.op(s1).operands, [a, only_b1]);
    assert_eq!(ctx.op(s2).operands, [again]);
}

#[test]
fn graph_regions_are_not_touched() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let (_, g) = with_body(&mut ctx, body, "test.graph", 0);
    let a = op(&mut ctx, g, "test.neg", &[x]);
    let b = op(&mut ctx, g, "test.neg", &[x]);
    op(&mut ctx, g, "test.neg", &[x]); // dead, but graph regions are left alone
    stmt(&mut ctx, g, "test.sink", &[a, b]);
    assert_eq!(run_cse(&mut ctx, m), (0, 0));
    assert_eq!(names(&ctx, g).len(), 4);
}

#[test]
fn dead_pure_ops_are_erased_with_their_dead_producers() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let a = op(&mut ctx, body, "test.neg", &[x]);
    let b = op(&mut ctx, body, "test.neg", &[a]);
    let kept = op(&mut ctx, body, "test.add", &[a, a]);
    op(&mut ctx, body, "test.add", &[b, b]); // dead, and so is b after it
    op(&mut ctx, body, "test.sink", &[x]); // not pure: stays though unused
    stmt(&mut ctx, body, "test.sink", &[kept]);
    assert_eq!(run_cse(&mut ctx, m), (0, 2));
    assert_eq!(
        names(&ctx, body),
        ["test.neg", "test.add", "test.sink", "test.sink"]
    );
}

#[test]
fn pure_terminators_stay() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 1, 0, false);
    let x = ctx.block_args(body)[0];
    let (_, r) = with_body(&mut ctx, body, "test.region", 0);
    stmt(&mut ctx, r, "test.yield", &[x]);
    assert_eq!(run_cse(&mut ctx, m), (0, 0));
    assert_eq!(names(&ctx, r), ["test.yield"]);
}

/// 100,000 ops, half of them duplicates: fast and complete. The time
/// bound is loose for debug builds; release runs take a few milliseconds.
#[test]
fn scales_to_a_hundred_thousand_ops() {
    let mut ctx = context();
    let m = module(&mut ctx);
    let (_, body) = func(&mut ctx, m, "main", 2, 0, false);
    let (x, y) = (ctx.block_args(body)[0], ctx.block_args(body)[1]);
    let mut prev = x;
    let mut outs = Vec::new();
    for _ in 0..25_000 {
        let a = op(&mut ctx, body, "test.add", &[prev, y]);
        let b = op(&mut ctx, body, "test.add", &[prev, y]);
        let c = op(&mut ctx, body, "test.neg", &[a]);
        let d = op(&mut ctx, body, "test.neg", &[b]);
        outs.push(d);
        prev = c;
    }
    let sinks: Vec<_> = outs.chunks(1000).map(|c| c.to_vec()).collect();
    for s in sinks {
        stmt(&mut ctx, body, "test.sink", &s);
    }
    stmt(&mut ctx, body, "test.sink", &[prev]);
    let start = Instant::now();
    let (cse, dce) = run_cse(&mut ctx, m);
    let took = start.elapsed();
    assert_eq!((cse, dce), (50_000, 0));
    assert_eq!(names(&ctx, body).len(), 50_000 + 26);
    eprintln!("cse of 100k ops: {took:?}");
    assert!(took.as_secs_f64() < 2.0, "cse of 100k ops took {took:?}");
}
