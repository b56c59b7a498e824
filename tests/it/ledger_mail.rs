//! `ingest-mail` over the generated fixtures: exact counts, what counts as a link, quoting,
//! conversations, skipped messages with positions, and idempotent re-ingest.

use std::collections::BTreeSet;

use helpsite::ledger::db::Counts;
use helpsite::ledger::mail;

use crate::ledger_support::{all_mail, ledger, with_extractor};

fn links(l: &helpsite::ledger::Ledger) -> BTreeSet<(String, String, String)> {
    let mut stmt = l
        .conn()
        .prepare("SELECT message_key, page, anchor FROM links")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn fixtures_ingest_with_exact_counts() {
    let mut t = ledger();
    let (summary, diags) =
        with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    assert_eq!(summary.messages_read, 14, "{summary}");
    assert_eq!(summary.from_staff, 8, "{summary}");
    assert_eq!(summary.feedback, 1, "{summary}");
    assert_eq!(summary.links_found, 9, "{summary}");
    assert_eq!(
        (
            summary.new_messages,
            summary.new_links,
            summary.new_feedback,
            summary.already_known
        ),
        (9, 9, 1, 0)
    );
    let skipped: Vec<(&str, u64)> = summary
        .skipped
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("no valid `Date` header", 1),
            ("not a mail message (no header fields)", 1),
            ("truncated (a MIME boundary is never closed)", 1)
        ]
    );
    assert_eq!(
        t.ledger.counts().unwrap(),
        Counts {
            messages: 9,
            links: 9,
            feedback: 1,
            views: 0,
            failed_searches: 0,
        }
    );

    // Skipped messages are reported with file and position.
    let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(
        text.iter()
            .any(|d| d.contains("sent.mbox: message 9 at byte ")
                && d.contains("no valid `Date` header")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|d| d.contains("sent.mbox: message 10 at byte ") && d.contains("truncated")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|d| d.contains("notmail.bin: message skipped: not a mail message")),
        "{text:#?}"
    );

    let got = links(&t.ledger);
    let hashed = got
        .iter()
        .find(|(k, _, _)| k.starts_with("sha:"))
        .map(|l| l.0.clone())
        .expect("message without Message-ID is keyed by hash");
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    let expected: BTreeSet<_> = [
        // QP soft breaks and =3D inside the URL; the repeated link counts once.
        s("s1@divergent.cloud", "/connect/senders/", "verify-a-sender"),
        // base64 HTML + text: index.html and tracking dropped; the alias resolves.
        s("s2@divergent.cloud", "/reserve/bookings/", ""),
        s("s2@divergent.cloud", "/connect/senders/", ""),
        // ISO-8859-1; the anchor the page lost is kept as sent.
        s("s3@divergent.cloud", "/identity/sso/", "reset"),
        s("s5@divergent.cloud", "/connect/senders/", "verify-a-sender"),
        s("s7@divergent.cloud", "/faq/", "can-i-pay-by-invoice"),
        s(&hashed, "/faq/", ""),
        s("md1@divergent.cloud", "/identity/sso/", "configure"),
        s("e1@divergent.cloud", "/reserve/bookings/", "cancel"),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, expected);
}

#[test]
fn quoted_forwarded_and_customer_links_do_not_count() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let got = links(&t.ledger);
    // s1 quotes /faq/ and an "On … wrote:" history with /identity/sso/; s2's Gmail quote has
    // /faq/; s3's Outlook history has /faq/#…; s5's Outlook HTML history and s7's forward
    // have /reserve/bookings/.
    for (key, page) in [
        ("s1@divergent.cloud", "/faq/"),
        ("s1@divergent.cloud", "/identity/sso/"),
        ("s2@divergent.cloud", "/faq/"),
        ("s3@divergent.cloud", "/faq/"),
        ("s5@divergent.cloud", "/reserve/bookings/"),
        ("s7@divergent.cloud", "/reserve/bookings/"),
    ] {
        assert!(
            !got.iter().any(|(k, p, _)| k == key && p == page),
            "{key} {page} counted from a quote"
        );
    }
    // The customer's message quoting a staff link is not staff mail.
    assert!(!got.iter().any(|(k, _, _)| k.contains("example.com")));
}

#[test]
fn conversations_follow_references_then_subject() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let conv = |key: &str| -> String {
        t.ledger
            .conn()
            .query_row(
                "SELECT conversation FROM messages WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(conv("s1@divergent.cloud"), "c1@example.com");
    assert_eq!(
        conv("s5@divergent.cloud"),
        "c1@example.com",
        "reply to a reply joins its thread"
    );
    let hashed: String = t
        .ledger
        .conn()
        .query_row(
            "SELECT conversation FROM messages WHERE key LIKE 'sha:%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashed, "subject:invoice question");
    let sent: String = t
        .ledger
        .conn()
        .query_row(
            "SELECT sent_at FROM messages WHERE key = 's3@divergent.cloud'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sent, "2025-04-23T06:00:00Z");
}

#[test]
fn reingest_adds_nothing() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let before = t.ledger.counts().unwrap();
    let (again, _) = with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    assert_eq!(t.ledger.counts().unwrap(), before);
    assert_eq!(
        (again.new_messages, again.new_links, again.new_feedback),
        (0, 0, 0)
    );
    assert_eq!(again.already_known, 9);
    assert_eq!(again.links_found, 9);
}

#[test]
fn docs_feedback_mail_is_recorded() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let row: (String, String, String, String) = t
        .ledger
        .conn()
        .query_row("SELECT key, page, answer, source FROM feedback", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(
        row,
        (
            "mail:fb1@example.net".into(),
            "/connect/senders/".into(),
            "already-read".into(),
            "mail".into()
        )
    );
}
