//! The site as served: an immutable map of output path to bytes, replaced as a whole.
//!
//! A rebuild prepares the next [`Snapshot`] on the side and swaps it in with one atomic store
//! (under `swap.rs`'s lock, since the search index thread swaps too; the files are hashed
//! before it, see [`Hashed`]); requests hold an `Arc` of the snapshot they started with. So a reader never sees half a
//! build, and the reload event, sent after the swap, can never race the write (the Zola,
//! mdBook and Hugo bug the product notes call out).
//!
//! HTML entries carry the live-reload script tag, added here and only here: the build's own
//! output never contains it. Pages also remember where the ledger banner goes
//! ([`Entry::banner_at`]); the banner itself is added per request by `ledger::banner`,
//! because its figures change with the ledger, not with the build.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderValue;
use rayon::prelude::*;

use crate::serve::build::builder::Update;

/// One servable file.
#[derive(Debug)]
pub struct Entry {
    /// The bytes sent, with the live-reload tag for HTML.
    pub body: Bytes,
    /// Strong validator: a hash of the built bytes, quoted (`"1a2b…"`).
    pub etag: HeaderValue,
    pub content_type: HeaderValue,
    /// For pages, the offset in `body` where the preview banner goes: just inside `<main>`.
    pub banner_at: Option<usize>,
    /// The built bytes' hash, to tell whether a rebuild changed the file.
    hash: blake3::Hash,
}

/// One complete build, as served.
///
/// Stored as a shared base map plus the changes since it, so the next snapshot after a
/// one-page edit costs a copy of the (small) changes, not of the 10,000-entry map; the changes
/// are folded into a new base once they grow past `COMPACT_AFTER`.
#[derive(Debug, Default)]
pub struct Snapshot {
    base: Arc<HashMap<String, Arc<Entry>>>,
    /// Added or replaced (`Some`) and removed (`None`) files since `base`.
    delta: HashMap<String, Option<Arc<Entry>>>,
    /// Where the site is mounted, `/` or `/help/` (from `base_url`).
    pub base_path: String,
}

/// An [`Update`] with its files hashed: the costly part of applying it, which can be done
/// before taking the swap lock (see `swap.rs`).
#[derive(Debug)]
pub struct Hashed {
    files: Vec<(String, Vec<u8>, blake3::Hash)>,
    removed: Vec<String>,
    pub complete: bool,
    base_path: String,
    /// Served entries a complete update keeps as they are.
    kept: Vec<(String, Arc<Entry>)>,
}

impl Hashed {
    /// Hashes the files of `update`, in parallel.
    pub fn new(update: Update) -> Hashed {
        let files = update
            .files
            .into_par_iter()
            .map(|(path, bytes)| {
                let hash = blake3::hash(&bytes);
                (path, bytes, hash)
            })
            .collect();
        Hashed {
            files,
            removed: update.removed,
            complete: update.complete,
            base_path: update.base_path,
            kept: Vec::new(),
        }
    }

    /// Leaves the files at `paths` out of the update.
    pub fn drop_files(&mut self, paths: &[String]) {
        self.files.retain(|(p, _, _)| !paths.contains(p));
    }

    /// Also removes `paths`.
    pub fn remove(&mut self, paths: Vec<String>) {
        self.removed.extend(paths);
    }

    /// Keeps the entries of `snapshot` at `paths` that the update does not list (only means
    /// something for a complete update, which drops what it does not list).
    pub fn keep_from<'a>(&mut self, snapshot: &Snapshot, paths: impl Iterator<Item = &'a String>) {
        for path in paths {
            if let Some(entry) = snapshot.get(path)
                && !self.files.iter().any(|(p, _, _)| p == path)
            {
                self.kept.push((path.clone(), Arc::clone(entry)));
            }
        }
    }
}

/// Changed paths kept beside the base before they are folded into a new one.
const COMPACT_AFTER: usize = 512;

/// What one update changed, by output path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Added, modified or removed paths, sorted.
    pub paths: Vec<String>,
}

impl Snapshot {
    pub fn get(&self, path: &str) -> Option<&Arc<Entry>> {
        match self.delta.get(path) {
            Some(entry) => entry.as_ref(),
            None => self.base.get(path),
        }
    }

    /// Every path served, in no particular order.
    fn paths(&self) -> impl Iterator<Item = &String> {
        let kept = self.base.keys().filter(|p| !self.delta.contains_key(*p));
        let changed = self
            .delta
            .iter()
            .filter(|(_, e)| e.is_some())
            .map(|(p, _)| p);
        kept.chain(changed)
    }

    /// The next snapshot: this one with `update` applied, and which paths really changed.
    pub fn apply(&self, update: Update) -> (Snapshot, Diff) {
        self.apply_hashed(Hashed::new(update))
    }

    /// [`Snapshot::apply`] for an update already hashed. Entries whose bytes did not change
    /// are shared, not rebuilt; new ones are made (HTML given its reload tag) in parallel,
    /// which matters for a full build's 400 MB.
    pub fn apply_hashed(&self, update: Hashed) -> (Snapshot, Diff) {
        let entries: Vec<(String, Arc<Entry>, bool)> = update
            .files
            .into_par_iter()
            .map(|(path, bytes, hash)| match self.get(&path) {
                Some(old) if old.hash == hash => (path, Arc::clone(old), false),
                _ => {
                    let entry = Arc::new(Entry::new(&path, bytes, hash));
                    (path, entry, true)
                }
            })
            .collect();
        let mut changed: Vec<String> = entries
            .iter()
            .filter(|(_, _, new)| *new)
            .map(|(p, _, _)| p.clone())
            .collect();
        let next = if update.complete {
            let files: HashMap<String, Arc<Entry>> = entries
                .into_iter()
                .map(|(p, e, _)| (p, e))
                .chain(update.kept)
                .collect();
            changed.extend(self.paths().filter(|p| !files.contains_key(*p)).cloned());
            Snapshot {
                base: Arc::new(files),
                delta: HashMap::new(),
                base_path: update.base_path,
            }
        } else {
            let mut delta = self.delta.clone();
            for (path, entry, new) in entries {
                if new {
                    delta.insert(path, Some(entry));
                }
            }
            for path in update.removed {
                if self.get(&path).is_some() {
                    delta.insert(path.clone(), None);
                    changed.push(path);
                }
            }
            let next = Snapshot {
                base: Arc::clone(&self.base),
                delta,
                base_path: update.base_path,
            };
            if next.delta.len() > COMPACT_AFTER {
                next.compacted()
            } else {
                next
            }
        };
        changed.sort();
        changed.dedup();
        (next, Diff { paths: changed })
    }

    /// The same files with the changes folded into a new base.
    fn compacted(self) -> Snapshot {
        let mut base = (*self.base).clone();
        for (path, entry) in self.delta {
            match entry {
                Some(entry) => base.insert(path, entry),
                None => base.remove(&path),
            };
        }
        Snapshot {
            base: Arc::new(base),
            delta: HashMap::new(),
            base_path: self.base_path,
        }
    }
}

impl Entry {
    fn new(path: &str, bytes: Vec<u8>, hash: blake3::Hash) -> Entry {
        let hex = hash.to_hex();
        let etag = &hex.as_str()[..20];
        let (body, banner_at) = if is_page(path, &bytes) {
            let body = inject_reload(bytes, etag);
            let at = insertion_point(&body);
            (body, at)
        } else {
            (bytes, None)
        };
        Entry {
            body: Bytes::from(body),
            banner_at,
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
pub(crate) fn reload_tag(etag: &str) -> String {
    format!("<script src=\"/_helpsite/livereload.js\" data-etag=\"{etag}\" defer></script>")
}

/// Inserts the reload tag before the last `</body>`, or appends it when there is none.
fn inject_reload(mut html: Vec<u8>, etag: &str) -> Vec<u8> {
    let tag = reload_tag(etag);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.bytes());
    html
}

/// Content type by extension. Text types say UTF-8, which is what the build writes.
pub(crate) fn content_type(path: &str) -> &'static str {
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

/// Where the banner goes in a served page: just after the `<main …>` start tag, else just
/// after `<body …>`; `None` for HTML with neither (a fragment).
pub(crate) fn insertion_point(html: &[u8]) -> Option<usize> {
    after_start_tag(html, b"<main").or_else(|| after_start_tag(html, b"<body"))
}

/// The offset just past the first `<name …>` start tag (ASCII case-insensitive).
fn after_start_tag(html: &[u8], open: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..]
        .windows(open.len())
        .position(|w| w.eq_ignore_ascii_case(open))
    {
        let start = from + i;
        let next = html.get(start + open.len()).copied();
        // `<main>` or `<main id=…>`, not `<mainframe>`.
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            let close = html[start..].iter().position(|&b| b == b'>')?;
            return Some(start + close + 1);
        }
        from = start + open.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_inside_main_else_body() {
        let html = b"<html><body class=x><mainframe></mainframe><MAIN id=\"main\">text</MAIN>";
        let at = insertion_point(html).unwrap();
        assert_eq!(&html[at..at + 4], b"text");
        let html = b"<html><body class=\"a\"><p>x</p>";
        assert_eq!(&html[insertion_point(html).unwrap()..], b"<p>x</p>");
        assert_eq!(insertion_point(b"<p>fragment</p>"), None);
        assert_eq!(
            insertion_point(b"<main"),
            None,
            "an unclosed tag is no place"
        );
    }

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
            index: None,
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
    fn many_small_updates_compact_into_the_base() {
        let (mut s, _) = Snapshot::default().apply(update(&[("keep.txt", "k")], &[], true));
        for i in 0..(COMPACT_AFTER + 10) {
            let name = format!("f{i}.txt");
            let (next, diff) = s.apply(update(&[(&name, "x")], &["keep.txt"], false));
            assert_eq!(diff.paths.len(), if i == 0 { 2 } else { 1 });
            s = next;
        }
        assert!(s.delta.len() < COMPACT_AFTER, "compacted");
        assert!(s.get("keep.txt").is_none());
        assert!(
            s.get("f0.txt").is_some() && s.get(&format!("f{}.txt", COMPACT_AFTER + 9)).is_some()
        );
        let (_, diff) = s.apply(update(&[("f1.txt", "x")], &[], true));
        assert_eq!(
            diff.paths.len(),
            COMPACT_AFTER + 9,
            "a complete update drops the rest"
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
