// inline replaces calls of single-block functions by their bodies, callees
// first, and erases private callees that are left without a use.
// Recursive functions are never inlined.
// RUN: tensor-opt %s --inline | FileCheck %s
// RUN: tensor-opt %s --inline --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: tensor-opt %s --inline --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// STATS: inline
// STATS-DAG: (S) 4 num-inlined
// STATS-DAG: (S) 2 num-callees-erased

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK-NOT: call
// CHECK: %[[R1:.*]] = graph.relu %[[X]]
// CHECK: %[[N1:.*]] = graph.neg %[[R1]]
// CHECK: %[[R2:.*]] = graph.relu %[[N1]]
// CHECK: %[[N2:.*]] = graph.neg %[[R2]]
// CHECK: return %[[N2]]
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @layer(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = func.call @layer(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// Both private callees are gone.
// CHECK-NOT: func.func private @layer
// CHECK-NOT: func.func private @act
func.func private @layer(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @act(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.neg %0 : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
func.func private @act(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.relu %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// A public callee is inlined but stays.
// CHECK-LABEL: func.func @scalar_user(
// CHECK-NOT: call
// CHECK: arith.mulf
// CHECK-LABEL: func.func @square(
func.func @scalar_user(%a: f32) -> f32 {
  %0 = func.call @square(%a) : (f32) -> f32
  return %0 : f32
}
func.func @square(%a: f32) -> f32 {
  %0 = arith.mulf %a, %a : f32
  return %0 : f32
}

// CHECK-LABEL: func.func @fact(
// CHECK: call @fact(
func.func @fact(%n: f32) -> f32 {
  %0 = func.call @fact(%n) : (f32) -> f32
  return %0 : f32
}

// CHECK-LABEL: func.func @keep(
// CHECK: call @square(
func.func @keep(%a: f32) -> f32 {
  %0 = func.call @square(%a) {no_inline} : (f32) -> f32
  return %0 : f32
}

// LOC: graph.relu {{.*}}loc(callsite(
