//! The `graph` verifier: one test per rule family, building ops with the
//! Builder API and checking the diagnostics (message and location).

mod graph_support;

use graph_support::{Env, assert_err, f32s};
use tessera_compiler::{AttrData, DenseArrayValues};

#[test]
fn every_spec_op_is_registered_with_traits() {
    let env = Env::new();
    let defs: Vec<_> = env
        .ctx
        .op_defs()
        .into_iter()
        .filter(|d| d.name.starts_with("graph."))
        .collect();
    assert_eq!(defs.len(), tessera_dialects::graph::OPS.len());
    assert_eq!(defs.len(), 51);
    use tessera_compiler::OpTraits;
    for d in defs {
        assert!(d.traits.contains(OpTraits::PURE), "{}", d.name);
        assert!(d.verify.is_some() && d.fold.is_some(), "{}", d.name);
        assert!(matches!(d.syntax, tessera_compiler::OpSyntax::Functional));
        let comm = ["graph.add", "graph.mul", "graph.max", "graph.min"].contains(&d.name.as_str());
        assert_eq!(d.traits.contains(OpTraits::COMMUTATIVE), comm, "{}", d.name);
        let constant = d.name == "graph.constant";
        assert_eq!(d.traits.contains(OpTraits::CONSTANT_LIKE), constant);
        assert!(
            d.description.contains("```mlir"),
            "{} has an example",
            d.name
        );
    }
    assert!(
        env.ctx
            .dialect("graph")
            .unwrap()
            .materialize_constant
            .is_some()
    );
}

#[test]
fn unary_element_types() {
    let mut e = Env::new();
    assert_eq!(e.check("graph.exp", &["2x3xf32"], "2x3xf32", &[]), Ok(()));
    assert_eq!(e.check("graph.gelu", &["f64"], "f64", &[]), Ok(()));
    assert_eq!(e.check("graph.neg", &["4xi32"], "4xi32", &[]), Ok(()));
    assert_eq!(e.check("graph.square", &["4xi64"], "4xi64", &[]), Ok(()));
    assert_err(
        e.check("graph.exp", &["2xi32"], "2xi32", &[]),
        "'graph.exp' op the operand must have element type f32 or f64, got tensor<2xi32>",
    );
    assert_err(
        e.check("graph.relu", &["2xi1"], "2xi1", &[]),
        "must have element type f32, f64, i32 or i64, got tensor<2xi1>",
    );
    assert_err(
        e.check("graph.tanh", &["2x3xf32"], "3x2xf32", &[]),
        "result type tensor<3x2xf32> does not match the inferred type tensor<2x3xf32>",
    );
    assert_err(
        e.check("graph.sin", &["2xf32"], "2xf64", &[]),
        "does not match the inferred type tensor<2xf32>",
    );
}

#[test]
fn operand_and_result_counts() {
    let mut e = Env::new();
    assert_err(
        e.check("graph.add", &["2xf32"], "2xf32", &[]),
        "'graph.add' op expects 2 operands, but got 1",
    );
    assert_err(
        e.check("graph.exp", &["2xf32", "2xf32"], "2xf32", &[]),
        "expects 1 operand, but got 2",
    );
    assert_err(
        e.check("graph.concat", &[], "2xf32", &[]),
        "expects at least 1 operand, but got 0",
    );
    let x = e.arg("2xf32");
    let t = e.ty("2xf32");
    let loc = e.loc;
    let mut b = tessera_compiler::ir::Builder::new(
        &mut e.ctx,
        tessera_compiler::ir::InsertPoint::End(e.block),
    );
    let op = b.create("graph.exp", &[x], &[t, t], &[], loc);
    assert_err(e.verify(op), "expects 1 result, but got 2");
}

#[test]
fn broadcasting_result_type_names_both_shapes() {
    let mut e = Env::new();
    assert_eq!(
        e.check("graph.add", &["2x3xf32", "3xf32"], "2x3xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check("graph.mul", &["4x1x3xf32", "2x1xf32"], "4x2x3xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check("graph.sub", &["f32", "2xf32"], "2xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check("graph.div", &["2xi32", "2xi32"], "2xi32", &[]),
        Ok(())
    );
    assert_eq!(e.check("graph.max", &["2xi1", "2xi1"], "2xi1", &[]), Ok(()));
    assert_err(
        e.check("graph.add", &["2x3xf32", "3xf32"], "2x4xf32", &[]),
        "'graph.add' op result type tensor<2x4xf32> does not match the broadcast shape tensor<2x3xf32> of the operands",
    );
    assert_err(
        e.check("graph.add", &["2x3xf32", "4xf32"], "2x3xf32", &[]),
        "operand shapes are not broadcast-compatible: tensor<2x3xf32>, tensor<4xf32>",
    );
    assert_err(
        e.check("graph.add", &["2xf32", "2xf64"], "2xf32", &[]),
        "both operands must have the same element type, got tensor<2xf32> and tensor<2xf64>",
    );
    assert_err(
        e.check("graph.add", &["2xi1", "2xi1"], "2xi1", &[]),
        "must have element type f32, f64, i32 or i64",
    );
    assert_err(
        e.check("graph.add", &["2x3xf32", "3xf32"], "2x3xi32", &[]),
        "does not match the inferred type tensor<2x3xf32>",
    );
}

#[test]
fn cmp_select_cast() {
    let mut e = Env::new();
    let lt = e.str("lt");
    assert_eq!(
        e.check(
            "graph.cmp",
            &["2x3xf32", "3xf32"],
            "2x3xi1",
            &[("predicate", lt)]
        ),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.cmp",
            &["2xf32", "2xf32"],
            "2xf32",
            &[("predicate", lt)],
        ),
        "result type tensor<2xf32> does not match the inferred type tensor<2xi1>",
    );
    assert_err(
        e.check("graph.cmp", &["2xf32", "2xf32"], "2xi1", &[]),
        "requires attribute 'predicate'",
    );
    let bad = e.str("less");
    assert_err(
        e.check(
            "graph.cmp",
            &["2xf32", "2xf32"],
            "2xi1",
            &[("predicate", bad)],
        ),
        "predicate \"less\" is not one of \"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\"",
    );
    let one = e.int(1);
    assert_err(
        e.check(
            "graph.cmp",
            &["2xf32", "2xf32"],
            "2xi1",
            &[("predicate", one)],
        ),
        "attribute 'predicate' must be a string, got an integer",
    );
    assert_eq!(
        e.check("graph.select", &["2x1xi1", "3xf32", "f32"], "2x3xf32", &[]),
        Ok(())
    );
    assert_err(
        e.check("graph.select", &["2xf32", "2xf32", "2xf32"], "2xf32", &[]),
        "the condition must have element type i1, got tensor<2xf32>",
    );
    assert_err(
        e.check("graph.select", &["2xi1", "2xf32", "2xi32"], "2xf32", &[]),
        "the two value operands must have the same element type",
    );
    assert_err(
        e.check("graph.select", &["2x1xi1", "3xf32", "f32"], "3x3xf32", &[]),
        "does not match the broadcast shape tensor<2x3xf32> of the operands",
    );
    assert_eq!(e.check("graph.cast", &["2x3xf32"], "2x3xi1", &[]), Ok(()));
    assert_eq!(e.check("graph.cast", &["2xi1"], "2xf64", &[]), Ok(()));
    assert_err(
        e.check("graph.cast", &["2x3xf32"], "6xi32", &[]),
        "result type tensor<6xi32> must have the shape of the operand type tensor<2x3xf32>",
    );
}

#[test]
fn constants() {
    let mut e = Env::new();
    let v = e.dense("1x2xf32", &f32s(&[1, 2], &[1.0, 2.0]));
    let op = e.op("graph.constant", &[], "1x2xf32", &[("value", v)]);
    assert_eq!(e.verify(op), Ok(()));
    let op = e.op("graph.constant", &[], "2x1xf32", &[("value", v)]);
    assert_err(
        e.verify(op),
        "result type tensor<2x1xf32> does not match the inferred type tensor<1x2xf32>",
    );
    let op = e.op("graph.constant", &[], "2xf32", &[]);
    assert_err(e.verify(op), "requires attribute 'value'");
    let s = e.f64(1.0);
    let op = e.op("graph.constant", &[], "2xf32", &[("value", s)]);
    assert_err(e.verify(op), "attribute 'value' must be dense elements");
    // Bytes that do not fill the type are caught without reading past them.
    let short = e.dense("3xf32", &f32s(&[2], &[1.0, 2.0]));
    let op = e.op("graph.constant", &[], "3xf32", &[("value", short)]);
    assert_err(e.verify(op), "holds 8 bytes, but tensor<3xf32> needs 12");
    let x = e.arg("2xf32");
    let op = e.op("graph.constant", &[x], "1x2xf32", &[("value", v)]);
    assert_err(e.verify(op), "expects 0 operands, but got 1");
}

#[test]
fn reshape_transpose_broadcast_to() {
    let mut e = Env::new();
    assert_eq!(
        e.check("graph.reshape", &["2x3xf32"], "3x2xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check("graph.reshape", &["6xf32"], "1x6x1xf32", &[]),
        Ok(())
    );
    assert_err(
        e.check("graph.reshape", &["2x3xf32"], "4x2xf32", &[]),
        "cannot reshape tensor<2x3xf32> (6 elements) to tensor<4x2xf32> (8 elements)",
    );
    assert_err(
        e.check("graph.reshape", &["2x3xf32"], "6xi32", &[]),
        "the operand and the result must have the same element type",
    );
    let p = e.ints(&[1, 0]);
    assert_eq!(
        e.check("graph.transpose", &["2x3xf32"], "3x2xf32", &[("perm", p)]),
        Ok(())
    );
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "2x3xf32", &[("perm", p)]),
        "result type tensor<2x3xf32> does not match the inferred type tensor<3x2xf32>",
    );
    let p = e.ints(&[0, 0]);
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "2x2xf32", &[("perm", p)]),
        "perm [0, 0] is not a permutation of 0..2",
    );
    let p = e.ints(&[0]);
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "2xf32", &[("perm", p)]),
        "perm [0] is not a permutation of 0..2",
    );
    let p = e.ints(&[-1, 0]);
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "3x2xf32", &[("perm", p)]),
        "is not a permutation",
    );
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "3x2xf32", &[]),
        "requires attribute 'perm'",
    );
    let i32t = e.ctx.i32_type();
    let p32 = e.ctx.intern_attr(AttrData::DenseArray {
        elem: i32t,
        values: DenseArrayValues::Int(vec![1, 0]),
    });
    assert_err(
        e.check("graph.transpose", &["2x3xf32"], "3x2xf32", &[("perm", p32)]),
        "attribute 'perm' must be an i64 dense array such as array<i64: 1, 0>",
    );
    assert_eq!(
        e.check("graph.broadcast_to", &["3xf32"], "2x3xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check("graph.broadcast_to", &["2x1xf32"], "4x2x5xf32", &[]),
        Ok(())
    );
    assert_err(
        e.check("graph.broadcast_to", &["3x2xf32"], "4x3xf32", &[]),
        "cannot broadcast tensor<3x2xf32> to tensor<4x3xf32>",
    );
    assert_err(
        e.check("graph.broadcast_to", &["2x3xf32"], "3xf32", &[]),
        "cannot broadcast",
    );
}

#[test]
fn concat_slice_pad_gather() {
    let mut e = Env::new();
    let a0 = e.int(0);
    let a1 = e.int(1);
    let am1 = e.int(-1);
    let a2 = e.int(2);
    assert_eq!(
        e.check(
            "graph.concat",
            &["2x3xf32", "1x3xf32"],
            "3x3xf32",
            &[("axis", a0)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.concat",
            &["2x3xf32", "2x1xf32"],
            "2x4xf32",
            &[("axis", am1)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check("graph.concat", &["2xf32"], "2xf32", &[("axis", a0)]),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.concat",
            &["2x3xf32", "1x3xf32"],
            "3x3xf32",
            &[("axis", a1)],
        ),
        "operand 1 (tensor<1x3xf32>) does not match operand 0 (tensor<2x3xf32>) in the dimensions other than axis 1",
    );
    assert_err(
        e.check(
            "graph.concat",
            &["2x3xf32", "2x3xf32"],
            "4x3xf32",
            &[("axis", a2)],
        ),
        "axis 2 is out of range for rank 2",
    );
    assert_err(
        e.check(
            "graph.concat",
            &["2xf32", "2xi32"],
            "4xf32",
            &[("axis", a0)],
        ),
        "operand 0 and operand 1 must have the same element type",
    );
    assert_err(
        e.check("graph.concat", &["f32"], "f32", &[("axis", a0)]),
        "operand 0 must have rank at least 1",
    );
    assert_err(
        e.check("graph.concat", &["2xf32"], "2xf32", &[]),
        "requires attribute 'axis'",
    );

    let (s, l, st) = (e.ints(&[0, 1]), e.ints(&[2, 3]), e.ints(&[1, 2]));
    let attrs = [("starts", s), ("limits", l), ("strides", st)];
    assert_eq!(
        e.check("graph.slice", &["2x3xf32"], "2x1xf32", &attrs),
        Ok(())
    );
    assert_eq!(
        e.check("graph.slice", &["2x3xf32"], "2x2xf32", &attrs[..2]),
        Ok(())
    );
    let l4 = e.ints(&[2, 4]);
    assert_err(
        e.check(
            "graph.slice",
            &["2x3xf32"],
            "2x1xf32",
            &[("starts", s), ("limits", l4)],
        ),
        "slice of dimension 1: start 1 and limit 4 must satisfy 0 <= start <= limit <= 3",
    );
    let z = e.ints(&[1, 0]);
    assert_err(
        e.check(
            "graph.slice",
            &["2x3xf32"],
            "2x1xf32",
            &[("starts", s), ("limits", l), ("strides", z)],
        ),
        "slice of dimension 1: stride 0 must be at least 1",
    );
    let short = e.ints(&[0]);
    assert_err(
        e.check(
            "graph.slice",
            &["2x3xf32"],
            "2x1xf32",
            &[("starts", short), ("limits", l)],
        ),
        "attribute 'starts' has 1 entries, but the operand tensor<2x3xf32> needs 2",
    );
    let neg = e.ints(&[-1, 0]);
    assert_err(
        e.check(
            "graph.slice",
            &["2x3xf32"],
            "1x3xf32",
            &[("starts", neg), ("limits", l)],
        ),
        "start -1 and limit 2",
    );

    let (lo, hi, v) = (e.ints(&[1, 0]), e.ints(&[0, 1]), e.f64(0.5));
    assert_eq!(
        e.check(
            "graph.pad",
            &["2x3xf32"],
            "3x4xf32",
            &[("low", lo), ("high", hi), ("value", v)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.pad",
            &["2x3xi32"],
            "3x4xi32",
            &[("low", lo), ("high", hi)]
        ),
        Ok(())
    );
    let bad = e.ints(&[-1, 0]);
    assert_err(
        e.check(
            "graph.pad",
            &["2x3xf32"],
            "1x4xf32",
            &[("low", bad), ("high", hi)],
        ),
        "padding of dimension 0 must be non-negative, got low -1 and high 0",
    );
    let s = e.str("zero");
    assert_err(
        e.check(
            "graph.pad",
            &["2x3xf32"],
            "3x4xf32",
            &[("low", lo), ("high", hi), ("value", s)],
        ),
        "attribute 'value' must be a number",
    );

    assert_eq!(
        e.check(
            "graph.gather",
            &["5x3xf32", "2x2xi64"],
            "2x2x3xf32",
            &[("axis", a0)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.gather",
            &["5x3xf32", "4xi32"],
            "5x4xf32",
            &[("axis", am1)]
        ),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.gather",
            &["5x3xf32", "2xf32"],
            "2x3xf32",
            &[("axis", a0)],
        ),
        "the indices must have element type i32 or i64, got tensor<2xf32>",
    );
    assert_err(
        e.check(
            "graph.gather",
            &["5x3xf32", "2xi64"],
            "5x3xf32",
            &[("axis", a0)],
        ),
        "does not match the inferred type tensor<2x3xf32>",
    );
}

#[test]
fn reductions_and_softmax() {
    let mut e = Env::new();
    let ax = e.ints(&[1]);
    let t = e.bool(true);
    assert_eq!(
        e.check("graph.reduce_sum", &["2x3xf32"], "2xf32", &[("axes", ax)]),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.reduce_max",
            &["2x3xi1"],
            "2x1xi1",
            &[("axes", ax), ("keepdims", t)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check("graph.reduce_prod", &["2x3xi32"], "2xi32", &[("axes", ax)]),
        Ok(())
    );
    let both = e.ints(&[0, 1]);
    assert_eq!(
        e.check("graph.reduce_mean", &["2x3xf64"], "f64", &[("axes", both)]),
        Ok(())
    );
    assert_err(
        e.check("graph.reduce_mean", &["2x3xi32"], "2xi32", &[("axes", ax)]),
        "the operand must have element type f32 or f64, got tensor<2x3xi32>",
    );
    assert_err(
        e.check("graph.reduce_sum", &["2x3xf32"], "2x1xf32", &[("axes", ax)]),
        "result type tensor<2x1xf32> does not match the inferred type tensor<2xf32>",
    );
    let unsorted = e.ints(&[1, 0]);
    assert_err(
        e.check(
            "graph.reduce_sum",
            &["2x3xf32"],
            "f32",
            &[("axes", unsorted)],
        ),
        "axes [1, 0] must be sorted and unique",
    );
    let dup = e.ints(&[1, 1]);
    assert_err(
        e.check("graph.reduce_sum", &["2x3xf32"], "2xf32", &[("axes", dup)]),
        "sorted and unique",
    );
    let neg = e.ints(&[-1]);
    assert_err(
        e.check("graph.reduce_sum", &["2x3xf32"], "2xf32", &[("axes", neg)]),
        "axis -1 in axes [-1] is out of range: axes must be in 0..2",
    );
    let big = e.ints(&[2]);
    assert_err(
        e.check("graph.reduce_sum", &["2x3xf32"], "2xf32", &[("axes", big)]),
        "axis 2 in axes [2] is out of range",
    );
    assert_err(
        e.check("graph.reduce_sum", &["2x3xf32"], "2xf32", &[]),
        "requires attribute 'axes'",
    );
    let one = e.int(1);
    assert_err(
        e.check(
            "graph.reduce_sum",
            &["2x3xf32"],
            "2xf32",
            &[("axes", ax), ("keepdims", one)],
        ),
        "attribute 'keepdims' must be true or false",
    );
    assert_err(
        e.check("graph.reduce_max", &["2x0xf32"], "2xf32", &[("axes", ax)]),
        "cannot take the maximum over the empty dimension 1 of tensor<2x0xf32>",
    );
    assert_eq!(
        e.check("graph.reduce_sum", &["2x0xf32"], "2xf32", &[("axes", ax)]),
        Ok(())
    );

    assert_eq!(
        e.check("graph.argmax", &["2x3xf32"], "2xi64", &[("axis", one)]),
        Ok(())
    );
    let m1 = e.int(-1);
    assert_eq!(
        e.check(
            "graph.argmax",
            &["2x3xi32"],
            "2x1xi64",
            &[("axis", m1), ("keepdims", t)]
        ),
        Ok(())
    );
    assert_err(
        e.check("graph.argmax", &["2x3xf32"], "2xf32", &[("axis", one)]),
        "does not match the inferred type tensor<2xi64>",
    );
    assert_err(
        e.check("graph.argmax", &["f32"], "i64", &[("axis", one)]),
        "must have rank at least 1",
    );

    assert_eq!(
        e.check("graph.softmax", &["2x3xf32"], "2x3xf32", &[("axis", m1)]),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.log_softmax",
            &["2x3xf64"],
            "2x3xf64",
            &[("axis", one)]
        ),
        Ok(())
    );
    assert_err(
        e.check("graph.softmax", &["2x3xi32"], "2x3xi32", &[("axis", one)]),
        "must have element type f32 or f64",
    );
    let three = e.int(3);
    assert_err(
        e.check("graph.softmax", &["2x3xf32"], "2x3xf32", &[("axis", three)]),
        "axis 3 is out of range for rank 2 (expected -2..2)",
    );
}

#[test]
fn matmul_rules() {
    let mut e = Env::new();
    assert_eq!(
        e.check("graph.matmul", &["2x3xf32", "3x4xf32"], "2x4xf32", &[]),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.matmul",
            &["5x1x2x3xf32", "7x3x4xf32"],
            "5x7x2x4xf32",
            &[]
        ),
        Ok(())
    );
    assert_eq!(
        e.check("graph.matmul", &["2x3xi32", "3x4xi32"], "2x4xi32", &[]),
        Ok(())
    );
    assert_err(
        e.check("graph.matmul", &["2x3xf32", "4x5xf32"], "2x5xf32", &[]),
        "contracting dimensions differ: tensor<2x3xf32> has K = 3 but tensor<4x5xf32> has K = 4",
    );
    assert_err(
        e.check("graph.matmul", &["3xf32", "3x4xf32"], "4xf32", &[]),
        "the left operand must have rank at least 2, got tensor<3xf32>",
    );
    assert_err(
        e.check(
            "graph.matmul",
            &["2x2x3xf32", "3x3x4xf32"],
            "3x2x4xf32",
            &[],
        ),
        "batch dimensions [2] of tensor<2x2x3xf32> and [3] of tensor<3x3x4xf32> are not broadcast-compatible",
    );
    assert_err(
        e.check("graph.matmul", &["2x3xf32", "3x4xf32"], "4x2xf32", &[]),
        "result type tensor<4x2xf32> does not match the inferred type tensor<2x4xf32>",
    );
    assert_err(
        e.check("graph.matmul", &["2x3xi1", "3x4xi1"], "2x4xi1", &[]),
        "must have element type f32, f64, i32 or i64",
    );
}

#[test]
fn conv2d_rules() {
    let mut e = Env::new();
    let (s1, s2) = (e.ints(&[1, 1]), e.ints(&[2, 2]));
    let p1 = e.ints(&[1, 1, 1, 1]);
    let d2 = e.ints(&[2, 2]);
    let g2 = e.int(2);
    // Defaults: stride 1, no padding, dilation 1, one group.
    assert_eq!(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x8x8xf32",
            &[("padding", p1), ("strides", s1)]
        ),
        Ok(())
    );
    // OH = (8 + 2 - 2*(3-1) - 1) / 2 + 1 = 3.
    assert_eq!(
        e.check(
            "graph.conv2d",
            &["2x4x8x8xf32", "6x2x3x3xf32"],
            "2x6x3x3xf32",
            &[
                ("padding", p1),
                ("strides", s2),
                ("dilations", d2),
                ("groups", g2)
            ]
        ),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x8x8xf32",
            &[],
        ),
        "result type tensor<1x4x8x8xf32> does not match the inferred type tensor<1x4x6x6xf32>",
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[("groups", g2)],
        ),
        "groups = 2 must divide the input channels (3) and the output channels (4)",
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x4x8x8xf32", "4x4x3x3xf32"],
            "1x4x6x6xf32",
            &[("groups", g2)],
        ),
        "the weight tensor<4x4x3x3xf32> has 4 input channels per group, but the input tensor<1x4x8x8xf32> with groups = 2 needs 2",
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x2x2xf32", "4x3x3x3xf32"],
            "1x4x1x1xf32",
            &[],
        ),
        "the window height (3) is larger than the padded input height (2)",
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[],
        ),
        "the input must have rank 4 [N, C, H, W], got tensor<3x8x8xf32>",
    );
    let s0 = e.ints(&[0, 1]);
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[("strides", s0)],
        ),
        "attribute 'strides' entries must be at least 1, got 0 in [0, 1]",
    );
    let p3 = e.ints(&[1, 1, 1]);
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[("padding", p3)],
        ),
        "attribute 'padding' has 3 entries, but [top, left, bottom, right] needs 4",
    );
    let g0 = e.int(0);
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xf32", "4x3x3x3xf32"],
            "1x4x6x6xf32",
            &[("groups", g0)],
        ),
        "groups must be at least 1, got 0",
    );
    assert_err(
        e.check(
            "graph.conv2d",
            &["1x3x8x8xi32", "4x3x3x3xi32"],
            "1x4x6x6xi32",
            &[],
        ),
        "must have element type f32 or f64",
    );
}

#[test]
fn pooling_rules() {
    let mut e = Env::new();
    let (k2, s2) = (e.ints(&[2, 2]), e.ints(&[2, 2]));
    let k3 = e.ints(&[3, 3]);
    let s1 = e.ints(&[1, 1]);
    let p1 = e.ints(&[1, 1, 1, 1]);
    let p3 = e.ints(&[3, 0, 0, 0]);
    assert_eq!(
        e.check(
            "graph.max_pool2d",
            &["1x3x8x8xf32"],
            "1x3x4x4xf32",
            &[("kernel", k2), ("strides", s2)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.avg_pool2d",
            &["1x3x8x8xf32"],
            "1x3x8x8xf32",
            &[("kernel", k3), ("strides", s1), ("padding", p1)]
        ),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.avg_pool2d",
            &["1x3x8x8xf32"],
            "1x3x9x6xf32",
            &[("kernel", k3), ("strides", s1), ("padding", p3)],
        ),
        "padding top (3) must be smaller than the kernel height (3)",
    );
    assert_err(
        e.check(
            "graph.max_pool2d",
            &["1x3x8x8xf32"],
            "1x3x4x4xf32",
            &[("strides", s2)],
        ),
        "requires attribute 'kernel'",
    );
    assert_err(
        e.check(
            "graph.max_pool2d",
            &["1x3x8x8xf32"],
            "1x3x4x4xf32",
            &[("kernel", k2)],
        ),
        "requires attribute 'strides'",
    );
    assert_err(
        e.check(
            "graph.max_pool2d",
            &["1x3x8x8xf32"],
            "1x3x3x3xf32",
            &[("kernel", k2), ("strides", s2)],
        ),
        "does not match the inferred type tensor<1x3x4x4xf32>",
    );
    assert_err(
        e.check(
            "graph.max_pool2d",
            &["3x8x8xf32"],
            "3x4x4xf32",
            &[("kernel", k2), ("strides", s2)],
        ),
        "the input must have rank 4",
    );
}

#[test]
fn normalization_rules() {
    let mut e = Env::new();
    let eps = e.f64(1e-5);
    let ops = ["2x3x4x4xf32", "3xf32", "3xf32", "3xf32", "3xf32"];
    assert_eq!(
        e.check("graph.batch_norm", &ops, "2x3x4x4xf32", &[("epsilon", eps)]),
        Ok(())
    );
    assert_err(
        e.check("graph.batch_norm", &ops, "2x3x4x4xf32", &[]),
        "requires attribute 'epsilon'",
    );
    let neg = e.f64(-1.0);
    assert_err(
        e.check("graph.batch_norm", &ops, "2x3x4x4xf32", &[("epsilon", neg)]),
        "epsilon must be finite and non-negative, got -1",
    );
    assert_err(
        e.check(
            "graph.batch_norm",
            &["2x3x4x4xf32", "3xf32", "3xf32", "4xf32", "3xf32"],
            "2x3x4x4xf32",
            &[("epsilon", eps)],
        ),
        "mean must have shape [3] (the channels of the input tensor<2x3x4x4xf32>), got tensor<4xf32>",
    );
    assert_err(
        e.check(
            "graph.batch_norm",
            &ops[..4],
            "2x3x4x4xf32",
            &[("epsilon", eps)],
        ),
        "expects 5 operands, but got 4",
    );
    let one = e.int(1);
    let m1 = e.int(-1);
    assert_eq!(
        e.check(
            "graph.layer_norm",
            &["2x4x8xf32", "4x8xf32", "4x8xf32"],
            "2x4x8xf32",
            &[("axis", one), ("epsilon", eps)]
        ),
        Ok(())
    );
    assert_eq!(
        e.check(
            "graph.layer_norm",
            &["2x8xf64", "8xf64", "8xf64"],
            "2x8xf64",
            &[("axis", m1), ("epsilon", eps)]
        ),
        Ok(())
    );
    assert_err(
        e.check(
            "graph.layer_norm",
            &["2x4x8xf32", "8xf32", "4x8xf32"],
            "2x4x8xf32",
            &[("axis", one), ("epsilon", eps)],
        ),
        "scale must have shape [4, 8] (the dimensions of the input tensor<2x4x8xf32> from axis 1 on), got tensor<8xf32>",
    );
    assert_err(
        e.check(
            "graph.layer_norm",
            &["2x8xf32", "8xf64", "8xf64"],
            "2x8xf32",
            &[("axis", one), ("epsilon", eps)],
        ),
        "the input and scale must have the same element type",
    );
}

#[test]
fn type_rules_dynamic_huge_and_unsupported() {
    let mut e = Env::new();
    assert_err(
        e.check("graph.exp", &["?x3xf32"], "?x3xf32", &[]),
        "operand #0: dynamic dimensions are not supported yet: tensor<?x3xf32>",
    );
    assert_err(
        e.check("graph.exp", &["2x3xf32"], "?x3xf32", &[]),
        "result: dynamic dimensions are not supported yet: tensor<?x3xf32>",
    );
    assert_err(
        e.check(
            "graph.exp",
            &["99999999999x99999999999xf32"],
            "99999999999x99999999999xf32",
            &[],
        ),
        "tensor<99999999999x99999999999xf32> has too many elements (the count overflows 64 bits)",
    );
    assert_err(
        e.check(
            "graph.exp",
            &["2097152x1048576xf32"],
            "2097152x1048576xf32",
            &[],
        ),
        "has 2199023255552 elements, more than the limit of 2^40",
    );
    // A result that would be huge through broadcasting is caught too.
    assert_err(
        e.check(
            "graph.add",
            &["1048576x1x2xf32", "1048576x1xf32"],
            "1048576x1048576x2xf32",
            &[],
        ),
        "more than the limit of 2^40",
    );
    assert_err(
        e.check("graph.exp", &["2xf16"], "2xf16", &[]),
        "element type f16 of tensor<2xf16> is not supported; graph tensors hold f32, f64, i1, i32 or i64",
    );
    assert_err(
        e.check("graph.neg", &["2xsi32"], "2xsi32", &[]),
        "element type si32 of tensor<2xsi32> is not supported",
    );
    assert_err(
        e.check("graph.neg", &["scalar:i32"], "scalar:i32", &[]),
        "operand #0: expected a tensor type, got i32",
    );
}

#[test]
fn infer_result_type_api() {
    use tessera_dialects::graph::{infer_result_type, infer_tensor_type};
    let mut e = Env::new();
    let (a, b) = (e.ty("2x3xf32"), e.ty("3x4xf32"));
    let want = e.ty("2x4xf32");
    assert_eq!(
        infer_result_type(&mut e.ctx, "graph.matmul", &[a, b], &[]),
        Ok(want)
    );
    let p = e.ints(&[1, 0]);
    let t = infer_tensor_type(&e.ctx, "graph.transpose", &[a], &[("perm", p)]).unwrap();
    assert_eq!(t.to_string(), "tensor<3x2xf32>");
    let lt = e.str("lt");
    let t = infer_tensor_type(&e.ctx, "graph.cmp", &[a, a], &[("predicate", lt)]).unwrap();
    assert_eq!(t.to_string(), "tensor<2x3xi1>");
    let err = infer_result_type(&mut e.ctx, "graph.reshape", &[a], &[]).unwrap_err();
    assert!(err.contains("cannot be inferred"), "{err}");
    let err = infer_result_type(&mut e.ctx, "graph.nope", &[a], &[]).unwrap_err();
    assert!(err.contains("is not a graph op"), "{err}");
    let err = infer_result_type(&mut e.ctx, "graph.add", &[a, b], &[]).unwrap_err();
    assert!(err.contains("not broadcast-compatible"), "{err}");
}
