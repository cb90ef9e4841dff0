// arith folds and canonicalization patterns. The CHECK lines hold for
// `tensor-opt --canonicalize` and for `mlir-opt-19 --canonicalize` alike
// (see mlir-opt.mlir); OURS and UPSTREAM lines mark where we differ on
// purpose: we fold vector comparisons MLIR 19 leaves, and we do not fold
// maxnumf/minnumf with a NaN operand, which MLIR 19 folds against the
// ops' documented meaning.
// RUN: tensor-opt %s --canonicalize | FileCheck %s --check-prefixes=CHECK,OURS

// CHECK-LABEL: func.func @int_identities(%arg0: i32, %arg1: i32)
// CHECK-DAG: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[M1:.*]] = arith.constant -1 : i32
// CHECK: return %arg0, %arg0, %[[Z]], %[[Z]], %arg0, %[[Z]], %arg0, %[[M1]], %[[Z]], %[[Z]], %arg0, %arg1, %arg0, %[[Z]], %arg0, %arg0 :
func.func @int_identities(%x: i32, %y: i32) -> (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %cm1 = arith.constant -1 : i32
  %0 = arith.addi %x, %c0 : i32
  %1 = arith.muli %c1, %x : i32
  %2 = arith.muli %x, %c0 : i32
  %3 = arith.subi %x, %x : i32
  %4 = arith.divsi %x, %c1 : i32
  %5 = arith.remui %x, %c1 : i32
  %6 = arith.andi %x, %cm1 : i32
  %7 = arith.ori %x, %cm1 : i32
  %8 = arith.xori %x, %x : i32
  %n = arith.xori %x, %cm1 : i32
  %9 = arith.andi %n, %x : i32
  %s = arith.subi %x, %y : i32
  %10 = arith.addi %s, %y : i32
  %a = arith.addi %x, %y : i32
  %11 = arith.subi %a, %x : i32
  %12 = arith.shrui %x, %c0 : i32
  %13 = arith.minui %x, %c0 : i32
  %14 = arith.maxsi %x, %x : i32
  %t = arith.xori %x, %y : i32
  %15 = arith.xori %t, %y : i32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15 : i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32
}

// Constants reassociate through addi/subi/muli chains.
// CHECK-LABEL: func.func @reassociate(%arg0: index, %arg1: index)
// CHECK-DAG: %[[C15:.*]] = arith.constant 15 : index
// CHECK-DAG: %[[CM2:.*]] = arith.constant -2 : index
// CHECK-DAG: %[[CM3:.*]] = arith.constant -3 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[R0:.*]] = arith.addi %arg0, %[[C5]] : index
// CHECK: %[[R1:.*]] = arith.addi %arg0, %[[C3]] : index
// CHECK: %[[R2:.*]] = arith.subi %[[C8]], %arg0 : index
// CHECK: %[[R3:.*]] = arith.addi %arg0, %[[CM3]] : index
// CHECK: %[[R4:.*]] = arith.subi %[[C3]], %arg0 : index
// CHECK: %[[R5:.*]] = arith.subi %arg0, %[[C5]] : index
// CHECK: %[[R6:.*]] = arith.subi %[[C3]], %arg0 : index
// CHECK: %[[R7:.*]] = arith.subi %[[C5]], %arg0 : index
// CHECK: %[[R8:.*]] = arith.addi %arg0, %[[CM2]] : index
// CHECK: %[[R9:.*]] = arith.muli %arg0, %[[C15]] : index
// CHECK: %[[R10:.*]] = arith.subi %arg0, %arg1 : index
// CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]], %[[R5]], %[[R6]], %[[R7]], %[[R8]], %[[R9]], %[[R10]] :
func.func @reassociate(%x: index, %y: index) -> (index, index, index, index, index, index, index, index, index, index, index) {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %cm1 = arith.constant -1 : index
  %a = arith.addi %x, %c2 : index
  %0 = arith.addi %a, %c3 : index
  %s = arith.subi %x, %c2 : index
  %1 = arith.addi %s, %c5 : index
  %r = arith.subi %c5, %x : index
  %2 = arith.addi %r, %c3 : index
  %3 = arith.subi %a, %c5 : index
  %4 = arith.subi %c5, %a : index
  %5 = arith.subi %s, %c3 : index
  %6 = arith.subi %r, %c2 : index
  %7 = arith.subi %c3, %s : index
  %8 = arith.subi %c3, %r : index
  %m = arith.muli %x, %c3 : index
  %9 = arith.muli %m, %c5 : index
  %ny = arith.muli %y, %cm1 : index
  %10 = arith.addi %x, %ny : index
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : index, index, index, index, index, index, index, index, index, index, index
}

// Constants move to the right of commutative ops and of cmpi.
// CHECK-LABEL: func.func @commute(%arg0: i32, %arg1: f32, %arg2: i32)
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : i32
// CHECK-DAG: %[[H:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[A:.*]] = arith.addi %arg0, %[[C5]] : i32
// CHECK: %[[M:.*]] = arith.mulf %arg1, %[[H]] : f32
// CHECK: %[[C:.*]] = arith.cmpi sgt, %arg0, %[[C5]] : i32
// CHECK: %[[X:.*]] = arith.maxsi %arg2, %[[C5]] : i32
// CHECK: return %[[A]], %[[M]], %[[C]], %[[X]] :
func.func @commute(%x: i32, %f: f32, %i: i32) -> (i32, f32, i1, i32) {
  %c5 = arith.constant 5 : i32
  %h = arith.constant 0.5 : f32
  %0 = arith.addi %c5, %x : i32
  %1 = arith.mulf %h, %f : f32
  %2 = arith.cmpi slt, %c5, %x : i32
  %3 = arith.maxsi %c5, %i : i32
  return %0, %1, %2, %3 : i32, f32, i1, i32
}

// CHECK-LABEL: func.func @cmp_select(
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : i32
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: %[[E:.*]] = arith.cmpf oeq, %arg1, %arg1 : f32
// CHECK: %[[S:.*]] = arith.select %[[E]], %arg3, %arg4 : f32
// CHECK: return %[[T]], %[[F]], %arg3, %arg4, %arg2, %[[S]], %[[F]], %[[T]], %arg5, %[[C7]] :
func.func @cmp_select(%x: i32, %f: f32, %c: i1, %a: f32, %b: f32, %v: vector<4xf32>) -> (i1, i1, f32, f32, i1, f32, i1, i1, vector<4xf32>, i32) {
  %t = arith.constant true
  %fl = arith.constant false
  %nan = arith.constant 0x7FC00000 : f32
  %0 = arith.cmpi sle, %x, %x : i32
  %1 = arith.cmpi ult, %x, %x : i32
  %2 = arith.select %c, %a, %a : f32
  %3 = arith.select %fl, %a, %b : f32
  %4 = arith.select %c, %t, %fl : i1
  // x == x is false for NaN: no fold.
  %e = arith.cmpf oeq, %f, %f : f32
  %5 = arith.select %e, %a, %b : f32
  %6 = arith.cmpf olt, %f, %nan : f32
  %7 = arith.cmpf uge, %nan, %f : f32
  %vt = arith.constant dense<true> : vector<4xi1>
  %vz = arith.constant dense<0.0> : vector<4xf32>
  %8 = arith.select %vt, %v, %vz : vector<4xi1>, vector<4xf32>
  %y = arith.constant 7 : i32
  %ceq = arith.cmpi eq, %x, %y : i32
  %9 = arith.select %ceq, %x, %y : i32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : i1, i1, f32, f32, i1, f32, i1, i1, vector<4xf32>, i32
}

// Only the identities IEEE allows: x + 0.0 and x * 0.0 stay.
// CHECK-LABEL: func.func @float_identities(%arg0: f32, %arg1: vector<2xf64>)
// CHECK-DAG: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ADD:.*]] = arith.addf %arg0, %[[Z]] : f32
// CHECK: %[[MUL:.*]] = arith.mulf %arg0, %[[Z]] : f32
// CHECK: return %arg0, %[[ADD]], %arg0, %arg0, %[[MUL]], %arg0, %arg0, %arg0, %arg0, %arg1 :
func.func @float_identities(%x: f32, %v: vector<2xf64>) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, vector<2xf64>) {
  %nz = arith.constant -0.0 : f32
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %0 = arith.addf %x, %nz : f32
  %1 = arith.addf %x, %z : f32
  %2 = arith.subf %x, %z : f32
  %3 = arith.mulf %x, %one : f32
  %4 = arith.mulf %x, %z : f32
  %5 = arith.divf %x, %one : f32
  %n = arith.negf %x : f32
  %6 = arith.negf %n : f32
  %7 = arith.maximumf %x, %ninf : f32
  %8 = arith.minimumf %x, %x : f32
  %vone = arith.constant dense<1.0> : vector<2xf64>
  %9 = arith.mulf %v, %vone : vector<2xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : f32, f32, f32, f32, f32, f32, f32, f32, f32, vector<2xf64>
}

// Cast chains shorten or vanish.
// CHECK-LABEL: func.func @cast_chains(%arg0: i8, %arg1: i32, %arg2: index, %arg3: f32)
// CHECK-NEXT: %[[U:.*]] = arith.extui %arg0 : i8 to i32
// CHECK-NEXT: %[[S:.*]] = arith.extsi %arg0 : i8 to i32
// CHECK-NEXT: %[[S16:.*]] = arith.extsi %arg0 : i8 to i16
// CHECK-NEXT: %[[U64:.*]] = arith.extui %arg0 : i8 to i64
// CHECK-NEXT: %[[IC:.*]] = arith.index_cast %arg0 : i8 to index
// CHECK-NEXT: %[[BC:.*]] = arith.bitcast %arg1 : i32 to f32
// CHECK-NEXT: %[[T:.*]] = arith.trunci %arg1 : i32 to i8
// CHECK-NEXT: return %[[U]], %[[S]], %arg0, %[[S16]], %[[U64]], %arg2, %[[IC]], %arg1, %[[BC]], %[[T]] :
func.func @cast_chains(%i: i8, %w: i32, %x: index, %f: f32) -> (i32, i32, i8, i16, i64, index, index, i32, f32, i8) {
  %a = arith.extui %i : i8 to i16
  %0 = arith.extui %a : i16 to i32
  %b = arith.extsi %i : i8 to i16
  %1 = arith.extsi %b : i16 to i32
  %2 = arith.trunci %1 : i32 to i8
  %3 = arith.trunci %1 : i32 to i16
  %4 = arith.extsi %a : i16 to i64
  %c = arith.index_cast %x : index to i32
  %5 = arith.index_cast %c : i32 to index
  %6 = arith.index_cast %b : i16 to index
  %bc = arith.bitcast %w : i32 to f32
  %7 = arith.bitcast %bc : f32 to i32
  %8 = arith.bitcast %w : i32 to f32
  %t = arith.trunci %w : i32 to i16
  %9 = arith.trunci %t : i16 to i8
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : i32, i32, i8, i16, i64, index, index, i32, f32, i8
}

// Scalars fold with wrap-around integers and IEEE floats (NaNs as APFloat
// makes them: an operand NaN made quiet, else the positive quiet NaN).
// CHECK-LABEL: func.func @scalar_folds()
// CHECK-DAG: %[[A:.*]] = arith.constant -128 : i8
// CHECK-DAG: %[[B:.*]] = arith.constant -2 : i32
// CHECK-DAG: %[[C:.*]] = arith.constant 3 : i32
// CHECK-DAG: %[[D:.*]] = arith.constant -3 : i32
// CHECK-DAG: %[[E:.*]] = arith.constant -1 : i32
// CHECK-DAG: %[[F:.*]] = arith.constant 4294967295 : i64
// CHECK-DAG: %[[G:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-DAG: %[[H:.*]] = arith.constant 0xFFC00001 : f32
// CHECK-DAG: %[[I:.*]] = arith.constant -0.000000e+00 : f32
// CHECK-DAG: %[[J:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-DAG: %[[K:.*]] = arith.constant -2 : index
// CHECK-DAG: %[[L:.*]] = arith.constant true
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]], %[[F]], %[[G]], %[[H]], %[[I]], %[[J]], %[[K]], %[[L]] :
func.func @scalar_folds() -> (i8, i32, i32, i32, i32, i64, f32, f32, f32, f64, index, i1) {
  %c127 = arith.constant 127 : i8
  %c1 = arith.constant 1 : i8
  %0 = arith.addi %c127, %c1 : i8
  %cm7 = arith.constant -7 : i32
  %c3 = arith.constant 3 : i32
  %1 = arith.divsi %cm7, %c3 : i32
  %2 = arith.remsi %c3, %cm7 : i32
  %3 = arith.floordivsi %cm7, %c3 : i32
  %4 = arith.shrsi %cm7, %c3 : i32
  %cm1 = arith.constant -1 : i32
  %5 = arith.extui %cm1 : i32 to i64
  %z = arith.constant 0.0 : f32
  %inf = arith.constant 0x7F800000 : f32
  %6 = arith.mulf %z, %inf : f32
  %nan = arith.constant 0x7FC00001 : f32
  %7 = arith.negf %nan : f32
  %nz = arith.constant -0.0 : f32
  %8 = arith.minimumf %z, %nz : f32
  %h = arith.constant 1.0 : f32
  %9 = arith.extf %h : f32 to f64
  %big = arith.constant -2 : i64
  %10 = arith.index_cast %big : i64 to index
  %11 = arith.cmpf uno, %nan, %h : f32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : i8, i32, i32, i32, i32, i64, f32, f32, f32, f64, index, i1
}

// Dense constants fold element by element.
// CHECK-LABEL: func.func @vector_folds()
// CHECK-DAG: %[[ADD:.*]] = arith.constant dense<[11, 12, 13, 14]> : vector<4xi32>
// CHECK-DAG: %[[MUL:.*]] = arith.constant dense<[2.000000e+00, -4.000000e+00, 1.000000e+00, 8.000000e+00]> : vector<4xf32>
// CHECK-DAG: %[[DIV:.*]] = arith.constant dense<[1, -3]> : tensor<2xi64>
// CHECK-DAG: %[[CVT:.*]] = arith.constant dense<[2, -4, 1, 8]> : vector<4xi32>
// OURS-DAG: %[[CMP:.*]] = arith.constant dense<[true, true, true, false]> : vector<4xi1>
// OURS-DAG: %[[SEL:.*]] = arith.constant dense<[1.000000e+00, -2.000000e+00, 5.000000e-01, 2.000000e+00]> : vector<4xf32>
// UPSTREAM: %[[CMP:.*]] = arith.cmpf olt
// UPSTREAM: %[[SEL:.*]] = arith.select %[[CMP]]
// CHECK: return %[[ADD]], %[[MUL]], %[[CMP]], %[[DIV]], %[[SEL]], %[[CVT]] :
func.func @vector_folds() -> (vector<4xi32>, vector<4xf32>, vector<4xi1>, tensor<2xi64>, vector<4xf32>, vector<4xi32>) {
  %a = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
  %b = arith.constant dense<10> : vector<4xi32>
  %0 = arith.addi %a, %b : vector<4xi32>
  %f = arith.constant dense<[1.0, -2.0, 0.5, 4.0]> : vector<4xf32>
  %g = arith.constant dense<2.0> : vector<4xf32>
  %1 = arith.mulf %f, %g : vector<4xf32>
  %2 = arith.cmpf olt, %f, %g : vector<4xf32>
  %t = arith.constant dense<[5, -7]> : tensor<2xi64>
  %t3 = arith.constant dense<3> : tensor<2xi64>
  %3 = arith.floordivsi %t, %t3 : tensor<2xi64>
  %4 = arith.select %2, %f, %g : vector<4xi1>, vector<4xf32>
  %5 = arith.fptosi %1 : vector<4xf32> to vector<4xi32>
  return %0, %1, %2, %3, %4, %5 : vector<4xi32>, vector<4xf32>, vector<4xi1>, tensor<2xi64>, vector<4xf32>, vector<4xi32>
}

// Undefined behavior, poison and inexact truncations are not folded.
// CHECK-LABEL: func.func @no_folds(%arg0: i32)
// CHECK: arith.divsi %arg0
// CHECK: arith.shli %arg0
// CHECK: arith.divsi
// CHECK: arith.remui
// CHECK: arith.truncf
// CHECK: arith.fptosi
// CHECK: arith.ceildivsi
func.func @no_folds(%x: i32) -> (i32, i32, i32, i32, f32, i8, i32) {
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %min = arith.constant -2147483648 : i32
  %cm1 = arith.constant -1 : i32
  %0 = arith.divsi %x, %c0 : i32
  %1 = arith.shli %x, %c32 : i32
  %2 = arith.divsi %min, %cm1 : i32
  %3 = arith.remui %c32, %c0 : i32
  %d = arith.constant 0.1 : f64
  %4 = arith.truncf %d : f64 to f32
  %big = arith.constant 300.0 : f32
  %5 = arith.fptosi %big : f32 to i8
  %c2 = arith.constant 2 : i32
  %6 = arith.ceildivsi %min, %c2 : i32
  return %0, %1, %2, %3, %4, %5, %6 : i32, i32, i32, i32, f32, i8, i32
}

// NaN operands of maxnumf/minnumf: the result is the other operand.
// CHECK-LABEL: func.func @nan_minmax(%arg0: f32)
// OURS: %[[MAX:.*]] = arith.maxnumf
// OURS: %[[MIN:.*]] = arith.minnumf %arg0
// OURS: return %[[MAX]], %[[MIN]] :
// UPSTREAM: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// UPSTREAM: return %[[NAN]], %arg0 :
func.func @nan_minmax(%x: f32) -> (f32, f32) {
  %nan = arith.constant 0x7FC00000 : f32
  %one = arith.constant 1.0 : f32
  %inf = arith.constant 0x7F800000 : f32
  %0 = arith.maxnumf %nan, %one : f32
  %1 = arith.minnumf %x, %inf : f32
  return %0, %1 : f32, f32
}
