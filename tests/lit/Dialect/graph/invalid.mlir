// RUN: tensor-opt %s --split-input-file --verify-diagnostics

// One chunk per rule of the graph verifier; each names the broken rule.

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'graph.add' op expects 2 operands, but got 1}}
  %0 = "graph.add"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{the operand must have element type f32 or f64, got tensor<2xi32>}}
  %0 = graph.exp %x : (tensor<2xi32>) -> tensor<2xi32>
  func.return %0 : tensor<2xi32>
}

// -----

func.func @f(%x: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{the operand must have element type f32, f64, i32 or i64, got tensor<2xi1>}}
  %0 = graph.neg %x : (tensor<2xi1>) -> tensor<2xi1>
  func.return %0 : tensor<2xi1>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{result type tensor<3x2xf32> does not match the inferred type tensor<2x3xf32>}}
  %0 = graph.tanh %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %0 : tensor<3x2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result type tensor<2x4xf32> does not match the broadcast shape tensor<2x3xf32> of the operands}}
  %0 = graph.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  func.return %0 : tensor<2x4xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes are not broadcast-compatible: tensor<2x3xf32>, tensor<4xf32>}}
  %0 = graph.mul %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2xf32>, %y: tensor<2xf64>) -> tensor<2xf32> {
  // expected-error @+1 {{both operands must have the same element type, got tensor<2xf32> and tensor<2xf64>}}
  %0 = graph.sub %x, %y : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xi1>, %y: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{the operands must have element type f32, f64, i32 or i64, got tensor<2xi1>}}
  %0 = graph.add %x, %y : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  func.return %0 : tensor<2xi1>
}

// -----

func.func @f(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{predicate "less" is not one of}}
  %0 = graph.cmp %x, %y {predicate = "less"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  func.return %0 : tensor<2xi1>
}

// -----

func.func @f(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xi1> {
  // expected-error @+1 {{requires attribute 'predicate'}}
  %0 = graph.cmp %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  func.return %0 : tensor<2xi1>
}

// -----

func.func @f(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result type tensor<2xf32> does not match the inferred type tensor<2xi1>}}
  %0 = graph.cmp %x, %y {predicate = "eq"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%c: tensor<2xf32>, %x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the condition must have element type i1, got tensor<2xf32>}}
  %0 = graph.select %c, %x, %y : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<6xi32> {
  // expected-error @+1 {{result type tensor<6xi32> must have the shape of the operand type tensor<2x3xf32>}}
  %0 = graph.cast %x : (tensor<2x3xf32>) -> tensor<6xi32>
  func.return %0 : tensor<6xi32>
}

// -----

func.func @f() -> tensor<2x1xf32> {
  // expected-error @+1 {{result type tensor<2x1xf32> does not match the inferred type tensor<1x2xf32>}}
  %0 = graph.constant {value = dense<[[1.0, 2.0]]> : tensor<1x2xf32>} : () -> tensor<2x1xf32>
  func.return %0 : tensor<2x1xf32>
}

// -----

func.func @f() -> tensor<2xf32> {
  // expected-error @+1 {{requires attribute 'value'}}
  %0 = graph.constant : () -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{cannot reshape tensor<2x3xf32> (6 elements) to tensor<4x2xf32> (8 elements)}}
  %0 = graph.reshape %x : (tensor<2x3xf32>) -> tensor<4x2xf32>
  func.return %0 : tensor<4x2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{perm [0, 0] is not a permutation of 0..2}}
  %0 = graph.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  func.return %0 : tensor<2x2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{requires attribute 'perm'}}
  %0 = graph.transpose %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %0 : tensor<3x2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{attribute 'perm' must be an i64 dense array}}
  %0 = graph.transpose %x {perm = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %0 : tensor<3x2xf32>
}

// -----

func.func @f(%x: tensor<3x2xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{cannot broadcast tensor<3x2xf32> to tensor<4x3xf32>}}
  %0 = graph.broadcast_to %x : (tensor<3x2xf32>) -> tensor<4x3xf32>
  func.return %0 : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{operand 1 (tensor<1x3xf32>) does not match operand 0 (tensor<2x3xf32>) in the dimensions other than axis 1}}
  %0 = graph.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  func.return %0 : tensor<3x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.concat %x, %y {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return %0 : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{slice of dimension 1: start 1 and limit 4 must satisfy 0 <= start <= limit <= 3}}
  %0 = graph.slice %x {limits = array<i64: 2, 4>, starts = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{slice of dimension 1: stride 0 must be at least 1}}
  %0 = graph.slice %x {limits = array<i64: 2, 3>, starts = array<i64: 0, 1>, strides = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %0 : tensor<2x1xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{attribute 'starts' has 1 entries, but the operand tensor<2x3xf32> needs 2}}
  %0 = graph.slice %x {limits = array<i64: 2, 3>, starts = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %0 : tensor<2x1xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{padding of dimension 0 must be non-negative, got low -1 and high 0}}
  %0 = graph.pad %x {high = array<i64: 0, 1>, low = array<i64: -1, 0>, value = 0.0 : f64} : (tensor<2x3xf32>) -> tensor<1x4xf32>
  func.return %0 : tensor<1x4xf32>
}

// -----

func.func @f(%x: tensor<5x3xf32>, %i: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{the indices must have element type i32 or i64, got tensor<2xf32>}}
  %0 = graph.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{axes [1, 0] must be sorted and unique}}
  %0 = graph.reduce_sum %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<f32>
  func.return %0 : tensor<f32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis -1 in axes [-1] is out of range: axes must be in 0..2}}
  %0 = graph.reduce_sum %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{result type tensor<2x1xf32> does not match the inferred type tensor<2xf32>}}
  %0 = graph.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %0 : tensor<2x1xf32>
}

// -----

func.func @f(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{the operand must have element type f32 or f64, got tensor<2x3xi32>}}
  %0 = graph.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2xi32>
  func.return %0 : tensor<2xi32>
}

// -----

func.func @f(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{cannot take the minimum over the empty dimension 1 of tensor<2x0xf32>}}
  %0 = graph.reduce_min %x {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{attribute 'keepdims' must be true or false, got an integer}}
  %0 = graph.argmax %x {axis = 1 : i64, keepdims = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xi64>
  func.return %0 : tensor<2xi64>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result type tensor<2xf32> does not match the inferred type tensor<2xi64>}}
  %0 = graph.argmax %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 3 is out of range for rank 2 (expected -2..2)}}
  %0 = graph.softmax %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %0 : tensor<2x3xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contracting dimensions differ: tensor<2x3xf32> has K = 3 but tensor<4x5xf32> has K = 4}}
  %0 = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  func.return %0 : tensor<2x5xf32>
}

// -----

func.func @f(%a: tensor<3xf32>, %b: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the left operand must have rank at least 2, got tensor<3xf32>}}
  %0 = graph.matmul %a, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result type tensor<1x4x8x8xf32> does not match the inferred type tensor<1x4x6x6xf32>}}
  %0 = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{groups = 2 must divide the input channels (3) and the output channels (4)}}
  %0 = graph.conv2d %x, %w {groups = 2 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{has 4 input channels per group, but the input tensor<1x4x8x8xf32> with groups = 2 needs 2}}
  %0 = graph.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{the window height (3) is larger than the padded input height (2)}}
  %0 = graph.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  func.return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{attribute 'strides' entries must be at least 1, got 0 in [0, 1]}}
  %0 = graph.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{requires attribute 'kernel'}}
  %0 = graph.max_pool2d %x {strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  func.return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x9x6xf32> {
  // expected-error @+1 {{padding top (3) must be smaller than the kernel height (3)}}
  %0 = graph.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 3, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x9x6xf32>
  func.return %0 : tensor<1x3x9x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<4xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{mean must have shape [3] (the channels of the input tensor<2x3x4x4xf32>), got tensor<4xf32>}}
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f64} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  func.return %0 : tensor<2x3x4x4xf32>
}

// -----

func.func @f(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+1 {{requires attribute 'epsilon'}}
  %0 = graph.batch_norm %x, %s, %b, %m, %v : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  func.return %0 : tensor<2x3x4x4xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %s: tensor<8xf32>, %b: tensor<4x8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{scale must have shape [4, 8] (the dimensions of the input tensor<2x4x8xf32> from axis 1 on), got tensor<8xf32>}}
  %0 = graph.layer_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-05 : f64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) -> tensor<2x4x8xf32>
  func.return %0 : tensor<2x4x8xf32>
}

// -----

func.func @f(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{operand #0: dynamic dimensions are not supported yet: tensor<?x3xf32>}}
  %0 = graph.exp %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  func.return %0 : tensor<?x3xf32>
}

// -----

func.func @f(%x: tensor<99999999999x99999999999xf32>) -> tensor<99999999999x99999999999xf32> {
  // expected-error @+1 {{has too many elements (the count overflows 64 bits)}}
  %0 = graph.exp %x : (tensor<99999999999x99999999999xf32>) -> tensor<99999999999x99999999999xf32>
  func.return %0 : tensor<99999999999x99999999999xf32>
}

// -----

func.func @f(%x: tensor<2097152x1048576xf32>) -> tensor<2097152x1048576xf32> {
  // expected-error @+1 {{has 2199023255552 elements, more than the limit of 2^40}}
  %0 = graph.exp %x : (tensor<2097152x1048576xf32>) -> tensor<2097152x1048576xf32>
  func.return %0 : tensor<2097152x1048576xf32>
}

// -----

func.func @f(%x: tensor<2xf16>) -> tensor<2xf16> {
  // expected-error @+1 {{element type f16 of tensor<2xf16> is not supported}}
  %0 = graph.exp %x : (tensor<2xf16>) -> tensor<2xf16>
  func.return %0 : tensor<2xf16>
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{operand #0: expected a tensor type, got i32}}
  %0 = graph.neg %x : (i32) -> i32
  func.return %0 : i32
}
