// The scf dialect's verifier and parser: each chunk breaks one rule.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @f(%a: index, %b: i32) {
  // expected-error @+1 {{'scf.for' op failed to verify that all of {lowerBound, upperBound, step} have same type}}
  "scf.for"(%a, %a, %b) ({
  ^bb0(%i: index):
    "scf.yield"() : () -> ()
  }) : (index, index, i32) -> ()
  return
}

// -----

func.func @f(%a: index) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'scf.for' op constant step operand must be positive}}
  scf.for %i = %a to %a step %c0 {
  }
  return
}

// -----

func.func @f(%a: f32) {
  // expected-error @+1 {{'scf.for' op bounds and step must be signless integers or index, but got 'f32'}}
  scf.for %i = %a to %a step %a : f32 {
  }
  return
}

// -----

func.func @f(%a: index, %x: f32) -> f32 {
  %r = scf.for %i = %a to %a step %a iter_args(%acc = %x) -> (f32) {
    // expected-error @+1 {{'scf.yield' op types mismatch between yield op and its parent}}
    scf.yield %i : index
  }
  return %r : f32
}

// -----

func.func @f(%a: index, %x: f32) {
  // expected-error @+1 {{expected '->' and the types of the loop-carried values}}
  scf.for %i = %a to %a step %a iter_args(%acc = %x) {
  }
  return
}

// -----

func.func @f(%c: i32) {
  // expected-error @+1 {{'scf.if' op operand #0 must be 1-bit signless integer, but got 'i32'}}
  "scf.if"(%c) ({
    "scf.yield"() : () -> ()
  }, {
  }) : (i32) -> ()
  return
}

// -----

func.func @f(%c: i1, %x: f32) -> f32 {
  // expected-error @+1 {{'scf.if' op must have an else block if defining values}}
  %r = scf.if %c -> (f32) {
    scf.yield %x : f32
  }
  return %r : f32
}

// -----

func.func @f(%c: i1, %x: f32) {
  scf.if %c {
    // expected-error @+1 {{'scf.yield' op parent of yield must have same number of results as the yield operands (0 vs 1)}}
    scf.yield %x : f32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'scf.yield' op expects parent op to be one of 'scf.for, scf.if, scf.while'}}
  scf.yield
}

// -----

func.func @f(%c: i1, %x: f32) -> i32 {
  // expected-error @+1 {{'scf.while' op type of forwarded value #0 ('f32') does not match the 'after' region argument ('i32')}}
  %r = scf.while (%a = %x) : (f32) -> i32 {
    scf.condition(%c) %a : f32
  } do {
  ^bb0(%b: i32):
    scf.yield %x : f32
  }
  return %r : i32
}

// -----

func.func @f(%c: i1) {
  // expected-error @+1 {{'scf.condition' op expects parent op 'scf.while'}}
  scf.condition(%c)
}

// -----

func.func @f(%a: index, %x: f32) -> f32 {
  // expected-error @+1 {{'scf.parallel' op expects number of results: 1 to be the same as number of reductions: 0}}
  %r = scf.parallel (%i) = (%a) to (%a) step (%a) init (%x) -> f32 {
  }
  return %r : f32
}

// -----

func.func @f(%a: index, %x: f32) -> f32 {
  %r = scf.parallel (%i) = (%a) to (%a) step (%a) init (%x) -> f32 {
    // expected-error @+1 {{'scf.reduce' op expected two block arguments with type 'f32' in the 0-th reduction region}}
    scf.reduce(%x : f32) {
    ^bb0(%l: f32):
      scf.reduce.return %l : f32
    }
  }
  return %r : f32
}

// -----

func.func @f(%a: index, %x: f32) -> f32 {
  %r = scf.parallel (%i) = (%a) to (%a) step (%a) init (%x) -> f32 {
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %m: f32):
      // expected-error @+1 {{'scf.reduce.return' op must have type 'f32' (the type of the reduction inputs)}}
      scf.reduce.return %a : index
    }
  }
  return %r : f32
}
