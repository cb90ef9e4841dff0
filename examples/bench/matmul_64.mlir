// A 64x64 by 64x64 f32 matmul (2*64^3 flops), the sgemm benchmark of
// scripts/bench_compare.py; its inputs are generated there into target/bench/.
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %c = graph.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  func.return %c : tensor<64x64xf32>
}
