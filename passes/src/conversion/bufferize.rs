//! Bufferization for `convert-graph-to-affine`: function signatures with
//! memref arguments and out-params, graph constants as `memref.global`s,
//! a buffer for every tensor value, and liveness-based buffer reuse.
//!
//! ## Signatures
//!
//! A tensor argument becomes a memref argument of the same shape and
//! element type (identity layout); each tensor result becomes a trailing
//! memref out-param, which the callee writes and the caller allocates
//! (destination passing). Scalar results stay results. Calls are rewritten
//! the same way.
//!
//! ## Where each value lives
//!
//! - a function argument: its memref argument (never written);
//! - a graph constant: `memref.get_global` of a private constant global
//!   (equal constants share one global; never written);
//! - an op result that the function returns: the out-param it is returned
//!   through (computed there, no copy); returned again, or an argument or
//!   constant returned, is copied into its out-param by a loop;
//! - any other op result: a temporary, `memref.alloc`ed before the op and
//!   `memref.dealloc`ed after its last use.
//!
//! ## Buffer reuse
//!
//! With `buffer-reuse` on, a temporary takes a buffer that is already
//! allocated when it can: an element-wise op writes in place into an
//! operand of its own type that dies at that op (each element is read
//! before the same element is written), and any other temporary takes a
//! dead buffer of exactly its type. Only then is a new buffer allocated; a
//! buffer is freed after the last use of its last occupant.

use std::collections::HashMap;

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::types::num_elements;
use tessera_compiler::{
    AttrData, Attribute, BlockId, Context, Diagnostic, Location, OpId, Type, TypeData, Value,
};
use tessera_dialects::graph::{Family, family_of};
use tessera_dialects::memref as memref_d;

use super::emit::{self, Emitter};

/// What the pass is asked to do.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Options {
    /// Reuse dead buffers and write element-wise results in place.
    pub reuse: bool,
}

/// What the pass did, over all functions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Graph ops lowered (constants included).
    pub ops_lowered: u64,
    /// `memref.alloc`s emitted.
    pub allocs: u64,
    /// Temporaries placed in a buffer that already existed.
    pub reused: u64,
    /// The largest (over functions) sum of the sizes of all temporaries:
    /// what the temporaries need when each has a buffer of its own.
    pub peak_bytes_before_reuse: u64,
    /// The largest (over functions) sum of the sizes of the buffers
    /// allocated: what a static plan of the emitted buffers reserves.
    pub peak_bytes: u64,
    /// The largest (over functions) number of bytes of temporaries
    /// allocated at one time in the emitted code (allocation to dealloc).
    pub peak_live_bytes: u64,
}

/// The converted signature of one function.
#[derive(Clone, Debug)]
struct Signature {
    /// The new argument types: converted arguments, then out-params.
    inputs: Vec<Type>,
    /// The new result types: the scalar results.
    results: Vec<Type>,
    /// How many of `inputs` are the original arguments.
    num_args: usize,
    /// For each original result: its out-param (index among out-params)
    /// or its position among the new results.
    result_slots: Vec<Slot>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Slot {
    OutParam(usize),
    Result(usize),
}

/// Whether `ty` is a tensor type.
fn is_tensor(ctx: &Context, ty: Type) -> bool {
    matches!(ctx.type_data(ty), TypeData::Tensor { .. })
}

/// The memref type of a tensor type (other types are kept), or why the
/// type cannot be bufferized.
pub(crate) fn buffer_type(ctx: &mut Context, ty: Type) -> Result<Type, String> {
    let TypeData::Tensor { shape, elem } = ctx.type_data(ty).clone() else {
        return Ok(ty);
    };
    if shape.iter().any(|&d| d < 0) {
        return Err(format!(
            "cannot bufferize {}: only static shapes are supported",
            tessera_compiler::syntax::type_str(ctx, ty)
        ));
    }
    if emit::kind_of(ctx, elem).is_none() {
        return Err(format!(
            "cannot bufferize {}: unsupported element type",
            tessera_compiler::syntax::type_str(ctx, ty)
        ));
    }
    Ok(ctx.memref_type(&shape, elem))
}

/// The size in bytes of a buffer of memref type `ty` (`i1`: one byte).
fn byte_size(ctx: &Context, ty: Type) -> u64 {
    let shape = ctx.shape_of(ty).unwrap_or(&[]);
    let elem = ctx.elem_of(ty).unwrap_or(ty);
    let width = u64::from(emit::bit_width(ctx, elem).div_ceil(8));
    num_elements(shape).unwrap_or(0).saturating_mul(width)
}

fn signature(ctx: &mut Context, inputs: &[Type], results: &[Type]) -> Result<Signature, String> {
    let mut sig = Signature {
        inputs: Vec::new(),
        results: Vec::new(),
        num_args: inputs.len(),
        result_slots: Vec::new(),
    };
    for &t in inputs {
        let b = buffer_type(ctx, t)?;
        sig.inputs.push(b);
    }
    let mut outs = 0;
    for &t in results {
        if is_tensor(ctx, t) {
            let b = buffer_type(ctx, t)?;
            sig.inputs.push(b);
            sig.result_slots.push(Slot::OutParam(outs));
            outs += 1;
        } else {
            sig.result_slots.push(Slot::Result(sig.results.len()));
            sig.results.push(t);
        }
    }
    Ok(sig)
}

/// The `memref.global`s made for graph constants, shared by all functions.
struct Globals {
    module: OpId,
    /// The last global made: the next goes after it (the first one at the
    /// top of the module).
    last: Option<OpId>,
    by_value: HashMap<(Attribute, Type), String>,
    next: usize,
}

impl Globals {
    /// The name of the global holding `value` as a buffer of type `ty`,
    /// created on first use.
    fn get(&mut self, ctx: &mut Context, value: Attribute, ty: Type, loc: Location) -> String {
        if let Some(n) = self.by_value.get(&(value, ty)) {
            return n.clone();
        }
        let name = loop {
            let n = format!("__constant_{}", self.next);
            self.next += 1;
            if ctx.lookup_symbol_in(self.module, &n).is_none() {
                break n;
            }
        };
        let body = ctx.module_body(self.module);
        let global = {
            let mut b = Builder::new(ctx, InsertPoint::Detached);
            memref_d::build_global(
                &mut b,
                &name,
                ty,
                memref_d::GlobalInit::Value(value),
                true,
                loc,
            )
        };
        match (self.last, ctx.first_op(body)) {
            (Some(last), _) => ctx.insert_op_after(last, global),
            (None, Some(first)) => ctx.insert_op_before(first, global),
            (None, None) => ctx.append_op(body, global),
        }
        self.last = Some(global);
        self.by_value.insert((value, ty), name.clone());
        name
    }
}

/// Converts every function of `module`; on failure the diagnostics say
/// why (at the op that could not be lowered).
pub(crate) fn convert_module(
    ctx: &mut Context,
    module: OpId,
    opts: Options,
    stats: &mut Stats,
) -> Result<(), Diagnostic> {
    // The lowerings read shapes and attributes as the verifier checked
    // them; never lower what does not verify.
    if let Err(mut diags) = tessera_compiler::verify::verify(ctx, module) {
        return Err(diags.swap_remove(0));
    }
    let body = ctx.module_body(module);
    let funcs: Vec<OpId> = ctx
        .block_ops(body)
        .filter(|&o| ctx.op_is(o, "func.func"))
        .collect();
    let mut sigs: HashMap<String, Signature> = HashMap::new();
    let mut touched = Vec::new();
    for &f in &funcs {
        let loc = ctx.op(f).loc;
        let Some((inputs, results)) = tessera_dialects::func::function_type(ctx, f) else {
            return Err(Diagnostic::error(loc, "function without a function_type"));
        };
        let (inputs, results) = (inputs.to_vec(), results.to_vec());
        let sig = signature(ctx, &inputs, &results).map_err(|m| Diagnostic::error(loc, m))?;
        let has_graph = ctx
            .walk_preorder(f)
            .iter()
            .any(|&o| ctx.op_name_of(o).starts_with("graph."));
        let has_tensor = inputs.iter().chain(&results).any(|&t| is_tensor(ctx, t));
        if has_graph || has_tensor {
            touched.push(f);
        }
        let name = ctx.symbol_name(f).unwrap_or_default().to_string();
        sigs.insert(name, sig);
    }
    let mut globals = Globals {
        module,
        last: None,
        by_value: HashMap::new(),
        next: 0,
    };
    for f in touched {
        convert_function(ctx, f, &sigs, &mut globals, opts, stats)?;
    }
    Ok(())
}

/// One buffer of a function's temporaries.
struct Buffer {
    mem: Value,
    ty: Type,
    bytes: u64,
    /// Position of the op it was allocated for.
    alloc_at: usize,
    /// The old value living in it now.
    owner: Option<Value>,
    /// When free: the position after which it was freed and the last op
    /// emitted for that position (the dealloc goes after it).
    freed: Option<(usize, OpId)>,
}

/// The state of converting one function body.
struct FuncConversion<'s> {
    opts: Options,
    sigs: &'s HashMap<String, Signature>,
    block: BlockId,
    /// Old value → new value (memref or scalar).
    map: HashMap<Value, Value>,
    /// Old value → position of its last use.
    last_use: HashMap<Value, usize>,
    /// Old op result → the out-param it is computed into.
    claimed: HashMap<Value, Value>,
    /// Old value → its temporary buffer.
    temp_of: HashMap<Value, usize>,
    buffers: Vec<Buffer>,
    /// Every temporary: (defined at, last used at, bytes).
    temps: Vec<(usize, usize, u64)>,
    /// The `memref.get_global` already made for each global.
    get_globals: HashMap<String, Value>,
}

fn convert_function(
    ctx: &mut Context,
    func: OpId,
    sigs: &HashMap<String, Signature>,
    globals: &mut Globals,
    opts: Options,
    stats: &mut Stats,
) -> Result<(), Diagnostic> {
    let floc = ctx.op(func).loc;
    let name = ctx.symbol_name(func).unwrap_or_default().to_string();
    let sig = sigs[&name].clone();
    let fn_type = ctx.function_type(&sig.inputs, &sig.results);
    let fn_type_attr = ctx.type_attr(fn_type);
    let old_region = ctx.op(func).regions[0];
    let old_blocks = ctx.region(old_region).blocks.clone();

    // A declaration only changes its type.
    let Some(&old_block) = old_blocks.first() else {
        ctx.set_attr(func, "function_type", fn_type_attr);
        ctx.remove_attr(func, "arg_attrs");
        ctx.remove_attr(func, "res_attrs");
        return Ok(());
    };
    if old_blocks.len() > 1 {
        return Err(Diagnostic::error(
            floc,
            format!(
                "convert-graph-to-affine: @{name} has several blocks; only straight-line functions are lowered"
            ),
        ));
    }

    // The new function, with the body filled in below.
    let region = ctx.create_region();
    let block = ctx.create_block(&[], floc);
    let old_args = ctx.block_args(old_block).to_vec();
    let arg_locs = ctx.block(old_block).arg_locs.clone();
    for (i, &ty) in sig.inputs.iter().enumerate() {
        let loc = arg_locs
            .get(i)
            .copied()
            .filter(|_| i < sig.num_args)
            .unwrap_or(floc);
        ctx.add_block_arg(block, ty, loc);
    }
    ctx.append_block(region, block);
    let mut state = OperationState::new(ctx.op(func).name, floc).region(region);
    for &(n, a) in &ctx.op(func).attrs.clone() {
        match ctx.symbol_str(n) {
            "function_type" | "arg_attrs" | "res_attrs" => {}
            _ => state.set_attr(n, a),
        }
    }
    let ft = ctx.symbol("function_type");
    state.set_attr(ft, fn_type_attr);
    let new_func = ctx.create_op(state);
    ctx.insert_op_before(func, new_func);

    let new_args = ctx.block_args(block).to_vec();
    let out_params = new_args[sig.num_args..].to_vec();
    let mut conv = FuncConversion {
        opts,
        sigs,
        block,
        map: old_args
            .iter()
            .copied()
            .zip(new_args.iter().copied())
            .collect(),
        last_use: HashMap::new(),
        claimed: HashMap::new(),
        temp_of: HashMap::new(),
        buffers: Vec::new(),
        temps: Vec::new(),
        get_globals: HashMap::new(),
    };
    let ops = ctx.block_ops_vec(old_block);
    let result = conv.run(ctx, &ops, &sig, &out_params, globals, stats);
    match result {
        Ok(()) => {
            ctx.erase_op(func);
            Ok(())
        }
        Err(d) => {
            ctx.erase_op(new_func);
            Err(d)
        }
    }
}

impl FuncConversion<'_> {
    fn run(
        &mut self,
        ctx: &mut Context,
        ops: &[OpId],
        sig: &Signature,
        out_params: &[Value],
        globals: &mut Globals,
        stats: &mut Stats,
    ) -> Result<(), Diagnostic> {
        for (pos, &op) in ops.iter().enumerate() {
            for &v in &ctx.op(op).operands {
                self.last_use.insert(v, pos);
            }
        }
        // Results computed straight into their out-params.
        if let Some(&ret) = ops.last().filter(|&&r| ctx.op_is(r, "func.return")) {
            for (i, &v) in ctx.op(ret).operands.iter().enumerate() {
                let Some(Slot::OutParam(k)) = sig.result_slots.get(i).copied() else {
                    continue;
                };
                let from_op = ctx
                    .defining_op(v)
                    .is_some_and(|d| !ctx.op_is(d, "graph.constant"));
                if from_op && !self.claimed.contains_key(&v) {
                    self.claimed.insert(v, out_params[k]);
                }
            }
        }
        let mut returned = false;
        for (pos, &op) in ops.iter().enumerate() {
            let loc = ctx.op(op).loc;
            let name = ctx.op_name_of(op).to_string();
            if name == "func.return" {
                self.lower_return(ctx, op, sig, out_params)?;
                returned = true;
                break;
            } else if name == "func.call" {
                self.lower_call(ctx, op, pos)?;
            } else if name == "graph.constant" {
                self.lower_constant(ctx, op, globals)?;
                stats.ops_lowered += 1;
            } else if let Some(family) = family_of(&name) {
                self.lower_graph(ctx, op, pos, family)?;
                stats.ops_lowered += 1;
            } else {
                return Err(Diagnostic::error(
                    loc,
                    format!("convert-graph-to-affine cannot lower '{name}'"),
                ));
            }
            self.release_dead(ctx, op, pos);
        }
        if !returned {
            let loc = ops.last().map_or(ctx.unknown_loc(), |&o| ctx.op(o).loc);
            return Err(Diagnostic::error(
                loc,
                "convert-graph-to-affine: the function body does not end with func.return",
            ));
        }
        self.insert_deallocs(ctx);
        self.hoist_constants(ctx);
        self.record_stats(ctx, ops.len(), stats);
        Ok(())
    }

    fn emitter<'c>(&self, ctx: &'c mut Context, op: OpId) -> Emitter<'c> {
        let loc = ctx.op(op).loc;
        Emitter::new(ctx, InsertPoint::End(self.block), loc)
    }

    fn operand(&self, ctx: &Context, v: Value, user: OpId) -> Result<Value, Diagnostic> {
        self.map.get(&v).copied().ok_or_else(|| {
            Diagnostic::error(
                ctx.op(user).loc,
                "convert-graph-to-affine: an operand has no value (used before it is defined?)",
            )
        })
    }

    fn lower_constant(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        globals: &mut Globals,
    ) -> Result<(), Diagnostic> {
        let loc = ctx.op(op).loc;
        let r = ctx.result(op, 0);
        if ctx.is_unused(r) {
            return Ok(());
        }
        let value = ctx
            .attr(op, "value")
            .filter(|&a| matches!(ctx.attr_data(a), AttrData::DenseElements(_)))
            .ok_or_else(|| {
                Diagnostic::error(
                    loc,
                    "'graph.constant' op needs a dense 'value' to be lowered",
                )
            })?;
        let ty = buffer_type(ctx, ctx.value_type(r)).map_err(|m| Diagnostic::error(loc, m))?;
        let name = globals.get(ctx, value, ty, loc);
        let m = match self.get_globals.get(&name) {
            Some(&m) => m,
            None => {
                let mut b = Builder::new(ctx, InsertPoint::End(self.block));
                let m = memref_d::build_get_global(&mut b, &name, ty, loc);
                self.get_globals.insert(name, m);
                m
            }
        };
        self.map.insert(r, m);
        Ok(())
    }

    /// The buffer the result `r` of the op at `pos` is computed into;
    /// `in_place` lists the operands whose buffer it may take over.
    fn result_buffer(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        pos: usize,
        r: Value,
        in_place: &[Value],
    ) -> Result<Value, Diagnostic> {
        if let Some(&out) = self.claimed.get(&r) {
            return Ok(out);
        }
        let loc = ctx.op(op).loc;
        let ty = buffer_type(ctx, ctx.value_type(r)).map_err(|m| Diagnostic::error(loc, m))?;
        let last = self.last_use.get(&r).copied().unwrap_or(pos);
        self.temps.push((pos, last, byte_size(ctx, ty)));
        if self.opts.reuse {
            // In place: an operand of the same type that dies here.
            for &v in in_place {
                let Some(&b) = self.temp_of.get(&v) else {
                    continue;
                };
                if self.last_use.get(&v) == Some(&pos)
                    && self.buffers[b].ty == ty
                    && self.buffers[b].owner == Some(v)
                {
                    self.buffers[b].owner = Some(r);
                    self.temp_of.insert(r, b);
                    return Ok(self.buffers[b].mem);
                }
            }
            // A dead buffer of the same type, the most recently freed.
            let free = (0..self.buffers.len())
                .filter(|&b| self.buffers[b].ty == ty && self.buffers[b].freed.is_some())
                .max_by_key(|&b| self.buffers[b].freed.map(|f| f.0));
            if let Some(b) = free {
                self.buffers[b].freed = None;
                self.buffers[b].owner = Some(r);
                self.temp_of.insert(r, b);
                return Ok(self.buffers[b].mem);
            }
        }
        let mut b = Builder::new(ctx, InsertPoint::End(self.block));
        let mem = memref_d::build_alloc(&mut b, ty, &[], false, loc);
        let bytes = byte_size(ctx, ty);
        self.buffers.push(Buffer {
            mem,
            ty,
            bytes,
            alloc_at: pos,
            owner: Some(r),
            freed: None,
        });
        self.temp_of.insert(r, self.buffers.len() - 1);
        Ok(mem)
    }

    fn lower_graph(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        pos: usize,
        family: Family,
    ) -> Result<(), Diagnostic> {
        let loc = ctx.op(op).loc;
        let results = ctx.op(op).results.clone();
        let [r] = results[..] else {
            return Err(Diagnostic::error(
                loc,
                format!(
                    "'{}' op must have one result to be lowered",
                    ctx.op_name_of(op)
                ),
            ));
        };
        let old_operands = ctx.op(op).operands.clone();
        let mut ins = Vec::with_capacity(old_operands.len());
        for &v in &old_operands {
            ins.push(self.operand(ctx, v, op)?);
        }
        let in_place = if family.is_elementwise() {
            old_operands.clone()
        } else {
            Vec::new()
        };
        let out = self.result_buffer(ctx, op, pos, r, &in_place)?;
        let mut em = self.emitter(ctx, op);
        super::lower_graph_op(&mut em, op, family, &ins, out).map_err(|m| {
            Diagnostic::error(
                loc,
                format!("'{}' op cannot be lowered: {m}", ctx.op_name_of(op)),
            )
        })?;
        self.map.insert(r, out);
        Ok(())
    }

    fn lower_call(&mut self, ctx: &mut Context, op: OpId, pos: usize) -> Result<(), Diagnostic> {
        let loc = ctx.op(op).loc;
        let callee = match ctx.attr_data_of(op, "callee") {
            Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                ctx.symbol_str(*root).to_string()
            }
            _ => {
                return Err(Diagnostic::error(
                    loc,
                    "'func.call' op needs a flat 'callee'",
                ));
            }
        };
        let Some(sig) = self.sigs.get(&callee).cloned() else {
            return Err(Diagnostic::error(
                loc,
                format!(
                    "convert-graph-to-affine: the callee @{callee} is not a function of this module"
                ),
            ));
        };
        let mut operands = Vec::new();
        for &v in &ctx.op(op).operands.clone() {
            operands.push(self.operand(ctx, v, op)?);
        }
        let results = ctx.op(op).results.clone();
        let mut scalar_results = Vec::new();
        for (i, &r) in results.iter().enumerate() {
            match sig.result_slots.get(i) {
                Some(Slot::OutParam(_)) => {
                    // The callee may read its arguments after writing its
                    // out-params, so never in place of an operand.
                    let dest = self.result_buffer(ctx, op, pos, r, &[])?;
                    operands.push(dest);
                    self.map.insert(r, dest);
                }
                _ => scalar_results.push(r),
            }
        }
        let attrs: Vec<(String, Attribute)> = ctx
            .op(op)
            .attrs
            .iter()
            .map(|&(n, a)| (ctx.symbol_str(n).to_string(), a))
            .collect();
        let attr_refs: Vec<(&str, Attribute)> =
            attrs.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        let mut em = self.emitter(ctx, op);
        let new = em.create("func.call", &operands, &sig.results, &attr_refs);
        let new_results = ctx.op(new).results.clone();
        for (old, new) in scalar_results.into_iter().zip(new_results) {
            self.map.insert(old, new);
        }
        Ok(())
    }

    fn lower_return(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        sig: &Signature,
        out_params: &[Value],
    ) -> Result<(), Diagnostic> {
        let loc = ctx.op(op).loc;
        let operands = ctx.op(op).operands.clone();
        if operands.len() != sig.result_slots.len() {
            return Err(Diagnostic::error(
                loc,
                "func.return does not match the function's result count",
            ));
        }
        let mut scalars = Vec::new();
        for (i, &v) in operands.iter().enumerate() {
            let src = self.operand(ctx, v, op)?;
            match sig.result_slots[i] {
                Slot::OutParam(k) => {
                    if src != out_params[k] {
                        let mut em = self.emitter(ctx, op);
                        super::shape_ops::copy(&mut em, src, out_params[k]);
                    }
                }
                Slot::Result(_) => scalars.push(src),
            }
        }
        let mut em = self.emitter(ctx, op);
        em.create("func.return", &scalars, &[], &[]);
        Ok(())
    }

    /// Frees the temporaries whose last use is the op at `pos`, and the
    /// op's results nothing uses.
    fn release_dead(&mut self, ctx: &Context, op: OpId, pos: usize) {
        let Some(marker) = ctx.last_op(self.block) else {
            return;
        };
        let mut dying: Vec<Value> = ctx
            .op(op)
            .operands
            .iter()
            .copied()
            .filter(|v| self.last_use.get(v) == Some(&pos))
            .collect();
        dying.extend(
            ctx.op(op)
                .results
                .iter()
                .copied()
                .filter(|&r| ctx.is_unused(r)),
        );
        for v in dying {
            let Some(&b) = self.temp_of.get(&v) else {
                continue;
            };
            if self.buffers[b].owner == Some(v) {
                self.buffers[b].owner = None;
                self.buffers[b].freed = Some((pos, marker));
            }
        }
    }

    /// Emits each buffer's `memref.dealloc` right after the ops of the
    /// graph op it was last freed at, in allocation order.
    fn insert_deallocs(&mut self, ctx: &mut Context) {
        let places: Vec<Option<(OpId, OpId)>> = self
            .buffers
            .iter()
            .map(|b| b.freed.and_then(|(_, m)| Some((m, ctx.next_op(m)?))))
            .collect();
        for (b, place) in self.buffers.iter().zip(places) {
            let Some((marker, anchor)) = place else {
                continue;
            };
            let loc = ctx.op(marker).loc;
            let mut bld = Builder::new(ctx, InsertPoint::Before(anchor));
            memref_d::build_dealloc(&mut bld, b.mem, loc);
        }
    }

    /// Moves every `arith.constant` of the body to its top, one per value,
    /// in order of first appearance (as canonicalization would), so loop
    /// bodies hold only the computation.
    fn hoist_constants(&self, ctx: &mut Context) {
        let Some(func) = ctx.block_parent_op(self.block) else {
            return;
        };
        let consts: Vec<OpId> = ctx
            .walk_preorder(func)
            .into_iter()
            .filter(|&o| ctx.op_is(o, "arith.constant"))
            .collect();
        let mut seen: HashMap<(Option<Attribute>, Type), Value> = HashMap::new();
        let mut last: Option<OpId> = None;
        for c in consts {
            let r = ctx.result(c, 0);
            let key = (ctx.attr(c, "value"), ctx.value_type(r));
            if let Some(&v) = seen.get(&key) {
                ctx.replace_all_uses(r, v);
                ctx.erase_op(c);
                continue;
            }
            seen.insert(key, r);
            ctx.detach_op(c);
            match (last, ctx.first_op(self.block)) {
                (Some(l), _) => ctx.insert_op_after(l, c),
                (None, Some(first)) => ctx.insert_op_before(first, c),
                (None, None) => ctx.append_op(self.block, c),
            }
            last = Some(c);
        }
    }

    fn record_stats(&self, ctx: &Context, num_ops: usize, stats: &mut Stats) {
        let _ = ctx;
        let before: u64 = self.temps.iter().map(|t| t.2).sum();
        let footprint: u64 = self.buffers.iter().map(|b| b.bytes).sum();
        let mut peak_live = 0;
        for p in 0..num_ops {
            let live: u64 = self
                .buffers
                .iter()
                .filter(|b| b.alloc_at <= p && b.freed.is_none_or(|(f, _)| p <= f))
                .map(|b| b.bytes)
                .sum();
            peak_live = peak_live.max(live);
        }
        stats.allocs += self.buffers.len() as u64;
        stats.reused += (self.temps.len() - self.buffers.len()) as u64;
        stats.peak_bytes_before_reuse = stats.peak_bytes_before_reuse.max(before);
        stats.peak_bytes = stats.peak_bytes.max(footprint);
        stats.peak_live_bytes = stats.peak_live_bytes.max(peak_live);
    }
}
