//! The loop-level interpreter (`interp::loops`) on hand-written programs
//! of `func`, `affine`, `scf`, `arith`, `math`, `memref` and `vector` ops:
//! results checked against Rust computations, memrefs shared between
//! caller and callee, and every way a program can go wrong reported as a
//! `LoopError` at the failing op's location.

use tessera_compiler::diag::file_pos;
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, FloatKind, OpId};
use tessera_dialects::interp::loops::{
    Interpreter, LoopError, LoopValue, MemRef, VectorValue, call_with_tensors, run_loop_function,
};
use tessera_dialects::interp::scalar::{ElemTy, Scalar};
use tessera_dialects::interp::value::{ElemType, Tensor};

const F32: ElemTy = ElemTy::Float(FloatKind::F32);
const F64: ElemTy = ElemTy::Float(FloatKind::F64);

/// A parsed and verified module and its text.
struct Prog {
    ctx: Context,
    module: OpId,
    text: String,
}

/// Parses `text` with every dialect registered and verifies it (ops of
/// dialects not registered yet are let through).
fn prog(text: &str) -> Prog {
    prog_with(text, true)
}

/// Parses `text` without verifying it: for upstream ops our dialects do
/// not define (yet), written in the generic form.
fn unverified(text: &str) -> Prog {
    prog_with(text, false)
}

fn prog_with(text: &str, check: bool) -> Prog {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx.allow_unregistered = true;
    let config = ParseConfig {
        file_name: "test.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config)
        .unwrap_or_else(|d| panic!("parse error: {}", d[0].message));
    if let Err(d) = verify(&ctx, module).or_else(|d| if check { Err(d) } else { Ok(()) }) {
        panic!("verifier: {}", d[0].message);
    }
    Prog {
        ctx,
        module,
        text: text.to_string(),
    }
}

impl Prog {
    fn run(&self, name: &str, args: &[LoopValue]) -> Result<Vec<LoopValue>, LoopError> {
        let mut args = args.to_vec();
        run_loop_function(&self.ctx, self.module, name, &mut args)
    }

    /// The 1-based line of the only line containing `marker`.
    fn line_of(&self, marker: &str) -> u32 {
        let lines: Vec<usize> = self
            .text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(marker))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(lines.len(), 1, "marker {marker:?} must occur once");
        lines[0] as u32
    }

    /// Runs `name`, expects an error on the line marked `marker` whose
    /// message contains every one of `parts`.
    fn expect_error(&self, name: &str, args: &[LoopValue], marker: &str, parts: &[&str]) {
        let e = match self.run(name, args) {
            Ok(_) => panic!("@{name} ran without the expected error ({parts:?})"),
            Err(e) => e,
        };
        let loc = e
            .loc
            .unwrap_or_else(|| panic!("error without location: {e}"));
        let pos = file_pos(&self.ctx, loc).unwrap_or_else(|| panic!("no file position: {e}"));
        assert_eq!(
            pos.line,
            self.line_of(marker),
            "error at the wrong line: {e}"
        );
        for p in parts {
            assert!(
                e.message.contains(p),
                "{:?} does not contain {p:?}",
                e.message
            );
        }
    }
}

fn f32_memref(shape: &[usize], values: &[f32]) -> MemRef {
    let v: Vec<Scalar> = values.iter().map(|&x| Scalar::F32(x)).collect();
    MemRef::from_scalars(F32, shape, &v).unwrap()
}

fn f32s(m: &MemRef) -> Vec<f32> {
    m.to_scalars()
        .unwrap()
        .iter()
        .map(|s| match s {
            Scalar::F32(x) => *x,
            other => panic!("not an f32: {other}"),
        })
        .collect()
}

fn scalar(v: &LoopValue) -> Scalar {
    v.as_scalar()
        .unwrap_or_else(|| panic!("not a scalar: {v:?}"))
}

/// Deterministic test data: small values with exact f32 products.
fn data(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as u32 * 7 + seed * 13) % 17) as f32 * 0.25 - 2.0)
        .collect()
}

// ----- affine loops ------------------------------------------------------------

const MATMUL: &str = include_str!("loop_interp/matmul.mlir");

/// `C = A x B` by the obvious triple loop, accumulating in `k` order as the
/// program does, so the f32 results agree bit for bit.
fn matmul_ref(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut c = vec![0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0f32;
            for p in 0..k {
                acc += a[i * k + p] * b[p * n + j];
            }
            c[i * n + j] = acc;
        }
    }
    c
}

#[test]
fn matmul_as_an_affine_nest_matches_rust() {
    let p = prog(MATMUL);
    let (a, b) = (data(5 * 7, 1), data(7 * 3, 2));
    let c = MemRef::uninitialized(F32, &[5, 3]).unwrap();
    let out = p
        .run(
            "matmul",
            &[
                f32_memref(&[5, 7], &a).into(),
                f32_memref(&[7, 3], &b).into(),
                c.clone().into(),
            ],
        )
        .unwrap();
    assert!(out.is_empty());
    // The callee wrote into the caller's buffer.
    assert_eq!(f32s(&c), matmul_ref(&a, &b, 5, 7, 3));
}

#[test]
fn matmul_through_call_with_tensors_fills_the_out_param() {
    let p = prog(MATMUL);
    let (a, b) = (data(5 * 7, 3), data(7 * 3, 4));
    let ta = Tensor::from_f64s(
        ElemType::F32,
        &[5, 7],
        &a.iter().map(|&x| x as f64).collect::<Vec<_>>(),
    )
    .unwrap();
    let tb = Tensor::from_f64s(
        ElemType::F32,
        &[7, 3],
        &b.iter().map(|&x| x as f64).collect::<Vec<_>>(),
    )
    .unwrap();
    let out = call_with_tensors(&p.ctx, p.module, "matmul", &[ta, tb]).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), &[5, 3]);
    let Tensor::F32(c) = &out[0] else {
        panic!("not f32")
    };
    assert_eq!(
        c.iter().copied().collect::<Vec<_>>(),
        matmul_ref(&a, &b, 5, 7, 3)
    );
}

#[test]
fn ten_million_scalar_ops_run_in_seconds() {
    // 100 x 200 x 100 = 2 * 10^6 innermost iterations of 6 ops each
    // (about half a second on a laptop in the dev profile).
    let text = MATMUL
        .replace("5x7", "100x200")
        .replace("7x3", "200x100")
        .replace("5x3", "100x100")
        .replace("to 5 ", "to 100 ")
        .replace("to 7 ", "to 200 ")
        .replace("to 3 ", "to 100 ");
    let p = prog(&text);
    let (a, b) = (data(100 * 200, 5), data(200 * 100, 6));
    let c = MemRef::uninitialized(F32, &[100, 100]).unwrap();
    let start = std::time::Instant::now();
    p.run(
        "matmul",
        &[
            f32_memref(&[100, 200], &a).into(),
            f32_memref(&[200, 100], &b).into(),
            c.clone().into(),
        ],
    )
    .unwrap();
    let took = start.elapsed();
    assert_eq!(f32s(&c), matmul_ref(&a, &b, 100, 200, 100));
    assert!(took.as_secs() < 30, "took {took:?}");
}

#[test]
fn affine_for_carries_values_through_iter_args() {
    let p = prog(
        r#"
func.func @sum(%m: memref<10xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %s = affine.for %i = 0 to 10 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %m[%i] : memref<10xf32>
    %n = arith.addf %acc, %v : f32
    affine.yield %n : f32
  }
  return %s : f32
}
func.func @empty(%x: f32) -> f32 {
  %s = affine.for %i = 5 to 5 iter_args(%acc = %x) -> (f32) {
    %n = arith.addf %acc, %acc : f32
    affine.yield %n : f32
  }
  return %s : f32
}
"#,
    );
    let v = data(10, 9);
    let r = p.run("sum", &[f32_memref(&[10], &v).into()]).unwrap();
    let want = v.iter().fold(0f32, |a, &x| a + x);
    assert_eq!(scalar(&r[0]), Scalar::F32(want));
    // No iteration: the result is the init.
    let r = p.run("empty", &[LoopValue::f32(3.5)]).unwrap();
    assert_eq!(scalar(&r[0]), Scalar::F32(3.5));
}

#[test]
fn affine_for_bounds_are_max_and_min_of_maps_with_a_step() {
    // Iterates i = max(2, n - 6) to min(n, 11) step 3, summing i.
    let p = prog(
        r#"
#lb = affine_map<()[s0] -> (2, s0 - 6)>
#ub = affine_map<()[s0] -> (s0, 11)>
func.func @f(%n: index) -> index {
  %c0 = arith.constant 0 : index
  %s = affine.for %i = max #lb()[%n] to min #ub()[%n] step 3 iter_args(%acc = %c0) -> (index) {
    %t = arith.addi %acc, %i : index
    affine.yield %t : index
  }
  return %s : index
}
"#,
    );
    for n in [0i64, 5, 9, 20] {
        let lb = 2.max(n - 6);
        let ub = n.min(11);
        let want: i64 = (lb..ub).step_by(3).sum();
        let r = p.run("f", &[LoopValue::index(n)]).unwrap();
        assert_eq!(scalar(&r[0]), Scalar::Index(want), "n = {n}");
    }
}

#[test]
fn affine_if_with_an_integer_set_picks_a_branch() {
    // Clamps i to the band [2, n - 3]: 1 inside, else 0; as a result value.
    let p = prog(
        r#"
#band = affine_set<(d0)[s0] : (d0 - 2 >= 0, s0 - d0 - 3 >= 0)>
func.func @f(%out: memref<10xi32>, %n: index) {
  affine.for %i = 0 to 10 {
    %r = affine.if #band(%i)[%n] -> i32 {
      %one = arith.constant 1 : i32
      affine.yield %one : i32
    } else {
      %zero = arith.constant 0 : i32
      affine.yield %zero : i32
    }
    affine.store %r, %out[%i] : memref<10xi32>
  }
  return
}
func.func @diag(%out: memref<4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 4 {
      affine.store %zero, %out[%i, %j] : memref<4x4xf32>
      affine.if affine_set<(d0, d1) : (d0 - d1 == 0)>(%i, %j) {
        affine.store %one, %out[%i, %j] : memref<4x4xf32>
      }
    }
  }
  return
}
"#,
    );
    let out = MemRef::zeros(ElemTy::Int(32), &[10]).unwrap();
    p.run("f", &[out.clone().into(), LoopValue::index(8)])
        .unwrap();
    let got: Vec<i64> = out
        .to_scalars()
        .unwrap()
        .iter()
        .map(|s| s.as_signed().unwrap() as i64)
        .collect();
    assert_eq!(got, vec![0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);

    let out = MemRef::zeros(F32, &[4, 4]).unwrap();
    p.run("diag", &[out.clone().into()]).unwrap();
    let want: Vec<f32> = (0..16)
        .map(|k| if k / 4 == k % 4 { 1.0 } else { 0.0 })
        .collect();
    assert_eq!(f32s(&out), want);
}

#[test]
fn affine_apply_min_max_and_subscripts_with_floordiv_and_mod() {
    let p = prog(
        r#"
func.func @f(%i: index) -> (index, index, index) {
  %a = affine.apply affine_map<(d0) -> (d0 * 3 + 1)>(%i)
  %b = affine.min affine_map<(d0) -> (d0 floordiv 2, 5)>(%i)
  %c = affine.max affine_map<(d0) -> (d0 mod 4, 2)>(%i)
  return %a, %b, %c : index, index, index
}
func.func @tiles(%m: memref<12xf32>, %out: memref<3x4xf32>) {
  affine.for %k = 0 to 12 {
    %v = affine.load %m[%k] : memref<12xf32>
    affine.store %v, %out[%k floordiv 4, %k mod 4] : memref<3x4xf32>
  }
  return
}
"#,
    );
    for i in [-7i64, 0, 3, 13] {
        let r = p.run("f", &[LoopValue::index(i)]).unwrap();
        let got: Vec<Scalar> = r.iter().map(scalar).collect();
        let want = [i * 3 + 1, i.div_euclid(2).min(5), i.rem_euclid(4).max(2)];
        assert_eq!(got, want.map(Scalar::Index).to_vec(), "i = {i}");
    }
    let v = data(12, 3);
    let out = MemRef::uninitialized(F32, &[3, 4]).unwrap();
    p.run("tiles", &[f32_memref(&[12], &v).into(), out.clone().into()])
        .unwrap();
    assert_eq!(f32s(&out), v);
}

#[test]
fn affine_parallel_reduces_with_each_kind() {
    let p = prog(
        r#"
func.func @f(%m: memref<4x3xf32>, %n: memref<4x3xi32>) -> (f32, f32, f32, f32, i32, i32, i32, i32) {
  %r:8 = affine.parallel (%i, %j) = (0, 0) to (4, 3) reduce ("addf", "mulf", "maximumf", "minimumf", "addi", "muli", "ori", "andi") -> (f32, f32, f32, f32, i32, i32, i32, i32) {
    %v = affine.load %m[%i, %j] : memref<4x3xf32>
    %w = affine.load %n[%i, %j] : memref<4x3xi32>
    affine.yield %v, %v, %v, %v, %w, %w, %w, %w : f32, f32, f32, f32, i32, i32, i32, i32
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4, %r#5, %r#6, %r#7 : f32, f32, f32, f32, i32, i32, i32, i32
}
func.func @none(%n: index) -> f32 {
  %r = affine.parallel (%i) = (0) to (symbol(%n)) reduce ("maximumf") -> (f32) {
    %c = arith.constant 1.0 : f32
    affine.yield %c : f32
  }
  return %r : f32
}
"#,
    );
    let fv = data(12, 7);
    let iv: Vec<i32> = (0..12).map(|k| (k * 5 % 7) + 1).collect();
    let n = MemRef::from_scalars(
        ElemTy::Int(32),
        &[4, 3],
        &iv.iter()
            .map(|&x| Scalar::int(x as i128, 32))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let r = p
        .run("f", &[f32_memref(&[4, 3], &fv).into(), n.into()])
        .unwrap();
    let got: Vec<Scalar> = r.iter().map(scalar).collect();
    let want = vec![
        Scalar::F32(fv.iter().fold(0.0, |a, &x| a + x)),
        Scalar::F32(fv.iter().fold(1.0, |a, &x| a * x)),
        Scalar::F32(fv.iter().fold(f32::NEG_INFINITY, |a, &x| a.max(x))),
        Scalar::F32(fv.iter().fold(f32::INFINITY, |a, &x| a.min(x))),
        Scalar::int(iv.iter().fold(0i32, |a, &x| a.wrapping_add(x)) as i128, 32),
        Scalar::int(iv.iter().fold(1i32, |a, &x| a.wrapping_mul(x)) as i128, 32),
        Scalar::int(iv.iter().fold(0i32, |a, &x| a | x) as i128, 32),
        Scalar::int(iv.iter().fold(-1i32, |a, &x| a & x) as i128, 32),
    ];
    assert_eq!(got, want);
    // No iteration: the reduction's identity.
    let r = p.run("none", &[LoopValue::index(0)]).unwrap();
    assert_eq!(scalar(&r[0]), Scalar::F32(f32::NEG_INFINITY));
}

// ----- scf -----------------------------------------------------------------------

#[test]
fn scf_for_with_iter_args_computes_fibonacci_and_integer_ivs_work() {
    let p = prog(
        r#"
func.func @fib(%n: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a0 = arith.constant 0 : i64
  %b0 = arith.constant 1 : i64
  %a, %b = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a0, %y = %b0) -> (i64, i64) {
    %s = arith.addi %x, %y : i64
    scf.yield %y, %s : i64, i64
  }
  return %a : i64
}
func.func @count(%lb: i32, %ub: i32, %step: i32) -> i32 {
  %z = arith.constant 0 : i32
  %r = scf.for %i = %lb to %ub step %step iter_args(%acc = %z) -> (i32) : i32 {
    %t = arith.addi %acc, %i : i32
    scf.yield %t : i32
  }
  return %r : i32
}
"#,
    );
    let r = p.run("fib", &[LoopValue::index(50)]).unwrap();
    assert_eq!(scalar(&r[0]), Scalar::int(12586269025, 64));
    let r = p
        .run(
            "count",
            &[
                Scalar::int(-5, 32).into(),
                Scalar::int(10, 32).into(),
                Scalar::int(4, 32).into(),
            ],
        )
        .unwrap();
    assert_eq!(scalar(&r[0]), Scalar::int(-5 + -1 + 3 + 7, 32));
}

#[test]
fn scf_if_and_scf_while_compute_gcd() {
    let p = prog(
        r#"
func.func @gcd(%a: i32, %b: i32) -> i32 {
  %zero = arith.constant 0 : i32
  %r:2 = scf.while (%x = %a, %y = %b) : (i32, i32) -> (i32, i32) {
    %c = arith.cmpi ne, %y, %zero : i32
    scf.condition(%c) %x, %y : i32, i32
  } do {
  ^bb0(%x: i32, %y: i32):
    %m = arith.remsi %x, %y : i32
    scf.yield %y, %m : i32, i32
  }
  return %r#0 : i32
}
func.func @abs(%a: f64) -> f64 {
  %zero = arith.constant 0.0 : f64
  %neg = arith.cmpf olt, %a, %zero : f64
  %r = scf.if %neg -> (f64) {
    %n = arith.negf %a : f64
    scf.yield %n : f64
  } else {
    scf.yield %a : f64
  }
  return %r : f64
}
"#,
    );
    let gcd = |a: i32, b: i32| {
        let r = p
            .run(
                "gcd",
                &[
                    Scalar::int(a as i128, 32).into(),
                    Scalar::int(b as i128, 32).into(),
                ],
            )
            .unwrap();
        scalar(&r[0]).as_signed().unwrap()
    };
    assert_eq!(gcd(1071, 462), 21);
    assert_eq!(gcd(17, 5), 1);
    assert_eq!(gcd(9, 0), 9);
    let abs = |x: f64| scalar(&p.run("abs", &[LoopValue::f64(x)]).unwrap()[0]);
    assert_eq!(abs(-2.5), Scalar::F64(2.5));
    assert_eq!(abs(4.0), Scalar::F64(4.0));
}

#[test]
fn an_endless_scf_while_stops_at_the_limit_set() {
    let p = prog(
        r#"
func.func @spin() {
  %t = arith.constant true
  scf.while : () -> () {
    scf.condition(%t)
  } do {
    scf.yield
  } // SPIN
  return
}
"#,
    );
    let mut it = Interpreter::new(&p.ctx, p.module);
    it.set_while_limit(1000);
    let e = it.call("spin", &[]).unwrap_err();
    assert!(e.message.contains("more than 1000 iterations"), "{e}");
    assert_eq!(
        file_pos(&p.ctx, e.loc.unwrap()).unwrap().line,
        p.line_of("scf.while")
    );
}

#[test]
fn scf_parallel_combines_with_its_reduce_regions() {
    let p = prog(
        r#"
func.func @f(%m: memref<3x5xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %r:2 = scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c5) step (%c1, %c1) init (%zero, %ninf) -> (f32, f32) {
    %v = memref.load %m[%i, %j] : memref<3x5xf32>
    scf.reduce(%v, %v : f32, f32) {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      scf.reduce.return %s : f32
    }, {
    ^bb0(%l: f32, %r: f32):
      %s = arith.maximumf %l, %r : f32
      scf.reduce.return %s : f32
    }
  }
  return %r#0, %r#1 : f32, f32
}
"#,
    );
    let v = data(15, 11);
    let r = p.run("f", &[f32_memref(&[3, 5], &v).into()]).unwrap();
    assert_eq!(
        scalar(&r[0]),
        Scalar::F32(v.iter().fold(0.0, |a, &x| a + x))
    );
    assert_eq!(
        scalar(&r[1]),
        Scalar::F32(v.iter().fold(f32::NEG_INFINITY, |a, &x| a.max(x)))
    );
}

#[test]
fn scf_index_switch_runs_the_matching_case() {
    let p = unverified(
        r#"
func.func @f(%i: index) -> i32 {
  %r = "scf.index_switch"(%i) <{cases = array<i64: 2, 5>}> ({
    %d = arith.constant -1 : i32
    scf.yield %d : i32
  }, {
    %a = arith.constant 20 : i32
    scf.yield %a : i32
  }, {
    %b = arith.constant 50 : i32
    scf.yield %b : i32
  }) : (index) -> i32
  return %r : i32
}
"#,
    );
    for (i, want) in [(2, 20), (5, 50), (3, -1)] {
        let r = p.run("f", &[LoopValue::index(i)]).unwrap();
        assert_eq!(scalar(&r[0]), Scalar::int(want, 32));
    }
}

// ----- memref ----------------------------------------------------------------------

#[test]
fn globals_hold_dense_splat_and_hex_values_and_persist_across_calls() {
    let p = prog(
        r#"
memref.global "private" constant @w : memref<2x2xf32> = dense<[[1.0, 2.0], [3.0, 4.0]]>
memref.global "private" constant @s : memref<3xi32> = dense<7>
memref.global "private" constant @h : memref<2xf32> = dense<"0x0000803F00000040">
memref.global "private" @counter : memref<i64> = dense<0>
func.func @read(%out: memref<9xf32>) {
  %w = memref.get_global @w : memref<2x2xf32>
  %s = memref.get_global @s : memref<3xi32>
  %h = memref.get_global @h : memref<2xf32>
  affine.for %i = 0 to 2 {
    affine.for %j = 0 to 2 {
      %v = affine.load %w[%i, %j] : memref<2x2xf32>
      affine.store %v, %out[%i * 2 + %j] : memref<9xf32>
    }
    %x = affine.load %h[%i] : memref<2xf32>
    affine.store %x, %out[%i + 4] : memref<9xf32>
  }
  affine.for %k = 0 to 3 {
    %e = affine.load %s[%k] : memref<3xi32>
    %f = arith.sitofp %e : i32 to f32
    affine.store %f, %out[%k + 6] : memref<9xf32>
  }
  return
}
func.func @bump() -> i64 {
  %c = memref.get_global @counter : memref<i64>
  %v = memref.load %c[] : memref<i64>
  %one = arith.constant 1 : i64
  %n = arith.addi %v, %one : i64
  memref.store %n, %c[] : memref<i64>
  return %n : i64
}
"#,
    );
    let out = MemRef::uninitialized(F32, &[9]).unwrap();
    p.run("read", &[out.clone().into()]).unwrap();
    assert_eq!(
        f32s(&out),
        vec![1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 7.0, 7.0, 7.0]
    );
    let mut it = Interpreter::new(&p.ctx, p.module);
    for n in 1..=3 {
        let r = it.call("bump", &[]).unwrap();
        assert_eq!(scalar(&r[0]), Scalar::int(n, 64));
    }
}

#[test]
fn subviews_alias_their_source() {
    let p = prog(
        r#"
func.func @f(%m: memref<4x6xf32>, %r: index) {
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %s = memref.subview %m[%r, 1] [2, 3] [1, 2] : memref<4x6xf32> to memref<2x3xf32, strided<[6, 2], offset: ?>>
  memref.store %one, %s[%c1, %c2] : memref<2x3xf32, strided<[6, 2], offset: ?>>
  %row = memref.subview %m[3, 0] [1, 6] [1, 1] : memref<4x6xf32> to memref<6xf32, strided<[1], offset: 18>>
  %two = arith.constant 2.0 : f32
  memref.store %two, %row[%c0] : memref<6xf32, strided<[1], offset: 18>>
  return
}
"#,
    );
    let m = MemRef::zeros(F32, &[4, 6]).unwrap();
    p.run("f", &[m.clone().into(), LoopValue::index(1)])
        .unwrap();
    let got = f32s(&m);
    // View element [1, 2] is source [1 + 1, 1 + 2 * 2] = [2, 5].
    let mut want = vec![0f32; 24];
    want[2 * 6 + 5] = 1.0;
    want[3 * 6] = 2.0;
    assert_eq!(got, want);
}

#[test]
fn subview_host_views_share_buffers_and_casts_keep_them() {
    let p = unverified(
        r#"
func.func @f(%m: memref<8xf32>) -> memref<?xf32> {
  %c = memref.cast %m : memref<8xf32> to memref<?xf32>
  %v = arith.constant 5.0 : f32
  %c7 = arith.constant 7 : index
  memref.store %v, %c[%c7] : memref<?xf32>
  %d = "memref.dim"(%c, %c7) : (memref<?xf32>, index) -> index
  return %c : memref<?xf32>
}
"#,
    );
    // memref.dim of dimension 7 of a rank-1 memref is an error...
    let m = MemRef::zeros(F32, &[8]).unwrap();
    let e = p.run("f", &[m.clone().into()]).unwrap_err();
    assert!(e.message.contains("asks for dimension 7"), "{e}");
    // ... after the store went through the cast.
    assert_eq!(m.load(&[7]).unwrap(), Scalar::F32(5.0));
}

#[test]
fn alloc_dealloc_copy_and_dynamic_sizes() {
    let p = prog(
        r#"
func.func @f(%src: memref<3x4xf32>, %n: index) -> f32 {
  %tmp = memref.alloc(%n) : memref<3x?xf32>
  memref.copy %src, %tmp : memref<3x4xf32> to memref<3x?xf32>
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %v = memref.load %tmp[%c2, %c3] : memref<3x?xf32>
  memref.dealloc %tmp : memref<3x?xf32>
  %st = memref.alloca() : memref<2xf32>
  %c0 = arith.constant 0 : index
  memref.store %v, %st[%c0] : memref<2xf32>
  %w = memref.load %st[%c0] : memref<2xf32>
  return %w : f32
}
"#,
    );
    let v = data(12, 5);
    let r = p
        .run("f", &[f32_memref(&[3, 4], &v).into(), LoopValue::index(4)])
        .unwrap();
    assert_eq!(scalar(&r[0]), Scalar::F32(v[11]));
}

#[test]
fn reshapes_and_reinterpret_casts_view_the_same_buffer() {
    let p = unverified(
        r#"
func.func @f(%m: memref<2x6xf32>) -> (f32, f32, f32) {
  %e = "memref.expand_shape"(%m) <{reassociation = [[0], [1, 2]], static_output_shape = array<i64: 2, 2, 3>}> : (memref<2x6xf32>) -> memref<2x2x3xf32>
  %c = "memref.collapse_shape"(%m) <{reassociation = [[0, 1]]}> : (memref<2x6xf32>) -> memref<12xf32>
  %r = "memref.reinterpret_cast"(%m) <{operandSegmentSizes = array<i32: 1, 0, 0, 0>, static_offsets = array<i64: 1>, static_sizes = array<i64: 3, 2>, static_strides = array<i64: 4, 1>}> : (memref<2x6xf32>) -> memref<3x2xf32, strided<[4, 1], offset: 1>>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c9 = arith.constant 9 : index
  %a = memref.load %e[%c1, %c1, %c2] : memref<2x2x3xf32>
  %b = memref.load %c[%c9] : memref<12xf32>
  %d = memref.load %r[%c2, %c1] : memref<3x2xf32, strided<[4, 1], offset: 1>>
  return %a, %b, %d : f32, f32, f32
}
"#,
    );
    let v = data(12, 2);
    let r = p.run("f", &[f32_memref(&[2, 6], &v).into()]).unwrap();
    let got: Vec<Scalar> = r.iter().map(scalar).collect();
    assert_eq!(
        got,
        vec![
            Scalar::F32(v[6 + 3 + 2]),
            Scalar::F32(v[9]),
            Scalar::F32(v[1 + 8 + 1])
        ]
    );
}

#[test]
fn affine_vector_loads_and_stores_use_their_maps() {
    let p = unverified(
        r#"
func.func @f(%m: memref<4x8xf32>, %out: memref<4x8xf32>, %i: index) {
  %v = "affine.vector_load"(%m, %i) <{map = affine_map<(d0) -> (d0 + 1, d0 * 2)>}> : (memref<4x8xf32>, index) -> vector<4xf32>
  "affine.vector_store"(%v, %out, %i) <{map = affine_map<(d0) -> (3 - d0, 4)>}> : (vector<4xf32>, memref<4x8xf32>, index) -> ()
  return
}
"#,
    );
    let m = data(32, 2);
    let out = MemRef::zeros(F32, &[4, 8]).unwrap();
    p.run(
        "f",
        &[
            f32_memref(&[4, 8], &m).into(),
            out.clone().into(),
            LoopValue::index(1),
        ],
    )
    .unwrap();
    // Reads m[2, 2..6], writes out[2, 4..8].
    let mut want = vec![0f32; 32];
    want[20..24].copy_from_slice(&m[18..22]);
    assert_eq!(f32s(&out), want);
}

#[test]
fn calls_share_memrefs_and_return_values() {
    let p = prog(
        r#"
func.func @fill(%m: memref<4xf32>, %v: f32) {
  affine.for %i = 0 to 4 {
    affine.store %v, %m[%i] : memref<4xf32>
  }
  return
}
func.func @main(%out: memref<4xf32>) -> f32 {
  %tmp = memref.alloc() : memref<4xf32>
  %x = arith.constant 2.5 : f32
  func.call @fill(%tmp, %x) : (memref<4xf32>, f32) -> ()
  memref.copy %tmp, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %tmp : memref<4xf32>
  %s = func.call @sq(%x) : (f32) -> f32
  return %s : f32
}
func.func @sq(%x: f32) -> f32 {
  %y = arith.mulf %x, %x : f32
  return %y : f32
}
"#,
    );
    let out = MemRef::uninitialized(F32, &[4]).unwrap();
    let r = p.run("main", &[out.clone().into()]).unwrap();
    assert_eq!(f32s(&out), vec![2.5; 4]);
    assert_eq!(scalar(&r[0]), Scalar::F32(6.25));
}

// ----- errors ------------------------------------------------------------------------

const ERRORS: &str = include_str!("loop_interp/errors.mlir");

fn errors() -> Prog {
    prog(ERRORS)
}

#[test]
fn an_out_of_bounds_load_names_the_type_index_and_location() {
    let p = errors();
    let m = MemRef::zeros(F32, &[4, 4]).unwrap();
    p.expect_error(
        "oob_affine",
        &[m.clone().into()],
        "OOB_AFFINE",
        &["'affine.load' op", "index [4, 0]", "memref<4x4xf32>"],
    );
    p.expect_error(
        "oob_memref",
        &[m.into(), LoopValue::index(-1)],
        "OOB_MEMREF",
        &["'memref.store' op", "index [0, -1]", "memref<4x4xf32>"],
    );
    let d = MemRef::zeros(F32, &[3]).unwrap();
    p.expect_error(
        "oob_dynamic",
        &[d.into()],
        "OOB_DYNAMIC",
        &["index [3]", "memref<?xf32> (run-time sizes [3])"],
    );
}

#[test]
fn reading_uninitialized_or_freed_memory_is_an_error() {
    let p = errors();
    p.expect_error(
        "uninit",
        &[],
        "UNINIT",
        &["'memref.load' op", "never written"],
    );
    p.expect_error("use_after_free", &[], "USE_AFTER_FREE", &["already freed"]);
    p.expect_error("double_free", &[], "DOUBLE_FREE", &["already freed"]);
    p.expect_error(
        "free_global",
        &[],
        "FREE_GLOBAL",
        &["memref.alloc did not make"],
    );
    p.expect_error(
        "write_constant",
        &[],
        "WRITE_CONSTANT",
        &["constant global @k"],
    );
}

#[test]
fn views_and_allocations_are_checked() {
    let p = errors();
    let m = MemRef::zeros(F32, &[4, 4]).unwrap();
    p.run("subview_oob", &[m.clone().into(), LoopValue::index(2)])
        .unwrap();
    p.expect_error(
        "subview_oob",
        &[m.into(), LoopValue::index(3)],
        "SUBVIEW_OOB",
        &[
            "offsets [3, 0], sizes [2, 4], strides [1, 1]",
            "memref<4x4xf32>",
        ],
    );
    p.expect_error(
        "huge",
        &[LoopValue::index(1 << 20)],
        "HUGE",
        &["'memref.alloc' op", "more than the limit"],
    );
}

#[test]
fn undefined_arithmetic_is_an_error_at_the_op() {
    let p = errors();
    p.expect_error(
        "div_zero",
        &[Scalar::int(3, 32).into(), Scalar::int(0, 32).into()],
        "DIV_ZERO",
        &["'arith.divsi' op", "division by zero"],
    );
}

#[test]
fn calls_check_arity_types_and_depth() {
    let p = errors();
    // Wrong argument count from the host: the function's location.
    p.expect_error(
        "oob_affine",
        &[],
        "func.func @oob_affine",
        &["passes 0 arguments", "takes 1"],
    );
    // Wrong argument type from the host.
    let m64 = MemRef::zeros(F64, &[4, 4]).unwrap();
    p.expect_error(
        "oob_affine",
        &[m64.into()],
        "func.func @oob_affine",
        &[
            "argument 0 of @oob_affine",
            "memref<4x4xf64>",
            "memref<4x4xf32>",
        ],
    );
    let small = MemRef::zeros(F32, &[4, 3]).unwrap();
    p.expect_error(
        "oob_affine",
        &[small.into()],
        "func.func @oob_affine",
        &["memref<4x3xf32>"],
    );
    p.expect_error(
        "oob_affine",
        &[LoopValue::f32(1.0)],
        "func.func @oob_affine",
        &["a f32 was given"],
    );
    // Recursion without a base case hits the depth limit at the call.
    p.expect_error(
        "recurse",
        &[],
        "RECURSE",
        &["call depth limit of 64", "in @recurse called from"],
    );
    // A function returning a stack buffer.
    p.expect_error("return_stack", &[], "RETURN_STACK", &["memref.alloca"]);
    // Unknown function.
    let e = p.run("nope", &[]).unwrap_err();
    assert!(e.message.contains("no function @nope"), "{e}");
}

#[test]
fn malformed_programs_are_rejected_with_a_location() {
    // Each program is wrong in one way the verifier may not catch (ops of
    // unknown dialects, generic forms); compile errors point at the op.
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            r#"func.func @f() {
  "test.unknown"() : () -> () // HERE
  return
}"#,
            "f",
            &["'test.unknown' op cannot be executed"],
        ),
        (
            r#"func.func @f(%x: f32) -> f32 {
  %t = "tensor.empty"() : () -> tensor<2xf32>
  %c = arith.constant dense<1.0> : tensor<2xf32> // HERE
  return %x : f32
}"#,
            "f",
            &["'tensor.empty' op cannot be executed"],
        ),
        (
            r#"func.func @f(%x: f32) -> f32 {
  %r = "mystery.op"(%x) : (f32) -> f32 // HERE
  return %r : f32
}"#,
            "f",
            &["cannot be executed"],
        ),
        (
            r#"func.func private @g() -> f32
func.func @f() -> f32 {
  %r = func.call @g() : () -> f32 // HERE
  return %r : f32
}"#,
            "f",
            &["@g is only declared"],
        ),
    ];
    for (text, name, parts) in cases {
        let mut ctx = Context::new();
        tessera_dialects::register_all(&mut ctx);
        let m = parse_module(&mut ctx, text, &ParseConfig::default()).unwrap();
        let e = run_loop_function(&ctx, m, name, &mut [])
            .map(|_| ())
            .unwrap_err();
        for p in parts {
            assert!(
                e.message.contains(p),
                "{:?} does not contain {p:?}",
                e.message
            );
        }
        assert!(e.loc.is_some(), "{e}");
    }
}

#[test]
fn call_with_tensors_reports_unwritten_out_params_and_bad_inputs() {
    let p = prog(
        r#"
func.func @half(%x: memref<4xf32>, %out: memref<4xf32>) {
  affine.for %i = 0 to 2 {
    %v = affine.load %x[%i] : memref<4xf32>
    affine.store %v, %out[%i] : memref<4xf32>
  }
  return
}
"#,
    );
    let x = Tensor::from_f64s(ElemType::F32, &[4], &[1.0, 2.0, 3.0, 4.0]).unwrap();
    let e = call_with_tensors(&p.ctx, p.module, "half", &[x]).unwrap_err();
    assert!(e.message.contains("out-parameter 1 of @half"), "{e}");
    assert!(e.message.contains("element [2]"), "{e}");
    let bad = Tensor::from_f64s(ElemType::F64, &[4], &[1.0, 2.0, 3.0, 4.0]).unwrap();
    let e = call_with_tensors(&p.ctx, p.module, "half", &[bad]).unwrap_err();
    assert!(e.message.contains("argument 0 of @half"), "{e}");
}

// ----- vectors -------------------------------------------------------------------

/// One `arith`/`math` op tried on scalars and on vectors.
struct Case {
    /// The op line with `{T}` (operand type) and `{R}` (result type).
    line: &'static str,
    /// Operand element types and four lanes each.
    args: Vec<(ElemTy, [Scalar; 4])>,
    /// Operand element type spelled (for `{T}`) and result type (for `{R}`).
    ty: &'static str,
    result: &'static str,
}

fn fl(v: [f32; 4]) -> [Scalar; 4] {
    v.map(Scalar::F32)
}

fn fv(v: &[f32]) -> Vec<Scalar> {
    v.iter().map(|&x| Scalar::F32(x)).collect()
}

fn dl(v: [f64; 4]) -> [Scalar; 4] {
    v.map(Scalar::F64)
}

fn il(v: [i32; 4]) -> [Scalar; 4] {
    v.map(|x| Scalar::int(x as i128, 32))
}

fn bl(v: [bool; 4]) -> [Scalar; 4] {
    v.map(Scalar::bool)
}

/// Every `arith` and `math` op with operands that keep each lane defined.
fn cases() -> Vec<(&'static str, Case)> {
    let fa = fl([1.5, -2.25, 0.3, 7.0]);
    let fb = fl([0.5, 3.0, -0.7, 2.0]);
    let fc = fl([2.0, -1.0, 0.25, 3.5]);
    let fpos = fl([0.5, 0.25, 0.9, 0.1]);
    let ia = il([7, -9, 123456, -1]);
    let ib = il([2, 3, 5, 7]);
    let f = |line, n: usize| Case {
        line,
        args: [fa, fb, fc][..n].iter().map(|&l| (F32, l)).collect(),
        ty: "f32",
        result: "f32",
    };
    let i = |line, n: usize| Case {
        line,
        args: [ia, ib][..n]
            .iter()
            .map(|&l| (ElemTy::Int(32), l))
            .collect(),
        ty: "i32",
        result: "i32",
    };
    let cast = |line, from: ElemTy, lanes, ty, result| Case {
        line,
        args: vec![(from, lanes)],
        ty,
        result,
    };
    let mut v: Vec<(&'static str, Case)> = Vec::new();
    for name in [
        "addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf", "minnumf",
    ] {
        v.push((
            name,
            f(
                Box::leak(format!("arith.{name} %a, %b : {{T}}").into_boxed_str()),
                2,
            ),
        ));
    }
    v.push(("negf", f("arith.negf %a : {T}", 1)));
    for name in [
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
        "shli",
        "shrsi",
        "shrui",
        "maxsi",
        "minsi",
        "maxui",
        "minui",
    ] {
        v.push((
            name,
            i(
                Box::leak(format!("arith.{name} %a, %b : {{T}}").into_boxed_str()),
                2,
            ),
        ));
    }
    v.push((
        "cmpf",
        Case {
            result: "i1",
            ..f("arith.cmpf ult, %a, %b : {T}", 2)
        },
    ));
    v.push((
        "cmpi",
        Case {
            result: "i1",
            ..i("arith.cmpi sge, %a, %b : {T}", 2)
        },
    ));
    v.push((
        "select",
        Case {
            line: "arith.select %a, %b, %c : {C}{T}",
            args: vec![
                (ElemTy::Int(1), bl([true, false, false, true])),
                (F32, fa),
                (F32, fb),
            ],
            ty: "f32",
            result: "f32",
        },
    ));
    v.push((
        "extf",
        cast("arith.extf %a : {T} to {R}", F32, fa, "f32", "f64"),
    ));
    v.push((
        "truncf",
        cast(
            "arith.truncf %a : {T} to {R}",
            F64,
            dl([1.0 / 3.0, -1e40, 2.5, 1e-50]),
            "f64",
            "f32",
        ),
    ));
    v.push((
        "extsi",
        cast(
            "arith.extsi %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "i64",
        ),
    ));
    v.push((
        "extui",
        cast(
            "arith.extui %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "i64",
        ),
    ));
    v.push((
        "trunci",
        cast(
            "arith.trunci %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "i8",
        ),
    ));
    v.push((
        "sitofp",
        cast(
            "arith.sitofp %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "f32",
        ),
    ));
    v.push((
        "uitofp",
        cast(
            "arith.uitofp %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "f32",
        ),
    ));
    v.push((
        "fptosi",
        cast("arith.fptosi %a : {T} to {R}", F32, fa, "f32", "i32"),
    ));
    v.push((
        "fptoui",
        cast("arith.fptoui %a : {T} to {R}", F32, fpos, "f32", "i32"),
    ));
    v.push((
        "index_cast",
        cast(
            "arith.index_cast %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "index",
        ),
    ));
    v.push((
        "index_castui",
        cast(
            "arith.index_castui %a : {T} to {R}",
            ElemTy::Int(32),
            ia,
            "i32",
            "index",
        ),
    ));
    v.push((
        "bitcast",
        cast("arith.bitcast %a : {T} to {R}", F32, fa, "f32", "i32"),
    ));
    for name in [
        "absf",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "cbrt",
        "ceil",
        "cos",
        "cosh",
        "erf",
        "exp",
        "exp2",
        "expm1",
        "floor",
        "log",
        "log10",
        "log1p",
        "log2",
        "round",
        "roundeven",
        "rsqrt",
        "sin",
        "sinh",
        "sqrt",
        "tan",
        "tanh",
        "trunc",
    ] {
        let args = if [
            "acos", "asin", "atanh", "log", "log10", "log2", "log1p", "sqrt", "rsqrt", "acosh",
        ]
        .contains(&name)
        {
            vec![(F32, fpos)]
        } else {
            vec![(F32, fa)]
        };
        v.push((
            name,
            Case {
                args,
                ..f(
                    Box::leak(format!("math.{name} %a : {{T}}").into_boxed_str()),
                    1,
                )
            },
        ));
    }
    v.push(("atan2", f("math.atan2 %a, %b : {T}", 2)));
    v.push(("copysign", f("math.copysign %a, %b : {T}", 2)));
    v.push((
        "powf",
        Case {
            args: vec![(F32, fpos), (F32, fb)],
            ..f("math.powf %a, %b : {T}", 2)
        },
    ));
    v.push(("fma", f("math.fma %a, %b, %c : {T}", 3)));
    for name in ["absi", "ctlz", "cttz", "ctpop"] {
        v.push((
            name,
            i(
                Box::leak(format!("math.{name} %a : {{T}}").into_boxed_str()),
                1,
            ),
        ));
    }
    v.push(("ipowi", i("math.ipowi %a, %b : {T}", 2)));
    v
}

/// The function `@f` applying `case` to scalars (`lanes` 0) or vectors.
fn case_func(case: &Case, vector: bool) -> String {
    let wrap = |t: &str| {
        if vector {
            format!("vector<4x{t}>")
        } else {
            t.to_string()
        }
    };
    let names = ["%a", "%b", "%c"];
    let params: Vec<String> = case
        .args
        .iter()
        .enumerate()
        .map(|(k, (t, _))| format!("{}: {}", names[k], wrap(&t.to_string())))
        .collect();
    let cond = if vector {
        format!("{}, ", wrap("i1"))
    } else {
        String::new()
    };
    let line = case
        .line
        .replace("{C}", &cond)
        .replace("{T}", &wrap(case.ty))
        .replace("{R}", &wrap(case.result));
    format!(
        "func.func @f({}) -> {} {{\n  %r = {line}\n  return %r : {}\n}}\n",
        params.join(", "),
        wrap(case.result),
        wrap(case.result)
    )
}

#[test]
fn every_arith_and_math_op_on_vectors_agrees_with_the_scalar_path_lane_by_lane() {
    use tessera_dialects::arith::ArithOp;
    use tessera_dialects::math::MathOp;
    let cases = cases();
    // Every op is covered (arith.constant has its own test below).
    for op in ArithOp::ALL.iter().filter(|&&o| o != ArithOp::Constant) {
        let short = &op.name()["arith.".len()..];
        assert!(
            cases.iter().any(|(n, _)| *n == short),
            "no case for {}",
            op.name()
        );
    }
    for op in MathOp::ALL {
        let short = &op.name()["math.".len()..];
        assert!(
            cases.iter().any(|(n, _)| *n == short),
            "no case for {}",
            op.name()
        );
    }
    for (name, case) in &cases {
        let vp = prog(&case_func(case, true));
        let sp = prog(&case_func(case, false));
        let vargs: Vec<LoopValue> = case
            .args
            .iter()
            .map(|(t, l)| VectorValue::new(*t, &[4], l.to_vec()).unwrap().into())
            .collect();
        let got = vp
            .run("f", &vargs)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = got[0]
            .as_vector()
            .unwrap_or_else(|| panic!("{name}: not a vector"))
            .clone();
        assert_eq!(got.shape(), &[4]);
        for lane in 0..4 {
            let sargs: Vec<LoopValue> = case.args.iter().map(|(_, l)| l[lane].into()).collect();
            let want = sp
                .run("f", &sargs)
                .unwrap_or_else(|e| panic!("{name} lane {lane}: {e}"));
            assert_eq!(got.lanes()[lane], scalar(&want[0]), "{name} lane {lane}");
        }
    }
}

#[test]
fn vector_constants_and_a_scalar_select_condition() {
    let p = prog(
        r#"
func.func @f(%c: i1) -> (vector<4xf32>, vector<2x2xi32>) {
  %a = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : vector<4xf32>
  %b = arith.constant dense<-1.0> : vector<4xf32>
  %r = arith.select %c, %a, %b : vector<4xf32>
  %i = arith.constant dense<[[1, 2], [3, 4]]> : vector<2x2xi32>
  %j = arith.muli %i, %i : vector<2x2xi32>
  return %r, %j : vector<4xf32>, vector<2x2xi32>
}
"#,
    );
    let r = p.run("f", &[Scalar::bool(false).into()]).unwrap();
    assert_eq!(r[0].as_vector().unwrap().lanes(), &fl([-1.0; 4]));
    let r = p.run("f", &[Scalar::bool(true).into()]).unwrap();
    assert_eq!(r[0].as_vector().unwrap().lanes(), &fl([1.0, 2.0, 3.0, 4.0]));
    let j = r[1].as_vector().unwrap();
    assert_eq!(j.shape(), &[2, 2]);
    assert_eq!(j.lanes(), &il([1, 4, 9, 16]));
}

#[test]
fn vector_loads_stores_broadcasts_and_fma() {
    let p = prog(
        r#"
func.func @f(%m: memref<4x8xf32>, %out: memref<4x8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %v = vector.load %m[%c1, %c4] : memref<4x8xf32>, vector<4xf32>
  %w = vector.load %m[%c0, %c0] : memref<4x8xf32>, vector<2x4xf32>
  %two = arith.constant 2.0 : f32
  %b = vector.broadcast %two : f32 to vector<4xf32>
  %r = vector.fma %v, %b, %v : vector<4xf32>
  vector.store %r, %out[%c0, %c0] : memref<4x8xf32>, vector<4xf32>
  %rows = vector.broadcast %v : vector<4xf32> to vector<2x4xf32>
  %sum = arith.addf %rows, %w : vector<2x4xf32>
  vector.store %sum, %out[%c2, %c4] : memref<4x8xf32>, vector<2x4xf32>
  %s = vector.splat %two : vector<4xf32>
  vector.store %s, %out[%c0, %c4] : memref<4x8xf32>, vector<4xf32>
  %red = vector.reduction <add>, %r : vector<4xf32> into f32
  return %red : f32
}
"#,
    );
    let m = data(32, 4);
    let out = MemRef::zeros(F32, &[4, 8]).unwrap();
    let r = p
        .run("f", &[f32_memref(&[4, 8], &m).into(), out.clone().into()])
        .unwrap();
    let v: Vec<f32> = m[12..16].to_vec();
    let fma: Vec<f32> = v.iter().map(|&x| x.mul_add(2.0, x)).collect();
    let mut want = vec![0f32; 32];
    want[..4].copy_from_slice(&fma);
    want[4..8].copy_from_slice(&[2.0; 4]);
    for row in 0..2 {
        for k in 0..4 {
            want[(2 + row) * 8 + 4 + k] = v[k] + m[row * 8 + k];
        }
    }
    assert_eq!(f32s(&out), want);
    assert_eq!(
        scalar(&r[0]),
        Scalar::F32(fma.iter().fold(0.0, |a, &x| a + x))
    );
    // The first lane is the accumulator's start: ((f0 + f1) + f2) + f3.
    let ordered = ((fma[0] + fma[1]) + fma[2]) + fma[3];
    assert_eq!(scalar(&r[0]), Scalar::F32(ordered));
}

/// A reduction kind and its Rust meaning.
type FloatReduction = (&'static str, fn(f32, f32) -> f32);
type IntReduction = (&'static str, fn(i32, i32) -> i32);

#[test]
fn vector_reductions_of_every_kind_fold_in_lane_order() {
    let floats = [1.5f32, -2.0, f32::NAN, 4.0];
    let ints = [6i32, -3, 12, 5];
    let float_kinds: [FloatReduction; 6] = [
        ("add", |a, b| a + b),
        ("mul", |a, b| a * b),
        ("maxnumf", f32::max),
        ("minnumf", f32::min),
        ("maximumf", |a, b| {
            if a.is_nan() || b.is_nan() {
                f32::NAN
            } else {
                a.max(b)
            }
        }),
        ("minimumf", |a, b| {
            if a.is_nan() || b.is_nan() {
                f32::NAN
            } else {
                a.min(b)
            }
        }),
    ];
    let int_kinds: [IntReduction; 9] = [
        ("add", i32::wrapping_add),
        ("mul", i32::wrapping_mul),
        ("minsi", i32::min),
        ("maxsi", i32::max),
        ("minui", |a, b| (a as u32).min(b as u32) as i32),
        ("maxui", |a, b| (a as u32).max(b as u32) as i32),
        ("and", |a, b| a & b),
        ("or", |a, b| a | b),
        ("xor", |a, b| a ^ b),
    ];
    for (kind, f) in float_kinds {
        let p = prog(&format!(
            "func.func @f(%v: vector<4xf32>, %acc: f32) -> (f32, f32) {{\n  \
             %a = vector.reduction <{kind}>, %v : vector<4xf32> into f32\n  \
             %b = vector.reduction <{kind}>, %v, %acc : vector<4xf32> into f32\n  \
             return %a, %b : f32, f32\n}}\n"
        ));
        let v = VectorValue::new(F32, &[4], fl(floats).to_vec()).unwrap();
        let r = p.run("f", &[v.into(), LoopValue::f32(0.5)]).unwrap();
        let no_acc = floats[1..].iter().fold(floats[0], |a, &x| f(a, x));
        let acc = floats.iter().fold(0.5, |a, &x| f(a, x));
        for (got, want) in [(scalar(&r[0]), no_acc), (scalar(&r[1]), acc)] {
            let got = match got {
                Scalar::F32(x) => x,
                other => panic!("{kind}: {other}"),
            };
            assert!(
                got == want || (got.is_nan() && want.is_nan()),
                "{kind}: {got} != {want}"
            );
        }
    }
    for (kind, f) in int_kinds {
        let p = prog(&format!(
            "func.func @f(%v: vector<4xi32>, %acc: i32) -> (i32, i32) {{\n  \
             %a = vector.reduction <{kind}>, %v : vector<4xi32> into i32\n  \
             %b = vector.reduction <{kind}>, %v, %acc : vector<4xi32> into i32\n  \
             return %a, %b : i32, i32\n}}\n"
        ));
        let v = VectorValue::new(ElemTy::Int(32), &[4], il(ints).to_vec()).unwrap();
        let r = p.run("f", &[v.into(), Scalar::int(-7, 32).into()]).unwrap();
        let no_acc = ints[1..].iter().fold(ints[0], |a, &x| f(a, x));
        let acc = ints.iter().fold(-7, |a, &x| f(a, x));
        assert_eq!(scalar(&r[0]), Scalar::int(no_acc as i128, 32), "{kind}");
        assert_eq!(scalar(&r[1]), Scalar::int(acc as i128, 32), "{kind}");
    }
}

#[test]
fn transfer_reads_pad_out_of_bounds_and_masked_lanes() {
    let p = prog(
        r#"
func.func @plain(%m: memref<3x5xf32>, %i: index, %j: index) -> vector<2x4xf32> {
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%i, %j], %pad : memref<3x5xf32>, vector<2x4xf32>
  return %v : vector<2x4xf32>
}
func.func @transposed(%m: memref<3x5xf32>, %i: index, %j: index) -> vector<4x2xf32> {
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%i, %j], %pad {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<3x5xf32>, vector<4x2xf32>
  return %v : vector<4x2xf32>
}
func.func @broadcast(%m: memref<3x5xf32>, %i: index, %j: index) -> vector<3x4xf32> {
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%i, %j], %pad {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d1)>} : memref<3x5xf32>, vector<3x4xf32>
  return %v : vector<3x4xf32>
}
func.func @masked(%m: memref<3x5xf32>, %i: index, %j: index, %a: index, %b: index) -> vector<2x4xf32> {
  %pad = arith.constant -1.0 : f32
  %mask = vector.create_mask %a, %b : vector<2x4xi1>
  %v = vector.transfer_read %m[%i, %j], %pad, %mask : memref<3x5xf32>, vector<2x4xf32>
  return %v : vector<2x4xf32>
}
"#,
    );
    let m = data(15, 8);
    let at = |r: i64, c: i64| {
        if (0..3).contains(&r) && (0..5).contains(&c) {
            m[(r * 5 + c) as usize]
        } else {
            -1.0
        }
    };
    let run = |name: &str, extra: &[i64], i: i64, j: i64| -> Vec<f32> {
        let mut args: Vec<LoopValue> = vec![
            f32_memref(&[3, 5], &m).into(),
            LoopValue::index(i),
            LoopValue::index(j),
        ];
        args.extend(extra.iter().map(|&x| LoopValue::index(x)));
        let r = p.run(name, &args).unwrap_or_else(|e| panic!("{name}: {e}"));
        r[0].as_vector()
            .unwrap()
            .lanes()
            .iter()
            .map(|s| s.as_f64().unwrap() as f32)
            .collect()
    };
    for (i, j) in [(0, 0), (2, 3), (1, 2)] {
        let want: Vec<f32> = (0..8).map(|k| at(i + k / 4, j + k % 4)).collect();
        assert_eq!(run("plain", &[], i, j), want, "plain at ({i}, {j})");
        // Vector dimension 0 runs along memref dimension 1.
        let want: Vec<f32> = (0..8).map(|k| at(i + k % 2, j + k / 2)).collect();
        assert_eq!(
            run("transposed", &[], i, j),
            want,
            "transposed at ({i}, {j})"
        );
        let want: Vec<f32> = (0..12).map(|k| at(i, j + k % 4)).collect();
        assert_eq!(run("broadcast", &[], i, j), want, "broadcast at ({i}, {j})");
    }
    // Only lanes [a < 1][b < 3] are read; the rest is padding.
    let want: Vec<f32> = (0..8)
        .map(|k| {
            if k / 4 < 1 && k % 4 < 3 {
                at(1 + k / 4, 1 + k % 4)
            } else {
                -1.0
            }
        })
        .collect();
    assert_eq!(run("masked", &[1, 3], 1, 1), want);
}

#[test]
fn transfer_writes_and_masked_accesses_skip_lanes() {
    let p = prog(
        r#"
func.func @write(%m: memref<3x5xf32>, %i: index, %j: index) {
  %v = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : vector<2x3xf32>
  vector.transfer_write %v, %m[%i, %j] : vector<2x3xf32>, memref<3x5xf32>
  return
}
func.func @masked(%m: memref<10xf32>, %out: memref<10xf32>, %i: index, %n: index) {
  %mask = vector.create_mask %n : vector<8xi1>
  %pass = arith.constant dense<-1.0> : vector<8xf32>
  %r = vector.maskedload %m[%i], %mask, %pass : memref<10xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %c0 = arith.constant 0 : index
  vector.maskedstore %out[%i], %mask, %r : memref<10xf32>, vector<8xi1>, vector<8xf32>
  %all = vector.constant_mask [2] : vector<8xi1>
  vector.maskedstore %out[%c0], %all, %r : memref<10xf32>, vector<8xi1>, vector<8xf32>
  return
}
"#,
    );
    let m = MemRef::zeros(F32, &[3, 5]).unwrap();
    p.run(
        "write",
        &[m.clone().into(), LoopValue::index(2), LoopValue::index(3)],
    )
    .unwrap();
    // Only row 2, columns 3 and 4 are inside: lanes [0][0] and [0][1].
    let mut want = vec![0f32; 15];
    want[13] = 1.0;
    want[14] = 2.0;
    assert_eq!(f32s(&m), want);

    let src: Vec<f32> = (0..10).map(|k| k as f32).collect();
    let out = MemRef::zeros(F32, &[10]).unwrap();
    // Lanes 4.. would read past the end but are masked off.
    p.run(
        "masked",
        &[
            f32_memref(&[10], &src).into(),
            out.clone().into(),
            LoopValue::index(6),
            LoopValue::index(4),
        ],
    )
    .unwrap();
    assert_eq!(
        f32s(&out),
        vec![6.0, 7.0, 0.0, 0.0, 0.0, 0.0, 6.0, 7.0, 8.0, 9.0]
    );
}

#[test]
fn vector_extracts_inserts_and_shape_casts() {
    let p = prog(
        r#"
func.func @f(%i: index, %k: i32) -> (f32, vector<6xf32>, f32, vector<3xf32>, vector<2x3xi1>) {
  %v = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : vector<2x3xf32>
  %a = vector.extract %v[1, 2] : f32 from vector<2x3xf32>
  %row = vector.extract %v[%i] : vector<3xf32> from vector<2x3xf32>
  %w = vector.insert %a, %v [0, 0] : f32 into vector<2x3xf32>
  %w2 = vector.insert %row, %w [1] : vector<3xf32> into vector<2x3xf32>
  %flat = vector.shape_cast %w2 : vector<2x3xf32> to vector<6xf32>
  %c1 = arith.constant 1 : index
  %e = vector.extractelement %row[%c1 : index] : vector<3xf32>
  %ins = vector.insertelement %a, %row[%k : i32] : vector<3xf32>
  %cm = vector.constant_mask [1, 2] : vector<2x3xi1>
  return %a, %flat, %e, %ins, %cm : f32, vector<6xf32>, f32, vector<3xf32>, vector<2x3xi1>
}
"#,
    );
    let r = p
        .run("f", &[LoopValue::index(0), Scalar::int(2, 32).into()])
        .unwrap();
    assert_eq!(scalar(&r[0]), Scalar::F32(6.0));
    // [[6, 2, 3], [1, 2, 3]]: [0, 0] replaced by %a, row 1 by row 0.
    assert_eq!(
        r[1].as_vector().unwrap().lanes(),
        fv(&[6.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    );
    assert_eq!(scalar(&r[2]), Scalar::F32(2.0));
    assert_eq!(r[3].as_vector().unwrap().lanes(), fv(&[1.0, 2.0, 6.0]));
    let mask: Vec<bool> = r[4]
        .as_vector()
        .unwrap()
        .lanes()
        .iter()
        .map(|s| s.as_bool().unwrap())
        .collect();
    assert_eq!(mask, vec![true, true, false, false, false, false]);
    // A dynamic position out of range is an error.
    let e = p
        .run("f", &[LoopValue::index(2), Scalar::int(0, 32).into()])
        .unwrap_err();
    assert!(e.message.contains("position 2 is out of bounds"), "{e}");
}

#[test]
fn vector_print_writes_like_the_c_runner() {
    let p = prog(
        r#"
func.func @f() {
  %v = arith.constant dense<[[1.5, -2.0, 0.1], [1.0e8, 0.0, 3.0]]> : vector<2x3xf32>
  vector.print %v : vector<2x3xf32>
  %i = arith.constant -7 : index
  vector.print %i : index
  %b = arith.constant dense<[true, false]> : vector<2xi1>
  vector.print %b : vector<2xi1>
  %n = arith.constant -3 : i8
  vector.print %n : i8 punctuation <comma>
  vector.print punctuation <newline>
  vector.print str "done\n"
  return
}
"#,
    );
    let mut it = Interpreter::new(&p.ctx, p.module);
    it.capture_output();
    it.call("f", &[]).unwrap();
    assert_eq!(
        it.output(),
        "( ( 1.5, -2, 0.1 ), ( 1e+08, 0, 3 ) )\n18446744073709551609\n( 1, 0 )\n-3, \ndone\n"
    );
}

#[test]
fn vector_accesses_out_of_bounds_are_errors() {
    let p = prog(
        r#"
func.func @f(%m: memref<8xf32>, %i: index) -> vector<4xf32> {
  %v = vector.load %m[%i] : memref<8xf32>, vector<4xf32> // LOAD
  return %v : vector<4xf32>
}
func.func @g(%m: memref<3x5xf32>, %i: index) -> vector<4xf32> {
  %pad = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %v = vector.transfer_read %m[%i, %c0], %pad {in_bounds = [true]} : memref<3x5xf32>, vector<4xf32> // TRANSFER
  return %v : vector<4xf32>
}
"#,
    );
    let m = MemRef::zeros(F32, &[8]).unwrap();
    p.run("f", &[m.clone().into(), LoopValue::index(4)])
        .unwrap();
    p.expect_error(
        "f",
        &[m.into(), LoopValue::index(5)],
        "// LOAD",
        &["'vector.load' op", "index [8]", "memref<8xf32>"],
    );
    let m = MemRef::zeros(F32, &[3, 5]).unwrap();
    p.run("g", &[m.clone().into(), LoopValue::index(2)])
        .unwrap();
    // Row 3 does not exist: not a dimension the vector runs along, so never padded.
    p.expect_error(
        "g",
        &[m.into(), LoopValue::index(3)],
        "// TRANSFER",
        &["index [3, 0]"],
    );
}

#[test]
fn vector_ops_agree_with_mlir_cpu_runner() {
    // Checksums computed by compiling the file with mlir-opt-19 and running
    // it with mlir-cpu-runner (the command is in the file).
    let p = unverified(include_str!("loop_interp/vector_oracle.mlir"));
    let expected: [(&str, i64); 9] = [
        ("plain", 8078339535700778027),
        ("transposed", 8078356028389858345),
        ("bcast", 8090735429792319526),
        ("masked", 8078339535711256612),
        ("masked_transposed", 8094112043968252963),
        ("write", -9214353832811683808),
        ("maskedload", 6924291048871056422),
        ("extract_insert", 1234055721869466095),
        ("reductions", -47627890),
    ];
    for (name, want) in expected {
        let r = p.run(name, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(scalar(&r[0]).as_signed(), Some(want as i128), "{name}");
    }
}
