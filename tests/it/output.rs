//! Writing: the atomic swap, a failed build leaving the old site intact, incremental rebuilds.

use crate::driver::SiteTest;

#[test]
fn a_failed_build_leaves_the_old_output_untouched() {
    let site = SiteTest::fixture("basic");
    site.build();
    let before = site.output("connect/automations/index.html");
    site.write(
        "content/connect/automations.md",
        "---\ntitle: Automations v2\n---\n[broken](nope.md)\n",
    );
    let run = site.build_fails();
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(site.output("connect/automations/index.html"), before);
    assert!(
        !site
            .root
            .join(".public.prev")
            .join("connect/automations/index.html")
            .exists()
            || {
                // The staging folder may hold the previous generation, never the failed one.
                !std::fs::read_to_string(
                    site.root
                        .join(".public.prev/connect/automations/index.html"),
                )
                .unwrap()
                .contains("v2")
            }
    );
}

#[test]
fn rebuilds_write_only_what_changed() {
    let site = SiteTest::fixture("basic");
    let first = site.run(&["build"]);
    assert!(
        first.stderr.contains(" written, 0 unchanged, 0 removed)"),
        "{}",
        first.stderr
    );
    let second = site.run(&["build"]);
    assert!(
        second.stderr.contains("(0 written,"),
        "unchanged rebuild writes nothing: {}",
        second.stderr
    );
    site.write(
        "content/connect/automations.md",
        "---\ntitle: Automations\nweight: 2\n---\n\nChanged body.\n",
    )
    .build();
    site.assert_output_contains("connect/automations/index.html", "Changed body.");
    let third = site.run(&["build"]);
    assert!(third.stderr.contains("(0 written,"), "{}", third.stderr);
}

#[test]
fn a_removed_page_disappears_from_the_output() {
    let site = SiteTest::fixture("basic");
    site.build();
    assert!(site.output_exists("connect/context/index.html"));
    site.remove("content/connect/context.md").build();
    assert!(!site.output_exists("connect/context/index.html"));
    site.build();
    assert!(!site.output_exists("connect/context/index.html"));
}

#[test]
fn refuses_to_replace_a_folder_helpsite_did_not_write() {
    let site = SiteTest::fixture("basic");
    site.write("public/mine.txt", "keep me");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
    assert_eq!(site.output("mine.txt"), "keep me");
}
