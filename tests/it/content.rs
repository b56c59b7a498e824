//! The content model: pretty URLs, sections, drafts, page assets, aliases, the extra files.

use crate::driver::SiteTest;

#[test]
fn pretty_urls_sections_and_assets() {
    let site = SiteTest::fixture("basic");
    site.build();
    for file in [
        "index.html",
        "faq/index.html",
        "connect/index.html",
        "connect/senders/index.html",
        "connect/automations/index.html",
        "troubleshooting/sender-not-sending/index.html",
        "connect/shot.png",
        "404.html",
    ] {
        assert!(site.output_exists(file), "{file} missing");
    }
    assert_eq!(
        std::fs::read(site.root.join("public/connect/shot.png")).unwrap(),
        b"\x89PNG\r\n\x1a\nfake"
    );
    site.assert_output_contains("connect/index.html", "href=\"/connect/senders/\"")
        .assert_output_contains("connect/index.html", "href=\"/connect/automations/\"");
}

#[test]
fn drafts_only_with_the_flag() {
    let site = SiteTest::fixture("basic");
    site.build();
    assert!(!site.output_exists("connect/draft/index.html"));
    site.assert_output_lacks("sitemap.xml", "draft");
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.output_exists("connect/draft/index.html"));
}

#[test]
fn aliases_redirect_with_refresh_and_canonical() {
    let site = SiteTest::fixture("basic");
    site.build();
    for alias in [
        "old-faq/index.html",
        "questions/index.html",
        "kb/00001/index.html",
    ] {
        let html = site.output(alias);
        assert!(html.contains("http-equiv=\"refresh\""), "{alias}: {html}");
        assert!(html.contains("rel=\"canonical\""), "{alias}: {html}");
    }
    site.assert_output_contains(
        "kb/00001/index.html",
        "https://help.example.com/connect/senders/",
    );
}

#[test]
fn sitemap_robots_and_pages_json() {
    let site = SiteTest::fixture("basic");
    site.build();
    site.assert_output_contains(
        "sitemap.xml",
        "<loc>https://help.example.com/connect/senders/</loc><lastmod>2025-03-04</lastmod>",
    )
    .assert_output_contains("sitemap.xml", "<loc>https://help.example.com/</loc>")
    .assert_output_lacks("sitemap.xml", "old-faq");
    assert_eq!(
        site.output("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://help.example.com/sitemap.xml\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.output("_helpsite/pages.json")).unwrap();
    let senders = json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == "/connect/senders/")
        .unwrap();
    assert_eq!(senders["title"], "Senders");
    assert_eq!(senders["kind"], "guide");
    assert_eq!(senders["updated"], "2025-03-04");
    assert_eq!(
        senders["anchors"],
        serde_json::json!(["verify-a-sender", "status", "verify-a-sender-1"])
    );
    assert_eq!(json["aliases"]["/old-faq/"], "/faq/");
    assert_eq!(json["aliases"]["/kb/00001/"], "/connect/senders/");
    let flow = json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "troubleshooting")
        .unwrap();
    assert_eq!(flow["anchors"], serde_json::json!(["step-verified"]));
}

#[test]
fn static_files_get_hashed_names() {
    let site = SiteTest::fixture("basic");
    site.build();
    let public = site.root.join("public");
    let names: Vec<String> = std::fs::read_dir(&public)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for stem in ["extra.", "style.", "syntax-light.", "syntax-dark."] {
        let hashed = names
            .iter()
            .find(|n| n.starts_with(stem) && n.ends_with(".css"))
            .unwrap_or_else(|| panic!("{stem}css in {names:?}"));
        assert_eq!(hashed.len(), stem.len() + 10 + ".css".len(), "{hashed}");
    }
    assert!(!public.join("style.css").exists());
}

#[test]
fn base_url_flag_moves_every_url() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://example.org/help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site.assert_output_contains(
        "connect/automations/index.html",
        "href=\"/help/connect/senders/#verify-a-sender\"",
    )
    .assert_output_contains("sitemap.xml", "<loc>https://example.org/help/faq/</loc>")
    .assert_output_contains(
        "robots.txt",
        "Sitemap: https://example.org/help/sitemap.xml",
    )
    // Aliases are under the base path too (docs/writing.md, "Aliases"): `/kb/00001/` in front
    // matter is served at `/help/kb/00001/`.
    .assert_output_contains("kb/00001/index.html", "url=/help/connect/senders/")
    .assert_output_contains(
        "_helpsite/pages.json",
        "\"/help/kb/00001/\": \"/help/connect/senders/\"",
    );
}
