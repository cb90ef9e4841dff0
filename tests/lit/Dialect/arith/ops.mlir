// The arith dialect's custom forms, as MLIR 19 writes them: every op, with
// fast-math and overflow flags, comparison predicates, rounding modes,
// vector and tensor operands, and constants of every kind. The printed form
// reads back, also from the generic form. The checks hold for mlir-opt-19's
// output too (see mlir-opt.mlir): only `return` may be spelled `func.return`.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// GENERIC: "arith.subf"(%0, %arg1) {fastmath = #arith.fastmath<fast>} : (f32, f32) -> f32
// GENERIC: sym_name = "float_ops"
// GENERIC: "arith.muli"(%1, %arg0) {overflowFlags = #arith.overflow<nsw, nuw>} : (i32, i32) -> i32
// GENERIC: "arith.cmpf"(%arg0, %arg1) {fastmath = #arith.fastmath<nnan>, predicate = 4 : i64} : (f64, f64) -> i1
// GENERIC: "arith.cmpi"(%arg2, %arg3) {predicate = 9 : i64} : (i16, i16) -> i1
// GENERIC: "arith.truncf"(%arg2) {roundingmode = 1 : i32} : (f64) -> f32
// GENERIC: "arith.constant"() {value = dense<[1, -2, 3]> : vector<3xindex>} : () -> vector<3xindex>

// CHECK-LABEL: func.func @float_ops(%arg0: f32, %arg1: f32) -> f32
// CHECK-NEXT: %0 = arith.addf %arg0, %arg1 : f32
// CHECK-NEXT: %1 = arith.subf %0, %arg1 fastmath<fast> : f32
// CHECK-NEXT: %2 = arith.mulf %1, %arg0 fastmath<nnan,ninf> : f32
// CHECK-NEXT: %3 = arith.divf %2, %arg1 fastmath<reassoc,contract> : f32
// CHECK-NEXT: %4 = arith.remf %3, %arg0 : f32
// CHECK-NEXT: %5 = arith.negf %4 fastmath<nsz> : f32
// CHECK-NEXT: %6 = arith.maximumf %5, %arg0 : f32
// CHECK-NEXT: %7 = arith.minimumf %6, %arg1 : f32
// CHECK-NEXT: %8 = arith.maxnumf %7, %arg0 fastmath<arcp,afn> : f32
// CHECK-NEXT: %9 = arith.minnumf %8, %arg1 : f32
// CHECK-NEXT: {{(func\.)?}}return %9 : f32
func.func @float_ops(%a: f32, %b: f32) -> f32 {
  %0 = arith.addf %a, %b : f32
  %1 = arith.subf %0, %b fastmath<fast> : f32
  %2 = arith.mulf %1, %a fastmath<nnan,ninf> : f32
  %3 = arith.divf %2, %b fastmath<reassoc,contract> : f32
  %4 = arith.remf %3, %a : f32
  %5 = arith.negf %4 fastmath<nsz> : f32
  %6 = arith.maximumf %5, %a : f32
  %7 = arith.minimumf %6, %b : f32
  %8 = arith.maxnumf %7, %a fastmath<arcp,afn> : f32
  %9 = arith.minnumf %8, %b : f32
  return %9 : f32
}

// CHECK-LABEL: func.func @int_ops(%arg0: i32, %arg1: i32) -> i32
// CHECK-NEXT: %0 = arith.addi %arg0, %arg1 : i32
// CHECK-NEXT: %1 = arith.subi %0, %arg1 overflow<nsw> : i32
// CHECK-NEXT: %2 = arith.muli %1, %arg0 overflow<nsw, nuw> : i32
// CHECK-NEXT: %3 = arith.divsi %2, %arg1 : i32
// CHECK-NEXT: %4 = arith.divui %3, %arg1 : i32
// CHECK-NEXT: %5 = arith.remsi %4, %arg1 : i32
// CHECK-NEXT: %6 = arith.remui %5, %arg1 : i32
// CHECK-NEXT: %7 = arith.ceildivsi %6, %arg1 : i32
// CHECK-NEXT: %8 = arith.ceildivui %7, %arg1 : i32
// CHECK-NEXT: %9 = arith.floordivsi %8, %arg1 : i32
// CHECK-NEXT: %10 = arith.andi %9, %arg1 : i32
// CHECK-NEXT: %11 = arith.ori %10, %arg1 : i32
// CHECK-NEXT: %12 = arith.xori %11, %arg1 : i32
// CHECK-NEXT: %13 = arith.shli %12, %arg1 overflow<nuw> : i32
// CHECK-NEXT: %14 = arith.shrsi %13, %arg1 : i32
// CHECK-NEXT: %15 = arith.shrui %14, %arg1 : i32
// CHECK-NEXT: %16 = arith.maxsi %15, %arg1 : i32
// CHECK-NEXT: %17 = arith.minsi %16, %arg1 : i32
// CHECK-NEXT: %18 = arith.maxui %17, %arg1 : i32
// CHECK-NEXT: %19 = arith.minui %18, %arg1 : i32
// CHECK-NEXT: {{(func\.)?}}return %19 : i32
func.func @int_ops(%i: i32, %j: i32) -> i32 {
  %0 = arith.addi %i, %j : i32
  %1 = arith.subi %0, %j overflow<nsw> : i32
  %2 = arith.muli %1, %i overflow<nsw, nuw> : i32
  %3 = arith.divsi %2, %j : i32
  %4 = arith.divui %3, %j : i32
  %5 = arith.remsi %4, %j : i32
  %6 = arith.remui %5, %j : i32
  %7 = arith.ceildivsi %6, %j : i32
  %8 = arith.ceildivui %7, %j : i32
  %9 = arith.floordivsi %8, %j : i32
  %10 = arith.andi %9, %j : i32
  %11 = arith.ori %10, %j : i32
  %12 = arith.xori %11, %j : i32
  %13 = arith.shli %12, %j overflow<nuw> : i32
  %14 = arith.shrsi %13, %j : i32
  %15 = arith.shrui %14, %j : i32
  %16 = arith.maxsi %15, %j : i32
  %17 = arith.minsi %16, %j : i32
  %18 = arith.maxui %17, %j : i32
  %19 = arith.minui %18, %j : i32
  return %19 : i32
}

// CHECK-LABEL: func.func @index_ops(%arg0: index, %arg1: index) -> index
// CHECK-NEXT: %0 = arith.addi %arg0, %arg1 : index
// CHECK-NEXT: %1 = arith.muli %0, %arg1 : index
// CHECK-NEXT: %2 = arith.floordivsi %1, %arg1 : index
// CHECK-NEXT: %3 = arith.remui %2, %arg1 : index
// CHECK-NEXT: {{(func\.)?}}return %3 : index
func.func @index_ops(%i: index, %j: index) -> index {
  %0 = arith.addi %i, %j : index
  %1 = arith.muli %0, %j : index
  %2 = arith.floordivsi %1, %j : index
  %3 = arith.remui %2, %j : index
  return %3 : index
}

// CHECK-LABEL: func.func @shaped(%arg0: vector<4xf32>, %arg1: tensor<2x?xi64>, %arg2: vector<4xi1>) -> (vector<4xf32>, tensor<2x?xi64>, vector<4xi1>)
// CHECK-NEXT: %0 = arith.addf %arg0, %arg0 fastmath<fast> : vector<4xf32>
// CHECK-NEXT: %1 = arith.muli %arg1, %arg1 : tensor<2x?xi64>
// CHECK-NEXT: %2 = arith.cmpf ogt, %0, %arg0 : vector<4xf32>
// CHECK-NEXT: %3 = arith.select %arg2, %0, %arg0 : vector<4xi1>, vector<4xf32>
// CHECK-NEXT: %4 = arith.andi %2, %arg2 : vector<4xi1>
// CHECK-NEXT: {{(func\.)?}}return %3, %1, %4 : vector<4xf32>, tensor<2x?xi64>, vector<4xi1>
func.func @shaped(%v: vector<4xf32>, %t: tensor<2x?xi64>, %m: vector<4xi1>) -> (vector<4xf32>, tensor<2x?xi64>, vector<4xi1>) {
  %0 = arith.addf %v, %v fastmath<fast> : vector<4xf32>
  %1 = arith.muli %t, %t : tensor<2x?xi64>
  %2 = arith.cmpf ogt, %0, %v : vector<4xf32>
  %3 = arith.select %m, %0, %v : vector<4xi1>, vector<4xf32>
  %4 = arith.andi %2, %m : vector<4xi1>
  return %3, %1, %4 : vector<4xf32>, tensor<2x?xi64>, vector<4xi1>
}

// CHECK-LABEL: func.func @compare(%arg0: f64, %arg1: f64, %arg2: i16, %arg3: i16) -> (i1, i1, i1, i1)
// CHECK-NEXT: %0 = arith.cmpf false, %arg0, %arg1 : f64
// CHECK-NEXT: %1 = arith.cmpf oeq, %arg0, %arg1 : f64
// CHECK-NEXT: %2 = arith.cmpf ogt, %arg0, %arg1 : f64
// CHECK-NEXT: %3 = arith.cmpf oge, %arg0, %arg1 : f64
// CHECK-NEXT: %4 = arith.cmpf olt, %arg0, %arg1 fastmath<nnan> : f64
// CHECK-NEXT: %5 = arith.cmpf ole, %arg0, %arg1 : f64
// CHECK-NEXT: %6 = arith.cmpf one, %arg0, %arg1 : f64
// CHECK-NEXT: %7 = arith.cmpf ord, %arg0, %arg1 : f64
// CHECK-NEXT: %8 = arith.cmpf ueq, %arg0, %arg1 : f64
// CHECK-NEXT: %9 = arith.cmpf ugt, %arg0, %arg1 : f64
// CHECK-NEXT: %10 = arith.cmpf uge, %arg0, %arg1 : f64
// CHECK-NEXT: %11 = arith.cmpf ult, %arg0, %arg1 : f64
// CHECK-NEXT: %12 = arith.cmpf ule, %arg0, %arg1 : f64
// CHECK-NEXT: %13 = arith.cmpf une, %arg0, %arg1 : f64
// CHECK-NEXT: %14 = arith.cmpf uno, %arg0, %arg1 : f64
// CHECK-NEXT: %15 = arith.cmpf true, %arg0, %arg1 : f64
// CHECK-NEXT: %16 = arith.cmpi eq, %arg2, %arg3 : i16
// CHECK-NEXT: %17 = arith.cmpi ne, %arg2, %arg3 : i16
// CHECK-NEXT: %18 = arith.cmpi slt, %arg2, %arg3 : i16
// CHECK-NEXT: %19 = arith.cmpi sle, %arg2, %arg3 : i16
// CHECK-NEXT: %20 = arith.cmpi sgt, %arg2, %arg3 : i16
// CHECK-NEXT: %21 = arith.cmpi sge, %arg2, %arg3 : i16
// CHECK-NEXT: %22 = arith.cmpi ult, %arg2, %arg3 : i16
// CHECK-NEXT: %23 = arith.cmpi ule, %arg2, %arg3 : i16
// CHECK-NEXT: %24 = arith.cmpi ugt, %arg2, %arg3 : i16
// CHECK-NEXT: %25 = arith.cmpi uge, %arg2, %arg3 : i16
// CHECK-NEXT: %26 = arith.select %4, %17, %24 : i1
// CHECK-NEXT: {{(func\.)?}}return %0, %15, %26, %25 : i1, i1, i1, i1
func.func @compare(%a: f64, %b: f64, %i: i16, %j: i16) -> (i1, i1, i1, i1) {
  %0 = arith.cmpf false, %a, %b : f64
  %1 = arith.cmpf oeq, %a, %b : f64
  %2 = arith.cmpf ogt, %a, %b : f64
  %3 = arith.cmpf oge, %a, %b : f64
  %4 = arith.cmpf olt, %a, %b fastmath<nnan> : f64
  %5 = arith.cmpf ole, %a, %b : f64
  %6 = arith.cmpf one, %a, %b : f64
  %7 = arith.cmpf ord, %a, %b : f64
  %8 = arith.cmpf ueq, %a, %b : f64
  %9 = arith.cmpf ugt, %a, %b : f64
  %10 = arith.cmpf uge, %a, %b : f64
  %11 = arith.cmpf ult, %a, %b : f64
  %12 = arith.cmpf ule, %a, %b : f64
  %13 = arith.cmpf une, %a, %b : f64
  %14 = arith.cmpf uno, %a, %b : f64
  %15 = arith.cmpf true, %a, %b : f64
  %16 = arith.cmpi eq, %i, %j : i16
  %17 = arith.cmpi ne, %i, %j : i16
  %18 = arith.cmpi slt, %i, %j : i16
  %19 = arith.cmpi sle, %i, %j : i16
  %20 = arith.cmpi sgt, %i, %j : i16
  %21 = arith.cmpi sge, %i, %j : i16
  %22 = arith.cmpi ult, %i, %j : i16
  %23 = arith.cmpi ule, %i, %j : i16
  %24 = arith.cmpi ugt, %i, %j : i16
  %25 = arith.cmpi uge, %i, %j : i16
  %s = arith.select %4, %17, %24 : i1
  return %0, %15, %s, %25 : i1, i1, i1, i1
}

// CHECK-LABEL: func.func @casts(%arg0: f16, %arg1: f32, %arg2: f64, %arg3: bf16, %arg4: i8, %arg5: i32, %arg6: index) -> (f64, f32, i64, i16, i8, f32, f16, i32, i64, index, i32, f32, bf16)
// CHECK-NEXT: %0 = arith.extf %arg0 : f16 to f64
// CHECK-NEXT: %1 = arith.truncf %arg2 : f64 to f32
// CHECK-NEXT: %2 = arith.truncf %arg2 downward : f64 to f32
// CHECK-NEXT: %3 = arith.truncf %arg1 to_nearest_away fastmath<fast> : f32 to f16
// CHECK-NEXT: %4 = arith.extf %arg3 fastmath<nnan> : bf16 to f32
// CHECK-NEXT: %5 = arith.extsi %arg4 : i8 to i64
// CHECK-NEXT: %6 = arith.extui %arg4 : i8 to i16
// CHECK-NEXT: %7 = arith.trunci %arg5 : i32 to i8
// CHECK-NEXT: %8 = arith.sitofp %arg5 : i32 to f32
// CHECK-NEXT: %9 = arith.uitofp %arg4 : i8 to f16
// CHECK-NEXT: %10 = arith.fptosi %arg1 : f32 to i32
// CHECK-NEXT: %11 = arith.fptoui %arg2 : f64 to i64
// CHECK-NEXT: %12 = arith.index_cast %arg5 : i32 to index
// CHECK-NEXT: %13 = arith.index_castui %arg6 : index to i32
// CHECK-NEXT: %14 = arith.bitcast %arg5 : i32 to f32
// CHECK-NEXT: %15 = arith.bitcast %arg0 : f16 to bf16
// CHECK-NEXT: %16 = arith.truncf %arg2 toward_zero : f64 to f32
// CHECK-NEXT: %17 = arith.truncf %arg2 upward : f64 to f32
// CHECK-NEXT: %18 = arith.truncf %arg2 to_nearest_even : f64 to f32
// CHECK-NEXT: {{(func\.)?}}return %0, %2, %5, %6, %7, %8, %3, %10, %11, %12, %13, %14, %15 : f64, f32, i64, i16, i8, f32, f16, i32, i64, index, i32, f32, bf16
func.func @casts(%h: f16, %f: f32, %d: f64, %b: bf16, %i: i8, %w: i32, %x: index) -> (f64, f32, i64, i16, i8, f32, f16, i32, i64, index, i32, f32, bf16) {
  %0 = arith.extf %h : f16 to f64
  %1 = arith.truncf %d : f64 to f32
  %2 = arith.truncf %d downward : f64 to f32
  %3 = arith.truncf %f to_nearest_away fastmath<fast> : f32 to f16
  %4 = arith.extf %b fastmath<nnan> : bf16 to f32
  %5 = arith.extsi %i : i8 to i64
  %6 = arith.extui %i : i8 to i16
  %7 = arith.trunci %w : i32 to i8
  %8 = arith.sitofp %w : i32 to f32
  %9 = arith.uitofp %i : i8 to f16
  %10 = arith.fptosi %f : f32 to i32
  %11 = arith.fptoui %d : f64 to i64
  %12 = arith.index_cast %w : i32 to index
  %13 = arith.index_castui %x : index to i32
  %14 = arith.bitcast %w : i32 to f32
  %15 = arith.bitcast %h : f16 to bf16
  %16 = arith.truncf %d toward_zero : f64 to f32
  %17 = arith.truncf %d upward : f64 to f32
  %18 = arith.truncf %d to_nearest_even : f64 to f32
  return %0, %2, %5, %6, %7, %8, %3, %10, %11, %12, %13, %14, %15 : f64, f32, i64, i16, i8, f32, f16, i32, i64, index, i32, f32, bf16
}

// CHECK-LABEL: func.func @shaped_casts(%arg0: vector<2x3xi32>, %arg1: tensor<?xf32>) -> (vector<2x3xf64>, tensor<?xi8>, vector<2x3xindex>)
// CHECK-NEXT: %0 = arith.sitofp %arg0 : vector<2x3xi32> to vector<2x3xf64>
// CHECK-NEXT: %1 = arith.fptosi %arg1 : tensor<?xf32> to tensor<?xi8>
// CHECK-NEXT: %2 = arith.index_cast %arg0 : vector<2x3xi32> to vector<2x3xindex>
// CHECK-NEXT: {{(func\.)?}}return %0, %1, %2 : vector<2x3xf64>, tensor<?xi8>, vector<2x3xindex>
func.func @shaped_casts(%v: vector<2x3xi32>, %t: tensor<?xf32>) -> (vector<2x3xf64>, tensor<?xi8>, vector<2x3xindex>) {
  %0 = arith.sitofp %v : vector<2x3xi32> to vector<2x3xf64>
  %1 = arith.fptosi %t : tensor<?xf32> to tensor<?xi8>
  %2 = arith.index_cast %v : vector<2x3xi32> to vector<2x3xindex>
  return %0, %1, %2 : vector<2x3xf64>, tensor<?xi8>, vector<2x3xindex>
}

// CHECK-LABEL: func.func @constants() -> (f32, index, i1, vector<3xindex>, tensor<2x2xf16>, vector<2xi1>, bf16)
// CHECK-NEXT: %{{.*}} = arith.constant -1.250000e+00 : f32
// CHECK-NEXT: %{{.*}} = arith.constant 7 : index
// CHECK-NEXT: %{{.*}} = arith.constant false
// CHECK-NEXT: %{{.*}} = arith.constant dense<[1, -2, 3]> : vector<3xindex>
// CHECK-NEXT: %{{.*}} = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf16>
// CHECK-NEXT: %{{.*}} = arith.constant dense<[true, false]> : vector<2xi1>
// CHECK-NEXT: %{{.*}} = arith.constant 1.500000e+00 : bf16
// CHECK-NEXT: {{(func\.)?}}return {{.*}} : f32, index, i1, vector<3xindex>, tensor<2x2xf16>, vector<2xi1>, bf16
func.func @constants() -> (f32, index, i1, vector<3xindex>, tensor<2x2xf16>, vector<2xi1>, bf16) {
  %0 = arith.constant -1.250000e+00 : f32
  %1 = arith.constant 7 : index
  %2 = arith.constant false
  %3 = arith.constant dense<[1, -2, 3]> : vector<3xindex>
  %4 = arith.constant dense<[[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf16>
  %5 = arith.constant dense<[true, false]> : vector<2xi1>
  %6 = arith.constant 1.500000e+00 : bf16
  return %0, %1, %2, %3, %4, %5, %6 : f32, index, i1, vector<3xindex>, tensor<2x2xf16>, vector<2xi1>, bf16
}

// CHECK-LABEL: func.func @flag_spellings(%arg0: f32, %arg1: i32) -> (f32, i32, i1)
// CHECK-NEXT: %0 = arith.addf %arg0, %arg0 fastmath<nnan,ninf> : f32
// CHECK-NEXT: %1 = arith.mulf %0, %arg0 : f32
// CHECK-NEXT: %2 = arith.addi %arg1, %arg1 overflow<nsw, nuw> : i32
// CHECK-NEXT: %3 = arith.shli %2, %arg1 : i32
// CHECK-NEXT: %4 = arith.cmpf ord, %1, %arg0 : f32
// CHECK-NEXT: %5 = arith.negf %1 fastmath<fast> : f32
// CHECK-NEXT: {{(func\.)?}}return %5, %3, %4 : f32, i32, i1
func.func @flag_spellings(%a: f32, %i: i32) -> (f32, i32, i1) {
  %0 = arith.addf %a, %a fastmath<ninf, nnan> : f32
  %1 = arith.mulf %0, %a fastmath<none> : f32
  %2 = arith.addi %i, %i overflow<nuw, nsw> : i32
  %3 = arith.shli %2, %i overflow<none> : i32
  %4 = arith.cmpf ord, %1, %a fastmath<none> : f32
  %5 = arith.negf %1 fastmath<reassoc,nnan,ninf,nsz,arcp,contract,afn> : f32
  return %5, %3, %4 : f32, i32, i1
}
