// affine-parallelize turns affine.for loops with independent iterations
// into affine.parallel, reductions through iter_args into parallel
// reductions; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-parallelize | FileCheck %s
// RUN: tensor-opt %s --affine-parallelize | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-parallelize=max-nested=2 | FileCheck %s --check-prefix=NESTED
// RUN: tensor-opt %s --affine-parallelize=parallel-reductions=false | FileCheck %s --check-prefix=NORED
// RUN: tensor-opt %s --affine-parallelize --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 2 num-parallelized
// MLIR-LABEL: func.func @matmul
// MLIR: affine.parallel
// MLIR-LABEL: func.func @sum
// MLIR: affine.parallel
// MLIR-SAME: reduce ("addf")

// Rows of C are independent; by default only the outermost loop becomes
// parallel. With max-nested=2 the j loop does too, but never k, which
// accumulates into C[i, j].
// CHECK-LABEL: func.func @matmul(
// CHECK-NEXT: affine.parallel (%[[I:.*]]) = (0) to (256) {
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 256 {
// CHECK-NEXT:     affine.for %[[K:.*]] = 0 to 256 {
// CHECK:            affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
// NESTED-LABEL: func.func @matmul(
// NESTED-NEXT: affine.parallel (%{{.*}}) = (0) to (256) {
// NESTED-NEXT:   affine.parallel (%{{.*}}) = (0) to (256) {
// NESTED-NEXT:     affine.for %{{.*}} = 0 to 256 {
func.func @matmul(%a: memref<256x256xf32>, %b: memref<256x256xf32>, %c: memref<256x256xf32>) {
  affine.for %i = 0 to 256 {
    affine.for %j = 0 to 256 {
      affine.for %k = 0 to 256 {
        %x = affine.load %a[%i, %k] : memref<256x256xf32>
        %y = affine.load %b[%k, %j] : memref<256x256xf32>
        %p = arith.mulf %x, %y : f32
        %s = affine.load %c[%i, %j] : memref<256x256xf32>
        %t = arith.addf %s, %p : f32
        affine.store %t, %c[%i, %j] : memref<256x256xf32>
      }
    }
  }
  return
}

// A sum: the parallel loop reduces from 0 and the init is added after.
// CHECK-LABEL: func.func @sum(
// CHECK-SAME: %[[A:.*]]: memref<100xf32>, %[[INIT:.*]]: f32)
// CHECK-NEXT: %[[R:.*]] = affine.parallel (%[[I:.*]]) = (0) to (100) reduce ("addf") -> (f32) {
// CHECK-NEXT:   %[[X:.*]] = affine.load %[[A]][%[[I]]]
// CHECK-NEXT:   affine.yield %[[X]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[INIT]], %[[R]] : f32
// CHECK-NEXT: func.return %[[S]] : f32
// NORED-LABEL: func.func @sum(
// NORED-NEXT: affine.for
func.func @sum(%a: memref<100xf32>, %init: f32) -> f32 {
  %r = affine.for %i = 0 to 100 iter_args(%acc = %init) -> (f32) {
    %x = affine.load %a[%i] : memref<100xf32>
    %s = arith.addf %acc, %x : f32
    affine.yield %s : f32
  }
  return %r : f32
}

// Each iteration reads what the previous one wrote: stays sequential.
// CHECK-LABEL: func.func @shift(
// CHECK-NEXT: affine.for
func.func @shift(%a: memref<100xf32>) {
  affine.for %i = 1 to 100 {
    %x = affine.load %a[%i - 1] : memref<100xf32>
    affine.store %x, %a[%i] : memref<100xf32>
  }
  return
}
