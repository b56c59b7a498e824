//! Issue 13: a build never writes, replaces or removes anything outside its output folder, and
//! never loses what is already built. Each test is named after the case it guards.

use std::path::Path;

use crate::driver::SiteTest;

/// A folder beside the site (the temporary folder holds `site/` and this), with one file.
fn victim(site: &SiteTest) -> std::path::PathBuf {
    let dir = site.root.parent().unwrap().join("victim");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "precious").unwrap();
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn issue_13_an_alias_with_dot_dot_writes_and_deletes_nothing_outside_the_output() {
    let site = SiteTest::fixture("basic");
    let victim = victim(&site);
    let faq = read(&site.root.join("content/faq.md"));
    site.build();
    site.write(
        "content/connect/context.md",
        "---\ntitle: Context dump\ntemplate: context.html\naliases:\n  - ../content/faq.md\n  - ../../victim\n  - /ok/../../victim/\n---\n\n## One\n",
    );
    let run = site.build_fails();
    for (line, alias) in [
        (5, "../content/faq.md"),
        (6, "../../victim"),
        (7, "/ok/../../victim/"),
    ] {
        assert!(
            run.stderr.contains(&format!(
                "error: content/connect/context.md:{line}: alias `{alias}`"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    // `check` finds the same problems.
    let check = site.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("alias `../../victim`"),
        "{}",
        check.stderr
    );
    // Nothing outside the output was touched, and the live site is the previous build.
    assert_eq!(read(&site.root.join("content/faq.md")), faq);
    assert_eq!(read(&victim.join("keep.txt")), "precious");
    assert!(site.output_exists("connect/context/index.html"));
}

#[test]
fn issue_13_stale_manifest_entries_that_escape_are_never_followed() {
    let site = SiteTest::fixture("basic");
    let victim = victim(&site);
    site.build().build();
    // Both generations' manifests list paths outside the output, as a damaged or hand-edited
    // manifest (or one written by an old build with a `..` alias) would.
    for tree in ["public", ".public.prev"] {
        let manifest = site.root.join(tree).join("_helpsite/manifest.tsv");
        let mut text = read(&manifest);
        text.push_str("0123456789abcdef0123456789abcdef\t../../victim/keep.txt\n");
        text.push_str("0123456789abcdef0123456789abcdef\t../content/faq.md\n");
        text.push_str("0123456789abcdef0123456789abcdef\t/etc/hostname-not-ours\n");
        std::fs::write(&manifest, text).unwrap();
    }
    site.build().build().build();
    assert_eq!(read(&victim.join("keep.txt")), "precious");
    assert!(site.root.join("content/faq.md").exists());
    site.assert_output_contains("faq/index.html", "Short answers");
    // The manifests written since list only paths inside the output.
    for tree in ["public", ".public.prev"] {
        let text = read(&site.root.join(tree).join("_helpsite/manifest.tsv"));
        assert!(!text.contains(".."), "{tree}: {text}");
    }
}

#[test]
fn issue_13_an_alias_with_a_backslash_or_empty_segment_is_refused_at_its_line() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/connect/context.md",
        "---\ntitle: Context dump\ntemplate: context.html\naliases:\n  - /a//b/\n  - '..\\..\\victim'\n  - /./x/\n---\n",
    );
    let run = site.build_fails();
    for line in [5, 6, 7] {
        assert!(
            run.stderr
                .contains(&format!("error: content/connect/context.md:{line}: alias")),
            "{}",
            run.stderr
        );
    }
    assert!(!site.output_exists("index.html"));
}

#[test]
fn issue_13_a_second_build_into_one_output_is_refused_while_the_first_runs() {
    let site = SiteTest::fixture("basic");
    site.build();
    let before = site.output("connect/automations/index.html");
    // Hold the output's lock as a running build does (the OS lock `helpsite build` takes).
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(site.root.join(".public.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(site.root.join(".public.lock"), "4242\n").unwrap();
    site.write(
        "content/connect/automations.md",
        "---\ntitle: Automations\n---\nNew.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("another build is running (pid 4242)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("wait for it to finish"),
        "{}",
        run.stderr
    );
    assert_eq!(site.output("connect/automations/index.html"), before);
    drop(lock);
    site.build();
    site.assert_output_contains("connect/automations/index.html", "New.");
}

#[test]
fn issue_13_builds_started_together_never_leave_a_mixed_site() {
    let site = SiteTest::fixture("basic");
    site.build();
    for round in 0..4 {
        site.write(
            "content/connect/automations.md",
            &format!("---\ntitle: Automations\n---\nRound {round}.\n"),
        );
        let runs: Vec<_> = (0..3)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
                    .arg("build")
                    .current_dir(&site.root)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut built = 0;
        for child in runs {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => built += 1,
                Some(2) => assert!(stderr.contains("another build is running"), "{stderr}"),
                other => panic!("{other:?}: {stderr}"),
            }
        }
        assert!(built >= 1, "round {round}: no build succeeded");
        site.assert_output_contains("connect/automations/index.html", &format!("Round {round}."));
    }
    // The next build finds both generations right: nothing is reused that is not.
    let run = site.run(&["build", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("repaired"), "{}", run.stderr);
}

#[test]
fn issue_13_a_torn_output_is_repaired_not_trusted() {
    let site = SiteTest::fixture("basic");
    site.build().build();
    let good = site.output("connect/senders/index.html");
    // An older build's bytes under a manifest that lists the new ones: what a build racing
    // another one left behind. The file is written in place, so it is torn in both
    // generations (they share the inode).
    std::fs::write(
        site.root.join("public/connect/senders/index.html"),
        "old content",
    )
    .unwrap();
    let run = site.run(&["build", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("repaired: 1 files"), "{}", run.stderr);
    assert_eq!(site.output("connect/senders/index.html"), good);
    site.build();
    assert_eq!(site.output("connect/senders/index.html"), good);
}

#[test]
fn issue_13_an_output_inside_content_is_refused() {
    let site = SiteTest::fixture("basic");
    for out in ["content/public", "static/site", "./content/../content/x"] {
        let run = site.run(&["build", "--out", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains("which the build reads"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("choose an `--out` outside"),
            "{}",
            run.stderr
        );
    }
    assert!(!site.root.join("content/public").exists());
    assert!(!site.root.join("content/.public.prev").exists());
}

#[test]
fn issue_13_an_output_that_is_a_link_keeps_serving_every_build() {
    let site = SiteTest::fixture("basic");
    let www = site.root.parent().unwrap().join("www/html");
    std::fs::create_dir_all(&www).unwrap();
    std::os::unix::fs::symlink(&www, site.root.join("public")).unwrap();
    for round in 0..3 {
        site.write(
            "content/connect/automations.md",
            &format!("---\ntitle: Automations\n---\nRound {round}.\n"),
        )
        .build();
        let link = std::fs::symlink_metadata(site.root.join("public")).unwrap();
        assert!(link.file_type().is_symlink(), "round {round}");
        assert!(
            read(&www.join("connect/automations/index.html")).contains(&format!("Round {round}.")),
            "round {round}"
        );
    }
}

#[test]
fn issue_13_two_pages_with_one_url_are_an_error_naming_both() {
    let site = SiteTest::fixture("basic");
    site.build();
    site.write("content/dupe.md", "---\ntitle: Dupe\n---\nOne.\n")
        .write(
            "content/dupe/_index.md",
            "---\ntitle: Dupe section\n---\nTwo.\n",
        );
    let run = site.build_fails();
    assert!(
        run.stderr.contains(
            "error: content/dupe.md: the page's URL `/dupe/` is also the URL of `content/dupe/_index.md`"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.output_exists("dupe/index.html"));
    assert_eq!(site.run(&["check"]).code, 1);
}

#[test]
fn issue_13_copied_files_on_generated_paths_are_errors_naming_both() {
    let site = SiteTest::fixture("basic");
    site.build();
    let sitemap = site.output("sitemap.xml");
    site.write("content/sitemap.xml", "<mine/>")
        .write("content/_helpsite/pages.json", "{}")
        .write("content/search/index-x.pack", "x")
        .write("content/extra.css", "/* not the static one */")
        .write("static/404.html", "mine")
        .write("static/search/manifest.json", "{}")
        .write("content/search/notes.txt", "fine: no generated name");
    // `static/extra.css` is published under its hashed name, so `content/extra.css` is free.
    let run = site.build_fails();
    for needle in [
        "error: content/sitemap.xml: the file's output path `sitemap.xml` collides with the sitemap `sitemap.xml` the build generates",
        "error: content/_helpsite/pages.json: the file's output path `_helpsite/pages.json` collides with helpsite's own data in `_helpsite/`",
        "error: content/search/index-x.pack: the file's output path `search/index-x.pack` collides with the search page or index file",
        "error: static/404.html: the static file's output path `404.html` collides with the not-found page `404.html` the build generates",
        "error: static/search/manifest.json: the static file's output path `search/manifest.json` collides with the search page or index file",
    ] {
        assert!(run.stderr.contains(needle), "{needle}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert!(!run.stderr.contains("extra.css"), "{}", run.stderr);
    assert_eq!(site.output("sitemap.xml"), sitemap);
}

#[test]
fn issue_13_a_content_file_on_a_static_files_path_is_an_error_naming_both() {
    let site = SiteTest::fixture("basic");
    site.write("static/img/logo.png", "static logo")
        .write("content/img/logo.png", "content logo");
    let run = site.build_fails();
    assert!(
        run.stderr.contains(
            "error: content/img/logo.png: the file's output path `img/logo.png` collides with the static file `static/img/logo.png`"
        ),
        "{}",
        run.stderr
    );
}
