//! The textual format: custom forms through the registry, the generic form,
//! value and block scoping, types, attributes and locations, and the
//! `OpParser`/`OpPrinter` APIs, with a small `test` dialect.

mod syntax_support;

use syntax_support::{parse, parse_error, print, print_with, round_trip, test_ctx};
use tessera_compiler::syntax::{
    ParseConfig, PrintOptions, attr_str, dense, float, parse_attr_str, parse_module,
    parse_type_str, print_op, type_str,
};
use tessera_compiler::{AttrData, FloatKind, LocData, TypeData};

#[test]
fn custom_forms_through_the_registry() {
    let text = r#"
%a, %b = "test.src"() : () -> (f32, f32)
%0 = test.add %a, %b : f32
%1 = test.add %0, %a {note = "x"} : f32
%2:2 = test.fn %1, %b {k = 1} : (f32, f32) -> (i32, i32)
%3 = test.fn : () -> tensor<2xf32>
test.fn %2#1 : (i32) -> ()
%4 = "test.generic_only"(%0) : (f32) -> f32
"#;
    assert_eq!(
        round_trip(text),
        r#"module {
  %0:2 = "test.src"() : () -> (f32, f32)
  %1 = test.add %0#0, %0#1 : f32
  %2 = test.add %1, %0#0 {note = "x"} : f32
  %3:2 = test.fn %2, %0#1 {k = 1 : i64} : (f32, f32) -> (i32, i32)
  %4 = test.fn : () -> tensor<2xf32>
  test.fn %3#1 : (i32) -> ()
  %5 = "test.generic_only"(%1) : (f32) -> f32
}
"#
    );
}

#[test]
fn custom_forms_fall_back_to_generic_when_they_do_not_fit() {
    // A SameType op whose types differ prints generically, and reads back.
    let text = r#"
%a = "test.src"() : () -> f32
%b = "test.src"() : () -> i32
%0 = "test.add"(%a, %b) : (f32, i32) -> f32
"#;
    let out = round_trip(text);
    assert!(
        out.contains(r#"%2 = "test.add"(%0, %1) : (f32, i32) -> f32"#),
        "{out}"
    );
}

#[test]
fn generic_printing_of_registered_ops() {
    let out = print_with(
        r#"%a = "test.src"() : () -> f32
%0 = test.add %a, %a : f32"#,
        &PrintOptions {
            generic: true,
            debug_locs: false,
        },
    );
    assert_eq!(
        out,
        r#""builtin.module"() ({
  %0 = "test.src"() : () -> f32
  %1 = "test.add"(%0, %0) : (f32, f32) -> f32
}) : () -> ()
"#
    );
}

#[test]
fn custom_parsers_with_regions_and_arguments() {
    let text = r#"
test.isolated @outer attributes {tag} {
  %lb = "test.src"() : () -> index
  %r = test.for %lb to %lb (%i: index) -> f32 {
    %x = "test.cast"(%i) : (index) -> f32
    %y = test.add %x, %x : f32
    test.ret %y : f32
  }
  test.isolated @inner {
  }
}
"#;
    assert_eq!(
        round_trip(text),
        r#"module {
  test.isolated @outer attributes {tag} {
    %0 = "test.src"() : () -> index
    %1 = test.for %0 to %0 (%arg0: index) -> f32 {
      %2 = "test.cast"(%arg0) : (index) -> f32
      %3 = test.add %2, %2 : f32
      test.ret %3 : f32
    }
    test.isolated @inner {
    }
  }
}
"#
    );
}

#[test]
fn isolated_regions_do_not_see_outer_values() {
    let e = parse_error(
        r#"%a = "test.src"() : () -> f32
test.isolated @x {
  %0 = test.add %a, %a : f32
}"#,
    );
    assert_eq!(e, "t.mlir:3:17: use of undefined value '%a'");
}

#[test]
fn nested_regions_see_outer_values_but_not_the_reverse() {
    let ok = print(
        r#"%a = "test.src"() : () -> index
%r = test.for %a to %a (%i: index) -> index {
  test.ret %a : index
}"#,
    );
    assert!(ok.contains("test.ret %0 : index"), "{ok}");
    let e = parse_error(
        r#"%a = "test.src"() : () -> index
%r = test.for %a to %a (%i: index) -> index {
  %in = test.add %i, %i : index
  test.ret %in : index
}
%use = test.add %in, %in : index"#,
    );
    assert_eq!(e, "t.mlir:6:17: use of undefined value '%in'");
}

#[test]
fn forward_references_resolve_and_check_types() {
    // Graph regions (the top level here) allow uses before definitions.
    let out = round_trip(
        r#"%x = test.add %p#1, %p#0 : f32
%p:2 = "test.pair"(%x) : (f32) -> (f32, f32)"#,
    );
    assert!(out.contains("%0 = test.add %1#1, %1#0 : f32"), "{out}");
    assert!(
        out.contains("%1:2 = \"test.pair\"(%0) : (f32) -> (f32, f32)"),
        "{out}"
    );

    let e = parse_error(
        r#"%x = test.add %p, %p : f32
%p = "test.src"() : () -> i32"#,
    );
    assert_eq!(
        e,
        "t.mlir:2:1: definition of value '%p#0' has type 'i32' | t.mlir:1:15: previously used here with type 'f32'"
    );
    let e = parse_error(
        r#"%x = test.add %p#2, %p#2 : f32
%p:2 = "test.pair"() : () -> (f32, f32)"#,
    );
    assert_eq!(
        e,
        "t.mlir:1:15: reference to invalid result number 2 of '%p'"
    );
}

#[test]
fn redefinitions_and_undefined_names() {
    assert_eq!(
        parse_error("%a = \"t.x\"() : () -> i32\n%a = \"t.x\"() : () -> i32"),
        "t.mlir:2:1: redefinition of value '%a' | t.mlir:1:1: previously defined here"
    );
    assert_eq!(
        parse_error("\"t.x\"(%nope) : (i32) -> ()"),
        "t.mlir:1:7: use of undefined value '%nope'"
    );
    assert_eq!(
        parse_error("\"t.r\"() ({\n^a:\n  \"t.br\"()[^b] : () -> ()\n}) : () -> ()"),
        "t.mlir:3:12: reference to an undefined block '^b'"
    );
    assert_eq!(
        parse_error(
            "\"t.r\"() ({\n^a:\n\"t.x\"() : () -> ()\n^a:\n\"t.x\"() : () -> ()\n}) : () -> ()"
        ),
        "t.mlir:4:1: redefinition of block '^a'"
    );
    // Block names are scoped to their region.
    round_trip(
        "\"t.r\"() ({\n^a:\n\"t.x\"() : () -> ()\n}, {\n^a:\n\"t.x\"() : () -> ()\n}) : () -> ()",
    );
}

#[test]
fn successors_and_block_arguments() {
    let text = r#""t.f"() ({
^entry(%c: i1):
  "t.cond"(%c)[^left, ^right] : (i1) -> ()
^left:
  %v = "t.v"() : () -> f32
  "t.br"(%v)[^join] : (f32) -> ()
^right:
  "t.br"(%w)[^join] : (f32) -> ()
^join(%r: f32):
  "t.ret"(%r) : (f32) -> ()
^late:
  %w = "t.v"() : () -> f32
  "t.br"()[^join] : () -> ()
}) : () -> ()"#;
    assert_eq!(
        round_trip(text),
        r#"module {
  "t.f"() ({
  ^bb0(%arg0: i1):
    "t.cond"(%arg0)[^bb1, ^bb2] : (i1) -> ()
  ^bb1:
    %0 = "t.v"() : () -> f32
    "t.br"(%0)[^bb3] : (f32) -> ()
  ^bb2:
    "t.br"(%2)[^bb3] : (f32) -> ()
  ^bb3(%1: f32):
    "t.ret"(%1) : (f32) -> ()
  ^bb4:
    %2 = "t.v"() : () -> f32
    "t.br"()[^bb3] : () -> ()
  }) : () -> ()
}
"#
    );
}

#[test]
fn a_single_top_level_module_is_the_result() {
    let mut ctx = test_ctx();
    let m = parse(
        &mut ctx,
        "// comment\n\"builtin.module\"() ({\n  \"t.x\"() : () -> ()\n}) {sym_name = \"m\"} : () -> ()\n",
    )
    .unwrap();
    assert_eq!(ctx.symbol_name(m), Some("m"));
    assert!(ctx.op(m).parent.is_none());
    let m = parse(&mut ctx, "\"t.x\"() : () -> ()\n\"t.y\"() : () -> ()").unwrap();
    assert!(ctx.op_is(m, "builtin.module"));
    assert_eq!(ctx.block_ops_vec(ctx.module_body(m)).len(), 2);
    let m = parse(&mut ctx, "").unwrap();
    assert_eq!(ctx.block_ops_vec(ctx.module_body(m)).len(), 0);
}

#[test]
fn ops_default_to_their_name_location() {
    let mut ctx = test_ctx();
    let config = ParseConfig {
        file_name: "chunk.mlir".to_string(),
        line_offset: 10,
    };
    let m = parse_module(&mut ctx, "\n  %0 = test.fn : () -> i32\n", &config).unwrap();
    let op = ctx.first_op(ctx.module_body(m)).unwrap();
    match ctx.loc_data(ctx.op(op).loc) {
        LocData::FileLineCol { file, line, col } => {
            assert_eq!((ctx.symbol_str(*file), *line, *col), ("chunk.mlir", 12, 8));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn locations_parse_and_print() {
    let text = r#"#a = loc("a.py":1:2)
"t.x"() : () -> () loc(#a)
"t.x"() : () -> () loc(#b)
"t.x"() : () -> () loc(callsite("f"("g.py":3:4) at fused<{k = 1}>[#a, unknown]))
"t.y"() ({
^bb0(%x: i32 loc("arg.py":5:6)):
}) : () -> () loc("y")
#b = loc("b.py":7:8)
"#;
    let out = print_with(
        text,
        &PrintOptions {
            generic: false,
            debug_locs: true,
        },
    );
    assert_eq!(
        out,
        r#"module {
  "t.x"() : () -> () loc("a.py":1:2)
  "t.x"() : () -> () loc("b.py":7:8)
  "t.x"() : () -> () loc(callsite("f"("g.py":3:4) at fused<{k = 1 : i64}>["a.py":1:2, unknown]))
  "t.y"() ({
  ^bb0(%arg0: i32 loc("arg.py":5:6)):
  }) : () -> () loc("y")
} loc("t.mlir":1:1)
"#
    );
    round_trip(text);
}

#[test]
fn types_print_as_mlir() {
    let mut ctx = test_ctx();
    let cases = [
        ("i1", "i1"),
        ("si8", "si8"),
        ("ui64", "ui64"),
        ("i128", "i128"),
        ("index", "index"),
        ("bf16", "bf16"),
        ("none", "none"),
        ("tensor<f32>", "tensor<f32>"),
        ("tensor<2x?x3xf32>", "tensor<2x?x3xf32>"),
        ("tensor<0xf32>", "tensor<0xf32>"),
        ("tensor<0x0x1xi8>", "tensor<0x0x1xi8>"),
        ("tensor< 4 x 2 x f32 >", "tensor<4x2xf32>"),
        ("tensor<4x!foo.t<1>>", "tensor<4x!foo.t<1>>"),
        ("memref<4x4xf32>", "memref<4x4xf32>"),
        ("memref<4xf32, 2>", "memref<4xf32, 2>"),
        (
            "memref<?x4xf32, strided<[4, 1], offset: ?>, #gpu.address_space<private>>",
            "memref<?x4xf32, strided<[4, 1], offset: ?>, #gpu.address_space<private>>",
        ),
        ("vector<8xf32>", "vector<8xf32>"),
        ("vector<f32>", "vector<f32>"),
        ("(i32, f32) -> ()", "(i32, f32) -> ()"),
        ("(i32) -> (f32)", "(i32) -> f32"),
        ("() -> (() -> i32)", "() -> (() -> i32)"),
        ("tuple<>", "tuple<>"),
        ("tuple<i32, tuple<f32>>", "tuple<i32, tuple<f32>>"),
        ("!foo.bar", "!foo.bar"),
        ("!foo<\"a>\" [<>] ->>", "!foo<\"a>\" [<>] ->>"),
    ];
    for (input, want) in cases {
        let t = parse_type_str(&mut ctx, input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(type_str(&ctx, t), want, "{input}");
        assert_eq!(parse_type_str(&mut ctx, want).unwrap(), t, "{want}");
    }
    let t = parse_type_str(&mut ctx, "tensor<2x?xf32>").unwrap();
    match ctx.type_data(t) {
        TypeData::Tensor { shape, .. } => assert_eq!(shape, &[2, tessera_compiler::DYNAMIC]),
        other => panic!("{other:?}"),
    }
    for bad in [
        "tensor<2x>",
        "tensor<*xf32>",
        "tensor<2xtensor<f32>>",
        "vector<?xf32>",
        "vector<[4]xf32>",
        "i0",
        "i129",
        "f80",
        "complex<f32>",
        "!undefined_alias",
        "tensor<4xf32, #enc>",
        "memref<4xf32",
        "(i32 -> i32",
    ] {
        assert!(
            parse_type_str(&mut ctx, bad).is_err(),
            "{bad} should not parse"
        );
    }
}

#[test]
fn attributes_print_as_mlir() {
    let mut ctx = test_ctx();
    let cases = [
        ("42", "42 : i64"),
        ("-7 : i8", "-7 : i8"),
        ("255 : i8", "-1 : i8"),
        ("255 : ui8", "255 : ui8"),
        ("0x10 : i16", "16 : i16"),
        ("1 : i1", "true"),
        ("-1 : i1", "true"),
        ("0 : index", "0 : index"),
        ("-9223372036854775808 : i64", "-9223372036854775808 : i64"),
        ("1.5", "1.500000e+00 : f64"),
        ("1. : f32", "1.000000e+00 : f32"),
        ("-2.5e-3 : f16", "-2.500534e-03 : f16"),
        ("0.1 : f64", "1.000000e-01 : f64"),
        ("3.14159265358979 : f64", "3.14159265358979e+00 : f64"),
        ("0x7FC00000 : f32", "0x7FC00000 : f32"),
        ("0xFF80 : bf16", "0xFF80 : bf16"),
        ("0x3FF0000000000000 : f64", "1.000000e+00 : f64"),
        ("\"a\\\"b\\\\c\\n\\t\\41\"", "\"a\\22b\\\\c\\0A\\09A\""),
        ("\"ünï\"", "\"\\C3\\BCn\\C3\\AF\""),
        ("true", "true"),
        ("unit", "unit"),
        ("@f", "@f"),
        ("@\"a b\"::@c", "@\"a b\"::@c"),
        ("[]", "[]"),
        ("[1, [2.0], \"s\", @g]", "[1, [2.000000e+00], \"s\", @g]"),
        ("{b = 1, a}", "{a, b = 1 : i64}"),
        ("{\"x y\" = {}}", "{\"x y\" = {}}"),
        ("array<i64: 1, -2>", "array<i64: 1, -2>"),
        ("array<i64>", "array<i64>"),
        ("array<i1: true, false>", "array<i1: true, false>"),
        (
            "array<f64: 0.5, -0.0>",
            "array<f64: 5.000000e-01, -0.000000e+00>",
        ),
        ("dense<1> : tensor<2x2xi32>", "dense<1> : tensor<2x2xi32>"),
        (
            "dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>",
            "dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>",
        ),
        (
            "dense<[1.0, 1.0]> : tensor<2xf32>",
            "dense<1.000000e+00> : tensor<2xf32>",
        ),
        ("dense<[]> : tensor<0xi64>", "dense<> : tensor<0xi64>"),
        ("dense<true> : tensor<3xi1>", "dense<true> : tensor<3xi1>"),
        (
            "dense<\"0x0000803F00000040\"> : tensor<2xf32>",
            "dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>",
        ),
        (
            "dense<\"0x01\"> : tensor<3xi1>",
            "dense<[true, false, false]> : tensor<3xi1>",
        ),
        (
            "dense<\"0x0200\"> : tensor<4xi16>",
            "dense<2> : tensor<4xi16>",
        ),
        (
            "dense<[0x7F800000, 1.0]> : vector<2xf32>",
            "dense<[0x7F800000, 1.000000e+00]> : vector<2xf32>",
        ),
        (
            "dense<[-1, 255]> : tensor<2xui8>",
            "dense<[255, 255]> : tensor<2xui8>",
        ),
        (
            "affine_map<(d0)[s0] -> (d0 + s0)>",
            "affine_map<(d0)[s0] -> (d0 + s0)>",
        ),
        ("#foo.bar<\"x\">", "#foo.bar<\"x\">"),
        ("#foo<[1, {a = (2)}]>", "#foo<[1, {a = (2)}]>"),
        ("f32", "f32"),
        ("tensor<2xf32>", "tensor<2xf32>"),
        ("(i32) -> i32", "(i32) -> i32"),
        ("!foo.t", "!foo.t"),
    ];
    for (input, want) in cases {
        let a = match parse_attr_str(&mut ctx, input) {
            Ok(a) => a,
            Err(e) if input.contains("[-1, 255]") => {
                // ui8 rejects negative literals, as MLIR does.
                assert!(e.message.contains("negative"), "{}", e.message);
                continue;
            }
            Err(e) => panic!("{input}: {}", e.message),
        };
        assert_eq!(attr_str(&ctx, a), want, "{input}");
        assert_eq!(parse_attr_str(&mut ctx, want).unwrap(), a, "{want}");
    }
    // Equal constants intern to one attribute, however they are written.
    let a = parse_attr_str(&mut ctx, "dense<[2.0, 2.0]> : tensor<2xf32>").unwrap();
    let b = parse_attr_str(&mut ctx, "dense<2.0> : tensor<2xf32>").unwrap();
    let c = parse_attr_str(&mut ctx, "dense<\"0x0000004000000040\"> : tensor<2xf32>").unwrap();
    assert_eq!((a, a), (b, c));
}

#[test]
fn float_literals_round_trip_exactly() {
    let mut ctx = test_ctx();
    // Every f16 and bf16 value, and a spread of f32 and f64 bit patterns.
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut cases: Vec<(u64, FloatKind)> = Vec::new();
    for bits in 0..=0xFFFFu64 {
        cases.push((bits, FloatKind::F16));
        cases.push((bits, FloatKind::BF16));
    }
    for _ in 0..20_000 {
        cases.push((next() & 0xFFFF_FFFF, FloatKind::F32));
        cases.push((next(), FloatKind::F64));
    }
    for (bits, kind) in cases {
        let v = float::from_bits(bits, kind);
        let ty = ctx.float_type(kind);
        let a = ctx.float_attr(v, ty);
        let text = attr_str(&ctx, a);
        let b = parse_attr_str(&mut ctx, &text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let back = ctx.attr_data(b).as_f64().unwrap();
        if v.is_nan() {
            assert!(back.is_nan(), "{text}");
        } else {
            assert_eq!(float::to_bits(back, kind), bits, "{text} ({kind:?})");
        }
    }
}

#[test]
fn large_dense_constants_print_as_hex_and_read_back() {
    let mut ctx = test_ctx();
    for (elem, n) in [
        ("f32", 101),
        ("f64", 300),
        ("f16", 128),
        ("bf16", 128),
        ("i8", 200),
        ("i16", 150),
        ("i32", 1000),
        ("i64", 101),
        ("index", 101),
        ("i1", 130),
    ] {
        let vals: Vec<String> = (0..n)
            .map(|i| match elem {
                "i1" => (if i % 3 == 0 { "true" } else { "false" }).to_string(),
                e if e.starts_with('f') || e == "bf16" => format!("{}.5", i as i64 - 50),
                "i8" => format!("{}", (i as i64 % 256) - 128),
                _ => format!("{}", i as i64 * 7 - 300),
            })
            .collect();
        let text = format!("dense<[{}]> : tensor<{n}x{elem}>", vals.join(", "));
        let a = parse_attr_str(&mut ctx, &text).unwrap_or_else(|e| panic!("{elem}: {e:?}"));
        let printed = attr_str(&ctx, a);
        assert_eq!(printed.starts_with("dense<\"0x"), elem != "i1", "{printed}");
        let b = parse_attr_str(&mut ctx, &printed).unwrap();
        assert_eq!(a, b, "{elem}");
        let AttrData::DenseElements(d) = ctx.attr_data(a) else {
            panic!()
        };
        assert_eq!(dense::len(&ctx, d), Some(n));
        let els = dense::elements(&ctx, d).unwrap();
        assert_eq!(els.len() as u64, n);
    }
}

#[test]
fn printing_part_of_a_module() {
    let mut ctx = test_ctx();
    let m = parse(
        &mut ctx,
        r#"%a = "test.src"() : () -> f32
%r = test.for %i0 to %i0 (%i: index) -> f32 {
  %x = test.add %a, %a : f32
  test.ret %x : f32
}
%i0 = "test.idx"() : () -> index"#,
    )
    .unwrap();
    let ops = ctx.block_ops_vec(ctx.module_body(m));
    let out = print_op(&ctx, ops[1], &PrintOptions::default());
    assert_eq!(
        out,
        "%0 = test.for <<UNKNOWN SSA VALUE>> to <<UNKNOWN SSA VALUE>> (%arg0: index) -> f32 {\n  \
         %1 = test.add <<UNKNOWN SSA VALUE>>, <<UNKNOWN SSA VALUE>> : f32\n  test.ret %1 : f32\n}\n"
    );
}

#[test]
fn snapshot_custom_and_generic_forms() {
    let text = r#"
#map = affine_map<(d0) -> (d0)>
!t = tensor<2x3xf32>
%w = "test.weights"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : !t, map = #map} : () -> !t
test.isolated @kernel attributes {kind = "fused"} {
  %lb = "test.src"() : () -> index
  %r:2 = "test.multi"(%lb) ({
  ^bb0(%arg: index):
    "test.yield"(%arg) : (index) -> ()
  }) : (index) -> (f32, i64)
  %s = test.add %r#0, %r#0 : f32
  %f = test.fn %s, %r#1 {perm = array<i64: 1, 0>} : (f32, i64) -> tensor<2xf32>
}
"#;
    insta::assert_snapshot!("custom", print(text));
    insta::assert_snapshot!(
        "generic",
        print_with(
            text,
            &PrintOptions {
                generic: true,
                debug_locs: false
            }
        )
    );
    insta::assert_snapshot!(
        "debug_locs",
        print_with(
            text,
            &PrintOptions {
                generic: false,
                debug_locs: true
            }
        )
    );
}
