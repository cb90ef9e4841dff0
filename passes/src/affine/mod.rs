//! Loop-level passes on `affine` (and `scf`) loops, with MLIR's names and
//! meaning, one module each:
//!
//! - `lower-affine` ([`lower_affine`]): affine ops to `scf` + `arith` + `memref`;
//! - `loop-invariant-code-motion` ([`licm`]): invariant pure ops out of loops;
//! - `affine-loop-unroll` ([`unroll`]);
//! - `affine-loop-unroll-jam` ([`unroll_jam`]);
//! - `affine-loop-tile` ([`tile`]);
//! - `affine-parallelize` ([`parallelize`]);
//! - `affine-scalrep` ([`scalrep`]);
//! - `affine-loop-fusion` ([`fusion`]);
//! - `affine-vectorize` ([`vectorize`]).
//!
//! Shared pieces: [`expand`] (affine expressions as `arith` ops),
//! [`loops`] (bounds, trip counts, unrolling), [`deps`] (a memory dependence
//! test) and [`util`] (small IR helpers).

pub mod deps;
pub mod expand;
pub mod fusion;
pub mod licm;
pub mod loops;
pub mod lower_affine;
pub mod parallelize;
pub mod scalrep;
pub mod tile;
pub mod unroll;
pub mod unroll_jam;
pub mod util;
pub mod vectorize;

use tessera_compiler::pass::PassInfo;

/// The registry entries of the loop passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![
        lower_affine::lower_affine_info(),
        licm::licm_info(),
        unroll::unroll_info(),
        unroll_jam::unroll_jam_info(),
        tile::tile_info(),
        parallelize::parallelize_info(),
        scalrep::scalrep_info(),
        fusion::fusion_info(),
        vectorize::vectorize_info(),
    ]
}
