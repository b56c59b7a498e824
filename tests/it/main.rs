//! helpsite's integration tests: one binary, one module per feature. Each test copies a fixture
//! site from `tests/fixtures/` into a temporary folder with [`driver::SiteTest`], runs the real
//! `helpsite` binary on it, and checks files, HTML fragments (insta snapshots) and stderr.

mod bundled;
mod cli;
mod content;
mod driver;
mod errors;
mod markdown;
mod output;
mod render;
mod search;
