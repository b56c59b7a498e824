//! The site as served: an immutable map of output path to bytes, replaced as a whole.
//!
//! A rebuild prepares the next [`Snapshot`] on the side and swaps it in with one atomic store;
//! requests hold an `Arc` of the snapshot they started with. So a reader never sees half a
//! build, and the reload event, sent after the swap, can never race the write (the Zola,
//! mdBook and Hugo bug the product notes call out).
//!
//! HTML entries carry the live-reload script tag, added here and only here: the build's own
//! output never contains it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderValue;

use super::builder::Update;

/// One servable file.
#[derive(Debug)]
pub struct Entry {
    /// The bytes sent, with the live-reload tag for HTML.
    pub body: Bytes,
    /// Strong validator: a hash of the built bytes, quoted (`"1a2b…"`).
    pub etag: HeaderValue,
    pub content_type: HeaderValue,
    /// The built bytes' hash, to tell whether a rebuild changed the file.
    hash: blake3::Hash,
}

/// One complete build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    files: HashMap<String, Arc<Entry>>,
    /// Where the site is mounted, `/` or `/help/` (from `base_url`).
    pub base_path: String,
}

/// What one update changed, by output path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Added, modified or removed paths, sorted.
    pub paths: Vec<String>,
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Arc<Entry>> {
        self.files.get(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The next snapshot: this one with `update` applied, and which paths really changed.
    /// Entries whose bytes did not change are shared, not rebuilt.
    pub fn apply(&self, update: Update) -> (Snapshot, Diff) {
        let mut files = if update.complete {
            HashMap::with_capacity(update.files.len())
        } else {
            self.files.clone()
        };
        let mut changed = Vec::new();
        for (path, bytes) in update.files {
            let hash = blake3::hash(&bytes);
            match self.files.get(&path) {
                Some(old) if old.hash == hash => {
                    files.insert(path, Arc::clone(old));
                }
                _ => {
                    let entry = Entry::new(&path, bytes, hash);
                    changed.push(path.clone());
                    files.insert(path, Arc::new(entry));
                }
            }
        }
        for path in update.removed {
            if files.remove(&path).is_some() {
                changed.push(path);
            }
        }
        if update.complete {
            changed.extend(
                self.files
                    .keys()
                    .filter(|p| !files.contains_key(*p))
                    .cloned(),
            );
        }
        changed.sort();
        changed.dedup();
        let next = Snapshot {
            files,
            base_path: update.base_path,
        };
        (next, Diff { paths: changed })
    }
}

impl Entry {
    fn new(path: &str, bytes: Vec<u8>, hash: blake3::Hash) -> Entry {
        let hex = hash.to_hex();
        let etag = &hex.as_str()[..20];
        let body = if is_page(path, &bytes) {
            inject_reload(bytes, etag)
        } else {
            bytes
        };
        Entry {
            body: Bytes::from(body),
            etag: HeaderValue::from_str(&format!("\"{etag}\""))
                .expect("hex is a valid header value"),
            content_type: HeaderValue::from_static(content_type(path)),
            hash,
        }
    }
}

/// HTML that a writer looks at: redirect pages (aliases) move on at once and forbid
/// connections in their CSP, so they get no reload script.
fn is_page(path: &str, bytes: &[u8]) -> bool {
    const REFRESH: &[u8] = b"http-equiv=\"refresh\"";
    path.ends_with(".html")
        && !bytes
            .windows(REFRESH.len())
            .any(|w| w.eq_ignore_ascii_case(REFRESH))
}

/// The tag the preview server adds to every HTML page. `data-etag` lets the script ask, when it
/// connects, whether the page changed since it was fetched (a rebuild that finished between the
/// page load and the event stream's connection, or a server restart).
pub fn reload_tag(etag: &str) -> String {
    format!("<script src=\"/_helpsite/livereload.js\" data-etag=\"{etag}\" defer></script>")
}

/// Inserts the reload tag before the last `</body>`, or appends it when there is none.
fn inject_reload(html: Vec<u8>, etag: &str) -> Vec<u8> {
    let tag = reload_tag(etag);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Content type by extension. Text types say UTF-8, which is what the build writes.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        _ => match mime_guess::from_ext(&ext).first_raw() {
            Some(mime) => mime,
            None => "application/octet-stream",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(files: &[(&str, &str)], removed: &[&str], complete: bool) -> Update {
        Update {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
            removed: removed.iter().map(|p| p.to_string()).collect(),
            complete,
            base_path: "/".into(),
            warnings: Default::default(),
        }
    }

    fn body(s: &Snapshot, path: &str) -> String {
        String::from_utf8(s.get(path).unwrap().body.to_vec()).unwrap()
    }

    #[test]
    fn apply_reports_only_real_changes() {
        let (a, diff) =
            Snapshot::default().apply(update(&[("a.css", "x"), ("b.css", "y")], &[], true));
        assert_eq!(diff.paths, ["a.css", "b.css"]);
        let (b, diff) = a.apply(update(
            &[("a.css", "x"), ("b.css", "z")],
            &["gone.css"],
            false,
        ));
        assert_eq!(diff.paths, ["b.css"]);
        assert!(Arc::ptr_eq(
            a.get("a.css").unwrap(),
            b.get("a.css").unwrap()
        ));
        let (c, diff) = b.apply(update(&[("a.css", "x")], &[], true));
        assert_eq!(
            diff.paths,
            ["b.css"],
            "a complete update drops what it does not list"
        );
        assert!(c.get("b.css").is_none());
        let (_, diff) = c.apply(update(&[], &["a.css"], false));
        assert_eq!(diff.paths, ["a.css"]);
    }

    #[test]
    fn html_gets_the_reload_tag_before_the_last_body_end() {
        let (s, _) = Snapshot::default().apply(update(
            &[
                ("a/index.html", "<p>&lt;/body&gt;</p></BODY></html>"),
                ("frag.html", "<p>x</p>"),
                ("a.js", "</body>"),
            ],
            &[],
            true,
        ));
        let a = body(&s, "a/index.html");
        let etag = s
            .get("a/index.html")
            .unwrap()
            .etag
            .to_str()
            .unwrap()
            .trim_matches('"')
            .to_string();
        assert_eq!(
            a,
            format!("<p>&lt;/body&gt;</p>{}</BODY></html>", reload_tag(&etag))
        );
        assert!(
            body(&s, "frag.html").starts_with("<p>x</p><script src=\"/_helpsite/livereload.js\"")
        );
        assert_eq!(body(&s, "a.js"), "</body>", "only HTML is touched");
        let redirect = "<meta http-equiv=\"refresh\" content=\"0; url=/new/\"><body></body>";
        let (s, _) = Snapshot::default().apply(update(&[("old/index.html", redirect)], &[], true));
        assert_eq!(
            body(&s, "old/index.html"),
            redirect,
            "redirect pages are left alone"
        );
    }

    #[test]
    fn etag_follows_content() {
        let (s, _) = Snapshot::default().apply(update(
            &[("a.txt", "1"), ("b.txt", "1"), ("c.txt", "2")],
            &[],
            true,
        ));
        let tag = |p: &str| s.get(p).unwrap().etag.clone();
        assert_eq!(tag("a.txt"), tag("b.txt"));
        assert_ne!(tag("a.txt"), tag("c.txt"));
    }

    #[test]
    fn content_types() {
        for (path, ct) in [
            ("index.html", "text/html; charset=utf-8"),
            ("style.3f2a.css", "text/css; charset=utf-8"),
            ("site.js", "text/javascript; charset=utf-8"),
            ("search/manifest.json", "application/json"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
            ("search/helpsite_search_bg.wasm", "application/wasm"),
            ("img/photo.PNG", "image/png"),
            ("fonts/a.woff2", "font/woff2"),
            ("search/pack.bin", "application/octet-stream"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), ct, "{path}");
        }
    }
}
