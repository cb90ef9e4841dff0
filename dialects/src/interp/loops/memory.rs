//! `memref` ops: allocation, loads and stores, copies, globals and views
//! (`subview`, `cast`, `reinterpret_cast`, `expand_shape`,
//! `collapse_shape`), `dim` and `rank`; and the checked element access
//! every load and store (also `affine` and `vector` ones) goes through.
//!
//! An out-of-bounds index is an error naming the op, its location, the
//! memref type and the whole index; so is reading an element never
//! written, touching a freed buffer and writing a constant global.

use tessera_compiler::syntax::type_str;
use tessera_compiler::{AttrData, Context, DYNAMIC, OpId, Type};

use super::affine::{Slot, index_in};
use super::compile::Inst;
use super::error::{LoopError, LoopResult};
use super::exec::{Frame, Machine, scalar_in};
use super::value::{AccessError, LoopValue, MemRef, Origin};
use crate::interp::scalar::{ElemTy, Scalar};
use crate::memref::{memref_parts, operand_groups, strides_and_offset};

/// A size, offset or stride: static or in a slot.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Idx {
    Static(i64),
    Slot(Slot),
}

/// What a view's type promises: static sizes, strides and offset
/// ([`DYNAMIC`] where not).
#[derive(Clone, Debug)]
pub(crate) struct Expect {
    ty: Type,
    shape: Vec<i64>,
    strides: Vec<i64>,
    offset: i64,
}

/// Offsets, sizes and strides of a view op.
#[derive(Clone, Debug)]
pub(crate) struct ViewSpec {
    offsets: Vec<Idx>,
    sizes: Vec<Idx>,
    strides: Vec<Idx>,
    /// `subview`: which source dimensions the result keeps.
    keep: Vec<bool>,
    expect: Expect,
}

/// A compiled `memref` op.
#[derive(Clone, Debug)]
pub(crate) enum MemOp {
    /// `alloc`/`alloca`: operands are the `?` sizes (then layout symbols).
    Alloc {
        elem: ElemTy,
        shape: Vec<i64>,
        /// Strides and offset of a non-identity (static) layout.
        layout: Option<(Vec<i64>, i64)>,
        stack: bool,
    },
    Dealloc,
    Load,
    Store,
    Copy,
    GetGlobal(OpId, Expect),
    SubView(Box<ViewSpec>),
    ReinterpretCast(Box<ViewSpec>),
    Cast(Expect),
    Dim,
    Rank,
    /// `expand_shape`: per source dimension, the result dimensions it becomes.
    Expand {
        groups: Vec<Vec<usize>>,
        sizes: Vec<Idx>,
        expect: Expect,
    },
    /// `collapse_shape`: per result dimension, the source dimensions it merges.
    Collapse {
        groups: Vec<Vec<usize>>,
        expect: Expect,
    },
}

impl MemOp {
    /// How many results the op has.
    pub(crate) fn num_results(&self) -> usize {
        match self {
            MemOp::Dealloc | MemOp::Store | MemOp::Copy => 0,
            _ => 1,
        }
    }
}

// ----- element access ----------------------------------------------------------

/// The memref operand `k` of `inst`.
pub(crate) fn memref_in<'s>(
    m: &Machine,
    slots: &'s [LoopValue],
    inst: &Inst,
    k: usize,
) -> LoopResult<&'s MemRef> {
    match &slots[inst.args[k] as usize] {
        LoopValue::MemRef(r) => Ok(r),
        other => Err(m.err(
            inst.op,
            format!(
                "operand {k}: expects a memref, got a {}",
                other.type_string()
            ),
        )),
    }
}

/// The IR type of operand `k` of `inst` and, if it differs from what the
/// run-time view shows, the view's sizes.
fn describe(m: &Machine, inst: &Inst, k: usize, mem: &MemRef) -> String {
    let ctx = m.ctx;
    let Some(&v) = ctx.op(inst.op).operands.get(k) else {
        return mem.type_string();
    };
    let ty = type_str(ctx, ctx.value_type(v));
    let shown = mem.type_string();
    if ty.starts_with(&shown[..shown.len() - 1]) {
        ty
    } else {
        format!("{ty} (run-time sizes {:?})", mem.shape())
    }
}

/// The linear position of the element of `mem` (operand `k` of `inst`)
/// at the `rank` indices `idx(0)`, `idx(1)`, ...; an error naming the op,
/// type and index if it is out of bounds.
#[inline]
pub(crate) fn locate(
    m: &Machine,
    inst: &Inst,
    k: usize,
    mem: &MemRef,
    rank: usize,
    idx: impl Fn(usize) -> Result<i64, String>,
) -> LoopResult<i64> {
    if rank != mem.sizes.len() {
        return Err(m.err(
            inst.op,
            format!("indexes {} with {rank} indices", describe(m, inst, k, mem)),
        ));
    }
    let mut p = mem.offset;
    for d in 0..rank {
        let i = idx(d).map_err(|e| m.err(inst.op, e))?;
        if i < 0 || i as u64 >= mem.sizes[d] as u64 {
            let all: Vec<String> = (0..rank)
                .map(|d| idx(d).map_or("?".to_string(), |v| v.to_string()))
                .collect();
            return Err(m.err(
                inst.op,
                format!(
                    "index [{}] is out of bounds of {}",
                    all.join(", "),
                    describe(m, inst, k, mem)
                ),
            ));
        }
        p = i
            .checked_mul(mem.strides[d])
            .and_then(|o| p.checked_add(o))
            .unwrap_or(i64::MIN);
    }
    Ok(p)
}

/// The message for a failed access to `mem` (operand `k` of `inst`).
pub(crate) fn access_error(
    m: &Machine,
    inst: &Inst,
    k: usize,
    mem: &MemRef,
    e: AccessError,
) -> LoopError {
    m.err(
        inst.op,
        format!("{} ({})", e.describe(mem.elem), describe(m, inst, k, mem)),
    )
}

/// Reads the element at linear position `p` of `mem`.
#[inline]
pub(crate) fn read(m: &Machine, inst: &Inst, k: usize, mem: &MemRef, p: i64) -> LoopResult<Scalar> {
    mem.buf
        .borrow()
        .read(p)
        .map_err(|e| access_error(m, inst, k, mem, e))
}

/// Writes `v` at linear position `p` of `mem`.
#[inline]
pub(crate) fn write(
    m: &Machine,
    inst: &Inst,
    k: usize,
    mem: &MemRef,
    p: i64,
    v: Scalar,
) -> LoopResult<()> {
    mem.buf
        .borrow_mut()
        .write(p, v)
        .map_err(|e| access_error(m, inst, k, mem, e))
}

// ----- compiling -----------------------------------------------------------------

/// What the memref type `ty` promises about a view.
fn expect(ctx: &Context, op: OpId, ty: Type) -> LoopResult<Expect> {
    let parts = memref_parts(ctx, ty).ok_or_else(|| {
        LoopError::op(
            ctx,
            op,
            format!("expects a memref type, got {}", type_str(ctx, ty)),
        )
    })?;
    let (strides, offset) = strides_and_offset(ctx, ty).ok_or_else(|| {
        LoopError::op(
            ctx,
            op,
            format!(
                "has a memref layout the interpreter cannot read: {}",
                type_str(ctx, ty)
            ),
        )
    })?;
    Ok(Expect {
        ty,
        shape: parts.shape.to_vec(),
        strides,
        offset,
    })
}

/// The expectation for result `i` of `op`.
fn result_expect(ctx: &Context, op: OpId, i: usize) -> LoopResult<Expect> {
    let r = ctx
        .op(op)
        .results
        .get(i)
        .ok_or_else(|| LoopError::op(ctx, op, "is missing its result"))?;
    expect(ctx, op, ctx.value_type(*r))
}

/// Static values with `DYNAMIC` entries taken from `dynamic`, in order.
fn mixed(ctx: &Context, op: OpId, name: &str, dynamic: &[Slot]) -> LoopResult<Vec<Idx>> {
    let statics = ctx
        .attr_data_of(op, name)
        .and_then(AttrData::as_int_array)
        .ok_or_else(|| LoopError::op(ctx, op, format!("has no '{name}' array")))?;
    let mut it = dynamic.iter();
    let out = statics
        .iter()
        .map(|&s| {
            if s == DYNAMIC {
                it.next().map(|&v| Idx::Slot(v))
            } else {
                Some(Idx::Static(s))
            }
        })
        .collect::<Option<Vec<_>>>();
    match out {
        Some(v) if it.next().is_none() => Ok(v),
        _ => Err(LoopError::op(
            ctx,
            op,
            format!("has dynamic '{name}' entries that do not match its operands"),
        )),
    }
}

/// Which of `sizes` a rank-reducing subview of result shape `result` keeps
/// (dropping size-1 dimensions, first match wins, as MLIR does).
fn keep_mask(sizes: &[Idx], result: &[i64]) -> Option<Vec<bool>> {
    let mut keep = Vec::with_capacity(sizes.len());
    let mut j = 0;
    for (i, s) in sizes.iter().enumerate() {
        let s = match s {
            Idx::Static(v) => *v,
            Idx::Slot(_) => DYNAMIC,
        };
        let must_keep = sizes.len() - i == result.len() - j;
        let fits = j < result.len() && (s == result[j] || s == DYNAMIC || result[j] == DYNAMIC);
        if fits && (must_keep || s != 1 || result[j] == 1) {
            keep.push(true);
            j += 1;
        } else if s == 1 && !must_keep {
            keep.push(false);
        } else {
            return None;
        }
    }
    (j == result.len()).then_some(keep)
}

/// The `reassociation` groups of a reshape.
fn reassociation(ctx: &Context, op: OpId) -> LoopResult<Vec<Vec<usize>>> {
    let bad = || LoopError::op(ctx, op, "has no valid 'reassociation' attribute");
    let AttrData::Array(groups) = ctx.attr_data_of(op, "reassociation").ok_or_else(bad)? else {
        return Err(bad());
    };
    groups
        .iter()
        .map(|&g| match ctx.attr_data(g) {
            AttrData::Array(items) => items
                .iter()
                .map(|&i| {
                    ctx.attr_data(i)
                        .as_int()
                        .and_then(|v| usize::try_from(v).ok())
                })
                .collect::<Option<Vec<usize>>>()
                .ok_or_else(bad),
            AttrData::DenseArray { .. } => ctx
                .attr_data(g)
                .as_int_array()
                .and_then(|v| v.iter().map(|&x| usize::try_from(x).ok()).collect())
                .ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
}

/// Compiles `op` if it is a `memref` op the interpreter runs.
pub(crate) fn compile(
    ctx: &Context,
    module: OpId,
    op: OpId,
    args: &[Slot],
) -> LoopResult<Option<MemOp>> {
    let name = ctx.op_name_of(op);
    let err = |m: &str| LoopError::op(ctx, op, m);
    let need = |n: usize| -> LoopResult<()> {
        if args.len() < n {
            Err(LoopError::op(
                ctx,
                op,
                format!("needs at least {n} operands"),
            ))
        } else {
            Ok(())
        }
    };
    let one_result = || -> LoopResult<()> {
        if ctx.op(op).results.len() == 1 {
            Ok(())
        } else {
            Err(LoopError::op(ctx, op, "must have one result"))
        }
    };
    Ok(Some(match name {
        "memref.alloc" | "memref.alloca" => {
            let a = crate::memref::Alloc::view(ctx, op)
                .ok_or_else(|| err("is malformed (operand segments or result)"))?;
            let parts = memref_parts(ctx, a.ty).ok_or_else(|| err("does not make a memref"))?;
            let elem = ElemTy::of(ctx, parts.elem)
                .ok_or_else(|| err("allocates elements of a type the interpreter cannot hold"))?;
            let shape = parts.shape.to_vec();
            let dynamic = shape.iter().filter(|&&d| d == DYNAMIC).count();
            if dynamic != a.dynamic_sizes.len() {
                return Err(err("needs one size operand per '?' dimension"));
            }
            let layout = match parts.layout {
                None => None,
                Some(_) => {
                    let (strides, offset) = strides_and_offset(ctx, a.ty)
                        .ok_or_else(|| err("has a layout the interpreter cannot read"))?;
                    let row = crate::memref::row_major_strides(&shape);
                    if strides == row && offset == 0 {
                        None
                    } else if strides.contains(&DYNAMIC) || offset == DYNAMIC {
                        return Err(err("allocates with a layout that is not static"));
                    } else {
                        Some((strides, offset))
                    }
                }
            };
            MemOp::Alloc {
                elem,
                shape,
                layout,
                stack: a.on_stack,
            }
        }
        "memref.dealloc" => {
            need(1)?;
            MemOp::Dealloc
        }
        "memref.load" => {
            need(1)?;
            one_result()?;
            MemOp::Load
        }
        "memref.store" => {
            need(2)?;
            MemOp::Store
        }
        "memref.copy" => {
            need(2)?;
            MemOp::Copy
        }
        "memref.get_global" => {
            one_result()?;
            let sym = match ctx.attr_data_of(op, "name") {
                Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                    ctx.symbol_str(*root)
                }
                _ => return Err(err("has no flat 'name' symbol reference")),
            };
            let g = ctx
                .lookup_symbol_in(module, sym)
                .filter(|&g| ctx.op_is(g, "memref.global"))
                .ok_or_else(|| {
                    LoopError::op(
                        ctx,
                        op,
                        format!("refers to @{sym}, which is not a memref.global of the module"),
                    )
                })?;
            MemOp::GetGlobal(g, result_expect(ctx, op, 0)?)
        }
        "memref.subview" => {
            let v = crate::memref::SubView::view(ctx, op)
                .ok_or_else(|| err("is malformed (segments or static lists)"))?;
            let groups = operand_groups(ctx, op, 4).ok_or_else(|| err("is malformed"))?;
            // Slots of the dynamic entries, in operand order.
            let mut rest = &args[1..];
            let mut take = |n: usize| {
                let (a, b) = rest.split_at(n.min(rest.len()));
                rest = b;
                a.to_vec()
            };
            let (o, s, t) = (
                take(groups[1].len()),
                take(groups[2].len()),
                take(groups[3].len()),
            );
            let offsets = mixed(ctx, op, "static_offsets", &o)?;
            let sizes = mixed(ctx, op, "static_sizes", &s)?;
            let strides = mixed(ctx, op, "static_strides", &t)?;
            if offsets.len() != v.offsets.len()
                || sizes.len() != strides.len()
                || offsets.len() != sizes.len()
            {
                return Err(err(
                    "has offset, size and stride lists of different lengths",
                ));
            }
            let expect = result_expect(ctx, op, 0)?;
            let keep = keep_mask(&sizes, &expect.shape)
                .ok_or_else(|| err("has a result type that does not match its sizes"))?;
            MemOp::SubView(Box::new(ViewSpec {
                offsets,
                sizes,
                strides,
                keep,
                expect,
            }))
        }
        "memref.reinterpret_cast" => {
            need(1)?;
            let groups = operand_groups(ctx, op, 4).ok_or_else(|| err("is malformed"))?;
            let mut rest = &args[1..];
            let mut take = |n: usize| {
                let (a, b) = rest.split_at(n.min(rest.len()));
                rest = b;
                a.to_vec()
            };
            let (o, s, t) = (
                take(groups[1].len()),
                take(groups[2].len()),
                take(groups[3].len()),
            );
            let offsets = mixed(ctx, op, "static_offsets", &o)?;
            let sizes = mixed(ctx, op, "static_sizes", &s)?;
            let strides = mixed(ctx, op, "static_strides", &t)?;
            if offsets.len() != 1 || sizes.len() != strides.len() {
                return Err(err("needs one offset and as many sizes as strides"));
            }
            let keep = vec![true; sizes.len()];
            MemOp::ReinterpretCast(Box::new(ViewSpec {
                offsets,
                sizes,
                strides,
                keep,
                expect: result_expect(ctx, op, 0)?,
            }))
        }
        "memref.cast" => {
            need(1)?;
            MemOp::Cast(result_expect(ctx, op, 0)?)
        }
        "memref.dim" => {
            need(2)?;
            one_result()?;
            MemOp::Dim
        }
        "memref.rank" => {
            need(1)?;
            one_result()?;
            MemOp::Rank
        }
        "memref.expand_shape" => {
            need(1)?;
            let expect = result_expect(ctx, op, 0)?;
            let groups = reassociation(ctx, op)?;
            let sizes = match ctx.attr(op, "static_output_shape") {
                Some(_) => mixed(ctx, op, "static_output_shape", &args[1..])?,
                None => expect.shape.iter().map(|&d| Idx::Static(d)).collect(),
            };
            if sizes.len() != expect.shape.len() {
                return Err(err("has an output shape of the wrong rank"));
            }
            MemOp::Expand {
                groups,
                sizes,
                expect,
            }
        }
        "memref.collapse_shape" => {
            need(1)?;
            MemOp::Collapse {
                groups: reassociation(ctx, op)?,
                expect: result_expect(ctx, op, 0)?,
            }
        }
        _ => return Ok(None),
    }))
}

// ----- running ---------------------------------------------------------------------

/// The value of `i` (an `index` in a slot must be one).
fn idx_value(slots: &[LoopValue], i: Idx) -> Result<i64, String> {
    match i {
        Idx::Static(v) => Ok(v),
        Idx::Slot(s) => index_in(slots, s),
    }
}

/// Checks a new view against its type.
fn check_view(m: &Machine, inst: &Inst, view: &MemRef, e: &Expect) -> LoopResult<()> {
    let dyn_ok = |want: i64, have: i64| want == DYNAMIC || want == have;
    let ok = e.shape.len() == view.sizes.len()
        && e.shape
            .iter()
            .zip(&view.sizes)
            .all(|(&w, &h)| dyn_ok(w, h as i64))
        && dyn_ok(e.offset, view.offset)
        && e.strides
            .iter()
            .zip(&view.strides)
            .zip(&view.sizes)
            .all(|((&w, &h), &n)| n <= 1 || dyn_ok(w, h));
    if ok {
        Ok(())
    } else {
        Err(m.err(
            inst.op,
            format!(
                "makes a view of sizes {:?}, strides {:?} and offset {}, which is not a {}",
                view.sizes,
                view.strides,
                view.offset,
                type_str(m.ctx, e.ty)
            ),
        ))
    }
}

/// A non-negative size from a slot or constant.
fn size_value(m: &Machine, inst: &Inst, slots: &[LoopValue], i: Idx) -> LoopResult<usize> {
    let v = idx_value(slots, i).map_err(|e| m.err(inst.op, e))?;
    usize::try_from(v).map_err(|_| m.err(inst.op, format!("has a negative size {v}")))
}

/// Runs a `memref` op.
pub(crate) fn exec(m: &mut Machine, f: &mut Frame, inst: &Inst, op: &MemOp) -> LoopResult<()> {
    let result = match op {
        MemOp::Load => {
            let slots = &f.slots;
            let mem = memref_in(m, slots, inst, 0)?;
            let idx = &inst.args[1..];
            let p = locate(m, inst, 0, mem, idx.len(), |d| index_in(slots, idx[d]))?;
            LoopValue::Scalar(read(m, inst, 0, mem, p)?)
        }
        MemOp::Store => {
            let slots = &f.slots;
            let v = scalar_in(m, slots, inst, 0)?;
            let mem = memref_in(m, slots, inst, 1)?;
            let idx = &inst.args[2..];
            let p = locate(m, inst, 1, mem, idx.len(), |d| index_in(slots, idx[d]))?;
            return write(m, inst, 1, mem, p, v);
        }
        MemOp::Alloc {
            elem,
            shape,
            layout,
            stack,
        } => {
            let mut dynamic = inst.args.iter();
            let mut sizes = Vec::with_capacity(shape.len());
            for &d in shape {
                let s = if d == DYNAMIC {
                    let slot = *dynamic
                        .next()
                        .ok_or_else(|| m.err(inst.op, "is missing a size"))?;
                    size_value(m, inst, &f.slots, Idx::Slot(slot))?
                } else {
                    usize::try_from(d).map_err(|_| m.err(inst.op, "has a negative size"))?
                };
                sizes.push(s);
            }
            let origin = if *stack { Origin::Stack } else { Origin::Heap };
            let mem = match layout {
                None => MemRef::fresh(*elem, &sizes, false, origin),
                Some((strides, offset)) => {
                    // The buffer spans every position the layout reaches.
                    let mut len = offset.saturating_add(1);
                    for (&n, &s) in sizes.iter().zip(strides) {
                        len = len.saturating_add((n as i64 - 1).max(0).saturating_mul(s.max(0)));
                    }
                    let len = if sizes.contains(&0) {
                        0
                    } else {
                        len.max(0) as usize
                    };
                    MemRef::fresh(*elem, &[len], false, origin).map(|b| MemRef {
                        sizes: sizes.clone(),
                        strides: strides.clone(),
                        offset: *offset,
                        ..b
                    })
                }
            }
            .map_err(|e| m.err(inst.op, e))?;
            if *stack {
                f.stack.push(mem.clone());
            }
            LoopValue::MemRef(mem)
        }
        MemOp::Dealloc => {
            let mem = memref_in(m, &f.slots, inst, 0)?;
            let mut b = mem.buf.borrow_mut();
            if b.origin != Origin::Heap {
                return Err(m.err(
                    inst.op,
                    format!(
                        "frees {}, which memref.alloc did not make",
                        describe(m, inst, 0, mem)
                    ),
                ));
            }
            if !b.free() {
                return Err(m.err(inst.op, "frees a buffer that was already freed"));
            }
            return Ok(());
        }
        MemOp::Copy => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let dst = memref_in(m, &f.slots, inst, 1)?;
            if src.sizes != dst.sizes || src.elem != dst.elem {
                return Err(m.err(
                    inst.op,
                    format!(
                        "copies a {} into a {}",
                        src.type_string(),
                        dst.type_string()
                    ),
                ));
            }
            let mut values = Vec::with_capacity(src.num_elements());
            let mut failure = None;
            {
                let b = src.buf.borrow();
                super::value::for_each_position(src.offset, &src.sizes, &src.strides, |p| match b
                    .read_any(p)
                {
                    Ok(v) => values.push(v),
                    Err(e) => failure = failure.take().or(Some(e)),
                });
            }
            if let Some(e) = failure {
                return Err(access_error(m, inst, 0, src, e));
            }
            let mut b = dst.buf.borrow_mut();
            let mut it = values.into_iter();
            let mut failure = None;
            super::value::for_each_position(dst.offset, &dst.sizes, &dst.strides, |p| {
                if let Some((v, init)) = it.next()
                    && failure.is_none()
                    && let Err(e) = b.write_any(p, v, init)
                {
                    failure = Some(e);
                }
            });
            drop(b);
            if let Some(e) = failure {
                return Err(access_error(m, inst, 1, dst, e));
            }
            return Ok(());
        }
        MemOp::GetGlobal(g, e) => {
            let mem = m.global(*g, inst.op)?;
            check_view(m, inst, &mem, e)?;
            LoopValue::MemRef(mem)
        }
        MemOp::SubView(v) => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let view = subview(m, inst, &f.slots, src, v)?;
            check_view(m, inst, &view, &v.expect)?;
            LoopValue::MemRef(view)
        }
        MemOp::ReinterpretCast(v) => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let val = |i: Idx| idx_value(&f.slots, i).map_err(|e| m.err(inst.op, e));
            let offset = val(v.offsets[0])?;
            let mut sizes = Vec::with_capacity(v.sizes.len());
            let mut strides = Vec::with_capacity(v.sizes.len());
            for (&s, &t) in v.sizes.iter().zip(&v.strides) {
                sizes.push(size_value(m, inst, &f.slots, s)?);
                strides.push(val(t)?);
            }
            let view = MemRef {
                buf: src.buf.clone(),
                elem: src.elem,
                offset,
                sizes,
                strides,
            };
            check_view(m, inst, &view, &v.expect)?;
            LoopValue::MemRef(view)
        }
        MemOp::Cast(e) => {
            let src = memref_in(m, &f.slots, inst, 0)?.clone();
            check_view(m, inst, &src, e)?;
            LoopValue::MemRef(src)
        }
        MemOp::Dim => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let d = index_in(&f.slots, inst.args[1]).map_err(|e| m.err(inst.op, e))?;
            let n = usize::try_from(d)
                .ok()
                .and_then(|d| src.sizes.get(d))
                .ok_or_else(|| {
                    m.err(
                        inst.op,
                        format!("asks for dimension {d} of {}", describe(m, inst, 0, src)),
                    )
                })?;
            LoopValue::index(*n as i64)
        }
        MemOp::Rank => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            LoopValue::index(src.sizes.len() as i64)
        }
        MemOp::Expand {
            groups,
            sizes,
            expect,
        } => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let sizes = sizes
                .iter()
                .map(|&s| size_value(m, inst, &f.slots, s))
                .collect::<LoopResult<Vec<_>>>()?;
            let view = expand(src, groups, &sizes).map_err(|e| m.err(inst.op, e))?;
            check_view(m, inst, &view, expect)?;
            LoopValue::MemRef(view)
        }
        MemOp::Collapse { groups, expect } => {
            let src = memref_in(m, &f.slots, inst, 0)?;
            let view = collapse(src, groups).map_err(|e| m.err(inst.op, e))?;
            check_view(m, inst, &view, expect)?;
            LoopValue::MemRef(view)
        }
    };
    f.slots[inst.results[0] as usize] = result;
    Ok(())
}

/// The view `v` makes of `src`.
fn subview(
    m: &Machine,
    inst: &Inst,
    slots: &[LoopValue],
    src: &MemRef,
    v: &ViewSpec,
) -> LoopResult<MemRef> {
    let rank = src.sizes.len();
    if v.offsets.len() != rank {
        return Err(m.err(
            inst.op,
            format!(
                "has {} offsets for {}",
                v.offsets.len(),
                describe(m, inst, 0, src)
            ),
        ));
    }
    let val = |i: Idx| idx_value(slots, i).map_err(|e| m.err(inst.op, e));
    let mut offset = src.offset;
    let mut sizes = Vec::with_capacity(rank);
    let mut strides = Vec::with_capacity(rank);
    let mut spec = Vec::with_capacity(rank);
    for d in 0..rank {
        spec.push((val(v.offsets[d])?, val(v.sizes[d])?, val(v.strides[d])?));
    }
    for (d, &(o, n, s)) in spec.iter().enumerate() {
        let last = (n - 1).checked_mul(s).and_then(|x| x.checked_add(o));
        let inside = |x: i64| x >= 0 && (x as u64) < src.sizes[d] as u64;
        let ok = n >= 0 && (n == 0 || last.is_some_and(|l| inside(o) && inside(l)));
        if !ok {
            let show = |k: usize| {
                spec.iter()
                    .map(|t| [t.0, t.1, t.2][k].to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(m.err(
                inst.op,
                format!(
                    "takes offsets [{}], sizes [{}], strides [{}], which do not fit in {}",
                    show(0),
                    show(1),
                    show(2),
                    describe(m, inst, 0, src)
                ),
            ));
        }
        if n > 0 {
            offset = o
                .checked_mul(src.strides[d])
                .and_then(|x| x.checked_add(offset))
                .ok_or_else(|| m.err(inst.op, "computes an offset that overflows"))?;
        }
        if v.keep[d] {
            sizes.push(n as usize);
            strides.push(src.strides[d].saturating_mul(s));
        } else if n != 1 {
            return Err(m.err(
                inst.op,
                format!("drops dimension {d}, whose size {n} is not 1"),
            ));
        }
    }
    Ok(MemRef {
        buf: src.buf.clone(),
        elem: src.elem,
        offset,
        sizes,
        strides,
    })
}

/// `expand_shape`: source dimension `d` becomes result dimensions `groups[d]`.
fn expand(src: &MemRef, groups: &[Vec<usize>], sizes: &[usize]) -> Result<MemRef, String> {
    if groups.len() != src.sizes.len() {
        return Err("has a reassociation that does not cover the source".to_string());
    }
    let mut strides = vec![0i64; sizes.len()];
    let mut seen = 0;
    for (d, g) in groups.iter().enumerate() {
        if g.iter().enumerate().any(|(k, &r)| r != seen + k) || g.is_empty() {
            return Err("has a reassociation that is not in order".to_string());
        }
        seen += g.len();
        if g.last().is_some_and(|&l| l >= sizes.len()) {
            return Err("has a reassociation past the result rank".to_string());
        }
        let product: usize = g.iter().map(|&r| sizes[r]).product();
        if product != src.sizes[d] {
            return Err(format!(
                "expands dimension {d} of size {} into sizes {:?}",
                src.sizes[d],
                g.iter().map(|&r| sizes[r]).collect::<Vec<_>>()
            ));
        }
        let mut acc = src.strides[d];
        for &r in g.iter().rev() {
            strides[r] = acc;
            acc = acc.saturating_mul(sizes[r] as i64);
        }
    }
    if seen != sizes.len() {
        return Err("has a reassociation that does not cover the result".to_string());
    }
    Ok(MemRef {
        buf: src.buf.clone(),
        elem: src.elem,
        offset: src.offset,
        sizes: sizes.to_vec(),
        strides,
    })
}

/// `collapse_shape`: result dimension `r` merges source dimensions `groups[r]`.
fn collapse(src: &MemRef, groups: &[Vec<usize>]) -> Result<MemRef, String> {
    let mut sizes = Vec::with_capacity(groups.len());
    let mut strides = Vec::with_capacity(groups.len());
    let mut seen = 0;
    for g in groups {
        if g.is_empty() || g.iter().enumerate().any(|(k, &d)| d != seen + k) {
            return Err("has a reassociation that is not in order".to_string());
        }
        seen += g.len();
        if g.last().is_some_and(|&l| l >= src.sizes.len()) {
            return Err("has a reassociation past the source rank".to_string());
        }
        let size: usize = g.iter().map(|&d| src.sizes[d]).product();
        // Dimensions of size 1 do not constrain contiguity.
        let real: Vec<usize> = g.iter().copied().filter(|&d| src.sizes[d] != 1).collect();
        for w in real.windows(2) {
            let (a, b) = (w[0], w[1]);
            if src.strides[a] != src.strides[b].saturating_mul(src.sizes[b] as i64) {
                return Err(format!(
                    "collapses dimensions {g:?}, which are not contiguous (strides {:?})",
                    src.strides
                ));
            }
        }
        sizes.push(size);
        strides.push(real.last().map_or(1, |&d| src.strides[d]));
    }
    if seen != src.sizes.len() {
        return Err("has a reassociation that does not cover the source".to_string());
    }
    Ok(MemRef {
        buf: src.buf.clone(),
        elem: src.elem,
        offset: src.offset,
        sizes,
        strides,
    })
}
