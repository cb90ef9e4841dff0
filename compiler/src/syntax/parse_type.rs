//! Parsing types: builtin types, function types, type aliases and opaque
//! dialect types.

use crate::attrs::AttrData;
use crate::diag::Diagnostic;
use crate::entity::Type;
use crate::syntax::lexer::TokenKind;
use crate::syntax::parser::OpParser;
use crate::types::{DYNAMIC, FloatKind, Signedness, TypeData};

type PResult<T> = Result<T, Diagnostic>;

/// Builtin attribute keywords whose value is kept as text (`affine_map<...>`).
pub(super) const OPAQUE_BUILTIN_ATTRS: &[&str] = &["affine_map", "affine_set", "strided"];

/// Parses `iN`, `siN`, `uiN` into (width, signedness).
fn int_type_keyword(s: &str) -> Option<(&str, Signedness)> {
    let (digits, sign) = if let Some(d) = s.strip_prefix("si") {
        (d, Signedness::Signed)
    } else if let Some(d) = s.strip_prefix("ui") {
        (d, Signedness::Unsigned)
    } else {
        (s.strip_prefix('i')?, Signedness::Signless)
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((digits, sign))
}

/// Whether a bare identifier names a type (including types we reject with a
/// clear message, like `complex` or `f8E4M3FN`).
pub(super) fn is_type_keyword(s: &str) -> bool {
    matches!(
        s,
        "index"
            | "none"
            | "f16"
            | "bf16"
            | "f32"
            | "f64"
            | "f80"
            | "f128"
            | "tf32"
            | "tensor"
            | "memref"
            | "vector"
            | "tuple"
            | "complex"
    ) || s.starts_with("f8E")
        || s.starts_with("f6E")
        || s.starts_with("f4E")
        || int_type_keyword(s).is_some()
}

impl OpParser<'_, '_> {
    /// Whether the current token can start a type.
    pub(super) fn can_start_type(&self) -> bool {
        match self.tok.kind {
            TokenKind::BangIdent | TokenKind::LParen => true,
            TokenKind::BareIdent => is_type_keyword(self.spelling()),
            _ => false,
        }
    }

    /// Parses a type.
    pub fn parse_type(&mut self) -> PResult<Type> {
        self.nested(|p| p.parse_type_inner())
    }

    /// Parses a type if one is next.
    pub fn parse_optional_type(&mut self) -> PResult<Option<Type>> {
        if self.can_start_type() {
            self.parse_type().map(Some)
        } else {
            Ok(None)
        }
    }

    fn parse_type_inner(&mut self) -> PResult<Type> {
        match self.tok.kind {
            TokenKind::LParen => {
                let (inputs, results) = self.parse_function_type()?;
                Ok(self.ctx.function_type(&inputs, &results))
            }
            TokenKind::BangIdent => self.parse_bang_type(),
            TokenKind::BareIdent => self.parse_keyword_type(),
            _ => Err(self.error_here(format!("expected type, found {}", self.tok_desc()))),
        }
    }

    /// Parses `(T, U) -> R` or `(T) -> (R, S)`.
    pub fn parse_function_type(&mut self) -> PResult<(Vec<crate::Type>, Vec<crate::Type>)> {
        let inputs = self.parse_paren_type_list("to start function type inputs")?;
        self.expect(TokenKind::Arrow, "in function type")?;
        let results = self.parse_function_result_types()?;
        Ok((inputs, results))
    }

    /// Parses `(` types `)`, possibly empty.
    pub(super) fn parse_paren_type_list(&mut self, context: &str) -> PResult<Vec<Type>> {
        self.expect(TokenKind::LParen, context)?;
        let mut v = Vec::new();
        if self.eat(TokenKind::RParen) {
            return Ok(v);
        }
        loop {
            v.push(self.parse_type()?);
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RParen, "to end type list")?;
        Ok(v)
    }

    /// The results after `->`: `(T, U)` or a single type.
    pub(super) fn parse_function_result_types(&mut self) -> PResult<Vec<Type>> {
        if self.at(TokenKind::LParen) {
            self.parse_paren_type_list("to start result types")
        } else {
            Ok(vec![self.parse_type()?])
        }
    }

    fn parse_bang_type(&mut self) -> PResult<Type> {
        let full = &self.spelling()[1..];
        if let Some(&t) = self.type_aliases.get(full) {
            self.bump();
            return Ok(t);
        }
        let (dialect, rest) = match full.find('.') {
            Some(i) => (&full[..i], &full[i..]),
            None => (full, ""),
        };
        let offset = self.tok.start;
        self.bump();
        let mut body = rest.to_string();
        if self.at(TokenKind::Less) {
            let end = self
                .lex
                .scan_balanced(self.tok.start)
                .map_err(|m| self.error_here(m))?;
            body.push_str(self.span_text(self.tok.start, end));
            self.bump();
        } else if rest.is_empty() {
            return Err(self.error_at(offset, format!("undefined symbol alias id '{full}'")));
        }
        Ok(self.ctx.intern_type(TypeData::Opaque {
            dialect: dialect.to_string(),
            body,
        }))
    }

    fn parse_keyword_type(&mut self) -> PResult<Type> {
        let kw = self.spelling();
        if let Some(&t) = self.type_cache.get(kw) {
            self.bump();
            return Ok(t);
        }
        let ty = match kw {
            "index" => self.ctx.index_type(),
            "none" => self.ctx.none_type(),
            "f16" => self.ctx.float_type(FloatKind::F16),
            "bf16" => self.ctx.float_type(FloatKind::BF16),
            "f32" => self.ctx.float_type(FloatKind::F32),
            "f64" => self.ctx.float_type(FloatKind::F64),
            "tensor" | "memref" | "vector" => return self.parse_shaped_type(kw),
            "tuple" => return self.parse_tuple_type(),
            _ => {
                if let Some((digits, signedness)) = int_type_keyword(kw) {
                    let width = match digits.parse::<u32>() {
                        Ok(w) if (1..=128).contains(&w) => w,
                        _ => {
                            return Err(self.error_here(format!(
                                "invalid integer width in '{kw}' (1 to 128 bits are supported)"
                            )));
                        }
                    };
                    self.ctx
                        .intern_type(TypeData::Integer { width, signedness })
                } else if is_type_keyword(kw) {
                    return Err(self.error_here(format!("type '{kw}' is not supported")));
                } else {
                    return Err(self.error_here(format!("expected type, found '{kw}'")));
                }
            }
        };
        self.type_cache.insert(kw, ty);
        self.bump();
        Ok(ty)
    }

    fn parse_tuple_type(&mut self) -> PResult<Type> {
        self.bump();
        self.expect(TokenKind::Less, "after 'tuple'")?;
        let mut v = Vec::new();
        if !self.eat(TokenKind::Greater) {
            loop {
                v.push(self.parse_type()?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::Greater, "to end tuple type")?;
        }
        Ok(self.ctx.intern_type(TypeData::Tuple(v)))
    }

    /// Consumes the `x` after a dimension, splitting it off an identifier
    /// like `x4xf32`.
    fn parse_x_in_dims(&mut self) -> PResult<()> {
        if self.at(TokenKind::BareIdent) && self.spelling().starts_with('x') {
            if self.spelling().len() == 1 {
                self.bump();
            } else {
                self.relex_from(self.tok.start + 1);
            }
            return Ok(());
        }
        Err(self.error_here(format!(
            "expected 'x' in dimension list, found {}",
            self.tok_desc()
        )))
    }

    /// Parses `2x?x3x` (the dimensions before an element type).
    pub(super) fn parse_dimension_list(&mut self, allow_dynamic: bool) -> PResult<Vec<i64>> {
        let mut dims = Vec::new();
        loop {
            match self.tok.kind {
                TokenKind::Question => {
                    if !allow_dynamic {
                        return Err(self.error_here("vector types must have a static shape"));
                    }
                    dims.push(DYNAMIC);
                    self.bump();
                }
                TokenKind::Integer => {
                    let s = self.spelling();
                    if s.starts_with("0x") {
                        // `0xf32` lexes as a hex literal: it is a 0 dimension.
                        dims.push(0);
                        self.relex_from(self.tok.start + 1);
                        self.parse_x_in_dims()?;
                        continue;
                    }
                    match s.parse::<i64>() {
                        Ok(d) => dims.push(d),
                        Err(_) => return Err(self.error_here("dimension size is too large")),
                    }
                    self.bump();
                }
                TokenKind::Star => {
                    return Err(self.error_here("unranked shaped types are not supported"));
                }
                TokenKind::LSquare => {
                    return Err(self.error_here("scalable vector dimensions are not supported"));
                }
                _ => return Ok(dims),
            }
            self.parse_x_in_dims()?;
        }
    }

    fn parse_shaped_type(&mut self, kw: &str) -> PResult<Type> {
        self.bump();
        self.expect(TokenKind::Less, &format!("after '{kw}'"))?;
        let shape = self.parse_dimension_list(kw != "vector")?;
        let elem_offset = self.tok.start;
        let elem = self.parse_type()?;
        let ok = match self.ctx.type_data(elem) {
            TypeData::Integer { .. } | TypeData::Index | TypeData::Float(_) => true,
            TypeData::Vector { .. } | TypeData::Opaque { .. } | TypeData::Tuple(_) => {
                kw != "vector"
            }
            TypeData::Tensor { .. } | TypeData::None | TypeData::Function { .. } => false,
            TypeData::MemRef { .. } => kw == "memref",
        };
        if !ok {
            return Err(self.error_at(elem_offset, format!("invalid {kw} element type")));
        }
        let ty = match kw {
            "tensor" => {
                if self.at(TokenKind::Comma) {
                    return Err(self.error_here("tensor encodings are not supported"));
                }
                TypeData::Tensor { shape, elem }
            }
            "vector" => TypeData::Vector { shape, elem },
            _ => {
                let mut layout = None;
                let mut memory_space = None;
                if self.eat(TokenKind::Comma) {
                    let a = self.parse_attribute()?;
                    let is_layout = match self.ctx.attr_data(a) {
                        AttrData::AffineMap(_) => true,
                        AttrData::Opaque { dialect, .. } => dialect == "strided",
                        _ => false,
                    };
                    // As in MLIR, an identity map is no layout at all.
                    let identity = matches!(
                        self.ctx.attr_data(a),
                        AttrData::AffineMap(m) if m.is_identity() && m.num_dims as usize == shape.len()
                    );
                    if is_layout {
                        layout = (!identity).then_some(a);
                        if self.eat(TokenKind::Comma) {
                            memory_space = Some(self.parse_attribute()?);
                        }
                    } else {
                        memory_space = Some(a);
                    }
                }
                TypeData::MemRef {
                    shape,
                    elem,
                    layout,
                    memory_space,
                }
            }
        };
        self.expect(TokenKind::Greater, &format!("to end {kw} type"))?;
        Ok(self.ctx.intern_type(ty))
    }
}
