//! An `mlir-opt`-style driver as a library: [`opt_main`].
//!
//! A crate with its own dialects and passes gets the whole `tensor-opt`
//! command line (see `shared/spec/tools.md`) by registering them in the
//! setup closure, as with MLIR's `MlirOptMain`:
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     tessera_tools::opt_main("my-opt", |ctx, passes| {
//!         tessera_dialects::register_all(ctx);
//!         // my_dialect::register(ctx);
//!         // passes.register(my_pass_info());
//!         let _ = passes;
//!     })
//! }
//! ```
//!
//! What a run does: read FILE (or stdin), split it at `// -----` lines when
//! asked, and for each chunk parse, verify, run the pipeline and print. The
//! output is written only when every chunk succeeded (to `-o FILE`
//! atomically, or stdout); diagnostics go to stderr with source snippets.
//! Exit status: 0 success, 1 the input had errors, 2 a bad command line.

mod cli;
mod emit;
mod expected;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tessera_compiler::diag::{Diagnostic, render};
use tessera_compiler::pass::{IrPrinting, PassManager, PassRegistry, TimingReport};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, OpId};

pub use cli::OptConfig;
pub use emit::{EmitKind, Emitted, emit};
pub use expected::{Expected, parse_annotations};

/// The line that separates chunks for `--split-input-file`, and the chunks' outputs.
pub const SPLIT_MARKER: &str = "// -----";

/// Runs the driver on the process's command line; see the [module docs](self).
/// `name` is the program name used in messages and `--help`.
pub fn opt_main(name: &str, setup: impl Fn(&mut Context, &mut PassRegistry)) -> ExitCode {
    opt_main_with_args(name, std::env::args_os(), setup)
}

/// [`opt_main`] on the given arguments (the first is the program name).
pub fn opt_main_with_args(
    name: &str,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    setup: impl Fn(&mut Context, &mut PassRegistry),
) -> ExitCode {
    ExitCode::from(run(name, args, setup))
}

/// What the last panic said, recorded by our hook so it can be reported
/// as an internal error instead of a raw panic message.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn run(
    name: &str,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    setup: impl Fn(&mut Context, &mut PassRegistry),
) -> u8 {
    let start = Instant::now();
    let mut ctx = Context::new();
    let mut registry = PassRegistry::new();
    setup(&mut ctx, &mut registry);

    let (cmd, skipped) = cli::command(name, &registry);
    for s in &skipped {
        eprintln!(
            "{name}: warning: pass '{s}' has no flag of its own (its name clashes with one of {name}'s flags or is not a flag name); use --pass-pipeline"
        );
    }
    let matches = match cmd.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            // Help and version go to stdout with status 0; errors are usage errors.
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let cfg = cli::config(&matches, &registry, &skipped);

    if cfg.list_passes {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(registry.list_text().as_bytes());
        let _ = out.flush();
        return 0;
    }
    let Some(emit_kind) = EmitKind::from_name(&cfg.emit) else {
        eprintln!("{name}: error: unknown --emit kind '{}'", cfg.emit);
        return 2;
    };
    if emit_kind.is_binary() {
        let to_file = cfg.output.as_ref().is_some_and(|o| o.as_os_str() != "-");
        if !to_file {
            eprintln!(
                "{name}: error: --emit={} writes a binary file: give it with -o FILE",
                cfg.emit
            );
            return 2;
        }
        if cfg.split_input_file {
            eprintln!(
                "{name}: error: --emit={} writes one file: it cannot be combined with --split-input-file",
                cfg.emit
            );
            return 2;
        }
    }
    if let Some(out) = &cfg.output
        && out.as_os_str() != "-"
        && out.is_dir()
    {
        eprintln!("{name}: error: -o {}: is a directory", out.display());
        return 2;
    }
    ctx.allow_unregistered = cfg.allow_unregistered;
    let print_options = PrintOptions {
        generic: cfg.print_generic,
        debug_locs: cfg.debug_info,
    };
    let mut pm = match build_pipeline(&cfg, &registry, &ctx) {
        Ok(pm) => pm,
        Err(msg) => {
            eprintln!("{name}: error: {msg}");
            return 2;
        }
    };
    if cfg.dump_pipeline {
        eprintln!("{}", pm.pipeline_string());
    }
    if cfg.print_before_all
        || cfg.print_after_all
        || !cfg.print_before.is_empty()
        || !cfg.print_after.is_empty()
    {
        let mut p = IrPrinting::new(Box::new(std::io::stderr()));
        p.before_all = cfg.print_before_all;
        p.after_all = cfg.print_after_all;
        p.before = cfg.print_before.clone();
        p.after = cfg.print_after.clone();
        p.module_scope = cfg.print_module_scope;
        p.options = print_options.clone();
        pm.printing = Some(p);
    }

    let (file, text) = match read_input(cfg.input.as_deref()) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("{name}: error: {msg}");
            return 1;
        }
    };

    let chunks = if cfg.split_input_file {
        split_chunks(&text)
    } else {
        vec![(0, text.as_str())]
    };
    let mut times = Times::default();
    let mut outputs: Vec<Vec<u8>> = Vec::new();
    let mut header: Option<String> = None;
    let mut failed = false;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info.payload_as_str().unwrap_or("(no message)");
        let at = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        if let Ok(mut slot) = LAST_PANIC.lock() {
            *slot = Some(format!("{msg}{at}"));
        }
    }));
    for (line_offset, chunk) in chunks {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            process_chunk(
                &mut ctx,
                &mut pm,
                &ChunkInput {
                    file: &file,
                    full_text: &text,
                    chunk,
                    line_offset,
                },
                &print_options,
                emit_kind,
                &mut times,
            )
        }));
        let outcome = match result {
            Ok(o) => o,
            Err(_) => {
                std::panic::set_hook(previous_hook);
                let what = LAST_PANIC
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .unwrap_or_else(|| "unknown failure".to_string());
                eprintln!(
                    "{name}: internal error: {what}; this is a bug in {name}, please report it"
                );
                return 1;
            }
        };
        if cfg.verify_diagnostics {
            let (expected, errors) = parse_annotations(chunk, line_offset);
            let mut problems: Vec<Diagnostic> = errors
                .into_iter()
                .map(|(line, col, msg)| Diagnostic::error(ctx.file_loc(&file, line, col), msg))
                .collect();
            problems.extend(expected::check(&mut ctx, &file, &expected, &outcome.diags));
            if !problems.is_empty() {
                failed = true;
                eprint!("{}", render(&ctx, &problems));
            }
        } else {
            if !outcome.diags.is_empty() {
                eprint!("{}", render(&ctx, &outcome.diags));
            }
            failed |= outcome.output.is_none();
        }
        if let Some(e) = outcome.output {
            outputs.push(e.main);
            header = header.or(e.header);
        } else {
            outputs.push(Vec::new());
        }
    }
    std::panic::set_hook(previous_hook);

    if cfg.statistics {
        eprint!("{}", pm.statistics_report());
    }
    let write_start = Instant::now();
    let status = if failed {
        1
    } else {
        let joined = join_outputs(&outputs);
        let header_path = cfg.output.as_deref().map(|o| o.with_extension("h"));
        let written = write_output(cfg.output.as_deref(), &joined).and_then(|()| {
            match (&header, &header_path) {
                (Some(h), Some(p)) => write_output(Some(p), h.as_bytes()),
                _ => Ok(()),
            }
        });
        match written {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("{name}: error: cannot write the output: {e}");
                1
            }
        }
    };
    times.output += write_start.elapsed();
    if cfg.timing {
        let mut report = TimingReport::new();
        report.add(0, "parser", times.parse);
        report.add(0, "input verifier", times.verify);
        pm.timing_rows(0, &mut report);
        report.add(0, "output", times.output);
        eprint!("{}", report.render(start.elapsed()));
    }
    status
}

/// Builds the pass manager from `--pass-pipeline`, `-O` and pass flags.
fn build_pipeline(
    cfg: &OptConfig,
    registry: &PassRegistry,
    ctx: &Context,
) -> Result<PassManager, String> {
    if cfg.pipeline.is_some() && (cfg.opt_level.is_some() || !cfg.pass_flags.is_empty()) {
        return Err(
            "--pass-pipeline cannot be combined with -O or with individual pass flags".into(),
        );
    }
    let mut pm = PassManager::new("builtin.module");
    pm.verify_each = cfg.verify_each;
    if let Some(level) = &cfg.opt_level {
        let named = format!("O{level}");
        let Some(p) = registry.pipeline(&named) else {
            let valid: Vec<String> = registry
                .pipelines()
                .map(|p| format!("-{}", p.name))
                .collect();
            return Err(format!(
                "unknown optimization level -O{level}; valid levels: {}",
                valid.join(", ")
            ));
        };
        pm.add_pipeline(registry, &p.pipeline).map_err(|e| {
            format!(
                "the pipeline of -O{level} is invalid: {}",
                e.render(&p.pipeline)
            )
        })?;
    }
    if let Some(text) = &cfg.pipeline {
        pm.add_pipeline(registry, text)
            .map_err(|e| format!("invalid pass pipeline: {}", e.render(text)))?;
    }
    for (pass, options) in &cfg.pass_flags {
        pm.add(registry, pass, options)
            .map_err(|e| format!("--{pass}: {}", e.render(options)))?;
    }
    if let Some(a) = pm.unknown_anchors(ctx).first() {
        return Err(format!(
            "the pass pipeline nests passes under '{a}', which is not a registered operation"
        ));
    }
    for p in cfg.print_before.iter().chain(&cfg.print_after) {
        if registry.get(p).is_none() {
            return Err(registry.unknown_pass(p, 0).message);
        }
    }
    Ok(pm)
}

/// Reads the input file or stdin; returns its display name and text.
fn read_input(input: Option<&str>) -> Result<(String, String), String> {
    let (name, bytes) = match input {
        None | Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            ("<stdin>".to_string(), bytes)
        }
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read '{path}': {e}"))?;
            (path.to_string(), bytes)
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            Err(format!("{name}:{line}:{col}: the input is not valid UTF-8"))
        }
    }
}

/// Splits `text` at lines that are `// -----` (with any further dashes);
/// returns each chunk with the number of lines before it.
pub fn split_chunks(text: &str) -> Vec<(u32, &str)> {
    let mut chunks = Vec::new();
    let (mut start, mut start_line, mut pos) = (0usize, 0u32, 0usize);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        let is_marker = t
            .strip_prefix(SPLIT_MARKER)
            .is_some_and(|rest| rest.chars().all(|c| c == '-'));
        if is_marker {
            chunks.push((start_line, &text[start..pos]));
            start = pos + line.len();
            start_line = i as u32 + 1;
        }
        pos += line.len();
    }
    chunks.push((start_line, &text[start..]));
    chunks
}

/// The outputs of all chunks, separated by marker lines.
fn join_outputs(outputs: &[Vec<u8>]) -> Vec<u8> {
    if let [only] = outputs {
        return only.clone();
    }
    let mut out = Vec::new();
    for (i, o) in outputs.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(SPLIT_MARKER.as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(o);
        if !o.is_empty() && !o.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

/// Writes `text` to `path` atomically (a temporary file in the same
/// directory, renamed over it), or to stdout for `None` or `-`.
fn write_output(path: Option<&Path>, text: &[u8]) -> std::io::Result<()> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
        let mut out = std::io::stdout().lock();
        out.write_all(text)?;
        return out.flush();
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tensor-opt-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(text)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where the time of a run went, besides the passes.
#[derive(Default)]
struct Times {
    parse: Duration,
    verify: Duration,
    output: Duration,
}

struct ChunkInput<'a> {
    file: &'a str,
    full_text: &'a str,
    chunk: &'a str,
    line_offset: u32,
}

/// What became of one chunk: its output (`None` when it failed) and
/// every diagnostic produced on the way.
struct ChunkOutcome {
    output: Option<Emitted>,
    diags: Vec<Diagnostic>,
}

fn process_chunk(
    ctx: &mut Context,
    pm: &mut PassManager,
    input: &ChunkInput<'_>,
    print_options: &PrintOptions,
    emit_kind: EmitKind,
    times: &mut Times,
) -> ChunkOutcome {
    let failed = |diags| ChunkOutcome {
        output: None,
        diags,
    };
    let t = Instant::now();
    let config = ParseConfig {
        file_name: input.file.to_string(),
        line_offset: input.line_offset,
    };
    let parsed = parse_module(ctx, input.chunk, &config);
    // Diagnostics quote the whole file, whose line numbers they carry.
    ctx.add_source(input.file, input.full_text);
    times.parse += t.elapsed();
    let module: OpId = match parsed {
        Ok(m) => m,
        Err(diags) => return failed(diags),
    };
    let t = Instant::now();
    let verified = verify(ctx, module);
    times.verify += t.elapsed();
    if let Err(diags) = verified {
        return failed(diags);
    }
    let diags = match pm.run(ctx, module) {
        Ok(warnings) => warnings,
        Err(diags) => return failed(diags),
    };
    let t = Instant::now();
    let emitted = emit(emit_kind, ctx, module, print_options);
    times.output += t.elapsed();
    match emitted {
        Ok(e) => ChunkOutcome {
            output: Some(e),
            diags,
        },
        Err(message) => {
            let loc = ctx.op(module).loc;
            let mut diags = diags;
            diags.push(Diagnostic::error(loc, message));
            failed(diags)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_compiler::pass::{Pass, PassFailed, PassInfo, PassState};

    /// Sets `marked` on the op it runs on.
    struct Mark;
    impl Pass for Mark {
        fn run(
            &mut self,
            ctx: &mut Context,
            op: OpId,
            _: &mut PassState,
        ) -> Result<(), PassFailed> {
            let unit = ctx.unit_attr();
            ctx.set_attr(op, "marked", unit);
            Ok(())
        }
    }

    /// A buggy pass.
    struct Boom;
    impl Pass for Boom {
        fn run(&mut self, _: &mut Context, _: OpId, _: &mut PassState) -> Result<(), PassFailed> {
            panic!("boom")
        }
    }

    fn toy_pass(name: &'static str, create: tessera_compiler::pass::PassConstructor) -> PassInfo {
        PassInfo {
            name,
            summary: "a toy pass",
            description: "",
            anchor: Some("func.func"),
            options: Vec::new(),
            create,
        }
    }

    /// A user's driver: the built-in dialects plus two passes of its own.
    fn my_opt(args: &[&str]) -> u8 {
        let argv = std::iter::once("my-opt").chain(args.iter().copied());
        run("my-opt", argv, |ctx, reg| {
            tessera_dialects::register_all(ctx);
            reg.register(toy_pass("mark", |_| Ok(Box::new(Mark))));
            reg.register(toy_pass("boom", |_| Ok(Box::new(Boom))));
        })
    }

    #[test]
    fn a_custom_driver_runs_its_own_passes() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.mlir");
        std::fs::write(&input, "func.func @f() {\n  func.return\n}\n").unwrap();
        let output = dir.path().join("out.mlir");
        let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
        assert_eq!(my_opt(&[i, "--mark", "-o", o]), 0);
        let text = std::fs::read_to_string(&output).unwrap();
        assert!(text.contains("marked"), "{text}");
        assert_eq!(my_opt(&[i, "--no-such-pass"]), 2);
        assert_eq!(
            my_opt(&[i, "--pass-pipeline=builtin.module(func.func(mark,nope))"]),
            2
        );
    }

    #[test]
    fn passes_named_like_driver_flags_get_no_flag_but_still_run() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.mlir");
        std::fs::write(&input, "func.func @f() {\n  func.return\n}\n").unwrap();
        let output = dir.path().join("out.mlir");
        let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
        let driver = |args: &[&str]| {
            let argv = std::iter::once("my-opt").chain(args.iter().copied());
            run("my-opt", argv, |ctx, reg| {
                tessera_dialects::register_all(ctx);
                reg.register(toy_pass("emit", |_| Ok(Box::new(Mark))));
                reg.register(toy_pass("not a flag", |_| Ok(Box::new(Mark))));
            })
        };
        assert_eq!(driver(&[i, "--emit=mlir", "-o", o]), 0);
        assert!(!std::fs::read_to_string(&output).unwrap().contains("marked"));
        assert_eq!(
            driver(&[i, "--pass-pipeline=builtin.module(emit)", "-o", o]),
            0
        );
        assert!(std::fs::read_to_string(&output).unwrap().contains("marked"));
    }

    #[test]
    fn a_panicking_pass_is_an_internal_error_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.mlir");
        std::fs::write(&input, "func.func @f() {\n  func.return\n}\n").unwrap();
        let output = dir.path().join("out.mlir");
        let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
        assert_eq!(my_opt(&[i, "--boom", "-o", o]), 1);
        assert!(!output.exists());
        assert!(
            LAST_PANIC.lock().unwrap().is_none(),
            "the message was taken and reported"
        );
    }

    #[test]
    fn chunks_keep_their_line_offsets() {
        let text = "a\n// -----\nb\nc\n  // -----  \nd";
        assert_eq!(split_chunks(text), [(0, "a\n"), (2, "b\nc\n"), (5, "d")]);
        assert_eq!(split_chunks("x"), [(0, "x")]);
        assert_eq!(split_chunks("// -----\n"), [(0, ""), (1, "")]);
        assert_eq!(split_chunks("// ------- \ny"), [(0, ""), (1, "y")]);
        // Not a marker: other text after the dashes.
        assert_eq!(split_chunks("// ----- x\n").len(), 1);
    }

    #[test]
    fn outputs_are_joined_with_markers() {
        let outs = [b"a\n".to_vec(), Vec::new(), b"c".to_vec()];
        assert_eq!(join_outputs(&outs), b"a\n// -----\n// -----\nc\n");
        // One output (binary ones included) is written as is.
        assert_eq!(join_outputs(&[b"\x7fELF".to_vec()]), b"\x7fELF");
    }
}
