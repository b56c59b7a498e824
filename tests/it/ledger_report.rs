//! The report over the fixture mail and logs: a JSON snapshot, every flag, table and HTML.

use chrono::{TimeZone, Utc};
use helpsite::ledger::records::{
    Answer, FeedbackRecord, FeedbackSource, LinkRecord, MessageKind, MessageRecord,
};
use helpsite::ledger::report::{self, Flag, Since};
use helpsite::ledger::urls::SiteUrls;
use helpsite::ledger::{access_log, mail, report_html};

use crate::ledger_support::{
    TestLedger, all_mail, config, ledger, manifest, site_root, with_extractor,
};

fn filled() -> TestLedger {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let files = [
        site_root().join("access.log"),
        site_root().join("access.log.1.gz"),
    ];
    access_log::ingest(
        &mut t.ledger,
        &files,
        &SiteUrls::new(&config()),
        &manifest(),
    )
    .unwrap();
    // Enough replies to make /connect/senders/ "linked a lot", and readers who had read it.
    let w = t.ledger.writer().unwrap();
    for i in 0..4 {
        let key = format!("extra{i}@divergent.cloud");
        w.insert_message(&MessageRecord {
            key: key.clone(),
            conversation: format!("conv{i}@example.com"),
            sent_at: format!("2025-06-0{}T10:00:00Z", i + 2),
            kind: MessageKind::Staff,
        })
        .unwrap();
        w.insert_link(&LinkRecord {
            message_key: key,
            page: "/connect/senders/".into(),
            anchor: String::new(),
            url: "/connect/senders/".into(),
        })
        .unwrap();
    }
    for (i, answer) in [Answer::AlreadyRead, Answer::No, Answer::Yes]
        .into_iter()
        .enumerate()
    {
        w.insert_feedback(&FeedbackRecord {
            key: format!("web:{i}"),
            page: "/connect/senders/".into(),
            answer,
            source: FeedbackSource::Web,
            received_at: "2025-06-10T12:00:00Z".into(),
        })
        .unwrap();
    }
    w.commit().unwrap();
    t
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
}

#[test]
fn json_report_snapshot() {
    let t = filled();
    let r = report::build(&t.ledger, &manifest(), Since::Days(120), now()).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&r).unwrap());
}

#[test]
fn flags() {
    let t = filled();
    let r = report::build(&t.ledger, &manifest(), Since::Days(120), now()).unwrap();
    let flags = |url: &str| r.pages.iter().find(|p| p.url == url).unwrap().flags.clone();
    // 7 replies, 2 "already read" answers (>= 1/4 of 7), last updated 2024-09-01.
    assert_eq!(
        flags("/connect/senders/"),
        vec![Flag::OftenAlreadyRead, Flag::Stale]
    );
    assert_eq!(flags("/identity/sso/"), vec![Flag::MissingAnchor]);
    assert_eq!(
        r.pages
            .iter()
            .find(|p| p.url == "/identity/sso/")
            .unwrap()
            .missing_anchors,
        vec!["reset".to_string()]
    );
    assert_eq!(flags("/getting-help/"), vec![Flag::Unused]);
    assert_eq!(flags("/faq/"), vec![]);
    // A short period drops the old links: nothing is "linked a lot" any more.
    let recent = report::build(&t.ledger, &manifest(), Since::Days(30), now()).unwrap();
    let senders = recent
        .pages
        .iter()
        .find(|p| p.url == "/connect/senders/")
        .unwrap();
    assert_eq!(senders.linked, 4);
    assert!(senders.flags.is_empty(), "{:?}", senders.flags);
}

#[test]
fn table_and_html() {
    let t = filled();
    let r = report::build(&t.ledger, &manifest(), Since::Days(120), now()).unwrap();
    let table = report::table(&r);
    assert!(
        table.contains(
            "/connect/senders/: often linked but often already read — the page isn't solving it"
        ),
        "{table}"
    );
    assert!(
        table.contains("/identity/sso/: linked anchor no longer exists (`#reset`)"),
        "{table}"
    );
    let html = report_html::render(&r);
    assert!(html.starts_with("<!doctype html>"));
    assert_eq!(
        html.matches("<svg ").count(),
        r.weekly.len() + 1,
        "one chart per top page plus the feedback mix"
    );
    assert!(html.contains("<rect class=\"read\""), "feedback mix drawn");
    // Self-contained: no scripts, no external resources.
    for banned in ["<script", "src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(banned), "report HTML contains `{banned}`");
    }
}

#[test]
fn link_counts_for_ranking() {
    let t = filled();
    let manifest = manifest();
    let counts =
        report::link_counts(&t.ledger, |p| manifest.current_url(p).map(str::to_string)).unwrap();
    assert_eq!(counts.get("/connect/senders/"), Some(&7));
    assert_eq!(counts.get("/faq/"), Some(&2));
    assert_eq!(counts.get("/getting-help/"), None);
}
