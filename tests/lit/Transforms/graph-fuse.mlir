// graph-fuse groups graph ops into kernels and outlines each into a
// private function named after its ops, called where its last op was.
// RUN: tensor-opt %s --split-input-file --graph-fuse | FileCheck %s
// RUN: tensor-opt %s --split-input-file --graph-fuse --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// Statistics add up over the three chunks.
// STATS: graph-fuse
// STATS-DAG: (S) 6 num-kernels
// STATS-DAG: (S) 3 num-ops-fused

// Bias and activation run as the matmul's epilogue; the weights are
// copied into the kernel.
// CHECK-LABEL: func.func @dense(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[R:.*]] = func.call @kernel0_matmul_add_relu(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @kernel0_matmul_add_relu(%[[A:[^:]*]]: tensor<2x3xf32>) -> tensor<2x4xf32>
// CHECK-DAG: %[[W:.*]] = graph.constant {{.*}} tensor<3x4xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant {{.*}} tensor<4xf32>
// CHECK: %[[M:.*]] = graph.matmul %[[A]], %[[W]]
// CHECK-NEXT: %[[S:.*]] = graph.add %[[M]], %[[B]]
// CHECK-NEXT: %[[Y:.*]] = graph.relu %[[S]]
// CHECK-NEXT: return %[[Y]]
func.func @dense(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = graph.constant {value = dense<0.5> : tensor<3x4xf32>} : () -> tensor<3x4xf32>
  %b = graph.constant {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = graph.relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %2 : tensor<2x4xf32>
}

// -----

// An element-wise prologue flows into the reduction it feeds; a value
// with two users ends its group, and a matmul never absorbs a producer.
// CHECK-LABEL: func.func @mixed(
// CHECK: %[[T:.*]] = func.call @kernel0_tanh(
// CHECK: func.call @kernel1_exp_reduce_sum(%[[T]])
// CHECK: func.call @kernel2_matmul(%[[T]])
// CHECK: func.func private @kernel0_tanh(
// CHECK: func.func private @kernel1_exp_reduce_sum(
// CHECK: func.func private @kernel2_matmul(
func.func @mixed(%x: tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4x4xf32>) {
  %t = graph.tanh %x : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %e = graph.exp %t : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = graph.reduce_sum %e {axes = array<i64: 1>, keepdims = false} : (tensor<4x4xf32>) -> tensor<4xf32>
  %m = graph.matmul %t, %t : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  func.return %s, %m : tensor<4xf32>, tensor<4x4xf32>
}

// -----

// A broadcasting consumer whose result is larger than its producer's does
// not join it (it would recompute the producer per broadcast element).
// CHECK-LABEL: func.func @broadcast(
// CHECK: func.call @kernel0_neg(
// CHECK: func.call @kernel1_add(
func.func @broadcast(%x: tensor<4xf32>, %y: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %n = graph.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %a = graph.add %n, %y : (tensor<4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  func.return %a : tensor<3x4xf32>
}
