//! Tests of the lit runner itself: directive parsing, substitutions, discovery,
//! running fake tests made of `true`, `false`, `echo | FileCheck`, and the
//! `tensor-lit` binary's output and exit codes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_tools::lit::{
    Failure, LitConfig, Outcome, ParseError, Substitutions, discover, parse_run_lines,
    parse_script, run_all, run_all_with, run_file, substitute,
};

/// Writes `text` to `dir/name`, creating parent directories.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn config() -> LitConfig {
    LitConfig {
        jobs: 2,
        ..LitConfig::default()
    }
}

fn command_failure(outcome: &Outcome) -> &tessera_tools::lit::CommandFailure {
    match outcome {
        Outcome::Fail(f) | Outcome::ExpectedFail(f) => match &**f {
            Failure::Command(c) => c,
            other => panic!("expected a command failure, got {other:?}"),
        },
        other => panic!("expected a failure, got {other:?}"),
    }
}

// ---- parsing ----

#[test]
fn run_lines_in_order_ignoring_other_comments() {
    let text = "\
// RUN: tensor-opt %s | FileCheck %s
  //RUN:   true
// CHECK: RUN: not a directive here
func.func @f() { // RUN: not at line start either
}
// RUN: echo done
";
    assert_eq!(
        parse_run_lines(text).unwrap(),
        vec!["tensor-opt %s | FileCheck %s", "true", "echo done"]
    );
}

#[test]
fn continuation_lines_are_joined() {
    let text = "\
// RUN: tensor-opt %s \\
// RUN:     --cse \\
// RUN:   | FileCheck %s
// RUN: true
";
    let script = parse_script(text).unwrap();
    let commands: Vec<(usize, &str)> = script
        .run_lines
        .iter()
        .map(|r| (r.line, r.command.as_str()))
        .collect();
    assert_eq!(
        commands,
        vec![(1, "tensor-opt %s --cse | FileCheck %s"), (4, "true")]
    );
}

#[test]
fn dangling_continuation_is_an_error() {
    let err = parse_run_lines("// RUN: true\n// RUN: echo a \\\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("no RUN: line follows"), "{err}");

    let err = parse_run_lines("// RUN: echo a \\\n// CHECK: a\n// RUN: true\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("line 1"), "{err}");
}

#[test]
fn empty_run_line_is_an_error() {
    assert_eq!(
        parse_run_lines("\n// RUN:   \n"),
        Err(ParseError {
            line: 2,
            message: "empty RUN: command".to_owned()
        })
    );
}

#[test]
fn requires_and_xfail_are_collected() {
    let text = "// REQUIRES: mlir-opt, filecheck\n// REQUIRES: x\n// XFAIL: *\n// RUN: true\n";
    let script = parse_script(text).unwrap();
    assert_eq!(script.requires, vec!["mlir-opt", "filecheck", "x"]);
    assert_eq!(script.xfail, vec!["*"]);
    assert!(parse_script("// REQUIRES: ,\n").is_err());
}

// ---- substitutions ----

#[test]
fn substitutions_replace_each_placeholder() {
    let subs = Substitutions {
        source: "/src/dir/a.mlir".into(),
        source_dir: "/src/dir".into(),
        temp: "/tmp/x/a.mlir.tmp".into(),
        temp_dir: "/tmp/x".into(),
    };
    assert_eq!(
        substitute("tool %s -o %t.out && ls %S %T", &subs),
        "tool /src/dir/a.mlir -o /tmp/x/a.mlir.tmp.out && ls /src/dir /tmp/x"
    );
    assert_eq!(
        substitute("printf '100%% %%s' %q 5%", &subs),
        "printf '100% %s' %q 5%"
    );
}

// ---- discovery ----

#[test]
fn discover_finds_mlir_files_recursively_sorted() {
    let dir = tempdir();
    let root = dir.path();
    write(root, "b.mlir", "");
    write(root, "a/z.mlir", "");
    write(root, "a/notes.txt", "");
    write(root, ".hidden/skip.mlir", "");
    let explicit = write(root, "other.txt", "");
    let found = discover(&[root.to_path_buf(), explicit.clone(), root.join("a")]);
    assert_eq!(
        found,
        vec![root.join("a/z.mlir"), root.join("b.mlir"), explicit]
    );
}

// ---- running ----

#[test]
fn passing_and_failing_commands() {
    let dir = tempdir();
    let pass = write(dir.path(), "pass.mlir", "// RUN: true\n// RUN: echo hi\n");
    let result = run_file(&config(), &pass);
    assert!(matches!(result.outcome, Outcome::Pass), "{result}");
    assert_eq!(result.to_string(), format!("PASS: {}", pass.display()));

    let fail = write(
        dir.path(),
        "fail.mlir",
        "// RUN: true\n// RUN: echo oops >&2; false\n// RUN: touch %S/should-not-exist\n",
    );
    let result = run_file(&config(), &fail);
    let failure = command_failure(&result.outcome);
    assert_eq!(failure.line, 2);
    assert_eq!(failure.status.code(), Some(1));
    assert_eq!(failure.stderr, "oops\n");
    assert!(
        !dir.path().join("should-not-exist").exists(),
        "RUN lines after a failure must not run"
    );
    let report = result.to_string();
    assert!(report.starts_with(&format!("FAIL: {}\n", fail.display())));
    assert!(report.contains("RUN at line 2"), "{report}");
    assert!(report.contains("exit code: 1"), "{report}");
    assert!(report.contains("oops"), "{report}");
}

#[test]
fn filecheck_passes_and_fails() {
    let dir = tempdir();
    let good = write(
        dir.path(),
        "good.mlir",
        "// RUN: echo hello world | FileCheck %s\n// CHECK: hello\n",
    );
    let result = run_file(&config(), &good);
    assert!(matches!(result.outcome, Outcome::Pass), "{result}");

    let bad = write(
        dir.path(),
        "bad.mlir",
        "// RUN: echo goodbye | FileCheck %s\n// CHECK: hello\n",
    );
    let result = run_file(&config(), &bad);
    let failure = command_failure(&result.outcome);
    assert!(failure.command.contains(&*bad.to_string_lossy()));
    assert!(failure.stderr.contains("expected string not found"));

    let negated = write(dir.path(), "not.mlir", "// RUN: not false\n");
    assert!(matches!(
        run_file(&config(), &negated).outcome,
        Outcome::Pass
    ));
}

#[test]
fn commands_run_with_pipefail() {
    let dir = tempdir();
    let file = write(dir.path(), "pipe.mlir", "// RUN: false | cat\n");
    assert!(run_file(&config(), &file).is_failure());
}

#[test]
fn continued_command_and_temp_paths_work() {
    let dir = tempdir();
    let file = write(
        dir.path(),
        "tmp.mlir",
        "// RUN: test -d %T && echo %%payload > %t \\\n\
         // RUN:   && grep -q '^%%payload$' %t\n\
         // RUN: test \"$(pwd)\" = %T && test -f %s && test -d %S\n",
    );
    let result = run_file(&config(), &file);
    assert!(matches!(result.outcome, Outcome::Pass), "{result}");
}

#[test]
fn unmet_requires_skips_with_reason() {
    let dir = tempdir();
    let file = write(
        dir.path(),
        "req.mlir",
        "// REQUIRES: filecheck, no-such-feature\n// RUN: false\n",
    );
    let result = run_file(&config(), &file);
    match &result.outcome {
        Outcome::Skipped(reason) => {
            assert!(reason.contains("no-such-feature"), "{reason}");
            assert!(!reason.contains("requires filecheck"), "{reason}");
        }
        other => panic!("expected a skip, got {other:?}"),
    }
    assert!(result.to_string().starts_with("SKIPPED: "));

    let cfg = LitConfig {
        features: vec!["no-such-feature".to_owned()],
        ..config()
    };
    assert!(run_file(&cfg, &file).is_failure(), "feature given: runs");
}

#[test]
fn a_hanging_command_is_killed_at_the_timeout() {
    let dir = tempdir();
    let file = write(dir.path(), "hang.mlir", "// RUN: sleep 30\n");
    let cfg = LitConfig {
        timeout: Some(std::time::Duration::from_millis(300)),
        ..config()
    };
    let start = std::time::Instant::now();
    let result = run_file(&cfg, &file);
    assert!(result.is_failure(), "{result}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        result.report(true).contains("limit"),
        "{}",
        result.report(true)
    );
}

#[test]
fn xfail_inverts_the_result() {
    let dir = tempdir();
    let expected = write(dir.path(), "xf.mlir", "// XFAIL: *\n// RUN: false\n");
    let result = run_file(&config(), &expected);
    assert!(
        matches!(result.outcome, Outcome::ExpectedFail(_)),
        "{result}"
    );
    assert_eq!(result.status(), "XFAIL");

    let unexpected = write(dir.path(), "xp.mlir", "// XFAIL: *\n// RUN: true\n");
    let result = run_file(&config(), &unexpected);
    assert!(result.is_failure());
    assert_eq!(result.status(), "XPASS");
}

#[test]
fn bad_files_fail_with_a_reason() {
    let dir = tempdir();
    let missing = dir.path().join("missing.mlir");
    let result = run_file(&config(), &missing);
    assert!(result.is_failure());
    assert!(result.to_string().contains("cannot read test file"));

    let no_run = write(dir.path(), "norun.mlir", "// CHECK: x\n");
    assert!(
        run_file(&config(), &no_run)
            .to_string()
            .contains("no `// RUN:` line")
    );

    let dangling = write(dir.path(), "dangle.mlir", "// RUN: true \\\n");
    let report = run_file(&config(), &dangling).to_string();
    assert!(report.contains("bad directive at line 1"), "{report}");

    let binary = dir.path().join("binary.mlir");
    fs::write(&binary, [0xff, 0xfe, 0x00, b'\n']).unwrap();
    assert!(run_file(&config(), &binary).is_failure());
}

#[test]
fn long_output_is_abbreviated_unless_verbose() {
    let dir = tempdir();
    let file = write(dir.path(), "long.mlir", "// RUN: seq 1 500; false\n");
    let result = run_file(&config(), &file);
    let short = result.report(false);
    assert!(short.contains("lines omitted"), "{short}");
    assert!(short.contains("    500"), "the tail is kept");
    let full = result.report(true);
    assert!(full.contains("    250\n"));
    assert!(!full.contains("lines omitted"));
}

#[test]
fn run_all_counts_sorts_and_filters() {
    let dir = tempdir();
    let root = dir.path();
    write(root, "d/4-skip.mlir", "// REQUIRES: nope\n// RUN: true\n");
    write(root, "c/3-fail.mlir", "// RUN: false\n");
    write(
        root,
        "b/2-pass.mlir",
        "// RUN: echo ok | FileCheck %s\n// CHECK: ok\n",
    );
    write(root, "a/1-pass.mlir", "// RUN: true\n");
    write(root, "e/5-xfail.mlir", "// XFAIL: *\n// RUN: false\n");

    let mut streamed = Vec::new();
    let summary = run_all_with(&config(), &[root], |r| streamed.push(r.path.clone()));
    let paths: Vec<PathBuf> = summary.results.iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, streamed, "streamed in the same order");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(
        (summary.passed(), summary.failed(), summary.skipped()),
        (3, 1, 1)
    );
    assert_eq!(summary.summary_line(), "3 passed, 1 failed, 1 skipped");
    assert!(!summary.success());
    let failures: Vec<&Path> = summary.failures().map(|r| r.path.as_path()).collect();
    assert_eq!(failures, vec![root.join("c/3-fail.mlir")]);

    let cfg = LitConfig {
        filter: Some("pass".to_owned()),
        jobs: 1,
        ..config()
    };
    let summary = run_all(&cfg, &[root]);
    assert_eq!(summary.summary_line(), "2 passed, 0 failed");
    assert!(summary.success());
}

#[test]
fn parallel_runs_are_deterministic() {
    let dir = tempdir();
    for i in 0..12 {
        write(
            dir.path(),
            &format!("t{i:02}.mlir"),
            &format!("// RUN: sleep 0.0{} && test {} -ne 7\n", i % 5, i),
        );
    }
    let cfg = LitConfig {
        jobs: 4,
        ..config()
    };
    let first: Vec<String> = run_all(&cfg, &[dir.path()])
        .results
        .iter()
        .map(|r| r.report(false))
        .collect();
    let second: Vec<String> = run_all(&cfg, &[dir.path()])
        .results
        .iter()
        .map(|r| r.report(false))
        .collect();
    assert_eq!(first, second);
    assert_eq!(first.len(), 12);
    assert!(first[7].starts_with("FAIL: "), "{}", first[7]);
}

// ---- the binary ----

fn tensor_lit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tensor-lit"))
}

/// Makes `dir/name` an executable shell script.
fn fake_tool(dir: &Path, name: &str, body: &str) {
    let path = write(dir, name, &format!("#!/usr/bin/env bash\n{body}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn binary_reports_and_exits_by_result() {
    let dir = tempdir();
    let tests = dir.path().join("tests");
    write(&tests, "ok.mlir", "// RUN: true\n");
    let out = tensor_lit().arg(&tests).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed"));
    assert!(stdout.contains("PASS: "));

    write(&tests, "bad.mlir", "// RUN: echo broken >&2 && exit 3\n");
    write(&tests, "skip.mlir", "// REQUIRES: nope\n// RUN: true\n");
    let out = tensor_lit().arg(&tests).arg("-j1").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let bad = tests.join("bad.mlir");
    assert!(
        stdout.starts_with(&format!("FAIL: {}\n", bad.display())),
        "{stdout}"
    );
    assert!(stdout.contains("exit code: 3"), "{stdout}");
    assert!(stdout.contains("broken"), "{stdout}");
    assert!(stdout.contains("SKIPPED: "), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 1 failed, 1 skipped"));
}

#[test]
fn binary_rejects_bad_command_lines() {
    for args in [
        &[][..],
        &["--no-such-flag", "x"][..],
        &["-j", "0", "x"][..],
        &["--tool-dir", "/no/such/dir", "x"][..],
    ] {
        let out = tensor_lit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "args {args:?}");
    }
}

#[test]
fn binary_puts_tool_dir_first_on_path() {
    let dir = tempdir();
    let tools = dir.path().join("bin");
    fake_tool(&tools, "tensor-opt", "echo fake-tensor-opt \"$@\"");
    let test = write(
        dir.path(),
        "t.mlir",
        "// RUN: tensor-opt --x %s | FileCheck %s\n// CHECK: fake-tensor-opt --x {{.*}}t.mlir\n",
    );
    let out = tensor_lit()
        .arg("--tool-dir")
        .arg(&tools)
        .arg(&test)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed"));
}
