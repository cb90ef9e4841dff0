//! Source locations, as MLIR's: file:line:col, names, call sites and fused
//! locations (what an op made of several others carries).

use crate::entity::{Attribute, Location, Symbol};

/// The contents of a location.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum LocData {
    /// `loc(unknown)`.
    Unknown,
    /// `loc("file.mlir":3:7)`; line and column count from 1.
    FileLineCol {
        /// The file name as written.
        file: Symbol,
        /// Line, from 1.
        line: u32,
        /// Column, from 1.
        col: u32,
    },
    /// `loc("name"(child))` or `loc("name")`.
    Name {
        /// The name.
        name: Symbol,
        /// Where the named thing is, if known.
        child: Option<Location>,
    },
    /// `loc(callsite(callee at caller))`.
    CallSite {
        /// The location in the callee.
        callee: Location,
        /// The location of the call.
        caller: Location,
    },
    /// `loc(fused[a, b])` or `loc(fused<#meta>[a, b])`.
    Fused {
        /// The merged locations.
        locs: Vec<Location>,
        /// Optional metadata.
        metadata: Option<Attribute>,
    },
}
