// The generic op form: result groups and result numbers, successors,
// properties, regions with blocks and block arguments, attributes, function
// types, forward references in graph regions, and MLIR's value names.
// Printing renumbers values, prints attributes sorted, and reads back to the
// same text; the generic print reads back too.
// RUN: tensor-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @groups(%arg0: i32) -> i64 {
// CHECK-NEXT:    %0:2 = "test.two"() : () -> (i32, f32)
// CHECK-NEXT:    %1 = "test.use"(%0#1, %0#0, %arg0) : (f32, i32, i32) -> i64
// CHECK-NEXT:    "test.none"() : () -> ()
// CHECK-NEXT:    %2:3 = "test.three"() : () -> (i1, i1, i1)
// CHECK-NEXT:    "test.sink"(%2#2, %2#0) : (i1, i1) -> ()
// CHECK-NEXT:    func.return %1 : i64
// CHECK-NEXT:  }
func.func @groups(%x: i32) -> i64 {
  %a:2 = "test.two"() : () -> (i32, f32)
  %b = "test.use"(%a#1, %a#0, %x) : (f32, i32, i32) -> i64
  "test.none"() : () -> ()
  %c, %d:2 = "test.three"() : () -> (i1, i1, i1)
  "test.sink"(%d#1, %c) : (i1, i1) -> ()
  func.return %b : i64
}

// Blocks, successors and block arguments; names like `%x.y` and `%_$-1`.
// CHECK-LABEL: func.func @cfg(%arg0: i1, %arg1: f32) -> f32 {
// CHECK-NEXT:    "test.cond_br"(%arg0)[^bb1, ^bb2] : (i1) -> ()
// CHECK-NEXT:  ^bb1:
// CHECK-NEXT:    "test.br"(%arg1)[^bb3] : (f32) -> ()
// CHECK-NEXT:  ^bb2:
// CHECK-NEXT:    %0 = "test.neg"(%arg1) : (f32) -> f32
// CHECK-NEXT:    "test.br"(%0)[^bb3] : (f32) -> ()
// CHECK-NEXT:  ^bb3(%1: f32):
// CHECK-NEXT:    func.return %1 : f32
// CHECK-NEXT:  }
func.func @cfg(%c: i1, %x.y: f32) -> f32 {
  "test.cond_br"(%c)[^then, ^else] : (i1) -> ()
^then:
  "test.br"(%x.y)[^join] : (f32) -> ()
^else:
  %_$-1 = "test.neg"(%x.y) : (f32) -> f32
  "test.br"(%_$-1)[^join] : (f32) -> ()
^join(%r: f32):
  func.return %r : f32
}

// Regions of unregistered ops are graph regions: uses may come first.
// Properties `<{...}>` read as attributes; attributes print sorted.
// CHECK-LABEL: "test.graph"() ({
// CHECK-NEXT:    %0 = "test.op"(%1) : (i32) -> i32
// CHECK-NEXT:    %1 = "test.op"(%0) : (i32) -> i32
// CHECK-NEXT:  }, {
// CHECK-NEXT:  ^bb0(%arg0: f32, %arg1: f32):
// CHECK-NEXT:    "test.yield"(%arg1, %arg0) : (f32, f32) -> ()
// CHECK-NEXT:  ^bb1:
// CHECK-NEXT:    "test.yield"() : () -> ()
// CHECK-NEXT:  }, {
// CHECK-NEXT:  }, {
// CHECK-NEXT:  ^bb0:
// CHECK-NEXT:  }) {a = 1 : i32, b, "quoted key" = "v", z = 2 : i64} : () -> ()
"test.graph"() <{z = 2, b}> ({
  %b = "test.op"(%a) : (i32) -> i32
  %a = "test.op"(%b) : (i32) -> i32
}, {
^bb0(%p: f32, %q: f32):
  "test.yield"(%q, %p) : (f32, f32) -> ()
^bb1:
  "test.yield"() : () -> ()
}, {
}, {
^bb0:
}) {a = 1 : i32, "quoted key" = "v"} : () -> ()

// Nested regions see the values of enclosing ones, unless isolated.
// CHECK-LABEL: func.func @nested(%arg0: f32) -> f32 {
// CHECK-NEXT:    %0 = "test.outer"() ({
// CHECK-NEXT:      %1 = "test.inner"(%arg0) ({
// CHECK-NEXT:      ^bb0(%arg1: f32):
// CHECK-NEXT:        "test.yield"(%arg1, %arg0) : (f32, f32) -> ()
// CHECK-NEXT:      }) : (f32) -> f32
// CHECK-NEXT:      "test.yield"(%1) : (f32) -> ()
// CHECK-NEXT:    }) : () -> f32
// CHECK-NEXT:    func.return %0 : f32
// CHECK-NEXT:  }
func.func @nested(%x: f32) -> f32 {
  %0 = "test.outer"() ({
    %1 = "test.inner"(%x) ({
    ^bb0(%y: f32):
      "test.yield"(%y, %x) : (f32, f32) -> ()
    }) : (f32) -> f32
    "test.yield"(%1) : (f32) -> ()
  }) : () -> f32
  func.return %0 : f32
}

// A function type as the only result is parenthesized.
// CHECK-LABEL: "test.fn_result"() : () -> (() -> i32)
"test.fn_result"() : () -> (() -> i32)

// GENERIC: "builtin.module"() ({
// GENERIC:   "func.func"() ({
// GENERIC-NEXT:   ^bb0(%arg0: i32):
// GENERIC-NEXT:     %0:2 = "test.two"() : () -> (i32, f32)
// GENERIC:          "func.return"(%1) : (i64) -> ()
// GENERIC-NEXT:   }) {function_type = (i32) -> i64, sym_name = "groups"} : () -> ()
// GENERIC:      }) : () -> ()
