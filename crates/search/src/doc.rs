//! The input of indexing: one [`SectionDoc`] per page section.
//!
//! A page becomes one document for its lead (the text before its first h2, anchor `""`) and one
//! per h2/h3 heading, so a result can land on the heading that answers the question.

use serde::{Deserialize, Serialize};

/// One tantivy document: a page's lead (anchor `""`) or one h2/h3 section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDoc {
    /// Root-relative page URL, e.g. `/connect/senders/`.
    pub page_url: String,
    /// Heading id, `""` for the page lead.
    pub anchor: String,
    /// The page title (repeated on each section so every section matches title words).
    pub page_title: String,
    /// Heading trail down to this heading: `["Senders", "SMS limits"]`; empty for the lead.
    pub trail: Vec<String>,
    /// Plain text under the heading (no markup).
    pub body: String,
    /// Page kind: `guide`, `faq`, `policy` or `troubleshooting`.
    pub kind: String,
    /// Top-level section slug (`connect`, `faq`, `""` for the root).
    pub section: String,
    /// Page tags.
    pub tags: Vec<String>,
    /// Extra weight of the page in ranking, in thousandths: a section's score is multiplied by
    /// `1 + boost / 1000`. The generator sets it from how often staff link the page in replies
    /// (capped and mild); 0 leaves the score alone.
    #[serde(default)]
    pub boost: u16,
}
