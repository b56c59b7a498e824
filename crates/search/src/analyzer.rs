//! The text analyzers, registered under one name each on every index this crate opens or builds.
//!
//! Indexing and querying must cut and normalise words identically, so the analyzers are built in
//! one place and both sides look them up by name. Stop words are deliberately kept: "how do I
//! sign in" must find a page whose only distinguishing words are common ones.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TokenStream, TokenizerManager,
};

use crate::stem_cache::CachedEnglishStemmer;

/// Lowercased, ASCII-folded, English-stemmed words: what BM25 ranks on.
pub(crate) const STEMMED: &str = "helpsite_stemmed";
/// Lowercased, ASCII-folded whole words: the vocabulary that typo and prefix expansion walk.
pub(crate) const WORDS: &str = "helpsite_words";

/// Words longer than this are dropped (base64 blobs, hashes): they are never typed.
const MAX_TOKEN_BYTES: usize = 40;

pub(crate) fn words() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub(crate) fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedEnglishStemmer)
        .build()
}

/// The last filter of [`stemmed`] alone, over a whole text as one token: [`stemmed`] of a text
/// is [`words`] of it with each token passed through this (snippets stem word by word, see
/// `crate::snippet::Marker`). Keep it in step with [`stemmed`].
pub(crate) fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(CachedEnglishStemmer)
        .build()
}

/// Registers both analyzers on `index`; call on every index before writing or searching.
pub(crate) fn register(index: &Index) {
    register_on(index.tokenizers());
}

/// Registers both analyzers on `tokenizers` (for an index that is built with them).
pub(crate) fn register_on(tokenizers: &TokenizerManager) {
    tokenizers.register(STEMMED, stemmed());
    tokenizers.register(WORDS, words());
}

/// The analyzers, owned, for query parsing and snippets.
#[derive(Clone)]
pub(crate) struct Analyzers {
    words: TextAnalyzer,
    stemmed: TextAnalyzer,
}

/// A token of the original text: its normalised word, its stem and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub(crate) word: String,
    pub(crate) stem: String,
    pub(crate) from: usize,
    pub(crate) to: usize,
}

impl Analyzers {
    pub(crate) fn new() -> Self {
        Analyzers {
            words: words(),
            stemmed: stemmed(),
        }
    }

    /// Splits `text` into words with their stems and byte offsets.
    ///
    /// Both analyzers share the tokenizer and all filters but the last, so their token streams
    /// line up one to one.
    pub(crate) fn words(&mut self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut plain = self.words.token_stream(text);
        while plain.advance() {
            let t = plain.token();
            out.push(Word {
                word: t.text.clone(),
                stem: String::new(),
                from: t.offset_from,
                to: t.offset_to,
            });
        }
        let mut stems = self.stemmed.token_stream(text);
        let mut i = 0;
        while stems.advance() {
            if let Some(w) = out.get_mut(i) {
                w.stem.clone_from(&stems.token().text);
            }
            i += 1;
        }
        out
    }

    /// The stem of one already-normalised word.
    pub(crate) fn stem(&mut self, word: &str) -> String {
        let mut stems = self.stemmed.token_stream(word);
        if stems.advance() {
            stems.token().text.clone()
        } else {
            word.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_stems_line_up() {
        let mut a = Analyzers::new();
        let w = a.words("Résetting Passwords, don't!");
        let pairs: Vec<_> = w
            .iter()
            .map(|w| (w.word.as_str(), w.stem.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("resetting", "reset"),
                ("passwords", "password"),
                ("don", "don"),
                ("t", "t")
            ]
        );
        assert_eq!(&"Résetting Passwords"[w[0].from..w[0].to], "Résetting");
    }

    #[test]
    fn stop_words_are_kept() {
        let mut a = Analyzers::new();
        let w: Vec<_> = a
            .words("how do I sign in")
            .into_iter()
            .map(|w| w.word)
            .collect();
        assert_eq!(w, ["how", "do", "i", "sign", "in"]);
    }
}
