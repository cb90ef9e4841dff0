//! Conversions between levels (`convert-x-to-y`).
//!
//! `convert-graph-to-affine` lowers every `graph` op to `affine` loop nests
//! over `memref` buffers with `arith` and `math` ops, in upstream MLIR 19's
//! syntax and meaning:
//!
//! - [`bufferize`]: signatures (memref arguments, out-params), constants as
//!   globals, a buffer for every value and liveness-based buffer reuse;
//! - [`emit`]: the loop-nest builder the lowerings use;
//! - one module per op family: [`elementwise`], [`shape_ops`], [`reduce`],
//!   [`linalg`] (matmul), [`nn`] (conv, pooling, normalizations).
//!
//! Each graph op becomes its own loop nest (fusion is a later pass's job).

pub mod bufferize;
pub(crate) mod elementwise;
pub(crate) mod emit;
pub(crate) mod linalg;
pub(crate) mod nn;
pub(crate) mod reduce;
pub(crate) mod shape_ops;

use tessera_compiler::pass::{
    OptionKind, Pass, PassFailed, PassInfo, PassOptionInfo, PassOptions, PassState,
};
use tessera_compiler::{Context, Diagnostic, OpId, Value};
use tessera_dialects::graph::Family;

pub use bufferize::Stats;
use emit::Emitter;

/// The registry entries of the conversion passes.
pub fn pass_infos() -> Vec<PassInfo> {
    vec![convert_graph_to_affine_info()]
}

/// The `convert-graph-to-affine` pass; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct ConvertGraphToAffine {
    /// Whether temporaries reuse dead buffers (`buffer-reuse`).
    pub buffer_reuse: bool,
}

impl Default for ConvertGraphToAffine {
    fn default() -> Self {
        ConvertGraphToAffine { buffer_reuse: true }
    }
}

/// `convert-graph-to-affine` as the registry creates it: the pass plus
/// the `conv-im2col` option (kept out of [`ConvertGraphToAffine`]'s
/// public fields so that existing struct literals stay valid).
struct Configured {
    pass: ConvertGraphToAffine,
    conv_im2col: bool,
}

impl Pass for Configured {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        with_conv_im2col(self.conv_im2col, || self.pass.run(ctx, op, state))
    }
}

thread_local! {
    /// The `conv-im2col` setting of the conversion running on this thread.
    /// (A thread-local because the op lowerings are reached through
    /// `bufferize`, whose `Options` do not carry it yet.)
    static CONV_IM2COL: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether the running conversion lowers one-group `conv2d` as im2col.
fn conv_im2col() -> bool {
    CONV_IM2COL.with(|c| c.get())
}

/// Runs `f` with `conv-im2col` set to `on`, restoring the old setting.
fn with_conv_im2col<T>(on: bool, f: impl FnOnce() -> T) -> T {
    let old = CONV_IM2COL.with(|c| c.replace(on));
    let r = f();
    CONV_IM2COL.with(|c| c.set(old));
    r
}

/// The registry entry of `convert-graph-to-affine`.
pub fn convert_graph_to_affine_info() -> PassInfo {
    PassInfo {
        name: "convert-graph-to-affine",
        summary: "Lower graph ops to affine loop nests over memref buffers",
        description: "Rewrites each `func.func` with tensor arguments and results into one with \
            memref arguments plus one trailing memref out-param per tensor result (destination \
            passing; it returns nothing else). Graph constants become private constant \
            `memref.global`s read with `memref.get_global`; temporaries are `memref.alloc`ed \
            and `memref.dealloc`ed after their last use. Every graph op becomes its own \
            `affine.for` nest of `affine.load`/`affine.store` and `arith`/`math` ops. An op \
            that cannot be lowered is an error at its location.\n\nWith `conv-im2col` (the \
            default), a one-group `conv2d` copies its input windows into a scratch \
            `[C*KH*KW, OH*OW]` matrix (im2col) and multiplies the weights by it with the \
            matmul lowering's `i, k, j` nest; without it (and for groups > 1) it is a direct \
            `n, o, oh, ow, c, kh, kw` nest.\n\nWith `buffer-reuse` (the \
            default), element-wise ops write in place into an operand that dies there, and \
            temporaries take dead buffers of their type before new ones are allocated.\n\n\
            Statistics: `num-ops-lowered`, `num-allocs`, `num-reused`, \
            `peak-bytes-before-reuse` (the sum of the sizes of all temporaries), \
            `peak-bytes` (the sum of the sizes of the buffers allocated), `peak-live-bytes` \
            (the most bytes allocated at one time in the emitted code); byte counts are the \
            largest over the functions.",
        anchor: Some("builtin.module"),
        options: vec![
            PassOptionInfo {
                name: "buffer-reuse",
                kind: OptionKind::Bool,
                default: "true",
                help: "Reuse dead buffers and write element-wise results in place",
            },
            PassOptionInfo {
                name: "conv-im2col",
                kind: OptionKind::Bool,
                default: "true",
                help: "Lower one-group conv2d as im2col plus a matmul (false: a direct nest)",
            },
        ],
        create: |o: &PassOptions| {
            Ok(Box::new(Configured {
                pass: ConvertGraphToAffine {
                    buffer_reuse: o.bool("buffer-reuse"),
                },
                conv_im2col: o.bool("conv-im2col"),
            }))
        },
    }
}

impl Pass for ConvertGraphToAffine {
    fn run(
        &mut self,
        ctx: &mut Context,
        op: OpId,
        state: &mut PassState,
    ) -> Result<(), PassFailed> {
        let opts = bufferize::Options {
            reuse: self.buffer_reuse,
        };
        let mut stats = Stats::default();
        let result = bufferize::convert_module(ctx, op, opts, &mut stats);
        state.count("num-ops-lowered", stats.ops_lowered);
        state.count("num-allocs", stats.allocs);
        state.count("num-reused", stats.reused);
        state.count("peak-bytes-before-reuse", stats.peak_bytes_before_reuse);
        state.count("peak-bytes", stats.peak_bytes);
        state.count("peak-live-bytes", stats.peak_live_bytes);
        result.map_err(|d: Diagnostic| {
            state.diagnostics.push(d);
            PassFailed
        })
    }
}

/// Runs `convert-graph-to-affine` on `module` directly (outside a pass
/// manager), returning its statistics or the diagnostic that stopped it.
pub fn convert_graph_to_affine(
    ctx: &mut Context,
    module: OpId,
    buffer_reuse: bool,
) -> Result<Stats, Diagnostic> {
    let mut stats = Stats::default();
    bufferize::convert_module(
        ctx,
        module,
        bufferize::Options {
            reuse: buffer_reuse,
        },
        &mut stats,
    )?;
    Ok(stats)
}

/// Emits the loop nests computing `op` (of `family`) from the buffers
/// `ins` into the buffer `out`; the error says what is not supported.
pub(crate) fn lower_graph_op(
    em: &mut Emitter<'_>,
    op: OpId,
    family: Family,
    ins: &[Value],
    out: Value,
) -> Result<(), String> {
    let attrs = tessera_dialects::graph::attrs::Attrs::of_op(em.ctx, op);
    let arg = |i: usize| {
        ins.get(i)
            .copied()
            .ok_or_else(|| format!("missing operand #{i}"))
    };
    match family {
        Family::Unary(u) => elementwise::unary(em, u, arg(0)?, out),
        Family::Binary(b) => elementwise::binary(em, b, arg(0)?, arg(1)?, out),
        Family::Cmp => {
            let p = attrs.string("predicate")?.to_string();
            elementwise::cmp(em, &p, arg(0)?, arg(1)?, out)
        }
        Family::Select => elementwise::select(em, arg(0)?, arg(1)?, arg(2)?, out),
        Family::Cast => elementwise::cast(em, arg(0)?, out),
        Family::Constant => Err("constants are lowered to globals, not here".into()),
        Family::Reshape => {
            shape_ops::reshape(em, arg(0)?, out);
            Ok(())
        }
        Family::Transpose => {
            let perm = attrs.ints("perm")?;
            shape_ops::transpose(em, arg(0)?, &perm, out)
        }
        Family::BroadcastTo => {
            shape_ops::broadcast_to(em, arg(0)?, out);
            Ok(())
        }
        Family::Concat => {
            let axis = attrs.int("axis")?;
            shape_ops::concat(em, ins, axis, out)
        }
        Family::Slice => {
            let x = arg(0)?;
            let ones = vec![1; emit::shape_of(em.ctx, x).len()];
            let starts = attrs.ints("starts")?;
            let limits = attrs.ints("limits")?;
            let strides = attrs.ints_or("strides", &ones)?;
            shape_ops::slice(em, x, &starts, &limits, &strides, out)
        }
        Family::Pad => {
            let low = attrs.ints("low")?;
            let value = attrs.number_or("value", 0.0)?;
            shape_ops::pad(em, arg(0)?, &low, value, out)
        }
        Family::Gather => {
            let axis = attrs.int("axis")?;
            shape_ops::gather(em, arg(0)?, arg(1)?, axis, out)
        }
        Family::Reduce(r) => {
            let axes = attrs.ints("axes")?;
            reduce::reduce(em, r, arg(0)?, &axes, out)
        }
        Family::Argmax => {
            let axis = attrs.int("axis")?;
            reduce::argmax(em, arg(0)?, axis, out)
        }
        Family::Softmax { log } => {
            let axis = attrs.int("axis")?;
            reduce::softmax(em, arg(0)?, axis, log, out)
        }
        Family::MatMul => linalg::matmul(em, arg(0)?, arg(1)?, out),
        Family::Conv2d => {
            let p = nn::ConvParams {
                strides: attrs.ints_or("strides", &[1, 1])?,
                padding: attrs.ints_or("padding", &[0, 0, 0, 0])?,
                dilations: attrs.ints_or("dilations", &[1, 1])?,
                groups: attrs.int_or("groups", 1)?,
            };
            nn::conv2d(em, arg(0)?, arg(1)?, &p, out)
        }
        Family::Pool(kind) => {
            let p = nn::PoolParams {
                kernel: attrs.ints("kernel")?,
                strides: attrs.ints("strides")?,
                padding: attrs.ints_or("padding", &[0, 0, 0, 0])?,
            };
            nn::pool2d(em, kind, arg(0)?, &p, out)
        }
        Family::BatchNorm => {
            let eps = attrs.float("epsilon")?;
            nn::batch_norm(em, ins, eps, out)
        }
        Family::LayerNorm => {
            let axis = attrs.int("axis")?;
            let eps = attrs.float("epsilon")?;
            nn::layer_norm(em, ins, axis, eps, out)
        }
    }
}
