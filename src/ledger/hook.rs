//! The ledger's part in a build, one function for `helpsite build`, `check` and the preview:
//! no URL ever sent to a customer may stop resolving (the sent-links guard, [`super::guard`]),
//! and each page's staff replies go on the site for the search boost ([`super::replies`]).
//!
//! [`crate::pipeline`] runs it beside the link check through its ledger hook, so the pipeline
//! itself never learns about SQLite.

use crate::diagnostics::{Diagnostic, Severity};
use crate::links::{Resolution as Found, resolve_url};
use crate::site::Site;

use super::guard::{Resolution, check_sent_links};
use super::replies;

/// What a ledger that cannot be read means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The build stops: it cannot prove sent links still resolve (`build`, `check`).
    Fails,
    /// A warning: the preview keeps showing pages while the writer fixes the ledger.
    Warns,
}

/// Checks every sent URL against `site` and records each page's replies on it. Without a
/// ledger there is nothing to guard, and none is created.
pub fn run(site: &mut Site, unreadable: Unreadable) -> Vec<Diagnostic> {
    let demote = |d: Diagnostic| {
        match unreadable {
        Unreadable::Fails => d,
        Unreadable::Warns => Diagnostic {
            severity: Severity::Warning,
            ..d.hint("until the ledger opens, the preview checks no sent links and search ranks without the reply-link boost")
        },
    }
    };
    let ledger = match replies::open(site) {
        Ok(Some(ledger)) => ledger,
        Ok(None) => return Vec::new(),
        Err(d) => return vec![demote(d)],
    };
    let resolve = |url: &str, anchor: Option<&str>| {
        let full = match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.to_string(),
        };
        match resolve_url(site, &full) {
            Found::Page(_) => Resolution::Page,
            Found::Alias(_) => Resolution::Alias,
            Found::MissingAnchor { .. } => Resolution::MissingAnchor,
            Found::NotFound => Resolution::Missing,
        }
    };
    let mut found: Vec<_> = match check_sent_links(&ledger, resolve) {
        Ok(found) => found.into_iter().collect(),
        Err(d) => vec![demote(d)],
    };
    match replies::in_ledger(site, &ledger) {
        Ok(replies) => site.replies = replies,
        Err(d) => found.push(demote(d)),
    }
    found
}
