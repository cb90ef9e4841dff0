// A 1024x1024 by 1024x1024 f32 matmul (2*1024^3 flops), the sgemm benchmark of
// scripts/bench_compare.py; its inputs are generated there into target/bench/.
func.func @main(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %c = graph.matmul %a, %b : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  func.return %c : tensor<1024x1024xf32>
}
