// --emit translates the loop-level module after the pipeline: LLVM IR,
// assembly and an object file with a C header (LLVM backend), Cranelift IR,
// or the graph-level dataflow as Graphviz DOT.
// RUN: tensor-opt %s -O2 --emit=llvm | FileCheck %s --check-prefix=LLVM
// RUN: tensor-opt %s -O2 --emit=asm | FileCheck %s --check-prefix=ASM
// RUN: tensor-opt %s -O2 --emit=clif | FileCheck %s --check-prefix=CLIF
// RUN: tensor-opt %s -O2 --emit=obj -o %t.o
// RUN: od -A n -t x1 -N 4 %t.o | FileCheck %s --check-prefix=ELF
// RUN: FileCheck %s --check-prefix=HEADER < %t.h
// RUN: tensor-opt %s --emit=dot | FileCheck %s --check-prefix=DOT
// Graph-level IR cannot be translated: lower it first.
// RUN: not tensor-opt %s --emit=llvm 2>&1 | FileCheck %s --check-prefix=UNLOWERED
// An object file is binary: it needs -o.
// RUN: not tensor-opt %s -O2 --emit=obj 2>&1 | FileCheck %s --check-prefix=NEEDS-O

// LLVM: target triple = "x86_64
// LLVM: define {{.*}}void @_tessera_packed_dense(ptr
// LLVM: define {{.*}}void @_mlir_ciface_dense(ptr

// ASM: _tessera_packed_dense:
// ASM: ret

// CLIF: function %{{.*}}dense

// ELF: 7f 45 4c 46

// HEADER: typedef struct {
// HEADER: int64_t sizes[2];
// HEADER: void _mlir_ciface_dense(tessera_memref_2d_f32 *arg0, tessera_memref_2d_f32 *arg1);
// HEADER: void _tessera_packed_dense(void **args);

// DOT: digraph "dense" {
// DOT: matmul\ltensor<2x4xf32>\lcost

// UNLOWERED: error: --emit needs loop-level IR (scf, arith, math, memref, vector), but @dense still takes or returns tensors; lower it first, e.g. with -O2

// NEEDS-O: error: --emit=obj writes a binary file: give it with -o FILE

func.func @dense(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = graph.constant {value = dense<0.5> : tensor<3x4xf32>} : () -> tensor<3x4xf32>
  %0 = graph.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = graph.relu %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %1 : tensor<2x4xf32>
}
