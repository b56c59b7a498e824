//! Heading ids: the slug rule of `docs/writing.md` and per-page uniqueness.

use std::collections::HashSet;

/// Lowercased text, whitespace as `-`, punctuation dropped: `Can't log in?` → `cant-log-in`.
/// `-` and `_` are kept; runs of `-` collapse. Text with no letters or digits gives `section`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// The ids taken on one page. Explicit `{#id}`s are reserved up front, so an automatic slug
/// never takes an id the writer chose further down the page.
#[derive(Debug, Default)]
pub struct Ids {
    used: HashSet<String>,
}

impl Ids {
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// `base`, or `base-1`, `base-2`… whichever is free first.
    pub fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.used.insert(id.clone()))
            .expect("some suffix is free")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        for (text, id) in [
            ("Can't log in?", "cant-log-in"),
            ("Can\u{2019}t log in?", "cant-log-in"),
            ("Verify a sender", "verify-a-sender"),
            ("  Two   spaces -- and dash ", "two-spaces-and-dash"),
            ("The `api_key` field", "the-api_key-field"),
            ("Réservations à Paris", "réservations-à-paris"),
            ("Step 2: Retry (again)", "step-2-retry-again"),
            ("???", "section"),
        ] {
            assert_eq!(slug(text), id, "{text:?}");
        }
    }

    #[test]
    fn duplicates_get_suffixes_and_skip_reserved() {
        let mut ids = Ids::default();
        assert!(ids.reserve("faq-1"));
        assert_eq!(ids.unique("faq".into()), "faq");
        assert_eq!(ids.unique("faq".into()), "faq-2");
        assert_eq!(ids.unique("faq".into()), "faq-3");
        assert!(!ids.reserve("faq"));
    }
}
