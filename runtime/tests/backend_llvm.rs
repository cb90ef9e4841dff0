//! The LLVM backend: loop-level MLIR compiled and called through its
//! packed entries on Rust buffers, against values computed in Rust (the
//! interpreter's meaning of each op); the emitters; errors.

use std::ffi::c_void;

use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::{Context, OpId};
use tessera_runtime::backend::llvm;
use tessera_runtime::backend::{BackendOptions, JitCode, MemRefDescriptor};

/// Parses and verifies `text` with every dialect registered.
fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "test.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config)
        .unwrap_or_else(|d| panic!("parse error: {}", d[0].message));
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!("verify error: {}", d[0].message);
    }
    (ctx, module)
}

/// Compiles `text` at `-O3`.
fn jit(text: &str) -> Box<dyn JitCode> {
    jit_at(text, 3)
}

fn jit_at(text: &str, opt_level: u8) -> Box<dyn JitCode> {
    let (ctx, module) = parse(text);
    llvm::compile(
        &ctx,
        module,
        &BackendOptions {
            opt_level,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("compile error: {e}"))
}

/// One packed argument or result slot.
fn slot<T>(x: &mut T) -> *mut c_void {
    (x as *mut T).cast()
}

/// Calls `name` of `code` with the packed `args`.
fn call(code: &dyn JitCode, name: &str, args: &[*mut c_void]) {
    let f = code
        .packed_entry(name)
        .unwrap_or_else(|| panic!("no entry for @{name}"));
    // SAFETY: every test passes one valid pointer per argument and result,
    // of the types the function's signature names.
    unsafe { f(args.as_ptr()) }
}

fn desc<T>(buf: &mut [T], sizes: &[i64]) -> MemRefDescriptor {
    MemRefDescriptor::contiguous(buf.as_mut_ptr().cast(), sizes)
}

#[test]
fn matmul_with_scf_for_and_iter_args() {
    let code = jit(r#"
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
    "#);
    let mut a: Vec<f32> = (0..12).map(|i| i as f32 * 0.5 - 2.0).collect();
    let mut b: Vec<f32> = (0..15).map(|i| (i as f32).sin()).collect();
    let mut c = vec![0f32; 20];
    let (mut da, mut db, mut dc) = (
        desc(&mut a, &[4, 3]),
        desc(&mut b, &[3, 5]),
        desc(&mut c, &[4, 5]),
    );
    call(
        &*code,
        "matmul",
        &[da.as_mut_ptr(), db.as_mut_ptr(), dc.as_mut_ptr()],
    );
    for i in 0..4 {
        for j in 0..5 {
            let mut s = 0f32;
            for k in 0..3 {
                s += a[i * 3 + k] * b[k * 5 + j];
            }
            assert_eq!(c[i * 5 + j], s, "c[{i}][{j}]");
        }
    }
}

#[test]
fn integer_arithmetic_matches_the_interpreter_rules() {
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
    let body: String = ops
        .iter()
        .enumerate()
        .map(|(i, op)| format!("    %r{i} = arith.{op} %a, %b : i32\n"))
        .collect();
    let results: Vec<String> = (0..ops.len()).map(|i| format!("%r{i}")).collect();
    let types = vec!["i32"; ops.len()].join(", ");
    let text = format!(
        "func.func @f(%a: i32, %b: i32) -> ({types}) {{\n{body}    return {} : {types}\n}}",
        results.join(", ")
    );
    let code = jit(&text);
    let expect = |op: &str, a: i32, b: i32| -> i32 {
        let (ua, ub) = (a as u32, b as u32);
        match op {
            "addi" => a.wrapping_add(b),
            "subi" => a.wrapping_sub(b),
            "muli" => a.wrapping_mul(b),
            "divsi" => a / b,
            "divui" => (ua / ub) as i32,
            "remsi" => a.wrapping_rem(b),
            "remui" => (ua % ub) as i32,
            "ceildivsi" => {
                let (q, r) = (a / b, a % b);
                if r != 0 && (r > 0) == (b > 0) {
                    q + 1
                } else {
                    q
                }
            }
            "ceildivui" => ua.div_ceil(ub) as i32,
            "floordivsi" => a.div_euclid(b) - if b < 0 && a.rem_euclid(b) != 0 { 1 } else { 0 },
            "andi" => a & b,
            "ori" => a | b,
            "xori" => a ^ b,
            "maxsi" => a.max(b),
            "minsi" => a.min(b),
            "maxui" => ua.max(ub) as i32,
            "minui" => ua.min(ub) as i32,
            _ => unreachable!(),
        }
    };
    for (a, b) in [
        (7, 2),
        (-7, 2),
        (7, -2),
        (-7, -2),
        (6, 3),
        (0, 5),
        (i32::MIN, 3),
        (-1, 3),
        (5, i32::MAX),
    ] {
        let (mut x, mut y) = (a, b);
        let mut out = vec![0i32; ops.len()];
        let mut args = vec![slot(&mut x), slot(&mut y)];
        args.extend(out.iter_mut().map(slot));
        call(&*code, "f", &args);
        for (i, op) in ops.iter().enumerate() {
            assert_eq!(out[i], expect(op, a, b), "arith.{op} {a}, {b}");
        }
    }
}

#[test]
fn floordivsi_rounds_toward_negative_infinity() {
    let code = jit(r#"
      func.func @f(%a: i64, %b: i64) -> (i64, i64, i64) {
        %q = arith.floordivsi %a, %b : i64
        %c = arith.ceildivsi %a, %b : i64
        %r = arith.remsi %a, %b : i64
        return %q, %c, %r : i64, i64, i64
      }
    "#);
    for (a, b, q, c) in [
        (7i64, 2i64, 3i64, 4i64),
        (-7, 2, -4, -3),
        (7, -2, -4, -3),
        (-7, -2, 3, 4),
        (i64::MIN, -1, 0, 0),
    ] {
        let (mut x, mut y) = (a, b);
        let mut out = [0i64; 3];
        let [o0, o1, o2] = &mut out;
        if b == -1 && a == i64::MIN {
            // Only remsi by -1 is defined here: 0, not a trap.
            let code2 = jit(r#"
              func.func @g(%a: i64, %b: i64) -> i64 {
                %r = arith.remsi %a, %b : i64
                return %r : i64
              }
            "#);
            let mut r = 1i64;
            call(&*code2, "g", &[slot(&mut x), slot(&mut y), slot(&mut r)]);
            assert_eq!(r, 0);
            continue;
        }
        call(
            &*code,
            "f",
            &[slot(&mut x), slot(&mut y), slot(o0), slot(o1), slot(o2)],
        );
        assert_eq!((out[0], out[1], out[2]), (q, c, a % b), "{a} / {b}");
    }
}

/// IEEE 754-2019 `maximum` of two non-NaN floats (`-0 < +0`).
fn ieee_max(a: f32, b: f32) -> f32 {
    if a == b {
        if a.is_sign_negative() { b } else { a }
    } else if a > b {
        a
    } else {
        b
    }
}

/// IEEE 754-2019 `minimum` of two non-NaN floats (`-0 < +0`).
fn ieee_min(a: f32, b: f32) -> f32 {
    if a == b {
        if a.is_sign_negative() { a } else { b }
    } else if a < b {
        a
    } else {
        b
    }
}

#[test]
fn float_arithmetic_and_nan_semantics_of_min_max() {
    let ops = [
        "addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf", "minnumf",
    ];
    let body: String = ops
        .iter()
        .enumerate()
        .map(|(i, op)| format!("    %r{i} = arith.{op} %a, %b : f32\n"))
        .collect();
    let results: Vec<String> = (0..ops.len()).map(|i| format!("%r{i}")).collect();
    let types = vec!["f32"; ops.len() + 1].join(", ");
    let text = format!(
        "func.func @f(%a: f32, %b: f32) -> ({types}) {{\n{body}    %n = arith.negf %a : f32\n    return {}, %n : {types}\n}}",
        results.join(", ")
    );
    let code = jit(&text);
    let nan = f32::NAN;
    for (a, b) in [
        (1.5f32, -2.25f32),
        (nan, 1.0),
        (1.0, nan),
        (0.0, -0.0),
        (-0.0, 0.0),
        (7.0, 3.0),
        (-7.5, 2.0),
    ] {
        let (mut x, mut y) = (a, b);
        let mut out = vec![0f32; ops.len() + 1];
        let mut args = vec![slot(&mut x), slot(&mut y)];
        args.extend(out.iter_mut().map(slot));
        call(&*code, "f", &args);
        let same = |got: f32, want: f32, what: &str| {
            assert!(
                (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits(),
                "{what}({a}, {b}): got {got}, want {want}"
            );
        };
        same(out[0], a + b, "addf");
        same(out[1], a - b, "subf");
        same(out[2], a * b, "mulf");
        same(out[3], a / b, "divf");
        same(out[4], a % b, "remf");
        same(
            out[5],
            if a.is_nan() || b.is_nan() {
                nan
            } else {
                ieee_max(a, b)
            },
            "maximumf",
        );
        same(
            out[6],
            if a.is_nan() || b.is_nan() {
                nan
            } else {
                ieee_min(a, b)
            },
            "minimumf",
        );
        let maxnum = if a.is_nan() {
            b
        } else if b.is_nan() {
            a
        } else {
            ieee_max(a, b)
        };
        let minnum = if a.is_nan() {
            b
        } else if b.is_nan() {
            a
        } else {
            ieee_min(a, b)
        };
        same(out[7], maxnum, "maxnumf");
        same(out[8], minnum, "minnumf");
        same(out[9], -a, "negf");
    }
}

#[test]
fn casts_between_integers_floats_and_index() {
    let code = jit(r#"
      func.func @f(%x: f64, %i: i32, %n: index) -> (f32, f64, i64, i64, i8, f32, f32, i32, i32, index, i32, i64, i32, index) {
        %0 = arith.truncf %x : f64 to f32
        %1 = arith.extf %0 : f32 to f64
        %2 = arith.extsi %i : i32 to i64
        %3 = arith.extui %i : i32 to i64
        %4 = arith.trunci %i : i32 to i8
        %5 = arith.sitofp %i : i32 to f32
        %6 = arith.uitofp %i : i32 to f32
        %7 = arith.fptosi %0 : f32 to i32
        %8 = arith.fptoui %1 : f64 to i32
        %9 = arith.index_cast %i : i32 to index
        %10 = arith.index_cast %n : index to i32
        %11 = arith.index_castui %n : index to i64
        %12 = arith.bitcast %0 : f32 to i32
        %13 = arith.index_castui %i : i32 to index
        return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13 : f32, f64, i64, i64, i8, f32, f32, i32, i32, index, i32, i64, i32, index
      }
    "#);
    let (mut x, mut i, mut n) = (1234.5678901234f64, -1000i32, (1i64 << 40) + 7);
    let (mut r0, mut r1, mut r2, mut r3, mut r4) = (0f32, 0f64, 0i64, 0i64, 0i8);
    let (mut r5, mut r6, mut r7, mut r8, mut r9) = (0f32, 0f32, 0i32, 0i32, 0i64);
    let (mut r10, mut r11, mut r12, mut r13) = (0i32, 0i64, 0i32, 0i64);
    call(
        &*code,
        "f",
        &[
            slot(&mut x),
            slot(&mut i),
            slot(&mut n),
            slot(&mut r0),
            slot(&mut r1),
            slot(&mut r2),
            slot(&mut r3),
            slot(&mut r4),
            slot(&mut r5),
            slot(&mut r6),
            slot(&mut r7),
            slot(&mut r8),
            slot(&mut r9),
            slot(&mut r10),
            slot(&mut r11),
            slot(&mut r12),
            slot(&mut r13),
        ],
    );
    assert_eq!(r0, x as f32);
    assert_eq!(r1, x as f32 as f64);
    assert_eq!(r2, -1000);
    assert_eq!(r3, (-1000i32) as u32 as i64);
    assert_eq!(r4, (-1000i32) as i8);
    assert_eq!(r5, -1000.0);
    assert_eq!(r6, (-1000i32) as u32 as f32);
    assert_eq!(r7, 1234);
    assert_eq!(r8, 1234);
    assert_eq!(r9, -1000);
    assert_eq!(r10, 7, "index_cast truncates");
    assert_eq!(r11, (1i64 << 40) + 7);
    assert_eq!(r12, (x as f32).to_bits() as i32);
    assert_eq!(r13, (-1000i32) as u32 as i64);
}

#[test]
fn comparisons_and_select() {
    let fpreds = [
        "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult",
        "ule", "une", "uno", "true",
    ];
    let ipreds = [
        "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
    ];
    let mut body = String::new();
    let mut rets = Vec::new();
    for (k, p) in fpreds.iter().enumerate() {
        body += &format!("    %f{k} = arith.cmpf {p}, %a, %b : f64\n");
        rets.push(format!("%f{k}"));
    }
    for (k, p) in ipreds.iter().enumerate() {
        body += &format!("    %i{k} = arith.cmpi {p}, %x, %y : i16\n");
        rets.push(format!("%i{k}"));
    }
    body += "    %s = arith.select %f4, %a, %b : f64\n";
    let n = rets.len();
    let types = format!("{}, f64", vec!["i1"; n].join(", "));
    let text = format!(
        "func.func @f(%a: f64, %b: f64, %x: i16, %y: i16) -> ({types}) {{\n{body}    return {}, %s : {types}\n}}",
        rets.join(", ")
    );
    let code = jit(&text);
    for (a, b, x, y) in [
        (1.0f64, 2.0f64, -3i16, 4i16),
        (2.0, 2.0, 4, 4),
        (f64::NAN, 1.0, 5, -5),
        (3.0, -1.0, -1, 1),
    ] {
        let (mut a1, mut b1, mut x1, mut y1) = (a, b, x, y);
        let mut flags = vec![false; n];
        let mut s = 0f64;
        let mut args = vec![slot(&mut a1), slot(&mut b1), slot(&mut x1), slot(&mut y1)];
        args.extend(flags.iter_mut().map(slot));
        args.push(slot(&mut s));
        call(&*code, "f", &args);
        let uno = a.is_nan() || b.is_nan();
        let fwant = [
            false,
            !uno && a == b,
            !uno && a > b,
            !uno && a >= b,
            !uno && a < b,
            !uno && a <= b,
            !uno && a != b,
            !uno,
            uno || a == b,
            uno || a > b,
            uno || a >= b,
            uno || a < b,
            uno || a <= b,
            uno || a != b,
            uno,
            true,
        ];
        let (ux, uy) = (x as u16, y as u16);
        let iwant = [
            x == y,
            x != y,
            x < y,
            x <= y,
            x > y,
            x >= y,
            ux < uy,
            ux <= uy,
            ux > uy,
            ux >= uy,
        ];
        for (k, p) in fpreds.iter().enumerate() {
            assert_eq!(flags[k], fwant[k], "cmpf {p} {a} {b}");
        }
        for (k, p) in ipreds.iter().enumerate() {
            assert_eq!(flags[fpreds.len() + k], iwant[k], "cmpi {p} {x} {y}");
        }
        assert_eq!(s.to_bits(), if !uno && a < b { a } else { b }.to_bits());
    }
}

#[test]
fn math_functions_call_the_c_library_bit_for_bit() {
    let code = jit(r#"
      func.func @f(%x: f32, %y: f64) -> (f32, f32, f32, f64, f64, f32, f32, f32, f32, f64, f32, f32) {
        %0 = math.exp %x : f32
        %1 = math.tanh %x : f32
        %2 = math.erf %x : f32
        %3 = math.log1p %y : f64
        %4 = math.powf %y, %y : f64
        %5 = math.sqrt %x : f32
        %6 = math.floor %x : f32
        %7 = math.roundeven %x : f32
        %8 = math.round %x : f32
        %9 = math.atan2 %y, %y : f64
        %10 = math.rsqrt %x : f32
        %11 = math.fma %x, %x, %x : f32
        return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : f32, f32, f32, f64, f64, f32, f32, f32, f32, f64, f32, f32
      }
    "#);
    for (x, y) in [(0.7f32, 1.3f64), (2.5, 0.25), (-0.5, 3.0)] {
        let (mut a, mut b) = (x, y);
        let mut o = [0f32; 12];
        let mut d = [0f64; 12];
        let args = [
            slot(&mut a),
            slot(&mut b),
            slot(&mut o[0]),
            slot(&mut o[1]),
            slot(&mut o[2]),
            slot(&mut d[3]),
            slot(&mut d[4]),
            slot(&mut o[5]),
            slot(&mut o[6]),
            slot(&mut o[7]),
            slot(&mut o[8]),
            slot(&mut d[9]),
            slot(&mut o[10]),
            slot(&mut o[11]),
        ];
        call(&*code, "f", &args);
        let bits = |g: f32, w: f32, what: &str| {
            assert!(
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                "{what}({x}): {g} vs {w}"
            );
        };
        bits(o[0], x.exp(), "exp");
        bits(o[1], x.tanh(), "tanh");
        bits(o[2], libm::erff(x), "erf");
        assert_eq!(d[3].to_bits(), y.ln_1p().to_bits(), "log1p");
        assert_eq!(d[4].to_bits(), y.powf(y).to_bits(), "powf");
        bits(o[5], x.sqrt(), "sqrt");
        bits(o[6], x.floor(), "floor");
        bits(o[7], x.round_ties_even(), "roundeven");
        bits(o[8], x.round(), "round");
        assert_eq!(d[9].to_bits(), y.atan2(y).to_bits(), "atan2");
        bits(o[10], 1.0 / x.sqrt(), "rsqrt");
        bits(o[11], x.mul_add(x, x), "fma");
    }
}

#[test]
fn integer_math_ops() {
    let code = jit(r#"
      func.func @f(%x: i32, %e: i32) -> (i32, i32, i32, i32, i32) {
        %0 = math.ctlz %x : i32
        %1 = math.cttz %x : i32
        %2 = math.ctpop %x : i32
        %3 = math.absi %x : i32
        %4 = math.ipowi %x, %e : i32
        return %0, %1, %2, %3, %4 : i32, i32, i32, i32, i32
      }
    "#);
    for (x, e) in [
        (0i32, 3i32),
        (12, 5),
        (-3, 3),
        (i32::MIN, 2),
        (2, -1),
        (1, -4),
        (-1, -3),
        (7, 0),
    ] {
        let (mut a, mut b) = (x, e);
        let mut o = [0i32; 5];
        let [o0, o1, o2, o3, o4] = &mut o;
        call(
            &*code,
            "f",
            &[
                slot(&mut a),
                slot(&mut b),
                slot(o0),
                slot(o1),
                slot(o2),
                slot(o3),
                slot(o4),
            ],
        );
        let pow = if e < 0 {
            match x {
                1 => 1,
                -1 => {
                    if e % 2 == 0 {
                        1
                    } else {
                        -1
                    }
                }
                _ => 0,
            }
        } else {
            x.wrapping_pow(e as u32)
        };
        assert_eq!(
            o,
            [
                x.leading_zeros() as i32,
                x.trailing_zeros() as i32,
                x.count_ones() as i32,
                x.wrapping_abs(),
                pow
            ],
            "x = {x}, e = {e}"
        );
    }
}

#[test]
fn math_on_vectors_calls_the_library_per_lane() {
    let code = jit(r#"
      func.func @f(%x: vector<4xf32>) -> (vector<4xf32>, vector<4xf32>) {
        %0 = math.exp %x : vector<4xf32>
        %1 = math.absf %x : vector<4xf32>
        return %0, %1 : vector<4xf32>, vector<4xf32>
      }
    "#);
    let mut x = [0.5f32, -1.0, 2.0, -3.5];
    let mut e = [0f32; 4];
    let mut a = [0f32; 4];
    call(&*code, "f", &[slot(&mut x), slot(&mut e), slot(&mut a)]);
    assert_eq!(e, x.map(f32::exp));
    assert_eq!(a, x.map(f32::abs));
}

#[test]
fn globals_and_get_global() {
    let code = jit(r#"
      memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]>
      memref.global "private" constant @ones : memref<4xi32> = dense<1>
      func.func @f(%out: memref<2x3xf32>) -> i32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c2 = arith.constant 2 : index
        %c3 = arith.constant 3 : index
        %c4 = arith.constant 4 : index
        %w = memref.get_global @w : memref<2x3xf32>
        %o = memref.get_global @ones : memref<4xi32>
        %two = arith.constant 2.0 : f32
        scf.for %i = %c0 to %c2 step %c1 {
          scf.for %j = %c0 to %c3 step %c1 {
            %x = memref.load %w[%i, %j] : memref<2x3xf32>
            %y = arith.mulf %x, %two : f32
            memref.store %y, %out[%i, %j] : memref<2x3xf32>
          }
        }
        %z = arith.constant 0 : i32
        %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %z) -> (i32) {
          %v = memref.load %o[%i] : memref<4xi32>
          %n = arith.addi %a, %v : i32
          scf.yield %n : i32
        }
        return %s : i32
      }
    "#);
    let mut out = [0f32; 6];
    let mut d = desc(&mut out, &[2, 3]);
    let mut sum = 0i32;
    call(&*code, "f", &[d.as_mut_ptr(), slot(&mut sum)]);
    assert_eq!(out, [2.0, 4.0, 6.0, 8.0, 10.0, 13.0]);
    assert_eq!(sum, 4);
}

#[test]
fn alloc_dealloc_and_dynamic_sizes() {
    let code = jit(r#"
      func.func @f(%in: memref<8xf32>, %n: index) -> f32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %tmp = memref.alloc(%n) {alignment = 128 : i64} : memref<?xf32>
        %st = memref.alloca() : memref<8xf32>
        scf.for %i = %c0 to %n step %c1 {
          %x = memref.load %in[%i] : memref<8xf32>
          %y = arith.mulf %x, %x : f32
          memref.store %y, %tmp[%i] : memref<?xf32>
          memref.store %x, %st[%i] : memref<8xf32>
        }
        %z = arith.constant 0.0 : f32
        %s = scf.for %i = %c0 to %n step %c1 iter_args(%a = %z) -> (f32) {
          %v = memref.load %tmp[%i] : memref<?xf32>
          %w = memref.load %st[%i] : memref<8xf32>
          %t = arith.addf %a, %v : f32
          %u = arith.addf %t, %w : f32
          scf.yield %u : f32
        }
        memref.dealloc %tmp : memref<?xf32>
        return %s : f32
      }
    "#);
    let mut input: Vec<f32> = (1..=8).map(|i| i as f32).collect();
    let mut d = desc(&mut input, &[8]);
    let mut n = 5i64;
    let mut s = 0f32;
    call(&*code, "f", &[d.as_mut_ptr(), slot(&mut n), slot(&mut s)]);
    let want = (1..=5).fold(0f32, |a, i| a + (i * i) as f32 + i as f32);
    assert_eq!(s, want);
}

#[test]
fn subview_with_offsets_and_strides_and_strided_copy() {
    let code = jit(r#"
      func.func @f(%m: memref<4x6xf32>, %out: memref<2x3xf32>, %out2: memref<2x3xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c2 = arith.constant 2 : index
        %c3 = arith.constant 3 : index
        %s = memref.subview %m[1, 0] [2, 3] [2, 2] : memref<4x6xf32> to memref<2x3xf32, strided<[12, 2], offset: 6>>
        scf.for %i = %c0 to %c2 step %c1 {
          scf.for %j = %c0 to %c3 step %c1 {
            %x = memref.load %s[%i, %j] : memref<2x3xf32, strided<[12, 2], offset: 6>>
            memref.store %x, %out[%i, %j] : memref<2x3xf32>
          }
        }
        memref.copy %s, %out2 : memref<2x3xf32, strided<[12, 2], offset: 6>> to memref<2x3xf32>
        return
      }
    "#);
    let mut m: Vec<f32> = (0..24).map(|i| i as f32).collect();
    let mut out = [0f32; 6];
    let mut out2 = [0f32; 6];
    let (mut dm, mut d1, mut d2) = (
        desc(&mut m, &[4, 6]),
        desc(&mut out, &[2, 3]),
        desc(&mut out2, &[2, 3]),
    );
    call(
        &*code,
        "f",
        &[dm.as_mut_ptr(), d1.as_mut_ptr(), d2.as_mut_ptr()],
    );
    // Rows 1 and 3, columns 0, 2, 4.
    let want = [6.0, 8.0, 10.0, 18.0, 20.0, 22.0];
    assert_eq!(out, want);
    assert_eq!(out2, want);
}

#[test]
fn dynamic_subview_rank_reduction_and_cast() {
    let code = jit(r#"
      func.func @row_sum(%m: memref<3x4xf32>, %r: index) -> f32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c4 = arith.constant 4 : index
        %row = memref.subview %m[%r, 0] [1, 4] [1, 1] : memref<3x4xf32> to memref<4xf32, strided<[1], offset: ?>>
        %dyn = memref.cast %row : memref<4xf32, strided<[1], offset: ?>> to memref<?xf32, strided<[?], offset: ?>>
        %z = arith.constant 0.0 : f32
        %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %z) -> (f32) {
          %x = memref.load %dyn[%i] : memref<?xf32, strided<[?], offset: ?>>
          %t = arith.addf %a, %x : f32
          scf.yield %t : f32
        }
        return %s : f32
      }
    "#);
    let mut m: Vec<f32> = (0..12).map(|i| i as f32).collect();
    let mut d = desc(&mut m, &[3, 4]);
    for r in 0..3i64 {
        let (mut row, mut s) = (r, 0f32);
        call(
            &*code,
            "row_sum",
            &[d.as_mut_ptr(), slot(&mut row), slot(&mut s)],
        );
        let want: f32 = (0..4).map(|j| (r * 4 + j) as f32).sum();
        assert_eq!(s, want, "row {r}");
    }
}

#[test]
fn calls_between_functions_with_memrefs_and_several_results() {
    let code = jit(r#"
      func.func private @stats(%m: memref<5xf32>) -> (f32, f32) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c5 = arith.constant 5 : index
        %z = arith.constant 0.0 : f32
        %inf = arith.constant 0xFF800000 : f32
        %s, %mx = scf.for %i = %c0 to %c5 step %c1 iter_args(%a = %z, %b = %inf) -> (f32, f32) {
          %x = memref.load %m[%i] : memref<5xf32>
          %t = arith.addf %a, %x : f32
          %u = arith.maximumf %b, %x : f32
          scf.yield %t, %u : f32, f32
        }
        return %s, %mx : f32, f32
      }
      func.func @scale(%m: memref<5xf32>, %k: f32) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c5 = arith.constant 5 : index
        scf.for %i = %c0 to %c5 step %c1 {
          %x = memref.load %m[%i] : memref<5xf32>
          %y = arith.mulf %x, %k : f32
          memref.store %y, %m[%i] : memref<5xf32>
        }
        return
      }
      func.func @main(%m: memref<5xf32>) -> (f32, f32) {
        %two = arith.constant 2.0 : f32
        func.call @scale(%m, %two) : (memref<5xf32>, f32) -> ()
        %s, %mx = func.call @stats(%m) : (memref<5xf32>) -> (f32, f32)
        return %s, %mx : f32, f32
      }
    "#);
    assert!(
        code.packed_entry("stats").is_none(),
        "private functions have no entry"
    );
    assert!(code.packed_entry("scale").is_some());
    let mut m = [1.0f32, -2.0, 3.5, 0.25, 2.0];
    let mut d = desc(&mut m, &[5]);
    let (mut s, mut mx) = (0f32, 0f32);
    call(
        &*code,
        "main",
        &[d.as_mut_ptr(), slot(&mut s), slot(&mut mx)],
    );
    assert_eq!(m, [2.0, -4.0, 7.0, 0.5, 4.0]);
    assert_eq!(s, 9.5);
    assert_eq!(mx, 7.0);
}

#[test]
fn scf_while_computes_a_gcd() {
    let code = jit(r#"
      func.func @gcd(%a: i64, %b: i64) -> (i64, i64) {
        %z = arith.constant 0 : i64
        %one = arith.constant 1 : i64
        %r:3 = scf.while (%x = %a, %y = %b, %n = %z) : (i64, i64, i64) -> (i64, i64, i64) {
          %c = arith.cmpi ne, %y, %z : i64
          scf.condition(%c) %x, %y, %n : i64, i64, i64
        } do {
        ^bb0(%x: i64, %y: i64, %n: i64):
          %m = arith.remsi %x, %y : i64
          %n1 = arith.addi %n, %one : i64
          scf.yield %y, %m, %n1 : i64, i64, i64
        }
        return %r#0, %r#2 : i64, i64
      }
    "#);
    for (a, b, g, steps) in [(48i64, 18i64, 6i64, 3i64), (17, 5, 1, 3), (7, 0, 7, 0)] {
        let (mut x, mut y, mut r, mut n) = (a, b, 0i64, 0i64);
        call(
            &*code,
            "gcd",
            &[slot(&mut x), slot(&mut y), slot(&mut r), slot(&mut n)],
        );
        assert_eq!((r, n), (g, steps), "gcd({a}, {b})");
    }
}

#[test]
fn scf_if_with_results_and_without_else() {
    let code = jit(r#"
      func.func @f(%x: f32, %out: memref<1xf32>) -> f32 {
        %c0 = arith.constant 0 : index
        %zero = arith.constant 0.0 : f32
        %neg = arith.cmpf olt, %x, %zero : f32
        %r = scf.if %neg -> (f32) {
          %n = arith.negf %x : f32
          scf.yield %n : f32
        } else {
          %d = arith.addf %x, %x : f32
          scf.yield %d : f32
        }
        scf.if %neg {
          memref.store %x, %out[%c0] : memref<1xf32>
        }
        return %r : f32
      }
    "#);
    for x in [-3.0f32, 2.5] {
        let (mut a, mut r) = (x, 0f32);
        let mut out = [99f32];
        let mut d = desc(&mut out, &[1]);
        call(&*code, "f", &[slot(&mut a), d.as_mut_ptr(), slot(&mut r)]);
        assert_eq!(r, if x < 0.0 { -x } else { 2.0 * x });
        assert_eq!(out[0], if x < 0.0 { x } else { 99.0 });
    }
}

#[test]
fn scf_parallel_with_a_reduction_runs_every_point() {
    let code = jit(r#"
      func.func @f(%m: memref<3x4xi32>) -> i32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c3 = arith.constant 3 : index
        %c4 = arith.constant 4 : index
        %z = arith.constant 0 : i32
        %s = scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c4) step (%c1, %c1) init (%z) -> i32 {
          %x = memref.load %m[%i, %j] : memref<3x4xi32>
          scf.reduce(%x : i32) {
          ^bb0(%l: i32, %r: i32):
            %t = arith.addi %l, %r : i32
            scf.reduce.return %t : i32
          }
        }
        return %s : i32
      }
    "#);
    let mut m: Vec<i32> = (0..12).map(|i| i * i).collect();
    let mut d = desc(&mut m, &[3, 4]);
    let mut s = 0i32;
    call(&*code, "f", &[d.as_mut_ptr(), slot(&mut s)]);
    assert_eq!(s, m.iter().sum::<i32>());
}

#[test]
fn every_opt_level_gives_the_same_results() {
    let text = r#"
      func.func @f(%m: memref<16xf32>) -> f32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c16 = arith.constant 16 : index
        %z = arith.constant 0.0 : f32
        %s = scf.for %i = %c0 to %c16 step %c1 iter_args(%a = %z) -> (f32) {
          %x = memref.load %m[%i] : memref<16xf32>
          %e = math.exp %x : f32
          %t = arith.addf %a, %e : f32
          scf.yield %t : f32
        }
        return %s : f32
      }
    "#;
    let mut m: Vec<f32> = (0..16).map(|i| i as f32 * 0.1).collect();
    let want = m.iter().fold(0f32, |a, x| a + x.exp());
    for level in 0..=3 {
        let code = jit_at(text, level);
        let mut d = desc(&mut m, &[16]);
        let mut s = 0f32;
        call(&*code, "f", &[d.as_mut_ptr(), slot(&mut s)]);
        assert_eq!(s, want, "-O{level}");
    }
}

#[test]
fn bool_buffers_hold_one_byte_per_element() {
    let code = jit(r#"
      func.func @f(%x: memref<8xf32>, %flags: memref<8xi1>, %out: memref<8xi1>) -> i32 {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c8 = arith.constant 8 : index
        %zero = arith.constant 0.0 : f32
        scf.for %i = %c0 to %c8 step %c1 {
          %v = memref.load %x[%i] : memref<8xf32>
          %p = arith.cmpf ogt, %v, %zero : f32
          memref.store %p, %flags[%i] : memref<8xi1>
        }
        %v = vector.load %flags[%c0] : memref<8xi1>, vector<8xi1>
        %t = arith.constant dense<true> : vector<8xi1>
        %n = arith.xori %v, %t : vector<8xi1>
        vector.store %n, %out[%c0] : memref<8xi1>, vector<8xi1>
        %w = arith.extui %v : vector<8xi1> to vector<8xi32>
        %count = vector.reduction <add>, %w : vector<8xi32> into i32
        return %count : i32
      }
    "#);
    let mut x = [1.0f32, -1.0, 2.0, 0.0, -3.0, 4.0, 5.0, -0.5];
    let mut flags = [7u8; 8];
    let mut out = [7u8; 8];
    let (mut dx, mut df, mut dout) = (
        desc(&mut x, &[8]),
        desc(&mut flags, &[8]),
        desc(&mut out, &[8]),
    );
    let mut count = 0i32;
    call(
        &*code,
        "f",
        &[
            dx.as_mut_ptr(),
            df.as_mut_ptr(),
            dout.as_mut_ptr(),
            slot(&mut count),
        ],
    );
    assert_eq!(flags, [1, 0, 1, 0, 0, 1, 1, 0]);
    assert_eq!(out, [0, 1, 0, 1, 1, 0, 0, 1]);
    assert_eq!(count, 4);
}

#[test]
fn half_and_bfloat_compute_in_f32_and_round() {
    use tessera_compiler::FloatKind;
    use tessera_compiler::syntax::float::{from_bits, to_bits};
    let code = jit(r#"
      func.func @f(%a: f32, %b: f32) -> (f16, bf16, f32) {
        %ha = arith.truncf %a : f32 to f16
        %hb = arith.truncf %b : f32 to f16
        %hs = arith.addf %ha, %hb : f16
        %ba = arith.truncf %a : f32 to bf16
        %bb = arith.truncf %b : f32 to bf16
        %bp = arith.mulf %ba, %bb : bf16
        %e = math.exp %hs : f16
        %ef = arith.extf %e : f16 to f32
        return %hs, %bp, %ef : f16, bf16, f32
      }
    "#);
    for (a, b) in [(1.2345f32, 2.5f32), (-0.1, 1000.75), (3.0e-3, 7.0)] {
        let (mut x, mut y) = (a, b);
        let (mut h, mut bf, mut e) = (0u16, 0u16, 0f32);
        call(
            &*code,
            "f",
            &[
                slot(&mut x),
                slot(&mut y),
                slot(&mut h),
                slot(&mut bf),
                slot(&mut e),
            ],
        );
        let round = |v: f64, k| from_bits(to_bits(v, k), k);
        let (ha, hb) = (
            round(a as f64, FloatKind::F16),
            round(b as f64, FloatKind::F16),
        );
        let hs = to_bits(ha + hb, FloatKind::F16);
        assert_eq!(h as u64, hs, "f16 {a} + {b}");
        let (ba, bb) = (
            round(a as f64, FloatKind::BF16),
            round(b as f64, FloatKind::BF16),
        );
        assert_eq!(
            bf as u64,
            to_bits(ba * bb, FloatKind::BF16),
            "bf16 {a} * {b}"
        );
        let want = round(
            (from_bits(hs, FloatKind::F16) as f32).exp() as f64,
            FloatKind::F16,
        );
        assert_eq!(e as f64, want, "exp of f16 {a} + {b}");
    }
}

#[test]
fn contiguous_copies_and_float_remainders_on_vectors() {
    let code = jit(r#"
      func.func @f(%x: memref<2x4xf32>, %out: memref<2x4xf32>) {
        %c0 = arith.constant 0 : index
        %tmp = memref.alloc() : memref<2x4xf32>
        memref.copy %x, %tmp : memref<2x4xf32> to memref<2x4xf32>
        %v = vector.load %tmp[%c0, %c0] : memref<2x4xf32>, vector<2x4xf32>
        %d = arith.constant dense<1.5> : vector<2x4xf32>
        %r = arith.remf %v, %d : vector<2x4xf32>
        vector.store %r, %tmp[%c0, %c0] : memref<2x4xf32>, vector<2x4xf32>
        memref.copy %tmp, %out : memref<2x4xf32> to memref<2x4xf32>
        memref.dealloc %tmp : memref<2x4xf32>
        return
      }
    "#);
    let mut x = [0.5f32, 1.75, -2.0, 3.25, 4.5, -5.0, 6.75, 7.0];
    let mut out = [0f32; 8];
    let (mut dx, mut dout) = (desc(&mut x, &[2, 4]), desc(&mut out, &[2, 4]));
    call(&*code, "f", &[dx.as_mut_ptr(), dout.as_mut_ptr()]);
    assert_eq!(out, x.map(|v| v % 1.5));
}

#[test]
fn truncf_rounds_in_every_mode_as_the_interpreter() {
    use tessera_compiler::FloatKind;
    use tessera_dialects::arith::RoundingMode;
    use tessera_dialects::interp::scalar::{Scalar, ScalarOp};
    let modes = [
        "to_nearest_even",
        "downward",
        "upward",
        "toward_zero",
        "to_nearest_away",
    ];
    let mut body = String::new();
    let mut rets = Vec::new();
    for (i, m) in modes.iter().enumerate() {
        body += &format!("    %s{i} = arith.truncf %x {m} : f64 to f32\n");
        body += &format!("    %h{i} = arith.truncf %y {m} : f32 to f16\n");
        rets.push(format!("%s{i}"));
        rets.push(format!("%h{i}"));
    }
    let types = vec!["f32, f16"; modes.len()].join(", ");
    let text = format!(
        "func.func @f(%x: f64, %y: f32) -> ({types}) {{\n{body}    return {} : {types}\n}}",
        rets.join(", ")
    );
    let code = jit(&text);
    let tie32 = 1.0 + f64::powi(2.0, -24);
    let tie16 = 1.0 + f32::powi(2.0, -11);
    let cases: [(f64, f32); 8] = [
        (tie32, tie16),
        (-tie32, -tie16),
        (
            1.0 + 3.0 * f64::powi(2.0, -25),
            1.0 + 3.0 * f32::powi(2.0, -12),
        ),
        (-0.1, -0.1),
        (1.0e-50, 1.0e-9),
        (-1.0e-50, -1.0e-9),
        (1.0e39, 70000.0),
        (-1.0e39, -70000.0),
    ];
    for (x, y) in cases {
        let (mut a, mut b) = (x, y);
        let mut out32 = [0f32; 5];
        let mut out16 = [0u16; 5];
        let mut args = vec![slot(&mut a), slot(&mut b)];
        for (p, q) in out32.iter_mut().zip(out16.iter_mut()) {
            args.push(slot(p));
            args.push(slot(q));
        }
        call(&*code, "f", &args);
        for (i, m) in modes.iter().enumerate() {
            let mode = RoundingMode::from_keyword(m).unwrap();
            let want32 = ScalarOp::truncf(FloatKind::F32, mode)
                .eval(&[Scalar::F64(x)])
                .unwrap();
            assert_eq!(Scalar::F32(out32[i]), want32, "{x} {m} to f32");
            let want16 = ScalarOp::truncf(FloatKind::F16, mode)
                .eval(&[Scalar::F32(y)])
                .unwrap();
            assert_eq!(Scalar::F16(out16[i]), want16, "{y} {m} to f16");
        }
    }
}

// ----- vector ops -------------------------------------------------------------

#[test]
fn vector_load_fma_reduction_and_store() {
    let code = jit(r#"
      func.func @f(%a: memref<2x8xf32>, %b: memref<8xf32>, %out: memref<2x8xf32>) -> (f32, f32) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %x = vector.load %a[%c0, %c0] : memref<2x8xf32>, vector<2x8xf32>
        %y = vector.load %b[%c0] : memref<8xf32>, vector<8xf32>
        %yb = vector.broadcast %y : vector<8xf32> to vector<2x8xf32>
        %r = vector.fma %x, %yb, %x : vector<2x8xf32>
        vector.store %r, %out[%c0, %c0] : memref<2x8xf32>, vector<2x8xf32>
        %row1 = vector.extract %r[1] : vector<8xf32> from vector<2x8xf32>
        %s = vector.reduction <add>, %row1 : vector<8xf32> into f32
        %acc = arith.constant 100.0 : f32
        %m = vector.reduction <maxnumf>, %y, %acc : vector<8xf32> into f32
        return %s, %m : f32, f32
      }
    "#);
    let mut a: Vec<f32> = (0..16).map(|i| i as f32 * 0.25).collect();
    let mut b: Vec<f32> = (0..8).map(|i| 1.0 + i as f32).collect();
    let mut out = [0f32; 16];
    let (mut da, mut db, mut dout) = (
        desc(&mut a, &[2, 8]),
        desc(&mut b, &[8]),
        desc(&mut out, &[2, 8]),
    );
    let (mut s, mut m) = (0f32, 0f32);
    call(
        &*code,
        "f",
        &[
            da.as_mut_ptr(),
            db.as_mut_ptr(),
            dout.as_mut_ptr(),
            slot(&mut s),
            slot(&mut m),
        ],
    );
    let want: Vec<f32> = (0..16).map(|i| a[i].mul_add(b[i % 8], a[i])).collect();
    assert_eq!(&out[..], &want[..]);
    assert_eq!(s, want[8..].iter().fold(0f32, |acc, x| acc + x));
    assert_eq!(m, 100.0);
}

#[test]
fn vector_insert_extractelement_splat_and_shape_cast() {
    let code = jit(r#"
      func.func @f(%s: f32, %i: index) -> (vector<6xf32>, f32) {
        %v = vector.splat %s : vector<2x3xf32>
        %one = arith.constant 1.0 : f32
        %w = vector.insert %one, %v [1, 2] : f32 into vector<2x3xf32>
        %row = arith.constant dense<[7.0, 8.0, 9.0]> : vector<3xf32>
        %x = vector.insert %row, %w [0] : vector<3xf32> into vector<2x3xf32>
        %flat = vector.shape_cast %x : vector<2x3xf32> to vector<6xf32>
        %e = vector.extractelement %flat[%i : index] : vector<6xf32>
        return %flat, %e : vector<6xf32>, f32
      }
    "#);
    let (mut s, mut i) = (4.0f32, 4i64);
    let mut flat = [0f32; 6];
    let mut e = 0f32;
    call(
        &*code,
        "f",
        &[slot(&mut s), slot(&mut i), slot(&mut flat), slot(&mut e)],
    );
    assert_eq!(flat, [7.0, 8.0, 9.0, 4.0, 4.0, 1.0]);
    assert_eq!(e, 4.0);
}

#[test]
fn transfer_read_pads_out_of_bounds_lanes_and_masked_write_skips_them() {
    let code = jit(r#"
      func.func @f(%m: memref<3x5xf32>, %out: memref<3x5xf32>, %i: index, %j: index) -> vector<2x4xf32> {
        %pad = arith.constant -1.0 : f32
        %v = vector.transfer_read %m[%i, %j], %pad : memref<3x5xf32>, vector<2x4xf32>
        vector.transfer_write %v, %out[%i, %j] : vector<2x4xf32>, memref<3x5xf32>
        return %v : vector<2x4xf32>
      }
    "#);
    let mut m: Vec<f32> = (0..15).map(|i| i as f32).collect();
    for (i, j) in [(0i64, 0i64), (2, 3), (1, 2)] {
        let mut out = [0f32; 15];
        let (mut dm, mut dout) = (desc(&mut m, &[3, 5]), desc(&mut out, &[3, 5]));
        let (mut a, mut b) = (i, j);
        let mut v = [0f32; 8];
        call(
            &*code,
            "f",
            &[
                dm.as_mut_ptr(),
                dout.as_mut_ptr(),
                slot(&mut a),
                slot(&mut b),
                slot(&mut v),
            ],
        );
        let mut want_out = [0f32; 15];
        for r in 0..2 {
            for c in 0..4 {
                let (si, sj) = (i + r, j + c);
                let inside = si < 3 && sj < 5;
                let x = if inside {
                    m[(si * 5 + sj) as usize]
                } else {
                    -1.0
                };
                assert_eq!(v[(r * 4 + c) as usize], x, "lane ({r}, {c}) at ({i}, {j})");
                if inside {
                    want_out[(si * 5 + sj) as usize] = x;
                }
            }
        }
        assert_eq!(out, want_out, "written at ({i}, {j})");
    }
}

#[test]
fn transposed_and_masked_transfers_gather_and_scatter() {
    let code = jit(r#"
      func.func @f(%m: memref<4x4xf32>, %out: memref<4x4xf32>, %n: index) -> vector<3x2xf32> {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %pad = arith.constant 0.5 : f32
        %v = vector.transfer_read %m[%c1, %c0], %pad {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<4x4xf32>, vector<3x2xf32>
        %mask = vector.create_mask %n : vector<4xi1>
        %w = vector.transfer_read %m[%c0, %c0], %pad : memref<4x4xf32>, vector<4xf32>
        vector.transfer_write %w, %out[%c1, %c0], %mask {in_bounds = [true]} : vector<4xf32>, memref<4x4xf32>
        return %v : vector<3x2xf32>
      }
    "#);
    let mut m: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let mut out = [0f32; 16];
    let (mut dm, mut dout) = (desc(&mut m, &[4, 4]), desc(&mut out, &[4, 4]));
    let mut n = 3i64;
    let mut v = [0f32; 6];
    call(
        &*code,
        "f",
        &[
            dm.as_mut_ptr(),
            dout.as_mut_ptr(),
            slot(&mut n),
            slot(&mut v),
        ],
    );
    // v[a][b] = m[1 + b][a].
    let want: Vec<f32> = (0..3)
        .flat_map(|a| (0..2).map(move |b| ((1 + b) * 4 + a) as f32))
        .collect();
    assert_eq!(&v[..], &want[..]);
    assert_eq!(&out[4..8], &[0.0, 1.0, 2.0, 0.0]);
    assert!(out[..4].iter().chain(&out[8..]).all(|&x| x == 0.0));
}

#[test]
fn masked_load_store_and_constant_mask() {
    let code = jit(r#"
      func.func @f(%m: memref<8xi32>, %out: memref<8xi32>) {
        %c0 = arith.constant 0 : index
        %mask = vector.constant_mask [5] : vector<8xi1>
        %pass = arith.constant dense<-1> : vector<8xi32>
        %v = vector.maskedload %m[%c0], %mask, %pass : memref<8xi32>, vector<8xi1>, vector<8xi32> into vector<8xi32>
        %two = arith.constant dense<2> : vector<8xi32>
        %w = arith.muli %v, %two : vector<8xi32>
        vector.maskedstore %out[%c0], %mask, %w : memref<8xi32>, vector<8xi1>, vector<8xi32>
        return
      }
    "#);
    let mut m: Vec<i32> = (10..18).collect();
    let mut out = [7i32; 8];
    let (mut dm, mut dout) = (desc(&mut m, &[8]), desc(&mut out, &[8]));
    call(&*code, "f", &[dm.as_mut_ptr(), dout.as_mut_ptr()]);
    assert_eq!(out, [20, 22, 24, 26, 28, 7, 7, 7]);
}

// ----- emitters ---------------------------------------------------------------

const SAXPY: &str = r#"
  func.func @saxpy(%a: f32, %x: memref<8xf32>, %y: memref<8xf32>) -> f32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %z = arith.constant 0.0 : f32
    %s = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %z) -> (f32) {
      %xi = memref.load %x[%i] : memref<8xf32>
      %yi = memref.load %y[%i] : memref<8xf32>
      %p = arith.mulf %a, %xi : f32
      %r = arith.addf %p, %yi : f32
      memref.store %r, %y[%i] : memref<8xf32>
      %t = arith.addf %acc, %r : f32
      scf.yield %t : f32
    }
    return %s : f32
  }
"#;

#[test]
fn emitters_write_ir_assembly_objects_and_a_header() {
    let (ctx, m) = parse(SAXPY);
    let opts = BackendOptions::default();
    let ir = llvm::emit_llvm_ir(&ctx, m, &opts).unwrap();
    assert!(ir.contains("define"), "{ir}");
    assert!(ir.contains("@_tessera_packed_saxpy"), "{ir}");
    assert!(ir.contains("@_mlir_ciface_saxpy"), "{ir}");
    assert!(ir.contains("\"target-cpu\""), "{ir}");
    let asm = llvm::emit_asm(&ctx, m, &opts).unwrap();
    assert!(asm.contains("_mlir_ciface_saxpy"), "{asm}");
    let obj = llvm::emit_object(&ctx, m, &opts).unwrap();
    assert!(obj.starts_with(b"\x7fELF"));
    let header = llvm::emit_c_header(&ctx, m).unwrap();
    assert!(header.contains("float _mlir_ciface_saxpy(float arg0, tessera_memref_1d_f32 *arg1, tessera_memref_1d_f32 *arg2);"), "{header}");
    assert!(
        header.contains("void _tessera_packed_saxpy(void **args);"),
        "{header}"
    );
    assert!(header.contains("int64_t sizes[1];"), "{header}");
}

#[test]
fn c_interface_of_small_integers_and_index_memrefs() {
    let (ctx, m) = parse(
        r#"
      func.func @g(%b: i1, %c: i8, %m: memref<2xi64>, %n: memref<3xindex>) -> i1 {
        return %b : i1
      }
    "#,
    );
    let header = llvm::emit_c_header(&ctx, m).unwrap();
    assert!(
        header.contains(
            "bool _mlir_ciface_g(bool arg0, int8_t arg1, tessera_memref_1d_i64 *arg2, \
             tessera_memref_1d_i64 *arg3);"
        ),
        "{header}"
    );
    assert_eq!(
        header.matches("} tessera_memref_1d_i64;").count(),
        1,
        "{header}"
    );
    let ir = llvm::emit_llvm_ir(&ctx, m, &BackendOptions::default()).unwrap();
    let line = ir
        .lines()
        .find(|l| l.contains("@_mlir_ciface_g("))
        .expect("the C interface");
    assert!(line.contains("zeroext i1 @_mlir_ciface_g("), "{line}");
    assert!(line.contains("zeroext %0, i8 signext %1"), "{line}");
}

/// The object file and header work from C: compiled with the system C
/// compiler, linked, and run.
#[test]
fn object_file_links_and_runs_from_c() {
    let (ctx, m) = parse(SAXPY);
    let opts = BackendOptions::default();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("saxpy.o"),
        llvm::emit_object(&ctx, m, &opts).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("saxpy.h"),
        llvm::emit_c_header(&ctx, m).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.c"),
        r#"
#include <stdio.h>
#include "saxpy.h"
int main(void) {
  float x[8], y[8];
  for (int i = 0; i < 8; i++) { x[i] = (float)i; y[i] = 1.0f; }
  tessera_memref_1d_f32 dx = {x, x, 0, {8}, {1}}, dy = {y, y, 0, {8}, {1}};
  float s = _mlir_ciface_saxpy(2.0f, &dx, &dy);
  float a = 2.0f;
  void *args[4] = {&a, &dx, &dy, &s};
  _tessera_packed_saxpy(args);
  printf("%g %g %g\n", s, y[0], y[7]);
  return 0;
}
"#,
    )
    .unwrap();
    let exe = dir.path().join("main");
    let status = std::process::Command::new("cc")
        .current_dir(dir.path())
        .args(["main.c", "saxpy.o", "-lm", "-o"])
        .arg(&exe)
        .status()
        .expect("a C compiler (cc) is needed for this test");
    assert!(status.success());
    let out = std::process::Command::new(&exe).output().unwrap();
    // First call: y = 2x + 1, sum 64; second call: y = 2x + (2x + 1).
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "120 1 29");
}

// ----- errors -----------------------------------------------------------------

#[test]
fn unsupported_ops_and_types_are_errors_with_locations() {
    let (ctx, m) = parse(
        r#"
      func.func @f(%m: memref<4xf32>) {
        affine.for %i = 0 to 4 {
          %x = affine.load %m[%i] : memref<4xf32>
        }
        return
      }
    "#,
    );
    let err = llvm::compile(&ctx, m, &BackendOptions::default())
        .err()
        .expect("an error");
    assert!(err.message.contains("affine.for"), "{}", err.message);
    assert!(err.loc.is_some());

    let (ctx, m) = parse(
        r#"
      func.func @g(%t: tensor<4xf32>) -> tensor<4xf32> {
        return %t : tensor<4xf32>
      }
    "#,
    );
    let err = llvm::compile(&ctx, m, &BackendOptions::default())
        .err()
        .expect("an error");
    assert!(err.message.contains("tensor<4xf32>"), "{}", err.message);
    assert!(err.loc.is_some());
}

#[test]
fn vector_print_is_not_supported() {
    let (ctx, m) = parse(
        r#"
      func.func @f(%v: vector<4xf32>) {
        vector.print %v : vector<4xf32>
        return
      }
    "#,
    );
    let err = llvm::emit_llvm_ir(&ctx, m, &BackendOptions::default()).expect_err("an error");
    assert!(err.message.contains("vector.print"), "{}", err.message);
    assert!(err.loc.is_some());
}

#[test]
fn an_undefined_external_function_is_an_error() {
    let (ctx, m) = parse(
        r#"
      func.func private @mystery(f32) -> f32
      func.func @f(%x: f32) -> f32 {
        %y = func.call @mystery(%x) : (f32) -> f32
        return %y : f32
      }
    "#,
    );
    let err = llvm::compile(&ctx, m, &BackendOptions::default())
        .err()
        .expect("an error");
    assert!(err.message.contains("mystery"), "{}", err.message);
    // A declared C library function resolves to the runtime's.
    let code = jit(r#"
      func.func private @expf(f32) -> f32
      func.func @f(%x: f32) -> f32 {
        %y = func.call @expf(%x) : (f32) -> f32
        return %y : f32
      }
    "#);
    let (mut x, mut y) = (1.5f32, 0f32);
    call(&*code, "f", &[slot(&mut x), slot(&mut y)]);
    assert_eq!(y, 1.5f32.exp());
}

#[test]
fn compiled_code_is_shared_across_threads() {
    let code: std::sync::Arc<dyn JitCode> = jit(SAXPY).into();
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let code = code.clone();
            std::thread::spawn(move || {
                let mut x = [1f32; 8];
                let mut y = [k as f32; 8];
                let (mut dx, mut dy) = (desc(&mut x, &[8]), desc(&mut y, &[8]));
                let (mut a, mut s) = (3f32, 0f32);
                call(
                    &*code,
                    "saxpy",
                    &[slot(&mut a), dx.as_mut_ptr(), dy.as_mut_ptr(), slot(&mut s)],
                );
                s
            })
        })
        .collect();
    for (k, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), 8.0 * (3.0 + k as f32));
    }
}

// ----- against the loop interpreter --------------------------------------------

mod differential {
    //! The same functions run by the loop interpreter and by compiled
    //! code on the same random inputs agree within 1e-5 (relative).

    use super::*;
    use tessera_compiler::{FloatKind, TypeData};
    use tessera_dialects::interp::loops::{LoopValue, MemRef, run_loop_function};
    use tessera_dialects::interp::scalar::{ElemTy, Scalar};

    /// Deterministic inputs in [-2, 2).
    fn inputs(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
            })
            .collect()
    }

    /// Runs `@main` of `text` (all arguments `memref<..xf32>`, results
    /// `f32`) both ways and compares every buffer and result.
    fn check(text: &str) {
        let (ctx, module) = parse(text);
        let main = ctx
            .lookup_symbol_in(module, "main")
            .expect("a function @main");
        let (ins, outs) = tessera_dialects::func::function_type(&ctx, main).unwrap();
        let shapes: Vec<Vec<i64>> = ins
            .iter()
            .map(|&t| match ctx.type_data(t) {
                TypeData::MemRef { shape, elem, .. } => {
                    assert_eq!(*ctx.type_data(*elem), TypeData::Float(FloatKind::F32));
                    shape.clone()
                }
                _ => panic!("@main takes memrefs of f32"),
            })
            .collect();
        let mut bufs: Vec<Vec<f32>> = shapes
            .iter()
            .enumerate()
            .map(|(i, s)| inputs(s.iter().product::<i64>() as usize, i as u64 + 1))
            .collect();
        // The interpreter.
        let mut args: Vec<LoopValue> = bufs
            .iter()
            .zip(&shapes)
            .map(|(b, s)| {
                let dims: Vec<usize> = s.iter().map(|&d| d as usize).collect();
                let vals: Vec<Scalar> = b.iter().map(|&x| Scalar::F32(x)).collect();
                LoopValue::MemRef(
                    MemRef::from_scalars(ElemTy::Float(FloatKind::F32), &dims, &vals).unwrap(),
                )
            })
            .collect();
        let want = run_loop_function(&ctx, module, "main", &mut args)
            .unwrap_or_else(|e| panic!("interpreter: {}", e.message));
        // Compiled code.
        let code = llvm::compile(&ctx, module, &BackendOptions::default())
            .unwrap_or_else(|e| panic!("compile error: {e}"));
        let mut descs: Vec<MemRefDescriptor> = bufs
            .iter_mut()
            .zip(&shapes)
            .map(|(b, s)| desc(b, s))
            .collect();
        let mut results = vec![0f32; outs.len()];
        let mut slots: Vec<*mut c_void> = descs.iter_mut().map(|d| d.as_mut_ptr()).collect();
        slots.extend(results.iter_mut().map(slot));
        call(&*code, "main", &slots);
        let close = |got: f32, want: f32| {
            got == want
                || (got.is_nan() && want.is_nan())
                || (got - want).abs() <= 1e-5 * want.abs().max(1e-30)
        };
        for (i, (arg, buf)) in args.iter().zip(&bufs).enumerate() {
            let interp = arg.as_memref().unwrap().to_scalars().unwrap();
            for (k, (s, &g)) in interp.iter().zip(buf).enumerate() {
                let Scalar::F32(w) = *s else {
                    panic!("not f32")
                };
                assert!(
                    close(g, w),
                    "argument {i} element {k}: compiled {g}, interpreter {w}"
                );
            }
        }
        for (j, (w, &g)) in want.iter().zip(&results).enumerate() {
            let Some(Scalar::F32(w)) = w.as_scalar() else {
                panic!("result {j} is not f32")
            };
            assert!(close(g, w), "result {j}: compiled {g}, interpreter {w}");
        }
    }

    #[test]
    fn softmax_rows() {
        check(
            r#"
          func.func @main(%x: memref<4x13xf32>, %y: memref<4x13xf32>) {
            %c0 = arith.constant 0 : index
            %c1 = arith.constant 1 : index
            %c4 = arith.constant 4 : index
            %c13 = arith.constant 13 : index
            %ninf = arith.constant 0xFF800000 : f32
            %zero = arith.constant 0.0 : f32
            scf.for %i = %c0 to %c4 step %c1 {
              %m = scf.for %j = %c0 to %c13 step %c1 iter_args(%a = %ninf) -> (f32) {
                %v = memref.load %x[%i, %j] : memref<4x13xf32>
                %n = arith.maximumf %a, %v : f32
                scf.yield %n : f32
              }
              %s = scf.for %j = %c0 to %c13 step %c1 iter_args(%a = %zero) -> (f32) {
                %v = memref.load %x[%i, %j] : memref<4x13xf32>
                %d = arith.subf %v, %m : f32
                %e = math.exp %d : f32
                memref.store %e, %y[%i, %j] : memref<4x13xf32>
                %n = arith.addf %a, %e : f32
                scf.yield %n : f32
              }
              scf.for %j = %c0 to %c13 step %c1 {
                %e = memref.load %y[%i, %j] : memref<4x13xf32>
                %q = arith.divf %e, %s : f32
                memref.store %q, %y[%i, %j] : memref<4x13xf32>
              }
            }
            return
          }
        "#,
        );
    }

    #[test]
    fn matmul_bias_gelu_through_a_temporary() {
        check(
            r#"
          func.func @main(%a: memref<5x7xf32>, %b: memref<7x6xf32>, %bias: memref<6xf32>, %out: memref<5x6xf32>) -> f32 {
            %c0 = arith.constant 0 : index
            %c1 = arith.constant 1 : index
            %c5 = arith.constant 5 : index
            %c6 = arith.constant 6 : index
            %c7 = arith.constant 7 : index
            %zero = arith.constant 0.0 : f32
            %half = arith.constant 0.5 : f32
            %one = arith.constant 1.0 : f32
            %rs2 = arith.constant 0.707106769 : f32
            %tmp = memref.alloc() : memref<5x6xf32>
            scf.for %i = %c0 to %c5 step %c1 {
              scf.for %j = %c0 to %c6 step %c1 {
                %s = scf.for %k = %c0 to %c7 step %c1 iter_args(%acc = %zero) -> (f32) {
                  %x = memref.load %a[%i, %k] : memref<5x7xf32>
                  %y = memref.load %b[%k, %j] : memref<7x6xf32>
                  %p = arith.mulf %x, %y : f32
                  %t = arith.addf %acc, %p : f32
                  scf.yield %t : f32
                }
                %bj = memref.load %bias[%j] : memref<6xf32>
                %sb = arith.addf %s, %bj : f32
                memref.store %sb, %tmp[%i, %j] : memref<5x6xf32>
              }
            }
            %total = scf.for %i = %c0 to %c5 step %c1 iter_args(%acc0 = %zero) -> (f32) {
              %row = scf.for %j = %c0 to %c6 step %c1 iter_args(%acc = %acc0) -> (f32) {
                %v = memref.load %tmp[%i, %j] : memref<5x6xf32>
                %u = arith.mulf %v, %rs2 : f32
                %e = math.erf %u : f32
                %e1 = arith.addf %e, %one : f32
                %h = arith.mulf %v, %half : f32
                %g = arith.mulf %h, %e1 : f32
                memref.store %g, %out[%i, %j] : memref<5x6xf32>
                %t = arith.addf %acc, %g : f32
                scf.yield %t : f32
              }
              scf.yield %row : f32
            }
            memref.dealloc %tmp : memref<5x6xf32>
            return %total : f32
          }
        "#,
        );
    }

    #[test]
    fn vectorized_rows_with_masked_tails() {
        check(
            r#"
          func.func @main(%x: memref<3x10xf32>, %y: memref<3x10xf32>) -> f32 {
            %c0 = arith.constant 0 : index
            %c1 = arith.constant 1 : index
            %c3 = arith.constant 3 : index
            %c8 = arith.constant 8 : index
            %c10 = arith.constant 10 : index
            %pad = arith.constant 0.0 : f32
            %two = arith.constant dense<2.0> : vector<8xf32>
            %zero = arith.constant 0.0 : f32
            %s = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (f32) {
              %r = scf.for %j = %c0 to %c10 step %c8 iter_args(%a = %acc) -> (f32) {
                %v = vector.transfer_read %x[%i, %j], %pad : memref<3x10xf32>, vector<8xf32>
                %w = vector.fma %v, %two, %v : vector<8xf32>
                %t = math.tanh %w : vector<8xf32>
                vector.transfer_write %t, %y[%i, %j] : vector<8xf32>, memref<3x10xf32>
                %m = vector.reduction <maxnumf>, %t, %a : vector<8xf32> into f32
                scf.yield %m : f32
              }
              scf.yield %r : f32
            }
            return %s : f32
          }
        "#,
        );
    }

    #[test]
    fn while_and_if_newton_square_roots() {
        check(
            r#"
          func.func @main(%x: memref<9xf32>, %y: memref<9xf32>) {
            %c0 = arith.constant 0 : index
            %c1 = arith.constant 1 : index
            %c9 = arith.constant 9 : index
            %half = arith.constant 0.5 : f32
            %eps = arith.constant 1.0e-6 : f32
            %zero = arith.constant 0.0 : f32
            %limit = arith.constant 50 : i32
            %one = arith.constant 1 : i32
            %z = arith.constant 0 : i32
            scf.for %i = %c0 to %c9 step %c1 {
              %v = memref.load %x[%i] : memref<9xf32>
              %a = math.absf %v : f32
              %pos = arith.cmpf ogt, %a, %zero : f32
              %r = scf.if %pos -> (f32) {
                %g:2 = scf.while (%g = %a, %n = %z) : (f32, i32) -> (f32, i32) {
                  %q = arith.divf %a, %g : f32
                  %d = arith.subf %g, %q : f32
                  %ad = math.absf %d : f32
                  %far = arith.cmpf ogt, %ad, %eps : f32
                  %more = arith.cmpi slt, %n, %limit : i32
                  %go = arith.andi %far, %more : i1
                  scf.condition(%go) %g, %n : f32, i32
                } do {
                ^bb0(%g: f32, %n: i32):
                  %q = arith.divf %a, %g : f32
                  %s = arith.addf %g, %q : f32
                  %h = arith.mulf %s, %half : f32
                  %n1 = arith.addi %n, %one : i32
                  scf.yield %h, %n1 : f32, i32
                }
                scf.yield %g#0 : f32
              } else {
                scf.yield %zero : f32
              }
              %c = math.copysign %r, %v : f32
              memref.store %c, %y[%i] : memref<9xf32>
            }
            return
          }
        "#,
        );
    }
}
