// Ops of unloaded dialects are errors unless --allow-unregistered-dialect;
// debug info prints locations.
// RUN: not tensor-opt %s 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: tensor-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// ERR: error: unregistered operation 'foo.bar' found in dialect ('foo') that is not loaded
// CHECK: "foo.bar"(%arg0)
// LOC: loc(
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  // ERR: unregistered.mlir:[[@LINE+1]]:3
  "foo.bar"(%x) : (tensor<4xf32>) -> ()
  func.return %x : tensor<4xf32>
}
