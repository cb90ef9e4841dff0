//! Shared helpers for the `arith` and `math` tests: parsing a function,
//! folding one op as the greedy driver would, canonicalizing, a small
//! deterministic random generator, and finding `mlir-opt-19`.

#![allow(dead_code)] // each test file uses a different subset

use std::process::{Command, Stdio};

use tessera_compiler::rewrite::{GreedyConfig, PatternSet, apply_patterns_greedily};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, attr_str, parse_module, print_op};
use tessera_compiler::{Context, FoldResult, OpId, diag, verify};

/// A context with every dialect registered.
pub fn new_ctx() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

/// Parses and verifies `text`, panicking with the rendered diagnostic.
pub fn parse(text: &str) -> (Context, OpId) {
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, text, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{}\n{text}", diag::render(&ctx, &d)));
    verify::verify(&ctx, m).unwrap_or_else(|d| panic!("{}\n{text}", diag::render(&ctx, &d)));
    (ctx, m)
}

/// The verifier's message for `text` (which must parse), or `None` if it verifies.
pub fn verify_error(text: &str) -> Option<String> {
    let mut ctx = new_ctx();
    let m = parse_module(&mut ctx, text, &ParseConfig::default())
        .unwrap_or_else(|d| panic!("{}\n{text}", diag::render(&ctx, &d)));
    verify::verify(&ctx, m).err().map(|d| d[0].message.clone())
}

/// The parser's message for `text`, or `None` if it parses.
pub fn parse_error(text: &str) -> Option<String> {
    let mut ctx = new_ctx();
    parse_module(&mut ctx, text, &ParseConfig::default())
        .err()
        .map(|d| d[0].message.clone())
}

/// The ops of the first function's body.
pub fn body_ops(ctx: &Context, module: OpId) -> Vec<OpId> {
    let f = ctx.first_op(ctx.module_body(module)).unwrap();
    let body = ctx.entry_block(f, 0).unwrap();
    ctx.block_ops_vec(body)
}

/// Calls `op`'s fold hook with the constants its operands hold.
pub fn fold(ctx: &mut Context, op: OpId) -> Option<Vec<FoldResult>> {
    let n = ctx.op(op).operands.len();
    let consts: Vec<_> = (0..n)
        .map(|i| {
            let v = ctx.operand(op, i);
            tessera_compiler::rewrite::constant_value(ctx, v)
        })
        .collect();
    let f = ctx.op_def(op).unwrap().fold.unwrap();
    f(ctx, op, &consts)
}

/// What folding the op before the function's `return` gives: the constant
/// (as MLIR prints it), `arg0`/`arg1`/... for a function argument, `op` for
/// another value, or `none`.
pub fn fold_last(text: &str) -> String {
    let (mut ctx, m) = parse(text);
    let ops = body_ops(&ctx, m);
    let target = ops[ops.len() - 2];
    let args = {
        let f = ctx.first_op(ctx.module_body(m)).unwrap();
        ctx.block_args(ctx.entry_block(f, 0).unwrap()).to_vec()
    };
    match fold(&mut ctx, target).as_deref() {
        None => "none".to_string(),
        Some([FoldResult::Attr(a)]) => attr_str(&ctx, *a),
        Some([FoldResult::Value(v)]) => match args.iter().position(|a| a == v) {
            Some(i) => format!("arg{i}"),
            None => "op".to_string(),
        },
        Some(other) => format!("{other:?}"),
    }
}

/// Runs every fold and canonicalization pattern to a fixed point, as
/// `--canonicalize` does, and prints the module.
pub fn canonicalize(text: &str) -> String {
    let (mut ctx, m) = parse(text);
    let patterns = PatternSet::from_registry(&ctx);
    let r = apply_patterns_greedily(&mut ctx, m, &patterns, &GreedyConfig::default());
    assert!(r.converged, "did not converge:\n{text}");
    verify::verify(&ctx, m).unwrap_or_else(|d| panic!("{}", diag::render(&ctx, &d)));
    print_op(&ctx, m, &PrintOptions::default())
}

/// SplitMix64: a small, deterministic generator for property tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value biased toward the interesting ones: 0, ±1, extremes and
    /// small numbers, half the time.
    pub fn int_bits(&mut self, width: u32) -> u128 {
        let mask = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        let r = self.next();
        let v: u128 = match r % 8 {
            0 => 0,
            1 => 1,
            2 => mask,
            3 => 1 << (width - 1),
            4 => (1 << (width - 1)) - 1,
            5 => (r >> 8) as u128 % 16,
            _ => ((self.next() as u128) << 64) | self.next() as u128,
        };
        v & mask
    }

    /// Random f32 bits: often special values, otherwise any pattern.
    pub fn f32(&mut self) -> f32 {
        const SPECIAL: [f32; 10] = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
            0.5,
        ];
        let r = self.next();
        if r.is_multiple_of(4) {
            SPECIAL[(r >> 8) as usize % SPECIAL.len()]
        } else if r % 4 == 1 {
            // Moderate magnitudes, where most arithmetic happens.
            ((r >> 16) as i32 as f32) / 1024.0
        } else {
            f32::from_bits(self.next() as u32)
        }
    }

    /// Random f64 bits, like [`f32`](Self::f32).
    pub fn f64(&mut self) -> f64 {
        let r = self.next();
        if r.is_multiple_of(4) {
            self.f32() as f64
        } else if r % 4 == 1 {
            ((r >> 16) as i64 as f64) / 4096.0
        } else {
            f64::from_bits(self.next())
        }
    }
}

/// `mlir-opt-19`, if it is installed.
pub fn mlir_opt() -> Option<&'static str> {
    let ok = Command::new("mlir-opt-19")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some("mlir-opt-19")
}

/// Runs `mlir-opt-19 args` on `input`, returning its standard output.
pub fn run_mlir_opt(tool: &str, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    // Write from another thread: the output may fill its pipe first.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "mlir-opt-19 failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
