//! Templates: the context contract of `themes/default/README.md`, overrides, the embedded theme.

use crate::driver::SiteTest;

#[test]
fn template_context_matches_the_contract() {
    let site = SiteTest::fixture("basic");
    site.build();
    insta::assert_snapshot!(site.output("connect/context/index.html"));
}

#[test]
fn embedded_default_theme_renders_every_kind() {
    // The fixture has no `themes/` folder: the theme comes from the binary.
    let site = SiteTest::fixture("basic");
    site.build();
    for page in [
        "index.html",
        "connect/index.html",
        "connect/senders/index.html",
        "faq/index.html",
        "troubleshooting/sender-not-sending/index.html",
        "404.html",
    ] {
        let html = site.output(page);
        assert!(
            html.contains("help@example.com"),
            "{page}: no support email"
        );
        assert!(html.contains("/style."), "{page}: no hashed stylesheet");
        assert!(
            !html.contains("https://fonts.") && !html.contains("cdn"),
            "{page}: request to another host"
        );
    }
}

#[test]
fn site_templates_override_the_theme() {
    let site = SiteTest::fixture("basic");
    site.write("templates/404.html", "NOT FOUND on {{ site.title }}")
        .build();
    assert_eq!(site.output("404.html"), "NOT FOUND on Example Support");
}

#[test]
fn a_theme_folder_in_the_site_replaces_the_embedded_one() {
    let site = SiteTest::fixture("basic");
    site.write(
        "site.yaml",
        &std::fs::read_to_string(site.root.join("site.yaml"))
            .unwrap()
            .replace(
                "title: Example Support",
                "title: Example Support\ntheme: plain",
            ),
    );
    for name in [
        "page.html",
        "faq.html",
        "troubleshooting.html",
        "section.html",
        "index.html",
    ] {
        site.write(
            &format!("themes/plain/templates/{name}"),
            "{% if page %}{{ page.title }}{% else %}{{ section.title }}{% endif %}",
        );
    }
    site.build();
    assert_eq!(site.output("faq/index.html"), "Frequently asked questions");
    assert_eq!(site.output("connect/index.html"), "Connect");
    assert!(
        !site.output_exists("404.html"),
        "the plain theme has no 404 template"
    );
    assert!(
        site.output("old-faq/index.html")
            .contains("http-equiv=\"refresh\""),
        "fallback redirect page"
    );
}

/// Titles and descriptions from front matter get the body's smart punctuation everywhere a
/// template shows them: the page's heading and `<title>`, its neighbours' sidebar and pager,
/// the section page, and `pages.json`.
#[test]
fn titles_get_the_same_smart_punctuation_as_the_body() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/connect/automations.md",
        "---\ntitle: Why automations don't \"fire\"\ndescription: When it's quiet -- check this\nweight: 2\n---\n\nIt doesn't fire.\n",
    )
    .write(
        "content/connect/_index.md",
        "---\ntitle: Connect's tools\ndescription: Sending messages.\nweight: 1\n---\n\nEverything.\n",
    )
    .build();
    let title = "Why automations don’t “fire”";
    let page = site.output("connect/automations/index.html");
    assert!(page.contains("It doesn’t fire."), "body: {page}");
    assert!(page.contains(&format!("<title>{title}")), "<title>: {page}");
    assert!(page.contains(&format!("{title}</h1>")), "h1: {page}");
    assert!(page.contains("Connect’s tools"), "breadcrumbs: {page}");
    for rel in [
        "connect/automations/index.html",
        "connect/senders/index.html",
        "connect/index.html",
        "_helpsite/pages.json",
    ] {
        let html = site.output(rel);
        assert!(html.contains(title), "{rel} lacks the curly title");
        for raw in ["don&#39;t", "don't", "&quot;fire&quot;", "Connect&#39;s"] {
            assert!(!html.contains(raw), "{rel} shows `{raw}`");
        }
    }
    site.assert_output_contains("index.html", "Connect’s tools")
        .assert_output_lacks("index.html", "Connect&#39;s");
    assert!(
        site.output("connect/index.html")
            .contains("When it’s quiet – check this"),
        "description in the section list"
    );
}
