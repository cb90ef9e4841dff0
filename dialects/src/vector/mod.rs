//! The `vector` dialect: SIMD vectors, with MLIR 19's syntax and meaning.
//!
//! A `vector<4x8xf32>` value holds `4 * 8` elements of a scalar type
//! (integer, `index` or float) in row-major order; `vector<f32>` is a 0-D
//! vector of one element. `arith` and `math` ops apply element-wise to
//! vectors; the ops here move vectors in and out of memory and between
//! shapes.
//!
//! | op | custom form |
//! |----|-------------|
//! | `vector.load` | `%v = vector.load %m[%i, %j] : memref<16x16xf32>, vector<8xf32>` |
//! | `vector.store` | `vector.store %v, %m[%i, %j] : memref<16x16xf32>, vector<8xf32>` |
//! | `vector.maskedload` | `%r = vector.maskedload %m[%i], %mask, %pass : memref<16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>` |
//! | `vector.maskedstore` | `vector.maskedstore %m[%i], %mask, %v : memref<16xf32>, vector<8xi1>, vector<8xf32>` |
//! | `vector.broadcast` | `%r = vector.broadcast %s : f32 to vector<4x8xf32>` |
//! | `vector.splat` | `%r = vector.splat %s : vector<4x8xf32>` |
//! | `vector.fma` | `%r = vector.fma %a, %b, %c : vector<8xf32>` |
//! | `vector.reduction` | `%r = vector.reduction <maxnumf>, %v, %acc fastmath<fast> : vector<8xf32> into f32` |
//! | `vector.extract` | `%r = vector.extract %v[0, %i] : f32 from vector<4x8xf32>` |
//! | `vector.insert` | `%r = vector.insert %s, %v [0, 1] : f32 into vector<4x8xf32>` |
//! | `vector.extractelement` | `%r = vector.extractelement %v[%i : index] : vector<8xf32>` |
//! | `vector.insertelement` | `%r = vector.insertelement %s, %v[%c : i32] : vector<8xf32>` |
//! | `vector.transfer_read` | `%r = vector.transfer_read %m[%i, %j], %pad, %mask {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>` |
//! | `vector.transfer_write` | `vector.transfer_write %v, %m[%i, %j] : vector<8xf32>, memref<16x16xf32>` |
//! | `vector.shape_cast` | `%r = vector.shape_cast %v : vector<4x8xf32> to vector<32xf32>` |
//! | `vector.transpose` | `%r = vector.transpose %v, [1, 0] : vector<2x3xf32> to vector<3x2xf32>` |
//! | `vector.create_mask` | `%m = vector.create_mask %a, %b : vector<4x8xi1>` |
//! | `vector.constant_mask` | `%m = vector.constant_mask [2, 3] : vector<4x8xi1>` |
//! | `vector.print` | `vector.print %v : vector<4xf32>`, `vector.print str "text"` |
//!
//! Meaning, as in MLIR:
//!
//! - `load` reads the vector's elements from consecutive memref elements
//!   along the innermost dimensions, starting at the indices; `store`
//!   writes them. Indices out of bounds are undefined behaviour.
//! - `maskedload` (1-D) gives `m[i + k]` in lane `k` where `mask[k]` is
//!   set, else `pass[k]`; masked-off lanes are not read (they may be out
//!   of bounds). `maskedstore` writes only the lanes whose mask is set.
//! - `broadcast` lines up trailing dimensions (a scalar has none) and
//!   repeats the source along new leading dimensions and size-1 ones;
//!   `splat` repeats a scalar; `fma` is `a * b + c` rounded once.
//! - `reduction` combines the elements of a 0-D or 1-D vector (and the
//!   accumulator first, if given) with the [`CombiningKind`] (`add mul
//!   minui minsi minnumf maxui maxsi maxnumf and or xor maximumf
//!   minimumf`, stored as `kind = #vector.kind<add>`); float reductions
//!   may be reassociated only with `fastmath<reassoc>`.
//! - `extract` takes the element or sub-vector at a position (leading
//!   indices, static in `static_position: array<i64>` or `index`
//!   operands where it holds `?` = `-9223372036854775808`); `insert` gives
//!   the destination with that part replaced. `extractelement` and
//!   `insertelement` do the same for one lane of a 0-D or 1-D vector, the
//!   lane given by an integer or `index` operand.
//! - `transfer_read` reads vector dimension `k` along the source
//!   dimension its `permutation_map` result `k` names, starting at the
//!   indices; a constant `0` result broadcasts (that dimension must be
//!   in bounds). Lanes out of bounds (allowed where `in_bounds` is false)
//!   or masked off are the padding value. The mask has the shape of the
//!   non-broadcast vector dimensions, in source-dimension order
//!   ([`transfer_mask_shape`]). `transfer_write` writes the in-bounds,
//!   unmasked lanes; to a tensor it returns the updated tensor. The map
//!   defaults to the minor identity (the innermost source dimensions),
//!   `in_bounds` to all false; the custom form leaves defaults out.
//! - `shape_cast` keeps the elements in row-major order (a rank change
//!   must merge or split runs of consecutive dimensions); `transpose`
//!   permutes dimensions (result dimension `i` is source dimension
//!   `permutation[i]`).
//! - `create_mask`/`constant_mask` set the lanes whose index is below the
//!   size in every dimension; `print` writes a value to standard output
//!   as `( 1, 2, 3 )` rows, or a string, followed by the [`Punctuation`].
//!
//! The verifiers are MLIR 19's rules with two stricter ones: inserting a
//! vector needs its shape to be the destination's trailing dimensions,
//! and a transfer needs the vector's element type to be the source's
//! (MLIR accepts both mismatches, which have no meaning). Ops are read
//! through [`views`] and built with its `build_*` functions.

pub mod attrs;
mod ops;
mod syntax;
mod verify;
pub mod views;

pub use attrs::{CombiningKind, Punctuation};
pub use ops::op_defs;
pub use views::{
    Access, Element, MaskedAccess, Position, Print, Reduction, Transfer, constant_mask_sizes,
    extract_result_type, is_minor_identity, minor_identity_map, transfer_dims, transfer_mask_shape,
    vector_parts,
};

use tessera_compiler::{Context, DialectDef};

/// Registers the `vector` dialect in `ctx`.
pub fn register(ctx: &mut Context) {
    ctx.register_dialect(
        DialectDef::new(
            "vector",
            "SIMD vectors: loads, stores, broadcasts, reductions, transfers",
        ),
        op_defs(),
    );
}
