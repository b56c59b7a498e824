//! The question ([`Query`]) and the answer ([`Results`]) of a search.
//!
//! The JSON of [`Results`] is the one shape every front end sees: the browser worker,
//! `helpsite search --json` and the preview server's `/api/search`.

use serde::{Deserialize, Serialize};

/// What the user asked for. Missing JSON fields take their defaults (limit 10, no filters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// The text as typed; parsed by this crate (no tantivy query syntax reaches tantivy).
    pub text: String,
    /// Maximum number of pages returned.
    pub limit: usize,
    /// Only sections of this top-level section slug.
    pub section: Option<String>,
    /// Only pages of this kind (`guide`, `faq`, `policy`, `troubleshooting`).
    pub kind: Option<String>,
}

impl Query {
    /// A query for `text` with the default limit (10) and no filters.
    pub fn new(text: impl Into<String>) -> Self {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            limit: 10,
            section: None,
            kind: None,
        }
    }
}

/// Results grouped by page, best page first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The query text as received.
    pub query: String,
    /// How many pages match in all (`pages` holds at most `limit` of them).
    pub total: usize,
    /// The best pages.
    pub pages: Vec<PageHit>,
}

/// One page in the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageHit {
    /// Root-relative page URL.
    pub url: String,
    /// Page title (plain text; escape it when rendering).
    pub title: String,
    /// Page kind.
    pub kind: String,
    /// Top-level section slug.
    pub section: String,
    /// The best section score of the page.
    pub score: f32,
    /// The lead's snippet when the lead matched, else the best section's: HTML, every character
    /// escaped except the `<mark>` tags around matched words.
    pub snippet: String,
    /// Up to 3 matching headings of the page, best first (the lead is never one of them).
    pub sub: Vec<SubHit>,
}

/// One matching heading inside a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubHit {
    /// The heading id.
    pub anchor: String,
    /// `page_url#anchor`.
    pub url: String,
    /// Heading trail down to this heading (plain text).
    pub trail: Vec<String>,
    /// HTML, every character escaped except the `<mark>` tags around matched words.
    pub snippet: String,
    /// The section's score.
    pub score: f32,
}

/// One step of a search on an engine whose pack the caller fetches
/// ([`crate::Engine::open_deferred`]). In JSON: `{"results": Results}` or
/// `{"need": [[start, end], ...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// The answer: the same as [`crate::Engine::search`] gives with the whole pack at hand.
    Results(Results),
    /// Pack byte ranges `[start, end)` to fetch (all at once: they are independent) and hand to
    /// [`crate::Engine::supply`] before asking again. Block-aligned, sorted, disjoint.
    Need(Vec<[u64; 2]>),
}
