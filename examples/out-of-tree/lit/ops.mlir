// The toy ops parse and print in their custom forms, and what toy-opt
// prints (custom or generic) parses back to the same IR.
// RUN: toy-opt %s | FileCheck %s
// RUN: toy-opt %s | toy-opt | FileCheck %s
// RUN: toy-opt %s --print-op-generic | toy-opt | FileCheck %s
// RUN: toy-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @all_ops(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf64>, %[[Y:[^:]*]]: tensor<6xf64>
// CHECK-NEXT:    %[[C:.*]] = toy.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf64>
// CHECK-NEXT:    %[[A:.*]] = toy.add %[[X]], %[[C]] : tensor<2x3xf64>
// CHECK-NEXT:    %[[R:.*]] = toy.reshape %[[Y]] : (tensor<6xf64>) -> tensor<2x3xf64>
// CHECK-NEXT:    %[[M:.*]] = toy.mul %[[A]], %[[R]] : tensor<2x3xf64>
// CHECK-NEXT:    %[[T:.*]] = toy.transpose %[[M]] : (tensor<2x3xf64>) -> tensor<3x2xf64>
// CHECK-NEXT:    return %[[T]] : tensor<3x2xf64>

// GENERIC: "toy.constant"() {value = dense<{{.*}}> : tensor<2x3xf64>} : () -> tensor<2x3xf64>
// GENERIC: "toy.add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
// GENERIC: "toy.transpose"(%{{.*}}) : (tensor<2x3xf64>) -> tensor<3x2xf64>
func.func @all_ops(%x: tensor<2x3xf64>, %y: tensor<6xf64>) -> tensor<3x2xf64> {
  %c = toy.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>
  %0 = toy.add %x, %c : tensor<2x3xf64>
  %1 = toy.reshape %y : (tensor<6xf64>) -> tensor<2x3xf64>
  %2 = toy.mul %0, %1 : tensor<2x3xf64>
  %3 = toy.transpose %2 : (tensor<2x3xf64>) -> tensor<3x2xf64>
  func.return %3 : tensor<3x2xf64>
}

// Attributes other than `value` print in a dictionary before it; f32 works too.
// CHECK-LABEL: func.func @named(
// CHECK-NEXT:    toy.constant {name = "w"} dense<5.000000e-01> : tensor<4xf32>
func.func @named() -> tensor<4xf32> {
  %c = toy.constant {name = "w"} dense<0.5> : tensor<4xf32>
  func.return %c : tensor<4xf32>
}
