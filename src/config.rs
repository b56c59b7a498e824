//! `site.yaml` into typed config. Unknown keys are errors with a "did you mean" hint; free data
//! for templates goes under `extra:`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// The whole of `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Absolute URL the site is published at, with a trailing slash (`https://support.example/`).
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub description: String,
    /// Address customers write to; used by the footer, composer and feedback mailto links.
    pub support_email: String,
    /// Top navigation. `link` is a `.md` path under `content/` (checked and rewritten) or a URL.
    #[serde(default)]
    pub nav: Vec<NavItem>,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub feedback: FeedbackConfig,
    /// Free data for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    pub title: String,
    pub link: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Build the search index and show the search box.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How much being linked in staff replies lifts a page in search: its score is multiplied
    /// by up to `1 + reply_boost`, growing with the log of the replies and full at 50 (see
    /// `search_index::page_boost`). Mild on purpose: relevance decides, the boost breaks near
    /// ties. 0 turns it off; at most 1.
    #[serde(default = "default_reply_boost")]
    pub reply_boost: f32,
    /// Groups of words or phrases readers use for one another (`[[text, txt, sms], [login,
    /// sign in, log in]]`): a query with one entry of a group also finds pages with the others.
    /// Applied by the search engine at query time and carried in the index's manifest, so the
    /// browser, `helpsite search` and the preview all expand the same words.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// A site whose index pack gzips to at most this many bytes ships it whole inside the hot
    /// file: readers download it with the engine and no query waits on the network. Above it,
    /// the pack stays apart and each query reads its ranges. 0 always keeps it apart (a host's
    /// Range support can then be tried on a small site).
    #[serde(default = "default_inline_pack_max")]
    pub inline_pack_max: u64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            reply_boost: default_reply_boost(),
            synonyms: Vec::new(),
            inline_pack_max: default_inline_pack_max(),
        }
    }
}

fn default_inline_pack_max() -> u64 {
    helpsite_search::INLINE_PACK_MAX
}

fn default_reply_boost() -> f32 {
    0.2
}

impl SearchConfig {
    /// Every synonym group needs two entries, and every entry a word: anything else would
    /// silently expand nothing.
    fn check_synonyms(&self) -> Result<(), Diagnostic> {
        for (i, group) in self.synonyms.iter().enumerate() {
            let hint =
                "each group lists two or more words or phrases, e.g. `- [login, sign in, log in]`";
            if let Some(empty) = group.iter().find(|e| !e.chars().any(char::is_alphanumeric)) {
                return Err(Diagnostic::error(format!(
                    "`search.synonyms` group {} has an entry without a word: `{empty}`",
                    i + 1
                ))
                .hint(hint));
            }
            if group.len() < 2 {
                return Err(Diagnostic::error(format!(
                    "`search.synonyms` group {} needs at least two entries, got {}",
                    i + 1,
                    group.len()
                ))
                .hint(hint));
            }
        }
        Ok(())
    }
}

/// The 1-based line of the first line of `text` that starts (after indentation) with `key`;
/// 1 when none does.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    /// SQLite ledger path, relative to `site.yaml`; default `.helpsite/ledger.sqlite`.
    #[serde(default)]
    pub ledger: Option<PathBuf>,
    /// Sender patterns counted as staff, e.g. `*@divergent.cloud`.
    #[serde(default)]
    pub staff_addresses: Vec<String>,
    /// Hosts besides `base_url`'s whose links count as links to this site.
    #[serde(default)]
    pub site_hosts: Vec<String>,
    /// Where the theme POSTs reader feedback; without it feedback goes by email.
    #[serde(default)]
    pub endpoint: Option<String>,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

fn yes() -> bool {
    true
}

impl Config {
    /// Reads and validates `<root>/site.yaml`. Paths in diagnostics are relative to `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        Config::load_with_text(root).map(|(config, _)| config)
    }

    /// [`Config::load`], also returning the file's text (to name lines of its values in
    /// later diagnostics), so the file is read once.
    pub fn load_with_text(root: &Path) -> Result<(Config, String), Diagnostic> {
        let rel = Path::new("site.yaml");
        let text = std::fs::read_to_string(root.join(rel)).map_err(|e| {
            // Paths in diagnostics are relative to the root: name the root when it was given.
            let cause = if root == Path::new(".") {
                e.to_string()
            } else {
                format!("`{}`: {e}", root.join(rel).display())
            };
            Diagnostic::error("cannot read site config")
                .at(rel)
                .cause(cause)
                .hint("run helpsite in the site's root folder or pass `--root DIR`")
        })?;
        let mut config: Config = crate::yaml::parse(&text, rel, 1)?;
        config.normalize(rel)?;
        config
            .search
            .check_synonyms()
            .map_err(|d| d.at(rel).line(line_of(&text, "synonyms:")))?;
        Ok((config, text))
    }

    /// Replaces `base_url` (the `--base-url` flag), with the same checks as in `site.yaml`.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        self.base_url = url.to_string();
        self.normalize(Path::new("--base-url"))
    }

    fn normalize(&mut self, rel: &Path) -> Result<(), Diagnostic> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(Diagnostic::error(format!(
                "`base_url` must be an absolute http(s) URL, got `{}`",
                self.base_url
            ))
            .at(rel)
            .hint("for example `base_url: https://support.example.com/`"));
        }
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        let boost = self.search.reply_boost;
        if !(0.0..=1.0).contains(&boost) {
            return Err(Diagnostic::error(format!(
                "`search.reply_boost` must be between 0 and 1, got `{boost}`"
            ))
            .at(rel)
            .hint("0 turns the reply-link boost off; the default is 0.2"));
        }
        if let Some(endpoint) = &self.feedback.endpoint
            && !endpoint_is_plain(endpoint)
        {
            return Err(Diagnostic::error(format!(
                "`feedback.endpoint` must be an http(s) URL or a path on this site, got `{endpoint}`"
            ))
            .at(rel)
            .hint("for example `endpoint: https://feedback.example.com/api/feedback`"));
        }
        Ok(())
    }

    /// Path part of `base_url`, always starting and ending with `/` (`/` or `/help/`).
    /// Every URL the site emits starts with it ([`crate::urls::base_path`]).
    pub fn base_path(&self) -> &str {
        crate::urls::base_path(&self.base_url)
    }

    /// Absolute URL for a root-relative site path (`/faq/` → `https://host/faq/`).
    pub fn permalink(&self, path: &str) -> String {
        crate::urls::absolute(&self.base_url, path)
    }

    pub fn ledger_path(&self, root: &Path) -> PathBuf {
        root.join(
            self.feedback
                .ledger
                .clone()
                .unwrap_or_else(|| PathBuf::from(".helpsite/ledger.sqlite")),
        )
    }
}

/// An absolute http(s) URL or a root-relative path, with nothing that could end a
/// Content-Security-Policy source (the theme names an absolute endpoint in `connect-src`).
fn endpoint_is_plain(endpoint: &str) -> bool {
    let absolute = ["http://", "https://"]
        .iter()
        .any(|scheme| endpoint.len() > scheme.len() && endpoint.starts_with(scheme));
    (absolute || endpoint.starts_with('/'))
        && !endpoint
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '\'' | '"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(base: &str) -> Config {
        let mut c: Config = crate::yaml::parse(
            &format!("title: T\nbase_url: {base}\nsupport_email: a@b.c\n"),
            Path::new("site.yaml"),
            1,
        )
        .unwrap();
        c.normalize(Path::new("site.yaml")).unwrap();
        c
    }

    #[test]
    fn base_path_and_permalink() {
        let c = cfg("https://x.org/help");
        assert_eq!(c.base_path(), "/help/");
        assert_eq!(c.permalink("/help/faq/"), "https://x.org/help/faq/");
        let c = cfg("https://x.org");
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.permalink("/faq/"), "https://x.org/faq/");
    }

    #[test]
    fn feedback_endpoint_is_one_plain_url() {
        for ok in [
            "https://feedback.example.com/api/feedback",
            "http://127.0.0.1:8787/api/feedback",
            "/api/feedback",
        ] {
            assert!(endpoint_is_plain(ok), "{ok}");
        }
        for bad in [
            "feedback.example.com/api",
            "https://",
            "https://x/api; script-src *",
            "https://x/a https://y/",
            "javascript:alert(1)",
            "https://x/'unsafe-inline'",
        ] {
            assert!(!endpoint_is_plain(bad), "{bad}");
        }
        let mut c = cfg("https://x.org/");
        c.feedback.endpoint = Some("https://x/api; script-src *".into());
        let err = c.normalize(Path::new("site.yaml")).unwrap_err();
        assert!(
            err.message.starts_with("`feedback.endpoint` must be"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_rejected_with_hint() {
        let err = crate::yaml::parse::<Config>(
            "title: T\nbase_url: https://x/\nsupport_email: a@b\nsuport_email: x\n",
            Path::new("site.yaml"),
            1,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(4));
        assert_eq!(err.hint.as_deref(), Some("did you mean `support_email`?"));
    }
}
