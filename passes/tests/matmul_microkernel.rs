//! `affine-matmul-microkernel`: which nests it recognizes, the structure
//! of the schedule, and, above all, that the scheduled code computes what
//! the plain loop nest computes, on the loop interpreter, for shapes with
//! every kind of edge, each loop order and form, batches, and forced
//! packing with remainder blocks.

use tessera_compiler::pass::{Pass, PassState, Statistic};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::loops::{LoopValue, MemRef, run_loop_function};
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::kernels::matmul::{Config, MatmulMicrokernel, Packing};

// ----- building inputs ---------------------------------------------------------

/// How the matmul nest is written.
#[derive(Copy, Clone, Debug)]
enum Form {
    /// Three perfectly nested loops in this order of `i`, `j`, `k`, with
    /// a load and a store of C in the innermost body.
    Perfect(&'static str),
    /// `i, j` loops around a `k` loop carrying the sum from `C[i, j]`.
    IterArgs,
    /// `i, j` loops around a `k` loop carrying the sum from `0.0`.
    IterArgsFromZero,
}

/// A function `@mm(%A: MxK, %B: KxN, %C: MxN)` computing `C += A * B` in
/// `form`, after a nest zeroing `C` when `zero_init`.
fn matmul_func(form: Form, m: i64, n: i64, k: i64, zero_init: bool) -> String {
    let (ta, tb, tc) = (
        format!("memref<{m}x{k}xf32>"),
        format!("memref<{k}x{n}xf32>"),
        format!("memref<{m}x{n}xf32>"),
    );
    let mut s = format!("func.func @mm(%A: {ta}, %B: {tb}, %C: {tc}) {{\n");
    s += "  %zero = arith.constant 0.000000e+00 : f32\n";
    if zero_init {
        s += &format!(
            "  affine.for %i = 0 to {m} {{\n    affine.for %j = 0 to {n} {{\n      \
             affine.store %zero, %C[%i, %j] : {tc}\n    }}\n  }}\n"
        );
    }
    let trip = |c: char| match c {
        'i' => m,
        'j' => n,
        _ => k,
    };
    match form {
        Form::Perfect(order) => {
            for (depth, c) in order.chars().enumerate() {
                let pad = "  ".repeat(depth + 1);
                s += &format!("{pad}affine.for %{c} = 0 to {} {{\n", trip(c));
            }
            s += &format!(
                "      %a = affine.load %A[%i, %k] : {ta}\n      \
                 %b = affine.load %B[%k, %j] : {tb}\n      \
                 %c = affine.load %C[%i, %j] : {tc}\n      \
                 %p = arith.mulf %a, %b : f32\n      \
                 %s = arith.addf %c, %p : f32\n      \
                 affine.store %s, %C[%i, %j] : {tc}\n"
            );
            s += "    }\n  }\n  }\n";
        }
        Form::IterArgs | Form::IterArgsFromZero => {
            let init = if matches!(form, Form::IterArgs) {
                format!("    %init = affine.load %C[%i, %j] : {tc}\n")
            } else {
                "    %init = arith.constant 0.000000e+00 : f32\n".to_string()
            };
            s += &format!(
                "  affine.for %i = 0 to {m} {{\n  affine.for %j = 0 to {n} {{\n{init}    \
                 %r = affine.for %k = 0 to {k} iter_args(%acc = %init) -> (f32) {{\n      \
                 %a = affine.load %A[%i, %k] : {ta}\n      \
                 %b = affine.load %B[%k, %j] : {tb}\n      \
                 %p = arith.mulf %b, %a : f32\n      \
                 %s = arith.addf %p, %acc : f32\n      \
                 affine.yield %s : f32\n    }}\n    \
                 affine.store %r, %C[%i, %j] : {tc}\n  }}\n  }}\n"
            );
        }
    }
    s += "  return\n}\n";
    s
}

/// Parses `text` into a fresh context with every dialect.
fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let module = parse_module(&mut ctx, text, &ParseConfig::default()).unwrap_or_else(|d| {
        panic!(
            "input does not parse:\n{}\n{text}",
            tessera_compiler::diag::render(&ctx, &d)
        )
    });
    (ctx, module)
}

/// Runs the pass with `config` on `module`, checks that the result
/// verifies, and returns the statistics.
fn schedule(ctx: &mut Context, module: OpId, config: Config) -> Vec<(String, u64)> {
    let mut pass = MatmulMicrokernel { config };
    let mut state = PassState::default();
    pass.run(ctx, module, &mut state)
        .expect("the pass does not fail");
    if let Err(d) = tessera_compiler::verify::verify(ctx, module) {
        panic!(
            "the output does not verify:\n{}\n{}",
            tessera_compiler::diag::render(ctx, &d),
            print_op(ctx, module, &PrintOptions::default())
        );
    }
    state
        .statistics
        .into_iter()
        .filter_map(|(k, v)| match v {
            Statistic::Count(c) => Some((k, c)),
            Statistic::Text(_) => None,
        })
        .collect()
}

fn count(stats: &[(String, u64)], name: &str) -> u64 {
    stats.iter().find(|(k, _)| k == name).map_or(0, |(_, v)| *v)
}

// ----- running -----------------------------------------------------------------

/// `len` values from a fixed pseudo-random sequence: multiples of 1/2 in
/// [-2, 2] when `dyadic` (so every product and sum of the tests is exact
/// in `f32`, whatever the summation order), else arbitrary in [-1, 1).
fn values(seed: u64, len: usize, dyadic: bool) -> Vec<f64> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (x >> 33) as f64 / (1u64 << 31) as f64;
            if dyadic {
                ((u * 9.0).floor() - 4.0) / 2.0
            } else {
                f64::from((2.0 * u - 1.0) as f32)
            }
        })
        .collect()
}

fn tensor(shape: &[usize], data: &[f64]) -> Tensor {
    Tensor::from_f64s(ElemType::F32, shape, data).expect("a valid tensor")
}

/// Runs `@mm` of `module` on `A`, `B` and an initial `C`; returns `C`.
fn run_mm(ctx: &Context, module: OpId, a: &Tensor, b: &Tensor, c: &Tensor) -> Vec<f64> {
    let c_mem = MemRef::from_tensor(c);
    let mut args = vec![
        LoopValue::MemRef(MemRef::from_tensor(a)),
        LoopValue::MemRef(MemRef::from_tensor(b)),
        LoopValue::MemRef(c_mem.clone()),
    ];
    run_loop_function(ctx, module, "mm", &mut args).unwrap_or_else(|e| {
        panic!(
            "the interpreter fails: {e:?}\n{}",
            print_op(ctx, module, &PrintOptions::default())
        )
    });
    let t = c_mem.to_tensor().expect("C is fully written");
    t.to_f64_array().into_raw_vec_and_offset().0
}

/// Schedules the `form` nest of an `m x n x k` matmul under `config` and
/// checks it computes what the nest computes (exactly, on dyadic inputs;
/// within `1e-5` relative otherwise); returns the statistics.
fn check_same_result(
    form: Form,
    (m, n, k): (i64, i64, i64),
    zero_init: bool,
    config: Config,
    dyadic: bool,
) -> Vec<(String, u64)> {
    let text = matmul_func(form, m, n, k, zero_init);
    let (um, uk, un) = (m as usize, k as usize, n as usize);
    let a = tensor(&[um, uk], &values(1, um * uk, dyadic));
    let b = tensor(&[uk, un], &values(2, uk * un, dyadic));
    let c = tensor(&[um, un], &values(3, um * un, dyadic));
    let (ctx0, plain) = parse(&text);
    let expected = run_mm(&ctx0, plain, &a, &b, &c);
    let (mut ctx, module) = parse(&text);
    let stats = schedule(&mut ctx, module, config);
    assert_eq!(count(&stats, "num-matmuls"), 1, "not recognized:\n{text}");
    let got = run_mm(&ctx, module, &a, &b, &c);
    for (idx, (g, e)) in got.iter().zip(&expected).enumerate() {
        let ok = if dyadic {
            g == e
        } else {
            (g - e).abs() <= 1e-5 * e.abs().max(1.0)
        };
        assert!(
            ok,
            "{form:?} {m}x{n}x{k}: C[{}, {}] is {g}, the nest gives {e}",
            idx / un,
            idx % un
        );
    }
    stats
}

/// The default blocking, scheduling every matmul (even single rows, which
/// the pass leaves alone by default).
fn defaults() -> Config {
    Config {
        min_rows: 1,
        ..Config::default()
    }
}

/// Packing forced on, with small blocks so every block loop has several
/// iterations and a remainder.
fn small_blocks(packing: Packing) -> Config {
    Config {
        mc: 12,
        kc: 16,
        nc: 32,
        min_rows: 1,
        packing,
        ..Config::default()
    }
}

// ----- semantics ---------------------------------------------------------------

#[test]
fn one_by_one_by_one() {
    check_same_result(Form::Perfect("ikj"), (1, 1, 1), true, defaults(), true);
    check_same_result(Form::Perfect("ikj"), (1, 1, 1), false, defaults(), true);
}

#[test]
fn odd_edges_in_every_dimension() {
    // 7 = 6 + 1 rows, 13 = 8 + 5 columns (one full and one masked vector).
    let stats = check_same_result(Form::Perfect("ikj"), (7, 13, 5), true, defaults(), true);
    assert_eq!(count(&stats, "num-zero-inits-folded"), 1);
}

#[test]
fn sixty_four_cubed_unpacked() {
    check_same_result(Form::Perfect("ikj"), (64, 64, 64), true, defaults(), true);
}

#[test]
fn hundred_by_thirty_seven_by_260() {
    check_same_result(Form::Perfect("ikj"), (100, 37, 260), true, defaults(), true);
}

#[test]
fn arbitrary_floats_within_tolerance() {
    check_same_result(Form::Perfect("ikj"), (20, 24, 70), true, defaults(), false);
    check_same_result(
        Form::Perfect("ikj"),
        (20, 24, 70),
        true,
        small_blocks(Packing::AB),
        false,
    );
}

#[test]
fn every_loop_order_is_recognized() {
    for order in ["ijk", "ikj", "jik", "jki", "kij", "kji"] {
        check_same_result(Form::Perfect(order), (7, 18, 9), false, defaults(), true);
    }
}

#[test]
fn iter_args_forms() {
    check_same_result(Form::IterArgs, (13, 21, 11), false, defaults(), true);
    check_same_result(Form::IterArgs, (13, 21, 11), true, defaults(), true);
    check_same_result(
        Form::IterArgsFromZero,
        (13, 21, 11),
        false,
        defaults(),
        true,
    );
}

#[test]
fn accumulating_into_c_keeps_its_values() {
    // No zeroing nest: C's initial values are part of every sum, in every
    // K block.
    check_same_result(
        Form::Perfect("ikj"),
        (19, 35, 40),
        false,
        small_blocks(Packing::AB),
        true,
    );
    check_same_result(Form::Perfect("ikj"), (19, 35, 40), false, defaults(), true);
}

#[test]
fn packed_blocks_with_remainders() {
    // mc = 12, kc = 16, nc = 32 on 100 x 37 x 260: 8 full A blocks and a
    // remainder, 17 K blocks (balanced to 16 of 16 and one of 4), N cut
    // into one full B block, plus both edge strips.
    for packing in [Packing::AB, Packing::B] {
        check_same_result(
            Form::Perfect("ikj"),
            (100, 37, 260),
            true,
            small_blocks(packing),
            true,
        );
        check_same_result(
            Form::Perfect("ijk"),
            (50, 70, 33),
            true,
            small_blocks(packing),
            true,
        );
    }
}

#[test]
fn other_register_tiles() {
    for (mr, nr) in [(4, 24), (8, 8), (1, 16), (3, 32)] {
        let config = Config {
            mr,
            nr,
            ..small_blocks(Packing::AB)
        };
        check_same_result(Form::Perfect("ikj"), (29, 45, 21), true, config, true);
    }
}

#[test]
fn batched_matmul_with_a_broadcast_operand() {
    // A is [2, 5, 7] (batch), B is [7, 9] shared by both batches, C is
    // [2, 5, 9]; convert-graph-to-affine's form.
    let text = r#"
func.func @mm(%A: memref<2x5x7xf32>, %B: memref<7x9xf32>, %C: memref<2x5x9xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  affine.for %b = 0 to 2 {
    affine.for %i = 0 to 5 {
      affine.for %j = 0 to 9 {
        affine.store %zero, %C[%b, %i, %j] : memref<2x5x9xf32>
      }
    }
  }
  affine.for %b = 0 to 2 {
    affine.for %i = 0 to 5 {
      affine.for %k = 0 to 7 {
        affine.for %j = 0 to 9 {
          %x = affine.load %A[%b, %i, %k] : memref<2x5x7xf32>
          %y = affine.load %B[%k, %j] : memref<7x9xf32>
          %c = affine.load %C[%b, %i, %j] : memref<2x5x9xf32>
          %p = arith.mulf %x, %y : f32
          %s = arith.addf %c, %p : f32
          affine.store %s, %C[%b, %i, %j] : memref<2x5x9xf32>
        }
      }
    }
  }
  return
}
"#;
    let a = tensor(&[2, 5, 7], &values(1, 70, true));
    let b = tensor(&[7, 9], &values(2, 63, true));
    let c = tensor(&[2, 5, 9], &values(3, 90, true));
    let (ctx0, plain) = parse(text);
    let expected = run_mm(&ctx0, plain, &a, &b, &c);
    let (mut ctx, module) = parse(text);
    let stats = schedule(&mut ctx, module, defaults());
    assert_eq!(count(&stats, "num-matmuls"), 1);
    assert_eq!(count(&stats, "num-zero-inits-folded"), 1);
    assert_eq!(run_mm(&ctx, module, &a, &b, &c), expected);
}

// ----- what is not a matmul ----------------------------------------------------

/// Runs the pass on `text` and returns how many nests it scheduled.
fn scheduled(text: &str) -> u64 {
    let (mut ctx, module) = parse(text);
    count(&schedule(&mut ctx, module, defaults()), "num-matmuls")
}

#[test]
fn lookalikes_are_left_alone() {
    let base = matmul_func(Form::Perfect("ikj"), 4, 8, 3, false);
    assert_eq!(scheduled(&base), 1);
    // f64 elements.
    assert_eq!(scheduled(&base.replace("f32", "f64")), 0);
    // A transposed read of B (B[j, k]) is not this matmul.
    let transposed = base
        .replace("%B[%k, %j]", "%B[%j, %k]")
        .replace("memref<3x8xf32>", "memref<8x3xf32>");
    assert_eq!(scheduled(&transposed), 0);
    // A subtraction instead of the sum.
    assert_eq!(
        scheduled(&base.replace("arith.addf %c, %p", "arith.subf %c, %p")),
        0
    );
    // C is also an operand.
    let aliased = base.replace(
        "%b = affine.load %B[%k, %j] : memref<3x8xf32>",
        "%b = affine.load %C[%k, %j] : memref<4x8xf32>",
    );
    assert_eq!(scheduled(&aliased), 0);
    // An extra op in the body.
    let extra = base.replace(
        "%p = arith.mulf %a, %b : f32",
        "%p = arith.mulf %a, %b : f32\n      %q = arith.negf %p : f32",
    );
    assert_eq!(scheduled(&extra), 0);
    // A loop not starting at 0.
    assert_eq!(scheduled(&base.replace("%k = 0 to 3", "%k = 1 to 3")), 0);
}

#[test]
fn a_zeroing_that_does_not_cover_c_is_kept() {
    // The zeroing nest only covers half the rows: it stays, and C is read.
    let text = matmul_func(Form::Perfect("ikj"), 4, 8, 3, true).replacen(
        "affine.for %i = 0 to 4 {\n    affine.for %j",
        "affine.for %i = 0 to 2 {\n    affine.for %j",
        1,
    );
    let (mut ctx, module) = parse(&text);
    let stats = schedule(&mut ctx, module, defaults());
    assert_eq!(count(&stats, "num-matmuls"), 1);
    assert_eq!(count(&stats, "num-zero-inits-folded"), 0);
}

// ----- structure ---------------------------------------------------------------

/// The printed module after scheduling `text` with `config`.
fn scheduled_text(text: &str, config: Config) -> String {
    let (mut ctx, module) = parse(text);
    schedule(&mut ctx, module, config);
    print_op(&ctx, module, &PrintOptions::default())
}

#[test]
fn packed_schedule_has_packing_loops_and_a_vector_micro_kernel() {
    let out = scheduled_text(
        &matmul_func(Form::Perfect("ikj"), 48, 64, 64, true),
        Config {
            kc: 32,
            packing: Packing::AB,
            ..Config::default()
        },
    );
    // Two packed buffers, freed at the end.
    assert!(
        out.contains("memref.alloc() {alignment = 64 : i64} : memref<4x64x16xf32>"),
        "{out}"
    );
    assert!(
        out.contains("memref.alloc() {alignment = 64 : i64} : memref<8x6x32xf32>"),
        "{out}"
    );
    assert_eq!(out.matches("memref.dealloc").count(), 2);
    // 12 accumulators carried by the k loop, 12 FMAs per step.
    assert!(out.contains("iter_args(") && out.contains("-> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)"), "{out}");
    assert_eq!(out.matches("vector.fma").count(), 12, "{out}");
    // The first K block starts from zero, the second from C.
    assert!(out.contains("affine.if"), "{out}");
    // The plain nest is gone.
    assert!(!out.contains("arith.mulf"), "{out}");
}

#[test]
fn small_schedule_snapshot() {
    insta::assert_snapshot!(scheduled_text(
        &matmul_func(Form::Perfect("ikj"), 7, 13, 5, true),
        defaults()
    ));
}

// ----- on convert-graph-to-affine's output -------------------------------------

/// Lowers the graph function `@main` of `text` with
/// `convert-graph-to-affine,affine-matmul-microkernel` (the schedule
/// with `config`), checks that `matmuls` nests were scheduled, and
/// compares the loop interpreter's results with the graph interpreter's.
fn check_graph(text: &str, inputs: &[Tensor], matmuls: u64, config: &str) {
    let (graph_ctx, graph) = parse(text);
    let expected =
        tessera_dialects::interp::eval::run_function(&graph_ctx, graph, "main", inputs.to_vec())
            .expect("the graph interpreter runs");
    let (mut ctx, module) = parse(text);
    let mut registry = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    let pipeline =
        format!("builtin.module(convert-graph-to-affine,affine-matmul-microkernel{config})");
    let mut pm = tessera_compiler::pass::PassManager::parse(&registry, &pipeline)
        .expect("the pipeline parses");
    if let Err(d) = pm.run(&mut ctx, module) {
        panic!(
            "the pipeline fails:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        );
    }
    let report = pm.statistics_report();
    assert!(
        report.contains(&format!("{matmuls} num-matmuls")),
        "expected {matmuls} scheduled matmuls:\n{report}\n{}",
        print_op(&ctx, module, &PrintOptions::default())
    );
    let got = tessera_dialects::interp::loops::call_with_tensors(&ctx, module, "main", inputs)
        .expect("the loop interpreter runs");
    for (g, e) in got.iter().zip(&expected) {
        g.allclose(e, 1e-5, 1e-5)
            .unwrap_or_else(|msg| panic!("{msg}"));
    }
}

fn graph_matmul(m: usize, n: usize, k: usize) -> String {
    format!(
        "func.func @main(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{\n  \
         %0 = \"graph.matmul\"(%a, %b) : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32>\n  \
         func.return %0 : tensor<{m}x{n}xf32>\n}}\n"
    )
}

#[test]
fn graph_matmuls_of_every_edge_shape() {
    for (m, n, k) in [(1, 1, 1), (7, 13, 5), (64, 64, 64), (100, 37, 260)] {
        let a = tensor(&[m, k], &values(1, m * k, false));
        let b = tensor(&[k, n], &values(2, k * n, false));
        check_graph(
            &graph_matmul(m, n, k),
            &[a.clone(), b.clone()],
            1,
            "{min-rows=1}",
        );
        check_graph(
            &graph_matmul(m, n, k),
            &[a, b],
            1,
            "{packing=ab mc=24 kc=64 nc=32 min-rows=1}",
        );
    }
}

#[test]
fn graph_batched_matmul_with_epilogues() {
    // The bias add and relu stay as their own nests after the schedule.
    let text = r#"
func.func @main(%a: tensor<3x10x20xf32>, %b: tensor<20x24xf32>, %bias: tensor<24xf32>) -> tensor<3x10x24xf32> {
  %0 = "graph.matmul"(%a, %b) : (tensor<3x10x20xf32>, tensor<20x24xf32>) -> tensor<3x10x24xf32>
  %1 = "graph.add"(%0, %bias) : (tensor<3x10x24xf32>, tensor<24xf32>) -> tensor<3x10x24xf32>
  %2 = "graph.relu"(%1) : (tensor<3x10x24xf32>) -> tensor<3x10x24xf32>
  func.return %2 : tensor<3x10x24xf32>
}
"#;
    let inputs = [
        tensor(&[3, 10, 20], &values(1, 600, false)),
        tensor(&[20, 24], &values(2, 480, false)),
        tensor(&[24], &values(3, 24, false)),
    ];
    check_graph(text, &inputs, 1, "");
    check_graph(text, &inputs, 1, "{packing=ab kc=8}");
}

#[test]
fn graph_conv2d_lowered_as_im2col_and_matmul() {
    // convert-graph-to-affine lowers conv2d to an im2col copy and a
    // [O, C*KH*KW] x [C*KH*KW, OH*OW] matmul per image, which the pass
    // schedules (here 16 x 36 x 27, per image of the batch of 2).
    let text = r#"
func.func @main(%x: tensor<2x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<2x16x6x6xf32> {
  %0 = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<2x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<2x16x6x6xf32>
  func.return %0 : tensor<2x16x6x6xf32>
}
"#;
    let inputs = [
        tensor(&[2, 3, 8, 8], &values(1, 384, false)),
        tensor(&[16, 3, 3, 3], &values(2, 432, false)),
    ];
    check_graph(text, &inputs, 1, "");
    check_graph(text, &inputs, 1, "{packing=ab kc=16}");
}
