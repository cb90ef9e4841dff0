// convert-graph-to-affine on the element-wise ops: one affine.for nest
// over the result per op; operands load at broadcast subscripts (a
// stretched dimension reads index 0); the scalar op is in the element
// type; an operand that dies at an element-wise op of its own type is
// overwritten in place. mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null

// Every float unary op, chained: after the first, each runs in place in
// the one temporary; the last writes the out-param.
// CHECK-LABEL: func.func @unary_chain(
// CHECK-SAME: %[[X:[^:]*]]: memref<4xf32>, %[[OUT:[^:]*]]: memref<4xf32>) {
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[SQRT2:.*]] = arith.constant 1.4142135e+00 : f32
// CHECK: %[[T:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[R:.*]] = arith.negf %[[V]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[T]][%[[I]]] : memref<4xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[T]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[R:.*]] = math.absf %[[V]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[T]][%[[I]]] : memref<4xf32>
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.log1p
// CHECK: math.expm1
// CHECK: math.sqrt
// CHECK: math.rsqrt
// reciprocal:
// CHECK: arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: math.tanh
// sigmoid = 1 / (1 + exp(-x)):
// CHECK: %[[V:.*]] = affine.load %[[T]]
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[V]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %{{.*}} = arith.divf %[[ONE]], %[[D]] : f32
// relu keeps NaN (ugt is true for NaN):
// CHECK: %[[V:.*]] = affine.load %[[T]]
// CHECK-NEXT: %[[C:.*]] = arith.cmpf ugt, %[[V]], %[[ZERO]] : f32
// CHECK-NEXT: %{{.*}} = arith.select %[[C]], %[[V]], %[[ZERO]] : f32
// gelu, exact: 0.5 * x * (1 + erf(x / sqrt 2)):
// CHECK: %[[V:.*]] = affine.load %[[T]]
// CHECK-NEXT: %[[S:.*]] = arith.divf %[[V]], %[[SQRT2]] : f32
// CHECK-NEXT: %[[E:.*]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[H:.*]] = arith.mulf %[[HALF]], %[[V]] : f32
// CHECK-NEXT: %{{.*}} = arith.mulf %[[H]], %[[P]] : f32
// CHECK: math.erf
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: %[[V:.*]] = affine.load %[[T]][%[[I:.*]]] : memref<4xf32>
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[V]], %[[V]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[OUT]][%[[I]]] : memref<4xf32>
// CHECK: memref.dealloc %[[T]] : memref<4xf32>
// CHECK-NEXT: func.return
func.func @unary_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.abs %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.exp %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = graph.log %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = graph.log1p %3 : (tensor<4xf32>) -> tensor<4xf32>
  %5 = graph.expm1 %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = graph.sqrt %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = graph.rsqrt %6 : (tensor<4xf32>) -> tensor<4xf32>
  %8 = graph.reciprocal %7 : (tensor<4xf32>) -> tensor<4xf32>
  %9 = graph.tanh %8 : (tensor<4xf32>) -> tensor<4xf32>
  %10 = graph.sigmoid %9 : (tensor<4xf32>) -> tensor<4xf32>
  %11 = graph.relu %10 : (tensor<4xf32>) -> tensor<4xf32>
  %12 = graph.gelu %11 : (tensor<4xf32>) -> tensor<4xf32>
  %13 = graph.erf %12 : (tensor<4xf32>) -> tensor<4xf32>
  %14 = graph.sin %13 : (tensor<4xf32>) -> tensor<4xf32>
  %15 = graph.cos %14 : (tensor<4xf32>) -> tensor<4xf32>
  %16 = graph.floor %15 : (tensor<4xf32>) -> tensor<4xf32>
  %17 = graph.ceil %16 : (tensor<4xf32>) -> tensor<4xf32>
  %18 = graph.square %17 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %18 : tensor<4xf32>
}

// Integer unary ops wrap: neg is 0 - x, abs is max(x, 0 - x), relu max(x, 0).
// CHECK-LABEL: func.func @unary_int(
// CHECK-SAME: %[[X:[^:]*]]: memref<3xi32>, %[[NEG:[^:]*]]: memref<3xi32>, %[[ABS:[^:]*]]: memref<3xi32>, %[[RELU:[^:]*]]: memref<3xi32>, %[[SQ:[^:]*]]: memref<3xi32>) {
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: %[[V:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[R:.*]] = arith.subi %[[Z]], %[[V]] : i32
// CHECK-NEXT: affine.store %[[R]], %[[NEG]]
// CHECK: %[[V:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[N:.*]] = arith.subi %[[Z]], %[[V]] : i32
// CHECK-NEXT: %[[R:.*]] = arith.maxsi %[[V]], %[[N]] : i32
// CHECK-NEXT: affine.store %[[R]], %[[ABS]]
// CHECK: %[[V:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[R:.*]] = arith.maxsi %[[V]], %[[Z]] : i32
// CHECK-NEXT: affine.store %[[R]], %[[RELU]]
// CHECK: %[[V:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[R:.*]] = arith.muli %[[V]], %[[V]] : i32
// CHECK-NEXT: affine.store %[[R]], %[[SQ]]
func.func @unary_int(%x: tensor<3xi32>) -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) {
  %0 = graph.neg %x : (tensor<3xi32>) -> tensor<3xi32>
  %1 = graph.abs %x : (tensor<3xi32>) -> tensor<3xi32>
  %2 = graph.relu %x : (tensor<3xi32>) -> tensor<3xi32>
  %3 = graph.square %x : (tensor<3xi32>) -> tensor<3xi32>
  func.return %0, %1, %2, %3 : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>, tensor<3xi32>
}

// Broadcasting [2,1,3] with [4,1] to [2,4,3]: stretched dims read index 0.
// max and min propagate NaN.
// CHECK-LABEL: func.func @binary_broadcast(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x1x3xf32>, %[[B:[^:]*]]: memref<4x1xf32>, %[[OUT:[^:]*]]: memref<2x4x3xf32>) {
// CHECK: %[[T:.*]] = memref.alloc() : memref<2x4x3xf32>
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 3 {
// CHECK-NEXT: %[[X:.*]] = affine.load %[[A]][%[[I]], 0, %[[K]]] : memref<2x1x3xf32>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[B]][%[[J]], 0] : memref<4x1xf32>
// CHECK-NEXT: %[[R:.*]] = arith.subf %[[X]], %[[Y]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[T]][%[[I]], %[[J]], %[[K]]] : memref<2x4x3xf32>
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.powf
// CHECK: %[[X:.*]] = affine.load %[[T]][%[[I:.*]], %[[J:.*]], %[[K:.*]]] : memref<2x4x3xf32>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[T]][%[[I]], %[[J]], %[[K]]] : memref<2x4x3xf32>
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[OUT]][%[[I]], %[[J]], %[[K]]] : memref<2x4x3xf32>
func.func @binary_broadcast(%a: tensor<2x1x3xf32>, %b: tensor<4x1xf32>) -> tensor<2x4x3xf32> {
  %0 = graph.sub %a, %b : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  %1 = graph.div %0, %b : (tensor<2x4x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  %2 = graph.max %1, %a : (tensor<2x4x3xf32>, tensor<2x1x3xf32>) -> tensor<2x4x3xf32>
  %3 = graph.min %2, %b : (tensor<2x4x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  %4 = graph.pow %3, %a : (tensor<2x4x3xf32>, tensor<2x1x3xf32>) -> tensor<2x4x3xf32>
  %5 = graph.mul %4, %4 : (tensor<2x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  func.return %5 : tensor<2x4x3xf32>
}

// Integer division truncates (divsi); integer pow squares and multiplies
// over the 64 bits of the exponent, in iter_args.
// CHECK-LABEL: func.func @binary_int(
// CHECK-SAME: %[[A:[^:]*]]: memref<3xi64>, %[[B:[^:]*]]: memref<i64>, %[[DIV:[^:]*]]: memref<3xi64>, %[[POW:[^:]*]]: memref<3xi64>) {
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[X:.*]] = affine.load %[[A]][%{{.*}}] : memref<3xi64>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[B]][] : memref<i64>
// CHECK-NEXT: %[[R:.*]] = arith.divsi %[[X]], %[[Y]] : i64
// CHECK: %[[X:.*]] = affine.load %[[A]][%[[I:.*]]] : memref<3xi64>
// CHECK-NEXT: %[[Y:.*]] = affine.load %[[B]][] : memref<i64>
// CHECK-NEXT: %[[P:.*]]:3 = affine.for %{{.*}} = 0 to 64 iter_args(%[[ACC:.*]] = %[[ONE]], %[[BASE:.*]] = %[[X]], %[[EXP:.*]] = %[[Y]]) -> (i64, i64, i64) {
// CHECK-NEXT: %[[BIT:.*]] = arith.andi %[[EXP]], %[[ONE]] : i64
// CHECK-NEXT: %[[ODD:.*]] = arith.cmpi ne, %[[BIT]], %[[ZERO]] : i64
// CHECK-NEXT: %[[M:.*]] = arith.muli %[[ACC]], %[[BASE]] : i64
// CHECK-NEXT: %[[ACC2:.*]] = arith.select %[[ODD]], %[[M]], %[[ACC]] : i64
// CHECK-NEXT: %[[SQ:.*]] = arith.muli %[[BASE]], %[[BASE]] : i64
// CHECK-NEXT: %[[SH:.*]] = arith.shrui %[[EXP]], %[[ONE]] : i64
// CHECK-NEXT: affine.yield %[[ACC2]], %[[SQ]], %[[SH]] : i64, i64, i64
// CHECK-NEXT: }
// CHECK-NEXT: affine.store %[[P]]#0, %[[POW]][%[[I]]] : memref<3xi64>
func.func @binary_int(%a: tensor<3xi64>, %b: tensor<i64>) -> (tensor<3xi64>, tensor<3xi64>) {
  %0 = graph.div %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %1 = graph.pow %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  func.return %0, %1 : tensor<3xi64>, tensor<3xi64>
}

// On i1, max is or and min is and.
// CHECK-LABEL: func.func @binary_bool(
// CHECK: arith.ori %{{.*}}, %{{.*}} : i1
// CHECK: arith.andi %{{.*}}, %{{.*}} : i1
func.func @binary_bool(%a: tensor<2xi1>, %b: tensor<2xi1>) -> (tensor<2xi1>, tensor<2xi1>) {
  %0 = graph.max %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %1 = graph.min %a, %b : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  func.return %0, %1 : tensor<2xi1>, tensor<2xi1>
}

// Float comparisons are ordered except ne (une: true with a NaN);
// integers compare signed; i1 buffers hold the conditions.
// CHECK-LABEL: func.func @cmp_select(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x3xf32>, %[[B:[^:]*]]: memref<3xf32>, %[[I:[^:]*]]: memref<3xi32>, %[[C:[^:]*]]: memref<2x1xi1>, %[[OUT:[^:]*]]: memref<2x3xf32>, %[[NE:[^:]*]]: memref<3xi1>, %[[GE:[^:]*]]: memref<3xi1>) {
// CHECK: %[[LT:.*]] = memref.alloc() : memref<2x3xi1>
// CHECK: arith.cmpf olt, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpf une, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpi sge, %{{.*}}, %{{.*}} : i32
// CHECK: %[[S:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK: %[[K:.*]] = affine.load %[[LT]][%[[X:.*]], %[[Y:.*]]] : memref<2x3xi1>
// CHECK-NEXT: %[[P:.*]] = affine.load %[[A]][%[[X]], %[[Y]]] : memref<2x3xf32>
// CHECK-NEXT: %[[Q:.*]] = affine.load %[[B]][%[[Y]]] : memref<3xf32>
// CHECK-NEXT: %[[R:.*]] = arith.select %[[K]], %[[P]], %[[Q]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[S]][%[[X]], %[[Y]]] : memref<2x3xf32>
// CHECK: memref.dealloc %[[LT]] : memref<2x3xi1>
// CHECK: %[[K:.*]] = affine.load %[[C]][%[[X:.*]], 0] : memref<2x1xi1>
// CHECK: arith.select %[[K]]
// CHECK: memref.dealloc %[[S]] : memref<2x3xf32>
func.func @cmp_select(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<3xi32>, %c: tensor<2x1xi1>) -> (tensor<2x3xf32>, tensor<3xi1>, tensor<3xi1>) {
  %lt = graph.cmp %a, %b {predicate = "lt"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %ne = graph.cmp %b, %b {predicate = "ne"} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %ge = graph.cmp %i, %i {predicate = "ge"} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  %s = graph.select %lt, %a, %b : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %t = graph.select %c, %s, %b : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %t, %ne, %ge : tensor<2x3xf32>, tensor<3xi1>, tensor<3xi1>
}

// Casts: float to integer saturates at the integer range (whose bounds
// +-2^31 are exact in f32) and gives 0 for NaN; to i1 is x != 0 (NaN is
// true); i1 to a number is 0 or 1; integers narrow by truncation.
// CHECK-LABEL: func.func @casts(
// CHECK-DAG: %[[LO:.*]] = arith.constant -2.1474836e+09 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 2.1474836e+09 : f32
// CHECK-DAG: %[[FZ:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK-DAG: %[[MAX:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG: %[[IZ:.*]] = arith.constant 0 : i64
// CHECK: %[[V:.*]] = affine.load %{{.*}} : memref<2xf32>
// CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpf oge, %[[V]], %[[HI]] : f32
// CHECK-NEXT: %[[BELOW:.*]] = arith.cmpf olt, %[[V]], %[[LO]] : f32
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[V]], %[[LO]] : f32
// CHECK-NEXT: %[[LT:.*]] = arith.cmpf olt, %[[V]], %[[HI]] : f32
// CHECK-NEXT: %[[IN:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK-NEXT: %[[SAFE:.*]] = arith.select %[[IN]], %[[V]], %[[FZ]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.fptosi %[[SAFE]] : f32 to i32
// CHECK-NEXT: %[[R1:.*]] = arith.select %[[BELOW]], %[[MIN]], %[[T]] : i32
// CHECK-NEXT: %{{.*}} = arith.select %[[ABOVE]], %[[MAX]], %[[R1]] : i32
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.cmpf une, %{{.*}}, %[[FZ]] : f32
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.trunci %{{.*}} : i64 to i32
// CHECK: arith.cmpi ne, %{{.*}}, %[[IZ]] : i64
func.func @casts(%f: tensor<2xf32>, %i: tensor<2xi64>, %b: tensor<2xi1>) -> (tensor<2xi32>, tensor<2xf64>, tensor<2xi1>, tensor<2xf32>, tensor<2xi32>, tensor<2xi1>) {
  %0 = graph.cast %f : (tensor<2xf32>) -> tensor<2xi32>
  %1 = graph.cast %f : (tensor<2xf32>) -> tensor<2xf64>
  %2 = graph.cast %f : (tensor<2xf32>) -> tensor<2xi1>
  %3 = graph.cast %b : (tensor<2xi1>) -> tensor<2xf32>
  %4 = graph.cast %i : (tensor<2xi64>) -> tensor<2xi32>
  %5 = graph.cast %i : (tensor<2xi64>) -> tensor<2xi1>
  func.return %0, %1, %2, %3, %4, %5 : tensor<2xi32>, tensor<2xf64>, tensor<2xi1>, tensor<2xf32>, tensor<2xi32>, tensor<2xi1>
}
