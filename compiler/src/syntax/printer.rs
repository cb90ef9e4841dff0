//! The printer: IR as MLIR text.
//!
//! [`print_op`] prints an op (usually a module) and everything in it.
//! Values are renumbered as MLIR does: in each region of an
//! isolated-from-above op numbering starts again, entry block arguments are
//! `%arg0, %arg1, ...`, other values `%0, %1, ...` in textual order, and an
//! op with several results is `%0:2` with uses `%0#1`. Blocks are `^bb0`,
//! `^bb1`, ... in each region.
//!
//! Registered ops print in their custom form unless
//! [`PrintOptions::generic`] is set; custom printers
//! ([`PrintFn`](crate::registry::PrintFn)) use [`OpPrinter`], modelled on
//! MLIR's `OpAsmPrinter`. Attributes of an op print sorted by name.

use std::fmt::Write;

use crate::affine::{AffineExpr, AffineMap, AffineWriter};
use crate::attrs::{AttrData, DenseArrayValues, DenseElements};
use crate::context::Context;
use crate::entity::{
    Attribute, BlockId, Location, OpId, RegionId, SecondaryMap, Symbol, Type, Value,
};
use crate::location::LocData;
use crate::registry::{OpSyntax, OpTraits};
use crate::syntax::dense::{self, DenseScalar, ElemKind};
use crate::syntax::float;
use crate::syntax::lexer::is_bare_identifier;
use crate::syntax::parse_type::OPAQUE_BUILTIN_ATTRS;
use crate::types::{DYNAMIC, Signedness, TypeData};

/// Dense constants with more elements than this print as a hex blob, as
/// `mlir-opt` does by default.
pub const HEX_ELEMENTS_THRESHOLD: u64 = 100;

/// How to print.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Print every op in generic form.
    pub generic: bool,
    /// Print `loc(...)` after every op and block argument.
    pub debug_locs: bool,
}

/// The name a value prints as.
#[derive(Copy, Clone, Default)]
struct ValName {
    /// 0: not numbered; 1: `%argN`; 2: `%N` (`%N#idx` in a group).
    kind: u8,
    num: u32,
    /// Index within a multi-result group, or `u32::MAX`.
    idx: u32,
}

/// The printer's state, and the API custom op printers use.
///
/// Text goes into an internal buffer; `write!` works on it through
/// [`std::fmt::Write`].
pub struct OpPrinter<'a> {
    ctx: &'a Context,
    opts: &'a PrintOptions,
    out: String,
    indent: usize,
    names: SecondaryMap<Value, ValName>,
    block_names: SecondaryMap<BlockId, u32>,
}

/// Prints `op` (usually a module) and everything inside it, renumbering values.
pub fn print_op(ctx: &Context, op: OpId, options: &PrintOptions) -> String {
    let mut p = OpPrinter {
        ctx,
        opts: options,
        out: String::new(),
        indent: 0,
        names: SecondaryMap::new(),
        block_names: SecondaryMap::new(),
    };
    let (mut next_val, mut next_arg) = (0, 0);
    p.number_results(op, &mut next_val);
    p.number_regions(op, &mut next_val, &mut next_arg);
    p.print_operation(op);
    p.out.push('\n');
    p.out
}

/// A type as text: `tensor<2x3xf32>`.
pub fn type_str(ctx: &Context, ty: Type) -> String {
    let mut s = String::new();
    write_type(ctx, ty, &mut s);
    s
}

/// An attribute as text: `dense<1.000000e+00> : tensor<2xf32>`.
pub fn attr_str(ctx: &Context, attr: Attribute) -> String {
    let mut s = String::new();
    write_attr(ctx, attr, &mut s, false);
    s
}

/// A location as text: `loc("file.mlir":3:7)`.
pub fn loc_str(ctx: &Context, loc: Location) -> String {
    let mut s = String::new();
    write_loc(ctx, loc, &mut s);
    s
}

/// Writes a type.
pub fn write_type(ctx: &Context, ty: Type, out: &mut String) {
    match ctx.type_data(ty) {
        TypeData::Integer { width, signedness } => {
            let prefix = match signedness {
                Signedness::Signless => "i",
                Signedness::Signed => "si",
                Signedness::Unsigned => "ui",
            };
            let _ = write!(out, "{prefix}{width}");
        }
        TypeData::Index => out.push_str("index"),
        TypeData::Float(k) => out.push_str(k.name()),
        TypeData::None => out.push_str("none"),
        TypeData::Tensor { shape, elem } => {
            out.push_str("tensor<");
            write_shape(ctx, shape, *elem, out);
            out.push('>');
        }
        TypeData::Vector { shape, elem } => {
            out.push_str("vector<");
            write_shape(ctx, shape, *elem, out);
            out.push('>');
        }
        TypeData::MemRef {
            shape,
            elem,
            layout,
            memory_space,
        } => {
            out.push_str("memref<");
            write_shape(ctx, shape, *elem, out);
            if let Some(l) = layout {
                out.push_str(", ");
                write_attr(ctx, *l, out, true);
            }
            if let Some(m) = memory_space {
                out.push_str(", ");
                write_attr(ctx, *m, out, true);
            }
            out.push('>');
        }
        TypeData::Function { inputs, results } => {
            out.push('(');
            write_type_list(ctx, inputs, out);
            out.push_str(") -> ");
            write_result_types(ctx, results, out);
        }
        TypeData::Tuple(items) => {
            out.push_str("tuple<");
            write_type_list(ctx, items, out);
            out.push('>');
        }
        TypeData::Opaque { dialect, body } => {
            out.push('!');
            out.push_str(dialect);
            out.push_str(body);
        }
    }
}

fn write_shape(ctx: &Context, shape: &[i64], elem: Type, out: &mut String) {
    for &d in shape {
        if d == DYNAMIC {
            out.push_str("?x");
        } else {
            let _ = write!(out, "{d}x");
        }
    }
    write_type(ctx, elem, out);
}

/// Writes types separated by `, `.
pub fn write_type_list(ctx: &Context, types: &[Type], out: &mut String) {
    for (i, &t) in types.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_type(ctx, t, out);
    }
}

/// Writes function results: `T` alone, else `(T, U)` (also for a single
/// function type, which would be ambiguous without parentheses).
pub fn write_result_types(ctx: &Context, results: &[Type], out: &mut String) {
    let bare =
        results.len() == 1 && !matches!(ctx.type_data(results[0]), TypeData::Function { .. });
    if bare {
        write_type(ctx, results[0], out);
    } else {
        out.push('(');
        write_type_list(ctx, results, out);
        out.push(')');
    }
}

/// Writes `s` as a quoted string literal with MLIR's escapes (`\22`, `\0A`).
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\22"),
            0x20..=0x7E => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:02X}");
            }
        }
    }
    out.push('"');
}

/// Writes `@name`, quoting the name when it is not a bare identifier.
pub fn write_symbol_name(name: &str, out: &mut String) {
    out.push('@');
    if is_bare_identifier(name) {
        out.push_str(name);
    } else {
        write_string(name, out);
    }
}

/// Writes a dictionary key, quoting it when it is not a bare identifier.
fn write_key(name: &str, out: &mut String) {
    if is_bare_identifier(name) {
        out.push_str(name);
    } else {
        write_string(name, out);
    }
}

/// Writes an attribute. With `elide_default_type`, `: i64` after integers
/// and `: f64` after floats is left out (inside arrays, as MLIR prints).
pub fn write_attr(ctx: &Context, attr: Attribute, out: &mut String, elide_default_type: bool) {
    match ctx.attr_data(attr) {
        AttrData::Unit => out.push_str("unit"),
        AttrData::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        AttrData::Integer { value, ty } => match ctx.type_data(*ty) {
            TypeData::Integer { width: 1, .. } => {
                out.push_str(if *value != 0 { "true" } else { "false" })
            }
            d => {
                let _ = write!(out, "{value}");
                let is_i64 = matches!(
                    d,
                    TypeData::Integer {
                        width: 64,
                        signedness: Signedness::Signless
                    }
                );
                if !(elide_default_type && is_i64) {
                    out.push_str(" : ");
                    write_type(ctx, *ty, out);
                }
            }
        },
        AttrData::Float { bits, ty } => {
            let v = f64::from_bits(*bits);
            match ctx.type_data(*ty) {
                TypeData::Float(k) => {
                    out.push_str(&float::format_float(v, *k));
                    if !(elide_default_type && *k == crate::types::FloatKind::F64) {
                        out.push_str(" : ");
                        write_type(ctx, *ty, out);
                    }
                }
                _ => {
                    out.push_str(&float::format_float(v, crate::types::FloatKind::F64));
                    out.push_str(" : ");
                    write_type(ctx, *ty, out);
                }
            }
        }
        AttrData::String(s) => write_string(s, out),
        AttrData::Type(t) => write_type(ctx, *t, out),
        AttrData::SymbolRef { root, nested } => {
            write_symbol_name(ctx.symbol_str(*root), out);
            for n in nested {
                out.push_str("::");
                write_symbol_name(ctx.symbol_str(*n), out);
            }
        }
        AttrData::Array(items) => {
            out.push('[');
            for (i, &a) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_attr(ctx, a, out, true);
            }
            out.push(']');
        }
        AttrData::Dictionary(entries) => write_dict(
            ctx,
            entries.iter().map(|(n, a)| (ctx.symbol_str(*n), *a)),
            out,
        ),
        AttrData::DenseArray { elem, values } => {
            out.push_str("array<");
            write_type(ctx, *elem, out);
            let is_bool = matches!(ctx.type_data(*elem), TypeData::Integer { width: 1, .. });
            let kind = match ctx.type_data(*elem) {
                TypeData::Float(k) => *k,
                _ => crate::types::FloatKind::F64,
            };
            let n = match values {
                DenseArrayValues::Int(v) => v.len(),
                DenseArrayValues::Float(v) => v.len(),
            };
            if n > 0 {
                out.push_str(": ");
            }
            for i in 0..n {
                if i > 0 {
                    out.push_str(", ");
                }
                match values {
                    DenseArrayValues::Int(v) if is_bool => {
                        out.push_str(if v[i] != 0 { "true" } else { "false" })
                    }
                    DenseArrayValues::Int(v) => {
                        let _ = write!(out, "{}", v[i]);
                    }
                    DenseArrayValues::Float(v) => {
                        out.push_str(&float::format_float(f64::from_bits(v[i]), kind))
                    }
                }
            }
            out.push('>');
        }
        AttrData::DenseElements(d) => write_dense(ctx, d, out),
        AttrData::AffineMap(m) => {
            let _ = write!(out, "affine_map<{m}>");
        }
        AttrData::IntegerSet(s) => {
            let _ = write!(out, "affine_set<{s}>");
        }
        AttrData::Opaque { dialect, body } => {
            if !OPAQUE_BUILTIN_ATTRS.contains(&dialect.as_str()) {
                out.push('#');
            }
            out.push_str(dialect);
            out.push_str(body);
        }
    }
}

/// Writes `{a = 1 : i64, flag}` from sorted entries; unit values print as
/// the bare name.
fn write_dict<'c>(
    ctx: &'c Context,
    entries: impl Iterator<Item = (&'c str, Attribute)>,
    out: &mut String,
) {
    out.push('{');
    for (i, (name, a)) in entries.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_key(name, out);
        if !matches!(ctx.attr_data(a), AttrData::Unit) {
            out.push_str(" = ");
            write_attr(ctx, a, out, false);
        }
    }
    out.push('}');
}

fn write_scalar(kind: ElemKind, v: DenseScalar, out: &mut String) {
    match (kind, v) {
        (ElemKind::Int { width: 1, .. }, DenseScalar::Int(i)) => {
            out.push_str(if i != 0 { "true" } else { "false" })
        }
        (_, DenseScalar::Int(i)) => {
            let _ = write!(out, "{i}");
        }
        (ElemKind::Float(k), DenseScalar::Float(f)) => out.push_str(&float::format_float(f, k)),
        (_, DenseScalar::Float(f)) => {
            out.push_str(&float::format_float(f, crate::types::FloatKind::F64))
        }
    }
}

/// Writes `dense<...> : type`: a splat, `dense<>` when empty, a hex blob
/// past [`HEX_ELEMENTS_THRESHOLD`] elements (except `i1`), else nested lists.
fn write_dense(ctx: &Context, d: &DenseElements, out: &mut String) {
    let shape = ctx.shape_of(d.ty).unwrap_or(&[]).to_vec();
    let kind = ctx.elem_of(d.ty).and_then(|e| ElemKind::of(ctx, e));
    let n = dense::len(ctx, d);
    out.push_str("dense<");
    if let (Some(kind), Some(n)) = (kind, n) {
        {
            let size = kind.size();
            if n == 0 {
            } else if d.splat {
                write_scalar(kind, dense::decode(kind, &d.bytes), out);
            } else if n > HEX_ELEMENTS_THRESHOLD && !kind.is_bool()
                || d.bytes.len() as u64 != n.saturating_mul(size as u64)
            {
                // Malformed byte counts print as they are, for debugging.
                out.push_str("\"0x");
                for b in &d.bytes {
                    let _ = write!(out, "{b:02X}");
                }
                out.push('"');
            } else {
                let mut it = d.bytes.chunks_exact(size);
                write_dense_list(kind, &shape, &mut it, out);
            }
        }
    }
    out.push_str("> : ");
    write_type(ctx, d.ty, out);
}

fn write_dense_list(
    kind: ElemKind,
    shape: &[i64],
    it: &mut std::slice::ChunksExact<'_, u8>,
    out: &mut String,
) {
    match shape.split_first() {
        None => {
            if let Some(c) = it.next() {
                write_scalar(kind, dense::decode(kind, c), out);
            }
        }
        Some((&n, rest)) => {
            out.push('[');
            for i in 0..n.max(0) {
                if i > 0 {
                    out.push_str(", ");
                }
                write_dense_list(kind, rest, it, out);
            }
            out.push(']');
        }
    }
}

/// Writes `loc(...)`.
pub fn write_loc(ctx: &Context, loc: Location, out: &mut String) {
    out.push_str("loc(");
    write_loc_inner(ctx, loc, out);
    out.push(')');
}

fn write_loc_inner(ctx: &Context, loc: Location, out: &mut String) {
    match ctx.loc_data(loc) {
        LocData::Unknown => out.push_str("unknown"),
        LocData::FileLineCol { file, line, col } => {
            write_string(ctx.symbol_str(*file), out);
            let _ = write!(out, ":{line}:{col}");
        }
        LocData::Name { name, child } => {
            write_string(ctx.symbol_str(*name), out);
            if let Some(c) = child
                && !matches!(ctx.loc_data(*c), LocData::Unknown)
            {
                out.push('(');
                write_loc_inner(ctx, *c, out);
                out.push(')');
            }
        }
        LocData::CallSite { callee, caller } => {
            out.push_str("callsite(");
            write_loc_inner(ctx, *callee, out);
            out.push_str(" at ");
            write_loc_inner(ctx, *caller, out);
            out.push(')');
        }
        LocData::Fused { locs, metadata } => {
            out.push_str("fused");
            if let Some(m) = metadata {
                out.push('<');
                write_attr(ctx, *m, out, false);
                out.push('>');
            }
            out.push('[');
            for (i, &l) in locs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_loc_inner(ctx, l, out);
            }
            out.push(']');
        }
    }
}

impl Write for OpPrinter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.push_str(s);
        Ok(())
    }
}

impl<'a> OpPrinter<'a> {
    // ----- numbering ----------------------------------------------------

    fn number_results(&mut self, op: OpId, next_val: &mut u32) {
        let results = &self.ctx.op(op).results;
        if results.is_empty() {
            return;
        }
        let group = results.len() > 1;
        for (i, &r) in results.iter().enumerate() {
            self.names[r] = ValName {
                kind: 2,
                num: *next_val,
                idx: if group { i as u32 } else { u32::MAX },
            };
        }
        *next_val += 1;
    }

    fn number_regions(&mut self, op: OpId, next_val: &mut u32, next_arg: &mut u32) {
        let ctx = self.ctx;
        if ctx.op_has_traits(op, OpTraits::ISOLATED_FROM_ABOVE) {
            let (mut v, mut a) = (0, 0);
            return self.number_regions_in(op, &mut v, &mut a);
        }
        self.number_regions_in(op, next_val, next_arg);
    }

    fn number_regions_in(&mut self, op: OpId, next_val: &mut u32, next_arg: &mut u32) {
        let ctx = self.ctx;
        for &r in &ctx.op(op).regions {
            for (bi, &b) in ctx.region(r).blocks.iter().enumerate() {
                self.block_names[b] = bi as u32;
                for &arg in ctx.block_args(b) {
                    let counter = if bi == 0 {
                        &mut *next_arg
                    } else {
                        &mut *next_val
                    };
                    self.names[arg] = ValName {
                        kind: if bi == 0 { 1 } else { 2 },
                        num: *counter,
                        idx: u32::MAX,
                    };
                    *counter += 1;
                }
                for o in ctx.block_ops(b) {
                    self.number_results(o, next_val);
                    if !ctx.op(o).regions.is_empty() {
                        self.number_regions(o, next_val, next_arg);
                    }
                }
            }
        }
    }

    // ----- ops ----------------------------------------------------------

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push(' ');
        }
    }

    fn print_operation(&mut self, op: OpId) {
        let ctx = self.ctx;
        let data = ctx.op(op);
        if let Some(&first) = data.results.first() {
            self.write_value_base(first);
            if data.results.len() > 1 {
                let _ = write!(self.out, ":{}", data.results.len());
            }
            self.out.push_str(" = ");
        }
        if !self.print_custom(op) {
            self.print_generic(op);
        }
        if self.opts.debug_locs {
            self.out.push(' ');
            write_loc(ctx, data.loc, &mut self.out);
        }
    }

    /// Prints the custom form if the op has one that fits; returns whether it did.
    fn print_custom(&mut self, op: OpId) -> bool {
        if self.opts.generic {
            return false;
        }
        let ctx = self.ctx;
        let Some(def) = ctx.op_def(op) else {
            return false;
        };
        let data = ctx.op(op);
        let plain = data.regions.is_empty() && data.successors.is_empty();
        let name = def.name.strip_prefix("builtin.").unwrap_or(&def.name);
        match def.syntax {
            OpSyntax::Generic => false,
            OpSyntax::Functional => {
                if !plain {
                    return false;
                }
                self.out.push_str(name);
                self.print_operands_lead(&data.operands);
                self.print_optional_attr_dict(&data.attrs, &[]);
                self.out.push_str(" : ");
                let ins: Vec<Type> = data.operands.iter().map(|&v| ctx.value_type(v)).collect();
                let outs: Vec<Type> = data.results.iter().map(|&v| ctx.value_type(v)).collect();
                self.print_functional_type(&ins, &outs);
                true
            }
            OpSyntax::SameType => {
                let [r] = data.results[..] else {
                    return false;
                };
                let ty = ctx.value_type(r);
                if !plain || data.operands.iter().any(|&v| ctx.value_type(v) != ty) {
                    return false;
                }
                self.out.push_str(name);
                self.print_operands_lead(&data.operands);
                self.print_optional_attr_dict(&data.attrs, &[]);
                self.out.push_str(" : ");
                write_type(ctx, ty, &mut self.out);
                true
            }
            OpSyntax::Custom { print, .. } => {
                let mark = self.out.len();
                self.out.push_str(name);
                if print(self, op).is_err() {
                    self.out.truncate(mark);
                    return false;
                }
                true
            }
        }
    }

    /// ` %a, %b` (with a leading space) when there are operands.
    fn print_operands_lead(&mut self, operands: &[Value]) {
        if !operands.is_empty() {
            self.out.push(' ');
            self.print_operands(operands);
        }
    }

    fn print_generic(&mut self, op: OpId) {
        let ctx = self.ctx;
        let data = ctx.op(op);
        write_string(ctx.op_name_of(op), &mut self.out);
        self.out.push('(');
        self.print_operands(&data.operands);
        self.out.push(')');
        if !data.successors.is_empty() {
            self.out.push('[');
            for (i, &b) in data.successors.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_successor(b);
            }
            self.out.push(']');
        }
        if !data.regions.is_empty() {
            self.out.push_str(" (");
            for (i, &r) in data.regions.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.print_region(r, true, true);
            }
            self.out.push(')');
        }
        self.print_optional_attr_dict(&data.attrs, &[]);
        self.out.push_str(" : (");
        for (i, &v) in data.operands.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            write_type(ctx, ctx.value_type(v), &mut self.out);
        }
        self.out.push_str(") -> ");
        let n = data.results.len();
        let bare = n == 1
            && !matches!(
                ctx.type_data(ctx.value_type(data.results[0])),
                TypeData::Function { .. }
            );
        if !bare {
            self.out.push('(');
        }
        for (i, &v) in data.results.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            write_type(ctx, ctx.value_type(v), &mut self.out);
        }
        if !bare {
            self.out.push(')');
        }
    }

    fn write_value_base(&mut self, v: Value) {
        let n = self.names.get(v).copied().unwrap_or_default();
        match n.kind {
            1 => {
                let _ = write!(self.out, "%arg{}", n.num);
            }
            2 => {
                let _ = write!(self.out, "%{}", n.num);
            }
            _ => self.out.push_str("<<UNKNOWN SSA VALUE>>"),
        }
    }

    // ----- the API for custom printers ---------------------------------

    /// The context.
    pub fn ctx(&self) -> &'a Context {
        self.ctx
    }

    /// The print options.
    pub fn options(&self) -> &PrintOptions {
        self.opts
    }

    /// Writes raw text (a keyword, punctuation).
    pub fn print_str(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Writes a value use: `%0`, `%arg1`, `%3#1`.
    pub fn print_operand(&mut self, v: Value) {
        self.write_value_base(v);
        let n = self.names.get(v).copied().unwrap_or_default();
        if n.kind == 2 && n.idx != u32::MAX {
            let _ = write!(self.out, "#{}", n.idx);
        }
    }

    /// Writes value uses separated by `, `.
    pub fn print_operands(&mut self, values: &[Value]) {
        for (i, &v) in values.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.print_operand(v);
        }
    }

    /// Writes a type.
    pub fn print_type(&mut self, ty: Type) {
        write_type(self.ctx, ty, &mut self.out);
    }

    /// Writes types separated by `, `.
    pub fn print_types(&mut self, types: &[Type]) {
        write_type_list(self.ctx, types, &mut self.out);
    }

    /// Writes `(T, U) -> R` / `(T) -> (R, S)`.
    pub fn print_functional_type(&mut self, inputs: &[Type], results: &[Type]) {
        self.out.push('(');
        write_type_list(self.ctx, inputs, &mut self.out);
        self.out.push_str(") -> ");
        write_result_types(self.ctx, results, &mut self.out);
    }

    /// Writes ` -> T` or ` -> (T, U)` (with a leading space); nothing when
    /// there are no types.
    pub fn print_arrow_type_list(&mut self, results: &[Type]) {
        if results.is_empty() {
            return;
        }
        self.out.push_str(" -> ");
        write_result_types(self.ctx, results, &mut self.out);
    }

    /// Writes an attribute.
    pub fn print_attribute(&mut self, attr: Attribute) {
        write_attr(self.ctx, attr, &mut self.out, false);
    }

    /// Writes ` {name = value, ...}` (with a leading space) with the
    /// attributes not named in `elided`, sorted by name; nothing if none
    /// are left.
    pub fn print_optional_attr_dict(&mut self, attrs: &[(Symbol, Attribute)], elided: &[&str]) {
        let ctx = self.ctx;
        let mut kept: Vec<(&str, Attribute)> = attrs
            .iter()
            .map(|&(n, a)| (ctx.symbol_str(n), a))
            .filter(|(n, _)| !elided.contains(n))
            .collect();
        if kept.is_empty() {
            return;
        }
        kept.sort_by(|a, b| a.0.cmp(b.0));
        self.out.push(' ');
        write_dict(ctx, kept.into_iter(), &mut self.out);
    }

    /// Writes the attributes of `op` except those named in `elided`, as
    /// [`print_optional_attr_dict`](Self::print_optional_attr_dict) does.
    pub fn print_attr_dict_except(&mut self, op: OpId, elided: &[&str]) {
        let attrs = &self.ctx.op(op).attrs;
        self.print_optional_attr_dict(attrs, elided);
    }

    /// Writes ` attributes {...}` like
    /// [`print_optional_attr_dict`](Self::print_optional_attr_dict).
    pub fn print_optional_attr_dict_with_keyword(
        &mut self,
        attrs: &[(Symbol, Attribute)],
        elided: &[&str],
    ) {
        let mark = self.out.len();
        self.out.push_str(" attributes");
        let before = self.out.len();
        self.print_optional_attr_dict(attrs, elided);
        if self.out.len() == before {
            self.out.truncate(mark);
        }
    }

    /// Writes an affine expression over SSA values, as MLIR's
    /// `printAffineExprOfSSAIds`: `d<i>` prints as `dims[i]` and `s<i>` as
    /// `symbol(syms[i])` (`%i + symbol(%n)`).
    pub fn print_affine_expr_of_ssa_ids(
        &mut self,
        expr: &AffineExpr,
        dims: &[Value],
        syms: &[Value],
    ) {
        let mut w = SsaAffineWriter {
            p: self,
            dims,
            syms,
        };
        expr.write_to(&mut w);
    }

    /// Writes the results of `map` over SSA values, separated by `, `
    /// (no brackets), as MLIR's `printAffineMapOfSSAIds`; `operands` are
    /// the dimension values, then the symbol values.
    pub fn print_affine_map_of_ssa_ids(&mut self, map: &AffineMap, operands: &[Value]) {
        let n = (map.num_dims as usize).min(operands.len());
        let (dims, syms) = operands.split_at(n);
        for (i, e) in map.results.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.print_affine_expr_of_ssa_ids(e, dims, syms);
        }
    }

    /// Writes `@name`, quoted if needed.
    pub fn print_symbol_name(&mut self, name: &str) {
        write_symbol_name(name, &mut self.out);
    }

    /// Writes a quoted, escaped string.
    pub fn print_string(&mut self, s: &str) {
        write_string(s, &mut self.out);
    }

    /// Writes `loc(...)`.
    pub fn print_loc(&mut self, loc: Location) {
        write_loc(self.ctx, loc, &mut self.out);
    }

    /// Writes a block argument: `%arg0`, then `: type` if `with_type`, then
    /// its location when printing debug locations.
    pub fn print_block_arg(&mut self, v: Value, with_type: bool) {
        self.print_operand(v);
        if with_type {
            self.out.push_str(": ");
            write_type(self.ctx, self.ctx.value_type(v), &mut self.out);
        }
        if self.opts.debug_locs
            && let crate::ir::ValueDef::BlockArg { block, index } = self.ctx.value(v).def
            && let Some(&l) = self.ctx.block(block).arg_locs.get(index as usize)
        {
            self.out.push(' ');
            write_loc(self.ctx, l, &mut self.out);
        }
    }

    /// Writes a block's argument attributes style location only (for
    /// custom printers that print arguments themselves): ` loc(...)` when
    /// printing debug locations.
    pub fn print_optional_loc(&mut self, loc: Location) {
        if self.opts.debug_locs {
            self.out.push(' ');
            write_loc(self.ctx, loc, &mut self.out);
        }
    }

    /// Writes a successor: `^bb1`.
    pub fn print_successor(&mut self, b: BlockId) {
        match self.block_names.get(b) {
            Some(n) => {
                let _ = write!(self.out, "^bb{n}");
            }
            None => self.out.push_str("^<<UNKNOWN BLOCK>>"),
        }
    }

    /// Writes a region: `{`, its blocks, `}` at the current indentation.
    /// The entry block's header (`^bb0(%arg0: f32):`) is printed only if
    /// `print_entry_args` and it has arguments, or if `print_empty_block`
    /// and it has no ops (so the block survives a round trip).
    pub fn print_region(
        &mut self,
        region: RegionId,
        print_entry_args: bool,
        print_empty_block: bool,
    ) {
        let ctx = self.ctx;
        self.out.push('{');
        for (i, &b) in ctx.region(region).blocks.iter().enumerate() {
            let args = ctx.block_args(b);
            let header = i > 0
                || (print_entry_args && !args.is_empty())
                || (print_empty_block && ctx.first_op(b).is_none());
            if header {
                self.newline();
                self.print_successor(b);
                if !args.is_empty() {
                    self.out.push('(');
                    for (j, &a) in args.iter().enumerate() {
                        if j > 0 {
                            self.out.push_str(", ");
                        }
                        self.print_block_arg(a, true);
                    }
                    self.out.push(')');
                }
                self.out.push(':');
            }
            self.indent += 2;
            for o in ctx.block_ops(b) {
                self.newline();
                self.print_operation(o);
            }
            self.indent -= 2;
        }
        self.newline();
        self.out.push('}');
    }

    /// The entry block arguments of `region`, for custom printers that
    /// print them in the op's signature.
    pub fn entry_args(&self, region: RegionId) -> &'a [Value] {
        let ctx = self.ctx;
        match ctx.region(region).blocks.first() {
            Some(&b) => ctx.block_args(b),
            None => &[],
        }
    }
}

/// Names the dimensions and symbols of an affine expression after SSA values.
struct SsaAffineWriter<'p, 'a, 'v> {
    p: &'p mut OpPrinter<'a>,
    dims: &'v [Value],
    syms: &'v [Value],
}

impl AffineWriter for SsaAffineWriter<'_, '_, '_> {
    fn text(&mut self, s: &str) {
        self.p.out.push_str(s);
    }

    fn dim(&mut self, pos: u32) {
        match self.dims.get(pos as usize) {
            Some(&v) => self.p.print_operand(v),
            None => self.p.out.push_str("<<UNKNOWN DIM>>"),
        }
    }

    fn symbol(&mut self, pos: u32) {
        match self.syms.get(pos as usize) {
            Some(&v) => {
                self.p.out.push_str("symbol(");
                self.p.print_operand(v);
                self.p.out.push(')');
            }
            None => self.p.out.push_str("<<UNKNOWN SYMBOL>>"),
        }
    }
}

/// The type of a typed attribute: integers, floats, `bool` (`i1`) and
/// dense elements. `None` for attributes without a type.
pub fn attr_type(ctx: &mut Context, attr: Attribute) -> Option<Type> {
    match ctx.attr_data(attr) {
        AttrData::Integer { ty, .. } | AttrData::Float { ty, .. } => Some(*ty),
        AttrData::Bool(_) => Some(ctx.i1_type()),
        AttrData::DenseElements(d) => Some(d.ty),
        _ => None,
    }
}
