//! `tensor-run`: compiles an MLIR file and calls one of its functions on
//! NumPy `.npy` inputs, like `mlir-cpu-runner` for tensor programs.
//!
//! ```text
//! tensor-run FILE [--entry NAME] [--backend llvm|cranelift|interp]
//!                 [--input PATH.npy]... [--output-dir DIR]
//!                 [--pass-pipeline=...|-O0..-O3] [--bench N] [--profile] [--threads N]
//! ```
//!
//! - The entry is `--entry NAME`, else `main`, else the only public function.
//! - `--input` gives the entry's arguments in order. Every input is read and
//!   checked against the signature before anything runs; each bad one is
//!   reported with the argument's index (and name, when the IR has one),
//!   both types and the file.
//! - Results are printed as NumPy prints arrays (a `result k: TYPE` line,
//!   then the values, abbreviated past 1000 elements), or written as
//!   `DIR/k.npy` with `--output-dir DIR` (atomically; DIR is created).
//! - `--bench N`: the first call warms up, then N timed calls; prints
//!   `compile: <Z> ms` and `bench: median <X> us, min <Y> us, N runs`.
//! - `--profile`: the per-kernel table of one call goes to stderr (for the
//!   interpreter, one kernel per op).
//! - `--threads N`: worker threads for `affine.parallel` loops in compiled
//!   code; the interpreter runs on one thread.
//! - `--perf-map`: appends the compiled functions' addresses to
//!   `/tmp/perf-<pid>.map`, so `perf top` and `perf report` name each
//!   kernel of the JIT code.
//! - The default backend is llvm; `--backend interp` runs the graph-level
//!   IR the pipeline leaves on the reference interpreter.
//!
//! Exit status: 0 success, 1 the input or the run had errors (diagnostics
//! with `file:line:col` and a snippet on stderr), 2 bad command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use tessera_runtime::format::format_tensor;
use tessera_runtime::npy::{read_npy, write_npy};
use tessera_runtime::{
    Backend, CompileOptions, Engine, Function, Pipeline, Profile, RunError, Tensor,
};

/// Compile an MLIR file and run one of its functions on .npy inputs.
#[derive(Parser, Debug)]
#[command(name = "tensor-run", version)]
struct Cli {
    /// The MLIR file to run (`-` reads standard input).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The function to call. Default: `main`, or the module's only public function.
    #[arg(long, value_name = "NAME")]
    entry: Option<String>,

    /// Where to run. Default: llvm.
    #[arg(long, value_enum, value_name = "BACKEND")]
    backend: Option<BackendArg>,

    /// An argument of the entry function, as a .npy file (one per argument, in order).
    #[arg(long = "input", value_name = "PATH.npy")]
    inputs: Vec<PathBuf>,

    /// Write result k to DIR/k.npy instead of printing it (DIR is created).
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,

    /// The pass pipeline, in MLIR syntax, instead of -O2.
    #[arg(long, value_name = "PIPELINE", conflicts_with = "opt_level")]
    pass_pipeline: Option<String>,

    /// Optimization level: -O0, -O1, -O2 (default) or -O3.
    #[arg(short = 'O', value_name = "LEVEL",
          value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: Option<u8>,

    /// Time N calls after one warm-up call; print the median and minimum.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    bench: Option<u32>,

    /// Print a per-kernel time table of one call to stderr.
    #[arg(long)]
    profile: bool,

    /// Worker threads for backends that use them (the interpreter uses one).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,

    /// Write /tmp/perf-<pid>.map so `perf top`/`perf record` name each
    /// compiled kernel.
    #[arg(long)]
    perf_map: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    Llvm,
    Cranelift,
    Interp,
}

impl BackendArg {
    fn backend(self) -> Backend {
        match self {
            BackendArg::Llvm => Backend::Llvm,
            BackendArg::Cranelift => Backend::Cranelift,
            BackendArg::Interp => Backend::Interp,
        }
    }
}

/// Why the run stopped; decides the exit status.
enum Failure {
    /// A bad command line (exit 2); the message.
    Usage(String),
    /// Errors in the inputs or the run (exit 1); the text, ready to print.
    Input(String),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap exits 0 for --help/--version and 2 for usage errors.
        Err(err) => err.exit(),
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Input(text)) => {
            eprint!("{}", ensure_newline(text));
            ExitCode::from(1)
        }
    }
}

fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn error(msg: impl std::fmt::Display) -> Failure {
    Failure::Input(format!("error: {msg}\n"))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let backend = cli.backend.map_or(Backend::Llvm, BackendArg::backend);
    let pipeline = match (&cli.pass_pipeline, cli.opt_level) {
        (Some(text), _) => Pipeline::Text(text.clone()),
        (None, Some(level)) => Pipeline::O(level),
        (None, None) => Pipeline::O(2),
    };
    let options = CompileOptions {
        pipeline,
        backend,
        profile: cli.profile,
        threads: cli.threads.map_or(1, |n| n as usize),
        perf_map: cli.perf_map,
    };

    let (text, file_name) = read_source(&cli.file)?;
    let engine = Engine::new();
    let start = Instant::now();
    let module = engine
        .compile_text(&text, &file_name, &options)
        .map_err(|e| {
            if e.is_usage_error() {
                Failure::Usage(e.to_string().trim_start_matches("error: ").to_string())
            } else {
                Failure::Input(e.rendered().to_string())
            }
        })?;
    let compile_time = start.elapsed();
    if !module.warnings_text().is_empty() {
        eprint!("{}", module.warnings_text());
    }

    let function = match &cli.entry {
        Some(name) => module.function(name),
        None => module.entry_point(),
    }
    .map_err(|e| match e {
        RunError::NoEntryPoint { public } if !public.is_empty() => error(format!(
            "{}; use --entry NAME",
            RunError::NoEntryPoint { public }
        )),
        e => error(e),
    })?;
    let args = read_inputs(&function, &cli.inputs)?;

    let mut profile = Profile::new();
    let results = if cli.profile {
        function.call_profiled(&args, &mut profile)
    } else {
        function.call(&args)
    }
    .map_err(run_failure)?;
    if cli.profile {
        eprint!("{}", profile.render());
    }

    if let Some(n) = cli.bench {
        // The call above was the warm-up.
        let mut times = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let owned = args.clone();
            let start = Instant::now();
            function.call_owned(owned).map_err(run_failure)?;
            times.push(start.elapsed());
        }
        out(&format!(
            "compile: {:.3} ms\n{}\n",
            compile_time.as_secs_f64() * 1e3,
            bench_line(&mut times)
        ));
    }

    match &cli.output_dir {
        Some(dir) => write_results(dir, &results),
        None => {
            let mut text = String::new();
            for (k, t) in results.iter().enumerate() {
                text.push_str(&format!(
                    "result {k}: {}\n{}\n",
                    t.type_string(),
                    format_tensor(t)
                ));
            }
            out(&text);
            Ok(())
        }
    }
}

fn run_failure(e: RunError) -> Failure {
    match e {
        RunError::Execution { rendered, .. } => Failure::Input(rendered),
        e => error(e),
    }
}

/// `bench: median <X> us, min <Y> us, N runs` for `times` (not empty).
fn bench_line(times: &mut [Duration]) -> String {
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let n = times.len();
    let median = if n % 2 == 1 {
        us(times[n / 2])
    } else {
        (us(times[n / 2 - 1]) + us(times[n / 2])) / 2.0
    };
    format!(
        "bench: median {median:.1} us, min {:.1} us, {n} runs",
        us(times[0])
    )
}

/// The source text and the name diagnostics use for it.
fn read_source(path: &Path) -> Result<(String, String), Failure> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| error(format!("cannot read standard input: {e}")))?;
        return Ok((text, "<stdin>".to_string()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| error(format!("cannot read {}: {e}", path.display())))?;
    Ok((text, path.display().to_string()))
}

/// Reads one tensor per argument and checks each against the signature;
/// reports every problem at once.
fn read_inputs(function: &Function, paths: &[PathBuf]) -> Result<Vec<Tensor>, Failure> {
    let sig = function.signature();
    let name = function.name();
    let n = sig.inputs.len();
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let arg_label = |i: usize| match &sig.arg_names[i] {
        Some(a) => format!("argument {i} (%{a})"),
        None => format!("argument {i}"),
    };
    if paths.len() > n {
        let given = paths.len();
        return Err(error(format!(
            "too many inputs: @{name} takes {} ({sig}), but {given} --input files were given",
            plural(n, "argument"),
        )));
    }
    let mut errors = String::new();
    let mut args = Vec::with_capacity(n);
    for i in 0..n {
        let Some(path) = paths.get(i) else {
            errors.push_str(&format!(
                "error: missing input for {}: expected {} (@{name} takes {}; give one --input PATH.npy each)\n",
                arg_label(i),
                sig.inputs[i],
                plural(n, "argument")
            ));
            continue;
        };
        let t = match read_npy(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push_str(&format!(
                    "error: {}: expected {}, but the input cannot be used: {e}\n",
                    arg_label(i),
                    sig.inputs[i]
                ));
                continue;
            }
        };
        match sig.check_arg(name, i, &t) {
            Ok(()) => args.push(t),
            Err(e) => errors.push_str(&format!("error: {e} (from {})\n", path.display())),
        }
    }
    if errors.is_empty() {
        Ok(args)
    } else {
        Err(Failure::Input(errors))
    }
}

fn write_results(dir: &Path, results: &[Tensor]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        error(format!(
            "cannot create the output directory {}: {e}",
            dir.display()
        ))
    })?;
    for (k, t) in results.iter().enumerate() {
        write_npy(&dir.join(format!("{k}.npy")), t)
            .map_err(|e| error(format!("result {k}: {e}")))?;
    }
    Ok(())
}
