//! The `scf` dialect: structured control flow (loops and conditionals with
//! regions), with MLIR 19's syntax and meaning.
//!
//! ```mlir
//! %sum = scf.for %i = %lb to %ub step %c1 iter_args(%acc = %zero) -> (f32) {
//!   %x = arith.addf %acc, %acc : f32
//!   scf.yield %x : f32
//! }
//! %r = scf.if %cond -> (f32) {
//!   scf.yield %a : f32
//! } else {
//!   scf.yield %b : f32
//! }
//! %w = scf.while (%arg = %init) : (f32) -> f32 {
//!   scf.condition(%keep_going) %arg : f32
//! } do {
//! ^bb0(%v: f32):
//!   scf.yield %v : f32
//! }
//! %p = scf.parallel (%i) = (%lb) to (%ub) step (%c1) init (%zero) -> f32 {
//!   scf.reduce(%x : f32) {
//!   ^bb0(%l: f32, %r: f32):
//!     %s = arith.addf %l, %r : f32
//!     scf.reduce.return %s : f32
//!   }
//! }
//! ```
//!
//! ## Meaning
//!
//! - `scf.for`: the induction variable (an `index` or a signless integer,
//!   the type of the bounds) takes `lb, lb + step, ...` while less than `ub`
//!   (signed comparison); `step` must be positive. Loop-carried values start
//!   as the `iter_args` inits; each iteration's `scf.yield` gives the next;
//!   the last are the results (the inits if there is no iteration).
//! - `scf.if`: runs `then` if the `i1` condition is true, else `else` (if
//!   any); the results are the yielded values of the region that ran.
//! - `scf.while`: runs `before` on the current values; its
//!   `scf.condition(%c) %v..` ends the loop with results `%v..` if `%c` is
//!   false, else runs `after` on `%v..`, whose `scf.yield` gives the values
//!   for the next `before`.
//! - `scf.parallel`: runs the body for every point of the iteration space
//!   (per dimension like `scf.for` with `index` bounds), in any order or at
//!   once. Each result starts as its init; the body's `scf.reduce` gives one
//!   value per result, combined into it with that operand's region (which
//!   must be associative and commutative) taking `(lhs, rhs)` and
//!   returning the combination with `scf.reduce.return`.
//!
//! Ops are read through view structs ([`ForOp`], [`IfOp`], [`WhileOp`],
//! [`ParallelOp`]) and built with the `build_*` functions. Unlike
//! `mlir-opt`, the printer writes an empty `scf.yield` at the end of a body
//! rather than leaving it implicit; both forms parse.

use std::fmt;

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::syntax::{OpParser, OpPrinter, Punct, UnresolvedOperand, type_str};
use tessera_compiler::{
    AttrData, BlockId, Context, Diagnostic, DialectDef, Location, OpDef, OpId, OpSyntax, OpTraits,
    Signedness, Type, TypeData, Value,
};

use crate::memref::{
    SEGMENTS, all_index, check_indices, is_index, op_error, operand_groups, segments,
    segments_attr, set_attr,
};
use crate::region_form::{
    arguments, ensure_terminator, parse_operand_type, parse_yield, print_operand_type, print_yield,
    printable_regions,
};

/// Registers the `scf` dialect.
pub fn register(ctx: &mut Context) {
    let custom = |parse, print| OpSyntax::Custom { parse, print };
    let ops = vec![
        OpDef::new("scf.for", "A counted loop with loop-carried values")
            .traits(OpTraits::SINGLE_BLOCK)
            .verify(verify_for)
            .syntax(custom(parse_for, print_for))
            .description(
                "`scf.for %i = %lb to %ub step %s iter_args(%a = %x) -> (f32) { ... }`: \
                 operands lower bound, upper bound, step (one `index` or integer type, that \
                 of the induction variable) and the inits of the loop-carried values.",
            ),
        OpDef::new("scf.if", "Runs one of two regions")
            .traits(OpTraits::SINGLE_BLOCK)
            .verify(verify_if)
            .syntax(custom(parse_if, print_if))
            .description(
                "`scf.if %cond -> (f32) { ... } else { ... }`: an `i1` condition; the else \
                 region may be empty unless the op has results.",
            ),
        OpDef::new(
            "scf.while",
            "A loop with a condition region and a body region",
        )
        .traits(OpTraits::SINGLE_BLOCK)
        .verify(verify_while)
        .syntax(custom(parse_while, print_while))
        .description(
            "`scf.while (%a = %x) : (f32) -> f32 { ... scf.condition(%c) %a : f32 } do \
                 { ^bb0(%b: f32): ... scf.yield %b : f32 }`.",
        ),
        OpDef::new("scf.condition", "Ends the before region of scf.while")
            .traits(OpTraits::TERMINATOR | OpTraits::PURE)
            .verify(verify_condition)
            .syntax(custom(parse_condition, print_condition))
            .description(
                "`scf.condition(%c) %a, %b : f32, i32`: continue with `%a, %b` if `%c` (an \
                 `i1`), else they are the loop's results.",
            ),
        OpDef::new(
            "scf.yield",
            "Ends the regions of scf.for, scf.if and scf.while",
        )
        .traits(OpTraits::TERMINATOR | OpTraits::RETURN_LIKE | OpTraits::PURE)
        .verify(verify_yield)
        .syntax(custom(parse_yield, print_yield))
        .description("`scf.yield %a, %b : f32, i32`: the values the parent's region produces."),
        OpDef::new("scf.parallel", "A parallel loop nest with reductions")
            .traits(OpTraits::SINGLE_BLOCK)
            .verify(verify_parallel)
            .syntax(custom(parse_parallel, print_parallel))
            .description(
                "`scf.parallel (%i, %j) = (%a, %b) to (%c, %d) step (%e, %f) init (%x) -> f32 \
                 { ... scf.reduce(%v : f32) { ... } }`: `index` bounds and steps, one \
                 induction variable each; `operandSegmentSizes` splits the operands.",
            ),
        OpDef::new(
            "scf.reduce",
            "Ends the body of scf.parallel, reducing values",
        )
        .traits(OpTraits::TERMINATOR)
        .verify(verify_reduce)
        .syntax(custom(parse_reduce, print_reduce))
        .description(
            "`scf.reduce(%a : f32) { ^bb0(%l: f32, %r: f32): ... scf.reduce.return %s : \
                 f32 }`: one operand and one combining region per result of the loop.",
        ),
        OpDef::new("scf.reduce.return", "Ends a reduction region of scf.reduce")
            .traits(OpTraits::TERMINATOR | OpTraits::PURE)
            .verify(verify_reduce_return)
            .syntax(custom(parse_operand_type, print_operand_type))
            .description("`scf.reduce.return %s : f32`: the combined value."),
    ];
    ctx.register_dialect(
        DialectDef::new("scf", "Structured control flow: for, if, while, parallel."),
        ops,
    );
}

// ----- views ------------------------------------------------------------------

/// An `scf.for`.
#[derive(Copy, Clone, Debug)]
pub struct ForOp<'a> {
    /// The op.
    pub op: OpId,
    /// The first value of the induction variable.
    pub lower: Value,
    /// The bound the induction variable stays below.
    pub upper: Value,
    /// The positive increment.
    pub step: Value,
    /// Initial values of the loop-carried values.
    pub inits: &'a [Value],
    /// The body block.
    pub body: BlockId,
    /// The induction variable (the body's first argument).
    pub induction_var: Value,
    /// The loop-carried values inside the body.
    pub iter_args: &'a [Value],
    /// The final loop-carried values.
    pub results: &'a [Value],
}

impl<'a> ForOp<'a> {
    /// Reads a well-formed `scf.for`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "scf.for") {
            return None;
        }
        let data = ctx.op(op);
        let [lower, upper, step, inits @ ..] = &data.operands[..] else {
            return None;
        };
        let body = ctx.entry_block(op, 0)?;
        let (&induction_var, iter_args) = ctx.block_args(body).split_first()?;
        Some(ForOp {
            op,
            lower: *lower,
            upper: *upper,
            step: *step,
            inits,
            body,
            induction_var,
            iter_args,
            results: &data.results,
        })
    }
}

/// An `scf.if`.
#[derive(Copy, Clone, Debug)]
pub struct IfOp<'a> {
    /// The op.
    pub op: OpId,
    /// The `i1` condition.
    pub condition: Value,
    /// The `then` block.
    pub then_block: BlockId,
    /// The `else` block, if there is one.
    pub else_block: Option<BlockId>,
    /// The results.
    pub results: &'a [Value],
}

impl<'a> IfOp<'a> {
    /// Reads a well-formed `scf.if`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "scf.if") {
            return None;
        }
        let data = ctx.op(op);
        Some(IfOp {
            op,
            condition: *data.operands.first()?,
            then_block: ctx.entry_block(op, 0)?,
            else_block: ctx.entry_block(op, 1),
            results: &data.results,
        })
    }
}

/// An `scf.while`.
#[derive(Copy, Clone, Debug)]
pub struct WhileOp<'a> {
    /// The op.
    pub op: OpId,
    /// The values the first `before` runs on.
    pub inits: &'a [Value],
    /// The condition block, ending with `scf.condition`.
    pub before: BlockId,
    /// The body block, ending with `scf.yield`.
    pub after: BlockId,
    /// The results.
    pub results: &'a [Value],
}

impl<'a> WhileOp<'a> {
    /// Reads a well-formed `scf.while`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "scf.while") {
            return None;
        }
        let data = ctx.op(op);
        Some(WhileOp {
            op,
            inits: &data.operands,
            before: ctx.entry_block(op, 0)?,
            after: ctx.entry_block(op, 1)?,
            results: &data.results,
        })
    }

    /// The `scf.condition` ending `before`.
    pub fn condition_op(&self, ctx: &Context) -> Option<OpId> {
        ctx.last_op(self.before)
            .filter(|&c| ctx.op_is(c, "scf.condition"))
    }
}

/// An `scf.parallel`.
#[derive(Copy, Clone, Debug)]
pub struct ParallelOp<'a> {
    /// The op.
    pub op: OpId,
    /// Per dimension, the first value.
    pub lower: &'a [Value],
    /// Per dimension, the bound the induction variable stays below.
    pub upper: &'a [Value],
    /// Per dimension, the positive step.
    pub steps: &'a [Value],
    /// The initial values of the results.
    pub inits: &'a [Value],
    /// The body block, ending with `scf.reduce`.
    pub body: BlockId,
    /// The induction variables.
    pub induction_vars: &'a [Value],
    /// The results.
    pub results: &'a [Value],
}

impl<'a> ParallelOp<'a> {
    /// Reads a well-formed `scf.parallel`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "scf.parallel") {
            return None;
        }
        let g = operand_groups(ctx, op, 4)?;
        let body = ctx.entry_block(op, 0)?;
        Some(ParallelOp {
            op,
            lower: g[0],
            upper: g[1],
            steps: g[2],
            inits: g[3],
            body,
            induction_vars: ctx.block_args(body),
            results: &ctx.op(op).results,
        })
    }

    /// The `scf.reduce` ending the body.
    pub fn reduce_op(&self, ctx: &Context) -> Option<OpId> {
        ctx.last_op(self.body)
            .filter(|&r| ctx.op_is(r, "scf.reduce"))
    }
}

// ----- builders ---------------------------------------------------------------

/// What [`build_for`] made.
#[derive(Clone, Debug)]
pub struct BuiltFor {
    /// The `scf.for`.
    pub op: OpId,
    /// Its body.
    pub body: BlockId,
    /// The induction variable.
    pub induction_var: Value,
    /// The loop-carried values inside the body.
    pub iter_args: Vec<Value>,
    /// The loop's results.
    pub results: Vec<Value>,
}

/// Builds `scf.for` from `lower` to `upper` by `step` carrying `inits`.
/// Without `inits` the body already ends with `scf.yield` (insert before
/// it); with them, the caller ends the body with [`build_yield`].
pub fn build_for(
    b: &mut Builder<'_>,
    lower: Value,
    upper: Value,
    step: Value,
    inits: &[Value],
    loc: Location,
) -> BuiltFor {
    let ctx = &mut *b.ctx;
    let mut arg_types = vec![ctx.value_type(lower)];
    arg_types.extend(inits.iter().map(|&v| ctx.value_type(v)));
    let body = ctx.create_block(&arg_types, loc);
    let region = ctx.create_region();
    ctx.append_block(region, body);
    let mut operands = vec![lower, upper, step];
    operands.extend_from_slice(inits);
    let name = ctx.op_name("scf.for");
    let state = OperationState::new(name, loc)
        .operands(&operands)
        .results(&arg_types[1..])
        .region(region);
    let op = b.insert(state);
    if inits.is_empty() {
        let mut inner = Builder::new(b.ctx, InsertPoint::End(body));
        build_yield(&mut inner, &[], loc);
    }
    let args = b.ctx.block_args(body).to_vec();
    BuiltFor {
        op,
        body,
        induction_var: args[0],
        iter_args: args[1..].to_vec(),
        results: b.ctx.op(op).results.clone(),
    }
}

/// Builds `scf.yield values`.
pub fn build_yield(b: &mut Builder<'_>, values: &[Value], loc: Location) -> OpId {
    b.create("scf.yield", values, &[], &[], loc)
}

/// Builds `scf.if %condition -> result_types` with a `then` block and, if
/// `with_else`, an `else` block; returns the op and the blocks. Without
/// results both blocks already end with `scf.yield`.
pub fn build_if(
    b: &mut Builder<'_>,
    condition: Value,
    result_types: &[Type],
    with_else: bool,
    loc: Location,
) -> (OpId, BlockId, Option<BlockId>) {
    let ctx = &mut *b.ctx;
    let then_region = ctx.create_region();
    let then_block = ctx.create_block(&[], loc);
    ctx.append_block(then_region, then_block);
    let else_region = ctx.create_region();
    let else_block = with_else.then(|| {
        let blk = ctx.create_block(&[], loc);
        ctx.append_block(else_region, blk);
        blk
    });
    let name = ctx.op_name("scf.if");
    let state = OperationState::new(name, loc)
        .operands(&[condition])
        .results(result_types)
        .region(then_region)
        .region(else_region);
    let op = b.insert(state);
    if result_types.is_empty() {
        for blk in std::iter::once(then_block).chain(else_block) {
            let mut inner = Builder::new(b.ctx, InsertPoint::End(blk));
            build_yield(&mut inner, &[], loc);
        }
    }
    (op, then_block, else_block)
}

/// Builds `scf.while` on `inits` whose `after` block takes `after_types`
/// (the results); returns the op, the `before` block (arguments of the
/// inits' types) and the `after` block. The caller ends them with
/// [`build_condition`] and [`build_yield`].
pub fn build_while(
    b: &mut Builder<'_>,
    inits: &[Value],
    after_types: &[Type],
    loc: Location,
) -> (OpId, BlockId, BlockId) {
    let ctx = &mut *b.ctx;
    let init_types: Vec<Type> = inits.iter().map(|&v| ctx.value_type(v)).collect();
    let before = ctx.create_block(&init_types, loc);
    let after = ctx.create_block(after_types, loc);
    let (rb, ra) = (ctx.create_region(), ctx.create_region());
    ctx.append_block(rb, before);
    ctx.append_block(ra, after);
    let name = ctx.op_name("scf.while");
    let state = OperationState::new(name, loc)
        .operands(inits)
        .results(after_types)
        .region(rb)
        .region(ra);
    (b.insert(state), before, after)
}

/// Builds `scf.condition(%condition) values`.
pub fn build_condition(
    b: &mut Builder<'_>,
    condition: Value,
    values: &[Value],
    loc: Location,
) -> OpId {
    let mut operands = vec![condition];
    operands.extend_from_slice(values);
    b.create("scf.condition", &operands, &[], &[], loc)
}

// ----- shared syntax ----------------------------------------------------------

/// `(%a = %x, %b = %y)`: (region argument names, init operands).
fn parse_assignment_list(
    p: &mut OpParser<'_, '_>,
) -> Result<(Vec<UnresolvedOperand>, Vec<UnresolvedOperand>), Diagnostic> {
    let (mut names, mut inits) = (Vec::new(), Vec::new());
    p.parse_punct(Punct::LParen, "to start the assignment list")?;
    if p.parse_optional_punct(Punct::RParen) {
        return Ok((names, inits));
    }
    loop {
        names.push(p.parse_operand()?);
        p.parse_punct(Punct::Equal, "in the assignment list")?;
        inits.push(p.parse_operand()?);
        if !p.parse_optional_punct(Punct::Comma) {
            break;
        }
    }
    p.parse_punct(Punct::RParen, "to end the assignment list")?;
    Ok((names, inits))
}

/// Writes `(%a = %x, %b = %y)`.
fn print_assignment_list(p: &mut OpPrinter<'_>, args: &[Value], inits: &[Value]) {
    p.print_str("(");
    for (i, (&a, &x)) in args.iter().zip(inits).enumerate() {
        if i > 0 {
            p.print_str(", ");
        }
        p.print_operand(a);
        p.print_str(" = ");
        p.print_operand(x);
    }
    p.print_str(")");
}

/// The types of `values`.
fn types_of(ctx: &Context, values: &[Value]) -> Vec<Type> {
    values.iter().map(|&v| ctx.value_type(v)).collect()
}

/// Whether `ty` is a signless integer or `index`.
fn is_int_or_index(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(ty),
        TypeData::Index
            | TypeData::Integer {
                signedness: Signedness::Signless,
                ..
            }
    )
}

/// Whether `ty` is `i1`.
fn is_i1(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(ty),
        TypeData::Integer {
            width: 1,
            signedness: Signedness::Signless
        }
    )
}

/// The value of an `arith.constant` integer, if `v` is one.
fn constant_int(ctx: &Context, v: Value) -> Option<i128> {
    let op = ctx.defining_op(v)?;
    if !ctx.op_has_traits(op, OpTraits::CONSTANT_LIKE) {
        return None;
    }
    match ctx.attr_data_of(op, "value")? {
        AttrData::Integer { value, .. } => Some(*value),
        _ => None,
    }
}

/// Checks that `values` and `expected` have the same types, one by one.
fn check_types(
    ctx: &Context,
    op: OpId,
    values: &[Value],
    expected: &[Type],
    what: &str,
    of_what: &str,
) -> Result<(), Diagnostic> {
    if values.len() != expected.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects {} {what} to match {of_what}, but got {}",
                expected.len(),
                values.len()
            ),
        ));
    }
    for (i, (&v, &t)) in values.iter().zip(expected).enumerate() {
        let vt = ctx.value_type(v);
        if vt != t {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "type of {what} #{i} ('{}') does not match {of_what} ('{}')",
                    type_str(ctx, vt),
                    type_str(ctx, t)
                ),
            ));
        }
    }
    Ok(())
}

// ----- scf.for ----------------------------------------------------------------

fn verify_for(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let [lb, ub, step, inits @ ..] = &data.operands[..] else {
        return Err(op_error(
            ctx,
            op,
            "expects lower bound, upper bound and step operands",
        ));
    };
    let ty = ctx.value_type(*lb);
    if ctx.value_type(*ub) != ty || ctx.value_type(*step) != ty {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {lowerBound, upperBound, step} have same type",
        ));
    }
    if !is_int_or_index(ctx, ty) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "bounds and step must be signless integers or index, but got '{}'",
                type_str(ctx, ty)
            ),
        ));
    }
    if constant_int(ctx, *step).is_some_and(|s| s <= 0) {
        return Err(op_error(ctx, op, "constant step operand must be positive"));
    }
    let Some(body) = ctx.entry_block(op, 0) else {
        return Err(op_error(ctx, op, "expects a body region with one block"));
    };
    let args = ctx.block_args(body);
    if args.first().map(|&a| ctx.value_type(a)) != Some(ty) {
        return Err(op_error(
            ctx,
            op,
            "expected induction variable to be same type as bounds and step",
        ));
    }
    if inits.len() != data.results.len() {
        return Err(op_error(
            ctx,
            op,
            "mismatch in number of loop-carried values and defined values",
        ));
    }
    if args.len() - 1 != data.results.len() {
        return Err(op_error(
            ctx,
            op,
            "mismatch in number of basic block args and defined values",
        ));
    }
    let result_types = types_of(ctx, &data.results);
    check_types(ctx, op, inits, &result_types, "init", "the result type")?;
    check_types(
        ctx,
        op,
        &args[1..],
        &result_types,
        "region argument",
        "the result type",
    )
}

/// `%i = %lb to %ub step %s [iter_args(..) -> (T, ..)] [: type] { body } {attrs}`.
fn parse_for(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let iv = p.parse_operand()?;
    p.parse_punct(Punct::Equal, "after the induction variable")?;
    let lb = p.parse_operand()?;
    p.parse_keyword("to")?;
    let ub = p.parse_operand()?;
    p.parse_keyword("step")?;
    let step = p.parse_operand()?;
    let mut names = vec![iv];
    let (mut inits, mut types) = (Vec::new(), Vec::new());
    if p.parse_optional_keyword("iter_args") {
        let (n, i) = parse_assignment_list(p)?;
        names.extend(n);
        inits = i;
        if !p.peek_punct(Punct::Arrow) {
            return Err(p.error("expected '->' and the types of the loop-carried values"));
        }
        types = p.parse_optional_arrow_type_list()?;
    }
    let iv_ty = if p.parse_optional_punct(Punct::Colon) {
        p.parse_type()?
    } else {
        p.ctx().index_type()
    };
    let loc = p.current_loc();
    let mut operands = p.resolve_operands_same_type(&[lb, ub, step], iv_ty)?;
    operands.extend(p.resolve_operands(&inits, &types, loc)?);
    let mut arg_types = vec![iv_ty];
    arg_types.extend_from_slice(&types);
    let args = arguments(p, &names, &arg_types);
    let region = p.parse_region(&args)?;
    ensure_terminator(p.ctx(), region, "scf.yield", state.loc);
    p.parse_optional_attr_dict(&mut state.attrs)?;
    state.operands = operands;
    state.result_types = types;
    state.regions.push(region);
    Ok(())
}

fn print_for(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let f = ForOp::view(ctx, op).ok_or(fmt::Error)?;
    let region = ctx.op(op).regions[0];
    let ty = ctx.value_type(f.induction_var);
    let consistent = f.iter_args.len() == f.inits.len()
        && f.results.len() == f.inits.len()
        && f.inits
            .iter()
            .zip(f.iter_args)
            .zip(f.results)
            .all(|((&i, &a), &r)| {
                let t = ctx.value_type(i);
                ctx.value_type(a) == t && ctx.value_type(r) == t
            })
        && printable_regions(ctx, op, 1 + f.inits.len())
        && [f.lower, f.upper, f.step]
            .iter()
            .all(|&v| ctx.value_type(v) == ty)
        && ctx.region(region).blocks.len() == 1;
    if !consistent {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(f.induction_var);
    p.print_str(" = ");
    p.print_operand(f.lower);
    p.print_str(" to ");
    p.print_operand(f.upper);
    p.print_str(" step ");
    p.print_operand(f.step);
    if !f.inits.is_empty() {
        p.print_str(" iter_args");
        print_assignment_list(p, f.iter_args, f.inits);
        p.print_str(" -> (");
        p.print_types(&types_of(ctx, f.results));
        p.print_str(")");
    }
    if !is_index(ctx, ty) {
        p.print_str(" : ");
        p.print_type(ty);
    }
    p.print_str(" ");
    p.print_region(region, false, false);
    p.print_attr_dict_except(op, &[]);
    Ok(())
}

// ----- scf.if -----------------------------------------------------------------

fn verify_if(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let [cond] = data.operands[..] else {
        return Err(op_error(ctx, op, "expects one condition operand"));
    };
    let ct = ctx.value_type(cond);
    if !is_i1(ctx, ct) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand #0 must be 1-bit signless integer, but got '{}'",
                type_str(ctx, ct)
            ),
        ));
    }
    if data.regions.len() != 2 || ctx.entry_block(op, 0).is_none() {
        return Err(op_error(
            ctx,
            op,
            "expects a non-empty then region and an else region",
        ));
    }
    for &r in &data.regions {
        if let Some(&b) = ctx.region(r).blocks.first()
            && !ctx.block_args(b).is_empty()
        {
            return Err(op_error(ctx, op, "expects regions without arguments"));
        }
    }
    if !data.results.is_empty() && ctx.entry_block(op, 1).is_none() {
        return Err(op_error(
            ctx,
            op,
            "must have an else block if defining values",
        ));
    }
    Ok(())
}

/// `%cond [-> (T, ..)] { then } [else { else }] {attrs}`.
fn parse_if(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let cond = p.parse_operand()?;
    let i1 = p.ctx().i1_type();
    state.operands = vec![p.resolve_operand(&cond, i1)?];
    state.result_types = p.parse_optional_arrow_type_list()?;
    let then_region = p.parse_region(&[])?;
    ensure_terminator(p.ctx(), then_region, "scf.yield", state.loc);
    let else_region = if p.parse_optional_keyword("else") {
        let r = p.parse_region(&[])?;
        ensure_terminator(p.ctx(), r, "scf.yield", state.loc);
        r
    } else {
        p.ctx().create_region()
    };
    p.parse_optional_attr_dict(&mut state.attrs)?;
    state.regions = vec![then_region, else_region];
    Ok(())
}

fn print_if(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = IfOp::view(ctx, op).ok_or(fmt::Error)?;
    let data = ctx.op(op);
    let [then_r, else_r] = data.regions[..] else {
        return Err(fmt::Error);
    };
    let i1 = is_i1(ctx, ctx.value_type(v.condition));
    if data.operands.len() != 1
        || !i1
        || ctx.region(then_r).blocks.len() != 1
        || ctx.region(else_r).blocks.len() > 1
        || !printable_regions(ctx, op, 0)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.condition);
    if !v.results.is_empty() {
        p.print_str(" -> (");
        p.print_types(&types_of(ctx, v.results));
        p.print_str(")");
    }
    p.print_str(" ");
    p.print_region(then_r, false, false);
    if v.else_block.is_some() {
        p.print_str(" else ");
        p.print_region(else_r, false, false);
    }
    p.print_attr_dict_except(op, &[]);
    Ok(())
}

// ----- scf.while / scf.condition ----------------------------------------------

fn verify_while(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let (Some(before), Some(after)) = (ctx.entry_block(op, 0), ctx.entry_block(op, 1)) else {
        return Err(op_error(
            ctx,
            op,
            "expects non-empty 'before' and 'after' regions",
        ));
    };
    let before_types = types_of(ctx, ctx.block_args(before));
    check_types(
        ctx,
        op,
        &data.operands,
        &before_types,
        "init",
        "the 'before' region argument",
    )?;
    let cond = ctx
        .last_op(before)
        .filter(|&c| ctx.op_is(c, "scf.condition"));
    let Some(cond) = cond else {
        return Err(op_error(
            ctx,
            op,
            "expects the 'before' region to terminate with 'scf.condition'",
        ));
    };
    let after_types = types_of(ctx, ctx.block_args(after));
    let forwarded = ctx.op(cond).operands.get(1..).unwrap_or(&[]);
    check_types(
        ctx,
        op,
        forwarded,
        &after_types,
        "forwarded value",
        "the 'after' region argument",
    )?;
    check_types(
        ctx,
        op,
        &data.results,
        &after_types,
        "result",
        "the 'after' region argument",
    )?;
    let yielded = ctx.last_op(after).filter(|&y| ctx.op_is(y, "scf.yield"));
    let Some(yielded) = yielded else {
        return Err(op_error(
            ctx,
            op,
            "expects the 'after' region to terminate with 'scf.yield'",
        ));
    };
    check_types(
        ctx,
        op,
        &ctx.op(yielded).operands,
        &before_types,
        "yielded value",
        "the 'before' region argument",
    )
}

/// `(%a = %x, ..) : (T, ..) -> (R, ..) { before } do { after } [attributes {..}]`.
fn parse_while(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let (names, inits) = if p.peek_punct(Punct::LParen) {
        parse_assignment_list(p)?
    } else {
        (Vec::new(), Vec::new())
    };
    p.parse_punct(Punct::Colon, "before the loop's function type")?;
    let loc = p.current_loc();
    let (inputs, results) = p.parse_function_type()?;
    state.operands = p.resolve_operands(&inits, &inputs, loc)?;
    state.result_types = results;
    let args = arguments(p, &names, &inputs);
    let before = p.parse_region(&args)?;
    p.parse_keyword("do")?;
    let after = p.parse_region(&[])?;
    p.parse_optional_attr_dict_with_keyword(&mut state.attrs)?;
    state.regions = vec![before, after];
    Ok(())
}

fn print_while(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    let [before, after] = data.regions[..] else {
        return Err(fmt::Error);
    };
    let before_args = p.entry_args(before);
    let before_types = types_of(ctx, before_args);
    if ctx.region(before).blocks.len() != 1
        || before_types != types_of(ctx, &data.operands)
        || ctx.region(after).blocks.len() > 1
    {
        return Err(fmt::Error);
    }
    if !data.operands.is_empty() {
        p.print_str(" ");
        print_assignment_list(p, before_args, &data.operands);
    }
    p.print_str(" : ");
    p.print_functional_type(
        &types_of(ctx, &data.operands),
        &types_of(ctx, &data.results),
    );
    p.print_str(" ");
    p.print_region(before, false, false);
    p.print_str(" do ");
    p.print_region(after, true, true);
    p.print_optional_attr_dict_with_keyword(&data.attrs, &[]);
    Ok(())
}

fn verify_condition(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    if !ctx.parent_op(op).is_some_and(|w| ctx.op_is(w, "scf.while")) {
        return Err(op_error(ctx, op, "expects parent op 'scf.while'"));
    }
    let Some(&c) = ctx.op(op).operands.first() else {
        return Err(op_error(ctx, op, "expects a condition operand"));
    };
    let ct = ctx.value_type(c);
    if !is_i1(ctx, ct) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand #0 must be 1-bit signless integer, but got '{}'",
                type_str(ctx, ct)
            ),
        ));
    }
    Ok(())
}

/// `(%c) [%a, .. : T, ..] {attrs}`.
fn parse_condition(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    p.parse_punct(Punct::LParen, "before the condition")?;
    let c = p.parse_operand()?;
    p.parse_punct(Punct::RParen, "after the condition")?;
    let i1 = p.ctx().i1_type();
    state.operands = vec![p.resolve_operand(&c, i1)?];
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let args = p.parse_operand_list()?;
    if !args.is_empty() {
        let types = p.parse_colon_type_list()?;
        state
            .operands
            .extend(p.resolve_operands(&args, &types, loc)?);
    }
    Ok(())
}

fn print_condition(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let Some((&c, args)) = ctx.op(op).operands.split_first() else {
        return Err(fmt::Error);
    };
    if !is_i1(ctx, ctx.value_type(c)) {
        return Err(fmt::Error);
    }
    p.print_str("(");
    p.print_operand(c);
    p.print_str(")");
    p.print_attr_dict_except(op, &[]);
    if !args.is_empty() {
        p.print_str(" ");
        p.print_operands(args);
        p.print_str(" : ");
        p.print_types(&types_of(ctx, args));
    }
    Ok(())
}

// ----- scf.yield --------------------------------------------------------------

fn verify_yield(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let Some(parent) = ctx.parent_op(op) else {
        return Err(op_error(
            ctx,
            op,
            "expects parent op to be one of 'scf.for, scf.if, scf.while'",
        ));
    };
    let operands = &ctx.op(op).operands;
    let expected: Vec<Type> = match ctx.op_name_of(parent) {
        "scf.for" | "scf.if" => types_of(ctx, &ctx.op(parent).results),
        "scf.while" => {
            // Only the `after` region ends with scf.yield; it feeds `before`.
            let before = ctx.entry_block(parent, 0);
            let in_after = ctx.op(op).parent.and_then(|b| ctx.block(b).parent)
                == ctx.op(parent).regions.get(1).copied();
            if !in_after {
                return Err(op_error(
                    ctx,
                    op,
                    "must end the 'after' region of 'scf.while'",
                ));
            }
            before
                .map(|b| types_of(ctx, ctx.block_args(b)))
                .unwrap_or_default()
        }
        _ => {
            return Err(op_error(
                ctx,
                op,
                "expects parent op to be one of 'scf.for, scf.if, scf.while'",
            ));
        }
    };
    if operands.len() != expected.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "parent of yield must have same number of results as the yield operands ({} vs {})",
                expected.len(),
                operands.len()
            ),
        ));
    }
    if operands
        .iter()
        .zip(&expected)
        .any(|(&v, &t)| ctx.value_type(v) != t)
    {
        return Err(op_error(
            ctx,
            op,
            "types mismatch between yield op and its parent",
        ));
    }
    Ok(())
}

// ----- scf.parallel / scf.reduce ----------------------------------------------

fn verify_parallel(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let seg = segments(ctx, op, 4)?;
    let operands = &ctx.op(op).operands;
    let n = seg[0];
    if seg[1] != n || seg[2] != n {
        return Err(op_error(
            ctx,
            op,
            "expects the same number of lower bounds, upper bounds and steps",
        ));
    }
    if n == 0 {
        return Err(op_error(
            ctx,
            op,
            "needs at least one tuple element for lowerBound, upperBound and step",
        ));
    }
    check_indices(ctx, op, &operands[..3 * n], "bounds and steps")?;
    for &s in &operands[2 * n..3 * n] {
        if constant_int(ctx, s).is_some_and(|v| v <= 0) {
            return Err(op_error(ctx, op, "constant step operand must be positive"));
        }
    }
    let Some(body) = ctx.entry_block(op, 0) else {
        return Err(op_error(ctx, op, "expects a body region with one block"));
    };
    let ivs = ctx.block_args(body);
    if ivs.len() != n {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects the same number of induction variables: {} as bound and step values: {n}",
                ivs.len()
            ),
        ));
    }
    check_indices(ctx, op, ivs, "induction variables")?;
    let results = &ctx.op(op).results;
    let result_types = types_of(ctx, results);
    check_types(
        ctx,
        op,
        &operands[3 * n..],
        &result_types,
        "init",
        "the result type",
    )?;
    let reduce = ctx.last_op(body).filter(|&r| ctx.op_is(r, "scf.reduce"));
    let Some(reduce) = reduce else {
        return Err(op_error(
            ctx,
            op,
            "expects body to terminate with 'scf.reduce'",
        ));
    };
    let reduced = &ctx.op(reduce).operands;
    if reduced.len() != results.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects number of results: {} to be the same as number of reductions: {}",
                results.len(),
                reduced.len()
            ),
        ));
    }
    check_types(
        ctx,
        op,
        reduced,
        &result_types,
        "reduction operand",
        "the result type",
    )
}

/// `(%i, ..) = (%lb, ..) to (%ub, ..) step (%s, ..) [init (%x, ..)] [-> T] { body } {attrs}`.
fn parse_parallel(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let ivs = p.parse_paren_operand_list()?;
    p.parse_punct(Punct::Equal, "after the induction variables")?;
    let lbs = p.parse_paren_operand_list()?;
    p.parse_keyword("to")?;
    let ubs = p.parse_paren_operand_list()?;
    p.parse_keyword("step")?;
    let steps = p.parse_paren_operand_list()?;
    let inits = if p.parse_optional_keyword("init") {
        p.parse_paren_operand_list()?
    } else {
        Vec::new()
    };
    let types = p.parse_optional_arrow_type_list()?;
    let index = p.ctx().index_type();
    let mut operands = Vec::new();
    for group in [&lbs, &ubs, &steps] {
        operands.extend(p.resolve_operands_same_type(group, index)?);
    }
    let loc = p.current_loc();
    operands.extend(p.resolve_operands(&inits, &types, loc)?);
    let args = arguments(p, &ivs, &vec![index; ivs.len()]);
    let region = p.parse_region(&args)?;
    ensure_terminator(p.ctx(), region, "scf.reduce", state.loc);
    p.parse_optional_attr_dict(&mut state.attrs)?;
    state.operands = operands;
    state.result_types = types;
    state.regions.push(region);
    let seg = segments_attr(p.ctx(), &[lbs.len(), ubs.len(), steps.len(), inits.len()]);
    set_attr(p.ctx(), state, SEGMENTS, seg);
    Ok(())
}

fn print_parallel(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = ParallelOp::view(ctx, op).ok_or(fmt::Error)?;
    let region = ctx.op(op).regions[0];
    let typed = v.inits.len() == v.results.len()
        && types_of(ctx, v.inits) == types_of(ctx, v.results)
        && all_index(
            ctx,
            &ctx.op(op).operands[..v.lower.len() + v.upper.len() + v.steps.len()],
        )
        && all_index(ctx, v.induction_vars);
    if ctx.region(region).blocks.len() != 1
        || !typed
        || !printable_regions(ctx, op, v.induction_vars.len())
    {
        return Err(fmt::Error);
    }
    p.print_str(" (");
    p.print_operands(v.induction_vars);
    p.print_str(") = (");
    p.print_operands(v.lower);
    p.print_str(") to (");
    p.print_operands(v.upper);
    p.print_str(") step (");
    p.print_operands(v.steps);
    p.print_str(")");
    if !v.inits.is_empty() {
        p.print_str(" init (");
        p.print_operands(v.inits);
        p.print_str(")");
    }
    p.print_arrow_type_list(&types_of(ctx, v.results));
    p.print_str(" ");
    p.print_region(region, false, false);
    p.print_attr_dict_except(op, &[SEGMENTS]);
    Ok(())
}

fn verify_reduce(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    if !ctx
        .parent_op(op)
        .is_some_and(|w| ctx.op_is(w, "scf.parallel"))
    {
        return Err(op_error(ctx, op, "expects parent op 'scf.parallel'"));
    }
    let data = ctx.op(op);
    if data.regions.len() != data.operands.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "expects one reduction region per operand, but got {} regions and {} operands",
                data.regions.len(),
                data.operands.len()
            ),
        ));
    }
    for (i, (&r, &v)) in data.regions.iter().zip(&data.operands).enumerate() {
        let ty = ctx.value_type(v);
        let Some(&b) = ctx.region(r).blocks.first() else {
            return Err(op_error(ctx, op, format!("reduction region #{i} is empty")));
        };
        let args = types_of(ctx, ctx.block_args(b));
        if args != [ty, ty] {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "expected two block arguments with type '{}' in the {i}-th reduction region",
                    type_str(ctx, ty)
                ),
            ));
        }
        if !ctx
            .last_op(b)
            .is_some_and(|t| ctx.op_is(t, "scf.reduce.return"))
        {
            return Err(op_error(
                ctx,
                op,
                "the block inside reduction should be terminated with a 'scf.reduce.return' op",
            ));
        }
    }
    Ok(())
}

/// `[(%a, .. : T, ..)] [{ region }, ..] {attrs}`.
fn parse_reduce(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    if p.parse_optional_punct(Punct::LParen) {
        let loc = p.current_loc();
        let operands = p.parse_operand_list()?;
        let types = p.parse_colon_type_list()?;
        p.parse_punct(Punct::RParen, "to end the reduced operands")?;
        state.operands = p.resolve_operands(&operands, &types, loc)?;
        if let Some(r) = p.parse_optional_region(&[])? {
            state.regions.push(r);
            while p.parse_optional_punct(Punct::Comma) {
                state.regions.push(p.parse_region(&[])?);
            }
        }
    }
    p.parse_optional_attr_dict(&mut state.attrs)
}

fn print_reduce(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let data = ctx.op(op);
    if !data.operands.is_empty() {
        p.print_str("(");
        p.print_operands(&data.operands);
        p.print_str(" : ");
        p.print_types(&types_of(ctx, &data.operands));
        p.print_str(")");
        for (i, &r) in data.regions.iter().enumerate() {
            p.print_str(if i == 0 { " " } else { ", " });
            p.print_region(r, true, true);
        }
    } else if !data.regions.is_empty() {
        return Err(fmt::Error);
    }
    p.print_attr_dict_except(op, &[]);
    Ok(())
}

fn verify_reduce_return(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let Some(reduce) = ctx.parent_op(op).filter(|&r| ctx.op_is(r, "scf.reduce")) else {
        return Err(op_error(ctx, op, "expects parent op 'scf.reduce'"));
    };
    let [v] = ctx.op(op).operands[..] else {
        return Err(op_error(ctx, op, "expects one operand"));
    };
    let region = ctx.op(op).parent.and_then(|b| ctx.block(b).parent);
    let index = ctx
        .op(reduce)
        .regions
        .iter()
        .position(|&r| Some(r) == region);
    let expected = index
        .and_then(|i| ctx.op(reduce).operands.get(i))
        .map(|&o| ctx.value_type(o));
    if let Some(t) = expected
        && t != ctx.value_type(v)
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "must have type '{}' (the type of the reduction inputs)",
                type_str(ctx, t)
            ),
        ));
    }
    Ok(())
}
