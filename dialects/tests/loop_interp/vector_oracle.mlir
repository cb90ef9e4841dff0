// Vector transfers, masks, reductions, extracts and inserts, each function
// returning an i64 checksum of its lanes (lane + 8 in base 1024, wrapping).
// The expected values in loop_interp.rs are mlir-cpu-runner's (LLVM 19):
//
//   mlir-opt vector_oracle.mlir --convert-vector-to-scf --lower-affine \
//     --convert-scf-to-cf --convert-vector-to-llvm --expand-strided-metadata \
//     --lower-affine --finalize-memref-to-llvm --convert-arith-to-llvm \
//     --convert-math-to-llvm --convert-index-to-llvm --convert-func-to-llvm \
//     --convert-cf-to-llvm --reconcile-unrealized-casts -o out.mlir
//   mlir-cpu-runner out.mlir -e plain -entry-point-result=i64
//
// (`reductions` returns an i32: -entry-point-result=i32.)

memref.global "private" constant @m : memref<3x5xf32> = dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0]]>

func.func @weigh(%v: vector<8xf32>) -> i64 {
  %w = arith.constant dense<[1, 1024, 1048576, 1073741824, 1099511627776, 1125899906842624, 1152921504606846976, 3]> : vector<8xi64>
  %eight = arith.constant dense<8> : vector<8xi64>
  %i = arith.fptosi %v : vector<8xf32> to vector<8xi64>
  %j = arith.addi %i, %eight : vector<8xi64>
  %p = arith.muli %j, %w : vector<8xi64>
  %r = vector.reduction <add>, %p : vector<8xi64> into i64
  return %r : i64
}

func.func @plain() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%c2, %c3], %pad : memref<3x5xf32>, vector<2x4xf32>
  %f = vector.shape_cast %v : vector<2x4xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @transposed() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%c2, %c1], %pad {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<3x5xf32>, vector<4x2xf32>
  %f = vector.shape_cast %v : vector<4x2xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @bcast() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %pad = arith.constant -1.0 : f32
  %v = vector.transfer_read %m[%c1, %c3], %pad {in_bounds = [true, false], permutation_map = affine_map<(d0, d1) -> (0, d1)>} : memref<3x5xf32>, vector<2x4xf32>
  %f = vector.shape_cast %v : vector<2x4xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @masked() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %pad = arith.constant -1.0 : f32
  %mask = vector.create_mask %c1, %c3 : vector<2x4xi1>
  %v = vector.transfer_read %m[%c1, %c1], %pad, %mask : memref<3x5xf32>, vector<2x4xf32>
  %f = vector.shape_cast %v : vector<2x4xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @masked_transposed() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %pad = arith.constant -1.0 : f32
  %mask = vector.create_mask %c2, %c3 : vector<2x4xi1>
  %v = vector.transfer_read %m[%c1, %c0], %pad, %mask {permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<3x5xf32>, vector<4x2xf32>
  %f = vector.shape_cast %v : vector<4x2xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @write() -> i64 {
  %m = memref.alloc() : memref<3x5xf32>
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 3 {
    affine.for %j = 0 to 5 {
      affine.store %z, %m[%i, %j] : memref<3x5xf32>
    }
  }
  %v = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : vector<2x3xf32>
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  vector.transfer_write %v, %m[%c1, %c3] : vector<2x3xf32>, memref<3x5xf32>
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %r0 = vector.transfer_read %m[%c1, %c0], %pad : memref<3x5xf32>, vector<8xf32>
  %r = func.call @weigh(%r0) : (vector<8xf32>) -> i64
  memref.dealloc %m : memref<3x5xf32>
  return %r : i64
}

func.func @maskedload() -> i64 {
  %m = memref.get_global @m : memref<3x5xf32>
  %c = "memref.collapse_shape"(%m) <{reassociation = [[0, 1]]}> : (memref<3x5xf32>) -> memref<15xf32>
  %c11 = arith.constant 11 : index
  %c4 = arith.constant 4 : index
  %mask = vector.create_mask %c4 : vector<8xi1>
  %pass = arith.constant dense<-2.0> : vector<8xf32>
  %v = vector.maskedload %c[%c11], %mask, %pass : memref<15xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %r = func.call @weigh(%v) : (vector<8xf32>) -> i64
  return %r : i64
}

func.func @reductions() -> i32 {
  %v = arith.constant dense<[6, -3, 12, 5, -100, 7, 1, 9]> : vector<8xi32>
  %acc = arith.constant -7 : i32
  %a = vector.reduction <minui>, %v : vector<8xi32> into i32
  %b = vector.reduction <maxsi>, %v, %acc : vector<8xi32> into i32
  %c = vector.reduction <xor>, %v : vector<8xi32> into i32
  %d = vector.reduction <mul>, %v, %acc : vector<8xi32> into i32
  %s1 = arith.addi %a, %b : i32
  %s2 = arith.addi %s1, %c : i32
  %s3 = arith.addi %s2, %d : i32
  return %s3 : i32
}

func.func @extract_insert() -> i64 {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : vector<2x4xf32>
  %c1 = arith.constant 1 : index
  %row = vector.extract %v[1] : vector<4xf32> from vector<2x4xf32>
  %x = vector.extract %v[0, 3] : f32 from vector<2x4xf32>
  %w = vector.insert %row, %v [0] : vector<4xf32> into vector<2x4xf32>
  %w2 = vector.insert %x, %w [1, 1] : f32 into vector<2x4xf32>
  %b = vector.broadcast %row : vector<4xf32> to vector<2x4xf32>
  %s = arith.addf %w2, %b : vector<2x4xf32>
  %t = vector.fma %s, %b, %w2 : vector<2x4xf32>
  %f = vector.shape_cast %t : vector<2x4xf32> to vector<8xf32>
  %r = func.call @weigh(%f) : (vector<8xf32>) -> i64
  return %r : i64
}
