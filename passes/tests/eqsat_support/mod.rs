//! What the `eqsat_*` tests share: parsing, running pipelines and the
//! interpreter, a reproducible random stream, and tolerant comparison.

#![allow(dead_code)] // Each test file uses a different part.

use tessera_compiler::diag::render;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::eval::run_function;
use tessera_dialects::interp::value::{ElemType, Tensor};

/// The spec's tolerance for an `f32` result against the exact one.
pub const SPEC_RTOL: f64 = 1e-5;
/// The spec's absolute tolerance.
pub const SPEC_ATOL: f64 = 1e-6;

/// A context with every dialect registered.
pub fn context() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

/// A registry with every pass of the crate.
pub fn registry() -> PassRegistry {
    let mut r = PassRegistry::new();
    tessera_passes::register_all(&mut r);
    r
}

/// Parses `text` as `input.mlir`, panicking with the rendered diagnostic.
pub fn parse(ctx: &mut Context, text: &str) -> OpId {
    let config = ParseConfig {
        file_name: "input.mlir".into(),
        line_offset: 0,
    };
    parse_module(ctx, text, &config)
        .unwrap_or_else(|d| panic!("input does not parse:\n{}", render(ctx, &d)))
}

/// Runs `pipeline` on `module`, returning the statistics report.
pub fn run_pipeline(ctx: &mut Context, module: OpId, pipeline: &str) -> String {
    let registry = registry();
    let mut pm = PassManager::parse(&registry, pipeline).expect("the pipeline parses");
    if let Err(d) = pm.run(ctx, module) {
        panic!("the pipeline fails:\n{}", render(ctx, &d));
    }
    pm.statistics_report()
}

/// The graph-level part of the named pipeline `-O<level>`: its passes
/// before `convert-graph-to-affine`, which the graph interpreter can run
/// (what `tensor-run --backend interp` runs).
pub fn opt_level(level: &str) -> String {
    let full = registry()
        .pipeline(level)
        .unwrap_or_else(|| panic!("no pipeline {level}"))
        .pipeline
        .clone();
    match full.split_once(",convert-graph-to-affine") {
        Some((graph_part, _)) => format!("{graph_part})"),
        None => full,
    }
}

/// The module as text (custom form, with locations if `locs`).
pub fn print(ctx: &Context, module: OpId, locs: bool) -> String {
    let opts = PrintOptions {
        debug_locs: locs,
        ..PrintOptions::default()
    };
    print_op(ctx, module, &opts)
}

/// Runs `@name` of `module` in the interpreter.
pub fn run(ctx: &Context, module: OpId, name: &str, args: Vec<Tensor>) -> Vec<Tensor> {
    run_function(ctx, module, name, args)
        .unwrap_or_else(|d| panic!("@{name} fails:\n{}", render(ctx, &[d])))
}

/// Checks `got` against `want` within tolerance, naming `what`.
pub fn assert_close(got: &[Tensor], want: &[Tensor], rtol: f64, atol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: result count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if let Err(e) = g.allclose(w, rtol, atol) {
            panic!("{what}: result {i}: {e}");
        }
    }
}

/// SplitMix64: a tiny reproducible random stream.
pub struct Rng(u64);

impl Rng {
    /// A stream from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// A uniform float in `[lo, hi)`.
    pub fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.float(0.0, 1.0) < p
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A tensor of `shape` with random elements: floats in `[-3, 3)`, integers
/// in `-4..=4`, booleans.
pub fn random_tensor(rng: &mut Rng, elem: ElemType, shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    if elem.is_float() {
        let v: Vec<f64> = (0..n).map(|_| rng.float(-3.0, 3.0)).collect();
        Tensor::from_f64s(elem, shape, &v).expect("a valid shape")
    } else {
        let (lo, hi) = if elem == ElemType::I1 {
            (0, 1)
        } else {
            (-4, 4)
        };
        let v: Vec<i64> = (0..n).map(|_| rng.range(lo, hi)).collect();
        Tensor::from_i64s(elem, shape, &v).expect("a valid shape")
    }
}
