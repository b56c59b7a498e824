//! The rebuild loop: a batch of changes in, a new snapshot swapped in, then the message to
//! open pages, in that order.
//!
//! It runs on its own thread and owns the [`SiteBuilder`], so builds never overlap and the
//! builder needs no locking. A failed build leaves the last good snapshot in place and sends
//! the overlay; the terminal gets the same diagnostics.
//!
//! Deferred work (the search index) is handed to the [`Indexer`] thread, never done here: the
//! builder only snapshots what the work needs, so the next save's build starts at once.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostics;

use super::failure;
use super::hub::Message;
use super::indexer::Indexer;
use super::live::Live;
use crate::serve::build::builder::{SiteBuilder, Update};
use crate::serve::watch::change::{self, ChangeKind};

pub(crate) struct Rebuilder {
    builder: Box<dyn SiteBuilder>,
    live: Arc<Live>,
    root: PathBuf,
    indexer: Indexer,
}

impl Rebuilder {
    /// Also starts the search index thread, which stops when the rebuilder is dropped.
    pub(crate) fn new(
        builder: Box<dyn SiteBuilder>,
        live: Arc<Live>,
        root: &Path,
    ) -> io::Result<Rebuilder> {
        let indexer = Indexer::start(Arc::clone(&live), root)?;
        Ok(Rebuilder {
            builder,
            live,
            root: root.to_path_buf(),
            indexer,
        })
    }

    /// The first build. Returns whether it succeeded (the server runs either way).
    pub(crate) fn full(&mut self) -> bool {
        let started = Instant::now();
        let result = self.builder.full();
        match result {
            Ok(update) => {
                let files = update.files.len();
                self.publish(update, false);
                eprintln!(
                    "built {files} files in {} ms",
                    started.elapsed().as_millis()
                );
                true
            }
            Err(diagnostics) => {
                self.fail(diagnostics);
                false
            }
        }
    }

    /// Handles one debounced batch of notify events.
    pub(crate) fn events(&mut self, events: &[notify::Event]) {
        let classified = events.iter().flat_map(|e| change::classify(&self.root, e));
        let changes = change::coalesce(classified, |p| self.root.join(p).exists());
        if !changes.is_empty() {
            self.changes(&changes);
        }
    }

    /// Rebuilds for `changes` and tells open pages.
    pub(crate) fn changes(&mut self, changes: &[ChangeKind]) {
        let started = Instant::now();
        match self.builder.changed(changes) {
            Ok(update) => {
                let built = started.elapsed();
                let css_only = changes.iter().all(is_stylesheet);
                let changed = self.publish(update, css_only);
                eprintln!(
                    "rebuilt for {} in {} ms (build {} ms): {changed} output files changed",
                    describe(changes),
                    started.elapsed().as_millis(),
                    built.as_millis(),
                );
            }
            Err(diagnostics) => self.fail(diagnostics),
        }
    }

    /// Whether the builder has work left from the last build.
    pub(crate) fn has_deferred(&self) -> bool {
        self.builder.has_deferred()
    }

    /// Hands the builder's deferred work to the search index thread, which swaps its output
    /// in without telling open pages. Returns at once.
    pub(crate) fn deferred(&mut self) {
        if let Some(job) = self.builder.deferred() {
            self.indexer.submit(job);
        }
    }

    /// Swaps in the new snapshot, then (never before) tells open pages. Returns how many
    /// output files changed.
    fn publish(&mut self, update: Update, css_only: bool) -> usize {
        failure::print_all(&update.warnings);
        let super::swap::Published {
            diff, base_path, ..
        } = self.live.publish(update);
        if self.live.hub.has_error() {
            self.live.hub.send(Message::Ok);
        }
        if diff.paths.is_empty() {
            return 0;
        }
        // A stylesheet edit also changes every page that links the stylesheet by its hashed
        // name; pages swap the link themselves, so only other kinds of change force a reload.
        let sheets: Vec<String> = diff
            .paths
            .iter()
            .filter(|p| p.ends_with(".css"))
            .cloned()
            .collect();
        let only_sheets_and_pages = diff
            .paths
            .iter()
            .all(|p| p.ends_with(".css") || p.ends_with(".html"));
        let message = if css_only && only_sheets_and_pages && !sheets.is_empty() {
            Message::Css {
                urls: sheets
                    .iter()
                    .map(|p| crate::urls::output_url(&base_path, p))
                    .collect(),
            }
        } else {
            Message::reload(&diff.paths, &base_path)
        };
        self.live.hub.send(message);
        diff.paths.len()
    }

    fn fail(&mut self, diagnostics: Diagnostics) {
        failure::fail(&self.live, &self.root, diagnostics);
    }
}

fn is_stylesheet(change: &ChangeKind) -> bool {
    matches!(change, ChangeKind::Static(p) if p.extension().is_some_and(|e| e == "css"))
}

/// `content/faq.md` for one change, `3 changes` for more.
fn describe(changes: &[ChangeKind]) -> String {
    match changes {
        [ChangeKind::Config] => "`site.yaml`".into(),
        [
            ChangeKind::Page(p)
            | ChangeKind::PageAdded(p)
            | ChangeKind::PageRemoved(p)
            | ChangeKind::Section(p)
            | ChangeKind::Template(p)
            | ChangeKind::Static(p),
        ] => format!("`{}`", p.display()),
        _ => format!("{} changes", changes.len()),
    }
}
