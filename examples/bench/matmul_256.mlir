// A 256x256 by 256x256 f32 matmul (2*256^3 flops), the sgemm benchmark of
// scripts/bench_compare.py; its inputs are generated there into target/bench/.
func.func @main(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %c = graph.matmul %a, %b : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
  func.return %c : tensor<256x256xf32>
}
