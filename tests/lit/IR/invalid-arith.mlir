// The arith dialect's verifier: each chunk breaks one rule.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.addf' op operands must be floating-point-like, but got 'i32'}}
  %0 = arith.addf %x, %x : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'arith.muli' op operands must be signless-integer-like, but got 'f32'}}
  %0 = arith.muli %x, %x : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: ui32) -> ui32 {
  // expected-error @+1 {{'arith.addi' op operands must be signless-integer-like, but got 'ui32'}}
  %0 = arith.addi %x, %x : ui32
  func.return %0 : ui32
}

// -----

func.func @f(%x: f32, %y: f64) -> f64 {
  // expected-error @+1 {{'arith.addf' op requires the same type for all operands and results, but operand #0 has type 'f32' and the result 'f64'}}
  %0 = "arith.addf"(%x, %y) : (f32, f64) -> f64
  func.return %0 : f64
}

// -----

func.func @f() -> f64 {
  // expected-error @+1 {{'arith.constant' op value type 'f32' does not match result type 'f64'}}
  %0 = "arith.constant"() {value = 1.0 : f32} : () -> f64
  func.return %0 : f64
}

// -----

func.func @f() -> i32 {
  // expected-error @+1 {{'arith.constant' op value must be an integer, float, bool or dense elements attribute}}
  %0 = "arith.constant"() {value = "one"} : () -> i32
  func.return %0 : i32
}

// -----

func.func @f() -> si32 {
  // expected-error @+1 {{'arith.constant' op integer constants must be signless, found 'si32'}}
  %0 = arith.constant 1 : si32
  func.return %0 : si32
}
