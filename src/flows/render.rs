//! Turns a validated [`Flow`] into the view the theme renders (`page.flow`, drawn by
//! `partials/flow.html`). Every answer gets a real `href`, so the page is complete without
//! JavaScript: `next` → `#step-<id>`, `page` → the page's URL, `solved` → `#flow-solved`,
//! `contact` → the request composer with this page and the path that led here prefilled.
//!
//! Without JavaScript we cannot know which way a reader came, so a step's contact link carries
//! the shortest path from the first step; `flow.js` rewrites it with the path actually taken.

use std::collections::VecDeque;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::markdown::smart::punctuate;

use super::model::{Flow, Step, Target};

/// What the template gets as `page.flow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowView {
    /// Id of the first step, where the flow starts.
    pub start: String,
    pub steps: Vec<StepView>,
    /// The composer with only this page prefilled.
    pub contact_url: String,
    /// The composer's URL without query, for `flow.js` to build links from.
    pub composer_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepView {
    pub id: String,
    pub title: String,
    /// The step's Markdown text as HTML (safe).
    pub text: String,
    /// Shortest path of step ids from the first step to this one (inclusive).
    pub path: Vec<String>,
    pub answers: Vec<AnswerView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerView {
    pub label: String,
    /// `next`, `page`, `solved` or `contact`.
    pub kind: &'static str,
    pub href: String,
    /// For `kind == "next"`: the step it leads to.
    pub next: Option<String>,
}

/// Where the flow is published.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// `site.base_path` (`/` or `/help/`).
    pub base_path: &'a str,
    /// The page's root-relative URL (`/troubleshooting/sms/`).
    pub page_url: &'a str,
}

/// Query-component encoding that keeps paths and comma lists readable (`/a/b/`, `x,y`).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/')
    .remove(b',');

/// The composer URL for `page_url` and (when not empty) the flow path taken so far.
pub fn contact_url(base_path: &str, page_url: &str, path: &[String]) -> String {
    let mut url = format!(
        "{base_path}contact/?page={}",
        utf8_percent_encode(page_url, QUERY)
    );
    if !path.is_empty() {
        url.push_str("&flow=");
        url.push_str(&utf8_percent_encode(&path.join(","), QUERY).to_string());
    }
    url
}

/// Builds the view. `markdown` renders a step's text to HTML (the caller's renderer, so links
/// in steps are checked and rewritten like any other); `resolve` maps an answer's `page:` to
/// its URL. Validation ([`super::validate::validate`]) is separate and reports the problems.
pub fn render(
    flow: &Flow,
    place: Place<'_>,
    mut markdown: impl FnMut(&Step) -> String,
    resolve: impl Fn(&str) -> Result<String, String>,
) -> FlowView {
    let paths = shortest_paths(flow);
    let steps = flow
        .steps
        .iter()
        .zip(paths)
        .map(|(step, path)| StepView {
            id: step.id.clone(),
            title: punctuate(&step.title).into_owned(),
            text: markdown(step),
            answers: step
                .answers
                .iter()
                .filter_map(|a| {
                    let (kind, href, next) = match a.target()? {
                        Target::Next(id) => ("next", format!("#step-{id}"), Some(id.to_string())),
                        // Validation has reported an unresolved page; keep the written value.
                        Target::Page(page) => (
                            "page",
                            resolve(page).unwrap_or_else(|_| page.to_string()),
                            None,
                        ),
                        Target::Solved => ("solved", "#flow-solved".to_string(), None),
                        Target::Contact => (
                            "contact",
                            contact_url(place.base_path, place.page_url, &path),
                            None,
                        ),
                    };
                    Some(AnswerView {
                        label: punctuate(&a.label).into_owned(),
                        kind,
                        href,
                        next,
                    })
                })
                .collect(),
            path,
        })
        .collect();
    FlowView {
        start: flow.steps.first().map(|s| s.id.clone()).unwrap_or_default(),
        steps,
        contact_url: contact_url(place.base_path, place.page_url, &[]),
        composer_url: format!("{}contact/", place.base_path),
    }
}

/// Breadth-first from the first step over `next` answers; unreachable steps get just themselves.
fn shortest_paths(flow: &Flow) -> Vec<Vec<String>> {
    let index = |id: &str| flow.steps.iter().position(|s| s.id == id);
    let mut parent: Vec<Option<usize>> = vec![None; flow.steps.len()];
    let mut seen = vec![false; flow.steps.len()];
    let mut queue = VecDeque::new();
    if !flow.steps.is_empty() {
        seen[0] = true;
        queue.push_back(0);
    }
    while let Some(i) = queue.pop_front() {
        for a in &flow.steps[i].answers {
            if let Some(Target::Next(id)) = a.target()
                && let Some(j) = index(id)
                && !seen[j]
            {
                seen[j] = true;
                parent[j] = Some(i);
                queue.push_back(j);
            }
        }
    }
    (0..flow.steps.len())
        .map(|mut i| {
            let mut path = vec![flow.steps[i].id.clone()];
            while let Some(p) = parent[i] {
                path.push(flow.steps[p].id.clone());
                i = p;
            }
            path.reverse();
            path
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    pub(crate) const SAMPLE: &str = r#"
steps:
  - id: verified
    title: Is the sender verified?
    text: Open **Connect → Senders** & check.
    answers:
      - label: "Yes, it says <Verified>"
        next: test-send
      - label: "No, it says Pending"
        page: ../connect/senders.md#verify-a-sender
  - id: test-send
    title: Send a test message
    text: Use **Send test**.
    answers:
      - label: "The test arrived"
        solved: true
      - label: "It did not arrive"
        contact: true
"#;

    fn markdown(step: &Step) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&step.text));
        html
    }

    #[test]
    fn view_snapshot() {
        let flow: Flow = crate::yaml::parse(SAMPLE, Path::new("a.md"), 1).unwrap();
        let place = Place {
            base_path: "/help/",
            page_url: "/help/troubleshooting/sms/",
        };
        let view = render(&flow, place, markdown, |p| {
            Ok(format!("/help/RESOLVED({p})/"))
        });
        insta::assert_yaml_snapshot!(view);
    }

    #[test]
    fn contact_url_encodes_query_values() {
        assert_eq!(
            contact_url("/", "/a b/&c/", &[]),
            "/contact/?page=/a%20b/%26c/"
        );
        assert_eq!(
            contact_url("/", "/t/é/", &["a".into(), "b".into()]),
            "/contact/?page=/t/%C3%A9/&flow=a,b"
        );
    }

    #[test]
    fn shortest_path_prefers_fewest_steps() {
        let yaml = "steps:\n  - id: a\n    title: A\n    answers:\n      - {label: x, next: b}\n      - {label: y, next: c}\n  - id: b\n    title: B\n    answers:\n      - {label: x, next: c}\n  - id: c\n    title: C\n    answers:\n      - {label: x, contact: true}\n";
        let flow: Flow = crate::yaml::parse(yaml, Path::new("a.md"), 1).unwrap();
        let view = render(
            &flow,
            Place {
                base_path: "/",
                page_url: "/t/",
            },
            markdown,
            |p| Ok(p.into()),
        );
        assert_eq!(view.steps[2].path, ["a", "c"]);
        assert_eq!(view.steps[2].answers[0].href, "/contact/?page=/t/&flow=a,c");
    }
}
