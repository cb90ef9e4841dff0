//! The `arith` dialect: arithmetic on integers, `index` and floats, and on
//! vectors and tensors of them element by element, with MLIR 19's syntax
//! and meaning, so that `mlir-opt-19` reads what we print.
//!
//! - [`ops`]: the op table ([`ArithOp`]) and registry definitions;
//! - [`attrs`]: fast-math and overflow flags, comparison predicates and
//!   rounding modes;
//! - [`syntax`]: the custom forms (shared with `math`);
//! - [`verify`]: the verifiers (shared with `math`);
//! - [`fold`]: constant folding and identities;
//! - [`patterns`]: canonicalization patterns.
//!
//! What each op computes on one element is defined, once, in
//! [`crate::interp::scalar`]; folds evaluate through it.
//!
//! ## Ops
//!
//! **`arith.constant`**: a constant of the type of its `value` attribute
//! (integer, float, `true`/`false`, or dense elements for vectors and
//! tensors): `%0 = arith.constant 1.000000e+00 : f32`,
//! `%1 = arith.constant 42 : index`, `%2 = arith.constant true`,
//! `%3 = arith.constant dense<[1, 2]> : vector<2xi32>`. Integer constants
//! are signless.
//!
//! **Element-wise ops**: operands and result have one type `T`, a scalar or
//! a vector or tensor of it; `op %a, %b [flags] [{attrs}] : T`.
//!
//! | ops | element types | meaning |
//! |-----|---------------|---------|
//! | `addf subf mulf divf` | floats | IEEE, rounded to nearest even in `T` |
//! | `remf` | floats | C's `fmod` (exact, sign of the dividend) |
//! | `negf` | floats | flips the sign bit |
//! | `maximumf minimumf` | floats | NaN if either is NaN; `-0.0 < +0.0` |
//! | `maxnumf minnumf` | floats | the other operand if one is NaN; `-0.0 < +0.0` |
//! | `addi subi muli` | integers, `index` | wrapping |
//! | `divsi divui remsi remui` | integers, `index` | truncating; `/ 0` and `MIN / -1` are UB |
//! | `ceildivsi ceildivui floordivsi` | integers, `index` | rounding up / down |
//! | `andi ori xori` | integers, `index` | bitwise |
//! | `shli shrsi shrui` | integers, `index` | shift by the unsigned rhs; `≥` width is poison |
//! | `maxsi minsi maxui minui` | integers, `index` | signed / unsigned |
//!
//! Float ops take `fastmath<...>` (`none reassoc nnan ninf nsz arcp
//! contract afn fast`), stored as `fastmath = #arith.fastmath<...>`;
//! `addi subi muli shli` take `overflow<nsw, nuw>`, stored as
//! `overflowFlags = #arith.overflow<...>`.
//!
//! **`arith.cmpf`** / **`arith.cmpi`**: `%r = arith.cmpf olt, %a, %b : T`
//! gives `i1` (or a vector or tensor of `i1` of `T`'s shape). `cmpf`
//! predicates: `false oeq ogt oge olt ole one ord ueq ugt uge ult ule une
//! uno true` (`o`: ordered, false with a NaN; `u`: unordered, true with a
//! NaN); `cmpi`: `eq ne slt sle sgt sge ult ule ugt uge`. Stored as
//! `predicate = N : i64`, `N` the keyword's position in these lists.
//!
//! **`arith.select`**: `%r = arith.select %c, %a, %b : T` with an `i1`
//! condition, or `: C, T` with a vector or tensor condition `C` of `T`'s
//! shape, chosen per element.
//!
//! **Casts**: `%r = op %x : T to U`, `T` and `U` of one shape.
//!
//! | op | from → to | meaning |
//! |----|-----------|---------|
//! | `extf` | float → wider float | exact |
//! | `truncf` | float → narrower float | rounded by `roundingmode` (`to_nearest_even` (default) `downward upward toward_zero to_nearest_away`, written after `%x`) |
//! | `extsi extui` | integer → wider integer | sign / zero extension |
//! | `trunci` | integer → narrower integer | low bits |
//! | `sitofp uitofp` | integer → float | rounded to nearest even |
//! | `fptosi fptoui` | float → integer | toward zero; NaN, ±inf, out of range are poison |
//! | `index_cast index_castui` | integer ↔ `index` | sign / zero extension, or truncation |
//! | `bitcast` | integer/float → integer/float of one width | same bits |
//!
//! `extf` and `truncf` take `fastmath<...>` too.

pub mod attrs;
pub mod fold;
pub mod ops;
pub mod patterns;
pub mod syntax;
pub mod verify;

pub use attrs::{CmpFPredicate, CmpIPredicate, FastMathFlags, OverflowFlags, RoundingMode};
pub use fold::materialize_constant;
pub use ops::{ArithOp, Class, ElemClass, Flags};

use tessera_compiler::{Context, DialectDef};

/// Registers the `arith` dialect: its ops and constant materializer.
pub fn register(ctx: &mut Context) {
    let mut dialect = DialectDef::new(
        "arith",
        "Arithmetic on integers, index and floats (element-wise on vectors and tensors), \
         with MLIR's meaning.",
    );
    dialect.materialize_constant = Some(fold::materialize_constant);
    ctx.register_dialect(dialect, ops::op_defs());
}
