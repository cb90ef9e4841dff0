//! One proposal function per [`OpFamily`]: each picks operands from the
//! pool (or makes fresh ones), attributes that the spec allows for their
//! types, guards operands outside the op's domain, and computes the result
//! range. Type inference and the size and magnitude checks happen when the
//! proposal is committed.

use rand::seq::SliceRandom;
use tessera_dialects::graph::TensorType;
use tessera_dialects::graph::shape::broadcast_shapes;
use tessera_dialects::interp::value::ElemType;

use super::builder::{Gen, MAX_VALUE_ELEMENTS, Need, Proposal, Val};
use super::config::OpFamily;
use super::range::Range;

/// Which element types an operand may have.
#[derive(Copy, Clone, PartialEq)]
enum Kind {
    /// Any.
    Any,
    /// Not `i1`.
    Numeric,
    /// `f32` or `f64`.
    Float,
}

impl Kind {
    fn admits(self, e: ElemType) -> bool {
        match self {
            Kind::Any => true,
            Kind::Numeric => e != ElemType::I1,
            Kind::Float => e.is_float(),
        }
    }
}

const FLOAT_UNARY: &[&str] = &[
    "graph.neg",
    "graph.abs",
    "graph.exp",
    "graph.log",
    "graph.log1p",
    "graph.expm1",
    "graph.sqrt",
    "graph.rsqrt",
    "graph.reciprocal",
    "graph.tanh",
    "graph.sigmoid",
    "graph.relu",
    "graph.gelu",
    "graph.erf",
    "graph.sin",
    "graph.cos",
    "graph.floor",
    "graph.ceil",
    "graph.square",
];
const INT_UNARY: &[&str] = &["graph.neg", "graph.abs", "graph.relu", "graph.square"];
const BINARY: &[&str] = &[
    "graph.add",
    "graph.sub",
    "graph.mul",
    "graph.div",
    "graph.max",
    "graph.min",
    "graph.pow",
];
const PREDICATES: &[&str] = &["eq", "ne", "lt", "le", "gt", "ge"];
const EPSILONS: &[f64] = &[1e-5, 1e-3, 0.1];

impl Gen<'_> {
    /// Whether `family` can appear at all under the configuration.
    pub fn feasible(&self, family: OpFamily) -> bool {
        let cfg = self.cfg;
        let float = cfg.elems.iter().any(|e| e.is_float());
        let numeric = cfg.elems.iter().any(|&e| e != ElemType::I1);
        match family {
            OpFamily::Conv2d | OpFamily::Pool => cfg.max_rank >= 4 && float,
            OpFamily::BatchNorm => cfg.max_rank >= 2 && float,
            OpFamily::Softmax | OpFamily::LayerNorm => cfg.max_rank >= 1 && float,
            OpFamily::MatMul => cfg.max_rank >= 2 && numeric,
            OpFamily::CmpSelect => cfg.discontinuous,
            OpFamily::Argmax => cfg.discontinuous && cfg.max_rank >= 1,
            OpFamily::Concat | OpFamily::Gather => cfg.max_rank >= 1,
            _ => true,
        }
    }

    /// The proposal of one op of `family`, or `None` if no suitable
    /// operands were found. Guards and fresh operands it needs are built
    /// on the way.
    pub fn propose(&mut self, family: OpFamily) -> Option<Proposal> {
        match family {
            OpFamily::Unary => self.unary(),
            OpFamily::Binary => self.binary(),
            OpFamily::CmpSelect => self.cmp_select(),
            OpFamily::Cast => self.cast(),
            OpFamily::Reshape => self.reshape(),
            OpFamily::Transpose => self.transpose(),
            OpFamily::BroadcastTo => self.broadcast_to(),
            OpFamily::Concat => self.concat(),
            OpFamily::Slice => self.slice(),
            OpFamily::Pad => self.pad(),
            OpFamily::Gather => self.gather(),
            OpFamily::Reduce => self.reduce(),
            OpFamily::Argmax => self.argmax(),
            OpFamily::Softmax => self.softmax(),
            OpFamily::MatMul => self.matmul(),
            OpFamily::Conv2d => self.conv2d(),
            OpFamily::Pool => self.pool2d(),
            OpFamily::BatchNorm => self.batch_norm(),
            OpFamily::LayerNorm => self.layer_norm(),
            OpFamily::Constant | OpFamily::Call | OpFamily::Repeat => None,
        }
    }

    /// A free-standing constant of a random type.
    pub fn free_constant(&mut self) -> usize {
        let rank = self.rank_from(0);
        let shape = self.shape(rank);
        let elem = self.elem();
        let range = self.fresh_range(elem, Need::Any);
        self.constant(&TensorType::new(shape, elem), range)
    }

    /// An operand of `kind` and rank at least `min_rank` satisfying `pred`:
    /// mostly from the pool, sometimes (or when none fits) fresh.
    fn operand(
        &mut self,
        kind: Kind,
        min_rank: usize,
        pred: impl Fn(&Val) -> bool,
    ) -> Option<usize> {
        let fits = |v: &Val| kind.admits(v.ty.elem) && v.ty.rank() >= min_rank && pred(v);
        if !self.chance(0.15)
            && let Some(i) = self.pick(fits)
        {
            return Some(i);
        }
        if self.cfg.max_rank < min_rank {
            return None;
        }
        let elem = match kind {
            Kind::Float => self.float_elem()?,
            _ => self.elem(),
        };
        if !kind.admits(elem) {
            return None;
        }
        let rank = self.rank_from(min_rank);
        let shape = self.shape(rank);
        let i = self.value_of(&TensorType::new(shape, elem), Need::Any);
        fits(&self.pool[i]).then_some(i)
    }

    /// The name of the op that built pool value `i` (`None` for arguments).
    fn producer(&self, i: usize) -> Option<&str> {
        let op = self.ctx.defining_op(self.pool[i].v)?;
        Some(self.ctx.op_name_of(op))
    }

    /// An operand for a shape op `name`: a value `name` built half of
    /// the time (if there is one), so that chains such as
    /// `transpose(transpose(x))` appear for the canonicalization patterns.
    fn chained(&mut self, name: &str) -> Option<usize> {
        let built: Vec<usize> = (0..self.pool.len())
            .filter(|&i| self.producer(i) == Some(name))
            .collect();
        if !built.is_empty() && self.chance(0.5) {
            return Some(self.choose(&built));
        }
        self.operand(Kind::Any, 0, |_| true)
    }

    fn val(&self, i: usize) -> Val {
        self.pool[i].clone()
    }

    fn unary(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Numeric, 0, |_| true)?;
        let elem = self.pool[x].ty.elem;
        let names: Vec<&'static str> = if elem.is_float() {
            FLOAT_UNARY
                .iter()
                .copied()
                .filter(|n| self.cfg.discontinuous || !matches!(*n, "graph.floor" | "graph.ceil"))
                .collect()
        } else {
            INT_UNARY.to_vec()
        };
        let mut name = self.choose(&names);
        // Now and then repeat the producer's op: `neg(neg(x))` folds.
        if let Some(p) = self.producer(x)
            && let Some(&n) = names.iter().find(|&&n| n == p)
            && self.chance(0.3)
        {
            name = n;
        }
        let need = match name {
            "graph.log" | "graph.rsqrt" | "graph.reciprocal" => Need::AtLeast(0.1),
            "graph.sqrt" => Need::AtLeast(0.01),
            "graph.log1p" => Need::AtLeast(-0.5),
            "graph.exp" | "graph.expm1" => Need::Bounded(5.0),
            "graph.square" => Need::Bounded(self.cfg.max_magnitude.sqrt()),
            _ => Need::Any,
        };
        let x = self.guard(x, need);
        let r = self.pool[x].range;
        let range = match name {
            "graph.neg" => -r,
            "graph.abs" => r.abs(),
            "graph.exp" => r.map_increasing(f64::exp),
            "graph.log" => r.map_increasing(f64::ln),
            "graph.log1p" => r.map_increasing(f64::ln_1p),
            "graph.expm1" => r.map_increasing(f64::exp_m1),
            "graph.sqrt" => r.map_increasing(f64::sqrt),
            "graph.rsqrt" => Range::new(1.0 / r.hi.sqrt(), 1.0 / r.lo.sqrt()),
            "graph.reciprocal" => Range::new(1.0 / r.hi, 1.0 / r.lo),
            "graph.tanh" => r.map_increasing(f64::tanh),
            "graph.sigmoid" => r.map_increasing(|v| 1.0 / (1.0 + (-v).exp())),
            "graph.relu" => r.relu(),
            // gelu(x) lies between its minimum (about -0.17) and max(x, 0).
            "graph.gelu" => Range::new(if r.lo < 0.0 { -0.18 } else { 0.0 }, r.hi.max(0.0)),
            "graph.erf" => Range::new(
                if r.lo < 0.0 { -1.0 } else { 0.0 },
                if r.hi > 0.0 { 1.0 } else { 0.0 },
            ),
            "graph.sin" | "graph.cos" => Range::new(-1.0, 1.0),
            "graph.floor" => r.floor(),
            "graph.ceil" => r.ceil(),
            _ => r.square(),
        };
        Some(simple(name, vec![x], range))
    }

    fn binary(&mut self) -> Option<Proposal> {
        let a = self.operand(Kind::Any, 0, |_| true)?;
        let elem = self.pool[a].ty.elem;
        let name = if elem == ElemType::I1 {
            self.choose(&["graph.max", "graph.min"])
        } else {
            self.choose(BINARY)
        };
        let (need_a, need_b) = match name {
            "graph.div" => (Need::Any, Need::NonZero),
            "graph.pow" if elem.is_float() => (Need::AtLeast(0.5), Need::Bounded(2.0)),
            "graph.pow" => (Need::Bounded(4.0), Need::Exponent),
            _ => (Need::Any, Need::Any),
        };
        let shape = self.pool[a].ty.shape.clone();
        let b = if self.chance(0.15) {
            a
        } else {
            self.broadcast_operand(&shape, elem, need_b)
        };
        let (a, b) = if need_a == need_b && self.chance(0.5) {
            (b, a)
        } else {
            (a, b)
        };
        let a = self.guard(a, need_a);
        let b = self.guard(b, need_b);
        let (ra, rb) = (self.pool[a].range, self.pool[b].range);
        let range = match name {
            _ if elem == ElemType::I1 => Range::boolean(),
            "graph.add" => ra + rb,
            "graph.sub" => ra - rb,
            "graph.mul" => ra * rb,
            "graph.div" if elem.is_float() => ra / rb,
            "graph.div" => ra.int_div(rb),
            "graph.max" => ra.max(rb),
            "graph.min" => ra.min(rb),
            "graph.pow" if elem.is_float() => ra.pow_positive_base(rb),
            _ => ra.int_pow(rb),
        };
        Some(simple(name, vec![a, b], range))
    }

    /// `graph.cmp` of `a` and `b` with a random predicate.
    fn cmp_of(&mut self, a: usize, b: usize) -> Proposal {
        let p = self.choose(PREDICATES);
        let attr = self.ctx.str_attr(p);
        Proposal {
            name: "graph.cmp",
            operands: vec![a, b],
            attrs: vec![("predicate", attr)],
            declared: None,
            range: Range::boolean(),
        }
    }

    fn cmp_select(&mut self) -> Option<Proposal> {
        let a = self.operand(Kind::Any, 0, |_| true)?;
        let elem = self.pool[a].ty.elem;
        let shape = self.pool[a].ty.shape.clone();
        let b = if self.chance(0.2) {
            a
        } else {
            self.broadcast_operand(&shape, elem, Need::Any)
        };
        let (a, b) = if self.chance(0.5) { (b, a) } else { (a, b) };
        if self.chance(0.5) {
            return Some(self.cmp_of(a, b));
        }
        let ab = broadcast_shapes(&[&self.pool[a].ty.shape, &self.pool[b].ty.shape])?;
        let c = if self.chance(0.15) {
            // A constant condition, which folds.
            let shape = if self.chance(0.5) {
                Vec::new()
            } else {
                ab.clone()
            };
            let v = if self.chance(0.5) { 1.0 } else { 0.0 };
            self.constant_splat(&TensorType::new(shape, ElemType::I1), v)
        } else if let Some(c) = self.pick(|v| {
            v.ty.elem == ElemType::I1
                && broadcast_shapes(&[&ab, &v.ty.shape])
                    .is_some_and(|s| TensorType::new(s, elem).num_elements() <= MAX_VALUE_ELEMENTS)
        }) && self.chance(0.7)
        {
            c
        } else {
            let p = self.cmp_of(a, b);
            self.commit(p)?
        };
        let range = self.pool[a].range.hull(self.pool[b].range);
        Some(simple("graph.select", vec![c, a, b], range))
    }

    fn cast(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 0, |_| true)?;
        let v = self.val(x);
        let from = v.ty.elem;
        let mut targets: Vec<ElemType> = self.cfg.elems.clone();
        targets.push(ElemType::I1);
        targets
            .retain(|&t| t != from && (self.cfg.discontinuous || !from.is_float() || t.is_float()));
        // A cast to the operand's own type is valid, and folds away.
        let to = if targets.is_empty() || self.chance(0.1) {
            from
        } else {
            self.choose(&targets)
        };
        let range = cast_range(v.range, from, to);
        Some(Proposal {
            name: "graph.cast",
            operands: vec![x],
            attrs: vec![],
            declared: Some(TensorType::new(v.ty.shape.clone(), to)),
            range,
        })
    }

    fn reshape(&mut self) -> Option<Proposal> {
        let x = self.chained("graph.reshape")?;
        let v = self.val(x);
        let n = v.ty.num_elements();
        let mut rank = self.rank_from(0);
        if n != 1 && rank == 0 {
            rank = 1;
        }
        let mut shape = vec![1i64; rank];
        if n == 0 {
            for d in &mut shape {
                *d = self.int(1, self.cfg.max_dim.max(1) as i64);
            }
            let k = self.index(rank);
            shape[k] = 0;
        } else {
            for p in prime_factors(n) {
                let k = self.index(rank);
                shape[k] *= p as i64;
            }
        }
        Some(Proposal {
            name: "graph.reshape",
            operands: vec![x],
            attrs: vec![],
            declared: Some(TensorType::new(shape, v.ty.elem)),
            range: v.range,
        })
    }

    fn transpose(&mut self) -> Option<Proposal> {
        let x = self.chained("graph.transpose")?;
        let mut perm: Vec<i64> = (0..self.pool[x].ty.rank() as i64).collect();
        perm.shuffle(&mut self.rng);
        let attr = self.ctx.i64_array_attr(&perm);
        let range = self.pool[x].range;
        Some(Proposal {
            attrs: vec![("perm", attr)],
            ..simple("graph.transpose", vec![x], range)
        })
    }

    fn broadcast_to(&mut self) -> Option<Proposal> {
        let x = self.chained("graph.broadcast_to")?;
        let v = self.val(x);
        let mut shape = v.ty.shape.clone();
        for d in &mut shape {
            if *d == 1 && self.chance(0.5) {
                *d = self.dim();
            }
        }
        while shape.len() < self.cfg.max_rank && self.chance(0.4) {
            let d = self.dim();
            shape.insert(0, d);
        }
        Some(Proposal {
            name: "graph.broadcast_to",
            operands: vec![x],
            attrs: vec![],
            declared: Some(TensorType::new(shape, v.ty.elem)),
            range: v.range,
        })
    }

    fn concat(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 1, |_| true)?;
        let v = self.val(x);
        let rank = v.ty.rank();
        let axis = self.index(rank);
        let extra = self.choose(&[0, 1, 1, 1, 2, 2]);
        let mut operands = vec![x];
        for _ in 0..extra {
            let same_but_axis = |w: &Val| {
                w.ty.elem == v.ty.elem
                    && w.ty.rank() == rank
                    && (0..rank).all(|k| k == axis || w.ty.shape[k] == v.ty.shape[k])
            };
            let o = if self.chance(0.25) {
                x
            } else if let Some(o) = self.pick(same_but_axis).filter(|_| self.chance(0.5)) {
                o
            } else {
                let mut shape = v.ty.shape.clone();
                shape[axis] = self.dim();
                self.value_of(&TensorType::new(shape, v.ty.elem), Need::Any)
            };
            operands.push(o);
        }
        operands.shuffle(&mut self.rng);
        let range = operands
            .iter()
            .map(|&o| self.pool[o].range)
            .reduce(Range::hull)
            .unwrap_or(v.range);
        let attr = self.axis_attr(axis, rank);
        Some(Proposal {
            attrs: vec![("axis", attr)],
            ..simple("graph.concat", operands, range)
        })
    }

    fn slice(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 0, |_| true)?;
        let v = self.val(x);
        let (mut starts, mut limits, mut strides) = (Vec::new(), Vec::new(), Vec::new());
        for &d in &v.ty.shape {
            let (s, l, st) = if d == 0 || self.chance(0.3) {
                (0, d, 1)
            } else if self.cfg.allow_empty {
                let s = self.int(0, d);
                (s, self.int(s, d), self.int(1, 3))
            } else {
                let s = self.int(0, d - 1);
                (s, self.int(s + 1, d), self.int(1, 3))
            };
            starts.push(s);
            limits.push(l);
            strides.push(st);
        }
        let mut attrs = vec![
            ("starts", self.ctx.i64_array_attr(&starts)),
            ("limits", self.ctx.i64_array_attr(&limits)),
        ];
        if strides.iter().any(|&s| s != 1) || self.chance(0.5) {
            attrs.push(("strides", self.ctx.i64_array_attr(&strides)));
        }
        Some(Proposal {
            attrs,
            ..simple("graph.slice", vec![x], v.range)
        })
    }

    fn pad(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 0, |_| true)?;
        let v = self.val(x);
        let rank = v.ty.rank();
        let mut side = || -> Vec<i64> { (0..rank).map(|_| self.choose(&[0, 0, 1, 2])).collect() };
        let (low, high) = (side(), side());
        let value = match v.ty.elem {
            e if e.is_float() => self.choose(&[0.0, 1.0, -1.0, 0.5]),
            ElemType::I1 => self.choose(&[0.0, 1.0]),
            _ => self.choose(&[0.0, 1.0, -1.0]),
        };
        let mut attrs = vec![
            ("low", self.ctx.i64_array_attr(&low)),
            ("high", self.ctx.i64_array_attr(&high)),
        ];
        if value != 0.0 || self.chance(0.5) {
            attrs.push(("value", self.ctx.f64_attr(value)));
        }
        let range = if v.ty.elem == ElemType::I1 {
            Range::boolean()
        } else {
            v.range.hull(Range::point(value))
        };
        Some(Proposal {
            attrs,
            ..simple("graph.pad", vec![x], range)
        })
    }

    fn gather(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 1, |v| v.ty.shape.iter().any(|&d| d > 0))?;
        let v = self.val(x);
        let axes: Vec<usize> = (0..v.ty.rank()).filter(|&k| v.ty.shape[k] > 0).collect();
        let axis = self.choose(&axes);
        let size = v.ty.shape[axis];
        // The result has rank `rank - 1 + irank`: keep it within max_rank.
        let irank = self.index((self.cfg.max_rank + 1 - v.ty.rank()).min(2) + 1);
        let ishape: Vec<i64> = (0..irank).map(|_| self.int(1, 3)).collect();
        let count: i64 = ishape.iter().product();
        let indices: Vec<i64> = (0..count).map(|_| self.int(-size, size - 1)).collect();
        let ielem = self.choose(&[ElemType::I32, ElemType::I64]);
        let idx = self.constant_ints(ielem, &ishape, &indices);
        let attr = self.axis_attr(axis, v.ty.rank());
        Some(Proposal {
            attrs: vec![("axis", attr)],
            ..simple("graph.gather", vec![x, idx], v.range)
        })
    }

    fn reduce(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 0, |_| true)?;
        let v = self.val(x);
        let mut name = match v.ty.elem {
            ElemType::I1 => self.choose(&["graph.reduce_max", "graph.reduce_min"]),
            e if e.is_float() => self.choose(&[
                "graph.reduce_sum",
                "graph.reduce_max",
                "graph.reduce_min",
                "graph.reduce_mean",
                "graph.reduce_prod",
            ]),
            _ => self.choose(&[
                "graph.reduce_sum",
                "graph.reduce_max",
                "graph.reduce_min",
                "graph.reduce_prod",
            ]),
        };
        let axes: Vec<i64> = (0..v.ty.rank() as i64)
            .filter(|_| self.chance(0.5))
            .collect();
        let n: u64 = axes
            .iter()
            .map(|&k| v.ty.shape[k as usize] as u64)
            .product();
        if n == 0 && !matches!(name, "graph.reduce_sum" | "graph.reduce_prod") {
            // Max and min of nothing are errors, the mean of nothing is NaN.
            if v.ty.elem == ElemType::I1 {
                return None;
            }
            name = "graph.reduce_sum";
        }
        let keepdims = self.chance(0.4);
        let mut attrs = vec![("axes", self.ctx.i64_array_attr(&axes))];
        if keepdims || self.chance(0.5) {
            attrs.push(("keepdims", self.ctx.bool_attr(keepdims)));
        }
        let r = v.range;
        let range = match name {
            "graph.reduce_sum" => r.sum(n),
            "graph.reduce_prod" => r.prod(n),
            _ => r,
        };
        Some(Proposal {
            attrs,
            ..simple(name, vec![x], range)
        })
    }

    fn argmax(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Any, 1, |v| v.ty.shape.iter().any(|&d| d > 0))?;
        let v = self.val(x);
        let axes: Vec<usize> = (0..v.ty.rank()).filter(|&k| v.ty.shape[k] > 0).collect();
        let axis = self.choose(&axes);
        let keepdims = self.chance(0.4);
        let mut attrs = vec![("axis", self.axis_attr(axis, v.ty.rank()))];
        if keepdims || self.chance(0.5) {
            attrs.push(("keepdims", self.ctx.bool_attr(keepdims)));
        }
        let range = Range::new(0.0, (v.ty.shape[axis] - 1) as f64);
        Some(Proposal {
            attrs,
            ..simple("graph.argmax", vec![x], range)
        })
    }

    fn softmax(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Float, 1, |_| true)?;
        let v = self.val(x);
        let axis = self.index(v.ty.rank());
        let attr = self.axis_attr(axis, v.ty.rank());
        let log = self.chance(0.5);
        let size = v.ty.shape[axis].max(1) as f64;
        let range = if log {
            Range::new(v.range.lo - v.range.hi - size.ln(), 0.0)
        } else {
            Range::new(0.0, 1.0)
        };
        let name = if log {
            "graph.log_softmax"
        } else {
            "graph.softmax"
        };
        Some(Proposal {
            attrs: vec![("axis", attr)],
            ..simple(name, vec![x], range)
        })
    }

    fn matmul(&mut self) -> Option<Proposal> {
        let a = self.operand(Kind::Numeric, 2, |_| true)?;
        let va = self.val(a);
        let r = va.ty.rank();
        let k = va.ty.shape[r - 1];
        let batch = &va.ty.shape[..r - 2];
        let fits = |w: &Val| {
            let q = w.ty.rank();
            w.ty.elem == va.ty.elem
                && q >= 2
                && w.ty.shape[q - 2] == k
                && broadcast_shapes(&[batch, &w.ty.shape[..q - 2]]).is_some_and(|mut s| {
                    s.push(va.ty.shape[r - 2]);
                    s.push(w.ty.shape[q - 1]);
                    TensorType::new(s, va.ty.elem).num_elements() <= MAX_VALUE_ELEMENTS
                })
        };
        let b = match self.pick(fits).filter(|_| self.chance(0.5)) {
            Some(b) => b,
            None => {
                let mut shape = self.broadcast_partner(batch);
                // Batch dimensions are right-aligned: drop leading ones.
                let extra = shape
                    .len()
                    .saturating_sub(self.cfg.max_rank.saturating_sub(2));
                shape.drain(..extra);
                shape.push(k);
                shape.push(self.dim());
                self.value_of(&TensorType::new(shape, va.ty.elem), Need::Any)
            }
        };
        let range = (va.range * self.pool[b].range).sum(k as u64);
        Some(simple("graph.matmul", vec![a, b], range))
    }

    /// A rank-4 float operand with non-empty channels and image.
    fn image(&mut self) -> Option<usize> {
        let chw = |v: &Val| v.ty.rank() == 4 && v.ty.shape[1..].iter().all(|&d| d > 0);
        if !self.chance(0.3)
            && let Some(i) = self.pick(|v| v.ty.elem.is_float() && chw(v))
        {
            return Some(i);
        }
        let elem = self.float_elem()?;
        let hw = self.cfg.max_dim.max(3) as i64;
        let shape = vec![self.dim(), self.int(1, 4), self.int(1, hw), self.int(1, hw)];
        let i = self.value_of(&TensorType::new(shape, elem), Need::Any);
        chw(&self.pool[i]).then_some(i)
    }

    fn conv2d(&mut self) -> Option<Proposal> {
        let x = self.image()?;
        let v = self.val(x);
        let (c, h, w) = (v.ty.shape[1], v.ty.shape[2], v.ty.shape[3]);
        let divisors: Vec<i64> = (1..=c).filter(|g| c % g == 0).collect();
        let groups = if self.chance(0.6) {
            1
        } else {
            self.choose(&divisors)
        };
        let o = groups * self.int(1, (4 / groups).max(1));
        let pad: Vec<i64> = (0..4).map(|_| i64::from(self.chance(0.3))).collect();
        let strides: Vec<i64> = (0..2).map(|_| self.int(1, 2)).collect();
        let dil: Vec<i64> = (0..2)
            .map(|_| if self.chance(0.2) { 2 } else { 1 })
            .collect();
        let kmax = |size: i64, pads: i64, d: i64| ((size + pads - 1) / d + 1).min(3);
        let kh = self.int(1, kmax(h, pad[0] + pad[2], dil[0]));
        let kw = self.int(1, kmax(w, pad[1] + pad[3], dil[1]));
        let wt = self.value_of(
            &TensorType::new(vec![o, c / groups, kh, kw], v.ty.elem),
            Need::Any,
        );
        let mut attrs = Vec::new();
        if strides != [1, 1] || self.chance(0.5) {
            attrs.push(("strides", self.ctx.i64_array_attr(&strides)));
        }
        if pad.iter().any(|&p| p != 0) || self.chance(0.5) {
            attrs.push(("padding", self.ctx.i64_array_attr(&pad)));
        }
        if dil != [1, 1] || self.chance(0.5) {
            attrs.push(("dilations", self.ctx.i64_array_attr(&dil)));
        }
        if groups != 1 || self.chance(0.5) {
            attrs.push(("groups", self.ctx.i64_attr(groups)));
        }
        let xr = if pad.iter().any(|&p| p != 0) {
            v.range.hull(Range::point(0.0))
        } else {
            v.range
        };
        let terms = ((c / groups) * kh * kw) as u64;
        let range = (xr * self.pool[wt].range).sum(terms);
        Some(Proposal {
            attrs,
            ..simple("graph.conv2d", vec![x, wt], range)
        })
    }

    fn pool2d(&mut self) -> Option<Proposal> {
        let x = self.image()?;
        let v = self.val(x);
        let (h, w) = (v.ty.shape[2], v.ty.shape[3]);
        let kernel = [self.int(1, h.min(3)), self.int(1, w.min(3))];
        let pad: Vec<i64> = (0..4)
            .map(|i| self.int(0, (kernel[i % 2] - 1).min(1)))
            .collect();
        let strides: Vec<i64> = (0..2).map(|_| self.int(1, 2)).collect();
        let name = self.choose(&["graph.max_pool2d", "graph.avg_pool2d"]);
        let mut attrs = vec![
            ("kernel", self.ctx.i64_array_attr(&kernel)),
            ("strides", self.ctx.i64_array_attr(&strides)),
        ];
        if pad.iter().any(|&p| p != 0) || self.chance(0.5) {
            attrs.push(("padding", self.ctx.i64_array_attr(&pad)));
        }
        Some(Proposal {
            attrs,
            ..simple(name, vec![x], v.range)
        })
    }

    fn batch_norm(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Float, 2, |_| true)?;
        let v = self.val(x);
        let ct = TensorType::new(vec![v.ty.shape[1]], v.ty.elem);
        let scale = self.value_of(&ct, Need::Any);
        let bias = self.value_of(&ct, Need::Any);
        let mean = self.value_of(&ct, Need::Any);
        let var = self.value_of(&ct, Need::AtLeast(0.1));
        let var = self.guard(var, Need::AtLeast(0.1));
        let eps = self.choose(EPSILONS);
        let vr = self.pool[var].range;
        let inv = Range::new(1.0 / (vr.hi + eps).sqrt(), 1.0 / (vr.lo + eps).sqrt());
        let range = (v.range - self.pool[mean].range) * inv * self.pool[scale].range
            + self.pool[bias].range;
        let attr = self.ctx.f64_attr(eps);
        Some(Proposal {
            attrs: vec![("epsilon", attr)],
            ..simple("graph.batch_norm", vec![x, scale, bias, mean, var], range)
        })
    }

    fn layer_norm(&mut self) -> Option<Proposal> {
        let x = self.operand(Kind::Float, 1, |_| true)?;
        let v = self.val(x);
        let rank = v.ty.rank();
        let axis = self.index(rank);
        let tail = TensorType::new(v.ty.shape[axis..].to_vec(), v.ty.elem);
        let scale = self.value_of(&tail, Need::Any);
        let bias = self.value_of(&tail, Need::Any);
        let eps = self.choose(EPSILONS);
        // A normalized element is at most sqrt(n) in magnitude.
        let z = (tail.num_elements() as f64).sqrt();
        let range = Range::new(-z, z) * self.pool[scale].range + self.pool[bias].range;
        let attrs = vec![
            ("axis", self.axis_attr(axis, rank)),
            ("epsilon", self.ctx.f64_attr(eps)),
        ];
        Some(Proposal {
            attrs,
            ..simple("graph.layer_norm", vec![x, scale, bias], range)
        })
    }
}

impl Gen<'_> {
    /// Feeds most values nothing uses into the results, so that a
    /// differential test sees the effect of almost every op: each is
    /// reduced to a scalar (`reduce_sum`, or `reduce_mean`/`reduce_max` if
    /// the sum could be too large) and added to (or, if that could be too
    /// large, maxed with) a result of its element type, cast if need be.
    /// One in ten stays dead, for dead-code elimination to find.
    pub fn sink_unused(&mut self, results: &mut [usize]) {
        let args = self.ctx.block_args(self.block).to_vec();
        let unused: Vec<usize> = (0..self.pool.len())
            .filter(|&i| {
                let v = self.pool[i].v;
                !results.contains(&i) && !args.contains(&v) && self.ctx.is_unused(v)
            })
            .collect();
        for u in unused {
            if self.chance(0.1) {
                continue;
            }
            let Some(s) = self.summarize(u) else {
                continue;
            };
            let from = self.pool[s].ty.elem;
            let slot = results
                .iter()
                .position(|&r| self.pool[r].ty.elem == from)
                .or_else(|| {
                    results
                        .iter()
                        .position(|&r| self.castable(from, self.pool[r].ty.elem))
                });
            let Some(k) = slot else {
                continue;
            };
            let to = self.pool[results[k]].ty.elem;
            let s = if to == from {
                Some(s)
            } else {
                let range = cast_range(self.pool[s].range, from, to);
                self.commit(Proposal {
                    declared: Some(TensorType::new(Vec::new(), to)),
                    ..simple("graph.cast", vec![s], range)
                })
            };
            if let Some(s) = s
                && let Some(r) = self.combine(results[k], s)
            {
                results[k] = r;
            }
        }
    }

    /// Whether the generator may cast `from` to `to`.
    fn castable(&self, from: ElemType, to: ElemType) -> bool {
        to.is_float() || (to.is_int() && !from.is_float()) || self.cfg.discontinuous
    }

    /// A rank-0 summary of pool value `i` (itself if it is rank 0).
    fn summarize(&mut self, i: usize) -> Option<usize> {
        let v = self.val(i);
        if v.ty.rank() == 0 {
            return Some(i);
        }
        let n = v.ty.num_elements();
        let axes: Vec<i64> = (0..v.ty.rank() as i64).collect();
        let attr = self.ctx.i64_array_attr(&axes);
        let reduce = |name, range| Proposal {
            attrs: vec![("axes", attr)],
            ..simple(name, vec![i], range)
        };
        if v.ty.elem == ElemType::I1 {
            return if n == 0 {
                None
            } else {
                self.commit(reduce("graph.reduce_max", Range::boolean()))
            };
        }
        if let Some(s) = self.commit(reduce("graph.reduce_sum", v.range.sum(n))) {
            return Some(s);
        }
        let fallback = if v.ty.elem.is_float() {
            "graph.reduce_mean"
        } else {
            "graph.reduce_max"
        };
        self.commit(reduce(fallback, v.range))
    }

    /// `r + s`, or `max(r, s)` if the sum could be too large.
    fn combine(&mut self, r: usize, s: usize) -> Option<usize> {
        let (vr, vs) = (self.val(r), self.val(s));
        if vr.ty.elem != ElemType::I1
            && let Some(sum) = self.commit(simple("graph.add", vec![r, s], vr.range + vs.range))
        {
            return Some(sum);
        }
        self.commit(simple("graph.max", vec![r, s], vr.range.max(vs.range)))
    }
}

/// The range of a value of `range` cast from `from` to `to`.
fn cast_range(range: Range, from: ElemType, to: ElemType) -> Range {
    if to == ElemType::I1 {
        Range::boolean()
    } else if from.is_float() && !to.is_float() {
        range.trunc()
    } else {
        range
    }
}

/// A proposal without attributes or declared type.
fn simple(name: &'static str, operands: Vec<usize>, range: Range) -> Proposal {
    Proposal {
        name,
        operands,
        attrs: Vec::new(),
        declared: None,
        range,
    }
}

/// The prime factors of `n` (with multiplicity), smallest first.
fn prime_factors(mut n: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut p = 2;
    while p * p <= n {
        while n.is_multiple_of(p) {
            out.push(p);
            n /= p;
        }
        p += 1;
    }
    if n > 1 {
        out.push(n);
    }
    out
}
