//! The `nn` rules end to end: batch normalization and constant scales
//! fold into the constant weights of a convolution or a matrix product,
//! with the interpreter's results unchanged within the spec's tolerance
//! and fewer ops left; nothing folds when a weight or a parameter is not
//! a constant, or when the folded numbers would not be finite.

mod eqsat_support;
mod eqsat_witness;

use eqsat_support::{Rng, assert_close, context, parse, print, random_tensor, run};
use eqsat_witness::{dense, mlir_ty};
use tessera_compiler::verify::verify;
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::eqsat::rules::nn;
use tessera_passes::eqsat::{EqsatConfig, EqsatReport, RuleSet, optimize_function};

#[test]
fn every_nn_rule_agrees_on_its_witnesses() {
    let names: Vec<String> = nn::rules().iter().map(|r| r.name.to_string()).collect();
    // Random instances are never of rank 4: every rule needs a witness.
    let needed: Vec<&str> = names.iter().map(String::as_str).collect();
    eqsat_witness::check_rules(&names, &needed, 6);
}

/// Runs the pass with the `nn` rules on `@main`; checks the results on
/// random inputs of `types` within `rtol`; returns the output and the
/// report.
fn rewrite(text: &str, types: &[(&[usize], ElemType)], rtol: f64) -> (String, EqsatReport) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let mut rng = Rng::new(23);
    let inputs: Vec<Tensor> = types
        .iter()
        .map(|(s, e)| random_tensor(&mut rng, *e, s))
        .collect();
    let want = run(&ctx, module, "main", inputs.clone());
    let config = EqsatConfig {
        time_limit: None,
        rule_sets: vec![RuleSet::Nn],
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
    assert_close(&got, &want, rtol, 1e-5, "@main");
    (print(&ctx, module, false), report)
}

fn count(text: &str, op: &str) -> usize {
    text.matches(&format!("{op} ")).count()
}

/// Ops of every kind in the output.
fn ops(text: &str) -> usize {
    text.matches(" = graph.").count()
}

/// `@main(%x: [n, c, h, w])`: `conv2d` by constant `[o, c, 3, 3]`
/// weights (padding 1), `then` (text using `%conv` and producing `%out`,
/// with constants `%sc`, `%bi`, `%mu`, `%va` of `[o]`), returning `%out`.
fn conv_program(x: [i64; 4], o: i64, elem: ElemType, var: (f64, f64), then: &str) -> String {
    let mut rng = Rng::new(9);
    let [n, c, h, w] = x;
    let xt = mlir_ty(&x, elem);
    let wt = mlir_ty(&[o, c, 3, 3], elem);
    let out = mlir_ty(&[n, o, h, w], elem);
    let mut body = format!(
        "  %w = {}\n",
        dense(&mut rng, &[o, c, 3, 3], elem, -1.0, 1.0)
    );
    for (name, lo, hi) in [
        ("sc", 0.5, 2.0),
        ("bi", -1.0, 1.0),
        ("mu", -1.0, 1.0),
        ("va", var.0, var.1),
    ] {
        body.push_str(&format!(
            "  %{name} = {}\n",
            dense(&mut rng, &[o], elem, lo, hi)
        ));
    }
    body.push_str(&format!(
        "  %conv = graph.conv2d %x, %w {{padding = array<i64: 1, 1, 1, 1>}} : ({xt}, {wt}) -> {out}\n"
    ));
    body.push_str(then);
    format!("func.func @main(%x: {xt}) -> {out} {{\n{body}  func.return %out : {out}\n}}\n")
}

const F32: ElemType = ElemType::F32;

#[test]
fn batch_norm_folds_into_the_convolution() {
    let then = "  %out = graph.batch_norm %conv, %sc, %bi, %mu, %va {epsilon = 1.0e-5 : f64} : \
        (tensor<2x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>\n";
    let text = conv_program([2, 3, 6, 6], 4, F32, (0.2, 2.0), then);
    let before = ops(&text);
    let (out, report) = rewrite(&text, &[(&[2, 3, 6, 6], F32)], 1e-4);
    assert_eq!(count(&out, "graph.batch_norm"), 0, "{out}");
    assert_eq!(count(&out, "graph.conv2d"), 1, "{out}");
    assert_eq!(count(&out, "graph.add"), 1, "{out}");
    assert!(
        out.contains("tensor<1x4x1x1xf32>"),
        "the bias is per channel: {out}"
    );
    assert!(ops(&out) < before, "{before} ops before:\n{out}");
    assert!(report.cost_after.work < report.cost_before.work);
}

#[test]
fn a_bias_between_the_convolution_and_batch_norm_folds_too() {
    let then = "  %b = graph.constant {value = dense<[[[0.5]], [[-0.25]], [[1.0]]]> : tensor<3x1x1xf64>} : () -> tensor<3x1x1xf64>\n  \
        %cb = graph.add %conv, %b : (tensor<1x3x5x5xf64>, tensor<3x1x1xf64>) -> tensor<1x3x5x5xf64>\n  \
        %out = graph.batch_norm %cb, %sc, %bi, %mu, %va {epsilon = 1.0e-3 : f64} : \
        (tensor<1x3x5x5xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<1x3x5x5xf64>\n";
    let text = conv_program([1, 2, 5, 5], 3, ElemType::F64, (0.2, 2.0), then);
    let (out, _) = rewrite(&text, &[(&[1, 2, 5, 5], ElemType::F64)], 1e-9);
    assert_eq!(count(&out, "graph.batch_norm"), 0, "{out}");
    assert_eq!(count(&out, "graph.conv2d"), 1, "{out}");
    assert_eq!(count(&out, "graph.add"), 1, "{out}");
}

#[test]
fn a_zero_variance_without_epsilon_does_not_fold() {
    // var + epsilon = 0: the folded weights would be infinite.
    let then = "  %out = graph.batch_norm %conv, %sc, %bi, %mu, %va {epsilon = 0.0 : f64} : \
        (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>\n";
    let text = conv_program([1, 2, 4, 4], 2, F32, (0.0, 0.0), then);
    let mut ctx = context();
    let module = parse(&mut ctx, &text);
    let config = EqsatConfig {
        time_limit: None,
        rule_sets: vec![RuleSet::Nn],
        ..EqsatConfig::default()
    };
    let func = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    let report = optimize_function(&mut ctx, func, &config);
    assert!(report.applied.is_empty(), "{report:?}");
    assert!(print(&ctx, module, false).contains("graph.batch_norm"));
}

#[test]
fn batch_norm_after_a_convolution_of_an_input_stays() {
    // The weights are an argument: nothing to fold them into.
    let text = r#"func.func @main(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x3x3xf32>, %p: tensor<3xf32>) -> tensor<1x3x2x2xf32> {
  %c = graph.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>
  %one = graph.constant {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %b = graph.batch_norm %c, %p, %p, %p, %one {epsilon = 1.0e-5 : f64} : (tensor<1x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  func.return %b : tensor<1x3x2x2xf32>
}
"#;
    let (out, report) = rewrite(
        text,
        &[(&[1, 2, 4, 4], F32), (&[3, 2, 3, 3], F32), (&[3], F32)],
        1e-5,
    );
    assert_eq!(report.rewritten, 0, "{out}");
}

#[test]
fn a_per_channel_scale_folds_into_the_convolution() {
    let then = "  %s = graph.constant {value = dense<[[[0.5]], [[2.0]], [[-1.0]], [[0.0]]]> : tensor<4x1x1xf32>} : () -> tensor<4x1x1xf32>\n  \
        %out = graph.mul %s, %conv : (tensor<4x1x1xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>\n";
    let text = conv_program([2, 3, 6, 6], 4, F32, (0.2, 2.0), then);
    let (out, report) = rewrite(&text, &[(&[2, 3, 6, 6], F32)], 1e-5);
    assert_eq!(count(&out, "graph.mul"), 0, "{out}");
    assert_eq!(count(&out, "graph.conv2d"), 1, "{out}");
    assert!(report.cost_after.work < report.cost_before.work);
}

#[test]
fn a_per_column_scale_folds_into_the_weights_of_a_product() {
    let mut rng = Rng::new(4);
    let text = format!(
        r#"func.func @main(%x: tensor<3x40xf32>) -> tensor<3x30xf32> {{
  %w = {}
  %s = {}
  %p = graph.matmul %x, %w : (tensor<3x40xf32>, tensor<40x30xf32>) -> tensor<3x30xf32>
  %r = graph.mul %p, %s : (tensor<3x30xf32>, tensor<30xf32>) -> tensor<3x30xf32>
  func.return %r : tensor<3x30xf32>
}}
"#,
        dense(&mut rng, &[40, 30], F32, -1.0, 1.0),
        dense(&mut rng, &[30], F32, -2.0, 2.0)
    );
    // 1200 weights: more than the analysis folds by itself.
    let (out, _) = rewrite(&text, &[(&[3, 40], F32)], 1e-5);
    assert_eq!(count(&out, "graph.mul"), 0, "{out}");
    assert_eq!(count(&out, "graph.matmul"), 1, "{out}");
}

#[test]
fn a_scale_along_the_rows_does_not_fold() {
    // Scaling row i of x·w is not a change of w.
    let text = r#"func.func @main(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = graph.constant {value = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32>
  %s = graph.constant {value = dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>} : () -> tensor<3x1xf32>
  %p = graph.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %r = graph.mul %s, %p : (tensor<3x1xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  func.return %r : tensor<3x2xf32>
}
"#;
    let (out, report) = rewrite(text, &[(&[3, 4], F32)], 1e-5);
    assert_eq!(report.rewritten, 0, "{out}");
}
