//! Reading and building `vector` ops: view structs for the ops with more
//! than "operands in, one result out" to them, `build_*` functions, and
//! the permutation-map helpers of the transfer ops.

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::Builder;
use tessera_compiler::{
    AttrData, Attribute, Context, DYNAMIC, Location, OpId, Type, TypeData, Value,
};

use super::attrs::{CombiningKind, Punctuation};
use crate::arith::FastMathFlags;
use crate::memref::{IndexValue, SEGMENTS, operand_groups, segments_attr};

/// The name of the static-position attribute of `vector.extract` and
/// `vector.insert`.
pub const STATIC_POSITION: &str = "static_position";
/// The name of the permutation-map attribute of the transfer ops.
pub const PERMUTATION_MAP: &str = "permutation_map";
/// The name of the in-bounds attribute of the transfer ops.
pub const IN_BOUNDS: &str = "in_bounds";
/// The name of `vector.transpose`'s permutation attribute.
pub const PERMUTATION: &str = "permutation";
/// The name of `vector.constant_mask`'s sizes attribute.
pub const MASK_DIM_SIZES: &str = "mask_dim_sizes";

/// The shape and element type of `ty` if it is a vector type.
pub fn vector_parts(ctx: &Context, ty: Type) -> Option<(&[i64], Type)> {
    match ctx.type_data(ty) {
        TypeData::Vector { shape, elem } => Some((shape, *elem)),
        _ => None,
    }
}

/// The shape and element type of `ty` if it is a memref or tensor type
/// (what transfer ops read and write).
pub fn shaped_parts(ctx: &Context, ty: Type) -> Option<(&[i64], Type)> {
    match ctx.type_data(ty) {
        TypeData::MemRef { shape, elem, .. } | TypeData::Tensor { shape, elem } => {
            Some((shape, *elem))
        }
        _ => None,
    }
}

// ----- transfer maps ------------------------------------------------------------

/// `(d0, .., d<rank-1>) -> (d<rank-k>, .., d<rank-1>)` with `k` the
/// smaller of `results` and `rank`: the default permutation map of a
/// transfer of a rank-`results` vector from a rank-`rank` source.
pub fn minor_identity_map(rank: usize, results: usize) -> AffineMap {
    let k = results.min(rank);
    AffineMap::new(
        rank as u32,
        0,
        (rank - k..rank)
            .map(|d| AffineExpr::Dim(d as u32))
            .collect(),
    )
}

/// Whether `map` is a minor identity: no symbols and results
/// `d<n-k>, .., d<n-1>` for its `n` dimensions (what the custom form of a
/// transfer leaves out).
pub fn is_minor_identity(map: &AffineMap) -> bool {
    let (n, k) = (map.num_dims as usize, map.results.len());
    map.num_symbols == 0
        && k <= n
        && map
            .results
            .iter()
            .enumerate()
            .all(|(i, e)| *e == AffineExpr::Dim((n - k + i) as u32))
}

/// For each result of a projected permutation map: the source dimension
/// it reads, or `None` for a broadcast (constant) result. `None` overall
/// when a result is neither a dimension nor a constant.
pub fn transfer_dims(map: &AffineMap) -> Option<Vec<Option<usize>>> {
    map.results
        .iter()
        .map(|e| match e {
            AffineExpr::Dim(d) => Some(Some(*d as usize)),
            AffineExpr::Constant(_) => Some(None),
            _ => None,
        })
        .collect()
}

/// The shape of the mask of a transfer of a vector of `vector_shape`
/// through `map` (MLIR's `inferTransferOpMaskType`): the vector sizes of
/// the non-broadcast results, in source-dimension order. `None` unless
/// `map` is a projected permutation with as many results as the vector
/// has dimensions.
pub fn transfer_mask_shape(vector_shape: &[i64], map: &AffineMap) -> Option<Vec<i64>> {
    let dims = transfer_dims(map)?;
    if dims.len() != vector_shape.len() {
        return None;
    }
    let mut by_dim: Vec<(usize, i64)> = dims
        .iter()
        .zip(vector_shape)
        .filter_map(|(d, &s)| d.map(|d| (d, s)))
        .collect();
    by_dim.sort_by_key(|&(d, _)| d);
    if by_dim.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(by_dim.into_iter().map(|(_, s)| s).collect())
}

/// The values of an `[true, false]` attribute: `None` unless every item
/// is a bool.
pub fn bool_array(ctx: &Context, attr: Attribute) -> Option<Vec<bool>> {
    match ctx.attr_data(attr) {
        AttrData::Array(items) => items.iter().map(|&a| ctx.attr_data(a).as_bool()).collect(),
        _ => None,
    }
}

/// The `[true, false]` attribute of `values`.
pub fn bool_array_attr(ctx: &mut Context, values: &[bool]) -> Attribute {
    let items: Vec<Attribute> = values.iter().map(|&b| ctx.bool_attr(b)).collect();
    ctx.array_attr(&items)
}

/// The type `vector.extract` gives for `npos` positions into `vector`:
/// the element type for a full position, else a vector of the remaining
/// dimensions. `None` if `vector` is not a vector or `npos` exceeds its
/// rank.
pub fn extract_result_type(ctx: &mut Context, vector: Type, npos: usize) -> Option<Type> {
    let (shape, elem) = vector_parts(ctx, vector)?;
    if npos > shape.len() {
        return None;
    }
    if npos == shape.len() {
        return Some(elem);
    }
    let rest = shape[npos..].to_vec();
    Some(ctx.vector_type(&rest, elem))
}

/// Static positions with [`DYNAMIC`] entries filled from `dynamic`, in
/// order; `None` when the counts disagree.
fn mixed_positions(statics: &[i64], dynamic: &[Value]) -> Option<Vec<IndexValue>> {
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

// ----- views --------------------------------------------------------------------

/// A `vector.load` or `vector.store`.
#[derive(Copy, Clone, Debug)]
pub struct Access<'a> {
    /// The op.
    pub op: OpId,
    /// The memref read or written.
    pub base: Value,
    /// One index per memref dimension: where the vector starts.
    pub indices: &'a [Value],
    /// The vector loaded (the result) or stored (the first operand).
    pub vector: Value,
    /// `true` for `vector.store`.
    pub is_store: bool,
}

impl<'a> Access<'a> {
    /// Reads a `vector.load` or `vector.store`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        let data = ctx.op(op);
        if ctx.op_is(op, "vector.load") {
            let (&base, indices) = data.operands.split_first()?;
            Some(Access {
                op,
                base,
                indices,
                vector: *data.results.first()?,
                is_store: false,
            })
        } else if ctx.op_is(op, "vector.store") {
            let [vector, base, indices @ ..] = &data.operands[..] else {
                return None;
            };
            Some(Access {
                op,
                base: *base,
                indices,
                vector: *vector,
                is_store: true,
            })
        } else {
            None
        }
    }
}

/// A `vector.maskedload` or `vector.maskedstore`.
#[derive(Copy, Clone, Debug)]
pub struct MaskedAccess<'a> {
    /// The op.
    pub op: OpId,
    /// The memref read or written.
    pub base: Value,
    /// One index per memref dimension: where the vector starts.
    pub indices: &'a [Value],
    /// Which lanes are read or written (`vector<Nxi1>`).
    pub mask: Value,
    /// For a load: the lanes taken where the mask is off. For a store: the
    /// vector stored.
    pub value: Value,
    /// The vector loaded (`None` for a store).
    pub result: Option<Value>,
}

impl<'a> MaskedAccess<'a> {
    /// Reads a `vector.maskedload` or `vector.maskedstore`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        let is_load = ctx.op_is(op, "vector.maskedload");
        if !is_load && !ctx.op_is(op, "vector.maskedstore") {
            return None;
        }
        let data = ctx.op(op);
        let [base, indices @ .., mask, value] = &data.operands[..] else {
            return None;
        };
        let result = if is_load {
            Some(*data.results.first()?)
        } else {
            None
        };
        Some(MaskedAccess {
            op,
            base: *base,
            indices,
            mask: *mask,
            value: *value,
            result,
        })
    }
}

/// A `vector.reduction`.
#[derive(Copy, Clone, Debug)]
pub struct Reduction {
    /// The op.
    pub op: OpId,
    /// How elements combine.
    pub kind: CombiningKind,
    /// The vector reduced.
    pub vector: Value,
    /// The starting value, combined with the elements, if any.
    pub acc: Option<Value>,
    /// The fast-math flags.
    pub fastmath: FastMathFlags,
    /// The scalar result.
    pub result: Value,
}

impl Reduction {
    /// Reads a well-formed `vector.reduction`.
    pub fn view(ctx: &Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "vector.reduction") {
            return None;
        }
        let data = ctx.op(op);
        let (&vector, acc) = data.operands.split_first()?;
        if acc.len() > 1 {
            return None;
        }
        let fastmath = match ctx.attr(op, "fastmath") {
            None => FastMathFlags::NONE,
            Some(a) => FastMathFlags::from_attr(ctx, a)?,
        };
        Some(Reduction {
            op,
            kind: CombiningKind::from_attr(ctx, ctx.attr(op, "kind")?)?,
            vector,
            acc: acc.first().copied(),
            fastmath,
            result: *data.results.first()?,
        })
    }
}

/// A `vector.extract` or `vector.insert`.
#[derive(Clone, Debug)]
pub struct Position {
    /// The op.
    pub op: OpId,
    /// For an insert: what is inserted (a scalar or vector).
    pub source: Option<Value>,
    /// The vector extracted from or inserted into.
    pub vector: Value,
    /// The leading indices into `vector`, outermost first.
    pub position: Vec<IndexValue>,
    /// The part extracted, or the vector after the insertion.
    pub result: Value,
}

impl Position {
    /// Reads a well-formed `vector.extract` or `vector.insert`.
    pub fn view(ctx: &Context, op: OpId) -> Option<Self> {
        let is_insert = ctx.op_is(op, "vector.insert");
        if !is_insert && !ctx.op_is(op, "vector.extract") {
            return None;
        }
        let data = ctx.op(op);
        let statics = ctx.attr_data_of(op, STATIC_POSITION)?.as_int_array()?;
        let (source, vector, dynamic) = if is_insert {
            let [s, v, rest @ ..] = &data.operands[..] else {
                return None;
            };
            (Some(*s), *v, rest)
        } else {
            let (v, rest) = data.operands.split_first()?;
            (None, *v, rest)
        };
        Some(Position {
            op,
            source,
            vector,
            position: mixed_positions(statics, dynamic)?,
            result: *data.results.first()?,
        })
    }
}

/// A `vector.extractelement` or `vector.insertelement`.
#[derive(Copy, Clone, Debug)]
pub struct Element {
    /// The op.
    pub op: OpId,
    /// For an insert: the scalar inserted.
    pub source: Option<Value>,
    /// The 0-D or 1-D vector.
    pub vector: Value,
    /// The lane (an integer or `index`), `None` for a 0-D vector.
    pub position: Option<Value>,
    /// The scalar extracted, or the vector after the insertion.
    pub result: Value,
}

impl Element {
    /// Reads a `vector.extractelement` or `vector.insertelement`.
    pub fn view(ctx: &Context, op: OpId) -> Option<Self> {
        let is_insert = ctx.op_is(op, "vector.insertelement");
        if !is_insert && !ctx.op_is(op, "vector.extractelement") {
            return None;
        }
        let data = ctx.op(op);
        let (source, rest) = if is_insert {
            let (s, rest) = data.operands.split_first()?;
            (Some(*s), rest)
        } else {
            (None, &data.operands[..])
        };
        let (&vector, position) = rest.split_first()?;
        if position.len() > 1 {
            return None;
        }
        Some(Element {
            op,
            source,
            vector,
            position: position.first().copied(),
            result: *data.results.first()?,
        })
    }
}

/// A `vector.transfer_read` or `vector.transfer_write`.
#[derive(Clone, Debug)]
pub struct Transfer<'a> {
    /// The op.
    pub op: OpId,
    /// The memref or tensor read or written.
    pub source: Value,
    /// One index per source dimension: where the transfer starts.
    pub indices: &'a [Value],
    /// For a read: the element used where the source is out of bounds or
    /// the mask is off.
    pub padding: Option<Value>,
    /// For a write: the vector written.
    pub vector: Option<Value>,
    /// Which lanes are read or written, shaped by
    /// [`transfer_mask_shape`]; `None` for all.
    pub mask: Option<Value>,
    /// Which source dimension each vector dimension walks (a constant
    /// result broadcasts).
    pub map: &'a AffineMap,
    /// Per vector dimension: whether it is known to stay in bounds.
    pub in_bounds: Vec<bool>,
    /// The vector read, or the tensor written to.
    pub result: Option<Value>,
}

impl<'a> Transfer<'a> {
    /// Reads a well-formed `vector.transfer_read` or `vector.transfer_write`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        let is_read = ctx.op_is(op, "vector.transfer_read");
        if !is_read && !ctx.op_is(op, "vector.transfer_write") {
            return None;
        }
        let g = operand_groups(ctx, op, 4)?;
        let map = ctx.attr_data_of(op, PERMUTATION_MAP)?.as_affine_map()?;
        let in_bounds = bool_array(ctx, ctx.attr(op, IN_BOUNDS)?)?;
        let one = |s: &[Value]| match s {
            [v] => Some(*v),
            _ => None,
        };
        let (source, indices, padding, vector) = if is_read {
            (one(g[0])?, g[1], Some(one(g[2])?), None)
        } else {
            (one(g[1])?, g[2], None, Some(one(g[0])?))
        };
        if g[3].len() > 1 {
            return None;
        }
        Some(Transfer {
            op,
            source,
            indices,
            padding,
            vector,
            mask: g[3].first().copied(),
            map,
            in_bounds,
            result: ctx.op(op).results.first().copied(),
        })
    }
}

/// The sizes of a `vector.constant_mask` (`[2, 3]`): lanes whose index
/// is below the size in every dimension are on.
pub fn constant_mask_sizes(ctx: &Context, op: OpId) -> Option<Vec<i64>> {
    if !ctx.op_is(op, "vector.constant_mask") {
        return None;
    }
    match ctx.attr_data_of(op, MASK_DIM_SIZES)? {
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

/// A `vector.print`.
#[derive(Copy, Clone, Debug)]
pub struct Print<'a> {
    /// The op.
    pub op: OpId,
    /// The value printed, if any.
    pub source: Option<Value>,
    /// The string printed instead of a value, if any.
    pub string: Option<&'a str>,
    /// What follows.
    pub punctuation: Punctuation,
}

impl<'a> Print<'a> {
    /// Reads a well-formed `vector.print`.
    pub fn view(ctx: &'a Context, op: OpId) -> Option<Self> {
        if !ctx.op_is(op, "vector.print") {
            return None;
        }
        let data = ctx.op(op);
        if data.operands.len() > 1 {
            return None;
        }
        let punctuation = match ctx.attr(op, "punctuation") {
            None => Punctuation::NewLine,
            Some(a) => Punctuation::from_attr(ctx, a)?,
        };
        let string = match ctx.attr_data_of(op, "stringLiteral") {
            None => None,
            Some(a) => Some(a.as_str()?),
        };
        Some(Print {
            op,
            source: data.operands.first().copied(),
            string,
            punctuation,
        })
    }
}

// ----- builders -------------------------------------------------------------------

/// Builds `vector.load %base[indices] : ty`; returns the vector.
pub fn build_load(
    b: &mut Builder<'_>,
    ty: Type,
    base: Value,
    indices: &[Value],
    loc: Location,
) -> Value {
    let mut operands = vec![base];
    operands.extend_from_slice(indices);
    b.create_value("vector.load", &operands, ty, &[], loc)
}

/// Builds `vector.store %vector, %base[indices]`.
pub fn build_store(
    b: &mut Builder<'_>,
    vector: Value,
    base: Value,
    indices: &[Value],
    loc: Location,
) -> OpId {
    let mut operands = vec![vector, base];
    operands.extend_from_slice(indices);
    b.create("vector.store", &operands, &[], &[], loc)
}

/// Builds `vector.broadcast %source : .. to ty`; returns the vector.
pub fn build_broadcast(b: &mut Builder<'_>, source: Value, ty: Type, loc: Location) -> Value {
    b.create_value("vector.broadcast", &[source], ty, &[], loc)
}

/// Builds `vector.splat %scalar : ty`; returns the vector.
pub fn build_splat(b: &mut Builder<'_>, scalar: Value, ty: Type, loc: Location) -> Value {
    b.create_value("vector.splat", &[scalar], ty, &[], loc)
}

/// Builds `vector.fma %a, %b, %c`; returns `a * b + c`.
pub fn build_fma(b: &mut Builder<'_>, x: Value, y: Value, z: Value, loc: Location) -> Value {
    let ty = b.ctx.value_type(x);
    b.create_value("vector.fma", &[x, y, z], ty, &[], loc)
}

/// Builds `vector.reduction <kind>, %vector[, %acc]`; returns the scalar.
pub fn build_reduction(
    b: &mut Builder<'_>,
    kind: CombiningKind,
    vector: Value,
    acc: Option<Value>,
    loc: Location,
) -> Value {
    let vt = b.ctx.value_type(vector);
    let elem = b
        .ctx
        .elem_of(vt)
        .expect("vector.reduction of a non-vector value");
    let k = kind.to_attr(b.ctx);
    let mut operands = vec![vector];
    operands.extend(acc);
    b.create_value("vector.reduction", &operands, elem, &[("kind", k)], loc)
}

/// Builds `vector.extract %vector[position]` with static positions;
/// returns the part extracted.
pub fn build_extract(b: &mut Builder<'_>, vector: Value, position: &[i64], loc: Location) -> Value {
    let vt = b.ctx.value_type(vector);
    let ty = extract_result_type(b.ctx, vt, position.len())
        .expect("vector.extract with more positions than the vector's rank");
    let pos = b.ctx.i64_array_attr(position);
    b.create_value(
        "vector.extract",
        &[vector],
        ty,
        &[(STATIC_POSITION, pos)],
        loc,
    )
}

/// Builds `vector.insert %source, %dest[position]` with static positions;
/// returns the new vector.
pub fn build_insert(
    b: &mut Builder<'_>,
    source: Value,
    dest: Value,
    position: &[i64],
    loc: Location,
) -> Value {
    let ty = b.ctx.value_type(dest);
    let pos = b.ctx.i64_array_attr(position);
    b.create_value(
        "vector.insert",
        &[source, dest],
        ty,
        &[(STATIC_POSITION, pos)],
        loc,
    )
}

/// Builds `vector.shape_cast %source : .. to ty`; returns the vector.
pub fn build_shape_cast(b: &mut Builder<'_>, source: Value, ty: Type, loc: Location) -> Value {
    b.create_value("vector.shape_cast", &[source], ty, &[], loc)
}

/// Builds `vector.transpose %source, [perm]`: result dimension `i` is
/// source dimension `perm[i]`; returns the vector.
pub fn build_transpose(b: &mut Builder<'_>, source: Value, perm: &[i64], loc: Location) -> Value {
    let st = b.ctx.value_type(source);
    let (shape, elem) = vector_parts(b.ctx, st).expect("vector.transpose of a non-vector value");
    let shape: Vec<i64> = perm.iter().map(|&p| shape[p as usize]).collect();
    let ty = b.ctx.vector_type(&shape, elem);
    let a = b.ctx.i64_array_attr(perm);
    b.create_value("vector.transpose", &[source], ty, &[(PERMUTATION, a)], loc)
}

/// Builds `vector.transfer_read %source[indices], %padding` of a vector
/// of type `ty` along the minor identity map; returns the vector.
pub fn build_transfer_read(
    b: &mut Builder<'_>,
    ty: Type,
    source: Value,
    indices: &[Value],
    padding: Value,
    in_bounds: &[bool],
    loc: Location,
) -> Value {
    let vec_rank = b.ctx.shape_of(ty).map_or(0, <[i64]>::len);
    let map = minor_identity_map(indices.len(), vec_rank);
    let attrs = transfer_attrs(b.ctx, map, in_bounds, &[1, indices.len(), 1, 0]);
    let mut operands = vec![source];
    operands.extend_from_slice(indices);
    operands.push(padding);
    let attrs: Vec<(&str, Attribute)> = attrs.to_vec();
    b.create_value("vector.transfer_read", &operands, ty, &attrs, loc)
}

/// Builds `vector.transfer_write %vector, %source[indices]` along the
/// minor identity map; returns the op (its result is the new tensor when
/// `source` is a tensor).
pub fn build_transfer_write(
    b: &mut Builder<'_>,
    vector: Value,
    source: Value,
    indices: &[Value],
    in_bounds: &[bool],
    loc: Location,
) -> OpId {
    let vt = b.ctx.value_type(vector);
    let vec_rank = b.ctx.shape_of(vt).map_or(0, <[i64]>::len);
    let map = minor_identity_map(indices.len(), vec_rank);
    let attrs = transfer_attrs(b.ctx, map, in_bounds, &[1, 1, indices.len(), 0]);
    let st = b.ctx.value_type(source);
    let results: Vec<Type> = match b.ctx.type_data(st) {
        TypeData::Tensor { .. } => vec![st],
        _ => Vec::new(),
    };
    let mut operands = vec![vector, source];
    operands.extend_from_slice(indices);
    b.create("vector.transfer_write", &operands, &results, &attrs, loc)
}

/// The `permutation_map`, `in_bounds` and `operandSegmentSizes`
/// attributes of a transfer.
fn transfer_attrs(
    ctx: &mut Context,
    map: AffineMap,
    in_bounds: &[bool],
    segments: &[usize],
) -> [(&'static str, Attribute); 3] {
    let m = ctx.intern_attr(AttrData::AffineMap(map));
    let ib = bool_array_attr(ctx, in_bounds);
    let seg = segments_attr(ctx, segments);
    [(PERMUTATION_MAP, m), (IN_BOUNDS, ib), (SEGMENTS, seg)]
}

/// Builds `vector.constant_mask [sizes] : ty`; returns the mask.
pub fn build_constant_mask(b: &mut Builder<'_>, ty: Type, sizes: &[i64], loc: Location) -> Value {
    let items: Vec<Attribute> = sizes.iter().map(|&s| b.ctx.i64_attr(s)).collect();
    let a = b.ctx.array_attr(&items);
    b.create_value("vector.constant_mask", &[], ty, &[(MASK_DIM_SIZES, a)], loc)
}

/// Builds `vector.create_mask %sizes.. : ty`; returns the mask.
pub fn build_create_mask(b: &mut Builder<'_>, ty: Type, sizes: &[Value], loc: Location) -> Value {
    b.create_value("vector.create_mask", sizes, ty, &[], loc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_identity_maps() {
        let m = minor_identity_map(3, 2);
        assert_eq!(m.results, vec![AffineExpr::Dim(1), AffineExpr::Dim(2)]);
        assert!(is_minor_identity(&m));
        assert!(is_minor_identity(&minor_identity_map(2, 5)));
        let swapped = AffineMap::new(2, 0, vec![AffineExpr::Dim(1), AffineExpr::Dim(0)]);
        assert!(!is_minor_identity(&swapped));
    }

    #[test]
    fn mask_shapes_follow_source_dimension_order() {
        let swapped = AffineMap::new(2, 0, vec![AffineExpr::Dim(1), AffineExpr::Dim(0)]);
        assert_eq!(transfer_mask_shape(&[4, 8], &swapped), Some(vec![8, 4]));
        let bcast = AffineMap::new(2, 0, vec![AffineExpr::Constant(0), AffineExpr::Dim(1)]);
        assert_eq!(transfer_mask_shape(&[4, 8], &bcast), Some(vec![8]));
        let twice = AffineMap::new(2, 0, vec![AffineExpr::Dim(0), AffineExpr::Dim(0)]);
        assert_eq!(transfer_mask_shape(&[4, 8], &twice), None);
    }
}
