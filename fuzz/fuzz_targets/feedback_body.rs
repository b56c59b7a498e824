//! The feedback endpoint's body parser (`helpsite feedback serve`): any body gets a row or a
//! 4xx, never a panic; a stored row names a page of the site, and a stored search is normalised
//! and never looks like personal data.

#![no_main]

use helpsite::ledger::submission::{Accepted, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse(data, &|p| p == "/faq/" || p == "/connect/senders/", || {
        "key".to_string()
    }) {
        Ok(Accepted::Feedback(row)) => {
            assert!(row.page == "/faq/" || row.page == "/connect/senders/");
            assert_eq!(row.key, "web:key");
        }
        Ok(Accepted::FailedSearch(row)) => {
            let q = &row.query;
            assert!(!q.is_empty() && q.chars().count() <= 100, "{q:?}");
            assert_eq!(q, &q.split_whitespace().collect::<Vec<_>>().join(" "));
            assert_eq!(q, &q.to_lowercase(), "{q:?}");
            assert!(!q.contains('@'), "{q:?}");
            let mut run = 0;
            for c in q.chars() {
                run = if c.is_ascii_digit() { run + 1 } else { 0 };
                assert!(run < 6, "{q:?}");
            }
        }
        Ok(Accepted::Dropped) => {}
        Err(refused) => {
            assert!(refused.status.is_client_error(), "{refused:?}");
            assert!(!refused.message.is_empty());
        }
    }
});
