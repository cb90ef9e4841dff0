// mlir-opt-19 as the oracle for the arith dialect: it reads what we print
// (custom and generic forms) and prints what ops.mlir expects; we read its
// generic form back; its --canonicalize gives what canonicalize.mlir
// expects (UPSTREAM lines where we differ on purpose), and it reads our
// canonicalized output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %S/ops.mlir | mlir-opt-19 | FileCheck %S/ops.mlir
// RUN: tensor-opt %S/ops.mlir --print-op-generic | mlir-opt-19 | FileCheck %S/ops.mlir
// RUN: mlir-opt-19 %S/ops.mlir --mlir-print-op-generic | tensor-opt | FileCheck %S/ops.mlir
// RUN: mlir-opt-19 %S/canonicalize.mlir --canonicalize | FileCheck %S/canonicalize.mlir --check-prefixes=CHECK,UPSTREAM
// RUN: tensor-opt %S/canonicalize.mlir --canonicalize | mlir-opt-19 | FileCheck %S/canonicalize.mlir --check-prefixes=CHECK,OURS
