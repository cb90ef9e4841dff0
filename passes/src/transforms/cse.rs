//! `cse`: common subexpression elimination, as MLIR's.
//!
//! Two ops are equivalent when they have the same name, operands (in
//! order, except that the first two of a `COMMUTATIVE` op may be swapped),
//! attributes (in any order) and result types. Only `PURE` ops
//! without regions or successors take part; anything else (side effects,
//! regions, terminators) is left alone. An op equivalent to one that
//! dominates it is replaced by it and erased.
//!
//! Dominance is tracked with a scoped hash table, walking the IR in
//! order: the ops of a block are visible to everything after them in the
//! block and in regions nested in it. Ops of the entry block of a region
//! are also visible in its other blocks (the entry block dominates them);
//! ops of other blocks are only visible inside their own block, which
//! misses CSE across a dominating non-entry block but is never wrong.
//! Regions of `ISOLATED_FROM_ABOVE` ops start with an empty table. Ops
//! directly in graph regions (`GRAPH_REGION`, e.g. a module's body) have
//! no dominance order and are not touched.
//!
//! Pure ops found with no uses are erased on the way (`num-dce'd`), and
//! so are the pure producers that become unused because of it.
//!
//! The table is an index into a flat entry list keyed by a precomputed
//! hash, so there is no allocation per op beyond the list's growth.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rustc_hash::FxHasher;
use tessera_compiler::entity::EntityRef;
use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{BlockId, Context, Location, OpId, OpTraits, Value};

/// The `cse` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct Cse;

/// The registry entry of `cse`.
pub fn cse_info() -> PassInfo {
    PassInfo {
        name: "cse",
        summary: "Eliminate common subexpressions of pure ops",
        description: "Replaces each pure op without regions by an equivalent op (same name, \
            operands, attributes and result types) that dominates it, and erases pure ops \
            whose results are unused. The scope follows dominance into nested regions; \
            regions of isolated-from-above ops start afresh, and ops directly in graph \
            regions are left alone.\n\nStatistics: `num-cse'd`, `num-dce'd`.",
        anchor: None,
        options: vec![],
        create: |_| Ok(Box::new(Cse)),
    }
}

impl Pass for Cse {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let (num_cse, num_dce) = cse(ctx, op);
        state.count("num-cse'd", num_cse);
        state.count("num-dce'd", num_dce);
        Ok(())
    }
}

/// Runs CSE on everything nested in `op`; returns (ops CSE'd, ops erased as dead).
pub fn cse(ctx: &mut Context, op: OpId) -> (u64, u64) {
    let mut run = CseRun {
        num_cse: 0,
        num_dce: 0,
        dead_candidates: Vec::new(),
        unknown_loc: ctx.unknown_loc(),
    };
    let mut table = ScopedTable::default();
    run.simplify_regions(ctx, op, &mut table);
    (run.num_cse, run.num_dce)
}

const NONE: u32 = u32::MAX;

/// One known op: its hash, and the entry it shadows with the same hash.
struct Entry {
    hash: u64,
    op: OpId,
    prev: u32,
}

/// Known ops by hash, with scopes that are popped in LIFO order.
#[derive(Default)]
struct ScopedTable {
    latest: HashMap<u64, u32, BuildHasherDefault<FxHasher>>,
    entries: Vec<Entry>,
}

impl ScopedTable {
    /// Marks the start of a scope.
    fn mark(&self) -> usize {
        self.entries.len()
    }

    /// Forgets every op added since `mark`.
    fn pop_to(&mut self, mark: usize) {
        while self.entries.len() > mark {
            let e = self.entries.pop().expect("len > mark");
            if e.prev == NONE {
                self.latest.remove(&e.hash);
            } else {
                self.latest.insert(e.hash, e.prev);
            }
        }
    }

    fn insert(&mut self, hash: u64, op: OpId) {
        let index = self.entries.len() as u32;
        let prev = self.latest.insert(hash, index).unwrap_or(NONE);
        self.entries.push(Entry { hash, op, prev });
    }

    /// A live op in scope equivalent to `op`.
    fn find(&self, ctx: &Context, hash: u64, op: OpId) -> Option<OpId> {
        let mut i = *self.latest.get(&hash)?;
        while i != NONE {
            let e = &self.entries[i as usize];
            if !ctx.is_erased(e.op) && equivalent(ctx, e.op, op) {
                return Some(e.op);
            }
            i = e.prev;
        }
        None
    }
}

struct CseRun {
    num_cse: u64,
    num_dce: u64,
    /// Producers to check for deadness after an erasure.
    dead_candidates: Vec<OpId>,
    unknown_loc: Location,
}

impl CseRun {
    fn simplify_regions(&mut self, ctx: &mut Context, op: OpId, table: &mut ScopedTable) {
        let isolated = ctx.op_has_traits(op, OpTraits::ISOLATED_FROM_ABOVE);
        let graph = ctx.op_has_traits(op, OpTraits::GRAPH_REGION);
        let mut fresh = ScopedTable::default();
        let table = if isolated { &mut fresh } else { table };
        for i in 0..ctx.op(op).regions.len() {
            let region = ctx.op(op).regions[i];
            let blocks = ctx.region(region).blocks.clone();
            let Some((&entry, rest)) = blocks.split_first() else {
                continue;
            };
            let outer = table.mark();
            self.simplify_block(ctx, entry, table, graph);
            for &b in rest {
                let mark = table.mark();
                self.simplify_block(ctx, b, table, graph);
                table.pop_to(mark);
            }
            table.pop_to(outer);
        }
    }

    fn simplify_block(
        &mut self,
        ctx: &mut Context,
        block: BlockId,
        table: &mut ScopedTable,
        graph: bool,
    ) {
        let mut cur = ctx.first_op(block);
        while let Some(op) = cur {
            if !ctx.op(op).regions.is_empty() {
                self.simplify_regions(ctx, op, table);
            }
            // Read after the nested walk: erasing dead producers there
            // never touches ops after `op`, which they dominate.
            cur = ctx.next_op(op);
            if !graph {
                self.simplify_op(ctx, op, table);
            }
        }
    }

    fn simplify_op(&mut self, ctx: &mut Context, op: OpId, table: &mut ScopedTable) {
        if !is_pure(ctx, op) {
            return;
        }
        let results = &ctx.op(op).results;
        if results.iter().all(|&r| ctx.is_unused(r)) {
            self.erase_dead(ctx, op);
            return;
        }
        let data = ctx.op(op);
        if !data.regions.is_empty() || !data.successors.is_empty() {
            return;
        }
        let hash = op_hash(ctx, op);
        match table.find(ctx, hash, op) {
            Some(existing) => {
                // Keep a known location where the survivor had none.
                if ctx.op(existing).loc == self.unknown_loc {
                    let loc = ctx.op(op).loc;
                    ctx.set_loc(existing, loc);
                }
                for i in 0..ctx.op(op).results.len() {
                    let (old, new) = (ctx.result(op, i), ctx.result(existing, i));
                    ctx.replace_all_uses(old, new);
                }
                ctx.erase_op(op);
                self.num_cse += 1;
            }
            None => table.insert(hash, op),
        }
    }

    /// Erases the dead pure `op`, then any pure producer left unused.
    fn erase_dead(&mut self, ctx: &mut Context, op: OpId) {
        self.dead_candidates.push(op);
        while let Some(op) = self.dead_candidates.pop() {
            if ctx.is_erased(op) || !is_pure(ctx, op) || in_graph_region(ctx, op) {
                continue;
            }
            if !ctx.op(op).results.iter().all(|&r| ctx.is_unused(r)) {
                continue;
            }
            for &v in &ctx.op(op).operands {
                if let Some(def) = ctx.defining_op(v) {
                    self.dead_candidates.push(def);
                }
            }
            ctx.erase_op(op);
            self.num_dce += 1;
        }
    }
}

/// Whether `op` may be deduplicated or erased when unused.
fn is_pure(ctx: &Context, op: OpId) -> bool {
    ctx.op_def(op).is_some_and(|d| {
        d.traits.contains(OpTraits::PURE) && !d.traits.contains(OpTraits::TERMINATOR)
    })
}

/// Whether `op` sits directly in a graph region.
fn in_graph_region(ctx: &Context, op: OpId) -> bool {
    ctx.parent_op(op)
        .is_some_and(|p| ctx.op_has_traits(p, OpTraits::GRAPH_REGION))
}

/// Hashes what [`equivalent`] compares; attributes in any order.
fn op_hash(ctx: &Context, op: OpId) -> u64 {
    let d = ctx.op(op);
    let mut h = FxHasher::default();
    h.write_u32(d.name.index() as u32);
    h.write_u32(d.operands.len() as u32);
    for v in canonical_operands(ctx, op) {
        h.write_u32(v.index() as u32);
    }
    for &r in &d.results {
        h.write_u32(ctx.value_type(r).index() as u32);
    }
    let mut attrs = 0u64;
    for &(name, value) in &d.attrs {
        // An order-independent combination: attributes are a set.
        let mut ah = FxHasher::default();
        ah.write_u32(name.index() as u32);
        ah.write_u32(value.index() as u32);
        attrs = attrs.wrapping_add(ah.finish());
    }
    h.write_u64(attrs);
    h.finish()
}

/// The operands of `op` in a canonical order: for `COMMUTATIVE` ops the
/// first two are sorted, so `a + b` and `b + a` are found equal (as in
/// MLIR's CSE).
fn canonical_operands(ctx: &Context, op: OpId) -> impl Iterator<Item = Value> + '_ {
    let ops = &ctx.op(op).operands;
    let swap = ops.len() >= 2 && ops[1] < ops[0] && ctx.op_has_traits(op, OpTraits::COMMUTATIVE);
    (0..ops.len()).map(move |i| match (swap, i) {
        (true, 0) => ops[1],
        (true, 1) => ops[0],
        _ => ops[i],
    })
}

/// Whether `a` and `b` compute the same values.
fn equivalent(ctx: &Context, a: OpId, b: OpId) -> bool {
    let (da, db) = (ctx.op(a), ctx.op(b));
    da.name == db.name
        && da.operands.len() == db.operands.len()
        && canonical_operands(ctx, a).eq(canonical_operands(ctx, b))
        && da.results.len() == db.results.len()
        && da
            .results
            .iter()
            .zip(&db.results)
            .all(|(&x, &y)| ctx.value_type(x) == ctx.value_type(y))
        && da.attrs.len() == db.attrs.len()
        && da.attrs.iter().all(|a| db.attrs.contains(a))
        && da.successors == db.successors
        && da.regions.is_empty()
        && db.regions.is_empty()
}
