//! The real support site in `content/` at the repository root must build without errors.

use std::process::Command;

#[test]
fn bundled_site_builds_without_errors() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["build", "--root", repo, "--out"])
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    let pages = walkdir::WalkDir::new(out.path().join("public"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() == "index.html"))
        .count();
    assert!(
        pages >= 15,
        "issue 2 asks for at least 15 pages, built {pages}"
    );
}
