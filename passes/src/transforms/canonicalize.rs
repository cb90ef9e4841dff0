//! `canonicalize`: folds ops, applies every registered op's
//! canonicalization patterns and erases dead ops, to a fixed point, with
//! the greedy driver of [`tessera_compiler::rewrite`].
//!
//! As in MLIR, the patterns come from the ops, not from the pass: each
//! [`OpDef`](tessera_compiler::OpDef)'s `patterns` hook contributes its
//! patterns, and its `fold` hook its folds. Failing to converge within the
//! limits is not an error; the pass warns at the root op and leaves the
//! IR as valid as every rewrite leaves it.

use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::rewrite::{
    GreedyConfig, GreedyResult, PatternSet, StopReason, apply_patterns_greedily,
};
use tessera_compiler::{Context, Diagnostic, OpId};

/// The `canonicalize` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Canonicalize {
    config: GreedyConfig,
    disabled: Vec<String>,
    enabled: Vec<String>,
}

/// The registry entry of `canonicalize`.
pub fn canonicalize_info() -> PassInfo {
    PassInfo {
        name: "canonicalize",
        summary: "Fold ops, apply canonicalization patterns and erase dead ops to a fixed point",
        description: "Runs the greedy pattern driver on the nested IR: each op is folded with its \
            `fold` hook (constant operands come from constant-like ops; constant results are \
            built by the op's dialect), dead pure ops are erased, equal constants are uniqued \
            and hoisted to the entry block of the enclosing isolated region, and the \
            canonicalization patterns of every registered op are applied, until nothing \
            changes.\n\nWhen `max-iterations` or `max-num-rewrites` stops the driver first, \
            the pass emits a warning at the root op; the IR is still valid.\n\nStatistics: \
            `num-folds`, `num-patterns-applied` and one `num-applied(<pattern>)` per pattern, \
            `num-dead-erased`, `num-ops-erased`, `num-constants-uniqued`, `num-iterations`, \
            `stop-reason`.",
        anchor: None,
        options: vec![
            PassOptionInfo {
                name: "max-iterations",
                kind: OptionKind::Int,
                default: "10",
                help: "Walks of the IR before giving up; -1 for no limit",
            },
            PassOptionInfo {
                name: "max-num-rewrites",
                kind: OptionKind::Int,
                default: "-1",
                help: "Folds and pattern applications before giving up; -1 for no limit",
            },
            PassOptionInfo {
                name: "top-down",
                kind: OptionKind::Bool,
                default: "true",
                help: "Visit ops in program order (false: users before producers)",
            },
            PassOptionInfo {
                name: "disable-patterns",
                kind: OptionKind::List,
                default: "",
                help: "Names of patterns not to apply",
            },
            PassOptionInfo {
                name: "enable-patterns",
                kind: OptionKind::List,
                default: "",
                help: "If given, only these patterns are applied",
            },
        ],
        create: |options| Ok(Box::new(Canonicalize::from_options(options)?)),
    }
}

impl Canonicalize {
    /// The pass with its default options.
    pub fn new() -> Self {
        Canonicalize {
            config: GreedyConfig::default(),
            disabled: Vec::new(),
            enabled: Vec::new(),
        }
    }

    /// The pass configured by checked options (see [`canonicalize_info`]).
    pub fn from_options(options: &PassOptions) -> Result<Self, String> {
        let max_iterations = match options.int("max-iterations") {
            -1 => None,
            n if n >= 1 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            n => return Err(format!("max-iterations must be at least 1 or -1, got {n}")),
        };
        let max_rewrites = match options.int("max-num-rewrites") {
            -1 => None,
            n if n >= 0 => Some(n as u64),
            n => {
                return Err(format!(
                    "max-num-rewrites must be at least 0 or -1, got {n}"
                ));
            }
        };
        Ok(Canonicalize {
            config: GreedyConfig {
                max_iterations,
                max_rewrites,
                top_down: options.bool("top-down"),
                fold: true,
            },
            disabled: options.list("disable-patterns"),
            enabled: options.list("enable-patterns"),
        })
    }

    /// The greedy driver configuration this pass runs with.
    pub fn config(&self) -> &GreedyConfig {
        &self.config
    }

    /// The registered patterns, less the disabled ones.
    fn patterns(&self, ctx: &Context) -> PatternSet {
        let mut set = PatternSet::from_registry(ctx);
        set.retain(|p| {
            let name = p.name();
            !self.disabled.iter().any(|d| d == name)
                && (self.enabled.is_empty() || self.enabled.iter().any(|e| e == name))
        });
        set
    }
}

impl Default for Canonicalize {
    fn default() -> Self {
        Self::new()
    }
}

impl Pass for Canonicalize {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let patterns = self.patterns(ctx);
        let result = apply_patterns_greedily(ctx, op, &patterns, &self.config);
        record(state, &result);
        if !result.converged {
            let loc = ctx.op(op).loc;
            state.diagnostics.push(Diagnostic::warning(
                loc,
                not_converged(&self.config, &result),
            ));
        }
        Ok(())
    }
}

fn record(state: &mut PassState, r: &GreedyResult) {
    state.count("num-iterations", u64::from(r.iterations));
    state.count("num-folds", r.folds);
    state.count("num-patterns-applied", r.num_rewrites - r.folds);
    for (name, n) in &r.rewrites {
        state.count(&format!("num-applied({name})"), *n);
    }
    state.count("num-dead-erased", r.dead_erased);
    state.count("num-constants-uniqued", r.constants_deduplicated);
    state.count("num-ops-erased", r.ops_erased);
    state.set_text("stop-reason", r.stop_reason.name());
}

fn not_converged(config: &GreedyConfig, r: &GreedyResult) -> String {
    let why = match r.stop_reason {
        StopReason::MaxRewrites => format!(
            "stopped after max-num-rewrites={} rewrites",
            config.max_rewrites.unwrap_or(0)
        ),
        StopReason::RunawayIteration => format!(
            "stopped after {} rewrites in one iteration; patterns may be undoing each other",
            r.num_rewrites
        ),
        StopReason::MaxIterations | StopReason::Converged => {
            format!("the IR still changed after max-iterations={}", r.iterations)
        }
    };
    let mut top: Vec<(&String, &u64)> = r.rewrites.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let busiest: Vec<String> = top
        .iter()
        .take(3)
        .map(|(n, c)| format!("{n} ({c})"))
        .collect();
    let mut msg = format!("canonicalize did not converge: {why}");
    if !busiest.is_empty() {
        msg.push_str(&format!("; most applied: {}", busiest.join(", ")));
    }
    msg
}
