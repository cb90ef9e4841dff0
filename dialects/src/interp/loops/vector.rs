//! `vector` ops (and `affine.vector_load`/`affine.vector_store`), with
//! MLIR 19's meaning. Ops are recognized by name and read with upstream
//! attribute names (`static_position`, `permutation_map`, `in_bounds`,
//! `kind`, ...), so this runs whatever parses to those ops.
//!
//! - `load`/`store`: the vector's dimensions run along the memref's
//!   innermost ones, from the indices; every lane must be in bounds.
//! - `maskedload`/`maskedstore`: lanes whose mask bit is off are not
//!   accessed (a load gives the pass-through lane).
//! - `transfer_read`/`transfer_write`: vector dimension `k` runs along the
//!   memref dimension of result `k` of `permutation_map` (a constant 0
//!   result broadcasts). A lane outside the memref in a dimension not
//!   marked `in_bounds`, or whose mask bit is off, reads the padding
//!   (a write skips it); outside the memref in an `in_bounds` dimension
//!   is an error. The mask is indexed in memref-dimension order.
//! - `reduction <kind>`: folds the lanes in order, starting from the
//!   accumulator if there is one, with the `arith` op of the kind.
//! - `print`: writes as MLIR's C runner does: `( 1, 2.5, 1e+08 )`, nested
//!   for n-D, floats as C's `%g`, `index` as unsigned, then the
//!   punctuation (a newline by default); a string as it is.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::{AttrData, Attribute, Context, OpId, Type, TypeData};

use super::affine::{CMap, Slot, index_in};
use super::compile::Inst;
use super::error::{LoopError, LoopResult};
use super::exec::{Frame, Machine, scalar_slot};
use super::memory::{locate, memref_in, read, write};
use super::value::{LoopValue, MemRef, VectorValue, unravel};
use crate::arith::ArithOp;
use crate::interp::scalar::{ElemTy, Scalar, ScalarOp};
use crate::math::MathOp;

/// A position given statically or by a slot.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Pos {
    Static(i64),
    Slot(Slot),
}

/// A compiled transfer.
#[derive(Clone, Debug)]
pub(crate) struct Transfer {
    /// Per vector dimension, the memref dimension it runs along (`None`: broadcast).
    dims: Vec<Option<usize>>,
    /// Per vector dimension, whether it is known to be in bounds.
    in_bounds: Vec<bool>,
    shape: Vec<usize>,
    elem: ElemTy,
    /// Vector dimensions in memref-dimension order: how the mask is indexed.
    mask_order: Vec<usize>,
    /// Operand positions: indices start, count; padding; mask.
    indices: std::ops::Range<usize>,
    padding: Option<usize>,
    mask: Option<usize>,
}

/// What `vector.print` writes after its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Punct {
    NoPunctuation,
    Newline,
    Comma,
    Open,
    Close,
}

/// A compiled `vector` op.
#[derive(Clone, Debug)]
pub(crate) enum VecOp {
    /// `vector.load` (map `None`) or `affine.vector_load`; `first_index` is
    /// the operand where indices start.
    Load {
        shape: Vec<usize>,
        elem: ElemTy,
        map: Option<CMap>,
    },
    /// `vector.store` or `affine.vector_store`.
    Store {
        map: Option<CMap>,
    },
    MaskedLoad,
    MaskedStore,
    TransferRead(Box<Transfer>),
    TransferWrite(Box<Transfer>),
    Broadcast {
        shape: Vec<usize>,
        elem: ElemTy,
    },
    Splat {
        shape: Vec<usize>,
    },
    Fma(ScalarOp),
    Reduction(ScalarOp),
    Extract {
        position: Vec<Pos>,
        scalar: bool,
    },
    Insert {
        position: Vec<Pos>,
    },
    ExtractElement,
    InsertElement,
    ShapeCast {
        shape: Vec<usize>,
    },
    Transpose {
        perm: Vec<usize>,
    },
    CreateMask {
        shape: Vec<usize>,
    },
    Constant(VectorValue),
    Print {
        text: Option<String>,
        punct: Punct,
    },
}

/// The shape and element type of a vector type.
fn vector_type(ctx: &Context, ty: Type) -> Option<(Vec<usize>, ElemTy)> {
    match ctx.type_data(ty) {
        TypeData::Vector { shape, elem } => Some((
            shape
                .iter()
                .map(|&d| usize::try_from(d).ok())
                .collect::<Option<_>>()?,
            ElemTy::of(ctx, *elem)?,
        )),
        _ => None,
    }
}

/// The name inside an enum attribute: `"add"` for `#vector.kind<add>`
/// (or a string attribute `"add"`).
fn enum_name(ctx: &Context, attr: Attribute) -> Option<String> {
    match ctx.attr_data(attr) {
        AttrData::String(s) => Some(s.clone()),
        AttrData::Opaque { body, .. } => {
            let start = body.rfind('<')? + 1;
            let end = body[start..].find('>')? + start;
            Some(body[start..end].trim().to_string())
        }
        _ => None,
    }
}

/// The integers of an `array<i64: ..>` or `[1, 2]` attribute.
fn int_list(ctx: &Context, attr: Attribute) -> Option<Vec<i64>> {
    match ctx.attr_data(attr) {
        AttrData::DenseArray { .. } => ctx.attr_data(attr).as_int_array().map(<[i64]>::to_vec),
        AttrData::Array(items) => items
            .iter()
            .map(|&a| {
                ctx.attr_data(a)
                    .as_int()
                    .and_then(|v| i64::try_from(v).ok())
            })
            .collect(),
        _ => None,
    }
}

/// The booleans of an `[true, false]` or `array<i1: ..>` attribute.
fn bool_list(ctx: &Context, attr: Attribute) -> Option<Vec<bool>> {
    match ctx.attr_data(attr) {
        AttrData::Array(items) => items.iter().map(|&a| ctx.attr_data(a).as_bool()).collect(),
        _ => int_list(ctx, attr).map(|v| v.into_iter().map(|x| x != 0).collect()),
    }
}

/// The `arith` op combining lanes of a `vector.reduction` of `kind`.
fn combining_op(kind: &str, elem: ElemTy) -> Option<ArithOp> {
    use ArithOp::*;
    let float = elem.is_float();
    Some(match (kind, float) {
        ("add", true) => AddF,
        ("add", false) => AddI,
        ("mul", true) => MulF,
        ("mul", false) => MulI,
        ("minnumf", true) => MinNumF,
        ("maxnumf", true) => MaxNumF,
        ("minimumf", true) => MinimumF,
        ("maximumf", true) => MaximumF,
        ("minui", false) => MinUI,
        ("minsi", false) => MinSI,
        ("maxui", false) => MaxUI,
        ("maxsi", false) => MaxSI,
        ("and", false) => AndI,
        ("or", false) => OrI,
        ("xor", false) => XOrI,
        _ => return None,
    })
}

/// The static positions with `DYNAMIC` entries filled by `dynamic`.
fn positions(ctx: &Context, op: OpId, dynamic: &[Slot]) -> LoopResult<Vec<Pos>> {
    let attr = ctx
        .attr(op, "static_position")
        .or_else(|| ctx.attr(op, "position"))
        .ok_or_else(|| LoopError::op(ctx, op, "has no 'static_position'"))?;
    let statics = int_list(ctx, attr)
        .ok_or_else(|| LoopError::op(ctx, op, "has a malformed 'static_position'"))?;
    let mut it = dynamic.iter();
    let out: Option<Vec<Pos>> = statics
        .iter()
        .map(|&s| {
            if s == tessera_compiler::DYNAMIC {
                it.next().map(|&v| Pos::Slot(v))
            } else {
                Some(Pos::Static(s))
            }
        })
        .collect();
    match out {
        Some(v) if it.next().is_none() => Ok(v),
        _ => Err(LoopError::op(
            ctx,
            op,
            "has dynamic positions that do not match its operands",
        )),
    }
}

/// Compiles `op` if it is a vector op the interpreter runs.
pub(crate) fn compile(ctx: &Context, op: OpId, args: &[Slot]) -> LoopResult<Option<VecOp>> {
    let name = ctx.op_name_of(op);
    if !name.starts_with("vector.") && name != "affine.vector_load" && name != "affine.vector_store"
    {
        return Ok(None);
    }
    let err = |m: &str| LoopError::op(ctx, op, m);
    let data = ctx.op(op);
    let result_vec = || -> LoopResult<(Vec<usize>, ElemTy)> {
        data.results
            .first()
            .and_then(|&r| vector_type(ctx, ctx.value_type(r)))
            .ok_or_else(|| err("must have one vector result of a supported element type"))
    };
    let operand_vec = |k: usize| -> LoopResult<(Vec<usize>, ElemTy)> {
        data.operands
            .get(k)
            .and_then(|&v| vector_type(ctx, ctx.value_type(v)))
            .ok_or_else(|| err("expects a vector operand of a supported element type"))
    };
    let need = |n: usize| {
        if args.len() < n {
            Err(err("is missing operands"))
        } else {
            Ok(())
        }
    };
    let affine_map = |first: usize| -> LoopResult<CMap> {
        let map = crate::affine::map_attr(ctx, op, "map").ok_or_else(|| err("has no 'map'"))?;
        CMap::new(map, &args[first..]).map_err(|m| LoopError::op(ctx, op, m))
    };
    Ok(Some(match name {
        "vector.load" | "affine.vector_load" => {
            need(1)?;
            let (shape, elem) = result_vec()?;
            let map = if name == "affine.vector_load" {
                Some(affine_map(1)?)
            } else {
                None
            };
            VecOp::Load { shape, elem, map }
        }
        "vector.store" | "affine.vector_store" => {
            need(2)?;
            let map = if name == "affine.vector_store" {
                Some(affine_map(2)?)
            } else {
                None
            };
            VecOp::Store { map }
        }
        "vector.maskedload" => {
            need(3)?;
            result_vec()?;
            VecOp::MaskedLoad
        }
        "vector.maskedstore" => {
            need(3)?;
            VecOp::MaskedStore
        }
        "vector.transfer_read" | "vector.transfer_write" => {
            let read = name == "vector.transfer_read";
            let groups = crate::memref::operand_groups(ctx, op, 4)
                .ok_or_else(|| err("has malformed 'operandSegmentSizes'"))?;
            let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            let (shape, elem) = if read { result_vec()? } else { operand_vec(0)? };
            let source = if read { 0 } else { 1 };
            let rank = data
                .operands
                .get(source)
                .and_then(|&v| ctx.shape_of(ctx.value_type(v)))
                .filter(|_| {
                    matches!(
                        ctx.type_data(ctx.value_type(data.operands[source])),
                        TypeData::MemRef { .. }
                    )
                })
                .map(<[i64]>::len)
                .ok_or_else(|| err("transfers from or to something other than a memref"))?;
            let (indices, padding, mask) = if read {
                if sizes[0] != 1 || sizes[2] != 1 || sizes[3] > 1 {
                    return Err(err(
                        "needs a source, indices, a padding and an optional mask",
                    ));
                }
                (
                    1..1 + sizes[1],
                    Some(1 + sizes[1]),
                    (sizes[3] == 1).then_some(2 + sizes[1]),
                )
            } else {
                if sizes[0] != 1 || sizes[1] != 1 || sizes[3] > 1 {
                    return Err(err(
                        "needs a vector, a destination, indices and an optional mask",
                    ));
                }
                (
                    2..2 + sizes[2],
                    None,
                    (sizes[3] == 1).then_some(2 + sizes[2]),
                )
            };
            if indices.len() != rank {
                return Err(err("needs one index per memref dimension"));
            }
            let map = crate::affine::map_attr(ctx, op, "permutation_map")
                .cloned()
                .unwrap_or_else(|| {
                    // The minor identity: the vector's dimensions are the innermost ones.
                    let r = rank as u32;
                    let k = shape.len() as u32;
                    tessera_compiler::affine::AffineMap::new(
                        r,
                        0,
                        (r.saturating_sub(k)..r).map(AffineExpr::Dim).collect(),
                    )
                });
            if map.num_dims as usize != rank
                || map.num_symbols != 0
                || map.results.len() != shape.len()
            {
                return Err(err(
                    "has a permutation_map that does not fit its memref and vector",
                ));
            }
            let mut dims = Vec::with_capacity(shape.len());
            for e in &map.results {
                match e {
                    AffineExpr::Dim(j) => {
                        if *j as usize >= rank || dims.contains(&Some(*j as usize)) {
                            return Err(err("has a permutation_map using a dimension twice"));
                        }
                        dims.push(Some(*j as usize));
                    }
                    AffineExpr::Constant(0) if read => dims.push(None),
                    _ => {
                        return Err(err(
                            "has a permutation_map that is not a projected permutation",
                        ));
                    }
                }
            }
            let in_bounds = match ctx.attr(op, "in_bounds") {
                Some(a) => bool_list(ctx, a)
                    .filter(|v| v.len() == shape.len())
                    .ok_or_else(|| err("has an 'in_bounds' list of the wrong length"))?,
                None => vec![false; shape.len()],
            };
            let mut mask_order: Vec<usize> =
                (0..shape.len()).filter(|&k| dims[k].is_some()).collect();
            mask_order.sort_by_key(|&k| dims[k]);
            VecOp::TransferRead(Box::new(Transfer {
                dims,
                in_bounds,
                shape,
                elem,
                mask_order,
                indices,
                padding,
                mask,
            }))
            .into_write_if(!read)
        }
        "vector.broadcast" => {
            need(1)?;
            let (shape, elem) = result_vec()?;
            VecOp::Broadcast { shape, elem }
        }
        "vector.splat" => {
            need(1)?;
            VecOp::Splat {
                shape: result_vec()?.0,
            }
        }
        "vector.fma" => {
            need(3)?;
            let (_, elem) = result_vec()?;
            VecOp::Fma(ScalarOp::math(MathOp::Fma, elem))
        }
        "vector.reduction" => {
            need(1)?;
            let (_, elem) = operand_vec(0)?;
            let kind = ctx
                .attr(op, "kind")
                .and_then(|a| enum_name(ctx, a))
                .ok_or_else(|| err("has no combining 'kind'"))?;
            let a = combining_op(&kind, elem).ok_or_else(|| {
                LoopError::op(
                    ctx,
                    op,
                    format!("cannot reduce {elem} elements with <{kind}>"),
                )
            })?;
            VecOp::Reduction(ScalarOp::arith(a, elem))
        }
        "vector.extract" => {
            need(1)?;
            let position = positions(ctx, op, &args[1..])?;
            let scalar = data.results.first().is_some_and(|&r| {
                !matches!(ctx.type_data(ctx.value_type(r)), TypeData::Vector { .. })
            });
            VecOp::Extract { position, scalar }
        }
        "vector.insert" => {
            need(2)?;
            VecOp::Insert {
                position: positions(ctx, op, &args[2..])?,
            }
        }
        "vector.extractelement" => {
            need(1)?;
            VecOp::ExtractElement
        }
        "vector.insertelement" => {
            need(2)?;
            VecOp::InsertElement
        }
        "vector.shape_cast" => {
            need(1)?;
            VecOp::ShapeCast {
                shape: result_vec()?.0,
            }
        }
        "vector.transpose" => {
            need(1)?;
            let perm = ctx
                .attr(op, "permutation")
                .and_then(|a| int_list(ctx, a))
                .and_then(|v| {
                    v.into_iter()
                        .map(|x| usize::try_from(x).ok())
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| err("has no valid 'permutation'"))?;
            VecOp::Transpose { perm }
        }
        "vector.create_mask" => VecOp::CreateMask {
            shape: result_vec()?.0,
        },
        "vector.constant_mask" => {
            let (shape, elem) = result_vec()?;
            let sizes = ctx
                .attr(op, "mask_dim_sizes")
                .and_then(|a| int_list(ctx, a))
                .filter(|v| v.len() == shape.len())
                .ok_or_else(|| err("has no valid 'mask_dim_sizes'"))?;
            let n: usize = shape.iter().product();
            let lanes = (0..n)
                .map(|i| {
                    let p = unravel(i, &shape);
                    Scalar::bool(p.iter().zip(&sizes).all(|(&x, &s)| (x as i64) < s))
                })
                .collect();
            VecOp::Constant(VectorValue::new(elem, &shape, lanes).map_err(|e| err(&e.message))?)
        }
        "vector.print" => {
            let punct = match ctx.attr(op, "punctuation").and_then(|a| enum_name(ctx, a)) {
                None => Punct::Newline,
                Some(p) => match p.as_str() {
                    "newline" => Punct::Newline,
                    "no_punctuation" => Punct::NoPunctuation,
                    "comma" => Punct::Comma,
                    "open" => Punct::Open,
                    "close" => Punct::Close,
                    _ => return Err(err("has an unknown punctuation")),
                },
            };
            let text = ctx
                .attr_data_of(op, "stringLiteral")
                .and_then(|a| a.as_str())
                .map(str::to_string);
            VecOp::Print { text, punct }
        }
        _ => return Ok(None),
    }))
}

impl VecOp {
    /// How many results the op has.
    pub(crate) fn num_results(&self) -> usize {
        match self {
            VecOp::Store { .. }
            | VecOp::MaskedStore
            | VecOp::TransferWrite(_)
            | VecOp::Print { .. } => 0,
            _ => 1,
        }
    }

    /// Turns a compiled read into the write with the same layout.
    fn into_write_if(self, write: bool) -> VecOp {
        match self {
            VecOp::TransferRead(t) if write => VecOp::TransferWrite(t),
            other => other,
        }
    }
}

// ----- running ---------------------------------------------------------------

/// The vector in `slot`.
fn vector_slot<'s>(
    m: &Machine,
    inst: &Inst,
    slots: &'s [LoopValue],
    k: usize,
) -> LoopResult<&'s VectorValue> {
    match &slots[inst.args[k] as usize] {
        LoopValue::Vector(v) => Ok(v),
        other => Err(m.err(
            inst.op,
            format!(
                "operand {k}: expects a vector, got a {}",
                other.type_string()
            ),
        )),
    }
}

/// Operand `k` of `inst` as an index (an `index` or any integer).
fn any_index(m: &Machine, inst: &Inst, slots: &[LoopValue], k: usize) -> LoopResult<i64> {
    let s = scalar_slot(slots, inst.args[k]).map_err(|e| m.err(inst.op, e))?;
    s.as_signed()
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| m.err(inst.op, format!("operand {k}: expects an integer position")))
}

/// The base indices: operands `range`, or the map's values over them.
fn base_indices(
    m: &Machine,
    inst: &Inst,
    slots: &[LoopValue],
    first: usize,
    map: Option<&CMap>,
    count: usize,
) -> LoopResult<Vec<i64>> {
    match map {
        Some(map) => map.eval_all(slots).map_err(|e| m.err(inst.op, e)),
        None => inst.args[first..first + count]
            .iter()
            .map(|&s| index_in(slots, s).map_err(|e| m.err(inst.op, e)))
            .collect(),
    }
}

/// The position in `mem` of lane `p` of a vector whose dimensions run
/// along the innermost memref dimensions from `base`.
fn lane_position(
    m: &Machine,
    inst: &Inst,
    k: usize,
    mem: &MemRef,
    base: &[i64],
    p: &[usize],
) -> LoopResult<i64> {
    let r = base.len();
    if p.len() > r {
        return Err(m.err(inst.op, "has a vector of higher rank than its memref"));
    }
    let lead = r - p.len();
    locate(m, inst, k, mem, r, |d| {
        if d < lead {
            Ok(base[d])
        } else {
            base[d]
                .checked_add(p[d - lead] as i64)
                .ok_or_else(|| "computes an index that overflows".to_string())
        }
    })
}

/// Runs a vector op.
pub(crate) fn exec(m: &mut Machine, f: &mut Frame, inst: &Inst, op: &VecOp) -> LoopResult<()> {
    let slots = &f.slots;
    let result: LoopValue = match op {
        VecOp::Load { shape, elem, map } => {
            let mem = memref_in(m, slots, inst, 0)?;
            if mem.elem != *elem {
                return Err(m.err(
                    inst.op,
                    "loads a vector of another element type than the memref's",
                ));
            }
            let base = base_indices(m, inst, slots, 1, map.as_ref(), inst.args.len() - 1)?;
            let n: usize = shape.iter().product();
            let mut lanes = Vec::with_capacity(n);
            for i in 0..n {
                let p = lane_position(m, inst, 0, mem, &base, &unravel(i, shape))?;
                lanes.push(read(m, inst, 0, mem, p)?);
            }
            LoopValue::Vector(VectorValue::raw(*elem, shape.clone(), lanes))
        }
        VecOp::Store { map } => {
            let v = vector_slot(m, inst, slots, 0)?;
            let mem = memref_in(m, slots, inst, 1)?;
            let base = base_indices(m, inst, slots, 2, map.as_ref(), inst.args.len() - 2)?;
            for (i, &lane) in v.lanes().iter().enumerate() {
                let p = lane_position(m, inst, 1, mem, &base, &unravel(i, v.shape()))?;
                write(m, inst, 1, mem, p, lane)?;
            }
            return Ok(());
        }
        VecOp::MaskedLoad => {
            let n = inst.args.len();
            let mem = memref_in(m, slots, inst, 0)?;
            let mask = vector_slot(m, inst, slots, n - 2)?;
            let pass = vector_slot(m, inst, slots, n - 1)?;
            if mask.shape() != pass.shape() {
                return Err(m.err(inst.op, "has a mask and pass-through of different shapes"));
            }
            let base = base_indices(m, inst, slots, 1, None, n - 3)?;
            let mut lanes = pass.lanes().to_vec();
            for (i, lane) in lanes.iter_mut().enumerate() {
                if mask.lanes()[i].as_bool() == Some(true) {
                    let p = lane_position(m, inst, 0, mem, &base, &unravel(i, mask.shape()))?;
                    *lane = read(m, inst, 0, mem, p)?;
                }
            }
            LoopValue::Vector(
                VectorValue::new(pass.elem(), pass.shape(), lanes)
                    .map_err(|e| m.err(inst.op, e))?,
            )
        }
        VecOp::MaskedStore => {
            let n = inst.args.len();
            let mem = memref_in(m, slots, inst, 0)?;
            let mask = vector_slot(m, inst, slots, n - 2)?;
            let v = vector_slot(m, inst, slots, n - 1)?;
            if mask.shape() != v.shape() {
                return Err(m.err(inst.op, "has a mask and value of different shapes"));
            }
            let base = base_indices(m, inst, slots, 1, None, n - 3)?;
            for (i, &lane) in v.lanes().iter().enumerate() {
                if mask.lanes()[i].as_bool() == Some(true) {
                    let p = lane_position(m, inst, 0, mem, &base, &unravel(i, v.shape()))?;
                    write(m, inst, 0, mem, p, lane)?;
                }
            }
            return Ok(());
        }
        VecOp::TransferRead(t) => {
            let lanes = transfer(m, inst, slots, t, None)?;
            LoopValue::Vector(VectorValue::raw(t.elem, t.shape.clone(), lanes))
        }
        VecOp::TransferWrite(t) => {
            let v = vector_slot(m, inst, slots, 0)?;
            transfer(m, inst, slots, t, Some(v))?;
            return Ok(());
        }
        VecOp::Broadcast { shape, elem } => {
            let n: usize = shape.iter().product();
            let lanes = match &slots[inst.args[0] as usize] {
                LoopValue::Scalar(s) => vec![*s; n],
                LoopValue::Vector(v) => {
                    let (src, r) = (v.shape(), shape.len());
                    let fits = src.len() <= r
                        && src
                            .iter()
                            .zip(&shape[r - src.len()..])
                            .all(|(&a, &b)| a == b || a == 1);
                    if !fits {
                        return Err(m.err(
                            inst.op,
                            format!(
                                "cannot broadcast a {} to vector<{shape:?}>",
                                v.type_string()
                            ),
                        ));
                    }
                    let lead = r - src.len();
                    (0..n)
                        .map(|i| {
                            let p = unravel(i, shape);
                            let mut q = 0;
                            for (d, &s) in src.iter().enumerate() {
                                q = q * s + if s == 1 { 0 } else { p[lead + d] };
                            }
                            v.lanes()[q]
                        })
                        .collect()
                }
                other => {
                    return Err(m.err(
                        inst.op,
                        format!("cannot broadcast a {}", other.type_string()),
                    ));
                }
            };
            LoopValue::Vector(VectorValue::new(*elem, shape, lanes).map_err(|e| m.err(inst.op, e))?)
        }
        VecOp::Splat { shape } => {
            let s = scalar_slot(slots, inst.args[0]).map_err(|e| m.err(inst.op, e))?;
            LoopValue::Vector(VectorValue::splat(shape, s).map_err(|e| m.err(inst.op, e))?)
        }
        VecOp::Fma(sop) => {
            let a = vector_slot(m, inst, slots, 0)?;
            let b = vector_slot(m, inst, slots, 1)?;
            let c = vector_slot(m, inst, slots, 2)?;
            if a.shape() != b.shape() || a.shape() != c.shape() {
                return Err(m.err(inst.op, "has operands of different shapes"));
            }
            let lanes = (0..a.lanes().len())
                .map(|i| {
                    sop.eval(&[a.lanes()[i], b.lanes()[i], c.lanes()[i]])
                        .map_err(|e| m.err(inst.op, format!("lane {i}: {e}")))
                })
                .collect::<LoopResult<Vec<_>>>()?;
            LoopValue::Vector(VectorValue::raw(
                sop.result_type(),
                a.shape().to_vec(),
                lanes,
            ))
        }
        VecOp::Reduction(sop) => {
            let v = vector_slot(m, inst, slots, 0)?;
            let mut acc = match inst.args.get(1) {
                Some(&a) => Some(scalar_slot(slots, a).map_err(|e| m.err(inst.op, e))?),
                None => None,
            };
            for &lane in v.lanes() {
                acc = Some(match acc {
                    None => lane,
                    Some(a) => sop.eval(&[a, lane]).map_err(|e| m.err(inst.op, e))?,
                });
            }
            LoopValue::Scalar(acc.ok_or_else(|| m.err(inst.op, "reduces an empty vector"))?)
        }
        VecOp::Extract { position, scalar } => {
            let v = vector_slot(m, inst, slots, 0)?;
            let (start, sub) = block_of(m, inst, slots, v.shape(), position)?;
            let n: usize = sub.iter().product();
            let lanes = v.lanes()[start..start + n].to_vec();
            if *scalar {
                match lanes[..] {
                    [s] if sub.is_empty() => LoopValue::Scalar(s),
                    _ => return Err(m.err(inst.op, "extracts a vector into a scalar result")),
                }
            } else {
                LoopValue::Vector(VectorValue::raw(v.elem(), sub, lanes))
            }
        }
        VecOp::Insert { position } => {
            let dest = vector_slot(m, inst, slots, 1)?;
            let (start, sub) = block_of(m, inst, slots, dest.shape(), position)?;
            let src: Vec<Scalar> = match &slots[inst.args[0] as usize] {
                LoopValue::Scalar(s) if sub.is_empty() => vec![*s],
                LoopValue::Vector(v) if v.shape() == sub.as_slice() => v.lanes().to_vec(),
                other => {
                    return Err(m.err(
                        inst.op,
                        format!("cannot insert a {} at that position", other.type_string()),
                    ));
                }
            };
            let mut lanes = dest.lanes().to_vec();
            lanes[start..start + src.len()].copy_from_slice(&src);
            LoopValue::Vector(
                VectorValue::new(dest.elem(), dest.shape(), lanes)
                    .map_err(|e| m.err(inst.op, e))?,
            )
        }
        VecOp::ExtractElement => {
            let v = vector_slot(m, inst, slots, 0)?;
            let i = element_position(m, inst, slots, v, 1)?;
            LoopValue::Scalar(v.lanes()[i])
        }
        VecOp::InsertElement => {
            let s = scalar_slot(slots, inst.args[0]).map_err(|e| m.err(inst.op, e))?;
            let dest = vector_slot(m, inst, slots, 1)?;
            let i = element_position(m, inst, slots, dest, 2)?;
            let mut lanes = dest.lanes().to_vec();
            lanes[i] = s;
            LoopValue::Vector(
                VectorValue::new(dest.elem(), dest.shape(), lanes)
                    .map_err(|e| m.err(inst.op, e))?,
            )
        }
        VecOp::ShapeCast { shape } => {
            let v = vector_slot(m, inst, slots, 0)?;
            LoopValue::Vector(
                VectorValue::new(v.elem(), shape, v.lanes().to_vec())
                    .map_err(|e| m.err(inst.op, e))?,
            )
        }
        VecOp::Transpose { perm } => {
            let v = vector_slot(m, inst, slots, 0)?;
            let src = v.shape();
            let mut sorted = perm.clone();
            sorted.sort_unstable();
            if sorted != (0..src.len()).collect::<Vec<_>>() {
                return Err(m.err(inst.op, "has a permutation that does not fit its vector"));
            }
            let shape: Vec<usize> = perm.iter().map(|&d| src[d]).collect();
            let strides = super::value::row_major(src);
            let lanes = (0..v.lanes().len())
                .map(|i| {
                    let p = unravel(i, &shape);
                    let q: i64 = perm
                        .iter()
                        .zip(&p)
                        .map(|(&d, &x)| strides[d] * x as i64)
                        .sum();
                    v.lanes()[q as usize]
                })
                .collect();
            LoopValue::Vector(VectorValue::raw(v.elem(), shape, lanes))
        }
        VecOp::CreateMask { shape } => {
            if inst.args.len() != shape.len() {
                return Err(m.err(inst.op, "needs one operand per dimension"));
            }
            let bounds = inst
                .args
                .iter()
                .map(|&s| index_in(slots, s).map_err(|e| m.err(inst.op, e)))
                .collect::<LoopResult<Vec<i64>>>()?;
            let n: usize = shape.iter().product();
            let lanes = (0..n)
                .map(|i| {
                    let p = unravel(i, shape);
                    Scalar::bool(p.iter().zip(&bounds).all(|(&x, &b)| (x as i64) < b))
                })
                .collect();
            LoopValue::Vector(VectorValue::raw(ElemTy::Int(1), shape.clone(), lanes))
        }
        VecOp::Constant(v) => LoopValue::Vector(v.clone()),
        VecOp::Print { text, punct } => {
            // A string is written as it is, without punctuation (as MLIR lowers it).
            if let Some(t) = text {
                m.out.write(t);
                return Ok(());
            }
            let mut s = String::new();
            if let Some(&a) = inst.args.first() {
                match &slots[a as usize] {
                    LoopValue::Scalar(x) => s.push_str(&print_scalar(*x)),
                    LoopValue::Vector(v) => print_vector(v.lanes(), v.shape(), &mut s),
                    LoopValue::MemRef(r) => {
                        return Err(m.err(inst.op, format!("cannot print a {}", r.type_string())));
                    }
                }
            }
            s.push_str(match punct {
                Punct::NoPunctuation => "",
                Punct::Newline => "\n",
                Punct::Comma => ", ",
                Punct::Open => "( ",
                Punct::Close => " )",
            });
            m.out.write(&s);
            return Ok(());
        }
    };
    f.slots[inst.results[0] as usize] = result;
    Ok(())
}

/// The first lane and shape of the block at `position` in a vector of `shape`.
fn block_of(
    m: &Machine,
    inst: &Inst,
    slots: &[LoopValue],
    shape: &[usize],
    position: &[Pos],
) -> LoopResult<(usize, Vec<usize>)> {
    if position.len() > shape.len() {
        return Err(m.err(inst.op, "has more positions than its vector has dimensions"));
    }
    let strides = super::value::row_major(shape);
    let mut start = 0usize;
    for (d, p) in position.iter().enumerate() {
        let v = match *p {
            Pos::Static(v) => v,
            Pos::Slot(s) => index_in(slots, s).map_err(|e| m.err(inst.op, e))?,
        };
        if v < 0 || v as u64 >= shape[d] as u64 {
            return Err(m.err(
                inst.op,
                format!(
                    "position {v} is out of bounds of dimension {d} of size {}",
                    shape[d]
                ),
            ));
        }
        start += v as usize * strides[d] as usize;
    }
    Ok((start, shape[position.len()..].to_vec()))
}

/// The lane `extractelement`/`insertelement` address (none for 0-D).
fn element_position(
    m: &Machine,
    inst: &Inst,
    slots: &[LoopValue],
    v: &VectorValue,
    k: usize,
) -> LoopResult<usize> {
    if v.shape().len() > 1 {
        return Err(m.err(inst.op, "works on 0-D and 1-D vectors only"));
    }
    if inst.args.len() <= k {
        return if v.shape().is_empty() {
            Ok(0)
        } else {
            Err(m.err(inst.op, "needs a position for a 1-D vector"))
        };
    }
    let i = any_index(m, inst, slots, k)?;
    let n = v.lanes().len();
    if i < 0 || i as u64 >= n as u64 {
        return Err(m.err(
            inst.op,
            format!("position {i} is out of bounds of {}", v.type_string()),
        ));
    }
    Ok(i as usize)
}

/// A transfer: reads the lanes of a new vector (`value` `None`), or
/// writes `value` (and returns no lanes).
fn transfer(
    m: &Machine,
    inst: &Inst,
    slots: &[LoopValue],
    t: &Transfer,
    value: Option<&VectorValue>,
) -> LoopResult<Vec<Scalar>> {
    let k = if value.is_some() { 1 } else { 0 };
    let mem = memref_in(m, slots, inst, k)?;
    if mem.elem != t.elem {
        return Err(m.err(
            inst.op,
            "transfers vectors of another element type than the memref's",
        ));
    }
    if let Some(v) = value
        && v.shape() != t.shape.as_slice()
    {
        return Err(m.err(
            inst.op,
            format!("writes a {} of the wrong shape", v.type_string()),
        ));
    }
    let base = base_indices(m, inst, slots, t.indices.start, None, t.indices.len())?;
    let padding = match t.padding {
        Some(p) => {
            let s = scalar_slot(slots, inst.args[p]).map_err(|e| m.err(inst.op, e))?;
            if s.ty() != t.elem {
                return Err(m.err(
                    inst.op,
                    format!("has a {} padding for {} elements", s.ty(), t.elem),
                ));
            }
            Some(s)
        }
        None => None,
    };
    let mask = match t.mask {
        Some(k) => {
            let mv = vector_slot(m, inst, slots, k)?;
            let want: Vec<usize> = t.mask_order.iter().map(|&d| t.shape[d]).collect();
            if mv.shape() != want.as_slice() {
                return Err(m.err(
                    inst.op,
                    format!(
                        "has a {} mask; vector<{want:?}> is expected",
                        mv.type_string()
                    ),
                ));
            }
            Some(mv)
        }
        None => None,
    };
    let mask_strides =
        super::value::row_major(&t.mask_order.iter().map(|&d| t.shape[d]).collect::<Vec<_>>());
    let n: usize = t.shape.iter().product();
    let mut lanes = Vec::with_capacity(if value.is_none() { n } else { 0 });
    let mut idx = base.clone();
    for i in 0..n {
        let p = unravel(i, &t.shape);
        let on = match mask {
            None => true,
            Some(mv) => {
                let q: i64 = t
                    .mask_order
                    .iter()
                    .zip(&mask_strides)
                    .map(|(&d, &s)| p[d] as i64 * s)
                    .sum();
                mv.lanes()[q as usize].as_bool() == Some(true)
            }
        };
        // Where the lane is, and whether a dimension that may run out of
        // bounds does.
        idx.copy_from_slice(&base);
        let mut outside = false;
        for (d, &dim) in t.dims.iter().enumerate() {
            if let Some(j) = dim {
                idx[j] = idx[j].saturating_add(p[d] as i64);
                let inside = idx[j] >= 0 && (idx[j] as u64) < mem.sizes[j] as u64;
                if !inside && !t.in_bounds[d] {
                    outside = true;
                }
            }
        }
        let access = on && !outside;
        match value {
            None => {
                let lane = if access {
                    let pos = locate(m, inst, k, mem, idx.len(), |d| Ok(idx[d]))?;
                    read(m, inst, k, mem, pos)?
                } else {
                    padding.unwrap_or(Scalar::zero(t.elem))
                };
                lanes.push(lane);
            }
            Some(v) => {
                if access {
                    let pos = locate(m, inst, k, mem, idx.len(), |d| Ok(idx[d]))?;
                    write(m, inst, k, mem, pos, v.lanes()[i])?;
                }
            }
        }
    }
    Ok(lanes)
}

/// A scalar as MLIR's C runner prints it.
fn print_scalar(s: Scalar) -> String {
    match s {
        Scalar::Index(v) => (v as u64).to_string(),
        Scalar::Int { bits, width: 1 } => bits.to_string(),
        Scalar::Int { .. } => s.as_signed().unwrap_or(0).to_string(),
        _ => format_g(
            s.as_f64().unwrap_or(0.0),
            s.is_nan()
                && s.float_bits()
                    .is_some_and(|(k, b)| b >> (k.width() - 1) & 1 == 1),
        ),
    }
}

/// `( a, b )`, nested per dimension.
fn print_vector(lanes: &[Scalar], shape: &[usize], out: &mut String) {
    if shape.is_empty() {
        out.push_str("( ");
        out.push_str(&print_scalar(lanes[0]));
        out.push_str(" )");
        return;
    }
    let inner: usize = shape[1..].iter().product();
    out.push_str("( ");
    for i in 0..shape[0] {
        if i > 0 {
            out.push_str(", ");
        }
        if shape.len() == 1 {
            out.push_str(&print_scalar(lanes[i]));
        } else {
            print_vector(&lanes[i * inner..(i + 1) * inner], &shape[1..], out);
        }
    }
    out.push_str(" )");
}

/// C's `printf("%g", x)`: six significant digits, trailing zeros removed,
/// scientific notation when the exponent is below -4 or at least 6.
pub(crate) fn format_g(x: f64, negative_nan: bool) -> String {
    if x.is_nan() {
        return if negative_nan { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let strip = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if (-4..6).contains(&exp) {
        strip(&format!("{x:.*}", (5 - exp) as usize))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip(mantissa), exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::format_g;

    #[test]
    fn formats_like_c_percent_g() {
        let cases = [
            (1.5, "1.5"),
            (-2.0, "-2"),
            (0.1f32 as f64, "0.1"),
            (1e8, "1e+08"),
            (1e-10, "1e-10"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (999999.5, "1e+06"),
        ];
        for (x, want) in cases {
            assert_eq!(format_g(x, false), want, "{x}");
        }
    }
}
