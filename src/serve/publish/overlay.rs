//! The error overlay's data: a failed build's diagnostics as JSON, each with a snippet of the
//! offending lines read from the source file, so the writer sees in the browser what the
//! terminal says.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Lines shown on each side of the offending one.
const CONTEXT: usize = 2;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct OverlayError {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// Path relative to the site root, `/`-separated.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub cause: Option<String>,
    pub hint: Option<String>,
    /// The diagnostic exactly as the terminal prints it.
    pub text: String,
    pub snippet: Vec<SnippetLine>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct SnippetLine {
    pub line: usize,
    pub text: String,
    /// The line the diagnostic points at.
    pub marked: bool,
}

/// The overlay payload for `diagnostics`; source files are read under `root`.
pub(crate) fn errors(diagnostics: &Diagnostics, root: &Path) -> serde_json::Value {
    let errors: Vec<OverlayError> = diagnostics.iter().map(|d| to_overlay(d, root)).collect();
    serde_json::json!({ "errors": errors })
}

fn to_overlay(d: &Diagnostic, root: &Path) -> OverlayError {
    let snippet = match (&d.path, d.line) {
        (Some(path), Some(line)) => std::fs::read_to_string(root.join(path))
            .map(|text| snippet(&text, line))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    OverlayError {
        severity: if d.is_error() { "error" } else { "warning" },
        file: d
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().replace('\\', "/")),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
        cause: d.cause.clone(),
        hint: d.hint.clone(),
        text: d.to_string(),
        snippet,
    }
}

/// Lines `line - CONTEXT ..= line + CONTEXT` of `text` (1-based), the middle one marked.
pub(crate) fn snippet(text: &str, line: usize) -> Vec<SnippetLine> {
    let first = line.saturating_sub(CONTEXT).max(1);
    text.lines()
        .enumerate()
        .map(|(i, t)| (i + 1, t))
        .skip(first - 1)
        .take_while(|(n, _)| *n <= line + CONTEXT)
        .map(|(n, t)| SnippetLine {
            line: n,
            text: t.to_string(),
            marked: n == line,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[SnippetLine]) -> Vec<(usize, &str, bool)> {
        s.iter()
            .map(|l| (l.line, l.text.as_str(), l.marked))
            .collect()
    }

    #[test]
    fn snippet_is_centered_and_clipped() {
        let text = "a\nb\nc\nd\ne\nf\n";
        assert_eq!(
            lines(&snippet(text, 3)),
            [
                (1, "a", false),
                (2, "b", false),
                (3, "c", true),
                (4, "d", false),
                (5, "e", false)
            ]
        );
        assert_eq!(
            lines(&snippet(text, 1)),
            [(1, "a", true), (2, "b", false), (3, "c", false)]
        );
        assert_eq!(
            lines(&snippet(text, 6)),
            [(4, "d", false), (5, "e", false), (6, "f", true)]
        );
        assert!(snippet(text, 40).is_empty());
    }

    #[test]
    fn payload_carries_place_message_and_terminal_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/faq.md"),
            "---\ntitle: FAQ\nweigth: 3\n---\n",
        )
        .unwrap();
        let mut ds = Diagnostics::default();
        ds.push(
            Diagnostic::error("unknown key `weigth`")
                .at("content/faq.md")
                .line(3)
                .column(1)
                .hint("did you mean `weight`?"),
        );
        ds.push(Diagnostic::error("no place"));
        let json = errors(&ds, dir.path());
        let first = &json["errors"][0];
        assert_eq!(first["file"], "content/faq.md");
        assert_eq!(first["line"], 3);
        assert_eq!(
            first["text"],
            "error: content/faq.md:3:1: unknown key `weigth`\n  hint: did you mean `weight`?"
        );
        assert_eq!(first["snippet"][2]["text"], "weigth: 3");
        assert_eq!(first["snippet"][2]["marked"], true);
        assert_eq!(json["errors"][1]["snippet"].as_array().unwrap().len(), 0);
    }
}
