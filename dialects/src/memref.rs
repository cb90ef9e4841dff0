//! The `memref` dialect: buffers, with MLIR 19's syntax and meaning.
//!
//! A `memref<4x?xf32, layout, space>` value is a reference to a buffer: a
//! shape (`?` sizes are known at run time), an element type, a layout that
//! maps indices to a linear position (none: row-major; `strided<[s0, s1],
//! offset: o>`; or an `affine_map`) and an optional memory space.
//! [`strides_and_offset`] reads a layout as strides and an offset.
//!
//! | op | custom form |
//! |----|-------------|
//! | `memref.alloc` | `%0 = memref.alloc(%d)[%s] {alignment = 64 : i64} : memref<4x?xf32>` |
//! | `memref.alloca` | `%0 = memref.alloca() : memref<4xf32>` (freed when the enclosing function returns) |
//! | `memref.dealloc` | `memref.dealloc %0 : memref<4xf32>` |
//! | `memref.load` | `%v = memref.load %m[%i, %j] : memref<4x4xf32>` |
//! | `memref.store` | `memref.store %v, %m[%i, %j] : memref<4x4xf32>` |
//! | `memref.copy` | `memref.copy %a, %b : memref<4xf32> to memref<4xf32>` |
//! | `memref.global` | `memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>` |
//! | `memref.get_global` | `%w = memref.get_global @w : memref<2xf32>` |
//! | `memref.subview` | `%s = memref.subview %m[0, %i] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>` |
//! | `memref.cast` | `%c = memref.cast %m : memref<4xf32> to memref<?xf32>` |
//!
//! Meaning, as in MLIR: `alloc` (`alloca`) creates a buffer on the heap (the
//! stack) whose `?` sizes are the `(...)` operands, in order; `load` and
//! `store` read and write one element (indices must be in bounds, else the
//! behaviour is undefined); `copy` copies every element of the source into
//! the target (same shape); a `global` is a named buffer, a `constant` one
//! read-only, with an `initial_value` (dense elements of the matching tensor
//! type), `uninitialized`, or none (an external declaration); `get_global`
//! returns a reference to it. `subview` is a view (no copy) of a
//! rectangular part: element `i` of the view is element `offset + i *
//! stride` of the source, per dimension; its result type is the source's
//! layout composed with that, possibly with some size-1 dimensions dropped.
//! `cast` changes static information only (a size to `?`, a layout to a
//! compatible one); at run time it is the same buffer.
//!
//! Ops are read through view structs ([`Alloc`], [`Load`], [`Store`],
//! [`SubView`], ...) and built with the `build_*` functions.

use std::fmt;

use tessera_compiler::ir::{Builder, OperationState};
use tessera_compiler::syntax::{OpParser, OpPrinter, Punct, UnresolvedOperand, attr_str, type_str};
use tessera_compiler::{
    AttrData, Attribute, Context, DYNAMIC, DenseArrayValues, Diagnostic, DialectDef, Location,
    OpDef, OpId, OpSyntax, OpTraits, Type, TypeData, Value,
};

use crate::region_form::{parse_operand_type, print_operand_type};

/// Registers the `memref` dialect.
pub fn register(ctx: &mut Context) {
    let custom = |parse, print| OpSyntax::Custom { parse, print };
    let ops = vec![
        OpDef::new("memref.alloc", "Allocates a buffer on the heap")
            .verify(verify_alloc)
            .syntax(custom(parse_alloc, print_alloc))
            .description(
                "`%0 = memref.alloc(%d0)[%s0] : memref<4x?xf32>`: one `index` operand per `?` \
                 size, then one per symbol of an affine-map layout. Optional `alignment` \
                 (non-negative). `operandSegmentSizes` splits the operands.",
            ),
        OpDef::new("memref.alloca", "Allocates a buffer on the stack")
            .verify(verify_alloc)
            .syntax(custom(parse_alloc, print_alloc))
            .description(
                "As `memref.alloc`, but the buffer lives until the enclosing function returns.",
            ),
        OpDef::new("memref.dealloc", "Frees a buffer made by memref.alloc")
            .verify(verify_dealloc)
            .syntax(custom(parse_operand_type, print_operand_type))
            .description("`memref.dealloc %0 : memref<4xf32>`."),
        OpDef::new("memref.load", "Reads one element of a buffer")
            .verify(verify_load)
            .syntax(custom(parse_load, print_load))
            .description(
                "`%v = memref.load %m[%i, %j] : memref<4x4xf32>`: one `index` per dimension; \
                 the result has the element type. Optional `nontemporal` (bool).",
            ),
        OpDef::new("memref.store", "Writes one element of a buffer")
            .verify(verify_store)
            .syntax(custom(parse_store, print_store))
            .description(
                "`memref.store %v, %m[%i, %j] : memref<4x4xf32>`: the value has the element \
                 type. Optional `nontemporal` (bool).",
            ),
        OpDef::new(
            "memref.copy",
            "Copies every element of one buffer into another",
        )
        .verify(verify_copy)
        .syntax(custom(parse_copy, print_copy))
        .description(
            "`memref.copy %src, %dst : memref<4xf32> to memref<4xf32>`: same element type \
                 and shape.",
        ),
        OpDef::new("memref.global", "A named, module-level buffer")
            .traits(OpTraits::SYMBOL)
            .verify(verify_global)
            .syntax(custom(parse_global, print_global))
            .description(
                "`memref.global \"private\" constant @w : memref<2xf32> = dense<[1.0, 2.0]>`. \
                 Attributes: `sym_name`, `type` (a static memref type), optional \
                 `sym_visibility`, `constant`, `alignment`, and `initial_value`: dense elements \
                 of the matching tensor type, `unit` for `uninitialized`, absent for an \
                 external declaration.",
            ),
        OpDef::new("memref.get_global", "A reference to a memref.global")
            .traits(OpTraits::PURE)
            .verify(verify_get_global)
            .syntax(custom(parse_get_global, print_get_global))
            .description(
                "`%0 = memref.get_global @w : memref<2xf32>`: `name` names a `memref.global` \
                 of the result type.",
            ),
        OpDef::new("memref.subview", "A strided view of part of a buffer")
            .traits(OpTraits::PURE)
            .verify(verify_subview)
            .syntax(custom(parse_subview, print_subview))
            .description(
                "`%s = memref.subview %m[0, %i] [2, 2] [1, 1] : memref<4x4xf32> to \
                 memref<2x2xf32, strided<[4, 1], offset: ?>>`. `static_offsets`, \
                 `static_sizes`, `static_strides` (`array<i64>`, `?` as \
                 -9223372036854775808) with one `index` operand per `?`.",
            ),
        OpDef::new("memref.cast", "Changes a buffer's static type information")
            .traits(OpTraits::PURE)
            .verify(verify_cast)
            .syntax(custom(parse_cast, print_cast))
            .description(
                "`%c = memref.cast %m : memref<4xf32> to memref<?xf32>`: same element type, \
                 rank and memory space; sizes, strides and offsets equal or one side `?`.",
            ),
    ];
    ctx.register_dialect(
        DialectDef::new("memref", "Buffers: allocation, loads, stores, views."),
        ops,
    );
}

// ----- shared helpers (also used by the affine and scf dialects) -------------

/// `'name' op message` at `op`'s location, as MLIR words verifier errors.
pub(crate) fn op_error(ctx: &Context, op: OpId, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(
        ctx.op(op).loc,
        format!("'{}' op {}", ctx.op_name_of(op), msg.into()),
    )
}

/// The name MLIR gives the attribute splitting variadic operand groups.
pub(crate) const SEGMENTS: &str = "operandSegmentSizes";

/// The operand groups of `op` as `operandSegmentSizes` splits them: `n`
/// groups covering every operand.
pub(crate) fn segments(ctx: &Context, op: OpId, n: usize) -> Result<Vec<usize>, Diagnostic> {
    let sizes = match ctx.attr_data_of(op, SEGMENTS) {
        Some(AttrData::DenseArray {
            values: DenseArrayValues::Int(v),
            ..
        }) => v.clone(),
        _ => {
            return Err(op_error(
                ctx,
                op,
                format!("requires dense array attribute '{SEGMENTS}' with {n} elements"),
            ));
        }
    };
    let total = ctx.op(op).operands.len() as i64;
    if sizes.len() != n || sizes.iter().any(|&s| s < 0) || sizes.iter().sum::<i64>() != total {
        return Err(op_error(
            ctx,
            op,
            format!(
                "'{SEGMENTS}' must have {n} non-negative elements summing to the operand count ({total})"
            ),
        ));
    }
    Ok(sizes.into_iter().map(|s| s as usize).collect())
}

/// The operand groups of `op` for printers: `None` when malformed.
pub(crate) fn operand_groups(ctx: &Context, op: OpId, n: usize) -> Option<Vec<&[Value]>> {
    let sizes = segments(ctx, op, n).ok()?;
    let mut rest = &ctx.op(op).operands[..];
    let mut out = Vec::with_capacity(n);
    for s in sizes {
        let (a, b) = rest.split_at(s);
        out.push(a);
        rest = b;
    }
    Some(out)
}

/// The `operandSegmentSizes` attribute for groups of these sizes.
pub(crate) fn segments_attr(ctx: &mut Context, sizes: &[usize]) -> Attribute {
    let elem = ctx.i32_type();
    ctx.intern_attr(AttrData::DenseArray {
        elem,
        values: DenseArrayValues::Int(sizes.iter().map(|&s| s as i64).collect()),
    })
}

/// Sets attribute `name` of `state`.
pub(crate) fn set_attr(ctx: &mut Context, state: &mut OperationState, name: &str, a: Attribute) {
    let sym = ctx.symbol(name);
    state.set_attr(sym, a);
}

/// Whether `ty` is `index`.
pub(crate) fn is_index(ctx: &Context, ty: Type) -> bool {
    matches!(ctx.type_data(ty), TypeData::Index)
}

/// Whether every value in `values` is an `index` (custom forms that leave
/// these types out print generically otherwise).
pub(crate) fn all_index(ctx: &Context, values: &[Value]) -> bool {
    values.iter().all(|&v| is_index(ctx, ctx.value_type(v)))
}

/// Checks that every value in `values` is an `index`; `what` names them.
pub(crate) fn check_indices(
    ctx: &Context,
    op: OpId,
    values: &[Value],
    what: &str,
) -> Result<(), Diagnostic> {
    for &v in values {
        let t = ctx.value_type(v);
        if !is_index(ctx, t) {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "{what} must be of 'index' type, but got '{}'",
                    type_str(ctx, t)
                ),
            ));
        }
    }
    Ok(())
}

/// The parts of a memref type.
#[derive(Copy, Clone, Debug)]
pub struct MemRefParts<'a> {
    /// Sizes, [`DYNAMIC`] for `?`.
    pub shape: &'a [i64],
    /// The element type.
    pub elem: Type,
    /// The layout attribute, if any.
    pub layout: Option<Attribute>,
    /// The memory space attribute, if any.
    pub memory_space: Option<Attribute>,
}

/// The parts of `ty` if it is a memref type.
pub fn memref_parts(ctx: &Context, ty: Type) -> Option<MemRefParts<'_>> {
    match ctx.type_data(ty) {
        TypeData::MemRef {
            shape,
            elem,
            layout,
            memory_space,
        } => Some(MemRefParts {
            shape,
            elem: *elem,
            layout: *layout,
            memory_space: *memory_space,
        }),
        _ => None,
    }
}

/// The parts of the type of `v`, or an error naming `what` it is.
pub(crate) fn memref_operand<'a>(
    ctx: &'a Context,
    op: OpId,
    v: Value,
    what: &str,
) -> Result<MemRefParts<'a>, Diagnostic> {
    let t = ctx.value_type(v);
    memref_parts(ctx, t).ok_or_else(|| {
        op_error(
            ctx,
            op,
            format!("{what} must be a memref, but got '{}'", type_str(ctx, t)),
        )
    })
}

// ----- layouts ----------------------------------------------------------------

/// The strides and offset of a memref type's layout, [`DYNAMIC`] where not
/// known statically: row-major strides for no layout, the numbers of a
/// `strided<[..], offset: ..>` layout, or those of a one-result affine map
/// layout that is a sum of dimensions times constants (symbols make the
/// offset dynamic). `None` for other layouts and non-memref types.
pub fn strides_and_offset(ctx: &Context, ty: Type) -> Option<(Vec<i64>, i64)> {
    let parts = memref_parts(ctx, ty)?;
    let Some(layout) = parts.layout else {
        return Some((row_major_strides(parts.shape), 0));
    };
    match ctx.attr_data(layout) {
        AttrData::Opaque { dialect, body } if dialect == "strided" => {
            let (strides, offset) = parse_strided(body)?;
            (strides.len() == parts.shape.len()).then_some((strides, offset))
        }
        AttrData::AffineMap(map) => {
            if map.num_dims as usize != parts.shape.len() {
                return None;
            }
            if map.is_identity() {
                return Some((row_major_strides(parts.shape), 0));
            }
            if map.results.len() != 1 {
                return None;
            }
            linear_form(&map.results[0], parts.shape.len())
        }
        _ => None,
    }
}

/// Row-major strides of `shape`: dynamic from the innermost `?` outwards.
pub fn row_major_strides(shape: &[i64]) -> Vec<i64> {
    let mut strides = vec![0; shape.len()];
    let mut acc = 1i64;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc = if acc == DYNAMIC || shape[i] == DYNAMIC {
            DYNAMIC
        } else {
            acc.checked_mul(shape[i]).unwrap_or(DYNAMIC)
        };
    }
    strides
}

/// `sum(d_i * c_i) + offset` as (`c`, offset): `None` unless the
/// expression is of that form (a symbolic offset is [`DYNAMIC`]).
fn linear_form(e: &tessera_compiler::affine::AffineExpr, rank: usize) -> Option<(Vec<i64>, i64)> {
    use tessera_compiler::affine::{AffineBinOp, AffineExpr as E};
    fn walk(e: &E, scale: i64, coeffs: &mut [i64], offset: &mut i64) -> Option<()> {
        match e {
            E::Dim(p) => {
                let c = coeffs.get_mut(*p as usize)?;
                *c = c.checked_add(scale)?;
            }
            E::Symbol(_) => *offset = DYNAMIC,
            E::Constant(v) => {
                if *offset != DYNAMIC {
                    *offset = offset.checked_add(v.checked_mul(scale)?)?;
                }
            }
            E::Binary {
                op: AffineBinOp::Add,
                lhs,
                rhs,
            } => {
                walk(lhs, scale, coeffs, offset)?;
                walk(rhs, scale, coeffs, offset)?;
            }
            E::Binary {
                op: AffineBinOp::Mul,
                lhs,
                rhs,
            } => {
                let c = rhs.as_constant()?;
                walk(lhs, scale.checked_mul(c)?, coeffs, offset)?;
            }
            _ => return None,
        }
        Some(())
    }
    let mut coeffs = vec![0; rank];
    let mut offset = 0;
    walk(e, 1, &mut coeffs, &mut offset)?;
    Some((coeffs, offset))
}

/// Reads the body of a `strided` layout, `<[4, 1], offset: ?>`.
fn parse_strided(body: &str) -> Option<(Vec<i64>, i64)> {
    let inner = body.trim().strip_prefix('<')?.strip_suffix('>')?.trim();
    let inner = inner.strip_prefix('[')?;
    let close = inner.find(']')?;
    let num = |s: &str| -> Option<i64> {
        let s = s.trim();
        if s == "?" {
            Some(DYNAMIC)
        } else {
            s.parse().ok()
        }
    };
    let list = inner[..close].trim();
    let strides = if list.is_empty() {
        Vec::new()
    } else {
        list.split(',').map(num).collect::<Option<Vec<_>>>()?
    };
    let rest = inner[close + 1..].trim();
    let offset = if rest.is_empty() {
        0
    } else {
        num(rest
            .strip_prefix(',')?
            .trim()
            .strip_prefix("offset")?
            .trim()
            .strip_prefix(':')?)?
    };
    Some((strides, offset))
}

/// The `strided<[..], offset: ..>` layout attribute, as MLIR prints it
/// (`offset` left out when 0).
pub fn strided_layout(ctx: &mut Context, strides: &[i64], offset: i64) -> Attribute {
    let num = |v: i64| {
        if v == DYNAMIC {
            "?".to_string()
        } else {
            v.to_string()
        }
    };
    let mut body = String::from("<[");
    body.push_str(
        &strides
            .iter()
            .map(|&s| num(s))
            .collect::<Vec<_>>()
            .join(", "),
    );
    body.push(']');
    if offset != 0 {
        body.push_str(", offset: ");
        body.push_str(&num(offset));
    }
    body.push('>');
    ctx.intern_attr(AttrData::Opaque {
        dialect: "strided".to_string(),
        body,
    })
}

/// Whether two static-or-dynamic numbers may be equal at run time.
fn compatible(a: i64, b: i64) -> bool {
    a == b || a == DYNAMIC || b == DYNAMIC
}

// ----- views ------------------------------------------------------------------

/// A `memref.alloc` or `memref.alloca`.
#[derive(Copy, Clone, Debug)]
pub struct Alloc<'a> {
    /// The op.
    pub op: OpId,
    /// The new buffer.
    pub result: Value,
    /// Its memref type.
    pub ty: Type,
    /// The sizes of its `?` dimensions, in order.
    pub dynamic_sizes: &'a [Value],
    /// The symbols of its affine-map layout.
    pub symbols: &'a [Value],
    /// The requested alignment in bytes.
    pub alignment: Option<i64>,
    /// `true` for `memref.alloca`.
    pub on_stack: bool,
}

impl<'a> Alloc<'a> {
    /// Reads a well-formed `memref.alloc` or `memref.alloca`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        let on_stack = ctx.op_is(op, "memref.alloca");
        if !on_stack && !ctx.op_is(op, "memref.alloc") {
            return None;
        }
        let groups = operand_groups(ctx, op, 2)?;
        let result = *ctx.op(op).results.first()?;
        Some(Alloc {
            op,
            result,
            ty: ctx.value_type(result),
            dynamic_sizes: groups[0],
            symbols: groups[1],
            alignment: ctx
                .attr_data_of(op, "alignment")
                .and_then(AttrData::as_int)
                .map(|a| a as i64),
            on_stack,
        })
    }
}

/// A `memref.load`.
#[derive(Copy, Clone, Debug)]
pub struct Load<'a> {
    /// The op.
    pub op: OpId,
    /// The buffer read.
    pub memref: Value,
    /// One index per dimension.
    pub indices: &'a [Value],
    /// The element read.
    pub result: Value,
}

impl<'a> Load<'a> {
    /// Reads a `memref.load`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "memref.load") {
            return None;
        }
        let data = ctx.op(op);
        let (&memref, indices) = data.operands.split_first()?;
        Some(Load {
            op,
            memref,
            indices,
            result: *data.results.first()?,
        })
    }
}

/// A `memref.store`.
#[derive(Copy, Clone, Debug)]
pub struct Store<'a> {
    /// The op.
    pub op: OpId,
    /// The element written.
    pub value: Value,
    /// The buffer written.
    pub memref: Value,
    /// One index per dimension.
    pub indices: &'a [Value],
}

impl<'a> Store<'a> {
    /// Reads a `memref.store`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "memref.store") {
            return None;
        }
        let data = ctx.op(op);
        let [value, memref, indices @ ..] = &data.operands[..] else {
            return None;
        };
        Some(Store {
            op,
            value: *value,
            memref: *memref,
            indices,
        })
    }
}

/// What a `memref.global` starts as.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum GlobalInit {
    /// No `initial_value`: defined elsewhere.
    External,
    /// `= uninitialized`.
    Uninitialized,
    /// `= dense<...>`: dense elements of the matching tensor type.
    Value(Attribute),
}

/// A `memref.global`.
#[derive(Copy, Clone, Debug)]
pub struct Global<'a> {
    /// The op.
    pub op: OpId,
    /// Its symbol name.
    pub name: &'a str,
    /// Its memref type.
    pub ty: Type,
    /// Its initial contents.
    pub init: GlobalInit,
    /// Whether it is read-only.
    pub constant: bool,
    /// The requested alignment in bytes.
    pub alignment: Option<i64>,
}

impl<'a> Global<'a> {
    /// Reads a well-formed `memref.global`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "memref.global") {
            return None;
        }
        let ty = match ctx.attr_data_of(op, "type")? {
            AttrData::Type(t) => *t,
            _ => return None,
        };
        let init = match ctx.attr(op, "initial_value") {
            None => GlobalInit::External,
            Some(a) if matches!(ctx.attr_data(a), AttrData::Unit) => GlobalInit::Uninitialized,
            Some(a) => GlobalInit::Value(a),
        };
        Some(Global {
            op,
            name: ctx.symbol_name(op)?,
            ty,
            init,
            constant: ctx.attr(op, "constant").is_some(),
            alignment: ctx
                .attr_data_of(op, "alignment")
                .and_then(AttrData::as_int)
                .map(|a| a as i64),
        })
    }
}

/// A size, offset or stride: a number known statically, or an SSA value.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum IndexValue {
    /// Known statically.
    Static(i64),
    /// Known at run time.
    Dynamic(Value),
}

/// A `memref.subview`.
#[derive(Clone, Debug)]
pub struct SubView {
    /// The op.
    pub op: OpId,
    /// The viewed buffer.
    pub source: Value,
    /// Per source dimension: where the view starts.
    pub offsets: Vec<IndexValue>,
    /// Per source dimension: how many elements the view has.
    pub sizes: Vec<IndexValue>,
    /// Per source dimension: the step between view elements.
    pub strides: Vec<IndexValue>,
    /// The view.
    pub result: Value,
}

impl SubView {
    /// Reads a well-formed `memref.subview`.
    pub fn view(ctx: &Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "memref.subview") {
            return None;
        }
        let groups = operand_groups(ctx, op, 4)?;
        let source = *groups[0].first()?;
        let mut lists = Vec::with_capacity(3);
        for (name, dynamic) in [
            ("static_offsets", groups[1]),
            ("static_sizes", groups[2]),
            ("static_strides", groups[3]),
        ] {
            lists.push(mixed(ctx.attr_data_of(op, name)?.as_int_array()?, dynamic)?);
        }
        let strides = lists.pop()?;
        let sizes = lists.pop()?;
        let offsets = lists.pop()?;
        Some(SubView {
            op,
            source,
            offsets,
            sizes,
            strides,
            result: *ctx.op(op).results.first()?,
        })
    }
}

/// Static values with [`DYNAMIC`] entries filled from `dynamic`, in order.
fn mixed(statics: &[i64], dynamic: &[Value]) -> Option<Vec<IndexValue>> {
    let mut it = dynamic.iter();
    let out = statics
        .iter()
        .map(|&s| {
            if s == DYNAMIC {
                it.next().map(|&v| IndexValue::Dynamic(v))
            } else {
                Some(IndexValue::Static(s))
            }
        })
        .collect::<Option<Vec<_>>>()?;
    it.next().is_none().then_some(out)
}

// ----- builders ---------------------------------------------------------------

/// Builds `memref.alloc` (or `memref.alloca` if `on_stack`) of `ty` with the
/// sizes of its `?` dimensions; returns the buffer.
pub fn build_alloc(
    b: &mut Builder<'_>,
    ty: Type,
    dynamic_sizes: &[Value],
    on_stack: bool,
    loc: Location,
) -> Value {
    let name = if on_stack {
        "memref.alloca"
    } else {
        "memref.alloc"
    };
    let seg = segments_attr(b.ctx, &[dynamic_sizes.len(), 0]);
    b.create_value(name, dynamic_sizes, ty, &[(SEGMENTS, seg)], loc)
}

/// Builds `memref.dealloc %memref`.
pub fn build_dealloc(b: &mut Builder<'_>, memref: Value, loc: Location) -> OpId {
    b.create("memref.dealloc", &[memref], &[], &[], loc)
}

/// Builds `memref.load %memref[indices]`; returns the element.
pub fn build_load(b: &mut Builder<'_>, memref: Value, indices: &[Value], loc: Location) -> Value {
    let elem = b
        .ctx
        .elem_of(b.ctx.value_type(memref))
        .expect("memref.load of a non-memref value");
    let mut operands = vec![memref];
    operands.extend_from_slice(indices);
    b.create_value("memref.load", &operands, elem, &[], loc)
}

/// Builds `memref.store %value, %memref[indices]`.
pub fn build_store(
    b: &mut Builder<'_>,
    value: Value,
    memref: Value,
    indices: &[Value],
    loc: Location,
) -> OpId {
    let mut operands = vec![value, memref];
    operands.extend_from_slice(indices);
    b.create("memref.store", &operands, &[], &[], loc)
}

/// Builds `memref.copy %source, %target`.
pub fn build_copy(b: &mut Builder<'_>, source: Value, target: Value, loc: Location) -> OpId {
    b.create("memref.copy", &[source, target], &[], &[], loc)
}

/// Builds a private `memref.global @name : ty` with `init`.
pub fn build_global(
    b: &mut Builder<'_>,
    name: &str,
    ty: Type,
    init: GlobalInit,
    constant: bool,
    loc: Location,
) -> OpId {
    let mut attrs = vec![
        ("sym_name", b.ctx.str_attr(name)),
        ("sym_visibility", b.ctx.str_attr("private")),
        ("type", b.ctx.type_attr(ty)),
    ];
    match init {
        GlobalInit::External => {}
        GlobalInit::Uninitialized => attrs.push(("initial_value", b.ctx.unit_attr())),
        GlobalInit::Value(a) => attrs.push(("initial_value", a)),
    }
    if constant {
        attrs.push(("constant", b.ctx.unit_attr()));
    }
    b.create("memref.global", &[], &[], &attrs, loc)
}

/// Builds `memref.get_global @name : ty`; returns the buffer.
pub fn build_get_global(b: &mut Builder<'_>, name: &str, ty: Type, loc: Location) -> Value {
    let a = b.ctx.symbol_ref_attr(name);
    b.create_value("memref.get_global", &[], ty, &[("name", a)], loc)
}

/// Builds `memref.cast %source : .. to ty`; returns the result.
pub fn build_cast(b: &mut Builder<'_>, source: Value, ty: Type, loc: Location) -> Value {
    b.create_value("memref.cast", &[source], ty, &[], loc)
}

/// Builds a `memref.subview` of `source` with static offsets, sizes and
/// strides, computing its strided result type; returns the view.
pub fn build_subview(
    b: &mut Builder<'_>,
    source: Value,
    offsets: &[i64],
    sizes: &[i64],
    strides: &[i64],
    loc: Location,
) -> Value {
    let src_ty = b.ctx.value_type(source);
    let ty = subview_type(b.ctx, src_ty, offsets, sizes, strides)
        .expect("memref.subview of a memref with an unknown layout");
    let seg = segments_attr(b.ctx, &[1, 0, 0, 0]);
    let o = b.ctx.i64_array_attr(offsets);
    let s = b.ctx.i64_array_attr(sizes);
    let t = b.ctx.i64_array_attr(strides);
    b.create_value(
        "memref.subview",
        &[source],
        ty,
        &[
            (SEGMENTS, seg),
            ("static_offsets", o),
            ("static_sizes", s),
            ("static_strides", t),
        ],
        loc,
    )
}

/// The (not rank-reduced) result type of a subview of `source` with these
/// static-or-[`DYNAMIC`] offsets, sizes and strides: `None` when the
/// source's layout is not strided.
pub fn subview_type(
    ctx: &mut Context,
    source: Type,
    offsets: &[i64],
    sizes: &[i64],
    strides: &[i64],
) -> Option<Type> {
    let (src_strides, src_offset) = strides_and_offset(ctx, source)?;
    let parts = memref_parts(ctx, source)?;
    let (elem, space) = (parts.elem, parts.memory_space);
    let (new_strides, offset) = subview_layout(&src_strides, src_offset, offsets, strides);
    let layout = strided_layout(ctx, &new_strides, offset);
    Some(ctx.intern_type(TypeData::MemRef {
        shape: sizes.to_vec(),
        elem,
        layout: Some(layout),
        memory_space: space,
    }))
}

/// The strides and offset of a subview, [`DYNAMIC`] where any input is.
fn subview_layout(
    src_strides: &[i64],
    src_offset: i64,
    offsets: &[i64],
    strides: &[i64],
) -> (Vec<i64>, i64) {
    let mul = |a: i64, b: i64| {
        if a == DYNAMIC || b == DYNAMIC {
            DYNAMIC
        } else {
            a.checked_mul(b).unwrap_or(DYNAMIC)
        }
    };
    let add = |a: i64, b: i64| {
        if a == DYNAMIC || b == DYNAMIC {
            DYNAMIC
        } else {
            a.checked_add(b).unwrap_or(DYNAMIC)
        }
    };
    let new_strides = src_strides
        .iter()
        .zip(strides)
        .map(|(&a, &b)| mul(a, b))
        .collect();
    let offset = src_strides
        .iter()
        .zip(offsets)
        .fold(src_offset, |acc, (&s, &o)| add(acc, mul(s, o)));
    (new_strides, offset)
}

// ----- alloc / alloca ---------------------------------------------------------

fn check_alignment(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    // MLIR 19 asks only for a non-negative `i64` here (unlike `memref.global`).
    match ctx.attr_data_of(op, "alignment") {
        None => Ok(()),
        Some(AttrData::Integer { value, ty }) if *value >= 0 && ctx.type_data(*ty).is_integer() => {
            Ok(())
        }
        Some(_) => Err(op_error(
            ctx,
            op,
            "attribute 'alignment' failed to satisfy constraint: 64-bit signless integer \
             attribute whose minimum value is 0",
        )),
    }
}

fn verify_alloc(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let [result] = data.results[..] else {
        return Err(op_error(ctx, op, "expects one result"));
    };
    let ty = ctx.value_type(result);
    let Some(parts) = memref_parts(ctx, ty) else {
        return Err(op_error(
            ctx,
            op,
            format!("result must be a memref, but got '{}'", type_str(ctx, ty)),
        ));
    };
    let seg = segments(ctx, op, 2)?;
    let dynamic = parts.shape.iter().filter(|&&d| d == DYNAMIC).count();
    if seg[0] != dynamic {
        return Err(op_error(
            ctx,
            op,
            format!(
                "dimension operand count does not equal memref dynamic dimension count \
                 ({} vs {dynamic})",
                seg[0]
            ),
        ));
    }
    let symbols = match parts.layout.map(|l| ctx.attr_data(l)) {
        Some(AttrData::AffineMap(m)) => m.num_symbols as usize,
        _ => 0,
    };
    if seg[1] != symbols {
        return Err(op_error(
            ctx,
            op,
            format!(
                "symbol operand count does not equal memref symbol count: expected {symbols}, got {}",
                seg[1]
            ),
        ));
    }
    check_indices(ctx, op, &data.operands, "dimension and symbol operands")?;
    check_alignment(ctx, op)
}

/// `(%d, ..)[%s, ..] {attrs} : type`.
fn parse_alloc(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let sizes = p.parse_paren_operand_list()?;
    let mut syms = Vec::new();
    if p.parse_optional_punct(Punct::LSquare) {
        syms = p.parse_operand_list()?;
        p.parse_punct(Punct::RSquare, "to end the symbol operand list")?;
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = p.parse_colon_type()?;
    let index = p.ctx().index_type();
    let mut all = sizes.clone();
    all.extend_from_slice(&syms);
    state.operands = p.resolve_operands_same_type(&all, index)?;
    state.result_types = vec![ty];
    let seg = segments_attr(p.ctx(), &[sizes.len(), syms.len()]);
    set_attr(p.ctx(), state, SEGMENTS, seg);
    Ok(())
}

fn print_alloc(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let groups = operand_groups(ctx, op, 2).ok_or(fmt::Error)?;
    let [result] = ctx.op(op).results[..] else {
        return Err(fmt::Error);
    };
    if !all_index(ctx, &ctx.op(op).operands) {
        return Err(fmt::Error);
    }
    p.print_str("(");
    p.print_operands(groups[0]);
    p.print_str(")");
    if !groups[1].is_empty() {
        p.print_str("[");
        p.print_operands(groups[1]);
        p.print_str("]");
    }
    p.print_attr_dict_except(op, &[SEGMENTS]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(result));
    Ok(())
}

// ----- dealloc ----------------------------------------------------------------

fn verify_dealloc(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let ([v], []) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(ctx, op, "expects one operand and no results"));
    };
    memref_operand(ctx, op, *v, "operand").map(|_| ())
}

// ----- load / store -----------------------------------------------------------

fn check_nontemporal(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    match ctx.attr_data_of(op, "nontemporal") {
        None | Some(AttrData::Bool(_)) => Ok(()),
        Some(_) => Err(op_error(
            ctx,
            op,
            "attribute 'nontemporal' failed to satisfy constraint: bool attribute",
        )),
    }
}

/// Checks a load's or store's memref and indices; returns the element type.
fn check_access(
    ctx: &Context,
    op: OpId,
    memref: Value,
    indices: &[Value],
) -> Result<Type, Diagnostic> {
    let parts = memref_operand(ctx, op, memref, "memref operand")?;
    if indices.len() != parts.shape.len() {
        let kind = if ctx.op_is(op, "memref.load") {
            "load"
        } else {
            "store"
        };
        return Err(op_error(
            ctx,
            op,
            format!(
                "incorrect number of indices for {kind}, expected {} but got {}",
                parts.shape.len(),
                indices.len()
            ),
        ));
    }
    check_indices(ctx, op, indices, "indices")?;
    check_nontemporal(ctx, op)?;
    Ok(parts.elem)
}

fn verify_load(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let (Some((&memref, indices)), [result]) = (data.operands.split_first(), &data.results[..])
    else {
        return Err(op_error(ctx, op, "expects a memref operand and one result"));
    };
    let elem = check_access(ctx, op, memref, indices)?;
    let rt = ctx.value_type(*result);
    if rt != elem {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' does not match the element type '{}' of the memref",
                type_str(ctx, rt),
                type_str(ctx, elem)
            ),
        ));
    }
    Ok(())
}

/// `%m[%i, ..] {attrs} : type`.
fn parse_load(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let m = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let ty = p.parse_colon_type()?;
    let Some(elem) = p
        .ctx()
        .elem_of(ty)
        .filter(|_| memref_parts(p.ctx(), ty).is_some())
    else {
        return Err(Diagnostic::error(loc, "expected a memref type"));
    };
    state.operands = vec![p.resolve_operand(&m, ty)?];
    let index = p.ctx().index_type();
    state
        .operands
        .extend(p.resolve_operands_same_type(&indices, index)?);
    state.result_types = vec![elem];
    Ok(())
}

/// `[%i, %j]`.
fn parse_index_list(p: &mut OpParser<'_, '_>) -> Result<Vec<UnresolvedOperand>, Diagnostic> {
    p.parse_punct(Punct::LSquare, "to start the index list")?;
    let v = p.parse_operand_list()?;
    p.parse_punct(Punct::RSquare, "to end the index list")?;
    Ok(v)
}

fn print_load(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let Some((&m, indices)) = ctx.op(op).operands.split_first() else {
        return Err(fmt::Error);
    };
    let [r] = ctx.op(op).results[..] else {
        return Err(fmt::Error);
    };
    let elem = memref_parts(ctx, ctx.value_type(m)).map(|x| x.elem);
    if elem != Some(ctx.value_type(r)) || !all_index(ctx, indices) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(m);
    p.print_str("[");
    p.print_operands(indices);
    p.print_str("]");
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(m));
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
    let elem = check_access(ctx, op, *memref, indices)?;
    let vt = ctx.value_type(*value);
    if vt != elem {
        return Err(op_error(
            ctx,
            op,
            format!(
                "value type '{}' does not match the element type '{}' of the memref",
                type_str(ctx, vt),
                type_str(ctx, elem)
            ),
        ));
    }
    Ok(())
}

/// `%v, %m[%i, ..] {attrs} : type`.
fn parse_store(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let v = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "after the stored value")?;
    let m = p.parse_operand()?;
    let indices = parse_index_list(p)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let loc = p.current_loc();
    let ty = p.parse_colon_type()?;
    let Some(elem) = p
        .ctx()
        .elem_of(ty)
        .filter(|_| memref_parts(p.ctx(), ty).is_some())
    else {
        return Err(Diagnostic::error(loc, "expected a memref type"));
    };
    state.operands = vec![p.resolve_operand(&v, elem)?, p.resolve_operand(&m, ty)?];
    let index = p.ctx().index_type();
    state
        .operands
        .extend(p.resolve_operands_same_type(&indices, index)?);
    Ok(())
}

fn print_store(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let [v, m, indices @ ..] = &ctx.op(op).operands[..] else {
        return Err(fmt::Error);
    };
    let elem = memref_parts(ctx, ctx.value_type(*m)).map(|x| x.elem);
    if elem != Some(ctx.value_type(*v)) || !all_index(ctx, indices) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(*v);
    p.print_str(", ");
    p.print_operand(*m);
    p.print_str("[");
    p.print_operands(indices);
    p.print_str("]");
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(*m));
    Ok(())
}

// ----- copy -------------------------------------------------------------------

fn verify_copy(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let ([src, dst], []) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(ctx, op, "expects two operands and no results"));
    };
    let a = memref_operand(ctx, op, *src, "source")?;
    let b = memref_operand(ctx, op, *dst, "target")?;
    if a.elem != b.elem {
        return Err(op_error(
            ctx,
            op,
            "failed to verify that all of {source, target} have same element type",
        ));
    }
    let same_shape = a.shape.len() == b.shape.len()
        && a.shape.iter().zip(b.shape).all(|(&x, &y)| compatible(x, y));
    if !same_shape {
        return Err(op_error(
            ctx,
            op,
            "requires the same shape for all operands",
        ));
    }
    Ok(())
}

/// `%a, %b {attrs} : T to U`.
fn parse_copy(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let a = p.parse_operand()?;
    p.parse_punct(Punct::Comma, "between source and target")?;
    let b = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let at = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let bt = p.parse_type()?;
    state.operands = vec![p.resolve_operand(&a, at)?, p.resolve_operand(&b, bt)?];
    Ok(())
}

fn print_copy(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let [a, b] = ctx.op(op).operands[..] else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_operands(&[a, b]);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(a));
    p.print_str(" to ");
    p.print_type(ctx.value_type(b));
    Ok(())
}

// ----- global / get_global ----------------------------------------------------

/// The attributes the custom form of `memref.global` spells out.
const GLOBAL_ATTRS: &[&str] = &[
    "sym_name",
    "sym_visibility",
    "type",
    "initial_value",
    "constant",
];

fn verify_global(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    if !data.operands.is_empty() || !data.results.is_empty() || !data.regions.is_empty() {
        return Err(op_error(ctx, op, "expects no operands, results or regions"));
    }
    if ctx.symbol_name(op).is_none() {
        return Err(op_error(ctx, op, "requires string attribute 'sym_name'"));
    }
    let ty = match ctx.attr_data_of(op, "type") {
        Some(AttrData::Type(t)) => *t,
        _ => return Err(op_error(ctx, op, "requires type attribute 'type'")),
    };
    let parts = memref_parts(ctx, ty).filter(|p| p.shape.iter().all(|&d| d != DYNAMIC));
    let Some(parts) = parts else {
        return Err(op_error(
            ctx,
            op,
            format!(
                "type should be static shaped memref, but got '{}'",
                type_str(ctx, ty)
            ),
        ));
    };
    match ctx.attr_data_of(op, "sym_visibility") {
        None => {}
        Some(AttrData::String(s)) if matches!(s.as_str(), "public" | "private" | "nested") => {}
        Some(_) => {
            return Err(op_error(
                ctx,
                op,
                "expects 'sym_visibility' to be \"public\", \"private\" or \"nested\"",
            ));
        }
    }
    if let Some(a) = ctx.attr(op, "constant")
        && !matches!(ctx.attr_data(a), AttrData::Unit)
    {
        return Err(op_error(
            ctx,
            op,
            "expects 'constant' to be a unit attribute",
        ));
    }
    match ctx.attr_data_of(op, "initial_value") {
        None | Some(AttrData::Unit) => {}
        Some(AttrData::DenseElements(d)) => {
            let want = ctx.type_data(d.ty).shape() == Some(parts.shape)
                && ctx.elem_of(d.ty) == Some(parts.elem)
                && matches!(ctx.type_data(d.ty), TypeData::Tensor { .. });
            if !want {
                let mut expected = String::from("tensor<");
                for &s in parts.shape {
                    expected.push_str(&format!("{s}x"));
                }
                expected.push_str(&type_str(ctx, parts.elem));
                expected.push('>');
                return Err(op_error(
                    ctx,
                    op,
                    format!(
                        "initial value expected to be of type '{expected}', but was of type '{}'",
                        type_str(ctx, d.ty)
                    ),
                ));
            }
        }
        Some(_) => {
            return Err(op_error(
                ctx,
                op,
                "initial value should be a unit or elements attribute",
            ));
        }
    }
    if let Some(AttrData::Integer { value, .. }) = ctx.attr_data_of(op, "alignment")
        && (*value <= 0 || (*value & (*value - 1)) != 0)
    {
        return Err(op_error(
            ctx,
            op,
            format!("alignment attribute value {value} is not a power of 2"),
        ));
    }
    Ok(())
}

/// `["vis"] [constant] @name : type [= initial | = uninitialized] {attrs}`.
fn parse_global(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    if p.peek_keyword().is_none() && !p.peek_punct(Punct::LSquare) {
        // A visibility is a string literal: `"private"`.
        if let Ok(vis) = p.parse_string() {
            let a = p.ctx().str_attr(&vis);
            set_attr(p.ctx(), state, "sym_visibility", a);
        }
    }
    if p.parse_optional_keyword("constant") {
        let a = p.ctx().unit_attr();
        set_attr(p.ctx(), state, "constant", a);
    }
    let name = p.parse_symbol_name()?;
    let loc = p.current_loc();
    let ty = p.parse_colon_type()?;
    let Some(parts) = memref_parts(p.ctx(), ty) else {
        return Err(Diagnostic::error(
            loc,
            "invalid kind of type specified: expected a memref type",
        ));
    };
    let (shape, elem) = (parts.shape.to_vec(), parts.elem);
    if p.parse_optional_punct(Punct::Equal) {
        let init = if p.parse_optional_keyword("uninitialized") {
            p.ctx().unit_attr()
        } else {
            let loc = p.current_loc();
            let tensor = p.ctx().tensor_type(&shape, elem);
            let a = p.parse_attribute_of_type(tensor)?;
            if !matches!(p.ctx().attr_data(a), AttrData::DenseElements(_)) {
                return Err(Diagnostic::error(
                    loc,
                    "initial value should be a unit or elements attribute",
                ));
            }
            a
        };
        set_attr(p.ctx(), state, "initial_value", init);
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let a = p.ctx().str_attr(&name);
    set_attr(p.ctx(), state, "sym_name", a);
    let a = p.ctx().type_attr(ty);
    set_attr(p.ctx(), state, "type", a);
    Ok(())
}

fn print_global(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let g = Global::view(ctx, op).ok_or(fmt::Error)?;
    if memref_parts(ctx, g.ty).is_none() || !ctx.op(op).regions.is_empty() {
        return Err(fmt::Error);
    }
    match ctx.attr_data_of(op, "sym_visibility") {
        None => {}
        Some(AttrData::String(v)) => {
            p.print_str(" ");
            p.print_string(v);
        }
        Some(_) => return Err(fmt::Error),
    }
    if let Some(a) = ctx.attr(op, "constant") {
        if !matches!(ctx.attr_data(a), AttrData::Unit) {
            return Err(fmt::Error);
        }
        p.print_str(" constant");
    }
    p.print_str(" ");
    p.print_symbol_name(g.name);
    p.print_str(" : ");
    p.print_type(g.ty);
    match g.init {
        GlobalInit::External => {}
        GlobalInit::Uninitialized => p.print_str(" = uninitialized"),
        GlobalInit::Value(a) => {
            // The type is implied by the memref type, so MLIR leaves it out.
            let AttrData::DenseElements(d) = ctx.attr_data(a) else {
                return Err(fmt::Error);
            };
            let parts = memref_parts(ctx, g.ty).ok_or(fmt::Error)?;
            let implied = TypeData::Tensor {
                shape: parts.shape.to_vec(),
                elem: parts.elem,
            };
            if *ctx.type_data(d.ty) != implied {
                return Err(fmt::Error);
            }
            let text = attr_str(ctx, a);
            let suffix = format!(" : {}", type_str(ctx, d.ty));
            let body = text.strip_suffix(&suffix).ok_or(fmt::Error)?;
            p.print_str(" = ");
            p.print_str(body);
        }
    }
    p.print_attr_dict_except(op, GLOBAL_ATTRS);
    Ok(())
}

/// The `memref.global` that `name` refers to from `op`.
pub fn lookup_global(ctx: &Context, op: OpId, name: &str) -> Option<OpId> {
    ctx.parent_op(op)
        .and_then(|p| ctx.symbol_table_of(p))
        .and_then(|t| ctx.lookup_symbol_in(t, name))
        .filter(|&g| ctx.op_is(g, "memref.global"))
}

/// The flat symbol `name` of a `memref.get_global`.
pub fn get_global_name(ctx: &Context, op: OpId) -> Option<&str> {
    match ctx.attr_data_of(op, "name")? {
        AttrData::SymbolRef { root, nested } if nested.is_empty() => Some(ctx.symbol_str(*root)),
        _ => None,
    }
}

fn verify_get_global(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let ([], [result]) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(ctx, op, "expects no operands and one result"));
    };
    let Some(name) = get_global_name(ctx, op) else {
        return Err(op_error(
            ctx,
            op,
            "requires flat symbol reference attribute 'name'",
        ));
    };
    let Some(global) = lookup_global(ctx, op, name) else {
        return Err(op_error(
            ctx,
            op,
            format!("'{name}' does not reference a valid global memref"),
        ));
    };
    let rt = ctx.value_type(*result);
    if let Some(AttrData::Type(gt)) = ctx.attr_data_of(global, "type")
        && *gt != rt
    {
        return Err(op_error(
            ctx,
            op,
            format!(
                "result type '{}' does not match type '{}' of the global memref @{name}",
                type_str(ctx, rt),
                type_str(ctx, *gt)
            ),
        ));
    }
    Ok(())
}

/// `@name {attrs} : type`.
fn parse_get_global(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> Result<(), Diagnostic> {
    let name = p.parse_symbol_name()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let ty = p.parse_colon_type()?;
    let a = p.ctx().symbol_ref_attr(&name);
    set_attr(p.ctx(), state, "name", a);
    state.result_types = vec![ty];
    Ok(())
}

fn print_get_global(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let name = get_global_name(ctx, op).ok_or(fmt::Error)?;
    let [r] = ctx.op(op).results[..] else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_symbol_name(name);
    p.print_attr_dict_except(op, &["name"]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(r));
    Ok(())
}

// ----- subview ----------------------------------------------------------------

/// The names of a subview's static lists, in operand-group order.
const SUBVIEW_LISTS: [&str; 3] = ["static_offsets", "static_sizes", "static_strides"];

fn verify_subview(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let [result] = data.results[..] else {
        return Err(op_error(ctx, op, "expects one result"));
    };
    let seg = segments(ctx, op, 4)?;
    if seg[0] != 1 {
        return Err(op_error(ctx, op, "expects one source operand"));
    }
    let src = memref_operand(ctx, op, data.operands[0], "source")?;
    check_indices(ctx, op, &data.operands[1..], "offsets, sizes and strides")?;
    let rank = src.shape.len();
    let mut lists = Vec::new();
    for (i, name) in SUBVIEW_LISTS.iter().enumerate() {
        let Some(values) = ctx.attr_data_of(op, name).and_then(AttrData::as_int_array) else {
            return Err(op_error(
                ctx,
                op,
                format!("requires array<i64> attribute '{name}'"),
            ));
        };
        let what = &name["static_".len()..];
        if values.len() != rank {
            return Err(op_error(
                ctx,
                op,
                format!("expected {rank} {what} values, got {}", values.len()),
            ));
        }
        let dynamic = values.iter().filter(|&&v| v == DYNAMIC).count();
        if dynamic != seg[i + 1] {
            return Err(op_error(
                ctx,
                op,
                format!(
                    "expected {dynamic} dynamic {what} values, got {}",
                    seg[i + 1]
                ),
            ));
        }
        lists.push(values);
    }
    let (offsets, sizes, strides) = (lists[0], lists[1], lists[2]);
    if let Some(&s) = sizes.iter().find(|&&s| s != DYNAMIC && s < 0) {
        return Err(op_error(
            ctx,
            op,
            format!("expected sizes to be non-negative, got {s}"),
        ));
    }
    let rt = ctx.value_type(result);
    let Some(res) = memref_parts(ctx, rt) else {
        return Err(op_error(
            ctx,
            op,
            format!("result must be a memref, but got '{}'", type_str(ctx, rt)),
        ));
    };
    let mismatch = |why: &str| {
        let src_ty = ctx.value_type(data.operands[0]);
        let mut expected = String::new();
        if let Some((st, so)) = strides_and_offset(ctx, src_ty) {
            let (ns, no) = subview_layout(&st, so, offsets, strides);
            let num = |v: i64| {
                if v == DYNAMIC {
                    "?".to_string()
                } else {
                    v.to_string()
                }
            };
            let dims: String = sizes.iter().map(|&s| format!("{}x", num(s))).collect();
            let off = if no == 0 {
                String::new()
            } else {
                format!(", offset: {}", num(no))
            };
            let st: Vec<String> = ns.iter().map(|&s| num(s)).collect();
            expected = format!(
                " to be 'memref<{dims}{}, strided<[{}]{off}>>' or a rank-reduced version",
                type_str(ctx, src.elem),
                st.join(", ")
            );
        }
        op_error(ctx, op, format!("expected result type{expected} ({why})"))
    };
    if res.elem != src.elem {
        return Err(mismatch("mismatch of result element type"));
    }
    if res.memory_space != src.memory_space {
        return Err(mismatch("mismatch of result memory space"));
    }
    // Which dimensions the result keeps: all, or all but some of size 1.
    let mut kept = Vec::with_capacity(res.shape.len());
    let mut j = 0;
    for (i, &s) in sizes.iter().enumerate() {
        if j < res.shape.len() && res.shape[j] == s {
            kept.push(i);
            j += 1;
        } else if s != 1 {
            return Err(mismatch("mismatch of result sizes"));
        }
    }
    if j != res.shape.len() {
        return Err(mismatch("mismatch of result sizes"));
    }
    let src_ty = ctx.value_type(data.operands[0]);
    if let Some((st, so)) = strides_and_offset(ctx, src_ty) {
        let (ns, no) = subview_layout(&st, so, offsets, strides);
        let Some((rs, ro)) = strides_and_offset(ctx, rt) else {
            return Err(mismatch("mismatch of result layout"));
        };
        let ok = ro == no
            && kept
                .iter()
                .zip(&rs)
                .all(|(&i, &r)| r == ns[i] || sizes[i] == 1);
        if !ok {
            return Err(mismatch("mismatch of result layout"));
        }
    }
    Ok(())
}

/// One mixed list `[1, %a, 2]`: static values ([`DYNAMIC`] for each
/// operand) and the operands.
fn parse_mixed_list(
    p: &mut OpParser<'_, '_>,
    statics: &mut Vec<i64>,
    dynamics: &mut Vec<UnresolvedOperand>,
) -> Result<(), Diagnostic> {
    p.parse_punct(
        Punct::LSquare,
        "to start a list of offsets, sizes or strides",
    )?;
    if p.parse_optional_punct(Punct::RSquare) {
        return Ok(());
    }
    loop {
        if let Some(u) = p.parse_optional_operand()? {
            statics.push(DYNAMIC);
            dynamics.push(u);
        } else {
            let loc = p.current_loc();
            let a = p.parse_attribute()?;
            match p.ctx().attr_data(a) {
                AttrData::Integer { value, .. }
                    if i64::try_from(*value).is_ok_and(|v| v != DYNAMIC) =>
                {
                    statics.push(*value as i64)
                }
                _ => {
                    return Err(Diagnostic::error(
                        loc,
                        "expected an integer or an SSA value",
                    ));
                }
            }
        }
        if !p.parse_optional_punct(Punct::Comma) {
            break;
        }
    }
    p.parse_punct(Punct::RSquare, "to end a list of offsets, sizes or strides")
}

/// `%src[offsets] [sizes] [strides] {attrs} : T to U`.
fn parse_subview(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let src = p.parse_operand()?;
    let mut statics = [Vec::new(), Vec::new(), Vec::new()];
    let mut dynamics = [Vec::new(), Vec::new(), Vec::new()];
    for (s, d) in statics.iter_mut().zip(dynamics.iter_mut()) {
        parse_mixed_list(p, s, d)?;
    }
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let src_ty = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let res_ty = p.parse_type()?;
    state.operands = vec![p.resolve_operand(&src, src_ty)?];
    let index = p.ctx().index_type();
    for d in &dynamics {
        state
            .operands
            .extend(p.resolve_operands_same_type(d, index)?);
    }
    state.result_types = vec![res_ty];
    for (name, s) in SUBVIEW_LISTS.iter().zip(&statics) {
        let a = p.ctx().i64_array_attr(s);
        set_attr(p.ctx(), state, name, a);
    }
    let seg = segments_attr(
        p.ctx(),
        &[1, dynamics[0].len(), dynamics[1].len(), dynamics[2].len()],
    );
    set_attr(p.ctx(), state, SEGMENTS, seg);
    Ok(())
}

fn print_subview(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let v = SubView::view(ctx, op).ok_or(fmt::Error)?;
    if !all_index(ctx, &ctx.op(op).operands[1..]) {
        return Err(fmt::Error);
    }
    p.print_str(" ");
    p.print_operand(v.source);
    for (i, list) in [&v.offsets, &v.sizes, &v.strides].into_iter().enumerate() {
        p.print_str(if i == 0 { "[" } else { " [" });
        for (k, item) in list.iter().enumerate() {
            if k > 0 {
                p.print_str(", ");
            }
            match item {
                IndexValue::Static(s) => p.print_str(&s.to_string()),
                IndexValue::Dynamic(d) => p.print_operand(*d),
            }
        }
        p.print_str("]");
    }
    let mut elided = SUBVIEW_LISTS.to_vec();
    elided.push(SEGMENTS);
    p.print_attr_dict_except(op, &elided);
    p.print_str(" : ");
    p.print_type(ctx.value_type(v.source));
    p.print_str(" to ");
    p.print_type(ctx.value_type(v.result));
    Ok(())
}

// ----- cast -------------------------------------------------------------------

/// Whether a `memref.cast` from `a` to `b` is allowed (MLIR's
/// `areCastCompatible` for ranked memrefs).
pub fn cast_compatible(ctx: &Context, a: Type, b: Type) -> bool {
    let (Some(x), Some(y)) = (memref_parts(ctx, a), memref_parts(ctx, b)) else {
        return false;
    };
    if x.elem != y.elem || x.memory_space != y.memory_space || x.shape.len() != y.shape.len() {
        return false;
    }
    if !x.shape.iter().zip(y.shape).all(|(&p, &q)| compatible(p, q)) {
        return false;
    }
    if x.layout == y.layout {
        return true;
    }
    match (strides_and_offset(ctx, a), strides_and_offset(ctx, b)) {
        (Some((sa, oa)), Some((sb, ob))) => {
            compatible(oa, ob) && sa.iter().zip(&sb).all(|(&p, &q)| compatible(p, q))
        }
        _ => false,
    }
}

fn verify_cast(ctx: &Context, op: OpId) -> Result<(), Diagnostic> {
    let data = ctx.op(op);
    let ([src], [result]) = (&data.operands[..], &data.results[..]) else {
        return Err(op_error(ctx, op, "expects one operand and one result"));
    };
    let (a, b) = (ctx.value_type(*src), ctx.value_type(*result));
    if !cast_compatible(ctx, a, b) {
        return Err(op_error(
            ctx,
            op,
            format!(
                "operand type '{}' and result type '{}' are cast incompatible",
                type_str(ctx, a),
                type_str(ctx, b)
            ),
        ));
    }
    Ok(())
}

/// `%a {attrs} : T to U`.
fn parse_cast(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> Result<(), Diagnostic> {
    let a = p.parse_operand()?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    let at = p.parse_colon_type()?;
    p.parse_keyword("to")?;
    let bt = p.parse_type()?;
    state.operands = vec![p.resolve_operand(&a, at)?];
    state.result_types = vec![bt];
    Ok(())
}

fn print_cast(p: &mut OpPrinter<'_>, op: OpId) -> fmt::Result {
    let ctx = p.ctx();
    let ([a], [r]) = (&ctx.op(op).operands[..], &ctx.op(op).results[..]) else {
        return Err(fmt::Error);
    };
    p.print_str(" ");
    p.print_operand(*a);
    p.print_attr_dict_except(op, &[]);
    p.print_str(" : ");
    p.print_type(ctx.value_type(*a));
    p.print_str(" to ");
    p.print_type(ctx.value_type(*r));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_bodies() {
        assert_eq!(
            parse_strided("<[4, 1], offset: ?>"),
            Some((vec![4, 1], DYNAMIC))
        );
        assert_eq!(parse_strided("<[1]>"), Some((vec![1], 0)));
        assert_eq!(parse_strided("<[]>"), Some((vec![], 0)));
        assert_eq!(
            parse_strided("<[?,2],offset:3>"),
            Some((vec![DYNAMIC, 2], 3))
        );
        assert_eq!(parse_strided("<[x]>"), None);
    }

    #[test]
    fn row_major() {
        assert_eq!(row_major_strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(row_major_strides(&[2, DYNAMIC, 4]), vec![DYNAMIC, 4, 1]);
    }
}
