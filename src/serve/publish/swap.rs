//! Swapping updates into the served snapshot, from two threads.
//!
//! The rebuild thread publishes builds; the search index thread ([`super::indexer`]) publishes
//! deferred index updates. Each publication reads the snapshot, applies the update and stores
//! the result, so both do it under [`Publisher`]'s lock (requests never take it: they load the
//! snapshot lock-free). The files are hashed before the lock is taken, so the rebuild thread
//! waits at most for the other thread's swap itself, never for its index build.
//!
//! Under the same lock the publisher knows which search index is served:
//!
//! - an index is published only when it was built from newer content than the served one
//!   ([`IndexFiles::version`]): an index thread job that was still running when a full build
//!   published a newer index is left out, the rest of its update (nothing) with it;
//! - the files of the index before stay served one generation more, so a page whose search
//!   worker opened the old pack keeps reading it;
//! - a complete update without an index (a title edit renders every page again) keeps the
//!   served index instead of dropping it.

use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;

use super::snapshot::{Diff, Hashed, Snapshot};
use crate::serve::build::builder::{IndexFiles, Update};

/// The swap lock, and the served index's generations under it.
#[derive(Debug, Default)]
pub struct Publisher(Mutex<Generations>);

#[derive(Debug, Default)]
struct Generations {
    /// Content version of the served index; `None` before the first.
    version: Option<u64>,
    /// Output paths of the served index, and of the one before it (still served).
    current: Vec<String>,
    previous: Vec<String>,
}

/// What one publication changed.
#[derive(Debug)]
pub struct Published {
    pub diff: Diff,
    /// The base path of the snapshot now served.
    pub base_path: String,
    /// The update's index was older than the served one and was left out.
    pub stale_index: bool,
}

impl Publisher {
    /// Applies `update` to the snapshot in `site` and stores the result.
    pub fn publish(&self, site: &ArcSwap<Snapshot>, mut update: Update) -> Published {
        let index = update.index.take();
        let mut update = Hashed::new(update);
        let mut served = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let snapshot = site.load();
        let mut stale_index = false;
        match index {
            Some(index) if served.version.is_none_or(|v| index.version > v) => {
                let gone = served.rotate(index, update.complete);
                update.remove(gone);
            }
            index => {
                if let Some(index) = index {
                    stale_index = true;
                    update.drop_files(&index.paths);
                }
                if update.complete {
                    let served = served.current.iter().chain(&served.previous);
                    update.keep_from(&snapshot, served);
                }
            }
        }
        let (next, diff) = snapshot.apply_hashed(update);
        let base_path = next.base_path.clone();
        site.store(Arc::new(next));
        Published {
            diff,
            base_path,
            stale_index,
        }
    }

    /// The content version of the served index, if any.
    pub fn index_version(&self) -> Option<u64> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .version
    }
}

impl Generations {
    /// Records a newly published index; returns the paths to stop serving.
    fn rotate(&mut self, index: IndexFiles, complete: bool) -> Vec<String> {
        self.version = Some(index.version);
        if complete {
            // A complete update reloads every page and drops whatever it does not list.
            self.current = index.paths;
            self.previous.clear();
            return Vec::new();
        }
        let gone = std::mem::replace(
            &mut self.previous,
            std::mem::replace(&mut self.current, index.paths),
        );
        gone.into_iter()
            .filter(|p| !self.current.contains(p) && !self.previous.contains(p))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(files: &[(&str, &str)], complete: bool, index: Option<(u64, &[&str])>) -> Update {
        Update {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
            complete,
            base_path: "/".into(),
            index: index.map(|(version, paths)| IndexFiles {
                version,
                paths: paths.iter().map(|p| p.to_string()).collect(),
            }),
            ..Update::default()
        }
    }

    fn body(site: &ArcSwap<Snapshot>, path: &str) -> Option<String> {
        let s = site.load();
        s.get(path)
            .map(|e| String::from_utf8(e.body.to_vec()).unwrap())
    }

    #[test]
    fn the_index_before_stays_served_one_generation() {
        let (p, site) = (Publisher::default(), ArcSwap::default());
        p.publish(
            &site,
            update(&[("a.css", "a"), ("i1", "1")], true, Some((1, &["i1"]))),
        );
        p.publish(&site, update(&[("i2", "2")], false, Some((2, &["i2"]))));
        assert!(body(&site, "i1").is_some() && body(&site, "i2").is_some());
        let done = p.publish(&site, update(&[("i3", "3")], false, Some((3, &["i3"]))));
        assert_eq!(done.diff.paths, ["i1", "i3"]);
        assert_eq!(body(&site, "i1"), None);
        assert!(body(&site, "i2").is_some() && body(&site, "i3").is_some());
        assert_eq!(p.index_version(), Some(3));
    }

    #[test]
    fn an_index_from_older_content_never_replaces_a_newer_one() {
        let (p, site) = (Publisher::default(), ArcSwap::default());
        p.publish(&site, update(&[("i5", "new")], true, Some((5, &["i5"]))));
        let done = p.publish(&site, update(&[("i4", "old")], false, Some((4, &["i4"]))));
        assert!(done.stale_index);
        assert!(done.diff.paths.is_empty());
        assert_eq!(body(&site, "i4"), None);
        assert_eq!(body(&site, "i5").as_deref(), Some("new"));
        assert_eq!(p.index_version(), Some(5));
        // The same version again is not newer either.
        assert!(
            p.publish(&site, update(&[("x", "x")], false, Some((5, &["x"]))))
                .stale_index
        );
    }

    #[test]
    fn a_complete_update_without_an_index_keeps_the_served_one() {
        let (p, site) = (Publisher::default(), ArcSwap::default());
        p.publish(
            &site,
            update(&[("a.html", "a"), ("i1", "1")], true, Some((1, &["i1"]))),
        );
        p.publish(&site, update(&[("i2", "2")], false, Some((2, &["i2"]))));
        // Every page rendered again (a title edit): no index in it.
        let done = p.publish(&site, update(&[("a.html", "b")], true, None));
        assert_eq!(done.diff.paths, ["a.html"]);
        assert_eq!(body(&site, "i1").as_deref(), Some("1"));
        assert_eq!(body(&site, "i2").as_deref(), Some("2"));
        // A stale index in a complete update is left out; the served one stays.
        let done = p.publish(
            &site,
            update(&[("a.html", "b"), ("i0", "0")], true, Some((1, &["i0"]))),
        );
        assert!(done.stale_index);
        assert_eq!(body(&site, "i0"), None);
        assert_eq!(body(&site, "i2").as_deref(), Some("2"));
        // A full build with search off: an empty index, nothing kept.
        p.publish(&site, update(&[("a.html", "b")], true, Some((3, &[]))));
        assert_eq!(body(&site, "i2"), None);
        p.publish(&site, update(&[("a.html", "c")], true, None));
        assert_eq!(body(&site, "i2"), None);
    }
}
