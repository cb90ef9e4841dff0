// tensor-opt prints what it reads, in the custom form by default and in
// the generic form on request; its output reads back to the same text.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt < %s | FileCheck %s
// RUN: cat %s | tensor-opt - | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: graph.add
// CHECK: graph.relu
// CHECK: return

// GENERIC: "builtin.module"()
// GENERIC: "func.func"()
// GENERIC: "graph.add"
// GENERIC: "graph.relu"
// GENERIC: "func.return"
func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "graph.add"(%x, %y) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "graph.relu"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %1 : tensor<2x3xf32>
}
