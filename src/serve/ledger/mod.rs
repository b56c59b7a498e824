//! The reply-link ledger's views in the preview: the writer report, and each page's banner with
//! its cached figures. Without the `ledger` feature, [`off`] stands in: no banner, and the
//! report's URL says why there is none.

#[cfg(feature = "ledger")]
pub(crate) mod banner;
#[cfg(feature = "ledger")]
pub(crate) mod figures;
#[cfg(not(feature = "ledger"))]
mod off;
#[cfg(feature = "ledger")]
pub(crate) mod report;

#[cfg(feature = "ledger")]
pub(crate) use figures::{FiguresCache, page_banner};
#[cfg(not(feature = "ledger"))]
pub(crate) use off::{FiguresCache, feedback_report, page_banner};
#[cfg(feature = "ledger")]
pub(crate) use report::feedback_report;
