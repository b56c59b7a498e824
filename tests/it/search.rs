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

/// Whether the hot file carries the whole pack (a small site's index, read with the engine).
fn whole_pack_is_hot(site: &SiteTest) -> bool {
    let manifest: serde_json::Value =
        serde_json::from_str(&site.output("search/manifest.json")).unwrap();
    let blocks = manifest["pack_len"]
        .as_u64()
        .unwrap()
        .div_ceil(manifest["block_size"].as_u64().unwrap());
    manifest["hot_blocks"] == serde_json::json!([[0, blocks]])
}

#[test]
fn a_small_sites_whole_index_is_hot_unless_inline_pack_max_is_0() {
    let site = SiteTest::fixture("search");
    // Enough stored text that the pack has blocks a query reads only when it needs them.
    for n in 0..40 {
        let body: String = (0..300)
            .map(|w| format!("word{} ", (n * 7919 + w * 104_729) % 50_021))
            .collect();
        site.write(
            &format!("content/extra/page-{n}.md"),
            &format!("---\ntitle: Extra page {n}\n---\n\n{body}\n"),
        );
    }
    site.build();
    assert!(whole_pack_is_hot(&site), "the default inlines a small pack");
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}search:\n  inline_pack_max: 0\n"),
    );
    site.build();
    assert!(!whole_pack_is_hot(&site), "0 keeps the pack apart");
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

/// Lets the files just written age past the timestamp resolution, so the kept index's stamp
/// can be trusted (see `staff_search`): a search right after an edit always indexes again.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(150));
}

#[test]
fn a_second_search_answers_from_the_kept_index_with_the_same_output() {
    let site = SiteTest::fixture("search");
    settle();
    for args in [
        &["search", "passowrd", "expired"][..],
        &["search", "--json", "autom"],
        &["search", "--kind", "faq", "address"],
        &["search", "zzzzqqq"],
    ] {
        let first = site.run(args);
        let second = site.run(args);
        assert_eq!(first.code, 0, "{}", first.stderr);
        assert_eq!(second.stdout, first.stdout, "{args:?}");
        let note = "note: indexing the site for this search";
        assert!(
            site.root
                .join(".helpsite/cache/staff-search/index")
                .exists(),
            "{}",
            first.stderr
        );
        assert!(!second.stderr.contains(note), "{}", second.stderr);
        // Everything but the note is the same on stderr too.
        let without_note: String = first
            .stderr
            .lines()
            .filter(|l| !l.starts_with(note))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(second.stderr, without_note, "{args:?}");
    }
}

#[test]
fn an_edit_a_new_page_or_new_replies_make_the_search_index_again() {
    let site = SiteTest::fixture("search");
    settle();
    let note = |run: &crate::driver::Run| {
        run.stderr
            .lines()
            .find(|l| l.starts_with("note:"))
            .map(str::to_string)
    };
    let run = site.run(&["search", "zanzibar"]);
    assert_eq!(
        note(&run).as_deref(),
        Some(
            "note: indexing the site for this search (none was kept); the next one reuses the index"
        )
    );
    assert!(run.stderr.contains("no results for `zanzibar`"));
    assert_eq!(note(&site.run(&["search", "zanzibar"])), None);

    site.write(
        "content/connect/zanzibar.md",
        "---\ntitle: Zanzibar\n---\nA page about zanzibar.\n",
    );
    settle();
    let run = site.run(&["search", "zanzibar"]);
    assert!(
        note(&run).unwrap().contains("(content changed)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("1. Zanzibar\n"), "{}", run.stdout);
    assert!(
        site.run(&["search", "zanzibar"])
            .stdout
            .starts_with("1. Zanzibar\n")
    );

    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}search:\n  synonyms: [[island, zanzibar]]\n"),
    );
    settle();
    let run = site.run(&["search", "island"]);
    assert!(
        note(&run).unwrap().contains("(site.yaml changed)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("1. Zanzibar\n"), "{}", run.stdout);

    // New staff replies change the ranking, so they too make it index again.
    let (a, b) = ("/support/connect/twin-a/", "/support/connect/twin-b/");
    let twins = twins(None, 0);
    settle();
    assert_eq!(zebrafish_urls(&twins), [a, b]);
    assert_eq!(zebrafish_urls(&twins), [a, b]);
    let mut mbox = String::new();
    for i in 0..3 {
        mbox.push_str(&format!(
            "From MAILER-DAEMON Mon May 12 09:00:00 2025\nFrom: Sam <sam@example.com>\nTo: c{i}@customer.test\nSubject: Re: sensor {i}\nDate: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <later-{i}@example.com>\nContent-Type: text/plain; charset=utf-8\n\nplease see https://help.example.com/support/connect/twin-b/\n\n"
        ));
    }
    twins.write("later.mbox", &mbox);
    assert_eq!(
        twins.run(&["feedback", "ingest-mail", "later.mbox"]).code,
        0
    );
    let run = twins.run(&["search", "--json", "zebrafish sensor"]);
    assert!(
        note(&run)
            .unwrap()
            .contains("(the ledger's staff replies changed)"),
        "{}",
        run.stderr
    );
    assert_eq!(zebrafish_urls(&twins), [b, a]);
}

#[test]
fn a_site_with_errors_still_reports_them_and_keeps_nothing() {
    let site = SiteTest::fixture("search");
    site.write(
        "content/connect/broken.md",
        "---\ntitle: [unclosed\n---\nText.\n",
    );
    settle();
    let run = site.run(&["search", "password"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/connect/broken.md"),
        "{}",
        run.stderr
    );
    assert!(
        !site
            .root
            .join(".helpsite/cache/staff-search/index")
            .exists()
    );
}

#[test]
fn synonyms_from_site_yaml_work_in_search_and_travel_in_the_built_manifest() {
    let site = SiteTest::fixture("search");
    let before = json(&site.run(&["search", "--json", "passcode"]));
    assert_eq!(before["pages"].as_array().unwrap().len(), 0);
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "{config}search:\n  synonyms:\n    - [password, passcode]\n    - [sign in, log on]\n"
        ),
    );
    let v = json(&site.run(&["search", "--json", "passcode"]));
    assert_eq!(v["pages"][0]["url"], "/support/account/password/");
    site.build();
    let manifest: serde_json::Value =
        serde_json::from_str(&site.output("search/manifest.json")).unwrap();
    assert_eq!(manifest["synonyms"][0][1], "passcode");
    // The built index answers like `helpsite search`.
    let engine = helpsite_search::Engine::open_dir(&site.root.join("public/search")).unwrap();
    let built = engine.search(&helpsite_search::Query::new("passcode"));
    let shape = |pages: &serde_json::Value| -> Vec<(String, String)> {
        pages
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["url"].to_string(), p["snippet"].to_string()))
            .collect()
    };
    assert_eq!(
        shape(&serde_json::to_value(&built).unwrap()["pages"]),
        shape(&v["pages"]),
        "the built index and `helpsite search` differ"
    );
}

#[test]
fn synonym_groups_are_checked_and_unknown_search_keys_rejected() {
    let site = SiteTest::fixture("search");
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}search:\n  synonyms:\n    - [password]\n"),
    );
    let run = site.build_fails();
    assert!(
        run.stderr.contains(
            "error: site.yaml:6: `search.synonyms` group 1 needs at least two entries, got 1"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: each group lists"),
        "{}",
        run.stderr
    );
    site.write(
        "site.yaml",
        &format!("{config}search:\n  synonym: [[a, b]]\n"),
    );
    let run = site.build_fails();
    assert!(run.stderr.contains("site.yaml:6"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `synonyms`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn flow_steps_are_found_and_land_on_their_step() {
    let site = SiteTest::fixture("flows");
    let v = json(&site.run(&["search", "--json", "mark it as not spam"]));
    let page = &v["pages"][0];
    assert_eq!(page["url"], "/troubleshooting/not-sending/");
    assert_eq!(
        page["sub"][0]["url"],
        "/troubleshooting/not-sending/#step-spam"
    );
    assert_eq!(page["sub"][0]["trail"][0], "Mark it as not spam");
    // A step's answers are its text too.
    let v = json(&site.run(&["search", "--json", "next one arrived in my inbox"]));
    assert_eq!(
        v["pages"][0]["sub"][0]["url"],
        "/troubleshooting/not-sending/#step-spam"
    );
}

#[test]
fn no_results_offer_the_nearest_known_words() {
    let site = SiteTest::fixture("search");
    let run = site.run(&["search", "zanzibar", "qwertyx", "pasword"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    for line in [
        "no results for `zanzibar qwertyx pasword`",
        "  did you mean: zanzibar qwertyx password",
        "  no page uses `zanzibar`",
        "  `pasword`: nearest known words: password",
    ] {
        assert!(
            run.stderr.contains(&format!("{line}\n")),
            "{line}:\n{}",
            run.stderr
        );
    }
}

/// The bundled support site (`content/`, `site.yaml`) in a temporary folder.
fn bundled() -> SiteTest {
    let site = SiteTest::fixture("search");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::remove_dir_all(site.root.join("content")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(site.root.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), site.root.join(rel)).unwrap();
        }
    }
    std::fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).unwrap();
    site
}

fn first_urls(site: &SiteTest, query: &str) -> Vec<String> {
    json(&site.run(&["search", "--json", query]))["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 15's queries on the bundled site, with its synonyms.
#[test]
fn the_bundled_site_answers_the_customers_queries() {
    let site = bundled();
    let urls = first_urls(&site, "txt mesages not sent");
    assert_eq!(
        urls[0], "/troubleshooting/connect-sender-not-sending/",
        "{urls:?}"
    );
    let urls = first_urls(&site, "change logo on login page");
    assert_eq!(urls[0], "/identity/branding/", "{urls:?}");
    let looping = urls.iter().position(|u| u == "/identity/oauth-errors/");
    assert!(looping.is_none_or(|i| i > 0), "{urls:?}");
    // No page is about subscriptions: nothing is the honest answer.
    assert_eq!(
        first_urls(&site, "cancel my subscription"),
        Vec::<String>::new()
    );
    let run = site.run(&["search", "cancel my subscription"]);
    assert!(
        run.stderr.contains("no page uses `subscription`"),
        "{}",
        run.stderr
    );
    // A quoted flow step lands on it.
    let v = json(&site.run(&["search", "--json", "send yourself a test text"]));
    assert_eq!(
        v["pages"][0]["sub"][0]["url"],
        "/troubleshooting/connect-sender-not-sending/#step-sms-test"
    );
}

#[test]
fn the_previews_api_search_applies_the_sites_synonyms() {
    let site = crate::serve_support::Served::start_with("serve", |root| {
        let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        std::fs::write(
            root.join("site.yaml"),
            format!("{config}search:\n  synonyms: [[apple, pomme]]\n"),
        )
        .unwrap();
    });
    let json: serde_json::Value =
        serde_json::from_slice(&site.get("/api/search?q=pomme").body).unwrap();
    assert_eq!(json["pages"][0]["url"], "/guide/apple/", "{json}");
}
