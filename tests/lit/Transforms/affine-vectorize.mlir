// affine-vectorize turns innermost affine.for loops into loops over
// vector<8xf32> (256 bits / element width) with a scalar remainder loop,
// vector accumulators for reductions, and broadcasts of invariant scalars;
// it leaves alone loops it cannot vectorize. mlir-opt-19 reads the result,
// and upstream MLIR 19 lowers it to LLVM and runs it (the last command
// ends in mlir-cpu-runner-19), printing what the scalar loops compute.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --affine-vectorize | FileCheck %s
// RUN: tensor-opt %s --affine-vectorize | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --affine-vectorize --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS
// RUN: tensor-opt %s --pass-pipeline='builtin.module(func.func(affine-vectorize{vector-size=4 reassociate-fp=false}))' | FileCheck %s --check-prefix=OPTS
// RUN: tensor-opt %s --affine-vectorize --lower-affine \
// RUN: | mlir-opt-19 --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm \
// RUN:   --expand-strided-metadata --finalize-memref-to-llvm --convert-math-to-llvm \
// RUN:   --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:   --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner-19 -e entry -entry-point-result=void \
// RUN:   -shared-libs=/usr/lib/llvm-19/lib/libmlir_c_runner_utils.so.19.1 \
// RUN: | FileCheck %s --check-prefix=EXEC

// STATS: (S) 3 num-vectorized
// STATS: (S) 2 num-reductions
// STATS: (S) 2 num-remainder-loops
// MLIR-LABEL: func.func @relu
// MLIR: vector.load
// MLIR-LABEL: func.func @dot
// MLIR: vector.reduction <add>

// 19 iterations: two vector iterations, then three scalar ones. The
// constant becomes a splat, the comparison gives vector<8xi1>.
// CHECK-LABEL: func.func @relu(
// CHECK-SAME: %[[A:.*]]: memref<19xf32>, %[[B:.*]]: memref<19xf32>, %[[C:.*]]: memref<19xf32>, %[[OUT:.*]]: memref<19xf32>)
// CHECK:      %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[ZV:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 16 step 8 {
// CHECK-NEXT:   %[[X:.*]] = vector.load %[[A]][%[[I]]] : memref<19xf32>, vector<8xf32>
// CHECK-NEXT:   %[[Y:.*]] = vector.load %[[B]][%[[I]]] : memref<19xf32>, vector<8xf32>
// CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : vector<8xf32>
// CHECK-NEXT:   %[[W:.*]] = vector.load %[[C]][%[[I]]] : memref<19xf32>, vector<8xf32>
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[M]], %[[W]] : vector<8xf32>
// CHECK-NEXT:   %[[P:.*]] = arith.cmpf ugt, %[[S]], %[[ZV]] : vector<8xf32>
// CHECK-NEXT:   %[[R:.*]] = arith.select %[[P]], %[[S]], %[[ZV]] : vector<8xi1>, vector<8xf32>
// CHECK-NEXT:   vector.store %[[R]], %[[OUT]][%[[I]]] : memref<19xf32>, vector<8xf32>
// CHECK-NEXT:   affine.yield
// CHECK-NEXT: }
// CHECK-NEXT: affine.for %[[J:.*]] = 16 to 19 {
// CHECK-NEXT:   affine.load %[[A]][%[[J]]] : memref<19xf32>
// CHECK:        arith.select %{{.*}}, %{{.*}}, %[[Z]] : f32
// CHECK:      func.return
// OPTS-LABEL: func.func @relu(
// OPTS:       affine.for %{{.*}} = 0 to 16 step 4 {
// OPTS:       vector<4xf32>
// OPTS:       affine.for %{{.*}} = 16 to 19 {
func.func @relu(%a: memref<19xf32>, %b: memref<19xf32>, %c: memref<19xf32>, %out: memref<19xf32>) {
  %z = arith.constant 0.0 : f32
  affine.for %i = 0 to 19 {
    %x = affine.load %a[%i] : memref<19xf32>
    %y = affine.load %b[%i] : memref<19xf32>
    %m = arith.mulf %x, %y : f32
    %w = affine.load %c[%i] : memref<19xf32>
    %s = arith.addf %m, %w : f32
    %p = arith.cmpf ugt, %s, %z : f32
    %r = arith.select %p, %s, %z : f32
    affine.store %r, %out[%i] : memref<19xf32>
  }
  return
}

// A max reduction: the accumulator starts at -inf in every lane, the lanes
// are folded into the initial value after the loop (exact, so also with
// reassociate-fp=false). The row scale is loaded once, before the loop,
// and broadcast. 32 iterations: no remainder loop.
// CHECK-LABEL: func.func @row_max(
// CHECK-SAME: %[[A:.*]]: memref<4x32xf32>, %[[K:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK:      %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT:   %[[ID:.*]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CHECK-NEXT:   %[[S:.*]] = affine.load %[[K]][%[[I]]] : memref<4xf32>
// CHECK-NEXT:   %[[SV:.*]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK-NEXT:   %[[V:.*]] = affine.for %[[J:.*]] = 0 to 32 step 8 iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<8xf32>) {
// CHECK-NEXT:     %[[X:.*]] = vector.load %[[A]][%[[I]], %[[J]]] : memref<4x32xf32>, vector<8xf32>
// CHECK-NEXT:     %[[Y:.*]] = arith.mulf %[[X]], %[[SV]] : vector<8xf32>
// CHECK-NEXT:     %[[MX:.*]] = arith.maximumf %[[ACC]], %[[Y]] : vector<8xf32>
// CHECK-NEXT:     affine.yield %[[MX]] : vector<8xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[R:.*]] = vector.reduction <maximumf>, %[[V]], %[[NINF]] : vector<8xf32> into f32
// CHECK-NEXT:   affine.store %[[R]], %[[OUT]][%[[I]]] : memref<4xf32>
// OPTS-LABEL: func.func @row_max(
// OPTS:       vector.reduction <maximumf>, %{{.*}}, %{{.*}} : vector<4xf32> into f32
func.func @row_max(%a: memref<4x32xf32>, %k: memref<4xf32>, %out: memref<4xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  affine.for %i = 0 to 4 {
    %r = affine.for %j = 0 to 32 iter_args(%acc = %ninf) -> (f32) {
      %x = affine.load %a[%i, %j] : memref<4x32xf32>
      %s = affine.load %k[%i] : memref<4xf32>
      %y = arith.mulf %x, %s : f32
      %m = arith.maximumf %acc, %y : f32
      affine.yield %m : f32
    }
    affine.store %r, %out[%i] : memref<4xf32>
  }
  return
}

// f64: 4 lanes. The trip count is only known at run time: the vector loop
// stops at the last multiple of 4, and the remainder starts there (or at
// the lower bound when the loop runs no iteration). A float sum is
// reassociated (fastmath<reassoc>), unless reassociate-fp=false.
// CHECK-LABEL: func.func @dot(
// CHECK-SAME: %[[A:.*]]: memref<?xf64>, %[[B:.*]]: memref<?xf64>, %[[N:.*]]: index)
// CHECK:      %[[Z:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT: %[[ID:.*]] = arith.constant dense<-0.000000e+00> : vector<4xf64>
// CHECK-NEXT: %[[V:.*]] = affine.for %[[I:.*]] = 0 to affine_map<()[s0] -> (s0 - s0 mod 4)>()[%[[N]]] step 4 iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<4xf64>) {
// CHECK:        arith.addf %[[ACC]], %{{.*}} : vector<4xf64>
// CHECK:      %[[R:.*]] = vector.reduction <add>, %[[V]], %[[Z]] fastmath<reassoc> : vector<4xf64> into f64
// CHECK-NEXT: %[[T:.*]] = affine.for %{{.*}} = max affine_map<()[s0] -> (s0 - s0 mod 4, 0)>()[%[[N]]] to %[[N]] iter_args(%{{.*}} = %[[R]]) -> (f64) {
// CHECK:      func.return %[[T]] : f64
// OPTS-LABEL: func.func @dot(
// OPTS-NOT:   vector
// OPTS:       func.return
func.func @dot(%a: memref<?xf64>, %b: memref<?xf64>, %n: index) -> f64 {
  %z = arith.constant 0.0 : f64
  %r = affine.for %i = 0 to %n iter_args(%acc = %z) -> (f64) {
    %x = affine.load %a[%i] : memref<?xf64>
    %y = affine.load %b[%i] : memref<?xf64>
    %p = arith.mulf %x, %y : f64
    %s = arith.addf %acc, %p : f64
    affine.yield %s : f64
  }
  return %r : f64
}

// Left alone: a transposed (non-contiguous) load, a dependence between
// iterations.
// CHECK-LABEL: func.func @transpose(
// CHECK-NOT:  vector
// CHECK:      func.return
func.func @transpose(%a: memref<16x16xf32>, %b: memref<16x16xf32>) {
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 16 {
      %x = affine.load %a[%j, %i] : memref<16x16xf32>
      affine.store %x, %b[%i, %j] : memref<16x16xf32>
    }
  }
  return
}

// CHECK-LABEL: func.func @shift(
// CHECK-NOT:  vector
// CHECK:      func.return
func.func @shift(%a: memref<64xi32>) {
  affine.for %i = 1 to 64 {
    %x = affine.load %a[%i - 1] : memref<64xi32>
    affine.store %x, %a[%i] : memref<64xi32>
  }
  return
}

// The driver the mlir-cpu-runner-19 line runs (its printing loop is left
// alone: vector.print is already a vector op).
// relu(a * 0.5 + 0.5) for a = 1, -2, 3, -4, ..., 19:
// EXEC:      1
// EXEC-NEXT: 0
// EXEC-NEXT: 2
// EXEC-NEXT: 0
// EXEC-NEXT: 3
// EXEC-NEXT: 0
// EXEC-NEXT: 4
// EXEC-NEXT: 0
// EXEC-NEXT: 5
// EXEC-NEXT: 0
// EXEC-NEXT: 6
// EXEC-NEXT: 0
// EXEC-NEXT: 7
// EXEC-NEXT: 0
// EXEC-NEXT: 8
// EXEC-NEXT: 0
// EXEC-NEXT: 9
// EXEC-NEXT: 0
// EXEC-NEXT: 10
// Sums of squares 1..19 (vector and remainder) and 1..5:
// EXEC-NEXT: 2470
// EXEC-NEXT: 55
// CHECK-LABEL: func.func @entry(
// CHECK-NOT:  vector.load
// CHECK:      func.return
memref.global "private" constant @in_a : memref<19xf32> = dense<[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0, 9.0, -10.0, 11.0, -12.0, 13.0, -14.0, 15.0, -16.0, 17.0, -18.0, 19.0]>
memref.global "private" constant @in_b : memref<19xf32> = dense<0.5>
memref.global "private" constant @in_d : memref<19xf64> = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0]>
func.func @entry() {
  %a = memref.get_global @in_a : memref<19xf32>
  %b = memref.get_global @in_b : memref<19xf32>
  %out = memref.alloc() : memref<19xf32>
  func.call @relu(%a, %b, %b, %out) : (memref<19xf32>, memref<19xf32>, memref<19xf32>, memref<19xf32>) -> ()
  affine.for %i = 0 to 19 {
    %v = affine.load %out[%i] : memref<19xf32>
    vector.print %v : f32
  }
  %d = memref.get_global @in_d : memref<19xf64>
  %dd = memref.cast %d : memref<19xf64> to memref<?xf64>
  %c19 = arith.constant 19 : index
  %c5 = arith.constant 5 : index
  %s19 = func.call @dot(%dd, %dd, %c19) : (memref<?xf64>, memref<?xf64>, index) -> f64
  %s5 = func.call @dot(%dd, %dd, %c5) : (memref<?xf64>, memref<?xf64>, index) -> f64
  vector.print %s19 : f64
  vector.print %s5 : f64
  memref.dealloc %out : memref<19xf32>
  return
}
