//! A Graphviz picture of a function's graph-level dataflow
//! (`tensor-opt --emit=dot`): one node per argument, op, call and return,
//! labelled with what it computes, its result type and, for `graph` ops,
//! its cost in the units of the eqsat cost model (FLOPs plus bytes moved),
//! one line each (DOT's left-justified `\\l` breaks);
//! one edge per use, from producer to user.
//!
//! The picture is built as a `petgraph` graph, so the same structure can
//! serve other analyses, and written with `petgraph`'s DOT writer.

use std::collections::HashMap;
use std::fmt::Write;

use petgraph::dot::{Config, Dot};
use petgraph::graph::{DiGraph, NodeIndex};
use tessera_compiler::{Context, OpId, Value};
use tessera_dialects::graph::ops::family_of;
use tessera_dialects::graph::types::TensorType;
use tessera_dialects::graph::types::type_string;

use crate::eqsat::cost::op_work;

/// The dataflow graph of `func` (a `func.func`): node labels, edges from
/// producer to user.
pub fn dataflow_graph(ctx: &Context, func: OpId) -> DiGraph<String, &'static str> {
    let mut graph = DiGraph::new();
    let mut node_of: HashMap<Value, NodeIndex> = HashMap::new();
    let Some(block) = ctx.entry_block(func, 0) else {
        return graph;
    };
    for (i, &arg) in ctx.block_args(block).iter().enumerate() {
        let ty = type_string(ctx, ctx.value_type(arg));
        node_of.insert(arg, graph.add_node(format!("arg{i}\n{ty}")));
    }
    for op in ctx.block_ops(block) {
        let node = graph.add_node(op_label(ctx, op));
        for &v in &ctx.op(op).operands {
            if let Some(&from) = node_of.get(&v) {
                graph.add_edge(from, node, "");
            }
        }
        for &r in &ctx.op(op).results {
            node_of.insert(r, node);
        }
    }
    graph
}

/// What a node says about `op`: its name (the callee, for a call), result
/// types and, for a graph op, its cost.
fn op_label(ctx: &Context, op: OpId) -> String {
    let name = ctx.op_name_of(op);
    let mut label = match name {
        "func.call" => match ctx.attr_data_of(op, "callee") {
            Some(tessera_compiler::AttrData::SymbolRef { root, .. }) => {
                format!("call @{}", ctx.symbol_str(*root))
            }
            _ => "call".to_string(),
        },
        "func.return" => "return".to_string(),
        _ => name.trim_start_matches("graph.").to_string(),
    };
    for &r in &ctx.op(op).results {
        let _ = write!(label, "\n{}", type_string(ctx, ctx.value_type(r)));
    }
    if let Some(cost) = graph_op_cost(ctx, op) {
        let _ = write!(label, "\ncost {cost}");
    }
    label
}

/// The cost-model work of a `graph` op, when its types are tensors.
fn graph_op_cost(ctx: &Context, op: OpId) -> Option<u64> {
    let family = family_of(ctx.op_name_of(op))?;
    let tensor = |v: Value| TensorType::from_type(ctx, ctx.value_type(v)).ok();
    let operands: Vec<TensorType> = ctx
        .op(op)
        .operands
        .iter()
        .map(|&v| tensor(v))
        .collect::<Option<_>>()?;
    let result = tensor(*ctx.op(op).results.first()?)?;
    let refs: Vec<&TensorType> = operands.iter().collect();
    Some(op_work(family, &refs, &result, &[]))
}

/// The DOT text of every function of `module`, one `digraph` each, named
/// after the function.
pub fn module_dot(ctx: &Context, module: OpId) -> String {
    let mut out = String::new();
    for func in ctx.block_ops(ctx.module_body(module)) {
        if !ctx.op_is(func, "func.func") {
            continue;
        }
        let name = ctx.symbol_name(func).unwrap_or("?");
        let graph = dataflow_graph(ctx, func);
        let body = format!("{}", Dot::with_config(&graph, &[Config::EdgeNoLabel]));
        // petgraph writes `digraph {`; name the graph after the function.
        let named = body.replacen(
            "digraph {",
            &format!("digraph \"{name}\" {{\n    node [shape=box]"),
            1,
        );
        out.push_str(&named);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_compiler::syntax::{ParseConfig, parse_module};

    #[test]
    fn the_picture_has_a_node_per_value_producer_and_an_edge_per_use() {
        let mut ctx = Context::new();
        tessera_dialects::register_all(&mut ctx);
        let text = "func.func @f(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.relu %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %1 : tensor<2x4xf32>
}";
        let config = ParseConfig {
            file_name: "t.mlir".into(),
            line_offset: 0,
        };
        let module = parse_module(&mut ctx, text, &config).unwrap();
        let func = ctx.block_ops(ctx.module_body(module)).next().unwrap();
        let g = dataflow_graph(&ctx, func);
        assert_eq!(g.node_count(), 5, "two args, matmul, relu, return");
        assert_eq!(g.edge_count(), 4);
        let dot = module_dot(&ctx, module);
        assert!(dot.starts_with("digraph \"f\" {"), "{dot}");
        // 2·2·3·4 FLOPs + (6 + 12 + 8)·4 bytes + 64 overhead.
        assert!(dot.contains("matmul\\ltensor<2x4xf32>\\lcost 216"), "{dot}");
    }
}
