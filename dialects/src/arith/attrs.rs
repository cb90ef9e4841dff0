//! The `arith` dialect's enum and flag attributes, with MLIR 19's
//! spellings and storage:
//!
//! - [`FastMathFlags`]: `fastmath = #arith.fastmath<nnan,ninf>` on float
//!   ops (`arith.addf`, `arith.cmpf`, `arith.extf`, every `math` float op);
//!   the custom form writes `fastmath<nnan,ninf>`.
//! - [`OverflowFlags`]: `overflowFlags = #arith.overflow<nsw, nuw>` on
//!   `arith.addi`, `subi`, `muli`, `shli`; written `overflow<nsw, nuw>`.
//! - [`CmpFPredicate`] and [`CmpIPredicate`]: `predicate = 4 : i64`, written
//!   as the keyword (`arith.cmpf olt, ...`).
//! - [`RoundingMode`]: `roundingmode = 0 : i32` on `arith.truncf`, written as
//!   the keyword (`arith.truncf %x downward : f64 to f32`).
//!
//! Flag attributes are kept as opaque `#arith...` attributes (the IR core has
//! no structured dialect attributes); these types read and build them.

use tessera_compiler::{AttrData, Attribute, Context};

/// Fast-math flags: permissions to compute a float op less exactly.
/// The interpreter and folds ignore them (every flag only widens the set
/// of allowed results, and the exact result is always among them).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct FastMathFlags(pub u8);

/// The flag keywords in MLIR's bit order.
const FASTMATH_NAMES: [&str; 7] = ["reassoc", "nnan", "ninf", "nsz", "arcp", "contract", "afn"];

impl FastMathFlags {
    /// No flags (`fastmath<none>`, the default).
    pub const NONE: FastMathFlags = FastMathFlags(0);
    /// Every flag (`fastmath<fast>`).
    pub const FAST: FastMathFlags = FastMathFlags(0x7f);

    /// Parses a flag list as written between `<` and `>` (`nnan, ninf`).
    pub fn parse(list: &str) -> Result<FastMathFlags, String> {
        let mut bits = 0u8;
        for word in list.split(',').map(str::trim) {
            bits |= match word {
                "none" => 0,
                "fast" => FastMathFlags::FAST.0,
                _ => match FASTMATH_NAMES.iter().position(|&n| n == word) {
                    Some(i) => 1 << i,
                    None => {
                        return Err(format!(
                            "expected fast-math flags to be one of: none, reassoc, nnan, ninf, \
                             nsz, arcp, contract, afn, fast; found '{word}'"
                        ));
                    }
                },
            };
        }
        Ok(FastMathFlags(bits))
    }

    /// The flag list as MLIR prints it: `fast`, `none`, or `nnan,ninf`.
    pub fn spelling(self) -> String {
        match self {
            FastMathFlags::NONE => "none".to_string(),
            FastMathFlags::FAST => "fast".to_string(),
            FastMathFlags(bits) => FASTMATH_NAMES
                .iter()
                .enumerate()
                .filter(|&(i, _)| bits & (1 << i) != 0)
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// Reads `#arith.fastmath<...>`.
    pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<FastMathFlags> {
        let list = opaque_list(ctx, attr, ".fastmath")?;
        FastMathFlags::parse(list).ok()
    }

    /// Builds `#arith.fastmath<...>`.
    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        ctx.intern_attr(AttrData::Opaque {
            dialect: "arith".to_string(),
            body: format!(".fastmath<{}>", self.spelling()),
        })
    }
}

/// Integer overflow flags: `nsw` (no signed wrap), `nuw` (no unsigned
/// wrap). An op whose flag is violated produces poison; the interpreter
/// and folds compute the wrapped result, which is one allowed refinement.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct OverflowFlags {
    /// No signed wrap.
    pub nsw: bool,
    /// No unsigned wrap.
    pub nuw: bool,
}

impl OverflowFlags {
    /// Parses a flag list as written between `<` and `>` (`nsw, nuw`).
    pub fn parse(list: &str) -> Result<OverflowFlags, String> {
        let mut f = OverflowFlags::default();
        for word in list.split(',').map(str::trim) {
            match word {
                "none" => {}
                "nsw" => f.nsw = true,
                "nuw" => f.nuw = true,
                _ => {
                    return Err(format!(
                        "expected overflow flags to be one of: none, nsw, nuw; found '{word}'"
                    ));
                }
            }
        }
        Ok(f)
    }

    /// Whether no flag is set.
    pub fn is_none(self) -> bool {
        !self.nsw && !self.nuw
    }

    /// The flags set in both.
    pub fn intersect(self, other: OverflowFlags) -> OverflowFlags {
        OverflowFlags {
            nsw: self.nsw && other.nsw,
            nuw: self.nuw && other.nuw,
        }
    }

    /// The flag list as MLIR prints it: `none`, `nsw`, `nuw` or `nsw, nuw`.
    pub fn spelling(self) -> &'static str {
        match (self.nsw, self.nuw) {
            (false, false) => "none",
            (true, false) => "nsw",
            (false, true) => "nuw",
            (true, true) => "nsw, nuw",
        }
    }

    /// Reads `#arith.overflow<...>`.
    pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<OverflowFlags> {
        let list = opaque_list(ctx, attr, ".overflow")?;
        OverflowFlags::parse(list).ok()
    }

    /// Builds `#arith.overflow<...>`.
    pub fn to_attr(self, ctx: &mut Context) -> Attribute {
        ctx.intern_attr(AttrData::Opaque {
            dialect: "arith".to_string(),
            body: format!(".overflow<{}>", self.spelling()),
        })
    }
}

/// The text between `<` and `>` of `#arith<name><...>`.
fn opaque_list<'c>(ctx: &'c Context, attr: Attribute, name: &str) -> Option<&'c str> {
    match ctx.attr_data(attr) {
        AttrData::Opaque { dialect, body } if dialect == "arith" => body
            .strip_prefix(name)?
            .trim_start()
            .strip_prefix('<')?
            .strip_suffix('>'),
        _ => None,
    }
}

/// Defines a closed keyword enum stored as an integer attribute.
macro_rules! keyword_enum {
    ($(#[$doc:meta])* $name:ident, $width:literal, [$($(#[$vdoc:meta])* $variant:ident = $kw:literal,)*]) => {
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in the order of their integer encodings.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The keyword (`olt`).
            pub fn keyword(self) -> &'static str {
                match self {
                    $($name::$variant => $kw,)*
                }
            }

            /// The value spelled `kw`.
            pub fn from_keyword(kw: &str) -> Option<$name> {
                match kw {
                    $($kw => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The integer encoding MLIR stores.
            pub fn code(self) -> i64 {
                self as i64
            }

            /// The value of an integer encoding.
            pub fn from_code(code: i128) -> Option<$name> {
                usize::try_from(code).ok().and_then(|i| $name::ALL.get(i).copied())
            }

            /// Reads the attribute (an integer of the right width and range).
            pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<$name> {
                match ctx.attr_data(attr) {
                    AttrData::Integer { value, ty } if is_int_type(ctx, *ty, $width) => {
                        $name::from_code(*value)
                    }
                    _ => None,
                }
            }

            /// Builds the attribute (`4 : i64`).
            pub fn to_attr(self, ctx: &mut Context) -> Attribute {
                let ty = ctx.int_type($width);
                ctx.int_attr(self as i128, ty)
            }

            /// The keywords, comma separated, for messages.
            pub fn keyword_list() -> String {
                [$($kw),*].join(", ")
            }
        }
    };
}

/// Whether `ty` is the signless `iN` of width `width`.
fn is_int_type(ctx: &Context, ty: tessera_compiler::Type, width: u32) -> bool {
    *ctx.type_data(ty)
        == tessera_compiler::TypeData::Integer {
            width,
            signedness: tessera_compiler::Signedness::Signless,
        }
}

keyword_enum!(
    /// The predicates of `arith.cmpf`. `o*` are ordered (false when either
    /// operand is NaN), `u*` unordered (true when either is NaN).
    CmpFPredicate, 64, [
        /// Always false.
        AlwaysFalse = "false",
        /// Ordered and equal.
        Oeq = "oeq",
        /// Ordered and greater than.
        Ogt = "ogt",
        /// Ordered and greater than or equal.
        Oge = "oge",
        /// Ordered and less than.
        Olt = "olt",
        /// Ordered and less than or equal.
        Ole = "ole",
        /// Ordered and not equal.
        One = "one",
        /// Ordered (neither is NaN).
        Ord = "ord",
        /// Unordered or equal.
        Ueq = "ueq",
        /// Unordered or greater than.
        Ugt = "ugt",
        /// Unordered or greater than or equal.
        Uge = "uge",
        /// Unordered or less than.
        Ult = "ult",
        /// Unordered or less than or equal.
        Ule = "ule",
        /// Unordered or not equal.
        Une = "une",
        /// Unordered (either is NaN).
        Uno = "uno",
        /// Always true.
        AlwaysTrue = "true",
    ]
);

keyword_enum!(
    /// The predicates of `arith.cmpi`: `s*` compare as signed, `u*` as
    /// unsigned integers.
    CmpIPredicate, 64, [
        /// Equal.
        Eq = "eq",
        /// Not equal.
        Ne = "ne",
        /// Signed less than.
        Slt = "slt",
        /// Signed less than or equal.
        Sle = "sle",
        /// Signed greater than.
        Sgt = "sgt",
        /// Signed greater than or equal.
        Sge = "sge",
        /// Unsigned less than.
        Ult = "ult",
        /// Unsigned less than or equal.
        Ule = "ule",
        /// Unsigned greater than.
        Ugt = "ugt",
        /// Unsigned greater than or equal.
        Uge = "uge",
    ]
);

keyword_enum!(
    /// The rounding modes of `arith.truncf` (absent: to nearest, ties to even).
    RoundingMode, 32, [
        /// To nearest, ties to even.
        ToNearestEven = "to_nearest_even",
        /// Toward negative infinity.
        Downward = "downward",
        /// Toward positive infinity.
        Upward = "upward",
        /// Toward zero.
        TowardZero = "toward_zero",
        /// To nearest, ties away from zero.
        ToNearestAway = "to_nearest_away",
    ]
);

impl CmpIPredicate {
    /// The predicate with the operands swapped (`slt` → `sgt`).
    pub fn swapped(self) -> CmpIPredicate {
        use CmpIPredicate::*;
        match self {
            Eq => Eq,
            Ne => Ne,
            Slt => Sgt,
            Sle => Sge,
            Sgt => Slt,
            Sge => Sle,
            Ult => Ugt,
            Ule => Uge,
            Ugt => Ult,
            Uge => Ule,
        }
    }

    /// The result of comparing a value with itself.
    pub fn holds_for_equal(self) -> bool {
        use CmpIPredicate::*;
        matches!(self, Eq | Sle | Sge | Ule | Uge)
    }
}
