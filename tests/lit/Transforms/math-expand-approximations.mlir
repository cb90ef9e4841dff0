// math-expand-approximations replaces exp, expm1, log, log1p, tanh and erf
// on f32 and vectors of f32 by branch-free arith code (plus math.fma,
// math.absf, math.copysign, math.floor); other types are left alone.
// mlir-opt-19 reads the result, and mlir-cpu-runner-19 runs it to the
// C library's values.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --math-expand-approximations | FileCheck %s --implicit-check-not='{{math\.(exp|expm1|log|log1p|tanh|erf) .*f32}}'
// RUN: tensor-opt %s --math-expand-approximations=ops=exp,tanh | FileCheck %s --check-prefix=SOME
// RUN: tensor-opt %s --math-expand-approximations --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: tensor-opt %s --math-expand-approximations | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --math-expand-approximations | mlir-opt-19 --convert-vector-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts > %t.ll.mlir
// RUN: mlir-cpu-runner-19 %t.ll.mlir -e run_exp -entry-point-result=f32 | FileCheck %s --check-prefix=RUN-EXP
// RUN: mlir-cpu-runner-19 %t.ll.mlir -e run_log -entry-point-result=f32 | FileCheck %s --check-prefix=RUN-LOG
// RUN: mlir-cpu-runner-19 %t.ll.mlir -e run_tanh -entry-point-result=f32 | FileCheck %s --check-prefix=RUN-TANH
// RUN: mlir-cpu-runner-19 %t.ll.mlir -e run_erf -entry-point-result=f32 | FileCheck %s --check-prefix=RUN-ERF

// STATS: math-expand-approximations
// STATS-DAG: (S) 10 num-expanded
// STATS-DAG: (S) 2 num-expanded-exp
// STATS-DAG: (S) 1 num-expanded-expm1
// STATS-DAG: (S) 2 num-expanded-log
// STATS-DAG: (S) 1 num-expanded-log1p
// STATS-DAG: (S) 2 num-expanded-tanh
// STATS-DAG: (S) 2 num-expanded-erf

// exp: clamp to [-104, 89] (NaN goes to 89), k = floor(x log2(e) + 1/2),
// r = x - k ln2 in two steps, e^r = 1 + r + r^2 P(r), then 2^k in two
// normal halves, and NaN passed through.
// CHECK-LABEL: func.func @exp(%arg0: f32) -> f32 {
// CHECK-NEXT: %[[HI:.*]] = arith.constant 8.900000e+01 : f32
// CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpf ugt, %arg0, %[[HI]] : f32
// CHECK-NEXT: %[[X1:.*]] = arith.select %[[ABOVE]], %[[HI]], %arg0 : f32
// CHECK-NEXT: %[[LO:.*]] = arith.constant -1.040000e+02 : f32
// CHECK-NEXT: %[[BELOW:.*]] = arith.cmpf olt, %[[X1]], %[[LO]] : f32
// CHECK-NEXT: %[[X:.*]] = arith.select %[[BELOW]], %[[LO]], %[[X1]] : f32
// CHECK-NEXT: %[[LOG2E:.*]] = arith.constant 1.442695e+00 : f32
// CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[T:.*]] = math.fma %[[X]], %[[LOG2E]], %[[HALF]] : f32
// CHECK-NEXT: %[[K:.*]] = math.floor %[[T]] : f32
// CHECK-NEXT: %[[C1:.*]] = arith.constant -6.933594e-01 : f32
// CHECK-NEXT: %[[R1:.*]] = math.fma %[[K]], %[[C1]], %[[X]] : f32
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2.1219444e-04 : f32
// CHECK-NEXT: %[[R:.*]] = math.fma %[[K]], %[[C2]], %[[R1]] : f32
// CHECK-NEXT: %[[P5:.*]] = arith.constant 1.9908795e-04 : f32
// CHECK-NEXT: %[[P4:.*]] = arith.constant 1.3928749e-03 : f32
// CHECK-NEXT: %[[A4:.*]] = math.fma %[[P5]], %[[R]], %[[P4]] : f32
// CHECK-NEXT: %[[P3:.*]] = arith.constant 8.333245e-03 : f32
// CHECK-NEXT: %[[A3:.*]] = math.fma %[[A4]], %[[R]], %[[P3]] : f32
// CHECK-NEXT: %[[P2:.*]] = arith.constant 4.166653e-02 : f32
// CHECK-NEXT: %[[A2:.*]] = math.fma %[[A3]], %[[R]], %[[P2]] : f32
// CHECK-NEXT: %[[P1:.*]] = arith.constant 1.6666667e-01 : f32
// CHECK-NEXT: %[[A1:.*]] = math.fma %[[A2]], %[[R]], %[[P1]] : f32
// CHECK-NEXT: %[[P:.*]] = math.fma %[[A1]], %[[R]], %[[HALF]] : f32
// CHECK-NEXT: %[[R2:.*]] = arith.mulf %[[R]], %[[R]] : f32
// CHECK-NEXT: %[[M:.*]] = math.fma %[[R2]], %[[P]], %[[R]] : f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[ER:.*]] = arith.addf %[[M]], %[[ONE]] : f32
// CHECK-NEXT: %[[KI:.*]] = arith.fptosi %[[K]] : f32 to i32
// CHECK-NEXT: %[[I1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[K1:.*]] = arith.shrsi %[[KI]], %[[I1]] : i32
// CHECK-NEXT: %[[K2:.*]] = arith.subi %[[KI]], %[[K1]] : i32
// CHECK-NEXT: %[[BIAS:.*]] = arith.constant 127 : i32
// CHECK-NEXT: %[[B1:.*]] = arith.addi %[[K1]], %[[BIAS]] : i32
// CHECK-NEXT: %[[I23:.*]] = arith.constant 23 : i32
// CHECK-NEXT: %[[E1:.*]] = arith.shli %[[B1]], %[[I23]] : i32
// CHECK-NEXT: %[[S1:.*]] = arith.bitcast %[[E1]] : i32 to f32
// CHECK-NEXT: %[[B2:.*]] = arith.addi %[[K2]], %[[BIAS]] : i32
// CHECK-NEXT: %[[E2:.*]] = arith.shli %[[B2]], %[[I23]] : i32
// CHECK-NEXT: %[[S2:.*]] = arith.bitcast %[[E2]] : i32 to f32
// CHECK-NEXT: %[[Y1:.*]] = arith.mulf %[[ER]], %[[S1]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[Y1]], %[[S2]] : f32
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %arg0, %arg0 : f32
// CHECK-NEXT: %[[RES:.*]] = arith.select %[[NAN]], %arg0, %[[Y]] : f32
// CHECK-NEXT: func.return %[[RES]] : f32
// SOME-LABEL: func.func @exp(
// SOME-NOT: math.exp
// SOME: func.return
// MLIR-LABEL: func.func @exp(
// MLIR: math.fma
// MLIR: math.floor
// MLIR: arith.bitcast
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// The others, on vectors: every constant is a splat, every comparison
// gives a vector of i1, and no math function call is left.
// CHECK-LABEL: func.func @vectors(%arg0: vector<4xf32>)
// CHECK-DAG: arith.constant dense<2.000000e+00> : vector<4xf32>
// CHECK-DAG: arith.bitcast %{{.*}} : vector<4xf32> to vector<4xi32>
// CHECK-DAG: arith.divf
// CHECK-DAG: math.absf %arg0 : vector<4xf32>
// CHECK-DAG: math.copysign
// CHECK-DAG: arith.cmpf ult, %arg0, %{{.*}} : vector<4xf32>
// CHECK-DAG: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi1>, vector<4xf32>
// CHECK: func.return
// SOME-LABEL: func.func @vectors(
// SOME-DAG: math.expm1 %arg0 : vector<4xf32>
// SOME-DAG: math.log %arg0 : vector<4xf32>
// SOME-DAG: math.log1p %arg0 : vector<4xf32>
// SOME-DAG: math.erf %arg0 : vector<4xf32>
// SOME-NOT: math.tanh
// SOME: func.return
func.func @vectors(%v: vector<4xf32>) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
  %0 = math.expm1 %v : vector<4xf32>
  %1 = math.log %v : vector<4xf32>
  %2 = math.log1p %v : vector<4xf32>
  %3 = math.tanh %v : vector<4xf32>
  %4 = math.erf %v : vector<4xf32>
  return %0, %1, %2, %3, %4 : vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>
}

// Other float types keep their math ops.
// CHECK-LABEL: func.func @kept(%arg0: f64, %arg1: vector<4xf16>) -> (f64, vector<4xf16>) {
// CHECK-NEXT: %0 = math.exp %arg0 : f64
// CHECK-NEXT: %1 = math.log %arg1 : vector<4xf16>
// CHECK-NEXT: func.return %0, %1 : f64, vector<4xf16>
func.func @kept(%d: f64, %h: vector<4xf16>) -> (f64, vector<4xf16>) {
  %0 = math.exp %d : f64
  %1 = math.log %h : vector<4xf16>
  return %0, %1 : f64, vector<4xf16>
}

// Run by mlir-cpu-runner-19; the values are the C library's, printed to
// seven digits: expf(-87.5) (below the smallest normal float), logf(3e-42)
// (a subnormal), tanhf(0.3) and erff(-2.5).
// RUN-EXP: 9.982351e-39
func.func @run_exp() -> f32 {
  %x = arith.constant -87.5 : f32
  %y = math.exp %x : f32
  return %y : f32
}

// RUN-LOG: -9.560990e+01
func.func @run_log() -> f32 {
  %x = arith.constant 3.0e-42 : f32
  %y = math.log %x : f32
  return %y : f32
}

// RUN-TANH: 2.913126e-01
func.func @run_tanh() -> f32 {
  %x = arith.constant dense<[0.3, -1.0, 0.0, 12.0]> : vector<4xf32>
  %y = math.tanh %x : vector<4xf32>
  %c0 = arith.constant 0 : index
  %z = vector.extractelement %y[%c0 : index] : vector<4xf32>
  return %z : f32
}

// RUN-ERF: -9.995930e-01
func.func @run_erf() -> f32 {
  %x = arith.constant dense<[0.5, 1.5, -2.5, 3.5]> : vector<4xf32>
  %y = math.erf %x : vector<4xf32>
  %c2 = arith.constant 2 : index
  %z = vector.extractelement %y[%c2 : index] : vector<4xf32>
  return %z : f32
}
