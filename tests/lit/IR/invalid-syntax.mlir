// Syntax errors: each chunk has one, reported at its line and column with a
// message that says what was expected and what was found.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{use of undefined value '%y'}}
  func.return %y : f32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-note @+1 {{previously defined here}}
  %0 = arith.addf %x, %x : f32
  // expected-error @+1 {{redefinition of value '%0'}}
  %0 = arith.addf %x, %x : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{custom op 'graph.frobnicate' is unknown}}
  %0 = graph.frobnicate %x : (tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{custom op 'foo.bar' is unknown (unregistered ops must use the generic form "d.op"(...))}}
foo.bar

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{expected ':' after operand list, found '}'}}
  %0 = arith.addf %x, %x }
}

// -----

func.func @f(%x: f32) -> i32 {
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'i32' vs 'f32'}}
  %0 = arith.addi %x, %x : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) {
  // expected-error @+1 {{operation defines 1 results but was provided 2 to bind}}
  %0, %1 = arith.addf %x, %x : f32
  func.return
}

// -----

// expected-error @+1 {{cannot name an operation with no results}}
%0 = "test.none"() : () -> ()

// -----

func.func @f() {
  // expected-error @+1 {{reference to an undefined block '^nowhere'}}
  "test.br"()[^nowhere] : () -> ()
}

// -----

func.func @f() {
  "test.br"()[^bb1] : () -> ()
^bb1:
  "test.br"()[^bb1] : () -> ()
// expected-error @+1 {{redefinition of block '^bb1'}}
^bb1:
  func.return
}

// -----

// expected-error @+1 {{expected 'x' in dimension list, found '>'}}
"test.op"() : () -> tensor<4>

// -----

// expected-error @+1 {{unranked shaped types are not supported}}
"test.op"() : () -> tensor<*xf32>

// -----

// expected-error @+1 {{type 'f80' is not supported}}
"test.op"() : () -> f80

// -----

// expected-error @+1 {{invalid integer width in 'i0'}}
"test.op"() : () -> i0

// -----

// expected-error @+1 {{integer constant out of range for attribute}}
"test.op"() {a = 256 : i8} : () -> ()

// -----

// expected-error @+1 {{negative integer literal not valid for unsigned integer type}}
"test.op"() {a = -1 : ui8} : () -> ()

// -----

// expected-error @+2 {{unexpected decimal integer literal for a floating point value}}
// expected-note @+1 {{add a trailing dot to make the literal a float}}
"test.op"() {a = 1 : f32} : () -> ()

// -----

// expected-error @+1 {{inferred shape of elements literal ([2]) does not match type ([3])}}
"test.op"() {a = dense<[1.0, 2.0]> : tensor<3xf32>} : () -> ()

// -----

// expected-error @+1 {{tensor literal is invalid; ranks are not consistent between elements}}
"test.op"() {a = dense<[[1.0], 2.0]> : tensor<2x1xf32>} : () -> ()

// -----

// expected-error @+1 {{expected floating-point elements, but parsed integer}}
"test.op"() {a = dense<[1, 2]> : tensor<2xf32>} : () -> ()

// -----

// expected-error @+1 {{elements hex data size is invalid for provided type: 'tensor<3xf32>'}}
"test.op"() {a = dense<"0x0000803F0000803F"> : tensor<3xf32>} : () -> ()

// -----

// expected-error @+1 {{duplicate key 'a' in dictionary attribute}}
"test.op"() {a = 1, b = 2, a = 3} : () -> ()

// -----

// expected-error @+1 {{undefined symbol alias id 'nope'}}
"test.op"() {a = #nope} : () -> ()

// -----

// expected-error @+1 {{undefined symbol alias id 'nope'}}
"test.op"() : () -> !nope

// -----

// expected-error @+1 {{expected '"' in string literal}}
"test.op"() {a = "unterminated} : () -> ()

// -----

// expected-error @+1 {{expected 2 operand types but had 1}}
%0 = "test.op"(%0, %0) : (i32) -> i32

// -----

// expected-error @+1 {{expected attribute value, found '}'}}
"test.op"() {a = } : () -> ()

// -----

// expected-error @+1 {{expected type, found '>'}}
"test.op"() : () -> tensor<2x>

// -----

func.func @f() {
  // expected-error @+1 {{expected a typed constant value}}
  %0 = arith.constant "text"
  func.return
}

// -----

// expected-error @+1 {{a function with a body needs named arguments (%name: type)}}
func.func @f(f32) {
  func.return
}

// -----

%0 = "test.value"() : () -> i32
func.func @isolated() {
  // Functions are isolated from above: outer values are not visible.
  // expected-error @+1 {{use of undefined value '%0'}}
  "test.use"(%0) : (i32) -> ()
  func.return
}

// -----

// expected-error @+1 {{custom op 'return' is unknown}}
return

// -----

func.func @f() {
  // expected-error @+1 {{undefined location alias '#nowhere'}}
  func.return loc(#nowhere)
}
