//! Running equality saturation on the IR: lift each block's DAG, run the
//! rules under the limits, extract by DAG cost, and write the result back
//! only when it is cheaper than the input.

use std::time::{Duration, Instant};

use egg::{BackoffScheduler, Id, Runner, StopReason};
use rustc_hash::FxHashSet;
use tessera_compiler::{BlockId, Context, OpId};

use super::analysis::{GraphAnalysis, GraphEGraph, canonical};
use super::bridge::{Lifted, node_work};
use super::cost::Cost;
use super::extract::extract_dag;
use super::lang::Graph;
use super::rules::{GraphRewrite, RuleSet};

/// How the pass runs: the runner's limits and the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct EqsatConfig {
    /// Stop once the e-graph has more e-nodes than this.
    pub node_limit: usize,
    /// Stop after this many iterations (0: only fold and extract).
    pub iter_limit: usize,
    /// Stop after this long; `None` for no limit (deterministic output).
    pub time_limit: Option<Duration>,
    /// The rule sets to run.
    pub rule_sets: Vec<RuleSet>,
    /// Whether to add the rules that do not keep infinities and NaN.
    pub fast_math: bool,
}

impl Default for EqsatConfig {
    fn default() -> Self {
        EqsatConfig {
            node_limit: 20_000,
            iter_limit: 30,
            time_limit: Some(Duration::from_millis(1000)),
            rule_sets: vec![RuleSet::Algebra, RuleSet::Stability],
            fast_math: false,
        }
    }
}

impl EqsatConfig {
    /// The rules of the selected sets, in set order.
    pub fn rules<'c>(&self) -> Vec<GraphRewrite<'c>> {
        self.rule_sets
            .iter()
            .flat_map(|s| s.rules(self.fast_math))
            .collect()
    }
}

/// What running the pass did, summed over blocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EqsatReport {
    /// Blocks with a DAG to optimize.
    pub blocks: u64,
    /// Blocks written back (the extraction was cheaper).
    pub rewritten: u64,
    /// E-nodes in the final e-graphs.
    pub enodes: u64,
    /// E-classes in the final e-graphs.
    pub eclasses: u64,
    /// Runner iterations.
    pub iterations: u64,
    /// Why each runner stopped (`saturated`, `iter-limit`, `node-limit`,
    /// `time-limit`), each reason once, in order of first appearance.
    pub stop_reasons: Vec<String>,
    /// Times each rule applied, in rule order, rules that never did left out.
    pub applied: Vec<(String, u64)>,
    /// The DAG cost of the input.
    pub cost_before: Cost,
    /// The DAG cost of the output (the input's when it was kept).
    pub cost_after: Cost,
    /// Problems that made the pass keep a block as it was.
    pub warnings: Vec<String>,
    /// Time spent.
    pub time: Duration,
}

impl EqsatReport {
    fn add_applied(&mut self, name: &str, n: u64) {
        match self.applied.iter_mut().find(|(k, _)| k == name) {
            Some((_, c)) => *c += n,
            None => self.applied.push((name.to_string(), n)),
        }
    }

    fn add_stop(&mut self, reason: String) {
        if !self.stop_reasons.contains(&reason) {
            self.stop_reasons.push(reason);
        }
    }
}

/// The name of a stop reason, as the `stop-reason` statistic shows it.
pub fn stop_reason_name(r: &StopReason) -> String {
    match r {
        StopReason::Saturated => "saturated".into(),
        StopReason::IterationLimit(_) => "iter-limit".into(),
        StopReason::NodeLimit(_) => "node-limit".into(),
        StopReason::TimeLimit(_) => "time-limit".into(),
        StopReason::Other(s) => s.clone(),
    }
}

/// Runs the pass on every block of `func` (nested blocks too).
pub fn optimize_function(ctx: &mut Context, func: OpId, config: &EqsatConfig) -> EqsatReport {
    let mut blocks: Vec<BlockId> = Vec::new();
    let mut ops = vec![func];
    ops.extend(ctx.walk_preorder(func));
    for op in ops {
        for &r in &ctx.op(op).regions {
            blocks.extend(ctx.region(r).blocks.iter().copied());
        }
    }
    let mut report = EqsatReport::default();
    for b in blocks {
        optimize_block(ctx, b, config, &mut report);
    }
    report
}

/// Runs the pass on one block, adding to `report`.
pub fn optimize_block(
    ctx: &mut Context,
    block: BlockId,
    config: &EqsatConfig,
    report: &mut EqsatReport,
) {
    let Some(lifted) = Lifted::read(ctx, block) else {
        return;
    };
    let start = Instant::now();
    report.blocks += 1;
    let outcome = saturate(ctx, &lifted, config, report);
    match outcome {
        Ok(Some((plan, before, after))) => match lifted.write_back(ctx, &plan) {
            Ok(()) => {
                report.rewritten += 1;
                report.cost_before = report.cost_before + before;
                report.cost_after = report.cost_after + after;
            }
            Err(e) => {
                report.warnings.push(e);
                report.cost_before = report.cost_before + before;
                report.cost_after = report.cost_after + before;
            }
        },
        Ok(None) => {}
        Err(e) => report.warnings.push(e),
    }
    report.time += start.elapsed();
}

/// The plan to write and the costs before and after, or `None` when the
/// input is kept (costs recorded in `report` then).
type Outcome = Option<(super::bridge::Plan, Cost, Cost)>;

fn saturate(
    ctx: &mut Context,
    lifted: &Lifted,
    config: &EqsatConfig,
    report: &mut EqsatReport,
) -> Result<Outcome, String> {
    let rules = config.rules();
    let mut runner: Runner<Graph, GraphAnalysis<'_>, ()> = Runner::new(GraphAnalysis::new(ctx));
    let built = lifted.build(&mut runner.egraph)?;
    let runner = runner
        .with_node_limit(config.node_limit)
        .with_iter_limit(config.iter_limit)
        .with_time_limit(config.time_limit.unwrap_or(Duration::MAX))
        .with_scheduler(BackoffScheduler::default())
        .run(&rules);
    let eg = &runner.egraph;
    report.enodes += eg.total_size() as u64;
    report.eclasses += eg.number_of_classes() as u64;
    report.iterations += runner.iterations.len() as u64;
    if let Some(r) = &runner.stop_reason {
        report.add_stop(stop_reason_name(r));
    }
    for rule in &rules {
        let n: usize = runner
            .iterations
            .iter()
            .filter_map(|it| it.applied.get(&rule.name))
            .sum();
        if n > 0 {
            report.add_applied(rule.name.as_str(), n as u64);
        }
    }
    if eg.analysis.conflicts() > 0 {
        return Err(format!(
            "graph-eqsat: {} e-class merges joined different types; the block is kept as it was",
            eg.analysis.conflicts()
        ));
    }

    let unstable: FxHashSet<Graph> = eg
        .analysis
        .unstable_nodes()
        .map(|n| canonical(eg, n))
        .collect();
    let originals: FxHashSet<Graph> = built.nodes.iter().map(|n| canonical(eg, n)).collect();
    let before = Cost {
        unstable: built
            .nodes
            .iter()
            .filter(|n| unstable.contains(&canonical(eg, n)))
            .count() as u64,
        work: built.work.iter().sum(),
    };
    let ext = extract_dag(
        eg,
        &built.roots,
        |id, n| node_cost(eg, id, n, &unstable),
        |_, n| originals.contains(n),
    );
    let kept = |report: &mut EqsatReport| {
        report.cost_before = report.cost_before + before;
        report.cost_after = report.cost_after + before;
    };
    let Some(ext) = ext else {
        kept(report);
        return Ok(None);
    };
    if ext.cost >= before {
        kept(report);
        return Ok(None);
    }
    match lifted.plan(eg, &built, &ext) {
        Some(plan) => Ok(Some((plan, before, ext.cost))),
        None => {
            kept(report);
            Ok(None)
        }
    }
}

/// The cost of `node` in class `id` (see [`cost`](super::cost)); `None`
/// for a node of an untyped class.
pub fn node_cost(
    eg: &GraphEGraph<'_>,
    id: Id,
    node: &Graph,
    unstable: &FxHashSet<Graph>,
) -> Option<Cost> {
    if node.is_attr_leaf() {
        return Some(Cost::ZERO);
    }
    let ty = eg[id].data.ty.as_ref()?;
    let work = node_work(eg, node, ty)?;
    Some(Cost {
        unstable: u64::from(unstable.contains(node)),
        work,
    })
}
