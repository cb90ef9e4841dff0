//! Properties of `graph-eqsat` on randomly generated programs (see
//! `tessera_tests::progen`), each over many seeds:
//!
//! - the results are unchanged within the spec's tolerances, for the
//!   default rule sets and for every set with `fast-math` (the generator's
//!   inputs are finite and in range, so fast-math rules must agree too);
//! - the program's cost, measured afresh on the input and on the output,
//!   never goes up;
//! - the output verifies, and running the pass again is deterministic.
//!
//! `PROGEN_SEED=<n>` runs only seed `n`; `PROGEN_CASES=<n>` changes how
//! many seeds each property tries.

use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::value::ElemType;
use tessera_passes::eqsat::cost::Cost;
use tessera_passes::eqsat::{EqsatConfig, RuleSet, optimize_function};
use tessera_tests::progen::check::{Case, new_context, parse, print};
use tessera_tests::progen::{GenConfig, REDUCTION_RTOL, SPEC_ATOL, assert_same_results};

/// Seeds per property by default.
const DEFAULT_CASES: u64 = 120;

fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("PROGEN_SEED") {
        return vec![seed];
    }
    (0..env_u64("PROGEN_CASES").unwrap_or(DEFAULT_CASES)).collect()
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
    )
}

fn gen_config(seed: u64) -> GenConfig {
    let mut cfg = GenConfig::new(seed);
    if seed % 3 == 2 {
        cfg.elems = vec![ElemType::F32, ElemType::F64, ElemType::I32];
    }
    cfg
}

/// No time limit: the output must not depend on the machine.
fn eqsat_config(fast_math: bool) -> EqsatConfig {
    let mut c = EqsatConfig {
        time_limit: None,
        node_limit: 5_000,
        ..EqsatConfig::default()
    };
    if fast_math {
        c.rule_sets = RuleSet::ALL.to_vec();
        c.fast_math = true;
    }
    c
}

/// Every `func.func` of `module`.
fn functions(ctx: &Context, module: OpId) -> Vec<OpId> {
    ctx.block_ops_vec(ctx.module_body(module))
        .into_iter()
        .filter(|&f| ctx.op_is(f, "func.func"))
        .collect()
}

/// Runs the pass on every function; the summed costs before and after.
fn optimize(ctx: &mut Context, module: OpId, config: &EqsatConfig) -> (Cost, Cost) {
    let (mut before, mut after) = (Cost::ZERO, Cost::ZERO);
    for f in functions(ctx, module) {
        let r = optimize_function(ctx, f, config);
        assert!(r.warnings.is_empty(), "warnings: {:?}", r.warnings);
        before = before + r.cost_before;
        after = after + r.cost_after;
    }
    (before, after)
}

/// The cost of the program `text`, measured by a run that may not rewrite.
fn measure(text: &str) -> Cost {
    let mut ctx = new_context();
    let module = parse(&mut ctx, text, "measure.mlir").expect("the program parses");
    let config = EqsatConfig {
        iter_limit: 0,
        time_limit: None,
        ..EqsatConfig::default()
    };
    optimize(&mut ctx, module, &config).0
}

fn check(fast_math: bool) {
    let config = eqsat_config(fast_math);
    let mut failures = Vec::new();
    let mut changed = 0;
    for seed in seeds() {
        let mut case = Case::new(gen_config(seed));
        let inputs = case.inputs(seed);
        let expected = match case.run(&inputs) {
            Ok(r) => r,
            Err(e) => panic!("{}", case.failure("the generated program fails", &e)),
        };
        let module = case.program.module;
        let (before, after) = optimize(&mut case.ctx, module, &config);
        if let Err(e) = case.verify() {
            failures.push(case.failure("the output does not verify", &e));
            continue;
        }
        if after > before {
            failures.push(case.failure(
                "the pass made the program costlier",
                &format!("{before} -> {after}"),
            ));
        }
        let output = case.text();
        if output != case.original {
            changed += 1;
        }
        let (m_before, m_after) = (measure(&case.original), measure(&output));
        if m_after > m_before {
            failures.push(case.failure(
                "the output measures costlier than the input",
                &format!("{m_before} -> {m_after}"),
            ));
        }
        match case.run(&inputs) {
            Ok(actual) => {
                if let Err(e) = assert_same_results(&actual, &expected, REDUCTION_RTOL, SPEC_ATOL) {
                    failures.push(case.failure("the results changed", &e));
                }
            }
            Err(e) => failures.push(case.failure("the output fails to run", &e)),
        }
        // Deterministic: the same input gives the same output.
        let mut again = new_context();
        let m = parse(&mut again, &case.original, "again.mlir").expect("the program parses");
        optimize(&mut again, m, &config);
        if print(&again, m) != output {
            failures.push(case.failure("a second run gave another program", ""));
        }
    }
    // Most programs have something to improve (dead code, constants,
    // identities); a pass that never changes anything proves nothing.
    let n = seeds().len();
    eprintln!("graph-eqsat changed {changed} of {n} programs");
    assert!(
        n < 20 || changed * 4 >= n,
        "only {changed} of {n} programs changed"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn default_rules_keep_results_and_never_raise_cost() {
    check(false);
}

#[test]
fn fast_math_and_every_set_keep_results_on_finite_inputs() {
    check(true);
}
