// convert-graph-to-affine fails, with an error at the op (or function) it
// cannot lower, rather than leaving graph-level code behind.
// RUN: tensor-opt %s --convert-graph-to-affine --allow-unregistered-dialect --split-input-file --verify-diagnostics

func.func @unknown(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{convert-graph-to-affine cannot lower 'foo.bar'}}
  %0 = "foo.bar"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  func.return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{cannot bufferize tensor<?xf32>: only static shapes are supported}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  func.return %x : tensor<?xf32>
}

// -----

// expected-error @+1 {{convert-graph-to-affine: @blocks has several blocks; only straight-line functions are lowered}}
func.func @blocks(%x: tensor<2xf32>) -> tensor<2xf32> {
  "foo.br"() [^bb1] : () -> ()
^bb1:
  func.return %x : tensor<2xf32>
}
