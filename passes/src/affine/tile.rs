//! `affine-loop-tile`: tiles perfectly nested bands of `affine.for` loops,
//! as MLIR's pass of that name.
//!
//! A band is a maximal perfect nest starting at an outermost `affine.for`
//! (each loop's body holds only the next loop); loops carrying values
//! (`iter_args`) end it. A band of loops `i_l` from `lb_l` to `ub_l` by
//! `s_l`, with tile sizes `T_l`, becomes
//!
//! ```text
//! for t_0 = lb_0 to ub_0 step s_0*T_0 { ... for t_n ... {        // tile loops
//!   for i_0 = t_0 to min(ub_0, t_0 + s_0*T_0) step s_0 { ...   // intra-tile loops
//!     body
//! } ... } }
//! ```
//!
//! The `min` is left out when the trip count is a known multiple of the
//! tile size; a loop whose tile size is 1 keeps only its tile loop (with
//! its own step). Tiling reorders iterations, so a band is tiled only when
//! its bounds do not depend on its own induction variables and every
//! memory dependence has non-negative distances along all its loops
//! ([`band_is_permutable`]); matmul's `C[i, j] +=` over `k` qualifies.
//!
//! ## Tile sizes
//!
//! `tile-size=N` tiles every loop by `N`; `tile-sizes=a,b,..` gives one
//! size per loop of a band, outermost first (missing ones are 4, as in
//! MLIR). Otherwise sizes are chosen for this machine, an AMD Zen 3
//! (32 KiB L1d, 512 KiB L2 per core): the largest power of two `T`,
//! used for every loop (capped by its trip count), such that the data one
//! tile touches fits in `cache-size` KiB, default 512 — the L2, so that a
//! tile's working set stays close while the inner loops stream through
//! L1. For a `f32` matmul that gives 128 (three 128x128 blocks, 192 KiB);
//! `cache-size=32` tiles for L1 instead (32, 12 KiB). The footprint of an
//! access is the product over its subscripts of the range a tile covers
//! (at most the dimension's size); accesses of one buffer count once, at
//! their largest. A band whose whole footprint already fits (counting an
//! unknown trip count as unbounded, so limited by the buffers' shapes) is
//! not tiled;
//! one whose footprint cannot be estimated (dynamic shapes, non-affine
//! subscripts) gets 32.

use tessera_compiler::affine::{AffineExpr, AffineMap};
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, OpId, TypeData, Value};
use tessera_dialects::affine::{Bound, ForOp, build_for};

use super::deps::{ValueTable, band_is_permutable, collect_accesses, split_linear_multi};
use super::loops::{BoundMap, LoopBounds, MergedOperands, constant_trip_count};
use super::util::defined_outside;

/// The tile size when the footprint cannot be estimated.
const FALLBACK_TILE_SIZE: i64 = 32;

/// The size of loops past the end of `tile-sizes` (MLIR's default).
const DEFAULT_TILE_SIZE: i64 = 4;

/// The `affine-loop-tile` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct AffineLoopTile {
    /// One size for every loop, if set.
    pub tile_size: Option<i64>,
    /// Sizes per loop of a band, outermost first.
    pub tile_sizes: Vec<i64>,
    /// The cache a tile's data should fit in, in bytes.
    pub cache_bytes: u64,
}

/// The registry entry of `affine-loop-tile`.
pub fn tile_info() -> PassInfo {
    PassInfo {
        name: "affine-loop-tile",
        summary: "Tile affine loop nests",
        description: "Tiles each perfectly nested band of `affine.for` loops: tile loops step \
            over the iteration space by the tile size, intra-tile loops run each tile (with a \
            `min` upper bound for partial tiles). A band is tiled only if its bounds are \
            rectangular and every dependence has non-negative distances along its loops. \
            Without `tile-size`/`tile-sizes`, sizes are the largest power of two whose tile \
            footprint fits in `cache-size` KiB (default 512: the L2 of a Zen 3 core); a band \
            that fits entirely is left alone.\n\nStatistics: `num-bands-tiled`.",
        anchor: Some("func.func"),
        options: vec![
            PassOptionInfo {
                name: "tile-size",
                kind: OptionKind::Int,
                default: "0",
                help: "Use this tile size for all loops (0: not set)",
            },
            PassOptionInfo {
                name: "tile-sizes",
                kind: OptionKind::List,
                default: "",
                help: "List of tile sizes for each perfect nest (overridden by tile-size)",
            },
            PassOptionInfo {
                name: "cache-size",
                kind: OptionKind::Int,
                default: "512",
                help: "Set size of cache to tile for in KiB (default: 512, a Zen 3 L2)",
            },
        ],
        create: create_tile,
    }
}

fn create_tile(o: &PassOptions) -> Result<Box<dyn Pass>, String> {
    let tile_size = match o.int("tile-size") {
        0 => None,
        n if n < 0 => return Err(format!("tile-size must be positive, got {n}")),
        n => Some(n),
    };
    let mut tile_sizes = Vec::new();
    for s in o.list("tile-sizes") {
        match s.parse::<i64>() {
            Ok(n) if n > 0 => tile_sizes.push(n),
            _ => return Err(format!("tile-sizes must be positive integers, got '{s}'")),
        }
    }
    let cache = o.int("cache-size");
    if cache <= 0 {
        return Err(format!("cache-size must be positive, got {cache}"));
    }
    Ok(Box::new(AffineLoopTile {
        tile_size,
        tile_sizes,
        cache_bytes: cache as u64 * 1024,
    }))
}

impl Pass for AffineLoopTile {
    fn run(
        &mut self,
        ctx: &mut Context,
        func: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let roots: Vec<OpId> = ctx
            .walk_preorder(func)
            .into_iter()
            .filter(|&o| ctx.op_is(o, "affine.for") && !inside_affine_for(ctx, o))
            .collect();
        let mut tiled = 0;
        for root in roots {
            let band = perfect_band(ctx, root);
            if band.is_empty() {
                continue;
            }
            let Some(sizes) = self.sizes(ctx, &band) else {
                continue;
            };
            if tile_band(ctx, &band, &sizes) {
                tiled += 1;
            }
        }
        state.count("num-bands-tiled", tiled);
        Ok(())
    }
}

impl AffineLoopTile {
    /// The tile sizes for `band`, or `None` when it should not be tiled.
    fn sizes(&self, ctx: &Context, band: &[OpId]) -> Option<Vec<i64>> {
        if let Some(t) = self.tile_size {
            return Some(vec![t; band.len()]);
        }
        if !self.tile_sizes.is_empty() {
            let mut s = self.tile_sizes.clone();
            s.resize(band.len(), DEFAULT_TILE_SIZE);
            return Some(s);
        }
        let counts: Vec<Option<i64>> = band
            .iter()
            .map(|&l| LoopBounds::of(ctx, l).and_then(|b| constant_trip_count(&b)))
            .collect();
        let capped = |t: i64| -> Vec<i64> {
            counts
                .iter()
                .map(|c| c.map_or(t, |c| t.min(c.max(1))))
                .collect()
        };
        // Unknown trip counts count as huge: the footprint is then bounded
        // by the buffers' shapes.
        let full: Vec<i64> = counts
            .iter()
            .map(|c| c.map_or(1 << 30, |c| c.max(1)))
            .collect();
        if footprint_bytes(ctx, band, &full).is_some_and(|f| f <= self.cache_bytes) {
            return None;
        }
        if footprint_bytes(ctx, band, &capped(1)).is_none() {
            return Some(capped(FALLBACK_TILE_SIZE));
        }
        let largest = counts.iter().flatten().copied().max().unwrap_or(i64::MAX);
        let mut t = 1;
        while t * 2 <= largest
            && t < (1 << 20)
            && footprint_bytes(ctx, band, &capped(t * 2)).is_some_and(|f| f <= self.cache_bytes)
        {
            t *= 2;
        }
        Some(capped(t))
    }
}

/// Whether `op` is nested in an `affine.for`.
fn inside_affine_for(ctx: &Context, op: OpId) -> bool {
    let mut cur = ctx.parent_op(op);
    while let Some(p) = cur {
        if ctx.op_is(p, "affine.for") {
            return true;
        }
        cur = ctx.parent_op(p);
    }
    false
}

/// The maximal perfect nest of loops without `iter_args` from `root`.
pub fn perfect_band(ctx: &Context, root: OpId) -> Vec<OpId> {
    let mut band = Vec::new();
    let mut cur = root;
    while let Some(v) = ForOp::view(ctx, cur) {
        if !v.inits.is_empty() {
            break;
        }
        band.push(cur);
        let ops = ctx.block_ops_vec(v.body);
        match ops[..] {
            [inner, _term] if ctx.op_is(inner, "affine.for") => cur = inner,
            _ => break,
        }
    }
    band
}

/// The bytes of element type `ty`.
fn elem_bytes(ctx: &Context, ty: tessera_compiler::Type) -> Option<u64> {
    let bits = match ctx.type_data(ty) {
        TypeData::Float(k) => k.width(),
        TypeData::Integer { width, .. } => *width,
        TypeData::Index => 64,
        _ => return None,
    };
    Some(u64::from(bits.div_ceil(8)))
}

/// An estimate of the bytes one tile of `band` with `sizes` touches (see
/// the [module docs](self)), or `None` if it cannot be estimated.
pub fn footprint_bytes(ctx: &Context, band: &[OpId], sizes: &[i64]) -> Option<u64> {
    let root = *band.first()?;
    let mut table = ValueTable::default();
    let mut vars = Vec::new();
    let mut steps = Vec::new();
    for &l in band {
        let v = ForOp::view(ctx, l)?;
        let AffineExpr::Dim(k) = table.dim(v.induction_var) else {
            return None;
        };
        vars.push(k);
        steps.push(v.step);
    }
    let accesses = collect_accesses(ctx, root, &mut table)?;
    let mut per_memref: Vec<(Value, u64, u64)> = Vec::new();
    for a in &accesses {
        if !defined_outside(ctx, a.memref, root) {
            continue;
        }
        let ty = ctx.value_type(a.memref);
        let shape = ctx.shape_of(ty)?;
        if shape.iter().any(|&d| d < 0) {
            return None;
        }
        let bytes = elem_bytes(ctx, ctx.elem_of(ty)?)?;
        let subs = a.subscripts.as_ref()?;
        let mut elems: u64 = 1;
        for (e, &dim) in subs.iter().zip(shape) {
            let dim = dim as u64;
            let extent = match split_linear_multi(e, &vars) {
                Some((coeffs, rest)) if uses_only_outer(ctx, &rest, &table, root) => {
                    let span: i128 = coeffs
                        .iter()
                        .zip(sizes)
                        .zip(&steps)
                        .map(|((&c, &t), &s)| {
                            i128::from(c).abs() * i128::from(s) * i128::from(t - 1)
                        })
                        .sum();
                    u64::try_from(span + 1).unwrap_or(u64::MAX).min(dim)
                }
                _ => dim,
            };
            elems = elems.saturating_mul(extent);
        }
        match per_memref.iter_mut().find(|(m, _, _)| *m == a.memref) {
            Some(entry) => entry.1 = entry.1.max(elems),
            None => per_memref.push((a.memref, elems, bytes)),
        }
    }
    Some(
        per_memref
            .iter()
            .map(|(_, n, b)| n.saturating_mul(*b))
            .fold(0u64, u64::saturating_add),
    )
}

/// Whether `e` uses only base values defined outside `root`.
fn uses_only_outer(ctx: &Context, e: &AffineExpr, table: &ValueTable, root: OpId) -> bool {
    table
        .values
        .iter()
        .enumerate()
        .all(|(k, &v)| !e.uses_dim(k as u32) || defined_outside(ctx, v, root))
}

/// Tiles `band` by `sizes` (see the [module docs](self)); returns whether
/// it did (it does not when that could change the meaning).
pub fn tile_band(ctx: &mut Context, band: &[OpId], sizes: &[i64]) -> bool {
    let root = band[0];
    let mut bounds = Vec::new();
    let mut ivs = Vec::new();
    for &l in band {
        let (Some(b), Some(v)) = (LoopBounds::of(ctx, l), ForOp::view(ctx, l)) else {
            return false;
        };
        // Rectangular: no bound depends on the band.
        if b.lower
            .operands
            .iter()
            .chain(&b.upper.operands)
            .any(|&x| !defined_outside(ctx, x, root))
        {
            return false;
        }
        ivs.push(v.induction_var);
        bounds.push(b);
    }
    if sizes.iter().all(|&t| t <= 1) || !band_is_permutable(ctx, band, &ivs) {
        return false;
    }
    let Some(inner_body) = ForOp::view(ctx, band[band.len() - 1]).map(|v| v.body) else {
        return false;
    };
    let loc = ctx.op(root).loc;
    let mut ip = InsertPoint::Before(root);
    // Tile loops.
    let mut tile_ivs = Vec::new();
    let mut innermost = None;
    for (b, &t) in bounds.iter().zip(sizes) {
        let mut builder = Builder::new(ctx, ip);
        let built = build_for(
            &mut builder,
            Bound::Map(b.lower.map.clone(), b.lower.operands.clone()),
            Bound::Map(b.upper.map.clone(), b.upper.operands.clone()),
            b.step * t.max(1),
            &[],
            loc,
        );
        tile_ivs.push(built.induction_var);
        ip = InsertPoint::Before(ctx.last_op(built.body).expect("a yield"));
        innermost = Some(built.body);
    }
    // Intra-tile loops, for the loops actually tiled.
    let mut new_ivs = tile_ivs.clone();
    for (l, (b, &t)) in bounds.iter().zip(sizes).enumerate() {
        if t <= 1 {
            continue;
        }
        let lower = BoundMap {
            map: AffineMap::identity(1),
            operands: vec![tile_ivs[l]],
        };
        let upper = intra_tile_upper(b, t, tile_ivs[l]);
        let mut builder = Builder::new(ctx, ip);
        let built = build_for(
            &mut builder,
            Bound::Map(lower.map, lower.operands),
            Bound::Map(upper.map, upper.operands),
            b.step,
            &[],
            loc,
        );
        new_ivs[l] = built.induction_var;
        ip = InsertPoint::Before(ctx.last_op(built.body).expect("a yield"));
        innermost = Some(built.body);
    }
    let (Some(target), InsertPoint::Before(yield_op)) = (innermost, ip) else {
        return false;
    };
    debug_assert_eq!(ctx.last_op(target), Some(yield_op));
    for (&old, &new) in ivs.iter().zip(&new_ivs) {
        ctx.replace_all_uses(old, new);
    }
    let term = ctx.last_op(inner_body);
    for op in ctx.block_ops_vec(inner_body) {
        if Some(op) != term {
            ctx.move_op_before(op, yield_op);
        }
    }
    ctx.erase_op(root);
    true
}

/// `min(ub, t + step * size)` over the tile loop's induction variable
/// `t` and the bound's operands; just `t + step * size` when the trip
/// count is a known multiple of `size`.
fn intra_tile_upper(b: &LoopBounds, size: i64, t: Value) -> BoundMap {
    let mut merged = MergedOperands::default();
    let tile_end = merged.add(&AffineMap::identity(1), &[t]).remove(0) + b.step * size;
    let divides =
        constant_trip_count(b).is_some_and(|tc| tc % size == 0) && b.lower.map.results.len() == 1;
    if divides {
        return merged.bound(vec![tile_end]);
    }
    let mut results = vec![tile_end];
    results.extend(merged.add(&b.upper.map, &b.upper.operands));
    merged.bound(results)
}
