//! Diagnostics: errors, warnings and notes attached to source locations,
//! rendered with a source snippet by `codespan-reporting`.
//!
//! Producers return [`Diagnostic`] values; drivers decide whether to render
//! them (`tensor-opt`) or match them against `expected-error` annotations
//! (`--verify-diagnostics`).

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use crate::context::Context;
use crate::entity::{Location, Symbol};
use crate::location::LocData;

/// How serious a diagnostic is.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Severity {
    /// Informational, attached to another diagnostic.
    Note,
    /// A remark (e.g. an optimization report).
    Remark,
    /// Suspicious, but the input is accepted.
    Warning,
    /// The input is rejected.
    Error,
}

impl Severity {
    /// The word used in text (`error`), as MLIR prints it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Remark => "remark",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A message at a location, with attached notes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    /// Seriousness.
    pub severity: Severity,
    /// Where.
    pub loc: Location,
    /// What, in one sentence without a trailing period.
    pub message: String,
    /// Attached notes (each with [`Severity::Note`]).
    pub notes: Vec<Diagnostic>,
}

impl Diagnostic {
    /// An error at `loc`.
    pub fn error(loc: Location, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, loc, message)
    }

    /// A warning at `loc`.
    pub fn warning(loc: Location, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, loc, message)
    }

    /// A diagnostic of any severity.
    pub fn new(severity: Severity, loc: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// Attaches a note at `loc`.
    pub fn with_note(mut self, loc: Location, message: impl Into<String>) -> Self {
        self.notes.push(Self::new(Severity::Note, loc, message));
        self
    }
}

/// A location resolved to a file position.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct FilePos {
    /// The file name.
    pub file: Symbol,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

/// The file position a location points at: the first one found in a
/// name, call site (the callee) or fused location.
pub fn file_pos(ctx: &Context, loc: Location) -> Option<FilePos> {
    match ctx.loc_data(loc) {
        LocData::Unknown => None,
        LocData::FileLineCol { file, line, col } => Some(FilePos {
            file: *file,
            line: *line,
            col: *col,
        }),
        LocData::Name { child, .. } => child.and_then(|c| file_pos(ctx, c)),
        LocData::CallSite { callee, caller } => {
            file_pos(ctx, *callee).or_else(|| file_pos(ctx, *caller))
        }
        LocData::Fused { locs, .. } => locs.iter().find_map(|l| file_pos(ctx, *l)),
    }
}

/// Renders diagnostics as text with source snippets where the source is
/// known to the context ([`Context::add_source`]), and as
/// `file:line:col: error: message` lines otherwise.
pub fn render(ctx: &Context, diags: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = std::collections::HashMap::new();
    let mut out = String::new();
    let config = term::Config::default();
    for d in diags {
        let mut labels = Vec::new();
        let mut header = String::new();
        let mut add_label = |diag: &Diagnostic, primary: bool, header: &mut String| {
            let Some(pos) = file_pos(ctx, diag.loc) else {
                return false;
            };
            let name = ctx.symbol_str(pos.file);
            let Some(src) = ctx.source(pos.file) else {
                if primary {
                    header.push_str(&format!("{}:{}:{}: ", name, pos.line, pos.col));
                }
                return false;
            };
            let id = *ids
                .entry(pos.file)
                .or_insert_with(|| files.add(name.to_string(), src.to_string()));
            let range = span_at(src, pos.line, pos.col);
            let label = if primary {
                cs::Label::primary(id, range)
            } else {
                cs::Label::secondary(id, range).with_message(diag.message.clone())
            };
            labels.push(label);
            true
        };
        add_label(d, true, &mut header);
        let mut notes = Vec::new();
        for n in &d.notes {
            if !add_label(n, false, &mut header) {
                notes.push(format!("{}: {}", n.severity.name(), n.message));
            }
        }
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Remark => cs::Severity::Help,
            Severity::Note => cs::Severity::Note,
        };
        if labels.is_empty() {
            out.push_str(&format!("{header}{}: {}\n", d.severity.name(), d.message));
            for n in notes {
                out.push_str(&format!("  = {n}\n"));
            }
            continue;
        }
        let diag = cs::Diagnostic::new(severity)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        match term::emit_into_string(&config, &files, &diag) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!("{}: {}\n", d.severity.name(), d.message)),
        }
    }
    out
}

/// The byte range of the token starting at `line:col` (1-based), clamped to the text.
fn span_at(src: &str, line: u32, col: u32) -> std::ops::Range<usize> {
    let mut start = src.len();
    let mut cur_line = 1u32;
    let mut line_start = 0usize;
    if line == 1 {
        line_start = 0;
    } else {
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                cur_line += 1;
                if cur_line == line {
                    line_start = i + 1;
                    break;
                }
            }
        }
        if cur_line != line {
            return src.len()..src.len();
        }
    }
    let line_end = src[line_start..]
        .find('\n')
        .map_or(src.len(), |e| line_start + e);
    // Columns count bytes, as MLIR's do.
    let c = line_start + (col.saturating_sub(1) as usize);
    if c <= line_end {
        start = c;
    }
    while start < line_end && !src.is_char_boundary(start) {
        start += 1;
    }
    if start >= line_end {
        return line_end..line_end;
    }
    let rest = &src[start..line_end];
    let first = rest.chars().next().map_or(0, char::len_utf8);
    let len = rest
        .char_indices()
        .find(|(_, ch)| {
            ch.is_whitespace() || matches!(ch, ',' | '(' | ')' | ':' | '{' | '}' | '<' | '>')
        })
        .map_or(rest.len(), |(i, _)| i)
        .max(first);
    start..start + len
}
