//! URL derivation: pure functions from a path under `content/` to the page's URL and output file.
//!
//! Content paths are `/`-separated and relative to `content/` (`connect/senders.md`) on every
//! platform, so URLs never depend on the OS. Every URL starts with the config's base path.

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
