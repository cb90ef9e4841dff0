//! `stability`: numerically stable forms of common expressions.
//!
//! Each rule's left side loses precision or overflows where its right
//! side does not: `log(softmax(x))` is `-inf` once `exp` underflows,
//! `log(1 + x)` is `0` for `|x|` below the float's epsilon, `exp(x) - 1`
//! cancels near `0`, `log(sigmoid(x))` is `-inf` for large negative `x`.
//! The right sides use only `graph` ops; `softplus(x)` is written
//! `relu(x) + log1p(exp(-|x|))`, so `log(sigmoid(x)) = -softplus(-x)`.
//!
//! The rules are built with [`stabilize`], which marks the left side's
//! root unstable: extraction then prefers the stable form even where it
//! costs more FLOPs.

use super::{GraphRewrite, splat, stabilize};

/// The rules of the set.
#[rustfmt::skip]
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let one = || splat("?o", 1.0);
    vec![
        // name                           left side                      right side                                                  when
        stabilize("log-softmax",          "(log (softmax ?x ?a))",       "(log_softmax ?x ?a)",                                      &[]),
        stabilize("log-one-plus",         "(log (add ?o ?x))",           "(log1p ?x)",                                               &[one()]),
        stabilize("log-plus-one",         "(log (add ?x ?o))",           "(log1p ?x)",                                               &[one()]),
        stabilize("exp-minus-one",        "(sub (exp ?x) ?o)",           "(expm1 ?x)",                                               &[one()]),
        stabilize("log-sigmoid",          "(log (sigmoid ?x))",          "(neg (add (relu (neg ?x)) (log1p (exp (neg (abs ?x))))))", &[]),
        stabilize("log-one-minus-sigmoid","(log (sub ?o (sigmoid ?x)))", "(neg (add (relu ?x) (log1p (exp (neg (abs ?x))))))",       &[one()]),
        stabilize("log-exp",              "(log (exp ?x))",              "?x",                                                       &[]),
    ]
}
