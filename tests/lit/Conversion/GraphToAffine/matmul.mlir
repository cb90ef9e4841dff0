// convert-graph-to-affine on graph.matmul: a nest zeroes the output, then
// a perfect nest batch.., i, k, j accumulates out[.., i, j] += a[.., i, k]
// * b[.., k, j] in the output buffer (j innermost: unit stride on b and
// out, a[i, k] invariant; a perfect nest tiles directly). Batch dims
// broadcast: a stretched one reads index 0. mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x3xf32>, %[[B:[^:]*]]: memref<3x4xf32>, %[[OUT:[^:]*]]: memref<2x4xf32>) {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT: affine.store %[[ZERO]], %[[OUT]][%[[I]], %[[J]]] : memref<2x4xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT: %[[X:.*]] = affine.load %[[A]][%[[I]], %[[K]]] : memref<2x3xf32>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[B]][%[[K]], %[[J]]] : memref<3x4xf32>
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[OUT]][%[[I]], %[[J]]] : memref<2x4xf32>
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: affine.store %[[S]], %[[OUT]][%[[I]], %[[J]]] : memref<2x4xf32>
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %0 : tensor<2x4xf32>
}

// Batch [2, 1] with [5] broadcasts to [2, 5]; integers wrap.
// CHECK-LABEL: func.func @batched(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x1x2x3xi32>, %[[B:[^:]*]]: memref<5x3x4xi32>, %[[OUT:[^:]*]]: memref<2x5x2x4xi32>) {
// CHECK: affine.store %{{.*}}, %[[OUT]]
// CHECK: affine.for %[[B0:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[B1:.*]] = 0 to 5 {
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT: %[[X:.*]] = affine.load %[[A]][%[[B0]], 0, %[[I]], %[[K]]] : memref<2x1x2x3xi32>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[B]][%[[B1]], %[[K]], %[[J]]] : memref<5x3x4xi32>
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[OUT]][%[[B0]], %[[B1]], %[[I]], %[[J]]] : memref<2x5x2x4xi32>
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[X]], %[[Y]] : i32
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT: affine.store %[[S]], %[[OUT]][%[[B0]], %[[B1]], %[[I]], %[[J]]] : memref<2x5x2x4xi32>
func.func @batched(%a: tensor<2x1x2x3xi32>, %b: tensor<5x3x4xi32>) -> tensor<2x5x2x4xi32> {
  %0 = graph.matmul %a, %b : (tensor<2x1x2x3xi32>, tensor<5x3x4xi32>) -> tensor<2x5x2x4xi32>
  func.return %0 : tensor<2x5x2x4xi32>
}
