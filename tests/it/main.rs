//! helpsite's integration tests: one binary, one module per feature. Each test copies a fixture
//! site from `tests/fixtures/` into a temporary folder with [`driver::SiteTest`], runs the real
//! `helpsite` binary on it, and checks files, HTML fragments (insta snapshots) and stderr.

mod browser;
mod bundled;
mod cli;
mod content;
mod driver;
mod errors;
mod feedback_service;
mod feedback_widget;
mod flows;
mod init;
mod ledger_cli;
mod ledger_guard;
mod ledger_log;
mod ledger_mail;
mod ledger_report;
mod ledger_serve;
mod ledger_support;
mod ledger_transfer;
mod markdown;
mod output;
mod reliability;
mod render;
mod search;
mod sent_links;
mod serve;
mod serve_banner;
mod serve_index;
mod serve_support;
