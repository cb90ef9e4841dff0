// The arith dialect's verifier and custom-form parser: each chunk breaks
// one rule and expects its diagnostic.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: index) -> index {
  // expected-error @+1 {{'arith.addf' op operands must be floating-point-like, but got 'index'}}
  %0 = arith.addf %x, %x : index
  func.return %0 : index
}

// -----

func.func @f(%x: memref<4xf32>) -> memref<4xf32> {
  // expected-error @+1 {{'arith.negf' op operands must be floating-point-like, but got 'memref<4xf32>'}}
  %0 = arith.negf %x : memref<4xf32>
  func.return %0 : memref<4xf32>
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'arith.divsi' op operands must be signless-integer-like, but got 'f32'}}
  %0 = arith.divsi %x, %x : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: tensor<?xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'arith.maximumf' op requires the same type for all operands and results, but operand #0 has type 'tensor<?xf32>' and the result 'tensor<4xf32>'}}
  %0 = "arith.maximumf"(%x, %y) : (tensor<?xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.remui' op expects 2 operands and 1 result, but got 1 and 1}}
  %0 = "arith.remui"(%x) : (i32) -> i32
  func.return %0 : i32
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.xori' expects 2 operands, found 3}}
  %0 = arith.xori %x, %x, %x : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{expected fast-math flags to be one of: none, reassoc, nnan, ninf, nsz, arcp, contract, afn, fast; found 'quick'}}
  %0 = arith.addf %x, %x fastmath<quick> : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'arith.addf' op attribute 'fastmath' failed to satisfy constraint: fast-math flags (#arith.fastmath<...>)}}
  %0 = "arith.addf"(%x, %x) {fastmath = 1 : i32} : (f32, f32) -> f32
  func.return %0 : f32
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{expected overflow flags to be one of: none, nsw, nuw; found 'nnan'}}
  %0 = arith.muli %x, %x overflow<nnan> : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.addi' op attribute 'overflowFlags' failed to satisfy constraint: integer overflow flags (#arith.overflow<...>)}}
  %0 = "arith.addi"(%x, %x) {overflowFlags = #arith.fastmath<fast>} : (i32, i32) -> i32
  func.return %0 : i32
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{expected ':' after operand list, found 'overflow'}}
  %0 = arith.divsi %x, %x overflow<nsw> : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> i1 {
  // expected-error @+1 {{expected a predicate keyword for 'arith.cmpf', one of [false, oeq, ogt, oge, olt, ole, one, ord, ueq, ugt, uge, ult, ule, une, uno, true]}}
  %0 = arith.cmpf lt, %x, %x : f32
  func.return %0 : i1
}

// -----

func.func @f(%x: i32) -> i1 {
  // expected-error @+1 {{expected a predicate keyword for 'arith.cmpi', one of [eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge]}}
  %0 = arith.cmpi olt, %x, %x : i32
  func.return %0 : i1
}

// -----

func.func @f(%x: f32) -> i32 {
  // expected-error @+1 {{'arith.cmpf' op result #0 must be bool-like, but got 'i32'}}
  %0 = "arith.cmpf"(%x, %x) {predicate = 4 : i64} : (f32, f32) -> i32
  func.return %0 : i32
}

// -----

func.func @f(%x: vector<4xf32>) -> vector<3xi1> {
  // expected-error @+1 {{'arith.cmpf' op failed to verify that result type has i1 element type and same shape as operands: 'vector<3xi1>' for operands of type 'vector<4xf32>'}}
  %0 = "arith.cmpf"(%x, %x) {predicate = 4 : i64} : (vector<4xf32>, vector<4xf32>) -> vector<3xi1>
  func.return %0 : vector<3xi1>
}

// -----

func.func @f(%x: f32) -> i1 {
  // expected-error @+1 {{'arith.cmpf' op attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}
  %0 = "arith.cmpf"(%x, %x) {predicate = 16 : i64} : (f32, f32) -> i1
  func.return %0 : i1
}

// -----

func.func @f(%x: i32) -> i1 {
  // expected-error @+1 {{'arith.cmpi' op requires attribute 'predicate'}}
  %0 = "arith.cmpi"(%x, %x) : (i32, i32) -> i1
  func.return %0 : i1
}

// -----

func.func @f(%y: f32) -> i1 {
  // expected-error @+1 {{'arith.cmpi' op operands must be signless-integer-like, but got 'f32'}}
  %0 = "arith.cmpi"(%y, %y) {predicate = 0 : i64} : (f32, f32) -> i1
  func.return %0 : i1
}

// -----

func.func @f(%x: i32, %y: i64) -> i1 {
  // expected-error @+1 {{'arith.cmpi' op requires both operands to have the same type, but got 'i32' and 'i64'}}
  %0 = "arith.cmpi"(%x, %y) {predicate = 0 : i64} : (i32, i64) -> i1
  func.return %0 : i1
}

// -----

func.func @f(%c: i32, %x: f32) -> f32 {
  // expected-error @+1 {{'arith.select' op operand #0 must be bool-like, but got 'i32'}}
  %0 = "arith.select"(%c, %x, %x) : (i32, f32, f32) -> f32
  func.return %0 : f32
}

// -----

func.func @f(%c: vector<3xi1>, %x: vector<4xf32>) -> vector<4xf32> {
  // expected-error @+1 {{'arith.select' op failed to verify that condition is signless i1 or has matching shape: condition 'vector<3xi1>' for result 'vector<4xf32>'}}
  %0 = arith.select %c, %x, %x : vector<3xi1>, vector<4xf32>
  func.return %0 : vector<4xf32>
}

// -----

func.func @f(%c: i1, %x: f32, %y: f64) -> f32 {
  // expected-error @+1 {{'arith.select' op failed to verify that all of {true_value, false_value, result} have same type: 'f32', 'f64' and 'f32'}}
  %0 = "arith.select"(%c, %x, %y) : (i1, f32, f64) -> f32
  func.return %0 : f32
}

// -----

func.func @f(%x: f64) -> f32 {
  // expected-error @+1 {{'arith.extf' op operand type 'f64' and result type 'f32' are cast incompatible}}
  %0 = arith.extf %x : f64 to f32
  func.return %0 : f32
}

// -----

func.func @f(%x: f16) -> bf16 {
  // expected-error @+1 {{'arith.truncf' op operand type 'f16' and result type 'bf16' are cast incompatible}}
  %0 = arith.truncf %x : f16 to bf16
  func.return %0 : bf16
}

// -----

func.func @f(%x: i32) -> i16 {
  // expected-error @+1 {{'arith.extsi' op operand type 'i32' and result type 'i16' are cast incompatible}}
  %0 = arith.extsi %x : i32 to i16
  func.return %0 : i16
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.trunci' op operand type 'i32' and result type 'i32' are cast incompatible}}
  %0 = arith.trunci %x : i32 to i32
  func.return %0 : i32
}

// -----

func.func @f(%x: index) -> i64 {
  // expected-error @+1 {{'arith.extui' op operand #0 must be signless-fixed-width-integer-like, but got 'index'}}
  %0 = arith.extui %x : index to i64
  func.return %0 : i64
}

// -----

func.func @f(%x: vector<4xf32>) -> vector<3xf64> {
  // expected-error @+1 {{'arith.extf' op requires the same shape for all operands and results}}
  %0 = arith.extf %x : vector<4xf32> to vector<3xf64>
  func.return %0 : vector<3xf64>
}

// -----

func.func @f(%x: f32) -> vector<1xf64> {
  // expected-error @+1 {{'arith.extf' op requires the same shape for all operands and results}}
  %0 = arith.extf %x : f32 to vector<1xf64>
  func.return %0 : vector<1xf64>
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'arith.sitofp' op result #0 must be floating-point-like, but got 'i32'}}
  %0 = arith.sitofp %x : i32 to i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> index {
  // expected-error @+1 {{'arith.fptoui' op result #0 must be signless-fixed-width-integer-like, but got 'index'}}
  %0 = arith.fptoui %x : f32 to index
  func.return %0 : index
}

// -----

func.func @f(%x: i32) -> i64 {
  // expected-error @+1 {{'arith.index_cast' op operand type 'i32' and result type 'i64' are cast incompatible}}
  %0 = arith.index_cast %x : i32 to i64
  func.return %0 : i64
}

// -----

func.func @f(%x: f32) -> i64 {
  // expected-error @+1 {{'arith.bitcast' op operand type 'f32' and result type 'i64' are cast incompatible}}
  %0 = arith.bitcast %x : f32 to i64
  func.return %0 : i64
}

// -----

func.func @f(%x: index) -> i64 {
  // expected-error @+1 {{'arith.bitcast' op operand #0 must be signless-integer-or-float-like, but got 'index'}}
  %0 = arith.bitcast %x : index to i64
  func.return %0 : i64
}

// -----

func.func @f(%x: f64) -> f32 {
  // expected-error @+1 {{'arith.truncf' op attribute 'roundingmode' failed to satisfy constraint: Floating point rounding mode (an i32 in 0..=4: to_nearest_even, downward, upward, toward_zero, to_nearest_away)}}
  %0 = "arith.truncf"(%x) {roundingmode = 7 : i32} : (f64) -> f32
  func.return %0 : f32
}

// -----

func.func @f() -> i32 {
  // expected-error @+1 {{'arith.constant' op value type 'i64' does not match result type 'i32'}}
  %0 = "arith.constant"() {value = 1 : i64} : () -> i32
  func.return %0 : i32
}

// -----

func.func @f() -> vector<2xui8> {
  // expected-error @+1 {{'arith.constant' op integer constants must be signless, found 'vector<2xui8>'}}
  %0 = arith.constant dense<1> : vector<2xui8>
  func.return %0 : vector<2xui8>
}

// -----

func.func @f() -> i32 {
  // expected-error @+1 {{'arith.constant' op requires attribute 'value'}}
  %0 = "arith.constant"() : () -> i32
  func.return %0 : i32
}
