// lower-affine rewrites every affine op into scf, arith and memref ops,
// as mlir-opt --lower-affine does; mlir-opt-19 reads the result.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --lower-affine | FileCheck %s --implicit-check-not=affine.
// RUN: tensor-opt %s --lower-affine | mlir-opt-19 | FileCheck %s --check-prefix=MLIR --implicit-check-not=affine.
// RUN: tensor-opt %s --lower-affine --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: lower-affine
// STATS: (S) 20 num-lowered

// MLIR-LABEL: func.func @for_iter_args
// MLIR: scf.for
// MLIR-LABEL: func.func @parallel
// MLIR: scf.parallel
// MLIR: scf.reduce

// CHECK-LABEL: func.func @for_iter_args(
// CHECK-SAME: %[[M:.*]]: memref<16xf32>, %[[INIT:.*]]: f32)
// CHECK:      %[[LB:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.*]] = arith.constant 10 : index
// CHECK-NEXT: %[[STEP:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[R:.*]] = scf.for %[[I:.*]] = %[[LB]] to %[[UB]] step %[[STEP]] iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[IP1:.*]] = arith.addi %[[I]], %[[ONE]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[M]][%[[IP1]]] : memref<16xf32>
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:   scf.yield %[[S]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: func.return %[[R]] : f32
func.func @for_iter_args(%m: memref<16xf32>, %init: f32) -> f32 {
  %sum = affine.for %i = 0 to 10 step 2 iter_args(%acc = %init) -> (f32) {
    %v = affine.load %m[%i + 1] : memref<16xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %sum : f32
}

// A multi-result lower bound is the max of its results, an upper bound the min.
// CHECK-LABEL: func.func @bounds(
// CHECK-SAME: %[[M:.*]]: memref<16xf32>, %[[N:.*]]: index, %[[X:.*]]: f32)
// CHECK:      scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:   %[[M2:.*]] = arith.constant -2 : index
// CHECK-NEXT:   %[[NM2:.*]] = arith.addi %[[N]], %[[M2]] : index
// CHECK-NEXT:   %[[LB:.*]] = arith.maxsi %[[I]], %[[NM2]] : index
// CHECK-NEXT:   %[[C8:.*]] = arith.constant 8 : index
// CHECK-NEXT:   %[[IP8:.*]] = arith.addi %[[I]], %[[C8]] : index
// CHECK-NEXT:   %[[UB:.*]] = arith.minsi %[[IP8]], %[[N]] : index
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:   scf.for %[[J:.*]] = %[[LB]] to %[[UB]] step %[[ONE]] {
// CHECK-NEXT:     memref.store %[[X]], %[[M]][%[[J]]] : memref<16xf32>
func.func @bounds(%m: memref<16xf32>, %n: index, %x: f32) {
  affine.for %i = 0 to 16 {
    affine.for %j = max affine_map<(d0)[s0] -> (d0, s0 - 2)>(%i)[%n] to min affine_map<(d0)[s0] -> (d0 + 8, s0)>(%i)[%n] {
      affine.store %x, %m[%j] : memref<16xf32>
    }
  }
  return
}

// floordiv rounds towards -inf, ceildiv towards +inf, mod is in [0, b).
// CHECK-LABEL: func.func @divisions(
// CHECK-SAME: %[[I:.*]]: index, %[[N:.*]]: index)
// CHECK:      %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[CM1:.*]] = arith.constant -1 : index
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpi slt, %[[I]], %[[C0]] : index
// CHECK-NEXT: %[[FLIP:.*]] = arith.subi %[[CM1]], %[[I]] : index
// CHECK-NEXT: %[[DVD:.*]] = arith.select %[[NEG]], %[[FLIP]], %[[I]] : index
// CHECK-NEXT: %[[Q:.*]] = arith.divsi %[[DVD]], %[[C3]] : index
// CHECK-NEXT: %[[QF:.*]] = arith.subi %[[CM1]], %[[Q]] : index
// CHECK-NEXT: %[[FLOOR:.*]] = arith.select %[[NEG]], %[[QF]], %[[Q]] : index
// CHECK-NEXT: %[[C5:.*]] = arith.constant 5 : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[NP:.*]] = arith.cmpi sle, %[[I]], %[[Z]] : index
// CHECK-NEXT: %[[NEGI:.*]] = arith.subi %[[Z]], %[[I]] : index
// CHECK-NEXT: %[[DEC:.*]] = arith.subi %[[I]], %[[ONE]] : index
// CHECK-NEXT: %[[D2:.*]] = arith.select %[[NP]], %[[NEGI]], %[[DEC]] : index
// CHECK-NEXT: %[[Q2:.*]] = arith.divsi %[[D2]], %[[C5]] : index
// CHECK-NEXT: %[[NQ:.*]] = arith.subi %[[Z]], %[[Q2]] : index
// CHECK-NEXT: %[[IQ:.*]] = arith.addi %[[Q2]], %[[ONE]] : index
// CHECK-NEXT: %[[CEIL:.*]] = arith.select %[[NP]], %[[NQ]], %[[IQ]] : index
// CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[REM:.*]] = arith.remsi %[[I]], %[[C4]] : index
// CHECK-NEXT: %[[Z2:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[RNEG:.*]] = arith.cmpi slt, %[[REM]], %[[Z2]] : index
// CHECK-NEXT: %[[RADD:.*]] = arith.addi %[[REM]], %[[C4]] : index
// CHECK-NEXT: %[[MOD:.*]] = arith.select %[[RNEG]], %[[RADD]], %[[REM]] : index
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[N2:.*]] = arith.muli %[[N]], %[[C2]] : index
// CHECK-NEXT: %[[SUM:.*]] = arith.addi %[[MOD]], %[[N2]] : index
// CHECK-NEXT: %[[CM1B:.*]] = arith.constant -1 : index
// CHECK-NEXT: %[[RES:.*]] = arith.addi %[[SUM]], %[[CM1B]] : index
// CHECK-NEXT: func.return %[[FLOOR]], %[[CEIL]], %[[RES]]
func.func @divisions(%i: index, %n: index) -> (index, index, index) {
  %f = affine.apply affine_map<(d0) -> (d0 floordiv 3)>(%i)
  %c = affine.apply affine_map<(d0) -> (d0 ceildiv 5)>(%i)
  %r = affine.apply affine_map<(d0)[s0] -> (d0 mod 4 + s0 * 2 - 1)>(%i)[%n]
  return %f, %c, %r : index, index, index
}

// CHECK-LABEL: func.func @min_max(
// CHECK-SAME: %[[I:.*]]: index)
// CHECK:      %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[A:.*]] = arith.addi %[[I]], %[[C4]] : index
// CHECK-NEXT: %[[C10:.*]] = arith.constant 10 : index
// CHECK-NEXT: %[[MIN:.*]] = arith.minsi %[[A]], %[[C10]] : index
// CHECK-NEXT: %[[CM4:.*]] = arith.constant -4 : index
// CHECK-NEXT: %[[B:.*]] = arith.addi %[[I]], %[[CM4]] : index
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[CM1:.*]] = arith.constant -1 : index
// CHECK-NEXT: %[[NI:.*]] = arith.muli %[[I]], %[[CM1]] : index
// CHECK-NEXT: %[[M1:.*]] = arith.maxsi %[[B]], %[[C0]] : index
// CHECK-NEXT: %[[MAX:.*]] = arith.maxsi %[[M1]], %[[NI]] : index
// CHECK-NEXT: func.return %[[MIN]], %[[MAX]]
func.func @min_max(%i: index) -> (index, index) {
  %mn = affine.min affine_map<(d0) -> (d0 + 4, 10)>(%i)
  %mx = affine.max affine_map<(d0) -> (d0 - 4, 0, -d0)>(%i)
  return %mn, %mx : index, index
}

// Each constraint is compared with 0 (sge, or eq for equalities); the
// comparisons are joined by andi.
// CHECK-LABEL: func.func @conditional(
// CHECK:      scf.for %[[I:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK:        %[[GE:.*]] = arith.cmpi sge, %{{.*}}, %[[Z:.*]] : index
// CHECK:        %[[EQ:.*]] = arith.cmpi eq, %{{.*}}, %[[Z]] : index
// CHECK-NEXT:   %[[COND:.*]] = arith.andi %[[GE]], %[[EQ]] : i1
// CHECK-NEXT:   %[[V:.*]] = scf.if %[[COND]] -> (f32) {
// CHECK-NEXT:     %[[L:.*]] = memref.load %{{.*}}[%[[I]]] : memref<16xf32>
// CHECK-NEXT:     scf.yield %[[L]] : f32
// CHECK-NEXT:   } else {
// CHECK-NEXT:     scf.yield %[[ACC]] : f32
// CHECK-NEXT:   }
// CHECK:        %[[GE3:.*]] = arith.cmpi sge, %{{.*}}, %{{.*}} : index
// CHECK-NEXT:   scf.if %[[GE3]] {
// CHECK:          memref.store %[[V]]
// CHECK:        scf.yield %[[V]] : f32
func.func @conditional(%m: memref<16xf32>, %n: index, %x: f32) -> f32 {
  %r = affine.for %i = 0 to 16 iter_args(%acc = %x) -> (f32) {
    %v = affine.if affine_set<(d0)[s0] : (s0 - d0 - 1 >= 0, d0 mod 2 == 0)>(%i)[%n] -> f32 {
      %l = affine.load %m[%i] : memref<16xf32>
      affine.yield %l : f32
    } else {
      affine.yield %acc : f32
    }
    affine.if affine_set<(d0) : (d0 - 3 >= 0)>(%i) {
      affine.store %v, %m[%i - 3] : memref<16xf32>
    }
    affine.yield %v : f32
  }
  return %r : f32
}

// Reductions start from their identity (0 for addf, -inf for maximumf).
// CHECK-LABEL: func.func @parallel(
// CHECK:      scf.parallel (%[[I:.*]], %[[J:.*]]) = (%[[Z:.*]], %[[Z]]) to (%{{.*}}, %{{.*}}) step (%[[ONE:.*]], %[[ONE]]) {
// CHECK:        memref.store
// CHECK-NEXT:   scf.reduce
// CHECK-NEXT: }
// CHECK:      %[[LB:.*]] = arith.maxsi
// CHECK:      %[[UB:.*]] = arith.minsi
// CHECK-NEXT: %[[STEP:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %{{.*}}:2 = scf.parallel (%{{.*}}) = (%[[LB]]) to (%[[UB]]) step (%[[STEP]]) init (%[[ZERO]], %[[NINF]]) -> (f32, f32) {
// CHECK:        %[[V:.*]] = memref.load
// CHECK-NEXT:   scf.reduce(%[[V]], %[[V]] : f32, f32) {
// CHECK-NEXT:   ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32):
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:     scf.reduce.return %[[S]] : f32
// CHECK-NEXT:   }, {
// CHECK-NEXT:   ^bb0(%[[C:.*]]: f32, %[[D:.*]]: f32):
// CHECK-NEXT:     %[[MX:.*]] = arith.maximumf %[[C]], %[[D]] : f32
// CHECK-NEXT:     scf.reduce.return %[[MX]] : f32
func.func @parallel(%m: memref<16x4xf32>, %n: index) -> (f32, f32) {
  affine.parallel (%i, %j) = (0, 0) to (16, 4) {
    %v = affine.load %m[%i, %j] : memref<16x4xf32>
    %d = arith.addf %v, %v : f32
    affine.store %d, %m[%i, %j] : memref<16x4xf32>
  }
  %r:2 = affine.parallel (%i) = (max(0, %n - 8)) to (min(16, %n)) step (2) reduce ("addf", "maximumf") -> (f32, f32) {
    %v = affine.load %m[%i, 0] : memref<16x4xf32>
    affine.yield %v, %v : f32, f32
  }
  return %r#0, %r#1 : f32, f32
}

