//! `graph-eqsat`: equality saturation over the pure `graph` DAG of each
//! block, with [egg].
//!
//! The pass lifts the DAG into an e-graph ([`bridge`], in the language of
//! [`lang`]), where an [`analysis`] knows every e-class's tensor type and
//! constant value and folds small constants; runs the selected [`rules`]
//! until the e-graph saturates or a limit stops it; extracts the cheapest
//! program it finds by a DAG cost that counts shared subterms once
//! ([`extract`], with the cost model of [`cost`]); and writes it back,
//! keeping locations, only when it is cheaper than the input ([`driver`]).
//!
//! Options (`graph-eqsat{node-limit=20000 iter-limit=30 time-limit-ms=1000
//! rules=algebra,stability fast-math=false}`):
//!
//! | option | default | meaning |
//! |--------|---------|---------|
//! | `node-limit` | 20000 | stop once the e-graph has more e-nodes |
//! | `iter-limit` | 30 | stop after this many iterations (0: fold and extract only) |
//! | `time-limit-ms` | 1000 | stop after this long; 0 for no limit (deterministic output) |
//! | `rules` | `algebra,stability` | the rule sets: `algebra`, `linalg`, `layout`, `stability`, `nn` |
//! | `fast-math` | false | also apply rules that do not keep infinities and NaN |
//!
//! Statistics: `num-blocks`, `num-blocks-rewritten`, `num-enodes`,
//! `num-eclasses`, `num-iterations`, `stop-reason`, `cost-before`,
//! `cost-after`, `unstable-before`, `unstable-after`, one
//! `num-applied(<rule>)` per rule that applied, and `time-us`.
//!
//! [egg]: https://docs.rs/egg

pub mod analysis;
pub mod bridge;
pub mod cost;
pub mod driver;
pub mod extract;
pub mod lang;
pub mod rules;

pub use driver::{EqsatConfig, EqsatReport, optimize_block, optimize_function};
pub use rules::RuleSet;

use std::time::Duration;

use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, Diagnostic, OpId};

/// The `graph-eqsat` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct GraphEqsat {
    config: EqsatConfig,
}

/// The registry entry of `graph-eqsat`.
pub fn graph_eqsat_info() -> PassInfo {
    PassInfo {
        name: "graph-eqsat",
        summary: "Rewrite the graph DAG of each function by equality saturation",
        description: "Lifts the pure `graph` ops of each block into an e-graph (egg), runs \
            the selected rule sets until saturation or a limit, extracts the program with the \
            least cost (numerically unstable forms first, then FLOPs plus bytes moved, each \
            shared subterm counted once) and writes it back, keeping locations, when it is \
            cheaper than the input. Constants of at most 1024 elements (and splats) are \
            folded. Rules never build an op that would not verify, and rules that change \
            results on infinities or NaN only run with `fast-math`.\n\nStatistics: \
            `num-blocks`, `num-blocks-rewritten`, `num-enodes`, `num-eclasses`, \
            `num-iterations`, `stop-reason`, `cost-before`, `cost-after`, \
            `unstable-before`, `unstable-after`, `num-applied(<rule>)`, `time-us`.",
        anchor: Some("func.func"),
        options: vec![
            PassOptionInfo {
                name: "node-limit",
                kind: OptionKind::Int,
                default: "20000",
                help: "Stop once the e-graph has more e-nodes than this",
            },
            PassOptionInfo {
                name: "iter-limit",
                kind: OptionKind::Int,
                default: "30",
                help: "Stop after this many iterations (0: only fold and extract)",
            },
            PassOptionInfo {
                name: "time-limit-ms",
                kind: OptionKind::Int,
                default: "1000",
                help: "Stop after this many milliseconds; 0 for no limit",
            },
            PassOptionInfo {
                name: "rules",
                kind: OptionKind::List,
                default: "algebra,stability",
                help: "Rule sets: algebra, linalg, layout, stability, nn",
            },
            PassOptionInfo {
                name: "fast-math",
                kind: OptionKind::Bool,
                default: "false",
                help: "Also apply rules that change results on infinities or NaN",
            },
        ],
        create: |options| Ok(Box::new(GraphEqsat::from_options(options)?)),
    }
}

impl GraphEqsat {
    /// The pass with `config`.
    pub fn new(config: EqsatConfig) -> Self {
        GraphEqsat { config }
    }

    /// The pass configured by checked options (see [`graph_eqsat_info`]).
    pub fn from_options(options: &PassOptions) -> Result<Self, String> {
        let positive = |name: &str| -> Result<usize, String> {
            let n = options.int(name);
            usize::try_from(n).map_err(|_| format!("{name} must be at least 0, got {n}"))
        };
        let node_limit = positive("node-limit")?;
        if node_limit == 0 {
            return Err("node-limit must be at least 1".to_string());
        }
        let time_limit = match positive("time-limit-ms")? {
            0 => None,
            ms => Some(Duration::from_millis(ms as u64)),
        };
        let mut rule_sets = Vec::new();
        for name in options.list("rules") {
            let set = RuleSet::from_name(&name).ok_or_else(|| {
                let valid: Vec<&str> = RuleSet::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "unknown rule set '{name}'; valid sets: {}",
                    valid.join(", ")
                )
            })?;
            if !rule_sets.contains(&set) {
                rule_sets.push(set);
            }
        }
        Ok(GraphEqsat {
            config: EqsatConfig {
                node_limit,
                iter_limit: positive("iter-limit")?,
                time_limit,
                rule_sets,
                fast_math: options.bool("fast-math"),
            },
        })
    }

    /// The configuration the pass runs with.
    pub fn config(&self) -> &EqsatConfig {
        &self.config
    }
}

impl Pass for GraphEqsat {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let report = optimize_function(ctx, op, &self.config);
        record(state, &report);
        let loc = ctx.op(op).loc;
        for w in &report.warnings {
            state.diagnostics.push(Diagnostic::warning(loc, w.clone()));
        }
        Ok(())
    }
}

/// Adds the report to the pass statistics.
fn record(state: &mut PassState, r: &EqsatReport) {
    state.count("num-blocks", r.blocks);
    state.count("num-blocks-rewritten", r.rewritten);
    state.count("num-enodes", r.enodes);
    state.count("num-eclasses", r.eclasses);
    state.count("num-iterations", r.iterations);
    if !r.stop_reasons.is_empty() {
        state.set_text("stop-reason", r.stop_reasons.join(", "));
    }
    state.count("cost-before", r.cost_before.work);
    state.count("cost-after", r.cost_after.work);
    state.count("unstable-before", r.cost_before.unstable);
    state.count("unstable-after", r.cost_after.unstable);
    for (name, n) in &r.applied {
        state.count(&format!("num-applied({name})"), *n);
    }
    state.count("time-us", r.time.as_micros() as u64);
}
