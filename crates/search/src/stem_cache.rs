//! English stemming with a per-analyzer memo of word → stem.
//!
//! Stemming was the largest single cost of indexing (a fifth of a 10,000-page index build), and
//! text repeats a small vocabulary endlessly, so each analyzer clone remembers the stems it has
//! computed. The stems are exactly tantivy's `Stemmer` (the same `frostem` algorithm): only the
//! repeated work is gone.

use std::borrow::Cow;
use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Entries kept before the memo starts over, bounding memory on pathological input.
const MAX_ENTRIES: usize = 200_000;

/// The token filter: English stems, memoised. Tokens must be lowercased beforehand.
#[derive(Clone, Copy, Default)]
pub(crate) struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = Filter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> Filter<T> {
        Filter {
            inner,
            memo: HashMap::new(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Filter<T> {
    inner: T,
    memo: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for Filter<T> {
    type TokenStream<'a> = Stream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() > MAX_ENTRIES {
            self.memo.clear();
        }
        Stream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
            stemmer: Stemmer::new(Algorithm::English),
        }
    }
}

pub(crate) struct Stream<'a, T> {
    tail: T,
    memo: &'a mut HashMap<String, String>,
    stemmer: Stemmer,
}

impl<T: TokenStream> TokenStream for Stream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.memo.get(&token.text) {
            Some(stem) => token.text.clone_from(stem),
            None => {
                let stem = match self.stemmer.stem(&token.text) {
                    Cow::Borrowed(s) => s.to_string(),
                    Cow::Owned(s) => s,
                };
                let word = std::mem::replace(&mut token.text, stem.clone());
                self.memo.insert(word, stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn stems(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn same_stems_as_tantivy_stemmer_also_when_memoised() {
        let text = "Passwords resetting automations connected generously; passwords again, \
                    connected again, running runs ran happily";
        let ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedEnglishStemmer)
            .build();
        let theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let expected = stems(theirs, text);
        assert!(expected.contains(&"password".to_string()));
        let mut ours = ours;
        // Twice through the same analyzer: the second pass is answered from the memo.
        assert_eq!(stems(ours.clone(), text), expected);
        let mut stream = ours.token_stream(text);
        while stream.advance() {}
        drop(stream);
        assert_eq!(stems(ours, text), expected);
    }
}
