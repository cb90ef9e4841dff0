// toy-opt is tensor-opt plus toy: its --list-passes and -O pipelines
// show Tessera's passes and toy's side by side.
// RUN: toy-opt --list-passes | FileCheck %s
// RUN: toy-opt --help | FileCheck %s --check-prefix=HELP

// CHECK:      Passes:
// CHECK-DAG:    canonicalize
// CHECK-DAG:    cse
// CHECK-DAG:    toy-lower-to-graph {{ *}}Lower toy ops to graph ops [on func.func]
// CHECK-DAG:      ops=<list> {{ *}}Lower only these toy ops (e.g. add,mul); all when empty (default: "")
// CHECK:      Pipelines:
// CHECK:        -O2 {{ *}}toy to graph, default optimizations: builtin.module(canonicalize,toy-lower-to-graph,canonicalize,cse)

// HELP: Usage: toy-opt
// HELP: --toy-lower-to-graph
