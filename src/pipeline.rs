//! `helpsite build` and `check` as a chain of stages, each a function from one value to the next:
//!
//! 1. load: `site.yaml` and `content/` → [`Site`] (front matter, Markdown, sections);
//! 2. check links: every internal link, anchor, alias and nav entry; then every troubleshooting
//!    flow's graph and `page:` answers ([`crate::flows::build::check`]);
//! 3. templates: theme and overrides compiled, assets published ([`Renderer::new`]); then no
//!    alias or page may land on a path the build writes itself ([`crate::render::reserved`]);
//! 4. render + stage: every page and extra file, each put into the staging folder as soon as
//!    it is rendered ([`Renderer::render_each`], [`output::Stager`]);
//! 5. search index: page sections into the tantivy index under `search/`
//!    ([`search_index::files`]), staged too, when `search.enabled` and 1–4 found no error;
//! 6. swap: the staged folder replaces the output, only when 1–5 found no error.
//!
//! Each stage is timed for `--verbose`. I/O happens in stage 1 and in the staging folder; the live output changes only at the swap.

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

/// Runs the stages. `Err` only for a failure to write the output (the site itself may be fine);
/// problems in the site are in the report's diagnostics, and then nothing is written.
pub fn build(options: &BuildOptions) -> std::io::Result<BuildReport> {
    build_guarded(options, &|_| Vec::new())
}

/// [`build`] with the reply-link ledger's part, run beside the link check before anything is
/// rendered or indexed: the CLI passes a hook that checks sent links and records each page's
/// replies on the site (for the search boost), so this module never learns about SQLite.
pub fn build_guarded(
    options: &BuildOptions,
    guard: &dyn Fn(&mut Site) -> Vec<Diagnostic>,
) -> std::io::Result<BuildReport> {
    if let Some(out) = &options.out {
        refuse_out_among_sources(&options.root, out)?;
    }
    let mut report = BuildReport::default();
    let started = Instant::now();
    let mut timings = Timings::default();
    let (site, found) = timings.time("load", || Site::load(&options.root, options.load.clone()));
    report.diagnostics.extend(found);
    let Some(mut site) = site else {
        timings.1 = started.elapsed();
        report.timings = timings;
        return Ok(report);
    };
    report
        .diagnostics
        .extend(timings.time("check links", || crate::links::check(&site)));
    report
        .diagnostics
        .extend(timings.time("check flows", || crate::flows::build::check(&site)));
    report
        .diagnostics
        .extend(timings.time("sent links", || guard(&mut site)));
    match timings.time("templates", || Renderer::new(&site, false)) {
        Ok(renderer) => {
            report.diagnostics.extend(timings.time("check paths", || {
                crate::render::reserved::check(&site, &renderer)
            }));
            let written = render_and_write(&site, &renderer, options, &mut report, &mut timings)?;
            report.written = written;
        }
        Err(errors) => report.diagnostics.extend(errors),
    }
    report.diagnostics.sort();
    timings.1 = started.elapsed();
    report.timings = timings;
    report.site = Some(site);
    Ok(report)
}

/// What rendering and indexing gave: render errors, files rendered, the time rendering took,
/// and the search index (its summary and file count, or why it failed) with its time.
struct Produced {
    errors: Vec<Diagnostic>,
    files: std::io::Result<usize>,
    render_took: Duration,
    search: Option<(IndexOutcome, Duration)>,
}

/// The search index's summary and number of files, or why it could not be built.
type IndexOutcome = Result<(search_index::Summary, usize), Diagnostic>;

/// Renders every page and builds the search index side by side, handing all files to `sink`.
/// Both share the rayon threads: the index's one-threaded parts (the merge, the pack) fill the
/// gaps page rendering leaves.
fn render_and_index(
    site: &Site,
    renderer: &Renderer,
    search_wanted: bool,
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
            search_wanted.then(|| {
                let store = search_index::DiskStore::for_site(site);
                let built = search_index::files(site, &store).and_then(|(summary, files)| {
                    let count = files.len();
                    for (path, bytes) in files {
                        sink(path, bytes).map_err(|e| {
                            Diagnostic::error("cannot write the search index").cause(e.to_string())
                        })?;
                    }
                    Ok((summary, count))
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
    let produced = render_and_index(site, renderer, search_wanted, &sink);
    let Produced {
        errors,
        files,
        render_took,
        search,
    } = produced;
    timings.0.push(("render+stage", render_took));
    report.diagnostics.extend(errors);
    report.files = files?;
    if let Some((built, took)) = search {
        timings.0.push(("search index", took));
        match built {
            // A template error found while rendering still keeps the index out of the output.
            Ok(_) if report.diagnostics.has_errors() => {}
            Ok((summary, files)) => {
                report.files += files;
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
