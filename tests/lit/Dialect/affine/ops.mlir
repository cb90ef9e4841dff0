// Every affine op in its custom form: it parses, verifies, prints back in
// MLIR's syntax (writing the empty affine.yield that mlir-opt leaves
// implicit), and survives a round trip through the generic form.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

#lb = affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>
#ub = affine_map<()[s0] -> (s0, 10)>
#set = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>

// CHECK-LABEL: func.func @loops(%arg0: memref<16x4xf32>, %arg1: index, %arg2: f32) -> f32 {
// CHECK-NEXT: %0 = affine.for %arg3 = 0 to 10 step 2 iter_args(%arg4 = %arg2) -> (f32) {
// CHECK-NEXT:   %1 = affine.load %arg0[%arg3 + 1, symbol(%arg1)] : memref<16x4xf32>
// CHECK-NEXT:   %2 = arith.addf %arg4, %1 : f32
// CHECK-NEXT:   affine.yield %2 : f32
// CHECK-NEXT: }
// CHECK-NEXT: affine.for %[[I:.*]] = max affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>(%arg1)[%arg1] to min affine_map<()[s0] -> (s0, 10)>()[%arg1] {
// CHECK-NEXT:   affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[I]]) to affine_map<(d0) -> (d0 + 4)>(%[[I]]) {
// CHECK-NEXT:     affine.store %arg2, %arg0[%[[I]] * 2 - 1, %[[J]] mod 4] : memref<16x4xf32>
// CHECK-NEXT:     affine.yield
// CHECK-NEXT:   }
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: affine.for %{{.*}} = -5 to %arg1 {
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: func.return %0 : f32
// GENERIC: "affine.for"(%arg2) ({
// GENERIC: "affine.load"(%arg0, %arg3, %arg1) {map = affine_map<(d0)[s0] -> (d0 + 1, s0)>} : (memref<16x4xf32>, index, index) -> f32
// GENERIC: {lowerBoundMap = affine_map<() -> (0)>, operandSegmentSizes = array<i32: 0, 0, 1>, step = 2 : index, upperBoundMap = affine_map<() -> (10)>} : (f32) -> f32
// GENERIC: {lowerBoundMap = affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>, operandSegmentSizes = array<i32: 2, 1, 0>, step = 1 : index, upperBoundMap = affine_map<()[s0] -> (s0, 10)>} : (index, index, index) -> ()
func.func @loops(%m: memref<16x4xf32>, %n: index, %init: f32) -> f32 {
  %r = affine.for %i = 0 to 10 step 2 iter_args(%acc = %init) -> (f32) {
    %v = affine.load %m[%i + 1, symbol(%n)] : memref<16x4xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  affine.for %i = max #lb(%n)[%n] to min #ub()[%n] {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to affine_map<(d0) -> (d0 + 4)>(%i) {
      affine.store %init, %m[2 * %i - 1, %j mod 4] : memref<16x4xf32>
    }
  }
  affine.for %i = -5 to %n {
  }
  return %r : f32
}

// CHECK-LABEL: func.func @apply_if(%arg0: index, %arg1: index, %arg2: memref<f32>) -> (index, f32) {
// CHECK-NEXT: %0 = affine.apply affine_map<(d0)[s0] -> (d0 * 3 + s0)>(%arg0)[%arg1]
// CHECK-NEXT: %1 = affine.min affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>(%0)[%arg1]
// CHECK-NEXT: %2 = affine.max affine_map<() -> (1, 2)>()
// CHECK-NEXT: affine.if affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>(%1)[%arg1] {
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: %3 = affine.if affine_set<(d0) : (d0 - 1 >= 0)>(%2) -> f32 {
// CHECK-NEXT:   %4 = affine.load %arg2[] : memref<f32>
// CHECK-NEXT:   affine.yield %4 : f32
// CHECK-NEXT: } else {
// CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   affine.yield %[[Z]] : f32
// CHECK-NEXT: } {tag}
// CHECK-NEXT: func.return %2, %3 : index, f32
// GENERIC: "affine.if"(%1, %arg1) ({
// GENERIC: {condition = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>} : (index, index) -> ()
func.func @apply_if(%i: index, %n: index, %m: memref<f32>) -> (index, f32) {
  %a = affine.apply affine_map<(d0)[s0] -> (s0 + 3 * d0)>(%i)[%n]
  %b = affine.min #lb(%a)[%n]
  %c = affine.max affine_map<() -> (1, 2)>()
  affine.if #set(%b)[%n] {
  }
  %x = affine.if affine_set<(d0) : (d0 >= 1)>(%c) -> (f32) {
    %l = affine.load %m[] : memref<f32>
    affine.yield %l : f32
  } else {
    %z = arith.constant 0.0 : f32
    affine.yield %z : f32
  } {tag}
  return %c, %x : index, f32
}

// CHECK-LABEL: func.func @parallel(%arg0: memref<16x4xf32>, %arg1: index) -> (f32, f32) {
// CHECK-NEXT: %0:2 = affine.parallel (%arg2, %arg3) = (0, max(%arg1, 2)) to (%arg1 floordiv 2, 4) step (1, 2) reduce ("addf", "maximumf") -> (f32, f32) {
// CHECK-NEXT:   %1 = affine.load %arg0[%arg2, %arg3] : memref<16x4xf32>
// CHECK-NEXT:   affine.yield %1, %1 : f32, f32
// CHECK-NEXT: }
// CHECK-NEXT: affine.parallel (%{{.*}}) = (0) to (min(%arg1, 16)) {
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: func.return %0#0, %0#1 : f32, f32
// GENERIC: {lowerBoundsGroups = dense<[1, 2]> : tensor<2xi32>, lowerBoundsMap = affine_map<(d0) -> (0, d0, 2)>, reductions = [0, 3], steps = [1, 2], upperBoundsGroups = dense<1> : tensor<2xi32>, upperBoundsMap = affine_map<(d0) -> (d0 floordiv 2, 4)>} : (index, index) -> (f32, f32)
func.func @parallel(%m: memref<16x4xf32>, %n: index) -> (f32, f32) {
  %r:2 = affine.parallel (%i, %j) = (0, max(%n, 2)) to (%n floordiv 2, 4) step (1, 2) reduce ("addf", "maximumf") -> (f32, f32) {
    %v = affine.load %m[%i, %j] : memref<16x4xf32>
    affine.yield %v, %v : f32, f32
  }
  affine.parallel (%i) = (0) to (min(%n, 16)) {
  }
  return %r#0, %r#1 : f32, f32
}
