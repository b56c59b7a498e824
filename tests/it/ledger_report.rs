//! The report over the fixture mail and logs: a JSON snapshot, every flag, table and HTML, and
//! the searches with no results.

use chrono::{TimeZone, Utc};
use helpsite::ledger::records::{
    Answer, FailedSearchRecord, FeedbackRecord, FeedbackSource, LinkRecord, MessageKind,
    MessageRecord, SearchSource,
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

#[test]
fn searches_with_no_results_by_count_then_recency() {
    let mut t = ledger();
    let w = t.ledger.writer().unwrap();
    let mut n = 0;
    let mut add = |query: &str, day: &str, times: usize| {
        for _ in 0..times {
            n += 1;
            w.insert_failed_search(&FailedSearchRecord {
                key: format!("web:{n}"),
                query: query.into(),
                day: day.into(),
                source: if n % 2 == 0 {
                    SearchSource::Box
                } else {
                    SearchSource::Page
                },
            })
            .unwrap();
        }
    };
    add("vpn setup", "2025-06-01", 2);
    add("vpn setup", "2025-06-20", 1);
    add("<script>alert(1)</script>", "2025-06-05", 2);
    add("refund", "2025-06-25", 2);
    add("saml", "2025-06-29", 1);
    // Before the 30-day period: counted under "all" only.
    add("old question", "2025-04-01", 9);
    w.commit().unwrap();

    let r = report::build(&t.ledger, &manifest(), Since::Days(30), now()).unwrap();
    let got: Vec<(&str, u64, &str)> = r
        .failed_searches
        .iter()
        .map(|s| (s.query.as_str(), s.count, s.last_seen.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("vpn setup", 3, "2025-06-20"),
            // Equal counts: the more recently seen first.
            ("refund", 2, "2025-06-25"),
            ("<script>alert(1)</script>", 2, "2025-06-05"),
            ("saml", 1, "2025-06-29"),
        ]
    );
    let all = report::build(&t.ledger, &manifest(), Since::All, now()).unwrap();
    assert_eq!(
        (
            all.failed_searches[0].query.as_str(),
            all.failed_searches[0].count
        ),
        ("old question", 9)
    );

    let json: serde_json::Value = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["failed_searches"][0],
        serde_json::json!({"query": "vpn setup", "count": 3, "last_seen": "2025-06-20"})
    );

    let table = report::table(&r);
    assert!(
        table.contains("Searches with no results, since 2025-05-31:\n  3  last 2025-06-20  vpn setup\n  2  last 2025-06-25  refund\n"),
        "{table}"
    );

    let html = report_html::render(&r);
    assert!(html.contains("<h2 id=\"failed-searches\">Searches with no results</h2>"));
    assert!(
        html.contains("<tr><td><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></td><td>2</td><td>2025-06-05</td></tr>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "a query is never markup");
    let order: Vec<usize> = ["vpn setup", "refund", "&lt;script&gt;", "saml"]
        .iter()
        .map(|q| html.find(&format!("<code>{q}")).unwrap())
        .collect();
    assert!(order.is_sorted(), "HTML rows in report order: {order:?}");
}

#[test]
fn no_failed_searches_says_so() {
    let t = ledger();
    let r = report::build(&t.ledger, &manifest(), Since::Days(30), now()).unwrap();
    assert!(r.failed_searches.is_empty());
    assert!(
        report::table(&r).contains("Searches with no results, since 2025-05-31:\n  none reported")
    );
    assert!(
        report_html::render(&r)
            .contains("<p>No search without results was reported in this period.</p>")
    );
}
