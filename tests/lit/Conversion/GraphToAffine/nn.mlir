// convert-graph-to-affine on the NCHW ops. conv2d with one group: im2col
// into a scratch matrix, then the matmul lowering's i, k, j nest (the
// direct form with conv-im2col=false). conv2d with groups and the pools:
// the output is initialized, then a perfect window nest accumulates into
// it. The input position is affine in the loop indices and padding is an
// affine.if on the in-bounds integer set (only the constraints that can
// fail). avg_pool2d divides by the count of non-padding elements. The
// normalizations compute in the element type. mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null
// RUN: tensor-opt %s --pass-pipeline='builtin.module(convert-graph-to-affine{conv-im2col=false})' | FileCheck %s --check-prefix=DIRECT
// RUN: tensor-opt %s --pass-pipeline='builtin.module(convert-graph-to-affine{conv-im2col=false})' | mlir-opt-19 -o /dev/null

// One group, 2 images, strides 2, top/bottom padding 1, width dilation 2:
// K = C*KH*KW = 18 rows of col, P = OH*OW = 3 columns. The weights are
// copied into a [O, K] matrix once; padding positions of col are zeroed
// once (they are the same for every image); per image, the copy nest
// fills col, res = wm * col in i, k, j order, and res is copied to out.
// CHECK-LABEL: func.func @conv_im2col(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x2x5x5xf32>, %[[W:[^:]*]]: memref<3x2x3x3xf32>, %[[OUT:[^:]*]]: memref<2x3x3x1xf32>) {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[WM:.*]] = memref.alloc() : memref<3x18xf32>
// CHECK-NEXT: %[[COL:.*]] = memref.alloc() : memref<18x3xf32>
// CHECK-NEXT: %[[RES:.*]] = memref.alloc() : memref<3x3xf32>
// CHECK-NEXT: affine.for %[[O:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[C:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[KH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[KW:.*]] = 0 to 3 {
// CHECK-NEXT: %[[WV:.*]] = affine.load %[[W]][%[[O]], %[[C]], %[[KH]], %[[KW]]] : memref<3x2x3x3xf32>
// CHECK-NEXT: affine.store %[[WV]], %[[WM]][%[[O]], %[[C]] * 9 + %[[KH]] * 3 + %[[KW]]] : memref<3x18xf32>
// CHECK: affine.for %[[K:.*]] = 0 to 18 {
// CHECK-NEXT: affine.for %[[P:.*]] = 0 to 3 {
// CHECK-NEXT: affine.store %[[ZERO]], %[[COL]][%[[K]], %[[P]]] : memref<18x3xf32>
// CHECK: affine.for %[[N:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[C:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[KH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[KW:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[OH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[OW:.*]] = 0 to 1 {
// CHECK-NEXT: affine.if affine_set<(d0, d1) : (d1 * 2 + d0 - 1 >= 0, -(d1 * 2 + d0 - 1) + 4 >= 0)>(%[[KH]], %[[OH]]) {
// CHECK-NEXT: %[[XV:.*]] = affine.load %[[X]][%[[N]], %[[C]], %[[OH]] * 2 + %[[KH]] - 1, %[[OW]] * 2 + %[[KW]] * 2] : memref<2x2x5x5xf32>
// CHECK-NEXT: affine.store %[[XV]], %[[COL]][%[[C]] * 9 + %[[KH]] * 3 + %[[KW]], %[[OH]] + %[[OW]]] : memref<18x3xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: affine.store %[[ZERO]], %[[RES]][%[[I]], %[[J]]] : memref<3x3xf32>
// CHECK: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 18 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: %[[A:.*]] = affine.load %[[WM]][%[[I]], %[[K]]] : memref<3x18xf32>
// CHECK-NEXT: %[[B:.*]] = affine.load %[[COL]][%[[K]], %[[J]]] : memref<18x3xf32>
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[RES]][%[[I]], %[[J]]] : memref<3x3xf32>
// CHECK-NEXT: %[[PR:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[PR]] : f32
// CHECK-NEXT: affine.store %[[S]], %[[RES]][%[[I]], %[[J]]] : memref<3x3xf32>
// CHECK: affine.for %[[O:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[OH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[OW:.*]] = 0 to 1 {
// CHECK-NEXT: %[[RV:.*]] = affine.load %[[RES]][%[[O]], %[[OH]] + %[[OW]]] : memref<3x3xf32>
// CHECK-NEXT: affine.store %[[RV]], %[[OUT]][%[[N]], %[[O]], %[[OH]], %[[OW]]] : memref<2x3x3x1xf32>
// CHECK: memref.dealloc %[[WM]] : memref<3x18xf32>
// CHECK-NEXT: memref.dealloc %[[COL]] : memref<18x3xf32>
// CHECK-NEXT: memref.dealloc %[[RES]] : memref<3x3xf32>
// CHECK-NEXT: func.return

// conv-im2col=false keeps the direct nest for one group too.
// DIRECT-LABEL: func.func @conv_im2col(
// DIRECT-NOT: memref.alloc
// DIRECT: affine.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<2x3x3x1xf32>
// DIRECT: affine.for %[[N:.*]] = 0 to 2 {
// DIRECT-NEXT: affine.for %[[O:.*]] = 0 to 3 {
// DIRECT-NEXT: affine.for %[[OH:.*]] = 0 to 3 {
// DIRECT-NEXT: affine.for %[[OW:.*]] = 0 to 1 {
// DIRECT-NEXT: affine.for %[[C:.*]] = 0 to 2 {
// DIRECT-NEXT: affine.for %[[KH:.*]] = 0 to 3 {
// DIRECT-NEXT: affine.for %[[KW:.*]] = 0 to 3 {
// DIRECT-NEXT: affine.if
// DIRECT-NEXT: affine.load %{{.*}}[%[[N]], %[[O]], %[[OH]], %[[OW]]] : memref<2x3x3x1xf32>
// DIRECT-NEXT: affine.load %{{.*}}[%[[N]], %[[C]], %[[OH]] * 2 + %[[KH]] - 1, %[[OW]] * 2 + %[[KW]] * 2] : memref<2x2x5x5xf32>
// DIRECT-NEXT: affine.load %{{.*}}[%[[O]], %[[C]], %[[KH]], %[[KW]]] : memref<3x2x3x3xf32>
// DIRECT-LABEL: func.func @conv(
func.func @conv_im2col(%x: tensor<2x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<2x3x3x1xf32> {
  %0 = graph.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 2>, groups = 1 : i64} : (tensor<2x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<2x3x3x1xf32>
  func.return %0 : tensor<2x3x3x1xf32>
}

// Groups keep the direct nest. Strides 2, top/bottom padding 1, width
// dilation 2, 2 groups of 3 output channels: input channel
// (o floordiv 3) * 2 + c.
// CHECK-LABEL: func.func @conv(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x4x5x5xf32>, %[[W:[^:]*]]: memref<6x2x3x3xf32>, %[[OUT:[^:]*]]: memref<1x6x3x1xf32>) {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: affine.store %[[ZERO]], %[[OUT]]
// CHECK: affine.for %[[N:.*]] = 0 to 1 {
// CHECK-NEXT: affine.for %[[O:.*]] = 0 to 6 {
// CHECK-NEXT: affine.for %[[OH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[OW:.*]] = 0 to 1 {
// CHECK-NEXT: affine.for %[[C:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[KH:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[KW:.*]] = 0 to 3 {
// CHECK-NEXT: affine.if affine_set<(d0, d1) : (d0 * 2 + d1 - 1 >= 0, -(d0 * 2 + d1 - 1) + 4 >= 0)>(%[[OH]], %[[KH]]) {
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[OUT]][%[[N]], %[[O]], %[[OH]], %[[OW]]] : memref<1x6x3x1xf32>
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[N]], (%[[O]] floordiv 3) * 2 + %[[C]], %[[OH]] * 2 + %[[KH]] - 1, %[[OW]] * 2 + %[[KW]] * 2] : memref<1x4x5x5xf32>
// CHECK-NEXT: %[[K:.*]] = affine.load %[[W]][%[[O]], %[[C]], %[[KH]], %[[KW]]] : memref<6x2x3x3xf32>
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[V]], %[[K]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: affine.store %[[S]], %[[OUT]][%[[N]], %[[O]], %[[OH]], %[[OW]]] : memref<1x6x3x1xf32>
func.func @conv(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x1xf32> {
  %0 = graph.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 2>, groups = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x1xf32>
  func.return %0 : tensor<1x6x3x1xf32>
}

// max pads with -inf (the initial value) and propagates NaN; avg without
// padding divides by the window size, with padding by the per-position
// count max(0, min(start + k, size) - max(start, 0)) per axis.
// CHECK-LABEL: func.func @pools(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x2x4x4xf32>, %[[MAX:[^:]*]]: memref<1x2x2x2xf32>, %[[AVG:[^:]*]]: memref<1x2x3x3xf32>, %[[AVGP:[^:]*]]: memref<1x2x2x2xf32>) {
// CHECK-DAG: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-DAG: %[[IZERO:.*]] = arith.constant 0 : index
// CHECK: affine.store %[[NINF]], %[[MAX]]
// CHECK: affine.if affine_set<(d0, d1, d2, d3) : (d0 * 2 + d2 - 1 >= 0, d1 * 2 + d3 - 1 >= 0)>
// CHECK-NEXT: %[[ACC:.*]] = affine.load %[[MAX]]
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[ACC]], %[[V]] : f32
// CHECK: affine.store %[[ZERO]], %[[AVG]]
// CHECK: %[[ACC:.*]] = affine.load %[[AVG]]
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%{{.*}}, %{{.*}}, %[[OH:.*]] + %[[KH:.*]], %[[OW:.*]] + %[[KW:.*]]] : memref<1x2x4x4xf32>
// CHECK-NEXT: arith.addf %[[ACC]], %[[V]] : f32
// CHECK: %[[S:.*]] = affine.load %[[AVG]]
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[S]], %[[FOUR]] : f32
// CHECK-NEXT: affine.store %[[R]], %[[AVG]]
// CHECK: affine.store %[[ZERO]], %[[AVGP]]
// CHECK: affine.if
// CHECK: affine.for %{{.*}} = 0 to 1 {
// CHECK-NEXT: affine.for %{{.*}} = 0 to 2 {
// CHECK-NEXT: affine.for %[[OH:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[OW:.*]] = 0 to 2 {
// CHECK-NEXT: %[[HI:.*]] = affine.min affine_map<(d0) -> (d0 * 2 + 2, 4)>(%[[OH]])
// CHECK-NEXT: %[[LO:.*]] = affine.max affine_map<(d0) -> (d0 * 2 - 1, 0)>(%[[OH]])
// CHECK-NEXT: %[[E:.*]] = arith.subi %[[HI]], %[[LO]] : index
// CHECK-NEXT: %[[CH:.*]] = arith.maxsi %[[E]], %[[IZERO]] : index
// CHECK-NEXT: %[[HI:.*]] = affine.min affine_map<(d0) -> (d0 * 2 + 2, 4)>(%[[OW]])
// CHECK-NEXT: %[[LO:.*]] = affine.max affine_map<(d0) -> (d0 * 2 - 1, 0)>(%[[OW]])
// CHECK-NEXT: %[[E:.*]] = arith.subi %[[HI]], %[[LO]] : index
// CHECK-NEXT: %[[CW:.*]] = arith.maxsi %[[E]], %[[IZERO]] : index
// CHECK-NEXT: %[[CNT:.*]] = arith.muli %[[CH]], %[[CW]] : index
// CHECK-NEXT: %[[CI:.*]] = arith.index_cast %[[CNT]] : index to i64
// CHECK-NEXT: %[[CF:.*]] = arith.sitofp %[[CI]] : i64 to f32
// CHECK-NEXT: %[[S:.*]] = affine.load %[[AVGP]][%{{.*}}, %{{.*}}, %[[OH]], %[[OW]]] : memref<1x2x2x2xf32>
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[S]], %[[CF]] : f32
func.func @pools(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) {
  %0 = graph.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %1 = graph.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32>
  %2 = graph.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  func.return %0, %1, %2 : tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>
}

// batch_norm: one nest, (x - mean[c]) * (1 / sqrt(var[c] + eps)) * scale[c] + bias[c].
// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3x4xf32>, %[[S:[^:]*]]: memref<3xf32>, %[[B:[^:]*]]: memref<3xf32>, %[[M:[^:]*]]: memref<3xf32>, %[[V:[^:]*]]: memref<3xf32>, %[[OUT:[^:]*]]: memref<2x3x4xf32>) {
// CHECK-DAG: %[[EPS:.*]] = arith.constant 1.000000e-05 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[C:.*]] = 0 to 3 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT: %[[XV:.*]] = affine.load %[[X]][%[[I]], %[[C]], %[[J]]] : memref<2x3x4xf32>
// CHECK-NEXT: %[[MV:.*]] = affine.load %[[M]][%[[C]]] : memref<3xf32>
// CHECK-NEXT: %[[VV:.*]] = affine.load %[[V]][%[[C]]] : memref<3xf32>
// CHECK-NEXT: %[[SV:.*]] = affine.load %[[S]][%[[C]]] : memref<3xf32>
// CHECK-NEXT: %[[BV:.*]] = affine.load %[[B]][%[[C]]] : memref<3xf32>
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[VV]], %[[EPS]] : f32
// CHECK-NEXT: %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[INV:.*]] = arith.divf %[[ONE]], %[[SD]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.mulf %[[D]], %[[INV]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[N]], %[[SV]] : f32
// CHECK-NEXT: %[[R2:.*]] = arith.addf %[[R]], %[[BV]] : f32
// CHECK-NEXT: affine.store %[[R2]], %[[OUT]][%[[I]], %[[C]], %[[J]]] : memref<2x3x4xf32>
func.func @batch_norm(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  func.return %0 : tensor<2x3x4xf32>
}

// layer_norm over the last dim: per row, the mean and the population
// variance in iter_args, then the normalized row.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3x4xf32>, %[[S:[^:]*]]: memref<4xf32>, %[[B:[^:]*]]: memref<4xf32>, %[[OUT:[^:]*]]: memref<2x3x4xf32>) {
// CHECK-DAG: %[[EPS:.*]] = arith.constant 1.000000e-05 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: affine.for %[[I:.*]] = 0 to 2 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT: %[[SUM:.*]] = affine.for %[[K:.*]] = 0 to 4 iter_args(%[[A:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]], %[[K]]] : memref<2x3x4xf32>
// CHECK-NEXT: %[[A2:.*]] = arith.addf %[[A]], %[[V]] : f32
// CHECK-NEXT: affine.yield %[[A2]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]], %[[N]] : f32
// CHECK-NEXT: %[[SS:.*]] = affine.for %[[K:.*]] = 0 to 4 iter_args(%[[A:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]], %[[K]]] : memref<2x3x4xf32>
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %[[MEAN]] : f32
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT: %[[A2:.*]] = arith.addf %[[A]], %[[SQ]] : f32
// CHECK-NEXT: affine.yield %[[A2]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[VAR:.*]] = arith.divf %[[SS]], %[[N]] : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK-NEXT: %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[INV:.*]] = arith.divf %[[ONE]], %[[SD]] : f32
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 4 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[X]][%[[I]], %[[J]], %[[K]]] : memref<2x3x4xf32>
// CHECK-NEXT: %[[SV:.*]] = affine.load %[[S]][%[[K]]] : memref<4xf32>
// CHECK-NEXT: %[[BV:.*]] = affine.load %[[B]][%[[K]]] : memref<4xf32>
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %[[MEAN]] : f32
// CHECK-NEXT: %[[NR:.*]] = arith.mulf %[[D]], %[[INV]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[NR]], %[[SV]] : f32
// CHECK-NEXT: %[[R2:.*]] = arith.addf %[[R]], %[[BV]] : f32
// CHECK-NEXT: affine.store %[[R2]], %[[OUT]][%[[I]], %[[J]], %[[K]]] : memref<2x3x4xf32>
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = graph.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  func.return %0 : tensor<2x3x4xf32>
}
