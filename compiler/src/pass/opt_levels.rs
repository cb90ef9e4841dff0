//! The default named pipelines: the optimization levels `-O0`..`-O3`.
//!
//! This is a data table: when a pass joins a default pipeline, edit the
//! row here (and its lit test). A driver may override a row with
//! [`PassRegistry::register_pipeline`](super::PassRegistry::register_pipeline).
//! Each level names the pipeline down to the lowest level printed as IR;
//! code generation is the backend's business.

/// `(name, summary, pipeline)`, one row per named pipeline.
#[rustfmt::skip]
pub const OPT_LEVELS: &[(&str, &str, &str)] = &[
    // name  summary                      pipeline
    ("O0",   "no optimization",           ""),
    ("O1",   "local cleanups",            "builtin.module(canonicalize,graph-eqsat,cse)"),
    ("O2",   "default optimizations",     "builtin.module(canonicalize,graph-eqsat,cse)"),
    ("O3",   "aggressive optimizations",  "builtin.module(canonicalize,graph-eqsat,cse)"),
];
