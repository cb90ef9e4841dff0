// The math dialect's verifier and custom-form parser: each chunk breaks
// one rule and expects its diagnostic.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{'math.exp' op operands must be floating-point-like, but got 'i32'}}
  %0 = math.exp %x : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'math.ctpop' op operands must be signless-integer-like, but got 'f32'}}
  %0 = math.ctpop %x : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: f32) -> f64 {
  // expected-error @+1 {{'math.fma' op requires the same type for all operands and results, but operand #0 has type 'f32' and the result 'f64'}}
  %0 = "math.fma"(%x, %x, %x) : (f32, f32, f32) -> f64
  func.return %0 : f64
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'math.atan2' expects 2 operands, found 1}}
  %0 = math.atan2 %x : f32
  func.return %0 : f32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'math.sqrt' op expects 1 operand and 1 result, but got 2 and 1}}
  %0 = "math.sqrt"(%x, %x) : (f32, f32) -> f32
  func.return %0 : f32
}

// -----

func.func @f(%x: i32) -> i32 {
  // expected-error @+1 {{expected ':' after operand list, found 'fastmath'}}
  %0 = math.absi %x fastmath<fast> : i32
  func.return %0 : i32
}

// -----

func.func @f(%x: f32) -> f32 {
  // expected-error @+1 {{'math.powf' op attribute 'fastmath' failed to satisfy constraint: fast-math flags (#arith.fastmath<...>)}}
  %0 = "math.powf"(%x, %x) {fastmath = #arith.fastmath<slow>} : (f32, f32) -> f32
  func.return %0 : f32
}

// -----

func.func @f(%x: memref<2xf32>) -> memref<2xf32> {
  // expected-error @+1 {{'math.sin' op operands must be floating-point-like, but got 'memref<2xf32>'}}
  %0 = math.sin %x : memref<2xf32>
  func.return %0 : memref<2xf32>
}

// -----

func.func @f(%x: si32) -> si32 {
  // expected-error @+1 {{'math.ipowi' op operands must be signless-integer-like, but got 'si32'}}
  %0 = math.ipowi %x, %x : si32
  func.return %0 : si32
}
