//! MLIR's textual pass pipeline syntax.
//!
//! ```text
//! pipeline := element (',' element)*
//! element  := NAME '(' pipeline? ')'       a nested pipeline anchored at op NAME
//!           | NAME ('{' options '}')?      a pass, with options
//! options  := (KEY ('=' VALUE)?)*          separated by whitespace
//! VALUE    := "text" | 'text' | {text} | text up to whitespace or '}'
//! ```
//!
//! For example `builtin.module(func.func(canonicalize,cse),graph-eqsat{node-limit=20000 rules=algebra,stability})`.
//! A bare `KEY` sets a bool option to `true`; list values are written with
//! commas (`rules=a,b`). This module only parses; [`PassManager`] resolves
//! names against a [`PassRegistry`] and checks options.
//!
//! [`PassManager`]: super::PassManager
//! [`PassRegistry`]: super::PassRegistry

use std::fmt;

/// One element of a parsed pipeline.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PipelineElement {
    /// A pass with its option settings.
    Pass {
        /// The pass name as written.
        name: String,
        /// Options in the order written.
        options: Vec<OptionSetting>,
        /// Byte offset of the name in the pipeline text.
        pos: usize,
    },
    /// A nested pipeline that runs on every op named `anchor`.
    Nested {
        /// The op name (`func.func`).
        anchor: String,
        /// The nested elements.
        elements: Vec<PipelineElement>,
        /// Byte offset of the anchor in the pipeline text.
        pos: usize,
    },
}

/// One `key=value` (or bare `key`) inside a pass's braces.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OptionSetting {
    /// The option name.
    pub key: String,
    /// The value, or `None` for a bare flag.
    pub value: Option<String>,
    /// Byte offset of the key in the text it was parsed from.
    pub pos: usize,
}

/// A malformed or unresolvable pipeline.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PipelineError {
    /// Byte offset in the pipeline text the error points at.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

impl PipelineError {
    /// An error at byte `pos`.
    pub fn new(pos: usize, message: impl Into<String>) -> Self {
        PipelineError {
            pos,
            message: message.into(),
        }
    }

    /// The message followed by the pipeline text with a caret under the
    /// error position, for command-line tools.
    pub fn render(&self, text: &str) -> String {
        if text.is_empty() || text.contains('\n') {
            return self.message.clone();
        }
        let col = text
            .char_indices()
            .take_while(|(i, _)| *i < self.pos)
            .count();
        format!("{}\n  {}\n  {}^", self.message, text, " ".repeat(col))
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PipelineError {}

/// Parses a pipeline (a comma-separated list of elements; empty text is
/// the empty pipeline).
pub fn parse_pipeline(text: &str) -> Result<Vec<PipelineElement>, PipelineError> {
    let mut p = Cursor { text, pos: 0 };
    let elements = p.elements()?;
    p.skip_ws();
    match p.peek() {
        None => Ok(elements),
        Some(')') => Err(p.error("unbalanced ')' in pass pipeline")),
        Some(c) => Err(p.error(format!("expected ',' in pass pipeline, found '{c}'"))),
    }
}

/// Parses option settings as written inside a pass's braces:
/// `node-limit=100 rules=a,b verbose`. Also used for command-line pass
/// flags (`--graph-eqsat="node-limit=100"`).
pub fn parse_options(text: &str) -> Result<Vec<OptionSetting>, PipelineError> {
    let mut p = Cursor { text, pos: 0 };
    let options = p.options(None)?;
    if p.pos < text.len() {
        return Err(p.error("unbalanced '}' in pass options"));
    }
    Ok(options)
}

/// Writes `elements` back as text: the inverse of [`parse_pipeline`].
pub fn pipeline_to_string(elements: &[PipelineElement]) -> String {
    let mut out = String::new();
    for (i, e) in elements.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match e {
            PipelineElement::Pass { name, options, .. } => {
                out.push_str(name);
                let pairs: Vec<(&str, Option<&str>)> = options
                    .iter()
                    .map(|o| (o.key.as_str(), o.value.as_deref()))
                    .collect();
                out.push_str(&options_to_string(&pairs));
            }
            PipelineElement::Nested {
                anchor, elements, ..
            } => {
                out.push_str(anchor);
                out.push('(');
                out.push_str(&pipeline_to_string(elements));
                out.push(')');
            }
        }
    }
    out
}

/// `{k=v k2=v2}`, or nothing for no options; values that would not parse
/// back as one word are quoted.
pub(crate) fn options_to_string(options: &[(&str, Option<&str>)]) -> String {
    if options.is_empty() {
        return String::new();
    }
    let items: Vec<String> = options
        .iter()
        .map(|(k, v)| match v {
            None => k.to_string(),
            Some(v) if needs_quotes(v) => format!("{k}=\"{v}\""),
            Some(v) => format!("{k}={v}"),
        })
        .collect();
    format!("{{{}}}", items.join(" "))
}

fn needs_quotes(v: &str) -> bool {
    v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || matches!(c, '{' | '}' | '\'' | '"'))
}

/// Whether `c` may appear in a pass or op name.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '$')
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn error(&self, message: impl Into<String>) -> PipelineError {
        PipelineError::new(self.pos, message)
    }

    fn name(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        &self.text[start..self.pos]
    }

    /// Elements up to (not including) a `)` or the end of the text.
    fn elements(&mut self) -> Result<Vec<PipelineElement>, PipelineError> {
        let mut out = Vec::new();
        self.skip_ws();
        if matches!(self.peek(), None | Some(')')) {
            return Ok(out);
        }
        loop {
            out.push(self.element()?);
            self.skip_ws();
            if self.peek() == Some(',') {
                self.bump();
                self.skip_ws();
                continue;
            }
            return Ok(out);
        }
    }

    fn element(&mut self) -> Result<PipelineElement, PipelineError> {
        self.skip_ws();
        let pos = self.pos;
        let name = self.name().to_string();
        if name.is_empty() {
            return Err(match self.peek() {
                Some(c) => self.error(format!("expected a pass or op name, found '{c}'")),
                None => self.error("expected a pass or op name, found the end of the pipeline"),
            });
        }
        self.skip_ws();
        match self.peek() {
            Some('(') => {
                self.bump();
                let elements = self.elements()?;
                self.skip_ws();
                match self.peek() {
                    Some(')') => self.bump(),
                    Some(c) => {
                        return Err(self.error(format!(
                            "expected ',' or ')' in the pipeline of '{name}', found '{c}'"
                        )));
                    }
                    None => {
                        return Err(PipelineError::new(
                            pos,
                            format!("missing ')' to close the pipeline of '{name}'"),
                        ));
                    }
                }
                Ok(PipelineElement::Nested {
                    anchor: name,
                    elements,
                    pos,
                })
            }
            Some('{') => {
                let open = self.pos;
                self.bump();
                let options = self.options(Some(open))?;
                self.bump(); // the closing '}', checked by `options`
                self.skip_ws();
                if self.peek() == Some('(') {
                    return Err(self.error(format!(
                        "pass '{name}' cannot have a nested pipeline; only op names can"
                    )));
                }
                Ok(PipelineElement::Pass { name, options, pos })
            }
            _ => Ok(PipelineElement::Pass {
                name,
                options: Vec::new(),
                pos,
            }),
        }
    }

    /// Option settings up to a `}` (left unconsumed) or, when `open` is
    /// `None`, the end of the text.
    fn options(&mut self, open: Option<usize>) -> Result<Vec<OptionSetting>, PipelineError> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    return match open {
                        Some(open) => Err(PipelineError::new(
                            open,
                            "missing '}' to close the pass options",
                        )),
                        None => Ok(out),
                    };
                }
                Some('}') => return Ok(out),
                _ => {}
            }
            let pos = self.pos;
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|c| !c.is_whitespace() && !matches!(c, '=' | '{' | '}'))
            {
                self.bump();
            }
            let key = self.text[start..self.pos].to_string();
            if key.is_empty() {
                return Err(self.error("expected an option name"));
            }
            let value = if self.peek() == Some('=') {
                self.bump();
                Some(self.value()?)
            } else {
                None
            };
            out.push(OptionSetting { key, value, pos });
        }
    }

    fn value(&mut self) -> Result<String, PipelineError> {
        let start = self.pos;
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.bump();
                let inner = self.pos;
                while self.peek().is_some_and(|c| c != q) {
                    self.bump();
                }
                if self.peek().is_none() {
                    return Err(PipelineError::new(start, format!("missing closing {q}")));
                }
                let v = self.text[inner..self.pos].to_string();
                self.bump();
                Ok(v)
            }
            Some('{') => {
                // A braced value may hold spaces and nested braces.
                self.bump();
                let inner = self.pos;
                let mut depth = 1;
                loop {
                    match self.peek() {
                        None => {
                            return Err(PipelineError::new(
                                start,
                                "missing '}' to close the option value",
                            ));
                        }
                        Some('{') => depth += 1,
                        Some('}') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.bump();
                }
                let v = self.text[inner..self.pos].to_string();
                self.bump();
                Ok(v)
            }
            _ => {
                while self.peek().is_some_and(|c| !c.is_whitespace() && c != '}') {
                    self.bump();
                }
                Ok(self.text[start..self.pos].to_string())
            }
        }
    }
}
