//! `docs/passes.md` must be what `passes_markdown` generates from the
//! built-in pass registry; regenerate it with
//! `UPDATE_DOCS=1 cargo test -p tessera-docs --test passes_md`.

use std::path::PathBuf;

use tessera_docs::{REGENERATE, builtin_registry, github_anchor, passes_markdown};

fn passes_md_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("passes.md")
}

#[test]
fn passes_md_is_up_to_date() {
    let path = passes_md_path();
    let generated = passes_markdown(&builtin_registry());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        // Atomically: a temporary file beside it, then a rename.
        let tmp = path.with_extension("md.tmp");
        std::fs::write(&tmp, &generated).expect("write the temporary file");
        std::fs::rename(&tmp, &path).expect("replace docs/passes.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != generated {
        let first_difference = on_disk
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| on_disk.lines().count().min(generated.lines().count()));
        panic!(
            "{} is stale (first difference at line {}); regenerate it with `{REGENERATE}`",
            path.display(),
            first_difference + 1
        );
    }
}

#[test]
fn every_pass_option_and_pipeline_is_documented() {
    let reg = builtin_registry();
    assert!(reg.validate().is_empty(), "{:?}", reg.validate());
    let md = passes_markdown(&reg);
    for info in reg.iter() {
        assert!(
            md.contains(&format!("### `{}`\n", info.name)),
            "{}",
            info.name
        );
        assert!(
            md.contains(&format!("(#{})", github_anchor(info.name))),
            "index entry of {}",
            info.name
        );
        for o in &info.options {
            assert!(
                md.contains(&format!("| `{}` | {} |", o.name, o.kind.name())),
                "option {} of {}",
                o.name,
                info.name
            );
        }
    }
    for p in reg.pipelines() {
        assert!(md.contains(&format!("| `-{}` |", p.name)), "-{}", p.name);
    }
}
