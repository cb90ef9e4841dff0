//! The registry definitions of the `vector` ops: name, summary, traits,
//! verifier, custom syntax and a description with the custom form.

use tessera_compiler::registry::{ParseFn, PrintFn};
use tessera_compiler::{OpDef, OpSyntax, OpTraits};

use super::{syntax as s, verify as v};

/// One op: pure or not, its verifier and custom form.
fn def(
    name: &str,
    summary: &str,
    pure: bool,
    verify: tessera_compiler::registry::VerifyFn,
    parse: ParseFn,
    print: PrintFn,
    description: &str,
) -> OpDef {
    let traits = if pure { OpTraits::PURE } else { OpTraits::NONE };
    OpDef::new(name, summary)
        .traits(traits)
        .verify(verify)
        .syntax(OpSyntax::Custom { parse, print })
        .description(description)
}

/// The definitions of every `vector` op.
pub fn op_defs() -> Vec<OpDef> {
    vec![
        def(
            "vector.load",
            "Reads a vector from consecutive memref elements",
            false,
            v::verify_load,
            s::parse_load,
            s::print_load,
            "`%v = vector.load %m[%i, %j] : memref<16x16xf32>, vector<8xf32>`: one `index` per \
             memref dimension; the vector's elements are read along the innermost dimensions. \
             Optional `nontemporal` (bool).",
        ),
        def(
            "vector.store",
            "Writes a vector to consecutive memref elements",
            false,
            v::verify_store,
            s::parse_store,
            s::print_store,
            "`vector.store %v, %m[%i, %j] : memref<16x16xf32>, vector<8xf32>`.",
        ),
        def(
            "vector.maskedload",
            "Reads the lanes of a 1-D vector where a mask is on",
            false,
            v::verify_maskedload,
            s::parse_maskedload,
            s::print_maskedload,
            "`%r = vector.maskedload %m[%i], %mask, %pass : memref<16xf32>, vector<8xi1>, \
             vector<8xf32> into vector<8xf32>`: lane `k` is `m[i + k]` where `mask[k]`, else \
             `pass[k]` (masked-off lanes are not read).",
        ),
        def(
            "vector.maskedstore",
            "Writes the lanes of a 1-D vector where a mask is on",
            false,
            v::verify_maskedstore,
            s::parse_maskedstore,
            s::print_maskedstore,
            "`vector.maskedstore %m[%i], %mask, %v : memref<16xf32>, vector<8xi1>, \
             vector<8xf32>`.",
        ),
        def(
            "vector.broadcast",
            "Broadcasts a scalar or vector to a vector of higher rank or size",
            true,
            v::verify_broadcast,
            s::parse_to,
            s::print_to,
            "`%r = vector.broadcast %s : f32 to vector<8xf32>`, `vector<1x8xf32> to \
             vector<4x8xf32>`: trailing dimensions line up; each source size is 1 or the \
             result's.",
        ),
        def(
            "vector.splat",
            "A vector with every element one scalar",
            true,
            v::verify_splat,
            s::parse_splat,
            s::print_splat,
            "`%r = vector.splat %s : vector<4x8xf32>`.",
        ),
        def(
            "vector.fma",
            "Fused multiply-add, element-wise",
            true,
            v::verify_fma,
            s::parse_fma,
            s::print_fma,
            "`%r = vector.fma %a, %b, %c : vector<8xf32>`: `a * b + c` rounded once.",
        ),
        def(
            "vector.reduction",
            "Combines the elements of a 1-D vector into a scalar",
            true,
            v::verify_reduction,
            s::parse_reduction,
            s::print_reduction,
            "`%r = vector.reduction <add>, %v[, %acc] [fastmath<...>] : vector<8xf32> into f32`. \
             `kind = #vector.kind<...>`: add mul minui minsi minnumf maxui maxsi maxnumf and or \
             xor maximumf minimumf.",
        ),
        def(
            "vector.extract",
            "Extracts an element or sub-vector at a position",
            true,
            v::verify_extract,
            s::parse_extract,
            s::print_extract,
            "`%r = vector.extract %v[0, 1] : f32 from vector<4x8xf32>`, `%v[2] : vector<8xf32> \
             from vector<4x8xf32>`. `static_position` (`array<i64>`), one `index` operand per \
             dynamic entry.",
        ),
        def(
            "vector.insert",
            "Inserts an element or sub-vector at a position",
            true,
            v::verify_insert,
            s::parse_insert,
            s::print_insert,
            "`%r = vector.insert %s, %v [0, 1] : f32 into vector<4x8xf32>`.",
        ),
        def(
            "vector.extractelement",
            "Extracts one element of a 0-D or 1-D vector",
            true,
            v::verify_extractelement,
            s::parse_extractelement,
            s::print_extractelement,
            "`%r = vector.extractelement %v[%i : index] : vector<8xf32>`; `%v[] : vector<f32>`.",
        ),
        def(
            "vector.insertelement",
            "Inserts one element into a 0-D or 1-D vector",
            true,
            v::verify_insertelement,
            s::parse_insertelement,
            s::print_insertelement,
            "`%r = vector.insertelement %s, %v[%i : i32] : vector<8xf32>`.",
        ),
        def(
            "vector.transfer_read",
            "Reads a vector from a memref or tensor through a permutation map",
            false,
            v::verify_transfer_read,
            s::parse_transfer_read,
            s::print_transfer_read,
            "`%r = vector.transfer_read %m[%i, %j], %pad[, %mask] {in_bounds = [true], \
             permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, \
             vector<8xf32>`: vector dimension `k` walks source dimension `map[k]` (a constant \
             `0` broadcasts); out-of-bounds or masked-off lanes are `%pad`.",
        ),
        def(
            "vector.transfer_write",
            "Writes a vector to a memref or tensor through a permutation map",
            false,
            v::verify_transfer_write,
            s::parse_transfer_write,
            s::print_transfer_write,
            "`vector.transfer_write %v, %m[%i, %j][, %mask] : vector<8xf32>, memref<16x16xf32>`; \
             to a tensor it returns the new tensor. Out-of-bounds or masked-off lanes are not \
             written.",
        ),
        def(
            "vector.shape_cast",
            "Reshapes a vector, keeping its elements in row-major order",
            true,
            v::verify_shape_cast,
            s::parse_to,
            s::print_to,
            "`%r = vector.shape_cast %v : vector<4x8xf32> to vector<32xf32>`.",
        ),
        def(
            "vector.transpose",
            "Permutes the dimensions of a vector",
            true,
            v::verify_transpose,
            s::parse_transpose,
            s::print_transpose,
            "`%r = vector.transpose %v, [1, 0] : vector<2x3xf32> to vector<3x2xf32>`: result \
             dimension `i` is source dimension `permutation[i]` (`array<i64>`).",
        ),
        def(
            "vector.create_mask",
            "A mask whose lanes below run-time sizes are on",
            true,
            v::verify_create_mask,
            s::parse_create_mask,
            s::print_create_mask,
            "`%m = vector.create_mask %a, %b : vector<4x8xi1>`: lane `(i, j)` is on iff \
             `i < a` and `j < b`.",
        ),
        def(
            "vector.constant_mask",
            "A mask whose lanes below constant sizes are on",
            true,
            v::verify_constant_mask,
            s::parse_constant_mask,
            s::print_constant_mask,
            "`%m = vector.constant_mask [2, 3] : vector<4x8xi1>`.",
        ),
        def(
            "vector.print",
            "Prints a scalar, a vector or a string to standard output",
            false,
            v::verify_print,
            s::parse_print,
            s::print_print,
            "`vector.print %v : vector<4xf32>` prints `( 1, 2, 3, 4 )` and a newline; \
             `vector.print str \"text\"`; `punctuation <no_punctuation|newline|comma|open|close>` \
             replaces the newline.",
        ),
    ]
}
