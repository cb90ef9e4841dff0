//! Tests of the rewriter, the greedy driver and `clone_op`, on a small
//! dialect of their own.

use crate::attrs::AttrData;
use crate::context::Context;
use crate::entity::{Attribute, BlockId, Location, OpId, Type, Value};
use crate::ir::{Builder, InsertPoint, ValueMap, clone_op};
use crate::registry::{DialectDef, FoldResult, OpDef, OpTraits};
use crate::rewrite::{
    GreedyConfig, PatternSet, RewritePattern, Rewriter, StopReason, apply_patterns_greedily,
};

fn fold_const(ctx: &mut Context, op: OpId, _: &[Option<Attribute>]) -> Option<Vec<FoldResult>> {
    Some(vec![FoldResult::Attr(ctx.attr(op, "value")?)])
}

fn int_of(ctx: &Context, a: Option<Attribute>) -> Option<i128> {
    ctx.attr_data(a?).as_int()
}

fn fold_add(ctx: &mut Context, op: OpId, c: &[Option<Attribute>]) -> Option<Vec<FoldResult>> {
    let ty = ctx.value_type(ctx.result(op, 0));
    match (int_of(ctx, c[0]), int_of(ctx, c[1])) {
        (Some(a), Some(b)) => Some(vec![FoldResult::Attr(ctx.int_attr(a + b, ty))]),
        (_, Some(0)) => Some(vec![FoldResult::Value(ctx.operand(op, 0))]),
        _ => None,
    }
}

fn materialize(b: &mut Builder<'_>, value: Attribute, ty: Type, loc: Location) -> Option<Value> {
    match b.ctx.attr_data(value) {
        AttrData::Integer { ty: t, .. } if *t == ty => {
            Some(b.create_value("test.const", &[], ty, &[("value", value)], loc))
        }
        _ => None,
    }
}

/// `neg(neg(x))` → `x`.
struct NegNeg;

impl RewritePattern for NegNeg {
    fn name(&self) -> &str {
        "neg-neg"
    }
    fn root(&self) -> Option<&str> {
        Some("test.neg")
    }
    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let x = rw.ctx.operand(op, 0);
        let Some(inner) = rw.ctx.defining_op(x) else {
            return false;
        };
        if !rw.ctx.op_is(inner, "test.neg") {
            return false;
        }
        let y = rw.ctx.operand(inner, 0);
        rw.replace_op(op, &[y]);
        true
    }
}

/// Renames `from` to `to`: two of these undo each other forever.
struct Rename {
    name: &'static str,
    from: &'static str,
    to: &'static str,
    benefit: u16,
}

impl RewritePattern for Rename {
    fn name(&self) -> &str {
        self.name
    }
    fn root(&self) -> Option<&str> {
        Some(self.from)
    }
    fn benefit(&self) -> u16 {
        self.benefit
    }
    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let (x, ty, loc) = (
            rw.ctx.operand(op, 0),
            rw.ctx.value_type(rw.ctx.result(op, 0)),
            rw.ctx.op(op).loc,
        );
        let v = rw.create_value(self.to, &[x], ty, &[], loc);
        rw.replace_op(op, &[v]);
        true
    }
}

/// `double(x)` → `add(x, x)`: creates an op the driver must then visit.
struct DoubleToAdd;

impl RewritePattern for DoubleToAdd {
    fn name(&self) -> &str {
        "double-to-add"
    }
    fn root(&self) -> Option<&str> {
        Some("test.double")
    }
    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let x = rw.ctx.operand(op, 0);
        let ty = rw.ctx.value_type(x);
        let loc = rw.ctx.op(op).loc;
        let v = rw.create_value("test.add", &[x, x], ty, &[], loc);
        rw.replace_op(op, &[v]);
        true
    }
}

fn setup() -> Context {
    let mut ctx = Context::new();
    let pure = OpTraits::PURE;
    let mut dialect = DialectDef::new("test", "ops for driver tests");
    dialect.materialize_constant = Some(materialize);
    ctx.register_dialect(
        dialect,
        vec![
            OpDef::new("test.const", "a constant")
                .traits(pure | OpTraits::CONSTANT_LIKE)
                .fold(fold_const),
            OpDef::new("test.add", "addition")
                .traits(pure | OpTraits::COMMUTATIVE)
                .fold(fold_add),
            OpDef::new("test.neg", "negation").traits(pure),
            OpDef::new("test.double", "x + x").traits(pure),
            OpDef::new("test.ping", "renamed to pong").traits(pure),
            OpDef::new("test.pong", "renamed to ping").traits(pure),
            OpDef::new("test.sink", "a side effect"),
            OpDef::new("test.func", "an isolated op with a body")
                .traits(OpTraits::ISOLATED_FROM_ABOVE),
            OpDef::new("test.region", "an op with a body, not isolated"),
        ],
    );
    ctx
}

/// A module holding one `test.func` whose body has `nargs` i32 arguments.
fn func(ctx: &mut Context, nargs: usize) -> (OpId, BlockId) {
    let loc = ctx.unknown_loc();
    let module = ctx.create_module(loc);
    let i32 = ctx.i32_type();
    let f = nested(ctx, ctx.module_body(module), "test.func", &vec![i32; nargs]);
    (module, ctx.entry_block(f, 0).unwrap())
}

/// Appends an op named `name` with a one-block region to `block`.
fn nested(ctx: &mut Context, block: BlockId, name: &str, args: &[Type]) -> OpId {
    let loc = ctx.unknown_loc();
    let region = ctx.create_region();
    let body = ctx.create_block(args, loc);
    ctx.append_block(region, body);
    let mut b = Builder::new(ctx, InsertPoint::End(block));
    let op = b.create(name, &[], &[], &[], loc);
    ctx.add_region(op, region);
    op
}

fn konst(ctx: &mut Context, block: BlockId, v: i128) -> Value {
    let (i32, loc) = (ctx.i32_type(), ctx.unknown_loc());
    let a = ctx.int_attr(v, i32);
    Builder::new(ctx, InsertPoint::End(block)).create_value(
        "test.const",
        &[],
        i32,
        &[("value", a)],
        loc,
    )
}

fn op1(ctx: &mut Context, block: BlockId, name: &str, operands: &[Value]) -> Value {
    let (i32, loc) = (ctx.i32_type(), ctx.unknown_loc());
    Builder::new(ctx, InsertPoint::End(block)).create_value(name, operands, i32, &[], loc)
}

fn sink(ctx: &mut Context, block: BlockId, operands: &[Value]) -> OpId {
    let loc = ctx.unknown_loc();
    Builder::new(ctx, InsertPoint::End(block)).create("test.sink", operands, &[], &[], loc)
}

/// The op names of `block`, in order.
fn names(ctx: &Context, block: BlockId) -> Vec<String> {
    ctx.block_ops(block)
        .map(|o| ctx.op_name_of(o).to_string())
        .collect()
}

fn const_of(ctx: &Context, v: Value) -> Option<i128> {
    let op = ctx.defining_op(v)?;
    if !ctx.op_is(op, "test.const") {
        return None;
    }
    ctx.attr_data_of(op, "value")?.as_int()
}

fn run(ctx: &mut Context, root: OpId, set: &PatternSet) -> crate::rewrite::GreedyResult {
    apply_patterns_greedily(ctx, root, set, &GreedyConfig::default())
}

#[test]
fn folds_constants_and_erases_the_dead_inputs() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 0);
    let a = konst(&mut ctx, body, 1);
    let b = konst(&mut ctx, body, 2);
    let s = op1(&mut ctx, body, "test.add", &[a, b]);
    let t = op1(&mut ctx, body, "test.add", &[s, b]);
    let use_ = sink(&mut ctx, body, &[t]);
    let r = run(&mut ctx, module, &PatternSet::new());
    assert!(r.changed && r.converged);
    assert_eq!(r.folds, 2);
    assert_eq!(names(&ctx, body), ["test.const", "test.sink"]);
    assert_eq!(const_of(&ctx, ctx.operand(use_, 0)), Some(5));
    // The second iteration found nothing left to do.
    assert_eq!(r.iterations, 2);
}

#[test]
fn folds_to_an_existing_value() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let zero = konst(&mut ctx, body, 0);
    let s = op1(&mut ctx, body, "test.add", &[x, zero]);
    let use_ = sink(&mut ctx, body, &[s]);
    let r = run(&mut ctx, module, &PatternSet::new());
    assert_eq!(ctx.operand(use_, 0), x);
    assert_eq!(r.folds, 1);
    assert_eq!(names(&ctx, body), ["test.sink"]);
}

#[test]
fn erases_dead_pure_ops_but_keeps_side_effects() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let n1 = op1(&mut ctx, body, "test.neg", &[x]);
    let _n2 = op1(&mut ctx, body, "test.neg", &[n1]);
    sink(&mut ctx, body, &[]);
    let r = run(&mut ctx, module, &PatternSet::new());
    assert_eq!(names(&ctx, body), ["test.sink"]);
    assert_eq!(r.dead_erased, 2);
    assert!(r.converged);
}

#[test]
fn bottom_up_erases_a_dead_chain_in_one_iteration() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let mut v = ctx.block_args(body)[0];
    for _ in 0..5 {
        v = op1(&mut ctx, body, "test.neg", &[v]);
    }
    let config = GreedyConfig {
        top_down: false,
        ..GreedyConfig::default()
    };
    let r = apply_patterns_greedily(&mut ctx, module, &PatternSet::new(), &config);
    assert!(names(&ctx, body).is_empty());
    assert_eq!(r.dead_erased, 5);
}

#[test]
fn applies_patterns_by_root_and_counts_them() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let n1 = op1(&mut ctx, body, "test.neg", &[x]);
    let n2 = op1(&mut ctx, body, "test.neg", &[n1]);
    let n3 = op1(&mut ctx, body, "test.neg", &[n2]);
    let n4 = op1(&mut ctx, body, "test.neg", &[n3]);
    let use_ = sink(&mut ctx, body, &[n4]);
    let mut set = PatternSet::new();
    set.add(NegNeg);
    let r = run(&mut ctx, module, &set);
    assert_eq!(ctx.operand(use_, 0), x);
    assert_eq!(r.rewrites.get("neg-neg"), Some(&2));
    assert_eq!(r.num_rewrites, 2);
    assert_eq!(names(&ctx, body), ["test.sink"]);
}

#[test]
fn ops_created_by_patterns_are_visited_and_folded() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 0);
    let three = konst(&mut ctx, body, 3);
    let d = op1(&mut ctx, body, "test.double", &[three]);
    let use_ = sink(&mut ctx, body, &[d]);
    let mut set = PatternSet::new();
    set.add(DoubleToAdd);
    let r = run(&mut ctx, module, &set);
    assert_eq!(const_of(&ctx, ctx.operand(use_, 0)), Some(6));
    assert_eq!((r.num_rewrites, r.folds), (2, 1));
    assert!(r.converged);
}

#[test]
fn patterns_that_undo_each_other_stop_at_the_rewrite_limit() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let p = op1(&mut ctx, body, "test.ping", &[x]);
    sink(&mut ctx, body, &[p]);
    let mut set = PatternSet::new();
    set.add(Rename {
        name: "ping-to-pong",
        from: "test.ping",
        to: "test.pong",
        benefit: 1,
    });
    set.add(Rename {
        name: "pong-to-ping",
        from: "test.pong",
        to: "test.ping",
        benefit: 1,
    });
    let config = GreedyConfig {
        max_iterations: Some(3),
        max_rewrites: Some(10_000),
        ..GreedyConfig::default()
    };
    let r = apply_patterns_greedily(&mut ctx, module, &set, &config);
    assert!(r.changed && !r.converged);
    // The rewrite budget ran out first: the worklist never empties.
    assert_eq!(r.num_rewrites, 10_000);
    assert_eq!(r.iterations, 1);

    let config = GreedyConfig {
        max_rewrites: Some(7),
        ..GreedyConfig::default()
    };
    let r = apply_patterns_greedily(&mut ctx, module, &set, &config);
    assert!(!r.converged);
    assert_eq!(r.num_rewrites, 7);
    assert_eq!(r.stop_reason, StopReason::MaxRewrites);

    // With no set limit, the runaway guard still ends the loop.
    let r = run(&mut ctx, module, &set);
    assert!(!r.converged);
    assert_eq!(r.stop_reason, StopReason::RunawayIteration);
    assert_eq!(r.iterations, 1);
    assert_eq!(names(&ctx, body).len(), 2);
}

#[test]
fn iteration_limit_without_a_rewrite_limit() {
    // A pattern that rewrites once per op per iteration: `ping` becomes a
    // fresh `ping`, but only as a side door the worklist does not see.
    struct Churn;
    impl RewritePattern for Churn {
        fn name(&self) -> &str {
            "churn"
        }
        fn root(&self) -> Option<&str> {
            Some("test.ping")
        }
        fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
            let n = rw.ctx.i64_attr(rw.ctx.op(op).attrs.len() as i64);
            // Changed behind the rewriter's back, so not revisited this iteration.
            rw.ctx.set_attr(op, "n", n);
            let _ = rw.take_touched();
            true
        }
    }
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let p = op1(&mut ctx, body, "test.ping", &[x]);
    sink(&mut ctx, body, &[p]);
    let mut set = PatternSet::new();
    set.add(Churn);
    let config = GreedyConfig {
        max_iterations: Some(4),
        ..GreedyConfig::default()
    };
    let r = apply_patterns_greedily(&mut ctx, module, &set, &config);
    assert!(!r.converged);
    assert_eq!(r.iterations, 4);
    assert_eq!(r.num_rewrites, 4);
    assert_eq!(r.stop_reason, StopReason::MaxIterations);
}

#[test]
fn higher_benefit_patterns_win() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let p = op1(&mut ctx, body, "test.ping", &[x]);
    sink(&mut ctx, body, &[p]);
    let mut set = PatternSet::new();
    set.add(Rename {
        name: "to-neg",
        from: "test.ping",
        to: "test.neg",
        benefit: 1,
    });
    set.add(Rename {
        name: "to-double",
        from: "test.ping",
        to: "test.double",
        benefit: 2,
    });
    let r = run(&mut ctx, module, &set);
    assert_eq!(names(&ctx, body), ["test.double", "test.sink"]);
    assert_eq!(r.rewrites.keys().collect::<Vec<_>>(), ["to-double"]);
}

#[test]
fn equal_constants_are_uniqued_and_hoisted() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let n = op1(&mut ctx, body, "test.neg", &[x]);
    let a = konst(&mut ctx, body, 7);
    let s1 = sink(&mut ctx, body, &[n, a]);
    let b = konst(&mut ctx, body, 7);
    let s2 = sink(&mut ctx, body, &[b]);
    let r = run(&mut ctx, module, &PatternSet::new());
    assert_eq!(
        names(&ctx, body),
        ["test.const", "test.neg", "test.sink", "test.sink"]
    );
    assert_eq!(ctx.operand(s1, 1), ctx.operand(s2, 0));
    assert_eq!(r.constants_deduplicated, 1);
    assert!(r.converged);
}

#[test]
fn constants_stay_inside_isolated_regions() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 0);
    let outer = konst(&mut ctx, body, 1);
    sink(&mut ctx, body, &[outer]);
    let inner_func = nested(&mut ctx, body, "test.func", &[]);
    let inner = ctx.entry_block(inner_func, 0).unwrap();
    let region_op = nested(&mut ctx, inner, "test.region", &[]);
    let deep = ctx.entry_block(region_op, 0).unwrap();
    let a = konst(&mut ctx, deep, 1);
    let b = konst(&mut ctx, deep, 1);
    let s = op1(&mut ctx, deep, "test.add", &[a, b]);
    let use_ = sink(&mut ctx, deep, &[s]);
    run(&mut ctx, module, &PatternSet::new());
    // The folded constant went to the entry block of the inner isolated
    // op, not to the outer one where an equal constant already is.
    let folded = ctx.operand(use_, 0);
    assert_eq!(const_of(&ctx, folded), Some(2));
    assert_eq!(ctx.value_block(folded), Some(inner));
    assert_eq!(names(&ctx, inner), ["test.const", "test.region"]);
    assert_eq!(names(&ctx, deep), ["test.sink"]);
    assert_eq!(names(&ctx, body), ["test.const", "test.sink", "test.func"]);
}

#[test]
fn folds_without_a_materializer_are_skipped() {
    let mut ctx = setup();
    // `other.add` folds like `test.add` but its dialect cannot build constants.
    ctx.register_dialect(
        DialectDef::new("other", "no materializer"),
        vec![
            OpDef::new("other.add", "addition")
                .traits(OpTraits::PURE)
                .fold(fold_add),
        ],
    );
    let (module, body) = func(&mut ctx, 0);
    let a = konst(&mut ctx, body, 1);
    let s = op1(&mut ctx, body, "other.add", &[a, a]);
    sink(&mut ctx, body, &[s]);
    let r = run(&mut ctx, module, &PatternSet::new());
    assert_eq!(r.folds, 0);
    assert!(!r.changed && r.converged);
    assert_eq!(names(&ctx, body), ["test.const", "other.add", "test.sink"]);
}

#[test]
fn fold_can_be_switched_off() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 0);
    let a = konst(&mut ctx, body, 1);
    let s = op1(&mut ctx, body, "test.add", &[a, a]);
    sink(&mut ctx, body, &[s]);
    let config = GreedyConfig {
        fold: false,
        ..GreedyConfig::default()
    };
    let r = apply_patterns_greedily(&mut ctx, module, &PatternSet::new(), &config);
    assert!(!r.changed);
    assert_eq!(names(&ctx, body), ["test.const", "test.add", "test.sink"]);
}

#[test]
fn patterns_from_the_registry() {
    fn neg_patterns() -> Vec<Box<dyn RewritePattern>> {
        vec![Box::new(NegNeg)]
    }
    let mut ctx = setup();
    ctx.register_dialect(
        DialectDef::new("pat", "with patterns"),
        vec![OpDef::new("pat.x", "x").patterns(neg_patterns)],
    );
    let set = PatternSet::from_registry(&ctx);
    assert_eq!(set.len(), 1);
    assert_eq!(set.patterns()[0].name(), "neg-neg");
}

#[test]
fn clone_op_copies_regions_and_maps_values() {
    let mut ctx = setup();
    let (module, body) = func(&mut ctx, 1);
    let x = ctx.block_args(body)[0];
    let i32 = ctx.i32_type();
    let r = nested(&mut ctx, body, "test.region", &[i32]);
    let inner = ctx.entry_block(r, 0).unwrap();
    let arg = ctx.block_args(inner)[0];
    let n = op1(&mut ctx, inner, "test.neg", &[arg]);
    let s = op1(&mut ctx, inner, "test.add", &[n, x]);
    sink(&mut ctx, inner, &[s]);

    let y = konst(&mut ctx, body, 4);
    let mut map = ValueMap::new();
    map.insert(x, y);
    let copy = clone_op(&mut ctx, r, &mut map);
    assert!(ctx.op(copy).parent.is_none());
    ctx.append_op(body, copy);
    let copy_inner = ctx.entry_block(copy, 0).unwrap();
    assert_ne!(copy_inner, inner);
    assert_eq!(names(&ctx, copy_inner), names(&ctx, inner));
    let ops = ctx.block_ops_vec(copy_inner);
    let new_arg = ctx.block_args(copy_inner)[0];
    assert_eq!(map.get(arg), Some(new_arg));
    assert_eq!(ctx.operand(ops[0], 0), new_arg);
    assert_eq!(ctx.operand(ops[1], 0), ctx.result(ops[0], 0));
    assert_eq!(ctx.operand(ops[1], 1), y);
    assert_eq!(map.get(s), Some(ctx.result(ops[1], 0)));
    // The original is untouched.
    assert_eq!(ctx.operand(ctx.defining_op(s).unwrap(), 1), x);
    let _ = module;
}

#[test]
fn clone_op_maps_forward_references_in_graph_regions() {
    let mut ctx = setup();
    let (_, body) = func(&mut ctx, 0);
    let r = nested(&mut ctx, body, "test.region", &[]);
    let inner = ctx.entry_block(r, 0).unwrap();
    // `use` refers to `late`, defined after it (allowed in graph regions).
    let placeholder = konst(&mut ctx, inner, 0);
    let user = sink(&mut ctx, inner, &[placeholder]);
    let late = konst(&mut ctx, inner, 1);
    ctx.set_operand(user, 0, late);
    let mut map = ValueMap::new();
    let copy = clone_op(&mut ctx, r, &mut map);
    let ops = ctx.block_ops_vec(ctx.entry_block(copy, 0).unwrap());
    assert_eq!(ctx.operand(ops[1], 0), ctx.result(ops[2], 0));
}
