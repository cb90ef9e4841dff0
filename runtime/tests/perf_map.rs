//! Both backends say where each compiled function is, and
//! `write_perf_map` writes that in `perf`'s format, so `perf top` names
//! JIT code.

use tessera_compiler::Context;
use tessera_compiler::syntax::{ParseConfig, parse_module};
use tessera_runtime::backend::{BackendOptions, JitCode, cranelift, llvm, write_perf_map};

const ADD: &str = "func.func @add_one(%a: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %a[%i] : memref<16xf32>
    %y = arith.addf %x, %one : f32
    memref.store %y, %out[%i] : memref<16xf32>
  }
  return
}";

fn compiled(backend: &str) -> Box<dyn JitCode> {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    let config = ParseConfig {
        file_name: "add.mlir".into(),
        line_offset: 0,
    };
    let module = parse_module(&mut ctx, ADD, &config).unwrap();
    let opts = BackendOptions::default();
    match backend {
        "llvm" => llvm::compile(&ctx, module, &opts),
        _ => cranelift::compile(&ctx, module, &opts),
    }
    .unwrap_or_else(|e| panic!("{backend}: {e}"))
}

#[test]
fn both_backends_place_their_functions_for_perf() {
    for backend in ["llvm", "cranelift"] {
        let code = compiled(backend);
        let symbols = code.symbols();
        let entry = code.packed_entry("add_one").unwrap() as usize;
        let packed = symbols
            .iter()
            .find(|s| s.name.ends_with("_tessera_packed_add_one"))
            .unwrap_or_else(|| panic!("{backend}: {symbols:?}"));
        assert_eq!(
            packed.address, entry,
            "{backend}: the entry is where it says"
        );
        assert!(packed.size > 0, "{backend}: {symbols:?}");
        // Functions do not overlap.
        let mut ranges: Vec<(usize, usize)> = symbols
            .iter()
            .map(|s| (s.address, s.address + s.size))
            .collect();
        ranges.sort();
        assert!(
            ranges.windows(2).all(|w| w[0].1 <= w[1].0),
            "{backend}: {symbols:?}"
        );

        let path = write_perf_map(&symbols).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let line = format!("{:x} {:x} {}", packed.address, packed.size, packed.name);
        assert!(text.lines().any(|l| l == line), "{backend}: {text}");
    }
}
