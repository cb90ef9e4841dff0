//! Every rule of every rule set, checked against the reference interpreter.
//!
//! For each rule (fast-math ones included: the list comes from
//! `rules::all_rules`, so a new rule cannot escape), random instances of
//! its left side are built: each pattern variable becomes a tensor of a
//! random shape and element type (an input with random values, a random
//! constant, or a splat of 0, 1, 2, 0.5 or -1 so conditions such as
//! "`?z` is zero" hold often) or an attribute leaf of a random valid
//! value. An instance whose left side does not verify or cannot be
//! evaluated is skipped. The rule is then run once on an e-graph holding
//! the instance, and every node of every e-class is evaluated with the
//! interpreter: all nodes of a class, the left side's and whatever the
//! rule added, must agree within twice the spec's tolerance (each side may
//! be off by the tolerance). A rule must be checked this way on
//! [`WANT`] instances; one that fires too rarely fails the test too.

mod eqsat_support;
mod eqsat_witness;

use std::collections::HashMap;

use egg::{ENodeOrVar, Id, Language, PatternAst, Var};
use eqsat_support::{Rng, context, random_tensor};
use tessera_compiler::Context;
use tessera_dialects::graph::ops::Family;
use tessera_dialects::graph::{ElemType, TensorType};
use tessera_dialects::interp::kernels::CmpPredicate;
use tessera_dialects::interp::value::Tensor;
use tessera_passes::eqsat::analysis::{GraphAnalysis, GraphEGraph, eval_node};
use tessera_passes::eqsat::lang::{
    ElemLeaf, FloatLeaf, Graph, IntList, LeafKind, LeafSpec, PredLeaf, leaf_specs,
};
use tessera_passes::eqsat::rules::{GraphRewrite, RuleSet, all_rules};

/// Instances each rule must be checked on.
const WANT: usize = 8;
/// Random instances tried per rule.
const ATTEMPTS: u64 = 800;

/// What one random instance gave.
enum Outcome {
    /// The left side does not verify or evaluate: try another.
    Invalid,
    /// The rule did not change the e-graph.
    NotApplied,
    /// Every e-class agrees.
    Agreed,
    /// A disagreement, described.
    Disagreed(String),
}

/// How a pattern variable is used.
#[derive(Copy, Clone, Debug)]
enum Role {
    Tensor,
    Leaf(LeafSpec),
}

#[test]
fn every_rule_agrees_with_the_interpreter() {
    let names: Vec<(RuleSet, String)> = all_rules()
        .iter()
        .map(|(s, r)| (*s, r.name.to_string()))
        .collect();
    assert!(!names.is_empty());
    let mut problems = Vec::new();
    for (i, (set, name)) in names.iter().enumerate() {
        let mut checked = 0;
        let mut failed = false;
        // Chosen instances first, for rules random shapes rarely reach.
        for w in eqsat_witness::WITNESSES
            .iter()
            .filter(|w| w.rule == name.as_str())
        {
            for seed in 0..WANT as u64 {
                match eqsat_witness::check_witness(w, seed) {
                    eqsat_witness::Outcome::Agreed(n) if n > 0 => checked += 1,
                    eqsat_witness::Outcome::Failed(msg) => {
                        problems.push(format!("{set}/{name} (witness, seed {seed}): {msg}"));
                        failed = true;
                    }
                    _ => {}
                }
            }
        }
        for attempt in 0..ATTEMPTS {
            if checked >= WANT {
                break;
            }
            let mut rng = Rng::new(seed_of(name) ^ attempt.wrapping_mul(0x9e37_79b9));
            let mut ctx = context();
            match check_instance(&mut ctx, i, &mut rng) {
                Outcome::Invalid | Outcome::NotApplied => {}
                Outcome::Agreed => checked += 1,
                Outcome::Disagreed(msg) => {
                    problems.push(format!("{set}/{name} (attempt {attempt}): {msg}"));
                    failed = true;
                    break;
                }
            }
        }
        if !failed && checked < WANT {
            problems.push(format!(
                "{set}/{name}: checked on only {checked} of {ATTEMPTS} random instances (want {WANT})"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A deterministic seed per rule name.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The role of each variable of `lhs`, from where it appears.
fn roles(lhs: &PatternAst<Graph>) -> HashMap<Var, Role> {
    let items = lhs.as_ref();
    let mut roles = HashMap::new();
    for item in items {
        let ENodeOrVar::ENode(n) = item else { continue };
        let Some(family) = n.family() else { continue };
        let specs = leaf_specs(family);
        for (i, &c) in n.children().iter().enumerate() {
            if let ENodeOrVar::Var(v) = &items[usize::from(c)] {
                let role = if i < n.num_operands() {
                    Role::Tensor
                } else {
                    Role::Leaf(specs[i - n.num_operands()])
                };
                roles.entry(*v).or_insert(role);
            }
        }
    }
    roles
}

/// Builds a random instance of rule `index`'s left side, applies the rule
/// and checks every e-class.
fn check_instance(ctx: &mut Context, index: usize, rng: &mut Rng) -> Outcome {
    let rules = all_rules();
    let rw: &GraphRewrite<'_> = &rules[index].1;
    let lhs = rw
        .searcher
        .get_pattern_ast()
        .expect("every rule searches with a pattern")
        .clone();
    let roles = roles(&lhs);
    let reduction = lhs.as_ref().iter().any(|n| match n {
        ENodeOrVar::ENode(n) => !matches!(
            n.family(),
            None | Some(Family::Unary(_) | Family::Binary(_) | Family::Select | Family::Cmp)
        ),
        ENodeOrVar::Var(_) => false,
    });
    let (rtol, atol) = if reduction {
        (2e-4, 2e-6)
    } else {
        (2e-5, 2e-6)
    };

    let elem = rng.pick(&[
        ElemType::F64,
        ElemType::F64,
        ElemType::F64,
        ElemType::F32,
        ElemType::F32,
        ElemType::I32,
        ElemType::I64,
    ]);
    let rank = rng.below(4) as usize;
    let base: Vec<i64> = (0..rank).map(|_| rng.range(1, 4)).collect();

    let mut eg: GraphEGraph<'_> = egg::EGraph::new(GraphAnalysis::new(ctx));
    let mut inputs: Vec<Tensor> = Vec::new();
    let mut bound: HashMap<Var, (Id, Option<Tensor>)> = HashMap::new();
    let mut ids: Vec<Id> = Vec::new();
    let mut vals: Vec<Option<Tensor>> = Vec::new();
    let mut text: Vec<String> = Vec::new();
    for item in lhs.as_ref() {
        let (id, val, t) = match item {
            ENodeOrVar::Var(v) => {
                if !bound.contains_key(v) {
                    let role = roles.get(v).copied().unwrap_or(Role::Tensor);
                    let b = bind(&mut eg, role, elem, &base, rng, &mut inputs);
                    bound.insert(*v, b);
                }
                let (id, val) = bound[v].clone();
                (id, val, describe(&eg, id, v))
            }
            ENodeOrVar::ENode(n) => {
                let node = n.clone().map_children(|c| ids[usize::from(c)]);
                let t = format!(
                    "({node}{})",
                    n.children()
                        .iter()
                        .map(|&c| format!(" {}", text[usize::from(c)]))
                        .collect::<String>()
                );
                let id = eg.add(node.clone());
                if n.is_attr_leaf() {
                    (id, None, node.to_string())
                } else {
                    if eg[id].data.ty.is_none() {
                        return Outcome::Invalid;
                    }
                    let Some(ops) = n
                        .operands()
                        .iter()
                        .map(|&c| vals[usize::from(c)].as_ref())
                        .collect::<Option<Vec<_>>>()
                    else {
                        return Outcome::Invalid;
                    };
                    let leaves = leaf_nodes(&eg, &node);
                    let leaves: Vec<&Graph> = leaves.iter().collect();
                    match eval_node(eg.analysis.ctx, &node, &ops, &leaves) {
                        Ok(v) => (id, Some(v), t),
                        Err(_) => return Outcome::Invalid,
                    }
                }
            }
        };
        ids.push(id);
        vals.push(val);
        text.push(t);
    }
    let instance = text.last().cloned().unwrap_or_default();

    eg.rebuild();
    let matches = rw.search(&eg);
    if matches.is_empty() {
        return Outcome::NotApplied;
    }
    if rw.apply(&mut eg, &matches).is_empty() {
        return Outcome::NotApplied;
    }
    eg.rebuild();
    if eg.analysis.conflicts() > 0 {
        return Outcome::Disagreed(format!("merged classes of different types in {instance}"));
    }

    // Every class's value: from the instance, then from evaluating nodes
    // (the same check the witnesses use).
    let values: Vec<(Id, Tensor)> = ids
        .iter()
        .zip(&vals)
        .filter_map(|(id, v)| v.clone().map(|v| (*id, v)))
        .collect();
    match eqsat_witness::agree(&mut eg, &inputs, &values, rtol, atol) {
        Ok(0) => Outcome::NotApplied,
        Ok(_) => Outcome::Agreed,
        Err(e) => Outcome::Disagreed(format!("{instance} with inputs {inputs:?}: {e}")),
    }
}

/// The leaves of `node`'s attribute children.
fn leaf_nodes(eg: &GraphEGraph<'_>, node: &Graph) -> Vec<Graph> {
    node.attr_children()
        .iter()
        .map(|&c| eg[c].data.leaf.clone().expect("an attribute leaf"))
        .collect()
}

/// How a bound variable prints in a failure message.
fn describe(eg: &GraphEGraph<'_>, id: Id, v: &Var) -> String {
    let d = &eg[id].data;
    match (&d.leaf, &d.ty, d.constant.and_then(|c| c.splat)) {
        (Some(l), _, _) => format!("{v}={l}"),
        (_, Some(t), Some(s)) => format!("{v}=splat({s}):{t}"),
        (_, Some(t), None) => format!("{v}:{t}"),
        _ => v.to_string(),
    }
}

/// Binds a variable of `role` to a new e-class, with its value.
fn bind(
    eg: &mut GraphEGraph<'_>,
    role: Role,
    elem: ElemType,
    base: &[i64],
    rng: &mut Rng,
    inputs: &mut Vec<Tensor>,
) -> (Id, Option<Tensor>) {
    match role {
        Role::Leaf(spec) => (eg.add(random_leaf(spec, base, rng)), None),
        Role::Tensor => {
            let shape = variant_shape(base, rng);
            let ushape: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
            let ty = TensorType::new(shape, elem);
            let special = if elem.is_float() {
                &[0.0, 1.0, 2.0, 0.5, -1.0][..]
            } else {
                &[0.0, 1.0, 2.0, -1.0][..]
            };
            let r = rng.float(0.0, 1.0);
            if r < 0.3 {
                let value = rng.pick(special);
                let c = eg.analysis.splat(&ty, value).expect("a splat");
                let t = Tensor::splat(elem, &ushape, value).expect("a splat");
                (eg.add(Graph::Const(c)), Some(t))
            } else if r < 0.4 {
                let t = random_tensor(rng, elem, &ushape);
                let c = eg.analysis.constant(&t);
                (eg.add(Graph::Const(c)), Some(t))
            } else {
                let t = random_tensor(rng, elem, &ushape);
                let i = eg.analysis.add_input(ty);
                inputs.push(t.clone());
                (eg.add(Graph::Input(i)), Some(t))
            }
        }
    }
}

/// A shape related to `base`: itself mostly, else one that broadcasts
/// against it, or a random one.
fn variant_shape(base: &[i64], rng: &mut Rng) -> Vec<i64> {
    let r = rng.float(0.0, 1.0);
    if r < 0.6 {
        base.to_vec()
    } else if r < 0.75 {
        base.iter()
            .map(|&d| if rng.chance(0.5) { 1 } else { d })
            .collect()
    } else if r < 0.85 {
        let drop = rng.below(base.len() as u64 + 1) as usize;
        base[drop..].to_vec()
    } else {
        let rank = rng.below(4) as usize;
        (0..rank).map(|_| rng.range(1, 4)).collect()
    }
}

/// A random value for an attribute leaf, valid for operands of rank
/// `base.len()` most of the time.
fn random_leaf(spec: LeafSpec, base: &[i64], rng: &mut Rng) -> Graph {
    let r = base.len() as i64;
    let ints = |v: Vec<i64>| Graph::Ints(IntList(v));
    match (spec.name, spec.kind) {
        ("axis", _) => Graph::Int(if r == 0 { 0 } else { rng.range(-r, r - 1) }),
        ("axes", _) => ints((0..r).filter(|_| rng.chance(0.5)).collect()),
        ("perm", _) => {
            let mut p: Vec<i64> = (0..r).collect();
            for i in (1..p.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                p.swap(i, j);
            }
            ints(p)
        }
        ("shape", _) => {
            if rng.chance(0.5) {
                ints(vec![base.iter().product()])
            } else {
                let mut s = vec![2];
                s.extend_from_slice(base);
                ints(s)
            }
        }
        ("starts" | "low" | "high" | "padding", _) => ints(vec![0; base.len()]),
        ("limits", _) => ints(base.to_vec()),
        ("strides" | "dilations" | "kernel", _) => ints(vec![1; base.len().clamp(1, 2)]),
        (_, LeafKind::Int) => Graph::Int(1),
        (_, LeafKind::Float) => Graph::Float(FloatLeaf::new(1e-5)),
        (_, LeafKind::Ints) => ints(vec![1; base.len()]),
        (_, LeafKind::Bool) => Graph::Bool(rng.chance(0.5)),
        (_, LeafKind::Pred) => Graph::Pred(PredLeaf(rng.pick(&CmpPredicate::ALL))),
        (_, LeafKind::Elem) => Graph::Elem(ElemLeaf(rng.pick(&ElemType::ALL))),
    }
}
