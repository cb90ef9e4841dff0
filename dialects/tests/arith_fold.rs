//! Folds of the `arith` dialect: a table of constant folds (integer wrap,
//! IEEE floats with APFloat's NaN rules, conversions), the cases MLIR leaves
//! unfolded (undefined behavior, poison, inexact truncations), identities,
//! dense constants, and canonicalization patterns through the greedy driver.

mod arith_support;

use arith_support::{canonicalize, fold_last};

/// A literal for a constant of `ty` (`true`/`false` stay bare).
fn lit(v: &str, ty: &str) -> String {
    if v == "true" || v == "false" {
        v.to_string()
    } else {
        format!("{v} : {ty}")
    }
}

/// Operand `v`: `x`/`y` are the function's arguments, anything else a constant.
fn operand(v: &str, ty: &str, name: &str, defs: &mut String) -> String {
    match v {
        "x" => "%x".to_string(),
        "y" => "%y".to_string(),
        _ => {
            defs.push_str(&format!("  %{name} = arith.constant {}\n", lit(v, ty)));
            format!("%{name}")
        }
    }
}

/// `func.func @f(%x: T, %y: T) -> R { <defs> %r = <op> ; return %r }`.
fn func(ty: &str, rty: &str, defs: &str, op: &str) -> String {
    format!(
        "func.func @f(%x: {ty}, %y: {ty}) -> {rty} {{\n{defs}  %r = {op}\n  func.return %r : {rty}\n}}"
    )
}

/// The fold of `arith.<op> a, b : ty`.
fn bin(op: &str, ty: &str, a: &str, b: &str) -> String {
    let mut defs = String::new();
    let (a, b) = (
        operand(a, ty, "a", &mut defs),
        operand(b, ty, "b", &mut defs),
    );
    fold_last(&func(ty, ty, &defs, &format!("arith.{op} {a}, {b} : {ty}")))
}

/// The fold of `arith.cmp<f|i> pred, a, b : ty`.
fn cmp(op: &str, pred: &str, ty: &str, a: &str, b: &str) -> String {
    let mut defs = String::new();
    let (a, b) = (
        operand(a, ty, "a", &mut defs),
        operand(b, ty, "b", &mut defs),
    );
    fold_last(&func(
        ty,
        "i1",
        &defs,
        &format!("arith.{op} {pred}, {a}, {b} : {ty}"),
    ))
}

/// The fold of `<dialect.op> a : ty` (one operand).
fn un(op: &str, ty: &str, a: &str) -> String {
    let mut defs = String::new();
    let a = operand(a, ty, "a", &mut defs);
    fold_last(&func(ty, ty, &defs, &format!("{op} {a} : {ty}")))
}

/// The fold of `arith.<op> a <extra> : from to to`.
fn cast(op: &str, from: &str, to: &str, a: &str) -> String {
    let mut defs = String::new();
    let (op, extra) = op.split_once(' ').unwrap_or((op, ""));
    let a = operand(a, from, "a", &mut defs);
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" {extra}")
    };
    fold_last(&func(
        from,
        to,
        &defs,
        &format!("arith.{op} {a}{extra} : {from} to {to}"),
    ))
}

#[test]
fn integer_constants_fold_with_wrap_around() {
    let cases = [
        ("addi", "i32", "2147483647", "1", "-2147483648 : i32"),
        ("subi", "i8", "-128", "1", "127 : i8"),
        ("muli", "i64", "-3", "7", "-21 : i64"),
        ("muli", "i8", "16", "16", "0 : i8"),
        ("divsi", "i32", "-7", "2", "-3 : i32"),
        ("divui", "i32", "-7", "2", "2147483644 : i32"),
        ("remsi", "i32", "-7", "2", "-1 : i32"),
        ("remsi", "i32", "-2147483648", "-1", "0 : i32"),
        ("remui", "i32", "7", "3", "1 : i32"),
        ("ceildivsi", "i32", "-7", "2", "-3 : i32"),
        ("ceildivsi", "i32", "7", "2", "4 : i32"),
        ("ceildivsi", "i32", "-7", "-2", "4 : i32"),
        ("ceildivsi", "i32", "7", "-2", "-3 : i32"),
        ("ceildivsi", "i32", "6", "3", "2 : i32"),
        ("ceildivui", "i32", "7", "2", "4 : i32"),
        ("ceildivui", "i8", "-1", "2", "-128 : i8"),
        ("floordivsi", "i32", "-7", "2", "-4 : i32"),
        ("floordivsi", "i32", "7", "-2", "-4 : i32"),
        ("floordivsi", "i32", "-7", "-2", "3 : i32"),
        ("andi", "i32", "12", "10", "8 : i32"),
        ("ori", "i32", "12", "10", "14 : i32"),
        ("xori", "i32", "12", "10", "6 : i32"),
        ("shli", "i32", "1", "31", "-2147483648 : i32"),
        ("shrsi", "i32", "-16", "2", "-4 : i32"),
        ("shrui", "i32", "-16", "28", "15 : i32"),
        ("maxsi", "i32", "-1", "1", "1 : i32"),
        ("maxui", "i32", "-1", "1", "-1 : i32"),
        ("minsi", "i32", "-1", "1", "-1 : i32"),
        ("minui", "i32", "-1", "1", "1 : i32"),
        ("addi", "index", "5", "6", "11 : index"),
        ("muli", "index", "4611686018427387904", "4", "0 : index"),
        ("addi", "i1", "true", "true", "false"),
        ("muli", "i1", "true", "true", "true"),
        ("maxsi", "i1", "true", "false", "false"),
        ("maxui", "i1", "true", "false", "true"),
        ("xori", "i1", "true", "true", "false"),
        (
            "addi",
            "i128",
            "170141183460469231731687303715884105727",
            "1",
            "-170141183460469231731687303715884105728 : i128",
        ),
        ("divsi", "i128", "-9", "4", "-2 : i128"),
        ("shrui", "i128", "-1", "127", "1 : i128"),
    ];
    for (op, ty, a, b, want) in cases {
        assert_eq!(bin(op, ty, a, b), want, "arith.{op} {a}, {b} : {ty}");
    }
}

#[test]
fn undefined_and_poison_results_do_not_fold() {
    let cases = [
        ("divsi", "i32", "7", "0"),
        ("divui", "i32", "7", "0"),
        ("remsi", "i32", "7", "0"),
        ("remui", "i8", "7", "0"),
        ("ceildivsi", "i32", "7", "0"),
        ("ceildivui", "i32", "7", "0"),
        ("floordivsi", "i32", "7", "0"),
        ("divsi", "i32", "-2147483648", "-1"),
        ("floordivsi", "i8", "-128", "-1"),
        ("divsi", "index", "-9223372036854775808", "-1"),
        ("shli", "i32", "1", "32"),
        ("shrsi", "i8", "1", "-1"),
        ("shrui", "i64", "1", "64"),
        // MLIR 19's ceildivsi negates its operands first, which overflows.
        ("ceildivsi", "i32", "-2147483648", "2"),
        ("ceildivsi", "i32", "5", "-2147483648"),
        // maxnumf with a NaN operand: MLIR 19 folds it to NaN, wrongly.
        ("maxnumf", "f32", "0x7FC00000", "1.0"),
    ];
    for (op, ty, a, b) in cases {
        assert_eq!(bin(op, ty, a, b), "none", "arith.{op} {a}, {b} : {ty}");
    }
}

#[test]
fn float_constants_fold_as_ieee_and_apfloat() {
    let cases = [
        ("addf", "f32", "1.5", "2.25", "3.750000e+00 : f32"),
        ("subf", "f64", "1.0", "0.25", "7.500000e-01 : f64"),
        ("mulf", "f32", "3.0e38", "10.0", "0x7F800000 : f32"),
        ("divf", "f32", "1.0", "3.0", "3.3333334e-01 : f32"),
        ("divf", "f32", "-1.0", "0.0", "0xFF800000 : f32"),
        // Invalid operations give the positive quiet NaN; NaN operands propagate quietly.
        ("divf", "f64", "0.0", "0.0", "0x7FF8000000000000 : f64"),
        ("mulf", "f32", "0.0", "0x7F800000", "0x7FC00000 : f32"),
        ("subf", "f32", "1.0", "0xFFC00002", "0xFFC00002 : f32"),
        (
            "addf",
            "f32",
            "0x7FC00001",
            "0xFFC00002",
            "0x7FC00001 : f32",
        ),
        ("remf", "f32", "5.5", "2.0", "1.500000e+00 : f32"),
        ("remf", "f32", "-5.5", "2.0", "-1.500000e+00 : f32"),
        ("remf", "f64", "1.0", "0.0", "0x7FF8000000000000 : f64"),
        ("addf", "f16", "65504.0", "65504.0", "0x7C00 : f16"),
        ("addf", "f16", "1.0", "0.0004", "1.000000e+00 : f16"),
        ("mulf", "bf16", "3.0", "3.0", "9.000000e+00 : bf16"),
        ("addf", "bf16", "1.0", "0.001", "1.000000e+00 : bf16"),
        ("maximumf", "f32", "0.0", "-0.0", "0.000000e+00 : f32"),
        ("minimumf", "f32", "0.0", "-0.0", "-0.000000e+00 : f32"),
        ("maximumf", "f32", "1.0", "0x7FC00001", "0x7FC00001 : f32"),
        (
            "minimumf",
            "f64",
            "0x7FF8000000000001",
            "1.0",
            "0x7FF8000000000001 : f64",
        ),
        ("maxnumf", "f32", "-0.0", "0.0", "0.000000e+00 : f32"),
        ("minnumf", "f32", "0x7FC00000", "1.0", "1.000000e+00 : f32"),
        ("minnumf", "f32", "0.0", "-0.0", "-0.000000e+00 : f32"),
        ("maxnumf", "f32", "2.0", "-3.0", "2.000000e+00 : f32"),
    ];
    for (op, ty, a, b, want) in cases {
        assert_eq!(bin(op, ty, a, b), want, "arith.{op} {a}, {b} : {ty}");
    }
    assert_eq!(un("arith.negf", "f32", "0.0"), "-0.000000e+00 : f32");
    assert_eq!(un("arith.negf", "f32", "0x7FC00001"), "0xFFC00001 : f32");
    assert_eq!(un("arith.negf", "bf16", "-2.5"), "2.500000e+00 : bf16");
}

#[test]
fn comparisons_fold_by_predicate() {
    let nan = "0x7FC00000";
    let cases = [
        ("cmpf", "olt", "f32", "1.0", "2.0", "true"),
        ("cmpf", "olt", "f32", "1.0", nan, "false"),
        ("cmpf", "ult", "f32", "1.0", nan, "true"),
        ("cmpf", "uno", "f32", nan, "1.0", "true"),
        ("cmpf", "ord", "f64", "1.0", "2.0", "true"),
        ("cmpf", "oeq", "f32", "0.0", "-0.0", "true"),
        ("cmpf", "one", "f32", "0.0", "-0.0", "false"),
        ("cmpf", "une", "f32", nan, nan, "true"),
        ("cmpf", "false", "f32", "1.0", "1.0", "false"),
        ("cmpf", "true", "f32", nan, nan, "true"),
        ("cmpf", "uge", "f16", "2.0", "1.0", "true"),
        // One NaN constant decides an ordered or unordered predicate alone.
        ("cmpf", "olt", "f32", "x", nan, "false"),
        ("cmpf", "ueq", "f32", nan, "x", "true"),
        ("cmpf", "oeq", "f32", "x", "x", "none"),
        ("cmpi", "slt", "i32", "-1", "1", "true"),
        ("cmpi", "ult", "i32", "-1", "1", "false"),
        ("cmpi", "sge", "i8", "-128", "127", "false"),
        ("cmpi", "ugt", "i8", "-128", "127", "true"),
        ("cmpi", "eq", "index", "3", "3", "true"),
        ("cmpi", "eq", "i32", "x", "x", "true"),
        ("cmpi", "ne", "i32", "x", "x", "false"),
        ("cmpi", "sle", "i32", "x", "x", "true"),
        ("cmpi", "ugt", "i32", "x", "x", "false"),
        ("cmpi", "ne", "i1", "x", "false", "arg0"),
        ("cmpi", "eq", "i1", "x", "true", "arg0"),
        ("cmpi", "eq", "i32", "x", "y", "none"),
    ];
    for (op, pred, ty, a, b, want) in cases {
        assert_eq!(
            cmp(op, pred, ty, a, b),
            want,
            "arith.{op} {pred}, {a}, {b} : {ty}"
        );
    }
}

#[test]
fn conversions_fold_exactly() {
    let cases = [
        ("extf", "f32", "f64", "0.1", "1.0000000149011612e-01 : f64"),
        ("extf", "f16", "f32", "0x7E00", "0x7FC00000 : f32"),
        ("truncf", "f64", "f32", "1.5", "1.500000e+00 : f32"),
        ("truncf downward", "f64", "f32", "1.5", "1.500000e+00 : f32"),
        ("truncf", "f32", "f16", "65504.0", "6.550400e+04 : f16"),
        // MLIR folds truncf only when it loses nothing.
        ("truncf", "f64", "f32", "0.1", "none"),
        ("truncf", "f64", "f32", "1.0e300", "none"),
        ("truncf", "f32", "bf16", "1.00390625", "none"),
        ("extsi", "i8", "i32", "-1", "-1 : i32"),
        ("extui", "i8", "i32", "-1", "255 : i32"),
        ("extui", "i1", "i8", "true", "1 : i8"),
        ("extsi", "i1", "i8", "true", "-1 : i8"),
        ("trunci", "i32", "i8", "257", "1 : i8"),
        ("trunci", "i32", "i1", "3", "true"),
        ("sitofp", "i32", "f32", "16777217", "1.6777216e+07 : f32"),
        ("sitofp", "i1", "f32", "true", "-1.000000e+00 : f32"),
        ("uitofp", "i8", "f32", "-1", "2.550000e+02 : f32"),
        ("uitofp", "i32", "f16", "65520", "0x7C00 : f16"),
        ("sitofp", "i64", "bf16", "257", "2.560000e+02 : bf16"),
        ("sitofp", "i64", "bf16", "259", "2.600000e+02 : bf16"),
        ("fptosi", "f32", "i32", "-2.75", "-2 : i32"),
        ("fptosi", "f64", "i8", "-128.9", "-128 : i8"),
        ("fptoui", "f32", "i8", "255.9", "-1 : i8"),
        ("fptoui", "f32", "i32", "-0.5", "0 : i32"),
        ("fptosi", "f32", "i1", "-1.0", "true"),
        ("fptosi", "f32", "i32", "3.0e9", "none"),
        ("fptosi", "f64", "i8", "128.0", "none"),
        ("fptoui", "f32", "i32", "-1.5", "none"),
        ("fptosi", "f32", "i32", "0x7FC00000", "none"),
        ("fptoui", "f64", "i64", "0x7FF0000000000000", "none"),
        ("index_cast", "i32", "index", "-1", "-1 : index"),
        ("index_castui", "i32", "index", "-1", "4294967295 : index"),
        ("index_cast", "index", "i8", "-1", "-1 : i8"),
        ("index_cast", "index", "i8", "300", "44 : i8"),
        ("bitcast", "f32", "i32", "1.0", "1065353216 : i32"),
        (
            "bitcast",
            "i64",
            "f64",
            "-4616189618054758400",
            "-1.000000e+00 : f64",
        ),
        ("bitcast", "f16", "bf16", "1.0", "7.812500e-03 : bf16"),
    ];
    for (op, from, to, a, want) in cases {
        assert_eq!(
            cast(op, from, to, a),
            want,
            "arith.{op} {a} : {from} to {to}"
        );
    }
}

#[test]
fn identities_fold_to_operands_or_constants() {
    let cases = [
        ("addi", "i32", "x", "0", "arg0"),
        ("addi", "i32", "0", "x", "arg0"),
        ("subi", "i32", "x", "0", "arg0"),
        ("subi", "i32", "x", "x", "0 : i32"),
        ("subi", "i32", "0", "x", "none"),
        ("muli", "i32", "x", "1", "arg0"),
        ("muli", "i32", "1", "x", "arg0"),
        ("muli", "i32", "x", "0", "0 : i32"),
        ("divsi", "i32", "x", "1", "arg0"),
        ("divui", "index", "x", "1", "arg0"),
        ("floordivsi", "i32", "x", "1", "arg0"),
        ("ceildivui", "i32", "x", "1", "arg0"),
        ("divsi", "i32", "1", "x", "none"),
        ("remsi", "i32", "x", "1", "0 : i32"),
        ("remui", "i32", "x", "1", "0 : i32"),
        ("andi", "i32", "x", "0", "0 : i32"),
        ("andi", "i32", "x", "-1", "arg0"),
        ("andi", "i32", "x", "x", "arg0"),
        ("ori", "i32", "x", "0", "arg0"),
        ("ori", "i32", "x", "-1", "-1 : i32"),
        ("ori", "i32", "x", "x", "arg0"),
        ("xori", "i32", "x", "0", "arg0"),
        ("xori", "i32", "x", "x", "0 : i32"),
        ("shli", "i32", "x", "0", "arg0"),
        ("shrsi", "i32", "x", "0", "arg0"),
        ("maxsi", "i32", "x", "2147483647", "2147483647 : i32"),
        ("maxsi", "i32", "x", "-2147483648", "arg0"),
        ("minsi", "i32", "x", "-2147483648", "-2147483648 : i32"),
        ("minsi", "i32", "x", "2147483647", "arg0"),
        ("maxui", "i32", "x", "-1", "-1 : i32"),
        ("maxui", "i32", "x", "0", "arg0"),
        ("minui", "i32", "x", "0", "0 : i32"),
        ("minui", "i32", "x", "-1", "arg0"),
        ("maxsi", "i32", "x", "x", "arg0"),
        ("addf", "f32", "x", "-0.0", "arg0"),
        ("addf", "f32", "-0.0", "x", "arg0"),
        ("addf", "f32", "x", "0.0", "none"),
        ("subf", "f32", "x", "0.0", "arg0"),
        ("subf", "f32", "x", "-0.0", "none"),
        ("mulf", "f32", "x", "1.0", "arg0"),
        ("mulf", "f32", "x", "0.0", "none"),
        ("divf", "f32", "x", "1.0", "arg0"),
        ("divf", "f32", "1.0", "x", "none"),
        ("maximumf", "f32", "x", "0xFF800000", "arg0"),
        ("minimumf", "f32", "x", "0x7F800000", "arg0"),
        ("minimumf", "f32", "x", "x", "arg0"),
        // maxnum(NaN, -inf) is -inf, so x cannot be the result.
        ("maxnumf", "f32", "x", "0xFF800000", "none"),
        ("minnumf", "f32", "x", "0x7F800000", "none"),
        ("maxnumf", "f32", "x", "x", "arg0"),
    ];
    for (op, ty, a, b, want) in cases {
        assert_eq!(bin(op, ty, a, b), want, "arith.{op} {a}, {b} : {ty}");
    }
}

#[test]
fn identities_through_defining_ops() {
    let f = |sig: &str, rty: &str, body: &str| {
        fold_last(&format!(
            "func.func @f({sig}) -> {rty} {{\n{body}\n  func.return %r : {rty}\n}}"
        ))
    };
    let ii = "%x: i32, %y: i32";
    let cases = [
        (
            ii,
            "i32",
            "%s = arith.subi %x, %y : i32\n%r = arith.addi %s, %y : i32",
            "arg0",
        ),
        (
            ii,
            "i32",
            "%s = arith.subi %x, %y : i32\n%r = arith.addi %y, %s : i32",
            "arg0",
        ),
        (
            ii,
            "i32",
            "%s = arith.addi %x, %y : i32\n%r = arith.subi %s, %y : i32",
            "arg0",
        ),
        (
            ii,
            "i32",
            "%s = arith.addi %x, %y : i32\n%r = arith.subi %s, %x : i32",
            "arg1",
        ),
        (
            ii,
            "i32",
            "%m = arith.constant -1 : i32\n%n = arith.xori %x, %m : i32\n%r = arith.andi %x, %n : i32",
            "0 : i32",
        ),
        (
            ii,
            "i32",
            "%t = arith.xori %x, %y : i32\n%r = arith.xori %t, %y : i32",
            "arg0",
        ),
        (
            ii,
            "i32",
            "%t = arith.xori %x, %y : i32\n%r = arith.xori %y, %t : i32",
            "arg0",
        ),
        (
            "%x: f32",
            "f32",
            "%n = arith.negf %x : f32\n%r = arith.negf %n : f32",
            "arg0",
        ),
        (
            "%x: i1",
            "i1",
            "%e = arith.extui %x : i1 to i32\n%z = arith.constant 0 : i32\n%r = arith.cmpi ne, %e, %z : i32",
            "arg0",
        ),
        (
            "%x: i8",
            "i8",
            "%e = arith.extsi %x : i8 to i32\n%r = arith.trunci %e : i32 to i8",
            "arg0",
        ),
        (
            "%x: i8",
            "i16",
            "%e = arith.extsi %x : i8 to i32\n%r = arith.trunci %e : i32 to i16",
            "none",
        ),
        (
            "%x: index",
            "index",
            "%e = arith.index_cast %x : index to i64\n%r = arith.index_cast %e : i64 to index",
            "arg0",
        ),
        (
            "%x: f32",
            "f32",
            "%e = arith.bitcast %x : f32 to i32\n%r = arith.bitcast %e : i32 to f32",
            "arg0",
        ),
        // MLIR 19 leaves truncf(extf(x)) alone; so do we.
        (
            "%x: f32",
            "f32",
            "%e = arith.extf %x : f32 to f64\n%r = arith.truncf %e : f64 to f32",
            "none",
        ),
        (
            "%c: i1, %x: f32, %y: f32",
            "f32",
            "%r = arith.select %c, %x, %x : f32",
            "arg1",
        ),
        (
            "%c: i1, %x: f32, %y: f32",
            "f32",
            "%t = arith.constant true\n%r = arith.select %t, %x, %y : f32",
            "arg1",
        ),
        (
            "%c: i1, %x: vector<2xf32>, %y: vector<2xf32>",
            "vector<2xf32>",
            "%t = arith.constant dense<false> : vector<2xi1>\n%r = arith.select %t, %x, %y : vector<2xi1>, vector<2xf32>",
            "arg2",
        ),
        (
            "%c: i1",
            "i1",
            "%t = arith.constant true\n%f = arith.constant false\n%r = arith.select %c, %t, %f : i1",
            "arg0",
        ),
        (
            "%x: i32, %y: i32",
            "i32",
            "%c = arith.cmpi ne, %x, %y : i32\n%r = arith.select %c, %x, %y : i32",
            "arg0",
        ),
        (
            "%x: i32, %y: i32",
            "i32",
            "%c = arith.cmpi eq, %x, %y : i32\n%r = arith.select %c, %x, %y : i32",
            "arg1",
        ),
    ];
    for (sig, rty, body, want) in cases {
        assert_eq!(f(sig, rty, body), want, "{body}");
    }
}

#[test]
fn dense_constants_fold_element_wise() {
    let f = |rty: &str, body: &str| {
        fold_last(&format!(
            "func.func @f() -> {rty} {{\n{body}\n  func.return %r : {rty}\n}}"
        ))
    };
    let cases = [
        (
            "vector<4xi32>",
            "%a = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>\n%b = arith.constant dense<10> : vector<4xi32>\n%r = arith.addi %a, %b : vector<4xi32>",
            "dense<[11, 12, 13, 14]> : vector<4xi32>",
        ),
        (
            "tensor<2x2xf32>",
            "%a = arith.constant dense<2.0> : tensor<2x2xf32>\n%r = arith.mulf %a, %a : tensor<2x2xf32>",
            "dense<4.000000e+00> : tensor<2x2xf32>",
        ),
        (
            "vector<3xi1>",
            "%a = arith.constant dense<[1.0, 0x7FC00000, 3.0]> : vector<3xf32>\n%b = arith.constant dense<2.0> : vector<3xf32>\n%r = arith.cmpf olt, %a, %b : vector<3xf32>",
            "dense<[true, false, false]> : vector<3xi1>",
        ),
        (
            "vector<2xf32>",
            "%c = arith.constant dense<[true, false]> : vector<2xi1>\n%a = arith.constant dense<[1.0, 2.0]> : vector<2xf32>\n%b = arith.constant dense<[3.0, 4.0]> : vector<2xf32>\n%r = arith.select %c, %a, %b : vector<2xi1>, vector<2xf32>",
            "dense<[1.000000e+00, 4.000000e+00]> : vector<2xf32>",
        ),
        (
            "vector<2xindex>",
            "%a = arith.constant dense<[-1, 7]> : vector<2xi32>\n%r = arith.index_castui %a : vector<2xi32> to vector<2xindex>",
            "dense<[4294967295, 7]> : vector<2xindex>",
        ),
        // One bad lane (division by zero) stops the whole fold.
        (
            "vector<2xi32>",
            "%a = arith.constant dense<[4, 6]> : vector<2xi32>\n%b = arith.constant dense<[2, 0]> : vector<2xi32>\n%r = arith.divsi %a, %b : vector<2xi32>",
            "none",
        ),
        // Identities hold for splats.
        (
            "vector<2xi32>",
            "%a = arith.constant dense<[4, 6]> : vector<2xi32>\n%z = arith.constant dense<0> : vector<2xi32>\n%r = arith.subi %a, %a : vector<2xi32>",
            "dense<0> : vector<2xi32>",
        ),
    ];
    for (rty, body, want) in cases {
        assert_eq!(f(rty, body), want, "{body}");
    }
}

#[test]
fn canonicalize_moves_constants_right_and_reassociates() {
    let out = canonicalize(
        "func.func @f(%x: index, %y: index) -> (index, index, i1, index, index) {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %m1 = arith.constant -1 : index
  %0 = arith.addi %c2, %x : index
  %1 = arith.addi %0, %c3 : index
  %2 = arith.cmpi ult, %c3, %x : index
  %s = arith.subi %c3, %x : index
  %3 = arith.subi %c2, %s : index
  %n = arith.muli %y, %m1 : index
  %4 = arith.addi %x, %n : index
  %m = arith.muli %x, %c2 overflow<nsw> : index
  %5 = arith.muli %m, %c3 overflow<nsw> : index
  func.return %1, %3, %2, %4, %5 : index, index, i1, index, index
}",
    );
    let body = out.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    for want in [
        "%0 = arith.constant 6 : index",
        "%1 = arith.constant 3 : index",
        "%2 = arith.constant -1 : index",
        "%3 = arith.constant 5 : index",
        "%4 = arith.addi %arg0, %3 : index",
        "%5 = arith.cmpi ugt, %arg0, %1 : index",
        "%6 = arith.addi %arg0, %2 : index",
        "%7 = arith.subi %arg0, %arg1 : index",
        // New ops carry no overflow flags.
        "%8 = arith.muli %arg0, %0 : index",
        "func.return %4, %6, %5, %7, %8 : index, index, i1, index, index",
    ] {
        assert!(body.contains(want), "missing '{want}' in\n{out}");
    }
}

#[test]
fn canonicalize_shortens_cast_chains() {
    let out = canonicalize(
        "func.func @f(%i: i8, %w: i32) -> (i32, i64, i8, index, i16, index) {
  %a = arith.extui %i : i8 to i16
  %0 = arith.extui %a : i16 to i32
  %1 = arith.extsi %a : i16 to i64
  %t = arith.trunci %w : i32 to i16
  %2 = arith.trunci %t : i16 to i8
  %b = arith.extsi %i : i8 to i32
  %3 = arith.index_cast %b : i32 to index
  %4 = arith.trunci %b : i32 to i16
  %u = arith.extui %i : i8 to i32
  %5 = arith.index_castui %u : i32 to index
  func.return %0, %1, %2, %3, %4, %5 : i32, i64, i8, index, i16, index
}",
    );
    for want in [
        "arith.extui %arg0 : i8 to i32",
        "arith.extui %arg0 : i8 to i64",
        "arith.trunci %arg1 : i32 to i8",
        "arith.index_cast %arg0 : i8 to index",
        "arith.extsi %arg0 : i8 to i16",
        "arith.index_castui %arg0 : i8 to index",
    ] {
        assert!(out.contains(want), "missing '{want}' in\n{out}");
    }
    assert!(
        !out.contains("i16 to"),
        "an i16 intermediate is left:\n{out}"
    );
}
