//! Markdown rendering as the built page shows it.

use crate::driver::SiteTest;

#[test]
fn fragment_html() {
    let site = SiteTest::fixture("basic");
    site.build();
    insta::assert_snapshot!(site.output("fragment/index.html"));
}

#[test]
fn headings_links_callouts_code_tables_footnotes() {
    let site = SiteTest::fixture("basic");
    site.build();
    let html = site.output("connect/senders/index.html");
    for needle in [
        "<h2 id=\"verify-a-sender\">Verify a sender <a class=\"anchor\" href=\"#verify-a-sender\" aria-label=\"Link to this section\">#</a></h2>",
        "<h2 id=\"verify-a-sender-1\">",
        "<h3 id=\"status\">",
        "href=\"/faq/#how-fast-do-you-reply\"",
        "src=\"/connect/shot.png\"",
        "<div class=\"callout callout-warning\" role=\"note\">",
        "<table>",
        "<pre><code class=\"language-json\"><span class=\"",
        "type=\"checkbox\"",
        "It’s “quick”",
        "footnote-definition",
    ] {
        assert!(html.contains(needle), "`{needle}` not in:\n{html}");
    }
}

#[test]
fn faq_json_ld() {
    let site = SiteTest::fixture("basic");
    site.build();
    let html = site.output("faq/index.html");
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD script")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(doc["@type"], "FAQPage");
    assert_eq!(doc["mainEntity"][0]["name"], "How fast do you reply?");
    assert_eq!(
        doc["mainEntity"][0]["acceptedAnswer"]["text"],
        "<p>Within <strong>2 business days</strong>.</p>"
    );
    assert!(html.contains("id=\"can-i-get-a-refund\""));
}
