//! A parsed query → a tantivy query, with typo and prefix expansion against the vocabulary.
//!
//! Each word becomes a group: its stem, plus (when the word is being typed) real words starting
//! with it, plus (when the word itself is nowhere in the index) real words within edit distance
//! 1 (4+ letters) or 2 (8+ letters), a transposition costing 1. Expansions are looked up in the
//! `words` term dictionary and then searched by their stems, so they are BM25-ranked like any
//! word, at a discount. A group matches in title, heading trail, body or tags, with boosts.
//!
//! A word or run of words that is an entry of one of the site's synonym groups (see
//! [`crate::synonyms`]) also matches the other entries of its groups, at full weight.
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
use crate::synonyms::Synonyms;

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
/// A writer's synonym of a typed word (or phrase) counts as much as the word itself: the
/// writer said they mean the same.
const SYNONYM_WEIGHT: f32 = 1.0;
/// How many completions and corrections one word may bring in.
pub(crate) const MAX_PREFIX: usize = 8;
pub(crate) const MAX_FUZZY: usize = 5;
/// Most groups whose fallback is weighed (see [`weighed`]): 2^n subsets are looked at.
const MAX_WEIGHED: usize = 6;
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
    synonyms: &Synonyms,
) -> Plan {
    let mut stems = FxHashSet::default();
    let mut typed_stems = Vec::new();
    let mut groups: Vec<Box<dyn TantivyQuery>> = Vec::new();
    // Sections each group may match (an upper bound): what the fallback weighs words by.
    let mut dfs: Vec<u64> = Vec::new();
    let last = parsed.words.len().saturating_sub(1);
    for unit in synonyms.units(&parsed.words) {
        let mut typed: Vec<Box<dyn TantivyQuery>> = Vec::new();
        let mut df = u64::MAX;
        for i in unit.span {
            let w = &parsed.words[i];
            let typing = parsed.prefix_last && i == last;
            let variants = variants(w, typing, searcher, f, analyzers);
            df = df.min(variants.keys().map(|s| doc_freq(searcher, f, s)).sum());
            stems.extend(variants.keys().cloned());
            typed_stems.push(w.stem.clone());
            typed.push(group(f, &variants));
        }
        let typed = match typed.len() {
            1 => typed.remove(0),
            _ => Box::new(BooleanQuery::new(
                typed.into_iter().map(|g| (Occur::Must, g)).collect(),
            )),
        };
        if unit.alternatives.is_empty() {
            groups.push(typed);
            dfs.push(df);
            continue;
        }
        let mut any = vec![(Occur::Should, typed)];
        for alternative in unit.alternatives {
            df += alternative
                .iter()
                .map(|s| doc_freq(searcher, f, s))
                .min()
                .unwrap_or(0);
            // Short words of a phrase ("in" of "sign in") would mark half of every snippet.
            stems.extend(
                alternative
                    .iter()
                    .filter(|s| alternative.len() == 1 || s.chars().count() > 2)
                    .cloned(),
            );
            any.push((Occur::Should, synonym(f, alternative)));
        }
        groups.push(Box::new(BooleanQuery::new(any)));
        dfs.push(df);
    }
    for w in &parsed.exact {
        stems.insert(w.stem.clone());
        typed_stems.push(w.stem.clone());
        groups.push(group(f, &BTreeMap::from([(w.stem.clone(), 1.0)])));
        dfs.push(doc_freq(searcher, f, &w.stem));
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
        let need = n.div_ceil(2);
        if let Some(weighed) = weighed(&groups, &dfs, need, searcher.num_docs()) {
            clauses.push((Occur::Must, weighed));
        }
        let some = BooleanQuery::with_minimum_required_clauses(
            groups.into_iter().map(|g| (Occur::Should, g)).collect(),
            need,
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

/// Sections holding `stem` in the ranked field where it is most frequent.
fn doc_freq(searcher: &Searcher, f: &Fields, stem: &str) -> u64 {
    [f.title, f.trail, f.body, f.tags]
        .iter()
        .map(|&field| {
            searcher
                .doc_freq(&Term::from_field_text(field, stem))
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

/// The fallback's second condition: the groups a section matches must carry at least half of
/// the query's weight, each group weighing its inverse document frequency (BM25's). Half the
/// words is not enough when the missing ones are the rare ones: "cancel my subscription" on a
/// site that never says "subscription" must not find a page for its "cancel" and "my". `None`
/// (no condition) for two groups, and beyond [`MAX_WEIGHED`], where the subsets would be too
/// many.
fn weighed(
    groups: &[Box<dyn TantivyQuery>],
    dfs: &[u64],
    need: usize,
    docs: u64,
) -> Option<Box<dyn TantivyQuery>> {
    let n = groups.len();
    // Of two words, one is enough as before: the condition would leave no fallback at all.
    if !(3..=MAX_WEIGHED).contains(&n) || dfs.len() != n {
        return None;
    }
    let idf = |df: u64| {
        let df = df.min(docs) as f64;
        (1.0 + (docs as f64 - df + 0.5) / (df + 0.5)).ln()
    };
    let weights: Vec<f64> = dfs.iter().map(|&df| idf(df)).collect();
    let half = weights.iter().sum::<f64>() / 2.0;
    let enough = |mask: u32| {
        let picked = (0..n).filter(|i| mask & (1 << i) != 0);
        mask.count_ones() as usize >= need && picked.map(|i| weights[i]).sum::<f64>() >= half
    };
    // The smallest sets of groups that are enough: any section that is enough matches one.
    let minimal: Vec<u32> = (1..1u32 << n)
        .filter(|&m| enough(m) && (0..n).all(|i| m & (1 << i) == 0 || !enough(m & !(1 << i))))
        .collect();
    let any = minimal
        .into_iter()
        .map(|m| {
            let all = (0..n)
                .filter(|i| m & (1 << i) != 0)
                .map(|i| (Occur::Must, groups[i].box_clone()))
                .collect();
            (
                Occur::Should,
                Box::new(BooleanQuery::new(all)) as Box<dyn TantivyQuery>,
            )
        })
        .collect();
    Some(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(any)),
        0.0,
    )))
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
        let nearest = corrections(searcher, f.words, &w.word, distance, typing);
        for (word, d) in nearest.into_iter().take(MAX_FUZZY) {
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
pub(crate) fn indexed(searcher: &Searcher, f: &Fields, stem: &str) -> bool {
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
/// words starting within that distance; nearest and most frequent first, all of them.
pub(crate) fn corrections(
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
    let stems: Vec<String> = words.iter().map(|w| w.stem.clone()).collect();
    phrase_of(f, &stems, 1.0)
}

/// The stems `stems`, in order, in the title, a heading or the body.
fn phrase_of(f: &Fields, stems: &[String], weight: f32) -> Box<dyn TantivyQuery> {
    let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    for (field, boost) in [
        (f.title, TITLE_BOOST),
        (f.trail, TRAIL_BOOST),
        (f.body, 1.0),
    ] {
        let terms = stems
            .iter()
            .map(|s| Term::from_field_text(field, s))
            .collect();
        should.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(PhraseQuery::new(terms)),
                boost * weight,
            )),
        ));
    }
    Box::new(BooleanQuery::new(should))
}

/// A synonym entry: one word anywhere a typed word may be, or a phrase.
fn synonym(f: &Fields, stems: &[String]) -> Box<dyn TantivyQuery> {
    match stems {
        [one] => group(f, &BTreeMap::from([(one.clone(), SYNONYM_WEIGHT)])),
        _ => phrase_of(f, stems, SYNONYM_WEIGHT),
    }
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
