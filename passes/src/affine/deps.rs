//! A simple memory dependence test for loop transformations: which
//! memory accesses a loop makes, with subscripts as affine expressions of
//! base values, and whether one iteration of a loop may touch an element
//! another iteration writes.
//!
//! Subscripts are rewritten over *base values*: `affine.apply` results are
//! replaced by their expression (recursively), constants by their value,
//! and anything else (induction variables, function arguments, other
//! results) becomes a dimension `d<k>` standing for the `k`-th entry of a
//! shared [`ValueTable`]. Two subscripts are then equal exactly when their
//! expressions are.
//!
//! As MLIR's affine analysis does, distinct memref values are assumed not
//! to alias. Ops with unknown memory effects (anything not pure that is
//! not a known access, loop or conditional) make the test answer
//! "dependent".

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::{Context, OpId, OpTraits, Value};
use tessera_dialects::affine::{ApplyKind, ApplyOp, LoadOp, StoreOp};

use super::util::{AliasKey, alias_key, constant_int, defined_outside};

/// The base values subscripts are expressed over: `d<k>` is `values[k]`.
#[derive(Clone, Debug, Default)]
pub struct ValueTable {
    /// The values, in order of first use.
    pub values: Vec<Value>,
    /// Values to treat as others (`(from, to)`): fusion compares two
    /// loops' accesses as if their induction variables were one.
    pub renames: Vec<(Value, Value)>,
}

impl ValueTable {
    /// The dimension standing for `v`.
    pub fn dim(&mut self, v: Value) -> AffineExpr {
        let v = self
            .renames
            .iter()
            .find(|(from, _)| *from == v)
            .map_or(v, |&(_, to)| to);
        let k = match self.values.iter().position(|&x| x == v) {
            Some(k) => k,
            None => {
                self.values.push(v);
                self.values.len() - 1
            }
        };
        AffineExpr::Dim(k as u32)
    }

    /// `v` as an expression over base values.
    pub fn resolve(&mut self, ctx: &Context, v: Value) -> AffineExpr {
        if let Some(c) = constant_int(ctx, v) {
            return AffineExpr::Constant(c);
        }
        if let Some(op) = ctx.defining_op(v)
            && let Some(a) = ApplyOp::view(ctx, op)
            && a.kind == ApplyKind::Apply
            && a.map.results.len() == 1
        {
            let (map, operands) = (a.map.clone(), a.operands.to_vec());
            return self.resolve_map_result(ctx, &map.results[0], map.num_dims, &operands);
        }
        self.dim(v)
    }

    /// A map result `e` over `operands` (dimensions, then symbols) as an
    /// expression over base values.
    pub fn resolve_map_result(
        &mut self,
        ctx: &Context,
        e: &AffineExpr,
        num_dims: u32,
        operands: &[Value],
    ) -> AffineExpr {
        let (d, s) = operands.split_at(num_dims as usize);
        let dims: Vec<AffineExpr> = d.iter().map(|&v| self.resolve(ctx, v)).collect();
        let syms: Vec<AffineExpr> = s.iter().map(|&v| self.resolve(ctx, v)).collect();
        e.replace_dims_and_symbols(&dims, &syms)
    }
}

/// One memory access.
#[derive(Clone, Debug)]
pub struct Access {
    /// The op.
    pub op: OpId,
    /// The buffer.
    pub memref: Value,
    /// Whether it writes.
    pub write: bool,
    /// The subscripts over base values; `None` when not affine (`memref.load`).
    pub subscripts: Option<Vec<AffineExpr>>,
}

/// The accesses of the ops nested in `root`, or `None` if one of them has
/// memory effects this analysis does not model.
pub fn collect_accesses(ctx: &Context, root: OpId, table: &mut ValueTable) -> Option<Vec<Access>> {
    let mut out = Vec::new();
    for op in ctx.walk_preorder(root) {
        if let Some(a) = access_of(ctx, op, table) {
            out.push(a);
        } else if !is_effect_free_structure(ctx, op) {
            return None;
        }
    }
    Some(out)
}

/// The access `op` makes, if it is a load or store.
pub fn access_of(ctx: &Context, op: OpId, table: &mut ValueTable) -> Option<Access> {
    if let Some(l) = LoadOp::view(ctx, op) {
        let (map, indices, memref) = (l.map.clone(), l.indices.to_vec(), l.memref);
        let subs = map
            .results
            .iter()
            .map(|e| table.resolve_map_result(ctx, e, map.num_dims, &indices))
            .collect();
        return Some(Access {
            op,
            memref,
            write: false,
            subscripts: Some(subs),
        });
    }
    if let Some(s) = StoreOp::view(ctx, op) {
        let (map, indices, memref) = (s.map.clone(), s.indices.to_vec(), s.memref);
        let subs = map
            .results
            .iter()
            .map(|e| table.resolve_map_result(ctx, e, map.num_dims, &indices))
            .collect();
        return Some(Access {
            op,
            memref,
            write: true,
            subscripts: Some(subs),
        });
    }
    let (write, memref) = match ctx.op_name_of(op) {
        "memref.load" => (false, *ctx.op(op).operands.first()?),
        "memref.store" => (true, *ctx.op(op).operands.get(1)?),
        _ => return None,
    };
    Some(Access {
        op,
        memref,
        write,
        subscripts: None,
    })
}

/// Ops that touch no memory themselves: pure ops, loops, conditionals and
/// their terminators, and allocations (a fresh buffer aliases nothing).
fn is_effect_free_structure(ctx: &Context, op: OpId) -> bool {
    ctx.op_has_traits(op, OpTraits::PURE)
        || matches!(
            ctx.op_name_of(op),
            "affine.for"
                | "affine.parallel"
                | "affine.if"
                | "affine.yield"
                | "scf.for"
                | "scf.parallel"
                | "scf.if"
                | "scf.while"
                | "scf.yield"
                | "scf.condition"
                | "scf.reduce"
                | "scf.reduce.return"
                | "memref.alloc"
                | "memref.alloca"
                | "memref.dealloc"
        )
}

/// Whether `memref` views a buffer allocated inside `lp` (so each
/// iteration has its own).
pub fn is_private_to(ctx: &Context, memref: Value, lp: OpId) -> bool {
    match alias_key(ctx, memref) {
        AliasKey::Value(root) => {
            !defined_outside(ctx, root, lp)
                && ctx
                    .defining_op(root)
                    .is_some_and(|d| ctx.op_is(d, "memref.alloc") || ctx.op_is(d, "memref.alloca"))
        }
        AliasKey::Global(_) => false,
    }
}

/// Whether two accesses use one buffer: `Some(true)` for the same memref
/// value, `Some(false)` for values that cannot alias ([`alias_key`]),
/// `None` for different views of one buffer (anything may overlap).
pub fn same_buffer(ctx: &Context, a: &Access, b: &Access) -> Option<bool> {
    if a.memref == b.memref {
        Some(true)
    } else if alias_key(ctx, a.memref) != alias_key(ctx, b.memref) {
        Some(false)
    } else {
        None
    }
}

/// `e` as `coefficient * d<var> + rest`, when it is linear in `d<var>`.
pub fn split_linear(e: &AffineExpr, var: u32) -> Option<(i64, AffineExpr)> {
    let dims_with = |value: i64| -> Vec<AffineExpr> {
        (0..=var)
            .map(|k| {
                if k == var {
                    AffineExpr::Constant(value)
                } else {
                    AffineExpr::Dim(k)
                }
            })
            .collect()
    };
    let rest = e.replace_dims_and_symbols(&dims_with(0), &[]);
    let at_one = e.replace_dims_and_symbols(&dims_with(1), &[]);
    let coeff = (at_one + rest.clone() * -1).as_constant()?;
    let rebuilt = AffineExpr::Dim(var) * coeff + rest.clone();
    let same = rebuilt == *e || (e.clone() + rebuilt * -1).as_constant() == Some(0);
    same.then_some((coeff, rest))
}

/// Whether expression `e` uses only base values defined outside `lp`.
fn invariant_in(ctx: &Context, e: &AffineExpr, table: &ValueTable, lp: OpId) -> bool {
    table
        .values
        .iter()
        .enumerate()
        .all(|(k, &v)| !e.uses_dim(k as u32) || defined_outside(ctx, v, lp))
}

/// Whether two accesses made in *different* iterations of the loop `lp`,
/// whose induction variable is `d<var>`, always touch different elements:
/// some subscript is `c * iv + rest_a` and `c * iv + rest_b`, the rests
/// made of values defined outside the loop and differing by a constant
/// `delta`, with either `delta == 0` and `c != 0` (equal only at the same
/// iteration), or `delta` not a multiple of `c` (never equal; `c == 0`
/// included).
pub fn distinct_across_iterations(
    ctx: &Context,
    a: &Access,
    b: &Access,
    var: u32,
    lp: OpId,
    table: &ValueTable,
) -> bool {
    let (Some(sa), Some(sb)) = (&a.subscripts, &b.subscripts) else {
        return false;
    };
    sa.iter().zip(sb).any(|(ea, eb)| {
        let (Some((ca, ra)), Some((cb, rb))) = (split_linear(ea, var), split_linear(eb, var))
        else {
            return false;
        };
        if ca != cb || !invariant_in(ctx, &ra, table, lp) || !invariant_in(ctx, &rb, table, lp) {
            return false;
        }
        // ca * x1 + ra == ca * x2 + rb only if ca * (x1 - x2) == rb - ra.
        match (rb + ra * -1).as_constant() {
            Some(0) => ca != 0,
            Some(delta) => ca == 0 || delta % ca != 0,
            None => false,
        }
    })
}

/// Whether some iteration of the loop `lp` (induction variable `iv`) may
/// access a memory element that another iteration writes. Buffers
/// allocated inside the loop are private to an iteration and ignored.
pub fn loop_carries_memory_dependence(ctx: &Context, lp: OpId, iv: Value) -> bool {
    let mut table = ValueTable::default();
    let AffineExpr::Dim(var) = table.dim(iv) else {
        return true;
    };
    let Some(accesses) = collect_accesses(ctx, lp, &mut table) else {
        return true;
    };
    for a in &accesses {
        if !a.write || is_private_to(ctx, a.memref, lp) {
            continue;
        }
        // Every access of the same buffer, this write included (two
        // iterations writing one element), must touch other elements.
        for b in &accesses {
            match same_buffer(ctx, a, b) {
                Some(false) => {}
                None => return true,
                Some(true) => {
                    if !distinct_across_iterations(ctx, a, b, var, lp, &table) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// `e` as `Σ coeffs[l] * d<vars[l]> + rest`, when it is linear in those
/// dimensions.
pub fn split_linear_multi(e: &AffineExpr, vars: &[u32]) -> Option<(Vec<i64>, AffineExpr)> {
    let max = vars.iter().copied().max().map_or(0, |m| m + 1);
    let subst = |set: Option<u32>| -> Vec<AffineExpr> {
        (0..max)
            .map(|k| {
                if vars.contains(&k) {
                    AffineExpr::Constant(i64::from(set == Some(k)))
                } else {
                    AffineExpr::Dim(k)
                }
            })
            .collect()
    };
    let rest = e.replace_dims_and_symbols(&subst(None), &[]);
    let mut coeffs = Vec::with_capacity(vars.len());
    let mut rebuilt = rest.clone();
    for &v in vars {
        let at_one = e.replace_dims_and_symbols(&subst(Some(v)), &[]);
        let c = (at_one + rest.clone() * -1).as_constant()?;
        coeffs.push(c);
        rebuilt = rebuilt + AffineExpr::Dim(v) * c;
    }
    let same = rebuilt == *e || (e.clone() + rebuilt * -1).as_constant() == Some(0);
    same.then_some((coeffs, rest))
}

/// What a pair of accesses implies for reordering the iterations of a band.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PairDeps {
    /// They never touch the same element (or only within one iteration).
    Independent,
    /// They may, at iterations differing by these distances (per band
    /// loop; `None` for a loop whose distance can be anything).
    Distances(Vec<Option<i64>>),
    /// Not analyzable.
    Unknown,
}

/// The distances between iterations of the band (induction variables
/// `vars`) at which `a` and `b` touch the same element.
fn pair_distances(
    ctx: &Context,
    a: &Access,
    b: &Access,
    vars: &[u32],
    outer: OpId,
    table: &ValueTable,
) -> PairDeps {
    let (Some(sa), Some(sb)) = (&a.subscripts, &b.subscripts) else {
        return PairDeps::Unknown;
    };
    let mut dist: Vec<Option<i64>> = vec![None; vars.len()];
    for (ea, eb) in sa.iter().zip(sb) {
        let (Some((ca, ra)), Some((cb, rb))) =
            (split_linear_multi(ea, vars), split_linear_multi(eb, vars))
        else {
            return PairDeps::Unknown;
        };
        if ca != cb
            || !invariant_in(ctx, &ra, table, outer)
            || !invariant_in(ctx, &rb, table, outer)
        {
            return PairDeps::Unknown;
        }
        let Some(delta) = (ra + rb * -1).as_constant() else {
            return PairDeps::Unknown;
        };
        let used: Vec<usize> = (0..vars.len()).filter(|&l| ca[l] != 0).collect();
        match used[..] {
            [] if delta != 0 => return PairDeps::Independent,
            [] => {}
            [l] => {
                // ca[l] * x_a + delta == ca[l] * x_b: x_b - x_a == delta / ca[l].
                if delta % ca[l] != 0 {
                    return PairDeps::Independent;
                }
                let d = delta / ca[l];
                match dist[l] {
                    Some(old) if old != d => return PairDeps::Independent,
                    _ => dist[l] = Some(d),
                }
            }
            _ => return PairDeps::Unknown,
        }
    }
    PairDeps::Distances(dist)
}

/// Whether the loops of `band` (a perfect nest, outermost first) may be
/// reordered as tiling does: every dependence between iterations has
/// non-negative distances along every loop of the band. Accesses whose
/// subscripts are not of the forms [`pair_distances`] understands make the
/// answer `false`.
pub fn band_is_permutable(ctx: &Context, band: &[OpId], ivs: &[Value]) -> bool {
    let Some(&outer) = band.first() else {
        return true;
    };
    let mut table = ValueTable::default();
    let vars: Vec<u32> = ivs
        .iter()
        .map(|&v| match table.dim(v) {
            AffineExpr::Dim(k) => k,
            _ => unreachable!("ValueTable::dim gives a dimension"),
        })
        .collect();
    let Some(accesses) = collect_accesses(ctx, outer, &mut table) else {
        return false;
    };
    for a in accesses.iter().filter(|a| a.write) {
        if is_private_to(ctx, a.memref, outer) {
            continue;
        }
        for b in &accesses {
            let ok = match same_buffer(ctx, a, b) {
                Some(false) => continue,
                None => false,
                Some(true) => match pair_distances(ctx, a, b, &vars, outer, &table) {
                    PairDeps::Independent => true,
                    PairDeps::Unknown => false,
                    PairDeps::Distances(d) => distances_allow_tiling(&d),
                },
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Whether every dependence with these distances (free where `None`) has
/// non-negative components once oriented from the earlier iteration.
fn distances_allow_tiling(d: &[Option<i64>]) -> bool {
    let free = d.iter().filter(|x| x.is_none()).count();
    let fixed: Vec<i64> = d.iter().flatten().copied().collect();
    match free {
        0 => {
            // Orient lexicographically positive; then all must be >= 0.
            let sign = fixed.iter().find(|&&x| x != 0).map_or(1, |x| x.signum());
            fixed.iter().all(|&x| x * sign >= 0)
        }
        1 => fixed.iter().all(|&x| x == 0),
        _ => false,
    }
}
