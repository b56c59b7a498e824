//! The preview's search index while the writer keeps saving: index updates run beside the page
//! builds, never in front of a reload, and the index ends up with the newest text.
//!
//! The tests hold each index update at a gate ([`Gated`], a builder wrapped around the
//! preview's own), so "a save while the index is being rebuilt" is a fact the test arranges,
//! not a race it hopes to win.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helpsite::diagnostics::Diagnostics;
use helpsite::serve::Incremental;
use helpsite::serve::{ChangeKind, Deferred, SiteBuilder, Update};

use crate::serve_support::{Served, WAIT};

const APPLE: &str = "content/guide/apple.md";

/// The preview's builder, except that each deferred job (an index update) first says it
/// started, with its content version, then waits for the test's go.
struct Gated {
    inner: Incremental,
    started: Sender<u64>,
    go: Arc<Mutex<Receiver<()>>>,
}

impl SiteBuilder for Gated {
    fn full(&mut self) -> Result<Update, Diagnostics> {
        self.inner.full()
    }

    fn changed(&mut self, changes: &[ChangeKind]) -> Result<Update, Diagnostics> {
        self.inner.changed(changes)
    }

    fn has_deferred(&self) -> bool {
        self.inner.has_deferred()
    }

    fn deferred(&mut self) -> Option<Deferred> {
        let Deferred { version, work } = self.inner.deferred()?;
        let (started, go) = (self.started.clone(), Arc::clone(&self.go));
        let work = move || {
            let _ = started.send(version);
            // Once the test dropped its sender (done, or failed) every update goes through.
            let _ = go.lock().unwrap().recv();
            work()
        };
        Some(Deferred {
            version,
            work: Box::new(work),
        })
    }
}

/// A served fixture whose index updates wait at the gate. Fields drop in order: the gate opens
/// before the server stops, so a failing test never leaves an update waiting.
struct GatedSite {
    go: Option<Sender<()>>,
    started: Receiver<u64>,
    site: Served,
}

impl GatedSite {
    fn start(fixture: &str) -> GatedSite {
        let (started_tx, started) = channel();
        let (go, go_rx) = channel();
        let go_rx = Arc::new(Mutex::new(go_rx));
        let site = Served::start_wrapped(fixture, move |inner| {
            Box::new(Gated {
                inner,
                started: started_tx,
                go: go_rx,
            })
        });
        GatedSite {
            go: Some(go),
            started,
            site,
        }
    }

    /// Waits until an index update is running (held at the gate); returns its content version.
    fn index_update_running(&self) -> u64 {
        self.started
            .recv_timeout(WAIT)
            .expect("no search index update started")
    }

    /// Lets the update at the gate (or the next one to arrive) go on.
    fn let_one_through(&self) {
        self.go.as_ref().unwrap().send(()).unwrap();
    }

    /// Lets every update through from now on.
    fn open(&mut self) {
        self.go = None;
    }

    /// The URLs of the pages `/api/search` finds for `word`.
    fn search(&self, word: &str) -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_slice(&self.site.get(&format!("/api/search?q={word}")).body).unwrap();
        json["pages"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["url"].as_str().unwrap().to_string())
            .collect()
    }

    fn finds(&self, word: &str, url: &str) -> bool {
        self.search(word).iter().any(|u| u == url)
    }

    /// Polls `/api/search` until it finds `url` for `word`.
    fn wait_until_found(&self, word: &str, url: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.finds(word, url) {
            assert!(
                Instant::now() < deadline,
                "`{word}` never reached the index"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn a_save_during_an_index_update_reloads_at_once_and_the_index_ends_with_the_newest_text() {
    let mut s = GatedSite::start("serve");
    let mut events = s.site.events();
    s.site
        .edit(APPLE, "Original apple text.", "First zeppelinword text.");
    events.wait_for_reload_of("/guide/apple/");
    let first = s.index_update_running();

    // The index update of the first save is in progress (held): the second save's reload
    // must not wait for it.
    s.site
        .edit(APPLE, "First zeppelinword text.", "Second quasarword text.");
    events.wait_for_reload_of("/guide/apple/");
    assert!(
        s.site
            .get("/guide/apple/")
            .text()
            .contains("Second quasarword text.")
    );
    assert!(
        !s.finds("zeppelinword", "/guide/apple/") && !s.finds("quasarword", "/guide/apple/"),
        "the reload came while the index update was still held"
    );

    // The second save's update waits for the first, then supersedes it.
    s.let_one_through();
    let second = s.index_update_running();
    assert!(second > first, "{second} > {first}");
    s.open();
    s.wait_until_found("quasarword", "/guide/apple/");
    assert!(
        !s.finds("zeppelinword", "/guide/apple/"),
        "the newest text replaced the first"
    );
}

#[test]
fn an_index_update_outdated_by_a_full_rebuild_is_left_out() {
    let mut s = GatedSite::start("serve");
    let mut events = s.site.events();
    s.site
        .edit(APPLE, "Original apple text.", "First zeppelinword text.");
    events.wait_for_reload_of("/guide/apple/");
    s.index_update_running();

    // A new page is a full rebuild, index included, while the update above is held: it is
    // built from older content (no new page) and must not replace the full build's index.
    s.site.write(
        "content/guide/date.md",
        "---\ntitle: Date page\nweight: 4\n---\nA datewordx here.\n",
    );
    events.wait_for_reload_of("/guide/date/");
    assert!(
        s.finds("datewordx", "/guide/date/"),
        "the full build's index"
    );
    assert!(s.finds("zeppelinword", "/guide/apple/"));
    s.let_one_through();

    // Updates run one after another: once the next one started, the held one is done.
    s.site.edit(
        "content/guide/banana.md",
        "Banana text that",
        "Banana kiwiword text that",
    );
    events.wait_for_reload_of("/guide/banana/");
    s.index_update_running();
    assert!(
        s.finds("datewordx", "/guide/date/"),
        "the outdated index was published over the full build's"
    );
    s.open();
    s.wait_until_found("kiwiword", "/guide/banana/");
    assert!(s.finds("datewordx", "/guide/date/"));
}

#[test]
fn a_title_edit_keeps_the_search_index_served_until_the_new_one() {
    let s = GatedSite::start("serve");
    let mut events = s.site.events();
    s.site
        .edit(APPLE, "title: Apple page", "title: Apricot page");
    events.wait_for_reload_of("/guide/apple/");
    assert!(
        s.site.get("/guide/banana/").text().contains("Apricot page"),
        "every page shows the new title in its navigation"
    );
    // The index update is held: what answers is the index from before the edit.
    s.index_update_running();
    let response = s.site.get("/api/search?q=aple");
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(s.finds("aple", "/guide/apple/"));
    s.let_one_through();
    s.wait_until_found("apricot", "/guide/apple/");
}
