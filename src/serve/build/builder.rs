//! The narrow seam between the preview server and the build pipeline.
//!
//! The server knows nothing of pages or templates: it asks a [`SiteBuilder`] for a full build
//! once, then for an incremental one per batch of changes, and serves the bytes it gets back.
//! Keeping the seam this small lets the HTTP, live-reload and watcher parts be tested with a
//! fake builder, and keeps `content`, `markdown` and `render` free of anything serve-specific.
//!
//! Slow work a build can leave for later (the search index of edited pages) crosses the seam
//! as a [`Deferred`] job: a closure over a snapshot of what it needs, so it runs on the search
//! index thread while the builder takes the next change.

use crate::diagnostics::Diagnostics;

use crate::serve::watch::change::ChangeKind;

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
    /// Set when this update brings a search index (or says the site has none): the server
    /// publishes only the newest index and keeps the one before it served a while.
    pub index: Option<IndexFiles>,
}

/// The search index an [`Update`] brings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexFiles {
    /// Which content the index was built from: each content change gets a higher number, so
    /// an index built from older content than the one served is never published over it.
    pub version: u64,
    /// Its output paths among the update's files (manifest, hot file, pack); empty when the
    /// site has search turned off.
    pub paths: Vec<String>,
}

/// Deferred work, ready to run on another thread: it owns (shares) everything it reads, so the
/// builder can take the next change meanwhile.
pub struct Deferred {
    /// The content version the work's update will carry (see [`IndexFiles::version`]); work
    /// already outdated when its turn comes is skipped.
    pub version: u64,
    pub work: Box<dyn FnOnce() -> Result<Update, Diagnostics> + Send>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
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

    /// Hands over the deferred work, once no change is waiting; it must return at once (the
    /// work runs later, on the search index thread). Its update is published without telling
    /// open pages: nothing they show changed.
    fn deferred(&mut self) -> Option<Deferred> {
        None
    }
}
