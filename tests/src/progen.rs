//! `progen`: a random generator of well-typed `graph` programs, for property
//! and differential tests of everything that consumes them (the verifier,
//! printer and parser, folds and passes, later equality saturation,
//! lowerings and backends), with the reference interpreter as the oracle.
//!
//! [`generate`] builds a module holding `func.func @main` with a few tensor
//! arguments and one to three results; its body is a DAG (values are
//! reused, not just trees) of ops drawn from the [`OpFamily`]s that the
//! [`GenConfig`] allows. Every op's result type comes from the dialect's own
//! type inference ([`infer_result_type`](tessera_dialects::graph::infer_result_type)),
//! so every program verifies. [`random_inputs`] makes arguments for it.
//!
//! Programs are numerically tame by construction: the generator tracks a
//! [`Range`] for every value, applies `log`, `sqrt`, `rsqrt`,
//! `reciprocal`, `pow`, `div` (and the variance of `batch_norm`) only to
//! operands inside their domain, adding a guard such as `abs(x) + 1` when
//! an operand is not, and rejects ops whose results could exceed
//! [`GenConfig::max_magnitude`]. So no NaN or infinity appears on the
//! generated inputs, integer division never divides by zero, and integer
//! arithmetic never wraps.
//!
//! Everything is decided by the config and its seed (a
//! [`Xoshiro256PlusPlus`] stream), so a failing case is reproduced by its
//! seed: [`check::Case::failure`] reports it with the program text.
//!
//! ```
//! use tessera_tests::progen::{self, GenConfig};
//!
//! let mut ctx = progen::check::new_context();
//! let program = progen::generate(&mut ctx, &GenConfig::new(7));
//! tessera_compiler::verify::verify(&ctx, program.module).unwrap();
//! let inputs = progen::random_inputs(&ctx, &program, 1);
//! let outputs = tessera_dialects::interp::eval::run_function(
//!     &ctx, program.module, &program.func_name, inputs,
//! ).unwrap();
//! assert_eq!(outputs.len(), program.result_types.len());
//! ```

mod builder;
pub mod check;
mod config;
mod families;
mod range;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use tessera_compiler::{Context, OpId, Type, Value};
use tessera_dialects::graph::TensorType;
use tessera_dialects::interp::value::{ElemType, Tensor};

pub use builder::{MAX_DENSE_CONSTANT, MAX_VALUE_ELEMENTS};
pub use check::{REDUCTION_RTOL, SPEC_ATOL, SPEC_RTOL, assert_same_results};
pub use config::{GenConfig, OpFamily};
pub use range::Range;

use builder::Gen;

/// A generated program.
#[derive(Clone, Debug)]
pub struct GeneratedProgram {
    /// The `builtin.module` holding `@main` and any helper functions.
    pub module: OpId,
    /// The function to run: `main`.
    pub func_name: String,
    /// The argument types of `@main`.
    pub arg_types: Vec<Type>,
    /// The ranges [`random_inputs`] draws each argument's elements from;
    /// the generator's domain reasoning assumes inputs within them.
    pub arg_ranges: Vec<Range>,
    /// The result types of `@main`.
    pub result_types: Vec<Type>,
    /// Ranges that hold every element of each result, for inputs within
    /// `arg_ranges` (computed over the reals: allow for rounding).
    pub result_ranges: Vec<Range>,
    /// The number of ops in `@main` (constants, guards and calls included).
    pub num_ops: usize,
    /// The seed it was generated from.
    pub seed: u64,
}

/// Generates a module with a `func.func @main` as `cfg` describes, in `ctx`
/// (which must have the `builtin`, `func` and `graph` dialects registered,
/// as [`check::new_context`] does). The module verifies.
pub fn generate(ctx: &mut Context, cfg: &GenConfig) -> GeneratedProgram {
    let mut g = Gen::new(ctx, cfg);
    let first_args = g.int(1, cfg.max_args.clamp(1, 2) as i64);
    for _ in 0..first_args {
        let rank = g.rank_from(0);
        let shape = g.shape(rank);
        let elem = g.elem();
        let range = g.fresh_range(elem, builder::Need::Any);
        g.new_arg(&TensorType::new(shape, elem), range);
    }
    let target = g.int(1, cfg.max_ops.max(1) as i64) as usize;
    let families: Vec<(OpFamily, u32)> = cfg
        .families
        .iter()
        .copied()
        .filter(|&(f, w)| w > 0 && g.feasible(f))
        .collect();
    // Steps can fail (no suitable operand, a result too large): give up
    // after enough attempts rather than loop.
    let mut attempts = 0;
    while g.ops < target && attempts < 20 * target + 20 && !families.is_empty() {
        attempts += 1;
        let family = pick_family(&mut g, &families);
        step(&mut g, family, &families);
    }
    let mut results = pick_results(&mut g);
    g.sink_unused(&mut results);
    if g.chance(0.1) {
        let i = g.index(g.pool.len());
        g.add_dead_function(i);
    }
    let (main, block) = (g.main, g.block);
    let values: Vec<Value> = results.iter().map(|&i| g.pool[i].v).collect();
    g.finish_function(main, block, &values);
    let ctx = &*g.ctx;
    GeneratedProgram {
        module: g.module,
        func_name: "main".to_string(),
        arg_types: ctx
            .block_args(block)
            .iter()
            .map(|&a| ctx.value_type(a))
            .collect(),
        arg_ranges: g.arg_ranges.clone(),
        result_types: results
            .iter()
            .map(|&r| ctx.value_type(g.pool[r].v))
            .collect(),
        result_ranges: results.iter().map(|&r| g.pool[r].range).collect(),
        num_ops: g.ops,
        seed: cfg.seed,
    }
}

fn pick_family(g: &mut Gen<'_>, families: &[(OpFamily, u32)]) -> OpFamily {
    let total: u32 = families.iter().map(|(_, w)| w).sum();
    let mut x = g.int(0, i64::from(total) - 1) as u32;
    for &(f, w) in families {
        if x < w {
            return f;
        }
        x -= w;
    }
    families[families.len() - 1].0
}

/// Takes one step of `family`: builds one op (and whatever operands and
/// guards it needs), or nothing if the step fails.
fn step(g: &mut Gen<'_>, family: OpFamily, families: &[(OpFamily, u32)]) {
    match family {
        OpFamily::Constant => {
            g.free_constant();
        }
        OpFamily::Repeat => {
            g.repeat();
        }
        OpFamily::Call => {
            if !g.helpers.is_empty() && g.chance(0.35) {
                let h = g.index(g.helpers.len());
                if g.call_existing(h).is_some() {
                    return;
                }
            }
            let inner: Vec<(OpFamily, u32)> = families
                .iter()
                .copied()
                .filter(|(f, _)| {
                    !matches!(f, OpFamily::Call | OpFamily::Constant | OpFamily::Repeat)
                })
                .collect();
            if inner.is_empty() {
                return;
            }
            let f = pick_family(g, &inner);
            if let Some(p) = g.propose(f) {
                g.commit_as_call(p);
            }
        }
        f => {
            if let Some(p) = g.propose(f) {
                g.commit(p);
            }
        }
    }
}

/// One to `max_results` results (as pool indices): the last value built,
/// then values nothing uses (or, now and then, any value).
fn pick_results(g: &mut Gen<'_>) -> Vec<usize> {
    let n = g.int(1, g.cfg.max_results.max(1) as i64) as usize;
    let mut chosen = vec![g.pool.len() - 1];
    while chosen.len() < n {
        let unused: Vec<usize> = (0..g.pool.len())
            .filter(|i| !chosen.contains(i) && g.ctx.is_unused(g.pool[*i].v))
            .collect();
        if !unused.is_empty() {
            let i = g.choose(&unused);
            chosen.push(i);
        } else if g.chance(0.3) {
            let i = g.index(g.pool.len());
            chosen.push(i);
        } else {
            break;
        }
    }
    chosen
}

/// Arguments for `program`, deterministically from `seed`: each element
/// drawn uniformly from its argument's range (integers: the integers in
/// it; `i1`: either value), except that one float element in ten is a
/// value rewrites must treat exactly: the range's bounds, or `0.0`,
/// `-0.0`, `1.0` and `-1.0` when the range holds them.
pub fn random_inputs(ctx: &Context, program: &GeneratedProgram, seed: u64) -> Vec<Tensor> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    program
        .arg_types
        .iter()
        .zip(&program.arg_ranges)
        .map(|(&ty, r)| {
            let t = TensorType::from_type(ctx, ty).expect("arguments are graph tensors");
            let n = t.num_elements() as usize;
            let shape = t.usize_shape();
            match t.elem {
                ElemType::I1 => {
                    let v: Vec<i64> = (0..n).map(|_| i64::from(rng.random_bool(0.5))).collect();
                    Tensor::from_i64s(t.elem, &shape, &v)
                }
                e if e.is_int() => {
                    let (lo, hi) = (r.lo.ceil() as i64, r.hi.floor() as i64);
                    let v: Vec<i64> = (0..n).map(|_| rng.random_range(lo..=hi.max(lo))).collect();
                    Tensor::from_i64s(t.elem, &shape, &v)
                }
                _ => {
                    let special: Vec<f64> = [r.lo, r.hi, 0.0, -0.0, 1.0, -1.0]
                        .into_iter()
                        .filter(|&x| r.lo <= x && x <= r.hi)
                        .collect();
                    let v: Vec<f64> = (0..n)
                        .map(|_| {
                            if rng.random_bool(0.1) {
                                special[rng.random_range(0..special.len())]
                            } else {
                                rng.random_range(r.lo..=r.hi)
                            }
                        })
                        .collect();
                    Tensor::from_f64s(t.elem, &shape, &v)
                }
            }
            .expect("input tensors are small")
        })
        .collect()
}
