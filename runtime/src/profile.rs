//! Per-kernel timing of interpreted calls: what `tensor-run --profile`
//! prints.
//!
//! For the interpreter, every op is its own kernel, so a row is one op of
//! the IR (its name and `file:line:col`), and three `graph.matmul`s of an
//! MLP are three rows: the table says which layer costs what. A
//! `func.call` is timed as one row for the whole callee. Time spent between
//! ops (bookkeeping of live values) is the `(interpreter)` row, so shares
//! add up to the wall time of the profiled calls.
//!
//! [`run_profiled`] walks the entry function itself, calling the
//! interpreter's per-op entry point
//! ([`eval_op`](tessera_dialects::interp::eval::eval_op)) between clock
//! reads; callees run through
//! [`run_function`](tessera_dialects::interp::eval::run_function). Its
//! results equal a plain call's (checked in the tests). Once the
//! interpreter exposes a per-op hook this walk can go.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use tessera_compiler::diag::file_pos;
use tessera_compiler::{AttrData, Context, Diagnostic, OpId, Value};
use tessera_dialects::graph::ops::family_of;
use tessera_dialects::graph::types::TensorType;
use tessera_dialects::interp::eval::{eval_op, run_function};

use crate::Tensor;

/// One kernel's totals.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProfileRow {
    /// What it computes: the op name (`graph.matmul`), or
    /// `func.call @callee`.
    pub name: String,
    /// Where its op is, `file:line:col` (or `@function` without a location).
    pub location: String,
    /// How many times it ran.
    pub calls: u64,
    /// Time spent in it over all runs.
    pub total: Duration,
}

/// Timings gathered over one or more profiled calls.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    rows: Vec<ProfileRow>,
    index: HashMap<OpId, usize>,
    runs: u64,
    wall: Duration,
    function: String,
    /// What ran: `interpreter: one kernel per op`, or the backend.
    what: String,
    /// Rows of compiled kernels, by name.
    kernel_index: HashMap<String, usize>,
}

impl Profile {
    /// An empty profile.
    pub fn new() -> Self {
        Self::default()
    }

    /// The rows, slowest first (ties in order of first run).
    pub fn rows(&self) -> Vec<&ProfileRow> {
        let mut rows: Vec<&ProfileRow> = self.rows.iter().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.total));
        rows
    }

    /// How many calls were profiled.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// The wall time of the profiled calls.
    pub fn wall_time(&self) -> Duration {
        self.wall
    }

    /// The wall time not spent in any kernel.
    pub fn overhead(&self) -> Duration {
        let kernels: Duration = self.rows.iter().map(|r| r.total).sum();
        self.wall.saturating_sub(kernels)
    }

    /// The table: kernel, location, calls, total time, share of the wall time.
    pub fn render(&self) -> String {
        let bar = "===-------------------------------------------------------------------------===";
        let mut out = format!("{bar}\n{:>50}\n{bar}\n", "... Execution profile ...");
        let runs = self.runs;
        let _ = writeln!(
            out,
            "  Total: {} in {runs} call{} of @{} ({})",
            ms(self.wall),
            if runs == 1 { "" } else { "s" },
            self.function,
            if self.what.is_empty() {
                "interpreter: one kernel per op"
            } else {
                &self.what
            }
        );
        let name_w = self
            .rows
            .iter()
            .map(|r| r.name.len())
            .chain([14])
            .max()
            .unwrap_or(14);
        let loc_w = self
            .rows
            .iter()
            .map(|r| r.location.len())
            .chain([8])
            .max()
            .unwrap_or(8);
        let _ = writeln!(
            out,
            "  {:<name_w$}  {:<loc_w$}  {:>6}  {:>12}  {:>6}",
            "kernel", "location", "calls", "total", "share"
        );
        let share = |d: Duration| {
            if self.wall.is_zero() {
                0.0
            } else {
                100.0 * d.as_secs_f64() / self.wall.as_secs_f64()
            }
        };
        let mut line = |name: &str, loc: &str, calls: u64, total: Duration| {
            let _ = writeln!(
                out,
                "  {name:<name_w$}  {loc:<loc_w$}  {calls:>6}  {:>12}  {:>5.1}%",
                ms(total),
                share(total)
            );
        };
        for r in self.rows() {
            line(&r.name, &r.location, r.calls, r.total);
        }
        let rest = if self.what.is_empty() {
            "(interpreter)"
        } else {
            "(outside kernels)"
        };
        line(rest, "", runs, self.overhead());
        line("total", "", runs, self.wall);
        out
    }

    /// Adds one profiled call of compiled code to `function`: its wall
    /// time, and for each kernel the calls and time it took during it.
    /// `what` says what ran (`llvm: one kernel per fused group`).
    pub fn record_compiled_call(
        &mut self,
        function: &str,
        what: &str,
        wall: Duration,
        kernels: &[(String, String, u64, Duration)],
    ) {
        self.runs += 1;
        self.wall += wall;
        self.function = function.to_string();
        self.what = what.to_string();
        for (name, location, calls, total) in kernels {
            let i = *self.kernel_index.entry(name.clone()).or_insert_with(|| {
                self.rows.push(ProfileRow {
                    name: name.clone(),
                    location: location.clone(),
                    calls: 0,
                    total: Duration::ZERO,
                });
                self.rows.len() - 1
            });
            self.rows[i].calls += calls;
            self.rows[i].total += *total;
        }
    }

    fn record(&mut self, ctx: &Context, op: OpId, name: String, function: &str, d: Duration) {
        let i = *self.index.entry(op).or_insert_with(|| {
            let location = match file_pos(ctx, ctx.op(op).loc) {
                Some(p) => format!("{}:{}:{}", ctx.symbol_str(p.file), p.line, p.col),
                None => format!("@{function}"),
            };
            self.rows.push(ProfileRow {
                name,
                location,
                calls: 0,
                total: Duration::ZERO,
            });
            self.rows.len() - 1
        });
        self.rows[i].calls += 1;
        self.rows[i].total += d;
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// Runs `func_name` of `module` like
/// [`run_function`](tessera_dialects::interp::eval::run_function), timing
/// each op into `profile`. The arguments must already match the signature.
pub fn run_profiled(
    ctx: &Context,
    module: OpId,
    func_name: &str,
    args: Vec<Tensor>,
    profile: &mut Profile,
) -> Result<Vec<Tensor>, Diagnostic> {
    let start = Instant::now();
    let result = walk(ctx, module, func_name, args, profile);
    profile.wall += start.elapsed();
    profile.runs += 1;
    profile.function = func_name.to_string();
    result
}

fn walk(
    ctx: &Context,
    module: OpId,
    func_name: &str,
    args: Vec<Tensor>,
    profile: &mut Profile,
) -> Result<Vec<Tensor>, Diagnostic> {
    let mloc = ctx.op(module).loc;
    let func = ctx
        .lookup_symbol_in(module, func_name)
        .filter(|&f| ctx.op_is(f, "func.func"))
        .ok_or_else(|| {
            Diagnostic::error(mloc, format!("no function @{func_name} in the module"))
        })?;
    let floc = ctx.op(func).loc;
    let blocks = ctx
        .op(func)
        .regions
        .first()
        .map(|&r| ctx.region(r).blocks.clone())
        .unwrap_or_default();
    let [entry] = blocks[..] else {
        return Err(Diagnostic::error(
            floc,
            format!(
                "function @{func_name} has {} blocks; the interpreter runs single-block functions",
                blocks.len()
            ),
        ));
    };

    // Each live value with its remaining uses, dropped after the last.
    let mut live: Live = HashMap::new();
    let define = |live: &mut Live, v: Value, t: Tensor| {
        let uses = ctx.uses(v).len();
        if uses > 0 {
            live.insert(v, (t, uses));
        }
    };
    for (&v, t) in ctx.block_args(entry).iter().zip(args) {
        define(&mut live, v, t);
    }
    for op in ctx.block_ops(entry) {
        let loc = ctx.op(op).loc;
        let op_name = ctx.op_name_of(op);
        let operands = &ctx.op(op).operands;
        if op_name == "func.return" {
            let mut out = Vec::with_capacity(operands.len());
            for v in operands {
                out.push(get(&live, v, loc)?.clone());
            }
            return Ok(out);
        }
        let outs = if op_name == "func.call" {
            let callee = match ctx.attr_data_of(op, "callee") {
                Some(AttrData::SymbolRef { root, nested }) if nested.is_empty() => {
                    ctx.symbol_str(*root)
                }
                _ => {
                    return Err(Diagnostic::error(
                        loc,
                        "'func.call' op needs a 'callee' symbol reference such as @f",
                    ));
                }
            };
            let args = operands
                .iter()
                .map(|v| get(&live, v, loc).cloned())
                .collect::<Result<Vec<_>, _>>()?;
            let start = Instant::now();
            let outs = run_function(ctx, module, callee, args)
                .map_err(|d| d.with_note(loc, format!("in the call to @{callee} here")))?;
            profile.record(
                ctx,
                op,
                format!("func.call @{callee}"),
                func_name,
                start.elapsed(),
            );
            check_results(ctx, op, &outs)?;
            outs
        } else if let Some(family) = family_of(op_name) {
            let ins = operands
                .iter()
                .map(|v| get(&live, v, loc))
                .collect::<Result<Vec<_>, _>>()?;
            let start = Instant::now();
            let out = eval_op(ctx, op, family, &ins)
                .map_err(|e| Diagnostic::error(loc, format!("'{op_name}' op {e}")))?;
            profile.record(ctx, op, op_name.to_string(), func_name, start.elapsed());
            vec![out]
        } else {
            return Err(Diagnostic::error(
                loc,
                format!("the interpreter cannot evaluate '{op_name}'"),
            ));
        };
        for v in operands {
            if let Some((_, n)) = live.get_mut(v) {
                *n -= 1;
                if *n == 0 {
                    live.remove(v);
                }
            }
        }
        for (&r, t) in ctx.op(op).results.iter().zip(outs) {
            define(&mut live, r, t);
        }
    }
    Err(Diagnostic::error(
        floc,
        format!("function @{func_name} ends without func.return"),
    ))
}

type Live = HashMap<Value, (Tensor, usize)>;

/// The value of `v`, or an error at `loc` if it has none.
fn get<'a>(
    live: &'a Live,
    v: &Value,
    loc: tessera_compiler::Location,
) -> Result<&'a Tensor, Diagnostic> {
    live.get(v).map(|(t, _)| t).ok_or_else(|| {
        Diagnostic::error(loc, "an operand has no value (used before it is defined?)")
    })
}

/// Checks a call's results against the call op's result types.
fn check_results(ctx: &Context, op: OpId, outs: &[Tensor]) -> Result<(), Diagnostic> {
    let loc = ctx.op(op).loc;
    let results = &ctx.op(op).results;
    if outs.len() != results.len() {
        return Err(Diagnostic::error(
            loc,
            format!(
                "the callee returned {} values, but the call has {} results",
                outs.len(),
                results.len()
            ),
        ));
    }
    for (i, (t, &r)) in outs.iter().zip(results).enumerate() {
        let ty = TensorType::from_type(ctx, ctx.value_type(r))
            .map_err(|e| Diagnostic::error(loc, format!("result {i} of the call: {e}")))?;
        let same = t.elem_type() == ty.elem
            && t.shape()
                .iter()
                .map(|&d| d as i64)
                .eq(ty.shape.iter().copied());
        if !same {
            return Err(Diagnostic::error(
                loc,
                format!(
                    "result {i} of the call has type {}, but {ty} is expected",
                    t.type_string()
                ),
            ));
        }
    }
    Ok(())
}
