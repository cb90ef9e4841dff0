// Builtin types, function and tuple types, opaque dialect types and type
// aliases print as MLIR prints them and read back to the same text.
// RUN: tensor-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | tensor-opt --allow-unregistered-dialect | FileCheck %s

!vec = vector<4xf32>
!pair = tuple<!vec, i32>

// CHECK-LABEL: "test.scalars"
// CHECK-SAME: () -> (i1, si8, ui16, i32, i128, index, f16, bf16, f32, f64, none)
"test.scalars"() : () -> (i1, si8, ui16, i32, i128, index, f16, bf16, f32, f64, none)

// CHECK-LABEL: "test.shaped"
// CHECK-SAME: () -> (tensor<f32>, tensor<2x?x3xf32>, tensor<0xf32>, tensor<4x0x2xi8>, tensor<1x2x!foo.elem>)
"test.shaped"() : () -> (tensor<f32>, tensor<2x?x3xf32>, tensor<0xf32>, tensor<4x0x2xi8>, tensor<1x2x!foo.elem>)

// CHECK-LABEL: "test.memrefs"
// CHECK-SAME: () -> (memref<4x4xf32>, memref<?xf32, strided<[1], offset: ?>>, memref<2xf32, 1>, memref<2xf32, affine_map<(d0) -> (d0 + 1)>, 3>, memref<8xi8, #gpu.address_space<workgroup>>)
"test.memrefs"() : () -> (memref<4x4xf32>, memref<?xf32, strided<[1], offset: ?>>, memref<2xf32, 1>, memref<2xf32, affine_map<(d0) -> (d0 + 1)>, 3>, memref<8xi8, #gpu.address_space<workgroup>>)

// CHECK-LABEL: "test.vectors"
// CHECK-SAME: () -> (vector<8xf32>, vector<2x4xi32>, vector<4xf32>, tuple<vector<4xf32>, i32>)
"test.vectors"() : () -> (vector<8xf32>, vector<2x4xi32>, !vec, !pair)

// Function types: a single non-function result needs no parentheses.
// CHECK-LABEL: "test.functions"
// CHECK-SAME: {a = (i32, f32) -> (), b = () -> (i32, i32), c = (() -> ()) -> (() -> ()), d = (tensor<2xf32>) -> tensor<2xf32>, e = tuple<>, f = tuple<i32, tuple<f32>>}
"test.functions"() {a = (i32, f32) -> (), b = () -> (i32, i32), c = (() -> ()) -> (() -> ()), d = (tensor<2xf32>) -> (tensor<2xf32>), e = tuple<>, f = tuple<i32, tuple<f32>>} : () -> ()

// Opaque dialect types keep their text, brackets balanced.
// CHECK-LABEL: "test.opaque"
// CHECK-SAME: () -> (!foo.t, !foo<"x>y">, !foo.p<[1, (2)], {a = "<"}, ->>, !llvm.ptr)
"test.opaque"() : () -> (!foo.t, !foo<"x>y">, !foo.p<[1, (2)], {a = "<"}, ->>, !llvm.ptr)
