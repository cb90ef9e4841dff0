// tensor-run writes results as .npy files that later runs read as inputs:
// @make's two results become @combine's arguments.
// RUN: tensor-run %s --backend interp --entry make --output-dir %t
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: tensor-run %s --backend interp --entry combine --input %t/0.npy --input %t/1.npy \
// RUN:   | FileCheck %s --strict-whitespace --match-full-lines

// FILES: 0.npy
// FILES-NEXT: 1.npy
// FILES-NOT: {{.}}

// With exact whitespace, a check's text starts right after the colon.
// CHECK:result 0: tensor<2x3xf32>
// CHECK-NEXT:{{\[\[}} 1.5  2.   2.5]
// CHECK-NEXT: [-3.   0.  10. ]]
// CHECK-NEXT:result 1: tensor<2x3xi1>
// CHECK-NEXT:{{\[\[}}False  True  True]
// CHECK-NEXT: [False False  True]]
// CHECK-NOT:{{.}}

func.func @make() -> (tensor<2x3xf32>, tensor<3xf32>) {
  %a = graph.constant {value = dense<[[1.0, 1.5, 2.0], [-3.5, -0.5, 9.5]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = graph.constant {value = dense<[0.5, 0.5, 0.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  func.return %a, %b : tensor<2x3xf32>, tensor<3xf32>
}

func.func @combine(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %s = graph.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %c = graph.cmp %s, %b {predicate = "gt"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %one = graph.constant {value = dense<1.5> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %gt = graph.cmp %s, %one {predicate = "gt"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %both = graph.select %gt, %c, %gt : (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  func.return %s, %both : tensor<2x3xf32>, tensor<2x3xi1>
}
