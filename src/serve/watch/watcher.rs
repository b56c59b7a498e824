//! Watching the site's inputs with notify and cutting the event stream into debounced batches.
//!
//! The root is watched on its own (not recursively) so `site.yaml` survives rename-and-replace
//! saves, which a watch on the file's inode would not, and so input folders created later
//! (`static/`, `templates/`) are picked up. Each input folder gets a recursive watch.
//!
//! Debouncing: a batch ends after a short quiet window. One editor save is a handful of events
//! within a millisecond or two, so the window is kept short for speed; once a batch turns out
//! to be a burst (`git checkout`, a search-and-replace over many files) the window widens so the
//! whole burst becomes one rebuild.
//!
//! A quiet window alone cannot tell a finished write from a writer that was descheduled between
//! truncating a file and writing it (seen on a loaded machine: the build read an empty page).
//! Where the platform reports closes (inotify), a batch also waits until every input file that
//! was modified has been closed again, up to `OPEN_WRITE_LIMIT`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use super::change::{self, ChangeKind};

/// Folders under the root whose contents are inputs.
pub(crate) const INPUT_DIRS: [&str; 4] = ["content", "templates", "themes", "static"];

/// Quiet time that ends a batch of a few events (an editor save).
const QUIET: Duration = Duration::from_millis(10);
/// Quiet time once a batch holds more than [`BURST_EVENTS`] events.
const BURST_QUIET: Duration = Duration::from_millis(100);
const BURST_EVENTS: usize = 64;
/// The longest a batch waits for a modified file to be closed (an editor may keep it open).
const OPEN_WRITE_LIMIT: Duration = Duration::from_millis(500);
/// A batch is cut after this long even if events keep coming, so a file written in a loop
/// cannot starve the rebuild.
const MAX_BATCH: Duration = Duration::from_secs(2);
/// How often a blocked wait looks at the stop flag.
const POLL: Duration = Duration::from_millis(100);

pub(crate) struct Watcher {
    inner: RecommendedWatcher,
    rx: Receiver<notify::Result<Event>>,
    root: PathBuf,
    /// Input files modified and not closed since.
    open_writes: HashSet<PathBuf>,
    /// The platform reports closes after writing; without them `open_writes` means nothing.
    sees_closes: bool,
}

impl Watcher {
    /// Starts watching `root` (which should be canonical: events carry paths under it).
    pub(crate) fn start(root: &Path) -> notify::Result<Watcher> {
        let (tx, rx) = channel();
        let mut inner = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the server stops.
            let _ = tx.send(event);
        })?;
        inner.watch(root, RecursiveMode::NonRecursive)?;
        for dir in INPUT_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                inner.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(Watcher {
            inner,
            rx,
            root: root.to_path_buf(),
            open_writes: HashSet::new(),
            sees_closes: false,
        })
    }

    /// Blocks until events arrive, then collects until the quiet window passes with no input
    /// file left half-written. `None` once `stop` is set; an empty batch when `idle` passes
    /// with no event.
    pub(crate) fn next_batch(
        &mut self,
        stop: &AtomicBool,
        idle: Option<Duration>,
    ) -> Option<Vec<Event>> {
        let waiting = Instant::now();
        let first = loop {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if idle.is_some_and(|idle| waiting.elapsed() >= idle) {
                return Some(Vec::new());
            }
            let poll = idle.map_or(POLL, |idle| POLL.min(idle));
            match self.rx.recv_timeout(poll) {
                Ok(event) => break event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        };
        let started = Instant::now();
        let mut batch = Vec::new();
        self.take(first, &mut batch);
        loop {
            let quiet = if batch.len() > BURST_EVENTS {
                BURST_QUIET
            } else {
                QUIET
            };
            match self.rx.recv_timeout(quiet) {
                Ok(event) => self.take(event, &mut batch),
                Err(RecvTimeoutError::Timeout)
                    if self.writing() && started.elapsed() < OPEN_WRITE_LIMIT => {}
                Err(_) => break,
            }
            if started.elapsed() > MAX_BATCH {
                break;
            }
        }
        self.open_writes.clear();
        Some(batch)
    }

    /// Whether an input file is still being written.
    fn writing(&self) -> bool {
        self.sees_closes && !self.open_writes.is_empty()
    }

    fn take(&mut self, event: notify::Result<Event>, batch: &mut Vec<Event>) {
        match event {
            Ok(event) => {
                self.watch_new_input_dir(&event);
                self.track_writes(&event);
                batch.push(event);
            }
            Err(err) => eprintln!("warning: file watching: {err}"),
        }
    }

    /// Follows which input files are open for writing. Ignored files (vim keeps its `.swp`
    /// open and writes it all the time) do not count.
    fn track_writes(&mut self, event: &Event) {
        let kinds = change::classify(&self.root, event);
        let inputs = event
            .paths
            .iter()
            .zip(kinds)
            .filter(|(_, k)| *k != ChangeKind::Ignore);
        for (path, _) in inputs {
            match event.kind {
                EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
                    self.open_writes.insert(path.clone());
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                    self.sees_closes = true;
                    self.open_writes.remove(path);
                }
                EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_)) => {
                    self.open_writes.remove(path);
                }
                _ => {}
            }
        }
    }

    /// An input folder created after start (`mkdir static`) gets its recursive watch.
    fn watch_new_input_dir(&mut self, event: &Event) {
        if !matches!(
            event.kind,
            EventKind::Create(CreateKind::Folder) | EventKind::Create(CreateKind::Any)
        ) {
            return;
        }
        for path in &event.paths {
            let is_input = path.parent() == Some(&self.root)
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| INPUT_DIRS.contains(&n));
            if is_input
                && path.is_dir()
                && let Err(err) = self.inner.watch(path, RecursiveMode::Recursive)
            {
                eprintln!("warning: cannot watch `{}`: {err}", path.display());
            }
        }
    }
}
