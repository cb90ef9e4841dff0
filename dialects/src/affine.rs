//! The `affine` dialect: loops, conditionals and memory accesses whose
//! bounds, conditions and subscripts are affine maps of loop indices and
//! symbols, with MLIR 19's syntax and meaning.
//!
//! ```mlir
//! %sum = affine.for %i = 0 to 10 step 2 iter_args(%acc = %init) -> (f32) {
//!   %v = affine.load %m[%i + 1, symbol(%n)] : memref<16x4xf32>
//!   %s = arith.addf %acc, %v : f32
//!   affine.yield %s : f32
//! }
//! affine.for %i = max #lb(%a)[%n] to min #ub()[%n] {
//!   %j = affine.apply affine_map<(d0) -> (d0 * 3)>(%i)
//!   affine.if affine_set<(d0)[s0] : (s0 - d0 - 1 >= 0)>(%j)[%n] {
//!     affine.store %x, %m[%j, 0] : memref<16x4xf32>
//!   }
//! }
//! %r = affine.parallel (%i, %j) = (0, 0) to (%n, 4) reduce ("addf") -> (f32) {
//!   %v = affine.load %m[%i, %j] : memref<16x4xf32>
//!   affine.yield %v : f32
//! }
//! ```
//!
//! ## Meaning
//!
//! - `affine.for`: the lower bound is the largest result of its map (`max`),
//!   the upper bound the smallest (`min`), both over the bound operands
//!   (dimensions, then symbols). The induction variable takes the values
//!   `lb, lb + step, ...` while less than `ub` (no iteration if `lb >= ub`);
//!   `step` is a positive constant. Loop-carried values start as the
//!   `iter_args` inits, each iteration's `affine.yield` operands become the
//!   next iteration's values, and the last ones are the loop's results (the
//!   inits if there is no iteration).
//! - `affine.parallel`: like a nest of `affine.for`s over each induction
//!   variable (bounds: the max of each lower group, the min of each upper
//!   group), whose iterations may run in any order or at once. Each
//!   result combines the yielded values of every iteration with its
//!   reduction (`"addf"`, `"mulf"`, `"maxs"`, ...; see [`Reduction`]),
//!   starting from that reduction's identity.
//! - `affine.load` / `affine.store`: access the element at the subscripts
//!   given by the map's results (one per dimension).
//! - `affine.apply`: the one result of its map; `affine.min` / `affine.max`:
//!   the smallest / largest result.
//! - `affine.if`: runs the `then` region if the point (operands) is in the
//!   integer set (every constraint holds), else the `else` region (if any);
//!   results are the yielded values of the region that ran.
//! - `affine.yield`: ends those regions, giving their values.
//!
//! Map operands must be valid affine dimensions or symbols ([`is_valid_dim`],
//! [`is_valid_symbol`]), as in MLIR. Ops are read through view structs
//! ([`ForOp`], [`ParallelOp`], [`LoadOp`], ...) and built with the `build_*`
//! functions.
//!
//! Unlike `mlir-opt`, the printer writes an empty `affine.yield` at the end
//! of a body rather than leaving it implicit; both forms parse.

use std::collections::HashSet;
use std::fmt;

use tessera_compiler::affine::{AffineExpr, AffineMap, IntegerSet};
use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::syntax::dense::{self, DenseScalar};
use tessera_compiler::syntax::{OpParser, OpPrinter, Punct, UnresolvedOperand, type_str};
use tessera_compiler::{
    AttrData, Attribute, BlockId, Context, Diagnostic, DialectDef, Location, OpDef, OpId, OpSyntax,
    OpTraits, Type, Value,
};

use crate::memref::{
    SEGMENTS, all_index, check_indices, is_index, memref_operand, memref_parts, op_error,
    operand_groups, segments, segments_attr, set_attr,
};
use crate::region_form::{
    arguments, ensure_terminator, parse_yield, print_yield, printable_regions,
};

/// Registers the `affine` dialect.
pub fn register(ctx: &mut Context) {
    let custom = |parse, print| OpSyntax::Custom { parse, print };
    let ops = vec![
        OpDef::new(
            "affine.for",
            "A loop with affine bounds and a constant step",
        )
        .traits(OpTraits::SINGLE_BLOCK)
        .verify(verify_for)
        .syntax(custom(parse_for, print_for))
        .description(
            "`affine.for %i = 0 to %n step 2 iter_args(%a = %x) -> (f32) { ... }`. \
                 Attributes `lowerBoundMap`, `upperBoundMap` (affine maps; the loop runs from \
                 the max of the lower results to the min of the upper ones), `step` (a \
                 positive `index`) and `operandSegmentSizes` (lower bound, upper bound and \
                 init operands). The body's arguments are the induction variable and the \
                 loop-carried values.",
        ),
        OpDef::new(
            "affine.parallel",
            "A parallel loop nest with affine bounds and reductions",
        )
        .traits(OpTraits::SINGLE_BLOCK)
        .verify(verify_parallel)
        .syntax(custom(parse_parallel, print_parallel))
        .description(
            "`affine.parallel (%i, %j) = (0, 0) to (%n, 10) step (1, 2) reduce (\"addf\") \
                 -> (f32) { ... }`. Attributes `lowerBoundsMap`, `upperBoundsMap`, \
                 `lowerBoundsGroups`, `upperBoundsGroups` (how many map results bound each \
                 dimension: max of the lower ones, min of the upper ones), `steps` and \
                 `reductions` (MLIR's `arith.atomic_rmw` kinds as integers).",
        ),
        OpDef::new("affine.if", "Runs a region if a point is in an integer set")
            .traits(OpTraits::SINGLE_BLOCK)
            .verify(verify_if)
            .syntax(custom(parse_if, print_if))
            .description(
                "`affine.if #set(%i)[%n] -> (f32) { ... } else { ... }`: attribute \
                 `condition` (an integer set over the operands); the `else` region may be \
                 empty unless the op has results.",
            ),
        OpDef::new("affine.load", "Reads an element at affine subscripts")
            .verify(verify_load)
            .syntax(custom(parse_load, print_load))
            .description(
                "`%v = affine.load %m[%i + 1, %j] : memref<4x4xf32>`: attribute `map` gives \
                 one subscript per dimension from the index operands.",
            ),
        OpDef::new("affine.store", "Writes an element at affine subscripts")
            .verify(verify_store)
            .syntax(custom(parse_store, print_store))
            .description("`affine.store %v, %m[%i, %j * 2] : memref<4x8xf32>`; as `affine.load`."),
        OpDef::new("affine.apply", "The value of a one-result affine map")
            .traits(OpTraits::PURE)
            .verify(verify_apply)
            .syntax(custom(parse_apply, print_apply))
            .description("`%j = affine.apply affine_map<(d0)[s0] -> (d0 + s0)>(%i)[%n]`."),
        OpDef::new("affine.min", "The smallest result of an affine map")
            .traits(OpTraits::PURE)
            .verify(verify_min_max)
            .syntax(custom(parse_apply, print_apply))
            .description("`%j = affine.min affine_map<(d0) -> (d0 + 4, 10)>(%i)`."),
        OpDef::new("affine.max", "The largest result of an affine map")
            .traits(OpTraits::PURE)
            .verify(verify_min_max)
            .syntax(custom(parse_apply, print_apply))
            .description("`%j = affine.max affine_map<(d0) -> (d0 - 4, 0)>(%i)`."),
        OpDef::new(
            "affine.yield",
            "Ends the regions of affine.for, affine.if and affine.parallel",
        )
        .traits(OpTraits::TERMINATOR | OpTraits::RETURN_LIKE | OpTraits::PURE)
        .verify(verify_yield)
        .syntax(custom(parse_yield, print_yield))
        .description("`affine.yield %a, %b : f32, i32`: the values of the parent's results."),
    ];
    ctx.register_dialect(
        DialectDef::new(
            "affine",
            "Loops, conditionals and accesses with affine maps.",
        ),
        ops,
    );
}

// ----- attributes ---------------------------------------------------------------

/// The affine map in attribute `name` of `op`.
pub fn map_attr<'a>(ctx: &'a Context, op: OpId, name: &str) -> Option<&'a AffineMap> {
    ctx.attr_data_of(op, name)?.as_affine_map()
}

/// The integer set in attribute `name` of `op`.
pub fn integer_set_attr<'a>(ctx: &'a Context, op: OpId, name: &str) -> Option<&'a IntegerSet> {
    ctx.attr_data_of(op, name)?.as_integer_set()
}

/// Interns an `affine_map<...>` attribute.
pub fn map_attribute(ctx: &mut Context, map: AffineMap) -> Attribute {
    ctx.intern_attr(AttrData::AffineMap(map))
}

/// Interns an `affine_set<...>` attribute.
pub fn set_attribute(ctx: &mut Context, set: IntegerSet) -> Attribute {
    ctx.intern_attr(AttrData::IntegerSet(set))
}

/// `value : index`.
fn index_attr(ctx: &mut Context, value: i64) -> Attribute {
    let index = ctx.index_type();
    ctx.int_attr(value as i128, index)
}

/// The reductions of `affine.parallel`: MLIR's `arith::AtomicRMWKind`,
/// stored as its integer code.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Reduction {
    /// Float sum.
    AddF,
    /// Integer sum.
    AddI,
    /// The last value written (no identity: not allowed in `affine.parallel`).
    Assign,
    /// Float maximum, NaN-propagating.
    MaximumF,
    /// Signed integer maximum.
    MaxS,
    /// Unsigned integer maximum.
    MaxU,
    /// Float minimum, NaN-propagating.
    MinimumF,
    /// Signed integer minimum.
    MinS,
    /// Unsigned integer minimum.
    MinU,
    /// Float product.
    MulF,
    /// Integer product.
    MulI,
    /// Bitwise or.
    OrI,
    /// Bitwise and.
    AndI,
    /// Float maximum ignoring NaNs.
    MaxNumF,
    /// Float minimum ignoring NaNs.
    MinNumF,
}

/// Every reduction, in code order.
const REDUCTIONS: [Reduction; 15] = [
    Reduction::AddF,
    Reduction::AddI,
    Reduction::Assign,
    Reduction::MaximumF,
    Reduction::MaxS,
    Reduction::MaxU,
    Reduction::MinimumF,
    Reduction::MinS,
    Reduction::MinU,
    Reduction::MulF,
    Reduction::MulI,
    Reduction::OrI,
    Reduction::AndI,
    Reduction::MaxNumF,
    Reduction::MinNumF,
];

impl Reduction {
    /// The kind with integer code `code`.
    pub fn from_code(code: i64) -> Option<Reduction> {
        REDUCTIONS.get(usize::try_from(code).ok()?).copied()
    }

    /// Its integer code, as stored in `reductions`.
    pub fn code(self) -> i64 {
        REDUCTIONS.iter().position(|&r| r == self).unwrap_or(0) as i64
    }

    /// Its name in the custom form (`"addf"`).
    pub fn name(self) -> &'static str {
        match self {
            Reduction::AddF => "addf",
            Reduction::AddI => "addi",
            Reduction::Assign => "assign",
            Reduction::MaximumF => "maximumf",
            Reduction::MaxS => "maxs",
            Reduction::MaxU => "maxu",
            Reduction::MinimumF => "minimumf",
            Reduction::MinS => "mins",
            Reduction::MinU => "minu",
            Reduction::MulF => "mulf",
            Reduction::MulI => "muli",
            Reduction::OrI => "ori",
            Reduction::AndI => "andi",
            Reduction::MaxNumF => "maxnumf",
            Reduction::MinNumF => "minnumf",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Reduction> {
        REDUCTIONS.iter().copied().find(|r| r.name() == name)
    }

    /// Whether a result of type `ty` can be reduced this way: float kinds
    /// need a float, integer kinds an integer (as MLIR's verifier checks).
    pub fn accepts(self, ctx: &Context, ty: Type) -> bool {
        use Reduction as R;
        match self {
            R::AddF | R::MaximumF | R::MinimumF | R::MulF | R::MaxNumF | R::MinNumF => {
                ctx.is_float(ty)
            }
            R::AddI | R::MaxS | R::MaxU | R::MinS | R::MinU | R::MulI | R::OrI | R::AndI => {
                ctx.is_integer(ty)
            }
            R::Assign => false,
        }
    }
}

// ----- dimension and symbol validity -------------------------------------------

/// Whether `v` is defined directly in a region of an isolated-from-above op
/// (a function body): MLIR's "top-level value" of an affine scope.
fn is_top_level(ctx: &Context, v: Value) -> bool {
    ctx.value_block(v)
        .and_then(|b| ctx.block_parent_op(b))
        .is_some_and(|p| ctx.op_has_traits(p, OpTraits::ISOLATED_FROM_ABOVE))
}

/// Whether `v` may be an affine symbol, as MLIR's `isValidSymbol`: an
/// `index` defined at the top level of a function, a constant, or an
/// `affine.apply` of symbols.
pub fn is_valid_symbol(ctx: &Context, v: Value) -> bool {
    valid_affine_value(ctx, v, false)
}

/// Whether `v` may be an affine dimension, as MLIR's `isValidDim`: a valid
/// symbol, an induction variable of `affine.for` or `affine.parallel`, or
/// an `affine.apply` of dimensions.
pub fn is_valid_dim(ctx: &Context, v: Value) -> bool {
    valid_affine_value(ctx, v, true)
}

/// Both checks, over `affine.apply` chains without recursion.
fn valid_affine_value(ctx: &Context, v: Value, dim: bool) -> bool {
    let mut stack = vec![v];
    let mut seen = HashSet::new();
    while let Some(v) = stack.pop() {
        if !seen.insert(v) {
            continue;
        }
        if !is_index(ctx, ctx.value_type(v)) {
            return false;
        }
        if is_top_level(ctx, v) {
            continue;
        }
        match ctx.defining_op(v) {
            Some(op) if ctx.op_has_traits(op, OpTraits::CONSTANT_LIKE) => {}
            Some(op) if ctx.op_is(op, "affine.apply") => {
                stack.extend_from_slice(&ctx.op(op).operands);
            }
            Some(_) => return false,
            None => {
                let parent = ctx.value_block(v).and_then(|b| ctx.block_parent_op(b));
                let loop_arg = parent
                    .is_some_and(|p| ctx.op_is(p, "affine.for") || ctx.op_is(p, "affine.parallel"));
                if !(dim && loop_arg) {
                    return false;
                }
            }
        }
    }
    true
}

/// Checks that the first `num_dims` of `operands` are valid dimensions and
/// the rest valid symbols.
fn verify_dims_and_symbols(
    ctx: &Context,
    op: OpId,
    operands: &[Value],
    num_dims: usize,
) -> Result<(), Diagnostic> {
    for (i, &v) in operands.iter().enumerate() {
        if i < num_dims {
            if !is_valid_dim(ctx, v) {
                return Err(op_error(
                    ctx,
                    op,
                    "operand cannot be used as a dimension id",
                ));
            }
        } else if !is_valid_symbol(ctx, v) {
            return Err(op_error(ctx, op, "operand cannot be used as a symbol"));
        }
    }
    Ok(())
}

/// Checks a map attribute: present, well-formed, taking `num_operands` operands.
fn check_map<'a>(
    ctx: &'a Context,
    op: OpId,
    name: &str,
    num_operands: usize,
    what: &str,
) -> Result<&'a AffineMap, Diagnostic> {
    let Some(map) = map_attr(ctx, op, name) else {
        return Err(op_error(
            ctx,
            op,
            format!("requires an affine map attribute '{name}'"),
        ));
    };
    map.validate()
        .map_err(|m| op_error(ctx, op, format!("'{name}' is malformed: {m}")))?;
    if map.num_inputs() != num_operands {
        return Err(op_error(
            ctx,
            op,
            format!("{what} operand count and affine map dimension and symbol count must match"),
        ));
    }
    Ok(map)
}

// ----- views ------------------------------------------------------------------

/// An `affine.for`.
#[derive(Copy, Clone, Debug)]
pub struct ForOp<'a> {
    /// The op.
    pub op: OpId,
    /// The lower bound map: the loop starts at the max of its results.
    pub lower_map: &'a AffineMap,
    /// Its operands (dimensions, then symbols).
    pub lower_operands: &'a [Value],
    /// The upper bound map: the loop stops before the min of its results.
    pub upper_map: &'a AffineMap,
    /// Its operands (dimensions, then symbols).
    pub upper_operands: &'a [Value],
    /// The positive step.
    pub step: i64,
    /// Initial values of the loop-carried values.
    pub inits: &'a [Value],
    /// The body block.
    pub body: BlockId,
    /// The induction variable (the body's first argument).
    pub induction_var: Value,
    /// The loop-carried values inside the body (the other arguments).
    pub iter_args: &'a [Value],
    /// The final loop-carried values.
    pub results: &'a [Value],
}

impl<'a> ForOp<'a> {
    /// Reads a well-formed `affine.for`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "affine.for") {
            return None;
        }
        let groups = operand_groups(ctx, op, 3)?;
        let body = ctx.entry_block(op, 0)?;
        let (&induction_var, iter_args) = ctx.block_args(body).split_first()?;
        let step = ctx.attr_data_of(op, "step")?.as_int()?;
        Some(ForOp {
            op,
            lower_map: map_attr(ctx, op, "lowerBoundMap")?,
            lower_operands: groups[0],
            upper_map: map_attr(ctx, op, "upperBoundMap")?,
            upper_operands: groups[1],
            step: i64::try_from(step).ok()?,
            inits: groups[2],
            body,
            induction_var,
            iter_args,
            results: &ctx.op(op).results,
        })
    }

    /// The bounds when both maps are single constants.
    pub fn constant_bounds(&self) -> Option<(i64, i64)> {
        Some((
            self.lower_map.single_constant()?,
            self.upper_map.single_constant()?,
        ))
    }

    /// The `affine.yield` ending the body.
    pub fn yield_op(&self, ctx: &Context) -> Option<OpId> {
        ctx.last_op(self.body)
            .filter(|&y| ctx.op_is(y, "affine.yield"))
    }
}

/// An `affine.parallel`.
#[derive(Clone, Debug)]
pub struct ParallelOp<'a> {
    /// The op.
    pub op: OpId,
    /// All lower bound expressions, grouped by `lower_groups`.
    pub lower_map: &'a AffineMap,
    /// Per induction variable, how many results of `lower_map` bound it (their max).
    pub lower_groups: Vec<usize>,
    /// Operands of `lower_map` (dimensions, then symbols).
    pub lower_operands: &'a [Value],
    /// All upper bound expressions, grouped by `upper_groups`.
    pub upper_map: &'a AffineMap,
    /// Per induction variable, how many results of `upper_map` bound it (their min).
    pub upper_groups: Vec<usize>,
    /// Operands of `upper_map` (dimensions, then symbols).
    pub upper_operands: &'a [Value],
    /// Per induction variable, the positive step.
    pub steps: Vec<i64>,
    /// Per result, how iterations' values combine.
    pub reductions: Vec<Reduction>,
    /// The body block.
    pub body: BlockId,
    /// The induction variables (the body's arguments).
    pub induction_vars: &'a [Value],
    /// The reduced values.
    pub results: &'a [Value],
}

impl<'a> ParallelOp<'a> {
    /// Reads a well-formed `affine.parallel`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "affine.parallel") {
            return None;
        }
        let lower_map = map_attr(ctx, op, "lowerBoundsMap")?;
        let upper_map = map_attr(ctx, op, "upperBoundsMap")?;
        let operands = &ctx.op(op).operands;
        let (lower_operands, upper_operands) = operands.split_at_checked(lower_map.num_inputs())?;
        let steps = int_array(ctx, op, "steps")?;
        let reductions = int_array(ctx, op, "reductions")?
            .into_iter()
            .map(Reduction::from_code)
            .collect::<Option<Vec<_>>>()?;
        let body = ctx.entry_block(op, 0)?;
        Some(ParallelOp {
            op,
            lower_map,
            lower_groups: groups_of(ctx, op, "lowerBoundsGroups")?,
            lower_operands,
            upper_map,
            upper_groups: groups_of(ctx, op, "upperBoundsGroups")?,
            upper_operands,
            steps,
            reductions,
            body,
            induction_vars: ctx.block_args(body),
            results: &ctx.op(op).results,
        })
    }

    /// The map whose results bound induction variable `i` from below
    /// (their max) or, if `upper`, from above (their min).
    pub fn bound_map(&self, i: usize, upper: bool) -> Option<AffineMap> {
        let (map, groups) = if upper {
            (self.upper_map, &self.upper_groups)
        } else {
            (self.lower_map, &self.lower_groups)
        };
        let start: usize = groups.get(..i)?.iter().sum();
        Some(map.slice(start, *groups.get(i)?))
    }
}

/// `[1, 2]`, an array of integer attributes.
fn int_array(ctx: &Context, op: OpId, name: &str) -> Option<Vec<i64>> {
    match ctx.attr_data_of(op, name)? {
        AttrData::Array(items) => items
            .iter()
            .map(|&a| {
                ctx.attr_data(a)
                    .as_int()
                    .and_then(|v| i64::try_from(v).ok())
            })
            .collect(),
        _ => None,
    }
}

/// The group sizes in `dense<[..]> : tensor<Nxi32>`.
fn groups_of(ctx: &Context, op: OpId, name: &str) -> Option<Vec<usize>> {
    let AttrData::DenseElements(d) = ctx.attr_data_of(op, name)? else {
        return None;
    };
    if ctx.shape_of(d.ty)?.len() != 1 || !ctx.is_integer(ctx.elem_of(d.ty)?) {
        return None;
    }
    dense::elements(ctx, d)?
        .into_iter()
        .map(|s| match s {
            DenseScalar::Int(v) => usize::try_from(v).ok(),
            DenseScalar::Float(_) => None,
        })
        .collect()
}

/// `dense<[..]> : tensor<Nxi32>`.
fn groups_attr(ctx: &mut Context, groups: &[usize]) -> Attribute {
    let i32 = ctx.i32_type();
    let ty = ctx.tensor_type(&[groups.len() as i64], i32);
    let values: Vec<DenseScalar> = groups
        .iter()
        .map(|&g| DenseScalar::Int(g as i128))
        .collect();
    let d = dense::make_dense(ctx, ty, &values).expect("i32 dense elements");
    ctx.intern_attr(AttrData::DenseElements(d))
}

/// An `affine.load`.
#[derive(Copy, Clone, Debug)]
pub struct LoadOp<'a> {
    /// The op.
    pub op: OpId,
    /// The buffer read.
    pub memref: Value,
    /// The subscript map: one result per dimension.
    pub map: &'a AffineMap,
    /// The map's operands (dimensions, then symbols).
    pub indices: &'a [Value],
    /// The element read.
    pub result: Value,
}

impl<'a> LoadOp<'a> {
    /// Reads an `affine.load`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "affine.load") {
            return None;
        }
        let data = ctx.op(op);
        let (&memref, indices) = data.operands.split_first()?;
        Some(LoadOp {
            op,
            memref,
            map: map_attr(ctx, op, "map")?,
            indices,
            result: *data.results.first()?,
        })
    }
}

/// An `affine.store`.
#[derive(Copy, Clone, Debug)]
pub struct StoreOp<'a> {
    /// The op.
    pub op: OpId,
    /// The element written.
    pub value: Value,
    /// The buffer written.
    pub memref: Value,
    /// The subscript map: one result per dimension.
    pub map: &'a AffineMap,
    /// The map's operands (dimensions, then symbols).
    pub indices: &'a [Value],
}

impl<'a> StoreOp<'a> {
    /// Reads an `affine.store`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "affine.store") {
            return None;
        }
        let [value, memref, indices @ ..] = &ctx.op(op).operands[..] else {
            return None;
        };
        Some(StoreOp {
            op,
            value: *value,
            memref: *memref,
            map: map_attr(ctx, op, "map")?,
            indices,
        })
    }
}

/// Which of the map-applying ops an [`ApplyOp`] is.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ApplyKind {
    /// `affine.apply`: the one result.
    Apply,
    /// `affine.min`: the smallest result.
    Min,
    /// `affine.max`: the largest result.
    Max,
}

/// An `affine.apply`, `affine.min` or `affine.max`.
#[derive(Copy, Clone, Debug)]
pub struct ApplyOp<'a> {
    /// The op.
    pub op: OpId,
    /// Which op.
    pub kind: ApplyKind,
    /// The map.
    pub map: &'a AffineMap,
    /// Its operands (dimensions, then symbols).
    pub operands: &'a [Value],
    /// The result.
    pub result: Value,
}

impl<'a> ApplyOp<'a> {
    /// Reads an `affine.apply`, `affine.min` or `affine.max`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        let kind = match ctx.op_name_of(op) {
            "affine.apply" => ApplyKind::Apply,
            "affine.min" => ApplyKind::Min,
            "affine.max" => ApplyKind::Max,
            _ => return None,
        };
        let data = ctx.op(op);
        Some(ApplyOp {
            op,
            kind,
            map: map_attr(ctx, op, "map")?,
            operands: &data.operands,
            result: *data.results.first()?,
        })
    }

    /// The op's value for operand values `operands` (dimensions, then
    /// symbols), or why it has none.
    pub fn eval(&self, operands: &[i64]) -> Result<i64, tessera_compiler::affine::AffineEvalError> {
        let values = self.map.eval_operands(operands)?;
        let r = match self.kind {
            ApplyKind::Apply | ApplyKind::Min => values.iter().copied().min(),
            ApplyKind::Max => values.iter().copied().max(),
        };
        match (self.kind, r) {
            (ApplyKind::Apply, _) if values.len() == 1 => Ok(values[0]),
            (ApplyKind::Min | ApplyKind::Max, Some(v)) => Ok(v),
            _ => Err(tessera_compiler::affine::AffineEvalError::WrongCount {
                expected: (1, 0),
                given: (values.len(), 0),
            }),
        }
    }
}

/// An `affine.if`.
#[derive(Copy, Clone, Debug)]
pub struct IfOp<'a> {
    /// The op.
    pub op: OpId,
    /// The integer set the point must be in.
    pub condition: &'a IntegerSet,
    /// The point (dimensions, then symbols).
    pub operands: &'a [Value],
    /// The `then` block.
    pub then_block: BlockId,
    /// The `else` block, if there is one.
    pub else_block: Option<BlockId>,
    /// The results.
    pub results: &'a [Value],
}

impl<'a> IfOp<'a> {
    /// Reads a well-formed `affine.if`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "affine.if") {
            return None;
        }
        let data = ctx.op(op);
        Some(IfOp {
            op,
            condition: integer_set_attr(ctx, op, "condition")?,
            operands: &data.operands,
            then_block: ctx.entry_block(op, 0)?,
            else_block: ctx.entry_block(op, 1),
            results: &data.results,
        })
    }
}

// ----- builders ---------------------------------------------------------------

/// A loop bound for [`build_for`].
#[derive(Clone, Debug)]
pub enum Bound {
    /// A constant.
    Constant(i64),
    /// One `index` value (a valid symbol), stored as `()[s0] -> (s0)`.
    Value(Value),
    /// A map and its operands (dimensions, then symbols); several results
    /// mean the max (lower bound) or min (upper bound).
    Map(AffineMap, Vec<Value>),
}

impl Bound {
    fn into_parts(self) -> (AffineMap, Vec<Value>) {
        match self {
            Bound::Constant(c) => (AffineMap::constant(c), Vec::new()),
            Bound::Value(v) => (AffineMap::symbol_identity(), vec![v]),
            Bound::Map(m, ops) => (m, ops),
        }
    }
}

/// What [`build_for`] made.
#[derive(Clone, Debug)]
pub struct BuiltFor {
    /// The `affine.for`.
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

/// Builds `affine.for` from `lower` to `upper` by `step` carrying `inits`.
/// Without `inits` the body already ends with `affine.yield` (insert
/// before it); with them, the caller ends the body with
/// [`build_yield`] of the next values.
pub fn build_for(
    b: &mut Builder<'_>,
    lower: Bound,
    upper: Bound,
    step: i64,
    inits: &[Value],
    loc: Location,
) -> BuiltFor {
    let (lmap, lops) = lower.into_parts();
    let (umap, uops) = upper.into_parts();
    let ctx = &mut *b.ctx;
    let index = ctx.index_type();
    let mut arg_types = vec![index];
    arg_types.extend(inits.iter().map(|&v| ctx.value_type(v)));
    let body = ctx.create_block(&arg_types, loc);
    let region = ctx.create_region();
    ctx.append_block(region, body);
    let mut operands = lops.clone();
    operands.extend_from_slice(&uops);
    operands.extend_from_slice(inits);
    let name = ctx.op_name("affine.for");
    let mut state = OperationState::new(name, loc)
        .operands(&operands)
        .results(&arg_types[1..])
        .region(region);
    let a = map_attribute(ctx, lmap);
    set_attr(ctx, &mut state, "lowerBoundMap", a);
    let a = map_attribute(ctx, umap);
    set_attr(ctx, &mut state, "upperBoundMap", a);
    let a = index_attr(ctx, step);
    set_attr(ctx, &mut state, "step", a);
    let a = segments_attr(ctx, &[lops.len(), uops.len(), inits.len()]);
    set_attr(ctx, &mut state, SEGMENTS, a);
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

/// Builds `affine.yield values`.
pub fn build_yield(b: &mut Builder<'_>, values: &[Value], loc: Location) -> OpId {
    b.create("affine.yield", values, &[], &[], loc)
}

/// Builds `affine.load %memref[map(indices)]`; returns the element.
pub fn build_load(
    b: &mut Builder<'_>,
    memref: Value,
    map: AffineMap,
    indices: &[Value],
    loc: Location,
) -> Value {
    let elem = b
        .ctx
        .elem_of(b.ctx.value_type(memref))
        .expect("affine.load of a non-memref value");
    let mut operands = vec![memref];
    operands.extend_from_slice(indices);
    let a = map_attribute(b.ctx, map);
    b.create_value("affine.load", &operands, elem, &[("map", a)], loc)
}

/// Builds `affine.store %value, %memref[map(indices)]`.
pub fn build_store(
    b: &mut Builder<'_>,
    value: Value,
    memref: Value,
    map: AffineMap,
    indices: &[Value],
    loc: Location,
) -> OpId {
    let mut operands = vec![value, memref];
    operands.extend_from_slice(indices);
    let a = map_attribute(b.ctx, map);
    b.create("affine.store", &operands, &[], &[("map", a)], loc)
}

/// Builds `affine.apply`, `affine.min` or `affine.max` of `map` over
/// `operands`; returns the result.
pub fn build_apply(
    b: &mut Builder<'_>,
    kind: ApplyKind,
    map: AffineMap,
    operands: &[Value],
    loc: Location,
) -> Value {
    let name = match kind {
        ApplyKind::Apply => "affine.apply",
        ApplyKind::Min => "affine.min",
        ApplyKind::Max => "affine.max",
    };
    let a = map_attribute(b.ctx, map);
    let index = b.ctx.index_type();
    b.create_value(name, operands, index, &[("map", a)], loc)
}

/// Builds `affine.if condition(operands) -> result_types` with a `then`
/// block and, if `with_else`, an `else` block; returns the op and the
/// blocks. Without results both blocks already end with `affine.yield`.
pub fn build_if(
    b: &mut Builder<'_>,
    condition: IntegerSet,
    operands: &[Value],
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
    let name = ctx.op_name("affine.if");
    let mut state = OperationState::new(name, loc)
        .operands(operands)
        .results(result_types)
        .region(then_region)
        .region(else_region);
    let a = set_attribute(ctx, condition);
    set_attr(ctx, &mut state, "condition", a);
    let op = b.insert(state);
    if result_types.is_empty() {
        for blk in std::iter::once(then_block).chain(else_block) {
            let mut inner = Builder::new(b.ctx, InsertPoint::End(blk));
            build_yield(&mut inner, &[], loc);
        }
    }
    (op, then_block, else_block)
}

/// One dimension of a parallel loop for [`build_parallel`]: its lower
/// bounds (max), upper bounds (min) and step. Bounds are expressions
/// over the loop's shared `operands`.
#[derive(Clone, Debug)]
pub struct ParallelDim {
    /// The lower bound expressions (their max).
    pub lower: Vec<AffineExpr>,
    /// The upper bound expressions (their min).
    pub upper: Vec<AffineExpr>,
    /// The positive step.
    pub step: i64,
}

/// Builds `affine.parallel` over `dims`, whose bound expressions use
/// `num_dims` dimensions and the rest symbols of `operands` (passed to
/// both bound maps), reducing results of `result_types` with `reductions`.
/// Returns the op and its body; without results the body already ends with
/// `affine.yield`.
pub fn build_parallel(
    b: &mut Builder<'_>,
    dims: &[ParallelDim],
    num_dims: u32,
    operands: &[Value],
    reductions: &[(Reduction, Type)],
    loc: Location,
) -> (OpId, BlockId) {
    let ctx = &mut *b.ctx;
    let num_syms = operands.len() as u32 - num_dims;
    let lower: Vec<AffineExpr> = dims.iter().flat_map(|d| d.lower.clone()).collect();
    let upper: Vec<AffineExpr> = dims.iter().flat_map(|d| d.upper.clone()).collect();
    let lg: Vec<usize> = dims.iter().map(|d| d.lower.len()).collect();
    let ug: Vec<usize> = dims.iter().map(|d| d.upper.len()).collect();
    let index = ctx.index_type();
    let body = ctx.create_block(&vec![index; dims.len()], loc);
    let region = ctx.create_region();
    ctx.append_block(region, body);
    let result_types: Vec<Type> = reductions.iter().map(|r| r.1).collect();
    let mut all = operands.to_vec();
    all.extend_from_slice(operands);
    let name = ctx.op_name("affine.parallel");
    let mut state = OperationState::new(name, loc)
        .operands(&all)
        .results(&result_types)
        .region(region);
    let a = map_attribute(ctx, AffineMap::new(num_dims, num_syms, lower));
    set_attr(ctx, &mut state, "lowerBoundsMap", a);
    let a = map_attribute(ctx, AffineMap::new(num_dims, num_syms, upper));
    set_attr(ctx, &mut state, "upperBoundsMap", a);
    let a = groups_attr(ctx, &lg);
    set_attr(ctx, &mut state, "lowerBoundsGroups", a);
    let a = groups_attr(ctx, &ug);
    set_attr(ctx, &mut state, "upperBoundsGroups", a);
    let steps: Vec<Attribute> = dims.iter().map(|d| ctx.i64_attr(d.step)).collect();
    let a = ctx.array_attr(&steps);
    set_attr(ctx, &mut state, "steps", a);
    let codes: Vec<Attribute> = reductions
        .iter()
        .map(|r| ctx.i64_attr(r.0.code()))
        .collect();
    let a = ctx.array_attr(&codes);
    set_attr(ctx, &mut state, "reductions", a);
    let op = b.insert(state);
    if reductions.is_empty() {
        let mut inner = Builder::new(b.ctx, InsertPoint::End(body));
        build_yield(&mut inner, &[], loc);
    }
    (op, body)
}

// ----- shared syntax --------------------------------------------------------------

/// `(%d0, ..)[%s0, ..]` after a map: dimension operands, then symbol
/// operands (the brackets are optional).
fn parse_dim_and_symbol_list(
    p: &mut OpParser<'_, '_>,
) -> Result<(Vec<UnresolvedOperand>, Vec<UnresolvedOperand>), Diagnostic> {
    let dims = p.parse_paren_operand_list()?;
    let mut syms = Vec::new();
    if p.parse_optional_punct(Punct::LSquare) {
        syms = p.parse_operand_list()?;
        p.parse_punct(Punct::RSquare, "to end the symbol operand list")?;
    }
    Ok((dims, syms))
}

/// Writes `(%d0, ..)` and, if there are symbols, `[%s0, ..]`.
fn print_dim_and_symbol_list(p: &mut OpPrinter<'_>, operands: &[Value], num_dims: usize) {
    let n = num_dims.min(operands.len());
    p.print_str("(");
    p.print_operands(&operands[..n]);
    p.print_str(")");
    if operands.len() > n {
        p.print_str("[");
        p.print_operands(&operands[n..]);
        p.print_str("]");
    }
}

/// A map attribute (`#map` or `affine_map<...>`) followed by its dimension
/// and symbol operands, checked against the map; `what` names it in errors.
fn parse_map_and_operands(
    p: &mut OpParser<'_, '_>,
    what: &str,
) -> Result<(Attribute, Vec<UnresolvedOperand>), Diagnostic> {
    let loc = p.current_loc();
    let a = p.parse_attribute()?;
    let Some(map) = p.ctx().attr_data(a).as_affine_map().cloned() else {
        return Err(Diagnostic::error(
            loc,
            format!("expected an affine map for {what}"),
        ));
    };
    let (dims, syms) = parse_dim_and_symbol_list(p)?;
    check_operand_counts(&map, dims.len(), syms.len(), loc, "affine map")?;
    let mut operands = dims;
    operands.extend(syms);
    Ok((a, operands))
}

fn check_operand_counts(
    map: &AffineMap,
    dims: usize,
    syms: usize,
    loc: Location,
    what: &str,
) -> Result<(), Diagnostic> {
    if map.num_dims as usize != dims {
        return Err(Diagnostic::error(
            loc,
            format!("dim operand count and {what} dim count must match"),
        ));
    }
    if map.num_symbols as usize != syms {
        return Err(Diagnostic::error(
            loc,
            format!("symbol operand count and {what} symbol count must match"),
        ));
    }
    Ok(())
}

// ----- affine.for -------------------------------------------------------------

fn verify_for(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let seg = segments(ctx, op, 3)?;
    let operands = &ctx.op(op).operands;
    let lmap = check_map(ctx, op, "lowerBoundMap", seg[0], "lower bound")?;
    let umap = check_map(ctx, op, "upperBoundMap", seg[1], "upper bound")?;
    if lmap.results.is_empty() {
        return Err(op_error(
            ctx,
            op,
            "expected lower bound map to have at least one result",
        ));
    }
    if umap.results.is_empty() {
        return Err(op_error(
            ctx,
            op,
            "expected upper bound map to have at least one result",
        ));
    }
    match ctx.attr_data_of(op, "step") {
        Some(AttrData::Integer { value, ty }) if is_index(ctx, *ty) => {
            if *value <= 0 || *value > i64::MAX as i128 {
                return Err(op_error(
                    ctx,
                    op,
                    "expected step to be representable as a positive signed integer",
                ));
            }
        }
        _ => return Err(op_error(ctx, op, "requires an index attribute 'step'")),
    }
    let (lops, rest) = operands.split_at(seg[0]);
    let (uops, inits) = rest.split_at(seg[1]);
    check_indices(ctx, op, lops, "lower bound operands")?;
    check_indices(ctx, op, uops, "upper bound operands")?;
    verify_dims_and_symbols(ctx, op, lops, lmap.num_dims as usize)?;
    verify_dims_and_symbols(ctx, op, uops, umap.num_dims as usize)?;
    let Some(body) = ctx.entry_block(op, 0) else {
        return Err(op_error(ctx, op, "expects a body region with one block"));
    };
    let args = ctx.block_args(body);
    if args.is_empty() || !is_index(ctx, ctx.value_type(args[0])) {
        return Err(op_error(
            ctx,
            op,
            "expected body to have a single index argument for the induction variable",
        ));
    }
    let results = &ctx.op(op).results;
    if inits.len() != results.len() {
        return Err(op_error(
            ctx,
            op,
            "mismatch between the number of loop-carried values and results",
        ));
    }
    if args.len() - 1 != results.len() {
        return Err(op_error(
            ctx,
            op,
            "mismatch between the number of basic block args and results",
        ));
    }
    check_carried_types(ctx, op, inits, &args[1..], results)
}

/// Checks that init `i`, region argument `i` and result `i` have one type.
fn check_carried_types(
    ctx: &Context,
    op: OpId,
    inits: &[Value],
    args: &[Value],
    results: &[Value],
) -> Result<(), Diagnostic> {
    for (i, ((&init, &arg), &res)) in inits.iter().zip(args).zip(results).enumerate() {
        let (it, at, rt) = (
            ctx.value_type(init),
            ctx.value_type(arg),
            ctx.value_type(res),
        );
        if it != at || it != rt {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "types of init #{i} ('{}'), region argument ('{}') and result ('{}') must match",
                    type_str(ctx, it),
                    type_str(ctx, at),
                    type_str(ctx, rt)
                ),
            ));
        }
    }
    Ok(())
}

/// A loop bound: `%v`, a constant, or `[max|min] map(dims)[syms]`.
fn parse_bound(
    p: &mut OpParser<'_, '_>,
    lower: bool,
) -> Result<(AffineMap, Vec<UnresolvedOperand>), Diagnostic> {
    let minmax = p.parse_optional_keyword(if lower { "max" } else { "min" });
    if let Some(u) = p.parse_optional_operand()? {
        return Ok((AffineMap::symbol_identity(), vec![u]));
    }
    let loc = p.current_loc();
    let a = p.parse_attribute()?;
    match p.ctx().attr_data(a).clone() {
        AttrData::AffineMap(map) => {
            let (dims, syms) = parse_dim_and_symbol_list(p)?;
            check_operand_counts(&map, dims.len(), syms.len(), loc, "affine map")?;
            if map.results.len() > 1 && !minmax {
                let (which, kw) = if lower {
                    ("lower", "max")
                } else {
                    ("upper", "min")
                };
                return Err(Diagnostic::error(
                    loc,
                    format!(
                        "{which} loop bound affine map with multiple results requires '{kw}' prefix"
                    ),
                ));
            }
            let mut operands = dims;
            operands.extend(syms);
            Ok((map, operands))
        }
        AttrData::Integer { value, .. } => match i64::try_from(value) {
            Ok(v) => Ok((AffineMap::constant(v), Vec::new())),
            Err(_) => Err(Diagnostic::error(loc, "loop bound is too large")),
        },
        _ => Err(Diagnostic::error(
            loc,
            "expected valid affine map representation for loop bounds",
        )),
    }
}

/// `%i = lb to ub [step N] [iter_args(%a = %x, ..) -> (T, ..)] { body } {attrs}`.
fn parse_for(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let iv = p.parse_operand()?;
    p.parse_punct(Punct::Equal, "after the induction variable")?;
    let (lmap, lops) = parse_bound(p, true)?;
    p.parse_keyword("to")?;
    let (umap, uops) = parse_bound(p, false)?;
    let mut step = 1i64;
    if p.parse_optional_keyword("step") {
        let loc = p.current_loc();
        let a = p.parse_attribute()?;
        step = match p.ctx().attr_data(a).as_int().map(i64::try_from) {
            Some(Ok(s)) if s > 0 => s,
            _ => {
                return Err(Diagnostic::error(
                    loc,
                    "expected step to be representable as a positive signed integer",
                ));
            }
        };
    }
    let mut names = vec![iv];
    let mut inits = Vec::new();
    let mut types = Vec::new();
    if p.parse_optional_keyword("iter_args") {
        p.parse_punct(Punct::LParen, "to start iter_args")?;
        loop {
            names.push(p.parse_operand()?);
            p.parse_punct(Punct::Equal, "in iter_args")?;
            inits.push(p.parse_operand()?);
            if !p.parse_optional_punct(Punct::Comma) {
                break;
            }
        }
        p.parse_punct(Punct::RParen, "to end iter_args")?;
        if !p.peek_punct(Punct::Arrow) {
            return Err(p.error("expected '->' and the types of the loop-carried values"));
        }
        let loc = p.current_loc();
        types = p.parse_optional_arrow_type_list()?;
        if types.len() != inits.len() {
            return Err(Diagnostic::error(
                loc,
                format!(
                    "expected {} loop-carried value types, got {}",
                    inits.len(),
                    types.len()
                ),
            ));
        }
    }
    let index = p.ctx().index_type();
    let mut operands = p.resolve_operands_same_type(&lops, index)?;
    operands.extend(p.resolve_operands_same_type(&uops, index)?);
    let loc = p.current_loc();
    operands.extend(p.resolve_operands(&inits, &types, loc)?);
    let mut arg_types = vec![index];
    arg_types.extend_from_slice(&types);
    let args = arguments(p, &names, &arg_types);
    let region = p.parse_region(&args)?;
    ensure_terminator(p.ctx(), region, "affine.yield", state.loc);
    p.parse_optional_attr_dict(&mut state.attrs)?;
    state.operands = operands;
    state.result_types = types;
    state.regions.push(region);
    let ctx = p.ctx();
    let a = map_attribute(ctx, lmap);
    set_attr(ctx, state, "lowerBoundMap", a);
    let a = map_attribute(ctx, umap);
    set_attr(ctx, state, "upperBoundMap", a);
    let a = index_attr(ctx, step);
    set_attr(ctx, state, "step", a);
    let a = segments_attr(ctx, &[lops.len(), uops.len(), inits.len()]);
    set_attr(ctx, state, SEGMENTS, a);
    Ok(())
}

/// Writes a loop bound the way MLIR does: a constant, a lone symbol, or
/// `[prefix] map(dims)[syms]`.
fn print_bound(p: &mut OpPrinter<'_>, map_attr: Attribute, operands: &[Value], prefix: &str) {
    let ctx = p.ctx();
    let Some(map) = ctx.attr_data(map_attr).as_affine_map() else {
        return;
    };
    if map.results.len() == 1 {
        if map.num_dims == 0
            && map.num_symbols == 0
            && let Some(c) = map.results[0].as_constant()
        {
            p.print_str(&c.to_string());
            return;
        }
        if map.is_symbol_identity() && operands.len() == 1 {
            p.print_operand(operands[0]);
            return;
        }
    } else {
        p.print_str(prefix);
        p.print_str(" ");
    }
    p.print_attribute(map_attr);
    print_dim_and_symbol_list(p, operands, map.num_dims as usize);
}

fn print_for(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let f = ForOp::view(ctx, op).ok_or(fmt::Error)?;
    let carried = f.iter_args.len() == f.inits.len()
        && f.results.len() == f.inits.len()
        && f.inits
            .iter()
            .zip(f.iter_args)
            .zip(f.results)
            .all(|((&i, &a), &r)| {
                let t = ctx.value_type(i);
                ctx.value_type(a) == t && ctx.value_type(r) == t
            });
    let bounds = all_index(ctx, f.lower_operands)
        && all_index(ctx, f.upper_operands)
        && is_index(ctx, ctx.value_type(f.induction_var))
        && f.lower_map.num_inputs() == f.lower_operands.len()
        && f.upper_map.num_inputs() == f.upper_operands.len()
        && !f.lower_map.results.is_empty()
        && !f.upper_map.results.is_empty();
    if !carried || !bounds || f.step <= 0 || !printable_regions(ctx, op, 1 + f.inits.len()) {
        return Err(fmt::Error);
    }
    let region = ctx.op(op).regions[0];
    if ctx.region(region).blocks.len() != 1 {
        return Err(fmt::Error);
    }
    let lattr = ctx.attr(op, "lowerBoundMap").ok_or(fmt::Error)?;
    let uattr = ctx.attr(op, "upperBoundMap").ok_or(fmt::Error)?;
    p.print_str(" ");
    p.print_operand(f.induction_var);
    p.print_str(" = ");
    print_bound(p, lattr, f.lower_operands, "max");
    p.print_str(" to ");
    print_bound(p, uattr, f.upper_operands, "min");
    if f.step != 1 {
        p.print_str(&format!(" step {}", f.step));
    }
    if !f.inits.is_empty() {
        p.print_str(" iter_args(");
        for (i, (&a, &init)) in f.iter_args.iter().zip(f.inits).enumerate() {
            if i > 0 {
                p.print_str(", ");
            }
            p.print_operand(a);
            p.print_str(" = ");
            p.print_operand(init);
        }
        p.print_str(") -> (");
        let types: Vec<Type> = f.results.iter().map(|&r| ctx.value_type(r)).collect();
        p.print_types(&types);
        p.print_str(")");
    }
    p.print_str(" ");
    p.print_region(region, false, false);
    p.print_attr_dict_except(op, &["lowerBoundMap", "upperBoundMap", "step", SEGMENTS]);
    Ok(())
}

// ----- affine.parallel --------------------------------------------------------

fn verify_parallel(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let Some(body) = ctx.entry_block(op, 0) else {
        return Err(op_error(ctx, op, "expects a body region with one block"));
    };
    let ivs = ctx.block_args(body);
    let bad =
        |name: &str, what: &str| op_error(ctx, op, format!("requires {what} attribute '{name}'"));
    let lg = groups_of(ctx, op, "lowerBoundsGroups")
        .ok_or_else(|| bad("lowerBoundsGroups", "an i32 elements"))?;
    let ug = groups_of(ctx, op, "upperBoundsGroups")
        .ok_or_else(|| bad("upperBoundsGroups", "an i32 elements"))?;
    let steps = int_array(ctx, op, "steps").ok_or_else(|| bad("steps", "an integer array"))?;
    if lg.len() != ivs.len() || ug.len() != ivs.len() || steps.len() != ivs.len() {
        return Err(op_error(
            ctx,
            op,
            format!(
                "the number of region arguments ({}) and the number of map groups for lower ({}) \
                 and upper bound ({}), and the number of steps ({}) must all match",
                ivs.len(),
                lg.len(),
                ug.len(),
                steps.len()
            ),
        ));
    }
    check_indices(ctx, op, ivs, "induction variables")?;
    if lg.iter().chain(&ug).any(|&g| g == 0) {
        return Err(op_error(
            ctx,
            op,
            "every bound group must have at least one expression",
        ));
    }
    if steps.iter().any(|&s| s <= 0) {
        return Err(op_error(ctx, op, "steps must be positive"));
    }
    let Some(lmap) = map_attr(ctx, op, "lowerBoundsMap") else {
        return Err(bad("lowerBoundsMap", "an affine map"));
    };
    let Some(umap) = map_attr(ctx, op, "upperBoundsMap") else {
        return Err(bad("upperBoundsMap", "an affine map"));
    };
    for (map, groups, which) in [(lmap, &lg, "lower"), (umap, &ug, "upper")] {
        map.validate()
            .map_err(|m| op_error(ctx, op, format!("{which} bounds map is malformed: {m}")))?;
        let n: usize = groups.iter().sum();
        if n != map.results.len() {
            return Err(op_error(
                ctx,
                op,
                format!("expected {which} bounds map to have {n} results"),
            ));
        }
    }
    let operands = &ctx.op(op).operands;
    if operands.len() != lmap.num_inputs() + umap.num_inputs() {
        return Err(op_error(
            ctx,
            op,
            "operand count must equal the input counts of the lower and upper bounds maps",
        ));
    }
    let (lops, uops) = operands.split_at(lmap.num_inputs());
    check_indices(ctx, op, operands, "bound operands")?;
    verify_dims_and_symbols(ctx, op, lops, lmap.num_dims as usize)?;
    verify_dims_and_symbols(ctx, op, uops, umap.num_dims as usize)?;
    let codes =
        int_array(ctx, op, "reductions").ok_or_else(|| bad("reductions", "an integer array"))?;
    let results = &ctx.op(op).results;
    if codes.len() != results.len() {
        return Err(op_error(
            ctx,
            op,
            "a reduction must be specified for each output",
        ));
    }
    for (&code, &r) in codes.iter().zip(results) {
        let Some(kind) = Reduction::from_code(code) else {
            return Err(op_error(ctx, op, "invalid reduction attribute"));
        };
        if !kind.accepts(ctx, ctx.value_type(r)) {
            return Err(op_error(
                ctx,
                op,
                "result type cannot match reduction attribute",
            ));
        }
    }
    Ok(())
}

/// Merges bound items (each a map over its own SSA operands) into one map
/// over shared operands, numbering values by first use across the items.
struct BoundList<'t> {
    dims: Vec<UnresolvedOperand>,
    syms: Vec<UnresolvedOperand>,
    keys: Vec<(&'t str, u32, bool)>,
    exprs: Vec<AffineExpr>,
    groups: Vec<usize>,
}

impl<'t> BoundList<'t> {
    fn add(&mut self, p: &OpParser<'t, '_>, map: &AffineMap, operands: &[UnresolvedOperand]) {
        let mut repl = Vec::with_capacity(operands.len());
        for (i, u) in operands.iter().enumerate() {
            let is_sym = i >= map.num_dims as usize;
            let key = (u.name(p), u.number(), is_sym);
            let pos = match self
                .keys
                .iter()
                .filter(|k| k.2 == is_sym)
                .position(|k| *k == key)
            {
                Some(pos) => pos,
                None => {
                    self.keys.push(key);
                    let list = if is_sym {
                        &mut self.syms
                    } else {
                        &mut self.dims
                    };
                    list.push(*u);
                    list.len() - 1
                }
            };
            repl.push(if is_sym {
                AffineExpr::Symbol(pos as u32)
            } else {
                AffineExpr::Dim(pos as u32)
            });
        }
        let (dims, syms) = repl.split_at(map.num_dims as usize);
        self.exprs.extend(
            map.results
                .iter()
                .map(|e| e.replace_dims_and_symbols(dims, syms)),
        );
        self.groups.push(map.results.len());
    }
}

/// `(e, max(e, e), ..)`: one bound group per dimension.
fn parse_bound_list<'t>(
    p: &mut OpParser<'t, '_>,
    keyword: &str,
) -> Result<(AffineMap, Vec<usize>, Vec<UnresolvedOperand>), Diagnostic> {
    let mut list = BoundList {
        dims: Vec::new(),
        syms: Vec::new(),
        keys: Vec::new(),
        exprs: Vec::new(),
        groups: Vec::new(),
    };
    p.parse_punct(Punct::LParen, "to start the bound list")?;
    if !p.parse_optional_punct(Punct::RParen) {
        loop {
            let (map, ops) = if p.parse_optional_keyword(keyword) {
                let loc = p.current_loc();
                let r = p.parse_affine_map_of_ssa_ids(Punct::LParen, Punct::RParen)?;
                if r.0.results.is_empty() {
                    return Err(Diagnostic::error(
                        loc,
                        format!("expected at least one expression in '{keyword}(...)'"),
                    ));
                }
                r
            } else {
                p.parse_affine_expr_of_ssa_ids()?
            };
            list.add(p, &map, &ops);
            if !p.parse_optional_punct(Punct::Comma) {
                break;
            }
        }
        p.parse_punct(Punct::RParen, "to end the bound list")?;
    }
    let map = AffineMap::new(list.dims.len() as u32, list.syms.len() as u32, list.exprs);
    let mut operands = list.dims;
    operands.extend(list.syms);
    Ok((map, list.groups, operands))
}

/// `(%i, ..) = (lbs) to (ubs) [step (..)] [reduce ("addf", ..) -> (T, ..)] { body } {attrs}`.
fn parse_parallel(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let loc = p.current_loc();
    let ivs = p.parse_paren_operand_list()?;
    p.parse_punct(Punct::Equal, "after the induction variables")?;
    let (lmap, lgroups, lops) = parse_bound_list(p, "max")?;
    p.parse_keyword("to")?;
    let (umap, ugroups, uops) = parse_bound_list(p, "min")?;
    if lgroups.len() != ivs.len() || ugroups.len() != ivs.len() {
        return Err(Diagnostic::error(
            loc,
            "expected as many lower and upper bounds as induction variables",
        ));
    }
    let mut steps = vec![1i64; ivs.len()];
    if p.parse_optional_keyword("step") {
        let loc = p.current_loc();
        p.parse_punct(Punct::LParen, "to start the steps")?;
        let mut given = Vec::new();
        if !p.parse_optional_punct(Punct::RParen) {
            loop {
                let a = p.parse_attribute()?;
                match p.ctx().attr_data(a).as_int().map(i64::try_from) {
                    Some(Ok(s)) if s > 0 => given.push(s),
                    _ => return Err(Diagnostic::error(loc, "steps must be positive integers")),
                }
                if !p.parse_optional_punct(Punct::Comma) {
                    break;
                }
            }
            p.parse_punct(Punct::RParen, "to end the steps")?;
        }
        if given.len() != ivs.len() {
            return Err(Diagnostic::error(
                loc,
                "expected as many steps as induction variables",
            ));
        }
        steps = given;
    }
    let mut reductions = Vec::new();
    let mut types = Vec::new();
    if p.parse_optional_keyword("reduce") {
        p.parse_punct(Punct::LParen, "to start the reductions")?;
        loop {
            let loc = p.current_loc();
            let name = p.parse_string()?;
            let Some(kind) = Reduction::from_name(&name) else {
                return Err(Diagnostic::error(
                    loc,
                    format!("invalid reduction value: \"{name}\""),
                ));
            };
            reductions.push(kind);
            if !p.parse_optional_punct(Punct::Comma) {
                break;
            }
        }
        p.parse_punct(Punct::RParen, "to end the reductions")?;
        if !p.peek_punct(Punct::Arrow) {
            return Err(p.error("expected '->' and the result types"));
        }
        let loc = p.current_loc();
        types = p.parse_optional_arrow_type_list()?;
        if types.len() != reductions.len() {
            return Err(Diagnostic::error(
                loc,
                "expected one result type per reduction",
            ));
        }
    }
    let index = p.ctx().index_type();
    let mut operands = p.resolve_operands_same_type(&lops, index)?;
    operands.extend(p.resolve_operands_same_type(&uops, index)?);
    let args = arguments(p, &ivs, &vec![index; ivs.len()]);
    let region = p.parse_region(&args)?;
    ensure_terminator(p.ctx(), region, "affine.yield", state.loc);
    p.parse_optional_attr_dict(&mut state.attrs)?;
    state.operands = operands;
    state.result_types = types;
    state.regions.push(region);
    let ctx = p.ctx();
    let a = map_attribute(ctx, lmap);
    set_attr(ctx, state, "lowerBoundsMap", a);
    let a = map_attribute(ctx, umap);
    set_attr(ctx, state, "upperBoundsMap", a);
    let a = groups_attr(ctx, &lgroups);
    set_attr(ctx, state, "lowerBoundsGroups", a);
    let a = groups_attr(ctx, &ugroups);
    set_attr(ctx, state, "upperBoundsGroups", a);
    let items: Vec<Attribute> = steps.iter().map(|&s| ctx.i64_attr(s)).collect();
    let a = ctx.array_attr(&items);
    set_attr(ctx, state, "steps", a);
    let items: Vec<Attribute> = reductions.iter().map(|r| ctx.i64_attr(r.code())).collect();
    let a = ctx.array_attr(&items);
    set_attr(ctx, state, "reductions", a);
    Ok(())
}

/// Writes bound groups: a lone expression, or `keyword(e, e)` for several.
fn print_bound_groups(
    p: &mut OpPrinter<'_>,
    map: &AffineMap,
    groups: &[usize],
    operands: &[Value],
    keyword: &str,
) {
    let n = (map.num_dims as usize).min(operands.len());
    let (dims, syms) = operands.split_at(n);
    let mut start = 0;
    for (i, &g) in groups.iter().enumerate() {
        if i > 0 {
            p.print_str(", ");
        }
        if g == 1 {
            p.print_affine_expr_of_ssa_ids(&map.results[start], dims, syms);
        } else {
            p.print_str(keyword);
            p.print_str("(");
            p.print_affine_map_of_ssa_ids(&map.slice(start, g), operands);
            p.print_str(")");
        }
        start += g;
    }
}

fn print_parallel(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = ParallelOp::view(ctx, op).ok_or(fmt::Error)?;
    let n = v.induction_vars.len();
    let ok = v.lower_groups.len() == n
        && v.upper_groups.len() == n
        && v.steps.len() == n
        && v.lower_groups.iter().sum::<usize>() == v.lower_map.results.len()
        && v.upper_groups.iter().sum::<usize>() == v.upper_map.results.len()
        && v.reductions.len() == v.results.len()
        && v.upper_operands.len() == v.upper_map.num_inputs()
        && all_index(ctx, &ctx.op(op).operands)
        && all_index(ctx, v.induction_vars)
        && ctx.region(ctx.op(op).regions[0]).blocks.len() == 1
        && printable_regions(ctx, op, n);
    if !ok {
        return Err(fmt::Error);
    }
    p.print_str(" (");
    p.print_operands(v.induction_vars);
    p.print_str(") = (");
    print_bound_groups(p, v.lower_map, &v.lower_groups, v.lower_operands, "max");
    p.print_str(") to (");
    print_bound_groups(p, v.upper_map, &v.upper_groups, v.upper_operands, "min");
    p.print_str(")");
    if v.steps.iter().any(|&s| s != 1) {
        let steps: Vec<String> = v.steps.iter().map(|s| s.to_string()).collect();
        p.print_str(&format!(" step ({})", steps.join(", ")));
    }
    if !v.results.is_empty() {
        let names: Vec<String> = v
            .reductions
            .iter()
            .map(|r| format!("\"{}\"", r.name()))
            .collect();
        p.print_str(&format!(" reduce ({}) -> (", names.join(", ")));
        let types: Vec<Type> = v.results.iter().map(|&r| ctx.value_type(r)).collect();
        p.print_types(&types);
        p.print_str(")");
    }
    p.print_str(" ");
    p.print_region(ctx.op(op).regions[0], false, false);
    p.print_attr_dict_except(
        op,
        &[
            "reductions",
            "lowerBoundsMap",
            "lowerBoundsGroups",
            "upperBoundsMap",
            "upperBoundsGroups",
            "steps",
        ],
    );
    Ok(())
}

// ----- affine.if --------------------------------------------------------------

fn verify_if(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let Some(set) = integer_set_attr(ctx, op, "condition") else {
        return Err(op_error(
            ctx,
            op,
            "requires an integer set attribute named 'condition'",
        ));
    };
    set.validate()
        .map_err(|m| op_error(ctx, op, format!("'condition' is malformed: {m}")))?;
    let data = ctx.op(op);
    if data.operands.len() != set.num_inputs() {
        return Err(op_error(
            ctx,
            op,
            "operand count and condition integer set dimension and symbol count must match",
        ));
    }
    check_indices(ctx, op, &data.operands, "operands")?;
    verify_dims_and_symbols(ctx, op, &data.operands, set.num_dims as usize)?;
    if data.regions.len() != 2 {
        return Err(op_error(ctx, op, "expects a then and an else region"));
    }
    if ctx.entry_block(op, 0).is_none() {
        return Err(op_error(ctx, op, "expects a non-empty then region"));
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

/// `#set(dims)[syms] [-> (T, ..)] { then } [else { else }] {attrs}`.
fn parse_if(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let loc = p.current_loc();
    let a = p.parse_attribute()?;
    let Some(set) = p.ctx().attr_data(a).as_integer_set().cloned() else {
        return Err(Diagnostic::error(
            loc,
            "expected an integer set attribute for the condition",
        ));
    };
    let (dims, syms) = parse_dim_and_symbol_list(p)?;
    let as_map = AffineMap::new(set.num_dims, set.num_symbols, Vec::new());
    check_operand_counts(&as_map, dims.len(), syms.len(), loc, "integer set")?;
    let types = p.parse_optional_arrow_type_list()?;
    let then_region = p.parse_region(&[])?;
    ensure_terminator(p.ctx(), then_region, "affine.yield", state.loc);
    let else_region = if p.parse_optional_keyword("else") {
        let r = p.parse_region(&[])?;
        ensure_terminator(p.ctx(), r, "affine.yield", state.loc);
        r
    } else {
        p.ctx().create_region()
    };
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let mut all = dims;
    all.extend(syms);
    let index = p.ctx().index_type();
    state.operands = p.resolve_operands_same_type(&all, index)?;
    state.result_types = types;
    state.regions = vec![then_region, else_region];
    set_attr(p.ctx(), state, "condition", a);
    Ok(())
}

fn print_if(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = IfOp::view(ctx, op).ok_or(fmt::Error)?;
    let data = ctx.op(op);
    let [then_r, else_r] = data.regions[..] else {
        return Err(fmt::Error);
    };
    let ok = ctx.region(then_r).blocks.len() == 1
        && printable_regions(ctx, op, 0)
        && all_index(ctx, v.operands)
        && v.operands.len() == v.condition.num_inputs();
    if !ok {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_attribute(ctx.attr(op, "condition").ok_or(fmt::Error)?);
    print_dim_and_symbol_list(p, v.operands, v.condition.num_dims as usize);
    let types: Vec<Type> = v.results.iter().map(|&r| ctx.value_type(r)).collect();
    p.print_arrow_type_list(&types);
    p.print_str(" ");
    p.print_region(then_r, false, false);
    if v.else_block.is_some() {
        p.print_str(" else ");
        p.print_region(else_r, false, false);
    }
    p.print_attr_dict_except(op, &["condition"]);
    Ok(())
}

// ----- affine.load / affine.store ---------------------------------------------

/// Checks the map and subscripts of an affine load or store of `memref`.
fn check_memory_access(
    ctx: &Context,
    op: OpId,
    memref: Value,
    indices: &[Value],
) -> Result<Type, Diagnostic> {
    let parts = memref_operand(ctx, op, memref, "memref operand")?;
    let Some(map) = map_attr(ctx, op, "map") else {
        return Err(op_error(ctx, op, "requires an affine map attribute 'map'"));
    };
    map.validate()
        .map_err(|m| op_error(ctx, op, format!("'map' is malformed: {m}")))?;
    if map.results.len() != parts.shape.len() {
        return Err(op_error(
            ctx,
            op,
            "affine map num results must equal memref rank",
        ));
    }
    if map.num_inputs() != indices.len() {
        return Err(op_error(
            ctx,
            op,
            "expects as many subscripts as affine map inputs",
        ));
    }
    let what = if ctx.op_is(op, "affine.load") {
        "load"
    } else {
        "store"
    };
    for &v in indices {
        if !is_index(ctx, ctx.value_type(v)) {
            return Err(op_error(
                ctx,
                op,
                format!("index to {what} must have 'index' type"),
            ));
        }
        if !is_valid_dim(ctx, v) && !is_valid_symbol(ctx, v) {
            return Err(op_error(
                ctx,
                op,
                "index must be a valid dimension or symbol identifier",
            ));
        }
    }
    Ok(parts.elem)
}

fn verify_load(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let (Some((&memref, indices)), [result]) = (data.operands.split_first(), &data.results[..])
    else {
        return Err(op_error(ctx, op, "expects a memref operand and one result"));
    };
    let elem = check_memory_access(ctx, op, memref, indices)?;
    if ctx.value_type(*result) != elem {
        return Err(op_error(
            ctx,
            op,
            "result type must match element type of memref",
        ));
    }
    Ok(())
}

fn verify_store(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let ([value, memref, indices @ ..], []) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(
            ctx,
            op,
            "expects a value and a memref operand and no results",
        ));
    };
    let elem = check_memory_access(ctx, op, *memref, indices)?;
    if ctx.value_type(*value) != elem {
        return Err(op_error(
            ctx,
            op,
            "value to store must have the same type as memref element type",
        ));
    }
    Ok(())
}

/// `[subscripts] {attrs} : memref-type`, after the memref operand: sets
/// `map` and returns (memref type, resolved subscripts).
fn parse_subscripts(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> Result<(Type, Type, Vec<Value>), Diagnostic> {
    let (map, operands) = p.parse_affine_map_of_ssa_ids(Punct::LSquare, Punct::RSquare)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let ty = p.parse_colon_type()?;
    let Some(elem) = memref_parts(p.ctx(), ty).map(|m| m.elem) else {
        return Err(Diagnostic::error(loc, "expected a memref type"));
    };
    let index = p.ctx().index_type();
    let indices = p.resolve_operands_same_type(&operands, index)?;
    let a = map_attribute(p.ctx(), map);
    set_attr(p.ctx(), state, "map", a);
    Ok((ty, elem, indices))
}

/// `%m[%i + 1, %j] {attrs} : type`.
fn parse_load(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let m = p.parse_operand()?;
    let (ty, elem, indices) = parse_subscripts(p, state)?;
    state.operands = vec![p.resolve_operand(&m, ty)?];
    state.operands.extend(indices);
    state.result_types = vec![elem];
    Ok(())
}

/// `%v, %m[%i + 1, %j] {attrs} : type`.
fn parse_store(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let v = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the stored value")?;
    let m = p.parse_operand()?;
    let (ty, elem, indices) = parse_subscripts(p, state)?;
    state.operands = vec![p.resolve_operand(&v, elem)?, p.resolve_operand(&m, ty)?];
    state.operands.extend(indices);
    Ok(())
}

/// ` %m[subscripts] {attrs} : type`.
fn print_access(
    p: &mut OpPrinter<'_>,
    op: OpId,
    memref: Value,
    map: &AffineMap,
    indices: &[Value],
) {
    let ctx = p.ctx();
    p.print_operand(memref);
    p.print_str("[");
    p.print_affine_map_of_ssa_ids(map, indices);
    p.print_str("]");
    p.print_attr_dict_except(op, &["map"]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(memref));
}

fn print_load(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = LoadOp::view(ctx, op).ok_or(fmt::Error)?;
    let elem = memref_parts(ctx, ctx.value_type(v.memref)).map(|m| m.elem);
    if v.map.num_inputs() != v.indices.len()
        || elem != Some(ctx.value_type(v.result))
        || !all_index(ctx, v.indices)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    print_access(p, op, v.memref, v.map, v.indices);
    Ok(())
}

fn print_store(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = StoreOp::view(ctx, op).ok_or(fmt::Error)?;
    let elem = memref_parts(ctx, ctx.value_type(v.memref)).map(|m| m.elem);
    if v.map.num_inputs() != v.indices.len()
        || elem != Some(ctx.value_type(v.value))
        || !all_index(ctx, v.indices)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.value);
    p.print_str(", ");
    print_access(p, op, v.memref, v.map, v.indices);
    Ok(())
}

// ----- affine.apply / min / max -----------------------------------------------

fn verify_apply_like(ctx: &Context, op: OpId) -> Result<&AffineMap, Diagnostic> {
    let data = ctx.op(op);
    let [result] = data.results[..] else {
        return Err(op_error(ctx, op, "expects one result"));
    };
    if !is_index(ctx, ctx.value_type(result)) {
        return Err(op_error(ctx, op, "result #0 must be index"));
    }
    check_indices(ctx, op, &data.operands, "operands")?;
    let Some(map) = map_attr(ctx, op, "map") else {
        return Err(op_error(ctx, op, "requires an affine map attribute 'map'"));
    };
    map.validate()
        .map_err(|m| op_error(ctx, op, format!("'map' is malformed: {m}")))?;
    if map.num_inputs() != data.operands.len() {
        return Err(op_error(
            ctx,
            op,
            "operand count and affine map dimension and symbol count must match",
        ));
    }
    Ok(map)
}

fn verify_apply(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let map = verify_apply_like(ctx, op)?;
    if map.results.len() != 1 {
        return Err(op_error(ctx, op, "mapping must produce one value"));
    }
    Ok(())
}

fn verify_min_max(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let map = verify_apply_like(ctx, op)?;
    if map.results.is_empty() {
        return Err(op_error(ctx, op, "affine map expect at least one result"));
    }
    let num_dims = map.num_dims as usize;
    verify_dims_and_symbols(ctx, op, &ctx.op(op).operands, num_dims)
}

/// `map(dims)[syms] {attrs}`; the result is an `index`.
fn parse_apply(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let (a, operands) = parse_map_and_operands(p, "the operation")?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let index = p.ctx().index_type();
    state.operands = p.resolve_operands_same_type(&operands, index)?;
    state.result_types = vec![index];
    set_attr(p.ctx(), state, "map", a);
    Ok(())
}

fn print_apply(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = ApplyOp::view(ctx, op).ok_or(fmt::Error)?;
    if v.map.num_inputs() != v.operands.len()
        || !is_index(ctx, ctx.value_type(v.result))
        || !all_index(ctx, v.operands)
    {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_attribute(ctx.attr(op, "map").ok_or(fmt::Error)?);
    print_dim_and_symbol_list(p, v.operands, v.map.num_dims as usize);
    p.print_attr_dict_except(op, &["map"]);
    Ok(())
}

// ----- affine.yield -----------------------------------------------------------

fn verify_yield(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let parent = ctx.parent_op(op).filter(|&p| {
        ctx.op_is(p, "affine.for") || ctx.op_is(p, "affine.if") || ctx.op_is(p, "affine.parallel")
    });
    let Some(parent) = parent else {
        return Err(op_error(
            ctx,
            op,
            "only terminates affine.if/for/parallel regions",
        ));
    };
    let results = &ctx.op(parent).results;
    let operands = &ctx.op(op).operands;
    if results.len() != operands.len() {
        return Err(op_error(
            ctx,
            op,
            "parent of yield must have same number of results as the yield operands",
        ));
    }
    if results
        .iter()
        .zip(operands)
        .any(|(&r, &o)| ctx.value_type(r) != ctx.value_type(o))
    {
        return Err(op_error(
            ctx,
            op,
            "types mismatch between yield op and its parent",
        ));
    }
    Ok(())
}
