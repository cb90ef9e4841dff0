// --bench N: one warm-up call, N timed calls, the compile time on its own
// line; --profile: a per-kernel table on stderr (one kernel per op for the
// interpreter, located in the source). Without --backend, llvm runs,
// quietly. (-O0 keeps the ops: at -O2 canonicalize folds this constant
// program.)
// RUN: tensor-run %s --bench 4 2>%t.err | FileCheck %s --check-prefix=BENCH
// RUN: FileCheck %s --check-prefix=QUIET --allow-empty < %t.err
// RUN: tensor-run %s --backend interp -O0 --profile 2>&1 >/dev/null | FileCheck %s --check-prefix=PROFILE

// BENCH: compile: {{[0-9]+\.[0-9]+}} ms
// BENCH-NEXT: bench: median {{[0-9]+\.[0-9]+}} us, min {{[0-9]+\.[0-9]+}} us, 4 runs
// BENCH-NEXT: result 0: tensor<8x8xf32>

// QUIET-NOT: {{.}}

// PROFILE: ... Execution profile ...
// PROFILE: Total: {{.*}} in 1 call of @main (interpreter: one kernel per op)
// PROFILE-NEXT: kernel location calls total share
// PROFILE-DAG: graph.matmul {{.*}}bench-profile.mlir:[[@LINE+8]]:8 1 {{[0-9.]+}} ms {{[0-9.]+}}%
// PROFILE-DAG: graph.tanh {{.*}}bench-profile.mlir:[[@LINE+8]]:8 1
// PROFILE-DAG: graph.constant {{.*}}bench-profile.mlir:[[@LINE+5]]:8
// PROFILE: (interpreter)
// PROFILE-NEXT: total 1 {{[0-9.]+}} ms 100.0%

func.func @main() -> tensor<8x8xf32> {
  %a = graph.constant {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %m = graph.matmul %a, %a : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %t = graph.tanh %m : (tensor<8x8xf32>) -> tensor<8x8xf32>
  func.return %t : tensor<8x8xf32>
}
