//! What the `linalg`, `layout` and `nn` rule builders share: reading the
//! e-classes a match bound (types, attribute leaves, constants) and
//! making new constants and right sides.
//!
//! Everything returns `Option`: a builder that finds something it did not
//! expect (a class without a type, a leaf of another kind) does not fire.

use egg::{Id, PatternAst, Subst, Var};
use tessera_dialects::graph::TensorType;
use tessera_dialects::interp::eval::constant_to_tensor;
use tessera_dialects::interp::value::Tensor;

use crate::eqsat::analysis::{ConstInfo, GraphEGraph};
use crate::eqsat::lang::Graph;

/// The pattern variable written `name` (`"?x"`).
pub fn var(name: &str) -> Var {
    name.parse()
        .unwrap_or_else(|e| panic!("bad pattern variable {name}: {e}"))
}

/// The e-class `name` is bound to.
pub fn class(s: &Subst, name: &str) -> Option<Id> {
    s.get(var(name)).copied()
}

/// The tensor type of the class `name` is bound to.
pub fn ty<'a>(eg: &'a GraphEGraph<'_>, s: &Subst, name: &str) -> Option<&'a TensorType> {
    eg[class(s, name)?].data.ty.as_ref()
}

/// The integer-list leaf (`[1,0]`) `name` is bound to.
pub fn ints<'a>(eg: &'a GraphEGraph<'_>, s: &Subst, name: &str) -> Option<&'a [i64]> {
    match eg[class(s, name)?].data.leaf.as_ref()? {
        Graph::Ints(l) => Some(&l.0),
        _ => None,
    }
}

/// The integer leaf `name` is bound to.
pub fn int(eg: &GraphEGraph<'_>, s: &Subst, name: &str) -> Option<i64> {
    match eg[class(s, name)?].data.leaf.as_ref()? {
        Graph::Int(v) => Some(*v),
        _ => None,
    }
}

/// The float leaf `name` is bound to.
pub fn float(eg: &GraphEGraph<'_>, s: &Subst, name: &str) -> Option<f64> {
    match eg[class(s, name)?].data.leaf.as_ref()? {
        Graph::Float(v) => Some(v.value()),
        _ => None,
    }
}

/// The constant the class `name` is bound to equals, if known.
pub fn constant(eg: &GraphEGraph<'_>, s: &Subst, name: &str) -> Option<ConstInfo> {
    eg[class(s, name)?].data.constant
}

/// The value of the constant the class `name` is bound to equals.
pub fn const_tensor(eg: &GraphEGraph<'_>, s: &Subst, name: &str) -> Option<Tensor> {
    let c = constant(eg, s, name)?;
    constant_to_tensor(eg.analysis.ctx, c.attr.0).ok()
}

/// Whether every element of a float tensor is finite (integer tensors
/// always are).
pub fn all_finite(t: &Tensor) -> bool {
    !t.elem_type().is_float() || t.to_f64_array().iter().all(|v| v.is_finite())
}

/// Whether the class `name` is bound to is a constant whose elements are
/// all equal and finite (a splat, or a single element).
pub fn is_finite_splat(eg: &GraphEGraph<'_>, s: &Subst, name: &str) -> bool {
    constant(eg, s, name)
        .and_then(|c| c.splat)
        .is_some_and(f64::is_finite)
}

/// A rank-0 constant holding the element of the constant splat the class
/// `name` is bound to, exactly (read from the constant, not through an
/// `f64`, so wide integers survive), written as a pattern leaf.
pub fn splat_scalar(eg: &mut GraphEGraph<'_>, s: &Subst, name: &str) -> Option<Graph> {
    constant(eg, s, name)?.splat?;
    let t = const_tensor(eg, s, name)?;
    let first = t.to_le_bytes();
    let w = t.elem_type().byte_width();
    let scalar = Tensor::from_le_bytes(t.elem_type(), &[], first.get(..w)?).ok()?;
    Some(Graph::Const(eg.analysis.constant(&scalar)))
}

/// The tensor `t` as a new constant, written as a pattern leaf.
pub fn new_constant(eg: &mut GraphEGraph<'_>, t: &Tensor) -> Graph {
    Graph::Const(eg.analysis.constant(t))
}

/// The integer list `v` as a pattern leaf (`[1,0]`).
pub fn ints_leaf(v: &[i64]) -> String {
    Graph::Ints(crate::eqsat::lang::IntList(v.to_vec())).to_string()
}

/// Parses a right side built as text.
pub fn pattern(text: &str) -> Option<PatternAst<Graph>> {
    text.parse().ok()
}

/// The permutation of rank `rank` that swaps the last two axes (`None`
/// below rank 2).
pub fn swap_last_two(rank: usize) -> Option<Vec<i64>> {
    if rank < 2 {
        return None;
    }
    let mut p: Vec<i64> = (0..rank as i64).collect();
    p.swap(rank - 2, rank - 1);
    Some(p)
}

/// Whether `perm` swaps the last two axes and keeps the others.
pub fn is_swap_last_two(perm: &[i64]) -> bool {
    swap_last_two(perm.len()).is_some_and(|p| p == perm)
}

/// `axis` made non-negative for `rank`, if it is in range.
pub fn normalize_axis(axis: i64, rank: usize) -> Option<usize> {
    let r = rank as i64;
    (-r..r)
        .contains(&axis)
        .then(|| if axis < 0 { axis + r } else { axis } as usize)
}
