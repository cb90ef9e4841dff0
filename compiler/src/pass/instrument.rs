//! Pass instrumentation: printing the IR around passes and the timing table
//! (`--print-ir-after-all`, `--pass-timing` in `tensor-opt`).
//!
//! The statistics report lives with the data it reports, in
//! [`PassManager::statistics_report`](super::PassManager::statistics_report).

use std::io::Write;
use std::time::Duration;

use crate::context::Context;
use crate::entity::OpId;
use crate::syntax::{PrintOptions, print_op};

/// Which IR dumps to write around passes, and where.
pub struct IrPrinting {
    /// Print before every pass.
    pub before_all: bool,
    /// Print after every pass.
    pub after_all: bool,
    /// Print before the passes with these names.
    pub before: Vec<String>,
    /// Print after the passes with these names.
    pub after: Vec<String>,
    /// Print the whole root op instead of the op the pass ran on.
    pub module_scope: bool,
    /// How to print.
    pub options: PrintOptions,
    /// Where dumps go (stderr in `tensor-opt`).
    pub out: Box<dyn Write>,
}

impl IrPrinting {
    /// Prints nothing yet; set the fields to choose dumps.
    pub fn new(out: Box<dyn Write>) -> Self {
        IrPrinting {
            before_all: false,
            after_all: false,
            before: Vec::new(),
            after: Vec::new(),
            module_scope: false,
            options: PrintOptions::default(),
            out,
        }
    }

    /// Whether to dump before `pass` runs.
    pub fn wants_before(&self, pass: &str) -> bool {
        self.before_all || self.before.iter().any(|p| p == pass)
    }

    /// Whether to dump after `pass` ran.
    pub fn wants_after(&self, pass: &str) -> bool {
        self.after_all || self.after.iter().any(|p| p == pass)
    }

    /// Writes `// -----// IR Dump {when} //----- //` and `op` printed.
    pub(crate) fn dump(&mut self, ctx: &Context, op: OpId, when: &str) {
        let text = print_op(ctx, op, &self.options);
        // A closed stderr must not stop compilation.
        let _ = writeln!(self.out, "// -----// IR Dump {when} //----- //");
        let _ = writeln!(self.out, "{}", text.trim_end());
        let _ = writeln!(self.out);
        let _ = self.out.flush();
    }
}

/// One row of the timing table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TimingRow {
    /// Nesting depth (0 for the top).
    pub depth: usize,
    /// What was timed (`cse`, `'func.func' Pipeline`, `parser`).
    pub name: String,
    /// Wall time.
    pub time: Duration,
}

/// The timing table, like `mlir-opt --mlir-timing`.
#[derive(Clone, Debug, Default)]
pub struct TimingReport {
    /// The rows in display order.
    pub rows: Vec<TimingRow>,
}

impl TimingReport {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row.
    pub fn add(&mut self, depth: usize, name: impl Into<String>, time: Duration) {
        self.rows.push(TimingRow {
            depth,
            name: name.into(),
            time,
        });
    }

    /// The table, with `total` as 100% and a `rest` row for the time no
    /// top-level row accounts for.
    pub fn render(&self, total: Duration) -> String {
        let bar = "===-------------------------------------------------------------------------===";
        let mut out = format!(
            "{bar}\n{}\n{bar}\n  Total Execution Time: {:.4} seconds\n\n  ----Wall Time----  ----Name----\n",
            centered("... Execution time report ..."),
            total.as_secs_f64()
        );
        let total_s = total.as_secs_f64();
        let pct = |t: Duration| {
            if total_s > 0.0 {
                100.0 * t.as_secs_f64() / total_s
            } else {
                0.0
            }
        };
        let mut line = |depth: usize, name: &str, t: Duration| {
            out.push_str(&format!(
                "  {:>8.4} ({:>5.1}%)  {}{}\n",
                t.as_secs_f64(),
                pct(t),
                "  ".repeat(depth),
                name
            ));
        };
        let mut top = Duration::ZERO;
        for r in &self.rows {
            if r.depth == 0 {
                top += r.time;
            }
            line(r.depth, &r.name, r.time);
        }
        if total > top {
            line(0, "rest", total - top);
        }
        line(0, "Total", total);
        out
    }
}

/// `title` centered in the 80 columns of the report bars, MLIR-style.
pub(crate) fn centered(title: &str) -> String {
    format!(
        "{}{title}",
        " ".repeat(80usize.saturating_sub(title.len()) / 2)
    )
}
