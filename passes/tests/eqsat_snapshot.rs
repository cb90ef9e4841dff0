//! Snapshots of `graph-eqsat`'s output and statistics: on
//! `examples/mlp.mlir` (constant payloads elided) and on a small MLP
//! written the naive way, which the pass rewrites. Review changes with
//! `cargo insta review`.

mod eqsat_support;

use eqsat_support::{context, parse, print, run_pipeline};

const PIPELINE: &str = "builtin.module(graph-eqsat{time-limit-ms=0})";

/// The statistics report without the time (which varies run to run).
fn stable_statistics(report: &str) -> String {
    report
        .lines()
        .filter(|l| !l.contains("time-us"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `dense<"0x...">` payloads shortened to their first 16 hex digits.
fn elide_payloads(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1 << 16));
    let mut rest = text;
    while let Some(i) = rest.find("dense<\"0x") {
        let start = i + "dense<\"0x".len();
        out.push_str(&rest[..start]);
        let hex = &rest[start..];
        let n = hex.find('"').unwrap_or(hex.len());
        out.push_str(&hex[..n.min(16)]);
        if n > 16 {
            out.push_str(&format!("...({} bytes)", n / 2));
        }
        rest = &hex[n..];
    }
    out.push_str(rest);
    out
}

#[test]
fn mlp_example() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/mlp.mlir");
    let text = std::fs::read_to_string(path).expect("examples/mlp.mlir");
    let mut ctx = context();
    let module = parse(&mut ctx, &text);
    let stats = run_pipeline(&mut ctx, module, PIPELINE);
    let out = elide_payloads(&print(&ctx, module, false));
    insta::assert_snapshot!(format!("{out}\n{}", stable_statistics(&stats)));
}

#[test]
fn naive_mlp() {
    let text = r#"func.func @main(%x: tensor<4x16xf32>, %w0: tensor<16x32xf32>, %b0: tensor<32xf32>, %w1: tensor<32x10xf32>) -> tensor<4x10xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<f32>} : () -> tensor<f32> loc("mlp.py":2:1)
  %zero = graph.constant {value = dense<0.0> : tensor<f32>} : () -> tensor<f32> loc("mlp.py":3:1)
  %h = graph.matmul %x, %w0 : (tensor<4x16xf32>, tensor<16x32xf32>) -> tensor<4x32xf32> loc("mlp.py":5:5)
  %hb = graph.add %h, %b0 : (tensor<4x32xf32>, tensor<32xf32>) -> tensor<4x32xf32> loc("mlp.py":5:12)
  %a = graph.max %hb, %zero : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32> loc("mlp.py":6:5)
  %s = graph.mul %a, %one : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32> loc("mlp.py":7:5)
  %o = graph.matmul %s, %w1 : (tensor<4x32xf32>, tensor<32x10xf32>) -> tensor<4x10xf32> loc("mlp.py":8:5)
  %p = graph.softmax %o {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32> loc("mlp.py":9:5)
  %l = graph.log %p : (tensor<4x10xf32>) -> tensor<4x10xf32> loc("mlp.py":10:5)
  func.return %l : tensor<4x10xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let stats = run_pipeline(&mut ctx, module, PIPELINE);
    let out = print(&ctx, module, true);
    insta::assert_snapshot!(format!("{out}\n{}", stable_statistics(&stats)));
}
