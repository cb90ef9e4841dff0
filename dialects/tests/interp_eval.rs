//! The interpreter over IR: functions of `graph` ops built with the
//! Builder API, run with `run_function`, results and errors checked.

mod graph_support;

use graph_support::{Env, f32s, i32s, i64s};
use tessera_compiler::ir::OperationState;
use tessera_compiler::{AttrData, BlockId, Diagnostic, OpId, Value};
use tessera_dialects::interp::eval::{
    MAX_CALL_DEPTH, constant_to_tensor, run_function, tensor_to_attr, tensor_type,
};
use tessera_dialects::interp::value::{ElemType, Tensor};

/// Adds `func.func @name(inputs) -> results` to the module and points the
/// env's block at its body; returns the function op and its arguments.
fn func(e: &mut Env, name: &str, inputs: &[&str], results: &[&str]) -> (OpId, Vec<Value>) {
    let ins: Vec<_> = inputs.iter().map(|s| e.ty(s)).collect();
    let outs: Vec<_> = results.iter().map(|s| e.ty(s)).collect();
    let fty = e.ctx.function_type(&ins, &outs);
    let loc = e.loc;
    let region = e.ctx.create_region();
    let block: BlockId = e.ctx.create_block(&ins, loc);
    e.ctx.append_block(region, block);
    let (sym, fattr) = (e.ctx.str_attr(name), e.ctx.type_attr(fty));
    let (n1, n2) = (e.ctx.symbol("sym_name"), e.ctx.symbol("function_type"));
    let opname = e.ctx.op_name("func.func");
    let f = e.ctx.create_op(
        OperationState::new(opname, loc)
            .attr(n1, sym)
            .attr(n2, fattr)
            .region(region),
    );
    let body = e.ctx.module_body(e.module);
    e.ctx.append_op(body, f);
    e.block = block;
    (f, e.ctx.block_args(block).to_vec())
}

fn ret(e: &mut Env, values: &[Value]) {
    let loc = e.loc;
    let name = e.ctx.op_name("func.return");
    let op = e
        .ctx
        .create_op(OperationState::new(name, loc).operands(values));
    e.ctx.append_op(e.block, op);
}

fn call(e: &mut Env, callee: &str, args: &[Value], results: &[&str]) -> OpId {
    let tys: Vec<_> = results.iter().map(|s| e.ty(s)).collect();
    let c = e.ctx.symbol_ref_attr(callee);
    let loc = e.loc;
    let mut b = tessera_compiler::ir::Builder::new(
        &mut e.ctx,
        tessera_compiler::ir::InsertPoint::End(e.block),
    );
    b.create("func.call", args, &tys, &[("callee", c)], loc)
}

fn run(e: &Env, name: &str, args: Vec<Tensor>) -> Result<Vec<Tensor>, Diagnostic> {
    run_function(&e.ctx, e.module, name, args)
}

#[test]
fn mlp_layer() {
    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2x3xf32"], &["2x2xf32"]);
    let w = e.dense("3x2xf32", &f32s(&[3, 2], &[1.0, -1.0, 2.0, 0.5, 0.0, 1.0]));
    let b = e.splat("2xf32", &f32s(&[], &[0.25]));
    let (cw, cb) = (e.constant("3x2xf32", w), e.constant("2xf32", b));
    let mm = e.op("graph.matmul", &[args[0], cw], "2x2xf32", &[]);
    let mm = e.ctx.result(mm, 0);
    let add = e.op("graph.add", &[mm, cb], "2x2xf32", &[]);
    let add = e.ctx.result(add, 0);
    let relu = e.op("graph.relu", &[add], "2x2xf32", &[]);
    let relu = e.ctx.result(relu, 0);
    ret(&mut e, &[relu]);
    let x = f32s(&[2, 3], &[1.0, 2.0, 3.0, -1.0, -2.0, -3.0]);
    let out = run(&e, "main", vec![x]).unwrap();
    // Row 0: [1+4+0, -1+1+3] + 0.25; row 1: the negation, clamped at 0.
    assert_eq!(out, vec![f32s(&[2, 2], &[5.25, 3.25, 0.0, 0.0])]);
}

#[test]
fn calls_and_multiple_results() {
    let mut e = Env::new();
    let (_, hargs) = func(&mut e, "helper", &["3xi32"], &["3xi32", "3xi32"]);
    let s = e.op("graph.add", &[hargs[0], hargs[0]], "3xi32", &[]);
    let s = e.ctx.result(s, 0);
    let p = e.op("graph.mul", &[hargs[0], hargs[0]], "3xi32", &[]);
    let p = e.ctx.result(p, 0);
    ret(&mut e, &[s, p]);
    let (_, args) = func(&mut e, "main", &["3xi32"], &["3xi32", "3xi32"]);
    let c = call(&mut e, "helper", &[args[0]], &["3xi32", "3xi32"]);
    let (r0, r1) = (e.ctx.result(c, 0), e.ctx.result(c, 1));
    let sub = e.op("graph.sub", &[r1, r0], "3xi32", &[]);
    let sub = e.ctx.result(sub, 0);
    ret(&mut e, &[sub, r0]);
    let out = run(&e, "main", vec![i32s(&[3], &[1, 2, 5])]).unwrap();
    assert_eq!(out, vec![i32s(&[3], &[-1, 0, 15]), i32s(&[3], &[2, 4, 10])]);
}

#[test]
fn argument_checks_name_index_and_types() {
    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2xf32", "2x3xf32"], &["2xf32"]);
    ret(&mut e, &[args[0]]);
    let good = f32s(&[2], &[1.0, 2.0]);
    let err = run(&e, "main", vec![good.clone(), f32s(&[3], &[1.0, 2.0, 3.0])]).unwrap_err();
    assert_eq!(
        err.message,
        "argument 1 of @main has type tensor<3xf32>, but tensor<2x3xf32> is expected"
    );
    let err = run(&e, "main", vec![good.clone(), i32s(&[2, 3], &[0; 6])]).unwrap_err();
    assert!(err.message.contains("tensor<2x3xi32>"), "{}", err.message);
    let err = run(&e, "main", vec![good.clone()]).unwrap_err();
    assert_eq!(err.message, "@main takes 2 arguments, but 1 were given");
    let err = run(&e, "nope", vec![]).unwrap_err();
    assert_eq!(err.message, "no function @nope in the module");
    let ok = run(&e, "main", vec![good.clone(), f32s(&[2, 3], &[0.0; 6])]).unwrap();
    assert_eq!(ok, vec![good]);
}

#[test]
fn runtime_errors_are_diagnostics_at_the_op() {
    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["5x2xf32", "3xi64"], &["3x2xf32"]);
    let ax = e.int(0);
    let g = e.op(
        "graph.gather",
        &[args[0], args[1]],
        "3x2xf32",
        &[("axis", ax)],
    );
    let gloc = e.ctx.file_loc("model.mlir", 12, 8);
    e.ctx.set_loc(g, gloc);
    let gv = e.ctx.result(g, 0);
    ret(&mut e, &[gv]);
    let x = f32s(&[5, 2], &[0.0; 10]);
    let ok = run(&e, "main", vec![x.clone(), i64s(&[3], &[0, 4, -1])]).unwrap();
    assert_eq!(ok[0].shape(), &[3, 2]);
    let err = run(&e, "main", vec![x, i64s(&[3], &[0, 5, 1])]).unwrap_err();
    assert_eq!(err.loc, gloc);
    assert!(
        err.message.starts_with("'graph.gather' op index 5"),
        "{}",
        err.message
    );

    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2xi32", "2xi32"], &["2xi32"]);
    let d = e.op("graph.div", &[args[0], args[1]], "2xi32", &[]);
    let dv = e.ctx.result(d, 0);
    ret(&mut e, &[dv]);
    let err = run(&e, "main", vec![i32s(&[2], &[1, 2]), i32s(&[2], &[1, 0])]).unwrap_err();
    assert!(
        err.message.contains("integer division by zero"),
        "{}",
        err.message
    );
}

#[test]
fn unverified_and_unknown_ops_are_refused() {
    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2x3xf32"], &["3x3xf32"]);
    let bad = e.op("graph.exp", &[args[0]], "3x3xf32", &[]);
    let bv = e.ctx.result(bad, 0);
    ret(&mut e, &[bv]);
    let err = run(&e, "main", vec![f32s(&[2, 3], &[0.0; 6])]).unwrap_err();
    assert_eq!(
        err.message,
        "'graph.exp' op result type tensor<3x3xf32> does not match the inferred type tensor<2x3xf32>"
    );

    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2xf32"], &["2xf32"]);
    let m = e.op("test.mystery", &[args[0]], "2xf32", &[]);
    let mv = e.ctx.result(m, 0);
    ret(&mut e, &[mv]);
    let err = run(&e, "main", vec![f32s(&[2], &[0.0; 2])]).unwrap_err();
    assert_eq!(
        err.message,
        "the interpreter cannot evaluate 'test.mystery'"
    );

    let mut e = Env::new();
    let (_, args) = func(&mut e, "main", &["2xf32"], &["2xf32"]);
    let _ = args;
    let err = run(&e, "main", vec![f32s(&[2], &[0.0; 2])]).unwrap_err();
    assert_eq!(err.message, "function @main ends without func.return");
}

#[test]
fn recursion_hits_the_depth_limit() {
    let mut e = Env::new();
    let (_, args) = func(&mut e, "f", &["2xf32"], &["2xf32"]);
    let c = call(&mut e, "f", &[args[0]], &["2xf32"]);
    let cv = e.ctx.result(c, 0);
    ret(&mut e, &[cv]);
    let err = run(&e, "f", vec![f32s(&[2], &[0.0; 2])]).unwrap_err();
    assert!(
        err.message
            .contains(&format!("call depth limit of {MAX_CALL_DEPTH}")),
        "{}",
        err.message
    );
    assert_eq!(err.notes.len(), MAX_CALL_DEPTH);
}

#[test]
fn every_family_runs() {
    // One function using the rest of the op families, checked against
    // values worked out by hand.
    let mut e = Env::new();
    let (_, a) = func(
        &mut e,
        "main",
        &["2x3xf32"],
        &[
            "3x2xf32",
            "2xi64",
            "2x3xf32",
            "4x3xf32",
            "1x1x1x2xf32",
            "2x3xf32",
        ],
    );
    let x = a[0];
    let perm = e.ints(&[1, 0]);
    let t = e.op("graph.transpose", &[x], "3x2xf32", &[("perm", perm)]);
    let t = e.ctx.result(t, 0);
    let ax1 = e.int(1);
    let am = e.op("graph.argmax", &[x], "2xi64", &[("axis", ax1)]);
    let am = e.ctx.result(am, 0);
    let sm = e.op("graph.softmax", &[x], "2x3xf32", &[("axis", ax1)]);
    let sm = e.ctx.result(sm, 0);
    let (lo, hi) = (e.ints(&[1, 0]), e.ints(&[1, 0]));
    let v = e.f64(9.0);
    let pd = e.op(
        "graph.pad",
        &[x],
        "4x3xf32",
        &[("low", lo), ("high", hi), ("value", v)],
    );
    let pd = e.ctx.result(pd, 0);
    let r = e.op("graph.reshape", &[x], "1x1x2x3xf32", &[]);
    let r = e.ctx.result(r, 0);
    let (k, s) = (e.ints(&[2, 2]), e.ints(&[1, 1]));
    let mp = e.op(
        "graph.max_pool2d",
        &[r],
        "1x1x1x2xf32",
        &[("kernel", k), ("strides", s)],
    );
    let mp = e.ctx.result(mp, 0);
    let lt = e.str("gt");
    let zero = e.splat("f32", &f32s(&[], &[0.0]));
    let z = e.constant("f32", zero);
    let c = e.op("graph.cmp", &[x, z], "2x3xi1", &[("predicate", lt)]);
    let c = e.ctx.result(c, 0);
    let sel = e.op("graph.select", &[c, x, z], "2x3xf32", &[]);
    let sel = e.ctx.result(sel, 0);
    ret(&mut e, &[t, am, sm, pd, mp, sel]);
    let input = f32s(&[2, 3], &[1.0, 3.0, 2.0, -4.0, -5.0, 6.0]);
    let out = run(&e, "main", vec![input]).unwrap();
    assert_eq!(out[0], f32s(&[3, 2], &[1.0, -4.0, 3.0, -5.0, 2.0, 6.0]));
    assert_eq!(out[1], i64s(&[2], &[1, 2]));
    let e1 = [1f64.exp(), 3f64.exp(), 2f64.exp()];
    let sum: f64 = e1.iter().sum();
    assert!((out[2].to_f64_array()[[0, 1]] - e1[1] / sum).abs() < 1e-6);
    assert_eq!(
        out[3],
        f32s(
            &[4, 3],
            &[9.0, 9.0, 9.0, 1.0, 3.0, 2.0, -4.0, -5.0, 6.0, 9.0, 9.0, 9.0]
        )
    );
    assert_eq!(out[4], f32s(&[1, 1, 1, 2], &[3.0, 6.0]));
    assert_eq!(out[5], f32s(&[2, 3], &[1.0, 3.0, 2.0, 0.0, 0.0, 6.0]));
}

#[test]
fn constants_and_attributes_round_trip() {
    let mut e = Env::new();
    let t = f32s(&[2, 2], &[1.0, -0.0, 2.5, 4.0]);
    let ty = tensor_type(&mut e.ctx, &t);
    assert_eq!(ty, e.ty("2x2xf32"));
    let a = tensor_to_attr(&mut e.ctx, &t, ty);
    assert_eq!(constant_to_tensor(&e.ctx, a).unwrap(), t);
    // All-equal tensors become splats, as MLIR stores them.
    let s = Tensor::splat(ElemType::I64, &[3, 2], 7.0).unwrap();
    let sty = tensor_type(&mut e.ctx, &s);
    let sa = tensor_to_attr(&mut e.ctx, &s, sty);
    let AttrData::DenseElements(d) = e.ctx.attr_data(sa) else {
        panic!()
    };
    assert!(d.splat && d.bytes == 7i64.to_le_bytes());
    assert_eq!(constant_to_tensor(&e.ctx, sa).unwrap(), s);
    // -0.0 and 0.0 differ in bits, so no splat.
    let z = f32s(&[2], &[0.0, -0.0]);
    let zty = tensor_type(&mut e.ctx, &z);
    let za = tensor_to_attr(&mut e.ctx, &z, zty);
    assert!(matches!(e.ctx.attr_data(za), AttrData::DenseElements(d) if !d.splat));
    let b = Tensor::from_i64s(ElemType::I1, &[3], &[1, 0, 1]).unwrap();
    let bty = tensor_type(&mut e.ctx, &b);
    let ba = tensor_to_attr(&mut e.ctx, &b, bty);
    assert_eq!(constant_to_tensor(&e.ctx, ba).unwrap(), b);
    let f = e.ctx.f64_attr(1.0);
    assert!(constant_to_tensor(&e.ctx, f).is_err());
}
