//! Every URL of the site, made in one place: a page's URL from its content path, a section's
//! from its folder, an alias's and a copied file's; the output file that serves a URL and the
//! URL an output file is served at; a URL's pretty form as a link writes it and as a mail or a
//! log carries it (percent-encoded, `index.html`, no trailing slash); and the absolute URL
//! under `base_url`, whose path part (the base path) is parsed here and nowhere else.
//!
//! Content paths are `/`-separated and relative to `content/` (`connect/senders.md`) on every
//! platform, so URLs never depend on the OS. Every URL starts with the base path (`/` or
//! `/help/`). All of these are pure functions: the build, the link check, the preview and the
//! ledger call them, so a URL the build writes is the URL they look up.
//!
//! What stays elsewhere, because it is a policy and not a mapping: which request paths the
//! preview refuses (`serve::http::urlpath`), and which hosts and query flags count as a link
//! to this site (`ledger::urls`).

use percent_encoding::percent_decode_str;

/// The path part of `base_url`, starting and ending with `/` once the config has added the
/// trailing slash (`https://x.org/help/` → `/help/`; `https://x.org` → `/`). Every URL the
/// site emits starts with it.
pub fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url.split_once("://").map_or("", |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => &after_scheme[i..],
        None => "/",
    }
}

/// The absolute URL of a root-relative site path (`/help/faq/` → `https://x.org/help/faq/`).
pub fn absolute(base_url: &str, path: &str) -> String {
    let origin = base_url
        .strip_suffix(base_path(base_url))
        .unwrap_or(base_url);
    format!("{origin}{path}")
}

/// The URL of the page written in `source`: `connect/senders.md` → `{base}connect/senders/`,
/// `connect/_index.md` → `{base}connect/`, `_index.md` → `{base}`.
pub fn page_url(base_path: &str, source: &str) -> String {
    let stem = source.strip_suffix(".md").unwrap_or(source);
    let dir = match stem.rsplit_once('/') {
        Some((dir, "_index")) => format!("{dir}/"),
        None if stem == "_index" => String::new(),
        _ => format!("{stem}/"),
    };
    format!("{base_path}{dir}")
}

/// The URL of the section whose folder under `content/` is `dir` (`""` is the home section).
pub fn section_url(base_path: &str, dir: &str) -> String {
    if dir.is_empty() {
        base_path.to_string()
    } else {
        format!("{base_path}{dir}/")
    }
}

/// The URL of a file copied as is (a page asset or a static file).
pub fn file_url(base_path: &str, path: &str) -> String {
    format!("{base_path}{path}")
}

/// The site path of an alias written in front matter (`/old/path`, `old/path/`,
/// `/old.html`) as a URL under the base path; a folder path gets its trailing slash.
pub fn alias_url(base_path: &str, alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let mut url = format!("{base_path}{trimmed}");
    let last = url.rsplit('/').next().unwrap_or("");
    if !url.ends_with('/') && !last.contains('.') {
        url.push('/');
    }
    url
}

/// Why `alias`, as written in front matter, is not a path on this site, if it is not. An alias
/// becomes a file of the output (`output_path(alias_url(…))`), so anything that could point
/// elsewhere is refused here, at its line, before the output's own check refuses to write it.
pub fn alias_problem(alias: &str) -> Option<&'static str> {
    let alias = alias.trim();
    if alias.is_empty() {
        return Some("is empty");
    }
    if alias.contains("://") || alias.starts_with("//") {
        return Some("is the address of another site, not a path on this one");
    }
    if alias.contains('\\') {
        return Some("contains `\\`");
    }
    if alias.contains(['?', '#']) {
        return Some("has a query or a fragment, which no file can be");
    }
    if alias.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    let inner = alias.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return None; // the home page: a collision the link check reports
    }
    inner.split('/').find_map(|segment| match segment {
        "" => Some("has an empty segment (`//`)"),
        "." | ".." => Some("has a `.` or `..` segment, which would leave the site"),
        _ => None,
    })
}

/// The output file (relative to the output folder) that serves `url`.
pub fn output_path(base_path: &str, url: &str) -> String {
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or(url.trim_start_matches('/'));
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The URL an output file is served at, the inverse of [`output_path`]:
/// `faq/index.html` → `{base}faq/`, `a.css` → `{base}a.css`.
pub fn output_url(base_path: &str, path: &str) -> String {
    if path == "index.html" {
        return base_path.to_string();
    }
    match path.strip_suffix("/index.html") {
        Some(dir) => format!("{base_path}{dir}/"),
        None => format!("{base_path}{path}"),
    }
}

/// A URL path as a link writes it, in the form a page URL has: `index.html` dropped, a
/// folder's trailing `/` added (`/faq` and `/faq/index.html` → `/faq/`). Nothing is decoded:
/// the link check compares what the writer wrote.
pub fn pretty_path(url: &str) -> String {
    let path = url.strip_suffix("index.html").unwrap_or(url);
    let mut path = path.to_string();
    if !path.ends_with('/') && !path.rsplit('/').next().unwrap_or("").contains('.') {
        path.push('/');
    }
    path
}

/// The pretty form of a URL path as mail and logs carry it: percent-decoded, no repeated
/// slashes, no `index.html`, and a trailing slash unless the last segment is a file name with
/// an extension.
pub fn normalise_path(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(segments.last(), Some(&("index.html" | "index.htm"))) {
        segments.pop();
    }
    let mut out = String::with_capacity(decoded.len() + 1);
    out.push('/');
    for s in &segments {
        out.push_str(s);
        out.push('/');
    }
    if segments.last().is_some_and(|s| s.contains('.')) {
        out.pop();
    }
    out
}

/// Resolves a relative link `target` written in the file `source` to a content path, folding
/// `.` and `..`. `None` when it climbs above `content/`.
pub fn join(source: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = source.split('/').collect();
    parts.pop(); // the file name
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if target.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        for (source, url) in [
            ("connect/senders.md", "/connect/senders/"),
            ("connect/_index.md", "/connect/"),
            ("_index.md", "/"),
            ("faq.md", "/faq/"),
            ("a/b/c.md", "/a/b/c/"),
        ] {
            assert_eq!(page_url("/", source), url, "{source}");
        }
        assert_eq!(page_url("/help/", "faq.md"), "/help/faq/");
        assert_eq!(page_url("/help/", "_index.md"), "/help/");
    }

    #[test]
    fn base_paths_and_absolute_urls() {
        assert_eq!(base_path("https://x.org/help/"), "/help/");
        assert_eq!(base_path("https://x.org/"), "/");
        assert_eq!(base_path("https://x.org"), "/");
        assert_eq!(
            absolute("https://x.org/help/", "/help/faq/"),
            "https://x.org/help/faq/"
        );
        assert_eq!(absolute("https://x.org/", "/faq/"), "https://x.org/faq/");
    }

    #[test]
    fn section_urls() {
        assert_eq!(section_url("/", ""), "/");
        assert_eq!(section_url("/help/", "connect/sms"), "/help/connect/sms/");
    }

    #[test]
    fn output_urls_invert_output_paths() {
        assert_eq!(output_url("/", "index.html"), "/");
        assert_eq!(output_url("/", "faq/index.html"), "/faq/");
        assert_eq!(output_url("/help/", "a/b/index.html"), "/help/a/b/");
        assert_eq!(output_url("/", "style.1a2b.css"), "/style.1a2b.css");
        assert_eq!(output_url("/help/", "404.html"), "/help/404.html");
        for url in ["/help/", "/help/faq/", "/help/img/a.png"] {
            assert_eq!(output_url("/help/", &output_path("/help/", url)), url);
        }
    }

    #[test]
    fn pretty_and_normal_paths() {
        assert_eq!(pretty_path("/faq"), "/faq/");
        assert_eq!(pretty_path("/faq/index.html"), "/faq/");
        assert_eq!(pretty_path("/a.png"), "/a.png");
        assert_eq!(pretty_path("/caf%C3%A9"), "/caf%C3%A9/");
        assert_eq!(normalise_path("//a//b/index.html"), "/a/b/");
        assert_eq!(normalise_path("/caf%C3%A9"), "/café/");
        assert_eq!(normalise_path("/files/guide.pdf"), "/files/guide.pdf");
        assert_eq!(normalise_path(""), "/");
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/", "/faq/urgent/"), "faq/urgent/index.html");
        assert_eq!(output_path("/", "/"), "index.html");
        assert_eq!(output_path("/help/", "/help/img/a.png"), "img/a.png");
        assert_eq!(output_path("/help/", "/help/"), "index.html");
    }

    #[test]
    fn alias_urls() {
        assert_eq!(alias_url("/", "/kb/00012/"), "/kb/00012/");
        assert_eq!(alias_url("/", "kb/12"), "/kb/12/");
        assert_eq!(alias_url("/help/", "/old.html"), "/help/old.html");
    }

    #[test]
    fn alias_problems() {
        for ok in [
            "/kb/00012/",
            "kb/12",
            "/old.html",
            "/",
            "/a..b/",
            "/%2e%2e/",
        ] {
            assert_eq!(alias_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "  ",
            "../content/faq.md",
            "../../some-folder",
            "/ok/../../x/",
            "/./x/",
            "/a//b/",
            "..\\x",
            "https://example.com/x",
            "//example.com/x",
            "/x?y",
            "/x#y",
            "/x\ty",
        ] {
            assert!(alias_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn joins_relative_links() {
        assert_eq!(
            join("connect/senders.md", "../faq.md").as_deref(),
            Some("faq.md")
        );
        assert_eq!(
            join("connect/senders.md", "sms/x.md").as_deref(),
            Some("connect/sms/x.md")
        );
        assert_eq!(
            join("connect/senders.md", "./shot.png").as_deref(),
            Some("connect/shot.png")
        );
        assert_eq!(join("faq.md", "../x.md"), None);
        assert_eq!(join("a/b.md", "../").as_deref(), Some(""));
        assert_eq!(join("a/b.md", "../c/").as_deref(), Some("c/"));
    }
}
