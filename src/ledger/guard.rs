//! The sent-links guard: every URL ever sent to a customer in a reply must keep working.
//!
//! The build calls [`check_sent_links`] with a resolver that knows the new site; a sent URL
//! that is neither a page nor an alias is an error (the build fails), a vanished heading anchor
//! a warning, both naming how many replies carried the link and when it was last sent.

use std::collections::BTreeMap;

use super::db::Ledger;
use super::manifest::{Lookup, Manifest};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What a sent path (and anchor) is in the site being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// A page (with the anchor, when one was asked for).
    Page,
    /// An alias that redirects to a page (with the anchor, when one was asked for).
    Alias,
    /// Neither a page nor an alias.
    Missing,
    /// The page exists but has no heading with that anchor.
    MissingAnchor,
}

#[derive(Debug, Default)]
struct Sent {
    replies: u64,
    last: String,
    anchors: BTreeMap<String, (u64, String)>,
}

/// Checks every distinct URL in the ledger against `resolve(path, anchor)`.
pub fn check_sent_links(
    ledger: &Ledger,
    resolve: impl Fn(&str, Option<&str>) -> Resolution,
) -> Result<Diagnostics, Diagnostic> {
    let read_err = |e: rusqlite::Error| {
        Diagnostic::error("cannot read the ledger")
            .at(ledger.path())
            .cause(e.to_string())
    };
    let conn = ledger.conn();
    let mut sent: BTreeMap<String, Sent> = BTreeMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT l.url, COUNT(DISTINCT l.message_key), MAX(m.sent_at)
             FROM links l JOIN messages m ON m.key = l.message_key GROUP BY l.url",
        )
        .map_err(read_err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(read_err)?;
    for row in rows {
        let (url, replies, last) = row.map_err(read_err)?;
        sent.insert(
            url,
            Sent {
                replies,
                last,
                anchors: BTreeMap::new(),
            },
        );
    }
    let mut stmt = conn
        .prepare(
            "SELECT l.url, l.anchor, COUNT(DISTINCT l.message_key), MAX(m.sent_at)
             FROM links l JOIN messages m ON m.key = l.message_key WHERE l.anchor != '' GROUP BY l.url, l.anchor",
        )
        .map_err(read_err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(read_err)?;
    for row in rows {
        let (url, anchor, replies, last) = row.map_err(read_err)?;
        if let Some(s) = sent.get_mut(&url) {
            s.anchors.insert(anchor, (replies, last));
        }
    }
    let mut diags = Diagnostics::default();
    for (url, s) in &sent {
        if resolve(url, None) == Resolution::Missing {
            diags.push(
                Diagnostic::error(format!(
                    "`{url}` was sent to customers in {} {} (last on {}) and no longer resolves",
                    s.replies,
                    plural(s.replies),
                    day(&s.last)
                ))
                .hint(format!("restore the page, or add `{url}` to the `aliases:` of the page that replaced it")),
            );
            continue;
        }
        for (anchor, (replies, last)) in &s.anchors {
            if resolve(url, Some(anchor)) == Resolution::MissingAnchor {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{url}#{anchor}` was sent to customers in {replies} {} (last on {}) and the page has no heading `{anchor}` any more",
                        plural(*replies),
                        day(last)
                    ))
                    .hint(format!("give the heading that replaced it the id `{anchor}` (`## Title {{#{anchor}}}`)")),
                );
            }
        }
    }
    Ok(diags)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "reply" } else { "replies" }
}

fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// A resolver over a built site's manifest (for `helpsite feedback check-links`, and for the
/// build until it passes its own).
pub fn manifest_resolver(manifest: &Manifest) -> impl Fn(&str, Option<&str>) -> Resolution + '_ {
    move |path, anchor| {
        let (page, resolution) = match manifest.lookup(path) {
            Lookup::Page(p) => (p, Resolution::Page),
            Lookup::Alias(p) => (p, Resolution::Alias),
            Lookup::Unknown => return Resolution::Missing,
        };
        match anchor {
            Some(a) if !page.has_anchor(a) => Resolution::MissingAnchor,
            _ => resolution,
        }
    }
}
