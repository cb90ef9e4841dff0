// Exit status: 0 success, 1 errors in the inputs or the run, 2 a bad
// command line. Input errors name the argument and both types.
// RUN: tensor-run %s --backend interp --entry make --output-dir %t
// RUN: not tensor-run %s --backend interp 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not tensor-run %s --backend interp --input %t/0.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not tensor-run %s --backend interp --input %t/1.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not tensor-run %s --backend interp --input %t/2.npy --input %t/2.npy 2>&1 | FileCheck %s --check-prefix=EXTRA
// RUN: echo garbage > %t/bad.npy
// RUN: not tensor-run %s --backend interp --input %t/bad.npy 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not tensor-run %s --backend interp --entry nope 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: tensor-run %s --backend interp --input %t/2.npy 2>/dev/null; test $? -eq 0
// RUN: tensor-run %s --backend interp --input %t/0.npy 2>/dev/null; test $? -eq 1
// RUN: tensor-run %s --backend gpu 2>/dev/null; test $? -eq 2
// RUN: tensor-run %s --no-such-flag 2>/dev/null; test $? -eq 2
// RUN: tensor-run %s -O4 2>/dev/null; test $? -eq 2
// RUN: tensor-run %s --pass-pipeline='builtin.module(cse' 2>/dev/null; test $? -eq 2
// RUN: not tensor-run %s --backend llvm --input %t/0.npy 2>&1 | FileCheck %s --check-prefix=LLVM

// MISSING: error: missing input for argument 0: expected tensor<4xf32> (@main takes 1 argument; give one --input PATH.npy each)
// SHAPE: error: argument 0: expected tensor<4xf32>, got tensor<2x2xf32> (from {{.*}}0.npy)
// DTYPE: error: argument 0: expected tensor<4xf32>, got tensor<4xi32> (from {{.*}}1.npy)
// EXTRA: error: too many inputs: @main takes 1 argument ((tensor<4xf32>) -> tensor<4xf32>), but 2 --input files were given
// CORRUPT: error: argument 0: expected tensor<4xf32>, but the input cannot be used: {{.*}}bad.npy: not a .npy file
// ENTRY: error: no function @nope in the module; it has @make, @main
// Compiled backends check inputs against the source signature too.
// LLVM: error: argument 0: expected tensor<4xf32>, got tensor<2x2xf32> (from {{.*}}0.npy)

func.func @make() -> (tensor<2x2xf32>, tensor<4xi32>, tensor<4xf32>) {
  %a = graph.constant {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %b = graph.constant {value = dense<1> : tensor<4xi32>} : () -> tensor<4xi32>
  %c = graph.constant {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  func.return %a, %b, %c : tensor<2x2xf32>, tensor<4xi32>, tensor<4xf32>
}

func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}
