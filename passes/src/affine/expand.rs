//! Affine expressions, maps and integer sets as `arith` ops on `index`:
//! what `lower-affine` replaces every map application with.
//!
//! The expansion follows MLIR's `expandAffineExpr`, so the ops match what
//! `mlir-opt-19 --lower-affine` prints: `+` is `arith.addi`, `*` is
//! `arith.muli`, and the divisions keep the affine meaning (round towards
//! negative or positive infinity, `mod` in `[0, b)`) with truncating
//! `arith.divsi`/`arith.remsi` and a sign fix-up:
//!
//! - `a mod b`: `r = a remsi b; r < 0 ? r + b : r`;
//! - `a floordiv b`: `q = (a < 0 ? -1 - a : a) divsi b; a < 0 ? -1 - q : q`;
//! - `a ceildiv b`: `q = (a <= 0 ? 0 - a : a - 1) divsi b; a <= 0 ? 0 - q : q + 1`.
//!
//! These hold for a positive `b`, which is the affine rule. A constant `b`
//! that is zero or negative has no meaning; [`check_expr`] finds it
//! before anything is rewritten. Unlike MLIR, a symbolic `b` (`d0 floordiv
//! s0`, allowed in a map) is expanded the same way rather than rejected.

use std::collections::HashMap;

use tessera_compiler::affine::{AffineBinOp, AffineExpr, AffineMap, IntegerSet};
use tessera_compiler::ir::Builder;
use tessera_compiler::{Location, Value};
use tessera_dialects::arith::CmpIPredicate;

use super::util::{binary, cmpi, index_const, select};

/// Why an expression cannot be expanded: a `mod`, `floordiv` or `ceildiv`
/// by a constant that is not positive.
pub fn check_expr(e: &AffineExpr) -> Result<(), String> {
    match e {
        AffineExpr::Binary { op, lhs, rhs } => {
            if *op != AffineBinOp::Add
                && *op != AffineBinOp::Mul
                && let Some(c) = rhs.as_constant()
                && c <= 0
            {
                return Err(format!(
                    "cannot lower '{e}': the right operand of {} must be positive",
                    op.spelling().trim()
                ));
            }
            check_expr(lhs)?;
            check_expr(rhs)
        }
        _ => Ok(()),
    }
}

/// [`check_expr`] for every result of a map.
pub fn check_map(map: &AffineMap) -> Result<(), String> {
    map.results.iter().try_for_each(check_expr)
}

/// Emits `arith` ops computing affine expressions at a builder's insertion
/// point. Constants are made once per expander (they all dominate the
/// later uses, since every op goes at the same insertion point).
pub struct Expander<'b, 'c> {
    /// The builder the ops go through.
    pub b: &'b mut Builder<'c>,
    /// Where the ops are.
    pub loc: Location,
    constants: HashMap<i64, Value>,
}

impl<'b, 'c> Expander<'b, 'c> {
    /// An expander inserting through `b`, with location `loc`.
    pub fn new(b: &'b mut Builder<'c>, loc: Location) -> Self {
        Expander {
            b,
            loc,
            constants: HashMap::new(),
        }
    }

    /// `arith.constant c : index` (one per value).
    pub fn constant(&mut self, c: i64) -> Value {
        if let Some(&v) = self.constants.get(&c) {
            return v;
        }
        let v = index_const(self.b, c, self.loc);
        self.constants.insert(c, v);
        v
    }

    fn op(&mut self, name: &str, lhs: Value, rhs: Value) -> Value {
        binary(self.b, name, lhs, rhs, self.loc)
    }

    fn cmp(&mut self, pred: CmpIPredicate, lhs: Value, rhs: Value) -> Value {
        cmpi(self.b, pred, lhs, rhs, self.loc)
    }

    fn select(&mut self, c: Value, t: Value, f: Value) -> Value {
        select(self.b, c, t, f, self.loc)
    }

    /// The value of `e` with dimensions `dims` and symbols `syms`.
    pub fn expr(&mut self, e: &AffineExpr, dims: &[Value], syms: &[Value]) -> Value {
        match e {
            AffineExpr::Dim(p) => dims[*p as usize],
            AffineExpr::Symbol(p) => syms[*p as usize],
            AffineExpr::Constant(c) => self.constant(*c),
            AffineExpr::Binary { op, lhs, rhs } => {
                let a = self.expr(lhs, dims, syms);
                let b = self.expr(rhs, dims, syms);
                match op {
                    AffineBinOp::Add => self.op("arith.addi", a, b),
                    AffineBinOp::Mul => self.op("arith.muli", a, b),
                    AffineBinOp::Mod => self.modulo(a, b),
                    AffineBinOp::FloorDiv => self.floor_div(a, b),
                    AffineBinOp::CeilDiv => self.ceil_div(a, b),
                }
            }
        }
    }

    /// `a mod b` for `b > 0`: the remainder moved into `[0, b)`.
    fn modulo(&mut self, a: Value, b: Value) -> Value {
        let rem = self.op("arith.remsi", a, b);
        let zero = self.constant(0);
        let negative = self.cmp(CmpIPredicate::Slt, rem, zero);
        let corrected = self.op("arith.addi", rem, b);
        self.select(negative, corrected, rem)
    }

    /// `a floordiv b` for `b > 0`, rounding towards negative infinity.
    fn floor_div(&mut self, a: Value, b: Value) -> Value {
        let zero = self.constant(0);
        let minus_one = self.constant(-1);
        let negative = self.cmp(CmpIPredicate::Slt, a, zero);
        let flipped = self.op("arith.subi", minus_one, a);
        let dividend = self.select(negative, flipped, a);
        let quotient = self.op("arith.divsi", dividend, b);
        let corrected = self.op("arith.subi", minus_one, quotient);
        self.select(negative, corrected, quotient)
    }

    /// `a ceildiv b` for `b > 0`, rounding towards positive infinity.
    fn ceil_div(&mut self, a: Value, b: Value) -> Value {
        let zero = self.constant(0);
        let one = self.constant(1);
        let non_positive = self.cmp(CmpIPredicate::Sle, a, zero);
        let negated = self.op("arith.subi", zero, a);
        let decremented = self.op("arith.subi", a, one);
        let dividend = self.select(non_positive, negated, decremented);
        let quotient = self.op("arith.divsi", dividend, b);
        let negated_q = self.op("arith.subi", zero, quotient);
        let incremented = self.op("arith.addi", quotient, one);
        self.select(non_positive, negated_q, incremented)
    }

    /// The values of every result of `map` over `operands` (dimensions,
    /// then symbols).
    pub fn map(&mut self, map: &AffineMap, operands: &[Value]) -> Vec<Value> {
        let (dims, syms) = operands.split_at(map.num_dims as usize);
        map.results
            .iter()
            .map(|e| self.expr(e, dims, syms))
            .collect()
    }

    /// The smallest (`max == false`) or largest result of `map`, as a
    /// chain of `arith.minsi` / `arith.maxsi` in result order.
    pub fn map_min_max(&mut self, map: &AffineMap, operands: &[Value], max: bool) -> Value {
        let values = self.map(map, operands);
        let name = if max { "arith.maxsi" } else { "arith.minsi" };
        let mut it = values.into_iter();
        let first = it.next().expect("a bound map has at least one result");
        it.fold(first, |acc, v| self.op(name, acc, v))
    }

    /// An `i1` that is true when the point `operands` is in `set`: each
    /// constraint as `arith.cmpi sge/eq` against 0, joined by `arith.andi`
    /// (`arith.constant true` when there is no constraint).
    pub fn set_condition(&mut self, set: &IntegerSet, operands: &[Value]) -> Value {
        let (dims, syms) = operands.split_at(set.num_dims as usize);
        let mut cond: Option<Value> = None;
        for (e, is_eq) in &set.constraints {
            let v = self.expr(e, dims, syms);
            let zero = self.constant(0);
            let pred = if *is_eq {
                CmpIPredicate::Eq
            } else {
                CmpIPredicate::Sge
            };
            let c = self.cmp(pred, v, zero);
            cond = Some(match cond {
                Some(prev) => self.op("arith.andi", prev, c),
                None => c,
            });
        }
        cond.unwrap_or_else(|| {
            let i1 = self.b.ctx.i1_type();
            let t = self.b.ctx.int_attr(1, i1);
            self.b
                .create_value("arith.constant", &[], i1, &[("value", t)], self.loc)
        })
    }
}
