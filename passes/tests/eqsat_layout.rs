//! The `layout` rules end to end: transposes compose, cancel and move
//! through element-wise ops; reshapes and broadcasts merge and vanish;
//! slices of concatenations read the operand they fall in. The results
//! of the interpreter are unchanged, exactly.

mod eqsat_support;
mod eqsat_witness;

use eqsat_support::{Rng, context, parse, print, random_tensor, run};
use tessera_compiler::verify::verify;
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::eqsat::rules::layout;
use tessera_passes::eqsat::{EqsatConfig, EqsatReport, RuleSet, optimize_function};

#[test]
fn every_layout_rule_agrees_on_its_witnesses() {
    let names: Vec<String> = layout::rules().iter().map(|r| r.name.to_string()).collect();
    // Random instances reach every layout rule (`eqsat_rules.rs`); the
    // witnesses add the cases they do not: slices in a later operand,
    // strides, broadcasting operands.
    let needed = [
        "transpose-transpose",
        "slice-concat",
        "slice-concat3",
        "slice-slice",
    ];
    eqsat_witness::check_rules(&names, &needed, 6);
}

/// Runs the pass with the `layout` rules on `@main` and checks its
/// results are unchanged on random inputs of `types`; returns the output
/// and the report.
fn rewrite(text: &str, types: &[(&[usize], ElemType)]) -> (String, EqsatReport) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let mut rng = Rng::new(17);
    let inputs: Vec<Tensor> = types
        .iter()
        .map(|(s, e)| random_tensor(&mut rng, *e, s))
        .collect();
    let want = run(&ctx, module, "main", inputs.clone());
    let config = EqsatConfig {
        time_limit: None,
        rule_sets: vec![RuleSet::Layout],
        ..EqsatConfig::default()
    };
    let func = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    let report = optimize_function(&mut ctx, func, &config);
    verify(&ctx, module).expect("the output verifies");
    let got = run(&ctx, module, "main", inputs);
    assert_eq!(got, want, "data movement must not change a value");
    (print(&ctx, module, false), report)
}

fn count(text: &str, op: &str) -> usize {
    text.matches(&format!("{op} ")).count()
}

const F32: ElemType = ElemType::F32;

#[test]
fn transposes_that_undo_each_other_vanish() {
    let text = r#"func.func @main(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %a = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %b = graph.transpose %a {perm = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
  func.return %b : tensor<2x3x4xf32>
}
"#;
    let (out, _) = rewrite(text, &[(&[2, 3, 4], F32)]);
    assert_eq!(count(&out, "graph.transpose"), 0, "{out}");
    assert!(out.contains("return %arg0"), "{out}");
}

#[test]
fn two_transposes_compose_into_one() {
    let text = r#"func.func @main(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %a = graph.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %b = graph.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  func.return %b : tensor<3x4x2xf32>
}
"#;
    let (out, _) = rewrite(text, &[(&[2, 3, 4], F32)]);
    assert_eq!(count(&out, "graph.transpose"), 1, "{out}");
    assert!(out.contains("perm = array<i64: 1, 2, 0>"), "{out}");
}

#[test]
fn transposes_cancel_through_element_wise_ops() {
    // transpose(exp(transpose(x)) + 1) is exp(x) + 1: the transposes meet
    // below `add` and `exp` and cancel.
    let text = r#"func.func @main(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<5x3xf32>} : () -> tensor<5x3xf32>
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x5xf32>) -> tensor<5x3xf32>
  %e = graph.exp %t : (tensor<5x3xf32>) -> tensor<5x3xf32>
  %a = graph.add %e, %one : (tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<5x3xf32>
  %n = graph.neg %a : (tensor<5x3xf32>) -> tensor<5x3xf32>
  %r = graph.transpose %n {perm = array<i64: 1, 0>} : (tensor<5x3xf32>) -> tensor<3x5xf32>
  func.return %r : tensor<3x5xf32>
}
"#;
    let (out, report) = rewrite(text, &[(&[3, 5], F32)]);
    assert_eq!(count(&out, "graph.transpose"), 0, "{out}");
    assert!(out.contains("graph.exp %arg0"), "{out}");
    assert!(report.cost_after.work < report.cost_before.work);
}

#[test]
fn two_transposed_operands_become_one_transposed_result() {
    let text = r#"func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<3x2xi1> {
  %a = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %b = graph.transpose %y {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %m = graph.max %a, %b : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %c = graph.cmp %m, %b {predicate = "gt"} : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xi1>
  func.return %c : tensor<3x2xi1>
}
"#;
    let (out, _) = rewrite(text, &[(&[2, 3], F32), (&[2, 3], F32)]);
    assert_eq!(count(&out, "graph.transpose"), 1, "{out}");
}

#[test]
fn a_transpose_does_not_move_onto_an_operand_of_lower_rank() {
    // y broadcasts from rank 1: transposing it with x's permutation would
    // not verify, so the transpose stays where it is.
    let text = r#"func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<3x2xf32> {
  %a = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %t = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %t : tensor<3x2xf32>
}
"#;
    let (out, report) = rewrite(text, &[(&[2, 3], F32), (&[3], F32)]);
    assert_eq!(report.rewritten, 0, "{out}");
}

#[test]
fn reshapes_and_broadcasts_merge_and_vanish() {
    let text = r#"func.func @main(%x: tensor<2x6xf32>, %y: tensor<3x1xf32>) -> (tensor<2x6xf32>, tensor<3x4xf32>, tensor<12xf32>, tensor<4x2x3x5xf32>) {
  %a = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  %b = graph.reshape %a : (tensor<3x4xf32>) -> tensor<2x6xf32>
  %c = graph.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
  %d = graph.reshape %c : (tensor<12xf32>) -> tensor<3x4xf32>
  %e = graph.reshape %d : (tensor<3x4xf32>) -> tensor<12xf32>
  %f = graph.broadcast_to %y : (tensor<3x1xf32>) -> tensor<2x3x1xf32>
  %g = graph.broadcast_to %f : (tensor<2x3x1xf32>) -> tensor<4x2x3x5xf32>
  %h = graph.broadcast_to %g : (tensor<4x2x3x5xf32>) -> tensor<4x2x3x5xf32>
  func.return %b, %d, %e, %h : tensor<2x6xf32>, tensor<3x4xf32>, tensor<12xf32>, tensor<4x2x3x5xf32>
}
"#;
    let (out, _) = rewrite(text, &[(&[2, 6], F32), (&[3, 1], F32)]);
    assert_eq!(count(&out, "graph.reshape"), 2, "{out}");
    assert_eq!(count(&out, "graph.broadcast_to"), 1, "{out}");
    assert!(
        out.contains("graph.reshape %arg0 : (tensor<2x6xf32>) -> tensor<3x4xf32>"),
        "{out}"
    );
    assert!(out.contains("graph.broadcast_to %arg1"), "{out}");
    assert!(out.contains("return %arg0,"), "{out}");
}

#[test]
fn a_slice_within_one_operand_reads_that_operand() {
    let text = r#"func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>, %z: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x4xf32>, tensor<1x2xf32>) {
  %c = graph.concat %x, %y, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x2xf32>) -> tensor<2x9xf32>
  %a = graph.slice %c {starts = array<i64: 0, 4>, limits = array<i64: 2, 6>, strides = array<i64: 1, 1>} : (tensor<2x9xf32>) -> tensor<2x2xf32>
  %b = graph.slice %c {starts = array<i64: 0, 3>, limits = array<i64: 2, 7>, strides = array<i64: 1, 1>} : (tensor<2x9xf32>) -> tensor<2x4xf32>
  %d = graph.slice %c {starts = array<i64: 1, 7>, limits = array<i64: 2, 9>, strides = array<i64: 1, 1>} : (tensor<2x9xf32>) -> tensor<1x2xf32>
  func.return %a, %b, %d : tensor<2x2xf32>, tensor<2x4xf32>, tensor<1x2xf32>
}
"#;
    let (out, _) = rewrite(text, &[(&[2, 3], F32), (&[2, 4], F32), (&[2, 2], F32)]);
    assert_eq!(count(&out, "graph.concat"), 0, "{out}");
    assert!(
        out.contains("graph.slice %arg1 {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>"),
        "{out}"
    );
    assert!(
        out.contains("graph.slice %arg2 {limits = array<i64: 2, 2>, starts = array<i64: 1, 0>"),
        "{out}"
    );
    assert_eq!(count(&out, "graph.slice"), 2, "{out}");
    assert!(
        out.contains(", %arg1, "),
        "the second slice is all of %y: {out}"
    );
}

#[test]
fn a_slice_across_operands_keeps_the_concatenation() {
    let text = r#"func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %c = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  %a = graph.slice %c {starts = array<i64: 0, 2>, limits = array<i64: 2, 5>, strides = array<i64: 1, 1>} : (tensor<2x7xf32>) -> tensor<2x3xf32>
  func.return %a : tensor<2x3xf32>
}
"#;
    let (out, report) = rewrite(text, &[(&[2, 3], F32), (&[2, 4], F32)]);
    assert_eq!(report.rewritten, 0, "{out}");
}

#[test]
fn a_long_element_wise_chain_saturates_quickly() {
    // Both directions of every transpose rule on a chain of 24 ops: the
    // e-graph stays small and the pass finishes well within its limits.
    let ops = ["exp", "neg", "tanh", "abs", "sigmoid", "relu"];
    let mut body = String::from(
        "  %v0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>\n",
    );
    for i in 0..24 {
        let op = ops[i % ops.len()];
        body.push_str(&format!(
            "  %v{} = graph.{op} %v{i} : (tensor<8x4xf32>) -> tensor<8x4xf32>\n",
            i + 1
        ));
    }
    body.push_str(
        "  %r = graph.transpose %v24 {perm = array<i64: 1, 0>} : (tensor<8x4xf32>) -> tensor<4x8xf32>\n",
    );
    let text = format!(
        "func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {{\n{body}  func.return %r : tensor<4x8xf32>\n}}\n"
    );
    let (out, report) = rewrite(&text, &[(&[4, 8], F32)]);
    assert_eq!(count(&out, "graph.transpose"), 0, "{out}");
    assert!(report.enodes < 2_000, "{report:?}");
    assert_eq!(report.stop_reasons, vec!["saturated".to_string()]);
}
