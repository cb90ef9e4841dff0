// Every vector op in its custom form: it parses, verifies, prints back as
// mlir-opt-19 prints it, and survives a round trip through the generic form.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @memory(%arg0: memref<16x16xf32>, %arg1: index, %arg2: vector<8xi1>, %arg3: vector<8xf32>) {
// CHECK-NEXT: %0 = vector.load %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %1 = vector.load %arg0[%arg1, %arg1] {nontemporal = true} : memref<16x16xf32>, vector<2x8xf32>
// CHECK-NEXT: vector.store %0, %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: vector.store %1, %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<2x8xf32>
// CHECK-NEXT: %2 = vector.maskedload %arg0[%arg1, %arg1], %arg2, %arg3 : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK-NEXT: vector.maskedstore %arg0[%arg1, %arg1], %arg2, %2 : memref<16x16xf32>, vector<8xi1>, vector<8xf32>
// CHECK-NEXT: func.return
// GENERIC: "vector.load"(%arg0, %arg1, %arg1) : (memref<16x16xf32>, index, index) -> vector<8xf32>
// GENERIC: "vector.store"(%0, %arg0, %arg1, %arg1) : (vector<8xf32>, memref<16x16xf32>, index, index) -> ()
// GENERIC: "vector.maskedload"(%arg0, %arg1, %arg1, %arg2, %arg3) : (memref<16x16xf32>, index, index, vector<8xi1>, vector<8xf32>) -> vector<8xf32>
func.func @memory(%m: memref<16x16xf32>, %i: index, %mask: vector<8xi1>, %pass: vector<8xf32>) {
  %0 = vector.load %m[%i, %i] : memref<16x16xf32>, vector<8xf32>
  %1 = vector.load %m[%i, %i] {nontemporal = true} : memref<16x16xf32>, vector<2x8xf32>
  vector.store %0, %m[%i, %i] : memref<16x16xf32>, vector<8xf32>
  vector.store %1, %m[%i, %i] : memref<16x16xf32>, vector<2x8xf32>
  %2 = vector.maskedload %m[%i, %i], %mask, %pass : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  vector.maskedstore %m[%i, %i], %mask, %2 : memref<16x16xf32>, vector<8xi1>, vector<8xf32>
  return
}

// CHECK-LABEL: func.func @shapes(%arg0: f32, %arg1: vector<8xf32>, %arg2: vector<1x8xf32>, %arg3: vector<4x8xf32>) {
// CHECK-NEXT: %0 = vector.broadcast %arg0 : f32 to vector<8xf32>
// CHECK-NEXT: %1 = vector.broadcast %arg1 : vector<8xf32> to vector<4x8xf32>
// CHECK-NEXT: %2 = vector.broadcast %arg2 : vector<1x8xf32> to vector<2x4x8xf32>
// CHECK-NEXT: %3 = vector.broadcast %arg0 : f32 to vector<f32>
// CHECK-NEXT: %4 = vector.splat %arg0 : vector<4x8xf32>
// CHECK-NEXT: %5 = vector.fma %arg1, %arg1, %0 : vector<8xf32>
// CHECK-NEXT: %6 = vector.fma %arg3, %4, %1 : vector<4x8xf32>
// CHECK-NEXT: %7 = vector.shape_cast %arg3 : vector<4x8xf32> to vector<32xf32>
// CHECK-NEXT: %8 = vector.shape_cast %7 : vector<32xf32> to vector<2x2x8xf32>
// CHECK-NEXT: %9 = vector.shape_cast %3 : vector<f32> to vector<1x1xf32>
// CHECK-NEXT: %10 = vector.transpose %arg3, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
// GENERIC: "vector.broadcast"(%arg0) : (f32) -> vector<8xf32>
// GENERIC: "vector.splat"(%arg0) : (f32) -> vector<4x8xf32>
// GENERIC: "vector.fma"(%arg1, %arg1, %0) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// GENERIC: "vector.shape_cast"(%arg3) : (vector<4x8xf32>) -> vector<32xf32>
// GENERIC: "vector.transpose"(%arg3) {permutation = array<i64: 1, 0>} : (vector<4x8xf32>) -> vector<8x4xf32>
func.func @shapes(%s: f32, %v: vector<8xf32>, %u: vector<1x8xf32>, %w: vector<4x8xf32>) {
  %0 = vector.broadcast %s : f32 to vector<8xf32>
  %1 = vector.broadcast %v : vector<8xf32> to vector<4x8xf32>
  %2 = vector.broadcast %u : vector<1x8xf32> to vector<2x4x8xf32>
  %3 = vector.broadcast %s : f32 to vector<f32>
  %4 = vector.splat %s : vector<4x8xf32>
  %5 = vector.fma %v, %v, %0 : vector<8xf32>
  %6 = vector.fma %w, %4, %1 : vector<4x8xf32>
  %7 = vector.shape_cast %w : vector<4x8xf32> to vector<32xf32>
  %8 = vector.shape_cast %7 : vector<32xf32> to vector<2x2x8xf32>
  %9 = vector.shape_cast %3 : vector<f32> to vector<1x1xf32>
  %10 = vector.transpose %w, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
  return
}

// CHECK-LABEL: func.func @reductions(%arg0: vector<8xf32>, %arg1: f32, %arg2: vector<8xi32>, %arg3: vector<4xindex>, %arg4: vector<f32>) {
// CHECK-NEXT: %0 = vector.reduction <add>, %arg0 : vector<8xf32> into f32
// CHECK-NEXT: %1 = vector.reduction <mul>, %arg0, %arg1 : vector<8xf32> into f32
// CHECK-NEXT: %2 = vector.reduction <maxnumf>, %arg0, %arg1 fastmath<fast> : vector<8xf32> into f32
// CHECK-NEXT: %3 = vector.reduction <minimumf>, %arg0 fastmath<nnan,ninf> : vector<8xf32> into f32
// CHECK-NEXT: %4 = vector.reduction <minnumf>, %arg0 : vector<8xf32> into f32
// CHECK-NEXT: %5 = vector.reduction <maximumf>, %arg0 : vector<8xf32> into f32
// CHECK-NEXT: %6 = vector.reduction <xor>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %7 = vector.reduction <and>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %8 = vector.reduction <or>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %9 = vector.reduction <minui>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %10 = vector.reduction <minsi>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %11 = vector.reduction <maxui>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %12 = vector.reduction <maxsi>, %arg2 : vector<8xi32> into i32
// CHECK-NEXT: %13 = vector.reduction <add>, %arg3 : vector<4xindex> into index
// CHECK-NEXT: %14 = vector.reduction <add>, %arg4 : vector<f32> into f32
// GENERIC: "vector.reduction"(%arg0) {kind = #vector.kind<add>} : (vector<8xf32>) -> f32
// GENERIC: "vector.reduction"(%arg0, %arg1) {fastmath = #arith.fastmath<fast>, kind = #vector.kind<maxnumf>} : (vector<8xf32>, f32) -> f32
func.func @reductions(%v: vector<8xf32>, %acc: f32, %i: vector<8xi32>, %x: vector<4xindex>, %z: vector<f32>) {
  %0 = vector.reduction <add>, %v : vector<8xf32> into f32
  %1 = vector.reduction <mul>, %v, %acc : vector<8xf32> into f32
  %2 = vector.reduction <maxnumf>, %v, %acc fastmath<fast> : vector<8xf32> into f32
  %3 = vector.reduction <minimumf>, %v fastmath<nnan,ninf> : vector<8xf32> into f32
  %4 = vector.reduction <minnumf>, %v fastmath<none> : vector<8xf32> into f32
  %5 = "vector.reduction"(%v) {kind = #vector.kind<maximumf>, fastmath = #arith.fastmath<none>} : (vector<8xf32>) -> f32
  %6 = vector.reduction <xor>, %i : vector<8xi32> into i32
  %7 = vector.reduction <and>, %i : vector<8xi32> into i32
  %8 = vector.reduction <or>, %i : vector<8xi32> into i32
  %9 = vector.reduction <minui>, %i : vector<8xi32> into i32
  %10 = vector.reduction <minsi>, %i : vector<8xi32> into i32
  %11 = vector.reduction <maxui>, %i : vector<8xi32> into i32
  %12 = vector.reduction <maxsi>, %i : vector<8xi32> into i32
  %13 = vector.reduction <add>, %x : vector<4xindex> into index
  %14 = vector.reduction <add>, %z : vector<f32> into f32
  return
}

// CHECK-LABEL: func.func @positions(%arg0: vector<4x8xf32>, %arg1: f32, %arg2: vector<8xf32>, %arg3: index, %arg4: i32, %arg5: vector<f32>) {
// CHECK-NEXT: %0 = vector.extract %arg0[0, 1] : f32 from vector<4x8xf32>
// CHECK-NEXT: %1 = vector.extract %arg0[2] : vector<8xf32> from vector<4x8xf32>
// CHECK-NEXT: %2 = vector.extract %arg0[%arg3, 7] : f32 from vector<4x8xf32>
// CHECK-NEXT: %3 = vector.extract %arg0[] : vector<4x8xf32> from vector<4x8xf32>
// CHECK-NEXT: %4 = vector.extract %arg5[] : f32 from vector<f32>
// CHECK-NEXT: %5 = vector.insert %arg1, %arg0 [3, 7] : f32 into vector<4x8xf32>
// CHECK-NEXT: %6 = vector.insert %arg2, %arg0 [%arg3] : vector<8xf32> into vector<4x8xf32>
// CHECK-NEXT: %7 = vector.insert %arg1, %arg5 [] : f32 into vector<f32>
// CHECK-NEXT: %8 = vector.extractelement %arg2[%arg3 : index] : vector<8xf32>
// CHECK-NEXT: %9 = vector.extractelement %arg2[%arg4 : i32] : vector<8xf32>
// CHECK-NEXT: %10 = vector.extractelement %arg5[] : vector<f32>
// CHECK-NEXT: %11 = vector.insertelement %arg1, %arg2[%arg4 : i32] : vector<8xf32>
// CHECK-NEXT: %12 = vector.insertelement %arg1, %arg5[] : vector<f32>
// GENERIC: "vector.extract"(%arg0) {static_position = array<i64: 0, 1>} : (vector<4x8xf32>) -> f32
// GENERIC: "vector.extract"(%arg0, %arg3) {static_position = array<i64: -9223372036854775808, 7>} : (vector<4x8xf32>, index) -> f32
// GENERIC: "vector.insert"(%arg1, %arg0) {static_position = array<i64: 3, 7>} : (f32, vector<4x8xf32>) -> vector<4x8xf32>
// GENERIC: "vector.extractelement"(%arg2, %arg3) : (vector<8xf32>, index) -> f32
// GENERIC: "vector.insertelement"(%arg1, %arg5) : (f32, vector<f32>) -> vector<f32>
func.func @positions(%w: vector<4x8xf32>, %s: f32, %v: vector<8xf32>, %i: index, %c: i32, %z: vector<f32>) {
  %0 = vector.extract %w[0, 1] : f32 from vector<4x8xf32>
  %1 = vector.extract %w[2] : vector<8xf32> from vector<4x8xf32>
  %2 = vector.extract %w[%i, 7] : f32 from vector<4x8xf32>
  %3 = vector.extract %w[] : vector<4x8xf32> from vector<4x8xf32>
  %4 = vector.extract %z[] : f32 from vector<f32>
  %5 = vector.insert %s, %w[3, 7] : f32 into vector<4x8xf32>
  %6 = vector.insert %v, %w [%i] : vector<8xf32> into vector<4x8xf32>
  %7 = vector.insert %s, %z[] : f32 into vector<f32>
  %8 = vector.extractelement %v[%i : index] : vector<8xf32>
  %9 = vector.extractelement %v[%c : i32] : vector<8xf32>
  %10 = vector.extractelement %z[] : vector<f32>
  %11 = vector.insertelement %s, %v[%c : i32] : vector<8xf32>
  %12 = vector.insertelement %s, %z[] : vector<f32>
  return
}

// CHECK-LABEL: func.func @transfers(%arg0: memref<16x16xf32>, %arg1: index, %arg2: f32, %arg3: vector<8xi1>, %arg4: tensor<16x16xf32>, %arg5: vector<4x8xi1>) -> tensor<16x16xf32> {
// CHECK-NEXT: %0 = vector.transfer_read %arg0[%arg1, %arg1], %arg2 : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %1 = vector.transfer_read %arg0[%arg1, %arg1], %arg2 {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %2 = vector.transfer_read %arg0[%arg1, %arg1], %arg2, %arg3 : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %3 = vector.transfer_read %arg0[%arg1, %arg1], %arg2 {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %4 = vector.transfer_read %arg0[%arg1, %arg1], %arg2 {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d1)>} : memref<16x16xf32>, vector<4x8xf32>
// CHECK-NEXT: %5 = vector.transfer_read %arg0[%arg1, %arg1], %arg2, %arg5 : memref<16x16xf32>, vector<4x8xf32>
// CHECK-NEXT: %6 = vector.transfer_read %arg4[%arg1, %arg1], %arg2 : tensor<16x16xf32>, vector<8xf32>
// CHECK-NEXT: vector.transfer_write %0, %arg0[%arg1, %arg1] : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT: vector.transfer_write %1, %arg0[%arg1, %arg1], %arg3 {in_bounds = [true]} : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT: vector.transfer_write %5, %arg0[%arg1, %arg1] {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : vector<4x8xf32>, memref<16x16xf32>
// CHECK-NEXT: %7 = vector.transfer_write %6, %arg4[%arg1, %arg1] : vector<8xf32>, tensor<16x16xf32>
// CHECK-NEXT: func.return %7 : tensor<16x16xf32>
// GENERIC: "vector.transfer_read"(%arg0, %arg1, %arg1, %arg2) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32) -> vector<8xf32>
// GENERIC: "vector.transfer_read"(%arg0, %arg1, %arg1, %arg2, %arg3) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 2, 1, 1>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (memref<16x16xf32>, index, index, f32, vector<8xi1>) -> vector<8xf32>
// GENERIC: "vector.transfer_write"(%0, %arg0, %arg1, %arg1) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 1, 2, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (vector<8xf32>, memref<16x16xf32>, index, index) -> ()
// GENERIC: "vector.transfer_write"(%6, %arg4, %arg1, %arg1) {in_bounds = [false], operandSegmentSizes = array<i32: 1, 1, 2, 0>, permutation_map = affine_map<(d0, d1) -> (d1)>} : (vector<8xf32>, tensor<16x16xf32>, index, index) -> tensor<16x16xf32>
func.func @transfers(%m: memref<16x16xf32>, %i: index, %pad: f32, %mask: vector<8xi1>, %t: tensor<16x16xf32>, %mask2: vector<4x8xi1>) -> tensor<16x16xf32> {
  %0 = vector.transfer_read %m[%i, %i], %pad : memref<16x16xf32>, vector<8xf32>
  %1 = vector.transfer_read %m[%i, %i], %pad {in_bounds = [true], permutation_map = affine_map<(d0, d1) -> (d1)>} : memref<16x16xf32>, vector<8xf32>
  %2 = vector.transfer_read %m[%i, %i], %pad, %mask : memref<16x16xf32>, vector<8xf32>
  %3 = vector.transfer_read %m[%i, %i], %pad {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
  %4 = vector.transfer_read %m[%i, %i], %pad {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d1)>} : memref<16x16xf32>, vector<4x8xf32>
  %5 = vector.transfer_read %m[%i, %i], %pad, %mask2 : memref<16x16xf32>, vector<4x8xf32>
  %6 = vector.transfer_read %t[%i, %i], %pad : tensor<16x16xf32>, vector<8xf32>
  vector.transfer_write %0, %m[%i, %i] {in_bounds = [false]} : vector<8xf32>, memref<16x16xf32>
  vector.transfer_write %1, %m[%i, %i], %mask {in_bounds = [true]} : vector<8xf32>, memref<16x16xf32>
  vector.transfer_write %5, %m[%i, %i] {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : vector<4x8xf32>, memref<16x16xf32>
  %7 = vector.transfer_write %6, %t[%i, %i] : vector<8xf32>, tensor<16x16xf32>
  return %7 : tensor<16x16xf32>
}

// CHECK-LABEL: func.func @masks_and_print(%arg0: index, %arg1: vector<4xf32>, %arg2: f32) {
// CHECK-NEXT: %0 = vector.create_mask %arg0, %arg0 : vector<4x8xi1>
// CHECK-NEXT: %1 = vector.create_mask %arg0 : vector<i1>
// CHECK-NEXT: %2 = vector.constant_mask [2, 3] : vector<4x8xi1>
// CHECK-NEXT: %3 = vector.constant_mask [0, 0] : vector<4x8xi1>
// CHECK-NEXT: %4 = vector.constant_mask [1] : vector<i1>
// CHECK-NEXT: vector.print %arg1 : vector<4xf32>
// CHECK-NEXT: vector.print %arg2 : f32 punctuation <comma>
// CHECK-NEXT: vector.print %0 : vector<4x8xi1>
// CHECK-NEXT: vector.print str "done\0A"
// CHECK-NEXT: vector.print punctuation <close>
// CHECK-NEXT: vector.print
// GENERIC: "vector.constant_mask"() {mask_dim_sizes = [2, 3]} : () -> vector<4x8xi1>
// GENERIC: "vector.print"(%arg2) {punctuation = #vector.punctuation<comma>} : (f32) -> ()
// GENERIC: "vector.print"() {stringLiteral = "done\0A"} : () -> ()
func.func @masks_and_print(%n: index, %v: vector<4xf32>, %s: f32) {
  %0 = vector.create_mask %n, %n : vector<4x8xi1>
  %1 = vector.create_mask %n : vector<i1>
  %2 = vector.constant_mask [2, 3] : vector<4x8xi1>
  %3 = vector.constant_mask [0, 0] : vector<4x8xi1>
  %4 = vector.constant_mask [1] : vector<i1>
  vector.print %v : vector<4xf32>
  vector.print %s : f32 punctuation <comma>
  vector.print %0 : vector<4x8xi1>
  vector.print str "done\n"
  vector.print punctuation <close>
  vector.print
  return
}

// Element-wise arith and math ops take vectors.
// CHECK-LABEL: func.func @elementwise(%arg0: vector<8xf32>, %arg1: vector<8xi32>) -> vector<8xf32> {
// CHECK-NEXT: %0 = arith.addf %arg0, %arg0 : vector<8xf32>
// CHECK-NEXT: %1 = math.exp %0 fastmath<fast> : vector<8xf32>
// CHECK-NEXT: %2 = math.fma %1, %0, %arg0 : vector<8xf32>
// CHECK-NEXT: %3 = arith.cmpf olt, %2, %arg0 : vector<8xf32>
// CHECK-NEXT: %4 = arith.select %3, %2, %1 : vector<8xi1>, vector<8xf32>
// CHECK-NEXT: %5 = arith.sitofp %arg1 : vector<8xi32> to vector<8xf32>
// CHECK-NEXT: %6 = arith.constant dense<1.000000e+00> : vector<8xf32>
// CHECK-NEXT: %7 = arith.maximumf %4, %5 : vector<8xf32>
// CHECK-NEXT: %8 = arith.addf %7, %6 : vector<8xf32>
// CHECK-NEXT: func.return %8 : vector<8xf32>
func.func @elementwise(%v: vector<8xf32>, %i: vector<8xi32>) -> vector<8xf32> {
  %0 = arith.addf %v, %v : vector<8xf32>
  %1 = math.exp %0 fastmath<fast> : vector<8xf32>
  %2 = math.fma %1, %0, %v : vector<8xf32>
  %3 = arith.cmpf olt, %2, %v : vector<8xf32>
  %4 = arith.select %3, %2, %1 : vector<8xi1>, vector<8xf32>
  %5 = arith.sitofp %i : vector<8xi32> to vector<8xf32>
  %6 = arith.constant dense<1.0> : vector<8xf32>
  %7 = arith.maximumf %4, %5 : vector<8xf32>
  %8 = arith.addf %7, %6 : vector<8xf32>
  return %8 : vector<8xf32>
}
