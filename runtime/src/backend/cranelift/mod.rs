//! The Cranelift backend: loop-level IR to Cranelift IR, compiled fast
//! by `cranelift-jit`.
