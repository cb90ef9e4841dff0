//! The `graph` language reference: `docs/langref/graph.md` must be what
//! `langref_markdown` generates (regenerate with `UPDATE_DOCS=1 cargo test
//! -p tessera-dialects --test graph_langref`), and every op the spec names
//! must be registered.

use std::path::PathBuf;

use tessera_compiler::Context;
use tessera_dialects::graph::langref_markdown;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives in the workspace")
        .to_path_buf()
}

fn context() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

#[test]
fn langref_is_up_to_date() {
    let path = repo_root().join("docs/langref/graph.md");
    let generated = langref_markdown(&context());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        // Write atomically: a temporary file in the same folder, then rename.
        let tmp = path.with_extension("md.tmp");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&tmp, &generated).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} is stale; regenerate it with `UPDATE_DOCS=1 cargo test -p tessera-dialects --test graph_langref`",
        path.display()
    );
}

#[test]
fn langref_covers_every_op() {
    let md = langref_markdown(&context());
    for info in tessera_dialects::graph::OPS {
        assert!(
            md.contains(&format!("### `{}`", info.name)),
            "{}",
            info.name
        );
        assert!(md.contains(info.example), "example of {}", info.name);
    }
}

/// The op names of the spec's "Semantics" section: every `graph.x` in
/// backticks, and the bare names listed after one (`graph.neg`, `abs`, ...),
/// a list running while the text between names is a comma (possibly after a
/// parenthetical remark).
fn spec_op_names(spec: &str) -> Vec<String> {
    let start = spec
        .find("## Semantics")
        .expect("spec has a Semantics section");
    let end = spec[start..]
        .find("## Functions")
        .map_or(spec.len(), |e| start + e);
    let section = &spec[start..end];
    let mut names = Vec::new();
    let mut in_list = false;
    let mut parts = section.split('`');
    let mut between = parts.next().unwrap_or("");
    while let Some(token) = parts.next() {
        let bare = !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if let Some(op) = token.strip_prefix("graph.") {
            names.push(format!("graph.{op}"));
            in_list = true;
        } else if bare && in_list && between.trim_end().ends_with(',') {
            names.push(format!("graph.{token}"));
        } else {
            in_list = false;
        }
        between = parts.next().unwrap_or("");
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_op_of_the_spec_is_registered() {
    let path = repo_root().join("../shared/spec/graph-dialect.md");
    let Ok(spec) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: the spec is not at {}", path.display());
        return;
    };
    let names = spec_op_names(&spec);
    // The spec lists 51 ops; fewer means the list parser lost some.
    assert!(
        names.len() >= 51,
        "found only {} op names: {names:?}",
        names.len()
    );
    let ctx = context();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| {
            ctx.lookup_op_name(n)
                .and_then(|o| ctx.op_name_def(o))
                .is_none()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "ops of the spec that are not registered: {missing:?}"
    );
}
