//! The cost model: what one op costs, from the shapes.
//!
//! The work of an op is
//!
//! ```text
//! work = OP_OVERHEAD + flops + bytes
//! ```
//!
//! - `flops`: arithmetic per element times elements (below), or the usual
//!   counts for contractions: `2·M·K·N` per matmul, `2·out·(C/groups)·KH·KW`
//!   per convolution, `out·KH·KW` per pooling window.
//! - `bytes`: bytes moved: every tensor operand read once plus the result
//!   written once, at the element type's width (`f32` 4, `f64` 8, `i1` 1,
//!   `i32` 4, `i64` 8). `graph.reshape` is a view and moves nothing.
//! - [`OP_OVERHEAD`]: a fixed cost per op (a loop nest to set up, a kernel
//!   to launch), so that fewer ops win on small tensors and every op node
//!   costs more than nothing, which keeps extraction acyclic.
//!
//! Constants, inputs and attribute leaves cost nothing: they are data.
//!
//! Element-wise FLOPs per element: 1 for `neg`, `abs`, `relu`, `floor`,
//! `ceil`, `square`, `add`, `sub`, `mul`, `max`, `min`, `cmp`, `select`
//! and `cast`; 4 for `div`, `sqrt`, `rsqrt`, `reciprocal`; 10 for `exp`,
//! `log`, `log1p`, `expm1`, `sin`, `cos`; 12 for `tanh`, `sigmoid`; 15 for
//! `erf`; 20 for `gelu` and `pow`. Reductions and `argmax` cost one FLOP
//! per input element (`reduce_mean` one more per output); `softmax` 17 and
//! `log_softmax` 14 per element (max, subtract, exp, sum, and a divide or
//! a subtract); `batch_norm` 5 and `layer_norm` 8 per element.
//!
//! Numerical stability comes first: a [`Cost`] counts the *unstable*
//! nodes it includes (the roots of forms a stability rule rewrote, see
//! [`rules::stability`](super::rules::stability)) before the work, so a
//! stable program always beats an unstable one, whatever the FLOPs.

use std::fmt;
use std::ops::Add;

use tessera_dialects::graph::TensorType;
use tessera_dialects::graph::ops::Family;
use tessera_dialects::interp::kernels::{BinaryOp, ReduceOp, UnaryOp};

use super::lang::Graph;

/// The fixed cost of one op, in the units of work (bytes or FLOPs).
pub const OP_OVERHEAD: u64 = 64;

/// The cost of a program or a node: unstable nodes, then work. Ordered
/// lexicographically.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cost {
    /// Numerically unstable nodes.
    pub unstable: u64,
    /// FLOPs plus bytes moved plus the per-op overhead.
    pub work: u64,
}

impl Cost {
    /// Nothing.
    pub const ZERO: Cost = Cost {
        unstable: 0,
        work: 0,
    };

    /// A stable node of `work`.
    pub fn work(work: u64) -> Cost {
        Cost { unstable: 0, work }
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost {
            unstable: self.unstable.saturating_add(o.unstable),
            work: self.work.saturating_add(o.work),
        }
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unstable > 0 {
            write!(f, "{} ({} unstable)", self.work, self.unstable)
        } else {
            write!(f, "{}", self.work)
        }
    }
}

/// FLOPs per element of a one-operand element-wise op.
pub fn unary_flops(op: UnaryOp) -> u64 {
    use UnaryOp::*;
    match op {
        Neg | Abs | Relu | Floor | Ceil | Square => 1,
        Sqrt | Rsqrt | Reciprocal => 4,
        Exp | Log | Log1p | Expm1 | Sin | Cos => 10,
        Tanh | Sigmoid => 12,
        Erf => 15,
        Gelu => 20,
    }
}

/// FLOPs per element of a two-operand element-wise op.
pub fn binary_flops(op: BinaryOp) -> u64 {
    match op {
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Max | BinaryOp::Min => 1,
        BinaryOp::Div => 4,
        BinaryOp::Pow => 20,
    }
}

/// The bytes a tensor of type `t` occupies.
pub fn bytes(t: &TensorType) -> u64 {
    t.num_elements().saturating_mul(t.elem.byte_width() as u64)
}

/// The work of one op of `family` (see the [module docs](self)).
pub fn op_work(
    family: Family,
    operands: &[&TensorType],
    result: &TensorType,
    leaves: &[&Graph],
) -> u64 {
    let out = result.num_elements();
    let input = operands.first().map_or(0, |t| t.num_elements());
    let flops: u64 = match family {
        Family::Constant => return 0,
        Family::Unary(op) => out.saturating_mul(unary_flops(op)),
        Family::Binary(op) => out.saturating_mul(binary_flops(op)),
        Family::Cmp | Family::Select | Family::Cast => out,
        Family::Reshape => return OP_OVERHEAD,
        Family::Transpose
        | Family::BroadcastTo
        | Family::Concat
        | Family::Slice
        | Family::Pad
        | Family::Gather => 0,
        Family::Reduce(ReduceOp::Mean) => input.saturating_add(out),
        Family::Reduce(_) | Family::Argmax => input,
        Family::Softmax { log: false } => out.saturating_mul(17),
        Family::Softmax { log: true } => out.saturating_mul(14),
        Family::MatMul => {
            let k = operands
                .first()
                .and_then(|a| a.shape.last())
                .map_or(0, |&k| k.max(0) as u64);
            out.saturating_mul(k).saturating_mul(2)
        }
        Family::Conv2d => {
            // 2 · out · (C/groups) · KH · KW = 2 · out · |w| / O.
            let w = operands.get(1);
            let per_out = w.map_or(0, |w| {
                let o = w.shape.first().map_or(1, |&o| o.max(1) as u64);
                w.num_elements() / o
            });
            out.saturating_mul(per_out).saturating_mul(2)
        }
        Family::Pool(_) => {
            let window = match leaves.first() {
                Some(Graph::Ints(k)) => k.0.iter().map(|&d| d.max(0) as u64).product(),
                _ => 1,
            };
            out.saturating_mul(window)
        }
        Family::BatchNorm => out.saturating_mul(5),
        Family::LayerNorm => out.saturating_mul(8),
    };
    let moved = operands
        .iter()
        .map(|t| bytes(t))
        .fold(bytes(result), u64::saturating_add);
    OP_OVERHEAD.saturating_add(flops).saturating_add(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_dialects::graph::ElemType;

    fn t(shape: &[i64]) -> TensorType {
        TensorType::new(shape.to_vec(), ElemType::F32)
    }

    #[test]
    fn matmul_counts_two_flops_per_multiply_add() {
        let (a, b, c) = (t(&[2, 3]), t(&[3, 4]), t(&[2, 4]));
        let w = op_work(Family::MatMul, &[&a, &b], &c, &[]);
        assert_eq!(w, OP_OVERHEAD + 2 * 2 * 3 * 4 + 4 * (6 + 12 + 8));
    }

    #[test]
    fn unstable_dominates_work() {
        assert!(
            Cost::work(1_000_000)
                < Cost {
                    unstable: 1,
                    work: 0
                }
        );
        assert_eq!(Cost::work(2) + Cost::work(3), Cost::work(5));
    }
}
