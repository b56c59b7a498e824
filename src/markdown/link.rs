//! Link targets found in Markdown: which ones are internal, and what they become in the HTML.
//!
//! Relative `.md` links are rewritten to page URLs in the same pass that renders the page (URL
//! derivation is a pure function of the path); whether the target exists is checked later, in
//! `crate::links`, once every page is known.

use serde::Serialize;

use crate::content::url;

/// A link or image found on a page, with the file line it was written on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub line: usize,
    /// The destination as written, for messages.
    pub written: String,
    pub target: Target,
}

/// What an internal link points at; external links are not recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Target {
    /// A page by content path (`connect/senders.md`), maybe with an anchor.
    Page {
        path: String,
        anchor: Option<String>,
    },
    /// A heading on the same page (`#anchor`).
    Anchor(String),
    /// A file beside the pages (an image) or a section folder, by content path.
    File { path: String },
    /// A relative link that climbs above `content/`.
    OutsideContent,
}

/// Classifies `dest` written in the page `source`; returns the rewritten destination (when it
/// changes) and the internal target (when there is one).
pub fn resolve(dest: &str, source: &str, base_path: &str) -> (Option<String>, Option<Target>) {
    if dest.is_empty() || dest.starts_with('/') || has_scheme(dest) {
        return (None, None);
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return (None, Some(Target::Anchor(anchor.to_string())));
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let Some(joined) = url::join(source, path) else {
        return (None, Some(Target::OutsideContent));
    };
    let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    if joined.ends_with(".md") {
        let href = format!("{}{fragment}", url::page_url(base_path, &joined));
        let target = Target::Page {
            path: joined,
            anchor: anchor.map(str::to_string),
        };
        (Some(href), Some(target))
    } else {
        let href = format!("{}{fragment}", url::file_url(base_path, &joined));
        (Some(href), Some(Target::File { path: joined }))
    }
}

/// `mailto:`, `https:`, `tel:`… (RFC 3986 scheme), or a protocol-relative `//host`.
fn has_scheme(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_and_rewrites() {
        let r = |d| resolve(d, "connect/senders.md", "/");
        assert_eq!(r("https://x.org/a.md"), (None, None));
        assert_eq!(r("mailto:a@b.c"), (None, None));
        assert_eq!(r("/faq/"), (None, None));
        assert_eq!(r("#top"), (None, Some(Target::Anchor("top".into()))));
        assert_eq!(
            r("../faq.md#refunds"),
            (
                Some("/faq/#refunds".into()),
                Some(Target::Page {
                    path: "faq.md".into(),
                    anchor: Some("refunds".into())
                })
            )
        );
        assert_eq!(
            r("_index.md"),
            (
                Some("/connect/".into()),
                Some(Target::Page {
                    path: "connect/_index.md".into(),
                    anchor: None
                })
            )
        );
        assert_eq!(
            r("shot.png"),
            (
                Some("/connect/shot.png".into()),
                Some(Target::File {
                    path: "connect/shot.png".into()
                })
            )
        );
        assert_eq!(r("../../x.md"), (None, Some(Target::OutsideContent)));
    }
}
