//! The `arith` and `math` registries and verifiers: every op of the tables
//! is registered with its traits and custom form, the verifiers reject what
//! MLIR 19 rejects (in MLIR's words), and ops that do not fit their custom
//! form still print (generically) and read back.

mod arith_support;

use arith_support::{new_ctx, parse_error, verify_error};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{OpSyntax, OpTraits};
use tessera_dialects::arith::{ArithOp, CmpFPredicate, CmpIPredicate, RoundingMode};
use tessera_dialects::math::MathOp;

#[test]
fn every_table_op_is_registered() {
    let ctx = new_ctx();
    let names: Vec<&str> = ArithOp::ALL
        .iter()
        .map(|o| o.name())
        .chain(MathOp::ALL.iter().map(|o| o.name()))
        .collect();
    for name in &names {
        let n = ctx.lookup_op_name(name).unwrap_or_else(|| panic!("{name}"));
        let def = ctx
            .op_name_def(n)
            .unwrap_or_else(|| panic!("{name} has no def"));
        assert!(def.traits.contains(OpTraits::PURE), "{name}");
        assert!(matches!(def.syntax, OpSyntax::Custom { .. }), "{name}");
        assert!(def.verify.is_some() && def.fold.is_some(), "{name}");
        assert!(
            !def.summary.is_empty() && def.description.contains("```mlir"),
            "{name}"
        );
    }
    let registered = ctx
        .op_defs()
        .iter()
        .filter(|d| d.name.starts_with("arith.") || d.name.starts_with("math."))
        .count();
    assert_eq!(registered, names.len());
    for op in ArithOp::ALL {
        assert_eq!(ArithOp::from_name(op.name()), Some(*op));
        let def = ctx
            .op_name_def(ctx.lookup_op_name(op.name()).unwrap())
            .unwrap();
        assert_eq!(
            def.traits.contains(OpTraits::COMMUTATIVE),
            op.is_commutative()
        );
    }
    for op in MathOp::ALL {
        assert_eq!(MathOp::from_name(op.name()), Some(*op));
    }
    let c = ctx
        .op_name_def(ctx.lookup_op_name("arith.constant").unwrap())
        .unwrap();
    assert!(c.traits.contains(OpTraits::CONSTANT_LIKE));
    assert!(ctx.dialect("math").unwrap().materialize_constant.is_some());
}

#[test]
fn enum_attributes_round_trip() {
    let mut ctx = new_ctx();
    for p in CmpFPredicate::ALL {
        let a = p.to_attr(&mut ctx);
        assert_eq!(CmpFPredicate::from_attr(&ctx, a), Some(*p));
        assert_eq!(CmpFPredicate::from_keyword(p.keyword()), Some(*p));
    }
    for p in CmpIPredicate::ALL {
        let a = p.to_attr(&mut ctx);
        assert_eq!(CmpIPredicate::from_attr(&ctx, a), Some(*p));
        assert_eq!(p.swapped().swapped(), *p);
    }
    for m in RoundingMode::ALL {
        let a = m.to_attr(&mut ctx);
        assert_eq!(RoundingMode::from_attr(&ctx, a), Some(*m));
    }
    // MLIR's encodings.
    assert_eq!(CmpFPredicate::Olt.code(), 4);
    assert_eq!(CmpFPredicate::AlwaysTrue.code(), 15);
    assert_eq!(CmpIPredicate::Uge.code(), 9);
    assert_eq!(RoundingMode::ToNearestAway.code(), 4);
    // A predicate of the wrong integer type is not one.
    let i32t = ctx.i32_type();
    let bad = ctx.int_attr(4, i32t);
    assert_eq!(CmpFPredicate::from_attr(&ctx, bad), None);
}

#[test]
fn verifier_messages() {
    let f = |sig: &str, body: &str| {
        verify_error(&format!(
            "func.func @f({sig}) {{\n  {body}\n  func.return\n}}"
        ))
        .unwrap_or_else(|| panic!("verifies: {body}"))
    };
    let cases = [
        (
            "%x: f32",
            "%0:2 = \"arith.addf\"(%x, %x) : (f32, f32) -> (f32, f32)",
            "'arith.addf' op expects 2 operands and 1 result, but got 2 and 2",
        ),
        (
            "%x: ui8",
            "%0 = arith.xori %x, %x : ui8",
            "'arith.xori' op operands must be signless-integer-like, but got 'ui8'",
        ),
        (
            "%x: tensor<4xf32>",
            "%0 = arith.cmpf olt, %x, %x : tensor<4xf32>\n  %1 = \"arith.cmpf\"(%x, %x) {predicate = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> vector<4xi1>",
            "'arith.cmpf' op failed to verify that result type has i1 element type and same shape as operands: 'vector<4xi1>' for operands of type 'tensor<4xf32>'",
        ),
        (
            "%x: i32",
            "%0 = \"arith.cmpi\"(%x, %x) {predicate = 10 : i64} : (i32, i32) -> i1",
            "'arith.cmpi' op attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
        ),
        (
            "%c: tensor<4xi1>, %x: vector<4xf32>",
            "%0 = arith.select %c, %x, %x : tensor<4xi1>, vector<4xf32>",
            "'arith.select' op failed to verify that condition is signless i1 or has matching shape: condition 'tensor<4xi1>' for result 'vector<4xf32>'",
        ),
        (
            "%x: tensor<4xi32>",
            "%0 = arith.extsi %x : tensor<4xi32> to tensor<?xi64>",
            "'arith.extsi' op requires the same shape for all operands and results",
        ),
        (
            "%x: index",
            "%0 = arith.index_castui %x : index to index",
            "'arith.index_castui' op operand type 'index' and result type 'index' are cast incompatible",
        ),
        (
            "%x: f32",
            "%0 = \"arith.truncf\"(%x) {roundingmode = 1 : i64} : (f32) -> f16",
            "'arith.truncf' op attribute 'roundingmode' failed to satisfy constraint: Floating point rounding mode (an i32 in 0..=4: to_nearest_even, downward, upward, toward_zero, to_nearest_away)",
        ),
        (
            "%x: f32",
            "%0 = \"arith.extf\"(%x) {fastmath = #arith.overflow<nsw>} : (f32) -> f64",
            "'arith.extf' op attribute 'fastmath' failed to satisfy constraint: fast-math flags (#arith.fastmath<...>)",
        ),
        (
            "",
            "%0 = \"arith.constant\"() {value = dense<1.0> : tensor<2xf32>} : () -> vector<2xf32>",
            "'arith.constant' op value type 'tensor<2xf32>' does not match result type 'vector<2xf32>'",
        ),
        (
            "%x: vector<2xf32>",
            "%0 = \"math.copysign\"(%x, %x) : (vector<2xf32>, vector<2xf32>) -> vector<3xf32>",
            "'math.copysign' op requires the same type for all operands and results, but operand #0 has type 'vector<2xf32>' and the result 'vector<3xf32>'",
        ),
    ];
    for (sig, body, want) in cases {
        assert_eq!(f(sig, body), want, "{body}");
    }
    // A flag attribute on an op that takes none is just an attribute.
    assert_eq!(
        verify_error(
            "func.func @f(%x: i32) {\n  %0 = arith.divsi %x, %x {fastmath = 1 : i32} : i32\n  func.return\n}"
        ),
        None
    );
}

#[test]
fn parser_messages() {
    let f = |sig: &str, body: &str| {
        parse_error(&format!(
            "func.func @f({sig}) {{\n  {body}\n  func.return\n}}"
        ))
        .unwrap_or_else(|| panic!("parses: {body}"))
    };
    let cases = [
        (
            "%x: f32",
            "%0 = arith.negf %x, %x : f32",
            "'arith.negf' expects 1 operand, found 2",
        ),
        (
            "%x: f32",
            "%0 = arith.addf %x, %x fastmath<fast : f32",
            "expected '>' to end the flag list, found ':'",
        ),
        (
            "%x: f32",
            "%0 = arith.select %x, %x, %x : i1, f32, f32",
            "expected ': T' or ': condition type, T' after 'arith.select' operands",
        ),
        (
            "%x: f64",
            "%0 = arith.truncf %x : f64 f32",
            "expected 'to', found 'f32'",
        ),
        (
            "%x: f64",
            "%0 = arith.truncf %x nearest : f64 to f32",
            "expected ':' before type, found 'nearest'",
        ),
        (
            "%x: f32",
            "%0 = arith.cmpf olt %x, %x : f32",
            "expected ',' after the predicate, found '%x'",
        ),
        (
            "%x: f32",
            "%0 = math.fma %x, %x : f32",
            "'math.fma' expects 3 operands, found 2",
        ),
    ];
    for (sig, body, want) in cases {
        assert_eq!(f(sig, body), want, "{body}");
    }
}

#[test]
fn ops_off_their_custom_form_print_generically() {
    // Each op verifies badly but must still print and read back.
    let text = r#"func.func @f(%x: f32, %i: i32) {
  %0 = "arith.addf"(%x, %x) {fastmath = "fast"} : (f32, f32) -> f32
  %1 = "arith.cmpf"(%x, %x) {predicate = 99 : i64} : (f32, f32) -> i1
  %2 = "arith.cmpi"(%i, %i) {predicate = 0 : i64} : (i32, i32) -> i32
  %3 = "arith.select"(%i, %x, %x) : (i32, f32, f32) -> f32
  %4 = "arith.truncf"(%x) {roundingmode = "up"} : (f32) -> f16
  %5 = "math.exp"(%x, %x) : (f32, f32) -> f32
  %6 = "arith.constant"() {value = 1 : i64} : () -> i32
  func.return
}"#;
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, text, &ParseConfig::default()).unwrap();
    let printed = print_op(&ctx, m, &PrintOptions::default());
    for op in [
        "arith.addf",
        "arith.cmpf",
        "arith.cmpi",
        "arith.select",
        "arith.truncf",
        "math.exp",
        "arith.constant",
    ] {
        assert!(
            printed.contains(&format!("\"{op}\"(")),
            "{op} not generic:\n{printed}"
        );
    }
    let mut ctx2 = new_ctx();
    let m2 = parse_module(&mut ctx2, &printed, &ParseConfig::default()).unwrap();
    assert_eq!(print_op(&ctx2, m2, &PrintOptions::default()), printed);
}
