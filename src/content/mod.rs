//! The content model: walk `content/`, split and parse each page's front matter, render its
//! Markdown, and arrange pages into sections (one per folder, titled by its `_index.md`).
//!
//! Reading happens here, once, so later stages work on memory only. Pages are parsed in
//! parallel; every problem is collected rather than stopping at the first.

pub mod front_matter;
pub mod new;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::smart::punctuate;
use crate::markdown::{self, Rendered};
use crate::urls;
pub use front_matter::{FrontMatter, Kind};

/// One Markdown file: a page, or the `_index.md` that heads a section.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path under `content/`, `/`-separated (`connect/senders.md`).
    pub source: String,
    /// Path for diagnostics, relative to the site root (`content/connect/senders.md`).
    pub file: PathBuf,
    /// Root-relative URL, starting with the base path.
    pub url: String,
    pub meta: FrontMatter,
    /// File line of each entry of `meta.aliases`, for errors about them.
    pub alias_lines: Vec<usize>,
    /// True for a section's `_index.md`.
    pub is_index: bool,
    /// The section this page is in (for an `_index.md`: the section it heads).
    pub section: usize,
    pub body: Rendered,
    /// The troubleshooting flow rendered for the template, when `meta.flow` is set.
    pub flow: Option<crate::flows::build::Built>,
}

impl Page {
    /// True when `#anchor` exists on the page: a heading id or a troubleshooting step.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        self.body.headings.iter().any(|h| h.id == anchor)
            || anchor.strip_prefix("step-").is_some_and(|id| {
                self.meta
                    .flow
                    .iter()
                    .flat_map(|f| &f.steps)
                    .any(|s| s.id == id)
            })
    }

    /// Every id a link may point at, in page order.
    pub fn anchors(&self) -> impl Iterator<Item = String> + '_ {
        let steps = self
            .meta
            .flow
            .iter()
            .flat_map(|f| f.steps.iter().map(|s| s.anchor()));
        self.body.headings.iter().map(|h| h.id.clone()).chain(steps)
    }
}

/// A folder under `content/`.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder path under `content/` (`connect/sms`), empty for the root.
    pub dir: String,
    pub url: String,
    /// The page index of its `_index.md`, if it has one.
    pub index: Option<usize>,
    pub parent: Option<usize>,
    /// Pages (not `_index.md`) in order: weight, then title.
    pub pages: Vec<usize>,
    /// Sub-sections in the same order.
    pub children: Vec<usize>,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    /// `sections[0]` is the root (the home page's section).
    pub sections: Vec<Section>,
    /// Non-Markdown files copied beside their pages: content path and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Markdown files that are not pages of this build, by content path, and why. The link
    /// check needs them: a link to a draft gets a hint, a link to a page that failed to load is
    /// no error of its own (that page's error is the one to fix).
    pub left_out: BTreeMap<String, LeftOut>,
}

/// Why a Markdown file under `content/` is not a page of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `draft: true`, built only with `--drafts`.
    Draft,
    /// Its front matter or Markdown has errors, reported for it.
    Failed,
}

impl Content {
    /// Section title: its `_index.md` title, else the folder name.
    pub fn section_title<'a>(&'a self, section: &'a Section) -> &'a str {
        match section.index {
            Some(i) => &self.pages[i].meta.title,
            None => section.dir.rsplit('/').next().unwrap_or(&section.dir),
        }
    }

    pub fn section_meta(&self, section: &Section) -> Option<&FrontMatter> {
        section.index.map(|i| &self.pages[i].meta)
    }
}

/// Reads `<root>/content`. Drafts are left out unless `drafts`.
pub fn load(root: &Path, config: &Config, drafts: bool) -> (Content, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let dir = root.join("content");
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("no `content/` folder")
                .at(root)
                .hint("put the site's Markdown pages in `content/` beside `site.yaml`"),
        );
        return (Content::default(), diagnostics);
    }
    let walked = walk::walk(root, &dir, &mut diagnostics);
    let parsed: Vec<Result<Option<Page>, Vec<Diagnostic>>> = walked
        .markdown
        .par_iter()
        .map(|source| parse_page(root, source, config.base_path(), drafts))
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    let mut left_out = BTreeMap::new();
    for (source, result) in walked.markdown.iter().zip(parsed) {
        match result {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => _ = left_out.insert(source.clone(), LeftOut::Draft),
            Err(errors) => {
                diagnostics.extend(errors);
                left_out.insert(source.clone(), LeftOut::Failed);
            }
        }
    }
    let sections = arrange(&walked.dirs, &mut pages, config.base_path());
    let files = walked
        .other
        .into_iter()
        .filter_map(|source| match std::fs::read(dir.join(&source)) {
            Ok(bytes) => Some((source, bytes)),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("cannot read file")
                        .at(Path::new("content").join(&source))
                        .cause(e.to_string()),
                );
                None
            }
        })
        .collect();
    (
        Content {
            pages,
            sections,
            files,
            left_out,
        },
        diagnostics,
    )
}

/// Reads and renders one page; `Ok(None)` for a draft left out of this build.
pub fn parse_page(
    root: &Path,
    source: &str,
    base_path: &str,
    drafts: bool,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    let file = Path::new("content").join(source);
    let text = std::fs::read_to_string(root.join(&file)).map_err(|e| {
        vec![
            Diagnostic::error("cannot read page")
                .at(&file)
                .cause(e.to_string()),
        ]
    })?;
    let split = front_matter::split(&text, &file).map_err(|d| vec![d])?;
    let mut meta = front_matter::parse(&split, &file).map_err(|d| vec![d])?;
    if meta.draft && !drafts {
        return Ok(None);
    }
    // Title and description show beside the body (headings, navigation, pager, section lists,
    // `<title>`), so they get the body's smart punctuation, here, once, for every consumer.
    meta.title = punctuate(&meta.title).into_owned();
    meta.description = punctuate(&meta.description).into_owned();
    let alias_lines: Vec<usize> = meta
        .aliases
        .iter()
        .map(|a| front_matter::key_line(&split, a).unwrap_or(split.yaml_line))
        .collect();
    let alias_errors = meta.aliases.iter().zip(&alias_lines).filter_map(|(alias, &line)| {
        urls::alias_problem(alias).map(|why| {
            Diagnostic::error(format!("alias `{alias}` {why}"))
                .at(&file)
                .line(line)
                .hint("an alias is an old URL of this site, written from its root: `/old/path/` or `/old.html`")
        })
    }).collect::<Vec<_>>();
    let (body, errors) = markdown::render(&markdown::Input {
        text: split.body,
        first_line: split.body_line,
        source,
        file: &file,
        base_path,
        faq: meta.kind == Kind::Faq,
    });
    let mut body = body;
    let mut errors = errors;
    errors.extend(alias_errors);
    let flow = meta.flow.as_ref().map(|f| {
        let loaded =
            crate::flows::build::build(f, split.yaml, split.yaml_line, source, &file, base_path);
        body.links.extend(loaded.links);
        errors.extend(loaded.errors);
        loaded.built
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let is_index = source == "_index.md" || source.ends_with("/_index.md");
    Ok(Some(Page {
        url: urls::page_url(base_path, source),
        source: source.to_string(),
        file,
        meta,
        alias_lines,
        is_index,
        section: 0,
        body,
        flow,
    }))
}

/// Builds the section tree from the folders and sets each page's section; orders pages and
/// sub-sections by weight, then title.
fn arrange(dirs: &[String], pages: &mut [Page], base_path: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = dirs
        .iter()
        .map(|dir| Section {
            dir: dir.clone(),
            url: urls::section_url(base_path, dir),
            index: None,
            parent: None,
            pages: vec![],
            children: vec![],
        })
        .collect();
    let by_dir: std::collections::HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    for i in 0..sections.len() {
        if let Some(parent) = parent_dir(&sections[i].dir) {
            let p = by_dir[parent];
            sections[i].parent = Some(p);
            sections[p].children.push(i);
        }
    }
    for (i, page) in pages.iter_mut().enumerate() {
        let dir = page.source.rsplit_once('/').map_or("", |(d, _)| d);
        page.section = by_dir[dir];
        if page.is_index {
            sections[page.section].index = Some(i);
        } else {
            sections[page.section].pages.push(i);
        }
    }
    sort_sections(pages, &mut sections);
    sections
}

/// Orders every section's pages and sub-sections by weight, then title. Also called by the
/// preview server after an edit changed a title or weight (`Site::replace_page`).
pub fn sort_sections(pages: &[Page], sections: &mut [Section]) {
    let order = |meta: Option<&FrontMatter>, fallback: &str| {
        let weight = meta.and_then(|m| m.weight);
        (
            weight.is_none(),
            weight,
            meta.map_or(fallback, |m| m.title.as_str()).to_lowercase(),
        )
    };
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        list.sort_by_cached_key(|&p| order(Some(&pages[p].meta), ""));
        sections[s].pages = list;
        let mut children = std::mem::take(&mut sections[s].children);
        children.sort_by_cached_key(|&c| {
            let meta = sections[c].index.map(|i| &pages[i].meta);
            order(meta, &sections[c].dir)
        });
        sections[s].children = children;
    }
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        return None;
    }
    Some(dir.rsplit_once('/').map_or("", |(parent, _)| parent))
}
