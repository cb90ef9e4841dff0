// cse replaces a pure op by an equal one (same name, operands, attributes
// and result types) that dominates it, and erases unused pure ops.
// RUN: tensor-opt %s --cse | FileCheck %s
// RUN: tensor-opt %s --cse --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: cse
// STATS-DAG: (S) 5 num-cse'd
// STATS-DAG: (S) 2 num-dce'd

// CHECK-LABEL: func.func @scalars(
// CHECK-SAME: %[[A:[^:]*]]: f32, %[[B:[^:]*]]: f32
// CHECK: %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NOT: arith.addf
// CHECK: %[[M:.*]] = arith.mulf %[[S]], %[[S]] : f32
// CHECK-NEXT: return %[[M]] : f32
func.func @scalars(%a: f32, %b: f32) -> f32 {
  %0 = arith.addf %a, %b : f32
  %1 = arith.addf %a, %b : f32
  %2 = arith.mulf %0, %1 : f32
  return %2 : f32
}

// Operand order, operands and attributes must match.
// CHECK-LABEL: func.func @not_equal(
// CHECK-COUNT-3: arith.subf
// CHECK: arith.constant 1.{{0*(e\+00)?}} : f32
// CHECK-NOT: arith.constant 1.
// CHECK: arith.constant 2.{{0*(e\+00)?}} : f32
func.func @not_equal(%a: f32, %b: f32) -> f32 {
  %0 = arith.subf %a, %b : f32
  %1 = arith.subf %b, %a : f32
  %2 = arith.subf %a, %a : f32
  %c1 = arith.constant 1.0 : f32
  %c1b = arith.constant 1.0 : f32
  %c2 = arith.constant 2.0 : f32
  %3 = arith.mulf %0, %1 : f32
  %4 = arith.mulf %3, %2 : f32
  %5 = arith.mulf %4, %c1 : f32
  %6 = arith.mulf %5, %c1b : f32
  %7 = arith.mulf %6, %c2 : f32
  return %7 : f32
}

// CHECK-LABEL: func.func @graph(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4xf32>
// CHECK: %[[E:.*]] = graph.exp %[[X]]
// CHECK-NOT: graph.exp
// CHECK: %[[S:.*]] = graph.add %[[E]], %[[E]]
// CHECK-NOT: graph.add
// CHECK: graph.mul %[[S]], %[[S]]
// CHECK-NOT: graph.relu
// CHECK: return
func.func @graph(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.add %0, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.add %1, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = graph.mul %2, %3 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %dead = graph.relu %4 : (tensor<4xf32>) -> tensor<4xf32>
  %dead2 = graph.relu %dead : (tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// Functions are isolated: equal ops in two functions both stay.
// CHECK-LABEL: func.func @other(
// CHECK: graph.exp
func.func @other(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// The operands of a commutative op may come in either order, as in MLIR.
// CHECK-LABEL: func.func @commutative(
// CHECK-SAME: %[[A:[^:]*]]: f32, %[[B:[^:]*]]: f32
// CHECK: %[[S:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NOT: arith.mulf %[[B]], %[[A]]
// CHECK: arith.addf %[[S]], %[[S]] : f32
func.func @commutative(%a: f32, %b: f32) -> f32 {
  %0 = arith.mulf %a, %b : f32
  %1 = arith.mulf %b, %a : f32
  %2 = arith.addf %0, %1 : f32
  return %2 : f32
}
