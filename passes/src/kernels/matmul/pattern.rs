//! Recognizing a matmul loop nest on affine IR.
//!
//! Two shapes are recognized, after any number of outer batch loops
//! (each perfectly nesting the next):
//!
//! - a perfect nest of three loops over `i`, `j`, `k` in any order whose
//!   innermost body is exactly `x = A[.., i, k]`, `y = B[.., k, j]`,
//!   `acc = C[.., i, j]`, `p = x * y`, `s = acc + p`, `C[.., i, j] = s`
//!   (operands of `mulf` and `addf` in either order), as
//!   `convert-graph-to-affine` emits it;
//! - loops over `i`, `j` (either order) whose body is a `k` loop carrying
//!   the sum in an `iter_args` value, started at `C[.., i, j]` (read in
//!   the `j` body) or at the constant `0.0`, and stored to `C[.., i, j]`
//!   after the `k` loop.
//!
//! Every loop runs from 0 to a constant with step 1; every element is
//! `f32`; the memrefs have static shapes and the identity layout; the
//! leading (batch) subscripts use only the batch loops; `C` is neither
//! `A` nor `B` (distinct memref values do not alias, as MLIR's affine
//! analyses assume). Nothing else may be in the nest.
//!
//! [`zero_init_nest`] recognizes the nest that zeroes all of `C` right
//! before the matmul nest, which the schedule can fold away.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::{AttrData, Context, FloatKind, OpId, TypeData, Value};
use tessera_dialects::affine::{ForOp, LoadOp, StoreOp};

/// A buffer read or written by the nest, with its leading subscripts.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    /// The memref.
    pub memref: Value,
    /// The subscripts before the last two, as expressions of the batch
    /// loop indices (`d0` is the outermost batch loop).
    pub lead: Vec<AffineExpr>,
}

/// A recognized matmul nest: `C[b.., i, j] (+)= sum_k A[b.., i, k] * B[b.., k, j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct MatmulNest {
    /// The outermost loop of the nest; the schedule replaces it.
    pub root: OpId,
    /// The trip counts of the batch loops, outermost first.
    pub batch: Vec<i64>,
    /// Rows of `C`.
    pub m: i64,
    /// Columns of `C`.
    pub n: i64,
    /// The reduction length.
    pub k: i64,
    /// The left operand, `[.., M, K]`.
    pub a: Operand,
    /// The right operand, `[.., K, N]`.
    pub b: Operand,
    /// The result, `[.., M, N]`.
    pub c: Operand,
    /// Whether the sums start from `C`'s elements (`true`) or from zero.
    pub accumulate: bool,
}

/// A loop of the chain: its op, induction variable and trip count.
struct Level {
    iv: Value,
    trip: i64,
}

/// The loop `op` if it runs from 0 to a positive constant with step 1.
fn simple_loop(ctx: &Context, op: OpId) -> Option<(ForOp<'_>, i64)> {
    let f = ForOp::view(ctx, op)?;
    let (lb, ub) = f.constant_bounds()?;
    (lb == 0 && ub > 0 && f.step == 1).then_some((f, ub))
}

/// The ops of `block` but its terminator, if that is an `affine.yield`
/// of `yielded` operands.
fn body_ops(ctx: &Context, f: &ForOp<'_>, yielded: usize) -> Option<Vec<OpId>> {
    let y = f.yield_op(ctx)?;
    if ctx.op(y).operands.len() != yielded {
        return None;
    }
    let mut ops = ctx.block_ops_vec(f.body);
    ops.pop();
    Some(ops)
}

/// Whether `ty` is `f32`.
fn is_f32(ctx: &Context, ty: tessera_compiler::Type) -> bool {
    matches!(ctx.type_data(ty), TypeData::Float(FloatKind::F32))
}

/// Whether `v` is a static, identity-layout memref of `f32`.
fn is_plain_f32_memref(ctx: &Context, v: Value) -> bool {
    match ctx.type_data(ctx.value_type(v)) {
        TypeData::MemRef {
            shape,
            elem,
            layout: None,
            memory_space: None,
        } => shape.iter().all(|&d| d > 0) && is_f32(ctx, *elem),
        _ => false,
    }
}

/// Whether `v` is the `f32` constant `+0.0`.
fn is_zero_f32(ctx: &Context, v: Value) -> bool {
    let Some(op) = ctx.defining_op(v) else {
        return false;
    };
    ctx.op_is(op, "arith.constant")
        && is_f32(ctx, ctx.value_type(v))
        && matches!(
            ctx.attr_data_of(op, "value"),
            Some(AttrData::Float { bits: 0, .. })
        )
}

/// The subscripts of an access as expressions of loop positions, given
/// the position of each induction variable; `None` if an operand is not
/// one of them or the map has symbols.
fn subscripts(
    map: &tessera_compiler::affine::AffineMap,
    operands: &[Value],
    levels: &[Level],
) -> Option<Vec<AffineExpr>> {
    if map.num_symbols != 0 || operands.len() != map.num_dims as usize {
        return None;
    }
    let dims: Vec<AffineExpr> = operands
        .iter()
        .map(|&v| {
            levels
                .iter()
                .position(|l| l.iv == v)
                .map(|p| AffineExpr::dim(p as u32))
        })
        .collect::<Option<_>>()?;
    Some(
        map.results
            .iter()
            .map(|e| e.replace_dims_and_symbols(&dims, &[]))
            .collect(),
    )
}

/// An `affine.load` of `f32` read through loop positions: its memref and
/// subscripts.
fn load_access(
    ctx: &Context,
    v: Value,
    levels: &[Level],
) -> Option<(OpId, Value, Vec<AffineExpr>)> {
    let op = ctx.defining_op(v)?;
    let l = LoadOp::view(ctx, op)?;
    if !is_plain_f32_memref(ctx, l.memref) {
        return None;
    }
    let subs = subscripts(l.map, l.indices, levels)?;
    Some((op, l.memref, subs))
}

/// The defining op of `v` if it is the two-operand `name` on `f32`.
fn binary(ctx: &Context, v: Value, name: &str) -> Option<(OpId, Value, Value)> {
    let op = ctx.defining_op(v)?;
    let d = ctx.op(op);
    if !ctx.op_is(op, name) || d.operands.len() != 2 || !is_f32(ctx, ctx.value_type(v)) {
        return None;
    }
    Some((op, d.operands[0], d.operands[1]))
}

/// Recognizes the matmul nest rooted at the `affine.for` `root`.
pub fn match_matmul(ctx: &Context, root: OpId) -> Option<MatmulNest> {
    // The chain of perfectly nested loops without loop-carried values.
    let mut levels = Vec::new();
    let mut cur = root;
    let inner_ops = loop {
        let (f, trip) = simple_loop(ctx, cur)?;
        if !f.inits.is_empty() {
            return None;
        }
        levels.push(Level {
            iv: f.induction_var,
            trip,
        });
        let ops = body_ops(ctx, &f, 0)?;
        match ops[..] {
            [only] if ForOp::view(ctx, only).is_some_and(|g| g.inits.is_empty()) => cur = only,
            _ => break ops,
        }
    };
    let chain = levels.len();
    // The body's ops, the store and the `mulf`; `acc` is the value the
    // sum starts from (a load of C, or the k loop's iter_arg).
    let reduction_form = inner_ops.iter().any(|&o| ctx.op_is(o, "affine.for"));
    let (store, mul, init) = if !reduction_form && chain >= 3 {
        perfect_body(ctx, &inner_ops)?
    } else if reduction_form && chain >= 2 {
        let (k_loop, k_trip, store, mul, init) = reduction_body(ctx, &inner_ops)?;
        let f = ForOp::view(ctx, k_loop)?;
        levels.push(Level {
            iv: f.induction_var,
            trip: k_trip,
        });
        (store, mul, init)
    } else {
        return None;
    };
    let inner = [levels.len() - 3, levels.len() - 2, levels.len() - 1];
    let nb = inner[0];

    let s = StoreOp::view(ctx, store)?;
    if !is_plain_f32_memref(ctx, s.memref) {
        return None;
    }
    let c_subs = subscripts(s.map, s.indices, &levels)?;
    let (c_lead, ci, cj) = split_subscripts(&c_subs)?;
    if !inner.contains(&ci) || !inner.contains(&cj) || ci == cj {
        return None;
    }
    let ck = *inner.iter().find(|&&p| p != ci && p != cj)?;
    // The start of the sum.
    let accumulate = match init {
        Init::LoadOf(v) => {
            let (_, mem, subs) = load_access(ctx, v, &levels)?;
            if mem != s.memref || subs != c_subs {
                return None;
            }
            true
        }
        Init::Zero => false,
    };
    // The product's operands.
    let (_, x, y) = binary(ctx, mul, "arith.mulf")?;
    let (_, xm, xs) = load_access(ctx, x, &levels)?;
    let (_, ym, ys) = load_access(ctx, y, &levels)?;
    let ((am, a_subs), (bm, b_subs)) = {
        let is_a = |subs: &[AffineExpr]| {
            split_subscripts(subs).is_some_and(|(_, r, c)| r == ci && c == ck)
        };
        if is_a(&xs) {
            ((xm, xs), (ym, ys))
        } else {
            ((ym, ys), (xm, xs))
        }
    };
    let (a_lead, ai, ak) = split_subscripts(&a_subs)?;
    let (b_lead, bk, bj) = split_subscripts(&b_subs)?;
    if (ai, ak, bk, bj) != (ci, ck, ck, cj) || am == s.memref || bm == s.memref {
        return None;
    }
    let batch_only = |lead: &[AffineExpr]| {
        lead.iter()
            .all(|e| inner.iter().all(|&p| !e.uses_dim(p as u32)) && e.is_pure_affine())
    };
    if !batch_only(&a_lead) || !batch_only(&b_lead) || !batch_only(&c_lead) {
        return None;
    }
    Some(MatmulNest {
        root,
        batch: levels[..nb].iter().map(|l| l.trip).collect(),
        m: levels[ci].trip,
        n: levels[cj].trip,
        k: levels[ck].trip,
        a: Operand {
            memref: am,
            lead: a_lead,
        },
        b: Operand {
            memref: bm,
            lead: b_lead,
        },
        c: Operand {
            memref: s.memref,
            lead: c_lead,
        },
        accumulate,
    })
}

/// Where the sum starts.
enum Init {
    /// The value loaded by this `affine.load`.
    LoadOf(Value),
    /// `0.0`.
    Zero,
}

/// The subscripts split into leading ones and the last two, which must be
/// single loop positions.
fn split_subscripts(subs: &[AffineExpr]) -> Option<(Vec<AffineExpr>, usize, usize)> {
    let [lead @ .., AffineExpr::Dim(r), AffineExpr::Dim(c)] = subs else {
        return None;
    };
    Some((lead.to_vec(), *r as usize, *c as usize))
}

/// The innermost body of the perfect form: exactly three loads, `mulf`,
/// `addf`, store. Returns the store, the product and the start of the sum
/// (the load of C).
fn perfect_body(ctx: &Context, ops: &[OpId]) -> Option<(OpId, Value, Init)> {
    if ops.len() != 6 {
        return None;
    }
    let store = *ops.iter().find(|&&o| ctx.op_is(o, "affine.store"))?;
    let s = StoreOp::view(ctx, store)?;
    let (add, l, r) = binary(ctx, s.value, "arith.addf")?;
    let (acc, mul) = if binary(ctx, r, "arith.mulf").is_some() {
        (l, r)
    } else {
        (r, l)
    };
    let (mul_op, x, y) = binary(ctx, mul, "arith.mulf")?;
    let acc_op = ctx.defining_op(acc)?;
    let mut expected = vec![store, add, mul_op, acc_op];
    expected.extend([x, y].iter().filter_map(|&v| ctx.defining_op(v)));
    if !ops.iter().all(|o| expected.contains(o)) || !distinct(&expected) {
        return None;
    }
    // Each intermediate value feeds only the next op of the chain.
    if [acc, mul, s.value].iter().any(|&v| ctx.uses(v).len() != 1)
        || [x, y].iter().any(|&v| ctx.uses(v).len() != 1)
    {
        return None;
    }
    Some((store, mul, Init::LoadOf(acc)))
}

/// Whether the ops are pairwise distinct.
fn distinct(ops: &[OpId]) -> bool {
    ops.iter().enumerate().all(|(i, o)| !ops[..i].contains(o))
}

/// The `j` body of the reduction form: an optional load of C, a `k` loop
/// carrying one `f32` sum, and the store of its result. Returns the `k`
/// loop, its trip count, the store, the product and where the sum starts.
fn reduction_body(ctx: &Context, ops: &[OpId]) -> Option<(OpId, i64, OpId, Value, Init)> {
    let k_loop = *ops.iter().find(|&&o| ctx.op_is(o, "affine.for"))?;
    let (f, k_trip) = simple_loop(ctx, k_loop)?;
    let [init] = f.inits else {
        return None;
    };
    let [sum_arg] = f.iter_args else {
        return None;
    };
    let [result] = f.results else {
        return None;
    };
    let store = *ops.iter().find(|&&o| ctx.op_is(o, "affine.store"))?;
    let s = StoreOp::view(ctx, store)?;
    if s.value != *result || ctx.uses(*result).len() != 1 {
        return None;
    }
    let start = if is_zero_f32(ctx, *init) {
        Init::Zero
    } else {
        Init::LoadOf(*init)
    };
    // Besides the loop and the store: the load of the start value (or the
    // zero constant, when it is defined here), used only by the loop.
    let extra: Vec<OpId> = ops
        .iter()
        .copied()
        .filter(|&o| o != k_loop && o != store)
        .collect();
    match extra[..] {
        [] => {}
        [o] if ctx.defining_op(*init) == Some(o) && ctx.uses(*init).len() == 1 => {}
        _ => return None,
    }
    if let Init::LoadOf(_) = start
        && ctx.defining_op(*init).is_none_or(|o| !extra.contains(&o))
    {
        return None;
    }
    // The k body: two loads, `mulf`, `addf` with the carried sum, yield.
    let k_ops = body_ops(ctx, &f, 1)?;
    let y = f.yield_op(ctx)?;
    let next = ctx.op(y).operands[0];
    let (add, l, r) = binary(ctx, next, "arith.addf")?;
    let mul = match (l == *sum_arg, r == *sum_arg) {
        (true, false) => r,
        (false, true) => l,
        _ => return None,
    };
    let (mul_op, x, yv) = binary(ctx, mul, "arith.mulf")?;
    let mut expected = vec![add, mul_op];
    expected.extend([x, yv].iter().filter_map(|&v| ctx.defining_op(v)));
    if k_ops.len() != 4 || !k_ops.iter().all(|o| expected.contains(o)) || !distinct(&expected) {
        return None;
    }
    if ctx.uses(*sum_arg).len() != 1 || [next, mul, x, yv].iter().any(|&v| ctx.uses(v).len() != 1) {
        return None;
    }
    Some((k_loop, k_trip, store, mul, start))
}

/// The perfect nest right before `nest.root` that stores `0.0` into every
/// element of `C` (loops over `C`'s shape, identity subscripts), if there
/// is one and the matmul nest itself writes every element of `C` (so the
/// zeroing can be folded into the schedule).
pub fn zero_init_nest(ctx: &Context, nest: &MatmulNest) -> Option<OpId> {
    let shape = ctx.shape_of(ctx.value_type(nest.c.memref))?.to_vec();
    // The matmul must cover C: identity batch subscripts over C's leading
    // dimensions, then all rows and columns.
    let nb = nest.batch.len();
    let mut covered = shape.len() == nb + 2
        && nest.batch[..] == shape[..nb]
        && (nest.m, nest.n) == (shape[nb], shape[nb + 1]);
    for (p, e) in nest.c.lead.iter().enumerate() {
        covered &= *e == AffineExpr::dim(p as u32);
    }
    if !covered {
        return None;
    }
    let prev = ctx.prev_op(nest.root)?;
    let mut levels = Vec::new();
    let mut cur = prev;
    let ops = loop {
        let (f, trip) = simple_loop(ctx, cur)?;
        if !f.inits.is_empty() {
            return None;
        }
        levels.push(Level {
            iv: f.induction_var,
            trip,
        });
        let ops = body_ops(ctx, &f, 0)?;
        match ops[..] {
            [only] if ctx.op_is(only, "affine.for") => cur = only,
            _ => break ops,
        }
    };
    let store = *ops.last()?;
    let s = StoreOp::view(ctx, store)?;
    match ops[..] {
        [_] => {}
        [c, _] if ctx.defining_op(s.value) == Some(c) && ctx.uses(s.value).len() == 1 => {}
        _ => return None,
    }
    if s.memref != nest.c.memref || !is_zero_f32(ctx, s.value) {
        return None;
    }
    let subs = subscripts(s.map, s.indices, &levels)?;
    let identity: Vec<AffineExpr> = (0..levels.len() as u32).map(AffineExpr::dim).collect();
    let trips: Vec<i64> = levels.iter().map(|l| l.trip).collect();
    (subs == identity && trips == shape).then_some(prev)
}
