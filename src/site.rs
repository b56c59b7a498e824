//! The resolved site: config plus content, with the lookups later stages need (page by source
//! path, by URL, by alias). Built by [`Site::load`]; the renderer and the link checker read it,
//! the preview server keeps it and replaces single pages with [`Site::reload_page`].

pub mod edit;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{self, Content, LeftOut, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// How to load the site.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include `draft: true` pages.
    pub drafts: bool,
    /// Replaces `base_url` from `site.yaml`.
    pub base_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// `site.yaml` as read, to name lines in errors about its values.
    pub config_text: String,
    pub options: LoadOptions,
    pub content: Content,
    by_source: HashMap<String, usize>,
    by_url: HashMap<String, usize>,
    /// Alias URL → page index; the first page that claims an alias keeps it.
    pub aliases: BTreeMap<String, usize>,
    section_dirs: HashMap<String, usize>,
    content_files: HashMap<String, usize>,
    /// Staff replies that linked each page (its URL → distinct messages, aliases followed),
    /// from the reply-link ledger, for the search ranking's reply boost. Filled by the CLI,
    /// which owns the ledger; empty without one.
    pub replies: HashMap<String, u64>,
}

impl Site {
    /// Reads `site.yaml` and `content/`. `None` only when the config cannot be used at all.
    pub fn load(root: &Path, options: LoadOptions) -> (Option<Site>, Diagnostics) {
        let mut diagnostics = Diagnostics::default();
        let (mut config, config_text) = match Config::load_with_text(root) {
            Ok(loaded) => loaded,
            Err(d) => {
                diagnostics.push(d);
                return (None, diagnostics);
            }
        };
        if let Some(Err(d)) = options
            .base_url
            .as_ref()
            .map(|url| config.set_base_url(url))
        {
            diagnostics.push(d);
            return (None, diagnostics);
        }
        let (content, found) = content::load(root, &config, options.drafts);
        diagnostics.extend(found);
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            config_text,
            options,
            content,
            by_source: HashMap::new(),
            by_url: HashMap::new(),
            aliases: BTreeMap::new(),
            section_dirs: HashMap::new(),
            content_files: HashMap::new(),
            replies: HashMap::new(),
        };
        site.index();
        diagnostics.extend(site.shared_urls());
        (Some(site), diagnostics)
    }

    /// Two pages with one URL (`dupe.md` and `dupe/_index.md`): one would silently replace the
    /// other in the output and appear twice in the sitemap (issue 13). An error at the later
    /// file, naming the earlier one.
    fn shared_urls(&self) -> Vec<Diagnostic> {
        let mut first: HashMap<&str, &Page> = HashMap::new();
        let mut out = Vec::new();
        for page in self.pages() {
            match first.get(page.url.as_str()) {
                Some(earlier) => out.push(
                    Diagnostic::error(format!(
                        "the page's URL `{}` is also the URL of `{}`",
                        page.url,
                        earlier.file.display()
                    ))
                    .at(&page.file)
                    .hint("each URL is one page: rename or move one of the two files"),
                ),
                None => _ = first.insert(&page.url, page),
            }
        }
        out
    }

    fn index(&mut self) {
        let pages = &self.content.pages;
        self.by_source = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.clone(), i))
            .collect();
        self.by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        self.section_dirs = self
            .content
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.dir.clone(), i))
            .collect();
        self.content_files = self
            .content
            .files
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.clone(), i))
            .collect();
        self.aliases.clear();
        for (i, page) in pages.iter().enumerate() {
            for alias in &page.meta.aliases {
                let url = crate::urls::alias_url(self.config.base_path(), alias);
                self.aliases.entry(url).or_insert(i);
            }
        }
    }

    pub fn pages(&self) -> &[Page] {
        &self.content.pages
    }

    pub fn page_by_source(&self, source: &str) -> Option<usize> {
        self.by_source.get(source).copied()
    }

    pub fn page_by_url(&self, url: &str) -> Option<usize> {
        self.by_url.get(url).copied()
    }

    /// Why the Markdown file `source` is not a page of this build, if it exists but is not.
    pub fn left_out(&self, source: &str) -> Option<LeftOut> {
        self.content.left_out.get(source).copied()
    }

    pub fn section_by_dir(&self, dir: &str) -> Option<usize> {
        self.section_dirs.get(dir).copied()
    }

    pub fn has_content_file(&self, path: &str) -> bool {
        self.content_files.contains_key(path)
    }

    /// Re-reads one page (by content path) after an edit, keeping the rest of the model; the
    /// caller re-renders what depends on it. A new or deleted file changes the section tree:
    /// reload the whole site then.
    pub fn reload_page(&mut self, source: &str) -> Result<usize, Vec<Diagnostic>> {
        let Some(i) = self.page_by_source(source) else {
            return Err(vec![
                Diagnostic::error(format!("`{source}` is not a known page"))
                    .hint("reload the whole site"),
            ]);
        };
        let Some(page) = content::parse_page(
            &self.root,
            source,
            self.config.base_path(),
            self.options.drafts,
        )?
        else {
            return Err(vec![
                Diagnostic::error(format!("`{source}` is now a draft"))
                    .hint("reload the whole site"),
            ]);
        };
        self.replace_page(i, page);
        Ok(i)
    }

    /// Puts a freshly parsed version of page `i` (same source) into the model: it keeps its
    /// section, sections are re-ordered when its title or weight changed, and the alias lookup
    /// is rebuilt when its aliases changed (source and URL, hence the other lookups, are the
    /// same). The preview server parses first (to compare old and new) and then calls this.
    pub fn replace_page(&mut self, i: usize, page: Page) {
        let old = &self.content.pages[i];
        let reorder = old.meta.title != page.meta.title || old.meta.weight != page.meta.weight;
        let reindex = old.meta.aliases != page.meta.aliases;
        let section = old.section;
        self.content.pages[i] = Page { section, ..page };
        if reorder {
            content::sort_sections(&self.content.pages, &mut self.content.sections);
        }
        if reindex {
            self.index();
        }
    }
}
