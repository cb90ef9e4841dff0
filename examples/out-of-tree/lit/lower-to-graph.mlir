// toy-lower-to-graph turns toy ops into graph ops, all of them or those
// named by its `ops` option; -O2 of toy-opt canonicalizes, lowers and
// cleans up.
// RUN: toy-opt %s --toy-lower-to-graph | FileCheck %s
// RUN: toy-opt %s --pass-pipeline='builtin.module(toy-lower-to-graph{ops=add,transpose})' \
// RUN:   | FileCheck %s --check-prefix=PARTIAL
// RUN: toy-opt %s --toy-lower-to-graph --pass-statistics 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=STATS
// RUN: toy-opt %s -O2 | FileCheck %s --check-prefix=O2
// RUN: not toy-opt %s --toy-lower-to-graph='ops=div' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADOPT

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf64>
// CHECK-NOT:     toy.
// CHECK:         %[[C:.*]] = graph.constant {value = dense<{{.*}}> : tensor<2x3xf64>} : () -> tensor<2x3xf64>
// CHECK-NEXT:    %[[A:.*]] = graph.add %[[X]], %[[C]] : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
// CHECK-NEXT:    %[[M:.*]] = graph.mul %[[A]], %[[A]] : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
// CHECK-NEXT:    %[[T:.*]] = graph.transpose %[[M]] {perm = array<i64: 1, 0>} : (tensor<2x3xf64>) -> tensor<3x2xf64>
// CHECK-NEXT:    %[[R:.*]] = graph.reshape %[[T]] : (tensor<3x2xf64>) -> tensor<6xf64>
// CHECK-NEXT:    return %[[R]]

// PARTIAL-LABEL: func.func @main(
// PARTIAL-NEXT:    toy.constant
// PARTIAL-NEXT:    graph.add
// PARTIAL-NEXT:    toy.mul
// PARTIAL-NEXT:    graph.transpose
// PARTIAL-NEXT:    toy.reshape

// STATS:      'func.func' Pipeline
// STATS-NEXT:   toy-lower-to-graph
// STATS-NEXT:     (S) 5 num-lowered

// -O2 leaves graph ops only.
// O2-LABEL: func.func @main(
// O2-NOT:     toy.
// O2:         graph.constant
// O2-NEXT:    graph.add
// O2-NEXT:    graph.mul
// O2-NEXT:    graph.transpose
// O2-NEXT:    graph.reshape

// BADOPT: error: --toy-lower-to-graph: invalid options for pass 'toy-lower-to-graph': unknown toy op 'div' in ops; valid: constant, add, mul, transpose, reshape
func.func @main(%x: tensor<2x3xf64>) -> tensor<6xf64> {
  %c = toy.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>
  %0 = toy.add %x, %c : tensor<2x3xf64>
  %1 = toy.mul %0, %0 : tensor<2x3xf64>
  %2 = toy.transpose %1 : (tensor<2x3xf64>) -> tensor<3x2xf64>
  %3 = toy.reshape %2 : (tensor<3x2xf64>) -> tensor<6xf64>
  func.return %3 : tensor<6xf64>
}
