//! Shared set-up for the ledger tests: the fixture site (config + page manifest), a fresh
//! ledger in a temp dir, and the fixture mail.

use std::path::{Path, PathBuf};

use helpsite::config::Config;
use helpsite::ledger::mail::message::{Extractor, staff_matcher};
use helpsite::ledger::urls::SiteUrls;
use helpsite::ledger::{Ledger, Manifest};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn site_root() -> PathBuf {
    fixtures().join("ledger-site")
}

pub fn mail(name: &str) -> PathBuf {
    fixtures().join("mail").join(name)
}

pub fn config() -> Config {
    Config::load(&site_root()).unwrap()
}

pub fn manifest() -> Manifest {
    Manifest::load(&site_root().join("pages.json")).unwrap()
}

pub struct TestLedger {
    /// Keeps the ledger's folder alive.
    pub _dir: tempfile::TempDir,
    pub ledger: Ledger,
}

pub fn ledger() -> TestLedger {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join(".helpsite/ledger.sqlite")).unwrap();
    TestLedger { _dir: dir, ledger }
}

/// Runs `f` with an extractor for the fixture site.
pub fn with_extractor<R>(f: impl FnOnce(&Extractor<'_>) -> R) -> R {
    let config = config();
    let urls = SiteUrls::new(&config);
    let manifest = manifest();
    let ex = Extractor::new(
        staff_matcher(&config.feedback.staff_addresses).unwrap(),
        &urls,
        Some(&manifest),
    );
    f(&ex)
}

/// Every fixture mail source: mbox, Maildir, `.eml.gz` and a file that is not mail.
pub fn all_mail() -> Vec<PathBuf> {
    vec![
        mail("sent.mbox"),
        mail("maildir"),
        mail("reply.eml.gz"),
        mail("notmail.bin"),
    ]
}
