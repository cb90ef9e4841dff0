#![doc = include_str!("../README.md")]

pub mod dialect;
pub mod lower_to_graph;
pub mod patterns;

use tessera_compiler::Context;
use tessera_compiler::pass::PassRegistry;

/// The optimization levels of `toy-opt`: Tessera's, with toy's
/// canonicalization and lowering first. `(name, summary, pipeline)`.
#[rustfmt::skip]
pub const TOY_OPT_LEVELS: &[(&str, &str, &str)] = &[
    ("O1", "toy to graph, local cleanups", "builtin.module(canonicalize,toy-lower-to-graph,canonicalize,cse)"),
    ("O2", "toy to graph, default optimizations", "builtin.module(canonicalize,toy-lower-to-graph,canonicalize,cse)"),
    ("O3", "toy to graph, aggressive optimizations", "builtin.module(canonicalize,toy-lower-to-graph,canonicalize,cse)"),
];

/// Registers this crate's dialect, `toy`, in `ctx`. Tessera's own
/// dialects are registered separately (`tessera_dialects::register_all`);
/// `toy-lower-to-graph` needs `graph`.
pub fn register_dialects(ctx: &mut Context) {
    dialect::register(ctx);
}

/// Registers this crate's pass, `toy-lower-to-graph`, and replaces the
/// `-O1`..`-O3` pipelines by [`TOY_OPT_LEVELS`], which use it.
pub fn register_passes(registry: &mut PassRegistry) {
    registry.register(lower_to_graph::lower_to_graph_info());
    for &(name, summary, pipeline) in TOY_OPT_LEVELS {
        registry.register_pipeline(name, summary, pipeline);
    }
}
