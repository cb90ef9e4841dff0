//! What property and differential tests need around the generator: a
//! context with every dialect, running pipelines and the interpreter,
//! comparing results with the spec's tolerances, and failure reports that
//! carry the seed and the program text so a failure can be reproduced.

use std::fmt::Write;

use tessera_compiler::diag::render;
use tessera_compiler::pass::{PassManager, PassRegistry};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, OpId};
use tessera_dialects::interp::eval::run_function;
use tessera_dialects::interp::value::Tensor;

use super::{GenConfig, GeneratedProgram, generate, random_inputs};

/// The spec's relative tolerance for an `f32` result against the
/// float64 reference.
pub const SPEC_RTOL: f64 = 1e-5;
/// The spec's absolute tolerance for an `f32` result.
pub const SPEC_ATOL: f64 = 1e-6;
/// The spec's relative tolerance for reductions (sums, means, matmul, ...).
pub const REDUCTION_RTOL: f64 = 1e-4;

/// Checks that `actual` matches `expected`: as many results, each of the
/// same element type and shape, and every element within
/// `atol + rtol * |expected|` (NumPy's `allclose`); integers and booleans
/// must be equal, NaN equals NaN, and an infinity equals only the
/// infinity of the same sign. The error names the first differing result
/// and element.
pub fn assert_same_results(
    actual: &[Tensor],
    expected: &[Tensor],
    rtol: f64,
    atol: f64,
) -> Result<(), String> {
    if actual.len() != expected.len() {
        return Err(format!(
            "{} results, but {} expected",
            actual.len(),
            expected.len()
        ));
    }
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        if a.elem_type() != e.elem_type() || a.shape() != e.shape() {
            return Err(format!(
                "result #{i} is a {}, but a {} is expected",
                a.type_string(),
                e.type_string()
            ));
        }
        a.allclose(e, rtol, atol)
            .map_err(|m| format!("result #{i} ({}): {m}", e.type_string()))?;
    }
    Ok(())
}

/// A context with every dialect of `tessera-dialects` registered.
pub fn new_context() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

/// A pass registry with every pass of `tessera-passes`.
pub fn pass_registry() -> PassRegistry {
    let mut registry = PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    registry
}

/// `op` printed in the default (custom) form.
pub fn print(ctx: &Context, op: OpId) -> String {
    print_op(ctx, op, &PrintOptions::default())
}

/// `op` printed in MLIR's generic form.
pub fn print_generic(ctx: &Context, op: OpId) -> String {
    let options = PrintOptions {
        generic: true,
        ..PrintOptions::default()
    };
    print_op(ctx, op, &options)
}

/// `op` printed in the default form with every location (`loc(...)`).
pub fn print_with_locs(ctx: &Context, op: OpId) -> String {
    let options = PrintOptions {
        debug_locs: true,
        ..PrintOptions::default()
    };
    print_op(ctx, op, &options)
}

/// Parses `text` as a module named `file` in `ctx`, rendering errors.
pub fn parse(ctx: &mut Context, text: &str, file: &str) -> Result<OpId, String> {
    let config = ParseConfig {
        file_name: file.to_string(),
        line_offset: 0,
    };
    parse_module(ctx, text, &config).map_err(|d| render(ctx, &d))
}

/// One generated program in its own context, with what a test does to
/// it: run it, transform it, and report a failure with everything needed
/// to reproduce it.
pub struct Case {
    /// The context holding the program.
    pub ctx: Context,
    /// The configuration it was generated with.
    pub cfg: GenConfig,
    /// The program (its module may have been transformed since).
    pub program: GeneratedProgram,
    /// The program's text as generated.
    pub original: String,
}

impl Case {
    /// Generates the program of `cfg`.
    pub fn new(cfg: GenConfig) -> Case {
        let mut ctx = new_context();
        let program = generate(&mut ctx, &cfg);
        let original = print(&ctx, program.module);
        Case {
            ctx,
            cfg,
            program,
            original,
        }
    }

    /// The module as it is now, in custom form.
    pub fn text(&self) -> String {
        print(&self.ctx, self.program.module)
    }

    /// Arguments for `@main` drawn with `seed`.
    pub fn inputs(&self, seed: u64) -> Vec<Tensor> {
        random_inputs(&self.ctx, &self.program, seed)
    }

    /// Verifies the module, rendering errors.
    pub fn verify(&self) -> Result<(), String> {
        verify(&self.ctx, self.program.module).map_err(|d| render(&self.ctx, &d))
    }

    /// Runs `@main` on `inputs` with the reference interpreter.
    pub fn run(&self, inputs: &[Tensor]) -> Result<Vec<Tensor>, String> {
        run_function(
            &self.ctx,
            self.program.module,
            &self.program.func_name,
            inputs.to_vec(),
        )
        .map_err(|d| render(&self.ctx, &[d]))
    }

    /// Runs the pass pipeline `pipeline` (e.g. `canonicalize,cse`) on the
    /// module, which the pass manager verifies after each pass.
    pub fn run_pipeline(&mut self, pipeline: &str) -> Result<(), String> {
        let registry = pass_registry();
        let mut pm = PassManager::parse(&registry, pipeline)
            .map_err(|e| format!("bad pipeline: {}", e.render(pipeline)))?;
        pm.run(&mut self.ctx, self.program.module)
            .map(|_warnings| ())
            .map_err(|d| render(&self.ctx, &d))
    }

    /// A failure report: what failed, the seed and configuration, how to
    /// rerun, the program as generated and, if it changed, as it is now.
    pub fn failure(&self, what: &str, message: &str) -> String {
        let mut out = String::new();
        let seed = self.cfg.seed;
        let _ = writeln!(out, "progen seed {seed}: {what}\n{message}");
        let _ = writeln!(out, "config: {:?}", self.cfg);
        let _ = writeln!(
            out,
            "rerun this seed alone: PROGEN_SEED={seed} cargo test -p tessera-tests --test progen"
        );
        let _ = writeln!(out, "--- program (seed {seed}) ---\n{}", self.original);
        let now = self.text();
        if now != self.original {
            let _ = writeln!(out, "--- after transformation ---\n{now}");
        }
        out
    }
}
