//! `math-expand-approximations`, measured: each expanded function is run
//! (op by op, with the scalar semantics of `arith` and `math` from
//! `tessera_dialects::interp::scalar`) on hundreds of thousands of `f32`
//! inputs spread over the whole range (random bit patterns: subnormals,
//! huge values, infinities, NaN) and dense in the range where the function
//! varies, and compared with the C library's `f32` function (what the
//! interpreter gives the `math` op itself: `expf`, `logf`, `log1pf`,
//! `expm1f`, `tanhf`, `erff`). The largest error in units in the last
//! place must stay within the bound the docs promise
//! (`docs/passes/math-expand-approximations.md`); special values must be
//! exact, down to the sign of zero.

use std::collections::HashMap;

use tessera_compiler::pass::{Pass, PassState, Statistic};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, FloatKind, OpId, Value};
use tessera_dialects::interp::scalar::{Scalar, ScalarOp, attr_elements};
use tessera_passes::math::{Approx, MathExpandApproximations};

/// The bounds on the error, in ulp, each expansion promises: against the
/// C library's `f32` function, and against the correctly rounded value
/// (the `f64` function rounded to `f32`). The docs table lists the same
/// numbers, measured by this test.
const BOUNDS: [(Approx, u64, u64); 6] = [
    (Approx::Exp, 1, 1),
    (Approx::ExpM1, 1, 1),
    (Approx::Log, 1, 1),
    (Approx::Log1p, 1, 1),
    (Approx::Tanh, 2, 1),
    (Approx::Erf, 1, 1),
];

/// The interval where each function varies, sampled densely.
fn dense_range(kind: Approx) -> (f32, f32) {
    match kind {
        Approx::Exp => (-104.0, 89.0),
        Approx::ExpM1 => (-18.0, 89.0),
        Approx::Log => (0.0, 4.0),
        Approx::Log1p => (-1.0, 4.0),
        Approx::Tanh => (-10.0, 10.0),
        Approx::Erf => (-4.0, 4.0),
    }
}

/// A small, fixed pseudo-random generator (xorshift64*), so failures
/// reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bits(&mut self) -> f32 {
        f32::from_bits((self.next() >> 32) as u32)
    }

    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let u = (self.next() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * u
    }
}

/// Values every function is checked at, whatever its range.
fn special_inputs() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
        f32::from_bits(0x007f_ffff),
        f32::MAX,
        f32::MIN,
        1.0,
        -1.0,
        0.5,
        2.0,
        f32::EPSILON,
        -f32::EPSILON,
        1e-30,
        -1e-30,
    ];
    // The edges of the ranges and pieces the expansions use.
    for edge in [
        88.722_83f32,
        88.722_84,
        89.0,
        -87.336_55,
        -103.278_93,
        -103.972_08,
        -104.0,
        -18.0,
        10.0,
        9.01,
        0.875,
        1.75,
        2.75,
        3.92,
        0.346_573_6,
        std::f32::consts::FRAC_1_SQRT_2,
        std::f32::consts::SQRT_2,
    ] {
        for x in [edge, -edge, f32::from_bits(edge.to_bits() + 1)] {
            v.push(x);
            v.push(f32::from_bits(x.to_bits().wrapping_sub(1)));
        }
    }
    v
}

/// `n` random bit patterns, `n` uniform samples in the function's range,
/// `n / 4` tiny values (down to subnormals), and the special values.
fn inputs(kind: Approx, n: usize) -> Vec<f32> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ kind as u64);
    let (lo, hi) = dense_range(kind);
    let mut v = special_inputs();
    v.extend((0..n).map(|_| rng.bits()));
    v.extend((0..n).map(|_| rng.uniform(lo, hi)));
    v.extend((0..n / 4).map(|_| {
        let m = rng.uniform(-1.0, 1.0);
        m * 2f32.powi(-((rng.next() % 150) as i32))
    }));
    v
}

/// The position of `x` on the number line of floats: adjacent floats
/// differ by 1, and `+0` and `-0` are both 0.
fn ordinal(x: f32) -> i64 {
    let b = x.to_bits();
    if b >> 31 == 1 {
        -((b & 0x7fff_ffff) as i64)
    } else {
        b as i64
    }
}

/// The distance in ulp between `got` and `want`: 0 for two NaNs,
/// `u64::MAX` for a NaN and a number.
fn ulp_error(got: f32, want: f32) -> u64 {
    match (got.is_nan(), want.is_nan()) {
        (true, true) => 0,
        (false, false) => ordinal(got).abs_diff(ordinal(want)),
        _ => u64::MAX,
    }
}

/// One op of a straight-line function, ready to evaluate: what it
/// computes and where its operands and result live.
struct Step {
    op: ScalarOp,
    operands: Vec<usize>,
    result: usize,
}

/// A function body of `arith` and `math` ops on `f32` or vectors of it,
/// compiled to steps over a value table (slot 0 is the argument);
/// constants are folded into their slots ahead of time.
struct Program {
    constants: Vec<(usize, Vec<Scalar>)>,
    steps: Vec<Step>,
    slots: usize,
    result: usize,
}

impl Program {
    /// Compiles the body of `func`; with `expanded`, every op must be an
    /// instruction-like one (no `math` function left to call).
    fn compile(ctx: &Context, func: OpId, expanded: bool) -> Program {
        let block = ctx.entry_block(func, 0).expect("a function body");
        let mut slot: HashMap<Value, usize> = HashMap::new();
        slot.insert(ctx.block_args(block)[0], 0);
        let (mut constants, mut steps) = (Vec::new(), Vec::new());
        let mut result = None;
        for op in ctx.block_ops(block) {
            let data = ctx.op(op);
            if ctx.op_is(op, "func.return") {
                result = Some(slot[&data.operands[0]]);
                continue;
            }
            assert!(
                data.regions.is_empty(),
                "the expansion is straight-line code"
            );
            let s = slot.len();
            slot.insert(data.results[0], s);
            if ctx.op_is(op, "arith.constant") {
                let value = attr_elements(ctx, ctx.attr(op, "value").unwrap()).unwrap();
                constants.push((s, value));
                continue;
            }
            let name = ctx.op_name_of(op);
            assert!(
                !expanded
                    || name.starts_with("arith.")
                    || ["math.fma", "math.absf", "math.copysign", "math.floor"].contains(&name),
                "'{name}' is not an instruction-like op"
            );
            steps.push(Step {
                op: ScalarOp::new(ctx, op).unwrap(),
                operands: data.operands.iter().map(|v| slot[v]).collect(),
                result: s,
            });
        }
        Program {
            constants,
            steps,
            slots: slot.len(),
            result: result.expect("a func.return"),
        }
    }

    /// Runs the program lane by lane on `lanes` arguments.
    fn run(&self, lanes: &[f32]) -> Vec<f32> {
        self.run_as(lanes, FloatKind::F32)
    }

    /// Runs the program on `lanes` given as floats of `kind`; results are
    /// rounded to `f32`. Lanes go through in chunks, to bound the memory
    /// the value table takes.
    fn run_as(&self, lanes: &[f32], kind: FloatKind) -> Vec<f32> {
        lanes
            .chunks(4096)
            .flat_map(|chunk| self.run_chunk(chunk, kind))
            .collect()
    }

    fn run_chunk(&self, lanes: &[f32], kind: FloatKind) -> Vec<f32> {
        let n = lanes.len();
        let mut vals = vec![Vec::new(); self.slots];
        vals[0] = lanes
            .iter()
            .map(|&x| Scalar::float(x as f64, kind))
            .collect();
        for (s, c) in &self.constants {
            vals[*s] = if c.len() == 1 {
                vec![c[0]; n]
            } else {
                c.clone()
            };
        }
        let mut args = Vec::with_capacity(3);
        for step in &self.steps {
            let out = (0..n)
                .map(|lane| {
                    args.clear();
                    args.extend(step.operands.iter().map(|&o| vals[o][lane]));
                    step.op.eval(&args).unwrap()
                })
                .collect();
            vals[step.result] = out;
        }
        vals[self.result]
            .iter()
            .map(|s| s.as_f64().unwrap() as f32)
            .collect()
    }
}

fn new_ctx() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

/// `func.func @f(%x: T) -> T` applying the op of `kind`, expanded (or
/// not); returns the context and the function.
fn function(kind: Approx, ty: &str, expanded: bool) -> (Context, OpId) {
    let mut ctx = new_ctx();
    let text = format!(
        "func.func @f(%x: {ty}) -> {ty} {{\n  %0 = {} %x : {ty}\n  return %0 : {ty}\n}}",
        kind.op_name()
    );
    let config = ParseConfig {
        file_name: "t.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, &text, &config).unwrap();
    if expanded {
        let mut state = PassState::default();
        MathExpandApproximations::default()
            .run(&mut ctx, module, &mut state)
            .unwrap();
        verify(&ctx, module).unwrap_or_else(|d| panic!("{}", d[0].message));
        assert!(
            state
                .statistics
                .contains(&("num-expanded".to_string(), Statistic::Count(1))),
            "{:?}",
            state.statistics
        );
    }
    let func = ctx.block_ops(ctx.module_body(module)).next().unwrap();
    (ctx, func)
}

/// The largest error found, in ulp, and an input where it occurs.
#[derive(Copy, Clone, Debug, Default)]
struct Worst {
    ulp: u64,
    at: f32,
}

impl Worst {
    fn add(&mut self, x: f32, got: f32, want: f32) {
        let e = ulp_error(got, want);
        if e > self.ulp {
            *self = Worst { ulp: e, at: x };
        }
    }
}

/// The largest ulp error of the expansion of `kind` against the C
/// library's `f32` function, and against its `f64` function rounded to
/// `f32` (correctly rounded but for rare ties, so this is the error of
/// the expansion alone).
fn measure(kind: Approx) -> (Worst, Worst) {
    let (ctx, func) = function(kind, "f32", true);
    let approx = Program::compile(&ctx, func, true);
    let (rctx, rfunc) = function(kind, "f32", false);
    let libm32 = Program::compile(&rctx, rfunc, false);
    let (dctx, dfunc) = function(kind, "f64", false);
    let libm64 = Program::compile(&dctx, dfunc, false);
    // MATH_APPROX_SAMPLES=N measures on more inputs (the docs' numbers
    // come from a run with N = 4000000).
    let n = std::env::var("MATH_APPROX_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120_000);
    let xs = inputs(kind, n);
    let got = approx.run(&xs);
    let want32 = libm32.run(&xs);
    let want64 = libm64.run_as(&xs, FloatKind::F64);
    let (mut vs32, mut vs64) = (Worst::default(), Worst::default());
    for (i, &x) in xs.iter().enumerate() {
        let (g, w) = (got[i], want32[i]);
        vs32.add(x, g, w);
        vs64.add(x, g, want64[i]);
        // Zeros and infinities are exact, with their sign.
        if w == 0.0 || w.is_infinite() {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "{}({x:e}) = {g:e}, want {w:e}",
                kind.name()
            );
        }
    }
    (vs32, vs64)
}

fn check(kind: Approx) {
    let (c_bound, exact_bound) = BOUNDS
        .iter()
        .find(|b| b.0 == kind)
        .map(|b| (b.1, b.2))
        .unwrap();
    let (vs32, vs64) = measure(kind);
    println!(
        "{}: max error {} ulp vs the C library's f32 function (at {:e}), {} ulp vs the f64 \
         function rounded (at {:e})",
        kind.name(),
        vs32.ulp,
        vs32.at,
        vs64.ulp,
        vs64.at
    );
    assert!(
        vs32.ulp <= c_bound,
        "{}: {} ulp at {:e} > the documented {c_bound} ulp",
        kind.name(),
        vs32.ulp,
        vs32.at
    );
    assert!(
        vs64.ulp <= exact_bound,
        "{}: {} ulp from the correctly rounded value at {:e} > the documented {exact_bound} ulp",
        kind.name(),
        vs64.ulp,
        vs64.at
    );
}

#[test]
fn exp_is_within_its_bound() {
    check(Approx::Exp);
}

#[test]
fn expm1_is_within_its_bound() {
    check(Approx::ExpM1);
}

#[test]
fn log_is_within_its_bound() {
    check(Approx::Log);
}

#[test]
fn log1p_is_within_its_bound() {
    check(Approx::Log1p);
}

#[test]
fn tanh_is_within_its_bound() {
    check(Approx::Tanh);
}

#[test]
fn erf_is_within_its_bound() {
    check(Approx::Erf);
}

#[test]
fn vector_expansions_compute_what_scalar_ones_do() {
    let xs: Vec<f32> = special_inputs()
        .into_iter()
        .chain([0.3, -2.5, 7.0])
        .collect();
    for kind in Approx::ALL {
        let (sctx, sfunc) = function(kind, "f32", true);
        let scalar = Program::compile(&sctx, sfunc, true);
        let (vctx, vfunc) = function(kind, "vector<4xf32>", true);
        let vector = Program::compile(&vctx, vfunc, true);
        for chunk in xs.chunks_exact(4) {
            let want: Vec<u32> = scalar.run(chunk).iter().map(|v| v.to_bits()).collect();
            let got: Vec<u32> = vector.run(chunk).iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{} on {chunk:?}", kind.name());
        }
    }
}

#[test]
fn other_types_and_functions_are_left_alone() {
    let mut ctx = new_ctx();
    let text =
        "func.func @f(%a: f64, %b: vector<4xf16>, %c: f32) -> (f64, vector<4xf16>, f32, f32) {
  %0 = math.exp %a : f64
  %1 = math.tanh %b : vector<4xf16>
  %2 = math.sin %c : f32
  %3 = math.log %c : f32
  return %0, %1, %2, %3 : f64, vector<4xf16>, f32, f32
}";
    let config = ParseConfig {
        file_name: "t.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config).unwrap();
    let mut state = PassState::default();
    let mut pass = MathExpandApproximations {
        ops: vec![Approx::Exp, Approx::Tanh],
    };
    pass.run(&mut ctx, module, &mut state).unwrap();
    let out = print_op(&ctx, module, &PrintOptions::default());
    for kept in [
        "math.exp %arg0 : f64",
        "math.tanh %arg1 : vector<4xf16>",
        "math.sin %arg2 : f32",
        "math.log %arg2 : f32",
    ] {
        assert!(out.contains(kept), "`{kept}` should stay in\n{out}");
    }
    assert!(
        state
            .statistics
            .contains(&("num-expanded".to_string(), Statistic::Count(0)))
    );
}
