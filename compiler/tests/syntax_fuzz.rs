//! The parser never panics: random bytes, random token soups, every
//! truncation of a valid file and absurdly deep nesting all give either IR
//! or a diagnostic. Whatever parses also prints, and the print parses back
//! to the same print.

mod syntax_support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use syntax_support::test_ctx;
use tessera_compiler::syntax::{PrintOptions, parse_module, print_op};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parses `text`; if it parses, checks that printing is stable. Returns a
/// description of the problem, if any.
fn check(text: &str) -> Result<(), String> {
    let r = catch_unwind(AssertUnwindSafe(|| {
        let mut ctx = test_ctx();
        let Ok(m) = parse_module(&mut ctx, text, &syntax_support::config()) else {
            return Ok(());
        };
        for options in [
            PrintOptions::default(),
            PrintOptions {
                generic: true,
                debug_locs: true,
            },
        ] {
            let first = print_op(&ctx, m, &options);
            let mut ctx2 = test_ctx();
            let m2 = parse_module(&mut ctx2, &first, &syntax_support::config()).map_err(|d| {
                format!(
                    "the print does not parse: {}\n{first}",
                    syntax_support::first_error(&ctx2, &d)
                )
            })?;
            let second = print_op(&ctx2, m2, &options);
            if first != second {
                return Err(format!("unstable print:\n{first}\n---\n{second}"));
            }
        }
        Ok(())
    }));
    match r {
        Ok(r) => r,
        Err(_) => Err("panicked".to_string()),
    }
}

/// Checks every input; returns how many parsed.
fn check_all(inputs: impl IntoIterator<Item = String>) -> usize {
    let mut failures = Vec::new();
    let mut parsed = 0;
    for text in inputs {
        let mut ctx = test_ctx();
        if parse_module(&mut ctx, &text, &syntax_support::config()).is_ok() {
            parsed += 1;
        }
        if let Err(e) = check(&text) {
            failures.push(format!("input {text:?}: {e}"));
            if failures.len() > 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    parsed
}

const VALID: &str = r##"#map = affine_map<(d0) -> (d0)>
#l = loc("x.py":1:2)
!t = tensor<2x3xf32>
%w = "test.weights"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : !t, m = #map, a = array<i64: 1, 0>, s = "a\"b", r = @a::@b, u, f = 0x7F800000 : f32} : () -> !t loc(#l)
test.isolated @k attributes {kind = "fused"} {
  %lb = "test.src"() : () -> index
  %r:2 = "test.multi"(%lb) ({
  ^bb0(%arg: index loc("a.py":3:4)):
    "test.yield"(%arg) : (index) -> ()
  ^bb1:
    "test.br"()[^bb0] : () -> ()
  }) : (index) -> (f32, i64)
  %s = test.add %r#0, %r#0 : f32
  %f = test.fn %s, %r#1 {perm = array<i64: 1, 0>} : (f32, i64) -> tensor<2xf32>
  %q = test.for %lb to %lb (%i: index) -> f32 {
    test.ret %s : f32
  }
}
"test.types"() : () -> (i1, si8, ui16, index, bf16, f16, f64, none, tensor<?x4xf32>, memref<4xf32, 1>, vector<4xi8>, tuple<i32>, !foo.bar<"<">, () -> ())
"##;

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"%@^#!\"(){}[]<>:,=-x0123456789abcdefi.?* \n\t\\/_$tensorloc";
    let inputs = (0..20_000).map(|i| {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if i % 3 == 0 {
                    rng.next() as u8
                } else {
                    alphabet[rng.below(alphabet.len())]
                }
            })
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let parsed = check_all(inputs.collect::<Vec<_>>());
    eprintln!("{parsed} of 20000 random inputs parsed");
}

#[test]
fn token_soups() {
    let vocab = [
        "%0",
        "%a",
        "%a#1",
        "%b:2",
        ":",
        ",",
        "=",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "<",
        ">",
        "->",
        "\"t.x\"",
        "\"test.add\"",
        "test.add",
        "test.fn",
        "test.for",
        "test.ret",
        "test.isolated",
        "module",
        "f32",
        "i32",
        "index",
        "tensor",
        "2x3xf32",
        "x",
        "?",
        "dense",
        "array",
        "loc",
        "^bb0",
        "^bb1",
        "@f",
        "1.0",
        "42",
        "0x10",
        "-",
        "true",
        "#a",
        "!a",
        "affine_map",
        "\"str\"",
        "to",
        "attributes",
        "unknown",
        "fused",
        "callsite",
        "at",
        "*",
        "\n",
        "#a =",
        "!a =",
        "i64:",
        "...",
    ];
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let inputs: Vec<String> = (0..20_000)
        .map(|_| {
            let n = 1 + rng.below(40);
            (0..n)
                .map(|_| vocab[rng.below(vocab.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let parsed = check_all(inputs);
    eprintln!("{parsed} of 20000 token soups parsed");
    assert!(parsed > 0);
}

#[test]
fn every_truncation_of_a_valid_file() {
    assert!(check(VALID).is_ok());
    {
        let mut ctx = test_ctx();
        parse_module(&mut ctx, VALID, &syntax_support::config()).expect("the sample is valid");
    }
    let cuts = (0..=VALID.len()).filter(|&i| VALID.is_char_boundary(i));
    check_all(cuts.map(|i| VALID[..i].to_string()).collect::<Vec<_>>());
    // And every single-character deletion.
    let dels =
        (0..VALID.len()).filter(|&i| VALID.is_char_boundary(i) && VALID.is_char_boundary(i + 1));
    check_all(
        dels.map(|i| format!("{}{}", &VALID[..i], &VALID[i + 1..]))
            .collect::<Vec<_>>(),
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 20_000;
    let cases = [
        format!(
            "\"t.x\"() {{a = {}1{}}} : () -> ()",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!("\"t.x\"() {{a = {}}} : () -> ()", "{a = ".repeat(n)),
        format!(
            "\"t.x\"() : () -> {}f32{}",
            "tensor<".repeat(n),
            ">".repeat(n)
        ),
        format!(
            "\"t.x\"() : () -> {}i32{}",
            "tuple<".repeat(n),
            ">".repeat(n)
        ),
        format!("\"t.x\"() : {}", "() -> (".repeat(n)),
        "\"t.x\"() ({\n".repeat(n),
        "%r = test.for %i to %i (%j: index) {\n".repeat(n),
        format!(
            "\"t.x\"() {{a = dense<{}1.0{}> : tensor<1xf32>}} : () -> ()",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "\"t.x\"() : () -> () loc({}unknown{})",
            "fused[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "\"t.x\"() : () -> () loc({}unknown{})",
            "\"a\"(".repeat(n),
            ")".repeat(n)
        ),
        format!("\"t.x\"() {{a = #foo<{}>}} : () -> ()", "<".repeat(n)),
    ];
    for text in cases {
        let mut ctx = test_ctx();
        let r = parse_module(&mut ctx, &text, &syntax_support::config());
        assert!(r.is_err(), "{}", &text[..80]);
    }
    // Moderate nesting still parses.
    let text = format!(
        "\"t.x\"() {{a = {}1{}}} : () -> ()",
        "[".repeat(100),
        "]".repeat(100)
    );
    assert!(check(&text).is_ok());
    let mut ctx = test_ctx();
    assert!(parse_module(&mut ctx, &text, &syntax_support::config()).is_ok());
}

#[test]
fn mutations_of_a_valid_file() {
    use tessera_compiler::syntax::lexer::{Lexer, TokenKind};
    // The sample's tokens, each with the text before it (spacing, comments).
    let mut lx = Lexer::new(VALID);
    let mut pieces: Vec<(String, String)> = Vec::new();
    let mut last = 0usize;
    loop {
        let t = lx.next_token();
        if t.kind == TokenKind::Eof {
            break;
        }
        let (s, e) = (t.start as usize, t.end as usize);
        pieces.push((VALID[last..s].to_string(), VALID[s..e].to_string()));
        last = e;
    }
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let inputs: Vec<String> = (0..20_000)
        .map(|_| {
            let mut p = pieces.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(p.len());
                let j = rng.below(p.len());
                match rng.below(4) {
                    0 => {
                        p.remove(i);
                    }
                    1 => {
                        let dup = p[i].clone();
                        p.insert(j, dup);
                    }
                    2 => p[i].1 = p[j].1.clone(),
                    _ => p.swap(i, j),
                }
            }
            p.iter().map(|(ws, t)| format!("{ws}{t}")).collect()
        })
        .collect();
    let parsed = check_all(inputs);
    eprintln!("{parsed} of 20000 mutations parsed");
    assert!(parsed > 50);
}
