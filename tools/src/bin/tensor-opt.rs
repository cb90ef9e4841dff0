//! `tensor-opt`: reads MLIR text, runs a pass pipeline, prints the IR; the
//! command line is `shared/spec/tools.md`'s and `tessera_tools::opt`'s.

use std::process::ExitCode;

fn main() -> ExitCode {
    tessera_tools::opt_main("tensor-opt", |ctx, registry| {
        tessera_dialects::register_all(ctx);
        tessera_passes::register_all(registry);
    })
}
