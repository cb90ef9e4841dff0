//! What the generator may produce: [`GenConfig`] and the op families it
//! draws from ([`OpFamily`]).

use tessera_dialects::interp::value::ElemType;

/// The kinds of step the generator takes. Most are one `graph` op family of
/// `graph-dialect.md`; [`OpFamily::Call`] wraps another family's op in a
/// private helper function and calls it, so `inline` and `symbol-dce` have
/// work to do.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum OpFamily {
    /// `graph.neg` ... `graph.square`.
    Unary,
    /// `graph.add` ... `graph.pow`, with broadcasting.
    Binary,
    /// `graph.cmp` and `graph.select`.
    CmpSelect,
    /// `graph.cast` between the configured element types (and `i1`).
    Cast,
    /// A free-standing `graph.constant`, small dense or splat (constants
    /// also appear whenever another op needs an operand of a given type).
    Constant,
    /// `graph.reshape`.
    Reshape,
    /// `graph.transpose`.
    Transpose,
    /// `graph.broadcast_to`.
    BroadcastTo,
    /// `graph.concat`.
    Concat,
    /// `graph.slice`.
    Slice,
    /// `graph.pad`.
    Pad,
    /// `graph.gather` with constant, in-range indices.
    Gather,
    /// `graph.reduce_*`, with `axes` and `keepdims`.
    Reduce,
    /// `graph.argmax`.
    Argmax,
    /// `graph.softmax` and `graph.log_softmax`.
    Softmax,
    /// `graph.matmul`, with batch broadcasting.
    MatMul,
    /// `graph.conv2d` (needs `max_rank >= 4`).
    Conv2d,
    /// `graph.max_pool2d` and `graph.avg_pool2d` (needs `max_rank >= 4`).
    Pool,
    /// `graph.batch_norm` (needs `max_rank >= 2`).
    BatchNorm,
    /// `graph.layer_norm`.
    LayerNorm,
    /// A `func.call` of a private helper holding one op of another family.
    Call,
    /// A copy of an op built before (operands of a commutative op maybe
    /// swapped), for `cse` to merge.
    Repeat,
}

impl OpFamily {
    /// Every family.
    pub const ALL: [OpFamily; 22] = [
        OpFamily::Unary,
        OpFamily::Binary,
        OpFamily::CmpSelect,
        OpFamily::Cast,
        OpFamily::Constant,
        OpFamily::Reshape,
        OpFamily::Transpose,
        OpFamily::BroadcastTo,
        OpFamily::Concat,
        OpFamily::Slice,
        OpFamily::Pad,
        OpFamily::Gather,
        OpFamily::Reduce,
        OpFamily::Argmax,
        OpFamily::Softmax,
        OpFamily::MatMul,
        OpFamily::Conv2d,
        OpFamily::Pool,
        OpFamily::BatchNorm,
        OpFamily::LayerNorm,
        OpFamily::Call,
        OpFamily::Repeat,
    ];

    /// The default weight: element-wise ops are common, the
    /// neural-network ops occasional.
    pub fn default_weight(self) -> u32 {
        match self {
            OpFamily::Unary | OpFamily::Binary => 10,
            OpFamily::CmpSelect | OpFamily::Reduce | OpFamily::MatMul => 4,
            OpFamily::Cast
            | OpFamily::Constant
            | OpFamily::Reshape
            | OpFamily::Transpose
            | OpFamily::BroadcastTo
            | OpFamily::Concat
            | OpFamily::Slice
            | OpFamily::Pad
            | OpFamily::Softmax => 3,
            OpFamily::Gather
            | OpFamily::Argmax
            | OpFamily::LayerNorm
            | OpFamily::Call
            | OpFamily::Repeat => 2,
            OpFamily::Conv2d | OpFamily::Pool | OpFamily::BatchNorm => 1,
        }
    }
}

/// What [`generate`](super::generate) produces.
///
/// Build one with [`GenConfig::new`] and adjust the fields; everything a
/// program contains is decided by `seed` and these fields, so a failing
/// case is reproduced by its seed and config.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Seeds the random choices; equal configs give equal programs.
    pub seed: u64,
    /// The size of `@main`: each program draws a number of ops from
    /// `1..=max_ops` (guards, constants and calls included) and builds
    /// about that many; feeding unused values into the results then adds
    /// a few reductions, casts and additions.
    pub max_ops: usize,
    /// The most arguments `@main` takes (at least 1).
    pub max_args: usize,
    /// The most results `@main` returns (1 to 3 is usual).
    pub max_results: usize,
    /// The highest tensor rank (conv and pooling need 4).
    pub max_rank: usize,
    /// The largest dimension size of arguments and constants (results of
    /// concat, pad and broadcasts may be larger).
    pub max_dim: usize,
    /// The element types of arguments and constants, first the most
    /// common; casts convert between them. `i1` (from comparisons) and
    /// `i64` (from argmax, gather indices) appear whatever this holds.
    pub elems: Vec<ElemType>,
    /// The families to draw steps from, with weights; a family that is
    /// absent or has weight 0 never appears.
    pub families: Vec<(OpFamily, u32)>,
    /// Whether dimensions of size 0 (empty tensors) may appear.
    pub allow_empty: bool,
    /// Whether ops whose result can jump under a tiny change of an operand
    /// may appear: comparisons and selects, `floor`, `ceil`, `argmax` and
    /// float-to-integer casts. Differential tests of rewrites that are
    /// exact only up to rounding (reassociation, backends) turn this off.
    pub discontinuous: bool,
    /// No element of any value exceeds this magnitude (by construction,
    /// from the value ranges), which keeps float rounding small and
    /// integer arithmetic far from wrapping.
    pub max_magnitude: f64,
}

impl GenConfig {
    /// The default configuration for `seed`: up to 24 ops on `f32` tensors
    /// of rank up to 4 with dimensions up to 4, every family at its
    /// default weight.
    pub fn new(seed: u64) -> GenConfig {
        GenConfig {
            seed,
            max_ops: 24,
            max_args: 4,
            max_results: 3,
            max_rank: 4,
            max_dim: 4,
            elems: vec![ElemType::F32],
            families: OpFamily::ALL
                .iter()
                .map(|&f| (f, f.default_weight()))
                .collect(),
            allow_empty: false,
            discontinuous: true,
            max_magnitude: 1e3,
        }
    }

    /// The weight of `family` (0 if absent).
    pub fn weight(&self, family: OpFamily) -> u32 {
        self.families
            .iter()
            .filter(|(f, _)| *f == family)
            .map(|(_, w)| *w)
            .sum()
    }

    /// Sets the weight of `family` (0 excludes it).
    pub fn set_weight(&mut self, family: OpFamily, weight: u32) -> &mut GenConfig {
        self.families.retain(|(f, _)| *f != family);
        self.families.push((family, weight));
        self
    }

    /// Excludes `families`.
    pub fn without(mut self, families: &[OpFamily]) -> GenConfig {
        for &f in families {
            self.set_weight(f, 0);
        }
        self
    }
}
