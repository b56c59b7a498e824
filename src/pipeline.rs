//! The stages of a build, in order, for `helpsite build`, `check` and the preview server alike:
//!
//! 1. load: `site.yaml` and `content/` → [`Site`] (front matter, Markdown, sections);
//! 2. check ([`Checks::run`]): every internal link, anchor, alias and nav entry; every
//!    troubleshooting flow's graph and `page:` answers ([`crate::links::flows::check`]); then
//!    the ledger hook (sent links still resolve, replies per page; `ledger::hook`);
//! 3. templates: theme and overrides compiled, assets published ([`Renderer::new`]); then no
//!    alias or page may land on a path the build writes itself ([`Checks::paths`]);
//! 4. render: every page and extra file, each handed on as soon as it is rendered
//!    ([`Renderer::render_each`]) — into the staging folder ([`output::Stager`]) for `build`,
//!    into memory for the preview;
//! 5. search index: page sections into the tantivy index under `search/`
//!    ([`search_index::files`]), beside rendering, when `search.enabled`;
//! 6. swap (`build` only): the staged folder replaces the output, only when 1–5 found no error.
//!
//! [`prepare`] runs 1–3 for both; [`build_guarded`] adds 4–6 and the preview's incremental
//! builder runs 4–5 through [`render_and_index`], then after each in-place edit redoes what
//! [`crate::site::edit::Effects`] says through [`Checks::after_edit`].
//!
//! Each stage is timed for `--verbose`. The disk is read in stage 1, by the checks (static
//! files, a site's own theme, the ledger), in stage 3 (the theme) and by the search index (its
//! chunk cache, also written); the output is written only in the staging folder, and the live
//! output changes only at the swap.

mod checks;

pub use checks::{Checks, LedgerHook};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, WriteStats};
use crate::render::{Renderer, Sink};
use crate::search_index;
use crate::site::{LoadOptions, Site};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` renders without writing (`check`).
    pub out: Option<PathBuf>,
    pub load: LoadOptions,
}

/// Wall time of each stage, in order (rendering and the search index overlap).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>, Duration);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.0.push((stage, start.elapsed()));
        value
    }

    /// The whole build's wall time.
    pub fn total(&self) -> Duration {
        self.1
    }
}

/// What a build found and did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    pub site: Option<Site>,
    /// Output files rendered.
    pub files: usize,
    /// `Some` when the output was written.
    pub written: Option<WriteStats>,
    /// `Some` when the search index was built.
    pub search: Option<search_index::Summary>,
}

impl BuildReport {
    pub fn pages(&self) -> usize {
        self.site.as_ref().map_or(0, |s| s.pages().len())
    }
}

/// A site through stages 1 to 3: loaded, checked, its templates compiled.
pub struct Prepared {
    pub site: Site,
    pub checks: Checks,
    /// The compiled templates, or why they did not compile.
    pub renderer: Result<Renderer, Vec<Diagnostic>>,
}

/// Stages 1 to 3. `None` only when `site.yaml` cannot be used at all; the diagnostics are the
/// load's (pages that failed to parse), the checks' are in [`Prepared::checks`]. `preview`
/// compiles the templates for the preview server (see [`Renderer::new`]).
pub fn prepare(
    root: &Path,
    load: LoadOptions,
    ledger: &LedgerHook<'_>,
    preview: bool,
    timings: &mut Timings,
) -> (Option<Prepared>, Diagnostics) {
    let (site, found) = timings.time("load", || Site::load(root, load));
    let Some(mut site) = site else {
        return (None, found);
    };
    let mut checks = Checks::run(&mut site, ledger, timings);
    let renderer = timings.time("templates", || Renderer::new(&site, preview));
    if let Ok(renderer) = &renderer {
        checks.paths(&site, renderer, timings);
    }
    let prepared = Prepared {
        site,
        checks,
        renderer,
    };
    (Some(prepared), found)
}

/// Runs the stages. `Err` only for a failure to write the output (the site itself may be fine);
/// problems in the site are in the report's diagnostics, and then nothing is written.
pub fn build(options: &BuildOptions) -> std::io::Result<BuildReport> {
    build_guarded(options, &|_| Vec::new())
}

/// [`build`] with the reply-link ledger's part, run beside the link check before anything is
/// rendered or indexed (see [`LedgerHook`]).
pub fn build_guarded(
    options: &BuildOptions,
    ledger: &LedgerHook<'_>,
) -> std::io::Result<BuildReport> {
    if let Some(out) = &options.out {
        refuse_out_among_sources(&options.root, out)?;
    }
    let mut report = BuildReport::default();
    let started = Instant::now();
    let mut timings = Timings::default();
    let (prepared, found) = prepare(
        &options.root,
        options.load.clone(),
        ledger,
        false,
        &mut timings,
    );
    report.diagnostics.extend(found);
    if let Some(Prepared {
        site,
        checks,
        renderer,
    }) = prepared
    {
        report.diagnostics.extend(checks.diagnostics().cloned());
        match renderer {
            Ok(renderer) => {
                let written =
                    render_and_write(&site, &renderer, options, &mut report, &mut timings)?;
                report.written = written;
            }
            Err(errors) => report.diagnostics.extend(errors),
        }
        report.site = Some(site);
    }
    report.diagnostics.sort();
    timings.1 = started.elapsed();
    report.timings = timings;
    Ok(report)
}

/// What rendering and indexing gave: render errors, files rendered, the time rendering took,
/// and the search index (its summary and output paths, or why it failed) with its time.
pub struct Produced {
    pub errors: Vec<Diagnostic>,
    pub files: std::io::Result<usize>,
    pub render_took: Duration,
    pub search: Option<(IndexOutcome, Duration)>,
}

/// The search index's summary and output paths, or why it could not be built.
pub type IndexOutcome = Result<(search_index::Summary, Vec<String>), Diagnostic>;

/// Builds a search index's files: [`search_index::files`] over a chunk store.
pub type IndexJob<'a> = Box<
    dyn FnOnce() -> Result<(search_index::Summary, search_index::Published), Diagnostic>
        + Send
        + 'a,
>;

/// Stages 4 and 5: renders every page and builds the search index (when `index` is given) side
/// by side, handing all files to `sink`. Both share the rayon threads: the index's one-threaded
/// parts (the merge, the pack) fill the gaps page rendering leaves.
pub fn render_and_index(
    site: &Site,
    renderer: &Renderer,
    index: Option<IndexJob<'_>>,
    sink: &Sink<'_>,
) -> Produced {
    let ((errors, files, render_took), search) = rayon::join(
        || {
            let start = Instant::now();
            let (errors, files) = renderer.render_each(site, sink);
            (errors, files, start.elapsed())
        },
        || {
            let start = Instant::now();
            index.map(|index| {
                let built = index().and_then(|(summary, files)| {
                    let mut paths = Vec::with_capacity(files.len());
                    for (path, bytes) in files {
                        paths.push(path.clone());
                        sink(path, bytes).map_err(|e| {
                            Diagnostic::error("cannot write the search index").cause(e.to_string())
                        })?;
                    }
                    Ok((summary, paths))
                });
                (built, start.elapsed())
            })
        },
    );
    Produced {
        errors,
        files,
        render_took,
        search,
    }
}

/// Stages 4 to 6. Files go to the staging folder as they are rendered, so a big site never
/// sits in memory whole; the folder is swapped in only when the whole build is clean. With
/// errors already found, pages are still rendered, to report template errors too.
fn render_and_write(
    site: &Site,
    renderer: &Renderer,
    options: &BuildOptions,
    report: &mut BuildReport,
    timings: &mut Timings,
) -> std::io::Result<Option<WriteStats>> {
    let stager = match &options.out {
        Some(out) if !report.diagnostics.has_errors() => Some(output::Stager::open(out)?),
        _ => None,
    };
    let search_wanted = site.config.search.enabled && !report.diagnostics.has_errors();
    let sink = |path: String, bytes: Vec<u8>| match &stager {
        Some(stager) => stager.put(&path, &bytes),
        None => Ok(()),
    };
    let index: Option<IndexJob<'_>> = search_wanted.then(|| {
        Box::new(|| search_index::files(site, &search_index::DiskStore::for_site(site)))
            as IndexJob<'_>
    });
    let Produced {
        errors,
        files,
        render_took,
        search,
    } = render_and_index(site, renderer, index, &sink);
    timings.0.push(("render+stage", render_took));
    report.diagnostics.extend(errors);
    report.files = files?;
    if let Some((built, took)) = search {
        timings.0.push(("search index", took));
        match built {
            // A template error found while rendering still keeps the index out of the output.
            Ok(_) if report.diagnostics.has_errors() => {}
            Ok((summary, paths)) => {
                report.files += paths.len();
                report.search = Some(summary);
            }
            Err(d) => report.diagnostics.push(d),
        }
    }
    match stager.filter(|_| !report.diagnostics.has_errors()) {
        Some(stager) => Ok(Some(timings.time("swap", || stager.finish())?)),
        None => Ok(None),
    }
}

/// The folders a build reads files from: an output inside one would be read back as input by
/// the next build (copied into itself, page after page).
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// Refuses an output folder inside one of the site's [`SOURCES`] (issue 13), comparing paths
/// with links resolved, so `--out content/x` is caught however it is spelled.
fn refuse_out_among_sources(root: &Path, out: &Path) -> std::io::Result<()> {
    let out_abs = resolved(out);
    for source in SOURCES {
        let dir = resolved(&root.join(source));
        if out_abs.starts_with(&dir) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "`{}` is inside `{source}/`, which the build reads: each build would read the last one's output back as input; choose an `--out` outside `{}`",
                    out.display(),
                    SOURCES.map(|s| format!("{s}/")).join("`, `"),
                ),
            ));
        }
    }
    Ok(())
}

/// `path` made absolute with every link resolved, as far as it exists; the rest is appended
/// as written (an output folder need not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_among_the_sources_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/docs")).unwrap();
        for bad in [
            "content",
            "content/public",
            "content/docs/../out",
            "static/x",
            "themes",
        ] {
            let err = refuse_out_among_sources(root, &root.join(bad)).unwrap_err();
            assert!(
                err.to_string().contains("which the build reads"),
                "{bad}: {err}"
            );
        }
        for ok in ["public", "../public", "contents", "build/static"] {
            refuse_out_among_sources(root, &root.join(ok)).unwrap();
        }
    }
}
