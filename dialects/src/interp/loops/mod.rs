//! The loop-level interpreter: runs `func.func`s of `affine`, `scf`,
//! `arith`, `math`, `memref` and `vector` ops over buffers.
