// Unmatched annotations and unexpected diagnostics are reported with their
// locations, and the run fails.
// RUN: not tensor-opt %s --verify-diagnostics 2>&1 | FileCheck %s

// CHECK-DAG: error: expected error "this message is never produced" was not produced
// CHECK-DAG: error: unexpected error: unregistered operation 'foo.bar'
func.func @f() {
  // CHECK-DAG: verify-diagnostics-mismatch.mlir:[[@LINE+2]]:6
  // CHECK-DAG: verify-diagnostics-mismatch.mlir:[[@LINE+2]]:3
  // expected-error @+1 {{this message is never produced}}
  "foo.bar"() : () -> ()
  func.return
}
