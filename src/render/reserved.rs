//! The paths the build writes itself, besides pages and alias redirects, and the check that
//! keeps aliases and pages off them.
//!
//! [`Reserved::claim`] is the one rule: the extras at fixed names (`404.html`, `sitemap.xml`,
//! `robots.txt`), the folders helpsite owns whole (`_helpsite/` for `pages.json` and the output
//! manifest, `search/` for the search page and its index), the published assets (hashed CSS and
//! JS, other static files) and the files copied from `content/`. An alias there would overwrite
//! that file, or be overwritten, depending on the order of writing; so it is an error, named at
//! the alias's line like a collision with a page. `docs/writing.md` lists the paths for writers.
//!
//! [`check`] also keeps the copied files apart (issue 13): a file of `content/` or `static/` at
//! a path the build generates (`sitemap.xml`, `_helpsite/pages.json`, the search index), and a
//! file of `content/` at the path of a static file, would silently replace one another, so each
//! is an error naming both sources.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::urls as url;

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

/// What the build generates at `path`, among the paths a copied file (from `content/` or
/// `static/`) could take, described for an error message. Unlike pages, copied files may live
/// in `search/` (the theme's search scripts do): only the generated names there are taken.
fn generated(path: &str) -> Option<String> {
    if let Some((name, what)) = FILES.iter().find(|(name, _)| *name == path) {
        return Some(format!("{what} `{name}` the build generates"));
    }
    if path.starts_with("_helpsite/") {
        return Some("helpsite's own data in `_helpsite/`".to_string());
    }
    let in_search = path.strip_prefix("search/")?;
    (in_search == "index.html"
        || in_search == helpsite_search::manifest::MANIFEST_NAME
        || in_search.starts_with("index-"))
    .then(|| format!("the search page or index file `{path}` the build generates"))
}

/// Where the static file `name` (a path under `static/`) comes from: the site's own `static/`,
/// else its theme's.
fn static_source(site: &Site, name: &str) -> String {
    let own = std::path::Path::new("static").join(name);
    if site.root.join(&own).is_file() {
        return own.display().to_string();
    }
    format!("themes/{}/static/{name}", site.config.theme)
}

/// Copied files on a generated path, and content files on a static file's path.
fn check_files(site: &Site, renderer: &Renderer) -> Vec<Diagnostic> {
    let base = site.config.base_path();
    let hint = "rename or move the file: the build writes that path itself (see \"Reserved paths\" in `docs/writing.md`)";
    let mut out = Vec::new();
    let mut statics: HashMap<String, &str> = HashMap::new();
    for (name, published) in renderer.asset_urls() {
        let path = url::output_path(base, published);
        if let Some(what) = generated(&path) {
            out.push(
                Diagnostic::error(format!(
                    "the static file's output path `{path}` collides with {what}"
                ))
                .at(static_source(site, name))
                .hint(hint),
            );
        }
        statics.insert(path, name);
    }
    for (path, _) in &site.content.files {
        let file = format!("content/{path}");
        let clash = generated(path).or_else(|| {
            statics
                .get(path)
                .map(|name| format!("the static file `{}`", static_source(site, name)))
        });
        if let Some(what) = clash {
            out.push(
                Diagnostic::error(format!(
                    "the file's output path `{path}` collides with {what}"
                ))
                .at(file)
                .hint(hint),
            );
        }
    }
    out
}

/// Every alias and page that lands on a path the build [`Reserved::claim`]s, and every copied
/// file that lands on a generated or static one.
pub fn check(site: &Site, renderer: &Renderer) -> Vec<Diagnostic> {
    let reserved = Reserved::new(site, renderer);
    let base = site.config.base_path();
    let mut out = check_files(site, renderer);
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

    /// Copied files may sit in `search/` beside the theme's scripts, never on a generated name.
    #[test]
    fn generated_paths_for_copied_files() {
        for path in [
            NOT_FOUND,
            SITEMAP,
            ROBOTS,
            super::super::extras::PAGES_JSON,
            "_helpsite/manifest.tsv",
            "search/index.html",
            "search/manifest.json",
            "search/index-0123.pack",
        ] {
            assert!(generated(path).is_some(), "{path}");
        }
        for path in ["search/search-ui.js", "img/404.html", "sitemap.xml.bak"] {
            assert_eq!(generated(path), None, "{path}");
        }
    }
}
