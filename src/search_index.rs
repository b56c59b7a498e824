//! Page sections into search documents through `crates/search` — filled in by the search issue
//! (3). The input is ready: every page's `body.text` (`crate::markdown::TextSection`), one
//! section per h2/h3 with its anchor, heading and heading trail.
