//! The reply-link ledger's views in the preview: the writer report, and each page's banner with its cached figures.

pub mod banner;
pub mod figures;
pub mod report;
