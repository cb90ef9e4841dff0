// The thin slice (matmul, broadcast add of a constant, relu, softmax)
// lowered by convert-graph-to-affine, then by upstream MLIR 19 to LLVM and
// run by mlir-cpu-runner-19 with the driver below (the `DRIVER:` lines):
// the results match NumPy's. A memref-level driver cannot sit in this
// file's module (it would call @main with memrefs before the conversion),
// so the RUN lines splice it into the lowered module.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine -o %t.lowered.mlir
// RUN: { echo 'module {'; sed '1d;$d' %t.lowered.mlir; sed -n 's#^// DRIVER: ##p' %s; echo '}'; } > %t.mlir
// RUN: mlir-opt-19 %t.mlir --lower-affine --convert-scf-to-cf --expand-strided-metadata \
// RUN:   --finalize-memref-to-llvm --convert-math-to-llvm --convert-math-to-libm \
// RUN:   --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:   --reconcile-unrealized-casts \
// RUN: | mlir-cpu-runner-19 -e entry -entry-point-result=void | FileCheck %s

// np.softmax(np.maximum(x @ w + [1, 2, 3, 4], 0), axis=1):
// CHECK: 0.006429
// CHECK-NEXT: 0.028813
// CHECK-NEXT: 0.010600
// CHECK-NEXT: 0.954158
// CHECK-NEXT: 0.160142
// CHECK-NEXT: 0.016879
// CHECK-NEXT: 0.264029
// CHECK-NEXT: 0.558950
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %b = graph.constant {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.add %0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = graph.relu %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = graph.softmax %2 {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %3 : tensor<2x4xf32>
}

// DRIVER: memref.global "private" constant @in_x : memref<2x3xf32> = dense<[[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]]>
// DRIVER: memref.global "private" constant @in_w : memref<3x4xf32> = dense<[[1.0, 0.0, -1.0, 2.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 2.0, 0.0, 1.0]]>
// DRIVER: llvm.mlir.global internal constant @fmt("%.6f\0A\00") {addr_space = 0 : i32}
// DRIVER: llvm.func @printf(!llvm.ptr, ...) -> i32
// DRIVER: func.func @entry() {
// DRIVER:   %x = memref.get_global @in_x : memref<2x3xf32>
// DRIVER:   %w = memref.get_global @in_w : memref<3x4xf32>
// DRIVER:   %out = memref.alloc() : memref<2x4xf32>
// DRIVER:   func.call @main(%x, %w, %out) : (memref<2x3xf32>, memref<3x4xf32>, memref<2x4xf32>) -> ()
// DRIVER:   %f = llvm.mlir.addressof @fmt : !llvm.ptr
// DRIVER:   affine.for %i = 0 to 2 {
// DRIVER:     affine.for %j = 0 to 4 {
// DRIVER:       %v = affine.load %out[%i, %j] : memref<2x4xf32>
// DRIVER:       %d = arith.extf %v : f32 to f64
// DRIVER:       %r = llvm.call @printf(%f, %d) vararg(!llvm.func<i32 (ptr, ...)>) : (!llvm.ptr, f64) -> i32
// DRIVER:     }
// DRIVER:   }
// DRIVER:   memref.dealloc %out : memref<2x4xf32>
// DRIVER:   return
// DRIVER: }
