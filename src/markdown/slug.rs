//! Heading ids: the slug rule of `docs/writing.md` and per-page uniqueness.

use std::collections::{HashMap, HashSet};

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
    /// Per base, the suffix to try next: the n-th copy of a heading must not retry the n-1
    /// suffixes before it, or a page of many equal headings takes quadratic time (20,000
    /// took 31 s).
    next_suffix: HashMap<String, usize>,
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
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
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

    /// Many copies of one heading, with explicit ids and other slugs in the way: every id is
    /// the first free suffix, as the one-at-a-time rule gives, and all are distinct.
    #[test]
    fn many_duplicates_take_the_first_free_suffix() {
        let mut ids = Ids::default();
        for taken in ["step-2", "step-5", "step-1000"] {
            assert!(ids.reserve(taken));
        }
        let got: Vec<String> = (0..20_000).map(|_| ids.unique("step".into())).collect();
        assert_eq!(got[..5], ["step", "step-1", "step-3", "step-4", "step-6"]);
        assert_eq!(got[998], "step-1001");
        assert_eq!(got[19_999], "step-20002");
        assert_eq!(ids.unique("step-3".into()), "step-3-1");
        let distinct: HashSet<&String> = got.iter().collect();
        assert_eq!(distinct.len(), got.len());
    }
}
