// Tessera and mlir-opt read each other's output: mlir-opt-19 reads our
// generic form, and we read what mlir-opt-19 prints, custom or generic,
// with debug locations and attribute aliases.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | mlir-opt-19 --allow-unregistered-dialect | FileCheck %s
// RUN: mlir-opt-19 %s --allow-unregistered-dialect | tensor-opt --allow-unregistered-dialect | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s --allow-unregistered-dialect --mlir-print-op-generic --mlir-print-debuginfo | tensor-opt --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

#transpose = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: func.func @main(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: "graph.matmul"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: arith.constant dense<1.000000e+00> : tensor<2x4xf32>
// CHECK: "graph.add"
// CHECK: return
// BACK-LABEL: func.func @main(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>) -> tensor<2x4xf32>
// BACK: graph.matmul %arg0, %arg1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// BACK: arith.constant dense<1.000000e+00> : tensor<2x4xf32>
// BACK: graph.add
// BACK: func.return
// LOC: func.func @main(%arg0: tensor<2x3xf32> loc("{{.*}}mlir-opt-compat.mlir":[[@LINE+3]]:17), %arg1: tensor<3x4xf32> loc(
// LOC-NEXT: graph.matmul %arg0, %arg1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32> loc("{{.*}}mlir-opt-compat.mlir":[[@LINE+3]]:8)
// LOC-NEXT: arith.constant dense<1.000000e+00> : tensor<2x4xf32> loc("{{.*}}mlir-opt-compat.mlir":[[@LINE+3]]:10)
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = "graph.matmul"(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %one = arith.constant dense<1.0> : tensor<2x4xf32>
  %1 = "graph.add"(%0, %one) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %1 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @scalars(%arg0: f32, %arg1: i64) -> (f32, i64)
// CHECK: arith.constant 0x7FC00000 : f32
// CHECK: arith.constant 0.123456789 : f64
// CHECK: arith.constant -9223372036854775808 : i64
// BACK-LABEL: func.func @scalars(%arg0: f32, %arg1: i64) -> (f32, i64)
// BACK: arith.constant 0x7FC00000 : f32
// BACK: arith.constant 1.23456789e-01 : f64
// BACK: arith.constant -9223372036854775808 : i64
func.func @scalars(%a: f32, %b: i64) -> (f32, i64) {
  %nan = arith.constant 0x7FC00000 : f32
  %d = arith.constant 0.123456789 : f64
  %min = arith.constant -9223372036854775808 : i64
  %0 = arith.mulf %a, %nan : f32
  %1 = arith.subi %b, %min : i64
  %2 = "test.use"(%d) {map = #transpose, perm = array<i64: 1, 0>, big = dense<"0x0000803F000000400000404000008040"> : tensor<4xf32>} : (f64) -> f64
  func.return %0, %1 : f32, i64
}
