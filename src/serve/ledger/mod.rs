//! The reply-link ledger's views in the preview: the writer report, and each page's banner with its cached figures.

pub(crate) mod banner;
pub(crate) mod figures;
pub(crate) mod report;
