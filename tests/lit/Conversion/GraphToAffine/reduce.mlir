// convert-graph-to-affine on the reductions. reduce_* accumulate in the
// output: a nest stores the identity, a nest over the operand combines
// each element into its output position (index 0 along a kept reduced
// dim), reduce_mean divides afterwards. argmax, softmax and log_softmax
// carry their running values in iter_args along the axis.
// mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null

// CHECK-LABEL: func.func @reduce_sum(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3x4xf32>, %[[OUT:[^:]*]]: memref<2x1x1xf32>) {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 1 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 1 {
// CHECK-NEXT: affine.store %[[ZERO]], %[[OUT]][%[[I]], %[[J]], %[[K]]] : memref<2x1x1xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 4 {
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[OUT]][%[[I]], 0, 0] : memref<2x1x1xf32>
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]], %[[K]]] : memref<2x3x4xf32>
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT: affine.store %[[S]], %[[OUT]][%[[I]], 0, 0] : memref<2x1x1xf32>
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = graph.reduce_sum %x {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  func.return %0 : tensor<2x1x1xf32>
}

// CHECK-LABEL: func.func @reduce_mean(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3xf64>, %[[OUT:[^:]*]]: memref<3xf64>) {
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-DAG: %[[N:.*]] = arith.constant 2.000000e+00 : f64
// CHECK: %[[ACC:.*]] = affine.load %[[OUT]][%[[J:.*]]] : memref<3xf64>
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%{{.*}}, %[[J]]] : memref<2x3xf64>
// CHECK-NEXT: arith.addf %[[ACC]], %[[V]] : f64
// CHECK: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: %[[S:.*]] = affine.load %[[OUT]][%[[J]]] : memref<3xf64>
// CHECK-NEXT: %[[M:.*]] = arith.divf %[[S]], %[[N]] : f64
// CHECK-NEXT: affine.store %[[M]], %[[OUT]][%[[J]]] : memref<3xf64>
func.func @reduce_mean(%x: tensor<2x3xf64>) -> tensor<3xf64> {
  %0 = graph.reduce_mean %x {axes = array<i64: 0>} : (tensor<2x3xf64>) -> tensor<3xf64>
  func.return %0 : tensor<3xf64>
}

// Integer identities are the extremes of the type; products start at 1.
// CHECK-LABEL: func.func @reduce_int(
// CHECK-SAME: %[[X:[^:]*]]: memref<4xi32>, %[[MAX:[^:]*]]: memref<i32>, %[[MIN:[^:]*]]: memref<i32>, %[[PROD:[^:]*]]: memref<i32>) {
// CHECK-DAG: %[[LO:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[HI:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: affine.store %[[LO]], %[[MAX]][] : memref<i32>
// CHECK: arith.maxsi
// CHECK: affine.store %[[HI]], %[[MIN]][] : memref<i32>
// CHECK: arith.minsi
// CHECK: affine.store %[[ONE]], %[[PROD]][] : memref<i32>
// CHECK: arith.muli
func.func @reduce_int(%x: tensor<4xi32>) -> (tensor<i32>, tensor<i32>, tensor<i32>) {
  %0 = graph.reduce_max %x {axes = array<i64: 0>} : (tensor<4xi32>) -> tensor<i32>
  %1 = graph.reduce_min %x {axes = array<i64: 0>} : (tensor<4xi32>) -> tensor<i32>
  %2 = graph.reduce_prod %x {axes = array<i64: 0>} : (tensor<4xi32>) -> tensor<i32>
  func.return %0, %1, %2 : tensor<i32>, tensor<i32>, tensor<i32>
}

// On i1, max is any (or from false) and min is all (and from true).
// CHECK-LABEL: func.func @reduce_bool(
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK: affine.store %[[F]]
// CHECK: arith.ori
// CHECK: affine.store %[[T]]
// CHECK: arith.andi
func.func @reduce_bool(%x: tensor<4xi1>) -> (tensor<i1>, tensor<i1>) {
  %0 = graph.reduce_max %x {axes = array<i64: 0>} : (tensor<4xi1>) -> tensor<i1>
  %1 = graph.reduce_min %x {axes = array<i64: 0>} : (tensor<4xi1>) -> tensor<i1>
  func.return %0, %1 : tensor<i1>, tensor<i1>
}

// Float max starts at -inf and propagates NaN (maximumf).
// CHECK-LABEL: func.func @reduce_max_f(
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: affine.store %[[NINF]]
// CHECK: arith.maximumf
func.func @reduce_max_f(%x: tensor<4xf32>) -> tensor<f32> {
  %0 = graph.reduce_max %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<f32>
  func.return %0 : tensor<f32>
}

// argmax starts from element 0 and takes a later one only if it is
// greater (the first index wins ties) or a NaN (nothing beats a NaN).
// CHECK-LABEL: func.func @argmax(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x5xf32>, %[[OUT:[^:]*]]: memref<2xi64>) {
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i64
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: %[[V0:.*]] = affine.load %[[X]][%[[I]], 0] : memref<2x5xf32>
// CHECK-NEXT: %[[R:.*]]:2 = affine.for %[[K:.*]] = 1 to 5 iter_args(%[[B:.*]] = %[[V0]], %[[BI:.*]] = %[[Z]]) -> (f32, i64) {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[K]]] : memref<2x5xf32>
// CHECK-NEXT: %[[ORD:.*]] = arith.cmpf ord, %[[B]], %[[B]] : f32
// CHECK-NEXT: %[[GT:.*]] = arith.cmpf ugt, %[[V]], %[[B]] : f32
// CHECK-NEXT: %[[TAKE:.*]] = arith.andi %[[ORD]], %[[GT]] : i1
// CHECK-NEXT: %[[NB:.*]] = arith.select %[[TAKE]], %[[V]], %[[B]] : f32
// CHECK-NEXT: %[[KI:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK-NEXT: %[[NBI:.*]] = arith.select %[[TAKE]], %[[KI]], %[[BI]] : i64
// CHECK-NEXT: affine.yield %[[NB]], %[[NBI]] : f32, i64
// CHECK-NEXT: }
// CHECK-NEXT: affine.store %[[R]]#1, %[[OUT]][%[[I]]] : memref<2xi64>
func.func @argmax(%x: tensor<2x5xf32>) -> tensor<2xi64> {
  %0 = graph.argmax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2xi64>
  func.return %0 : tensor<2xi64>
}

// softmax along axis 0: per column, the max, the sum of exp(x - max),
// then exp(x - max) / sum.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:[^:]*]]: memref<3x2xf32>, %[[OUT:[^:]*]]: memref<3x2xf32>) {
// CHECK-DAG: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: affine.for %[[J:.*]] = 0 to 2 {
// CHECK-NEXT: %[[MAX:.*]] = affine.for %[[I:.*]] = 0 to 3 iter_args(%[[M:.*]] = %[[NINF]]) -> (f32) {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]]] : memref<3x2xf32>
// CHECK-NEXT: %[[M2:.*]] = arith.maximumf %[[M]], %[[V]] : f32
// CHECK-NEXT: affine.yield %[[M2]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[SUM:.*]] = affine.for %[[I:.*]] = 0 to 3 iter_args(%[[S:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]]] : memref<3x2xf32>
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %[[MAX]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: %[[S2:.*]] = arith.addf %[[S]], %[[E]] : f32
// CHECK-NEXT: affine.yield %[[S2]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]]] : memref<3x2xf32>
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %[[MAX]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[E]], %[[SUM]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[OUT]][%[[I]], %[[J]]] : memref<3x2xf32>
func.func @softmax(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = graph.softmax %x {axis = 0 : i64} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  func.return %0 : tensor<3x2xf32>
}

// log_softmax: x - max - log(sum).
// CHECK-LABEL: func.func @log_softmax(
// CHECK: %[[LOG:.*]] = math.log %{{.*}} : f32
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: %[[V:.*]] = affine.load %{{.*}}[%{{.*}}, %[[I]]] : memref<3x2xf32>
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %{{.*}} : f32
// CHECK-NEXT: %[[R:.*]] = arith.subf %[[D]], %[[LOG]] : f32
func.func @log_softmax(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = graph.log_softmax %x {axis = -1 : i64} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  func.return %0 : tensor<3x2xf32>
}
