//! The walk of `content/`: folders, Markdown files and other files, sorted, so every build
//! sees the same order. Hidden files and folders (`.git`, editor swap files) are skipped.
//!
//! What a walk refuses, and why (issue 13):
//! - a name with a space, `#`, `?`, `%`, `\` or a control character: it becomes part of a URL,
//!   where those characters mean something else, so the page would 404; an error with a hint;
//! - a symbolic link whose target is outside the site (`site.yaml`'s folder) or `content/`: a
//!   build must not publish whatever a link happens to point at; an error. Links inside are
//!   followed, and `docs/writing.md` says so;
//! - anything that is neither a file nor a folder (a FIFO, a socket, a device): reading a FIFO
//!   waits forever, so it is skipped with a warning.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use crate::diagnostics::{Diagnostic, Diagnostics};

pub(super) struct Walked {
    pub dirs: Vec<String>,
    pub markdown: Vec<String>,
    pub other: Vec<String>,
}

/// Walks `dir` (the site's `content/`); `root` is the site's folder.
pub(super) fn walk(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Walked {
    let mut walked = Walked {
        dirs: vec![],
        markdown: vec![],
        other: vec![],
    };
    let inside = [root, dir].map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()));
    let refused = RefCell::new(Vec::new());
    let entries = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (!e.file_name().to_string_lossy().starts_with('.')
                    && admit(e, dir, &inside, &mut refused.borrow_mut()))
        });
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map_or_else(|| PathBuf::from("content"), |p| shown(dir, p));
                diagnostics.push(
                    Diagnostic::error("cannot read `content/`")
                        .at(at)
                        .cause(e.to_string()),
                );
                continue;
            }
        };
        let rel = relative(dir, entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            walked.dirs.push(rel);
        } else if !kind.is_file() {
            diagnostics.push(
                Diagnostic::warning("skipped: not a regular file (a FIFO, a socket or a device)")
                    .at(shown(dir, entry.path()))
                    .hint("helpsite publishes only files and folders; move it out of `content/`"),
            );
        } else if rel.ends_with(".md") {
            walked.markdown.push(rel);
        } else {
            walked.other.push(rel);
        }
    }
    diagnostics.extend(refused.into_inner());
    walked
}

/// Whether the walk takes `entry` (and, for a folder, what is in it); a refusal is recorded.
fn admit(
    entry: &DirEntry,
    dir: &Path,
    inside: &[PathBuf; 2],
    refused: &mut Vec<Diagnostic>,
) -> bool {
    let name = entry.file_name().to_string_lossy();
    if let Some(what) = unfit_char(&name) {
        refused.push(
            Diagnostic::error(format!("the name `{name}` has {what}, which a URL cannot carry as written"))
                .at(shown(dir, entry.path()))
                .hint("rename it with `-` in place of the character (`my-page.md`): spaces, `#`, `?`, `%` and `\\` mean something else in a URL"),
        );
        return false;
    }
    if entry.path_is_symlink() {
        let target = std::fs::canonicalize(entry.path());
        let within = target
            .as_ref()
            .is_ok_and(|t| inside.iter().any(|i| t.starts_with(i)));
        if !within {
            let why = match &target {
                Ok(t) => format!("it points to `{}`, outside the site", t.display()),
                Err(e) => format!("its target cannot be read: {e}"),
            };
            refused.push(
                Diagnostic::error(format!("refusing to follow a symbolic link: {why}"))
                    .at(shown(dir, entry.path()))
                    .hint("copy the file into the site, or point the link at a file inside the site's folder"),
            );
            return false;
        }
    }
    true
}

/// The first character of a file or folder name that has a meaning in a URL, described.
fn unfit_char(name: &str) -> Option<String> {
    name.chars().find_map(|c| match c {
        ' ' => Some("a space".to_string()),
        c if c.is_whitespace() || c.is_control() => {
            Some(format!("the character U+{:04X}", c as u32))
        }
        '#' | '?' | '%' | '\\' => Some(format!("`{c}`")),
        _ => None,
    })
}

/// `/`-separated path under `content/`.
fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .expect("walk stays under content/")
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The path as diagnostics show it, relative to the site root.
fn shown(dir: &Path, path: &Path) -> PathBuf {
    Path::new("content").join(path.strip_prefix(dir).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_url_characters_are_unfit() {
        for ok in ["faq.md", "café.md", "a-b_c.d.png", "100-percent.md"] {
            assert_eq!(unfit_char(ok), None, "{ok}");
        }
        for bad in [
            "my page.md",
            "c#.md",
            "why?.md",
            "100%.md",
            "a\\b.md",
            "tab\there.md",
        ] {
            assert!(unfit_char(bad).is_some(), "{bad}");
        }
    }
}
