// Results print as NumPy prints arrays: aligned columns, `1.` for whole
// floats, ` True`/`False`, scalars bare, and `...` past 1000 elements
// (3 entries at each end of every axis).
// RUN: tensor-run %s --backend interp | FileCheck %s --strict-whitespace --match-full-lines

// With exact whitespace, a check's text starts right after the colon.
// CHECK:result 0: tensor<2x2xi32>
// CHECK-NEXT:{{\[\[}}   1 -200]
// CHECK-NEXT: [  30    4]]
// CHECK-NEXT:result 1: tensor<f64>
// CHECK-NEXT:2.5
// CHECK-NEXT:result 2: tensor<3xf64>
// CHECK-NEXT:[1.e-05 1.e+00 1.e+03]
// CHECK-NEXT:result 3: tensor<40x50xf32>
// CHECK-NEXT:{{\[\[}}0.25 0.25 0.25 ... 0.25 0.25 0.25]
// CHECK-NEXT: [0.25 0.25 0.25 ... 0.25 0.25 0.25]
// CHECK-NEXT: [0.25 0.25 0.25 ... 0.25 0.25 0.25]
// CHECK-NEXT: ...
// CHECK-NEXT: [0.25 0.25 0.25 ... 0.25 0.25 0.25]
// CHECK-NEXT: [0.25 0.25 0.25 ... 0.25 0.25 0.25]
// CHECK-NEXT: [0.25 0.25 0.25 ... 0.25 0.25 0.25]]
// CHECK-NOT:{{.}}

func.func @main() -> (tensor<2x2xi32>, tensor<f64>, tensor<3xf64>, tensor<40x50xf32>) {
  %i = graph.constant {value = dense<[[1, -200], [30, 4]]> : tensor<2x2xi32>} : () -> tensor<2x2xi32>
  %s = graph.constant {value = dense<2.5> : tensor<f64>} : () -> tensor<f64>
  %e = graph.constant {value = dense<[1.0e-5, 1.0, 1000.0]> : tensor<3xf64>} : () -> tensor<3xf64>
  %q = graph.constant {value = dense<0.25> : tensor<40x50xf32>} : () -> tensor<40x50xf32>
  func.return %i, %s, %e, %q : tensor<2x2xi32>, tensor<f64>, tensor<3xf64>, tensor<40x50xf32>
}
