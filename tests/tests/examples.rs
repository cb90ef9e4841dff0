//! The example models under `examples/` run on every backend in
//! [`BACKENDS`] and match their NumPy references.
//!
//! Each example is `examples/<name>.mlir` with its input
//! `examples/<name>/x.npy` and the float64 NumPy result cast to f32,
//! `examples/<name>/expected.npy` (both made by `examples/make_examples.py`).
//! Every model ends in or contains reductions (matmul, softmax, layer norm),
//! so results must be within the spec's reduction tolerance: 1e-4 relative
//! plus 1e-6 absolute.
//!
//! A backend is added to the test by adding it to [`BACKENDS`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use tessera_runtime::npy::read_npy;
use tessera_runtime::{Backend, CompileOptions, Engine};
use tessera_tests::progen::{REDUCTION_RTOL, SPEC_ATOL};

/// The backends every example runs on.
const BACKENDS: &[Backend] = &[Backend::Interp];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Compiles `examples/<name>.mlir` with the default pipeline (`-O2`, as
/// `tensor-run` does) for each backend, calls its entry point on `x.npy`
/// and compares the single result with `expected.npy`.
fn run_example(name: &str, signature: &str) {
    let dir = examples_dir();
    let file = dir.join(format!("{name}.mlir"));
    let x = read_npy(&dir.join(name).join("x.npy")).unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected =
        read_npy(&dir.join(name).join("expected.npy")).unwrap_or_else(|e| panic!("{name}: {e}"));
    let engine = Engine::new();
    for &backend in BACKENDS {
        let options = CompileOptions {
            backend,
            ..CompileOptions::default()
        };
        let start = Instant::now();
        let module = engine
            .compile_file(&file, &options)
            .unwrap_or_else(|e| panic!("{name} on {backend}: compile failed:\n{e}"));
        let main = module
            .entry_point()
            .unwrap_or_else(|e| panic!("{name} on {backend}: {e}"));
        assert_eq!(
            main.signature().to_string(),
            signature,
            "{name} on {backend}"
        );
        let out = main
            .call(std::slice::from_ref(&x))
            .unwrap_or_else(|e| panic!("{name} on {backend}: {e}"));
        assert_eq!(out.len(), 1, "{name} on {backend}: one result");
        out[0]
            .allclose(&expected, REDUCTION_RTOL, SPEC_ATOL)
            .unwrap_or_else(|e| panic!("{name} on {backend}: {e}"));
        // Shown with --nocapture: how long each example takes per backend.
        eprintln!("{name} on {backend}: {:.2?}", start.elapsed());
    }
}

#[test]
fn the_mlp_matches_numpy() {
    run_example("mlp", "(tensor<1x784xf32>) -> tensor<1x10xf32>");
}

#[test]
fn the_cnn_matches_numpy() {
    run_example("cnn", "(tensor<1x1x28x28xf32>) -> tensor<1x10xf32>");
}

#[test]
fn the_1000x1000_softmax_matches_numpy() {
    run_example(
        "softmax",
        "(tensor<1000x1000xf32>) -> tensor<1000x1000xf32>",
    );
}

#[test]
fn the_transformer_block_matches_numpy() {
    run_example(
        "transformer",
        "(tensor<128x512xf32>) -> tensor<128x512xf32>",
    );
}
