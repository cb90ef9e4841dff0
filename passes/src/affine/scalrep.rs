//! `affine-scalrep`: replaces memory accesses by scalars, as MLIR's pass of
//! that name, plus the promotion of loop-invariant accumulators to
//! loop-carried values.
//!
//! 1. **Accumulators.** In an `affine.for` of known trip count (at least
//!    one iteration), when every access to a buffer is an
//!    `affine.load`/`affine.store` directly in the body at one and the same
//!    subscript that does not change in the loop (`C[i, j]` in a `k` loop),
//!    the element lives in a loop-carried value instead: one load before
//!    the loop, an `iter_args` threaded through the body in place of the
//!    loads and stores, one store after it. With only loads, the load is
//!    simply hoisted. Innermost loops are done first, so an accumulator
//!    that is invariant in several loops moves out of all of them. This is
//!    what keeps matmul accumulators in registers.
//! 2. **Forwarding,** in each block, in order: a load of an element a
//!    previous store (or load) in the block gave a value, with no write
//!    that may touch it in between, is replaced by that value; a store
//!    overwritten by a later store to the same element, with no read that
//!    may see it in between, is erased.
//!
//! Subscripts are compared as affine expressions of base values (see
//! [`super::deps`]); two subscripts "may touch the same element" unless
//! some dimension differs by a non-zero constant. Distinct buffers
//! ([`alias_key`]) are assumed not to alias; an op with nested regions
//! counts as writing (and reading) every buffer it stores to, and an op
//! with unknown memory effects as touching everything.

use std::collections::HashMap;

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{BlockId, Context, OpId, OpTraits, Value};
use tessera_dialects::affine::{Bound, ForOp, LoadOp, StoreOp, build_for, build_load, build_store};

use super::deps::{ValueTable, access_of};
use super::loops::{LoopBounds, constant_trip_count};
use super::util::{AliasKey, alias_key, defined_outside};

/// The `affine-scalrep` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct AffineScalarReplacement;

/// The registry entry of `affine-scalrep`.
pub fn scalrep_info() -> PassInfo {
    PassInfo {
        name: "affine-scalrep",
        summary: "Replace affine memref accesses by scalars by forwarding stores to loads and \
            eliminating redundant loads",
        description: "Promotes a buffer element accessed in an `affine.for` only at one \
            loop-invariant subscript (a `C[i, j] +=` accumulator) to a loop-carried value, \
            loaded before and stored after the loop; then, within each block, forwards stored \
            or loaded values to later loads of the same element and erases stores overwritten \
            before being read. Distinct memrefs are assumed not to alias.\n\nStatistics: \
            `num-promoted`, `num-loads-forwarded`, `num-stores-erased`.",
        anchor: Some("func.func"),
        options: vec![],
        create: |_| Ok(Box::new(AffineScalarReplacement)),
    }
}

impl Pass for AffineScalarReplacement {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut promoted = 0;
        for lp in ctx.walk_postorder(func) {
            if ctx.is_erased(lp) || !ctx.op_is(lp, "affine.for") {
                continue;
            }
            // A promotion rebuilds the loop; retry on the new one.
            let mut cur = lp;
            while let Some(next) = promote_one(ctx, cur) {
                promoted += 1;
                cur = next;
            }
        }
        let mut stats = Forwarding::default();
        let blocks: Vec<BlockId> = std::iter::once(func)
            .chain(ctx.walk_preorder(func))
            .flat_map(|o| {
                ctx.op(o)
                    .regions
                    .iter()
                    .flat_map(|&r| ctx.region(r).blocks.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        for b in blocks {
            forward_in_block(ctx, b, &mut stats);
        }
        state.count("num-promoted", promoted);
        state.count("num-loads-forwarded", stats.loads);
        state.count("num-stores-erased", stats.stores);
        Ok(())
    }
}

// ----- accumulators -------------------------------------------------------------

/// Promotes one buffer element of the `affine.for` `lp`, if one
/// qualifies; returns the loop that replaces `lp`.
fn promote_one(ctx: &mut Context, lp: OpId) -> Option<OpId> {
    let bounds = LoopBounds::of(ctx, lp)?;
    if constant_trip_count(&bounds)? < 1 {
        return None;
    }
    let body = ForOp::view(ctx, lp)?.body;
    let mut table = ValueTable::default();
    // Group the accesses of the loop by buffer; give up on unknown effects.
    let mut groups: Vec<(AliasKey, Vec<super::deps::Access>)> = Vec::new();
    for op in ctx.walk_preorder(lp) {
        match access_of(ctx, op, &mut table) {
            Some(a) => {
                let key = alias_key(ctx, a.memref);
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push(a),
                    None => groups.push((key, vec![a])),
                }
            }
            None if touches_nothing(ctx, op) => {}
            None => return None,
        }
    }
    for (_, accesses) in &groups {
        for first in accesses {
            let Some(subs) = &first.subscripts else {
                continue;
            };
            // Every access of the buffer is this element, directly in the
            // body, or one that never overlaps it.
            let mine: Vec<OpId> = accesses
                .iter()
                .filter(|a| a.subscripts.as_ref() == Some(subs) && a.memref == first.memref)
                .map(|a| a.op)
                .collect();
            let others_apart = accesses.iter().all(|a| {
                mine.contains(&a.op)
                    || (a.memref == first.memref
                        && a.subscripts.as_ref().is_some_and(|s| !may_overlap(s, subs)))
            });
            let invariant = subs.iter().all(|e| {
                table
                    .values
                    .iter()
                    .enumerate()
                    .all(|(k, &v)| !e.uses_dim(k as u32) || defined_outside(ctx, v, lp))
            });
            // The first access's own operands are what the hoisted load uses.
            let skip = usize::from(ctx.op_is(first.op, "affine.store"));
            let operands_outside = ctx.op(first.op).operands[skip..]
                .iter()
                .all(|&v| defined_outside(ctx, v, lp));
            let direct = mine.iter().all(|&o| ctx.op(o).parent == Some(body));
            if others_apart && invariant && operands_outside && direct {
                return Some(promote(ctx, lp, &mine));
            }
        }
    }
    None
}

/// Ops that are not memory accesses and touch no memory themselves.
pub fn touches_nothing(ctx: &Context, op: OpId) -> bool {
    ctx.op_has_traits(op, OpTraits::PURE)
        || matches!(
            ctx.op_name_of(op),
            "affine.for"
                | "affine.parallel"
                | "affine.if"
                | "affine.yield"
                | "scf.for"
                | "scf.parallel"
                | "scf.if"
                | "scf.while"
                | "scf.yield"
                | "scf.condition"
                | "scf.reduce"
                | "scf.reduce.return"
                | "memref.alloc"
                | "memref.alloca"
        )
}

/// Rewrites the loop so the element the accesses `ops` (loads and stores
/// directly in the body, in order, one invariant subscript) touch is a
/// loop-carried value; returns the new loop.
fn promote(ctx: &mut Context, lp: OpId, ops: &[OpId]) -> OpId {
    let (memref, map, indices) = match (LoadOp::view(ctx, ops[0]), StoreOp::view(ctx, ops[0])) {
        (Some(l), _) => (l.memref, l.map.clone(), l.indices.to_vec()),
        (_, Some(s)) => (s.memref, s.map.clone(), s.indices.to_vec()),
        _ => unreachable!("accesses are loads or stores"),
    };
    let any_store = ops.iter().any(|&o| ctx.op_is(o, "affine.store"));
    let loc = ctx.op(lp).loc;
    let mut b = Builder::new(ctx, InsertPoint::Before(lp));
    let init = build_load(&mut b, memref, map.clone(), &indices, loc);
    if !any_store {
        for &o in ops {
            ctx.replace_op(o, &[init]);
        }
        return lp;
    }
    let v = ForOp::view(ctx, lp).expect("an affine.for");
    let bounds = LoopBounds::of(ctx, lp).expect("an affine.for");
    let mut inits = v.inits.to_vec();
    inits.push(init);
    let (old_body, old_iv, old_args) = (v.body, v.induction_var, v.iter_args.to_vec());
    let old_results = v.results.to_vec();
    let mut b = Builder::new(ctx, InsertPoint::Before(lp));
    let built = build_for(
        &mut b,
        Bound::Map(bounds.lower.map.clone(), bounds.lower.operands.clone()),
        Bound::Map(bounds.upper.map.clone(), bounds.upper.operands.clone()),
        bounds.step,
        &inits,
        loc,
    );
    ctx.replace_all_uses(old_iv, built.induction_var);
    for (&o, &n) in old_args.iter().zip(&built.iter_args) {
        ctx.replace_all_uses(o, n);
    }
    for op in ctx.block_ops_vec(old_body) {
        ctx.detach_op(op);
        ctx.append_op(built.body, op);
    }
    let mut current = *built.iter_args.last().expect("the new loop-carried value");
    for &o in ops {
        if ctx.op_is(o, "affine.load") {
            ctx.replace_op(o, &[current]);
        } else {
            current = ctx.op(o).operands[0];
            ctx.erase_op(o);
        }
    }
    if let Some(term) = ctx.last_op(built.body) {
        let mut yielded = ctx.op(term).operands.clone();
        yielded.push(current);
        ctx.set_operands(term, &yielded);
    }
    for (&o, &n) in old_results.iter().zip(&built.results) {
        ctx.replace_all_uses(o, n);
    }
    let last = *built.results.last().expect("the new result");
    let mut b = Builder::new(ctx, InsertPoint::After(built.op));
    build_store(&mut b, last, memref, map, &indices, loc);
    ctx.erase_op(lp);
    built.op
}

// ----- forwarding ---------------------------------------------------------------

/// What [`forward_in_block`] removed.
#[derive(Default)]
pub struct Forwarding {
    /// Loads replaced by known values.
    pub loads: u64,
    /// Stores overwritten before being read.
    pub stores: u64,
}

/// A known element: buffer value, subscripts over base values.
type Element = (Value, Vec<AffineExpr>);

/// Whether two subscripts may name the same element: unless some
/// dimension differs by a non-zero constant.
fn may_overlap(a: &[AffineExpr], b: &[AffineExpr]) -> bool {
    !a.iter().zip(b).any(|(x, y)| {
        (x.clone() + y.clone() * -1)
            .as_constant()
            .is_some_and(|c| c != 0)
    })
}

/// The buffers `op` (with its regions) may write, or `None` for "any".
fn written_buffers(ctx: &Context, op: OpId) -> Option<Vec<AliasKey>> {
    let mut out = Vec::new();
    for o in std::iter::once(op).chain(ctx.walk_preorder(op)) {
        match ctx.op_name_of(o) {
            "affine.store" | "memref.store" => out.push(alias_key(ctx, ctx.op(o).operands[1])),
            "memref.dealloc" => out.push(alias_key(ctx, ctx.op(o).operands[0])),
            "affine.load" | "memref.load" => {}
            _ if touches_nothing(ctx, o) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Store-to-load forwarding, redundant load and dead store elimination in
/// one block.
pub fn forward_in_block(ctx: &mut Context, block: BlockId, stats: &mut Forwarding) {
    let mut table = ValueTable::default();
    // Known element values, and stores not yet read.
    let mut known: HashMap<AliasKey, Vec<(Element, Value)>> = HashMap::new();
    let mut pending: HashMap<AliasKey, Vec<(Element, OpId)>> = HashMap::new();
    for op in ctx.block_ops_vec(block) {
        let is_load = ctx.op_is(op, "affine.load");
        let is_store = ctx.op_is(op, "affine.store");
        if is_load || is_store {
            let Some(a) = access_of(ctx, op, &mut table) else {
                continue;
            };
            let subs = a.subscripts.clone().unwrap_or_default();
            let key = alias_key(ctx, a.memref);
            let elem: Element = (a.memref, subs.clone());
            if is_load {
                let result = ctx.op(op).results[0];
                let hit = known
                    .get(&key)
                    .and_then(|v| v.iter().find(|(e, _)| *e == elem).map(|(_, v)| *v));
                if let Some(v) = hit {
                    ctx.replace_op(op, &[v]);
                    stats.loads += 1;
                    continue;
                }
                known.entry(key.clone()).or_default().push((elem, result));
                // The read sees any pending store that may overlap.
                if let Some(p) = pending.get_mut(&key) {
                    p.retain(|((m, s), _)| *m == a.memref && !may_overlap(s, &subs));
                }
            } else {
                let value = ctx.op(op).operands[0];
                if let Some(p) = pending.get_mut(&key)
                    && let Some(i) = p.iter().position(|(e, _)| *e == elem)
                {
                    let (_, dead) = p.remove(i);
                    ctx.erase_op(dead);
                    stats.stores += 1;
                }
                let entries = known.entry(key.clone()).or_default();
                entries.retain(|((m, s), _)| *m == a.memref && !may_overlap(s, &subs));
                entries.push((elem.clone(), value));
                pending.entry(key).or_default().push((elem, op));
            }
            continue;
        }
        if ctx.op(op).regions.is_empty() && touches_nothing(ctx, op) {
            continue;
        }
        if ctx.op_is(op, "memref.load") {
            // A read of unknown subscripts: every pending store of the buffer may be seen.
            let key = alias_key(ctx, ctx.op(op).operands[0]);
            pending.remove(&key);
            continue;
        }
        // Ops with regions or other effects: forget what they may write,
        // and assume they read everything.
        pending.clear();
        match written_buffers(ctx, op) {
            Some(keys) => {
                for k in keys {
                    known.remove(&k);
                }
            }
            None => known.clear(),
        }
    }
}
