// arith folds: constants fold with wrap-around integers and IEEE floats,
// and only the identities IEEE allows for floats: x + -0.0 and x * 1.0
// fold, x + 0.0 and x * 0.0 do not (-0.0 + 0.0 is 0.0; NaN * 0.0 is NaN).
// mlir-opt-19 --canonicalize gives the same result.
// RUN: tensor-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @floats(%arg0: f32)
// CHECK-DAG: %[[SUM:.*]] = arith.constant 3.750000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[THIRD:.*]] = arith.constant 3.3333334e-01 : f32
// CHECK-DAG: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK-DAG: %[[ADD0:.*]] = arith.addf %arg0, %[[ZERO]] : f32
// CHECK-DAG: %[[MUL0:.*]] = arith.mulf %arg0, %[[ZERO]] : f32
// CHECK: func.return %[[SUM]], %arg0, %[[ADD0]], %[[MUL0]], %arg0, %arg0, %arg0, %[[THIRD]], %[[INF]]
func.func @floats(%x: f32) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32) {
  %c1 = arith.constant 1.5 : f32
  %c2 = arith.constant 2.25 : f32
  %sum = arith.addf %c1, %c2 : f32
  %nz = arith.constant -0.0 : f32
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = arith.addf %x, %nz : f32
  %b = arith.addf %x, %z : f32
  %m = arith.mulf %x, %z : f32
  %m1 = arith.mulf %one, %x : f32
  %s0 = arith.subf %x, %z : f32
  %d1 = arith.divf %x, %one : f32
  %three = arith.constant 3.0 : f32
  %third = arith.divf %one, %three : f32
  %big = arith.constant 3.0e38 : f32
  %inf = arith.mulf %big, %big : f32
  func.return %sum, %a, %b, %m, %m1, %s0, %d1, %third, %inf : f32, f32, f32, f32, f32, f32, f32, f32, f32
}

// CHECK-LABEL: func.func @ints(%arg0: i32)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[WRAP:.*]] = arith.constant 16 : i8
// CHECK-DAG: %[[T:.*]] = arith.constant false
// CHECK: func.return %arg0, %[[ZERO]], %[[ZERO]], %[[MIN]], %[[WRAP]], %arg0, %[[T]]
func.func @ints(%i: i32) -> (i32, i32, i32, i32, i8, i32, i1) {
  %i0 = arith.constant 0 : i32
  %i1 = arith.constant 1 : i32
  %ai = arith.addi %i0, %i : i32
  %mi = arith.muli %i, %i0 : i32
  %si = arith.subi %i, %i : i32
  %max = arith.constant 2147483647 : i32
  %ov = arith.addi %max, %i1 : i32
  %c8 = arith.constant 100 : i8
  %m8 = arith.muli %c8, %c8 : i8
  %mul1 = arith.muli %i, %i1 : i32
  %t = arith.constant true
  %x = arith.addi %t, %t : i1
  func.return %ai, %mi, %si, %ov, %m8, %mul1, %x : i32, i32, i32, i32, i8, i32, i1
}
