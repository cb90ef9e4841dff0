//! The e-graph language of the `graph` dialect: one e-node kind per pure
//! op of the spec, and leaves.
//!
//! An op node's children are its operands' e-classes followed by its
//! attributes, each a leaf e-class, as in Tensat: `graph.transpose %x {perm
//! = array<i64: 1, 0>}` is `(transpose ?x [1,0])` and `graph.reduce_sum %x
//! {axes = array<i64: 1>}` is `(reduce_sum ?x [1] false)`. Attributes are
//! written out with the dialect's defaults filled in and axes made
//! non-negative, so two spellings of one op are one e-node. The three ops
//! that take part of their result type from the op (`reshape`,
//! `broadcast_to`, `cast`) carry it as a leaf too: `(reshape ?x [3,2])`,
//! `(cast ?x i32)`. [`leaf_specs`] lists each family's leaves in order.
//!
//! | leaf | written | holds |
//! |------|---------|-------|
//! | [`Graph::Int`] | `1` | an integer attribute (`axis`, `groups`) |
//! | [`Graph::Float`] | `1e-5` | a float attribute (`epsilon`, pad `value`) |
//! | [`Graph::Ints`] | `[1,0]` | an `array<i64: ...>` attribute, or a result shape |
//! | [`Graph::Bool`] | `false` | `keepdims` |
//! | [`Graph::Pred`] | `lt` | a `graph.cmp` predicate |
//! | [`Graph::Elem`] | `f32` | a `graph.cast` result element type |
//! | [`Graph::Input`] | `in0` | a value from outside the DAG: an argument or an opaque op's result |
//! | [`Graph::Const`] | `c12` | a `graph.constant`: its interned dense-elements attribute |
//!
//! The op nodes are spelled as the ops without the `graph.` prefix
//! (`add`, `log_softmax`), so a node's `Display` is its op name and
//! [`FromOp`] builds a node from an op name; [`Graph::op_info`] finds the
//! op table row of a node.

use std::collections::HashMap;
use std::fmt;
use std::mem::Discriminant;
use std::str::FromStr;
use std::sync::OnceLock;

use egg::{FromOp, Id, Language, define_language};
use tessera_compiler::entity::EntityRef;
use tessera_compiler::{Attribute, Context, OpId};
use tessera_dialects::graph::attrs::Attrs;
use tessera_dialects::graph::ops::{Family, OPS, OpInfo};
use tessera_dialects::graph::shape::{arity, normalize_axis};
use tessera_dialects::graph::{ElemType, TensorType};
use tessera_dialects::interp::kernels::CmpPredicate;

define_language! {
    /// One e-node: a pure `graph` op (operand classes, then attribute
    /// leaves) or a leaf. See the [module docs](self) for the layout.
    // The macro takes no per-variant docs; the module docs list the leaves
    // and the op nodes are the ops of `graph-dialect.md`.
    #[allow(missing_docs)]
    pub enum Graph {
        "neg" = Neg(Id),
        "abs" = Abs(Id),
        "exp" = Exp(Id),
        "log" = Log(Id),
        "log1p" = Log1p(Id),
        "expm1" = Expm1(Id),
        "sqrt" = Sqrt(Id),
        "rsqrt" = Rsqrt(Id),
        "reciprocal" = Reciprocal(Id),
        "tanh" = Tanh(Id),
        "sigmoid" = Sigmoid(Id),
        "relu" = Relu(Id),
        "gelu" = Gelu(Id),
        "erf" = Erf(Id),
        "sin" = Sin(Id),
        "cos" = Cos(Id),
        "floor" = Floor(Id),
        "ceil" = Ceil(Id),
        "square" = Square(Id),
        "add" = Add([Id; 2]),
        "sub" = Sub([Id; 2]),
        "mul" = Mul([Id; 2]),
        "div" = Div([Id; 2]),
        "max" = Max([Id; 2]),
        "min" = Min([Id; 2]),
        "pow" = Pow([Id; 2]),
        "cmp" = Cmp([Id; 3]),
        "select" = Select([Id; 3]),
        "cast" = Cast([Id; 2]),
        "reshape" = Reshape([Id; 2]),
        "transpose" = Transpose([Id; 2]),
        "broadcast_to" = BroadcastTo([Id; 2]),
        "concat" = Concat(Box<[Id]>),
        "slice" = Slice([Id; 4]),
        "pad" = Pad([Id; 4]),
        "gather" = Gather([Id; 3]),
        "reduce_sum" = ReduceSum([Id; 3]),
        "reduce_max" = ReduceMax([Id; 3]),
        "reduce_min" = ReduceMin([Id; 3]),
        "reduce_mean" = ReduceMean([Id; 3]),
        "reduce_prod" = ReduceProd([Id; 3]),
        "argmax" = Argmax([Id; 3]),
        "softmax" = Softmax([Id; 2]),
        "log_softmax" = LogSoftmax([Id; 2]),
        "matmul" = MatMul([Id; 2]),
        "conv2d" = Conv2d([Id; 6]),
        "max_pool2d" = MaxPool2d([Id; 4]),
        "avg_pool2d" = AvgPool2d([Id; 4]),
        "batch_norm" = BatchNorm([Id; 6]),
        "layer_norm" = LayerNorm([Id; 5]),
        // Leaves; `FromOp` tries them in this order, so `1` is an Int and
        // `1.0` a Float.
        Int(i64),
        Float(FloatLeaf),
        Ints(IntList),
        Bool(bool),
        Pred(PredLeaf),
        Elem(ElemLeaf),
        Input(InputId),
        Const(ConstRef),
    }
}

// ----- leaf values ------------------------------------------------------

/// A float attribute, by its bits so it can be hashed and ordered.
/// Written as Rust prints an `f64` (`1e-5`, `0.0`, `NaN`, `inf`).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FloatLeaf(u64);

impl FloatLeaf {
    /// The leaf for `v`.
    pub fn new(v: f64) -> Self {
        FloatLeaf(v.to_bits())
    }

    /// The value.
    pub fn value(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl fmt::Debug for FloatLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.value())
    }
}

impl fmt::Display for FloatLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.value())
    }
}

impl FromStr for FloatLeaf {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse::<f64>()
            .map(FloatLeaf::new)
            .map_err(|e| e.to_string())
    }
}

/// A list of integers, written `[1,0]`: an `array<i64: ...>` attribute or
/// a result shape.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct IntList(pub Vec<i64>);

impl fmt::Display for IntList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{v}")?;
        }
        f.write_str("]")
    }
}

impl FromStr for IntList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let inner = s
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or_else(|| format!("expected [a,b,...], got {s}"))?;
        if inner.trim().is_empty() {
            return Ok(IntList(Vec::new()));
        }
        inner
            .split(',')
            .map(|t| t.trim().parse::<i64>().map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()
            .map(IntList)
    }
}

/// A `graph.cmp` predicate, written as the attribute (`lt`).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct PredLeaf(pub CmpPredicate);

impl PredLeaf {
    fn rank(self) -> usize {
        CmpPredicate::ALL
            .iter()
            .position(|&p| p == self.0)
            .unwrap_or(0)
    }
}

impl PartialOrd for PredLeaf {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PredLeaf {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for PredLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl FromStr for PredLeaf {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CmpPredicate::from_name(s)
            .map(PredLeaf)
            .ok_or_else(|| format!("unknown predicate {s}"))
    }
}

/// An element type, written as MLIR spells it (`f32`).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct ElemLeaf(pub ElemType);

impl ElemLeaf {
    fn rank(self) -> usize {
        ElemType::ALL.iter().position(|&e| e == self.0).unwrap_or(0)
    }
}

impl PartialOrd for ElemLeaf {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ElemLeaf {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for ElemLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl FromStr for ElemLeaf {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ElemType::from_name(s)
            .map(ElemLeaf)
            .ok_or_else(|| format!("unknown element type {s}"))
    }
}

/// A value from outside the DAG, numbered in order of first use: `in0`.
/// [`GraphAnalysis`](super::analysis::GraphAnalysis) knows its type.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct InputId(pub u32);

impl fmt::Display for InputId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in{}", self.0)
    }
}

impl FromStr for InputId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.strip_prefix("in")
            .and_then(|n| n.parse().ok())
            .map(InputId)
            .ok_or_else(|| format!("expected in<N>, got {s}"))
    }
}

/// A constant: its dense-elements attribute, interned in the
/// [`Context`], so equal constants are one e-node. Written `c12`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ConstRef(pub Attribute);

impl fmt::Display for ConstRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0.index())
    }
}

impl FromStr for ConstRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.strip_prefix('c')
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| ConstRef(Attribute::new(n)))
            .ok_or_else(|| format!("expected c<N>, got {s}"))
    }
}

// ----- leaf layouts -----------------------------------------------------

/// What an attribute leaf holds.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum LeafKind {
    /// [`Graph::Int`].
    Int,
    /// [`Graph::Float`].
    Float,
    /// [`Graph::Ints`].
    Ints,
    /// [`Graph::Bool`].
    Bool,
    /// [`Graph::Pred`].
    Pred,
    /// [`Graph::Elem`].
    Elem,
}

/// One attribute leaf of an op node.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct LeafSpec {
    /// The attribute name (`perm`), or `shape` / `elem` for the part of
    /// the result type an op takes from itself.
    pub name: &'static str,
    /// What it holds.
    pub kind: LeafKind,
    /// Whether it is part of the result type rather than an attribute.
    pub from_result: bool,
}

const fn attr(name: &'static str, kind: LeafKind) -> LeafSpec {
    LeafSpec {
        name,
        kind,
        from_result: false,
    }
}

const fn result_part(name: &'static str, kind: LeafKind) -> LeafSpec {
    LeafSpec {
        name,
        kind,
        from_result: true,
    }
}

/// The attribute leaves of a family's nodes, in child order (after the
/// operands).
pub fn leaf_specs(family: Family) -> &'static [LeafSpec] {
    use LeafKind::*;
    const NONE: &[LeafSpec] = &[];
    const CMP: &[LeafSpec] = &[attr("predicate", Pred)];
    const CAST: &[LeafSpec] = &[result_part("elem", Elem)];
    const SHAPE: &[LeafSpec] = &[result_part("shape", Ints)];
    const PERM: &[LeafSpec] = &[attr("perm", Ints)];
    const AXIS: &[LeafSpec] = &[attr("axis", Int)];
    const SLICE: &[LeafSpec] = &[
        attr("starts", Ints),
        attr("limits", Ints),
        attr("strides", Ints),
    ];
    const PAD: &[LeafSpec] = &[attr("low", Ints), attr("high", Ints), attr("value", Float)];
    const REDUCE: &[LeafSpec] = &[attr("axes", Ints), attr("keepdims", Bool)];
    const ARGMAX: &[LeafSpec] = &[attr("axis", Int), attr("keepdims", Bool)];
    const CONV: &[LeafSpec] = &[
        attr("strides", Ints),
        attr("padding", Ints),
        attr("dilations", Ints),
        attr("groups", Int),
    ];
    const POOL: &[LeafSpec] = &[
        attr("kernel", Ints),
        attr("strides", Ints),
        attr("padding", Ints),
    ];
    const BATCH_NORM: &[LeafSpec] = &[attr("epsilon", Float)];
    const LAYER_NORM: &[LeafSpec] = &[attr("axis", Int), attr("epsilon", Float)];
    match family {
        Family::Unary(_)
        | Family::Binary(_)
        | Family::Select
        | Family::Constant
        | Family::MatMul => NONE,
        Family::Cmp => CMP,
        Family::Cast => CAST,
        Family::Reshape | Family::BroadcastTo => SHAPE,
        Family::Transpose => PERM,
        Family::Concat | Family::Gather | Family::Softmax { .. } => AXIS,
        Family::Slice => SLICE,
        Family::Pad => PAD,
        Family::Reduce(_) => REDUCE,
        Family::Argmax => ARGMAX,
        Family::Conv2d => CONV,
        Family::Pool(_) => POOL,
        Family::BatchNorm => BATCH_NORM,
        Family::LayerNorm => LAYER_NORM,
    }
}

/// The op table row of each op node kind.
fn op_table() -> &'static HashMap<Discriminant<Graph>, &'static OpInfo> {
    static TABLE: OnceLock<HashMap<Discriminant<Graph>, &'static OpInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for info in OPS {
            if info.family == Family::Constant {
                continue;
            }
            let short = info.name.trim_start_matches("graph.");
            let n = arity(info.family).0 + leaf_specs(info.family).len();
            if let Ok(node) = Graph::from_op(short, vec![Id::from(0usize); n]) {
                table.insert(std::mem::discriminant(&node), info);
            }
        }
        table
    })
}

impl Graph {
    /// The op table row of an op node (`None` for leaves).
    pub fn op_info(&self) -> Option<&'static OpInfo> {
        op_table().get(&std::mem::discriminant(self)).copied()
    }

    /// The family of an op node.
    pub fn family(&self) -> Option<Family> {
        self.op_info().map(|i| i.family)
    }

    /// The full op name of an op node (`graph.add`).
    pub fn op_name(&self) -> Option<&'static str> {
        self.op_info().map(|i| i.name)
    }

    /// Whether this is an attribute leaf (not an input or a constant).
    pub fn is_attr_leaf(&self) -> bool {
        matches!(
            self,
            Graph::Int(_)
                | Graph::Float(_)
                | Graph::Ints(_)
                | Graph::Bool(_)
                | Graph::Pred(_)
                | Graph::Elem(_)
        )
    }

    /// The number of operand children (the rest are attribute leaves).
    pub fn num_operands(&self) -> usize {
        match self.family() {
            Some(f) => self.len().saturating_sub(leaf_specs(f).len()),
            None => 0,
        }
    }

    /// The operand children.
    pub fn operands(&self) -> &[Id] {
        &self.children()[..self.num_operands()]
    }

    /// The attribute-leaf children.
    pub fn attr_children(&self) -> &[Id] {
        &self.children()[self.num_operands()..]
    }

    /// The op node for the `graph` op `op_name` (`graph.add`) with these
    /// operand and leaf children, if the counts fit.
    pub fn from_parts(op_name: &str, operands: &[Id], leaves: &[Id]) -> Option<Graph> {
        let short = op_name.strip_prefix("graph.")?;
        let children: Vec<Id> = operands.iter().chain(leaves).copied().collect();
        Graph::from_op(short, children).ok()
    }
}

// ----- attributes <-> leaves -------------------------------------------

/// The attribute leaves of the `graph` op `op` of `family`, read as the
/// interpreter reads them: defaults filled in and axes made non-negative.
/// `operands` and `result` are the op's (checked) types.
pub fn leaves_of_op(
    ctx: &Context,
    op: OpId,
    family: Family,
    operands: &[TensorType],
    result: &TensorType,
) -> Result<Vec<Graph>, String> {
    let a = Attrs::of_op(ctx, op);
    let rank = operands.first().map_or(0, TensorType::rank);
    let ints = |v: Vec<i64>| Graph::Ints(IntList(v));
    let axis = |name: &str| -> Result<Graph, String> {
        let v = a.int(name)?;
        Ok(Graph::Int(normalize_axis(v, rank).map_or(v, |u| u as i64)))
    };
    let leaves = match family {
        Family::Unary(_)
        | Family::Binary(_)
        | Family::Select
        | Family::Constant
        | Family::MatMul => vec![],
        Family::Cmp => {
            let p = a.string("predicate")?;
            let p = CmpPredicate::from_name(p).ok_or_else(|| format!("unknown predicate {p}"))?;
            vec![Graph::Pred(PredLeaf(p))]
        }
        Family::Cast => vec![Graph::Elem(ElemLeaf(result.elem))],
        Family::Reshape | Family::BroadcastTo => vec![ints(result.shape.clone())],
        Family::Transpose => vec![ints(a.ints("perm")?)],
        Family::Concat | Family::Gather | Family::Softmax { .. } => vec![axis("axis")?],
        Family::Slice => vec![
            ints(a.ints("starts")?),
            ints(a.ints("limits")?),
            ints(a.ints_or("strides", &vec![1; rank])?),
        ],
        Family::Pad => vec![
            ints(a.ints("low")?),
            ints(a.ints("high")?),
            Graph::Float(FloatLeaf::new(a.number_or("value", 0.0)?)),
        ],
        Family::Reduce(_) => vec![
            ints(a.ints("axes")?),
            Graph::Bool(a.bool_or("keepdims", false)?),
        ],
        Family::Argmax => vec![axis("axis")?, Graph::Bool(a.bool_or("keepdims", false)?)],
        Family::Conv2d => vec![
            ints(a.ints_or("strides", &[1, 1])?),
            ints(a.ints_or("padding", &[0, 0, 0, 0])?),
            ints(a.ints_or("dilations", &[1, 1])?),
            Graph::Int(a.int_or("groups", 1)?),
        ],
        Family::Pool(_) => vec![
            ints(a.ints("kernel")?),
            ints(a.ints("strides")?),
            ints(a.ints_or("padding", &[0, 0, 0, 0])?),
        ],
        Family::BatchNorm => vec![Graph::Float(FloatLeaf::new(a.float("epsilon")?))],
        Family::LayerNorm => vec![
            axis("axis")?,
            Graph::Float(FloatLeaf::new(a.float("epsilon")?)),
        ],
    };
    Ok(leaves)
}

/// The attributes an op of `family` with these leaves carries, interned
/// (leaves that stand for the result type give none).
pub fn attrs_of_leaves(
    ctx: &mut Context,
    family: Family,
    leaves: &[&Graph],
) -> Result<Vec<(&'static str, Attribute)>, String> {
    let specs = leaf_specs(family);
    if specs.len() != leaves.len() {
        return Err(format!(
            "expected {} attribute leaves, got {}",
            specs.len(),
            leaves.len()
        ));
    }
    let mut out = Vec::with_capacity(specs.len());
    for (spec, leaf) in specs.iter().zip(leaves) {
        let value = match (spec.kind, leaf) {
            (LeafKind::Elem, Graph::Elem(_)) | (LeafKind::Ints, Graph::Ints(_))
                if spec.from_result =>
            {
                continue;
            }
            (LeafKind::Int, Graph::Int(v)) => ctx.i64_attr(*v),
            (LeafKind::Float, Graph::Float(v)) => ctx.f64_attr(v.value()),
            (LeafKind::Ints, Graph::Ints(v)) => ctx.i64_array_attr(&v.0),
            (LeafKind::Bool, Graph::Bool(b)) => ctx.bool_attr(*b),
            (LeafKind::Pred, Graph::Pred(p)) => ctx.str_attr(p.0.name()),
            _ => {
                return Err(format!(
                    "attribute '{}' expects a {:?} leaf, got {leaf}",
                    spec.name, spec.kind
                ));
            }
        };
        out.push((spec.name, value));
    }
    Ok(out)
}

/// The result type an op of `family` takes from its leaves, for the three
/// ops that do (`reshape`, `broadcast_to`: shape; `cast`: element type).
pub fn declared_type(
    family: Family,
    operands: &[&TensorType],
    leaves: &[&Graph],
) -> Option<TensorType> {
    let x = operands.first()?;
    match (family, leaves.first()?) {
        (Family::Reshape | Family::BroadcastTo, Graph::Ints(shape)) => {
            Some(TensorType::new(shape.0.clone(), x.elem))
        }
        (Family::Cast, Graph::Elem(e)) => Some(TensorType::new(x.shape.clone(), e.0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egg::RecExpr;

    #[test]
    fn every_pure_op_has_a_node() {
        for info in OPS {
            if info.family == Family::Constant {
                continue;
            }
            let n = arity(info.family).0 + leaf_specs(info.family).len();
            let node = Graph::from_parts(info.name, &vec![Id::from(0usize); n], &[])
                .unwrap_or_else(|| panic!("no node for {}", info.name));
            assert_eq!(node.op_name(), Some(info.name));
            assert_eq!(node.num_operands(), arity(info.family).0);
        }
    }

    #[test]
    fn leaves_print_and_parse() {
        let e: RecExpr<Graph> = "(reduce_sum (transpose in0 [1,0]) [] false)"
            .parse()
            .unwrap();
        assert_eq!(e.to_string(), "(reduce_sum (transpose in0 [1,0]) [] false)");
        let e: RecExpr<Graph> = "(cmp (cast c3 f64) (pad in1 [0] [1] 1e-5) lt)"
            .parse()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "(cmp (cast c3 f64) (pad in1 [0] [1] 1e-5) lt)"
        );
        assert!(
            e.as_ref()
                .iter()
                .any(|n| matches!(n, Graph::Float(f) if f.value() == 1e-5))
        );
        let one: RecExpr<Graph> = "(concat in0 in1 in2 1)".parse().unwrap();
        let root = &one[one.root()];
        assert_eq!(root.num_operands(), 3);
        assert!(matches!(one[root.attr_children()[0]], Graph::Int(1)));
    }
}
