//! Rewrite patterns and the greedy pattern driver.
//!
//! A [`RewritePattern`] matches at one op and changes the IR through a
//! [`Rewriter`], which records what it touched (MLIR's `PatternRewriter`
//! with its listener) so a driver knows which ops to look at again.
//! Patterns are collected in a [`PatternSet`] and applied to a fixed point
//! by [`apply_patterns_greedily`], the worklist driver behind
//! `canonicalize`: it folds ops with their [`OpDef::fold`] hooks, erases
//! dead pure ops and applies patterns until nothing changes or a limit is
//! hit.
//!
//! ```
//! use tessera_compiler::{Context, OpDef, DialectDef, OpId, OpTraits};
//! use tessera_compiler::ir::{Builder, InsertPoint};
//! use tessera_compiler::rewrite::{
//!     GreedyConfig, PatternSet, RewritePattern, Rewriter, apply_patterns_greedily,
//! };
//!
//! /// `d.not(d.not(x))` -> `x`.
//! struct DoubleNot;
//! impl RewritePattern for DoubleNot {
//!     fn name(&self) -> &str { "double-not" }
//!     fn root(&self) -> Option<&str> { Some("d.not") }
//!     fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
//!         let Some(inner) = rw.ctx.defining_op(rw.ctx.operand(op, 0)) else { return false };
//!         if !rw.ctx.op_is(inner, "d.not") { return false; }
//!         let x = rw.ctx.operand(inner, 0);
//!         rw.replace_op(op, &[x]);
//!         true
//!     }
//! }
//!
//! let mut ctx = Context::new();
//! let not = OpDef::new("d.not", "logical not").traits(OpTraits::PURE);
//! ctx.register_dialect(DialectDef::new("d", "a dialect"), vec![not]);
//! let loc = ctx.unknown_loc();
//! let i1 = ctx.i1_type();
//! let module = ctx.create_module(loc);
//! let body = ctx.module_body(module);
//! let mut b = Builder::new(&mut ctx, InsertPoint::End(body));
//! let x = b.create_value("d.source", &[], i1, &[], loc);
//! let n1 = b.create_value("d.not", &[x], i1, &[], loc);
//! let n2 = b.create_value("d.not", &[n1], i1, &[], loc);
//! let user = b.create("d.sink", &[n2], &[], &[], loc);
//!
//! let mut patterns = PatternSet::new();
//! patterns.add(DoubleNot);
//! let result = apply_patterns_greedily(&mut ctx, module, &patterns, &GreedyConfig::default());
//! assert!(result.converged);
//! assert_eq!(result.rewrites["double-not"], 1);
//! // The sink now uses `x`; both nots were erased (the first as dead).
//! assert_eq!(ctx.operand(user, 0), x);
//! assert_eq!(ctx.block_ops(body).count(), 2);
//! ```
//!
//! [`OpDef::fold`]: crate::registry::OpDef::fold

mod greedy;
#[cfg(test)]
mod tests;

pub use greedy::{GreedyConfig, GreedyResult, StopReason, apply_patterns_greedily};

use crate::context::Context;
use crate::entity::{Attribute, EntityRef, Location, OpId, Type, Value};
use crate::ir::{Builder, InsertPoint, OperationState};

/// A rewrite pattern, as MLIR's `RewritePattern`: matches at one op and,
/// if it applies, changes the IR through the [`Rewriter`].
///
/// A pattern that returns `false` must leave the IR unchanged.
pub trait RewritePattern {
    /// A short name for statistics, `disable-patterns` and debugging.
    fn name(&self) -> &str;

    /// The op name this pattern is rooted at, or `None` for any op.
    fn root(&self) -> Option<&str>;

    /// How much applying this pattern is worth; when several patterns
    /// match the same op, higher benefits are tried first (ties keep the
    /// order they were added in).
    fn benefit(&self) -> u16 {
        1
    }

    /// Tries to apply at `op`; returns whether the IR changed. The
    /// rewriter's insertion point is right before `op`.
    fn match_and_rewrite(&self, rewriter: &mut Rewriter<'_>, op: OpId) -> bool;
}

/// An ordered collection of patterns.
#[derive(Default)]
pub struct PatternSet {
    patterns: Vec<Box<dyn RewritePattern>>,
}

impl PatternSet {
    /// An empty set.
    pub fn new() -> Self {
        PatternSet::default()
    }

    /// Every canonicalization pattern of every op registered in `ctx`,
    /// from each [`OpDef::patterns`](crate::registry::OpDef::patterns)
    /// hook, in op-name order.
    pub fn from_registry(ctx: &Context) -> Self {
        let mut set = PatternSet::new();
        for def in ctx.op_defs() {
            if let Some(hook) = def.patterns {
                set.patterns.extend(hook());
            }
        }
        set
    }

    /// Adds a pattern.
    pub fn add(&mut self, pattern: impl RewritePattern + 'static) {
        self.patterns.push(Box::new(pattern));
    }

    /// Adds a boxed pattern.
    pub fn add_boxed(&mut self, pattern: Box<dyn RewritePattern>) {
        self.patterns.push(pattern);
    }

    /// Keeps only the patterns for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&dyn RewritePattern) -> bool) {
        self.patterns.retain(|p| keep(p.as_ref()));
    }

    /// The patterns, in the order added.
    pub fn patterns(&self) -> &[Box<dyn RewritePattern>] {
        &self.patterns
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

impl Extend<Box<dyn RewritePattern>> for PatternSet {
    fn extend<I: IntoIterator<Item = Box<dyn RewritePattern>>>(&mut self, iter: I) {
        self.patterns.extend(iter);
    }
}

/// The handle patterns change the IR through, so the driver sees every
/// change: it creates ops at an insertion point (like a [`Builder`]) and
/// records which ops were created, modified, or lost an operand's user or
/// producer, as MLIR's rewriter listener does.
///
/// Read the IR through [`ctx`](Self::ctx) freely (and intern types and
/// attributes through it), but make structural changes through the
/// rewriter's methods; a change made behind its back is not revisited.
pub struct Rewriter<'a> {
    /// The context being rewritten.
    pub ctx: &'a mut Context,
    ip: InsertPoint,
    /// Ops to revisit; the greedy driver drains it after every step.
    pub(crate) touched: Vec<OpId>,
    erased: u64,
}

impl<'a> Rewriter<'a> {
    /// A rewriter over `ctx` with a detached insertion point.
    pub fn new(ctx: &'a mut Context) -> Self {
        Rewriter {
            ctx,
            ip: InsertPoint::Detached,
            touched: Vec::new(),
            erased: 0,
        }
    }

    /// Where new ops go.
    pub fn insertion_point(&self) -> InsertPoint {
        self.ip
    }

    /// Sets where new ops go.
    pub fn set_insertion_point(&mut self, ip: InsertPoint) {
        self.ip = ip;
    }

    /// Takes the list of ops touched since the last call: created,
    /// modified, users of replaced values, and producers of operands of
    /// erased ops. May hold duplicates and ops erased since.
    pub fn take_touched(&mut self) -> Vec<OpId> {
        std::mem::take(&mut self.touched)
    }

    /// How many ops were erased through this rewriter (nested ops not counted).
    pub fn num_erased(&self) -> u64 {
        self.erased
    }

    /// Records that `op` changed in a way the rewriter did not see
    /// (attributes or operands set through [`ctx`](Self::ctx)).
    pub fn notify_modified(&mut self, op: OpId) {
        self.touched.push(op);
    }

    /// Creates the op described by `state` at the insertion point. As with
    /// [`Builder::insert`], an `After(op)` point moves past the new op.
    pub fn insert(&mut self, state: OperationState) -> OpId {
        let mut b = Builder::new(self.ctx, self.ip);
        let op = b.insert(state);
        self.ip = b.ip;
        self.touched.push(op);
        op
    }

    /// Creates an op from its parts at the insertion point (see [`Builder::create`]).
    pub fn create(
        &mut self,
        name: &str,
        operands: &[Value],
        result_types: &[Type],
        attrs: &[(&str, Attribute)],
        loc: Location,
    ) -> OpId {
        let mut b = Builder::new(self.ctx, self.ip);
        let op = b.create(name, operands, result_types, attrs, loc);
        self.ip = b.ip;
        self.touched.push(op);
        op
    }

    /// Like [`create`](Self::create) for an op with one result, returning it.
    pub fn create_value(
        &mut self,
        name: &str,
        operands: &[Value],
        result_type: Type,
        attrs: &[(&str, Attribute)],
        loc: Location,
    ) -> Value {
        let op = self.create(name, operands, &[result_type], attrs, loc);
        self.ctx.result(op, 0)
    }

    /// Builds a constant of type `ty` holding `value` at the insertion
    /// point with `dialect`'s materializer; `None` if the dialect has none
    /// or it declines. Every op it builds is recorded as created.
    pub fn materialize_constant(
        &mut self,
        dialect: &str,
        value: Attribute,
        ty: Type,
        loc: Location,
    ) -> Option<Value> {
        let materialize = self.ctx.dialect(dialect)?.materialize_constant?;
        let first_new = self.ctx.num_ops_created();
        let mut b = Builder::new(self.ctx, self.ip);
        let v = materialize(&mut b, value, ty, loc);
        self.ip = b.ip;
        let created: Vec<OpId> = (first_new..self.ctx.num_ops_created())
            .map(OpId::new)
            .collect();
        match v {
            Some(v) if self.ctx.value_type(v) == ty => {
                self.touched.extend(created);
                Some(v)
            }
            _ => {
                // A declined or ill-typed materialization leaves nothing behind.
                for op in created.into_iter().rev() {
                    self.ctx.erase_op(op);
                }
                None
            }
        }
    }

    /// Replaces every use of `old` with `new`; the users are revisited.
    pub fn replace_all_uses(&mut self, old: Value, new: Value) {
        if old == new {
            return;
        }
        self.touched.extend(self.ctx.uses(old).iter().map(|u| u.op));
        self.ctx.replace_all_uses(old, new);
    }

    /// Replaces each result of `op` with the matching value of `new` and
    /// erases `op`.
    ///
    /// # Panics
    /// If `new` does not have one value per result (a bug in the caller).
    pub fn replace_op(&mut self, op: OpId, new: &[Value]) {
        let results = self.ctx.op(op).results.clone();
        assert_eq!(
            results.len(),
            new.len(),
            "replace_op: result count mismatch"
        );
        for (r, n) in results.into_iter().zip(new) {
            self.replace_all_uses(r, *n);
        }
        self.erase_op(op);
    }

    /// Creates the op described by `state` right before `op`, replaces
    /// `op`'s results with its results and erases `op`; returns the new op.
    pub fn replace_op_with_new(&mut self, op: OpId, state: OperationState) -> OpId {
        let saved = self.ip;
        self.ip = InsertPoint::Before(op);
        let new = self.insert(state);
        self.ip = saved;
        let results = self.ctx.op(new).results.clone();
        self.replace_op(op, &results);
        new
    }

    /// Erases `op` and everything nested in it. The producers of the
    /// values it used are revisited, since they may now be dead.
    pub fn erase_op(&mut self, op: OpId) {
        if self.ctx.is_erased(op) {
            return;
        }
        self.note_operand_producers(op);
        if !self.ctx.op(op).regions.is_empty() {
            for inner in self.ctx.walk_preorder(op) {
                self.note_operand_producers(inner);
            }
        }
        self.ctx.erase_op(op);
        self.erased += 1;
    }

    fn note_operand_producers(&mut self, op: OpId) {
        for &v in &self.ctx.op(op).operands {
            if let Some(def) = self.ctx.defining_op(v) {
                self.touched.push(def);
            }
        }
    }

    /// Sets operand `i` of `op`.
    pub fn set_operand(&mut self, op: OpId, i: usize, v: Value) {
        let old = self.ctx.operand(op, i);
        if let Some(def) = self.ctx.defining_op(old) {
            self.touched.push(def);
        }
        self.ctx.set_operand(op, i, v);
        self.touched.push(op);
    }

    /// Sets (or replaces) attribute `name` of `op`.
    pub fn set_attr(&mut self, op: OpId, name: &str, value: Attribute) {
        self.ctx.set_attr(op, name, value);
        self.touched.push(op);
    }

    /// Removes attribute `name` of `op`, returning it.
    pub fn remove_attr(&mut self, op: OpId, name: &str) -> Option<Attribute> {
        let a = self.ctx.remove_attr(op, name);
        if a.is_some() {
            self.touched.push(op);
        }
        a
    }

    /// Changes `op` in place with `f` (MLIR's `modifyOpInPlace`); `op` is
    /// revisited.
    pub fn modify_op_in_place<R>(&mut self, op: OpId, f: impl FnOnce(&mut Context) -> R) -> R {
        let r = f(self.ctx);
        self.touched.push(op);
        r
    }

    /// Moves an attached `op` to right before `anchor`.
    pub fn move_op_before(&mut self, op: OpId, anchor: OpId) {
        self.ctx.move_op_before(op, anchor);
        self.touched.push(op);
    }

    /// The attribute a constant-like op holds: its fold with no operands,
    /// as the driver reads it. `None` for other ops.
    pub fn constant_value(&mut self, v: Value) -> Option<Attribute> {
        constant_value(self.ctx, v)
    }
}

/// The constant `v` holds, if its producer is a `CONSTANT_LIKE` op whose
/// fold yields an attribute for it.
pub fn constant_value(ctx: &mut Context, v: Value) -> Option<Attribute> {
    let op = ctx.defining_op(v)?;
    let def = ctx.op_def(op)?;
    if !def
        .traits
        .contains(crate::registry::OpTraits::CONSTANT_LIKE)
    {
        return None;
    }
    let fold = def.fold?;
    let index = ctx.op(op).results.iter().position(|&r| r == v)?;
    let none = vec![None; ctx.op(op).operands.len()];
    match fold(ctx, op, &none)?.get(index)? {
        crate::registry::FoldResult::Attr(a) => Some(*a),
        crate::registry::FoldResult::Value(_) => None,
    }
}
