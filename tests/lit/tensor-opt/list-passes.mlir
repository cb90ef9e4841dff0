// --list-passes shows every pass with its summary and options, then the
// named pipelines.
// RUN: tensor-opt --list-passes | FileCheck %s

// CHECK: Passes:
// CHECK: canonicalize
// CHECK-NEXT: max-iterations=<int> {{.*}}(default: {{[0-9]+}})
// CHECK: cse
// CHECK: Pipelines:
// CHECK-NEXT: -O0 {{.*}}builtin.module(convert-graph-to-affine,lower-affine)
// CHECK-NEXT: -O1 {{.*}}builtin.module(
// CHECK-NEXT: -O2
// CHECK-NEXT: -O3
