//! Affine expressions, maps and integer sets: parsing and printing in
//! MLIR's syntax, simplification on construction (checked against
//! evaluation of the unsimplified tree, and against `mlir-opt-19`'s
//! printing when it is installed), evaluation and composition.

use std::process::{Command, Stdio};

use tessera_compiler::affine::{AffineBinOp, AffineEvalError, AffineExpr, AffineMap, IntegerSet};
use tessera_compiler::syntax::{
    ParseConfig, PrintOptions, attr_str, parse_attr_str, parse_module, print_op,
};
use tessera_compiler::{AttrData, Context};

fn d(i: u32) -> AffineExpr {
    AffineExpr::dim(i)
}

fn s(i: u32) -> AffineExpr {
    AffineExpr::symbol(i)
}

fn c(v: i64) -> AffineExpr {
    AffineExpr::constant(v)
}

/// Parses `text` as an attribute and prints it back.
fn reprint(text: &str) -> Result<String, String> {
    let mut ctx = Context::new();
    let a = parse_attr_str(&mut ctx, text).map_err(|e| e.message)?;
    Ok(attr_str(&ctx, a))
}

fn parse_map(text: &str) -> AffineMap {
    let mut ctx = Context::new();
    let a = parse_attr_str(&mut ctx, text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
    match ctx.attr_data(a) {
        AttrData::AffineMap(m) => m.clone(),
        other => panic!("{text} parsed as {other:?}"),
    }
}

#[test]
fn maps_print_as_mlir_does() {
    let cases = [
        (
            "affine_map<(d0, d1)[s0] -> (d0 + s0, d1 floordiv 2)>",
            "affine_map<(d0, d1)[s0] -> (d0 + s0, d1 floordiv 2)>",
        ),
        ("affine_map<() -> ()>", "affine_map<() -> ()>"),
        ("affine_map<()[s0] -> (s0)>", "affine_map<()[s0] -> (s0)>"),
        (
            "affine_map<(i, j)[N] -> (i + j * N)>",
            "affine_map<(d0, d1)[s0] -> (d0 + d1 * s0)>",
        ),
        (
            "affine_map<(d0) -> (2 + d0, 3 * d0, d0 * 2 * 3)>",
            "affine_map<(d0) -> (d0 + 2, d0 * 3, d0 * 6)>",
        ),
        (
            "affine_map<(d0, d1)[s0] -> (s0 + d1, (d0 + 2) + d1, d0 - d0)>",
            "affine_map<(d0, d1)[s0] -> (d1 + s0, d0 + d1 + 2, 0)>",
        ),
        (
            "affine_map<(d0) -> (d0 - (d0 floordiv 4) * 4)>",
            "affine_map<(d0) -> (d0 mod 4)>",
        ),
        (
            "affine_map<(d0, d1) -> ((d0 * 4 + d1) floordiv 4, (d0 * 4 + d1) mod 4, (d0 * 128) mod 64)>",
            "affine_map<(d0, d1) -> (d0 + d1 floordiv 4, d1 mod 4, 0)>",
        ),
        (
            "affine_map<(d0, d1) -> (d0 - 1, d0 - d1, d0 - d1 * 3, d0 - (d1 + 1), -d0, -(d0 + d1), d0 * -3)>",
            "affine_map<(d0, d1) -> (d0 - 1, d0 - d1, d0 - d1 * 3, d0 - (d1 + 1), -d0, -(d0 + d1), d0 * -3)>",
        ),
        (
            "affine_map<(d0)[s0, s1] -> (s0 * d0, d0 floordiv s0, (d0 mod 8) mod 4, (d0 * 2) * s1 ceildiv 3)>",
            "affine_map<(d0)[s0, s1] -> (d0 * s0, d0 floordiv s0, d0 mod 4, ((d0 * s1) * 2) ceildiv 3)>",
        ),
        (
            "affine_map<(d0) -> (-7 floordiv 2, -7 mod 2, -7 ceildiv 2, d0 floordiv -2, 5 floordiv 0)>",
            "affine_map<(d0) -> (-4, 1, -3, d0 floordiv -2, 5 floordiv 0)>",
        ),
        (
            "affine_map<(d0) -> (d0 * 2 + 1 + d0 * -2, d0 * 6 floordiv 4, (d0 * 6) ceildiv 3)>",
            "affine_map<(d0) -> (1, (d0 * 6) floordiv 4, d0 * 2)>",
        ),
        (
            "affine_set<(d0, d1)[s0] : (d0 >= s0, d0 <= 10, d0 + d1 == 0)>",
            "affine_set<(d0, d1)[s0] : (d0 - s0 >= 0, -d0 + 10 >= 0, d0 + d1 == 0)>",
        ),
        ("affine_set<(d0) : ()>", "affine_set<(d0) : (0 == 0)>"),
        (
            "affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>",
            "affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(reprint(input).as_deref(), Ok(want), "{input}");
        assert_eq!(reprint(want).as_deref(), Ok(want), "reprinting {want}");
    }
}

#[test]
fn malformed_maps_are_errors() {
    let cases = [
        (
            "affine_map<(d0, d1) -> (d0 * d1)>",
            "non-affine expression: at least one of the multiply operands has to be either a constant or symbolic",
        ),
        (
            "affine_map<(d0, d1) -> (d0 mod d1)>",
            "non-affine expression: right operand of mod has to be either a constant or symbolic",
        ),
        (
            "affine_map<(d0) -> (d1)>",
            "use of undeclared identifier 'd1'",
        ),
        (
            "affine_map<(d0, d0) -> (d0)>",
            "redefinition of identifier 'd0'",
        ),
        (
            "affine_map<(d0) -> (d0 +)>",
            "expected an affine expression, found ')'",
        ),
        (
            "affine_map<(d0) -> (99999999999999999999999999999999999999999)>",
            "integer constant is too large",
        ),
        (
            "affine_map<(d0) -> (99999999999999999999)>",
            "constant too large for index",
        ),
        (
            "affine_map<(d0) -> (9223372036854775808)>",
            "constant too large for index",
        ),
        (
            "affine_map<(d0) (d0)>",
            "expected '->' in affine map, found '('",
        ),
        (
            "affine_set<(d0) : (d0 > 0)>",
            "expected '== affine-expr', '>= affine-expr' or '<= affine-expr' in affine constraint, found '>'",
        ),
        (
            "affine_set<(d0) : (d0 = = 0)>",
            "expected '== affine-expr', '>= affine-expr' or '<= affine-expr' in affine constraint, found '='",
        ),
        (
            "affine_map<(d0) -> (%x)>",
            "expected an affine expression, found '%x'",
        ),
        (
            "affine_map",
            "expected '<' after 'affine_map', found end of file",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            reprint(input).as_deref().map_err(String::as_str),
            Err(want),
            "{input}"
        );
    }
    // Deep nesting is an error, not a stack overflow.
    let deep = format!(
        "affine_map<(d0) -> ({}d0{})>",
        "(".repeat(300),
        ")".repeat(300)
    );
    assert!(reprint(&deep).is_err());
    let long = format!(
        "affine_map<(d0, d1) -> (d0{})>",
        " + d1 * 2 + d0".repeat(1000)
    );
    assert_eq!(
        reprint(&long).as_deref().map_err(String::as_str),
        Err("affine expression is too deeply nested")
    );
    let negs = format!("affine_map<(d0) -> ({}d0)>", "-".repeat(5000));
    assert!(reprint(&negs).is_err());
}

#[test]
fn aliases_and_memref_layouts_are_structured() {
    let mut ctx = Context::new();
    ctx.allow_unregistered = true;
    let text = r#"#map = affine_map<(d0, d1) -> (d1, d0)>
#set = affine_set<(d0) : (d0 - 1 >= 0)>
"test.op"() {m = #map, s = #set} : () -> memref<4x4xf32, #map>
"#;
    let config = ParseConfig {
        file_name: "t.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config).unwrap();
    let printed = print_op(&ctx, module, &PrintOptions::default());
    assert!(
        printed.contains(r#"{m = affine_map<(d0, d1) -> (d1, d0)>, s = affine_set<(d0) : (d0 - 1 >= 0)>} : () -> memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>"#),
        "{printed}"
    );
    let body = ctx.module_body(module);
    let op = ctx.first_op(body).unwrap();
    let ty = ctx.value_type(ctx.op(op).results[0]);
    let layout = match ctx.type_data(ty) {
        tessera_compiler::TypeData::MemRef { layout, .. } => layout.unwrap(),
        other => panic!("{other:?}"),
    };
    let map = ctx.attr_data(layout).as_affine_map().unwrap();
    assert_eq!(map.eval(&[1, 2], &[]).unwrap(), vec![2, 1]);
    assert!(
        ctx.attr_data_of(op, "s")
            .unwrap()
            .as_integer_set()
            .is_some()
    );
    // As in MLIR, an identity layout is no layout.
    let t = tessera_compiler::syntax::parse_type_str(
        &mut ctx,
        "memref<4x4xf32, affine_map<(d0, d1)[s0] -> (d0, d1)>>",
    )
    .unwrap();
    assert_eq!(
        tessera_compiler::syntax::type_str(&ctx, t),
        "memref<4x4xf32>"
    );
}

#[test]
fn evaluation_follows_floor_semantics() {
    let m = parse_map(
        "affine_map<(d0)[s0] -> (d0 floordiv s0, d0 ceildiv s0, d0 mod s0, d0 * s0 - 1)>",
    );
    assert_eq!(m.eval(&[7], &[2]).unwrap(), vec![3, 4, 1, 13]);
    assert_eq!(m.eval(&[-7], &[2]).unwrap(), vec![-4, -3, 1, -15]);
    assert_eq!(m.eval(&[-8], &[4]).unwrap(), vec![-2, -2, 0, -33]);
    assert_eq!(
        m.eval(&[1], &[0]),
        Err(AffineEvalError::NonPositiveDivisor(0))
    );
    assert_eq!(
        m.eval(&[1], &[-3]),
        Err(AffineEvalError::NonPositiveDivisor(-3))
    );
    assert_eq!(
        m.eval(&[1], &[]),
        Err(AffineEvalError::WrongCount {
            expected: (1, 1),
            given: (1, 0)
        })
    );
    let big = parse_map("affine_map<(d0) -> (d0 * 2)>");
    assert_eq!(big.eval(&[i64::MAX], &[]), Err(AffineEvalError::Overflow));
    assert_eq!(m.eval_operands(&[9, 4]).unwrap(), vec![2, 3, 1, 35]);

    let set = IntegerSet::new(1, 1, vec![(d(0) - s(0), false), (d(0).modulo(2), true)]);
    assert!(set.contains(&[4], &[3]).unwrap());
    assert!(!set.contains(&[5], &[3]).unwrap());
    assert!(!set.contains(&[2], &[3]).unwrap());
    assert!(set.contains_operands(&[6, 6]).unwrap());
}

#[test]
fn identity_constant_and_composition() {
    assert!(AffineMap::identity(3).is_identity());
    assert_eq!(AffineMap::identity(2).to_string(), "(d0, d1) -> (d0, d1)");
    assert!(!parse_map("affine_map<(d0, d1) -> (d1, d0)>").is_identity());
    assert!(parse_map("affine_map<(d0, d1)[s0] -> (d0, d1)>").is_identity());
    assert_eq!(AffineMap::constant(5).single_constant(), Some(5));
    assert_eq!(
        AffineMap::constants(&[1, 2]).constant_results(),
        Some(vec![1, 2])
    );
    assert!(AffineMap::symbol_identity().is_symbol_identity());
    assert_eq!(AffineMap::symbol_identity().to_string(), "()[s0] -> (s0)");

    // f(d0, d1)[s0] = (d0 + s0, d1 * 2); g(d0)[s0] = (d0 floordiv 2, d0 + s0).
    let f = parse_map("affine_map<(d0, d1)[s0] -> (d0 + s0, d1 * 2)>");
    let g = parse_map("affine_map<(d0)[s0] -> (d0 floordiv 2, d0 + s0)>");
    let fg = f.compose(&g).unwrap();
    // As in MLIR, products do not distribute over sums.
    assert_eq!(
        fg.to_string(),
        "(d0)[s0, s1] -> (d0 floordiv 2 + s0, (d0 + s1) * 2)"
    );
    for x in -5..5 {
        for (sf, sg) in [(0, 0), (3, -2), (-1, 7)] {
            let inner = g.eval(&[x], &[sg]).unwrap();
            let want = f.eval(&inner, &[sf]).unwrap();
            assert_eq!(fg.eval(&[x], &[sf, sg]).unwrap(), want);
        }
    }
    assert!(f.compose(&AffineMap::identity(3)).is_none());
    assert_eq!(f.slice(1, 1).to_string(), "(d0, d1)[s0] -> (d1 * 2)");
    let bad = AffineMap::new(1, 0, vec![d(1)]);
    assert!(bad.validate().is_err());
    assert!(f.validate().is_ok());
}

#[test]
fn operators_simplify() {
    assert_eq!(c(2) + d(0), d(0) + 2);
    assert_eq!(d(0) * 1, d(0));
    assert_eq!(d(0) + 0, d(0));
    assert_eq!(d(0) * c(0), c(0));
    assert_eq!(c(3) * c(4), c(12));
    assert_eq!((d(0) * 2) * 3, d(0) * 6);
    assert_eq!(d(0).floor_div(1), d(0));
    assert_eq!(
        c(i64::MAX) + c(1),
        AffineExpr::Binary {
            op: AffineBinOp::Add,
            lhs: Box::new(c(i64::MAX)),
            rhs: Box::new(c(1)),
        }
    );
    assert_eq!(
        d(1) + d(0),
        AffineExpr::Binary {
            op: AffineBinOp::Add,
            lhs: Box::new(d(1)),
            rhs: Box::new(d(0)),
        }
    );
    assert_eq!(
        (d(0) - d(0).floor_div(s(0)) * s(0)).to_string(),
        "d0 mod s0"
    );
    assert_eq!((d(0) * 4 + d(1)).floor_div(4), d(0) + d(1).floor_div(4));
    assert_eq!(d(0) * 3 + d(0) * -3, c(0));
    assert!(!(d(0) * s(0)).is_pure_affine());
    assert!((d(0) * 3 + s(0)).is_pure_affine());
    assert_eq!((d(2) + s(1)).min_inputs(), (3, 2));
    assert_eq!((d(0) * 6 + s(0) * 4).largest_known_divisor(), 2);
}

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn small(&mut self) -> i64 {
        self.below(13) as i64 - 6
    }
}

/// A random expression as text and as an unsimplified tree; dims `d0..d1`,
/// symbols `s0..s1`; products and divisors stay affine.
fn random_expr(rng: &mut Rng, depth: u32) -> (String, AffineExpr) {
    let leaf = depth == 0 || rng.below(3) == 0;
    if leaf {
        return match rng.below(3) {
            0 => {
                let i = rng.below(2) as u32;
                (format!("d{i}"), d(i))
            }
            1 => {
                let i = rng.below(2) as u32;
                (format!("s{i}"), s(i))
            }
            _ => {
                let v = rng.small();
                (format!("{v}"), c(v))
            }
        };
    }
    let raw = |op, l: AffineExpr, r: AffineExpr| AffineExpr::Binary {
        op,
        lhs: Box::new(l),
        rhs: Box::new(r),
    };
    let (lt, l) = random_expr(rng, depth - 1);
    match rng.below(6) {
        0 | 1 => {
            let (rt, r) = random_expr(rng, depth - 1);
            (format!("({lt} + {rt})"), raw(AffineBinOp::Add, l, r))
        }
        2 => {
            let (rt, r) = random_expr(rng, depth - 1);
            let neg = raw(AffineBinOp::Mul, r, c(-1));
            (format!("({lt} - {rt})"), raw(AffineBinOp::Add, l, neg))
        }
        3 => {
            let k = rng.small();
            if rng.below(2) == 0 {
                (format!("({lt} * {k})"), raw(AffineBinOp::Mul, l, c(k)))
            } else {
                let i = rng.below(2) as u32;
                (format!("(s{i} * {lt})"), raw(AffineBinOp::Mul, s(i), l))
            }
        }
        _ => {
            let k = rng.below(5) as i64 + 1;
            let (word, op) = match rng.below(3) {
                0 => ("floordiv", AffineBinOp::FloorDiv),
                1 => ("ceildiv", AffineBinOp::CeilDiv),
                _ => ("mod", AffineBinOp::Mod),
            };
            (format!("({lt} {word} {k})"), raw(op, l, c(k)))
        }
    }
}

/// Rebuilds a raw tree through the simplifying constructors.
fn simplify(e: &AffineExpr) -> AffineExpr {
    match e {
        AffineExpr::Binary { op, lhs, rhs } => {
            AffineExpr::binary(*op, simplify(lhs), simplify(rhs))
        }
        other => other.clone(),
    }
}

#[test]
fn simplification_keeps_values_and_printing_is_stable() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut ctx = Context::new();
    let mut reparse = |text: &str| -> AffineMap {
        let a = parse_attr_str(&mut ctx, text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        ctx.attr_data(a).as_affine_map().unwrap().clone()
    };
    for _ in 0..3000 {
        let (_, raw) = random_expr(&mut rng, 4);
        let simple = simplify(&raw);
        let map = AffineMap::new(2, 2, vec![simple.clone()]);
        // Printing loses how sums associate (as MLIR's does), so a reparse
        // may regroup terms once, but keeps every value; after that the
        // text is a fixed point.
        let again = reparse(&format!("affine_map<{map}>"));
        let text = format!("affine_map<{again}>");
        assert_eq!(reparse(&text).to_string(), again.to_string(), "{map}");
        for _ in 0..8 {
            let dims = [rng.small() * 3, rng.small()];
            let syms = [rng.small(), rng.small() + 7];
            if let Ok(want) = raw.eval(&dims, &syms) {
                assert_eq!(
                    simple.eval(&dims, &syms),
                    Ok(want),
                    "{raw:?} simplified to {simple}"
                );
                assert_eq!(
                    again.results[0].eval(&dims, &syms),
                    Ok(want),
                    "{map} reparsed as {again}"
                );
            }
        }
    }
}

/// Our printing of random maps equals `mlir-opt-19`'s (when installed):
/// both simplify on construction and print the same way.
#[test]
fn printing_matches_mlir_opt() {
    let Ok(status) = Command::new("mlir-opt-19")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
    else {
        eprintln!("mlir-opt-19 not found; skipping");
        return;
    };
    assert!(status.success());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut input = String::new();
    let mut ours = Vec::new();
    let mut ctx = Context::new();
    for i in 0..400 {
        let (text, _) = random_expr(&mut rng, 4);
        let (text2, _) = random_expr(&mut rng, 3);
        let map = format!("affine_map<(d0, d1)[s0, s1] -> ({text}, {text2})>");
        let a = parse_attr_str(&mut ctx, &map).unwrap_or_else(|e| panic!("{map}: {}", e.message));
        ours.push(attr_str(&ctx, a));
        input.push_str(&format!("\"test.m{i}\"() {{m = {map}}} : () -> ()\n"));
    }
    let out = Command::new("mlir-opt-19")
        .args([
            "--allow-unregistered-dialect",
            "--mlir-print-op-generic",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // mlir-opt prints maps as aliases `#mapN = affine_map<...>` first.
    let aliases: std::collections::HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split_once(" = "))
        .collect();
    for (i, want) in ours.iter().enumerate() {
        let needle = format!("\"test.m{i}\"() {{m = #");
        let line = text.lines().find(|l| l.contains(&needle)).unwrap();
        let alias = line
            .split("m = #")
            .nth(1)
            .unwrap()
            .split('}')
            .next()
            .unwrap();
        assert_eq!(
            aliases.get(alias).copied(),
            Some(want.as_str()),
            "test.m{i}"
        );
    }
}
