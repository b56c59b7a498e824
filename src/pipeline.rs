//! `helpsite build` and `check` as a chain of stages, each a function from one value to the next:
//!
//! 1. load: `site.yaml` and `content/` → [`Site`] (front matter, Markdown, sections);
//! 2. check links: every internal link, anchor, alias and nav entry;
//! 3. templates: theme and overrides compiled, assets published ([`Renderer::new`]);
//! 4. render: every page and extra file into memory ([`Renderer::render_all`]);
//! 5. write: staged and swapped in atomically ([`output::write`]), only when 1–4 found no error.
//!
//! Each stage is timed for `--verbose`. I/O happens only in stages 1 and 5.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::output::{self, Output, WriteStats};
use crate::render::Renderer;
use crate::site::{LoadOptions, Site};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` renders without writing (`check`).
    pub out: Option<PathBuf>,
    pub load: LoadOptions,
}

/// Wall time of each stage, in order.
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.0.push((stage, start.elapsed()));
        value
    }

    pub fn total(&self) -> Duration {
        self.0.iter().map(|(_, d)| *d).sum()
    }
}

/// What a build found and did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    pub site: Option<Site>,
    pub output: Output,
    /// `Some` when the output was written.
    pub written: Option<WriteStats>,
}

impl BuildReport {
    pub fn pages(&self) -> usize {
        self.site.as_ref().map_or(0, |s| s.pages().len())
    }
}

/// Runs the stages. `Err` only for a failure to write the output (the site itself may be fine);
/// problems in the site are in the report's diagnostics, and then nothing is written.
pub fn build(options: &BuildOptions) -> std::io::Result<BuildReport> {
    let mut report = BuildReport::default();
    let mut timings = Timings::default();
    let (site, found) = timings.time("load", || Site::load(&options.root, options.load.clone()));
    report.diagnostics.extend(found);
    let Some(site) = site else {
        report.timings = timings;
        return Ok(report);
    };
    report
        .diagnostics
        .extend(timings.time("check links", || crate::links::check(&site)));
    match timings.time("templates", || Renderer::new(&site, false)) {
        Ok(renderer) => {
            let (output, errors) = timings.time("render", || renderer.render_all(&site));
            report.diagnostics.extend(errors);
            report.output = output;
        }
        Err(errors) => report.diagnostics.extend(errors),
    }
    report.diagnostics.sort();
    if let Some(out) = options
        .out
        .as_ref()
        .filter(|_| !report.diagnostics.has_errors())
    {
        let stats = timings.time("write", || output::write(&report.output, out));
        report.written = Some(stats?);
    }
    report.timings = timings;
    report.site = Some(site);
    Ok(report)
}
