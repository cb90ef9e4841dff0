//! The generic passes: they know no dialect, only op traits
//! ([`OpTraits`](tessera_compiler::OpTraits)), the fold and pattern hooks
//! of [`OpDef`](tessera_compiler::OpDef)s, and the `func` and `builtin`
//! op names symbols and calls are spelled with.
//!
//! | pass | does |
//! |------|------|
//! | [`canonicalize`] | folds, canonicalization patterns, dead-op erasure, to a fixed point |
//! | [`cse`] | common subexpression elimination of pure ops, scoped by dominance |
//! | [`symbol_dce`] | erases private symbols nothing live refers to |
//! | [`inline`] | inlines `func.call`s of single-block `func.func`s |

pub mod canonicalize;
pub mod cse;
pub mod inline;
pub mod symbol_dce;
mod symbols;

pub use canonicalize::{Canonicalize, canonicalize_info};
pub use cse::{Cse, cse_info};
pub use inline::{Inline, inline_info};
pub use symbol_dce::{SymbolDce, symbol_dce_info};
