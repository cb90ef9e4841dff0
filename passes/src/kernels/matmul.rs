//! `affine-matmul-microkernel`: rewrites `f32` matmul loop nests into a
//! BLIS-style blocked schedule around a register-blocked micro-kernel.
//!
//! - [`pattern`]: recognizing the nest (and the zeroing of `C` before it);
//! - [`plan`]: block sizes and packing for a problem size, and why;
//! - [`emit`]: writing the schedule (`affine` loops, `vector` ops).
//!
//! The pass runs on any op and schedules every matmul nest inside it;
//! nests that are not matmuls (or not `f32` with static shapes) are left
//! alone. The design and measurements are in
//! `docs/passes/affine-matmul-microkernel.md`.

pub mod emit;
pub mod pattern;
pub mod plan;

use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, OpId};

pub use pattern::{MatmulNest, Operand, match_matmul, zero_init_nest};
pub use plan::{Config, Packing, Plan, plan};

/// The `affine-matmul-microkernel` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct MatmulMicrokernel {
    /// Register tile, block sizes and packing.
    pub config: Config,
}

/// The registry entry of `affine-matmul-microkernel`.
pub fn matmul_microkernel_info() -> PassInfo {
    PassInfo {
        name: "affine-matmul-microkernel",
        summary: "Schedule f32 matmul loop nests as blocked, packed, register-tiled vector code",
        description: "Recognizes `affine.for` nests computing `C[.., i, j] += A[.., i, k] * \
            B[.., k, j]` (three perfectly nested loops in any order after optional batch \
            loops, or an `i, j` nest around a `k` loop carrying the sum in `iter_args`) on \
            `f32` memrefs with static shapes, and rewrites each into the GotoBLAS/BLIS \
            schedule: `B` blocks (`kc x nc`) packed into `nr`-wide strips, `A` blocks \
            (`mc x kc`) packed into `mr`-tall strips, and an `mr x nr` micro-kernel keeping \
            its tile of `C` in `vector<8xf32>` accumulators carried by the `k` loop \
            (`vector.broadcast` of `A`, `vector.load` of `B`, `vector.fma`). Row and column \
            remainders get smaller tiles (masked loads and stores for partial vectors); a \
            zeroing nest of `C` right before the matmul is folded into the first K block. \
            Small problems are not packed and keep all of K in the accumulators. Sums are \
            reassociated per tile, so results differ from the loop nest's by rounding.\n\n\
            Statistics: `num-matmuls` (nests scheduled), `num-zero-inits-folded`.",
        anchor: None,
        options: vec![
            int_option("mr", "6", "Rows of the register tile"),
            int_option("nr", "16", "Columns of the register tile (a multiple of 8)"),
            int_option(
                "mc",
                "120",
                "Largest A block rows (rounded to a multiple of mr)",
            ),
            int_option("kc", "256", "Largest K block"),
            int_option(
                "nc",
                "4096",
                "Largest B block columns (rounded to a multiple of nr)",
            ),
            int_option(
                "min-rows",
                "4",
                "Leave matmuls with fewer rows than this as plain nests (matrix-vector products)",
            ),
            PassOptionInfo {
                name: "packing",
                kind: OptionKind::Str,
                default: "auto",
                help: "What to pack: auto (by problem size), none, b, ab",
            },
        ],
        create: |o: &PassOptions| {
            let packing = Packing::parse(o.str("packing")).ok_or_else(|| {
                format!(
                    "packing must be one of auto, none, b, ab, got '{}'",
                    o.str("packing")
                )
            })?;
            let config = Config {
                mr: o.int("mr"),
                nr: o.int("nr"),
                mc: o.int("mc"),
                kc: o.int("kc"),
                nc: o.int("nc"),
                min_rows: o.int("min-rows"),
                packing,
            };
            config.validate()?;
            Ok(Box::new(MatmulMicrokernel { config }))
        },
    }
}

fn int_option(name: &'static str, default: &'static str, help: &'static str) -> PassOptionInfo {
    PassOptionInfo {
        name,
        kind: OptionKind::Int,
        default,
        help,
    }
}

impl Pass for MatmulMicrokernel {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let (scheduled, folded) = schedule_matmuls(ctx, op, &self.config);
        state.count("num-matmuls", scheduled);
        state.count("num-zero-inits-folded", folded);
        Ok(())
    }
}

/// Schedules every matmul nest under `root` with `config` (those with at
/// least `config.min_rows` rows); returns how many nests were scheduled
/// and how many zeroings of `C` were folded.
pub fn schedule_matmuls(ctx: &mut Context, root: OpId, config: &Config) -> (u64, u64) {
    let (mut scheduled, mut folded) = (0, 0);
    for op in ctx.walk_preorder(root) {
        if ctx.is_erased(op) || !ctx.op_is(op, "affine.for") {
            continue;
        }
        let Some(nest) = match_matmul(ctx, op) else {
            continue;
        };
        if nest.m < config.min_rows {
            continue;
        }
        let zero_init = zero_init_nest(ctx, &nest);
        let p = plan(config, nest.m, nest.n, nest.k);
        emit::emit_schedule(ctx, &nest, &p, zero_init.is_some());
        if let Some(z) = zero_init {
            ctx.erase_op(z);
            folded += 1;
        }
        scheduled += 1;
    }
    (scheduled, folded)
}
