//! The command line: `new`, `check`, `check --review`, exit codes, `--verbose`.

use crate::driver::SiteTest;

#[test]
fn new_writes_a_page_that_builds_and_refuses_to_overwrite() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&[
        "new",
        "connect/webhooks.md",
        "--title",
        "Webhooks: \"how\" to",
        "--kind",
        "faq",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "wrote `content/connect/webhooks.md`\n");
    let text = std::fs::read_to_string(site.root.join("content/connect/webhooks.md")).unwrap();
    assert!(
        text.starts_with(
            "---\ntitle: \"Webhooks: \\\"how\\\" to\"\ndescription: \"\"\nkind: faq\nupdated: "
        ),
        "{text}"
    );
    site.build()
        .assert_output_contains("connect/webhooks/index.html", "Webhooks: “how” to");
    let again = site.run(&["new", "content/connect/webhooks.md", "--title", "X"]);
    assert_eq!(again.code, 2, "a usage error, not an error of the site");
    insta::assert_snapshot!(again.stderr, @r"
    error: content/connect/webhooks.md: page already exists
      hint: choose another path; `new` never overwrites
    ");
}

#[test]
fn check_writes_nothing_and_review_lists_pages() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["check", "--review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "content/connect/senders.md: Senders\n");
    assert!(!site.root.join("public").exists());
}

#[test]
fn usage_errors_exit_with_2() {
    let site = SiteTest::fixture("basic");
    assert_eq!(site.run(&["build", "--nope"]).code, 2);
    assert_eq!(
        site.run(&["new", "x.md", "--title", "X", "--kind", "blog"])
            .code,
        2
    );
    // A wrong flag is the command line's error, not the site's.
    let run = site.run(&["build", "--base-url", "example.com/help"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("it must be an absolute http(s) URL"),
        "{}",
        run.stderr
    );
    let help = site.run(&["--help"]);
    for cmd in ["build", "check", "new"] {
        assert!(help.stdout.contains(cmd), "{}", help.stdout);
    }
}

#[test]
fn verbose_prints_stage_timings() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--verbose"]);
    for stage in [
        "load",
        "check links",
        "check flows",
        "templates",
        "check paths",
        "render+stage",
        "swap",
    ] {
        assert!(
            run.stderr.contains(&format!("  {stage} ")),
            "{stage} in {}",
            run.stderr
        );
    }
    // Stage names fit the column, so the figures line up.
    let columns: Vec<usize> = run
        .stderr
        .lines()
        .filter(|l| l.ends_with(" ms"))
        .map(|l| l.len())
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{}", run.stderr);
    // A user reads the summary: how many files changed, not how the write was done.
    let summary = run.stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("built ") && summary.contains(" unchanged, 0 removed)"),
        "{summary}"
    );
    assert!(!summary.contains("linked"), "{summary}");
}

#[test]
fn no_site_here() {
    let site = SiteTest::fixture("basic");
    site.remove("site.yaml");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stderr, @r"
    error: site.yaml: cannot read site config
      caused by: No such file or directory (os error 2)
      hint: run helpsite in the site's root folder or pass `--root DIR`
    error: the site has 1 error
    ");
}

/// With `--root`, the message names the file it could not read, not only `site.yaml`.
#[test]
fn no_site_at_the_given_root() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["check", "--root", "elsewhere"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stderr, @r"
    error: site.yaml: cannot read site config
      caused by: `elsewhere/site.yaml`: No such file or directory (os error 2)
      hint: run helpsite in the site's root folder or pass `--root DIR`
    error: the site has 1 error
    ");
}
