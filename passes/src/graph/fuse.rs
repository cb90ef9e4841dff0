//! `graph-fuse`: groups the `graph` ops of each function into kernels and
//! outlines every kernel into a private function named after what it
//! computes (`kernel3_matmul_add_relu`), called where the kernel's last op
//! was.
//!
//! A kernel is a group of ops that later levels compile as one loop nest.
//! Ops join a group, in program order, by two rules:
//!
//! - **element-wise consumers**: an element-wise op (`Family::is_elementwise`)
//!   joins the group of an operand's producer when it is that value's only
//!   user and its result has the producer's shape. So element-wise chains
//!   fuse, and bias + activation after a matmul, conv2d or reduction run as
//!   its epilogue.
//! - **element-wise producers into reductions**: a reduction
//!   (`reduce_*`, `argmax`, `softmax`, `log_softmax`) joins a group made
//!   only of element-wise ops when it is the only user of that group's
//!   result: `exp` before `reduce_sum` is computed in the reduction's loop.
//!
//! Matmul and conv2d never absorb producers: their loops read each operand
//! element many times, so a fused producer would be recomputed as often.
//! Every other op (shape ops, pooling, normalizations, matmul and conv2d
//! themselves) starts its own group. Constants are not grouped: each kernel
//! gets its own copy of the constants it uses (equal copies share one
//! global after bufferization), so weights stay visible to the code
//! generator of the kernel that reads them.
//!
//! Why every group becomes a function: the printed IR, `--profile` and
//! `perf top` then all name the same unit, so a user can see which layer
//! costs what. The groups are convex by construction: every member but
//! the last has its only user inside the group, so no value leaves the
//! group except the last op's result, and the call can take the last op's
//! place.

use std::collections::HashMap;

use tessera_compiler::ir::OperationState;
use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};
use tessera_compiler::{Context, Location, OpId, Type, Value};
use tessera_dialects::graph::ops::{Family, family_of};

/// The `graph-fuse` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct GraphFuse;

/// The registry entry of `graph-fuse`.
pub fn graph_fuse_info() -> PassInfo {
    PassInfo {
        name: "graph-fuse",
        summary: "Group graph ops into kernels, each outlined into a named function",
        description: "Groups the `graph` ops of every function into kernels: element-wise \
            ops join the group of a producer whose only user they are (chains, and epilogues \
            of matmul, conv2d and reductions), and a reduction joins the element-wise group \
            it is the only user of (prologues). Each kernel is outlined into a private \
            `func.func` named `kernel<N>_<ops>` (`kernel0_matmul_add_relu`) and called where \
            its last op was; the constants a kernel uses are copied into it.\n\n\
            Statistics: `num-kernels`, `num-ops-fused` (ops that joined a group another op \
            started).",
        anchor: Some("builtin.module"),
        options: vec![],
        create: |_| Ok(Box::new(GraphFuse)),
    }
}

impl Pass for GraphFuse {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let body = ctx.module_body(op);
        let funcs: Vec<OpId> = ctx
            .block_ops_vec(body)
            .into_iter()
            .filter(|&f| ctx.op_is(f, "func.func"))
            .collect();
        let mut namer = KernelNamer::new(ctx, op);
        for func in funcs {
            let Some(block) = ctx.entry_block(func, 0) else {
                continue; // a declaration
            };
            let groups = group_ops(ctx, block);
            for group in groups {
                state.count("num-kernels", 1);
                state.count("num-ops-fused", group.len() as u64 - 1);
                outline(ctx, op, func, &group, &mut namer);
            }
        }
        Ok(())
    }
}

/// Whether `op` is a reduction a producer group may flow into.
fn is_reduction(family: Family) -> bool {
    matches!(
        family,
        Family::Reduce(_) | Family::Argmax | Family::Softmax { .. }
    )
}

/// The groups of the graph ops of `block`, each in program order; the
/// last op of a group is the only one whose result leaves it.
fn group_ops(ctx: &Context, block: tessera_compiler::BlockId) -> Vec<Vec<OpId>> {
    let mut groups: Vec<Vec<OpId>> = Vec::new();
    // Whether each group has only element-wise ops so far.
    let mut elementwise_only: Vec<bool> = Vec::new();
    let mut group_of: HashMap<OpId, usize> = HashMap::new();
    for op in ctx.block_ops(block) {
        let Some(family) = family_of(ctx.op_name_of(op)) else {
            continue;
        };
        if family == Family::Constant {
            continue;
        }
        let result_ty = ctx.op(op).results.first().map(|&r| ctx.value_type(r));
        let joinable = |v: Value| -> Option<usize> {
            let producer = ctx.defining_op(v)?;
            let g = *group_of.get(&producer)?;
            // The producer must be its group's last op and `op` its only user.
            let last = *groups[g].last()?;
            let only_user = ctx.uses(v).iter().all(|u| u.op == op);
            (last == producer && only_user).then_some(g)
        };
        let operands = ctx.op(op).operands.clone();
        let target = if family.is_elementwise() {
            operands.iter().find_map(|&v| {
                let g = joinable(v)?;
                (Some(ctx.value_type(v)) == result_ty).then_some(g)
            })
        } else if is_reduction(family) {
            operands
                .first()
                .and_then(|&v| joinable(v))
                .filter(|&g| elementwise_only[g])
        } else {
            None
        };
        match target {
            Some(g) => {
                groups[g].push(op);
                elementwise_only[g] &= family.is_elementwise();
                group_of.insert(op, g);
            }
            None => {
                group_of.insert(op, groups.len());
                groups.push(vec![op]);
                elementwise_only.push(family.is_elementwise());
            }
        }
    }
    groups
}

/// Gives kernels module-unique names: `kernel<N>_<op>_<op>...`.
struct KernelNamer {
    next: usize,
}

impl KernelNamer {
    fn new(ctx: &Context, module: OpId) -> Self {
        // Continue after any kernel a previous run made.
        let body = ctx.module_body(module);
        let next = ctx
            .block_ops(body)
            .filter_map(|f| ctx.symbol_name(f))
            .filter_map(|name| name.strip_prefix("kernel")?.split('_').next()?.parse().ok())
            .map(|n: usize| n + 1)
            .max()
            .unwrap_or(0);
        KernelNamer { next }
    }

    /// The name of the next kernel, made of the short names of its ops
    /// (the first five, then how many more).
    fn name(&mut self, ctx: &Context, module: OpId, group: &[OpId]) -> String {
        const SHOWN: usize = 5;
        let mut parts: Vec<&str> = group
            .iter()
            .take(SHOWN)
            .map(|&op| ctx.op_name_of(op).trim_start_matches("graph."))
            .collect();
        let more = group.len().saturating_sub(SHOWN).to_string();
        if group.len() > SHOWN {
            parts.push("and");
            parts.push(&more);
            parts.push("more");
        }
        loop {
            let name = format!("kernel{}_{}", self.next, parts.join("_"));
            self.next += 1;
            if ctx.lookup_symbol_in(module, &name).is_none() {
                return name;
            }
        }
    }
}

/// Moves the ops of `group` (in `func`'s body) into a new private
/// function after `func`, and calls it where the group's last op was.
fn outline(ctx: &mut Context, module: OpId, func: OpId, group: &[OpId], namer: &mut KernelNamer) {
    let last = *group.last().expect("groups are never empty");
    let name = namer.name(ctx, module, group);

    // Inputs: values the group uses but does not define, constants aside.
    let mut inputs: Vec<Value> = Vec::new();
    let mut constants: Vec<OpId> = Vec::new();
    for &op in group {
        for &v in &ctx.op(op).operands {
            let producer = ctx.defining_op(v);
            if producer.is_some_and(|p| group.contains(&p)) {
                continue;
            }
            match producer.filter(|&p| ctx.op_is(p, "graph.constant")) {
                Some(c) if !constants.contains(&c) => constants.push(c),
                Some(_) => {}
                None if !inputs.contains(&v) => inputs.push(v),
                None => {}
            }
        }
    }
    let outputs: Vec<Value> = ctx.op(last).results.clone();
    let input_types: Vec<Type> = inputs.iter().map(|&v| ctx.value_type(v)).collect();
    let output_types: Vec<Type> = outputs.iter().map(|&v| ctx.value_type(v)).collect();
    let locs: Vec<Location> = group.iter().map(|&op| ctx.op(op).loc).collect();
    let loc = ctx.fused_loc(&locs);

    // The kernel: entry block arguments for the inputs, the constants
    // copied in, the group's ops moved in, a return of the last result.
    let block = ctx.create_block(&input_types, loc);
    let mut remap: HashMap<Value, Value> = inputs
        .iter()
        .copied()
        .zip(ctx.block_args(block).to_vec())
        .collect();
    for &c in &constants {
        let mut map = tessera_compiler::ir::ValueMap::new();
        let copy = tessera_compiler::ir::clone_op(ctx, c, &mut map);
        ctx.append_op(block, copy);
        remap.insert(ctx.result(c, 0), ctx.result(copy, 0));
    }
    // The call goes where the last op is, before anything moves.
    let callee = ctx.symbol_ref_attr(&name);
    let call_name = ctx.op_name("func.call");
    let callee_sym = ctx.symbol("callee");
    let call = ctx.create_op(
        OperationState::new(call_name, ctx.op(last).loc)
            .operands(&inputs)
            .results(&output_types)
            .attr(callee_sym, callee),
    );
    ctx.insert_op_before(last, call);
    for (i, &out) in outputs.iter().enumerate() {
        let new = ctx.result(call, i);
        ctx.replace_all_uses(out, new);
    }
    for &op in group {
        ctx.detach_op(op);
        ctx.append_op(block, op);
        for i in 0..ctx.op(op).operands.len() {
            let v = ctx.operand(op, i);
            if let Some(&n) = remap.get(&v) {
                ctx.set_operand(op, i, n);
            }
        }
    }
    let ret_name = ctx.op_name("func.return");
    let ret = ctx.create_op(OperationState::new(ret_name, loc).operands(&outputs));
    ctx.append_op(block, ret);
    for &c in &constants {
        if ctx.is_unused(ctx.result(c, 0)) {
            ctx.erase_op(c);
        }
    }

    let region = ctx.create_region();
    ctx.append_block(region, block);
    let fn_type = ctx.function_type(&input_types, &output_types);
    let fn_name = ctx.op_name("func.func");
    let sym_name = ctx.symbol("sym_name");
    let name_attr = ctx.str_attr(&name);
    let type_sym = ctx.symbol("function_type");
    let type_attr = ctx.type_attr(fn_type);
    let vis_sym = ctx.symbol("sym_visibility");
    let private = ctx.str_attr("private");
    let kernel = ctx.create_op(
        OperationState::new(fn_name, loc)
            .attr(sym_name, name_attr)
            .attr(type_sym, type_attr)
            .attr(vis_sym, private)
            .region(region),
    );
    // After the caller and the kernels outlined from it before.
    let mut anchor = func;
    while let Some(next) = ctx.next_op(anchor) {
        match ctx.symbol_name(next) {
            Some(n) if n.starts_with("kernel") && ctx.op_is(next, "func.func") => anchor = next,
            _ => break,
        }
    }
    ctx.insert_op_after(anchor, kernel);
}
