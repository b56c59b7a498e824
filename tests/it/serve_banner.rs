//! The preview banner (issue 5): with a reply-link ledger, every page `helpsite serve` sends
//! carries that page's figures from the writer report; `helpsite build` output never does, and
//! a missing or broken ledger never breaks a page.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::{Duration, Utc};
use helpsite::ledger::Ledger;
use helpsite::ledger::records::{
    Answer, FeedbackRecord, FeedbackSource, LinkRecord, MessageKind, MessageRecord, ViewRecord,
};

use crate::serve_support::{Served, WAIT};

const LEDGER: &str = ".helpsite/ledger.sqlite";
const MAIN: &str = "<main id=\"main\" tabindex=\"-1\">";

fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Records that `page#anchor` was linked in reply `key` of conversation `conversation`.
fn link(
    ledger: &mut Ledger,
    key: &str,
    conversation: &str,
    sent_at: &str,
    page: &str,
    anchor: &str,
) {
    let w = ledger.writer().unwrap();
    w.insert_message(&MessageRecord {
        key: key.into(),
        conversation: conversation.into(),
        sent_at: sent_at.into(),
        kind: MessageKind::Staff,
    })
    .unwrap();
    w.insert_link(&LinkRecord {
        message_key: key.into(),
        page: page.into(),
        anchor: anchor.into(),
        url: page.into(),
    })
    .unwrap();
    w.commit().unwrap();
}

/// A ledger under `root` where `/guide/apple/` was linked in 3 replies (2 conversations, last
/// 2 days ago), viewed 5 times (2 from replies) and answered yes, yes, no, already-read;
/// `/guide/banana/` was linked once to an anchor it no longer has (a hostile one, to check
/// escaping); nothing is recorded for `/guide/cherry/`.
fn fill_ledger(root: &Path) -> Ledger {
    let mut ledger = Ledger::open(&root.join(LEDGER)).unwrap();
    link(
        &mut ledger,
        "m1@x",
        "c1@x",
        &days_ago(20),
        "/guide/apple/",
        "",
    );
    link(
        &mut ledger,
        "m2@x",
        "c1@x",
        &days_ago(10),
        "/guide/apple/",
        "first-heading",
    );
    link(
        &mut ledger,
        "m3@x",
        "c2@x",
        &days_ago(2),
        "/guide/apple/",
        "",
    );
    link(
        &mut ledger,
        "m4@x",
        "c3@x",
        &days_ago(3),
        "/guide/banana/",
        "<script>alert(1)</script>",
    );
    let w = ledger.writer().unwrap();
    for (i, answer) in [Answer::Yes, Answer::Yes, Answer::No, Answer::AlreadyRead]
        .into_iter()
        .enumerate()
    {
        w.insert_feedback(&FeedbackRecord {
            key: format!("web:{i}"),
            page: "/guide/apple/".into(),
            answer,
            source: FeedbackSource::Web,
            received_at: days_ago(5),
        })
        .unwrap();
    }
    for i in 0..5 {
        w.insert_view(&ViewRecord {
            key: format!("view:{i}"),
            day: days_ago(4)[..10].to_string(),
            page: "/guide/apple/".into(),
            from_reply: i < 2,
        })
        .unwrap();
    }
    w.commit().unwrap();
    ledger
}

/// The text of the banner's `<dd data-figure="name">`.
fn figure(html: &str, name: &str) -> String {
    let open = format!("<dd data-figure=\"{name}\">");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no figure `{name}` in {html}"))
        + open.len();
    html[start..start + html[start..].find("</dd>").unwrap()].to_string()
}

fn banner_count(html: &str) -> usize {
    html.matches("id=\"helpsite-banner\"").count()
}

#[test]
fn banner_shows_the_pages_figures_inside_main() {
    let site = Served::start_with("serve", |root| drop(fill_ledger(root)));
    let page = site.get("/guide/apple/");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert_eq!(banner_count(&html), 1, "{html}");
    let main = html.find(MAIN).expect("the theme's <main>") + MAIN.len();
    assert!(
        html[main..].starts_with("<link rel=\"stylesheet\" href=\"/_helpsite/banner.css\""),
        "the banner opens <main>: {}",
        &html[main..main + 200]
    );
    assert!(
        html.contains("<strong>Linked in 3 replies</strong>"),
        "{html}"
    );
    for (name, value) in [
        ("linked", "3"),
        ("conversations", "2"),
        ("last-linked", &days_ago(2)[..10]),
        ("reply-views", "2"),
        ("views", "5"),
        ("helpful", "2"),
        ("not-helpful", "1"),
        ("already-read", "1"),
    ] {
        assert_eq!(figure(&html, name), value, "{name}");
    }
    assert!(html.contains("href=\"/_helpsite/feedback\""));
    assert!(
        html.contains("Original apple text."),
        "the page itself is intact"
    );
    // The banner's assets are served, and the page still reloads live.
    assert_eq!(site.get("/_helpsite/banner.css").status, 200);
    assert_eq!(site.get("/_helpsite/banner.js").status, 200);
    assert!(html.contains("<script src=\"/_helpsite/livereload.js\""));

    // The ETag covers the figures: revalidating with it is a 304.
    let etag = page.header("etag").unwrap().to_string();
    let again = site.get_with("/guide/apple/", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);

    // Ledger text is escaped; the vanished anchor is flagged.
    let banana = site.get("/guide/banana/").text();
    assert_eq!(figure(&banana, "linked"), "1");
    assert!(banana.contains("data-flag=\"missing-anchor\""), "{banana}");
    assert!(
        banana.contains("#&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{banana}"
    );
    assert!(!banana.contains("<script>alert(1)"), "{banana}");
}

#[test]
fn page_without_records_says_never_linked_with_zeros() {
    let site = Served::start_with("serve", |root| drop(fill_ledger(root)));
    let html = site.get("/guide/cherry/").text();
    assert_eq!(banner_count(&html), 1, "{html}");
    assert!(
        html.contains("<strong>Never linked in replies</strong>"),
        "{html}"
    );
    assert_eq!(figure(&html, "last-linked"), "never");
    for name in [
        "linked",
        "conversations",
        "reply-views",
        "views",
        "helpful",
        "not-helpful",
        "already-read",
    ] {
        assert_eq!(figure(&html, name), "0", "{name}");
    }
    assert!(
        html.contains("data-flag=\"unused\">never linked and never viewed"),
        "{html}"
    );
    // Files that are not pages of the site get no banner.
    let not_found = site.get("/no/such/page/");
    assert_eq!(not_found.status, 404);
    assert_eq!(banner_count(&not_found.text()), 0);
    assert!(!site.get("/sitemap.xml").text().contains("helpsite-banner"));
}

#[test]
fn banner_follows_the_ledger_while_serving() {
    let site = Served::start_with("serve", |root| drop(fill_ledger(root)));
    let before = site.get("/guide/cherry/");
    assert_eq!(figure(&before.text(), "linked"), "0");
    let mut ledger = Ledger::open(&site.root().join(LEDGER)).unwrap();
    link(
        &mut ledger,
        "m9@x",
        "c9@x",
        &days_ago(1),
        "/guide/cherry/",
        "",
    );
    // Figures are re-read when the ledger's files change, at most every couple of seconds.
    let started = Instant::now();
    let after = loop {
        let page = site.get("/guide/cherry/");
        if figure(&page.text(), "linked") == "1" {
            break page;
        }
        assert!(started.elapsed() < WAIT, "the banner kept the old figures");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(figure(&after.text(), "last-linked"), &days_ago(1)[..10]);
    assert_ne!(before.header("etag"), after.header("etag"));
}

#[test]
fn no_ledger_means_no_banner_and_a_broken_one_a_notice() {
    let site = Served::start("serve");
    let page = site.get("/guide/apple/");
    assert_eq!(page.status, 200);
    assert_eq!(banner_count(&page.text()), 0, "{}", page.text());
    assert!(page.text().contains("Original apple text."));
    assert!(
        !site.root().join(LEDGER).exists(),
        "serving creates no ledger"
    );
    // A ledger started while serving shows up without a restart.
    drop(fill_ledger(&site.root()));
    let started = Instant::now();
    while banner_count(&site.get("/guide/apple/").text()) == 0 {
        assert!(started.elapsed() < WAIT, "the new ledger was never noticed");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let site = Served::start_with("serve", |root| {
        std::fs::create_dir_all(root.join(".helpsite")).unwrap();
        std::fs::write(
            root.join(LEDGER),
            "this is not a database, just text\n".repeat(200),
        )
        .unwrap();
    });
    let page = site.get("/guide/apple/");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Original apple text."));
    assert!(
        html.contains("class=\"helpsite-banner is-notice\""),
        "{html}"
    );
    assert!(html.contains("No ledger figures: cannot"), "{html}");
    assert!(html.contains("`.helpsite/ledger.sqlite`"), "{html}");
}

#[test]
fn build_output_never_carries_the_banner() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    crate::serve_support::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve"),
        &root,
    );
    drop(fill_ledger(&root));
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["build", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(root.join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            assert!(
                !text.contains("helpsite-banner") && !text.contains("_helpsite/banner"),
                "{}",
                entry.path().display()
            );
            pages += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(pages > 5, "the build wrote the pages ({pages})");
    // The same site and ledger, served, do carry it.
    let served = Served::start_with("serve", |root| drop(fill_ledger(root)));
    assert_eq!(banner_count(&served.get("/guide/apple/").text()), 1);
}
