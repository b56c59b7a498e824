//! The preview banner (issue 5): a small strip at the top of each page's `<main>` with that
//! page's figures from the reply-link ledger, so a writer editing a page sees how support uses
//! it. Served pages only: the HTML is spliced into the response by [`crate::serve::http::routes`] at the
//! offset the snapshot remembered
//! ([`crate::serve::publish::snapshot::insertion_point`]); `helpsite build` never sees it.
//!
//! The figures are the writer report's own ([`crate::ledger::report::PageReport`], cached by
//! [`super::figures`]). Style and behaviour are files under `/_helpsite/` (`banner.css`,
//! `banner.js`) because the theme's Content-Security-Policy forbids inline style and script.
//! Everything that comes from the ledger is escaped.

use std::fmt::Write as _;

use crate::ledger::report::{Flag, PageReport};

/// The stylesheet and script every banner brings. `data-helpsite` keeps the live reload's
/// stylesheet swap from counting the banner's sheet as one of the page's.
const HEAD: &str = "<link rel=\"stylesheet\" href=\"/_helpsite/banner.css\" data-helpsite=\"banner\">\
<script src=\"/_helpsite/banner.js\" data-helpsite=\"banner\" defer></script>";

/// The banner for a page of the current site, over a period of `days` days.
pub(crate) fn figures(page: &PageReport, days: i64) -> String {
    let mut h = String::with_capacity(2048);
    h.push_str(HEAD);
    h.push_str(
        "<aside class=\"helpsite-banner\" id=\"helpsite-banner\" \
         aria-label=\"Reply-link ledger figures for this page (preview only)\">\
         <div class=\"helpsite-banner-head\"><p class=\"helpsite-banner-title\">",
    );
    match page.linked {
        0 => h.push_str("<strong>Never linked in replies</strong>"),
        1 => h.push_str("<strong>Linked in 1 reply</strong>"),
        n => {
            let _ = write!(h, "<strong>Linked in {n} replies</strong>");
        }
    }
    let _ = write!(
        h,
        " <span class=\"helpsite-banner-period\">in the last {days} days"
    );
    match page.flags.len() {
        0 => {}
        1 => h.push_str(" · 1 flag"),
        n => {
            let _ = write!(h, " · {n} flags");
        }
    }
    h.push_str(
        " · preview only</span></p>\
         <button type=\"button\" class=\"helpsite-banner-toggle\" aria-expanded=\"true\" \
         aria-controls=\"helpsite-banner-body\" hidden>Hide figures</button></div>\
         <div class=\"helpsite-banner-body\" id=\"helpsite-banner-body\">\
         <dl class=\"helpsite-banner-figures\">",
    );
    let last = page
        .last_linked
        .as_deref()
        .map_or("never", |d| d.get(..10).unwrap_or(d));
    let rows: [(&str, &str, String); 8] = [
        ("linked", "Linked", page.linked.to_string()),
        (
            "conversations",
            "Conversations",
            page.conversations.to_string(),
        ),
        ("last-linked", "Last linked", last.to_string()),
        ("reply-views", "Reply views", page.reply_views.to_string()),
        ("views", "All views", page.views.to_string()),
        ("helpful", "Helpful", page.helpful.to_string()),
        ("not-helpful", "Not helpful", page.not_helpful.to_string()),
        (
            "already-read",
            "Already read",
            page.already_read.to_string(),
        ),
    ];
    for (key, label, value) in rows {
        let _ = write!(
            h,
            "<div><dt>{label}</dt><dd data-figure=\"{key}\">{}</dd></div>",
            escape(&value)
        );
    }
    h.push_str("</dl>");
    if !page.flags.is_empty() {
        h.push_str("<ul class=\"helpsite-banner-flags\" aria-label=\"Flags\">");
        for flag in &page.flags {
            let _ = write!(
                h,
                "<li data-flag=\"{}\">{}",
                flag_key(*flag),
                escape(flag.describe())
            );
            if *flag == Flag::MissingAnchor {
                let anchors: Vec<String> = page
                    .missing_anchors
                    .iter()
                    .map(|a| format!("<code>#{}</code>", escape(a)))
                    .collect();
                let _ = write!(h, ": {}", anchors.join(", "));
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>");
    }
    h.push_str(
        "<p class=\"helpsite-banner-more\"><a href=\"/_helpsite/feedback\">Feedback report \
         for all pages</a></p></div></aside>",
    );
    h
}

/// A one-line banner for a ledger that exists but cannot be read.
pub(crate) fn notice(message: &str) -> String {
    format!(
        "{HEAD}<aside class=\"helpsite-banner is-notice\" id=\"helpsite-banner\" \
         aria-label=\"Reply-link ledger (preview only)\"><p class=\"helpsite-banner-title\">\
         No ledger figures: {}</p></aside>",
        escape(message)
    )
}

fn flag_key(flag: Flag) -> &'static str {
    match flag {
        Flag::OftenAlreadyRead => "often-already-read",
        Flag::Stale => "stale",
        Flag::Unused => "unused",
        Flag::MissingAnchor => "missing-anchor",
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> PageReport {
        PageReport {
            url: "/a/".into(),
            title: "A <b>page</b>".into(),
            kind: "guide".into(),
            in_site: true,
            updated: None,
            linked: 0,
            conversations: 0,
            last_linked: None,
            reply_views: 0,
            views: 0,
            helpful: 0,
            not_helpful: 0,
            already_read: 0,
            missing_anchors: Vec::new(),
            flags: vec![Flag::Unused],
        }
    }

    #[test]
    fn unlinked_page_says_never_and_shows_zeros() {
        let h = figures(&page(), 90);
        assert!(
            h.contains("<strong>Never linked in replies</strong>"),
            "{h}"
        );
        assert!(h.contains("in the last 90 days · 1 flag"), "{h}");
        assert!(
            h.contains("<dd data-figure=\"last-linked\">never</dd>"),
            "{h}"
        );
        assert!(h.contains("<dd data-figure=\"views\">0</dd>"), "{h}");
        assert!(h.contains("data-flag=\"unused\">never linked and never viewed"));
        assert!(h.contains("href=\"/_helpsite/feedback\""));
        assert!(
            !h.contains("style=") && !h.contains("<style"),
            "no inline style (CSP)"
        );
    }

    #[test]
    fn ledger_text_is_escaped() {
        let mut p = page();
        p.linked = 7;
        p.last_linked = Some("2025-06-05T10:00:00Z".into());
        p.missing_anchors = vec!["<img src=x onerror=alert(1)>".into()];
        p.flags = vec![Flag::OftenAlreadyRead, Flag::MissingAnchor];
        let h = figures(&p, 30);
        assert!(h.contains("<strong>Linked in 7 replies</strong>"), "{h}");
        assert!(h.contains(">2025-06-05</dd>"), "{h}");
        assert!(h.contains("#&lt;img src=x onerror=alert(1)&gt;"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        let n = notice("cannot read `<x>`: file is not a database");
        assert!(n.contains("`&lt;x&gt;`") && !n.contains("<x>"), "{n}");
    }
}
