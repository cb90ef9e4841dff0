// symbol-dce erases private symbols that nothing live refers to; public
// symbols are live, and so is whatever a live symbol refers to.
// RUN: tensor-opt %s --symbol-dce | FileCheck %s
// RUN: tensor-opt %s --symbol-dce --pass-statistics 2>&1 >/dev/null | FileCheck %s --check-prefix=STATS

// STATS: symbol-dce
// STATS: (S) 3 num-dce'd

// CHECK-LABEL: func.func @main(
// CHECK: call @used(
func.func @main(%x: f32) -> f32 {
  %0 = func.call @used(%x) : (f32) -> f32
  return %0 : f32
}

// CHECK-LABEL: func.func private @used(
// CHECK: call @used_by_used(
func.func private @used(%x: f32) -> f32 {
  %0 = func.call @used_by_used(%x) : (f32) -> f32
  return %0 : f32
}

// CHECK-LABEL: func.func private @used_by_used(
func.func private @used_by_used(%x: f32) -> f32 {
  return %x : f32
}

// Dead, though it refers to another dead function that refers back.
func.func private @dead(%x: f32) -> f32 {
  %0 = func.call @dead_too(%x) : (f32) -> f32
  return %0 : f32
}
func.func private @dead_too(%x: f32) -> f32 {
  %0 = func.call @dead(%x) : (f32) -> f32
  return %0 : f32
}

func.func private @unused_decl(f32) -> f32

// CHECK-LABEL: func.func @public_unused(
func.func @public_unused() {
  return
}

// CHECK-NOT: @dead
// CHECK-NOT: @unused_decl
