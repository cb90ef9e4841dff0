// loop-invariant-code-motion hoists pure, speculatable ops whose operands
// are defined outside a loop to just before it, innermost loops first, as
// mlir-opt --loop-invariant-code-motion does; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --loop-invariant-code-motion | FileCheck %s
// RUN: tensor-opt %s --loop-invariant-code-motion | mlir-opt-19 | FileCheck %s --check-prefix=MLIR
// RUN: tensor-opt %s --loop-invariant-code-motion --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: (S) 8 num-hoisted
// MLIR-LABEL: func.func @affine_nest
// MLIR-LABEL: func.func @scf_loops

// A chain of invariant ops leaves both loops; the apply of %i leaves only
// the inner one; loads and stores stay.
// CHECK-LABEL: func.func @affine_nest(
// CHECK-SAME: %[[A:.*]]: memref<16x16xf32>, %[[X:.*]]: f32, %{{.*}}: index)
// CHECK-NEXT: %[[C:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[C]], %[[X]] : f32
// CHECK-NEXT: affine.for %[[I:.*]] = 0 to 16 {
// CHECK-NEXT:   affine.apply affine_map<(d0) -> (d0 * 2)>(%[[I]])
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 16 {
// CHECK-NEXT:     %[[V:.*]] = affine.load %[[A]][%[[I]], %[[J]]]
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[V]], %[[D]] : f32
// CHECK-NEXT:     affine.store %[[S]], %[[A]][%[[I]], %[[J]]]
func.func @affine_nest(%a: memref<16x16xf32>, %x: f32, %n: index) {
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 16 {
      %k = affine.apply affine_map<(d0) -> (d0 * 2)>(%i)
      %c = arith.mulf %x, %x : f32
      %d = arith.addf %c, %x : f32
      %v = affine.load %a[%i, %j] : memref<16x16xf32>
      %s = arith.addf %v, %d : f32
      affine.store %s, %a[%i, %j] : memref<16x16xf32>
    }
  }
  return
}

// A division by a constant other than 0 and -1 is speculatable and moves;
// one by a value that may be 0 stays, as does the load. Both regions of
// scf.while are loop bodies.
// CHECK-LABEL: func.func @scf_loops(
// CHECK-SAME: %[[M:.*]]: memref<16xindex>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[N:.*]]: index)
// CHECK:      %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[Q:.*]] = arith.divsi %[[N]], %[[C3]] : index
// CHECK-NEXT: scf.for
// CHECK-NEXT:   %[[UNSAFE:.*]] = arith.divsi %[[C3]], %[[N]] : index
// CHECK-NEXT:   memref.load %[[M]]
// CHECK:        scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[LIM:.*]] = arith.muli %[[N]], %[[C3]] : index
// CHECK-NEXT: %[[INC:.*]] = arith.addi %[[N]], %[[C3]] : index
// CHECK-NEXT: scf.while
// CHECK-NEXT:   arith.cmpi slt, %{{.*}}, %[[LIM]] : index
// CHECK:        arith.addi %{{.*}}, %[[INC]] : index
func.func @scf_loops(%a: memref<16xindex>, %lb: index, %ub: index, %s: index, %n: index) -> index {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %lb to %ub step %s iter_args(%acc = %c0) -> (index) {
    %q = arith.divsi %n, %c3 : index
    %unsafe = arith.divsi %c3, %n : index
    %v = memref.load %a[%i] : memref<16xindex>
    %t = arith.addi %acc, %q : index
    %u = arith.addi %t, %unsafe : index
    %w = arith.addi %u, %v : index
    scf.yield %w : index
  }
  %w = scf.while (%arg = %r) : (index) -> index {
    %lim = arith.muli %n, %c3 : index
    %cond = arith.cmpi slt, %arg, %lim : index
    scf.condition(%cond) %arg : index
  } do {
  ^bb0(%b: index):
    %inc = arith.addi %n, %c3 : index
    %nb = arith.addi %b, %inc : index
    scf.yield %nb : index
  }
  return %w : index
}
