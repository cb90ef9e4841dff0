//! `memref` ops: descriptor arithmetic, element access, allocation.
//!
//! A memref is its descriptor fields ([`MemRefVal`]); fields the type
//! fixes are constants ([`Idx::Const`]), so addresses of identity-layout
//! buffers fold to `aligned + Σ index · (stride · size)`. `alloc` calls
//! the runtime's `malloc` (64-byte aligned, over-allocating for larger
//! `alignment`s), `dealloc` its `free`; `alloca` of a static shape is a
//! 16-byte aligned stack slot; globals are data objects of the module.

use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, types};
use tessera_compiler::{DYNAMIC, OpId, Value};
use tessera_dialects::memref::{Alloc, IndexValue, Load, Store, SubView, row_major_strides};

use super::translate::{BackendResult, FnTranslator, Idx, MemRefVal, Val, op_error, unsupported};
use super::types::{MemRefInfo, ScalarTy, type_name};

impl FnTranslator<'_, '_, '_, '_> {
    /// A `memref` op.
    pub(crate) fn memref_op(&mut self, op: OpId) -> BackendResult<()> {
        match self.ctx.op_name_of(op) {
            "memref.load" => self.load(op),
            "memref.store" => self.store(op),
            "memref.alloc" | "memref.alloca" => self.alloc(op),
            "memref.dealloc" => {
                let m = self.memref(op, self.operand(op, 0)?)?;
                self.call_runtime(op, "free", &[m.allocated], &[])?;
                Ok(())
            }
            "memref.copy" => self.copy(op),
            "memref.get_global" => self.get_global(op),
            "memref.subview" => self.subview(op),
            "memref.cast" => {
                let m = self.memref(op, self.operand(op, 0)?)?;
                let r = self.result(op, 0)?;
                let info = self.info(op, r)?;
                let m = self.refine(m, &info);
                self.set(r, Val::MemRef(m));
                Ok(())
            }
            "memref.dim" => self.dim(op),
            _ => Err(unsupported(self.ctx, op)),
        }
    }

    /// What the type of memref value `v` says, or an error at `op`.
    pub(crate) fn info(&self, op: OpId, v: Value) -> BackendResult<MemRefInfo> {
        MemRefInfo::of(self.ctx, self.ctx.value_type(v)).map_err(|e| op_error(self.ctx, op, e))
    }

    /// `m` with every field the type `info` fixes made that constant.
    fn refine(&self, mut m: MemRefVal, info: &MemRefInfo) -> MemRefVal {
        let fix = |stat: i64, cur: Idx| {
            if stat == DYNAMIC {
                cur
            } else {
                Idx::Const(stat)
            }
        };
        m.offset = fix(info.offset, m.offset);
        for i in 0..m.sizes.len().min(info.rank()) {
            m.sizes[i] = fix(info.shape[i], m.sizes[i]);
            m.strides[i] = fix(info.strides[i], m.strides[i]);
        }
        m
    }

    /// The index operands of `op` as values, one per dimension of `m`.
    fn index_values(
        &self,
        op: OpId,
        m: &MemRefVal,
        indices: &[Value],
    ) -> BackendResult<Vec<ir::Value>> {
        if indices.len() != m.sizes.len() {
            return Err(op_error(self.ctx, op, "needs one index per dimension"));
        }
        indices.iter().map(|&v| self.scalar(op, v)).collect()
    }

    /// `a + b`, folded when both are constants.
    pub(crate) fn idx_add(&mut self, a: Idx, b: Idx) -> Idx {
        match (a, b) {
            (Idx::Const(x), Idx::Const(y)) => Idx::Const(x.wrapping_add(y)),
            (Idx::Const(0), y) | (y, Idx::Const(0)) => y,
            (Idx::Const(c), Idx::Dyn(v)) | (Idx::Dyn(v), Idx::Const(c)) => {
                Idx::Dyn(self.b.ins().iadd_imm_s(v, c))
            }
            (Idx::Dyn(x), Idx::Dyn(y)) => Idx::Dyn(self.b.ins().iadd(x, y)),
        }
    }

    /// `a · b`, folded when both are constants.
    pub(crate) fn idx_mul(&mut self, a: Idx, b: Idx) -> Idx {
        match (a, b) {
            (Idx::Const(x), Idx::Const(y)) => Idx::Const(x.wrapping_mul(y)),
            (Idx::Const(0), _) | (_, Idx::Const(0)) => Idx::Const(0),
            (Idx::Const(1), y) | (y, Idx::Const(1)) => y,
            (Idx::Const(c), Idx::Dyn(v)) | (Idx::Dyn(v), Idx::Const(c)) => {
                Idx::Dyn(self.b.ins().imul_imm_s(v, c))
            }
            (Idx::Dyn(x), Idx::Dyn(y)) => Idx::Dyn(self.b.ins().imul(x, y)),
        }
    }

    /// The address of element `indices` of `m`: the aligned pointer plus
    /// the offset, then each index times its stride in bytes, outermost
    /// first, so the part fixed by outer loops is loop-invariant (hoisted)
    /// and the innermost index folds into the access's addressing mode.
    pub(crate) fn elem_addr(&mut self, m: &MemRefVal, indices: &[ir::Value]) -> ir::Value {
        let bytes = Idx::Const(m.elem.bytes());
        let mut addr = match self.idx_mul(m.offset, bytes) {
            Idx::Const(0) => m.aligned,
            Idx::Const(c) => self.b.ins().iadd_imm_s(m.aligned, c),
            Idx::Dyn(v) => self.b.ins().iadd(m.aligned, v),
        };
        for (&i, &stride) in indices.iter().zip(&m.strides) {
            let step = self.idx_mul(stride, bytes);
            if let Idx::Dyn(term) = self.idx_mul(Idx::Dyn(i), step) {
                addr = self.b.ins().iadd(addr, term);
            }
        }
        addr
    }

    /// Loads one element of `s` at `addr + offset`.
    pub(crate) fn load_elem(&mut self, s: ScalarTy, addr: ir::Value, offset: i32) -> ir::Value {
        self.b
            .ins()
            .load(s.ty, MemFlagsData::trusted(), addr, offset)
    }

    /// Stores one element at `addr + offset`.
    pub(crate) fn store_elem(&mut self, x: ir::Value, addr: ir::Value, offset: i32) {
        self.b.ins().store(MemFlagsData::trusted(), x, addr, offset);
    }

    fn load(&mut self, op: OpId) -> BackendResult<()> {
        let l = Load::view(self.ctx, op).ok_or_else(|| op_error(self.ctx, op, "is malformed"))?;
        let m = self.memref(op, l.memref)?;
        let idx = self.index_values(op, &m, l.indices)?;
        let addr = self.elem_addr(&m, &idx);
        let x = self.load_elem(m.elem, addr, 0);
        self.set(l.result, Val::Scalar(x));
        Ok(())
    }

    fn store(&mut self, op: OpId) -> BackendResult<()> {
        let s = Store::view(self.ctx, op).ok_or_else(|| op_error(self.ctx, op, "is malformed"))?;
        let m = self.memref(op, s.memref)?;
        let x = self.scalar(op, s.value)?;
        let idx = self.index_values(op, &m, s.indices)?;
        let addr = self.elem_addr(&m, &idx);
        self.store_elem(x, addr, 0);
        Ok(())
    }

    /// `memref.alloc` (heap) and `memref.alloca` (stack) with the identity
    /// layout.
    fn alloc(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let a = Alloc::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let info = self.info(op, a.result)?;
        if !a.symbols.is_empty()
            || info.offset != 0
            || info.strides != row_major_strides(&info.shape)
        {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "of {} is not supported: only the identity layout is",
                    type_name(ctx, a.ty)
                ),
            ));
        }
        let mut dynamic = a.dynamic_sizes.iter();
        let mut sizes = Vec::with_capacity(info.rank());
        for &d in &info.shape {
            sizes.push(if d == DYNAMIC {
                let v = *dynamic
                    .next()
                    .ok_or_else(|| op_error(ctx, op, "lacks a dynamic size"))?;
                Idx::Dyn(self.scalar(op, v)?)
            } else {
                Idx::Const(d)
            });
        }
        let mut strides = vec![Idx::Const(1); sizes.len()];
        let mut count = Idx::Const(1);
        for i in (0..sizes.len()).rev() {
            strides[i] = count;
            count = self.idx_mul(count, sizes[i]);
        }
        let bytes = self.idx_mul(count, Idx::Const(info.elem.bytes()));
        let (allocated, aligned) = if a.on_stack {
            let Idx::Const(n) = bytes else {
                return Err(op_error(ctx, op, "with dynamic sizes is not supported"));
            };
            let size = u32::try_from(n.max(1))
                .map_err(|_| op_error(ctx, op, "is too large for a stack slot"))?;
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                size,
                4,
            ));
            let p = self.b.ins().stack_addr(types::I64, slot, 0);
            (p, p)
        } else {
            let align = a.alignment.unwrap_or(64).max(1);
            if align & (align - 1) != 0 {
                return Err(op_error(ctx, op, "alignment must be a power of two"));
            }
            let extra = if align > 64 { align } else { 0 };
            let n = self.idx_add(bytes, Idx::Const(extra));
            let n = self.idx_value(n);
            let p = self.call_runtime(op, "malloc", &[n], &[types::I64])?[0];
            if align > 64 {
                let up = self.b.ins().iadd_imm_s(p, align - 1);
                (p, self.b.ins().band_imm_s(up, -align))
            } else {
                (p, p)
            }
        };
        self.set(
            a.result,
            Val::MemRef(MemRefVal {
                allocated,
                aligned,
                offset: Idx::Const(0),
                sizes,
                strides,
                elem: info.elem,
            }),
        );
        Ok(())
    }

    /// Runs `body` for every index tuple below `sizes`, in row-major order.
    pub(crate) fn loop_nest(
        &mut self,
        sizes: &[Idx],
        body: &mut dyn FnMut(&mut Self, &[ir::Value]) -> BackendResult<()>,
    ) -> BackendResult<()> {
        let mut ivs = Vec::with_capacity(sizes.len());
        self.loop_level(sizes, &mut ivs, body)
    }

    fn loop_level(
        &mut self,
        sizes: &[Idx],
        ivs: &mut Vec<ir::Value>,
        body: &mut dyn FnMut(&mut Self, &[ir::Value]) -> BackendResult<()>,
    ) -> BackendResult<()> {
        let d = ivs.len();
        if d == sizes.len() {
            return body(self, ivs);
        }
        let header = self.b.create_block();
        let iv = self.b.append_block_param(header, types::I64);
        let inner = self.b.create_block();
        let exit = self.b.create_block();
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().jump(header, &[zero.into()]);
        self.b.switch_to_block(header);
        let go = match sizes[d] {
            Idx::Const(n) => self
                .b
                .ins()
                .icmp_imm_s(ir::condcodes::IntCC::SignedLessThan, iv, n),
            Idx::Dyn(n) => self
                .b
                .ins()
                .icmp(ir::condcodes::IntCC::SignedLessThan, iv, n),
        };
        self.b.ins().brif(go, inner, &[], exit, &[]);
        self.b.switch_to_block(inner);
        ivs.push(iv);
        self.loop_level(sizes, ivs, body)?;
        ivs.pop();
        let next = self.b.ins().iadd_imm_s(iv, 1);
        self.b.ins().jump(header, &[next.into()]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// `m` viewed as one dimension if its elements are contiguous in
    /// row-major order (static strides matching static sizes).
    fn as_flat(&self, m: &MemRefVal) -> Option<MemRefVal> {
        let mut expect = 1i64;
        for i in (0..m.sizes.len()).rev() {
            match (m.sizes[i], m.strides[i]) {
                (Idx::Const(n), Idx::Const(s)) if s == expect || n == 1 => expect *= n,
                _ => return None,
            }
        }
        Some(MemRefVal {
            sizes: vec![Idx::Const(expect)],
            strides: vec![Idx::Const(1)],
            ..m.clone()
        })
    }

    /// `memref.copy`: element by element, as one flat loop when both
    /// sides are contiguous with the same static shape.
    fn copy(&mut self, op: OpId) -> BackendResult<()> {
        let src = self.memref(op, self.operand(op, 0)?)?;
        let dst = self.memref(op, self.operand(op, 1)?)?;
        if src.sizes.len() != dst.sizes.len() {
            return Err(op_error(self.ctx, op, "needs memrefs of one rank"));
        }
        let (src, dst) = match (self.as_flat(&src), self.as_flat(&dst)) {
            (Some(s), Some(d)) if s.sizes == d.sizes && src.sizes == dst.sizes => (s, d),
            _ => (src, dst),
        };
        let sizes = src.sizes.clone();
        self.loop_nest(&sizes, &mut |t, idx| {
            let from = t.elem_addr(&src, idx);
            let x = t.load_elem(src.elem, from, 0);
            let to = t.elem_addr(&dst, idx);
            t.store_elem(x, to, 0);
            Ok(())
        })
    }

    fn get_global(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let name = match ctx.attr_data_of(op, "name") {
            Some(tessera_compiler::AttrData::SymbolRef { root, .. }) => ctx.symbol_str(*root),
            _ => return Err(op_error(ctx, op, "needs a symbol 'name'")),
        };
        let (id, _) = *self
            .env
            .globals
            .get(name)
            .ok_or_else(|| op_error(ctx, op, format!("refers to unknown global '@{name}'")))?;
        let r = self.result(op, 0)?;
        let info = self.info(op, r)?;
        if info.shape.contains(&DYNAMIC) || info.strides.contains(&DYNAMIC) {
            return Err(op_error(ctx, op, "result type must be static"));
        }
        let gv = self.data_ref(id);
        let addr = self.b.ins().symbol_value(types::I64, gv);
        let m = MemRefVal {
            allocated: addr,
            aligned: addr,
            offset: Idx::Const(info.offset),
            sizes: info.shape.iter().map(|&s| Idx::Const(s)).collect(),
            strides: info.strides.iter().map(|&s| Idx::Const(s)).collect(),
            elem: info.elem,
        };
        self.set(r, Val::MemRef(m));
        Ok(())
    }

    fn index_value(&self, op: OpId, v: IndexValue) -> BackendResult<Idx> {
        Ok(match v {
            IndexValue::Static(c) => Idx::Const(c),
            IndexValue::Dynamic(v) => Idx::Dyn(self.scalar(op, v)?),
        })
    }

    /// `memref.subview`: offset += Σ offset_i · stride_i, stride_i *=
    /// step_i; the dimensions a rank-reducing subview drops are its
    /// size-1 ones that the result type does not keep.
    fn subview(&mut self, op: OpId) -> BackendResult<()> {
        let ctx = self.ctx;
        let s = SubView::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
        let m = self.memref(op, s.source)?;
        let info = self.info(op, s.result)?;
        let rank = m.sizes.len();
        if s.offsets.len() != rank || s.sizes.len() != rank || s.strides.len() != rank {
            return Err(op_error(
                ctx,
                op,
                "needs one offset, size and stride per dimension",
            ));
        }
        let mut offset = m.offset;
        let mut sizes = Vec::with_capacity(rank);
        let mut strides = Vec::with_capacity(rank);
        for i in 0..rank {
            let o = self.index_value(op, s.offsets[i])?;
            let term = self.idx_mul(o, m.strides[i]);
            offset = self.idx_add(offset, term);
            sizes.push(self.index_value(op, s.sizes[i])?);
            let step = self.index_value(op, s.strides[i])?;
            strides.push(self.idx_mul(m.strides[i], step));
        }
        let keep = kept_dims(&sizes, &strides, &info)
            .ok_or_else(|| op_error(ctx, op, "result type does not match the subview"))?;
        let pick = |v: &[Idx]| -> Vec<Idx> {
            v.iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| *x)
                .collect()
        };
        let view = MemRefVal {
            offset,
            sizes: pick(&sizes),
            strides: pick(&strides),
            ..m
        };
        let view = self.refine(view, &info);
        self.set(s.result, Val::MemRef(view));
        Ok(())
    }

    /// `memref.dim %m, %i`: a size, chosen by a select chain when `%i` is
    /// not a constant.
    fn dim(&mut self, op: OpId) -> BackendResult<()> {
        let data = self.ctx.op(op);
        let (&mv, &iv, r) = match (&data.operands[..], data.results.first()) {
            ([m, i], Some(r)) => (m, i, *r),
            _ => return Err(op_error(self.ctx, op, "needs a memref and an index")),
        };
        let m = self.memref(op, mv)?;
        let size = match self.static_int(iv) {
            Some(i) => {
                let s = *m
                    .sizes
                    .get(i as usize)
                    .ok_or_else(|| op_error(self.ctx, op, "index out of range"))?;
                self.idx_value(s)
            }
            None => {
                let i = self.scalar(op, iv)?;
                let mut acc = self.b.ins().iconst(types::I64, 0);
                for (d, &s) in m.sizes.iter().enumerate() {
                    let v = self.idx_value(s);
                    let hit = self
                        .b
                        .ins()
                        .icmp_imm_s(ir::condcodes::IntCC::Equal, i, d as i64);
                    acc = self.b.ins().select(hit, v, acc);
                }
                acc
            }
        };
        self.set(r, Val::Scalar(size));
        Ok(())
    }

    /// The value of `v` if it is defined by an integer `arith.constant`.
    pub(crate) fn static_int(&self, v: Value) -> Option<i64> {
        let def = self.ctx.defining_op(v)?;
        if !self.ctx.op_is(def, "arith.constant") {
            return None;
        }
        self.ctx
            .attr_data_of(def, "value")?
            .as_int()
            .map(|i| i as i64)
    }
}

/// Which source dimensions a subview with these sizes and strides keeps
/// so that the kept ones match the result type `info` (size-1 dimensions
/// may be dropped); `None` if no choice matches.
fn kept_dims(sizes: &[Idx], strides: &[Idx], info: &MemRefInfo) -> Option<Vec<bool>> {
    fn fits(want: i64, have: Idx) -> bool {
        want == DYNAMIC || have == Idx::Const(want) || matches!(have, Idx::Dyn(_))
    }
    fn go(
        i: usize,
        j: usize,
        sizes: &[Idx],
        strides: &[Idx],
        info: &MemRefInfo,
        keep: &mut Vec<bool>,
    ) -> bool {
        if i == sizes.len() {
            return j == info.rank();
        }
        if j < info.rank() && fits(info.shape[j], sizes[i]) && fits(info.strides[j], strides[i]) {
            keep.push(true);
            if go(i + 1, j + 1, sizes, strides, info, keep) {
                return true;
            }
            keep.pop();
        }
        if sizes[i] == Idx::Const(1) {
            keep.push(false);
            if go(i + 1, j, sizes, strides, info, keep) {
                return true;
            }
            keep.pop();
        }
        false
    }
    let mut keep = Vec::with_capacity(sizes.len());
    go(0, 0, sizes, strides, info, &mut keep).then_some(keep)
}
