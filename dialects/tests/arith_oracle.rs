//! `mlir-opt-19 --canonicalize` as the oracle for our folds: thousands of
//! one-op functions on constant operands (every integer, float, comparison,
//! conversion and math op, at several widths, on extreme values, NaNs,
//! infinities and signed zeros) are canonicalized by both, and the folded
//! constants must agree bit for bit. The differences we keep on purpose are
//! listed in `expected_difference`. Skipped when `mlir-opt-19` is missing.

mod arith_support;

use arith_support::{canonicalize, mlir_opt, new_ctx, run_mlir_opt};
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::scalar::{Scalar, attr_elements};

/// One test function: the op's text (for messages) and the function.
struct Case {
    op: String,
    text: String,
}

fn lit(v: &str, ty: &str) -> String {
    if v == "true" || v == "false" {
        v.to_string()
    } else {
        format!("{v} : {ty}")
    }
}

fn push(cases: &mut Vec<Case>, consts: &[(&str, &str)], op: String, rty: &str) {
    let i = cases.len();
    let mut text = format!("func.func @c{i}() -> {rty} {{\n");
    for (k, (v, ty)) in consts.iter().enumerate() {
        text.push_str(&format!("  %a{k} = arith.constant {}\n", lit(v, ty)));
    }
    text.push_str(&format!("  %r = {op}\n  return %r : {rty}\n}}\n"));
    cases.push(Case { op, text });
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let ints: [(&str, &[&str]); 5] = [
        ("i8", &["0", "1", "-1", "127", "-128", "5", "-7", "3"]),
        (
            "i32",
            &[
                "0",
                "1",
                "-1",
                "2147483647",
                "-2147483648",
                "7",
                "-3",
                "31",
                "32",
            ],
        ),
        (
            "i64",
            &[
                "0",
                "-1",
                "9223372036854775807",
                "-9223372036854775808",
                "13",
                "-4",
                "63",
            ],
        ),
        (
            "index",
            &["0", "1", "-1", "100", "-9223372036854775808", "-5", "64"],
        ),
        ("i1", &["true", "false"]),
    ];
    let int_ops = [
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
    ];
    for (ty, vals) in ints {
        for op in int_ops {
            for a in vals {
                for b in vals {
                    push(
                        &mut cases,
                        &[(a, ty), (b, ty)],
                        format!("arith.{op} %a0, %a1 : {ty}"),
                        ty,
                    );
                }
            }
        }
        for p in [
            "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
        ] {
            for a in &vals[..vals.len().min(5)] {
                for b in &vals[..vals.len().min(5)] {
                    push(
                        &mut cases,
                        &[(a, ty), (b, ty)],
                        format!("arith.cmpi {p}, %a0, %a1 : {ty}"),
                        "i1",
                    );
                }
            }
        }
    }
    let floats: [(&str, &[&str]); 4] = [
        (
            "f32",
            &[
                "0.0",
                "-0.0",
                "1.0",
                "-1.5",
                "0x7FC00001",
                "0xFFC00002",
                "0x7F800000",
                "0xFF800000",
                "3.0e38",
                "1.0e-45",
                "0.1",
            ],
        ),
        (
            "f64",
            &[
                "0.0",
                "-0.0",
                "1.0",
                "-1.5",
                "0x7FF8000000000001",
                "0x7FF0000000000000",
                "1.0e308",
                "0.1",
                "5.0e-324",
            ],
        ),
        (
            "f16",
            &[
                "0.0", "-0.0", "1.0", "-1.5", "0x7E00", "0x7C00", "65504.0", "0.1",
            ],
        ),
        (
            "bf16",
            &["0.0", "-0.0", "1.0", "-1.5", "0x7FC0", "0x7F80", "0.1"],
        ),
    ];
    let float_ops = [
        "addf", "subf", "mulf", "divf", "remf", "maximumf", "minimumf", "maxnumf", "minnumf",
    ];
    for (ty, vals) in floats {
        for op in float_ops {
            for a in vals {
                for b in vals {
                    push(
                        &mut cases,
                        &[(a, ty), (b, ty)],
                        format!("arith.{op} %a0, %a1 : {ty}"),
                        ty,
                    );
                }
            }
        }
        for a in vals {
            push(&mut cases, &[(a, ty)], format!("arith.negf %a0 : {ty}"), ty);
        }
        for p in [
            "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult",
            "ule", "une", "uno", "true",
        ] {
            for a in &vals[..6] {
                for b in &vals[..6] {
                    push(
                        &mut cases,
                        &[(a, ty), (b, ty)],
                        format!("arith.cmpf {p}, %a0, %a1 : {ty}"),
                        "i1",
                    );
                }
            }
        }
    }
    let to_int: [(&str, &[&str]); 3] = [
        (
            "f32",
            &[
                "0.0",
                "-0.0",
                "-0.5",
                "-2.75",
                "255.9",
                "-128.9",
                "2147483647.0",
                "-2147483648.0",
                "4294967295.0",
                "1.0e10",
                "0x7FC00000",
                "0xFF800000",
            ],
        ),
        (
            "f64",
            &[
                "-0.5",
                "4294967295.5",
                "1.0e19",
                "-9.3e18",
                "127.99",
                "0x7FF8000000000000",
            ],
        ),
        ("f16", &["-1.5", "65504.0", "0.1", "0x7C00"]),
    ];
    for (ft, vals) in to_int {
        for it in ["i1", "i8", "i32", "i64"] {
            for a in vals {
                for op in ["fptosi", "fptoui"] {
                    push(
                        &mut cases,
                        &[(a, ft)],
                        format!("arith.{op} %a0 : {ft} to {it}"),
                        it,
                    );
                }
            }
        }
    }
    for (it, vals) in ints {
        if it == "index" {
            continue;
        }
        for ft in ["f16", "bf16", "f32", "f64"] {
            for a in vals {
                for op in ["sitofp", "uitofp"] {
                    push(
                        &mut cases,
                        &[(a, it)],
                        format!("arith.{op} %a0 : {it} to {ft}"),
                        ft,
                    );
                }
            }
        }
        for a in vals {
            for op in ["index_cast", "index_castui"] {
                push(
                    &mut cases,
                    &[(a, it)],
                    format!("arith.{op} %a0 : {it} to index"),
                    "index",
                );
            }
        }
    }
    for a in [
        "16777217",
        "-16777217",
        "9007199254740993",
        "-9223372036854775807",
        "65519",
        "65520",
        "4294967295",
    ] {
        for ft in ["f16", "bf16", "f32", "f64"] {
            for op in ["sitofp", "uitofp"] {
                push(
                    &mut cases,
                    &[(a, "i64")],
                    format!("arith.{op} %a0 : i64 to {ft}"),
                    ft,
                );
            }
        }
    }
    let widths = ["i1", "i8", "i16", "i32", "i64"];
    for (ai, a_ty) in widths.iter().enumerate() {
        for (bi, b_ty) in widths.iter().enumerate() {
            let vals: &[&str] = if *a_ty == "i1" {
                &["true", "false"]
            } else {
                &["0", "1", "-1", "100", "-100"]
            };
            for a in vals {
                if bi > ai {
                    for op in ["extsi", "extui"] {
                        push(
                            &mut cases,
                            &[(a, a_ty)],
                            format!("arith.{op} %a0 : {a_ty} to {b_ty}"),
                            b_ty,
                        );
                    }
                } else if bi < ai {
                    push(
                        &mut cases,
                        &[(a, a_ty)],
                        format!("arith.trunci %a0 : {a_ty} to {b_ty}"),
                        b_ty,
                    );
                }
            }
        }
    }
    for (from, to, vals) in [
        ("f32", "f64", floats[0].1),
        ("f16", "f32", floats[2].1),
        ("bf16", "f64", floats[3].1),
    ] {
        for a in vals {
            push(
                &mut cases,
                &[(a, from)],
                format!("arith.extf %a0 : {from} to {to}"),
                to,
            );
        }
    }
    for (from, to, vals) in [
        (
            "f64",
            "f32",
            &[
                "1.5",
                "0.1",
                "1.0e300",
                "0x7FF8000000000000",
                "-0.0",
                "3.4028234663852886e38",
            ][..],
        ),
        (
            "f32",
            "f16",
            &["65504.0", "65520.0", "0.1", "2.0", "0x7FC00000", "6.0e-8"],
        ),
        ("f32", "bf16", &["1.0", "1.00390625", "0x7F800000"]),
    ] {
        for a in vals {
            push(
                &mut cases,
                &[(a, from)],
                format!("arith.truncf %a0 : {from} to {to}"),
                to,
            );
        }
    }
    for (ft, it, vals) in [("f32", "i32", floats[0].1), ("f64", "i64", floats[1].1)] {
        for a in vals {
            push(
                &mut cases,
                &[(a, ft)],
                format!("arith.bitcast %a0 : {ft} to {it}"),
                it,
            );
        }
    }
    let math_unary = [
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
    ];
    let math_vals: [(&str, &[&str]); 3] = [
        (
            "f32",
            &[
                "0.0",
                "-0.0",
                "0.5",
                "-2.0",
                "1.0",
                "-1.0",
                "10.0",
                "2.5",
                "-0.5",
                "0x7FC00001",
                "0x7F800000",
                "0xFF800000",
                "100.0",
                "1.0e-30",
                "3.14159274",
            ],
        ),
        (
            "f64",
            &[
                "0.0",
                "-0.0",
                "0.5",
                "-2.0",
                "1.0",
                "-1.0",
                "10.0",
                "2.5",
                "-0.5",
                "0x7FF8000000000001",
                "0x7FF0000000000000",
                "100.0",
                "1.0e-300",
            ],
        ),
        ("f16", &["0.0", "-0.0", "0.5", "-2.0", "2.5", "-0.5"]),
    ];
    for (ty, vals) in math_vals {
        for op in math_unary {
            for a in vals {
                push(&mut cases, &[(a, ty)], format!("math.{op} %a0 : {ty}"), ty);
            }
        }
        for op in ["atan2", "copysign", "powf"] {
            for a in &vals[..vals.len().min(10)] {
                for b in &vals[..vals.len().min(10)] {
                    push(
                        &mut cases,
                        &[(a, ty), (b, ty)],
                        format!("math.{op} %a0, %a1 : {ty}"),
                        ty,
                    );
                }
            }
        }
        push(
            &mut cases,
            &[("2.0", ty), ("3.0", ty), ("4.0", ty)],
            format!("math.fma %a0, %a1, %a2 : {ty}"),
            ty,
        );
    }
    for (ty, vals) in [ints[0], ints[1], ints[2]] {
        for op in ["absi", "ctlz", "cttz", "ctpop"] {
            for a in vals {
                push(&mut cases, &[(a, ty)], format!("math.{op} %a0 : {ty}"), ty);
            }
        }
        for a in vals {
            for b in ["0", "1", "2", "3", "-1", "-2", "7"] {
                push(
                    &mut cases,
                    &[(a, ty), (b, ty)],
                    format!("math.ipowi %a0, %a1 : {ty}"),
                    ty,
                );
            }
        }
    }
    cases
}

/// Each function's returned constant (its elements), or `None` if what it
/// returns is not a constant.
fn returned_constants(ctx: &mut Context, module: OpId) -> Vec<Option<Vec<Scalar>>> {
    let funcs = ctx.block_ops_vec(ctx.module_body(module));
    funcs
        .into_iter()
        .map(|f| {
            let body = ctx.entry_block(f, 0)?;
            let ret = ctx.last_op(body)?;
            let v = ctx.operand(ret, 0);
            let c = ctx
                .defining_op(v)
                .filter(|&d| ctx.op_is(d, "arith.constant"))?;
            let a = ctx.attr(c, "value")?;
            attr_elements(ctx, a)
        })
        .collect()
}

/// Whether `op` folding to `ours` and `theirs` is a difference we keep on
/// purpose (see the folds' module docs).
fn expected_difference(
    case: &Case,
    ours: &Option<Vec<Scalar>>,
    theirs: &Option<Vec<Scalar>>,
) -> bool {
    let op = case.op.as_str();
    let nan = |s: &Option<Vec<Scalar>>| s.as_ref().is_some_and(|v| v.iter().any(Scalar::is_nan));
    let name = op.split_whitespace().next().unwrap_or("");
    let t = &case.text;
    let has_nan_operand = ["0x7FC", "0xFFC", "0x7FF8", "0x7E00"]
        .iter()
        .any(|n| t.contains(n));
    match (ours, theirs) {
        // f16/bf16 attributes do not keep NaN payloads (the IR stores
        // floats as f64 values).
        (Some(_), Some(_))
            if nan(ours) && nan(theirs) && (op.contains("f16") || op.contains("bf16")) =>
        {
            true
        }
        // maxnumf/minnumf with a NaN operand: MLIR 19 folds (or
        // simplifies) against the ops' meaning.
        _ if matches!(name, "arith.maxnumf" | "arith.minnumf") && has_nan_operand => true,
        // NaN results of non-NaN operands, atan2(±0, ±0), and the C
        // library's asinhf (the libm crate's differs in the last place).
        (None, Some(_)) if name.starts_with("math.") && nan(theirs) => true,
        (Some(_), Some(_)) if name == "math.asinh" && op.ends_with(": f32") => true,
        _ => false,
    }
}

#[test]
fn folds_agree_with_mlir_opt() {
    let Some(tool) = mlir_opt() else {
        eprintln!("skipped: mlir-opt-19 is not installed");
        return;
    };
    let cases = cases();
    let text: String = cases.iter().map(|c| c.text.as_str()).collect();
    let ours_text = canonicalize(&text);
    let theirs_text = run_mlir_opt(tool, &["--canonicalize", "--mlir-print-op-generic"], &text);
    let mut ctx = new_ctx();
    let ours_m = parse_module(&mut ctx, &ours_text, &ParseConfig::default()).unwrap();
    let ours = returned_constants(&mut ctx, ours_m);
    let mut ctx2 = new_ctx();
    let theirs_m = parse_module(&mut ctx2, &theirs_text, &ParseConfig::default()).unwrap();
    let theirs = returned_constants(&mut ctx2, theirs_m);
    assert_eq!(ours.len(), cases.len());
    assert_eq!(theirs.len(), cases.len());
    let mut agree = 0;
    let mut failures = Vec::new();
    for ((case, o), t) in cases.iter().zip(&ours).zip(&theirs) {
        if o == t {
            agree += usize::from(o.is_some());
            continue;
        }
        if !expected_difference(case, o, t) {
            let show = |s: &Option<Vec<Scalar>>| match s {
                None => "no fold".to_string(),
                Some(v) => v
                    .iter()
                    .map(Scalar::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            failures.push(format!(
                "{}\n  ours:     {}\n  mlir-opt: {}",
                case.text.trim_end(),
                show(o),
                show(t)
            ));
        }
    }
    assert!(
        agree > 8000,
        "only {agree} of {} cases fold alike",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from mlir-opt-19:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}
