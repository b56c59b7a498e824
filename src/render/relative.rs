//! `helpsite build --relative`: a built page's root-relative URLs rewritten relative to the
//! page, with `index.html` spelled out, so the site works opened from disk (`file://`), where
//! `/style.css` is the file system's root and a folder is not its `index.html`.
//!
//! A pure function of the page's output path and its HTML. It rewrites the values of `href`,
//! `src`, `action`, the `url=` of a meta refresh, and `data-*` attributes, when they start with
//! the site's base path. The `data-*` attributes that name a page rather than lead to it stay
//! as they are ([`IDENTITY_ATTRIBUTES`]): scripts compare them with other site URLs (the
//! composer, the feedback widget, the visited-pages list) or build URLs from them.
//!
//! Only double-quoted attribute values are touched: that is how the templates and the Markdown
//! renderer write them, and text content cannot match, since it has `"` escaped.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// `data-*` attributes whose value is a page's identity or a prefix, never followed as a link.
pub const IDENTITY_ATTRIBUTES: &[&str] = &[
    "data-base-path",
    "data-base-url",
    "data-page",
    "data-page-url",
    "data-composer-url",
];

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(\s)(href|src|action|data-[a-z0-9-]+)="([^"]*)""#).expect("valid regex")
});
static REFRESH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=)([^"]*)""#)
        .expect("valid regex")
});

/// `html`, the page written at `page_path` (`connect/senders/index.html`), with every URL under
/// `base_path` (`/` or `/help/`) relative to the page.
pub fn relativize(page_path: &str, html: &str, base_path: &str) -> String {
    let up = "../".repeat(page_path.matches('/').count());
    let rewrite = |url: &str| -> Option<String> {
        let rest = url.strip_prefix(base_path)?;
        // `//host/x` is another host, not a path (possible when the base path is `/`).
        if rest.starts_with('/') {
            return None;
        }
        let split = rest.find(['?', '#']).unwrap_or(rest.len());
        let (path, tail) = rest.split_at(split);
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        Some(format!("{up}{file}{tail}"))
    };
    let html = ATTRIBUTE.replace_all(html, |c: &Captures| {
        let name = c[2].to_ascii_lowercase();
        let keep = IDENTITY_ATTRIBUTES.contains(&name.as_str());
        match rewrite(&c[3]).filter(|_| !keep) {
            Some(url) => format!("{}{}=\"{url}\"", &c[1], &c[2]),
            None => c[0].to_string(),
        }
    });
    REFRESH
        .replace_all(&html, |c: &Captures| match rewrite(&c[2]) {
            Some(url) => format!("{}{url}\"", &c[1]),
            None => c[0].to_string(),
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_assets_and_forms_become_relative_with_index_html() {
        let html = r##"<a href="/">Home</a> <a href="/connect/senders/#dns">x</a>
<link rel="stylesheet" href="/style.0a1b2c3d4e.css"><script src="/site.js" defer></script>
<form action="/search/" data-index="/search/" data-base-path="/"><img src="/img/a.png">
<a href="https://example.com/x/">out</a> <a href="#top">in page</a> <a href="//cdn.example/x">cdn</a>
<aside data-page="/faq/" data-page-url="/faq/" data-composer="/contact/">"##;
        let out = relativize("connect/senders/index.html", html, "/");
        assert_eq!(
            out,
            r##"<a href="../../index.html">Home</a> <a href="../../connect/senders/index.html#dns">x</a>
<link rel="stylesheet" href="../../style.0a1b2c3d4e.css"><script src="../../site.js" defer></script>
<form action="../../search/index.html" data-index="../../search/index.html" data-base-path="/"><img src="../../img/a.png">
<a href="https://example.com/x/">out</a> <a href="#top">in page</a> <a href="//cdn.example/x">cdn</a>
<aside data-page="/faq/" data-page-url="/faq/" data-composer="../../contact/index.html">"##
        );
    }

    #[test]
    fn a_sub_path_is_the_root_and_other_paths_stay() {
        let html = r##"<a href="/help/faq/?x=1">f</a> <a href="/other/">o</a>"##;
        assert_eq!(
            relativize("index.html", html, "/help/"),
            r##"<a href="faq/index.html?x=1">f</a> <a href="/other/">o</a>"##
        );
    }

    #[test]
    fn redirect_pages_refresh_to_a_relative_url() {
        let html = r##"<meta http-equiv="refresh" content="0; url=/getting-help/etiquette/">"##;
        assert_eq!(
            relativize("etiquette/index.html", html, "/"),
            r##"<meta http-equiv="refresh" content="0; url=../getting-help/etiquette/index.html">"##
        );
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_left_alone() {
        let html = "<code>href=&quot;/x/&quot;</code>";
        assert_eq!(relativize("a/index.html", html, "/"), html);
    }
}
