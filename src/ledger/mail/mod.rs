//! `helpsite feedback ingest-mail`: sent support mail into the ledger.
//!
//! Messages stream from [`source`], each trimmed to its headers, structure and text by
//! [`trim`] as it is read, in batches bounded in count and bytes; each batch is parsed in
//! parallel (rayon) by [`message`] and written in order, all inside one transaction, so an
//! interrupted ingest leaves the ledger untouched and re-running it adds each message exactly
//! once. Peak memory is the batch, whatever the size of the messages.

pub mod links;
pub mod message;
pub mod quotes;
pub mod source;
pub mod trim;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use self::message::{Extractor, Outcome, Skip};
use self::source::{Item, MailReader};
use super::db::Ledger;
use crate::diagnostics::{Diagnostic, Diagnostics};

const BATCH: usize = 2048;
/// Bytes of trimmed messages in one batch, at most (a message may bring it over once).
const BATCH_BYTES: usize = 32 << 20;

/// What an ingest did; printed at the end of the command.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct MailSummary {
    pub messages_read: u64,
    pub from_staff: u64,
    pub feedback: u64,
    /// Page+anchor links in staff messages (once per message), whether new or known.
    pub links_found: u64,
    pub new_messages: u64,
    pub new_links: u64,
    pub new_feedback: u64,
    /// Staff or feedback messages already in the ledger.
    pub already_known: u64,
    /// Skipped messages by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Files or folders that could not be read at all.
    pub unreadable: u64,
    /// Messages with more text than is read ([`trim::MAX_TEXT`]); links past it are missed.
    pub text_capped: u64,
}

impl fmt::Display for MailSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "messages read:  {}", self.messages_read)?;
        writeln!(f, "from staff:     {}", self.from_staff)?;
        writeln!(f, "docs feedback:  {}", self.feedback)?;
        writeln!(f, "links found:    {}", self.links_found)?;
        writeln!(
            f,
            "new:            {} messages, {} links, {} feedback",
            self.new_messages, self.new_links, self.new_feedback
        )?;
        writeln!(f, "already known:  {} messages", self.already_known)?;
        let skipped: u64 = self.skipped.values().sum();
        writeln!(f, "skipped:        {skipped}")?;
        for (why, n) in &self.skipped {
            writeln!(f, "  {n} {why}")?;
        }
        if self.text_capped > 0 {
            writeln!(
                f,
                "text capped:    {} messages (only their first {} MiB of text was read)",
                self.text_capped,
                trim::MAX_TEXT >> 20
            )?;
        }
        if self.unreadable > 0 {
            writeln!(f, "unreadable:     {} files or folders", self.unreadable)?;
        }
        Ok(())
    }
}

/// Ingests every message under `paths`. Problems with single messages or files come back as
/// warnings in the `Diagnostics`; an `Err` means nothing was written.
pub fn ingest(
    ledger: &mut Ledger,
    paths: &[PathBuf],
    extractor: &Extractor<'_>,
) -> Result<(MailSummary, Diagnostics), Diagnostic> {
    let (reader, problems) = MailReader::new(paths);
    let mut diags = Diagnostics::default();
    let mut summary = MailSummary {
        unreadable: problems.len() as u64,
        ..MailSummary::default()
    };
    diags.extend(problems);
    let writer = ledger.writer()?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut reader = reader.peekable();
    while reader.peek().is_some() {
        batch.clear();
        let mut bytes = 0;
        while batch.len() < BATCH && bytes < BATCH_BYTES {
            match reader.next() {
                Some(Item::Message(m)) => {
                    bytes += m.bytes.len();
                    batch.push(m);
                }
                Some(Item::Unreadable(d)) => {
                    summary.unreadable += 1;
                    diags.push(d);
                }
                None => break,
            }
        }
        let outcomes: Vec<Outcome> = batch
            .par_iter()
            .map(|m| extractor.extract_trimmed(&m.bytes, &m.hash))
            .collect();
        for (raw, outcome) in batch.iter().zip(outcomes) {
            summary.messages_read += 1;
            summary.text_capped += u64::from(raw.capped);
            match outcome {
                Outcome::Staff { message, links } => {
                    summary.from_staff += 1;
                    summary.links_found += links.len() as u64;
                    if writer.insert_message(&message)? {
                        summary.new_messages += 1;
                    } else {
                        summary.already_known += 1;
                    }
                    for link in &links {
                        summary.new_links += u64::from(writer.insert_link(link)?);
                    }
                }
                Outcome::Feedback { message, feedback } => {
                    summary.feedback += 1;
                    if writer.insert_message(&message)? {
                        summary.new_messages += 1;
                    } else {
                        summary.already_known += 1;
                    }
                    summary.new_feedback += u64::from(writer.insert_feedback(&feedback)?);
                }
                Outcome::Other => {}
                Outcome::Skipped(why) => {
                    *summary
                        .skipped
                        .entry(why.describe().to_string())
                        .or_default() += 1;
                    diags.push(skipped(&raw.origin, why));
                }
            }
        }
    }
    writer.commit()?;
    Ok((summary, diags))
}

fn skipped(origin: &source::Origin, why: Skip) -> Diagnostic {
    let what = match origin.position() {
        Some(pos) => format!("{pos} skipped: {}", why.describe()),
        None => format!("message skipped: {}", why.describe()),
    };
    Diagnostic::warning(what).at(&origin.file)
}
