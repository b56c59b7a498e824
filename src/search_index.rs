//! Page sections into search documents through `crates/search` (issue 3).
//!
//! Every page's text sections (the lead and each h2/h3, from the Markdown pass) and each step
//! of its troubleshooting flow (anchor `step-<id>`) become one [`SectionDoc`] each; `helpsite_search` builds them into one tantivy segment and lays it out
//! for the web. The files go into the output under `search/`, like every rendered file, so they
//! are written (and swapped in) together with the pages that link to them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use helpsite_search::{ChunkStore, IndexStats, Layout, SectionDoc, build_index_laid_out};

use crate::config::SearchConfig;
use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// Output folder of the index files.
pub const DIR: &str = "search";

/// What building the index took and gave, for `helpsite build --verbose`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub stats: IndexStats,
    pub took: Duration,
}

/// The search documents of `site`, page by page, lead first, each page weighted by
/// [`page_boost`].
pub fn documents(site: &Site) -> Vec<SectionDoc> {
    site.pages()
        .iter()
        .flat_map(|page| page_documents(site, page))
        .collect()
}

/// Replies at which a page's reply-link boost is full.
const BOOST_FULL_AT: f64 = 50.0;

/// A page's ranking weight from staff replies ([`SectionDoc::boost`], thousandths): 0 for a
/// page never linked, growing with the log of its replies (the first few count most) to
/// `search.reply_boost` at `BOOST_FULL_AT` replies, and no further: a page staff link daily
/// must not bury a better match.
pub fn page_boost(site: &Site, page: &Page) -> u16 {
    let weight = f64::from(site.config.search.reply_boost);
    let replies = site.replies.get(&page.url).copied().unwrap_or(0);
    if weight <= 0.0 || replies == 0 {
        return 0;
    }
    let share = ((1 + replies) as f64).ln() / (1.0 + BOOST_FULL_AT).ln();
    (weight * share.min(1.0) * 1000.0).round() as u16
}

/// The search documents of one page, lead first, then each step of its troubleshooting flow.
/// They depend on the page (and its reply count) alone, so the preview server keeps them per
/// page and redoes only an edited page's.
pub fn page_documents<'a>(site: &Site, page: &'a Page) -> impl Iterator<Item = SectionDoc> + 'a {
    let boost = page_boost(site, page);
    // The top-level section is the first folder of the source path; root pages have none.
    let section = page
        .source
        .split_once('/')
        .map_or("", |(dir, _)| dir)
        .to_string();
    let steps = flow_steps(page, site.config.base_path());
    let of_step = {
        let section = section.clone();
        move |(anchor, title, body): (String, String, String)| SectionDoc {
            page_url: page.url.clone(),
            anchor,
            page_title: page.meta.title.clone(),
            trail: vec![title],
            body,
            kind: page.meta.kind.as_str().to_string(),
            section: section.clone(),
            tags: page.meta.tags.clone(),
            boost,
        }
    };
    let text = page.body.text.iter().map(move |t| {
        let mut trail = t.trail.clone();
        if !t.heading.is_empty() {
            trail.push(t.heading.clone());
        }
        // The lead of a page without text still gets its description, so the page is found.
        let body = if t.anchor.is_empty() && t.text.trim().is_empty() {
            page.meta.description.clone()
        } else {
            t.text.clone()
        };
        SectionDoc {
            page_url: page.url.clone(),
            anchor: t.anchor.clone(),
            page_title: page.meta.title.clone(),
            trail,
            body,
            kind: page.meta.kind.as_str().to_string(),
            section: section.clone(),
            tags: page.meta.tags.clone(),
            boost,
        }
    });
    text.chain(steps.into_iter().map(of_step))
}

/// Each step of `page`'s troubleshooting flow as (anchor, title, text): a customer who quotes a
/// step's question, text or answers lands on that step. The text is the step's Markdown as
/// plain text (it was checked when the page loaded), then its answers, one sentence each.
fn flow_steps(page: &Page, base_path: &str) -> Vec<(String, String, String)> {
    let (Some(flow), Some(built)) = (&page.meta.flow, &page.flow) else {
        return Vec::new();
    };
    flow.steps
        .iter()
        .zip(&built.view.steps)
        .map(|(step, view)| {
            let (rendered, _) = crate::markdown::render(&crate::markdown::Input {
                text: &step.text,
                first_line: 1,
                source: &page.source,
                file: &page.file,
                base_path,
                faq: false,
            });
            let mut body: Vec<&str> = rendered
                .text
                .iter()
                .flat_map(|t| [t.heading.as_str(), t.text.as_str()])
                .filter(|t| !t.trim().is_empty())
                .collect();
            body.extend(view.answers.iter().map(|a| a.label.as_str()));
            (step.anchor(), view.title.clone(), body.join(" · "))
        })
        .collect()
}

/// Path and bytes of each published index file (under `search/`, or in the index's own folder).
pub type Published = Vec<(String, Vec<u8>)>;

/// The chunk store of a site on disk: `.helpsite/cache/search/` beside `site.yaml` (next to the
/// ledger, never in the output). Deleting it only costs the next build its reuse.
pub struct DiskStore {
    dir: PathBuf,
}

impl DiskStore {
    pub fn for_site(site: &Site) -> DiskStore {
        DiskStore::at(&site.root.join(".helpsite/cache/search"))
    }

    pub fn at(dir: &Path) -> DiskStore {
        DiskStore {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.chunk"))
    }
}

impl ChunkStore for DiskStore {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(key)).ok()
    }

    fn put(&self, key: &str, bytes: Vec<u8>) {
        // Written beside and renamed into place, so a reader never sees half a chunk.
        let tmp = self.dir.join(format!("{key}.{}.tmp", std::process::id()));
        let stored = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&tmp, &bytes))
            .and_then(|()| std::fs::rename(&tmp, self.path(key)));
        if stored.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    fn retain(&self, keys: &[String]) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let stale = name
                .strip_suffix(".chunk")
                .is_some_and(|key| !keys.iter().any(|k| k == key));
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Builds the index of `site` (reusing what `store` kept of earlier builds) and returns its
/// published files, as output paths under `search/`, with what it took.
pub fn files(site: &Site, store: &dyn ChunkStore) -> Result<(Summary, Published), Diagnostic> {
    let start = Instant::now();
    let (stats, files) = files_of(&documents(site), &site.config.search, store)?;
    let summary = Summary {
        stats,
        took: start.elapsed(),
    };
    Ok((summary, files))
}

/// Builds the index of `docs` (all of a site's, in page order) and returns its published
/// files, as output paths under `search/`, laid out as `search` asks. The site's synonyms travel
/// in the manifest, so every engine that opens the index applies them.
pub fn files_of(
    docs: &[SectionDoc],
    search: &SearchConfig,
    store: &dyn ChunkStore,
) -> Result<(IndexStats, Published), Diagnostic> {
    let (stats, files) = index_files(docs, search, store)?;
    let files = files
        .into_iter()
        .map(|(name, bytes)| (format!("{DIR}/{name}"), bytes))
        .collect();
    Ok((stats, files))
}

/// [`files_of`] with the files named as inside the index's own folder (`manifest.json`,
/// `index-….hot`, …): what `helpsite search` keeps in its cache.
pub fn index_files(
    docs: &[SectionDoc],
    search: &SearchConfig,
    store: &dyn ChunkStore,
) -> Result<(IndexStats, Published), Diagnostic> {
    let bug = |e: helpsite_search::SearchError| {
        Diagnostic::error(format!("cannot build the search index: {e}"))
            .hint("this is a bug in helpsite; please report it with the site that shows it")
    };
    let layout = Layout {
        inline_pack_max: search.inline_pack_max,
    };
    let built = build_index_laid_out(docs, store, layout).map_err(bug)?;
    let stats = built.stats();
    let mut files = built.into_published();
    helpsite_search::synonyms::add_to_published(&mut files, &search.synonyms).map_err(bug)?;
    Ok((stats, files))
}
