// Programs that go wrong at the op marked with an upper-case comment.
memref.global "private" constant @k : memref<2xf32> = dense<[1.0, 2.0]>

func.func @oob_affine(%m: memref<4x4xf32>) {
  affine.for %i = 0 to 5 {
    %v = affine.load %m[%i, 0] : memref<4x4xf32> // OOB_AFFINE
  }
  return
}

func.func @oob_memref(%m: memref<4x4xf32>, %j: index) {
  %c0 = arith.constant 0 : index
  %v = arith.constant 1.0 : f32
  memref.store %v, %m[%c0, %j] : memref<4x4xf32> // OOB_MEMREF
  return
}

func.func @oob_dynamic(%m: memref<3xf32>) {
  %c = memref.cast %m : memref<3xf32> to memref<?xf32>
  %c3 = arith.constant 3 : index
  %v = memref.load %c[%c3] : memref<?xf32> // OOB_DYNAMIC
  return
}

func.func @uninit() -> f32 {
  %m = memref.alloc() : memref<4xf32>
  %c1 = arith.constant 1 : index
  %v = memref.load %m[%c1] : memref<4xf32> // UNINIT
  return %v : f32
}

func.func @use_after_free() {
  %m = memref.alloc() : memref<4xf32>
  memref.dealloc %m : memref<4xf32>
  %c1 = arith.constant 1 : index
  %v = arith.constant 1.0 : f32
  memref.store %v, %m[%c1] : memref<4xf32> // USE_AFTER_FREE
  return
}

func.func @double_free() {
  %m = memref.alloc() : memref<4xf32>
  memref.dealloc %m : memref<4xf32>
  memref.dealloc %m : memref<4xf32> // DOUBLE_FREE
  return
}

func.func @free_global() {
  %m = memref.get_global @k : memref<2xf32>
  memref.dealloc %m : memref<2xf32> // FREE_GLOBAL
  return
}

func.func @write_constant() {
  %m = memref.get_global @k : memref<2xf32>
  %c0 = arith.constant 0 : index
  %v = arith.constant 1.0 : f32
  memref.store %v, %m[%c0] : memref<2xf32> // WRITE_CONSTANT
  return
}

func.func @div_zero(%a: i32, %b: i32) -> i32 {
  %q = arith.divsi %a, %b : i32 // DIV_ZERO
  return %q : i32
}

func.func @recurse() {
  func.call @recurse() : () -> () // RECURSE
  return
}

func.func @return_stack() -> memref<2xf32> {
  %m = memref.alloca() : memref<2xf32>
  return %m : memref<2xf32> // RETURN_STACK
}

func.func @subview_oob(%m: memref<4x4xf32>, %o: index) {
  %s = memref.subview %m[%o, 0] [2, 4] [1, 1] : memref<4x4xf32> to memref<2x4xf32, strided<[4, 1], offset: ?>> // SUBVIEW_OOB
  return
}

func.func @huge(%n: index) {
  %m = memref.alloc(%n, %n) : memref<?x?xf32> // HUGE
  return
}
