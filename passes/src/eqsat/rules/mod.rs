//! The rewrite rules, in sets the `rules` option selects.
//!
//! A rule set is a file with a plain `fn rules() -> Vec<GraphRewrite>`
//! list, one rule a line in aligned columns: name, left side, right side,
//! conditions. Patterns are written in the [language](super::lang) of the
//! e-graph: `(div ?x (sqrt ?y))`. A rule is built by one of:
//!
//! - [`rule`]: `lhs => rhs` where `rhs` is a pattern;
//! - [`rule_fn`]: `lhs => f(...)` where a function builds the right side
//!   (when it needs a new constant, such as a zero of some type);
//! - [`stabilize`]: like [`rule`], and the left side's root is marked
//!   numerically unstable, so extraction never keeps it when the right
//!   side is available (see [`cost`](super::cost)).
//!
//! Every rule is checked twice before it changes the e-graph: its
//! conditions ([`Cond`]) must hold, and the right side, instantiated,
//! must have exactly the type of the matched e-class, computed with the
//! dialect's own type inference. So `x + 0 -> x` never fires where `0`
//! broadcasts `x` to a larger shape, and no rule can build an op that
//! would not verify.
//!
//! | set | what |
//! |-----|------|
//! | [`algebra`] | identities, commutativity, associativity, strength reduction |
//! | [`stability`] | numerically stable forms (`log_softmax`, `log1p`, `expm1`, ...) |
//! | [`linalg`] | matrix products: transposes, scalars, Tensat's merge; chain order and factoring with `fast-math` |
//! | [`layout`] | transposes, reshapes, broadcasts, slices of concats |
//! | [`nn`] | conv + batch_norm folding, constant scales into weights |
//!
//! Rules that change the result on infinities or NaN (`x * 0 -> 0`,
//! `x - x -> 0`) are only given with `fast-math` (a set's
//! `fast_math_rules`). Every rule of every set is evaluated on random
//! inputs against the reference interpreter by `passes/tests/eqsat_rules.rs`.

pub mod algebra;
mod helpers;
pub mod layout;
pub mod linalg;
pub mod nn;
pub mod stability;

use std::fmt;

use egg::{Applier, ENodeOrVar, Id, Language, Pattern, PatternAst, Rewrite, Subst, Symbol, Var};
use tessera_dialects::graph::TensorType;

use super::analysis::{GraphAnalysis, GraphEGraph, infer_node};
use super::lang::Graph;

/// A rewrite rule of the pass.
pub type GraphRewrite<'c> = Rewrite<Graph, GraphAnalysis<'c>>;

/// A named set of rules.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum RuleSet {
    /// [`algebra`].
    Algebra,
    /// [`linalg`].
    Linalg,
    /// [`layout`].
    Layout,
    /// [`stability`].
    Stability,
    /// [`nn`].
    Nn,
}

impl RuleSet {
    /// Every set.
    pub const ALL: [RuleSet; 5] = [
        RuleSet::Algebra,
        RuleSet::Linalg,
        RuleSet::Layout,
        RuleSet::Stability,
        RuleSet::Nn,
    ];

    /// The name the `rules` option uses.
    pub fn name(self) -> &'static str {
        match self {
            RuleSet::Algebra => "algebra",
            RuleSet::Linalg => "linalg",
            RuleSet::Layout => "layout",
            RuleSet::Stability => "stability",
            RuleSet::Nn => "nn",
        }
    }

    /// The set named `name`.
    pub fn from_name(name: &str) -> Option<RuleSet> {
        RuleSet::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The set's rules, with its fast-math rules when `fast_math`.
    pub fn rules<'c>(self, fast_math: bool) -> Vec<GraphRewrite<'c>> {
        let mut rules = match self {
            RuleSet::Algebra => algebra::rules(),
            RuleSet::Linalg => linalg::rules(),
            RuleSet::Layout => layout::rules(),
            RuleSet::Stability => stability::rules(),
            RuleSet::Nn => nn::rules(),
        };
        if fast_math && self == RuleSet::Algebra {
            rules.extend(algebra::fast_math_rules());
        }
        if fast_math && self == RuleSet::Linalg {
            rules.extend(linalg::fast_math_rules());
        }
        rules
    }
}

impl fmt::Display for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A check of a match before a rule applies.
#[derive(Copy, Clone)]
pub enum Cond {
    /// The variable's e-class is a constant whose elements all equal the
    /// value (any shape; `0.0` also matches `-0.0`).
    Splat(Var, f64),
    /// Any other check, with a description for the docs.
    Check(&'static str, CheckFn),
}

/// A custom check: the e-graph, the matched e-class and the match.
pub type CheckFn = for<'a, 'c> fn(&'a GraphEGraph<'c>, Id, &'a Subst) -> bool;

/// Builds the right side of a rule for one match: the e-graph (to make
/// constants in), the matched e-class and the match. The result may use
/// the left side's variables.
pub type BuildFn =
    for<'a, 'c> fn(&'a mut GraphEGraph<'c>, Id, &'a Subst) -> Option<PatternAst<Graph>>;

impl Cond {
    fn holds(&self, egraph: &GraphEGraph<'_>, eclass: Id, subst: &Subst) -> bool {
        match *self {
            Cond::Splat(v, value) => subst.get(v).is_some_and(|&c| {
                egraph[c]
                    .data
                    .constant
                    .and_then(|k| k.splat)
                    .is_some_and(|s| s == value)
            }),
            Cond::Check(_, f) => f(egraph, eclass, subst),
        }
    }
}

impl fmt::Debug for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Splat(v, x) => write!(f, "{v} = {x:?}"),
            Cond::Check(what, _) => f.write_str(what),
        }
    }
}

/// `var` (written `"?z"`) is a constant whose elements all equal `value`.
pub fn splat(var: &str, value: f64) -> Cond {
    Cond::Splat(parse_var(var), value)
}

fn parse_var(var: &str) -> Var {
    var.parse()
        .unwrap_or_else(|e| panic!("bad pattern variable {var}: {e}"))
}

fn parse_pattern(name: &str, side: &str, text: &str) -> Pattern<Graph> {
    text.parse()
        .unwrap_or_else(|e| panic!("rule {name}: bad {side} pattern {text}: {e}"))
}

/// The right side of a rule.
enum Rhs {
    Pattern(Pattern<Graph>),
    Build(BuildFn),
}

/// The applier every rule uses: checks the conditions and the type of
/// the right side, then adds it and merges it with the match.
struct Checked {
    lhs: Pattern<Graph>,
    rhs: Rhs,
    when: Vec<Cond>,
    stabilizes: bool,
}

impl<'c> Applier<Graph, GraphAnalysis<'c>> for Checked {
    fn apply_one(
        &self,
        egraph: &mut GraphEGraph<'c>,
        eclass: Id,
        subst: &Subst,
        _searcher_ast: Option<&PatternAst<Graph>>,
        _rule_name: Symbol,
    ) -> Vec<Id> {
        if !self.when.iter().all(|c| c.holds(egraph, eclass, subst)) {
            return vec![];
        }
        let built;
        let ast = match &self.rhs {
            Rhs::Pattern(p) => &p.ast,
            Rhs::Build(f) => match f(egraph, eclass, subst) {
                Some(a) => {
                    built = a;
                    &built
                }
                None => return vec![],
            },
        };
        let Some(want) = egraph[eclass].data.ty.clone() else {
            return vec![];
        };
        if instantiation_type(egraph, ast, subst).as_ref() != Some(&want) {
            return vec![];
        }
        if self.stabilizes
            && let Some(root) = lhs_root(egraph, &self.lhs.ast, subst)
        {
            egraph.analysis.mark_unstable(root);
        }
        let id = egraph.add_instantiation(ast, subst);
        if egraph.union(eclass, id) {
            vec![eclass]
        } else {
            vec![]
        }
    }

    fn get_pattern_ast(&self) -> Option<&PatternAst<Graph>> {
        match &self.rhs {
            Rhs::Pattern(p) => Some(&p.ast),
            Rhs::Build(_) => None,
        }
    }

    fn vars(&self) -> Vec<Var> {
        match &self.rhs {
            Rhs::Pattern(p) => p.vars(),
            Rhs::Build(_) => vec![],
        }
    }
}

/// The type the instantiated pattern `ast` would have, computed as the
/// analysis would without adding anything; `None` if it would not verify.
pub fn instantiation_type(
    egraph: &mut GraphEGraph<'_>,
    ast: &PatternAst<Graph>,
    subst: &Subst,
) -> Option<TensorType> {
    let items = ast.as_ref();
    let mut tys: Vec<Option<TensorType>> = Vec::with_capacity(items.len());
    let mut leaves: Vec<Option<Graph>> = Vec::with_capacity(items.len());
    for item in items {
        let (ty, leaf) = match item {
            ENodeOrVar::Var(v) => {
                let d = &egraph[*subst.get(*v)?].data;
                (d.ty.clone(), d.leaf.clone())
            }
            ENodeOrVar::ENode(n) if n.is_attr_leaf() => (None, Some(n.clone())),
            ENodeOrVar::ENode(Graph::Const(c)) => {
                (egraph.analysis.const_info(*c).map(|(t, _)| t), None)
            }
            ENodeOrVar::ENode(Graph::Input(i)) => (egraph.analysis.input_type(*i).cloned(), None),
            ENodeOrVar::ENode(n) => {
                let mut ops = Vec::with_capacity(n.num_operands());
                for &c in n.operands() {
                    ops.push(tys[usize::from(c)].as_ref()?);
                }
                let mut ls = Vec::with_capacity(n.attr_children().len());
                for &c in n.attr_children() {
                    ls.push(leaves[usize::from(c)].as_ref()?);
                }
                let m = infer_node(egraph.analysis.ctx, n, &ops, &ls).ok()?;
                (Some(m.ty), None)
            }
        };
        tys.push(ty);
        leaves.push(leaf);
    }
    tys.pop().flatten()
}

/// The e-node at the root of a match of `lhs`, with canonical children.
fn lhs_root(egraph: &GraphEGraph<'_>, lhs: &PatternAst<Graph>, subst: &Subst) -> Option<Graph> {
    let items = lhs.as_ref();
    let mut ids: Vec<Id> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            ENodeOrVar::Var(v) => ids.push(egraph.find(*subst.get(*v)?)),
            ENodeOrVar::ENode(n) => {
                let node = n.clone().map_children(|c| ids[usize::from(c)]);
                if i + 1 == items.len() {
                    return Some(node);
                }
                ids.push(egraph.lookup(node)?);
            }
        }
    }
    None
}

fn build<'c>(name: &str, lhs: &str, rhs: Rhs, when: &[Cond], stabilizes: bool) -> GraphRewrite<'c> {
    let lhs = parse_pattern(name, "left", lhs);
    let applier = Checked {
        lhs: lhs.clone(),
        rhs,
        when: when.to_vec(),
        stabilizes,
    };
    Rewrite::new(name, lhs, applier).unwrap_or_else(|e| panic!("rule {name}: {e}"))
}

/// `lhs => rhs` when every condition holds (and the types agree).
pub fn rule<'c>(name: &str, lhs: &str, rhs: &str, when: &[Cond]) -> GraphRewrite<'c> {
    let rhs = Rhs::Pattern(parse_pattern(name, "right", rhs));
    build(name, lhs, rhs, when, false)
}

/// `lhs => f(match)` when every condition holds (and the types agree).
pub fn rule_fn<'c>(name: &str, lhs: &str, f: BuildFn, when: &[Cond]) -> GraphRewrite<'c> {
    build(name, lhs, Rhs::Build(f), when, false)
}

/// Like [`rule`], for a right side that is the numerically stable form of
/// the left side: the left side's root is marked unstable.
pub fn stabilize<'c>(name: &str, lhs: &str, rhs: &str, when: &[Cond]) -> GraphRewrite<'c> {
    let rhs = Rhs::Pattern(parse_pattern(name, "right", rhs));
    build(name, lhs, rhs, when, true)
}

/// A splat constant of `value` with the type of e-class `class` (for
/// [`BuildFn`]s), written as a pattern leaf.
pub fn splat_like(egraph: &mut GraphEGraph<'_>, class: Id, value: f64) -> Option<Graph> {
    let ty = egraph[class].data.ty.clone()?;
    egraph.analysis.splat(&ty, value).map(Graph::Const)
}

/// A rank-0 constant of `value` with the element type of e-class `class`.
pub fn scalar_like(egraph: &mut GraphEGraph<'_>, class: Id, value: f64) -> Option<Graph> {
    let elem = egraph[class].data.ty.as_ref()?.elem;
    let ty = TensorType::new(Vec::new(), elem);
    egraph.analysis.splat(&ty, value).map(Graph::Const)
}

/// Every rule of every set (fast-math ones included), for tests and docs.
pub fn all_rules<'c>() -> Vec<(RuleSet, GraphRewrite<'c>)> {
    RuleSet::ALL
        .into_iter()
        .flat_map(|s| s.rules(true).into_iter().map(move |r| (s, r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique() {
        let mut names: Vec<String> = all_rules()
            .iter()
            .map(|(_, r)| r.name.to_string())
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "duplicate rule names");
    }

    #[test]
    fn set_names_round_trip() {
        for s in RuleSet::ALL {
            assert_eq!(RuleSet::from_name(s.name()), Some(s));
        }
        assert_eq!(RuleSet::from_name("algebraic"), None);
    }
}
