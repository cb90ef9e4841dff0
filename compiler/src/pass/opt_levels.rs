//! The default named pipelines: the optimization levels `-O0`..`-O3`.
//!
//! This is a data table: when a pass joins a default pipeline, edit the
//! row here (and its lit test). A driver may override a row with
//! [`PassRegistry::register_pipeline`](super::PassRegistry::register_pipeline).
//! Each level names the pipeline down to the lowest level printed as IR
//! (`scf` loops over memrefs, after `lower-affine`); code generation is the
//! backend's business. The interpreter backend runs only the graph-level
//! part of a level (the passes before `convert-graph-to-affine`).

/// The graph level of `-O1` and up: clean-ups, equality saturation,
/// clean-ups, then kernels.
macro_rules! graph_level {
    () => {
        "canonicalize,graph-eqsat,cse,graph-fuse"
    };
}

/// The loop level of `-O2` and up, between the conversion and
/// `lower-affine`: schedule matmul nests for the FMA units first (fusion
/// would merge their epilogues and hide the pattern), then fuse the other
/// nests of each kernel, keep accumulators in registers, vectorize the
/// innermost loops (8 x f32), hoist invariants, and block for the caches.
macro_rules! loop_level {
    () => {
        "affine-matmul-microkernel,affine-loop-fusion,affine-scalrep,affine-vectorize,loop-invariant-code-motion,affine-loop-tile"
    };
}

/// `(name, summary, pipeline)`, one row per named pipeline. `-O3` is
/// `-O2` with `affine-parallelize` before vectorization (the outermost
/// independent loops become parallel while they still hold plain scalar
/// loops, whose accesses its dependence test reads).
#[rustfmt::skip]
pub const OPT_LEVELS: &[(&str, &str, &str)] = &[
    // name  summary                      pipeline
    ("O0",   "no optimization",           "builtin.module(convert-graph-to-affine,lower-affine)"),
    ("O1",   "local cleanups",            concat!("builtin.module(", graph_level!(), ",convert-graph-to-affine,lower-affine,canonicalize,cse)")),
    ("O2",   "default optimizations",     concat!("builtin.module(", graph_level!(), ",convert-graph-to-affine,", loop_level!(), ",math-expand-approximations,lower-affine,canonicalize,cse)")),
    ("O3",   "aggressive optimizations",  concat!("builtin.module(", graph_level!(), ",convert-graph-to-affine,affine-matmul-microkernel,affine-loop-fusion,affine-scalrep,affine-parallelize,affine-vectorize,loop-invariant-code-motion,affine-loop-tile,math-expand-approximations,lower-affine,canonicalize,cse)")),
];
