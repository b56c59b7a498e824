//! Flows at load time ([`build`], called from `content::parse_page`): each step's text goes
//! through the page's Markdown pass, so links in steps are rewritten and later checked like any
//! other link, and the flow becomes the template view (`page.flow`). The check stage validates
//! every flow as a graph and resolves its `page:` answers against the loaded site in
//! `links::flows`, with the link check's own rules and hints; nothing here needs the `Site`.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Link};

use super::lines::Lines;
use super::model::Flow;
use super::render::{FlowView, Place, render};

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
    let url = crate::urls::page_url(base_path, source);
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
