//! The host ISA, the JIT module, and the compiled code it owns.

use std::collections::HashMap;
use std::sync::Mutex;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{ModuleError, default_libcall_names};

use crate::backend::{BackendError, BackendOptions, JitCode, PackedFn, support};

/// The host's ISA (with every feature `cranelift-native` detects, AVX2
/// and FMA included) and the flags this backend compiles with.
pub(crate) fn host_isa(opts: &BackendOptions) -> Result<OwnedTargetIsa, BackendError> {
    let mut flags = settings::builder();
    let opt = if opts.opt_level == 0 { "none" } else { "speed" };
    for (name, value) in [
        ("opt_level", opt),
        // The JIT patches absolute addresses into the code.
        ("is_pic", "false"),
        ("use_colocated_libcalls", "false"),
        // Functions return memrefs as several descriptor fields.
        ("enable_multi_ret_implicit_sret", "true"),
        // Large `memref.alloca`s must not jump over the guard page.
        ("enable_probestack", "true"),
        ("probestack_strategy", "inline"),
    ] {
        flags
            .set(name, value)
            .map_err(|e| BackendError::new(format!("Cranelift setting {name}={value}: {e}")))?;
    }
    let isa = cranelift_native::builder()
        .map_err(|e| BackendError::new(format!("Cranelift does not support this host: {e}")))?;
    isa.finish(settings::Flags::new(flags))
        .map_err(|e| BackendError::new(format!("Cranelift ISA: {e}")))
}

/// A JIT module for the host whose imports resolve to the runtime's
/// symbols ([`support::symbol_address`]) first, then the process's.
pub(crate) fn new_module(opts: &BackendOptions) -> Result<JITModule, BackendError> {
    let mut builder = JITBuilder::with_isa(host_isa(opts)?, default_libcall_names());
    // Lookup functions are tried last-added first.
    builder.symbol_lookup_fn(Box::new(support::symbol_address));
    Ok(JITModule::new(builder))
}

/// A message for a module error; verifier and code generation errors
/// show the function they are about.
pub(crate) fn describe(e: ModuleError, func: &cranelift_codegen::ir::Function) -> String {
    match e {
        ModuleError::Compilation(ce) => cranelift_codegen::print_errors::pretty_error(func, ce),
        other => other.to_string(),
    }
}

/// Finalized code: the packed entries of a module's public functions.
pub(crate) struct CraneliftCode {
    entries: HashMap<String, PackedFn>,
    /// Where each function is, for `perf`.
    symbols: Vec<crate::backend::JitSymbol>,
    /// Owns the code and data memory, freed on drop. Never used through
    /// `&self`; the mutex makes this type `Sync` (a `JITModule` is `Send`
    /// but not `Sync`) without an `unsafe impl`.
    module: Mutex<Option<JITModule>>,
}

impl CraneliftCode {
    /// Takes ownership of `module`, whose memory is freed when this is dropped.
    pub(crate) fn new(module: JITModule) -> Self {
        CraneliftCode {
            entries: HashMap::new(),
            symbols: Vec::new(),
            module: Mutex::new(Some(module)),
        }
    }

    /// The module, to define and finalize code in.
    pub(crate) fn module(&mut self) -> &mut JITModule {
        self.module
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            .expect("the module lives until drop")
    }

    /// Records the packed entry of `name` at `code`, a finalized function
    /// of the module.
    pub(crate) fn add_entry(&mut self, name: String, code: *const u8) {
        // SAFETY: `code` is a finalized function of this module built with
        // the `PackedFn` signature (one pointer argument, no result), and
        // it stays valid as long as `self` owns the module.
        let f = unsafe { std::mem::transmute::<*const u8, PackedFn>(code) };
        self.entries.insert(name, f);
    }
}

impl CraneliftCode {
    /// Records where a finalized function is.
    pub(crate) fn add_symbol(&mut self, symbol: crate::backend::JitSymbol) {
        self.symbols.push(symbol);
    }
}

impl JitCode for CraneliftCode {
    fn packed_entry(&self, name: &str) -> Option<PackedFn> {
        self.entries.get(name).copied()
    }

    fn symbols(&self) -> Vec<crate::backend::JitSymbol> {
        self.symbols.clone()
    }
}

impl Drop for CraneliftCode {
    fn drop(&mut self) {
        let slot = self.module.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(module) = slot.take() {
            // SAFETY: `JitCode`'s contract is that dropping it frees the
            // code: callers stop calling its entries before. Having `&mut
            // self`, no call through `self` is in progress.
            unsafe { module.free_memory() };
        }
    }
}

/// `JITModule` must be `Send` for [`CraneliftCode`] to be `Send + Sync`.
const _: fn() = || {
    fn send<T: Send>() {}
    send::<JITModule>();
};
