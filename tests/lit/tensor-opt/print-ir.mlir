// IR printing around passes goes to stderr with MLIR's headers; pass flags
// run in command-line order.
// RUN: tensor-opt %s --print-ir-after-all --canonicalize --cse 2>&1 >/dev/null | FileCheck %s
// RUN: tensor-opt %s --print-ir-before-all --cse --canonicalize 2>&1 >/dev/null | FileCheck %s --check-prefix=BEFORE
// RUN: tensor-opt %s --print-ir-after=cse --canonicalize --cse 2>&1 >/dev/null | FileCheck %s --check-prefix=AFTER-CSE
// RUN: tensor-opt %s --cse | FileCheck %s --check-prefix=CSE
// RUN: tensor-opt %s --pass-pipeline='builtin.module(cse)' --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP

// CHECK: // -----// IR Dump After canonicalize //----- //
// CHECK: func.func @f(
// CHECK: // -----// IR Dump After cse //----- //
// CHECK: func.func @f(

// BEFORE: // -----// IR Dump Before cse //----- //
// BEFORE-COUNT-2: graph.exp
// BEFORE: // -----// IR Dump Before canonicalize //----- //

// AFTER-CSE-NOT: IR Dump After canonicalize
// AFTER-CSE: // -----// IR Dump After cse //----- //
// AFTER-CSE-NOT: IR Dump

// CSE-COUNT-1: graph.exp
// CSE-NOT: graph.exp

// DUMP: builtin.module(cse)
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "graph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "graph.add"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %2 : tensor<4xf32>
}
