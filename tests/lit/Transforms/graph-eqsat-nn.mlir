// graph-eqsat with the nn rules: batch normalization with constant
// parameters folds into the constant weights of the convolution before it
// (w' = w * k, k = scale / sqrt(var + epsilon) per output channel, plus a
// bias of bias - mean * k), and a constant per-channel or per-column
// scale folds into the weights of a convolution or a product.
// RUN: tensor-opt %s --graph-eqsat="rules=nn time-limit-ms=0" | FileCheck %s
// RUN: tensor-opt %s --graph-eqsat="rules=nn time-limit-ms=0" --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: graph-eqsat
// STATS-DAG: (S) {{ *}}1 num-applied(conv-bn-fold)
// STATS-DAG: (S) {{ *}}1 num-applied(conv-scale-fold)
// STATS-DAG: (S) {{ *}}1 num-applied(scale-matmul-fold)

// k = [0.5, 0.5, 4]; the bias is [-0.25, 1.25, -1].
// CHECK-LABEL: func.func @conv_bn(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[W:.*]] = graph.constant {value = dense<{{\[\[\[\[}}5.000000e-01, 0.000000e+00, -5.000000e-01], [1.000000e+00,
// CHECK-NEXT: %[[C:.*]] = graph.conv2d %[[X]], %[[W]]
// CHECK-NEXT: %[[B:.*]] = graph.constant {value = dense<{{\[\[\[\[}}-2.500000e-01]], {{\[\[}}1.250000e+00]], {{\[\[}}-1.000000e+00]]]]> : tensor<1x3x1x1xf32>}
// CHECK-NEXT: %[[R:.*]] = graph.add %[[C]], %[[B]] : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: graph.batch_norm
func.func @conv_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = graph.constant {value = dense<[[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]], [[0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [-0.5, -0.5, -0.5]]], [[[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[0.25, 0.0, 0.0], [0.0, 0.25, 0.0], [0.0, 0.0, 0.25]], [[-1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]]]> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
  %scale = graph.constant {value = dense<[1.0, 0.5, 2.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %bias = graph.constant {value = dense<[0.0, 1.0, -1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %mean = graph.constant {value = dense<[0.5, -0.5, 0.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %var = graph.constant {value = dense<[4.0, 1.0, 0.25]> : tensor<3xf32>} : () -> tensor<3xf32>
  %c = graph.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x4x4xf32>
  %b = graph.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  func.return %b : tensor<1x3x4x4xf32>
}

// Output channel 0 is scaled by 0.5 and channel 1 by 3.
// CHECK-LABEL: func.func @conv_scale(
// CHECK-NEXT: %[[W:.*]] = graph.constant {value = dense<{{\[\[\[\[}}5.000000e-01, 1.000000e+00], [1.500000e+00, 2.000000e+00]]], {{\[\[\[}}3.000000e+00, -3.000000e+00], [-3.000000e+00, 3.000000e+00]]]]>
// CHECK-NEXT: %[[C:.*]] = graph.conv2d %{{.*}}, %[[W]]
// CHECK-NEXT: return %[[C]]
func.func @conv_scale(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.constant {value = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]]> : tensor<2x1x2x2xf32>} : () -> tensor<2x1x2x2xf32>
  %s = graph.constant {value = dense<[[[[0.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %c = graph.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = graph.mul %c, %s : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  func.return %m : tensor<1x2x2x2xf32>
}

// Column j of the weights is scaled by s[j].
// CHECK-LABEL: func.func @matmul_scale(
// CHECK-NEXT: %[[W:.*]] = graph.constant {value = dense<{{\[\[}}1.000000e+01, 1.000000e+00, -3.000000e+00], [4.000000e+01, 2.500000e+00, -6.000000e+00]]> : tensor<2x3xf32>}
// CHECK-NEXT: %[[P:.*]] = graph.matmul %{{.*}}, %[[W]]
// CHECK-NEXT: return %[[P]]
func.func @matmul_scale(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = graph.constant {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %s = graph.constant {value = dense<[10.0, 0.5, -1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %p = graph.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %m = graph.mul %s, %p : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  func.return %m : tensor<4x3xf32>
}

// Weights that are not constants stay as they are.
// CHECK-LABEL: func.func @weights_are_inputs(
// CHECK: graph.matmul
// CHECK-NEXT: graph.mul
func.func @weights_are_inputs(%x: tensor<4x2xf32>, %w: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %s = graph.constant {value = dense<[10.0, 0.5, -1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %p = graph.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %m = graph.mul %s, %p : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  func.return %m : tensor<4x3xf32>
}
