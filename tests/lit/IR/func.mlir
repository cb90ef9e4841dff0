// The func dialect's custom forms: definitions, declarations, visibility,
// argument and result attributes, extra attributes, multiple results,
// calls and returns, and `return` without the dialect prefix inside a
// function. They print as mlir-opt prints them and read back.
// RUN: tensor-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: module @m attributes {foo.version = 2 : i64} {
module @m attributes {foo.version = 2 : i64} {

// CHECK-NEXT: func.func @id(%arg0: tensor<2xf32>) -> tensor<2xf32> {
// CHECK-NEXT:   func.return %arg0 : tensor<2xf32>
// CHECK-NEXT: }
func.func @id(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// CHECK-NEXT: func.func private @decl(f32, i32) -> (f32, i32)
func.func private @decl(f32, i32) -> (f32, i32)

// CHECK-NEXT: func.func nested @nested_decl()
func.func nested @nested_decl()

// CHECK-NEXT: func.func @attrs(%arg0: f32 {foo.a = 1 : i64}, %arg1: f32, %arg2: f32 {foo.b}) -> (f32 {foo.r = "x"}, f32) attributes {foo.fn} {
// CHECK-NEXT:   %0 = "test.i"() : () -> i32
// CHECK-NEXT:   %1:2 = func.call @decl(%arg1, %0) : (f32, i32) -> (f32, i32)
// CHECK-NEXT:   func.return %1#0, %arg2 : f32, f32
// CHECK-NEXT: }
func.func @attrs(%a: f32 {foo.a = 1}, %b: f32 {}, %c: f32 {foo.b}) -> (f32 {foo.r = "x"}, f32) attributes {foo.fn} {
  %i = "test.i"() : () -> i32
  %r:2 = func.call @decl(%b, %i) : (f32, i32) -> (f32, i32)
  func.return %r#0, %c : f32, f32
}

// CHECK-NEXT: func.func @no_results() {
// CHECK-NEXT:   func.call @no_results() : () -> ()
// CHECK-NEXT:   func.return
// CHECK-NEXT: }
func.func @no_results() {
  func.call @no_results() : () -> ()
  func.return
}

// CHECK-NEXT: func.func private @"quoted name"(tensor<f32> {foo.c}) -> (() -> ())
func.func private @"quoted name"(tensor<f32> {foo.c}) -> (() -> ())

// CHECK-NEXT: func.func @blocks(%arg0: i1) -> i32 {
// CHECK-NEXT:   "test.br"()[^bb1] : () -> ()
// CHECK-NEXT: ^bb1:
// CHECK-NEXT:   %0 = "test.c"() : () -> i32
// CHECK-NEXT:   func.return %0 : i32
// CHECK-NEXT: }
func.func @blocks(%c: i1) -> i32 {
  "test.br"()[^next] : () -> ()
^next:
  %0 = "test.c"() : () -> i32
  return %0 : i32
}
}

// GENERIC: "builtin.module"() ({
// GENERIC: "func.func"() ({
// GENERIC-NEXT: ^bb0(%arg0: tensor<2xf32>):
// GENERIC-NEXT:   "func.return"(%arg0) : (tensor<2xf32>) -> ()
// GENERIC-NEXT: }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "id"} : () -> ()
// GENERIC-NEXT: "func.func"() ({
// GENERIC-NEXT: }) {function_type = (f32, i32) -> (f32, i32), sym_name = "decl", sym_visibility = "private"} : () -> ()
// GENERIC: "func.call"(%arg1, %0) {callee = @decl} : (f32, i32) -> (f32, i32)
// GENERIC: {arg_attrs = [{foo.a = 1 : i64}, {}, {foo.b}], foo.fn, function_type = (f32, f32, f32) -> (f32, f32), res_attrs = [{foo.r = "x"}, {}], sym_name = "attrs"}
// GENERIC: }) {foo.version = 2 : i64, sym_name = "m"} : () -> ()
