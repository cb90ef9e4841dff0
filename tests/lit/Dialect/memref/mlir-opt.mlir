// mlir-opt-19 reads what we print of the memref dialect, custom and generic,
// and we read what it prints, custom and generic.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s | mlir-opt-19 | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | mlir-opt-19 | FileCheck %s
// RUN: mlir-opt-19 %s | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s --mlir-print-op-generic | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s | tensor-opt | mlir-opt-19 | FileCheck %s

// CHECK: #map = affine_map<(d0)[s0] -> (d0 + s0)>
// CHECK: memref.global "private" constant @w : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK: memref.global @u : memref<3xi32> = uninitialized
// BACK: memref.global "private" constant @w : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// BACK: memref.global @u : memref<3xi32> = uninitialized
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
memref.global @u : memref<3xi32> = uninitialized {alignment = 16 : i64}

// CHECK-LABEL: func.func @f(%arg0: index, %arg1: f32) -> f32 {
// CHECK-NEXT: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc(%arg0)[%arg0] : memref<?xf32, #map>
// CHECK-NEXT: %[[C:.*]] = memref.alloca(%arg0) : memref<4x?xf32>
// CHECK-NEXT: %[[L:.*]] = memref.load %[[A]][%arg0, %arg0] : memref<4x4xf32>
// CHECK-NEXT: memref.store %arg1, %[[C]][%arg0, %arg0] {nontemporal = true} : memref<4x?xf32>
// CHECK-NEXT: %[[G:.*]] = memref.get_global @w : memref<2xf32>
// CHECK-NEXT: memref.copy %[[G]], %[[G]] : memref<2xf32> to memref<2xf32>
// CHECK-NEXT: %[[S:.*]] = memref.subview %[[A]][1, %arg0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
// CHECK-NEXT: %{{.*}} = memref.cast %[[S]] : memref<2x2xf32, strided<[4, 1], offset: ?>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: memref.dealloc %[[B]] : memref<?xf32, #map>
// CHECK-NEXT: memref.dealloc %[[A]] : memref<4x4xf32>
// CHECK-NEXT: return %[[L]] : f32
// BACK-LABEL: func.func @f(%arg0: index, %arg1: f32) -> f32 {
// BACK-NEXT: %0 = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
// BACK-NEXT: %1 = memref.alloc(%arg0)[%arg0] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// BACK-NEXT: %2 = memref.alloca(%arg0) : memref<4x?xf32>
// BACK-NEXT: %3 = memref.load %0[%arg0, %arg0] : memref<4x4xf32>
// BACK-NEXT: memref.store %arg1, %2[%arg0, %arg0] {nontemporal = true} : memref<4x?xf32>
// BACK-NEXT: %4 = memref.get_global @w : memref<2xf32>
// BACK-NEXT: memref.copy %4, %4 : memref<2xf32> to memref<2xf32>
// BACK-NEXT: %5 = memref.subview %0[1, %arg0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
// BACK-NEXT: %6 = memref.cast %5 : memref<2x2xf32, strided<[4, 1], offset: ?>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// BACK-NEXT: memref.dealloc %1 : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// BACK-NEXT: memref.dealloc %0 : memref<4x4xf32>
// BACK-NEXT: func.return %3 : f32
func.func @f(%n: index, %v: f32) -> f32 {
  %a = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
  %b = memref.alloc(%n)[%n] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
  %c = memref.alloca(%n) : memref<4x?xf32>
  %x = memref.load %a[%n, %n] : memref<4x4xf32>
  memref.store %v, %c[%n, %n] {nontemporal = true} : memref<4x?xf32>
  %w = memref.get_global @w : memref<2xf32>
  memref.copy %w, %w : memref<2xf32> to memref<2xf32>
  %s = memref.subview %a[1, %n] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
  %d = memref.cast %s : memref<2x2xf32, strided<[4, 1], offset: ?>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
  memref.dealloc %b : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
  memref.dealloc %a : memref<4x4xf32>
  return %x : f32
}
