//! Parse errors: each is one diagnostic at `file:line:col` whose message
//! says what was expected and what was found.

mod syntax_support;

use syntax_support::{first_error, parse_error, test_ctx};
use tessera_compiler::syntax::{ParseConfig, parse_module};

#[test]
fn messages_and_positions() {
    let cases: &[(&str, &str)] = &[
        // Ops and names.
        (
            "%0 = test.add %a, %a }",
            "t.mlir:1:22: expected ':' after operand list, found '}'",
        ),
        (
            "%a = \"t.s\"() : () -> f32\n%0 = test.add %a, %a }",
            "t.mlir:2:22: expected ':' after operand list, found '}'",
        ),
        (
            "%0 = graph.foo %x : (f32) -> f32",
            "t.mlir:1:6: custom op 'graph.foo' is unknown (unregistered ops must use the generic form \"d.op\"(...))",
        ),
        (
            "frobnicate",
            "t.mlir:1:1: custom op 'frobnicate' is unknown",
        ),
        (
            "\"t.x\"() : () -> ()\n%0 = test.generic_only : () -> ()",
            "t.mlir:2:6: op 'test.generic_only' has no custom form; use the generic form \"test.generic_only\"(...)",
        ),
        (
            "%0 = \"t.x\"() : () -> ()",
            "t.mlir:1:6: cannot name an operation with no results",
        ),
        (
            "%0, %1 = \"t.x\"() : () -> i32",
            "t.mlir:1:10: operation defines 1 results but was provided 2 to bind",
        ),
        (
            "%0:0 = \"t.x\"() : () -> i32",
            "t.mlir:1:1: expected a result count of at least 1",
        ),
        (
            "%0 = ",
            "t.mlir:1:6: expected operation name in quotes, found end of file",
        ),
        (
            "%0 \"t.x\"() : () -> i32",
            "t.mlir:1:4: expected '=' after SSA value names, found '\"t.x\"'",
        ),
        ("\"\"() : () -> ()", "t.mlir:1:1: invalid operation name"),
        (
            "\"t.x\"(%a#x) : (i32) -> ()",
            "t.mlir:1:9: expected a result number after '#'",
        ),
        (
            "\"t.x\"(",
            "t.mlir:1:7: expected ')' to end operand list, found end of file",
        ),
        (
            "\"t.x\"() : i32",
            "t.mlir:1:11: expected the operation's function type, found 'i32'",
        ),
        (
            "\"t.x\"()",
            "t.mlir:1:8: expected ':' followed by the operation's function type, found end of file",
        ),
        (
            "%a = \"t.s\"() : () -> f32\n\"t.x\"(%a) : (i32) -> ()",
            "t.mlir:2:7: use of value '%a' expects different type than prior uses: 'i32' vs 'f32'",
        ),
        (
            "%a = \"t.s\"() : () -> f32\n%b = test.fn %a : (f32, f32) -> f32",
            "t.mlir:2:19: 1 operands present, but expected 2",
        ),
        // Regions and blocks.
        (
            "\"t.x\"() ({\n  \"t.y\"() : () -> ()\n",
            "t.mlir:3:1: expected '}' to end region, found end of file",
        ),
        (
            "\"t.x\"() ({ ^bb0 \"t.y\"() : () -> () }) : () -> ()",
            "t.mlir:1:17: expected ':' after block name, found '\"t.y\"'",
        ),
        (
            "\"t.x\"() ({ ^bb0(%a f32): }) : () -> ()",
            "t.mlir:1:20: expected ':' after block argument name, found 'f32'",
        ),
        (
            "\"t.x\"() ({ ^bb0(%a: f32, %a: f32): }) : () -> ()",
            "t.mlir:1:26: redefinition of value '%a' | t.mlir:1:17: previously defined here",
        ),
        (
            "%i = \"t.i\"() : () -> index\n%r = test.for %i to %i (%x: index) { ^bb0: }",
            "t.mlir:2:38: invalid block name in region with named arguments",
        ),
        (
            "\"t.x\"()[^bb1] : () -> ()",
            "t.mlir:1:9: reference to an undefined block '^bb1'",
        ),
        // Types.
        (
            "\"t.x\"() : () -> tensor<4>",
            "t.mlir:1:25: expected 'x' in dimension list, found '>'",
        ),
        (
            "\"t.x\"() : () -> tensor<4x>",
            "t.mlir:1:26: expected type, found '>'",
        ),
        (
            "\"t.x\"() : () -> tensor<4xf32",
            "t.mlir:1:29: expected '>' to end tensor type, found end of file",
        ),
        (
            "\"t.x\"() : () -> tensor<*xf32>",
            "t.mlir:1:24: unranked shaped types are not supported",
        ),
        (
            "\"t.x\"() : () -> vector<?xf32>",
            "t.mlir:1:24: vector types must have a static shape",
        ),
        (
            "\"t.x\"() : () -> tensor<2xnone>",
            "t.mlir:1:26: invalid tensor element type",
        ),
        (
            "\"t.x\"() : () -> i200",
            "t.mlir:1:17: invalid integer width in 'i200' (1 to 128 bits are supported)",
        ),
        (
            "\"t.x\"() : () -> complex<f32>",
            "t.mlir:1:17: type 'complex' is not supported",
        ),
        (
            "\"t.x\"() : () -> foo",
            "t.mlir:1:17: expected type, found 'foo'",
        ),
        (
            "\"t.x\"() : () -> !nope",
            "t.mlir:1:17: undefined symbol alias id 'nope'",
        ),
        (
            "\"t.x\"() : () -> !foo<\"a",
            "t.mlir:1:21: unbalanced '<' in dialect body",
        ),
        (
            "!a = i32\n!a = f32",
            "t.mlir:2:1: redefinition of type alias id 'a'",
        ),
        // Attributes.
        (
            "\"t.x\"() {a = } : () -> ()",
            "t.mlir:1:14: expected attribute value, found '}'",
        ),
        (
            "\"t.x\"() {a = 1, a = 2} : () -> ()",
            "t.mlir:1:17: duplicate key 'a' in dictionary attribute",
        ),
        (
            "\"t.x\"() {a = 128 : si8} : () -> ()",
            "t.mlir:1:14: integer constant out of range for attribute",
        ),
        (
            "\"t.x\"() {a = 99999999999999999999999999999999999999999} : () -> ()",
            "t.mlir:1:14: integer constant is too large",
        ),
        (
            "\"t.x\"() {a = 1.5 : i32} : () -> ()",
            "t.mlir:1:14: floating point value not valid for specified type",
        ),
        (
            "\"t.x\"() {a = 2 : f32} : () -> ()",
            "t.mlir:1:14: unexpected decimal integer literal for a floating point value | t.mlir:1:14: add a trailing dot to make the literal a float",
        ),
        (
            "\"t.x\"() {a = -0x3F800000 : f32} : () -> ()",
            "t.mlir:1:15: hexadecimal float literal should not have a leading minus",
        ),
        (
            "\"t.x\"() {a = 0x1FFFF : f16} : () -> ()",
            "t.mlir:1:14: hexadecimal float constant out of range for type",
        ),
        (
            "\"t.x\"() {a = 1 : tensor<2xf32>} : () -> ()",
            "t.mlir:1:18: expected an integer or float type for a number, found 'tensor<2xf32>'",
        ),
        (
            "\"t.x\"() {a = \"\\q\"} : () -> ()",
            "t.mlir:1:14: unknown escape in string literal",
        ),
        (
            "\"t.x\"() {a = \"\\FF\"} : () -> ()",
            "t.mlir:1:14: string literal is not valid UTF-8",
        ),
        (
            "\"t.x\"() {a = \"abc\n\"} : () -> ()",
            "t.mlir:1:14: expected '\"' in string literal",
        ),
        (
            "\"t.x\"() {a = #nope} : () -> ()",
            "t.mlir:1:14: undefined symbol alias id 'nope'",
        ),
        (
            "\"t.x\"() {a = @a::b} : () -> ()",
            "t.mlir:1:18: expected nested symbol reference after '::', found 'b'",
        ),
        (
            "\"t.x\"() {a = array<tensor<2xf32>: 1>} : () -> ()",
            "t.mlir:1:20: expected an integer or float element type for 'array', found 'tensor<2xf32>'",
        ),
        (
            "\"t.x\"() {a = array<i8: 300>} : () -> ()",
            "t.mlir:1:24: integer constant out of range for attribute",
        ),
        (
            "\"t.x\"() {a = dense<1.0>} : () -> ()",
            "t.mlir:1:24: expected ':' and a type after dense elements, found '}'",
        ),
        (
            "\"t.x\"() {a = dense<1.0> : f32} : () -> ()",
            "t.mlir:1:27: dense elements need a tensor or vector type, found 'f32'",
        ),
        (
            "\"t.x\"() {a = dense<1.0> : tensor<?xf32>} : () -> ()",
            "t.mlir:1:27: dense elements need a static shape and an integer, index or float element type, found 'tensor<?xf32>'",
        ),
        (
            "\"t.x\"() {a = dense<[1.0, 2.0]> : tensor<3xf32>} : () -> ()",
            "t.mlir:1:20: inferred shape of elements literal ([2]) does not match type ([3])",
        ),
        (
            "\"t.x\"() {a = dense<[[1], [2, 3]]> : tensor<2x2xi32>} : () -> ()",
            "t.mlir:1:20: tensor literal is invalid; ranks are not consistent between elements",
        ),
        (
            "\"t.x\"() {a = dense<[1.5]> : tensor<1xi32>} : () -> ()",
            "t.mlir:1:21: expected integer elements, but parsed floating-point",
        ),
        (
            "\"t.x\"() {a = dense<[true]> : tensor<1xi32>} : () -> ()",
            "t.mlir:1:21: expected i1 type for 'true' or 'false' values",
        ),
        (
            "\"t.x\"() {a = dense<\"0x0102\"> : tensor<3xi8>} : () -> ()",
            "t.mlir:1:20: elements hex data size is invalid for provided type: 'tensor<3xi8>'",
        ),
        (
            "\"t.x\"() {a = dense<\"abc\"> : tensor<3xi8>} : () -> ()",
            "t.mlir:1:20: expected a hex string \"0x...\" in dense elements (string elements are not supported)",
        ),
        (
            "\"t.x\"() {a = dense<> : tensor<3xi8>} : () -> ()",
            "t.mlir:1:14: 'dense<>' is only valid for types with no elements",
        ),
        (
            "\"t.x\"() {a = dense<(1.0, 2.0)> : tensor<complex<f32>>} : () -> ()",
            "t.mlir:1:20: complex dense elements are not supported",
        ),
        (
            "\"t.x\"() {a = affine_map} : () -> ()",
            "t.mlir:1:24: expected '<' after 'affine_map', found '}'",
        ),
        (
            "#a = 1\n#a = 2",
            "t.mlir:2:1: redefinition of attribute alias id 'a'",
        ),
        // Locations.
        (
            "\"t.x\"() : () -> () loc(\"f\":1)",
            "t.mlir:1:29: expected ':' after line number, found ')'",
        ),
        (
            "\"t.x\"() : () -> () loc(callsite(\"a\" \"b\"))",
            "t.mlir:1:37: expected 'at' in callsite location, found '\"b\"'",
        ),
        (
            "\"t.x\"() : () -> () loc(nowhere)",
            "t.mlir:1:24: expected location instance, found 'nowhere'",
        ),
        (
            "\"t.x\"() : () -> () loc(#later)",
            "t.mlir:1:24: undefined location alias '#later'",
        ),
        (
            "\"t.x\"() : () -> () loc(fused[#nope])",
            "t.mlir:1:30: undefined location alias '#nope'",
        ),
        // Lexing.
        (
            "\"t.x\"() : () -> () $",
            "t.mlir:1:20: unexpected character",
        ),
        (
            "\"t.x\"() : () -> () é",
            "t.mlir:1:20: unexpected character",
        ),
        ("%", "t.mlir:1:1: expected a value name after '%'"),
        (
            "{-# dialect_resources: {} #-}",
            "t.mlir:1:1: file metadata blocks ('{-# ... #-}') are not supported",
        ),
    ];
    let mut failures = Vec::new();
    for (input, want) in cases {
        let mut ctx = test_ctx();
        match parse_module(&mut ctx, input, &syntax_support::config()) {
            Ok(_) => failures.push(format!("{input:?}: parsed, expected {want}")),
            Err(d) => {
                let got = first_error(&ctx, &d);
                if got != *want {
                    failures.push(format!("{input:?}:\n  got  {got}\n  want {want}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn file_name_and_line_offset_are_used() {
    let mut ctx = test_ctx();
    let config = ParseConfig {
        file_name: "dir/input.mlir".to_string(),
        line_offset: 41,
    };
    let d = parse_module(&mut ctx, "\n\n  \"t.x\"(%v) : (i32) -> ()\n", &config).unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(
        first_error(&ctx, &d),
        "dir/input.mlir:44:9: use of undefined value '%v'"
    );
}

#[test]
fn errors_render_with_a_snippet() {
    let mut ctx = test_ctx();
    let config = ParseConfig {
        file_name: "snippet.mlir".to_string(),
        line_offset: 0,
    };
    let d = parse_module(
        &mut ctx,
        "%0 = \"t.x\"() : () -> i32\n%0 = \"t.y\"() : () -> i32\n",
        &config,
    )
    .unwrap_err();
    let text = tessera_compiler::diag::render(&ctx, &d);
    assert!(text.contains("redefinition of value '%0'"), "{text}");
    assert!(text.contains("snippet.mlir:2:1"), "{text}");
    assert!(text.contains("previously defined here"), "{text}");
}

#[test]
fn forward_reference_type_conflicts_name_both_types() {
    assert_eq!(
        parse_error("\"t.use\"(%x, %x) : (f32, i32) -> ()\n%x = \"t.def\"() : () -> f32"),
        "t.mlir:1:13: use of value '%x' expects different type than prior uses: 'i32' vs 'f32'"
    );
}
