// An error in one chunk is reported at its line in the whole file; the
// run fails and prints no IR.
// RUN: not tensor-opt %s --split-input-file 2>&1 | FileCheck %s
// RUN: tensor-opt %s --split-input-file > %t.out 2>/dev/null; test $? -eq 1 && test ! -s %t.out

// CHECK-NOT: @good
// CHECK: error: unregistered operation 'foo.bar'
// CHECK: split-input-file-error.mlir:[[@LINE+8]]:3
func.func @good(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}

// -----

func.func @bad() {
  "foo.bar"() : () -> ()
  func.return
}
