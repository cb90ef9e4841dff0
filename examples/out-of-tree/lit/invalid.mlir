// The toy verifiers and the custom parser reject bad IR with a located
// error naming the rule.
// RUN: toy-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: tensor<2x3xf64>, %y: tensor<3x2xf64>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'toy.add' op operand #1 has type tensor<3x2xf64>, but the result has type tensor<2x3xf64>}}
  %0 = "toy.add"(%x, %y) : (tensor<2x3xf64>, tensor<3x2xf64>) -> tensor<2x3xf64>
  func.return %0 : tensor<2x3xf64>
}

// -----

func.func @f(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'toy.mul' op expects tensors of static shape with f32 or f64 elements, got tensor<4xi32>}}
  %0 = toy.mul %x, %x : tensor<4xi32>
  func.return %0 : tensor<4xi32>
}

// -----

func.func @f(%x: tensor<2x3x4xf64>) -> tensor<4x3x2xf64> {
  // expected-error @+1 {{'toy.transpose' op expects a matrix (rank 2), got tensor<2x3x4xf64>}}
  %0 = toy.transpose %x : (tensor<2x3x4xf64>) -> tensor<4x3x2xf64>
  func.return %0 : tensor<4x3x2xf64>
}

// -----

func.func @f(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'toy.transpose' op result type tensor<2x3xf64> is not the transpose of tensor<2x3xf64>}}
  %0 = toy.transpose %x : (tensor<2x3xf64>) -> tensor<2x3xf64>
  func.return %0 : tensor<2x3xf64>
}

// -----

func.func @f(%x: tensor<6xf64>) -> tensor<2x2xf64> {
  // expected-error @+1 {{'toy.reshape' op cannot reshape tensor<6xf64> to tensor<2x2xf64>: the element type and count must stay the same}}
  %0 = toy.reshape %x : (tensor<6xf64>) -> tensor<2x2xf64>
  func.return %0 : tensor<2x2xf64>
}

// -----

func.func @f() -> tensor<2xf64> {
  // expected-error @+1 {{'toy.constant' op value has type tensor<2xf32>, but the result has type tensor<2xf64>}}
  %0 = "toy.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}

// -----

func.func @f() -> tensor<2xf64> {
  // expected-error @+1 {{'toy.constant' op requires attribute 'value'}}
  %0 = "toy.constant"() : () -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}

// -----

func.func @f() -> f64 {
  // expected-error @+1 {{expected a dense tensor value}}
  %0 = toy.constant 1.0 : f64
  func.return %0 : f64
}

// -----

func.func @f(%x: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error @+1 {{'toy.add' op expects 2 operand(s), 1 result and no regions, but got 1, 1 and 0}}
  %0 = "toy.add"(%x) : (tensor<2xf64>) -> tensor<2xf64>
  func.return %0 : tensor<2xf64>
}
