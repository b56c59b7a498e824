//! The text analyzers, registered under one name each on every index this crate opens or builds.
//!
//! Indexing and querying must cut and normalise words identically, so the analyzers are built in
//! one place and both sides look them up by name. Stop words are deliberately kept: "how do I
//! sign in" must find a page whose only distinguishing words are common ones.

use rustc_hash::{FxHashMap, FxHashSet};

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

fn words() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
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

/// The last filter of [`stemmed`] alone: `stemmed(text)` is `words(text)` with each token's
/// text passed through it.
fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(CachedEnglishStemmer)
        .build()
}

/// Distinct words one [`Analyzers`] remembers stems of; beyond, it forgets them all.
const MAX_MEMO: usize = 50_000;

/// Stems of the words seen so far: snippets stem the same words again and again.
#[derive(Clone, Default)]
struct StemMemo {
    index: FxHashMap<String, u32>,
    stems: Vec<String>,
}

impl StemMemo {
    /// The stemmer applied to one token of the `words` analyzer, remembered.
    fn stem(&mut self, stemmer: &mut TextAnalyzer, token: &str) -> &str {
        let at = match self.index.get(token) {
            Some(&at) => at,
            None => {
                if self.stems.len() >= MAX_MEMO {
                    self.index.clear();
                    self.stems.clear();
                }
                let mut stream = stemmer.token_stream(token);
                let stem = if stream.advance() {
                    stream.token().text.clone()
                } else {
                    token.to_string()
                };
                let at = self.stems.len() as u32;
                self.stems.push(stem);
                self.index.insert(token.to_string(), at);
                at
            }
        };
        &self.stems[at as usize]
    }
}

/// The analyzers, owned, for query parsing and snippets. They remember the stem of every word
/// they have stemmed (snippets stem the same words again and again); the engine keeps them
/// between searches.
#[derive(Clone)]
pub(crate) struct Analyzers {
    words: TextAnalyzer,
    stemmed: TextAnalyzer,
    stemmer: TextAnalyzer,
    memo: StemMemo,
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
            stemmer: stemmer(),
            memo: StemMemo::default(),
        }
    }

    /// Splits `text` into words with their stems and byte offsets: exactly the tokens of the
    /// `words` analyzer, each with the token the `stemmed` analyzer makes of it (the two share
    /// every step but the stemmer, which neither splits nor drops tokens).
    pub(crate) fn words(&mut self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut plain = self.words.token_stream(text);
        while plain.advance() {
            let t = plain.token();
            out.push(Word {
                word: t.text.clone(),
                stem: self.memo.stem(&mut self.stemmer, &t.text).to_string(),
                from: t.offset_from,
                to: t.offset_to,
            });
        }
        out
    }

    /// The words of `text` whose stem or word is in `stems`, as `(from, to, stem)`: what
    /// [`Analyzers::words`] would give, filtered, without building the words that don't match.
    pub(crate) fn matches(
        &mut self,
        text: &str,
        stems: &FxHashSet<String>,
    ) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut plain = self.words.token_stream(text);
        while plain.advance() {
            let t = plain.token();
            let stem = self.memo.stem(&mut self.stemmer, &t.text);
            if stems.contains(stem) || stems.contains(&t.text) {
                out.push((t.offset_from, t.offset_to, stem.to_string()));
            }
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
    fn stems_match_the_stemmed_analyzer_token_for_token() {
        let mut a = Analyzers::new();
        let text = "Skies dying généralement ½ wouldn't CONNECTIONS connection's Ærøskøbing 3rd";
        let mut stemmed = stemmed();
        let mut stream = stemmed.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            expected.push(stream.token().text.clone());
        }
        // Twice: the second time from the memo.
        for _ in 0..2 {
            let got: Vec<String> = a.words(text).into_iter().map(|w| w.stem).collect();
            assert_eq!(got, expected);
        }
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
