// affine-scalrep keeps loop-invariant accumulators in loop-carried values,
// forwards stored and loaded values to later loads in a block, and erases
// stores overwritten before being read; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-scalrep | FileCheck %s
// RUN: tensor-opt %s --affine-scalrep | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-scalrep --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 1 num-promoted
// STATS: (S) 2 num-loads-forwarded
// STATS: (S) 1 num-stores-erased
// MLIR-LABEL: func.func @matmul
// MLIR: iter_args

// C[i, j] does not change with k: one load before the k loop, an
// accumulator through it, one store after.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:.*]]: memref<64x64xf32>, %[[B:.*]]: memref<64x64xf32>, %[[C:.*]]: memref<64x64xf32>)
// CHECK:      affine.for %[[I:.*]] = 0 to 64 {
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 64 {
// CHECK-NEXT:     %[[INIT:.*]] = affine.load %[[C]][%[[I]], %[[J]]]
// CHECK-NEXT:     %[[R:.*]] = affine.for %[[K:.*]] = 0 to 64 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:       affine.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT:       affine.load %[[B]][%[[K]], %[[J]]]
// CHECK-NEXT:       %[[P:.*]] = arith.mulf
// CHECK-NEXT:       %[[T:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:       affine.yield %[[T]] : f32
// CHECK-NEXT:     }
// CHECK-NEXT:     affine.store %[[R]], %[[C]][%[[I]], %[[J]]]
func.func @matmul(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      affine.for %k = 0 to 64 {
        %x = affine.load %a[%i, %k] : memref<64x64xf32>
        %y = affine.load %b[%k, %j] : memref<64x64xf32>
        %p = arith.mulf %x, %y : f32
        %s = affine.load %c[%i, %j] : memref<64x64xf32>
        %t = arith.addf %s, %p : f32
        affine.store %t, %c[%i, %j] : memref<64x64xf32>
      }
    }
  }
  return
}

// The load of m[i] gets the stored %x; the second load of n[i] the first
// one's value (the store in between is to m, another buffer); the store of
// %s to n[i] is overwritten before any read.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[M:.*]]: memref<8xf32>, %[[N:.*]]: memref<8xf32>, %[[X:.*]]: f32)
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 8 {
// CHECK-NEXT:   affine.store %[[X]], %[[M]][%[[I]]]
// CHECK-NEXT:   %[[B:.*]] = affine.load %[[N]][%[[I]]]
// CHECK-NEXT:   affine.store %[[X]], %[[M]][%[[I]] + 1]
// CHECK-NEXT:   arith.addf %[[B]], %[[B]] : f32
// CHECK-NEXT:   affine.store %[[X]], %[[N]][%[[I]]]
// CHECK-NEXT:   affine.yield

func.func @forward(%m: memref<8xf32>, %n: memref<8xf32>, %x: f32) -> f32 {
  affine.for %i = 0 to 8 {
    affine.store %x, %m[%i] : memref<8xf32>
    %a = affine.load %m[%i] : memref<8xf32>
    %b = affine.load %n[%i] : memref<8xf32>
    affine.store %a, %m[%i + 1] : memref<8xf32>
    %c = affine.load %n[%i] : memref<8xf32>
    %s = arith.addf %b, %c : f32
    affine.store %s, %n[%i] : memref<8xf32>
    affine.store %a, %n[%i] : memref<8xf32>
  }
  %z = arith.constant 0 : index
  %r = affine.load %m[%z] : memref<8xf32>
  return %r : f32
}


// C[i, i] is read in the j loop while C[i, j] is written: the write may
// hit the element read, so nothing is promoted or forwarded.
// CHECK-LABEL: func.func @overlap(
// CHECK:      affine.for %{{.*}} = 0 to 8 {
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 8 {
// CHECK-NEXT:   affine.load
// CHECK-NEXT:   arith.addf
// CHECK-NEXT:   affine.store
func.func @overlap(%c: memref<8x8xf32>, %x: f32) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      %v = affine.load %c[%i, %i] : memref<8x8xf32>
      %s = arith.addf %v, %x : f32
      affine.store %s, %c[%i, %j] : memref<8x8xf32>
    }
  }
  return
}
