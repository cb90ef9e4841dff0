//! The `vector` dialect's enum attributes, with MLIR 19's spellings:
//!
//! - [`CombiningKind`]: `kind = #vector.kind<add>` on `vector.reduction`,
//!   written `<add>` in the custom form;
//! - [`Punctuation`]: `punctuation = #vector.punctuation<newline>` on
//!   `vector.print`, written `punctuation <comma>`.
//!
//! Both are kept as opaque `#vector...` attributes (the IR core has no
//! structured dialect attributes); these types read and build them.

use tessera_compiler::{AttrData, Attribute, Context, Signedness, Type, TypeData};

/// The text between `<` and `>` of `#vector<name><...>`, trimmed.
fn opaque_word<'c>(ctx: &'c Context, attr: Attribute, name: &str) -> Option<&'c str> {
    match ctx.attr_data(attr) {
        AttrData::Opaque { dialect, body } if dialect == "vector" => Some(
            body.strip_prefix(name)?
                .trim_start()
                .strip_prefix('<')?
                .strip_suffix('>')?
                .trim(),
        ),
        _ => None,
    }
}

/// Defines a keyword enum stored as `#vector.<name><keyword>`.
macro_rules! vector_enum {
    ($(#[$doc:meta])* $ty:ident, $attr:literal, [$($(#[$vdoc:meta])* $variant:ident = $kw:literal,)*]) => {
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum $ty {
            $($(#[$vdoc])* $variant,)*
        }

        impl $ty {
            /// Every value, in MLIR's order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)*];

            /// The keyword (`add`).
            pub fn keyword(self) -> &'static str {
                match self {
                    $($ty::$variant => $kw,)*
                }
            }

            /// The value spelled `kw`.
            pub fn from_keyword(kw: &str) -> Option<$ty> {
                match kw {
                    $($kw => Some($ty::$variant),)*
                    _ => None,
                }
            }

            /// Every keyword, comma-separated, for error messages.
            pub fn keyword_list() -> String {
                Self::ALL.iter().map(|k| k.keyword()).collect::<Vec<_>>().join(", ")
            }

            /// Reads the attribute (`#vector.kind<add>`).
            pub fn from_attr(ctx: &Context, attr: Attribute) -> Option<$ty> {
                Self::from_keyword(opaque_word(ctx, attr, concat!(".", $attr))?)
            }

            /// Builds the attribute (`#vector.kind<add>`).
            pub fn to_attr(self, ctx: &mut Context) -> Attribute {
                ctx.intern_attr(AttrData::Opaque {
                    dialect: "vector".to_string(),
                    body: format!(".{}<{}>", $attr, self.keyword()),
                })
            }
        }
    };
}

vector_enum! {
    /// How `vector.reduction` combines two elements.
    CombiningKind, "kind", [
        /// `a + b` (integers wrap; floats round).
        Add = "add",
        /// `a * b`.
        Mul = "mul",
        /// Unsigned integer minimum.
        MinUI = "minui",
        /// Signed integer minimum.
        MinSI = "minsi",
        /// Float minimum, the other operand if one is NaN (`arith.minnumf`).
        MinNumF = "minnumf",
        /// Unsigned integer maximum.
        MaxUI = "maxui",
        /// Signed integer maximum.
        MaxSI = "maxsi",
        /// Float maximum, the other operand if one is NaN (`arith.maxnumf`).
        MaxNumF = "maxnumf",
        /// Bitwise and.
        And = "and",
        /// Bitwise or.
        Or = "or",
        /// Bitwise exclusive or.
        Xor = "xor",
        /// Float maximum, NaN if either is NaN (`arith.maximumf`).
        MaximumF = "maximumf",
        /// Float minimum, NaN if either is NaN (`arith.minimumf`).
        MinimumF = "minimumf",
    ]
}

vector_enum! {
    /// What `vector.print` writes after its value.
    Punctuation, "punctuation", [
        /// Nothing.
        NoPunctuation = "no_punctuation",
        /// `\n` (the default).
        NewLine = "newline",
        /// `, `.
        Comma = "comma",
        /// `( `.
        Open = "open",
        /// ` )`.
        Close = "close",
    ]
}

impl CombiningKind {
    /// The `arith` op that combines two elements of this kind, for an
    /// element type that is a float (`float`) or an integer or `index`.
    pub fn arith_op(self, float: bool) -> &'static str {
        use CombiningKind::*;
        match (self, float) {
            (Add, true) => "arith.addf",
            (Add, false) => "arith.addi",
            (Mul, true) => "arith.mulf",
            (Mul, false) => "arith.muli",
            (MinUI, _) => "arith.minui",
            (MinSI, _) => "arith.minsi",
            (MinNumF, _) => "arith.minnumf",
            (MaxUI, _) => "arith.maxui",
            (MaxSI, _) => "arith.maxsi",
            (MaxNumF, _) => "arith.maxnumf",
            (And, _) => "arith.andi",
            (Or, _) => "arith.ori",
            (Xor, _) => "arith.xori",
            (MaximumF, _) => "arith.maximumf",
            (MinimumF, _) => "arith.minimumf",
        }
    }

    /// Whether this kind combines elements of type `elem` (MLIR's
    /// `isSupportedCombiningKind`): `add` and `mul` any integer, `index` or
    /// float; the float min/max kinds floats; the others integers and
    /// `index`.
    pub fn supports(self, ctx: &Context, elem: Type) -> bool {
        use CombiningKind::*;
        let float = ctx.is_float(elem);
        let int = matches!(
            ctx.type_data(elem),
            TypeData::Index | TypeData::Integer { .. }
        );
        match self {
            Add | Mul => float || int,
            MinNumF | MaxNumF | MinimumF | MaximumF => float,
            MinUI | MinSI | MaxUI | MaxSI | And | Or | Xor => int,
        }
    }
}

/// Whether `ty` is `i1` (signless), the element type of masks.
pub(crate) fn is_i1(ctx: &Context, ty: Type) -> bool {
    matches!(
        ctx.type_data(ty),
        TypeData::Integer {
            width: 1,
            signedness: Signedness::Signless
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_attributes() {
        let mut ctx = Context::new();
        for &k in CombiningKind::ALL {
            let a = k.to_attr(&mut ctx);
            assert_eq!(CombiningKind::from_attr(&ctx, a), Some(k));
        }
        let spaced = ctx.intern_attr(AttrData::Opaque {
            dialect: "vector".into(),
            body: ".kind< maxnumf >".into(),
        });
        assert_eq!(
            CombiningKind::from_attr(&ctx, spaced),
            Some(CombiningKind::MaxNumF)
        );
        let other = ctx.intern_attr(AttrData::Opaque {
            dialect: "vector".into(),
            body: ".punctuation<comma>".into(),
        });
        assert_eq!(CombiningKind::from_attr(&ctx, other), None);
        assert_eq!(
            Punctuation::from_attr(&ctx, other),
            Some(Punctuation::Comma)
        );
    }

    #[test]
    fn kinds_know_their_element_types() {
        let mut ctx = Context::new();
        let (f32, i32, index) = (ctx.f32_type(), ctx.i32_type(), ctx.index_type());
        assert!(CombiningKind::Add.supports(&ctx, f32));
        assert!(CombiningKind::Add.supports(&ctx, index));
        assert!(!CombiningKind::Xor.supports(&ctx, f32));
        assert!(CombiningKind::Xor.supports(&ctx, i32));
        assert!(!CombiningKind::MaxNumF.supports(&ctx, i32));
    }
}
