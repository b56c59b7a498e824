//! The user's text → words and phrases, by our own small grammar.
//!
//! tantivy's query syntax is never exposed: `+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /` are plain
//! punctuation here, except `"` which quotes a phrase. Words are cut and normalised by the same
//! analyzers the index uses. Input is cut to [`MAX_INPUT_BYTES`] and to [`MAX_WORDS`] words, so
//! a pasted 10 KB error log costs no more than a short question.

use crate::analyzer::{Analyzers, Word};

/// Longer input is cut (at a char boundary) before parsing.
pub(crate) const MAX_INPUT_BYTES: usize = 256;
/// Words beyond this many (phrases included) are ignored.
pub(crate) const MAX_WORDS: usize = 10;

/// Words that make a query a question, which lifts FAQ answers.
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "why", "when", "where", "who", "which", "can", "could", "do", "does", "did",
    "is", "are", "should", "will", "would", "may",
];

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Unquoted words, in order.
    pub(crate) words: Vec<Word>,
    /// Quoted phrases of two or more words.
    pub(crate) phrases: Vec<Vec<Word>>,
    /// Quoted single words: matched exactly, never expanded.
    pub(crate) exact: Vec<Word>,
    /// The last unquoted word is still being typed: match it as a prefix too.
    pub(crate) prefix_last: bool,
    /// The query reads as a question.
    pub(crate) question: bool,
    /// All words, normalised and space-joined, to compare with page titles.
    pub(crate) normalized: String,
}

impl Parsed {
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.exact.is_empty()
    }
}

/// Cuts `text` to at most `max` bytes at a char boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut at = max;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// Parses `text` into words and phrases.
pub(crate) fn parse(text: &str, analyzers: &mut Analyzers) -> Parsed {
    let truncated = text.len() > MAX_INPUT_BYTES;
    let text = cut(text, MAX_INPUT_BYTES);
    let mut parsed = Parsed::default();
    let mut budget = MAX_WORDS;
    let mut all = Vec::new();
    // Odd segments lie between quotes; an unclosed quote runs to the end.
    for (i, segment) in text.split('"').enumerate() {
        let mut words = analyzers.words(segment);
        words.truncate(budget);
        budget -= words.len();
        all.extend(words.iter().map(|w| w.word.clone()));
        match (i % 2 == 1, words.len()) {
            (_, 0) => {}
            (true, 1) => parsed.exact.extend(words),
            (true, _) => parsed.phrases.push(words),
            (false, _) => parsed.words.extend(words),
        }
    }
    let quotes = text.matches('"').count();
    let ends_in_word = text.chars().next_back().is_some_and(char::is_alphanumeric);
    parsed.prefix_last = !truncated
        && quotes.is_multiple_of(2)
        && ends_in_word
        && last_word_ends_text(text, &parsed);
    parsed.question = text.contains('?')
        || all
            .first()
            .is_some_and(|w| QUESTION_WORDS.contains(&w.as_str()));
    parsed.normalized = all.join(" ");
    parsed
}

/// Whether the last unquoted word runs to the end of `text` (nothing typed after it).
fn last_word_ends_text(text: &str, parsed: &Parsed) -> bool {
    let last_segment = text.rsplit('"').next().unwrap_or(text);
    let offset = text.len() - last_segment.len();
    parsed
        .words
        .last()
        .is_some_and(|w| offset + w.to == text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Parsed {
        parse(text, &mut Analyzers::new())
    }

    fn words(p: &Parsed) -> Vec<&str> {
        p.words.iter().map(|w| w.word.as_str()).collect()
    }

    #[test]
    fn words_phrases_and_exact_words() {
        let q = p(r#"reset "API key" "Passwords" now"#);
        assert_eq!(words(&q), ["reset", "now"]);
        assert_eq!(q.phrases.len(), 1);
        assert_eq!(
            q.phrases[0]
                .iter()
                .map(|w| w.word.as_str())
                .collect::<Vec<_>>(),
            ["api", "key"]
        );
        assert_eq!(q.exact[0].stem, "password");
        assert_eq!(q.normalized, "reset api key passwords now");
    }

    #[test]
    fn last_word_is_a_prefix_only_while_typing() {
        assert!(p("autom").prefix_last);
        assert!(!p("autom ").prefix_last);
        assert!(!p("autom.").prefix_last);
        assert!(!p(r#""autom""#).prefix_last);
        assert!(!p(r#"x "autom"#).prefix_last);
    }

    #[test]
    fn questions() {
        assert!(p("How do I reset my password").question);
        assert!(p("password reset?").question);
        assert!(!p("password reset").question);
    }

    #[test]
    fn hostile_input_is_bounded() {
        let q = p(&"word ".repeat(5000));
        assert_eq!(q.words.len(), MAX_WORDS);
        assert!(!q.prefix_last);
        assert!(p(r#"+-&&||!(){}[]^"~*?:\/"#).is_empty());
        assert!(p("").is_empty());
        let multibyte = "é".repeat(1000);
        assert!(p(&multibyte).words.len() <= MAX_WORDS);
    }
}
