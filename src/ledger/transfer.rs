//! `helpsite feedback export --format jsonl` and `import FILE`: move or merge ledgers.
//!
//! One JSON object per line, tagged by `type` (`message`, `link`, `feedback`, `view`,
//! `failed-search`), messages
//! before their links. Import inserts by natural key in one transaction, so importing the same
//! file twice, or a ledger that shares rows with this one, adds only what is new.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::db::Ledger;
use super::records::{
    FailedSearchRecord, FeedbackRecord, LinkRecord, MessageKind, MessageRecord, SearchSource,
    ViewRecord,
};
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Row {
    Message(MessageRecord),
    Link(LinkRecord),
    Feedback(FeedbackRecord),
    View(ViewRecord),
    #[serde(rename = "failed-search")]
    FailedSearch(FailedSearchRecord),
}

/// Writes the whole ledger as JSONL.
pub fn export(ledger: &Ledger, out: &mut dyn Write) -> Result<u64, Diagnostic> {
    let conn = ledger.conn();
    let read_err = |e: rusqlite::Error| {
        Diagnostic::error("cannot read the ledger")
            .at(ledger.path())
            .cause(e.to_string())
    };
    let write_err =
        |e: std::io::Error| Diagnostic::error("cannot write the export").cause(e.to_string());
    let mut n = 0;
    let mut emit = |row: Row, out: &mut dyn Write| -> Result<(), Diagnostic> {
        serde_json::to_writer(&mut *out, &row)
            .map_err(|e| Diagnostic::error("cannot write the export").cause(e.to_string()))?;
        out.write_all(b"\n").map_err(write_err)?;
        n += 1;
        Ok(())
    };
    // A read transaction gives one consistent snapshot even while an ingest writes.
    conn.execute_batch("BEGIN").map_err(read_err)?;
    let result = (|| {
        let mut stmt = conn
            .prepare("SELECT key, conversation, sent_at, kind FROM messages ORDER BY key")
            .map_err(read_err)?;
        let mut rows = stmt.query([]).map_err(read_err)?;
        while let Some(r) = rows.next().map_err(read_err)? {
            let kind: String = r.get(3).map_err(read_err)?;
            let kind = if kind == "feedback" {
                MessageKind::Feedback
            } else {
                MessageKind::Staff
            };
            emit(
                Row::Message(MessageRecord {
                    key: r.get(0).map_err(read_err)?,
                    conversation: r.get(1).map_err(read_err)?,
                    sent_at: r.get(2).map_err(read_err)?,
                    kind,
                }),
                out,
            )?;
        }
        let mut stmt = conn.prepare("SELECT message_key, page, anchor, url FROM links ORDER BY message_key, page, anchor").map_err(read_err)?;
        let mut rows = stmt.query([]).map_err(read_err)?;
        while let Some(r) = rows.next().map_err(read_err)? {
            emit(
                Row::Link(LinkRecord {
                    message_key: r.get(0).map_err(read_err)?,
                    page: r.get(1).map_err(read_err)?,
                    anchor: r.get(2).map_err(read_err)?,
                    url: r.get(3).map_err(read_err)?,
                }),
                out,
            )?;
        }
        let mut stmt = conn
            .prepare("SELECT key, page, answer, source, received_at FROM feedback ORDER BY key")
            .map_err(read_err)?;
        let mut rows = stmt.query([]).map_err(read_err)?;
        while let Some(r) = rows.next().map_err(read_err)? {
            let answer: String = r.get(2).map_err(read_err)?;
            let source: String = r.get(3).map_err(read_err)?;
            let record = FeedbackRecord {
                key: r.get(0).map_err(read_err)?,
                page: r.get(1).map_err(read_err)?,
                answer: serde_json::from_value(answer.into()).map_err(|e| {
                    Diagnostic::error("bad answer in the ledger").cause(e.to_string())
                })?,
                source: serde_json::from_value(source.into()).map_err(|e| {
                    Diagnostic::error("bad source in the ledger").cause(e.to_string())
                })?,
                received_at: r.get(4).map_err(read_err)?,
            };
            emit(Row::Feedback(record), out)?;
        }
        let mut stmt = conn
            .prepare("SELECT key, day, page, from_reply FROM views ORDER BY key")
            .map_err(read_err)?;
        let mut rows = stmt.query([]).map_err(read_err)?;
        while let Some(r) = rows.next().map_err(read_err)? {
            emit(
                Row::View(ViewRecord {
                    key: r.get(0).map_err(read_err)?,
                    day: r.get(1).map_err(read_err)?,
                    page: r.get(2).map_err(read_err)?,
                    from_reply: r.get(3).map_err(read_err)?,
                }),
                out,
            )?;
        }
        let mut stmt = conn
            .prepare("SELECT key, query, day, source FROM failed_searches ORDER BY key")
            .map_err(read_err)?;
        let mut rows = stmt.query([]).map_err(read_err)?;
        while let Some(r) = rows.next().map_err(read_err)? {
            let source: String = r.get(3).map_err(read_err)?;
            // The schema's CHECK allows only the known sources.
            let source = SearchSource::parse(&source).ok_or_else(|| {
                Diagnostic::error(format!("bad search source `{source}` in the ledger"))
                    .at(ledger.path())
            })?;
            emit(
                Row::FailedSearch(FailedSearchRecord {
                    key: r.get(0).map_err(read_err)?,
                    query: r.get(1).map_err(read_err)?,
                    day: r.get(2).map_err(read_err)?,
                    source,
                }),
                out,
            )?;
        }
        Ok(())
    })();
    conn.execute_batch("COMMIT").map_err(read_err)?;
    result.map(|()| n)
}

/// How many rows an import read and added.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub rows: u64,
    pub added: u64,
    pub already_known: u64,
}

/// Merges a JSONL export into the ledger. A bad line is an error naming it and nothing is
/// written: a half-imported ledger would be worse than none.
pub fn import(
    ledger: &mut Ledger,
    file: &Path,
    input: &mut dyn BufRead,
) -> Result<ImportSummary, Diagnostics> {
    let mut rows = Vec::new();
    let mut errors = Diagnostics::default();
    for (i, line) in input.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                errors.push(
                    Diagnostic::error("cannot read the import file")
                        .at(file)
                        .line(i + 1)
                        .cause(e.to_string()),
                );
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Row>(&line) {
            Ok(row) => rows.push(row),
            Err(e) => errors.push(
                Diagnostic::error("not a ledger export row")
                    .at(file)
                    .line(i + 1)
                    .column(e.column())
                    .cause(e.to_string())
                    .hint("create the file with `helpsite feedback export --format jsonl`"),
            ),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let writer = ledger.writer().map_err(one)?;
    let mut summary = ImportSummary::default();
    for row in &rows {
        let added = match row {
            Row::Message(m) => writer.insert_message(m),
            Row::Link(l) => writer.insert_link(l),
            Row::Feedback(f) => writer.insert_feedback(f),
            Row::View(v) => writer.insert_view(v),
            Row::FailedSearch(s) => writer.insert_failed_search(s),
        }
        .map_err(one)?;
        summary.rows += 1;
        if added {
            summary.added += 1;
        } else {
            summary.already_known += 1;
        }
    }
    writer.commit().map_err(one)?;
    Ok(summary)
}
