//! Writing the blocked schedule of a recognized matmul nest.
//!
//! The output (before the nest it replaces, which is then erased) is, for
//! a problem `C[M, N] (+)= A[M, K] * B[K, N]` cut by a [`Plan`]:
//!
//! ```text
//! %bp = memref.alloc : memref<NC/NR x K x NR x f32>    (packed B block)
//! %ap = memref.alloc : memref<MC/MR x MR x KC x f32>   (packed A block)
//! batch loops {
//!   main part, rows [0, M_full) x columns [0, N_full):
//!     for jc (B blocks of NC columns) {
//!       pack B[0..K, jc..]: each NR-column strip K x NR, contiguous
//!       for ic (A blocks of MC rows) { for pc (K blocks of KC) {
//!         pack A[ic.., pc..]: each MR-row strip MR x KC, rows contiguous
//!         for jt (NR-column tiles) { for it (MR-row tiles) { micro-kernel } } } }
//!       bottom edge, rows [M_full, M) of the block: micro-kernels on %bp, all of K }
//!   right edge, columns [N_full, N): a micro-kernel per MR rows, all of K
//!   bottom-right corner
//! }
//! memref.dealloc %ap, %bp
//! ```
//!
//! The K-block loop runs inside the A-block loop (BLIS runs it outside):
//! the `MC x NC` block of `C` then stays in L2 from one K block to the
//! next, so the micro-kernel's loads of its `C` tile hit L2 instead of
//! missing to L3 (at 1024 this was worth ~15%). The price is packing B
//! over all of K at once, which the cap on its size (see [`super::plan`])
//! keeps in L2/L3.
//!
//! The micro-kernel keeps an `MR x NR` tile of `C` in `MR * NR / 8`
//! `vector<8xf32>` accumulators carried by the `k` loop: per `k` it loads
//! the `NR / 8` vectors of a `B` row, and for each of the `MR` rows
//! broadcasts one `A` element and does `NR / 8` `vector.fma`s. The
//! accumulators start at zero (C was zero, first K block) or at `C`'s
//! tile, and are stored back after the `k` loop. Edge tiles have fewer
//! rows (fewer accumulators) or columns (a `vector.maskedload` /
//! `maskedstore` with a constant mask for a partial vector); they read
//! `A` (and, on the right edge, `B`) in place, which thin strips afford.
//!
//! Without packing (small problems) the main part is the tile loops with
//! the micro-kernel reading `A` and `B` in place, over the whole `K`.
//! Loops that would run once are not made, so a small static problem is
//! straight-line code around its tile loops.

use tessera_compiler::affine::AffineExpr;
use tessera_compiler::{Context, Type, Value};

use super::pattern::{MatmulNest, Operand};
use super::plan::{LANES, Plan};
use crate::kernels::build::{KernelBuilder, Upper};

/// A buffer as the schedule sees it: the memref and the values of its
/// leading subscripts inside the batch loops.
#[derive(Clone)]
struct Buf {
    mem: Value,
    lead: Vec<Value>,
}

impl Buf {
    /// The indices `lead.., rest..`.
    fn indices(&self, rest: &[Value]) -> Vec<Value> {
        let mut v = self.lead.clone();
        v.extend_from_slice(rest);
        v
    }
}

/// Where the micro-kernel reads `A`.
enum ASrc {
    /// Tile `tile` of the packed block: `buf[tile, r, p]`.
    Packed { buf: Value, tile: Value },
    /// In place: `A[.., row0 + r, k0 + p]`.
    Direct {
        a: Buf,
        row0: Value,
        k0: Option<Value>,
    },
}

/// Where the micro-kernel reads `B`.
enum BSrc {
    /// Tile `tile` of the packed block: `buf[tile, k0 + p, 8v..]`.
    Packed { buf: Value, tile: Value, k0: Value },
    /// In place: `B[.., k0 + p, col0 + 8v..]`.
    Direct {
        b: Buf,
        col0: Value,
        k0: Option<Value>,
    },
}

/// What the accumulators start from.
#[derive(Copy, Clone)]
enum Start {
    /// Zero.
    Zero,
    /// `C`'s tile.
    Load,
    /// Zero when the value (the K block start) is 0, else `C`'s tile.
    ZeroIfFirst(Value),
}

/// One register tile: its size, sources and destination.
struct Tile<'t> {
    rows: i64,
    cols: i64,
    a: ASrc,
    b: BSrc,
    c: &'t Buf,
    row0: Value,
    col0: Value,
    kc: Upper,
    start: Start,
}

/// The values the emitter keeps at hand.
struct Ctx<'p> {
    plan: &'p Plan,
    vty: Type,
    zero: Value,
    m: i64,
    n: i64,
    k: i64,
    /// Whether the sums start from zero (the zeroing of C was folded).
    from_zero: bool,
    /// The `f32` zero padding reads of A past its rows' end, when A is
    /// packed and K is not a multiple of the vector width.
    pad: Option<Value>,
}

/// Replaces `nest` by its blocked schedule under `plan`. With
/// `from_zero`, `C` is known to be zero before the nest (its zeroing was
/// folded away by the caller), so the first K block does not read it.
pub fn emit_schedule(ctx: &mut Context, nest: &MatmulNest, plan: &Plan, from_zero: bool) {
    let loc = ctx.op(nest.root).loc;
    let f32 = ctx.f32_type();
    let vty = ctx.vector_type(&[LANES], f32);
    let mut kb = KernelBuilder::before(ctx, nest.root, loc);
    let zero_op = kb.zero_vector(vty);
    kb.pin_constants_before(zero_op);
    let zero = kb.ctx.result(zero_op, 0);
    let cx = Ctx {
        plan,
        vty,
        zero,
        m: nest.m,
        n: nest.n,
        k: nest.k,
        from_zero: from_zero || !nest.accumulate,
        pad: (plan.pack_a && nest.k % LANES != 0).then(|| kb.f32_constant(0.0)),
    };
    let packing = (plan.m_full > 0 && plan.n_full > 0).then(|| {
        let bp = plan.pack_b.then(|| {
            let ty = kb
                .ctx
                .memref_type(&[plan.nc / plan.nr, nest.k, plan.nr], f32);
            kb.alloc(ty)
        });
        let ap = plan.pack_a.then(|| {
            let kc_padded = (plan.kc + LANES - 1) / LANES * LANES;
            let ty = kb
                .ctx
                .memref_type(&[plan.mc / plan.mr, plan.mr, kc_padded], f32);
            kb.alloc(ty)
        });
        (ap, bp)
    });
    let (ap, bp) = packing.unwrap_or((None, None));
    batch_loops(&mut kb, &nest.batch, &mut Vec::new(), &mut |kb, ivs| {
        let a = lead_values(kb, &nest.a, ivs);
        let b = lead_values(kb, &nest.b, ivs);
        let c = lead_values(kb, &nest.c, ivs);
        if plan.m_full > 0 && plan.n_full > 0 {
            match bp {
                Some(bp) => packed_main(kb, &cx, &a, &b, &c, ap, bp),
                None => direct_main(kb, &cx, &a, &b, &c),
            }
        }
        // Packed, the bottom edge's full tiles read the packed B blocks.
        let packed_bottom = bp.is_some();
        edges(kb, &cx, &a, &b, &c, packed_bottom);
    });
    for buf in [ap, bp].into_iter().flatten() {
        kb.dealloc(buf);
    }
    kb.ctx.erase_op(nest.root);
}

/// The batch loops, outermost first, then `body` with their indices.
fn batch_loops(
    kb: &mut KernelBuilder<'_>,
    trips: &[i64],
    ivs: &mut Vec<Value>,
    body: &mut dyn FnMut(&mut KernelBuilder<'_>, &[Value]),
) {
    match trips.split_first() {
        None => body(kb, ivs),
        Some((&t, rest)) => {
            kb.for_loop(Upper::Const(t), 1, &[], |kb, iv, _| {
                ivs.push(iv);
                batch_loops(kb, rest, ivs, body);
                ivs.pop();
                vec![]
            });
        }
    }
}

/// `op`'s leading subscripts evaluated at the batch indices `ivs`.
fn lead_values(kb: &mut KernelBuilder<'_>, op: &Operand, ivs: &[Value]) -> Buf {
    let lead = op.lead.iter().map(|e| kb.apply(e.clone(), ivs)).collect();
    Buf {
        mem: op.memref,
        lead,
    }
}

/// A loop over the blocks of `[0, total)` of at most `block` elements:
/// `body` gets the block's start and its length in units of `unit` (as a
/// loop bound). Blocks are multiples of `unit`, and so is `total`.
fn blocks(
    kb: &mut KernelBuilder<'_>,
    total: i64,
    block: i64,
    unit: i64,
    mut body: impl FnMut(&mut KernelBuilder<'_>, Value, Upper),
) {
    if total <= block {
        let zero = kb.index(0);
        return body(kb, zero, Upper::Const(total / unit));
    }
    kb.for_loop(Upper::Const(total), block, &[], |kb, start, _| {
        let units = if total % block == 0 {
            Upper::Const(block / unit)
        } else {
            let d0 = AffineExpr::dim(0);
            Upper::Min(
                vec![
                    AffineExpr::constant(block / unit),
                    (AffineExpr::constant(total) - d0).floor_div(unit),
                ],
                vec![start],
            )
        };
        body(kb, start, units);
        vec![]
    });
}

/// `base + step * idx`.
fn offset(kb: &mut KernelBuilder<'_>, base: Value, idx: Value, step: i64) -> Value {
    kb.apply(AffineExpr::dim(0) + AffineExpr::dim(1) * step, &[base, idx])
}

/// The main part with packing: the blocked loop nest around the
/// micro-kernel (see the module docs for the order).
fn packed_main(
    kb: &mut KernelBuilder<'_>,
    cx: &Ctx<'_>,
    a: &Buf,
    b: &Buf,
    c: &Buf,
    ap: Option<Value>,
    bp: Value,
) {
    let p = cx.plan;
    blocks(kb, p.n_full, p.nc, p.nr, |kb, jc, n_tiles| {
        pack_b(kb, cx, b, bp, jc, n_tiles.clone());
        blocks(kb, p.m_full, p.mc, p.mr, |kb, ic, m_tiles| {
            blocks(kb, cx.k, p.kc, 1, |kb, pc, kc| {
                let start = if !cx.from_zero {
                    Start::Load
                } else if cx.k <= p.kc {
                    Start::Zero
                } else {
                    Start::ZeroIfFirst(pc)
                };
                if let Some(ap) = ap {
                    pack_a(kb, cx, a, ap, ic, m_tiles.clone(), pc, kc.clone());
                }
                kb.for_loop(n_tiles.clone(), 1, &[], |kb, jt, _| {
                    let col0 = offset(kb, jc, jt, p.nr);
                    kb.for_loop(m_tiles.clone(), 1, &[], |kb, it, _| {
                        let row0 = offset(kb, ic, it, p.mr);
                        let a_src = match ap {
                            Some(buf) => ASrc::Packed { buf, tile: it },
                            None => ASrc::Direct {
                                a: a.clone(),
                                row0,
                                k0: Some(pc),
                            },
                        };
                        micro_kernel(
                            kb,
                            cx,
                            Tile {
                                rows: p.mr,
                                cols: p.nr,
                                a: a_src,
                                b: BSrc::Packed {
                                    buf: bp,
                                    tile: jt,
                                    k0: pc,
                                },
                                c,
                                row0,
                                col0,
                                kc: kc.clone(),
                                start,
                            },
                        );
                        vec![]
                    });
                    vec![]
                });
            });
        });
        let h = cx.m - p.m_full;
        if h > 0 {
            bottom_tiles(kb, cx, a, c, bp, jc, n_tiles);
        }
    });
}

/// The bottom edge's tiles of one B block: rows `[M_full, M)` against
/// the packed B block, over the whole K range (the block holds it all).
fn bottom_tiles(
    kb: &mut KernelBuilder<'_>,
    cx: &Ctx<'_>,
    a: &Buf,
    c: &Buf,
    bp: Value,
    jc: Value,
    n_tiles: Upper,
) {
    let p = cx.plan;
    let row0 = kb.index(p.m_full);
    let zero = kb.index(0);
    kb.for_loop(n_tiles, 1, &[], |kb, jt, _| {
        let col0 = offset(kb, jc, jt, p.nr);
        micro_kernel(
            kb,
            cx,
            Tile {
                rows: cx.m - p.m_full,
                cols: p.nr,
                a: ASrc::Direct {
                    a: a.clone(),
                    row0,
                    k0: None,
                },
                b: BSrc::Packed {
                    buf: bp,
                    tile: jt,
                    k0: zero,
                },
                c,
                row0,
                col0,
                kc: Upper::Const(cx.k),
                start: if cx.from_zero {
                    Start::Zero
                } else {
                    Start::Load
                },
            },
        );
        vec![]
    });
}

/// Copies `B[k, jc + NR * t + l]` to `bp[t, k, l]` for the block's tiles
/// `t` and all of K, row by row (so B is read sequentially).
fn pack_b(kb: &mut KernelBuilder<'_>, cx: &Ctx<'_>, b: &Buf, bp: Value, jc: Value, n_tiles: Upper) {
    let nr = cx.plan.nr;
    kb.for_loop(Upper::Const(cx.k), 1, &[], |kb, k, _| {
        kb.for_loop(n_tiles, 1, &[], |kb, t, _| {
            let col = offset(kb, jc, t, nr);
            for v in 0..nr / LANES {
                let col = kb.apply(AffineExpr::dim(0) + v * LANES, &[col]);
                let x = kb.vload(cx.vty, b.mem, &b.indices(&[k, col]));
                let lane = kb.index(v * LANES);
                kb.vstore(x, bp, &[t, k, lane]);
            }
            vec![]
        });
        vec![]
    });
}

/// Copies `A[ic + MR * t + r, pc + p]` to `ap[t, r, p]` for the block's
/// tiles `t` and K range `p`, a vector of 8 at a time. When K is not a
/// multiple of 8, the reads are `vector.transfer_read`s that pad past
/// the end of A's rows with zeros (written to `ap`'s padding, never read).
#[allow(clippy::too_many_arguments)]
fn pack_a(
    kb: &mut KernelBuilder<'_>,
    cx: &Ctx<'_>,
    a: &Buf,
    ap: Value,
    ic: Value,
    m_tiles: Upper,
    pc: Value,
    kc: Upper,
) {
    let mr = cx.plan.mr;
    kb.for_loop(m_tiles, 1, &[], |kb, t, _| {
        let row = offset(kb, ic, t, mr);
        let rows: Vec<Value> = (0..mr)
            .map(|r| kb.apply(AffineExpr::dim(0) + r, &[row]))
            .collect();
        kb.for_loop(kc, LANES, &[], |kb, p, _| {
            let kk = offset(kb, pc, p, 1);
            for (r, &row) in rows.iter().enumerate() {
                let idx = a.indices(&[row, kk]);
                let x = match cx.pad {
                    Some(pad) => kb.transfer_read(cx.vty, a.mem, &idx, pad),
                    None => kb.vload(cx.vty, a.mem, &idx),
                };
                let r = kb.index(r as i64);
                kb.vstore(x, ap, &[t, r, p]);
            }
            vec![]
        });
        vec![]
    });
}

/// `A[.., row + r, k0 + p]` (`k0` absent: `p`).
fn load_a(
    kb: &mut KernelBuilder<'_>,
    a: &Buf,
    row: Value,
    r: i64,
    p: Value,
    k0: Option<Value>,
) -> Value {
    let nl = a.lead.len() as u32;
    let mut subs: Vec<AffineExpr> = (0..nl).map(AffineExpr::dim).collect();
    subs.push(AffineExpr::dim(nl) + r);
    let mut operands = a.indices(&[row, p]);
    match k0 {
        Some(k0) => {
            subs.push(AffineExpr::dim(nl + 1) + AffineExpr::dim(nl + 2));
            operands.push(k0);
        }
        None => subs.push(AffineExpr::dim(nl + 1)),
    }
    kb.load(a.mem, subs, &operands)
}

/// The main part without packing: tiles over the whole K range.
fn direct_main(kb: &mut KernelBuilder<'_>, cx: &Ctx<'_>, a: &Buf, b: &Buf, c: &Buf) {
    let p = cx.plan;
    kb.for_loop(Upper::Const(p.n_full / p.nr), 1, &[], |kb, jt, _| {
        let col0 = kb.apply(AffineExpr::dim(0) * p.nr, &[jt]);
        kb.for_loop(Upper::Const(p.m_full / p.mr), 1, &[], |kb, it, _| {
            let row0 = kb.apply(AffineExpr::dim(0) * p.mr, &[it]);
            direct_tile(kb, cx, a, b, c, (p.mr, p.nr), row0, col0);
            vec![]
        });
        vec![]
    });
}

/// The edge strips: columns `[N_full, N)` for the full row tiles, then
/// rows `[M_full, M)` for every column: the full column tiles (unless
/// `packed_bottom`: [`packed_main`] did them) and the corner.
fn edges(kb: &mut KernelBuilder<'_>, cx: &Ctx<'_>, a: &Buf, b: &Buf, c: &Buf, packed_bottom: bool) {
    let p = cx.plan;
    let (w, h) = (cx.n - p.n_full, cx.m - p.m_full);
    if w > 0 && p.m_full > 0 {
        let col0 = kb.index(p.n_full);
        kb.for_loop(Upper::Const(p.m_full / p.mr), 1, &[], |kb, it, _| {
            let row0 = kb.apply(AffineExpr::dim(0) * p.mr, &[it]);
            direct_tile(kb, cx, a, b, c, (p.mr, w), row0, col0);
            vec![]
        });
    }
    if h > 0 {
        let row0 = kb.index(p.m_full);
        if !packed_bottom {
            kb.for_loop(Upper::Const(p.n_full / p.nr), 1, &[], |kb, jt, _| {
                let col0 = kb.apply(AffineExpr::dim(0) * p.nr, &[jt]);
                direct_tile(kb, cx, a, b, c, (h, p.nr), row0, col0);
                vec![]
            });
        }
        if w > 0 {
            let col0 = kb.index(p.n_full);
            direct_tile(kb, cx, a, b, c, (h, w), row0, col0);
        }
    }
}

/// A `rows x cols` tile at `(row0, col0)` reading `A` and `B` in place
/// over the whole K range.
#[allow(clippy::too_many_arguments)]
fn direct_tile(
    kb: &mut KernelBuilder<'_>,
    cx: &Ctx<'_>,
    a: &Buf,
    b: &Buf,
    c: &Buf,
    (rows, cols): (i64, i64),
    row0: Value,
    col0: Value,
) {
    micro_kernel(
        kb,
        cx,
        Tile {
            rows,
            cols,
            a: ASrc::Direct {
                a: a.clone(),
                row0,
                k0: None,
            },
            b: BSrc::Direct {
                b: b.clone(),
                col0,
                k0: None,
            },
            c,
            row0,
            col0,
            kc: Upper::Const(cx.k),
            start: if cx.from_zero {
                Start::Zero
            } else {
                Start::Load
            },
        },
    );
}

/// The register-blocked micro-kernel; see the module docs.
fn micro_kernel(kb: &mut KernelBuilder<'_>, cx: &Ctx<'_>, t: Tile<'_>) {
    let nv = (t.cols + LANES - 1) / LANES;
    let tail = t.cols - LANES * (nv - 1);
    let mask = (tail < LANES).then(|| kb.constant_mask(LANES, tail));
    // The mask of vector `v`, if it is the partial last one.
    let mask_of = |v: i64| mask.filter(|_| v == nv - 1);
    let d0 = AffineExpr::dim(0);
    let c_rows: Vec<Value> = (0..t.rows)
        .map(|r| kb.apply(d0.clone() + r, &[t.row0]))
        .collect();
    let c_cols: Vec<Value> = (0..nv)
        .map(|v| kb.apply(d0.clone() + v * LANES, &[t.col0]))
        .collect();
    let c_index = |r: i64, v: i64| t.c.indices(&[c_rows[r as usize], c_cols[v as usize]]);
    let load_c = |kb: &mut KernelBuilder<'_>| -> Vec<Value> {
        let mut out = Vec::new();
        for r in 0..t.rows {
            for v in 0..nv {
                let idx = c_index(r, v);
                out.push(match mask_of(v) {
                    Some(m) => kb.masked_load(t.c.mem, &idx, m, cx.zero),
                    None => kb.vload(cx.vty, t.c.mem, &idx),
                });
            }
        }
        out
    };
    let count = (t.rows * nv) as usize;
    let inits = match t.start {
        Start::Zero => vec![cx.zero; count],
        Start::Load => load_c(kb),
        Start::ZeroIfFirst(pc) => {
            let types = vec![cx.vty; count];
            kb.if_zero(pc, &types, |_| vec![cx.zero; count], load_c)
        }
    };
    // `B`'s column indices when it is read in place.
    let b_cols: Vec<Value> = match &t.b {
        BSrc::Direct { col0, .. } => (0..nv)
            .map(|v| kb.apply(d0.clone() + v * LANES, &[*col0]))
            .collect(),
        BSrc::Packed { .. } => Vec::new(),
    };
    let sums = kb.for_loop(t.kc.clone(), 1, &inits, |kb, p, accs| {
        // The row of B this step reads.
        let b_row = match &t.b {
            BSrc::Packed { k0, .. } | BSrc::Direct { k0: Some(k0), .. } => offset(kb, *k0, p, 1),
            BSrc::Direct { k0: None, .. } => p,
        };
        let bvecs: Vec<Value> = (0..nv)
            .map(|v| match &t.b {
                BSrc::Packed { buf, tile, .. } => {
                    let lane = kb.index(v * LANES);
                    kb.vload(cx.vty, *buf, &[*tile, b_row, lane])
                }
                BSrc::Direct { b, .. } => {
                    let idx = b.indices(&[b_row, b_cols[v as usize]]);
                    match mask_of(v) {
                        Some(m) => kb.masked_load(b.mem, &idx, m, cx.zero),
                        None => kb.vload(cx.vty, b.mem, &idx),
                    }
                }
            })
            .collect();
        let mut next = accs.to_vec();
        for r in 0..t.rows {
            let x = match &t.a {
                ASrc::Packed { buf, tile } => {
                    let subs = vec![
                        AffineExpr::dim(0),
                        AffineExpr::constant(r),
                        AffineExpr::dim(1),
                    ];
                    kb.load(*buf, subs, &[*tile, p])
                }
                ASrc::Direct { a, row0, k0 } => load_a(kb, a, *row0, r, p, *k0),
            };
            let xs = kb.broadcast(x, cx.vty);
            for v in 0..nv {
                let i = (r * nv + v) as usize;
                next[i] = kb.fma(xs, bvecs[v as usize], accs[i]);
            }
        }
        next
    });
    for r in 0..t.rows {
        for v in 0..nv {
            let s = sums[(r * nv + v) as usize];
            let idx = c_index(r, v);
            match mask_of(v) {
                Some(m) => kb.masked_store(s, t.c.mem, &idx, m),
                None => kb.vstore(s, t.c.mem, &idx),
            }
        }
    }
}
