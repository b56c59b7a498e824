//! `helpsite feedback ingest-log`: page views from nginx/Apache "combined" access logs.
//!
//! Only successful page loads count: `GET` answered `200` or `304`, for a URL that is a page in
//! the manifest (alias URLs are redirects whose target is logged too), from a user agent that
//! does not call itself a bot, crawler or spider. Views that carry `ref=reply` came from a link
//! in a support reply and are counted separately. Each view is keyed by a hash of its log line
//! (and how often that exact line came before in the file), so ingesting a log twice, or a
//! rotated copy of it, counts every view once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::DateTime;
use flate2::read::MultiGzDecoder;
use regex::bytes::Regex;
use serde::Serialize;

use super::db::Ledger;
use super::manifest::Manifest;
use super::records::ViewRecord;
use super::urls::SiteUrls;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// At most this many malformed lines are reported one by one per file; the rest are counted.
const REPORTED_MALFORMED: usize = 5;

static COMBINED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(\S+) \S+ \S+ \[([^\]]+)\] "([A-Z]+) (\S+)(?: HTTP/[0-9.]+)?" (\d{3}) (?:\d+|-)(?: "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)")?"#)
        .expect("valid regex")
});

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct LogSummary {
    pub lines_read: u64,
    pub page_views: u64,
    pub from_reply: u64,
    pub new_views: u64,
    pub already_known: u64,
    pub malformed: u64,
    pub bots: u64,
    /// Not `GET` with 200/304.
    pub not_a_page_load: u64,
    /// A URL that is not a page of the site (assets, aliases, unknown paths).
    pub not_a_page: u64,
}

impl std::fmt::Display for LogSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "lines read:     {}", self.lines_read)?;
        writeln!(
            f,
            "page views:     {} ({} from reply links)",
            self.page_views, self.from_reply
        )?;
        writeln!(f, "new:            {}", self.new_views)?;
        writeln!(f, "already known:  {}", self.already_known)?;
        writeln!(
            f,
            "skipped:        {} malformed, {} bots, {} not GET 200/304, {} not a page",
            self.malformed, self.bots, self.not_a_page_load, self.not_a_page
        )
    }
}

/// Ingests the given log files in one transaction.
pub fn ingest(
    ledger: &mut Ledger,
    files: &[PathBuf],
    urls: &SiteUrls,
    manifest: &Manifest,
) -> Result<(LogSummary, Diagnostics), Diagnostic> {
    let mut summary = LogSummary::default();
    let mut diags = Diagnostics::default();
    let writer = ledger.writer()?;
    for file in files {
        let reader = match open(file) {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    Diagnostic::warning("cannot read access log, skipped")
                        .at(file)
                        .cause(e.to_string()),
                );
                continue;
            }
        };
        let mut seen: HashMap<blake3::Hash, u32> = HashMap::new();
        let mut malformed_here = 0usize;
        for (i, line) in reader.split(b'\n').enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    diags.push(
                        Diagnostic::warning(format!(
                            "cannot read past line {}, rest of file skipped",
                            i + 1
                        ))
                        .at(file)
                        .cause(e.to_string()),
                    );
                    break;
                }
            };
            let line = line.strip_suffix(b"\r").unwrap_or(&line);
            if line.is_empty() {
                continue;
            }
            summary.lines_read += 1;
            let view = match classify(line, urls, manifest) {
                Ok(v) => v,
                Err(Reject::Malformed) => {
                    summary.malformed += 1;
                    malformed_here += 1;
                    if malformed_here <= REPORTED_MALFORMED {
                        diags.push(
                            Diagnostic::warning("line is not in combined log format, skipped")
                                .at(file)
                                .line(i + 1),
                        );
                    }
                    continue;
                }
                Err(Reject::Bot) => {
                    summary.bots += 1;
                    continue;
                }
                Err(Reject::NotPageLoad) => {
                    summary.not_a_page_load += 1;
                    continue;
                }
                Err(Reject::NotPage) => {
                    summary.not_a_page += 1;
                    continue;
                }
            };
            let hash = blake3::hash(line);
            let nth = seen.entry(hash).or_default();
            *nth += 1;
            let mut key = blake3::Hasher::new();
            key.update(hash.as_bytes()).update(&nth.to_le_bytes());
            let record = ViewRecord {
                key: key.finalize().to_hex()[..32].to_string(),
                ..view
            };
            summary.page_views += 1;
            summary.from_reply += u64::from(record.from_reply);
            if writer.insert_view(&record)? {
                summary.new_views += 1;
            } else {
                summary.already_known += 1;
            }
        }
        if malformed_here > REPORTED_MALFORMED {
            diags.push(
                Diagnostic::warning(format!(
                    "{} more malformed lines skipped",
                    malformed_here - REPORTED_MALFORMED
                ))
                .at(file),
            );
        }
    }
    writer.commit()?;
    Ok((summary, diags))
}

#[derive(Debug, PartialEq, Eq)]
enum Reject {
    Malformed,
    Bot,
    NotPageLoad,
    NotPage,
}

fn classify(line: &[u8], urls: &SiteUrls, manifest: &Manifest) -> Result<ViewRecord, Reject> {
    let caps = COMBINED.captures(line).ok_or(Reject::Malformed)?;
    let text = |i: usize| {
        caps.get(i)
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
    };
    let time = DateTime::parse_from_str(&text(2).unwrap_or_default(), "%d/%b/%Y:%H:%M:%S %z")
        .map_err(|_| Reject::Malformed)?;
    let agent = text(6).unwrap_or_default().to_ascii_lowercase();
    if ["bot", "crawler", "spider"]
        .iter()
        .any(|b| agent.contains(b))
    {
        return Err(Reject::Bot);
    }
    let status = text(5).unwrap_or_default();
    if text(3).as_deref() != Some("GET") || !(status == "200" || status == "304") {
        return Err(Reject::NotPageLoad);
    }
    let link = urls
        .parse_target(&text(4).unwrap_or_default())
        .ok_or(Reject::NotPage)?;
    let page = manifest.page(&link.path).ok_or(Reject::NotPage)?;
    Ok(ViewRecord {
        key: String::new(),
        day: time
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d")
            .to_string(),
        page: page.url.clone(),
        from_reply: link.from_reply,
    })
}

fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut file = BufReader::new(File::open(path)?);
    let gz = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn Read> = if gz {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(256 * 1024, inner)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::from_json(r#"{"pages":[{"url":"/faq/","title":"FAQ","kind":"faq","updated":null}],"aliases":{"/old/":"/faq/"}}"#).unwrap()
    }

    fn check(line: &str) -> Result<(String, String, bool), Reject> {
        let urls = SiteUrls::from_parts("https://s.example/", &[]);
        classify(line.as_bytes(), &urls, &manifest()).map(|v| (v.day, v.page, v.from_reply))
    }

    #[test]
    fn classifies_lines() {
        let ok = r#"1.2.3.4 - - [10/Oct/2024:23:55:36 -0700] "GET /faq/?ref=reply HTTP/1.1" 200 2326 "-" "Mozilla/5.0""#;
        assert_eq!(check(ok), Ok(("2024-10-11".into(), "/faq/".into(), true)));
        assert_eq!(
            check(&ok.replace("?ref=reply", "index.html")),
            Ok(("2024-10-11".into(), "/faq/".into(), false))
        );
        assert_eq!(check(&ok.replace(" 200 ", " 304 ")).map(|v| v.2), Ok(true));
        assert_eq!(
            check(&ok.replace("Mozilla/5.0", "Googlebot/2.1")),
            Err(Reject::Bot)
        );
        assert_eq!(
            check(&ok.replace(" 200 ", " 404 ")),
            Err(Reject::NotPageLoad)
        );
        assert_eq!(check(&ok.replace("GET", "POST")), Err(Reject::NotPageLoad));
        assert_eq!(check(&ok.replace("/faq/", "/old/")), Err(Reject::NotPage));
        assert_eq!(
            check(&ok.replace("/faq/", "/style.css")),
            Err(Reject::NotPage)
        );
        assert_eq!(check("garbage"), Err(Reject::Malformed));
        assert_eq!(
            check(&ok.replace("10/Oct/2024", "99/Foo/2024")),
            Err(Reject::Malformed)
        );
        // Common log format (no referrer or agent) is accepted too.
        assert!(
            check(r#"1.2.3.4 - - [10/Oct/2024:23:55:36 +0000] "GET /faq/ HTTP/1.0" 200 -"#).is_ok()
        );
    }
}
