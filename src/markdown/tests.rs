use std::path::Path;

use super::*;

fn render_md(text: &str) -> (Rendered, Vec<Diagnostic>) {
    render(&Input {
        text,
        first_line: 5,
        source: "connect/senders.md",
        file: Path::new("content/connect/senders.md"),
        base_path: "/",
        faq: true,
    })
}

#[test]
fn headings_get_ids_anchors_and_toc() {
    let (r, d) =
        render_md("## Can't log in?\n\n### Step one\n\n## Can't log in?\n\n## Mine {#custom}\n");
    assert!(d.is_empty());
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["cant-log-in", "step-one", "cant-log-in-1", "custom"]);
    assert_eq!(r.toc.len(), 3);
    assert_eq!(r.toc[0].children[0].id, "step-one");
    assert!(r.html.contains(
        "<h2 id=\"cant-log-in\">Can’t log in? <a class=\"anchor\" href=\"#cant-log-in\" aria-label=\"Link to this section\">#</a></h2>"
    ), "{}", r.html);
}

#[test]
fn duplicate_explicit_id_is_an_error_with_line() {
    let (_, d) = render_md("# A {#x}\n\ntext\n\n## B {#x}\n");
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].to_string(),
        "error: content/connect/senders.md:9: duplicate heading id `x`\n  caused by: `{#x}` is already used on line 5\n  hint: give each heading its own `{#id}`; links need ids to be unique"
    );
}

#[test]
fn auto_slug_never_takes_a_later_explicit_id() {
    let (r, _) = render_md("## Setup\n\n## Other {#setup}\n");
    assert_eq!(r.headings[0].id, "setup-1");
    assert_eq!(r.headings[1].id, "setup");
}

#[test]
fn links_are_rewritten_and_recorded_with_lines() {
    let (r, _) = render_md(
        "Intro\n\nSee [faq](../faq.md#refunds), [ext](https://x.org/a.md)\nand ![s](shot.png) and [here](#top).\n",
    );
    assert!(r.html.contains("href=\"/faq/#refunds\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://x.org/a.md\""));
    assert!(r.html.contains("src=\"/connect/shot.png\""));
    let lines: Vec<_> = r
        .links
        .iter()
        .map(|l| (l.line, l.written.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(7, "../faq.md#refunds"), (8, "shot.png"), (8, "#top")]
    );
}

#[test]
fn alerts_become_callouts() {
    let (r, _) = render_md("> [!WARNING]\n> Mind the gap.\n\n> plain quote\n");
    insta::assert_snapshot!(r.html, @r#"
    <div class="callout callout-warning" role="note">
    <p class="callout-title">Warning</p>
    <p>Mind the gap.</p>
    </div>
    <blockquote>
    <p>plain quote</p>
    </blockquote>
    "#);
}

#[test]
fn code_is_highlighted_or_escaped() {
    let (r, _) = render_md("```json\n{\"a\": 1}\n```\n\n```nosuchlang\n<b>&\n```\n");
    assert!(r.html.contains("<span class=\""), "{}", r.html);
    assert!(
        r.html
            .contains("<pre><code class=\"language-nosuchlang\">&lt;b&gt;&amp;\n</code></pre>"),
        "{}",
        r.html
    );
}

#[test]
fn gfm_features() {
    let (r, _) = render_md(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ \"quoted\"[^1]\n\n[^1]: note\n",
    );
    for needle in [
        "<table>",
        "type=\"checkbox\"",
        "<del>old</del>",
        "“quoted”",
        "footnote-definition",
    ] {
        assert!(r.html.contains(needle), "{needle} in {}", r.html);
    }
}

#[test]
fn text_sections_for_search() {
    let (r, _) = render_md(
        "Lead `code` text.\n\n## First\n\nOne\ntwo.\n\n### Sub\n\nThree.\n\n#### Deep\n\nFour.\n",
    );
    let got: Vec<_> = r
        .text
        .iter()
        .map(|s| (s.anchor.as_str(), s.level, s.trail.clone(), s.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("", 1, vec![], "Lead code text."),
            ("first", 2, vec![], "One two."),
            ("sub", 3, vec!["First".to_string()], "Three. Deep Four."),
        ]
    );
}

#[test]
fn faq_pairs() {
    let (r, _) = render_md("Intro.\n\n## How do I pay?\n\nBy card.\n\n## Refunds?\n\nYes.\n");
    assert_eq!(r.faq.len(), 2);
    assert_eq!(
        (
            r.faq[0].id.as_str(),
            r.faq[0].question.as_str(),
            r.faq[0].answer.as_str()
        ),
        ("how-do-i-pay", "How do I pay?", "<p>By card.</p>")
    );
    assert_eq!(r.faq[1].answer, "<p>Yes.</p>");
}

#[test]
fn email_autolinks_stay_mailto_and_are_not_recorded() {
    let (r, _) = render_md("Write to <hello@divergent.cloud>.\n");
    assert!(
        r.html
            .contains("<a href=\"mailto:hello@divergent.cloud\">hello@divergent.cloud</a>"),
        "{}",
        r.html
    );
    assert!(r.links.is_empty(), "{:?}", r.links);
}

#[test]
fn table_alignment_is_a_class_not_a_style() {
    let (r, _) = render_md("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n");
    insta::assert_snapshot!(r.html, @r#"
    <table><thead><tr><th class="align-left">l</th><th class="align-center">c</th><th class="align-right">r</th><th>n</th></tr></thead><tbody>
    <tr><td class="align-left">1</td><td class="align-center">2</td><td class="align-right">3</td><td>4</td></tr>
    </tbody></table>
    "#);
}

/// An image's description is only its alt text: a link there is never rendered, so it is
/// neither checked nor rewritten; links after the image are again.
#[test]
fn links_in_an_image_description_are_not_recorded() {
    let (r, _) = render_md("![see [docs](missing.md) here](shot.png) and [faq](../faq.md)\n");
    let written: Vec<_> = r.links.iter().map(|l| l.written.as_str()).collect();
    assert_eq!(written, ["shot.png", "../faq.md"]);
    assert!(r.html.contains("alt=\"see docs here\""), "{}", r.html);
}
