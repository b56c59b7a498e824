//! Link checking, once every page is parsed: each internal link's page and anchor (relative or
//! root-relative), aliases and their collisions, and the `nav` links of `site.yaml`. Problems
//! come back as diagnostics with file and line, all of them at once. The Markdown pass's
//! warnings (foreign template syntax) are reported here with each page's links, so a warning
//! never keeps a page from loading; and a site without the contact page the theme's "Write a
//! support request" button needs gets a warning (the theme leaves the button out), a theme
//! whose search box leads to a search page it cannot render an error.
//!
//! [`resolve_url`] answers "does this site URL still lead somewhere, and where?"; the reply-link
//! ledger's guard (issue 5) asks it for every URL ever sent to a customer.

pub mod flows;

use crate::content::{LeftOut, Page};
use crate::diagnostics::{Diagnostic, closest};
use crate::markdown::Target;
use crate::site::Site;
use crate::urls;

/// Where a root-relative URL (maybe with `#anchor` and `?query`) leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A page (index into `site.pages()`), and the anchor exists if one was given.
    Page(usize),
    /// An alias that redirects to this page; the anchor exists on it if one was given.
    Alias(usize),
    /// The page exists but has no such anchor.
    MissingAnchor {
        page: usize,
        anchor: String,
    },
    NotFound,
}

/// Resolves `url` (`/connect/senders/#verify-a-sender`, `/kb/00012`, `/faq/index.html`).
pub fn resolve_url(site: &Site, url: &str) -> Resolution {
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(a).filter(|a| !a.is_empty())),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let path = urls::pretty_path(&format!("/{}", path.trim_start_matches('/')));
    let (page, via_alias) = match (site.page_by_url(&path), site.aliases.get(&path)) {
        (Some(p), _) => (p, false),
        (None, Some(&p)) => (p, true),
        (None, None) => return Resolution::NotFound,
    };
    match anchor {
        Some(a) if !site.pages()[page].has_anchor(a) => Resolution::MissingAnchor {
            page,
            anchor: a.to_string(),
        },
        _ if via_alias => Resolution::Alias(page),
        _ => Resolution::Page(page),
    }
}

/// Every link, alias and nav problem of the site.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = site
        .pages()
        .iter()
        .flat_map(|p| check_page(site, p))
        .collect();
    out.extend(check_site_wide(site));
    out
}

/// The problems of one page's links. The preview server re-checks only the pages an edit can
/// affect: the edited page, and the pages linking into it when its anchors changed.
pub fn check_page(site: &Site, page: &Page) -> Vec<Diagnostic> {
    let mut out = page.body.warnings.clone();
    for link in &page.body.links {
        if let Some(problem) = check_target(site, page, &link.target) {
            let mut d = Diagnostic::error(format!(
                "broken link `{}`: {}",
                link.written, problem.reason
            ))
            .at(&page.file)
            .line(link.line);
            if let Some(hint) = problem.hint {
                d = d.hint(hint);
            }
            out.push(d);
        }
    }
    out
}

/// The problems that belong to no single page's links: alias collisions and `site.yaml` nav.
pub fn check_site_wide(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_aliases(site, &mut out);
    check_nav(site, &mut out);
    out.extend(missing_contact_page(site));
    out.extend(missing_search_page(site));
    out
}

/// A site's own theme (`themes/<name>/`, with the site's overrides), or `None` for the default
/// theme, whose templates link to `/contact/` and have `search.html`.
fn own_theme(site: &Site) -> Option<crate::render::theme::Theme> {
    if !site.root.join("themes").join(&site.config.theme).is_dir() {
        return None;
    }
    crate::render::theme::load(&site.root, &site.config.theme).ok()
}

/// With search on, a theme's search box sends readers to `/search/`, which the build writes from
/// the theme's `search.html`; a theme that links there without one would send every search to a
/// 404, so that is an error.
fn missing_search_page(site: &Site) -> Option<Diagnostic> {
    let name = &site.config.theme;
    let page = crate::render::reserved::SEARCH_PAGE;
    let on_disk = |dir: std::path::PathBuf| dir.join("templates").join(page).is_file();
    // The usual case answers from two file checks, without reading the theme.
    if !site.config.search.enabled
        || on_disk(site.root.clone())
        || on_disk(site.root.join("themes").join(name))
    {
        return None;
    }
    let theme = own_theme(site)?;
    let links_there = theme.templates.values().any(|t| t.text.contains("search/"));
    if theme.templates.contains_key(page) || !links_there {
        return None;
    }
    Some(
        Diagnostic::error(format!(
            "theme `{name}` links to `{}search/` but has no `search.html`, so that page would be a 404",
            site.config.base_path()
        ))
        .at(format!("themes/{name}/templates/search.html"))
        .hint("add `templates/search.html` (start from the default theme's), or turn search off with `search: {enabled: false}` in site.yaml"),
    )
}

/// The URL of the support-request composer the theme links to from every page.
pub fn contact_url(site: &Site) -> String {
    format!("{}contact/", site.config.base_path())
}

/// Whether the site has the page the theme's "Write a support request" button leads to; the
/// theme renders the button only then (`site.contact_page`).
pub fn has_contact_page(site: &Site) -> bool {
    site.page_by_url(&contact_url(site)).is_some()
}

/// Without a page at `/contact/` the button would be a 404 on every page, so the theme leaves it
/// out (the support address stays) and the build says why, once.
fn missing_contact_page(site: &Site) -> Option<Diagnostic> {
    if has_contact_page(site) {
        return None;
    }
    if own_theme(site)
        .is_some_and(|theme| !theme.templates.values().any(|t| t.text.contains("contact")))
    {
        return None; // the site's theme has no such button
    }
    let left_out = match site.left_out("contact.md") {
        Some(LeftOut::Failed) => return None,
        Some(LeftOut::Draft) => " (`content/contact.md` is a draft)",
        None => "",
    };
    Some(
        Diagnostic::warning(format!(
            "no page at `{}`{left_out}: the \"Write a support request\" button is left out of every page",
            contact_url(site)
        ))
        .at("content/contact.md")
        .hint("add `content/contact.md` with `template: contact.html` in its front matter (the request composer); readers see only the support address until then"),
    )
}

/// Why a link is broken, and what to do about it; `check` adds file, line and the link.
struct Problem {
    reason: String,
    hint: Option<String>,
}

fn check_target(site: &Site, page: &Page, target: &Target) -> Option<Problem> {
    match target {
        Target::Page { path, anchor } => {
            let Some(i) = site.page_by_source(path) else {
                return no_page(site, &page.source, path);
            };
            let anchor = anchor.as_deref()?;
            missing_anchor(&site.pages()[i], anchor)
        }
        Target::Anchor(anchor) => missing_anchor(page, anchor),
        Target::File { path } => {
            let dir = path.trim_end_matches('/');
            if site.has_content_file(path) || site.section_by_dir(dir).is_some() {
                None
            } else {
                Some(Problem {
                    reason: format!("no file `content/{path}`"),
                    hint: None,
                })
            }
        }
        Target::Url { url, anchor } => check_url(site, url, anchor.as_deref()),
        Target::OutsideContent => Some(Problem {
            reason: "it climbs above `content/`".into(),
            hint: Some("link pages by their path relative to this file, inside `content/`".into()),
        }),
    }
}

/// Output paths the build writes besides pages, aliases and files: a root-relative link may
/// name them.
const GENERATED: [&str; 5] = [
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "_helpsite/pages.json",
    "search/",
];

/// A root-relative URL under the base path (query and fragment cut off): a page, an alias, a
/// content or static file, a section, or a file the build writes.
fn check_url(site: &Site, written: &str, anchor: Option<&str>) -> Option<Problem> {
    let base = site.config.base_path();
    let path = urls::pretty_path(written);
    let page = site
        .page_by_url(&path)
        .or_else(|| site.aliases.get(&path).copied());
    if let Some(i) = page {
        return anchor.and_then(|a| missing_anchor(&site.pages()[i], a));
    }
    let rel = path.strip_prefix(base).unwrap_or("");
    let file = written.strip_prefix(base).unwrap_or("");
    let generated = GENERATED.contains(&rel) && (rel != "search/" || site.config.search.enabled);
    if generated
        || site.has_content_file(file)
        || site.section_by_dir(rel.trim_end_matches('/')).is_some()
        || is_static_file(site, file)
    {
        return None;
    }
    // A page that is not in this build: say why, as for a `.md` link.
    let stem = rel.trim_end_matches('/');
    for source in [format!("{stem}.md"), format!("{stem}/_index.md")] {
        match site.left_out(&source) {
            Some(LeftOut::Failed) => return None,
            Some(LeftOut::Draft) => {
                return Some(Problem {
                    reason: format!("no page at `{path}`"),
                    hint: Some(format!(
                        "`content/{source}` is a draft: publish it or build with `--drafts`"
                    )),
                });
            }
            None => {}
        }
    }
    let known: Vec<&str> = site.pages().iter().map(|p| p.url.as_str()).collect();
    let hint = match closest(&path, &known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "link a page by its path, e.g. `../setup.md` or `/setup.md` (from `content/`), and the build checks it and makes the URL".to_string(),
    };
    Some(Problem {
        reason: format!("no page or file at `{path}`"),
        hint: Some(hint),
    })
}

/// A file of the site's or the theme's `static/` folders (published at the base path). The
/// theme is read only for a link nothing else answered, which is rare.
fn is_static_file(site: &Site, rel: &str) -> bool {
    if rel.is_empty() || rel.split('/').any(|p| p == "..") {
        return false;
    }
    site.root.join("static").join(rel).is_file()
        || crate::render::theme::load(&site.root, &site.config.theme)
            .is_ok_and(|theme| theme.statics.contains_key(rel))
}

/// Why a link from the page `from` to the content path `path`, which is no page of this
/// build, is broken. `None` when the file is there but failed to load: its own errors are the
/// ones to fix, and repeating them at every link would only bury them.
fn no_page(site: &Site, from: &str, path: &str) -> Option<Problem> {
    let hint = match site.left_out(path) {
        Some(LeftOut::Failed) => return None,
        Some(LeftOut::Draft) => {
            Some("the page is a draft: publish it or build with `--drafts`".to_string())
        }
        None => {
            let known: Vec<&str> = site.pages().iter().map(|p| p.source.as_str()).collect();
            closest(path, &known).map(|best| format!("did you mean `{}`?", relative(from, best)))
        }
    };
    Some(Problem {
        reason: format!("no page `content/{path}`"),
        hint,
    })
}

fn missing_anchor(target: &Page, anchor: &str) -> Option<Problem> {
    if anchor.is_empty() || target.has_anchor(anchor) {
        return None;
    }
    let anchors: Vec<String> = target.anchors().collect();
    let known: Vec<&str> = anchors.iter().map(String::as_str).collect();
    let hint = match closest(anchor, &known) {
        Some(best) => Some(format!("did you mean `#{best}`?")),
        None if known.is_empty() => None,
        None => Some(format!(
            "its headings are {}",
            known
                .iter()
                .map(|a| format!("`#{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    Some(Problem {
        reason: format!("`{}` has no heading `#{anchor}`", target.file.display()),
        hint,
    })
}

/// `to` written relative to the folder of `from` (both content paths), for hints.
fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts = vec![".."; from_dirs.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

fn check_aliases(site: &Site, out: &mut Vec<Diagnostic>) {
    let base = site.config.base_path();
    let mut claimed: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, page) in site.pages().iter().enumerate() {
        for (alias, &line) in page.meta.aliases.iter().zip(&page.alias_lines) {
            let alias_url = urls::alias_url(base, alias);
            let error = |msg: String| Diagnostic::error(msg).at(&page.file).line(line);
            if let Some(other) = site.page_by_url(&alias_url) {
                out.push(
                    error(format!("alias `{alias}` collides with the page `{}`", site.pages()[other].file.display()))
                        .hint("an alias must be an old URL that no page uses now; remove it or move that page"),
                );
            } else if let Some(&first) = claimed.get(&alias_url) {
                if first != i {
                    out.push(
                        error(format!(
                            "alias `{alias}` is also an alias of `{}`",
                            site.pages()[first].file.display()
                        ))
                        .hint("an old URL can redirect to one page only"),
                    );
                }
            } else {
                claimed.insert(alias_url, i);
            }
        }
    }
}

/// Nav `link`s that name a `.md` file must name a page (path relative to `content/`).
fn check_nav(site: &Site, out: &mut Vec<Diagnostic>) {
    for item in &site.config.nav {
        let Some(source) = nav_source(&item.link) else {
            continue;
        };
        let (path, anchor) = source;
        let path_hint =
            "nav links name pages by their path under `content/`, e.g. `connect/_index.md`";
        let problem = match (site.page_by_source(path), site.left_out(path)) {
            (None, Some(LeftOut::Failed)) => None,
            (None, Some(LeftOut::Draft)) => Some((
                format!("nav link `{}`: no page `content/{path}`", item.link),
                "the page is a draft: publish it or build with `--drafts`".to_string(),
            )),
            (None, None) => {
                let known: Vec<&str> = site.pages().iter().map(|p| p.source.as_str()).collect();
                Some((
                    format!("nav link `{}`: no page `content/{path}`", item.link),
                    match closest(path, &known) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => path_hint.to_string(),
                    },
                ))
            }
            (Some(i), _) => anchor
                .and_then(|a| missing_anchor(&site.pages()[i], a))
                .map(|problem| {
                    (
                        format!("nav link `{}`: {}", item.link, problem.reason),
                        problem.hint.unwrap_or_else(|| path_hint.to_string()),
                    )
                }),
        };
        if let Some((message, hint)) = problem {
            let line = site
                .config_text
                .lines()
                .position(|l| l.contains(&item.link))
                .map(|i| i + 1);
            let mut d = Diagnostic::error(message).at("site.yaml");
            if let Some(line) = line {
                d = d.line(line);
            }
            out.push(d.hint(hint));
        }
    }
}

/// `(content path, anchor)` when a nav link names a Markdown page.
pub fn nav_source(link: &str) -> Option<(&str, Option<&str>)> {
    let (path, anchor) = match link.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (link, None),
    };
    if path.contains("://") || !path.ends_with(".md") {
        return None;
    }
    Some((
        path.trim_start_matches("./").trim_start_matches('/'),
        anchor,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hint_paths() {
        assert_eq!(relative("connect/senders.md", "faq.md"), "../faq.md");
        assert_eq!(relative("connect/senders.md", "connect/sms.md"), "sms.md");
        assert_eq!(relative("faq.md", "connect/x.md"), "connect/x.md");
    }

    #[test]
    fn nav_sources() {
        assert_eq!(nav_source("faq.md"), Some(("faq.md", None)));
        assert_eq!(
            nav_source("connect/_index.md#top"),
            Some(("connect/_index.md", Some("top")))
        );
        assert_eq!(nav_source("https://x.org/a.md"), None);
        assert_eq!(nav_source("/status/"), None);
    }
}
