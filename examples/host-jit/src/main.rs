//! A host program that uses Tessera as a library: compiles a tensor program
//! with the LLVM JIT, calls it on a `.npy` input, prints the results and
//! how long compiling and calling took.
//!
//! ```text
//! cargo run --release -p tessera-example-host-jit -- examples/mlp.mlir examples/mlp/x.npy [--backend cranelift]
//! ```

use std::time::Instant;

use anyhow::{Context, bail};
use tessera_runtime::format::format_tensor;
use tessera_runtime::npy::read_npy;
use tessera_runtime::{Backend, CompileOptions, Engine, Pipeline};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (model, input, backend) = match &args[..] {
        [m, i] => (m, i, Backend::Llvm),
        [m, i, flag, b] if flag == "--backend" => {
            let backend =
                Backend::from_name(b).with_context(|| format!("unknown backend '{b}'"))?;
            (m, i, backend)
        }
        _ => bail!("usage: host-jit MODEL.mlir INPUT.npy [--backend llvm|cranelift|interp]"),
    };

    let engine = Engine::new();
    let options = CompileOptions {
        pipeline: Pipeline::O(2),
        backend,
        ..Default::default()
    };
    let start = Instant::now();
    // Compile errors render their diagnostics (file:line:col and a snippet).
    let module = engine
        .compile_file(model.as_ref(), &options)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let compile = start.elapsed();
    let main = module.entry_point()?;
    println!("{model}: @{}{}", main.name(), main.signature());

    let x = read_npy(input.as_ref()).with_context(|| format!("reading {input}"))?;
    // The call checks the input's shape and element type first.
    let results = main.call(std::slice::from_ref(&x))?;
    for (k, r) in results.iter().enumerate() {
        println!("result {k}: {}\n{}", r.type_string(), format_tensor(r));
    }

    let runs = 100;
    let start = Instant::now();
    for _ in 0..runs {
        main.call(std::slice::from_ref(&x))?;
    }
    let per_call = start.elapsed() / runs;
    println!(
        "{backend}: compiled in {:.1} ms, {:.1} us per call ({runs} calls)",
        compile.as_secs_f64() * 1e3,
        per_call.as_secs_f64() * 1e6
    );
    Ok(())
}
