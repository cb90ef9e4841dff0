//! The verifier of every `graph` op: one result, tensor operand and result
//! types (static, supported element types, at most 2^40 elements), the
//! op's own rules (checked by [`infer`]), and a declared result type equal
//! to the inferred one. Diagnostics are at the op's location and start
//! with `'graph.x' op`, as MLIR's do.

use tessera_compiler::{Context, Diagnostic, OpId};

use super::attrs::Attrs;
use super::ops::family_of;
use super::shape::{check_arity, infer};
use super::types::TensorType;

/// Verifies one `graph` op (the registry's [`VerifyFn`](tessera_compiler::registry::VerifyFn)).
pub fn verify_op(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let name = ctx.op_name_of(op);
    let data = ctx.op(op);
    let err = |msg: String| Diagnostic::error(data.loc, format!("'{name}' op {msg}"));
    let family = family_of(name).ok_or_else(|| err("is not an op of the graph dialect".into()))?;
    if !data.regions.is_empty() {
        return Err(err(format!(
            "expects no regions, but got {}",
            data.regions.len()
        )));
    }
    if !data.successors.is_empty() {
        return Err(err("expects no successors".into()));
    }
    if data.results.len() != 1 {
        return Err(err(format!(
            "expects 1 result, but got {}",
            data.results.len()
        )));
    }
    check_arity(family, data.operands.len()).map_err(err)?;
    let mut operands = Vec::with_capacity(data.operands.len());
    for (i, &v) in data.operands.iter().enumerate() {
        let t = TensorType::from_type(ctx, ctx.value_type(v))
            .map_err(|e| err(format!("operand #{i}: {e}")))?;
        operands.push(t);
    }
    let declared = TensorType::from_type(ctx, ctx.value_type(data.results[0]))
        .map_err(|e| err(format!("result: {e}")))?;
    let attrs = Attrs::of_op(ctx, op);
    let expected = infer(ctx, family, &operands, &attrs, Some(&declared)).map_err(err)?;
    if expected != declared {
        let msg = if family.is_broadcasting() && expected.shape != declared.shape {
            format!(
                "result type {declared} does not match the broadcast shape {expected} of the operands"
            )
        } else {
            format!("result type {declared} does not match the inferred type {expected}")
        };
        return Err(err(msg));
    }
    Ok(())
}
