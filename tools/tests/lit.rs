//! Runs every lit test under `tests/lit` with the tools built by this
//! package (`tensor-opt` and its siblings) first on `PATH`.

use std::path::Path;

use tessera_tools::lit::{LitConfig, run_all};

#[test]
fn lit_tests_pass() {
    let exe = Path::new(env!("CARGO_BIN_EXE_tensor-opt"));
    let cfg = LitConfig {
        tool_dirs: vec![exe.parent().expect("the binary's directory").to_path_buf()],
        ..LitConfig::default()
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lit");
    let summary = run_all(&cfg, &[root]);
    let mut report = String::new();
    for failure in summary.failures() {
        report.push_str(&format!("{failure}\n"));
    }
    assert!(!summary.results.is_empty(), "no lit tests found");
    assert_eq!(summary.failed(), 0, "{report}{}", summary.summary_line());
}
