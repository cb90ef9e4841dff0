//! Affine maps and integer sets ready to evaluate on frame slots.
//!
//! A map's operands are bound to slots once, when a function is compiled.
//! Each result that is a sum of operands times constants (the common case:
//! `d0`, `d0 * 4 + d1 + 2`) becomes a list of (slot, coefficient) terms
//! evaluated with checked arithmetic; any other result (`mod`,
//! `floordiv`, products of symbols) is evaluated by
//! [`AffineExpr::eval`](tessera_compiler::affine::AffineExpr::eval), which
//! defines the meaning of every operator.

use tessera_compiler::affine::{AffineBinOp, AffineExpr, AffineMap, IntegerSet};

use super::value::LoopValue;
use crate::interp::scalar::Scalar;

/// An index into a frame's value slots.
pub(crate) type Slot = u32;

/// The `index` value in `slot`, or a message naming what is there instead.
#[inline]
pub(crate) fn index_in(slots: &[LoopValue], slot: Slot) -> Result<i64, String> {
    match &slots[slot as usize] {
        LoopValue::Scalar(Scalar::Index(i)) => Ok(*i),
        other => Err(format!(
            "expects an index operand, got a {}",
            other.type_string()
        )),
    }
}

/// One result of a map.
#[derive(Clone, Debug)]
enum CExpr {
    /// `sum(slot * coefficient) + constant`.
    Linear {
        terms: Box<[(Slot, i64)]>,
        constant: i64,
    },
    /// Anything else, evaluated by the expression itself.
    General(AffineExpr),
}

/// Adds `scale * e` to `terms`/`constant` if `e` is linear in the operands.
fn linearize(
    e: &AffineExpr,
    scale: i64,
    operands: &[Slot],
    num_dims: usize,
    terms: &mut Vec<(Slot, i64)>,
    constant: &mut i64,
) -> Option<()> {
    let mut add_term = |slot: Slot, c: i64| -> Option<()> {
        match terms.iter_mut().find(|(s, _)| *s == slot) {
            Some(t) => t.1 = t.1.checked_add(c)?,
            None => terms.push((slot, c)),
        }
        Some(())
    };
    match e {
        AffineExpr::Dim(p) => add_term(*operands.get(*p as usize)?, scale),
        AffineExpr::Symbol(p) => add_term(*operands.get(num_dims + *p as usize)?, scale),
        AffineExpr::Constant(c) => {
            *constant = constant.checked_add(c.checked_mul(scale)?)?;
            Some(())
        }
        AffineExpr::Binary {
            op: AffineBinOp::Add,
            lhs,
            rhs,
        } => {
            linearize(lhs, scale, operands, num_dims, terms, constant)?;
            linearize(rhs, scale, operands, num_dims, terms, constant)
        }
        AffineExpr::Binary {
            op: AffineBinOp::Mul,
            lhs,
            rhs,
        } => {
            if let Some(c) = rhs.as_constant() {
                linearize(
                    lhs,
                    scale.checked_mul(c)?,
                    operands,
                    num_dims,
                    terms,
                    constant,
                )
            } else if let Some(c) = lhs.as_constant() {
                linearize(
                    rhs,
                    scale.checked_mul(c)?,
                    operands,
                    num_dims,
                    terms,
                    constant,
                )
            } else {
                None
            }
        }
        AffineExpr::Binary { .. } => None,
    }
}

/// An affine map with its operands bound to slots.
#[derive(Clone, Debug)]
pub(crate) struct CMap {
    exprs: Vec<CExpr>,
    operands: Box<[Slot]>,
    num_dims: usize,
}

/// Most maps have few operands; evaluate those without allocating.
const STACK_OPERANDS: usize = 16;

impl CMap {
    /// Binds `map` to `operands` (dimensions, then symbols).
    pub(crate) fn new(map: &AffineMap, operands: &[Slot]) -> Result<CMap, String> {
        if map.num_inputs() != operands.len() {
            return Err(format!(
                "has {} map operands, but its map {map} takes {}",
                operands.len(),
                map.num_inputs()
            ));
        }
        map.validate()?;
        let num_dims = map.num_dims as usize;
        let exprs = map
            .results
            .iter()
            .map(|e| {
                let mut terms = Vec::new();
                let mut constant = 0;
                match linearize(e, 1, operands, num_dims, &mut terms, &mut constant) {
                    Some(()) => CExpr::Linear {
                        terms: terms.into_boxed_slice(),
                        constant,
                    },
                    None => CExpr::General(e.clone()),
                }
            })
            .collect();
        Ok(CMap {
            exprs,
            operands: operands.into(),
            num_dims,
        })
    }

    /// The number of results.
    pub(crate) fn len(&self) -> usize {
        self.exprs.len()
    }

    /// Result `k` for the values in `slots`.
    #[inline]
    pub(crate) fn eval(&self, k: usize, slots: &[LoopValue]) -> Result<i64, String> {
        match &self.exprs[k] {
            CExpr::Linear { terms, constant } => {
                let mut acc = *constant;
                for &(s, c) in terms.iter() {
                    let v = index_in(slots, s)?;
                    acc = v
                        .checked_mul(c)
                        .and_then(|t| acc.checked_add(t))
                        .ok_or("computes an affine value that overflows 64 bits")?;
                }
                Ok(acc)
            }
            CExpr::General(e) => self.eval_general(e, slots),
        }
    }

    fn eval_general(&self, e: &AffineExpr, slots: &[LoopValue]) -> Result<i64, String> {
        let n = self.operands.len();
        let mut stack = [0i64; STACK_OPERANDS];
        let mut heap = Vec::new();
        let values: &mut [i64] = if n <= STACK_OPERANDS {
            &mut stack[..n]
        } else {
            heap.resize(n, 0);
            &mut heap
        };
        for (v, &s) in values.iter_mut().zip(self.operands.iter()) {
            *v = index_in(slots, s)?;
        }
        let (dims, syms) = values.split_at(self.num_dims);
        e.eval(dims, syms)
            .map_err(|err| format!("cannot evaluate '{e}': {err}"))
    }

    /// Every result, in order.
    pub(crate) fn eval_all(&self, slots: &[LoopValue]) -> Result<Vec<i64>, String> {
        (0..self.exprs.len()).map(|k| self.eval(k, slots)).collect()
    }

    /// The largest result (a lower loop bound); an error for no results.
    pub(crate) fn max(&self, slots: &[LoopValue]) -> Result<i64, String> {
        self.fold(slots, 0..self.exprs.len(), i64::max)
    }

    /// The smallest result (an upper loop bound); an error for no results.
    pub(crate) fn min(&self, slots: &[LoopValue]) -> Result<i64, String> {
        self.fold(slots, 0..self.exprs.len(), i64::min)
    }

    /// Combines results `range` with `f`.
    pub(crate) fn fold(
        &self,
        slots: &[LoopValue],
        range: std::ops::Range<usize>,
        f: fn(i64, i64) -> i64,
    ) -> Result<i64, String> {
        let mut acc: Option<i64> = None;
        for k in range {
            let v = self.eval(k, slots)?;
            acc = Some(acc.map_or(v, |a| f(a, v)));
        }
        acc.ok_or_else(|| "has a bound map without results".to_string())
    }
}

/// An integer set with its operands bound to slots.
#[derive(Clone, Debug)]
pub(crate) struct CSet {
    /// The constraints as a map (one result per constraint).
    map: CMap,
    /// Per constraint, whether it is `== 0` (else `>= 0`).
    equalities: Vec<bool>,
}

impl CSet {
    /// Binds `set` to `operands` (dimensions, then symbols).
    pub(crate) fn new(set: &IntegerSet, operands: &[Slot]) -> Result<CSet, String> {
        let map = AffineMap::new(
            set.num_dims,
            set.num_symbols,
            set.constraints.iter().map(|(e, _)| e.clone()).collect(),
        );
        Ok(CSet {
            map: CMap::new(&map, operands)?,
            equalities: set.constraints.iter().map(|&(_, eq)| eq).collect(),
        })
    }

    /// Whether the point given by the slots' values is in the set.
    pub(crate) fn contains(&self, slots: &[LoopValue]) -> Result<bool, String> {
        for (k, &eq) in self.equalities.iter().enumerate() {
            let v = self.map.eval(k, slots)?;
            if (eq && v != 0) || (!eq && v < 0) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
