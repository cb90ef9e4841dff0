//! Benchmarks of `graph-eqsat` with its default limits: generated
//! programs of 100, 1,000 and 10,000 ops, and `examples/mlp.mlir`.
//!
//! Run with `cargo bench -p tessera-passes --bench eqsat`. Targets: 1,000
//! ops under 1 s, the MLP under 100 ms. Parsing is set-up, not measured.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_main};
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::{Context, OpId};
use tessera_passes::eqsat::{EqsatConfig, optimize_function};

/// SplitMix64, so the generated programs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A function of `n` ops on `tensor<16x16xf32>` values: element-wise ops
/// (some of them identities or unstable forms the rules rewrite),
/// softmaxes and matmuls, each using recent values, so the DAG is deep
/// and shared. Several values are returned so most of it stays live.
fn generated(n: usize) -> String {
    const T: &str = "tensor<16x16xf32>";
    let mut rng = Rng(n as u64);
    let mut out =
        format!("func.func @main(%a: {T}, %b: {T}, %c: {T}) -> ({T}, {T}, {T}, {T}) {{\n");
    out.push_str(&format!(
        "  %one = graph.constant {{value = dense<1.0> : {T}}} : () -> {T}\n"
    ));
    out.push_str(&format!(
        "  %zero = graph.constant {{value = dense<0.0> : {T}}} : () -> {T}\n"
    ));
    let mut vals: Vec<String> = ["%a", "%b", "%c"].iter().map(|s| s.to_string()).collect();
    for i in 0..n {
        let recent = vals.len().min(12);
        let x = vals[vals.len() - 1 - rng.below(recent)].clone();
        let y = vals[vals.len() - 1 - rng.below(recent)].clone();
        let v = format!("%v{i}");
        let line = match rng.below(16) {
            0..=2 => format!("{v} = graph.add {x}, {y} : ({T}, {T}) -> {T}"),
            3..=4 => format!("{v} = graph.mul {x}, {y} : ({T}, {T}) -> {T}"),
            5 => format!("{v} = graph.sub {x}, {y} : ({T}, {T}) -> {T}"),
            6 => format!("{v} = graph.mul {x}, %one : ({T}, {T}) -> {T}"),
            7 => format!("{v} = graph.max {x}, %zero : ({T}, {T}) -> {T}"),
            8 => format!("{v} = graph.add %one, {x} : ({T}, {T}) -> {T}"),
            9 => format!("{v} = graph.log {x} : ({T}) -> {T}"),
            10 => format!("{v} = graph.exp {x} : ({T}) -> {T}"),
            11 => format!("{v} = graph.tanh {x} : ({T}) -> {T}"),
            12 => format!("{v} = graph.neg {x} : ({T}) -> {T}"),
            13 => format!("{v} = graph.softmax {x} {{axis = 1 : i64}} : ({T}) -> {T}"),
            14 => format!("{v} = graph.matmul {x}, {y} : ({T}, {T}) -> {T}"),
            _ => format!("{v} = graph.relu {x} : ({T}) -> {T}"),
        };
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
        vals.push(v);
    }
    let k = vals.len();
    out.push_str(&format!(
        "  func.return {}, {}, {}, {} : {T}, {T}, {T}, {T}\n}}\n",
        vals[k - 1],
        vals[k / 2],
        vals[k / 3],
        vals[2 * k / 3]
    ));
    out
}

fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "bench.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config).expect("the program parses");
    let func = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    (ctx, func)
}

fn bench(c: &mut Criterion) {
    let config = EqsatConfig::default();
    let mut group = c.benchmark_group("graph-eqsat");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let text = generated(n);
        group.bench_function(format!("generated-{n}-ops"), |b| {
            b.iter_batched(
                || parse(&text),
                |(mut ctx, func)| black_box(optimize_function(&mut ctx, func, &config)),
                BatchSize::PerIteration,
            )
        });
    }
    // The pass leaves the MLP as it is, so one parse serves every run.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/mlp.mlir");
    let text = std::fs::read_to_string(path).expect("examples/mlp.mlir");
    let (mut ctx, func) = parse(&text);
    let first = optimize_function(&mut ctx, func, &config);
    assert_eq!(first.rewritten, 0, "the MLP is expected to stay as it is");
    group.bench_function("mlp", |b| {
        b.iter(|| black_box(optimize_function(&mut ctx, func, &config)))
    });
    group.finish();
}

/// Every benchmark of this file (what `criterion_group!` would write,
/// with a doc comment).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
