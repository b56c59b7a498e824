//! Link targets found in Markdown: which ones are internal, and what they become in the HTML.
//!
//! Relative `.md` links are rewritten to page URLs in the same pass that renders the page (URL
//! derivation is a pure function of the path); whether the target exists is checked later, in
//! `crate::links`, once every page is known. A query string (`other.md?tab=2#h`) is kept on the
//! rewritten URL. Root-relative links are internal too: `/docs/x.md` names a page by its path
//! under `content/` (as `nav` links in `site.yaml` do; Zola's `@/docs/x.md` too), and a URL such as `/docs/x/` under the
//! base path is checked as written. A root-relative URL outside the base path belongs to
//! another part of the host and is left alone.

use serde::Serialize;

use crate::urls as url;

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
    /// A root-relative URL under the base path (`/docs/setup/`, `/img/x.png`), query and
    /// fragment cut off, maybe with an anchor.
    Url { url: String, anchor: Option<String> },
    /// A relative link that climbs above `content/`.
    OutsideContent,
}

/// Classifies `dest` written in the page `source`; returns the rewritten destination (when it
/// changes) and the internal target (when there is one).
pub fn resolve(dest: &str, source: &str, base_path: &str) -> (Option<String>, Option<Target>) {
    if dest.is_empty() || has_scheme(dest) {
        return (None, None);
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return (None, Some(Target::Anchor(anchor.to_string())));
    }
    let (rest, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    // What follows the path in the written link, kept on the rewritten URL.
    let tail = format!(
        "{}{}",
        query.map(|q| format!("?{q}")).unwrap_or_default(),
        anchor.map(|a| format!("#{a}")).unwrap_or_default()
    );
    if path.starts_with('/') && !path.ends_with(".md") {
        let within = path.starts_with(base_path) || format!("{path}/") == base_path;
        let target = within.then(|| Target::Url {
            url: path.to_string(),
            anchor: anchor.map(str::to_string),
        });
        return (None, target);
    }
    // `/docs/x.md`, and Zola's `@/docs/x.md`, name a page from the top of `content/`.
    let joined = match path.strip_prefix('/').or_else(|| path.strip_prefix("@/")) {
        Some(from_root) => url::join("", from_root),
        None => url::join(source, path),
    };
    let Some(joined) = joined else {
        return (None, Some(Target::OutsideContent));
    };
    if joined.ends_with(".md") {
        let href = format!("{}{tail}", url::page_url(base_path, &joined));
        let target = Target::Page {
            path: joined,
            anchor: anchor.map(str::to_string),
        };
        (Some(href), Some(target))
    } else {
        let href = format!("{}{tail}", url::file_url(base_path, &joined));
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
        assert_eq!(
            r("/faq/#refunds"),
            (
                None,
                Some(Target::Url {
                    url: "/faq/".into(),
                    anchor: Some("refunds".into())
                })
            )
        );
        assert_eq!(
            r("/faq.md?x=1#refunds"),
            (
                Some("/faq/?x=1#refunds".into()),
                Some(Target::Page {
                    path: "faq.md".into(),
                    anchor: Some("refunds".into())
                })
            )
        );
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
        assert_eq!(r("/../x.md"), (None, Some(Target::OutsideContent)));
        assert_eq!(
            r("@/faq.md#refunds").0,
            Some("/faq/#refunds".into()),
            "Zola's internal links"
        );
    }

    #[test]
    fn query_strings_are_kept() {
        let r = |d| resolve(d, "connect/senders.md", "/").0;
        assert_eq!(r("other.md?x=1#h"), Some("/connect/other/?x=1#h".into()));
        assert_eq!(r("other.md?x=1"), Some("/connect/other/?x=1".into()));
        assert_eq!(r("shot.png?v=2"), Some("/connect/shot.png?v=2".into()));
    }

    /// Under a base path, root-relative URLs inside it are checked and the rest of the host is
    /// not the site's business.
    #[test]
    fn root_relative_urls_respect_the_base_path() {
        let r = |d| resolve(d, "a.md", "/help/").1;
        assert_eq!(
            r("/help/docs/"),
            Some(Target::Url {
                url: "/help/docs/".into(),
                anchor: None
            })
        );
        assert_eq!(
            r("/help"),
            Some(Target::Url {
                url: "/help".into(),
                anchor: None
            })
        );
        assert_eq!(r("/status/"), None);
        assert_eq!(r("/helpdesk/"), None);
    }
}
