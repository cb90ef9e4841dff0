//! Differential test of `convert-graph-to-affine`: every `graph` op of the
//! spec, on random valid shapes (broadcasting edge cases included) and
//! random inputs, is run by the graph-level reference interpreter
//! (`interp::eval::run_function`) and, after the conversion, by the
//! loop-level interpreter (`interp::loops::call_with_tensors`); the results
//! must agree within the spec's tolerance. The loop interpreter also
//! checks the lowered code's memory discipline: no out-of-bounds access,
//! no read of an element never written, no use after `memref.dealloc`, no
//! write to a constant global. Random programs of the generator
//! (`progen`) go through the same check.
//!
//! Every case runs with `buffer-reuse` on and off. A failure names the
//! case, its seed and the graph-level program.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use tessera_compiler::Value;
use tessera_compiler::diag::render;
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_dialects::interp::eval::run_function;
use tessera_dialects::interp::kernels::{BinaryOp, ReduceOp, UnaryOp};
use tessera_dialects::interp::loops::call_with_tensors;
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_passes::conversion::convert_graph_to_affine;
use tessera_tests::func_builder::FuncBuilder;
use tessera_tests::progen::{self, GenConfig, REDUCTION_RTOL, SPEC_ATOL, SPEC_RTOL};

type Rng = Xoshiro256PlusPlus;

// ----- building graph programs ------------------------------------------------

/// A `func.func @main` under construction ([`FuncBuilder`]), with the
/// relative tolerance its results are checked with.
struct Prog {
    b: FuncBuilder,
    rtol: f64,
}

impl std::ops::Deref for Prog {
    type Target = FuncBuilder;
    fn deref(&self) -> &FuncBuilder {
        &self.b
    }
}

impl std::ops::DerefMut for Prog {
    fn deref_mut(&mut self) -> &mut FuncBuilder {
        &mut self.b
    }
}

impl Prog {
    fn new() -> Prog {
        Prog {
            b: FuncBuilder::new("lowering_diff"),
            rtol: SPEC_RTOL,
        }
    }

    /// Ends `@main` returning `results`.
    fn ret(mut self, results: &[Value]) -> Prog {
        self.b.finish(results);
        self
    }
}

/// A program parsed from text, run on `inputs`.
fn parsed(text: &str, inputs: Vec<Tensor>) -> Prog {
    let mut ctx = progen::check::new_context();
    let config = ParseConfig {
        file_name: "lowering_diff.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, text, &config)
        .unwrap_or_else(|d| panic!("does not parse:\n{}", render(&ctx, &d)));
    Prog {
        b: FuncBuilder::from_parsed(ctx, module, inputs),
        rtol: SPEC_RTOL,
    }
}

// ----- running -----------------------------------------------------------------

/// Runs `prog` through both interpreters and compares; the error tells
/// what failed with the program text.
fn check(mut prog: Prog, reuse: bool) -> Result<(), String> {
    let before = prog.text();
    let fail = |what: &str, msg: String| format!("{what}\n{msg}\n--- program ---\n{before}");
    tessera_compiler::verify::verify(&prog.ctx, prog.module)
        .map_err(|d| fail("the graph program does not verify", render(&prog.ctx, &d)))?;
    let expected = run_function(&prog.ctx, prog.module, "main", prog.inputs.clone())
        .map_err(|d| fail("the reference interpreter fails", render(&prog.ctx, &[d])))?;
    let module = prog.module;
    convert_graph_to_affine(&mut prog.ctx, module, reuse)
        .map_err(|d| fail("the conversion fails", render(&prog.ctx, &[d])))?;
    let lowered = prog.text();
    let fail = |what: &str, msg: String| format!("{}--- lowered ---\n{lowered}", fail(what, msg));
    tessera_compiler::verify::verify(&prog.ctx, prog.module)
        .map_err(|d| fail("the lowered module does not verify", render(&prog.ctx, &d)))?;
    let got = call_with_tensors(&prog.ctx, prog.module, "main", &prog.inputs)
        .map_err(|e| fail("the loop interpreter fails", format!("{e:?}")))?;
    progen::assert_same_results(&got, &expected, prog.rtol, SPEC_ATOL)
        .map_err(|e| fail("the results differ", e))
}

/// Builds a case for each seed (with reuse on, then off) and checks it.
fn for_seeds(name: &str, seeds: u64, build: impl Fn(&mut Rng) -> Prog) {
    let mut failures = Vec::new();
    for seed in 0..seeds {
        for reuse in [true, false] {
            let mut rng = Rng::seed_from_u64(seed);
            let prog = build(&mut rng);
            if let Err(e) = check(prog, reuse) {
                failures.push(format!("{name}, seed {seed}, buffer-reuse={reuse}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures; the first:\n{}",
        failures.len(),
        failures[0]
    );
}

// ----- random data ----------------------------------------------------------------

fn shape(rng: &mut Rng, min_rank: usize, max_rank: usize, max_dim: usize) -> Vec<usize> {
    let rank = rng.random_range(min_rank..=max_rank);
    (0..rank).map(|_| rng.random_range(1..=max_dim)).collect()
}

/// A tensor of `elem` with values in `lo..=hi` (integers: whole numbers).
fn tensor(rng: &mut Rng, elem: ElemType, shape: &[usize], lo: f64, hi: f64) -> Tensor {
    let n: usize = shape.iter().product();
    match elem {
        ElemType::F32 | ElemType::F64 => {
            let v: Vec<f64> = (0..n).map(|_| rng.random_range(lo..=hi)).collect();
            Tensor::from_f64s(elem, shape, &v).unwrap()
        }
        ElemType::I1 => {
            let v: Vec<i64> = (0..n).map(|_| rng.random_range(0..=1)).collect();
            Tensor::from_i64s(elem, shape, &v).unwrap()
        }
        _ => {
            let v: Vec<i64> = (0..n)
                .map(|_| rng.random_range(lo as i64..=hi as i64))
                .collect();
            Tensor::from_i64s(elem, shape, &v).unwrap()
        }
    }
}

/// A shape that broadcasts to `out`: a suffix of it, some dims 1.
fn broadcastable(rng: &mut Rng, out: &[usize]) -> Vec<usize> {
    let drop = rng.random_range(0..=out.len());
    out[drop..]
        .iter()
        .map(|&d| if rng.random_bool(0.3) { 1 } else { d })
        .collect()
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

const FLOATS: [ElemType; 2] = [ElemType::F32, ElemType::F64];
const NUMBERS: [ElemType; 4] = [ElemType::F32, ElemType::F64, ElemType::I32, ElemType::I64];
const ALL: [ElemType; 5] = [
    ElemType::F32,
    ElemType::F64,
    ElemType::I1,
    ElemType::I32,
    ElemType::I64,
];

// ----- element-wise -----------------------------------------------------------------

/// The input range where `op` is defined and tame.
fn unary_domain(op: UnaryOp) -> (f64, f64) {
    match op {
        UnaryOp::Log | UnaryOp::Sqrt | UnaryOp::Rsqrt | UnaryOp::Reciprocal => (0.1, 4.0),
        UnaryOp::Log1p => (-0.9, 3.0),
        UnaryOp::Exp | UnaryOp::Expm1 => (-5.0, 5.0),
        _ => (-4.0, 4.0),
    }
}

#[test]
fn unary_ops() {
    for op in UnaryOp::ALL {
        for_seeds(op.op_name(), 4, |rng| {
            let mut elems = FLOATS.to_vec();
            if op.accepts_int() {
                elems.extend([ElemType::I32, ElemType::I64]);
            }
            let elem = pick(rng, &elems);
            let s = shape(rng, 0, 3, 4);
            let (lo, hi) = unary_domain(op);
            let mut p = Prog::new();
            let x = p.arg(tensor(rng, elem, &s, lo, hi));
            let y = p.op(op.op_name(), &[x], &[]);
            p.ret(&[y])
        });
    }
}

#[test]
fn relu_keeps_nan_and_zeroes_negative_zero() {
    let x = Tensor::from_f64s(
        ElemType::F32,
        &[5],
        &[f64::NAN, -0.0, -2.0, 3.0, f64::INFINITY],
    )
    .unwrap();
    let mut p = Prog::new();
    let a = p.arg(x);
    let r = p.op("graph.relu", &[a], &[]);
    let s = p.op("graph.sigmoid", &[a], &[]);
    check(p.ret(&[r, s]), true).unwrap();
}

#[test]
fn binary_ops_broadcast() {
    for op in BinaryOp::ALL {
        for_seeds(op.op_name(), 6, |rng| {
            let mut elems = NUMBERS.to_vec();
            if matches!(op, BinaryOp::Max | BinaryOp::Min) {
                elems.push(ElemType::I1);
            }
            let elem = pick(rng, &elems);
            let out = shape(rng, 0, 4, 3);
            let (sa, sb) = (broadcastable(rng, &out), broadcastable(rng, &out));
            let (lo, hi) = match (op, elem.is_float()) {
                (BinaryOp::Pow, true) => (0.2, 2.0),
                (BinaryOp::Pow, false) => (0.0, 4.0),
                _ => (-9.0, 9.0),
            };
            let mut p = Prog::new();
            let a = p.arg(tensor(rng, elem, &sa, lo, hi));
            let mut bt = tensor(rng, elem, &sb, lo, hi);
            if op == BinaryOp::Div && !elem.is_float() {
                bt = tensor(rng, elem, &sb, 1.0, 5.0);
            }
            let b = p.arg(bt);
            let r = p.op(op.op_name(), &[a, b], &[]);
            p.ret(&[r])
        });
    }
}

#[test]
fn cmp_select_and_nan() {
    for pred in ["eq", "ne", "lt", "le", "gt", "ge"] {
        for_seeds(&format!("graph.cmp {pred}"), 5, |rng| {
            let elem = pick(rng, &ALL);
            let out = shape(rng, 0, 3, 3);
            let (sa, sb) = (broadcastable(rng, &out), broadcastable(rng, &out));
            let mut p = Prog::new();
            // Few distinct values, so that equal elements occur.
            let a = p.arg(tensor(rng, ElemType::I64, &sa, -2.0, 2.0).cast_to(elem));
            let b = p.arg(tensor(rng, ElemType::I64, &sb, -2.0, 2.0).cast_to(elem));
            let pa = p.ctx.str_attr(pred);
            let c = p.op("graph.cmp", &[a, b], &[("predicate", pa)]);
            p.ret(&[c])
        });
    }
    let nan = Tensor::from_f64s(ElemType::F64, &[3], &[f64::NAN, 1.0, 2.0]).unwrap();
    let other = Tensor::from_f64s(ElemType::F64, &[3], &[f64::NAN, f64::NAN, 2.0]).unwrap();
    for pred in ["eq", "ne", "lt", "le", "gt", "ge"] {
        let mut p = Prog::new();
        let a = p.arg(nan.clone());
        let b = p.arg(other.clone());
        let pa = p.ctx.str_attr(pred);
        let c = p.op("graph.cmp", &[a, b], &[("predicate", pa)]);
        check(p.ret(&[c]), true).unwrap();
    }
    for_seeds("graph.select", 8, |rng| {
        let elem = pick(rng, &ALL);
        let out = shape(rng, 0, 3, 3);
        let mut p = Prog::new();
        let sc = broadcastable(rng, &out);
        let c = p.arg(tensor(rng, ElemType::I1, &sc, 0.0, 1.0));
        let sa = broadcastable(rng, &out);
        let a = p.arg(tensor(rng, elem, &sa, -5.0, 5.0));
        let sb = broadcastable(rng, &out);
        let b = p.arg(tensor(rng, elem, &sb, -5.0, 5.0));
        let r = p.op("graph.select", &[c, a, b], &[]);
        p.ret(&[r])
    });
}

#[test]
fn casts_between_every_pair() {
    // Out-of-range floats saturate, NaN gives 0 (and true), fractions
    // truncate toward zero.
    let specials = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e20,
        -1e20,
        3e9,
        -3e9,
        2147483648.0,
        -2147483648.0,
        3.7,
        -3.7,
        -0.0,
        0.5,
        0.0,
    ];
    for from in ALL {
        for to in ALL {
            for_seeds(&format!("graph.cast {from:?} -> {to:?}"), 2, |rng| {
                let mut p = Prog::new();
                let t = if from.is_float() && rng.random_bool(0.5) {
                    Tensor::from_f64s(from, &[specials.len()], &specials).unwrap()
                } else {
                    let s = shape(rng, 0, 3, 3);
                    let big = if from == ElemType::I64 { 1e12 } else { 1e9 };
                    tensor(rng, from, &s, -big, big)
                };
                let shape = t.shape().to_vec();
                let x = p.arg(t);
                let ty = p.tensor_ty(&shape, to);
                let y = p.typed("graph.cast", &[x], &[], ty);
                p.ret(&[y])
            });
        }
    }
}

// ----- constants, shapes ---------------------------------------------------------------

#[test]
fn constants_splat_dense_shared_and_returned() {
    for_seeds("graph.constant", 6, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 0, 3, 3);
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -3.0, 3.0));
        let dense = tensor(rng, elem, &s, -3.0, 3.0);
        let c1 = p.constant(&dense);
        let c2 = p.constant(&dense);
        let splat = Tensor::splat_int(elem, &s, 1).unwrap();
        let c3 = p.constant(&splat);
        let op = if elem == ElemType::I1 {
            "graph.max"
        } else {
            "graph.add"
        };
        let a = p.op(op, &[x, c1], &[]);
        let b = p.op(op, &[a, c2], &[]);
        let c = p.op(op, &[b, c3], &[]);
        p.ret(&[c, c1, x, c])
    });
}

#[test]
fn shape_ops() {
    for_seeds("graph.reshape", 8, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 0, 4, 3);
        let n: usize = s.iter().product();
        // Another factorization of n.
        let mut out = Vec::new();
        let mut rest = n;
        while rest > 1 && out.len() < 3 {
            let divisors: Vec<usize> = (1..=rest).filter(|d| rest.is_multiple_of(*d)).collect();
            let d = pick(rng, &divisors);
            out.push(d);
            rest /= d;
        }
        out.push(rest);
        if rng.random_bool(0.3) {
            out.insert(0, 1);
        }
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        let ty = p.tensor_ty(&out, elem);
        let y = p.typed("graph.reshape", &[x], &[], ty);
        p.ret(&[y])
    });
    for_seeds("graph.transpose", 8, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 1, 4, 4);
        let mut perm: Vec<i64> = (0..s.len() as i64).collect();
        for i in (1..perm.len()).rev() {
            let j = rng.random_range(0..=i);
            perm.swap(i, j);
        }
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        let a = p.ints(&perm);
        let y = p.op("graph.transpose", &[x], &[("perm", a)]);
        p.ret(&[y])
    });
    for_seeds("graph.broadcast_to", 8, |rng| {
        let elem = pick(rng, &ALL);
        let out = shape(rng, 0, 4, 3);
        let s = broadcastable(rng, &out);
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        let ty = p.tensor_ty(&out, elem);
        let y = p.typed("graph.broadcast_to", &[x], &[], ty);
        p.ret(&[y])
    });
    for_seeds("graph.concat", 8, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 1, 3, 3);
        let axis = rng.random_range(0..s.len());
        let mut p = Prog::new();
        let mut xs = Vec::new();
        for _ in 0..rng.random_range(1..=3) {
            let mut si = s.clone();
            si[axis] = rng.random_range(1..=3);
            xs.push(p.arg(tensor(rng, elem, &si, -9.0, 9.0)));
        }
        let axis = if rng.random_bool(0.3) {
            axis as i64 - s.len() as i64
        } else {
            axis as i64
        };
        let a = p.int(axis);
        let y = p.op("graph.concat", &xs, &[("axis", a)]);
        p.ret(&[y])
    });
    for_seeds("graph.slice", 10, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 1, 3, 6);
        let (mut starts, mut limits, mut strides) = (Vec::new(), Vec::new(), Vec::new());
        for &d in &s {
            let d = d as i64;
            let a = rng.random_range(0..d);
            let b = rng.random_range(a + 1..=d);
            starts.push(a);
            limits.push(b);
            strides.push(rng.random_range(1..=3));
        }
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        let (a, b, c) = (p.ints(&starts), p.ints(&limits), p.ints(&strides));
        let y = p.op(
            "graph.slice",
            &[x],
            &[("starts", a), ("limits", b), ("strides", c)],
        );
        p.ret(&[y])
    });
    for_seeds("graph.pad", 8, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 0, 3, 3);
        let low: Vec<i64> = s.iter().map(|_| rng.random_range(0..=2)).collect();
        let high: Vec<i64> = s.iter().map(|_| rng.random_range(0..=2)).collect();
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        let (a, b) = (p.ints(&low), p.ints(&high));
        let v = p.ctx.f64_attr(pick(rng, &[0.0, -1.5, 2.0, 7.9]));
        let y = p.op("graph.pad", &[x], &[("low", a), ("high", b), ("value", v)]);
        p.ret(&[y])
    });
    for_seeds("graph.gather", 10, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 1, 3, 4);
        let axis = rng.random_range(0..s.len());
        let n = s[axis] as f64;
        let is = shape(rng, 0, 2, 3);
        let ielem = pick(rng, &[ElemType::I32, ElemType::I64]);
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -9.0, 9.0));
        // Negative indices count from the end.
        let i = p.arg(tensor(rng, ielem, &is, -n, n - 1.0));
        let a = p.int(axis as i64);
        let y = p.op("graph.gather", &[x, i], &[("axis", a)]);
        p.ret(&[y])
    });
}

// ----- reductions -------------------------------------------------------------------

#[test]
fn reductions() {
    for op in ReduceOp::ALL {
        for_seeds(op.op_name(), 8, |rng| {
            let elems: &[ElemType] = match op {
                ReduceOp::Mean => &FLOATS,
                ReduceOp::Max | ReduceOp::Min => &ALL,
                _ => &NUMBERS,
            };
            let elem = pick(rng, elems);
            let s = shape(rng, 1, 4, 4);
            let axes: Vec<i64> = (0..s.len() as i64)
                .filter(|_| rng.random_bool(0.5))
                .collect();
            let keep = rng.random_bool(0.5);
            let mut p = Prog::new();
            p.rtol = REDUCTION_RTOL;
            // Positive values keep sums away from cancellation; products
            // of up to 256 elements near 1 stay in range.
            let (lo, hi) = if op == ReduceOp::Prod {
                (0.8, 1.2)
            } else {
                (0.1, 9.0)
            };
            let (lo, hi) = if elem.is_float() {
                (lo, hi)
            } else if op == ReduceOp::Prod {
                (-2.0, 2.0)
            } else {
                (-50.0, 50.0)
            };
            let x = p.arg(tensor(rng, elem, &s, lo, hi));
            let (a, k) = (p.ints(&axes), p.ctx.bool_attr(keep));
            let y = p.op(op.op_name(), &[x], &[("axes", a), ("keepdims", k)]);
            p.ret(&[y])
        });
    }
    for_seeds("graph.argmax", 10, |rng| {
        let elem = pick(rng, &ALL);
        let s = shape(rng, 1, 3, 4);
        let axis = rng.random_range(0..s.len()) as i64;
        let axis = if rng.random_bool(0.3) {
            axis - s.len() as i64
        } else {
            axis
        };
        let mut p = Prog::new();
        // Few distinct values: ties pick the first index.
        let x = p.arg(tensor(rng, ElemType::I64, &s, -2.0, 2.0).cast_to(elem));
        let (a, k) = (p.int(axis), p.ctx.bool_attr(rng.random_bool(0.5)));
        let y = p.op("graph.argmax", &[x], &[("axis", a), ("keepdims", k)]);
        p.ret(&[y])
    });
    let nans =
        Tensor::from_f64s(ElemType::F32, &[2, 3], &[1.0, f64::NAN, 5.0, 2.0, 2.0, 1.0]).unwrap();
    let mut p = Prog::new();
    let x = p.arg(nans);
    let (a, k) = (p.int(1), p.ctx.bool_attr(false));
    let y = p.op("graph.argmax", &[x], &[("axis", a), ("keepdims", k)]);
    let (a, k) = (p.ints(&[1]), p.ctx.bool_attr(true));
    let m = p.op("graph.reduce_max", &[x], &[("axes", a), ("keepdims", k)]);
    check(p.ret(&[y, m]), true).unwrap();
    for name in ["graph.softmax", "graph.log_softmax"] {
        for_seeds(name, 8, |rng| {
            let elem = pick(rng, &FLOATS);
            let s = shape(rng, 1, 4, 4);
            let axis =
                rng.random_range(0..s.len()) as i64 - s.len() as i64 * rng.random_range(0..=1);
            let mut p = Prog::new();
            p.rtol = REDUCTION_RTOL;
            let x = p.arg(tensor(rng, elem, &s, -5.0, 5.0));
            let a = p.int(axis);
            let y = p.op(name, &[x], &[("axis", a)]);
            p.ret(&[y])
        });
    }
}

// ----- linear algebra and nn --------------------------------------------------------

#[test]
fn matmul_batched_and_broadcast() {
    for_seeds("graph.matmul", 12, |rng| {
        let elem = pick(rng, &NUMBERS);
        let (m, k, n) = (
            rng.random_range(1..=4),
            rng.random_range(1..=4),
            rng.random_range(1..=4),
        );
        let batch = shape(rng, 0, 2, 3);
        let mut sa = broadcastable(rng, &batch);
        let mut sb = broadcastable(rng, &batch);
        sa.extend([m, k]);
        sb.extend([k, n]);
        let mut p = Prog::new();
        p.rtol = REDUCTION_RTOL;
        let a = p.arg(tensor(rng, elem, &sa, -3.0, 3.0));
        let b = p.arg(tensor(rng, elem, &sb, -3.0, 3.0));
        let y = p.op("graph.matmul", &[a, b], &[]);
        p.ret(&[y])
    });
}

#[test]
fn conv2d_strides_padding_dilations_groups() {
    for_seeds("graph.conv2d", 16, |rng| {
        let elem = pick(rng, &FLOATS);
        let groups = rng.random_range(1..=2) as usize;
        let (cg, og) = (rng.random_range(1..=2), rng.random_range(1..=2));
        let (kh, kw) = (rng.random_range(1..=3), rng.random_range(1..=3));
        let dil = [rng.random_range(1..=2), rng.random_range(1..=2)];
        let pad: Vec<i64> = (0..4).map(|_| rng.random_range(0..=2)).collect();
        let strides = [rng.random_range(1..=2), rng.random_range(1..=2)];
        // The input at least as large as the dilated window.
        let h = (kh - 1) * dil[0] as usize + 1 + rng.random_range(0..=3);
        let w = (kw - 1) * dil[1] as usize + 1 + rng.random_range(0..=3);
        let n = rng.random_range(1..=2);
        let mut p = Prog::new();
        p.rtol = REDUCTION_RTOL;
        let x = p.arg(tensor(rng, elem, &[n, cg * groups, h, w], -2.0, 2.0));
        let wt = p.arg(tensor(rng, elem, &[og * groups, cg, kh, kw], -2.0, 2.0));
        let attrs = [
            ("strides", p.ints(&strides)),
            ("padding", p.ints(&pad)),
            ("dilations", p.ints(&dil)),
            ("groups", p.int(groups as i64)),
        ];
        let y = p.op("graph.conv2d", &[x, wt], &attrs);
        p.ret(&[y])
    });
}

#[test]
fn pooling_padding_and_counts() {
    for name in ["graph.max_pool2d", "graph.avg_pool2d"] {
        for_seeds(name, 12, |rng| {
            let elem = pick(rng, &FLOATS);
            let kernel = [rng.random_range(1..=3), rng.random_range(1..=3)];
            let strides = [rng.random_range(1..=2), rng.random_range(1..=2)];
            // Padding up to the kernel size: some windows are padding only.
            let pad: Vec<i64> = (0..4)
                .map(|i| rng.random_range(0..=kernel[i % 2]))
                .collect();
            let h = rng.random_range(1..=5);
            let w = rng.random_range(1..=5);
            let mut p = Prog::new();
            p.rtol = REDUCTION_RTOL;
            let x = p.arg(tensor(rng, elem, &[1, 2, h, w], -4.0, 4.0));
            let attrs = [
                ("kernel", p.ints(&kernel)),
                ("strides", p.ints(&strides)),
                ("padding", p.ints(&pad)),
            ];
            let types = [p.ctx.value_type(x)];
            let ty = tessera_dialects::graph::infer_result_type(&mut p.ctx, name, &types, &attrs);
            match ty {
                Ok(ty) => {
                    let y = p.typed(name, &[x], &attrs, ty);
                    p.ret(&[y])
                }
                // The window is larger than the padded input: a smaller case.
                Err(_) => {
                    let y = p.op("graph.neg", &[x], &[]);
                    p.ret(&[y])
                }
            }
        });
    }
}

#[test]
fn normalizations() {
    for_seeds("graph.batch_norm", 8, |rng| {
        let elem = pick(rng, &FLOATS);
        let s = shape(rng, 2, 4, 3);
        let c = s[1];
        let mut p = Prog::new();
        let x = p.arg(tensor(rng, elem, &s, -3.0, 3.0));
        let scale = p.arg(tensor(rng, elem, &[c], 0.5, 2.0));
        let bias = p.arg(tensor(rng, elem, &[c], -1.0, 1.0));
        let mean = p.arg(tensor(rng, elem, &[c], -1.0, 1.0));
        let var = p.arg(tensor(rng, elem, &[c], 0.1, 2.0));
        let e = p.ctx.f64_attr(1e-5);
        let y = p.op(
            "graph.batch_norm",
            &[x, scale, bias, mean, var],
            &[("epsilon", e)],
        );
        p.ret(&[y])
    });
    for_seeds("graph.layer_norm", 8, |rng| {
        let elem = pick(rng, &FLOATS);
        let s = shape(rng, 1, 4, 4);
        let axis = rng.random_range(0..s.len());
        let mut p = Prog::new();
        p.rtol = REDUCTION_RTOL;
        let x = p.arg(tensor(rng, elem, &s, -3.0, 3.0));
        let scale = p.arg(tensor(rng, elem, &s[axis..], 0.5, 2.0));
        let bias = p.arg(tensor(rng, elem, &s[axis..], -1.0, 1.0));
        let e = p.ctx.f64_attr(1e-5);
        let a = p.int(axis as i64 - s.len() as i64 * rng.random_range(0..=1));
        let y = p.op(
            "graph.layer_norm",
            &[x, scale, bias],
            &[("axis", a), ("epsilon", e)],
        );
        p.ret(&[y])
    });
}

// ----- empty tensors ----------------------------------------------------------------

#[test]
fn empty_tensors() {
    let e = |shape: &[usize]| Tensor::from_f64s(ElemType::F32, shape, &[]).unwrap();
    let mut p = Prog::new();
    let x = p.arg(e(&[0, 3]));
    let a = p.arg(e(&[2, 0]));
    let b = p.arg(Tensor::from_f64s(ElemType::F32, &[0, 4], &[]).unwrap());
    let full =
        p.arg(Tensor::from_f64s(ElemType::F32, &[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap());
    let n = p.op("graph.exp", &[x], &[]);
    // K = 0: a matrix of zeros.
    let m = p.op("graph.matmul", &[a, b], &[]);
    // A sum over an empty axis is 0.
    let (ax, k) = (p.ints(&[0]), p.ctx.bool_attr(false));
    let s = p.op("graph.reduce_sum", &[x], &[("axes", ax), ("keepdims", k)]);
    let ax = p.int(0);
    let c = p.op("graph.concat", &[x, full], &[("axis", ax)]);
    let ty = p.tensor_ty(&[3, 0], ElemType::F32);
    let r = p.typed("graph.reshape", &[x], &[], ty);
    let (lo, hi, v) = (p.ints(&[1, 0]), p.ints(&[1, 2]), p.ctx.f64_attr(2.5));
    let pd = p.op(
        "graph.pad",
        &[x],
        &[("low", lo), ("high", hi), ("value", v)],
    );
    check(p.ret(&[n, m, s, c, r, pd]), true).unwrap();
}

// ----- functions ------------------------------------------------------------------------

#[test]
fn calls_out_params_and_returned_values() {
    let text = r#"
func.func private @helper(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) {
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.exp %b : (tensor<3xf32>) -> tensor<3xf32>
  func.return %0, %1, %a : tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>
}
func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = graph.constant {value = dense<[1.0, -2.0, 0.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0:3 = func.call @helper(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>)
  %1 = graph.mul %0#0, %0#2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2:3 = func.call @helper(%1, %c) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>)
  func.return %2#0, %2#0, %0#1, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>
}
"#;
    for reuse in [true, false] {
        let mut rng = Rng::seed_from_u64(1);
        let inputs = vec![
            tensor(&mut rng, ElemType::F32, &[2, 3], -1.0, 1.0),
            tensor(&mut rng, ElemType::F32, &[3], -1.0, 1.0),
        ];
        check(parsed(text, inputs), reuse).unwrap();
    }
}

#[test]
fn mlp_example() {
    let text = include_str!("../../examples/mlp.mlir");
    let mut rng = Rng::seed_from_u64(3);
    let inputs = vec![tensor(&mut rng, ElemType::F32, &[1, 784], 0.0, 1.0)];
    let mut p = parsed(text, inputs);
    p.rtol = REDUCTION_RTOL;
    check(p, true).unwrap();
}

#[test]
fn cnn_example() {
    let text = include_str!("../../examples/cnn.mlir");
    let mut rng = Rng::seed_from_u64(4);
    let inputs = vec![tensor(&mut rng, ElemType::F32, &[1, 1, 28, 28], 0.0, 1.0)];
    let mut p = parsed(text, inputs);
    p.rtol = REDUCTION_RTOL;
    check(p, true).unwrap();
}

// ----- random programs --------------------------------------------------------------------

#[test]
fn random_programs() {
    let mut failures = Vec::new();
    for seed in 0..40 {
        let mut cfg = GenConfig::new(seed);
        cfg.max_ops = 12;
        if seed % 2 == 1 {
            cfg.elems = vec![ElemType::F64, ElemType::I32, ElemType::I64];
        }
        let case = progen::check::Case::new(cfg);
        let inputs = case.inputs(seed);
        let mut prog = parsed(&case.text(), inputs);
        prog.rtol = if seed % 2 == 1 {
            SPEC_RTOL
        } else {
            REDUCTION_RTOL
        };
        if let Err(e) = check(prog, seed % 3 != 0) {
            failures.push(case.failure("lowering to affine", &e));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures; the first:\n{}",
        failures.len(),
        failures[0]
    );
}
