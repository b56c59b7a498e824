//! The preview's [`SiteBuilder`] over the core pipeline, with true incremental rebuilds.
//!
//! The parsed [`Site`] and the compiled [`Renderer`] stay in memory between builds. A batch
//! that only edits pages in place re-parses those pages and re-renders what shows their data:
//!
//! | what changed on the page | re-rendered |
//! |---|---|
//! | body only | the page |
//! | `description`, `kind`, `updated`, `tags` | + its section's page (the listing) |
//! | `title`, `weight`, `draft` (navigation, order) | every page (all show the navigation) |
//! | `aliases` | + the redirect pages of old and new aliases |
//!
//! plus `sitemap.xml` and `_helpsite/pages.json`; links of the whole site are checked again
//! (cheap, and a changed heading may break a link into the page). Adding, removing or renaming
//! a page, a section, a template, a static file or `site.yaml` reloads the model and renders
//! everything.
//!
//! Errors: a page that no longer parses keeps its last good version in the model (so links into
//! it do not all break) and its errors are repeated until it is fixed. Output rendered by a
//! failed build is kept and delivered with the next good one, so nothing is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links;
use crate::output::Output;
use crate::render::{Renderer, extras};
use crate::site::{LoadOptions, Site};

use super::builder::{SiteBuilder, Update};
use super::change::ChangeKind;

pub struct Incremental {
    root: PathBuf,
    options: LoadOptions,
    model: Option<Model>,
    /// The model lacks something (a page that failed to parse at load, or the templates):
    /// the next batch reloads everything.
    needs_full: bool,
    /// Parse errors of pages whose last good version is still in the model, by content path.
    broken: BTreeMap<String, Vec<Diagnostic>>,
    /// Output of builds that failed, not yet delivered.
    pending: Pending,
}

struct Model {
    site: Site,
    renderer: Renderer,
}

#[derive(Default)]
struct Pending {
    files: BTreeMap<String, Vec<u8>>,
    removed: BTreeSet<String>,
    complete: bool,
}

impl Pending {
    fn file(&mut self, path: String, bytes: impl Into<Vec<u8>>) {
        self.removed.remove(&path);
        self.files.insert(path, bytes.into());
    }

    fn remove(&mut self, path: String) {
        self.files.remove(&path);
        self.removed.insert(path);
    }
}

/// What one page edit touches, found by comparing the old and new parse.
#[derive(Debug, Default)]
struct Effects {
    nav: bool,
    listing: bool,
    aliases: bool,
}

impl Incremental {
    /// A builder for the site at `root`; nothing is read until [`SiteBuilder::full`].
    pub fn new(root: &Path, options: LoadOptions) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            model: None,
            needs_full: true,
            broken: BTreeMap::new(),
            pending: Pending::default(),
        }
    }

    /// Delivers the pending output with `diagnostics`: an update when there is no error.
    fn finish(&mut self, mut diagnostics: Diagnostics) -> Result<Update, Diagnostics> {
        for errors in self.broken.values() {
            diagnostics.extend(errors.iter().cloned());
        }
        diagnostics.sort();
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let pending = std::mem::take(&mut self.pending);
        let base_path = self
            .model
            .as_ref()
            .map_or("/", |m| m.site.config.base_path())
            .to_string();
        Ok(Update {
            files: pending.files.into_iter().collect(),
            removed: pending.removed.into_iter().collect(),
            complete: pending.complete,
            base_path,
            warnings: diagnostics,
        })
    }

    /// Re-parses and re-renders for page edits only; `None` when the batch needs a full build.
    fn pages_only(&mut self, changes: &[ChangeKind]) -> Option<Result<Update, Diagnostics>> {
        let model = self.model.as_mut()?;
        let mut edited = Vec::new();
        let mut effects = Effects::default();
        let mut alias_urls = BTreeSet::new();
        for change in changes {
            let (ChangeKind::Page(path) | ChangeKind::PageAdded(path)) = change else {
                return None;
            };
            let source = content_path(path)?;
            let i = model.site.page_by_source(&source)?;
            let parsed = content::parse_page(
                &self.root,
                &source,
                model.site.config.base_path(),
                self.options.drafts,
            );
            match parsed {
                Err(errors) => {
                    self.broken.insert(source, errors);
                }
                // Now a draft that this build leaves out: the page disappears.
                Ok(None) => return None,
                Ok(Some(page)) => {
                    self.broken.remove(&source);
                    let old = &model.site.pages()[i];
                    effects.add(old, &page);
                    let base = model.site.config.base_path();
                    for alias in old.meta.aliases.iter().chain(&page.meta.aliases) {
                        alias_urls.insert(content::url::alias_url(base, alias));
                    }
                    model.site.replace_page(i, page);
                    edited.push(i);
                }
            }
        }
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(links::check(&model.site));
        if effects.nav {
            model.renderer.refresh(&model.site);
            let (output, errors) = model.renderer.render_all(&model.site);
            diagnostics.extend(errors);
            self.pending.complete = true;
            take_all(&mut self.pending, output);
            return Some(self.finish(diagnostics));
        }
        let site = &model.site;
        let mut render: BTreeSet<usize> = edited.iter().copied().collect();
        if effects.listing {
            for &i in &edited {
                let page = &site.pages()[i];
                let section = &site.content.sections[page.section];
                // An `_index.md` is listed by its parent section's page.
                let listed_in = if page.is_index {
                    section.parent
                } else {
                    Some(page.section)
                };
                render.extend(listed_in.and_then(|s| site.content.sections[s].index));
            }
        }
        for i in render {
            match model.renderer.render_page(site, i) {
                Ok((path, html)) => self.pending.file(path, html),
                Err(d) => diagnostics.push(d),
            }
        }
        if effects.aliases {
            for url in alias_urls {
                let path = content::url::output_path(site.config.base_path(), &url);
                match site.aliases.get(&url) {
                    Some(&target) if site.page_by_url(&url).is_none() => {
                        match model.renderer.render_alias(site, &url, target) {
                            Ok((path, html)) => self.pending.file(path, html),
                            Err(d) => diagnostics.push(d),
                        }
                    }
                    _ => self.pending.remove(path),
                }
            }
        }
        self.pending
            .file("sitemap.xml".into(), extras::sitemap(site));
        self.pending
            .file(extras::PAGES_JSON.into(), extras::pages_json(site));
        Some(self.finish(diagnostics))
    }
}

impl Effects {
    fn add(&mut self, old: &Page, new: &Page) {
        let (a, b) = (&old.meta, &new.meta);
        self.nav |= a.title != b.title || a.weight != b.weight || a.draft != b.draft;
        self.listing |= a.description != b.description
            || a.kind != b.kind
            || a.updated != b.updated
            || a.tags != b.tags;
        self.aliases |= a.aliases != b.aliases;
    }
}

impl SiteBuilder for Incremental {
    fn full(&mut self) -> Result<Update, Diagnostics> {
        self.broken.clear();
        self.pending = Pending {
            complete: true,
            ..Pending::default()
        };
        let (site, mut diagnostics) = Site::load(&self.root, self.options.clone());
        // Pages that failed to parse are missing from the model: reload all next time.
        self.needs_full = diagnostics.has_errors();
        let Some(site) = site else {
            self.model = None;
            return self.finish(diagnostics);
        };
        diagnostics.extend(links::check(&site));
        match Renderer::new(&site, true) {
            Ok(renderer) => {
                let (output, errors) = renderer.render_all(&site);
                self.needs_full |= !errors.is_empty();
                diagnostics.extend(errors);
                take_all(&mut self.pending, output);
                self.model = Some(Model { site, renderer });
            }
            Err(errors) => {
                diagnostics.extend(errors);
                self.needs_full = true;
                self.model = None;
            }
        }
        self.finish(diagnostics)
    }

    fn changed(&mut self, changes: &[ChangeKind]) -> Result<Update, Diagnostics> {
        if self.needs_full {
            return self.full();
        }
        match self.pages_only(changes) {
            Some(result) => result,
            None => self.full(),
        }
    }
}

fn take_all(pending: &mut Pending, output: Output) {
    for (path, bytes) in output.files {
        pending.file(path, bytes);
    }
}

/// `content/guide/a.md` → `guide/a.md`, `/`-separated as the model keys pages.
fn content_path(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("content").ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
