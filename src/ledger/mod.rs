//! The reply-link ledger: which doc pages support staff send in their replies, what readers say
//! about pages, how often pages are viewed and what readers searched for in vain — and the
//! tools writers use on it.
//!
//! Everything lives in one SQLite file (`feedback.ledger` in `site.yaml`) so it can be copied,
//! backed up and merged between machines. The submodules, in data-flow order:
//!
//! 1. [`manifest`] reads the page list the build writes (`public/_helpsite/pages.json`).
//! 2. [`urls`] decides whether a URL points at this site and normalises it to a page + anchor.
//! 3. [`mail`] reads mbox / Maildir / `.eml` (also `.gz`), drops quoted text and finds links and
//!    reader feedback sent by email.
//! 4. [`access_log`] counts page views from web server logs.
//! 5. [`db`] owns the schema, migrations and every write; [`transfer`] exports and imports JSONL.
//! 6. [`report`] turns the ledger into per-page figures and flags; [`report_html`] draws them.
//! 7. [`guard`] tells the build which URLs ever sent to a customer no longer resolve.
//! 8. [`service`] is the HTTP endpoint the theme's feedback widget posts to, and where the
//!    search box reports searches with no results ([`failed_search`] says what may be kept,
//!    [`submission`] parses a body); [`connections`] takes its connections within limits.
//!
//! Nothing outside this module knows SQLite, and this module knows nothing of rendering: the
//! build talks to it through [`guard::check_sent_links`] and the page manifest only.
//!
//! Compiled with the `ledger` feature only (on by default; `src/ledger_off.rs` stands in
//! without it). `helpsite feedback`, which drives it from the command line, is the binary's
//! (`src/feedback.rs`, `src/cli/feedback.rs`).

// `Diagnostic` is the house error type and is returned by value throughout (as in
// `config.rs`); boxing it here alone would make this module the odd one out.
#![allow(clippy::result_large_err)]

pub mod access_log;
pub mod connections;
pub mod db;
pub mod failed_search;
pub mod guard;
pub mod hook;
pub mod mail;
pub mod manifest;
pub mod records;
pub mod replies;
pub mod report;
pub mod report_html;
pub mod service;
pub mod submission;
pub mod transfer;
pub mod urls;

pub use db::Ledger;
pub use guard::{Resolution, check_sent_links};
pub use manifest::Manifest;
