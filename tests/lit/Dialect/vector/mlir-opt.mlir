// mlir-opt-19 reads what we print of the vector dialect, custom and generic,
// and we read what it prints, custom and generic.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s | mlir-opt-19 | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | mlir-opt-19 | FileCheck %s
// RUN: mlir-opt-19 %s | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s --mlir-print-op-generic | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s | tensor-opt | mlir-opt-19 | FileCheck %s

// CHECK: #map = affine_map<(d0, d1) -> (0, d0)>
// CHECK: #map1 = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @f(%arg0: memref<16x16xf32>, %arg1: index, %arg2: vector<8xf32>, %arg3: vector<4x8xf32>, %arg4: f32, %arg5: vector<8xi1>, %arg6: i32, %arg7: vector<8xi32>, %arg8: tensor<16x16xf32>, %arg9: vector<f32>) -> tensor<16x16xf32> {
// CHECK-NEXT: %0 = vector.load %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: vector.store %0, %arg0[%arg1, %arg1] {nontemporal = true} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %1 = vector.maskedload %arg0[%arg1, %arg1], %arg5, %arg2 : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK-NEXT: vector.maskedstore %arg0[%arg1, %arg1], %arg5, %1 : memref<16x16xf32>, vector<8xi1>, vector<8xf32>
// CHECK-NEXT: %2 = vector.broadcast %arg4 : f32 to vector<8xf32>
// CHECK-NEXT: %3 = vector.broadcast %arg2 : vector<8xf32> to vector<4x8xf32>
// CHECK-NEXT: %4 = vector.splat %arg4 : vector<4x8xf32>
// CHECK-NEXT: %5 = vector.fma %arg2, %arg2, %2 : vector<8xf32>
// CHECK-NEXT: %6 = vector.reduction <add>, %arg2 : vector<8xf32> into f32
// CHECK-NEXT: %7 = vector.reduction <maxnumf>, %arg2, %arg4 fastmath<fast> : vector<8xf32> into f32
// CHECK-NEXT: %8 = vector.reduction <xor>, %arg7 : vector<8xi32> into i32
// CHECK-NEXT: %9 = vector.extract %arg3[0, 1] : f32 from vector<4x8xf32>
// CHECK-NEXT: %10 = vector.extract %arg3[%arg1] : vector<8xf32> from vector<4x8xf32>
// CHECK-NEXT: %11 = vector.insert %arg4, %arg3 [0, 1] : f32 into vector<4x8xf32>
// CHECK-NEXT: %12 = vector.insert %arg2, %arg3 [%arg1] : vector<8xf32> into vector<4x8xf32>
// CHECK-NEXT: %13 = vector.extractelement %arg2[%arg1 : index] : vector<8xf32>
// CHECK-NEXT: %14 = vector.insertelement %arg4, %arg2[%arg6 : i32] : vector<8xf32>
// CHECK-NEXT: %15 = vector.extractelement %arg9[] : vector<f32>
// CHECK-NEXT: %16 = vector.transfer_read %arg0[%arg1, %arg1], %arg4 {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %17 = vector.transfer_read %arg0[%arg1, %arg1], %arg4, %arg5 : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT: %18 = vector.transfer_read %arg0[%arg1, %arg1], %arg4 {in_bounds = [true, false], permutation_map = #map} : memref<16x16xf32>, vector<4x8xf32>
// CHECK-NEXT: vector.transfer_write %16, %arg0[%arg1, %arg1] : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT: vector.transfer_write %arg3, %arg0[%arg1, %arg1] {permutation_map = #map1} : vector<4x8xf32>, memref<16x16xf32>
// CHECK-NEXT: %19 = vector.transfer_write %17, %arg8[%arg1, %arg1], %arg5 : vector<8xf32>, tensor<16x16xf32>
// CHECK-NEXT: %20 = vector.shape_cast %arg3 : vector<4x8xf32> to vector<32xf32>
// CHECK-NEXT: %{{.*}} = vector.transpose %arg3, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
// CHECK-NEXT: %{{.*}} = vector.create_mask %arg1, %arg1 : vector<4x8xi1>
// CHECK-NEXT: %{{.*}} = vector.constant_mask [2, 3] : vector<4x8xi1>
// CHECK-NEXT: vector.print %arg2 : vector<8xf32>
// CHECK-NEXT: vector.print %arg4 : f32 punctuation <comma>
// CHECK-NEXT: vector.print str "hi\0A"
// CHECK-NEXT: vector.print punctuation <close>
// CHECK-NEXT: vector.print
// CHECK-NEXT: return %19 : tensor<16x16xf32>
// BACK-LABEL: func.func @f(%arg0: memref<16x16xf32>, %arg1: index, %arg2: vector<8xf32>, %arg3: vector<4x8xf32>, %arg4: f32, %arg5: vector<8xi1>, %arg6: i32, %arg7: vector<8xi32>, %arg8: tensor<16x16xf32>, %arg9: vector<f32>) -> tensor<16x16xf32> {
// BACK-NEXT: %0 = vector.load %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>
// BACK-NEXT: vector.store %0, %arg0[%arg1, %arg1] {nontemporal = true} : memref<16x16xf32>, vector<8xf32>
// BACK-NEXT: %1 = vector.maskedload %arg0[%arg1, %arg1], %arg5, %arg2 : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// BACK-NEXT: vector.maskedstore %arg0[%arg1, %arg1], %arg5, %1 : memref<16x16xf32>, vector<8xi1>, vector<8xf32>
// BACK-NEXT: %2 = vector.broadcast %arg4 : f32 to vector<8xf32>
// BACK-NEXT: %3 = vector.broadcast %arg2 : vector<8xf32> to vector<4x8xf32>
// BACK-NEXT: %4 = vector.splat %arg4 : vector<4x8xf32>
// BACK-NEXT: %5 = vector.fma %arg2, %arg2, %2 : vector<8xf32>
// BACK-NEXT: %6 = vector.reduction <add>, %arg2 : vector<8xf32> into f32
// BACK-NEXT: %7 = vector.reduction <maxnumf>, %arg2, %arg4 fastmath<fast> : vector<8xf32> into f32
// BACK-NEXT: %8 = vector.reduction <xor>, %arg7 : vector<8xi32> into i32
// BACK-NEXT: %9 = vector.extract %arg3[0, 1] : f32 from vector<4x8xf32>
// BACK-NEXT: %10 = vector.extract %arg3[%arg1] : vector<8xf32> from vector<4x8xf32>
// BACK-NEXT: %11 = vector.insert %arg4, %arg3 [0, 1] : f32 into vector<4x8xf32>
// BACK-NEXT: %12 = vector.insert %arg2, %arg3 [%arg1] : vector<8xf32> into vector<4x8xf32>
// BACK-NEXT: %13 = vector.extractelement %arg2[%arg1 : index] : vector<8xf32>
// BACK-NEXT: %14 = vector.insertelement %arg4, %arg2[%arg6 : i32] : vector<8xf32>
// BACK-NEXT: %15 = vector.extractelement %arg9[] : vector<f32>
// BACK-NEXT: %16 = vector.transfer_read %arg0[%arg1, %arg1], %arg4 {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
// BACK-NEXT: %17 = vector.transfer_read %arg0[%arg1, %arg1], %arg4, %arg5 : memref<16x16xf32>, vector<8xf32>
// BACK-NEXT: %18 = vector.transfer_read %arg0[%arg1, %arg1], %arg4 {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d0)>} : memref<16x16xf32>, vector<4x8xf32>
// BACK-NEXT: vector.transfer_write %16, %arg0[%arg1, %arg1] : vector<8xf32>, memref<16x16xf32>
// BACK-NEXT: vector.transfer_write %arg3, %arg0[%arg1, %arg1] {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : vector<4x8xf32>, memref<16x16xf32>
// BACK-NEXT: %19 = vector.transfer_write %17, %arg8[%arg1, %arg1], %arg5 : vector<8xf32>, tensor<16x16xf32>
// BACK-NEXT: %20 = vector.shape_cast %arg3 : vector<4x8xf32> to vector<32xf32>
// BACK-NEXT: %{{.*}} = vector.transpose %arg3, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
// BACK-NEXT: %{{.*}} = vector.create_mask %arg1, %arg1 : vector<4x8xi1>
// BACK-NEXT: %{{.*}} = vector.constant_mask [2, 3] : vector<4x8xi1>
// BACK-NEXT: vector.print %arg2 : vector<8xf32>
// BACK-NEXT: vector.print %arg4 : f32 punctuation <comma>
// BACK-NEXT: vector.print str "hi\0A"
// BACK-NEXT: vector.print punctuation <close>
// BACK-NEXT: vector.print
// BACK-NEXT: func.return %19 : tensor<16x16xf32>
func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>, %w: vector<4x8xf32>, %s: f32, %mask: vector<8xi1>, %c: i32, %iv: vector<8xi32>, %t: tensor<16x16xf32>, %z: vector<f32>) -> tensor<16x16xf32> {
  %0 = vector.load %m[%i, %i] : memref<16x16xf32>, vector<8xf32>
  vector.store %0, %m[%i, %i] {nontemporal = true} : memref<16x16xf32>, vector<8xf32>
  %1 = vector.maskedload %m[%i, %i], %mask, %v : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  vector.maskedstore %m[%i, %i], %mask, %1 : memref<16x16xf32>, vector<8xi1>, vector<8xf32>
  %2 = vector.broadcast %s : f32 to vector<8xf32>
  %3 = vector.broadcast %v : vector<8xf32> to vector<4x8xf32>
  %4 = vector.splat %s : vector<4x8xf32>
  %5 = vector.fma %v, %v, %2 : vector<8xf32>
  %6 = vector.reduction <add>, %v : vector<8xf32> into f32
  %7 = vector.reduction <maxnumf>, %v, %s fastmath<fast> : vector<8xf32> into f32
  %8 = vector.reduction <xor>, %iv : vector<8xi32> into i32
  %9 = vector.extract %w[0, 1] : f32 from vector<4x8xf32>
  %10 = vector.extract %w[%i] : vector<8xf32> from vector<4x8xf32>
  %11 = vector.insert %s, %w [0, 1] : f32 into vector<4x8xf32>
  %12 = vector.insert %v, %w [%i] : vector<8xf32> into vector<4x8xf32>
  %13 = vector.extractelement %v[%i : index] : vector<8xf32>
  %14 = vector.insertelement %s, %v[%c : i32] : vector<8xf32>
  %15 = vector.extractelement %z[] : vector<f32>
  %16 = vector.transfer_read %m[%i, %i], %s {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
  %17 = vector.transfer_read %m[%i, %i], %s, %mask : memref<16x16xf32>, vector<8xf32>
  %18 = vector.transfer_read %m[%i, %i], %s {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d0)>} : memref<16x16xf32>, vector<4x8xf32>
  vector.transfer_write %16, %m[%i, %i] : vector<8xf32>, memref<16x16xf32>
  vector.transfer_write %w, %m[%i, %i] {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : vector<4x8xf32>, memref<16x16xf32>
  %19 = vector.transfer_write %17, %t[%i, %i], %mask : vector<8xf32>, tensor<16x16xf32>
  %20 = vector.shape_cast %w : vector<4x8xf32> to vector<32xf32>
  %tr = vector.transpose %w, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
  %21 = vector.create_mask %i, %i : vector<4x8xi1>
  %22 = vector.constant_mask [2, 3] : vector<4x8xi1>
  vector.print %v : vector<8xf32>
  vector.print %s : f32 punctuation <comma>
  vector.print str "hi\n"
  vector.print punctuation <close>
  vector.print
  return %19 : tensor<16x16xf32>
}
