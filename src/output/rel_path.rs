//! [`RelPath`]: a path proved to stay inside the output folder. It is the only way `output`
//! turns an output path (`faq/index.html`) or a manifest entry read back from disk into a path
//! on disk, so no alias, file name or damaged manifest can make a build write, replace or
//! unlink anything outside the folder it owns (issue 13).
//!
//! The rule is lexical, on purpose: `/`-separated, relative, every segment a plain name (no
//! empty, `.` or `..` segment, no `\`, no NUL, nothing a platform reads as a root or a drive).
//! Symbolic links inside the output are the other way out; `output` never follows those
//! (see `Stager::ensure_dir`).

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// A relative output path that cannot leave the folder it is joined to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath<'a>(&'a str);

/// Why a path is not a [`RelPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escape {
    pub path: String,
    pub why: &'static str,
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write `{}` outside the output folder: {}",
            self.path, self.why
        )
    }
}

impl std::error::Error for Escape {}

impl From<Escape> for std::io::Error {
    fn from(e: Escape) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

impl<'a> RelPath<'a> {
    pub fn new(path: &'a str) -> Result<RelPath<'a>, Escape> {
        match problem(path) {
            None => Ok(RelPath(path)),
            Some(why) => Err(Escape {
                path: path.to_string(),
                why,
            }),
        }
    }

    pub fn as_str(self) -> &'a str {
        self.0
    }

    /// The path on disk under `dir`.
    pub fn under(self, dir: &Path) -> PathBuf {
        dir.join(self.0)
    }

    /// The folders above the file, outermost first: `a/b/c.html` → `a`, `a/b`.
    pub fn parents(self) -> impl Iterator<Item = &'a str> {
        self.0.match_indices('/').map(move |(i, _)| &self.0[..i])
    }
}

/// What makes `path` unfit to join to the output folder, if anything.
pub fn problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("the path is empty");
    }
    if path.starts_with('/') {
        return Some("the path is absolute");
    }
    if path.contains('\\') {
        return Some("the path contains `\\`");
    }
    if path.contains('\0') {
        return Some("the path contains a NUL byte");
    }
    for segment in path.split('/') {
        match segment {
            "" => return Some("the path has an empty segment"),
            "." | ".." => return Some("the path has a `.` or `..` segment"),
            // What the platform itself reads as more than a plain name (a drive, a root).
            s if !matches!(Path::new(s).components().collect::<Vec<_>>()[..], [Component::Normal(n)] if n == s) =>
            {
                return Some("the path has a segment the platform does not read as a name");
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_pass() {
        for p in [
            "index.html",
            "faq/index.html",
            "_helpsite/manifest.tsv",
            "a b/c%20d.png",
            "..foo/bar..",
        ] {
            assert_eq!(problem(p), None, "{p}");
        }
    }

    #[test]
    fn escapes_are_refused() {
        for p in [
            "",
            "/etc/passwd",
            "../content/faq.md",
            "a/../../b",
            "a/./b",
            "a//b",
            "a/",
            "..",
            "a\\..\\b",
            "a\0b",
        ] {
            assert!(problem(p).is_some(), "{p:?}");
            assert!(RelPath::new(p).is_err(), "{p:?}");
        }
    }

    #[test]
    fn parents_outermost_first() {
        let p = RelPath::new("a/b/c.html").unwrap();
        assert_eq!(p.parents().collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(RelPath::new("c.html").unwrap().parents().count(), 0);
        assert_eq!(p.under(Path::new("/out")), Path::new("/out/a/b/c.html"));
    }
}
