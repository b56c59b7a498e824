//! Mail as `feedback ingest-mail` reads it: the bytes as a file (mbox when it starts with
//! `From `, gzip when it starts with the gzip magic, else one message), split, trimmed to
//! headers, structure and text (`mail::trim`), then parsed by mail-parser and searched for
//! links. Nothing may panic, and what a message keeps stays within the caps.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use helpsite::ledger::mail::message::{Extractor, Outcome, staff_matcher};
use helpsite::ledger::mail::source::{Item, MailReader};
use helpsite::ledger::mail::trim::{MAX_KEPT, PIECE, trim};
use helpsite::ledger::urls::SiteUrls;
use libfuzzer_sys::fuzz_target;

static FILE: LazyLock<PathBuf> = LazyLock::new(|| {
    let base = std::path::Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    base.join(format!("helpsite-fuzz-mail-{}", std::process::id()))
});

static URLS: LazyLock<SiteUrls> =
    LazyLock::new(|| SiteUrls::from_parts("https://support.divergent.cloud/", &[]));

fuzz_target!(|data: &[u8]| {
    let extractor = Extractor::new(
        staff_matcher(&["*@divergent.cloud".to_string()]).unwrap(),
        &URLS,
        None,
    );
    // In memory: the trimmed message keeps its hash and stays within the caps.
    let t = trim(data);
    assert_eq!(t.hash, blake3::hash(data));
    assert!(t.bytes.len() <= MAX_KEPT + 2 * PIECE, "{} bytes kept", t.bytes.len());
    check(extractor.extract(data));
    // As a file, streamed the way ingest reads it.
    std::fs::write(&*FILE, data).unwrap();
    let (reader, _) = MailReader::new(&[FILE.clone()]);
    for item in reader {
        if let Item::Message(m) = item {
            assert!(m.bytes.len() <= MAX_KEPT + 2 * PIECE);
            check(extractor.extract_trimmed(&m.bytes, &m.hash));
        }
    }
});

fn check(outcome: Outcome) {
    if let Outcome::Staff { links, .. } = outcome {
        for l in links {
            assert!(l.page.starts_with('/'), "{l:?}");
        }
    }
}
