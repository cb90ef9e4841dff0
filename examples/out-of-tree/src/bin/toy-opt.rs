//! `toy-opt`: `tensor-opt` with the `toy` dialect and its passes, made
//! with one call to `tessera_tools::opt_main`. Every flag of `tensor-opt`
//! works, and `--toy-lower-to-graph` besides.

use std::process::ExitCode;

fn main() -> ExitCode {
    tessera_tools::opt_main("toy-opt", |ctx, registry| {
        // Tessera's own dialects and passes ...
        tessera_dialects::register_all(ctx);
        tessera_passes::register_all(registry);
        // ... and ours.
        tessera_example_out_of_tree::register_dialects(ctx);
        tessera_example_out_of_tree::register_passes(registry);
    })
}
