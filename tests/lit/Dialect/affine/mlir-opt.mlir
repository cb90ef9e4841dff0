// mlir-opt-19 reads what we print of the affine dialect, custom and
// generic, and prints the same as it does for this file; we read what it
// prints, custom and generic, and print the same as we do for this file.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s | mlir-opt-19 | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | mlir-opt-19 | FileCheck %s
// RUN: mlir-opt-19 %s | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s --mlir-print-op-generic | tensor-opt | FileCheck %s --check-prefix=BACK

// CHECK: #map = affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>
// CHECK-NEXT: #map1 = affine_map<()[s0] -> (s0, 10)>
// CHECK-NEXT: #map2 = affine_map<(d0)[s0] -> (d0 * 3 + s0)>
// CHECK-NEXT: #set = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>
// CHECK-NEXT: module {
// CHECK-NEXT: func.func @f(%arg0: memref<16x4xf32>, %arg1: index, %arg2: f32) -> (f32, f32) {
// CHECK-NEXT:   %0 = affine.for %arg3 = 0 to 10 step 2 iter_args(%arg4 = %arg2) -> (f32) {
// CHECK-NEXT:     %2 = affine.load %arg0[%arg3 + 1, symbol(%arg1)] : memref<16x4xf32>
// CHECK-NEXT:     %3 = arith.addf %arg4, %2 : f32
// CHECK-NEXT:     affine.yield %3 : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   affine.for %arg3 = max #map(%arg1)[%arg1] to min #map1()[%arg1] {
// CHECK-NEXT:     %2 = affine.apply #map2(%arg3)[%arg1]
// CHECK-NEXT:     %3 = affine.min #map(%2)[%arg1]
// CHECK-NEXT:     affine.if #set(%2)[%arg1] {
// CHECK-NEXT:       affine.store %arg2, %arg0[%arg3 * 2 - 1, %2 mod 4] : memref<16x4xf32>
// CHECK-NEXT:     } else {
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   %1 = affine.parallel (%arg3, %arg4) = (0, max(%arg1, 2)) to (%arg1 floordiv 2, 4) step (1, 2) reduce ("maximumf") -> (f32) {
// CHECK-NEXT:     %2 = affine.load %arg0[%arg3, %arg4] : memref<16x4xf32>
// CHECK-NEXT:     affine.yield %2 : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   return %0, %1 : f32, f32
// CHECK-NEXT: }
// BACK: module {
// BACK-NEXT: func.func @f(%arg0: memref<16x4xf32>, %arg1: index, %arg2: f32) -> (f32, f32) {
// BACK-NEXT:   %0 = affine.for %arg3 = 0 to 10 step 2 iter_args(%arg4 = %arg2) -> (f32) {
// BACK-NEXT:     %1 = affine.load %arg0[%arg3 + 1, symbol(%arg1)] : memref<16x4xf32>
// BACK-NEXT:     %2 = arith.addf %arg4, %1 : f32
// BACK-NEXT:     affine.yield %2 : f32
// BACK-NEXT:   }
// BACK-NEXT:   affine.for %arg5 = max affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>(%arg1)[%arg1] to min affine_map<()[s0] -> (s0, 10)>()[%arg1] {
// BACK-NEXT:     %3 = affine.apply affine_map<(d0)[s0] -> (d0 * 3 + s0)>(%arg5)[%arg1]
// BACK-NEXT:     %4 = affine.min affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>(%3)[%arg1]
// BACK-NEXT:     affine.if affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>(%3)[%arg1] {
// BACK-NEXT:       affine.store %arg2, %arg0[%arg5 * 2 - 1, %3 mod 4] : memref<16x4xf32>
// BACK-NEXT:       affine.yield
// BACK-NEXT:     } else {
// BACK-NEXT:       affine.yield
// BACK-NEXT:     }
// BACK-NEXT:     affine.yield
// BACK-NEXT:   }
// BACK-NEXT:   %5 = affine.parallel (%arg6, %arg7) = (0, max(%arg1, 2)) to (%arg1 floordiv 2, 4) step (1, 2) reduce ("maximumf") -> (f32) {
// BACK-NEXT:     %6 = affine.load %arg0[%arg6, %arg7] : memref<16x4xf32>
// BACK-NEXT:     affine.yield %6 : f32
// BACK-NEXT:   }
// BACK-NEXT:   func.return %0, %5 : f32, f32
// BACK-NEXT: }

// The input: every op, with map and set aliases and implicit terminators.
#lb = affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>
#set = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>

func.func @f(%m: memref<16x4xf32>, %n: index, %init: f32) -> (f32, f32) {
  %r = affine.for %i = 0 to 10 step 2 iter_args(%acc = %init) -> (f32) {
    %v = affine.load %m[%i + 1, symbol(%n)] : memref<16x4xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  affine.for %i = max #lb(%n)[%n] to min affine_map<()[s0] -> (s0, 10)>()[%n] {
    %a = affine.apply affine_map<(d0)[s0] -> (d0 * 3 + s0)>(%i)[%n]
    %b = affine.min #lb(%a)[%n]
    affine.if #set(%a)[%n] {
      affine.store %init, %m[%i * 2 - 1, %a mod 4] : memref<16x4xf32>
    } else {
    }
  }
  %p = affine.parallel (%i, %j) = (0, max(%n, 2)) to (%n floordiv 2, 4) step (1, 2) reduce ("maximumf") -> (f32) {
    %v = affine.load %m[%i, %j] : memref<16x4xf32>
    affine.yield %v : f32
  }
  return %r, %p : f32, f32
}
