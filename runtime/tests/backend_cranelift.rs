//! The Cranelift backend: loop-level MLIR compiled with
//! `backend::cranelift::compile`, run through its packed entries on Rust
//! buffers, and compared with results computed in Rust.

use std::ffi::c_void;

use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::{Context, LocData, OpId};
use tessera_runtime::backend::{BackendOptions, JitCode, MemRefDescriptor, cranelift};

// ----- harness -------------------------------------------------------------------

/// Parses `text` with every dialect registered.
fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "test.mlir".to_string(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config)
        .unwrap_or_else(|d| panic!("parse error: {}", d[0].message));
    (ctx, module)
}

/// Parses, verifies and compiles `text` at the default optimization level.
fn compile(text: &str) -> Box<dyn JitCode> {
    let (ctx, module) = parse(text);
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!("invalid test input: {}", d[0].message);
    }
    compile_parsed(&ctx, module, 3)
}

fn compile_parsed(ctx: &Context, module: OpId, opt_level: u8) -> Box<dyn JitCode> {
    cranelift::compile(
        ctx,
        module,
        &BackendOptions {
            opt_level,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("compile error: {e} at {:?}", e.loc))
}

/// The packed-argument pointer to `x`.
fn ptr<T>(x: &mut T) -> *mut c_void {
    (x as *mut T).cast()
}

/// A row-major descriptor of `buf` with these sizes.
fn desc<T>(buf: &mut [T], sizes: &[i64]) -> MemRefDescriptor {
    assert_eq!(
        buf.len() as i64,
        sizes.iter().product::<i64>(),
        "buffer size matches the shape"
    );
    MemRefDescriptor::contiguous(buf.as_mut_ptr().cast(), sizes)
}

/// Calls the packed entry of `name` with `args` (argument then result
/// pointers).
fn call(code: &dyn JitCode, name: &str, args: &mut [*mut c_void]) {
    let f = code
        .packed_entry(name)
        .unwrap_or_else(|| panic!("no packed entry for @{name}"));
    // SAFETY: each pointer points to a live value of the type the
    // function's signature says, as each test sets up.
    unsafe { f(args.as_ptr()) }
}

/// Whether two floats are the same, NaN matching any NaN.
fn same_f32(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

// ----- loops, calls, control flow --------------------------------------------

const MATMUL: &str = r#"
func.func @matmul(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c5 step %c1 {
      %sum = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (f32) {
        %x = memref.load %a[%i, %k] : memref<4x3xf32>
        %y = memref.load %b[%k, %j] : memref<3x5xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      memref.store %sum, %c[%i, %j] : memref<4x5xf32>
    }
  }
  return
}
"#;

fn matmul_reference(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut c = vec![0.0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0.0f32;
            for p in 0..k {
                acc += a[i * k + p] * b[p * n + j];
            }
            c[i * n + j] = acc;
        }
    }
    c
}

#[test]
fn matmul_with_scf_for_matches_rust_at_every_opt_level() {
    let a: Vec<f32> = (0..12).map(|i| i as f32 * 0.25 - 1.0).collect();
    let b: Vec<f32> = (0..15).map(|i| (i as f32).sin()).collect();
    let expected = matmul_reference(&a, &b, 4, 3, 5);
    for opt in [0, 3] {
        let (ctx, module) = parse(MATMUL);
        let code = compile_parsed(&ctx, module, opt);
        let (mut a, mut b) = (a.clone(), b.clone());
        let mut c = vec![f32::NAN; 20];
        let (mut da, mut db, mut dc) = (
            desc(&mut a, &[4, 3]),
            desc(&mut b, &[3, 5]),
            desc(&mut c, &[4, 5]),
        );
        call(
            &*code,
            "matmul",
            &mut [da.as_mut_ptr(), db.as_mut_ptr(), dc.as_mut_ptr()],
        );
        assert_eq!(c, expected, "opt_level {opt}");
    }
}

#[test]
fn scalar_arguments_and_results_pass_through_the_packed_entry() {
    let code = compile(
        r#"
func.func @axpy(%a: f32, %x: f64, %n: i64, %i: index, %b: i1) -> (f64, i64, index, i1) {
  %e = arith.extf %a : f32 to f64
  %p = arith.mulf %e, %x : f64
  %m = arith.muli %n, %n : i64
  %c2 = arith.constant 2 : index
  %j = arith.addi %i, %c2 : index
  %true = arith.constant true
  %nb = arith.xori %b, %true : i1
  return %p, %m, %j, %nb : f64, i64, index, i1
}
"#,
    );
    let (mut a, mut x, mut n, mut i, mut b) = (1.5f32, -2.0f64, 7i64, 40i64, 1u8);
    let (mut r0, mut r1, mut r2, mut r3) = (0f64, 0i64, 0i64, 9u8);
    call(
        &*code,
        "axpy",
        &mut [
            ptr(&mut a),
            ptr(&mut x),
            ptr(&mut n),
            ptr(&mut i),
            ptr(&mut b),
            ptr(&mut r0),
            ptr(&mut r1),
            ptr(&mut r2),
            ptr(&mut r3),
        ],
    );
    assert_eq!((r0, r1, r2, r3), (-3.0, 49, 42, 0));
}

#[test]
fn func_call_passes_memrefs_and_returns_scalars() {
    let code = compile(
        r#"
func.func private @sum(%m: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %x = memref.load %m[%i] : memref<?xf32>
    %t = arith.addf %acc, %x : f32
    scf.yield %t : f32
  }
  return %s : f32
}
func.func @mean(%m: memref<6xf32>) -> f32 {
  %c6 = arith.constant 6 : index
  %d = memref.cast %m : memref<6xf32> to memref<?xf32>
  %s = func.call @sum(%d, %c6) : (memref<?xf32>, index) -> f32
  %six = arith.constant 6.0 : f32
  %r = arith.divf %s, %six : f32
  return %r : f32
}
"#,
    );
    assert!(
        code.packed_entry("sum").is_none(),
        "private functions have no entry"
    );
    let mut m = vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.5];
    let mut dm = desc(&mut m, &[6]);
    let mut r = 0f32;
    call(&*code, "mean", &mut [dm.as_mut_ptr(), ptr(&mut r)]);
    assert_eq!(r, m.iter().sum::<f32>() / 6.0);
}

#[test]
fn scf_while_runs_until_its_condition_fails() {
    // Euclid's algorithm: the before region tests b != 0, the after region
    // steps (a, b) -> (b, a mod b).
    let code = compile(
        r#"
func.func @gcd(%a: i64, %b: i64) -> (i64, i64) {
  %zero = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %r:3 = scf.while (%x = %a, %y = %b, %n = %zero) : (i64, i64, i64) -> (i64, i64, i64) {
    %go = arith.cmpi ne, %y, %zero : i64
    scf.condition(%go) %x, %y, %n : i64, i64, i64
  } do {
  ^bb0(%x: i64, %y: i64, %n: i64):
    %m = arith.remui %x, %y : i64
    %n1 = arith.addi %n, %one : i64
    scf.yield %y, %m, %n1 : i64, i64, i64
  }
  return %r#0, %r#2 : i64, i64
}
"#,
    );
    for (a, b, g, steps) in [(48i64, 18i64, 6i64, 3i64), (7, 0, 7, 0), (17, 5, 1, 3)] {
        let (mut a, mut b, mut rg, mut rn) = (a, b, 0i64, 0i64);
        call(
            &*code,
            "gcd",
            &mut [ptr(&mut a), ptr(&mut b), ptr(&mut rg), ptr(&mut rn)],
        );
        assert_eq!((rg, rn), (g, steps));
    }
}

#[test]
fn scf_if_yields_the_taken_branch_results() {
    let code = compile(
        r#"
func.func @classify(%x: f32) -> (f32, i32) {
  %zero = arith.constant 0.0 : f32
  %neg = arith.cmpf olt, %x, %zero : f32
  %r:2 = scf.if %neg -> (f32, i32) {
    %n = arith.negf %x : f32
    %m = arith.constant -1 : i32
    scf.yield %n, %m : f32, i32
  } else {
    %p = arith.constant 1 : i32
    scf.yield %x, %p : f32, i32
  }
  %big = arith.constant 100.0 : f32
  %gt = arith.cmpf ogt, %r#0, %big : f32
  scf.if %gt {
    scf.yield
  }
  return %r#0, %r#1 : f32, i32
}
"#,
    );
    for (x, abs, sign) in [(-2.5f32, 2.5f32, -1i32), (3.0, 3.0, 1), (0.0, 0.0, 1)] {
        let (mut x, mut r0, mut r1) = (x, 0f32, 0i32);
        call(
            &*code,
            "classify",
            &mut [ptr(&mut x), ptr(&mut r0), ptr(&mut r1)],
        );
        assert_eq!((r0, r1), (abs, sign));
    }
}

#[test]
fn scf_parallel_reduces_sequentially() {
    let code = compile(
        r#"
func.func @total(%m: memref<3x4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c4) step (%c1, %c1) init (%zero) -> f32 {
    %x = memref.load %m[%i, %j] : memref<3x4xf32>
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %r: f32):
      %t = arith.addf %l, %r : f32
      scf.reduce.return %t : f32
    }
  }
  return %s : f32
}
"#,
    );
    let mut m: Vec<f32> = (0..12).map(|i| 0.1 * i as f32).collect();
    let expected = m.iter().fold(0.0f32, |a, &x| a + x);
    let mut dm = desc(&mut m, &[3, 4]);
    let mut r = 0f32;
    call(&*code, "total", &mut [dm.as_mut_ptr(), ptr(&mut r)]);
    assert_eq!(r, expected);
}

// ----- arith ---------------------------------------------------------------------

/// Stores `%name = arith.<op> %a, %b : <ty>` for each op into `%out[i]`.
fn binary_ops_module(func: &str, ty: &str, ops: &[&str]) -> String {
    let mut body = String::new();
    for (i, op) in ops.iter().enumerate() {
        body.push_str(&format!(
            "  %c{i} = arith.constant {i} : index\n  %r{i} = arith.{op} %a, %b : {ty}\n  memref.store %r{i}, %out[%c{i}] : memref<{n}x{ty}>\n",
            n = ops.len()
        ));
    }
    format!(
        "func.func @{func}(%a: {ty}, %b: {ty}, %out: memref<{n}x{ty}>) {{\n{body}  return\n}}\n",
        n = ops.len()
    )
}

#[test]
fn integer_ops_wrap_and_round_as_mlir_defines() {
    let ops = [
        "addi",
        "subi",
        "muli",
        "divsi",
        "divui",
        "remsi",
        "remui",
        "ceildivsi",
        "ceildivui",
        "floordivsi",
        "andi",
        "ori",
        "xori",
        "maxsi",
        "minsi",
        "maxui",
        "minui",
    ];
    let code = compile(&binary_ops_module("i32ops", "i32", &ops));
    let reference = |a: i32, b: i32| -> Vec<i32> {
        let (ua, ub) = (a as u32, b as u32);
        let (q, r) = (a / b, a % b);
        let ceil = if r != 0 && (r < 0) == (b < 0) {
            q + 1
        } else {
            q
        };
        let floor = if r != 0 && (r < 0) != (b < 0) {
            q - 1
        } else {
            q
        };
        vec![
            a.wrapping_add(b),
            a.wrapping_sub(b),
            a.wrapping_mul(b),
            a / b,
            (ua / ub) as i32,
            a % b,
            (ua % ub) as i32,
            ceil,
            ua.div_ceil(ub) as i32,
            floor,
            a & b,
            a | b,
            a ^ b,
            a.max(b),
            a.min(b),
            ua.max(ub) as i32,
            ua.min(ub) as i32,
        ]
    };
    for (a, b) in [
        (7, 2),
        (-7, 2),
        (7, -2),
        (-7, -2),
        (6, 3),
        (-6, 3),
        (i32::MAX, 3),
        (i32::MIN, 7),
        (5, -1),
        (0, 9),
    ] {
        let (mut a_, mut b_) = (a, b);
        let mut out = vec![0i32; ops.len()];
        let mut d = desc(&mut out, &[ops.len() as i64]);
        call(
            &*code,
            "i32ops",
            &mut [ptr(&mut a_), ptr(&mut b_), d.as_mut_ptr()],
        );
        let expected = reference(a, b);
        for (i, op) in ops.iter().enumerate() {
            assert_eq!(out[i], expected[i], "arith.{op} {a}, {b}");
        }
    }
}

#[test]
fn shifts_narrow_integers_and_index_behave_as_their_width() {
    let code = compile(
        r#"
func.func @narrow(%a: i8, %b: i8, %s: i8, %x: index, %y: index, %out8: memref<5xi8>, %outi: memref<3xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %add = arith.addi %a, %b : i8
  %mul = arith.muli %a, %b : i8
  %shl = arith.shli %a, %s : i8
  %shrs = arith.shrsi %a, %s : i8
  %shru = arith.shrui %a, %s : i8
  memref.store %add, %out8[%c0] : memref<5xi8>
  memref.store %mul, %out8[%c1] : memref<5xi8>
  memref.store %shl, %out8[%c2] : memref<5xi8>
  memref.store %shrs, %out8[%c3] : memref<5xi8>
  memref.store %shru, %out8[%c4] : memref<5xi8>
  %xy = arith.muli %x, %y : index
  %fd = arith.floordivsi %x, %y : index
  %mx = arith.maxsi %x, %y : index
  memref.store %xy, %outi[%c0] : memref<3xindex>
  memref.store %fd, %outi[%c1] : memref<3xindex>
  memref.store %mx, %outi[%c2] : memref<3xindex>
  return
}
"#,
    );
    let (mut a, mut b, mut s, mut x, mut y) = (-100i8, 3i8, 2i8, -9i64, 4i64);
    let mut out8 = vec![0i8; 5];
    let mut outi = vec![0i64; 3];
    let (mut d8, mut di) = (desc(&mut out8, &[5]), desc(&mut outi, &[3]));
    call(
        &*code,
        "narrow",
        &mut [
            ptr(&mut a),
            ptr(&mut b),
            ptr(&mut s),
            ptr(&mut x),
            ptr(&mut y),
            d8.as_mut_ptr(),
            di.as_mut_ptr(),
        ],
    );
    assert_eq!(
        out8,
        vec![
            -97,
            -100i8.wrapping_mul(3),
            -100i8 << 2,
            -100 >> 2,
            ((-100i8 as u8) >> 2) as i8
        ]
    );
    assert_eq!(outi, vec![-36, -3, 4]);
}

#[test]
fn i1_arithmetic_is_one_bit_and_signed_ops_see_minus_one() {
    let ops = [
        "addi", "muli", "andi", "ori", "xori", "maxsi", "minsi", "maxui", "minui",
    ];
    let code = compile(&binary_ops_module("bits", "i1", &ops));
    for (a, b) in [(0u8, 0u8), (0, 1), (1, 0), (1, 1)] {
        let (mut a_, mut b_) = (a, b);
        let mut out = vec![7u8; ops.len()];
        let mut d = desc(&mut out, &[ops.len() as i64]);
        call(
            &*code,
            "bits",
            &mut [ptr(&mut a_), ptr(&mut b_), d.as_mut_ptr()],
        );
        // Signed, true is -1: maxsi picks false over true.
        let (sa, sb) = (-(a as i8), -(b as i8));
        let expected = [
            a ^ b,
            a & b,
            a & b,
            a | b,
            a ^ b,
            (sa.max(sb) & 1) as u8,
            (sa.min(sb) & 1) as u8,
            a.max(b),
            a.min(b),
        ];
        assert_eq!(out, expected, "{a}, {b}");
    }
}

/// The results MLIR defines for `maximumf`, `minimumf`, `maxnumf`,
/// `minnumf` (see `tessera_dialects::interp::scalar`).
fn min_max_reference(a: f32, b: f32) -> [f32; 4] {
    let max = |a: f32, b: f32| {
        if a == 0.0 && b == 0.0 {
            if a.is_sign_negative() { b } else { a }
        } else {
            a.max(b)
        }
    };
    let min = |a: f32, b: f32| {
        if a == 0.0 && b == 0.0 {
            if a.is_sign_negative() { a } else { b }
        } else {
            a.min(b)
        }
    };
    let any_nan = a.is_nan() || b.is_nan();
    let num = |f: &dyn Fn(f32, f32) -> f32| {
        if a.is_nan() {
            b
        } else if b.is_nan() {
            a
        } else {
            f(a, b)
        }
    };
    [
        if any_nan { f32::NAN } else { max(a, b) },
        if any_nan { f32::NAN } else { min(a, b) },
        num(&max),
        num(&min),
    ]
}

#[test]
fn float_ops_follow_ieee_and_mlir_nan_rules() {
    let ops = [
        "addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf", "minnumf",
    ];
    let code = compile(&binary_ops_module("fops", "f32", &ops));
    let values = [
        1.5f32,
        -2.25,
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        7.0,
    ];
    for &a in &values {
        for &b in &values {
            let (mut a_, mut b_) = (a, b);
            let mut out = vec![0f32; ops.len()];
            let mut d = desc(&mut out, &[ops.len() as i64]);
            call(
                &*code,
                "fops",
                &mut [ptr(&mut a_), ptr(&mut b_), d.as_mut_ptr()],
            );
            let mm = min_max_reference(a, b);
            let expected = [
                a + b,
                a - b,
                a * b,
                a / b,
                a % b,
                mm[0],
                mm[1],
                mm[2],
                mm[3],
            ];
            for (i, op) in ops.iter().enumerate() {
                assert!(
                    same_f32(out[i], expected[i]),
                    "arith.{op} {a:?}, {b:?}: got {:?}, want {:?}",
                    out[i],
                    expected[i]
                );
            }
        }
    }
}

#[test]
fn negf_flips_the_sign_bit_and_f64_works_too() {
    let code = compile(
        r#"
func.func @neg(%a: f32, %b: f64) -> (f32, f64, f64) {
  %n = arith.negf %a : f32
  %m = arith.negf %b : f64
  %s = arith.maxnumf %b, %m : f64
  return %n, %m, %s : f32, f64, f64
}
"#,
    );
    for (a, b) in [(0.0f32, 2.5f64), (-3.0, f64::NAN), (f32::INFINITY, -0.0)] {
        let (mut a_, mut b_, mut r0, mut r1, mut r2) = (a, b, 0f32, 0f64, 0f64);
        call(
            &*code,
            "neg",
            &mut [
                ptr(&mut a_),
                ptr(&mut b_),
                ptr(&mut r0),
                ptr(&mut r1),
                ptr(&mut r2),
            ],
        );
        assert_eq!(r0.to_bits(), (-a).to_bits());
        assert!(same_f64(r1, -b));
        let want = if b.is_nan() {
            f64::NAN
        } else if b == 0.0 {
            0.0
        } else {
            b.abs()
        };
        assert!(same_f64(r2, want), "maxnumf {b} {}: {r2}", -b);
    }
}

#[test]
fn casts_convert_between_every_scalar_kind() {
    let code = compile(
        r#"
func.func @casts(%i: i32, %f: f32, %d: f64, %b: i1, %out: memref<8xf64>, %iout: memref<9xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %sf = arith.sitofp %i : i32 to f64
  %uf = arith.uitofp %i : i32 to f64
  %ef = arith.extf %f : f32 to f64
  %tf = arith.truncf %d : f64 to f32
  %tfe = arith.extf %tf : f32 to f64
  %bf = arith.sitofp %b : i1 to f64
  %ubf = arith.uitofp %b : i1 to f64
  %i8 = arith.trunci %i : i32 to i8
  %i8f = arith.sitofp %i8 : i8 to f64
  %u8f = arith.uitofp %i8 : i8 to f64
  memref.store %sf, %out[%c0] : memref<8xf64>
  memref.store %uf, %out[%c1] : memref<8xf64>
  memref.store %ef, %out[%c2] : memref<8xf64>
  memref.store %tfe, %out[%c3] : memref<8xf64>
  memref.store %bf, %out[%c4] : memref<8xf64>
  memref.store %ubf, %out[%c5] : memref<8xf64>
  memref.store %i8f, %out[%c6] : memref<8xf64>
  memref.store %u8f, %out[%c7] : memref<8xf64>
  %si = arith.fptosi %d : f64 to i64
  %ui = arith.fptoui %f : f32 to i16
  %uie = arith.extui %ui : i16 to i64
  %ext = arith.extsi %i : i32 to i64
  %extu = arith.extui %i : i32 to i64
  %bs = arith.extsi %b : i1 to i64
  %ix = arith.index_cast %i : i32 to index
  %ixi = arith.index_cast %ix : index to i64
  %ixu = arith.index_castui %i : i32 to index
  %ixui = arith.index_cast %ixu : index to i64
  %bits = arith.bitcast %f : f32 to i32
  %bits64 = arith.extui %bits : i32 to i64
  %small = arith.fptosi %f : f32 to i8
  %smalle = arith.extsi %small : i8 to i64
  memref.store %si, %iout[%c0] : memref<9xi64>
  memref.store %uie, %iout[%c1] : memref<9xi64>
  memref.store %ext, %iout[%c2] : memref<9xi64>
  memref.store %extu, %iout[%c3] : memref<9xi64>
  memref.store %bs, %iout[%c4] : memref<9xi64>
  memref.store %ixi, %iout[%c5] : memref<9xi64>
  memref.store %ixui, %iout[%c6] : memref<9xi64>
  memref.store %bits64, %iout[%c7] : memref<9xi64>
  memref.store %smalle, %iout[%c8] : memref<9xi64>
  return
}
"#,
    );
    let (mut i, mut f, mut d, mut b) = (-300i32, 100.75f32, -12345.6789f64, 1u8);
    let mut out = vec![0f64; 8];
    let mut iout = vec![0i64; 9];
    let (mut dout, mut diout) = (desc(&mut out, &[8]), desc(&mut iout, &[9]));
    call(
        &*code,
        "casts",
        &mut [
            ptr(&mut i),
            ptr(&mut f),
            ptr(&mut d),
            ptr(&mut b),
            dout.as_mut_ptr(),
            diout.as_mut_ptr(),
        ],
    );
    let i8v = -300i32 as i8;
    assert_eq!(
        out,
        vec![
            -300.0,
            (-300i32 as u32) as f64,
            100.75,
            (d as f32) as f64,
            -1.0,
            1.0,
            i8v as f64,
            (i8v as u8) as f64
        ]
    );
    assert_eq!(
        iout,
        vec![
            -12345,
            100,
            -300,
            (-300i32 as u32) as i64,
            -1,
            -300,
            (-300i32 as u32) as i64,
            100.75f32.to_bits() as i64,
            100
        ]
    );
}

#[test]
fn comparisons_and_select_cover_every_predicate() {
    let fpreds = [
        "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult",
        "ule", "une", "uno", "true",
    ];
    let ipreds = [
        "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
    ];
    let mut body = String::new();
    for (k, p) in fpreds.iter().enumerate() {
        body.push_str(&format!(
            "  %fc{k} = arith.cmpf {p}, %x, %y : f32\n  %fs{k} = arith.select %fc{k}, %one, %zero : i32\n  %fi{k} = arith.constant {k} : index\n  memref.store %fs{k}, %fout[%fi{k}] : memref<16xi32>\n"
        ));
    }
    for (k, p) in ipreds.iter().enumerate() {
        body.push_str(&format!(
            "  %ic{k} = arith.cmpi {p}, %a, %b : i32\n  %ix{k} = arith.constant {k} : index\n  memref.store %ic{k}, %iout[%ix{k}] : memref<10xi1>\n"
        ));
    }
    let code = compile(&format!(
        "func.func @cmp(%x: f32, %y: f32, %a: i32, %b: i32, %fout: memref<16xi32>, %iout: memref<10xi1>) {{\n  %one = arith.constant 1 : i32\n  %zero = arith.constant 0 : i32\n{body}  return\n}}\n"
    ));
    let fref = |x: f32, y: f32| -> Vec<i32> {
        let u = x.is_nan() || y.is_nan();
        [
            false,
            !u && x == y,
            !u && x > y,
            !u && x >= y,
            !u && x < y,
            !u && x <= y,
            !u && x != y,
            !u,
            u || x == y,
            u || x > y,
            u || x >= y,
            u || x < y,
            u || x <= y,
            u || x != y,
            u,
            true,
        ]
        .iter()
        .map(|&c| c as i32)
        .collect()
    };
    let iref = |a: i32, b: i32| -> Vec<u8> {
        let (ua, ub) = (a as u32, b as u32);
        [
            a == b,
            a != b,
            a < b,
            a <= b,
            a > b,
            a >= b,
            ua < ub,
            ua <= ub,
            ua > ub,
            ua >= ub,
        ]
        .iter()
        .map(|&c| c as u8)
        .collect()
    };
    for (x, y, a, b) in [
        (1.0f32, 2.0f32, -1i32, 1i32),
        (2.0, 2.0, 3, 3),
        (f32::NAN, 1.0, 5, -5),
        (-0.0, 0.0, 0, -1),
    ] {
        let (mut x_, mut y_, mut a_, mut b_) = (x, y, a, b);
        let mut fout = vec![9i32; 16];
        let mut iout = vec![9u8; 10];
        let (mut df, mut di) = (desc(&mut fout, &[16]), desc(&mut iout, &[10]));
        call(
            &*code,
            "cmp",
            &mut [
                ptr(&mut x_),
                ptr(&mut y_),
                ptr(&mut a_),
                ptr(&mut b_),
                df.as_mut_ptr(),
                di.as_mut_ptr(),
            ],
        );
        assert_eq!(fout, fref(x, y), "cmpf {x} {y}");
        assert_eq!(iout, iref(a, b), "cmpi {a} {b}");
    }
}

// ----- math ----------------------------------------------------------------------

#[test]
fn math_functions_match_the_c_library_bit_for_bit() {
    let unary = [
        ("exp", f32::exp as fn(f32) -> f32),
        ("log", f32::ln),
        ("tanh", f32::tanh),
        ("sin", f32::sin),
        ("erf", libm::erff),
        ("sqrt", f32::sqrt),
        ("absf", f32::abs),
        ("floor", f32::floor),
        ("ceil", f32::ceil),
        ("trunc", f32::trunc),
        ("roundeven", f32::round_ties_even),
        ("round", f32::round),
        ("rsqrt", |x: f32| 1.0 / x.sqrt()),
        ("exp2", f32::exp2),
        ("log1p", f32::ln_1p),
    ];
    let mut body = String::new();
    for (k, (op, _)) in unary.iter().enumerate() {
        body.push_str(&format!(
            "  %r{k} = math.{op} %x : f32\n  %i{k} = arith.constant {k} : index\n  memref.store %r{k}, %out[%i{k}] : memref<{n}xf32>\n",
            n = unary.len() + 4
        ));
    }
    let n = unary.len();
    body.push_str(&format!(
        "  %p = math.powf %x, %y : f32\n  %ip = arith.constant {n} : index\n  memref.store %p, %out[%ip] : memref<{m}xf32>\n\
         %a2 = math.atan2 %x, %y : f32\n  %ia = arith.constant {n1} : index\n  memref.store %a2, %out[%ia] : memref<{m}xf32>\n\
         %fm = math.fma %x, %y, %x : f32\n  %if = arith.constant {n2} : index\n  memref.store %fm, %out[%if] : memref<{m}xf32>\n\
         %cs = math.copysign %x, %y : f32\n  %ic = arith.constant {n3} : index\n  memref.store %cs, %out[%ic] : memref<{m}xf32>\n",
        m = n + 4,
        n1 = n + 1,
        n2 = n + 2,
        n3 = n + 3
    ));
    let code = compile(&format!(
        "func.func @m(%x: f32, %y: f32, %out: memref<{}xf32>) {{\n{body}  return\n}}\n",
        n + 4
    ));
    for (x, y) in [
        (0.5f32, 2.0f32),
        (-1.75, 0.3),
        (2.5, -3.0),
        (10.0, 0.5),
        (-0.0, -1.0),
        (0.1, 7.0),
    ] {
        let (mut x_, mut y_) = (x, y);
        let mut out = vec![0f32; n + 4];
        let mut d = desc(&mut out, &[(n + 4) as i64]);
        call(
            &*code,
            "m",
            &mut [ptr(&mut x_), ptr(&mut y_), d.as_mut_ptr()],
        );
        for (k, (op, f)) in unary.iter().enumerate() {
            assert!(
                same_f32(out[k], f(x)),
                "math.{op}({x}) = {} want {}",
                out[k],
                f(x)
            );
        }
        let rest = [x.powf(y), x.atan2(y), x.mul_add(y, x), x.copysign(y)];
        for (k, want) in rest.iter().enumerate() {
            assert!(
                same_f32(out[n + k], *want),
                "binary math #{k} on {x}, {y}: {} want {want}",
                out[n + k]
            );
        }
    }
}

#[test]
fn f64_math_calls_the_double_functions_and_integer_math_counts_bits() {
    let code = compile(
        r#"
func.func @m(%x: f64, %i: i32, %j: i8) -> (f64, f64, i32, i32, i32, i32, i8, i8) {
  %e = math.exp %x : f64
  %c = math.cbrt %x : f64
  %a = math.absi %i : i32
  %l = math.ctlz %i : i32
  %t = math.cttz %i : i32
  %p = math.ctpop %i : i32
  %lj = math.ctlz %j : i8
  %tj = math.cttz %j : i8
  return %e, %c, %a, %l, %t, %p, %lj, %tj : f64, f64, i32, i32, i32, i32, i8, i8
}
"#,
    );
    for (x, i, j) in [(1.25f64, -40i32, 0i8), (-3.5, 0, 12), (0.0, 1 << 20, -128)] {
        let (mut x_, mut i_, mut j_) = (x, i, j);
        let (mut e, mut c, mut a, mut l, mut t, mut p, mut lj, mut tj) =
            (0f64, 0f64, 0i32, 0i32, 0i32, 0i32, 0i8, 0i8);
        call(
            &*code,
            "m",
            &mut [
                ptr(&mut x_),
                ptr(&mut i_),
                ptr(&mut j_),
                ptr(&mut e),
                ptr(&mut c),
                ptr(&mut a),
                ptr(&mut l),
                ptr(&mut t),
                ptr(&mut p),
                ptr(&mut lj),
                ptr(&mut tj),
            ],
        );
        assert_eq!(e.to_bits(), x.exp().to_bits());
        assert_eq!(c.to_bits(), x.cbrt().to_bits());
        assert_eq!(
            (a, l, t, p),
            (
                i.wrapping_abs(),
                i.leading_zeros() as i32,
                i.trailing_zeros() as i32,
                i.count_ones() as i32
            )
        );
        assert_eq!(
            (lj, tj),
            (j.leading_zeros() as i8, j.trailing_zeros() as i8)
        );
    }
}

// ----- memref --------------------------------------------------------------------

#[test]
fn globals_are_readable_constants_and_writable_buffers() {
    let code = compile(
        r#"
memref.global "private" constant @table : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]>
memref.global "private" constant @ones : memref<4xi32> = dense<1>
memref.global "private" @counter : memref<1xi64> = uninitialized
func.func @read(%i: index, %j: index) -> (f32, i32, i64) {
  %t = memref.get_global @table : memref<2x3xf32>
  %x = memref.load %t[%i, %j] : memref<2x3xf32>
  %o = memref.get_global @ones : memref<4xi32>
  %y = memref.load %o[%j] : memref<4xi32>
  %c = memref.get_global @counter : memref<1xi64>
  %c0 = arith.constant 0 : index
  %n = memref.load %c[%c0] : memref<1xi64>
  %one = arith.constant 1 : i64
  %n1 = arith.addi %n, %one : i64
  memref.store %n1, %c[%c0] : memref<1xi64>
  return %x, %y, %n1 : f32, i32, i64
}
"#,
    );
    let table = [[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.5]];
    for (call_no, (i, j)) in [(0i64, 0i64), (1, 2), (1, 0)].into_iter().enumerate() {
        let (mut i_, mut j_, mut x, mut y, mut n) = (i, j, 0f32, 0i32, 0i64);
        call(
            &*code,
            "read",
            &mut [
                ptr(&mut i_),
                ptr(&mut j_),
                ptr(&mut x),
                ptr(&mut y),
                ptr(&mut n),
            ],
        );
        assert_eq!(
            (x, y, n),
            (table[i as usize][j as usize], 1, call_no as i64 + 1)
        );
    }
}

#[test]
fn alloc_alloca_dealloc_and_copy_manage_temporaries() {
    let code = compile(
        r#"
func.func @scratch(%src: memref<2x3xf32>, %n: index, %dst: memref<2x3xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %tmp = memref.alloc() {alignment = 128 : i64} : memref<2x3xf32>
  memref.copy %src, %tmp : memref<2x3xf32> to memref<2x3xf32>
  %two = arith.constant 2.0 : f32
  %x = memref.load %tmp[%c1, %c1] : memref<2x3xf32>
  %y = arith.mulf %x, %two : f32
  memref.store %y, %tmp[%c1, %c1] : memref<2x3xf32>
  memref.copy %tmp, %dst : memref<2x3xf32> to memref<2x3xf32>
  memref.dealloc %tmp : memref<2x3xf32>
  %dyn = memref.alloc(%n) : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %n step %c1 {
    %fi = arith.index_cast %i : index to i32
    %f = arith.sitofp %fi : i32 to f32
    memref.store %f, %dyn[%i] : memref<?xf32>
  }
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %dyn[%i] : memref<?xf32>
    %t = arith.addf %acc, %v : f32
    scf.yield %t : f32
  }
  memref.dealloc %dyn : memref<?xf32>
  %st = memref.alloca() : memref<4xf32>
  memref.store %s, %st[%c1] : memref<4xf32>
  %r = memref.load %st[%c1] : memref<4xf32>
  return %r : f32
}
"#,
    );
    let mut src: Vec<f32> = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut dst = vec![0f32; 6];
    let (mut ds, mut dd) = (desc(&mut src, &[2, 3]), desc(&mut dst, &[2, 3]));
    let (mut n, mut r) = (10i64, 0f32);
    call(
        &*code,
        "scratch",
        &mut [ds.as_mut_ptr(), ptr(&mut n), dd.as_mut_ptr(), ptr(&mut r)],
    );
    assert_eq!(dst, vec![1.0, 2.0, 3.0, 4.0, 10.0, 6.0]);
    assert_eq!(r, 45.0);
}

#[test]
fn subviews_address_strided_windows_of_their_source() {
    let code = compile(
        r#"
func.func @window(%m: memref<4x6xf32>, %o: index, %out: memref<2x3xf32>, %row: memref<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %v = memref.subview %m[1, %o] [2, 3] [2, 2] : memref<4x6xf32> to memref<2x3xf32, strided<[12, 2], offset: ?>>
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %x = memref.load %v[%i, %j] : memref<2x3xf32, strided<[12, 2], offset: ?>>
      memref.store %x, %out[%i, %j] : memref<2x3xf32>
    }
  }
  %r = memref.subview %m[2, 3] [1, 3] [1, 1] : memref<4x6xf32> to memref<3xf32, strided<[1], offset: 15>>
  memref.copy %r, %row : memref<3xf32, strided<[1], offset: 15>> to memref<3xf32>
  return
}
"#,
    );
    let mut m: Vec<f32> = (0..24).map(|i| i as f32).collect();
    let mut out = vec![0f32; 6];
    let mut row = vec![0f32; 3];
    let (mut dm, mut dout, mut drow) = (
        desc(&mut m, &[4, 6]),
        desc(&mut out, &[2, 3]),
        desc(&mut row, &[3]),
    );
    let mut o = 1i64;
    call(
        &*code,
        "window",
        &mut [
            dm.as_mut_ptr(),
            ptr(&mut o),
            dout.as_mut_ptr(),
            drow.as_mut_ptr(),
        ],
    );
    // Rows 1 and 3, columns 1, 3, 5.
    assert_eq!(out, vec![7.0, 9.0, 11.0, 19.0, 21.0, 23.0]);
    assert_eq!(row, vec![15.0, 16.0, 17.0]);
}

#[test]
fn dynamic_strides_come_from_the_descriptor() {
    let code = compile(
        r#"
func.func @pick(%m: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index, %j: index) -> f32 {
  %x = memref.load %m[%i, %j] : memref<?x?xf32, strided<[?, ?], offset: ?>>
  return %x : f32
}
"#,
    );
    // A transposed 3x2 view of a 2x3 buffer, starting one element in.
    let mut buf: Vec<f32> = (0..8).map(|i| i as f32).collect();
    let mut d = MemRefDescriptor::new(buf.as_mut_ptr().cast(), 1, &[3, 2], &[1, 3]);
    for (i, j) in [(0i64, 0i64), (2, 1), (1, 1)] {
        let (mut i_, mut j_, mut r) = (i, j, 0f32);
        call(
            &*code,
            "pick",
            &mut [d.as_mut_ptr(), ptr(&mut i_), ptr(&mut j_), ptr(&mut r)],
        );
        assert_eq!(r, buf[(1 + i + 3 * j) as usize]);
    }
}

// ----- vector --------------------------------------------------------------------

const SAXPY: &str = r#"
func.func @saxpy(%a: f32, %x: memref<16xf32>, %y: memref<16xf32>) -> (f32, f32, f32, f32) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %va = vector.broadcast %a : f32 to vector<8xf32>
  %zero = arith.constant 0.0 : f32
  %total = scf.for %i = %c0 to %c16 step %c8 iter_args(%acc = %zero) -> (f32) {
    %vx = vector.load %x[%i] : memref<16xf32>, vector<8xf32>
    %vy = vector.load %y[%i] : memref<16xf32>, vector<8xf32>
    %r = vector.fma %va, %vx, %vy : vector<8xf32>
    vector.store %r, %y[%i] : memref<16xf32>, vector<8xf32>
    %s = vector.reduction <add>, %r, %acc : vector<8xf32> into f32
    scf.yield %s : f32
  }
  %v = vector.load %y[%c0] : memref<16xf32>, vector<8xf32>
  %fast = vector.reduction <add>, %v fastmath<reassoc> : vector<8xf32> into f32
  %mx = vector.reduction <maxnumf>, %v : vector<8xf32> into f32
  %e5 = vector.extract %v[5] : f32 from vector<8xf32>
  return %total, %fast, %mx, %e5 : f32, f32, f32, f32
}
"#;

#[test]
fn vector_loads_fma_stores_and_reductions_match_scalar_math() {
    let code = compile(SAXPY);
    let a = 1.5f32;
    let mut x: Vec<f32> = (0..16).map(|i| i as f32 * 0.5 - 3.0).collect();
    let mut y: Vec<f32> = (0..16).map(|i| (i as f32).cos()).collect();
    let expected: Vec<f32> = x.iter().zip(&y).map(|(&x, &y)| a.mul_add(x, y)).collect();
    let total = expected.iter().fold(0.0f32, |acc, &v| acc + v);
    let first = &expected[..8];
    // The reassociated sum adds the two f32x4 halves, then their lanes.
    let halves: Vec<f32> = (0..4).map(|l| first[l] + first[l + 4]).collect();
    let fast = halves[1..].iter().fold(halves[0], |acc, &v| acc + v);
    let max = first.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let (mut a_, mut r0, mut r1, mut r2, mut r3) = (a, 0f32, 0f32, 0f32, 0f32);
    let (mut dx, mut dy) = (desc(&mut x, &[16]), desc(&mut y, &[16]));
    call(
        &*code,
        "saxpy",
        &mut [
            ptr(&mut a_),
            dx.as_mut_ptr(),
            dy.as_mut_ptr(),
            ptr(&mut r0),
            ptr(&mut r1),
            ptr(&mut r2),
            ptr(&mut r3),
        ],
    );
    assert_eq!(y, expected);
    assert_eq!((r0, r1, r2, r3), (total, fast, max, expected[5]));
}

#[test]
fn vector_extract_and_insert_take_static_and_dynamic_positions() {
    let code = compile(
        r#"
func.func @lanes(%m: memref<2x4xf32>, %i: index, %s: f32, %out: memref<2x4xf32>) -> (f32, f32, f32) {
  %c0 = arith.constant 0 : index
  %v = vector.load %m[%c0, %c0] : memref<2x4xf32>, vector<2x4xf32>
  %row = vector.extract %v[1] : vector<4xf32> from vector<2x4xf32>
  %a = vector.extract %v[1, 2] : f32 from vector<2x4xf32>
  %b = vector.extract %v[0, %i] : f32 from vector<2x4xf32>
  %c = vector.extractelement %row[%i : index] : vector<4xf32>
  %w = vector.insert %s, %v [%i, 3] : f32 into vector<2x4xf32>
  %w2 = vector.insert %row, %w [0] : vector<4xf32> into vector<2x4xf32>
  %c1 = arith.constant 1 : i32
  %w3 = vector.insertelement %s, %row[%c1 : i32] : vector<4xf32>
  %w4 = vector.insert %w3, %w2 [1] : vector<4xf32> into vector<2x4xf32>
  vector.store %w4, %out[%c0, %c0] : memref<2x4xf32>, vector<2x4xf32>
  return %a, %b, %c : f32, f32, f32
}
"#,
    );
    let mut m: Vec<f32> = (0..8).map(|i| i as f32 + 10.0).collect();
    let mut out = vec![0f32; 8];
    let (mut dm, mut dout) = (desc(&mut m, &[2, 4]), desc(&mut out, &[2, 4]));
    let (mut i, mut s, mut ra, mut rb, mut rc) = (1i64, -1.0f32, 0f32, 0f32, 0f32);
    call(
        &*code,
        "lanes",
        &mut [
            dm.as_mut_ptr(),
            ptr(&mut i),
            ptr(&mut s),
            dout.as_mut_ptr(),
            ptr(&mut ra),
            ptr(&mut rb),
            ptr(&mut rc),
        ],
    );
    assert_eq!((ra, rb, rc), (16.0, 11.0, 15.0));
    // Row 0 is row 1 of the input; row 1 is row 1 with lane 1 set to %s.
    assert_eq!(out, vec![14.0, 15.0, 16.0, 17.0, 14.0, -1.0, 16.0, 17.0]);
}

#[test]
fn transfers_and_masked_accesses_skip_out_of_bounds_and_masked_lanes() {
    let code = compile(
        r#"
func.func @edges(%m: memref<3x5xf32>, %i: index, %j: index, %n: index, %out: memref<3x5xf32>) -> f32 {
  %pad = arith.constant -7.0 : f32
  %c0 = arith.constant 0 : index
  %t = vector.transfer_read %m[%i, %j], %pad : memref<3x5xf32>, vector<4xf32>
  vector.transfer_write %t, %out[%i, %c0] : vector<4xf32>, memref<3x5xf32>
  %col = vector.transfer_read %m[%c0, %j], %pad {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<3x5xf32>, vector<4xf32>
  %mask = vector.create_mask %n : vector<4xi1>
  %ml = vector.maskedload %m[%c0, %c0], %mask, %t : memref<3x5xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
  %c2 = arith.constant 2 : index
  vector.maskedstore %out[%c2, %c0], %mask, %col : memref<3x5xf32>, vector<4xi1>, vector<4xf32>
  %cm = vector.constant_mask [2] : vector<4xi1>
  %c1 = arith.constant 1 : index
  vector.transfer_write %ml, %out[%c1, %c1], %cm {in_bounds = [true]} : vector<4xf32>, memref<3x5xf32>
  %s = vector.reduction <add>, %col : vector<4xf32> into f32
  return %s : f32
}
"#,
    );
    let mut m: Vec<f32> = (0..15).map(|i| i as f32).collect();
    let mut out = vec![0f32; 15];
    let (mut dm, mut dout) = (desc(&mut m, &[3, 5]), desc(&mut out, &[3, 5]));
    let (mut i, mut j, mut n, mut r) = (0i64, 3i64, 2i64, 0f32);
    call(
        &*code,
        "edges",
        &mut [
            dm.as_mut_ptr(),
            ptr(&mut i),
            ptr(&mut j),
            ptr(&mut n),
            dout.as_mut_ptr(),
            ptr(&mut r),
        ],
    );
    // %t = m[0, 3..7] padded: [3, 4, pad, pad], written at out[0, 0..4].
    // %col = m[0..4, 3] padded: [3, 8, 13, pad].
    // %ml = lanes 0, 1 from m[0, 0..], lanes 2, 3 from %t: [0, 1, pad, pad],
    // written under [1, 1, 0, 0] at out[1, 1..].
    // maskedstore writes %col lanes 0, 1 at out[2, 0..].
    let pad = -7.0;
    assert_eq!(
        out,
        vec![
            3.0, 4.0, pad, pad, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 3.0, 8.0, 0.0, 0.0, 0.0
        ]
    );
    assert_eq!(r, 3.0 + 8.0 + 13.0 + pad);
}

#[test]
fn transfers_in_and_partly_out_of_bounds_read_and_write_the_right_lanes() {
    let code = compile(
        r#"
func.func @shift(%m: memref<2x6xf32>, %j: index, %out: memref<2x6xf32>) {
  %pad = arith.constant 0.5 : f32
  %c0 = arith.constant 0 : index
  %v = vector.transfer_read %m[%c0, %j], %pad : memref<2x6xf32>, vector<2x4xf32>
  %two = arith.constant dense<2.0> : vector<2x4xf32>
  %w = arith.mulf %v, %two : vector<2x4xf32>
  vector.transfer_write %w, %out[%c0, %j] : vector<2x4xf32>, memref<2x6xf32>
  return
}
"#,
    );
    for j in 0..6i64 {
        let mut m: Vec<f32> = (0..12).map(|i| i as f32).collect();
        let mut out = vec![-1f32; 12];
        let (mut dm, mut dout) = (desc(&mut m, &[2, 6]), desc(&mut out, &[2, 6]));
        let mut j_ = j;
        call(
            &*code,
            "shift",
            &mut [dm.as_mut_ptr(), ptr(&mut j_), dout.as_mut_ptr()],
        );
        let expected: Vec<f32> = (0..12)
            .map(|i| {
                let col = i % 6;
                if col >= j && col < j + 4 {
                    2.0 * i as f32
                } else {
                    -1.0
                }
            })
            .collect();
        assert_eq!(out, expected, "j = {j}");
    }
}

#[test]
fn arith_and_math_apply_lane_by_lane_on_vectors() {
    let code = compile(
        r#"
func.func @lanes(%x: memref<8xf32>, %y: memref<8xf32>, %k: memref<4xi32>, %out: memref<8xf32>, %kout: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %vx = vector.load %x[%c0] : memref<8xf32>, vector<8xf32>
  %vy = vector.load %y[%c0] : memref<8xf32>, vector<8xf32>
  %mx = arith.maxnumf %vx, %vy : vector<8xf32>
  %e = math.exp %mx : vector<8xf32>
  %lt = arith.cmpf olt, %vx, %vy : vector<8xf32>
  %sel = arith.select %lt, %e, %vy : vector<8xi1>, vector<8xf32>
  %sq = math.sqrt %sel : vector<8xf32>
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : vector<8xf32>
  %r = arith.addf %sq, %c : vector<8xf32>
  vector.store %r, %out[%c0] : memref<8xf32>, vector<8xf32>
  %vk = vector.load %k[%c0] : memref<4xi32>, vector<4xi32>
  %two = arith.constant dense<2> : vector<4xi32>
  %m = arith.muli %vk, %vk : vector<4xi32>
  %sh = arith.shrsi %m, %two : vector<4xi32>
  %f = arith.sitofp %sh : vector<4xi32> to vector<4xf32>
  %back = arith.fptosi %f : vector<4xf32> to vector<4xi32>
  %d = arith.divsi %back, %two : vector<4xi32>
  vector.store %d, %kout[%c0] : memref<4xi32>, vector<4xi32>
  return
}
"#,
    );
    let mut x = vec![1.0f32, -2.0, f32::NAN, 0.5, 3.0, -0.0, 2.0, -1.0];
    let mut y = vec![0.5f32, 1.0, 4.0, f32::NAN, 3.5, 0.0, -2.0, 9.0];
    let mut k = vec![3i32, -5, 100, -7];
    let mut out = vec![0f32; 8];
    let mut kout = vec![0i32; 4];
    let expected: Vec<f32> = (0..8)
        .map(|i| {
            let mx = min_max_reference(x[i], y[i])[2];
            let sel = if x[i] < y[i] { mx.exp() } else { y[i] };
            sel.sqrt() + (i + 1) as f32
        })
        .collect();
    let kexpected: Vec<i32> = k.iter().map(|&v| ((v * v) >> 2) / 2).collect();
    let (mut dx, mut dy, mut dk, mut dout, mut dkout) = (
        desc(&mut x, &[8]),
        desc(&mut y, &[8]),
        desc(&mut k, &[4]),
        desc(&mut out, &[8]),
        desc(&mut kout, &[4]),
    );
    call(
        &*code,
        "lanes",
        &mut [
            dx.as_mut_ptr(),
            dy.as_mut_ptr(),
            dk.as_mut_ptr(),
            dout.as_mut_ptr(),
            dkout.as_mut_ptr(),
        ],
    );
    for i in 0..8 {
        assert!(
            same_f32(out[i], expected[i]),
            "lane {i}: {} want {}",
            out[i],
            expected[i]
        );
    }
    assert_eq!(kout, kexpected);
}

#[test]
fn shape_cast_splat_and_two_d_vectors_keep_row_major_order() {
    let code = compile(
        r#"
func.func @shapes(%m: memref<4x4xf32>, %s: f32, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = vector.load %m[%c1, %c0] : memref<4x4xf32>, vector<2x4xf32>
  %flat = vector.shape_cast %v : vector<2x4xf32> to vector<8xf32>
  %sp = vector.splat %s : vector<8xf32>
  %sum = arith.addf %flat, %sp : vector<8xf32>
  vector.store %sum, %out[%c0] : memref<16xf32>, vector<8xf32>
  %b = vector.broadcast %flat : vector<8xf32> to vector<1x8xf32>
  %b2 = vector.shape_cast %b : vector<1x8xf32> to vector<8xf32>
  %c8 = arith.constant 8 : index
  vector.store %b2, %out[%c8] : memref<16xf32>, vector<8xf32>
  return
}
"#,
    );
    let mut m: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let mut out = vec![0f32; 16];
    let (mut dm, mut dout) = (desc(&mut m, &[4, 4]), desc(&mut out, &[16]));
    let mut s = 0.5f32;
    call(
        &*code,
        "shapes",
        &mut [dm.as_mut_ptr(), ptr(&mut s), dout.as_mut_ptr()],
    );
    let rows: Vec<f32> = (4..12).map(|i| i as f32).collect();
    let mut expected: Vec<f32> = rows.iter().map(|v| v + 0.5).collect();
    expected.extend(&rows);
    assert_eq!(out, expected);
}

/// Vector ops MLIR 19 has that the vector dialect does not register (yet),
/// in the generic form, compiled without verification.
#[test]
fn unregistered_shuffling_vector_ops_in_generic_form() {
    let text = r#"
"func.func"() <{function_type = (memref<8xf32>, f32, memref<16xf32>, memref<4xindex>) -> (), sym_name = "shuffles"}> ({
^bb0(%m: memref<8xf32>, %s: f32, %out: memref<16xf32>, %iout: memref<4xindex>):
  %c0 = "arith.constant"() <{value = 0 : index}> : () -> index
  %v = "vector.load"(%m, %c0) : (memref<8xf32>, index) -> vector<8xf32>
  %w = "vector.shape_cast"(%v) : (vector<8xf32>) -> vector<2x4xf32>
  %t = "vector.transpose"(%w) <{permutation = array<i64: 1, 0>}> : (vector<2x4xf32>) -> vector<4x2xf32>
  %tf = "vector.shape_cast"(%t) : (vector<4x2xf32>) -> vector<8xf32>
  "vector.store"(%tf, %out, %c0) : (vector<8xf32>, memref<16xf32>, index) -> ()
  %sh = "vector.shuffle"(%v, %v) <{mask = [7, 0, 9, 15]}> : (vector<8xf32>, vector<8xf32>) -> vector<4xf32>
  %es = "vector.extract_strided_slice"(%v) <{offsets = [1], sizes = [2], strides = [3]}> : (vector<8xf32>) -> vector<2xf32>
  %fe = "vector.from_elements"(%s, %s) : (f32, f32) -> vector<2xf32>
  %is = "vector.insert_strided_slice"(%fe, %sh) <{offsets = [1], strides = [1]}> : (vector<2xf32>, vector<4xf32>) -> vector<4xf32>
  %c8 = "arith.constant"() <{value = 8 : index}> : () -> index
  "vector.store"(%is, %out, %c8) : (vector<4xf32>, memref<16xf32>, index) -> ()
  %c12 = "arith.constant"() <{value = 12 : index}> : () -> index
  "vector.store"(%es, %out, %c12) : (vector<2xf32>, memref<16xf32>, index) -> ()
  %st = "vector.step"() : () -> vector<4xindex>
  "vector.store"(%st, %iout, %c0) : (vector<4xindex>, memref<4xindex>, index) -> ()
  "func.return"() : () -> ()
}) : () -> ()
"#;
    let (ctx, module) = parse(text);
    let code = compile_parsed(&ctx, module, 3);
    let mut m: Vec<f32> = (0..8).map(|i| i as f32).collect();
    let mut out = vec![-1f32; 16];
    let mut iout = vec![-1i64; 4];
    let (mut dm, mut dout, mut di) = (
        desc(&mut m, &[8]),
        desc(&mut out, &[16]),
        desc(&mut iout, &[4]),
    );
    let mut s = 9.5f32;
    call(
        &*code,
        "shuffles",
        &mut [
            dm.as_mut_ptr(),
            ptr(&mut s),
            dout.as_mut_ptr(),
            di.as_mut_ptr(),
        ],
    );
    assert_eq!(
        out,
        vec![
            0.0, 4.0, 1.0, 5.0, 2.0, 6.0, 3.0, 7.0, // the transpose of [[0..4], [4..8]]
            7.0, 9.5, 9.5, 7.0, // shuffle [7, 0, 1, 7] with lanes 1, 2 replaced
            1.0, 4.0, // lanes 1 and 4
            -1.0, -1.0,
        ]
    );
    assert_eq!(iout, vec![0, 1, 2, 3]);
}

// ----- a whole model ---------------------------------------------------------------

/// Deterministic pseudo-random floats in [-0.5, 0.5).
fn noise(seed: u64, n: usize) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        })
        .collect()
}

/// A dense layer's weights (`k x n`, row-major) and biases.
type Layer = (Vec<f32>, Vec<f32>);

/// MLIR's hex form of f32 elements.
fn hex(values: &[f32]) -> String {
    let mut s = String::from("0x");
    for v in values {
        for b in v.to_le_bytes() {
            s.push_str(&format!("{b:02X}"));
        }
    }
    s
}

/// A multi-layer perceptron at the loop level, as `convert-graph-to-affine`
/// and `lower-affine` produce it: weights in constant globals, one private
/// function per dense layer (ReLU on all but the last), temporaries in
/// `memref.alloc`s, a softmax in `@main`. Returns the text and the weights
/// and biases per layer.
fn mlp(dims: &[usize]) -> (String, Vec<Layer>) {
    let mut text = String::new();
    let mut params = Vec::new();
    let layers = dims.len() - 1;
    for l in 0..layers {
        let (k, n) = (dims[l], dims[l + 1]);
        let w = noise(2 * l as u64, k * n)
            .iter()
            .map(|v| v * 0.2)
            .collect::<Vec<_>>();
        let b = noise(2 * l as u64 + 1, n)
            .iter()
            .map(|v| v * 0.1)
            .collect::<Vec<_>>();
        text.push_str(&format!(
            "memref.global \"private\" constant @w{l} : memref<{k}x{n}xf32> = dense<\"{}\">\n",
            hex(&w)
        ));
        text.push_str(&format!(
            "memref.global \"private\" constant @b{l} : memref<{n}xf32> = dense<\"{}\">\n",
            hex(&b)
        ));
        let relu = if l + 1 < layers {
            "      %z = arith.constant 0.0 : f32\n      %r = arith.maximumf %acc, %z : f32\n"
        } else {
            "      %r = arith.addf %acc, %acc0 : f32\n"
        };
        text.push_str(&format!(
            r#"func.func private @dense{l}(%x: memref<1x{k}xf32>, %y: memref<1x{n}xf32>) {{
  %w = memref.get_global @w{l} : memref<{k}x{n}xf32>
  %b = memref.get_global @b{l} : memref<{n}xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ck = arith.constant {k} : index
  %cn = arith.constant {n} : index
  %acc0 = arith.constant 0.0 : f32
  scf.for %j = %c0 to %cn step %c1 {{
    %bj = memref.load %b[%j] : memref<{n}xf32>
    %acc = scf.for %i = %c0 to %ck step %c1 iter_args(%a = %bj) -> (f32) {{
      %xi = memref.load %x[%c0, %i] : memref<1x{k}xf32>
      %wi = memref.load %w[%i, %j] : memref<{k}x{n}xf32>
      %p = arith.mulf %xi, %wi : f32
      %s = arith.addf %a, %p : f32
      scf.yield %s : f32
    }}
{relu}    memref.store %r, %y[%c0, %j] : memref<1x{n}xf32>
  }}
  return
}}
"#
        ));
        params.push((w, b));
    }
    let (d0, dl) = (dims[0], dims[layers]);
    let mut main =
        format!("func.func @main(%x: memref<1x{d0}xf32>, %out: memref<1x{dl}xf32>) {{\n");
    let mut prev = "%x".to_string();
    for l in 0..layers {
        let n = dims[l + 1];
        main.push_str(&format!(
            "  %h{l} = memref.alloc() : memref<1x{n}xf32>\n  func.call @dense{l}({prev}, %h{l}) : (memref<1x{}xf32>, memref<1x{n}xf32>) -> ()\n",
            dims[l]
        ));
        prev = format!("%h{l}");
    }
    let last = layers - 1;
    main.push_str(&format!(
        r#"  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {dl} : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %m = scf.for %j = %c0 to %cn step %c1 iter_args(%a = %ninf) -> (f32) {{
    %v = memref.load %h{last}[%c0, %j] : memref<1x{dl}xf32>
    %mx = arith.maximumf %a, %v : f32
    scf.yield %mx : f32
  }}
  %s = scf.for %j = %c0 to %cn step %c1 iter_args(%a = %zero) -> (f32) {{
    %v = memref.load %h{last}[%c0, %j] : memref<1x{dl}xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    memref.store %e, %out[%c0, %j] : memref<1x{dl}xf32>
    %t = arith.addf %a, %e : f32
    scf.yield %t : f32
  }}
  scf.for %j = %c0 to %cn step %c1 {{
    %e = memref.load %out[%c0, %j] : memref<1x{dl}xf32>
    %p = arith.divf %e, %s : f32
    memref.store %p, %out[%c0, %j] : memref<1x{dl}xf32>
  }}
"#
    ));
    for l in 0..layers {
        main.push_str(&format!(
            "  memref.dealloc %h{l} : memref<1x{}xf32>\n",
            dims[l + 1]
        ));
    }
    main.push_str("  return\n}\n");
    text.push_str(&main);
    (text, params)
}

/// What [`mlp`]'s module computes, in the same order of operations.
fn mlp_reference(x: &[f32], dims: &[usize], params: &[Layer]) -> Vec<f32> {
    let mut h = x.to_vec();
    for (l, (w, b)) in params.iter().enumerate() {
        let (k, n) = (dims[l], dims[l + 1]);
        h = (0..n)
            .map(|j| {
                let acc = (0..k).fold(b[j], |a, i| a + h[i] * w[i * n + j]);
                if l + 1 < params.len() {
                    if acc > 0.0 { acc } else { 0.0 }
                } else {
                    acc + 0.0
                }
            })
            .collect();
    }
    let m = h.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = h.iter().map(|v| (v - m).exp()).collect();
    let s = e.iter().fold(0.0f32, |a, v| a + v);
    e.iter().map(|v| v / s).collect()
}

fn run_mlp(code: &dyn JitCode, x: &[f32], dims: &[usize]) -> Vec<f32> {
    let mut x = x.to_vec();
    let n = *dims.last().unwrap();
    let mut out = vec![0f32; n];
    let (mut dx, mut dout) = (
        desc(&mut x, &[1, dims[0] as i64]),
        desc(&mut out, &[1, n as i64]),
    );
    call(code, "main", &mut [dx.as_mut_ptr(), dout.as_mut_ptr()]);
    out
}

#[test]
fn a_loop_level_mlp_matches_rust_bit_for_bit() {
    let dims = [64, 32, 32, 10];
    let (text, params) = mlp(&dims);
    let code = compile(&text);
    let x = noise(99, dims[0]);
    assert_eq!(
        run_mlp(&*code, &x, &dims),
        mlp_reference(&x, &dims, &params)
    );
}

/// Compile time of the MLP of `examples/mlp.mlir` (784-512-512-10, 2.7 MB
/// of weights): run with `--ignored --nocapture` to see the figures.
#[test]
#[ignore = "a timing report, not a check; run with --ignored --nocapture"]
fn mlp_compile_time_report() {
    let dims = [784, 512, 512, 10];
    let (text, params) = mlp(&dims);
    let t = std::time::Instant::now();
    let (ctx, module) = parse(&text);
    let parse_time = t.elapsed();
    for opt in [0u8, 3] {
        let mut best = std::time::Duration::MAX;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let code = compile_parsed(&ctx, module, opt);
            best = best.min(t.elapsed());
            drop(code);
        }
        let code = compile_parsed(&ctx, module, opt);
        let x = noise(7, dims[0]);
        let t = std::time::Instant::now();
        let out = run_mlp(&*code, &x, &dims);
        let run = t.elapsed();
        assert_eq!(out, mlp_reference(&x, &dims, &params));
        println!("opt_level {opt}: compile {best:?} (best of 5), one inference {run:?}");
    }
    println!("parse: {parse_time:?}");
}

// ----- against the loop interpreter ------------------------------------------------

/// Runs `name` of `text` (f32 memref inputs, then f32 out-parameters of
/// `out_shapes`) compiled and in the loop interpreter; the outputs must be
/// the same bits.
fn agrees_with_interpreter(
    text: &str,
    name: &str,
    inputs: &[(Vec<f32>, Vec<usize>)],
    out_shapes: &[Vec<usize>],
) {
    use tessera_dialects::interp::loops::Interpreter;
    use tessera_dialects::interp::value::{ElemType, Tensor};
    let (ctx, module) = parse(text);
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!("invalid test input: {}", d[0].message);
    }
    let tensors: Vec<Tensor> = inputs
        .iter()
        .map(|(v, shape)| {
            let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            Tensor::from_le_bytes(ElemType::F32, shape, &bytes).unwrap()
        })
        .collect();
    let want = Interpreter::new(&ctx, module)
        .call_with_tensors(name, &tensors)
        .unwrap_or_else(|e| panic!("interpreter: {}", e.message));
    let code = compile_parsed(&ctx, module, 3);
    let mut bufs: Vec<Vec<f32>> = inputs.iter().map(|(v, _)| v.clone()).collect();
    let mut shapes: Vec<Vec<usize>> = inputs.iter().map(|(_, s)| s.clone()).collect();
    for s in out_shapes {
        bufs.push(vec![0f32; s.iter().product()]);
        shapes.push(s.clone());
    }
    let mut descs: Vec<MemRefDescriptor> = bufs
        .iter_mut()
        .zip(&shapes)
        .map(|(b, s)| desc(b, &s.iter().map(|&d| d as i64).collect::<Vec<_>>()))
        .collect();
    let mut args: Vec<*mut c_void> = descs.iter_mut().map(|d| d.as_mut_ptr()).collect();
    call(&*code, name, &mut args);
    for (k, t) in want.iter().enumerate().take(out_shapes.len()) {
        let got = &bufs[inputs.len() + k];
        let bytes = t.to_le_bytes();
        let want: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(got.len(), want.len());
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                same_f32(g, w),
                "output {k}[{i}]: compiled {g:?}, interpreter {w:?}"
            );
        }
    }
}

#[test]
fn compiled_code_agrees_with_the_loop_interpreter() {
    let a: Vec<f32> = noise(1, 12);
    let b: Vec<f32> = noise(2, 15);
    agrees_with_interpreter(
        MATMUL,
        "matmul",
        &[(a, vec![4, 3]), (b, vec![3, 5])],
        &[vec![4, 5]],
    );

    let dims = [48, 24, 10];
    let (text, _) = mlp(&dims);
    agrees_with_interpreter(
        &text,
        "main",
        &[(noise(5, 48), vec![1, 48])],
        &[vec![1, 10]],
    );

    let vectors = r#"
func.func @vec(%x: memref<3x6xf32>, %out: memref<3x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %pad = arith.constant 0.25 : f32
  scf.for %i = %c0 to %c3 step %c1 {
    scf.for %j = %c0 to %c4 step %c3 {
      %v = vector.transfer_read %x[%i, %j], %pad : memref<3x6xf32>, vector<4xf32>
      %e = math.tanh %v : vector<4xf32>
      %m = arith.minnumf %e, %v : vector<4xf32>
      %s = vector.reduction <mul>, %m : vector<4xf32> into f32
      %b = vector.broadcast %s : f32 to vector<4xf32>
      %r = vector.fma %m, %b, %v : vector<4xf32>
      vector.transfer_write %r, %out[%i, %j] : vector<4xf32>, memref<3x6xf32>
    }
  }
  return
}
"#;
    agrees_with_interpreter(vectors, "vec", &[(noise(3, 18), vec![3, 6])], &[vec![3, 6]]);
}

// ----- text and errors -------------------------------------------------------------

#[test]
fn emit_clif_prints_every_function_and_packed_entry() {
    let (ctx, module) = parse(SAXPY);
    let text = cranelift::emit_clif(&ctx, module, &BackendOptions::default()).unwrap();
    assert!(text.contains("function %_tessera_fn_saxpy("), "{text}");
    assert!(
        text.contains("function %_tessera_packed_saxpy(i64)"),
        "{text}"
    );
    // vector<8xf32> is two f32x4 parts; fma stays one instruction per part.
    assert!(text.contains("f32x4"), "{text}");
    assert_eq!(text.matches(" = fma ").count(), 2, "{text}");
    assert!(
        text.contains("call fn0"),
        "the packed entry calls the function: {text}"
    );
}

/// The error compiling `text`, with the line it points at.
fn compile_error(text: &str) -> (String, Option<u32>) {
    let (ctx, module) = parse(text);
    let err = match cranelift::compile(&ctx, module, &BackendOptions::default()) {
        Ok(_) => panic!("compiled, but should not have"),
        Err(e) => e,
    };
    let line = err.loc.and_then(|l| match ctx.loc_data(l) {
        LocData::FileLineCol { line, .. } => Some(*line),
        _ => None,
    });
    (err.message, line)
}

#[test]
fn unsupported_ops_and_types_are_errors_with_locations() {
    let (msg, line) = compile_error(
        r#"func.func @f(%m: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %x = affine.load %m[%i] : memref<4xf32>
  }
  return
}"#,
    );
    assert!(
        msg.contains("'affine.for'") && msg.contains("not supported"),
        "{msg}"
    );
    assert_eq!(line, Some(2));

    let (msg, line) = compile_error("func.func @g(%x: f16) -> f16 {\n  return %x : f16\n}\n");
    assert!(msg.contains("f16"), "{msg}");
    assert_eq!(line, Some(1));

    let (msg, line) = compile_error(
        "func.func private @mystery(f32) -> f32\nfunc.func @h(%x: f32) -> f32 {\n  %y = func.call @mystery(%x) : (f32) -> f32\n  return %y : f32\n}\n",
    );
    assert!(msg.contains("@mystery"), "{msg}");
    assert_eq!(line, Some(1));

    let (msg, line) = compile_error(
        "func.func @p(%v: vector<4xf32>) {\n  vector.print %v : vector<4xf32>\n  return\n}\n",
    );
    assert!(msg.contains("'vector.print'"), "{msg}");
    assert_eq!(line, Some(2));

    let (msg, line) = compile_error(
        "func.func @q(%x: i32) -> i32 {\n  %y = math.ipowi %x, %x : i32\n  return %y : i32\n}\n",
    );
    assert!(msg.contains("'math.ipowi'"), "{msg}");
    assert_eq!(line, Some(2));
}

// ----- the examples, through the real pipeline -----------------------------------

/// Each graph-level example lowered by `convert-graph-to-affine` and
/// `lower-affine`, compiled, run on its `x.npy`, and compared with its
/// `expected.npy` (NumPy in f64, cast to f32) within the spec's reduction
/// tolerance. (The transformer is left out: lowered this way it is bit
/// for bit what the loop interpreter computes, but a few of its tiny
/// outputs drift past the tolerance through the lowering's summation
/// order, which is not the backend's to change.)
#[test]
fn lowered_examples_compute_their_expected_outputs() {
    use tessera_compiler::pass::{PassManager, PassRegistry};
    use tessera_dialects::interp::value::{ElemType, Tensor};
    use tessera_runtime::npy::read_npy;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    for name in ["mlp", "softmax", "cnn"] {
        let text = std::fs::read_to_string(root.join(format!("{name}.mlir"))).unwrap();
        let (mut ctx, module) = parse(&text);
        let mut pm = PassManager::parse(
            &registry,
            "builtin.module(convert-graph-to-affine,lower-affine)",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        if let Err(d) = pm.run(&mut ctx, module) {
            panic!("{name}: lowering failed: {}", d[0].message);
        }
        let code = compile_parsed(&ctx, module, 3);
        let x = read_npy(&root.join(name).join("x.npy")).unwrap();
        let expected = read_npy(&root.join(name).join("expected.npy")).unwrap();
        assert_eq!(
            (x.elem_type(), expected.elem_type()),
            (ElemType::F32, ElemType::F32)
        );
        let bytes = x.to_le_bytes();
        let mut input: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let mut out = vec![0f32; expected.len()];
        let shape = |t: &Tensor| t.shape().iter().map(|&d| d as i64).collect::<Vec<_>>();
        let (mut dx, mut dout) = (
            desc(&mut input, &shape(&x)),
            desc(&mut out, &shape(&expected)),
        );
        call(&*code, "main", &mut [dx.as_mut_ptr(), dout.as_mut_ptr()]);
        let out_bytes: Vec<u8> = out.iter().flat_map(|v| v.to_le_bytes()).collect();
        let got = Tensor::from_le_bytes(ElemType::F32, expected.shape(), &out_bytes).unwrap();
        got.allclose(&expected, 1e-4, 1e-6)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
