//! Folds of the `graph` dialect: constants, exact identities, constant
//! evaluation through the interpreter's kernels, patterns, and the greedy
//! driver putting them together.

mod graph_support;

use graph_support::{Env, f32s, i32s};
use tessera_compiler::rewrite::{
    GreedyConfig, PatternSet, RewritePattern, Rewriter, apply_patterns_greedily,
};
use tessera_compiler::{AttrData, Attribute, FoldResult, OpId, Value};
use tessera_dialects::graph::fold::{
    BroadcastOfBroadcast, ReshapeOfReshape, TransposeOfTranspose, fold_op,
};
use tessera_dialects::interp::eval::constant_to_tensor;
use tessera_dialects::interp::value::{ElemType, Tensor};

/// Calls the fold hook of `op` with the constant operands it would see.
fn fold(e: &mut Env, op: OpId) -> Option<Vec<FoldResult>> {
    let operands: Vec<Option<Attribute>> = e
        .ctx
        .op(op)
        .operands
        .clone()
        .into_iter()
        .map(|v| {
            let p = e.ctx.defining_op(v)?;
            if e.ctx.op_is(p, "graph.constant") {
                e.ctx.attr(p, "value")
            } else {
                None
            }
        })
        .collect();
    fold_op(&mut e.ctx, op, &operands)
}

fn folded_value(e: &mut Env, op: OpId) -> Option<Value> {
    match fold(e, op)?.as_slice() {
        [FoldResult::Value(v)] => Some(*v),
        _ => None,
    }
}

fn folded_tensor(e: &mut Env, op: OpId) -> Option<Tensor> {
    match fold(e, op)?.as_slice() {
        [FoldResult::Attr(a)] => Some(constant_to_tensor(&e.ctx, *a).unwrap()),
        _ => None,
    }
}

#[test]
fn constant_folds_to_its_value() {
    let mut e = Env::new();
    let v = e.dense("2xf32", &f32s(&[2], &[1.0, 2.0]));
    let c = e.constant("2xf32", v);
    let op = e.ctx.defining_op(c).unwrap();
    assert_eq!(fold(&mut e, op), Some(vec![FoldResult::Attr(v)]));
}

#[test]
fn elementwise_ops_on_constants_fold() {
    let mut e = Env::new();
    let a = e.dense("2x2xf32", &f32s(&[2, 2], &[1.0, 2.0, 3.0, 4.0]));
    let b = e.dense("2xf32", &f32s(&[2], &[10.0, 20.0]));
    let (ca, cb) = (e.constant("2x2xf32", a), e.constant("2xf32", b));
    let add = e.op("graph.add", &[ca, cb], "2x2xf32", &[]);
    assert_eq!(
        folded_tensor(&mut e, add),
        Some(f32s(&[2, 2], &[11.0, 22.0, 13.0, 24.0]))
    );
    let exp = e.op("graph.neg", &[ca], "2x2xf32", &[]);
    assert_eq!(
        folded_tensor(&mut e, exp),
        Some(f32s(&[2, 2], &[-1.0, -2.0, -3.0, -4.0]))
    );
    let lt = e.str("lt");
    let cmp = e.op("graph.cmp", &[ca, cb], "2x2xi1", &[("predicate", lt)]);
    assert_eq!(
        folded_tensor(&mut e, cmp),
        Some(Tensor::from_i64s(ElemType::I1, &[2, 2], &[1, 1, 1, 1]).unwrap())
    );
    let cast = e.op("graph.cast", &[ca], "2x2xi32", &[]);
    assert_eq!(
        folded_tensor(&mut e, cast),
        Some(i32s(&[2, 2], &[1, 2, 3, 4]))
    );
    // Non-element-wise ops fold too when small.
    let p = e.ints(&[1, 0]);
    let tr = e.op("graph.transpose", &[ca], "2x2xf32", &[("perm", p)]);
    assert_eq!(
        folded_tensor(&mut e, tr),
        Some(f32s(&[2, 2], &[1.0, 3.0, 2.0, 4.0]))
    );
    let mm = e.op("graph.matmul", &[ca, ca], "2x2xf32", &[]);
    assert_eq!(
        folded_tensor(&mut e, mm),
        Some(f32s(&[2, 2], &[7.0, 10.0, 15.0, 22.0]))
    );
}

#[test]
fn splats_fold_at_any_size() {
    let mut e = Env::new();
    let two = e.splat("2048x2048xf32", &f32s(&[], &[2.0]));
    let three = e.splat("2048xf32", &f32s(&[], &[3.0]));
    let (a, b) = (
        e.constant("2048x2048xf32", two),
        e.constant("2048xf32", three),
    );
    let mul = e.op("graph.mul", &[a, b], "2048x2048xf32", &[]);
    let want_ty = e.ty("2048x2048xf32");
    let r = fold(&mut e, mul).unwrap();
    let [FoldResult::Attr(attr)] = r.as_slice() else {
        panic!("expected a constant, got {r:?}")
    };
    let AttrData::DenseElements(d) = e.ctx.attr_data(*attr) else {
        panic!()
    };
    assert!(d.splat);
    assert_eq!(d.bytes, 6.0f32.to_le_bytes());
    assert_eq!(d.ty, want_ty);
}

#[test]
fn large_or_failing_constants_do_not_fold() {
    let mut e = Env::new();
    let vals: Vec<f64> = (0..2000).map(f64::from).collect();
    let big = e.dense("2000xf32", &f32s(&[2000], &vals));
    let c = e.constant("2000xf32", big);
    let neg = e.op("graph.neg", &[c], "2000xf32", &[]);
    assert_eq!(fold(&mut e, neg), None);
    // Integer division by zero is left for run time to report.
    let a = e.dense("2xi32", &i32s(&[2], &[1, 2]));
    let z = e.dense("2xi32", &i32s(&[2], &[1, 0]));
    let (ca, cz) = (e.constant("2xi32", a), e.constant("2xi32", z));
    let div = e.op("graph.div", &[ca, cz], "2xi32", &[]);
    assert_eq!(fold(&mut e, div), None);
    // An op that does not verify does not fold.
    let bad = e.op("graph.add", &[ca, ca], "3xi32", &[]);
    assert_eq!(fold(&mut e, bad), None);
}

#[test]
fn exact_arithmetic_identities() {
    let mut e = Env::new();
    let x = e.arg("2x3xf32");
    let neg_zero = e.splat("3xf32", &f32s(&[], &[-0.0]));
    let pos_zero = e.splat("3xf32", &f32s(&[], &[0.0]));
    let one = e.splat("2x3xf32", &f32s(&[], &[1.0]));
    let (nz, pz, c1) = (
        e.constant("3xf32", neg_zero),
        e.constant("3xf32", pos_zero),
        e.constant("2x3xf32", one),
    );
    let add = e.op("graph.add", &[x, nz], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, add), Some(x));
    let add_rev = e.op("graph.add", &[nz, x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, add_rev), Some(x));
    // x + 0.0 is not x when x is -0.0.
    let add0 = e.op("graph.add", &[x, pz], "2x3xf32", &[]);
    assert_eq!(fold(&mut e, add0), None);
    let sub = e.op("graph.sub", &[x, pz], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, sub), Some(x));
    let sub_rev = e.op("graph.sub", &[pz, x], "2x3xf32", &[]);
    assert_eq!(fold(&mut e, sub_rev), None);
    let mul = e.op("graph.mul", &[c1, x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, mul), Some(x));
    let div = e.op("graph.div", &[x, c1], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, div), Some(x));
    // x * 0 is never folded (NaN, inf, -0.0).
    let mul0 = e.op("graph.mul", &[x, pz], "2x3xf32", &[]);
    assert_eq!(fold(&mut e, mul0), None);
    // A neutral operand that broadcasts x to a bigger shape is no identity.
    let y = e.arg("3xf32");
    let grow = e.op("graph.mul", &[y, c1], "2x3xf32", &[]);
    assert_eq!(fold(&mut e, grow), None);
    let max = e.op("graph.max", &[x, x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, max), Some(x));
    let i = e.arg("4xi32");
    let izero = e.splat("4xi32", &i32s(&[], &[0]));
    let iz = e.constant("4xi32", izero);
    let iadd = e.op("graph.add", &[i, iz], "4xi32", &[]);
    assert_eq!(folded_value(&mut e, iadd), Some(i));
}

#[test]
fn shape_identities() {
    let mut e = Env::new();
    let x = e.arg("2x3xf32");
    let r = e.op("graph.reshape", &[x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, r), Some(x));
    let r1 = e.op("graph.reshape", &[x], "6xf32", &[]);
    assert_eq!(fold(&mut e, r1), None);
    let v1 = e.ctx.result(r1, 0);
    let r2 = e.op("graph.reshape", &[v1], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, r2), Some(x));
    let id = e.ints(&[0, 1]);
    let t = e.op("graph.transpose", &[x], "2x3xf32", &[("perm", id)]);
    assert_eq!(folded_value(&mut e, t), Some(x));
    let swap = e.ints(&[1, 0]);
    let t2 = e.op("graph.transpose", &[x], "3x2xf32", &[("perm", swap)]);
    assert_eq!(fold(&mut e, t2), None);
    let b = e.op("graph.broadcast_to", &[x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, b), Some(x));
    let c = e.op("graph.cast", &[x], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, c), Some(x));
    let (s, l) = (e.ints(&[0, 0]), e.ints(&[2, 3]));
    let sl = e.op(
        "graph.slice",
        &[x],
        "2x3xf32",
        &[("starts", s), ("limits", l)],
    );
    assert_eq!(folded_value(&mut e, sl), Some(x));
    let ax = e.int(0);
    let cat = e.op("graph.concat", &[x], "2x3xf32", &[("axis", ax)]);
    assert_eq!(folded_value(&mut e, cat), Some(x));
    let n1 = e.op("graph.neg", &[x], "2x3xf32", &[]);
    let n1v = e.ctx.result(n1, 0);
    let n2 = e.op("graph.neg", &[n1v], "2x3xf32", &[]);
    assert_eq!(folded_value(&mut e, n2), Some(x));
}

#[test]
fn select_on_constant_condition() {
    let mut e = Env::new();
    let (a, b) = (e.arg("2xf32"), e.arg("2xf32"));
    let t = e.splat("2xi1", &Tensor::from_i64s(ElemType::I1, &[], &[1]).unwrap());
    let f = e.splat("2xi1", &Tensor::from_i64s(ElemType::I1, &[], &[0]).unwrap());
    let (ct, cf) = (e.constant("2xi1", t), e.constant("2xi1", f));
    let s1 = e.op("graph.select", &[ct, a, b], "2xf32", &[]);
    assert_eq!(folded_value(&mut e, s1), Some(a));
    let s2 = e.op("graph.select", &[cf, a, b], "2xf32", &[]);
    assert_eq!(folded_value(&mut e, s2), Some(b));
    let c = e.arg("2xi1");
    let s3 = e.op("graph.select", &[c, a, a], "2xf32", &[]);
    assert_eq!(folded_value(&mut e, s3), Some(a));
    let s4 = e.op("graph.select", &[c, a, b], "2xf32", &[]);
    assert_eq!(fold(&mut e, s4), None);
}

#[test]
fn patterns_merge_chains() {
    let mut e = Env::new();
    let x = e.arg("2x3x4xf32");
    let (p1, p2) = (e.ints(&[1, 2, 0]), e.ints(&[2, 0, 1]));
    let t1 = e.op("graph.transpose", &[x], "3x4x2xf32", &[("perm", p1)]);
    let t1v = e.ctx.result(t1, 0);
    let t2 = e.op("graph.transpose", &[t1v], "2x3x4xf32", &[("perm", p2)]);
    {
        let mut rw = Rewriter::new(&mut e.ctx);
        assert!(TransposeOfTranspose.match_and_rewrite(&mut rw, t2));
    }
    assert_eq!(e.ctx.operand(t2, 0), x);
    assert_eq!(
        e.ctx.attr_data_of(t2, "perm").unwrap().as_int_array(),
        Some(&[0i64, 1, 2][..])
    );
    assert_eq!(e.verify(t2), Ok(()));
    // Now the identity transpose folds away.
    assert_eq!(folded_value(&mut e, t2), Some(x));

    let r1 = e.op("graph.reshape", &[x], "24xf32", &[]);
    let r1v = e.ctx.result(r1, 0);
    let r2 = e.op("graph.reshape", &[r1v], "6x4xf32", &[]);
    {
        let mut rw = Rewriter::new(&mut e.ctx);
        assert!(ReshapeOfReshape.match_and_rewrite(&mut rw, r2));
        assert!(!ReshapeOfReshape.match_and_rewrite(&mut rw, r1));
    }
    assert_eq!(e.ctx.operand(r2, 0), x);

    let y = e.arg("3xf32");
    let b1 = e.op("graph.broadcast_to", &[y], "1x3xf32", &[]);
    let b1v = e.ctx.result(b1, 0);
    let b2 = e.op("graph.broadcast_to", &[b1v], "5x2x3xf32", &[]);
    {
        let mut rw = Rewriter::new(&mut e.ctx);
        assert!(BroadcastOfBroadcast.match_and_rewrite(&mut rw, b2));
    }
    assert_eq!(e.ctx.operand(b2, 0), y);
    assert_eq!(e.verify(b2), Ok(()));
}

#[test]
fn greedy_driver_folds_a_constant_expression() {
    let mut e = Env::new();
    let a = e.dense("2xf32", &f32s(&[2], &[1.0, 4.0]));
    let ca = e.constant("2xf32", a);
    let sq = e.op("graph.sqrt", &[ca], "2xf32", &[]);
    let sqv = e.ctx.result(sq, 0);
    let x = e.arg("2xf32");
    let add = e.op("graph.add", &[x, sqv], "2xf32", &[]);
    let addv = e.ctx.result(add, 0);
    // Keep the result alive with an unregistered user.
    e.op("test.use", &[addv], "2xf32", &[]);
    let patterns = PatternSet::from_registry(&e.ctx);
    let res = apply_patterns_greedily(&mut e.ctx, e.module, &patterns, &GreedyConfig::default());
    assert!(res.converged && res.changed, "{res:?}");
    let ops: Vec<OpId> = e.ctx.block_ops_vec(e.block);
    let names: Vec<&str> = ops.iter().map(|&o| e.ctx.op_name_of(o)).collect();
    // The folded constant may be hoisted out of the block (the driver puts
    // constants at the start of their region); sqrt and the old constant are gone.
    assert!(!names.contains(&"graph.sqrt"), "{names:?}");
    let add = ops[names.iter().position(|&n| n == "graph.add").unwrap()];
    let c = e.ctx.defining_op(e.ctx.operand(add, 1)).unwrap();
    assert!(e.ctx.op_is(c, "graph.constant"));
    let value = e.ctx.attr(c, "value").unwrap();
    assert_eq!(
        constant_to_tensor(&e.ctx, value).unwrap(),
        f32s(&[2], &[1.0, 2.0])
    );
    let all = e.ctx.walk_preorder(e.module);
    let constants = all
        .iter()
        .filter(|&&o| e.ctx.op_is(o, "graph.constant"))
        .count();
    assert_eq!(constants, 1, "the dead input constant is erased");
}
