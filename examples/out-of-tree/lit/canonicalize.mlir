// canonicalize applies the toy folds and the toy-reshape-of-reshape
// pattern along with everything else registered, and materializes folded
// constants as toy.constant ops through the toy dialect.
// RUN: toy-opt %s --canonicalize | FileCheck %s
// RUN: toy-opt %s --canonicalize --pass-statistics 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=STATS

// STATS-LABEL: canonicalize
// STATS-DAG:     (S) 2 num-applied(toy-reshape-of-reshape)
// STATS-DAG:     (S) converged stop-reason

// transpose(transpose(x)) is x; the dead transposes go.
// CHECK-LABEL: func.func @transpose_twice(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf64>
// CHECK-NEXT:    return %[[X]]
func.func @transpose_twice(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = toy.transpose %x : (tensor<2x3xf64>) -> tensor<3x2xf64>
  %1 = toy.transpose %0 : (tensor<3x2xf64>) -> tensor<2x3xf64>
  func.return %1 : tensor<2x3xf64>
}

// A transpose and a reshape of a constant fold to one new constant.
// CHECK-LABEL: func.func @constants(
// CHECK-NEXT:    %[[C:.*]] = toy.constant dense<{{\[}}[1.000000e+00, 4.000000e+00, 2.000000e+00], [5.000000e+00, 3.000000e+00, 6.000000e+00]]> : tensor<2x3xf64>
// CHECK-NEXT:    return %[[C]]
func.func @constants() -> tensor<2x3xf64> {
  %c = toy.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>
  %t = toy.transpose %c : (tensor<2x3xf64>) -> tensor<3x2xf64>
  %r = toy.reshape %t : (tensor<3x2xf64>) -> tensor<2x3xf64>
  func.return %r : tensor<2x3xf64>
}

// reshape(reshape(x)) is one reshape; back to x's own type it is x.
// CHECK-LABEL: func.func @reshapes(
// CHECK-SAME:    %[[Y:[^:]*]]: tensor<6xf64>
// CHECK-NEXT:    %[[R:.*]] = toy.reshape %[[Y]] : (tensor<6xf64>) -> tensor<2x3xf64>
// CHECK-NEXT:    %[[S:.*]] = toy.add %[[R]], %[[R]] : tensor<2x3xf64>
// CHECK-NEXT:    return %[[S]], %[[Y]]
func.func @reshapes(%y: tensor<6xf64>) -> (tensor<2x3xf64>, tensor<6xf64>) {
  %0 = toy.reshape %y : (tensor<6xf64>) -> tensor<3x2xf64>
  %1 = toy.reshape %0 : (tensor<3x2xf64>) -> tensor<2x3xf64>
  %2 = toy.add %1, %1 : tensor<2x3xf64>
  %3 = toy.reshape %1 : (tensor<2x3xf64>) -> tensor<6xf64>
  func.return %2, %3 : tensor<2x3xf64>, tensor<6xf64>
}

// Equal constants become one; toy.add has no fold, so it stays.
// CHECK-LABEL: func.func @unique(
// CHECK-NEXT:    %[[C:.*]] = toy.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT:    %[[A:.*]] = toy.add %[[C]], %[[C]] : tensor<3xf32>
// CHECK-NEXT:    return %[[A]]
func.func @unique() -> tensor<3xf32> {
  %a = toy.constant dense<2.0> : tensor<3xf32>
  %b = toy.constant dense<2.0> : tensor<3xf32>
  %0 = toy.add %a, %b : tensor<3xf32>
  func.return %0 : tensor<3xf32>
}
