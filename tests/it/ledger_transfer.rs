//! export/import: a round trip into an empty ledger reproduces it, and merging twice (or into
//! a ledger that shares rows) adds no duplicates.

use std::io::Cursor;
use std::path::Path;

use helpsite::ledger::records::{FailedSearchRecord, SearchSource};
use helpsite::ledger::urls::SiteUrls;
use helpsite::ledger::{access_log, mail, transfer};

use crate::ledger_support::{all_mail, config, ledger, manifest, site_root, with_extractor};

#[test]
fn round_trip_and_merge_without_duplicates() {
    let mut a = ledger();
    with_extractor(|ex| mail::ingest(&mut a.ledger, &all_mail(), ex)).unwrap();
    access_log::ingest(
        &mut a.ledger,
        &[site_root().join("access.log")],
        &SiteUrls::new(&config()),
        &manifest(),
    )
    .unwrap();
    let w = a.ledger.writer().unwrap();
    for (key, query, source) in [
        ("web:s1", "reset <password>", SearchSource::Box),
        ("web:s2", "reset <password>", SearchSource::Page),
    ] {
        w.insert_failed_search(&FailedSearchRecord {
            key: key.into(),
            query: query.into(),
            day: "2025-06-01".into(),
            source,
        })
        .unwrap();
    }
    w.commit().unwrap();
    let mut dump = Vec::new();
    let n = transfer::export(&a.ledger, &mut dump).unwrap();
    let counts = a.ledger.counts().unwrap();
    assert_eq!(counts.failed_searches, 2);
    assert!(
        String::from_utf8_lossy(&dump).contains(
            r#"{"type":"failed-search","key":"web:s2","query":"reset <password>","day":"2025-06-01","source":"page"}"#
        ),
        "failed searches are exported"
    );
    assert_eq!(
        n,
        counts.messages + counts.links + counts.feedback + counts.views + counts.failed_searches
    );

    let mut b = ledger();
    let s = transfer::import(
        &mut b.ledger,
        Path::new("dump.jsonl"),
        &mut Cursor::new(&dump),
    )
    .unwrap();
    assert_eq!((s.rows, s.added, s.already_known), (n, n, 0));
    assert_eq!(b.ledger.counts().unwrap(), counts);
    let mut again = Vec::new();
    transfer::export(&b.ledger, &mut again).unwrap();
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(dump.clone()).unwrap(),
        "export is stable"
    );

    let s = transfer::import(
        &mut b.ledger,
        Path::new("dump.jsonl"),
        &mut Cursor::new(&dump),
    )
    .unwrap();
    assert_eq!((s.added, s.already_known), (0, n));
    assert_eq!(b.ledger.counts().unwrap(), counts);
}

#[test]
fn bad_lines_are_named_and_nothing_is_written() {
    let mut t = ledger();
    let input = "{\"type\":\"feedback\",\"key\":\"web:1\",\"page\":\"/faq/\",\"answer\":\"yes\",\"source\":\"web\",\"received_at\":\"2025-01-01T00:00:00Z\"}\n{\"type\":\"nonsense\"}\n";
    let errs =
        transfer::import(&mut t.ledger, Path::new("x.jsonl"), &mut Cursor::new(input)).unwrap_err();
    let text = errs.to_string();
    assert!(text.starts_with("error: x.jsonl:2:"), "{text}");
    assert!(
        text.contains("hint: create the file with `helpsite feedback export --format jsonl`"),
        "{text}"
    );
    assert_eq!(t.ledger.counts().unwrap().feedback, 0);
}
