//! `affine-vectorize`: turns innermost `affine.for` loops into loops over
//! `vector` values of `W` lanes, one vector iteration doing the work of
//! `W` consecutive scalar iterations.
//!
//! A loop is vectorized when it has step 1 and its body, besides
//! `affine.yield`, holds only
//!
//! - `affine.load`/`affine.store` whose last subscript is the induction
//!   variable plus something the loop does not change, and whose other
//!   subscripts do not use it (a contiguous run of elements of an
//!   identity-layout memref): they become `vector.load`/`vector.store`;
//! - `affine.load`s that do not use the induction variable at all: they
//!   stay scalar (moved before the loop, with the other invariant ops,
//!   when the trip count is constant, so the loop surely runs), and their
//!   value is broadcast (`vector.broadcast`) where a vector op uses it;
//! - `arith` and `math` ops, which apply element-wise to vectors (`cmpf`
//!   and `cmpi` give `vector<Wxi1>`, `select` takes it); ops whose
//!   operands do not change in the loop stay scalar; scalar constants a
//!   vector op uses become splat vector constants, other scalars from
//!   outside the loop are broadcast once before it;
//! - `affine.apply`/`affine.min`/`affine.max` computing subscripts;
//! - reductions: a loop-carried value used only by one combining op
//!   (`addf mulf maximumf minimumf maxnumf minnumf addi muli andi ori xori
//!   maxsi minsi maxui minui`) whose result is only yielded back. The
//!   vector loop carries a vector accumulator, started at the kind's
//!   identity, and one `vector.reduction` after it folds the lanes into
//!   the original initial value.
//!
//! and no iteration may touch a memory element another iteration writes
//! ([`loop_carries_memory_dependence`]). Anything else leaves the loop
//! alone: other ops (calls, allocations, `memref.load`), nested regions,
//! strided or transposed accesses, the induction variable used as a value,
//! loops already holding vector values (the matmul micro-kernel's), and
//! loops of fewer than `W` iterations. [`vectorize_loop`] says why
//! ([`Refusal`]).
//!
//! **Width.** `vector-size=N` forces `W = N`; by default (`0`) `W` is
//! `vector-bits` (256, AVX2) divided by the widest element type the
//! vectorized values have: 8 lanes of `f32`, 4 of `f64`.
//!
//! **Trip counts.** The vector loop runs from the lower bound up to the
//! last multiple of `W` iterations (`lb + tc - tc mod W`); the original
//! loop, which keeps the scalar body, is left to run the remaining
//! `tc mod W` iterations and is promoted to straight-line code when one
//! remains, or removed when none does. A scalar remainder is the cheapest
//! correct form: it needs no masks (masked lanes would still compute
//! integer divisions, say) and runs at most `W - 1` times. With a trip
//! count only known at run time, the split point is the affine expression
//! of the bounds, and the remainder starts at `max(split, lb)`, so a loop
//! of no iteration stays one.
//!
//! **Reassociation.** Reducing in `W` lanes changes the order of the
//! combining steps. That is exact for integers and the float min/max
//! kinds, but not for float `add` and `mul`: those reductions are
//! vectorized only with `reassociate-fp=true`, the default (the
//! project's reduction tolerance is 1e-4 relative, and upstream MLIR takes
//! the same liberty under fast-math); their `vector.reduction` carries
//! `fastmath<reassoc>`.
//!
//! Statistics: `num-vectorized`, `num-reductions`, `num-remainder-loops`.

use std::collections::HashMap;
use std::fmt;

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::{Builder, InsertPoint, OperationState, ValueMap, clone_op};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::syntax::dense::{DenseScalar, make_dense};
use tessera_compiler::{AttrData, Context, OpId, OpTraits, Type, TypeData, Value};
use tessera_dialects::affine::{ApplyOp, Bound, ForOp, LoadOp, StoreOp, build_for, build_yield};
use tessera_dialects::arith::{ArithOp, FastMathFlags};
use tessera_dialects::math::MathOp;
use tessera_dialects::vector::CombiningKind;
use tessera_dialects::vector::views::{build_broadcast, build_load, build_store};

use super::deps::{ValueTable, loop_carries_memory_dependence, split_linear};
use super::loops::{
    BoundMap, LoopBounds, constant_trip_count, innermost_loops, promote_if_single_iteration,
    set_bounds, trip_count_expr,
};
use super::util::defined_outside;

/// How [`vectorize_loop`] picks the width and what it may reorder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorizeOptions {
    /// Lanes per vector; 0 derives it from `vector_bits`.
    pub vector_size: i64,
    /// The target's vector register width in bits (256 for AVX2).
    pub vector_bits: i64,
    /// Whether float `add`/`mul` reductions may be reassociated.
    pub reassociate_fp: bool,
}

impl Default for VectorizeOptions {
    fn default() -> Self {
        VectorizeOptions {
            vector_size: 0,
            vector_bits: 256,
            reassociate_fp: true,
        }
    }
}

/// Why a loop was left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a well-formed `affine.for`.
    NotALoop,
    /// The step is not 1.
    NonUnitStep,
    /// The body holds an op with regions (an inner loop, an `affine.if`).
    NestedRegion,
    /// The body already works on vector values.
    AlreadyVector,
    /// An op without a vector form, or with unknown memory effects.
    UnsupportedOp(String),
    /// A value of a type that cannot be a vector lane (`index`, ...).
    UnsupportedType,
    /// An access that is not a contiguous run along the induction
    /// variable, nor independent of it.
    NonContiguousAccess,
    /// A store to one address in every iteration.
    InvariantStore,
    /// The induction variable used other than in subscripts.
    InductionVariableAsValue,
    /// A loop-carried value that is not a reduction of a known kind.
    UnsupportedIterArg,
    /// A float `add`/`mul` reduction with `reassociate-fp=false`.
    FloatReassociation,
    /// Iterations may touch a memory element another one writes.
    MemoryDependence,
    /// Nothing would become a vector.
    NothingToVectorize,
    /// Fewer iterations than lanes.
    TooFewIterations,
    /// The trip count is not constant and a bound has several results.
    MultiResultBound,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotALoop => write!(f, "not an affine.for"),
            Refusal::NonUnitStep => write!(f, "the step is not 1"),
            Refusal::NestedRegion => write!(f, "the body holds an op with regions"),
            Refusal::AlreadyVector => write!(f, "the body already uses vectors"),
            Refusal::UnsupportedOp(name) => write!(f, "'{name}' has no vector form here"),
            Refusal::UnsupportedType => write!(f, "a value's type cannot be a vector lane"),
            Refusal::NonContiguousAccess => write!(f, "an access is not contiguous"),
            Refusal::InvariantStore => write!(f, "a store writes one address every iteration"),
            Refusal::InductionVariableAsValue => {
                write!(f, "the induction variable is used as a value")
            }
            Refusal::UnsupportedIterArg => write!(f, "a loop-carried value is not a reduction"),
            Refusal::FloatReassociation => {
                write!(f, "a float reduction would be reassociated")
            }
            Refusal::MemoryDependence => write!(f, "iterations depend on each other in memory"),
            Refusal::NothingToVectorize => write!(f, "nothing to vectorize"),
            Refusal::TooFewIterations => write!(f, "fewer iterations than lanes"),
            Refusal::MultiResultBound => {
                write!(
                    f,
                    "the trip count is not constant and a bound has several results"
                )
            }
        }
    }
}

/// What [`vectorize_loop`] made.
#[derive(Clone, Debug)]
pub struct Vectorized {
    /// The vector loop (before where the original loop was), unless it
    /// ran once and was replaced by its body.
    pub vector_loop: Option<OpId>,
    /// Lanes per vector.
    pub width: i64,
    /// The original loop, now running the remaining iterations, if it
    /// still is a loop (it is removed when no iteration remains and
    /// replaced by its body when one does).
    pub remainder: Option<OpId>,
    /// How many loop-carried values became vector reductions.
    pub reductions: usize,
}

/// The `affine-vectorize` pass; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct AffineVectorize {
    /// The options.
    pub options: VectorizeOptions,
}

/// The registry entry of `affine-vectorize`.
pub fn vectorize_info() -> PassInfo {
    PassInfo {
        name: "affine-vectorize",
        summary: "Vectorize innermost affine loops",
        description: "Rewrites each innermost `affine.for` of step 1 whose body is \
            element-wise (`arith`/`math` ops, loads and stores contiguous along the \
            induction variable or independent of it) or reduces into loop-carried values \
            (`addf`, `maximumf`, `addi`, ...) into a loop over `vector<Wx..>` values: \
            `vector.load`/`vector.store`, scalars broadcast, vector accumulators folded by \
            `vector.reduction` after the loop. The original loop runs the `tc mod W` \
            remaining iterations. `W` is `vector-size`, or `vector-bits` over the widest \
            element type (8 x f32 on AVX2). Loops with other ops, strided accesses, memory \
            dependences between iterations, vector ops already, or fewer than `W` \
            iterations are left alone. Float add/mul reductions are reassociated only with \
            `reassociate-fp` (default true).\n\nStatistics: `num-vectorized`, \
            `num-reductions`, `num-remainder-loops`.",
        anchor: Some("func.func"),
        options: vec![
            PassOptionInfo {
                name: "vector-size",
                kind: OptionKind::Int,
                default: "0",
                help: "Lanes per vector (0: vector-bits divided by the widest element width)",
            },
            PassOptionInfo {
                name: "vector-bits",
                kind: OptionKind::Int,
                default: "256",
                help: "The target's vector register width in bits (256: AVX2)",
            },
            PassOptionInfo {
                name: "reassociate-fp",
                kind: OptionKind::Bool,
                default: "true",
                help: "Allow float add/mul reductions to be reassociated across lanes",
            },
        ],
        create: create_vectorize,
    }
}

fn create_vectorize(o: &PassOptions) -> Result<Box<dyn Pass>, String> {
    let vector_size = o.int("vector-size");
    if vector_size < 0 || vector_size == 1 {
        return Err(format!(
            "vector-size must be 0 (from vector-bits) or at least 2, got {vector_size}"
        ));
    }
    let vector_bits = o.int("vector-bits");
    if vector_bits < 16 {
        return Err(format!(
            "vector-bits must be at least 16, got {vector_bits}"
        ));
    }
    Ok(Box::new(AffineVectorize {
        options: VectorizeOptions {
            vector_size,
            vector_bits,
            reassociate_fp: o.bool("reassociate-fp"),
        },
    }))
}

impl Pass for AffineVectorize {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let (mut loops, mut reductions, mut remainders) = (0, 0, 0);
        for lp in innermost_loops(ctx, func) {
            if let Ok(v) = vectorize_loop(ctx, lp, &self.options) {
                loops += 1;
                reductions += v.reductions as u64;
                remainders += u64::from(v.remainder.is_some());
            }
        }
        state.count("num-vectorized", loops);
        state.count("num-reductions", reductions);
        state.count("num-remainder-loops", remainders);
        Ok(())
    }
}

/// Vectorizes the `affine.for` `op` as the [module docs](self) say, or
/// says why not (then the IR is unchanged).
pub fn vectorize_loop(
    ctx: &mut Context,
    op: OpId,
    options: &VectorizeOptions,
) -> Result<Vectorized, Refusal> {
    let plan = analyze(ctx, op, options)?;
    Ok(rewrite(ctx, op, &plan))
}

// ----- analysis ---------------------------------------------------------------------

/// Whether a value changes across iterations, and how it is rewritten.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Kind {
    /// The same in every iteration: stays scalar.
    Uniform,
    /// An `index` depending on the induction variable: only a subscript.
    Subscript,
    /// One value per iteration: becomes a vector.
    Vector,
}

/// How one op of the body is rewritten.
#[derive(Clone, Debug)]
enum Action {
    /// Copied unchanged (uniform values and subscripts).
    Clone,
    /// A contiguous `affine.load`: a `vector.load`.
    Load,
    /// A contiguous `affine.store`: a `vector.store`.
    Store,
    /// An element-wise op on vectors (a reduction's combining op too).
    Elementwise,
}

/// One reduction: loop-carried value `index` combined by `kind`.
#[derive(Clone, Debug)]
struct ReductionPlan {
    index: usize,
    kind: CombiningKind,
    elem: Type,
}

/// The result of the analysis: what to do with each op.
#[derive(Clone, Debug)]
struct Plan {
    actions: Vec<(OpId, Action)>,
    reductions: Vec<ReductionPlan>,
    width: i64,
    /// Bounds and the constant trip count, if known.
    bounds: LoopBounds,
    trip_count: Option<i64>,
}

/// The combining kind of a reduction step `name`, and whether it is a
/// float `add`/`mul` (which reassociation changes).
fn combining_kind(name: &str) -> Option<(CombiningKind, bool)> {
    use CombiningKind::*;
    Some(match name {
        "arith.addf" => (Add, true),
        "arith.mulf" => (Mul, true),
        "arith.addi" => (Add, false),
        "arith.muli" => (Mul, false),
        "arith.maximumf" => (MaximumF, false),
        "arith.minimumf" => (MinimumF, false),
        "arith.maxnumf" => (MaxNumF, false),
        "arith.minnumf" => (MinNumF, false),
        "arith.andi" => (And, false),
        "arith.ori" => (Or, false),
        "arith.xori" => (Xor, false),
        "arith.maxsi" => (MaxSI, false),
        "arith.minsi" => (MinSI, false),
        "arith.maxui" => (MaxUI, false),
        "arith.minui" => (MinUI, false),
        _ => return None,
    })
}

/// The bit width of a type that can be a vector lane: integers up to 64
/// bits and floats (`index` cannot: its width is the target's).
fn lane_bits(ctx: &Context, ty: Type) -> Option<u32> {
    match ctx.type_data(ty) {
        TypeData::Integer { width, .. } if *width <= 64 => Some(*width),
        TypeData::Float(k) => Some(k.width()),
        _ => None,
    }
}

/// Whether `op`'s name says it already works on vectors, or one of its
/// values is a vector.
fn uses_vectors(ctx: &Context, op: OpId) -> bool {
    let data = ctx.op(op);
    ctx.op_name_of(op).starts_with("vector.")
        || data
            .results
            .iter()
            .chain(&data.operands)
            .any(|&v| matches!(ctx.type_data(ctx.value_type(v)), TypeData::Vector { .. }))
}

/// The analysis state over one loop.
struct Analysis<'a> {
    ctx: &'a Context,
    lp: OpId,
    iv: Value,
    /// The induction variable's dimension in `table`.
    var: u32,
    table: ValueTable,
    kinds: HashMap<Value, Kind>,
    /// Bit widths of the lanes of the vectors made.
    lane_widths: Vec<u32>,
}

impl Analysis<'_> {
    /// The kind of an operand: values from outside the loop are uniform.
    fn kind(&self, v: Value) -> Kind {
        if v == self.iv {
            return Kind::Subscript;
        }
        match self.kinds.get(&v) {
            Some(&k) => k,
            None if defined_outside(self.ctx, v, self.lp) => Kind::Uniform,
            // Loop-carried values are classified before the body.
            None => Kind::Vector,
        }
    }

    /// Whether `e`, over the table's base values, uses only uniform ones.
    fn uniform_expr(&self, e: &AffineExpr) -> bool {
        self.table
            .values
            .iter()
            .enumerate()
            .all(|(k, &v)| !e.uses_dim(k as u32) || self.kind(v) == Kind::Uniform)
    }

    /// Classifies an access with `map` over `indices` to `memref`:
    /// `Ok(true)` contiguous along the induction variable, `Ok(false)` the
    /// same element in every iteration.
    fn access(
        &mut self,
        memref: Value,
        map: &AffineMap,
        indices: &[Value],
    ) -> Result<bool, Refusal> {
        let ctx = self.ctx;
        let subs: Vec<AffineExpr> = map
            .results
            .iter()
            .map(|e| self.table.resolve_map_result(ctx, e, map.num_dims, indices))
            .collect();
        if subs.iter().all(|e| self.uniform_expr(e)) {
            return Ok(false);
        }
        let Some((last, outer)) = subs.split_last() else {
            return Err(Refusal::NonContiguousAccess);
        };
        let contiguous = outer.iter().all(|e| self.uniform_expr(e))
            && split_linear(last, self.var)
                .is_some_and(|(c, rest)| c == 1 && self.uniform_expr(&rest));
        let identity_layout = matches!(
            ctx.type_data(ctx.value_type(memref)),
            TypeData::MemRef { layout: None, .. }
        );
        // A `vector<Nxi1>` in memory is packed bits in upstream MLIR's LLVM
        // lowering but one byte per element in a `memref<..xi1>`: a
        // contiguous i1 access stays scalar.
        let bool_elems = ctx
            .elem_of(ctx.value_type(memref))
            .is_some_and(|e| matches!(ctx.type_data(e), TypeData::Integer { width: 1, .. }));
        if contiguous && bool_elems {
            return Err(Refusal::UnsupportedType);
        }
        if contiguous && identity_layout {
            Ok(true)
        } else {
            Err(Refusal::NonContiguousAccess)
        }
    }

    /// Records that `v` becomes a vector.
    fn vector(&mut self, v: Value) -> Result<(), Refusal> {
        let bits = lane_bits(self.ctx, self.ctx.value_type(v)).ok_or(Refusal::UnsupportedType)?;
        self.lane_widths.push(bits);
        self.kinds.insert(v, Kind::Vector);
        Ok(())
    }

    /// Records the results of `op` as of kind `k`.
    fn set_results(&mut self, op: OpId, k: Kind) {
        for &r in &self.ctx.op(op).results {
            self.kinds.insert(r, k);
        }
    }

    /// Decides what to do with `op`, a body op other than the terminator.
    fn classify(&mut self, op: OpId) -> Result<Action, Refusal> {
        let ctx = self.ctx;
        if let Some(l) = LoadOp::view(ctx, op) {
            let (memref, map, indices, result) =
                (l.memref, l.map.clone(), l.indices.to_vec(), l.result);
            return if self.access(memref, &map, &indices)? {
                self.vector(result)?;
                Ok(Action::Load)
            } else {
                self.kinds.insert(result, Kind::Uniform);
                Ok(Action::Clone)
            };
        }
        if let Some(s) = StoreOp::view(ctx, op) {
            let (value, memref, map, indices) =
                (s.value, s.memref, s.map.clone(), s.indices.to_vec());
            if self.kind(value) == Kind::Subscript {
                return Err(Refusal::InductionVariableAsValue);
            }
            if !self.access(memref, &map, &indices)? {
                return Err(Refusal::InvariantStore);
            }
            let bits = lane_bits(ctx, ctx.value_type(value)).ok_or(Refusal::UnsupportedType)?;
            self.lane_widths.push(bits);
            return Ok(Action::Store);
        }
        let operand_kinds: Vec<Kind> = ctx.op(op).operands.iter().map(|&v| self.kind(v)).collect();
        if ApplyOp::view(ctx, op).is_some() {
            let k = if operand_kinds.contains(&Kind::Subscript) {
                Kind::Subscript
            } else {
                Kind::Uniform
            };
            self.set_results(op, k);
            return Ok(Action::Clone);
        }
        let name = ctx.op_name_of(op);
        if operand_kinds.contains(&Kind::Subscript) {
            return Err(Refusal::InductionVariableAsValue);
        }
        let elementwise = ArithOp::from_name(name).is_some_and(|a| a != ArithOp::Constant)
            || MathOp::from_name(name).is_some();
        if !operand_kinds.contains(&Kind::Vector) {
            // Computes the same in every iteration: stays scalar.
            if ctx.op_has_traits(op, OpTraits::PURE) {
                self.set_results(op, Kind::Uniform);
                return Ok(Action::Clone);
            }
            return Err(Refusal::UnsupportedOp(name.to_string()));
        }
        if !elementwise || ctx.op(op).results.len() != 1 {
            return Err(Refusal::UnsupportedOp(name.to_string()));
        }
        for &v in &ctx.op(op).operands {
            let bits = lane_bits(ctx, ctx.value_type(v)).ok_or(Refusal::UnsupportedType)?;
            self.lane_widths.push(bits);
        }
        self.vector(ctx.op(op).results[0])?;
        Ok(Action::Elementwise)
    }
}

/// Checks that loop-carried value `index` is a reduction: used only by
/// one combining op, whose result is only yielded back at `index`.
fn reduction_of(
    ctx: &Context,
    lp: &ForOp<'_>,
    yield_op: OpId,
    index: usize,
    options: &VectorizeOptions,
) -> Result<ReductionPlan, Refusal> {
    let arg = lp.iter_args[index];
    let [u] = ctx.uses(arg) else {
        return Err(Refusal::UnsupportedIterArg);
    };
    let step = u.op;
    let (kind, reassociates) =
        combining_kind(ctx.op_name_of(step)).ok_or(Refusal::UnsupportedIterArg)?;
    let data = ctx.op(step);
    let elem = ctx.value_type(arg);
    if data.operands.len() != 2
        || data.operands[0] == data.operands[1]
        || data.results.len() != 1
        || ctx.value_block(arg) != data.parent
        || !kind.supports(ctx, elem)
        || lane_bits(ctx, elem).is_none()
    {
        return Err(Refusal::UnsupportedIterArg);
    }
    let result = data.results[0];
    let only_yielded =
        matches!(ctx.uses(result), [y] if y.op == yield_op && y.index as usize == index);
    if !only_yielded {
        return Err(Refusal::UnsupportedIterArg);
    }
    if reassociates && !options.reassociate_fp {
        return Err(Refusal::FloatReassociation);
    }
    Ok(ReductionPlan { index, kind, elem })
}

/// Decides whether and how the loop `op` is vectorized.
fn analyze(ctx: &Context, op: OpId, options: &VectorizeOptions) -> Result<Plan, Refusal> {
    let lp = ForOp::view(ctx, op).ok_or(Refusal::NotALoop)?;
    if lp.step != 1 {
        return Err(Refusal::NonUnitStep);
    }
    let yield_op = lp.yield_op(ctx).ok_or(Refusal::NotALoop)?;
    let body: Vec<OpId> = ctx
        .block_ops_vec(lp.body)
        .into_iter()
        .filter(|&o| o != yield_op)
        .collect();
    for &o in &body {
        if !ctx.op(o).regions.is_empty() {
            return Err(Refusal::NestedRegion);
        }
        if uses_vectors(ctx, o) {
            return Err(Refusal::AlreadyVector);
        }
    }
    let mut reductions = Vec::new();
    for index in 0..lp.iter_args.len() {
        reductions.push(reduction_of(ctx, &lp, yield_op, index, options)?);
    }
    let mut table = ValueTable::default();
    let AffineExpr::Dim(var) = table.dim(lp.induction_var) else {
        return Err(Refusal::NotALoop);
    };
    let mut a = Analysis {
        ctx,
        lp: op,
        iv: lp.induction_var,
        var,
        table,
        kinds: HashMap::new(),
        lane_widths: Vec::new(),
    };
    for r in &reductions {
        a.vector(lp.iter_args[r.index])?;
    }
    let mut actions = Vec::with_capacity(body.len());
    for &o in &body {
        let action = a.classify(o)?;
        actions.push((o, action));
    }
    // Last, as it is the costliest check (and says least about why).
    if loop_carries_memory_dependence(ctx, op, lp.induction_var) {
        return Err(Refusal::MemoryDependence);
    }
    let widest = a
        .lane_widths
        .iter()
        .copied()
        .max()
        .ok_or(Refusal::NothingToVectorize)?;
    let width = if options.vector_size > 0 {
        options.vector_size
    } else {
        // `i1` lanes are stored as bytes.
        (options.vector_bits / i64::from(widest.max(8))).max(1)
    };
    if width < 2 {
        return Err(Refusal::NothingToVectorize);
    }
    let bounds = LoopBounds::of(ctx, op).ok_or(Refusal::NotALoop)?;
    let trip_count = constant_trip_count(&bounds);
    match trip_count {
        Some(tc) if tc < width => return Err(Refusal::TooFewIterations),
        None if trip_count_expr(&bounds).is_none() => return Err(Refusal::MultiResultBound),
        _ => {}
    }
    Ok(Plan {
        actions,
        reductions,
        width,
        bounds,
        trip_count,
    })
}

// ----- rewriting --------------------------------------------------------------------

/// Where the vector loop stops (`lb + tc - tc mod W`) and where the
/// scalar remainder starts.
fn split_bounds(bounds: &LoopBounds, tc: Option<i64>, width: i64) -> (BoundMap, BoundMap) {
    if let Some(tc) = tc {
        let whole = tc - tc % width;
        if let Some(lbs) = bounds.lower.map.constant_results()
            && let Some(&lb) = lbs.iter().max()
        {
            let split = BoundMap::constant(lb + whole);
            return (split.clone(), split);
        }
        let lower = &bounds.lower;
        let split = BoundMap {
            map: AffineMap::new(
                lower.map.num_dims,
                lower.map.num_symbols,
                vec![lower.map.results[0].clone() + whole],
            ),
            operands: lower.operands.clone(),
        };
        return (split.clone(), split);
    }
    let (count, mut merged) = trip_count_expr(bounds).expect("checked by the analysis");
    let lb = merged
        .add(&bounds.lower.map, &bounds.lower.operands)
        .remove(0);
    let split_expr = lb.clone() + (count.clone() - count.modulo(width));
    let split = merged.bound(vec![split_expr.clone()]);
    // With no iteration the split falls below the lower bound.
    let remainder = merged.bound(vec![split_expr, lb]);
    (split, remainder)
}

/// The identity of `kind` on `elem`, as a dense element.
fn identity(ctx: &Context, kind: CombiningKind, elem: Type) -> DenseScalar {
    use CombiningKind::*;
    let width = lane_bits(ctx, elem).unwrap_or(64);
    let smax = (1i128 << (width - 1)) - 1;
    match kind {
        Add if ctx.is_float(elem) => DenseScalar::Float(-0.0),
        Add | Or | Xor | MaxUI => DenseScalar::Int(0),
        Mul if ctx.is_float(elem) => DenseScalar::Float(1.0),
        Mul => DenseScalar::Int(1),
        And | MinUI => DenseScalar::Int(-1),
        MaxSI => DenseScalar::Int(-smax - 1),
        MinSI => DenseScalar::Int(smax),
        MaximumF => DenseScalar::Float(f64::NEG_INFINITY),
        MinimumF => DenseScalar::Float(f64::INFINITY),
        // maxnum/minnum return the other operand when one is NaN.
        MaxNumF | MinNumF => DenseScalar::Float(f64::NAN),
    }
}

/// Builds `arith.constant dense<value> : ty` before `anchor`.
fn splat_constant(ctx: &mut Context, ty: Type, value: DenseScalar, anchor: OpId) -> Value {
    let dense = make_dense(ctx, ty, &[value]).expect("a vector of a dense element type");
    let a = ctx.intern_attr(AttrData::DenseElements(dense));
    let loc = ctx.op(anchor).loc;
    Builder::new(ctx, InsertPoint::Before(anchor)).create_value(
        "arith.constant",
        &[],
        ty,
        &[("value", a)],
        loc,
    )
}

/// The value of a scalar constant op, as a dense element.
fn scalar_constant(ctx: &Context, v: Value) -> Option<DenseScalar> {
    let op = ctx.defining_op(v)?;
    if !ctx.op_is(op, "arith.constant") {
        return None;
    }
    match ctx.attr_data_of(op, "value")? {
        AttrData::Float { bits, .. } => Some(DenseScalar::Float(f64::from_bits(*bits))),
        AttrData::Integer { value, .. } => Some(DenseScalar::Int(*value)),
        AttrData::Bool(b) => Some(DenseScalar::Int(i128::from(*b))),
        _ => None,
    }
}

/// The state of writing the vector body.
struct Emitter {
    width: i64,
    /// Whether the vector loop runs at least once.
    surely_runs: bool,
    vloop: OpId,
    body: tessera_compiler::BlockId,
    /// Scalar values of the old body to the new one.
    scalars: ValueMap,
    /// Values of the old body to their vectors.
    vectors: HashMap<Value, Value>,
    /// Broadcasts made, by scalar (new-body) value.
    broadcasts: HashMap<Value, Value>,
}

impl Emitter {
    /// `vector<W x ty>`.
    fn vector_type(&self, ctx: &mut Context, ty: Type) -> Type {
        ctx.vector_type(&[self.width], ty)
    }

    /// The vector standing for old value `v`: its vector form, or the
    /// broadcast of its (uniform) scalar.
    fn vector_of(&mut self, ctx: &mut Context, v: Value) -> Value {
        if let Some(&x) = self.vectors.get(&v) {
            return x;
        }
        let s = self.scalars.lookup_or_self(v);
        if let Some(&x) = self.broadcasts.get(&s) {
            return x;
        }
        let ty = self.vector_type(ctx, ctx.value_type(s));
        let x = if defined_outside(ctx, s, self.vloop) {
            // Once, before the loop: constants as splat constants.
            match scalar_constant(ctx, s) {
                Some(c) => splat_constant(ctx, ty, c, self.vloop),
                None => {
                    let loc = ctx.op(self.vloop).loc;
                    let mut b = Builder::new(ctx, InsertPoint::Before(self.vloop));
                    build_broadcast(&mut b, s, ty, loc)
                }
            }
        } else {
            let loc = ctx
                .defining_op(s)
                .map_or(ctx.op(self.vloop).loc, |d| ctx.op(d).loc);
            let mut b = Builder::new(ctx, InsertPoint::End(self.body));
            build_broadcast(&mut b, s, ty, loc)
        };
        self.broadcasts.insert(s, x);
        x
    }

    /// Whether the uniform op `op` (a copy, not yet inserted) may run once
    /// before the vector loop instead of in every iteration: its operands
    /// come from outside, and the loop surely runs (a constant trip count
    /// of at least one vector), so neither a load out of bounds nor a
    /// division by zero can appear that would not have happened anyway.
    /// No store in the loop writes what an invariant load reads: the
    /// dependence test refused such loops.
    fn hoists(&self, ctx: &Context, op: OpId) -> bool {
        self.surely_runs
            && ctx.op(op).operands.iter().all(|&v| {
                defined_outside(ctx, v, self.vloop) && ctx.value_block(v) != Some(self.body)
            })
    }

    /// The subscripts of an access with `map` over old `indices`, as
    /// values of the new body (an `affine.apply` per compound result).
    fn subscripts(
        &mut self,
        ctx: &mut Context,
        map: &AffineMap,
        indices: &[Value],
        loc: tessera_compiler::Location,
    ) -> Vec<Value> {
        let operands: Vec<Value> = indices
            .iter()
            .map(|&v| self.scalars.lookup_or_self(v))
            .collect();
        let nd = map.num_dims as usize;
        map.results
            .iter()
            .map(|e| match *e {
                AffineExpr::Dim(d) => operands[d as usize],
                AffineExpr::Symbol(s) => operands[nd + s as usize],
                _ => {
                    let m = AffineMap::new(map.num_dims, map.num_symbols, vec![e.clone()]);
                    let mut b = Builder::new(ctx, InsertPoint::End(self.body));
                    tessera_dialects::affine::build_apply(
                        &mut b,
                        tessera_dialects::affine::ApplyKind::Apply,
                        m,
                        &operands,
                        loc,
                    )
                }
            })
            .collect()
    }

    /// Writes the new form of old body op `op`.
    fn emit(&mut self, ctx: &mut Context, op: OpId, action: &Action) {
        let loc = ctx.op(op).loc;
        match action {
            Action::Clone => {
                let c = clone_op(ctx, op, &mut self.scalars);
                if self.hoists(ctx, c) {
                    ctx.insert_op_before(self.vloop, c);
                } else {
                    ctx.append_op(self.body, c);
                }
            }
            Action::Load => {
                let l = LoadOp::view(ctx, op).expect("classified as a load");
                let (memref, map, indices, result) =
                    (l.memref, l.map.clone(), l.indices.to_vec(), l.result);
                let subs = self.subscripts(ctx, &map, &indices, loc);
                let ty = self.vector_type(ctx, ctx.value_type(result));
                let memref = self.scalars.lookup_or_self(memref);
                let mut b = Builder::new(ctx, InsertPoint::End(self.body));
                let v = build_load(&mut b, ty, memref, &subs, loc);
                self.vectors.insert(result, v);
            }
            Action::Store => {
                let s = StoreOp::view(ctx, op).expect("classified as a store");
                let (value, memref, map, indices) =
                    (s.value, s.memref, s.map.clone(), s.indices.to_vec());
                let v = self.vector_of(ctx, value);
                let subs = self.subscripts(ctx, &map, &indices, loc);
                let memref = self.scalars.lookup_or_self(memref);
                let mut b = Builder::new(ctx, InsertPoint::End(self.body));
                build_store(&mut b, v, memref, &subs, loc);
            }
            Action::Elementwise => {
                let data = ctx.op(op).clone();
                let operands: Vec<Value> = data
                    .operands
                    .iter()
                    .map(|&v| self.vector_of(ctx, v))
                    .collect();
                let result = data.results[0];
                let ty = self.vector_type(ctx, ctx.value_type(result));
                let mut state = OperationState::new(data.name, loc)
                    .operands(&operands)
                    .results(&[ty]);
                for (n, a) in data.attrs {
                    state.set_attr(n, a);
                }
                let new = Builder::new(ctx, InsertPoint::End(self.body)).insert(state);
                let v = ctx.op(new).results[0];
                self.vectors.insert(result, v);
            }
        }
    }
}

/// Rewrites the loop `op` by `plan`: the vector loop before it, the
/// reductions after that, and `op` itself left as the remainder.
fn rewrite(ctx: &mut Context, op: OpId, plan: &Plan) -> Vectorized {
    let lp = ForOp::view(ctx, op).expect("analyzed as a loop");
    let (iv, iter_args, inits, old_yield) = (
        lp.induction_var,
        lp.iter_args.to_vec(),
        lp.inits.to_vec(),
        lp.yield_op(ctx).expect("analyzed as a loop"),
    );
    let loc = ctx.op(op).loc;
    let width = plan.width;
    let (split, remainder_lower) = split_bounds(&plan.bounds, plan.trip_count, width);

    // The vector accumulators start at the identity of their kind.
    let mut acc_inits = Vec::with_capacity(plan.reductions.len());
    for r in &plan.reductions {
        let ty = ctx.vector_type(&[width], r.elem);
        let id = identity(ctx, r.kind, r.elem);
        acc_inits.push(splat_constant(ctx, ty, id, op));
    }
    let lower = plan.bounds.lower.clone();
    let built = build_for(
        &mut Builder::new(ctx, InsertPoint::Before(op)),
        Bound::Map(lower.map, lower.operands),
        Bound::Map(split.map.clone(), split.operands.clone()),
        width,
        &acc_inits,
        loc,
    );
    if let Some(y) = ctx.last_op(built.body) {
        ctx.erase_op(y);
    }
    let mut e = Emitter {
        width,
        surely_runs: plan.trip_count.is_some(),
        vloop: built.op,
        body: built.body,
        scalars: ValueMap::new(),
        vectors: HashMap::new(),
        broadcasts: HashMap::new(),
    };
    e.scalars.insert(iv, built.induction_var);
    for (r, &arg) in plan.reductions.iter().zip(&built.iter_args) {
        e.vectors.insert(iter_args[r.index], arg);
    }
    for (o, action) in &plan.actions {
        e.emit(ctx, *o, action);
    }
    let yielded: Vec<Value> = ctx
        .op(old_yield)
        .operands
        .iter()
        .map(|v| e.vectors[v])
        .collect();
    build_yield(
        &mut Builder::new(ctx, InsertPoint::End(built.body)),
        &yielded,
        loc,
    );

    // Fold the lanes into the original initial values.
    let mut reduced = Vec::with_capacity(plan.reductions.len());
    for (r, &acc) in plan.reductions.iter().zip(&built.results) {
        let float_reassoc =
            ctx.is_float(r.elem) && matches!(r.kind, CombiningKind::Add | CombiningKind::Mul);
        let kind = r.kind.to_attr(ctx);
        let mut attrs = vec![("kind", kind)];
        if float_reassoc {
            attrs.push(("fastmath", FastMathFlags(1).to_attr(ctx)));
        }
        let v = Builder::new(ctx, InsertPoint::Before(op)).create_value(
            "vector.reduction",
            &[acc, inits[r.index]],
            r.elem,
            &attrs,
            loc,
        );
        reduced.push(v);
    }

    // The original loop runs what is left.
    let no_remainder = plan.trip_count.is_some_and(|tc| tc % width == 0);
    let remainder = if no_remainder {
        ctx.replace_op(op, &reduced);
        None
    } else {
        let n_bounds = plan.bounds.lower.operands.len() + plan.bounds.upper.operands.len();
        for (i, &v) in reduced.iter().enumerate() {
            ctx.set_operand(op, n_bounds + i, v);
        }
        set_bounds(ctx, op, &remainder_lower, &plan.bounds.upper);
        (!promote_if_single_iteration(ctx, op)).then_some(op)
    };
    let vector_loop = (!promote_if_single_iteration(ctx, built.op)).then_some(built.op);
    Vectorized {
        vector_loop,
        width,
        remainder,
        reductions: plan.reductions.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_identities_depend_on_kind_and_type() {
        let mut ctx = Context::new();
        let (f32, i8) = (ctx.f32_type(), ctx.int_type(8));
        assert_eq!(
            identity(&ctx, CombiningKind::MaxSI, i8),
            DenseScalar::Int(-128)
        );
        assert_eq!(
            identity(&ctx, CombiningKind::MinSI, i8),
            DenseScalar::Int(127)
        );
        assert_eq!(
            identity(&ctx, CombiningKind::Add, f32),
            DenseScalar::Float(-0.0)
        );
        assert_eq!(
            identity(&ctx, CombiningKind::MaximumF, f32),
            DenseScalar::Float(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn split_points_round_down_to_whole_vectors() {
        let b = LoopBounds {
            lower: BoundMap::constant(3),
            upper: BoundMap::constant(20),
            step: 1,
        };
        let (split, rem) = split_bounds(&b, Some(17), 8);
        assert_eq!(split.as_constant(), Some(19));
        assert_eq!(rem.as_constant(), Some(19));
    }
}
