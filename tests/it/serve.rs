//! `helpsite serve` end to end: a fixture site served on an ephemeral port, edited on disk
//! while the tests listen to the live-reload stream and fetch pages.

use std::io::Read as _;

use crate::serve_support::Served;

const APPLE: &str = "content/guide/apple.md";

#[test]
fn edit_sends_reload_then_serves_new_html() {
    let site = Served::start("serve");
    let before = site.get("/guide/apple/");
    assert_eq!(before.status, 200);
    assert!(before.text().contains("Original apple text."));
    let mut events = site.events();
    site.edit(APPLE, "Original apple text.", "Edited apple text.");
    let reload = events.wait_for_reload_of("/guide/apple/");
    assert!(
        reload["urls"].as_array().unwrap().len() < 5,
        "one edit re-renders little: {reload}"
    );
    let after = site.get("/guide/apple/");
    assert!(
        after.text().contains("Edited apple text."),
        "{}",
        after.text()
    );
    assert!(
        after
            .text()
            .contains(r#"<script src="/_helpsite/livereload.js""#)
    );
    assert_ne!(before.header("etag"), after.header("etag"));
}

#[test]
fn broken_yaml_shows_error_keeps_last_good_build_and_clears() {
    let site = Served::start("serve");
    let mut events = site.events();
    site.edit(APPLE, "weight: 1", "weigth: 1");
    let error = events.wait_for("error");
    // Warnings (this fixture has no contact page) are listed beside the errors.
    let first = errors_only(&error)[0];
    assert_eq!(first["file"], APPLE, "{error}");
    assert_eq!(first["line"], 4, "{error}");
    assert!(
        first["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["marked"] == true && l["text"] == "weigth: 1")
    );
    // The last good build is still served, the broken page included.
    let apple = site.get("/guide/apple/");
    assert_eq!(apple.status, 200);
    assert!(apple.text().contains("Original apple text."));
    assert_eq!(site.get("/guide/banana/").status, 200);
    // A page opened now learns of the error at once.
    site.events().wait_for("error");

    site.edit(APPLE, "weigth: 1", "weight: 1");
    events.wait_for("ok");
    let mut late = site.events();
    assert!(
        !matches!(late.next(), Some((name, _)) if name == "error"),
        "the error is cleared for new pages too"
    );
}

#[test]
fn adding_and_deleting_a_page_updates_navigation() {
    let site = Served::start("serve");
    let mut events = site.events();
    site.write(
        "content/guide/date.md",
        "---\ntitle: Date page\nweight: 4\n---\nDate text.\n",
    );
    events.wait_for_reload_of("/guide/date/");
    assert!(site.get("/guide/date/").text().contains("Date text."));
    assert!(
        site.get("/guide/").text().contains("Date page"),
        "the section lists it"
    );
    assert!(
        site.get("/guide/cherry/").text().contains("/guide/date/"),
        "its sibling links to it (next)"
    );

    std::fs::remove_file(site.root().join("content/guide/date.md")).unwrap();
    events.wait_for_reload_of("/guide/date/");
    let gone = site.get("/guide/date/");
    assert_eq!(gone.status, 404);
    assert!(!site.get("/guide/").text().contains("Date page"));
    assert!(!site.get("/guide/cherry/").text().contains("/guide/date/"));
}

#[test]
fn renaming_with_an_alias_keeps_the_old_url_and_rechecks_links() {
    let site = Served::start("serve");
    let mut events = site.events();
    let text = site
        .read(APPLE)
        .replace("weight: 1", "weight: 1\naliases: [/guide/apple/]");
    site.write("content/guide/apricot.md", text);
    std::fs::remove_file(site.root().join(APPLE)).unwrap();
    // banana.md links to apple.md, which is gone: the link check runs again and says so.
    let error = events.wait_for("error");
    let banana = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "content/guide/banana.md");
    assert!(banana.is_some_and(|e| e["line"] == 5), "{error}");

    site.edit(
        "content/guide/banana.md",
        "(apple.md#first-heading)",
        "(apricot.md#first-heading)",
    );
    events.wait_for("ok");
    assert!(
        site.get("/guide/apricot/")
            .text()
            .contains("Original apple text.")
    );
    let old = site.get("/guide/apple/");
    assert_eq!(old.status, 200, "the alias page");
    assert!(old.text().contains("/guide/apricot/"), "{}", old.text());
    assert!(
        site.get("/guide/banana/")
            .text()
            .contains("/guide/apricot/#first-heading")
    );
}

#[test]
fn renamed_heading_breaks_the_links_into_it() {
    let site = Served::start("serve");
    let mut events = site.events();
    site.edit(APPLE, "## First heading", "## Renamed heading");
    let error = events.wait_for("error");
    let errors = errors_only(&error);
    assert_eq!(errors.len(), 1, "{error}");
    assert_eq!(errors[0]["file"], "content/guide/banana.md");
    assert_eq!(errors[0]["line"], 5);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("first-heading"),
        "{error}"
    );
    site.edit(APPLE, "## Renamed heading", "## First heading");
    events.wait_for("ok");
}

#[test]
fn template_change_rebuilds_every_page() {
    let site = Served::start("serve");
    let mut events = site.events();
    // A new `templates/` folder with an override of a partial every page includes.
    site.write(
        "templates/partials/still-stuck.html",
        "<p class=\"custom\">Custom help for {{ site.title }}</p>",
    );
    events.wait_for_reload_of("/guide/banana/");
    for url in ["/", "/guide/", "/guide/apple/", "/guide/banana/"] {
        assert!(
            site.get(url)
                .text()
                .contains("Custom help for Serve Fixture"),
            "{url}"
        );
    }
}

#[test]
fn stylesheet_change_swaps_css_without_reload() {
    let site = Served::start_with("serve", |root| {
        std::fs::create_dir(root.join("static")).unwrap()
    });
    let mut events = site.events();
    site.write("static/style.css", "body { color: rebeccapurple }\n");
    let css = events.wait_for("css");
    let url = css["urls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u.as_str().unwrap().contains("style"))
        .unwrap();
    let sheet = site.get(url.as_str().unwrap());
    assert_eq!(sheet.status, 200);
    assert!(sheet.text().contains("rebeccapurple"));
    assert!(
        !events.log.iter().any(|(name, _)| name == "reload"),
        "{:?}",
        events.log
    );
}

#[test]
fn stale_page_is_told_to_reload_when_it_connects() {
    let site = Served::start("serve");
    let etag = site
        .get("/guide/apple/")
        .header("etag")
        .unwrap()
        .trim_matches('"')
        .to_string();
    let mut fresh = site.events_for(&format!("?path=/guide/apple/&etag={etag}"));
    let mut watcher = site.events();
    site.edit(APPLE, "Original apple text.", "Newer apple text.");
    watcher.wait_for_reload_of("/guide/apple/");
    fresh.wait_for_reload_of("/guide/apple/");
    // A page fetched before the edit but connecting after it hears about it on connect.
    let mut late = site.events_for(&format!("?path=/guide/apple/&etag={etag}"));
    assert_eq!(late.next().map(|(n, _)| n).as_deref(), Some("reload"));
}

#[test]
fn pretty_urls_404_and_methods() {
    let site = Served::start("serve");
    let redirect = site.get("/guide/apple?x=1");
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some("/guide/apple/?x=1"));
    let index = site.get("/guide/apple/index.html");
    assert_eq!(index.status, 200);
    let missing = site.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        missing.text().contains("/_helpsite/livereload.js"),
        "the site's 404 page, served by the preview"
    );
    let head = site.request("HEAD /guide/apple/ HTTP/1.0\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = site.request("POST /guide/apple/ HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(post.status, 405);
}

#[test]
fn content_types() {
    let site = Served::start_with("serve", |root| {
        std::fs::write(root.join("content/guide/module.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(root.join("content/guide/data.json"), b"{}").unwrap();
        std::fs::write(
            root.join("content/guide/icon.svg"),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .unwrap();
    });
    for (path, expected) in [
        ("/guide/module.wasm", "application/wasm"),
        ("/guide/data.json", "application/json"),
        ("/guide/icon.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/_helpsite/livereload.js", "text/javascript; charset=utf-8"),
    ] {
        let response = site.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(expected), "{path}");
    }
    let page = site.get("/guide/apple/");
    let sheet = page
        .text()
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.ends_with(".css"))
        .map(String::from);
    let sheet = site.get(&sheet.expect("the page links a stylesheet"));
    assert_eq!(
        sheet.header("content-type"),
        Some("text/css; charset=utf-8")
    );
}

#[test]
fn etag_and_not_modified() {
    let site = Served::start("serve");
    let first = site.get("/guide/apple/");
    let etag = first.header("etag").unwrap().to_string();
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    let again = site.get_with("/guide/apple/", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = site.get_with("/guide/apple/", &[("If-None-Match", "\"nope\"")]);
    assert_eq!(other.status, 200);
}

fn data() -> Vec<u8> {
    (0..4096u32).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn byte_ranges() {
    let site = Served::start_with("serve", |root| {
        std::fs::write(root.join("content/guide/data.bin"), data()).unwrap()
    });
    let whole = site.get("/guide/data.bin");
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.body, data());
    let part = site.get_with("/guide/data.bin", &[("Range", "bytes=100-199")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 100-199/4096"));
    assert_eq!(part.body, &data()[100..200]);
    let tail = site.get_with("/guide/data.bin", &[("Range", "bytes=-10")]);
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, &data()[4086..]);
    let beyond = site.get_with("/guide/data.bin", &[("Range", "bytes=5000-")]);
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), Some("bytes */4096"));
    let stale = site.get_with(
        "/guide/data.bin",
        &[("Range", "bytes=0-9"), ("If-Range", "\"old\"")],
    );
    assert_eq!(
        stale.status, 200,
        "If-Range with another ETag gets the whole file"
    );
    // Ranges are never compressed, even when the client accepts gzip.
    let gz = site.get_with(
        "/guide/data.bin",
        &[("Range", "bytes=0-99"), ("Accept-Encoding", "gzip")],
    );
    assert_eq!(gz.status, 206);
    assert_eq!(gz.header("content-encoding"), None);
    assert_eq!(gz.body, &data()[..100]);
    // Several ranges at once, as the search worker asks: one multipart answer, never gzipped.
    let multi = site.get_with(
        "/guide/data.bin",
        &[
            ("Range", "bytes=3000-3009,100-199"),
            ("Accept-Encoding", "gzip"),
        ],
    );
    assert_eq!(multi.status, 206);
    assert_eq!(multi.header("content-encoding"), None);
    let ct = multi.header("content-type").unwrap();
    let boundary = ct
        .strip_prefix("multipart/byteranges; boundary=")
        .unwrap_or_else(|| panic!("content type `{ct}`"));
    let mut expected = Vec::new();
    for (start, end) in [(3000, 3009), (100, 199)] {
        expected.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\n\
                 Content-Range: bytes {start}-{end}/4096\r\n\r\n"
            )
            .as_bytes(),
        );
        expected.extend_from_slice(&data()[start..=end]);
    }
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(multi.body, expected);
    let overlapping = site.get_with("/guide/data.bin", &[("Range", "bytes=0-99,50-149")]);
    assert_eq!(
        overlapping.status, 200,
        "overlapping ranges get the whole file"
    );
    assert_eq!(overlapping.body, data());
}

#[test]
fn gzip_when_accepted() {
    let site = Served::start("serve");
    let plain = site.get("/guide/apple/");
    assert_eq!(plain.header("content-encoding"), None);
    let gz = site.get_with("/guide/apple/", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.status, 200);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(
        gz.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    );
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain.body);
    assert!(gz.body.len() < plain.body.len());
}

#[test]
fn traversal_is_refused_and_nothing_outside_is_read() {
    let site = Served::start("serve");
    std::fs::write(site.outside().join("secret.txt"), "TOP-SECRET").unwrap();
    std::fs::write(site.root().join("secret.txt"), "TOP-SECRET").unwrap();
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/guide/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/secret.txt%00.html",
        "/%00",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        "/%c0%ae%c0%ae/secret.txt",
        "/guide/%2e%2e/%2e%2e/secret.txt",
        "/_helpsite/../secret.txt",
        "http://evil.example/../secret.txt",
        "/../site/site.yaml",
        "/../site/content/guide/apple.md",
    ] {
        let response = site.request(&format!("GET {path} HTTP/1.0\r\n\r\n"));
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.status
        );
        let text = response.text();
        assert!(
            !text.contains("TOP-SECRET")
                && !text.contains("root:")
                && !text.contains("title: Apple"),
            "{path}"
        );
    }
}

#[test]
fn search_route_answers_with_the_engine_over_the_served_index() {
    let site = Served::start("serve");
    let response = site.get("/api/search?q=aple");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(json["query"], "aple");
    // A typo still finds the page whose title holds the word.
    assert_eq!(json["pages"][0]["url"], "/guide/apple/", "{json}");
    assert!(
        json["pages"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Apple")
    );
    // Hostile input is answered, not a crash.
    let response = site.get("/api/search?q=%22%28%5B%3A%2A%5C");
    assert_eq!(response.status, 200);
}

#[test]
fn a_one_page_edit_reaches_the_search_index_after_its_reload_and_old_index_files_stay_served() {
    let site = Served::start("serve");
    let manifest = |site: &Served| -> serde_json::Value {
        serde_json::from_slice(&site.get("/search/manifest.json").body).unwrap()
    };
    let old_pack = format!("/search/{}", manifest(&site)["pack"].as_str().unwrap());
    let found = |site: &Served| -> bool {
        let json: serde_json::Value =
            serde_json::from_slice(&site.get("/api/search?q=zeppelinword").body).unwrap();
        json["pages"][0]["url"] == "/guide/apple/"
    };
    assert!(!found(&site));
    let mut events = site.events();
    site.edit(APPLE, "Original apple text.", "Original zeppelinword text.");
    let reload = events.wait_for_reload_of("/guide/apple/");
    let urls = reload["urls"].as_array().unwrap();
    assert!(
        urls.iter()
            .all(|u| !u.as_str().unwrap().contains("/search/")),
        "the index is not part of the page's reload: {reload}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !found(&site) {
        assert!(
            std::time::Instant::now() < deadline,
            "the edit never reached the index"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_ne!(
        format!("/search/{}", manifest(&site)["pack"].as_str().unwrap()),
        old_pack
    );
    // A page that opened the index before the edit still reads its pack.
    assert_eq!(site.get(&old_pack).status, 200);
}

#[test]
fn port_in_use_names_the_port_and_suggests_another() {
    let site = Served::start("serve");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let builder = helpsite::serve::Incremental::new(&site.root(), Default::default());
    let err = match runtime.block_on(helpsite::serve::start(
        Box::new(builder),
        &site.root(),
        site.addr,
    )) {
        Ok(_) => panic!("a second server on the same port started"),
        Err(err) => err.to_string(),
    };
    let port = site.addr.port();
    assert!(
        err.starts_with(&format!(
            "error: port `{port}` on `127.0.0.1` is already in use"
        )),
        "{err}"
    );
    assert!(err.contains("hint: ") && err.contains("--port"), "{err}");
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve");
    let options = helpsite::pipeline::BuildOptions {
        root,
        out: Some(dir.path().join("public")),
        load: Default::default(),
    };
    let report = helpsite::pipeline::build(&options).unwrap();
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics);
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir.path().join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            assert!(
                !text.contains("_helpsite/livereload"),
                "{}",
                entry.path().display()
            );
            pages += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(pages > 5, "the build wrote the pages ({pages})");
}

#[test]
fn feedback_report_is_served_in_the_preview() {
    let site = Served::start("serve");
    // No ledger yet: say how to start one, and create nothing.
    let response = site.get("/_helpsite/feedback");
    assert_eq!(response.status, 404);
    assert!(
        response.text().contains("helpsite feedback ingest-mail"),
        "{}",
        response.text()
    );
    assert!(!site.root().join(".helpsite/ledger.sqlite").exists());
    // With a ledger: the writer report over the served pages.
    std::fs::create_dir_all(site.root().join(".helpsite")).unwrap();
    let mut ledger =
        helpsite::ledger::Ledger::open(&site.root().join(".helpsite/ledger.sqlite")).unwrap();
    let w = ledger.writer().unwrap();
    w.insert_failed_search(&helpsite::ledger::records::FailedSearchRecord {
        key: "web:1".into(),
        query: "<b>zebra</b> printer".into(),
        day: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        source: helpsite::ledger::records::SearchSource::Box,
    })
    .unwrap();
    w.commit().unwrap();
    let response = site.get("/_helpsite/feedback");
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(
        response.text().contains("Apple page"),
        "{}",
        response.text()
    );
    // Searches with no results, escaped like everything from the ledger.
    assert!(
        response
            .text()
            .contains("<tr><td><code>&lt;b&gt;zebra&lt;/b&gt; printer</code></td><td>1</td>"),
        "{}",
        response.text()
    );
}

#[test]
fn search_in_the_preview_ranks_with_the_reply_link_boost() {
    let site = Served::start_with("serve", |root| {
        let config = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        std::fs::write(
            root.join("site.yaml"),
            config + "feedback:\n  staff_addresses: [\"*@serve.example\"]\n",
        )
        .unwrap();
        for name in ["twin-a", "twin-b"] {
            std::fs::write(
                root.join(format!("content/guide/{name}.md")),
                format!("---\ntitle: Twin {name}\n---\nCalibrating the zebrafish sensor.\n"),
            )
            .unwrap();
        }
        let mbox = "From MAILER-DAEMON Mon May 12 09:00:00 2025\nFrom: Sam <sam@serve.example>\nTo: c@customer.test\nSubject: Re: sensor\nDate: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <twin@serve.example>\nContent-Type: text/plain; charset=utf-8\n\nSee https://serve.example/guide/twin-b/\n";
        std::fs::write(root.join("sent.mbox"), mbox).unwrap();
        let helpsite = |args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
                .args(args)
                .current_dir(root)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
        };
        helpsite(&["build"]);
        helpsite(&["feedback", "ingest-mail", "sent.mbox"]);
    });
    let json: serde_json::Value =
        serde_json::from_slice(&site.get("/api/search?q=zebrafish").body).unwrap();
    let urls: Vec<&str> = json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, ["/guide/twin-b/", "/guide/twin-a/"], "{json}");
}

/// A ledger where `url` went out in two staff replies.
fn ledger_with_two_replies_linking(root: &std::path::Path, url: &str) {
    use helpsite::ledger::records::{LinkRecord, MessageKind, MessageRecord};
    std::fs::create_dir_all(root.join(".helpsite")).unwrap();
    let mut ledger = helpsite::ledger::Ledger::open(&root.join(".helpsite/ledger.sqlite")).unwrap();
    let w = ledger.writer().unwrap();
    for (key, day) in [("r1@x", "2026-11-02"), ("r2@x", "2026-11-09")] {
        w.insert_message(&MessageRecord {
            key: key.into(),
            conversation: key.into(),
            sent_at: format!("{day}T10:00:00Z"),
            kind: MessageKind::Staff,
        })
        .unwrap();
        w.insert_link(&LinkRecord {
            message_key: key.into(),
            page: url.into(),
            anchor: String::new(),
            url: url.into(),
        })
        .unwrap();
    }
    w.commit().unwrap();
}

/// The errors of an `error` event whose message mentions `needle`.
fn errors_mentioning(error: &serde_json::Value, needle: &str) -> Vec<String> {
    error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["severity"] == "error")
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains(needle))
        .map(String::from)
        .collect()
}

#[test]
fn renaming_a_page_staff_linked_shows_the_sent_links_guard_error() {
    const SENT: &str = "`/guide/cherry/` was sent to customers in 2 replies (last on 2026-11-09) and no longer resolves";
    let site = Served::start_with("serve", |root| {
        ledger_with_two_replies_linking(root, "/guide/cherry/")
    });
    let mut events = site.events();
    // Renamed (a full rebuild in the preview): the same refusal as `helpsite build`.
    let text = site.read("content/guide/cherry.md");
    site.write("content/guide/cherries.md", &text);
    std::fs::remove_file(site.root().join("content/guide/cherry.md")).unwrap();
    let error = events.wait_for("error");
    assert_eq!(
        errors_mentioning(&error, "/guide/cherry/"),
        [SENT],
        "{error}"
    );
    assert_eq!(
        site.get("/guide/cherry/").status,
        200,
        "the last good build stays"
    );

    // The old URL kept as an alias: the guard is satisfied.
    site.edit(
        "content/guide/cherries.md",
        "weight: 3",
        "weight: 3\naliases: [/guide/cherry/]",
    );
    events.wait_for("ok");
    assert_eq!(site.get("/guide/cherry/").status, 200, "the alias page");

    // Dropping the alias again is a one-page edit (no full rebuild): still guarded.
    site.edit(
        "content/guide/cherries.md",
        "weight: 3\naliases: [/guide/cherry/]",
        "weight: 3",
    );
    let error = events.wait_for("error");
    assert_eq!(
        errors_mentioning(&error, "/guide/cherry/"),
        [SENT],
        "{error}"
    );
}

/// The entries of an `error` event that are errors, not warnings.
fn errors_only(event: &serde_json::Value) -> Vec<&serde_json::Value> {
    event["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["severity"] == "error")
        .collect()
}
