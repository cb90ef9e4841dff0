//! The loop passes of `tessera_passes::affine` on MLIR text: snapshots of
//! their output, and the behaviour each promises (what moves, what stays,
//! what is refused). Results are checked for meaning in `affine_semantics.rs`.

use tessera_compiler::Context;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};

/// Parses `input`, runs `pipeline`, and returns the printed module, or the
/// rendered diagnostics if the pipeline fails.
fn try_run(pipeline: &str, input: &str) -> Result<String, String> {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    let config = ParseConfig {
        file_name: "input.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, input, &config).unwrap_or_else(|d| {
        panic!(
            "input does not parse:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        )
    });
    let mut pm = PassManager::parse(&registry, pipeline).expect("the pipeline parses");
    match pm.run(&mut ctx, module) {
        Ok(_) => Ok(print_op(&ctx, module, &PrintOptions::default())),
        Err(d) => Err(tessera_compiler::diag::render(&ctx, &d)),
    }
}

/// [`try_run`], which must succeed.
fn run(pipeline: &str, input: &str) -> String {
    try_run(pipeline, input).unwrap_or_else(|e| panic!("the pipeline fails:\n{e}"))
}

/// How many ops named `name` the printed IR holds.
fn count(ir: &str, name: &str) -> usize {
    ir.matches(&format!("{name} ")).count() + ir.matches(&format!("{name}\n")).count()
}

// ----- lower-affine -------------------------------------------------------------

const LOWER_INPUT: &str = r#"
func.func @nest(%a: memref<8x8xf32>, %b: memref<8xf32>, %n: index) {
  affine.for %i = 0 to 8 {
    %s = affine.for %j = max affine_map<(d0) -> (0, d0 - 2)>(%i) to min affine_map<(d0)[s0] -> (8, d0 + 3, s0)>(%i)[%n] step 2 iter_args(%acc = %i) -> (index) {
      %v = affine.load %a[%i, %j] : memref<8x8xf32>
      %k = affine.apply affine_map<(d0, d1) -> ((d0 + d1) floordiv 2 + d1 mod 3 - d0 ceildiv 4)>(%i, %j)
      affine.if affine_set<(d0)[s0] : (s0 - d0 - 1 >= 0)>(%k)[%n] {
        affine.store %v, %b[%k] : memref<8xf32>
      }
      %nxt = arith.addi %acc, %k : index
      affine.yield %nxt : index
    }
  }
  return
}

func.func @reduce(%a: memref<8x8xi32>) -> (i32, i32) {
  %r:2 = affine.parallel (%i, %j) = (0, 0) to (8, 8) reduce ("addi", "maxs") -> (i32, i32) {
    %v = affine.load %a[%i, %j] : memref<8x8xi32>
    affine.yield %v, %v : i32, i32
  }
  return %r#0, %r#1 : i32, i32
}
"#;

#[test]
fn lower_affine_snapshot() {
    let out = run("builtin.module(lower-affine)", LOWER_INPUT);
    assert!(!out.contains("affine."), "affine ops remain:\n{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn lower_affine_integer_reductions_start_from_their_identity() {
    let out = run("builtin.module(lower-affine)", LOWER_INPUT);
    // addi starts at 0, maxs at the smallest i32.
    assert!(out.contains("arith.constant 0 : i32"), "{out}");
    assert!(out.contains("arith.constant -2147483648 : i32"), "{out}");
    assert!(out.contains("arith.maxsi %"), "{out}");
}

#[test]
fn lower_affine_refuses_a_non_positive_divisor_without_changing_anything() {
    let input = r#"
func.func @f(%m: memref<16xf32>) {
  affine.for %i = 0 to 16 {
    %v = affine.load %m[%i floordiv 4] : memref<16xf32>
    %w = affine.load %m[%i mod -2] : memref<16xf32>
  }
  return
}
"#;
    let err = try_run("builtin.module(lower-affine)", input).unwrap_err();
    assert!(
        err.contains("cannot lower 'd0 mod -2': the right operand of mod must be positive"),
        "{err}"
    );
    assert!(
        err.contains("input.mlir:5:"),
        "the error points at the load:\n{err}"
    );
}

#[test]
fn lower_affine_leaves_non_affine_code_alone() {
    let input = r#"
func.func @f(%m: memref<4xf32>, %lb: index, %ub: index, %s: index) {
  scf.for %i = %lb to %ub step %s {
    %v = memref.load %m[%i] : memref<4xf32>
    memref.store %v, %m[%i] : memref<4xf32>
  }
  return
}
"#;
    let before = run("builtin.module()", input);
    assert_eq!(run("builtin.module(lower-affine)", input), before);
    assert_eq!(count(&before, "scf.for"), 1);
}

// ----- the other loop passes ----------------------------------------------------

/// A matmul nest, an element-wise chain through a temporary, a sum and a
/// loop with a dependence: what each loop pass is shown on.
const LOOPS_INPUT: &str = r#"
func.func @matmul(%a: memref<64x48xf32>, %b: memref<48x32xf32>, %c: memref<64x32xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 32 {
      affine.for %k = 0 to 48 {
        %x = affine.load %a[%i, %k] : memref<64x48xf32>
        %y = affine.load %b[%k, %j] : memref<48x32xf32>
        %p = arith.mulf %x, %y : f32
        %s = affine.load %c[%i, %j] : memref<64x32xf32>
        %t = arith.addf %s, %p : f32
        affine.store %t, %c[%i, %j] : memref<64x32xf32>
      }
    }
  }
  return
}

func.func @chain(%a: memref<10xf32>, %out: memref<10xf32>, %f: f32) {
  %t = memref.alloc() : memref<10xf32>
  affine.for %i = 0 to 10 {
    %g = arith.mulf %f, %f : f32
    %x = affine.load %a[%i] : memref<10xf32>
    %s = arith.addf %x, %g : f32
    affine.store %s, %t[%i] : memref<10xf32>
  }
  affine.for %i = 0 to 10 {
    %v = affine.load %t[%i] : memref<10xf32>
    %e = math.exp %v : f32
    affine.store %e, %out[%i] : memref<10xf32>
  }
  memref.dealloc %t : memref<10xf32>
  return
}

func.func @sum(%a: memref<10xf32>, %init: f32) -> f32 {
  %r = affine.for %i = 0 to 10 iter_args(%acc = %init) -> (f32) {
    %x = affine.load %a[%i] : memref<10xf32>
    %s = arith.addf %acc, %x : f32
    affine.yield %s : f32
  }
  return %r : f32
}

func.func @prefix(%a: memref<10xf32>) {
  affine.for %i = 1 to 10 {
    %p = affine.load %a[%i - 1] : memref<10xf32>
    %x = affine.load %a[%i] : memref<10xf32>
    %s = arith.addf %p, %x : f32
    affine.store %s, %a[%i] : memref<10xf32>
  }
  return
}
"#;

#[test]
fn licm_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(loop-invariant-code-motion)",
        LOOPS_INPUT
    ));
}

#[test]
fn unroll_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-loop-unroll{unroll-factor=3}))",
        LOOPS_INPUT
    ));
}

#[test]
fn unroll_jam_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-loop-unroll-jam{unroll-jam-factor=2}))",
        LOOPS_INPUT
    ));
}

#[test]
fn tile_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-loop-tile{tile-sizes=32,16,12}))",
        LOOPS_INPUT
    ));
}

#[test]
fn parallelize_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-parallelize))",
        LOOPS_INPUT
    ));
}

#[test]
fn scalrep_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-scalrep))",
        LOOPS_INPUT
    ));
}

#[test]
fn fusion_snapshot() {
    insta::assert_snapshot!(run(
        "builtin.module(func.func(affine-loop-fusion))",
        LOOPS_INPUT
    ));
}

/// The register-blocked matmul the passes build together: tiles, two rows
/// jammed, both accumulators in loop-carried values, lowered to `scf`.
#[test]
fn matmul_pipeline_snapshot() {
    let out = run(
        "builtin.module(func.func(affine-loop-unroll-jam{unroll-jam-factor=2},affine-scalrep,\
         loop-invariant-code-motion),lower-affine)",
        LOOPS_INPUT,
    );
    assert!(!out.contains("affine."), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn the_prefix_sum_stays_sequential_and_untouched_where_order_matters() {
    let prefix = r#"
func.func @prefix(%a: memref<10xf32>) {
  affine.for %i = 1 to 10 {
    %p = affine.load %a[%i - 1] : memref<10xf32>
    %x = affine.load %a[%i] : memref<10xf32>
    %s = arith.addf %p, %x : f32
    affine.store %s, %a[%i] : memref<10xf32>
  }
  return
}
"#;
    let before = run("builtin.module()", prefix);
    for p in [
        "affine-parallelize",
        "affine-scalrep",
        "affine-loop-fusion",
        "loop-invariant-code-motion",
    ] {
        assert_eq!(
            run(&format!("builtin.module(func.func({p}))"), prefix),
            before,
            "{p} changed a loop whose iterations depend on each other"
        );
    }
}

#[test]
fn invalid_options_are_errors_not_panics() {
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    for (pipeline, message) in [
        (
            "builtin.module(func.func(affine-loop-unroll{unroll-factor=0}))",
            "unroll-factor must be at least 1, got 0",
        ),
        (
            "builtin.module(func.func(affine-loop-unroll-jam{unroll-jam-factor=-2}))",
            "unroll-jam-factor must be at least 1, got -2",
        ),
        (
            "builtin.module(func.func(affine-loop-tile{tile-sizes=4,x}))",
            "tile-sizes must be positive integers, got 'x'",
        ),
        (
            "builtin.module(func.func(affine-loop-tile{cache-size=0}))",
            "cache-size must be positive, got 0",
        ),
        (
            "builtin.module(func.func(affine-parallelize{max-nested=0}))",
            "max-nested must be at least 1, got 0",
        ),
    ] {
        let err = PassManager::parse(&registry, pipeline)
            .err()
            .unwrap_or_else(|| panic!("{pipeline} should be refused"));
        assert!(err.message.contains(message), "{}", err.message);
    }
}

#[test]
fn every_loop_pass_is_registered_with_its_mlir_name() {
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    for name in [
        "lower-affine",
        "loop-invariant-code-motion",
        "affine-loop-unroll",
        "affine-loop-unroll-jam",
        "affine-loop-tile",
        "affine-parallelize",
        "affine-scalrep",
        "affine-loop-fusion",
    ] {
        assert!(registry.get(name).is_some(), "{name} is not registered");
    }
}
