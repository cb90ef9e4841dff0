//! # tessera-passes: Tessera's transformations
//!
//! Every pass is a [`Pass`](tessera_compiler::pass::Pass) described by a
//! [`PassInfo`]: its pipeline name, summary, anchor op, options and
//! constructor. Nothing registers itself; a driver calls [`register_all`]
//! (or picks from [`pass_infos`]) to make the passes known by name to its
//! [`PassRegistry`], which `tensor-opt --list-passes` and the generated
//! pass docs read.
//!
//! Names follow MLIR's rules: no prefix for generic passes, a dialect
//! prefix for dialect passes, `convert-x-to-y` for conversions.
//!
//! - [`transforms`]: the generic passes, which work on any dialect through
//!   op traits and hooks: `canonicalize`, `cse`, `symbol-dce`, `inline`.
//! - [`eqsat`]: `graph-eqsat`, equality saturation of the graph level.
//! - [`graph`]: `graph-fuse`, which groups graph ops into named kernels.
//! - [`conversion`]: `convert-graph-to-affine` and the other lowerings.
//! - [`affine`]: loop passes (tiling, fusion, unrolling, vectorization,
//!   parallelization) and `lower-affine`.
//! - [`math`]: the `math-expand-approximations` pass.
//! - [`kernels`]: schedules for hot kernels (the matmul micro-kernel).

pub mod affine;
pub mod conversion;
pub mod eqsat;
pub mod graph;
pub mod kernels;
pub mod math;
pub mod transforms;

use tessera_compiler::pass::{PassInfo, PassRegistry};

/// The description of every pass of this crate, in no particular order.
pub fn pass_infos() -> Vec<PassInfo> {
    let mut infos = vec![
        transforms::canonicalize_info(),
        transforms::cse_info(),
        transforms::symbol_dce_info(),
        transforms::inline_info(),
        eqsat::graph_eqsat_info(),
        graph::graph_fuse_info(),
    ];
    infos.extend(conversion::pass_infos());
    infos.extend(affine::pass_infos());
    infos.extend(math::pass_infos());
    infos.extend(kernels::pass_infos());
    infos
}

/// Registers every pass of this crate in `reg`.
pub fn register_all(reg: &mut PassRegistry) {
    for info in pass_infos() {
        reg.register(info);
    }
}
