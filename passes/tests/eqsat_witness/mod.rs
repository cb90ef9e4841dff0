//! Witnesses: chosen instances of rule left sides that random shapes
//! rarely or never produce (rank-4 convolutions, products whose inner
//! dimensions agree, two products sharing an operand), and a check that
//! runs a rule on one as `eqsat_rules.rs` does on random instances.
//!
//! A [`Witness`] fixes each pattern variable's type and kind (an input, a
//! constant, a positive constant, a splat, or an attribute leaf); the
//! values are random per seed. [`check_witness`] builds the left side
//! (and the witness's other terms, for a rule over two terms such as the
//! matmul merge), applies the rule once, and evaluates every node of
//! every e-class with the interpreter: all nodes of a class must agree
//! within twice the spec's tolerance, as in `eqsat_rules.rs`.

#![allow(dead_code)] // Each test file checks its own set.

use std::collections::HashMap;

use egg::{ENodeOrVar, Id, Language, PatternAst, RecExpr, Var};
use tessera_dialects::graph::ops::Family;
use tessera_dialects::graph::{ElemType, TensorType};
use tessera_dialects::interp::eval::constant_to_tensor;
use tessera_dialects::interp::value::Tensor;
use tessera_passes::eqsat::analysis::{GraphAnalysis, GraphEGraph, eval_node};
use tessera_passes::eqsat::lang::Graph;
use tessera_passes::eqsat::rules::{GraphRewrite, all_rules, linalg};

use crate::eqsat_support::{Rng, context, random_tensor};

/// How a witness binds a pattern variable.
#[derive(Copy, Clone, Debug)]
pub enum Bind {
    /// An input of this type (`2x3xf32`, `f32` for rank 0), random values.
    Input(&'static str),
    /// A constant of this type, random values in `[-3, 3)`.
    Const(&'static str),
    /// A constant of this type, random values in `[0.5, 3)`.
    Positive(&'static str),
    /// A splat constant of this type and value.
    Splat(&'static str, f64),
    /// An attribute leaf, written as in patterns: `[1,0]`, `1`, `1e-5`.
    Leaf(&'static str),
}

/// An instance of a rule's left side.
#[derive(Copy, Clone, Debug)]
pub struct Witness {
    /// The rule's name.
    pub rule: &'static str,
    /// Every variable of the left side (and of `also`).
    pub vars: &'static [(&'static str, Bind)],
    /// Other terms over the same variables that the e-graph holds.
    pub also: &'static [&'static str],
}

const fn w(rule: &'static str, vars: &'static [(&'static str, Bind)]) -> Witness {
    Witness {
        rule,
        vars,
        also: &[],
    }
}

use Bind::{Const, Input, Leaf, Positive, Splat};

/// The witnesses of the `linalg`, `layout` and `nn` rules.
#[rustfmt::skip]
pub const WITNESSES: &[Witness] = &[
    // ----- linalg
    w("matmul-transpose",   &[("?a", Input("3x4xf32")), ("?b", Input("4x5xf32")), ("?p", Leaf("[1,0]"))]),
    w("matmul-transpose",   &[("?a", Input("2x3x4xf64")), ("?b", Input("4x5xf64")), ("?p", Leaf("[0,2,1]"))]),
    w("matmul-transpose",   &[("?a", Input("3x4xi32")), ("?b", Const("2x4x2xi32")), ("?p", Leaf("[0,2,1]"))]),
    w("transpose-matmul",   &[("?b", Input("4x5xf32")), ("?q", Leaf("[1,0]")), ("?a", Input("3x4xf32")), ("?p", Leaf("[1,0]"))]),
    w("transpose-matmul",   &[("?b", Input("2x4x5xf64")), ("?q", Leaf("[0,2,1]")), ("?a", Input("3x4xf64")), ("?p", Leaf("[1,0]"))]),
    w("matmul-scale-lhs",   &[("?s", Splat("3x4xf32", 2.5)), ("?a", Input("3x4xf32")), ("?b", Input("4x2xf32"))]),
    w("matmul-scale-lhs",   &[("?s", Const("i64")), ("?a", Input("3x4xi64")), ("?b", Input("4x2xi64"))]),
    w("matmul-scale-lhs-r", &[("?s", Const("1x1xf64")), ("?a", Input("3x4xf64")), ("?b", Input("4x2xf64"))]),
    w("matmul-scale-rhs",   &[("?s", Splat("f32", -0.5)), ("?a", Input("3x4xf32")), ("?b", Input("4x2xf32"))]),
    w("matmul-scale-rhs-r", &[("?s", Splat("4x2xf64", 0.0)), ("?a", Input("3x4xf64")), ("?b", Input("4x2xf64"))]),
    w("scale-matmul-lhs",   &[("?s", Splat("3x2xf32", 3.0)), ("?a", Input("3x4xf32")), ("?b", Input("4x2xf32"))]),
    w("scale-matmul-lhs-r", &[("?s", Const("f64")), ("?a", Input("2x3x4xf64")), ("?b", Input("4x2xf64"))]),
    w("scale-matmul-rhs",   &[("?s", Const("i32")), ("?a", Input("3x4xi32")), ("?b", Input("4x2xi32"))]),
    w("scale-matmul-rhs-r", &[("?s", Splat("3x2xf32", -2.0)), ("?a", Input("3x4xf32")), ("?b", Input("4x2xf32"))]),
    Witness { rule: "matmul-merge", vars: &[("?a", Input("3x4xf32")), ("?b", Const("4x2xf32")), ("?c", Input("4x5xf32"))], also: &["(matmul ?a ?c)"] },
    Witness { rule: "matmul-merge", vars: &[("?a", Input("2x3x4xf64")), ("?b", Input("4x2xf64")), ("?c", Input("4x1xf64"))], also: &["(matmul ?a ?c)"] },
    w("matmul-assoc-left",  &[("?a", Input("2x3xf32")), ("?b", Input("3x4xf32")), ("?c", Input("4x5xf32"))]),
    w("matmul-assoc-left",  &[("?a", Input("2x2x3xf64")), ("?b", Input("3x4xf64")), ("?c", Input("2x4x1xf64"))]),
    w("matmul-assoc-right", &[("?a", Input("2x3xf32")), ("?b", Input("3x4xf32")), ("?c", Input("4x5xf32"))]),
    w("matmul-assoc-right", &[("?a", Input("5x3xi32")), ("?b", Input("3x4xi32")), ("?c", Input("4x1xi32"))]),
    w("matmul-factor-lhs",  &[("?a", Input("2x3xf32")), ("?b", Input("3x4xf32")), ("?c", Input("3x4xf32"))]),
    w("matmul-factor-lhs",  &[("?a", Input("2x3xf64")), ("?b", Input("3x4xf64")), ("?c", Input("3x1xf64"))]),
    w("matmul-factor-rhs",  &[("?a", Input("2x3xf32")), ("?b", Input("2x3xf32")), ("?c", Input("3x4xf32"))]),
    w("matmul-factor-lhs-sub", &[("?a", Input("2x3xf64")), ("?b", Input("3x4xf64")), ("?c", Input("3x4xf64"))]),
    w("matmul-factor-rhs-sub", &[("?a", Input("2x3xi64")), ("?b", Input("1x3xi64")), ("?c", Input("3x4xi64"))]),
    w("matmul-scalar-lhs",  &[("?s", Input("f32")), ("?a", Input("2x3xf32")), ("?b", Input("3x4xf32"))]),
    w("matmul-scalar-rhs",  &[("?s", Input("1x1xf64")), ("?a", Input("2x3xf64")), ("?b", Input("3x4xf64"))]),
    w("scalar-matmul-lhs",  &[("?s", Input("f32")), ("?a", Input("2x3xf32")), ("?b", Input("3x4xf32"))]),
    w("scalar-matmul-rhs",  &[("?s", Input("f64")), ("?a", Input("2x3xf64")), ("?b", Input("3x4xf64"))]),
    // ----- layout
    w("transpose-transpose", &[("?x", Input("2x3x4xf32")), ("?p", Leaf("[2,0,1]")), ("?q", Leaf("[1,2,0]"))]),
    w("transpose-transpose", &[("?x", Input("2x3x4xi64")), ("?p", Leaf("[1,0,2]")), ("?q", Leaf("[2,1,0]"))]),
    w("slice-concat",       &[("?x0", Input("2x3xf32")), ("?x1", Input("2x4xf32")), ("?ax", Leaf("1")), ("?b", Leaf("[0,3]")), ("?e", Leaf("[2,7]")), ("?st", Leaf("[1,1]"))]),
    w("slice-concat",       &[("?x0", Input("2x3xf32")), ("?x1", Input("2x4xf32")), ("?ax", Leaf("-1")), ("?b", Leaf("[1,4]")), ("?e", Leaf("[2,7]")), ("?st", Leaf("[1,2]"))]),
    w("slice-concat",       &[("?x0", Input("5x2xi32")), ("?x1", Input("3x2xi32")), ("?ax", Leaf("0")), ("?b", Leaf("[1,0]")), ("?e", Leaf("[5,2]")), ("?st", Leaf("[3,1]"))]),
    w("slice-concat3",      &[("?x0", Input("2xf64")), ("?x1", Input("3xf64")), ("?x2", Input("4xf64")), ("?ax", Leaf("0")), ("?b", Leaf("[2]")), ("?e", Leaf("[5]")), ("?st", Leaf("[1]"))]),
    w("slice-concat3",      &[("?x0", Input("2xf64")), ("?x1", Input("3xf64")), ("?x2", Input("4xf64")), ("?ax", Leaf("0")), ("?b", Leaf("[5]")), ("?e", Leaf("[9]")), ("?st", Leaf("[2]"))]),
    w("slice-slice",        &[("?x", Input("7x5xf32")), ("?b", Leaf("[1,0]")), ("?e", Leaf("[7,5]")), ("?st", Leaf("[2,1]")), ("?b2", Leaf("[1,1]")), ("?e2", Leaf("[3,5]")), ("?st2", Leaf("[1,2]"))]),
    w("slice-slice",        &[("?x", Input("9xi64")), ("?b", Leaf("[2]")), ("?e", Leaf("[9]")), ("?st", Leaf("[3]")), ("?b2", Leaf("[1]")), ("?e2", Leaf("[1]")), ("?st2", Leaf("[1]"))]),
    w("broadcast-broadcast", &[("?x", Input("3x1xf32")), ("?s", Leaf("[2,3,1]")), ("?t", Leaf("[4,2,3,5]"))]),
    w("add-transpose",      &[("?x", Input("2x1x4xf32")), ("?y", Input("1x3x4xf32")), ("?p", Leaf("[2,0,1]"))]),
    w("transpose-pow",      &[("?x", Input("2x3xf64")), ("?y", Input("1x3xf64")), ("?p", Leaf("[1,0]"))]),
    // ----- nn
    w("conv-bn-fold",       &[("?x", Input("2x3x6x6xf32")), ("?w", Const("4x3x3x3xf32")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[1,1,1,1]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")),
                              ("?sc", Const("4xf32")), ("?bi", Const("4xf32")), ("?mu", Const("4xf32")), ("?va", Positive("4xf32")), ("?eps", Leaf("1e-5"))]),
    w("conv-bn-fold",       &[("?x", Input("1x4x7x5xf64")), ("?w", Const("6x2x3x2xf64")), ("?st", Leaf("[2,1]")), ("?pd", Leaf("[0,1,2,0]")), ("?dl", Leaf("[1,2]")), ("?g", Leaf("2")),
                              ("?sc", Const("6xf64")), ("?bi", Const("6xf64")), ("?mu", Const("6xf64")), ("?va", Positive("6xf64")), ("?eps", Leaf("0.001"))]),
    w("conv-bias-bn-fold",  &[("?x", Input("2x3x5x5xf64")), ("?w", Const("4x3x3x3xf64")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[0,0,0,0]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")), ("?b", Const("1x4x1x1xf64")),
                              ("?sc", Const("4xf64")), ("?bi", Const("4xf64")), ("?mu", Const("4xf64")), ("?va", Positive("4xf64")), ("?eps", Leaf("1e-5"))]),
    w("conv-bias-bn-fold",  &[("?x", Input("1x2x4x4xf32")), ("?w", Const("3x2x1x1xf32")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[0,0,0,0]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")), ("?b", Const("3x1x1xf32")),
                              ("?sc", Const("3xf32")), ("?bi", Const("3xf32")), ("?mu", Const("3xf32")), ("?va", Positive("3xf32")), ("?eps", Leaf("1e-5"))]),
    w("conv-scale-fold",    &[("?x", Input("2x3x5x5xf32")), ("?w", Const("4x3x3x3xf32")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[1,1,1,1]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")), ("?s", Const("1x4x1x1xf32"))]),
    w("conv-scale-fold",    &[("?x", Input("1x2x5x5xf64")), ("?w", Const("2x1x2x2xf64")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[0,0,0,0]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("2")), ("?s", Splat("1x2x4x4xf64", 0.25))]),
    w("scale-conv-fold",    &[("?x", Input("2x3x5x5xf32")), ("?w", Const("4x3x3x3xf32")), ("?st", Leaf("[2,2]")), ("?pd", Leaf("[1,1,1,1]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")), ("?s", Const("4x1x1xf32"))]),
    w("scale-conv-fold",    &[("?x", Input("2x3x5x5xf64")), ("?w", Const("4x3x3x3xf64")), ("?st", Leaf("[1,1]")), ("?pd", Leaf("[0,0,0,0]")), ("?dl", Leaf("[1,1]")), ("?g", Leaf("1")), ("?s", Const("f64"))]),
    w("matmul-scale-fold",  &[("?x", Input("3x4xf32")), ("?w", Const("4x5xf32")), ("?s", Const("5xf32"))]),
    w("matmul-scale-fold",  &[("?x", Input("2x3x4xf64")), ("?w", Const("4x5xf64")), ("?s", Const("1x1x5xf64"))]),
    w("matmul-scale-fold",  &[("?x", Input("3x4xi32")), ("?w", Const("2x4x5xi32")), ("?s", Const("5xi32"))]),
    w("scale-matmul-fold",  &[("?x", Input("3x4xf32")), ("?w", Const("4x5xf32")), ("?s", Splat("3x5xf32", 1.5))]),
    w("scale-matmul-fold",  &[("?x", Input("3x4xi64")), ("?w", Const("4x5xi64")), ("?s", Const("1x5xi64"))]),
];

/// Every rule of every set, fast-math ones included (`linalg`'s too,
/// whether or not `RuleSet::rules` gives them yet).
pub fn rules<'c>() -> Vec<GraphRewrite<'c>> {
    let mut v: Vec<GraphRewrite<'c>> = all_rules().into_iter().map(|(_, r)| r).collect();
    for r in linalg::fast_math_rules() {
        if !v.iter().any(|k| k.name == r.name) {
            v.push(r);
        }
    }
    v
}

/// What checking one witness gave.
#[derive(Debug)]
pub enum Outcome {
    /// The rule applied and every e-class agreed (this many nodes were
    /// compared against their class's value).
    Agreed(usize),
    /// The rule did not change the e-graph.
    NotApplied,
    /// A disagreement or a broken witness, described.
    Failed(String),
}

/// Parses `2x3xf32` (or `f32` for rank 0).
pub fn parse_type(text: &str) -> TensorType {
    let mut parts: Vec<&str> = text.split('x').collect();
    let elem = parts.pop().and_then(ElemType::from_name);
    let elem = elem.unwrap_or_else(|| panic!("bad element type in {text}"));
    let shape = parts
        .iter()
        .map(|d| {
            d.parse()
                .unwrap_or_else(|_| panic!("bad dimension in {text}"))
        })
        .collect();
    TensorType::new(shape, elem)
}

/// Checks `witness` with the values of `seed`.
pub fn check_witness(witness: &Witness, seed: u64) -> Outcome {
    let mut ctx = context();
    let rules = rules();
    let Some(rule) = rules.iter().find(|r| r.name.as_str() == witness.rule) else {
        return Outcome::Failed(format!("no rule named {}", witness.rule));
    };
    let lhs = rule
        .searcher
        .get_pattern_ast()
        .expect("every rule searches with a pattern")
        .clone();
    let mut eg: GraphEGraph<'_> = egg::EGraph::new(GraphAnalysis::new(&mut ctx));
    let mut rng = Rng::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x1234);
    let mut inputs: Vec<Tensor> = Vec::new();
    let mut bound: HashMap<Var, (Id, Option<Tensor>)> = HashMap::new();
    for &(name, b) in witness.vars {
        let v: Var = name.parse().expect("a pattern variable");
        bound.insert(v, bind(&mut eg, b, &mut rng, &mut inputs));
    }
    let mut terms = vec![lhs];
    for t in witness.also {
        terms.push(t.parse().expect("a term pattern"));
    }
    let mut values: Vec<(Id, Tensor)> = Vec::new();
    for t in &terms {
        if let Err(e) = instantiate(&mut eg, t, &bound, &mut values) {
            return Outcome::Failed(format!("{}: the witness is broken: {e}", witness.rule));
        }
    }
    eg.rebuild();
    let matches = rule.search(&eg);
    if matches.is_empty() || rule.apply(&mut eg, &matches).is_empty() {
        return Outcome::NotApplied;
    }
    eg.rebuild();
    if eg.analysis.conflicts() > 0 {
        return Outcome::Failed(format!(
            "{}: merged classes of different types",
            witness.rule
        ));
    }
    let reduction = terms.iter().any(|t| {
        t.as_ref().iter().any(|n| match n {
            ENodeOrVar::ENode(n) => !matches!(
                n.family(),
                None | Some(Family::Unary(_) | Family::Binary(_) | Family::Select | Family::Cmp)
            ),
            ENodeOrVar::Var(_) => false,
        })
    });
    let (rtol, atol) = if reduction {
        (2e-4, 2e-6)
    } else {
        (2e-5, 2e-6)
    };
    match agree(&mut eg, &inputs, &values, rtol, atol) {
        Ok(n) => Outcome::Agreed(n),
        Err(e) => Outcome::Failed(format!("{}: {e}", witness.rule)),
    }
}

/// Binds a variable to a new e-class, with its value.
fn bind(
    eg: &mut GraphEGraph<'_>,
    b: Bind,
    rng: &mut Rng,
    inputs: &mut Vec<Tensor>,
) -> (Id, Option<Tensor>) {
    match b {
        Bind::Leaf(text) => {
            let e: RecExpr<Graph> = text.parse().expect("a leaf");
            (eg.add(e[e.root()].clone()), None)
        }
        Bind::Input(t) => {
            let ty = parse_type(t);
            let v = random_tensor(rng, ty.elem, &ty.usize_shape());
            let i = eg.analysis.add_input(ty);
            inputs.push(v.clone());
            (eg.add(Graph::Input(i)), Some(v))
        }
        Bind::Const(t) | Bind::Positive(t) | Bind::Splat(t, _) => {
            let ty = parse_type(t);
            let shape = ty.usize_shape();
            let v = match b {
                Bind::Splat(_, x) => Tensor::splat(ty.elem, &shape, x).expect("a splat"),
                Bind::Positive(_) => {
                    let n: usize = shape.iter().product();
                    let xs: Vec<f64> = (0..n).map(|_| rng.float(0.5, 3.0)).collect();
                    Tensor::from_f64s(ty.elem, &shape, &xs).expect("a tensor")
                }
                _ => random_tensor(rng, ty.elem, &shape),
            };
            let c = eg.analysis.constant(&v);
            (eg.add(Graph::Const(c)), Some(v))
        }
    }
}

/// Adds the term `t` over the bound variables, recording each op's value.
fn instantiate(
    eg: &mut GraphEGraph<'_>,
    t: &PatternAst<Graph>,
    bound: &HashMap<Var, (Id, Option<Tensor>)>,
    values: &mut Vec<(Id, Tensor)>,
) -> Result<(), String> {
    let mut ids: Vec<Id> = Vec::new();
    let mut vals: Vec<Option<Tensor>> = Vec::new();
    for item in t.as_ref() {
        let (id, val) = match item {
            ENodeOrVar::Var(v) => bound
                .get(v)
                .cloned()
                .ok_or_else(|| format!("{v} is not bound"))?,
            ENodeOrVar::ENode(n) => {
                let node = n.clone().map_children(|c| ids[usize::from(c)]);
                let id = eg.add(node.clone());
                if n.is_attr_leaf() {
                    (id, None)
                } else {
                    if eg[id].data.ty.is_none() {
                        return Err(format!("{node} does not verify"));
                    }
                    let ops: Vec<&Tensor> = n
                        .operands()
                        .iter()
                        .map(|&c| vals[usize::from(c)].as_ref())
                        .collect::<Option<_>>()
                        .ok_or("an operand has no value")?;
                    let leaves = leaf_nodes(eg, &node);
                    let leaves: Vec<&Graph> = leaves.iter().collect();
                    let v = eval_node(eg.analysis.ctx, &node, &ops, &leaves)?;
                    (id, Some(v))
                }
            }
        };
        if let Some(v) = &val {
            values.push((id, v.clone()));
        }
        ids.push(id);
        vals.push(val);
    }
    Ok(())
}

fn leaf_nodes(eg: &GraphEGraph<'_>, node: &Graph) -> Vec<Graph> {
    node.attr_children()
        .iter()
        .map(|&c| eg[c].data.leaf.clone().expect("an attribute leaf"))
        .collect()
}

/// Evaluates every node of every class; all of a class must agree.
/// Returns how many nodes were compared with their class's value.
pub fn agree(
    eg: &mut GraphEGraph<'_>,
    inputs: &[Tensor],
    values: &[(Id, Tensor)],
    rtol: f64,
    atol: f64,
) -> Result<usize, String> {
    let mut known: HashMap<Id, Tensor> = HashMap::new();
    for (id, v) in values {
        let c = eg.find(*id);
        match known.get(&c) {
            Some(prev) => v
                .allclose(prev, rtol, atol)
                .map_err(|e| format!("two merged terms differ: {e}"))?,
            None => {
                known.insert(c, v.clone());
            }
        }
    }
    let mut nodes: Vec<(Id, Graph)> = eg
        .classes()
        .flat_map(|c| c.nodes.iter().map(move |n| (c.id, n.clone())))
        .filter(|(_, n)| !n.is_attr_leaf())
        .collect();
    nodes.sort();
    let mut done = vec![false; nodes.len()];
    let mut compared = 0;
    loop {
        let mut progress = false;
        for (k, (class, node)) in nodes.iter().enumerate() {
            if done[k] {
                continue;
            }
            let value = match node {
                Graph::Input(i) => Ok(inputs[i.0 as usize].clone()),
                Graph::Const(c) => constant_to_tensor(eg.analysis.ctx, c.0),
                op => {
                    let Some(ops) = op
                        .operands()
                        .iter()
                        .map(|&c| known.get(&eg.find(c)).cloned())
                        .collect::<Option<Vec<_>>>()
                    else {
                        continue;
                    };
                    let refs: Vec<&Tensor> = ops.iter().collect();
                    let leaves = leaf_nodes(eg, op);
                    let leaves: Vec<&Graph> = leaves.iter().collect();
                    eval_node(eg.analysis.ctx, op, &refs, &leaves)
                }
            };
            done[k] = true;
            progress = true;
            let value = value.map_err(|e| format!("evaluating {node} failed: {e}"))?;
            let c = eg.find(*class);
            match known.get(&c) {
                Some(prev) => {
                    compared += 1;
                    value
                        .allclose(prev, rtol, atol)
                        .map_err(|e| format!("node {node} of its class differs: {e}"))?;
                }
                None => {
                    known.insert(c, value);
                }
            }
        }
        if !progress {
            break;
        }
    }
    Ok(compared)
}

/// Checks every witness of the rules named `names` on `seeds` seeds, and
/// that every rule named in `needed` has a witness. Panics with every
/// problem found.
pub fn check_rules(names: &[String], needed: &[&str], seeds: u64) {
    let mut problems = Vec::new();
    for n in needed {
        if !WITNESSES.iter().any(|w| w.rule == *n) {
            problems.push(format!("{n}: no witness"));
        }
    }
    for witness in WITNESSES
        .iter()
        .filter(|w| names.iter().any(|n| n == w.rule))
    {
        for seed in 0..seeds {
            match check_witness(witness, seed) {
                Outcome::Agreed(n) if n > 0 => {}
                Outcome::Agreed(_) => problems.push(format!(
                    "{} (seed {seed}): nothing was compared",
                    witness.rule
                )),
                Outcome::NotApplied => problems.push(format!(
                    "{} (seed {seed}): did not apply to {:?}",
                    witness.rule, witness.vars
                )),
                Outcome::Failed(e) => problems.push(format!("(seed {seed}) {e}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A type as MLIR spells it: `tensor<2x3xf32>`.
pub fn mlir_ty(shape: &[i64], elem: ElemType) -> String {
    let dims: String = shape.iter().map(|d| format!("{d}x")).collect();
    format!("tensor<{dims}{}>", elem.name())
}

/// A `graph.constant` of `shape` with random values in `[lo, hi)`.
pub fn dense(rng: &mut Rng, shape: &[i64], elem: ElemType, lo: f64, hi: f64) -> String {
    fn nested(rng: &mut Rng, shape: &[i64], lo: f64, hi: f64) -> String {
        match shape.split_first() {
            None => format!("{:.3}", rng.float(lo, hi)),
            Some((&n, rest)) => {
                let items: Vec<String> = (0..n).map(|_| nested(rng, rest, lo, hi)).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
    let t = mlir_ty(shape, elem);
    format!(
        "graph.constant {{value = dense<{}> : {t}}} : () -> {t}",
        nested(rng, shape, lo, hi)
    )
}
