//! `--verify-diagnostics`: checks the diagnostics a run produced against
//! the `expected-*` annotations of the input, as MLIR does.
//!
//! ```text
//! %0 = "foo.bar"() : () -> i32  // expected-error {{unregistered operation}}
//! // expected-warning @+1 {{text}}     the next line
//! // expected-note @-2 {{text}}        two lines up
//! // expected-remark @above {{text}}   the closest line above with no annotation
//! // expected-error @below {{text}}    the closest line below with no annotation
//! // expected-error @unknown {{text}}  a diagnostic without a file location
//! ```
//!
//! A diagnostic matches an annotation of its severity on its line whose
//! text is a substring of its message; each annotation matches once. Notes
//! attached to a diagnostic are matched like diagnostics of their own.

use tessera_compiler::diag::{Diagnostic, Severity, file_pos};
use tessera_compiler::{Context, Location};

/// One `expected-*` annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The severity it expects.
    pub severity: Severity,
    /// The line it applies to (whole-file, from 1), or `None` for `@unknown`.
    pub line: Option<u32>,
    /// Text the message must contain.
    pub message: String,
    /// Where the annotation itself is: line and column (from 1).
    pub at: (u32, u32),
}

/// A malformed annotation: (line, column, message).
pub type AnnotationError = (u32, u32, String);

/// Finds the annotations of `text`, whose first line is line
/// `line_offset + 1` of the file.
pub fn parse_annotations(text: &str, line_offset: u32) -> (Vec<Expected>, Vec<AnnotationError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut last_plain_line = None;
    let mut waiting_for_below: Vec<Expected> = Vec::new();
    for (i, line_text) in text.lines().enumerate() {
        let line = line_offset + i as u32 + 1;
        let Some(comment) = line_text.find("//") else {
            place_below(&mut waiting_for_below, &mut found, line);
            last_plain_line = Some(line);
            continue;
        };
        let mut rest = &line_text[comment..];
        let mut any = false;
        while let Some(p) = rest.find("expected-") {
            let col = (line_text.len() - rest.len() + p) as u32 + 1;
            let after = &rest[p + "expected-".len()..];
            let Some((severity, kw_len)) = severity_keyword(after) else {
                rest = after;
                continue;
            };
            any = true;
            let mut s = &after[kw_len..];
            if s.starts_with("-re") {
                errors.push((
                    line,
                    col,
                    "expected-*-re annotations are not supported".into(),
                ));
                break;
            }
            s = s.trim_start();
            let mut target = Target::Line(line);
            if let Some(d) = s.strip_prefix('@') {
                let end = d
                    .find(|c: char| c.is_whitespace() || c == '{')
                    .unwrap_or(d.len());
                target = match parse_designator(&d[..end], line) {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push((line, col, e));
                        break;
                    }
                };
                s = d[end..].trim_start();
            }
            let Some(body) = s.strip_prefix("{{") else {
                errors.push((
                    line,
                    col,
                    "expected '{{' after the expected-* annotation".into(),
                ));
                break;
            };
            let Some(close) = body.rfind("}}") else {
                errors.push((
                    line,
                    col,
                    "missing '}}' to close the expected message".into(),
                ));
                break;
            };
            let mut e = Expected {
                severity,
                line: None,
                message: body[..close].to_string(),
                at: (line, col),
            };
            match target {
                Target::Line(l) => {
                    e.line = Some(l);
                    found.push(e);
                }
                Target::Unknown => found.push(e),
                Target::Above => match last_plain_line {
                    Some(l) => {
                        e.line = Some(l);
                        found.push(e);
                    }
                    None => errors.push((line, col, "no line above for @above".into())),
                },
                Target::Below => waiting_for_below.push(e),
            }
            // One annotation per line, as MLIR: the message runs to the last `}}`.
            break;
        }
        if !any {
            place_below(&mut waiting_for_below, &mut found, line);
            last_plain_line = Some(line);
        }
    }
    for e in waiting_for_below {
        errors.push((e.at.0, e.at.1, "no line below for @below".into()));
    }
    (found, errors)
}

fn place_below(waiting: &mut Vec<Expected>, found: &mut Vec<Expected>, line: u32) {
    for mut e in waiting.drain(..) {
        e.line = Some(line);
        found.push(e);
    }
}

enum Target {
    Line(u32),
    Above,
    Below,
    Unknown,
}

fn severity_keyword(s: &str) -> Option<(Severity, usize)> {
    [
        ("error", Severity::Error),
        ("warning", Severity::Warning),
        ("note", Severity::Note),
        ("remark", Severity::Remark),
    ]
    .into_iter()
    .find(|(kw, _)| s.starts_with(kw))
    .map(|(kw, sev)| (sev, kw.len()))
}

fn parse_designator(d: &str, line: u32) -> Result<Target, String> {
    let bad =
        || format!("invalid designator '@{d}': expected @+N, @-N, @above, @below or @unknown");
    match d {
        "above" => Ok(Target::Above),
        "below" => Ok(Target::Below),
        "unknown" => Ok(Target::Unknown),
        _ => {
            let (sign, n) = match d.split_at_checked(1) {
                Some(("+", n)) => (1i64, n),
                Some(("-", n)) => (-1i64, n),
                _ => return Err(bad()),
            };
            let n: i64 = n.parse().map_err(|_| bad())?;
            let target = line as i64 + sign * n;
            if target < 1 || target > u32::MAX as i64 {
                return Err(format!("designator '@{d}' points outside the file"));
            }
            Ok(Target::Line(target as u32))
        }
    }
}

/// Matches `diags` against `expected`; returns one error per unexpected
/// diagnostic and per annotation nothing matched. `file` is the input's
/// name, for locating annotations.
pub fn check(
    ctx: &mut Context,
    file: &str,
    expected: &[Expected],
    diags: &[Diagnostic],
) -> Vec<Diagnostic> {
    let mut matched = vec![false; expected.len()];
    let mut problems = Vec::new();
    let mut flat: Vec<&Diagnostic> = Vec::new();
    for d in diags {
        flat.push(d);
        flat.extend(d.notes.iter());
    }
    for d in flat {
        let line = file_pos(ctx, d.loc).map(|p| p.line);
        let hit = expected.iter().enumerate().position(|(i, e)| {
            !matched[i]
                && e.severity == d.severity
                && e.line == line
                && d.message.contains(&e.message)
        });
        match hit {
            Some(i) => matched[i] = true,
            None => problems.push(Diagnostic::error(
                d.loc,
                format!("unexpected {}: {}", d.severity.name(), d.message),
            )),
        }
    }
    for (e, m) in expected.iter().zip(matched) {
        if !m {
            let loc: Location = ctx.file_loc(file, e.at.0, e.at.1);
            problems.push(Diagnostic::error(
                loc,
                format!(
                    "expected {} \"{}\" was not produced",
                    e.severity.name(),
                    e.message
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, offset: u32) -> Vec<(Severity, Option<u32>, String)> {
        let (found, errors) = parse_annotations(text, offset);
        assert!(errors.is_empty(), "{errors:?}");
        found
            .into_iter()
            .map(|e| (e.severity, e.line, e.message))
            .collect()
    }

    #[test]
    fn designators() {
        let text = "\
a  // expected-error {{same line}}
// expected-warning@+2 {{two below}}
// expected-note @-1 {{one up}}
b
// expected-remark @above {{above}}
// expected-error @below {{below}}
// expected-error @below {{also below}}
c
// expected-error @unknown {{nowhere}}
";
        assert_eq!(
            lines(text, 10),
            [
                (Severity::Error, Some(11), "same line".to_string()),
                (Severity::Warning, Some(14), "two below".to_string()),
                (Severity::Note, Some(12), "one up".to_string()),
                (Severity::Remark, Some(14), "above".to_string()),
                (Severity::Error, Some(18), "below".to_string()),
                (Severity::Error, Some(18), "also below".to_string()),
                (Severity::Error, None, "nowhere".to_string()),
            ]
        );
    }

    #[test]
    fn message_runs_to_the_last_braces() {
        assert_eq!(
            lines("x // expected-error {{a {{b}} c}}", 0),
            [(Severity::Error, Some(1), "a {{b}} c".to_string())]
        );
    }

    #[test]
    fn malformed_annotations_are_errors() {
        let (_, errors) = parse_annotations(
            "// expected-error oops\n// expected-error @x {{m}}\n// expected-error @below {{m}}",
            0,
        );
        let msgs: Vec<&str> = errors.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "expected '{{' after the expected-* annotation",
                "invalid designator '@x': expected @+N, @-N, @above, @below or @unknown",
                "no line below for @below",
            ]
        );
        // Text that only mentions "expected-" is not an annotation.
        assert!(
            parse_annotations("// the expected-value is 3", 0)
                .1
                .is_empty()
        );
    }
}
