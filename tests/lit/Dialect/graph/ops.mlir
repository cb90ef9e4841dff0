// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s

// Every graph op in its custom form, one function each: it parses,
// verifies, prints back in custom form, and survives a round trip
// through the generic form.

// CHECK-LABEL: func.func @neg(
// CHECK-NEXT:    %{{.*}} = graph.neg %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @neg(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @abs(
// CHECK-NEXT:    %{{.*}} = graph.abs %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @abs(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.abs %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @exp(
// CHECK-NEXT:    %{{.*}} = graph.exp %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @exp(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log(
// CHECK-NEXT:    %{{.*}} = graph.log %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @log(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.log %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log1p(
// CHECK-NEXT:    %{{.*}} = graph.log1p %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @log1p(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.log1p %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @expm1(
// CHECK-NEXT:    %{{.*}} = graph.expm1 %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @expm1(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.expm1 %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sqrt(
// CHECK-NEXT:    %{{.*}} = graph.sqrt %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @sqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.sqrt %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @rsqrt(
// CHECK-NEXT:    %{{.*}} = graph.rsqrt %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @rsqrt(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.rsqrt %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reciprocal(
// CHECK-NEXT:    %{{.*}} = graph.reciprocal %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @reciprocal(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.reciprocal %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @tanh(
// CHECK-NEXT:    %{{.*}} = graph.tanh %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @tanh(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.tanh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sigmoid(
// CHECK-NEXT:    %{{.*}} = graph.sigmoid %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @relu(
// CHECK-NEXT:    %{{.*}} = graph.relu %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gelu(
// CHECK-NEXT:    %{{.*}} = graph.gelu %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @gelu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.gelu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @erf(
// CHECK-NEXT:    %{{.*}} = graph.erf %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @erf(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.erf %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sin(
// CHECK-NEXT:    %{{.*}} = graph.sin %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @sin(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.sin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cos(
// CHECK-NEXT:    %{{.*}} = graph.cos %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @cos(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.cos %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @floor(
// CHECK-NEXT:    %{{.*}} = graph.floor %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @floor(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.floor %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @ceil(
// CHECK-NEXT:    %{{.*}} = graph.ceil %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @ceil(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.ceil %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @square(
// CHECK-NEXT:    %{{.*}} = graph.square %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @square(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.square %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @add(
// CHECK-NEXT:    %{{.*}} = graph.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @add(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub(
// CHECK-NEXT:    %{{.*}} = graph.sub %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @sub(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.sub %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul(
// CHECK-NEXT:    %{{.*}} = graph.mul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @mul(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div(
// CHECK-NEXT:    %{{.*}} = graph.div %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @div(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.div %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max(
// CHECK-NEXT:    %{{.*}} = graph.max %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @max(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @min(
// CHECK-NEXT:    %{{.*}} = graph.min %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @min(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.min %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pow(
// CHECK-NEXT:    %{{.*}} = graph.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @pow(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = graph.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reduce_sum(
// CHECK-NEXT:    %{{.*}} = graph.reduce_sum %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK-NEXT:    return
func.func @reduce_sum(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = graph.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}

// CHECK-LABEL: func.func @reduce_max(
// CHECK-NEXT:    %{{.*}} = graph.reduce_max %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK-NEXT:    return
func.func @reduce_max(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = graph.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}

// CHECK-LABEL: func.func @reduce_min(
// CHECK-NEXT:    %{{.*}} = graph.reduce_min %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK-NEXT:    return
func.func @reduce_min(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = graph.reduce_min %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}

// CHECK-LABEL: func.func @reduce_mean(
// CHECK-NEXT:    %{{.*}} = graph.reduce_mean %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK-NEXT:    return
func.func @reduce_mean(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}

// CHECK-LABEL: func.func @reduce_prod(
// CHECK-NEXT:    %{{.*}} = graph.reduce_prod %{{.*}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
// CHECK-NEXT:    return
func.func @reduce_prod(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = graph.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}

// CHECK-LABEL: func.func @cmp(
// CHECK-NEXT:    %{{.*}} = graph.cmp %{{.*}}, %{{.*}} {predicate = "lt"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK-NEXT:    return
func.func @cmp(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xi1> {
  %c = graph.cmp %x, %y {predicate = "lt"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  func.return %c : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @select(
// CHECK-NEXT:    %{{.*}} = graph.select %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @select(%c: tensor<2x3xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %r = graph.select %c, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cast(
// CHECK-NEXT:    %{{.*}} = graph.cast %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xi32>
// CHECK-NEXT:    return
func.func @cast(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  %y = graph.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>
  func.return %y : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @constant(
// CHECK-NEXT:    %{{.*}} = graph.constant {value = dense<{{\[\[}}1.000000e+00, 2.000000e+00{{\]\]}}> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
// CHECK-NEXT:    return
func.func @constant() -> tensor<1x2xf32> {
  %c = graph.constant {value = dense<[[1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  func.return %c : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @reshape(
// CHECK-NEXT:    %{{.*}} = graph.reshape %{{.*}} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    return
func.func @reshape(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %y = graph.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @transpose(
// CHECK-NEXT:    %{{.*}} = graph.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    return
func.func @transpose(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %y = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @broadcast_to(
// CHECK-NEXT:    %{{.*}} = graph.broadcast_to %{{.*}} : (tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @broadcast_to(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = graph.broadcast_to %x : (tensor<3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @concat(
// CHECK-NEXT:    %{{.*}} = graph.concat %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
// CHECK-NEXT:    return
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<3x3xf32> {
  %y = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  func.return %y : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @slice(
// CHECK-NEXT:    %{{.*}} = graph.slice %{{.*}} {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>, strides = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
// CHECK-NEXT:    return
func.func @slice(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %y = graph.slice %x {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>, strides = array<i64: 1, 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %y : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @pad(
// CHECK-NEXT:    %{{.*}} = graph.pad %{{.*}} {high = array<i64: 0, 1>, low = array<i64: 1, 0>, value = 0.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    return
func.func @pad(%x: tensor<2x3xf32>) -> tensor<3x4xf32> {
  %y = graph.pad %x {high = array<i64: 0, 1>, low = array<i64: 1, 0>, value = 0.000000e+00 : f64} : (tensor<2x3xf32>) -> tensor<3x4xf32>
  func.return %y : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @gather(
// CHECK-NEXT:    %{{.*}} = graph.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %y = graph.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @argmax(
// CHECK-NEXT:    %{{.*}} = graph.argmax %{{.*}} {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
// CHECK-NEXT:    return
func.func @argmax(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %y = graph.argmax %x {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  func.return %y : tensor<2xi64>
}

// CHECK-LABEL: func.func @softmax(
// CHECK-NEXT:    %{{.*}} = graph.softmax %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @log_softmax(
// CHECK-NEXT:    %{{.*}} = graph.log_softmax %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return
func.func @log_softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.log_softmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @matmul(
// CHECK-NEXT:    %{{.*}} = graph.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    return
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @conv2d(
// CHECK-NEXT:    %{{.*}} = graph.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    return
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @max_pool2d(
// CHECK-NEXT:    %{{.*}} = graph.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT:    return
func.func @max_pool2d(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %y = graph.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  func.return %y : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @avg_pool2d(
// CHECK-NEXT:    %{{.*}} = graph.avg_pool2d %{{.*}} {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
// CHECK-NEXT:    return
func.func @avg_pool2d(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  %y = graph.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  func.return %y : tensor<1x3x8x8xf32>
}

// CHECK-LABEL: func.func @batch_norm(
// CHECK-NEXT:    %{{.*}} = graph.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-05 : f64} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
// CHECK-NEXT:    return
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %scale: tensor<3xf32>, %bias: tensor<3xf32>, %mean: tensor<3xf32>, %var: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %y = graph.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.000000e-05 : f64} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  func.return %y : tensor<2x3x4x4xf32>
}

// CHECK-LABEL: func.func @layer_norm(
// CHECK-NEXT:    %{{.*}} = graph.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 1.000000e-05 : f64} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT:    return
func.func @layer_norm(%x: tensor<2x8xf32>, %scale: tensor<8xf32>, %bias: tensor<8xf32>) -> tensor<2x8xf32> {
  %y = graph.layer_norm %x, %scale, %bias {axis = 1 : i64, epsilon = 1.000000e-05 : f64} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  func.return %y : tensor<2x8xf32>
}
