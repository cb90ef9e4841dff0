//! `affine-loop-unroll`: unrolls `affine.for` loops, as MLIR's pass of that
//! name.
//!
//! By default every innermost loop is unrolled by `unroll-factor`: the
//! step is multiplied by the factor and the body copied that many times,
//! copy `i` using the induction variable plus `i * step` (an
//! `affine.apply`) and the loop-carried values yielded by copy `i - 1`.
//! When the trip count may not be a multiple of the factor, a cleanup
//! loop (a copy of the original) runs the last iterations; its lower
//! bound, which is also the unrolled loop's new upper bound, is
//! `lb + (tc - tc mod factor) * step`. A loop with a multi-result bound
//! needs no cleanup or is left alone, as is a loop with fewer iterations
//! than the factor (unless `unroll-up-to-factor`, which then unrolls it
//! fully). A loop left with a single iteration is replaced by its body.
//!
//! `unroll-full` unrolls innermost loops of constant trip count fully;
//! with `unroll-full-threshold=N` (N > 0) it unrolls fully every loop, at
//! any depth, whose constant trip count is at most N. `cleanup-unroll`
//! unrolls fully, instead of adding a cleanup loop, when the trip count is
//! not a multiple of the factor. `unroll-num-reps` repeats the innermost
//! unrolling that many times.

use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, OpId};

use super::loops::{
    LoopBounds, constant_trip_count, innermost_loops, unroll_by_factor, unroll_full,
};

/// The `affine-loop-unroll` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct AffineLoopUnroll {
    /// The factor loops are unrolled by.
    pub factor: i64,
    /// Unroll loops with fewer iterations than `factor` fully.
    pub up_to_factor: bool,
    /// Unroll fully.
    pub full: bool,
    /// With `full`, unroll every loop of at most this many iterations (0: innermost loops only).
    pub full_threshold: i64,
    /// How many times innermost loops are unrolled.
    pub num_reps: i64,
    /// Unroll fully rather than add a cleanup loop.
    pub cleanup_full: bool,
}

/// The registry entry of `affine-loop-unroll`.
pub fn unroll_info() -> PassInfo {
    PassInfo {
        name: "affine-loop-unroll",
        summary: "Unroll affine loops",
        description: "Unrolls every innermost `affine.for` by `unroll-factor` (the body copied, \
            the step multiplied; a cleanup loop runs the remaining iterations when the trip \
            count may not be a multiple of the factor; loop-carried values chain through the \
            copies). `unroll-full` unrolls innermost loops of constant trip count fully, and \
            with `unroll-full-threshold=N` every loop of at most N iterations. A loop left \
            with one iteration is replaced by its body.\n\nStatistics: `num-unrolled`.",
        anchor: Some("func.func"),
        options: vec![
            PassOptionInfo {
                name: "unroll-factor",
                kind: OptionKind::Int,
                default: "4",
                help: "Use this unroll factor for all loops being unrolled",
            },
            PassOptionInfo {
                name: "unroll-up-to-factor",
                kind: OptionKind::Bool,
                default: "false",
                help: "Allow unrolling up to the factor specified (fully unroll shorter loops)",
            },
            PassOptionInfo {
                name: "unroll-full",
                kind: OptionKind::Bool,
                default: "false",
                help: "Fully unroll loops",
            },
            PassOptionInfo {
                name: "unroll-full-threshold",
                kind: OptionKind::Int,
                default: "0",
                help: "With unroll-full, unroll all loops with trip count less than or equal to \
                    this (0: only innermost loops)",
            },
            PassOptionInfo {
                name: "unroll-num-reps",
                kind: OptionKind::Int,
                default: "1",
                help: "Unroll innermost loops repeatedly this many times",
            },
            PassOptionInfo {
                name: "cleanup-unroll",
                kind: OptionKind::Bool,
                default: "false",
                help: "Fully unroll the loop rather than add a cleanup loop",
            },
        ],
        create: create_unroll,
    }
}

fn create_unroll(o: &PassOptions) -> Result<Box<dyn Pass>, String> {
    let factor = o.int("unroll-factor");
    if factor < 1 {
        return Err(format!("unroll-factor must be at least 1, got {factor}"));
    }
    let full_threshold = o.int("unroll-full-threshold");
    if full_threshold < 0 {
        return Err(format!(
            "unroll-full-threshold must not be negative, got {full_threshold}"
        ));
    }
    Ok(Box::new(AffineLoopUnroll {
        factor,
        up_to_factor: o.bool("unroll-up-to-factor"),
        full: o.bool("unroll-full"),
        full_threshold,
        num_reps: o.int("unroll-num-reps").max(1),
        cleanup_full: o.bool("cleanup-unroll"),
    }))
}

impl AffineLoopUnroll {
    /// Unrolls one loop as the options say; returns whether it changed.
    fn unroll(&self, ctx: &mut Context, op: OpId) -> bool {
        if self.full {
            return unroll_full(ctx, op).unwrap_or(false);
        }
        let tc = LoopBounds::of(ctx, op).and_then(|b| constant_trip_count(&b));
        let factor = match tc {
            Some(tc) if self.up_to_factor && tc < self.factor => tc,
            _ => self.factor,
        };
        unroll_by_factor(ctx, op, factor, self.cleanup_full).unwrap_or(false)
    }
}

impl Pass for AffineLoopUnroll {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut unrolled = 0;
        if self.full && self.full_threshold > 0 {
            // Innermost first, so unrolling an outer loop never copies a
            // loop still to be visited.
            let loops: Vec<OpId> = ctx
                .walk_postorder(func)
                .into_iter()
                .filter(|&o| ctx.op_is(o, "affine.for"))
                .collect();
            for op in loops {
                let tc = LoopBounds::of(ctx, op).and_then(|b| constant_trip_count(&b));
                if tc.is_some_and(|tc| tc <= self.full_threshold)
                    && unroll_full(ctx, op).unwrap_or(false)
                {
                    unrolled += 1;
                }
            }
        } else {
            for _ in 0..self.num_reps {
                let mut any = false;
                for op in innermost_loops(ctx, func) {
                    if self.unroll(ctx, op) {
                        unrolled += 1;
                        any = true;
                    }
                }
                if !any {
                    break;
                }
            }
        }
        state.count("num-unrolled", unrolled);
        Ok(())
    }
}
