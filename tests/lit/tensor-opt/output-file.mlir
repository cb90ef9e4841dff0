// -o writes the output atomically; on error the old file is left alone.
// RUN: tensor-opt %s -o %t && FileCheck %s < %t
// RUN: echo old > %t.keep && echo 'func.func @f( {' | not tensor-opt -o %t.keep && FileCheck %s --check-prefix=OLD < %t.keep

// CHECK: func.func @f(
// OLD: old
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}
