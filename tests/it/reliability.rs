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

#[test]
fn issue_13_names_a_url_cannot_carry_are_refused_with_a_hint() {
    let site = SiteTest::fixture("basic");
    site.write("content/my page.md", "---\ntitle: Spaced\n---\n")
        .write("content/c#.md", "---\ntitle: Sharp\n---\n")
        .write("content/why?.md", "---\ntitle: Why\n---\n")
        .write("content/100%/a.md", "---\ntitle: Percent\n---\n")
        .write("content/connect/Screen Shot.png", "png");
    let run = site.build_fails();
    for (file, what) in [
        ("content/my page.md", "a space"),
        ("content/c#.md", "`#`"),
        ("content/why?.md", "`?`"),
        ("content/100%", "`%`"),
        ("content/connect/Screen Shot.png", "a space"),
    ] {
        assert!(
            run.stderr.contains(&format!("error: {file}: the name `")),
            "{file}\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("has {what}")),
            "{what}\n{}",
            run.stderr
        );
    }
    // A refused folder is one error, not one per file in it.
    assert!(!run.stderr.contains("100%/a.md"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hint: rename it with `-`"),
        "{}",
        run.stderr
    );
}

/// Runs `helpsite ARGS` in `site`, failing the test if it takes over a minute (a hang).
fn run_with_timeout(site: &SiteTest, args: &[&str]) -> (i32, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(args)
        .current_dir(&site.root)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("`helpsite {}` hung", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn issue_13_a_fifo_in_content_is_skipped_with_a_warning() {
    let site = SiteTest::fixture("basic");
    for name in ["content/connect/pipe.md", "content/connect/pipe.png"] {
        let status = std::process::Command::new("mkfifo")
            .arg(site.root.join(name))
            .status()
            .unwrap();
        assert!(status.success());
    }
    for command in ["check", "build"] {
        let (code, stderr) = run_with_timeout(&site, &[command]);
        assert_eq!(code, 0, "{command}: {stderr}");
        for name in ["content/connect/pipe.md", "content/connect/pipe.png"] {
            assert!(
                stderr.contains(&format!("warning: {name}: skipped: not a regular file")),
                "{command}: {stderr}"
            );
        }
    }
    assert!(!site.output_exists("connect/pipe/index.html"));
    assert!(!site.output_exists("connect/pipe.png"));
}

#[test]
fn issue_13_links_to_files_outside_the_site_are_refused_and_inside_followed() {
    let site = SiteTest::fixture("basic");
    let secret = site.root.parent().unwrap().join("secret.md");
    std::fs::write(&secret, "---\ntitle: Secret\n---\nsalary list\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.root.join("content/leak.md")).unwrap();
    std::os::unix::fs::symlink(victim(&site), site.root.join("content/everything")).unwrap();
    site.write(
        "shared/note.md",
        "---\ntitle: Shared note\n---\nShared text.\n",
    );
    std::os::unix::fs::symlink(
        site.root.join("shared/note.md"),
        site.root.join("content/note.md"),
    )
    .unwrap();
    let run = site.build_fails();
    for link in ["content/leak.md", "content/everything"] {
        assert!(
            run.stderr.contains(&format!(
                "error: {link}: refusing to follow a symbolic link: it points to `"
            )),
            "{link}\n{}",
            run.stderr
        );
    }
    std::fs::remove_file(site.root.join("content/leak.md")).unwrap();
    std::fs::remove_file(site.root.join("content/everything")).unwrap();
    site.build();
    site.assert_output_contains("note/index.html", "Shared text.");
    assert!(!site.output_exists("leak/index.html"));
}

/// Every file under `dir`, path → bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn issue_13_identical_input_gives_byte_identical_output() {
    let builds: Vec<_> = (0..3)
        .map(|_| {
            let site = SiteTest::fixture("search");
            site.build();
            let files = tree(&site.root.join("public"));
            (site, files)
        })
        .collect();
    let (first, rest) = builds.split_first().unwrap();
    assert!(first.1.contains_key("_helpsite/manifest.tsv"));
    assert!(first.1.keys().any(|k| k.starts_with("search/index-")));
    for (_, files) in rest {
        assert_eq!(
            first.1.keys().collect::<Vec<_>>(),
            files.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in files {
            assert!(
                first.1[path] == *bytes,
                "`{path}` differs between identical builds"
            );
        }
    }
    // A rebuild of the same site gives the same bytes again.
    let (site, files) = &builds[0];
    site.build();
    assert!(tree(&site.root.join("public")) == *files);
}

#[test]
fn issue_13_raw_html_is_passed_through_under_a_csp_that_blocks_inline_script() {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/connect/automations.md",
        "---\ntitle: Automations\n---\n\nPress <kbd>Ctrl</kbd>.\n\n<script>alert(1)</script>\n",
    )
    .build();
    let html = site.output("connect/automations/index.html");
    assert!(html.contains("<kbd>Ctrl</kbd>"), "{html}");
    assert!(html.contains("<script>alert(1)</script>"), "{html}");
    let csp = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page has a CSP");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("a script-src directive");
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
}
