//! Stage 2 of [`super`] and the end of stage 3: every check of a loaded site, in one list that
//! `build`, `check` and the preview all run. Each check's findings are kept apart (links per
//! page), so after an in-place edit the preview redoes only what the edit affects.

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::links;
use crate::render::{Renderer, reserved};
use crate::site::Site;
use crate::site::edit::Effects;

use super::Timings;

/// The reply-link ledger's part of the checks, run after links and flows, before anything is
/// rendered: it checks sent links and may record each page's replies on the site (for the
/// search boost). `ledger::hook` is the one implementation; the pipeline never learns about
/// SQLite.
pub type LedgerHook<'a> = dyn Fn(&mut Site) -> Vec<Diagnostic> + 'a;

/// What the checks found, by check.
#[derive(Debug, Default)]
pub struct Checks {
    /// Link problems of each page, by page index.
    pages: Vec<Vec<Diagnostic>>,
    /// Alias collisions and `site.yaml` nav links.
    site_links: Vec<Diagnostic>,
    /// Troubleshooting flows: their graphs and the pages and anchors their answers lead to.
    flows: Vec<Diagnostic>,
    /// The ledger hook's: sent links that no longer resolve.
    ledger: Vec<Diagnostic>,
    /// Pages and aliases on paths the build writes itself (needs the templates).
    paths: Vec<Diagnostic>,
}

impl Checks {
    /// Stage 2: links, flows, then the ledger hook (last: it may record on the site).
    pub fn run(site: &mut Site, ledger: &LedgerHook<'_>, timings: &mut Timings) -> Checks {
        let (pages, site_links) = timings.time("check links", || {
            let pages = site.pages().par_iter();
            let pages = pages.map(|p| links::check_page(site, p)).collect();
            (pages, links::check_site_wide(site))
        });
        let flows = timings.time("check flows", || links::flows::check(site));
        let ledger = timings.time("sent links", || ledger(site));
        Checks {
            pages,
            site_links,
            flows,
            ledger,
            paths: Vec::new(),
        }
    }

    /// The end of stage 3, once the templates compiled: no page or alias may take a path the
    /// build writes itself (an asset's hashed name, `sitemap.xml`, …).
    pub fn paths(&mut self, site: &Site, renderer: &Renderer, timings: &mut Timings) {
        self.paths = timings.time("check paths", || reserved::check(site, renderer));
    }

    /// After the pages `edited` were replaced in place (see [`Effects`]): their links and those
    /// into pages whose anchors changed, the site-wide checks (a flow may lead to any page's
    /// anchors, and the edit may change a flow), and the ledger's when what resolves changed.
    pub fn after_edit(
        &mut self,
        site: &mut Site,
        renderer: &Renderer,
        edited: &[usize],
        effects: &Effects,
        ledger: &LedgerHook<'_>,
    ) {
        for i in effects.links_to_check(site, edited) {
            self.pages[i] = links::check_page(site, &site.pages()[i]);
        }
        self.site_links = links::check_site_wide(site);
        self.flows = links::flows::check(site);
        self.paths = reserved::check(site, renderer);
        if effects.resolution() {
            self.ledger = ledger(site);
        }
    }

    /// After new templates (the site unchanged): only the reserved paths can differ.
    pub fn after_templates(&mut self, site: &Site, renderer: &Renderer) {
        self.paths = reserved::check(site, renderer);
    }

    /// Everything found, check by check.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        let pages = self.pages.iter().flatten();
        pages
            .chain(&self.site_links)
            .chain(&self.flows)
            .chain(&self.ledger)
            .chain(&self.paths)
    }
}
