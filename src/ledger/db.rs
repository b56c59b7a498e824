//! The SQLite file: opening it, migrating its schema, and every write.
//!
//! The schema version lives in `PRAGMA user_version`; `MIGRATIONS` are applied in order, each
//! in its own transaction, so a ledger from any older helpsite opens in a newer one. The file is
//! in WAL mode so the report and the feedback service can read while an ingest writes, and every
//! ingest is one `BEGIN IMMEDIATE` transaction: a killed ingest leaves the ledger as it was, and
//! two ingests at once queue on the write lock (busy timeout) instead of failing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::records::{
    FailedSearchRecord, FeedbackRecord, LinkRecord, MessageKind, MessageRecord, ViewRecord,
};
use crate::diagnostics::Diagnostic;

/// Schema steps; index + 1 is the `user_version` after the step. Never edit a released step:
/// add one.
const MIGRATIONS: &[&str] = &[
    // 1: messages, their links, reader feedback and page views.
    "CREATE TABLE messages (
        key TEXT PRIMARY KEY,
        conversation TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('staff', 'feedback'))
     ) WITHOUT ROWID;
     CREATE TABLE links (
        message_key TEXT NOT NULL REFERENCES messages(key),
        page TEXT NOT NULL,
        anchor TEXT NOT NULL,
        url TEXT NOT NULL,
        PRIMARY KEY (message_key, page, anchor)
     ) WITHOUT ROWID;
     CREATE INDEX links_page ON links(page);
     CREATE TABLE feedback (
        key TEXT PRIMARY KEY,
        page TEXT NOT NULL,
        answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'already-read')),
        source TEXT NOT NULL CHECK (source IN ('web', 'mail')),
        received_at TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE views (
        key TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        page TEXT NOT NULL,
        from_reply INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX views_page_day ON views(page, day);",
    // 2: searches that found nothing (normalised query and day only; see `failed_search`).
    "CREATE TABLE failed_searches (
        key TEXT PRIMARY KEY,
        query TEXT NOT NULL CHECK (length(query) BETWEEN 1 AND 100),
        day TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('box', 'page'))
     ) WITHOUT ROWID;
     CREATE INDEX failed_searches_day ON failed_searches(day);",
];

/// An open ledger.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

fn db_error(path: &Path, what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("cannot {what} the ledger"))
        .at(path)
        .cause(e.to_string())
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger, Diagnostic> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| db_error(path, "create the folder of", e))?;
        }
        let conn = Connection::open(path).map_err(|e| db_error(path, "open", e))?;
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
        };
        ledger
            .configure()
            .map_err(|e| db_error(path, "configure", e))?;
        ledger.migrate()?;
        Ok(ledger)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> rusqlite::Result<()> {
        // Another ingest or the feedback service may hold the write lock for a while.
        self.conn.busy_timeout(Duration::from_secs(60))?;
        self.wal()?;
        // NORMAL is durable across crashes of the process in WAL mode; only an OS crash may
        // lose the last commits, which a re-ingest restores.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        Ok(())
    }

    /// Switches the file to WAL (persistent, so usually already done). Two processes creating
    /// the ledger at once race for the switch, and SQLite answers the loser "database is
    /// locked" at once, without waiting on the busy timeout: retry for a while.
    fn wal(&self) -> rusqlite::Result<()> {
        let mut tries = 0;
        loop {
            let mode = self
                .conn
                .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
                .and_then(|mode| match mode.eq_ignore_ascii_case("wal") {
                    true => Ok(()),
                    false => self.conn.pragma_update(None, "journal_mode", "WAL"),
                });
            match mode {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 200 =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<usize, Diagnostic> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map(|v| v as usize)
            .map_err(|e| db_error(&self.path, "read", e))
    }

    fn migrate(&mut self) -> Result<(), Diagnostic> {
        let current = self.schema_version()?;
        if current > MIGRATIONS.len() {
            return Err(Diagnostic::error(format!(
                "the ledger has schema version {current}, this helpsite knows up to {}",
                MIGRATIONS.len()
            ))
            .at(&self.path)
            .hint("upgrade helpsite; a newer version wrote this ledger"));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            let path = self.path.clone();
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| db_error(&path, "migrate", e))?;
            // Another process may have migrated while we waited for the lock.
            let now: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| db_error(&path, "migrate", e))?;
            if now as usize > i {
                continue;
            }
            tx.execute_batch(sql)
                .map_err(|e| db_error(&path, "migrate", e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| db_error(&path, "migrate", e))?;
            tx.commit().map_err(|e| db_error(&path, "migrate", e))?;
        }
        Ok(())
    }

    /// Starts the one write transaction of an ingest or import.
    pub fn writer(&mut self) -> Result<Writer<'_>, Diagnostic> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(&path, "write to", e))?;
        Ok(Writer { tx, path })
    }

    /// Starts a write transaction, or `None` when another connection still holds the write
    /// lock after the busy timeout: the caller may keep its rows and try again.
    pub fn try_writer(&mut self) -> Result<Option<Writer<'_>>, Diagnostic> {
        let path = self.path.clone();
        match self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(tx) => Ok(Some(Writer { tx, path })),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(db_error(&path, "write to", e)),
        }
    }

    /// How long a write waits for another connection's lock (60 s unless set).
    pub fn set_busy_timeout(&mut self, wait: Duration) {
        // Only fails for a closed connection, which `open` never returns.
        let _ = self.conn.busy_timeout(wait);
    }

    /// Read access for the report, export and the link guard.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether a message with this key is already recorded.
    pub fn has_message(&self, key: &str) -> Result<bool, Diagnostic> {
        self.conn
            .query_row("SELECT 1 FROM messages WHERE key = ?1", [key], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| db_error(&self.path, "read", e))
    }

    /// Row counts per table, for summaries and tests.
    pub fn counts(&self) -> Result<Counts, Diagnostic> {
        let count = |table: &str| -> Result<u64, Diagnostic> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as u64)
                .map_err(|e| db_error(&self.path, "read", e))
        };
        Ok(Counts {
            messages: count("messages")?,
            links: count("links")?,
            feedback: count("feedback")?,
            views: count("views")?,
            failed_searches: count("failed_searches")?,
        })
    }
}

/// Rows per table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counts {
    pub messages: u64,
    pub links: u64,
    pub feedback: u64,
    pub views: u64,
    pub failed_searches: u64,
}

/// One open write transaction. Every insert ignores rows whose natural key is already there
/// and says whether it added one. Dropping it without [`Writer::commit`] rolls back.
pub struct Writer<'a> {
    tx: rusqlite::Transaction<'a>,
    path: PathBuf,
}

impl Writer<'_> {
    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<bool, Diagnostic> {
        let mut stmt = self
            .tx
            .prepare_cached(sql)
            .map_err(|e| db_error(&self.path, "write to", e))?;
        stmt.execute(params)
            .map(|n| n > 0)
            .map_err(|e| db_error(&self.path, "write to", e))
    }

    pub fn insert_message(&self, m: &MessageRecord) -> Result<bool, Diagnostic> {
        let kind = match m.kind {
            MessageKind::Staff => "staff",
            MessageKind::Feedback => "feedback",
        };
        self.exec(
            "INSERT OR IGNORE INTO messages (key, conversation, sent_at, kind) VALUES (?1, ?2, ?3, ?4)",
            params![m.key, m.conversation, m.sent_at, kind],
        )
    }

    pub fn insert_link(&self, l: &LinkRecord) -> Result<bool, Diagnostic> {
        self.exec(
            "INSERT OR IGNORE INTO links (message_key, page, anchor, url) VALUES (?1, ?2, ?3, ?4)",
            params![l.message_key, l.page, l.anchor, l.url],
        )
    }

    pub fn insert_feedback(&self, f: &FeedbackRecord) -> Result<bool, Diagnostic> {
        self.exec(
            "INSERT OR IGNORE INTO feedback (key, page, answer, source, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![f.key, f.page, f.answer.as_str(), f.source.as_str(), f.received_at],
        )
    }

    pub fn insert_view(&self, v: &ViewRecord) -> Result<bool, Diagnostic> {
        self.exec(
            "INSERT OR IGNORE INTO views (key, day, page, from_reply) VALUES (?1, ?2, ?3, ?4)",
            params![v.key, v.day, v.page, v.from_reply],
        )
    }

    pub fn insert_failed_search(&self, s: &FailedSearchRecord) -> Result<bool, Diagnostic> {
        self.exec(
            "INSERT OR IGNORE INTO failed_searches (key, query, day, source) VALUES (?1, ?2, ?3, ?4)",
            params![s.key, s.query, s.day, s.source.as_str()],
        )
    }

    pub fn commit(self) -> Result<(), Diagnostic> {
        self.tx
            .commit()
            .map_err(|e| db_error(&self.path, "commit to", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::records::{Answer, FeedbackSource};

    #[test]
    fn migrates_once_and_inserts_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/ledger.sqlite");
        let mut ledger = Ledger::open(&path).unwrap();
        assert_eq!(ledger.schema_version().unwrap(), MIGRATIONS.len());
        let w = ledger.writer().unwrap();
        let m = MessageRecord {
            key: "a@x".into(),
            conversation: "root@x".into(),
            sent_at: "2024-01-01T00:00:00Z".into(),
            kind: MessageKind::Staff,
        };
        assert!(w.insert_message(&m).unwrap());
        assert!(!w.insert_message(&m).unwrap());
        let f = FeedbackRecord {
            key: "web:1".into(),
            page: "/a/".into(),
            answer: Answer::AlreadyRead,
            source: FeedbackSource::Web,
            received_at: "2024-01-01T00:00:00Z".into(),
        };
        assert!(w.insert_feedback(&f).unwrap());
        w.commit().unwrap();
        drop(ledger);
        let ledger = Ledger::open(&path).unwrap();
        assert_eq!(
            ledger.counts().unwrap(),
            Counts {
                messages: 1,
                links: 0,
                feedback: 1,
                views: 0,
                failed_searches: 0,
            }
        );
    }

    #[test]
    fn a_version_1_ledger_upgrades_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        // A ledger as helpsite wrote it before failed searches existed.
        let old = Connection::open(&path).unwrap();
        old.execute_batch(MIGRATIONS[0]).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute(
            "INSERT INTO views (key, day, page, from_reply) VALUES ('v1', '2024-01-01', '/a/', 0)",
            [],
        )
        .unwrap();
        drop(old);
        let mut ledger = Ledger::open(&path).unwrap();
        assert_eq!(ledger.schema_version().unwrap(), 2);
        let w = ledger.writer().unwrap();
        let s = FailedSearchRecord {
            key: "web:1".into(),
            query: "reset password".into(),
            day: "2024-01-02".into(),
            source: crate::ledger::records::SearchSource::Box,
        };
        assert!(w.insert_failed_search(&s).unwrap());
        assert!(!w.insert_failed_search(&s).unwrap());
        w.commit().unwrap();
        let counts = ledger.counts().unwrap();
        assert_eq!((counts.views, counts.failed_searches), (1, 1));
    }

    #[test]
    fn link_to_unknown_message_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let w = ledger.writer().unwrap();
        let l = LinkRecord {
            message_key: "nope".into(),
            page: "/a/".into(),
            anchor: String::new(),
            url: "/a/".into(),
        };
        assert!(w.insert_link(&l).is_err());
    }

    #[test]
    fn newer_schema_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Ledger::open(&path).err().unwrap();
        assert!(err.message.contains("schema version 99"), "{err}");
    }
}
