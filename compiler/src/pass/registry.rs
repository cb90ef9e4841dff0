//! The pass registry: every pass a driver knows by name, with its options,
//! and named pipelines (`O0`..`O3`).
//!
//! Registration is explicit, as for dialects: a crate of passes calls
//! [`PassRegistry::register`] for each of its passes (`tessera_passes::register_all`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::opt_levels::OPT_LEVELS;
use super::pipeline::{OptionSetting, PipelineError, options_to_string};
use super::{OptionKind, Pass, PassInfo, PassOptions};

/// A pipeline registered under a name, such as the optimization levels.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NamedPipeline {
    /// Its name (`O2`); the driver flag is `-O2`.
    pub name: String,
    /// One line for `--list-passes`.
    pub summary: String,
    /// The pipeline text, in [`pipeline`](super::pipeline) syntax.
    pub pipeline: String,
}

/// Passes and named pipelines by name. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct PassRegistry {
    passes: BTreeMap<&'static str, PassInfo>,
    pipelines: BTreeMap<String, NamedPipeline>,
}

impl Default for PassRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl PassRegistry {
    /// A registry with no passes and the default named pipelines of
    /// [`OPT_LEVELS`].
    pub fn new() -> Self {
        let mut r = PassRegistry {
            passes: BTreeMap::new(),
            pipelines: BTreeMap::new(),
        };
        for &(name, summary, pipeline) in OPT_LEVELS {
            r.register_pipeline(name, summary, pipeline);
        }
        r
    }

    /// Registers a pass; a pass registered again under the same name
    /// replaces the earlier one (so a driver can override a default).
    pub fn register(&mut self, info: PassInfo) {
        self.passes.insert(info.name, info);
    }

    /// The pass named `name`.
    pub fn get(&self, name: &str) -> Option<&PassInfo> {
        self.passes.get(name)
    }

    /// Every pass, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &PassInfo> {
        self.passes.values()
    }

    /// Every pass name, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        self.passes.keys().copied().collect()
    }

    /// Registers (or replaces) a named pipeline.
    pub fn register_pipeline(&mut self, name: &str, summary: &str, pipeline: &str) {
        self.pipelines.insert(
            name.to_string(),
            NamedPipeline {
                name: name.to_string(),
                summary: summary.to_string(),
                pipeline: pipeline.to_string(),
            },
        );
    }

    /// The named pipeline `name` (`O2`).
    pub fn pipeline(&self, name: &str) -> Option<&NamedPipeline> {
        self.pipelines.get(name)
    }

    /// Every named pipeline, sorted by name.
    pub fn pipelines(&self) -> impl Iterator<Item = &NamedPipeline> {
        self.pipelines.values()
    }

    /// The error for an unknown pass name, listing the valid ones.
    pub fn unknown_pass(&self, name: &str, pos: usize) -> PipelineError {
        let valid = if self.passes.is_empty() {
            "none are registered".to_string()
        } else {
            self.names().join(", ")
        };
        PipelineError::new(pos, format!("unknown pass '{name}'; valid passes: {valid}"))
    }

    /// Creates the pass `name` with `settings` checked and completed by
    /// [`PassInfo::check_options`]. `pos` is where the name was written,
    /// for errors.
    pub fn create(
        &self,
        name: &str,
        settings: &[OptionSetting],
        pos: usize,
    ) -> Result<(&PassInfo, PassOptions, Box<dyn Pass>), PipelineError> {
        let info = self.get(name).ok_or_else(|| self.unknown_pass(name, pos))?;
        let options = info.check_options(settings)?;
        let pass = (info.create)(&options).map_err(|e| {
            PipelineError::new(pos, format!("invalid options for pass '{name}': {e}"))
        })?;
        Ok((info, options, pass))
    }

    /// Checks the registry itself: every pass creates with its default
    /// options, option defaults have their declared kinds, and every named
    /// pipeline parses and names registered passes. Returns the problems
    /// found; a test of a pass crate should assert it is empty.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for info in self.iter() {
            if let Err(e) = self.create(info.name, &[], 0) {
                problems.push(format!("pass '{}': {}", info.name, e.message));
            }
            let is_kebab = !info.name.is_empty()
                && info
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !is_kebab {
                problems.push(format!("pass '{}': name is not kebab-case", info.name));
            }
        }
        for p in self.pipelines() {
            if let Err(e) = crate::pass::PassManager::parse(self, &p.pipeline) {
                problems.push(format!("pipeline '{}': {}", p.name, e.message));
            }
        }
        problems
    }

    /// The text of `--list-passes`: each pass with its summary, anchor and
    /// options (with defaults), then the named pipelines.
    pub fn list_text(&self) -> String {
        let mut out = String::from("Passes:\n");
        if self.passes.is_empty() {
            out.push_str("  (none registered)\n");
        }
        for info in self.iter() {
            let anchor = info.anchor.unwrap_or("any op");
            let _ = writeln!(out, "  {:<28} {} [on {}]", info.name, info.summary, anchor);
            for o in &info.options {
                let flag = format!("{}=<{}>", o.name, o.kind.name());
                let default = if o.default.is_empty() {
                    "(default: \"\")".to_string()
                } else {
                    format!("(default: {})", o.default)
                };
                let _ = writeln!(out, "      {flag:<26} {} {default}", o.help);
            }
        }
        out.push_str("Pipelines:\n");
        for p in self.pipelines() {
            let text = if p.pipeline.is_empty() {
                "(no passes)"
            } else {
                &p.pipeline
            };
            let _ = writeln!(out, "  -{:<27} {}: {}", p.name, p.summary, text);
        }
        out
    }
}

impl OptionKind {
    /// The word `--list-passes` shows for the kind (`int`).
    pub fn name(self) -> &'static str {
        match self {
            OptionKind::Int => "int",
            OptionKind::Bool => "bool",
            OptionKind::Str => "string",
            OptionKind::List => "list",
        }
    }
}

impl PassInfo {
    /// Checks `settings` against the declared options (names, kinds,
    /// duplicates) and fills in the defaults of the options not given.
    pub fn check_options(&self, settings: &[OptionSetting]) -> Result<PassOptions, PipelineError> {
        let mut values = BTreeMap::new();
        for s in settings {
            let Some(decl) = self.options.iter().find(|o| o.name == s.key) else {
                let msg = if self.options.is_empty() {
                    format!(
                        "unknown option '{}' for pass '{}', which has no options",
                        s.key, self.name
                    )
                } else {
                    let valid: Vec<&str> = self.options.iter().map(|o| o.name).collect();
                    format!(
                        "unknown option '{}' for pass '{}'; valid options: {}",
                        s.key,
                        self.name,
                        valid.join(", ")
                    )
                };
                return Err(PipelineError::new(s.pos, msg));
            };
            if values.contains_key(decl.name) {
                return Err(PipelineError::new(
                    s.pos,
                    format!("option '{}' of pass '{}' is given twice", s.key, self.name),
                ));
            }
            let value = check_value(decl.kind, s.value.as_deref()).map_err(|e| {
                PipelineError::new(
                    s.pos,
                    format!("option '{}' of pass '{}' {e}", s.key, self.name),
                )
            })?;
            values.insert(decl.name.to_string(), value);
        }
        for decl in &self.options {
            if !values.contains_key(decl.name) {
                let value = check_value(decl.kind, Some(decl.default)).map_err(|e| {
                    PipelineError::new(
                        0,
                        format!(
                            "the default of option '{}' of pass '{}' is invalid: it {e}",
                            decl.name, self.name
                        ),
                    )
                })?;
                values.insert(decl.name.to_string(), value);
            }
        }
        Ok(PassOptions { values })
    }

    /// The options in `options` as pipeline text (`{node-limit=100 verbose=false}`),
    /// in declaration order; empty when the pass has no options.
    pub fn options_text(&self, options: &PassOptions) -> String {
        let pairs: Vec<(&str, Option<&str>)> = self
            .options
            .iter()
            .map(|o| (o.name, Some(options.str(o.name))))
            .collect();
        options_to_string(&pairs)
    }
}

/// Checks one option value against its kind and normalizes it.
fn check_value(kind: OptionKind, value: Option<&str>) -> Result<String, String> {
    match (kind, value) {
        (OptionKind::Bool, None) => Ok("true".to_string()),
        (OptionKind::Bool, Some("true" | "1")) => Ok("true".to_string()),
        (OptionKind::Bool, Some("false" | "0")) => Ok("false".to_string()),
        (OptionKind::Bool, Some(v)) => Err(format!("expects true or false, got '{v}'")),
        (_, None) => Err(format!("needs a value (name={})", kind_placeholder(kind))),
        (OptionKind::Int, Some(v)) => v
            .trim()
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| format!("expects an integer, got '{v}'")),
        (OptionKind::Str, Some(v)) => Ok(v.to_string()),
        (OptionKind::List, Some(v)) => Ok(v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(",")),
    }
}

fn kind_placeholder(kind: OptionKind) -> &'static str {
    match kind {
        OptionKind::Int => "<int>",
        OptionKind::Bool => "<bool>",
        OptionKind::Str => "<string>",
        OptionKind::List => "<a,b,...>",
    }
}
