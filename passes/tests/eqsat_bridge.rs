//! The bridge between IR and the e-graph: what `graph-eqsat` must keep
//! when it lifts a function's DAG and writes an extraction back —
//! programs it cannot improve come back unchanged, several results,
//! arguments and constants survive, `func.call`s and unregistered ops are
//! opaque and never move, values they need are defined before them, and
//! merged ops leave fused locations.

mod eqsat_support;

use eqsat_support::{Rng, assert_close, context, parse, print, random_tensor, run};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::eqsat::{EqsatConfig, EqsatReport, optimize_function};

/// Deterministic settings.
fn config() -> EqsatConfig {
    EqsatConfig {
        time_limit: None,
        ..EqsatConfig::default()
    }
}

/// Runs the pass on every function of `module`.
fn eqsat(ctx: &mut Context, module: OpId) -> Vec<EqsatReport> {
    let funcs: Vec<OpId> = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .filter(|&f| ctx.op_is(f, "func.func"))
        .collect();
    let reports = funcs
        .into_iter()
        .map(|f| optimize_function(ctx, f, &config()))
        .collect();
    if let Err(d) = verify(ctx, module) {
        panic!(
            "the output does not verify:\n{}\n{}",
            tessera_compiler::diag::render(ctx, &d),
            print(ctx, module, false)
        );
    }
    reports
}

/// `@main`'s results before and after the pass agree, on random inputs.
fn same_results(text: &str, args: &[(&[usize], ElemType)]) -> (Context, OpId) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let mut rng = Rng::new(7);
    let inputs: Vec<Tensor> = args
        .iter()
        .map(|(s, e)| random_tensor(&mut rng, *e, s))
        .collect();
    let before = run(&ctx, module, "main", inputs.clone());
    eqsat(&mut ctx, module);
    let after = run(&ctx, module, "main", inputs);
    assert_close(&after, &before, 1e-5, 1e-6, "@main");
    (ctx, module)
}

#[test]
fn a_program_with_nothing_to_improve_is_unchanged() {
    let text = r#"func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("model.py":3:5)
  %1 = graph.add %b, %0 : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("model.py":4:5)
  %2 = graph.relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("model.py":5:5)
  %3 = graph.reduce_sum %2 {axes = array<i64: 1>, keepdims = true} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %4 = graph.sub %2, %3 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  func.return %4 : tensor<2x4xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let before = print(&ctx, module, true);
    let reports = eqsat(&mut ctx, module);
    assert_eq!(print(&ctx, module, true), before);
    let r = &reports[0];
    assert_eq!((r.blocks, r.rewritten), (1, 0));
    assert_eq!(r.cost_before, r.cost_after);
    assert!(
        r.applied.iter().any(|(n, _)| n == "add-comm"),
        "{:?}",
        r.applied
    );
}

#[test]
fn results_arguments_and_constants_survive() {
    // Four results: an argument as it is, a constant, a simplified value
    // and a value that is also used by another result.
    let text = r#"func.func @main(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = graph.constant {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32> loc("c.py":1:1)
  %one = graph.constant {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %e = graph.exp %y : (tensor<3xf32>) -> tensor<3xf32>
  %m = graph.mul %e, %one : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %s = graph.add %m, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %x, %c, %m, %s : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}
"#;
    let (ctx, module) = same_results(text, &[(&[3], ElemType::F32), (&[3], ElemType::F32)]);
    let out = print(&ctx, module, true);
    assert!(!out.contains("graph.mul"), "{out}");
    assert!(
        out.contains("graph.constant {value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>} : () -> tensor<3xf32> loc(\"c.py\":1:1)"),
        "{out}"
    );
    assert!(
        out.contains("func.return %arg0, %0, %1, %2 : "),
        "the results are the argument, the constant, exp and the add: {out}"
    );
}

#[test]
fn calls_and_unregistered_ops_are_opaque_and_stay_in_place() {
    let text = r#"func.func private @pair(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %n = graph.neg %a : (tensor<4xf32>) -> tensor<4xf32>
  func.return %a, %n : tensor<4xf32>, tensor<4xf32>
}
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %one = graph.constant {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %e = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %m = graph.mul %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %r:2 = func.call @pair(%m) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %s = graph.add %r#0, %r#1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %n1 = graph.neg %s : (tensor<4xf32>) -> tensor<4xf32>
  %n2 = graph.neg %n1 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %n2, %r#1 : tensor<4xf32>, tensor<4xf32>
}
"#;
    let (ctx, module) = same_results(text, &[(&[4], ElemType::F32)]);
    let out = print(&ctx, module, false);
    let main = &out[out.find("@main").expect("main")..];
    let want = [
        "%0 = graph.exp %arg0",
        "%1:2 = func.call @pair(%0)",
        "%2 = graph.add %1#0, %1#1",
        "return %2, %1#1",
    ];
    let mut at = 0;
    for w in want {
        let i = main[at..]
            .find(w)
            .unwrap_or_else(|| panic!("missing or out of order: {w}\n{main}"));
        at += i + w.len();
    }
    assert!(
        !main.contains("graph.mul") && !main.contains("graph.neg"),
        "{main}"
    );

    // An unregistered op is a leaf too; its operand is defined before it.
    let text = r#"func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = graph.constant {value = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %a = graph.add %x, %z : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = graph.relu %a : (tensor<4xf32>) -> tensor<4xf32>
  %u = "mystery.op"(%r) : (tensor<4xf32>) -> tensor<4xf32>
  %rr = graph.relu %u : (tensor<4xf32>) -> tensor<4xf32>
  %rrr = graph.relu %rr : (tensor<4xf32>) -> tensor<4xf32>
  func.return %rrr : tensor<4xf32>
}
"#;
    let mut ctx = context();
    ctx.allow_unregistered = true;
    let module = parse(&mut ctx, text);
    eqsat(&mut ctx, module);
    let out = print(&ctx, module, false);
    let want = [
        "%0 = graph.relu %arg0",
        "%1 = \"mystery.op\"(%0)",
        "%2 = graph.relu %1",
        "return %2",
    ];
    let mut at = 0;
    for w in want {
        let i = out[at..]
            .find(w)
            .unwrap_or_else(|| panic!("missing or out of order: {w}\n{out}"));
        at += i + w.len();
    }
}

#[test]
fn merged_ops_get_fused_locations() {
    let text = r#"func.func @main(%x: tensor<2x5xf32>, %y: tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>) {
  %s = graph.softmax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":10:3)
  %l = graph.log %s : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":11:3)
  %e = graph.exp %y : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":12:3)
  %r = graph.relu %e : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":13:3)
  %rr = graph.relu %r : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":14:3)
  func.return %l, %rr : tensor<2x5xf32>, tensor<2x5xf32>
}
"#;
    let (ctx, module) = same_results(text, &[(&[2, 5], ElemType::F32), (&[2, 5], ElemType::F32)]);
    let out = print(&ctx, module, true);
    assert!(
        out.contains(
            "graph.log_softmax %arg0 {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32> loc(fused[\"net.py\":10:3, \"net.py\":11:3])"
        ),
        "{out}"
    );
    // A kept op keeps its own location.
    assert!(
        out.contains("graph.relu %0 : (tensor<2x5xf32>) -> tensor<2x5xf32> loc(\"net.py\":13:3)"),
        "{out}"
    );
    assert_eq!(out.matches("graph.relu").count(), 1, "{out}");
}

#[test]
fn constants_fold_and_large_ones_stay() {
    // A small constant computation folds; a large non-splat constant is
    // kept as it is (its op reused, not copied).
    let mut rng = Rng::new(3);
    let big = random_tensor(&mut rng, ElemType::F32, &[40, 40]);
    let values: Vec<String> = big
        .to_f64_array()
        .iter()
        .map(|v| format!("{:e}", *v as f32))
        .collect();
    let text = format!(
        r#"func.func @main(%x: tensor<40x40xf32>) -> tensor<40x40xf32> {{
  %w = graph.constant {{value = dense<[{}]> : tensor<1600xf32>}} : () -> tensor<1600xf32>
  %w2 = graph.reshape %w : (tensor<1600xf32>) -> tensor<40x40xf32>
  %a = graph.constant {{value = dense<2.0> : tensor<40x40xf32>}} : () -> tensor<40x40xf32>
  %b = graph.constant {{value = dense<3.0> : tensor<f32>}} : () -> tensor<f32>
  %c = graph.mul %a, %b : (tensor<40x40xf32>, tensor<f32>) -> tensor<40x40xf32>
  %d = graph.add %x, %c : (tensor<40x40xf32>, tensor<40x40xf32>) -> tensor<40x40xf32>
  %r = graph.matmul %d, %w2 : (tensor<40x40xf32>, tensor<40x40xf32>) -> tensor<40x40xf32>
  func.return %r : tensor<40x40xf32>
}}
"#,
        values.join(", ")
    );
    let (ctx, module) = same_results(&text, &[(&[40, 40], ElemType::F32)]);
    let out = print(&ctx, module, false);
    assert!(
        out.contains("dense<6.000000e+00> : tensor<40x40xf32>"),
        "{out}"
    );
    assert!(!out.contains("graph.mul"), "{out}");
    assert!(
        out.contains("graph.reshape"),
        "1600 elements are too many to fold: {out}"
    );
    assert_eq!(out.matches("tensor<1600xf32>}").count(), 1, "{out}");
}
