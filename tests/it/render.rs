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
