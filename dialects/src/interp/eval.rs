//! The interpreter over IR: runs a `func.func` of a module op by op, giving
//! each `graph` op the meaning of its [kernel](super::kernels).
//!
//! Evaluation is straight-line: a function body is one block; `graph`
//! ops are checked with the dialect's own rules and then evaluated,
//! `func.call` runs the callee (up to [`MAX_CALL_DEPTH`] calls deep), and
//! `func.return` ends the function. Every error is a [`Diagnostic`] at the
//! location of the op (or function) that caused it, with a note at each
//! call site on the way. Tensors are dropped after their last use.

use std::collections::HashMap;

use tessera_compiler::{
    AttrData, Attribute, Context, DenseElements, Diagnostic, Location, OpId, Type, TypeData, Value,
};

use super::kernels::{self, CmpPredicate};
use super::value::Tensor;
use crate::graph::attrs::Attrs;
use crate::graph::ops::{Family, family_of};
use crate::graph::shape::infer;
use crate::graph::types::{TensorType, elem_type_to_type};

/// How deep `func.call`s may nest; recursion has no base case in
/// straight-line code, so hitting this means a recursive call.
pub const MAX_CALL_DEPTH: usize = 64;

/// Runs the function `func_name` of `module` on `args` and returns its
/// results. The arguments must match the function's argument types
/// exactly (shape and element type).
pub fn run_function(
    ctx: &Context,
    module: OpId,
    func_name: &str,
    args: Vec<Tensor>,
) -> Result<Vec<Tensor>, Diagnostic> {
    let func = find_function(ctx, module, func_name, ctx.op(module).loc)?;
    call_function(ctx, module, func, args, 0)
}

fn find_function(
    ctx: &Context,
    module: OpId,
    name: &str,
    loc: Location,
) -> Result<OpId, Diagnostic> {
    match ctx.lookup_symbol_in(module, name) {
        Some(f) if ctx.op_is(f, "func.func") => Ok(f),
        Some(f) => Err(Diagnostic::error(
            loc,
            format!("@{name} is a '{}', not a func.func", ctx.op_name_of(f)),
        )),
        None => Err(Diagnostic::error(
            loc,
            format!("no function @{name} in the module"),
        )),
    }
}

/// The argument and result types of a `func.func`.
fn signature(ctx: &Context, func: OpId, name: &str) -> Result<(Vec<Type>, Vec<Type>), Diagnostic> {
    let loc = ctx.op(func).loc;
    let Some(AttrData::Type(ty)) = ctx.attr_data_of(func, "function_type") else {
        return Err(Diagnostic::error(
            loc,
            format!("function @{name} has no 'function_type' attribute"),
        ));
    };
    match ctx.type_data(*ty) {
        TypeData::Function { inputs, results } => Ok((inputs.clone(), results.clone())),
        _ => Err(Diagnostic::error(
            loc,
            format!("function @{name} has a 'function_type' that is not a function type"),
        )),
    }
}

/// Checks that `t` has type `ty`; `what` names it in the message.
fn check_tensor(ctx: &Context, t: &Tensor, ty: Type, what: &str) -> Result<(), String> {
    let expected = TensorType::from_type(ctx, ty).map_err(|e| format!("{what}: {e}"))?;
    if !tensor_matches(t, &expected) {
        return Err(format!(
            "{what} has type {}, but {expected} is expected",
            t.type_string()
        ));
    }
    Ok(())
}

fn tensor_matches(t: &Tensor, ty: &TensorType) -> bool {
    t.elem_type() == ty.elem
        && t.shape().len() == ty.shape.len()
        && t.shape()
            .iter()
            .zip(&ty.shape)
            .all(|(&a, &b)| a as i64 == b)
}

fn call_function(
    ctx: &Context,
    module: OpId,
    func: OpId,
    args: Vec<Tensor>,
    depth: usize,
) -> Result<Vec<Tensor>, Diagnostic> {
    let floc = ctx.op(func).loc;
    let name = ctx.symbol_name(func).unwrap_or("?").to_string();
    let (inputs, results) = signature(ctx, func, &name)?;
    if args.len() != inputs.len() {
        return Err(Diagnostic::error(
            floc,
            format!(
                "@{name} takes {} arguments, but {} were given",
                inputs.len(),
                args.len()
            ),
        ));
    }
    for (i, (a, &ty)) in args.iter().zip(&inputs).enumerate() {
        check_tensor(ctx, a, ty, &format!("argument {i} of @{name}"))
            .map_err(|e| Diagnostic::error(floc, e))?;
    }
    let region = ctx.op(func).regions.first().copied();
    let blocks = region
        .map(|r| ctx.region(r).blocks.clone())
        .unwrap_or_default();
    let Some(&entry) = blocks.first() else {
        return Err(Diagnostic::error(
            floc,
            format!("function @{name} has no body and cannot be run"),
        ));
    };
    if blocks.len() > 1 {
        return Err(Diagnostic::error(
            floc,
            format!(
                "function @{name} has {} blocks; the interpreter runs single-block functions",
                blocks.len()
            ),
        ));
    }

    let mut frame = Frame::default();
    for (&v, t) in ctx.block_args(entry).iter().zip(args) {
        frame.define(ctx, v, t);
    }
    for op in ctx.block_ops(entry) {
        let loc = ctx.op(op).loc;
        let op_name = ctx.op_name_of(op);
        let operands = &ctx.op(op).operands;
        if op_name == "func.return" {
            if operands.len() != results.len() {
                return Err(Diagnostic::error(
                    loc,
                    format!(
                        "func.return returns {} values, but @{name} has {} results",
                        operands.len(),
                        results.len()
                    ),
                ));
            }
            let mut out = Vec::with_capacity(operands.len());
            for (i, (&v, &ty)) in operands.iter().zip(&results).enumerate() {
                let t = frame.take(v, loc)?;
                check_tensor(ctx, &t, ty, &format!("result {i} of @{name}"))
                    .map_err(|e| Diagnostic::error(loc, e))?;
                out.push(t);
            }
            return Ok(out);
        }
        let outs = if op_name == "func.call" {
            eval_call(ctx, module, op, &mut frame, depth)?
        } else if let Some(family) = family_of(op_name) {
            let ins: Vec<&Tensor> = operands
                .iter()
                .map(|&v| frame.get(v, loc))
                .collect::<Result<_, _>>()?;
            let out = eval_op(ctx, op, family, &ins)
                .map_err(|e| Diagnostic::error(loc, format!("'{op_name}' op {e}")))?;
            vec![out]
        } else {
            return Err(Diagnostic::error(
                loc,
                format!("the interpreter cannot evaluate '{op_name}'"),
            ));
        };
        for &v in operands {
            frame.release(v);
        }
        for (&r, t) in ctx.op(op).results.iter().zip(outs) {
            frame.define(ctx, r, t);
        }
    }
    Err(Diagnostic::error(
        floc,
        format!("function @{name} ends without func.return"),
    ))
}

fn eval_call(
    ctx: &Context,
    module: OpId,
    op: OpId,
    frame: &mut Frame,
    depth: usize,
) -> Result<Vec<Tensor>, Diagnostic> {
    let loc = ctx.op(op).loc;
    let callee = match ctx.attr_data_of(op, "callee") {
        Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => ctx.symbol_str(*root),
        _ => {
            return Err(Diagnostic::error(
                loc,
                "'func.call' op needs a 'callee' symbol reference such as @f",
            ));
        }
    };
    if depth + 1 > MAX_CALL_DEPTH {
        return Err(Diagnostic::error(
            loc,
            format!(
                "call to @{callee} exceeds the call depth limit of {MAX_CALL_DEPTH} (is the function recursive?)"
            ),
        ));
    }
    let func = find_function(ctx, module, callee, loc)?;
    let mut args = Vec::with_capacity(ctx.op(op).operands.len());
    for &v in &ctx.op(op).operands {
        args.push(frame.get(v, loc)?.clone());
    }
    let outs = call_function(ctx, module, func, args, depth + 1)
        .map_err(|d| d.with_note(loc, format!("in the call to @{callee} here")))?;
    let results = &ctx.op(op).results;
    if outs.len() != results.len() {
        return Err(Diagnostic::error(
            loc,
            format!(
                "@{callee} returned {} values, but the call has {} results",
                outs.len(),
                results.len()
            ),
        ));
    }
    for (i, (t, &r)) in outs.iter().zip(results).enumerate() {
        check_tensor(
            ctx,
            t,
            ctx.value_type(r),
            &format!("result {i} of the call"),
        )
        .map_err(|e| Diagnostic::error(loc, e))?;
    }
    Ok(outs)
}

/// The live values of one function activation, each kept until its last use.
#[derive(Default)]
struct Frame {
    values: HashMap<Value, (Tensor, usize)>,
}

impl Frame {
    fn define(&mut self, ctx: &Context, v: Value, t: Tensor) {
        let uses = ctx.uses(v).len();
        if uses > 0 {
            self.values.insert(v, (t, uses));
        }
    }

    fn get(&self, v: Value, loc: Location) -> Result<&Tensor, Diagnostic> {
        self.values.get(&v).map(|(t, _)| t).ok_or_else(|| {
            Diagnostic::error(loc, "an operand has no value (used before it is defined?)")
        })
    }

    /// Drops one use of `v`, and the tensor with the last one.
    fn release(&mut self, v: Value) {
        if let Some((_, n)) = self.values.get_mut(&v) {
            *n -= 1;
            if *n == 0 {
                self.values.remove(&v);
            }
        }
    }

    /// Takes `v` out if this is its last use, else clones it.
    fn take(&mut self, v: Value, loc: Location) -> Result<Tensor, Diagnostic> {
        let t = self.get(v, loc)?.clone();
        self.release(v);
        Ok(t)
    }
}

/// Evaluates one `graph` op on operand tensors: checks the op with the
/// dialect's rules (so an unverified op never reaches a kernel with
/// attributes it would read differently), runs the kernel, and checks the
/// result against the op's result type.
pub fn eval_op(
    ctx: &Context,
    op: OpId,
    family: Family,
    operands: &[&Tensor],
) -> Result<Tensor, String> {
    let data = ctx.op(op);
    let [result] = data.results[..] else {
        return Err(format!("expects 1 result, but got {}", data.results.len()));
    };
    let declared = TensorType::from_type(ctx, ctx.value_type(result))?;
    let mut types = Vec::with_capacity(operands.len());
    for (i, &v) in data.operands.iter().enumerate() {
        types.push(
            TensorType::from_type(ctx, ctx.value_type(v))
                .map_err(|e| format!("operand #{i}: {e}"))?,
        );
    }
    let attrs = Attrs::of_op(ctx, op);
    let expected = infer(ctx, family, &types, &attrs, Some(&declared))?;
    if expected != declared {
        return Err(format!(
            "result type {declared} does not match the inferred type {expected}"
        ));
    }
    for (i, (t, ty)) in operands.iter().zip(&types).enumerate() {
        if !tensor_matches(t, ty) {
            return Err(format!(
                "operand #{i} is a {}, but the op's operand type is {ty}",
                t.type_string()
            ));
        }
    }
    eval_family(ctx, family, &attrs, operands, &declared)
}

/// Computes an op of `family` with `attrs` on `operands`, whose result
/// type is `result`. The caller has checked the op (see [`eval_op`]); the
/// kernels check again and report rather than panic.
pub fn eval_family(
    ctx: &Context,
    family: Family,
    attrs: &Attrs<'_>,
    operands: &[&Tensor],
    result: &TensorType,
) -> Result<Tensor, String> {
    let shape = result.usize_shape();
    let arg = |i: usize| {
        operands
            .get(i)
            .copied()
            .ok_or_else(|| format!("missing operand #{i}"))
    };
    let out = match family {
        Family::Constant => {
            let v = attrs.get("value").ok_or("requires attribute 'value'")?;
            return constant_to_tensor(ctx, v);
        }
        Family::Unary(op) => kernels::unary(op, arg(0)?),
        Family::Binary(op) => kernels::binary(op, arg(0)?, arg(1)?),
        Family::Cmp => {
            let p = attrs.string("predicate")?;
            let pred =
                CmpPredicate::from_name(p).ok_or_else(|| format!("unknown predicate \"{p}\""))?;
            kernels::cmp(pred, arg(0)?, arg(1)?)
        }
        Family::Select => kernels::select(arg(0)?, arg(1)?, arg(2)?),
        Family::Cast => kernels::cast(arg(0)?, result.elem),
        Family::Reshape => kernels::reshape(arg(0)?, &shape),
        Family::Transpose => kernels::transpose(arg(0)?, &attrs.ints("perm")?),
        Family::BroadcastTo => kernels::broadcast_to(arg(0)?, &shape),
        Family::Concat => {
            arg(0)?;
            kernels::concat(operands, attrs.int("axis")?)
        }
        Family::Slice => {
            let x = arg(0)?;
            let ones = vec![1; x.shape().len()];
            kernels::slice(
                x,
                &attrs.ints("starts")?,
                &attrs.ints("limits")?,
                &attrs.ints_or("strides", &ones)?,
            )
        }
        Family::Pad => kernels::pad(
            arg(0)?,
            &attrs.ints("low")?,
            &attrs.ints("high")?,
            attrs.number_or("value", 0.0)?,
        ),
        Family::Gather => kernels::gather(arg(0)?, arg(1)?, attrs.int("axis")?),
        Family::Reduce(op) => kernels::reduce(
            op,
            arg(0)?,
            &attrs.ints("axes")?,
            attrs.bool_or("keepdims", false)?,
        ),
        Family::Argmax => kernels::argmax(
            arg(0)?,
            attrs.int("axis")?,
            attrs.bool_or("keepdims", false)?,
        ),
        Family::Softmax { log: false } => kernels::softmax(arg(0)?, attrs.int("axis")?),
        Family::Softmax { log: true } => kernels::log_softmax(arg(0)?, attrs.int("axis")?),
        Family::MatMul => kernels::matmul(arg(0)?, arg(1)?),
        Family::Conv2d => kernels::conv2d(
            arg(0)?,
            arg(1)?,
            &attrs.ints_or("strides", &[1, 1])?,
            &attrs.ints_or("padding", &[0, 0, 0, 0])?,
            &attrs.ints_or("dilations", &[1, 1])?,
            attrs.int_or("groups", 1)?,
        ),
        Family::Pool(kind) => kernels::pool2d(
            kind,
            arg(0)?,
            &attrs.ints("kernel")?,
            &attrs.ints("strides")?,
            &attrs.ints_or("padding", &[0, 0, 0, 0])?,
        ),
        Family::BatchNorm => kernels::batch_norm(
            arg(0)?,
            arg(1)?,
            arg(2)?,
            arg(3)?,
            arg(4)?,
            attrs.float("epsilon")?,
        ),
        Family::LayerNorm => kernels::layer_norm(
            arg(0)?,
            arg(1)?,
            arg(2)?,
            attrs.int("axis")?,
            attrs.float("epsilon")?,
        ),
    }
    .map_err(|e| e.message)?;
    if !tensor_matches(&out, result) {
        return Err(format!(
            "internal: the kernel computed a {}, but the result type is {result}",
            out.type_string()
        ));
    }
    Ok(out)
}

/// The tensor a dense-elements attribute holds (splats expanded).
pub fn constant_to_tensor(ctx: &Context, attr: Attribute) -> Result<Tensor, String> {
    let AttrData::DenseElements(d) = ctx.attr_data(attr) else {
        return Err("expected dense elements".to_string());
    };
    let t = TensorType::from_type(ctx, d.ty)?;
    let shape = t.usize_shape();
    if d.splat {
        let one = Tensor::from_le_bytes(t.elem, &[], &d.bytes).map_err(|e| e.message)?;
        kernels::broadcast_to(&one, &shape).map_err(|e| e.message)
    } else {
        Tensor::from_le_bytes(t.elem, &shape, &d.bytes).map_err(|e| e.message)
    }
}

/// The dense-elements attribute of type `ty` holding `t`; `ty` must be
/// `t`'s type (see [`tensor_type`]). A tensor whose elements are all
/// bitwise equal becomes a splat, as MLIR stores it.
pub fn tensor_to_attr(ctx: &mut Context, t: &Tensor, ty: Type) -> Attribute {
    let bytes = t.to_le_bytes();
    let w = t.elem_type().byte_width();
    let splat = !bytes.is_empty() && bytes.chunks_exact(w).all(|c| c == &bytes[..w]);
    let bytes = if splat { bytes[..w].to_vec() } else { bytes };
    ctx.intern_attr(AttrData::DenseElements(DenseElements { ty, splat, bytes }))
}

/// The tensor type of `t`, interned.
pub fn tensor_type(ctx: &mut Context, t: &Tensor) -> Type {
    let elem = elem_type_to_type(ctx, t.elem_type());
    let shape: Vec<i64> = t.shape().iter().map(|&d| d as i64).collect();
    ctx.tensor_type(&shape, elem)
}
