// The math dialect's custom forms, as MLIR 19 writes them: every op on
// scalars, vectors and tensors, with fast-math flags on the float ops. The
// printed form reads back, also from the generic form. The checks hold for
// mlir-opt-19's output too (see mlir-opt.mlir).
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// GENERIC: "math.acos"(%0) {fastmath = #arith.fastmath<fast>} : (f32) -> f32
// GENERIC: "math.fma"(%2, %arg1, %arg2) {fastmath = #arith.fastmath<contract>} : (f64, f64, f64) -> f64
// GENERIC: "math.ipowi"(%3, %arg1) : (i32, i32) -> i32

// CHECK-LABEL: func.func @unary(%arg0: f32, %arg1: vector<4xf64>, %arg2: tensor<?x2xf16>) -> (f32, vector<4xf64>, tensor<?x2xf16>)
// CHECK-NEXT: %0 = math.absf %arg0 : f32
// CHECK-NEXT: %1 = math.acos %0 fastmath<fast> : f32
// CHECK-NEXT: %2 = math.acosh %1 : f32
// CHECK-NEXT: %3 = math.asin %2 : f32
// CHECK-NEXT: %4 = math.asinh %3 : f32
// CHECK-NEXT: %5 = math.atan %4 : f32
// CHECK-NEXT: %6 = math.atanh %5 fastmath<fast> : f32
// CHECK-NEXT: %7 = math.cbrt %6 : f32
// CHECK-NEXT: %8 = math.ceil %7 : f32
// CHECK-NEXT: %9 = math.cos %8 : f32
// CHECK-NEXT: %10 = math.cosh %9 : f32
// CHECK-NEXT: %11 = math.erf %10 fastmath<fast> : f32
// CHECK-NEXT: %12 = math.exp %11 : f32
// CHECK-NEXT: %13 = math.exp2 %12 : f32
// CHECK-NEXT: %14 = math.expm1 %13 : f32
// CHECK-NEXT: %15 = math.floor %14 : f32
// CHECK-NEXT: %16 = math.log %15 fastmath<fast> : f32
// CHECK-NEXT: %17 = math.log10 %16 : f32
// CHECK-NEXT: %18 = math.log1p %17 : f32
// CHECK-NEXT: %19 = math.log2 %18 : f32
// CHECK-NEXT: %20 = math.round %19 : f32
// CHECK-NEXT: %21 = math.roundeven %20 fastmath<fast> : f32
// CHECK-NEXT: %22 = math.rsqrt %21 : f32
// CHECK-NEXT: %23 = math.sin %22 : f32
// CHECK-NEXT: %24 = math.sinh %23 : f32
// CHECK-NEXT: %25 = math.sqrt %24 : f32
// CHECK-NEXT: %26 = math.tan %25 fastmath<fast> : f32
// CHECK-NEXT: %27 = math.tanh %26 : f32
// CHECK-NEXT: %28 = math.trunc %27 : f32
// CHECK-NEXT: %29 = math.exp %arg1 fastmath<nnan,ninf> : vector<4xf64>
// CHECK-NEXT: %30 = math.sqrt %arg2 : tensor<?x2xf16>
// CHECK-NEXT: {{(func\.)?}}return %28, %29, %30 : f32, vector<4xf64>, tensor<?x2xf16>
func.func @unary(%x: f32, %v: vector<4xf64>, %t: tensor<?x2xf16>) -> (f32, vector<4xf64>, tensor<?x2xf16>) {
  %absf = math.absf %x : f32
  %acos = math.acos %absf fastmath<fast> : f32
  %acosh = math.acosh %acos : f32
  %asin = math.asin %acosh : f32
  %asinh = math.asinh %asin : f32
  %atan = math.atan %asinh : f32
  %atanh = math.atanh %atan fastmath<fast> : f32
  %cbrt = math.cbrt %atanh : f32
  %ceil = math.ceil %cbrt : f32
  %cos = math.cos %ceil : f32
  %cosh = math.cosh %cos : f32
  %erf = math.erf %cosh fastmath<fast> : f32
  %exp = math.exp %erf : f32
  %exp2 = math.exp2 %exp : f32
  %expm1 = math.expm1 %exp2 : f32
  %floor = math.floor %expm1 : f32
  %log = math.log %floor fastmath<fast> : f32
  %log10 = math.log10 %log : f32
  %log1p = math.log1p %log10 : f32
  %log2 = math.log2 %log1p : f32
  %round = math.round %log2 : f32
  %roundeven = math.roundeven %round fastmath<fast> : f32
  %rsqrt = math.rsqrt %roundeven : f32
  %sin = math.sin %rsqrt : f32
  %sinh = math.sinh %sin : f32
  %sqrt = math.sqrt %sinh : f32
  %tan = math.tan %sqrt fastmath<fast> : f32
  %tanh = math.tanh %tan : f32
  %trunc = math.trunc %tanh : f32
  %v1 = math.exp %v fastmath<nnan,ninf> : vector<4xf64>
  %t1 = math.sqrt %t : tensor<?x2xf16>
  return %trunc, %v1, %t1 : f32, vector<4xf64>, tensor<?x2xf16>
}

// CHECK-LABEL: func.func @binary(%arg0: f64, %arg1: f64, %arg2: f64) -> f64
// CHECK-NEXT: %0 = math.atan2 %arg0, %arg1 : f64
// CHECK-NEXT: %1 = math.copysign %0, %arg1 fastmath<nsz> : f64
// CHECK-NEXT: %2 = math.powf %1, %arg2 : f64
// CHECK-NEXT: %3 = math.fma %2, %arg1, %arg2 fastmath<contract> : f64
// CHECK-NEXT: {{(func\.)?}}return %3 : f64
func.func @binary(%a: f64, %b: f64, %c: f64) -> f64 {
  %0 = math.atan2 %a, %b : f64
  %1 = math.copysign %0, %b fastmath<nsz> : f64
  %2 = math.powf %1, %c : f64
  %3 = math.fma %2, %b, %c fastmath<contract> : f64
  return %3 : f64
}

// CHECK-LABEL: func.func @ints(%arg0: i32, %arg1: i32, %arg2: index, %arg3: vector<8xi8>) -> (i32, index, vector<8xi8>)
// CHECK-NEXT: %0 = math.absi %arg0 : i32
// CHECK-NEXT: %1 = math.ctlz %0 : i32
// CHECK-NEXT: %2 = math.cttz %1 : i32
// CHECK-NEXT: %3 = math.ctpop %2 : i32
// CHECK-NEXT: %4 = math.ipowi %3, %arg1 : i32
// CHECK-NEXT: %5 = math.ctlz %arg2 : index
// CHECK-NEXT: %6 = math.ctpop %arg3 : vector<8xi8>
// CHECK-NEXT: {{(func\.)?}}return %4, %5, %6 : i32, index, vector<8xi8>
func.func @ints(%i: i32, %j: i32, %n: index, %v: vector<8xi8>) -> (i32, index, vector<8xi8>) {
  %0 = math.absi %i : i32
  %1 = math.ctlz %0 : i32
  %2 = math.cttz %1 : i32
  %3 = math.ctpop %2 : i32
  %4 = math.ipowi %3, %j : i32
  %5 = math.ctlz %n : index
  %6 = math.ctpop %v : vector<8xi8>
  return %4, %5, %6 : i32, index, vector<8xi8>
}
