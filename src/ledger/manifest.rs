//! The page manifest the build writes to `public/_helpsite/pages.json`: every page with its
//! URL, title, kind, last update and heading anchors, plus the alias map (old URL → page URL).
//!
//! The ledger needs it to resolve aliases in sent links, to accept only real pages in the
//! feedback service and access logs, and to flag vanished anchors. Shape:
//!
//! ```json
//! { "pages": [{ "url": "/connect/senders/", "title": "Senders", "kind": "guide",
//!               "updated": "2024-05-01", "anchors": ["verify-a-sender"] }],
//!   "aliases": { "/old/senders/": "/connect/senders/" } }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// Where the build writes the manifest, relative to the output folder.
pub const MANIFEST_PATH: &str = "_helpsite/pages.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPage {
    /// Root-relative URL with the site's base path (`/help/faq/`).
    pub url: String,
    pub title: String,
    pub kind: String,
    /// `YYYY-MM-DD` or null.
    pub updated: Option<String>,
    /// Heading ids on the page.
    #[serde(default)]
    pub anchors: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub pages: Vec<ManifestPage>,
    /// Old URL → current page URL.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    #[serde(skip)]
    by_url: HashMap<String, usize>,
}

/// What a root-relative path is in the current site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Page(&'a ManifestPage),
    Alias(&'a ManifestPage),
    Unknown,
}

impl Manifest {
    pub fn new(pages: Vec<ManifestPage>, aliases: BTreeMap<String, String>) -> Manifest {
        let by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        Manifest {
            pages,
            aliases,
            by_url,
        }
    }

    /// The manifest of a built site: `<output>/_helpsite/pages.json`.
    pub fn default_path(site_root: &Path) -> PathBuf {
        site_root.join("public").join(MANIFEST_PATH)
    }

    pub fn load(path: &Path) -> Result<Manifest, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error("cannot read the page manifest")
                .at(path)
                .cause(e.to_string())
                .hint("run `helpsite build` first, or pass `--manifest FILE`")
        })?;
        Manifest::from_json(&text).map_err(|e| {
            Diagnostic::error("the page manifest is not valid")
                .at(path)
                .line(e.line())
                .column(e.column())
                .cause(e.to_string())
                .hint("rebuild the site with `helpsite build`")
        })
    }

    pub fn from_json(text: &str) -> Result<Manifest, serde_json::Error> {
        let raw: Manifest = serde_json::from_str(text)?;
        Ok(Manifest::new(raw.pages, raw.aliases))
    }

    pub fn page(&self, url: &str) -> Option<&ManifestPage> {
        self.by_url.get(url).map(|&i| &self.pages[i])
    }

    /// A page URL or an alias, followed to its page.
    pub fn lookup(&self, url: &str) -> Lookup<'_> {
        if let Some(p) = self.page(url) {
            return Lookup::Page(p);
        }
        match self.aliases.get(url).and_then(|target| self.page(target)) {
            Some(p) => Lookup::Alias(p),
            None => Lookup::Unknown,
        }
    }

    /// The current page URL for `url`, following aliases; `None` when it is neither.
    pub fn current_url(&self, url: &str) -> Option<&str> {
        match self.lookup(url) {
            Lookup::Page(p) | Lookup::Alias(p) => Some(&p.url),
            Lookup::Unknown => None,
        }
    }
}

impl ManifestPage {
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.anchors.iter().any(|a| a == anchor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_aliases() {
        let m = Manifest::from_json(
            r#"{"pages":[{"url":"/a/","title":"A","kind":"guide","updated":null,"anchors":["x"]}],
                "aliases":{"/old-a/":"/a/","/dangling/":"/gone/"}}"#,
        )
        .unwrap();
        assert!(matches!(m.lookup("/a/"), Lookup::Page(p) if p.title == "A"));
        assert!(matches!(m.lookup("/old-a/"), Lookup::Alias(p) if p.url == "/a/"));
        assert_eq!(m.lookup("/dangling/"), Lookup::Unknown);
        assert_eq!(m.current_url("/old-a/"), Some("/a/"));
        assert!(m.page("/a/").unwrap().has_anchor("x"));
    }

    #[test]
    fn bad_json_names_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pages.json");
        std::fs::write(&p, "{\n \"pages\": 3 }").unwrap();
        let err = Manifest::load(&p).unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
