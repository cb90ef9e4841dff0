// The vector dialect's verifier and parser: each chunk breaks one rule.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%m: memref<16x16xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op requires 2 indices}}
  %0 = vector.load %m[%i] : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op base and result element types should match}}
  %0 = vector.load %m[%i, %i] : memref<16x16xf32>, vector<8xf64>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op result #0 must be vector of any type values, but got 'f32'}}
  %0 = "vector.load"(%m, %i) : (memref<16xf32>, index) -> f32
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: i32) {
  // expected-error @+1 {{'vector.load' op operand #1 must be variadic of index, but got 'i32'}}
  %0 = "vector.load"(%m, %i) : (memref<16xf32>, i32) -> vector<4xf32>
  return
}

// -----

func.func @f(%m: tensor<16xf32>, %i: index) {
  // expected-error @+1 {{'vector.load' op operand #0 must be memref of any type values, but got 'tensor<16xf32>'}}
  %0 = "vector.load"(%m, %i) : (tensor<16xf32>, index) -> vector<4xf32>
  return
}

// -----

func.func @f(%m: memref<16xvector<8xf32>>, %i: index) {
  // expected-error @+1 {{'vector.load' op base memref and result vector types should match}}
  %0 = vector.load %m[%i] : memref<16xvector<8xf32>>, vector<4xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf64>) {
  // expected-error @+1 {{'vector.store' op base and valueToStore element type should match}}
  vector.store %v, %m[%i, %i] : memref<16x16xf32>, vector<8xf64>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.store' op requires 2 indices}}
  vector.store %v, %m[%i] : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.store' op attribute 'nontemporal' failed to satisfy constraint: bool attribute}}
  vector.store %v, %m[%i, %i] {nontemporal = 1 : i64} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<4xi1>, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.maskedload' op expected result dim to match mask dim}}
  %0 = vector.maskedload %m[%i], %mask, %v : memref<16xf32>, vector<4xi1>, vector<8xf32> into vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<8xi1>, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.maskedload' op base and result element type should match}}
  %0 = vector.maskedload %m[%i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf64>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<8xi1>, %v: vector<4xf32>) {
  // expected-error @+1 {{'vector.maskedload' op expected pass_thru of same type as result type}}
  %0 = vector.maskedload %m[%i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<4xf32> into vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<8xi1>, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.maskedload' op requires 1 indices}}
  %0 = vector.maskedload %m[%i, %i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<2x8xi1>, %v: vector<2x8xf32>) {
  // expected-error @+1 {{'vector.maskedload' op operand #2 must be vector of 1-bit signless integer values of ranks 1, but got 'vector<2x8xi1>'}}
  %0 = vector.maskedload %m[%i], %mask, %v : memref<16xf32>, vector<2x8xi1>, vector<2x8xf32> into vector<2x8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<4xi1>, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.maskedstore' op expected valueToStore dim to match mask dim}}
  vector.maskedstore %m[%i], %mask, %v : memref<16xf32>, vector<4xi1>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<8xi1>, %v: vector<8xf64>) {
  // expected-error @+1 {{'vector.maskedstore' op base and valueToStore element type should match}}
  vector.maskedstore %m[%i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<8xf64>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %mask: vector<8xi1>, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.maskedstore' op requires 1 indices}}
  vector.maskedstore %m[%i, %i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<8xf32>
  return
}

// -----

func.func @f(%v: vector<4xf32>) {
  // expected-error @+1 {{'vector.broadcast' op dimension mismatch (4 vs. 8)}}
  %0 = vector.broadcast %v : vector<4xf32> to vector<8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.broadcast' op source rank higher than destination rank}}
  %0 = vector.broadcast %v : vector<4x8xf32> to vector<8xf32>
  return
}

// -----

func.func @f(%v: f64) {
  // expected-error @+1 {{'vector.broadcast' op failed to verify that source operand and result have same element type}}
  %0 = vector.broadcast %v : f64 to vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.broadcast' op result #0 must be vector of any type values, but got 'f32'}}
  %0 = "vector.broadcast"(%v) : (vector<4x8xf32>) -> f32
  return
}

// -----

func.func @f(%v: f64) {
  // expected-error @+1 {{'vector.splat' op failed to verify that operand type matches element type of result}}
  %0 = "vector.splat"(%v) : (f64) -> vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<4xf32>, %w: vector<8xf32>) {
  // expected-error @+1 {{'vector.fma' op failed to verify that all of {lhs, rhs, acc, result} have same type}}
  %0 = "vector.fma"(%v, %v, %w) : (vector<4xf32>, vector<4xf32>, vector<8xf32>) -> vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<4xi32>) {
  // expected-error @+1 {{'vector.fma' op operand #0 must be vector of floating-point values, but got 'vector<4xi32>'}}
  %0 = vector.fma %v, %v, %v : vector<4xi32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.reduction' op unsupported reduction rank: 2}}
  %0 = vector.reduction <add>, %v : vector<4x8xf32> into f32
  return
}

// -----

func.func @f(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op failed to verify that source operand and result have same element type}}
  %0 = vector.reduction <add>, %v : vector<8xf32> into f64
  return
}

// -----

func.func @f(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op unsupported reduction type ''f32'' for kind 'xor'}}
  %0 = vector.reduction <xor>, %v : vector<8xf32> into f32
  return
}

// -----

func.func @f(%v: vector<8xi32>) {
  // expected-error @+1 {{'vector.reduction' op unsupported reduction type ''i32'' for kind 'maxnumf'}}
  %0 = vector.reduction <maxnumf>, %v : vector<8xi32> into i32
  return
}

// -----

func.func @f(%v: vector<8xf32>) {
  // expected-error @+1 {{expected ::mlir::vector::CombiningKind to be one of: add, mul, minui, minsi, minnumf, maxui, maxsi, maxnumf, and, or, xor, maximumf, minimumf}}
  %0 = vector.reduction <foo>, %v : vector<8xf32> into f32
  return
}

// -----

func.func @f(%v: vector<8xf32>, %a: f64) {
  // expected-error @+1 {{'vector.reduction' op failed to verify that dest and acc have the same type}}
  %0 = "vector.reduction"(%v, %a) {kind = #vector.kind<add>} : (vector<8xf32>, f64) -> f32
  return
}

// -----

func.func @f(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op requires attribute 'kind'}}
  %0 = "vector.reduction"(%v) : (vector<8xf32>) -> f32
  return
}

// -----

func.func @f(%v: vector<8xf32>) {
  // expected-error @+1 {{'vector.reduction' op attribute 'kind' failed to satisfy constraint: Kind of combining function for contractions and reductions}}
  %0 = "vector.reduction"(%v) {kind = 3 : i64} : (vector<8xf32>) -> f32
  return
}

// -----

func.func @f(%v: vector<8xf32>, %a: f32) {
  // expected-error @+1 {{'vector.reduction' op operand group starting at #1 requires 0 or 1 element, but found 2}}
  %0 = "vector.reduction"(%v, %a, %a) {kind = #vector.kind<add>} : (vector<8xf32>, f32, f32) -> f32
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.extract' op expected position attribute of rank no greater than vector rank}}
  %0 = vector.extract %v[0, 1, 2] : f32 from vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.extract' op expected position attribute #1 to be a non-negative integer smaller than the corresponding vector dimension}}
  %0 = vector.extract %v[4] : vector<8xf32> from vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.extract' op expected position attribute #1 to be a non-negative integer smaller than the corresponding vector dimension}}
  %0 = vector.extract %v[-1] : vector<8xf32> from vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.extract' op inferred type(s) 'vector<8xf32>' are incompatible with return type(s) of operation 'f32'}}
  %0 = vector.extract %v[1] : f32 from vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %i: i32) {
  // expected-error @+1 {{'vector.extract' op operand #1 must be variadic of index, but got 'i32'}}
  %0 = "vector.extract"(%v, %i) {static_position = array<i64: -9223372036854775808, 1>} : (vector<4x8xf32>, i32) -> f32
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %i: index) {
  // expected-error @+1 {{'vector.extract' op mismatch between dynamic and static positions (kDynamic marker but no corresponding dynamic position) -- this can only happen due to an incorrect fold/rewrite}}
  %0 = "vector.extract"(%v, %i) {static_position = array<i64: 0, 1>} : (vector<4x8xf32>, index) -> f32
  return
}

// -----

func.func @f(%v: vector<4xf32>) {
  // expected-error @+1 {{'vector.extract' op requires attribute 'static_position'}}
  %0 = "vector.extract"(%v) : (vector<4xf32>) -> f32
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: f32) {
  // expected-error @+1 {{'vector.insert' op expected position attribute of rank no greater than dest vector rank}}
  %0 = vector.insert %s, %v [0, 1, 2] : f32 into vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: f32) {
  // expected-error @+1 {{'vector.insert' op expected position attribute rank to match the dest vector rank}}
  %0 = vector.insert %s, %v [0] : f32 into vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: vector<8xf32>) {
  // expected-error @+1 {{'vector.insert' op expected position attribute rank + source rank to match dest vector rank}}
  %0 = "vector.insert"(%s, %v) {static_position = array<i64>} : (vector<8xf32>, vector<4x8xf32>) -> vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: f32) {
  // expected-error @+1 {{'vector.insert' op expected position attribute #2 to be a non-negative integer smaller than the corresponding dest vector dimension}}
  %0 = vector.insert %s, %v [0, 8] : f32 into vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: f64) {
  // expected-error @+1 {{'vector.insert' op failed to verify that source operand and result have same element type}}
  %0 = vector.insert %s, %v [0, 1] : f64 into vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: vector<8xf32>) {
  // expected-error @+1 {{'vector.insert' op failed to verify that all of {dest, result} have same type}}
  %0 = "vector.insert"(%s, %v) {static_position = array<i64: 1>} : (vector<8xf32>, vector<4x8xf32>) -> vector<4x9xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>, %s: vector<7xf32>) {
  // expected-error @+1 {{'vector.insert' op expected source vector shape to match the trailing dest vector dimensions}}
  %0 = vector.insert %s, %v [0] : vector<7xf32> into vector<4x8xf32>
  return
}

// -----

func.func @f(%v: vector<f32>, %i: index) {
  // expected-error @+1 {{'vector.extractelement' op expected position to be empty with 0-D vector}}
  %0 = "vector.extractelement"(%v, %i) : (vector<f32>, index) -> f32
  return
}

// -----

func.func @f(%v: vector<4xf32>) {
  // expected-error @+1 {{'vector.extractelement' op expected position for 1-D vector}}
  %0 = "vector.extractelement"(%v) : (vector<4xf32>) -> f32
  return
}

// -----

func.func @f(%v: vector<4x4xf32>, %i: index) {
  // expected-error @+1 {{'vector.extractelement' op unexpected >1 vector rank}}
  %0 = "vector.extractelement"(%v, %i) : (vector<4x4xf32>, index) -> f32
  return
}

// -----

func.func @f(%v: vector<4xf32>, %i: index) {
  // expected-error @+1 {{'vector.extractelement' op failed to verify that result type matches element type of vector operand}}
  %0 = "vector.extractelement"(%v, %i) : (vector<4xf32>, index) -> f64
  return
}

// -----

func.func @f(%v: vector<4xf32>, %s: f32) {
  // expected-error @+1 {{'vector.insertelement' op expected position for 1-D vector}}
  %0 = "vector.insertelement"(%s, %v) : (f32, vector<4xf32>) -> vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<f32>, %i: index, %s: f32) {
  // expected-error @+1 {{'vector.insertelement' op expected position to be empty with 0-D vector}}
  %0 = "vector.insertelement"(%s, %v, %i) : (f32, vector<f32>, index) -> vector<f32>
  return
}

// -----

func.func @f(%v: vector<4xf32>, %i: f32, %s: f32) {
  // expected-error @+1 {{'vector.insertelement' op operand #2 must be signless integer or index, but got 'f32'}}
  %0 = "vector.insertelement"(%s, %v, %i) : (f32, vector<4xf32>, f32) -> vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<4xf32>, %i: index, %s: f64) {
  // expected-error @+1 {{'vector.insertelement' op failed to verify that source operand type matches element type of result}}
  %0 = "vector.insertelement"(%s, %v, %i) : (f64, vector<4xf32>, index) -> vector<4xf32>
  return
}

// -----

func.func @f(%v: vector<4xf32>, %i: index, %s: f32) {
  // expected-error @+1 {{'vector.insertelement' op failed to verify that all of {dest, result} have same type}}
  %0 = "vector.insertelement"(%s, %v, %i) : (f32, vector<4xf32>, index) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires 2 indices}}
  %0 = vector.transfer_read %m[%i], %p : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a permutation_map with input dims of the same rank as the source type}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a permutation_map with result dims of the same rank as the vector type}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0, d1) -> (d0, d1)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a permutation_map with result dims of the same rank as the vector type}}
  %0 = vector.transfer_read %m[%i], %p : memref<16xf32>, vector<4x8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires permutation_map without symbols}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0, d1)[s0] -> (d1)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a projected permutation_map (at most one dim or the zero constant can appear in each result)}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0, d1) -> (d0 + d1)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a projected permutation_map (at most one dim or the zero constant can appear in each result)}}
  %0 = vector.transfer_read %m[%i, %i], %p {in_bounds = [true], permutation_map = affine_map<(d0, d1) -> (1)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires a permutation_map that is a permutation (found one dim used more than once)}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0, d1) -> (d0, d0)>} : memref<16x16xf32>, vector<8x8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires broadcast dimensions to be in-bounds}}
  %0 = vector.transfer_read %m[%i, %i], %p {permutation_map = affine_map<(d0, d1) -> (0)>} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op expects the in_bounds attr of same rank as permutation_map results: affine_map<(d0, d1) -> (d1)> vs inBounds of size: 2}}
  %0 = vector.transfer_read %m[%i, %i], %p {in_bounds = [true, false]} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op attribute 'in_bounds' failed to satisfy constraint: 1-bit boolean array attribute}}
  %0 = vector.transfer_read %m[%i, %i], %p {in_bounds = [1]} : memref<16x16xf32>, vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f64) {
  // expected-error @+1 {{'vector.transfer_read' op requires formal padding and source of the same elemental type}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f64) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32, %mask: vector<4xi1>) {
  // expected-error @+1 {{'vector.transfer_read' op inferred mask type ('vector<8xi1>') and mask operand type ('vector<4xi1>') don't match}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p, %mask) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 1>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32, vector<4xi1>) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires attribute 'in_bounds'}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p) {operandSegmentSizes = array<i32: 1, 2, 1, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires attribute 'permutation_map'}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 0>} : (memref<16x16xf32>, index, index, f32) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires dense array attribute 'operandSegmentSizes' with 4 elements}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p) {in_bounds = [false], permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32) -> vector<8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %p: f32) {
  // expected-error @+1 {{'vector.transfer_read' op requires the vector element type 'f64' to be the source element type 'f32'}}
  %0 = "vector.transfer_read"(%m, %i, %i, %p) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32) -> vector<8xf64>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.transfer_write' op requires 2 indices}}
  vector.transfer_write %v, %m[%i] : vector<8xf32>, memref<16x16xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.transfer_write' op should not have broadcast dimensions}}
  vector.transfer_write %v, %m[%i, %i] {in_bounds = [true], permutation_map = affine_map<(d0, d1) -> (0)>} : vector<8xf32>, memref<16x16xf32>
  return
}

// -----

func.func @f(%m: tensor<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.transfer_write' op expected type of operand #1 ('tensor<16x16xf32>') to match type of corresponding result ('tensor<16x8xf32>')}}
  %0 = "vector.transfer_write"(%v, %m, %i, %i) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 1, 2, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (vector<8xf32>, tensor<16x16xf32>, index, index) -> tensor<16x8xf32>
  return
}

// -----

func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.transfer_write' op expected the number of tensor results (1) to be equal to the number of output tensors (0)}}
  %0 = "vector.transfer_write"(%v, %m, %i, %i) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 1, 2, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (vector<8xf32>, memref<16x16xf32>, index, index) -> tensor<16x16xf32>
  return
}

// -----

func.func @f(%m: tensor<16x16xf32>, %i: index, %v: vector<8xf32>) {
  // expected-error @+1 {{'vector.transfer_write' op expected the number of tensor results (0) to be equal to the number of output tensors (1)}}
  "vector.transfer_write"(%v, %m, %i, %i) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 1, 2, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (vector<8xf32>, tensor<16x16xf32>, index, index) -> ()
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.shape_cast' op source/result number of elements must match}}
  %0 = vector.shape_cast %v : vector<4x8xf32> to vector<31xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.shape_cast' op source/result vectors must have same element type}}
  %0 = vector.shape_cast %v : vector<4x8xf32> to vector<32xf64>
  return
}

// -----

func.func @f(%v: vector<4x6x2xf32>) {
  // expected-error @+1 {{'vector.shape_cast' op invalid shape cast}}
  %0 = vector.shape_cast %v : vector<4x6x2xf32> to vector<8x6xf32>
  return
}

// -----

func.func @f(%v: vector<4x8xf32>) {
  // expected-error @+1 {{'vector.shape_cast' op result #0 must be vector of any type values, but got 'tensor<32xf32>'}}
  %0 = "vector.shape_cast"(%v) : (vector<4x8xf32>) -> tensor<32xf32>
  return
}

// -----

func.func @f(%i: index) {
  // expected-error @+1 {{'vector.create_mask' op must specify an operand for each result vector dimension}}
  %0 = vector.create_mask %i : vector<4x8xi1>
  return
}

// -----

func.func @f(%i: index) {
  // expected-error @+1 {{'vector.create_mask' op must specify exactly one operand for 0-D create_mask}}
  %0 = vector.create_mask : vector<i1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.constant_mask' op must specify array attr of size equal vector result rank}}
  %0 = vector.constant_mask [2] : vector<4x8xi1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.constant_mask' op array attr of size out of bounds of vector result dimension size}}
  %0 = vector.constant_mask [2, 9] : vector<4x8xi1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.constant_mask' op array attr of size out of bounds of vector result dimension size}}
  %0 = vector.constant_mask [2, -1] : vector<4x8xi1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.constant_mask' op expected all mask dim sizes to be zeros, as a result of conjunction with zero mask dim}}
  %0 = vector.constant_mask [0, 3] : vector<4x8xi1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{array attr must have length 1 for 0-D vectors}}
  %0 = vector.constant_mask [] : vector<i1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{mask dim size must be either 0 or 1 for 0-D vectors}}
  %0 = vector.constant_mask [2] : vector<i1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.constant_mask' op result #0 must be vector of 1-bit signless integer values, but got 'vector<4x8xi32>'}}
  %0 = vector.constant_mask [2, 3] : vector<4x8xi32>
  return
}

// -----

func.func @f(%m: memref<16xf32>) {
  // expected-error @+1 {{'vector.print' op operand #0 must be an integer, index or float, or a vector of them, but got 'memref<16xf32>'}}
  "vector.print"(%m) : (memref<16xf32>) -> ()
  return
}

// -----

func.func @f(%v: vector<4xf32>) {
  // expected-error @+1 {{'vector.print' op failed to verify that `source` or `punctuation` are not set when printing strings}}
  vector.print %v : vector<4xf32> str "x"
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'vector.print' op failed to verify that `source` or `punctuation` are not set when printing strings}}
  vector.print str "x" punctuation <comma>
  return
}

// -----

func.func @f(%v: f32) {
  // expected-error @+1 {{expected ::mlir::vector::PrintPunctuation to be one of: no_punctuation, newline, comma, open, close}}
  vector.print %v : f32 punctuation <semicolon>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op transposition length mismatch: 1}}
  %0 = vector.transpose %v, [1] : vector<2x3xf32> to vector<3x2xf32>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op vector result rank mismatch: 3}}
  %0 = vector.transpose %v, [1, 0] : vector<2x3xf32> to vector<3x2x1xf32>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op transposition index out of range: 2}}
  %0 = vector.transpose %v, [1, 2] : vector<2x3xf32> to vector<3x2xf32>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op duplicate position index: 1}}
  %0 = vector.transpose %v, [1, 1] : vector<2x3xf32> to vector<3x2xf32>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op dimension size mismatch at: 0}}
  %0 = vector.transpose %v, [0, 1] : vector<2x3xf32> to vector<3x2xf32>
  return
}

// -----

func.func @f(%v: vector<2x3xf32>) {
  // expected-error @+1 {{'vector.transpose' op failed to verify that operand and result have same element type}}
  %0 = "vector.transpose"(%v) {permutation = array<i64: 1, 0>} : (vector<2x3xf32>) -> vector<3x2xf64>
  return
}
