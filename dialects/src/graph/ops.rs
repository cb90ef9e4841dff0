//! The op table of the `graph` dialect: every op of `graph-dialect.md`
//! with its family (which decides its verifier, type inference, folds and
//! interpretation), summary, description and an example in custom form.
//!
//! The table is data; [`op_defs`] turns it into the registry's
//! [`OpDef`]s and the language reference is generated from those.

use std::collections::HashMap;
use std::sync::OnceLock;

use tessera_compiler::{OpDef, OpSyntax, OpTraits};

use crate::interp::kernels::{BinaryOp, PoolKind, ReduceOp, UnaryOp};

/// The op families: ops of one family share verification, type inference,
/// folding and interpretation, parameterized by the kernel enum they carry.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// One operand, element-wise; result type = operand type.
    Unary(UnaryOp),
    /// Two operands, element-wise with broadcasting.
    Binary(BinaryOp),
    /// `graph.cmp`.
    Cmp,
    /// `graph.select`.
    Select,
    /// `graph.cast`.
    Cast,
    /// `graph.constant`.
    Constant,
    /// `graph.reshape`.
    Reshape,
    /// `graph.transpose`.
    Transpose,
    /// `graph.broadcast_to`.
    BroadcastTo,
    /// `graph.concat`.
    Concat,
    /// `graph.slice`.
    Slice,
    /// `graph.pad`.
    Pad,
    /// `graph.gather`.
    Gather,
    /// `graph.reduce_*`.
    Reduce(ReduceOp),
    /// `graph.argmax`.
    Argmax,
    /// `graph.softmax` (`log: false`) and `graph.log_softmax` (`log: true`).
    Softmax {
        /// Whether this is the log form.
        log: bool,
    },
    /// `graph.matmul`.
    MatMul,
    /// `graph.conv2d`.
    Conv2d,
    /// `graph.max_pool2d`, `graph.avg_pool2d`.
    Pool(PoolKind),
    /// `graph.batch_norm`.
    BatchNorm,
    /// `graph.layer_norm`.
    LayerNorm,
}

impl Family {
    /// Whether the op is element-wise (its result broadcasts its operands
    /// and each result element depends on the matching operand elements).
    pub fn is_elementwise(self) -> bool {
        matches!(
            self,
            Family::Unary(_) | Family::Binary(_) | Family::Cmp | Family::Select | Family::Cast
        )
    }

    /// Whether the result shape is the broadcast of the operand shapes.
    pub fn is_broadcasting(self) -> bool {
        matches!(self, Family::Binary(_) | Family::Cmp | Family::Select)
    }
}

/// One row of the op table.
#[derive(Clone, Debug)]
pub struct OpInfo {
    /// Full name, `graph.add`.
    pub name: &'static str,
    /// Family.
    pub family: Family,
    /// One line.
    pub summary: &'static str,
    /// Markdown: semantics, type rules, attributes.
    pub description: &'static str,
    /// One op in custom form.
    pub example: &'static str,
}

const UNARY_FLOAT: &str = "Element-wise; the result type equals the operand type. \
The operand must have a float element type (`f32` or `f64`).";
const UNARY_INT: &str = "Element-wise; the result type equals the operand type. \
The operand may have a float (`f32`, `f64`) or integer (`i32`, `i64`) element type; \
integer arithmetic wraps.";

macro_rules! unary {
    ($name:literal, $op:ident, $summary:literal, $rules:expr) => {
        OpInfo {
            name: concat!("graph.", $name),
            family: Family::Unary(UnaryOp::$op),
            summary: $summary,
            description: $rules,
            example: concat!(
                "%y = graph.",
                $name,
                " %x : (tensor<2x3xf32>) -> tensor<2x3xf32>"
            ),
        }
    };
}

const BINARY: &str = "Element-wise with NumPy broadcasting: shapes are right-aligned and a \
dimension of 1 stretches. The result type must equal the broadcast shape with the operands' \
element type. Both operands have the same element type: `f32`, `f64`, `i32` or `i64` \
(integers wrap).";

macro_rules! binary {
    ($name:literal, $op:ident, $summary:literal, $extra:literal) => {
        OpInfo {
            name: concat!("graph.", $name),
            family: Family::Binary(BinaryOp::$op),
            summary: $summary,
            description: $extra,
            example: concat!(
                "%z = graph.",
                $name,
                " %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>"
            ),
        }
    };
}

const REDUCE: &str = "Reduces over `axes` (`array<i64: ...>`, required): non-negative, \
sorted, unique and below the rank. `keepdims` (bool, default `false`) keeps each reduced \
dimension with size 1. The result has the operand's element type.";

macro_rules! reduce {
    ($name:literal, $op:ident, $summary:literal, $extra:literal) => {
        OpInfo {
            name: concat!("graph.", $name),
            family: Family::Reduce(ReduceOp::$op),
            summary: $summary,
            description: $extra,
            example: concat!(
                "%y = graph.",
                $name,
                " %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>"
            ),
        }
    };
}

/// Every op of the dialect, in the order of the spec.
pub static OPS: &[OpInfo] = &[
    unary!("neg", Neg, "Negation: `-x`", UNARY_INT),
    unary!("abs", Abs, "Absolute value: `|x|`", UNARY_INT),
    unary!("exp", Exp, "Exponential: `e^x`", UNARY_FLOAT),
    unary!("log", Log, "Natural logarithm", UNARY_FLOAT),
    unary!("log1p", Log1p, "`ln(1 + x)`, accurate near 0", UNARY_FLOAT),
    unary!("expm1", Expm1, "`e^x - 1`, accurate near 0", UNARY_FLOAT),
    unary!("sqrt", Sqrt, "Square root", UNARY_FLOAT),
    unary!(
        "rsqrt",
        Rsqrt,
        "Reciprocal square root: `1 / sqrt(x)`",
        UNARY_FLOAT
    ),
    unary!("reciprocal", Reciprocal, "Reciprocal: `1 / x`", UNARY_FLOAT),
    unary!("tanh", Tanh, "Hyperbolic tangent", UNARY_FLOAT),
    unary!(
        "sigmoid",
        Sigmoid,
        "Logistic sigmoid: `1 / (1 + e^-x)`",
        UNARY_FLOAT
    ),
    unary!(
        "relu",
        Relu,
        "Rectified linear unit: `max(x, 0)`",
        UNARY_INT
    ),
    unary!(
        "gelu",
        Gelu,
        "Exact GELU: `0.5 * x * (1 + erf(x / sqrt(2)))`",
        UNARY_FLOAT
    ),
    unary!("erf", Erf, "The error function", UNARY_FLOAT),
    unary!("sin", Sin, "Sine", UNARY_FLOAT),
    unary!("cos", Cos, "Cosine", UNARY_FLOAT),
    unary!(
        "floor",
        Floor,
        "Round toward negative infinity",
        UNARY_FLOAT
    ),
    unary!("ceil", Ceil, "Round toward positive infinity", UNARY_FLOAT),
    unary!("square", Square, "Square: `x * x`", UNARY_INT),
    binary!("add", Add, "Addition with broadcasting", ""),
    binary!("sub", Sub, "Subtraction with broadcasting", ""),
    binary!("mul", Mul, "Multiplication with broadcasting", ""),
    binary!(
        "div",
        Div,
        "Division with broadcasting",
        "Integer division truncates toward zero; an integer division by zero is an error at run time."
    ),
    binary!(
        "max",
        Max,
        "Element-wise maximum with broadcasting",
        "NaN propagates. Also accepts `i1` (logical or)."
    ),
    binary!(
        "min",
        Min,
        "Element-wise minimum with broadcasting",
        "NaN propagates. Also accepts `i1` (logical and)."
    ),
    binary!(
        "pow",
        Pow,
        "Power `a ^ b` with broadcasting",
        "For integers, a negative exponent is an error at run time."
    ),
    OpInfo {
        name: "graph.cmp",
        family: Family::Cmp,
        summary: "Element-wise comparison with broadcasting; an `i1` result",
        description: "`predicate` (string, required) is one of `\"eq\"`, `\"ne\"`, `\"lt\"`, \
`\"le\"`, `\"gt\"`, `\"ge\"`. Both operands have the same element type (any); the result has \
the broadcast shape and element type `i1`. Comparisons with NaN are false except `ne`.",
        example: "%c = graph.cmp %x, %y {predicate = \"lt\"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>",
    },
    OpInfo {
        name: "graph.select",
        family: Family::Select,
        summary: "`np.where(cond, a, b)` with all three operands broadcast",
        description: "`cond` must have element type `i1`; `a` and `b` share an element type, \
which is the result's. The result shape is the broadcast of all three shapes.",
        example: "%r = graph.select %c, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>",
    },
    OpInfo {
        name: "graph.cast",
        family: Family::Cast,
        summary: "Element type conversion",
        description: "The result has the operand's shape and any element type. Float to integer \
truncates toward zero (saturating; NaN gives 0), integer to narrower integer wraps, anything \
to `i1` is `x != 0`, and `i1` to a number gives 0 or 1.",
        example: "%y = graph.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>",
    },
    OpInfo {
        name: "graph.constant",
        family: Family::Constant,
        summary: "A constant tensor",
        description: "`value` (dense elements, required) holds the tensor; its type is the \
result type. Splats (`dense<0.0>`) and hex blobs (`dense<\"0x...\">`, little-endian, \
row-major) are accepted.",
        example: "%c = graph.constant {value = dense<[[1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>",
    },
    OpInfo {
        name: "graph.reshape",
        family: Family::Reshape,
        summary: "The same elements in C order, in the shape of the result type",
        description: "The result has the operand's element type and the same number of \
elements (`np.reshape`).",
        example: "%y = graph.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>",
    },
    OpInfo {
        name: "graph.transpose",
        family: Family::Transpose,
        summary: "Permutes the dimensions: `np.transpose(a, perm)`",
        description: "`perm` (`array<i64: ...>`, required) is a permutation of `0..rank`; \
result dimension `i` is operand dimension `perm[i]`.",
        example: "%y = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>",
    },
    OpInfo {
        name: "graph.broadcast_to",
        family: Family::BroadcastTo,
        summary: "Broadcasts to the shape of the result type: `np.broadcast_to`",
        description: "The operand's dimensions, right-aligned against the result's, must each \
equal the result's or be 1; the result may add leading dimensions. The element type is kept.",
        example: "%y = graph.broadcast_to %x : (tensor<3xf32>) -> tensor<2x3xf32>",
    },
    OpInfo {
        name: "graph.concat",
        family: Family::Concat,
        summary: "Concatenates along `axis`: `np.concatenate`",
        description: "One or more operands of the same rank (at least 1) and element type, \
equal in every dimension but `axis` (integer, required; a negative axis counts from the end). \
The result's `axis` dimension is the sum of the operands'.",
        example: "%y = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>",
    },
    OpInfo {
        name: "graph.slice",
        family: Family::Slice,
        summary: "A strided slice `a[s0:l0:st0, ...]`",
        description: "`starts` and `limits` (`array<i64: ...>`, required) and `strides` \
(default all 1) have one entry per dimension, with `0 <= start <= limit <= size` and \
`stride >= 1`. Result dimension `k` is `ceil((limits[k] - starts[k]) / strides[k])`.",
        example: "%y = graph.slice %x {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>, strides = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>",
    },
    OpInfo {
        name: "graph.pad",
        family: Family::Pad,
        summary: "Pads with a constant: `np.pad(a, zip(low, high), constant_values=value)`",
        description: "`low` and `high` (`array<i64: ...>`, required) have one non-negative \
entry per dimension; `value` (a number, default `0.0`) is converted to the element type as \
by `graph.cast`.",
        example: "%y = graph.pad %x {high = array<i64: 0, 1>, low = array<i64: 1, 0>, value = 0.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<3x4xf32>",
    },
    OpInfo {
        name: "graph.gather",
        family: Family::Gather,
        summary: "Takes elements along `axis`: `np.take(a, indices, axis)`",
        description: "`indices` have element type `i32` or `i64`; `axis` (integer, required; \
negative counts from the end). The result shape is `a.shape[:axis] + indices.shape + \
a.shape[axis+1:]`. An index outside `-size..size` is an error at run time.",
        example: "%y = graph.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>",
    },
    reduce!(
        "reduce_sum",
        Sum,
        "Sum over `axes`",
        "Element types `f32`, `f64`, `i32`, `i64`."
    ),
    reduce!(
        "reduce_max",
        Max,
        "Maximum over `axes`",
        "Element types `f32`, `f64`, `i1`, `i32`, `i64`; NaN propagates. The reduced dimensions must not be empty."
    ),
    reduce!(
        "reduce_min",
        Min,
        "Minimum over `axes`",
        "Element types `f32`, `f64`, `i1`, `i32`, `i64`; NaN propagates. The reduced dimensions must not be empty."
    ),
    reduce!(
        "reduce_mean",
        Mean,
        "Arithmetic mean over `axes`",
        "Element types `f32`, `f64`."
    ),
    reduce!(
        "reduce_prod",
        Prod,
        "Product over `axes`",
        "Element types `f32`, `f64`, `i32`, `i64`."
    ),
    OpInfo {
        name: "graph.argmax",
        family: Family::Argmax,
        summary: "Index of the largest element along `axis`; an `i64` result",
        description: "`axis` (integer, required; negative counts from the end), `keepdims` \
(bool, default `false`). The first index wins on ties, and the first NaN if any. The axis \
must not be empty.",
        example: "%y = graph.argmax %x {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>",
    },
    OpInfo {
        name: "graph.softmax",
        family: Family::Softmax { log: false },
        summary: "Softmax along `axis`, max-subtracted",
        description: "`exp(x - max) / sum(exp(x - max))` along `axis` (integer, required; \
negative counts from the end). Float element types; the result type equals the operand type.",
        example: "%y = graph.softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>",
    },
    OpInfo {
        name: "graph.log_softmax",
        family: Family::Softmax { log: true },
        summary: "Log-softmax along `axis`, max-subtracted",
        description: "`x - max - log(sum(exp(x - max)))` along `axis` (integer, required; \
negative counts from the end). Float element types; the result type equals the operand type.",
        example: "%y = graph.log_softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>",
    },
    OpInfo {
        name: "graph.matmul",
        family: Family::MatMul,
        summary: "Matrix product with broadcast batch dimensions: `np.matmul`",
        description: "`a: [..., M, K]` and `b: [..., K, N]`, both of rank at least 2 and of \
the same element type (`f32`, `f64`, `i32`, `i64`), give `[..., M, N]`; the batch dimensions \
broadcast.",
        example: "%y = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>",
    },
    OpInfo {
        name: "graph.conv2d",
        family: Family::Conv2d,
        summary: "2-D cross-correlation on NCHW tensors, as in PyTorch and ONNX",
        description: "`x: [N, C, H, W]` and `w: [O, C/groups, KH, KW]` of a float element \
type give `[N, O, OH, OW]` with `OH = (H + top + bottom - dh*(KH-1) - 1) / sh + 1` (and \
likewise `OW`). Attributes: `strides = array<i64: sh, sw>` (default 1, 1), `padding = \
array<i64: top, left, bottom, right>` (default 0s), `dilations = array<i64: dh, dw>` (default \
1, 1), `groups` (integer, default 1), which must divide both `C` and `O`.",
        example: "%y = graph.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>",
    },
    OpInfo {
        name: "graph.max_pool2d",
        family: Family::Pool(PoolKind::Max),
        summary: "2-D max pooling on NCHW tensors; padding counts as -inf",
        description: "`kernel = array<i64: kh, kw>` and `strides = array<i64: sh, sw>` \
(required, each at least 1), `padding = array<i64: top, left, bottom, right>` (default 0s, \
each smaller than the kernel in its dimension). `OH = (H + top + bottom - kh) / sh + 1`. \
Float element types.",
        example: "%y = graph.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>",
    },
    OpInfo {
        name: "graph.avg_pool2d",
        family: Family::Pool(PoolKind::Avg),
        summary: "2-D average pooling on NCHW tensors over the non-padding elements",
        description: "Attributes and shapes as `graph.max_pool2d`; each output divides by the \
number of non-padding elements in its window. Float element types.",
        example: "%y = graph.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>",
    },
    OpInfo {
        name: "graph.batch_norm",
        family: Family::BatchNorm,
        summary: "Batch normalization, inference form",
        description: "Operands `x: [N, C, ...]` (rank at least 2), then `scale`, `bias`, \
`mean`, `var`, each of shape `[C]`; all of one float element type. The result is \
`(x - mean) / sqrt(var + epsilon) * scale + bias` per channel, with `epsilon` (float, \
required, non-negative).",
        example: "%y = graph.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.000000e-05 : f64} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>",
    },
    OpInfo {
        name: "graph.layer_norm",
        family: Family::LayerNorm,
        summary: "Layer normalization over the dimensions from `axis` on",
        description: "Operands `x`, `scale`, `bias` of one float element type, where `scale` \
and `bias` have the shape `x.shape[axis:]`. Normalizes over those dimensions to zero mean and \
unit (population) variance, then `* scale + bias`. `axis` (integer, required; negative counts \
from the end), `epsilon` (float, required, non-negative).",
        example: "%y = graph.layer_norm %x, %scale, %bias {axis = 1 : i64, epsilon = 1.000000e-05 : f64} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>",
    },
];

/// The table row of an op name, if it is a `graph` op.
pub fn op_info(name: &str) -> Option<&'static OpInfo> {
    static INDEX: OnceLock<HashMap<&'static str, &'static OpInfo>> = OnceLock::new();
    INDEX
        .get_or_init(|| OPS.iter().map(|i| (i.name, i)).collect())
        .get(name)
        .copied()
}

/// The family of an op name, if it is a `graph` op.
pub fn family_of(name: &str) -> Option<Family> {
    op_info(name).map(|i| i.family)
}

/// The traits of a family's ops.
fn traits(family: Family) -> OpTraits {
    match family {
        Family::Binary(BinaryOp::Add | BinaryOp::Mul | BinaryOp::Max | BinaryOp::Min) => {
            OpTraits::PURE | OpTraits::COMMUTATIVE
        }
        Family::Constant => OpTraits::PURE | OpTraits::CONSTANT_LIKE,
        _ => OpTraits::PURE,
    }
}

/// The full Markdown description of an op: the table's text, the rules
/// shared by the family, and the example.
fn full_description(info: &OpInfo) -> String {
    let mut d = String::new();
    match info.family {
        Family::Binary(_) => {
            d.push_str(BINARY);
            if !info.description.is_empty() {
                d.push(' ');
                d.push_str(info.description);
            }
        }
        Family::Reduce(_) => {
            d.push_str(REDUCE);
            d.push(' ');
            d.push_str(info.description);
        }
        _ => d.push_str(info.description),
    }
    d.push_str("\n\nExample:\n\n```mlir\n");
    d.push_str(info.example);
    d.push_str("\n```\n");
    d
}

/// The registry definitions of every `graph` op.
pub fn op_defs() -> Vec<OpDef> {
    OPS.iter()
        .map(|info| {
            let mut def = OpDef::new(info.name, info.summary)
                .description(&full_description(info))
                .traits(traits(info.family))
                .syntax(OpSyntax::Functional)
                .verify(super::verify::verify_op)
                .fold(super::fold::fold_op);
            if let Some(p) = super::fold::patterns_for(info.family) {
                def = def.patterns(p);
            }
            def
        })
        .collect()
}
