// graph-eqsat with the algebra rules: identities disappear, strength
// reduction picks cheaper ops, a subterm the input shares is not
// duplicated, equally cheap programs are left as they are, and the rules
// that change results on infinities or NaN wait for fast-math.
// RUN: tensor-opt %s --graph-eqsat="rules=algebra time-limit-ms=0" | FileCheck %s
// RUN: tensor-opt %s --graph-eqsat="rules=algebra time-limit-ms=0 fast-math" | FileCheck %s --check-prefix=FAST
// RUN: tensor-opt %s --graph-eqsat="rules=algebra time-limit-ms=0" --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: graph-eqsat
// STATS-DAG: (S) {{ *}}6 num-blocks
// STATS-DAG: (S) saturated stop-reason
// STATS-DAG: (S) {{ *[0-9]+}} cost-before
// STATS-DAG: (S) {{ *[0-9]+}} cost-after
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(mul-one)
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(neg-neg)
// STATS-DAG: (S) {{ *[0-9]+}} num-applied(pow-two)

// CHECK-LABEL: func.func @identities(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK-NEXT: return %[[X]] : tensor<2x3xf32>
func.func @identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %zero = graph.constant {value = dense<0.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %a = graph.mul %x, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %b = graph.add %zero, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.div %b, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %d = graph.neg %c : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %e = graph.neg %d : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %e : tensor<2x3xf32>
}

// An identity that would change the shape does not apply: the zero
// broadcasts x.
// CHECK-LABEL: func.func @broadcasting_zero(
// CHECK: graph.add
func.func @broadcasting_zero(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.constant {value = dense<0.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %r = graph.add %x, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @strength(
// CHECK-SAME: %[[X:[^:]*]]: tensor<8xf32>, %[[Y:[^:]*]]: tensor<8xf32>
// CHECK-DAG: %[[SQ:.*]] = graph.square %[[X]]
// CHECK-DAG: %[[R:.*]] = graph.rsqrt %[[Y]]
// CHECK-DAG: %[[M:.*]] = graph.mul %[[SQ]], %[[R]]
// CHECK-DAG: %[[I:.*]] = graph.reciprocal %[[M]]
// CHECK-DAG: %[[U:.*]] = graph.relu %[[I]]
// CHECK: return %[[U]]
// CHECK-NOT: graph.pow
func.func @strength(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %two = graph.constant {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %one = graph.constant {value = dense<1.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %zero = graph.constant {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %p = graph.pow %x, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %s = graph.sqrt %y : (tensor<8xf32>) -> tensor<8xf32>
  %d = graph.div %p, %s : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %i = graph.div %one, %d : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m = graph.max %i, %zero : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %r = graph.relu %m : (tensor<8xf32>) -> tensor<8xf32>
  func.return %r : tensor<8xf32>
}

// sqrt(y) is returned too: dividing by it is cheaper than computing
// rsqrt(y) as well.
// CHECK-LABEL: func.func @shared_sqrt(
// CHECK: %[[S:.*]] = graph.sqrt
// CHECK-NEXT: graph.div %{{.*}}, %[[S]]
// CHECK-NOT: graph.rsqrt
func.func @shared_sqrt(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %s = graph.sqrt %y : (tensor<8xf32>) -> tensor<8xf32>
  %d = graph.div %x, %s : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  func.return %d, %s : tensor<8xf32>, tensor<8xf32>
}

// Commuted and re-associated forms cost the same: nothing changes.
// CHECK-LABEL: func.func @unchanged(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[C:[^:]*]]: tensor<4xf32>
// CHECK-NEXT: %[[S:.*]] = graph.add %[[B]], %[[A]]
// CHECK-NEXT: %[[T:.*]] = graph.add %[[S]], %[[C]]
// CHECK-NEXT: return %[[T]]
func.func @unchanged(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %s = graph.add %b, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %t = graph.add %s, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %t : tensor<4xf32>
}

// x * 0, x - x and pow(x, 0.5) keep infinities and NaN only as written.
// CHECK-LABEL: func.func @fast_math_only(
// CHECK-DAG: graph.mul
// CHECK-DAG: graph.sub
// CHECK-DAG: graph.pow
// FAST-LABEL: func.func @fast_math_only(
// FAST-SAME: %[[X:[^:]*]]: tensor<4xf32>
// FAST-DAG: %[[Z:.*]] = graph.constant {value = dense<0.000000e+00> : tensor<4xf32>}
// FAST-DAG: %[[Q:.*]] = graph.sqrt %[[X]]
// FAST: return %[[Z]], %[[Z]], %[[Q]]
// FAST-NOT: graph.pow
func.func @fast_math_only(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = graph.constant {value = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %half = graph.constant {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %m = graph.mul %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = graph.sub %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %p = graph.pow %x, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  func.return %m, %s, %p : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
