//! Graph-level passes besides equality saturation.
//!
//! - [`fuse`]: `graph-fuse`, which groups ops into kernels, each outlined
//!   into its own named function.
//! - [`dot`]: the Graphviz picture of a function's dataflow (`--emit=dot`).

pub mod dot;
pub mod fuse;

pub use fuse::{GraphFuse, graph_fuse_info};
