//! [`Engine::suggest`]: for a query that found nothing, the nearest words the index does know.
//!
//! Every word of the query that no page uses (and that is no synonym a writer gave) is looked up
//! in the vocabulary's term dictionary, which every engine holds from the moment it opens (in the
//! browser it is in the hot file): suggesting never reads postings or stored text, so it answers
//! at once, with no network, and the same in every front end.
//!
//! A candidate is a real word within edit distance 1 (3–4 letters) or 2 (5 letters or more), a
//! transposition counting as one, that starts with the same letter (typos rarely hit the first
//! letter, and the rule keeps "cancel" from suggesting "channel"); nearest first, then the
//! words more pages use.

use serde::{Deserialize, Serialize};

use crate::Engine;
use crate::analyzer::Analyzers;
use crate::plan::{corrections, indexed};
use crate::query::{MAX_INPUT_BYTES, MAX_WORDS, cut};

/// Nearest words offered per unknown word.
pub const MAX_NEAREST: usize = 3;
/// Shortest word for which nearest words are looked up.
const MIN_LETTERS: usize = 3;

/// What [`Engine::suggest`] offers. In JSON:
/// `{"query": "text messages" | null, "words": [{"word": "mesages", "nearest": ["messages"]}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    /// The text as typed with each unknown word that has a nearest word replaced by the nearest
    /// one ("did you mean"); `None` when no word could be replaced.
    pub query: Option<String>,
    /// Each word of the query the index does not know, in query order, with its nearest known
    /// words (empty when none is near).
    pub words: Vec<WordSuggestion>,
}

/// One unknown word and the nearest words the index knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordSuggestion {
    /// The word, normalised (lowercase, accents folded), as the index would see it.
    pub word: String,
    /// Up to `MAX_NEAREST` (3) known words, nearest and most used first.
    pub nearest: Vec<String>,
}

impl Engine {
    /// The nearest known words for each word of `text` that the index does not know. Meant for
    /// a query whose search found nothing; never fails, never reads beyond the term
    /// dictionaries (a deferred engine needs nothing fetched).
    pub fn suggest(&self, text: &str) -> Suggestions {
        let text = cut(text, MAX_INPUT_BYTES);
        let mut analyzers = Analyzers::new();
        let mut out = Suggestions::default();
        let mut replaced = String::with_capacity(text.len());
        let mut copied = 0;
        let mut offset = 0;
        let mut budget = MAX_WORDS;
        for segment in text.split('"') {
            let mut words = analyzers.words(segment);
            words.truncate(budget);
            budget -= words.len();
            for w in words {
                let known = indexed(&self.searcher, &self.fields, &w.stem)
                    || self.synonyms.has_word(&w.stem);
                if known {
                    continue;
                }
                let nearest = self.nearest(&w.word);
                if let Some(best) = nearest.first() {
                    replaced.push_str(&text[copied..offset + w.from]);
                    replaced.push_str(best);
                    copied = offset + w.to;
                }
                out.words.push(WordSuggestion {
                    word: w.word,
                    nearest,
                });
            }
            offset += segment.len() + 1;
        }
        if copied > 0 {
            replaced.push_str(&text[copied..]);
            out.query = Some(replaced);
        }
        out
    }

    fn nearest(&self, word: &str) -> Vec<String> {
        let letters = word.chars().count();
        if letters < MIN_LETTERS {
            return Vec::new();
        }
        let distance = if letters >= 5 { 2 } else { 1 };
        let first = word.chars().next();
        corrections(&self.searcher, self.fields.words, word, distance, false)
            .into_iter()
            .map(|(w, _)| w)
            .filter(|w| w.chars().next() == first)
            .take(MAX_NEAREST)
            .collect()
    }
}
