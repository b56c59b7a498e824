//! The search index thread: runs the builder's [`Deferred`] work (the search index of edited
//! pages, about a second at 10,000 pages) so that the rebuild thread is free for the next save
//! and its reload never waits for an index.
//!
//! One thread, fed through a mailbox that holds one job: a job handed over while another runs
//! replaces the one waiting (it was made from newer content, so the waiting one would only be
//! outdated), and a job no newer than the served index (a full build published one meanwhile)
//! is skipped when its turn comes. A running job is not interrupted (a tantivy build cannot
//! stop midway cheaply); if it finishes outdated, the publisher leaves its index out, so a stale
//! result never replaces a newer one.
//!
//! Its rayon work (indexing chunks, hashing the files) runs in a pool of its own with one
//! thread: page builds use the global pool and never queue behind index chunks, and on a
//! two-core machine the index takes at most one core from them.

use std::io;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use super::failure;
use super::live::Live;
use crate::serve::build::builder::Deferred;

pub(crate) struct Indexer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    mailbox: Mutex<Mailbox>,
    wake: Condvar,
}

#[derive(Default)]
struct Mailbox {
    next: Option<Deferred>,
    stop: bool,
}

impl Indexer {
    /// Starts the thread; it publishes into `live` and reports errors like a failed build.
    pub(crate) fn start(live: Arc<Live>, root: &Path) -> io::Result<Indexer> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "helpsite-index-pool".into())
            .build()
            .map_err(io::Error::other)?;
        let shared = Arc::new(Shared::default());
        let thread = {
            let (shared, root) = (Arc::clone(&shared), root.to_path_buf());
            std::thread::Builder::new()
                .name("helpsite-search-index".into())
                .spawn(move || run(&shared, &pool, &live, &root))?
        };
        Ok(Indexer {
            shared,
            thread: Some(thread),
        })
    }

    /// Hands over `job`, replacing any job still waiting; returns at once.
    pub(crate) fn submit(&self, job: Deferred) {
        let mut mailbox = self.shared.lock();
        mailbox.next = Some(job);
        self.shared.wake.notify_one();
    }
}

impl Drop for Indexer {
    /// Drops the waiting job and waits for the running one (the server is stopping).
    fn drop(&mut self) {
        {
            let mut mailbox = self.shared.lock();
            mailbox.stop = true;
            mailbox.next = None;
            self.shared.wake.notify_one();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Mailbox> {
        self.mailbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until a job is handed over; `None` once stopping.
    fn next(&self) -> Option<Deferred> {
        let mut mailbox = self.lock();
        loop {
            if mailbox.stop {
                return None;
            }
            if let Some(job) = mailbox.next.take() {
                return Some(job);
            }
            mailbox = self
                .wake
                .wait(mailbox)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

fn run(shared: &Shared, pool: &rayon::ThreadPool, live: &Live, root: &Path) {
    while let Some(job) = shared.next() {
        if live
            .publisher
            .index_version()
            .is_some_and(|served| job.version <= served)
        {
            continue;
        }
        let started = Instant::now();
        let work = job.work;
        match pool.install(work) {
            Ok(update) => {
                failure::print_all(&update.warnings);
                let files = update.files.len();
                let published = pool.install(|| live.publish(update));
                if published.stale_index {
                    eprintln!(
                        "left out a search index of older content ({} ms): a newer one is served",
                        started.elapsed().as_millis()
                    );
                } else {
                    eprintln!(
                        "updated {files} deferred files (search index) in {} ms",
                        started.elapsed().as_millis()
                    );
                }
            }
            Err(diagnostics) => failure::fail(live, root, diagnostics),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::time::Duration;

    use super::*;
    use crate::serve::build::builder::{IndexFiles, Update};

    const WAIT: Duration = Duration::from_secs(10);

    /// A job that says it started, waits for `gate` if given, then brings index `version`.
    fn job(version: u64, started: &Sender<u64>, gate: Option<Receiver<()>>) -> Deferred {
        let started = started.clone();
        let work = move || {
            let _ = started.send(version);
            if let Some(gate) = gate {
                let _ = gate.recv();
            }
            let path = format!("search/{version}.pack");
            Ok(Update {
                files: vec![(path.clone(), version.to_le_bytes().to_vec())],
                index: Some(IndexFiles {
                    version,
                    paths: vec![path],
                }),
                base_path: "/".into(),
                ..Update::default()
            })
        };
        Deferred {
            version,
            work: Box::new(work),
        }
    }

    fn wait_for_version(live: &Live, version: u64) {
        let deadline = Instant::now() + WAIT;
        while live.publisher.index_version() != Some(version) {
            assert!(Instant::now() < deadline, "index {version} never published");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_waiting_job_is_replaced_by_a_newer_one_and_outdated_jobs_are_skipped() {
        let live = Arc::new(Live::default());
        let indexer = Indexer::start(Arc::clone(&live), Path::new(".")).unwrap();
        let (started_tx, started) = channel();
        let (go, gate) = channel();
        indexer.submit(job(2, &started_tx, Some(gate)));
        assert_eq!(started.recv_timeout(WAIT), Ok(2));
        // While 2 runs, 3 waits and 4 replaces it.
        indexer.submit(job(3, &started_tx, None));
        indexer.submit(job(4, &started_tx, None));
        go.send(()).unwrap();
        assert_eq!(started.recv_timeout(WAIT), Ok(4));
        wait_for_version(&live, 4);
        // Content older than the served index is not indexed at all.
        indexer.submit(job(3, &started_tx, None));
        // Until the thread took it (else 5 would merely replace it in the mailbox).
        while indexer.shared.lock().next.is_some() {
            std::thread::sleep(Duration::from_millis(1));
        }
        indexer.submit(job(5, &started_tx, None));
        assert_eq!(started.recv_timeout(WAIT), Ok(5), "3 never ran");
        wait_for_version(&live, 5);
        drop(indexer);
        let site = live.site.load();
        assert!(
            site.get("search/4.pack").is_some(),
            "the index before stays"
        );
        assert!(site.get("search/5.pack").is_some());
        assert!(site.get("search/2.pack").is_none());
    }
}
