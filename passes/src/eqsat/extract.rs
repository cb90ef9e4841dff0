//! Extraction with a DAG cost: a shared subterm counts once.
//!
//! egg's `Extractor` minimizes the *tree* cost of each e-class: a child
//! used twice is paid twice, so it may pick a node whose subterm is cheap
//! on its own over one that reuses a class the program computes anyway,
//! and the extracted program computes both. What we minimize instead is
//! the DAG cost: the sum of the costs of the chosen nodes of the classes
//! reachable from the roots, each class once.
//!
//! Minimizing that exactly is NP-hard, so extraction works in two steps:
//!
//! 1. **Tree costs.** Knuth's generalization of Dijkstra's algorithm
//!    gives every class its cheapest node by tree cost (children counted
//!    once per node), finalizing classes in cost order. This is the
//!    starting choice; it is acyclic because every op node costs more
//!    than nothing.
//! 2. **DAG improvement.** A local search over the classes of the current
//!    DAG, roots first: for each class, try each other node and compute
//!    the exact change of the DAG cost, with reference counts: the classes
//!    the new node brings in are added, the classes only the old node kept
//!    alive drop out. A change that lowers the DAG cost is kept. A
//!    topological position per class rejects any change that would make
//!    a cycle. Passes repeat until one changes nothing (at most
//!    [`MAX_PASSES`]).
//!
//! Ties are broken towards the nodes `prefer` names (the pass prefers
//! the input's own ops, so an equally good program is not churned), then
//! by class and node order, so the result is deterministic.
//!
//! The extractor is generic over the language so it can be tested on
//! small hand-built e-graphs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use egg::{Analysis, EGraph, Id, Language, RecExpr};
use rustc_hash::FxHashMap;

use super::cost::Cost;

/// The most improvement passes over the DAG.
pub const MAX_PASSES: usize = 4;

/// The chosen node of every e-class reachable from the roots.
#[derive(Clone, Debug)]
pub struct Extraction<L> {
    choice: FxHashMap<Id, L>,
    /// The DAG cost of the choice.
    pub cost: Cost,
}

impl<L: Language> Extraction<L> {
    /// The node chosen for the canonical class `class`.
    pub fn node(&self, class: Id) -> Option<&L> {
        self.choice.get(&class)
    }

    /// The number of classes in the extracted DAG.
    pub fn len(&self) -> usize {
        self.choice.len()
    }

    /// Whether nothing was extracted.
    pub fn is_empty(&self) -> bool {
        self.choice.is_empty()
    }

    /// The extracted term of `root` as a [`RecExpr`], each class once.
    pub fn expr<N: Analysis<L>>(&self, egraph: &EGraph<L, N>, root: Id) -> RecExpr<L> {
        let mut expr = RecExpr::default();
        let mut done: FxHashMap<Id, Id> = FxHashMap::default();
        let mut stack = vec![(egraph.find(root), false)];
        while let Some((c, expanded)) = stack.pop() {
            if done.contains_key(&c) {
                continue;
            }
            let Some(node) = self.choice.get(&c) else {
                continue;
            };
            if expanded {
                let n = node.clone().map_children(|k| done[&egraph.find(k)]);
                done.insert(c, expr.add(n));
            } else {
                stack.push((c, true));
                for &k in node.children() {
                    stack.push((egraph.find(k), false));
                }
            }
        }
        expr
    }
}

/// One node of the flattened e-graph.
struct Node {
    class: usize,
    local: usize,
    /// Distinct child classes.
    children: Vec<usize>,
    cost: Option<Cost>,
    preferred: bool,
}

/// Extracts the roots with the least DAG cost it finds (see the [module
/// docs](self)). `node_cost` gives a node's own cost (`None`: never
/// extract it; non-leaf nodes must cost more than [`Cost::ZERO`]);
/// `prefer` breaks ties. Returns `None` if a root has no extractable term.
pub fn extract_dag<L, N>(
    egraph: &EGraph<L, N>,
    roots: &[Id],
    mut node_cost: impl FnMut(Id, &L) -> Option<Cost>,
    prefer: impl Fn(Id, &L) -> bool,
) -> Option<Extraction<L>>
where
    L: Language,
    N: Analysis<L>,
{
    let mut ids: Vec<Id> = egraph.classes().map(|c| c.id).collect();
    ids.sort();
    let index: FxHashMap<Id, usize> = ids.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut nodes = Vec::new();
    let mut class_nodes = Vec::with_capacity(ids.len());
    for (ci, &id) in ids.iter().enumerate() {
        let start = nodes.len();
        for (local, n) in egraph[id].nodes.iter().enumerate() {
            let mut children: Vec<usize> = n
                .children()
                .iter()
                .map(|&k| index[&egraph.find(k)])
                .collect();
            children.sort_unstable();
            children.dedup();
            nodes.push(Node {
                class: ci,
                local,
                children,
                cost: node_cost(id, n),
                preferred: prefer(id, n),
            });
        }
        class_nodes.push(start..nodes.len());
    }
    let best = tree_costs(&nodes, ids.len());
    let mut root_classes = Vec::with_capacity(roots.len());
    for &r in roots {
        let ci = *index.get(&egraph.find(r))?;
        best[ci]?;
        root_classes.push(ci);
    }
    let sel: Vec<usize> = best
        .iter()
        .map(|b| b.map_or(usize::MAX, |(_, n)| n))
        .collect();
    let mut dag = Dag::new(&nodes, &class_nodes, sel, &best);
    dag.start(&root_classes);
    for _ in 0..MAX_PASSES {
        if !dag.improve() {
            break;
        }
    }
    let mut choice = FxHashMap::default();
    let mut cost = Cost::ZERO;
    for (ci, &id) in ids.iter().enumerate() {
        if dag.refs[ci] > 0 {
            let n = &nodes[dag.sel[ci]];
            cost = cost + n.cost.unwrap_or(Cost::ZERO);
            choice.insert(id, egraph[id].nodes[n.local].clone());
        }
    }
    Some(Extraction { choice, cost })
}

/// Per class, its least tree cost and the node with it (Knuth's algorithm).
fn tree_costs(nodes: &[Node], num_classes: usize) -> Vec<Option<(Cost, usize)>> {
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); num_classes];
    let mut remaining: Vec<usize> = Vec::with_capacity(nodes.len());
    // Min-heap on (cost, not preferred, class, node).
    let mut heap = BinaryHeap::new();
    for (i, n) in nodes.iter().enumerate() {
        for &c in &n.children {
            parents[c].push(i);
        }
        remaining.push(n.children.len());
        if let (0, Some(cost)) = (n.children.len(), n.cost) {
            heap.push(Reverse((cost, !n.preferred, n.class, i)));
        }
    }
    let mut best: Vec<Option<(Cost, usize)>> = vec![None; num_classes];
    while let Some(Reverse((cost, _, class, i))) = heap.pop() {
        if best[class].is_some() {
            continue;
        }
        best[class] = Some((cost, i));
        for &p in &parents[class] {
            remaining[p] -= 1;
            let n = &nodes[p];
            if remaining[p] > 0 || best[n.class].is_some() {
                continue;
            }
            let Some(own) = n.cost else { continue };
            let total = n
                .children
                .iter()
                .fold(own, |acc, &c| acc + best[c].map_or(Cost::ZERO, |b| b.0));
            heap.push(Reverse((total, !n.preferred, n.class, p)));
        }
    }
    best
}

/// A signed cost difference: (unstable, work).
type Delta = (i128, i128);

fn delta_of(c: Cost) -> Delta {
    (i128::from(c.unstable), i128::from(c.work))
}

/// One change to undo.
enum Undo {
    Refs(usize, u32),
    Pos(usize, f64),
    Sel(usize, usize),
}

const FREE: u8 = 0;
const ON_STACK: u8 = 1;
const ENTERED: u8 = 2;

/// The current DAG: a node per class, reference counts and positions.
struct Dag<'a> {
    nodes: &'a [Node],
    class_nodes: &'a [std::ops::Range<usize>],
    extractable: Vec<bool>,
    sel: Vec<usize>,
    refs: Vec<u32>,
    pos: Vec<f64>,
    log: Vec<Undo>,
    mark: Vec<u8>,
    touched: Vec<usize>,
}

impl<'a> Dag<'a> {
    fn new(
        nodes: &'a [Node],
        class_nodes: &'a [std::ops::Range<usize>],
        sel: Vec<usize>,
        best: &[Option<(Cost, usize)>],
    ) -> Self {
        let n = class_nodes.len();
        Dag {
            nodes,
            class_nodes,
            extractable: best.iter().map(Option::is_some).collect(),
            sel,
            refs: vec![0; n],
            pos: vec![0.0; n],
            log: Vec::new(),
            mark: vec![FREE; n],
            touched: Vec::new(),
        }
    }

    fn cost(&self, node: usize) -> Cost {
        self.nodes[node].cost.unwrap_or(Cost::ZERO)
    }

    /// Builds the DAG of the roots: reference counts (each root pinned
    /// once more) and post-order positions.
    fn start(&mut self, roots: &[usize]) {
        let mut next = 0.0;
        let mut seen = vec![false; self.refs.len()];
        for &r in roots {
            self.refs[r] += 1;
            let mut stack = vec![(r, false)];
            while let Some((c, expanded)) = stack.pop() {
                if expanded {
                    self.pos[c] = next;
                    next += 1.0;
                    continue;
                }
                if seen[c] {
                    continue;
                }
                seen[c] = true;
                stack.push((c, true));
                for &k in &self.nodes[self.sel[c]].children {
                    self.refs[k] += 1;
                    if !seen[k] {
                        stack.push((k, false));
                    }
                }
            }
        }
        self.log.clear();
    }

    /// One pass over the DAG, roots first; whether anything improved.
    fn improve(&mut self) -> bool {
        let mut order: Vec<usize> = (0..self.refs.len()).filter(|&c| self.refs[c] > 0).collect();
        order.sort_by(|&a, &b| self.pos[b].total_cmp(&self.pos[a]).then(a.cmp(&b)));
        let mut improved = false;
        for c in order {
            for cand in self.class_nodes[c].clone() {
                if self.refs[c] == 0 || cand == self.sel[c] || !self.worth_trying(c, cand) {
                    continue;
                }
                match self.trial(c, cand) {
                    Some(d) if d < (0, 0) => {
                        self.log.clear();
                        improved = true;
                    }
                    _ => self.undo(),
                }
                self.clear_marks();
            }
        }
        improved
    }

    /// Whether switching class `c` to node `cand` could lower the cost.
    fn worth_trying(&self, c: usize, cand: usize) -> bool {
        let n = &self.nodes[cand];
        if n.cost.is_none() || n.children.contains(&c) {
            return false;
        }
        if !n.children.iter().all(|&k| self.extractable[k]) {
            return false;
        }
        let cur = &self.nodes[self.sel[c]];
        // Same children (a commuted twin, say): only its own cost differs.
        !(n.children == cur.children && self.cost(cand) >= self.cost(self.sel[c]))
    }

    fn set_refs(&mut self, c: usize, v: u32) {
        self.log.push(Undo::Refs(c, self.refs[c]));
        self.refs[c] = v;
    }

    fn set_mark(&mut self, c: usize, m: u8) {
        if self.mark[c] == FREE {
            self.touched.push(c);
        }
        self.mark[c] = m;
    }

    fn clear_marks(&mut self) {
        for c in self.touched.drain(..) {
            self.mark[c] = FREE;
        }
    }

    fn undo(&mut self) {
        while let Some(u) = self.log.pop() {
            match u {
                Undo::Refs(c, v) => self.refs[c] = v,
                Undo::Pos(c, v) => self.pos[c] = v,
                Undo::Sel(c, v) => self.sel[c] = v,
            }
        }
    }

    /// Switches class `c` to node `cand`, returning the change of the DAG
    /// cost, or `None` if that would make a cycle. The caller keeps or
    /// undoes the change.
    fn trial(&mut self, c: usize, cand: usize) -> Option<Delta> {
        let cur = self.sel[c];
        let (nu, nw) = delta_of(self.cost(cand));
        let (ou, ow) = delta_of(self.cost(cur));
        let mut delta = (nu - ou, nw - ow);
        // Add the new node's children first, so classes both nodes use
        // never drop out and come back.
        let mut entering = Vec::new();
        let mut lo = f64::NEG_INFINITY;
        for &k in &self.nodes[cand].children {
            self.reference(k, c, &mut entering, &mut lo, &mut delta)?;
        }
        let top = self.pos[c];
        let lo = if lo.is_finite() { lo } else { top - 1.0 };
        let step = (top - lo) / (entering.len() as f64 + 1.0);
        for (i, &e) in entering.iter().enumerate() {
            self.log.push(Undo::Pos(e, self.pos[e]));
            self.pos[e] = lo + step * (i as f64 + 1.0);
        }
        for &k in &self.nodes[cur].children {
            self.release(k, &mut delta);
        }
        self.log.push(Undo::Sel(c, cur));
        self.sel[c] = cand;
        Some(delta)
    }

    /// Adds a reference to class `k` from the node being tried for `c`,
    /// bringing `k`'s own DAG in if it was not in the DAG. Fails on a
    /// would-be cycle. `entering` collects new classes in post-order and
    /// `lo` the highest position of the classes already in the DAG that
    /// the new ones use.
    fn reference(
        &mut self,
        k: usize,
        c: usize,
        entering: &mut Vec<usize>,
        lo: &mut f64,
        delta: &mut Delta,
    ) -> Option<()> {
        // (class, next child to visit)
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut visit = |dag: &mut Self, k: usize, stack: &mut Vec<(usize, usize)>| -> Option<()> {
            match dag.mark[k] {
                ON_STACK => return None,
                ENTERED => {}
                _ if dag.refs[k] > 0 => {
                    if k == c || dag.pos[k] >= dag.pos[c] {
                        return None;
                    }
                    *lo = lo.max(dag.pos[k]);
                }
                _ => {
                    dag.set_refs(k, 1);
                    dag.set_mark(k, ON_STACK);
                    let (u, w) = delta_of(dag.cost(dag.sel[k]));
                    *delta = (delta.0 + u, delta.1 + w);
                    stack.push((k, 0));
                    return Some(());
                }
            }
            let r = dag.refs[k] + 1;
            dag.set_refs(k, r);
            Some(())
        };
        visit(self, k, &mut stack)?;
        while let Some(&mut (e, ref mut i)) = stack.last_mut() {
            let children = &self.nodes[self.sel[e]].children;
            if *i < children.len() {
                let child = children[*i];
                *i += 1;
                visit(self, child, &mut stack)?;
            } else {
                stack.pop();
                self.set_mark(e, ENTERED);
                entering.push(e);
            }
        }
        Some(())
    }

    /// Drops a reference to class `k`; a class left unreferenced leaves
    /// the DAG and releases its own children.
    fn release(&mut self, k: usize, delta: &mut Delta) {
        let mut stack = vec![k];
        while let Some(k) = stack.pop() {
            let r = self.refs[k] - 1;
            self.set_refs(k, r);
            if r == 0 {
                let (u, w) = delta_of(self.cost(self.sel[k]));
                *delta = (delta.0 - u, delta.1 - w);
                stack.extend(self.nodes[self.sel[k]].children.iter().copied());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egg::{EGraph, SymbolLang};

    fn cost_of<'a>(
        costs: &'a [(&'a str, u64)],
    ) -> impl FnMut(Id, &SymbolLang) -> Option<Cost> + 'a {
        move |_, n| {
            costs
                .iter()
                .find(|(name, _)| n.op.as_str() == *name)
                .map(|&(_, w)| Cost::work(w))
        }
    }

    /// A tree cost for egg's own extractor, to show what it does.
    struct Tree<'a>(&'a [(&'a str, u64)]);

    impl egg::CostFunction<SymbolLang> for Tree<'_> {
        type Cost = u64;
        fn cost<C: FnMut(Id) -> u64>(&mut self, n: &SymbolLang, mut costs: C) -> u64 {
            let own = self
                .0
                .iter()
                .find(|(k, _)| n.op.as_str() == *k)
                .map_or(0, |c| c.1);
            n.children().iter().fold(own, |acc, &c| acc + costs(c))
        }
    }

    /// `root = (pair A B)`, `A = (f S)` or `(g T)`, `B = (h S)`: S is
    /// needed by B anyway, so A should reuse it even though `g T` is
    /// cheaper as a tree.
    #[test]
    fn shared_subterm_is_counted_once() {
        let mut eg: EGraph<SymbolLang, ()> = EGraph::default();
        let x = eg.add(SymbolLang::leaf("x"));
        let s = eg.add(SymbolLang::new("s", vec![x]));
        let t = eg.add(SymbolLang::new("t", vec![x]));
        let fs = eg.add(SymbolLang::new("f", vec![s]));
        let gt = eg.add(SymbolLang::new("g", vec![t]));
        eg.union(fs, gt);
        let hs = eg.add(SymbolLang::new("h", vec![s]));
        let root = eg.add(SymbolLang::new("pair", vec![fs, hs]));
        eg.rebuild();
        let costs = [
            ("x", 0),
            ("s", 100),
            ("t", 50),
            ("f", 10),
            ("g", 10),
            ("h", 10),
            ("pair", 1),
        ];
        let ext = extract_dag(&eg, &[root], cost_of(&costs), |_, _| false).unwrap();
        assert_eq!(
            ext.expr(&eg, root).to_string(),
            "(pair (f (s x)) (h (s x)))"
        );
        assert_eq!(ext.cost, Cost::work(100 + 10 + 10 + 1));
        // egg's tree extractor pays for `s` twice and computes `t` too.
        let tree = egg::Extractor::new(&eg, Tree(&costs)).find_best(root).1;
        assert_eq!(tree.to_string(), "(pair (g (t x)) (h (s x)))");
    }

    /// Switching a class must not create a cycle: `a = k` or `(f M)`,
    /// `M = m` or `(g a)`. Reusing one class in the other pays; doing it
    /// the other way round too would close a loop and is refused.
    #[test]
    fn cycles_are_never_extracted() {
        let mut eg: EGraph<SymbolLang, ()> = EGraph::default();
        let k = eg.add(SymbolLang::leaf("k"));
        let m = eg.add(SymbolLang::leaf("m"));
        let fm = eg.add(SymbolLang::new("f", vec![m]));
        eg.union(fm, k);
        let a = eg.find(k);
        let ga = eg.add(SymbolLang::new("g", vec![a]));
        eg.union(ga, m);
        eg.rebuild();
        let big_m = eg.find(m);
        let root = eg.add(SymbolLang::new("r", vec![a, big_m]));
        eg.rebuild();
        let costs = [("k", 50), ("m", 50), ("f", 5), ("g", 5), ("r", 1)];
        let ext = extract_dag(&eg, &[root], cost_of(&costs), |_, _| false).unwrap();
        let e = ext.expr(&eg, root);
        assert!(e.is_dag());
        let text = e.to_string();
        assert!(text == "(r (f m) m)" || text == "(r k (g k))", "{text}");
        assert_eq!(ext.cost, Cost::work(1 + 5 + 50));
    }

    #[test]
    fn ties_prefer_the_preferred_node() {
        let mut eg: EGraph<SymbolLang, ()> = EGraph::default();
        let a = eg.add(SymbolLang::leaf("a"));
        let b = eg.add(SymbolLang::leaf("b"));
        let ab = eg.add(SymbolLang::new("+", vec![a, b]));
        let ba = eg.add(SymbolLang::new("+", vec![b, a]));
        eg.union(ab, ba);
        eg.rebuild();
        let costs = [("a", 0), ("b", 0), ("+", 3)];
        for (target, text) in [
            (SymbolLang::new("+", vec![a, b]), "(+ a b)"),
            (SymbolLang::new("+", vec![b, a]), "(+ b a)"),
        ] {
            let ext = extract_dag(&eg, &[ab], cost_of(&costs), |_, n| *n == target).unwrap();
            assert_eq!(ext.expr(&eg, ab).to_string(), text);
        }
    }
}
