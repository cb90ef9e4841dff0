//! Tests of the `tensor-opt` binary: exit codes, input and output handling
//! (`-o` atomicity, stdin), flag errors, `--list-passes`,
//! `--split-input-file`, `--verify-diagnostics`, IR printing around passes,
//! and fuzzing: random bytes and every truncation of valid inputs must give
//! exit 0 or 1 and never a panic.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_tensor-opt");

const ADD: &str = r#"func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.add"(%x, %y) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "graph.relu"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %1 : tensor<2x3xf32>
}
"#;

/// Redundant work for canonicalize and cse: `%1` repeats `%0`.
const REDUNDANT: &str = r#"module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %1 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %2 = "graph.add"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    func.return %2 : tensor<4xf32>
  }
}
"#;

const MATMUL: &str = r#"func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %c = "graph.constant"() {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = "graph.matmul"(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = "graph.add"(%0, %c) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = "graph.transpose"(%1) {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  func.return %0 : tensor<2x4xf32>
}
"#;

/// Runs tensor-opt with `args` and `stdin`, checking it did not panic.
fn run(args: &[&str], stdin: &str) -> Output {
    run_bytes(args, stdin.as_bytes())
}

fn run_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(EXE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tensor-opt");
    // A child that exits early closes its stdin; that is not an error here.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().expect("wait for tensor-opt");
    let err = stderr(&out);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "tensor-opt {args:?} crashed on input {:?}:\n{err}",
        String::from_utf8_lossy(stdin)
    );
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[track_caller]
fn assert_code(out: &Output, expected: i32) {
    assert_eq!(
        code(out),
        expected,
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

// ---- input and output ----

#[test]
fn prints_a_valid_file_and_reads_stdin_alike() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "add.mlir", ADD);
    let from_file = run(&[&file], "");
    assert_code(&from_file, 0);
    let text = stdout(&from_file);
    assert!(
        text.contains("@main") && text.contains("graph.add") && text.contains("graph.relu"),
        "{text}"
    );
    assert_eq!(stderr(&from_file), "");
    let from_dash = run(&["-"], ADD);
    let from_nothing = run(&[], ADD);
    assert_eq!(stdout(&from_dash), text);
    assert_eq!(stdout(&from_nothing), text);
}

#[test]
fn output_parses_back_to_itself() {
    for input in [ADD, REDUNDANT, MATMUL] {
        let once = run(&[], input);
        assert_code(&once, 0);
        let twice = run(&[], &stdout(&once));
        assert_code(&twice, 0);
        assert_eq!(stdout(&twice), stdout(&once));
        let generic = run(&["--print-op-generic"], input);
        assert_code(&generic, 0);
        let back = run(&[], &stdout(&generic));
        assert_eq!(stdout(&back), stdout(&once));
    }
}

#[test]
fn input_errors_exit_1_with_file_line_col_and_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let bad = ADD.replace("\"graph.relu\"(%0)", "\"graph.relu\"(%nope)");
    let file = write(dir.path(), "bad.mlir", &bad);
    let out = run(&[&file], "");
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains(&format!("{file}:3:")), "{err}");
    assert!(err.contains("%nope"), "the snippet quotes the line: {err}");
}

#[test]
fn verifier_errors_exit_1() {
    let input = "func.func @f() {\n  \"foo.bar\"() : () -> ()\n  func.return\n}\n";
    let out = run(&[], input);
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("unregistered operation 'foo.bar'"), "{err}");
    assert!(err.contains("<stdin>:2:"), "{err}");
    let allowed = run(&["--allow-unregistered-dialect"], input);
    assert_code(&allowed, 0);
    assert!(stdout(&allowed).contains("foo.bar"));
}

#[test]
fn missing_and_non_utf8_inputs_exit_1() {
    let out = run(&["/no/such/file.mlir"], "");
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot read '/no/such/file.mlir'"),
        "{}",
        stderr(&out)
    );
    let out = run_bytes(&[], b"func.func @f() {\n  \xff\n}\n");
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("<stdin>:2:3: the input is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dash_o_writes_the_output_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.mlir", ADD);
    let target = dir.path().join("out.mlir");
    let target_s = target.to_str().unwrap();
    let out = run(&[&input, "-o", target_s], "");
    assert_code(&out, 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        stdout(&run(&[&input], ""))
    );

    // On error the old file stays as it was and no temporary file is left.
    fs::write(&target, "old contents").unwrap();
    let bad = write(dir.path(), "bad.mlir", "func.func @f( {");
    let out = run(&[&bad, "-o", target_s], "");
    assert_code(&out, 1);
    assert_eq!(fs::read_to_string(&target).unwrap(), "old contents");
    let fresh = dir.path().join("fresh.mlir");
    let out = run(&[&bad, "-o", fresh.to_str().unwrap()], "");
    assert_code(&out, 1);
    assert!(!fresh.exists());
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.mlir", "in.mlir", "out.mlir"]);

    // -o into a directory that does not exist is an output error.
    let out = run(
        &[
            &input,
            "-o",
            dir.path().join("no/such/dir/x.mlir").to_str().unwrap(),
        ],
        "",
    );
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("cannot write the output"),
        "{}",
        stderr(&out)
    );
}

// ---- the command line ----

#[test]
fn bad_command_lines_exit_2() {
    let cases: &[&[&str]] = &[
        &["--no-such-flag"],
        &["--emit=bogus"],
        &["-O9"],
        &["--pass-pipeline=builtin.module(cse"],
        &["--pass-pipeline=builtin.module(cse)", "-O1"],
        &["--pass-pipeline=builtin.module(cse)", "--canonicalize"],
        &["--print-ir-after=no-such-pass"],
        &["--pass-pipeline=builtin.module(func.fucn(cse))"],
        &["--cse=bogus-option=1"],
        &["--verify-each=maybe"],
        &["a.mlir", "b.mlir"],
    ];
    for args in cases {
        let out = run(args, ADD);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn emit_dot_draws_each_functions_dataflow() {
    let out = run(&["--emit=dot"], ADD);
    assert_code(&out, 0);
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph \"main\" {"), "{dot}");
    assert!(dot.contains("add\\ltensor<2x3xf32>\\lcost "), "{dot}");
    assert!(dot.contains("relu"), "{dot}");
    assert_eq!(
        dot.matches(" -> ").count(),
        4,
        "x, y -> add -> relu -> return: {dot}"
    );
    assert_code(&run(&["--emit=mlir"], ADD), 0);
}

#[test]
fn emit_obj_needs_an_output_file() {
    let out = run(&["--emit=obj"], ADD);
    assert_code(&out, 2);
    assert!(
        stderr(&out).contains("give it with -o FILE"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--emit=obj", "-o", "-"], ADD);
    assert_code(&out, 2);
}

#[test]
fn unknown_passes_list_the_valid_ones() {
    let out = run(&["--pass-pipeline=builtin.module(func.func(csee))"], ADD);
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("unknown pass 'csee'; valid passes: "), "{err}");
    assert!(err.contains("canonicalize") && err.contains("cse"), "{err}");
    // The caret points at the name.
    let caret = format!("  builtin.module(func.func(csee))\n  {}^", " ".repeat(25));
    assert!(err.contains(&caret), "{err}");
    let out = run(&["--print-ir-after=csee"], ADD);
    assert!(stderr(&out).contains("unknown pass 'csee'; valid passes: "));
}

#[test]
fn unknown_pass_options_list_the_valid_ones() {
    let out = run(
        &["--pass-pipeline=builtin.module(canonicalize{foo=1})"],
        ADD,
    );
    assert_code(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("unknown option 'foo' for pass 'canonicalize'; valid options: "),
        "{err}"
    );
    assert!(err.contains("max-iterations"), "{err}");
}

#[test]
fn list_passes_shows_passes_options_and_pipelines() {
    let out = run(&["--list-passes"], "");
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("Passes:\n"), "{text}");
    for needle in [
        "  canonicalize ",
        "  cse ",
        "max-iterations=<int>",
        "(default: ",
        "Pipelines:",
        "  -O0 ",
        "  -O2 ",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn help_lists_each_pass_as_a_flag() {
    let out = run(&["--help"], "");
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("--canonicalize[=<OPTIONS>]"), "{text}");
    assert!(text.contains("--pass-pipeline <PIPELINE>"), "{text}");
}

// ---- running passes ----

fn dump_headers(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("// -----// IR Dump"))
        .collect()
}

#[test]
fn pass_flags_run_in_command_line_order() {
    let out = run(
        &["--print-ir-after-all", "--canonicalize", "--cse"],
        REDUNDANT,
    );
    assert_code(&out, 0);
    assert_eq!(
        dump_headers(&stderr(&out)),
        [
            "// -----// IR Dump After canonicalize //----- //",
            "// -----// IR Dump After cse //----- //"
        ]
    );
    let out = run(
        &[
            "--print-ir-before-all",
            "--cse",
            "--canonicalize=max-iterations=3",
            "--cse",
        ],
        REDUNDANT,
    );
    assert_code(&out, 0);
    assert_eq!(
        dump_headers(&stderr(&out)),
        [
            "// -----// IR Dump Before cse //----- //",
            "// -----// IR Dump Before canonicalize //----- //",
            "// -----// IR Dump Before cse //----- //",
        ]
    );
    let out = run(
        &[
            "--dump-pass-pipeline",
            "--cse",
            "--canonicalize=max-iterations=3",
        ],
        REDUNDANT,
    );
    assert!(
        stderr(&out).starts_with("builtin.module(cse,canonicalize{max-iterations=3"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cse_removes_the_repeated_op_and_print_ir_after_names_one_pass() {
    let out = run(
        &[
            "--pass-pipeline=builtin.module(cse)",
            "--print-ir-after=cse",
        ],
        REDUNDANT,
    );
    assert_code(&out, 0);
    let text = stdout(&out);
    assert_eq!(text.matches("graph.exp").count(), 1, "{text}");
    let err = stderr(&out);
    assert_eq!(
        dump_headers(&err),
        ["// -----// IR Dump After cse //----- //"]
    );
    assert!(err.contains("graph.exp"), "{err}");
}

#[test]
fn optimization_levels_and_reports() {
    for level in ["-O0", "-O1", "-O2", "-O3"] {
        let out = run(&[level], REDUNDANT);
        assert_code(&out, 0);
    }
    // -O0 lowers without optimizing: both exponentials stay, as loops.
    let out = run(&["-O0"], REDUNDANT);
    assert_eq!(stdout(&out).matches("math.exp").count(), 2);
    assert!(!stdout(&out).contains("graph."), "{}", stdout(&out));
    assert!(!stdout(&out).contains("affine."), "{}", stdout(&out));
    // -O2 computes the shared one once (as a polynomial, so no math.exp is
    // left): its graph level has one exponential.
    let out = run(&["-O2", "--print-ir-after=graph-fuse"], REDUNDANT);
    assert_eq!(stderr(&out).matches("graph.exp").count(), 1);
    assert_eq!(stdout(&out).matches("math.exp").count(), 0);
    let out = run(&["-O2", "--pass-timing", "--pass-statistics"], REDUNDANT);
    assert_code(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("... Execution time report ..."), "{err}");
    assert!(err.contains("... Pass statistics report ..."), "{err}");
    assert!(err.contains("  cse\n"), "{err}");
    assert!(err.contains("100.0%)  Total"), "{err}");
}

#[test]
fn debuginfo_prints_locations() {
    let out = run(&["--mlir-print-debuginfo"], ADD);
    assert_code(&out, 0);
    assert!(stdout(&out).contains("loc("), "{}", stdout(&out));
}

// ---- split-input-file and verify-diagnostics ----

#[test]
fn split_input_file_processes_chunks_on_their_own() {
    let two = format!("{ADD}// -----\n{REDUNDANT}");
    let out = run(&["--split-input-file"], &two);
    assert_code(&out, 0);
    let text = stdout(&out);
    assert_eq!(text.matches("// -----\n").count(), 1, "{text}");
    let (a, b) = text.split_once("// -----\n").unwrap();
    assert!(a.contains("@main") && !a.contains("@f("), "{text}");
    assert!(b.contains("@f(") && !b.contains("@main"), "{text}");
    // Without the flag, the marker is only a comment: one module, both functions.
    let out = run(&[], &two);
    assert_code(&out, 0);
    assert!(!stdout(&out).contains("// -----"));

    // An error in a later chunk is reported at its line in the whole file.
    let dir = tempfile::tempdir().unwrap();
    let with_error = format!(
        "{ADD}// -----\nfunc.func @g() {{\n  \"foo.bar\"() : () -> ()\n  func.return\n}}\n"
    );
    let file = write(dir.path(), "split.mlir", &with_error);
    let out = run(&[&file, "--split-input-file"], "");
    assert_code(&out, 1);
    assert_eq!(stdout(&out), "");
    let line = ADD.lines().count() + 3;
    assert!(
        stderr(&out).contains(&format!("{file}:{line}:")),
        "{}",
        stderr(&out)
    );
}

const EXPECTED_OK: &str = r#"func.func @f() {
  // expected-error @+1 {{unregistered operation 'foo.bar'}}
  "foo.bar"() : () -> ()
  func.return
}

// -----

func.func @g() {
  "foo.baz"() : () -> () // expected-error {{found in dialect ('foo')}}
  func.return
}

// -----

func.func @fine() {
  func.return
}
"#;

#[test]
fn verify_diagnostics_accepts_matching_annotations() {
    let out = run(&["--split-input-file", "--verify-diagnostics"], EXPECTED_OK);
    assert_code(&out, 0);
    assert_eq!(stderr(&out), "");
    // The chunks that failed as expected print nothing; the last one prints.
    let text = stdout(&out);
    assert_eq!(text.matches("// -----\n").count(), 2, "{text}");
    assert!(text.contains("@fine"), "{text}");
}

#[test]
fn verify_diagnostics_reports_mismatches_with_locations() {
    let dir = tempfile::tempdir().unwrap();
    let input = r#"func.func @f() {
  // expected-error @+1 {{something else entirely}}
  "foo.bar"() : () -> ()
  func.return
}
"#;
    let file = write(dir.path(), "mismatch.mlir", input);
    let out = run(&[&file, "--verify-diagnostics"], "");
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("expected error \"something else entirely\" was not produced"),
        "{err}"
    );
    assert!(
        err.contains("unexpected error: unregistered operation 'foo.bar'"),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:2:")), "{err}");
    assert!(err.contains(&format!("{file}:3:")), "{err}");
    // An annotation with nothing to match fails a valid input too.
    let out = run(
        &["--verify-diagnostics"],
        "// expected-warning {{never}}\nfunc.func @f() {\n  func.return\n}\n",
    );
    assert_code(&out, 1);
    assert!(stderr(&out).contains("expected warning \"never\" was not produced"));
}

// ---- fuzzing ----

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[track_caller]
fn assert_0_or_1(out: &Output, what: &str) {
    let c = code(out);
    assert!(c == 0 || c == 1, "exit {c} for {what}: {}", stderr(out));
}

#[test]
fn random_bytes_never_crash() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for i in 0..60 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let out = run_bytes(&[], &bytes);
        assert_0_or_1(&out, &format!("random input #{i}"));
    }
}

#[test]
fn random_token_soup_never_crashes() {
    const TOKENS: &[&str] = &[
        "func.func",
        "@f",
        "@main",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "<",
        ">",
        ",",
        ":",
        "=",
        "->",
        "%0",
        "%x",
        "%1",
        "^bb0",
        "\"graph.add\"",
        "\"graph.relu\"",
        "graph.add",
        "func.return",
        "module",
        "tensor<2x3xf32>",
        "tensor<f32>",
        "f32",
        "i64",
        "dense<",
        "1.0",
        "-3",
        "0x1F",
        "array<i64: 1, 0>",
        "loc(",
        "\"a.mlir\"",
        ":3:7",
        "#loc",
        "attributes",
        "\n",
        " ",
        "//",
        "// -----\n",
        "\"",
        "true",
        "unit",
        "?",
        "x",
        "1e400",
    ];
    let mut rng = Rng(42);
    let mut soup = String::new();
    for _ in 0..120 {
        soup.clear();
        for _ in 0..rng.below(60) {
            soup.push_str(TOKENS[rng.below(TOKENS.len())]);
            soup.push(' ');
        }
        let out = run(&["--split-input-file"], &soup);
        assert_0_or_1(&out, &format!("{soup:?}"));
    }
}

#[test]
fn every_truncation_of_valid_inputs_never_crashes() {
    for input in [ADD, REDUNDANT, MATMUL, EXPECTED_OK] {
        let cuts: Vec<usize> = (0..=input.len())
            .filter(|&i| input.is_char_boundary(i))
            .collect();
        // All truncations in one run, as chunks of a split file ...
        let mut joined = String::new();
        for &c in &cuts {
            joined.push_str(&input[..c]);
            joined.push_str("\n// -----\n");
        }
        let out = run(&["--split-input-file"], &joined);
        assert_0_or_1(&out, "the truncations");
        let out = run(&["--split-input-file", "--verify-diagnostics"], &joined);
        assert_0_or_1(&out, "the truncations with --verify-diagnostics");
        // ... and a sample on their own, through passes.
        for &c in cuts.iter().step_by(17) {
            let out = run(&["-O2", "--allow-unregistered-dialect"], &input[..c]);
            assert_0_or_1(&out, &format!("{:?}", &input[..c]));
        }
    }
}
