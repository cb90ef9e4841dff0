//! Properties of randomly generated `graph` programs (see
//! `tessera_tests::progen`), each over many seeds:
//!
//! - every program verifies and prints, in custom and generic form and
//!   with locations, to text that parses back to the same text and the
//!   same results;
//! - the interpreter runs it on random inputs, giving finite results
//!   inside the ranges the generator computed;
//! - `canonicalize`, `cse` and the `-O2` passes leave its results
//!   unchanged (within the spec's tolerances; bit for bit, in fact), a
//!   differential test of the passes against the interpreter;
//! - the host API (`tessera_runtime::Engine`) computes the same results on
//!   every backend that is built.
//!
//! A failure prints the seed and the program. `PROGEN_SEED=<n>` runs only
//! seed `n`; `PROGEN_CASES=<n>` changes how many seeds each property tries.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};

use tessera_compiler::diag::render;
use tessera_compiler::{Context, OpId};
use tessera_dialects::graph::OPS;
use tessera_dialects::interp::eval::run_function;
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_runtime::{Backend, CompileOptions, Engine, Pipeline};
use tessera_tests::progen::check::{
    Case, new_context, parse, print, print_generic, print_with_locs,
};
use tessera_tests::progen::{
    GenConfig, OpFamily, REDUCTION_RTOL, SPEC_ATOL, assert_same_results, generate,
};

/// Seeds per property by default: enough to meet every op many times,
/// few enough for a debug build to take a few seconds.
const DEFAULT_CASES: u64 = 300;

/// Seeds for the engine property, whose `-O` pipelines (with
/// `graph-eqsat`) take longer per program.
const DEFAULT_ENGINE_CASES: u64 = 100;

/// The seeds a property runs on.
fn seeds() -> Vec<u64> {
    seeds_or(DEFAULT_CASES)
}

/// The seeds a property runs on, `0..default` unless the environment says.
fn seeds_or(default: u64) -> Vec<u64> {
    if let Some(seed) = env_u64("PROGEN_SEED") {
        return vec![seed];
    }
    (0..env_u64("PROGEN_CASES").unwrap_or(default)).collect()
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
    )
}

/// The configurations each seed is tried with: the default (f32), and
/// three variations, chosen by the seed.
fn config(seed: u64) -> GenConfig {
    let mut cfg = GenConfig::new(seed);
    match seed % 4 {
        0 | 1 => {}
        2 => cfg.elems = vec![ElemType::F32, ElemType::F64, ElemType::I32],
        _ => {
            cfg.allow_empty = true;
            cfg.max_rank = (seed % 5) as usize;
            cfg.elems = vec![ElemType::I32, ElemType::F32];
        }
    }
    cfg
}

/// Runs `property` on the case of every seed; panics with the reports of
/// the failing ones.
fn for_all(property: impl Fn(&mut Case) -> Result<(), String>) {
    for_all_configs(seeds(), config, property);
}

/// Like [`for_all`], on `seeds` with the configuration of each seed from
/// `config`.
fn for_all_configs(
    seeds: Vec<u64>,
    config: impl Fn(u64) -> GenConfig,
    property: impl Fn(&mut Case) -> Result<(), String>,
) {
    let mut failures = Vec::new();
    let total = seeds.len();
    for seed in seeds {
        let mut case = Case::new(config(seed));
        // A panic (in a pass, say) is a failure of this seed like any other,
        // reported with the program.
        match panic::catch_unwind(AssertUnwindSafe(|| property(&mut case))) {
            Ok(Ok(())) => {}
            Ok(Err(report)) => failures.push(report),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(Case::new(config(seed)).failure("panicked", &message));
            }
        }
    }
    if !failures.is_empty() {
        let summary: Vec<&str> = failures.iter().filter_map(|f| f.lines().next()).collect();
        panic!(
            "{} of {} seeds failed:\n  {}\nthe first in full:\n{}",
            failures.len(),
            total,
            summary.join("\n  "),
            failures[0]
        );
    }
}

/// A way to print a module.
type Printer = fn(&Context, OpId) -> String;

#[test]
fn programs_verify_and_round_trip_through_text() {
    for_all(|case| {
        case.verify()
            .map_err(|e| case.failure("the generated program does not verify", &e))?;
        let text = case.text();
        let module = case.program.module;
        let forms: [(&str, Printer); 3] = [
            ("custom", print),
            ("generic", print_generic),
            ("custom with locations", print_with_locs),
        ];
        for (form, printer) in forms {
            let printed = printer(&case.ctx, module);
            let mut ctx = new_context();
            let reparsed = parse(&mut ctx, &printed, "progen.mlir")
                .map_err(|e| case.failure(&format!("the {form} form does not parse"), &e))?;
            for (again, expected) in [
                (printer(&ctx, reparsed), &printed),
                (print(&ctx, reparsed), &text),
            ] {
                if again != *expected {
                    return Err(case.failure(
                        &format!("the {form} form prints differently after parsing"),
                        &format!("--- printed ---\n{printed}\n--- reparsed ---\n{again}"),
                    ));
                }
            }
            // The text must carry every value exactly.
            let inputs = case.inputs(1);
            let before = case.run(&inputs).map_err(|e| case.failure("run", &e))?;
            let after = run_function(&ctx, reparsed, &case.program.func_name, inputs)
                .map_err(|d| case.failure("the reparsed program fails", &render(&ctx, &[d])))?;
            assert_same_results(&after, &before, 0.0, 0.0).map_err(|e| {
                case.failure(
                    &format!("the program reparsed from the {form} form computes other results"),
                    &e,
                )
            })?;
        }
        Ok(())
    });
}

#[test]
fn interpreter_runs_programs_within_their_ranges() {
    for_all(|case| {
        for input_seed in [1, 2] {
            let inputs = case.inputs(input_seed);
            let out = case
                .run(&inputs)
                .map_err(|e| case.failure("the interpreter fails", &e))?;
            if out.len() != case.program.result_types.len() {
                return Err(case.failure("wrong result count", &format!("{} results", out.len())));
            }
            for (i, (t, r)) in out.iter().zip(&case.program.result_ranges).enumerate() {
                let slack = 1e-4 * r.magnitude().max(1.0);
                let bad = t
                    .to_f64_array()
                    .iter()
                    .copied()
                    .find(|&x| !(x.is_finite() && r.lo - slack <= x && x <= r.hi + slack));
                if let Some(x) = bad {
                    return Err(case.failure(
                        "a result leaves its computed range",
                        &format!(
                            "result #{i} has element {x:e}, outside [{:e}, {:e}] (inputs seed {input_seed})",
                            r.lo, r.hi
                        ),
                    ));
                }
            }
        }
        Ok(())
    });
}

/// Runs `pipeline` on every case and checks that the results are unchanged
/// within `rtol`/`atol`, and that the result still round-trips.
fn differential(pipeline: &str, rtol: f64, atol: f64) {
    for_all(|case| {
        let inputs = case.inputs(3);
        let expected = case
            .run(&inputs)
            .map_err(|e| case.failure("the interpreter fails", &e))?;
        case.run_pipeline(pipeline)
            .map_err(|e| case.failure(&format!("`{pipeline}` fails"), &e))?;
        case.verify()
            .map_err(|e| case.failure(&format!("`{pipeline}` leaves invalid IR"), &e))?;
        let got = case
            .run(&inputs)
            .map_err(|e| case.failure(&format!("the interpreter fails after `{pipeline}`"), &e))?;
        assert_same_results(&got, &expected, rtol, atol)
            .map_err(|e| case.failure(&format!("`{pipeline}` changes the results"), &e))?;
        let text = case.text();
        let mut ctx = new_context();
        let module = parse(&mut ctx, &text, "after.mlir")
            .map_err(|e| case.failure(&format!("the output of `{pipeline}` does not parse"), &e))?;
        let again = print(&ctx, module);
        if again != text {
            return Err(case.failure(
                &format!("the output of `{pipeline}` does not round-trip"),
                &format!("--- reparsed ---\n{again}"),
            ));
        }
        Ok(())
    });
}

#[test]
fn canonicalize_preserves_results() {
    differential("canonicalize", REDUCTION_RTOL, SPEC_ATOL);
}

#[test]
fn cse_preserves_results() {
    differential("cse", REDUCTION_RTOL, SPEC_ATOL);
}

/// The cleanup passes together, in both orders: inlining first exposes
/// the helpers' bodies (and repeated calls) to folds and `cse`.
#[test]
fn cleanup_pipelines_preserve_results() {
    differential(
        "canonicalize,cse,symbol-dce,inline",
        REDUCTION_RTOL,
        SPEC_ATOL,
    );
    differential(
        "inline,symbol-dce,canonicalize,cse",
        REDUCTION_RTOL,
        SPEC_ATOL,
    );
}

/// Outlining kernels moves ops without changing them; inlining them back
/// must give the same results too.
#[test]
fn graph_fuse_preserves_results() {
    differential("graph-fuse", 0.0, 0.0);
    differential("graph-fuse,inline,symbol-dce", 0.0, 0.0);
}

/// The folds claim exactness ("a fold never changes a single bit"), and
/// CSE only merges equal computations: both must be bit-exact.
#[test]
fn canonicalize_and_cse_are_bit_exact() {
    differential("canonicalize,cse", 0.0, 0.0);
}

/// The host API (`tessera_runtime::Engine`), which parses the printed
/// program, runs an `-O` pipeline and calls `@main` on a backend, agrees
/// with interpreting the program directly, on every backend that is built.
/// `-O0` on the interpreter must agree bit for bit. Otherwise the
/// pipeline (`graph-eqsat` reassociates) or the backend may round
/// differently, so results must agree within the spec's tolerances, and
/// the programs have no discontinuous ops (whose results may jump under
/// a rounding difference).
#[test]
fn engine_agrees_with_the_interpreter() {
    let engine = Engine::new();
    for backend in Backend::ALL.into_iter().filter(|b| b.is_available()) {
        let level = |seed: u64| (seed % 4) as u8;
        let exact = |seed: u64| backend == Backend::Interp && level(seed) == 0;
        for_all_configs(
            seeds_or(DEFAULT_ENGINE_CASES),
            |seed| {
                let mut cfg = config(seed);
                cfg.discontinuous = exact(seed);
                cfg
            },
            |case| {
                let seed = case.cfg.seed;
                let inputs = case.inputs(4);
                let expected = case
                    .run(&inputs)
                    .map_err(|e| case.failure("the interpreter fails", &e))?;
                let options = CompileOptions {
                    pipeline: Pipeline::O(level(seed)),
                    backend,
                    ..Default::default()
                };
                let what = format!("the engine at -O{} on {backend}", level(seed));
                let module = engine
                    .compile_text(&case.original, "progen.mlir", &options)
                    .map_err(|e| {
                        case.failure(&format!("{what} does not compile it"), &e.to_string())
                    })?;
                let got = module
                    .entry_point()
                    .and_then(|f| f.call(&inputs))
                    .map_err(|e| case.failure(&format!("{what} fails"), &e.to_string()))?;
                let (rtol, atol) = if exact(seed) {
                    (0.0, 0.0)
                } else {
                    (REDUCTION_RTOL, SPEC_ATOL)
                };
                assert_same_results(&got, &expected, rtol, atol).map_err(|e| {
                    let after = module.ir_text();
                    case.failure(
                        &format!("{what} computes other results"),
                        &format!("{e}\n--- as compiled ---\n{after}"),
                    )
                })
            },
        );
    }
}

#[test]
fn generation_is_deterministic() {
    for seed in seeds().into_iter().take(40) {
        let a = Case::new(config(seed));
        let b = Case::new(config(seed));
        assert_eq!(a.original, b.original, "seed {seed} gave two programs");
        assert_eq!(a.inputs(5), b.inputs(5), "seed {seed} gave two inputs");
    }
    let distinct: BTreeSet<String> = (0..20).map(|s| Case::new(config(s)).original).collect();
    assert!(
        distinct.len() >= 18,
        "only {} distinct programs",
        distinct.len()
    );
}

/// Over the default seeds, every op of the dialect appears, and values are
/// shared (some value has several uses).
#[test]
fn programs_cover_every_op_and_share_values() {
    let mut seen = BTreeSet::new();
    let mut shared = 0;
    let mut calls = 0;
    for seed in 0..DEFAULT_CASES {
        let case = Case::new(config(seed));
        for op in case.ctx.walk_preorder(case.program.module) {
            seen.insert(case.ctx.op_name_of(op).to_string());
        }
        if case.original.contains("func.call") {
            calls += 1;
        }
        let body = case.ctx.entry_block(main_func(&case), 0).expect("a body");
        let values = case
            .ctx
            .block_ops(body)
            .flat_map(|op| case.ctx.op(op).results.clone());
        if values.into_iter().any(|v| case.ctx.uses(v).len() > 1) {
            shared += 1;
        }
    }
    let missing: Vec<&str> = OPS
        .iter()
        .map(|o| o.name)
        .filter(|n| !seen.contains(*n))
        .collect();
    assert!(missing.is_empty(), "ops never generated: {missing:?}");
    assert!(seen.contains("func.call"));
    assert!(
        shared > DEFAULT_CASES / 2,
        "only {shared} programs share a value"
    );
    assert!(
        calls > DEFAULT_CASES / 10,
        "only {calls} programs call a helper"
    );
}

fn main_func(case: &Case) -> OpId {
    case.ctx
        .lookup_symbol_in(case.program.module, "main")
        .expect("@main")
}

/// Restricted configurations generate only what they allow.
#[test]
fn configurations_restrict_what_is_generated() {
    for seed in 0..60 {
        let mut cfg = GenConfig::new(seed).without(&[OpFamily::Call, OpFamily::MatMul]);
        cfg.discontinuous = false;
        cfg.max_rank = 2;
        cfg.max_ops = 8;
        let mut ctx = new_context();
        let p = generate(&mut ctx, &cfg);
        let text = print(&ctx, p.module);
        for banned in [
            "graph.matmul",
            "func.call",
            "graph.cmp",
            "graph.select",
            "graph.floor",
            "graph.ceil",
            "graph.argmax",
            "graph.conv2d",
        ] {
            assert!(!text.contains(banned), "seed {seed}: {banned} in\n{text}");
        }
        assert!(p.num_ops <= 8 + 8, "seed {seed}: {} ops", p.num_ops);
        let main = ctx.lookup_symbol_in(p.module, "main").expect("@main");
        let body = ctx.entry_block(main, 0).expect("a body");
        for op in ctx.block_ops(body) {
            for &v in &ctx.op(op).results {
                let rank = ctx.shape_of(ctx.value_type(v)).map_or(0, <[i64]>::len);
                assert!(rank <= 2, "seed {seed}: rank {rank}");
            }
        }
    }
}

#[test]
fn assert_same_results_uses_tolerances() {
    let t = |v: &[f64]| Tensor::from_f64s(ElemType::F32, &[v.len()], v).unwrap();
    let a = [t(&[1.0, f64::NAN, f64::INFINITY])];
    assert!(assert_same_results(&a, &a, 0.0, 0.0).is_ok());
    let b = [t(&[1.0 + 1e-6, f64::NAN, f64::INFINITY])];
    assert!(assert_same_results(&b, &a, 1e-5, 0.0).is_ok());
    assert!(assert_same_results(&b, &a, 0.0, 0.0).is_err());
    let c = [t(&[1.0, f64::NAN, f64::NEG_INFINITY])];
    assert!(assert_same_results(&c, &a, 1.0, 1.0).is_err());
    let d = [Tensor::from_f64s(ElemType::F64, &[3], &[1.0, f64::NAN, f64::INFINITY]).unwrap()];
    let e = assert_same_results(&d, &a, 1.0, 1.0).unwrap_err();
    assert!(e.contains("result #0"), "{e}");
    assert!(assert_same_results(&a, &[], 1.0, 1.0).is_err());
}
