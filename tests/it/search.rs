//! `helpsite build` writes the search index; `helpsite search` answers from the same engine.

use crate::driver::SiteTest;

fn json(run: &crate::driver::Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", run.stdout))
}

#[test]
fn build_writes_manifest_hot_file_and_pack() {
    let site = SiteTest::fixture("search");
    site.build();
    let manifest: serde_json::Value =
        serde_json::from_str(&site.output("search/manifest.json")).unwrap();
    for key in ["hot", "pack"] {
        let name = manifest[key].as_str().unwrap();
        assert!(name.starts_with("index-"), "{name}");
        assert!(
            site.output_exists(&format!("search/{name}")),
            "{name} missing"
        );
    }
    assert_eq!(manifest["pages"], 6);
}

#[test]
fn build_verbose_reports_index_time_and_size() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["build", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("search index: "), "{}", run.stderr);
    assert!(run.stderr.contains("KiB"), "{}", run.stderr);
}

/// The search index's output files: manifest, hot file and pack, by name and bytes.
fn index_files(site: &SiteTest) -> Vec<(String, Vec<u8>)> {
    let dir = site.root.join("public/search");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n == "manifest.json" || n.starts_with("index-"))
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_rebuild_reuses_indexed_chunks_from_the_sites_cache_and_survives_a_damaged_one() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["build", "--verbose"]);
    assert!(
        run.stderr.contains("(0 of 1 chunks reused)"),
        "{}",
        run.stderr
    );
    let first = index_files(&site);
    let cache = site.root.join(".helpsite/cache/search");
    let chunks: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
    assert_eq!(chunks.len(), 1, "{chunks:?}");

    let run = site.run(&["build", "--verbose"]);
    assert!(
        run.stderr.contains("(1 of 1 chunks reused)"),
        "{}",
        run.stderr
    );
    assert_eq!(index_files(&site), first);

    std::fs::write(chunks[0].path(), b"damaged").unwrap();
    let run = site.run(&["build", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(0 of 1 chunks reused)"),
        "{}",
        run.stderr
    );
    assert_eq!(index_files(&site), first);

    // An edit is indexed: the cache never answers with stale text.
    site.write(
        "content/account/password.md",
        &std::fs::read_to_string(site.root.join("content/account/password.md"))
            .unwrap()
            .replace("expired", "zanzibarexpired"),
    );
    site.build();
    assert_ne!(index_files(&site), first);
    let run = site.run(&["search", "zanzibarexpired"]);
    assert!(run.stdout.contains("Reset your password"), "{}", run.stdout);
}

#[test]
fn search_prints_absolute_urls_to_paste() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["search", "passowrd", "expired"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first: Vec<&str> = run.stdout.lines().take(5).collect();
    assert_eq!(first[0], "1. Reset your password");
    assert_eq!(
        first[1],
        "   https://help.example.com/support/account/password/"
    );
    assert!(
        run.stdout
            .contains("https://help.example.com/support/account/password/#the-link-has-expired")
    );
    assert!(
        run.stdout.contains("› The link has expired"),
        "{}",
        run.stdout
    );
}

#[test]
fn search_json_is_the_results_shape() {
    let site = SiteTest::fixture("search");
    let v = json(&site.run(&["search", "--json", "autom"]));
    assert_eq!(v["query"], "autom");
    assert_eq!(v["pages"][0]["url"], "/support/connect/automations/");
    assert_eq!(
        v["pages"][0]["sub"][0]["url"],
        "/support/connect/automations/#limits"
    );
    assert!(
        v["pages"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
}

#[test]
fn search_filters_by_section_and_kind() {
    let site = SiteTest::fixture("search");
    let v = json(&site.run(&["search", "--json", "--kind", "faq", "address"]));
    assert_eq!(v["pages"].as_array().unwrap().len(), 1);
    assert_eq!(v["pages"][0]["url"], "/support/faq/");
    let v = json(&site.run(&["search", "--json", "--section", "connect", "link"]));
    assert_eq!(v["pages"].as_array().unwrap().len(), 0);
    let v = json(&site.run(&["search", "--json", "--limit", "1", "account"]));
    assert_eq!(v["pages"].as_array().unwrap().len(), 1);
}

#[test]
fn search_escapes_html_and_survives_hostile_queries() {
    let site = SiteTest::fixture("search");
    let v = json(&site.run(&["search", "--json", "locked"]));
    let snippet = v["pages"][0]["sub"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("&lt;script&gt;") && !snippet.contains("<script"),
        "{snippet}"
    );
    let huge = "x".repeat(10 * 1024);
    for q in [r#"+-&&||!(){}[]^"~*?:\/"#, "\"", huge.as_str()] {
        let run = site.run(&["search", "--", q]);
        assert_eq!(run.code, 0, "{q}: {}", run.stderr);
        assert!(run.stderr.contains("no results for"), "{}", run.stderr);
    }
}

/// Two pages alike but for their names, a staff mbox linking the second `replies` times, and
/// the site config with `reply_boost` (none: the default).
fn twins(reply_boost: Option<&str>, replies: usize) -> SiteTest {
    let site = SiteTest::fixture("search");
    let mut config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    config.push_str("feedback:\n  staff_addresses: [\"*@example.com\"]\n");
    if let Some(boost) = reply_boost {
        config.push_str(&format!("search:\n  reply_boost: {boost}\n"));
    }
    site.write("site.yaml", &config);
    for name in ["twin-a", "twin-b"] {
        site.write(
            &format!("content/connect/{name}.md"),
            &format!("---\ntitle: Twin {name}\n---\nCalibrating the zebrafish sensor takes three steps.\n"),
        );
    }
    site.build();
    let mut mbox = String::new();
    for i in 0..replies {
        mbox.push_str(&format!(
            "From MAILER-DAEMON Mon May 12 09:00:00 2025\nFrom: Sam <sam@example.com>\nTo: c{i}@customer.test\nSubject: Re: sensor {i}\nDate: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <twin-{i}@example.com>\nContent-Type: text/plain; charset=utf-8\n\nHello,\nplease see https://help.example.com/support/connect/twin-b/\nSam\n\n"
        ));
    }
    site.write("sent.mbox", &mbox);
    let run = site.run(&["feedback", "ingest-mail", "sent.mbox"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn zebrafish_urls(site: &SiteTest) -> Vec<String> {
    let results = json(&site.run(&["search", "--json", "zebrafish sensor"]));
    results["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap().to_string())
        .collect()
}

/// The built index ranks like `helpsite search`: the built site's first result.
fn built_first(site: &SiteTest) -> String {
    site.build();
    let engine = helpsite_search::Engine::open_dir(&site.root.join("public/search")).unwrap();
    let results = engine.search(&helpsite_search::Query::new("zebrafish sensor"));
    results.pages[0].url.clone()
}

#[test]
fn pages_staff_link_in_replies_rank_higher_on_a_near_tie() {
    let (a, b) = ("/support/connect/twin-a/", "/support/connect/twin-b/");
    let unlinked = twins(None, 0);
    assert_eq!(
        zebrafish_urls(&unlinked),
        [a, b],
        "without replies, page order breaks the tie"
    );
    assert_eq!(built_first(&unlinked), a);

    let linked = twins(None, 3);
    assert_eq!(
        zebrafish_urls(&linked),
        [b, a],
        "the page linked in 3 replies comes first"
    );
    assert_eq!(built_first(&linked), b, "the built index ranks the same");

    let off = twins(Some("0"), 3);
    assert_eq!(
        zebrafish_urls(&off),
        [a, b],
        "`reply_boost: 0` turns it off"
    );
    assert_eq!(built_first(&off), a);
}

#[test]
fn reply_boost_out_of_range_is_an_error_naming_the_key() {
    let site = SiteTest::fixture("search");
    let mut config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    config.push_str("search:\n  reply_boost: 5\n");
    site.write("site.yaml", &config);
    let run = site.build_fails();
    assert!(
        run.stderr
            .contains("`search.reply_boost` must be between 0 and 1, got `5`"),
        "{}",
        run.stderr
    );
}
