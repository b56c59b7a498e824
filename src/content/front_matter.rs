//! Front matter: the YAML block between `---` lines at the top of a page, split from the body
//! with line offsets so every error names the line in the file, and typed as [`FrontMatter`].

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::flows::model::Flow;

/// Every key a page may set (`docs/writing.md`). Unknown keys are errors; free data goes in `extra`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub weight: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Old site paths (`/old/path/`) that redirect to this page.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub kind: Kind,
    pub updated: Option<NaiveDate>,
    /// A fact on the page needs checking by a writer.
    #[serde(default)]
    pub review: bool,
    /// Template name to render with instead of the kind's default.
    pub template: Option<String>,
    pub flow: Option<Flow>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What a page is; picks its default template.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Guide,
    Faq,
    Policy,
    Troubleshooting,
}

impl Kind {
    pub const NAMES: [&'static str; 4] = ["guide", "faq", "policy", "troubleshooting"];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Guide => "guide",
            Kind::Faq => "faq",
            Kind::Policy => "policy",
            Kind::Troubleshooting => "troubleshooting",
        }
    }
}

/// A file cut into its YAML and Markdown parts; lines are 1-based lines of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Cuts `text` at its `---` fences. `path` is only used for the diagnostic.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || {
        Diagnostic::error("missing front matter")
            .at(path)
            .line(1)
            .hint("start the file with a `---` line, then `title: …`, then a closing `---` line")
    };
    let first_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_end].trim_end() != "---" {
        return Err(missing());
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = raw.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + raw.len()..],
                body_line: line + 1,
            });
        }
        offset += raw.len();
    }
    Err(Diagnostic::error("front matter is not closed")
        .at(path)
        .line(1)
        .hint("add a `---` line after the last front matter key"))
}

/// Parses a page's YAML block; `title` must be there and not empty.
pub fn parse(split: &Split<'_>, path: &Path) -> Result<FrontMatter, Diagnostic> {
    if split.yaml.trim().is_empty() {
        return Err(Diagnostic::error("missing required key `title`")
            .at(path)
            .line(split.yaml_line)
            .hint("add `title: …` to the front matter"));
    }
    let fm: FrontMatter =
        crate::yaml::parse(split.yaml, path, split.yaml_line).map_err(explain_date)?;
    if fm.title.trim().is_empty() {
        return Err(Diagnostic::error("`title` is empty")
            .at(path)
            .line(key_line(split, "title").unwrap_or(split.yaml_line)));
    }
    Ok(fm)
}

/// A bad `updated:` comes back in the date parser's words ("input is out of range"); say that
/// it is the date, and how to write one.
fn explain_date(d: Diagnostic) -> Diagnostic {
    let d = match d.message.strip_prefix("`updated`: ") {
        Some(why) => Diagnostic {
            message: format!("invalid date for `updated`: {why}"),
            ..d
        },
        None if d.message.contains("`updated`") => d,
        None => return d,
    };
    d.hint("write the date as `YYYY-MM-DD`, e.g. `2025-03-04`")
}

/// File line of the first line that mentions `needle` in the YAML block (for errors found after
/// parsing, such as an alias that collides with a page).
pub fn key_line(split: &Split<'_>, needle: &str) -> Option<usize> {
    split
        .yaml
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| split.yaml_line + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_with_file_lines() {
        let s = split("---\ntitle: A\nweight: 2\n---\n\n# Body\n", p()).unwrap();
        assert_eq!(s.yaml, "title: A\nweight: 2\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "\n# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn crlf_and_bom_and_empty_body() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\n", p()).unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(
            split("# no front matter\n", p()).unwrap_err().message,
            "missing front matter"
        );
        assert_eq!(
            split("---\ntitle: A\n", p()).unwrap_err().message,
            "front matter is not closed"
        );
    }

    #[test]
    fn missing_title_names_key() {
        let s = split("---\nweight: 1\n---\n", p()).unwrap();
        let err = parse(&s, p()).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
    }

    #[test]
    fn unknown_key_gets_file_line_and_hint() {
        let s = split("---\ntitle: A\nweigth: 1\n---\n", p()).unwrap();
        let err = parse(&s, p()).unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (Some(3), "unknown key `weigth`")
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn kind_and_date() {
        let s = split("---\ntitle: A\nkind: faq\nupdated: 2025-03-01\n---\n", p()).unwrap();
        let fm = parse(&s, p()).unwrap();
        assert_eq!(fm.kind, Kind::Faq);
        assert_eq!(fm.updated.unwrap().to_string(), "2025-03-01");
    }
}
