//! `affine-vectorize` keeps the meaning of programs and vectorizes what it
//! should: element-wise loops, invariant loads, reductions of every kind,
//! trip counts that are not a multiple of the width (1, 7, 8, 9, 1000),
//! bounds known only at run time; and it leaves alone, unchanged, the
//! loops it must not touch. Outputs are computed by the loop-level
//! interpreter before and after the pass (and after `lower-affine`);
//! inputs are small integers, so reassociated float sums are exact.

use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{Context, FloatKind, OpId};
use tessera_dialects::interp::loops::{LoopValue, MemRef, call_with_tensors, run_loop_function};
use tessera_dialects::interp::scalar::{ElemTy, Scalar};
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::affine::loops::innermost_loops;
use tessera_passes::affine::vectorize::{Refusal, VectorizeOptions, vectorize_loop};

/// Parses `text` into a fresh context.
fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let module = parse_module(&mut ctx, text, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{}", tessera_compiler::diag::render(&ctx, &d)));
    (ctx, module)
}

/// `text` after `pipeline`, printed, with the pass statistics.
fn transform(text: &str, pipeline: &str) -> String {
    let (mut ctx, module) = parse(text);
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    let mut pm = PassManager::parse(&registry, pipeline).expect("the pipeline parses");
    if let Err(d) = pm.run(&mut ctx, module) {
        panic!(
            "{pipeline} fails:\n{}",
            tessera_compiler::diag::render(&ctx, &d)
        );
    }
    let out = print_op(&ctx, module, &PrintOptions::default());
    tessera_compiler::verify::verify(&ctx, module)
        .unwrap_or_else(|d| panic!("{}\n{}", out, tessera_compiler::diag::render(&ctx, &d)));
    out
}

const VECTORIZE: &str = "builtin.module(func.func(affine-vectorize))";
const VECTORIZE_AND_LOWER: &str =
    "builtin.module(func.func(affine-vectorize),lower-affine,canonicalize,cse)";

/// The outputs of `@name` in module `text` on `inputs`.
fn run(text: &str, name: &str, inputs: &[Tensor]) -> Vec<Tensor> {
    let (ctx, module) = parse(text);
    call_with_tensors(&ctx, module, name, inputs)
        .unwrap_or_else(|e| panic!("@{name} fails: {e:?}\n{text}"))
}

/// Bit patterns of a tensor's values, so NaNs and signed zeros compare.
fn bits(t: &Tensor) -> (Vec<usize>, Vec<u64>) {
    let a = t.to_f64_array();
    (a.shape().to_vec(), a.iter().map(|x| x.to_bits()).collect())
}

/// Checks that `@name` computes exactly the same before the pass, after
/// it, and after it and `lower-affine`; returns the vectorized text.
fn same_outputs(text: &str, name: &str, inputs: &[Tensor]) -> String {
    let vectorized = transform(text, VECTORIZE);
    let lowered = transform(text, VECTORIZE_AND_LOWER);
    let expected: Vec<_> = run(text, name, inputs).iter().map(bits).collect();
    for (what, t) in [("vectorized", &vectorized), ("lowered", &lowered)] {
        let got: Vec<_> = run(t, name, inputs).iter().map(bits).collect();
        assert_eq!(got, expected, "{what} @{name} differs:\n{t}");
    }
    vectorized
}

/// A tensor of small integers (as `elem`), different for each `seed`.
fn input(elem: ElemType, shape: &[usize], seed: usize) -> Tensor {
    let n: usize = shape.iter().product();
    let values: Vec<f64> = (0..n)
        .map(|k| (((k * 7 + seed * 13) % 11) as f64) - 5.0)
        .collect();
    Tensor::from_f64s(elem, shape, &values).expect("a valid tensor")
}

const TRIP_COUNTS: [usize; 5] = [1, 7, 8, 9, 1000];

/// relu(a * b + s[0]) / exp(a): loads, an invariant load, a constant,
/// a comparison and a select, a math function.
fn elementwise(n: usize) -> String {
    format!(
        r#"
func.func @ew(%a: memref<{n}xf32>, %b: memref<{n}xf32>, %s: memref<1xf32>, %out: memref<{n}xf32>) {{
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to {n} {{
    %x = affine.load %a[%i] : memref<{n}xf32>
    %y = affine.load %b[%i] : memref<{n}xf32>
    %k = affine.load %s[0] : memref<1xf32>
    %m = arith.mulf %x, %y : f32
    %t = arith.addf %m, %k : f32
    %p = arith.cmpf ogt, %t, %z : f32
    %r = arith.select %p, %t, %z : f32
    %e = math.exp %x : f32
    %q = arith.divf %r, %e : f32
    affine.store %q, %out[%i] : memref<{n}xf32>
  }}
  return
}}"#
    )
}

#[test]
fn elementwise_loops_agree_at_every_trip_count() {
    for n in TRIP_COUNTS {
        let inputs = [
            input(ElemType::F32, &[n], 1),
            input(ElemType::F32, &[n], 2),
            input(ElemType::F32, &[1], 3),
        ];
        let v = same_outputs(&elementwise(n), "ew", &inputs);
        // Fewer iterations than 8 lanes stay scalar; a multiple of 8
        // needs no remainder; otherwise the scalar loop runs the rest.
        let vector_loads = v.matches("vector.load").count();
        let scalar_loads = v.matches("affine.load").count();
        match n {
            1 | 7 => assert_eq!((vector_loads, scalar_loads), (0, 3), "{v}"),
            8 | 1000 => assert_eq!((vector_loads, scalar_loads), (2, 1), "{v}"),
            _ => assert_eq!((vector_loads, scalar_loads), (2, 4), "{v}"),
        }
        if n >= 8 {
            assert!(v.contains("vector<8xf32>"), "{v}");
            assert!(
                v.contains("arith.cmpf ogt") && v.contains("vector<8xi1>"),
                "{v}"
            );
            assert!(
                v.contains("arith.constant dense<0.000000e+00> : vector<8xf32>"),
                "{v}"
            );
        }
    }
}

/// Float sum and max of a row, integer sum, min and xor: one loop with
/// five reductions.
fn reductions(n: usize) -> String {
    format!(
        r#"
func.func @red(%a: memref<{n}xf32>, %b: memref<{n}xi32>, %out: memref<2xf32>, %iout: memref<3xi32>) {{
  %z = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %c0 = arith.constant 0 : i32
  %big = arith.constant 1000 : i32
  %r:5 = affine.for %i = 0 to {n} iter_args(%s = %z, %m = %ninf, %is = %c0, %im = %big, %ix = %c0) -> (f32, f32, i32, i32, i32) {{
    %x = affine.load %a[%i] : memref<{n}xf32>
    %y = affine.load %b[%i] : memref<{n}xi32>
    %sq = arith.mulf %x, %x : f32
    %s2 = arith.addf %s, %sq : f32
    %m2 = arith.maximumf %x, %m : f32
    %is2 = arith.addi %is, %y : i32
    %im2 = arith.minsi %im, %y : i32
    %ix2 = arith.xori %ix, %y : i32
    affine.yield %s2, %m2, %is2, %im2, %ix2 : f32, f32, i32, i32, i32
  }}
  affine.store %r#0, %out[0] : memref<2xf32>
  affine.store %r#1, %out[1] : memref<2xf32>
  affine.store %r#2, %iout[0] : memref<3xi32>
  affine.store %r#3, %iout[1] : memref<3xi32>
  affine.store %r#4, %iout[2] : memref<3xi32>
  return
}}"#
    )
}

#[test]
fn reductions_agree_at_every_trip_count() {
    for n in TRIP_COUNTS {
        let inputs = [input(ElemType::F32, &[n], 4), input(ElemType::I32, &[n], 5)];
        let v = same_outputs(&reductions(n), "red", &inputs);
        if n >= 8 {
            assert_eq!(v.matches("vector.reduction").count(), 5, "{v}");
            assert!(v.contains("vector.reduction <add>, %") && v.contains("fastmath<reassoc>"));
            assert!(v.contains("vector.reduction <maximumf>"), "{v}");
            assert!(v.contains("vector.reduction <minsi>"), "{v}");
            assert!(v.contains("vector.reduction <xor>"), "{v}");
            // The accumulators start at each kind's identity.
            assert!(v.contains("dense<-0.000000e+00> : vector<8xf32>"), "{v}");
            assert!(v.contains("dense<0xFF800000> : vector<8xf32>"), "{v}");
            assert!(v.contains("dense<2147483647> : vector<8xi32>"), "{v}");
        } else {
            assert!(!v.contains("vector."), "{v}");
        }
    }
}

#[test]
fn float_min_max_reductions_keep_nans_and_signed_zeros() {
    let text = r#"
func.func @mm(%a: memref<19xf32>, %out: memref<4xf32>) {
  %nan = arith.constant 0x7FC00000 : f32
  %pz = arith.constant 0.0 : f32
  %r:4 = affine.for %i = 0 to 19 iter_args(%a0 = %pz, %a1 = %pz, %a2 = %nan, %a3 = %nan) -> (f32, f32, f32, f32) {
    %x = affine.load %a[%i] : memref<19xf32>
    %b0 = arith.maximumf %a0, %x : f32
    %b1 = arith.minimumf %a1, %x : f32
    %b2 = arith.maxnumf %a2, %x : f32
    %b3 = arith.minnumf %a3, %x : f32
    affine.yield %b0, %b1, %b2, %b3 : f32, f32, f32, f32
  }
  affine.store %r#0, %out[0] : memref<4xf32>
  affine.store %r#1, %out[1] : memref<4xf32>
  affine.store %r#2, %out[2] : memref<4xf32>
  affine.store %r#3, %out[3] : memref<4xf32>
  return
}"#;
    let negative_zeros = Tensor::from_f64s(ElemType::F32, &[19], &[-0.0; 19]).unwrap();
    let mut with_nan = vec![-3.0; 19];
    with_nan[10] = f64::NAN;
    let with_nan = Tensor::from_f64s(ElemType::F32, &[19], &with_nan).unwrap();
    let all_nan = Tensor::from_f64s(ElemType::F32, &[19], &[f64::NAN; 19]).unwrap();
    for t in [negative_zeros, with_nan, all_nan] {
        let v = same_outputs(text, "mm", &[t]);
        assert_eq!(v.matches("vector.reduction").count(), 4, "{v}");
    }
}

/// "All" and "any" of 40 booleans.
const ALL_ANY: &str = r#"
func.func @all_any(%a: memref<40xi1>) -> (i1, i1) {
  %t = arith.constant true
  %f = arith.constant false
  %r:2 = affine.for %i = 0 to 40 iter_args(%all = %t, %any = %f) -> (i1, i1) {
    %x = affine.load %a[%i] : memref<40xi1>
    %y = arith.andi %all, %x : i1
    %z = arith.ori %any, %x : i1
    affine.yield %y, %z : i1, i1
  }
  return %r#0, %r#1 : i1, i1
}"#;

/// Contiguous `i1` accesses stay scalar: upstream MLIR stores a
/// `vector<Nxi1>` as packed bits, a `memref<..xi1>` holds one byte each.
#[test]
fn boolean_memory_stays_scalar() {
    let mut v = String::new();
    for pattern in [
        vec![1; 40],
        vec![0; 40],
        (0..40).map(|k| i64::from(k == 37)).collect(),
    ] {
        let a = Tensor::from_i64s(ElemType::I1, &[40], &pattern).unwrap();
        v = same_outputs(ALL_ANY, "all_any", &[a]);
    }
    assert!(!v.contains("vector"), "{v}");
}

/// `out = a * k` in f64, with the scalar `k` from outside the loop.
const F64_SCALE: &str = r#"
func.func @scale(%a: memref<10xf64>, %k: memref<1xf64>, %out: memref<10xf64>) {
  %kv = affine.load %k[0] : memref<1xf64>
  affine.for %i = 0 to 10 {
    %x = affine.load %a[%i] : memref<10xf64>
    %y = arith.mulf %x, %kv : f64
    affine.store %y, %out[%i] : memref<10xf64>
  }
  return
}"#;

#[test]
fn the_width_is_256_bits_over_the_widest_element() {
    let inputs = [
        input(ElemType::F64, &[10], 1),
        input(ElemType::F64, &[1], 2),
    ];
    let v = same_outputs(F64_SCALE, "scale", &inputs);
    assert!(v.contains("step 4") && v.contains("vector<4xf64>"), "{v}");
    // The outside scalar is broadcast once, before the loop.
    let broadcast = v.find("vector.broadcast").expect("a broadcast");
    assert!(broadcast < v.find("affine.for").unwrap(), "{v}");
    // Forced widths, and a wider register.
    let v = transform(
        F64_SCALE,
        "builtin.module(func.func(affine-vectorize{vector-size=2}))",
    );
    assert!(v.contains("vector<2xf64>"), "{v}");
    let v = transform(
        F64_SCALE,
        "builtin.module(func.func(affine-vectorize{vector-bits=512}))",
    );
    assert!(v.contains("vector<8xf64>"), "{v}");
    // i8 gets 32 lanes.
    let bytes = r#"
func.func @inc(%a: memref<70xi8>, %out: memref<70xi8>) {
  %one = arith.constant 1 : i8
  affine.for %i = 0 to 70 {
    %x = affine.load %a[%i] : memref<70xi8>
    %y = arith.addi %x, %one : i8
    affine.store %y, %out[%i] : memref<70xi8>
  }
  return
}"#;
    let values: Vec<Scalar> = (0..70).map(|k| Scalar::int(k * 37 - 1000, 8)).collect();
    let a = MemRef::from_scalars(ElemTy::Int(8), &[70], &values).expect("a buffer");
    let out = MemRef::zeros(ElemTy::Int(8), &[70]).expect("a buffer");
    let v = same_buffers(bytes, "inc", &[a, out], &[]);
    assert!(
        v.contains("0 to 64 step 32") && v.contains("vector<32xi8>"),
        "{v}"
    );
}

/// Rows minus a per-row value (invariant in the inner loop), written into
/// a 2-D buffer; and the outer loop is not innermost.
const ROWS: &str = r#"
func.func @rows(%a: memref<3x21xf32>, %v: memref<3xf32>, %out: memref<3x21xf32>) {
  affine.for %i = 0 to 3 {
    affine.for %j = 0 to 21 {
      %x = affine.load %a[%i, %j] : memref<3x21xf32>
      %r = affine.load %v[%i] : memref<3xf32>
      %d = arith.subf %x, %r : f32
      affine.store %d, %out[%i, %j] : memref<3x21xf32>
    }
  }
  return
}"#;

#[test]
fn inner_loops_of_nests_use_the_outer_index_as_a_constant() {
    let inputs = [
        input(ElemType::F32, &[3, 21], 1),
        input(ElemType::F32, &[3], 2),
    ];
    let v = same_outputs(ROWS, "rows", &inputs);
    assert!(v.contains("0 to 16 step 8"), "{v}");
    assert!(v.contains("vector.store"), "{v}");
}

/// A loop bounded by a run-time value.
const DYNAMIC: &str = r#"
func.func @dyn(%a: memref<16xf32>, %out: memref<16xf32>, %n: index) {
  affine.for %i = 0 to %n {
    %x = affine.load %a[%i] : memref<16xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %out[%i] : memref<16xf32>
  }
  return
}"#;

/// The contents of every buffer after `@name` in `text` ran on `buffers`
/// (copies of them), as `{:?}` of the scalars (NaN-safe, exact).
fn run_buffers(text: &str, name: &str, buffers: &[MemRef], scalars: &[LoopValue]) -> Vec<String> {
    let (ctx, module) = parse(text);
    let copies: Vec<MemRef> = buffers
        .iter()
        .map(|m| {
            let values = m.to_scalars().expect("initialized");
            MemRef::from_scalars(m.elem(), m.shape(), &values).expect("a copy")
        })
        .collect();
    let mut args: Vec<LoopValue> = copies.iter().cloned().map(LoopValue::MemRef).collect();
    args.extend_from_slice(scalars);
    run_loop_function(&ctx, module, name, &mut args)
        .unwrap_or_else(|e| panic!("@{name} fails: {e:?}\n{text}"));
    copies
        .iter()
        .map(|m| format!("{:?}", m.to_scalars().expect("initialized")))
        .collect()
}

/// Checks that `@name` leaves the same buffers before the pass, after it,
/// and after it and `lower-affine`; returns the vectorized text.
fn same_buffers(text: &str, name: &str, buffers: &[MemRef], scalars: &[LoopValue]) -> String {
    let vectorized = transform(text, VECTORIZE);
    let lowered = transform(text, VECTORIZE_AND_LOWER);
    let expected = run_buffers(text, name, buffers, scalars);
    for (what, t) in [("vectorized", &vectorized), ("lowered", &lowered)] {
        assert_eq!(
            run_buffers(t, name, buffers, scalars),
            expected,
            "{what} @{name} differs:\n{t}"
        );
    }
    vectorized
}

#[test]
fn run_time_trip_counts_split_at_the_last_whole_vector() {
    let v = transform(DYNAMIC, VECTORIZE);
    assert!(v.contains("(s0 - s0 mod 8)"), "{v}");
    assert!(
        v.contains("max affine_map<()[s0] -> (s0 - s0 mod 8, 0)>"),
        "{v}"
    );
    let a = MemRef::from_tensor(&input(ElemType::F32, &[16], 1));
    let out = MemRef::zeros(ElemTy::Float(FloatKind::F32), &[16]).expect("a buffer");
    for n in [0, 3, 8, 13] {
        same_buffers(
            DYNAMIC,
            "dyn",
            &[a.clone(), out.clone()],
            &[LoopValue::index(n)],
        );
    }
}

/// Runs [`vectorize_loop`] on the only innermost loop of `text` and
/// checks that it refuses with `why`, leaving the IR unchanged.
fn refuses(text: &str, options: &VectorizeOptions, why: Refusal) {
    let (mut ctx, module) = parse(text);
    let before = print_op(&ctx, module, &PrintOptions::default());
    let loops = innermost_loops(&ctx, module);
    assert_eq!(loops.len(), 1, "{before}");
    match vectorize_loop(&mut ctx, loops[0], options) {
        Ok(v) => panic!("vectorized by {}:\n{before}", v.width),
        Err(r) => assert_eq!(r, why, "{before}"),
    }
    assert_eq!(print_op(&ctx, module, &PrintOptions::default()), before);
}

/// A function of two 16x16 buffers with `body` as an innermost loop over
/// `%i` (and `%j` fixed by an outer loop).
fn loop_with(body: &str) -> String {
    format!(
        r#"
func.func private @f(f32) -> f32
func.func @t(%a: memref<16x16xf32>, %b: memref<16x16xf32>) {{
  affine.for %j = 0 to 16 {{
    {body}
  }}
  return
}}"#
    )
}

#[test]
fn loops_it_cannot_vectorize_are_left_alone() {
    let d = VectorizeOptions::default();
    let transposed = "affine.for %i = 0 to 16 {
      %x = affine.load %a[%i, %j] : memref<16x16xf32>
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(&loop_with(transposed), &d, Refusal::NonContiguousAccess);
    let strided = "affine.for %i = 0 to 8 {
      %x = affine.load %a[%j, %i * 2] : memref<16x16xf32>
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(&loop_with(strided), &d, Refusal::NonContiguousAccess);
    let shifted = "affine.for %i = 0 to 15 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %a[%j, %i + 1] : memref<16x16xf32>
    }";
    refuses(&loop_with(shifted), &d, Refusal::MemoryDependence);
    let call = "affine.for %i = 0 to 16 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      %y = func.call @f(%x) : (f32) -> f32
      affine.store %y, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(
        &loop_with(call),
        &d,
        Refusal::UnsupportedOp("func.call".into()),
    );
    let alloc = "affine.for %i = 0 to 16 {
      %t = memref.alloc() : memref<4xf32>
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
      memref.dealloc %t : memref<4xf32>
    }";
    refuses(
        &loop_with(alloc),
        &d,
        Refusal::UnsupportedOp("memref.alloc".into()),
    );
    let iota = "affine.for %i = 0 to 16 {
      %c = arith.index_cast %i : index to i32
      %x = arith.sitofp %c : i32 to f32
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(&loop_with(iota), &d, Refusal::InductionVariableAsValue);
    let invariant_store = "affine.for %i = 0 to 16 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %b[%j, 0] : memref<16x16xf32>
    }";
    refuses(&loop_with(invariant_store), &d, Refusal::InvariantStore);
    let stepped = "affine.for %i = 0 to 16 step 2 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(&loop_with(stepped), &d, Refusal::NonUnitStep);
    let short = "affine.for %i = 0 to 7 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %b[%j, %i] : memref<16x16xf32>
    }";
    refuses(&loop_with(short), &d, Refusal::TooFewIterations);
    let nested_if = "affine.for %i = 0 to 16 {
      affine.if affine_set<(d0) : (d0 - 8 >= 0)>(%i) {
        %x = affine.load %a[%j, %i] : memref<16x16xf32>
        affine.store %x, %b[%j, %i] : memref<16x16xf32>
      }
    }";
    refuses(&loop_with(nested_if), &d, Refusal::NestedRegion);
    let already = "affine.for %i = 0 to 16 {
      %x = vector.load %a[%j, %i] : memref<16x16xf32>, vector<8xf32>
      vector.store %x, %b[%j, %i] : memref<16x16xf32>, vector<8xf32>
    }";
    refuses(&loop_with(already), &d, Refusal::AlreadyVector);
}

#[test]
fn loop_carried_values_must_be_plain_reductions() {
    let d = VectorizeOptions::default();
    // A running sum also stored each iteration (a prefix sum).
    let prefix = "%z = arith.constant 0.0 : f32
    %r = affine.for %i = 0 to 16 iter_args(%s = %z) -> (f32) {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      %t = arith.addf %s, %x : f32
      affine.store %t, %b[%j, %i] : memref<16x16xf32>
      affine.yield %t : f32
    }";
    refuses(&loop_with(prefix), &d, Refusal::UnsupportedIterArg);
    // Subtraction is not a combining kind.
    let sub = "%z = arith.constant 0.0 : f32
    %r = affine.for %i = 0 to 16 iter_args(%s = %z) -> (f32) {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      %t = arith.subf %s, %x : f32
      affine.yield %t : f32
    }";
    refuses(&loop_with(sub), &d, Refusal::UnsupportedIterArg);
    // Float sums are reassociated only when allowed; maxima always are.
    let sum = "%z = arith.constant 0.0 : f32
    %r = affine.for %i = 0 to 16 iter_args(%s = %z) -> (f32) {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      %t = arith.addf %s, %x : f32
      affine.yield %t : f32
    }";
    let strict = VectorizeOptions {
        reassociate_fp: false,
        ..VectorizeOptions::default()
    };
    refuses(&loop_with(sum), &strict, Refusal::FloatReassociation);
    let v = transform(
        &loop_with(&sum.replace("arith.addf", "arith.maximumf")),
        "builtin.module(func.func(affine-vectorize{reassociate-fp=false}))",
    );
    assert!(v.contains("vector.reduction <maximumf>"), "{v}");
}

#[test]
fn bad_options_are_errors() {
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    for (pipeline, message) in [
        (
            "builtin.module(func.func(affine-vectorize{vector-size=1}))",
            "vector-size must be",
        ),
        (
            "builtin.module(func.func(affine-vectorize{vector-bits=8}))",
            "vector-bits must be",
        ),
    ] {
        let err = PassManager::parse(&registry, pipeline).expect_err(pipeline);
        assert!(err.message.contains(message), "{}", err.message);
    }
}

#[test]
fn vectorize_snapshot() {
    let text = r#"
func.func @axpy_sum(%a: memref<4x20xf32>, %b: memref<4x20xf32>, %k: f32, %out: memref<4xf32>) {
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    %s = affine.for %j = 0 to 20 iter_args(%acc = %z) -> (f32) {
      %x = affine.load %a[%i, %j] : memref<4x20xf32>
      %y = affine.load %b[%i, %j] : memref<4x20xf32>
      %m = arith.mulf %x, %k : f32
      %t = arith.addf %m, %y : f32
      affine.store %t, %b[%i, %j] : memref<4x20xf32>
      %n = arith.addf %acc, %t : f32
      affine.yield %n : f32
    }
    affine.store %s, %out[%i] : memref<4xf32>
  }
  return
}"#;
    insta::assert_snapshot!(transform(text, VECTORIZE));
}
