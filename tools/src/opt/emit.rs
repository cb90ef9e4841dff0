//! `--emit`: what `tensor-opt` writes after the pipeline.
//!
//! `mlir` prints the IR; `dot` draws each function's graph-level dataflow
//! (`tessera_passes::graph::dot`); `llvm`, `asm` and `obj` translate the
//! loop-level module with the LLVM backend, `clif` with Cranelift. `obj`
//! is binary: it needs `-o FILE`, and writes the C header declaring the
//! entry points beside it (`FILE` with the extension `.h`).

use tessera_compiler::syntax::{PrintOptions, print_op};
use tessera_compiler::{Context, OpId};

/// The output kinds of `--emit`.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum EmitKind {
    /// The IR as MLIR text.
    Mlir,
    /// LLVM IR text, optimized.
    Llvm,
    /// Cranelift IR text.
    Clif,
    /// Assembly for the host CPU.
    Asm,
    /// An object file for the host CPU (and a C header).
    Obj,
    /// Graphviz DOT of each function's dataflow.
    Dot,
}

impl EmitKind {
    /// The kind named `name` on the command line.
    pub fn from_name(name: &str) -> Option<EmitKind> {
        Some(match name {
            "mlir" => EmitKind::Mlir,
            "llvm" => EmitKind::Llvm,
            "clif" => EmitKind::Clif,
            "asm" => EmitKind::Asm,
            "obj" => EmitKind::Obj,
            "dot" => EmitKind::Dot,
            _ => return None,
        })
    }

    /// Whether the output is binary (one module only, and only to a file).
    pub fn is_binary(self) -> bool {
        self == EmitKind::Obj
    }
}

/// What one module emits: the main output, and for `obj` the C header.
pub struct Emitted {
    /// The bytes for `-o` (or stdout).
    pub main: Vec<u8>,
    /// The C header to write beside an object file.
    pub header: Option<String>,
}

/// Emits `module` as `kind`. The error is one sentence for stderr.
pub fn emit(
    kind: EmitKind,
    ctx: &Context,
    module: OpId,
    print_options: &PrintOptions,
) -> Result<Emitted, String> {
    let text = |s: String| Emitted {
        main: s.into_bytes(),
        header: None,
    };
    match kind {
        EmitKind::Mlir => Ok(text(print_op(ctx, module, print_options))),
        EmitKind::Dot => Ok(text(tessera_passes::graph::dot::module_dot(ctx, module))),
        EmitKind::Llvm | EmitKind::Clif | EmitKind::Asm | EmitKind::Obj => {
            backend_emit(kind, ctx, module)
        }
    }
}

/// Translates the loop-level module with a backend. Graph-level or affine
/// input must be lowered first (`-O2` does), as `mlir-translate` needs.
fn backend_emit(kind: EmitKind, ctx: &Context, module: OpId) -> Result<Emitted, String> {
    use tessera_runtime::backend::{BackendOptions, cranelift, llvm};
    let takes_tensors = |op: OpId| {
        ctx.op_is(op, "func.func")
            && tessera_dialects::func::function_type(ctx, op).is_some_and(|(ins, outs)| {
                ins.iter()
                    .chain(outs)
                    .any(|&t| matches!(ctx.type_data(t), tessera_compiler::TypeData::Tensor { .. }))
            })
    };
    let above = ctx.walk_preorder(module).into_iter().find(|&op| {
        let name = ctx.op_name_of(op);
        name.starts_with("graph.") || name.starts_with("affine.") || takes_tensors(op)
    });
    if let Some(op) = above {
        let what = if takes_tensors(op) {
            format!(
                "@{} still takes or returns tensors",
                ctx.symbol_name(op).unwrap_or("?")
            )
        } else {
            format!("'{}' is still here", ctx.op_name_of(op))
        };
        return Err(format!(
            "--emit needs loop-level IR (scf, arith, math, memref, vector), but {what}; \
             lower it first, e.g. with -O2"
        ));
    }
    let opts = BackendOptions::default();
    let text = |r: Result<String, tessera_runtime::backend::BackendError>| {
        r.map(|s| Emitted {
            main: s.into_bytes(),
            header: None,
        })
        .map_err(|e| e.message)
    };
    match kind {
        EmitKind::Llvm => text(llvm::emit_llvm_ir(ctx, module, &opts)),
        EmitKind::Asm => text(llvm::emit_asm(ctx, module, &opts)),
        EmitKind::Clif => text(cranelift::emit_clif(ctx, module, &opts)),
        _ => {
            let object = llvm::emit_object(ctx, module, &opts).map_err(|e| e.message)?;
            let header = llvm::emit_c_header(ctx, module).map_err(|e| e.message)?;
            Ok(Emitted {
                main: object,
                header: Some(header),
            })
        }
    }
}
