// The memref dialect's verifier and parser: each chunk breaks one rule.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%n: index) {
  // expected-error @+1 {{'memref.alloc' op dimension operand count does not equal memref dynamic dimension count (1 vs 2)}}
  %0 = memref.alloc(%n) : memref<?x?xf32>
  return
}

// -----

func.func @f(%n: index) {
  // expected-error @+1 {{'memref.alloc' op symbol operand count does not equal memref symbol count: expected 1, got 0}}
  %0 = memref.alloc() : memref<4xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'memref.alloca' op attribute 'alignment' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 0}}
  %0 = memref.alloca() {alignment = -8 : i64} : memref<4xf32>
  return
}

// -----

func.func @f(%m: memref<4x4xf32>, %i: index) -> f32 {
  // expected-error @+1 {{'memref.load' op incorrect number of indices for load, expected 2 but got 1}}
  %0 = memref.load %m[%i] : memref<4x4xf32>
  return %0 : f32
}

// -----

func.func @f(%m: memref<4xf32>, %i: index) -> f64 {
  // expected-error @+1 {{'memref.load' op result type 'f64' does not match the element type 'f32' of the memref}}
  %0 = "memref.load"(%m, %i) : (memref<4xf32>, index) -> f64
  return %0 : f64
}

// -----

func.func @f(%m: memref<4xf32>, %i: i32) -> f32 {
  // expected-error @+1 {{'memref.load' op indices must be of 'index' type, but got 'i32'}}
  %0 = "memref.load"(%m, %i) : (memref<4xf32>, i32) -> f32
  return %0 : f32
}

// -----

func.func @f(%m: memref<4xf32>, %i: index, %v: f64) {
  // expected-error @+1 {{'memref.store' op value type 'f64' does not match the element type 'f32' of the memref}}
  "memref.store"(%v, %m, %i) : (f64, memref<4xf32>, index) -> ()
  return
}

// -----

func.func @f(%m: memref<4xf32>, %i: index, %v: f32) {
  // expected-error @+1 {{'memref.store' op incorrect number of indices for store, expected 1 but got 2}}
  memref.store %v, %m[%i, %i] : memref<4xf32>
  return
}

// -----

func.func @f(%a: memref<4xf32>, %b: memref<5xf32>) {
  // expected-error @+1 {{'memref.copy' op requires the same shape for all operands}}
  memref.copy %a, %b : memref<4xf32> to memref<5xf32>
  return
}

// -----

func.func @f(%a: memref<4xf32>, %b: memref<4xi32>) {
  // expected-error @+1 {{'memref.copy' op failed to verify that all of {source, target} have same element type}}
  memref.copy %a, %b : memref<4xf32> to memref<4xi32>
  return
}

// -----

// expected-error @+1 {{'memref.global' op type should be static shaped memref, but got 'memref<?xf32>'}}
memref.global @g : memref<?xf32>

// -----

// expected-error @+1 {{'memref.global' op initial value expected to be of type 'tensor<2xf32>', but was of type 'tensor<3xf32>'}}
"memref.global"() {sym_name = "g", type = memref<2xf32>, initial_value = dense<1.0> : tensor<3xf32>} : () -> ()

// -----

// expected-error @+1 {{'memref.global' op alignment attribute value 6 is not a power of 2}}
memref.global @g : memref<2xf32> = uninitialized {alignment = 6 : i64}

// -----

// expected-error @+1 {{initial value should be a unit or elements attribute}}
memref.global @g : memref<2xf32> = 1.0

// -----

func.func @f() {
  // expected-error @+1 {{'memref.get_global' op 'nope' does not reference a valid global memref}}
  %0 = memref.get_global @nope : memref<2xf32>
  return
}

// -----

memref.global @g : memref<2xf32> = uninitialized

func.func @f() {
  // expected-error @+1 {{'memref.get_global' op result type 'memref<3xf32>' does not match type 'memref<2xf32>' of the global memref @g}}
  %0 = memref.get_global @g : memref<3xf32>
  return
}

// -----

func.func @f(%m: memref<4x4xf32>) {
  // expected-error @+1 {{'memref.subview' op expected result type to be 'memref<2x2xf32, strided<[4, 1], offset: 5>>' or a rank-reduced version (mismatch of result layout)}}
  %0 = memref.subview %m[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  return
}

// -----

func.func @f(%m: memref<4x4xf32>) {
  // expected-error @+1 {{'memref.subview' op expected 2 offsets values, got 1}}
  %0 = memref.subview %m[1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 4>>
  return
}

// -----

func.func @f(%m: memref<4x4xf32>) {
  // expected-error @+1 {{'memref.subview' op expected result type to be 'memref<2x3xf32, strided<[4, 1]>>' or a rank-reduced version (mismatch of result sizes)}}
  %0 = memref.subview %m[0, 0] [2, 3] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  return
}

// -----

func.func @f(%m: memref<4xf32>) {
  // expected-error @+1 {{'memref.cast' op operand type 'memref<4xf32>' and result type 'memref<5xf32>' are cast incompatible}}
  %0 = memref.cast %m : memref<4xf32> to memref<5xf32>
  return
}

// -----

func.func @f(%m: memref<4xf32>) {
  // expected-error @+1 {{'memref.cast' op operand type 'memref<4xf32>' and result type 'memref<4xf32, strided<[2]>>' are cast incompatible}}
  %0 = memref.cast %m : memref<4xf32> to memref<4xf32, strided<[2]>>
  return
}

// -----

func.func @f(%t: tensor<4xf32>, %i: index) {
  // expected-error @+1 {{expected a memref type}}
  %0 = memref.load %t[%i] : tensor<4xf32>
  return
}

// -----

func.func @f(%t: tensor<4xf32>) {
  // expected-error @+1 {{'memref.dealloc' op operand must be a memref, but got 'tensor<4xf32>'}}
  memref.dealloc %t : tensor<4xf32>
  return
}
