//! Per-kernel timing of compiled code: what `tensor-run --profile` prints
//! for the LLVM and Cranelift backends.
//!
//! Compiling with profiling on ([`CompileOptions::profile`](crate::CompileOptions))
//! instruments the loop-level IR before code generation: every
//! `func.call` of a function with a body (the kernels `graph-fuse` made,
//! and any other callee) is bracketed by calls of two runtime functions,
//!
//! ```mlir
//! func.call @_tessera_profile_enter(%table, %id) : (i64, i64) -> ()
//! func.call @kernel0_matmul_add_relu(%arg0, %0) : (memref<1x784xf32>, memref<1x512xf32>) -> ()
//! func.call @_tessera_profile_exit(%table, %id) : (i64, i64) -> ()
//! ```
//!
//! where `%table` is the address of the module's [`KernelTimers`] and `%id`
//! the callee's row. Both backends resolve the two declarations through
//! [`support::symbol_address`](crate::backend::support::symbol_address),
//! like `expf`. The instrumented code is the code that runs, so the table
//! measures it, not an imitation; a call costs two clock reads more.
//! (Profiling is a compile option, not a per-call switch, for that reason.)

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tessera_compiler::diag::file_pos;
use tessera_compiler::ir::OperationState;
use tessera_compiler::{AttrData, Context, OpId};

/// Call counts and time per instrumented callee, updated by compiled code
/// from any thread.
#[derive(Debug)]
pub struct KernelTimers {
    rows: Vec<TimerRow>,
}

/// One callee's counters.
#[derive(Debug)]
struct TimerRow {
    name: String,
    location: String,
    calls: AtomicU64,
    nanos: AtomicU64,
}

/// One callee's totals at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelTotals {
    /// `func.call @callee`.
    pub name: String,
    /// The first call site, `file:line:col`.
    pub location: String,
    /// Calls so far.
    pub calls: u64,
    /// Time spent in it so far.
    pub total: Duration,
}

impl KernelTimers {
    /// The totals of every row, in row order.
    pub fn snapshot(&self) -> Vec<KernelTotals> {
        self.rows
            .iter()
            .map(|r| KernelTotals {
                name: r.name.clone(),
                location: r.location.clone(),
                calls: r.calls.load(Ordering::Relaxed),
                total: Duration::from_nanos(r.nanos.load(Ordering::Relaxed)),
            })
            .collect()
    }
}

thread_local! {
    /// The start times of the kernels running on this thread, innermost last.
    static STARTS: RefCell<Vec<Instant>> = const { RefCell::new(Vec::new()) };
}

/// Called by compiled code before a kernel call.
pub(crate) extern "C" fn profile_enter(_table: i64, _id: i64) {
    STARTS.with(|s| s.borrow_mut().push(Instant::now()));
}

/// Called by compiled code after a kernel call: adds the time since the
/// matching [`profile_enter`] to row `id` of `table`.
pub(crate) extern "C" fn profile_exit(table: i64, id: i64) {
    let Some(start) = STARTS.with(|s| s.borrow_mut().pop()) else {
        return;
    };
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    // SAFETY: `table` is the address of the `KernelTimers` that the
    // compiled module owns and that outlives its code (see `instrument`).
    let timers = unsafe { &*(table as usize as *const KernelTimers) };
    if let Some(row) = usize::try_from(id).ok().and_then(|i| timers.rows.get(i)) {
        row.calls.fetch_add(1, Ordering::Relaxed);
        row.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// The names compiled code calls the two hooks by.
pub(crate) const ENTER: &str = "_tessera_profile_enter";
/// See [`ENTER`].
pub(crate) const EXIT: &str = "_tessera_profile_exit";

/// Instruments every call of a function with a body in `module` (see the
/// [module docs](self)) and returns the timers the instrumented code
/// updates. The returned box must outlive the code compiled from the
/// module: its address is baked into it.
pub fn instrument(ctx: &mut Context, module: OpId) -> Box<KernelTimers> {
    let body = ctx.module_body(module);
    let funcs: Vec<OpId> = ctx
        .block_ops(body)
        .filter(|&f| ctx.op_is(f, "func.func"))
        .collect();
    let has_body = |ctx: &Context, name: &str| {
        ctx.lookup_symbol_in(module, name)
            .is_some_and(|f| ctx.entry_block(f, 0).is_some())
    };
    // The call sites, and a row per callee in order of first call.
    let mut rows: Vec<TimerRow> = Vec::new();
    let mut sites: Vec<(OpId, usize)> = Vec::new();
    for &f in &funcs {
        for op in ctx.walk_preorder(f) {
            if !ctx.op_is(op, "func.call") {
                continue;
            }
            let Some(AttrData::SymbolRef { root, .. }) = ctx.attr_data_of(op, "callee") else {
                continue;
            };
            let callee = ctx.symbol_str(*root).to_string();
            if !has_body(ctx, &callee) {
                continue;
            }
            let name = format!("func.call @{callee}");
            let row = match rows.iter().position(|r| r.name == name) {
                Some(i) => i,
                None => {
                    let location = match file_pos(ctx, ctx.op(op).loc) {
                        Some(p) => format!("{}:{}:{}", ctx.symbol_str(p.file), p.line, p.col),
                        None => format!("@{callee}"),
                    };
                    rows.push(TimerRow {
                        name,
                        location,
                        calls: AtomicU64::new(0),
                        nanos: AtomicU64::new(0),
                    });
                    rows.len() - 1
                }
            };
            sites.push((op, row));
        }
    }
    let timers = Box::new(KernelTimers { rows });
    if sites.is_empty() {
        return timers;
    }
    let table = &*timers as *const KernelTimers as usize as i64;
    declare_hook(ctx, module, ENTER);
    declare_hook(ctx, module, EXIT);
    for (call, row) in sites {
        let loc = ctx.op(call).loc;
        let table_v = constant_i64(ctx, call, table, loc);
        let id_v = constant_i64(ctx, call, row as i64, loc);
        let enter = hook_call(ctx, ENTER, &[table_v, id_v], loc);
        ctx.insert_op_before(call, enter);
        let exit = hook_call(ctx, EXIT, &[table_v, id_v], loc);
        ctx.insert_op_after(call, exit);
    }
    timers
}

/// `arith.constant value : i64` right before `before`.
fn constant_i64(
    ctx: &mut Context,
    before: OpId,
    value: i64,
    loc: tessera_compiler::Location,
) -> tessera_compiler::Value {
    let i64_ty = ctx.i64_type();
    let attr = ctx.int_attr(i128::from(value), i64_ty);
    let name = ctx.op_name("arith.constant");
    let value_sym = ctx.symbol("value");
    let op = ctx.create_op(
        OperationState::new(name, loc)
            .results(&[i64_ty])
            .attr(value_sym, attr),
    );
    ctx.insert_op_before(before, op);
    ctx.result(op, 0)
}

fn hook_call(
    ctx: &mut Context,
    hook: &str,
    args: &[tessera_compiler::Value],
    loc: tessera_compiler::Location,
) -> OpId {
    let name = ctx.op_name("func.call");
    let callee_sym = ctx.symbol("callee");
    let callee = ctx.symbol_ref_attr(hook);
    ctx.create_op(
        OperationState::new(name, loc)
            .operands(args)
            .attr(callee_sym, callee),
    )
}

/// `func.func private @hook(i64, i64)` at the end of the module, once.
fn declare_hook(ctx: &mut Context, module: OpId, hook: &str) {
    if ctx.lookup_symbol_in(module, hook).is_some() {
        return;
    }
    let i64_ty = ctx.i64_type();
    let fn_type = ctx.function_type(&[i64_ty, i64_ty], &[]);
    let loc = ctx.op(module).loc;
    let region = ctx.create_region();
    let name = ctx.op_name("func.func");
    let sym_name = ctx.symbol("sym_name");
    let name_attr = ctx.str_attr(hook);
    let type_sym = ctx.symbol("function_type");
    let type_attr = ctx.type_attr(fn_type);
    let vis_sym = ctx.symbol("sym_visibility");
    let private = ctx.str_attr("private");
    let decl = ctx.create_op(
        OperationState::new(name, loc)
            .attr(sym_name, name_attr)
            .attr(type_sym, type_attr)
            .attr(vis_sym, private)
            .region(region),
    );
    let body = ctx.module_body(module);
    ctx.append_op(body, decl);
}
