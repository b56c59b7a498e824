//! `helpsite new`: a page file with correct front matter, never over an existing file.

use std::path::{Path, PathBuf};

use crate::content::Kind;
use crate::diagnostics::Diagnostic;

/// Writes a new page at `path` (under `content/`; a leading `content/` and a missing `.md` are
/// accepted) and returns the file written, relative to `root`.
pub fn create(
    root: &Path,
    path: &str,
    title: &str,
    kind: Kind,
    today: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    let rel = path.trim_start_matches("./");
    let rel = rel.strip_prefix("content/").unwrap_or(rel);
    if rel.is_empty() || rel.split('/').any(|p| p == ".." || p.is_empty()) || rel.starts_with('/') {
        return Err(
            Diagnostic::error(format!("`{path}` is not a page path under `content/`"))
                .hint("for example `helpsite new connect/webhooks.md --title \"Webhooks\"`"),
        );
    }
    let rel = if rel.ends_with(".md") {
        rel.to_string()
    } else {
        format!("{rel}.md")
    };
    let file = Path::new("content").join(&rel);
    let full = root.join(&file);
    if full.exists() {
        return Err(Diagnostic::error("page already exists")
            .at(&file)
            .hint("choose another path; `new` never overwrites"));
    }
    let io = |e: std::io::Error| {
        Diagnostic::error("cannot write page")
            .at(&file)
            .cause(e.to_string())
    };
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(&full, page_text(title, kind, today)).map_err(io)?;
    Ok(file)
}

/// The new file's text. Strings are written as JSON strings, which YAML reads as double-quoted
/// scalars, so any title is safe.
fn page_text(title: &str, kind: Kind, today: chrono::NaiveDate) -> String {
    let quoted = serde_json::to_string(title).expect("a string serializes");
    let body = match kind {
        Kind::Faq => {
            "Each `##` heading is a question; the text under it is its answer.\n\n## First question?\n\nThe answer.\n"
        }
        _ => "Write the page here. Link other pages by their relative `.md` path.\n",
    };
    format!(
        "---\ntitle: {quoted}\ndescription: \"\"\nkind: {}\nupdated: {today}\n---\n\n{body}",
        kind.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_round_trips() {
        let text = page_text(
            "Can't \"log\" in: help",
            Kind::Faq,
            chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
        );
        let split = crate::content::front_matter::split(&text, Path::new("x.md")).unwrap();
        let fm = crate::content::front_matter::parse(&split, Path::new("x.md")).unwrap();
        assert_eq!(fm.title, "Can't \"log\" in: help");
        assert_eq!(fm.kind, Kind::Faq);
    }
}
