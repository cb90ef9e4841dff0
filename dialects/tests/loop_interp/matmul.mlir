// C = A x B as an affine nest in destination-passing style: C is zeroed,
// then accumulated into in k order.
func.func @matmul(%a: memref<5x7xf32>, %b: memref<7x3xf32>, %c: memref<5x3xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 5 {
    affine.for %j = 0 to 3 {
      affine.store %zero, %c[%i, %j] : memref<5x3xf32>
    }
  }
  affine.for %i = 0 to 5 {
    affine.for %j = 0 to 3 {
      affine.for %k = 0 to 7 {
        %x = affine.load %a[%i, %k] : memref<5x7xf32>
        %y = affine.load %b[%k, %j] : memref<7x3xf32>
        %p = arith.mulf %x, %y : f32
        %acc = affine.load %c[%i, %j] : memref<5x3xf32>
        %s = arith.addf %acc, %p : f32
        affine.store %s, %c[%i, %j] : memref<5x3xf32>
      }
    }
  }
  return
}
