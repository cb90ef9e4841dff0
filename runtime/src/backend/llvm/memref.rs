//! `memref` ops on descriptors: element addresses (`aligned + offset +
//! Σ index·stride`), loads and stores, heap (`malloc`/`free`) and stack
//! buffers, copies (`memcpy` when both sides are contiguous, loops
//! otherwise), globals holding dense bytes, and views (`subview`, `cast`)
//! that only compute new descriptor fields.
//!
//! A static `memref.alloca` becomes an `alloca` in the function's entry
//! block, so one buffer serves every execution of the op in that call
//! (MLIR's own lowering allocates per execution inside loops; reusing is
//! the same as long as no buffer is kept across iterations).

use inkwell::module::Linkage;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValue, IntValue, PointerValue};
use tessera_compiler::syntax::dense::elem_size;
use tessera_compiler::{AttrData, DYNAMIC, OpId};
use tessera_dialects::memref::{
    Alloc, Global, GlobalInit, IndexValue, Load, Store, SubView, get_global_name, row_major_strides,
};

use super::translate::{MemRefVal, R, Translator, Val};
use super::types::MemRefInfo;

/// Alignment of globals and of `alloca`s, in bytes: a cache line.
const BUFFER_ALIGN: u32 = 64;

/// The alignment the C library's `malloc` guarantees on every 64-bit
/// host; `memref.alloc` asking for more over-allocates.
const MALLOC_ALIGN: i64 = 16;

/// Defines the LLVM global of a `memref.global`.
pub(super) fn declare_global(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let g = Global::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    t.check_global_name(op, g.name)?;
    let info = t.memref_info(g.ty, op)?;
    let count = info
        .num_elements()
        .filter(|_| info.is_contiguous() && info.offset == 0)
        .ok_or_else(|| {
            t.err(
                op,
                "has a type with a dynamic size or a non-identity layout",
            )
        })?;
    let elem = t.llvm_type(info.elem, op)?;
    let es = t.size_of(elem);
    let total = (count as u64)
        .checked_mul(es)
        .ok_or_else(|| t.err(op, "is too large"))?;
    let arr = t.llcx.i8_type().array_type(total as u32);
    if total > u32::MAX as u64 {
        return Err(t.err(op, "is too large"));
    }
    let gv = t.module.add_global(arr, None, g.name);
    match g.init {
        GlobalInit::External => {}
        GlobalInit::Uninitialized => gv.set_initializer(&arr.const_zero()),
        GlobalInit::Value(attr) => {
            let AttrData::DenseElements(d) = ir.attr_data(attr) else {
                return Err(t.err(op, "has an initial value that is not dense elements"));
            };
            if elem_size(ir, info.elem) != Some(es as usize) {
                return Err(t.err(
                    op,
                    "has elements whose storage size differs from LLVM's for the type",
                ));
            }
            let bytes = if d.splat {
                d.bytes.repeat(count as usize)
            } else {
                d.bytes.clone()
            };
            if bytes.len() as u64 != total {
                return Err(t.err(op, "has an initial value of the wrong size"));
            }
            gv.set_initializer(&t.llcx.const_string(&bytes, false));
        }
    }
    gv.set_constant(g.constant);
    let align = g.alignment.unwrap_or(0).max(BUFFER_ALIGN as i64);
    gv.set_alignment(u32::try_from(align).unwrap_or(BUFFER_ALIGN));
    let private = matches!(
        ir.attr_data_of(op, "sym_visibility"),
        Some(AttrData::String(s)) if s == "private"
    );
    if private && g.init != GlobalInit::External {
        gv.set_linkage(Linkage::Internal);
    }
    t.globals.insert(g.name.to_string(), gv.as_pointer_value());
    Ok(())
}

/// Translates a `memref` op.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    match ir.op_name_of(op) {
        "memref.load" => {
            let l = Load::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
            let m = t.memref(l.memref, op)?;
            let elem = t.llvm_type(ir.value_type(l.result), op)?;
            let idx = ints(t, l.indices, op)?;
            let p = t.element_ptr(&m, &idx, elem)?;
            let v = t.b.build_load(elem, p, "")?;
            t.set_basic(l.result, v);
        }
        "memref.store" => {
            let s = Store::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
            let m = t.memref(s.memref, op)?;
            let v = t.basic(s.value, op)?;
            let idx = ints(t, s.indices, op)?;
            let p = t.element_ptr(&m, &idx, v.get_type())?;
            t.b.build_store(p, v)?;
        }
        "memref.alloc" | "memref.alloca" => alloc(t, op)?,
        "memref.dealloc" => {
            let v = *ir
                .op(op)
                .operands
                .first()
                .ok_or_else(|| t.err(op, "has no operand"))?;
            let m = t.memref(v, op)?;
            let ptr = t.ptr_type();
            let free = t.external("free", t.llcx.void_type().fn_type(&[ptr.into()], false));
            t.b.build_call(free, &[m.allocated.into()], "")?;
        }
        "memref.copy" => copy(t, op)?,
        "memref.get_global" => {
            let name = get_global_name(ir, op).ok_or_else(|| t.err(op, "names no global"))?;
            let ptr = *t
                .globals
                .get(name)
                .ok_or_else(|| t.err(op, format!("names '@{name}', which is not a global")))?;
            let result = *ir
                .op(op)
                .results
                .first()
                .ok_or_else(|| t.err(op, "has no result"))?;
            let info = t.memref_info(ir.value_type(result), op)?;
            let m = t.static_memref(ptr, &info, op)?;
            t.set(result, Val::MemRef(m));
        }
        "memref.subview" => subview(t, op)?,
        "memref.cast" => {
            let data = ir.op(op);
            let (Some(&src), Some(&result)) = (data.operands.first(), data.results.first()) else {
                return Err(t.err(op, "is malformed"));
            };
            let m = t.memref(src, op)?;
            let info = t.memref_info(ir.value_type(result), op)?;
            if info.rank() != m.sizes.len() {
                return Err(t.err(op, "changes the rank"));
            }
            let m = t.with_static(m, &info);
            t.set(result, Val::MemRef(m));
        }
        _ => return Err(t.unsupported(op)),
    }
    Ok(())
}

/// The integer values of `vs`.
fn ints<'ctx>(
    t: &Translator<'_, 'ctx>,
    vs: &[tessera_compiler::Value],
    op: OpId,
) -> R<Vec<IntValue<'ctx>>> {
    vs.iter().map(|&v| t.int(v, op)).collect()
}

impl<'ctx> Translator<'_, 'ctx> {
    /// Checks the name of a `memref.global`.
    pub(super) fn check_global_name(&self, op: OpId, name: &str) -> R<()> {
        if name.starts_with("_tessera_packed_")
            || name.starts_with("_mlir_ciface_")
            || name.starts_with("__tessera_")
            || name.starts_with("llvm.")
            || crate::backend::support::symbol_address(name).is_some()
        {
            return Err(self.err(
                op,
                format!("symbol '@{name}' is a name the LLVM backend reserves"),
            ));
        }
        if self.module.get_function(name).is_some() || self.globals.contains_key(name) {
            return Err(self.err(op, format!("redefines '@{name}'")));
        }
        Ok(())
    }

    /// The address of element `indices` of `m` (elements of type `elem`).
    pub(super) fn element_ptr(
        &self,
        m: &MemRefVal<'ctx>,
        indices: &[IntValue<'ctx>],
        elem: BasicTypeEnum<'ctx>,
    ) -> R<PointerValue<'ctx>> {
        if indices.len() != m.strides.len() {
            return Err(super::BackendError::new(
                "a memref access has the wrong number of indices",
            ));
        }
        let mut linear = m.offset;
        for (&i, &s) in indices.iter().zip(&m.strides) {
            let term = self.b.build_int_mul(i, s, "")?;
            linear = self.b.build_int_add(linear, term, "")?;
        }
        self.gep(elem, m.aligned, linear)
    }

    /// The descriptor of a buffer at `ptr` whose type knows every size,
    /// stride and offset.
    pub(super) fn static_memref(
        &self,
        ptr: PointerValue<'ctx>,
        info: &MemRefInfo,
        op: OpId,
    ) -> R<MemRefVal<'ctx>> {
        if info.shape.contains(&DYNAMIC)
            || info.strides.contains(&DYNAMIC)
            || info.offset == DYNAMIC
        {
            return Err(self.err(op, "has a type with dynamic sizes, strides or offset"));
        }
        let c = |v: &[i64]| v.iter().map(|&x| self.i64c(x)).collect();
        Ok(MemRefVal {
            allocated: ptr,
            aligned: ptr,
            offset: self.i64c(info.offset),
            sizes: c(&info.shape),
            strides: c(&info.strides),
        })
    }
}

/// `memref.alloc` and `memref.alloca`.
fn alloc(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let a = Alloc::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    if !a.symbols.is_empty() {
        return Err(t.err(
            op,
            "has layout symbols, which the LLVM backend does not support",
        ));
    }
    let info = t.memref_info(a.ty, op)?;
    let elem = t.llvm_type(info.elem, op)?;
    let es = t.size_of(elem) as i64;
    let mut dynamic = a.dynamic_sizes.iter();
    let mut sizes = Vec::with_capacity(info.rank());
    for &d in &info.shape {
        sizes.push(if d == DYNAMIC {
            let v = dynamic
                .next()
                .ok_or_else(|| t.err(op, "has fewer size operands than '?' sizes"))?;
            t.int(*v, op)?
        } else {
            t.i64c(d)
        });
    }
    let identity = info.offset == 0 && info.strides == row_major_strides(&info.shape);
    let (strides, count) = if identity || info.strides.iter().all(|&s| s == DYNAMIC) {
        // Row-major over the actual sizes.
        let mut strides = vec![t.i64c(1); sizes.len()];
        let mut acc = t.i64c(1);
        for i in (0..sizes.len()).rev() {
            strides[i] = acc;
            acc = t.b.build_int_mul(acc, sizes[i], "")?;
        }
        (strides, acc)
    } else if let (Some(_), false, false) = (
        info.num_elements(),
        info.strides.contains(&DYNAMIC),
        info.offset == DYNAMIC,
    ) {
        // A static strided layout: the buffer spans to the last element.
        let mut span = info.offset + 1;
        for (&n, &s) in info.shape.iter().zip(&info.strides) {
            if n == 0 {
                span = 0;
                break;
            }
            span += (n - 1) * s;
        }
        let strides = info.strides.iter().map(|&s| t.i64c(s)).collect();
        (strides, t.i64c(span))
    } else {
        return Err(t.err(op, "allocates a layout the LLVM backend does not support"));
    };
    let align = a.alignment.unwrap_or(0);
    if align < 0 || (align > 0 && (align as u64).count_ones() != 1) {
        return Err(t.err(op, "has an alignment that is not a power of two"));
    }
    let bytes = t.b.build_int_mul(count, t.i64c(es), "")?;
    let (allocated, aligned) = if a.on_stack {
        let p = stack_buffer(t, elem, count, align)?;
        (p, p)
    } else {
        heap_buffer(t, bytes, align)?
    };
    let m = MemRefVal {
        allocated,
        aligned,
        offset: t.i64c(if info.offset == DYNAMIC {
            0
        } else {
            info.offset
        }),
        sizes,
        strides,
    };
    let m = t.with_static(m, &info);
    t.set(a.result, Val::MemRef(m));
    Ok(())
}

/// A stack buffer of `count` elements: in the entry block when `count` is
/// a constant, else where the builder is.
fn stack_buffer<'ctx>(
    t: &Translator<'_, 'ctx>,
    elem: BasicTypeEnum<'ctx>,
    count: IntValue<'ctx>,
    align: i64,
) -> R<PointerValue<'ctx>> {
    let align = (align as u32).max(t.align_of(elem)).max(BUFFER_ALIGN);
    let here = t.current_block()?;
    let constant = count.is_const();
    if constant {
        t.b.position_at_end(t.entry_block()?);
    }
    let p = t.b.build_array_alloca(elem, count, "")?;
    if let Some(inst) = p.as_instruction_value() {
        inst.set_alignment(align)
            .map_err(|e| super::BackendError::new(format!("cannot align an alloca: {e:?}")))?;
    }
    if constant {
        t.b.position_at_end(here);
    }
    Ok(p)
}

/// `malloc(bytes)`, over-allocated and aligned up when `align` exceeds
/// what `malloc` guarantees; returns (allocated, aligned).
fn heap_buffer<'ctx>(
    t: &Translator<'_, 'ctx>,
    bytes: IntValue<'ctx>,
    align: i64,
) -> R<(PointerValue<'ctx>, PointerValue<'ctx>)> {
    let ptr = t.ptr_type();
    let malloc = t.external("malloc", ptr.fn_type(&[t.i64t().into()], false));
    if align <= MALLOC_ALIGN {
        let p = t.call_value(malloc, &[bytes.into()])?.into_pointer_value();
        return Ok((p, p));
    }
    let padded = t.b.build_int_add(bytes, t.i64c(align - 1), "")?;
    let p = t.call_value(malloc, &[padded.into()])?.into_pointer_value();
    let addr = t.b.build_ptr_to_int(p, t.i64t(), "")?;
    let rem = t.b.build_int_unsigned_rem(addr, t.i64c(align), "")?;
    let gap = t.b.build_int_sub(t.i64c(align), rem, "")?;
    let gap = t.b.build_int_unsigned_rem(gap, t.i64c(align), "")?;
    let aligned = t.gep(t.llcx.i8_type().into(), p, gap)?;
    Ok((p, aligned))
}

/// `memref.copy`: one `memcpy` when both sides are contiguous, else a
/// loop nest over the source's sizes.
fn copy(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let data = ir.op(op);
    let [src_v, dst_v] = data.operands[..] else {
        return Err(t.err(op, "expects a source and a target"));
    };
    let (src, dst) = (t.memref(src_v, op)?, t.memref(dst_v, op)?);
    let si = t.memref_info(ir.value_type(src_v), op)?;
    let di = t.memref_info(ir.value_type(dst_v), op)?;
    let elem = t.llvm_type(si.elem, op)?;
    if si.rank() != di.rank() {
        return Err(t.err(op, "copies between memrefs of different ranks"));
    }
    if si.is_contiguous() && di.is_contiguous() {
        let n = si.num_elements().unwrap_or(0);
        let es = t.size_of(elem) as i64;
        let sp = t.gep(elem, src.aligned, src.offset)?;
        let dp = t.gep(elem, dst.aligned, dst.offset)?;
        let a = t.align_of(elem);
        t.b.build_memcpy(dp, a, sp, a, t.i64c(n * es))?;
        return Ok(());
    }
    copy_loops(t, &src, &dst, elem, &mut Vec::new())
}

/// The loops of a strided copy, from dimension `idx.len()` inwards.
fn copy_loops<'ctx>(
    t: &mut Translator<'_, 'ctx>,
    src: &MemRefVal<'ctx>,
    dst: &MemRefVal<'ctx>,
    elem: BasicTypeEnum<'ctx>,
    idx: &mut Vec<IntValue<'ctx>>,
) -> R<()> {
    let dim = idx.len();
    if dim == src.sizes.len() {
        let sp = t.element_ptr(src, idx, elem)?;
        let v = t.b.build_load(elem, sp, "")?;
        let dp = t.element_ptr(dst, idx, elem)?;
        t.b.build_store(dp, v)?;
        return Ok(());
    }
    let (zero, one) = (t.i64c(0), t.i64c(1));
    t.counted_loop(zero, src.sizes[dim], one, Vec::new(), &mut |t, iv, _| {
        idx.push(iv);
        copy_loops(t, src, dst, elem, idx)?;
        idx.pop();
        Ok(Vec::new())
    })?;
    Ok(())
}

/// `memref.subview`: the offset moves by `Σ offset·stride`, strides scale
/// by the steps, and dropped unit dimensions leave the descriptor.
fn subview(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let s = SubView::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let src = t.memref(s.source, op)?;
    let info = t.memref_info(ir.value_type(s.result), op)?;
    let value = |v: &IndexValue| -> R<IntValue> {
        match *v {
            IndexValue::Static(c) => Ok(t.i64c(c)),
            IndexValue::Dynamic(x) => t.int(x, op),
        }
    };
    let rank = src.sizes.len();
    if s.offsets.len() != rank || s.sizes.len() != rank || s.strides.len() != rank {
        return Err(t.err(op, "has lists of the wrong length"));
    }
    let mut offset = src.offset;
    let mut sizes = Vec::new();
    let mut strides = Vec::new();
    let mut j = 0;
    for i in 0..rank {
        let o = value(&s.offsets[i])?;
        let term = t.b.build_int_mul(o, src.strides[i], "")?;
        offset = t.b.build_int_add(offset, term, "")?;
        let static_size = match s.sizes[i] {
            IndexValue::Static(c) => c,
            IndexValue::Dynamic(_) => DYNAMIC,
        };
        // The dimensions kept are matched as the verifier matches them.
        if j < info.rank() && info.shape[j] == static_size {
            sizes.push(value(&s.sizes[i])?);
            let step = value(&s.strides[i])?;
            strides.push(t.b.build_int_mul(src.strides[i], step, "")?);
            j += 1;
        } else if static_size != 1 {
            return Err(t.err(op, "drops a dimension whose size is not 1"));
        }
    }
    if j != info.rank() {
        return Err(t.err(op, "has a result rank that does not match its sizes"));
    }
    let m = MemRefVal {
        allocated: src.allocated,
        aligned: src.aligned,
        offset,
        sizes,
        strides,
    };
    let m = t.with_static(m, &info);
    t.set(s.result, Val::MemRef(m));
    Ok(())
}
