// math folds. The CHECK lines hold for `tensor-opt --canonicalize` and for
// `mlir-opt-19 --canonicalize` alike (see mlir-opt.mlir); OURS and UPSTREAM
// lines mark where we differ on purpose: MLIR 19 folds atan2(0, 0) to NaN
// (C's atan2 gives 0), and NaN results of non-NaN operands (whose sign
// depends on the C library); we leave both.
// RUN: tensor-opt %s --canonicalize | FileCheck %s --check-prefixes=CHECK,OURS

// Exact results, spelled alike by both printers.
// CHECK-LABEL: func.func @exact()
// CHECK-DAG: %[[EIGHT:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-DAG: %[[ONEH:.*]] = arith.constant 1.500000e+00 : f64
// CHECK-DAG: %[[THREE:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[MTWO:.*]] = arith.constant -2.000000e+00 : f32
// CHECK-DAG: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[K:.*]] = arith.constant 1.024000e+03 : f64
// CHECK-DAG: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[MZ:.*]] = arith.constant -0.000000e+00 : f32
// CHECK-DAG: %[[H:.*]] = arith.constant 2.500000e+00 : f16
// CHECK: return %[[EIGHT]], %[[ONEH]], %[[THREE]], %[[MTWO]], %[[THREE]], %[[TWO]], %[[MTWO]], %[[THREE]], %[[MTWO]], %[[K]], %[[NINF]], %[[MZ]], %[[H]] :
func.func @exact() -> (f32, f64, f32, f32, f32, f32, f32, f32, f32, f64, f32, f32, f16) {
  %c3 = arith.constant 3.0 : f32
  %0 = math.exp2 %c3 : f32
  %c225 = arith.constant 2.25 : f64
  %1 = math.sqrt %c225 : f64
  %c8 = arith.constant 8.0 : f32
  %2 = math.log2 %c8 : f32
  %cm15 = arith.constant -1.5 : f32
  %3 = math.floor %cm15 : f32
  %c25 = arith.constant 2.5 : f32
  %4 = math.round %c25 : f32
  %5 = math.roundeven %c25 : f32
  %cm27 = arith.constant -2.7 : f32
  %6 = math.trunc %cm27 : f32
  %cm3 = arith.constant -3.0 : f32
  %7 = math.absf %cm3 : f32
  %c2 = arith.constant 2.0 : f32
  %cm1 = arith.constant -1.0 : f32
  %8 = math.copysign %c2, %cm1 : f32
  %d2 = arith.constant 2.0 : f64
  %d10 = arith.constant 10.0 : f64
  %9 = math.powf %d2, %d10 : f64
  %z = arith.constant 0.0 : f32
  %10 = math.log %z : f32
  %mz = arith.constant -0.0 : f32
  %11 = math.tan %mz : f32
  %h = arith.constant -2.5 : f16
  %12 = math.absf %h : f16
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12 : f32, f64, f32, f32, f32, f32, f32, f32, f32, f64, f32, f32, f16
}

// The C library's values; the printers spell them differently.
// CHECK-LABEL: func.func @libm()
// CHECK-DAG: %[[E:.*]] = arith.constant {{2.7182817e\+00|2.71828175}} : f32
// CHECK-DAG: %[[PI2:.*]] = arith.constant {{1.5707964e\+00|1.57079637}} : f32
// CHECK-DAG: %[[ERF:.*]] = arith.constant {{8.427007929497149e-01|0.84270079294971489}} : f64
// CHECK-DAG: %[[SIN:.*]] = arith.constant {{8.414709848078965e-01|0.8414709848078965}} : f64
// CHECK: return %[[E]], %[[PI2]], %[[ERF]], %[[SIN]] :
func.func @libm() -> (f32, f32, f64, f64) {
  %one = arith.constant 1.0 : f32
  %0 = math.exp %one : f32
  %inf = arith.constant 0x7F800000 : f32
  %1 = math.atan %inf : f32
  %d = arith.constant 1.0 : f64
  %2 = math.erf %d : f64
  %3 = math.sin %d : f64
  return %0, %1, %2, %3 : f32, f32, f64, f64
}

// CHECK-LABEL: func.func @ints()
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : i32
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : i32
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[C28:.*]] = arith.constant 28 : i32
// CHECK-DAG: %[[M27:.*]] = arith.constant -27 : i32
// CHECK-DAG: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[V:.*]] = arith.constant dense<[8, 1]> : vector<2xi8>
// CHECK: %[[NOFOLD:.*]] = math.ipowi %[[Z]], %{{.*}} : i32
// CHECK: return %[[C32]], %[[C2]], %[[MIN]], %[[C28]], %[[M27]], %[[Z]], %[[NOFOLD]], %[[V]] :
func.func @ints() -> (i32, i32, i32, i32, i32, i32, i32, vector<2xi8>) {
  %z = arith.constant 0 : i32
  %min = arith.constant -2147483648 : i32
  %c12 = arith.constant 12 : i32
  %cm3 = arith.constant -3 : i32
  %c3 = arith.constant 3 : i32
  %0 = math.ctlz %z : i32
  %1 = math.cttz %c12 : i32
  %2 = math.absi %min : i32
  %3 = math.ctlz %c12 : i32
  %4 = math.ipowi %cm3, %c3 : i32
  %5 = math.ipowi %c3, %cm3 : i32
  %6 = math.ipowi %z, %cm3 : i32
  %v = arith.constant dense<[-1, 16]> : vector<2xi8>
  %7 = math.ctpop %v : vector<2xi8>
  return %0, %1, %2, %3, %4, %5, %6, %7 : i32, i32, i32, i32, i32, i32, i32, vector<2xi8>
}

// No folds for cbrt, rsqrt and fma, for the libm-based ops on f16, for logs
// and square roots of negative numbers (-0.0 included), and for log1p below -1.
// CHECK-LABEL: func.func @no_folds()
// CHECK: math.cbrt
// CHECK: math.rsqrt
// CHECK: math.fma
// CHECK: math.exp %{{.*}} : f16
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.log1p
func.func @no_folds() -> (f32, f32, f32, f16, f32, f32, f32) {
  %c8 = arith.constant 8.0 : f32
  %0 = math.cbrt %c8 : f32
  %1 = math.rsqrt %c8 : f32
  %2 = math.fma %c8, %c8, %c8 : f32
  %h = arith.constant 1.0 : f16
  %3 = math.exp %h : f16
  %m = arith.constant -1.0 : f32
  %4 = math.log %m : f32
  %mz = arith.constant -0.0 : f32
  %5 = math.sqrt %mz : f32
  %m2 = arith.constant -2.0 : f32
  %6 = math.log1p %m2 : f32
  return %0, %1, %2, %3, %4, %5, %6 : f32, f32, f32, f16, f32, f32, f32
}

// CHECK-LABEL: func.func @differences()
// OURS: math.atan2
// OURS: math.acos
// UPSTREAM-DAG: arith.constant 0x7FC00000 : f32
// UPSTREAM-NOT: math.
func.func @differences() -> (f32, f32) {
  %z = arith.constant 0.0 : f32
  %0 = math.atan2 %z, %z : f32
  %two = arith.constant 2.0 : f32
  %1 = math.acos %two : f32
  return %0, %1 : f32, f32
}
