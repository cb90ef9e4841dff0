//! Folds of the `math` dialect: which ops fold for which types (as MLIR 19
//! does), the values they fold to, and the operands MLIR leaves alone.

mod arith_support;

use arith_support::fold_last;

fn lit(v: &str, ty: &str) -> String {
    format!("{v} : {ty}")
}

/// The fold of `math.<op> args : ty`.
fn fold(op: &str, ty: &str, args: &[&str]) -> String {
    let mut defs = String::new();
    let mut names = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if *a == "x" {
            names.push("%x".to_string());
        } else {
            defs.push_str(&format!("  %c{i} = arith.constant {}\n", lit(a, ty)));
            names.push(format!("%c{i}"));
        }
    }
    fold_last(&format!(
        "func.func @f(%x: {ty}) -> {ty} {{\n{defs}  %r = math.{op} {} : {ty}\n  func.return %r : {ty}\n}}",
        names.join(", ")
    ))
}

#[test]
fn exact_ops_fold_for_every_float_type() {
    let cases = [
        ("absf", "f16", &["-2.5"][..], "2.500000e+00 : f16"),
        ("absf", "bf16", &["-0.0"], "0.000000e+00 : bf16"),
        ("absf", "f32", &["0xFFC00000"], "0x7FC00000 : f32"),
        ("ceil", "f16", &["1.5"], "2.000000e+00 : f16"),
        ("floor", "f64", &["-1.5"], "-2.000000e+00 : f64"),
        ("floor", "f32", &["-0.0"], "-0.000000e+00 : f32"),
        ("roundeven", "bf16", &["2.5"], "2.000000e+00 : bf16"),
        ("roundeven", "f32", &["3.5"], "4.000000e+00 : f32"),
        ("copysign", "f16", &["2.0", "-0.0"], "-2.000000e+00 : f16"),
        (
            "copysign",
            "f32",
            &["0x7FC00000", "-1.0"],
            "0xFFC00000 : f32",
        ),
    ];
    for (op, ty, args, want) in cases {
        assert_eq!(fold(op, ty, args), want, "math.{op} {args:?} : {ty}");
    }
}

#[test]
fn libm_ops_fold_for_f32_and_f64() {
    let cases = [
        ("exp", "f32", &["0.0"][..], "1.000000e+00 : f32"),
        ("exp", "f32", &["1.0"], "2.7182817e+00 : f32"),
        ("exp", "f64", &["1.0"], "2.718281828459045e+00 : f64"),
        ("exp", "f32", &["100.0"], "0x7F800000 : f32"),
        ("exp2", "f32", &["-2.0"], "2.500000e-01 : f32"),
        ("expm1", "f64", &["-0.0"], "-0.000000e+00 : f64"),
        ("log", "f32", &["1.0"], "0.000000e+00 : f32"),
        ("log", "f32", &["0.0"], "0xFF800000 : f32"),
        ("log2", "f64", &["8.0"], "3.000000e+00 : f64"),
        ("log10", "f32", &["100.0"], "2.000000e+00 : f32"),
        ("log1p", "f32", &["-1.0"], "0xFF800000 : f32"),
        ("log1p", "f32", &["-0.5"], "-6.931472e-01 : f32"),
        ("sqrt", "f32", &["2.25"], "1.500000e+00 : f32"),
        ("sqrt", "f32", &["0x7F800000"], "0x7F800000 : f32"),
        ("sin", "f32", &["0x7FC00001"], "0x7FC00001 : f32"),
        ("cos", "f64", &["0.0"], "1.000000e+00 : f64"),
        ("tan", "f32", &["-0.0"], "-0.000000e+00 : f32"),
        ("atan", "f32", &["0x7F800000"], "1.5707964e+00 : f32"),
        ("tanh", "f64", &["0x7FF0000000000000"], "1.000000e+00 : f64"),
        ("erf", "f32", &["0x7F800000"], "1.000000e+00 : f32"),
        ("round", "f32", &["-2.5"], "-3.000000e+00 : f32"),
        ("trunc", "f64", &["-2.7"], "-2.000000e+00 : f64"),
        ("atan2", "f32", &["1.0", "0.0"], "1.5707964e+00 : f32"),
        (
            "atan2",
            "f64",
            &["-0.0", "-1.0"],
            "-3.141592653589793e+00 : f64",
        ),
        ("powf", "f32", &["2.0", "10.0"], "1.024000e+03 : f32"),
        ("powf", "f32", &["0x7FC00000", "0.0"], "1.000000e+00 : f32"),
        ("powf", "f64", &["-0.0", "-1.0"], "0xFFF0000000000000 : f64"),
    ];
    for (op, ty, args, want) in cases {
        assert_eq!(fold(op, ty, args), want, "math.{op} {args:?} : {ty}");
    }
}

#[test]
fn what_mlir_does_not_fold() {
    let cases = [
        // No folder at all.
        ("cbrt", "f32", &["8.0"][..]),
        ("rsqrt", "f32", &["4.0"]),
        ("fma", "f32", &["2.0", "3.0", "4.0"]),
        // The C library is only used for f32 and f64.
        ("exp", "f16", &["1.0"]),
        ("sin", "bf16", &["1.0"]),
        ("round", "f16", &["2.5"]),
        ("trunc", "bf16", &["2.5"]),
        // Negative operands of logarithms and square roots, -0.0 included.
        ("log", "f32", &["-1.0"]),
        ("log2", "f64", &["-0.0"]),
        ("log10", "f32", &["0xFFC00000"]),
        ("sqrt", "f32", &["-0.0"]),
        ("sqrt", "f64", &["-4.0"]),
        ("log1p", "f32", &["-2.0"]),
        // MLIR folds atan2(±0, ±0) to NaN, against C; we leave it.
        ("atan2", "f32", &["0.0", "-0.0"]),
        // NaN from non-NaN operands: its sign depends on the C library.
        ("acos", "f32", &["2.0"]),
        ("powf", "f64", &["-2.0", "0.5"]),
        ("sin", "f32", &["0x7F800000"]),
        // Not all operands constant.
        ("powf", "f32", &["x", "2.0"]),
    ];
    for (op, ty, args) in cases {
        assert_eq!(fold(op, ty, args), "none", "math.{op} {args:?} : {ty}");
    }
}

#[test]
fn integer_ops_fold_for_every_width() {
    let cases = [
        ("absi", "i32", &["-2147483648"][..], "-2147483648 : i32"),
        ("absi", "i8", &["-5"], "5 : i8"),
        ("ctlz", "i32", &["0"], "32 : i32"),
        ("ctlz", "i64", &["1"], "63 : i64"),
        ("ctlz", "index", &["-1"], "0 : index"),
        ("cttz", "i16", &["0"], "16 : i16"),
        ("cttz", "i32", &["12"], "2 : i32"),
        ("ctpop", "i8", &["-1"], "8 : i8"),
        ("ipowi", "i32", &["-3", "3"], "-27 : i32"),
        ("ipowi", "i32", &["3", "-3"], "0 : i32"),
        ("ipowi", "i32", &["-1", "-3"], "-1 : i32"),
        ("ipowi", "i32", &["5", "0"], "1 : i32"),
        ("ipowi", "i8", &["2", "7"], "-128 : i8"),
        ("ipowi", "i64", &["0", "-1"], "none"),
    ];
    for (op, ty, args, want) in cases {
        assert_eq!(fold(op, ty, args), want, "math.{op} {args:?} : {ty}");
    }
}

#[test]
fn shaped_constants_fold_element_wise() {
    let out = fold_last(
        "func.func @f() -> vector<3xf32> {
  %c = arith.constant dense<[1.0, 4.0, 0.25]> : vector<3xf32>
  %r = math.sqrt %c : vector<3xf32>
  func.return %r : vector<3xf32>
}",
    );
    assert_eq!(
        out,
        "dense<[1.000000e+00, 2.000000e+00, 5.000000e-01]> : vector<3xf32>"
    );
    // One lane MLIR does not fold keeps the whole op.
    let out = fold_last(
        "func.func @f() -> tensor<2xf32> {
  %c = arith.constant dense<[1.0, -4.0]> : tensor<2xf32>
  %r = math.sqrt %c : tensor<2xf32>
  func.return %r : tensor<2xf32>
}",
    );
    assert_eq!(out, "none");
    let out = fold_last(
        "func.func @f() -> tensor<2x2xi32> {
  %c = arith.constant dense<8> : tensor<2x2xi32>
  %r = math.ctlz %c : tensor<2x2xi32>
  func.return %r : tensor<2x2xi32>
}",
    );
    assert_eq!(out, "dense<28> : tensor<2x2xi32>");
}
