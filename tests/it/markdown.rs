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

/// Markdown as other people write it (issue 14): an email autolink is a `mailto:` link even when
/// a file of that name sits beside the page; table column alignment is a class the theme's
/// stylesheet styles (the CSP blocks inline `style`); a link in an image's description is not
/// checked; a relative link keeps its query string.
#[test]
fn other_peoples_markdown() {
    let site = SiteTest::fixture("imported");
    site.write(
        "content/docs/api.md",
        "---\ntitle: API\n---\n\n![Diagram, see [the notes](notes.md)](diagram.png)\n\n[Filtered](installing.md?filter=npm#install-with-npm)\n",
    )
    .write("content/hello@divergent.cloud", "not a page");
    site.build();
    site.assert_output_contains(
        "index.html",
        "<a href=\"mailto:hello@divergent.cloud\">hello@divergent.cloud</a>",
    )
    .assert_output_lacks("index.html", "mailto:/");
    let api = site.output("docs/api/index.html");
    for needle in [
        "<img src=\"/docs/diagram.png\" alt=\"Diagram, see the notes\"",
        "<a href=\"/docs/installing/?filter=npm#install-with-npm\">Filtered</a>",
    ] {
        assert!(api.contains(needle), "`{needle}` not in:\n{api}");
    }
    let installing = site.output("docs/installing/index.html");
    assert!(
        installing.contains(
            "<th class=\"align-left\">Option</th><th class=\"align-center\">Default</th><th class=\"align-right\">Meaning</th>"
        ),
        "{installing}"
    );
    assert!(!installing.contains("style=\""), "{installing}");
    let css_name = std::fs::read_dir(site.root.join("public"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("a hashed stylesheet");
    let css = site.output(&css_name);
    for rule in [
        ".prose .align-center { text-align: center; }",
        ".prose .align-right { text-align: right; }",
    ] {
        assert!(css.contains(rule), "{rule} not in {css_name}");
    }
}

/// Many headings with one title get `-1`, `-2`… in order, each id once, also past explicit ids
/// that take some of the suffixes (issue 13: this was quadratic, 31 s for 20,000).
#[test]
fn many_identical_headings_get_distinct_ids_in_order() {
    let site = SiteTest::fixture("basic");
    let mut body = String::from("---\ntitle: Steps\n---\n\n## Step {#step-3}\n\n");
    for _ in 0..3000 {
        body.push_str("## Step\n\nDo it.\n\n");
    }
    site.write("content/connect/steps.md", &body).build();
    let html = site.output("connect/steps/index.html");
    let ids: Vec<&str> = html
        .match_indices("<h2 id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .filter(|id| id.starts_with("step"))
        .collect();
    let mut expected = vec!["step-3".to_string(), "step".to_string()];
    expected.extend((1..=3000).filter(|&n| n != 3).map(|n| format!("step-{n}")));
    let first_wrong = ids.iter().zip(&expected).position(|(a, b)| a != b);
    assert!(
        ids.len() == expected.len() && first_wrong.is_none(),
        "{} ids for {} headings; first wrong at {first_wrong:?}: {:?}",
        ids.len(),
        expected.len(),
        first_wrong.map(|i| (ids[i], &expected[i]))
    );
}
