//! GFLOP/s of `graph.matmul` compiled by the LLVM backend, with and
//! without the `affine-matmul-microkernel` schedule.
//!
//! Each size is lowered with
//! `convert-graph-to-affine,affine-matmul-microkernel,lower-affine`
//! (the `plain` variant leaves the schedule out), compiled with
//! [`tessera_runtime::backend::llvm::compile`], checked once against a
//! reference product, then timed. Throughput is in elements = FLOPs
//! (`2 * M * N * K` per call), so criterion's `elem/s` reads as FLOP/s.
//! Time is the calling thread's CPU time, not wall time, so that other
//! processes sharing the machine disturb the figures less.
//!
//! `cargo bench -p tessera-runtime --bench matmul`; after criterion's
//! report it prints each variant's best rate over batches of calls.

use std::ffi::c_void;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use tessera_compiler::Context;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_runtime::backend::{BackendOptions, JitCode, MemRefDescriptor, PackedFn, llvm};

/// The sizes timed (square matrices).
const SIZES: [usize; 5] = [64, 128, 256, 512, 1024];

/// A compiled `@main(A: NxN, B: NxN, C: NxN out)`, its buffers and the
/// code they belong to.
struct Compiled {
    n: usize,
    entry: PackedFn,
    _code: Box<dyn JitCode>,
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
}

impl Compiled {
    /// Lowers and compiles an `n`-cubed matmul, with the micro-kernel
    /// schedule or without.
    fn new(n: usize, schedule: bool) -> Compiled {
        let text = format!(
            "func.func @main(%a: tensor<{n}x{n}xf32>, %b: tensor<{n}x{n}xf32>) -> tensor<{n}x{n}xf32> {{\n  \
             %0 = \"graph.matmul\"(%a, %b) : (tensor<{n}x{n}xf32>, tensor<{n}x{n}xf32>) -> tensor<{n}x{n}xf32>\n  \
             func.return %0 : tensor<{n}x{n}xf32>\n}}\n"
        );
        let mut ctx = Context::new();
        tessera_dialects::register_all(&mut ctx);
        let module = parse_module(&mut ctx, &text, &ParseConfig::default()).expect("parses");
        let mut registry = PassRegistry::new();
        tessera_passes::register_all(&mut registry);
        let schedule = if schedule {
            "affine-matmul-microkernel,"
        } else {
            ""
        };
        let pipeline = format!("builtin.module(convert-graph-to-affine,{schedule}lower-affine)");
        let mut pm = PassManager::parse(&registry, &pipeline).expect("the pipeline parses");
        pm.run(&mut ctx, module).expect("the pipeline runs");
        let code = llvm::compile(&ctx, module, &BackendOptions::default()).expect("compiles");
        let entry = code.packed_entry("main").expect("@main has a packed entry");
        let a: Vec<f32> = (0..n * n)
            .map(|i| ((i * 7 % 13) as f32 - 6.0) / 8.0)
            .collect();
        let b: Vec<f32> = (0..n * n)
            .map(|i| ((i * 5 % 11) as f32 - 5.0) / 8.0)
            .collect();
        Compiled {
            n,
            entry,
            _code: code,
            a,
            b,
            c: vec![0.0; n * n],
        }
    }

    /// One call: `C = A * B`.
    fn call(&mut self) {
        let sizes = [self.n as i64, self.n as i64];
        let mut descs = [
            MemRefDescriptor::contiguous(self.a.as_mut_ptr().cast(), &sizes),
            MemRefDescriptor::contiguous(self.b.as_mut_ptr().cast(), &sizes),
            MemRefDescriptor::contiguous(self.c.as_mut_ptr().cast(), &sizes),
        ];
        let args: Vec<*mut c_void> = descs.iter_mut().map(|d| d.as_mut_ptr()).collect();
        // SAFETY: @main takes three NxN f32 memrefs; each descriptor
        // points at a live buffer of that size, which outlives the call.
        unsafe { (self.entry)(args.as_ptr()) };
    }

    /// Panics unless `C` is `A * B` (the inputs are multiples of 1/8 with
    /// small sums, so every order of summation is exact).
    fn check(&mut self) {
        self.c.fill(f32::NAN);
        self.call();
        let n = self.n;
        for i in (0..n).step_by(7) {
            for j in 0..n {
                let want: f32 = (0..n).map(|k| self.a[i * n + k] * self.b[k * n + j]).sum();
                assert_eq!(
                    self.c[i * n + j],
                    want,
                    "C[{i}, {j}] of the {n}-cubed matmul"
                );
            }
        }
    }
}

/// The calling thread's CPU time.
fn thread_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The best rate of `k` over batches of calls of at least 2 ms each
/// (short single calls are below the CPU clock's useful resolution),
/// within about `budget` of CPU time, in GFLOP/s.
fn best_gflops(k: &mut Compiled, budget: Duration) -> f64 {
    let flops = 2.0 * (k.n as f64).powi(3);
    let t0 = thread_time();
    k.call();
    let one = (thread_time() - t0).max(Duration::from_nanos(100));
    let batch = (Duration::from_millis(2).as_nanos() / one.as_nanos()).max(1) as u32;
    let mut best = Duration::MAX;
    let start = thread_time();
    while thread_time() - start < budget {
        let t0 = thread_time();
        for _ in 0..batch {
            k.call();
        }
        best = best.min((thread_time() - t0) / batch);
    }
    flops / best.as_secs_f64() / 1e9
}

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    group.measurement_time(Duration::from_secs(3));
    let mut summary = Vec::new();
    for n in SIZES {
        let mut variants = vec![("microkernel", Compiled::new(n, true))];
        if n <= 256 {
            variants.push(("plain", Compiled::new(n, false)));
        }
        group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
        for (name, k) in &mut variants {
            k.check();
            group.bench_function(BenchmarkId::new(*name, n), |bench| {
                bench.iter_custom(|iters| {
                    let t0 = thread_time();
                    for _ in 0..iters {
                        k.call();
                    }
                    thread_time() - t0
                })
            });
            summary.push((*name, n, best_gflops(k, Duration::from_millis(500))));
        }
    }
    group.finish();
    println!("best batch of calls (GFLOP/s, thread CPU time):");
    for (name, n, g) in summary {
        println!("  {name:12} {n:5}  {g:7.1}");
    }
}

/// Every benchmark of this file (what `criterion_group!` would write,
/// with a doc comment).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    matmul(&mut c);
}

criterion_main!(benches);
