//! `linalg`: rules on matrix products.
//!
//! - The transpose of a product: `transpose(AB) <-> transpose(B)
//!   transpose(A)`, for rank 2 and batched products (the permutations
//!   swap the last two axes of each operand, whatever its rank).
//! - Constant scalars through products: `(sA)B = s(AB) = A(sB)` for a
//!   finite constant `s` whose elements are all equal (a splat, or one
//!   element); the right side uses a rank-0 constant of `s`'s value.
//! - Tensat's merge of two products sharing their left operand:
//!   `AB, AC -> slice(A concat(B, C))` along the last axis (see
//!   [`merge_matmuls`]).
//!
//! [`fast_math_rules`] are the ones that do not keep infinities and NaN:
//! chain order by cost (`(AB)C <-> A(BC)`), distributivity (`AB + AC ->
//! A(B + C)` and the right-factored form), and scalars that are not
//! finite constants. With `A = [inf]`, `B = [1 0]`, `C = [1 1]ᵀ`, `(AB)C`
//! is `inf·1 + (inf·0)·1 = NaN` but `A(BC)` is `inf`; with `A = [inf]`,
//! `AB + AC` is `inf - inf = NaN` for `B = [1]`, `C = [-2]` where `A(B + C)`
//! is `-inf`; and an infinite `s` turns `(sA)B`'s `inf·0` into NaN where
//! `s(AB)` may be `inf`. A finite `s` keeps them: scaling by a finite
//! non-zero number keeps which elements are infinite or NaN, and scaling
//! by zero makes NaN exactly the elements that had an infinite or NaN
//! term on either side.
//!
//! With associativity both ways the e-graph holds every parenthesization
//! of a chain in `O(n³)` e-nodes, and extraction picks the one with the
//! least total work (FLOPs plus bytes), which for a chain is the order
//! the textbook dynamic program picks for that cost.

use egg::{Applier, Id, Pattern, PatternAst, Rewrite, Subst, Symbol};
use tessera_dialects::interp::kernels::concat;

use super::helpers::{
    class, const_tensor, ints, ints_leaf, is_finite_splat, is_swap_last_two, new_constant,
    normalize_axis, pattern, splat_scalar, swap_last_two, ty, var,
};
use super::{Cond, GraphRewrite, instantiation_type, rule, rule_fn};
use crate::eqsat::analysis::{GraphAnalysis, GraphEGraph};
use crate::eqsat::lang::Graph;

/// The rules of the set.
#[rustfmt::skip]
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let swap_p = Cond::Check("?p swaps the last two axes", p_swaps);
    let swap_pq = Cond::Check("?p and ?q swap the last two axes", p_and_q_swap);
    let scalar = Cond::Check("?s is a finite constant splat", s_is_finite_splat);
    vec![
        // name                        left side                                       right side                     when
        rule_fn("matmul-transpose",      "(transpose (matmul ?a ?b) ?p)",                transpose_of_product,            &[swap_p]),
        rule_fn("transpose-matmul",      "(matmul (transpose ?b ?q) (transpose ?a ?p))", product_of_transposes,           &[swap_pq]),
        rule_fn("matmul-scale-lhs",      "(matmul (mul ?s ?a) ?b)",                      scale_out_of_product,            &[scalar]),
        rule_fn("matmul-scale-lhs-r",    "(matmul (mul ?a ?s) ?b)",                      scale_out_of_product,            &[scalar]),
        rule_fn("matmul-scale-rhs",      "(matmul ?a (mul ?s ?b))",                      scale_out_of_product,            &[scalar]),
        rule_fn("matmul-scale-rhs-r",    "(matmul ?a (mul ?b ?s))",                      scale_out_of_product,            &[scalar]),
        rule_fn("scale-matmul-lhs",      "(mul ?s (matmul ?a ?b))",                      scale_into_lhs,                  &[scalar]),
        rule_fn("scale-matmul-lhs-r",    "(mul (matmul ?a ?b) ?s)",                      scale_into_lhs,                  &[scalar]),
        rule_fn("scale-matmul-rhs",      "(mul ?s (matmul ?a ?b))",                      scale_into_rhs,                  &[scalar]),
        rule_fn("scale-matmul-rhs-r",    "(mul (matmul ?a ?b) ?s)",                      scale_into_rhs,                  &[scalar]),
        merge_matmuls("matmul-merge"),
    ]
}

/// The rules of the set that may change results on infinities or NaN
/// (see the [module docs](self)), given only with `fast-math`.
#[rustfmt::skip]
pub fn fast_math_rules<'c>() -> Vec<GraphRewrite<'c>> {
    let scalar = Cond::Check("?s has one element and is not a finite constant", s_is_other_scalar);
    vec![
        // name                        left side                                  right side                     when
        rule("matmul-assoc-left",        "(matmul (matmul ?a ?b) ?c)",              "(matmul ?a (matmul ?b ?c))",   &[]),
        rule("matmul-assoc-right",       "(matmul ?a (matmul ?b ?c))",              "(matmul (matmul ?a ?b) ?c)",   &[]),
        rule("matmul-factor-lhs",        "(add (matmul ?a ?b) (matmul ?a ?c))",     "(matmul ?a (add ?b ?c))",      &[]),
        rule("matmul-factor-rhs",        "(add (matmul ?a ?c) (matmul ?b ?c))",     "(matmul (add ?a ?b) ?c)",      &[]),
        rule("matmul-factor-lhs-sub",    "(sub (matmul ?a ?b) (matmul ?a ?c))",     "(matmul ?a (sub ?b ?c))",      &[]),
        rule("matmul-factor-rhs-sub",    "(sub (matmul ?a ?c) (matmul ?b ?c))",     "(matmul (sub ?a ?b) ?c)",      &[]),
        rule("matmul-scalar-lhs",        "(matmul (mul ?s ?a) ?b)",                 "(mul ?s (matmul ?a ?b))",      &[scalar]),
        rule("matmul-scalar-rhs",        "(matmul ?a (mul ?s ?b))",                 "(mul ?s (matmul ?a ?b))",      &[scalar]),
        rule("scalar-matmul-lhs",        "(mul ?s (matmul ?a ?b))",                 "(matmul (mul ?s ?a) ?b)",      &[scalar]),
        rule("scalar-matmul-rhs",        "(mul ?s (matmul ?a ?b))",                 "(matmul ?a (mul ?s ?b))",      &[scalar]),
    ]
}

// ----- conditions -------------------------------------------------------

fn p_swaps(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    ints(eg, s, "?p").is_some_and(is_swap_last_two)
}

fn p_and_q_swap(eg: &GraphEGraph<'_>, c: Id, s: &Subst) -> bool {
    p_swaps(eg, c, s) && ints(eg, s, "?q").is_some_and(is_swap_last_two)
}

fn s_is_finite_splat(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    is_finite_splat(eg, s, "?s")
}

/// A one-element tensor the safe rules do not take: not a constant, or
/// a constant that is infinite or NaN.
fn s_is_other_scalar(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    ty(eg, s, "?s").is_some_and(|t| t.num_elements() == 1) && !is_finite_splat(eg, s, "?s")
}

// ----- right sides ------------------------------------------------------

/// `transpose(AB) -> transpose(B) transpose(A)`, each operand's last two
/// axes swapped at its own rank (a batched operand may broadcast against
/// a rank-2 one).
fn transpose_of_product(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let pa = ints_leaf(&swap_last_two(ty(eg, s, "?a")?.rank())?);
    let pb = ints_leaf(&swap_last_two(ty(eg, s, "?b")?.rank())?);
    pattern(&format!("(matmul (transpose ?b {pb}) (transpose ?a {pa}))"))
}

/// `transpose(B) transpose(A) -> transpose(AB)`, the product's last two
/// axes swapped at its rank.
fn product_of_transposes(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let (a, b) = (ty(eg, s, "?a")?, ty(eg, s, "?b")?);
    let p = ints_leaf(&swap_last_two(a.rank().max(b.rank()))?);
    pattern(&format!("(transpose (matmul ?a ?b) {p})"))
}

/// `(sA)B`, `A(sB) -> s(AB)` with `s` as a rank-0 constant, so a splat
/// of `A`'s shape need not broadcast against `AB`.
fn scale_out_of_product(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let k = splat_scalar(eg, s, "?s")?;
    pattern(&format!("(mul {k} (matmul ?a ?b))"))
}

/// `s(AB) -> (sA)B` with `s` as a rank-0 constant.
fn scale_into_lhs(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let k = splat_scalar(eg, s, "?s")?;
    pattern(&format!("(matmul (mul {k} ?a) ?b)"))
}

/// `s(AB) -> A(sB)` with `s` as a rank-0 constant.
fn scale_into_rhs(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let k = splat_scalar(eg, s, "?s")?;
    pattern(&format!("(matmul ?a (mul {k} ?b))"))
}

// ----- the matmul merge ------------------------------------------------

/// The most products one merged product may stand for.
pub const MAX_MERGED: usize = 4;

/// Tensat's merge of products that share their left operand: for a match
/// of `(matmul ?a ?b)` and every other product `(matmul ?a ?c)` in the
/// e-graph, `A·B` becomes `slice(A·concat(B, C))` of the first columns
/// and `A·C` the slice of the rest, concatenated on the last axis. One
/// wide product reads `A` once, where two read it twice.
///
/// This is a rule over two terms, but not an egg `MultiPattern`: every
/// rule of the pass is searched by one pattern (the checks and the rule
/// harness instantiate its left side), so the rule searches
/// `(matmul ?a ?b)` and its applier finds the partners among the parents
/// of `?a`'s e-class. Both right sides are type-checked like every rule's.
///
/// To keep the e-graph from filling up, the right operands must be data
/// (inputs or constants, the weights this rule is for; merging computed
/// operands would also merge every pair of products a chain's
/// associativity creates), and a pair is merged only when every part of
/// `B` (the operands of the last-axis concatenations it is made of, or
/// `B` itself) comes before every part of `C` in e-class order, so a set
/// of products is concatenated in one order only, and at most
/// [`MAX_MERGED`] products are merged into one.
///
/// The merged form pays off only when every product it replaces switches
/// to its slice at once; an extraction that changes one e-class at a
/// time sees each switch alone cost more, and keeps the products.
pub fn merge_matmuls<'c>(name: &str) -> GraphRewrite<'c> {
    let lhs: Pattern<Graph> = "(matmul ?a ?b)".parse().expect("a pattern");
    Rewrite::new(name, lhs, MergeMatmuls).unwrap_or_else(|e| panic!("rule {name}: {e}"))
}

/// The applier of [`merge_matmuls`].
struct MergeMatmuls;

impl<'c> Applier<Graph, GraphAnalysis<'c>> for MergeMatmuls {
    fn apply_one(
        &self,
        eg: &mut GraphEGraph<'c>,
        eclass: Id,
        subst: &Subst,
        _searcher_ast: Option<&PatternAst<Graph>>,
        _rule_name: Symbol,
    ) -> Vec<Id> {
        let (Some(a), Some(b)) = (class(subst, "?a"), class(subst, "?b")) else {
            return vec![];
        };
        let (a, b, x) = (eg.find(a), eg.find(b), eg.find(eclass));
        let mut changed = Vec::new();
        for (y, c) in partners(eg, a, b, x) {
            changed.extend(merge_pair(eg, subst, x, y, c));
        }
        changed
    }
}

/// The products `(matmul a c)` other than class `x`, as (class, `c`),
/// that `(matmul a b)` may merge with, in a deterministic order.
fn partners(eg: &GraphEGraph<'_>, a: Id, b: Id, x: Id) -> Vec<(Id, Id)> {
    let b_parts = concat_parts(eg, b);
    let Some(&b_last) = b_parts.iter().max() else {
        return vec![];
    };
    if !b_parts.iter().all(|&p| is_data(eg, p)) {
        return vec![];
    }
    let mut out: Vec<(Id, Id)> = eg[a]
        .parents()
        .filter_map(|p| match eg.id_to_node(p) {
            Graph::MatMul([l, r]) if eg.find(*l) == a => Some((eg.find(p), eg.find(*r))),
            _ => None,
        })
        .filter(|&(y, c)| y != x && c != b)
        .filter(|&(_, c)| {
            let c_parts = concat_parts(eg, c);
            c_parts.iter().all(|&p| p > b_last && is_data(eg, p))
                && b_parts.len() + c_parts.len() <= MAX_MERGED
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether class `c` is data the program does not compute: an input or
/// a constant (weights, in the products this rule is for).
fn is_data(eg: &GraphEGraph<'_>, c: Id) -> bool {
    eg[c]
        .nodes
        .iter()
        .any(|n| matches!(n, Graph::Input(_) | Graph::Const(_)))
}

/// The parts of class `c` as a concatenation on its last axis: the parts
/// of the operands of its first such `concat` node, or `c` itself.
fn concat_parts(eg: &GraphEGraph<'_>, c: Id) -> Vec<Id> {
    let mut parts = Vec::new();
    let mut stack = vec![eg.find(c)];
    while let Some(c) = stack.pop() {
        if parts.len() > MAX_MERGED {
            break;
        }
        match last_axis_concat(eg, c) {
            Some(ops) => stack.extend(ops.iter().rev().map(|&o| eg.find(o))),
            None => parts.push(c),
        }
    }
    parts
}

/// The operands of the first node of class `c` that concatenates on the
/// last axis.
fn last_axis_concat(eg: &GraphEGraph<'_>, c: Id) -> Option<Vec<Id>> {
    let rank = eg[c].data.ty.as_ref()?.rank();
    eg[c].nodes.iter().find_map(|n| {
        let Graph::Concat(_) = n else { return None };
        let axis = match eg[*n.attr_children().first()?].data.leaf.as_ref()? {
            Graph::Int(v) => normalize_axis(*v, rank)?,
            _ => return None,
        };
        (axis + 1 == rank).then(|| n.operands().to_vec())
    })
}

/// Merges `x = (matmul a b)` (bound in `subst`) with `y = (matmul a c)`:
/// adds `slice(a·concat(b, c))` twice and merges each with its product.
fn merge_pair(eg: &mut GraphEGraph<'_>, subst: &Subst, x: Id, y: Id, c: Id) -> Vec<Id> {
    let (Some(x_ty), Some(y_ty)) = (eg[x].data.ty.clone(), eg[y].data.ty.clone()) else {
        return vec![];
    };
    let rank = x_ty.rank();
    if y_ty.rank() != rank || rank < 2 || x_ty.shape[..rank - 1] != y_ty.shape[..rank - 1] {
        return vec![];
    }
    let (n1, n2) = (x_ty.shape[rank - 1], y_ty.shape[rank - 1]);
    let Some(rb) = class(subst, "?b").and_then(|b| eg[b].data.ty.as_ref().map(|t| t.rank())) else {
        return vec![];
    };
    let mut s = subst.clone();
    s.insert(var("?c"), c);
    let axis = rb as i64 - 1;
    let joined = format!("(concat ?b ?c {axis})");
    let wide = format!("(matmul ?a {joined})");
    let zeros = vec![0i64; rank];
    let ones = ints_leaf(&vec![1i64; rank]);
    let mut lim1 = x_ty.shape.clone();
    let mut start2 = zeros.clone();
    let mut lim2 = x_ty.shape.clone();
    lim1[rank - 1] = n1;
    start2[rank - 1] = n1;
    lim2[rank - 1] = n1 + n2;
    let first = format!(
        "(slice {wide} {} {} {ones})",
        ints_leaf(&zeros),
        ints_leaf(&lim1)
    );
    let second = format!(
        "(slice {wide} {} {} {ones})",
        ints_leaf(&start2),
        ints_leaf(&lim2)
    );
    let (Some(p1), Some(p2)) = (pattern(&first), pattern(&second)) else {
        return vec![];
    };
    if instantiation_type(eg, &p1, &s).as_ref() != Some(&x_ty)
        || instantiation_type(eg, &p2, &s).as_ref() != Some(&y_ty)
    {
        return vec![];
    }
    fold_weights(eg, &joined, &s, axis);
    let i1 = eg.add_instantiation(&p1, &s);
    let i2 = eg.add_instantiation(&p2, &s);
    let mut changed = Vec::new();
    if eg.union(x, i1) {
        changed.push(x);
    }
    if eg.union(y, i2) {
        changed.push(y);
    }
    changed
}

/// Adds `joined`, the concatenation of `?b` and `?c`, and when both are
/// constants gives its class their concatenation as a constant, at any
/// size (the analysis folds only small ones), so merging constant weights
/// costs no copy at run time. The `concat` node stays in the class, which
/// is how [`concat_parts`] sees what a merged product is made of.
fn fold_weights(eg: &mut GraphEGraph<'_>, joined: &str, s: &Subst, axis: i64) {
    let Some(p) = pattern(joined) else { return };
    if instantiation_type(eg, &p, s).is_none() {
        return;
    }
    let id = eg.add_instantiation(&p, s);
    if eg[id].data.constant.is_some() {
        return;
    }
    let (Some(b), Some(c)) = (const_tensor(eg, s, "?b"), const_tensor(eg, s, "?c")) else {
        return;
    };
    if let Ok(t) = concat(&[&b, &c], axis) {
        let k = new_constant(eg, &t);
        let kid = eg.add(k);
        eg.union(id, kid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_named_once() {
        let mut names: Vec<String> = rules()
            .iter()
            .chain(fast_math_rules().iter())
            .map(|r| r.name.to_string())
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
