//! Flows in the build pipeline.
//!
//! At load ([`build`], called from `content::parse_page`), each step's text goes through the
//! page's Markdown pass, so links in steps are rewritten and later checked like any other link,
//! and the flow becomes the template view (`page.flow`). In the check stage ([`check`], beside
//! `links::check`), every flow is validated as a graph and its `page:` answers are resolved
//! against the loaded site, with diagnostics naming file, step and line.

use std::path::Path;

use serde::Serialize;

use crate::content::{Kind, LeftOut};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Link, Target};
use crate::site::Site;

use super::lines::Lines;
use super::model::Flow;
use super::render::{FlowView, Place, render};
use super::validate::{Source, validate};

/// A page's flow, ready for checking and rendering.
#[derive(Debug, Clone, Serialize)]
pub struct Built {
    pub view: FlowView,
    /// The page's front matter text and its first file line, to name lines in diagnostics.
    #[serde(skip)]
    pub front_matter: String,
    #[serde(skip)]
    pub first_line: usize,
}

/// What loading a flow produced: the view, the links found in step texts (for the link
/// check), and Markdown diagnostics.
pub struct Loaded {
    pub built: Built,
    pub links: Vec<Link>,
    pub errors: Vec<Diagnostic>,
}

/// Renders `flow`, written in the page `source` (`file` for diagnostics) whose front matter is
/// `front_matter` starting at file line `first_line`.
pub fn build(
    flow: &Flow,
    front_matter: &str,
    first_line: usize,
    source: &str,
    file: &Path,
    base_path: &str,
) -> Loaded {
    let lines = Lines::new(front_matter, first_line);
    let url = crate::content::url::page_url(base_path, source);
    let mut links = Vec::new();
    let mut errors = Vec::new();
    let view = render(
        flow,
        Place {
            base_path,
            page_url: &url,
        },
        |step| {
            let (rendered, found) = markdown::render(&markdown::Input {
                text: &step.text,
                // The text usually starts on the line after `text:`; close enough for a link.
                first_line: lines.step(&step.id, 0).map_or(first_line, |l| l + 2),
                source,
                file,
                base_path,
                faq: false,
            });
            links.extend(rendered.links);
            errors.extend(found);
            rendered.html
        },
        |page| {
            Ok(markdown::link::resolve(page, source, base_path)
                .0
                .unwrap_or_else(|| page.to_string()))
        },
    );
    Loaded {
        built: Built {
            view,
            front_matter: front_matter.to_string(),
            first_line,
        },
        links,
        errors,
    }
}

/// Validates every flow of the site.
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
        out.extend(validate(flow, &src, |written| {
            resolve(site, &page.source, written)
        }));
    }
    out
}

/// Where an answer's `page:` leads, or why it leads nowhere.
fn resolve(site: &Site, source: &str, written: &str) -> Result<String, String> {
    match markdown::link::resolve(written, source, site.config.base_path()) {
        (Some(href), Some(Target::Page { path, anchor })) => {
            let Some(i) = site.page_by_source(&path) else {
                return match site.left_out(&path) {
                    // That page's own errors are reported; this answer may well be right.
                    Some(LeftOut::Failed) => Ok(href),
                    Some(LeftOut::Draft) => Err(format!(
                        "`content/{path}` is a draft: publish it or build with `--drafts`"
                    )),
                    None => Err(format!("no page `content/{path}`")),
                };
            };
            let target = &site.pages()[i];
            match anchor.filter(|a| !a.is_empty() && !target.has_anchor(a)) {
                Some(a) => Err(format!("`{}` has no heading `#{a}`", target.file.display())),
                None => Ok(href),
            }
        }
        (_, Some(Target::OutsideContent)) => Err("it climbs above `content/`".into()),
        _ => Err("`page:` takes a relative `.md` path, optionally with `#anchor`".into()),
    }
}
