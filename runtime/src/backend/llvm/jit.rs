//! The JIT: MCJIT over an optimized module, with every external function
//! the module declares mapped to the runtime's symbol
//! ([`support::symbol_address`]), and the packed entries looked up once.
//!
//! [`LlvmJit`] owns the LLVM context, the module and the execution engine
//! together. The module and engine borrow the context (`'ctx`); the
//! context is boxed so its address is stable, the borrow is extended to
//! `'static` inside this file only, and the fields are declared so that
//! they drop in the order module, engine, context.

use std::collections::HashMap;

use inkwell::context::Context as LlContext;
use inkwell::execution_engine::ExecutionEngine;
use inkwell::module::{Linkage, Module};
use tessera_compiler::{Context, OpId};
use tessera_dialects::func::function_type;

use super::target::{Purpose, build_module, host_machine, opt_level};
use crate::backend::{BackendError, BackendOptions, JitCode, PackedFn, packed_name, support};

/// Machine code for a module's public functions, and what keeps it alive.
pub(super) struct LlvmJit {
    entries: HashMap<String, PackedFn>,
    /// Where each function is, for `perf`.
    symbols: Vec<crate::backend::JitSymbol>,
    // Drop order is declaration order: the module (which only holds a
    // reference to the engine that owns it), then the engine (freeing the
    // code and the module), then the context they were made in.
    _module: Module<'static>,
    _engine: ExecutionEngine<'static>,
    _context: Box<LlContext>,
}

// SAFETY: the LLVM objects are only touched while compiling, inside
// `LlvmJit::new` on one thread; afterwards nothing calls into them until
// the drop, which needs `&mut self` (exclusive access) and may run on any
// thread, since an LLVM context is not tied to the thread that made it.
// The `Rc`s inside inkwell's engine handles are all owned by this struct
// and never handed out, so moving the struct moves every clone together.
// Shared access (`&self`) only reads `entries`, plain function pointers
// into code that is immutable once finalized.
unsafe impl Send for LlvmJit {}
// SAFETY: see `Send`: `&self` reaches only the immutable `entries` map.
unsafe impl Sync for LlvmJit {}

impl LlvmJit {
    /// Compiles `module` and looks up the packed entries of its public
    /// functions.
    pub(super) fn new(
        ctx: &Context,
        module: OpId,
        opts: &BackendOptions,
    ) -> Result<LlvmJit, BackendError> {
        let context = Box::new(LlContext::create());
        // SAFETY: the context lives in a Box owned by the returned struct
        // (or dropped at the end of this function on error, after the
        // module and engine, which are declared later). The heap address
        // does not move when the Box does, and every value borrowing it
        // is dropped before it (field order above, or local drop order
        // here). No `'static` reference leaves this struct.
        let llcx: &'static LlContext = unsafe { &*(context.as_ref() as *const LlContext) };
        let machine = host_machine(opts, false)?;
        let llmod = build_module(llcx, &machine, ctx, module, opts, Purpose::Jit)?;
        check_globals(&llmod)?;
        let engine = llmod
            .create_jit_execution_engine(opt_level(opts))
            .map_err(|e| BackendError::new(format!("LLVM cannot create a JIT: {e}")))?;
        map_externals(&llmod, &engine)?;
        let mut entries = HashMap::new();
        for name in public_functions(ctx, module) {
            let addr = engine
                .get_function_address(&packed_name(&name))
                .map_err(|e| {
                    BackendError::new(format!("the JIT has no entry for '@{name}': {e}"))
                })?;
            if addr == 0 {
                return Err(BackendError::new(format!(
                    "the JIT put '@{name}' at address 0"
                )));
            }
            // SAFETY: the address is that of `_tessera_packed_<name>`, a
            // function we defined with the `PackedFn` signature
            // (`void(void**)`, C calling convention).
            let f: PackedFn = unsafe { std::mem::transmute::<usize, PackedFn>(addr) };
            entries.insert(name, f);
        }
        let symbols = function_symbols(&llmod, &engine);
        Ok(LlvmJit {
            entries,
            symbols,
            _module: llmod,
            _engine: engine,
            _context: context,
        })
    }
}

impl JitCode for LlvmJit {
    fn packed_entry(&self, name: &str) -> Option<PackedFn> {
        self.entries.get(name).copied()
    }

    fn symbols(&self) -> Vec<crate::backend::JitSymbol> {
        self.symbols.clone()
    }
}

/// Where the JIT put each function with a body that it still has (LLVM
/// may have inlined and dropped private ones). MCJIT does not report code
/// sizes, so a function's size is the distance to the next one's start
/// (functions are laid out one after another in its code section), and the
/// last one's is taken as 4 KiB; `perf` only needs the ranges to tell
/// functions apart.
fn function_symbols(
    llmod: &Module<'_>,
    engine: &ExecutionEngine<'_>,
) -> Vec<crate::backend::JitSymbol> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut f = llmod.get_first_function();
    while let Some(func) = f {
        f = func.get_next_function();
        if func.count_basic_blocks() == 0 {
            continue;
        }
        let name = func.get_name().to_string_lossy().into_owned();
        if let Ok(addr) = engine.get_function_address(&name)
            && addr != 0
        {
            found.push((addr, name));
        }
    }
    found.sort();
    let mut symbols = Vec::with_capacity(found.len());
    for (i, (address, name)) in found.iter().enumerate() {
        let size = found
            .get(i + 1)
            .map_or(4096, |(next, _)| next.saturating_sub(*address));
        symbols.push(crate::backend::JitSymbol {
            name: name.clone(),
            address: *address,
            size,
        });
    }
    symbols
}

/// The names of the public functions with a body.
fn public_functions(ctx: &Context, module: OpId) -> Vec<String> {
    let Some(body) = ctx.entry_block(module, 0) else {
        return Vec::new();
    };
    ctx.block_ops(body)
        .filter(|&op| ctx.op_is(op, "func.func") && function_type(ctx, op).is_some())
        .filter(|&op| ctx.entry_block(op, 0).is_some())
        .filter(|&op| {
            !matches!(
                ctx.attr_data_of(op, "sym_visibility"),
                Some(tessera_compiler::AttrData::String(s)) if s != "public"
            )
        })
        .filter_map(|op| ctx.symbol_name(op).map(str::to_string))
        .collect()
}

/// Rejects globals without a definition: the JIT cannot resolve them.
fn check_globals(llmod: &Module<'_>) -> Result<(), BackendError> {
    let mut g = llmod.get_first_global();
    while let Some(global) = g {
        if global.get_initializer().is_none() {
            return Err(BackendError::new(format!(
                "global '@{}' has no initial value; the JIT cannot resolve external globals",
                global.get_name().to_string_lossy()
            )));
        }
        g = global.get_next_global();
    }
    Ok(())
}

/// The C library names the runtime provides: those `math` ops lower to,
/// and those LLVM's code generator may call for an instruction (`frem` is
/// `fmodf`, a rounding instruction may become `roundf`, ...).
fn runtime_names() -> Vec<String> {
    let mut names: Vec<String> = tessera_dialects::math::MathOp::ALL
        .iter()
        .flat_map(|op| [true, false].map(|f32| support::libm_name(op.name(), f32)))
        .flatten()
        .collect();
    for base in [
        "fmod",
        "fma",
        "sqrt",
        "floor",
        "ceil",
        "trunc",
        "round",
        "roundeven",
        "copysign",
    ] {
        names.push(base.to_string());
        names.push(format!("{base}f"));
    }
    names.extend(["malloc", "free"].map(String::from));
    names.retain(|n| support::symbol_address(n).is_some());
    names
}

/// Maps every function the module declares (but does not define) to the
/// runtime's function of that name, and declares and maps the rest of the
/// runtime's functions too, since LLVM's code generator may call them
/// (e.g. `fmodf` for `frem`) without a declaration in the module.
fn map_externals(llmod: &Module<'_>, engine: &ExecutionEngine<'_>) -> Result<(), BackendError> {
    let mut f = llmod.get_first_function();
    while let Some(func) = f {
        f = func.get_next_function();
        if func.count_basic_blocks() > 0 || func.get_intrinsic_id() != 0 {
            continue;
        }
        let name = func.get_name().to_string_lossy().into_owned();
        let addr = support::symbol_address(&name).ok_or_else(|| {
            BackendError::new(format!(
                "function '@{name}' is declared but not defined, and the runtime has no \
                 function of that name"
            ))
        })?;
        engine.add_global_mapping(&func, addr as usize);
    }
    let void_fn = llmod.get_context().void_type().fn_type(&[], false);
    for name in runtime_names() {
        if llmod.get_function(&name).is_some() {
            continue;
        }
        // The type does not matter: the mapping is by name.
        let decl = llmod.add_function(&name, void_fn, Some(Linkage::External));
        if let Some(addr) = support::symbol_address(&name) {
            engine.add_global_mapping(&decl, addr as usize);
        }
    }
    Ok(())
}
