//! The link check of troubleshooting flows: each flow's graph ([`crate::flows::validate`]) and
//! the page and anchor each `page:` answer leads to, judged exactly as a Markdown link to that
//! page is (a failed page is not reported twice, a draft says so, a typo gets the nearest page
//! or heading as a hint).

use crate::content::{Kind, Page};
use crate::diagnostics::Diagnostic;
use crate::flows::lines::Lines;
use crate::flows::validate::{Source, Unresolved, validate};
use crate::markdown::{self, Target};
use crate::site::Site;

/// Every flow's problems: on a page of the wrong kind, in its graph, and in its answers' pages.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in site.pages() {
        let (Some(flow), Some(built)) = (&page.meta.flow, &page.flow) else {
            continue;
        };
        if page.meta.kind != Kind::Troubleshooting {
            out.push(
                Diagnostic::error("`flow:` is only shown on pages of `kind: troubleshooting`")
                    .at(&page.file)
                    .line(
                        Lines::new(&built.front_matter, built.first_line)
                            .key("flow")
                            .unwrap_or(built.first_line),
                    )
                    .hint("add `kind: troubleshooting` to the front matter"),
            );
        }
        let src = Source {
            path: &page.file,
            front_matter: &built.front_matter,
            first_line: built.first_line,
        };
        out.extend(validate(flow, &src, |written| resolve(site, page, written)));
    }
    out
}

/// Where an answer's `page:`, written in `page`, leads (the URL the flow links to), or why it
/// leads nowhere.
fn resolve(site: &Site, page: &Page, written: &str) -> Result<String, Unresolved> {
    let (href, target) = markdown::link::resolve(written, &page.source, site.config.base_path());
    match target {
        Some(target @ (Target::Page { .. } | Target::OutsideContent)) => {
            match super::check_target(site, page, &target) {
                None => Ok(href.unwrap_or_else(|| written.to_string())),
                Some(problem) => Err(Unresolved {
                    reason: problem.reason,
                    hint: problem.hint,
                }),
            }
        }
        _ => Err(Unresolved {
            reason: "`page:` takes a relative `.md` path, optionally with `#anchor`".into(),
            hint: None,
        }),
    }
}
