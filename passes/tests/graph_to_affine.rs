//! `convert-graph-to-affine`: snapshots of the lowering of a representative
//! op of each family, the buffer-reuse statistics of the MLP example, and
//! the bufferization contract (signatures, out-params, globals, calls,
//! copies, errors).

use tessera_compiler::Context;
use tessera_compiler::pass::{Pass, PassState, Statistic};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_passes::conversion::ConvertGraphToAffine;

/// What running the pass produced: the printed module (or the rendered
/// diagnostics if the pass failed) and the statistics.
struct Outcome {
    text: String,
    stats: Vec<(String, u64)>,
    failed: bool,
}

/// Parses `input`, runs the pass on it (with or without buffer reuse) and
/// verifies the result.
fn run_with(buffer_reuse: bool, input: &str) -> Outcome {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "input.mlir".into(),
        line_offset: 0,
    };
    ctx.add_source("input.mlir", input);
    let module = parse_module(&mut ctx, input, &config).unwrap_or_else(|d| {
        panic!(
            "input does not parse:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        )
    });
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!(
            "the input does not verify:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        );
    }
    let mut pass = ConvertGraphToAffine { buffer_reuse };
    let mut state = PassState::default();
    let result = pass.run(&mut ctx, module, &mut state);
    let stats = state
        .statistics
        .iter()
        .filter_map(|(k, v)| match v {
            Statistic::Count(c) => Some((k.clone(), *c)),
            Statistic::Text(_) => None,
        })
        .collect();
    if result.is_err() {
        return Outcome {
            text: tessera_compiler::diag::render(&ctx, &state.diagnostics),
            stats,
            failed: true,
        };
    }
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!(
            "the output does not verify:\n{}\n{}",
            tessera_compiler::diag::render(&ctx, &d),
            print_op(&ctx, module, &PrintOptions::default())
        );
    }
    Outcome {
        text: print_op(&ctx, module, &PrintOptions::default()),
        stats,
        failed: false,
    }
}

fn lower(input: &str) -> String {
    let out = run_with(true, input);
    assert!(!out.failed, "the pass failed:\n{}", out.text);
    out.text
}

#[test]
fn thin_slice() {
    insta::assert_snapshot!(lower(
        r#"
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %b = graph.constant {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = graph.relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = graph.softmax %2 {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %3 : tensor<2x4xf32>
}
"#
    ));
}

#[test]
fn elementwise_broadcast_in_place() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xi1>) -> tensor<2x3xf32> {
  %0 = graph.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.gelu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = graph.select %c, %1, %b : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %2 : tensor<2x3xf32>
}
"#
    ));
}

#[test]
fn cast_float_to_int_saturates() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%x: tensor<3xf64>) -> tensor<3xi64> {
  %0 = graph.cast %x : (tensor<3xf64>) -> tensor<3xi64>
  func.return %0 : tensor<3xi64>
}
"#
    ));
}

#[test]
fn shape_reshape_transpose_gather() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%x: tensor<2x6xf32>, %i: tensor<2xi64>) -> tensor<3x2x2xf32> {
  %0 = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  %1 = graph.transpose %0 {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %2 = graph.gather %1, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %3 = graph.transpose %2 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %4 = graph.reshape %3 : (tensor<3x2xf32>) -> tensor<3x2x1xf32>
  %5 = graph.pad %4 {low = array<i64: 0, 0, 1>, high = array<i64: 0, 0, 0>, value = 0.0 : f64} : (tensor<3x2x1xf32>) -> tensor<3x2x2xf32>
  func.return %5 : tensor<3x2x2xf32>
}
"#
    ));
}

#[test]
fn reductions_and_softmax() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<3xi64>, tensor<2x3xf32>) {
  %0 = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %1 = graph.argmax %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<3xi64>
  %2 = graph.log_softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0, %1, %2 : tensor<2x1xf32>, tensor<3xi64>, tensor<2x3xf32>
}
"#
    ));
}

#[test]
fn matmul_batched() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%a: tensor<3x2x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x2x5xf32> {
  %0 = graph.matmul %a, %b : (tensor<3x2x4xf32>, tensor<4x5xf32>) -> tensor<3x2x5xf32>
  func.return %0 : tensor<3x2x5xf32>
}
"#
    ));
}

#[test]
fn nn_conv_pool_norms() {
    insta::assert_snapshot!(lower(
        r#"
func.func @f(%x: tensor<1x2x5x5xf32>, %w: tensor<2x1x3x3xf32>, %s: tensor<2xf32>, %t: tensor<3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0 = graph.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x2x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %1 = graph.batch_norm %0, %s, %s, %s, %s {epsilon = 1.0e-3 : f64} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %2 = graph.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %3 = graph.layer_norm %2, %t, %t {axis = 3 : i64, epsilon = 1.0e-5 : f64} : (tensor<1x2x3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x2x3x3xf32>
  func.return %1, %3 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}
"#
    ));
}

#[test]
fn calls_constants_and_copies() {
    insta::assert_snapshot!(lower(
        r#"
func.func private @g(%a: tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>) {
  %c = graph.constant {value = dense<[3, 4]> : tensor<2xi32>} : () -> tensor<2xi32>
  %0 = graph.mul %a, %c : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  func.return %0, %c : tensor<2xi32>, tensor<2xi32>
}
func.func @f(%x: tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>) {
  %0:2 = func.call @g(%x) : (tensor<2xi32>) -> (tensor<2xi32>, tensor<2xi32>)
  %1 = graph.add %0#0, %0#1 : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  func.return %1, %x : tensor<2xi32>, tensor<2xi32>
}
"#
    ));
}

fn stat(out: &Outcome, name: &str) -> u64 {
    out.stats
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no statistic {name}"))
}

/// The MLP example: reuse recycles the dead 1x512 buffers, so the
/// temporaries need far fewer bytes and allocations than one buffer each.
#[test]
fn mlp_buffer_reuse_statistics() {
    let text = include_str!("../../examples/mlp.mlir");
    let with = run_with(true, text);
    let without = run_with(false, text);
    assert!(!with.failed && !without.failed);
    assert!(stat(&with, "peak-bytes") < stat(&without, "peak-bytes"));
    assert!(stat(&with, "num-allocs") < stat(&without, "num-allocs"));
    assert_eq!(
        stat(&with, "peak-bytes-before-reuse"),
        stat(&without, "peak-bytes")
    );
    assert_eq!(stat(&without, "num-reused"), 0);
    let report = |o: &Outcome| {
        o.stats
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!(format!(
        "buffer-reuse=true:\n{}\n\nbuffer-reuse=false:\n{}",
        report(&with),
        report(&without)
    ));
}

#[test]
fn unknown_op_is_an_error_at_its_location() {
    let text = String::from(
        r#"
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = graph.exp %x : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "foo.bar"(%0) : (tensor<2xf32>) -> tensor<2xf32>
  func.return %1 : tensor<2xf32>
}
"#,
    );
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx.allow_unregistered = true;
    let config = ParseConfig {
        file_name: "input.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, &text, &config).unwrap();
    let mut pass = ConvertGraphToAffine::default();
    let mut state = PassState::default();
    assert!(pass.run(&mut ctx, module, &mut state).is_err());
    let [d] = &state.diagnostics[..] else {
        panic!("expected one diagnostic, got {:?}", state.diagnostics);
    };
    assert_eq!(d.message, "convert-graph-to-affine cannot lower 'foo.bar'");
    let expected = ctx.file_loc("input.mlir", 4, 8);
    assert_eq!(d.loc, expected);
}
