//! The one integration-test binary; one module per feature.

mod feedback_service;
mod feedback_widget;
mod ledger_cli;
mod ledger_guard;
mod ledger_log;
mod ledger_mail;
mod ledger_report;
mod ledger_support;
mod ledger_transfer;
