//! Affine expressions, maps and integer sets: the values of MLIR's builtin
//! `affine_map<...>` and `affine_set<...>` attributes
//! ([`AttrData::AffineMap`](crate::AttrData::AffineMap),
//! [`AttrData::IntegerSet`](crate::AttrData::IntegerSet)).
//!
//! An [`AffineExpr`] is built from dimensions `d0, d1, ...`, symbols
//! `s0, s1, ...`, 64-bit constants, `+`, `*`, `mod`, `floordiv` and
//! `ceildiv`. As in MLIR, every expression is simplified when it is built
//! (through [`AffineExpr::binary`] or the operators): constants fold,
//! `x * 1`, `x + 0`, `x * 0` and `x floordiv 1` disappear, constants move to
//! the right of `+` and `*` (and symbols right of dimensions), like terms
//! combine (`d0 * 2 + d0 * 3` is `d0 * 5`), and a few known divisibility
//! facts apply (`(d0 * 4 + d1) floordiv 4` is `d0 + d1 floordiv 4`, `e - (e
//! floordiv c) * c` is `e mod c`). So two expressions MLIR prints the same
//! way compare equal here too, and [`Display`](std::fmt::Display) prints them
//! as `mlir-opt-19` does.
//!
//! ## Meaning
//!
//! [`AffineExpr::eval`] gives an expression its value for given dimension and
//! symbol values, in `i64`: `floordiv` rounds towards negative infinity,
//! `ceildiv` towards positive infinity, and `a mod b` is `a - b * (a floordiv
//! b)`, so it lies in `[0, b)`. The right operand of the three must be
//! positive (MLIR's rule; lowering relies on it): a zero or negative one, and
//! any overflow, is an [`AffineEvalError`] rather than a value.
//!
//! An [`AffineMap`] `(d0, ..)[s0, ..] -> (e0, e1, ..)` maps dimension and
//! symbol values to one value per result; an [`IntegerSet`] `(d0, ..)[s0, ..]
//! : (e0 >= 0, e1 == 0, ..)` holds the points where every constraint holds.
//!
//! ```
//! use tessera_compiler::affine::{AffineExpr, AffineMap};
//! let (d0, s0) = (AffineExpr::dim(0), AffineExpr::symbol(0));
//! let map = AffineMap::new(1, 1, vec![AffineExpr::constant(2) + d0.clone() + s0, d0.floor_div(2)]);
//! assert_eq!(map.to_string(), "(d0)[s0] -> (d0 + s0 + 2, d0 floordiv 2)");
//! assert_eq!(map.eval(&[-3], &[10]).unwrap(), vec![9, -2]);
//! ```

use std::fmt;

/// The binary operators of affine expressions.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum AffineBinOp {
    /// `a + b`.
    Add,
    /// `a * b`: one side must not use dimensions (else the map is not affine).
    Mul,
    /// `a mod b`, in `[0, b)`.
    Mod,
    /// `a floordiv b`, rounding towards negative infinity.
    FloorDiv,
    /// `a ceildiv b`, rounding towards positive infinity.
    CeilDiv,
}

impl AffineBinOp {
    /// The operator as MLIR prints it, with its surrounding spaces (` + `).
    pub fn spelling(self) -> &'static str {
        match self {
            AffineBinOp::Add => " + ",
            AffineBinOp::Mul => " * ",
            AffineBinOp::Mod => " mod ",
            AffineBinOp::FloorDiv => " floordiv ",
            AffineBinOp::CeilDiv => " ceildiv ",
        }
    }
}

/// An affine expression. Build binary expressions with
/// [`AffineExpr::binary`] or the operators (`+`, `-`, `*`, unary `-`,
/// [`floor_div`](AffineExpr::floor_div), [`ceil_div`](AffineExpr::ceil_div),
/// [`modulo`](AffineExpr::modulo)), which simplify; a `Binary` written out
/// by hand is taken as it is.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum AffineExpr {
    /// Dimension `d<pos>`.
    Dim(u32),
    /// Symbol `s<pos>`.
    Symbol(u32),
    /// A constant.
    Constant(i64),
    /// `lhs op rhs`.
    Binary {
        /// The operator.
        op: AffineBinOp,
        /// The left operand.
        lhs: Box<AffineExpr>,
        /// The right operand.
        rhs: Box<AffineExpr>,
    },
}

/// Why an affine expression has no value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AffineEvalError {
    /// A dimension or symbol position past the values given.
    OutOfRange {
        /// `true` for a symbol, `false` for a dimension.
        symbol: bool,
        /// Its position.
        pos: u32,
    },
    /// As many values as the map has dimensions and symbols are needed.
    WrongCount {
        /// Dimensions and symbols the map has.
        expected: (usize, usize),
        /// Dimension and symbol values given.
        given: (usize, usize),
    },
    /// The right operand of `mod`, `floordiv` or `ceildiv` is not positive.
    NonPositiveDivisor(i64),
    /// A result does not fit in 64 bits.
    Overflow,
}

impl fmt::Display for AffineEvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AffineEvalError::OutOfRange { symbol, pos } => {
                let what = if *symbol { "symbol s" } else { "dimension d" };
                write!(f, "{what}{pos} has no value")
            }
            AffineEvalError::WrongCount { expected, given } => write!(
                f,
                "expected {} dimension and {} symbol values, got {} and {}",
                expected.0, expected.1, given.0, given.1
            ),
            AffineEvalError::NonPositiveDivisor(v) => write!(
                f,
                "the right operand of mod, floordiv or ceildiv must be positive, got {v}"
            ),
            AffineEvalError::Overflow => write!(f, "affine expression overflows 64 bits"),
        }
    }
}

impl std::error::Error for AffineEvalError {}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl AffineExpr {
    /// Dimension `d<pos>`.
    pub fn dim(pos: u32) -> Self {
        AffineExpr::Dim(pos)
    }

    /// Symbol `s<pos>`.
    pub fn symbol(pos: u32) -> Self {
        AffineExpr::Symbol(pos)
    }

    /// A constant.
    pub fn constant(value: i64) -> Self {
        AffineExpr::Constant(value)
    }

    /// `lhs op rhs`, simplified as MLIR does (see the module docs).
    pub fn binary(op: AffineBinOp, lhs: AffineExpr, rhs: AffineExpr) -> Self {
        let simplified = match op {
            AffineBinOp::Add => simplify_add(&lhs, &rhs),
            AffineBinOp::Mul => simplify_mul(&lhs, &rhs),
            AffineBinOp::FloorDiv => simplify_floor_div(&lhs, &rhs),
            AffineBinOp::CeilDiv => simplify_ceil_div(&lhs, &rhs),
            AffineBinOp::Mod => simplify_mod(&lhs, &rhs),
        };
        simplified.unwrap_or_else(|| AffineExpr::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
    }

    /// `self floordiv rhs`, simplified.
    pub fn floor_div(self, rhs: impl Into<AffineExpr>) -> Self {
        Self::binary(AffineBinOp::FloorDiv, self, rhs.into())
    }

    /// `self ceildiv rhs`, simplified.
    pub fn ceil_div(self, rhs: impl Into<AffineExpr>) -> Self {
        Self::binary(AffineBinOp::CeilDiv, self, rhs.into())
    }

    /// `self mod rhs`, simplified.
    pub fn modulo(self, rhs: impl Into<AffineExpr>) -> Self {
        Self::binary(AffineBinOp::Mod, self, rhs.into())
    }

    /// The value of a constant expression.
    pub fn as_constant(&self) -> Option<i64> {
        match self {
            AffineExpr::Constant(c) => Some(*c),
            _ => None,
        }
    }

    /// Whether the expression uses no dimension (MLIR's "symbolic or constant").
    pub fn is_symbolic_or_constant(&self) -> bool {
        match self {
            AffineExpr::Dim(_) => false,
            AffineExpr::Symbol(_) | AffineExpr::Constant(_) => true,
            AffineExpr::Binary { lhs, rhs, .. } => {
                lhs.is_symbolic_or_constant() && rhs.is_symbolic_or_constant()
            }
        }
    }

    /// Whether the expression is affine in the strict sense: every product
    /// and right operand of a division or `mod` is a constant (no
    /// `d0 * s0` or `d0 floordiv s0`).
    pub fn is_pure_affine(&self) -> bool {
        match self {
            AffineExpr::Binary { op, lhs, rhs } => {
                let ok = match op {
                    AffineBinOp::Add => true,
                    AffineBinOp::Mul => lhs.as_constant().is_some() || rhs.as_constant().is_some(),
                    _ => rhs.as_constant().is_some(),
                };
                ok && lhs.is_pure_affine() && rhs.is_pure_affine()
            }
            _ => true,
        }
    }

    /// Whether `d<pos>` occurs in the expression.
    pub fn uses_dim(&self, pos: u32) -> bool {
        match self {
            AffineExpr::Dim(p) => *p == pos,
            AffineExpr::Binary { lhs, rhs, .. } => lhs.uses_dim(pos) || rhs.uses_dim(pos),
            _ => false,
        }
    }

    /// Whether `s<pos>` occurs in the expression.
    pub fn uses_symbol(&self, pos: u32) -> bool {
        match self {
            AffineExpr::Symbol(p) => *p == pos,
            AffineExpr::Binary { lhs, rhs, .. } => lhs.uses_symbol(pos) || rhs.uses_symbol(pos),
            _ => false,
        }
    }

    /// One past the largest dimension and symbol positions used: the
    /// fewest dimensions and symbols a map holding this expression needs.
    pub fn min_inputs(&self) -> (u32, u32) {
        match self {
            AffineExpr::Dim(p) => (p + 1, 0),
            AffineExpr::Symbol(p) => (0, p + 1),
            AffineExpr::Constant(_) => (0, 0),
            AffineExpr::Binary { lhs, rhs, .. } => {
                let (a, b) = (lhs.min_inputs(), rhs.min_inputs());
                (a.0.max(b.0), a.1.max(b.1))
            }
        }
    }

    /// The largest integer known to divide every value of the expression
    /// (0 when it is the constant 0), as MLIR's `getLargestKnownDivisor`.
    pub fn largest_known_divisor(&self) -> u64 {
        match self {
            AffineExpr::Constant(c) => c.unsigned_abs(),
            AffineExpr::Dim(_) | AffineExpr::Symbol(_) => 1,
            AffineExpr::Binary { op, lhs, rhs } => {
                let l = lhs.largest_known_divisor();
                match op {
                    AffineBinOp::Add => gcd(l, rhs.largest_known_divisor()),
                    AffineBinOp::Mul => l.checked_mul(rhs.largest_known_divisor()).unwrap_or(1),
                    AffineBinOp::FloorDiv | AffineBinOp::CeilDiv => match rhs.as_constant() {
                        Some(c) if c != 0 && l.is_multiple_of(c.unsigned_abs()) => {
                            l / c.unsigned_abs()
                        }
                        _ => 1,
                    },
                    AffineBinOp::Mod => match rhs.as_constant() {
                        Some(c) if c != 0 => gcd(l, c.unsigned_abs()),
                        _ => 1,
                    },
                }
            }
        }
    }

    /// Replaces `d<i>` with `dims[i]` and `s<i>` with `syms[i]` (positions
    /// past the slices stay as they are), simplifying the result.
    pub fn replace_dims_and_symbols(&self, dims: &[AffineExpr], syms: &[AffineExpr]) -> Self {
        match self {
            AffineExpr::Dim(p) => dims.get(*p as usize).cloned().unwrap_or(self.clone()),
            AffineExpr::Symbol(p) => syms.get(*p as usize).cloned().unwrap_or(self.clone()),
            AffineExpr::Constant(_) => self.clone(),
            AffineExpr::Binary { op, lhs, rhs } => Self::binary(
                *op,
                lhs.replace_dims_and_symbols(dims, syms),
                rhs.replace_dims_and_symbols(dims, syms),
            ),
        }
    }

    /// Renumbers `d<i>` to `d<i + dim_offset>` and `s<i>` to `s<i + sym_offset>`.
    pub fn shift(&self, dim_offset: u32, sym_offset: u32) -> Self {
        match self {
            AffineExpr::Dim(p) => AffineExpr::Dim(p + dim_offset),
            AffineExpr::Symbol(p) => AffineExpr::Symbol(p + sym_offset),
            AffineExpr::Constant(_) => self.clone(),
            AffineExpr::Binary { op, lhs, rhs } => AffineExpr::Binary {
                op: *op,
                lhs: Box::new(lhs.shift(dim_offset, sym_offset)),
                rhs: Box::new(rhs.shift(dim_offset, sym_offset)),
            },
        }
    }

    /// The value for dimension values `dims` and symbol values `syms`
    /// (see the module docs for the meaning of each operator).
    pub fn eval(&self, dims: &[i64], syms: &[i64]) -> Result<i64, AffineEvalError> {
        match self {
            AffineExpr::Dim(p) => {
                dims.get(*p as usize)
                    .copied()
                    .ok_or(AffineEvalError::OutOfRange {
                        symbol: false,
                        pos: *p,
                    })
            }
            AffineExpr::Symbol(p) => {
                syms.get(*p as usize)
                    .copied()
                    .ok_or(AffineEvalError::OutOfRange {
                        symbol: true,
                        pos: *p,
                    })
            }
            AffineExpr::Constant(c) => Ok(*c),
            AffineExpr::Binary { op, lhs, rhs } => {
                let a = lhs.eval(dims, syms)?;
                let b = rhs.eval(dims, syms)?;
                apply_op(*op, a, b)
            }
        }
    }

    /// Writes the expression through `w`, which decides how dimensions and
    /// symbols are named (`d0`/`s0`, or the SSA values of an op).
    pub fn write_to(&self, w: &mut dyn AffineWriter) {
        write_expr(self, false, w);
    }
}

/// Applies one operator to values (see the module docs).
pub fn apply_op(op: AffineBinOp, a: i64, b: i64) -> Result<i64, AffineEvalError> {
    let r = match op {
        AffineBinOp::Add => a.checked_add(b),
        AffineBinOp::Mul => a.checked_mul(b),
        AffineBinOp::FloorDiv | AffineBinOp::CeilDiv | AffineBinOp::Mod if b <= 0 => {
            return Err(AffineEvalError::NonPositiveDivisor(b));
        }
        AffineBinOp::FloorDiv => Some(floor_div(a, b)),
        AffineBinOp::CeilDiv => Some(ceil_div(a, b)),
        AffineBinOp::Mod => Some(a.rem_euclid(b)),
    };
    r.ok_or(AffineEvalError::Overflow)
}

/// `a floordiv b` for `b > 0`.
fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// `a ceildiv b` for `b > 0`.
fn ceil_div(a: i64, b: i64) -> i64 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) != 0 { q + 1 } else { q }
}

impl From<i64> for AffineExpr {
    fn from(v: i64) -> Self {
        AffineExpr::Constant(v)
    }
}

impl std::ops::Add for AffineExpr {
    type Output = AffineExpr;
    fn add(self, rhs: AffineExpr) -> AffineExpr {
        AffineExpr::binary(AffineBinOp::Add, self, rhs)
    }
}

impl std::ops::Add<i64> for AffineExpr {
    type Output = AffineExpr;
    fn add(self, rhs: i64) -> AffineExpr {
        self + AffineExpr::Constant(rhs)
    }
}

impl std::ops::Mul for AffineExpr {
    type Output = AffineExpr;
    fn mul(self, rhs: AffineExpr) -> AffineExpr {
        AffineExpr::binary(AffineBinOp::Mul, self, rhs)
    }
}

impl std::ops::Mul<i64> for AffineExpr {
    type Output = AffineExpr;
    fn mul(self, rhs: i64) -> AffineExpr {
        self * AffineExpr::Constant(rhs)
    }
}

impl std::ops::Neg for AffineExpr {
    type Output = AffineExpr;
    fn neg(self) -> AffineExpr {
        self * -1
    }
}

impl std::ops::Sub for AffineExpr {
    type Output = AffineExpr;
    fn sub(self, rhs: AffineExpr) -> AffineExpr {
        self + (-rhs)
    }
}

impl std::ops::Sub<i64> for AffineExpr {
    type Output = AffineExpr;
    fn sub(self, rhs: i64) -> AffineExpr {
        self - AffineExpr::Constant(rhs)
    }
}

// ----- simplification --------------------------------------------------------
//
// Each returns the simplified expression, or `None` to build the node as
// it is. The rules are MLIR's, so both print the same text.

/// `expr * c` as `(c, expr)`; anything else as `(1, expr)`.
fn split_coefficient(e: &AffineExpr) -> (i64, &AffineExpr) {
    if let AffineExpr::Binary {
        op: AffineBinOp::Mul,
        lhs,
        rhs,
    } = e
        && let Some(c) = rhs.as_constant()
    {
        return (c, lhs);
    }
    (1, e)
}

fn simplify_add(lhs: &AffineExpr, rhs: &AffineExpr) -> Option<AffineExpr> {
    use AffineExpr as E;
    let (lc, rc) = (lhs.as_constant(), rhs.as_constant());
    if let (Some(a), Some(b)) = (lc, rc) {
        return a.checked_add(b).map(E::Constant);
    }
    // Constants go right, then symbolic terms right of dimensional ones.
    if lc.is_some() || (lhs.is_symbolic_or_constant() && !rhs.is_symbolic_or_constant()) {
        return Some(rhs.clone() + lhs.clone());
    }
    if rc == Some(0) {
        return Some(lhs.clone());
    }
    let lbin = match lhs {
        E::Binary { op, lhs: a, rhs: b } => Some((*op, &**a, &**b)),
        _ => None,
    };
    // (e + c1) + c2 → e + (c1 + c2).
    if let (Some(c2), Some((AffineBinOp::Add, e, E::Constant(c1)))) = (rc, lbin)
        && let Some(c) = c1.checked_add(c2)
    {
        return Some(e.clone() + c);
    }
    // e * c1 + e * c2 → e * (c1 + c2).
    let (c1, e1) = split_coefficient(lhs);
    let (c2, e2) = split_coefficient(rhs);
    if e1 == e2
        && let Some(c) = c1.checked_add(c2)
    {
        return Some(e1.clone() * c);
    }
    // (e + c) + f → (e + f) + c: the constant stays rightmost.
    if let Some((AffineBinOp::Add, e, c @ E::Constant(_))) = lbin {
        return Some((e.clone() + rhs.clone()) + c.clone());
    }
    // e + ((e floordiv q) * q) * -1 and e + (e floordiv c) * -c → e mod q.
    let E::Binary {
        op: AffineBinOp::Mul,
        lhs: rl,
        rhs: rr,
    } = rhs
    else {
        return None;
    };
    if **rr == E::Constant(-1)
        && let E::Binary {
            op: AffineBinOp::Mul,
            lhs: fd,
            rhs: q,
        } = &**rl
        && let E::Binary {
            op: AffineBinOp::FloorDiv,
            lhs: x,
            rhs: q2,
        } = &**fd
        && q == q2
        && **x == *lhs
    {
        return Some(lhs.clone().modulo((**q).clone()));
    }
    if let E::Binary {
        op: AffineBinOp::FloorDiv,
        lhs: x,
        rhs: q,
    } = &**rl
        && **x == *lhs
        && **q == -(**rr).clone()
    {
        return Some(lhs.clone().modulo((**q).clone()));
    }
    None
}

fn simplify_mul(lhs: &AffineExpr, rhs: &AffineExpr) -> Option<AffineExpr> {
    use AffineExpr as E;
    let (lc, rc) = (lhs.as_constant(), rhs.as_constant());
    if let (Some(a), Some(b)) = (lc, rc) {
        return a.checked_mul(b).map(E::Constant);
    }
    let (ls, rs) = (lhs.is_symbolic_or_constant(), rhs.is_symbolic_or_constant());
    if !ls && !rs {
        return None; // not affine; kept as written
    }
    // The symbolic or constant factor goes right; a constant rightmost.
    if !rs || lc.is_some() {
        return Some(rhs.clone() * lhs.clone());
    }
    match rc {
        Some(1) => return Some(lhs.clone()),
        Some(0) => return Some(E::Constant(0)),
        _ => {}
    }
    if let E::Binary {
        op: AffineBinOp::Mul,
        lhs: e,
        rhs: c1,
    } = lhs
        && let Some(c1) = c1.as_constant()
    {
        // (e * c1) * c2 → e * (c1 * c2).
        if let Some(c2) = rc {
            return c1.checked_mul(c2).map(|c| (**e).clone() * c);
        }
        // (e * c) * f → (e * f) * c.
        return Some(((**e).clone() * rhs.clone()) * c1);
    }
    None
}

/// The positive constant divisor of a division or `mod`, if it is one.
fn positive_divisor(rhs: &AffineExpr) -> Option<i64> {
    rhs.as_constant().filter(|&c| c >= 1)
}

fn simplify_floor_div(lhs: &AffineExpr, rhs: &AffineExpr) -> Option<AffineExpr> {
    use AffineExpr as E;
    let c = positive_divisor(rhs)?;
    if let Some(l) = lhs.as_constant() {
        return Some(E::Constant(floor_div(l, c)));
    }
    if c == 1 {
        return Some(lhs.clone());
    }
    let E::Binary { op, lhs: a, rhs: b } = lhs else {
        return None;
    };
    let cu = c as u64;
    match op {
        // (e * k) floordiv c → e * (k / c) when c divides k.
        AffineBinOp::Mul => {
            let k = b.as_constant()?;
            (k % c == 0).then(|| (**a).clone() * (k / c))
        }
        // (a + b) floordiv c → a floordiv c + b floordiv c when c divides a or b.
        AffineBinOp::Add => (a.largest_known_divisor().is_multiple_of(cu)
            || b.largest_known_divisor().is_multiple_of(cu))
        .then(|| (**a).clone().floor_div(c) + (**b).clone().floor_div(c)),
        _ => None,
    }
}

fn simplify_ceil_div(lhs: &AffineExpr, rhs: &AffineExpr) -> Option<AffineExpr> {
    use AffineExpr as E;
    let c = positive_divisor(rhs)?;
    if let Some(l) = lhs.as_constant() {
        return Some(E::Constant(ceil_div(l, c)));
    }
    if c == 1 {
        return Some(lhs.clone());
    }
    // (e * k) ceildiv c → e * (k / c) when c divides k.
    if let E::Binary {
        op: AffineBinOp::Mul,
        lhs: a,
        rhs: b,
    } = lhs
    {
        let k = b.as_constant()?;
        return (k % c == 0).then(|| (**a).clone() * (k / c));
    }
    None
}

fn simplify_mod(lhs: &AffineExpr, rhs: &AffineExpr) -> Option<AffineExpr> {
    use AffineExpr as E;
    let c = positive_divisor(rhs)?;
    if let Some(l) = lhs.as_constant() {
        return Some(E::Constant(l.rem_euclid(c)));
    }
    let cu = c as u64;
    if lhs.largest_known_divisor().is_multiple_of(cu) {
        return Some(E::Constant(0));
    }
    let E::Binary { op, lhs: a, rhs: b } = lhs else {
        return None;
    };
    match op {
        // (a + b) mod c → b mod c when c divides a (and the other way round).
        AffineBinOp::Add => {
            if a.largest_known_divisor().is_multiple_of(cu) {
                Some((**b).clone().modulo(c))
            } else if b.largest_known_divisor().is_multiple_of(cu) {
                Some((**a).clone().modulo(c))
            } else {
                None
            }
        }
        // (e mod k) mod c → e mod c when c divides k.
        AffineBinOp::Mod => {
            let k = b.as_constant()?;
            (k >= 1 && k % c == 0).then(|| (**a).clone().modulo(c))
        }
        _ => None,
    }
}

// ----- printing --------------------------------------------------------------

/// Where [`AffineExpr::write_to`] sends text: plain strings name dimensions
/// `d0` and symbols `s0`; op printers name them after SSA values.
pub trait AffineWriter {
    /// Writes punctuation, operators and constants.
    fn text(&mut self, s: &str);
    /// Writes dimension `pos`.
    fn dim(&mut self, pos: u32);
    /// Writes symbol `pos`.
    fn symbol(&mut self, pos: u32);
}

impl AffineWriter for String {
    fn text(&mut self, s: &str) {
        self.push_str(s);
    }
    fn dim(&mut self, pos: u32) {
        self.push('d');
        self.push_str(&pos.to_string());
    }
    fn symbol(&mut self, pos: u32) {
        self.push('s');
        self.push_str(&pos.to_string());
    }
}

/// Writes `e` as MLIR does: `strong` when the context binds tighter than
/// `+` (then anything but a leaf gets parentheses); `x * -1` prints as
/// `-x`, and `a + b * -c` and `a + -c` print as subtractions.
fn write_expr(e: &AffineExpr, strong: bool, w: &mut dyn AffineWriter) {
    use AffineExpr as E;
    let (op, lhs, rhs) = match e {
        E::Dim(p) => return w.dim(*p),
        E::Symbol(p) => return w.symbol(*p),
        E::Constant(c) => return w.text(&c.to_string()),
        E::Binary { op, lhs, rhs } => (*op, &**lhs, &**rhs),
    };
    if strong {
        w.text("(");
    }
    if op != AffineBinOp::Add {
        if op == AffineBinOp::Mul && rhs.as_constant() == Some(-1) {
            w.text("-");
            write_expr(lhs, true, w);
        } else {
            write_expr(lhs, true, w);
            w.text(op.spelling());
            write_expr(rhs, true, w);
        }
    } else if let E::Binary {
        op: AffineBinOp::Mul,
        lhs: rl,
        rhs: rr,
    } = rhs
        && let Some(c) = rr.as_constant().filter(|&c| c < 0)
    {
        write_expr(lhs, false, w);
        w.text(" - ");
        if c == -1 {
            let paren = matches!(
                **rl,
                E::Binary {
                    op: AffineBinOp::Add,
                    ..
                }
            );
            write_expr(rl, paren, w);
        } else {
            write_expr(rl, true, w);
            w.text(" * ");
            w.text(&(-(c as i128)).to_string());
        }
    } else if let Some(c) = rhs.as_constant().filter(|&c| c < 0) {
        write_expr(lhs, false, w);
        w.text(" - ");
        w.text(&(-(c as i128)).to_string());
    } else {
        write_expr(lhs, false, w);
        w.text(" + ");
        write_expr(rhs, false, w);
    }
    if strong {
        w.text(")");
    }
}

impl fmt::Display for AffineExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

/// Writes `(d0, d1)[s0, s1]` (the brackets only when there are symbols).
fn write_inputs(num_dims: u32, num_symbols: u32, out: &mut String) {
    out.push('(');
    for i in 0..num_dims {
        if i > 0 {
            out.push_str(", ");
        }
        out.dim(i);
    }
    out.push(')');
    if num_symbols > 0 {
        out.push('[');
        for i in 0..num_symbols {
            if i > 0 {
                out.push_str(", ");
            }
            out.symbol(i);
        }
        out.push(']');
    }
}

// ----- maps ------------------------------------------------------------------

/// `(d0, ..)[s0, ..] -> (e0, e1, ..)`: a function from dimension and
/// symbol values to one value per result.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AffineMap {
    /// How many dimensions.
    pub num_dims: u32,
    /// How many symbols.
    pub num_symbols: u32,
    /// The result expressions.
    pub results: Vec<AffineExpr>,
}

impl AffineMap {
    /// A map with these inputs and results.
    pub fn new(num_dims: u32, num_symbols: u32, results: Vec<AffineExpr>) -> Self {
        AffineMap {
            num_dims,
            num_symbols,
            results,
        }
    }

    /// `(d0, .., d<n-1>) -> (d0, .., d<n-1>)`.
    pub fn identity(n: u32) -> Self {
        Self::new(n, 0, (0..n).map(AffineExpr::Dim).collect())
    }

    /// `() -> (c)`.
    pub fn constant(c: i64) -> Self {
        Self::new(0, 0, vec![AffineExpr::Constant(c)])
    }

    /// `() -> (c0, c1, ..)`.
    pub fn constants(values: &[i64]) -> Self {
        Self::new(
            0,
            0,
            values.iter().map(|&c| AffineExpr::Constant(c)).collect(),
        )
    }

    /// `()[s0] -> (s0)`: how a loop bound given as one SSA value is stored.
    pub fn symbol_identity() -> Self {
        Self::new(0, 1, vec![AffineExpr::Symbol(0)])
    }

    /// The number of operands the map takes: dimensions plus symbols.
    pub fn num_inputs(&self) -> usize {
        self.num_dims as usize + self.num_symbols as usize
    }

    /// Whether result `i` is `d<i>` for every `i` and there are as many
    /// results as dimensions (symbols are allowed, as in MLIR).
    pub fn is_identity(&self) -> bool {
        self.results.len() == self.num_dims as usize
            && self
                .results
                .iter()
                .enumerate()
                .all(|(i, e)| *e == AffineExpr::Dim(i as u32))
    }

    /// The results if they are all constants.
    pub fn constant_results(&self) -> Option<Vec<i64>> {
        self.results.iter().map(AffineExpr::as_constant).collect()
    }

    /// The value of a map with one constant result.
    pub fn single_constant(&self) -> Option<i64> {
        match &self.results[..] {
            [e] => e.as_constant(),
            _ => None,
        }
    }

    /// Whether the map is `()[s0] -> (s0)`.
    pub fn is_symbol_identity(&self) -> bool {
        self.num_dims == 0 && self.num_symbols == 1 && self.results == [AffineExpr::Symbol(0)]
    }

    /// Whether every result is strictly affine ([`AffineExpr::is_pure_affine`]).
    pub fn is_pure_affine(&self) -> bool {
        self.results.iter().all(AffineExpr::is_pure_affine)
    }

    /// Checks that results use only the map's dimensions and symbols.
    pub fn validate(&self) -> Result<(), String> {
        for e in &self.results {
            let (d, s) = e.min_inputs();
            if d > self.num_dims {
                return Err(format!(
                    "result '{e}' uses dimension d{} of a map with {} dimensions",
                    d - 1,
                    self.num_dims
                ));
            }
            if s > self.num_symbols {
                return Err(format!(
                    "result '{e}' uses symbol s{} of a map with {} symbols",
                    s - 1,
                    self.num_symbols
                ));
            }
        }
        Ok(())
    }

    /// The results for dimension values `dims` and symbol values `syms`,
    /// which must be exactly as many as the map has.
    pub fn eval(&self, dims: &[i64], syms: &[i64]) -> Result<Vec<i64>, AffineEvalError> {
        if dims.len() != self.num_dims as usize || syms.len() != self.num_symbols as usize {
            return Err(AffineEvalError::WrongCount {
                expected: (self.num_dims as usize, self.num_symbols as usize),
                given: (dims.len(), syms.len()),
            });
        }
        self.results.iter().map(|e| e.eval(dims, syms)).collect()
    }

    /// Like [`eval`](Self::eval) with the operands in op order: the
    /// dimension values, then the symbol values.
    pub fn eval_operands(&self, operands: &[i64]) -> Result<Vec<i64>, AffineEvalError> {
        let n = (self.num_dims as usize).min(operands.len());
        self.eval(&operands[..n], &operands[n..])
    }

    /// `self ∘ other`, as MLIR's `compose`: `other`'s results feed `self`'s
    /// dimensions. The result has `other`'s dimensions and `self`'s
    /// symbols followed by `other`'s. `None` if `other` does not have one
    /// result per dimension of `self`.
    pub fn compose(&self, other: &AffineMap) -> Option<AffineMap> {
        if other.results.len() != self.num_dims as usize {
            return None;
        }
        let dims: Vec<AffineExpr> = other
            .results
            .iter()
            .map(|e| e.shift(0, self.num_symbols))
            .collect();
        let syms: Vec<AffineExpr> = (0..self.num_symbols).map(AffineExpr::Symbol).collect();
        Some(AffineMap::new(
            other.num_dims,
            self.num_symbols + other.num_symbols,
            self.results
                .iter()
                .map(|e| e.replace_dims_and_symbols(&dims, &syms))
                .collect(),
        ))
    }

    /// Replaces dimensions and symbols in every result (see
    /// [`AffineExpr::replace_dims_and_symbols`]); the new map has
    /// `num_dims` dimensions and `num_symbols` symbols.
    pub fn replace_dims_and_symbols(
        &self,
        dims: &[AffineExpr],
        syms: &[AffineExpr],
        num_dims: u32,
        num_symbols: u32,
    ) -> AffineMap {
        AffineMap::new(
            num_dims,
            num_symbols,
            self.results
                .iter()
                .map(|e| e.replace_dims_and_symbols(dims, syms))
                .collect(),
        )
    }

    /// The map made of results `start..start + len` (same inputs).
    pub fn slice(&self, start: usize, len: usize) -> AffineMap {
        AffineMap::new(
            self.num_dims,
            self.num_symbols,
            self.results[start..start + len].to_vec(),
        )
    }
}

impl fmt::Display for AffineMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_inputs(self.num_dims, self.num_symbols, &mut s);
        s.push_str(" -> (");
        for (i, e) in self.results.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            e.write_to(&mut s);
        }
        s.push(')');
        f.write_str(&s)
    }
}

// ----- integer sets ----------------------------------------------------------

/// `(d0, ..)[s0, ..] : (e0 >= 0, e1 == 0, ..)`: the points where every
/// constraint holds. Each constraint is an expression and whether it must
/// equal zero (`true`) or be at least zero (`false`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct IntegerSet {
    /// How many dimensions.
    pub num_dims: u32,
    /// How many symbols.
    pub num_symbols: u32,
    /// `(expr, is_equality)`: `expr == 0` or `expr >= 0`.
    pub constraints: Vec<(AffineExpr, bool)>,
}

impl IntegerSet {
    /// A set with these inputs and constraints.
    pub fn new(num_dims: u32, num_symbols: u32, constraints: Vec<(AffineExpr, bool)>) -> Self {
        IntegerSet {
            num_dims,
            num_symbols,
            constraints,
        }
    }

    /// The number of operands the set takes: dimensions plus symbols.
    pub fn num_inputs(&self) -> usize {
        self.num_dims as usize + self.num_symbols as usize
    }

    /// Checks that constraints use only the set's dimensions and symbols.
    pub fn validate(&self) -> Result<(), String> {
        let exprs = self.constraints.iter().map(|(e, _)| e.clone()).collect();
        AffineMap::new(self.num_dims, self.num_symbols, exprs).validate()
    }

    /// Whether the point (`dims`, `syms`) satisfies every constraint.
    pub fn contains(&self, dims: &[i64], syms: &[i64]) -> Result<bool, AffineEvalError> {
        if dims.len() != self.num_dims as usize || syms.len() != self.num_symbols as usize {
            return Err(AffineEvalError::WrongCount {
                expected: (self.num_dims as usize, self.num_symbols as usize),
                given: (dims.len(), syms.len()),
            });
        }
        for (e, eq) in &self.constraints {
            let v = e.eval(dims, syms)?;
            if (*eq && v != 0) || (!*eq && v < 0) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Like [`contains`](Self::contains) with the operands in op order: the
    /// dimension values, then the symbol values.
    pub fn contains_operands(&self, operands: &[i64]) -> Result<bool, AffineEvalError> {
        let n = (self.num_dims as usize).min(operands.len());
        self.contains(&operands[..n], &operands[n..])
    }
}

impl fmt::Display for IntegerSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_inputs(self.num_dims, self.num_symbols, &mut s);
        s.push_str(" : (");
        for (i, (e, eq)) in self.constraints.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            e.write_to(&mut s);
            s.push_str(if *eq { " == 0" } else { " >= 0" });
        }
        s.push(')');
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(i: u32) -> AffineExpr {
        AffineExpr::dim(i)
    }

    fn s(i: u32) -> AffineExpr {
        AffineExpr::symbol(i)
    }

    #[test]
    fn simplifies_like_mlir() {
        assert_eq!((AffineExpr::from(2) + d(0)).to_string(), "d0 + 2");
        assert_eq!((s(0) + d(1)).to_string(), "d1 + s0");
        assert_eq!((d(0) * 2 * 3).to_string(), "d0 * 6");
        assert_eq!(((d(0) + 2) + d(1)).to_string(), "d0 + d1 + 2");
        assert_eq!((d(0) - d(0)).to_string(), "0");
        assert_eq!((d(0) - (d(0).floor_div(4) * 4)).to_string(), "d0 mod 4");
        assert_eq!(
            ((d(0) * 4 + d(1)).floor_div(4)).to_string(),
            "d0 + d1 floordiv 4"
        );
        assert_eq!((d(0) * 128).modulo(64).to_string(), "0");
        assert_eq!((d(0) - (d(1) + 1)).to_string(), "d0 - (d1 + 1)");
        assert_eq!((-(d(0) + d(1))).to_string(), "-(d0 + d1)");
        assert_eq!(
            ((d(0) * 2) * s(1)).ceil_div(3).to_string(),
            "((d0 * s1) * 2) ceildiv 3"
        );
    }

    #[test]
    fn evaluates_with_floor_semantics() {
        let m = AffineMap::new(
            1,
            0,
            vec![d(0).floor_div(2), d(0).ceil_div(2), d(0).modulo(2)],
        );
        assert_eq!(m.eval(&[-7], &[]).unwrap(), vec![-4, -3, 1]);
        let bad = AffineExpr::Binary {
            op: AffineBinOp::Mod,
            lhs: Box::new(d(0)),
            rhs: Box::new(AffineExpr::Constant(0)),
        };
        assert_eq!(
            bad.eval(&[1], &[]),
            Err(AffineEvalError::NonPositiveDivisor(0))
        );
    }
}
