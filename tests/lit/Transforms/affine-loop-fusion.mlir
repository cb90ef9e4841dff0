// affine-loop-fusion fuses a producer nest into a consumer nest of the same
// iteration space, level by level, then turns the temporary buffer into a
// scalar; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-loop-fusion | FileCheck %s
// RUN: tensor-opt %s --affine-loop-fusion | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-loop-fusion --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 2 num-fused
// STATS: (S) 1 num-buffers-erased
// MLIR-LABEL: func.func @chain

// add then exp, element-wise: one nest, the sum passed straight to exp,
// the temporary buffer gone.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[A:.*]]: memref<8x16xf32>, %[[B:.*]]: memref<8x16xf32>, %[[OUT:.*]]: memref<8x16xf32>)
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 8 {
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 16 {
// CHECK-NEXT:     %[[X:.*]] = affine.load %[[A]][%[[I]], %[[J]]]
// CHECK-NEXT:     %[[Y:.*]] = affine.load %[[B]][%[[I]], %[[J]]]
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT:     %[[E:.*]] = math.exp %[[S]] : f32
// CHECK-NEXT:     affine.store %[[E]], %[[OUT]][%[[I]], %[[J]]]
// CHECK-NEXT:     affine.yield
// CHECK-NEXT:   }
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: func.return
func.func @chain(%a: memref<8x16xf32>, %b: memref<8x16xf32>, %out: memref<8x16xf32>) {
  %t = memref.alloc() : memref<8x16xf32>
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 16 {
      %x = affine.load %a[%i, %j] : memref<8x16xf32>
      %y = affine.load %b[%i, %j] : memref<8x16xf32>
      %s = arith.addf %x, %y : f32
      affine.store %s, %t[%i, %j] : memref<8x16xf32>
    }
  }
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 16 {
      %v = affine.load %t[%i, %j] : memref<8x16xf32>
      %e = math.exp %v : f32
      affine.store %e, %out[%i, %j] : memref<8x16xf32>
    }
  }
  memref.dealloc %t : memref<8x16xf32>
  return
}

// The consumer reads t[15 - i], written by a later producer iteration:
// fusing would read it before it is written. Unchanged.
// CHECK-LABEL: func.func @no_fuse(
// CHECK:      memref.alloc
// CHECK-NEXT: affine.for
// CHECK:      affine.for
// CHECK:      memref.dealloc
func.func @no_fuse(%a: memref<16xf32>, %out: memref<16xf32>) {
  %t = memref.alloc() : memref<16xf32>
  affine.for %i = 0 to 16 {
    %x = affine.load %a[%i] : memref<16xf32>
    affine.store %x, %t[%i] : memref<16xf32>
  }
  affine.for %i = 0 to 16 {
    %v = affine.load %t[15 - %i] : memref<16xf32>
    affine.store %v, %out[%i] : memref<16xf32>
  }
  memref.dealloc %t : memref<16xf32>
  return
}
