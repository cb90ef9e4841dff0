//! The e-class analysis: the tensor type (shape and element type) of every
//! e-class, the constant it equals when known, and constant folding.
//!
//! Types come from the dialect's own inference ([`infer`]), the same code
//! the verifier runs, so a node the analysis types is a node that verifies.
//! A node that does not verify gets no type ([`ClassData::ty`] is `None`)
//! and is never extracted; rules check the type of what they build before
//! adding it (see [`rules`](super::rules)), so such nodes only arise from
//! bugs, which [`GraphAnalysis::conflicts`] counts.
//!
//! Constant folding evaluates an op whose operands are all constants with
//! the reference interpreter's kernels, within the bounds of the dialect's
//! own folder: element-wise ops on splats at any size (one element is
//! computed), anything else when every operand and the result have at
//! most [`FOLD_ELEMENT_LIMIT`] elements. The folded constant joins the
//! e-class as a [`Graph::Const`] node.
//!
//! The analysis owns the `&mut Context` for the run: types and attributes
//! are interned there, and folded constants become attributes there.

use egg::{Analysis, DidMerge, EGraph, Id, Language};
use rustc_hash::FxHashSet;
use tessera_compiler::{AttrData, Attribute, Context, DenseElements};
use tessera_dialects::graph::attrs::Attrs;
use tessera_dialects::graph::ops::Family;
use tessera_dialects::graph::shape::infer;
use tessera_dialects::graph::{ElemType, TensorType};
use tessera_dialects::interp::eval::{constant_to_tensor, eval_family, tensor_to_attr};
use tessera_dialects::interp::value::Tensor;

use super::lang::{ConstRef, Graph, InputId, attrs_of_leaves, declared_type};

pub use tessera_dialects::graph::fold::FOLD_ELEMENT_LIMIT;

/// The e-graph of the pass.
pub type GraphEGraph<'c> = EGraph<Graph, GraphAnalysis<'c>>;

/// What is known about an e-class.
#[derive(Clone, Debug, Default)]
pub struct ClassData {
    /// The type of the class's tensor; `None` for attribute leaves and for
    /// nodes that do not verify.
    pub ty: Option<TensorType>,
    /// For an attribute-leaf class, its leaf.
    pub leaf: Option<Graph>,
    /// The constant the class equals, if known.
    pub constant: Option<ConstInfo>,
}

/// A constant an e-class equals.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct ConstInfo {
    /// Its dense-elements attribute.
    pub attr: ConstRef,
    /// The value of every element, when they are all bitwise equal (as an
    /// `f64`; `i1` is 0 or 1).
    pub splat: Option<f64>,
    /// The number of elements.
    pub elements: u64,
}

/// The analysis; see the [module docs](self).
pub struct GraphAnalysis<'c> {
    /// The context types, attributes and constants are interned in.
    pub ctx: &'c mut Context,
    inputs: Vec<TensorType>,
    unstable: FxHashSet<Graph>,
    conflicts: u64,
}

impl<'c> GraphAnalysis<'c> {
    /// An analysis interning into `ctx`, with no inputs yet.
    pub fn new(ctx: &'c mut Context) -> Self {
        GraphAnalysis {
            ctx,
            inputs: Vec::new(),
            unstable: FxHashSet::default(),
            conflicts: 0,
        }
    }

    /// Declares an input of type `ty`; add `Graph::Input(id)` to use it.
    pub fn add_input(&mut self, ty: TensorType) -> InputId {
        self.inputs.push(ty);
        InputId(self.inputs.len() as u32 - 1)
    }

    /// The type of an input.
    pub fn input_type(&self, id: InputId) -> Option<&TensorType> {
        self.inputs.get(id.0 as usize)
    }

    /// Interns `t` as a constant (a splat when its elements are all equal
    /// and there are several).
    pub fn constant(&mut self, t: &Tensor) -> ConstRef {
        let ty = tensor_type_of(t).to_type(self.ctx);
        ConstRef(tensor_to_attr(self.ctx, t, ty))
    }

    /// A constant of type `ty` whose elements all equal `value`.
    pub fn splat(&mut self, ty: &TensorType, value: f64) -> Option<ConstRef> {
        let shape = ty.usize_shape();
        let t = Tensor::splat(ty.elem, &shape, value).ok()?;
        Some(self.constant(&t))
    }

    /// Records that `node` is the root of a numerically unstable form that
    /// a stability rule has given a stable alternative to.
    pub fn mark_unstable(&mut self, node: Graph) {
        self.unstable.insert(node);
    }

    /// The nodes [`mark_unstable`](Self::mark_unstable) recorded (their
    /// children as they were then; canonicalize before comparing).
    pub fn unstable_nodes(&self) -> impl Iterator<Item = &Graph> {
        self.unstable.iter()
    }

    /// How many merges joined classes of different types (a rule bug).
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// What is known about the constant `c`.
    pub fn const_info(&self, c: ConstRef) -> Option<(TensorType, ConstInfo)> {
        let AttrData::DenseElements(d) = self.ctx.attr_data(c.0) else {
            return None;
        };
        let ty = TensorType::from_type(self.ctx, d.ty).ok()?;
        let w = ty.elem.byte_width();
        let first = d.bytes.get(..w);
        let uniform = d.splat || d.bytes.chunks_exact(w).all(|b| Some(b) == first);
        let splat = if uniform && ty.num_elements() > 0 {
            first.and_then(|b| scalar_of(ty.elem, b))
        } else {
            None
        };
        let info = ConstInfo {
            attr: c,
            splat,
            elements: ty.num_elements(),
        };
        Some((ty, info))
    }

    /// Folds an op of `family` with `attrs` and result type `ty` over
    /// constant operands, within the bounds of the module docs.
    fn fold(
        &mut self,
        family: Family,
        attrs: &[(&'static str, Attribute)],
        ty: &TensorType,
        operands: &[ConstInfo],
    ) -> Option<ConstInfo> {
        let splats = operands.iter().all(|c| c.splat.is_some());
        let attr = if family.is_elementwise() && splats && ty.num_elements() > 0 {
            let mut scalars = Vec::with_capacity(operands.len());
            for c in operands {
                scalars.push(self.scalar_tensor(c.attr)?);
            }
            let refs: Vec<&Tensor> = scalars.iter().collect();
            let r0 = TensorType::new(Vec::new(), ty.elem);
            let a = Attrs::from_list(self.ctx, attrs);
            let out = eval_family(self.ctx, family, &a, &refs, &r0).ok()?;
            let rty = ty.to_type(self.ctx);
            let splat = ty.num_elements() > 1;
            let bytes = out.to_le_bytes();
            if splat {
                self.ctx.intern_attr(AttrData::DenseElements(DenseElements {
                    ty: rty,
                    splat,
                    bytes,
                }))
            } else {
                tensor_to_attr(self.ctx, &out, rty)
            }
        } else {
            let small = |n: u64| n <= FOLD_ELEMENT_LIMIT;
            if !small(ty.num_elements()) || !operands.iter().all(|c| small(c.elements)) {
                return None;
            }
            let mut tensors = Vec::with_capacity(operands.len());
            for c in operands {
                tensors.push(constant_to_tensor(self.ctx, c.attr.0).ok()?);
            }
            let refs: Vec<&Tensor> = tensors.iter().collect();
            let a = Attrs::from_list(self.ctx, attrs);
            let out = eval_family(self.ctx, family, &a, &refs, ty).ok()?;
            let rty = ty.to_type(self.ctx);
            tensor_to_attr(self.ctx, &out, rty)
        };
        self.const_info(ConstRef(attr)).map(|(_, i)| i)
    }

    /// The first element of a constant, as a rank-0 tensor.
    fn scalar_tensor(&self, c: ConstRef) -> Option<Tensor> {
        let AttrData::DenseElements(d) = self.ctx.attr_data(c.0) else {
            return None;
        };
        let ty = TensorType::from_type(self.ctx, d.ty).ok()?;
        let w = ty.elem.byte_width();
        Tensor::from_le_bytes(ty.elem, &[], d.bytes.get(..w)?).ok()
    }
}

/// The value of one little-endian element as an `f64`.
fn scalar_of(elem: ElemType, b: &[u8]) -> Option<f64> {
    Some(match elem {
        ElemType::F32 => f32::from_le_bytes(b.try_into().ok()?) as f64,
        ElemType::F64 => f64::from_le_bytes(b.try_into().ok()?),
        ElemType::I1 => f64::from(*b.first()?),
        ElemType::I32 => i32::from_le_bytes(b.try_into().ok()?) as f64,
        ElemType::I64 => i64::from_le_bytes(b.try_into().ok()?) as f64,
    })
}

/// The [`TensorType`] of a tensor value.
pub fn tensor_type_of(t: &Tensor) -> TensorType {
    TensorType::new(t.shape().iter().map(|&d| d as i64).collect(), t.elem_type())
}

/// What an op node means: its family, its attributes and its result type.
#[derive(Clone, Debug)]
pub struct NodeMeaning {
    /// The op family.
    pub family: Family,
    /// The attributes the op carries (interned).
    pub attrs: Vec<(&'static str, Attribute)>,
    /// The result type.
    pub ty: TensorType,
}

/// Checks the op node `node` on operands of `operands` types with these
/// attribute leaves, as the verifier would, and gives its meaning.
pub fn infer_node(
    ctx: &mut Context,
    node: &Graph,
    operands: &[&TensorType],
    leaves: &[&Graph],
) -> Result<NodeMeaning, String> {
    let family = node
        .family()
        .ok_or_else(|| format!("{node} is not an op node"))?;
    let attrs = attrs_of_leaves(ctx, family, leaves)?;
    let declared = declared_type(family, operands, leaves);
    let types: Vec<TensorType> = operands.iter().map(|&t| t.clone()).collect();
    let a = Attrs::from_list(ctx, &attrs);
    let ty = infer(ctx, family, &types, &a, declared.as_ref())?;
    Ok(NodeMeaning { family, attrs, ty })
}

/// Evaluates the op node `node` on operand tensors with these attribute
/// leaves, with the reference interpreter.
pub fn eval_node(
    ctx: &mut Context,
    node: &Graph,
    operands: &[&Tensor],
    leaves: &[&Graph],
) -> Result<Tensor, String> {
    let types: Vec<TensorType> = operands.iter().map(|t| tensor_type_of(t)).collect();
    let refs: Vec<&TensorType> = types.iter().collect();
    let m = infer_node(ctx, node, &refs, leaves)?;
    let a = Attrs::from_list(ctx, &m.attrs);
    eval_family(ctx, m.family, &a, operands, &m.ty)
}

impl ClassData {
    fn leaf(node: &Graph) -> Self {
        ClassData {
            leaf: Some(node.clone()),
            ..ClassData::default()
        }
    }
}

impl<'c> Analysis<Graph> for GraphAnalysis<'c> {
    type Data = ClassData;

    fn make(egraph: &mut GraphEGraph<'c>, enode: &Graph, _id: Id) -> ClassData {
        match enode {
            n if n.is_attr_leaf() => ClassData::leaf(n),
            Graph::Input(i) => ClassData {
                ty: egraph.analysis.input_type(*i).cloned(),
                ..ClassData::default()
            },
            Graph::Const(c) => match egraph.analysis.const_info(*c) {
                Some((ty, info)) => ClassData {
                    ty: Some(ty),
                    leaf: None,
                    constant: Some(info),
                },
                None => ClassData::default(),
            },
            op => {
                let mut types = Vec::with_capacity(op.num_operands());
                let mut consts = Vec::with_capacity(op.num_operands());
                for &c in op.operands() {
                    let d = &egraph[c].data;
                    let Some(t) = &d.ty else {
                        return ClassData::default();
                    };
                    types.push(t.clone());
                    consts.push(d.constant);
                }
                let mut leaves = Vec::with_capacity(op.attr_children().len());
                for &c in op.attr_children() {
                    let Some(l) = &egraph[c].data.leaf else {
                        return ClassData::default();
                    };
                    leaves.push(l.clone());
                }
                let an = &mut egraph.analysis;
                let type_refs: Vec<&TensorType> = types.iter().collect();
                let leaf_refs: Vec<&Graph> = leaves.iter().collect();
                let Ok(m) = infer_node(an.ctx, op, &type_refs, &leaf_refs) else {
                    return ClassData::default();
                };
                let constant = match consts.iter().copied().collect::<Option<Vec<_>>>() {
                    Some(cs) => an.fold(m.family, &m.attrs, &m.ty, &cs),
                    None => None,
                };
                ClassData {
                    ty: Some(m.ty),
                    leaf: None,
                    constant,
                }
            }
        }
    }

    fn merge(&mut self, a: &mut ClassData, b: ClassData) -> DidMerge {
        let mut changed_a = false;
        let mut b_lacks = false;
        match (&a.ty, b.ty) {
            (None, Some(t)) => {
                a.ty = Some(t);
                changed_a = true;
            }
            (Some(x), Some(y)) if *x != y => self.conflicts += 1,
            (Some(_), None) => b_lacks = true,
            _ => {}
        }
        match (&a.leaf, b.leaf) {
            (None, Some(l)) => {
                a.leaf = Some(l);
                changed_a = true;
            }
            (Some(_), None) => b_lacks = true,
            _ => {}
        }
        match (&a.constant, b.constant) {
            (None, Some(c)) => {
                a.constant = Some(c);
                changed_a = true;
            }
            (Some(_), None) => b_lacks = true,
            _ => {}
        }
        DidMerge(changed_a, b_lacks)
    }

    fn modify(egraph: &mut GraphEGraph<'c>, id: Id) {
        let Some(c) = egraph[id].data.constant else {
            return;
        };
        let node = Graph::Const(c.attr);
        if egraph[id].nodes.contains(&node) {
            return;
        }
        let cid = egraph.add(node);
        egraph.union(id, cid);
    }
}

/// The type of every e-class a node's operands are in, if all are typed.
pub fn operand_types<'a>(egraph: &'a GraphEGraph<'_>, node: &Graph) -> Option<Vec<&'a TensorType>> {
    node.operands()
        .iter()
        .map(|&c| egraph[c].data.ty.as_ref())
        .collect()
}

/// The leaves of a node's attribute children.
pub fn attr_leaves<'a>(egraph: &'a GraphEGraph<'_>, node: &Graph) -> Option<Vec<&'a Graph>> {
    node.attr_children()
        .iter()
        .map(|&c| egraph[c].data.leaf.as_ref())
        .collect()
}

/// `node` with its children replaced by their canonical e-class ids.
pub fn canonical(egraph: &GraphEGraph<'_>, node: &Graph) -> Graph {
    node.clone().map_children(|c| egraph.find(c))
}
