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
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::content::{Kind, url};
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::site::Site;
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
        .map_err(|e| vec![template_error(&e, &files)])?;
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
            return Err(
                Diagnostic::error(format!("template `{template}` not found"))
                    .at(&page.file)
                    .hint(format!(
                        "known templates are {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
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
        let html = self.tera.render(&template, &ctx).map_err(|e| {
            template_error(&e, &self.files)
                .cause(format!("while rendering `{}`", page.file.display()))
        })?;
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
        let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = (0..site.pages().len())
            .into_par_iter()
            .map(|i| self.render_page(site, i))
            .collect();
        let mut output = Output::default();
        let mut errors: BTreeMap<ErrorPlace, (Diagnostic, usize)> = BTreeMap::new();
        for result in rendered {
            match result {
                Ok((path, bytes)) => output.insert(path, bytes),
                Err(d) => {
                    let key = (d.path.clone(), d.line, d.column, d.message.clone());
                    errors.entry(key).or_insert((d, 0)).1 += 1;
                }
            }
        }
        let mut diagnostics: Vec<Diagnostic> = errors
            .into_values()
            .map(|(d, n)| {
                if n > 1 {
                    d.cause(format!("and in {} more pages", n - 1))
                } else {
                    d
                }
            })
            .collect();
        if let Err(d) = self.render_extras(site, &mut output) {
            diagnostics.push(d);
        }
        (output, diagnostics)
    }

    fn render_extras(&self, site: &Site, output: &mut Output) -> Result<(), Diagnostic> {
        if self.tera.contains_template("404.html") {
            let mut ctx = self.base_context(site, "");
            ctx.insert_value("sections", self.nav.for_page(site, None, None));
            ctx.insert("breadcrumbs", &Vec::<()>::new());
            let html = self
                .tera
                .render("404.html", &ctx)
                .map_err(|e| template_error(&e, &self.files))?;
            output.insert("404.html", html);
        }
        for (alias, &target) in &site.aliases {
            if site.page_by_url(alias).is_some() {
                continue; // a collision, reported by the link check
            }
            let (path, html) = self.render_alias(site, alias, target)?;
            output.insert(path, html);
        }
        output.insert("sitemap.xml", extras::sitemap(site));
        output.insert("robots.txt", extras::robots(site));
        output.insert(extras::PAGES_JSON, extras::pages_json(site));
        for (path, bytes) in &self.assets.files {
            output.insert(path.clone(), bytes.clone());
        }
        for (path, bytes) in &site.content.files {
            output.insert(path.clone(), bytes.clone());
        }
        Ok(())
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
                .map_err(|e| template_error(&e, &self.files))?
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

/// A Tera error as a diagnostic at the template's file, line and column.
pub fn template_error(err: &tera::Error, files: &HashMap<String, PathBuf>) -> Diagnostic {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    let mut d = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut d = Diagnostic::error(format!("template error: {}", tidy(report.message())))
                .at(file_of(report.filename()));
            if span.start_line > 0 {
                d = d.line(span.start_line).column(span.start_col + 1);
            }
            d
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(format!(
            "template error: `{current}` extends `{parent}`, which does not exist"
        ))
        .at(file_of(current)),
        tera::ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("template error: template `{name}` not found"))
        }
        other => Diagnostic::error(format!("template error: {}", tidy(&other.to_string()))),
    };
    if let Some(source) = std::error::Error::source(err) {
        d = d.cause(tidy(&source.to_string()));
    }
    d
}

/// House style: no trailing period.
fn tidy(message: &str) -> String {
    message.trim().trim_end_matches('.').to_string()
}
