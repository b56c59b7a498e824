//! A parsed query → a tantivy query, with typo and prefix expansion against the vocabulary.
//!
//! Each word becomes a group: its stem, plus (when the word is being typed) real words starting
//! with it, plus (when the word itself is nowhere in the index) real words within edit distance
//! 1 (4+ letters) or 2 (8+ letters), a transposition costing 1. Expansions are looked up in the
//! `words` term dictionary and then searched by their stems, so they are BM25-ranked like any
//! word, at a discount. A group matches in title, heading trail, body or tags, with boosts.
//!
//! Limits, on purpose: a typo that is itself a real word ("form" for "from") is not corrected;
//! words under 4 letters are never corrected; the first letter may be wrong like any other, but
//! at most [`MAX_FUZZY`] corrections and [`MAX_PREFIX`] completions are kept, the most frequent.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analyzer::{Analyzers, Word};
use crate::query::Parsed;
use crate::schema::Fields;

/// Field boosts: a word in the page title or a heading says more than one in the body.
const TITLE_BOOST: f32 = 3.0;
const TRAIL_BOOST: f32 = 2.0;
const TAGS_BOOST: f32 = 1.5;
/// For question-like queries, an FAQ section whose question (heading or title) matches.
const FAQ_BOOST: f32 = 2.0;
/// Discounts of expanded words against the word as typed.
const PREFIX_WEIGHT: f32 = 0.8;
const FUZZY1_WEIGHT: f32 = 0.6;
const FUZZY2_WEIGHT: f32 = 0.4;
/// How many completions and corrections one word may bring in.
pub(crate) const MAX_PREFIX: usize = 8;
pub(crate) const MAX_FUZZY: usize = 5;
/// Shortest word completed as a prefix.
const MIN_PREFIX: usize = 2;

/// A query ready to run, with the stems to mark in snippets.
pub(crate) struct Plan {
    pub(crate) query: Box<dyn TantivyQuery>,
    pub(crate) stems: FxHashSet<String>,
    /// Stems of the words as typed (no expansions): what the exact-title check searches titles for.
    pub(crate) typed_stems: Vec<String>,
}

/// Filters applied to every plan.
pub(crate) struct Filters<'a> {
    pub(crate) section: Option<&'a str>,
    pub(crate) kind: Option<&'a str>,
}

/// Builds the query: every group must match (`all`), or about half of them (the fallback when
/// all-words finds nothing).
pub(crate) fn plan(
    parsed: &Parsed,
    filters: &Filters<'_>,
    all: bool,
    searcher: &Searcher,
    f: &Fields,
    analyzers: &mut Analyzers,
) -> Plan {
    let mut stems = FxHashSet::default();
    let mut typed_stems = Vec::new();
    let mut groups: Vec<Box<dyn TantivyQuery>> = Vec::new();
    let last = parsed.words.len().saturating_sub(1);
    for (i, w) in parsed.words.iter().enumerate() {
        let typing = parsed.prefix_last && i == last;
        let variants = variants(w, typing, searcher, f, analyzers);
        stems.extend(variants.keys().cloned());
        typed_stems.push(w.stem.clone());
        groups.push(group(f, &variants));
    }
    for w in &parsed.exact {
        stems.insert(w.stem.clone());
        typed_stems.push(w.stem.clone());
        groups.push(group(f, &BTreeMap::from([(w.stem.clone(), 1.0)])));
    }
    let mut phrases: Vec<Box<dyn TantivyQuery>> = Vec::new();
    for p in &parsed.phrases {
        stems.extend(p.iter().map(|w| w.stem.clone()));
        typed_stems.extend(p.iter().map(|w| w.stem.clone()));
        phrases.push(phrase(f, p));
    }
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    if all || groups.len() < 2 {
        clauses.extend(groups.into_iter().map(|g| (Occur::Must, g)));
    } else {
        let n = groups.len();
        let some = BooleanQuery::with_minimum_required_clauses(
            groups.into_iter().map(|g| (Occur::Should, g)).collect(),
            n.div_ceil(2),
        );
        clauses.push((Occur::Must, Box::new(some)));
    }
    clauses.extend(phrases.into_iter().map(|p| (Occur::Must, p)));
    if parsed.question {
        clauses.push((Occur::Should, faq_boost(f, &typed_stems)));
    }
    for (field, value) in [(f.section, filters.section), (f.kind, filters.kind)] {
        if let Some(value) = value {
            clauses.push((Occur::Must, raw_filter(field, value)));
        }
    }
    Plan {
        query: Box::new(BooleanQuery::new(clauses)),
        stems,
        typed_stems,
    }
}

/// The stems one typed word searches for, with their weights.
fn variants(
    w: &Word,
    typing: bool,
    searcher: &Searcher,
    f: &Fields,
    analyzers: &mut Analyzers,
) -> BTreeMap<String, f32> {
    let mut out = BTreeMap::from([(w.stem.clone(), 1.0f32)]);
    let mut add = |word: &str, weight: f32, out: &mut BTreeMap<String, f32>| {
        let stem = analyzers.stem(word);
        let e = out.entry(stem).or_insert(0.0);
        *e = e.max(weight);
    };
    let chars = w.word.chars().count();
    let mut completed = false;
    if typing && chars >= MIN_PREFIX {
        for word in completions(searcher, f.words, &w.word) {
            add(&word, PREFIX_WEIGHT, &mut out);
            completed = true;
        }
    }
    if chars >= 4 && !completed && !indexed(searcher, f, &w.stem) {
        let distance = if chars >= 8 { 2 } else { 1 };
        for (word, d) in corrections(searcher, f.words, &w.word, distance, typing) {
            add(
                &word,
                if d <= 1 { FUZZY1_WEIGHT } else { FUZZY2_WEIGHT },
                &mut out,
            );
        }
    }
    out
}

/// Whether `stem` occurs in any ranked field.
fn indexed(searcher: &Searcher, f: &Fields, stem: &str) -> bool {
    searcher.segment_readers().iter().any(|s| {
        [f.title, f.trail, f.body, f.tags].iter().any(|&field| {
            s.inverted_index(field)
                .and_then(|ii| {
                    ii.doc_freq(&Term::from_field_text(field, stem))
                        .map_err(Into::into)
                })
                .is_ok_and(|n| n > 0)
        })
    })
}

/// Real words starting with `prefix`, the most frequent first.
fn completions(searcher: &Searcher, words: Field, prefix: &str) -> Vec<String> {
    let mut found: Vec<(u32, String)> = Vec::new();
    for s in searcher.segment_readers() {
        let Ok(ii) = s.inverted_index(words) else {
            continue;
        };
        let Ok(mut stream) = ii.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !key.starts_with(prefix) {
                break;
            }
            if key != prefix {
                found.push((stream.value().doc_freq, key.to_string()));
            }
        }
    }
    top(found, MAX_PREFIX)
}

/// Real words within `distance` edits of `word` (a transposition costs 1), or when `typing`,
/// words starting within that distance; nearest and most frequent first.
fn corrections(
    searcher: &Searcher,
    words: Field,
    word: &str,
    distance: u8,
    typing: bool,
) -> Vec<(String, u8)> {
    let term = Term::from_field_text(words, word);
    let query = if typing {
        FuzzyTermQuery::new_prefix(term, distance, true)
    } else {
        FuzzyTermQuery::new(term, distance, true)
    };
    let Ok(automaton) = query.automaton() else {
        return Vec::new();
    };
    let mut found: Vec<(u8, u32, String)> = Vec::new();
    for s in searcher.segment_readers() {
        let Ok(ii) = s.inverted_index(words) else {
            continue;
        };
        let Ok(mut stream) = ii.terms().search(&automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let probe: String = if typing {
                key.chars().take(word.chars().count()).collect()
            } else {
                key.to_string()
            };
            let d = strsim::osa_distance(word, &probe).min(u8::MAX as usize) as u8;
            found.push((d, stream.value().doc_freq, key.to_string()));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.dedup_by(|a, b| a.2 == b.2);
    found.truncate(MAX_FUZZY);
    found.into_iter().map(|(d, _, w)| (w, d)).collect()
}

/// The `n` most frequent words, ties alphabetical.
fn top(mut found: Vec<(u32, String)>, n: usize) -> Vec<String> {
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().take(n).map(|(_, w)| w).collect()
}

fn term(field: Field, stem: &str, boost: f32) -> Box<dyn TantivyQuery> {
    let q = TermQuery::new(
        Term::from_field_text(field, stem),
        IndexRecordOption::WithFreqs,
    );
    Box::new(BoostQuery::new(Box::new(q), boost))
}

/// One word's group: any of its stems in any ranked field.
fn group(f: &Fields, variants: &BTreeMap<String, f32>) -> Box<dyn TantivyQuery> {
    let mut should = Vec::new();
    for (stem, weight) in variants {
        for (field, boost) in [
            (f.title, TITLE_BOOST),
            (f.trail, TRAIL_BOOST),
            (f.body, 1.0),
            (f.tags, TAGS_BOOST),
        ] {
            should.push((Occur::Should, term(field, stem, boost * weight)));
        }
    }
    Box::new(BooleanQuery::new(should))
}

/// A quoted phrase in the title, a heading or the body.
fn phrase(f: &Fields, words: &[Word]) -> Box<dyn TantivyQuery> {
    let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    for (field, boost) in [
        (f.title, TITLE_BOOST),
        (f.trail, TRAIL_BOOST),
        (f.body, 1.0),
    ] {
        let terms = words
            .iter()
            .map(|w| Term::from_field_text(field, &w.stem))
            .collect();
        should.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost)),
        ));
    }
    Box::new(BooleanQuery::new(should))
}

/// Lifts FAQ sections whose question (heading or page title) holds the query's words.
fn faq_boost(f: &Fields, stems: &[String]) -> Box<dyn TantivyQuery> {
    let mut question = Vec::new();
    for stem in stems {
        question.push((Occur::Should, term(f.trail, stem, 1.0)));
        question.push((Occur::Should, term(f.title, stem, 1.0)));
    }
    let faq = BooleanQuery::new(vec![
        (Occur::Must, raw_filter(f.kind, "faq")),
        (Occur::Must, Box::new(BooleanQuery::new(question))),
    ]);
    Box::new(BoostQuery::new(Box::new(faq), FAQ_BOOST))
}

/// A raw-token field equal to `value`, scoring nothing.
fn raw_filter(field: Field, value: &str) -> Box<dyn TantivyQuery> {
    let q = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

/// Pages whose title holds every typed stem, shortest title first (BM25 on the title alone
/// favours short titles): the candidates for an exact title match.
pub(crate) fn title_query(
    f: &Fields,
    stems: &[String],
    filters: &Filters<'_>,
) -> Box<dyn TantivyQuery> {
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = stems
        .iter()
        .map(|s| (Occur::Must, term(f.title, s, 1.0)))
        .collect();
    for (field, value) in [(f.section, filters.section), (f.kind, filters.kind)] {
        if let Some(value) = value {
            clauses.push((Occur::Must, raw_filter(field, value)));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}
