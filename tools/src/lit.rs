//! A lit-style test runner for `*.mlir` files, like LLVM's `lit`.
//!
//! A test file carries its own instructions in comments:
//!
//! ```text
//! // RUN: tensor-opt %s --canonicalize | FileCheck %s
//! // RUN: tensor-opt %s --cse \
//! // RUN:   | FileCheck %s --check-prefix=CSE
//! // REQUIRES: mlir-opt
//! // XFAIL: *
//! ```
//!
//! - `// RUN: CMD`: each RUN line is one shell command, run in order with
//!   `bash -o pipefail -c CMD` in a fresh temporary directory (also the working
//!   directory). A line ending in `\` continues onto the next line, which must be
//!   a RUN line too; the pieces are joined with a space. A file passes when every
//!   RUN line exits 0; the first failing line stops the file.
//! - Substitutions in RUN lines: `%s` the file's absolute path, `%S` its
//!   directory, `%t` a temporary path unique to the file (`%T/<name>.tmp`, not
//!   created), `%T` the file's temporary directory (exists), `%%` a literal `%`.
//!   Other `%` sequences are left as they are. Substituted paths are not quoted.
//! - `// REQUIRES: a, b`: the file is skipped, with the reason, unless every
//!   named feature is available. Built in: `filecheck` (LLVM's `FileCheck` was
//!   found) and `mlir-opt` (`mlir-opt-19` is on the search path); more come from
//!   [`LitConfig::features`]. Unknown features are unavailable.
//! - `// XFAIL: *` (or a feature list): the file is expected to fail when `*` or
//!   any listed feature is available. A failure then counts as a pass (`XFAIL`),
//!   and a pass as a failure (`XPASS`).
//!
//! Commands find tools on `PATH` in this order: [`LitConfig::tool_dirs`] (where
//! `tensor-opt`, `tensor-run` and `tensor-lit` live), then LLVM 19's tools
//! (`FileCheck`, `not`, `count`: `/usr/lib/llvm-19/bin` when it exists, else the
//! `FileCheck-19`-style names found on `PATH`), then the inherited `PATH`.
//!
//! The runner is a library so that a crate with its own dialects and passes can
//! run its own lit tests from a `#[test]`:
//!
//! ```no_run
//! use std::path::Path;
//! use tessera_tools::lit::{LitConfig, run_all};
//!
//! // In a crate's integration test, next to a binary target `my-opt`:
//! // let exe = env!("CARGO_BIN_EXE_my-opt");
//! let exe = Path::new("target/debug/my-opt");
//! let cfg = LitConfig {
//!     tool_dirs: vec![exe.parent().unwrap().to_path_buf()],
//!     ..LitConfig::default()
//! };
//! let summary = run_all(&cfg, &["tests/lit"]);
//! for failure in summary.failures() {
//!     eprintln!("{failure}");
//! }
//! assert_eq!(summary.failed(), 0, "{}", summary.summary_line());
//! ```

use std::collections::{BTreeSet, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The directory where Debian's LLVM 19 packages put the unversioned tools.
const LLVM_BIN_DIR: &str = "/usr/lib/llvm-19/bin";

/// LLVM test tools that RUN lines may use, by their unversioned names.
const LLVM_TOOLS: [&str; 3] = ["FileCheck", "not", "count"];

/// Lines of captured output shown at the head and tail of an abbreviated stream.
const HEAD_LINES: usize = 30;
const TAIL_LINES: usize = 10;
/// Longest line shown in abbreviated output, in characters.
const MAX_LINE_CHARS: usize = 400;

/// How to run lit tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LitConfig {
    /// Directories holding our tools (`tensor-opt`, `tensor-run`, `tensor-lit`),
    /// searched first, in order, ahead of LLVM's tools and the inherited `PATH`.
    pub tool_dirs: Vec<PathBuf>,
    /// Run only the files whose path contains this substring.
    pub filter: Option<String>,
    /// How many files to run at once (0 is taken as 1).
    pub jobs: usize,
    /// Whether reports should show full output of failing commands instead of
    /// an abbreviation (`tensor-lit -v`; pass it on to [`LitResult::report`]).
    pub verbose: bool,
    /// Extra features that `REQUIRES:` and `XFAIL:` lines may name, besides the
    /// built-in `filecheck` and `mlir-opt`.
    pub features: Vec<String>,
    /// How long one `RUN:` line may take before it is killed and the file
    /// fails (`None`: no limit), so a hanging tool cannot stall a test run.
    pub timeout: Option<std::time::Duration>,
}

impl Default for LitConfig {
    /// No tool directories, no filter, one job per available core, terse.
    fn default() -> Self {
        LitConfig {
            tool_dirs: Vec::new(),
            filter: None,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            verbose: false,
            features: Vec::new(),
            timeout: Some(std::time::Duration::from_secs(300)),
        }
    }
}

/// A malformed directive in a test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number of the offending line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One command from a test file, with continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLine {
    /// 1-based line number of the command's first `RUN:` line.
    pub line: usize,
    /// The command before substitution.
    pub command: String,
}

/// The directives of one test file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestScript {
    /// The `RUN:` commands, in file order.
    pub run_lines: Vec<RunLine>,
    /// Features named by `REQUIRES:` lines.
    pub requires: Vec<String>,
    /// Entries of `XFAIL:` lines (`*` or feature names).
    pub xfail: Vec<String>,
}

/// A directive keyword recognised at the start of a `//` comment line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Run,
    Requires,
    Xfail,
}

/// Splits `line` into a directive and its text when it is `// KEYWORD: text`.
fn directive(line: &str) -> Option<(Directive, &str)> {
    let comment = line.trim_start().strip_prefix("//")?.trim_start();
    let keywords = [
        ("RUN:", Directive::Run),
        ("REQUIRES:", Directive::Requires),
        ("XFAIL:", Directive::Xfail),
    ];
    keywords
        .into_iter()
        .find_map(|(kw, d)| comment.strip_prefix(kw).map(|rest| (d, rest.trim())))
}

/// Splits a comma-separated list of features; an empty list is an error.
fn feature_list(text: &str, line: usize, keyword: &str) -> Result<Vec<String>, ParseError> {
    let items: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() {
        return Err(ParseError {
            line,
            message: format!("{keyword} names no feature"),
        });
    }
    Ok(items)
}

/// Parses every directive (`RUN:`, `REQUIRES:`, `XFAIL:`) of a test file.
///
/// Errors: a `RUN:` line ending in `\` that is not followed by another `RUN:`
/// line, an empty `RUN:` command, or a `REQUIRES:`/`XFAIL:` with no entry.
pub fn parse_script(text: &str) -> Result<TestScript, ParseError> {
    let mut script = TestScript::default();
    // A command whose last line ended in `\`: (first line, text so far, last line).
    let mut pending: Option<(usize, String, usize)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let parsed = directive(line);
        if let Some((_, _, last)) = &pending
            && !matches!(parsed, Some((Directive::Run, _)))
        {
            return Err(ParseError {
                line: number,
                message: format!("expected a RUN: line to continue the `\\` at line {last}"),
            });
        }
        let Some((kind, rest)) = parsed else { continue };
        match kind {
            Directive::Requires => script
                .requires
                .extend(feature_list(rest, number, "REQUIRES:")?),
            Directive::Xfail => script.xfail.extend(feature_list(rest, number, "XFAIL:")?),
            Directive::Run => {
                let (first, mut command) = match pending.take() {
                    Some((first, text, _)) => (first, text),
                    None => (number, String::new()),
                };
                let (piece, continues) = match rest.strip_suffix('\\') {
                    Some(piece) => (piece.trim_end(), true),
                    None => (rest, false),
                };
                if !piece.is_empty() {
                    if !command.is_empty() {
                        command.push(' ');
                    }
                    command.push_str(piece);
                }
                if continues {
                    pending = Some((first, command, number));
                } else if command.is_empty() {
                    return Err(ParseError {
                        line: first,
                        message: "empty RUN: command".to_owned(),
                    });
                } else {
                    script.run_lines.push(RunLine {
                        line: first,
                        command,
                    });
                }
            }
        }
    }
    if let Some((_, _, last)) = pending {
        return Err(ParseError {
            line: last,
            message: "RUN: line ends with `\\` but no RUN: line follows".to_owned(),
        });
    }
    Ok(script)
}

/// Parses the `RUN:` commands of a test file, continuation lines joined, in order.
///
/// Errors as for [`parse_script`].
pub fn parse_run_lines(text: &str) -> Result<Vec<String>, ParseError> {
    Ok(parse_script(text)?
        .run_lines
        .into_iter()
        .map(|r| r.command)
        .collect())
}

/// The values that `%s`, `%S`, `%t` and `%T` stand for in one test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitutions {
    /// `%s`: the test file's path.
    pub source: PathBuf,
    /// `%S`: the test file's directory.
    pub source_dir: PathBuf,
    /// `%t`: a temporary path unique to the file.
    pub temp: PathBuf,
    /// `%T`: the directory of `%t`.
    pub temp_dir: PathBuf,
}

/// Replaces `%s`, `%S`, `%t`, `%T` and `%%` in `command`, left to right, so that
/// `%%s` becomes a literal `%s`. Other `%` sequences are kept as written.
pub fn substitute(command: &str, subs: &Substitutions) -> String {
    let mut out = String::with_capacity(command.len());
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let value = match chars.peek() {
            Some('s') => Some(subs.source.to_string_lossy()),
            Some('S') => Some(subs.source_dir.to_string_lossy()),
            Some('t') => Some(subs.temp.to_string_lossy()),
            Some('T') => Some(subs.temp_dir.to_string_lossy()),
            Some('%') => Some("%".into()),
            _ => None,
        };
        match value {
            Some(v) => {
                chars.next();
                out.push_str(&v);
            }
            None => out.push('%'),
        }
    }
    out
}

/// Finds test files: each path that is a directory is searched recursively for
/// `*.mlir` files (skipping entries whose name starts with `.`); any other path
/// is taken as a test file as given, so a missing file is reported as a failure
/// when run. A directory that cannot be listed is returned as if it were a test
/// file, so that it too is reported as a failure. The result is sorted and
/// has no duplicates.
pub fn discover<P: AsRef<Path>>(paths: &[P]) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    let mut visited = HashSet::new();
    for path in paths {
        let path = path.as_ref();
        if path.is_dir() {
            walk(path, &mut found, &mut visited);
        } else {
            found.insert(path.to_path_buf());
        }
    }
    found.into_iter().collect()
}

/// Collects `*.mlir` files below `dir`; `visited` stops symlink cycles.
fn walk(dir: &Path, found: &mut BTreeSet<PathBuf>, visited: &mut HashSet<PathBuf>) {
    if let Ok(canonical) = fs::canonicalize(dir)
        && !visited.insert(canonical)
    {
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) => {
            found.insert(dir.to_path_buf());
            return;
        }
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found, visited);
        } else if path.extension().is_some_and(|e| e == "mlir") {
            found.insert(path);
        }
    }
}

/// A RUN command that did not exit 0.
#[derive(Debug, Clone)]
pub struct CommandFailure {
    /// 1-based line of the command's first `RUN:` line.
    pub line: usize,
    /// The command as run, after substitution.
    pub command: String,
    /// How it ended.
    pub status: ExitStatus,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

/// Why a test file failed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The file could not be read.
    Unreadable(String),
    /// A directive in the file is malformed.
    BadDirective(ParseError),
    /// The file has no `RUN:` line, so it would test nothing.
    NoRunLines,
    /// Setting up the run failed (temporary directory, starting `bash`).
    Setup(String),
    /// A RUN command exited non-zero.
    Command(CommandFailure),
    /// The file is marked `XFAIL` but every RUN line passed.
    UnexpectedPass,
}

/// What became of one test file.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Every RUN line exited 0.
    Pass,
    /// Marked `XFAIL` and failed, as expected; counts as passed.
    ExpectedFail(Box<Failure>),
    /// The file failed; see [`Failure`].
    Fail(Box<Failure>),
    /// Not run; the reason says which required feature is missing.
    Skipped(String),
}

/// The result of running one test file.
#[derive(Debug, Clone)]
pub struct LitResult {
    /// The file, as discovered.
    pub path: PathBuf,
    /// What became of it.
    pub outcome: Outcome,
    /// Wall-clock time spent on it.
    pub elapsed: Duration,
}

impl LitResult {
    /// Whether this result counts as a failure.
    pub fn is_failure(&self) -> bool {
        matches!(self.outcome, Outcome::Fail(_))
    }

    /// The status word lit uses: `PASS`, `FAIL`, `XFAIL`, `XPASS` or `SKIPPED`.
    pub fn status(&self) -> &'static str {
        match &self.outcome {
            Outcome::Pass => "PASS",
            Outcome::ExpectedFail(_) => "XFAIL",
            Outcome::Fail(f) if matches!(**f, Failure::UnexpectedPass) => "XPASS",
            Outcome::Fail(_) => "FAIL",
            Outcome::Skipped(_) => "SKIPPED",
        }
    }

    /// A report like lit's: `STATUS: path`, then for a failure what failed,
    /// indented. Captured output is abbreviated unless `verbose`.
    pub fn report(&self, verbose: bool) -> String {
        let mut out = format!("{}: {}", self.status(), self.path.display());
        if let Outcome::Skipped(reason) = &self.outcome {
            out.push_str(&format!(" ({reason})"));
        }
        if verbose {
            out.push_str(&format!(" [{:.2}s]", self.elapsed.as_secs_f64()));
        }
        if let Outcome::Fail(failure) = &self.outcome {
            out.push('\n');
            out.push_str(&failure_details(failure, verbose));
        }
        out
    }
}

impl fmt::Display for LitResult {
    /// The abbreviated [`LitResult::report`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report(false))
    }
}

/// The indented explanation of a failure, without a trailing newline.
fn failure_details(failure: &Failure, verbose: bool) -> String {
    match failure {
        Failure::Unreadable(why) => format!("  cannot read test file: {why}"),
        Failure::BadDirective(err) => format!("  bad directive at {err}"),
        Failure::NoRunLines => "  the file has no `// RUN:` line".to_owned(),
        Failure::Setup(why) => format!("  could not run the test: {why}"),
        Failure::UnexpectedPass => {
            "  marked XFAIL, but every RUN line exited 0 (unexpected pass)".to_owned()
        }
        Failure::Command(c) => {
            let mut out = format!(
                "  command (RUN at line {}): {}\n  {}",
                c.line,
                c.command,
                describe_status(&c.status)
            );
            for (name, text) in [("stdout", &c.stdout), ("stderr", &c.stderr)] {
                if text.trim().is_empty() {
                    continue;
                }
                out.push_str(&format!("\n  --- {name} ---\n"));
                out.push_str(&indent(&abbreviate(text, verbose)));
            }
            out
        }
    }
}

/// `exit code: N`, or the signal that ended the process.
fn describe_status(status: &ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code: {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    format!("ended with {status}")
}

/// Keeps the head and tail of long output (and cuts very long lines), unless `verbose`.
fn abbreviate(text: &str, verbose: bool) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if verbose {
        return lines.join("\n");
    }
    let cut = |line: &&str| -> String {
        match line.char_indices().nth(MAX_LINE_CHARS) {
            Some((at, _)) => format!("{} [... line cut]", &line[..at]),
            None => (*line).to_owned(),
        }
    };
    if lines.len() <= HEAD_LINES + TAIL_LINES {
        return lines.iter().map(cut).collect::<Vec<_>>().join("\n");
    }
    let omitted = lines.len() - HEAD_LINES - TAIL_LINES;
    let mut kept: Vec<String> = lines[..HEAD_LINES].iter().map(cut).collect();
    kept.push(format!(
        "[... {omitted} lines omitted; rerun with -v for everything ...]"
    ));
    kept.extend(lines[lines.len() - TAIL_LINES..].iter().map(cut));
    kept.join("\n")
}

/// Indents every line by four spaces.
fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The results of a run, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct LitSummary {
    /// One result per test file, sorted by path.
    pub results: Vec<LitResult>,
}

impl LitSummary {
    /// Files that passed, counting expected failures (`XFAIL`).
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Pass | Outcome::ExpectedFail(_)))
            .count()
    }

    /// Files that failed, counting unexpected passes (`XPASS`).
    pub fn failed(&self) -> usize {
        self.failures().count()
    }

    /// Files skipped for a missing feature.
    pub fn skipped(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skipped(_)))
            .count()
    }

    /// The failed results, in path order.
    pub fn failures(&self) -> impl Iterator<Item = &LitResult> {
        self.results.iter().filter(|r| r.is_failure())
    }

    /// Whether nothing failed.
    pub fn success(&self) -> bool {
        self.failed() == 0
    }

    /// The closing line: `N passed, N failed`, plus `, N skipped` when any was.
    pub fn summary_line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            line.push_str(&format!(", {} skipped", self.skipped()));
        }
        line
    }
}

/// What the runner works out once per run: the search path and features.
struct Environment {
    /// The `PATH` given to every command.
    path_var: OsString,
    /// Available feature names.
    features: BTreeSet<String>,
    /// The per-command time limit.
    timeout: Option<std::time::Duration>,
    /// Why built-in features are missing, by feature name.
    missing_why: Vec<(&'static str, String)>,
    /// Holds links `FileCheck -> FileCheck-19` when no unversioned LLVM
    /// directory exists; kept alive for the run.
    _shim: Option<tempfile::TempDir>,
}

impl Environment {
    fn new(cfg: &LitConfig) -> Environment {
        let inherited: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let mut dirs: Vec<PathBuf> = cfg
            .tool_dirs
            .iter()
            .map(|d| std::path::absolute(d).unwrap_or_else(|_| d.clone()))
            .collect();
        let mut shim = None;
        let llvm = Path::new(LLVM_BIN_DIR);
        if is_executable(&llvm.join("FileCheck")) {
            dirs.push(llvm.to_path_buf());
        } else if let Some(dir) = make_shim(&inherited) {
            dirs.push(dir.path().to_path_buf());
            shim = Some(dir);
        }
        dirs.extend(inherited);
        // A directory whose name contains the separator cannot go on PATH.
        dirs.retain(|d| std::env::join_paths([d]).is_ok());
        let path_var = std::env::join_paths(&dirs).unwrap_or_default();

        let mut features: BTreeSet<String> = cfg.features.iter().cloned().collect();
        let mut missing_why = Vec::new();
        if find_in(&dirs, "FileCheck").is_some() {
            features.insert("filecheck".to_owned());
        } else {
            missing_why.push((
                "filecheck",
                format!("FileCheck not found in {LLVM_BIN_DIR} nor as FileCheck-19 on PATH"),
            ));
        }
        if find_in(&dirs, "mlir-opt-19").is_some() {
            features.insert("mlir-opt".to_owned());
        } else {
            missing_why.push(("mlir-opt", "mlir-opt-19 not found on PATH".to_owned()));
        }
        Environment {
            path_var,
            features,
            timeout: cfg.timeout,
            missing_why,
            _shim: shim,
        }
    }

    /// Why `feature` is unavailable, for a skip message.
    fn why_missing(&self, feature: &str) -> String {
        match self.missing_why.iter().find(|(name, _)| *name == feature) {
            Some((_, why)) => format!("requires {feature}: {why}"),
            None => format!("requires {feature}: unknown feature"),
        }
    }
}

/// Links the unversioned names of LLVM's test tools to their `-19` names
/// found on `PATH`, in a temporary directory; `None` when `FileCheck-19` is absent.
fn make_shim(path: &[PathBuf]) -> Option<tempfile::TempDir> {
    find_in(path, "FileCheck-19")?;
    let dir = tempfile::Builder::new()
        .prefix("tensor-lit-llvm-")
        .tempdir()
        .ok()?;
    for tool in LLVM_TOOLS {
        if let Some(target) = find_in(path, &format!("{tool}-19")) {
            link(&target, &dir.path().join(tool)).ok()?;
        }
    }
    Some(dir)
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    fs::copy(target, at).map(|_| ())
}

/// The first executable named `name` in `dirs`.
fn find_in(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter()
        .map(|d| d.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Runs one test file: reads its directives, checks `REQUIRES:`, and runs its
/// RUN lines in order. Never panics; every problem becomes a [`Failure`].
pub fn run_file(cfg: &LitConfig, path: &Path) -> LitResult {
    run_file_in(&Environment::new(cfg), path)
}

fn run_file_in(env: &Environment, path: &Path) -> LitResult {
    let start = Instant::now();
    let outcome = outcome_of(env, path);
    LitResult {
        path: path.to_path_buf(),
        outcome,
        elapsed: start.elapsed(),
    }
}

fn outcome_of(env: &Environment, path: &Path) -> Outcome {
    let fail = |f: Failure| Outcome::Fail(Box::new(f));
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => return fail(Failure::Unreadable(err.to_string())),
    };
    let script = match parse_script(&text) {
        Ok(script) => script,
        Err(err) => return fail(Failure::BadDirective(err)),
    };
    let missing: Vec<String> = script
        .requires
        .iter()
        .filter(|f| !env.features.contains(*f))
        .map(|f| env.why_missing(f))
        .collect();
    if !missing.is_empty() {
        return Outcome::Skipped(missing.join("; "));
    }
    if script.run_lines.is_empty() {
        return fail(Failure::NoRunLines);
    }
    let expect_fail = script
        .xfail
        .iter()
        .any(|x| x == "*" || env.features.contains(x));
    match run_commands(env, path, &script.run_lines) {
        Ok(()) if expect_fail => fail(Failure::UnexpectedPass),
        Ok(()) => Outcome::Pass,
        Err(failure) if expect_fail && matches!(failure, Failure::Command(_)) => {
            Outcome::ExpectedFail(Box::new(failure))
        }
        Err(failure) => fail(failure),
    }
}

/// Runs the commands in order in a fresh temporary directory; stops at the first failure.
fn run_commands(env: &Environment, path: &Path, run_lines: &[RunLine]) -> Result<(), Failure> {
    let temp_dir = tempfile::Builder::new()
        .prefix("tensor-lit-")
        .tempdir()
        .map_err(|e| Failure::Setup(format!("cannot create a temporary directory: {e}")))?;
    let source = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let name = source
        .file_name()
        .map_or_else(|| "test".into(), |n| n.to_string_lossy().into_owned());
    let subs = Substitutions {
        source_dir: source.parent().map(Path::to_path_buf).unwrap_or_default(),
        source: source.clone(),
        temp: temp_dir.path().join(format!("{name}.tmp")),
        temp_dir: temp_dir.path().to_path_buf(),
    };
    for run in run_lines {
        let command = substitute(&run.command, &subs);
        // coreutils' `timeout` kills the whole command (and, with -k, even a
        // child that ignores SIGTERM) and exits 124 when the limit is hit.
        let mut cmd = match env.timeout {
            Some(limit) => {
                let mut c = Command::new("timeout");
                c.args(["-k", "5", &format!("{}", limit.as_secs_f64().max(0.001))]);
                c.arg("bash");
                c
            }
            None => Command::new("bash"),
        };
        let output = cmd
            .args(["-o", "pipefail", "-c", &command])
            .current_dir(temp_dir.path())
            .env("PATH", &env.path_var)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Failure::Setup(format!("cannot start bash: {e}")))?;
        if !output.status.success() {
            let timed_out = env.timeout.is_some() && output.status.code() == Some(124);
            let command = if timed_out {
                format!(
                    "{command}\n  (killed: it ran longer than the {} s limit)",
                    env.timeout.map_or(0.0, |t| t.as_secs_f64())
                )
            } else {
                command
            };
            return Err(Failure::Command(CommandFailure {
                line: run.line,
                command,
                status: output.status,
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }));
        }
    }
    Ok(())
}

/// Discovers the test files under `paths` (see [`discover`]), keeps those
/// matching [`LitConfig::filter`], and runs them on [`LitConfig::jobs`] threads.
pub fn run_all<P: AsRef<Path>>(cfg: &LitConfig, paths: &[P]) -> LitSummary {
    run_all_with(cfg, paths, |_| {})
}

/// Like [`run_all`], calling `on_result` for each result as soon as it and all
/// results before it (in path order) are done, so output can stream in a
/// deterministic order.
pub fn run_all_with<P: AsRef<Path>>(
    cfg: &LitConfig,
    paths: &[P],
    mut on_result: impl FnMut(&LitResult),
) -> LitSummary {
    let files: Vec<PathBuf> = discover(paths)
        .into_iter()
        .filter(|p| match &cfg.filter {
            Some(needle) => p.to_string_lossy().contains(needle.as_str()),
            None => true,
        })
        .collect();
    let env = Environment::new(cfg);
    let jobs = cfg.jobs.clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<LitResult>> = vec![None; files.len()];
    let mut results = Vec::with_capacity(files.len());
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..jobs {
            let sender = sender.clone();
            let (files, env, next) = (&files, &env, &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    if sender.send((i, run_file_in(env, file))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Hand results on in path order, as soon as each prefix is complete.
        for (i, result) in receiver {
            slots[i] = Some(result);
            while let Some(Some(ready)) = slots.get_mut(results.len()).map(Option::take) {
                on_result(&ready);
                results.push(ready);
            }
        }
    });
    LitSummary { results }
}
