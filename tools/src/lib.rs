//! Tessera's command-line tools as a library: the lit-style test runner
//! ([`lit`]) that `tensor-lit` wraps, usable from a crate's own tests.

pub mod lit;
