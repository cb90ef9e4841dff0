//! Snapshots of each generic pass's output on the real dialects: parse
//! MLIR text, run the pass, print. Review changes with `cargo insta review`
//! (or `INSTA_UPDATE=always` and `git diff`).

use tessera_compiler::Context;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};

/// Parses `input`, runs `pipeline` on it and prints the result, with any
/// diagnostics the passes emitted after it as comments.
fn run(pipeline: &str, input: &str) -> String {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    let config = ParseConfig {
        file_name: "input.mlir".into(),
        line_offset: 0,
    };
    let module = match parse_module(&mut ctx, input, &config) {
        Ok(m) => m,
        Err(d) => panic!(
            "input does not parse:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        ),
    };
    let mut pm = PassManager::parse(&registry, pipeline).expect("the pipeline parses");
    let diags = match pm.run(&mut ctx, module) {
        Ok(d) => d,
        Err(d) => panic!(
            "the pipeline fails:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        ),
    };
    let mut out = print_op(&ctx, module, &PrintOptions::default());
    for d in &diags {
        out.push_str(&format!("// {}: {}\n", d.severity.name(), d.message));
    }
    out
}

#[test]
fn canonicalize_graph() {
    insta::assert_snapshot!(run(
        "builtin.module(canonicalize)",
        r#"
func.func @fold(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = graph.constant {value = dense<1.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = graph.constant {value = dense<2.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %s = graph.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %n = graph.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %nn = graph.neg %n : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %unused = graph.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = graph.mul %nn, %s : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

func.func @reshapes(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %0 = graph.reshape %x : (tensor<6xf32>) -> tensor<2x3xf32>
  %1 = graph.reshape %0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %1 : tensor<3x2xf32>
}

func.func @dedup(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %c1 = graph.constant {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %1 = graph.add %0, %c1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = graph.constant {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %2 = graph.mul %1, %c2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %2 : tensor<4xf32>
}
"#
    ));
}

#[test]
fn cse_graph_and_arith() {
    insta::assert_snapshot!(run(
        "builtin.module(cse)",
        r#"
func.func @graph(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.exp %y : (tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.add %0, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = graph.add %3, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %dead = graph.relu %4 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %4 : tensor<4xf32>
}

func.func @scalars(%a: f32, %b: f32) -> f32 {
  %c = arith.constant 1.0 : f32
  %d = arith.constant 1.0 : f32
  %0 = arith.addf %a, %c : f32
  %1 = arith.addf %a, %d : f32
  %2 = arith.mulf %0, %1 : f32
  %3 = arith.mulf %1, %0 : f32
  %4 = arith.subf %2, %3 : f32
  func.return %4 : f32
}
"#
    ));
}

#[test]
fn symbol_dce_functions() {
    insta::assert_snapshot!(run(
        "builtin.module(symbol-dce)",
        r#"
func.func @main(%x: f32) -> f32 {
  %0 = func.call @used(%x) : (f32) -> f32
  func.return %0 : f32
}
func.func private @used(%x: f32) -> f32 {
  %0 = func.call @used_by_used(%x) : (f32) -> f32
  func.return %0 : f32
}
func.func private @used_by_used(%x: f32) -> f32 {
  func.return %x : f32
}
func.func private @dead(%x: f32) -> f32 {
  %0 = func.call @dead_too(%x) : (f32) -> f32
  func.return %0 : f32
}
func.func private @dead_too(%x: f32) -> f32 {
  func.return %x : f32
}
func.func private @unused_decl(f32) -> f32
func.func @public_unused() {
  func.return
}
"#
    ));
}

#[test]
fn inline_then_canonicalize() {
    insta::assert_snapshot!(run(
        "builtin.module(inline,canonicalize)",
        r#"
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @layer(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = func.call @layer(%0) : (tensor<4xf32>) -> tensor<4xf32>
  func.return %1 : tensor<4xf32>
}
func.func private @layer(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @act(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.neg %0 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %1 : tensor<4xf32>
}
func.func private @act(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.relu %a : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}
func.func @fact(%n: f32) -> f32 {
  %0 = func.call @fact(%n) : (f32) -> f32
  func.return %0 : f32
}
"#
    ));
}

/// A small network after eqsat's clean-up and fusion: a dense layer with
/// its epilogue, a layer norm's statistics, and a softmax head.
#[test]
fn graph_fuse_network() {
    insta::assert_snapshot!(run(
        "builtin.module(graph-fuse)",
        r#"
func.func @net(%x: tensor<2x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2xf32>) {
  %0 = graph.matmul %x, %w : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
  %1 = graph.add %0, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %2 = graph.gelu %1 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = graph.square %2 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = graph.reduce_mean %3 {axes = array<i64: 1>, keepdims = false} : (tensor<2x8xf32>) -> tensor<2xf32>
  %5 = graph.sqrt %4 : (tensor<2xf32>) -> tensor<2xf32>
  %6 = graph.softmax %2 {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return %6, %5 : tensor<2x8xf32>, tensor<2xf32>
}
"#
    ));
}
