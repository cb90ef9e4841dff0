//! Runs the lit tests in `lit/` with this crate's `toy-opt`, which cargo
//! builds before this test and names in `CARGO_BIN_EXE_toy-opt`; its
//! directory goes first on the tests' `PATH`.

use std::path::Path;

use tessera_tools::lit::{LitConfig, run_all};

#[test]
fn lit() {
    let toy_opt = Path::new(env!("CARGO_BIN_EXE_toy-opt"));
    let lit_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lit");
    let cfg = LitConfig {
        tool_dirs: vec![
            toy_opt
                .parent()
                .expect("a binary has a directory")
                .to_path_buf(),
        ],
        ..LitConfig::default()
    };
    let summary = run_all(&cfg, &[&lit_dir]);
    for result in &summary.results {
        if result.is_failure() {
            eprintln!("{}", result.report(true));
        }
    }
    assert_eq!(summary.failed(), 0, "{}", summary.summary_line());
    // Nothing may be skipped (FileCheck is required) or missing.
    assert_eq!(summary.skipped(), 0, "{}", summary.summary_line());
    assert!(
        summary.passed() >= 5,
        "expected the lit files of {}: {}",
        lit_dir.display(),
        summary.summary_line()
    );
}

#[test]
fn the_registry_is_consistent() {
    let mut registry = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut registry);
    tessera_example_out_of_tree::register_passes(&mut registry);
    assert_eq!(registry.validate(), Vec::<String>::new());
}
