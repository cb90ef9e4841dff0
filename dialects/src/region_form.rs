//! Custom-syntax helpers shared by the loop-level dialects (`affine`,
//! `scf`, `memref`): single-block regions ending in a yield-like
//! terminator, and the one-operand form `op %v {attrs} : T`.

use std::fmt;

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::syntax::{Argument, OpParser, OpPrinter, UnresolvedOperand};
use tessera_compiler::{Context, Diagnostic, Location, OpId, OpTraits, RegionId, Type};

/// Appends an empty `terminator` to the single block of `region` if it does
/// not end with a terminator (the custom forms may leave it out).
pub(crate) fn ensure_terminator(
    ctx: &mut Context,
    region: RegionId,
    terminator: &str,
    loc: Location,
) {
    let block = match ctx.region(region).blocks.first() {
        Some(&b) => b,
        None => {
            let b = ctx.create_block(&[], loc);
            ctx.append_block(region, b);
            b
        }
    };
    let terminated = ctx
        .last_op(block)
        .is_some_and(|o| ctx.op_has_traits(o, OpTraits::TERMINATOR));
    if !terminated {
        let mut b = Builder::new(ctx, InsertPoint::End(block));
        b.create(terminator, &[], &[], &[], loc);
    }
}

/// Whether each region of `op` is one block ending with a terminator and
/// without arguments past the first `args` (what custom forms can print).
pub(crate) fn printable_regions(ctx: &Context, op: OpId, args: usize) -> bool {
    ctx.op(op)
        .regions
        .iter()
        .all(|&r| match ctx.region(r).blocks[..] {
            [] => true,
            [b] => {
                ctx.block_args(b).len() <= args
                    && ctx
                        .last_op(b)
                        .is_some_and(|t| ctx.op_has_traits(t, OpTraits::TERMINATOR))
            }
            _ => false,
        })
}

/// Region arguments for names parsed as operands.
pub(crate) fn arguments(
    p: &mut OpParser<'_, '_>,
    names: &[UnresolvedOperand],
    types: &[Type],
) -> Vec<Argument> {
    names
        .iter()
        .zip(types)
        .map(|(n, &ty)| Argument {
            name: *n,
            ty,
            attrs: None,
            loc: n.loc(p),
        })
        .collect()
}

/// `[{attrs}] [%a, .. : T, ..]`.
pub(crate) fn parse_yield(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> Result<(), Diagnostic> {
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let operands = p.parse_operand_list()?;
    if !operands.is_empty() {
        let types = p.parse_colon_type_list()?;
        state.operands = p.resolve_operands(&operands, &types, loc)?;
    }
    Ok(())
}

pub(crate) fn print_yield(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let operands = &ctx.op(op).operands;
    p.print_attr_dict_except(op, &[]);
    if !operands.is_empty() {
        p.print_str(" ");
        p.print_operands(operands);
        p.print_str(" : ");
        let types: Vec<Type> = operands.iter().map(|&v| ctx.value_type(v)).collect();
        p.print_types(&types);
    }
    Ok(())
}

/// `%v {attrs} : T`: one operand, no results (`memref.dealloc`, `scf.reduce.return`).
pub(crate) fn parse_operand_type(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> Result<(), Diagnostic> {
    let v = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = p.parse_colon_type()?;
    state.operands = vec![p.resolve_operand(&v, ty)?];
    Ok(())
}

/// Prints the form of [`parse_operand_type`]; falls back to the generic
/// form unless the op has exactly one operand.
pub(crate) fn print_operand_type(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let [v] = ctx.op(op).operands[..] else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_operand(v);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(v));
    Ok(())
}
