//! Every error case of issue 2, with the exact message a writer sees (stderr snapshots).

use crate::driver::SiteTest;

/// The `basic` fixture with the contact page the theme's button needs, so these snapshots show
/// only the error at hand (the warning about a missing one has its own test).
pub fn basic() -> SiteTest {
    let site = SiteTest::fixture("basic");
    site.write(
        "content/contact.md",
        "---\ntitle: Write a support request\ntemplate: contact.html\n---\n",
    );
    site
}

/// Runs `check` after `edit` and returns stderr; the status must be 1.
fn check_fails(edit: impl FnOnce(&SiteTest)) -> String {
    let site = basic();
    edit(&site);
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "check did not fail:\n{}", run.stderr);
    run.stderr
}

#[test]
fn bad_yaml_names_its_line() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/bad.md",
            "---\ntitle: Bad\ntags: [one, two\nweight: 3\n---\nBody\n",
        );
    }));
}

#[test]
fn unknown_key_with_hint() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/typo.md",
            "---\ntitle: Typo\nweigth: 3\n---\nBody\n",
        );
    }));
}

#[test]
fn unknown_kind_with_hint() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/kind.md",
            "---\ntitle: Kind\nkind: fqa\n---\nBody\n",
        );
    }));
}

#[test]
fn missing_title() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/untitled.md",
            "---\ndescription: no title\n---\nBody\n",
        );
    }));
}

#[test]
fn missing_front_matter() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write("content/connect/bare.md", "# Just Markdown\n");
    }));
}

#[test]
fn broken_link() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write("content/connect/links.md", "---\ntitle: Links\n---\n\nFirst line.\n\nSee [x](sender.md) and [y](../nowhere/x.md).\n");
    }));
}

#[test]
fn broken_anchor() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write("content/connect/anchors.md", "---\ntitle: Anchors\n---\n\n[a](senders.md#verify-the-sender)\n\n[b](#nope)\n\n## Here\n");
    }));
}

#[test]
fn link_to_a_draft() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/to-draft.md",
            "---\ntitle: To draft\n---\n\n[draft](draft.md)\n",
        );
    }));
}

#[test]
fn broken_image() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/img.md",
            "---\ntitle: Img\n---\n\n![gone](gone.png)\n",
        );
    }));
}

#[test]
fn duplicate_heading_ids() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/dupes.md",
            "---\ntitle: Dupes\n---\n\n## One {#same}\n\ntext\n\n## Two {#same}\n",
        );
    }));
}

#[test]
fn alias_collides_with_a_page_or_another_alias() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/alias.md",
            "---\ntitle: Alias\naliases:\n  - /faq/\n  - /old-faq/\n---\nBody\n",
        );
    }));
}

#[test]
fn template_error_names_template_file_and_line() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "templates/404.html",
            "<html>\n<body>\n{{ site.title | nosuchfilter }}\n</body>\n",
        );
    }));
}

#[test]
fn template_render_error_names_template_file_and_line() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write("templates/404.html", "<html>\n\n{{ site.title + 1 }}\n");
    }));
}

#[test]
fn site_yaml_unknown_key_and_nav_link() {
    let stderr = check_fails(|s| {
        let text = std::fs::read_to_string(s.root.join("site.yaml")).unwrap();
        s.write(
            "site.yaml",
            &text.replace("support_email:", "suport_email: x\nsupport_email:"),
        );
    });
    insta::assert_snapshot!("site_yaml_unknown_key", stderr);
    insta::assert_snapshot!(
        "nav_link",
        check_fails(|s| {
            let text = std::fs::read_to_string(s.root.join("site.yaml")).unwrap();
            s.write("site.yaml", &text.replace("link: faq.md", "link: faqs.md"));
        })
    );
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let site = basic();
    site.write("content/a.md", "---\ntitle: A\nweigth: 1\n---\n")
        .write(
            "content/b.md",
            "---\ntitle: B\n---\n[x](nope.md)\n\n## X {#x}\n\n## Y {#x}\n",
        )
        .write(
            "content/c.md",
            "---\ntitle: C\naliases: [/faq/]\n---\n[y](faq.md#nope)\n",
        );
    let run = site.build_fails();
    insta::assert_snapshot!(run.stderr);
    assert!(!site.output_exists("index.html"), "nothing is written");
}

/// A page whose front matter fails to parse is still a page to the link check: links, nav
/// entries and flow answers that lead to it are not reported, only its own error is.
#[test]
fn links_to_a_page_that_failed_to_load_are_not_errors() {
    let stderr = check_fails(|s| {
        s.write(
            "content/faq.md",
            "---\ntitle: FAQ\nweigth: 1\n---\n\n## Q\n",
        )
        .write(
            "content/connect/to-faq.md",
            "---\ntitle: To FAQ\n---\n\n[faq](../faq.md) and [q](../faq.md#q)\n",
        );
    });
    assert!(!stderr.contains("no page"), "{stderr}");
    assert!(!stderr.contains("draft"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn flow_answer_to_a_page_that_failed_to_load_is_not_an_error() {
    let site = SiteTest::fixture("flows");
    let text = std::fs::read_to_string(site.root.join("content/guides/senders.md")).unwrap();
    site.write(
        "content/guides/senders.md",
        &text.replacen("---\n", "---\nweigth: 1\n", 1),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn nav_link_to_a_draft_says_it_is_a_draft() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/faq.md",
            "---\ntitle: FAQ\ndraft: true\n---\n\n## Q\n",
        );
    }));
}

/// An unknown key deep in a flow names its key path and still gets the did-you-mean hint.
#[test]
fn unknown_key_inside_a_flow_names_its_path_with_hint() {
    let site = SiteTest::fixture("flows");
    let file = "content/troubleshooting/not-sending.md";
    let text = std::fs::read_to_string(site.root.join(file)).unwrap();
    site.write(
        file,
        &text.replacen("          next: test", "          nxt: test", 1),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
}

/// An alias (or a page) on a path the build writes itself is an error at its line: the extras,
/// helpsite's folders (`search/` for the search page, `_helpsite/`), published assets (hashed
/// names included) and files copied from `content/`.
#[test]
fn alias_on_a_path_the_build_writes_is_an_error() {
    let site = basic();
    site.build();
    let stylesheet = std::fs::read_dir(site.root.join("public"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.starts_with("style.") && name.ends_with(".css"))
        .expect("a hashed stylesheet");
    site.write(
        "content/connect/reserved.md",
        &format!(
            "---\ntitle: Reserved\naliases:\n  - /search/\n  - /404.html\n  - /sitemap.xml\n  - /robots.txt\n  - /_helpsite/pages.json\n  - /{stylesheet}\n  - /favicon.svg\n  - /connect/shot.png\n  - /old-reserved/\n---\nBody\n"
        ),
    )
    .write("content/_helpsite.md", "---\ntitle: Internal\n---\nBody\n");
    let run = site.build_fails();
    assert!(!run.stderr.contains("old-reserved"), "{}", run.stderr);
    let stderr = run.stderr.replace(&stylesheet, "style.[HASH].css");
    insta::assert_snapshot!(stderr);
    assert!(
        site.output_exists("connect/senders/index.html") && !site.output_exists("old-reserved"),
        "the previous output stays"
    );
}

/// Alias paths are placed under the base path, and so are the reserved paths.
#[test]
fn reserved_paths_are_under_the_base_path() {
    let site = basic();
    site.write(
        "content/connect/reserved.md",
        "---\ntitle: Reserved\naliases:\n  - /search/\n  - /help/search/\n---\nBody\n",
    );
    let run = site.run(&["build", "--base-url", "https://example.com/help/"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
}

/// A bad date says it is the date and how to write one (not only the parser's "input is out
/// of range").
#[test]
fn bad_date_says_how_to_write_one() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/dated.md",
            "---\ntitle: Dated\nupdated: 2025-13-01\n---\nBody\n",
        )
        .write(
            "content/connect/dated-words.md",
            "---\ntitle: Dated\nupdated: last week\n---\nBody\n",
        );
    }));
}

#[test]
fn template_name_typo_gets_a_suggestion() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "content/connect/typo-template.md",
            "---\ntitle: Typo\ntemplate: pag.html\n---\nBody\n",
        );
    }));
}

#[test]
fn nav_link_anchor_typo_gets_a_suggestion() {
    insta::assert_snapshot!(check_fails(|s| {
        let text = std::fs::read_to_string(s.root.join("site.yaml")).unwrap();
        s.write(
            "site.yaml",
            &text.replace("link: faq.md", "link: faq.md#can-i-get-a-refnd"),
        );
    }));
}

/// Overriding `page.html` without the blocks `faq.html` fills fails in the theme's file, which
/// the writer never touched: the hint points at the override.
#[test]
fn override_missing_a_block_points_at_the_override() {
    insta::assert_snapshot!(check_fails(|s| {
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}{{ page.title }}{% endblock content %}\n",
        );
    }));
}

/// Docs converted from another generator (issue 14): other generators' template syntax is a
/// warning at its line (not in code), a broken root-relative link is an error with a
/// did-you-mean hint, the missing contact page is a warning; email autolinks, links inside an
/// image's description and the site's own root-relative URLs (pages, sections, generated and
/// static files) are not errors.
#[test]
fn imported_docs_warnings_and_root_relative_links() {
    let site = SiteTest::fixture("imported");
    let run = site.build_fails();
    insta::assert_snapshot!(run.stderr);
    site.write(
        "content/docs/api.md",
        &std::fs::read_to_string(site.root.join("content/docs/api.md"))
            .unwrap()
            .replace("/docs/instaling/", "/docs/installing/"),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("warning:").count(), 5, "{}", run.stderr);
}

/// Under a base path, root-relative links inside it are checked (with the base path in the
/// hint) and links to the rest of the host are not.
#[test]
fn root_relative_links_under_a_base_path() {
    let site = basic();
    site.write(
        "content/connect/rooted.md",
        "---\ntitle: Rooted\n---\n\n[ok](/help/faq/#can-i-get-a-refund) [alias](/help/old-faq/)\n\n[typo](/help/connect/sender/) [anchor](/help/faq/#refnd)\n\n[elsewhere](/status/) [page path](/faq.md)\n",
    );
    let run = site.run(&["build", "--base-url", "https://example.com/help/"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
}

/// Without a page at `/contact/` the build says so once, and no page links to it.
#[test]
fn missing_contact_page_is_a_warning_and_the_button_is_left_out() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(
        run.stderr
            .lines()
            .filter(|l| !l.starts_with("built "))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for page in [
        "index.html",
        "faq/index.html",
        "connect/senders/index.html",
        "404.html",
    ] {
        site.assert_output_lacks(page, "Write a support request")
            .assert_output_lacks(page, "contact/")
            .assert_output_contains(page, "mailto:help@example.com");
    }
    let site = basic();
    let run = site.run(&["build"]);
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    site.assert_output_contains(
        "faq/index.html",
        "<a class=\"button\" href=\"/contact/?page=/faq/\">Write a support request</a>",
    );
}

/// A site's own theme whose search box leads to `/search/` but that has no `search.html` is an
/// error naming the missing template, not a 404 behind every search.
#[test]
fn own_theme_without_a_search_page_is_an_error() {
    let site = basic();
    let default = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for entry in walkdir::WalkDir::new(&default) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&default).unwrap();
        if entry.file_type().is_file() && rel != std::path::Path::new("templates/search.html") {
            let dest = site.root.join("themes/mine").join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}theme: mine\n"));
    insta::assert_snapshot!(site.build_fails().stderr);
}
