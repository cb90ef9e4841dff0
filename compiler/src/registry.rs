//! The op registry: what the context knows about each registered op and
//! dialect. Registration is explicit: a dialect crate calls
//! [`Context::register_dialect`](crate::Context::register_dialect) with its
//! [`DialectDef`] and [`OpDef`]s; nothing is collected by linker tricks.

use std::sync::Arc;

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::{Attribute, Location, OpId, Type, Value};
use crate::ir::Builder;
use crate::rewrite::RewritePattern;

/// An interned operation name; may or may not have an [`OpDef`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpName(pub(crate) u32);
cranelift_entity::entity_impl!(OpName, "opname");

/// Properties of an op that generic passes rely on, as MLIR's op traits.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct OpTraits(u32);

impl OpTraits {
    /// No traits.
    pub const NONE: OpTraits = OpTraits(0);
    /// No side effects: may be erased when unused, deduplicated by CSE, hoisted.
    pub const PURE: OpTraits = OpTraits(1 << 0);
    /// Must be the last op of its block.
    pub const TERMINATOR: OpTraits = OpTraits(1 << 1);
    /// Its regions may not use values defined outside it (`func.func`, `builtin.module`).
    pub const ISOLATED_FROM_ABOVE: OpTraits = OpTraits(1 << 2);
    /// The first two operands may be swapped.
    pub const COMMUTATIVE: OpTraits = OpTraits(1 << 3);
    /// Produces a constant held in its attributes; its fold returns that attribute.
    pub const CONSTANT_LIKE: OpTraits = OpTraits(1 << 4);
    /// Defines a symbol (has a `sym_name` string attribute).
    pub const SYMBOL: OpTraits = OpTraits(1 << 5);
    /// Its region holds symbols looked up by name (`builtin.module`).
    pub const SYMBOL_TABLE: OpTraits = OpTraits(1 << 6);
    /// Returns from its parent op (`func.return`).
    pub const RETURN_LIKE: OpTraits = OpTraits(1 << 7);
    /// Its blocks need no terminator (`builtin.module`).
    pub const NO_TERMINATOR: OpTraits = OpTraits(1 << 8);
    /// Each region has at most one block.
    pub const SINGLE_BLOCK: OpTraits = OpTraits(1 << 9);
    /// Its regions are graph regions: no dominance order inside (`builtin.module`).
    pub const GRAPH_REGION: OpTraits = OpTraits(1 << 10);

    /// Whether every trait of `other` is present.
    pub fn contains(self, other: OpTraits) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for OpTraits {
    type Output = OpTraits;
    fn bitor(self, rhs: OpTraits) -> OpTraits {
        OpTraits(self.0 | rhs.0)
    }
}

/// What a fold produced for one result: an existing value or a constant.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum FoldResult {
    /// Replace the result with this value.
    Value(Value),
    /// Replace the result with a constant materialized from this attribute.
    Attr(Attribute),
}

/// Checks one op's own rules (operand and result types, attributes); the
/// structural rules (dominance, terminators) are checked by the verifier.
pub type VerifyFn = fn(&Context, OpId) -> Result<(), Diagnostic>;

/// Folds an op given the constant values of its operands (`None` where an
/// operand is not constant). Returns one [`FoldResult`] per result, or
/// `None` when the op does not fold. Must not mutate the IR except to
/// intern attributes.
pub type FoldFn = fn(&mut Context, OpId, &[Option<Attribute>]) -> Option<Vec<FoldResult>>;

/// Returns the canonicalization patterns of an op.
pub type PatternsFn = fn() -> Vec<Box<dyn RewritePattern>>;

/// Builds a constant op of `ty` holding `value` at the builder's insertion
/// point and returns its result, or `None` if the dialect cannot.
pub type MaterializeFn = fn(&mut Builder<'_>, Attribute, Type, Location) -> Option<Value>;

/// Prints an op's custom form after `%results = ` and the op name.
pub type PrintFn = fn(&mut crate::syntax::OpPrinter<'_>, OpId) -> std::fmt::Result;

/// Parses an op's custom form after `%results = ` and the op name, filling
/// in `state` (operands, result types, attributes, regions).
pub type ParseFn = fn(
    &mut crate::syntax::OpParser<'_, '_>,
    &mut crate::ir::OperationState,
) -> Result<(), Diagnostic>;

/// How an op is written in text besides MLIR's generic form (which every op has).
#[derive(Copy, Clone, Debug)]
pub enum OpSyntax {
    /// Only the generic form: `"d.op"(%a) {attrs} : (T) -> R`.
    Generic,
    /// `d.op %a, %b {attrs} : (T, U) -> R`: operands, an optional
    /// attribute dictionary, and the functional type.
    Functional,
    /// `d.op %a, %b {attrs} : T`: every operand and result has type `T`
    /// (MLIR's `SameOperandsAndResultType` format, e.g. `arith.addf`).
    SameType,
    /// Hand-written parser and printer.
    Custom {
        /// Parses the custom form.
        parse: ParseFn,
        /// Prints the custom form.
        print: PrintFn,
    },
}

/// Everything the context knows about a registered op.
#[derive(Clone)]
pub struct OpDef {
    /// Full name, `dialect.op`.
    pub name: String,
    /// One line for `--list-ops` and the language reference.
    pub summary: String,
    /// Longer description (Markdown) for the language reference.
    pub description: String,
    /// Generic properties.
    pub traits: OpTraits,
    /// Op-specific verification.
    pub verify: Option<VerifyFn>,
    /// Constant folding and simple identities.
    pub fold: Option<FoldFn>,
    /// Canonicalization patterns.
    pub patterns: Option<PatternsFn>,
    /// Custom textual form.
    pub syntax: OpSyntax,
}

impl OpDef {
    /// A definition with no hooks, generic syntax and no traits.
    pub fn new(name: &str, summary: &str) -> Self {
        OpDef {
            name: name.to_string(),
            summary: summary.to_string(),
            description: String::new(),
            traits: OpTraits::NONE,
            verify: None,
            fold: None,
            patterns: None,
            syntax: OpSyntax::Generic,
        }
    }

    /// Sets the traits.
    pub fn traits(mut self, traits: OpTraits) -> Self {
        self.traits = traits;
        self
    }

    /// Sets the verifier.
    pub fn verify(mut self, f: VerifyFn) -> Self {
        self.verify = Some(f);
        self
    }

    /// Sets the folder.
    pub fn fold(mut self, f: FoldFn) -> Self {
        self.fold = Some(f);
        self
    }

    /// Sets the canonicalization patterns.
    pub fn patterns(mut self, f: PatternsFn) -> Self {
        self.patterns = Some(f);
        self
    }

    /// Sets the custom syntax.
    pub fn syntax(mut self, s: OpSyntax) -> Self {
        self.syntax = s;
        self
    }

    /// Sets the long description.
    pub fn description(mut self, d: &str) -> Self {
        self.description = d.to_string();
        self
    }
}

/// A registered dialect.
#[derive(Clone)]
pub struct DialectDef {
    /// Namespace, e.g. `graph`.
    pub name: String,
    /// One line for the docs.
    pub summary: String,
    /// Builds constants for folds that produce attributes.
    pub materialize_constant: Option<MaterializeFn>,
}

impl DialectDef {
    /// A dialect with no constant materializer.
    pub fn new(name: &str, summary: &str) -> Self {
        DialectDef {
            name: name.to_string(),
            summary: summary.to_string(),
            materialize_constant: None,
        }
    }
}

/// The interned name table entry of an op name.
#[derive(Clone)]
pub(crate) struct OpNameInfo {
    pub(crate) name: String,
    pub(crate) def: Option<Arc<OpDef>>,
}
