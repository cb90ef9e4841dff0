//! `inline`: replaces `func.call`s by the bodies of their callees.
//!
//! A call is inlined when its `callee` resolves (in the nearest symbol
//! table) to a `func.func` with a single-block body ending in
//! `func.return`, the operand and result types match, the call has no
//! `no_inline` attribute, and inlining cannot recurse: the callee is not
//! on a cycle of the call graph and does not reach the caller. So a
//! recursive function is never expanded into itself.
//!
//! The callee's body is copied with
//! [`clone_op`] right before the call, its
//! arguments mapped to the call's operands; each copied op's location
//! becomes `callsite(op's location at the call's location)`. Callers are
//! visited callees first, so one iteration inlines a whole acyclic call
//! chain; `max-iterations` bounds further rounds for calls that appear
//! only afterwards. Private callees left with no reference are erased,
//! as MLIR's inliner does.

use std::collections::{HashMap, HashSet};

use tessera_compiler::ir::{ValueMap, clone_op};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{AttrData, Context, LocData, OpId};

use super::symbols::{SymbolIndex, is_private, symbol_refs};

/// The `inline` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Inline {
    max_iterations: u32,
}

/// The registry entry of `inline`.
pub fn inline_info() -> PassInfo {
    PassInfo {
        name: "inline",
        summary: "Inline calls of single-block functions",
        description: "Replaces each `func.call` of a `func.func` with a single-block body \
            ending in `func.return` by a copy of that body, unless the callee is recursive \
            (on a call-graph cycle, or reaching the caller) or the call has a `no_inline` \
            attribute. Copied ops get call-site locations. Private callees left unreferenced \
            are erased.\n\nStatistics: `num-inlined`, `num-iterations`, `num-callees-erased`.",
        anchor: None,
        options: vec![PassOptionInfo {
            name: "max-iterations",
            kind: OptionKind::Int,
            default: "4",
            help: "Rounds of inlining at most (each round inlines every call it can)",
        }],
        create: |options| Ok(Box::new(Inline::from_options(options)?)),
    }
}

impl Inline {
    /// The pass configured by checked options (see [`inline_info`]).
    pub fn from_options(options: &PassOptions) -> Result<Self, String> {
        match options.int("max-iterations") {
            n if n >= 1 => Ok(Inline {
                max_iterations: u32::try_from(n).unwrap_or(u32::MAX),
            }),
            n => Err(format!("max-iterations must be at least 1, got {n}")),
        }
    }
}

impl Default for Inline {
    fn default() -> Self {
        Inline { max_iterations: 4 }
    }
}

impl Pass for Inline {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut inlined_callees = HashSet::new();
        let mut iterations = 0;
        let mut total = 0;
        while iterations < self.max_iterations {
            iterations += 1;
            let n = inline_round(ctx, op, &mut inlined_callees);
            total += n;
            if n == 0 {
                break;
            }
        }
        let erased = erase_dead_callees(ctx, op, &inlined_callees);
        state.count("num-inlined", total);
        state.count("num-iterations", u64::from(iterations));
        state.count("num-callees-erased", erased);
        Ok(())
    }
}

/// The call graph of the `func.func`s under a root: caller → callees.
struct CallGraph {
    edges: HashMap<OpId, Vec<OpId>>,
}

impl CallGraph {
    /// Whether `to` can be reached from `from` along one or more calls.
    fn reaches(&self, from: OpId, to: OpId) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<OpId> = self.edges.get(&from).cloned().unwrap_or_default();
        while let Some(f) = stack.pop() {
            if f == to {
                return true;
            }
            if seen.insert(f) {
                stack.extend(self.edges.get(&f).into_iter().flatten());
            }
        }
        false
    }
}

/// A call site found under the root.
struct Call {
    op: OpId,
    /// The enclosing `func.func`, if any.
    caller: Option<OpId>,
    /// What `callee` resolves to, if anything.
    callee: Option<OpId>,
}

/// Inlines every call it can under `root`; returns how many.
fn inline_round(ctx: &mut Context, root: OpId, inlined: &mut HashSet<OpId>) -> u64 {
    let mut index = SymbolIndex::default();
    let calls: Vec<Call> = ctx
        .walk_preorder(root)
        .into_iter()
        .filter(|&o| ctx.op_is(o, "func.call"))
        .map(|op| Call {
            op,
            caller: enclosing_func(ctx, op),
            callee: resolve_callee(ctx, &mut index, op),
        })
        .collect();
    let mut graph = CallGraph {
        edges: HashMap::new(),
    };
    for c in &calls {
        if let (Some(caller), Some(callee)) = (c.caller, c.callee) {
            graph.edges.entry(caller).or_default().push(callee);
        }
    }
    // Callees before callers, so a callee's body is already flat when
    // copied. A post-order over the call graph from each caller.
    let order = post_order(&graph, calls.iter().filter_map(|c| c.caller));
    let rank: HashMap<OpId, usize> = order.iter().enumerate().map(|(i, &f)| (f, i)).collect();
    let mut sorted: Vec<&Call> = calls.iter().collect();
    sorted.sort_by_key(|c| {
        c.caller
            .and_then(|f| rank.get(&f).copied())
            .unwrap_or(usize::MAX)
    });

    // Whether a function sits on a call-graph cycle, computed once per round.
    let mut cyclic: HashMap<OpId, bool> = HashMap::new();
    let mut n = 0;
    for c in sorted {
        let Some(callee) = c.callee else { continue };
        if ctx.is_erased(c.op) || !inlinable(ctx, c.op, callee) {
            continue;
        }
        let on_cycle = *cyclic
            .entry(callee)
            .or_insert_with(|| graph.reaches(callee, callee));
        if on_cycle || c.caller.is_some_and(|f| graph.reaches(callee, f)) {
            continue;
        }
        inline_call(ctx, c.op, callee);
        inlined.insert(callee);
        n += 1;
    }
    n
}

/// Functions in post-order (callees first), starting from `roots`.
fn post_order(graph: &CallGraph, roots: impl Iterator<Item = OpId>) -> Vec<OpId> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for root in roots {
        if !seen.insert(root) {
            continue;
        }
        // (function, index of the next callee to visit)
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (f, ref mut i)) = stack.last_mut() {
            let callees = graph.edges.get(&f).map_or(&[][..], |v| v);
            if let Some(&g) = callees.get(*i) {
                *i += 1;
                if seen.insert(g) {
                    stack.push((g, 0));
                }
            } else {
                out.push(f);
                stack.pop();
            }
        }
    }
    out
}

/// The `func.func` around `op`.
fn enclosing_func(ctx: &Context, op: OpId) -> Option<OpId> {
    let mut cur = ctx.parent_op(op)?;
    loop {
        if ctx.op_is(cur, "func.func") {
            return Some(cur);
        }
        cur = ctx.parent_op(cur)?;
    }
}

/// The `func.func` the call `call` names.
fn resolve_callee(ctx: &Context, index: &mut SymbolIndex, call: OpId) -> Option<OpId> {
    let AttrData::SymbolRef { root, nested } = ctx.attr_data_of(call, "callee")? else {
        return None;
    };
    let path = (*root, nested.clone());
    let found = index.resolve(ctx, call, &path);
    let &target = found.last()?;
    (found.len() == 1 + nested.len() && ctx.op_is(target, "func.func")).then_some(target)
}

/// Whether the body of `callee` can replace `call`.
fn inlinable(ctx: &Context, call: OpId, callee: OpId) -> bool {
    if ctx.attr(call, "no_inline").is_some() || ctx.is_ancestor(callee, call) {
        return false;
    }
    let Some(region) = ctx.op(callee).regions.first() else {
        return false;
    };
    let [body] = ctx.region(*region).blocks[..] else {
        return false;
    };
    let Some(ret) = ctx.last_op(body) else {
        return false;
    };
    if !ctx.op_is(ret, "func.return") {
        return false;
    }
    let types = |vals: &[tessera_compiler::Value]| -> Vec<_> {
        vals.iter().map(|&v| ctx.value_type(v)).collect()
    };
    types(ctx.block_args(body)) == types(&ctx.op(call).operands)
        && types(&ctx.op(ret).operands) == types(&ctx.op(call).results)
}

/// Copies `callee`'s body before `call` and replaces the call by it.
fn inline_call(ctx: &mut Context, call: OpId, callee: OpId) {
    let body = ctx.entry_block(callee, 0).expect("checked by inlinable");
    let mut map = ValueMap::new();
    let operands = ctx.op(call).operands.clone();
    for (&arg, &v) in ctx.block_args(body).iter().zip(&operands) {
        map.insert(arg, v);
    }
    let call_loc = ctx.op(call).loc;
    let ops = ctx.block_ops_vec(body);
    let (ret, ops) = ops.split_last().expect("checked by inlinable");
    for &op in ops {
        let copy = clone_op(ctx, op, &mut map);
        set_call_site_locs(ctx, copy, call_loc);
        ctx.insert_op_before(call, copy);
    }
    let results: Vec<_> = ctx
        .op(*ret)
        .operands
        .iter()
        .map(|&v| map.lookup_or_self(v))
        .collect();
    ctx.replace_op(call, &results);
}

/// Gives `op` and everything in it the location `callsite(loc at caller)`.
fn set_call_site_locs(ctx: &mut Context, op: OpId, caller: tessera_compiler::Location) {
    let mut ops = ctx.walk_preorder(op);
    ops.push(op);
    for o in ops {
        let callee = ctx.op(o).loc;
        let loc = ctx.intern_loc(LocData::CallSite { callee, caller });
        ctx.set_loc(o, loc);
    }
}

/// Erases the private functions in `inlined` that nothing under `root`
/// refers to any more; returns how many.
fn erase_dead_callees(ctx: &mut Context, root: OpId, inlined: &HashSet<OpId>) -> u64 {
    let candidates: Vec<OpId> = inlined
        .iter()
        .copied()
        .filter(|&f| !ctx.is_erased(f) && is_private(ctx, f))
        .collect();
    if candidates.is_empty() {
        return 0;
    }
    let mut referenced = HashSet::new();
    let mut refs = Vec::new();
    let mut index = SymbolIndex::default();
    let mut all = ctx.walk_preorder(root);
    all.push(root);
    for op in all {
        refs.clear();
        symbol_refs(ctx, op, &mut refs);
        for path in &refs {
            referenced.extend(index.resolve(ctx, op, path));
        }
    }
    let mut n = 0;
    let mut dead: Vec<OpId> = candidates
        .into_iter()
        .filter(|f| !referenced.contains(f))
        .collect();
    dead.sort();
    for f in dead {
        ctx.erase_op(f);
        n += 1;
    }
    n
}
