//! `affine-vectorize` end to end: graph programs compiled through
//! `graph-fuse, convert-graph-to-affine, affine-loop-fusion,
//! affine-vectorize, lower-affine` run on the LLVM and Cranelift backends
//! and agree with the reference interpreter; the compiled IR really holds
//! vector loops. Programs: an element-wise chain over odd sizes (a scalar
//! remainder per row, a broadcast row vector, an `i1` result), the
//! softmax example (max and sum reductions), and relu(a * b + c) over 16M
//! `f32` (the benchmark of `examples/bench/fma_relu_16m.mlir`).

use tessera_runtime::{
    Backend, CompileOptions, CompiledModule, ElemType, Engine, Pipeline, Tensor,
};

/// The loop-level pipeline with the vectorizer.
const VECTORIZED: &str = "builtin.module(graph-fuse,convert-graph-to-affine,affine-loop-fusion,\
    affine-vectorize,lower-affine,canonicalize,cse)";

/// The same, with `affine-scalrep` first, which turns the accumulators of
/// `graph.reduce_*` loops from memory into loop-carried values.
const VECTORIZED_SCALREP: &str = "builtin.module(graph-fuse,convert-graph-to-affine,\
    affine-loop-fusion,affine-scalrep,affine-vectorize,lower-affine,canonicalize,cse)";

fn compile(text: &str, pipeline: Pipeline, backend: Backend) -> CompiledModule {
    Engine::new()
        .compile_text(
            text,
            "vectorize.mlir",
            &CompileOptions {
                pipeline,
                backend,
                ..CompileOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{backend}: compile failed:\n{e}"))
}

/// The outputs of `text`'s entry point on `inputs`, by the reference
/// interpreter on the graph-level program.
fn reference(text: &str, inputs: &[Tensor]) -> Vec<Tensor> {
    let m = compile(text, Pipeline::O(0), Backend::Interp);
    m.entry_point().unwrap().call(inputs).unwrap()
}

/// Compiles `text` with the vectorizer for `backend`, checks that the
/// compiled IR has `vector_loads` or more `vector.load`s, and returns the
/// outputs on `inputs`.
fn vectorized(text: &str, backend: Backend, inputs: &[Tensor], vector_loads: usize) -> Vec<Tensor> {
    vectorized_by(VECTORIZED, text, backend, inputs, vector_loads)
}

/// [`vectorized`] with another pipeline.
fn vectorized_by(
    pipeline: &str,
    text: &str,
    backend: Backend,
    inputs: &[Tensor],
    vector_loads: usize,
) -> Vec<Tensor> {
    let m = compile(text, Pipeline::Text(pipeline.into()), backend);
    let ir = m.ir_text();
    assert!(
        ir.matches("vector.load").count() >= vector_loads,
        "{backend}: expected {vector_loads} vector loads:\n{ir}"
    );
    m.entry_point().unwrap().call(inputs).unwrap()
}

/// Values in `[-2.5, 2.5)` in steps of 1/8, different for each `seed`.
fn input(shape: &[usize], seed: usize) -> Tensor {
    let n: usize = shape.iter().product();
    let values: Vec<f64> = (0..n)
        .map(|k| ((k * 7 + seed * 13) % 40) as f64 / 8.0 - 2.5)
        .collect();
    Tensor::from_f64s(ElemType::F32, shape, &values).unwrap()
}

fn assert_close(got: &[Tensor], expected: &[Tensor], rtol: f64, what: &str) {
    assert_eq!(got.len(), expected.len(), "{what}");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        if let Err(msg) = g.allclose(e, rtol, 1e-6) {
            panic!("{what}: result {i}: {msg}");
        }
    }
}

/// Rows of 1001 (125 vectors and one scalar iteration) and a broadcast
/// bias row; a comparison into `i1`; a row of 9 (one vector, one scalar).
const CHAIN: &str = r#"
func.func @main(%a: tensor<7x1001xf32>, %b: tensor<7x1001xf32>, %bias: tensor<1001xf32>, %c: tensor<3x9xf32>) -> (tensor<7x1001xf32>, tensor<7x1001xi1>, tensor<3x9xf32>) {
  %m = graph.mul %a, %b : (tensor<7x1001xf32>, tensor<7x1001xf32>) -> tensor<7x1001xf32>
  %s = graph.add %m, %bias : (tensor<7x1001xf32>, tensor<1001xf32>) -> tensor<7x1001xf32>
  %t = graph.tanh %s : (tensor<7x1001xf32>) -> tensor<7x1001xf32>
  %r = graph.max %t, %a : (tensor<7x1001xf32>, tensor<7x1001xf32>) -> tensor<7x1001xf32>
  %gt = graph.cmp %r, %b {predicate = "gt"} : (tensor<7x1001xf32>, tensor<7x1001xf32>) -> tensor<7x1001xi1>
  %n = graph.neg %c : (tensor<3x9xf32>) -> tensor<3x9xf32>
  %e = graph.exp %n : (tensor<3x9xf32>) -> tensor<3x9xf32>
  %d = graph.div %c, %e : (tensor<3x9xf32>, tensor<3x9xf32>) -> tensor<3x9xf32>
  func.return %r, %gt, %d : tensor<7x1001xf32>, tensor<7x1001xi1>, tensor<3x9xf32>
}
"#;

#[test]
fn an_elementwise_chain_agrees_on_both_backends() {
    let inputs = [
        input(&[7, 1001], 1),
        input(&[7, 1001], 2),
        input(&[1001], 3),
        input(&[3, 9], 4),
    ];
    let expected = reference(CHAIN, &inputs);
    for backend in [Backend::Llvm, Backend::Cranelift] {
        // The chain's three loads and the broadcast bias; the comparison's
        // loop stays scalar, since it stores i1 (see affine-vectorize).
        let got = vectorized(CHAIN, backend, &inputs, 4);
        assert_close(&got, &expected, 1e-5, backend.name());
    }
}

#[test]
fn softmax_agrees_on_both_backends() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/softmax.mlir");
    let text = std::fs::read_to_string(path).unwrap();
    let inputs = [input(&[1000, 1000], 5)];
    let expected = reference(&text, &inputs);
    for backend in [Backend::Llvm, Backend::Cranelift] {
        let m = compile(&text, Pipeline::Text(VECTORIZED.into()), backend);
        let ir = m.ir_text();
        assert!(ir.contains("vector.reduction <maximumf>"), "{ir}");
        assert!(ir.contains("vector.reduction <add>"), "{ir}");
        let got = m.entry_point().unwrap().call(&inputs).unwrap();
        // The sums are reassociated: the spec's reduction tolerance.
        assert_close(&got, &expected, 1e-4, backend.name());
    }
}

#[test]
fn relu_of_a_fused_multiply_add_over_16m_agrees_on_both_backends() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/bench/fma_relu_16m.mlir"
    );
    let text = std::fs::read_to_string(path).unwrap();
    const N: usize = 1 << 24;
    let data = |seed: usize| -> Vec<f32> {
        (0..N)
            .map(|k| ((k * 7 + seed * 13) % 40) as f32 / 8.0 - 2.5)
            .collect()
    };
    let (a, b, c) = (data(1), data(2), data(3));
    let tensor = |v: &[f32]| {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        Tensor::from_le_bytes(ElemType::F32, &[N], &bytes).unwrap()
    };
    let inputs = [tensor(&a), tensor(&b), tensor(&c)];
    // The reference, element by element as the graph spec says.
    let expected: Vec<f32> = (0..N).map(|k| (a[k] * b[k] + c[k]).max(0.0)).collect();
    let expected = [tensor(&expected)];
    for backend in [Backend::Llvm, Backend::Cranelift] {
        let got = vectorized(&text, backend, &inputs, 3);
        assert_close(&got, &expected, 1e-6, backend.name());
    }
}

/// Row reductions over 999 columns (124 vectors and 7 scalar iterations),
/// in f32 and i32.
const REDUCTIONS: &str = r#"
func.func @main(%x: tensor<5x999xf32>, %i: tensor<5x999xi32>) -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xi32>) {
  %s = graph.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<5x999xf32>) -> tensor<5xf32>
  %m = graph.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<5x999xf32>) -> tensor<5xf32>
  %a = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<5x999xf32>) -> tensor<5xf32>
  %is = graph.reduce_sum %i {axes = array<i64: 1>, keepdims = false} : (tensor<5x999xi32>) -> tensor<5xi32>
  func.return %s, %m, %a, %is : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xi32>
}
"#;

#[test]
fn row_reductions_agree_on_both_backends() {
    let ints: Vec<i64> = (0..5 * 999).map(|k| (k * 31 % 201) - 100).collect();
    let inputs = [
        input(&[5, 999], 6),
        Tensor::from_i64s(ElemType::I32, &[5, 999], &ints).unwrap(),
    ];
    let expected = reference(REDUCTIONS, &inputs);
    for backend in [Backend::Llvm, Backend::Cranelift] {
        let got = vectorized_by(VECTORIZED_SCALREP, REDUCTIONS, backend, &inputs, 4);
        assert_close(&got, &expected, 1e-4, backend.name());
    }
}
