//! The greedy pattern driver, after MLIR's `GreedyPatternRewriteDriver`.
//!
//! Each iteration fills a worklist with every op nested in the root, then
//! pops ops one at a time and, in this order:
//! 1. erases it if it is trivially dead (a `PURE`, non-terminator op whose
//!    results are all unused);
//! 2. if it is `CONSTANT_LIKE`, uniques it: a second constant with the same
//!    dialect, value and type in the same region is replaced by the first,
//!    and constants move to the front of the entry block of the nearest
//!    isolated-from-above region (so they dominate every use a fold makes);
//! 3. otherwise folds it with its `OpDef::fold` hook, given the attributes
//!    of operands produced by constant-like ops, and replaces its results
//!    with the values the fold returns, materializing attributes as
//!    constants through the op's dialect (`DialectDef::materialize_constant`);
//! 4. otherwise tries the patterns rooted at its name (then those rooted at
//!    any op), highest benefit first, until one applies.
//!
//! Whatever a change touched goes back on the worklist. An iteration that
//! changes nothing proves convergence; `max_iterations` and `max_rewrites`
//! bound the work, and hitting either reports non-convergence instead of
//! looping forever (two patterns that undo each other, say).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::context::Context;
use crate::entity::{Attribute, BlockId, OpId, SecondaryMap, Symbol, Type, Value};
use crate::ir::InsertPoint;
use crate::registry::{FoldResult, OpName, OpTraits};
use crate::rewrite::{PatternSet, Rewriter};

/// Limits and switches of [`apply_patterns_greedily`].
#[derive(Clone, Debug)]
pub struct GreedyConfig {
    /// How many times the whole IR is walked at most; `None` for no limit.
    pub max_iterations: Option<u32>,
    /// How many folds and pattern applications are made at most. When
    /// the budget is used up, the driver stops at the next op it would
    /// try to fold or match and reports non-convergence. `None` for no
    /// set limit; then a runaway guard still stops an iteration after
    /// `16 * ops + 4096` rewrites (`ops` counted at its start), which
    /// only patterns that undo each other reach.
    pub max_rewrites: Option<u64>,
    /// Visit ops in program order (parents first); otherwise in reverse
    /// (users before producers, which erases dead chains in one pass).
    pub top_down: bool,
    /// Fold ops and unique constants, besides applying patterns.
    pub fold: bool,
}

impl Default for GreedyConfig {
    fn default() -> Self {
        GreedyConfig {
            max_iterations: Some(10),
            max_rewrites: None,
            top_down: true,
            fold: true,
        }
    }
}

/// What [`apply_patterns_greedily`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GreedyResult {
    /// Whether the IR changed at all.
    pub changed: bool,
    /// Whether a fixed point was reached (the last iteration changed
    /// nothing) within the limits.
    pub converged: bool,
    /// How many iterations ran.
    pub iterations: u32,
    /// How often each pattern applied, by pattern name.
    pub rewrites: BTreeMap<String, u64>,
    /// Pattern applications plus folds: what `max_rewrites` limits.
    pub num_rewrites: u64,
    /// Ops replaced by their fold.
    pub folds: u64,
    /// Ops erased because they were dead.
    pub dead_erased: u64,
    /// Constants replaced by an equal one.
    pub constants_deduplicated: u64,
    /// Every op erased (dead, folded, deduplicated, or by a pattern).
    pub ops_erased: u64,
    /// Why the driver stopped.
    pub stop_reason: StopReason,
}

/// Why [`apply_patterns_greedily`] stopped.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum StopReason {
    /// An iteration changed nothing: a fixed point.
    #[default]
    Converged,
    /// `max_iterations` iterations ran and the last one still changed the IR.
    MaxIterations,
    /// `max_rewrites` folds and pattern applications were made.
    MaxRewrites,
    /// One iteration made far more rewrites than it had ops (see
    /// [`GreedyConfig::max_rewrites`]).
    RunawayIteration,
}

impl StopReason {
    /// A short description for statistics (`converged`, `max-iterations`, ...).
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Converged => "converged",
            StopReason::MaxIterations => "max-iterations",
            StopReason::MaxRewrites => "max-rewrites",
            StopReason::RunawayIteration => "runaway-iteration",
        }
    }
}

/// Applies `patterns` and folds to every op nested in `root` (not `root`
/// itself) until a fixed point or a limit of `config`; see the module docs.
pub fn apply_patterns_greedily(
    ctx: &mut Context,
    root: OpId,
    patterns: &PatternSet,
    config: &GreedyConfig,
) -> GreedyResult {
    let dispatch = Dispatch::new(ctx, patterns);
    let mut driver = Driver {
        rw: Rewriter::new(ctx),
        root,
        patterns,
        dispatch,
        config,
        worklist: Vec::new(),
        queued: SecondaryMap::new(),
        constants: HashMap::new(),
        hoisted: HashSet::new(),
        dialects: HashMap::new(),
        consts: Vec::new(),
        result: GreedyResult::default(),
        limit_hit: false,
        iteration_budget: u64::MAX,
    };
    driver.run();
    driver.result.ops_erased = driver.rw.num_erased();
    driver.result
}

/// Pattern indices per root op name, each list sorted by benefit.
struct Dispatch {
    by_name: HashMap<OpName, Vec<usize>>,
    any: Vec<usize>,
}

impl Dispatch {
    fn new(ctx: &mut Context, set: &PatternSet) -> Self {
        let patterns = set.patterns();
        let any: Vec<usize> = (0..patterns.len())
            .filter(|&i| patterns[i].root().is_none())
            .collect();
        let mut by_name: HashMap<OpName, Vec<usize>> = HashMap::new();
        for (i, p) in patterns.iter().enumerate() {
            if let Some(root) = p.root() {
                let name = ctx.op_name(root);
                by_name.entry(name).or_default().push(i);
            }
        }
        let by_benefit = |v: &mut Vec<usize>| {
            // Stable: equal benefits keep the order the patterns were added in.
            v.sort_by_key(|&i| std::cmp::Reverse(patterns[i].benefit()));
        };
        for list in by_name.values_mut() {
            list.extend(any.iter().copied());
            list.sort_unstable();
            by_benefit(list);
        }
        let mut any = any;
        by_benefit(&mut any);
        Dispatch { by_name, any }
    }

    fn for_name(&self, name: OpName) -> &[usize] {
        self.by_name.get(&name).map_or(&self.any, |v| v)
    }
}

/// Identifies a uniqued constant: insertion block, dialect, value, type.
type ConstKey = (BlockId, Symbol, Attribute, Type);

struct Driver<'a, 'p> {
    rw: Rewriter<'a>,
    root: OpId,
    patterns: &'p PatternSet,
    dispatch: Dispatch,
    config: &'p GreedyConfig,
    /// Ops to visit; popped from the back.
    worklist: Vec<OpId>,
    /// Whether an op is on the worklist.
    queued: SecondaryMap<OpId, bool>,
    /// The constant standing for each key in the current iteration.
    constants: HashMap<ConstKey, OpId>,
    /// Constants known to sit in the leading run of their insertion block.
    hoisted: HashSet<OpId>,
    /// The dialect namespace of each op name seen, interned.
    dialects: HashMap<OpName, Symbol>,
    /// A buffer for the operand constants handed to folds.
    consts: Vec<Option<Attribute>>,
    result: GreedyResult,
    /// Set when a rewrite budget stopped the current iteration.
    limit_hit: bool,
    /// The value of `result.num_rewrites` at which the runaway guard
    /// stops the current iteration.
    iteration_budget: u64,
}

impl Driver<'_, '_> {
    fn run(&mut self) {
        loop {
            if self
                .config
                .max_iterations
                .is_some_and(|max| self.result.iterations >= max)
            {
                // Still changing when the budget ran out.
                self.result.stop_reason = StopReason::MaxIterations;
                return;
            }
            self.result.iterations += 1;
            self.constants.clear();
            self.hoisted.clear();
            let mut changed = self.populate();
            changed |= self.process_worklist();
            self.result.changed |= changed;
            if self.limit_hit {
                return;
            }
            if !changed {
                self.result.converged = true;
                return;
            }
        }
    }

    /// Fills the worklist with every op under the root; uniques constants
    /// first so folds find them. Returns whether that changed the IR.
    fn populate(&mut self) -> bool {
        let preorder = self.rw.ctx.walk_preorder(self.root);
        let mut changed = false;
        if self.config.fold {
            // In program order, so the first of equal constants survives.
            for &op in &preorder {
                if !self.rw.ctx.is_erased(op) && self.is_unique_candidate(op) {
                    changed |= self.unique_constant(op);
                }
            }
            // Everything those changes touched is about to be queued anyway.
            self.rw.touched.clear();
        }
        // Popped from the back: top-down pops in program order; bottom-up
        // pops the last op first, users before their producers.
        let mut ops = if self.config.top_down {
            let mut v = preorder;
            v.reverse();
            v
        } else {
            self.rw.ctx.walk_postorder(self.root)
        };
        ops.retain(|&op| !self.rw.ctx.is_erased(op));
        for &op in &ops {
            self.queued[op] = true;
        }
        if self.config.max_rewrites.is_none() {
            let guard = 16 * ops.len() as u64 + 4096;
            self.iteration_budget = self.result.num_rewrites + guard;
        }
        self.worklist = ops;
        changed
    }

    fn push(&mut self, op: OpId) {
        if op == self.root || self.queued[op] {
            return;
        }
        let ctx = &*self.rw.ctx;
        if ctx.is_erased(op) || ctx.op(op).parent.is_none() || !ctx.is_ancestor(self.root, op) {
            return;
        }
        self.queued[op] = true;
        self.worklist.push(op);
    }

    fn drain_touched(&mut self) {
        // Reuses the rewriter's buffer rather than allocating per op.
        let mut touched = std::mem::take(&mut self.rw.touched);
        for &op in &touched {
            self.push(op);
        }
        touched.clear();
        self.rw.touched = touched;
    }

    fn process_worklist(&mut self) -> bool {
        let mut changed = false;
        while let Some(op) = self.worklist.pop() {
            self.queued[op] = false;
            if self.rw.ctx.is_erased(op) || self.rw.ctx.op(op).parent.is_none() {
                continue;
            }
            changed |= self.process(op);
            // Also after a failed pattern, which should not have changed
            // anything: revisit whatever it touched anyway.
            self.drain_touched();
            if self.limit_hit {
                break;
            }
        }
        // Leave no stale flags for the next iteration.
        for op in std::mem::take(&mut self.worklist) {
            self.queued[op] = false;
        }
        changed
    }

    /// Visits one op; returns whether the IR changed.
    fn process(&mut self, op: OpId) -> bool {
        if self.is_trivially_dead(op) {
            self.rw.erase_op(op);
            self.result.dead_erased += 1;
            return true;
        }
        // Out of budget before knowing whether `op` would rewrite: the
        // fixed point is not proven.
        if let Some(max) = self.config.max_rewrites
            && self.result.num_rewrites >= max
        {
            self.limit_hit = true;
            self.result.stop_reason = StopReason::MaxRewrites;
            return false;
        }
        if self.result.num_rewrites >= self.iteration_budget {
            self.limit_hit = true;
            self.result.stop_reason = StopReason::RunawayIteration;
            return false;
        }
        if self.config.fold {
            if self.is_unique_candidate(op) {
                if self.unique_constant(op) {
                    return true;
                }
            } else if self.try_fold(op) {
                self.result.folds += 1;
                self.result.num_rewrites += 1;
                return true;
            }
        }
        self.apply_patterns(op)
    }

    fn is_trivially_dead(&self, op: OpId) -> bool {
        let ctx = &*self.rw.ctx;
        let Some(def) = ctx.op_def(op) else {
            return false;
        };
        def.traits.contains(OpTraits::PURE)
            && !def.traits.contains(OpTraits::TERMINATOR)
            && ctx.op(op).results.iter().all(|&r| ctx.is_unused(r))
    }

    fn apply_patterns(&mut self, op: OpId) -> bool {
        let name = self.rw.ctx.op(op).name;
        let patterns = self.patterns.patterns();
        for &i in self.dispatch.for_name(name) {
            let pattern = &patterns[i];
            self.rw.set_insertion_point(InsertPoint::Before(op));
            if pattern.match_and_rewrite(&mut self.rw, op) {
                *self
                    .result
                    .rewrites
                    .entry(pattern.name().to_string())
                    .or_insert(0) += 1;
                self.result.num_rewrites += 1;
                return true;
            }
        }
        false
    }

    // ----- folding --------------------------------------------------------

    /// Folds `op`; on success its results are replaced and it is erased.
    fn try_fold(&mut self, op: OpId) -> bool {
        let ctx = &mut *self.rw.ctx;
        let Some(fold) = ctx.op_def(op).and_then(|d| d.fold) else {
            return false;
        };
        let results = ctx.op(op).results.clone();
        if results.is_empty() {
            return false;
        }
        let mut consts = std::mem::take(&mut self.consts);
        consts.clear();
        for i in 0..ctx.op(op).operands.len() {
            let v = ctx.operand(op, i);
            consts.push(super::constant_value(ctx, v));
        }
        let folded = fold(ctx, op, &consts);
        self.consts = consts;
        let Some(folded) = folded else {
            return false;
        };
        // A fold that returns the op's own results means "no change"; one
        // that returns some of them cannot be applied by replacing the op.
        let own = |f: &FoldResult| matches!(f, FoldResult::Value(v) if results.contains(v));
        if folded.len() != results.len() || folded.iter().any(own) {
            return false;
        }
        let mut values = Vec::with_capacity(results.len());
        let mut made = Vec::new();
        for (f, &r) in folded.iter().zip(&results) {
            let ty = self.rw.ctx.value_type(r);
            let v = match *f {
                FoldResult::Value(v) if self.rw.ctx.value_type(v) == ty => Some(v),
                FoldResult::Value(_) => None,
                FoldResult::Attr(a) => {
                    let v = self.get_or_create_constant(op, a, ty);
                    if let Some(c) = v.and_then(|v| self.rw.ctx.defining_op(v)) {
                        made.push(c);
                    }
                    v
                }
            };
            match v {
                Some(v) => values.push(v),
                None => {
                    // Undo constants made for this fold that nothing uses yet.
                    for c in made {
                        if self.is_trivially_dead(c) {
                            self.rw.erase_op(c);
                        }
                    }
                    return false;
                }
            }
        }
        self.rw.replace_op(op, &values);
        true
    }

    /// Whether `op` is a constant the driver uniques and hoists.
    fn is_unique_candidate(&self, op: OpId) -> bool {
        let ctx = &*self.rw.ctx;
        let d = ctx.op(op);
        d.operands.is_empty()
            && d.results.len() == 1
            && d.regions.is_empty()
            && ctx.op_def(op).is_some_and(|def| {
                def.fold.is_some()
                    && def
                        .traits
                        .contains(OpTraits::CONSTANT_LIKE | OpTraits::PURE)
            })
    }

    /// The block constants used under `op` go to: the entry block of the
    /// nearest region owned by an isolated-from-above op or the root.
    fn insertion_block(&self, op: OpId) -> Option<BlockId> {
        let ctx = &*self.rw.ctx;
        let mut cur = op;
        loop {
            let block = ctx.op(cur).parent?;
            let region = ctx.block(block).parent?;
            let owner = ctx.region(region).parent?;
            if owner == self.root || ctx.op_has_traits(owner, OpTraits::ISOLATED_FROM_ABOVE) {
                return ctx.region(region).blocks.first().copied();
            }
            cur = owner;
        }
    }

    fn dialect_of(&mut self, op: OpId) -> Symbol {
        let name = self.rw.ctx.op(op).name;
        if let Some(&d) = self.dialects.get(&name) {
            return d;
        }
        let full = self.rw.ctx.op_name_str(name);
        let dialect = full.split_once('.').map_or(full, |(d, _)| d).to_string();
        let d = self.rw.ctx.symbol(&dialect);
        self.dialects.insert(name, d);
        d
    }

    /// The live constant recorded for `key`, if it still sits in its block.
    fn known_constant(&self, key: &ConstKey) -> Option<OpId> {
        let c = *self.constants.get(key)?;
        let ctx = &*self.rw.ctx;
        (!ctx.is_erased(c) && ctx.op(c).parent == Some(key.0)).then_some(c)
    }

    /// Records the constant `op`, or replaces it by an equal one recorded
    /// before; moves it to the front of its insertion block. Returns
    /// whether the IR changed.
    fn unique_constant(&mut self, op: OpId) -> bool {
        let Some(block) = self.insertion_block(op) else {
            return false;
        };
        let result = self.rw.ctx.result(op, 0);
        let Some(value) = super::constant_value(self.rw.ctx, result) else {
            return false;
        };
        let ty = self.rw.ctx.value_type(result);
        let key = (block, self.dialect_of(op), value, ty);
        match self.known_constant(&key) {
            Some(c) if c == op => false,
            Some(c) => {
                let keep = self.rw.ctx.result(c, 0);
                self.rw.replace_op(op, &[keep]);
                self.result.constants_deduplicated += 1;
                true
            }
            None => {
                self.constants.insert(key, op);
                let ctx = &*self.rw.ctx;
                let in_place = ctx.op(op).parent == Some(block)
                    && match ctx.prev_op(op) {
                        None => true,
                        Some(p) => self.hoisted.contains(&p),
                    };
                self.hoisted.insert(op);
                if in_place {
                    return false;
                }
                let front = ctx
                    .first_op(block)
                    .expect("the block holds a use of the constant");
                self.rw.move_op_before(op, front);
                true
            }
        }
    }

    /// A constant of `ty` holding `value` for a fold of `op`: an existing
    /// one in the insertion block, or a new one at its front made by
    /// `op`'s dialect.
    fn get_or_create_constant(&mut self, op: OpId, value: Attribute, ty: Type) -> Option<Value> {
        let block = self.insertion_block(op)?;
        let dialect = self.dialect_of(op);
        let key = (block, dialect, value, ty);
        if let Some(c) = self.known_constant(&key) {
            return Some(self.rw.ctx.result(c, 0));
        }
        let ip = match self.rw.ctx.first_op(block) {
            Some(first) => InsertPoint::Before(first),
            None => InsertPoint::End(block),
        };
        let loc = self.rw.ctx.op(op).loc;
        self.rw.set_insertion_point(ip);
        let dialect_name = self.rw.ctx.symbol_str(dialect).to_string();
        let v = self
            .rw
            .materialize_constant(&dialect_name, value, ty, loc)?;
        if let Some(c) = self.rw.ctx.defining_op(v) {
            self.constants.insert(key, c);
            self.hoisted.insert(c);
        }
        Some(v)
    }
}
