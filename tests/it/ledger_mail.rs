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

/// A staff reply linking the FAQ, with an attachment of `attachment` bytes (base64 lines).
fn reply_with_attachment(id: &str, attachment: usize) -> Vec<u8> {
    let mut m = format!("From: Sam <sam@divergent.cloud>\r\nTo: c@example.com\r\nSubject: Re: logs\r\nDate: Mon, 12 May 2025 09:00:00 +0000\r\nMessage-ID: <{id}@divergent.cloud>\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee https://support.divergent.cloud/faq/#can-i-pay-by-invoice\r\n--b1\r\nContent-Type: application/zip; name=logs.zip\r\nContent-Disposition: attachment; filename=logs.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n").into_bytes();
    let line = [b"QUJD".repeat(19), b"\r\n".to_vec()].concat();
    for _ in 0..attachment / line.len() {
        m.extend_from_slice(&line);
    }
    m.extend_from_slice(b"--b1--\r\n");
    m
}

fn read(path: &std::path::Path) -> Vec<helpsite::ledger::mail::source::RawMessage> {
    let (reader, problems) = helpsite::ledger::mail::source::MailReader::new(&[path.to_path_buf()]);
    assert!(problems.is_empty());
    reader
        .map(|i| match i {
            helpsite::ledger::mail::source::Item::Message(m) => m,
            helpsite::ledger::mail::source::Item::Unreadable(d) => panic!("{d}"),
        })
        .collect()
}

#[test]
fn attachments_are_not_held_in_memory_and_links_still_count() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("big.mbox");
    let mut data = Vec::new();
    for i in 0..3 {
        data.extend_from_slice(b"From MAILER-DAEMON Mon May 12 09:00:00 2025\n");
        data.extend_from_slice(&reply_with_attachment(&format!("big{i}"), 4 << 20));
        data.extend_from_slice(b"\n");
    }
    std::fs::write(&mbox, &data).unwrap();
    drop(data);
    let msgs = read(&mbox);
    assert_eq!(msgs.len(), 3);
    for m in &msgs {
        assert!(m.bytes.len() < 4096, "{} bytes held", m.bytes.len());
    }
    let mut t = ledger();
    let (summary, diags) = with_extractor(|ex| mail::ingest(&mut t.ledger, &[mbox], ex)).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!((summary.from_staff, summary.new_links), (3, 3), "{summary}");
}

#[test]
fn a_gzip_bomb_is_read_in_bounded_pieces() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    // 24 MiB of one text line with no line break, behind a link: gzip makes it ~25 KiB.
    let path = dir.path().join("bomb.eml.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(b"From: Sam <sam@divergent.cloud>\nSubject: Re: x\nDate: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <bomb@divergent.cloud>\n\nSee https://support.divergent.cloud/faq/ and ")
        .unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..24 {
        gz.write_all(&chunk).unwrap();
    }
    gz.finish().unwrap();
    let msgs = read(&path);
    assert_eq!(msgs.len(), 1);
    assert!(
        msgs[0].bytes.len() <= (1 << 20) + 4096,
        "{} bytes held",
        msgs[0].bytes.len()
    );
    let mut t = ledger();
    let (summary, _) = with_extractor(|ex| mail::ingest(&mut t.ledger, &[path], ex)).unwrap();
    assert_eq!((summary.from_staff, summary.new_links), (1, 1), "{summary}");
}
