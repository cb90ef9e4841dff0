//! The `vector` dialect: SIMD vectors, with MLIR 19's syntax and meaning.

use tessera_compiler::{Context, DialectDef};

/// Registers the `vector` dialect in `ctx`.
pub fn register(ctx: &mut Context) {
    ctx.register_dialect(
        DialectDef::new(
            "vector",
            "SIMD vectors: loads, stores, broadcasts, reductions",
        ),
        vec![],
    );
}
