// affine-loop-tile tiles perfectly nested bands of affine.for loops when
// every dependence keeps non-negative distances; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-loop-tile | FileCheck %s
// RUN: tensor-opt %s --affine-loop-tile | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-loop-tile=tile-size=32 | FileCheck %s --check-prefix=T32
// RUN: tensor-opt %s --affine-loop-tile=tile-sizes=32,16 | FileCheck %s --check-prefix=LIST
// RUN: tensor-opt %s --affine-loop-tile=cache-size=32 | FileCheck %s --check-prefix=L1
// RUN: tensor-opt %s --affine-loop-tile --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 2 num-bands-tiled
// MLIR-LABEL: func.func @matmul

// Defaults: 128, the largest power of two for which a tile of A, B and C
// (3 x 128 x 128 x 4 bytes = 192 KiB) fits in the 512 KiB L2 of a Zen 3
// core; 32 for its 32 KiB L1. The k loop carries C's accumulation, with
// distance (0, 0, +1): tiling is allowed. 256 is a multiple of the tile
// size, so the intra-tile loops need no min.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:.*]]: memref<256x256xf32>, %[[B:.*]]: memref<256x256xf32>, %[[C:.*]]: memref<256x256xf32>)
// CHECK-NEXT: affine.for %[[II:.*]] = 0 to 256 step 128 {
// CHECK-NEXT:   affine.for %[[JJ:.*]] = 0 to 256 step 128 {
// CHECK-NEXT:     affine.for %[[KK:.*]] = 0 to 256 step 128 {
// CHECK-NEXT:       affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[II]]) to affine_map<(d0) -> (d0 + 128)>(%[[II]]) {
// CHECK-NEXT:         affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[JJ]]) to affine_map<(d0) -> (d0 + 128)>(%[[JJ]]) {
// CHECK-NEXT:           affine.for %[[K:.*]] = affine_map<(d0) -> (d0)>(%[[KK]]) to affine_map<(d0) -> (d0 + 128)>(%[[KK]]) {
// CHECK-NEXT:             affine.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT:             affine.load %[[B]][%[[K]], %[[J]]]
// CHECK-NEXT:             arith.mulf
// CHECK-NEXT:             affine.load %[[C]][%[[I]], %[[J]]]
// CHECK-NEXT:             arith.addf
// CHECK-NEXT:             affine.store %{{.*}}, %[[C]][%[[I]], %[[J]]]
// L1-LABEL: func.func @matmul(
// L1-NEXT: affine.for %{{.*}} = 0 to 256 step 32 {
// L1-NEXT:   affine.for %{{.*}} = 0 to 256 step 32 {
// L1-NEXT:     affine.for %{{.*}} = 0 to 256 step 32 {
// T32-LABEL: func.func @matmul(
// T32-COUNT-3: step 32
// LIST-LABEL: func.func @matmul(
// LIST-NEXT: affine.for %{{.*}} = 0 to 256 step 32 {
// LIST-NEXT:   affine.for %{{.*}} = 0 to 256 step 16 {
// LIST-NEXT:     affine.for %{{.*}} = 0 to 256 step 4 {
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

// Partial tiles: the intra-tile upper bound is the min of the tile's end
// and the loop's bound, constant or symbolic.
// CHECK-LABEL: func.func @partial(
// CHECK-SAME: %{{.*}}: memref<1000x900xf32>, %[[N:.*]]: index)
// CHECK-NEXT: affine.for %[[II:.*]] = 0 to 1000 step 256 {
// CHECK-NEXT:   affine.for %[[JJ:.*]] = 0 to %[[N]] step 256 {
// CHECK-NEXT:     affine.for %{{.*}} = affine_map<(d0) -> (d0)>(%[[II]]) to min affine_map<(d0) -> (d0 + 256, 1000)>(%[[II]]) {
// CHECK-NEXT:       affine.for %{{.*}} = affine_map<(d0) -> (d0)>(%[[JJ]]) to min affine_map<(d0)[s0] -> (d0 + 256, s0)>(%[[JJ]])[%[[N]]] {
// T32-LABEL: func.func @partial(
// T32: to min affine_map<(d0) -> (d0 + 32, 1000)>

func.func @partial(%a: memref<1000x900xf32>, %n: index) {
  affine.for %i = 0 to 1000 {
    affine.for %j = 0 to %n {
      %v = affine.load %a[%i, %j] : memref<1000x900xf32>
      %d = arith.addf %v, %v : f32
      affine.store %d, %a[%i, %j] : memref<1000x900xf32>
    }
  }
  return

// A[i][j] depends on A[i-1][j+1]: distance (1, -1), tiling could run the
// write after the read; left alone whatever the sizes.
// CHECK-LABEL: func.func @skewed(
// CHECK-NEXT: affine.for %{{.*}} = 1 to 64 {
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 63 {
// T32-LABEL: func.func @skewed(
// T32-NEXT: affine.for %{{.*}} = 1 to 64 {
// T32-NEXT:   affine.for %{{.*}} = 0 to 63 {
}

func.func @skewed(%a: memref<64x64xf32>) {
  affine.for %i = 1 to 64 {
    affine.for %j = 0 to 63 {
      %v = affine.load %a[%i - 1, %j + 1] : memref<64x64xf32>
      affine.store %v, %a[%i, %j] : memref<64x64xf32>
    }
  }
  return

// 1 KiB of data fits in cache: no tiling by default.
// CHECK-LABEL: func.func @small(
// CHECK-NEXT: affine.for %{{.*}} = 0 to 16 {
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 16 {
}

func.func @small(%a: memref<16x16xf32>) {
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 16 {
      %v = affine.load %a[%i, %j] : memref<16x16xf32>
      %d = arith.addf %v, %v : f32
      affine.store %d, %a[%i, %j] : memref<16x16xf32>
    }
  }
  return
}
