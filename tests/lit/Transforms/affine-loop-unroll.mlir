// affine-loop-unroll unrolls innermost affine.for loops by a factor, with a
// cleanup loop when the trip count may not be a multiple of it, or fully;
// mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-loop-unroll | FileCheck %s
// RUN: tensor-opt %s --affine-loop-unroll | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-loop-unroll='unroll-full unroll-full-threshold=3' | FileCheck %s --check-prefix=FULL
// RUN: tensor-opt %s --affine-loop-unroll='unroll-up-to-factor' | FileCheck %s --check-prefix=UPTO
// RUN: tensor-opt %s --affine-loop-unroll --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 3 num-unrolled
// MLIR-LABEL: func.func @iter_args

// The loop-carried value chains through the copies; iterations 8 and 9 run
// in the cleanup loop, which starts from the unrolled loop's result.
// CHECK-LABEL: func.func @iter_args(
// CHECK-SAME: %[[M:.*]]: memref<16xf32>, %[[INIT:.*]]: f32)
// CHECK-NEXT: %[[R:.*]] = affine.for %[[I:.*]] = 0 to 8 step 4 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:   %[[V0:.*]] = affine.load %[[M]][%[[I]]]
// CHECK-NEXT:   %[[A0:.*]] = arith.addf %[[ACC]], %[[V0]] : f32
// CHECK-NEXT:   %[[I1:.*]] = affine.apply affine_map<(d0) -> (d0 + 1)>(%[[I]])
// CHECK-NEXT:   %[[V1:.*]] = affine.load %[[M]][%[[I1]]]
// CHECK-NEXT:   %[[A1:.*]] = arith.addf %[[A0]], %[[V1]] : f32
// CHECK-NEXT:   %[[I2:.*]] = affine.apply affine_map<(d0) -> (d0 + 2)>(%[[I]])
// CHECK-NEXT:   %[[V2:.*]] = affine.load %[[M]][%[[I2]]]
// CHECK-NEXT:   %[[A2:.*]] = arith.addf %[[A1]], %[[V2]] : f32
// CHECK-NEXT:   %[[I3:.*]] = affine.apply affine_map<(d0) -> (d0 + 3)>(%[[I]])
// CHECK-NEXT:   %[[V3:.*]] = affine.load %[[M]][%[[I3]]]
// CHECK-NEXT:   %[[A3:.*]] = arith.addf %[[A2]], %[[V3]] : f32
// CHECK-NEXT:   affine.yield %[[A3]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[C:.*]] = affine.for %[[J:.*]] = 8 to 10 iter_args(%[[ACC2:.*]] = %[[R]]) -> (f32) {
// CHECK:      func.return %[[C]] : f32
func.func @iter_args(%m: memref<16xf32>, %init: f32) -> f32 {
  %s = affine.for %i = 0 to 10 iter_args(%acc = %init) -> (f32) {
    %v = affine.load %m[%i] : memref<16xf32>
    %a = arith.addf %acc, %v : f32
    affine.yield %a : f32
  }
  return %s : f32
}

// With a symbolic trip count the unrolled loop stops at the last multiple
// of 4 and the cleanup loop starts there (or at 0 if %n is negative).
// CHECK-LABEL: func.func @symbolic(
// CHECK:      affine.for %{{.*}} = 0 to affine_map<()[s0] -> (s0 - s0 mod 4)>()[%[[N:.*]]] step 4 {
// CHECK-COUNT-4: arith.addf
// CHECK:      affine.for %{{.*}} = max affine_map<()[s0] -> (s0 - s0 mod 4, 0)>()[%[[N]]] to %[[N]] {
// CHECK-NEXT:   affine.load
// CHECK-NEXT:   arith.addf
// CHECK-NEXT:   affine.store
// CHECK-NEXT:   affine.yield
func.func @symbolic(%m: memref<?xf32>, %n: index) {
  affine.for %i = 0 to %n {
    %v = affine.load %m[%i] : memref<?xf32>
    %d = arith.addf %v, %v : f32
    affine.store %d, %m[%i] : memref<?xf32>
  }
  return
}

// 8 iterations of step 2: no cleanup, the copies advance by 2.
// CHECK-LABEL: func.func @divisible(
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 16 step 8 {
// CHECK-NEXT:   affine.store %{{.*}}[%[[I]]]
// CHECK-NEXT:   affine.apply affine_map<(d0) -> (d0 + 2)>(%[[I]])
// CHECK:        affine.apply affine_map<(d0) -> (d0 + 4)>(%[[I]])
// CHECK:        affine.apply affine_map<(d0) -> (d0 + 6)>(%[[I]])
// CHECK-NOT:  affine.for
// CHECK:      func.return
func.func @divisible(%m: memref<16xf32>, %x: f32) {
  affine.for %i = 0 to 16 step 2 {
    affine.store %x, %m[%i] : memref<16xf32>
  }
  return
}

// Fewer iterations than the factor: left alone, unless unrolling up to
// the factor or fully (threshold 3 includes it; the 10- and 16-iteration
// loops stay).
// CHECK-LABEL: func.func @short(
// CHECK-NEXT: affine.for %{{.*}} = 0 to 3 {
// FULL-LABEL: func.func @iter_args(
// FULL:       affine.for %{{.*}} = 0 to 10 iter_args
// FULL-LABEL: func.func @divisible(
// FULL-NEXT:  affine.for
// FULL-LABEL: func.func @short(
// FULL-NEXT:  %[[Z:.*]] = arith.constant 0 : index
// FULL-NEXT:  affine.store %{{.*}}[%[[Z]]]
// FULL-NEXT:  affine.apply affine_map<(d0) -> (d0 + 1)>(%[[Z]])
// FULL-NEXT:  affine.store
// FULL-NEXT:  affine.apply affine_map<(d0) -> (d0 + 2)>(%[[Z]])
// FULL-NEXT:  affine.store
// FULL-NEXT:  func.return
// UPTO-LABEL: func.func @short(
// UPTO-NOT:   affine.for
// UPTO:       func.return
func.func @short(%m: memref<16xf32>, %x: f32) {
  affine.for %i = 0 to 3 {
    affine.store %x, %m[%i] : memref<16xf32>
  }
  return
}
