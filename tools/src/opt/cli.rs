//! The command line of an opt driver: clap's builder API, with one flag per
//! registered pass added at run time (clap's derive API cannot do that).

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use tessera_compiler::pass::PassRegistry;

/// What the command line asked for.
#[derive(Clone, Debug, Default)]
pub struct OptConfig {
    /// The input file; `None` or `-` for stdin.
    pub input: Option<String>,
    /// The output file; `None` or `-` for stdout.
    pub output: Option<PathBuf>,
    /// `--pass-pipeline`.
    pub pipeline: Option<String>,
    /// `-O<level>`.
    pub opt_level: Option<String>,
    /// Pass flags in command-line order: (pass name, option text).
    pub pass_flags: Vec<(String, String)>,
    /// `--list-passes`.
    pub list_passes: bool,
    /// `--print-ir-before-all`.
    pub print_before_all: bool,
    /// `--print-ir-after-all`.
    pub print_after_all: bool,
    /// `--print-ir-before=PASS`.
    pub print_before: Vec<String>,
    /// `--print-ir-after=PASS`.
    pub print_after: Vec<String>,
    /// `--print-ir-module-scope`.
    pub print_module_scope: bool,
    /// `--pass-timing`.
    pub timing: bool,
    /// `--pass-statistics`.
    pub statistics: bool,
    /// `--split-input-file`.
    pub split_input_file: bool,
    /// `--verify-diagnostics`.
    pub verify_diagnostics: bool,
    /// `--print-op-generic`.
    pub print_generic: bool,
    /// `--mlir-print-debuginfo`.
    pub debug_info: bool,
    /// `--allow-unregistered-dialect`.
    pub allow_unregistered: bool,
    /// `--verify-each`.
    pub verify_each: bool,
    /// `--dump-pass-pipeline`.
    pub dump_pipeline: bool,
    /// `--emit`.
    pub emit: String,
}

/// Long names of the driver's own flags (and aliases): a pass with one of
/// these names gets no flag of its own.
const OWN_FLAGS: &[&str] = &[
    "output",
    "pass-pipeline",
    "list-passes",
    "print-ir-before-all",
    "print-ir-after-all",
    "print-ir-before",
    "print-ir-after",
    "print-ir-module-scope",
    "pass-timing",
    "mlir-timing",
    "pass-statistics",
    "mlir-pass-statistics",
    "split-input-file",
    "verify-diagnostics",
    "print-op-generic",
    "mlir-print-op-generic",
    "mlir-print-debuginfo",
    "print-debuginfo",
    "allow-unregistered-dialect",
    "verify-each",
    "dump-pass-pipeline",
    "emit",
    "help",
    "version",
    "input",
    "opt-level",
];

/// The values of `--emit`.
pub const EMIT_KINDS: [&str; 6] = ["mlir", "llvm", "clif", "asm", "obj", "dot"];

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .help(help)
}

/// The command for a driver called `name`, with a flag per pass of
/// `registry`. Returns it with the names of passes that got no flag
/// because they clash with a driver flag or cannot be a flag.
pub fn command(name: &str, registry: &PassRegistry) -> (Command, Vec<&'static str>) {
    // clap keeps names as `&'static str` (without its "string" feature);
    // one short name per driver run is worth leaking.
    let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    let mut cmd = Command::new(name)
        .about("Reads MLIR text, runs a pass pipeline, prints the resulting IR.")
        .version(env!("CARGO_PKG_VERSION"))
        .arg(
            Arg::new("input")
                .value_name("FILE")
                .help("Input file; `-` or nothing reads stdin"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Output file (written atomically; nothing is written on error)"),
        )
        .arg(
            Arg::new("pass-pipeline")
                .long("pass-pipeline")
                .value_name("PIPELINE")
                .help(
                    "A pass pipeline: builtin.module(func.func(cse),graph-eqsat{node-limit=100})",
                ),
        )
        .arg(
            Arg::new("opt-level")
                .short('O')
                .value_name("LEVEL")
                .help("Run a named default pipeline: -O0, -O1, -O2, -O3"),
        )
        .arg(flag(
            "list-passes",
            "List every pass with its summary and options, and the named pipelines",
        ))
        .arg(flag(
            "print-ir-before-all",
            "Print the IR before every pass (to stderr)",
        ))
        .arg(flag(
            "print-ir-after-all",
            "Print the IR after every pass (to stderr)",
        ))
        .arg(
            Arg::new("print-ir-before")
                .long("print-ir-before")
                .value_name("PASS")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .help("Print the IR before the named passes (to stderr)"),
        )
        .arg(
            Arg::new("print-ir-after")
                .long("print-ir-after")
                .value_name("PASS")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .help("Print the IR after the named passes (to stderr)"),
        )
        .arg(flag(
            "print-ir-module-scope",
            "When printing IR around a pass, print the whole module, not just the op it ran on",
        ))
        .arg(
            flag(
                "pass-timing",
                "Print a table of the time each pass took (to stderr)",
            )
            .alias("mlir-timing"),
        )
        .arg(
            flag(
                "pass-statistics",
                "Print the statistics of each pass (to stderr)",
            )
            .alias("mlir-pass-statistics"),
        )
        .arg(flag(
            "split-input-file",
            "Process each chunk of the input between `// -----` lines on its own",
        ))
        .arg(flag(
            "verify-diagnostics",
            "Check diagnostics against the `expected-error {{...}}` annotations of the input",
        ))
        .arg(
            flag("print-op-generic", "Print every op in the generic form")
                .alias("mlir-print-op-generic"),
        )
        .arg(
            flag(
                "mlir-print-debuginfo",
                "Print locations (loc(...)) after ops",
            )
            .alias("print-debuginfo"),
        )
        .arg(flag(
            "allow-unregistered-dialect",
            "Accept ops of dialects that are not registered",
        ))
        .arg(
            Arg::new("verify-each")
                .long("verify-each")
                .value_name("BOOL")
                .num_args(0..=1)
                .require_equals(true)
                .default_value("true")
                .default_missing_value("true")
                .value_parser(value_parser!(bool))
                .help("Verify the IR after each pass"),
        )
        .arg(flag(
            "dump-pass-pipeline",
            "Print the pass pipeline that will run (to stderr)",
        ))
        .arg(
            Arg::new("emit")
                .long("emit")
                .value_name("KIND")
                .default_value("mlir")
                .value_parser(EMIT_KINDS)
                .help("What to write: mlir (the IR), or llvm, clif, asm, obj, dot"),
        );
    let mut skipped = Vec::new();
    for info in registry.iter() {
        let flag_like = info
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && info
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if OWN_FLAGS.contains(&info.name) || !flag_like {
            skipped.push(info.name);
            continue;
        }
        cmd = cmd.arg(
            Arg::new(info.name)
                .long(info.name)
                .value_name("OPTIONS")
                .num_args(0..=1)
                .require_equals(true)
                .default_missing_value("")
                .action(ArgAction::Append)
                .help_heading("Passes")
                .help(info.summary),
        );
    }
    (cmd, skipped)
}

/// Reads the matches into a config; `passes` are the names that got flags.
pub fn config(m: &ArgMatches, registry: &PassRegistry, skipped: &[&str]) -> OptConfig {
    let strings = |id: &str| -> Vec<String> {
        m.get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    let mut pass_flags: Vec<(usize, String, String)> = Vec::new();
    for info in registry.iter() {
        if skipped.contains(&info.name) {
            continue;
        }
        let (Some(indices), Some(values)) =
            (m.indices_of(info.name), m.get_many::<String>(info.name))
        else {
            continue;
        };
        for (i, v) in indices.zip(values) {
            pass_flags.push((i, info.name.to_string(), v.clone()));
        }
    }
    pass_flags.sort_by_key(|(i, _, _)| *i);
    OptConfig {
        input: m.get_one::<String>("input").cloned(),
        output: m.get_one::<PathBuf>("output").cloned(),
        pipeline: m.get_one::<String>("pass-pipeline").cloned(),
        opt_level: m.get_one::<String>("opt-level").cloned(),
        pass_flags: pass_flags.into_iter().map(|(_, n, v)| (n, v)).collect(),
        list_passes: m.get_flag("list-passes"),
        print_before_all: m.get_flag("print-ir-before-all"),
        print_after_all: m.get_flag("print-ir-after-all"),
        print_before: strings("print-ir-before"),
        print_after: strings("print-ir-after"),
        print_module_scope: m.get_flag("print-ir-module-scope"),
        timing: m.get_flag("pass-timing"),
        statistics: m.get_flag("pass-statistics"),
        split_input_file: m.get_flag("split-input-file"),
        verify_diagnostics: m.get_flag("verify-diagnostics"),
        print_generic: m.get_flag("print-op-generic"),
        debug_info: m.get_flag("mlir-print-debuginfo"),
        allow_unregistered: m.get_flag("allow-unregistered-dialect"),
        verify_each: m.get_one::<bool>("verify-each").copied().unwrap_or(true),
        dump_pipeline: m.get_flag("dump-pass-pipeline"),
        emit: m
            .get_one::<String>("emit")
            .cloned()
            .unwrap_or_else(|| "mlir".to_string()),
    }
}
