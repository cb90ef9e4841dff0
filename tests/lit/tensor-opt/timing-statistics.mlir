// --pass-statistics and --pass-timing print reports to stderr.
// RUN: tensor-opt %s -O2 --pass-statistics --pass-timing 2>&1 >/dev/null | FileCheck %s

// CHECK: ... Pass statistics report ...
// CHECK: 'builtin.module' Pipeline
// CHECK: cse
// CHECK: ... Execution time report ...
// CHECK: Total Execution Time: {{[0-9.]+}} seconds
// CHECK: parser
// CHECK: cse
// CHECK: output
// CHECK: (100.0%)  Total
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "graph.add"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %2 : tensor<4xf32>
}
