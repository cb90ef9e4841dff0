// --verify-diagnostics matches diagnostics against annotations and exits 0
// when every diagnostic was expected and every annotation was matched.
// RUN: tensor-opt %s --split-input-file --verify-diagnostics

func.func @same_line() {
  "foo.bar"() : () -> () // expected-error {{unregistered operation 'foo.bar' found in dialect ('foo') that is not loaded}}
  func.return
}

// -----

func.func @offsets() {
  // expected-error @+2 {{unregistered operation 'foo.two'}}
  // This comment line is counted.
  "foo.two"() : () -> ()
  func.return
}

// -----

func.func @above_and_below() {
  "foo.above"() : () -> ()
  // expected-error @above {{unregistered operation 'foo.above'}}
  // expected-error @below {{unregistered operation 'foo.below'}}
  "foo.below"() : () -> ()
  func.return
}

// -----

// expected-note @+1 {{see existing symbol definition here}}
func.func @dup() {
  func.return
}
// expected-error @+1 {{redefinition of symbol named 'dup'}}
func.func @dup() {
  func.return
}

// -----

func.func @fine() {
  func.return
}
