// graph-eqsat with the layout rules: transposes compose, cancel through
// element-wise ops and hoist over them, reshapes and broadcasts merge or
// vanish, and a slice of a concatenation reads the operand it falls in.
// RUN: tensor-opt %s --graph-eqsat="rules=layout time-limit-ms=0" | FileCheck %s
// RUN: tensor-opt %s --graph-eqsat="rules=layout time-limit-ms=0" --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: graph-eqsat
// STATS-DAG: (S) {{ *}}6 num-blocks-rewritten
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(transpose-transpose)
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(slice-concat)

// The transposes meet below exp and neg and cancel.
// CHECK-LABEL: func.func @cancel(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3x5xf32>
// CHECK-NEXT: %[[E:.*]] = graph.exp %[[X]] : (tensor<3x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT: %[[N:.*]] = graph.neg %[[E]]
// CHECK-NEXT: return %[[N]]
func.func @cancel(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x5xf32>) -> tensor<5x3xf32>
  %e = graph.exp %t : (tensor<5x3xf32>) -> tensor<5x3xf32>
  %n = graph.neg %e : (tensor<5x3xf32>) -> tensor<5x3xf32>
  %r = graph.transpose %n {perm = array<i64: 1, 0>} : (tensor<5x3xf32>) -> tensor<3x5xf32>
  func.return %r : tensor<3x5xf32>
}

// Two transposes compose into one: perm[i] = p[q[i]].
// CHECK-LABEL: func.func @compose(
// CHECK-NEXT: graph.transpose %{{.*}} {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NEXT: return
func.func @compose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %a = graph.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %b = graph.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  func.return %b : tensor<3x4x2xf32>
}

// Two transposed operands become one transposed result.
// CHECK-LABEL: func.func @hoist(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>, %[[Y:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: %[[M:.*]] = graph.mul %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[T:.*]] = graph.transpose %[[M]] {perm = array<i64: 1, 0>}
// CHECK-NEXT: return %[[T]]
func.func @hoist(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %a = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %b = graph.transpose %y {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %m = graph.mul %a, %b : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  func.return %m : tensor<3x2xf32>
}

// A reshape of a reshape is one reshape; a reshape back to the input's
// type is the input.
// CHECK-LABEL: func.func @reshapes(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x6xf32>
// CHECK-NEXT: %[[R:.*]] = graph.reshape %[[X]] : (tensor<2x6xf32>) -> tensor<12xf32>
// CHECK-NEXT: return %[[R]], %[[X]]
func.func @reshapes(%x: tensor<2x6xf32>) -> (tensor<12xf32>, tensor<2x6xf32>) {
  %a = graph.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  %b = graph.reshape %a : (tensor<3x4xf32>) -> tensor<12xf32>
  %c = graph.reshape %b : (tensor<12xf32>) -> tensor<2x6xf32>
  func.return %b, %c : tensor<12xf32>, tensor<2x6xf32>
}

// A broadcast of a broadcast is one broadcast.
// CHECK-LABEL: func.func @broadcasts(
// CHECK-SAME: %[[Y:[^:]*]]: tensor<3x1xf32>
// CHECK-NEXT: %[[B:.*]] = graph.broadcast_to %[[Y]] : (tensor<3x1xf32>) -> tensor<4x2x3x5xf32>
// CHECK-NEXT: return %[[B]]
func.func @broadcasts(%y: tensor<3x1xf32>) -> tensor<4x2x3x5xf32> {
  %f = graph.broadcast_to %y : (tensor<3x1xf32>) -> tensor<2x3x1xf32>
  %g = graph.broadcast_to %f : (tensor<2x3x1xf32>) -> tensor<4x2x3x5xf32>
  func.return %g : tensor<4x2x3x5xf32>
}

// The first slice is all of %x; the second, columns 4 and 6, is
// columns 1 and 3 of %y.
// CHECK-LABEL: func.func @slices(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>, %[[Y:[^:]*]]: tensor<2x4xf32>
// CHECK-NOT: graph.concat
// CHECK: %[[S:.*]] = graph.slice %[[Y]] {limits = array<i64: 2, 4>, starts = array<i64: 0, 1>, strides = array<i64: 1, 2>}
// CHECK-NEXT: return %[[X]], %[[S]]
func.func @slices(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>) {
  %c = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  %a = graph.slice %c {starts = array<i64: 0, 0>, limits = array<i64: 2, 3>, strides = array<i64: 1, 1>} : (tensor<2x7xf32>) -> tensor<2x3xf32>
  %b = graph.slice %c {starts = array<i64: 0, 4>, limits = array<i64: 2, 7>, strides = array<i64: 1, 2>} : (tensor<2x7xf32>) -> tensor<2x2xf32>
  func.return %a, %b : tensor<2x3xf32>, tensor<2x2xf32>
}
