//! Files besides the pages: `sitemap.xml`, `robots.txt`, FAQ JSON-LD, the fallback redirect
//! page, and `_helpsite/pages.json` (the page list the feedback service and the ledger read).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark_escape::escape_html;
use serde::Serialize;

use crate::content::Page;
use crate::site::Site;

pub const PAGES_JSON: &str = "_helpsite/pages.json";

pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut pages: Vec<&Page> = site.pages().iter().filter(|p| !p.meta.draft).collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    for page in pages {
        xml.push_str("  <url><loc>");
        escape_html(&mut xml, &site.config.permalink(&page.url)).expect("infallible");
        xml.push_str("</loc>");
        if let Some(updated) = page.meta.updated {
            write!(xml, "<lastmod>{updated}</lastmod>").expect("infallible");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    let sitemap = site.config.permalink(&format!(
        "{}{}",
        site.config.base_path(),
        super::reserved::SITEMAP
    ));
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}

/// schema.org FAQPage for a `kind: faq` page, as a ready `<script>` element.
pub fn faq_json_ld(page: &Page) -> Option<String> {
    if page.body.faq.is_empty() {
        return None;
    }
    let entities: Vec<serde_json::Value> = page
        .body
        .faq
        .iter()
        .map(|f| {
            serde_json::json!({
                "@type": "Question",
                "name": f.question,
                "acceptedAnswer": { "@type": "Answer", "text": f.answer },
            })
        })
        .collect();
    let doc = serde_json::json!({ "@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities });
    // `<` as `\u003c` keeps `</script>` in an answer from closing the element.
    let json = doc.to_string().replace('<', "\\u003c");
    Some(format!(
        "<script type=\"application/ld+json\">{json}</script>"
    ))
}

/// A redirect page for sites whose theme has no `alias.html`.
pub fn fallback_alias(target: &str, permalink: &str) -> String {
    let mut t = String::new();
    escape_html(&mut t, target).expect("infallible");
    let mut p = String::new();
    escape_html(&mut p, permalink).expect("infallible");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Moved</title><link rel=\"canonical\" href=\"{p}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\n<body><p>This page moved to <a href=\"{t}\">{p}</a>.</p></body></html>\n"
    )
}

#[derive(Serialize)]
struct PagesJson<'a> {
    pages: Vec<PageEntry<'a>>,
    /// Old URL → the URL it redirects to.
    aliases: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct PageEntry<'a> {
    url: &'a str,
    title: &'a str,
    kind: &'a str,
    updated: Option<String>,
    anchors: Vec<String>,
}

pub fn pages_json(site: &Site) -> Vec<u8> {
    let doc = PagesJson {
        pages: site
            .pages()
            .iter()
            .map(|p| PageEntry {
                url: &p.url,
                title: &p.meta.title,
                kind: if p.is_index {
                    "section"
                } else {
                    p.meta.kind.as_str()
                },
                updated: p.meta.updated.map(|d| d.to_string()),
                anchors: p.anchors().collect(),
            })
            .collect(),
        aliases: site
            .aliases
            .iter()
            .map(|(from, &to)| (from.as_str(), site.pages()[to].url.as_str()))
            .collect(),
    };
    serde_json::to_vec_pretty(&doc).expect("plain data serializes")
}
