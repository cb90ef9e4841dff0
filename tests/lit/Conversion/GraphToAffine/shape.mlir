// convert-graph-to-affine on the shape ops: each is a copy nest whose
// affine subscripts do the work. mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null

// reshape reads through the row-major linear index of the result.
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3x4xf32>, %[[OUT:[^:]*]]: memref<4x6xf32>) {
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 6 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][(%[[I]] * 6 + %[[J]]) floordiv 12, ((%[[I]] * 6 + %[[J]]) floordiv 4) mod 3, (%[[I]] * 6 + %[[J]]) mod 4] : memref<2x3x4xf32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]]] : memref<4x6xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  func.return %0 : tensor<4x6xf32>
}

// transpose with perm [2, 0, 1]: out[i, j, k] = x[j, k, i].
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3x4xi32>, %[[OUT:[^:]*]]: memref<4x2x3xi32>) {
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 3 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[J]], %[[K]], %[[I]]] : memref<2x3x4xi32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]], %[[K]]] : memref<4x2x3xi32>
func.func @transpose(%x: tensor<2x3x4xi32>) -> tensor<4x2x3xi32> {
  %0 = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xi32>) -> tensor<4x2x3xi32>
  func.return %0 : tensor<4x2x3xi32>
}

// broadcast_to: a new leading dim and a stretched one (index 0).
// CHECK-LABEL: func.func @broadcast_to(
// CHECK-SAME: %[[X:[^:]*]]: memref<3x1xf64>, %[[OUT:[^:]*]]: memref<2x3x4xf64>) {
// CHECK: %[[V:.*]] = affine.load %[[X]][%[[J:.*]], 0] : memref<3x1xf64>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%{{.*}}, %[[J]], %{{.*}}] : memref<2x3x4xf64>
func.func @broadcast_to(%x: tensor<3x1xf64>) -> tensor<2x3x4xf64> {
  %0 = graph.broadcast_to %x : (tensor<3x1xf64>) -> tensor<2x3x4xf64>
  func.return %0 : tensor<2x3x4xf64>
}

// concat: one nest per operand, at its offset along the axis.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x1xf32>, %[[B:[^:]*]]: memref<2x3xf32>, %[[OUT:[^:]*]]: memref<2x4xf32>) {
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 1 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[A]][%[[I]], %[[J]]] : memref<2x1xf32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]]] : memref<2x4xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[B]][%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]] + 1] : memref<2x4xf32>
func.func @concat(%a: tensor<2x1xf32>, %b: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<2x4xf32>
  func.return %0 : tensor<2x4xf32>
}

// slice reads at start + stride * i.
// CHECK-LABEL: func.func @slice(
// CHECK-SAME: %[[X:[^:]*]]: memref<5x6xf32>, %[[OUT:[^:]*]]: memref<2x3xf32>) {
// CHECK: %[[V:.*]] = affine.load %[[X]][%[[I:.*]] * 2 + 1, %[[J:.*]] * 2] : memref<5x6xf32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]]] : memref<2x3xf32>
func.func @slice(%x: tensor<5x6xf32>) -> tensor<2x3xf32> {
  %0 = graph.slice %x {starts = array<i64: 1, 0>, limits = array<i64: 4, 6>, strides = array<i64: 2, 2>} : (tensor<5x6xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// pad fills with the value (cast to i64: truncated toward zero), then
// copies the operand at offset low.
// CHECK-LABEL: func.func @pad(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3xi64>, %[[OUT:[^:]*]]: memref<3x6xi64>) {
// CHECK-NEXT: %[[C:.*]] = arith.constant -7 : i64
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 6 {
// CHECK-NEXT: affine.store %[[C]], %[[OUT]][%[[I]], %[[J]]] : memref<3x6xi64>
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]]] : memref<2x3xi64>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]] + 1, %[[J]] + 2] : memref<3x6xi64>
func.func @pad(%x: tensor<2x3xi64>) -> tensor<3x6xi64> {
  %0 = graph.pad %x {low = array<i64: 1, 2>, high = array<i64: 0, 1>, value = -7.9 : f64} : (tensor<2x3xi64>) -> tensor<3x6xi64>
  func.return %0 : tensor<3x6xi64>
}

// gather reads at a run-time index: a negative one counts from the end,
// and the result is clamped into range so that no read is out of bounds.
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[X:[^:]*]]: memref<4x3xf32>, %[[IDX:[^:]*]]: memref<2xi32>, %[[OUT:[^:]*]]: memref<4x2xf32>) {
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[N:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[LAST:.*]] = arith.constant 2 : index
// CHECK: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 2 {
// CHECK-NEXT: %[[RAW:.*]] = affine.load %[[IDX]][%[[J]]] : memref<2xi32>
// CHECK-NEXT: %[[K:.*]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpi slt, %[[K]], %[[ZERO]] : index
// CHECK-NEXT: %[[W:.*]] = arith.addi %[[K]], %[[N]] : index
// CHECK-NEXT: %[[K2:.*]] = arith.select %[[NEG]], %[[W]], %[[K]] : index
// CHECK-NEXT: %[[K3:.*]] = arith.minsi %[[K2]], %[[LAST]] : index
// CHECK-NEXT: %[[K4:.*]] = arith.maxsi %[[K3]], %[[ZERO]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[X]][%[[I]], %[[K4]]] : memref<4x3xf32>
// CHECK-NEXT: affine.store %[[V]], %[[OUT]][%[[I]], %[[J]]] : memref<4x2xf32>
func.func @gather(%x: tensor<4x3xf32>, %i: tensor<2xi32>) -> tensor<4x2xf32> {
  %0 = graph.gather %x, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  func.return %0 : tensor<4x2xf32>
}
