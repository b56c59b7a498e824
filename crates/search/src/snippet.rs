//! Snippets: the best short window of a section's stored text, HTML-escaped, with the matched
//! words wrapped in `<mark>`.
//!
//! Our own rather than tantivy's `SnippetGenerator`, because a word matches here when its stem
//! is one the query searched for, and that set includes the words typo and prefix expansion
//! found ("pasword" marks "passwords"); tantivy's generator only knows the query's own terms.
//!
//! Snippets are most of a search's CPU time (a results page tokenises some 40 stored sections),
//! so the [`Marker`] stems each distinct word once and remembers it across searches, and builds
//! nothing for words that don't match.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analyzer;

/// Target snippet length in characters of text (markup excluded).
pub(crate) const SNIPPET_CHARS: usize = 180;

/// Context kept before the first match, in bytes.
const LEAD_IN: usize = 40;

/// Distinct words a [`Marker`] remembers stems of; beyond, it forgets them all.
const MAX_MEMO: usize = 50_000;

/// Finds the words of a text that match a set of stems: the `words` analyzer's tokens, each
/// stemmed by the `stemmed` analyzer's last filter ([`analyzer::stemmer`]), which is what the
/// `stemmed` analyzer makes of it (the two share every other step; the stemmer neither splits
/// nor drops tokens).
#[derive(Clone)]
pub(crate) struct Marker {
    words: TextAnalyzer,
    stemmer: TextAnalyzer,
    /// Word → index into `stems`.
    memo: FxHashMap<String, u32>,
    stems: Vec<String>,
}

impl Marker {
    pub(crate) fn new() -> Self {
        Marker {
            words: analyzer::words(),
            stemmer: analyzer::stemmer(),
            memo: FxHashMap::default(),
            stems: Vec::new(),
        }
    }

    /// The words of `text` whose stem or word is in `stems`, as `(from, to, stem)`.
    fn matches(&mut self, text: &str, stems: &FxHashSet<String>) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut tokens = self.words.token_stream(text);
        while tokens.advance() {
            let t = tokens.token();
            let at = match self.memo.get(&t.text) {
                Some(&at) => at,
                None => {
                    if self.stems.len() >= MAX_MEMO {
                        self.memo.clear();
                        self.stems.clear();
                    }
                    let mut stream = self.stemmer.token_stream(&t.text);
                    let stem = if stream.advance() {
                        stream.token().text.clone()
                    } else {
                        t.text.clone()
                    };
                    self.stems.push(stem);
                    let at = (self.stems.len() - 1) as u32;
                    self.memo.insert(t.text.clone(), at);
                    at
                }
            };
            let stem = &self.stems[at as usize];
            if stems.contains(stem) || stems.contains(&t.text) {
                out.push((t.offset_from, t.offset_to, stem.clone()));
            }
        }
        out
    }
}

/// Builds the snippet of `text` for the matched `stems`.
pub(crate) fn snippet(text: &str, stems: &FxHashSet<String>, marker: &mut Marker) -> String {
    let matched = marker.matches(text, stems);
    let (start, end) = window(text, &matched);
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(from, to, _) in matched.iter().filter(|m| m.0 >= start && m.1 <= end) {
        escape_into(&text[at..from], &mut out);
        out.push_str("<mark>");
        escape_into(&text[from..to], &mut out);
        out.push_str("</mark>");
        at = to;
    }
    escape_into(&text[at..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The byte window holding the most distinct matched stems, cut at whitespace.
fn window(text: &str, matched: &[(usize, usize, String)]) -> (usize, usize) {
    let span = byte_span(text, SNIPPET_CHARS);
    let mut best = (0usize, 0usize); // (distinct stems, start)
    for (i, &(from, _, _)) in matched.iter().enumerate() {
        let distinct: HashSet<&str> = matched[i..]
            .iter()
            .take_while(|m| m.1 <= from + span)
            .map(|m| m.2.as_str())
            .collect();
        if distinct.len() > best.0 {
            best = (distinct.len(), from);
        }
    }
    let first = best.1;
    let mut start = first.saturating_sub(LEAD_IN);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        // Begin at a word: after the next whitespace, unless that skips the match.
        if let Some(ws) = text[start..first].find(char::is_whitespace) {
            start += ws + 1;
        }
    }
    let mut end = (start + span).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len()
        && let Some(ws) = text[start..end].rfind(char::is_whitespace)
    {
        end = start + ws;
    }
    (start, end)
}

/// Bytes taken by the first `chars` characters of `text` (at least `chars`).
fn byte_span(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(at, _)| at)
        .max(chars)
}

/// Appends `text` HTML-escaped (`& < > " '`).
pub(crate) fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, stems: &[&str]) -> String {
        let stems = stems.iter().map(|s| s.to_string()).collect();
        snippet(text, &stems, &mut Marker::new())
    }

    #[test]
    fn stems_match_the_stemmed_analyzer_token_for_token() {
        let text = "Skies dying généralement ½ wouldn't CONNECTIONS connection's Ærøskøbing 3rd";
        let mut stemmed = analyzer::stemmed();
        let mut stream = stemmed.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            expected.push(stream.token().text.clone());
        }
        drop(stream);
        // Every stem matches; twice, the second time from the memo.
        let stems: FxHashSet<String> = expected.iter().cloned().collect();
        let mut marker = Marker::new();
        for _ in 0..2 {
            let got: Vec<String> = marker
                .matches(text, &stems)
                .into_iter()
                .map(|m| m.2)
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn marks_stem_matches_and_escapes_the_rest() {
        assert_eq!(
            s("Reset <b>passwords</b> & keys", &["password"]),
            "Reset &lt;b&gt;<mark>passwords</mark>&lt;/b&gt; &amp; keys"
        );
        assert_eq!(
            s("<script>alert('x')</script> password", &["password"]),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>password</mark>"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_best_window() {
        let text = format!(
            "{} the token expired {}",
            "filler ".repeat(60),
            "tail ".repeat(60)
        );
        let out = s(&text, &["token", "expir"]);
        assert!(out.starts_with('…') && out.ends_with('…'), "{out}");
        assert!(
            out.contains("<mark>token</mark> <mark>expired</mark>"),
            "{out}"
        );
        assert!(out.chars().count() < SNIPPET_CHARS + 40, "{out}");
    }

    #[test]
    fn no_match_gives_the_start() {
        let out = s(&"word ".repeat(100), &["absent"]);
        assert!(out.starts_with("word word") && out.ends_with('…'));
        assert_eq!(s("", &["x"]), "");
    }
}
