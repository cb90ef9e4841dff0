//! `vector` ops, dispatched by name (MLIR 19's names and attributes).
//!
//! Vectors are lanes held in parts ([`VecLayout`]): 128-bit SIMD values
//! where possible, else one scalar per lane. Contiguous loads and stores
//! move whole parts; a contiguous transfer that may run out of bounds
//! tests the whole vector once and moves parts when it is inside. Masked
//! and partly out-of-bounds accesses (`maskedload`, the rest of the
//! transfers) branch per lane so that no lane outside the mask or the
//! buffer is touched. Positions only known at
//! run time (`vector.extract %v[%i]`) go through a stack slot. Float
//! reductions combine lanes in order (as MLIR without `reassoc`), or as a
//! SIMD tree when `fastmath` allows reassociation; integer `add`, `mul`,
//! `and`, `or`, `xor` always use the tree.

use cranelift_codegen::ir::{
    self, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, condcodes::IntCC, types,
};
use tessera_compiler::syntax::dense::DenseScalar;
use tessera_compiler::{AttrData, Context, DYNAMIC, OpId, Value};
use tessera_dialects::arith::{ArithOp, FastMathFlags};

use super::translate::{
    BackendResult, FnTranslator, Idx, MemRefVal, Val, block_args, op_error, unsupported,
};
use super::types::{ScalarTy, VecLayout};

/// The integers of an `array<i64: ..>` or `[1, 2]` attribute.
fn int_list(ctx: &Context, op: OpId, name: &str) -> Option<Vec<i64>> {
    match ctx.attr_data_of(op, name)? {
        AttrData::DenseArray { .. } => ctx
            .attr_data_of(op, name)?
            .as_int_array()
            .map(<[i64]>::to_vec),
        AttrData::Array(items) => items
            .iter()
            .map(|&a| ctx.attr_data(a).as_int().map(|i| i as i64))
            .collect(),
        _ => None,
    }
}

/// The booleans of a `[true, false]` attribute.
fn bool_list(ctx: &Context, op: OpId, name: &str) -> Option<Vec<bool>> {
    match ctx.attr_data_of(op, name)? {
        AttrData::Array(items) => items
            .iter()
            .map(|&a| match ctx.attr_data(a) {
                AttrData::Bool(b) => Some(*b),
                AttrData::Integer { value, .. } => Some(*value != 0),
                _ => None,
            })
            .collect(),
        AttrData::DenseArray { .. } => ctx
            .attr_data_of(op, name)?
            .as_int_array()
            .map(|v| v.iter().map(|&x| x != 0).collect()),
        _ => None,
    }
}

/// The keyword of a `#vector.kind<add>` attribute (or a string).
fn kind_keyword(ctx: &Context, op: OpId) -> Option<String> {
    match ctx.attr_data_of(op, "kind")? {
        AttrData::String(s) => Some(s.clone()),
        AttrData::Opaque { body, .. } => {
            let start = body.find('<')? + 1;
            let end = body.rfind('>')?;
            Some(body.get(start..end)?.trim().to_string())
        }
        _ => None,
    }
}

/// The multi-index of flat lane `i` in a row-major shape with `strides`.
fn unravel(mut i: usize, strides: &[usize]) -> Vec<usize> {
    strides
        .iter()
        .map(|&s| {
            let q = i / s;
            i %= s;
            q
        })
        .collect()
}

/// Row-major strides of `shape`.
fn strides_of(shape: &[i64]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1] as usize;
    }
    s
}

/// How a transfer op maps vector dimensions onto memref dimensions.
struct Transfer {
    /// Per vector dimension: the memref dimension, or `None` (broadcast).
    target: Vec<Option<usize>>,
    /// Per vector dimension: whether it is known to be in bounds.
    in_bounds: Vec<bool>,
}

impl FnTranslator<'_, '_, '_, '_> {
    /// The scalar lanes of a vector held in `parts`.
    pub(crate) fn lanes(&mut self, parts: &[ir::Value], layout: &VecLayout) -> Vec<ir::Value> {
        if layout.simd.is_none() {
            return parts.to_vec();
        }
        let per = layout.per_part();
        let mut out = Vec::with_capacity(layout.lanes);
        for &p in parts {
            for l in 0..per {
                out.push(self.b.ins().extractlane(p, l as u8));
            }
        }
        out
    }

    /// Parts of `layout` holding scalar `lanes`.
    pub(crate) fn pack(&mut self, lanes: &[ir::Value], layout: &VecLayout) -> Vec<ir::Value> {
        let Some(simd) = layout.simd else {
            return lanes.to_vec();
        };
        lanes
            .chunks(layout.per_part())
            .map(|chunk| {
                let mut v = self.b.ins().splat(simd, chunk[0]);
                for (i, &x) in chunk.iter().enumerate().skip(1) {
                    if x != chunk[0] {
                        v = self.b.ins().insertlane(v, x, i as u8);
                    }
                }
                v
            })
            .collect()
    }

    /// A `vector` op.
    pub(crate) fn vector_op(&mut self, op: OpId) -> BackendResult<()> {
        match self.ctx.op_name_of(op) {
            "vector.load" => self.vector_load(op),
            "vector.store" => self.vector_store(op),
            "vector.maskedload" => self.masked_load(op),
            "vector.maskedstore" => self.masked_store(op),
            "vector.transfer_read" => self.transfer_read(op),
            "vector.transfer_write" => self.transfer_write(op),
            "vector.broadcast" | "vector.splat" => self.broadcast(op),
            "vector.fma" => {
                let r = self.result(op, 0)?;
                let operands = self.ctx.op(op).operands.clone();
                if operands.len() != 3 {
                    return Err(op_error(self.ctx, op, "needs 3 operands"));
                }
                let rty = self.ctx.value_type(r);
                let v = self.elementwise(op, &operands, rty, true, &mut |t, _, a| {
                    Ok(t.b.ins().fma(a[0], a[1], a[2]))
                })?;
                self.set(r, v);
                Ok(())
            }
            "vector.reduction" => self.reduction(op),
            "vector.extract" | "vector.extractelement" => self.extract(op),
            "vector.insert" | "vector.insertelement" => self.insert(op),
            "vector.shape_cast" => {
                let (src, r) = (self.operand(op, 0)?, self.result(op, 0)?);
                let from = self.layout(op, self.ctx.value_type(src))?;
                let to = self.layout(op, self.ctx.value_type(r))?;
                if from.lanes != to.lanes || from.elem != to.elem {
                    return Err(op_error(
                        self.ctx,
                        op,
                        "must keep the element type and count",
                    ));
                }
                let v = self.val(op, src)?;
                self.set(r, v);
                Ok(())
            }
            "vector.create_mask" => self.create_mask(op),
            "vector.constant_mask" => {
                let sizes = int_list(self.ctx, op, "mask_dim_sizes")
                    .ok_or_else(|| op_error(self.ctx, op, "needs 'mask_dim_sizes'"))?;
                self.lanes_op(op, &mut |_, shape, _| {
                    let strides = strides_of(shape);
                    let n = strides.first().map_or(1, |s| s * shape[0] as usize);
                    (0..n)
                        .map(|i| {
                            let k = unravel(i, &strides);
                            let on = k.iter().zip(&sizes).all(|(&k, &s)| (k as i64) < s);
                            Lane::Const(DenseScalar::Int(on as i128))
                        })
                        .collect()
                })
            }
            "vector.step" => self.lanes_op(op, &mut |_, shape, _| {
                let n: i64 = shape.iter().product();
                (0..n)
                    .map(|i| Lane::Const(DenseScalar::Int(i as i128)))
                    .collect()
            }),
            "vector.from_elements" => {
                let data = self.ctx.op(op);
                let mut lanes = Vec::new();
                for &v in &data.operands {
                    lanes.push(Lane::Value(self.scalar(op, v)?));
                }
                self.lanes_op(op, &mut |_, _, _| lanes.clone())
            }
            "vector.shuffle" => self.shuffle(op),
            "vector.transpose" => self.transpose(op),
            "vector.extract_strided_slice" => self.extract_strided_slice(op),
            "vector.insert_strided_slice" => self.insert_strided_slice(op),
            _ => Err(unsupported(self.ctx, op)),
        }
    }

    /// Defines the vector result of `op` from lanes `f` computes from the
    /// result shape and the lanes of each vector operand.
    fn lanes_op(&mut self, op: OpId, f: &mut LanesFn<'_, Self>) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let r = *data
            .results
            .first()
            .ok_or_else(|| op_error(ctx, op, "must have a result"))?;
        let layout = self.layout(op, ctx.value_type(r))?;
        let mut inputs = Vec::new();
        for &v in &data.operands {
            if let Some(l) = VecLayout::of(ctx, ctx.value_type(v)) {
                let parts = self.vector(op, v)?;
                inputs.push(self.lanes(&parts, &l));
            }
        }
        let lanes = f(self, &layout.shape, &inputs);
        if lanes.len() != layout.lanes {
            return Err(op_error(ctx, op, "produces the wrong number of lanes"));
        }
        let values: Vec<ir::Value> = lanes
            .into_iter()
            .map(|l| match l {
                Lane::Value(v) => v,
                Lane::Const(c) => self.scalar_const(layout.elem, c),
            })
            .collect();
        let parts = self.pack(&values, &layout);
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    // ----- memory --------------------------------------------------------------

    /// The start addresses of the rows of a vector of `shape` at `indices`
    /// of `m` (vector dimensions on the trailing memref dimensions; a row
    /// is the innermost dimension), and the byte step between a row's lanes.
    fn rows(
        &mut self,
        op: OpId,
        m: &MemRefVal,
        indices: &[ir::Value],
        shape: &[i64],
    ) -> BackendResult<(Vec<ir::Value>, usize, Idx)> {
        let rank = m.sizes.len();
        let k = shape.len();
        if k > rank || indices.len() != rank {
            return Err(op_error(
                self.ctx,
                op,
                "vector rank exceeds the memref rank",
            ));
        }
        let inner = shape.last().map_or(1, |&d| d as usize);
        let outer = &shape[..k.saturating_sub(1)];
        let ostrides = strides_of(outer);
        let nrows = ostrides.first().map_or(1, |s| s * outer[0] as usize);
        let mut starts = Vec::with_capacity(nrows);
        for r in 0..nrows {
            let pos = unravel(r, &ostrides);
            let mut idx = indices.to_vec();
            for (j, &p) in pos.iter().enumerate() {
                if p != 0 {
                    let d = rank - k + j;
                    idx[d] = self.b.ins().iadd_imm_s(idx[d], p as i64);
                }
            }
            starts.push(self.elem_addr(m, &idx));
        }
        let last = m.strides.last().copied().unwrap_or(Idx::Const(1));
        let step = self.idx_mul(last, Idx::Const(m.elem.bytes()));
        Ok((starts, inner, step))
    }

    /// The address of lane `l` of a row starting at `start`.
    fn lane_addr(&mut self, start: ir::Value, l: usize, step: Idx) -> (ir::Value, i32) {
        match step {
            Idx::Const(s) => (start, (s * l as i64) as i32),
            Idx::Dyn(s) => {
                let off = self.b.ins().imul_imm_s(s, l as i64);
                (self.b.ins().iadd(start, off), 0)
            }
        }
    }

    /// Loads a vector of `layout` from `m` at `indices`.
    fn load_vector(
        &mut self,
        op: OpId,
        m: &MemRefVal,
        indices: &[ir::Value],
        layout: &VecLayout,
    ) -> BackendResult<Vec<ir::Value>> {
        let (starts, inner, step) = self.rows(op, m, indices, &layout.shape)?;
        let per = layout.per_part();
        if layout.simd.is_some() && inner.is_multiple_of(per) && step == Idx::Const(m.elem.bytes())
        {
            let flags = MemFlagsData::new().with_notrap();
            let mut parts = Vec::with_capacity(layout.parts());
            for &s in &starts {
                for j in 0..inner / per {
                    let off = (j * 16) as i32;
                    parts.push(self.b.ins().load(layout.part_ty(), flags, s, off));
                }
            }
            return Ok(parts);
        }
        let mut lanes = Vec::with_capacity(layout.lanes);
        for &s in &starts {
            for l in 0..inner {
                let (a, off) = self.lane_addr(s, l, step);
                lanes.push(self.load_elem(m.elem, a, off));
            }
        }
        Ok(self.pack(&lanes, layout))
    }

    /// Stores a vector of `layout` held in `parts` to `m` at `indices`.
    fn store_vector(
        &mut self,
        op: OpId,
        m: &MemRefVal,
        indices: &[ir::Value],
        layout: &VecLayout,
        parts: &[ir::Value],
    ) -> BackendResult<()> {
        let (starts, inner, step) = self.rows(op, m, indices, &layout.shape)?;
        let per = layout.per_part();
        if layout.simd.is_some() && inner.is_multiple_of(per) && step == Idx::Const(m.elem.bytes())
        {
            let flags = MemFlagsData::new().with_notrap();
            let mut it = parts.iter();
            for &s in &starts {
                for j in 0..inner / per {
                    let p = *it
                        .next()
                        .ok_or_else(|| op_error(self.ctx, op, "has too few parts"))?;
                    self.b.ins().store(flags, p, s, (j * 16) as i32);
                }
            }
            return Ok(());
        }
        let lanes = self.lanes(parts, layout);
        let mut it = lanes.into_iter();
        for &s in &starts {
            for l in 0..inner {
                let (a, off) = self.lane_addr(s, l, step);
                let x = it
                    .next()
                    .ok_or_else(|| op_error(self.ctx, op, "has too few lanes"))?;
                self.store_elem(x, a, off);
            }
        }
        Ok(())
    }

    /// `vector.load %base[%i..] : memref<..>, vector<..>`.
    fn vector_load(&mut self, op: OpId) -> BackendResult<()> {
        let data = self.ctx.op(op);
        let (&base, indices) = data
            .operands
            .split_first()
            .ok_or_else(|| op_error(self.ctx, op, "needs a base"))?;
        let r = self.result(op, 0)?;
        let layout = self.layout(op, self.ctx.value_type(r))?;
        let m = self.memref(op, base)?;
        let idx = self.index_list(op, indices)?;
        let parts = self.load_vector(op, &m, &idx, &layout)?;
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    /// `vector.store %v, %base[%i..]`.
    fn vector_store(&mut self, op: OpId) -> BackendResult<()> {
        let data = self.ctx.op(op);
        let [v, base, indices @ ..] = &data.operands[..] else {
            return Err(op_error(self.ctx, op, "needs a value and a base"));
        };
        let layout = self.layout(op, self.ctx.value_type(*v))?;
        let parts = self.vector(op, *v)?;
        let m = self.memref(op, *base)?;
        let idx = self.index_list(op, indices)?;
        self.store_vector(op, &m, &idx, &layout, &parts)
    }

    fn index_list(&self, op: OpId, indices: &[Value]) -> BackendResult<Vec<ir::Value>> {
        indices.iter().map(|&v| self.scalar(op, v)).collect()
    }

    /// Loads the element at `addr + off` when `cond` (an `i8`) holds, else
    /// gives `otherwise`; the load is skipped, not just discarded.
    fn guarded_load(
        &mut self,
        s: ScalarTy,
        cond: ir::Value,
        addr: ir::Value,
        off: i32,
        otherwise: ir::Value,
    ) -> ir::Value {
        let yes = self.b.create_block();
        let merge = self.b.create_block();
        let out = self.b.append_block_param(merge, s.ty);
        self.b
            .ins()
            .brif(cond, yes, &[], merge, &block_args(&[otherwise]));
        self.b.switch_to_block(yes);
        let x = self.load_elem(s, addr, off);
        self.b.ins().jump(merge, &block_args(&[x]));
        self.b.switch_to_block(merge);
        out
    }

    /// Stores `x` at `addr + off` only when `cond` holds.
    fn guarded_store(&mut self, cond: ir::Value, x: ir::Value, addr: ir::Value, off: i32) {
        let yes = self.b.create_block();
        let merge = self.b.create_block();
        self.b.ins().brif(cond, yes, &[], merge, &[]);
        self.b.switch_to_block(yes);
        self.store_elem(x, addr, off);
        self.b.ins().jump(merge, &[]);
        self.b.switch_to_block(merge);
    }

    /// The lane addresses of a 1-D access of `n` lanes at `indices`.
    fn lane_addrs(
        &mut self,
        op: OpId,
        m: &MemRefVal,
        indices: &[ir::Value],
        shape: &[i64],
    ) -> BackendResult<Vec<(ir::Value, i32)>> {
        let (starts, inner, step) = self.rows(op, m, indices, shape)?;
        let mut out = Vec::with_capacity(starts.len() * inner);
        for &s in &starts {
            for l in 0..inner {
                out.push(self.lane_addr(s, l, step));
            }
        }
        Ok(out)
    }

    /// `vector.maskedload %base[%i..], %mask, %pass_thru`.
    fn masked_load(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let n = data.operands.len();
        if n < 3 {
            return Err(op_error(ctx, op, "needs a base, a mask and a pass-through"));
        }
        let (base, indices, mask, pass) = (
            data.operands[0],
            &data.operands[1..n - 2],
            data.operands[n - 2],
            data.operands[n - 1],
        );
        let r = self.result(op, 0)?;
        let layout = self.layout(op, ctx.value_type(r))?;
        let m = self.memref(op, base)?;
        let idx = self.index_list(op, indices)?;
        let mask = self.vector(op, mask)?;
        let pass_parts = self.vector(op, pass)?;
        let pass = self.lanes(&pass_parts, &layout);
        let addrs = self.lane_addrs(op, &m, &idx, &layout.shape)?;
        if mask.len() != layout.lanes || pass.len() != layout.lanes || addrs.len() != layout.lanes {
            return Err(op_error(
                ctx,
                op,
                "mask, pass-through and result differ in shape",
            ));
        }
        let mut lanes = Vec::with_capacity(layout.lanes);
        for (i, &(a, off)) in addrs.iter().enumerate() {
            lanes.push(self.guarded_load(m.elem, mask[i], a, off, pass[i]));
        }
        let parts = self.pack(&lanes, &layout);
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    /// `vector.maskedstore %base[%i..], %mask, %value`.
    fn masked_store(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let n = data.operands.len();
        if n < 3 {
            return Err(op_error(ctx, op, "needs a base, a mask and a value"));
        }
        let (base, indices, mask, value) = (
            data.operands[0],
            &data.operands[1..n - 2],
            data.operands[n - 2],
            data.operands[n - 1],
        );
        let layout = self.layout(op, ctx.value_type(value))?;
        let m = self.memref(op, base)?;
        let idx = self.index_list(op, indices)?;
        let mask = self.vector(op, mask)?;
        let parts = self.vector(op, value)?;
        let lanes = self.lanes(&parts, &layout);
        let addrs = self.lane_addrs(op, &m, &idx, &layout.shape)?;
        if mask.len() != layout.lanes || addrs.len() != layout.lanes {
            return Err(op_error(ctx, op, "mask and value differ in shape"));
        }
        for (i, &(a, off)) in addrs.iter().enumerate() {
            self.guarded_store(mask[i], lanes[i], a, off);
        }
        Ok(())
    }

    /// The dimension map of transfer op `op` with a vector of `vrank`
    /// dimensions on a memref of `mrank`.
    fn transfer_map(&self, op: OpId, vrank: usize, mrank: usize) -> BackendResult<Transfer> {
        let ctx = self.ctx;
        if vrank > mrank {
            return Err(op_error(ctx, op, "vector rank exceeds the memref rank"));
        }
        let target = match ctx.attr_data_of(op, "permutation_map") {
            None => (0..vrank).map(|v| Some(mrank - vrank + v)).collect(),
            Some(a) => {
                let map = a
                    .as_affine_map()
                    .ok_or_else(|| op_error(ctx, op, "has a malformed permutation_map"))?;
                if map.results.len() != vrank || map.num_dims as usize != mrank {
                    return Err(op_error(ctx, op, "permutation_map does not fit the types"));
                }
                let mut t = Vec::with_capacity(vrank);
                for e in &map.results {
                    t.push(match e {
                        tessera_compiler::affine::AffineExpr::Dim(d) if (*d as usize) < mrank => {
                            Some(*d as usize)
                        }
                        e if e.as_constant() == Some(0) => None,
                        _ => {
                            return Err(op_error(
                                ctx,
                                op,
                                "permutation_map results must be dimensions or 0",
                            ));
                        }
                    });
                }
                t
            }
        };
        let in_bounds = bool_list(ctx, op, "in_bounds").unwrap_or_else(|| vec![false; vrank]);
        if in_bounds.len() != vrank {
            return Err(op_error(ctx, op, "in_bounds does not fit the vector"));
        }
        Ok(Transfer { target, in_bounds })
    }

    /// Per lane of a transfer: the element address and the condition (an
    /// `i8`, `None` when always true) under which the lane is accessed.
    fn transfer_lanes(
        &mut self,
        op: OpId,
        m: &MemRefVal,
        indices: &[ir::Value],
        shape: &[i64],
        t: &Transfer,
        mask: Option<&[ir::Value]>,
    ) -> BackendResult<Vec<(ir::Value, Option<ir::Value>)>> {
        let strides = strides_of(shape);
        let lanes: usize = shape.iter().product::<i64>() as usize;
        // The mask has the non-broadcast vector dimensions in memref order.
        let mut order: Vec<usize> = (0..shape.len())
            .filter(|&v| t.target[v].is_some())
            .collect();
        order.sort_by_key(|&v| t.target[v]);
        let mask_shape: Vec<i64> = order.iter().map(|&v| shape[v]).collect();
        let mask_strides = strides_of(&mask_shape);
        if mask.is_some_and(|m| m.len() as i64 != mask_shape.iter().product::<i64>()) {
            return Err(op_error(
                self.ctx,
                op,
                "mask does not have the transfer's mask shape",
            ));
        }
        let sizes: Vec<ir::Value> = m.sizes.iter().map(|&s| self.idx_value(s)).collect();
        let mut out = Vec::with_capacity(lanes);
        for i in 0..lanes {
            let k = unravel(i, &strides);
            let mut idx = indices.to_vec();
            for (v, &kv) in k.iter().enumerate() {
                if let Some(d) = t.target[v]
                    && kv != 0
                {
                    idx[d] = self.b.ins().iadd_imm_s(idx[d], kv as i64);
                }
            }
            let mut cond: Option<ir::Value> = None;
            for v in 0..shape.len() {
                if let Some(d) = t.target[v]
                    && !t.in_bounds[v]
                {
                    let c = self.b.ins().icmp(IntCC::UnsignedLessThan, idx[d], sizes[d]);
                    cond = Some(match cond {
                        None => c,
                        Some(p) => self.b.ins().band(p, c),
                    });
                }
            }
            if let Some(mask) = mask {
                let mi: usize = order
                    .iter()
                    .zip(&mask_strides)
                    .map(|(&v, &s)| k[v] * s)
                    .sum();
                cond = Some(match cond {
                    None => mask[mi],
                    Some(p) => self.b.ins().band(p, mask[mi]),
                });
            }
            // Out-of-bounds lanes must not form a wild address either; the
            // address is only used under `cond`.
            out.push((self.elem_addr(m, &idx), cond));
        }
        Ok(out)
    }

    /// Whether a transfer maps its vector onto the innermost memref
    /// dimensions in order (a minor identity map) with no mask, so that in
    /// bounds it is a plain contiguous access.
    fn contiguous_transfer(t: &Transfer, mrank: usize, masked: bool) -> bool {
        let vrank = t.target.len();
        !masked
            && t.target
                .iter()
                .enumerate()
                .all(|(v, &d)| d == Some(mrank - vrank + v))
    }

    /// For a contiguous transfer: the condition (an `i8`) that every lane
    /// is in bounds, `None` when `in_bounds` says so for every dimension.
    fn whole_in_bounds(
        &mut self,
        m: &MemRefVal,
        indices: &[ir::Value],
        shape: &[i64],
        t: &Transfer,
    ) -> Option<ir::Value> {
        let mut cond = None;
        for (v, &n) in shape.iter().enumerate() {
            let Some(d) = t.target[v].filter(|_| !t.in_bounds[v]) else {
                continue;
            };
            let end = self.b.ins().iadd_imm_s(indices[d], n);
            let size = self.idx_value(m.sizes[d]);
            let c = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, end, size);
            cond = Some(match cond {
                None => c,
                Some(p) => self.b.ins().band(p, c),
            });
        }
        cond
    }

    /// `vector.transfer_read %m[%i..], %pad [, %mask]`: a contiguous read
    /// checks the whole vector against the bounds once and loads parts when
    /// it is in; otherwise (and for other maps and masks) lanes are loaded
    /// one by one under their conditions.
    fn transfer_read(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let r = self.result(op, 0)?;
        let layout = self.layout(op, ctx.value_type(r))?;
        let ops = &data.operands;
        let m = self.memref(op, self.operand(op, 0)?)?;
        let rank = m.sizes.len();
        if ops.len() < 2 + rank {
            return Err(op_error(ctx, op, "needs a source, indices and a padding"));
        }
        let idx = self.index_list(op, &ops[1..1 + rank])?;
        let pad = self.scalar(op, ops[1 + rank])?;
        let mask = match ops.get(2 + rank) {
            Some(&v) => Some(self.vector(op, v)?),
            None => None,
        };
        let t = self.transfer_map(op, layout.shape.len(), rank)?;
        let mut merge = None;
        if Self::contiguous_transfer(&t, rank, mask.is_some()) {
            let Some(inside) = self.whole_in_bounds(&m, &idx, &layout.shape, &t) else {
                let parts = self.load_vector(op, &m, &idx, &layout)?;
                self.set(r, Val::Vector(parts));
                return Ok(());
            };
            let (fast, slow) = (self.b.create_block(), self.b.create_block());
            let join = self.b.create_block();
            for _ in 0..layout.parts() {
                self.b.append_block_param(join, layout.part_ty());
            }
            self.b.ins().brif(inside, fast, &[], slow, &[]);
            self.b.switch_to_block(fast);
            let parts = self.load_vector(op, &m, &idx, &layout)?;
            self.b.ins().jump(join, &block_args(&parts));
            self.b.switch_to_block(slow);
            merge = Some(join);
        }
        let lanes_at = self.transfer_lanes(op, &m, &idx, &layout.shape, &t, mask.as_deref())?;
        let mut lanes = Vec::with_capacity(layout.lanes);
        for (a, cond) in lanes_at {
            lanes.push(match cond {
                None => self.load_elem(m.elem, a, 0),
                Some(c) => self.guarded_load(m.elem, c, a, 0, pad),
            });
        }
        let mut parts = self.pack(&lanes, &layout);
        if let Some(join) = merge {
            self.b.ins().jump(join, &block_args(&parts));
            self.b.switch_to_block(join);
            parts = self.b.block_params(join).to_vec();
        }
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    /// `vector.transfer_write %v, %m[%i..] [, %mask]`, with the same fast
    /// path as [`transfer_read`](Self::transfer_read).
    fn transfer_write(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let ops = &data.operands;
        if ops.len() < 2 {
            return Err(op_error(ctx, op, "needs a vector and a destination"));
        }
        let layout = self.layout(op, ctx.value_type(ops[0]))?;
        let parts = self.vector(op, ops[0])?;
        let m = self.memref(op, ops[1])?;
        let rank = m.sizes.len();
        if ops.len() < 2 + rank {
            return Err(op_error(ctx, op, "needs one index per dimension"));
        }
        let idx = self.index_list(op, &ops[2..2 + rank])?;
        let mask = match ops.get(2 + rank) {
            Some(&v) => Some(self.vector(op, v)?),
            None => None,
        };
        let t = self.transfer_map(op, layout.shape.len(), rank)?;
        if t.target.contains(&None) {
            return Err(op_error(
                ctx,
                op,
                "cannot write through a broadcast dimension",
            ));
        }
        let mut merge = None;
        if Self::contiguous_transfer(&t, rank, mask.is_some()) {
            let Some(inside) = self.whole_in_bounds(&m, &idx, &layout.shape, &t) else {
                return self.store_vector(op, &m, &idx, &layout, &parts);
            };
            let (fast, slow) = (self.b.create_block(), self.b.create_block());
            let join = self.b.create_block();
            self.b.ins().brif(inside, fast, &[], slow, &[]);
            self.b.switch_to_block(fast);
            self.store_vector(op, &m, &idx, &layout, &parts)?;
            self.b.ins().jump(join, &[]);
            self.b.switch_to_block(slow);
            merge = Some(join);
        }
        let lanes = self.lanes(&parts, &layout);
        let lanes_at = self.transfer_lanes(op, &m, &idx, &layout.shape, &t, mask.as_deref())?;
        for ((a, cond), x) in lanes_at.into_iter().zip(lanes) {
            match cond {
                None => self.store_elem(x, a, 0),
                Some(c) => self.guarded_store(c, x, a, 0),
            }
        }
        if let Some(join) = merge {
            self.b.ins().jump(join, &[]);
            self.b.switch_to_block(join);
        }
        Ok(())
    }

    // ----- shuffling -----------------------------------------------------------

    /// `vector.broadcast` / `vector.splat`: a scalar to every lane, or a
    /// vector stretched along leading and size-1 dimensions.
    fn broadcast(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let (src, r) = (self.operand(op, 0)?, self.result(op, 0)?);
        let layout = self.layout(op, ctx.value_type(r))?;
        let sty = ctx.value_type(src);
        if ScalarTy::of(ctx, sty).is_some() {
            let x = self.scalar(op, src)?;
            let part = match layout.simd {
                Some(simd) => self.b.ins().splat(simd, x),
                None => x,
            };
            self.set(r, Val::Vector(vec![part; layout.parts()]));
            return Ok(());
        }
        let sl = self.layout(op, sty)?;
        let src_lanes = {
            let parts = self.vector(op, src)?;
            self.lanes(&parts, &sl)
        };
        let (rs, ss) = (&layout.shape, &sl.shape);
        if ss.len() > rs.len() {
            return Err(op_error(ctx, op, "cannot broadcast to a lower rank"));
        }
        let lead = rs.len() - ss.len();
        if (0..ss.len()).any(|j| ss[j] != 1 && ss[j] != rs[lead + j]) {
            return Err(op_error(
                ctx,
                op,
                "source shape does not broadcast to the result",
            ));
        }
        let rstrides = strides_of(rs);
        let sstrides = strides_of(ss);
        let lanes: Vec<ir::Value> = (0..layout.lanes)
            .map(|i| {
                let k = unravel(i, &rstrides);
                let si: usize = (0..ss.len())
                    .map(|j| {
                        if ss[j] == 1 {
                            0
                        } else {
                            k[lead + j] * sstrides[j]
                        }
                    })
                    .sum();
                src_lanes[si]
            })
            .collect();
        let parts = self.pack(&lanes, &layout);
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    /// The position operands of extract/insert-like ops as `(static
    /// positions, dynamic values)`: `static_position` with [`DYNAMIC`]
    /// entries taken from `dynamic` in order, or one optional dynamic
    /// position (`extractelement`).
    fn positions(&self, op: OpId, dynamic: &[Value]) -> BackendResult<Vec<Result<i64, Value>>> {
        let ctx = self.ctx;
        let name = ctx.op_name_of(op);
        if name.ends_with("element") {
            return Ok(dynamic
                .first()
                .map(|&v| self.static_int(v).ok_or(v))
                .into_iter()
                .collect());
        }
        let stat = int_list(ctx, op, "static_position")
            .ok_or_else(|| op_error(ctx, op, "needs 'static_position'"))?;
        let mut it = dynamic.iter();
        stat.into_iter()
            .map(|p| {
                if p == DYNAMIC {
                    let v = *it
                        .next()
                        .ok_or_else(|| op_error(ctx, op, "lacks a dynamic position"))?;
                    Ok(self.static_int(v).ok_or(v))
                } else {
                    Ok(Ok(p))
                }
            })
            .collect()
    }

    /// The lane offset of `pos` in a vector of `layout`: a constant, or an
    /// `i64` value.
    fn lane_offset(
        &mut self,
        op: OpId,
        pos: &[Result<i64, Value>],
        layout: &VecLayout,
    ) -> BackendResult<Idx> {
        let strides = layout.strides();
        let mut off = Idx::Const(0);
        for (p, &s) in pos.iter().zip(&strides) {
            let term = match *p {
                Ok(c) => Idx::Const(c * s as i64),
                Err(v) => {
                    let x = self.scalar(op, v)?;
                    let x = match self.b.func.dfg.value_type(x) {
                        types::I64 => x,
                        _ => self.b.ins().sextend(types::I64, x),
                    };
                    self.idx_mul(Idx::Dyn(x), Idx::Const(s as i64))
                }
            };
            off = self.idx_add(off, term);
        }
        Ok(off)
    }

    /// A stack slot holding `parts`; returns its address.
    fn spill(&mut self, parts: &[ir::Value], layout: &VecLayout) -> ir::Value {
        let part_bytes = layout.part_ty().bytes();
        let size = part_bytes * layout.parts() as u32;
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            4,
        ));
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        for (i, &p) in parts.iter().enumerate() {
            self.b.ins().store(
                MemFlagsData::trusted(),
                p,
                addr,
                (i as u32 * part_bytes) as i32,
            );
        }
        addr
    }

    /// Reads parts of `layout` from `addr`.
    fn reload(&mut self, addr: ir::Value, layout: &VecLayout) -> Vec<ir::Value> {
        let part_bytes = layout.part_ty().bytes();
        (0..layout.parts())
            .map(|i| {
                self.b.ins().load(
                    layout.part_ty(),
                    MemFlagsData::new().with_notrap(),
                    addr,
                    (i as u32 * part_bytes) as i32,
                )
            })
            .collect()
    }

    /// `vector.extract` / `vector.extractelement`.
    fn extract(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let (&src, dynamic) = data
            .operands
            .split_first()
            .ok_or_else(|| op_error(ctx, op, "needs a vector"))?;
        let r = self.result(op, 0)?;
        let sl = self.layout(op, ctx.value_type(src))?;
        let parts = self.vector(op, src)?;
        let pos = self.positions(op, dynamic)?;
        if pos.len() > sl.shape.len() {
            return Err(op_error(ctx, op, "has more positions than dimensions"));
        }
        let rty = ctx.value_type(r);
        let rl = VecLayout::of(ctx, rty);
        let len = rl.as_ref().map_or(1, |l| l.lanes);
        if pos
            .iter()
            .zip(&sl.shape)
            .any(|(p, &d)| matches!(*p, Ok(c) if c < 0 || c >= d))
        {
            return Err(op_error(ctx, op, "position is out of range"));
        }
        let off = self.lane_offset(op, &pos, &sl)?;
        let val = match off {
            Idx::Const(o) => {
                let o = o as usize;
                if o + len > sl.lanes {
                    return Err(op_error(ctx, op, "position is out of range"));
                }
                match &rl {
                    Some(rl)
                        if sl.simd.is_some()
                            && rl.simd == sl.simd
                            && o.is_multiple_of(sl.per_part()) =>
                    {
                        let p = o / sl.per_part();
                        Val::Vector(parts[p..p + rl.parts()].to_vec())
                    }
                    _ => {
                        let lanes = self.lanes(&parts, &sl);
                        let slice = lanes
                            .get(o..o + len)
                            .ok_or_else(|| op_error(ctx, op, "position is out of range"))?
                            .to_vec();
                        match &rl {
                            Some(rl) => Val::Vector(self.pack(&slice, rl)),
                            None => Val::Scalar(slice[0]),
                        }
                    }
                }
            }
            Idx::Dyn(o) => {
                let base = self.spill(&parts, &sl);
                let bytes = self.b.ins().imul_imm_s(o, sl.elem.bytes());
                let at = self.b.ins().iadd(base, bytes);
                match &rl {
                    Some(rl) => Val::Vector(self.reload(at, rl)),
                    None => Val::Scalar(self.b.ins().load(
                        sl.elem.ty,
                        MemFlagsData::new().with_notrap(),
                        at,
                        0,
                    )),
                }
            }
        };
        self.set(r, val);
        Ok(())
    }

    /// `vector.insert` / `vector.insertelement`.
    fn insert(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let [src, dest, dynamic @ ..] = &data.operands[..] else {
            return Err(op_error(ctx, op, "needs a value and a vector"));
        };
        let r = self.result(op, 0)?;
        let dl = self.layout(op, ctx.value_type(*dest))?;
        let parts = self.vector(op, *dest)?;
        let pos = self.positions(op, dynamic)?;
        if pos.len() > dl.shape.len() {
            return Err(op_error(ctx, op, "has more positions than dimensions"));
        }
        let sl = VecLayout::of(ctx, ctx.value_type(*src));
        let src_parts = match &sl {
            Some(_) => self.vector(op, *src)?,
            None => vec![self.scalar(op, *src)?],
        };
        if pos
            .iter()
            .zip(&dl.shape)
            .any(|(p, &d)| matches!(*p, Ok(c) if c < 0 || c >= d))
        {
            return Err(op_error(ctx, op, "position is out of range"));
        }
        let count = sl.as_ref().map_or(1, |l| l.lanes);
        let off = self.lane_offset(op, &pos, &dl)?;
        let out = match off {
            Idx::Const(o) => {
                let o = o as usize;
                if o + count > dl.lanes {
                    return Err(op_error(ctx, op, "position is out of range"));
                }
                match &sl {
                    Some(sl)
                        if dl.simd.is_some()
                            && sl.simd == dl.simd
                            && o.is_multiple_of(dl.per_part()) =>
                    {
                        let p = o / dl.per_part();
                        let mut out = parts.clone();
                        out[p..p + sl.parts()].copy_from_slice(&src_parts);
                        out
                    }
                    _ => {
                        let mut lanes = self.lanes(&parts, &dl);
                        let new = match &sl {
                            Some(sl) => self.lanes(&src_parts, sl),
                            None => src_parts.clone(),
                        };
                        if o + new.len() > lanes.len() {
                            return Err(op_error(ctx, op, "position is out of range"));
                        }
                        lanes[o..o + new.len()].copy_from_slice(&new);
                        self.pack(&lanes, &dl)
                    }
                }
            }
            Idx::Dyn(o) => {
                let base = self.spill(&parts, &dl);
                let bytes = self.b.ins().imul_imm_s(o, dl.elem.bytes());
                let at = self.b.ins().iadd(base, bytes);
                let part_bytes = match &sl {
                    Some(sl) => sl.part_ty().bytes(),
                    None => dl.elem.ty.bytes(),
                };
                for (i, &p) in src_parts.iter().enumerate() {
                    self.b.ins().store(
                        MemFlagsData::new().with_notrap(),
                        p,
                        at,
                        (i as u32 * part_bytes) as i32,
                    );
                }
                self.reload(base, &dl)
            }
        };
        self.set(r, Val::Vector(out));
        Ok(())
    }

    /// `vector.create_mask %a, %b`: lane `(i, j)` is `i < %a && j < %b`.
    fn create_mask(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let data = ctx.op(op);
        let r = self.result(op, 0)?;
        let layout = self.layout(op, ctx.value_type(r))?;
        let bounds = self.index_list(op, &data.operands)?;
        if bounds.len() != layout.shape.len() {
            return Err(op_error(ctx, op, "needs one operand per dimension"));
        }
        // below[d][k]: whether index k of dimension d is below its bound.
        let mut below: Vec<Vec<ir::Value>> = Vec::with_capacity(bounds.len());
        for (d, &bound) in bounds.iter().enumerate() {
            below.push(
                (0..layout.shape[d])
                    .map(|k| self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, bound, k))
                    .collect(),
            );
        }
        let strides = layout.strides();
        let mut lanes = Vec::with_capacity(layout.lanes);
        for i in 0..layout.lanes {
            let k = unravel(i, &strides);
            let mut c = match below.first() {
                Some(b0) => b0[k[0]],
                None => self.b.ins().iconst(types::I8, 1),
            };
            for d in 1..k.len() {
                c = self.b.ins().band(c, below[d][k[d]]);
            }
            lanes.push(c);
        }
        let parts = self.pack(&lanes, &layout);
        self.set(r, Val::Vector(parts));
        Ok(())
    }

    /// `vector.shuffle %a, %b [..]`: slices along the leading dimension of
    /// `%a` then `%b`, picked by the mask.
    fn shuffle(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let mask = int_list(ctx, op, "mask").ok_or_else(|| op_error(ctx, op, "needs a 'mask'"))?;
        let first = self.operand(op, 0)?;
        let second = self.operand(op, 1)?;
        let al = self.layout(op, ctx.value_type(first))?;
        let bl = self.layout(op, ctx.value_type(second))?;
        let slice = al.lanes / al.shape.first().map_or(1, |&d| d as usize);
        let available = ((al.lanes + bl.lanes) / slice) as i64;
        if mask.iter().any(|&m| m >= available) {
            return Err(op_error(ctx, op, "mask selects past its operands"));
        }
        self.lanes_op(op, &mut |_, _, inputs| {
            let all: Vec<ir::Value> = inputs.iter().flatten().copied().collect();
            mask.iter()
                .flat_map(|&m| {
                    let m = m.max(0) as usize;
                    all[m * slice..(m + 1) * slice].to_vec()
                })
                .map(Lane::Value)
                .collect()
        })
    }

    /// `vector.transpose %v, [perm]`.
    fn transpose(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let perm = int_list(ctx, op, "permutation")
            .ok_or_else(|| op_error(ctx, op, "needs a 'permutation'"))?;
        let src_shape = self.layout(op, ctx.value_type(self.operand(op, 0)?))?.shape;
        let r = self.result(op, 0)?;
        let dst_shape = self.layout(op, ctx.value_type(r))?.shape;
        let mut sorted = perm.clone();
        sorted.sort_unstable();
        let is_perm = sorted.iter().enumerate().all(|(i, &p)| p == i as i64);
        if !is_perm
            || perm.len() != src_shape.len()
            || perm
                .iter()
                .zip(&dst_shape)
                .any(|(&p, &d)| src_shape[p as usize] != d)
        {
            return Err(op_error(ctx, op, "permutation does not fit the types"));
        }
        let sstrides = strides_of(&src_shape);
        self.lanes_op(op, &mut |_, shape, inputs| {
            let rstrides = strides_of(shape);
            let n: usize = shape.iter().product::<i64>() as usize;
            (0..n)
                .map(|i| {
                    let k = unravel(i, &rstrides);
                    let si: usize = perm
                        .iter()
                        .zip(&k)
                        .map(|(&p, &kv)| kv * sstrides[p as usize])
                        .sum();
                    Lane::Value(inputs[0][si])
                })
                .collect()
        })
    }

    /// `vector.extract_strided_slice %v {offsets, sizes, strides}`.
    fn extract_strided_slice(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let offsets =
            int_list(ctx, op, "offsets").ok_or_else(|| op_error(ctx, op, "needs 'offsets'"))?;
        let steps =
            int_list(ctx, op, "strides").ok_or_else(|| op_error(ctx, op, "needs 'strides'"))?;
        let src_shape = self.layout(op, ctx.value_type(self.operand(op, 0)?))?.shape;
        let dst_shape = self.layout(op, ctx.value_type(self.result(op, 0)?))?.shape;
        let fits = dst_shape.len() == src_shape.len()
            && offsets.len() == steps.len()
            && offsets.len() <= src_shape.len()
            && (0..offsets.len()).all(|d| {
                offsets[d] >= 0
                    && steps[d] > 0
                    && offsets[d] + (dst_shape[d] - 1) * steps[d] < src_shape[d]
            })
            && (offsets.len()..src_shape.len()).all(|d| dst_shape[d] == src_shape[d]);
        if !fits {
            return Err(op_error(ctx, op, "slice does not fit the source"));
        }
        let sstrides = strides_of(&src_shape);
        self.lanes_op(op, &mut |_, shape, inputs| {
            let rstrides = strides_of(shape);
            let n: usize = shape.iter().product::<i64>() as usize;
            (0..n)
                .map(|i| {
                    let k = unravel(i, &rstrides);
                    let si: usize = k
                        .iter()
                        .enumerate()
                        .map(|(d, &kv)| {
                            let at = match (offsets.get(d), steps.get(d)) {
                                (Some(&o), Some(&s)) => o as usize + kv * s as usize,
                                _ => kv,
                            };
                            at * sstrides[d]
                        })
                        .sum();
                    Lane::Value(inputs[0][si])
                })
                .collect()
        })
    }

    /// `vector.insert_strided_slice %src, %dst {offsets, strides}`.
    fn insert_strided_slice(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let offsets =
            int_list(ctx, op, "offsets").ok_or_else(|| op_error(ctx, op, "needs 'offsets'"))?;
        let steps =
            int_list(ctx, op, "strides").ok_or_else(|| op_error(ctx, op, "needs 'strides'"))?;
        let src_shape = self.layout(op, ctx.value_type(self.operand(op, 0)?))?.shape;
        let dst_shape = self.layout(op, ctx.value_type(self.operand(op, 1)?))?.shape;
        let lead = dst_shape.len().checked_sub(src_shape.len());
        let fits = lead.is_some_and(|lead| {
            offsets.len() == dst_shape.len()
                && steps.len() == src_shape.len()
                && (0..lead).all(|d| (0..dst_shape[d]).contains(&offsets[d]))
                && (0..src_shape.len()).all(|j| {
                    let d = lead + j;
                    offsets[d] >= 0
                        && steps[j] > 0
                        && offsets[d] + (src_shape[j] - 1) * steps[j] < dst_shape[d]
                })
        });
        if !fits {
            return Err(op_error(ctx, op, "slice does not fit the destination"));
        }
        self.lanes_op(op, &mut |_, shape, inputs| {
            let mut out: Vec<Lane> = inputs[1].iter().map(|&v| Lane::Value(v)).collect();
            let dstrides = strides_of(shape);
            let sstrides = strides_of(&src_shape);
            let lead = shape.len() - src_shape.len();
            for (i, &x) in inputs[0].iter().enumerate() {
                let q = unravel(i, &sstrides);
                let di: usize = (0..shape.len())
                    .map(|d| {
                        let at = if d < lead {
                            offsets[d] as usize
                        } else {
                            offsets[d] as usize + q[d - lead] * steps[d - lead] as usize
                        };
                        at * dstrides[d]
                    })
                    .sum();
                out[di] = Lane::Value(x);
            }
            out
        })
    }

    // ----- reductions ----------------------------------------------------------

    /// `vector.reduction <kind>, %v [, %acc]`.
    fn reduction(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let kind = kind_keyword(ctx, op).ok_or_else(|| op_error(ctx, op, "needs a 'kind'"))?;
        let src = self.operand(op, 0)?;
        let acc = ctx.op(op).operands.get(1).copied();
        let r = self.result(op, 0)?;
        let layout = self.layout(op, ctx.value_type(src))?;
        let elem = layout.elem;
        use ArithOp::*;
        let aop = match (kind.as_str(), elem.is_float()) {
            ("add", true) => AddF,
            ("add", false) => AddI,
            ("mul", true) => MulF,
            ("mul", false) => MulI,
            ("minui", false) => MinUI,
            ("minsi", false) => MinSI,
            ("maxui", false) => MaxUI,
            ("maxsi", false) => MaxSI,
            ("and", false) => AndI,
            ("or", false) => OrI,
            ("xor", false) => XOrI,
            ("minnumf", true) => MinNumF,
            ("maxnumf", true) => MaxNumF,
            ("minimumf" | "minf", true) => MinimumF,
            ("maximumf" | "maxf", true) => MaximumF,
            _ => {
                return Err(op_error(
                    ctx,
                    op,
                    format!("kind '{kind}' does not apply to this element type"),
                ));
            }
        };
        let reassoc = ctx
            .attr(op, "fastmath")
            .and_then(|a| FastMathFlags::from_attr(ctx, a))
            .is_some_and(|f| f.0 & 1 != 0);
        let tree = layout.simd.is_some()
            && if elem.is_float() {
                reassoc && matches!(aop, AddF | MulF | MaximumF | MinimumF | MaxNumF | MinNumF)
            } else {
                matches!(aop, AddI | AndI | OrI | XOrI) || (aop == MulI && elem.ty != types::I8)
            };
        let mut parts = self.vector(op, src)?;
        let lanes = if tree && parts.len() > 1 {
            while parts.len() > 1 {
                let mut next = Vec::with_capacity(parts.len().div_ceil(2));
                for pair in parts.chunks(2) {
                    next.push(match pair {
                        [a, b] => self.combine(op, aop, elem, layout.part_ty(), *a, *b)?,
                        [a] => *a,
                        _ => unreachable!("chunks(2) yields one or two parts"),
                    });
                }
                parts = next;
            }
            let one = VecLayout {
                lanes: layout.per_part(),
                shape: vec![layout.per_part() as i64],
                ..layout.clone()
            };
            self.lanes(&parts, &one)
        } else {
            self.lanes(&parts, &layout)
        };
        let mut it = lanes.into_iter();
        let mut total = match acc {
            Some(a) => self.scalar(op, a)?,
            None => it
                .next()
                .ok_or_else(|| op_error(ctx, op, "reduces an empty vector"))?,
        };
        for x in it {
            total = self.combine(op, aop, elem, elem.ty, total, x)?;
        }
        self.set(r, Val::Scalar(total));
        Ok(())
    }

    /// `a <aop> b` on parts of type `ty` of elements `elem`.
    fn combine(
        &mut self,
        op: OpId,
        aop: ArithOp,
        elem: ScalarTy,
        ty: ir::Type,
        a: ir::Value,
        b: ir::Value,
    ) -> BackendResult<ir::Value> {
        if elem.is_float() {
            self.float_op(op, aop, ty, &[a, b])
        } else {
            self.int_op(op, aop, elem, &[a, b])
        }
    }
}

/// Computes a result's lanes from its shape and the lanes of each vector
/// operand.
type LanesFn<'x, T> = dyn FnMut(&mut T, &[i64], &[Vec<ir::Value>]) -> Vec<Lane> + 'x;

/// A lane of a result being built: a value or a constant.
#[derive(Copy, Clone, Debug)]
enum Lane {
    /// An existing value.
    Value(ir::Value),
    /// A constant.
    Const(DenseScalar),
}
