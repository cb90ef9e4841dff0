// Exit status: 0 success, 1 errors in the input, 2 a bad command line.
// RUN: tensor-opt %s > /dev/null
// RUN: tensor-opt %s --no-such-flag 2>/dev/null; test $? -eq 2
// RUN: tensor-opt %s --pass-pipeline='builtin.module(cse' 2>/dev/null; test $? -eq 2
// RUN: tensor-opt %s -O7 2>/dev/null; test $? -eq 2
// RUN: echo 'func.func @f( {' | tensor-opt 2>/dev/null; test $? -eq 1
// RUN: tensor-opt %S/no-such-file.mlir 2>/dev/null; test $? -eq 1
// RUN: not tensor-opt %s --emit=llvm 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not tensor-opt %s --pass-pipeline='builtin.module(func.func(csee))' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not tensor-opt %s --pass-pipeline='builtin.module(canonicalize{bogus=1})' 2>&1 | FileCheck %s --check-prefix=OPTION

// EMIT: error: --emit needs loop-level IR (scf, arith, math, memref, vector), but @f still takes or returns tensors; lower it first, e.g. with -O2
// UNKNOWN: error: invalid pass pipeline: unknown pass 'csee'; valid passes: {{.*}}canonicalize, {{.*}}cse
// UNKNOWN-NEXT: builtin.module(func.func(csee))
// UNKNOWN-NEXT: ^
// OPTION: unknown option 'bogus' for pass 'canonicalize'; valid options: max-iterations
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}
