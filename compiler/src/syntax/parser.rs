//! The parser: MLIR's textual format into IR in a [`Context`].
//!
//! [`parse_module`] reads a whole file. [`OpParser`] is the parser's state
//! and also the API custom op parsers ([`ParseFn`](crate::registry::ParseFn))
//! work with, modelled on MLIR's `OpAsmParser`: they read operands as
//! [`UnresolvedOperand`]s, then resolve them once they know the types.
//!
//! Names follow MLIR's scoping: value names live in the scope of the nearest
//! region of an isolated-from-above op (or the top level), names defined in
//! a nested region are forgotten when it ends, and uses may come before the
//! definition (graph regions, back edges); such forward references hold a
//! placeholder value that the definition replaces. Block names are scoped
//! to their region.
//!
//! The first error stops parsing and is returned as a [`Diagnostic`] at
//! `file:line:col`; no input makes the parser panic. Nesting deeper than
//! [`MAX_NESTING`] is an error rather than a stack overflow.

use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::{Attribute, BlockId, Location, OpId, RegionId, Symbol, Type, Value};
use crate::ir::OperationState;
use crate::location::LocData;
use crate::registry::{OpName, OpSyntax, OpTraits};
use crate::syntax::lexer::{Lexer, Token, TokenKind};
use crate::syntax::printer::type_str;

/// A fast hasher for the parser's short string keys (value and block
/// names, keywords), after rustc's FxHasher: names come from the input,
/// but a slow parse is the worst a hostile input can cause here.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by text of the input.
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// How deeply types, attributes, locations and regions may nest.
pub const MAX_NESTING: u32 = 200;

/// Where the text being parsed comes from.
#[derive(Clone, Debug, Default)]
pub struct ParseConfig {
    /// The file name locations and diagnostics refer to.
    pub file_name: String,
    /// Added to every line number: the line of the file where the text starts,
    /// minus one (for `--split-input-file` chunks).
    pub line_offset: u32,
}

/// Punctuation a custom parser may expect or test for.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Punct {
    /// `->`
    Arrow,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `...`
    Ellipsis,
    /// `=`
    Equal,
    /// `>`
    Greater,
    /// `{`
    LBrace,
    /// `(`
    LParen,
    /// `[`
    LSquare,
    /// `<`
    Less,
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// `?`
    Question,
    /// `}`
    RBrace,
    /// `)`
    RParen,
    /// `]`
    RSquare,
    /// `*`
    Star,
    /// `|`
    VerticalBar,
}

impl Punct {
    fn kind(self) -> TokenKind {
        match self {
            Punct::Arrow => TokenKind::Arrow,
            Punct::Colon => TokenKind::Colon,
            Punct::Comma => TokenKind::Comma,
            Punct::Ellipsis => TokenKind::Ellipsis,
            Punct::Equal => TokenKind::Equal,
            Punct::Greater => TokenKind::Greater,
            Punct::LBrace => TokenKind::LBrace,
            Punct::LParen => TokenKind::LParen,
            Punct::LSquare => TokenKind::LSquare,
            Punct::Less => TokenKind::Less,
            Punct::Minus => TokenKind::Minus,
            Punct::Plus => TokenKind::Plus,
            Punct::Question => TokenKind::Question,
            Punct::RBrace => TokenKind::RBrace,
            Punct::RParen => TokenKind::RParen,
            Punct::RSquare => TokenKind::RSquare,
            Punct::Star => TokenKind::Star,
            Punct::VerticalBar => TokenKind::VerticalBar,
        }
    }
}

/// A value use as written (`%x`, `%0#1`), not yet given a type.
///
/// Resolve it with [`OpParser::resolve_operand`] once the type is known.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct UnresolvedOperand {
    /// Byte range of the name, `%` included.
    start: u32,
    end: u32,
    /// The result number after `#` (0 when absent).
    number: u32,
}

impl UnresolvedOperand {
    /// The result number (`%0#1` → 1; 0 when there is no `#`).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The name as written, `%` included, without the result number.
    pub fn name<'t>(&self, p: &OpParser<'t, '_>) -> &'t str {
        p.span_text(self.start, self.end)
    }

    /// Where the use is.
    pub fn loc(&self, p: &mut OpParser<'_, '_>) -> Location {
        p.loc_at(self.start)
    }
}

/// A region or function argument as written: `%name: type {attrs} loc(...)`.
#[derive(Clone, Debug)]
pub struct Argument {
    /// The argument's name.
    pub name: UnresolvedOperand,
    /// Its type.
    pub ty: Type,
    /// Its attribute dictionary, if written.
    pub attrs: Option<Attribute>,
    /// Its location: the explicit `loc(...)`, else where its name is.
    pub loc: Location,
}

/// What a name in a value scope stands for.
enum NameDef {
    /// Results `start..start + count` of `op`.
    Results { op: OpId, start: u32, count: u32 },
    /// A block argument.
    Arg(Value),
    /// Used before being defined: one placeholder per result number used.
    Forward(Vec<ForwardRef>),
}

struct ForwardRef {
    number: u32,
    placeholder: Value,
    offset: u32,
}

struct NameEntry {
    def: NameDef,
    /// Where it was defined, or first used for forward references.
    offset: u32,
}

/// The value names of one isolated-from-above region (or the top level).
struct NameScope<'a> {
    names: HashMap<&'a str, NameEntry>,
    /// Names defined in each open region, forgotten when it closes.
    region_defs: Vec<Vec<&'a str>>,
}

struct BlockEntry {
    block: BlockId,
    defined: bool,
    offset: u32,
}

/// The block names of one region.
struct BlockScope<'a> {
    blocks: HashMap<&'a str, BlockEntry>,
}

/// The parser's state, and the API custom op parsers use.
///
/// `'a` is the lifetime of the text, `'b` that of the context borrow.
pub struct OpParser<'a, 'b> {
    pub(super) ctx: &'b mut Context,
    pub(super) text: &'a str,
    pub(super) lex: Lexer<'a>,
    pub(super) tok: Token,
    file: Symbol,
    line_offset: u32,
    line_starts: Vec<u32>,
    /// The line index of the last location asked for: parsing mostly
    /// moves forward, so the next one is usually on this line or just after.
    line_cursor: usize,
    pub(super) type_aliases: HashMap<&'a str, Type>,
    pub(super) attr_aliases: HashMap<&'a str, Attribute>,
    pub(super) loc_aliases: HashMap<&'a str, Location>,
    /// Keyword types seen so far (`f32`, `i64`), to skip interning.
    pub(super) type_cache: HashMap<&'a str, Type>,
    /// Dotted custom op names seen so far, resolved.
    op_cache: HashMap<&'a str, Option<OpName>>,
    /// Op locations naming an alias defined later in the file.
    deferred_locs: Vec<(OpId, &'a str, u32)>,
    scopes: Vec<NameScope<'a>>,
    block_scopes: Vec<BlockScope<'a>>,
    /// Ops whose custom or generic form is being parsed, innermost last.
    op_stack: Vec<OpName>,
    /// How many results the op being parsed binds.
    num_results: usize,
    depth: u32,
    placeholder_name: OpName,
    /// A reusable buffer for the operands of the builtin custom forms.
    operand_scratch: Vec<UnresolvedOperand>,
}

/// Parses a module: `module { ... }` or a bare list of ops (wrapped in a new
/// `builtin.module`). Errors are diagnostics with file:line:col locations.
///
/// When the context has no source text for `config.file_name` and the text
/// starts at the file's first line, the text is added with
/// [`Context::add_source`] so diagnostics can quote it.
pub fn parse_module(
    ctx: &mut Context,
    text: &str,
    config: &ParseConfig,
) -> Result<OpId, Vec<Diagnostic>> {
    let mut p = OpParser::new(ctx, text, config);
    p.parse_top_level().map_err(|d| vec![d])
}

/// Parses one type, e.g. `tensor<2x3xf32>`. Useful in tests and builders.
pub fn parse_type_str(ctx: &mut Context, text: &str) -> Result<Type, Diagnostic> {
    let config = ParseConfig {
        file_name: "<type>".to_string(),
        line_offset: 0,
    };
    let mut p = OpParser::new(ctx, text, &config);
    let ty = p.parse_type()?;
    p.expect_eof()?;
    Ok(ty)
}

/// Parses one attribute, e.g. `dense<1.0> : tensor<2xf32>`.
pub fn parse_attr_str(ctx: &mut Context, text: &str) -> Result<Attribute, Diagnostic> {
    let config = ParseConfig {
        file_name: "<attribute>".to_string(),
        line_offset: 0,
    };
    let mut p = OpParser::new(ctx, text, &config);
    let a = p.parse_attribute()?;
    p.expect_eof()?;
    Ok(a)
}

type PResult<T> = Result<T, Diagnostic>;

impl<'a, 'b> OpParser<'a, 'b> {
    fn new(ctx: &'b mut Context, text: &'a str, config: &ParseConfig) -> Self {
        let file = ctx.symbol(&config.file_name);
        if config.line_offset == 0 && ctx.source(file).is_none() {
            ctx.add_source(&config.file_name, text);
        }
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| (i + 1).min(u32::MAX as usize) as u32),
        );
        let placeholder_name = ctx.op_name("builtin.unresolved_forward_reference");
        let mut lex = Lexer::new(text);
        let tok = lex.next_token();
        OpParser {
            ctx,
            text,
            lex,
            tok,
            file,
            line_offset: config.line_offset,
            line_starts,
            line_cursor: 0,
            type_aliases: HashMap::default(),
            attr_aliases: HashMap::default(),
            loc_aliases: HashMap::default(),
            type_cache: HashMap::default(),
            op_cache: HashMap::default(),
            deferred_locs: Vec::new(),
            scopes: Vec::new(),
            block_scopes: Vec::new(),
            op_stack: Vec::new(),
            num_results: 0,
            depth: 0,
            placeholder_name,
            operand_scratch: Vec::new(),
        }
    }

    // ----- tokens -------------------------------------------------------

    /// Moves to the next token.
    pub(super) fn bump(&mut self) {
        self.tok = self.lex.next_token();
    }

    /// Re-lexes from byte offset `pos` (to split tokens like `4xf32`).
    pub(super) fn relex_from(&mut self, pos: u32) {
        self.lex.reset(pos);
        self.bump();
    }

    /// The current token's text.
    pub(super) fn spelling(&self) -> &'a str {
        self.tok.spelling(self.text)
    }

    pub(super) fn span_text(&self, start: u32, end: u32) -> &'a str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    pub(super) fn at(&self, kind: TokenKind) -> bool {
        self.tok.kind == kind
    }

    /// Whether the current token is the bare identifier `kw`.
    pub(super) fn at_keyword(&self, kw: &str) -> bool {
        self.tok.kind == TokenKind::BareIdent && self.spelling() == kw
    }

    /// Consumes the current token if it is `kind`.
    pub(super) fn eat(&mut self, kind: TokenKind) -> bool {
        if self.tok.kind == kind {
            self.bump();
            true
        } else {
            false
        }
    }

    /// The character right after the current token.
    pub(super) fn next_char(&self) -> u8 {
        self.text
            .as_bytes()
            .get(self.tok.end as usize)
            .copied()
            .unwrap_or(0)
    }

    /// How the current token is named in messages.
    pub(super) fn tok_desc(&self) -> String {
        match self.tok.kind {
            TokenKind::Eof => "end of file".to_string(),
            _ => {
                let s = self.spelling();
                let mut short: String = s.chars().take(24).collect();
                if short.len() < s.len() {
                    short.push_str("...");
                }
                format!("'{short}'")
            }
        }
    }

    /// Consumes a `kind` token or fails with
    /// "expected 'X' <context>, found 'Y'".
    pub(super) fn expect(&mut self, kind: TokenKind, context: &str) -> PResult<()> {
        if self.eat(kind) {
            return Ok(());
        }
        let what = kind.punct_spelling().unwrap_or("token");
        let sep = if context.is_empty() { "" } else { " " };
        Err(self.error_here(format!(
            "expected '{what}'{sep}{context}, found {}",
            self.tok_desc()
        )))
    }

    pub(super) fn expect_eof(&mut self) -> PResult<()> {
        if self.at(TokenKind::Eof) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected end of input, found {}", self.tok_desc())))
        }
    }

    /// An error at the current token; a malformed token's own message wins.
    pub(super) fn error_here(&mut self, msg: impl Into<String>) -> Diagnostic {
        let loc = self.loc_at(self.tok.start);
        if self.tok.kind == TokenKind::Error {
            return Diagnostic::error(loc, self.lex.error_message());
        }
        Diagnostic::error(loc, msg)
    }

    /// An error at byte offset `offset`.
    pub(super) fn error_at(&mut self, offset: u32, msg: impl Into<String>) -> Diagnostic {
        let loc = self.loc_at(offset);
        Diagnostic::error(loc, msg)
    }

    /// The `file:line:col` location of byte offset `offset`.
    pub(super) fn loc_at(&mut self, offset: u32) -> Location {
        let starts = &self.line_starts;
        let mut idx = self.line_cursor.min(starts.len() - 1);
        if starts[idx] > offset {
            idx = starts.partition_point(|&s| s <= offset).max(1) - 1;
        } else {
            let mut steps = 0;
            while idx + 1 < starts.len() && starts[idx + 1] <= offset {
                idx += 1;
                steps += 1;
                if steps == 8 {
                    idx = starts.partition_point(|&s| s <= offset).max(1) - 1;
                    break;
                }
            }
        }
        self.line_cursor = idx;
        let line = (idx as u32)
            .saturating_add(1)
            .saturating_add(self.line_offset);
        let col = offset - self.line_starts[idx] + 1;
        self.ctx.intern_loc(LocData::FileLineCol {
            file: self.file,
            line,
            col,
        })
    }

    /// Runs `f` one nesting level deeper, failing past [`MAX_NESTING`].
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(self.error_here("nesting is too deep"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    // ----- top level ------------------------------------------------------

    fn parse_top_level(&mut self) -> PResult<OpId> {
        let loc = self.loc_at(0);
        let region = self.ctx.create_region();
        let block = self.ctx.create_block(&[], loc);
        self.ctx.append_block(region, block);
        self.scopes.push(NameScope {
            names: HashMap::default(),
            region_defs: vec![Vec::new()],
        });
        self.block_scopes.push(BlockScope {
            blocks: HashMap::default(),
        });
        loop {
            match self.tok.kind {
                TokenKind::Eof => break,
                TokenKind::HashIdent => self.parse_attr_alias_def()?,
                TokenKind::BangIdent => self.parse_type_alias_def()?,
                TokenKind::FileMetadataBegin => {
                    return Err(
                        self.error_here("file metadata blocks ('{-# ... #-}') are not supported")
                    );
                }
                _ => self.parse_operation(block)?,
            }
        }
        self.pop_block_scope()?;
        self.pop_region_names(true)?;
        self.resolve_deferred_locs()?;
        let ops = self.ctx.block_ops_vec(block);
        if ops.len() == 1 && self.ctx.op_is(ops[0], "builtin.module") {
            self.ctx.detach_op(ops[0]);
            return Ok(ops[0]);
        }
        let name = self.ctx.op_name("builtin.module");
        Ok(self
            .ctx
            .create_op(OperationState::new(name, loc).region(region)))
    }

    fn parse_attr_alias_def(&mut self) -> PResult<()> {
        let name = &self.spelling()[1..];
        let offset = self.tok.start;
        self.bump();
        self.expect(TokenKind::Equal, "in attribute alias definition")?;
        if self.attr_aliases.contains_key(name) || self.loc_aliases.contains_key(name) {
            return Err(self.error_at(
                offset,
                format!("redefinition of attribute alias id '{name}'"),
            ));
        }
        if self.at_keyword("loc") {
            let loc = self.parse_location()?;
            self.loc_aliases.insert(name, loc);
        } else {
            let a = self.parse_attribute()?;
            self.attr_aliases.insert(name, a);
        }
        Ok(())
    }

    fn parse_type_alias_def(&mut self) -> PResult<()> {
        let name = &self.spelling()[1..];
        let offset = self.tok.start;
        self.bump();
        self.expect(TokenKind::Equal, "in type alias definition")?;
        if self.type_aliases.contains_key(name) {
            return Err(self.error_at(offset, format!("redefinition of type alias id '{name}'")));
        }
        let ty = self.parse_type()?;
        self.type_aliases.insert(name, ty);
        Ok(())
    }

    fn resolve_deferred_locs(&mut self) -> PResult<()> {
        for (op, name, offset) in std::mem::take(&mut self.deferred_locs) {
            match self.loc_aliases.get(name) {
                Some(&l) => self.ctx.set_loc(op, l),
                None => {
                    return Err(
                        self.error_at(offset, format!("undefined location alias '#{name}'"))
                    );
                }
            }
        }
        Ok(())
    }

    // ----- operations -----------------------------------------------------

    /// Parses one operation (with its result names and trailing location)
    /// and appends it to `block`.
    fn parse_operation(&mut self, block: BlockId) -> PResult<()> {
        // Result name groups: (name, offset, count); the first kept apart
        // so the common single-name op allocates nothing here.
        let mut first: Option<(&'a str, u32, u32)> = None;
        let mut groups: Vec<(&'a str, u32, u32)> = Vec::new();
        let mut bound = 0u32;
        if self.at(TokenKind::PercentIdent) {
            loop {
                let name = self.spelling();
                let offset = self.tok.start;
                self.bump();
                let mut count = 1;
                if self.eat(TokenKind::Colon) {
                    count = self.parse_u32("expected result count after ':'")?;
                    if count == 0 {
                        return Err(self.error_at(offset, "expected a result count of at least 1"));
                    }
                }
                if first.is_none() {
                    first = Some((name, offset, count));
                } else {
                    groups.push((name, offset, count));
                }
                bound = bound.saturating_add(count);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
                if !self.at(TokenKind::PercentIdent) {
                    return Err(self.error_here(format!(
                        "expected SSA value name after ',', found {}",
                        self.tok_desc()
                    )));
                }
            }
            self.expect(TokenKind::Equal, "after SSA value names")?;
        }
        let name_offset = self.tok.start;
        let saved = std::mem::replace(&mut self.num_results, bound as usize);
        let op = match self.tok.kind {
            TokenKind::String => self.parse_generic_op(),
            TokenKind::BareIdent => self.parse_custom_op(),
            _ => Err(self.error_here(format!(
                "expected operation name in quotes, found {}",
                self.tok_desc()
            ))),
        };
        self.num_results = saved;
        let op = op?;
        self.parse_trailing_loc(op)?;
        let n = self.ctx.op(op).results.len();
        if first.is_some() {
            if n == 0 {
                return Err(self.error_at(name_offset, "cannot name an operation with no results"));
            }
            if n != bound as usize {
                return Err(self.error_at(
                    name_offset,
                    format!("operation defines {n} results but was provided {bound} to bind"),
                ));
            }
        }
        self.ctx.append_op(block, op);
        let mut start = 0u32;
        for (name, offset, count) in first.into_iter().chain(groups) {
            self.define_name(name, offset, NameDef::Results { op, start, count })?;
            start += count;
        }
        Ok(())
    }

    fn parse_u32(&mut self, msg: &str) -> PResult<u32> {
        if self.at(TokenKind::Integer)
            && let Ok(v) = self.spelling().parse::<u32>()
        {
            self.bump();
            return Ok(v);
        }
        Err(self.error_here(msg.to_string()))
    }

    /// Parses `loc(...)` after an op, if present, and sets the op's location.
    fn parse_trailing_loc(&mut self, op: OpId) -> PResult<()> {
        if !(self.at_keyword("loc") && self.next_char() == b'(') {
            return Ok(());
        }
        // `loc(#alias)` may name an alias defined later in the file, as
        // MLIR prints with `--mlir-print-debuginfo`.
        let save = (self.lex.pos(), self.tok);
        self.bump();
        self.bump();
        if self.at(TokenKind::HashIdent) {
            let name = &self.spelling()[1..];
            let offset = self.tok.start;
            if !self.loc_aliases.contains_key(name) {
                self.bump();
                if self.eat(TokenKind::RParen) {
                    self.deferred_locs.push((op, name, offset));
                    return Ok(());
                }
            }
        }
        self.lex.reset(save.0);
        self.tok = save.1;
        let loc = self.parse_location()?;
        self.ctx.set_loc(op, loc);
        Ok(())
    }

    /// The op's string name in a generic form, unescaped.
    fn parse_op_name_string(&mut self) -> PResult<&'a str> {
        let s = self.spelling();
        let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
        if inner.contains('\\') || inner.is_empty() {
            return Err(self.error_here("invalid operation name"));
        }
        Ok(inner)
    }

    fn parse_generic_op(&mut self) -> PResult<OpId> {
        let name_str = self.parse_op_name_string()?;
        let loc = self.loc_at(self.tok.start);
        let name = self.ctx.op_name(name_str);
        self.bump();
        let mut state = OperationState::new(name, loc);
        self.expect(TokenKind::LParen, "to start operand list")?;
        let operands = self.parse_operand_list()?;
        self.expect(TokenKind::RParen, "to end operand list")?;
        if self.eat(TokenKind::LSquare) {
            loop {
                let b = self.parse_successor()?;
                state.successors.push(b);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RSquare, "to end successor list")?;
        }
        if self.at(TokenKind::Less) {
            self.bump();
            if !self.at(TokenKind::LBrace) {
                return Err(self.error_here(format!(
                    "expected '{{' to start properties, found {}",
                    self.tok_desc()
                )));
            }
            self.parse_dict_entries(&mut state.attrs)?;
            self.expect(TokenKind::Greater, "to end properties")?;
        }
        if self.eat(TokenKind::LParen) {
            self.op_stack.push(name);
            let isolated = self.is_isolated(name);
            loop {
                let r = self.parse_region_with(&[], isolated);
                match r {
                    Ok(r) => state.regions.push(r),
                    Err(e) => {
                        self.op_stack.pop();
                        return Err(e);
                    }
                }
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.op_stack.pop();
            self.expect(TokenKind::RParen, "to end region list")?;
        }
        if self.at(TokenKind::LBrace) {
            self.parse_dict_entries(&mut state.attrs)?;
        }
        self.expect(
            TokenKind::Colon,
            "followed by the operation's function type",
        )?;
        let offset = self.tok.start;
        if !self.at(TokenKind::LParen) {
            return Err(self.error_here(format!(
                "expected the operation's function type, found {}",
                self.tok_desc()
            )));
        }
        let (inputs, results) = self.parse_function_type()?;
        if inputs.len() != operands.len() {
            return Err(self.error_at(
                offset,
                format!(
                    "expected {} operand types but had {}",
                    operands.len(),
                    inputs.len()
                ),
            ));
        }
        for (u, ty) in operands.iter().zip(&inputs) {
            let v = self.resolve_operand(u, *ty)?;
            state.operands.push(v);
        }
        state.result_types = results;
        Ok(self.ctx.create_op(state))
    }

    fn is_isolated(&self, name: OpName) -> bool {
        self.ctx
            .op_name_def(name)
            .is_some_and(|d| d.traits.contains(OpTraits::ISOLATED_FROM_ABOVE))
    }

    /// Resolves the name of a custom-form op: `d.op` as is; a name without
    /// a dialect in `builtin` or the dialect of the enclosing op (so
    /// `return` inside `func.func` is `func.return`, as in MLIR).
    fn resolve_custom_name(&mut self, written: &str) -> Option<OpName> {
        let registered = |ctx: &Context, full: &str| {
            ctx.lookup_op_name(full)
                .filter(|&n| ctx.op_name_def(n).is_some())
        };
        if written.contains('.') {
            return registered(self.ctx, written);
        }
        if let Some(n) = registered(self.ctx, &format!("builtin.{written}")) {
            return Some(n);
        }
        let parent = *self.op_stack.last()?;
        let parent_name = self.ctx.op_name_str(parent);
        let dialect = parent_name.split('.').next()?;
        let full = format!("{dialect}.{written}");
        registered(self.ctx, &full)
    }

    fn parse_custom_op(&mut self) -> PResult<OpId> {
        let written = self.spelling();
        let offset = self.tok.start;
        let resolved = if written.contains('.') {
            match self.op_cache.get(written) {
                Some(&n) => n,
                None => {
                    let n = self.resolve_custom_name(written);
                    self.op_cache.insert(written, n);
                    n
                }
            }
        } else {
            self.resolve_custom_name(written)
        };
        let Some(name) = resolved else {
            let hint = if written.contains('.') {
                " (unregistered ops must use the generic form \"d.op\"(...))"
            } else {
                ""
            };
            return Err(self.error_here(format!("custom op '{written}' is unknown{hint}")));
        };
        let syntax = match self.ctx.op_name_def(name) {
            Some(def) => def.syntax,
            None => OpSyntax::Generic,
        };
        let parse: crate::registry::ParseFn = match syntax {
            OpSyntax::Generic => {
                let full = self.ctx.op_name_str(name).to_string();
                return Err(self.error_at(
                    offset,
                    format!("op '{full}' has no custom form; use the generic form \"{full}\"(...)"),
                ));
            }
            OpSyntax::Functional => parse_functional,
            OpSyntax::SameType => parse_same_type,
            OpSyntax::Custom { parse, .. } => parse,
        };
        let loc = self.loc_at(offset);
        self.bump();
        let mut state = OperationState::new(name, loc);
        self.op_stack.push(name);
        let r = self.nested(|p| parse(p, &mut state));
        self.op_stack.pop();
        r?;
        Ok(self.ctx.create_op(state))
    }

    // ----- regions and blocks --------------------------------------------

    /// Parses `{ ... }` into a new region. `args`, if any, become the
    /// entry block's arguments; `isolated` starts a fresh value scope.
    fn parse_region_with(&mut self, args: &[Argument], isolated: bool) -> PResult<RegionId> {
        if !self.at(TokenKind::LBrace) {
            return Err(self.error_here(format!(
                "expected '{{' to begin a region, found {}",
                self.tok_desc()
            )));
        }
        self.nested(|p| {
            p.bump();
            let region = p.ctx.create_region();
            if isolated {
                p.scopes.push(NameScope {
                    names: HashMap::default(),
                    region_defs: vec![Vec::new()],
                });
            } else if let Some(s) = p.scopes.last_mut() {
                s.region_defs.push(Vec::new());
            }
            p.block_scopes.push(BlockScope {
                blocks: HashMap::default(),
            });
            p.parse_region_body(region, args)?;
            p.pop_block_scope()?;
            p.pop_region_names(isolated)?;
            Ok(region)
        })
    }

    fn parse_region_body(&mut self, region: RegionId, args: &[Argument]) -> PResult<()> {
        if args.is_empty() && self.eat(TokenKind::RBrace) {
            return Ok(());
        }
        if !args.is_empty() {
            let loc = args[0].loc;
            let block = self.ctx.create_block(&[], loc);
            self.ctx.append_block(region, block);
            for a in args {
                let v = self.ctx.add_block_arg(block, a.ty, a.loc);
                let name = a.name.name(self);
                self.define_name(name, a.name.start, NameDef::Arg(v))?;
            }
            if self.at(TokenKind::CaretIdent) {
                return Err(self.error_here("invalid block name in region with named arguments"));
            }
            self.parse_block_ops(block)?;
        } else if !self.at(TokenKind::CaretIdent) {
            let loc = self.loc_at(self.tok.start);
            let block = self.ctx.create_block(&[], loc);
            self.ctx.append_block(region, block);
            self.parse_block_ops(block)?;
        }
        while self.at(TokenKind::CaretIdent) {
            self.parse_labeled_block(region)?;
        }
        self.expect(TokenKind::RBrace, "to end region")
    }

    fn parse_block_ops(&mut self, block: BlockId) -> PResult<()> {
        while !matches!(
            self.tok.kind,
            TokenKind::RBrace | TokenKind::CaretIdent | TokenKind::Eof
        ) {
            self.parse_operation(block)?;
        }
        Ok(())
    }

    fn parse_labeled_block(&mut self, region: RegionId) -> PResult<()> {
        let name = self.spelling();
        let offset = self.tok.start;
        let block = self.block_named(name, offset, true)?;
        self.ctx.append_block(region, block);
        self.bump();
        if self.eat(TokenKind::LParen) && !self.eat(TokenKind::RParen) {
            loop {
                if !self.at(TokenKind::PercentIdent) {
                    return Err(self.error_here(format!(
                        "expected block argument name, found {}",
                        self.tok_desc()
                    )));
                }
                let arg_name = self.spelling();
                let arg_offset = self.tok.start;
                self.bump();
                self.expect(TokenKind::Colon, "after block argument name")?;
                let ty = self.parse_type()?;
                let loc = match self.parse_optional_location()? {
                    Some(l) => l,
                    None => self.loc_at(arg_offset),
                };
                let v = self.ctx.add_block_arg(block, ty, loc);
                self.define_name(arg_name, arg_offset, NameDef::Arg(v))?;
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RParen, "to end block argument list")?;
        }
        self.expect(TokenKind::Colon, "after block name")?;
        self.parse_block_ops(block)
    }

    /// The block named `name` in the current region, created on first
    /// mention; `define` marks the definition (a second one is an error).
    fn block_named(&mut self, name: &'a str, offset: u32, define: bool) -> PResult<BlockId> {
        let Some(scope) = self.block_scopes.last_mut() else {
            return Err(self.error_at(offset, "block reference outside a region"));
        };
        match scope.blocks.get_mut(name) {
            Some(e) => {
                if define {
                    if e.defined {
                        return Err(
                            self.error_at(offset, format!("redefinition of block '{name}'"))
                        );
                    }
                    e.defined = true;
                }
                Ok(e.block)
            }
            None => {
                let loc = self.loc_at(offset);
                let block = self.ctx.create_block(&[], loc);
                let scope = self.block_scopes.last_mut().expect("checked above");
                scope.blocks.insert(
                    name,
                    BlockEntry {
                        block,
                        defined: define,
                        offset,
                    },
                );
                Ok(block)
            }
        }
    }

    fn pop_block_scope(&mut self) -> PResult<()> {
        let Some(scope) = self.block_scopes.pop() else {
            return Ok(());
        };
        let undefined = scope
            .blocks
            .iter()
            .filter(|(_, e)| !e.defined)
            .min_by_key(|(_, e)| e.offset);
        if let Some((name, e)) = undefined {
            let (name, offset) = (*name, e.offset);
            return Err(self.error_at(offset, format!("reference to an undefined block '{name}'")));
        }
        Ok(())
    }

    // ----- value names ----------------------------------------------------

    /// Defines `name` in the current scope, resolving forward references.
    fn define_name(&mut self, name: &'a str, offset: u32, def: NameDef) -> PResult<()> {
        let Some(scope) = self.scopes.last_mut() else {
            return Err(self.error_at(offset, "value definition outside a scope"));
        };
        let forwards = match scope.names.entry(name) {
            Entry::Vacant(v) => {
                v.insert(NameEntry { def, offset });
                if let Some(r) = scope.region_defs.last_mut() {
                    r.push(name);
                }
                return Ok(());
            }
            Entry::Occupied(mut o) => match &mut o.get_mut().def {
                NameDef::Forward(list) => {
                    let list = std::mem::take(list);
                    o.insert(NameEntry { def, offset });
                    list
                }
                _ => {
                    let prev = o.get().offset;
                    let prev_loc = self.loc_at(prev);
                    return Err(self
                        .error_at(offset, format!("redefinition of value '{name}'"))
                        .with_note(prev_loc, "previously defined here"));
                }
            },
        };
        if let Some(r) = self
            .scopes
            .last_mut()
            .and_then(|s| s.region_defs.last_mut())
        {
            r.push(name);
        }
        for f in forwards {
            let Some(real) = self.lookup_defined(name, f.number) else {
                return Err(self.error_at(
                    f.offset,
                    format!(
                        "reference to invalid result number {} of '{name}'",
                        f.number
                    ),
                ));
            };
            let (want, have) = (
                self.ctx.value_type(f.placeholder),
                self.ctx.value_type(real),
            );
            if want != have {
                let use_loc = self.loc_at(f.offset);
                let msg = format!(
                    "definition of value '{name}#{}' has type '{}'",
                    f.number,
                    type_str(self.ctx, have)
                );
                let note = format!(
                    "previously used here with type '{}'",
                    type_str(self.ctx, want)
                );
                return Err(self.error_at(offset, msg).with_note(use_loc, note));
            }
            self.ctx.replace_all_uses(f.placeholder, real);
            if let Some(op) = self.ctx.defining_op(f.placeholder) {
                self.ctx.erase_op(op);
            }
        }
        Ok(())
    }

    /// The value `name#number` if `name` is defined (not forward) in scope.
    fn lookup_defined(&self, name: &str, number: u32) -> Option<Value> {
        let entry = self.scopes.last()?.names.get(name)?;
        match entry.def {
            NameDef::Results { op, start, count } if number < count => self
                .ctx
                .op(op)
                .results
                .get((start + number) as usize)
                .copied(),
            NameDef::Arg(v) if number == 0 => Some(v),
            _ => None,
        }
    }

    /// Closes the innermost region's names; at the end of an isolated
    /// scope, any name still only used is an error.
    fn pop_region_names(&mut self, isolated: bool) -> PResult<()> {
        let Some(scope) = self.scopes.last_mut() else {
            return Ok(());
        };
        if isolated {
            let scope = self.scopes.pop().expect("checked above");
            let mut first: Option<(&str, u32)> = None;
            for (name, e) in &scope.names {
                if let NameDef::Forward(list) = &e.def {
                    let off = list.iter().map(|f| f.offset).min().unwrap_or(e.offset);
                    if first.is_none_or(|(_, o)| off < o) {
                        first = Some((name, off));
                    }
                }
            }
            if let Some((name, off)) = first {
                return Err(self.error_at(off, format!("use of undefined value '{name}'")));
            }
            return Ok(());
        }
        if let Some(defs) = scope.region_defs.pop() {
            for name in defs {
                if let Some(e) = scope.names.get(name)
                    && !matches!(e.def, NameDef::Forward(_))
                {
                    scope.names.remove(name);
                }
            }
        }
        Ok(())
    }

    // ----- the API for custom parsers ----------------------------------

    /// The context, e.g. to intern types and attributes.
    pub fn ctx(&mut self) -> &mut Context {
        self.ctx
    }

    /// The location of the current token.
    pub fn current_loc(&mut self) -> Location {
        self.loc_at(self.tok.start)
    }

    /// An error diagnostic at the current token.
    pub fn error(&mut self, msg: impl Into<String>) -> Diagnostic {
        self.error_here(msg)
    }

    /// How many results the op being parsed binds (`%a, %b:2 = ...` → 3).
    pub fn num_results(&self) -> usize {
        self.num_results
    }

    /// The current token's text, if it is a bare identifier (a keyword).
    pub fn peek_keyword(&self) -> Option<&'a str> {
        (self.tok.kind == TokenKind::BareIdent).then(|| self.spelling())
    }

    /// Consumes the keyword `kw` if it is next.
    pub fn parse_optional_keyword(&mut self, kw: &str) -> bool {
        if self.at_keyword(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes the keyword `kw` or fails.
    pub fn parse_keyword(&mut self, kw: &str) -> PResult<()> {
        if self.parse_optional_keyword(kw) {
            Ok(())
        } else {
            Err(self.error_here(format!("expected '{kw}', found {}", self.tok_desc())))
        }
    }

    /// Whether `p` is the next token.
    pub fn peek_punct(&self, p: Punct) -> bool {
        self.tok.kind == p.kind()
    }

    /// Consumes `p` if it is next.
    pub fn parse_optional_punct(&mut self, p: Punct) -> bool {
        self.eat(p.kind())
    }

    /// Consumes `p` or fails with "expected 'p' <context>, found ...".
    pub fn parse_punct(&mut self, p: Punct, context: &str) -> PResult<()> {
        self.expect(p.kind(), context)
    }

    /// Parses a string literal, unescaped.
    pub fn parse_string(&mut self) -> PResult<String> {
        if !self.at(TokenKind::String) {
            return Err(self.error_here(format!(
                "expected string literal, found {}",
                self.tok_desc()
            )));
        }
        let s = self.string_value()?;
        self.bump();
        Ok(s)
    }

    /// Parses `@name` or `@"quoted name"` and returns the name.
    pub fn parse_symbol_name(&mut self) -> PResult<String> {
        match self.parse_optional_symbol_name()? {
            Some(s) => Ok(s),
            None => {
                Err(self.error_here(format!("expected symbol name, found {}", self.tok_desc())))
            }
        }
    }

    /// Parses a symbol name if one is next.
    pub fn parse_optional_symbol_name(&mut self) -> PResult<Option<String>> {
        if !self.at(TokenKind::AtIdent) {
            return Ok(None);
        }
        let s = self.spelling();
        let name = if s.as_bytes().get(1) == Some(&b'"') {
            super::parse_attr::unescape(&s[1..]).map_err(|m| self.error_here(m))?
        } else {
            s[1..].to_string()
        };
        self.bump();
        Ok(Some(name))
    }

    /// Parses a value use: `%name` or `%name#N`.
    pub fn parse_operand(&mut self) -> PResult<UnresolvedOperand> {
        match self.parse_optional_operand()? {
            Some(u) => Ok(u),
            None => {
                Err(self.error_here(format!("expected SSA operand, found {}", self.tok_desc())))
            }
        }
    }

    /// Parses a value use if one is next.
    pub fn parse_optional_operand(&mut self) -> PResult<Option<UnresolvedOperand>> {
        if !self.at(TokenKind::PercentIdent) {
            return Ok(None);
        }
        let (start, end) = (self.tok.start, self.tok.end);
        self.bump();
        let mut number = 0;
        if self.at(TokenKind::HashIdent) && self.tok.start == end {
            match self.spelling()[1..].parse::<u32>() {
                Ok(n) => number = n,
                Err(_) => return Err(self.error_here("expected a result number after '#'")),
            }
            self.bump();
        }
        Ok(Some(UnresolvedOperand { start, end, number }))
    }

    /// Parses zero or more comma-separated value uses (no delimiters).
    pub fn parse_operand_list(&mut self) -> PResult<Vec<UnresolvedOperand>> {
        let mut out = Vec::new();
        self.parse_operand_list_into(&mut out)?;
        Ok(out)
    }

    /// Like [`parse_operand_list`](Self::parse_operand_list), appending to `out`.
    pub fn parse_operand_list_into(&mut self, out: &mut Vec<UnresolvedOperand>) -> PResult<()> {
        if let Some(u) = self.parse_optional_operand()? {
            out.push(u);
            while self.eat(TokenKind::Comma) {
                out.push(self.parse_operand()?);
            }
        }
        Ok(())
    }

    /// Parses `(` operands `)`.
    pub fn parse_paren_operand_list(&mut self) -> PResult<Vec<UnresolvedOperand>> {
        self.expect(TokenKind::LParen, "to start operand list")?;
        let v = self.parse_operand_list()?;
        self.expect(TokenKind::RParen, "to end operand list")?;
        Ok(v)
    }

    /// Gives `u` the type `ty` and returns its value: the definition, or a
    /// placeholder for a forward reference that the definition replaces.
    pub fn resolve_operand(&mut self, u: &UnresolvedOperand, ty: Type) -> PResult<Value> {
        let name = u.name(self);
        let Some(scope) = self.scopes.last_mut() else {
            return Err(self.error_at(u.start, "value use outside a scope"));
        };
        let existing = match scope.names.get_mut(name) {
            None => None,
            Some(e) => match &mut e.def {
                NameDef::Results { op, start, count } => {
                    if u.number >= *count {
                        return Err(self.error_at(
                            u.start,
                            format!(
                                "reference to invalid result number {} of '{name}'",
                                u.number
                            ),
                        ));
                    }
                    Some(self.ctx.op(*op).results[(*start + u.number) as usize])
                }
                NameDef::Arg(v) => {
                    if u.number != 0 {
                        return Err(self.error_at(
                            u.start,
                            format!(
                                "reference to invalid result number {} of '{name}'",
                                u.number
                            ),
                        ));
                    }
                    Some(*v)
                }
                NameDef::Forward(list) => list
                    .iter()
                    .find(|f| f.number == u.number)
                    .map(|f| f.placeholder),
            },
        };
        if let Some(v) = existing {
            let have = self.ctx.value_type(v);
            if have != ty {
                let msg = format!(
                    "use of value '{name}' expects different type than prior uses: '{}' vs '{}'",
                    type_str(self.ctx, ty),
                    type_str(self.ctx, have)
                );
                return Err(self.error_at(u.start, msg));
            }
            return Ok(v);
        }
        // A forward reference: a detached placeholder op's result stands in.
        let unknown = self.ctx.unknown_loc();
        let ph = self
            .ctx
            .create_op(OperationState::new(self.placeholder_name, unknown).results(&[ty]));
        let placeholder = self.ctx.op(ph).results[0];
        let f = ForwardRef {
            number: u.number,
            placeholder,
            offset: u.start,
        };
        let scope = self.scopes.last_mut().expect("checked above");
        match scope.names.entry(name) {
            Entry::Occupied(mut o) => {
                if let NameDef::Forward(list) = &mut o.get_mut().def {
                    list.push(f);
                }
            }
            Entry::Vacant(v) => {
                v.insert(NameEntry {
                    def: NameDef::Forward(vec![f]),
                    offset: u.start,
                });
            }
        }
        Ok(placeholder)
    }

    /// Resolves `operands` with `types`, which must be as many; `loc` is
    /// where a count mismatch is reported.
    pub fn resolve_operands(
        &mut self,
        operands: &[UnresolvedOperand],
        types: &[Type],
        loc: Location,
    ) -> PResult<Vec<Value>> {
        if operands.len() != types.len() {
            return Err(Diagnostic::error(
                loc,
                format!(
                    "{} operands present, but expected {}",
                    operands.len(),
                    types.len()
                ),
            ));
        }
        operands
            .iter()
            .zip(types)
            .map(|(u, t)| self.resolve_operand(u, *t))
            .collect()
    }

    /// Resolves every operand with the same type.
    pub fn resolve_operands_same_type(
        &mut self,
        operands: &[UnresolvedOperand],
        ty: Type,
    ) -> PResult<Vec<Value>> {
        operands
            .iter()
            .map(|u| self.resolve_operand(u, ty))
            .collect()
    }

    /// Parses `: type`.
    pub fn parse_colon_type(&mut self) -> PResult<Type> {
        self.expect(TokenKind::Colon, "before type")?;
        self.parse_type()
    }

    /// Parses `: type, type, ...` (at least one type).
    pub fn parse_colon_type_list(&mut self) -> PResult<Vec<Type>> {
        self.expect(TokenKind::Colon, "before type list")?;
        self.parse_type_list()
    }

    /// Parses one or more comma-separated types.
    pub fn parse_type_list(&mut self) -> PResult<Vec<Type>> {
        let mut v = vec![self.parse_type()?];
        while self.eat(TokenKind::Comma) {
            v.push(self.parse_type()?);
        }
        Ok(v)
    }

    /// Parses `-> type` or `-> (type, ...)` if an arrow is next; no arrow
    /// gives no types.
    pub fn parse_optional_arrow_type_list(&mut self) -> PResult<Vec<Type>> {
        if !self.eat(TokenKind::Arrow) {
            return Ok(Vec::new());
        }
        self.parse_function_result_types()
    }

    /// Parses an optional attribute dictionary `{...}` into `attrs`
    /// (a duplicate name is an error).
    pub fn parse_optional_attr_dict(
        &mut self,
        attrs: &mut Vec<(Symbol, Attribute)>,
    ) -> PResult<()> {
        if self.at(TokenKind::LBrace) {
            self.parse_dict_entries(attrs)?;
        }
        Ok(())
    }

    /// Parses `attributes {...}` if the keyword is next.
    pub fn parse_optional_attr_dict_with_keyword(
        &mut self,
        attrs: &mut Vec<(Symbol, Attribute)>,
    ) -> PResult<()> {
        if self.parse_optional_keyword("attributes") {
            if !self.at(TokenKind::LBrace) {
                return Err(self.error_here(format!(
                    "expected '{{' after 'attributes', found {}",
                    self.tok_desc()
                )));
            }
            self.parse_dict_entries(attrs)?;
        }
        Ok(())
    }

    /// Parses `loc(...)` if it is next.
    pub fn parse_optional_location(&mut self) -> PResult<Option<Location>> {
        if self.at_keyword("loc") && self.next_char() == b'(' {
            return self.parse_location().map(Some);
        }
        Ok(None)
    }

    /// Parses a successor block reference `^bb1`.
    pub fn parse_successor(&mut self) -> PResult<BlockId> {
        if !self.at(TokenKind::CaretIdent) {
            return Err(self.error_here(format!("expected block name, found {}", self.tok_desc())));
        }
        let name = self.spelling();
        let offset = self.tok.start;
        let b = self.block_named(name, offset, false)?;
        self.bump();
        Ok(b)
    }

    /// Parses a region argument `%name: type {attrs} loc(...)`; the type is
    /// required, the attributes and location are optional.
    pub fn parse_argument(&mut self) -> PResult<Argument> {
        let name = self.parse_operand()?;
        if name.number != 0 {
            return Err(self.error_at(name.start, "argument names cannot have a result number"));
        }
        self.expect(TokenKind::Colon, "after argument name")?;
        let ty = self.parse_type()?;
        let attrs = if self.at(TokenKind::LBrace) {
            Some(self.parse_attribute()?)
        } else {
            None
        };
        let loc = match self.parse_optional_location()? {
            Some(l) => l,
            None => self.loc_at(name.start),
        };
        Ok(Argument {
            name,
            ty,
            attrs,
            loc,
        })
    }

    /// Parses a region `{ ... }` whose entry block has arguments `args`
    /// (which the region's first block must not relabel). The region is a
    /// fresh name scope if the op being parsed is isolated from above.
    pub fn parse_region(&mut self, args: &[Argument]) -> PResult<RegionId> {
        let isolated = self.op_stack.last().is_some_and(|&n| self.is_isolated(n));
        self.parse_region_with(args, isolated)
    }

    /// Parses a region if `{` is next.
    pub fn parse_optional_region(&mut self, args: &[Argument]) -> PResult<Option<RegionId>> {
        if self.at(TokenKind::LBrace) {
            self.parse_region(args).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Whether the next token can start a type.
    pub fn at_type(&self) -> bool {
        self.can_start_type()
    }

    /// Whether the next token is a value name (`%x`).
    pub fn at_operand(&self) -> bool {
        self.at(TokenKind::PercentIdent)
    }
}

/// `d.op %a, %b {attrs} : (T, U) -> R` ([`OpSyntax::Functional`]).
pub(crate) fn parse_functional(
    p: &mut OpParser<'_, '_>,
    state: &mut OperationState,
) -> PResult<()> {
    // These forms hold no regions, so one buffer serves every op.
    let mut operands = std::mem::take(&mut p.operand_scratch);
    operands.clear();
    p.parse_operand_list_into(&mut operands)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.expect(TokenKind::Colon, "after operand list")?;
    let offset = p.tok.start;
    if !p.at(TokenKind::LParen) {
        return Err(p.error_here(format!(
            "expected '(' to start a function type, found {}",
            p.tok_desc()
        )));
    }
    let (inputs, results) = p.parse_function_type()?;
    let loc = p.loc_at(offset);
    state.operands = p.resolve_operands(&operands, &inputs, loc)?;
    state.result_types = results;
    p.operand_scratch = operands;
    Ok(())
}

/// `d.op %a, %b {attrs} : T` ([`OpSyntax::SameType`]): one result, all of type `T`.
pub(crate) fn parse_same_type(p: &mut OpParser<'_, '_>, state: &mut OperationState) -> PResult<()> {
    let mut operands = std::mem::take(&mut p.operand_scratch);
    operands.clear();
    p.parse_operand_list_into(&mut operands)?;
    p.parse_optional_attr_dict(&mut state.attrs)?;
    p.expect(TokenKind::Colon, "after operand list")?;
    let ty = p.parse_type()?;
    state.operands = p.resolve_operands_same_type(&operands, ty)?;
    state.result_types = vec![ty];
    p.operand_scratch = operands;
    Ok(())
}
