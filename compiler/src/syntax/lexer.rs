//! Tokens of MLIR's textual format.
//!
//! The lexer turns text into [`Token`]s: a kind and a byte range, with no
//! allocation; the parser reads a token's spelling from the source text. It
//! follows MLIR's lexer (`mlir/lib/AsmParser/Lexer.cpp`) in what it accepts:
//!
//! - bare identifiers `[a-zA-Z_][a-zA-Z0-9_$.]*` (keywords are bare
//!   identifiers too; the parser compares spellings);
//! - prefixed identifiers `@sym` / `@"quoted"`, `%value`, `^block`,
//!   `#attr` and `!type`, whose suffix is `[0-9]+` or
//!   `[a-zA-Z_$.-][a-zA-Z0-9_$.-]*`;
//! - integers (`42`, `0x2A`), floats (`1.`, `1.5`, `2.5e-3`), strings with
//!   `\n \t \" \\ \XX` escapes;
//! - punctuation, and `//` comments, which are skipped.
//!
//! Malformed input gives an [`TokenKind::Error`] token whose message is
//! [`Lexer::error_message`]; the lexer never panics.

/// What a token is.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum TokenKind {
    /// The end of the text.
    Eof,
    /// Malformed input; see [`Lexer::error_message`].
    Error,
    /// `foo`, `i32`, `tensor`, `x4xf32` ...
    BareIdent,
    /// `@name`, `@"quoted name"`.
    AtIdent,
    /// `%name`, `%0`.
    PercentIdent,
    /// `^bb0`.
    CaretIdent,
    /// `#alias`, `#dialect.attr`, `#1` (a result number).
    HashIdent,
    /// `!alias`, `!dialect.type`.
    BangIdent,
    /// `42`, `0x2A`.
    Integer,
    /// `1.5`, `1.`, `2.5e-3`.
    Float,
    /// `"text"`.
    String,
    /// `->`.
    Arrow,
    /// `:`.
    Colon,
    /// `,`.
    Comma,
    /// `...`.
    Ellipsis,
    /// `=`.
    Equal,
    /// `>`.
    Greater,
    /// `{`.
    LBrace,
    /// `(`.
    LParen,
    /// `[`.
    LSquare,
    /// `<`.
    Less,
    /// `-`.
    Minus,
    /// `+`.
    Plus,
    /// `?`.
    Question,
    /// `}`.
    RBrace,
    /// `)`.
    RParen,
    /// `]`.
    RSquare,
    /// `*`.
    Star,
    /// `|`.
    VerticalBar,
    /// `{-#`: the start of a file metadata block.
    FileMetadataBegin,
    /// `#-}`: the end of a file metadata block.
    FileMetadataEnd,
}

impl TokenKind {
    /// The fixed spelling of a punctuation token, for messages.
    pub fn punct_spelling(self) -> Option<&'static str> {
        Some(match self {
            TokenKind::Arrow => "->",
            TokenKind::Colon => ":",
            TokenKind::Comma => ",",
            TokenKind::Ellipsis => "...",
            TokenKind::Equal => "=",
            TokenKind::Greater => ">",
            TokenKind::LBrace => "{",
            TokenKind::LParen => "(",
            TokenKind::LSquare => "[",
            TokenKind::Less => "<",
            TokenKind::Minus => "-",
            TokenKind::Plus => "+",
            TokenKind::Question => "?",
            TokenKind::RBrace => "}",
            TokenKind::RParen => ")",
            TokenKind::RSquare => "]",
            TokenKind::Star => "*",
            TokenKind::VerticalBar => "|",
            TokenKind::FileMetadataBegin => "{-#",
            TokenKind::FileMetadataEnd => "#-}",
            _ => return None,
        })
    }
}

/// A token: its kind and its byte range in the text.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Byte offset of its first character.
    pub start: u32,
    /// Byte offset just past its last character.
    pub end: u32,
}

impl Token {
    /// The token's text.
    pub fn spelling<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// Whether `c` may continue a bare identifier.
fn is_bare_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.')
}

/// Whether `c` may continue a prefixed identifier's name (`%a-b.c$`).
fn is_suffix_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.' | b'-')
}

/// Whether `s` is a bare identifier, so it can be printed without quotes.
pub fn is_bare_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            b[1..].iter().all(|&c| is_bare_continue(c))
        }
        _ => false,
    }
}

/// A cursor over the text that produces tokens on demand.
pub struct Lexer<'a> {
    text: &'a [u8],
    pos: usize,
    error: &'static str,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    ///
    /// Offsets are `u32`; text past 4 GiB is treated as absent.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let bytes = &bytes[..bytes.len().min(u32::MAX as usize - 1)];
        Lexer {
            text: bytes,
            pos: 0,
            error: "",
        }
    }

    /// The byte offset of the next character to read.
    pub fn pos(&self) -> u32 {
        self.pos as u32
    }

    /// Moves the cursor to byte offset `pos` (clamped to the text).
    pub fn reset(&mut self, pos: u32) {
        self.pos = (pos as usize).min(self.text.len());
    }

    /// The message of the last [`TokenKind::Error`] token.
    pub fn error_message(&self) -> &'static str {
        self.error
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.text.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn token(&self, kind: TokenKind, start: usize) -> Token {
        Token {
            kind,
            start: start as u32,
            end: self.pos as u32,
        }
    }

    fn error(&mut self, start: usize, msg: &'static str) -> Token {
        self.error = msg;
        if self.pos <= start {
            self.pos = (start + 1).min(self.text.len());
        }
        self.token(TokenKind::Error, start)
    }

    /// Skips whitespace and `//` comments.
    fn skip_trivia(&mut self) {
        loop {
            match self.peek(0) {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.peek(1) == b'/' => {
                    while self.pos < self.text.len() && self.text[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Lexes the next token.
    pub fn next_token(&mut self) -> Token {
        use TokenKind as K;
        self.skip_trivia();
        let start = self.pos;
        if start >= self.text.len() {
            return self.token(K::Eof, start);
        }
        let c = self.text[start];
        self.pos += 1;
        let punct = |lx: &mut Self, k| lx.token(k, start);
        match c {
            b'(' => punct(self, K::LParen),
            b')' => punct(self, K::RParen),
            b'[' => punct(self, K::LSquare),
            b']' => punct(self, K::RSquare),
            b'}' => punct(self, K::RBrace),
            b'<' => punct(self, K::Less),
            b'>' => punct(self, K::Greater),
            b':' => punct(self, K::Colon),
            b',' => punct(self, K::Comma),
            b'=' => punct(self, K::Equal),
            b'+' => punct(self, K::Plus),
            b'*' => punct(self, K::Star),
            b'?' => punct(self, K::Question),
            b'|' => punct(self, K::VerticalBar),
            b'{' => {
                if self.peek(0) == b'-' && self.peek(1) == b'#' {
                    self.pos += 2;
                    return self.token(K::FileMetadataBegin, start);
                }
                punct(self, K::LBrace)
            }
            b'-' => {
                if self.peek(0) == b'>' {
                    self.pos += 1;
                    return self.token(K::Arrow, start);
                }
                punct(self, K::Minus)
            }
            b'.' => {
                if self.peek(0) == b'.' && self.peek(1) == b'.' {
                    self.pos += 2;
                    return self.token(K::Ellipsis, start);
                }
                self.error(start, "unexpected character '.'")
            }
            b'"' => self.lex_string(start),
            b'@' => {
                if self.peek(0) == b'"' {
                    self.pos += 1;
                    let s = self.lex_string(start);
                    if s.kind == K::Error {
                        return s;
                    }
                    return self.token(K::AtIdent, start);
                }
                if self.lex_suffix_id(true) {
                    self.token(K::AtIdent, start)
                } else {
                    self.error(start, "expected a symbol name after '@'")
                }
            }
            b'%' => {
                if self.lex_suffix_id(false) {
                    self.token(K::PercentIdent, start)
                } else {
                    self.error(start, "expected a value name after '%'")
                }
            }
            b'^' => {
                if self.lex_suffix_id(false) {
                    self.token(K::CaretIdent, start)
                } else {
                    self.error(start, "expected a block name after '^'")
                }
            }
            b'#' => {
                if self.peek(0) == b'-' && self.peek(1) == b'}' {
                    self.pos += 2;
                    return self.token(K::FileMetadataEnd, start);
                }
                if self.lex_suffix_id(false) {
                    self.token(K::HashIdent, start)
                } else {
                    self.error(start, "expected an attribute name after '#'")
                }
            }
            b'!' => {
                if self.lex_suffix_id(false) {
                    self.token(K::BangIdent, start)
                } else {
                    self.error(start, "expected a type name after '!'")
                }
            }
            b'0'..=b'9' => self.lex_number(start),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while is_bare_continue(self.peek(0)) {
                    self.pos += 1;
                }
                self.token(K::BareIdent, start)
            }
            _ => {
                // Step over a whole UTF-8 character so the error token ends
                // on a character boundary.
                while self.pos < self.text.len() && (self.text[self.pos] & 0xC0) == 0x80 {
                    self.pos += 1;
                }
                self.error(start, "unexpected character")
            }
        }
    }

    /// Lexes the name after `@`, `%`, `^`, `#` or `!`; returns whether one was there.
    fn lex_suffix_id(&mut self, bare_only: bool) -> bool {
        let c = self.peek(0);
        if c.is_ascii_digit() && !bare_only {
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
            return true;
        }
        if c.is_ascii_alphabetic() || matches!(c, b'_' | b'$' | b'.') || (c == b'-' && !bare_only) {
            self.pos += 1;
            let cont: fn(u8) -> bool = if bare_only {
                is_bare_continue
            } else {
                is_suffix_continue
            };
            while cont(self.peek(0)) {
                self.pos += 1;
            }
            return true;
        }
        false
    }

    fn lex_number(&mut self, start: usize) -> Token {
        let first = self.text[start];
        if first == b'0' && self.peek(0) == b'x' && self.peek(1).is_ascii_hexdigit() {
            self.pos += 1;
            while self.peek(0).is_ascii_hexdigit() {
                self.pos += 1;
            }
            return self.token(TokenKind::Integer, start);
        }
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        if self.peek(0) != b'.' {
            return self.token(TokenKind::Integer, start);
        }
        self.pos += 1;
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        if matches!(self.peek(0), b'e' | b'E') {
            let sign = matches!(self.peek(1), b'+' | b'-') as usize;
            if self.peek(1 + sign).is_ascii_digit() {
                self.pos += 1 + sign;
                while self.peek(0).is_ascii_digit() {
                    self.pos += 1;
                }
            }
        }
        self.token(TokenKind::Float, start)
    }

    /// Lexes a string whose opening quote is already consumed.
    fn lex_string(&mut self, start: usize) -> Token {
        loop {
            match self.peek(0) {
                b'"' => {
                    self.pos += 1;
                    return self.token(TokenKind::String, start);
                }
                0 if self.pos >= self.text.len() => {
                    return self.error(start, "expected '\"' in string literal");
                }
                b'\n' | b'\r' => {
                    return self.error(start, "expected '\"' in string literal");
                }
                b'\\' => {
                    let e = self.peek(1);
                    if matches!(e, b'"' | b'\\' | b'n' | b't') {
                        self.pos += 2;
                    } else if e.is_ascii_hexdigit() && self.peek(2).is_ascii_hexdigit() {
                        self.pos += 3;
                    } else {
                        self.pos += 1;
                        return self.error(start, "unknown escape in string literal");
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Scans a balanced `<...>` dialect body starting at the `<` at offset
    /// `start`, tracking `<>`, `()`, `[]`, `{}` nesting and skipping string
    /// literals; `->` and `>=` are not brackets. Returns the offset just past the
    /// closing `>`, and leaves the cursor there.
    pub fn scan_balanced(&mut self, start: u32) -> Result<u32, &'static str> {
        let mut stack: Vec<u8> = Vec::new();
        let mut i = start as usize;
        while i < self.text.len() {
            let c = self.text[i];
            match c {
                b'<' | b'(' | b'[' | b'{' => stack.push(c),
                // `->` and `>=` (in affine sets) are operators, not brackets.
                b'-' if self.text.get(i + 1) == Some(&b'>') => i += 1,
                b'>' if self.text.get(i + 1) == Some(&b'=') => i += 1,
                b'>' | b')' | b']' | b'}' => {
                    let open = match c {
                        b'>' => b'<',
                        b')' => b'(',
                        b']' => b'[',
                        _ => b'{',
                    };
                    if stack.pop() != Some(open) {
                        return Err("unbalanced brackets in dialect body");
                    }
                    if stack.is_empty() {
                        self.pos = i + 1;
                        return Ok((i + 1) as u32);
                    }
                }
                b'"' => {
                    i += 1;
                    while i < self.text.len() && self.text[i] != b'"' {
                        if self.text[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Err("unbalanced '<' in dialect body")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokenKind, &str)> {
        let mut lx = Lexer::new(s);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            if t.kind == TokenKind::Eof {
                return out;
            }
            out.push((t.kind, t.spelling(s)));
        }
    }

    #[test]
    fn lexes_an_op() {
        use TokenKind as K;
        let toks = kinds("%0:2 = \"d.op\"(%a#1) {x = -1.5e3} : (f32) -> i32 // c\n^bb0");
        assert_eq!(
            toks,
            vec![
                (K::PercentIdent, "%0"),
                (K::Colon, ":"),
                (K::Integer, "2"),
                (K::Equal, "="),
                (K::String, "\"d.op\""),
                (K::LParen, "("),
                (K::PercentIdent, "%a"),
                (K::HashIdent, "#1"),
                (K::RParen, ")"),
                (K::LBrace, "{"),
                (K::BareIdent, "x"),
                (K::Equal, "="),
                (K::Minus, "-"),
                (K::Float, "1.5e3"),
                (K::RBrace, "}"),
                (K::Colon, ":"),
                (K::LParen, "("),
                (K::BareIdent, "f32"),
                (K::RParen, ")"),
                (K::Arrow, "->"),
                (K::BareIdent, "i32"),
                (K::CaretIdent, "^bb0"),
            ]
        );
    }

    #[test]
    fn numbers_and_errors() {
        use TokenKind as K;
        assert_eq!(
            kinds("0x1F 0xg 1."),
            vec![
                (K::Integer, "0x1F"),
                (K::Integer, "0"),
                (K::BareIdent, "xg"),
                (K::Float, "1.")
            ]
        );
        let mut lx = Lexer::new("\"abc");
        assert_eq!(lx.next_token().kind, K::Error);
        let mut lx = Lexer::new("é");
        let t = lx.next_token();
        assert_eq!((t.kind, t.end), (K::Error, 2));
    }

    #[test]
    fn balanced_bodies() {
        let s = "<a<b>\">\"(->)>x";
        let mut lx = Lexer::new(s);
        assert_eq!(lx.scan_balanced(0), Ok(13));
        let mut lx = Lexer::new("<(>");
        assert!(lx.scan_balanced(0).is_err());
    }
}
