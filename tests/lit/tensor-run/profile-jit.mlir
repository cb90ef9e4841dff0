// --profile on compiled code: the code is instrumented around each call of
// a kernel (a function graph-fuse outlined), so the table has one row per
// kernel, located at its call (the kernel's last op), plus the time outside
// kernels. (A pipeline without folds keeps this constant program's ops.)
// RUN: tensor-run %s --backend llvm --pass-pipeline='builtin.module(graph-fuse)' --profile 2>&1 >/dev/null | FileCheck %s
// RUN: tensor-run %s --backend cranelift --pass-pipeline='builtin.module(graph-fuse)' --profile 2>&1 >/dev/null | FileCheck %s
// Without --profile nothing is instrumented, and the results are the same.
// RUN: tensor-run %s --backend llvm --pass-pipeline='builtin.module(graph-fuse)' | FileCheck %s --check-prefix=RESULT
// RUN: tensor-run %s --backend llvm --pass-pipeline='builtin.module(graph-fuse)' --profile 2>/dev/null | FileCheck %s --check-prefix=RESULT

// CHECK: Total: {{.*}} in 1 call of @main ({{llvm|cranelift}}: one kernel per called function)
// CHECK-NEXT: kernel location calls total share
// CHECK-DAG: func.call @kernel0_matmul_tanh {{.*}}profile-jit.mlir:[[@LINE+11]]:8 1 {{[0-9.]+}} ms
// CHECK-DAG: func.call @kernel1_reduce_sum {{.*}}profile-jit.mlir:[[@LINE+11]]:8 1 {{[0-9.]+}} ms
// CHECK: (outside kernels) 1
// CHECK-NEXT: total 1 {{[0-9.]+}} ms 100.0%

// RESULT: result 0: tensor<8xf32>
// RESULT-NEXT: [8. 8. 8. 8. 8. 8. 8. 8.]

func.func @main() -> tensor<8xf32> {
  %a = graph.constant {value = dense<2.0> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %m = graph.matmul %a, %a : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %t = graph.tanh %m : (tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = graph.reduce_sum %t {axes = array<i64: 1>, keepdims = false} : (tensor<8x8xf32>) -> tensor<8xf32>
  func.return %s : tensor<8xf32>
}
