//! Staff replies per page of a site, from its ledger: what the search ranking's reply-link
//! boost reads (`Site::replies`, `search_index::page_boost`), for `helpsite build`,
//! `helpsite search` and the preview alike.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::links::{Resolution, resolve_url};
use crate::site::Site;

use super::Ledger;
use super::report::link_counts;

/// The site's ledger, if it has one.
pub fn open(site: &Site) -> Result<Option<Ledger>, Diagnostic> {
    let path = site.config.ledger_path(&site.root);
    if !path.exists() {
        return Ok(None);
    }
    Ledger::open(&path).map(Some)
}

/// Staff replies that linked each page of `site` (see `Site::replies`): none without a
/// ledger, or when `search.reply_boost` is 0.
pub fn per_page(site: &Site) -> Result<HashMap<String, u64>, Diagnostic> {
    match open(site)? {
        Some(ledger) => in_ledger(site, &ledger),
        None => Ok(HashMap::new()),
    }
}

/// [`per_page`] from a ledger already open.
pub fn in_ledger(site: &Site, ledger: &Ledger) -> Result<HashMap<String, u64>, Diagnostic> {
    if site.config.search.reply_boost <= 0.0 {
        return Ok(HashMap::new());
    }
    link_counts(ledger, |url| match resolve_url(site, url) {
        Resolution::Page(i) | Resolution::Alias(i) | Resolution::MissingAnchor { page: i, .. } => {
            Some(site.pages()[i].url.clone())
        }
        Resolution::NotFound => None,
    })
}
