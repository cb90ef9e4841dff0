// Every scf op in its custom form: it parses, verifies, prints back in
// MLIR's syntax (writing the empty terminators that mlir-opt leaves
// implicit), and survives a round trip through the generic form.
// RUN: tensor-opt %s | FileCheck %s
// RUN: tensor-opt %s | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | tensor-opt | FileCheck %s
// RUN: tensor-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @loops(%arg0: index, %arg1: index, %arg2: index, %arg3: f32, %arg4: i32) -> f32 {
// CHECK-NEXT: %0 = scf.for %arg5 = %arg0 to %arg1 step %arg2 iter_args(%arg6 = %arg3) -> (f32) {
// CHECK-NEXT:   %1 = arith.addf %arg6, %arg6 : f32
// CHECK-NEXT:   scf.yield %1 : f32
// CHECK-NEXT: }
// CHECK-NEXT: scf.for %{{.*}} = %arg4 to %arg4 step %arg4 : i32 {
// CHECK-NEXT:   scf.yield
// CHECK-NEXT: } {tag}
// CHECK-NEXT: func.return %0 : f32
// GENERIC: "scf.for"(%arg0, %arg1, %arg2, %arg3) ({
// GENERIC-NEXT: ^bb0(%arg5: index, %arg6: f32):
// GENERIC: }) : (index, index, index, f32) -> f32
func.func @loops(%lb: index, %ub: index, %st: index, %x: f32, %n: i32) -> f32 {
  %r = scf.for %i = %lb to %ub step %st iter_args(%a = %x) -> (f32) {
    %s = arith.addf %a, %a : f32
    scf.yield %s : f32
  }
  scf.for %i = %n to %n step %n : i32 {
  } {tag}
  return %r : f32
}

// CHECK-LABEL: func.func @branches(%arg0: i1, %arg1: f32, %arg2: f32) -> (f32, f32) {
// CHECK-NEXT: %0 = scf.if %arg0 -> (f32) {
// CHECK-NEXT:   scf.yield %arg1 : f32
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %arg2 : f32
// CHECK-NEXT: }
// CHECK-NEXT: scf.if %arg0 {
// CHECK-NEXT:   scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %1:2 = scf.if %arg0 -> (f32, f32) {
// CHECK-NEXT:   scf.yield %arg1, %arg2 : f32, f32
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %arg2, %arg1 : f32, f32
// CHECK-NEXT: }
// CHECK-NEXT: func.return %0, %1#1 : f32, f32
// GENERIC: "scf.yield"(%arg2) : (f32) -> ()
// GENERIC-NEXT: }) : (i1) -> f32
// GENERIC-NEXT: "scf.if"(%arg0) ({
// GENERIC-NEXT:   "scf.yield"() : () -> ()
// GENERIC-NEXT: }, {
// GENERIC-NEXT: }) : (i1) -> ()
func.func @branches(%c: i1, %a: f32, %b: f32) -> (f32, f32) {
  %0 = scf.if %c -> (f32) {
    scf.yield %a : f32
  } else {
    scf.yield %b : f32
  }
  scf.if %c {
  }
  %1:2 = scf.if %c -> (f32, f32) {
    scf.yield %a, %b : f32, f32
  } else {
    scf.yield %b, %a : f32, f32
  }
  return %0, %1#1 : f32, f32
}

// CHECK-LABEL: func.func @while(%arg0: i32, %arg1: i32) -> i32 {
// CHECK-NEXT: %0 = scf.while (%arg2 = %arg0) : (i32) -> i32 {
// CHECK-NEXT:   %1 = arith.cmpi slt, %arg2, %arg1 : i32
// CHECK-NEXT:   scf.condition(%1) %arg2 : i32
// CHECK-NEXT: } do {
// CHECK-NEXT: ^bb0(%arg3: i32):
// CHECK-NEXT:   %[[D:.*]] = arith.addi %arg3, %arg3 : i32
// CHECK-NEXT:   scf.yield %[[D]] : i32
// CHECK-NEXT: } attributes {tag}
// CHECK-NEXT: scf.while : () -> () {
// CHECK-NEXT:   %[[F:.*]] = arith.constant false
// CHECK-NEXT:   scf.condition(%[[F]])
// CHECK-NEXT: } do {
// CHECK-NEXT:   scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: func.return %0 : i32
// GENERIC: "scf.condition"(%1, %arg2) : (i1, i32) -> ()
func.func @while(%init: i32, %limit: i32) -> i32 {
  %r = scf.while (%a = %init) : (i32) -> i32 {
    %c = arith.cmpi slt, %a, %limit : i32
    scf.condition(%c) %a : i32
  } do {
  ^bb0(%b: i32):
    %d = arith.addi %b, %b : i32
    scf.yield %d : i32
  } attributes {tag}
  scf.while : () -> () {
    %f = arith.constant false
    scf.condition(%f)
  } do {
    scf.yield
  }
  return %r : i32
}

// CHECK-LABEL: func.func @parallel(%arg0: index, %arg1: index, %arg2: f32) -> f32 {
// CHECK-NEXT: %0 = scf.parallel (%arg3, %arg4) = (%arg0, %arg0) to (%arg1, %arg1) step (%arg1, %arg1) init (%arg2) -> f32 {
// CHECK-NEXT:   scf.reduce(%arg2 : f32) {
// CHECK-NEXT:   ^bb0(%arg5: f32, %arg6: f32):
// CHECK-NEXT:     %1 = arith.addf %arg5, %arg6 : f32
// CHECK-NEXT:     scf.reduce.return %1 : f32
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NEXT: scf.parallel (%{{.*}}) = (%arg0) to (%arg1) step (%arg1) {
// CHECK-NEXT:   scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: func.return %0 : f32
// GENERIC: {operandSegmentSizes = array<i32: 2, 2, 2, 1>} : (index, index, index, index, index, index, f32) -> f32
func.func @parallel(%lb: index, %ub: index, %x: f32) -> f32 {
  %r = scf.parallel (%i, %j) = (%lb, %lb) to (%ub, %ub) step (%ub, %ub) init (%x) -> f32 {
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %rr: f32):
      %s = arith.addf %l, %rr : f32
      scf.reduce.return %s : f32
    }
  }
  scf.parallel (%i) = (%lb) to (%ub) step (%ub) {
  }
  return %r : f32
}
