//! helpsite: a static site generator for self-troubleshooting support sites.

pub mod config;
pub mod diagnostics;
pub mod yaml;
pub mod serve;
