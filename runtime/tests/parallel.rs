//! `scf.parallel` on the thread pool (LLVM backend): compiled with two
//! worker threads, parallel loops give bit for bit what one thread and the
//! loop interpreter give, really run on the pool, and compiled code can be
//! called from several host threads at once.

use std::ffi::c_void;
use std::path::Path;

use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::{Context, FloatKind, OpId};
use tessera_dialects::interp::loops::{LoopValue, MemRef, run_loop_function};
use tessera_dialects::interp::scalar::{ElemTy, Scalar};
use tessera_runtime::backend::parallel::pool_runs;
use tessera_runtime::backend::{BackendOptions, JitCode, MemRefDescriptor, llvm};
use tessera_runtime::npy::read_npy;
use tessera_runtime::{Backend, CompileOptions, Engine, Pipeline, Tensor};

/// Parses and verifies `text` with every dialect registered.
fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "parallel.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config)
        .unwrap_or_else(|d| panic!("parse error: {}", d[0].message));
    if let Err(d) = tessera_compiler::verify::verify(&ctx, module) {
        panic!("verify error: {}", d[0].message);
    }
    (ctx, module)
}

/// Compiles `text` at -O3 for `threads` workers.
fn jit(ctx: &Context, module: OpId, threads: usize) -> Box<dyn JitCode> {
    let opts = BackendOptions {
        opt_level: 3,
        threads,
    };
    llvm::compile(ctx, module, &opts).unwrap_or_else(|e| panic!("compile error: {e}"))
}

/// Deterministic values in [-2, 2).
fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

/// Calls `@main` of `code` on f32 buffers of the given shapes (updated
/// in place; memrefs of `?` size get the buffer's length).
fn call_main(code: &dyn JitCode, bufs: &mut [Vec<f32>], shapes: &[Vec<i64>]) {
    let mut descs: Vec<MemRefDescriptor> = bufs
        .iter_mut()
        .zip(shapes)
        .map(|(b, s)| MemRefDescriptor::contiguous(b.as_mut_ptr().cast(), s))
        .collect();
    let slots: Vec<*mut c_void> = descs.iter_mut().map(|d| d.as_mut_ptr()).collect();
    let f = code.packed_entry("main").expect("an entry for @main");
    // SAFETY: one descriptor per memref argument of @main, of its shape.
    unsafe { f(slots.as_ptr()) }
}

/// Runs `@main` of `ctx`'s module on the loop interpreter.
fn interpret(ctx: &Context, module: OpId, bufs: &[Vec<f32>], shapes: &[Vec<i64>]) -> Vec<Vec<f32>> {
    let mut args: Vec<LoopValue> = bufs
        .iter()
        .zip(shapes)
        .map(|(b, s)| {
            let dims: Vec<usize> = s.iter().map(|&d| d as usize).collect();
            let vals: Vec<Scalar> = b.iter().map(|&x| Scalar::F32(x)).collect();
            LoopValue::MemRef(
                MemRef::from_scalars(ElemTy::Float(FloatKind::F32), &dims, &vals).unwrap(),
            )
        })
        .collect();
    run_loop_function(ctx, module, "main", &mut args)
        .unwrap_or_else(|e| panic!("interpreter: {}", e.message));
    args.iter()
        .map(|a| match a {
            LoopValue::MemRef(m) => m
                .to_tensor()
                .unwrap()
                .to_le_bytes()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            _ => panic!("a memref argument"),
        })
        .collect()
}

/// The bits of every element, so NaNs and signed zeros compare exactly.
fn bits(bufs: &[Vec<f32>]) -> Vec<Vec<u32>> {
    bufs.iter()
        .map(|b| b.iter().map(|x| x.to_bits()).collect())
        .collect()
}

/// `@main` of `text` on one and on two threads, and on the interpreter
/// (when `interp`), from the same inputs: all bit for bit equal. Returns
/// how many loops the two-thread run sent to the pool.
fn check(text: &str, shapes: &[Vec<i64>], interp: bool) -> u64 {
    let (ctx, module) = parse(text);
    let fresh = || -> Vec<Vec<f32>> {
        shapes
            .iter()
            .enumerate()
            .map(|(i, s)| inputs(s.iter().product::<i64>() as usize, i as u64 + 1))
            .collect()
    };
    let mut one = fresh();
    call_main(&*jit(&ctx, module, 1), &mut one, shapes);
    let mut two = fresh();
    let code = jit(&ctx, module, 2);
    let before = pool_runs();
    call_main(&*code, &mut two, shapes);
    let runs = pool_runs() - before;
    assert_eq!(bits(&one), bits(&two), "1 vs 2 threads");
    if interp {
        let want = interpret(&ctx, module, &fresh(), shapes);
        assert_eq!(bits(&want), bits(&two), "interpreter vs 2 threads");
    }
    runs
}

const N: i64 = 1 << 20;

#[test]
fn element_wise_over_a_million_elements() {
    let text = format!(
        r#"
      func.func @main(%a: memref<{N}xf32>, %b: memref<{N}xf32>) {{
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %n = arith.constant {N} : index
        %one = arith.constant 1.0 : f32
        scf.parallel (%i) = (%c0) to (%n) step (%c1) {{
          %x = memref.load %a[%i] : memref<{N}xf32>
          %e = math.exp %x : f32
          %m = arith.mulf %e, %x : f32
          %s = arith.addf %m, %one : f32
          memref.store %s, %b[%i] : memref<{N}xf32>
          scf.reduce
        }}
        return
      }}"#
    );
    let runs = check(&text, &[vec![N], vec![N]], false);
    assert!(runs >= 1, "the loop ran on the pool");
}

#[test]
fn element_wise_agrees_with_the_interpreter() {
    // A smaller copy of the test above, for the interpreter's speed.
    let text = r#"
      func.func @main(%a: memref<4099xf32>, %b: memref<4099xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %n = arith.constant 4099 : index
        %one = arith.constant 1.0 : f32
        scf.parallel (%i) = (%c0) to (%n) step (%c1) {
          %x = memref.load %a[%i] : memref<4099xf32>
          %e = math.exp %x : f32
          %m = arith.mulf %e, %x : f32
          %s = arith.addf %m, %one : f32
          memref.store %s, %b[%i] : memref<4099xf32>
          scf.reduce
        }
        return
      }"#;
    assert!(check(text, &[vec![4099], vec![4099]], true) >= 1);
}

#[test]
fn steps_and_lower_bounds_are_respected() {
    // Every third element from 5 up to (not including) 1000 is written;
    // the others keep their input values.
    let text = r#"
      func.func @main(%a: memref<1000xf32>) {
        %c5 = arith.constant 5 : index
        %c3 = arith.constant 3 : index
        %n = arith.constant 1000 : index
        %two = arith.constant 2.0 : f32
        scf.parallel (%i) = (%c5) to (%n) step (%c3) {
          %x = memref.load %a[%i] : memref<1000xf32>
          %y = arith.mulf %x, %two : f32
          memref.store %y, %a[%i] : memref<1000xf32>
          scf.reduce
        }
        return
      }"#;
    assert!(check(text, &[vec![1000]], true) >= 1);
    let (ctx, module) = parse(text);
    let input = inputs(1000, 1);
    let mut bufs = vec![input.clone()];
    call_main(&*jit(&ctx, module, 2), &mut bufs, &[vec![1000]]);
    for (i, (&got, &x)) in bufs[0].iter().zip(&input).enumerate() {
        let want = if i >= 5 && (i - 5) % 3 == 0 {
            x * 2.0
        } else {
            x
        };
        assert_eq!(got.to_bits(), want.to_bits(), "element {i}");
    }
}

#[test]
fn a_matmul_parallel_over_rows_and_columns() {
    // Two parallel dimensions: rows go to the workers, columns run
    // sequentially inside each; the k loop carries the sum.
    let text = r#"
      func.func @main(%a: memref<67x45xf32>, %b: memref<45x53xf32>, %c: memref<67x53xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %m = arith.constant 67 : index
        %k = arith.constant 45 : index
        %n = arith.constant 53 : index
        %zero = arith.constant 0.0 : f32
        scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
          %sum = scf.for %kk = %c0 to %k step %c1 iter_args(%acc = %zero) -> (f32) {
            %x = memref.load %a[%i, %kk] : memref<67x45xf32>
            %y = memref.load %b[%kk, %j] : memref<45x53xf32>
            %p = arith.mulf %x, %y : f32
            %s = arith.addf %acc, %p : f32
            scf.yield %s : f32
          }
          memref.store %sum, %c[%i, %j] : memref<67x53xf32>
          scf.reduce
        }
        return
      }"#;
    let shapes = [vec![67, 45], vec![45, 53], vec![67, 53]];
    assert!(check(text, &shapes, true) >= 1);
}

#[test]
fn dynamic_strides_and_nested_parallel_loops_are_captured() {
    // The offset and strides of a `?`-strided memref come from its
    // descriptor, captured into the body; the inner parallel loop (inside
    // a sequential one) runs sequentially within a worker; the scalar %s
    // is captured too.
    let text = r#"
      func.func @main(%a: memref<33x40xf32, strided<[?, ?], offset: ?>>, %scale: memref<1xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c2 = arith.constant 2 : index
        %c33 = arith.constant 33 : index
        %c40 = arith.constant 40 : index
        %s = memref.load %scale[%c0] : memref<1xf32>
        scf.parallel (%i) = (%c0) to (%c33) step (%c1) {
          scf.for %r = %c0 to %c2 step %c1 {
            scf.parallel (%j) = (%c0) to (%c40) step (%c1) {
              %x = memref.load %a[%i, %j] : memref<33x40xf32, strided<[?, ?], offset: ?>>
              %y = arith.mulf %x, %s : f32
              memref.store %y, %a[%i, %j] : memref<33x40xf32, strided<[?, ?], offset: ?>>
              scf.reduce
            }
          }
          scf.reduce
        }
        return
      }"#;
    assert!(check(text, &[vec![33, 40], vec![1]], true) >= 1);
}

#[test]
fn loops_with_reductions_stay_correct() {
    // A reduction runs sequentially even with two threads.
    let text = r#"
      func.func @main(%a: memref<1000xf32>, %out: memref<1xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %n = arith.constant 1000 : index
        %zero = arith.constant 0.0 : f32
        %sum = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
          %x = memref.load %a[%i] : memref<1000xf32>
          scf.reduce(%x : f32) {
          ^bb0(%l: f32, %r: f32):
            %t = arith.addf %l, %r : f32
            scf.reduce.return %t : f32
          }
        }
        memref.store %sum, %out[%c0] : memref<1xf32>
        return
      }"#;
    check(text, &[vec![1000], vec![1]], true);
}

#[test]
fn compiled_parallel_code_is_called_from_several_host_threads_at_once() {
    let text = r#"
      func.func @main(%a: memref<20000xf32>, %b: memref<20000xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %n = arith.constant 20000 : index
        scf.parallel (%i) = (%c0) to (%n) step (%c1) {
          %x = memref.load %a[%i] : memref<20000xf32>
          %y = math.tanh %x : f32
          memref.store %y, %b[%i] : memref<20000xf32>
          scf.reduce
        }
        return
      }"#;
    let (ctx, module) = parse(text);
    let code = jit(&ctx, module, 2);
    let shapes = [vec![20000], vec![20000]];
    std::thread::scope(|s| {
        for seed in 0..4u64 {
            let code = &code;
            let shapes = &shapes;
            s.spawn(move || {
                let a = inputs(20000, seed + 10);
                let before = pool_runs();
                for _ in 0..5 {
                    let mut bufs = vec![a.clone(), vec![0.0; 20000]];
                    call_main(&**code, &mut bufs, shapes);
                    for (x, y) in a.iter().zip(&bufs[1]) {
                        assert_eq!(y.to_bits(), x.tanh().to_bits());
                    }
                }
                assert_eq!(pool_runs() - before, 5, "each call used the pool");
            });
        }
    });
}

// ----- the engine at -O3 ---------------------------------------------------------

/// Runs an example at -O3 on LLVM with `threads` workers.
fn run_example(name: &str, threads: usize) -> (Vec<Tensor>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = CompileOptions {
        pipeline: Pipeline::O(3),
        backend: Backend::Llvm,
        threads,
        ..Default::default()
    };
    let m = Engine::new()
        .compile_file(&root.join(format!("examples/{name}.mlir")), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let x = read_npy(&root.join(format!("examples/{name}/x.npy"))).unwrap();
    let out = m
        .entry_point()
        .unwrap()
        .call(std::slice::from_ref(&x))
        .unwrap();
    (out, m.ir_text())
}

fn example_is_identical_on_one_and_two_threads(name: &str) {
    let (one, ir) = run_example(name, 1);
    assert!(
        ir.contains("scf.parallel"),
        "-O3 makes parallel loops:\n{ir}"
    );
    let before = pool_runs();
    let (two, _) = run_example(name, 2);
    // The MLP's batch is 1: its parallel loops have one iteration each,
    // which runs on the calling thread.
    if name != "mlp" {
        assert!(pool_runs() > before, "{name} ran loops on the pool");
    }
    assert_eq!(one.len(), two.len());
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.to_le_bytes(), b.to_le_bytes(), "{name}");
    }
}

#[test]
fn mlp_at_o3_is_identical_on_one_and_two_threads() {
    example_is_identical_on_one_and_two_threads("mlp");
}

#[test]
fn softmax_at_o3_is_identical_on_one_and_two_threads() {
    example_is_identical_on_one_and_two_threads("softmax");
}
