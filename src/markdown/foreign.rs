//! Template syntax of other generators left in a page: Hugo shortcodes (`{{< … >}}`,
//! `{{% … %}}`), template tags of Jinja, Liquid, Jekyll and Zola (`{% … %}`), Zola shortcodes
//! (`{{ name(…) }}`), mdBook's `{{#include …}}` and MkDocs admonitions (`!!! note`). helpsite runs no templates in Markdown, so
//! each would show as literal text on the page and in search snippets: a warning at its line,
//! with a hint. Code blocks, code spans and HTML comments are left alone: there the syntax is
//! shown, or hidden, on purpose.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use super::Input;
use crate::diagnostics::Diagnostic;

/// Where a writer reads what to do instead (`docs/writing.md`).
const GUIDE: &str = "see \"Moving from Hugo, Zola, mdBook or MkDocs\" in docs/writing.md";

/// One warning per line that holds foreign template syntax outside code.
pub fn template_syntax(
    input: &Input<'_>,
    events: &[(Event<'_>, Range<usize>)],
    line_of: impl Fn(usize) -> usize,
) -> Vec<Diagnostic> {
    let text = input.text;
    if !text.contains("{{")
        && !text.contains("{%")
        && !text.contains("!!! ")
        && !text.contains("??? ")
        && !text.contains("???+ ")
    {
        return Vec::new();
    }
    let skipped = shown_as_is(text, events);
    let mut found: Vec<(usize, usize, Kind)> = admonitions(text)
        .filter(|(start, _)| !skipped.iter().any(|r| r.contains(start)))
        .map(|(start, end)| (start, end, Kind::MkdocsAdmonition))
        .collect();
    let mut at = 0;
    while let Some(brace) = text[at..].find('{') {
        let start = at + brace;
        at = start + 1;
        if skipped.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let Some((end, kind)) = recognise(text, start) else {
            continue;
        };
        at = end;
        found.push((start, end, kind));
    }
    found.sort_by_key(|&(start, _, _)| start);
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut last_line = 0;
    for (start, end, kind) in found {
        let line = line_of(start);
        if line == last_line {
            continue;
        }
        last_line = line;
        warnings.push(
            Diagnostic::warning(format!(
                "`{}` is {}, which helpsite shows as literal text",
                excerpt(&text[start..end]),
                kind.name()
            ))
            .at(input.file)
            .line(line)
            .hint(kind.hint()),
        );
    }
    warnings
}

/// MkDocs admonitions (`!!! note "Title"`, collapsible `??? tip`) at the start of a line:
/// the start and end of each opening line.
fn admonitions(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let body = line.trim_end();
        let marker = body
            .strip_prefix("!!! ")
            .or_else(|| body.strip_prefix("???+ "))
            .or_else(|| body.strip_prefix("??? "))?;
        marker
            .starts_with(|c: char| c.is_ascii_alphabetic())
            .then_some((start, start + body.len()))
    })
}

/// The byte ranges where template syntax is meant: code blocks, code spans, HTML comments.
fn shown_as_is(text: &str, events: &[(Event<'_>, Range<usize>)]) -> Vec<Range<usize>> {
    events
        .iter()
        .filter(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => true,
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {
                text[range.clone()].trim_start().starts_with("<!--")
            }
            _ => false,
        })
        .map(|(_, range)| range.clone())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    HugoShortcode,
    TemplateTag,
    ZolaShortcode,
    MdbookInclude,
    MkdocsAdmonition,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::HugoShortcode => "a Hugo shortcode",
            Kind::TemplateTag => "a template tag (Jinja, Liquid, Jekyll, Zola)",
            Kind::ZolaShortcode => "a Zola shortcode",
            Kind::MdbookInclude => "an mdBook preprocessor directive",
            Kind::MkdocsAdmonition => "a MkDocs admonition",
        }
    }

    fn hint(self) -> String {
        let what = match self {
            Kind::HugoShortcode | Kind::ZolaShortcode => {
                "helpsite has no shortcodes: write what it produced as Markdown (a callout is `> [!NOTE]`, a figure is `![alt](image.png)`, a link to a page is its `.md` path)"
            }
            Kind::TemplateTag => {
                "helpsite runs no templates inside Markdown: write the text it produced, or move the logic into a theme template"
            }
            Kind::MdbookInclude => {
                "helpsite includes no files into pages: paste the text, or link to the page that has it"
            }
            Kind::MkdocsAdmonition => {
                "write it as a GitHub alert: `> [!NOTE]` on the first line, then the text, each line starting with `> ` (NOTE, TIP, IMPORTANT, WARNING, CAUTION)"
            }
        };
        format!("{what}; to show the syntax itself, put it in `backticks` ({GUIDE})")
    }
}

/// The end of the construct opening at `start` and its kind, if the syntax is complete on its
/// line (an unclosed `{%` is likelier prose than a template).
fn recognise(text: &str, start: usize) -> Option<(usize, Kind)> {
    let rest = &text[start..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let closed = |open: &str, close: &str| -> Option<usize> {
        let inner = line.strip_prefix(open)?;
        inner
            .find(close)
            .map(|i| start + open.len() + i + close.len())
    };
    if let Some(end) = closed("{{<", ">}}") {
        return Some((end, Kind::HugoShortcode));
    }
    if let Some(end) = closed("{{%", "%}}") {
        return Some((end, Kind::HugoShortcode));
    }
    if let Some(end) = closed("{%", "%}") {
        let inner = line[2..end - start - 2].trim();
        if inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Some((end, Kind::TemplateTag));
        }
        return None;
    }
    if let Some(end) = closed("{{#", "}}") {
        if line[3..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Some((end, Kind::MdbookInclude));
        }
        return None;
    }
    let end = closed("{{", "}}")?;
    let inner = line[2..end - start - 2].trim();
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let is_call = name_end > 0
        && inner.starts_with(|c: char| c.is_ascii_alphabetic())
        && inner[name_end..].starts_with('(')
        && inner.ends_with(')');
    is_call.then_some((end, Kind::ZolaShortcode))
}

/// The construct as quoted in a message: at most 60 characters.
fn excerpt(s: &str) -> String {
    if s.chars().count() <= 60 {
        return s.to_string();
    }
    let cut: String = s.chars().take(57).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn warnings(text: &str) -> Vec<String> {
        let (rendered, _) = super::super::render(&Input {
            text,
            first_line: 1,
            source: "a.md",
            file: Path::new("content/a.md"),
            base_path: "/",
            faq: false,
        });
        rendered
            .warnings
            .iter()
            .map(|d| format!("{}: {}", d.line.unwrap_or(0), d.message))
            .collect()
    }

    #[test]
    fn finds_each_kind_outside_code() {
        let got = warnings(
            "{{< diffcode >}}\n\nSee {{% note %}}x{{% /note %}}.\n\n{% include \"a.html\" %}\n\n{{ youtube(id=\"x\") }}\n\n{{#include ../a.md}}\n\n[a]({{< ref \"b.md\" >}})\n\n!!! note \"Heads up\"\n    Body.\n",
        );
        assert_eq!(
            got,
            [
                "1: `{{< diffcode >}}` is a Hugo shortcode, which helpsite shows as literal text",
                "3: `{{% note %}}` is a Hugo shortcode, which helpsite shows as literal text",
                "5: `{% include \"a.html\" %}` is a template tag (Jinja, Liquid, Jekyll, Zola), which helpsite shows as literal text",
                "7: `{{ youtube(id=\"x\") }}` is a Zola shortcode, which helpsite shows as literal text",
                "9: `{{#include ../a.md}}` is an mdBook preprocessor directive, which helpsite shows as literal text",
                "11: `{{< ref \"b.md\" >}}` is a Hugo shortcode, which helpsite shows as literal text",
                "13: `!!! note \"Heads up\"` is a MkDocs admonition, which helpsite shows as literal text",
            ]
        );
    }

    #[test]
    fn code_comments_and_prose_are_left_alone() {
        let got = warnings(
            "`{{< x >}}` and\n\n```\n{% if a %}\n{{< y >}}\n```\n\n    {{% z %}}\n\n<!-- {{< hidden >}} -->\n\nWow!!! Great.\n\n```\n!!! note\n```\n\nA set {x} or {{ name }} or {% unclosed, or {{ f() and 50% }}.\n",
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn long_constructs_are_shortened() {
        let long = format!("{{{{< x {} >}}}}", "a".repeat(100));
        let got = warnings(&long);
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("aaa…`"), "{got:?}");
    }
}
