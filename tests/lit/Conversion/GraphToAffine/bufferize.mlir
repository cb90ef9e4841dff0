// convert-graph-to-affine's bufferization contract: tensor arguments
// become memref arguments and tensor results trailing memref out-params
// (the function returns nothing); calls pass memrefs the same way, the
// caller allocating the destinations; constants become private constant
// memref.globals (equal ones shared, large ones kept as hex blobs) read
// with memref.get_global; temporaries are memref.alloc'ed and dealloc'ed
// after their last use; a result computed directly into its out-param is
// not copied, while a returned argument or constant (or a value returned
// twice) is copied by a loop. With buffer-reuse (default) element-wise
// ops run in place on a dying operand and temporaries take dead buffers of
// their type. mlir-opt-19 accepts the output.
// REQUIRES: mlir-opt
// RUN: tensor-opt %s --convert-graph-to-affine | FileCheck %s
// RUN: tensor-opt %s --convert-graph-to-affine | mlir-opt-19 -o /dev/null
// RUN: tensor-opt %s --pass-pipeline='builtin.module(convert-graph-to-affine{buffer-reuse=false})' | FileCheck %s --check-prefix=NOREUSE
// RUN: tensor-opt %s --convert-graph-to-affine --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: convert-graph-to-affine
// STATS-DAG: (S) {{ *}}12 num-ops-lowered
// STATS-DAG: (S) {{ *}}5 num-allocs
// STATS-DAG: (S) {{ *}}3 num-reused
// STATS-DAG: (S) {{ *}}160 peak-bytes-before-reuse
// STATS-DAG: (S) {{ *}}96 peak-bytes
// STATS-DAG: (S) {{ *}}96 peak-live-bytes

// The globals come first; the two equal constants share one.
// CHECK: memref.global "private" constant @__constant_0 : memref<3xf32> = dense<[1.000000e+00, -2.000000e+00, 5.000000e-01]>
// CHECK-NEXT: memref.global "private" constant @__constant_1 : memref<128xf32> = dense<"0x000000000000003F0000803F
// CHECK-NOT: memref.global

// CHECK-LABEL: func.func private @helper(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x3xf32>, %[[B:[^:]*]]: memref<3xf32>, %[[R0:[^:]*]]: memref<2x3xf32>, %[[R1:[^:]*]]: memref<3xf32>) {
// CHECK: affine.store %{{.*}}, %[[R0]]
// The returned argument is copied into its out-param.
// CHECK: affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT: %[[V:.*]] = affine.load %[[B]][%[[I]]] : memref<3xf32>
// CHECK-NEXT: affine.store %[[V]], %[[R1]][%[[I]]] : memref<3xf32>
// CHECK: func.return{{$}}
func.func private @helper(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>) {
  %0 = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %0, %b : tensor<2x3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: memref<2x3xf32>, %[[Y:[^:]*]]: memref<3xf32>, %[[O0:[^:]*]]: memref<2x3xf32>, %[[O1:[^:]*]]: memref<2x3xf32>, %[[O2:[^:]*]]: memref<3xf32>, %[[O3:[^:]*]]: memref<3xf32>) {
// CHECK-NEXT: %[[C:.*]] = memref.get_global @__constant_0 : memref<3xf32>
// CHECK-NEXT: %[[T0:.*]] = memref.alloc() : memref<2x3xf32>
// CHECK-NEXT: %[[T1:.*]] = memref.alloc() : memref<3xf32>
// CHECK-NEXT: func.call @helper(%[[X]], %[[Y]], %[[T0]], %[[T1]]) : (memref<2x3xf32>, memref<3xf32>, memref<2x3xf32>, memref<3xf32>) -> ()
// The multiply runs in place in the first call's result.
// CHECK: %[[P:.*]] = affine.load %[[T0]]
// CHECK-NEXT: %[[Q:.*]] = affine.load %[[X]]
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[P]], %[[Q]] : f32
// CHECK-NEXT: affine.store %[[M]], %[[T0]]
// The second call writes the returned value straight into out-param 0,
// and its unused-before second result reuses the dead buffer T1.
// CHECK: func.call @helper(%[[T0]], %[[C]], %[[O0]], %[[T1]])
// CHECK-NEXT: memref.dealloc %[[T0]] : memref<2x3xf32>
// CHECK: arith.addf
// CHECK: affine.store %{{.*}}, %[[O2]]
// CHECK: memref.dealloc %[[T1]] : memref<3xf32>
// Returned twice: copied from out-param 0; the constant is copied too.
// CHECK: %[[V:.*]] = affine.load %[[O0]]
// CHECK-NEXT: affine.store %[[V]], %[[O1]]
// CHECK: %[[V:.*]] = affine.load %[[C]]
// CHECK-NEXT: affine.store %[[V]], %[[O3]]
// CHECK: func.return{{$}}
func.func @main(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = graph.constant {value = dense<[1.0, -2.0, 0.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  %d = graph.constant {value = dense<[1.0, -2.0, 0.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  %0:2 = func.call @helper(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
  %1 = graph.mul %0#0, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2:2 = func.call @helper(%1, %c) : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>)
  %3 = graph.add %2#1, %d : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  func.return %2#0, %2#0, %3, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// The transpose takes the exp's 4x4 buffer once the reduce_sum has read
// it; without reuse it gets a buffer of its own.
// CHECK-LABEL: func.func @reuse(
// CHECK: %[[E:.*]] = memref.alloc() : memref<4x4xf32>
// CHECK: math.exp
// CHECK: %[[S:.*]] = memref.alloc() : memref<4xf32>
// CHECK: affine.load %[[E]]
// CHECK-NOT: memref.alloc() : memref<4x4xf32>
// CHECK: affine.store %{{.*}}, %[[E]][%{{.*}}, %{{.*}}] : memref<4x4xf32>
// CHECK: %[[M:.*]] = memref.alloc() : memref<4xf32>
// CHECK: arith.maximumf
// CHECK: memref.dealloc %[[E]] : memref<4x4xf32>
// CHECK: arith.addf
// CHECK: memref.dealloc %[[S]] : memref<4xf32>
// CHECK-NEXT: memref.dealloc %[[M]] : memref<4xf32>
// NOREUSE-LABEL: func.func @reuse(
// NOREUSE: %[[E:.*]] = memref.alloc() : memref<4x4xf32>
// NOREUSE: math.exp
// NOREUSE: memref.dealloc %[[E]] : memref<4x4xf32>
// NOREUSE: %[[T:.*]] = memref.alloc() : memref<4x4xf32>
// NOREUSE: memref.dealloc %[[T]] : memref<4x4xf32>
func.func @reuse(%x: tensor<4x4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = graph.reduce_sum %0 {axes = array<i64: 1>} : (tensor<4x4xf32>) -> tensor<4xf32>
  %2 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %3 = graph.reduce_max %2 {axes = array<i64: 0>} : (tensor<4x4xf32>) -> tensor<4xf32>
  %4 = graph.add %1, %3 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %4 : tensor<4xf32>
}

// A large constant stays a hex blob; rank-0 buffers have no loops.
// CHECK-LABEL: func.func @hex(
// CHECK-SAME: %[[X:[^:]*]]: memref<f32>, %[[OUT:[^:]*]]: memref<128xf32>) {
// CHECK: memref.get_global @__constant_1 : memref<128xf32>
// CHECK: affine.load %[[X]][] : memref<f32>
func.func @hex(%x: tensor<f32>) -> tensor<128xf32> {
  %c = graph.constant {value = dense<"0x000000000000003F0000803F0000C03F0000004000002040000040400000604000008040000090400000A0400000B0400000C0400000D0400000E0400000F0400000004100000841000010410000184100002041000028410000304100003841000040410000484100005041000058410000604100006841000070410000784100008041000084410000884100008C4100009041000094410000984100009C410000A0410000A4410000A8410000AC410000B0410000B4410000B8410000BC410000C0410000C4410000C8410000CC410000D0410000D4410000D8410000DC410000E0410000E4410000E8410000EC410000F0410000F4410000F8410000FC41000000420000024200000442000006420000084200000A4200000C4200000E42000010420000124200001442000016420000184200001A4200001C4200001E42000020420000224200002442000026420000284200002A4200002C4200002E42000030420000324200003442000036420000384200003A4200003C4200003E42000040420000424200004442000046420000484200004A4200004C4200004E42000050420000524200005442000056420000584200005A4200005C4200005E42000060420000624200006442000066420000684200006A4200006C4200006E42000070420000724200007442000076420000784200007A4200007C4200007E42"> : tensor<128xf32>} : () -> tensor<128xf32>
  %0 = graph.mul %c, %x : (tensor<128xf32>, tensor<f32>) -> tensor<128xf32>
  func.return %0 : tensor<128xf32>
}

// A function without tensors is left alone.
// CHECK-LABEL: func.func @scalar(
// CHECK-SAME: %{{.*}}: f32) -> f32 {
func.func @scalar(%x: f32) -> f32 {
  func.return %x : f32
}
