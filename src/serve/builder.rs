//! The narrow seam between the preview server and the build pipeline.
//!
//! The server knows nothing of pages or templates: it asks a [`SiteBuilder`] for a full build
//! once, then for an incremental one per batch of changes, and serves the bytes it gets back.
//! Keeping the seam this small lets the HTTP, live-reload and watcher parts be tested with a
//! fake builder, and keeps `content`, `markdown` and `render` free of anything serve-specific.

use crate::diagnostics::Diagnostics;

use super::change::ChangeKind;

/// The outcome of one successful build: output files to add or replace, files to drop.
#[derive(Debug, Default)]
pub struct Update {
    /// Output path relative to the output root, `/`-separated (`faq/index.html`), and its bytes.
    /// For an incremental build only the files the builder re-rendered; unchanged bytes are
    /// fine, the server compares hashes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Output paths that no longer exist (a deleted page, a renamed asset).
    pub removed: Vec<String>,
    /// `files` is the whole site: anything not in it is gone.
    pub complete: bool,
    /// `site.base_path()` at the time of the build (`/` or `/help/`): where the site is mounted.
    pub base_path: String,
    /// Warnings to print; a build with errors is an `Err` instead.
    pub warnings: Diagnostics,
}

/// A build pipeline that keeps its parsed model between calls.
///
/// `Err` means the build has errors; the server then keeps serving the previous output and
/// shows the diagnostics. The builder must stay usable after an `Err`: the next call, once the
/// writer has fixed the file, succeeds.
pub trait SiteBuilder: Send + 'static {
    /// Builds everything from the files on disk.
    fn full(&mut self) -> Result<Update, Diagnostics>;

    /// Rebuilds what `changes` (one coalesced batch) affect. A builder that cannot tell may
    /// rebuild everything; correctness first, speed second.
    fn changed(&mut self, changes: &[ChangeKind]) -> Result<Update, Diagnostics>;

    /// Whether the last build left slow work for later (so its reload went out first).
    fn has_deferred(&self) -> bool {
        false
    }

    /// Does the deferred work, once no change is waiting. Its update is published without
    /// telling open pages: nothing they show changed.
    fn deferred(&mut self) -> Result<Option<Update>, Diagnostics> {
        Ok(None)
    }
}
