// affine-matmul-microkernel rewrites f32 matmul nests into a packed,
// blocked schedule around a 6x16 register-tiled vector micro-kernel;
// mlir-opt-19 reads the result, before and after lower-affine.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --pass-pipeline='builtin.module(affine-matmul-microkernel{packing=ab kc=16})' | FileCheck %s --check-prefix=PACKED
// RUN: tensor-opt %s --affine-matmul-microkernel | FileCheck %s
// RUN: tensor-opt %s --affine-matmul-microkernel | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --pass-pipeline='builtin.module(affine-matmul-microkernel{packing=ab kc=16},lower-affine)' | mlir-opt-19 | FileCheck %s --check-prefix=LOWERED
// RUN: tensor-opt %s --affine-matmul-microkernel --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: not tensor-opt %s --pass-pipeline='builtin.module(affine-matmul-microkernel{nr=12})' 2>&1 | FileCheck %s --check-prefix=BADNR

// STATS-DAG: (S) 3 num-matmuls
// STATS-DAG: (S) 1 num-zero-inits-folded
// BADNR: nr must be a multiple of 8

// 12x32x40, zeroed first. Packed: B (all of K, 16-column strips) once,
// then per K block of 16 the A block (6-row strips), then the tiles.
// PACKED-LABEL: func.func @packed
// PACKED: %[[BP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x40x16xf32>
// PACKED: %[[AP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x6x16xf32>
// PACKED: affine.for %[[K:.*]] = 0 to 40 {
// PACKED:   affine.for %[[T:.*]] = 0 to 2 {
// PACKED:     vector.load %arg1[%[[K]], {{.*}}] : memref<40x32xf32>, vector<8xf32>
// PACKED:     vector.store {{.*}}, %[[BP]][%[[T]], %[[K]], {{.*}}] : memref<2x40x16xf32>, vector<8xf32>
// PACKED: affine.for %[[PC:.*]] = 0 to 40 step 16 {
// PACKED:   affine.for %{{.*}} = 0 to 2 {
// PACKED:     affine.for %{{.*}} = 0 to min affine_map<(d0) -> (16, -d0 + 40)>(%[[PC]]) step 8 {
// PACKED:       vector.load %arg0
// PACKED:       vector.store {{.*}}, %[[AP]]
// The first K block starts from zero (the zeroing nest was folded), the
// others from C.
// PACKED:   affine.if affine_set<(d0) : (d0 == 0)>(%[[PC]]) -> (vector<8xf32>
// PACKED:     affine.yield %[[Z:.*]], %[[Z]], %[[Z]],
// PACKED:   } else {
// PACKED:     vector.load %arg2
// PACKED:   affine.for %[[P:.*]] = 0 to min affine_map<(d0) -> (16, -d0 + 40)>(%[[PC]]) iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// PACKED:     %[[B0:.*]] = vector.load %[[BP]]
// PACKED:     %[[B1:.*]] = vector.load %[[BP]]
// PACKED:     %[[A0:.*]] = affine.load %[[AP]][%{{.*}}, 0, %[[P]]]
// PACKED:     %[[X0:.*]] = vector.broadcast %[[A0]] : f32 to vector<8xf32>
// PACKED:     vector.fma %[[X0]], %[[B0]], %{{.*}} : vector<8xf32>
// PACKED:     vector.fma %[[X0]], %[[B1]], %{{.*}} : vector<8xf32>
// PACKED:     affine.load %[[AP]][%{{.*}}, 5, %[[P]]]
// PACKED:     affine.yield
// PACKED-COUNT-12: vector.store {{.*}}, %arg2
// PACKED: memref.dealloc %[[AP]]
// PACKED: memref.dealloc %[[BP]]
// PACKED-NOT: arith.mulf
// PACKED-LABEL: func.func @iter_args
func.func @packed(%A: memref<12x40xf32>, %B: memref<40x32xf32>, %C: memref<12x32xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  affine.for %i = 0 to 12 {
    affine.for %j = 0 to 32 {
      affine.store %zero, %C[%i, %j] : memref<12x32xf32>
    }
  }
  affine.for %i = 0 to 12 {
    affine.for %k = 0 to 40 {
      affine.for %j = 0 to 32 {
        %a = affine.load %A[%i, %k] : memref<12x40xf32>
        %b = affine.load %B[%k, %j] : memref<40x32xf32>
        %c = affine.load %C[%i, %j] : memref<12x32xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<12x32xf32>
      }
    }
  }
  return
}

// The sum carried in iter_args, from C; small, so not packed: the
// micro-kernel reads A and B in place over all of K, from C's tile.
// CHECK-LABEL: func.func @iter_args
// CHECK-NOT: memref.alloc
// CHECK: vector.load %arg2
// CHECK: affine.for %[[P:.*]] = 0 to 4 iter_args(
// CHECK:   vector.load %arg1[%[[P]], %{{.*}}] : memref<4x16xf32>, vector<8xf32>
// CHECK:   affine.load %arg0[0, %[[P]]] : memref<6x4xf32>
// CHECK:   vector.broadcast
// CHECK:   vector.fma
// CHECK: vector.store {{.*}}, %arg2
// CHECK-NOT: arith.mulf
// CHECK-LABEL: func.func @edges
// MLIR-LABEL: func.func @iter_args
// MLIR: vector.fma
// LOWERED-LABEL: func.func @packed
// LOWERED: scf.for
// LOWERED: vector.fma
// LOWERED-NOT: affine.
func.func @iter_args(%A: memref<6x4xf32>, %B: memref<4x16xf32>, %C: memref<6x16xf32>) {
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 16 {
      %init = affine.load %C[%i, %j] : memref<6x16xf32>
      %r = affine.for %k = 0 to 4 iter_args(%acc = %init) -> (f32) {
        %a = affine.load %A[%i, %k] : memref<6x4xf32>
        %b = affine.load %B[%k, %j] : memref<4x16xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %acc, %p : f32
        affine.yield %s : f32
      }
      affine.store %r, %C[%i, %j] : memref<6x16xf32>
    }
  }
  return
}

// 7x13: a 6-row tile and a 1-row tile, each with a full vector and a
// masked one (13 = 8 + 5 columns).
// CHECK: %[[M:.*]] = vector.constant_mask [5] : vector<8xi1>
// CHECK: affine.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK:   vector.maskedload %arg1[%{{.*}}], %[[M]], %{{.*}} : memref<5x13xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK: vector.maskedstore %arg2[%{{.*}}], %[[M]], %{{.*}} : memref<7x13xf32>, vector<8xi1>, vector<8xf32>
// CHECK: affine.for {{.*}} -> (vector<8xf32>, vector<8xf32>) {
// CHECK:   affine.load %arg0[6, %{{.*}}] : memref<7x5xf32>
// CHECK-LABEL: func.func @not_f32
func.func @edges(%A: memref<7x5xf32>, %B: memref<5x13xf32>, %C: memref<7x13xf32>) {
  affine.for %i = 0 to 7 {
    affine.for %j = 0 to 13 {
      affine.for %k = 0 to 5 {
        %a = affine.load %A[%i, %k] : memref<7x5xf32>
        %b = affine.load %B[%k, %j] : memref<5x13xf32>
        %c = affine.load %C[%i, %j] : memref<7x13xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<7x13xf32>
      }
    }
  }
  return
}

// f64 is not scheduled: the nest stays as it is.
// CHECK: arith.mulf {{.*}} : f64
func.func @not_f32(%A: memref<4x4xf64>, %B: memref<4x4xf64>, %C: memref<4x4xf64>) {
  affine.for %i = 0 to 4 {
    affine.for %k = 0 to 4 {
      affine.for %j = 0 to 4 {
        %a = affine.load %A[%i, %k] : memref<4x4xf64>
        %b = affine.load %B[%k, %j] : memref<4x4xf64>
        %c = affine.load %C[%i, %j] : memref<4x4xf64>
        %p = arith.mulf %a, %b : f64
        %s = arith.addf %c, %p : f64
        affine.store %s, %C[%i, %j] : memref<4x4xf64>
      }
    }
  }
  return
}
