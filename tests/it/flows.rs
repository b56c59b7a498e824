//! Troubleshooting flows through the whole build: the fixture `tests/fixtures/flows` renders
//! every step, and a broken flow fails the build with file, step and line, reported together
//! with the site's other problems.

use std::path::{Path, PathBuf};

use helpsite::pipeline::{BuildOptions, build};
use helpsite::site::LoadOptions;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/flows");

fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(FIXTURE) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(FIXTURE).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn run(root: PathBuf) -> helpsite::pipeline::BuildReport {
    build(&BuildOptions {
        root,
        out: None,
        load: LoadOptions::default(),
    })
    .unwrap()
}

fn page(report: &helpsite::pipeline::BuildReport, path: &str) -> String {
    let site = report.site.as_ref().expect("the site loaded");
    let renderer = helpsite::render::Renderer::new(site, false).expect("the theme loads");
    let (output, diagnostics) = renderer.render_all(site);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    String::from_utf8(
        output
            .get(path)
            .unwrap_or_else(|| panic!("no `{path}` in the output"))
            .to_vec(),
    )
    .unwrap()
}

#[test]
fn fixture_renders_every_step_as_an_anchored_section() {
    let report = run(FIXTURE.into());
    assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
    let html = page(&report, "troubleshooting/not-sending/index.html");
    let start = html
        .find("<section class=\"flow\"")
        .expect("the flow is rendered");
    let end = html[start..]
        .find("</p>\n</section>")
        .expect("the flow section ends")
        + start
        + "</p>\n</section>".len();
    insta::assert_snapshot!(&html[start..end]);
}

#[test]
fn every_page_links_the_composer_with_itself_prefilled() {
    let report = run(FIXTURE.into());
    let html = page(&report, "guides/senders/index.html");
    assert!(
        html.contains(r#"<a class="button" href="/contact/?page=/guides/senders/">"#),
        "{html}"
    );
    let contact = page(&report, "contact/index.html");
    assert!(contact.contains(r#"data-support-email="help@example.com""#));
    assert!(
        contact.contains("<option>Reserve</option>"),
        "products come from `site.extra.products`"
    );
    assert!(contact.contains(r#"data-etiquette-url="/guides/etiquette/""#));
}

#[test]
fn broken_flow_fails_the_build_with_every_other_problem() {
    let site = copy_fixture();
    let flow = "content/troubleshooting/not-sending.md";
    edit(site.path(), flow, "next: spam", "next: spamm");
    edit(
        site.path(),
        flow,
        "senders.md#spam-folder",
        "senders.md#spam",
    );
    edit(
        site.path(),
        flow,
        "(../guides/senders.md#verify-a-sender)",
        "(../guides/sender.md)",
    );
    edit(
        site.path(),
        "content/guides/templates.md",
        "A template",
        "[A template](missing.md)",
    );
    let report = run(site.path().into());
    assert!(report.diagnostics.has_errors());
    insta::assert_snapshot!(report.diagnostics.to_string());
}

#[test]
fn flow_on_a_page_that_is_not_troubleshooting_is_an_error() {
    let site = copy_fixture();
    edit(
        site.path(),
        "content/troubleshooting/not-sending.md",
        "kind: troubleshooting\n",
        "",
    );
    let report = run(site.path().into());
    assert_eq!(
        report.diagnostics.to_string(),
        "error: content/troubleshooting/not-sending.md:3: `flow:` is only shown on pages of `kind: troubleshooting`\n  \
         hint: add `kind: troubleshooting` to the front matter\n"
    );
}

/// A flow's `page:` answers are judged by the link check itself: a typo gets the nearest page
/// as a hint, a draft says so, as for a Markdown link.
#[test]
fn flow_answers_get_the_link_checks_hints() {
    let site = copy_fixture();
    let flow = "content/troubleshooting/not-sending.md";
    edit(
        site.path(),
        flow,
        "page: ../guides/senders.md#verify-a-sender",
        "page: ../guides/sendrs.md",
    );
    edit(
        site.path(),
        flow,
        "page: ../guides/senders.md#spam-folder",
        "page: ../guides/templates.md",
    );
    edit(
        site.path(),
        "content/guides/templates.md",
        "---\n",
        "---\ndraft: true\n",
    );
    let report = run(site.path().into());
    let printed = report.diagnostics.to_string();
    assert!(
        printed.contains(
            "links to `../guides/sendrs.md`, which does not resolve\n  \
             caused by: no page `content/guides/sendrs.md`\n  \
             hint: did you mean `../guides/senders.md`?\n"
        ),
        "{printed}"
    );
    assert!(
        printed.contains(
            "links to `../guides/templates.md`, which does not resolve\n  \
             caused by: no page `content/guides/templates.md`\n  \
             hint: the page is a draft: publish it or build with `--drafts`\n"
        ),
        "{printed}"
    );
}
