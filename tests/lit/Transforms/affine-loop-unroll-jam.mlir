// affine-loop-unroll-jam unrolls each outermost affine.for and jams the
// copies of its inner loops, duplicating their loop-carried values;
// mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-loop-unroll-jam=unroll-jam-factor=2 | FileCheck %s
// RUN: tensor-opt %s --affine-loop-unroll-jam=unroll-jam-factor=2 | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-loop-unroll-jam=unroll-jam-factor=2 --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 2 num-unroll-jammed
// MLIR-LABEL: func.func @matmul

// Two rows at a time; each keeps its own accumulator in the k loop.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:.*]]: memref<6x8xf32>, %[[B:.*]]: memref<8x4xf32>, %[[C:.*]]: memref<6x4xf32>)
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 6 step 2 {
// CHECK-NEXT:   %[[I1:.*]] = affine.apply affine_map<(d0) -> (d0 + 1)>(%[[I]])
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT:     %[[Z0:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:     %[[Z1:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:     %[[R:.*]]:2 = affine.for %[[K:.*]] = 0 to 8 iter_args(%[[ACC0:.*]] = %[[Z0]], %[[ACC1:.*]] = %[[Z1]]) -> (f32, f32) {
// CHECK-NEXT:       affine.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT:       affine.load %[[B]][%[[K]], %[[J]]]
// CHECK-NEXT:       arith.mulf
// CHECK-NEXT:       %[[T0:.*]] = arith.addf %[[ACC0]], %{{.*}} : f32
// CHECK-NEXT:       affine.load %[[A]][%[[I1]], %[[K]]]
// CHECK-NEXT:       affine.load %[[B]][%[[K]], %[[J]]]
// CHECK-NEXT:       arith.mulf
// CHECK-NEXT:       %[[T1:.*]] = arith.addf %[[ACC1]], %{{.*}} : f32
// CHECK-NEXT:       affine.yield %[[T0]], %[[T1]] : f32, f32
// CHECK-NEXT:     }
// CHECK-NEXT:     affine.store %[[R]]#0, %[[C]][%[[I]], %[[J]]]
// CHECK-NEXT:     affine.store %[[R]]#1, %[[C]][%[[I1]], %[[J]]]
func.func @matmul(%a: memref<6x8xf32>, %b: memref<8x4xf32>, %c: memref<6x4xf32>) {
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 4 {
      %z = arith.constant 0.0 : f32
      %s = affine.for %k = 0 to 8 iter_args(%acc = %z) -> (f32) {
        %x = affine.load %a[%i, %k] : memref<6x8xf32>
        %y = affine.load %b[%k, %j] : memref<8x4xf32>
        %p = arith.mulf %x, %y : f32
        %t = arith.addf %acc, %p : f32
        affine.yield %t : f32
      }
      affine.store %s, %c[%i, %j] : memref<6x4xf32>
    }
  }
  return
}

// 7 rows: rows 0-5 two at a time, row 6 in the cleanup loop, which runs
// once and is replaced by its body.
// CHECK-LABEL: func.func @cleanup(
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 6 step 2 {
// CHECK:        affine.for %{{.*}} = 0 to 5 {
// CHECK-COUNT-2:  affine.store
// CHECK:      %[[SIX:.*]] = arith.constant 6 : index
// CHECK:      affine.for %[[J:.*]] = 0 to 5 {
// CHECK-NEXT:   affine.load %{{.*}}[%[[SIX]], %[[J]]]

func.func @cleanup(%a: memref<7x5xf32>) {
  affine.for %i = 0 to 7 {
    %f = arith.constant 2.0 : f32
    affine.for %j = 0 to 5 {
      %v = affine.load %a[%i, %j] : memref<7x5xf32>
      %d = arith.mulf %v, %f : f32
      affine.store %d, %a[%i, %j] : memref<7x5xf32>
    }
  }
  return
}

// Row i reads row i - 1: the outer loop carries a dependence; unchanged.
// CHECK-LABEL: func.func @carried(
// CHECK-NEXT: affine.for %{{.*}} = 1 to 8 {
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 8 {
// CHECK-NEXT:     affine.load
// CHECK-NEXT:     affine.store
// CHECK-NEXT:     affine.yield

func.func @carried(%a: memref<8x8xf32>) {
  affine.for %i = 1 to 8 {
    affine.for %j = 0 to 8 {
      %v = affine.load %a[%i - 1, %j] : memref<8x8xf32>
      affine.store %v, %a[%i, %j] : memref<8x8xf32>
    }
  }
  return
}
