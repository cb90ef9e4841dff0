//! Canonicalization patterns of the `arith` dialect, after MLIR 19's:
//!
//! - Constants go to the right of commutative ops (`addi %c, %x` →
//!   `addi %x, %c`), and of `cmpi` with the predicate swapped
//!   (`cmpi slt, %c, %x` → `cmpi sgt, %x, %c`), so later folds and
//!   patterns only look right.
//! - Constants reassociate in integer `addi`/`subi`/`muli` chains, e.g.
//!   `addi(addi(x, 1), 2)` → `addi(x, 3)`, `subi(c1, subi(c0, x))` →
//!   `addi(x, c1 - c0)`, `addi(x, muli(y, -1))` → `subi(x, y)`. New ops
//!   carry no overflow flags (dropping them is always sound; combining
//!   them is not in general).
//! - Cast chains shorten: `extui(extui(x))` → `extui(x)`, likewise
//!   `extsi` and `trunci`; `extsi(extui(x))` → `extui(x)`;
//!   `trunci(ext(x))` → `ext(x)` or `trunci(x)` by width;
//!   `index_cast(extsi(x))` → `index_cast(x)`,
//!   `index_castui(extui(x))` → `index_castui(x)`;
//!   `bitcast(bitcast(x))` → `bitcast(x)`.

use tessera_compiler::rewrite::{RewritePattern, Rewriter};
use tessera_compiler::{OpId, Type, Value};

use super::attrs::CmpIPredicate;
use super::fold::def_of;
use super::ops::ArithOp;
use super::syntax::PREDICATE;
use crate::interp::scalar::{ElemTy, Scalar, ScalarOp, attr_splat, elements_attr};

/// The patterns rooted at `op`, if it has any.
pub fn patterns_for(op: ArithOp) -> Option<tessera_compiler::registry::PatternsFn> {
    use ArithOp::*;
    Some(match op {
        AddI => || vec![Box::new(CommuteConstant(AddI)), Box::new(Reassociate(AddI))],
        SubI => || vec![Box::new(Reassociate(SubI))],
        MulI => || vec![Box::new(CommuteConstant(MulI)), Box::new(Reassociate(MulI))],
        AddF => || vec![Box::new(CommuteConstant(AddF))],
        MulF => || vec![Box::new(CommuteConstant(MulF))],
        MaximumF => || vec![Box::new(CommuteConstant(MaximumF))],
        MinimumF => || vec![Box::new(CommuteConstant(MinimumF))],
        MaxNumF => || vec![Box::new(CommuteConstant(MaxNumF))],
        MinNumF => || vec![Box::new(CommuteConstant(MinNumF))],
        AndI => || vec![Box::new(CommuteConstant(AndI))],
        OrI => || vec![Box::new(CommuteConstant(OrI))],
        XOrI => || vec![Box::new(CommuteConstant(XOrI))],
        MaxSI => || vec![Box::new(CommuteConstant(MaxSI))],
        MinSI => || vec![Box::new(CommuteConstant(MinSI))],
        MaxUI => || vec![Box::new(CommuteConstant(MaxUI))],
        MinUI => || vec![Box::new(CommuteConstant(MinUI))],
        CmpI => || vec![Box::new(CmpIConstantRight)],
        ExtUI | ExtSI | TruncI | IndexCast | IndexCastUI | Bitcast => match op {
            ExtUI => || vec![Box::new(CastChain(ExtUI))],
            ExtSI => || vec![Box::new(CastChain(ExtSI))],
            TruncI => || vec![Box::new(CastChain(TruncI))],
            IndexCast => || vec![Box::new(CastChain(IndexCast))],
            IndexCastUI => || vec![Box::new(CastChain(IndexCastUI))],
            _ => || vec![Box::new(CastChain(Bitcast))],
        },
        _ => return None,
    })
}

/// The scalar (or splat) constant `v` holds.
fn const_of(rw: &mut Rewriter<'_>, v: Value) -> Option<Scalar> {
    let a = rw.constant_value(v)?;
    attr_splat(rw.ctx, a)
}

/// An `arith.constant` of type `ty` holding `s` (splat for shaped types).
fn make_const(rw: &mut Rewriter<'_>, ty: Type, s: Scalar, op: OpId) -> Option<Value> {
    let a = elements_attr(rw.ctx, ty, &[s])?;
    let loc = rw.ctx.op(op).loc;
    rw.materialize_constant("arith", a, ty, loc)
}

/// `kind` applied to two constants of element type `elem`.
fn compute(kind: ArithOp, elem: ElemTy, a: Scalar, b: Scalar) -> Option<Scalar> {
    ScalarOp::arith(kind, elem).eval(&[a, b]).ok()
}

/// Moves a constant left operand of a commutative op to the right.
struct CommuteConstant(ArithOp);

impl RewritePattern for CommuteConstant {
    fn name(&self) -> &str {
        "arith-constant-to-right"
    }

    fn root(&self) -> Option<&str> {
        Some(self.0.name())
    }

    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let d = rw.ctx.op(op);
        let [a, b] = d.operands[..] else {
            return false;
        };
        if rw.constant_value(a).is_none() || rw.constant_value(b).is_some() {
            return false;
        }
        rw.modify_op_in_place(op, |ctx| ctx.set_operands(op, &[b, a]));
        true
    }
}

/// `cmpi p, c, x` → `cmpi swapped(p), x, c`.
struct CmpIConstantRight;

impl RewritePattern for CmpIConstantRight {
    fn name(&self) -> &str {
        "arith-cmpi-constant-to-right"
    }

    fn root(&self) -> Option<&str> {
        Some(ArithOp::CmpI.name())
    }

    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let d = rw.ctx.op(op);
        let [a, b] = d.operands[..] else {
            return false;
        };
        if rw.constant_value(a).is_none() || rw.constant_value(b).is_some() {
            return false;
        }
        let Some(p) = rw
            .ctx
            .attr(op, PREDICATE)
            .and_then(|x| CmpIPredicate::from_attr(rw.ctx, x))
        else {
            return false;
        };
        let swapped = p.swapped().to_attr(rw.ctx);
        rw.modify_op_in_place(op, |ctx| {
            ctx.set_operands(op, &[b, a]);
            ctx.set_attr(op, PREDICATE, swapped);
        });
        true
    }
}

/// Reassociates constants in `addi`/`subi`/`muli` chains.
struct Reassociate(ArithOp);

impl RewritePattern for Reassociate {
    fn name(&self) -> &str {
        "arith-reassociate-constants"
    }

    fn root(&self) -> Option<&str> {
        Some(self.0.name())
    }

    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let Some((kind, a, b)) = reassociate(rw, self.0, op) else {
            return false;
        };
        let ty = rw.ctx.value_type(rw.ctx.op(op).results[0]);
        let loc = rw.ctx.op(op).loc;
        let name = rw.ctx.op_name(kind.name());
        let state = tessera_compiler::ir::OperationState::new(name, loc)
            .operands(&[a, b])
            .results(&[ty]);
        rw.replace_op_with_new(op, state);
        true
    }
}

/// The replacement `(kind, lhs, rhs)` of a reassociable `root` op, with any
/// new constant already built.
fn reassociate(rw: &mut Rewriter<'_>, root: ArithOp, op: OpId) -> Option<(ArithOp, Value, Value)> {
    use ArithOp::*;
    let d = rw.ctx.op(op);
    let [l, r] = d.operands[..] else {
        return None;
    };
    let ty = rw.ctx.value_type(d.results[0]);
    let elem = ElemTy::of_elements(rw.ctx, ty)?;
    let add = |a, b| compute(AddI, elem, a, b);
    let sub = |a, b| compute(SubI, elem, a, b);
    // The inner op of kind `k` defining `v`, and its operands.
    let inner = |rw: &mut Rewriter<'_>, v: Value, k: ArithOp| {
        def_of(rw.ctx, v, k).map(|o| (rw.ctx.operand(o, 0), rw.ctx.operand(o, 1)))
    };
    let (kind, x, c) = match root {
        AddI => {
            if let Some((x, y)) = inner(rw, r, MulI)
                && const_of(rw, y).is_some_and(|s| s.as_signed() == Some(-1))
            {
                return Some((SubI, l, x));
            }
            if let Some((x, y)) = inner(rw, l, MulI)
                && const_of(rw, y).is_some_and(|s| s.as_signed() == Some(-1))
            {
                return Some((SubI, r, x));
            }
            let c1 = const_of(rw, r)?;
            if let Some((x, c0)) = inner(rw, l, AddI) {
                (AddI, x, add(const_of(rw, c0)?, c1)?)
            } else if let Some((x, c0)) = inner(rw, l, SubI)
                && let Some(c0) = const_of(rw, c0)
            {
                (AddI, x, sub(c1, c0)?)
            } else if let Some((c0, x)) = inner(rw, l, SubI) {
                let c = add(const_of(rw, c0)?, c1)?;
                let cv = make_const(rw, ty, c, op)?;
                return Some((SubI, cv, x));
            } else {
                return None;
            }
        }
        SubI => {
            if let Some((a, b)) = inner(rw, l, SubI)
                && a == r
            {
                let zero = make_const(rw, ty, Scalar::zero(elem), op)?;
                return Some((SubI, zero, b));
            }
            if let Some(c1) = const_of(rw, r) {
                if let Some((x, c0)) = inner(rw, l, AddI) {
                    (AddI, x, sub(const_of(rw, c0)?, c1)?)
                } else if let Some((x, c0)) = inner(rw, l, SubI)
                    && let Some(c0) = const_of(rw, c0)
                {
                    (SubI, x, add(c0, c1)?)
                } else if let Some((c0, x)) = inner(rw, l, SubI) {
                    let c = sub(const_of(rw, c0)?, c1)?;
                    let cv = make_const(rw, ty, c, op)?;
                    return Some((SubI, cv, x));
                } else {
                    return None;
                }
            } else {
                let c1 = const_of(rw, l)?;
                let c = if let Some((x, c0)) = inner(rw, r, AddI) {
                    (SubI, sub(c1, const_of(rw, c0)?)?, x)
                } else if let Some((x, c0)) = inner(rw, r, SubI)
                    && let Some(c0) = const_of(rw, c0)
                {
                    (SubI, add(c0, c1)?, x)
                } else if let Some((c0, x)) = inner(rw, r, SubI) {
                    (AddI, sub(c1, const_of(rw, c0)?)?, x)
                } else {
                    return None;
                };
                let cv = make_const(rw, ty, c.1, op)?;
                return Some(match c.0 {
                    SubI => (SubI, cv, c.2),
                    _ => (AddI, c.2, cv),
                });
            }
        }
        MulI => {
            let c1 = const_of(rw, r)?;
            let (x, c0) = inner(rw, l, MulI)?;
            (MulI, x, compute(MulI, elem, const_of(rw, c0)?, c1)?)
        }
        _ => return None,
    };
    let cv = make_const(rw, ty, c, op)?;
    Some((kind, x, cv))
}

/// Shortens a chain of two casts rooted at the outer one.
struct CastChain(ArithOp);

/// The integer bit width of a value's element type.
fn int_width(rw: &Rewriter<'_>, v: Value) -> Option<u32> {
    match ElemTy::of_elements(rw.ctx, rw.ctx.value_type(v))? {
        ElemTy::Int(w) => Some(w),
        _ => None,
    }
}

impl RewritePattern for CastChain {
    fn name(&self) -> &str {
        "arith-cast-chain"
    }

    fn root(&self) -> Option<&str> {
        Some(self.0.name())
    }

    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        use ArithOp::*;
        let d = rw.ctx.op(op);
        let ([x], [res]) = (&d.operands[..], &d.results[..]) else {
            return false;
        };
        let (x, res) = (*x, *res);
        let rt = rw.ctx.value_type(res);
        let inner =
            |rw: &Rewriter<'_>, k: ArithOp| def_of(rw.ctx, x, k).map(|o| rw.ctx.operand(o, 0));
        // Replaces `op` by `kind(src)`, or points it at `src` when `kind` is its own kind.
        let redo = |rw: &mut Rewriter<'_>, kind: ArithOp, src: Value| {
            if kind == self.0 {
                rw.set_operand(op, 0, src);
            } else {
                let loc = rw.ctx.op(op).loc;
                let name = rw.ctx.op_name(kind.name());
                let state = tessera_compiler::ir::OperationState::new(name, loc)
                    .operands(&[src])
                    .results(&[rt]);
                rw.replace_op_with_new(op, state);
            }
            true
        };
        match self.0 {
            ExtUI => match inner(rw, ExtUI) {
                Some(src) => redo(rw, ExtUI, src),
                None => false,
            },
            ExtSI => match (inner(rw, ExtSI), inner(rw, ExtUI)) {
                (Some(src), _) => redo(rw, ExtSI, src),
                (_, Some(src)) => redo(rw, ExtUI, src),
                _ => false,
            },
            TruncI => {
                if let Some(src) = inner(rw, TruncI) {
                    return redo(rw, TruncI, src);
                }
                for k in [ExtSI, ExtUI] {
                    if let Some(src) = inner(rw, k) {
                        let (Some(ws), Some(wr)) = (int_width(rw, src), int_width(rw, res)) else {
                            return false;
                        };
                        return match ws.cmp(&wr) {
                            std::cmp::Ordering::Less => redo(rw, k, src),
                            std::cmp::Ordering::Greater => redo(rw, TruncI, src),
                            // Equal widths fold away (see the fold).
                            std::cmp::Ordering::Equal => false,
                        };
                    }
                }
                false
            }
            IndexCast => match inner(rw, ExtSI) {
                Some(src) => redo(rw, IndexCast, src),
                None => false,
            },
            IndexCastUI => match inner(rw, ExtUI) {
                Some(src) => redo(rw, IndexCastUI, src),
                None => false,
            },
            Bitcast => match inner(rw, Bitcast) {
                // Equal types fold away (see the fold).
                Some(src) if rw.ctx.value_type(src) != rt => redo(rw, Bitcast, src),
                _ => false,
            },
            _ => false,
        }
    }
}
