//! Round trips of every lit file: for each `// -----` chunk of each
//! `tests/lit/**/*.mlir` that expects no error, parsing the printed form
//! gives the same printed form (custom and generic), and `mlir-opt-19`
//! reads the generic form. Chunks that do not parse or verify on purpose
//! (they test errors through `not tensor-opt ...`) are left out of the
//! checks that need valid IR.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{Context, diag, verify};

fn lit_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lit")
}

fn mlir_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            mlir_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "mlir") {
            out.push(p);
        }
    }
}

/// A chunk of a lit file and the line it starts on (0-based).
struct Chunk {
    file: PathBuf,
    text: String,
    line_offset: u32,
}

fn chunks() -> Vec<Chunk> {
    let mut out = all_chunks();
    out.retain(|c| !c.text.contains("expected-error"));
    out
}

fn all_chunks() -> Vec<Chunk> {
    let mut files = Vec::new();
    mlir_files(&lit_root(), &mut files);
    assert!(
        !files.is_empty(),
        "no lit files under {}",
        lit_root().display()
    );
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut cur = String::new();
        let mut start = 0u32;
        for (line, l) in (0u32..).zip(text.split_inclusive('\n')) {
            if l.trim_end() == "// -----" {
                out.push(Chunk {
                    file: file.clone(),
                    text: std::mem::take(&mut cur),
                    line_offset: start,
                });
                start = line + 1;
            } else {
                cur.push_str(l);
            }
        }
        out.push(Chunk {
            file,
            text: cur,
            line_offset: start,
        });
    }
    out
}

fn new_ctx() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx.allow_unregistered = true;
    ctx
}

fn config(c: &Chunk) -> ParseConfig {
    ParseConfig {
        file_name: c.file.display().to_string(),
        line_offset: c.line_offset,
    }
}

/// Prints `text`, parses the print and prints again; both prints must agree.
fn round_trip(c: &Chunk, options: &PrintOptions) -> Result<String, String> {
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, &c.text, &config(c)).map_err(|d| diag::render(&ctx, &d))?;
    let first = print_op(&ctx, m, options);
    let mut ctx2 = new_ctx();
    let m2 = parse_module(&mut ctx2, &first, &ParseConfig::default()).map_err(|d| {
        format!(
            "the printed form does not parse:\n{}\n{first}",
            diag::render(&ctx2, &d)
        )
    })?;
    let second = print_op(&ctx2, m2, options);
    if first != second {
        return Err(format!(
            "printing is not stable:\n--- first\n{first}\n--- second\n{second}"
        ));
    }
    Ok(first)
}

#[test]
fn lit_files_round_trip() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in chunks() {
        let mut ctx = new_ctx();
        if parse_module(&mut ctx, &c.text, &config(&c)).is_err() {
            // Chunks meant to fail (run with `not tensor-opt`) are not round-tripped.
            continue;
        }
        let custom = round_trip(&c, &PrintOptions::default());
        let generic = round_trip(
            &c,
            &PrintOptions {
                generic: true,
                debug_locs: false,
            },
        );
        let debug = round_trip(
            &c,
            &PrintOptions {
                generic: false,
                debug_locs: true,
            },
        );
        for r in [&custom, &generic, &debug] {
            if let Err(e) = r {
                failures.push(format!(
                    "{} (line {}): {e}",
                    c.file.display(),
                    c.line_offset + 1
                ));
            }
        }
        // The generic print reads back to the same custom print.
        if let (Ok(custom), Ok(generic)) = (&custom, &generic) {
            let mut ctx = new_ctx();
            let m = parse_module(&mut ctx, generic, &ParseConfig::default()).unwrap();
            let again = print_op(&ctx, m, &PrintOptions::default());
            if &again != custom {
                failures.push(format!(
                    "{} (line {}): generic form reads back differently:\n{custom}\n---\n{again}",
                    c.file.display(),
                    c.line_offset + 1
                ));
            }
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} chunks were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn mlir_opt() -> Option<&'static str> {
    let ok = Command::new("mlir-opt-19")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some("mlir-opt-19")
}

#[test]
fn generic_form_is_read_by_mlir_opt() {
    let Some(tool) = mlir_opt() else {
        eprintln!("skipped: mlir-opt-19 is not installed, so MLIR compatibility is not checked");
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in chunks() {
        let mut ctx = new_ctx();
        let Ok(m) = parse_module(&mut ctx, &c.text, &config(&c)) else {
            continue;
        };
        if verify::verify(&ctx, m).is_err() {
            continue;
        }
        for debug_locs in [false, true] {
            let text = print_op(
                &ctx,
                m,
                &PrintOptions {
                    generic: true,
                    debug_locs,
                },
            );
            let mut child = Command::new(tool)
                .arg("--allow-unregistered-dialect")
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "{} (line {}): mlir-opt-19 rejects our generic form:\n{}\n{text}",
                    c.file.display(),
                    c.line_offset + 1,
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} chunks were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// With the real dialects' custom parsers: truncating any lit chunk gives a
/// diagnostic or IR that prints and reads back, never a panic.
#[test]
fn truncated_lit_chunks_never_panic() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let mut failures = Vec::new();
    let mut cuts = 0;
    for c in all_chunks() {
        let text = &c.text;
        let step = (text.len() / 400).max(1);
        for i in (0..text.len()).step_by(step) {
            if !text.is_char_boundary(i) {
                continue;
            }
            let cut = &text[..i];
            cuts += 1;
            let r = catch_unwind(AssertUnwindSafe(|| {
                let mut ctx = new_ctx();
                let Ok(m) = parse_module(&mut ctx, cut, &config(&c)) else {
                    return Ok(());
                };
                let first = print_op(&ctx, m, &PrintOptions::default());
                let mut ctx2 = new_ctx();
                let m2 = parse_module(&mut ctx2, &first, &ParseConfig::default())
                    .map_err(|d| diag::render(&ctx2, &d))?;
                let second = print_op(&ctx2, m2, &PrintOptions::default());
                if first == second {
                    Ok(())
                } else {
                    Err(format!("unstable print:\n{first}\n---\n{second}"))
                }
            }));
            let problem = match r {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e,
                Err(_) => "panicked".to_string(),
            };
            failures.push(format!(
                "{} cut at byte {i}: {problem}\n{cut}",
                c.file.display()
            ));
        }
    }
    assert!(cuts > 1000, "only {cuts} truncations");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ----- the dialects' own hooks -------------------------------------------

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::syntax::attr_str;
use tessera_compiler::{FoldResult, OpId};

/// Parses `text` (with dialects), returning the context and the ops of the
/// first function's body.
fn func_body(text: &str) -> (Context, Vec<OpId>) {
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, text, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{}", diag::render(&ctx, &d)));
    verify::verify(&ctx, m).unwrap_or_else(|d| panic!("{}", diag::render(&ctx, &d)));
    let f = ctx.first_op(ctx.module_body(m)).unwrap();
    let body = ctx.entry_block(f, 0).unwrap();
    let ops = ctx.block_ops_vec(body);
    (ctx, ops)
}

/// Folds `op` with the constant values of its operands (from `arith.constant`s).
fn fold(ctx: &mut Context, op: OpId) -> Option<Vec<FoldResult>> {
    let consts: Vec<_> = ctx
        .op(op)
        .operands
        .iter()
        .map(|&v| {
            ctx.defining_op(v)
                .filter(|&d| ctx.op_is(d, "arith.constant"))
                .and_then(|d| ctx.attr(d, "value"))
        })
        .collect();
    let f = ctx.op_def(op).unwrap().fold.unwrap();
    f(ctx, op, &consts)
}

#[test]
fn arith_folds_follow_ieee_and_wrap_integers() {
    // (op, type, lhs, rhs, expected fold: a constant, "lhs"/"rhs" for an
    // operand, or "none").
    let cases = [
        ("addf", "f32", "1.5", "2.25", "3.750000e+00 : f32"),
        ("subf", "f64", "1.0", "0.25", "7.500000e-01 : f64"),
        ("mulf", "f32", "3.0e38", "10.0", "0x7F800000 : f32"),
        ("divf", "f32", "1.0", "3.0", "3.3333334e-01 : f32"),
        ("divf", "f64", "0.0", "0.0", "0x7FF8000000000000 : f64"),
        ("addf", "f16", "65504.0", "65504.0", "0x7C00 : f16"),
        ("addf", "bf16", "1.0", "0.001", "1.000000e+00 : bf16"),
        ("addf", "f32", "x", "-0.0", "lhs"),
        ("addf", "f32", "-0.0", "x", "rhs"),
        ("addf", "f32", "x", "0.0", "none"),
        ("subf", "f32", "x", "0.0", "lhs"),
        ("subf", "f32", "x", "-0.0", "none"),
        ("mulf", "f32", "x", "1.0", "lhs"),
        ("mulf", "f32", "1.0", "x", "rhs"),
        ("mulf", "f32", "x", "0.0", "none"),
        ("divf", "f32", "x", "1.0", "lhs"),
        ("divf", "f32", "1.0", "x", "none"),
        ("addi", "i32", "2147483647", "1", "-2147483648 : i32"),
        ("subi", "i8", "-128", "1", "127 : i8"),
        ("muli", "i8", "16", "16", "0 : i8"),
        ("muli", "i64", "-3", "7", "-21 : i64"),
        ("addi", "index", "5", "6", "11 : index"),
        ("addi", "i1", "true", "true", "false"),
        ("muli", "i1", "true", "true", "true"),
        ("addi", "i32", "x", "0", "lhs"),
        ("addi", "i32", "0", "x", "rhs"),
        ("subi", "i32", "x", "0", "lhs"),
        ("muli", "i32", "x", "1", "lhs"),
        ("muli", "i32", "1", "x", "rhs"),
        ("muli", "i32", "x", "0", "0 : i32"),
        ("muli", "i1", "x", "true", "lhs"),
        ("subi", "i32", "x", "x", "0 : i32"),
        ("addi", "i32", "x", "x", "none"),
    ];
    for (op, ty, a, b, want) in cases {
        let operand = |v: &str, name: &str| {
            if v == "x" {
                "%x".to_string()
            } else {
                let lit = if ty == "i1" {
                    v.to_string()
                } else {
                    format!("{v} : {ty}")
                };
                format!("%{name} = arith.constant {lit}\n  ")
            }
        };
        let (pa, pb) = (operand(a, "a"), operand(b, "b"));
        let use_a = if a == "x" { "%x" } else { "%a" };
        let use_b = if b == "x" { "%x" } else { "%b" };
        let text = format!(
            "func.func @f(%x: {ty}) -> {ty} {{\n  {}{}%r = arith.{op} {use_a}, {use_b} : {ty}\n  func.return %r : {ty}\n}}",
            if a == "x" { "" } else { &pa },
            if b == "x" { "" } else { &pb },
        );
        let (mut ctx, ops) = func_body(&text);
        let target = ops[ops.len() - 2];
        let got = match fold(&mut ctx, target) {
            None => "none".to_string(),
            Some(r) => match r[..] {
                [FoldResult::Attr(c)] => attr_str(&ctx, c),
                [FoldResult::Value(v)] if v == ctx.operand(target, 0) => "lhs".to_string(),
                [FoldResult::Value(v)] if v == ctx.operand(target, 1) => "rhs".to_string(),
                _ => format!("{r:?}"),
            },
        };
        assert_eq!(got, want, "arith.{op} {a}, {b} : {ty}");
    }
}

#[test]
fn arith_constant_folds_and_materializes() {
    let (mut ctx, ops) = func_body(
        "func.func @f() -> tensor<2xf32> {\n  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>\n  func.return %c : tensor<2xf32>\n}",
    );
    let value = ctx.attr(ops[0], "value").unwrap();
    assert_eq!(fold(&mut ctx, ops[0]), Some(vec![FoldResult::Attr(value)]));
    let materialize = ctx.dialect("arith").unwrap().materialize_constant.unwrap();
    let ty = ctx.value_type(ctx.op(ops[0]).results[0]);
    let loc = ctx.unknown_loc();
    let mut b = Builder::new(&mut ctx, InsertPoint::Before(ops[0]));
    let v = materialize(&mut b, value, ty, loc).expect("materializes");
    let f32t = b.ctx.f32_type();
    let bad = b.ctx.float_attr(1.0, f32t);
    assert!(materialize(&mut b, bad, ty, loc).is_none(), "type mismatch");
    let new_op = ctx.defining_op(v).unwrap();
    assert!(ctx.op_is(new_op, "arith.constant"));
    assert_eq!(ctx.attr(new_op, "value"), Some(value));
}

#[test]
fn snapshot_dialect_forms() {
    let text = r#"
module @net {
  func.func private @act(tensor<4xf32>) -> tensor<4xf32>
  func.func @main(%x: tensor<4xf32> {foo.name = "input"}, %s: f32) -> (tensor<4xf32>, f32) attributes {foo.entry} {
    %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %0 = arith.addf %x, %c : tensor<4xf32>
    %1 = func.call @act(%0) : (tensor<4xf32>) -> tensor<4xf32>
    %half = arith.constant 0.5 : f32
    %2 = arith.mulf %s, %half : f32
    %n = arith.constant 3 : index
    %m = arith.muli %n, %n : index
    return %1, %2 : tensor<4xf32>, f32
  }
}
"#;
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, text, &ParseConfig::default()).unwrap();
    verify::verify(&ctx, m).unwrap();
    insta::assert_snapshot!(
        "dialects_custom",
        print_op(&ctx, m, &PrintOptions::default())
    );
    insta::assert_snapshot!(
        "dialects_generic",
        print_op(
            &ctx,
            m,
            &PrintOptions {
                generic: true,
                debug_locs: false
            }
        )
    );
}
