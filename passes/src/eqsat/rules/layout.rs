//! `layout`: rules on data movement.
//!
//! - Transposes compose and cancel: `transpose(transpose(x, p), q)` is
//!   `transpose(x, p∘q)`, and `x` when that is the identity.
//! - Transposes move through element-wise ops, both ways: for every
//!   one-operand op and `cast`, `transpose(f(x)) <-> f(transpose(x))`;
//!   for every two-operand op and `cmp`, `transpose(x ⊕ y) <->
//!   transpose(x) ⊕ transpose(y)` with one permutation. A permutation
//!   commutes with broadcasting when the operands have the result's rank,
//!   and the type check keeps the rule from firing when they do not. Moved
//!   next to each other, transposes cancel; two transposes of operands
//!   become one of the result.
//! - `reshape(reshape(x)) -> reshape(x)`, `broadcast_to(broadcast_to(x))
//!   -> broadcast_to(x)`, and either one to `x`'s own type is `x`.
//! - A slice of a concatenation that falls within one operand is a slice
//!   of that operand, or the operand itself; a slice of a slice is one
//!   slice; a slice whose result has its operand's type is the operand
//!   (only the full slice keeps every extent).
//!
//! All of them move or drop data without arithmetic, so they keep every
//! value exactly, infinities and NaN included.

use egg::{Id, PatternAst, Subst};
use tessera_dialects::interp::kernels::{BinaryOp, UnaryOp};

use super::helpers::{class, int, ints, ints_leaf, normalize_axis, pattern, ty};
use super::{Cond, GraphRewrite, rule, rule_fn};
use crate::eqsat::analysis::GraphEGraph;
use crate::eqsat::lang::Graph;

/// The rules of the set.
#[rustfmt::skip]
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let identity = Cond::Check("?p is the identity permutation", p_is_identity);
    let mut rules = vec![
        // name                        left side                                   right side                  when
        rule_fn("transpose-transpose",   "(transpose (transpose ?x ?p) ?q)",         composed_transpose,           &[]),
        rule("transpose-identity",       "(transpose ?x ?p)",                        "?x",                         &[identity]),
        rule("reshape-reshape",          "(reshape (reshape ?x ?s) ?t)",             "(reshape ?x ?t)",            &[]),
        rule("reshape-same",             "(reshape ?x ?s)",                          "?x",                         &[]),
        rule("broadcast-broadcast",      "(broadcast_to (broadcast_to ?x ?s) ?t)",   "(broadcast_to ?x ?t)",       &[]),
        rule("broadcast-same",           "(broadcast_to ?x ?s)",                     "?x",                         &[]),
        rule("slice-full",               "(slice ?x ?b ?e ?st)",                     "?x",                         &[]),
        rule_fn("slice-slice",           "(slice (slice ?x ?b ?e ?st) ?b2 ?e2 ?st2)", composed_slice,              &[]),
        rule_fn("slice-concat",          "(slice (concat ?x0 ?x1 ?ax) ?b ?e ?st)",   slice_of_concat,              &[]),
        rule_fn("slice-concat3",         "(slice (concat ?x0 ?x1 ?x2 ?ax) ?b ?e ?st)", slice_of_concat,            &[]),
        rule("transpose-cast",           "(transpose (cast ?x ?t) ?p)",              "(cast (transpose ?x ?p) ?t)", &[]),
        rule("cast-transpose",           "(cast (transpose ?x ?p) ?t)",              "(transpose (cast ?x ?t) ?p)", &[]),
        rule("transpose-cmp",            "(transpose (cmp ?x ?y ?c) ?p)",            "(cmp (transpose ?x ?p) (transpose ?y ?p) ?c)", &[]),
        rule("cmp-transpose",            "(cmp (transpose ?x ?p) (transpose ?y ?p) ?c)", "(transpose (cmp ?x ?y ?c) ?p)", &[]),
    ];
    // The same two rules for every element-wise op: `transpose-exp`
    // sinks a transpose below `exp`, `exp-transpose` hoists it above.
    for op in UnaryOp::ALL.map(UnaryOp::name) {
        rules.push(rule(&format!("transpose-{op}"), &format!("(transpose ({op} ?x) ?p)"), &format!("({op} (transpose ?x ?p))"), &[]));
        rules.push(rule(&format!("{op}-transpose"), &format!("({op} (transpose ?x ?p))"), &format!("(transpose ({op} ?x) ?p)"), &[]));
    }
    for op in BinaryOp::ALL.map(BinaryOp::name) {
        rules.push(rule(&format!("transpose-{op}"), &format!("(transpose ({op} ?x ?y) ?p)"), &format!("({op} (transpose ?x ?p) (transpose ?y ?p))"), &[]));
        rules.push(rule(&format!("{op}-transpose"), &format!("({op} (transpose ?x ?p) (transpose ?y ?p))"), &format!("(transpose ({op} ?x ?y) ?p)"), &[]));
    }
    rules
}

fn p_is_identity(eg: &GraphEGraph<'_>, _: Id, s: &Subst) -> bool {
    ints(eg, s, "?p").is_some_and(|p| p.iter().enumerate().all(|(i, &v)| v == i as i64))
}

/// `transpose(transpose(x, p), q) -> transpose(x, r)` with `r[i] =
/// p[q[i]]`, or `x` when `r` is the identity.
fn composed_transpose(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let (p, q) = (ints(eg, s, "?p")?, ints(eg, s, "?q")?);
    let r = q
        .iter()
        .map(|&i| p.get(usize::try_from(i).ok()?).copied())
        .collect::<Option<Vec<i64>>>()?;
    if r.iter().enumerate().all(|(i, &v)| v == i as i64) {
        pattern("?x")
    } else {
        pattern(&format!("(transpose ?x {})", ints_leaf(&r)))
    }
}

/// `slice(slice(x))` as one slice of `x`: per axis, the outer slice's
/// `j`-th element is the inner one's `b2 + j·st2`-th, which is `x`'s
/// `b + (b2 + j·st2)·st`-th.
fn composed_slice(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let (b, st) = (ints(eg, s, "?b")?, ints(eg, s, "?st")?);
    let (b2, e2, st2) = (
        ints(eg, s, "?b2")?,
        ints(eg, s, "?e2")?,
        ints(eg, s, "?st2")?,
    );
    let rank = b.len();
    if [st.len(), b2.len(), e2.len(), st2.len()]
        .iter()
        .any(|&n| n != rank)
    {
        return None;
    }
    let (mut starts, mut limits, mut strides) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..rank {
        if st[k] < 1 || st2[k] < 1 {
            return None;
        }
        // Checked: strides may be as large as an i64 goes.
        let count = (e2[k] - b2[k]).checked_add(st2[k] - 1)? / st2[k];
        let stride = if count > 1 {
            st[k].checked_mul(st2[k])?
        } else {
            1
        };
        if count > 0 {
            let start = b2[k].checked_mul(st[k])?.checked_add(b[k])?;
            starts.push(start);
            limits.push((count - 1).checked_mul(stride)?.checked_add(start + 1)?);
        } else {
            // Empty: any empty range of the inner slice's.
            starts.push(b[k]);
            limits.push(b[k]);
        }
        strides.push(stride);
    }
    pattern(&format!(
        "(slice ?x {} {} {})",
        ints_leaf(&starts),
        ints_leaf(&limits),
        ints_leaf(&strides)
    ))
}

/// A slice of `concat(x0, x1, ...)` whose selected range on the
/// concatenation axis lies within one operand: that operand sliced with
/// the range shifted to it, or the operand itself when the slice takes
/// all of it.
fn slice_of_concat(eg: &mut GraphEGraph<'_>, _: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let names = ["?x0", "?x1", "?x2"];
    let operands: Vec<&str> = names
        .into_iter()
        .filter(|n| class(s, n).is_some())
        .collect();
    let rank = ty(eg, s, "?x0")?.rank();
    let axis = normalize_axis(int(eg, s, "?ax")?, rank)?;
    let (b, e, st) = (ints(eg, s, "?b")?, ints(eg, s, "?e")?, ints(eg, s, "?st")?);
    if b.len() != rank || e.len() != rank || st.len() != rank || st[axis] < 1 || b[axis] >= e[axis]
    {
        return None;
    }
    // The first and last index the slice reads on the axis.
    let first = b[axis];
    let last = first + (e[axis] - first - 1) / st[axis] * st[axis];
    let mut offset = 0;
    for name in operands {
        let t = ty(eg, s, name)?;
        let len = *t.shape.get(axis)?;
        if offset <= first && last < offset + len {
            let mut b2 = b.to_vec();
            let mut e2 = e.to_vec();
            b2[axis] = first - offset;
            e2[axis] = last - offset + 1;
            let full = b2.iter().all(|&v| v == 0)
                && e2.iter().zip(&t.shape).all(|(l, d)| l == d)
                && st.iter().all(|&v| v == 1);
            return if full {
                pattern(name)
            } else {
                pattern(&format!(
                    "(slice {name} {} {} {})",
                    ints_leaf(&b2),
                    ints_leaf(&e2),
                    ints_leaf(st)
                ))
            };
        }
        offset += len;
    }
    None
}
