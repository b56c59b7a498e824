//! One raw message → what the ledger keeps of it: a staff reply with its links, reader
//! feedback sent by email, nothing (other mail), or a reason it was skipped.

use std::collections::HashSet;

use chrono::DateTime;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use mail_parser::{HeaderValue, Message, MessageParser, PartType};

use super::{links, quotes};
use crate::diagnostics::Diagnostic;
use crate::ledger::manifest::Manifest;
use crate::ledger::records::{
    Answer, FeedbackRecord, FeedbackSource, LinkRecord, MessageKind, MessageRecord,
};
use crate::ledger::urls::SiteUrls;

/// Subject prefix of reader feedback sent by the theme's mailto fallback.
pub const FEEDBACK_SUBJECT: &str = "Docs feedback:";

/// What one message amounts to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Staff {
        message: MessageRecord,
        links: Vec<LinkRecord>,
    },
    Feedback {
        message: MessageRecord,
        feedback: FeedbackRecord,
    },
    /// Mail from someone else that is not docs feedback.
    Other,
    Skipped(Skip),
}

/// Why a message was skipped; the summary groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    NotMail,
    TruncatedHeaders,
    TruncatedBody,
    NoFrom,
    NoDate,
    FeedbackWithoutPage,
    FeedbackWithoutAnswer,
}

impl Skip {
    pub fn describe(self) -> &'static str {
        match self {
            Skip::NotMail => "not a mail message (no header fields)",
            Skip::TruncatedHeaders => "truncated inside its header",
            Skip::TruncatedBody => "truncated (a MIME boundary is never closed)",
            Skip::NoFrom => "no `From` address",
            Skip::NoDate => "no valid `Date` header",
            Skip::FeedbackWithoutPage => "docs feedback that names no page of this site",
            Skip::FeedbackWithoutAnswer => "docs feedback without a known `Answer:` line",
        }
    }
}

/// Reads messages for one site.
pub struct Extractor<'a> {
    staff: GlobSet,
    urls: &'a SiteUrls,
    manifest: Option<&'a Manifest>,
    parser: MessageParser,
}

/// Compiles `feedback.staff_addresses` (case-insensitive globs such as `*@divergent.cloud`).
pub fn staff_matcher(patterns: &[String]) -> Result<GlobSet, Diagnostic> {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        let glob = GlobBuilder::new(p)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .map_err(|e| {
                Diagnostic::error(format!(
                    "`feedback.staff_addresses` has an invalid pattern `{p}`"
                ))
                .at("site.yaml")
                .cause(e.to_string())
                .hint("use patterns like `*@example.com` or `ann@example.com`")
            })?;
        set.add(glob);
    }
    set.build().map_err(|e| {
        Diagnostic::error("invalid `feedback.staff_addresses`")
            .at("site.yaml")
            .cause(e.to_string())
    })
}

impl<'a> Extractor<'a> {
    pub fn new(staff: GlobSet, urls: &'a SiteUrls, manifest: Option<&'a Manifest>) -> Self {
        Extractor {
            staff,
            urls,
            manifest,
            parser: MessageParser::default(),
        }
    }

    /// Reads one whole message held in memory (trimmed first, as ingest does).
    pub fn extract(&self, raw: &[u8]) -> Outcome {
        let t = super::trim::trim(raw);
        self.extract_trimmed(&t.bytes, &t.hash)
    }

    /// Reads what [`super::trim`] kept of a message; `hash` is that of the whole message.
    pub fn extract_trimmed(&self, raw: &[u8], hash: &blake3::Hash) -> Outcome {
        let Some(msg) = self.parser.parse(raw) else {
            return Outcome::Skipped(Skip::NotMail);
        };
        // mail-parser reads "headers" out of almost anything; a file with none of the fields
        // every mail has is not mail.
        if msg.from().is_none()
            && msg.date().is_none()
            && msg.subject().is_none()
            && msg.message_id().is_none()
        {
            return Outcome::Skipped(Skip::NotMail);
        }
        if let Some(skip) = truncation(&msg, raw) {
            return Outcome::Skipped(skip);
        }
        let Some(from) = msg.from().and_then(|a| a.first()).and_then(|a| a.address()) else {
            return Outcome::Skipped(Skip::NoFrom);
        };
        let Some(sent_at) = msg
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0))
        else {
            return Outcome::Skipped(Skip::NoDate);
        };
        let record = MessageRecord {
            key: message_key(&msg, hash),
            conversation: conversation_key(&msg),
            sent_at: sent_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            kind: MessageKind::Staff,
        };
        let subject = msg.subject().unwrap_or("").trim();
        if subject
            .get(..FEEDBACK_SUBJECT.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(FEEDBACK_SUBJECT))
        {
            return self.feedback(&msg, record);
        }
        if !self.staff.is_match(from.trim().to_ascii_lowercase()) {
            return Outcome::Other;
        }
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for text in own_texts(&msg) {
            for url in links::find_urls(&text) {
                let Some(link) = self.urls.parse(url) else {
                    continue;
                };
                let page = self
                    .current_page(&link.path)
                    .unwrap_or(&link.path)
                    .to_string();
                let anchor = link.anchor.unwrap_or_default();
                if seen.insert((page.clone(), anchor.clone())) {
                    found.push(LinkRecord {
                        message_key: record.key.clone(),
                        page,
                        anchor,
                        url: link.path,
                    });
                }
            }
        }
        Outcome::Staff {
            message: record,
            links: found,
        }
    }

    fn current_page(&self, path: &str) -> Option<&'a str> {
        self.manifest.and_then(|m| m.current_url(path))
    }

    /// Reader feedback from the theme's mailto link: the first URL of this site in the text is
    /// the page, the `Answer:` line the answer. The reader may have edited the mail, so both
    /// are searched for rather than expected at fixed lines.
    fn feedback(&self, msg: &Message<'_>, mut record: MessageRecord) -> Outcome {
        record.kind = MessageKind::Feedback;
        let texts = own_texts(msg);
        let page = texts
            .iter()
            .flat_map(|t| links::find_urls(t))
            .filter_map(|u| self.urls.parse(u))
            .find_map(|l| match self.manifest {
                Some(m) => m.current_url(&l.path).map(str::to_string),
                None => Some(l.path),
            });
        let Some(page) = page else {
            return Outcome::Skipped(Skip::FeedbackWithoutPage);
        };
        let answer = texts.iter().flat_map(|t| t.lines()).find_map(|line| {
            let line = line.trim();
            let rest = line
                .get(..7)
                .filter(|p| p.eq_ignore_ascii_case("answer:"))
                .map(|_| line[7..].trim())?;
            Answer::parse(&rest.split_whitespace().next()?.to_ascii_lowercase())
        });
        let Some(answer) = answer else {
            return Outcome::Skipped(Skip::FeedbackWithoutAnswer);
        };
        let feedback = FeedbackRecord {
            key: format!("mail:{}", record.key),
            page,
            answer,
            source: FeedbackSource::Mail,
            received_at: record.sent_at.clone(),
        };
        Outcome::Feedback {
            message: record,
            feedback,
        }
    }
}

/// The sender's own text of each text/plain and text/html body part (not attachments, not
/// forwarded messages), quotes removed.
fn own_texts(msg: &Message<'_>) -> Vec<String> {
    let mut ids: Vec<u32> = msg
        .text_body
        .iter()
        .chain(&msg.html_body)
        .copied()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .filter_map(|&id| msg.part(id))
        .filter_map(|part| match &part.body {
            PartType::Text(t) => Some(quotes::unquoted_text(t)),
            PartType::Html(h) => Some(quotes::unquoted_html(h)),
            _ => None,
        })
        .collect()
}

/// A message cut off mid-way: header without body, or a multipart whose closing boundary
/// never comes. mail-parser recovers what it can from both; we would rather not count a half
/// message than count it wrongly.
fn truncation(msg: &Message<'_>, raw: &[u8]) -> Option<Skip> {
    let root = msg.root_part();
    if root.is_encoding_problem && root.offset_body as usize >= raw.len() && msg.parts.len() == 1 {
        return Some(Skip::TruncatedHeaders);
    }
    for part in &msg.parts {
        if !part.is_multipart() {
            continue;
        }
        let boundary = part
            .headers
            .iter()
            .find_map(|h| h.value().as_content_type())
            .and_then(|ct| ct.attribute("boundary"));
        if let Some(b) = boundary {
            let close = format!("--{b}--");
            if !raw.windows(close.len()).any(|w| w == close.as_bytes()) {
                return Some(Skip::TruncatedBody);
            }
        }
    }
    None
}

/// Message-ID, or a hash of the whole message for messages without one (stable across
/// re-ingests).
fn message_key(msg: &Message<'_>, hash: &blake3::Hash) -> String {
    match msg.message_id().map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => id.to_string(),
        None => format!("sha:{}", &hash.to_hex()[..32]),
    }
}

/// The thread's root message (first of `References`, else `In-Reply-To`), else the subject
/// without `Re:`/`Fwd:` prefixes, lowercased.
fn conversation_key(msg: &Message<'_>) -> String {
    let first = |v: &HeaderValue<'_>| match v {
        HeaderValue::Text(t) => Some(t.trim().to_string()),
        HeaderValue::TextList(l) => l.first().map(|t| t.trim().to_string()),
        _ => None,
    };
    if let Some(root) = first(msg.references())
        .or_else(|| first(msg.in_reply_to()))
        .filter(|r| !r.is_empty())
    {
        return root;
    }
    let subject = msg
        .thread_name()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    format!("subject:{subject}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extractor<'a>(urls: &'a SiteUrls) -> Extractor<'a> {
        Extractor::new(
            staff_matcher(&["*@Divergent.Cloud".into()]).unwrap(),
            urls,
            None,
        )
    }

    const STAFF: &str = "From: Sam <sam@divergent.cloud>\r\nTo: c@x\r\nSubject: Re: Re: Help  me\r\nDate: Mon, 3 Jun 2024 10:00:00 +0100\r\nMessage-ID: <m1@divergent.cloud>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSee https://support.divergent.cloud/connect/senders/?utm_source=3Dmail&ref=3Dreply#verify-a-=\r\nsender and https://support.divergent.cloud/connect/senders/#verify-a-sender again.\r\n> https://support.divergent.cloud/quoted/\r\n";

    #[test]
    fn staff_links_are_decoded_deduplicated_and_unquoted() {
        let urls = SiteUrls::from_parts("https://support.divergent.cloud/", &[]);
        let Outcome::Staff { message, links } = extractor(&urls).extract(STAFF.as_bytes()) else {
            panic!()
        };
        assert_eq!(message.key, "m1@divergent.cloud");
        assert_eq!(message.conversation, "subject:help me");
        assert_eq!(message.sent_at, "2024-06-03T09:00:00Z");
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].page.as_str(), links[0].anchor.as_str()),
            ("/connect/senders/", "verify-a-sender")
        );
    }

    #[test]
    fn other_senders_and_broken_mail() {
        let urls = SiteUrls::from_parts("https://support.divergent.cloud/", &[]);
        let ex = extractor(&urls);
        assert_eq!(
            ex.extract(
                STAFF
                    .replace("sam@divergent.cloud", "sam@example.com")
                    .as_bytes()
            ),
            Outcome::Other
        );
        assert_eq!(
            ex.extract(b"\x89PNG\r\n\x1a\n\0\0"),
            Outcome::Skipped(Skip::NotMail)
        );
        assert_eq!(
            ex.extract(
                STAFF
                    .replace("Date: Mon, 3 Jun 2024 10:00:00 +0100\r\n", "")
                    .as_bytes()
            ),
            Outcome::Skipped(Skip::NoDate)
        );
        let cut = "From: sam@divergent.cloud\r\nDate: Mon, 3 Jun 2024 10:00:00 +0100\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhttps://support.divergent.cloud/a/\r\n";
        assert_eq!(
            ex.extract(cut.as_bytes()),
            Outcome::Skipped(Skip::TruncatedBody)
        );
    }

    #[test]
    fn docs_feedback_from_anyone() {
        let urls = SiteUrls::from_parts("https://support.divergent.cloud/", &[]);
        let mail = "From: c@example.com\r\nSubject: Docs feedback: Senders\r\nDate: Mon, 3 Jun 2024 10:00:00 +0000\r\n\r\nPage: https://support.divergent.cloud/connect/senders/\r\nAnswer: already-read (I had already read this page)\r\n";
        let Outcome::Feedback { feedback, message } = extractor(&urls).extract(mail.as_bytes())
        else {
            panic!()
        };
        assert_eq!(feedback.answer, Answer::AlreadyRead);
        assert_eq!(feedback.page, "/connect/senders/");
        assert!(message.key.starts_with("sha:"));
        assert_eq!(feedback.key, format!("mail:{}", message.key));
    }
}
