//! The pass manager: runs a pipeline of passes on nested anchors, verifies
//! after each pass, and keeps per-pass statistics and timings.
//!
//! A pipeline is a tree: an [`OpPassManager`] anchored at an op name holds
//! passes and nested managers. A nested manager anchored at `func.func` runs
//! its passes on every `func.func` inside the op its parent runs on (found
//! by walking the parent's regions, not descending into a matching op),
//! one op at a time: the whole nested pipeline on the first function, then
//! on the next, as MLIR does.
//!
//! A pass whose [`PassInfo::anchor`] differs from the manager it is added
//! to is nested implicitly when that manager is anchored at
//! `builtin.module`: `builtin.module(cse)` with `cse` anchored at
//! `func.func` means `builtin.module(func.func(cse))`. Consecutive passes
//! with the same anchor share one nested manager.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use super::instrument::{IrPrinting, TimingReport, centered};
use super::pipeline::{PipelineElement, PipelineError, parse_options, parse_pipeline};
use super::registry::PassRegistry;
use super::{Pass, PassInfo, PassOptions, PassState, Statistic};
use crate::context::Context;
use crate::diag::{Diagnostic, Severity};
use crate::entity::OpId;
use crate::verify::verify;

/// The op that holds everything; passes anchored elsewhere nest implicitly under it.
const MODULE: &str = "builtin.module";

/// A pass in a pipeline, with what it has reported so far.
struct PassEntry {
    info: PassInfo,
    options: PassOptions,
    pass: Box<dyn Pass>,
    statistics: Vec<(String, Statistic)>,
    time: Duration,
    runs: u64,
}

enum Item {
    Pass(PassEntry),
    Nested(OpPassManager),
}

/// A list of passes and nested managers that runs on ops named `anchor`.
pub struct OpPassManager {
    anchor: String,
    items: Vec<Item>,
    /// Time spent in this manager's runs (for nested managers' table rows).
    time: Duration,
    /// Time spent verifying after this manager's passes.
    verify_time: Duration,
}

/// What one run needs besides the pipeline.
struct RunEnv<'a> {
    verify_each: bool,
    printing: Option<&'a mut IrPrinting>,
    root: OpId,
    diags: Vec<Diagnostic>,
}

impl OpPassManager {
    /// An empty manager for ops named `anchor`.
    pub fn new(anchor: &str) -> Self {
        OpPassManager {
            anchor: anchor.to_string(),
            items: Vec::new(),
            time: Duration::ZERO,
            verify_time: Duration::ZERO,
        }
    }

    /// The op name this manager runs on.
    pub fn anchor(&self) -> &str {
        &self.anchor
    }

    /// Whether the manager has no passes (nested ones included).
    pub fn is_empty(&self) -> bool {
        self.items.iter().all(|i| match i {
            Item::Pass(_) => false,
            Item::Nested(m) => m.is_empty(),
        })
    }

    /// The names of every pass, in pipeline order (nested ones included).
    pub fn pass_names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                Item::Pass(e) => out.push(e.info.name),
                Item::Nested(m) => out.extend(m.pass_names()),
            }
        }
        out
    }

    /// Appends a new nested manager for ops named `anchor` and returns it.
    pub fn nest(&mut self, anchor: &str) -> &mut OpPassManager {
        self.items.push(Item::Nested(OpPassManager::new(anchor)));
        match self.items.last_mut() {
            Some(Item::Nested(m)) => m,
            _ => unreachable!("just pushed a nested manager"),
        }
    }

    /// Appends `pass`, created from `info` with `options`, nesting it
    /// implicitly when its anchor differs from this manager's (see the
    /// [module docs](self)).
    pub fn add_pass(
        &mut self,
        info: &PassInfo,
        options: PassOptions,
        pass: Box<dyn Pass>,
    ) -> Result<(), String> {
        let entry = PassEntry {
            info: info.clone(),
            options,
            pass,
            statistics: Vec::new(),
            time: Duration::ZERO,
            runs: 0,
        };
        match info.anchor {
            None => {}
            Some(a) if a == self.anchor => {}
            Some(a) if self.anchor == MODULE => {
                let reuse = matches!(self.items.last(), Some(Item::Nested(m)) if m.anchor == a);
                let nested = if reuse {
                    match self.items.last_mut() {
                        Some(Item::Nested(m)) => m,
                        _ => unreachable!("checked above"),
                    }
                } else {
                    self.nest(a)
                };
                nested.items.push(Item::Pass(entry));
                return Ok(());
            }
            Some(a) => {
                return Err(format!(
                    "pass '{}' runs on '{a}' ops and cannot be nested under '{}'",
                    info.name, self.anchor
                ));
            }
        }
        self.items.push(Item::Pass(entry));
        Ok(())
    }

    /// Appends the registered pass `name` with options written as in a
    /// pipeline's braces (`node-limit=100 rules=a,b`).
    pub fn add(
        &mut self,
        registry: &PassRegistry,
        name: &str,
        options: &str,
    ) -> Result<(), PipelineError> {
        let settings = parse_options(options)?;
        let (info, options, pass) = registry.create(name, &settings, 0)?;
        let info = info.clone();
        self.add_pass(&info, options, pass)
            .map_err(|e| PipelineError::new(0, e))
    }

    /// Appends the passes of a textual pipeline. Text of the form
    /// `ANCHOR(...)` with this manager's own anchor means its contents, so
    /// `builtin.module(cse)` and `cse` add the same to a module manager.
    pub fn add_pipeline(
        &mut self,
        registry: &PassRegistry,
        text: &str,
    ) -> Result<(), PipelineError> {
        let elements = parse_pipeline(text)?;
        match elements.as_slice() {
            [
                PipelineElement::Nested {
                    anchor, elements, ..
                },
            ] if *anchor == self.anchor => self.add_elements(registry, elements),
            _ => self.add_elements(registry, &elements),
        }
    }

    fn add_elements(
        &mut self,
        registry: &PassRegistry,
        elements: &[PipelineElement],
    ) -> Result<(), PipelineError> {
        for e in elements {
            match e {
                PipelineElement::Pass { name, options, pos } => {
                    let (info, options, pass) = registry.create(name, options, *pos)?;
                    let info = info.clone();
                    self.add_pass(&info, options, pass)
                        .map_err(|m| PipelineError::new(*pos, m))?;
                }
                PipelineElement::Nested {
                    anchor, elements, ..
                } => self.nest(anchor).add_elements(registry, elements)?,
            }
        }
        Ok(())
    }

    /// The pipeline as text, with every option spelled out:
    /// `builtin.module(func.func(cse),graph-eqsat{node-limit=20000})`.
    pub fn pipeline_string(&self) -> String {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|item| match item {
                Item::Pass(e) => format!("{}{}", e.info.name, e.info.options_text(&e.options)),
                Item::Nested(m) => m.pipeline_string(),
            })
            .collect();
        format!("{}({})", self.anchor, items.join(","))
    }

    fn anchors<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(&self.anchor);
        for item in &self.items {
            if let Item::Nested(m) = item {
                m.anchors(out);
            }
        }
    }

    /// Runs every item on `op`; returns whether all succeeded. Stops at
    /// the first failing item, after it has run on all its targets.
    fn run_on(&mut self, env: &mut RunEnv<'_>, ctx: &mut Context, op: OpId) -> bool {
        let start = Instant::now();
        let mut ok = true;
        for item in &mut self.items {
            ok = match item {
                Item::Pass(entry) => {
                    let (ran, verify_time) = run_pass(entry, env, ctx, op);
                    self.verify_time += verify_time;
                    ran
                }
                Item::Nested(m) => {
                    let mut targets = Vec::new();
                    collect_anchored(ctx, op, &m.anchor, &mut targets);
                    let mut all = true;
                    for t in targets {
                        // An earlier function's pipeline may have erased a later one.
                        if !ctx.is_erased(t) {
                            all &= m.run_on(env, ctx, t);
                        }
                    }
                    all
                }
            };
            if !ok {
                break;
            }
        }
        self.time += start.elapsed();
        ok
    }

    fn statistics_lines(&self, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        out.push_str(&format!("{pad}'{}' Pipeline\n", self.anchor));
        for item in &self.items {
            match item {
                Item::Nested(m) => m.statistics_lines(depth + 1, out),
                Item::Pass(e) => {
                    out.push_str(&format!("{pad}  {}\n", e.info.name));
                    // Counters right-aligned in one column; facts (text) unpadded.
                    let width = e
                        .statistics
                        .iter()
                        .filter_map(|(_, v)| match v {
                            Statistic::Count(n) => Some(n.to_string().len()),
                            Statistic::Text(_) => None,
                        })
                        .max()
                        .unwrap_or(0);
                    for (name, v) in &e.statistics {
                        match v {
                            Statistic::Count(n) => {
                                out.push_str(&format!("{pad}    (S) {n:>width$} {name}\n"));
                            }
                            Statistic::Text(t) => {
                                out.push_str(&format!("{pad}    (S) {t} {name}\n"))
                            }
                        }
                    }
                }
            }
        }
    }

    fn timing_rows(&self, depth: usize, report: &mut TimingReport) {
        for item in &self.items {
            match item {
                Item::Pass(e) => report.add(depth, e.info.name, e.time),
                Item::Nested(m) => {
                    report.add(depth, format!("'{}' Pipeline", m.anchor), m.time);
                    m.timing_rows(depth + 1, report);
                }
            }
        }
        if self.verify_time > Duration::ZERO {
            report.add(depth, "verifier", self.verify_time);
        }
    }
}

/// The ops named `anchor` inside `op`'s regions, not descending into them.
fn collect_anchored(ctx: &Context, op: OpId, anchor: &str, out: &mut Vec<OpId>) {
    for &r in &ctx.op(op).regions {
        for &b in &ctx.region(r).blocks {
            for o in ctx.block_ops(b) {
                if ctx.op_name_of(o) == anchor {
                    out.push(o);
                } else {
                    collect_anchored(ctx, o, anchor, out);
                }
            }
        }
    }
}

/// Adds a run's statistics to the totals: counters add up, facts that
/// differ between runs are listed once each.
fn merge_statistics(into: &mut Vec<(String, Statistic)>, from: Vec<(String, Statistic)>) {
    for (name, v) in from {
        match into.iter_mut().find(|(n, _)| *n == name) {
            None => into.push((name, v)),
            Some((_, slot)) => match (slot, v) {
                (Statistic::Count(a), Statistic::Count(b)) => *a += b,
                (Statistic::Text(a), Statistic::Text(b)) => {
                    if !a.split(", ").any(|x| x == b) {
                        a.push_str(", ");
                        a.push_str(&b);
                    }
                }
                (slot, v) => *slot = v,
            },
        }
    }
}

/// Runs one pass on `op` with printing and verification; returns whether
/// it succeeded and the time spent verifying.
fn run_pass(
    entry: &mut PassEntry,
    env: &mut RunEnv<'_>,
    ctx: &mut Context,
    op: OpId,
) -> (bool, Duration) {
    let name = entry.info.name;
    let root = env.root;
    let dump_target = |p: &IrPrinting| if p.module_scope { root } else { op };
    if let Some(p) = env.printing.as_deref_mut()
        && p.wants_before(name)
    {
        let target = dump_target(p);
        p.dump(ctx, target, &format!("Before {name}"));
    }

    let mut state = PassState::default();
    let start = Instant::now();
    let result = entry.pass.run(ctx, op, &mut state);
    entry.time += start.elapsed();
    entry.runs += 1;
    merge_statistics(&mut entry.statistics, state.statistics);
    let had_error = state
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    env.diags.extend(state.diagnostics);

    let op_erased = ctx.is_erased(op);
    let failed = result.is_err() || had_error || op_erased;
    if let Some(p) = env.printing.as_deref_mut()
        && p.wants_after(name)
        && (!op_erased || p.module_scope)
    {
        let target = dump_target(p);
        let when = if failed {
            format!("After {name} Failed")
        } else {
            format!("After {name}")
        };
        p.dump(ctx, target, &when);
    }
    let loc = ctx.op(op).loc;
    let op_name = ctx.op_name_of(op).to_string();
    if op_erased {
        env.diags.push(Diagnostic::error(
            loc,
            format!("pass '{name}' erased the '{op_name}' op it ran on"),
        ));
        return (false, Duration::ZERO);
    }
    if failed {
        if !had_error {
            env.diags.push(Diagnostic::error(
                loc,
                format!("pass '{name}' failed on this '{op_name}' op"),
            ));
        }
        return (false, Duration::ZERO);
    }
    if !env.verify_each {
        return (true, Duration::ZERO);
    }
    let start = Instant::now();
    let verified = verify(ctx, op);
    let verify_time = start.elapsed();
    match verified {
        Ok(()) => (true, verify_time),
        Err(errors) => {
            env.diags.push(Diagnostic::error(
                loc,
                format!(
                    "pass '{name}' produced invalid IR: the verifier failed after it ran on this '{op_name}' op"
                ),
            ));
            env.diags.extend(errors);
            (false, verify_time)
        }
    }
}

/// A pass pipeline rooted at one op (usually `builtin.module`), with
/// verification after each pass and optional IR printing. Dereferences to
/// its root [`OpPassManager`] for building.
pub struct PassManager {
    root: OpPassManager,
    /// Verify the op a pass ran on after each pass (on by default).
    pub verify_each: bool,
    /// IR dumps around passes, if any.
    pub printing: Option<IrPrinting>,
}

impl Deref for PassManager {
    type Target = OpPassManager;
    fn deref(&self) -> &OpPassManager {
        &self.root
    }
}

impl DerefMut for PassManager {
    fn deref_mut(&mut self) -> &mut OpPassManager {
        &mut self.root
    }
}

impl std::fmt::Debug for OpPassManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pipeline_string())
    }
}

impl std::fmt::Debug for PassManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PassManager({})", self.root.pipeline_string())
    }
}

impl PassManager {
    /// An empty pipeline that runs on ops named `anchor`.
    pub fn new(anchor: &str) -> Self {
        PassManager {
            root: OpPassManager::new(anchor),
            verify_each: true,
            printing: None,
        }
    }

    /// A pipeline on `builtin.module` from pipeline text; see
    /// [`OpPassManager::add_pipeline`].
    pub fn parse(registry: &PassRegistry, text: &str) -> Result<Self, PipelineError> {
        let mut pm = PassManager::new(MODULE);
        pm.add_pipeline(registry, text)?;
        Ok(pm)
    }

    /// The anchors of nested managers that name no registered op: such a
    /// pipeline would silently do nothing, so drivers reject it.
    pub fn unknown_anchors(&self, ctx: &Context) -> Vec<String> {
        let mut anchors = Vec::new();
        self.root.anchors(&mut anchors);
        let mut out: Vec<String> = anchors
            .into_iter()
            .filter(|a| {
                ctx.lookup_op_name(a)
                    .and_then(|n| ctx.op_name_def(n))
                    .is_none()
            })
            .map(str::to_string)
            .collect();
        out.dedup();
        out
    }

    /// Runs the pipeline on `op`. Returns the warnings and remarks the
    /// passes emitted, or, when a pass failed or left invalid IR, every
    /// diagnostic (errors included). Stops at the first failing pass.
    pub fn run(&mut self, ctx: &mut Context, op: OpId) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let name = ctx.op_name_of(op);
        if name != self.root.anchor {
            let loc = ctx.op(op).loc;
            return Err(vec![Diagnostic::error(
                loc,
                format!(
                    "can't run a pass pipeline anchored at '{}' on a '{name}' op",
                    self.root.anchor
                ),
            )]);
        }
        let mut env = RunEnv {
            verify_each: self.verify_each,
            printing: self.printing.as_mut(),
            root: op,
            diags: Vec::new(),
        };
        if self.root.run_on(&mut env, ctx, op) {
            Ok(env.diags)
        } else {
            Err(env.diags)
        }
    }

    /// Counters and facts per pass, summed over every run so far, in
    /// pipeline order, like `mlir-opt --mlir-pass-statistics`.
    pub fn statistics_report(&self) -> String {
        let bar = "===-------------------------------------------------------------------------===";
        let mut out = format!(
            "{bar}\n{}\n{bar}\n",
            centered("... Pass statistics report ...")
        );
        self.root.statistics_lines(0, &mut out);
        out
    }

    /// Adds one row per pass and nested pipeline (and the verifier) to
    /// `report`, at `depth` and below.
    pub fn timing_rows(&self, depth: usize, report: &mut TimingReport) {
        self.root.timing_rows(depth, report);
    }

    /// The total time spent running this pipeline so far.
    pub fn total_time(&self) -> Duration {
        self.root.time
    }
}
