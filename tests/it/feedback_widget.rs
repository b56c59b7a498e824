//! The reader feedback partial renders with Tera 2, carries what feedback.js needs, and has no
//! inline script (the site's CSP is `default-src 'self'`).

use std::path::Path;

fn render(endpoint: Option<&str>) -> String {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates/partials/feedback.html");
    let mut tera = tera::Tera::new();
    tera.add_raw_template(
        "partials/feedback.html",
        &std::fs::read_to_string(theme).unwrap(),
    )
    .unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert(
        "assets",
        &serde_json::json!({"feedback.css": "/feedback.1.css", "feedback.js": "/feedback.1.js"}),
    );
    ctx.insert("site", &serde_json::json!({"support_email": "hello@divergent.cloud", "feedback_endpoint": endpoint}));
    ctx.insert("page", &serde_json::json!({"url": "/connect/senders/", "title": "Senders & \"domains\"", "permalink": "https://support.divergent.cloud/connect/senders/"}));
    tera.render("partials/feedback.html", &ctx).unwrap()
}

#[test]
fn partial_with_and_without_endpoint() {
    let with = render(Some("https://feedback.divergent.cloud/api/feedback"));
    assert!(with.contains("data-endpoint=\"https:"), "{with}");
    assert!(
        with.contains("data-page=\"/connect/senders/\"")
            || with.contains("data-page=\"&#x2F;connect&#x2F;senders&#x2F;\""),
        "{with}"
    );
    for answer in ["yes", "no", "already-read"] {
        assert!(
            with.contains(&format!("data-answer=\"{answer}\"")),
            "{with}"
        );
    }
    assert!(with.contains("Did this page solve your problem?"));
    assert!(with.contains("I had already read this page before contacting support"));
    let without = render(None);
    assert!(!without.contains("data-endpoint"), "{without}");
    assert!(
        without.contains("data-email=\"hello@divergent.cloud\""),
        "{without}"
    );
    for html in [&with, &without] {
        assert!(
            html.matches("<script").count() == html.matches("<script src=").count()
                && !html.contains("onclick")
                && !html.contains("style="),
            "inline script or style: {html}"
        );
        assert!(
            !html.contains("Senders & \"domains\""),
            "title must be escaped: {html}"
        );
    }
}

#[test]
fn script_speaks_the_ingest_format() {
    let js = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/feedback.js"),
    )
    .unwrap();
    assert!(
        js.contains(&format!(
            "\"{} \"",
            helpsite::ledger::mail::message::FEEDBACK_SUBJECT
        )),
        "subject prefix matches ingest"
    );
    assert!(js.contains("\"Page: \"") && js.contains("\"Answer: \""));
    assert!(js.contains("credentials: \"omit\""));
}

/// The `connect-src` of a built page's Content-Security-Policy, entities decoded.
fn connect_src(html: &str) -> String {
    let start = html.find("connect-src").expect("a CSP with connect-src");
    let end = start + html[start..].find(';').unwrap();
    html[start..end].replace("&#x2F;", "/")
}

#[test]
fn csp_lets_the_widget_reach_its_endpoint_and_nothing_else() {
    let site = crate::driver::SiteTest::fixture("basic");
    site.build();
    assert_eq!(
        connect_src(&site.output("faq/index.html")),
        "connect-src 'self'"
    );
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}feedback:\n  endpoint: https://feedback.example.com/api/feedback\n"),
    );
    site.build();
    assert_eq!(
        connect_src(&site.output("faq/index.html")),
        "connect-src 'self' https://feedback.example.com/api/feedback"
    );
    // A same-origin path is covered by 'self'.
    site.write(
        "site.yaml",
        &format!("{yaml}feedback:\n  endpoint: /api/feedback\n"),
    );
    site.build();
    assert_eq!(
        connect_src(&site.output("faq/index.html")),
        "connect-src 'self'"
    );
    // Anything that could add a CSP source or directive is refused.
    site.write(
        "site.yaml",
        &format!(
            "{yaml}feedback:\n  endpoint: \"https://x.example/ 'unsafe-eval'; script-src *\"\n"
        ),
    );
    let run = site.build_fails();
    assert!(
        run.stderr.contains(
            "error: site.yaml: `feedback.endpoint` must be an http(s) URL or a path on this site"
        ),
        "{}",
        run.stderr
    );
}
