// --split-input-file processes each chunk on its own and joins the outputs
// with marker lines; errors keep the line numbers of the whole file.
// RUN: tensor-opt %s --split-input-file | FileCheck %s
// RUN: tensor-opt %s | FileCheck %s --check-prefix=WHOLE

// CHECK-LABEL: func.func @first(
// CHECK-NOT: @second
// CHECK: // -----
// CHECK-LABEL: func.func @second(
// CHECK-NOT: @first

// Without the flag the markers are comments: one module.
// WHOLE-NOT: // -----
// WHOLE: @first
// WHOLE: @second
func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}

// -----

func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.neg"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}
