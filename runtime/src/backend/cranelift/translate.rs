//! Translation of a module: declarations, functions, packed entries, and
//! the per-function translator every op-translating file extends.
//!
//! Each `func.func @f` with a body becomes a local Cranelift function
//! `_tessera_fn_f` whose parameters and returns are the *flattened*
//! arguments and results ([`flat_types`]): a scalar is one value, a vector
//! its parts, a memref its descriptor fields `allocated, aligned, offset,
//! sizes.., strides..` (as MLIR's default LLVM lowering expands them), so
//! `func.call` passes memrefs by value with no memory traffic. A body-less
//! `func.func` is an import of the runtime symbol of its name
//! ([`support::symbol_address`]). Each public function with a body also
//! gets its packed entry `_tessera_packed_f` (see [`crate::backend`]),
//! which reads arguments through the pointer array, calls `_tessera_fn_f`
//! and writes its results.

use std::collections::HashMap;

use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, InstBuilder, MemFlagsData, UserFuncName, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};
use tessera_compiler::{AttrData, BlockId, Context, OpId, Type, TypeData, Value};
use tessera_dialects::memref::{Global, GlobalInit};

use super::types::{MemRefInfo, ScalarTy, VecLayout, descriptor_words, flat_types, type_name};
use crate::backend::{BackendError, packed_name, support};

/// Results of translation.
pub(crate) type BackendResult<T> = Result<T, BackendError>;

/// A size, stride or offset: known statically or held in a value.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Idx {
    /// Known at compile time.
    Const(i64),
    /// An `i64` value.
    Dyn(ir::Value),
}

/// A memref in registers: its descriptor fields.
#[derive(Clone, Debug)]
pub(crate) struct MemRefVal {
    /// The pointer to free.
    pub allocated: ir::Value,
    /// The pointer elements are addressed from.
    pub aligned: ir::Value,
    /// The offset of element 0, in elements.
    pub offset: Idx,
    /// Sizes.
    pub sizes: Vec<Idx>,
    /// Strides, in elements.
    pub strides: Vec<Idx>,
    /// The element type.
    pub elem: ScalarTy,
}

/// What an MLIR value is in Cranelift IR.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    /// A scalar.
    Scalar(ir::Value),
    /// A vector's parts (see [`VecLayout`]).
    Vector(Vec<ir::Value>),
    /// A memref.
    MemRef(MemRefVal),
}

/// A declared function of the module.
#[derive(Clone, Debug)]
pub(crate) struct FuncDecl {
    /// Its Cranelift id.
    pub id: FuncId,
    /// Argument types.
    pub inputs: Vec<Type>,
    /// Result types.
    pub results: Vec<Type>,
}

/// Module-wide state: the Cranelift module and what is declared in it.
pub(crate) struct ModuleEnv<'m> {
    /// The module functions and data are declared in.
    pub module: &'m mut JITModule,
    /// `func.func`s by name.
    pub funcs: HashMap<String, FuncDecl>,
    /// `memref.global`s by name: data object and memref type.
    pub globals: HashMap<String, (DataId, Type)>,
    /// Imported runtime symbols by C name.
    pub imports: HashMap<String, FuncId>,
}

impl ModuleEnv<'_> {
    /// The import of runtime symbol `name` with this signature; an error
    /// if the runtime does not provide it.
    pub fn import(
        &mut self,
        name: &str,
        params: &[ir::Type],
        returns: &[ir::Type],
    ) -> Result<FuncId, String> {
        if let Some(&id) = self.imports.get(name) {
            return Ok(id);
        }
        if support::symbol_address(name).is_none() {
            return Err(format!("the runtime has no function '{name}'"));
        }
        let mut sig = self.module.make_signature();
        sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        sig.returns
            .extend(returns.iter().map(|&t| AbiParam::new(t)));
        let id = self
            .module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|e| e.to_string())?;
        self.imports.insert(name.to_string(), id);
        Ok(id)
    }
}

/// A translated module: its functions, not yet compiled.
pub(crate) struct Translated {
    /// Every function: display name, id, body.
    pub functions: Vec<(String, FuncId, ir::Function)>,
    /// The packed entries: MLIR function name and entry id.
    pub entries: Vec<(String, FuncId)>,
}

/// An error at `op`'s location, worded as MLIR words op errors.
pub(crate) fn op_error(ctx: &Context, op: OpId, msg: impl AsRef<str>) -> BackendError {
    BackendError {
        message: format!("'{}' op {}", ctx.op_name_of(op), msg.as_ref()),
        loc: Some(ctx.op(op).loc),
    }
}

/// The error for an op the backend does not translate.
pub(crate) fn unsupported(ctx: &Context, op: OpId) -> BackendError {
    op_error(ctx, op, "is not supported by the Cranelift backend")
}

/// The internal name of the function for `func.func @name`.
fn internal_name(name: &str) -> String {
    format!("_tessera_fn_{name}")
}

/// Translates `module` into functions declared and defined in `jit`.
pub(crate) fn translate_module(
    ctx: &Context,
    module: OpId,
    jit: &mut JITModule,
) -> Result<Translated, BackendError> {
    if !ctx.op_is(module, "builtin.module") {
        return Err(op_error(ctx, module, "is not a builtin.module"));
    }
    let mut env = ModuleEnv {
        module: jit,
        funcs: HashMap::new(),
        globals: HashMap::new(),
        imports: HashMap::new(),
    };
    let body = ctx.module_body(module);
    let mut defined = Vec::new();
    for op in ctx.block_ops(body) {
        match ctx.op_name_of(op) {
            "func.func" => {
                if let Some(f) = declare_func(ctx, op, &mut env)? {
                    defined.push(f);
                }
            }
            "memref.global" => define_global(ctx, op, &mut env)?,
            _ => return Err(unsupported(ctx, op)),
        }
    }
    let mut fctx = FunctionBuilderContext::new();
    let mut out = Translated {
        functions: Vec::new(),
        entries: Vec::new(),
    };
    for &(op, ref name, public) in &defined {
        let decl = env.funcs[name].clone();
        let func = translate_func(ctx, op, name, &decl, &mut env, &mut fctx)?;
        out.functions.push((internal_name(name), decl.id, func));
        if public {
            let (id, func) = packed_entry(ctx, op, name, &decl, &mut env, &mut fctx)?;
            out.functions.push((packed_name(name), id, func));
            out.entries.push((name.clone(), id));
        }
    }
    Ok(out)
}

/// Declares a `func.func`; returns (op, name, public) when it has a body.
fn declare_func(
    ctx: &Context,
    op: OpId,
    env: &mut ModuleEnv,
) -> Result<Option<(OpId, String, bool)>, BackendError> {
    let name = ctx
        .symbol_name(op)
        .ok_or_else(|| op_error(ctx, op, "has no name"))?
        .to_string();
    let (inputs, results) = tessera_dialects::func::function_type(ctx, op)
        .ok_or_else(|| op_error(ctx, op, "has no function type"))?;
    let mut sig = env.module.make_signature();
    for &ty in inputs {
        let flat = flat_types(ctx, ty).map_err(|e| op_error(ctx, op, e))?;
        sig.params.extend(flat.into_iter().map(AbiParam::new));
    }
    for &ty in results {
        let flat = flat_types(ctx, ty).map_err(|e| op_error(ctx, op, e))?;
        sig.returns.extend(flat.into_iter().map(AbiParam::new));
    }
    let has_body = ctx.entry_block(op, 0).is_some();
    let public = !matches!(
        ctx.attr_data_of(op, "sym_visibility"),
        Some(AttrData::String(s)) if s != "public"
    );
    let id = if has_body {
        env.module
            .declare_function(&internal_name(&name), Linkage::Local, &sig)
    } else {
        if support::symbol_address(&name).is_none() {
            return Err(op_error(
                ctx,
                op,
                format!("declares '@{name}', which is neither defined nor a runtime function"),
            ));
        }
        env.module.declare_function(&name, Linkage::Import, &sig)
    }
    .map_err(|e| op_error(ctx, op, e.to_string()))?;
    let decl = FuncDecl {
        id,
        inputs: inputs.to_vec(),
        results: results.to_vec(),
    };
    if env.funcs.insert(name.clone(), decl).is_some() {
        return Err(op_error(ctx, op, format!("redefines '@{name}'")));
    }
    if !has_body {
        env.imports.insert(name, id);
        return Ok(None);
    }
    Ok(Some((op, name, public)))
}

/// Declares and defines the data object of a `memref.global`, 64-byte
/// aligned, read-only if `constant`.
fn define_global(ctx: &Context, op: OpId, env: &mut ModuleEnv) -> Result<(), BackendError> {
    let g = Global::view(ctx, op).ok_or_else(|| op_error(ctx, op, "is malformed"))?;
    let info = MemRefInfo::of(ctx, g.ty).map_err(|e| op_error(ctx, op, e))?;
    if !info.is_static_identity() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "type {} must have a static shape and the identity layout",
                type_name(ctx, g.ty)
            ),
        ));
    }
    let count: i64 = info.shape.iter().product();
    let size = (count * info.elem.bytes()) as usize;
    let mut data = DataDescription::new();
    data.set_align(64);
    match g.init {
        GlobalInit::External => {
            return Err(op_error(
                ctx,
                op,
                "is an external declaration; the backend cannot link it",
            ));
        }
        GlobalInit::Uninitialized => data.define_zeroinit(size.max(1)),
        GlobalInit::Value(attr) => {
            let AttrData::DenseElements(d) = ctx.attr_data(attr) else {
                return Err(op_error(ctx, op, "initial value must be dense elements"));
            };
            let bytes = if d.splat {
                d.bytes.repeat(count as usize)
            } else {
                d.bytes.clone()
            };
            if bytes.len() != size {
                return Err(op_error(
                    ctx,
                    op,
                    format!(
                        "initial value has {} bytes, the type needs {size}",
                        bytes.len()
                    ),
                ));
            }
            data.define(if bytes.is_empty() {
                vec![0u8].into_boxed_slice()
            } else {
                bytes.into_boxed_slice()
            });
        }
    }
    let id = env
        .module
        .declare_data(
            &format!("_tessera_global_{}", g.name),
            Linkage::Local,
            !g.constant,
            false,
        )
        .map_err(|e| op_error(ctx, op, e.to_string()))?;
    env.module
        .define_data(id, &data)
        .map_err(|e| op_error(ctx, op, e.to_string()))?;
    env.globals.insert(g.name.to_string(), (id, g.ty));
    Ok(())
}

/// Translates the body of `func.func` `op`.
fn translate_func(
    ctx: &Context,
    op: OpId,
    name: &str,
    decl: &FuncDecl,
    env: &mut ModuleEnv,
    fctx: &mut FunctionBuilderContext,
) -> Result<ir::Function, BackendError> {
    let sig = env
        .module
        .declarations()
        .get_function_decl(decl.id)
        .signature
        .clone();
    let mut func =
        ir::Function::with_name_signature(UserFuncName::testcase(internal_name(name)), sig);
    let region = ctx.op(op).regions.first().copied();
    let Some(region) = region.filter(|&r| ctx.region(r).blocks.len() == 1) else {
        return Err(op_error(
            ctx,
            op,
            "must have a single-block body (no unstructured control flow)",
        ));
    };
    let block = ctx.region(region).blocks[0];
    {
        let mut t = FnTranslator::new(ctx, env, FunctionBuilder::new(&mut func, fctx));
        let entry = t.b.create_block();
        t.b.append_block_params_for_function_params(entry);
        t.b.switch_to_block(entry);
        let params = t.b.block_params(entry).to_vec();
        let args = ctx.block_args(block).to_vec();
        t.bind_flat(op, &args, &params)?;
        let term = t.body(block)?;
        match term {
            Some(r) if ctx.op_is(r, "func.return") => {
                let vals = t.operands_flat(r)?;
                t.b.ins().return_(&vals);
            }
            Some(r) => return Err(unsupported(ctx, r)),
            None => return Err(op_error(ctx, op, "body does not end with func.return")),
        }
        t.finish();
    }
    Ok(func)
}

/// Builds the packed entry of `func.func @name`.
fn packed_entry(
    ctx: &Context,
    op: OpId,
    name: &str,
    decl: &FuncDecl,
    env: &mut ModuleEnv,
    fctx: &mut FunctionBuilderContext,
) -> Result<(FuncId, ir::Function), BackendError> {
    let mut sig = env.module.make_signature();
    sig.params.push(AbiParam::new(types::I64));
    let id = env
        .module
        .declare_function(&packed_name(name), Linkage::Export, &sig)
        .map_err(|e| op_error(ctx, op, e.to_string()))?;
    let mut func =
        ir::Function::with_name_signature(UserFuncName::testcase(packed_name(name)), sig);
    {
        let mut b = FunctionBuilder::new(&mut func, fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let array = b.block_params(entry)[0];
        let flags = MemFlagsData::trusted();
        let mut args = Vec::new();
        for (i, &ty) in decl.inputs.iter().enumerate() {
            let ptr = b.ins().load(types::I64, flags, array, (8 * i) as i32);
            if let Some(s) = ScalarTy::of(ctx, ty) {
                args.push(b.ins().load(s.ty, MemFlagsData::new(), ptr, 0));
            } else if let TypeData::MemRef { .. } = ctx.type_data(ty) {
                let info = MemRefInfo::of(ctx, ty).map_err(|e| op_error(ctx, op, e))?;
                for w in 0..descriptor_words(info.rank()) {
                    args.push(b.ins().load(types::I64, flags, ptr, (8 * w) as i32));
                }
            } else {
                return Err(op_error(
                    ctx,
                    op,
                    format!(
                        "argument type {} cannot be passed to a packed entry",
                        type_name(ctx, ty)
                    ),
                ));
            }
        }
        let callee = env.module.declare_func_in_func(decl.id, b.func);
        let call = b.ins().call(callee, &args);
        let rets = b.inst_results(call).to_vec();
        let mut next = 0;
        for (j, &ty) in decl.results.iter().enumerate() {
            let at = (8 * (decl.inputs.len() + j)) as i32;
            let ptr = b.ins().load(types::I64, flags, array, at);
            let words = if ScalarTy::of(ctx, ty).is_some() {
                1
            } else if let TypeData::MemRef { .. } = ctx.type_data(ty) {
                let info = MemRefInfo::of(ctx, ty).map_err(|e| op_error(ctx, op, e))?;
                descriptor_words(info.rank())
            } else {
                return Err(op_error(
                    ctx,
                    op,
                    format!(
                        "result type {} cannot be returned from a packed entry",
                        type_name(ctx, ty)
                    ),
                ));
            };
            for w in 0..words {
                let f = if words == 1 {
                    MemFlagsData::new()
                } else {
                    flags
                };
                b.ins().store(f, rets[next], ptr, (8 * w) as i32);
                next += 1;
            }
        }
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(env.module.target_config());
    }
    Ok((id, func))
}

/// Block arguments for a branch.
pub(crate) fn block_args(values: &[ir::Value]) -> Vec<BlockArg> {
    values.iter().map(|&v| BlockArg::Value(v)).collect()
}

/// Translates one function body; the op-translating files add methods.
pub(crate) struct FnTranslator<'a, 'e, 'm, 'f> {
    /// The IR.
    pub ctx: &'a Context,
    /// The module being built.
    pub env: &'e mut ModuleEnv<'m>,
    /// The function being built.
    pub b: FunctionBuilder<'f>,
    values: HashMap<Value, Val>,
    func_refs: HashMap<FuncId, ir::FuncRef>,
    data_refs: HashMap<DataId, ir::GlobalValue>,
}

impl<'a, 'e, 'm, 'f> FnTranslator<'a, 'e, 'm, 'f> {
    fn new(ctx: &'a Context, env: &'e mut ModuleEnv<'m>, b: FunctionBuilder<'f>) -> Self {
        FnTranslator {
            ctx,
            env,
            b,
            values: HashMap::new(),
            func_refs: HashMap::new(),
            data_refs: HashMap::new(),
        }
    }

    /// Seals every block and finishes the function.
    fn finish(mut self) {
        self.b.seal_all_blocks();
        let config = self.env.module.target_config();
        self.b.finalize(config);
    }

    // ----- values ------------------------------------------------------------

    /// Records what MLIR value `v` is.
    pub fn set(&mut self, v: Value, val: Val) {
        self.values.insert(v, val);
    }

    /// What MLIR value `v` (an operand of `op`) is.
    pub fn val(&self, op: OpId, v: Value) -> Result<Val, BackendError> {
        self.values
            .get(&v)
            .cloned()
            .ok_or_else(|| op_error(self.ctx, op, "uses a value the backend has not seen"))
    }

    /// Operand `i` of `op`.
    pub fn operand(&self, op: OpId, i: usize) -> BackendResult<Value> {
        self.ctx
            .op(op)
            .operands
            .get(i)
            .copied()
            .ok_or_else(|| op_error(self.ctx, op, format!("lacks operand #{i}")))
    }

    /// Result `i` of `op`.
    pub fn result(&self, op: OpId, i: usize) -> BackendResult<Value> {
        self.ctx
            .op(op)
            .results
            .get(i)
            .copied()
            .ok_or_else(|| op_error(self.ctx, op, format!("lacks result #{i}")))
    }

    /// Scalar operand `v` of `op`.
    pub fn scalar(&self, op: OpId, v: Value) -> Result<ir::Value, BackendError> {
        match self.val(op, v)? {
            Val::Scalar(x) => Ok(x),
            _ => Err(op_error(self.ctx, op, "expects a scalar operand")),
        }
    }

    /// Vector operand `v` of `op`: its parts.
    pub fn vector(&self, op: OpId, v: Value) -> Result<Vec<ir::Value>, BackendError> {
        match self.val(op, v)? {
            Val::Vector(x) => Ok(x),
            _ => Err(op_error(self.ctx, op, "expects a vector operand")),
        }
    }

    /// Memref operand `v` of `op`.
    pub fn memref(&self, op: OpId, v: Value) -> Result<MemRefVal, BackendError> {
        match self.val(op, v)? {
            Val::MemRef(m) => Ok(m),
            _ => Err(op_error(self.ctx, op, "expects a memref operand")),
        }
    }

    /// The scalar type of `ty` (or of its elements), or an error at `op`.
    pub fn scalar_ty(&self, op: OpId, ty: Type) -> Result<ScalarTy, BackendError> {
        let elem = match self.ctx.type_data(ty) {
            TypeData::Vector { elem, .. } => *elem,
            _ => ty,
        };
        ScalarTy::of(self.ctx, elem).ok_or_else(|| {
            op_error(
                self.ctx,
                op,
                format!("type {} is not supported", type_name(self.ctx, ty)),
            )
        })
    }

    /// The layout of vector type `ty`, or an error at `op`.
    pub fn layout(&self, op: OpId, ty: Type) -> Result<VecLayout, BackendError> {
        VecLayout::of(self.ctx, ty).ok_or_else(|| {
            op_error(
                self.ctx,
                op,
                format!("type {} is not supported", type_name(self.ctx, ty)),
            )
        })
    }

    /// An `i64` value of `i`.
    pub fn idx_value(&mut self, i: Idx) -> ir::Value {
        match i {
            Idx::Const(c) => self.b.ins().iconst(types::I64, c),
            Idx::Dyn(v) => v,
        }
    }

    /// The Cranelift values `val` is passed as (see [`flat_types`]).
    pub fn flatten(&mut self, val: &Val) -> Vec<ir::Value> {
        match val {
            Val::Scalar(x) => vec![*x],
            Val::Vector(parts) => parts.clone(),
            Val::MemRef(m) => {
                let mut out = vec![m.allocated, m.aligned];
                out.push(self.idx_value(m.offset));
                for &s in m.sizes.iter().chain(&m.strides) {
                    out.push(self.idx_value(s));
                }
                out
            }
        }
    }

    /// Rebuilds a value of type `ty` from its flattened values; static
    /// parts of a memref type become constants.
    pub fn unflatten(&self, op: OpId, ty: Type, flat: &[ir::Value]) -> Result<Val, BackendError> {
        if ScalarTy::of(self.ctx, ty).is_some() {
            return Ok(Val::Scalar(flat[0]));
        }
        match self.ctx.type_data(ty) {
            TypeData::Vector { .. } => Ok(Val::Vector(flat.to_vec())),
            TypeData::MemRef { .. } => {
                let info = MemRefInfo::of(self.ctx, ty).map_err(|e| op_error(self.ctx, op, e))?;
                let r = info.rank();
                let pick = |stat: i64, v: ir::Value| {
                    if stat == tessera_compiler::DYNAMIC {
                        Idx::Dyn(v)
                    } else {
                        Idx::Const(stat)
                    }
                };
                Ok(Val::MemRef(MemRefVal {
                    allocated: flat[0],
                    aligned: flat[1],
                    offset: pick(info.offset, flat[2]),
                    sizes: (0..r).map(|i| pick(info.shape[i], flat[3 + i])).collect(),
                    strides: (0..r)
                        .map(|i| pick(info.strides[i], flat[3 + r + i]))
                        .collect(),
                    elem: info.elem,
                }))
            }
            _ => Err(op_error(
                self.ctx,
                op,
                format!("type {} is not supported", type_name(self.ctx, ty)),
            )),
        }
    }

    /// The flattened types of `values`' types.
    pub fn flat_types_of(&self, op: OpId, values: &[Value]) -> Result<Vec<ir::Type>, BackendError> {
        let mut out = Vec::new();
        for &v in values {
            let t = flat_types(self.ctx, self.ctx.value_type(v))
                .map_err(|e| op_error(self.ctx, op, e))?;
            out.extend(t);
        }
        Ok(out)
    }

    /// Binds MLIR values `values` to consecutive slices of `flat`.
    pub fn bind_flat(
        &mut self,
        op: OpId,
        values: &[Value],
        flat: &[ir::Value],
    ) -> Result<(), BackendError> {
        let mut at = 0;
        for &v in values {
            let ty = self.ctx.value_type(v);
            let n = flat_types(self.ctx, ty)
                .map_err(|e| op_error(self.ctx, op, e))?
                .len();
            let val = self.unflatten(op, ty, &flat[at..at + n])?;
            self.set(v, val);
            at += n;
        }
        Ok(())
    }

    /// The flattened operands of `op`.
    pub fn operands_flat(&mut self, op: OpId) -> Result<Vec<ir::Value>, BackendError> {
        let mut out = Vec::new();
        for &v in &self.ctx.op(op).operands {
            let val = self.val(op, v)?;
            out.extend(self.flatten(&val));
        }
        Ok(out)
    }

    // ----- blocks and ops --------------------------------------------------------

    /// Translates the ops of `block` up to its terminator, which it
    /// returns (`None` for a block without one, an implicit empty yield).
    pub fn body(&mut self, block: BlockId) -> Result<Option<OpId>, BackendError> {
        let ctx = self.ctx;
        for op in ctx.block_ops(block) {
            match ctx.op_name_of(op) {
                "scf.yield" | "scf.condition" | "func.return" | "scf.reduce"
                | "scf.reduce.return" => return Ok(Some(op)),
                _ => self.op(op)?,
            }
        }
        Ok(None)
    }

    /// Translates one op.
    fn op(&mut self, op: OpId) -> Result<(), BackendError> {
        let name = self.ctx.op_name_of(op);
        match name {
            "func.call" => self.call(op),
            "scf.for" => self.scf_for(op),
            "scf.if" => self.scf_if(op),
            "scf.while" => self.scf_while(op),
            "scf.parallel" => self.scf_parallel(op),
            _ => match name.split('.').next() {
                Some("arith") => self.arith(op),
                Some("math") => self.math(op),
                Some("memref") => self.memref_op(op),
                Some("vector") => self.vector_op(op),
                _ => Err(unsupported(self.ctx, op)),
            },
        }
    }

    /// `func.call`.
    fn call(&mut self, op: OpId) -> Result<(), BackendError> {
        let callee = match self.ctx.attr_data_of(op, "callee") {
            Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                self.ctx.symbol_str(*root).to_string()
            }
            _ => return Err(op_error(self.ctx, op, "needs a flat symbol 'callee'")),
        };
        let decl =
            self.env.funcs.get(&callee).cloned().ok_or_else(|| {
                op_error(self.ctx, op, format!("calls unknown function '@{callee}'"))
            })?;
        let args = self.operands_flat(op)?;
        let results = self.ctx.op(op).results.clone();
        let operand_types: Vec<Type> = self
            .ctx
            .op(op)
            .operands
            .iter()
            .map(|&v| self.ctx.value_type(v))
            .collect();
        let result_types: Vec<Type> = results.iter().map(|&v| self.ctx.value_type(v)).collect();
        if operand_types != decl.inputs || result_types != decl.results {
            return Err(op_error(
                self.ctx,
                op,
                format!("types do not match those of '@{callee}'"),
            ));
        }
        let fref = self.func_ref(decl.id);
        let call = self.b.ins().call(fref, &args);
        let rets = self.b.inst_results(call).to_vec();
        self.bind_flat(op, &results, &rets)
    }

    /// The reference to function `id` in this function.
    pub fn func_ref(&mut self, id: FuncId) -> ir::FuncRef {
        if let Some(&r) = self.func_refs.get(&id) {
            return r;
        }
        let r = self.env.module.declare_func_in_func(id, self.b.func);
        self.func_refs.insert(id, r);
        r
    }

    /// The reference to data object `id` in this function.
    pub fn data_ref(&mut self, id: DataId) -> ir::GlobalValue {
        if let Some(&r) = self.data_refs.get(&id) {
            return r;
        }
        let r = self.env.module.declare_data_in_func(id, self.b.func);
        self.data_refs.insert(id, r);
        r
    }

    /// Calls runtime function `name` (for `op`) and returns its results.
    pub fn call_runtime(
        &mut self,
        op: OpId,
        name: &str,
        args: &[ir::Value],
        returns: &[ir::Type],
    ) -> Result<Vec<ir::Value>, BackendError> {
        let params: Vec<ir::Type> = args
            .iter()
            .map(|&a| self.b.func.dfg.value_type(a))
            .collect();
        let id = self
            .env
            .import(name, &params, returns)
            .map_err(|e| op_error(self.ctx, op, e))?;
        let fref = self.func_ref(id);
        let call = self.b.ins().call(fref, args);
        Ok(self.b.inst_results(call).to_vec())
    }
}
