// mlir-opt-19 reads what we print of the scf dialect, custom and generic,
// and prints the same as it does for this file; we read what it prints,
// custom and generic, and print the same as we do for this file.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s | mlir-opt-19 | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | mlir-opt-19 | FileCheck %s
// RUN: mlir-opt-19 %s | tensor-opt | FileCheck %s --check-prefix=BACK
// RUN: mlir-opt-19 %s --mlir-print-op-generic | tensor-opt | FileCheck %s --check-prefix=BACK

// CHECK: module {
// CHECK-NEXT:   func.func @f(%arg0: index, %arg1: index, %arg2: index, %arg3: i1, %arg4: f32, %arg5: i32) -> (f32, f32, i32, f32) {
// CHECK-NEXT:     %0 = scf.for %arg6 = %arg0 to %arg1 step %arg2 iter_args(%arg7 = %arg4) -> (f32) {
// CHECK-NEXT:       %4 = arith.addf %arg7, %arg7 : f32
// CHECK-NEXT:       scf.yield %4 : f32
// CHECK-NEXT:     }
// CHECK-NEXT:     scf.for %arg6 = %arg5 to %arg5 step %arg5  : i32 {
// CHECK-NEXT:     }
// CHECK-NEXT:     %1 = scf.if %arg3 -> (f32) {
// CHECK-NEXT:       scf.yield %arg4 : f32
// CHECK-NEXT:     } else {
// CHECK-NEXT:       scf.yield %0 : f32
// CHECK-NEXT:     }
// CHECK-NEXT:     scf.if %arg3 {
// CHECK-NEXT:     }
// CHECK-NEXT:     %2 = scf.while (%arg6 = %arg5) : (i32) -> i32 {
// CHECK-NEXT:       %4 = arith.cmpi slt, %arg6, %arg5 : i32
// CHECK-NEXT:       scf.condition(%4) %arg6 : i32
// CHECK-NEXT:     } do {
// CHECK-NEXT:     ^bb0(%arg6: i32):
// CHECK-NEXT:       %4 = arith.addi %arg6, %arg6 : i32
// CHECK-NEXT:       scf.yield %4 : i32
// CHECK-NEXT:     }
// CHECK-NEXT:     %3 = scf.parallel (%arg6, %arg7) = (%arg0, %arg0) to (%arg1, %arg1) step (%arg2, %arg2) init (%arg4) -> f32 {
// CHECK-NEXT:       scf.reduce(%arg4 : f32) {
// CHECK-NEXT:       ^bb0(%arg8: f32, %arg9: f32):
// CHECK-NEXT:         %4 = arith.mulf %arg8, %arg9 : f32
// CHECK-NEXT:         scf.reduce.return %4 : f32
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:     scf.parallel (%arg6) = (%arg0) to (%arg1) step (%arg2) {
// CHECK-NEXT:       scf.reduce
// CHECK-NEXT:     }
// CHECK-NEXT:     return %0, %1, %2, %3 : f32, f32, i32, f32
// CHECK-NEXT:   }
// CHECK-NEXT: }
// BACK: module {
// BACK-NEXT:   func.func @f(%arg0: index, %arg1: index, %arg2: index, %arg3: i1, %arg4: f32, %arg5: i32) -> (f32, f32, i32, f32) {
// BACK-NEXT:     %0 = scf.for %arg6 = %arg0 to %arg1 step %arg2 iter_args(%arg7 = %arg4) -> (f32) {
// BACK-NEXT:       %1 = arith.addf %arg7, %arg7 : f32
// BACK-NEXT:       scf.yield %1 : f32
// BACK-NEXT:     }
// BACK-NEXT:     scf.for %arg8 = %arg5 to %arg5 step %arg5 : i32 {
// BACK-NEXT:       scf.yield
// BACK-NEXT:     }
// BACK-NEXT:     %2 = scf.if %arg3 -> (f32) {
// BACK-NEXT:       scf.yield %arg4 : f32
// BACK-NEXT:     } else {
// BACK-NEXT:       scf.yield %0 : f32
// BACK-NEXT:     }
// BACK-NEXT:     scf.if %arg3 {
// BACK-NEXT:       scf.yield
// BACK-NEXT:     }
// BACK-NEXT:     %3 = scf.while (%arg9 = %arg5) : (i32) -> i32 {
// BACK-NEXT:       %4 = arith.cmpi slt, %arg9, %arg5 : i32
// BACK-NEXT:       scf.condition(%4) %arg9 : i32
// BACK-NEXT:     } do {
// BACK-NEXT:     ^bb0(%arg10: i32):
// BACK-NEXT:       %5 = arith.addi %arg10, %arg10 : i32
// BACK-NEXT:       scf.yield %5 : i32
// BACK-NEXT:     }
// BACK-NEXT:     %6 = scf.parallel (%arg11, %arg12) = (%arg0, %arg0) to (%arg1, %arg1) step (%arg2, %arg2) init (%arg4) -> f32 {
// BACK-NEXT:       scf.reduce(%arg4 : f32) {
// BACK-NEXT:       ^bb0(%arg13: f32, %arg14: f32):
// BACK-NEXT:         %7 = arith.mulf %arg13, %arg14 : f32
// BACK-NEXT:         scf.reduce.return %7 : f32
// BACK-NEXT:       }
// BACK-NEXT:     }
// BACK-NEXT:     scf.parallel (%arg15) = (%arg0) to (%arg1) step (%arg2) {
// BACK-NEXT:       scf.reduce
// BACK-NEXT:     }
// BACK-NEXT:     func.return %0, %2, %3, %6 : f32, f32, i32, f32
// BACK-NEXT:   }

// The input: every op, with implicit terminators.
func.func @f(%lb: index, %ub: index, %st: index, %c: i1, %x: f32, %n: i32) -> (f32, f32, i32, f32) {
  %r = scf.for %i = %lb to %ub step %st iter_args(%a = %x) -> (f32) {
    %s = arith.addf %a, %a : f32
    scf.yield %s : f32
  }
  scf.for %i = %n to %n step %n : i32 {
  }
  %t = scf.if %c -> (f32) {
    scf.yield %x : f32
  } else {
    scf.yield %r : f32
  }
  scf.if %c {
  }
  %w = scf.while (%a = %n) : (i32) -> i32 {
    %k = arith.cmpi slt, %a, %n : i32
    scf.condition(%k) %a : i32
  } do {
  ^bb0(%b: i32):
    %d = arith.addi %b, %b : i32
    scf.yield %d : i32
  }
  %p = scf.parallel (%i, %j) = (%lb, %lb) to (%ub, %ub) step (%st, %st) init (%x) -> f32 {
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %rr: f32):
      %s = arith.mulf %l, %rr : f32
      scf.reduce.return %s : f32
    }
  }
  scf.parallel (%i) = (%lb) to (%ub) step (%st) {
  }
  return %r, %t, %w, %p : f32, f32, i32, f32
}
