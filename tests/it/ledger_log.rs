//! `ingest-log`: combined-format lines, `.gz`, reply views, bots, malformed lines, idempotence.

use helpsite::ledger::access_log;
use helpsite::ledger::urls::SiteUrls;

use crate::ledger_support::{config, ledger, manifest, site_root};

#[test]
fn counts_views_and_skips_the_rest() {
    let mut t = ledger();
    let urls = SiteUrls::new(&config());
    let files = [
        site_root().join("access.log"),
        site_root().join("access.log.1.gz"),
    ];
    let (s, diags) = access_log::ingest(&mut t.ledger, &files, &urls, &manifest()).unwrap();
    assert_eq!(
        (
            s.lines_read,
            s.page_views,
            s.from_reply,
            s.new_views,
            s.malformed,
            s.bots,
            s.not_a_page_load,
            s.not_a_page
        ),
        (15, 7, 3, 7, 2, 2, 2, 2),
        "{s}"
    );
    let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        vec![
            "warning: access.log:11: line is not in combined log format, skipped".replace(
                "access.log",
                &site_root().join("access.log").display().to_string()
            ),
            "warning: access.log:12: line is not in combined log format, skipped".replace(
                "access.log",
                &site_root().join("access.log").display().to_string()
            ),
        ]
    );
    let per_day: Vec<(String, String, bool, i64)> = {
        let mut stmt = t.ledger.conn().prepare("SELECT day, page, from_reply, COUNT(*) FROM views GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        per_day,
        vec![
            ("2025-05-12".into(), "/connect/senders/".into(), false, 2),
            ("2025-05-12".into(), "/connect/senders/".into(), true, 2),
            ("2025-05-13".into(), "/faq/".into(), false, 1),
            ("2025-05-14".into(), "/reserve/bookings/".into(), false, 1),
            ("2025-05-14".into(), "/reserve/bookings/".into(), true, 1),
        ]
    );

    // The same logs again (as after a rotation) add nothing.
    let (again, _) = access_log::ingest(&mut t.ledger, &files, &urls, &manifest()).unwrap();
    assert_eq!(
        (again.page_views, again.new_views, again.already_known),
        (7, 0, 7)
    );
    assert_eq!(t.ledger.counts().unwrap().views, 7);
}
