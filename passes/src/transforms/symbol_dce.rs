//! `symbol-dce`: erases the symbols nothing live refers to, as MLIR's.
//!
//! Runs on a symbol table op (usually `builtin.module`). Its public
//! symbols and its ops that are not symbols are live; so is every symbol
//! referenced (by a `SymbolRef` attribute, anywhere in its attributes)
//! from inside a live op, transitively. Nested symbol tables reached this
//! way are treated the same, with their own public symbols as roots.
//! Private (and `nested`) symbols left unreached are erased, so a private
//! function called only by another dead private function goes too, while
//! a public one always stays.

use std::collections::HashSet;

use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{Context, Diagnostic, OpId};

use super::symbols::{SymbolIndex, is_public, is_symbol, is_symbol_table, symbol_refs};

/// The `symbol-dce` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct SymbolDce;

/// The registry entry of `symbol-dce`.
pub fn symbol_dce_info() -> PassInfo {
    PassInfo {
        name: "symbol-dce",
        summary: "Erase private symbols that nothing live refers to",
        description: "Computes which symbols are live: the public symbols of the symbol table \
            the pass runs on, and, transitively, every symbol referenced from inside a live \
            op. Private and nested symbols that are not live are erased. Fails on an op \
            that is not a symbol table.\n\nStatistics: `num-dce'd`.",
        anchor: None,
        options: vec![],
        create: |_| Ok(Box::new(SymbolDce)),
    }
}

impl Pass for SymbolDce {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        if !is_symbol_table(ctx, op) {
            let loc = ctx.op(op).loc;
            state.diagnostics.push(Diagnostic::error(
                loc,
                format!(
                    "symbol-dce runs on a symbol table, but '{}' is not one",
                    ctx.op_name_of(op)
                ),
            ));
            return Err(PassFailed);
        }
        let dead = dead_symbols(ctx, op);
        state.count("num-dce'd", dead.len() as u64);
        for d in dead {
            ctx.erase_op(d);
        }
        Ok(())
    }
}

/// The symbols under the symbol table `root` that [`SymbolDce`] would
/// erase, in program order.
pub fn dead_symbols(ctx: &Context, root: OpId) -> Vec<OpId> {
    let mut live = Liveness {
        live: HashSet::new(),
        tables: Vec::new(),
        worklist: Vec::new(),
        index: SymbolIndex::default(),
    };
    live.mark(root);
    while let Some(op) = live.worklist.pop() {
        live.scan(ctx, op, op);
    }
    let mut dead = Vec::new();
    for &table in &live.tables {
        for child in children(ctx, table) {
            if is_symbol(ctx, child) && !is_public(ctx, child) && !live.live.contains(&child) {
                dead.push(child);
            }
        }
    }
    dead
}

/// The ops directly in `table`'s regions.
fn children(ctx: &Context, table: OpId) -> Vec<OpId> {
    let mut out = Vec::new();
    for &r in &ctx.op(table).regions {
        for &b in &ctx.region(r).blocks {
            out.extend(ctx.block_ops(b));
        }
    }
    out
}

struct Liveness {
    live: HashSet<OpId>,
    /// Symbol tables whose private symbols are candidates for erasure.
    tables: Vec<OpId>,
    /// Live ops whose references are still to be followed.
    worklist: Vec<OpId>,
    index: SymbolIndex,
}

impl Liveness {
    fn mark(&mut self, op: OpId) {
        if self.live.insert(op) {
            self.worklist.push(op);
        }
    }

    /// Marks the roots of a live symbol table: its non-symbol ops and
    /// public symbols.
    fn seed_table(&mut self, ctx: &Context, table: OpId) {
        for child in children(ctx, table) {
            if !is_symbol(ctx, child) || is_public(ctx, child) {
                self.mark(child);
            }
        }
    }

    /// Follows the references of `op` and the ops nested in it, up to
    /// nested symbol tables, which get seeded instead. `live_root` is the
    /// live op the scan started from.
    fn scan(&mut self, ctx: &Context, op: OpId, live_root: OpId) {
        let mut refs = Vec::new();
        symbol_refs(ctx, op, &mut refs);
        for path in &refs {
            for target in self.index.resolve(ctx, op, path) {
                self.mark(target);
            }
        }
        if is_symbol_table(ctx, op) {
            if op == live_root {
                self.tables.push(op);
                self.seed_table(ctx, op);
            } else {
                // Reached from inside a live op: live itself, scanned on its own.
                self.mark(op);
            }
            return;
        }
        for &r in &ctx.op(op).regions {
            for &b in &ctx.region(r).blocks {
                for inner in ctx.block_ops(b) {
                    self.scan(ctx, inner, live_root);
                }
            }
        }
    }
}
