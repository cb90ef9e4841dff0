//! The lit examples of `docs/tutorials/test-a-pass-with-tensor-lit.md`
//! pass: every ```` ```mlir ```` block with a `RUN:` line is written to a
//! file and run by `tessera_tools::lit` with the built `tensor-opt`.
//!
//! `tensor-opt` is a binary of another crate, so it is looked for where
//! cargo puts binaries (`target/<profile>/`, next to this test's `deps/`).
//! `cargo test --workspace` builds it; on its own, `cargo test -p
//! tessera-docs` may not have, and then the test says so and does nothing.

use std::path::PathBuf;

use tessera_tools::lit::{LitConfig, run_all};

const TUTORIAL: &str = include_str!("../tutorials/test-a-pass-with-tensor-lit.md");

/// The ```` ```mlir ```` blocks of `markdown` that hold `RUN:` lines, with
/// their line numbers in the Markdown file.
fn lit_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```mlir" => current = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_start() == "```" => {
                let (start, text) = current.take().expect("inside a block");
                if text.contains("// RUN:") {
                    blocks.push((start, text));
                }
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```mlir block");
    blocks
}

/// `target/<profile>`: the test binary runs from its `deps/` folder.
fn cargo_bin_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    Some(deps.parent()?.to_path_buf())
}

#[test]
fn the_tutorial_has_lit_examples() {
    assert!(lit_blocks(TUTORIAL).len() >= 4);
}

#[test]
fn tutorial_lit_examples_pass() {
    let Some(bin_dir) = cargo_bin_dir().filter(|d| d.join("tensor-opt").is_file()) else {
        eprintln!(
            "skipped: tensor-opt is not built; run `cargo build -p tessera-tools --bins` \
             (or `cargo test --workspace`) first"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut names = Vec::new();
    for (line, text) in lit_blocks(TUTORIAL) {
        let name = format!("tutorial-line-{line}.mlir");
        std::fs::write(dir.path().join(&name), text).expect("write a lit file");
        names.push(name);
    }
    let cfg = LitConfig {
        tool_dirs: vec![bin_dir],
        ..LitConfig::default()
    };
    let summary = run_all(&cfg, &[dir.path()]);
    let reports: Vec<String> = summary.failures().map(|f| f.report(true)).collect();
    assert!(
        summary.failed() == 0,
        "lit examples of the tutorial failed (the file name gives the block's line):\n{}",
        reports.join("\n")
    );
    assert_eq!(
        summary.passed(),
        names.len(),
        "every example runs: {}",
        summary.summary_line()
    );
}
