//! Parsing attributes (scalars, strings, symbols, arrays, dictionaries,
//! dense arrays and dense elements, opaque dialect attributes) and
//! locations.

use crate::affine::{AffineBinOp, AffineExpr, AffineMap, IntegerSet};
use crate::attrs::{AttrData, DenseArrayValues};
use crate::diag::Diagnostic;
use crate::entity::{Attribute, Location, Symbol, Type};
use crate::location::LocData;
use crate::syntax::dense::{self, DenseScalar, ElemKind};
use crate::syntax::float;
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::parse_type::{OPAQUE_BUILTIN_ATTRS, is_type_keyword};
use crate::syntax::parser::{OpParser, Punct, UnresolvedOperand};
use crate::syntax::printer::type_str;
use crate::types::{FloatKind, Signedness, TypeData, num_elements};

type PResult<T> = Result<T, Diagnostic>;

/// Decodes the body of a string literal token (quotes included):
/// `\n`, `\t`, `\"`, `\\` and `\XX` hex escapes. The result must be UTF-8.
pub(super) fn unescape(lit: &str) -> Result<String, String> {
    let bytes = lit.as_bytes();
    if bytes.len() < 2 {
        return Ok(String::new());
    }
    let inner = &bytes[1..bytes.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = inner.get(i + 1).copied().unwrap_or(0);
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'"' => out.push(b'"'),
            b'\\' => out.push(b'\\'),
            _ => {
                let hex = inner
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 1;
                    }
                    None => return Err("unknown escape in string literal".to_string()),
                }
            }
        }
        i += 2;
    }
    String::from_utf8(out).map_err(|_| "string literal is not valid UTF-8".to_string())
}

/// A scalar inside `dense<...>` or `array<...>`, kept as its token until the
/// element type is known.
#[derive(Copy, Clone)]
enum Lit {
    Int { neg: bool, tok: Token },
    Float { neg: bool, tok: Token },
    Bool(bool, u32),
}

impl Lit {
    fn offset(&self) -> u32 {
        match self {
            Lit::Int { tok, .. } | Lit::Float { tok, .. } => tok.start,
            Lit::Bool(_, o) => *o,
        }
    }
}

/// Whether `v` fits an integer type of `width` bits: signless accepts
/// both the signed and the unsigned range, as MLIR does.
fn int_fits(v: i128, width: u32, signedness: Signedness) -> bool {
    if width >= 128 {
        return true;
    }
    let smin = -(1i128 << (width - 1));
    let smax = (1i128 << (width - 1)) - 1;
    let umax = (1i128 << width) - 1;
    match signedness {
        Signedness::Signless => v >= smin && v <= umax,
        Signedness::Signed => v >= smin && v <= smax,
        Signedness::Unsigned => v >= 0 && v <= umax,
    }
}

impl<'a> OpParser<'a, '_> {
    /// The unescaped value of the current string token.
    pub(super) fn string_value(&mut self) -> PResult<String> {
        let s = self.spelling();
        unescape(s).map_err(|m| self.error_here(m))
    }

    /// Parses an attribute.
    pub fn parse_attribute(&mut self) -> PResult<Attribute> {
        self.nested(|p| p.parse_attribute_inner())
    }

    /// Parses an attribute whose type the context gives, as MLIR's
    /// `parseAttribute(attr, type)`: `dense<...>` then has no `: type`
    /// (`memref.global ... = dense<1.0>`); other attributes parse as usual.
    pub fn parse_attribute_of_type(&mut self, ty: Type) -> PResult<Attribute> {
        if self.at_keyword("dense") {
            return self.nested(|p| p.parse_dense(Some(ty)));
        }
        self.parse_attribute()
    }

    fn parse_attribute_inner(&mut self) -> PResult<Attribute> {
        match self.tok.kind {
            TokenKind::LSquare => {
                self.bump();
                let mut items = Vec::new();
                if !self.eat(TokenKind::RSquare) {
                    loop {
                        items.push(self.parse_attribute()?);
                        if !self.eat(TokenKind::Comma) {
                            break;
                        }
                    }
                    self.expect(TokenKind::RSquare, "to end array attribute")?;
                }
                Ok(self.ctx.array_attr(&items))
            }
            TokenKind::LBrace => {
                let mut entries = Vec::new();
                self.parse_dict_entries(&mut entries)?;
                Ok(self.ctx.dict_attr(&entries))
            }
            TokenKind::AtIdent => self.parse_symbol_ref(),
            TokenKind::String => {
                let s = self.string_value()?;
                self.bump();
                Ok(self.ctx.intern_attr(AttrData::String(s)))
            }
            TokenKind::Integer | TokenKind::Float | TokenKind::Minus => self.parse_number_attr(),
            TokenKind::HashIdent => self.parse_hash_attr(),
            TokenKind::BangIdent | TokenKind::LParen => {
                let t = self.parse_type()?;
                Ok(self.ctx.type_attr(t))
            }
            TokenKind::BareIdent => {
                let kw = self.spelling();
                match kw {
                    "true" | "false" => {
                        self.bump();
                        Ok(self.ctx.bool_attr(kw == "true"))
                    }
                    "unit" => {
                        self.bump();
                        Ok(self.ctx.unit_attr())
                    }
                    "dense" => self.parse_dense(None),
                    "array" => self.parse_dense_array(),
                    "affine_map" => self.parse_affine_map_attr(),
                    "affine_set" => self.parse_integer_set_attr(),
                    _ if OPAQUE_BUILTIN_ATTRS.contains(&kw) => {
                        self.bump();
                        if !self.at(TokenKind::Less) {
                            return Err(self.error_here(format!(
                                "expected '<' after '{kw}', found {}",
                                self.tok_desc()
                            )));
                        }
                        let body = self.balanced_body()?;
                        Ok(self.ctx.intern_attr(AttrData::Opaque {
                            dialect: kw.to_string(),
                            body,
                        }))
                    }
                    _ if is_type_keyword(kw) => {
                        let t = self.parse_type()?;
                        Ok(self.ctx.type_attr(t))
                    }
                    _ => Err(self.error_here(format!(
                        "expected attribute value, found {}",
                        self.tok_desc()
                    ))),
                }
            }
            _ => Err(self.error_here(format!(
                "expected attribute value, found {}",
                self.tok_desc()
            ))),
        }
    }

    /// The text of the balanced `<...>` starting at the current `<` token;
    /// moves past it.
    fn balanced_body(&mut self) -> PResult<String> {
        let start = self.tok.start;
        let end = self
            .lex
            .scan_balanced(start)
            .map_err(|m| self.error_here(m))?;
        let body = self.span_text(start, end).to_string();
        self.bump();
        Ok(body)
    }

    /// `#alias`, `#dialect.name`, `#dialect<...>`, `#dialect.name<...>`.
    fn parse_hash_attr(&mut self) -> PResult<Attribute> {
        let full = &self.spelling()[1..];
        if let Some(&a) = self.attr_aliases.get(full) {
            self.bump();
            return Ok(a);
        }
        let offset = self.tok.start;
        if self.loc_aliases.contains_key(full) {
            return Err(self.error_here(format!("'#{full}' is a location alias, not an attribute")));
        }
        let (dialect, rest) = match full.find('.') {
            Some(i) => (&full[..i], &full[i..]),
            None => (full, ""),
        };
        self.bump();
        let mut body = rest.to_string();
        if self.at(TokenKind::Less) {
            body.push_str(&self.balanced_body()?);
        } else if rest.is_empty() {
            return Err(self.error_at(offset, format!("undefined symbol alias id '{full}'")));
        }
        Ok(self.ctx.intern_attr(AttrData::Opaque {
            dialect: dialect.to_string(),
            body,
        }))
    }

    /// `@root` or `@root::@nested::@more`.
    fn parse_symbol_ref(&mut self) -> PResult<Attribute> {
        let root = self.parse_symbol_name()?;
        let root = self.ctx.symbol(&root);
        let mut nested = Vec::new();
        while self.at(TokenKind::Colon) && self.next_char() == b':' {
            self.relex_from(self.tok.end + 1);
            if !self.at(TokenKind::AtIdent) {
                return Err(self.error_here(format!(
                    "expected nested symbol reference after '::', found {}",
                    self.tok_desc()
                )));
            }
            let n = self.parse_symbol_name()?;
            nested.push(self.ctx.symbol(&n));
        }
        Ok(self.ctx.intern_attr(AttrData::SymbolRef { root, nested }))
    }

    /// Parses `{name = attr, flag, "quoted" = attr}` appending to `out`;
    /// a name already in `out` is an error.
    pub(super) fn parse_dict_entries(&mut self, out: &mut Vec<(Symbol, Attribute)>) -> PResult<()> {
        self.expect(TokenKind::LBrace, "to start attribute dictionary")?;
        if self.eat(TokenKind::RBrace) {
            return Ok(());
        }
        loop {
            let offset = self.tok.start;
            let name = match self.tok.kind {
                TokenKind::BareIdent => self.spelling().to_string(),
                TokenKind::String => self.string_value()?,
                _ => {
                    return Err(self.error_here(format!(
                        "expected attribute name, found {}",
                        self.tok_desc()
                    )));
                }
            };
            self.bump();
            if name.is_empty() {
                return Err(self.error_at(offset, "expected a non-empty attribute name"));
            }
            let value = if self.eat(TokenKind::Equal) {
                self.parse_attribute()?
            } else {
                self.ctx.unit_attr()
            };
            let sym = self.ctx.symbol(&name);
            if out.iter().any(|(n, _)| *n == sym) {
                return Err(self.error_at(
                    offset,
                    format!("duplicate key '{name}' in dictionary attribute"),
                ));
            }
            out.push((sym, value));
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RBrace, "to end attribute dictionary")
    }

    /// The magnitude of an integer token (decimal or hex).
    fn int_magnitude(&mut self, tok: Token) -> PResult<u128> {
        let s = tok.spelling(self.text);
        let r = match s.strip_prefix("0x") {
            Some(h) => u128::from_str_radix(h, 16),
            None => s.parse::<u128>(),
        };
        r.map_err(|_| self.error_at(tok.start, "integer constant is too large"))
    }

    /// A signed integer value from a literal, checked against the type.
    fn int_value(&mut self, neg: bool, tok: Token, ty: Type) -> PResult<i128> {
        let (width, signedness) = match self.ctx.type_data(ty) {
            TypeData::Integer { width, signedness } => (*width, *signedness),
            TypeData::Index => (64, Signedness::Signless),
            _ => {
                return Err(
                    self.error_at(tok.start, "integer literal not valid for specified type")
                );
            }
        };
        let mag = self.int_magnitude(tok)?;
        if neg && signedness == Signedness::Unsigned && mag != 0 {
            return Err(self.error_at(
                tok.start,
                "negative integer literal not valid for unsigned integer type",
            ));
        }
        let v = if neg {
            if mag > 1u128 << 127 {
                return Err(self.error_at(tok.start, "integer constant out of range for attribute"));
            }
            (mag as i128).wrapping_neg()
        } else {
            if mag >= 1u128 << 127 {
                return Err(self.error_at(tok.start, "integer constant out of range for attribute"));
            }
            mag as i128
        };
        if !int_fits(v, width, signedness) {
            return Err(self.error_at(tok.start, "integer constant out of range for attribute"));
        }
        Ok(dense::normalize_int(v, width, signedness))
    }

    /// A float value of `kind` from a float literal or a hex bit pattern.
    fn float_value(&mut self, lit: Lit, kind: FloatKind) -> PResult<f64> {
        match lit {
            Lit::Float { neg, tok } => {
                let s = tok.spelling(self.text);
                let v = float::parse_decimal(s, kind)
                    .ok_or_else(|| self.error_at(tok.start, "invalid float literal"))?;
                Ok(if neg { -v } else { v })
            }
            Lit::Int { neg, tok } => {
                let s = tok.spelling(self.text);
                if !s.starts_with("0x") {
                    let d = self.error_at(
                        tok.start,
                        "unexpected decimal integer literal for a floating point value",
                    );
                    let loc = self.loc_at(tok.start);
                    return Err(d.with_note(loc, "add a trailing dot to make the literal a float"));
                }
                if neg {
                    return Err(self.error_at(
                        tok.start,
                        "hexadecimal float literal should not have a leading minus",
                    ));
                }
                let bits = self.int_magnitude(tok)?;
                if kind.width() < 128 && bits >> kind.width() != 0 {
                    return Err(self.error_at(
                        tok.start,
                        "hexadecimal float constant out of range for type",
                    ));
                }
                Ok(float::from_bits(bits as u64, kind))
            }
            Lit::Bool(_, off) => Err(self.error_at(off, "expected a floating-point value")),
        }
    }

    /// Reads an optional `-` and a number token into a [`Lit`].
    fn parse_number_lit(&mut self) -> PResult<Lit> {
        let neg = self.eat(TokenKind::Minus);
        let tok = self.tok;
        let lit = match tok.kind {
            TokenKind::Integer => Lit::Int { neg, tok },
            TokenKind::Float => Lit::Float { neg, tok },
            _ => {
                return Err(self.error_here(format!(
                    "expected integer or float literal, found {}",
                    self.tok_desc()
                )));
            }
        };
        self.bump();
        Ok(lit)
    }

    /// `42`, `-1 : i8`, `1.5`, `2.0 : f32`, `0x7FC00000 : f32`.
    fn parse_number_attr(&mut self) -> PResult<Attribute> {
        let lit = self.parse_number_lit()?;
        let mut ty_offset = self.tok.start;
        let ty = if self.eat(TokenKind::Colon) {
            ty_offset = self.tok.start;
            Some(self.parse_type()?)
        } else {
            None
        };
        let ty = match (ty, lit) {
            (Some(t), _) => t,
            (None, Lit::Float { .. }) => self.ctx.f64_type(),
            (None, _) => self.ctx.i64_type(),
        };
        match self.ctx.type_data(ty).clone() {
            TypeData::Float(kind) => {
                let v = self.float_value(lit, kind)?;
                Ok(self.ctx.float_attr(v, ty))
            }
            TypeData::Integer { .. } | TypeData::Index => {
                let Lit::Int { neg, tok } = lit else {
                    return Err(self.error_at(
                        lit.offset(),
                        "floating point value not valid for specified type",
                    ));
                };
                let v = self.int_value(neg, tok, ty)?;
                if matches!(self.ctx.type_data(ty), TypeData::Integer { width: 1, .. }) {
                    return Ok(self.ctx.bool_attr(v != 0));
                }
                Ok(self.ctx.int_attr(v, ty))
            }
            _ => Err(self.error_at(
                ty_offset,
                format!(
                    "expected an integer or float type for a number, found '{}'",
                    type_str(self.ctx, ty)
                ),
            )),
        }
    }

    /// One scalar of a dense literal: a number or `true`/`false`.
    fn parse_dense_scalar(&mut self) -> PResult<Lit> {
        if self.tok.kind == TokenKind::BareIdent {
            let s = self.spelling();
            if s == "true" || s == "false" {
                let off = self.tok.start;
                self.bump();
                return Ok(Lit::Bool(s == "true", off));
            }
        }
        if self.at(TokenKind::LParen) {
            return Err(self.error_here("complex dense elements are not supported"));
        }
        self.parse_number_lit()
    }

    /// A nested list `[[1, 2], [3, 4]]`; returns its shape.
    fn parse_dense_list(&mut self, out: &mut Vec<Lit>) -> PResult<Vec<i64>> {
        self.nested(|p| {
            let start = p.tok.start;
            p.expect(TokenKind::LSquare, "")?;
            if p.eat(TokenKind::RSquare) {
                return Ok(vec![0]);
            }
            let mut inner: Option<Vec<i64>> = None;
            let mut count = 0i64;
            loop {
                let sub = if p.at(TokenKind::LSquare) {
                    p.parse_dense_list(out)?
                } else {
                    out.push(p.parse_dense_scalar()?);
                    Vec::new()
                };
                match &inner {
                    None => inner = Some(sub),
                    Some(s) if *s != sub => {
                        return Err(p.error_at(
                            start,
                            "tensor literal is invalid; ranks are not consistent between elements",
                        ));
                    }
                    Some(_) => {}
                }
                count += 1;
                if !p.eat(TokenKind::Comma) {
                    break;
                }
            }
            p.expect(TokenKind::RSquare, "to end dense list")?;
            let mut shape = vec![count];
            shape.extend(inner.unwrap_or_default());
            Ok(shape)
        })
    }

    /// `dense<...> : tensor<...>`; with `known`, just `dense<...>` of that type.
    fn parse_dense(&mut self, known: Option<Type>) -> PResult<Attribute> {
        let start = self.tok.start;
        self.bump();
        self.expect(TokenKind::Less, "after 'dense'")?;
        enum Body {
            Empty,
            Hex(Vec<u8>, u32),
            Splat(Lit),
            List(Vec<Lit>, Vec<i64>, u32),
        }
        let body = match self.tok.kind {
            TokenKind::Greater => Body::Empty,
            TokenKind::String => {
                let s = self.spelling();
                let off = self.tok.start;
                let hex = s
                    .strip_prefix("\"0x")
                    .and_then(|h| h.strip_suffix('"'))
                    .filter(|h| h.len() % 2 == 0 && h.bytes().all(|b| b.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    return Err(self.error_here(
                        "expected a hex string \"0x...\" in dense elements (string elements are not supported)",
                    ));
                };
                let bytes = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0))
                    .collect();
                self.bump();
                Body::Hex(bytes, off)
            }
            TokenKind::LSquare => {
                let off = self.tok.start;
                let mut lits = Vec::new();
                let shape = self.parse_dense_list(&mut lits)?;
                Body::List(lits, shape, off)
            }
            _ => Body::Splat(self.parse_dense_scalar()?),
        };
        self.expect(TokenKind::Greater, "to end dense elements")?;
        let (ty, ty_offset) = match known {
            Some(t) => (t, start),
            None => {
                self.expect(TokenKind::Colon, "and a type after dense elements")?;
                let ty_offset = self.tok.start;
                (self.parse_type()?, ty_offset)
            }
        };
        let (shape, elem) = match self.ctx.type_data(ty) {
            TypeData::Tensor { shape, elem } | TypeData::Vector { shape, elem } => {
                (shape.clone(), *elem)
            }
            _ => {
                return Err(self.error_at(
                    ty_offset,
                    format!(
                        "dense elements need a tensor or vector type, found '{}'",
                        type_str(self.ctx, ty)
                    ),
                ));
            }
        };
        let n = num_elements(&shape);
        let kind = ElemKind::of(self.ctx, elem);
        let (Some(n), Some(kind)) = (n, kind) else {
            return Err(self.error_at(
                ty_offset,
                format!(
                    "dense elements need a static shape and an integer, index or float element type, found '{}'",
                    type_str(self.ctx, ty)
                ),
            ));
        };
        let size = kind.size();
        let bytes = match body {
            Body::Empty => {
                if n != 0 {
                    return Err(
                        self.error_at(start, "'dense<>' is only valid for types with no elements")
                    );
                }
                Vec::new()
            }
            Body::Hex(bytes, off) => {
                if kind.is_bool() {
                    // MLIR packs i1 elements one bit each, low bit first.
                    if bytes.len() as u64 != n.div_ceil(8) {
                        return Err(self.hex_size_error(off, ty));
                    }
                    (0..n)
                        .map(|i| (bytes[(i / 8) as usize] >> (i % 8)) & 1)
                        .collect()
                } else {
                    let len = bytes.len() as u64;
                    if len != n.saturating_mul(size as u64) && len != size as u64 {
                        return Err(self.hex_size_error(off, ty));
                    }
                    // Re-encode so that integer elements are normalized.
                    let mut out = Vec::with_capacity(bytes.len());
                    for c in bytes.chunks_exact(size) {
                        dense::encode(kind, dense::decode(kind, c), &mut out);
                    }
                    out
                }
            }
            Body::Splat(lit) => {
                let mut out = Vec::with_capacity(size);
                let v = self.dense_scalar_value(lit, kind, elem)?;
                dense::encode(kind, v, &mut out);
                out
            }
            Body::List(lits, lshape, off) => {
                if lshape != shape {
                    let f = |s: &[i64]| {
                        s.iter()
                            .map(|d| d.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    return Err(self.error_at(
                        off,
                        format!(
                            "inferred shape of elements literal ([{}]) does not match type ([{}])",
                            f(&lshape),
                            f(&shape)
                        ),
                    ));
                }
                let mut out = Vec::with_capacity(lits.len() * size);
                for lit in lits {
                    let v = self.dense_scalar_value(lit, kind, elem)?;
                    dense::encode(kind, v, &mut out);
                }
                out
            }
        };
        let d = dense::from_bytes(kind, ty, n, bytes);
        Ok(self.ctx.intern_attr(AttrData::DenseElements(d)))
    }

    fn hex_size_error(&mut self, off: u32, ty: Type) -> Diagnostic {
        let msg = format!(
            "elements hex data size is invalid for provided type: '{}'",
            type_str(self.ctx, ty)
        );
        self.error_at(off, msg)
    }

    fn dense_scalar_value(&mut self, lit: Lit, kind: ElemKind, elem: Type) -> PResult<DenseScalar> {
        match kind {
            ElemKind::Float(k) => match lit {
                Lit::Int { tok, .. } if !tok.spelling(self.text).starts_with("0x") => Err(self
                    .error_at(
                        tok.start,
                        "expected floating-point elements, but parsed integer",
                    )),
                Lit::Bool(_, off) => Err(self.error_at(
                    off,
                    "expected floating-point elements, but parsed a boolean",
                )),
                _ => Ok(DenseScalar::Float(self.float_value(lit, k)?)),
            },
            ElemKind::Int { .. } => match lit {
                Lit::Int { neg, tok } => Ok(DenseScalar::Int(self.int_value(neg, tok, elem)?)),
                Lit::Bool(b, off) => {
                    if kind.is_bool() {
                        Ok(DenseScalar::Int(b as i128))
                    } else {
                        Err(self.error_at(off, "expected i1 type for 'true' or 'false' values"))
                    }
                }
                Lit::Float { tok, .. } => Err(self.error_at(
                    tok.start,
                    "expected integer elements, but parsed floating-point",
                )),
            },
        }
    }

    /// `array<i64: 1, 2>`, `array<f32>`, `array<i1: true>`.
    fn parse_dense_array(&mut self) -> PResult<Attribute> {
        self.bump();
        self.expect(TokenKind::Less, "after 'array'")?;
        let ty_offset = self.tok.start;
        let elem = self.parse_type()?;
        let kind = match self.ctx.type_data(elem) {
            TypeData::Integer { width, .. } if *width <= 64 => ElemKind::of(self.ctx, elem),
            TypeData::Float(_) => ElemKind::of(self.ctx, elem),
            _ => None,
        };
        let Some(kind) = kind else {
            return Err(self.error_at(
                ty_offset,
                format!(
                    "expected an integer or float element type for 'array', found '{}'",
                    type_str(self.ctx, elem)
                ),
            ));
        };
        let mut lits = Vec::new();
        if self.eat(TokenKind::Colon) {
            loop {
                lits.push(self.parse_dense_scalar()?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.expect(TokenKind::Greater, "to end dense array")?;
        let values = match kind {
            ElemKind::Int { .. } => {
                let mut v = Vec::with_capacity(lits.len());
                for lit in lits {
                    match self.dense_scalar_value(lit, kind, elem)? {
                        DenseScalar::Int(i) => v.push(i as i64),
                        DenseScalar::Float(f) => v.push(f as i64),
                    }
                }
                DenseArrayValues::Int(v)
            }
            ElemKind::Float(_) => {
                let mut v = Vec::with_capacity(lits.len());
                for lit in lits {
                    match self.dense_scalar_value(lit, kind, elem)? {
                        DenseScalar::Float(f) => v.push(f.to_bits()),
                        DenseScalar::Int(i) => v.push((i as f64).to_bits()),
                    }
                }
                DenseArrayValues::Float(v)
            }
        };
        Ok(self.ctx.intern_attr(AttrData::DenseArray { elem, values }))
    }

    // ----- locations ----------------------------------------------------

    /// Parses `loc(...)`.
    pub fn parse_location(&mut self) -> PResult<Location> {
        if !self.at_keyword("loc") {
            return Err(self.error_here(format!("expected 'loc', found {}", self.tok_desc())));
        }
        self.bump();
        self.expect(TokenKind::LParen, "after 'loc'")?;
        let l = self.parse_loc_inner()?;
        self.expect(TokenKind::RParen, "to end location")?;
        Ok(l)
    }

    fn parse_loc_inner(&mut self) -> PResult<Location> {
        self.nested(|p| p.parse_loc_inner_impl())
    }

    fn parse_loc_inner_impl(&mut self) -> PResult<Location> {
        match self.tok.kind {
            TokenKind::String => {
                let s = self.string_value()?;
                self.bump();
                let sym = self.ctx.symbol(&s);
                if self.eat(TokenKind::Colon) {
                    let line = self.parse_loc_number("line")?;
                    self.expect(TokenKind::Colon, "after line number")?;
                    let col = self.parse_loc_number("column")?;
                    return Ok(self.ctx.intern_loc(LocData::FileLineCol {
                        file: sym,
                        line,
                        col,
                    }));
                }
                let child = if self.eat(TokenKind::LParen) {
                    let c = self.parse_loc_inner()?;
                    self.expect(TokenKind::RParen, "after child location")?;
                    Some(c)
                } else {
                    None
                };
                Ok(self.ctx.intern_loc(LocData::Name { name: sym, child }))
            }
            TokenKind::HashIdent => {
                let name = &self.spelling()[1..];
                match self.loc_aliases.get(name) {
                    Some(&l) => {
                        self.bump();
                        Ok(l)
                    }
                    None => Err(self.error_here(format!("undefined location alias '#{name}'"))),
                }
            }
            TokenKind::BareIdent => match self.spelling() {
                "unknown" => {
                    self.bump();
                    Ok(self.ctx.unknown_loc())
                }
                "callsite" => {
                    self.bump();
                    self.expect(TokenKind::LParen, "after 'callsite'")?;
                    let callee = self.parse_loc_inner()?;
                    if !self.parse_optional_keyword("at") {
                        return Err(self.error_here(format!(
                            "expected 'at' in callsite location, found {}",
                            self.tok_desc()
                        )));
                    }
                    let caller = self.parse_loc_inner()?;
                    self.expect(TokenKind::RParen, "to end callsite location")?;
                    Ok(self.ctx.intern_loc(LocData::CallSite { callee, caller }))
                }
                "fused" => {
                    self.bump();
                    let metadata = if self.eat(TokenKind::Less) {
                        let a = self.parse_attribute()?;
                        self.expect(TokenKind::Greater, "after fused location metadata")?;
                        Some(a)
                    } else {
                        None
                    };
                    self.expect(TokenKind::LSquare, "in fused location")?;
                    let mut locs = Vec::new();
                    if !self.eat(TokenKind::RSquare) {
                        loop {
                            locs.push(self.parse_loc_inner()?);
                            if !self.eat(TokenKind::Comma) {
                                break;
                            }
                        }
                        self.expect(TokenKind::RSquare, "to end fused location")?;
                    }
                    Ok(self.ctx.intern_loc(LocData::Fused { locs, metadata }))
                }
                _ => Err(self.error_here(format!(
                    "expected location instance, found {}",
                    self.tok_desc()
                ))),
            },
            _ => Err(self.error_here(format!(
                "expected location instance, found {}",
                self.tok_desc()
            ))),
        }
    }

    fn parse_loc_number(&mut self, what: &str) -> PResult<u32> {
        if self.at(TokenKind::Integer)
            && let Ok(v) = self.spelling().parse::<u32>()
        {
            self.bump();
            return Ok(v);
        }
        Err(self.error_here(format!(
            "expected {what} number in location, found {}",
            self.tok_desc()
        )))
    }
}

// ----- affine maps and integer sets ------------------------------------------

/// How deep an affine expression tree may get; deeper ones are an error
/// rather than a risk to the stack of the recursive walks over them.
const MAX_AFFINE_DEPTH: u32 = 400;

/// What the names in an affine expression stand for.
enum AffineNames<'a> {
    /// A map's own names: `(i, j)[n] -> (i + n)`.
    Bound {
        dims: Vec<&'a str>,
        syms: Vec<&'a str>,
    },
    /// SSA values of the op being parsed, numbered in order of first use:
    /// `%i + symbol(%n)` (dimensions unless wrapped in `symbol(...)`).
    Ssa {
        /// `(name, result number)` → its expression.
        seen: Vec<(&'a str, u32, AffineExpr)>,
        dims: Vec<UnresolvedOperand>,
        syms: Vec<UnresolvedOperand>,
    },
}

impl AffineNames<'_> {
    fn ssa() -> Self {
        AffineNames::Ssa {
            seen: Vec::new(),
            dims: Vec::new(),
            syms: Vec::new(),
        }
    }

    /// The map of `results` over these names, and the SSA operands (dimensions first).
    fn into_map(self, results: Vec<AffineExpr>) -> (AffineMap, Vec<UnresolvedOperand>) {
        match self {
            AffineNames::Bound { dims, syms } => (
                AffineMap::new(dims.len() as u32, syms.len() as u32, results),
                Vec::new(),
            ),
            AffineNames::Ssa { dims, syms, .. } => {
                let map = AffineMap::new(dims.len() as u32, syms.len() as u32, results);
                let mut operands = dims;
                operands.extend(syms);
                (map, operands)
            }
        }
    }
}

impl<'a> OpParser<'a, '_> {
    /// `affine_map<(d0)[s0] -> (d0 + s0)>`, at the keyword.
    fn parse_affine_map_attr(&mut self) -> PResult<Attribute> {
        self.bump();
        self.expect_affine_less("affine_map")?;
        let mut names = self.parse_affine_inputs()?;
        self.expect(TokenKind::Arrow, "in affine map")?;
        self.expect(TokenKind::LParen, "to start the affine map results")?;
        let mut results = Vec::new();
        if !self.eat(TokenKind::RParen) {
            loop {
                results.push(self.parse_affine_expr(&mut names)?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RParen, "to end the affine map results")?;
        }
        self.expect(TokenKind::Greater, "to end affine map")?;
        let (map, _) = names.into_map(results);
        Ok(self.ctx.intern_attr(AttrData::AffineMap(map)))
    }

    /// `affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>`, at the keyword.
    fn parse_integer_set_attr(&mut self) -> PResult<Attribute> {
        self.bump();
        self.expect_affine_less("affine_set")?;
        let mut names = self.parse_affine_inputs()?;
        self.expect(TokenKind::Colon, "in integer set")?;
        self.expect(TokenKind::LParen, "to start the integer set constraints")?;
        let mut constraints = Vec::new();
        if !self.eat(TokenKind::RParen) {
            loop {
                constraints.push(self.parse_affine_constraint(&mut names)?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RParen, "to end the integer set constraints")?;
        }
        self.expect(TokenKind::Greater, "to end integer set")?;
        // No constraints is the universe, which MLIR writes `0 == 0`.
        if constraints.is_empty() {
            constraints.push((AffineExpr::Constant(0), true));
        }
        let (map, _) = names.into_map(Vec::new());
        let set = IntegerSet::new(map.num_dims, map.num_symbols, constraints);
        Ok(self.ctx.intern_attr(AttrData::IntegerSet(set)))
    }

    fn expect_affine_less(&mut self, kw: &str) -> PResult<()> {
        if self.eat(TokenKind::Less) {
            return Ok(());
        }
        Err(self.error_here(format!(
            "expected '<' after '{kw}', found {}",
            self.tok_desc()
        )))
    }

    /// `(d0, d1)[s0]`: the names of the dimensions and (optional) symbols.
    fn parse_affine_inputs(&mut self) -> PResult<AffineNames<'a>> {
        let mut dims: Vec<&'a str> = Vec::new();
        let mut syms: Vec<&'a str> = Vec::new();
        self.expect(TokenKind::LParen, "to start the dimension list")?;
        self.parse_affine_input_names(TokenKind::RParen, &mut dims, &[])?;
        if self.eat(TokenKind::LSquare) {
            self.parse_affine_input_names(TokenKind::RSquare, &mut syms, &dims)?;
        }
        Ok(AffineNames::Bound { dims, syms })
    }

    fn parse_affine_input_names(
        &mut self,
        close: TokenKind,
        out: &mut Vec<&'a str>,
        others: &[&'a str],
    ) -> PResult<()> {
        if self.eat(close) {
            return Ok(());
        }
        loop {
            if !self.at(TokenKind::BareIdent) {
                return Err(self.error_here(format!(
                    "expected a dimension or symbol identifier, found {}",
                    self.tok_desc()
                )));
            }
            let name = self.spelling();
            if out.contains(&name) || others.contains(&name) {
                return Err(self.error_here(format!("redefinition of identifier '{name}'")));
            }
            out.push(name);
            self.bump();
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(close, "to end the identifier list")
    }

    /// `e >= e`, `e <= e` or `e == e`, as `(expr, is_equality)` with `expr`
    /// compared against zero.
    fn parse_affine_constraint(
        &mut self,
        names: &mut AffineNames<'a>,
    ) -> PResult<(AffineExpr, bool)> {
        let lhs = self.parse_affine_expr(names)?;
        // `>=`, `<=` and `==` lex as two tokens; they must touch.
        let eq_next = self.next_char() == b'=';
        let kind = match self.tok.kind {
            TokenKind::Greater if eq_next => 0,
            TokenKind::Less if eq_next => 1,
            TokenKind::Equal if eq_next => 2,
            _ => {
                return Err(self.error_here(format!(
                    "expected '== affine-expr', '>= affine-expr' or '<= affine-expr' in affine constraint, found {}",
                    self.tok_desc()
                )));
            }
        };
        self.bump();
        self.bump();
        let rhs = self.parse_affine_expr(names)?;
        Ok(match kind {
            0 => (lhs - rhs, false),
            1 => (rhs - lhs, false),
            _ => (lhs - rhs, true),
        })
    }

    /// One affine expression: `sum := product (('+' | '-') product)*`.
    fn parse_affine_expr(&mut self, names: &mut AffineNames<'a>) -> PResult<AffineExpr> {
        self.affine_sum(names).map(|(e, _)| e)
    }

    /// Fails past [`MAX_AFFINE_DEPTH`]; `depth` bounds the tree's depth.
    fn affine_depth(&mut self, depth: u32) -> PResult<u32> {
        if depth > MAX_AFFINE_DEPTH {
            return Err(self.error_here("affine expression is too deeply nested"));
        }
        Ok(depth)
    }

    fn affine_sum(&mut self, names: &mut AffineNames<'a>) -> PResult<(AffineExpr, u32)> {
        let (mut e, mut depth) = self.affine_product(names)?;
        loop {
            let negate = match self.tok.kind {
                TokenKind::Plus => false,
                TokenKind::Minus => true,
                _ => return Ok((e, depth)),
            };
            self.bump();
            let (r, rd) = self.affine_product(names)?;
            // Simplification may regroup a sum, but never deepens it by more than two.
            depth = self.affine_depth(depth.max(rd) + 2)?;
            e = if negate { e - r } else { e + r };
        }
    }

    /// `product := unary (('*' | 'floordiv' | 'ceildiv' | 'mod') unary)*`.
    fn affine_product(&mut self, names: &mut AffineNames<'a>) -> PResult<(AffineExpr, u32)> {
        let (mut e, mut depth) = self.affine_unary(names)?;
        loop {
            let op = match self.tok.kind {
                TokenKind::Star => AffineBinOp::Mul,
                TokenKind::BareIdent => match self.spelling() {
                    "floordiv" => AffineBinOp::FloorDiv,
                    "ceildiv" => AffineBinOp::CeilDiv,
                    "mod" => AffineBinOp::Mod,
                    _ => return Ok((e, depth)),
                },
                _ => return Ok((e, depth)),
            };
            let offset = self.tok.start;
            let word = self.spelling();
            self.bump();
            let (r, rd) = self.affine_unary(names)?;
            if op == AffineBinOp::Mul {
                if !e.is_symbolic_or_constant() && !r.is_symbolic_or_constant() {
                    return Err(self.error_at(
                        offset,
                        "non-affine expression: at least one of the multiply operands has to be either a constant or symbolic",
                    ));
                }
            } else if !r.is_symbolic_or_constant() {
                return Err(self.error_at(
                    offset,
                    format!(
                        "non-affine expression: right operand of {word} has to be either a constant or symbolic"
                    ),
                ));
            }
            depth = self.affine_depth(depth.max(rd) + 2)?;
            e = AffineExpr::binary(op, e, r);
        }
    }

    /// `unary := '-' unary | primary`.
    fn affine_unary(&mut self, names: &mut AffineNames<'a>) -> PResult<(AffineExpr, u32)> {
        if self.eat(TokenKind::Minus) {
            return self.nested(|p| {
                let (e, d) = p.affine_unary(names)?;
                let d = p.affine_depth(d + 1)?;
                Ok((-e, d))
            });
        }
        self.affine_primary(names)
    }

    /// `primary := '(' sum ')' | integer | name | %ssa | symbol(%ssa)`.
    fn affine_primary(&mut self, names: &mut AffineNames<'a>) -> PResult<(AffineExpr, u32)> {
        match self.tok.kind {
            TokenKind::LParen => self.nested(|p| {
                p.bump();
                let r = p.affine_sum(names)?;
                p.expect(TokenKind::RParen, "to end parenthesized affine expression")?;
                Ok(r)
            }),
            TokenKind::Integer => {
                let tok = self.tok;
                let v = self.int_magnitude(tok)?;
                let Ok(v) = i64::try_from(v) else {
                    return Err(self.error_here("constant too large for index"));
                };
                self.bump();
                Ok((AffineExpr::Constant(v), 0))
            }
            TokenKind::BareIdent => {
                let name = self.spelling();
                if let AffineNames::Ssa { .. } = names
                    && name == "symbol"
                    && self.next_char() == b'('
                {
                    self.bump();
                    self.bump();
                    let e = self.affine_ssa_id(names, true)?;
                    self.expect(TokenKind::RParen, "to end 'symbol(...)'")?;
                    return Ok((e, 0));
                }
                let found = match names {
                    AffineNames::Bound { dims, syms } => {
                        if let Some(i) = dims.iter().position(|d| *d == name) {
                            Some(AffineExpr::Dim(i as u32))
                        } else {
                            syms.iter()
                                .position(|s| *s == name)
                                .map(|i| AffineExpr::Symbol(i as u32))
                        }
                    }
                    AffineNames::Ssa { .. } => None,
                };
                match found {
                    Some(e) => {
                        self.bump();
                        Ok((e, 0))
                    }
                    None => Err(self.error_here(format!("use of undeclared identifier '{name}'"))),
                }
            }
            TokenKind::PercentIdent if matches!(names, AffineNames::Ssa { .. }) => {
                Ok((self.affine_ssa_id(names, false)?, 0))
            }
            _ => Err(self.error_here(format!(
                "expected an affine expression, found {}",
                self.tok_desc()
            ))),
        }
    }

    /// `%name` in an affine expression of SSA values: the expression a
    /// value already stands for, or a new dimension (or symbol).
    fn affine_ssa_id(&mut self, names: &mut AffineNames<'a>, symbol: bool) -> PResult<AffineExpr> {
        let u = self.parse_operand()?;
        let name = u.name(self);
        let AffineNames::Ssa { seen, dims, syms } = names else {
            let loc = u.loc(self);
            return Err(Diagnostic::error(
                loc,
                "unexpected SSA value in an affine map",
            ));
        };
        if let Some((_, _, e)) = seen.iter().find(|(n, k, _)| *n == name && *k == u.number()) {
            return Ok(e.clone());
        }
        let e = if symbol {
            syms.push(u);
            AffineExpr::Symbol(syms.len() as u32 - 1)
        } else {
            dims.push(u);
            AffineExpr::Dim(dims.len() as u32 - 1)
        };
        seen.push((name, u.number(), e.clone()));
        Ok(e)
    }

    /// Parses one affine expression over SSA values, as in the bounds of
    /// `affine.parallel`: `%i + symbol(%n) * 2`. Values are dimensions
    /// unless wrapped in `symbol(...)`, numbered in order of first use.
    /// Returns a map with the expression as its one result, and its operands
    /// (dimensions, then symbols).
    pub fn parse_affine_expr_of_ssa_ids(&mut self) -> PResult<(AffineMap, Vec<UnresolvedOperand>)> {
        let mut names = AffineNames::ssa();
        let e = self.parse_affine_expr(&mut names)?;
        Ok(names.into_map(vec![e]))
    }

    /// Parses `open e0, e1, .. close`, affine expressions over SSA values
    /// (as the subscripts of `affine.load %m[%i + 1, %j]`), into one map and
    /// its operands (dimensions, then symbols); see
    /// [`parse_affine_expr_of_ssa_ids`](Self::parse_affine_expr_of_ssa_ids).
    /// The list may be empty.
    pub fn parse_affine_map_of_ssa_ids(
        &mut self,
        open: Punct,
        close: Punct,
    ) -> PResult<(AffineMap, Vec<UnresolvedOperand>)> {
        self.parse_punct(open, "to start an affine expression list")?;
        let mut names = AffineNames::ssa();
        let mut results = Vec::new();
        if !self.parse_optional_punct(close) {
            loop {
                results.push(self.parse_affine_expr(&mut names)?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.parse_punct(close, "to end an affine expression list")?;
        }
        Ok(names.into_map(results))
    }
}
