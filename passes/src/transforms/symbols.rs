//! Symbols and symbol references, as MLIR's `SymbolTable` utilities: what
//! `symbol-dce` and `inline` share.
//!
//! A symbol is an op with a `sym_name` string attribute, defined in the
//! single block of a symbol table op (one with the `SYMBOL_TABLE` trait,
//! such as `builtin.module`). It is public unless its `sym_visibility`
//! attribute says `"private"` or `"nested"`. A reference is a `SymbolRef`
//! attribute anywhere in an op's attributes (also inside arrays and
//! dictionaries), resolved in the nearest symbol table around the op.

use std::collections::HashMap;

use tessera_compiler::{AttrData, Attribute, Context, OpId, OpTraits, Symbol};

/// Whether `op` is a symbol table.
pub(crate) fn is_symbol_table(ctx: &Context, op: OpId) -> bool {
    ctx.op_has_traits(op, OpTraits::SYMBOL_TABLE)
}

/// Whether `op` defines a symbol.
pub(crate) fn is_symbol(ctx: &Context, op: OpId) -> bool {
    ctx.symbol_name(op).is_some()
}

/// Whether the symbol `op` is visible outside its symbol table.
pub(crate) fn is_public(ctx: &Context, op: OpId) -> bool {
    match ctx
        .attr_data_of(op, "sym_visibility")
        .and_then(AttrData::as_str)
    {
        None | Some("public") => true,
        Some(_) => false,
    }
}

/// Whether the symbol `op` is private (not just nested).
pub(crate) fn is_private(ctx: &Context, op: OpId) -> bool {
    ctx.attr_data_of(op, "sym_visibility")
        .and_then(AttrData::as_str)
        == Some("private")
}

/// A symbol reference: the root name and the nested names after it.
pub(crate) type SymbolPath = (Symbol, Vec<Symbol>);

/// Appends every symbol reference among `op`'s own attributes to `out`.
pub(crate) fn symbol_refs(ctx: &Context, op: OpId, out: &mut Vec<SymbolPath>) {
    for &(_, a) in &ctx.op(op).attrs {
        refs_in_attr(ctx, a, out);
    }
}

fn refs_in_attr(ctx: &Context, attr: Attribute, out: &mut Vec<SymbolPath>) {
    match ctx.attr_data(attr) {
        AttrData::SymbolRef { root, nested } => out.push((*root, nested.clone())),
        AttrData::Array(items) => {
            for &a in items {
                refs_in_attr(ctx, a, out);
            }
        }
        AttrData::Dictionary(entries) => {
            for &(_, a) in entries {
                refs_in_attr(ctx, a, out);
            }
        }
        _ => {}
    }
}

/// Symbol lookups with one name index per symbol table, built on first use.
#[derive(Default)]
pub(crate) struct SymbolIndex {
    tables: HashMap<OpId, HashMap<String, OpId>>,
}

impl SymbolIndex {
    /// The symbol `name` defined directly in `table`.
    pub(crate) fn lookup(&mut self, ctx: &Context, table: OpId, name: &str) -> Option<OpId> {
        let index = self.tables.entry(table).or_insert_with(|| {
            let mut m = HashMap::new();
            for &r in &ctx.op(table).regions {
                for &b in &ctx.region(r).blocks {
                    for op in ctx.block_ops(b) {
                        if let Some(n) = ctx.symbol_name(op) {
                            // The first definition wins, as the verifier
                            // rejects duplicates anyway.
                            m.entry(n.to_string()).or_insert(op);
                        }
                    }
                }
            }
            m
        });
        index.get(name).copied().filter(|&op| !ctx.is_erased(op))
    }

    /// Resolves `path` as referenced from `from`: the root in the nearest
    /// symbol table around `from` (or `from` itself), each nested name in
    /// the symbol table the previous one names. Returns every op on the
    /// way, outermost first; shorter than the path when a name is missing.
    pub(crate) fn resolve(&mut self, ctx: &Context, from: OpId, path: &SymbolPath) -> Vec<OpId> {
        let mut found = Vec::new();
        let Some(mut table) = ctx.symbol_table_of(from) else {
            return found;
        };
        for &name in std::iter::once(&path.0).chain(&path.1) {
            let Some(op) = self.lookup(ctx, table, ctx.symbol_str(name)) else {
                break;
            };
            found.push(op);
            table = op;
        }
        found
    }
}
