// Locations: every form of `loc(...)` reads and prints back, on ops, block
// arguments and function arguments; location aliases `#loc = loc(...)` may
// be defined before or (for op locations, as mlir-opt prints them) after
// their use. Without an explicit location, an op is where its name is.
// RUN: tensor-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --mlir-print-debuginfo | tensor-opt --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --mlir-print-debuginfo --print-op-generic | tensor-opt --allow-unregistered-dialect --mlir-print-debuginfo | FileCheck %s

#early = loc("early.py":1:2)

// CHECK-LABEL: func.func @locs(%arg0: f32 loc("args.py":10:4), %arg1: f32 loc("early.py":1:2)) -> f32 {
func.func @locs(%a: f32 loc("args.py":10:4), %b: f32 loc(#early)) -> f32 {
  // CHECK-NEXT: "test.a"() : () -> () loc(unknown)
  "test.a"() : () -> () loc(unknown)
  // CHECK-NEXT: "test.b"() : () -> () loc("file.mlir":3:7)
  "test.b"() : () -> () loc("file.mlir":3:7)
  // CHECK-NEXT: "test.c"() : () -> () loc("name")
  "test.c"() : () -> () loc("name")
  // CHECK-NEXT: "test.d"() : () -> () loc("name"("f.py":1:1))
  "test.d"() : () -> () loc("name"("f.py":1:1))
  // CHECK-NEXT: "test.e"() : () -> () loc(callsite("callee.py":1:2 at "caller.py":3:4))
  "test.e"() : () -> () loc(callsite("callee.py":1:2 at "caller.py":3:4))
  // CHECK-NEXT: "test.f"() : () -> () loc(fused["a.py":1:1, "b"])
  "test.f"() : () -> () loc(fused["a.py":1:1, "b"])
  // CHECK-NEXT: "test.g"() : () -> () loc(fused<"meta">["a.py":1:1, unknown])
  "test.g"() : () -> () loc(fused<"meta">["a.py":1:1, unknown])
  // CHECK-NEXT: "test.h"() : () -> () loc("early.py":1:2)
  "test.h"() : () -> () loc(#early)
  // CHECK-NEXT: "test.i"() : () -> () loc(fused["late.py":5:6, "early.py":1:2])
  "test.i"() : () -> () loc(#late)
  // CHECK-NEXT: "test.j"() ({
  // CHECK-NEXT: ^bb0(%arg2: i32 loc("blk.py":2:2)):
  // CHECK-NEXT:   "test.k"() : () -> () loc(
  // CHECK-NEXT: }) : () -> () loc(
  "test.j"() ({
  ^bb0(%x: i32 loc("blk.py":2:2)):
    "test.k"() : () -> ()
  }) : () -> ()
  // CHECK-NEXT: func.return %arg0 : f32 loc("ret.py":9:9)
  func.return %a : f32 loc("ret.py":9:9)
// CHECK-NEXT: } loc("func.py":1:1)
} loc("func.py":1:1)

#late_part = loc("late.py":5:6)
#late = loc(fused[#late_part, #early])
