//! `ledger` in a helpsite built without the `ledger` feature (`cargo build
//! --no-default-features`): no SQLite, no mail parsing, no feedback service. What the build,
//! the preview and `helpsite search` ask of the ledger is answered here: no sent link is
//! checked and no reply is counted, and a site that has a ledger file is told so in a warning,
//! so a skipped guard never passes for a passed one.

use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// The ledger's part in a build ([`crate::pipeline::checks::LedgerHook`]), without a ledger.
pub mod hook {
    use super::*;

    /// What a ledger that cannot be read means (the same choice as with the feature; here
    /// every ledger is one that cannot be read).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Unreadable {
        Fails,
        Warns,
    }

    /// Checks nothing: warns when `site.yaml`'s ledger file exists, since its sent links go
    /// unchecked and search ranks without the reply-link boost.
    pub fn run(site: &mut Site, _unreadable: Unreadable) -> Vec<Diagnostic> {
        let path = site.config.ledger_path(&site.root);
        if !path.exists() {
            return Vec::new();
        }
        let rel = path.strip_prefix(&site.root).unwrap_or(&path);
        vec![
            Diagnostic::warning(
                "this helpsite was built without the `ledger` feature: the links sent to customers are not checked",
            )
            .at(rel)
            .hint("search ranks without the reply-link boost too; use a helpsite built with the default features to check them"),
        ]
    }
}

/// Staff replies per page, for the search boost: none without the ledger.
pub mod replies {
    use std::collections::HashMap;

    use super::*;

    /// No replies are known without the ledger.
    pub fn per_page(_site: &Site) -> Result<HashMap<String, u64>, Diagnostic> {
        Ok(HashMap::new())
    }
}
