// Attributes print as MLIR prints them and read back to the same text:
// integers (`: i64` by default, elided inside arrays, `i1` as true/false),
// floats (six digits when they round-trip, more when needed, hex for
// infinities and NaNs), strings with escapes, symbols, arrays,
// dictionaries, dense arrays, dense elements (lists, splats, hex blobs),
// builtin attributes kept as text, opaque dialect attributes and aliases.
// RUN: tensor-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect | tensor-opt --allow-unregistered-dialect | FileCheck %s
// RUN: tensor-opt %s --allow-unregistered-dialect --print-op-generic | tensor-opt --allow-unregistered-dialect | FileCheck %s

#map = affine_map<(d0, d1) -> (d1, d0)>
#dict = {inner = [1, 2]}

// CHECK-LABEL: "test.ints"
// CHECK-SAME: a = 7 : i64, b = -3 : i32, c = -1 : i16, d = 255 : ui8, e = -128 : si8, f = true, g = false, h = 42 : index, i = 31 : i64, j = 170141183460469231731687303715884105727 : i128
"test.ints"() {a = 7, b = -3 : i32, c = 65535 : i16, d = 255 : ui8, e = -128 : si8, f = 1 : i1, g = false, h = 42 : index, i = 0x1F, j = 170141183460469231731687303715884105727 : i128} : () -> ()

// CHECK-LABEL: "test.floats"
// CHECK-SAME: a = 1.000000e+00 : f64, b = 1.000000e-01 : f32, c = -0.000000e+00 : f64, d = 1.500000e+300 : f64, e = 1.23456789e-01 : f64, f = 0x7F800000 : f32, g = 0xFF800000 : f32, h = 0x7FC00000 : f32, i = 1.000000e+00 : f16, j = 3.140625e+00 : bf16, k = 1.0000001e+00 : f32, l = 2.500000e-01 : f64
"test.floats"() {a = 1.0, b = 0.1 : f32, c = -0.0, d = 1.5e300 : f64, e = 0.123456789, f = 0x7F800000 : f32, g = 0xFF800000 : f32, h = 0x7FC00000 : f32, i = 0x3C00 : f16, j = 3.14159 : bf16, k = 1.00000012 : f32, l = 0x3FD0000000000000 : f64} : () -> ()

// CHECK-LABEL: "test.misc"
// CHECK-SAME: a = "plain", b = "tab\09quote\22backslash\\newline\0A", c = @sym, d = @"quoted sym", e = @root::@nested::@leaf, f, g = f32, h = tensor<2xf32>, i = (i32) -> f32, j = [1, 2 : i32, 1.500000e+00, 2.500000e+00 : f32, "s", [], [true]], k = {}, l = {inner = [1, 2]}, m = {a, "b c" = 1 : i64}
"test.misc"() {a = "plain", b = "tab\tquote\"backslash\\newline\n", c = @sym, d = @"quoted sym", e = @root::@nested::@leaf, f, g = f32, h = tensor<2xf32>, i = (i32) -> f32, j = [1, 2 : i32, 1.5, 2.5 : f32, "s", [], [true]], k = {}, l = #dict, m = {"b c" = 1, a = unit}} : () -> ()

// CHECK-LABEL: "test.dense_arrays"
// CHECK-SAME: a = array<i64: 1, 0>, b = array<i32>, c = array<i1: true, false>, d = array<f32: 1.000000e+00, -2.500000e+00>, e = array<i8: -1, 127>, f = array<f64: 0x7FF0000000000000>
"test.dense_arrays"() {a = array<i64: 1, 0>, b = array<i32>, c = array<i1: true, false>, d = array<f32: 1.0, -2.5>, e = array<i8: 255, 127>, f = array<f64: 0x7FF0000000000000>} : () -> ()

// CHECK-LABEL: "test.dense"
// CHECK-SAME: a = dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-SAME: b = dense<0.000000e+00> : tensor<4x4xf32>
// CHECK-SAME: c = dense<[1, -2, 3]> : tensor<3xi32>
// CHECK-SAME: d = dense<[true, false]> : tensor<2xi1>
// CHECK-SAME: e = dense<7> : tensor<2x3xi64>
// CHECK-SAME: f = dense<> : tensor<0x3xf32>
// CHECK-SAME: g = dense<1.500000e+00> : tensor<f64>
// CHECK-SAME: h = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-SAME: i = dense<5.000000e-01> : vector<4xf32>
// CHECK-SAME: j = dense<[0, 255]> : tensor<2xui8>
// CHECK-SAME: k = dense<[true, false, false, true, false, false, false, false, true]> : tensor<9xi1>
// CHECK-SAME: l = dense<[0x7F800000, -0.000000e+00]> : tensor<2xf32>
// CHECK-SAME: m = dense<[1, 2]> : tensor<2xindex>
"test.dense"() {a = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, b = dense<0.0> : tensor<4x4xf32>, c = dense<[1, -2, 3]> : tensor<3xi32>, d = dense<[true, false]> : tensor<2xi1>, e = dense<[[7, 7, 7], [7, 7, 7]]> : tensor<2x3xi64>, f = dense<> : tensor<0x3xf32>, g = dense<1.5> : tensor<f64>, h = dense<"0x0000803F00000040"> : tensor<2xf32>, i = dense<0.5> : vector<4xf32>, j = dense<[0, 255]> : tensor<2xui8>, k = dense<"0x0901"> : tensor<9xi1>, l = dense<[0x7F800000, -0.0]> : tensor<2xf32>, m = dense<[1, 2]> : tensor<2xindex>} : () -> ()

// More than 100 elements print as a little-endian hex blob, as mlir-opt does.
// CHECK-LABEL: "test.big_dense"
// CHECK-SAME: dense<"0x000000000000803F00000040{{[0-9A-F]*}}"> : tensor<101xf32>
"test.big_dense"() {a = dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0]> : tensor<101xf32>} : () -> ()

// Builtin attributes without a structured form, and attributes of other
// dialects, keep their text.
// CHECK-LABEL: "test.opaque"
// CHECK-SAME: a = affine_map<(d0, d1) -> (d1, d0)>, b = affine_set<(d0) : (d0 - 1 >= 0)>, c = strided<[4, 1], offset: ?>, d = #foo.bar, e = #foo<"a>b", [1, 2]>, f = #foo.baz<{x = 1}>
"test.opaque"() {a = #map, b = affine_set<(d0) : (d0 - 1 >= 0)>, c = strided<[4, 1], offset: ?>, d = #foo.bar, e = #foo<"a>b", [1, 2]>, f = #foo.baz<{x = 1}>} : () -> ()
