//! The preview's [`SiteBuilder`] over the core pipeline, with true incremental rebuilds.
//!
//! The parsed [`Site`], the compiled [`Renderer`] and the [`Checks`] of each page stay in
//! memory between builds. Full builds run the pipeline's own stages ([`pipeline::prepare`],
//! [`pipeline::render_and_index`]), so `build` and the preview check the same things, the
//! reply-link ledger's sent links included. A batch that only edits pages in place re-parses
//! those pages and redoes what [`Effects`] says the edit affects, with the same checks
//! ([`Checks::after_edit`]); troubleshooting flows, aliases, nav and reserved paths are checked
//! again on every edit (cheap). A template or static file keeps the model and renders every
//! page with new templates and assets. Adding, removing or renaming a page or a section, or
//! editing `site.yaml`, reloads the model and renders everything, search index included.
//!
//! The search index is the slow part of a one-page edit, so it is deferred: the page's reload
//! goes out first, and once no save is waiting [`SiteBuilder::deferred`] hands the search index
//! thread a [`Deferred`] job over a snapshot of the documents (each page's are kept behind an
//! `Arc`, so the snapshot costs a pointer per page) and the shared in-memory chunk store (only
//! the edited pages' chunks are indexed again). The builder is free for the next save at once;
//! the job's update carries the content version it was made from, so the server never
//! publishes it over a newer index (see `publish/swap.rs`).
//!
//! Errors: a page that no longer parses keeps its last good version in the model (so links into
//! it do not all break) and its errors are repeated until it is fixed. Output rendered by a
//! failed build is kept and delivered with the next good one, so nothing is lost.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use helpsite_search::{MemoryStore, SectionDoc};
use rayon::prelude::*;

use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ledger::hook::{self, Unreadable};
use crate::output::Output;
use crate::pipeline::{self, Checks, IndexJob, Prepared, Produced, Timings};
use crate::render::{Renderer, extras};
use crate::search_index;
use crate::site::edit::Effects;
use crate::site::{LoadOptions, Site};

use super::builder::{Deferred, IndexFiles, SiteBuilder, Update};
use crate::serve::watch::change::ChangeKind;

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
    search: SearchState,
}

/// The preview's search index, as far as the builder knows it.
#[derive(Default)]
struct SearchState {
    /// Indexed chunks by content key; shared with the search index thread's jobs.
    store: Arc<MemoryStore>,
    /// The content version: raised by every build that may change what the index holds.
    version: u64,
    /// Edits since the last index (built or handed over as a job) are not in it.
    stale: bool,
}

struct Model {
    site: Site,
    renderer: Renderer,
    /// Each page's search documents, by page index; `None` when search is off.
    docs: Option<Vec<Arc<[SectionDoc]>>>,
    /// What the pipeline's checks found, kept per check (links per page).
    checks: Checks,
}

#[derive(Default)]
struct Pending {
    files: BTreeMap<String, Vec<u8>>,
    removed: BTreeSet<String>,
    complete: bool,
    /// The index among `files` (a full build's).
    index: Option<IndexFiles>,
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

    fn take_all(&mut self, output: Output) {
        for (path, bytes) in output.files {
            self.file(path, bytes);
        }
    }
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
            search: SearchState::default(),
        }
    }

    /// Delivers the pending output with `diagnostics` plus every known problem: an update when
    /// there is no error.
    fn finish(&mut self, mut diagnostics: Diagnostics) -> Result<Update, Diagnostics> {
        for errors in self.broken.values() {
            diagnostics.extend(errors.iter().cloned());
        }
        if let Some(model) = &self.model {
            diagnostics.extend(model.checks.diagnostics().cloned());
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
            index: pending.index,
        })
    }

    /// Re-parses and re-renders for in-place page edits; `None` when the batch needs a full
    /// build (anything else changed, or a page appeared, disappeared or became a draft).
    fn pages_only(&mut self, changes: &[ChangeKind]) -> Option<Result<Update, Diagnostics>> {
        let model = self.model.as_mut()?;
        let mut edited = Vec::new();
        let mut effects = Effects::default();
        let mut alias_urls = BTreeSet::new();
        for change in changes {
            // A known page "added" is a rename-and-replace save.
            let (ChangeKind::Page(path) | ChangeKind::PageAdded(path)) = change else {
                return None;
            };
            let source = content_path(path)?;
            let i = model.site.page_by_source(&source)?;
            let base = model.site.config.base_path();
            match content::parse_page(&self.root, &source, base, self.options.drafts) {
                Err(errors) => {
                    self.broken.insert(source, errors);
                }
                Ok(None) => return None,
                Ok(Some(page)) => {
                    self.broken.remove(&source);
                    let old = &model.site.pages()[i];
                    effects.add(old, &page);
                    for alias in old.meta.aliases.iter().chain(&page.meta.aliases) {
                        alias_urls.insert(crate::urls::alias_url(base, alias));
                    }
                    model.site.replace_page(i, page);
                    edited.push(i);
                }
            }
        }
        if !edited.is_empty() {
            self.search.version += 1;
            self.search.stale |= model.docs.is_some();
        }
        let Model {
            site,
            renderer,
            checks,
            ..
        } = model;
        checks.after_edit(site, renderer, &edited, &effects, &preview_ledger);
        // After the checks: the ledger hook may have counted the replies to the pages again.
        if let Some(docs) = &mut model.docs {
            for &i in &edited {
                docs[i] = page_docs(&model.site, &model.site.pages()[i]);
            }
        }
        let mut diagnostics = Diagnostics::default();
        if effects.nav {
            model.renderer.refresh(&model.site);
            let (output, errors) = model.renderer.render_all(&model.site);
            diagnostics.extend(errors);
            self.pending.complete = true;
            self.pending.take_all(output);
            return Some(self.finish(diagnostics));
        }
        let site = &model.site;
        for i in effects.pages_to_render(site, &edited) {
            match model.renderer.render_page(site, i) {
                Ok((path, html)) => self.pending.file(path, html),
                Err(d) => diagnostics.push(d),
            }
        }
        if effects.aliases {
            for url in alias_urls {
                match site.aliases.get(&url) {
                    Some(&target) if site.page_by_url(&url).is_none() => {
                        match model.renderer.render_alias(site, &url, target) {
                            Ok((path, html)) => self.pending.file(path, html),
                            Err(d) => diagnostics.push(d),
                        }
                    }
                    _ => self
                        .pending
                        .remove(crate::urls::output_path(site.config.base_path(), &url)),
                }
            }
        }
        if effects.sitemap {
            self.pending
                .file("sitemap.xml".into(), extras::sitemap(site));
        }
        if effects.pages_json {
            self.pending
                .file(extras::PAGES_JSON.into(), extras::pages_json(site));
        }
        Some(self.finish(diagnostics))
    }
}

impl Incremental {
    /// Templates or static files changed: the model stands, the renderer is rebuilt (assets
    /// get new hashed names) and every page rendered again; the search index, built from the
    /// content alone, is kept.
    fn rerender(&mut self) -> Option<Result<Update, Diagnostics>> {
        let model = self.model.as_mut()?;
        let renderer = match Renderer::new(&model.site, true) {
            Ok(renderer) => renderer,
            Err(errors) => {
                // Keep serving the old look; the fix (another template save) builds it all.
                self.needs_full = true;
                return Some(self.finish(Diagnostics(errors)));
            }
        };
        let base = model.site.config.base_path();
        let new_assets: BTreeSet<&String> = renderer.asset_urls().values().collect();
        for url in model.renderer.asset_urls().values() {
            if !new_assets.contains(url) {
                self.pending.remove(crate::urls::output_path(base, url));
            }
        }
        model.renderer = renderer;
        let (output, errors) = model.renderer.render_all(&model.site);
        self.needs_full = !errors.is_empty();
        self.pending.take_all(output);
        model.checks.after_templates(&model.site, &model.renderer);
        Some(self.finish(Diagnostics(errors)))
    }
}

impl SiteBuilder for Incremental {
    fn full(&mut self) -> Result<Update, Diagnostics> {
        self.broken.clear();
        self.pending = Pending {
            complete: true,
            ..Pending::default()
        };
        self.model = None;
        let (prepared, mut diagnostics) = pipeline::prepare(
            &self.root,
            self.options.clone(),
            &preview_ledger,
            true,
            &mut Timings::default(),
        );
        // Pages that failed to parse are missing from the model: reload all next time.
        self.needs_full = diagnostics.has_errors();
        let Some(Prepared {
            site,
            checks,
            renderer,
        }) = prepared
        else {
            return self.finish(diagnostics);
        };
        self.search.version += 1;
        let renderer = match renderer {
            Ok(renderer) => renderer,
            Err(errors) => {
                diagnostics.extend(errors);
                diagnostics.extend(checks.diagnostics().cloned());
                self.needs_full = true;
                return self.finish(diagnostics);
            }
        };
        // The index is built here, not deferred: a full build reloads every page, and they
        // should find an index of what they show.
        let mut docs: Option<Vec<Arc<[SectionDoc]>>> = None;
        let index: Option<IndexJob<'_>> = site.config.search.enabled.then(|| {
            let (site, store, docs) = (&site, &*self.search.store, &mut docs);
            Box::new(move || {
                let started = std::time::Instant::now();
                let kept = docs.insert(
                    site.pages()
                        .par_iter()
                        .map(|p| page_docs(site, p))
                        .collect(),
                );
                let (stats, files) =
                    search_index::files_of(&flatten(kept), &site.config.search, store)?;
                let took = started.elapsed();
                Ok((search_index::Summary { stats, took }, files))
            }) as IndexJob<'_>
        });
        let output = std::sync::Mutex::new(Output::default());
        let sink = |path: String, bytes: Vec<u8>| {
            let mut output = output.lock().expect("no panic holds the lock");
            output.insert(path, bytes);
            Ok(())
        };
        let Produced { errors, search, .. } =
            pipeline::render_and_index(&site, &renderer, index, &sink);
        self.needs_full |= !errors.is_empty();
        diagnostics.extend(errors);
        // A site with search off says so with an empty index, so no older index is published
        // after it.
        let paths = match search {
            None => Some(Vec::new()),
            Some((Ok((_, paths)), _)) => Some(paths),
            Some((Err(d), _)) => {
                diagnostics.push(d);
                None
            }
        };
        self.search.stale = false;
        self.pending.index = paths.map(|paths| IndexFiles {
            version: self.search.version,
            paths,
        });
        self.pending
            .take_all(output.into_inner().expect("no panic holds the lock"));
        self.model = Some(Model {
            site,
            renderer,
            docs,
            checks,
        });
        self.finish(diagnostics)
    }

    fn changed(&mut self, changes: &[ChangeKind]) -> Result<Update, Diagnostics> {
        if self.needs_full {
            return self.full();
        }
        let looks_only = changes.iter().all(|c| match c {
            ChangeKind::Template(_) => true,
            ChangeKind::Static(p) => !p.starts_with("content"),
            _ => false,
        });
        let result = if looks_only {
            self.rerender()
        } else {
            self.pages_only(changes)
        };
        match result {
            Some(result) => result,
            None => self.full(),
        }
    }

    fn has_deferred(&self) -> bool {
        self.search.stale && self.model.is_some()
    }

    fn deferred(&mut self) -> Option<Deferred> {
        let model = self.model.as_ref().filter(|_| self.search.stale)?;
        // Cleared first: were it left set, the rebuild loop would ask again every idle period.
        self.search.stale = false;
        let docs = model.docs.clone()?;
        let store = Arc::clone(&self.search.store);
        let version = self.search.version;
        let base_path = model.site.config.base_path().to_string();
        let search = model.site.config.search.clone();
        let work = move || {
            let (_, files) = search_index::files_of(&flatten(&docs), &search, &*store)
                .map_err(|d| Diagnostics(vec![d]))?;
            let paths = files.iter().map(|(p, _)| p.clone()).collect();
            Ok(Update {
                files,
                removed: Vec::new(),
                complete: false,
                base_path,
                warnings: Diagnostics::default(),
                index: Some(IndexFiles { version, paths }),
            })
        };
        Some(Deferred {
            version,
            work: Box::new(work),
        })
    }
}

/// The preview's ledger hook: a ledger that cannot be read is a warning, so pages stay served.
fn preview_ledger(site: &mut Site) -> Vec<Diagnostic> {
    hook::run(site, Unreadable::Warns)
}

fn page_docs(site: &Site, page: &Page) -> Arc<[SectionDoc]> {
    search_index::page_documents(site, page).collect()
}

/// The site's documents in page order, as the index wants them.
fn flatten(docs: &[Arc<[SectionDoc]>]) -> Vec<SectionDoc> {
    docs.iter().flat_map(|d| d.iter().cloned()).collect()
}

/// `content/guide/a.md` → `guide/a.md`, `/`-separated as the model keys pages.
fn content_path(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("content").ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_paths() {
        assert_eq!(
            content_path(Path::new("content/guide/a.md")).as_deref(),
            Some("guide/a.md")
        );
        assert_eq!(
            content_path(Path::new("content/_index.md")).as_deref(),
            Some("_index.md")
        );
        assert_eq!(content_path(Path::new("static/a.css")), None);
    }
}
