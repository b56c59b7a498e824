//! Turning a request path into an output path, refusing anything that tries to leave the site.
//!
//! The server serves from memory, so nothing outside the output can be read by construction;
//! refusing traversal here anyway keeps the behaviour of a static host (and of `build` output
//! served from disk) and answers attackers with a plain 400 instead of a lookup.

use percent_encoding::percent_decode_str;

/// Why a request path was refused (answered 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `.` or `..` segment, in any encoding.
    DotSegment,
    /// A backslash, NUL or other control character, or `%` left after decoding.
    BadCharacter,
    /// An empty segment (`//etc/passwd`), which some resolvers read as an absolute path.
    EmptySegment,
    /// Not valid UTF-8 once decoded.
    NotUtf8,
}

/// A request path split into decoded segments below the mount point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// Decoded segments, e.g. `["connect", "senders"]`.
    pub segments: Vec<String>,
    /// The path ended with `/` (or was the mount point itself).
    pub dir: bool,
}

impl SitePath {
    /// Output files to try, in order: `faq/` → `faq/index.html`; `a.css` → `a.css`.
    pub fn file(&self) -> String {
        let joined = self.segments.join("/");
        match (self.dir, joined.is_empty()) {
            (true, true) => "index.html".into(),
            (true, false) => format!("{joined}/index.html"),
            (false, _) => joined,
        }
    }

    /// For a path without trailing slash, the index file that would make it a directory
    /// (`/faq` → `faq/index.html`): then the server redirects to `/faq/`.
    pub fn dir_index(&self) -> Option<String> {
        (!self.dir && !self.segments.is_empty())
            .then(|| format!("{}/index.html", self.segments.join("/")))
    }
}

/// Decodes `raw` (the request target's path, still percent-encoded) below `base_path`.
/// `Ok(None)` means the path is not under the mount point at all.
pub fn resolve(raw: &str, base_path: &str) -> Result<Option<SitePath>, Refused> {
    let Some(rest) = raw.strip_prefix(base_path) else {
        return Ok(None);
    };
    let decoded = percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| Refused::NotUtf8)?;
    if decoded.contains('%') {
        // Double encoding (`%252e%252e`) would decode to a dot segment on a second pass; no
        // output file has `%` in its name, so refuse rather than guess which pass is meant.
        return Err(Refused::BadCharacter);
    }
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(Refused::BadCharacter);
    }
    let dir = decoded.is_empty() || decoded.ends_with('/');
    let body = decoded.strip_suffix('/').unwrap_or(&decoded);
    let mut segments = Vec::new();
    if !body.is_empty() {
        for segment in body.split('/') {
            match segment {
                "" => return Err(Refused::EmptySegment),
                "." | ".." => return Err(Refused::DotSegment),
                s => segments.push(s.to_string()),
            }
        }
    }
    Ok(Some(SitePath { segments, dir }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        resolve(raw, "/").unwrap().unwrap().file()
    }

    #[test]
    fn pretty_urls_and_files() {
        assert_eq!(ok("/"), "index.html");
        assert_eq!(ok("/faq/"), "faq/index.html");
        assert_eq!(ok("/connect/senders/"), "connect/senders/index.html");
        assert_eq!(ok("/style.css"), "style.css");
        assert_eq!(ok("/caf%C3%A9/"), "café/index.html");
        assert_eq!(ok("/a%20b.txt"), "a b.txt");
        let faq = resolve("/faq", "/").unwrap().unwrap();
        assert_eq!(faq.dir_index().as_deref(), Some("faq/index.html"));
    }

    #[test]
    fn base_path_is_the_mount_point() {
        assert_eq!(
            resolve("/help/faq/", "/help/").unwrap().unwrap().file(),
            "faq/index.html"
        );
        assert_eq!(
            resolve("/help/", "/help/").unwrap().unwrap().file(),
            "index.html"
        );
        assert_eq!(
            resolve("/help", "/help/").unwrap(),
            None,
            "the server redirects it"
        );
        assert_eq!(resolve("/faq/", "/help/").unwrap(), None);
        assert_eq!(resolve("/helpx/", "/help/").unwrap(), None);
    }

    #[test]
    fn traversal_is_refused_in_every_encoding() {
        use Refused::*;
        for (raw, why) in [
            ("/../etc/passwd", DotSegment),
            ("/faq/../../etc/passwd", DotSegment),
            ("/./faq/", DotSegment),
            ("/%2e%2e/etc/passwd", DotSegment),
            ("/%2E%2E/etc/passwd", DotSegment),
            ("/.%2e/etc/passwd", DotSegment),
            ("/faq/..", DotSegment),
            ("/..%2fetc%2fpasswd", DotSegment),
            ("/%2e%2e%2f%2e%2e%2fetc%2fpasswd", DotSegment),
            ("/..%5c..%5cetc%5cpasswd", BadCharacter),
            ("/..\\..\\etc\\passwd", BadCharacter),
            ("/%5cetc%5cpasswd", BadCharacter),
            ("/%252e%252e/etc/passwd", BadCharacter),
            ("/%252e%252e%252fetc", BadCharacter),
            ("/index.html%00.css", BadCharacter),
            ("/a%0d%0aSet-Cookie:x", BadCharacter),
            ("//etc/passwd", EmptySegment),
            ("/%2fetc/passwd", EmptySegment),
            ("/faq//x", EmptySegment),
            ("/%ff%fe", NotUtf8),
            ("/%c0%ae%c0%ae/etc/passwd", NotUtf8),
        ] {
            assert_eq!(resolve(raw, "/"), Err(why), "{raw}");
        }
    }

    #[test]
    fn absolute_looking_paths_stay_inside() {
        // Served from memory, these are names under the root that do not exist (404).
        assert_eq!(ok("/etc/passwd"), "etc/passwd");
        assert_eq!(ok("/C:/Windows/win.ini"), "C:/Windows/win.ini");
    }
}
