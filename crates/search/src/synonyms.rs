//! Synonyms a site's writers control (`search.synonyms` in `site.yaml`): groups of words or
//! phrases a reader may use for one another, such as `[text, txt, sms]` or
//! `[login, sign in, log in]`.
//!
//! They are applied when a query is planned, never when pages are indexed: the index stays the
//! same bytes whatever the synonyms are, so changing them re-indexes nothing. They travel with
//! the published index inside its manifest (key [`MANIFEST_KEY`]), so every engine that opens
//! the index — the browser's, `helpsite search`, the preview's `/api/search` — expands the same
//! words the same way.
//!
//! Matching is by stems, so "texts" matches the entry `text` and "logged in" matches `log in`.
//! Where entries overlap, the longest match at a word wins, left to right. A query word (or run
//! of words) that matches an entry then also matches every other entry of its groups: a
//! one-word entry as a word, a longer one as a phrase.

use std::ops::Range;

use serde::Deserialize;

use crate::SearchError;
use crate::analyzer::{Analyzers, Word};

/// The manifest key that carries the groups, as written.
pub const MANIFEST_KEY: &str = "synonyms";

/// Synonym groups as a writer lists them: each group's entries mean the same to a reader.
pub type Groups = Vec<Vec<String>>;

/// The groups, normalised by the index's analyzer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    /// Every distinct entry of every group: its stems, and the groups it belongs to.
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    stems: Vec<String>,
    groups: Vec<usize>,
}

/// A run of query words that are searched together: one word, or the words of a synonym entry
/// with the other entries of its groups as alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit<'a> {
    /// The words, as indexes into the query's words.
    pub(crate) span: Range<usize>,
    /// Stems of each alternative entry (one stem: a word; several: a phrase).
    pub(crate) alternatives: Vec<&'a [String]>,
}

/// Just the manifest's synonyms; everything else in it is read by [`crate::manifest`].
#[derive(Deserialize)]
struct InManifest {
    #[serde(default)]
    synonyms: Groups,
}

impl Synonyms {
    /// Normalises `groups`: entries without words are dropped, and so are groups left with
    /// fewer than two different entries.
    pub(crate) fn new(groups: &[Vec<String>]) -> Synonyms {
        let mut analyzers = Analyzers::new();
        let mut entries: Vec<Entry> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let mut stems_of_group: Vec<Vec<String>> = group
                .iter()
                .map(|entry| {
                    analyzers
                        .words(entry)
                        .into_iter()
                        .map(|w| w.stem)
                        .collect::<Vec<_>>()
                })
                .filter(|stems| !stems.is_empty())
                .collect();
            stems_of_group.sort();
            stems_of_group.dedup();
            if stems_of_group.len() < 2 {
                continue;
            }
            for stems in stems_of_group {
                match entries.iter_mut().find(|e| e.stems == stems) {
                    Some(e) => e.groups.push(g),
                    None => entries.push(Entry {
                        stems,
                        groups: vec![g],
                    }),
                }
            }
        }
        Synonyms { entries }
    }

    /// The synonyms a published manifest carries (none when it has no [`MANIFEST_KEY`]).
    pub(crate) fn from_manifest(manifest_json: &[u8]) -> Result<Synonyms, SearchError> {
        let found: InManifest = serde_json::from_slice(manifest_json).map_err(|e| {
            SearchError::Manifest(format!(
                "`{MANIFEST_KEY}` is not a list of lists of words: {e}"
            ))
        })?;
        Ok(Synonyms::new(&found.synonyms))
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Cuts `words` into [`Unit`]s, in order, covering every word once.
    pub(crate) fn units(&self, words: &[Word]) -> Vec<Unit<'_>> {
        let mut units = Vec::new();
        let mut at = 0;
        while at < words.len() {
            let rest = &words[at..];
            let longest = self
                .entries
                .iter()
                .filter(|e| starts(rest, &e.stems))
                .map(|e| e.stems.len())
                .max();
            let Some(len) = longest else {
                units.push(Unit {
                    span: at..at + 1,
                    alternatives: Vec::new(),
                });
                at += 1;
                continue;
            };
            let matched: Vec<&Entry> = self
                .entries
                .iter()
                .filter(|e| e.stems.len() == len && starts(rest, &e.stems))
                .collect();
            let alternatives = self
                .entries
                .iter()
                .filter(|e| !matched.iter().any(|m| m.stems == e.stems))
                .filter(|e| {
                    e.groups
                        .iter()
                        .any(|g| matched.iter().any(|m| m.groups.contains(g)))
                })
                .map(|e| e.stems.as_slice())
                .collect();
            units.push(Unit {
                span: at..at + len,
                alternatives,
            });
            at += len;
        }
        units
    }

    /// Whether `stem` is an entry of one word whose group holds another entry: a word the index
    /// need not know for a query to find something.
    pub(crate) fn has_word(&self, stem: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.stems.len() == 1 && e.stems[0] == stem)
    }
}

/// Whether `words` begin with the stems `stems`.
fn starts(words: &[Word], stems: &[String]) -> bool {
    words.len() >= stems.len() && words.iter().zip(stems).all(|(w, s)| w.stem == *s)
}

/// Adds `groups` to a published manifest (the JSON of [`crate::manifest::Manifest`]) under
/// [`MANIFEST_KEY`], replacing any there; no groups leave the manifest as it was.
pub fn add_to_manifest(
    manifest_json: &[u8],
    groups: &[Vec<String>],
) -> Result<Vec<u8>, SearchError> {
    if groups.is_empty() {
        return Ok(manifest_json.to_vec());
    }
    let bad = |e: serde_json::Error| SearchError::Manifest(format!("not a manifest: {e}"));
    let mut value: serde_json::Value = serde_json::from_slice(manifest_json).map_err(bad)?;
    let Some(object) = value.as_object_mut() else {
        return Err(SearchError::Manifest("not a JSON object".into()));
    };
    object.insert(
        MANIFEST_KEY.to_string(),
        serde_json::to_value(groups).map_err(bad)?,
    );
    serde_json::to_vec(&value).map_err(bad)
}

/// [`add_to_manifest`] on a published file list (`BuiltIndex::publish`'s): the manifest is
/// rewritten in place, the other files are left alone.
pub fn add_to_published(
    files: &mut [(String, Vec<u8>)],
    groups: &[Vec<String>],
) -> Result<(), SearchError> {
    for (name, bytes) in files.iter_mut() {
        let is_manifest = name.rsplit('/').next() == Some(crate::manifest::MANIFEST_NAME);
        if is_manifest {
            *bytes = add_to_manifest(bytes, groups)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&[&str]]) -> Groups {
        g.iter()
            .map(|e| e.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn spans(s: &Synonyms, text: &str) -> Vec<(Range<usize>, Vec<String>)> {
        let words = Analyzers::new().words(text);
        s.units(&words)
            .into_iter()
            .map(|u| (u.span, u.alternatives.iter().map(|a| a.join(" ")).collect()))
            .collect()
    }

    #[test]
    fn words_and_phrases_match_by_stem_longest_first() {
        let s = Synonyms::new(&groups(&[
            &["text", "txt", "sms"],
            &["login", "sign in", "log in"],
        ]));
        assert_eq!(
            spans(&s, "Texts not sent"),
            [
                (0..1, vec!["sms".to_string(), "txt".to_string()]),
                (1..2, vec![]),
                (2..3, vec![])
            ]
        );
        assert_eq!(
            spans(&s, "cannot sign in"),
            [
                (0..1, vec![]),
                (1..3, vec!["log in".to_string(), "login".to_string()])
            ]
        );
        // "logged in" stems to "log in".
        assert_eq!(spans(&s, "logged in")[0].0, 0..2);
        // "in" alone is no entry.
        assert_eq!(spans(&s, "in")[0].1, Vec::<String>::new());
    }

    #[test]
    fn an_entry_in_two_groups_brings_both() {
        let s = Synonyms::new(&groups(&[&["cancel", "close"], &["close", "shut"]]));
        let mut alts = spans(&s, "close")[0].1.clone();
        alts.sort();
        assert_eq!(alts, ["cancel", "shut"]);
    }

    #[test]
    fn empty_and_single_entry_groups_are_dropped() {
        let s = Synonyms::new(&groups(&[&["only"], &["", "!!"], &["same", "Same"]]));
        assert!(s.is_empty());
    }

    #[test]
    fn the_manifest_carries_them() {
        let json = br#"{"format":1,"pack":"p"}"#;
        let g = groups(&[&["text", "sms"]]);
        let with = add_to_manifest(json, &g).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&with).unwrap();
        assert_eq!(v["pack"], "p");
        assert_eq!(v[MANIFEST_KEY][0][1], "sms");
        assert!(!Synonyms::from_manifest(&with).unwrap().is_empty());
        assert!(Synonyms::from_manifest(json).unwrap().is_empty());
        assert_eq!(add_to_manifest(json, &[]).unwrap(), json);
        assert!(Synonyms::from_manifest(br#"{"synonyms": 3}"#).is_err());
    }
}
