// canonicalize folds ops (constants through the dialect's materializer,
// identities to existing values), applies the ops' canonicalization
// patterns, erases dead pure ops, and uniques constants at the top of the
// function, until nothing changes.
// RUN: tensor-opt %s --canonicalize | FileCheck %s
// RUN: tensor-opt %s --pass-pipeline='builtin.module(canonicalize{top-down=false})' | FileCheck %s
// RUN: tensor-opt %s --canonicalize --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: tensor-opt %s --pass-pipeline='builtin.module(canonicalize{max-iterations=1})' 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// STATS: canonicalize
// STATS-DAG: (S) {{[0-9]+}} num-folds
// STATS-DAG: (S) 1 num-applied(graph-reshape-of-reshape)
// STATS-DAG: (S) converged stop-reason

// WARN: warning: canonicalize did not converge: the IR still changed after max-iterations=1

// Constants fold to a constant; neg(neg(x)) folds to x; the dead exp goes.
// CHECK-LABEL: func.func @fold(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[C:.*]] = graph.constant {value = dense<4.{{0*}}e+00> : tensor<2x3xf32>}
// CHECK-NEXT: %[[R:.*]] = graph.mul %[[X]], %[[C]]
// CHECK-NEXT: return %[[R]]
func.func @fold(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = graph.constant {value = dense<1.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = graph.constant {value = dense<2.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %s = graph.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %n = graph.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %nn = graph.neg %n : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %unused = graph.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = graph.mul %nn, %s : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// x * 1 is exactly x.
// CHECK-LABEL: func.func @identity(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = graph.mul %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// A pattern: reshape(reshape(x)) becomes one reshape of x.
// CHECK-LABEL: func.func @reshapes(
// CHECK-SAME: %[[X:[^:]*]]: tensor<6xf32>
// CHECK-NEXT: %[[R:.*]] = graph.reshape %[[X]] : (tensor<6xf32>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshapes(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %0 = graph.reshape %x : (tensor<6xf32>) -> tensor<2x3xf32>
  %1 = graph.reshape %0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// Equal constants become one, at the top of the function.
// CHECK-LABEL: func.func @unique_constants(
// CHECK-NEXT: %[[C:.*]] = graph.constant {value = dense<3.{{0*}}e+00> : tensor<4xf32>}
// CHECK-NEXT: %[[E:.*]] = graph.exp
// CHECK-NEXT: %[[A:.*]] = graph.add %[[E]], %[[C]]
// CHECK-NEXT: %[[M:.*]] = graph.mul %[[A]], %[[C]]
// CHECK-NEXT: return %[[M]]
func.func @unique_constants(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %c1 = graph.constant {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %1 = graph.add %0, %c1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = graph.constant {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %2 = graph.mul %1, %c2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// Dead pure scalar code goes; calls (not pure) stay.
// CHECK-LABEL: func.func @dead_code(
// CHECK-NOT: arith.addf
// CHECK: call @fold(
// CHECK-NEXT: return
func.func @dead_code(%a: f32, %t: tensor<2x3xf32>) {
  %0 = arith.addf %a, %a : f32
  %1 = arith.addf %0, %a : f32
  %2 = func.call @fold(%t) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
