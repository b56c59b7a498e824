//! The body of `POST /api/feedback` → the row to store, or the 4xx to answer. Kept apart from
//! the HTTP plumbing of [`super::service`] so it can be tested and fuzzed as a plain function
//! (`fuzz/fuzz_targets/feedback_body.rs`).

use axum::http::StatusCode;
use serde::Deserialize;

use super::failed_search::{self, MAX_QUERY_CHARS, Refusal};
use super::records::{Answer, FailedSearchRecord, FeedbackRecord, FeedbackSource, SearchSource};

/// What a valid body asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Feedback(FeedbackRecord),
    FailedSearch(FailedSearchRecord),
    /// A failed search that looks like personal data: answered `202`, never stored.
    Dropped,
}

/// Why a body is refused: the status and the message of the JSON `{"error": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: StatusCode,
    pub message: String,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Refused {
    Refused {
        status,
        message: message.into(),
    }
}

/// Either a page answer (`page` + `answer`) or a failed search (`failed_search` + `source`);
/// one struct rather than an untagged enum so a wrong body gets a precise serde message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Submission {
    page: Option<String>,
    answer: Option<String>,
    failed_search: Option<String>,
    source: Option<String>,
}

const EXPECTED: &str = "expected {\"page\": \"/a/page/\", \"answer\": \"yes\"} or {\"failed_search\": \"query\", \"source\": \"box\"}";

/// Parses and checks one body (already under the size limit). `pages` says which page URLs
/// accept feedback; `key` makes the row's unique key.
pub fn parse(
    body: &[u8],
    pages: &impl Fn(&str) -> bool,
    key: impl FnOnce() -> String,
) -> Result<Accepted, Refused> {
    let sub: Submission = serde_json::from_slice(body)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, format!("{EXPECTED}: {e}")))?;
    match sub {
        Submission {
            page: Some(page),
            answer: Some(answer),
            failed_search: None,
            source: None,
        } => page_answer(pages, page, answer, key).map(Accepted::Feedback),
        Submission {
            page: None,
            answer: None,
            failed_search: Some(query),
            source: Some(source),
        } => Ok(match failed_search(query, source, key)? {
            Some(record) => Accepted::FailedSearch(record),
            None => Accepted::Dropped,
        }),
        _ => Err(refuse(StatusCode::BAD_REQUEST, EXPECTED)),
    }
}

fn page_answer(
    pages: &impl Fn(&str) -> bool,
    page: String,
    answer: String,
    key: impl FnOnce() -> String,
) -> Result<FeedbackRecord, Refused> {
    if !pages(&page) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{}` is not a page of this site", truncate(&page)),
        ));
    }
    let Some(answer) = Answer::parse(&answer) else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is not an answer; use `yes`, `no` or `already-read`",
                truncate(&answer)
            ),
        ));
    };
    Ok(FeedbackRecord {
        key: format!("web:{}", key()),
        page,
        answer,
        source: FeedbackSource::Web,
        received_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// The row to store for a failed search, `None` for one that is accepted but dropped.
fn failed_search(
    query: String,
    source: String,
    key: impl FnOnce() -> String,
) -> Result<Option<FailedSearchRecord>, Refused> {
    let Some(source) = SearchSource::parse(&source) else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is not a search source; use `box` or `page`",
                truncate(&source)
            ),
        ));
    };
    let query = match failed_search::normalise(&query) {
        Ok(q) => q,
        Err(Refusal::Personal) => return Ok(None),
        Err(Refusal::Empty) => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`failed_search` is empty",
            ));
        }
        Err(Refusal::TooLong) => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("`failed_search` is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
    };
    Ok(Some(FailedSearchRecord {
        key: format!("web:{}", key()),
        query,
        // The day only: a time of day would help tell readers apart.
        day: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        source,
    }))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}
