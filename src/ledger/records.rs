//! The rows of the ledger as plain values. They are what ingest produces, what [`super::db`]
//! stores and what [`super::transfer`] writes as JSONL, so one definition serves all three.

use serde::{Deserialize, Serialize};

/// A message we keep: a staff reply (its links are [`LinkRecord`]s) or reader feedback by mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Natural key: the Message-ID, or `sha:<hash>` of the raw message when it has none.
    pub key: String,
    /// Root of `References`/`In-Reply-To`, else `subject:<normalised subject>`.
    pub conversation: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
    pub kind: MessageKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Staff,
    Feedback,
}

/// One page (+ anchor) linked from one staff message; counted once per message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRecord {
    pub message_key: String,
    /// Current page path (aliases resolved at ingest), root-relative.
    pub page: String,
    /// Heading id without `#`; empty when the link had none.
    pub anchor: String,
    /// The path as sent (normalised, aliases not resolved): what the link guard checks.
    pub url: String,
}

/// What a reader answered about a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// "Did this page solve your problem?" — Yes.
    Yes,
    /// "Did this page solve your problem?" — No.
    No,
    /// "I had already read this page before contacting support".
    AlreadyRead,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::AlreadyRead];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::AlreadyRead => "already-read",
        }
    }

    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackSource {
    Web,
    Mail,
}

impl FeedbackSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackSource::Web => "web",
            FeedbackSource::Mail => "mail",
        }
    }
}

/// One reader answer about one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRecord {
    /// Natural key: `mail:<message key>` or `web:<random id>`.
    pub key: String,
    pub page: String,
    pub answer: Answer,
    pub source: FeedbackSource,
    /// RFC 3339, UTC.
    pub received_at: String,
}

/// One page view from an access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewRecord {
    /// Hash of the log line and how often the same line occurred before it in its file, so the
    /// same log ingested twice (or rotated and ingested again) counts once.
    pub key: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub page: String,
    /// The view came from a link in a support reply (`?ref=reply`).
    pub from_reply: bool,
}

/// Where a failed search happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchSource {
    /// The header search box (the query stayed unchanged for a while, or Enter was pressed).
    Box,
    /// The `/search/?q=` page.
    Page,
}

impl SearchSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSource::Box => "box",
            SearchSource::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<SearchSource> {
        [SearchSource::Box, SearchSource::Page]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One search a reader made that found nothing. Only the normalised query and the day are
/// kept (see [`super::failed_search`]): no time of day, address or browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSearchRecord {
    /// Natural key: `web:<random id>`, so merging ledgers counts each report once.
    pub key: String,
    /// Normalised: lowercased, whitespace collapsed, at most 100 characters.
    pub query: String,
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub source: SearchSource,
}
