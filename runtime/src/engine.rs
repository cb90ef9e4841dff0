//! The host API: compile MLIR text into a [`CompiledModule`] and call its
//! functions on [`Tensor`]s.
//!
//! ```text
//! Engine ──compile_text(text, file, &CompileOptions)──▶ CompiledModule
//!                                                         │ function("f") / entry_point()
//!                                                         ▼
//!                                   Function ──call(&[Tensor])──▶ Vec<Tensor>
//! ```
//!
//! Compiling parses the text, verifies it, and runs the pass pipeline
//! ([`Pipeline::O`] levels come from the pass registry's named pipelines).
//! Every failure is a [`CompileError`] whose text is the rendered
//! diagnostics (`file:line:col` and a source snippet). Calling checks the
//! number of arguments and each argument's shape and element type against
//! the function's signature before anything runs, so a mismatch is a
//! [`RunError`] naming the argument and both types, never a panic.
//!
//! # Backends
//!
//! [`Backend::Interp`] runs the IR the pipeline leaves with the reference
//! interpreter (`tessera_dialects::interp`); for the `-O` levels that is the
//! graph-level part of the level's pipeline (the passes before the first
//! `convert-*` pass), since the interpreter gives meaning to graph-level IR.
//!
//! [`Backend::Llvm`] and [`Backend::Cranelift`] run the whole pipeline down
//! to the loop level (lowering what a custom pipeline left above it with
//! `convert-graph-to-affine` and `lower-affine`), then generate machine
//! code ([`crate::backend`]). A function is called through its packed
//! entry with MLIR memref descriptors: one over each argument tensor's data
//! and one over each freshly allocated result tensor ([`crate::host`]).
//! The signatures checked at the call are the source's, taken before the
//! pipeline turned tensor results into out-parameters.
//!
//! # Threads
//!
//! A [`CompiledModule`] is `Send + Sync` and cheap to clone. It owns its
//! [`Context`] behind an `Arc` and never changes it after compiling: the
//! interpreter only reads the IR, so calls from many threads run at the
//! same time with no lock. (The alternative, a `Mutex<Context>` or a fresh
//! compile per call, would serialize calls or repeat work for nothing.)

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use tessera_compiler::diag::render;
use tessera_compiler::pass::pipeline::pipeline_to_string;
use tessera_compiler::pass::{PassManager, PassRegistry, PipelineElement, parse_pipeline};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{AttrData, Context, Diagnostic, LocData, OpId, TypeData};
use tessera_dialects::graph::types::TensorType;
use tessera_dialects::interp::eval::run_function;
use tessera_dialects::interp::loops::call_with_tensors;

use crate::Tensor;
use crate::backend::{BackendKind, BackendOptions, JitCode};
use crate::host;
use crate::jit_profile::{self, KernelTimers};
use crate::profile::{self, Profile};

// The module's IR is shared between threads without a lock (see the module
// docs); this fails to compile if `Context` ever stops being thread-safe.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Context>();
};

/// Where compiled code runs.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Backend {
    /// The reference interpreter over graph-level IR.
    Interp,
    /// LLVM 19: optimized machine code for the host CPU.
    Llvm,
    /// Cranelift: machine code compiled fast.
    Cranelift,
}

impl Backend {
    /// Every backend, in the order `tensor-run --help` lists them.
    pub const ALL: [Backend; 3] = [Backend::Llvm, Backend::Cranelift, Backend::Interp];

    /// The name used on command lines: `interp`, `llvm`, `cranelift`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Interp => "interp",
            Backend::Llvm => "llvm",
            Backend::Cranelift => "cranelift",
        }
    }

    /// The backend named `name`.
    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether this backend is built and can compile (all of them are).
    pub fn is_available(self) -> bool {
        true
    }

    /// Whether it runs machine code (everything but the interpreter).
    pub fn is_compiled(self) -> bool {
        !matches!(self, Backend::Interp)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which passes run before code generation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Pipeline {
    /// The named pipeline `-O<n>` of the pass registry (0 to 3).
    O(u8),
    /// A pipeline in MLIR's textual syntax, run exactly as written:
    /// `builtin.module(canonicalize,cse)`.
    Text(String),
}

impl Default for Pipeline {
    /// `-O2`, the default of the tools.
    fn default() -> Self {
        Pipeline::O(2)
    }
}

/// How to compile.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CompileOptions {
    /// The pass pipeline; `-O2` by default.
    pub pipeline: Pipeline,
    /// The backend; [`Backend::Interp`] by default here, so a library user
    /// opts into code generation (`tensor-run`'s default is `llvm`).
    pub backend: Backend,
    /// Instrument compiled code so [`Function::call_profiled`] can time
    /// each kernel ([`crate::jit_profile`]); off by default, since it adds
    /// two clock reads per kernel call. The interpreter always can.
    pub profile: bool,
    /// Worker threads for the parallel loops of compiled code (the loops
    /// `affine-parallelize` makes at -O3); 1, the default, runs them on the
    /// calling thread. Results do not depend on it.
    pub threads: usize,
    /// Append the compiled functions' addresses to `/tmp/perf-<pid>.map`
    /// so `perf top` names each kernel (also when the environment has
    /// `TESSERA_PERF_MAP` set).
    pub perf_map: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            pipeline: Pipeline::default(),
            backend: Backend::Interp,
            profile: false,
            threads: 1,
            perf_map: false,
        }
    }
}

/// Compiles modules: the dialects to parse with and the passes pipelines
/// may name. Immutable once built, so one engine can compile on many
/// threads.
pub struct Engine {
    passes: PassRegistry,
    dialects: Vec<fn(&mut Context)>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("passes", &self.passes.names())
            .field("dialect_registrars", &self.dialects.len())
            .finish()
    }
}

impl Engine {
    /// An engine with every dialect of `tessera-dialects` and every pass of
    /// `tessera-passes`.
    pub fn new() -> Self {
        let mut passes = PassRegistry::new();
        tessera_passes::register_all(&mut passes);
        Engine {
            passes,
            dialects: vec![tessera_dialects::register_all],
        }
    }

    /// The passes pipelines may name, and the `-O` pipelines.
    pub fn passes(&self) -> &PassRegistry {
        &self.passes
    }

    /// The pass registry, to add passes or override a named pipeline.
    pub fn passes_mut(&mut self) -> &mut PassRegistry {
        &mut self.passes
    }

    /// Adds a function that registers more dialects in each new context.
    pub fn add_dialects(&mut self, register: fn(&mut Context)) {
        self.dialects.push(register);
    }

    /// Reads and compiles the file at `path`; diagnostics name the path as
    /// given.
    pub fn compile_file(
        &self,
        path: &Path,
        options: &CompileOptions,
    ) -> Result<CompiledModule, CompileError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CompileError::plain(
                CompileErrorKind::Read,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        self.compile_text(&text, &path.display().to_string(), options)
    }

    /// Parses `text` (diagnostics call it `file_name`), verifies it, runs
    /// the pipeline and prepares it for `options.backend`.
    pub fn compile_text(
        &self,
        text: &str,
        file_name: &str,
        options: &CompileOptions,
    ) -> Result<CompiledModule, CompileError> {
        let backend = options.backend;
        let mut ctx = Context::new();
        for register in &self.dialects {
            register(&mut ctx);
        }
        let (pipeline_text, mut pm) = self.pass_manager(&options.pipeline, backend)?;
        let unknown = pm.unknown_anchors(&ctx);
        if !unknown.is_empty() {
            return Err(CompileError::plain(
                CompileErrorKind::Pipeline,
                format!(
                    "invalid pass pipeline: it nests passes under '{}', which is not a registered op",
                    unknown.join("', '")
                ),
            ));
        }

        ctx.add_source(file_name, text);
        let config = ParseConfig {
            file_name: file_name.to_string(),
            line_offset: 0,
        };
        let module = parse_module(&mut ctx, text, &config)
            .map_err(|d| CompileError::diagnostics(CompileErrorKind::Parse, &ctx, d))?;
        verify(&ctx, module)
            .map_err(|d| CompileError::diagnostics(CompileErrorKind::Verify, &ctx, d))?;
        // Compiled code is called with the signatures of the source: the
        // lowering turns tensor results into out-parameters.
        let functions = collect_functions(&ctx, module);
        let mut warnings = pm
            .run(&mut ctx, module)
            .map_err(|d| CompileError::diagnostics(CompileErrorKind::Pass, &ctx, d))?;
        let mut timers = None;
        let code = if backend.is_compiled() {
            warnings.extend(self.lower_rest(&mut ctx, module)?);
            if options.profile {
                timers = Some(jit_profile::instrument(&mut ctx, module));
            }
            let opts = BackendOptions {
                opt_level: match options.pipeline {
                    Pipeline::O(level) => level.min(3),
                    Pipeline::Text(_) => 3,
                },
                threads: options.threads,
            };
            let kind = if backend == Backend::Llvm {
                BackendKind::Llvm
            } else {
                BackendKind::Cranelift
            };
            let code = crate::backend::compile(kind, &ctx, module, &opts).map_err(|e| {
                let loc = e.loc.unwrap_or_else(|| ctx.op(module).loc);
                CompileError::diagnostics(
                    CompileErrorKind::Codegen,
                    &ctx,
                    vec![Diagnostic::error(
                        loc,
                        format!("{backend} backend: {}", e.message),
                    )],
                )
            })?;
            if options.perf_map || std::env::var_os("TESSERA_PERF_MAP").is_some() {
                // A profiler's convenience: failing to write it is no
                // reason to fail the compile.
                let _ = crate::backend::write_perf_map(&code.symbols());
            }
            Some(code)
        } else {
            None
        };
        let warnings_text = render(&ctx, &warnings);
        Ok(CompiledModule {
            inner: Arc::new(ModuleInner {
                ctx,
                module,
                backend,
                pipeline: pipeline_text,
                functions,
                warnings,
                warnings_text,
                code,
                timers,
            }),
        })
    }

    /// Lowers what the pipeline left above the backends' level: graph ops
    /// with `convert-graph-to-affine`, affine ops with `lower-affine`
    /// (the `-O` pipelines already end there; a custom pipeline may not).
    fn lower_rest(&self, ctx: &mut Context, module: OpId) -> Result<Vec<Diagnostic>, CompileError> {
        let ops = ctx.walk_preorder(module);
        let has = |prefix: &str| ops.iter().any(|&o| ctx.op_name_of(o).starts_with(prefix));
        let mut passes = Vec::new();
        if has("graph.") {
            passes.push("convert-graph-to-affine");
        }
        if has("graph.") || has("affine.") {
            passes.push("lower-affine");
        }
        if passes.is_empty() {
            return Ok(Vec::new());
        }
        let text = format!("builtin.module({})", passes.join(","));
        let mut pm = PassManager::parse(&self.passes, &text).map_err(|e| {
            CompileError::plain(
                CompileErrorKind::Pipeline,
                format!("cannot lower to the loop level: {}", e.render(&text)),
            )
        })?;
        pm.run(ctx, module)
            .map_err(|d| CompileError::diagnostics(CompileErrorKind::Pass, ctx, d))
    }

    /// The pass manager for `pipeline`, and its text as run.
    fn pass_manager(
        &self,
        pipeline: &Pipeline,
        backend: Backend,
    ) -> Result<(String, PassManager), CompileError> {
        let text = match pipeline {
            Pipeline::Text(t) => t.clone(),
            Pipeline::O(level) => {
                let Some(named) = self.passes.pipeline(&format!("O{level}")) else {
                    let valid: Vec<String> = self
                        .passes
                        .pipelines()
                        .map(|p| format!("-{}", p.name))
                        .collect();
                    return Err(CompileError::plain(
                        CompileErrorKind::Pipeline,
                        format!(
                            "unknown optimization level -O{level}; valid: {}",
                            valid.join(", ")
                        ),
                    ));
                };
                match backend {
                    // The interpreter runs graph-level IR: stop before lowering.
                    Backend::Interp => graph_level_part(&named.pipeline).map_err(|e| {
                        CompileError::plain(
                            CompileErrorKind::Pipeline,
                            format!(
                                "invalid pass pipeline -O{level}: {}",
                                e.render(&named.pipeline)
                            ),
                        )
                    })?,
                    Backend::Llvm | Backend::Cranelift => named.pipeline.clone(),
                }
            }
        };
        let pm = PassManager::parse(&self.passes, &text).map_err(|e| {
            CompileError::plain(
                CompileErrorKind::Pipeline,
                format!("invalid pass pipeline: {}", e.render(&text)),
            )
        })?;
        Ok((pm.pipeline_string(), pm))
    }
}

/// The passes of `pipeline` before its first `convert-*` pass, as text.
fn graph_level_part(pipeline: &str) -> Result<String, tessera_compiler::pass::PipelineError> {
    /// Keeps elements up to the first conversion; returns whether one was found.
    fn cut(elements: &mut Vec<PipelineElement>) -> bool {
        for i in 0..elements.len() {
            let stop = match &mut elements[i] {
                PipelineElement::Pass { name, .. } => {
                    if name.starts_with("convert-") {
                        elements.truncate(i);
                        return true;
                    }
                    false
                }
                PipelineElement::Nested {
                    elements: inner, ..
                } => cut(inner),
            };
            if stop {
                elements.truncate(i + 1);
                return true;
            }
        }
        false
    }
    let mut elements = parse_pipeline(pipeline)?;
    cut(&mut elements);
    Ok(pipeline_to_string(&elements))
}

/// What went wrong while compiling.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum CompileErrorKind {
    /// The source file could not be read.
    Read,
    /// The backend cannot be used (kept for callers matching on it; every
    /// backend is built now).
    Backend,
    /// The pipeline text or `-O` level is invalid.
    Pipeline,
    /// The text does not parse.
    Parse,
    /// The IR does not verify.
    Verify,
    /// A pass failed or left invalid IR.
    Pass,
    /// The backend could not generate code.
    Codegen,
}

/// A failed compile: its kind, the diagnostics, and their rendered text.
///
/// The diagnostics' locations refer to the compile's context, which is
/// gone; [`CompileError::rendered`] (also the `Display` text) resolved them
/// to `file:line:col` with source snippets while it existed.
#[derive(Clone, Debug)]
pub struct CompileError {
    /// Which stage failed.
    pub kind: CompileErrorKind,
    /// The diagnostics (empty for errors about files, backends and pipelines).
    pub diagnostics: Vec<Diagnostic>,
    rendered: String,
}

impl CompileError {
    fn plain(kind: CompileErrorKind, message: String) -> Self {
        CompileError {
            kind,
            diagnostics: Vec::new(),
            rendered: format!("error: {message}\n"),
        }
    }

    fn diagnostics(kind: CompileErrorKind, ctx: &Context, diagnostics: Vec<Diagnostic>) -> Self {
        let mut rendered = render(ctx, &diagnostics);
        if diagnostics.is_empty() {
            rendered = format!("error: {kind:?} failed without a diagnostic\n");
        }
        CompileError {
            kind,
            diagnostics,
            rendered,
        }
    }

    /// The diagnostics as text, ending in a newline: `error: ...` lines with
    /// `file:line:col` and source snippets.
    pub fn rendered(&self) -> &str {
        &self.rendered
    }

    /// Whether the error is about how compiling was asked for (backend,
    /// pipeline), not about the source: a command-line tool's usage error.
    pub fn is_usage_error(&self) -> bool {
        matches!(
            self.kind,
            CompileErrorKind::Backend | CompileErrorKind::Pipeline
        )
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rendered.trim_end())
    }
}

impl std::error::Error for CompileError {}

/// A `func.func` found at the top of the module.
struct FunctionInfo {
    name: String,
    public: bool,
    /// Why the function cannot be called, if it cannot.
    signature: Result<Signature, String>,
}

struct ModuleInner {
    ctx: Context,
    module: OpId,
    backend: Backend,
    pipeline: String,
    functions: Vec<FunctionInfo>,
    warnings: Vec<Diagnostic>,
    warnings_text: String,
    /// Machine code, for the compiled backends. Declared before `timers`
    /// so it is dropped first: the code holds the timers' address.
    code: Option<Box<dyn JitCode>>,
    /// The kernel timers instrumented code updates, when profiling.
    timers: Option<Box<KernelTimers>>,
}

/// A compiled module, ready to call. Cheap to clone, `Send + Sync`
/// (machine code is immutable once made); see the [module docs](self) on
/// threads.
#[derive(Clone)]
pub struct CompiledModule {
    inner: Arc<ModuleInner>,
}

impl fmt::Debug for CompiledModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledModule")
            .field("backend", &self.inner.backend)
            .field("pipeline", &self.inner.pipeline)
            .field("functions", &self.function_names())
            .finish()
    }
}

impl CompiledModule {
    /// The backend it was compiled for.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The pipeline that ran, with every option spelled out.
    pub fn pipeline(&self) -> &str {
        &self.inner.pipeline
    }

    /// Warnings the passes emitted.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// The warnings rendered with locations and snippets (empty if none).
    pub fn warnings_text(&self) -> &str {
        &self.inner.warnings_text
    }

    /// The names of the module's top-level functions, in order.
    pub fn function_names(&self) -> Vec<&str> {
        self.inner
            .functions
            .iter()
            .map(|f| f.name.as_str())
            .collect()
    }

    /// The IR after the pipeline, as MLIR text.
    pub fn ir_text(&self) -> String {
        print_op(&self.inner.ctx, self.inner.module, &PrintOptions::default())
    }

    /// The function named `name` (without the `@`).
    pub fn function(&self, name: &str) -> Result<Function, RunError> {
        let Some(index) = self.inner.functions.iter().position(|f| f.name == name) else {
            return Err(RunError::NoSuchFunction {
                name: name.to_string(),
                available: self
                    .function_names()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            });
        };
        self.function_at(index)
    }

    /// The function to run when none is named: `main` if there is one,
    /// otherwise the module's only public function.
    pub fn entry_point(&self) -> Result<Function, RunError> {
        if self.inner.functions.iter().any(|f| f.name == "main") {
            return self.function("main");
        }
        let public: Vec<usize> = (0..self.inner.functions.len())
            .filter(|&i| self.inner.functions[i].public)
            .collect();
        match public[..] {
            [only] => self.function_at(only),
            _ => Err(RunError::NoEntryPoint {
                public: public
                    .iter()
                    .map(|&i| self.inner.functions[i].name.clone())
                    .collect(),
            }),
        }
    }

    fn function_at(&self, index: usize) -> Result<Function, RunError> {
        let info = &self.inner.functions[index];
        match &info.signature {
            Ok(sig) => Ok(Function {
                module: self.inner.clone(),
                index,
                signature: sig.clone(),
            }),
            Err(reason) => Err(RunError::Unsupported {
                function: info.name.clone(),
                reason: reason.clone(),
            }),
        }
    }
}

/// The argument and result types of a function, with argument names where
/// the IR carries them (as `loc("name")` on the argument).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Signature {
    /// Argument types, in order.
    pub inputs: Vec<TensorType>,
    /// Result types, in order.
    pub results: Vec<TensorType>,
    /// Argument names, where known.
    pub arg_names: Vec<Option<String>>,
}

impl Signature {
    /// Checks that `t` can be argument `index`: same shape and element type.
    /// An index past the end is an arity error for a function called `function`.
    pub fn check_arg(&self, function: &str, index: usize, t: &Tensor) -> Result<(), RunError> {
        let Some(expected) = self.inputs.get(index) else {
            return Err(RunError::Arity {
                function: function.to_string(),
                expected: self.inputs.len(),
                got: index + 1,
            });
        };
        let shape_ok = t.shape().len() == expected.shape.len()
            && t.shape()
                .iter()
                .zip(&expected.shape)
                .all(|(&a, &b)| i64::try_from(a) == Ok(b));
        if shape_ok && t.elem_type() == expected.elem {
            return Ok(());
        }
        Err(RunError::Argument {
            index,
            name: self.arg_names.get(index).cloned().flatten(),
            expected: expected.clone(),
            got: t.type_string(),
        })
    }
}

impl fmt::Display for Signature {
    /// MLIR's function type: `(tensor<1x784xf32>) -> tensor<1x10xf32>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ts: &[TensorType]| {
            ts.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "({}) -> ", list(&self.inputs))?;
        if self.results.len() == 1 {
            write!(f, "{}", self.results[0])
        } else {
            write!(f, "({})", list(&self.results))
        }
    }
}

/// A callable function of a [`CompiledModule`] (which it keeps alive).
#[derive(Clone)]
pub struct Function {
    module: Arc<ModuleInner>,
    index: usize,
    signature: Signature,
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Function(@{}: {})", self.name(), self.signature)
    }
}

impl Function {
    /// Its name, without the `@`.
    pub fn name(&self) -> &str {
        &self.module.functions[self.index].name
    }

    /// Its argument and result types.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Checks the number of arguments and each one's shape and element type.
    pub fn check_args(&self, args: &[Tensor]) -> Result<(), RunError> {
        if args.len() != self.signature.inputs.len() {
            return Err(RunError::Arity {
                function: self.name().to_string(),
                expected: self.signature.inputs.len(),
                got: args.len(),
            });
        }
        for (i, a) in args.iter().enumerate() {
            self.signature.check_arg(self.name(), i, a)?;
        }
        Ok(())
    }

    /// Checks the arguments, then runs the function on (copies of) them.
    pub fn call(&self, args: &[Tensor]) -> Result<Vec<Tensor>, RunError> {
        self.check_args(args)?;
        self.run(args.to_vec())
    }

    /// Like [`Function::call`], taking the arguments by value to save a copy.
    pub fn call_owned(&self, args: Vec<Tensor>) -> Result<Vec<Tensor>, RunError> {
        self.check_args(&args)?;
        self.run(args)
    }

    /// Like [`Function::call`], timing each op into `profile`.
    pub fn call_profiled(
        &self,
        args: &[Tensor],
        profile: &mut Profile,
    ) -> Result<Vec<Tensor>, RunError> {
        self.check_args(args)?;
        let m = &self.module;
        if m.code.is_none() {
            return profile::run_profiled(&m.ctx, m.module, self.name(), args.to_vec(), profile)
                .map_err(|d| self.execution_error(d));
        }
        let before = m.timers.as_ref().map(|t| t.snapshot()).unwrap_or_default();
        let start = std::time::Instant::now();
        let out = self.run(args.to_vec())?;
        let wall = start.elapsed();
        let after = m.timers.as_ref().map(|t| t.snapshot()).unwrap_or_default();
        let kernels: Vec<(String, String, u64, std::time::Duration)> = after
            .into_iter()
            .zip(before)
            .map(|(a, b)| (a.name, a.location, a.calls - b.calls, a.total - b.total))
            .collect();
        let what = if m.timers.is_some() {
            format!("{}: one kernel per called function", m.backend)
        } else {
            format!(
                "{}: compiled without profiling, kernels not timed",
                m.backend
            )
        };
        profile.record_compiled_call(self.name(), &what, wall, &kernels);
        Ok(out)
    }

    fn run(&self, args: Vec<Tensor>) -> Result<Vec<Tensor>, RunError> {
        let m = &self.module;
        let Some(code) = &m.code else {
            // A pipeline that lowered to loops leaves IR for the loop-level
            // interpreter (memref parameters, out-parameters for results).
            if self.is_loop_level() {
                let mut outs = call_with_tensors(&m.ctx, m.module, self.name(), &args)
                    .map_err(|e| self.execution_error(e.to_diagnostic(m.ctx.op(m.module).loc)))?;
                outs.truncate(self.signature.results.len());
                return Ok(outs);
            }
            return run_function(&m.ctx, m.module, self.name(), args)
                .map_err(|d| self.execution_error(d));
        };
        let Some(entry) = code.packed_entry(self.name()) else {
            return Err(RunError::Unsupported {
                function: self.name().to_string(),
                reason: format!(
                    "the {} backend made no entry point for it (only public functions have one)",
                    m.backend
                ),
            });
        };
        // SAFETY: `args` were checked against the source signature, and the
        // lowering gives the compiled function memref parameters of exactly
        // those types followed by one out-parameter per result type.
        Ok(unsafe { host::call_packed(entry, &args, &self.signature.results) })
    }

    /// Whether the function, after the pipeline, takes memrefs.
    fn is_loop_level(&self) -> bool {
        let m = &self.module;
        m.ctx
            .lookup_symbol_in(m.module, self.name())
            .and_then(|f| tessera_dialects::func::function_type(&m.ctx, f))
            .is_some_and(|(inputs, _)| {
                inputs
                    .iter()
                    .any(|&t| matches!(m.ctx.type_data(t), TypeData::MemRef { .. }))
            })
    }

    fn execution_error(&self, d: Diagnostic) -> RunError {
        let rendered = render(&self.module.ctx, std::slice::from_ref(&d));
        RunError::Execution {
            message: d.message,
            rendered,
        }
    }
}

/// Why a function could not be found or called.
#[derive(Clone, PartialEq, Debug)]
pub enum RunError {
    /// The module has no function of that name.
    NoSuchFunction {
        /// The name asked for.
        name: String,
        /// The functions it has.
        available: Vec<String>,
    },
    /// No entry point: the module has no `main` and not exactly one public function.
    NoEntryPoint {
        /// The public functions it has.
        public: Vec<String>,
    },
    /// The function exists but cannot be called through this API.
    Unsupported {
        /// Its name.
        function: String,
        /// Why (no body, a type the backend cannot pass, ...).
        reason: String,
    },
    /// The wrong number of arguments.
    Arity {
        /// The function's name.
        function: String,
        /// How many it takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// An argument of the wrong shape or element type.
    Argument {
        /// Its position, from 0.
        index: usize,
        /// Its name, where the IR carries one.
        name: Option<String>,
        /// The signature's type.
        expected: TensorType,
        /// The given tensor's type (`tensor<1x700xf32>`).
        got: String,
    },
    /// The function failed while running.
    Execution {
        /// The diagnostic's message.
        message: String,
        /// The diagnostic rendered with its location and source snippet.
        rendered: String,
    },
}

fn at_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("@{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoSuchFunction { name, available } if available.is_empty() => {
                write!(f, "no function @{name}: the module has no functions")
            }
            RunError::NoSuchFunction { name, available } => write!(
                f,
                "no function @{name} in the module; it has {}",
                at_list(available)
            ),
            RunError::NoEntryPoint { public } if public.is_empty() => {
                write!(f, "the module has no @main and no public function to run")
            }
            RunError::NoEntryPoint { public } => write!(
                f,
                "the module has no @main and {} public functions ({}); name the one to run",
                public.len(),
                at_list(public)
            ),
            RunError::Unsupported { function, reason } => {
                write!(f, "@{function} cannot be called: {reason}")
            }
            RunError::Arity {
                function,
                expected,
                got,
            } => write!(
                f,
                "@{function} takes {expected} argument{}, but {got} {} given",
                if *expected == 1 { "" } else { "s" },
                if *got == 1 { "was" } else { "were" }
            ),
            RunError::Argument {
                index,
                name,
                expected,
                got,
            } => {
                write!(f, "argument {index}")?;
                if let Some(n) = name {
                    write!(f, " (%{n})")?;
                }
                write!(f, ": expected {expected}, got {got}")
            }
            RunError::Execution { rendered, .. } => f.write_str(rendered.trim_end()),
        }
    }
}

impl std::error::Error for RunError {}

/// The `func.func`s directly in the module, with their signatures.
fn collect_functions(ctx: &Context, module: OpId) -> Vec<FunctionInfo> {
    let Some(body) = ctx.entry_block(module, 0) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for op in ctx.block_ops(body) {
        if !ctx.op_is(op, "func.func") {
            continue;
        }
        let Some(name) = ctx.symbol_name(op) else {
            continue;
        };
        let visibility = ctx
            .attr_data_of(op, "sym_visibility")
            .and_then(AttrData::as_str);
        out.push(FunctionInfo {
            name: name.to_string(),
            public: !matches!(visibility, Some("private" | "nested")),
            signature: signature_of(ctx, op),
        });
    }
    out
}

/// A function's signature, or why the interpreter cannot call it.
fn signature_of(ctx: &Context, func: OpId) -> Result<Signature, String> {
    let Some(entry) = ctx.entry_block(func, 0) else {
        return Err("it is a declaration without a body".to_string());
    };
    let Some(AttrData::Type(ty)) = ctx.attr_data_of(func, "function_type") else {
        return Err("it has no 'function_type' attribute".to_string());
    };
    let TypeData::Function { inputs, results } = ctx.type_data(*ty) else {
        return Err("its 'function_type' is not a function type".to_string());
    };
    let convert = |what: &str, tys: &[tessera_compiler::Type]| {
        tys.iter()
            .enumerate()
            .map(|(i, &t)| {
                TensorType::from_type(ctx, t).map_err(|e| {
                    format!("{what} {i} is not a tensor the interpreter can pass: {e}")
                })
            })
            .collect::<Result<Vec<_>, String>>()
    };
    let arg_names = ctx
        .block(entry)
        .arg_locs
        .iter()
        .map(|&loc| match ctx.loc_data(loc) {
            LocData::Name { name, .. } => Some(ctx.symbol_str(*name).to_string()),
            _ => None,
        })
        .collect();
    Ok(Signature {
        inputs: convert("argument", inputs)?,
        results: convert("result", results)?,
        arg_names,
    })
}

#[cfg(test)]
mod tests {
    use super::graph_level_part;

    #[test]
    fn graph_level_part_stops_before_the_first_conversion() {
        let cut = |p: &str| graph_level_part(p).unwrap();
        assert_eq!(cut(""), "");
        assert_eq!(
            cut("builtin.module(canonicalize,cse)"),
            "builtin.module(canonicalize,cse)"
        );
        assert_eq!(
            cut("builtin.module(canonicalize,convert-graph-to-affine,affine-loop-tile,cse)"),
            "builtin.module(canonicalize)"
        );
        // A conversion inside a nested pipeline ends everything after it too.
        assert_eq!(
            cut("builtin.module(func.func(cse,convert-graph-to-affine,cse),canonicalize)"),
            "builtin.module(func.func(cse))"
        );
        assert_eq!(
            cut("builtin.module(graph-eqsat{node-limit=100},convert-graph-to-affine)"),
            "builtin.module(graph-eqsat{node-limit=100})"
        );
        assert!(graph_level_part("builtin.module(cse").is_err());
    }
}
