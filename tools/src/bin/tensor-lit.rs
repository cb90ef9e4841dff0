//! `tensor-lit`: runs lit-style `*.mlir` tests (see `tessera_tools::lit`).
//!
//! Prints `PASS: path` / `FAIL: path` (with the failing command and its output)
//! per file in path order, then the closing line `N passed, N failed`
//! (`, N skipped` when any was). Exit status: 0 when nothing failed, 1 when
//! something did, 2 for a bad command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tessera_tools::lit::{LitConfig, run_all_with};

/// Run lit-style tests: the `// RUN:` lines of `*.mlir` files.
#[derive(Parser, Debug)]
#[command(name = "tensor-lit", version)]
struct Cli {
    /// Test files, or directories searched recursively for `*.mlir` files.
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,

    /// Directory holding tensor-opt, tensor-run and tensor-lit, put first on
    /// PATH (repeatable). Default: the directory of this executable.
    #[arg(long = "tool-dir", value_name = "DIR")]
    tool_dirs: Vec<PathBuf>,

    /// Show full output of failing commands and per-file times.
    #[arg(short, long)]
    verbose: bool,

    /// Run only the files whose path contains this substring.
    #[arg(long, value_name = "SUBSTRING")]
    filter: Option<String>,

    /// Number of files to run at once. Default: the number of cores.
    #[arg(short = 'j', long = "jobs", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,

    /// Seconds one RUN line may take before it is killed and its file
    /// fails; 0 means no limit.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap exits 0 for --help/--version and 2 for usage errors.
        Err(err) => err.exit(),
    };

    let mut cfg = LitConfig {
        verbose: cli.verbose,
        filter: cli.filter,
        timeout: (cli.timeout > 0).then(|| std::time::Duration::from_secs(cli.timeout)),
        ..LitConfig::default()
    };
    if let Some(jobs) = cli.jobs {
        cfg.jobs = jobs as usize;
    }
    if cli.tool_dirs.is_empty() {
        match std::env::current_exe() {
            Ok(exe) => cfg.tool_dirs.extend(exe.parent().map(PathBuf::from)),
            Err(err) => eprintln!(
                "tensor-lit: warning: cannot locate this executable ({err}); \
                 tools are looked up on PATH only"
            ),
        }
    } else {
        for dir in &cli.tool_dirs {
            if !dir.is_dir() {
                eprintln!(
                    "tensor-lit: error: --tool-dir '{}' is not a directory",
                    dir.display()
                );
                return ExitCode::from(2);
            }
        }
        cfg.tool_dirs = cli.tool_dirs;
    }

    let stdout = std::io::stdout();
    // A closed stdout (e.g. piped into `head`) must not stop the run or panic.
    let mut out_ok = true;
    let summary = run_all_with(&cfg, &cli.paths, |result| {
        if out_ok {
            let mut out = stdout.lock();
            out_ok = writeln!(out, "{}", result.report(cfg.verbose)).is_ok() && out.flush().is_ok();
        }
    });
    if summary.results.is_empty() {
        eprintln!("tensor-lit: warning: no test files found");
    }
    let mut out = stdout.lock();
    let _ = writeln!(out, "{}", summary.summary_line());
    let _ = out.flush();
    if summary.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
