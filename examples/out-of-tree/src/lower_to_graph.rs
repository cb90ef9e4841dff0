//! `toy-lower-to-graph`: rewrites `toy` ops to their `graph` dialect
//! counterparts, after which every Tessera pass and tool (the reference
//! interpreter of `tensor-run` included) understands the program.
//!
//! | toy | graph |
//! |---|---|
//! | `toy.constant` | `graph.constant` (same `value`) |
//! | `toy.add` | `graph.add` |
//! | `toy.mul` | `graph.mul` |
//! | `toy.transpose` | `graph.transpose {perm = array<i64: 1, 0>}` |
//! | `toy.reshape` | `graph.reshape` |
//!
//! The `ops` option lowers only some of them (a partial lowering); the
//! rest stay `toy` ops, which `graph` ops may use and be used by, since both
//! dialects work on the same tensor types.

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, OpId};

/// Each toy op and the graph op it becomes.
const LOWERINGS: &[(&str, &str)] = &[
    ("toy.constant", "graph.constant"),
    ("toy.add", "graph.add"),
    ("toy.mul", "graph.mul"),
    ("toy.transpose", "graph.transpose"),
    ("toy.reshape", "graph.reshape"),
];

/// The registry entry of `toy-lower-to-graph`.
pub fn lower_to_graph_info() -> PassInfo {
    PassInfo {
        name: "toy-lower-to-graph",
        summary: "Lower toy ops to graph ops",
        description: "Replaces `toy.constant`, `toy.add`, `toy.mul`, `toy.transpose` and \
            `toy.reshape` by `graph.constant`, `graph.add`, `graph.mul`, `graph.transpose` \
            (with `perm = array<i64: 1, 0>`) and `graph.reshape`, keeping operands, result \
            types, attributes and locations.\n\nStatistics: `num-lowered`.",
        anchor: Some("func.func"),
        options: vec![PassOptionInfo {
            name: "ops",
            kind: OptionKind::List,
            default: "",
            help: "Lower only these toy ops (e.g. add,mul); all when empty",
        }],
        create: |options| Ok(Box::new(LowerToGraph::from_options(options)?)),
    }
}

/// The `toy-lower-to-graph` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct LowerToGraph {
    /// `(toy op, graph op)` pairs to lower.
    lowerings: Vec<(&'static str, &'static str)>,
}

impl LowerToGraph {
    /// The pass configured by checked options; an unknown op name in `ops`
    /// is an error that lists the valid ones.
    pub fn from_options(options: &PassOptions) -> Result<Self, String> {
        let wanted = options.list("ops");
        if wanted.is_empty() {
            return Ok(LowerToGraph {
                lowerings: LOWERINGS.to_vec(),
            });
        }
        let mut lowerings = Vec::new();
        for name in &wanted {
            let full = format!("toy.{name}");
            match LOWERINGS.iter().find(|(toy, _)| *toy == full) {
                Some(&pair) => lowerings.push(pair),
                None => {
                    let valid: Vec<&str> = LOWERINGS
                        .iter()
                        .map(|(toy, _)| toy.trim_start_matches("toy."))
                        .collect();
                    return Err(format!(
                        "unknown toy op '{name}' in ops; valid: {}",
                        valid.join(", ")
                    ));
                }
            }
        }
        Ok(LowerToGraph { lowerings })
    }

    /// The graph op `op` lowers to, if it is one of the selected toy ops.
    fn target(&self, ctx: &Context, op: OpId) -> Option<&'static str> {
        let name = ctx.op_name_of(op);
        self.lowerings
            .iter()
            .find(|(toy, _)| *toy == name)
            .map(|&(_, graph)| graph)
    }
}

impl Pass for LowerToGraph {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let mut lowered = 0;
        // A snapshot of the ops: each is replaced where it stands.
        for op in ctx.walk_preorder(func) {
            let Some(graph_name) = self.target(ctx, op) else {
                continue;
            };
            let data = ctx.op(op);
            let (operands, results, attrs, loc) = (
                data.operands.clone(),
                data.results.clone(),
                data.attrs.clone(),
                data.loc,
            );
            let name = ctx.op_name(graph_name);
            let mut new = OperationState::new(name, loc).operands(&operands);
            new.result_types = results.iter().map(|&r| ctx.value_type(r)).collect();
            new.attrs = attrs;
            if graph_name == "graph.transpose" {
                let perm = ctx.symbol("perm");
                let value = ctx.i64_array_attr(&[1, 0]);
                new.set_attr(perm, value);
            }
            let new = Builder::new(ctx, InsertPoint::Before(op)).insert(new);
            for (i, old) in results.into_iter().enumerate() {
                let replacement = ctx.result(new, i);
                ctx.replace_all_uses(old, replacement);
            }
            ctx.erase_op(op);
            lowered += 1;
        }
        state.count("num-lowered", lowered);
        Ok(())
    }
}
