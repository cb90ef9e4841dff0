//! The verifier: checks the structural rules every piece of IR obeys, then
//! each registered op's own rules.
//!
//! Structural rules, checked for the root op and everything nested in it:
//!
//! - Every op is registered, unless its dialect is not loaded and
//!   [`Context::allow_unregistered`] is set (as MLIR, an unknown op of a
//!   loaded dialect is always an error: it is most likely a typo).
//! - Operands refer to live values: not results of erased or detached ops,
//!   nor arguments of detached blocks.
//! - A `TERMINATOR` op is the last op of its block; each block of a region
//!   of a registered op without `NO_TERMINATOR` ends with a terminator.
//!   (An unregistered op may be a terminator, as in MLIR.)
//! - `SINGLE_BLOCK` ops have at most one block per region.
//! - Successors are blocks of the branching op's region, never its entry block.
//! - SSA dominance: a value is used only where its definition dominates the
//!   use, the definition's region encloses the use, and no
//!   `ISOLATED_FROM_ABOVE` op lies in between. Regions of `GRAPH_REGION`
//!   ops and of unregistered ops are graph regions: no order inside.
//!   Uses in unreachable blocks are accepted, as MLIR does.
//! - `SYMBOL` ops have a `sym_name` string, unique within their `SYMBOL_TABLE`.
//!
//! Then each registered op's `verify` hook runs, children before parents.
//! Every error is collected; messages start with `'op.name' op` like MLIR's.

use std::collections::HashMap;

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::{BlockId, Location, OpId, RegionId, SecondaryMap, Value};
use crate::ir::ValueDef;
use crate::registry::OpTraits;

/// Verifies `op` and everything nested in it: structure (terminators,
/// dominance, use-before-def, isolation, symbols), then each registered
/// op's own rules. Returns every error found.
pub fn verify(ctx: &Context, op: OpId) -> Result<(), Vec<Diagnostic>> {
    let mut v = Verifier {
        ctx,
        root: op,
        diags: Vec::new(),
        positions: SecondaryMap::new(),
        numbered: SecondaryMap::new(),
        doms: HashMap::new(),
    };
    v.check_op(op);
    for o in ctx.walk_preorder(op) {
        v.check_op(o);
    }
    for o in ctx.walk_postorder(op) {
        v.run_hook(o);
    }
    v.run_hook(op);
    if v.diags.is_empty() {
        Ok(())
    } else {
        Err(v.diags)
    }
}

/// The dominator tree of one region's blocks.
struct DomTree {
    /// Reverse post-order number of each reachable block.
    rpo: HashMap<BlockId, usize>,
    /// Immediate dominator, by reverse post-order number (entry: itself).
    idom: Vec<usize>,
}

impl DomTree {
    /// Cooper, Harvey and Kennedy's iterative algorithm: simple and fast
    /// for the small CFGs of our regions.
    fn compute(ctx: &Context, region: RegionId) -> DomTree {
        let blocks = &ctx.region(region).blocks;
        let mut rpo = HashMap::new();
        let Some(&entry) = blocks.first() else {
            return DomTree {
                rpo,
                idom: Vec::new(),
            };
        };
        let succs = |b: BlockId| -> Vec<BlockId> {
            ctx.last_op(b)
                .map(|t| {
                    ctx.op(t)
                        .successors
                        .iter()
                        .copied()
                        .filter(|s| ctx.block(*s).parent == Some(region))
                        .collect()
                })
                .unwrap_or_default()
        };
        // Iterative depth-first post-order from the entry.
        let mut post = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(entry, succs(entry), 0usize)];
        seen.insert(entry);
        while let Some((b, ss, i)) = stack.last_mut() {
            if let Some(&s) = ss.get(*i) {
                *i += 1;
                if seen.insert(s) {
                    let next = succs(s);
                    stack.push((s, next, 0));
                }
            } else {
                post.push(*b);
                stack.pop();
            }
        }
        let order: Vec<BlockId> = post.into_iter().rev().collect();
        for (i, &b) in order.iter().enumerate() {
            rpo.insert(b, i);
        }
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
        for (i, &b) in order.iter().enumerate() {
            for s in succs(b) {
                if let Some(&j) = rpo.get(&s) {
                    preds[j].push(i);
                }
            }
        }
        const UNDEF: usize = usize::MAX;
        let mut idom = vec![UNDEF; order.len()];
        idom[0] = 0;
        let mut changed = true;
        while changed {
            changed = false;
            for b in 1..order.len() {
                let mut new = UNDEF;
                for &p in &preds[b] {
                    if idom[p] == UNDEF {
                        continue;
                    }
                    new = if new == UNDEF {
                        p
                    } else {
                        let (mut x, mut y) = (p, new);
                        while x != y {
                            while x > y {
                                x = idom[x];
                            }
                            while y > x {
                                y = idom[y];
                            }
                        }
                        x
                    };
                }
                if new != idom[b] {
                    idom[b] = new;
                    changed = true;
                }
            }
        }
        DomTree { rpo, idom }
    }

    /// Whether `a` dominates `b`; true when `b` is unreachable.
    fn dominates(&self, a: BlockId, b: BlockId) -> bool {
        let Some(&b) = self.rpo.get(&b) else {
            return true;
        };
        let Some(&a) = self.rpo.get(&a) else {
            return false;
        };
        let mut x = b;
        loop {
            if x == a {
                return true;
            }
            if x == 0 {
                return false;
            }
            x = self.idom[x];
        }
    }
}

struct Verifier<'a> {
    ctx: &'a Context,
    root: OpId,
    diags: Vec<Diagnostic>,
    /// Index of each op in its block, filled per block on demand.
    /// The index of each op in its block, filled in block by block on demand
    /// (dense maps: this is the verifier's hottest lookup).
    positions: SecondaryMap<OpId, u32>,
    /// Whether a block's ops are in `positions` yet.
    numbered: SecondaryMap<BlockId, bool>,
    doms: HashMap<RegionId, DomTree>,
}

impl Verifier<'_> {
    fn error(&mut self, loc: Location, message: String) {
        self.diags.push(Diagnostic::error(loc, message));
    }

    fn run_hook(&mut self, op: OpId) {
        if let Some(f) = self.ctx.op_def(op).and_then(|d| d.verify)
            && let Err(d) = f(self.ctx, op)
        {
            self.diags.push(d);
        }
    }

    fn check_op(&mut self, op: OpId) {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let name = ctx.op_name_of(op);
        let loc = data.loc;
        let traits = ctx.op_def(op).map(|d| d.traits);

        if traits.is_none() {
            let dialect = name.split_once('.').map_or("", |(d, _)| d);
            if ctx.dialect(dialect).is_some() {
                self.error(
                    loc,
                    format!(
                        "unregistered operation '{name}' found in dialect ('{dialect}') that does not allow unknown operations"
                    ),
                );
            } else if !ctx.allow_unregistered {
                self.error(
                    loc,
                    format!(
                        "unregistered operation '{name}' found in dialect ('{dialect}') that is not loaded; use --allow-unregistered-dialect to accept it"
                    ),
                );
            }
        }

        for (i, &v) in data.operands.iter().enumerate() {
            if let Some(problem) = self.dangling(v) {
                self.error(loc, format!("'{name}' op operand #{i} {problem}"));
            } else if op != self.root {
                // The root's operands belong to the scope around it.
                self.check_dominance(op, i, v);
            }
        }

        let own_region = data.parent.and_then(|b| ctx.block(b).parent);
        for (i, &s) in data.successors.iter().enumerate() {
            let region = ctx.block(s).parent;
            if own_region.is_none() || region != own_region {
                self.error(
                    loc,
                    format!("'{name}' op successor #{i} is not a block of the op's own region"),
                );
            } else if region.and_then(|r| ctx.region(r).blocks.first().copied()) == Some(s) {
                self.error(
                    loc,
                    format!(
                        "'{name}' op successor #{i} is the entry block of its region, which may not have predecessors"
                    ),
                );
            }
        }

        let has = |t: OpTraits| traits.is_some_and(|x| x.contains(t));
        for (ri, &r) in data.regions.iter().enumerate() {
            let blocks = &ctx.region(r).blocks;
            if has(OpTraits::SINGLE_BLOCK) && blocks.len() > 1 {
                self.error(
                    loc,
                    format!("'{name}' op expects region #{ri} to have 0 or 1 blocks"),
                );
            }
            // Unregistered ops may hold anything; registered ones need
            // terminators unless they say otherwise.
            let needs_terminator = traits.is_some() && !has(OpTraits::NO_TERMINATOR);
            for &b in blocks {
                let last = ctx.last_op(b);
                for o in ctx.block_ops(b) {
                    if Some(o) != last && ctx.op_has_traits(o, OpTraits::TERMINATOR) {
                        self.error(
                            ctx.op(o).loc,
                            format!(
                                "'{}' op must be the last operation in the parent block",
                                ctx.op_name_of(o)
                            ),
                        );
                    }
                }
                if !needs_terminator {
                    continue;
                }
                match last {
                    None => self.error(
                        loc,
                        format!("'{name}' op empty block: expected at least a terminator"),
                    ),
                    Some(l) if ctx.op_def(l).is_some() && !ctx.op_has_traits(l, OpTraits::TERMINATOR) => {
                        self.error(
                            ctx.op(l).loc,
                            format!(
                                "block with no terminator: a block of '{name}' must end with a terminator, but ends with '{}'",
                                ctx.op_name_of(l)
                            ),
                        )
                    }
                    Some(_) => {}
                }
            }
        }

        if has(OpTraits::SYMBOL) && ctx.symbol_name(op).is_none() {
            self.error(
                loc,
                format!("'{name}' op requires a string attribute 'sym_name'"),
            );
        }
        if has(OpTraits::SYMBOL_TABLE) {
            let mut seen: HashMap<&str, OpId> = HashMap::new();
            for &r in &data.regions {
                for &b in &ctx.region(r).blocks {
                    for o in ctx.block_ops(b) {
                        let Some(sym) = ctx.symbol_name(o) else {
                            continue;
                        };
                        if let Some(&first) = seen.get(sym) {
                            self.diags.push(
                                Diagnostic::error(
                                    ctx.op(o).loc,
                                    format!("redefinition of symbol named '{sym}'"),
                                )
                                .with_note(
                                    ctx.op(first).loc,
                                    "see existing symbol definition here",
                                ),
                            );
                        } else {
                            seen.insert(sym, o);
                        }
                    }
                }
            }
        }
    }

    /// Why `v` is not a live value, if it is not.
    fn dangling(&self, v: Value) -> Option<String> {
        let ctx = self.ctx;
        match ctx.value(v).def {
            ValueDef::Result { op, .. } if ctx.is_erased(op) => Some(format!(
                "uses a result of an erased '{}' operation",
                ctx.op_name_of(op)
            )),
            ValueDef::Result { op, .. } if ctx.op(op).parent.is_none() => Some(format!(
                "uses a result of a detached '{}' operation",
                ctx.op_name_of(op)
            )),
            ValueDef::BlockArg { block, .. } if ctx.block(block).parent.is_none() => {
                Some("uses an argument of a detached block".to_string())
            }
            _ => None,
        }
    }

    /// The location of `v`'s definition: its op's, or its block argument's.
    fn def_loc(&self, v: Value, fallback: Location) -> Location {
        let ctx = self.ctx;
        match ctx.value(v).def {
            ValueDef::Result { op, .. } => ctx.op(op).loc,
            ValueDef::BlockArg { block, index } => ctx
                .block(block)
                .arg_locs
                .get(index as usize)
                .copied()
                .unwrap_or(fallback),
        }
    }

    /// Whether the regions of `region`'s op have no dominance order.
    fn is_graph_region(&self, region: RegionId) -> bool {
        match self.ctx.region(region).parent {
            None => true,
            Some(p) => self
                .ctx
                .op_def(p)
                .is_none_or(|d| d.traits.contains(OpTraits::GRAPH_REGION)),
        }
    }

    fn position(&mut self, block: BlockId, op: OpId) -> usize {
        if !self.numbered[block] {
            self.numbered[block] = true;
            for (i, o) in self.ctx.block_ops(block).enumerate() {
                self.positions[o] = i as u32;
            }
        }
        if self.ctx.op(op).parent == Some(block) {
            self.positions[op] as usize
        } else {
            usize::MAX
        }
    }

    /// Checks that operand `i` (`v`) of `user` is visible and dominates it.
    fn check_dominance(&mut self, user: OpId, i: usize, v: Value) {
        let ctx = self.ctx;
        let name = ctx.op_name_of(user);
        let loc = ctx.op(user).loc;
        let def_block = match ctx.value(v).def {
            ValueDef::Result { op, .. } => ctx.op(op).parent,
            ValueDef::BlockArg { block, .. } => Some(block),
        };
        let Some(def_region) = def_block.and_then(|b| ctx.block(b).parent) else {
            self.error(
                loc,
                format!("'{name}' op operand #{i} uses a value of a detached block"),
            );
            return;
        };
        let def_loc = self.def_loc(v, loc);

        // Climb from the user to its ancestor in the definition's region,
        // remembering the first isolated op crossed on the way.
        let mut cur = user;
        let mut isolated = None;
        let found = loop {
            let Some(b) = ctx.op(cur).parent else {
                break None;
            };
            let Some(r) = ctx.block(b).parent else {
                break None;
            };
            if r == def_region {
                break Some((cur, b));
            }
            let Some(p) = ctx.region(r).parent else {
                break None;
            };
            if isolated.is_none() && ctx.op_has_traits(p, OpTraits::ISOLATED_FROM_ABOVE) {
                isolated = Some(p);
            }
            cur = p;
        };
        let Some((anc, anc_block)) = found else {
            self.diags.push(
                Diagnostic::error(
                    loc,
                    format!("'{name}' op operand #{i} does not dominate this use"),
                )
                .with_note(
                    def_loc,
                    "operand defined here, in a region that does not enclose the use",
                ),
            );
            return;
        };
        if let Some(p) = isolated {
            self.diags.push(
                Diagnostic::error(
                    loc,
                    format!(
                        "'{name}' op operand #{i} uses a value defined outside the '{}' op, which is isolated from above",
                        ctx.op_name_of(p)
                    ),
                )
                .with_note(def_loc, "value defined here"),
            );
            return;
        }
        if self.is_graph_region(def_region) {
            return;
        }
        let dominates = match ctx.value(v).def {
            ValueDef::BlockArg { block, .. } => {
                block == anc_block || self.block_dominates(def_region, block, anc_block)
            }
            ValueDef::Result { op: d, .. } => {
                let db = ctx.op(d).parent.unwrap_or(anc_block);
                if db == anc_block {
                    d != anc && self.position(db, d) < self.position(db, anc)
                } else {
                    self.block_dominates(def_region, db, anc_block)
                }
            }
        };
        if !dominates {
            self.diags.push(
                Diagnostic::error(
                    loc,
                    format!("'{name}' op operand #{i} does not dominate this use"),
                )
                .with_note(def_loc, "operand defined here"),
            );
        }
    }

    fn block_dominates(&mut self, region: RegionId, a: BlockId, b: BlockId) -> bool {
        let ctx = self.ctx;
        self.doms
            .entry(region)
            .or_insert_with(|| DomTree::compute(ctx, region))
            .dominates(a, b)
    }
}
