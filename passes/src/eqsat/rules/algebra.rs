//! `algebra`: identities, commutativity and associativity, and strength
//! reduction.
//!
//! Everything here keeps results on infinities and NaN; the only
//! difference a rule may make is the sign of a zero (`-0.0 + 0.0` is
//! `+0.0`, so `x + 0 -> x` can turn a `+0.0` into `-0.0`) and rounding
//! within the spec's tolerance (`x / sqrt(y)` and `x * rsqrt(y)` round
//! differently). [`fast_math_rules`] are the ones that do not keep
//! infinities or NaN.
//!
//! Commutativity and associativity make e-graphs grow fast; the pass runs
//! them under egg's `BackoffScheduler`, which bans a rule for a while
//! after it matched too often.

use egg::{Id, PatternAst, Subst, Var};

use super::{GraphRewrite, rule, rule_fn, scalar_like, splat, splat_like};
use crate::eqsat::analysis::GraphEGraph;
use crate::eqsat::lang::Graph;

/// The rules of the set.
#[rustfmt::skip]
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let zero = || splat("?z", 0.0);
    let one = || splat("?o", 1.0);
    vec![
        // name             left side                     right side                 when
        rule("add-zero",      "(add ?x ?z)",                "?x",                      &[zero()]),
        rule("add-zero-left", "(add ?z ?x)",                "?x",                      &[zero()]),
        rule("sub-zero",      "(sub ?x ?z)",                "?x",                      &[zero()]),
        rule("mul-one",       "(mul ?x ?o)",                "?x",                      &[one()]),
        rule("mul-one-left",  "(mul ?o ?x)",                "?x",                      &[one()]),
        rule("div-one",       "(div ?x ?o)",                "?x",                      &[one()]),
        rule("neg-neg",       "(neg (neg ?x))",             "?x",                      &[]),
        rule("add-comm",      "(add ?x ?y)",                "(add ?y ?x)",             &[]),
        rule("mul-comm",      "(mul ?x ?y)",                "(mul ?y ?x)",             &[]),
        rule("add-assoc",     "(add (add ?x ?y) ?w)",       "(add ?x (add ?y ?w))",    &[]),
        rule("mul-assoc",     "(mul (mul ?x ?y) ?w)",       "(mul ?x (mul ?y ?w))",    &[]),
        rule("pow-two",       "(pow ?x ?t)",                "(square ?x)",             &[splat("?t", 2.0)]),
        rule("div-sqrt",      "(div ?x (sqrt ?y))",         "(mul ?x (rsqrt ?y))",     &[]),
        rule("one-div",       "(div ?o ?x)",                "(reciprocal ?x)",         &[one()]),
        rule("relu-relu",     "(relu (relu ?x))",           "(relu ?x)",               &[]),
        rule("max-zero",      "(max ?x ?z)",                "(relu ?x)",               &[zero()]),
        rule("max-zero-left", "(max ?z ?x)",                "(relu ?x)",               &[zero()]),
        rule_fn("relu-max",   "(relu ?x)",                  relu_as_max,               &[]),
    ]
}

/// The rules of the set that may change results on infinities or NaN,
/// given only with `fast-math`: `x * 0` is NaN for an infinite or NaN `x`,
/// `x - x` is NaN for an infinite `x`, and `pow(-inf, 0.5)` is `+inf`
/// where `sqrt(-inf)` is NaN.
#[rustfmt::skip]
pub fn fast_math_rules<'c>() -> Vec<GraphRewrite<'c>> {
    let zero = || splat("?z", 0.0);
    vec![
        // name              left side             right side           when
        rule_fn("mul-zero",      "(mul ?x ?z)",        zeros,               &[zero()]),
        rule_fn("mul-zero-left", "(mul ?z ?x)",        zeros,               &[zero()]),
        rule_fn("sub-self",      "(sub ?x ?x)",        zeros,               &[]),
        rule("pow-half",         "(pow ?x ?h)",        "(sqrt ?x)",         &[splat("?h", 0.5)]),
    ]
}

fn var(name: &str) -> Var {
    name.parse().expect("a pattern variable")
}

/// `relu(x) -> max(x, 0)` with a rank-0 zero of `x`'s element type.
fn relu_as_max(eg: &mut GraphEGraph<'_>, _class: Id, s: &Subst) -> Option<PatternAst<Graph>> {
    let zero = scalar_like(eg, *s.get(var("?x"))?, 0.0)?;
    format!("(max ?x {zero})").parse().ok()
}

/// Zeros of the matched e-class's type.
fn zeros(eg: &mut GraphEGraph<'_>, class: Id, _s: &Subst) -> Option<PatternAst<Graph>> {
    splat_like(eg, class, 0.0)?.to_string().parse().ok()
}
