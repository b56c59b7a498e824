//! A chainable driver, after mdBook's `BookTest`: copy a fixture site to a temporary folder,
//! build, assert, edit a file, rebuild, assert again.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SiteTest {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// One run of the binary; stderr has the temporary root replaced by `[ROOT]`.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> SiteTest {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            &root,
        );
        SiteTest { _dir: dir, root }
    }

    /// Writes (or replaces) a file under the site root.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.root.join(rel)).unwrap();
        self
    }

    /// Runs `helpsite ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        let redact = |b: &[u8]| {
            String::from_utf8_lossy(b).replace(&self.root.display().to_string(), "[ROOT]")
        };
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: redact(&out.stdout),
            stderr: redact(&out.stderr),
        }
    }

    /// `helpsite build`, which must succeed.
    pub fn build(&self) -> &Self {
        let run = self.run(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        self
    }

    /// `helpsite build`, which must fail with the site's errors; returns the run.
    pub fn build_fails(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(
            run.code, 1,
            "build did not fail with status 1:\n{}",
            run.stderr
        );
        run
    }

    /// A file of the built site.
    pub fn output(&self, rel: &str) -> String {
        let path = self.root.join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn output_exists(&self, rel: &str) -> bool {
        self.root.join("public").join(rel).exists()
    }

    pub fn assert_output_contains(&self, rel: &str, needle: &str) -> &Self {
        let text = self.output(rel);
        assert!(text.contains(needle), "`{needle}` not in {rel}:\n{text}");
        self
    }

    pub fn assert_output_lacks(&self, rel: &str, needle: &str) -> &Self {
        let text = self.output(rel);
        assert!(
            !text.contains(needle),
            "`{needle}` unexpectedly in {rel}:\n{text}"
        );
        self
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
