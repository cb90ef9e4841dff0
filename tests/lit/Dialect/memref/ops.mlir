// Every memref op in its custom form: it parses, verifies, prints back as
// mlir-opt-19 prints it, and survives a round trip through the generic form.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

#layout = affine_map<(d0)[s0] -> (d0 + s0)>

// CHECK: memref.global "private" constant @w : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-NEXT: memref.global @u : memref<3xi32> = uninitialized
// CHECK-NEXT: memref.global "public" @z : memref<2x2xi32> = dense<0> {alignment = 64 : i64}
// CHECK-NEXT: memref.global "private" @ext : memref<4xf32>
// GENERIC: "memref.global"() {constant, initial_value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, sym_name = "w", sym_visibility = "private", type = memref<2xf32>} : () -> ()
// GENERIC: "memref.global"() {initial_value, sym_name = "u", type = memref<3xi32>} : () -> ()
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
memref.global @u : memref<3xi32> = uninitialized
memref.global "public" @z : memref<2x2xi32> = dense<0> {alignment = 64 : i64}
memref.global "private" @ext : memref<4xf32>

// CHECK-LABEL: func.func @alloc(%arg0: index) {
// CHECK-NEXT: %0 = memref.alloc() : memref<4x4xf32>
// CHECK-NEXT: %1 = memref.alloc(%arg0)[%arg0] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// CHECK-NEXT: %2 = memref.alloca(%arg0) {alignment = 64 : i64} : memref<4x?xf32>
// CHECK-NEXT: %3 = memref.alloc(%arg0, %arg0) : memref<?x?xf32, 1>
// CHECK-NEXT: memref.dealloc %0 : memref<4x4xf32>
// CHECK-NEXT: memref.dealloc %1 : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// CHECK-NEXT: func.return
// GENERIC: "memref.alloc"(%arg0, %arg0) {operandSegmentSizes = array<i32: 1, 1>} : (index, index) -> memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// GENERIC: "memref.alloca"(%arg0) {alignment = 64 : i64, operandSegmentSizes = array<i32: 1, 0>} : (index) -> memref<4x?xf32>
func.func @alloc(%n: index) {
  %a = memref.alloc() : memref<4x4xf32>
  %b = memref.alloc(%n)[%n] : memref<?xf32, #layout>
  %c = memref.alloca(%n) {alignment = 64 : i64} : memref<4x?xf32>
  %d = memref.alloc(%n, %n) : memref<?x?xf32, 1>
  memref.dealloc %a : memref<4x4xf32>
  memref.dealloc %b : memref<?xf32, #layout>
  return
}

// CHECK-LABEL: func.func @access(%arg0: memref<4x4xf32>, %arg1: index, %arg2: f32, %arg3: memref<f32>) -> f32 {
// CHECK-NEXT: %0 = memref.load %arg0[%arg1, %arg1] : memref<4x4xf32>
// CHECK-NEXT: memref.store %arg2, %arg0[%arg1, %arg1] : memref<4x4xf32>
// CHECK-NEXT: memref.store %0, %arg0[%arg1, %arg1] {nontemporal = true} : memref<4x4xf32>
// CHECK-NEXT: %1 = memref.load %arg3[] : memref<f32>
// CHECK-NEXT: memref.store %1, %arg3[] : memref<f32>
// CHECK-NEXT: %2 = memref.get_global @w : memref<2xf32>
// CHECK-NEXT: memref.copy %2, %2 : memref<2xf32> to memref<2xf32>
// CHECK-NEXT: func.return %0 : f32
// GENERIC: "memref.load"(%arg0, %arg1, %arg1) : (memref<4x4xf32>, index, index) -> f32
// GENERIC: "memref.store"(%0, %arg0, %arg1, %arg1) {nontemporal = true} : (f32, memref<4x4xf32>, index, index) -> ()
// GENERIC: "memref.get_global"() {name = @w} : () -> memref<2xf32>
func.func @access(%m: memref<4x4xf32>, %i: index, %v: f32, %s: memref<f32>) -> f32 {
  %0 = memref.load %m[%i, %i] : memref<4x4xf32>
  memref.store %v, %m[%i, %i] : memref<4x4xf32>
  memref.store %0, %m[%i, %i] {nontemporal = true} : memref<4x4xf32>
  %1 = memref.load %s[] : memref<f32>
  memref.store %1, %s[] : memref<f32>
  %w = memref.get_global @w : memref<2xf32>
  memref.copy %w, %w : memref<2xf32> to memref<2xf32>
  return %0 : f32
}

// CHECK-LABEL: func.func @views(%arg0: memref<4x4xf32>, %arg1: index, %arg2: memref<8x?xf32, strided<[?, 2], offset: 3>>) {
// CHECK-NEXT: %0 = memref.subview %arg0[1, %arg1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
// CHECK-NEXT: %1 = memref.subview %arg0[0, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1]>>
// CHECK-NEXT: %2 = memref.subview %arg0[0, 1] [2, 2] [2, 2] : memref<4x4xf32> to memref<2x2xf32, strided<[8, 2], offset: 1>>
// CHECK-NEXT: %3 = memref.subview %arg0[0, 0] [4, 4] [1, 1] : memref<4x4xf32> to memref<4x4xf32>
// CHECK-NEXT: %4 = memref.subview %arg2[1, 0] [2, %arg1] [1, 1] : memref<8x?xf32, strided<[?, 2], offset: 3>> to memref<2x?xf32, strided<[?, 2], offset: ?>>
// CHECK-NEXT: %5 = memref.cast %arg0 : memref<4x4xf32> to memref<?x4xf32>
// CHECK-NEXT: %6 = memref.cast %0 : memref<2x2xf32, strided<[4, 1], offset: ?>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %7 = memref.cast %arg0 : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
// GENERIC: "memref.subview"(%arg0, %arg1) {operandSegmentSizes = array<i32: 1, 1, 0, 0>, static_offsets = array<i64: 1, -9223372036854775808>, static_sizes = array<i64: 2, 2>, static_strides = array<i64: 1, 1>} : (memref<4x4xf32>, index) -> memref<2x2xf32, strided<[4, 1], offset: ?>>
func.func @views(%m: memref<4x4xf32>, %i: index, %s: memref<8x?xf32, strided<[?, 2], offset: 3>>) {
  %0 = memref.subview %m[1, %i] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
  %1 = memref.subview %m[0, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1]>>
  %2 = memref.subview %m[0, 1] [2, 2] [2, 2] : memref<4x4xf32> to memref<2x2xf32, strided<[8, 2], offset: 1>>
  %3 = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<4x4xf32> to memref<4x4xf32>
  %4 = memref.subview %s[1, 0] [2, %i] [1, 1] : memref<8x?xf32, strided<[?, 2], offset: 3>> to memref<2x?xf32, strided<[?, 2], offset: ?>>
  %5 = memref.cast %m : memref<4x4xf32> to memref<?x4xf32>
  %6 = memref.cast %0 : memref<2x2xf32, strided<[4, 1], offset: ?>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
  %7 = memref.cast %m : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
  return
}
