//! What an in-place edit of pages affects, found by comparing each page's old and new parse:
//! the preview server redoes exactly this after a save (see `serve`'s incremental builder and
//! [`crate::pipeline::Checks::after_edit`]).
//!
//! | what changed on the page | redone besides the page itself |
//! |---|---|
//! | body only | nothing |
//! | heading ids (anchors) | link check of the pages linking into it, sent links, `pages.json` |
//! | `description`, `kind`, `updated`, `tags` | its section's page (the listing), `pages.json`, sitemap |
//! | `title`, `weight`, `draft` (navigation, order) | every page (all show the navigation) |
//! | `aliases` | the redirect pages of old and new aliases, alias checks, sent links, `pages.json` |
//!
//! Adding, removing or renaming a page or a section is not an in-place edit: the site is
//! loaded again.

use std::collections::BTreeSet;

use crate::content::Page;
use crate::markdown::Target;

use super::Site;

/// What one batch of page edits touches.
#[derive(Debug, Default)]
pub struct Effects {
    /// The navigation or the order of pages changed: every page shows it.
    pub nav: bool,
    /// What a section's listing shows of a page changed.
    pub listing: bool,
    pub aliases: bool,
    /// Content paths of edited pages whose anchors changed.
    pub anchors: Vec<String>,
    pub pages_json: bool,
    pub sitemap: bool,
}

impl Effects {
    /// Adds what replacing `old` by `new` (the same file, parsed again) affects.
    pub fn add(&mut self, old: &Page, new: &Page) {
        let (a, b) = (&old.meta, &new.meta);
        let anchors = !old.anchors().eq(new.anchors());
        self.nav |= a.title != b.title || a.weight != b.weight || a.draft != b.draft;
        self.listing |= a.description != b.description
            || a.kind != b.kind
            || a.updated != b.updated
            || a.tags != b.tags;
        self.aliases |= a.aliases != b.aliases;
        if anchors {
            self.anchors.push(new.source.clone());
        }
        self.pages_json |=
            anchors || a.kind != b.kind || a.updated != b.updated || a.aliases != b.aliases;
        self.sitemap |= a.updated != b.updated;
    }

    /// Whether a URL or anchor that resolved may no longer (or one that did not now does).
    pub fn resolution(&self) -> bool {
        self.aliases || !self.anchors.is_empty()
    }

    /// The pages whose links to check again: the `edited` ones, and those linking into a page
    /// whose anchors changed.
    pub fn links_to_check(&self, site: &Site, edited: &[usize]) -> BTreeSet<usize> {
        let mut again: BTreeSet<usize> = edited.iter().copied().collect();
        if !self.anchors.is_empty() {
            let links_into = |p: &Page| {
                p.body.links.iter().any(|l| {
                    matches!(&l.target, Target::Page { path, .. } if self.anchors.contains(path))
                })
            };
            again.extend((0..site.pages().len()).filter(|&i| links_into(&site.pages()[i])));
        }
        again
    }

    /// The pages to render again when the navigation stands: the `edited` ones, and the
    /// section pages listing them when what a listing shows changed.
    pub fn pages_to_render(&self, site: &Site, edited: &[usize]) -> BTreeSet<usize> {
        let mut render: BTreeSet<usize> = edited.iter().copied().collect();
        if self.listing {
            for &i in edited {
                let page = &site.pages()[i];
                // An `_index.md` is listed by its parent section's page.
                let listed_in = if page.is_index {
                    site.content.sections[page.section].parent
                } else {
                    Some(page.section)
                };
                render.extend(listed_in.and_then(|s| site.content.sections[s].index));
            }
        }
        render
    }
}
