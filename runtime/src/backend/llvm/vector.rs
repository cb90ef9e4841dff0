//! `vector` ops on flat LLVM vectors (see the [module docs](super)): an
//! n-D vector is one LLVM vector of all its elements in row-major order,
//! so a row (the innermost dimension) is a run of consecutive lanes.
//!
//! - Loads and stores go row by row (one unaligned LLVM load or store per
//!   row, element alignment), lane by lane when the memref's innermost
//!   stride is not statically 1.
//! - `maskedload`/`maskedstore` use `llvm.masked.load`/`store`.
//! - Transfers along a minor-identity map with a unit innermost stride go
//!   row by row, masked (`llvm.masked.load`/`store`) where a lane may be
//!   out of bounds or masked off; any other map (transposes, broadcasts,
//!   strides) computes a pointer per lane and uses
//!   `llvm.masked.gather`/`scatter`, so no lane out of bounds is touched.
//! - `broadcast`, `extract`, `insert` with static positions are shuffles;
//!   `shape_cast` is free; `reduction` uses `llvm.vector.reduce.*`
//!   (ordered for `add`/`mul` on floats: the result is the sequential
//!   one) and a chain of exact `arith` min/max for the float min/max kinds.
//! - `print` is not supported.

use inkwell::IntPredicate;
use inkwell::context::Context as LlContext;
use inkwell::types::{BasicTypeEnum, VectorType};
use inkwell::values::{BasicValue, BasicValueEnum, IntValue, PointerValue, VectorValue};
use tessera_compiler::OpId;
use tessera_dialects::arith::ArithOp;
use tessera_dialects::memref::IndexValue;
use tessera_dialects::vector::{
    Access, CombiningKind, Element, MaskedAccess, Position, Reduction, constant_mask_sizes,
};

use super::BackendError;
use super::translate::{MemRefVal, R, Translator};
use super::types::vector_parts;

/// The type a vector has in memory: `i1` lanes are bytes.
pub(super) fn memory_vector_type<'ctx>(
    llcx: &'ctx LlContext,
    vt: VectorType<'ctx>,
) -> VectorType<'ctx> {
    match vt.get_element_type() {
        BasicTypeEnum::IntType(i) if i.get_bit_width() == 1 => {
            llcx.i8_type().vec_type(vt.get_size())
        }
        _ => vt,
    }
}

/// The vector of `n` lanes of `elem` (a scalar or pointer type).
pub(super) fn vector_of(elem: BasicTypeEnum<'_>, n: u32) -> R<VectorType<'_>> {
    match elem {
        BasicTypeEnum::IntType(t) => Ok(t.vec_type(n)),
        BasicTypeEnum::FloatType(t) => Ok(t.vec_type(n)),
        BasicTypeEnum::PointerType(t) => Ok(t.vec_type(n)),
        _ => Err(BackendError::new("a vector of non-scalar lanes")),
    }
}

/// Translates a `vector` op.
pub(super) fn translate(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    match ir.op_name_of(op) {
        "vector.load" | "vector.store" => access(t, op),
        "vector.maskedload" | "vector.maskedstore" => masked_access(t, op),
        "vector.broadcast" => broadcast(t, op),
        "vector.splat" => {
            let (x, result) = unary(t, op)?;
            let n = t.lanes_of(result, op)?;
            let v = t.splat(x, n)?;
            t.set_basic(result, v);
            Ok(())
        }
        "vector.fma" => {
            let data = ir.op(op);
            let (Some(&result), [a, b, c]) = (data.results.first(), &data.operands[..]) else {
                return Err(t.err(op, "expects three operands and a result"));
            };
            let rt = t.llvm_type(ir.value_type(result), op)?;
            let args = [t.basic(*a, op)?, t.basic(*b, op)?, t.basic(*c, op)?];
            let v = t.intrinsic("llvm.fma", &[rt], &args)?;
            t.set_basic(result, v);
            Ok(())
        }
        "vector.reduction" => reduction(t, op),
        "vector.extract" | "vector.insert" => position(t, op),
        "vector.extractelement" | "vector.insertelement" => element(t, op),
        "vector.transfer_read" | "vector.transfer_write" => super::transfer::translate(t, op),
        "vector.shape_cast" => {
            let (x, result) = unary(t, op)?;
            t.set_basic(result, x);
            Ok(())
        }
        "vector.create_mask" => create_mask(t, op),
        "vector.constant_mask" => {
            let result = *ir
                .op(op)
                .results
                .first()
                .ok_or_else(|| t.err(op, "has no result"))?;
            let sizes = constant_mask_sizes(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
            let shape = t.shape_of(result, op)?;
            let i1 = t.llcx.bool_type();
            let lanes: Vec<BasicValueEnum> = coordinates(&shape)
                .map(|c| {
                    let on = c.iter().zip(&sizes).all(|(&i, &s)| i < s)
                        && (!shape.is_empty() || sizes.first().is_none_or(|&s| s > 0));
                    i1.const_int(on as u64, false).into()
                })
                .collect();
            t.set_basic(result, VectorType::const_vector(&lanes));
            Ok(())
        }
        _ => Err(t.unsupported(op)),
    }
}

/// The one operand and the result of `op`.
fn unary<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
) -> R<(BasicValueEnum<'ctx>, tessera_compiler::Value)> {
    let data = t.ir.op(op);
    match (&data.operands[..], data.results.first()) {
        ([x], Some(&r)) => Ok((t.basic(*x, op)?, r)),
        _ => Err(t.err(op, "expects one operand and a result")),
    }
}

/// Every coordinate of `shape` in row-major order (one, empty, for rank 0).
pub(super) fn coordinates(shape: &[i64]) -> impl Iterator<Item = Vec<i64>> + '_ {
    let n: i64 = shape.iter().product();
    (0..n.max(0)).map(move |mut f| {
        let mut c = vec![0; shape.len()];
        for i in (0..shape.len()).rev() {
            c[i] = f % shape[i];
            f /= shape[i];
        }
        c
    })
}

/// Row-major strides of a vector shape.
pub(super) fn strides_of(shape: &[i64]) -> Vec<i64> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

impl<'ctx> Translator<'_, 'ctx> {
    /// An `i32` constant (lane indices).
    pub(super) fn i32c(&self, v: u64) -> IntValue<'ctx> {
        self.llcx.i32_type().const_int(v, false)
    }

    /// The shape of the vector type of `v`.
    pub(super) fn shape_of(&self, v: tessera_compiler::Value, op: OpId) -> R<Vec<i64>> {
        let ty = self.ir.value_type(v);
        vector_parts(self.ir, ty)
            .map(|(s, _)| s.to_vec())
            .ok_or_else(|| self.err(op, "expects a vector type"))
    }

    /// The number of lanes of the vector type of `v`.
    fn lanes_of(&self, v: tessera_compiler::Value, op: OpId) -> R<u32> {
        match self.llvm_type(self.ir.value_type(v), op)? {
            BasicTypeEnum::VectorType(vt) => Ok(vt.get_size()),
            _ => Err(self.err(op, "expects a vector type")),
        }
    }

    /// `shufflevector a, b, mask` (`b` poison when `None`).
    pub(super) fn shuffle(
        &self,
        a: VectorValue<'ctx>,
        b: Option<VectorValue<'ctx>>,
        mask: &[u32],
    ) -> R<VectorValue<'ctx>> {
        let b = b.unwrap_or_else(|| a.get_type().get_poison());
        let m: Vec<IntValue> = mask.iter().map(|&i| self.i32c(i as u64)).collect();
        Ok(self
            .b
            .build_shuffle_vector(a, b, VectorType::const_vector(&m), "")?)
    }

    /// A vector of `n` copies of `x`.
    pub(super) fn splat(&self, x: BasicValueEnum<'ctx>, n: u32) -> R<VectorValue<'ctx>> {
        let vt = vector_of(x.get_type(), n)?;
        let one = self
            .b
            .build_insert_element(vt.get_poison(), x, self.i32c(0), "")?;
        self.shuffle(one, None, &vec![0; n as usize])
    }

    /// Lanes `at .. at + len` of `v`.
    pub(super) fn slice(&self, v: VectorValue<'ctx>, at: u32, len: u32) -> R<VectorValue<'ctx>> {
        if at == 0 && len == v.get_type().get_size() {
            return Ok(v);
        }
        let mask: Vec<u32> = (at..at + len).collect();
        self.shuffle(v, None, &mask)
    }

    /// `acc` with lanes `at ..` replaced by `part`.
    pub(super) fn put_slice(
        &self,
        acc: VectorValue<'ctx>,
        part: VectorValue<'ctx>,
        at: u32,
    ) -> R<VectorValue<'ctx>> {
        let (n, k) = (acc.get_type().get_size(), part.get_type().get_size());
        if k == n {
            return Ok(part);
        }
        // Widen `part` to `n` lanes, then take its lanes over `at ..`.
        let widen: Vec<u32> = (0..n).map(|i| i.min(k - 1)).collect();
        let wide = self.shuffle(part, None, &widen)?;
        let mask: Vec<u32> = (0..n)
            .map(|i| {
                if i >= at && i < at + k {
                    n + (i - at)
                } else {
                    i
                }
            })
            .collect();
        self.shuffle(acc, Some(wide), &mask)
    }

    /// A constant vector of `i64` lane values.
    pub(super) fn i64_lanes(&self, vals: impl Iterator<Item = i64>) -> VectorValue<'ctx> {
        let lanes: Vec<IntValue> = vals.map(|v| self.i64c(v)).collect();
        VectorType::const_vector(&lanes)
    }

    /// A constant `<n x i1>` of all `true`.
    pub(super) fn all_true(&self, n: u32) -> VectorValue<'ctx> {
        let t = self.llcx.bool_type().const_all_ones();
        VectorType::const_vector(&vec![t; n as usize])
    }

    /// Loads a vector of type `vt` from `ptr` (element alignment; `i1`
    /// lanes are bytes).
    pub(super) fn load_vector(
        &self,
        vt: VectorType<'ctx>,
        ptr: PointerValue<'ctx>,
    ) -> R<VectorValue<'ctx>> {
        let mem = memory_vector_type(self.llcx, vt);
        let v = self.b.build_load(mem, ptr, "")?;
        self.align_access(v.as_instruction_value(), mem)?;
        let v = v.into_vector_value();
        if mem != vt {
            return Ok(self.b.build_int_truncate(v, vt, "")?);
        }
        Ok(v)
    }

    /// Stores vector `v` to `ptr` (see [`Self::load_vector`]).
    pub(super) fn store_vector(&self, v: VectorValue<'ctx>, ptr: PointerValue<'ctx>) -> R<()> {
        let vt = v.get_type();
        let mem = memory_vector_type(self.llcx, vt);
        let v = if mem != vt {
            self.b.build_int_z_extend(v, mem, "")?
        } else {
            v
        };
        let st = self.b.build_store(ptr, v)?;
        self.align_access(Some(st), mem)
    }

    /// Gives a load or store of a `mem` vector its elements' alignment.
    fn align_access(
        &self,
        inst: Option<inkwell::values::InstructionValue<'ctx>>,
        mem: VectorType<'ctx>,
    ) -> R<()> {
        if let Some(inst) = inst {
            inst.set_alignment(self.elem_align(mem))
                .map_err(|e| BackendError::new(format!("cannot set an alignment: {e:?}")))?;
        }
        Ok(())
    }

    /// The alignment of the elements of `vt` in memory.
    pub(super) fn elem_align(&self, vt: VectorType<'ctx>) -> u32 {
        let mem = memory_vector_type(self.llcx, vt);
        self.align_of(mem.get_element_type()).max(1)
    }

    /// `llvm.masked.load` of a `vt` at `ptr`, lanes where `mask` is off
    /// taken from `pass`.
    pub(super) fn masked_load(
        &self,
        vt: VectorType<'ctx>,
        ptr: PointerValue<'ctx>,
        mask: VectorValue<'ctx>,
        pass: VectorValue<'ctx>,
    ) -> R<VectorValue<'ctx>> {
        let mem = memory_vector_type(self.llcx, vt);
        let pass = if mem != vt {
            self.b.build_int_z_extend(pass, mem, "")?
        } else {
            pass
        };
        let align = self
            .llcx
            .i32_type()
            .const_int(self.elem_align(vt) as u64, false);
        let v = self
            .intrinsic(
                "llvm.masked.load",
                &[mem.into(), self.ptr_type().into()],
                &[ptr.into(), align.into(), mask.into(), pass.into()],
            )?
            .into_vector_value();
        if mem != vt {
            return Ok(self.b.build_int_truncate(v, vt, "")?);
        }
        Ok(v)
    }

    /// `llvm.masked.store` of `v` at `ptr`, lanes where `mask` is on.
    pub(super) fn masked_store(
        &self,
        v: VectorValue<'ctx>,
        ptr: PointerValue<'ctx>,
        mask: VectorValue<'ctx>,
    ) -> R<()> {
        let vt = v.get_type();
        let mem = memory_vector_type(self.llcx, vt);
        let v = if mem != vt {
            self.b.build_int_z_extend(v, mem, "")?
        } else {
            v
        };
        let align = self
            .llcx
            .i32_type()
            .const_int(self.elem_align(vt) as u64, false);
        let decl = inkwell::intrinsics::Intrinsic::find("llvm.masked.store")
            .and_then(|i| i.get_declaration(self.module, &[mem.into(), self.ptr_type().into()]))
            .ok_or_else(|| BackendError::new("LLVM has no 'llvm.masked.store'"))?;
        self.b
            .build_call(decl, &[v.into(), ptr.into(), align.into(), mask.into()], "")?;
        Ok(())
    }

    /// The address of element `indices` without `inbounds` (transfers may
    /// compute addresses of lanes they then leave alone).
    pub(super) fn lane_ptr(
        &self,
        m: &MemRefVal<'ctx>,
        indices: &[IntValue<'ctx>],
        elem: BasicTypeEnum<'ctx>,
    ) -> R<PointerValue<'ctx>> {
        let mut linear = m.offset;
        for (&i, &s) in indices.iter().zip(&m.strides) {
            let term = self.b.build_int_mul(i, s, "")?;
            linear = self.b.build_int_add(linear, term, "")?;
        }
        // SAFETY: builds a `getelementptr` instruction (no `inbounds`, so
        // an address past the buffer is merely computed, never poison);
        // nothing is dereferenced at compile time.
        Ok(unsafe { self.b.build_gep(elem, m.aligned, &[linear], "")? })
    }
}

/// `vector.load` / `vector.store`: row by row along the innermost memref
/// dimensions.
fn access(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let a = Access::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let m = t.memref(a.base, op)?;
    let info = t.memref_info(ir.value_type(a.base), op)?;
    let idx = a
        .indices
        .iter()
        .map(|&v| t.int(v, op))
        .collect::<R<Vec<_>>>()?;
    let shape = t.shape_of(a.vector, op)?;
    let vt = match t.llvm_type(ir.value_type(a.vector), op)? {
        BasicTypeEnum::VectorType(vt) => vt,
        _ => return Err(t.err(op, "expects a vector type")),
    };
    if shape.len() > idx.len() {
        return Err(t.err(op, "has a vector of higher rank than the memref"));
    }
    let rows = Rows::new(&shape, idx.len());
    let unit = info.strides.last().is_none_or(|&s| s == 1) || shape.is_empty();
    let mut acc = vt.get_poison();
    let stored = if a.is_store {
        Some(t.vector(a.vector, op)?)
    } else {
        None
    };
    for r in 0..rows.count {
        let row_idx = rows.indices(t, &idx, r)?;
        let at = r * rows.len;
        let row_t = vector_of(vt.get_element_type(), rows.len)?;
        if unit {
            let p = t.element_ptr(&m, &row_idx, vt.get_element_type())?;
            match stored {
                Some(v) => {
                    let part = t.slice(v, at, rows.len)?;
                    t.store_vector(part, p)?;
                }
                None => {
                    let part = t.load_vector(row_t, p)?;
                    acc = t.put_slice(acc, part, at)?;
                }
            }
        } else {
            // A strided innermost dimension: lane by lane.
            for j in 0..rows.len {
                let mut li = row_idx.clone();
                if let Some(last) = li.last_mut() {
                    *last = t.b.build_int_add(*last, t.i64c(j as i64), "")?;
                }
                let p = t.element_ptr(&m, &li, vt.get_element_type())?;
                let lane = t.i32c((at + j) as u64);
                match stored {
                    Some(v) => {
                        let x = t.b.build_extract_element(v, lane, "")?;
                        t.b.build_store(p, x)?;
                    }
                    None => {
                        let x = t.b.build_load(vt.get_element_type(), p, "")?;
                        acc = t.b.build_insert_element(acc, x, lane, "")?;
                    }
                }
            }
        }
    }
    if !a.is_store {
        t.set_basic(a.vector, acc);
    }
    Ok(())
}

/// The rows of a vector read along the innermost dimensions of a memref.
pub(super) struct Rows {
    /// The vector's shape.
    shape: Vec<i64>,
    /// The memref's rank.
    rank: usize,
    /// How many rows.
    pub count: u32,
    /// Lanes per row.
    pub len: u32,
}

impl Rows {
    /// The rows of a vector of `shape` against a memref of `rank`.
    pub(super) fn new(shape: &[i64], rank: usize) -> Rows {
        let len = shape.last().copied().unwrap_or(1).max(0) as u32;
        let count = shape[..shape.len().saturating_sub(1)]
            .iter()
            .product::<i64>()
            .max(0) as u32;
        Rows {
            shape: shape.to_vec(),
            rank,
            count: if shape.is_empty() { 1 } else { count },
            len,
        }
    }

    /// The coordinates of row `r` in the vector's outer dimensions.
    fn outer(&self, r: u32) -> Vec<i64> {
        let k = self.shape.len();
        let mut c = vec![0i64; k.saturating_sub(1)];
        let mut f = r as i64;
        for i in (0..c.len()).rev() {
            c[i] = f % self.shape[i];
            f /= self.shape[i];
        }
        c
    }

    /// The memref indices of the first element of row `r`.
    pub(super) fn indices<'ctx>(
        &self,
        t: &Translator<'_, 'ctx>,
        base: &[IntValue<'ctx>],
        r: u32,
    ) -> R<Vec<IntValue<'ctx>>> {
        let mut idx = base.to_vec();
        let first = self.rank - self.shape.len();
        for (i, c) in self.outer(r).into_iter().enumerate() {
            if c != 0 {
                idx[first + i] = t.b.build_int_add(idx[first + i], t.i64c(c), "")?;
            }
        }
        Ok(idx)
    }
}

/// `vector.maskedload` / `vector.maskedstore` (1-D).
fn masked_access(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let a = MaskedAccess::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let m = t.memref(a.base, op)?;
    let idx = a
        .indices
        .iter()
        .map(|&v| t.int(v, op))
        .collect::<R<Vec<_>>>()?;
    let mask = t.vector(a.mask, op)?;
    let value = t.vector(a.value, op)?;
    let vt = value.get_type();
    let p = t.lane_ptr(&m, &idx, vt.get_element_type())?;
    match a.result {
        Some(r) => {
            let v = t.masked_load(vt, p, mask, value)?;
            t.set_basic(r, v);
        }
        None => t.masked_store(value, p, mask)?,
    }
    Ok(())
}

/// `vector.broadcast`: a splat of a scalar, or a shuffle of a vector whose
/// trailing dimensions line up with the result's.
fn broadcast(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let (x, result) = unary(t, op)?;
    let shape = t.shape_of(result, op)?;
    let n = t.lanes_of(result, op)?;
    let BasicValueEnum::VectorValue(src) = x else {
        let v = t.splat(x, n)?;
        t.set_basic(result, v);
        return Ok(());
    };
    let src_v = t.ir.op(op).operands[0];
    let src_shape = t.shape_of(src_v, op)?;
    let (kr, ks) = (shape.len(), src_shape.len());
    if ks > kr {
        return Err(t.err(op, "broadcasts to a lower rank"));
    }
    let sst = strides_of(&src_shape);
    let mask: Vec<u32> = coordinates(&shape)
        .map(|c| {
            (0..ks)
                .map(|j| {
                    let ci = if src_shape[j] == 1 { 0 } else { c[j + kr - ks] };
                    ci * sst[j]
                })
                .sum::<i64>() as u32
        })
        .collect();
    let v = t.shuffle(src, None, &mask)?;
    t.set_basic(result, v);
    Ok(())
}

/// `vector.reduction`.
fn reduction(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let r = Reduction::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let v = t.vector(r.vector, op)?;
    let acc = match r.acc {
        Some(a) => Some(t.basic(a, op)?),
        None => None,
    };
    let et = v.get_type().get_element_type();
    let vt: BasicTypeEnum = v.get_type().into();
    let float = et.is_float_type();
    let step = ArithOp::from_name(r.kind.arith_op(float))
        .ok_or_else(|| t.err(op, "has an unknown combining kind"))?;
    use CombiningKind::*;
    let result = match (r.kind, float) {
        (Add, true) | (Mul, true) => {
            let (name, identity) = if r.kind == Add {
                ("llvm.vector.reduce.fadd", -0.0)
            } else {
                ("llvm.vector.reduce.fmul", 1.0)
            };
            let start = match acc {
                Some(a) => a,
                None => t.const_float_like(et, identity)?,
            };
            t.intrinsic(name, &[vt], &[start, v.into()])?
        }
        (MinNumF | MaxNumF | MinimumF | MaximumF, _) => {
            let n = v.get_type().get_size();
            let mut cur = match acc {
                Some(a) => a,
                None => t.b.build_extract_element(v, t.i32c(0), "")?,
            };
            let first = if acc.is_some() { 0 } else { 1 };
            for i in first..n {
                let x = t.b.build_extract_element(v, t.i32c(i as u64), "")?;
                cur = super::arith::combine(t, op, step, cur, x)?;
            }
            cur
        }
        (kind, false) => {
            let name = match kind {
                Add => "llvm.vector.reduce.add",
                Mul => "llvm.vector.reduce.mul",
                And => "llvm.vector.reduce.and",
                Or => "llvm.vector.reduce.or",
                Xor => "llvm.vector.reduce.xor",
                MinSI => "llvm.vector.reduce.smin",
                MaxSI => "llvm.vector.reduce.smax",
                MinUI => "llvm.vector.reduce.umin",
                MaxUI => "llvm.vector.reduce.umax",
                _ => return Err(t.err(op, "has a float kind on integers")),
            };
            let red = t.intrinsic(name, &[vt], &[v.into()])?;
            match acc {
                Some(a) => super::arith::combine(t, op, step, a, red)?,
                None => red,
            }
        }
        _ => return Err(t.err(op, "has an integer kind on floats")),
    };
    t.set_basic(r.result, result);
    Ok(())
}

/// A position as a flat lane offset: static when every entry is.
enum Offset<'ctx> {
    Static(u32),
    Dynamic(IntValue<'ctx>),
}

/// The flat lane offset of `pos` in a vector of `shape`.
fn flat_offset<'ctx>(
    t: &Translator<'_, 'ctx>,
    op: OpId,
    pos: &[IndexValue],
    shape: &[i64],
) -> R<Offset<'ctx>> {
    let st = strides_of(shape);
    let mut stat = 0i64;
    let mut dynamic: Option<IntValue> = None;
    for (i, p) in pos.iter().enumerate() {
        match *p {
            IndexValue::Static(c) => {
                if c < 0 || c >= shape[i] {
                    return Err(t.err(op, format!("has position {c} out of range")));
                }
                stat += c * st[i];
            }
            IndexValue::Dynamic(v) => {
                let x = t.int(v, op)?;
                let x = t.b.build_int_mul(x, t.i64c(st[i]), "")?;
                dynamic = Some(match dynamic {
                    Some(d) => t.b.build_int_add(d, x, "")?,
                    None => x,
                });
            }
        }
    }
    Ok(match dynamic {
        None => Offset::Static(stat as u32),
        Some(d) => Offset::Dynamic(t.b.build_int_add(d, t.i64c(stat), "")?),
    })
}

/// `vector.extract` / `vector.insert`.
fn position(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let p = Position::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let v = t.vector(p.vector, op)?;
    let shape = t.shape_of(p.vector, op)?;
    if p.position.len() > shape.len() {
        return Err(t.err(op, "has more positions than the vector has dimensions"));
    }
    let part_len: i64 = shape[p.position.len()..].iter().product();
    let part_len = part_len as u32;
    let off = flat_offset(t, op, &p.position, &shape)?;
    let whole = p.position.len() == shape.len();
    let result = match p.source {
        None => match (whole, off) {
            (true, Offset::Static(o)) => t.b.build_extract_element(v, t.i32c(o as u64), "")?,
            (true, Offset::Dynamic(o)) => t.b.build_extract_element(v, o, "")?,
            (false, Offset::Static(o)) => t.slice(v, o, part_len)?.into(),
            (false, Offset::Dynamic(o)) => {
                let et = v.get_type().get_element_type();
                let mut acc = vector_of(et, part_len)?.get_poison();
                for j in 0..part_len {
                    let i = t.b.build_int_add(o, t.i64c(j as i64), "")?;
                    let x = t.b.build_extract_element(v, i, "")?;
                    acc = t.b.build_insert_element(acc, x, t.i32c(j as u64), "")?;
                }
                acc.into()
            }
        },
        Some(s) => {
            let s = t.basic(s, op)?;
            match (s, off) {
                (BasicValueEnum::VectorValue(sv), Offset::Static(o)) if !whole => {
                    t.put_slice(v, sv, o)?.into()
                }
                (BasicValueEnum::VectorValue(sv), Offset::Dynamic(o)) if !whole => {
                    let mut acc = v;
                    for j in 0..sv.get_type().get_size() {
                        let x = t.b.build_extract_element(sv, t.i32c(j as u64), "")?;
                        let i = t.b.build_int_add(o, t.i64c(j as i64), "")?;
                        acc = t.b.build_insert_element(acc, x, i, "")?;
                    }
                    acc.into()
                }
                (x, Offset::Static(o)) if whole => {
                    t.b.build_insert_element(v, x, t.i32c(o as u64), "")?.into()
                }
                (x, Offset::Dynamic(o)) if whole => t.b.build_insert_element(v, x, o, "")?.into(),
                _ => return Err(t.err(op, "inserts a value that does not fit the position")),
            }
        }
    };
    t.set_basic(p.result, result);
    Ok(())
}

/// `vector.extractelement` / `vector.insertelement`.
fn element(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let e = Element::view(ir, op).ok_or_else(|| t.err(op, "is malformed"))?;
    let v = t.vector(e.vector, op)?;
    let lane = match e.position {
        Some(p) => t.int(p, op)?,
        None => t.i32c(0),
    };
    let result = match e.source {
        None => t.b.build_extract_element(v, lane, "")?,
        Some(s) => {
            let s = t.basic(s, op)?;
            t.b.build_insert_element(v, s, lane, "")?.into()
        }
    };
    t.set_basic(e.result, result);
    Ok(())
}

/// `vector.create_mask`: lane `c` is on iff `c[i] < size[i]` for every
/// dimension (signed, so negative sizes turn every lane off).
fn create_mask(t: &mut Translator<'_, '_>, op: OpId) -> R<()> {
    let ir = t.ir;
    let data = ir.op(op);
    let result = *data
        .results
        .first()
        .ok_or_else(|| t.err(op, "has no result"))?;
    let shape = t.shape_of(result, op)?;
    let n = t.lanes_of(result, op)?;
    let sizes = data
        .operands
        .iter()
        .map(|&v| t.int(v, op))
        .collect::<R<Vec<_>>>()?;
    let dims = if shape.is_empty() { 1 } else { shape.len() };
    if sizes.len() != dims {
        return Err(t.err(op, "needs one size per dimension"));
    }
    let mut mask: Option<BasicValueEnum> = None;
    for (i, &size) in sizes.iter().enumerate() {
        let coords = t.i64_lanes(coordinates(&shape).map(|c| c.get(i).copied().unwrap_or(0)));
        let size = t.b.build_int_s_extend_or_bit_cast(size, t.i64t(), "")?;
        let bound = t.splat(size.into(), n)?;
        let on = t.icmp(IntPredicate::SLT, coords.into(), bound.into())?;
        mask = Some(match mask {
            None => on,
            Some(m) => {
                t.b.build_binop(inkwell::values::InstructionOpcode::And, m, on, "")?
            }
        });
    }
    let mask = mask.ok_or_else(|| t.err(op, "has no sizes"))?;
    t.set_basic(result, mask);
    Ok(())
}
