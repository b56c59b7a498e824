//! The browser suites of `tests/browser/` (Node's test runner driving Debian's headless
//! Chromium through playwright-core), run from `cargo test` so the README's one test command
//! covers them. The bundled site is built fresh into a temporary folder first.
//!
//! Nothing here is skipped: a missing Chromium, Node or `npm ci` is a failure with the command
//! that fixes it, because a browser test that silently passes without a browser is a defect.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_suites_pass_in_headless_chromium() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suites = repo.join("tests/browser");
    assert!(
        suites.join("node_modules/playwright-core").is_dir(),
        "the browser tests' dependencies are missing: run `npm ci --prefix tests/browser`"
    );
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at `{chromium}`: run `apt-get install -y chromium chromium-driver` or set CHROMIUM_PATH"
    );

    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["build", "--root"])
        .arg(repo)
        .arg("--out")
        .arg(&public)
        .output()
        .expect("run helpsite build");
    assert!(
        build.status.success(),
        "building the bundled site failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let mut files: Vec<_> = std::fs::read_dir(&suites)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.ends_with(".test.mjs").then_some(name)
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no browser suites in {}",
        suites.display()
    );

    let out = Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&files)
        .current_dir(&suites)
        .env("HELPSITE_PUBLIC", &public)
        .env("HELPSITE_BIN", env!("CARGO_BIN_EXE_helpsite"))
        .env("CHROMIUM_PATH", &chromium)
        .output()
        .expect("run node (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser suites failed:\n{stdout}\n{stderr}"
    );
    // A run that executed no test must not count as a pass.
    let passed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("# pass "))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    assert!(passed > 0, "the browser suites ran no test:\n{stdout}");
    eprintln!("{} browser tests passed", passed);
}
