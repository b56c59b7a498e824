//! helpsite: a static site generator for self-troubleshooting support sites.
//!
//! The pipeline, in data-flow order: [`config`] → [`content`] (with [`markdown`] and
//! [`highlight`]) → [`site`] → [`links`] → [`render`] → [`output`]; [`pipeline`] runs it.
//! See `ARCHITECTURE.md`.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod flows;
pub mod highlight;
#[cfg(feature = "ledger")]
pub mod ledger;
#[cfg(not(feature = "ledger"))]
#[path = "ledger_off.rs"]
pub mod ledger;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search_index;
pub mod serve;
pub mod site;
pub mod urls;
pub mod yaml;
