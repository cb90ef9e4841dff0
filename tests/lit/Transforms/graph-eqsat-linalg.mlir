// graph-eqsat with the linalg rules: a product of transposes becomes the
// transpose of the product, a constant scale moves to the smaller side of
// a product, and (with fast-math, since reassociating products changes
// which results are NaN when an input is infinite) matrix chains take
// the cheapest order and shared factors are factored out.
// RUN: tensor-opt %s --graph-eqsat="rules=linalg time-limit-ms=0" | FileCheck %s
// RUN: tensor-opt %s --graph-eqsat="rules=linalg,layout time-limit-ms=0" | FileCheck %s --check-prefix=LAYOUT
// RUN: tensor-opt %s --graph-eqsat="rules=linalg time-limit-ms=0 fast-math" | FileCheck %s --check-prefix=FAST
// RUN: tensor-opt %s --graph-eqsat="rules=linalg time-limit-ms=0" --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: graph-eqsat
// STATS-DAG: (S) {{ *[1-9][0-9]*}} num-applied(transpose-matmul)
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(matmul-scale-lhs)

// Two transposes and a product become a product and one transpose.
// CHECK-LABEL: func.func @transposed_operands(
// CHECK-SAME: %[[A:[^:]*]]: tensor<3x4xf32>, %[[B:[^:]*]]: tensor<4x5xf32>
// CHECK-NEXT: %[[P:.*]] = graph.matmul %[[A]], %[[B]] : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[P]] {perm = array<i64: 1, 0>}
// CHECK-NEXT: return %[[T]]
func.func @transposed_operands(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<5x3xf32> {
  %bt = graph.transpose %b {perm = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32>
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %p = graph.matmul %bt, %at : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  func.return %p : tensor<5x3xf32>
}

// Batched: each operand's last two axes are swapped at its own rank.
// CHECK-LABEL: func.func @batched(
// CHECK-SAME: %[[A:[^:]*]]: tensor<3x4xf32>, %[[B:[^:]*]]: tensor<2x4x5xf32>
// CHECK-NEXT: %[[P:.*]] = graph.matmul %[[A]], %[[B]] : (tensor<3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
// CHECK-NEXT: graph.transpose %[[P]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x5xf32>) -> tensor<2x5x3xf32>
func.func @batched(%a: tensor<3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x5x3xf32> {
  %bt = graph.transpose %b {perm = array<i64: 0, 2, 1>} : (tensor<2x4x5xf32>) -> tensor<2x5x4xf32>
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %p = graph.matmul %bt, %at : (tensor<2x5x4xf32>, tensor<4x3xf32>) -> tensor<2x5x3xf32>
  func.return %p : tensor<2x5x3xf32>
}

// With the layout rules, transpose(transpose(a) b) is transpose(b) a.
// LAYOUT-LABEL: func.func @transposed_product(
// LAYOUT-SAME: %[[A:[^:]*]]: tensor<6x3xf32>, %[[B:[^:]*]]: tensor<6x2xf32>
// LAYOUT-NEXT: %[[T:.*]] = graph.transpose %[[B]] {perm = array<i64: 1, 0>}
// LAYOUT-NEXT: %[[P:.*]] = graph.matmul %[[T]], %[[A]] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
// LAYOUT-NEXT: return %[[P]]
func.func @transposed_product(%a: tensor<6x3xf32>, %b: tensor<6x2xf32>) -> tensor<2x3xf32> {
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<6x3xf32>) -> tensor<3x6xf32>
  %p = graph.matmul %at, %b : (tensor<3x6xf32>, tensor<6x2xf32>) -> tensor<3x2xf32>
  %t = graph.transpose %p {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  func.return %t : tensor<2x3xf32>
}

// Scaling the 64x2 product is cheaper than scaling the 64x64 factor.
// CHECK-LABEL: func.func @scale(
// CHECK-SAME: %[[A:[^:]*]]: tensor<64x64xf32>, %[[B:[^:]*]]: tensor<64x2xf32>
// CHECK-DAG: %[[S:.*]] = graph.constant {value = dense<1.250000e-01> : tensor<f32>}
// CHECK-DAG: %[[P:.*]] = graph.matmul %[[A]], %[[B]]
// CHECK: %[[R:.*]] = graph.mul %[[S]], %[[P]] : (tensor<f32>, tensor<64x2xf32>) -> tensor<64x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @scale(%a: tensor<64x64xf32>, %b: tensor<64x2xf32>) -> tensor<64x2xf32> {
  %s = graph.constant {value = dense<0.125> : tensor<64x64xf32>} : () -> tensor<64x64xf32>
  %sa = graph.mul %s, %a : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %p = graph.matmul %sa, %b : (tensor<64x64xf32>, tensor<64x2xf32>) -> tensor<64x2xf32>
  func.return %p : tensor<64x2xf32>
}

// An infinite scale would turn inf * 0 into NaN on one side only: it
// stays where it is.
// CHECK-LABEL: func.func @infinite_scale(
// CHECK: graph.mul
// CHECK-NEXT: graph.matmul
func.func @infinite_scale(%a: tensor<64x64xf32>, %b: tensor<64x2xf32>) -> tensor<64x2xf32> {
  %s = graph.constant {value = dense<0x7F800000> : tensor<f32>} : () -> tensor<f32>
  %sa = graph.mul %s, %a : (tensor<f32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %p = graph.matmul %sa, %b : (tensor<64x64xf32>, tensor<64x2xf32>) -> tensor<64x2xf32>
  func.return %p : tensor<64x2xf32>
}

// ((A B) C) D with dims 10x100, 100x5, 5x50, 50x1 costs 8000
// multiply-adds; A (B (C D)) costs 1750 and moves less data. Without
// fast-math the order is kept.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[A:[^:]*]]: tensor<10x100xf32>, %[[B:[^:]*]]: tensor<100x5xf32>, %[[C:[^:]*]]: tensor<5x50xf32>, %[[D:[^:]*]]: tensor<50x1xf32>
// CHECK-NEXT: graph.matmul %[[A]], %[[B]]
// FAST-LABEL: func.func @chain(
// FAST-SAME: %[[A:[^:]*]]: tensor<10x100xf32>, %[[B:[^:]*]]: tensor<100x5xf32>, %[[C:[^:]*]]: tensor<5x50xf32>, %[[D:[^:]*]]: tensor<50x1xf32>
// FAST-NEXT: %[[CD:.*]] = graph.matmul %[[C]], %[[D]] : (tensor<5x50xf32>, tensor<50x1xf32>) -> tensor<5x1xf32>
// FAST-NEXT: %[[BCD:.*]] = graph.matmul %[[B]], %[[CD]] : (tensor<100x5xf32>, tensor<5x1xf32>) -> tensor<100x1xf32>
// FAST-NEXT: %[[R:.*]] = graph.matmul %[[A]], %[[BCD]] : (tensor<10x100xf32>, tensor<100x1xf32>) -> tensor<10x1xf32>
// FAST-NEXT: return %[[R]]
func.func @chain(%a: tensor<10x100xf32>, %b: tensor<100x5xf32>, %c: tensor<5x50xf32>, %d: tensor<50x1xf32>) -> tensor<10x1xf32> {
  %ab = graph.matmul %a, %b : (tensor<10x100xf32>, tensor<100x5xf32>) -> tensor<10x5xf32>
  %abc = graph.matmul %ab, %c : (tensor<10x5xf32>, tensor<5x50xf32>) -> tensor<10x50xf32>
  %abcd = graph.matmul %abc, %d : (tensor<10x50xf32>, tensor<50x1xf32>) -> tensor<10x1xf32>
  func.return %abcd : tensor<10x1xf32>
}

// A B + A C = A (B + C), with fast-math.
// CHECK-LABEL: func.func @factor(
// CHECK-COUNT-2: graph.matmul
// FAST-LABEL: func.func @factor(
// FAST-SAME: %[[A:[^:]*]]: tensor<8x16xf32>, %[[B:[^:]*]]: tensor<16x32xf32>, %[[C:[^:]*]]: tensor<16x32xf32>
// FAST-NEXT: %[[S:.*]] = graph.add %[[B]], %[[C]]
// FAST-NEXT: %[[P:.*]] = graph.matmul %[[A]], %[[S]]
// FAST-NEXT: return %[[P]]
func.func @factor(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %c: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %0 = graph.matmul %a, %b : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %1 = graph.matmul %a, %c : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %2 = graph.add %0, %1 : (tensor<8x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  func.return %2 : tensor<8x32xf32>
}
