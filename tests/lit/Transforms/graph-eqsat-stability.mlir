// graph-eqsat with the stability rules: forms that overflow or lose
// precision become their stable equivalents, even where those cost more
// FLOPs, and the new ops carry the locations of the ops they replace.
// RUN: tensor-opt %s --graph-eqsat="rules=stability time-limit-ms=0" --mlir-print-debuginfo | FileCheck %s
// RUN: tensor-opt %s -O2 | FileCheck %s --check-prefix=O2
// RUN: tensor-opt %s -O2 --print-ir-after=graph-fuse 2>&1 >/dev/null | FileCheck %s --check-prefix=FUSED
// RUN: tensor-opt %s --graph-eqsat="rules=algebra time-limit-ms=0" | FileCheck %s --check-prefix=OFF
// RUN: tensor-opt %s --graph-eqsat="rules=stability time-limit-ms=0" --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS-DAG: (S) {{ *}}7 unstable-before
// STATS-DAG: (S) {{ *}}0 unstable-after
// STATS-DAG: (S) {{ *}}1 num-applied(log-softmax)
// STATS-DAG: (S) {{ *}}1 num-applied(log-sigmoid)

// CHECK-LABEL: func.func @log_softmax(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x5xf32>
// CHECK-NEXT: %[[L:.*]] = graph.log_softmax %[[X]] {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32> loc(fused["net.py":1:1, "net.py":2:1])
// CHECK-NEXT: return %[[L]]
// The default pipeline keeps the stable form down to the loops: one
// kernel computes it, and its loops subtract the maximum before the
// exponential (expanded into a polynomial by math-expand-approximations).
// FUSED-LABEL: func.func private @kernel{{[0-9]+}}_log_softmax(
// FUSED-NEXT: graph.log_softmax
// O2-LABEL: func.func private @kernel{{[0-9]+}}_log_softmax(
// O2: arith.maximumf
// O2: arith.subf
// O2-NOT: math.exp
// O2: func.return
// OFF-LABEL: func.func @log_softmax(
// OFF: graph.softmax
// OFF: graph.log
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %s = graph.softmax %x {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":1:1)
  %l = graph.log %s : (tensor<2x5xf32>) -> tensor<2x5xf32> loc("net.py":2:1)
  func.return %l : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @log1p_expm1(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK-DAG: %[[A:.*]] = graph.log1p %[[X]]
// CHECK-DAG: %[[C:.*]] = graph.expm1 %[[X]]
// CHECK: return %[[A]], %[[A]], %[[C]]
func.func @log1p_expm1(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %one = graph.constant {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %a = graph.add %one, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %la = graph.log %a : (tensor<4xf32>) -> tensor<4xf32>
  %b = graph.add %x, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %lb = graph.log %b : (tensor<4xf32>) -> tensor<4xf32>
  %e = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %m = graph.sub %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  func.return %la, %lb, %m : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// log(sigmoid(x)) = -softplus(-x) and log(1 - sigmoid(x)) = -softplus(x),
// with softplus(y) = relu(y) + log1p(exp(-|y|)).
// CHECK-LABEL: func.func @log_sigmoid(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK-NOT: graph.sigmoid
// CHECK-DAG: %[[NX:.*]] = graph.neg %[[X]]
// CHECK-DAG: %[[RN:.*]] = graph.relu %[[NX]]
// CHECK-DAG: %[[RX:.*]] = graph.relu %[[X]]
// CHECK-DAG: %[[AB:.*]] = graph.abs %[[X]]
// CHECK-DAG: %[[NA:.*]] = graph.neg %[[AB]]
// CHECK-DAG: %[[EX:.*]] = graph.exp %[[NA]]
// CHECK-DAG: %[[LP:.*]] = graph.log1p %[[EX]]
// CHECK-DAG: %[[S1:.*]] = graph.add %[[RN]], %[[LP]]
// CHECK-DAG: %[[S2:.*]] = graph.add %[[RX]], %[[LP]]
// CHECK-DAG: %[[R1:.*]] = graph.neg %[[S1]]
// CHECK-DAG: %[[R2:.*]] = graph.neg %[[S2]]
// CHECK: return %[[R1]], %[[R2]]
func.func @log_sigmoid(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %one = graph.constant {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = graph.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %ls = graph.log %s : (tensor<4xf32>) -> tensor<4xf32>
  %c = graph.sub %one, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %lc = graph.log %c : (tensor<4xf32>) -> tensor<4xf32>
  func.return %ls, %lc : tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @log_exp(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf64>
// CHECK-NEXT: return %[[X]]
func.func @log_exp(%x: tensor<4xf64>) -> tensor<4xf64> {
  %e = graph.exp %x : (tensor<4xf64>) -> tensor<4xf64>
  %l = graph.log %e : (tensor<4xf64>) -> tensor<4xf64>
  func.return %l : tensor<4xf64>
}
