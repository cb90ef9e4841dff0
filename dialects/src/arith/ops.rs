//! The op table of the `arith` dialect: one row per op (name, class,
//! commutativity, summary), the closed [`ArithOp`] enum the interpreter and
//! folds dispatch on, and the registry definitions built from the table.

use tessera_compiler::registry::{ParseFn, PrintFn};
use tessera_compiler::{OpDef, OpSyntax, OpTraits};

use super::syntax;

/// Which flag attribute an element-wise op takes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Flags {
    /// None.
    None,
    /// `fastmath` ([`FastMathFlags`](super::FastMathFlags)).
    FastMath,
    /// `overflowFlags` ([`OverflowFlags`](super::OverflowFlags)).
    Overflow,
}

/// The element types of an element-wise op.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ElemClass {
    /// Floats (`f16`, `bf16`, `f32`, `f64`).
    Float,
    /// Signless integers and `index`.
    Int,
}

/// How an op is typed, verified and written.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Class {
    /// `arith.constant`.
    Constant,
    /// `arity` operands and one result, all of one type (a scalar or a
    /// vector or tensor of it), element-wise: `op %a, %b [flags] : T`.
    SameType {
        /// The number of operands.
        arity: u8,
        /// The element types allowed.
        elem: ElemClass,
        /// The flag attribute taken.
        flags: Flags,
    },
    /// `arith.cmpf`.
    CmpF,
    /// `arith.cmpi`.
    CmpI,
    /// `arith.select`.
    Select,
    /// A conversion: `op %x [...] : T to U`.
    Cast,
}

const fn float(arity: u8) -> Class {
    Class::SameType {
        arity,
        elem: ElemClass::Float,
        flags: Flags::FastMath,
    }
}

const fn int(arity: u8) -> Class {
    Class::SameType {
        arity,
        elem: ElemClass::Int,
        flags: Flags::None,
    }
}

const fn int_ovf() -> Class {
    Class::SameType {
        arity: 2,
        elem: ElemClass::Int,
        flags: Flags::Overflow,
    }
}

/// Defines [`ArithOp`] from the table.
macro_rules! arith_ops {
    ($($variant:ident = $name:literal, $class:expr, $comm:literal, $summary:literal;)*) => {
        /// The ops of the `arith` dialect.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum ArithOp {
            $(#[doc = $summary] $variant,)*
        }

        impl ArithOp {
            /// Every op, in table order.
            pub const ALL: &'static [ArithOp] = &[$(ArithOp::$variant,)*];

            /// The full name (`arith.addf`).
            pub fn name(self) -> &'static str {
                match self {
                    $(ArithOp::$variant => $name,)*
                }
            }

            /// The op named `name`.
            pub fn from_name(name: &str) -> Option<ArithOp> {
                match name {
                    $($name => Some(ArithOp::$variant),)*
                    _ => None,
                }
            }

            /// How the op is typed and written.
            pub fn class(self) -> Class {
                match self {
                    $(ArithOp::$variant => $class,)*
                }
            }

            /// Whether the first two operands may be swapped.
            pub fn is_commutative(self) -> bool {
                match self {
                    $(ArithOp::$variant => $comm,)*
                }
            }

            /// One line for the docs.
            pub fn summary(self) -> &'static str {
                match self {
                    $(ArithOp::$variant => $summary,)*
                }
            }
        }
    };
}

arith_ops! {
    Constant = "arith.constant", Class::Constant, false, "A constant scalar, vector or tensor.";
    AddF = "arith.addf", float(2), true, "Float addition.";
    SubF = "arith.subf", float(2), false, "Float subtraction.";
    MulF = "arith.mulf", float(2), true, "Float multiplication.";
    DivF = "arith.divf", float(2), false, "Float division.";
    RemF = "arith.remf", float(2), false, "Float remainder (C's `fmod`: the sign of the dividend).";
    NegF = "arith.negf", float(1), false, "Float negation (flips the sign bit, also of NaN).";
    MaximumF = "arith.maximumf", float(2), true, "IEEE 754-2019 `maximum`: NaN if either is NaN, -0 < +0.";
    MinimumF = "arith.minimumf", float(2), true, "IEEE 754-2019 `minimum`: NaN if either is NaN, -0 < +0.";
    MaxNumF = "arith.maxnumf", float(2), true, "IEEE 754-2008 `maxNum`: the other operand if one is NaN.";
    MinNumF = "arith.minnumf", float(2), true, "IEEE 754-2008 `minNum`: the other operand if one is NaN.";
    AddI = "arith.addi", int_ovf(), true, "Integer addition (wrapping).";
    SubI = "arith.subi", int_ovf(), false, "Integer subtraction (wrapping).";
    MulI = "arith.muli", int_ovf(), true, "Integer multiplication (wrapping).";
    DivSI = "arith.divsi", int(2), false, "Signed division, rounding toward zero.";
    DivUI = "arith.divui", int(2), false, "Unsigned division.";
    RemSI = "arith.remsi", int(2), false, "Signed remainder (the sign of the dividend).";
    RemUI = "arith.remui", int(2), false, "Unsigned remainder.";
    CeilDivSI = "arith.ceildivsi", int(2), false, "Signed division, rounding toward positive infinity.";
    CeilDivUI = "arith.ceildivui", int(2), false, "Unsigned division, rounding up.";
    FloorDivSI = "arith.floordivsi", int(2), false, "Signed division, rounding toward negative infinity.";
    AndI = "arith.andi", int(2), true, "Bitwise and.";
    OrI = "arith.ori", int(2), true, "Bitwise or.";
    XOrI = "arith.xori", int(2), true, "Bitwise exclusive or.";
    ShLI = "arith.shli", int_ovf(), false, "Shift left.";
    ShRSI = "arith.shrsi", int(2), false, "Arithmetic (sign-filling) shift right.";
    ShRUI = "arith.shrui", int(2), false, "Logical (zero-filling) shift right.";
    MaxSI = "arith.maxsi", int(2), true, "Signed maximum.";
    MinSI = "arith.minsi", int(2), true, "Signed minimum.";
    MaxUI = "arith.maxui", int(2), true, "Unsigned maximum.";
    MinUI = "arith.minui", int(2), true, "Unsigned minimum.";
    CmpF = "arith.cmpf", Class::CmpF, false, "Float comparison by predicate, giving `i1`.";
    CmpI = "arith.cmpi", Class::CmpI, false, "Integer comparison by predicate, giving `i1`.";
    Select = "arith.select", Class::Select, false, "Chooses between two values by an `i1` condition (per element for a shaped condition).";
    ExtF = "arith.extf", Class::Cast, false, "Widens a float (exact).";
    TruncF = "arith.truncf", Class::Cast, false, "Narrows a float, rounding by the `roundingmode` (default: to nearest even).";
    ExtSI = "arith.extsi", Class::Cast, false, "Widens an integer, sign-extending.";
    ExtUI = "arith.extui", Class::Cast, false, "Widens an integer, zero-extending.";
    TruncI = "arith.trunci", Class::Cast, false, "Narrows an integer, keeping the low bits.";
    SIToFP = "arith.sitofp", Class::Cast, false, "Signed integer to float, rounding to nearest even.";
    UIToFP = "arith.uitofp", Class::Cast, false, "Unsigned integer to float, rounding to nearest even.";
    FPToSI = "arith.fptosi", Class::Cast, false, "Float to signed integer, rounding toward zero; out of range is poison.";
    FPToUI = "arith.fptoui", Class::Cast, false, "Float to unsigned integer, rounding toward zero; out of range is poison.";
    IndexCast = "arith.index_cast", Class::Cast, false, "Between `index` and an integer, sign-extending or truncating.";
    IndexCastUI = "arith.index_castui", Class::Cast, false, "Between `index` and an integer, zero-extending or truncating.";
    Bitcast = "arith.bitcast", Class::Cast, false, "Reinterprets the bits as another type of the same width.";
}

impl ArithOp {
    /// The registry traits.
    pub fn traits(self) -> OpTraits {
        let mut t = OpTraits::PURE;
        if self.is_commutative() {
            t = t | OpTraits::COMMUTATIVE;
        }
        if self == ArithOp::Constant {
            t = t | OpTraits::CONSTANT_LIKE;
        }
        t
    }
}

/// The textual form of each class, as an example for the docs.
fn example(op: ArithOp) -> String {
    let name = op.name();
    match op.class() {
        Class::Constant => "%c = arith.constant 1.000000e+00 : f32".to_string(),
        Class::SameType { arity, elem, flags } => {
            let ty = match elem {
                ElemClass::Float => "f32",
                ElemClass::Int => "i32",
            };
            let operands = ["%a", "%b", "%c"][..arity as usize].join(", ");
            let flags = match flags {
                Flags::None => "",
                Flags::FastMath => " [fastmath<fast>]",
                Flags::Overflow => " [overflow<nsw, nuw>]",
            };
            format!("%r = {name} {operands}{flags} : {ty}")
        }
        Class::CmpF => "%r = arith.cmpf olt, %a, %b [fastmath<...>] : f32".to_string(),
        Class::CmpI => "%r = arith.cmpi slt, %a, %b : i32".to_string(),
        Class::Select => {
            "%r = arith.select %c, %a, %b : f32\n%v = arith.select %m, %x, %y : vector<4xi1>, vector<4xf32>"
                .to_string()
        }
        Class::Cast => {
            let (from, to, extra) = match op {
                ArithOp::ExtF => ("f16", "f32", " [fastmath<...>]"),
                ArithOp::TruncF => ("f64", "f32", " [downward] [fastmath<...>]"),
                ArithOp::ExtSI | ArithOp::ExtUI => ("i8", "i32", ""),
                ArithOp::TruncI => ("i32", "i8", ""),
                ArithOp::SIToFP | ArithOp::UIToFP => ("i32", "f32", ""),
                ArithOp::FPToSI | ArithOp::FPToUI => ("f32", "i32", ""),
                ArithOp::IndexCast | ArithOp::IndexCastUI => ("index", "i32", ""),
                _ => ("f32", "i32", ""),
            };
            format!("%r = {name} %x{extra} : {from} to {to}")
        }
    }
}

/// The registry definitions of every `arith` op.
pub fn op_defs() -> Vec<OpDef> {
    ArithOp::ALL
        .iter()
        .map(|&op| {
            let (parse, print): (ParseFn, PrintFn) = match op.class() {
                Class::Constant => (syntax::parse_constant, syntax::print_constant),
                Class::SameType { .. } => (syntax::parse_same_type, syntax::print_same_type),
                Class::CmpF | Class::CmpI => (syntax::parse_cmp, syntax::print_cmp),
                Class::Select => (syntax::parse_select, syntax::print_select),
                Class::Cast => (syntax::parse_cast, syntax::print_cast),
            };
            let mut def = OpDef::new(op.name(), op.summary())
                .traits(op.traits())
                .verify(super::verify::verify_op)
                .fold(super::fold::fold_op)
                .syntax(OpSyntax::Custom { parse, print })
                .description(&format!(
                    "{}\n\n```mlir\n{}\n```",
                    op.summary(),
                    example(op)
                ));
            if let Some(p) = super::patterns::patterns_for(op) {
                def = def.patterns(p);
            }
            def
        })
        .collect()
}
