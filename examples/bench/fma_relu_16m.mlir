// relu(a * b + c) over 16M (2^24) f32: three element-wise ops a compiler
// should fuse into one pass over memory, like scripts/bench/fused.c. The
// benchmark of scripts/bench_compare.py; its inputs are generated there into
// target/bench/.
func.func @main(%a: tensor<16777216xf32>, %b: tensor<16777216xf32>, %c: tensor<16777216xf32>) -> tensor<16777216xf32> {
  %m = graph.mul %a, %b : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  %s = graph.add %m, %c : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  %r = graph.relu %s : (tensor<16777216xf32>) -> tensor<16777216xf32>
  func.return %r : tensor<16777216xf32>
}
