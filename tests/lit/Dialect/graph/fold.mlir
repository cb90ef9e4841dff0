// RUN: tensor-opt %s --canonicalize | FileCheck %s

// Folds of the graph dialect: constants through ops, exact identities,
// chains merged by patterns, and the folds that must not happen.

// CHECK-LABEL: func.func @constant_add
// CHECK-NEXT:    %[[C:.*]] = graph.constant {value = dense<[1.100000e+01, 2.200000e+01]> : tensor<2xf32>} : () -> tensor<2xf32>
// CHECK-NEXT:    return %[[C]]
func.func @constant_add() -> tensor<2xf32> {
  %a = graph.constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = graph.constant {value = dense<10.0> : tensor<f32>} : () -> tensor<f32>
  %m = graph.mul %a, %b : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %r = graph.add %m, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// A folded one-element result is stored as a splat, as the parser stores
// it, so it prints the same before and after a round trip and equal
// constants are merged.
// CHECK-LABEL: func.func @one_element_is_a_splat
// CHECK-NEXT:    %[[C:.*]] = graph.constant {value = dense<1.000000e+00> : tensor<1xf32>}
// CHECK-NEXT:    return %[[C]], %[[C]]
func.func @one_element_is_a_splat() -> (tensor<1xf32>, tensor<1xf32>) {
  %c = graph.constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = graph.slice %c {starts = array<i64: 0>, limits = array<i64: 1>} : (tensor<2xf32>) -> tensor<1xf32>
  %one = graph.constant {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  func.return %s, %one : tensor<1xf32>, tensor<1xf32>
}

// Splats fold at any size: one element is computed.
// CHECK-LABEL: func.func @splat_mul
// CHECK-NEXT:    %[[C:.*]] = graph.constant {value = dense<6.000000e+00> : tensor<1024x1024xf32>}
// CHECK-NEXT:    return %[[C]]
func.func @splat_mul() -> tensor<1024x1024xf32> {
  %a = graph.constant {value = dense<2.0> : tensor<1024x1024xf32>} : () -> tensor<1024x1024xf32>
  %b = graph.constant {value = dense<3.0> : tensor<1024xf32>} : () -> tensor<1024xf32>
  %r = graph.mul %a, %b : (tensor<1024x1024xf32>, tensor<1024xf32>) -> tensor<1024x1024xf32>
  func.return %r : tensor<1024x1024xf32>
}

// Shape ops on small constants fold too.
// CHECK-LABEL: func.func @constant_transpose
// CHECK-NEXT:    %[[C:.*]] = graph.constant {value = dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi32>}
// CHECK-NEXT:    return %[[C]]
func.func @constant_transpose() -> tensor<2x2xi32> {
  %a = graph.constant {value = dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>} : () -> tensor<2x2xi32>
  %t = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x2xi32>) -> tensor<2x2xi32>
  func.return %t : tensor<2x2xi32>
}

// CHECK-LABEL: func.func @identities
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %nz = graph.constant {value = dense<-0.0> : tensor<f32>} : () -> tensor<f32>
  %z = graph.constant {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %0 = graph.mul %x, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.div %0, %one : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = graph.add %nz, %1 : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = graph.sub %2, %z : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %4 = graph.neg %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = graph.neg %4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = graph.max %5, %5 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = graph.reshape %6 : (tensor<2x3xf32>) -> tensor<6xf32>
  %8 = graph.reshape %7 : (tensor<6xf32>) -> tensor<3x2xf32>
  %9 = graph.transpose %8 {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %10 = graph.transpose %9 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %11 = graph.reshape %10 : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %12 = graph.slice %11 {limits = array<i64: 2, 3>, starts = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %13 = graph.cast %12 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %13 : tensor<2x3xf32>
}

// Not exact, so not folded: x + 0.0 (x = -0.0), x * 0 (NaN, inf).
// CHECK-LABEL: func.func @not_identities
// CHECK:         graph.add
// CHECK:         graph.mul
func.func @not_identities(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = graph.constant {value = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %0 = graph.add %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = graph.mul %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// Integer division by zero is left for run time to report.
// CHECK-LABEL: func.func @div_by_zero
// CHECK:         graph.div
func.func @div_by_zero() -> tensor<2xi32> {
  %a = graph.constant {value = dense<[1, 2]> : tensor<2xi32>} : () -> tensor<2xi32>
  %b = graph.constant {value = dense<[1, 0]> : tensor<2xi32>} : () -> tensor<2xi32>
  %r = graph.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  func.return %r : tensor<2xi32>
}

// CHECK-LABEL: func.func @select_constant_condition
// CHECK-SAME:    (%[[A:.*]]: tensor<2xf32>, %{{.*}}: tensor<2xf32>)
// CHECK-NEXT:    return %[[A]]
func.func @select_constant_condition(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %t = graph.constant {value = dense<true> : tensor<2xi1>} : () -> tensor<2xi1>
  %r = graph.select %t, %a, %b : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}

// CHECK-LABEL: func.func @broadcast_chain
// CHECK-SAME:    (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT:    %[[B:.*]] = graph.broadcast_to %[[X]] : (tensor<3xf32>) -> tensor<5x2x3xf32>
// CHECK-NEXT:    return %[[B]]
func.func @broadcast_chain(%x: tensor<3xf32>) -> tensor<5x2x3xf32> {
  %0 = graph.broadcast_to %x : (tensor<3xf32>) -> tensor<2x3xf32>
  %1 = graph.broadcast_to %0 : (tensor<2x3xf32>) -> tensor<5x2x3xf32>
  func.return %1 : tensor<5x2x3xf32>
}
