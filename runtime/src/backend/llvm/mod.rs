//! The LLVM 19 backend (inkwell): loop-level IR to LLVM IR, optimized for
//! the host CPU, JIT-compiled or written as an object file.
