//! `graph.matmul` (batched, with broadcast batch dimensions): a nest that
//! zeroes the output, then a perfect nest `batch.., i, k, j` accumulating
//! `out[b, i, j] += a[b, i, k] * b[b, k, j]` in the output buffer.
//!
//! Why `i, k, j`: the innermost `j` loop walks a row of `b` and a row of
//! `out` with unit stride (vectorizable, cache friendly) while `a[i, k]`
//! is invariant in it, and the nest is perfect, so tiling and interchange
//! apply to it directly (an `i, j, k` order would put a column walk of `b`
//! innermost).

use tessera_compiler::Value;
use tessera_compiler::affine::AffineExpr;

use super::emit::{self, Emitter, Kind, kind_of};

/// `graph.matmul`.
pub(crate) fn matmul(em: &mut Emitter<'_>, a: Value, b: Value, out: Value) -> Result<(), String> {
    let ty = emit::elem_of(em.ctx, out);
    let kind = kind_of(em.ctx, ty).ok_or("unsupported element type")?;
    let (mul, add) = match kind {
        Kind::Float => ("arith.mulf", "arith.addf"),
        Kind::Int => ("arith.muli", "arith.addi"),
        Kind::Bool => return Err("matmul of i1 operands".into()),
    };
    let (sa, sb, so) = (
        emit::shape_of(em.ctx, a),
        emit::shape_of(em.ctx, b),
        emit::shape_of(em.ctx, out),
    );
    if sa.len() < 2 || sb.len() < 2 || so.len() < 2 {
        return Err("operands must have rank >= 2".into());
    }
    let nb = so.len() - 2;
    let (m, n) = (so[nb], so[nb + 1]);
    let k = sa[sa.len() - 1];
    let batch = &so[..nb];
    // Loop indices: batch dims d0.., then i, k, j.
    let (i, kk, j) = (
        AffineExpr::dim(nb as u32),
        AffineExpr::dim(nb as u32 + 1),
        AffineExpr::dim(nb as u32 + 2),
    );
    let mut subs_a = emit::broadcast_subscripts(&sa[..sa.len() - 2], batch);
    subs_a.extend([i.clone(), kk.clone()]);
    let mut subs_b = emit::broadcast_subscripts(&sb[..sb.len() - 2], batch);
    subs_b.extend([kk, j.clone()]);
    let mut subs_o = emit::dims(nb);
    subs_o.extend([i, j]);

    let all = emit::dims(so.len());
    em.nest(&so, |em, ivs| {
        let z = em.number(ty, 0.0);
        em.store(z, out, &all, ivs);
    });
    let mut loops = batch.to_vec();
    loops.extend([m, k, n]);
    em.nest(&loops, |em, ivs| {
        let x = em.load(a, &subs_a, ivs);
        let y = em.load(b, &subs_b, ivs);
        let acc = em.load(out, &subs_o, ivs);
        let p = em.bin(mul, x, y);
        let s = em.bin(add, acc, p);
        em.store(s, out, &subs_o, ivs);
    });
    Ok(())
}
