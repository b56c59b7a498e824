//! The template context of `themes/default/README.md`, built from the site model.
//!
//! The section tree is the one part whose size grows with the site, and it differs between
//! pages only along the current page's path. So each section's node is built once with nothing
//! active ([`NavTree`]), and a page's tree rebuilds just the nodes on its path; tera values
//! share the rest (they are reference-counted). A section lists at most [`NAV_WINDOW`] of its
//! pages (those around the current page) with its `total`, so a section of hundreds of pages
//! neither buries the reader nor makes every page's size grow with the section's.

use serde::Serialize;
use tera::Value;

use crate::content::Page;
use crate::links::nav_source;
use crate::markdown::TocEntry;
use crate::site::Site;

#[derive(Serialize)]
pub struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    support_email: &'a str,
    nav: Vec<NavItemCtx<'a>>,
    search_enabled: bool,
    /// A page at `/contact/` exists: the "Write a support request" button may link there.
    contact_page: bool,
    feedback_endpoint: Option<&'a str>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct NavItemCtx<'a> {
    title: &'a str,
    url: String,
    active: bool,
}

#[derive(Serialize)]
pub struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
pub struct PageCtx<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    permalink: String,
    kind: &'static str,
    tags: &'a [String],
    updated: Option<String>,
    review: bool,
    draft: bool,
    content: Value,
    toc: &'a [TocEntry],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    source: &'a str,
    faq: Option<Vec<FaqCtx<'a>>>,
    json_ld: Option<Value>,
    prev: Option<Crumb<'a>>,
    next: Option<Crumb<'a>>,
    /// The troubleshooting flow (`partials/flow.html`), when the page has one.
    flow: Option<&'a crate::flows::render::FlowView>,
    /// The request composer with this page prefilled (the "Still stuck?" block).
    contact_url: String,
}

#[derive(Serialize)]
struct FaqCtx<'a> {
    id: &'a str,
    question: &'a str,
    answer: Value,
}

#[derive(Serialize)]
pub struct SectionCtx<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    permalink: String,
    content: Value,
    pages: Vec<ListedPage<'a>>,
    sections: Vec<ListedSection<'a>>,
}

#[derive(Serialize)]
struct ListedPage<'a> {
    title: &'a str,
    url: &'a str,
    description: &'a str,
    kind: &'static str,
    updated: Option<String>,
}

#[derive(Serialize)]
struct ListedSection<'a> {
    title: &'a str,
    url: &'a str,
    description: &'a str,
    /// The sub-section's first [`LISTED_PAGES`] pages, for cards that link straight into it
    /// (the home page's products and troubleshooting guides), and how many it has.
    pages: Vec<ListedPage<'a>>,
    total: usize,
}

/// How many of a sub-section's pages its listing entry carries: a card's worth, so a listing
/// does not grow with the size of the sections it lists.
pub const LISTED_PAGES: usize = 6;

/// `site` for the page at `current` (a URL), with `nav` entries marked active.
pub fn site<'a>(site: &'a Site, current: &str) -> SiteCtx<'a> {
    let c = &site.config;
    let nav = c
        .nav
        .iter()
        .map(|item| {
            let url = match nav_source(&item.link)
                .and_then(|(p, a)| site.page_by_source(p).map(|i| (i, a)))
            {
                Some((i, anchor)) => {
                    let url = &site.pages()[i].url;
                    anchor.map_or_else(|| url.clone(), |a| format!("{url}#{a}"))
                }
                None => item.link.clone(),
            };
            let active = current == url
                || (url != c.base_path() && url.starts_with('/') && current.starts_with(&url));
            NavItemCtx {
                title: &item.title,
                url,
                active,
            }
        })
        .collect();
    SiteCtx {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: &c.base_url,
        base_path: c.base_path(),
        support_email: &c.support_email,
        nav,
        search_enabled: c.search.enabled,
        contact_page: crate::links::has_contact_page(site),
        feedback_endpoint: c.feedback.endpoint.as_deref(),
        extra: &c.extra,
    }
}

/// From the home page down to the parent of `page` (the section heading an `_index.md` is not
/// its own crumb).
pub fn breadcrumbs<'a>(site: &'a Site, page: &Page) -> Vec<Crumb<'a>> {
    let sections = &site.content.sections;
    let mut chain = Vec::new();
    let mut at = if page.is_index {
        sections[page.section].parent
    } else {
        Some(page.section)
    };
    while let Some(s) = at {
        chain.push(s);
        at = sections[s].parent;
    }
    chain
        .iter()
        .rev()
        .map(|&s| Crumb {
            title: site.content.section_title(&sections[s]),
            url: &sections[s].url,
        })
        .collect()
}

pub fn page<'a>(site: &'a Site, i: usize, json_ld: Option<String>) -> PageCtx<'a> {
    let p = &site.pages()[i];
    let siblings = &site.content.sections[p.section].pages;
    let pos = siblings.iter().position(|&s| s == i);
    let crumb = |j: Option<&usize>| {
        j.map(|&j| {
            let q = &site.pages()[j];
            Crumb {
                title: &q.meta.title,
                url: &q.url,
            }
        })
    };
    let faq = (!p.body.faq.is_empty()).then(|| {
        p.body
            .faq
            .iter()
            .map(|f| FaqCtx {
                id: &f.id,
                question: &f.question,
                answer: Value::safe_string(&f.answer),
            })
            .collect()
    });
    PageCtx {
        title: &p.meta.title,
        description: &p.meta.description,
        url: &p.url,
        permalink: site.config.permalink(&p.url),
        kind: p.meta.kind.as_str(),
        tags: &p.meta.tags,
        updated: p.meta.updated.map(|d| d.to_string()),
        review: p.meta.review,
        draft: p.meta.draft,
        content: Value::safe_string(&p.body.html),
        toc: &p.body.toc,
        extra: &p.meta.extra,
        source: &p.source,
        faq,
        json_ld: json_ld.map(|s| Value::safe_string(&s)),
        prev: pos
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| crumb(siblings.get(k))),
        next: pos.and_then(|k| crumb(siblings.get(k + 1))),
        flow: p.flow.as_ref().map(|f| &f.view),
        contact_url: crate::flows::render::contact_url(site.config.base_path(), &p.url, &[]),
    }
}

pub fn section<'a>(site: &'a Site, s: usize) -> SectionCtx<'a> {
    let content = &site.content;
    let sec = &content.sections[s];
    let meta = content.section_meta(sec);
    SectionCtx {
        title: content.section_title(sec),
        description: meta.map_or("", |m| m.description.as_str()),
        url: &sec.url,
        permalink: site.config.permalink(&sec.url),
        content: Value::safe_string(
            sec.index
                .map_or("", |i| content.pages[i].body.html.as_str()),
        ),
        pages: sec.pages.iter().map(|&i| listed_page(site, i)).collect(),
        sections: sec
            .children
            .iter()
            .map(|&c| {
                let child = &content.sections[c];
                ListedSection {
                    title: content.section_title(child),
                    url: &child.url,
                    description: content
                        .section_meta(child)
                        .map_or("", |m| m.description.as_str()),
                    pages: child
                        .pages
                        .iter()
                        .take(LISTED_PAGES)
                        .map(|&i| listed_page(site, i))
                        .collect(),
                    total: child.pages.len(),
                }
            })
            .collect(),
    }
}

fn listed_page(site: &Site, i: usize) -> ListedPage<'_> {
    let p = &site.content.pages[i];
    ListedPage {
        title: &p.meta.title,
        url: &p.url,
        description: &p.meta.description,
        kind: p.meta.kind.as_str(),
        updated: p.meta.updated.map(|d| d.to_string()),
    }
}

/// The most pages a section's navigation lists; the theme links the section page for the rest.
pub const NAV_WINDOW: usize = 50;

#[derive(Serialize)]
struct NavNode<'a> {
    title: &'a str,
    url: &'a str,
    active: bool,
    /// At most [`NAV_WINDOW`] entries: the first ones, or those around the current page.
    pages: Value,
    /// How many pages the section has.
    total: usize,
    sections: Vec<Value>,
}

#[derive(Serialize)]
struct NavPage<'a> {
    title: &'a str,
    url: &'a str,
    active: bool,
}

/// Every section's navigation node with nothing active, built once per site.
#[derive(Debug, Clone, Default)]
pub struct NavTree {
    nodes: Vec<Value>,
    /// Per section: each page's entry, not active.
    entries: Vec<Vec<Value>>,
    /// Per section: the list shown when none of its pages is current (the first entries).
    first: Vec<Value>,
}

impl NavTree {
    pub fn new(site: &Site) -> NavTree {
        let sections = &site.content.sections;
        let mut tree = NavTree {
            nodes: vec![Value::none(); sections.len()],
            entries: sections
                .iter()
                .map(|sec| {
                    sec.pages
                        .iter()
                        .map(|&i| nav_page(&site.pages()[i], false))
                        .collect()
                })
                .collect(),
            first: Vec::with_capacity(sections.len()),
        };
        tree.first = tree
            .entries
            .iter()
            .map(|e| Value::from(e[..e.len().min(NAV_WINDOW)].to_vec()))
            .collect();
        // Children come after their parent in walk order, so build from the end.
        for s in (0..sections.len()).rev() {
            let node = NavNode {
                title: site.content.section_title(&sections[s]),
                url: &sections[s].url,
                active: false,
                pages: tree.first[s].clone(),
                total: sections[s].pages.len(),
                sections: sections[s]
                    .children
                    .iter()
                    .map(|&c| tree.nodes[c].clone())
                    .collect(),
            };
            tree.nodes[s] = Value::from_serializable(&node);
        }
        tree
    }

    /// The top-level sections for a page in section `section` (`page` is the page itself, or
    /// `None` on a section's own page and on pages outside the tree).
    pub fn for_page(&self, site: &Site, section: Option<usize>, page: Option<usize>) -> Value {
        let sections = &site.content.sections;
        let mut active = vec![false; sections.len()];
        let mut at = section;
        while let Some(s) = at {
            active[s] = true;
            at = sections[s].parent;
        }
        match sections.first() {
            Some(root) => Value::from(
                root.children
                    .iter()
                    .map(|&c| self.node(site, c, &active, section, page))
                    .collect::<Vec<_>>(),
            ),
            None => Value::from(Vec::<Value>::new()),
        }
    }

    fn node(
        &self,
        site: &Site,
        s: usize,
        active: &[bool],
        section: Option<usize>,
        page: Option<usize>,
    ) -> Value {
        if !active[s] {
            return self.nodes[s].clone();
        }
        let sec = &site.content.sections[s];
        let pages = match page.filter(|_| Some(s) == section) {
            Some(page) => self.window(site, s, page),
            None => self.first[s].clone(),
        };
        let node = NavNode {
            title: site.content.section_title(sec),
            url: &sec.url,
            active: true,
            pages,
            total: sec.pages.len(),
            sections: sec
                .children
                .iter()
                .map(|&c| self.node(site, c, active, section, page))
                .collect(),
        };
        Value::from_serializable(&node)
    }

    /// At most [`NAV_WINDOW`] of the section's entries around `page`, that one active. The
    /// entries are shared with every other page's list, so this costs one small value.
    fn window(&self, site: &Site, s: usize, page: usize) -> Value {
        let entries = &self.entries[s];
        let Some(k) = site.content.sections[s]
            .pages
            .iter()
            .position(|&p| p == page)
        else {
            return self.first[s].clone();
        };
        let start = k
            .saturating_sub(NAV_WINDOW / 2)
            .min(entries.len().saturating_sub(NAV_WINDOW));
        let end = (start + NAV_WINDOW).min(entries.len());
        let mut list = entries[start..end].to_vec();
        list[k - start] = nav_page(&site.pages()[page], true);
        Value::from(list)
    }
}

fn nav_page(p: &Page, active: bool) -> Value {
    Value::from_serializable(&NavPage {
        title: &p.meta.title,
        url: &p.url,
        active,
    })
}
