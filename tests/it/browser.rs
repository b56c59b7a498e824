//! The browser suites of `tests/browser/` (Node's test runner driving Debian's headless
//! Chromium through playwright-core), run from `cargo test` so the README's one test command
//! covers them. The bundled site is built fresh into a temporary folder first.
//!
//! Nothing here is skipped: a missing Chromium, nginx, Node or `npm ci` (or one from another
//! `package-lock.json`) is a failure with the command that fixes it, because a browser test
//! that silently passes without a browser is a defect. `scripts/test` sets all of them up.

use std::path::Path;
use std::process::Command;

const NGINX: &str = "/usr/sbin/nginx";

/// `version` of an installed npm package (`""` when it is missing).
fn installed_version(package_json: &Path) -> String {
    std::fs::read_to_string(package_json)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["version"].as_str().map(String::from))
        .unwrap_or_default()
}

/// Every module `package-lock.json` pins (`node_modules/playwright-core`) with its version.
fn locked_versions(lock: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(lock).unwrap_or_else(|e| panic!("{}: {e}", lock.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let modules: Vec<_> = json["packages"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.starts_with("node_modules/"))
        .map(|(key, entry)| {
            let version = entry["version"].as_str().unwrap_or_default();
            (key.clone(), version.to_string())
        })
        .collect();
    assert!(!modules.is_empty(), "{} pins no module", lock.display());
    modules
}

#[test]
fn browser_suites_pass_in_headless_chromium() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suites = repo.join("tests/browser");
    assert!(
        suites.join("node_modules/playwright-core").is_dir(),
        "the browser tests' dependencies are missing: run `scripts/test` (or `npm ci --prefix tests/browser`)"
    );
    for (module, locked) in locked_versions(&suites.join("package-lock.json")) {
        let installed = installed_version(&suites.join(&module).join("package.json"));
        assert_eq!(
            installed, locked,
            "tests/browser/{module} is not the version package-lock.json pins: run `scripts/test` (or `npm ci --prefix tests/browser`)"
        );
    }
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at `{chromium}`: run `scripts/test` (as root it installs it), or `apt-get install -y chromium chromium-driver`, or set CHROMIUM_PATH"
    );
    // subpath.test.mjs serves the site with nginx and the recipe of docs/deploy.md.
    assert!(
        Path::new(NGINX).exists(),
        "no nginx at `{NGINX}`: run `scripts/test` (as root it installs it), or `apt-get install -y nginx`"
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
