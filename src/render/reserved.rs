//! The paths the build writes itself, besides pages and alias redirects, and the check that
//! keeps aliases and pages off them.
//!
//! [`Reserved::claim`] is the one rule: the extras at fixed names (`404.html`, `sitemap.xml`,
//! `robots.txt`), the folders helpsite owns whole (`_helpsite/` for `pages.json` and the output
//! manifest, `search/` for the search page and its index), the published assets (hashed CSS and
//! JS, other static files) and the files copied from `content/`. An alias there would overwrite
//! that file, or be overwritten, depending on the order of writing; so it is an error, named at
//! the alias's line like a collision with a page. `docs/writing.md` lists the paths for writers.

use std::collections::HashMap;

use crate::content::url;
use crate::diagnostics::Diagnostic;
use crate::site::Site;

use super::Renderer;

/// The not-found page.
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// The template of the `/search/?q=` page, written to `search/index.html`.
pub const SEARCH_PAGE: &str = "search.html";

/// Output files at fixed names, and what they are.
const FILES: [(&str, &str); 3] = [
    (NOT_FOUND, "the not-found page"),
    (SITEMAP, "the sitemap"),
    (ROBOTS, "the robots file"),
];

/// Output folders the build owns whole, and what it keeps there.
const FOLDERS: [(&str, &str); 2] = [
    ("_helpsite/", "helpsite's own data"),
    ("search/", "the search page and its index"),
];

/// The paths of one build: the fixed ones, and this site's published assets and content files.
pub struct Reserved<'a> {
    site: &'a Site,
    /// Output path of each published asset → its plain name.
    assets: HashMap<String, &'a str>,
}

impl<'a> Reserved<'a> {
    pub fn new(site: &'a Site, renderer: &'a Renderer) -> Self {
        let base = site.config.base_path();
        let assets = renderer
            .asset_urls()
            .iter()
            .map(|(name, published)| (url::output_path(base, published), name.as_str()))
            .collect();
        Reserved { site, assets }
    }

    /// What the build itself writes at `path` (relative to the output folder), described for
    /// an error message; `None` when a page or a redirect may go there.
    pub fn claim(&self, path: &str) -> Option<String> {
        if let Some(what) = fixed(path) {
            return Some(what);
        }
        match self.assets.get(path) {
            Some(&name) if name == path => return Some(format!("the static file `{path}`")),
            Some(name) => return Some(format!("the published asset `{path}` (from `{name}`)")),
            None => {}
        }
        self.site
            .has_content_file(path)
            .then(|| format!("the file `content/{path}`"))
    }
}

/// The part of the rule that is the same for every site: the extras and helpsite's folders.
fn fixed(path: &str) -> Option<String> {
    if let Some((name, what)) = FILES.iter().find(|(name, _)| *name == path) {
        return Some(format!("{what} `{name}`"));
    }
    FOLDERS
        .iter()
        .find(|(folder, _)| path.starts_with(folder))
        .map(|(folder, what)| format!("{what} in `{folder}`"))
}

/// Every alias and page that lands on a path the build [`Reserved::claim`]s.
pub fn check(site: &Site, renderer: &Renderer) -> Vec<Diagnostic> {
    let reserved = Reserved::new(site, renderer);
    let base = site.config.base_path();
    let mut out = Vec::new();
    for page in site.pages() {
        if let Some(what) = reserved.claim(&url::output_path(base, &page.url)) {
            out.push(
                Diagnostic::error(format!("the page's URL `{}` collides with {what}", page.url))
                    .at(&page.file)
                    .hint("rename or move the file: the build writes that path itself (see \"Reserved paths\" in `docs/writing.md`)"),
            );
        }
        for (alias, &line) in page.meta.aliases.iter().zip(&page.alias_lines) {
            let alias_url = url::alias_url(base, alias);
            if site.page_by_url(&alias_url).is_some() {
                continue; // a collision with a page, reported by the link check
            }
            if let Some(what) = reserved.claim(&url::output_path(base, &alias_url)) {
                out.push(
                    Diagnostic::error(format!("alias `{alias}` collides with {what}"))
                        .at(&page.file)
                        .line(line)
                        .hint("the build writes that path itself; remove the alias (see \"Reserved paths\" in `docs/writing.md`)"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file written at a fixed name is covered by the rule (the manifest of
    /// `crate::output` sits in `_helpsite/` too).
    #[test]
    fn fixed_outputs_are_reserved() {
        for path in [
            NOT_FOUND,
            SITEMAP,
            ROBOTS,
            super::super::extras::PAGES_JSON,
            "_helpsite/manifest.tsv",
            "search/index.html",
        ] {
            assert!(fixed(path).is_some(), "{path}");
        }
        for path in [
            "index.html",
            "contact/index.html",
            "searching/index.html",
            "404/index.html",
        ] {
            assert_eq!(fixed(path), None, "{path}");
        }
    }
}
