//! Numerical stability end to end: programs that lose precision or
//! overflow as written give accurate results after `-O2` (which runs
//! `graph-eqsat` with the `stability` rules), checked with the reference
//! interpreter.

mod eqsat_support;

use eqsat_support::{context, opt_level, parse, print, run, run_pipeline};
use tessera_dialects::interp::value::{ElemType, Tensor};

/// Runs `@main` on `args` before and after `-O2`; returns both results.
fn before_and_after(text: &str, args: Vec<Tensor>) -> (Tensor, Tensor, String) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let before = run(&ctx, module, "main", args.clone()).remove(0);
    run_pipeline(&mut ctx, module, &opt_level("O2"));
    let after = run(&ctx, module, "main", args).remove(0);
    (before, after, print(&ctx, module, false))
}

fn f32s(shape: &[usize], v: &[f64]) -> Tensor {
    Tensor::from_f64s(ElemType::F32, shape, v).expect("a tensor")
}

fn values(t: &Tensor) -> Vec<f64> {
    t.to_f64_array().iter().copied().collect()
}

#[test]
fn log_of_softmax_stays_finite_when_exp_underflows() {
    let text = r#"func.func @main(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %l = graph.log %s : (tensor<1x3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
"#;
    let x = f32s(&[1, 3], &[0.0, -200.0, -300.0]);
    let (before, after, out) = before_and_after(text, vec![x]);
    assert!(out.contains("graph.log_softmax"), "{out}");
    assert!(
        values(&before)[1].is_infinite(),
        "the input program underflows: {before:?}"
    );
    let want = f32s(&[1, 3], &[0.0, -200.0, -300.0]);
    after.allclose(&want, 1e-6, 1e-6).unwrap();
}

#[test]
fn log_of_one_plus_a_tiny_value_keeps_it() {
    let text = r#"func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %a = graph.add %one, %x : (tensor<f32>, tensor<2xf32>) -> tensor<2xf32>
  %l = graph.log %a : (tensor<2xf32>) -> tensor<2xf32>
  func.return %l : tensor<2xf32>
}
"#;
    let (before, after, out) = before_and_after(text, vec![f32s(&[2], &[1e-10, -3e-9])]);
    assert!(out.contains("graph.log1p %arg0"), "{out}");
    assert_eq!(
        values(&before),
        vec![0.0, 0.0],
        "1 + 1e-10 rounds to 1 in f32"
    );
    let got = values(&after);
    // To f32 precision: within half an ulp of the f32 nearest the truth.
    for (g, w) in got.iter().zip([1e-10f64, -3e-9]) {
        let nearest = w as f32 as f64;
        assert!(
            (g - nearest).abs() <= nearest.abs() * f64::from(f32::EPSILON),
            "{g} vs {w}"
        );
    }
}

#[test]
fn exp_minus_one_and_log_of_sigmoid_are_accurate() {
    let text = r#"func.func @main(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %one = graph.constant {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %e = graph.exp %x : (tensor<3xf32>) -> tensor<3xf32>
  %m = graph.sub %e, %one : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %s = graph.sigmoid %x : (tensor<3xf32>) -> tensor<3xf32>
  %ls = graph.log %s : (tensor<3xf32>) -> tensor<3xf32>
  %c = graph.sub %one, %s : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %lc = graph.log %c : (tensor<3xf32>) -> tensor<3xf32>
  func.return %m, %ls, %lc : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}
"#;
    let x = f32s(&[3], &[1e-9, -200.0, 200.0]);
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let before = run(&ctx, module, "main", vec![x.clone()]);
    run_pipeline(&mut ctx, module, &opt_level("O2"));
    let after = run(&ctx, module, "main", vec![x]);
    let out = print(&ctx, module, false);
    assert!(
        out.contains("graph.expm1") && !out.contains("graph.sigmoid"),
        "{out}"
    );
    // expm1(1e-9) = 1e-9; exp(1e-9) - 1 is 0 in f32.
    assert_eq!(values(&before[0])[0], 0.0);
    let e = values(&after[0])[0];
    assert!((e - 1e-9).abs() < 1e-9 * 1e-6, "{e}");
    // log(sigmoid(-200)) = -200 and log(1 - sigmoid(200)) = -200; both
    // are -inf as written.
    assert!(values(&before[1])[1].is_infinite() && values(&before[2])[2].is_infinite());
    after[1]
        .allclose(&f32s(&[3], &[-0.6931471810599453, -200.0, 0.0]), 1e-6, 1e-6)
        .unwrap();
    after[2]
        .allclose(&f32s(&[3], &[-0.6931471810599453, 0.0, -200.0]), 1e-6, 1e-6)
        .unwrap();
}

#[test]
fn without_the_stability_set_nothing_is_stabilized() {
    let text = r#"func.func @main(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %s = graph.softmax %x {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %l = graph.log %s : (tensor<1x3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    run_pipeline(
        &mut ctx,
        module,
        "builtin.module(graph-eqsat{rules=algebra time-limit-ms=0})",
    );
    let out = print(&ctx, module, false);
    assert!(
        out.contains("graph.softmax") && !out.contains("log_softmax"),
        "{out}"
    );
}
