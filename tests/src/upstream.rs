//! Upstream MLIR 19 as an oracle for Tessera's loop-level output.
//!
//! What Tessera prints at the affine/scf level must be read by
//! `mlir-opt-19` as is; lowered further by an upstream pipeline
//! ([`LOWERING_PASSES`]) and run by `mlir-cpu-runner-19`, it must compute
//! what the graph interpreter computes. This module holds the machinery
//! the tests in `tests/tests/upstream_interop.rs` share:
//!
//! - [`Tools`]: finding the two tools and the runner's support libraries,
//!   and skipping a test (or, with `TESSERA_REQUIRE_UPSTREAM=1`, failing
//!   it) when they are not installed;
//! - [`Driver`]: one module holding many lowered functions (their symbols
//!   renamed apart, so many cases share one upstream run), with a `@main`
//!   that calls each on its inputs (`memref.global`s holding the input
//!   bytes) and prints every output bit for bit (`printMemrefI64` of the
//!   elements' bit patterns, so no digit is lost to decimal printing);
//! - [`run_batch`]: lowering and running a driver, then, when the batch
//!   fails as a whole, each case on its own, so a failure names its case.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tessera_compiler::syntax::{PrintOptions, print_op};
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::value::{ElemType, Tensor};

/// The upstream passes (`mlir-opt-19` flags, in order) that take the
/// func/affine/scf/arith/math/memref/vector level Tessera emits down to the
/// LLVM dialect `mlir-cpu-runner-19` executes. `expand-strided-metadata`
/// comes before `lower-affine` because it emits `affine.apply`; math ops
/// without an LLVM intrinsic (`tanh`, `erf`) become libm calls, before
/// `convert-vector-to-llvm` since on vectors they are unrolled into
/// `vector.extract`/`insert` around scalar calls.
pub const LOWERING_PASSES: [&str; 13] = [
    "--convert-vector-to-scf",
    "--expand-strided-metadata",
    "--lower-affine",
    "--convert-scf-to-cf",
    "--convert-math-to-llvm",
    "--convert-math-to-libm",
    "--convert-vector-to-llvm",
    "--finalize-memref-to-llvm",
    "--convert-arith-to-llvm",
    "--convert-index-to-llvm",
    "--convert-func-to-llvm",
    "--convert-cf-to-llvm",
    "--reconcile-unrealized-casts",
];

/// The environment variable that turns a skip for missing tools into a
/// failure (CI sets it where it installs them).
pub const REQUIRE_ENV: &str = "TESSERA_REQUIRE_UPSTREAM";

/// How long one upstream tool may run before it is killed (a lowered loop
/// that never ends must fail the test, not hang it).
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(300);

/// Where Debian's LLVM 19 packages put the unsuffixed tools and libraries.
const LLVM_DIR: &str = "/usr/lib/llvm-19";

/// The upstream tools and the libraries the runner loads.
#[derive(Clone, Debug)]
pub struct Tools {
    /// `mlir-opt-19`.
    pub mlir_opt: PathBuf,
    /// `mlir-cpu-runner-19`.
    pub runner: PathBuf,
    /// `libmlir_runner_utils.so` and `libmlir_c_runner_utils.so`
    /// (`printMemrefI64` and its helpers).
    pub runner_libs: Vec<PathBuf>,
}

impl Tools {
    /// Finds the tools on `PATH` (or in `/usr/lib/llvm-19/bin`) and the
    /// runner libraries in `/usr/lib/llvm-19/lib`. The error says what is
    /// missing and which Debian package brings it.
    pub fn find() -> Result<Tools, String> {
        let mlir_opt = find_tool("mlir-opt-19", "mlir-opt")
            .ok_or("mlir-opt-19 not installed (apt install mlir-19-tools)")?;
        let runner = find_tool("mlir-cpu-runner-19", "mlir-cpu-runner")
            .ok_or("mlir-cpu-runner-19 not installed (apt install mlir-19-tools)")?;
        let lib_dir = Path::new(LLVM_DIR).join("lib");
        let mut runner_libs = Vec::new();
        for name in ["libmlir_runner_utils", "libmlir_c_runner_utils"] {
            let lib = find_library(&lib_dir, name)
                .ok_or_else(|| format!("{name}.so not installed (apt install libmlir-19)"))?;
            runner_libs.push(lib);
        }
        Ok(Tools {
            mlir_opt,
            runner,
            runner_libs,
        })
    }

    /// The tools for the test `test`, or `None` after printing one line
    /// `skipped: ... not installed (apt install ...)` to stderr (past the
    /// test harness's capture, so it shows). With
    /// `TESSERA_REQUIRE_UPSTREAM=1` a missing tool panics instead.
    pub fn require(test: &str) -> Option<Tools> {
        let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1");
        // Written to the handle, not with eprintln!, which the test
        // harness would capture and hide.
        skip_or_fail(test, Tools::find(), required, &mut std::io::stderr())
    }

    /// Runs `mlir-opt-19 ARGS` on `input` (given on stdin) and returns its
    /// output; with no `args` it parses and verifies only. The error holds
    /// the tool's diagnostics.
    pub fn mlir_opt(&self, input: &str, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new(&self.mlir_opt);
        cmd.args(args);
        run_tool(&mut cmd, input, "mlir-opt-19")
    }

    /// Lowers `input` to the LLVM dialect with [`LOWERING_PASSES`].
    pub fn lower_to_llvm(&self, input: &str) -> Result<String, String> {
        self.mlir_opt(input, &LOWERING_PASSES)
    }

    /// JIT-compiles and runs `llvm_module` (LLVM dialect) with
    /// `mlir-cpu-runner-19 -e main -entry-point-result=void`, returning
    /// what it printed.
    pub fn run_main(&self, llvm_module: &str) -> Result<String, String> {
        let libs: Vec<String> = self
            .runner_libs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let mut cmd = Command::new(&self.runner);
        cmd.args([
            "-e",
            "main",
            "-entry-point-result=void",
            &format!("-shared-libs={}", libs.join(",")),
        ]);
        run_tool(&mut cmd, llvm_module, "mlir-cpu-runner-19")
    }
}

/// The tools, or `None` after writing the skip line to `out`; a panic
/// instead when they are `required`.
fn skip_or_fail(
    test: &str,
    found: Result<Tools, String>,
    required: bool,
    out: &mut dyn Write,
) -> Option<Tools> {
    match found {
        Ok(tools) => Some(tools),
        Err(missing) if required => {
            panic!("{test}: {missing}, and {REQUIRE_ENV}=1 requires it")
        }
        Err(missing) => {
            let _ = writeln!(out, "skipped: {missing} [{test}]");
            None
        }
    }
}

/// `versioned` on `PATH`, else `LLVM_DIR/bin/plain`.
fn find_tool(versioned: &str, plain: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(versioned))
        .chain([Path::new(LLVM_DIR).join("bin").join(plain)])
        .find(|p| p.is_file())
}

/// `dir/name.so`, or a versioned `dir/name.so.19.1` when only the runtime
/// package (without the `-dev` symlinks) is installed.
fn find_library(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = dir.join(format!("{name}.so"));
    if plain.is_file() {
        return Some(plain);
    }
    let prefix = format!("{name}.so.");
    let mut versioned: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    versioned.sort();
    versioned.into_iter().next()
}

/// Runs `cmd` with `input` on stdin, killing it after [`TOOL_TIMEOUT`];
/// its stdout, or an error with its exit status and stderr.
fn run_tool(cmd: &mut Command, input: &str, name: &str) -> Result<String, String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let input = input.to_string();
    // Separate threads feed and drain the pipes, so that a tool writing
    // much before reading all its input cannot deadlock with us.
    let writer = std::thread::spawn(move || {
        // A tool that exits early closes its stdin: its status tells why.
        let _ = stdin.write_all(input.as_bytes());
    });
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > TOOL_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for {name}: {e}")),
        }
    };
    let _ = writer.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&err);
    match status {
        None => Err(format!(
            "{name} did not finish within {} s",
            TOOL_TIMEOUT.as_secs()
        )),
        Some(s) if !s.success() => Err(format!("{name} failed ({s}):\n{}", clip(&err, 4000))),
        Some(_) => String::from_utf8(out).map_err(|e| format!("{name} printed non-UTF-8: {e}")),
    }
}

/// At most `max` bytes of `text` (cut at a character boundary).
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n... ({} more bytes)", &text[..end], text.len() - end)
}

/// The element type and shape of one output of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputType {
    /// The element type.
    pub elem: ElemType,
    /// The static shape.
    pub shape: Vec<usize>,
}

impl OutputType {
    /// The type of `t`.
    pub fn of(t: &Tensor) -> OutputType {
        OutputType {
            elem: t.elem_type(),
            shape: t.shape().to_vec(),
        }
    }

    fn len(&self) -> usize {
        self.shape.iter().product()
    }
}

/// One case of a [`Driver`], already rendered to text.
#[derive(Clone, Debug)]
struct DriverCase {
    /// The lowered module's top-level ops (symbols renamed), the input
    /// globals and the case's `@cN_drive` function.
    text: String,
    outputs: Vec<OutputType>,
}

/// A module for `mlir-cpu-runner-19`: lowered Tessera functions, each
/// called by `@main` on its inputs, every output printed in order.
///
/// Case `N`'s symbols get the prefix `cN_` (external declarations keep
/// their names and appear once), so the functions of many cases live in
/// one module and upstream tools run once for all of them.
#[derive(Clone, Debug, Default)]
pub struct Driver {
    cases: Vec<DriverCase>,
    /// External declarations (bodiless `func.func`), by symbol name.
    declarations: BTreeMap<String, String>,
}

impl Driver {
    /// An empty driver.
    pub fn new() -> Driver {
        Driver::default()
    }

    /// The number of cases.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Whether there are no cases.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Adds a case: `entry` of the loop-level `module` (in destination
    /// passing style: one memref per input, then one per output), called
    /// on `inputs`, producing `outputs`. Fails if `entry` is not a function
    /// of the module taking that many memrefs.
    pub fn add(
        &mut self,
        ctx: &Context,
        module: OpId,
        entry: &str,
        inputs: &[Tensor],
        outputs: &[OutputType],
    ) -> Result<(), String> {
        let prefix = format!("c{}_", self.cases.len());
        let func = ctx
            .lookup_symbol_in(module, entry)
            .ok_or_else(|| format!("the lowered module has no symbol @{entry}"))?;
        let nargs = ctx
            .entry_block(func, 0)
            .map(|b| ctx.block_args(b).len())
            .ok_or_else(|| format!("@{entry} has no body"))?;
        if nargs != inputs.len() + outputs.len() {
            return Err(format!(
                "@{entry} takes {nargs} arguments, but {} inputs and {} outputs were given",
                inputs.len(),
                outputs.len()
            ));
        }
        // Definitions are renamed; bodiless functions are external
        // (e.g. libm) and keep their names.
        let body = ctx.module_body(module);
        let mut defined = BTreeSet::new();
        let mut items = Vec::new();
        for op in ctx.block_ops(body) {
            let is_decl = ctx.op_is(op, "func.func") && ctx.entry_block(op, 0).is_none();
            let text = print_op(ctx, op, &PrintOptions::default());
            match (is_decl, ctx.symbol_name(op)) {
                (true, Some(name)) => {
                    self.declarations.insert(name.to_string(), text);
                }
                (false, name) => {
                    if let Some(name) = name {
                        defined.insert(name.to_string());
                    }
                    items.push(text);
                }
                (true, None) => items.push(text),
            }
        }
        let mut text = String::new();
        for item in &items {
            text.push_str(&rename_symbols(item, &defined, &prefix));
            text.push('\n');
        }
        for (i, t) in inputs.iter().enumerate() {
            let _ = writeln!(
                text,
                "memref.global \"private\" @{prefix}in{i} : {} = {}",
                memref_type(t.elem_type(), &[t.len()]),
                dense_literal(t)
            );
        }
        text.push_str(&drive_function(&prefix, entry, inputs, outputs));
        self.cases.push(DriverCase {
            text,
            outputs: outputs.to_vec(),
        });
        Ok(())
    }

    /// A driver holding only case `i` (renumbered 0).
    pub fn single(&self, i: usize) -> Driver {
        let from = format!("c{i}_");
        let case = &self.cases[i];
        Driver {
            cases: vec![DriverCase {
                text: rename_prefix(&case.text, &from, "c0_"),
                outputs: case.outputs.clone(),
            }],
            declarations: self.declarations.clone(),
        }
    }

    /// The module text: every case, the declarations, the print function
    /// and `@main`, which runs the cases in order.
    pub fn text(&self) -> String {
        let mut out = String::from("module {\n");
        for decl in self.declarations.values() {
            out.push_str(decl);
            out.push('\n');
        }
        out.push_str(
            "func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}\n",
        );
        for case in &self.cases {
            out.push_str(&case.text);
        }
        out.push_str("func.func @main() {\n");
        for i in 0..self.cases.len() {
            let _ = writeln!(out, "  func.call @c{i}_drive() : () -> ()");
        }
        out.push_str("  func.return\n}\n}\n");
        out
    }

    /// Reads the outputs of every case from what the run printed. Fails if
    /// the printout does not hold exactly the outputs expected.
    pub fn parse_output(&self, printed: &str) -> Result<Vec<Vec<Tensor>>, String> {
        let sections = parse_printed_memrefs(printed)?;
        let expected: usize = self.cases.iter().map(|c| c.outputs.len()).sum();
        if sections.len() != expected {
            return Err(format!(
                "the run printed {} memrefs, but the cases have {expected} outputs",
                sections.len()
            ));
        }
        let mut sections = sections.into_iter();
        let mut results = Vec::new();
        for (i, case) in self.cases.iter().enumerate() {
            let mut tensors = Vec::new();
            for (j, out) in case.outputs.iter().enumerate() {
                let bits = sections.next().expect("counted above");
                let t = tensor_from_bits(out, &bits)
                    .map_err(|e| format!("case {i}, output #{j}: {e}"))?;
                tensors.push(t);
            }
            results.push(tensors);
        }
        Ok(results)
    }
}

/// Lowers `driver` with [`LOWERING_PASSES`], runs it and reads every
/// case's outputs. When that fails as a whole (an upstream error, a crash,
/// a short printout), each case runs on its own, so the error lands on the
/// case that caused it; the others still get their results.
pub fn run_batch(tools: &Tools, driver: &Driver) -> Vec<Result<Vec<Tensor>, String>> {
    match run_all(tools, driver) {
        Ok(results) => results.into_iter().map(Ok).collect(),
        Err(e) if driver.len() == 1 => vec![Err(e)],
        Err(_) => (0..driver.len())
            .map(|i| {
                let one = driver.single(i);
                run_all(tools, &one).map(|mut r| r.remove(0))
            })
            .collect(),
    }
}

/// Lowers, runs and parses `driver` in one go.
fn run_all(tools: &Tools, driver: &Driver) -> Result<Vec<Vec<Tensor>>, String> {
    let text = driver.text();
    let llvm = tools
        .lower_to_llvm(&text)
        .map_err(|e| format!("the upstream lowering fails: {e}"))?;
    let printed = tools
        .run_main(&llvm)
        .map_err(|e| format!("the upstream run fails: {e}"))?;
    driver.parse_output(&printed)
}

/// `memref<2x3xf32>`; `memref<f32>` for rank 0.
pub fn memref_type(elem: ElemType, shape: &[usize]) -> String {
    let mut s = String::from("memref<");
    for d in shape {
        let _ = write!(s, "{d}x");
    }
    s.push_str(elem.name());
    s.push('>');
    s
}

/// A `dense<...>` literal of `t`'s elements (flat, row-major): a hex blob
/// of the little-endian bytes, exact for every value (NaN, -0.0 and
/// infinities included); `i1` as `true`/`false` (MLIR packs `i1` blobs
/// differently from Tessera's one byte per element).
fn dense_literal(t: &Tensor) -> String {
    if t.elem_type() == ElemType::I1 {
        let items: Vec<&str> = t
            .to_i64_array()
            .iter()
            .map(|&v| if v != 0 { "true" } else { "false" })
            .collect();
        return format!("dense<[{}]>", items.join(", "));
    }
    let mut hex = String::from("dense<\"0x");
    for b in t.to_le_bytes() {
        let _ = write!(hex, "{b:02X}");
    }
    hex.push_str("\">");
    hex
}

/// Case `prefix`'s `@{prefix}drive`: reads the input globals (flat,
/// reinterpreted to their shapes), allocates the outputs, calls the
/// entry, prints each output's element bits as `i64`s and frees what it
/// allocated.
fn drive_function(prefix: &str, entry: &str, inputs: &[Tensor], outputs: &[OutputType]) -> String {
    let mut f = String::new();
    let _ = writeln!(f, "func.func @{prefix}drive() {{");
    f.push_str("  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n");
    let mut args = Vec::new();
    let mut types = Vec::new();
    for (i, t) in inputs.iter().enumerate() {
        let flat = memref_type(t.elem_type(), &[t.len()]);
        let ty = memref_type(t.elem_type(), t.shape());
        let _ = writeln!(f, "  %g{i} = memref.get_global @{prefix}in{i} : {flat}");
        let _ = writeln!(
            f,
            "  %in{i} = memref.reinterpret_cast %g{i} to offset: [0], sizes: [{}], strides: [{}] : {flat} to {ty}",
            join(t.shape()),
            join(&strides(t.shape()))
        );
        args.push(format!("%in{i}"));
        types.push(ty);
    }
    for (i, o) in outputs.iter().enumerate() {
        let ty = memref_type(o.elem, &o.shape);
        let _ = writeln!(f, "  %out{i} = memref.alloc() : {ty}");
        args.push(format!("%out{i}"));
        types.push(ty);
    }
    let _ = writeln!(
        f,
        "  func.call @{prefix}{entry}({}) : ({}) -> ()",
        args.join(", "),
        types.join(", ")
    );
    for (i, o) in outputs.iter().enumerate() {
        let n = o.len();
        let ty = memref_type(o.elem, &o.shape);
        let flat = memref_type(o.elem, &[n]);
        let bits = memref_type(ElemType::I64, &[n]);
        let _ = writeln!(
            f,
            "  %flat{i} = memref.reinterpret_cast %out{i} to offset: [0], sizes: [{n}], strides: [1] : {ty} to {flat}"
        );
        let _ = writeln!(f, "  %bits{i} = memref.alloc() : {bits}");
        let _ = writeln!(f, "  %n{i} = arith.constant {n} : index");
        let _ = writeln!(f, "  scf.for %k = %c0 to %n{i} step %c1 {{");
        let _ = writeln!(f, "    %x = memref.load %flat{i}[%k] : {flat}");
        // The element's bits, as an i64 the runner prints exactly.
        let (convert, y) = match o.elem {
            ElemType::F32 => (
                "    %b = arith.bitcast %x : f32 to i32\n    %y = arith.extui %b : i32 to i64\n",
                "%y",
            ),
            ElemType::F64 => ("    %y = arith.bitcast %x : f64 to i64\n", "%y"),
            ElemType::I1 => ("    %y = arith.extui %x : i1 to i64\n", "%y"),
            ElemType::I32 => ("    %y = arith.extsi %x : i32 to i64\n", "%y"),
            ElemType::I64 => ("", "%x"),
        };
        f.push_str(convert);
        let _ = writeln!(f, "    memref.store {y}, %bits{i}[%k] : {bits}\n  }}");
        let _ = writeln!(
            f,
            "  %u{i} = memref.cast %bits{i} : {bits} to memref<*xi64>"
        );
        let _ = writeln!(
            f,
            "  func.call @printMemrefI64(%u{i}) : (memref<*xi64>) -> ()"
        );
        let _ = writeln!(f, "  memref.dealloc %bits{i} : {bits}");
        let _ = writeln!(f, "  memref.dealloc %out{i} : {ty}");
    }
    f.push_str("  func.return\n}\n");
    f
}

fn join(v: &[usize]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Row-major strides of `shape`.
fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// Whether `c` may continue a bare MLIR identifier.
fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.')
}

/// `text` with every reference `@name` to a symbol in `names` turned into
/// `@{prefix}name` (quoted references `@"name"` too).
fn rename_symbols(text: &str, names: &BTreeSet<String>, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        if let Some(quoted) = rest.strip_prefix('"') {
            if let Some(end) = quoted.find('"') {
                let name = &quoted[..end];
                if names.contains(name) {
                    let _ = write!(out, "\"{prefix}{name}\"");
                    rest = &quoted[end + 1..];
                }
            }
            continue;
        }
        let end = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        let name = &rest[..end];
        if names.contains(name) {
            out.push_str(prefix);
        }
    }
    out.push_str(rest);
    out
}

/// `text` with every `@{from}` symbol prefix changed to `@{to}`.
fn rename_prefix(text: &str, from: &str, to: &str) -> String {
    text.replace(&format!("@{from}"), &format!("@{to}"))
        .replace(&format!("@\"{from}"), &format!("@\"{to}"))
}

/// The element lists of every `printMemref*` printout in `printed`, in
/// order. Each starts `Unranked Memref base@ = ... sizes = [n] ... data =`
/// and its numbers follow.
pub fn parse_printed_memrefs(printed: &str) -> Result<Vec<Vec<i64>>, String> {
    const HEAD: &str = "Unranked Memref";
    let mut out = Vec::new();
    for (i, section) in printed.split(HEAD).enumerate().skip(1) {
        let data = section
            .split_once("data =")
            .ok_or_else(|| format!("printout #{i} has no data: {}", clip(section, 200)))?
            .1;
        let mut values = Vec::new();
        for token in data.split(|c: char| !(c.is_ascii_digit() || c == '-')) {
            if token.is_empty() {
                continue;
            }
            let v: i64 = token
                .parse()
                .map_err(|e| format!("printout #{i}: bad number {token:?}: {e}"))?;
            values.push(v);
        }
        out.push(values);
    }
    Ok(out)
}

/// The tensor of type `ty` whose elements have the bit patterns `bits`
/// (as the driver prints them).
fn tensor_from_bits(ty: &OutputType, bits: &[i64]) -> Result<Tensor, String> {
    if bits.len() != ty.len() {
        return Err(format!(
            "{} elements printed for a {}",
            bits.len(),
            memref_type(ty.elem, &ty.shape)
        ));
    }
    let mut bytes = Vec::with_capacity(bits.len() * ty.elem.byte_width());
    for &b in bits {
        match ty.elem {
            ElemType::F32 | ElemType::I32 => bytes.extend((b as u32).to_le_bytes()),
            ElemType::F64 | ElemType::I64 => bytes.extend(b.to_le_bytes()),
            ElemType::I1 => bytes.push(b as u8),
        }
    }
    Tensor::from_le_bytes(ty.elem, &ty.shape, &bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_only_the_defined_symbols() {
        let names: BTreeSet<String> = ["main", "g", "q r"].iter().map(|s| s.to_string()).collect();
        let text = "func.call @main() @expf @g.x @g @\"q r\" @\"other\"";
        assert_eq!(
            rename_symbols(text, &names, "c1_"),
            "func.call @c1_main() @expf @g.x @c1_g @\"c1_q r\" @\"other\""
        );
    }

    #[test]
    fn reads_printed_memrefs() {
        let printed = "Unranked Memref base@ = 0x5 rank = 1 offset = 0 sizes = [3] strides = [1] data = \n[1,  -2,  1065353216]\nUnranked Memref base@ = 0x6 rank = 1 offset = 0 sizes = [1] strides = [1] data = \n[-9223372036854775808]\n";
        assert_eq!(
            parse_printed_memrefs(printed).unwrap(),
            vec![vec![1, -2, 1065353216], vec![i64::MIN]]
        );
    }

    #[test]
    fn bits_become_tensors() {
        let ty = OutputType {
            elem: ElemType::F32,
            shape: vec![2],
        };
        let t = tensor_from_bits(&ty, &[1065353216, 0x8000_0000]).unwrap();
        let expected = Tensor::from_f64s(ElemType::F32, &[2], &[1.0, -0.0]).unwrap();
        assert_eq!(t.to_le_bytes(), expected.to_le_bytes());
        assert!(tensor_from_bits(&ty, &[1]).is_err());
    }

    #[test]
    fn missing_tools_skip_unless_required() {
        assert!(find_tool("no-such-tool-19", "no-such-tool").is_none());
        assert!(find_library(Path::new("/nonexistent"), "libnothing").is_none());
        let missing = || Err("mlir-cpu-runner-19 not installed (apt install mlir-19-tools)".into());
        let mut line = Vec::new();
        assert!(skip_or_fail("a_test", missing(), false, &mut line).is_none());
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "skipped: mlir-cpu-runner-19 not installed (apt install mlir-19-tools) [a_test]\n"
        );
        let failed =
            std::panic::catch_unwind(|| skip_or_fail("a_test", missing(), true, &mut Vec::new()));
        let message = *failed.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.contains("mlir-cpu-runner-19 not installed") && message.contains(REQUIRE_ENV),
            "{message}"
        );
    }

    #[test]
    fn row_major_strides() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(strides(&[]), Vec::<usize>::new());
    }
}
