//! Module and function translation: the translator's state, values, the
//! expanded calling convention (calls and returns), the packed and C
//! interface wrappers, and the dispatch of each op to its dialect's file.

use std::collections::HashMap;

use inkwell::AddressSpace;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context as LlContext;
use inkwell::intrinsics::Intrinsic;
use inkwell::module::{Linkage, Module};
use inkwell::targets::TargetData;
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, IntValue, PointerValue,
    StructValue, ValueKind, VectorValue,
};
use tessera_compiler::syntax::type_str;
use tessera_compiler::{AttrData, BlockId, Context, DYNAMIC, OpId, OpTraits, Type, Value};
use tessera_dialects::func::function_type;
use tessera_dialects::memref::memref_parts;

use super::target::Purpose;
use super::types::{
    MemRefInfo, aggregate_member, descriptor_type, expanded_arity, expanded_params, value_type,
};
use super::{arith, math, memref, scf, vector};
use crate::backend::{BackendError, support};

/// Results of the translation.
pub(super) type R<T> = Result<T, BackendError>;

/// A memref inside a function: its descriptor's fields as LLVM values
/// (constants where the memref type knows them statically).
#[derive(Clone, Debug)]
pub(super) struct MemRefVal<'ctx> {
    /// The pointer `malloc` returned (what `free` takes).
    pub allocated: PointerValue<'ctx>,
    /// The pointer element 0 is counted from.
    pub aligned: PointerValue<'ctx>,
    /// The offset of the first element, in elements.
    pub offset: IntValue<'ctx>,
    /// Sizes.
    pub sizes: Vec<IntValue<'ctx>>,
    /// Strides, in elements.
    pub strides: Vec<IntValue<'ctx>>,
}

impl<'ctx> MemRefVal<'ctx> {
    /// The fields in descriptor order.
    pub(super) fn fields(&self) -> Vec<BasicValueEnum<'ctx>> {
        let mut v: Vec<BasicValueEnum> = vec![
            self.allocated.into(),
            self.aligned.into(),
            self.offset.into(),
        ];
        v.extend(self.sizes.iter().map(|s| s.as_basic_value_enum()));
        v.extend(self.strides.iter().map(|s| s.as_basic_value_enum()));
        v
    }
}

/// The LLVM form of an IR value.
#[derive(Clone, Debug)]
pub(super) enum Val<'ctx> {
    /// A scalar or (flattened) vector.
    Basic(BasicValueEnum<'ctx>),
    /// A memref.
    MemRef(MemRefVal<'ctx>),
}

impl<'ctx> Val<'ctx> {
    /// The LLVM values it is made of (a memref: its fields).
    pub(super) fn flatten(&self) -> Vec<BasicValueEnum<'ctx>> {
        match self {
            Val::Basic(v) => vec![*v],
            Val::MemRef(m) => m.fields(),
        }
    }
}

/// A `func.func` and its LLVM function.
#[derive(Clone, Debug)]
pub(super) struct FuncInfo<'ctx> {
    /// The `func.func`.
    pub op: OpId,
    /// Its name.
    pub name: String,
    /// Its LLVM function (expanded convention).
    pub llvm: FunctionValue<'ctx>,
    /// Argument types.
    pub inputs: Vec<Type>,
    /// Result types.
    pub results: Vec<Type>,
    /// Whether it is public.
    pub public: bool,
    /// Whether it has a body.
    pub defined: bool,
}

/// Translates one module; holds the state of the function being built.
pub(super) struct Translator<'a, 'ctx> {
    /// The IR.
    pub ir: &'a Context,
    /// The LLVM context.
    pub llcx: &'ctx LlContext,
    /// The LLVM module being filled.
    pub module: &'a Module<'ctx>,
    /// The target's data layout.
    pub data: &'a TargetData,
    /// The instruction builder.
    pub b: Builder<'ctx>,
    funcs: HashMap<String, FuncInfo<'ctx>>,
    /// `memref.global` name → its LLVM global's address.
    pub globals: HashMap<String, PointerValue<'ctx>>,
    values: HashMap<Value, Val<'ctx>>,
    func: Option<FunctionValue<'ctx>>,
    entry: Option<BasicBlock<'ctx>>,
    /// Worker threads for `scf.parallel` loops; 1 runs them sequentially.
    pub threads: usize,
}

/// The state of a function being built, put aside while another one (an
/// outlined loop body) is built in between.
pub(super) struct SuspendedFunction<'ctx> {
    values: HashMap<Value, Val<'ctx>>,
    func: Option<FunctionValue<'ctx>>,
    entry: Option<BasicBlock<'ctx>>,
    block: Option<BasicBlock<'ctx>>,
}

/// Prefixes of the names the backend generates.
const RESERVED_PREFIXES: [&str; 4] = ["_tessera_packed_", "_mlir_ciface_", "__tessera_", "llvm."];

impl<'a, 'ctx> Translator<'a, 'ctx> {
    /// Translates every function and global of `module` into `llmod`;
    /// `scf.parallel` loops run on `threads` workers when compiling for
    /// the JIT (an object file would need the runtime's thread pool).
    pub(super) fn translate_module(
        ir: &'a Context,
        module: OpId,
        llcx: &'ctx LlContext,
        llmod: &'a Module<'ctx>,
        data: &'a TargetData,
        purpose: Purpose,
        threads: usize,
    ) -> R<()> {
        let mut t = Translator {
            ir,
            llcx,
            module: llmod,
            data,
            b: llcx.create_builder(),
            funcs: HashMap::new(),
            globals: HashMap::new(),
            values: HashMap::new(),
            func: None,
            entry: None,
            threads: if purpose == Purpose::Jit { threads } else { 1 },
        };
        if !ir.op_is(module, "builtin.module") {
            return Err(t.err(module, "expected a 'builtin.module'"));
        }
        let body = ir
            .entry_block(module, 0)
            .ok_or_else(|| t.err(module, "the module has no body"))?;
        let top = ir.block_ops_vec(body);
        for &op in &top {
            match ir.op_name_of(op) {
                "func.func" => t.declare_function(op)?,
                "memref.global" => memref::declare_global(&mut t, op)?,
                other => {
                    return Err(t.err(
                        op,
                        format!("'{other}' at module level is not supported by the LLVM backend"),
                    ));
                }
            }
        }
        let mut infos: Vec<FuncInfo<'ctx>> = t.funcs.values().cloned().collect();
        infos.sort_by_key(|f| f.op);
        for info in &infos {
            if info.defined {
                t.define_function(info)?;
            }
        }
        for info in infos.iter().filter(|f| f.defined && f.public) {
            t.packed_entry(info)?;
            if purpose == Purpose::Emit {
                t.ciface(info)?;
            }
        }
        Ok(())
    }

    // ----- errors and lookups -------------------------------------------------

    /// An error at `op`'s location, naming the op.
    pub(super) fn err(&self, op: OpId, msg: impl Into<String>) -> BackendError {
        BackendError {
            message: format!("'{}' op {}", self.ir.op_name_of(op), msg.into()),
            loc: Some(self.ir.op(op).loc),
        }
    }

    /// "op 'x' is not supported" at `op`.
    pub(super) fn unsupported(&self, op: OpId) -> BackendError {
        self.err(op, "is not supported by the LLVM backend")
    }

    /// Checks that a function name is free for the user.
    fn check_symbol(&self, op: OpId, name: &str) -> R<()> {
        if RESERVED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            return Err(self.err(
                op,
                format!("symbol '@{name}' uses a prefix the LLVM backend reserves"),
            ));
        }
        if self.globals.contains_key(name) {
            return Err(self.err(op, format!("redefines '@{name}'")));
        }
        Ok(())
    }

    /// The LLVM type of a scalar or vector IR type, or an error at `op`.
    pub(super) fn llvm_type(&self, ty: Type, op: OpId) -> R<BasicTypeEnum<'ctx>> {
        value_type(self.llcx, self.ir, ty).ok_or_else(|| {
            self.err(
                op,
                format!(
                    "uses type '{}', which the LLVM backend does not support",
                    type_str(self.ir, ty)
                ),
            )
        })
    }

    /// The static facts of memref type `ty`, or an error at `op`.
    pub(super) fn memref_info(&self, ty: Type, op: OpId) -> R<MemRefInfo> {
        MemRefInfo::of(self.ir, ty).ok_or_else(|| {
            self.err(
                op,
                format!(
                    "uses '{}', which is not a memref with a strided layout",
                    type_str(self.ir, ty)
                ),
            )
        })
    }

    /// The LLVM value of `v`.
    pub(super) fn val(&self, v: Value, op: OpId) -> R<Val<'ctx>> {
        self.values
            .get(&v)
            .cloned()
            .ok_or_else(|| self.err(op, "uses a value defined outside what was translated"))
    }

    /// The scalar or vector LLVM value of `v`.
    pub(super) fn basic(&self, v: Value, op: OpId) -> R<BasicValueEnum<'ctx>> {
        match self.val(v, op)? {
            Val::Basic(b) => Ok(b),
            Val::MemRef(_) => Err(self.err(op, "expected a scalar or vector operand")),
        }
    }

    /// The integer LLVM value of `v`.
    pub(super) fn int(&self, v: Value, op: OpId) -> R<IntValue<'ctx>> {
        match self.basic(v, op)? {
            BasicValueEnum::IntValue(i) => Ok(i),
            _ => Err(self.err(op, "expected an integer or index operand")),
        }
    }

    /// The vector LLVM value of `v`.
    pub(super) fn vector(&self, v: Value, op: OpId) -> R<VectorValue<'ctx>> {
        match self.basic(v, op)? {
            BasicValueEnum::VectorValue(x) => Ok(x),
            _ => Err(self.err(op, "expected a vector operand")),
        }
    }

    /// The memref descriptor of `v`.
    pub(super) fn memref(&self, v: Value, op: OpId) -> R<MemRefVal<'ctx>> {
        match self.val(v, op)? {
            Val::MemRef(m) => Ok(m),
            Val::Basic(_) => Err(self.err(op, "expected a memref operand")),
        }
    }

    /// Records the LLVM form of `v`.
    pub(super) fn set(&mut self, v: Value, val: Val<'ctx>) {
        self.values.insert(v, val);
    }

    /// Records the scalar or vector LLVM value of `v`.
    pub(super) fn set_basic(&mut self, v: Value, val: impl BasicValue<'ctx>) {
        self.values.insert(v, Val::Basic(val.as_basic_value_enum()));
    }

    /// The function being built.
    pub(super) fn func(&self) -> R<FunctionValue<'ctx>> {
        self.func
            .ok_or_else(|| BackendError::new("no LLVM function is being built"))
    }

    /// The block the builder appends to.
    pub(super) fn current_block(&self) -> R<BasicBlock<'ctx>> {
        self.b
            .get_insert_block()
            .ok_or_else(|| BackendError::new("the LLVM builder has no insertion block"))
    }

    /// A new block at the end of the current function.
    pub(super) fn new_block(&self, name: &str) -> R<BasicBlock<'ctx>> {
        Ok(self.llcx.append_basic_block(self.func()?, name))
    }

    /// The entry block, where static allocas go.
    pub(super) fn entry_block(&self) -> R<BasicBlock<'ctx>> {
        self.entry
            .ok_or_else(|| BackendError::new("no LLVM function is being built"))
    }

    // ----- constants and small helpers ---------------------------------------

    /// An `i64` constant.
    pub(super) fn i64c(&self, v: i64) -> IntValue<'ctx> {
        self.llcx.i64_type().const_int(v as u64, true)
    }

    /// The `i64` type.
    pub(super) fn i64t(&self) -> inkwell::types::IntType<'ctx> {
        self.llcx.i64_type()
    }

    /// The opaque pointer type.
    pub(super) fn ptr_type(&self) -> inkwell::types::PointerType<'ctx> {
        self.llcx.ptr_type(AddressSpace::default())
    }

    /// Calls the LLVM intrinsic `name` overloaded on `types`.
    pub(super) fn intrinsic(
        &self,
        name: &str,
        types: &[BasicTypeEnum<'ctx>],
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let decl = Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.module, types))
            .ok_or_else(|| BackendError::new(format!("LLVM has no intrinsic '{name}'")))?;
        self.call_value(decl, args)
    }

    /// Calls `f` and returns its (non-void) result.
    pub(super) fn call_value(
        &self,
        f: FunctionValue<'ctx>,
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let args: Vec<BasicMetadataValueEnum> = args.iter().map(|&a| a.into()).collect();
        match self.b.build_call(f, &args, "")?.try_as_basic_value() {
            ValueKind::Basic(v) => Ok(v),
            ValueKind::Instruction(_) => Err(BackendError::new(format!(
                "'{}' returns nothing",
                f.get_name().to_string_lossy()
            ))),
        }
    }

    /// The external function `name` of type `ty`, declared on first use.
    pub(super) fn external(
        &self,
        name: &str,
        ty: inkwell::types::FunctionType<'ctx>,
    ) -> FunctionValue<'ctx> {
        self.module
            .get_function(name)
            .unwrap_or_else(|| self.module.add_function(name, ty, Some(Linkage::External)))
    }

    /// `ptr + index` elements of type `elem`. Indices of memref accesses
    /// are in bounds (the IR's contract), so the address is `inbounds`.
    pub(super) fn gep(
        &self,
        elem: BasicTypeEnum<'ctx>,
        ptr: PointerValue<'ctx>,
        index: IntValue<'ctx>,
    ) -> R<PointerValue<'ctx>> {
        // SAFETY: this builds a `getelementptr` instruction; nothing is
        // dereferenced at compile time. The generated code's meaning is
        // the IR's (out-of-bounds accesses are undefined there too).
        Ok(unsafe { self.b.build_in_bounds_gep(elem, ptr, &[index], "")? })
    }

    /// The ABI alignment of `ty` in bytes.
    pub(super) fn align_of(&self, ty: BasicTypeEnum<'ctx>) -> u32 {
        self.data.get_abi_alignment(&ty)
    }

    /// The allocation size of `ty` in bytes.
    pub(super) fn size_of(&self, ty: BasicTypeEnum<'ctx>) -> u64 {
        self.data.get_abi_size(&ty)
    }

    /// Loads a scalar or vector of IR type `ty` from `ptr`. Vectors are
    /// read with element alignment (any address works); `i1` elements of
    /// a vector are bytes in memory.
    pub(super) fn load_mem(
        &self,
        ty: Type,
        ptr: PointerValue<'ctx>,
        op: OpId,
    ) -> R<BasicValueEnum<'ctx>> {
        match self.llvm_type(ty, op)? {
            BasicTypeEnum::VectorType(vt) => Ok(self.load_vector(vt, ptr)?.into()),
            lt => Ok(self.b.build_load(lt, ptr, "")?),
        }
    }

    /// Stores a scalar or vector to `ptr` (see [`Self::load_mem`]).
    pub(super) fn store_mem(&self, v: BasicValueEnum<'ctx>, ptr: PointerValue<'ctx>) -> R<()> {
        match v {
            BasicValueEnum::VectorValue(x) => self.store_vector(x, ptr),
            _ => {
                self.b.build_store(ptr, v)?;
                Ok(())
            }
        }
    }

    // ----- memref descriptors -------------------------------------------------

    /// A memref of type `ty` from its descriptor fields, with the static
    /// sizes, strides and offset of `ty` as constants.
    pub(super) fn memref_from_fields(
        &self,
        fields: &[BasicValueEnum<'ctx>],
        ty: Type,
        op: OpId,
    ) -> R<MemRefVal<'ctx>> {
        let info = self.memref_info(ty, op)?;
        let r = info.rank();
        if fields.len() != 3 + 2 * r {
            return Err(self.err(op, "has a memref descriptor of the wrong rank"));
        }
        let ints = |s: &[BasicValueEnum<'ctx>]| s.iter().map(|v| v.into_int_value()).collect();
        let m = MemRefVal {
            allocated: fields[0].into_pointer_value(),
            aligned: fields[1].into_pointer_value(),
            offset: fields[2].into_int_value(),
            sizes: ints(&fields[3..3 + r]),
            strides: ints(&fields[3 + r..]),
        };
        Ok(self.with_static(m, &info))
    }

    /// `m` with the static facts of `info` as constants.
    pub(super) fn with_static(&self, mut m: MemRefVal<'ctx>, info: &MemRefInfo) -> MemRefVal<'ctx> {
        if info.offset != DYNAMIC {
            m.offset = self.i64c(info.offset);
        }
        for (s, &v) in m.sizes.iter_mut().zip(&info.shape) {
            if v != DYNAMIC {
                *s = self.i64c(v);
            }
        }
        for (s, &v) in m.strides.iter_mut().zip(&info.strides) {
            if v != DYNAMIC {
                *s = self.i64c(v);
            }
        }
        m
    }

    /// The descriptor struct value of `m`.
    pub(super) fn memref_to_struct(&self, m: &MemRefVal<'ctx>) -> R<StructValue<'ctx>> {
        let rank = m.sizes.len();
        let st = descriptor_type(self.llcx, rank);
        let mut agg = st.get_undef();
        let fields: [BasicValueEnum; 3] = [m.allocated.into(), m.aligned.into(), m.offset.into()];
        for (i, f) in fields.iter().enumerate() {
            agg = self
                .b
                .build_insert_value(agg, *f, i as u32, "")?
                .into_struct_value();
        }
        if rank > 0 {
            for (k, list) in [&m.sizes, &m.strides].into_iter().enumerate() {
                let mut arr = self.i64t().array_type(rank as u32).get_undef();
                for (i, v) in list.iter().enumerate() {
                    arr = self
                        .b
                        .build_insert_value(arr, *v, i as u32, "")?
                        .into_array_value();
                }
                agg = self
                    .b
                    .build_insert_value(agg, arr, 3 + k as u32, "")?
                    .into_struct_value();
            }
        }
        Ok(agg)
    }

    /// The memref of type `ty` held by descriptor struct `s`.
    pub(super) fn struct_to_memref(
        &self,
        s: StructValue<'ctx>,
        ty: Type,
        op: OpId,
    ) -> R<MemRefVal<'ctx>> {
        let info = self.memref_info(ty, op)?;
        let rank = info.rank();
        let mut fields = Vec::with_capacity(3 + 2 * rank);
        for i in 0..3 {
            fields.push(self.b.build_extract_value(s, i, "")?);
        }
        if rank > 0 {
            for k in 0..2 {
                let arr = self.b.build_extract_value(s, 3 + k, "")?.into_array_value();
                for i in 0..rank {
                    fields.push(self.b.build_extract_value(arr, i as u32, "")?);
                }
            }
        }
        self.memref_from_fields(&fields, ty, op)
    }

    /// Loads the descriptor of a memref of type `ty` from `ptr`.
    pub(super) fn load_descriptor(
        &self,
        ptr: PointerValue<'ctx>,
        ty: Type,
        op: OpId,
    ) -> R<MemRefVal<'ctx>> {
        let info = self.memref_info(ty, op)?;
        let st = descriptor_type(self.llcx, info.rank());
        let s = self.b.build_load(st, ptr, "")?.into_struct_value();
        self.struct_to_memref(s, ty, op)
    }

    /// The value a result of type `ty` is returned or stored as.
    pub(super) fn pack_member(&self, val: &Val<'ctx>) -> R<BasicValueEnum<'ctx>> {
        match val {
            Val::Basic(b) => Ok(*b),
            Val::MemRef(m) => Ok(self.memref_to_struct(m)?.into()),
        }
    }

    /// The IR value of type `ty` returned as `v`.
    pub(super) fn unpack_member(
        &self,
        v: BasicValueEnum<'ctx>,
        ty: Type,
        op: OpId,
    ) -> R<Val<'ctx>> {
        if memref_parts(self.ir, ty).is_some() {
            Ok(Val::MemRef(self.struct_to_memref(
                v.into_struct_value(),
                ty,
                op,
            )?))
        } else {
            Ok(Val::Basic(v))
        }
    }

    /// The LLVM return type of a function with `results`: `None` for void.
    fn return_type(&self, op: OpId, results: &[Type]) -> R<Option<BasicTypeEnum<'ctx>>> {
        let members = results
            .iter()
            .map(|&t| {
                aggregate_member(self.llcx, self.ir, t).ok_or_else(|| {
                    self.err(
                        op,
                        format!(
                            "has a result of type '{}', which the LLVM backend does not support",
                            type_str(self.ir, t)
                        ),
                    )
                })
            })
            .collect::<R<Vec<_>>>()?;
        Ok(match members.len() {
            0 => None,
            1 => Some(members[0]),
            _ => Some(self.llcx.struct_type(&members, false).into()),
        })
    }

    // ----- functions ----------------------------------------------------------

    /// Declares the LLVM function of `func.func` `op` (expanded convention).
    fn declare_function(&mut self, op: OpId) -> R<()> {
        let name = self
            .ir
            .symbol_name(op)
            .ok_or_else(|| self.err(op, "has no name"))?
            .to_string();
        self.check_symbol(op, &name)?;
        let (inputs, results) = function_type(self.ir, op)
            .map(|(i, r)| (i.to_vec(), r.to_vec()))
            .ok_or_else(|| self.err(op, "has no function type"))?;
        let mut params: Vec<BasicMetadataTypeEnum> = Vec::new();
        for &t in &inputs {
            let p = expanded_params(self.llcx, self.ir, t).ok_or_else(|| {
                self.err(
                    op,
                    format!(
                        "has an argument of type '{}', which the LLVM backend does not support",
                        type_str(self.ir, t)
                    ),
                )
            })?;
            params.extend(p.into_iter().map(BasicMetadataTypeEnum::from));
        }
        let fty = match self.return_type(op, &results)? {
            None => self.llcx.void_type().fn_type(&params, false),
            Some(t) => t.fn_type(&params, false),
        };
        let public = !matches!(
            self.ir.attr_data_of(op, "sym_visibility"),
            Some(AttrData::String(s)) if s != "public"
        );
        let defined = self.ir.entry_block(op, 0).is_some();
        if defined && support::symbol_address(&name).is_some() {
            return Err(self.err(
                op,
                format!("defines '@{name}', the name of a runtime function"),
            ));
        }
        let linkage = if defined && !public {
            Linkage::Internal
        } else {
            Linkage::External
        };
        if self.module.get_function(&name).is_some() {
            return Err(self.err(op, format!("redefines '@{name}'")));
        }
        let llvm = self.module.add_function(&name, fty, Some(linkage));
        self.funcs.insert(
            name.clone(),
            FuncInfo {
                op,
                name,
                llvm,
                inputs,
                results,
                public,
                defined,
            },
        );
        Ok(())
    }

    /// Starts building `f`: an entry block (for static allocas) and a body
    /// block the builder is positioned at.
    pub(super) fn begin_function(&mut self, f: FunctionValue<'ctx>) {
        self.func = Some(f);
        self.values.clear();
        let entry = self.llcx.append_basic_block(f, "entry");
        let body = self.llcx.append_basic_block(f, "body");
        self.entry = Some(entry);
        self.b.position_at_end(body);
    }

    /// Puts the function being built aside (its values too): the builder
    /// is free for [`Self::begin_function`] of another one.
    pub(super) fn suspend_function(&mut self) -> SuspendedFunction<'ctx> {
        SuspendedFunction {
            values: std::mem::take(&mut self.values),
            func: self.func.take(),
            entry: self.entry.take(),
            block: self.b.get_insert_block(),
        }
    }

    /// Returns to a function put aside by [`Self::suspend_function`], at
    /// the point where it was left.
    pub(super) fn resume_function(&mut self, s: SuspendedFunction<'ctx>) {
        self.values = s.values;
        self.func = s.func;
        self.entry = s.entry;
        if let Some(block) = s.block {
            self.b.position_at_end(block);
        }
    }

    /// Ends building the current function: the entry block falls through
    /// to the body.
    pub(super) fn end_function(&mut self) -> R<()> {
        let entry = self.entry_block()?;
        let body = entry
            .get_next_basic_block()
            .ok_or_else(|| BackendError::new("a function lost its body block"))?;
        self.b.position_at_end(entry);
        self.b.build_unconditional_branch(body)?;
        self.func = None;
        self.entry = None;
        Ok(())
    }

    /// Translates the body of a defined `func.func`.
    fn define_function(&mut self, info: &FuncInfo<'ctx>) -> R<()> {
        let op = info.op;
        let block = match self.ir.op(op).regions.first() {
            Some(&region) => match self.ir.region(region).blocks[..] {
                [block] => block,
                _ => {
                    return Err(self.err(
                        op,
                        "has more than one block, which the LLVM backend does not support",
                    ));
                }
            },
            None => return Err(self.err(op, "has no body")),
        };
        self.begin_function(info.llvm);
        let params = info.llvm.get_params();
        let mut next = 0;
        for (&arg, &ty) in self.ir.block_args(block).iter().zip(&info.inputs) {
            let n = expanded_arity(self.ir, ty);
            let fields = params
                .get(next..next + n)
                .ok_or_else(|| self.err(op, "has arguments that do not match its type"))?;
            next += n;
            let val = if memref_parts(self.ir, ty).is_some() {
                Val::MemRef(self.memref_from_fields(fields, ty, op)?)
            } else {
                Val::Basic(fields[0])
            };
            self.set(arg, val);
        }
        let term = self.run_block(block)?;
        match term {
            Some(t) if self.ir.op_is(t, "func.return") => self.ret(t)?,
            _ => {
                return Err(self.err(op, "does not end with 'func.return'"));
            }
        }
        self.end_function()
    }

    /// Translates every op of `block` but its terminator, which it returns.
    pub(super) fn run_block(&mut self, block: BlockId) -> R<Option<OpId>> {
        let ops = self.ir.block_ops_vec(block);
        let (body, term) = match ops.split_last() {
            Some((&last, rest)) if self.ir.op_has_traits(last, OpTraits::TERMINATOR) => {
                (rest, Some(last))
            }
            _ => (&ops[..], None),
        };
        for &op in body {
            self.translate_op(op)?;
        }
        Ok(term)
    }

    /// Maps the arguments of `block` to `vals`.
    pub(super) fn bind_args(&mut self, block: BlockId, vals: &[Val<'ctx>]) {
        let args = self.ir.block_args(block).to_vec();
        for (a, v) in args.into_iter().zip(vals) {
            self.set(a, v.clone());
        }
    }

    /// Translates one op that is not a function or terminator.
    fn translate_op(&mut self, op: OpId) -> R<()> {
        let name = self.ir.op_name_of(op);
        let dialect = name.split('.').next().unwrap_or("");
        match dialect {
            "arith" => arith::translate(self, op),
            "math" => math::translate(self, op),
            "memref" => memref::translate(self, op),
            "vector" => vector::translate(self, op),
            "scf" => scf::translate(self, op),
            "func" if name == "func.call" => self.call(op),
            _ => Err(self.unsupported(op)),
        }
    }

    /// `func.return`.
    fn ret(&mut self, op: OpId) -> R<()> {
        let vals = self
            .ir
            .op(op)
            .operands
            .iter()
            .map(|&v| self.val(v, op).and_then(|x| self.pack_member(&x)))
            .collect::<R<Vec<_>>>()?;
        match vals.len() {
            0 => self.b.build_return(None)?,
            1 => self.b.build_return(Some(&vals[0]))?,
            _ => self.b.build_aggregate_return(&vals)?,
        };
        Ok(())
    }

    /// `func.call`.
    fn call(&mut self, op: OpId) -> R<()> {
        let callee = match self.ir.attr_data_of(op, "callee") {
            Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                self.ir.symbol_str(*root).to_string()
            }
            _ => return Err(self.err(op, "has no flat 'callee' symbol")),
        };
        let info =
            self.funcs.get(&callee).cloned().ok_or_else(|| {
                self.err(op, format!("calls '@{callee}', which is not a function"))
            })?;
        let mut args = Vec::new();
        for &v in &self.ir.op(op).operands {
            args.extend(self.val(v, op)?.flatten());
        }
        let vals = self.call_inner(&info, &args)?;
        let results = self.ir.op(op).results.clone();
        if vals.len() != results.len() {
            return Err(self.err(op, "expects another number of results than the callee has"));
        }
        for (r, v) in results.into_iter().zip(vals) {
            self.set(r, v);
        }
        Ok(())
    }

    /// Calls the function of `info` with expanded arguments and unpacks
    /// its results.
    pub(super) fn call_inner(
        &mut self,
        info: &FuncInfo<'ctx>,
        args: &[BasicValueEnum<'ctx>],
    ) -> R<Vec<Val<'ctx>>> {
        let margs: Vec<BasicMetadataValueEnum> = args.iter().map(|&a| a.into()).collect();
        let call = self.b.build_call(info.llvm, &margs, "")?;
        let ret = match call.try_as_basic_value() {
            ValueKind::Basic(v) => Some(v),
            ValueKind::Instruction(_) => None,
        };
        match (info.results.len(), ret) {
            (0, _) => Ok(Vec::new()),
            (1, Some(v)) => Ok(vec![self.unpack_member(v, info.results[0], info.op)?]),
            (_, Some(v)) => {
                let s = v.into_struct_value();
                let mut out = Vec::new();
                for (i, &ty) in info.results.iter().enumerate() {
                    let x = self.b.build_extract_value(s, i as u32, "")?;
                    out.push(self.unpack_member(x, ty, info.op)?);
                }
                Ok(out)
            }
            _ => Err(self.err(info.op, "returns nothing")),
        }
    }
}

/// The basic type of a value, as a `BasicTypeEnum`.
pub(super) fn type_of<'ctx>(v: BasicValueEnum<'ctx>) -> BasicTypeEnum<'ctx> {
    v.get_type().as_basic_type_enum()
}
