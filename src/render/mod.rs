//! Pages to HTML with Tera 2 templates, plus every other output file.
//!
//! 1. [`Renderer::new`] loads the theme (`theme`), compiles the templates, publishes the static
//!    files under hashed names (`assets`) with the generated syntax stylesheets, and builds the
//!    navigation tree once (`context::NavTree`).
//! 2. [`Renderer::render_page`] renders one page from the kept model: the preview server calls
//!    it after an edit.
//! 3. [`Renderer::render_all`] renders every page in parallel, then the 404 page, the alias
//!    redirects, `sitemap.xml`, `robots.txt` and `_helpsite/pages.json` (`extras`), into an
//!    in-memory [`Output`]; nothing touches the disk here.
//!
//! Template errors become diagnostics naming the template file, line and column.

pub mod assets;
pub mod context;
pub mod extras;
pub mod relative;
pub mod reserved;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::content::Kind;
use crate::diagnostics::{Diagnostic, closest};
use crate::output::Output;
use crate::site::Site;
use crate::urls as url;
use assets::Assets;
use context::NavTree;

/// Compiled templates, published assets and the shared navigation of one site.
pub struct Renderer {
    tera: Tera,
    /// Template name → file, for diagnostics.
    files: HashMap<String, PathBuf>,
    assets: Assets,
    assets_value: tera::Value,
    nav: NavTree,
    preview: bool,
}

impl Renderer {
    /// `preview` is true only in `helpsite serve` (templates show drafts and review notes).
    pub fn new(site: &Site, preview: bool) -> Result<Renderer, Vec<Diagnostic>> {
        let theme = theme::load(&site.root, &site.config.theme)?;
        let files = theme
            .templates
            .values()
            .map(|t| (t.name.clone(), t.file.clone()))
            .collect();
        let mut tera = Tera::new();
        tera.add_raw_templates(
            theme
                .templates
                .values()
                .map(|t| (t.name.as_str(), t.text.as_str())),
        )
        .map_err(|e| template_errors(&e, &files))?;
        let mut statics = theme.statics;
        for (name, css) in crate::highlight::stylesheets() {
            statics
                .entry(name.to_string())
                .or_insert_with(|| css.into_bytes());
        }
        let assets = Assets::publish(statics, site.config.base_path());
        let assets_value = tera::Value::from_serializable(&assets.urls);
        Ok(Renderer {
            tera,
            files,
            assets,
            assets_value,
            nav: NavTree::new(site),
            preview,
        })
    }

    /// Rebuilds what is shared between pages after the model changed (titles, order, pages).
    pub fn refresh(&mut self, site: &Site) {
        self.nav = NavTree::new(site);
    }

    /// The template a page renders with: its `template:`, else by kind; `index.html` for the
    /// home page and `section.html` for other `_index.md`s.
    pub fn template_for(site: &Site, page: usize) -> String {
        let p = &site.pages()[page];
        if let Some(t) = &p.meta.template {
            return t.clone();
        }
        let name = match (p.is_index, p.source.as_str(), p.meta.kind) {
            (true, "_index.md", _) => "index.html",
            (true, _, _) => "section.html",
            (false, _, Kind::Faq) => "faq.html",
            (false, _, Kind::Troubleshooting) => "troubleshooting.html",
            (false, _, _) => "page.html",
        };
        name.to_string()
    }

    /// One page: its output path and HTML.
    pub fn render_page(&self, site: &Site, i: usize) -> Result<(String, Vec<u8>), Diagnostic> {
        let page = &site.pages()[i];
        let template = Self::template_for(site, i);
        if !self.tera.contains_template(&template) {
            let mut names: Vec<&str> = self.tera.get_template_names().collect();
            names.sort_unstable();
            let hint = match closest(&template, &names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "known templates are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return Err(
                Diagnostic::error(format!("template `{template}` not found"))
                    .at(&page.file)
                    .hint(hint),
            );
        }
        let mut ctx = self.base_context(site, &page.url);
        ctx.insert_value(
            "sections",
            self.nav
                .for_page(site, Some(page.section), (!page.is_index).then_some(i)),
        );
        ctx.insert("breadcrumbs", &context::breadcrumbs(site, page));
        if page.is_index {
            ctx.insert("section", &context::section(site, page.section));
        } else {
            let ctx_page = context::page(site, i, extras::faq_json_ld(page));
            ctx.insert("prev", &ctx_page_link(site, i, -1));
            ctx.insert("next", &ctx_page_link(site, i, 1));
            ctx.insert("page", &ctx_page);
        }
        let html = self
            .tera
            .render(&template, &ctx)
            .map_err(|e| self.render_error(&e, &page.file))?;
        Ok((
            url::output_path(site.config.base_path(), &page.url),
            html.into_bytes(),
        ))
    }

    fn base_context(&self, site: &Site, current: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &context::site(site, current));
        ctx.insert_value("assets", self.assets_value.clone());
        ctx.insert("preview", &self.preview);
        ctx
    }

    /// Every output file of the site. Template errors are reported once per template place,
    /// with the number of pages that hit it.
    pub fn render_all(&self, site: &Site) -> (Output, Vec<Diagnostic>) {
        let output = Mutex::new(Output::default());
        let (diagnostics, _) = self.render_each(site, &|path, bytes| {
            output
                .lock()
                .expect("no panic holds the lock")
                .insert(path, bytes);
            Ok(())
        });
        (
            output.into_inner().expect("no panic holds the lock"),
            diagnostics,
        )
    }

    /// Renders every output file and hands each to `sink` as soon as it is ready, from many
    /// threads, so the whole site never has to sit in memory. Returns the diagnostics and the
    /// number of files handed over, or the sink's first error.
    pub fn render_each(
        &self,
        site: &Site,
        sink: &Sink<'_>,
    ) -> (Vec<Diagnostic>, std::io::Result<usize>) {
        let sink_error = Mutex::new(None);
        let handed = std::sync::atomic::AtomicUsize::new(0);
        let give = |path: String, bytes: Vec<u8>| {
            if sink_error
                .lock()
                .expect("no panic holds the lock")
                .is_some()
            {
                return; // stop writing after the first failure
            }
            match sink(path, bytes) {
                Ok(()) => _ = handed.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                Err(e) => {
                    _ = sink_error
                        .lock()
                        .expect("no panic holds the lock")
                        .get_or_insert(e)
                }
            }
        };
        let errors: Vec<Diagnostic> = (0..site.pages().len())
            .into_par_iter()
            .filter_map(|i| match self.render_page(site, i) {
                Ok((path, bytes)) => {
                    give(path, bytes);
                    None
                }
                Err(d) => Some(d),
            })
            .collect();
        let mut diagnostics = once_per_place(errors);
        let mut extras = Output::default();
        if let Err(d) = self.render_extras(site, &mut extras) {
            diagnostics.push(d);
        }
        for (path, bytes) in extras.files {
            give(path, bytes);
        }
        let result = match sink_error.into_inner().expect("no panic holds the lock") {
            Some(e) => Err(e),
            None => Ok(handed.into_inner()),
        };
        (diagnostics, result)
    }

    fn render_extras(&self, site: &Site, output: &mut Output) -> Result<(), Diagnostic> {
        let base = site.config.base_path();
        if self.tera.contains_template(reserved::NOT_FOUND) {
            let mut ctx = self.base_context(site, "");
            ctx.insert_value("sections", self.nav.for_page(site, None, None));
            ctx.insert("breadcrumbs", &Vec::<()>::new());
            let html = self
                .tera
                .render(reserved::NOT_FOUND, &ctx)
                .map_err(|e| self.render_error(&e, reserved::NOT_FOUND))?;
            output.insert(reserved::NOT_FOUND, html);
        }
        if site.config.search.enabled && self.tera.contains_template(reserved::SEARCH_PAGE) {
            let url = format!("{base}search/");
            let mut ctx = self.base_context(site, &url);
            ctx.insert_value("sections", self.nav.for_page(site, None, None));
            ctx.insert("breadcrumbs", &Vec::<()>::new());
            let html = self
                .tera
                .render(reserved::SEARCH_PAGE, &ctx)
                .map_err(|e| self.render_error(&e, reserved::SEARCH_PAGE))?;
            output.insert(url::output_path(base, &url), html);
        }
        for (alias, &target) in &site.aliases {
            if site.page_by_url(alias).is_some() {
                continue; // a collision, reported by the link check
            }
            let (path, html) = self.render_alias(site, alias, target)?;
            output.insert(path, html);
        }
        output.insert(reserved::SITEMAP, extras::sitemap(site));
        output.insert(reserved::ROBOTS, extras::robots(site));
        output.insert(extras::PAGES_JSON, extras::pages_json(site));
        for (path, bytes) in &self.assets.files {
            output.insert(path.clone(), bytes.clone());
        }
        for (path, bytes) in &site.content.files {
            output.insert(path.clone(), bytes.clone());
        }
        Ok(())
    }

    /// A rendering error (one place) while producing `what`.
    fn render_error(&self, err: &tera::Error, what: impl AsRef<std::path::Path>) -> Diagnostic {
        let d = template_errors(err, &self.files)
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("template error"));
        let context = format!("while rendering `{}`", what.as_ref().display());
        match d.cause.clone() {
            Some(cause) => d.cause(format!("{cause} ({context})")),
            None => d.cause(context),
        }
    }

    /// The redirect page written at `alias` (a URL) for page `target`: its output path and
    /// HTML. The preview server calls it for the aliases of an edited page.
    pub fn render_alias(
        &self,
        site: &Site,
        alias: &str,
        target: usize,
    ) -> Result<(String, String), Diagnostic> {
        let target_url = &site.pages()[target].url;
        let permalink = site.config.permalink(target_url);
        let html = if self.tera.contains_template("alias.html") {
            let mut ctx = self.base_context(site, target_url);
            ctx.insert("target", target_url);
            ctx.insert("permalink", &permalink);
            self.tera
                .render("alias.html", &ctx)
                .map_err(|e| self.render_error(&e, alias))?
        } else {
            extras::fallback_alias(target_url, &permalink)
        };
        Ok((url::output_path(site.config.base_path(), alias), html))
    }

    /// Plain static name → published URL.
    pub fn asset_urls(&self) -> &BTreeMap<String, String> {
        &self.assets.urls
    }
}

/// Receives each rendered file: output path and bytes.
pub type Sink<'a> = dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync + 'a;

/// The same template error on many pages, reported once with the number of pages.
fn once_per_place(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut places: BTreeMap<ErrorPlace, (Diagnostic, usize)> = BTreeMap::new();
    for d in errors {
        let key = (d.path.clone(), d.line, d.column, d.message.clone());
        places.entry(key).or_insert((d, 0)).1 += 1;
    }
    places
        .into_values()
        .map(|(d, n)| {
            if n > 1 {
                d.cause(format!("and in {} more pages", n - 1))
            } else {
                d
            }
        })
        .collect()
}

/// Where a template error happened: the same error on many pages is reported once.
type ErrorPlace = (Option<PathBuf>, Option<usize>, Option<usize>, String);

/// `prev`/`next` at the top level of the context too (the README lists them beside `page`).
fn ctx_page_link(site: &Site, i: usize, step: isize) -> Option<BTreeMap<&'static str, String>> {
    let page = &site.pages()[i];
    let siblings = &site.content.sections[page.section].pages;
    let pos = siblings.iter().position(|&s| s == i)?;
    let j = *siblings.get(pos.checked_add_signed(step)?)?;
    let q = &site.pages()[j];
    Some(BTreeMap::from([
        ("title", q.meta.title.clone()),
        ("url", q.url.clone()),
    ]))
}

/// A Tera error as diagnostics at the template's file, line and column. Tera's validation (an
/// unknown filter, a block missing from the parent…) reports every problem at once as text
/// reports; each becomes its own diagnostic.
pub fn template_errors(err: &tera::Error, files: &HashMap<String, PathBuf>) -> Vec<Diagnostic> {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    let mut found = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let d = Diagnostic::error(format!("template error: {}", tidy(report.message())))
                .at(file_of(report.filename()));
            vec![if span.start_line > 0 {
                d.line(span.start_line).column(span.start_col + 1)
            } else {
                d
            }]
        }
        tera::ErrorKind::MissingParent { current, parent } => vec![
            Diagnostic::error(format!(
                "template error: `{current}` extends `{parent}`, which does not exist"
            ))
            .at(file_of(current)),
        ],
        tera::ErrorKind::Msg(text) if text.starts_with("error: ") => text
            .split("\n\n")
            .filter_map(|report| parse_report(report, &file_of))
            .collect(),
        other => vec![Diagnostic::error(format!(
            "template error: {}",
            tidy(&other.to_string())
        ))],
    };
    if let (Some(source), Some(last)) = (std::error::Error::source(err), found.last_mut()) {
        *last = last.clone().cause(tidy(&source.to_string()));
    }
    found.into_iter().map(|d| override_hint(d, files)).collect()
}

/// A theme template that extends one the site overrides (`faq.html` extends `page.html`)
/// fails on a block the override lacks, and Tera names the theme's file, which the writer never
/// touched: point at the site's `templates/`.
fn override_hint(d: Diagnostic, files: &HashMap<String, PathBuf>) -> Diagnostic {
    let in_theme = d.path.as_ref().is_some_and(|p| p.starts_with("themes"));
    let site_templates = files.values().any(|f| f.starts_with("templates"));
    if d.hint.is_some()
        || !in_theme
        || !site_templates
        || !d.message.contains("is not defined in any parent template")
    {
        return d;
    }
    d.hint("a template in the site's `templates/` replaces one this theme template extends: define the block there too, or remove the replacement")
}

/// One of Tera's text reports: `error: MESSAGE` then ` --> NAME:LINE:COL`.
fn parse_report(report: &str, file_of: &impl Fn(&str) -> PathBuf) -> Option<Diagnostic> {
    let mut lines = report.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let d = Diagnostic::error(format!("template error: {}", tidy(message)));
    let Some(place) = lines.find_map(|l| l.trim_start().strip_prefix("--> ")) else {
        return Some(d);
    };
    let mut parts = place.rsplitn(3, ':');
    let (col, line, name) = (parts.next()?, parts.next()?, parts.next()?);
    Some(
        d.at(file_of(name))
            .line(line.parse().ok()?)
            .column(col.parse().ok()?),
    )
}

/// House style: no trailing period.
fn tidy(message: &str) -> String {
    message.trim().trim_end_matches('.').to_string()
}
