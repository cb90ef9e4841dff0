//! The pass manager: the [`Pass`] trait, the pass registry, MLIR's pipeline
//! syntax, and instrumentation (IR printing, timing, statistics).
//!
//! - [`registry`]: [`PassRegistry`], every pass a driver knows by name, and
//!   the named pipelines (`-O0`..`-O3`, a data table in [`opt_levels`]).
//! - [`pipeline`]: MLIR's textual pipeline syntax,
//!   `builtin.module(func.func(canonicalize,cse),graph-eqsat{node-limit=20000})`.
//! - [`manager`]: [`PassManager`], which runs passes on nested anchors and
//!   verifies after each pass.
//! - [`instrument`]: IR printing around passes, the timing table and the
//!   statistics report.
//!
//! ```
//! use tessera_compiler::pass::{PassInfo, PassManager, PassRegistry};
//! use tessera_compiler::pass::{Pass, PassFailed, PassOptions, PassState};
//! use tessera_compiler::{Context, OpId};
//!
//! struct CountOps;
//! impl Pass for CountOps {
//!     fn run(&mut self, ctx: &mut Context, op: OpId, st: &mut PassState) -> Result<(), PassFailed> {
//!         st.count("ops", ctx.walk_preorder(op).len() as u64);
//!         Ok(())
//!     }
//! }
//!
//! let mut registry = PassRegistry::new();
//! registry.register(PassInfo {
//!     name: "count-ops",
//!     summary: "Counts ops",
//!     description: "",
//!     anchor: None,
//!     options: vec![],
//!     create: |_| Ok(Box::new(CountOps)),
//! });
//! let pm = PassManager::parse(&registry, "builtin.module(count-ops)").unwrap();
//! assert_eq!(pm.pipeline_string(), "builtin.module(count-ops)");
//! let err = PassManager::parse(&registry, "builtin.module(cout-ops)").unwrap_err();
//! assert_eq!(err.message, "unknown pass 'cout-ops'; valid passes: count-ops");
//! ```

pub mod instrument;
pub mod manager;
pub mod opt_levels;
pub mod pipeline;
pub mod registry;

pub use instrument::{IrPrinting, TimingReport};
pub use manager::{OpPassManager, PassManager};
pub use pipeline::{OptionSetting, PipelineElement, PipelineError, parse_options, parse_pipeline};
pub use registry::{NamedPipeline, PassRegistry};

use std::collections::BTreeMap;

use crate::context::Context;
use crate::diag::Diagnostic;
use crate::entity::OpId;

/// A transformation over the IR nested in one op.
pub trait Pass {
    /// Runs on `op`, an op named by the pass's [`PassInfo::anchor`] (or any
    /// op when it has none). Warnings and errors go into `state`; return
    /// `Err(PassFailed)` when the pass failed (after pushing at least one error).
    fn run(&mut self, ctx: &mut Context, op: OpId, state: &mut PassState)
    -> Result<(), PassFailed>;
}

/// The pass failed; its diagnostics say why.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct PassFailed;

/// What a pass run reports besides the IR change.
#[derive(Clone, Debug, Default)]
pub struct PassState {
    /// Named counters and facts, in the order first set (`--pass-statistics`).
    pub statistics: Vec<(String, Statistic)>,
    /// Warnings and errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// One statistic value.
#[derive(Clone, PartialEq, Debug)]
pub enum Statistic {
    /// A counter.
    Count(u64),
    /// Any other fact (a stop reason, a cost).
    Text(String),
}

impl PassState {
    /// Adds `n` to the counter `name` (creating it at 0).
    pub fn count(&mut self, name: &str, n: u64) {
        match self.statistics.iter_mut().find(|(k, _)| k == name) {
            Some((_, Statistic::Count(c))) => *c += n,
            Some((_, slot)) => *slot = Statistic::Count(n),
            None => self
                .statistics
                .push((name.to_string(), Statistic::Count(n))),
        }
    }

    /// Sets the fact `name`.
    pub fn set_text(&mut self, name: &str, value: impl Into<String>) {
        let value = Statistic::Text(value.into());
        match self.statistics.iter_mut().find(|(k, _)| k == name) {
            Some((_, slot)) => *slot = value,
            None => self.statistics.push((name.to_string(), value)),
        }
    }
}

/// The type of a pass option.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum OptionKind {
    /// A signed integer.
    Int,
    /// `true` / `false` (a bare name means `true`).
    Bool,
    /// Any text.
    Str,
    /// A comma-separated list of words.
    List,
}

/// A declared pass option.
#[derive(Clone, Debug)]
pub struct PassOptionInfo {
    /// Its name, kebab-case (`node-limit`).
    pub name: &'static str,
    /// Its type.
    pub kind: OptionKind,
    /// Its default, as text (`"20000"`, `"false"`, `""`).
    pub default: &'static str,
    /// One line of help.
    pub help: &'static str,
}

/// Pass option values, checked against the declared options and filled
/// with defaults.
#[derive(Clone, Debug, Default)]
pub struct PassOptions {
    /// Values as text, by option name.
    pub values: BTreeMap<String, String>,
}

impl PassOptions {
    /// The integer option `name` (declared options always have a value).
    pub fn int(&self, name: &str) -> i64 {
        self.values
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// The bool option `name`.
    pub fn bool(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == "true")
    }

    /// The text option `name`.
    pub fn str(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |s| s.as_str())
    }

    /// The list option `name`.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.str(name)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Creates a pass from its (checked) options, or says why it cannot.
pub type PassConstructor = fn(&PassOptions) -> Result<Box<dyn Pass>, String>;

/// A registered pass.
#[derive(Clone, Debug)]
pub struct PassInfo {
    /// The pipeline name (`cse`, `graph-eqsat`).
    pub name: &'static str,
    /// One line for `--list-passes`.
    pub summary: &'static str,
    /// A longer description (Markdown) for `docs/passes.md`.
    pub description: &'static str,
    /// The op name it runs on (`func.func`, `builtin.module`), or `None` for any op.
    pub anchor: Option<&'static str>,
    /// Declared options.
    pub options: Vec<PassOptionInfo>,
    /// Constructor.
    pub create: PassConstructor,
}
