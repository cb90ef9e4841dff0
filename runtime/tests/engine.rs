//! The host API: compiling text into modules, finding and calling
//! functions, and every misuse giving a clear error instead of a panic.

use std::path::Path;

use tessera_runtime::npy::read_npy;
use tessera_runtime::{
    Backend, CompileError, CompileErrorKind, CompileOptions, CompiledModule, ElemType, Engine,
    Function, Pipeline, Profile, RunError, Signature, Tensor,
};

// Compiled modules and functions are shared across threads without a lock.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    assert_send_sync::<CompiledModule>();
    assert_send_sync::<Function>();
    assert_send_sync::<CompileError>();
    assert_send_sync::<RunError>();
    assert_send_sync::<Profile>();
};

/// Two results from two arguments, with a private helper called through `func.call`.
const TWO: &str = r#"func.func private @scale(%v: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %two = graph.constant {value = dense<2.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %0 = graph.mul %v, %two : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}
func.func @two(%a: tensor<2x3xf32> loc("a"), %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %s = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %d = func.call @scale(%s) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.cmp %d, %a {predicate = "gt"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  func.return %d, %c : tensor<2x3xf32>, tensor<2x3xi1>
}
"#;

fn engine() -> Engine {
    Engine::new()
}

fn compile(text: &str) -> CompiledModule {
    engine()
        .compile_text(text, "test.mlir", &CompileOptions::default())
        .unwrap_or_else(|e| panic!("compile failed:\n{e}"))
}

fn compile_err(text: &str, options: &CompileOptions) -> CompileError {
    match engine().compile_text(text, "bad.mlir", options) {
        Ok(m) => panic!("expected a compile error, got {m:?}"),
        Err(e) => e,
    }
}

fn f32s(shape: &[usize], v: &[f64]) -> Tensor {
    Tensor::from_f64s(ElemType::F32, shape, v).unwrap()
}

fn two_args() -> Vec<Tensor> {
    vec![
        f32s(&[2, 3], &[1.0, -2.0, 3.0, 0.5, 0.0, -1.0]),
        f32s(&[3], &[0.5, 1.0, -4.0]),
    ]
}

fn two_expected() -> Vec<Tensor> {
    let d = [3.0, -2.0, -2.0, 2.0, 2.0, -10.0];
    vec![
        f32s(&[2, 3], &d),
        Tensor::from_i64s(ElemType::I1, &[2, 3], &[1, 0, 0, 1, 1, 0]).unwrap(),
    ]
}

#[test]
fn calls_a_function_with_two_results() {
    let m = compile(TWO);
    assert_eq!(m.backend(), Backend::Interp);
    assert_eq!(m.function_names(), ["scale", "two"]);
    let f = m.entry_point().unwrap();
    assert_eq!(f.name(), "two");
    assert_eq!(
        f.signature().to_string(),
        "(tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>)"
    );
    assert_eq!(f.signature().arg_names, [Some("a".to_string()), None]);
    assert_eq!(f.call(&two_args()).unwrap(), two_expected());
    assert_eq!(f.call_owned(two_args()).unwrap(), two_expected());
    // Private functions can be called by name.
    let scale = m.function("scale").unwrap();
    let out = scale.call(&[f32s(&[2, 3], &[1.0; 6])]).unwrap();
    assert_eq!(out, [f32s(&[2, 3], &[2.0; 6])]);
}

#[test]
fn argument_errors_name_the_argument_and_both_types() {
    let m = compile(TWO);
    let f = m.function("two").unwrap();
    let [a, b] = two_args().try_into().unwrap();

    let e = f.call(std::slice::from_ref(&a)).unwrap_err();
    assert_eq!(e.to_string(), "@two takes 2 arguments, but 1 was given");
    let e = f.call(&[a.clone(), b.clone(), b.clone()]).unwrap_err();
    assert_eq!(e.to_string(), "@two takes 2 arguments, but 3 were given");
    assert!(matches!(
        e,
        RunError::Arity {
            expected: 2,
            got: 3,
            ..
        }
    ));

    let wrong_shape = f32s(&[2, 2], &[0.0; 4]);
    let e = f.call(&[wrong_shape, b.clone()]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "argument 0 (%a): expected tensor<2x3xf32>, got tensor<2x2xf32>"
    );
    let wrong_type = b.cast_to(ElemType::F64);
    let e = f.call(&[a.clone(), wrong_type]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "argument 1: expected tensor<3xf32>, got tensor<3xf64>"
    );
    let wrong_rank = f32s(&[1, 3], &[0.0; 3]);
    let e = f.call(&[a.clone(), wrong_rank]).unwrap_err();
    assert!(matches!(e, RunError::Argument { index: 1, .. }), "{e:?}");
    assert_eq!(
        f.signature()
            .check_arg("two", 2, &a)
            .unwrap_err()
            .to_string(),
        "@two takes 2 arguments, but 3 were given"
    );
}

#[test]
fn the_mlp_example_matches_numpy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let m = engine()
        .compile_file(&root.join("examples/mlp.mlir"), &CompileOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let x = read_npy(&root.join("examples/mlp/x.npy")).unwrap();
    let expected = read_npy(&root.join("examples/mlp/expected.npy")).unwrap();
    let main = m.entry_point().unwrap();
    assert_eq!(
        main.signature().to_string(),
        "(tensor<1x784xf32>) -> tensor<1x10xf32>"
    );
    let out = main.call(std::slice::from_ref(&x)).unwrap();
    out[0].allclose(&expected, 1e-4, 1e-6).unwrap();
    // The short inputs of a wrong model are refused before running.
    let short = Tensor::splat(ElemType::F32, &[1, 700], 0.5).unwrap();
    assert_eq!(
        main.call(&[short]).unwrap_err().to_string(),
        "argument 0: expected tensor<1x784xf32>, got tensor<1x700xf32>"
    );
}

#[test]
fn every_pipeline_gives_the_same_results() {
    let mut pipelines: Vec<Pipeline> = (0..=3).map(Pipeline::O).collect();
    pipelines.push(Pipeline::Text("builtin.module(cse)".to_string()));
    pipelines.push(Pipeline::Text(String::new()));
    for pipeline in pipelines {
        let options = CompileOptions {
            pipeline: pipeline.clone(),
            backend: Backend::Interp,
            ..Default::default()
        };
        let m = engine()
            .compile_text(TWO, "test.mlir", &options)
            .unwrap_or_else(|e| panic!("{pipeline:?}: {e}"));
        let out = m.entry_point().unwrap().call(&two_args()).unwrap();
        assert_eq!(out, two_expected(), "{pipeline:?}");
    }
    let options = CompileOptions {
        pipeline: Pipeline::Text("builtin.module(cse)".to_string()),
        ..CompileOptions::default()
    };
    let m = engine().compile_text(TWO, "t.mlir", &options).unwrap();
    assert_eq!(m.pipeline(), "builtin.module(cse)");
    // The IR after the pipeline can be read back.
    let ir = m.ir_text();
    assert!(ir.contains("func.func @two("), "{ir}");
    assert!(ir.contains("graph.cmp"), "{ir}");
    let again = compile(&ir);
    let out = again.entry_point().unwrap().call(&two_args()).unwrap();
    assert_eq!(out, two_expected());
}

#[test]
fn entry_point_rules() {
    let f = |name: &str, vis: &str| {
        format!(
            "func.func {vis}@{name}(%x: tensor<2xf32>) -> tensor<2xf32> {{\n  func.return %x : tensor<2xf32>\n}}\n"
        )
    };
    // `main` wins, even over other public functions.
    let m = compile(&(f("a", "") + &f("main", "") + &f("b", "")));
    assert_eq!(m.entry_point().unwrap().name(), "main");
    // Otherwise the only public function; private ones do not count.
    let m = compile(&(f("helper", "private ") + &f("run", "")));
    assert_eq!(m.entry_point().unwrap().name(), "run");
    // Several public functions: the error lists them.
    let m = compile(&(f("a", "") + &f("b", "")));
    let e = m.entry_point().unwrap_err();
    assert_eq!(
        e,
        RunError::NoEntryPoint {
            public: vec!["a".to_string(), "b".to_string()]
        }
    );
    assert_eq!(
        e.to_string(),
        "the module has no @main and 2 public functions (@a, @b); name the one to run"
    );
    // None at all.
    let m = compile(&f("only_private", "private "));
    assert_eq!(
        m.entry_point().unwrap_err().to_string(),
        "the module has no @main and no public function to run"
    );
    let m = compile("module {\n}\n");
    assert!(m.entry_point().is_err());
    assert_eq!(
        m.function("main").unwrap_err().to_string(),
        "no function @main: the module has no functions"
    );
}

#[test]
fn lookup_errors() {
    let m = compile(TWO);
    assert_eq!(
        m.function("nope").unwrap_err().to_string(),
        "no function @nope in the module; it has @scale, @two"
    );
    let decl = "func.func private @ext(tensor<2xf32>) -> tensor<2xf32>\n";
    let m = compile(decl);
    assert_eq!(
        m.function("ext").unwrap_err().to_string(),
        "@ext cannot be called: it is a declaration without a body"
    );
}

#[test]
fn compile_errors_render_locations_and_snippets() {
    let options = CompileOptions::default();
    let e = compile_err(
        "func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = graph.add %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>\n  func.return %0 : tensor<2xf32>\n}\n",
        &options,
    );
    assert_eq!(e.kind, CompileErrorKind::Parse);
    assert!(!e.is_usage_error());
    assert!(!e.diagnostics.is_empty());
    let text = e.to_string();
    assert!(text.contains("bad.mlir:2:"), "{text}");
    assert!(text.contains("graph.add %x, %y"), "no snippet:\n{text}");

    // Parses, but the result type is not the broadcast shape.
    let e = compile_err(
        "func.func @main(%x: tensor<2xf32>) -> tensor<3xf32> {\n  %0 = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>\n  func.return %0 : tensor<3xf32>\n}\n",
        &options,
    );
    assert_eq!(e.kind, CompileErrorKind::Verify);
    assert!(e.rendered().contains("bad.mlir:2:"), "{}", e.rendered());

    let e = engine()
        .compile_file(Path::new("/nonexistent/model.mlir"), &options)
        .unwrap_err();
    assert_eq!(e.kind, CompileErrorKind::Read);
    assert!(
        e.to_string()
            .starts_with("error: cannot read /nonexistent/model.mlir:"),
        "{e}"
    );
}

#[test]
fn pipeline_and_backend_errors_are_usage_errors() {
    let with = |pipeline: Pipeline, backend: Backend| CompileOptions {
        pipeline,
        backend,
        ..Default::default()
    };
    let e = compile_err(
        TWO,
        &with(
            Pipeline::Text("builtin.module(nope)".into()),
            Backend::Interp,
        ),
    );
    assert_eq!(e.kind, CompileErrorKind::Pipeline);
    assert!(e.is_usage_error());
    assert!(
        e.to_string()
            .contains("unknown pass 'nope'; valid passes: "),
        "{e}"
    );
    assert!(e.to_string().contains("cse"), "{e}");

    let e = compile_err(
        TWO,
        &with(Pipeline::Text("builtin.module(cse".into()), Backend::Interp),
    );
    assert_eq!(e.kind, CompileErrorKind::Pipeline);

    let e = compile_err(
        TWO,
        &with(Pipeline::Text("nosuch.op(cse)".into()), Backend::Interp),
    );
    assert_eq!(e.kind, CompileErrorKind::Pipeline, "{e}");

    let e = compile_err(TWO, &with(Pipeline::O(7), Backend::Interp));
    assert_eq!(
        e.to_string(),
        "error: unknown optimization level -O7; valid: -O0, -O1, -O2, -O3"
    );

    assert_eq!(Backend::from_name("cranelift"), Some(Backend::Cranelift));
    assert_eq!(Backend::from_name("gpu"), None);
    assert!(Backend::ALL.iter().all(|b| b.is_available()));
}

/// Every backend, at every level, computes what the interpreter computes:
/// two results (one of them `i1`), a call between functions, broadcasting.
#[test]
fn compiled_backends_agree_with_the_interpreter() {
    for backend in [Backend::Llvm, Backend::Cranelift] {
        for level in 0..=3 {
            let options = CompileOptions {
                pipeline: Pipeline::O(level),
                backend,
                ..Default::default()
            };
            let m = engine()
                .compile_text(TWO, "two.mlir", &options)
                .unwrap_or_else(|e| panic!("{backend} -O{level}:\n{e}"));
            assert_eq!(m.backend(), backend);
            let got = m.entry_point().unwrap().call(&two_args()).unwrap();
            let expected = two_expected();
            assert_eq!(got.len(), 2);
            got[0].allclose(&expected[0], 1e-6, 0.0).unwrap();
            assert_eq!(got[1], expected[1], "{backend} -O{level}");
            // A wrong argument is still an error, checked before any code runs.
            let e = m.entry_point().unwrap().call(&two_args()[..1]).unwrap_err();
            assert!(matches!(e, RunError::Arity { .. }), "{e}");
        }
    }
}

#[test]
fn run_time_errors_are_rendered_diagnostics() {
    // Verifies, but recurses without end: the interpreter's depth limit stops it.
    let m = compile(
        "func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = func.call @main(%x) : (tensor<2xf32>) -> tensor<2xf32>\n  func.return %0 : tensor<2xf32>\n}\n",
    );
    let f = m.entry_point().unwrap();
    let e = f.call(&[f32s(&[2], &[1.0, 2.0])]).unwrap_err();
    let RunError::Execution { message, rendered } = &e else {
        panic!("expected an execution error, got {e:?}");
    };
    assert!(message.contains("call depth limit"), "{message}");
    assert!(rendered.contains("test.mlir:2:"), "{rendered}");
    assert!(rendered.contains("func.call @main(%x)"), "{rendered}");
}

#[test]
fn profiled_calls_give_the_same_results_and_time_each_op() {
    let m = compile(TWO);
    let f = m.entry_point().unwrap();
    let mut profile = Profile::new();
    for _ in 0..3 {
        let out = f.call_profiled(&two_args(), &mut profile).unwrap();
        assert_eq!(out, two_expected());
    }
    assert_eq!(profile.runs(), 3);
    let rows = profile.rows();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    // -O2 outlines each kernel (graph-fuse): a row per kernel, named by
    // its ops, located at its last op.
    for want in [
        "func.call @kernel1_add",
        "func.call @scale",
        "func.call @kernel2_cmp",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    assert_eq!(rows.len(), 3, "{names:?}");
    assert!(rows.iter().all(|r| r.calls == 3));
    let add = rows.iter().find(|r| r.name.ends_with("_add")).unwrap();
    assert_eq!(add.location, "test.mlir:7:8");
    let kernels: std::time::Duration = rows.iter().map(|r| r.total).sum();
    assert!(kernels <= profile.wall_time());
    let table = profile.render();
    assert!(table.contains("in 3 calls of @two"), "{table}");
    assert!(
        table.contains("kernel") && table.contains("share"),
        "{table}"
    );
    assert!(table.contains("(interpreter)"), "{table}");
    // Misuse is checked as for plain calls.
    let e = f.call_profiled(&[], &mut profile).unwrap_err();
    assert!(matches!(e, RunError::Arity { .. }));
}

#[test]
fn modules_are_shared_across_threads() {
    let m = compile(TWO);
    let f = m.entry_point().unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let f = f.clone();
                s.spawn(move || {
                    for _ in 0..20 {
                        assert_eq!(f.call(&two_args()).unwrap(), two_expected());
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
    // A function keeps its module alive.
    drop(m);
    assert_eq!(f.call(&two_args()).unwrap(), two_expected());
}

#[test]
fn signatures_print_as_function_types() {
    let m = compile(
        "func.func @f(%x: tensor<f64>, %y: tensor<4xi64>) -> tensor<f64> {\n  func.return %x : tensor<f64>\n}\n",
    );
    let f = m.function("f").unwrap();
    let sig: &Signature = f.signature();
    assert_eq!(
        sig.to_string(),
        "(tensor<f64>, tensor<4xi64>) -> tensor<f64>"
    );
    assert_eq!(sig.inputs[1].shape, [4]);
}

/// With a pipeline that lowers to loops, the interpreter backend runs the
/// loop-level interpreter on the result (memref parameters and
/// out-parameters), against the same source signature.
#[test]
fn the_interpreter_runs_loop_level_pipelines_too() {
    for pipeline in [
        "builtin.module(convert-graph-to-affine)",
        "builtin.module(graph-fuse,convert-graph-to-affine,lower-affine)",
    ] {
        let options = CompileOptions {
            pipeline: Pipeline::Text(pipeline.into()),
            ..Default::default()
        };
        let m = engine().compile_text(TWO, "two.mlir", &options).unwrap();
        assert!(m.ir_text().contains("memref<2x3xf32>"), "{pipeline}");
        let got = m.entry_point().unwrap().call(&two_args()).unwrap();
        let expected = two_expected();
        got[0].allclose(&expected[0], 1e-6, 0.0).unwrap();
        assert_eq!(got[1], expected[1], "{pipeline}");
    }
}
