//! `helpsite feedback report`: per-page figures from the ledger and the flags writers act on.
//!
//! The report is computed as a plain value ([`Report`]) so the table, JSON and HTML outputs
//! (and `helpsite serve`'s preview banner) all show the same numbers. Pages come from the
//! manifest of the current build; ledger rows about old URLs are counted under the page their
//! alias points to now.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use super::db::Ledger;
use super::manifest::Manifest;
use crate::diagnostics::Diagnostic;

/// A page linked at least this often in the period is "linked a lot".
pub const OFTEN_LINKED: u64 = 5;
/// "Already read" answers on at least this share (1/n) of the times linked is "often".
pub const ALREADY_READ_SHARE: u64 = 4;
/// Pages not updated for this many days while linked a lot are flagged.
pub const STALE_DAYS: i64 = 183;
/// How many pages get a weekly chart.
pub const CHARTED_PAGES: usize = 5;
/// At most this many weeks are charted.
pub const MAX_WEEKS: i64 = 52;
/// How many searches with no results the report lists.
pub const FAILED_SEARCHES: usize = 20;

/// The period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    All,
    Days(i64),
}

impl Since {
    /// `90d`, `12w`, `1y` or `all`.
    pub fn parse(s: &str) -> Result<Since, String> {
        if s == "all" {
            return Ok(Since::All);
        }
        let (num, unit) = s.split_at(s.len().saturating_sub(1));
        let n: i64 = num.parse().map_err(|_| format!("`{s}` is not a period"))?;
        match unit {
            "d" => Ok(Since::Days(n)),
            "w" => Ok(Since::Days(n * 7)),
            "y" => Ok(Since::Days(n * 365)),
            _ => Err(format!("`{s}` is not a period")),
        }
    }
}

/// A flag a writer should act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    OftenAlreadyRead,
    Stale,
    Unused,
    MissingAnchor,
}

impl Flag {
    pub fn describe(self) -> &'static str {
        match self {
            Flag::OftenAlreadyRead => {
                "often linked but often already read — the page isn't solving it"
            }
            Flag::Stale => "linked a lot, not updated for 6 months",
            Flag::Unused => "never linked and never viewed",
            Flag::MissingAnchor => "linked anchor no longer exists",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageReport {
    pub url: String,
    pub title: String,
    pub kind: String,
    /// False for ledger pages the current site no longer has (the link guard reports those).
    pub in_site: bool,
    pub updated: Option<String>,
    /// Replies (messages) that linked the page.
    pub linked: u64,
    pub conversations: u64,
    pub last_linked: Option<String>,
    pub reply_views: u64,
    pub views: u64,
    pub helpful: u64,
    pub not_helpful: u64,
    pub already_read: u64,
    /// Anchors linked in the period that the page no longer has.
    pub missing_anchors: Vec<String>,
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeeklyLinks {
    pub url: String,
    pub title: String,
    /// Every week of the period, oldest first.
    pub weeks: Vec<WeekCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekCount {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    /// Replies that linked the page that week.
    pub links: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub generated_at: String,
    /// First day counted, or null for all time.
    pub since: Option<String>,
    pub pages: Vec<PageReport>,
    pub weekly: Vec<WeeklyLinks>,
    /// The most frequent searches with no results in the period, most frequent first.
    pub failed_searches: Vec<FailedSearch>,
}

/// A normalised query that found nothing, as readers' search boxes reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedSearch {
    pub query: String,
    /// Times it was reported in the period (once per query per page view).
    pub count: u64,
    /// `YYYY-MM-DD`.
    pub last_seen: String,
}

#[derive(Default)]
struct Acc {
    messages: BTreeSet<String>,
    conversations: BTreeSet<String>,
    last: Option<String>,
    anchors: BTreeSet<String>,
    weeks: BTreeMap<NaiveDate, BTreeSet<String>>,
    reply_views: u64,
    views: u64,
    answers: [u64; 3],
}

/// Computes the report for the period ending `now`.
pub fn build(
    ledger: &Ledger,
    manifest: &Manifest,
    since: Since,
    now: DateTime<Utc>,
) -> Result<Report, Diagnostic> {
    let start = match since {
        Since::All => None,
        Since::Days(d) => Some((now - Duration::days(d)).date_naive()),
    };
    let start_day = start
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let read_err = |e: rusqlite::Error| {
        Diagnostic::error("cannot read the ledger")
            .at(ledger.path())
            .cause(e.to_string())
    };
    let current = |page: String| {
        manifest
            .current_url(&page)
            .map(str::to_string)
            .unwrap_or(page)
    };
    let mut acc: HashMap<String, Acc> = HashMap::new();
    let conn = ledger.conn();

    let mut stmt = conn
        .prepare(
            "SELECT l.page, l.anchor, l.message_key, m.conversation, m.sent_at
             FROM links l JOIN messages m ON m.key = l.message_key WHERE m.sent_at >= ?1",
        )
        .map_err(read_err)?;
    let mut rows = stmt.query([&start_day]).map_err(read_err)?;
    while let Some(r) = rows.next().map_err(read_err)? {
        let page = current(r.get(0).map_err(read_err)?);
        let anchor: String = r.get(1).map_err(read_err)?;
        let key: String = r.get(2).map_err(read_err)?;
        let sent_at: String = r.get(4).map_err(read_err)?;
        let a = acc.entry(page).or_default();
        a.conversations.insert(r.get(3).map_err(read_err)?);
        if let Some(day) = sent_at
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            a.weeks.entry(monday).or_default().insert(key.clone());
        }
        a.messages.insert(key);
        if a.last.as_ref().is_none_or(|l| *l < sent_at) {
            a.last = Some(sent_at);
        }
        if !anchor.is_empty() {
            a.anchors.insert(anchor);
        }
    }

    let mut stmt = conn.prepare("SELECT page, from_reply, COUNT(*) FROM views WHERE day >= ?1 GROUP BY page, from_reply").map_err(read_err)?;
    let mut rows = stmt.query([&start_day]).map_err(read_err)?;
    while let Some(r) = rows.next().map_err(read_err)? {
        let a = acc.entry(current(r.get(0).map_err(read_err)?)).or_default();
        let n = r.get::<_, i64>(2).map_err(read_err)? as u64;
        a.views += n;
        if r.get::<_, bool>(1).map_err(read_err)? {
            a.reply_views += n;
        }
    }

    let mut stmt = conn.prepare("SELECT page, answer, COUNT(*) FROM feedback WHERE received_at >= ?1 GROUP BY page, answer").map_err(read_err)?;
    let mut rows = stmt.query([&start_day]).map_err(read_err)?;
    while let Some(r) = rows.next().map_err(read_err)? {
        let a = acc.entry(current(r.get(0).map_err(read_err)?)).or_default();
        let i = match r.get::<_, String>(1).map_err(read_err)?.as_str() {
            "yes" => 0,
            "no" => 1,
            _ => 2,
        };
        a.answers[i] += r.get::<_, i64>(2).map_err(read_err)? as u64;
    }

    let stale_before = (now - Duration::days(STALE_DAYS))
        .format("%Y-%m-%d")
        .to_string();
    let mut pages: Vec<PageReport> = Vec::new();
    let mut weeks_by_page: HashMap<String, BTreeMap<NaiveDate, BTreeSet<String>>> = HashMap::new();
    let mut urls: Vec<String> = manifest.pages.iter().map(|p| p.url.clone()).collect();
    let mut extra: Vec<String> = acc
        .keys()
        .filter(|u| manifest.page(u).is_none())
        .cloned()
        .collect();
    extra.sort();
    urls.extend(extra);
    for url in urls {
        let a = acc.remove(&url).unwrap_or_default();
        let page = manifest.page(&url);
        let linked = a.messages.len() as u64;
        let mut row = PageReport {
            title: page.map_or_else(|| url.clone(), |p| p.title.clone()),
            kind: page.map_or_else(String::new, |p| p.kind.clone()),
            in_site: page.is_some(),
            updated: page.and_then(|p| p.updated.clone()),
            url,
            linked,
            conversations: a.conversations.len() as u64,
            last_linked: a.last,
            reply_views: a.reply_views,
            views: a.views,
            helpful: a.answers[0],
            not_helpful: a.answers[1],
            already_read: a.answers[2],
            missing_anchors: page
                .map(|p| {
                    a.anchors
                        .iter()
                        .filter(|x| !p.has_anchor(x))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
            flags: Vec::new(),
        };
        if linked >= OFTEN_LINKED
            && row.already_read >= 2
            && row.already_read * ALREADY_READ_SHARE >= linked
        {
            row.flags.push(Flag::OftenAlreadyRead);
        }
        if row.in_site
            && linked >= OFTEN_LINKED
            && row.updated.as_ref().is_none_or(|u| *u < stale_before)
        {
            row.flags.push(Flag::Stale);
        }
        if row.in_site && linked == 0 && row.views == 0 {
            row.flags.push(Flag::Unused);
        }
        if !row.missing_anchors.is_empty() {
            row.flags.push(Flag::MissingAnchor);
        }
        if linked > 0 {
            weeks_by_page.insert(row.url.clone(), a.weeks);
        }
        pages.push(row);
    }
    pages.sort_by(|a, b| (b.linked, b.views, &a.url).cmp(&(a.linked, a.views, &b.url)));
    let weekly = weekly_series(&pages, &weeks_by_page, start, now);

    // Ties go to the more recent query: it is the likelier gap in the docs today.
    let mut stmt = conn
        .prepare(
            "SELECT query, COUNT(*) AS n, MAX(day) AS last FROM failed_searches WHERE day >= ?1
             GROUP BY query ORDER BY n DESC, last DESC, query LIMIT ?2",
        )
        .map_err(read_err)?;
    let failed_searches = stmt
        .query_map(params![start_day, FAILED_SEARCHES as i64], |r| {
            Ok(FailedSearch {
                query: r.get(0)?,
                count: r.get::<_, i64>(1)? as u64,
                last_seen: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(read_err)?;
    Ok(Report {
        generated_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        since: start.map(|d| d.format("%Y-%m-%d").to_string()),
        pages,
        weekly,
        failed_searches,
    })
}

/// Replies that linked each current page, all time: the input for the search ranking's
/// reply-link boost (issue 5). `current` maps a recorded page URL to the page's URL today
/// (aliases followed), `None` for a page that is gone.
pub fn link_counts(
    ledger: &Ledger,
    current: impl Fn(&str) -> Option<String>,
) -> Result<HashMap<String, u64>, Diagnostic> {
    let read_err = |e: rusqlite::Error| {
        Diagnostic::error("cannot read the ledger")
            .at(ledger.path())
            .cause(e.to_string())
    };
    let mut stmt = ledger
        .conn()
        .prepare("SELECT page, message_key FROM links")
        .map_err(read_err)?;
    let mut per_page: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut rows = stmt.query([]).map_err(read_err)?;
    while let Some(r) = rows.next().map_err(read_err)? {
        let page: String = r.get(0).map_err(read_err)?;
        let Some(page) = current(&page) else {
            continue;
        };
        per_page
            .entry(page)
            .or_default()
            .insert(r.get(1).map_err(read_err)?);
    }
    Ok(per_page
        .into_iter()
        .map(|(p, m)| (p, m.len() as u64))
        .collect())
}

/// Replies per week for the most linked pages, every week of the period present (zeros too)
/// so the charts share one x axis.
fn weekly_series(
    pages: &[PageReport],
    weeks_by_page: &HashMap<String, BTreeMap<NaiveDate, BTreeSet<String>>>,
    start: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Vec<WeeklyLinks> {
    let top: Vec<&PageReport> = pages
        .iter()
        .filter(|p| p.linked > 0)
        .take(CHARTED_PAGES)
        .collect();
    let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let last = monday(now.date_naive());
    let first_seen = top
        .iter()
        .filter_map(|p| weeks_by_page.get(&p.url)?.keys().next().copied())
        .min();
    let Some(first) = start.map(monday).or(first_seen) else {
        return Vec::new();
    };
    let first = first.max(last - Duration::weeks(MAX_WEEKS - 1));
    top.iter()
        .map(|p| {
            let counts = weeks_by_page.get(&p.url);
            let mut weeks = Vec::new();
            let mut w = first;
            while w <= last {
                let n = counts.and_then(|c| c.get(&w)).map_or(0, |s| s.len() as u64);
                weeks.push(WeekCount {
                    week: w.format("%Y-%m-%d").to_string(),
                    links: n,
                });
                w += Duration::weeks(1);
            }
            WeeklyLinks {
                url: p.url.clone(),
                title: p.title.clone(),
                weeks,
            }
        })
        .collect()
}

/// The report as a plain-text table (the default `--format`).
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let period = report
        .since
        .as_deref()
        .map_or_else(|| "all time".to_string(), |s| format!("since {s}"));
    let _ = writeln!(out, "Reply links and reader feedback, {period}\n");
    let header = [
        "page",
        "linked",
        "convs",
        "last linked",
        "reply views",
        "views",
        "yes",
        "no",
        "read",
        "updated",
        "flags",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for p in &report.pages {
        rows.push(vec![
            p.url.clone(),
            p.linked.to_string(),
            p.conversations.to_string(),
            p.last_linked
                .as_deref()
                .and_then(|d| d.get(..10))
                .unwrap_or("-")
                .to_string(),
            p.reply_views.to_string(),
            p.views.to_string(),
            p.helpful.to_string(),
            p.not_helpful.to_string(),
            p.already_read.to_string(),
            p.updated.clone().unwrap_or_else(|| "-".into()),
            p.flags
                .iter()
                .map(|f| flag_code(*f))
                .collect::<Vec<_>>()
                .join(","),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 || i == 3 || i == 9 || i == 10 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let flagged: Vec<&PageReport> = report
        .pages
        .iter()
        .filter(|p| !p.flags.is_empty())
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(out, "\nTo act on:");
        for p in flagged {
            for f in &p.flags {
                let extra = if *f == Flag::MissingAnchor {
                    format!(" (`#{}`)", p.missing_anchors.join("`, `#"))
                } else {
                    String::new()
                };
                let _ = writeln!(out, "  {}: {}{extra}", p.url, f.describe());
            }
        }
    }
    let _ = writeln!(
        out,
        "\nflags: R = often already read, S = stale, U = unused, A = missing anchor"
    );
    let _ = writeln!(out, "\nSearches with no results, {period}:");
    if report.failed_searches.is_empty() {
        let _ = writeln!(out, "  none reported");
    }
    let width = report
        .failed_searches
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(0);
    for s in &report.failed_searches {
        let _ = writeln!(
            out,
            "  {:>width$}  last {}  {}",
            s.count, s.last_seen, s.query
        );
    }
    out
}

fn flag_code(f: Flag) -> &'static str {
    match f {
        Flag::OftenAlreadyRead => "R",
        Flag::Stale => "S",
        Flag::Unused => "U",
        Flag::MissingAnchor => "A",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(Since::parse("90d"), Ok(Since::Days(90)));
        assert_eq!(Since::parse("2w"), Ok(Since::Days(14)));
        assert_eq!(Since::parse("1y"), Ok(Since::Days(365)));
        assert_eq!(Since::parse("all"), Ok(Since::All));
        assert!(Since::parse("soon").is_err());
        assert!(Since::parse("").is_err());
    }
}
