//! Troubleshooting flows: decision trees carried in a `kind: troubleshooting` page's front matter.
//!
//! This issue (2) only parses them ([`model`]); checking that answers lead somewhere, that every
//! step is reachable and that there are no cycles is issue 6.

pub mod model;
