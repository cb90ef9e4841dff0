// The arith dialect's custom forms, as MLIR 19 writes them: constants of
// every kind (the result type is the value's type) and binary ops whose
// operands and result share one type.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @constants()
// CHECK-NEXT: %0 = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %1 = arith.constant -2.500000e-01 : f64
// CHECK-NEXT: %2 = arith.constant 42 : i32
// CHECK-NEXT: %3 = arith.constant 0 : index
// CHECK-NEXT: %4 = arith.constant true
// CHECK-NEXT: %5 = arith.constant false
// CHECK-NEXT: %6 = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// CHECK-NEXT: %7 = arith.constant dense<0> : vector<4xi8>
// CHECK-NEXT: %8 = arith.constant 0x7FC00000 : f32
// CHECK-NEXT: %9 = arith.constant {foo.tag} 3 : i64
func.func @constants() {
  %f = arith.constant 1.0 : f32
  %d = arith.constant -0.25 : f64
  %i = arith.constant 42 : i32
  %x = arith.constant 0 : index
  %t = arith.constant true
  %u = arith.constant 0 : i1
  %tensor = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %vec = arith.constant dense<0> : vector<4xi8>
  %nan = arith.constant 0x7FC00000 : f32
  %tagged = arith.constant {foo.tag} 3 : i64
  func.return
}

// CHECK-LABEL: func.func @binary(%arg0: f32, %arg1: i32, %arg2: index, %arg3: tensor<2xf32>)
// CHECK-NEXT: %0 = arith.addf %arg0, %arg0 : f32
// CHECK-NEXT: %1 = arith.subf %0, %arg0 : f32
// CHECK-NEXT: %2 = arith.mulf %1, %0 : f32
// CHECK-NEXT: %3 = arith.divf %2, %1 : f32
// CHECK-NEXT: %4 = arith.addi %arg1, %arg1 : i32
// CHECK-NEXT: %5 = arith.subi %4, %arg1 : i32
// CHECK-NEXT: %6 = arith.muli %5, %4 : i32
// CHECK-NEXT: %7 = arith.addi %arg2, %arg2 : index
// CHECK-NEXT: %8 = arith.addf %arg3, %arg3 : tensor<2xf32>
// CHECK-NEXT: %9 = arith.mulf %8, %arg3 {foo.tag} : tensor<2xf32>
// CHECK-NEXT: func.return %3, %6, %7, %9 : f32, i32, index, tensor<2xf32>
func.func @binary(%f: f32, %i: i32, %n: index, %t: tensor<2xf32>) -> (f32, i32, index, tensor<2xf32>) {
  %0 = arith.addf %f, %f : f32
  %1 = arith.subf %0, %f : f32
  %2 = arith.mulf %1, %0 : f32
  %3 = arith.divf %2, %1 : f32
  %4 = arith.addi %i, %i : i32
  %5 = arith.subi %4, %i : i32
  %6 = arith.muli %5, %4 : i32
  %7 = arith.addi %n, %n : index
  %8 = arith.addf %t, %t : tensor<2xf32>
  %9 = arith.mulf %8, %t {foo.tag} : tensor<2xf32>
  return %3, %6, %7, %9 : f32, i32, index, tensor<2xf32>
}

// GENERIC-LABEL: "func.func"() ({
// GENERIC-NEXT: %0 = "arith.constant"() {value = 1.000000e+00 : f32} : () -> f32
// GENERIC: %4 = "arith.constant"() {value = true} : () -> i1
// GENERIC: %0 = "arith.addf"(%arg0, %arg0) : (f32, f32) -> f32
