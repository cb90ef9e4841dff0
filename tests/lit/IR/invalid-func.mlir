// The func dialect's verifier: each chunk breaks one rule, and the message
// names what was expected and what was found.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: i32) -> f32 {
  // expected-error @+1 {{'func.return' op type of return operand 0 ('i32') doesn't match function result type ('f32') in function @f}}
  func.return %x : i32
}

// -----

func.func @f(%x: f32) -> (f32, f32) {
  // expected-error @+1 {{'func.return' op has 1 operands, but enclosing function (@f) returns 2}}
  func.return %x : f32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'func.call' op 'g' does not reference a valid function}}
  %0 = func.call @g(%x) : (f32) -> f32
  func.return %0 : f32
}

// -----

func.func private @g(i32) -> f32

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'func.call' op operand type mismatch: expected operand type 'i32', but provided 'f32' for operand number 0}}
  %0 = func.call @g(%x) : (f32) -> f32
  func.return %0 : f32
}

// -----

func.func private @g(f32) -> i32

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'func.call' op result type mismatch at index 0: expected result type 'i32', but provided 'f32'}}
  %0 = func.call @g(%x) : (f32) -> f32
  func.return %0 : f32
}

// -----

// expected-error @+1 {{'func.func' op symbol declaration cannot have public visibility}}
func.func @decl(f32) -> f32

// -----

// expected-error @+1 {{'func.func' op type of entry block argument #0 ('i32') must match the type of the corresponding argument in function signature ('f32')}}
"func.func"() ({
^bb0(%x: i32):
  "func.return"() : () -> ()
}) {function_type = (f32) -> (), sym_name = "f"} : () -> ()

// -----

// expected-error @+1 {{'func.func' op entry block must have 1 arguments to match function signature, but has 0}}
"func.func"() ({
  "func.return"() : () -> ()
}) {function_type = (f32) -> (), sym_name = "f"} : () -> ()

// -----

// expected-error @+1 {{'func.func' op requires attribute 'function_type' to be a function type}}
"func.func"() ({
}) {function_type = f32, sym_name = "f", sym_visibility = "private"} : () -> ()
