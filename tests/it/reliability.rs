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
