//! The loop passes keep the meaning of programs: each pipeline below is run
//! on a set of loop programs (a matmul nest, an element-wise chain through
//! temporaries, row reductions, odd trip counts and bounds, and nests with
//! dependences the passes must respect), and every function's outputs,
//! computed by the loop-level interpreter, must be exactly those of the
//! original. Inputs are small integers, so float results are exact and
//! independent of the order of additions (reductions made parallel may
//! reassociate them). Each transformed program is also lowered with
//! `lower-affine` and run again.

use tessera_compiler::Context;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_dialects::interp::loops::call_with_tensors;
use tessera_dialects::interp::value::{ElemType, Tensor};

const PROGRAMS: &str = r#"
func.func @matmul(%a: memref<13x11xf32>, %b: memref<11x9xf32>, %c: memref<13x9xf32>) {
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 13 {
    affine.for %j = 0 to 9 {
      affine.store %z, %c[%i, %j] : memref<13x9xf32>
    }
  }
  affine.for %i = 0 to 13 {
    affine.for %j = 0 to 9 {
      affine.for %k = 0 to 11 {
        %x = affine.load %a[%i, %k] : memref<13x11xf32>
        %y = affine.load %b[%k, %j] : memref<11x9xf32>
        %p = arith.mulf %x, %y : f32
        %s = affine.load %c[%i, %j] : memref<13x9xf32>
        %t = arith.addf %s, %p : f32
        affine.store %t, %c[%i, %j] : memref<13x9xf32>
      }
    }
  }
  return
}

func.func @chain(%a: memref<6x10xf32>, %b: memref<6x10xf32>, %out: memref<6x10xf32>) {
  %t = memref.alloc() : memref<6x10xf32>
  %u = memref.alloc() : memref<6x10xf32>
  %two = arith.constant 2.0 : f32
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 10 {
      %x = affine.load %a[%i, %j] : memref<6x10xf32>
      %y = affine.load %b[%i, %j] : memref<6x10xf32>
      %s = arith.addf %x, %y : f32
      affine.store %s, %t[%i, %j] : memref<6x10xf32>
    }
  }
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 10 {
      %v = affine.load %t[%i, %j] : memref<6x10xf32>
      %m = arith.mulf %v, %two : f32
      affine.store %m, %u[%i, %j] : memref<6x10xf32>
    }
  }
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 10 {
      %v = affine.load %u[%i, %j] : memref<6x10xf32>
      %w = affine.load %a[%i, %j] : memref<6x10xf32>
      %d = arith.subf %v, %w : f32
      %m = arith.maximumf %d, %w : f32
      affine.store %m, %out[%i, %j] : memref<6x10xf32>
    }
  }
  memref.dealloc %t : memref<6x10xf32>
  memref.dealloc %u : memref<6x10xf32>
  return
}

func.func @row_sums(%a: memref<7x13xf32>, %sums: memref<7xf32>, %maxes: memref<7xf32>) {
  affine.for %i = 0 to 7 {
    %z = arith.constant 0.0 : f32
    %lo = arith.constant -1000.0 : f32
    %r:2 = affine.for %j = 0 to 13 iter_args(%acc = %z, %mx = %lo) -> (f32, f32) {
      %v = affine.load %a[%i, %j] : memref<7x13xf32>
      %n = arith.addf %acc, %v : f32
      %k = arith.maximumf %mx, %v : f32
      affine.yield %n, %k : f32, f32
    }
    affine.store %r#0, %sums[%i] : memref<7xf32>
    affine.store %r#1, %maxes[%i] : memref<7xf32>
  }
  return
}

func.func @odd_bounds(%a: memref<50xf32>, %out: memref<50xf32>) {
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %c5 = arith.constant 5 : index
  affine.for %i = 0 to 50 {
    affine.store %z, %out[%i] : memref<50xf32>
  }
  affine.for %i = 3 to 47 step 3 {
    %x = affine.load %a[%i] : memref<50xf32>
    %y = affine.load %a[%i - 1] : memref<50xf32>
    %s = arith.addf %x, %y : f32
    affine.store %s, %out[%i] : memref<50xf32>
  }
  affine.for %i = 0 to 50 step 7 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to min affine_map<(d0) -> (d0 + 7, 50)>(%i) {
      %o = affine.load %out[%j] : memref<50xf32>
      %x = affine.load %a[%j] : memref<50xf32>
      %s = arith.addf %o, %x : f32
      affine.store %s, %out[%j] : memref<50xf32>
    }
  }
  affine.for %i = 0 to 49 {
    %k = affine.apply affine_map<(d0)[s0] -> (d0 floordiv 2 + d0 mod 3 + d0 ceildiv s0)>(%i)[%c5]
    affine.if affine_set<(d0) : (d0 mod 2 == 0, d0 - 4 >= 0)>(%i) {
      %o = affine.load %out[%k] : memref<50xf32>
      %s = arith.addf %o, %one : f32
      affine.store %s, %out[%k] : memref<50xf32>
    }
  }
  affine.for %i = max affine_map<() -> (2, 5)>() to min affine_map<() -> (40, 33)>() step 4 {
    %o = affine.load %out[%i] : memref<50xf32>
    %s = arith.mulf %o, %o : f32
    affine.store %s, %out[%i] : memref<50xf32>
  }
  return
}

func.func @prefix(%a: memref<20xf32>, %out: memref<20xf32>) {
  %c0 = arith.constant 0 : index
  %x0 = affine.load %a[%c0] : memref<20xf32>
  affine.store %x0, %out[%c0] : memref<20xf32>
  affine.for %i = 1 to 20 {
    %p = affine.load %out[%i - 1] : memref<20xf32>
    %x = affine.load %a[%i] : memref<20xf32>
    %s = arith.addf %p, %x : f32
    affine.store %s, %out[%i] : memref<20xf32>
  }
  return
}

func.func @skewed(%a: memref<12x12xf32>, %out: memref<12x12xf32>) {
  affine.for %i = 0 to 12 {
    affine.for %j = 0 to 12 {
      %x = affine.load %a[%i, %j] : memref<12x12xf32>
      affine.store %x, %out[%i, %j] : memref<12x12xf32>
    }
  }
  affine.for %i = 1 to 12 {
    affine.for %j = 0 to 11 {
      %p = affine.load %out[%i - 1, %j + 1] : memref<12x12xf32>
      %q = affine.load %out[%i, %j] : memref<12x12xf32>
      %s = arith.subf %q, %p : f32
      affine.store %s, %out[%i, %j] : memref<12x12xf32>
    }
  }
  return
}
"#;

/// The functions of [`PROGRAMS`] and the shapes of their inputs.
const FUNCTIONS: &[(&str, &[&[usize]])] = &[
    ("matmul", &[&[13, 11], &[11, 9]]),
    ("chain", &[&[6, 10], &[6, 10]]),
    ("row_sums", &[&[7, 13]]),
    ("odd_bounds", &[&[50]]),
    ("prefix", &[&[20]]),
    ("skewed", &[&[12, 12]]),
];

/// A tensor of small integers, different for each `seed`.
fn input(shape: &[usize], seed: usize) -> Tensor {
    let n: usize = shape.iter().product();
    let values: Vec<f64> = (0..n)
        .map(|k| (((k * 7 + seed * 13) % 11) as f64) - 5.0)
        .collect();
    Tensor::from_f64s(ElemType::F32, shape, &values).expect("a valid tensor")
}

/// The module after `pipeline` (printed, so every run starts from text).
fn transform(pipeline: &str) -> String {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    let module = parse_module(&mut ctx, PROGRAMS, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{}", tessera_compiler::diag::render(&ctx, &d)));
    let mut pm = PassManager::parse(&registry, pipeline).expect("the pipeline parses");
    if let Err(d) = pm.run(&mut ctx, module) {
        panic!(
            "{pipeline} fails:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        );
    }
    print_op(&ctx, module, &PrintOptions::default())
}

/// The outputs of every function of the module `text`, as flat values.
fn run_all(text: &str, what: &str) -> Vec<Vec<Vec<f64>>> {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let module = parse_module(&mut ctx, text, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{what}:\n{}", tessera_compiler::diag::render(&ctx, &d)));
    FUNCTIONS
        .iter()
        .map(|(name, shapes)| {
            let inputs: Vec<Tensor> = shapes
                .iter()
                .enumerate()
                .map(|(i, s)| input(s, i))
                .collect();
            let outs = call_with_tensors(&ctx, module, name, &inputs)
                .unwrap_or_else(|e| panic!("@{name} after {what}: {e:?}\n{text}"));
            outs.iter()
                .map(|t| t.to_f64_array().into_raw_vec_and_offset().0)
                .collect()
        })
        .collect()
}

/// Runs `pipeline`, then `pipeline` followed by `lower-affine`, and checks
/// every function computes what the original does.
fn check(pipeline_inner: &str) {
    let expected = run_all(PROGRAMS, "the original");
    for lower in [false, true] {
        let mut passes = vec![];
        if !pipeline_inner.is_empty() {
            passes.push(format!("func.func({pipeline_inner})"));
        }
        if lower {
            passes.push("lower-affine".to_string());
        }
        let pipeline = format!("builtin.module({})", passes.join(","));
        let text = transform(&pipeline);
        if lower {
            assert!(!text.contains("affine."), "{pipeline} leaves affine ops");
        }
        let got = run_all(&text, &pipeline);
        for ((name, _), (g, e)) in FUNCTIONS.iter().zip(got.iter().zip(&expected)) {
            assert_eq!(g, e, "@{name} changes meaning under {pipeline}:\n{text}");
        }
    }
}

#[test]
fn lower_affine_keeps_meaning() {
    check("");
}

#[test]
fn licm_keeps_meaning() {
    check("loop-invariant-code-motion");
}

#[test]
fn unroll_keeps_meaning() {
    check("affine-loop-unroll");
    check("affine-loop-unroll{unroll-factor=3 unroll-num-reps=2}");
    check("affine-loop-unroll{unroll-factor=5 cleanup-unroll}");
    check("affine-loop-unroll{unroll-full unroll-full-threshold=13}");
}

#[test]
fn unroll_jam_keeps_meaning() {
    check("affine-loop-unroll-jam{unroll-jam-factor=2}");
    check("affine-loop-unroll-jam{unroll-jam-factor=4}");
}

#[test]
fn tile_keeps_meaning() {
    check("affine-loop-tile{tile-size=4}");
    check("affine-loop-tile{tile-sizes=3,5,2}");
    check("affine-loop-tile{cache-size=1}");
}

#[test]
fn parallelize_keeps_meaning() {
    check("affine-parallelize");
    check("affine-parallelize{max-nested=3}");
}

#[test]
fn scalrep_keeps_meaning() {
    check("affine-scalrep");
}

#[test]
fn fusion_keeps_meaning() {
    check("affine-loop-fusion");
}

#[test]
fn pipelines_keep_meaning() {
    check(
        "affine-loop-fusion,affine-loop-tile{tile-size=4},affine-loop-unroll-jam{unroll-jam-factor=2},\
         affine-scalrep,loop-invariant-code-motion,affine-loop-unroll{unroll-factor=2}",
    );
    check("affine-scalrep,affine-loop-unroll-jam{unroll-jam-factor=3},affine-parallelize");
}
