//! `vector.transfer_read` and `vector.transfer_write` on memrefs.
//!
//! Along a minor-identity map onto a memref with unit innermost stride a
//! transfer goes row by row: a plain load or store where every lane is
//! known to be in bounds and no mask is given, else `llvm.masked.load` /
//! `store` with the in-bounds test and the mask per lane. Any other map
//! (transposes, broadcast dimensions) or stride computes one address per
//! lane and uses `llvm.masked.gather` / `scatter`, so lanes out of bounds
//! or masked off are never touched; read lanes take the padding.

use inkwell::IntPredicate;
use inkwell::types::{BasicTypeEnum, VectorType};
use inkwell::values::{BasicValueEnum, IntValue, VectorValue};
use tessera_compiler::{OpId, Type};
use tessera_dialects::vector::{Transfer, transfer_dims};

use super::BackendError;
use super::translate::{MemRefVal, R, Translator};
use super::types::MemRefInfo;
use super::vector::{Rows, coordinates, memory_vector_type, strides_of, vector_of};

/// What a transfer lane reads or writes: its memref indices and whether
/// it is on (in bounds and unmasked).
struct TransferPlan<'ctx> {
    /// The transfer's view facts.
    dims: Vec<Option<usize>>,
    shape: Vec<i64>,
    in_bounds: Vec<bool>,
    base: Vec<IntValue<'ctx>>,
    mask: Option<VectorValue<'ctx>>,
    mask_shape: Vec<i64>,
    /// The vector dimensions in mask order (source-dimension order).
    mask_dims: Vec<usize>,
}

impl<'ctx> TransferPlan<'ctx> {
    /// The mask lane of vector coordinate `c`.
    fn mask_lane(&self, c: &[i64]) -> u32 {
        let st = strides_of(&self.mask_shape);
        self.mask_dims
            .iter()
            .enumerate()
            .map(|(k, &vd)| c[vd] * st[k])
            .sum::<i64>() as u32
    }

    /// Whether the transfer can go row by row: a minor-identity map of
    /// rank at least one onto a memref with unit innermost stride.
    fn by_rows(&self, info: &MemRefInfo) -> bool {
        let (k, rank) = (self.shape.len(), self.base.len());
        k >= 1
            && k <= rank
            && self
                .dims
                .iter()
                .enumerate()
                .all(|(i, d)| *d == Some(rank - k + i))
            && info.strides.last() == Some(&1)
    }
}

/// Translates a `vector.transfer_read` or `vector.transfer_write`.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let x = Transfer::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let src_ty: Type = ir.value_type(x.source);
    let m = t.memref(x.source, op)?;
    let info = t.memref_info(src_ty, op)?;
    let base = x
        .indices
        .iter()
        .map(|&v| t.int(v, op))
        .collect::<R<Vec<_>>>()?;
    let vec_v = x
        .vector
        .or(x.result)
        .ok_or_else(|| t.err(op, "is malformed"))?;
    let shape = t.shape_of(vec_v, op)?;
    let dims = transfer_dims(x.map)
        .ok_or_else(|| t.err(op, "has a map that is not a projected permutation"))?;
    if dims.len() != shape.len() || base.len() != info.rank() {
        return Err(t.err(op, "has a map, vector and indices that disagree"));
    }
    let mut mask_dims: Vec<usize> = (0..shape.len()).filter(|&i| dims[i].is_some()).collect();
    mask_dims.sort_by_key(|&i| dims[i]);
    let mask_shape: Vec<i64> = mask_dims.iter().map(|&i| shape[i]).collect();
    let mask = match x.mask {
        Some(mv) => Some(t.vector(mv, op)?),
        None => None,
    };
    let in_bounds = if x.in_bounds.len() == shape.len() {
        x.in_bounds.clone()
    } else {
        vec![false; shape.len()]
    };
    let plan = TransferPlan {
        dims,
        shape,
        in_bounds,
        base,
        mask,
        mask_shape,
        mask_dims,
    };
    let vt = match t.llvm_type(ir.value_type(vec_v), op)? {
        BasicTypeEnum::VectorType(vt) => vt,
        _ => return Err(t.err(op, "expects a vector type")),
    };
    let elem = vt.get_element_type();
    match (x.padding, x.vector) {
        (Some(pad), None) => {
            let pad = t.basic(pad, op)?;
            let v = if plan.by_rows(&info) {
                read_rows(t, &plan, &m, vt, pad)?
            } else {
                read_lanes(t, &plan, &m, vt, pad)?
            };
            let result = x.result.ok_or_else(|| t.err(op, "has no result"))?;
            t.set_basic(result, v);
        }
        (None, Some(v)) => {
            if x.result.is_some() {
                return Err(t.err(
                    op,
                    "writes to a tensor, which the LLVM backend does not support",
                ));
            }
            if plan.dims.iter().any(Option::is_none) {
                return Err(t.err(op, "writes through a broadcast map"));
            }
            let v = t.vector(v, op)?;
            if plan.by_rows(&info) {
                write_rows(t, &plan, &m, v)?;
            } else {
                write_lanes(t, &plan, &m, v, elem)?;
            }
        }
        _ => return Err(t.err(op, "is malformed")),
    }
    Ok(())
}

/// The `<len x i1>` mask of a row whose first element is at `row_idx`:
/// in bounds (where not known to be) and on in the user's mask.
/// `None` when every lane is statically on.
fn row_mask<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    row_idx: &[IntValue<'ctx>],
    r: u32,
    rows: &Rows,
) -> R<Option<VectorValue<'ctx>>> {
    let k = plan.shape.len();
    let rank = plan.base.len();
    let mut on: Option<BasicValueEnum> = None;
    let and =
        |a: Option<BasicValueEnum<'ctx>>, b: BasicValueEnum<'ctx>| -> R<BasicValueEnum<'ctx>> {
            Ok(match a {
                None => b,
                Some(a) => {
                    t.b.build_binop(inkwell::values::InstructionOpcode::And, a, b, "")?
                }
            })
        };
    // Outer dimensions: the whole row is on or off.
    let mut row_on: Option<BasicValueEnum> = None;
    for i in 0..k - 1 {
        if !plan.in_bounds[i] {
            let d = rank - k + i;
            let c = t.icmp(IntPredicate::SLT, row_idx[d].into(), m.sizes[d].into())?;
            row_on = Some(and(row_on, c)?);
        }
    }
    if let Some(c) = row_on {
        on = Some(t.splat(c, rows.len)?.into());
    }
    // The innermost dimension: lane by lane.
    if !plan.in_bounds[k - 1] {
        let start = t.splat(row_idx[rank - 1].into(), rows.len)?;
        let lanes = t.i64_lanes(0..rows.len as i64);
        let idx = t.b.build_int_add(start, lanes, "")?;
        let bound = t.splat(m.sizes[rank - 1].into(), rows.len)?;
        let c = t.icmp(IntPredicate::SLT, idx.into(), bound.into())?;
        on = Some(and(on, c)?);
    }
    if let Some(mask) = plan.mask {
        // A minor-identity map: the mask has the vector's shape.
        let part = t.slice(mask, r * rows.len, rows.len)?;
        on = Some(and(on, part.into())?);
    }
    Ok(on.map(|v| v.into_vector_value()))
}

fn read_rows<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    vt: VectorType<'ctx>,
    pad: BasicValueEnum<'ctx>,
) -> R<VectorValue<'ctx>> {
    let rows = Rows::new(&plan.shape, plan.base.len());
    let row_t = vector_of(vt.get_element_type(), rows.len)?;
    let mut acc = vt.get_poison();
    for r in 0..rows.count {
        let row_idx = rows.indices(t, &plan.base, r)?;
        let p = t.lane_ptr(m, &row_idx, vt.get_element_type())?;
        let part = match row_mask(t, plan, m, &row_idx, r, &rows)? {
            None => t.load_vector(row_t, p)?,
            Some(mask) => {
                let pass = t.splat(pad, rows.len)?;
                t.masked_load(row_t, p, mask, pass)?
            }
        };
        acc = t.put_slice(acc, part, r * rows.len)?;
    }
    Ok(acc)
}

fn write_rows<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    v: VectorValue<'ctx>,
) -> R<()> {
    let rows = Rows::new(&plan.shape, plan.base.len());
    for r in 0..rows.count {
        let row_idx = rows.indices(t, &plan.base, r)?;
        let p = t.lane_ptr(m, &row_idx, v.get_type().get_element_type())?;
        let part = t.slice(v, r * rows.len, rows.len)?;
        match row_mask(t, plan, m, &row_idx, r, &rows)? {
            None => t.store_vector(part, p)?,
            Some(mask) => t.masked_store(part, p, mask)?,
        }
    }
    Ok(())
}

/// Per lane: its pointer and whether it is on; `None` for the mask when
/// every lane is statically on.
fn lanes<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    elem: BasicTypeEnum<'ctx>,
) -> R<(VectorValue<'ctx>, Option<VectorValue<'ctx>>)> {
    let n: i64 = plan.shape.iter().product();
    let n = n.max(1) as u32;
    let mut ptrs = vector_of(t.ptr_type().into(), n)?.get_poison();
    let mut on = t.all_true(n);
    let mut any_check = false;
    for (f, c) in coordinates(&plan.shape).enumerate() {
        let mut idx = plan.base.clone();
        let mut lane_on: Option<IntValue> = None;
        for (i, d) in plan.dims.iter().enumerate() {
            let Some(d) = *d else { continue };
            if c[i] != 0 {
                idx[d] = t.b.build_int_add(idx[d], t.i64c(c[i]), "")?;
            }
            if !plan.in_bounds[i] {
                let ok =
                    t.b.build_int_compare(IntPredicate::SLT, idx[d], m.sizes[d], "")?;
                lane_on = Some(match lane_on {
                    None => ok,
                    Some(a) => t.b.build_and(a, ok, "")?,
                });
            }
        }
        if let Some(mask) = plan.mask {
            let bit =
                t.b.build_extract_element(mask, t.i32c(plan.mask_lane(&c) as u64), "")?
                    .into_int_value();
            lane_on = Some(match lane_on {
                None => bit,
                Some(a) => t.b.build_and(a, bit, "")?,
            });
        }
        let p = t.lane_ptr(m, &idx, elem)?;
        let lane = t.i32c(f as u64);
        ptrs = t.b.build_insert_element(ptrs, p, lane, "")?;
        if let Some(b) = lane_on {
            on = t.b.build_insert_element(on, b, lane, "")?;
            any_check = true;
        }
    }
    Ok((ptrs, any_check.then_some(on)))
}

fn read_lanes<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    vt: VectorType<'ctx>,
    pad: BasicValueEnum<'ctx>,
) -> R<VectorValue<'ctx>> {
    let elem = vt.get_element_type();
    let (ptrs, on) = lanes(t, plan, m, elem)?;
    let n = vt.get_size();
    let mask = on.unwrap_or_else(|| t.all_true(n));
    let mem = memory_vector_type(t.llcx, vt);
    let pass = t.splat(pad, n)?;
    let pass = if mem != vt {
        t.b.build_int_z_extend(pass, mem, "")?
    } else {
        pass
    };
    let align = t.llcx.i32_type().const_int(t.elem_align(vt) as u64, false);
    let v = t
        .intrinsic(
            "llvm.masked.gather",
            &[mem.into(), ptrs.get_type().into()],
            &[ptrs.into(), align.into(), mask.into(), pass.into()],
        )?
        .into_vector_value();
    if mem != vt {
        return Ok(t.b.build_int_truncate(v, vt, "")?);
    }
    Ok(v)
}

fn write_lanes<'ctx>(
    t: &Translator<'_, 'ctx>,
    plan: &TransferPlan<'ctx>,
    m: &MemRefVal<'ctx>,
    v: VectorValue<'ctx>,
    elem: BasicTypeEnum<'ctx>,
) -> R<()> {
    let (ptrs, on) = lanes(t, plan, m, elem)?;
    let vt = v.get_type();
    let mask = on.unwrap_or_else(|| t.all_true(vt.get_size()));
    let mem = memory_vector_type(t.llcx, vt);
    let v = if mem != vt {
        t.b.build_int_z_extend(v, mem, "")?
    } else {
        v
    };
    let align = t.llcx.i32_type().const_int(t.elem_align(vt) as u64, false);
    let decl = inkwell::intrinsics::Intrinsic::find("llvm.masked.scatter")
        .and_then(|i| i.get_declaration(t.module, &[mem.into(), ptrs.get_type().into()]))
        .ok_or_else(|| BackendError::new("LLVM has no 'llvm.masked.scatter'"))?;
    t.b.build_call(
        decl,
        &[v.into(), ptrs.into(), align.into(), mask.into()],
        "",
    )?;
    Ok(())
}
