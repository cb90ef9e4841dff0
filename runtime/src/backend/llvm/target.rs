//! The host target: LLVM's one-time initialization, the host target
//! machine, and building plus optimizing a module for it (shared by the
//! JIT and the emitters).

use std::sync::OnceLock;

use inkwell::OptimizationLevel;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::context::Context as LlContext;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use tessera_compiler::{Context, OpId};

use super::translate::Translator;
use crate::backend::{BackendError, BackendOptions};

/// Initializes LLVM's native target once per process.
fn init() -> Result<(), BackendError> {
    static INIT: OnceLock<Result<(), String>> = OnceLock::new();
    INIT.get_or_init(|| Target::initialize_native(&InitializationConfig::default()))
        .clone()
        .map_err(|e| BackendError::new(format!("cannot initialize LLVM's native target: {e}")))
}

/// The host's CPU name and features, as LLVM names them.
pub(super) fn host_cpu() -> (String, String) {
    (
        TargetMachine::get_host_cpu_name().to_string(),
        TargetMachine::get_host_cpu_features().to_string(),
    )
}

/// LLVM's optimization level for `opts.opt_level` (above 3 is 3).
pub(super) fn opt_level(opts: &BackendOptions) -> OptimizationLevel {
    match opts.opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    }
}

/// A target machine for the host CPU; `pic` for object files.
pub(super) fn host_machine(
    opts: &BackendOptions,
    pic: bool,
) -> Result<TargetMachine, BackendError> {
    init()?;
    let triple: TargetTriple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple)
        .map_err(|e| BackendError::new(format!("no LLVM target for the host: {e}")))?;
    let (cpu, features) = host_cpu();
    let reloc = if pic {
        RelocMode::PIC
    } else {
        RelocMode::Default
    };
    target
        .create_target_machine(
            &triple,
            &cpu,
            &features,
            opt_level(opts),
            reloc,
            CodeModel::Default,
        )
        .ok_or_else(|| BackendError::new("LLVM cannot create a target machine for the host"))
}

/// What a module is built for.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(super) enum Purpose {
    /// The JIT: packed entries only.
    Jit,
    /// Object, assembly or IR text: also the `_mlir_ciface_` wrappers.
    Emit,
}

/// Translates `module` into a new LLVM module in `llcx` for the host,
/// verifies it and optimizes it at `opts.opt_level`.
pub(super) fn build_module<'ctx>(
    llcx: &'ctx LlContext,
    machine: &TargetMachine,
    ctx: &Context,
    module: OpId,
    opts: &BackendOptions,
    purpose: Purpose,
) -> Result<Module<'ctx>, BackendError> {
    let llmod = llcx.create_module("tessera");
    llmod.set_triple(&machine.get_triple());
    let data = machine.get_target_data();
    llmod.set_data_layout(&data.get_data_layout());
    Translator::translate_module(ctx, module, llcx, &llmod, &data, purpose, opts.threads)?;
    set_host_attributes(llcx, &llmod);
    llmod.verify().map_err(|e| {
        BackendError::new(format!(
            "the LLVM backend produced invalid LLVM IR (a backend bug): {e}"
        ))
    })?;
    let level = opts.opt_level.min(3);
    llmod
        .run_passes(
            &format!("default<O{level}>"),
            machine,
            PassBuilderOptions::create(),
        )
        .map_err(|e| BackendError::new(format!("LLVM's optimizer failed: {e}")))?;
    Ok(llmod)
}

/// Gives every defined function the host CPU and its features (so the
/// code generator may use every instruction the host has) and `nounwind`
/// (nothing we generate unwinds).
fn set_host_attributes(llcx: &LlContext, llmod: &Module<'_>) {
    let (cpu, features) = host_cpu();
    let cpu_attr = llcx.create_string_attribute("target-cpu", &cpu);
    let features_attr = llcx.create_string_attribute("target-features", &features);
    let nounwind = llcx.create_enum_attribute(Attribute::get_named_enum_kind_id("nounwind"), 0);
    let mut f = llmod.get_first_function();
    while let Some(func) = f {
        if func.count_basic_blocks() > 0 {
            func.add_attribute(AttributeLoc::Function, cpu_attr);
            func.add_attribute(AttributeLoc::Function, features_attr);
            func.add_attribute(AttributeLoc::Function, nounwind);
        }
        f = func.get_next_function();
    }
}
