// The affine dialect's verifier and parser: each chunk breaks one rule.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f() {
  // expected-error @+1 {{expected step to be representable as a positive signed integer}}
  affine.for %i = 0 to 10 step 0 {
  }
  return
}

// -----

func.func @f(%n: index) {
  // expected-error @+1 {{lower loop bound affine map with multiple results requires 'max' prefix}}
  affine.for %i = affine_map<()[s0] -> (0, s0)>()[%n] to 10 {
  }
  return
}

// -----

func.func @f(%n: index) {
  // expected-error @+1 {{dim operand count and affine map dim count must match}}
  affine.for %i = 0 to affine_map<(d0) -> (d0)>(%n, %n) {
  }
  return
}

// -----

func.func @f(%n: index) {
  affine.for %i = 0 to 10 {
    %j = arith.addi %i, %n : index
    // expected-error @+1 {{'affine.for' op operand cannot be used as a symbol}}
    affine.for %k = 0 to %j {
    }
  }
  return
}

// -----

func.func @f(%m: memref<10xf32>) {
  affine.for %i = 0 to 10 {
    %j = arith.addi %i, %i : index
    // expected-error @+1 {{'affine.load' op index must be a valid dimension or symbol identifier}}
    %v = affine.load %m[%j] : memref<10xf32>
  }
  return
}

// -----

func.func @f(%m: memref<10xf32>, %i: index) -> f32 {
  // expected-error @+1 {{'affine.load' op affine map num results must equal memref rank}}
  %v = "affine.load"(%m, %i) {map = affine_map<(d0) -> (d0, d0)>} : (memref<10xf32>, index) -> f32
  return %v : f32
}

// -----

func.func @f(%m: memref<10xf32>, %i: index) -> f32 {
  // expected-error @+1 {{'affine.load' op expects as many subscripts as affine map inputs}}
  %v = "affine.load"(%m, %i, %i) {map = affine_map<(d0) -> (d0)>} : (memref<10xf32>, index, index) -> f32
  return %v : f32
}

// -----

func.func @f(%m: memref<10xf32>, %i: index, %x: f64) {
  // expected-error @+1 {{'affine.store' op value to store must have the same type as memref element type}}
  "affine.store"(%x, %m, %i) {map = affine_map<(d0) -> (d0)>} : (f64, memref<10xf32>, index) -> ()
  return
}

// -----

func.func @f(%m: memref<10x10xf32>, %i: index, %j: index) -> f32 {
  // expected-error @+1 {{non-affine expression: at least one of the multiply operands has to be either a constant or symbolic}}
  %v = affine.load %m[%i * %j, 0] : memref<10x10xf32>
  return %v : f32
}

// -----

func.func @f(%i: index) -> index {
  // expected-error @+1 {{'affine.apply' op mapping must produce one value}}
  %0 = affine.apply affine_map<(d0) -> (d0, d0)>(%i)
  return %0 : index
}

// -----

func.func @f(%i: index) -> index {
  // expected-error @+1 {{'affine.apply' op operand count and affine map dimension and symbol count must match}}
  %0 = "affine.apply"(%i, %i) {map = affine_map<(d0) -> (d0)>} : (index, index) -> index
  return %0 : index
}

// -----

func.func @f(%i: index) -> index {
  // expected-error @+1 {{'affine.min' op affine map expect at least one result}}
  %0 = affine.min affine_map<(d0) -> ()>(%i)
  return %0 : index
}

// -----

func.func @f(%i: index) {
  // expected-error @+1 {{symbol operand count and integer set symbol count must match}}
  affine.if affine_set<(d0)[s0] : (d0 - s0 >= 0)>(%i) {
  }
  return
}

// -----

func.func @f(%i: index) -> f32 {
  // expected-error @+1 {{'affine.if' op must have an else block if defining values}}
  %0 = affine.if affine_set<(d0) : (d0 >= 0)>(%i) -> f32 {
    %c = arith.constant 1.0 : f32
    affine.yield %c : f32
  }
  return %0 : f32
}

// -----

func.func @f(%x: f32) -> f32 {
  %r = affine.for %i = 0 to 10 iter_args(%a = %x) -> (f32) {
    %c = arith.constant 1 : i32
    // expected-error @+1 {{'affine.yield' op types mismatch between yield op and its parent}}
    affine.yield %c : i32
  }
  return %r : f32
}

// -----

func.func @f(%x: f32) {
  affine.for %i = 0 to 10 {
    // expected-error @+1 {{'affine.yield' op parent of yield must have same number of results as the yield operands}}
    affine.yield %x : f32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'affine.yield' op only terminates affine.if/for/parallel regions}}
  affine.yield
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'affine.for' op types of init #0 ('f32'), region argument ('f64') and result ('f32') must match}}
  %r = "affine.for"(%x) ({
  ^bb0(%i: index, %a: f64):
    "affine.yield"(%x) : (f32) -> ()
  }) {lowerBoundMap = affine_map<() -> (0)>, upperBoundMap = affine_map<() -> (4)>, step = 1 : index, operandSegmentSizes = array<i32: 0, 0, 1>} : (f32) -> f32
  return %r : f32
}

// -----

func.func @f() {
  // expected-error @+1 {{'affine.for' op expected lower bound map to have at least one result}}
  "affine.for"() ({
  ^bb0(%i: index):
    "affine.yield"() : () -> ()
  }) {lowerBoundMap = affine_map<() -> ()>, upperBoundMap = affine_map<() -> (4)>, step = 1 : index, operandSegmentSizes = array<i32: 0, 0, 0>} : () -> ()
  return
}

// -----

func.func @f(%m: memref<4xi32>) -> i32 {
  // expected-error @+1 {{'affine.parallel' op result type cannot match reduction attribute}}
  %r = affine.parallel (%i) = (0) to (4) reduce ("addf") -> (i32) {
    %v = affine.load %m[%i] : memref<4xi32>
    affine.yield %v : i32
  }
  return %r : i32
}

// -----

func.func @f() {
  // expected-error @+1 {{invalid reduction value: "plus"}}
  %r = affine.parallel (%i) = (0) to (4) reduce ("plus") -> (f32) {
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{expected as many lower and upper bounds as induction variables}}
  affine.parallel (%i, %j) = (0) to (4, 4) {
  }
  return
}
