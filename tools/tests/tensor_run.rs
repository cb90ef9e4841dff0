//! `tensor-run` end to end: the MLP example against NumPy, results printed
//! and written, every error path with its exit status and message, and the
//! `--bench` and `--profile` output formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tessera_runtime::npy::{read_npy, write_npy};
use tessera_runtime::{ElemType, Tensor};

/// The run's exit status, stdout and stderr.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tensor_run(args: &[&str]) -> Run {
    tensor_run_stdin(args, None)
}

fn tensor_run_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tensor-run"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tensor-run starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().expect("tensor-run finishes");
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "tensor-run panicked:\n{}",
        run.stderr
    );
    run
}

impl Run {
    #[track_caller]
    fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit status\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn mlp() -> String {
    root().join("examples/mlp.mlir").display().to_string()
}

fn mlp_x() -> String {
    root().join("examples/mlp/x.npy").display().to_string()
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

/// Two results; `@two` is the only public function.
const TWO: &str = r#"func.func private @scale(%v: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %two = graph.constant {value = dense<2.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %0 = graph.mul %v, %two : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}
func.func @two(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %s = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %d = func.call @scale(%s) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.cmp %d, %a {predicate = "gt"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  func.return %d, %c : tensor<2x3xf32>, tensor<2x3xi1>
}
"#;

/// A directory holding `two.mlir` and its inputs `a.npy`, `b.npy`.
fn two_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.mlir"), TWO).unwrap();
    let a = Tensor::from_f64s(ElemType::F32, &[2, 3], &[1.0, -2.0, 3.0, 0.5, 0.0, -1.0]).unwrap();
    let b = Tensor::from_f64s(ElemType::F32, &[3], &[0.5, 1.0, -4.0]).unwrap();
    write_npy(&dir.path().join("a.npy"), &a).unwrap();
    write_npy(&dir.path().join("b.npy"), &b).unwrap();
    dir
}

#[test]
fn mlp_matches_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = tensor_run(&[&mlp(), "--input", &mlp_x(), "--output-dir", &p(&out)]);
    run.expect(0);
    // Without --backend: the contract's default, llvm, runs quietly.
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, "");
    let got = read_npy(&out.join("0.npy")).unwrap();
    let expected = read_npy(&root().join("examples/mlp/expected.npy")).unwrap();
    // The softmax ends in a reduction: the spec's tolerance is 1e-4 relative.
    got.allclose(&expected, 1e-4, 1e-6).unwrap();
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["0.npy"], "only the result, no temporary files");
}

#[test]
fn mlp_results_are_printed_like_numpy() {
    let run = tensor_run(&[&mlp(), "--backend", "interp", "--input", &mlp_x()]);
    run.expect(0);
    assert_eq!(run.stderr, "", "no note when the backend is explicit");
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("result 0: tensor<1x10xf32>"));
    let values: String = lines.collect::<Vec<_>>().join(" ");
    let values: Vec<f64> = values
        .trim_matches(|c| c == '[' || c == ']')
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let expected = read_npy(&root().join("examples/mlp/expected.npy")).unwrap();
    let printed = Tensor::from_f64s(ElemType::F32, &[1, 10], &values).unwrap();
    // Printed with 8 digits: as close as the written file.
    printed.allclose(&expected, 1e-4, 1e-6).unwrap();
}

#[test]
fn two_results_printed_and_written() {
    let dir = two_fixture();
    let file = p(&dir.path().join("two.mlir"));
    let (a, b) = (p(&dir.path().join("a.npy")), p(&dir.path().join("b.npy")));
    let run = tensor_run(&[&file, "--backend=interp", "--input", &a, "--input", &b]);
    run.expect(0);
    assert_eq!(
        run.stdout,
        "result 0: tensor<2x3xf32>\n[[  3.  -2.  -2.]\n [  2.   2. -10.]]\n\
         result 1: tensor<2x3xi1>\n[[ True False False]\n [ True  True False]]\n"
    );

    // Nested, missing output directories are created.
    let out = dir.path().join("out/nested");
    tensor_run(&[
        &file,
        "--input",
        &a,
        "--input",
        &b,
        "--output-dir",
        &p(&out),
    ])
    .expect(0);
    assert_eq!(
        read_npy(&out.join("0.npy")).unwrap(),
        Tensor::from_f64s(ElemType::F32, &[2, 3], &[3.0, -2.0, -2.0, 2.0, 2.0, -10.0]).unwrap()
    );
    assert_eq!(
        read_npy(&out.join("1.npy")).unwrap(),
        Tensor::from_i64s(ElemType::I1, &[2, 3], &[1, 0, 0, 1, 1, 0]).unwrap()
    );

    // Every pipeline gives the same answer; the file can come from stdin.
    for flags in [
        &["-O0"][..],
        &["-O3"],
        &["--pass-pipeline=builtin.module(cse,canonicalize)"],
        &["--pass-pipeline", ""],
        &["--threads", "4"],
    ] {
        let mut args = vec!["-", "--backend", "interp", "--input", &a, "--input", &b];
        args.extend_from_slice(flags);
        let again = tensor_run_stdin(&args, Some(TWO));
        again.expect(0);
        assert_eq!(again.stdout, run.stdout, "{flags:?}");
    }
}

#[test]
fn explicit_entry_selects_a_function() {
    let dir = two_fixture();
    let file = p(&dir.path().join("two.mlir"));
    let a = p(&dir.path().join("a.npy"));
    let run = tensor_run(&[
        &file,
        "--backend",
        "interp",
        "--entry",
        "scale",
        "--input",
        &a,
    ]);
    run.expect(0);
    assert!(
        run.stdout
            .starts_with("result 0: tensor<2x3xf32>\n[[ 2. -4.  6.]\n [ 1.  0. -2.]]"),
        "{}",
        run.stdout
    );
}

#[test]
fn input_errors_name_the_argument_and_both_types() {
    let dir = tempfile::tempdir().unwrap();
    let x = mlp_x();
    let base = ["--backend", "interp"];
    let run_with = |extra: &[&str]| {
        let mut args = vec![mlp()];
        args.extend(base.iter().chain(extra).map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        tensor_run(&args)
    };

    run_with(&[]).expect(1).stderr_has(
        "error: missing input for argument 0: expected tensor<1x784xf32> (@main takes 1 argument; give one --input PATH.npy each)",
    );
    run_with(&["--input", &x, "--input", &x]).expect(1).stderr_has(
        "error: too many inputs: @main takes 1 argument ((tensor<1x784xf32>) -> tensor<1x10xf32>), but 2 --input files were given",
    );

    let short = dir.path().join("short.npy");
    write_npy(
        &short,
        &Tensor::splat(ElemType::F32, &[1, 700], 0.5).unwrap(),
    )
    .unwrap();
    run_with(&["--input", &p(&short)])
        .expect(1)
        .stderr_has(&format!(
            "error: argument 0: expected tensor<1x784xf32>, got tensor<1x700xf32> (from {})",
            p(&short)
        ));

    let wide = dir.path().join("f64.npy");
    write_npy(
        &wide,
        &Tensor::splat(ElemType::F64, &[1, 784], 0.5).unwrap(),
    )
    .unwrap();
    run_with(&["--input", &p(&wide)])
        .expect(1)
        .stderr_has("error: argument 0: expected tensor<1x784xf32>, got tensor<1x784xf64>");

    let corrupt = dir.path().join("corrupt.npy");
    std::fs::write(&corrupt, b"this is not numpy").unwrap();
    run_with(&["--input", &p(&corrupt)])
        .expect(1)
        .stderr_has("error: argument 0: expected tensor<1x784xf32>, but the input cannot be used: ")
        .stderr_has("corrupt.npy: not a .npy file");

    let truncated = dir.path().join("truncated.npy");
    let good = std::fs::read(root().join("examples/mlp/x.npy")).unwrap();
    std::fs::write(&truncated, &good[..good.len() - 5]).unwrap();
    run_with(&["--input", &p(&truncated)])
        .expect(1)
        .stderr_has("truncated data");

    run_with(&["--input", &p(&dir.path().join("absent.npy"))])
        .expect(1)
        .stderr_has("absent.npy: cannot read");

    // Each bad input of a two-argument function is reported, not just the first.
    let two = two_fixture();
    let file = p(&two.path().join("two.mlir"));
    let run = tensor_run(&[&file, "--backend", "interp", "--input", &p(&short)]);
    run.expect(1)
        .stderr_has("error: argument 0: expected tensor<2x3xf32>, got tensor<1x700xf32>")
        .stderr_has("error: missing input for argument 1: expected tensor<3xf32>");
    assert_eq!(run.stdout, "");
}

#[test]
fn bad_command_lines_exit_2() {
    let x = mlp_x();
    for args in [
        vec!["--frobnicate"],
        vec!["-O7"],
        vec!["-O"],
        vec!["--bench", "0"],
        vec!["--bench", "many"],
        vec!["--threads", "0"],
        vec!["--backend", "gpu"],
        vec!["-O1", "--pass-pipeline=builtin.module(cse)"],
    ] {
        let mut full = vec![mlp()];
        full.extend(args.iter().map(|s| s.to_string()));
        full.extend(["--input".to_string(), x.clone()]);
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let run = tensor_run(&full);
        run.expect(2);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    tensor_run(&[]).expect(2);

    tensor_run(&[
        &mlp(),
        "--pass-pipeline=builtin.module(nope)",
        "--input",
        &x,
    ])
    .expect(2)
    .stderr_has("unknown pass 'nope'; valid passes: ");
    tensor_run(&[&mlp(), "--pass-pipeline=builtin.module(cse", "--input", &x]).expect(2);

    tensor_run(&[&mlp(), "--backend", "gpu", "--input", &x]).expect(2);

    tensor_run(&["--help"]).expect(0);
}

#[test]
fn source_and_entry_errors_exit_1() {
    let x = mlp_x();
    tensor_run(&[&mlp(), "--entry", "nope", "--input", &x])
        .expect(1)
        .stderr_has("error: no function @nope in the module; it has @main");

    tensor_run(&["/nonexistent/model.mlir"])
        .expect(1)
        .stderr_has("error: cannot read /nonexistent/model.mlir");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.mlir");
    std::fs::write(
        &bad,
        "func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = graph.exp %x, %x : (tensor<2xf32>) -> tensor<2xf32>\n  func.return %0 : tensor<2xf32>\n}\n",
    )
    .unwrap();
    let run = tensor_run(&[&p(&bad), "--backend", "interp"]);
    run.expect(1)
        .stderr_has("bad.mlir:2:")
        .stderr_has("graph.exp %x");

    let ambiguous = dir.path().join("ambiguous.mlir");
    let f = |n: &str| {
        format!(
            "func.func @{n}(%x: tensor<2xf32>) -> tensor<2xf32> {{\n  func.return %x : tensor<2xf32>\n}}\n"
        )
    };
    std::fs::write(&ambiguous, f("a") + &f("b")).unwrap();
    tensor_run(&[&p(&ambiguous), "--backend", "interp"])
        .expect(1)
        .stderr_has(
            "no @main and 2 public functions (@a, @b); name the one to run; use --entry NAME",
        );

    // Verifies, but recurses without end: a run-time diagnostic with a snippet.
    let recursive = dir.path().join("recursive.mlir");
    std::fs::write(
        &recursive,
        "func.func @main() -> tensor<2xf32> {\n  %0 = func.call @main() : () -> tensor<2xf32>\n  func.return %0 : tensor<2xf32>\n}\n",
    )
    .unwrap();
    tensor_run(&[&p(&recursive), "--backend", "interp"])
        .expect(1)
        .stderr_has("call depth limit")
        .stderr_has("recursive.mlir:2:");

    // The output directory cannot be created under a file.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let two = two_fixture();
    let file = p(&two.path().join("two.mlir"));
    let (a, b) = (p(&two.path().join("a.npy")), p(&two.path().join("b.npy")));
    let out = blocker.join("out");
    tensor_run(&[
        &file,
        "--input",
        &a,
        "--input",
        &b,
        "--output-dir",
        &p(&out),
    ])
    .expect(1)
    .stderr_has("cannot create the output directory");
}

/// The number before `suffix` at the end of `line`'s `key` field.
fn number_after(line: &str, key: &str) -> f64 {
    let rest = &line[line
        .find(key)
        .unwrap_or_else(|| panic!("{key:?} in {line:?}"))
        + key.len()..];
    let end = rest.find(' ').unwrap_or(rest.len());
    rest[..end]
        .parse()
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

#[test]
fn bench_prints_compile_and_bench_lines() {
    let run = tensor_run(&[
        &mlp(),
        "--backend",
        "interp",
        "--input",
        &mlp_x(),
        "--bench",
        "3",
    ]);
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let compile = lines.iter().find(|l| l.starts_with("compile: ")).unwrap();
    assert!(compile.ends_with(" ms"), "{compile}");
    assert!(number_after(compile, "compile: ") > 0.0);
    let bench = lines.iter().find(|l| l.starts_with("bench: ")).unwrap();
    assert!(bench.ends_with(" us, 3 runs"), "{bench}");
    let median = number_after(bench, "bench: median ");
    let min = number_after(bench, ", min ");
    assert!(0.0 < min && min <= median, "{bench}");
    assert_eq!(
        bench,
        &format!("bench: median {median:.1} us, min {min:.1} us, 3 runs")
    );
    // The results are still printed.
    assert!(run.stdout.contains("result 0: tensor<1x10xf32>\n"));
}

#[test]
fn profile_prints_a_kernel_table() {
    let run = tensor_run(&[
        &mlp(),
        "--backend",
        "interp",
        "--input",
        &mlp_x(),
        "--profile",
    ]);
    run.expect(0)
        .stderr_has("Execution profile")
        .stderr_has("in 1 call of @main");
    let header = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("kernel"))
        .unwrap();
    for col in ["location", "calls", "total", "share"] {
        assert!(header.contains(col), "{header}");
    }
    // The three layers are three kernel rows (graph-fuse names each after
    // its ops), located at their last ops.
    let matmuls: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("func.call @kernel") && l.contains("_matmul_"))
        .collect();
    assert_eq!(matmuls.len(), 3, "{}", run.stderr);
    for line in ["mlp.mlir:8:", "mlp.mlir:13:", "mlp.mlir:17:"] {
        assert!(matmuls.iter().any(|l| l.contains(line)), "{matmuls:?}");
    }
    let total = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(total.ends_with("100.0%"), "{total}");
    assert!(run.stdout.starts_with("result 0: tensor<1x10xf32>\n"));
}
