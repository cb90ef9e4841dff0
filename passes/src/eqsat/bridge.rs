//! The bridge between a block of IR and the e-graph: lifting the pure
//! `graph` DAG of a block into e-nodes, and writing an extraction back.
//!
//! **Lifting** ([`Lifted::read`], [`Lifted::build`]). Every op of the
//! block that is a `graph` op with one result, no regions, tensor types
//! the dialect accepts and readable attributes becomes an e-node; a
//! `graph.constant` becomes a [`Graph::Const`] leaf. Anything else
//! (`func.call`, `func.return`, unregistered ops, ops with regions) is
//! opaque: the DAG stops there. A value the DAG uses but does not define
//! (a block argument, an opaque op's result, a value from an enclosing
//! block) is a [`Graph::Input`] leaf. A DAG value used by an opaque op
//! (or by anything outside the block) is a *root*: extraction must keep
//! it, and the write-back rewires those uses.
//!
//! **Writing back** ([`Lifted::plan`], [`Lifted::write_back`]). The
//! extracted DAG is materialized just before the first op that needs
//! each root, in the order of those ops, so it is defined wherever it is
//! used and opaque ops never move. An extracted node identical to an
//! input op with the same operands reuses that op (moved earlier if
//! needed), so an unchanged part of the program keeps its ops,
//! attributes as written and locations. A new op gets the fused location
//! of the input ops of its e-class and of the input ops that disappeared
//! into it (`log(softmax(x))` becoming `log_softmax(x)` carries both
//! ops' locations; constants, being data, lend none); a new op with neither, such as an intermediate a
//! rule introduced, takes the location of the new op that uses it. Input
//! ops that are not reused are erased.

use rustc_hash::FxHashMap;
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::{AttrData, Attribute, BlockId, Context, Location, OpId, Value};
use tessera_dialects::graph::TensorType;
use tessera_dialects::graph::ops::{Family, family_of, op_info};

use egg::{Id, Language};

use super::analysis::{GraphEGraph, attr_leaves, canonical, operand_types};
use super::cost::op_work;
use super::extract::Extraction;
use super::lang::{ConstRef, Graph, attrs_of_leaves, leaves_of_op};

/// How an input op becomes an e-node.
#[derive(Clone, Debug)]
enum Kind {
    /// A `graph` op: its full name and attribute leaves.
    Op(&'static str, Vec<Graph>),
    /// A `graph.constant` and its value.
    Const(Attribute),
}

/// Where an operand of a lifted op comes from.
#[derive(Copy, Clone, Debug)]
enum Operand {
    /// The input leaf of this index.
    Input(usize),
    /// The lifted op of this index.
    Item(usize),
}

/// An op of the block that is part of the DAG.
#[derive(Clone, Debug)]
struct Item {
    op: OpId,
    /// Its position in the block.
    pos: usize,
    kind: Kind,
    operands: Vec<Operand>,
    result: Value,
    ty: TensorType,
}

/// A value the DAG uses but does not define.
#[derive(Clone, Debug)]
struct Input {
    value: Value,
    ty: TensorType,
    /// The block position of its defining op, if that is in the block.
    pos: Option<usize>,
}

/// A DAG value used outside the DAG.
#[derive(Copy, Clone, Debug)]
struct Root {
    item: usize,
    /// The block position of the first op that needs it (the block's
    /// length for "at the end").
    anchor: usize,
}

/// The pure `graph` DAG of one block; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Lifted {
    block: BlockId,
    order: Vec<OpId>,
    items: Vec<Item>,
    inputs: Vec<Input>,
    roots: Vec<Root>,
}

/// The e-classes of a lifted block in an e-graph.
#[derive(Clone, Debug)]
pub struct Built {
    /// The class of each lifted op, in block order.
    pub classes: Vec<Id>,
    /// The node each lifted op became.
    pub nodes: Vec<Graph>,
    /// The work of each lifted op (see [`cost`](super::cost)).
    pub work: Vec<u64>,
    /// The classes of the roots, in order.
    pub roots: Vec<Id>,
}

/// The extracted DAG, detached from the e-graph, ready to be written.
#[derive(Clone, Debug)]
pub struct Plan {
    nodes: Vec<PlanNode>,
    /// The plan node of each root.
    roots: Vec<usize>,
}

#[derive(Clone, Debug)]
struct PlanNode {
    /// Children are plan indices.
    node: Graph,
    ty: Option<TensorType>,
    /// Input ops identical to this node (the first one whose operands
    /// match is reused).
    reuse: Vec<usize>,
    /// Input ops whose locations a new op here carries.
    locs: Vec<usize>,
    /// The highest block position of an op defining an input this node
    /// depends on.
    latest_input: Option<usize>,
}

impl Plan {
    /// The number of nodes (ops, inputs and leaves) in the plan.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the plan is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// The op of `block` that holds `op` (or `op` itself), if any.
fn ancestor_in(ctx: &Context, block: BlockId, mut op: OpId) -> Option<OpId> {
    loop {
        if ctx.op(op).parent == Some(block) {
            return Some(op);
        }
        op = ctx.parent_op(op)?;
    }
}

impl Lifted {
    /// Reads the DAG of `block`; `None` if it has no liftable op.
    pub fn read(ctx: &Context, block: BlockId) -> Option<Lifted> {
        let order = ctx.block_ops_vec(block);
        let mut items: Vec<Item> = Vec::new();
        let mut inputs: Vec<Input> = Vec::new();
        let mut input_index: FxHashMap<Value, usize> = FxHashMap::default();
        let mut item_of: FxHashMap<Value, usize> = FxHashMap::default();
        for (pos, &op) in order.iter().enumerate() {
            let Some(item) = lift_op(ctx, op, pos, &item_of, &mut inputs, &mut input_index) else {
                continue;
            };
            item_of.insert(item.result, items.len());
            items.push(item);
        }
        if items.is_empty() {
            return None;
        }
        let position: FxHashMap<OpId, usize> =
            order.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        for input in &mut inputs {
            input.pos = ctx
                .defining_op(input.value)
                .and_then(|d| position.get(&d).copied());
        }
        let lifted: rustc_hash::FxHashSet<OpId> = items.iter().map(|i| i.op).collect();
        // Values used in other blocks must exist before the terminator.
        let end = match order.last() {
            Some(last) if !lifted.contains(last) => order.len() - 1,
            _ => order.len(),
        };
        let mut roots = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let mut anchor: Option<usize> = None;
            for u in ctx.uses(item.result) {
                if lifted.contains(&u.op) {
                    continue;
                }
                let at = ancestor_in(ctx, block, u.op).map_or(end, |a| position[&a]);
                anchor = Some(anchor.map_or(at, |x: usize| x.min(at)));
            }
            if let Some(anchor) = anchor {
                roots.push(Root { item: j, anchor });
            }
        }
        Some(Lifted {
            block,
            order,
            items,
            inputs,
            roots,
        })
    }

    /// The number of lifted ops.
    pub fn num_ops(&self) -> usize {
        self.items.len()
    }

    /// Adds the DAG to `egraph`. Fails if the analysis disagrees with the
    /// IR about a type (the IR does not verify).
    pub fn build(&self, egraph: &mut GraphEGraph<'_>) -> Result<Built, String> {
        let mut input_classes = Vec::with_capacity(self.inputs.len());
        for input in &self.inputs {
            let id = egraph.analysis.add_input(input.ty.clone());
            input_classes.push(egraph.add(Graph::Input(id)));
        }
        let mut classes: Vec<Id> = Vec::with_capacity(self.items.len());
        let mut nodes = Vec::with_capacity(self.items.len());
        let mut work = Vec::with_capacity(self.items.len());
        for item in &self.items {
            let operands: Vec<Id> = item
                .operands
                .iter()
                .map(|o| match *o {
                    Operand::Input(k) => input_classes[k],
                    Operand::Item(j) => classes[j],
                })
                .collect();
            let node = match &item.kind {
                Kind::Const(a) => Graph::Const(ConstRef(*a)),
                Kind::Op(name, leaves) => {
                    let leaf_ids: Vec<Id> = leaves.iter().map(|l| egraph.add(l.clone())).collect();
                    Graph::from_parts(name, &operands, &leaf_ids)
                        .ok_or_else(|| format!("'{name}' has no e-node of this shape"))?
                }
            };
            let id = egraph.add(node.clone());
            if egraph[id].data.ty.as_ref() != Some(&item.ty) {
                return Err(format!(
                    "the e-graph and the IR disagree on the type of '{}'",
                    node
                ));
            }
            work.push(node_work(egraph, &node, &item.ty).unwrap_or(0));
            classes.push(id);
            nodes.push(node);
        }
        let roots = self.roots.iter().map(|r| classes[r.item]).collect();
        Ok(Built {
            classes,
            nodes,
            work,
            roots,
        })
    }

    /// Detaches the extraction `ext` of the roots from `egraph`.
    pub fn plan(
        &self,
        egraph: &GraphEGraph<'_>,
        built: &Built,
        ext: &Extraction<Graph>,
    ) -> Option<Plan> {
        let n = self.items.len();
        let item_class: Vec<Id> = built.classes.iter().map(|&c| egraph.find(c)).collect();
        let item_node: Vec<Graph> = built.nodes.iter().map(|g| canonical(egraph, g)).collect();
        let mut members: FxHashMap<Id, Vec<usize>> = FxHashMap::default();
        for (j, &c) in item_class.iter().enumerate() {
            members.entry(c).or_default().push(j);
        }
        // Post-order over the chosen nodes, roots in order.
        let mut nodes: Vec<PlanNode> = Vec::new();
        let mut index: FxHashMap<Id, usize> = FxHashMap::default();
        let mut roots = Vec::with_capacity(built.roots.len());
        for &r in &built.roots {
            let mut stack = vec![(egraph.find(r), false)];
            while let Some((c, expanded)) = stack.pop() {
                if index.contains_key(&c) {
                    continue;
                }
                let chosen = ext.node(c)?;
                if !expanded {
                    stack.push((c, true));
                    for &k in chosen.children().iter().rev() {
                        stack.push((egraph.find(k), false));
                    }
                    continue;
                }
                let node = chosen
                    .clone()
                    .map_children(|k| Id::from(index[&egraph.find(k)]));
                let mut latest = match chosen {
                    Graph::Input(i) => self.inputs.get(i.0 as usize).and_then(|x| x.pos),
                    _ => None,
                };
                for &k in node.children() {
                    latest = latest.max(nodes[usize::from(k)].latest_input);
                }
                let reuse = members
                    .get(&c)
                    .map(|m| {
                        m.iter()
                            .copied()
                            .filter(|&j| item_node[j] == *chosen)
                            .collect()
                    })
                    .unwrap_or_default();
                index.insert(c, nodes.len());
                nodes.push(PlanNode {
                    node,
                    ty: egraph[c].data.ty.clone(),
                    reuse,
                    locs: Vec::new(),
                    latest_input: latest,
                });
            }
            roots.push(index[&egraph.find(r)]);
        }

        // Locations: an op's own e-class, and the ops that vanished into it.
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (j, item) in self.items.iter().enumerate() {
            for o in &item.operands {
                if let Operand::Item(p) = *o {
                    users[p].push(j);
                }
            }
        }
        let mut owners: Vec<Vec<usize>> = vec![Vec::new(); n];
        for j in (0..n).rev() {
            if let Some(&p) = index.get(&item_class[j]) {
                owners[j] = vec![p];
                continue;
            }
            let mut o: Vec<usize> = Vec::new();
            for &u in &users[j] {
                for &p in &owners[u] {
                    if !o.contains(&p) && o.len() < 4 {
                        o.push(p);
                    }
                }
            }
            owners[j] = o;
        }
        for (j, own) in owners.iter().enumerate() {
            // Constants are data, not computation: they lend no location.
            if matches!(self.items[j].kind, Kind::Const(_)) {
                continue;
            }
            for &p in own {
                nodes[p].locs.push(j);
            }
        }
        Some(Plan { nodes, roots })
    }

    /// Writes `plan` back into the block: materializes the roots before
    /// the ops that need them, rewires their uses and erases the input ops
    /// not reused. Fails, changing nothing, if some root would need a
    /// value defined after its first use (possible only when a rule
    /// equated terms over different inputs).
    pub fn write_back(&self, ctx: &mut Context, plan: &Plan) -> Result<(), String> {
        for (r, &p) in self.roots.iter().zip(&plan.roots) {
            if plan.nodes[p].latest_input.is_some_and(|l| l >= r.anchor) {
                return Err(format!(
                    "the extracted value of {} depends on a value defined after its first use",
                    ctx.op_name_of(self.items[r.item].op)
                ));
            }
        }
        let locs = self.locations(ctx, plan);
        let mut value: Vec<Option<Value>> = vec![None; plan.nodes.len()];
        let mut reused = vec![false; self.items.len()];
        let mut anchors: Vec<(usize, usize)> = self
            .roots
            .iter()
            .zip(&plan.roots)
            .map(|(r, &p)| (r.anchor, p))
            .collect();
        anchors.sort_by_key(|&(a, _)| a);
        for &(anchor, root) in &anchors {
            let mut needed = Vec::new();
            let mut stack = vec![root];
            let mut seen = rustc_hash::FxHashSet::default();
            while let Some(p) = stack.pop() {
                if value[p].is_some() || !seen.insert(p) {
                    continue;
                }
                needed.push(p);
                stack.extend(
                    plan.nodes[p]
                        .node
                        .children()
                        .iter()
                        .map(|&k| usize::from(k)),
                );
            }
            needed.sort_unstable();
            for p in needed {
                value[p] = self.materialize(ctx, plan, p, anchor, &value, &locs, &mut reused)?;
            }
        }
        for (r, &p) in self.roots.iter().zip(&plan.roots) {
            let old = self.items[r.item].result;
            let new = value[p].ok_or("a root was not materialized")?;
            ctx.replace_all_uses(old, new);
        }
        for (j, item) in self.items.iter().enumerate().rev() {
            if !reused[j] {
                ctx.erase_op(item.op);
            }
        }
        Ok(())
    }

    /// The location each plan node gets if it becomes a new op.
    fn locations(&self, ctx: &mut Context, plan: &Plan) -> Vec<Location> {
        let unknown = ctx.unknown_loc();
        let mut locs = vec![unknown; plan.nodes.len()];
        let mut inherited: Vec<Option<Location>> = vec![None; plan.nodes.len()];
        for p in (0..plan.nodes.len()).rev() {
            let own: Vec<Location> = plan.nodes[p]
                .locs
                .iter()
                .map(|&j| ctx.op(self.items[j].op).loc)
                .collect();
            locs[p] = if own.is_empty() {
                inherited[p].unwrap_or(unknown)
            } else {
                ctx.fused_loc(&own)
            };
            for &k in plan.nodes[p].node.children() {
                let k = usize::from(k);
                if inherited[k].is_none() {
                    inherited[k] = Some(locs[p]);
                }
            }
        }
        locs
    }

    /// The value of plan node `p`, reusing an input op or creating one
    /// before the op at block position `anchor`. Attribute leaves have none.
    #[allow(clippy::too_many_arguments)]
    fn materialize(
        &self,
        ctx: &mut Context,
        plan: &Plan,
        p: usize,
        anchor: usize,
        value: &[Option<Value>],
        locs: &[Location],
        reused: &mut [bool],
    ) -> Result<Option<Value>, String> {
        let pn = &plan.nodes[p];
        let node = &pn.node;
        if node.is_attr_leaf() {
            return Ok(None);
        }
        if let Graph::Input(i) = node {
            let input = self.inputs.get(i.0 as usize).ok_or("unknown input")?;
            return Ok(Some(input.value));
        }
        let mut operands = Vec::with_capacity(node.num_operands());
        for &k in node.operands() {
            operands.push(value[usize::from(k)].ok_or("an operand was not materialized")?);
        }
        let anchor_op = self.order.get(anchor).copied();
        for &j in &pn.reuse {
            let op = self.items[j].op;
            if reused[j] || ctx.op(op).operands != operands {
                continue;
            }
            reused[j] = true;
            if let Some(a) = anchor_op
                && self.items[j].pos > anchor
            {
                ctx.move_op_before(op, a);
            }
            return Ok(Some(self.items[j].result));
        }
        let ty = pn.ty.as_ref().ok_or("a new op has no type")?.to_type(ctx);
        let (name, attrs): (&str, Vec<(&str, Attribute)>) = match node {
            Graph::Const(c) => ("graph.constant", vec![("value", c.0)]),
            _ => {
                let family = node.family().ok_or("not an op node")?;
                let leaves: Vec<&Graph> = node
                    .attr_children()
                    .iter()
                    .map(|&k| &plan.nodes[usize::from(k)].node)
                    .collect();
                let attrs = attrs_of_leaves(ctx, family, &leaves)?;
                (node.op_name().ok_or("not an op node")?, attrs)
            }
        };
        let ip = match anchor_op {
            Some(a) => InsertPoint::Before(a),
            None => InsertPoint::End(self.block),
        };
        let v = Builder::new(ctx, ip).create_value(name, &operands, ty, &attrs, locs[p]);
        Ok(Some(v))
    }
}

/// The work of `node` with result type `ty` in `egraph` (0 for leaves).
pub fn node_work(egraph: &GraphEGraph<'_>, node: &Graph, ty: &TensorType) -> Option<u64> {
    let Some(family) = node.family() else {
        return Some(0);
    };
    let ops = operand_types(egraph, node)?;
    let leaves = attr_leaves(egraph, node)?;
    Some(op_work(family, &ops, ty, &leaves))
}

/// Lifts `op` if it is part of the DAG (see the [module docs](self)),
/// registering the inputs it uses.
fn lift_op(
    ctx: &Context,
    op: OpId,
    pos: usize,
    item_of: &FxHashMap<Value, usize>,
    inputs: &mut Vec<Input>,
    input_index: &mut FxHashMap<Value, usize>,
) -> Option<Item> {
    let family = family_of(ctx.op_name_of(op))?;
    let data = ctx.op(op);
    if data.results.len() != 1 || !data.regions.is_empty() || !data.successors.is_empty() {
        return None;
    }
    let result = data.results[0];
    let ty = TensorType::from_type(ctx, ctx.value_type(result)).ok()?;
    let mut types = Vec::with_capacity(data.operands.len());
    for &v in &data.operands {
        types.push(TensorType::from_type(ctx, ctx.value_type(v)).ok()?);
    }
    let kind = if family == Family::Constant {
        let value = ctx.attr(op, "value")?;
        match ctx.attr_data(value) {
            AttrData::DenseElements(d) if d.ty == ctx.value_type(result) => Kind::Const(value),
            _ => return None,
        }
    } else {
        let name = op_info(ctx.op_name_of(op))?.name;
        Kind::Op(name, leaves_of_op(ctx, op, family, &types, &ty).ok()?)
    };
    let mut operands = Vec::with_capacity(types.len());
    for (&v, t) in data.operands.iter().zip(types) {
        operands.push(match item_of.get(&v) {
            Some(&j) => Operand::Item(j),
            None => {
                let k = *input_index.entry(v).or_insert_with(|| {
                    inputs.push(Input {
                        value: v,
                        ty: t,
                        pos: None,
                    });
                    inputs.len() - 1
                });
                Operand::Input(k)
            }
        });
    }
    Some(Item {
        op,
        pos,
        kind,
        operands,
        result,
        ty,
    })
}
