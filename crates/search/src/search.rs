//! [`Engine::search`]: parse → plan → collect by page → exact title first → snippets.
//!
//! The search runs in stages, and each stage knows, before it reads the pack, all it will read:
//! 1. plan against the term dictionaries (hot) → the postings (and, for phrases, positions) of
//!    every term of the plan;
//! 2. score and group by page → the doc store blocks of the pages to show and of the
//!    exact-title candidates;
//! 3. snippets.
//!
//! On a deferred engine ([`Engine::open_deferred`]) each stage first touches everything it will
//! read; when any of it is missing, the search stops with [`Step::Need`] listing all of it, so a
//! new query costs two rounds of parallel fetches instead of one round trip per read. A run in
//! which no read missed is the same run as with the whole pack at hand, so results never depend
//! on what was cached. A search stopped before stage 3 keeps what stage 2 computed ([`Scored`]),
//! and the same query asked again resumes there instead of scoring twice.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use tantivy::query::Query as TantivyQuery;
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Score};

use crate::analyzer::Analyzers;
use crate::collect::{ByPage, PageGroup};
use crate::engine::{Engine, lock};
use crate::plan::{Filters, Plan, plan, title_query};
use crate::query::{Parsed, parse};
use crate::snippet::{Marker, snippet};
use crate::{PageHit, Query, Results, Step, SubHit};

/// Most pages one search returns, whatever the caller asks.
pub(crate) const MAX_LIMIT: usize = 50;
/// Sub-results per page.
const MAX_SUB: usize = 3;
/// Title candidates checked for an exact title match.
const TITLE_CANDIDATES: usize = 3;

/// The stored fields of one section.
struct Section {
    url: String,
    anchor: String,
    title: String,
    trail: Vec<String>,
    kind: String,
    section: String,
    excerpt: String,
}

/// What a search works with, kept by the engine between searches for the stems they learn.
pub(crate) struct Tools {
    analyzers: Analyzers,
    marker: Marker,
}

impl Tools {
    pub(crate) fn new() -> Self {
        Tools {
            analyzers: Analyzers::new(),
            marker: Marker::new(),
        }
    }
}

/// Pack ranges a stage could not read yet.
struct Missing(Vec<Range<u64>>);

/// Stage 2's outcome for `query`, kept while stage 3 waits for stored text.
pub(crate) struct Scored {
    query: Query,
    parsed: Parsed,
    plan: Plan,
    groups: Vec<PageGroup>,
    candidates: Vec<PageGroup>,
}

impl Engine {
    /// Answers `query`; never fails and never panics on any input: an unreadable index or
    /// hostile text gives empty results. On an engine opened with [`Engine::open_deferred`] it
    /// answers from the bytes supplied so far (empty results if they do not suffice); use
    /// [`Engine::search_step`] there.
    pub fn search(&self, query: &Query) -> Results {
        match self.staged(query) {
            Ok(results) => results,
            Err(Missing(_)) => empty(query),
        }
    }

    /// Answers `query`, or names the pack ranges to [`Engine::supply`] first. Only an engine
    /// opened with [`Engine::open_deferred`] ever needs anything; a new query needs at most two
    /// steps (postings, then stored text), a query over cached bytes none.
    pub fn search_step(&self, query: &Query) -> Step {
        match self.staged(query) {
            Ok(results) => Step::Results(results),
            Err(Missing(ranges)) => {
                Step::Need(ranges.into_iter().map(|r| [r.start, r.end]).collect())
            }
        }
    }

    fn staged(&self, query: &Query) -> Result<Results, Missing> {
        let mut tools = self.take_tools();
        let out = self.stages(query, &mut tools);
        self.put_tools(tools);
        out
    }

    fn stages(&self, query: &Query, tools: &mut Tools) -> Result<Results, Missing> {
        let Tools { analyzers, marker } = tools;
        let mut results = empty(query);
        let limit = query.limit.min(MAX_LIMIT);
        // Misses of an earlier search that never reached its checkpoint are not ours to report.
        self.take_wanted();
        let resumed = lock(&self.scored).take().filter(|s| s.query == *query);
        let scored = match resumed {
            Some(scored) => scored,
            None => match self.score(query, limit, analyzers)? {
                Some(scored) => scored,
                None => return Ok(results),
            },
        };
        // Stage 2, end: the stored sections of every page that may be shown.
        let mut sections = self.load_sections(&scored.candidates, &scored.groups, limit);
        if let Err(missing) = self.checkpoint() {
            *lock(&self.scored) = Some(scored);
            return Err(missing);
        }
        // Stage 3: everything is at hand.
        let Scored {
            parsed,
            plan,
            mut groups,
            candidates,
            ..
        } = scored;
        results.total = groups.len();
        exact_title_first(&parsed, &candidates, &sections, &mut groups, analyzers);
        groups.truncate(limit);
        results.pages = groups
            .iter()
            .filter_map(|g| page_hit(g, &mut sections, &plan.stems, marker))
            .collect();
        self.checkpoint()?;
        Ok(results)
    }

    /// Stages 1 and 2: plan, fetch postings, score, group by page. `None`: nothing to show.
    fn score(
        &self,
        query: &Query,
        limit: usize,
        analyzers: &mut Analyzers,
    ) -> Result<Option<Scored>, Missing> {
        let parsed = parse(&query.text, analyzers);
        if parsed.is_empty() || limit == 0 {
            return Ok(None);
        }
        let filters = Filters {
            section: query.section.as_deref(),
            kind: query.kind.as_deref(),
        };
        // Stage 1: the plan reads only term dictionaries; the fallback plan and the title query
        // search a subset of its terms.
        let all = plan(
            &parsed,
            &filters,
            true,
            &self.searcher,
            &self.fields,
            analyzers,
            &self.synonyms,
        );
        self.checkpoint()?;
        self.touch_postings(&*all.query);
        self.checkpoint()?;
        // Stage 2: scores.
        let run = self.run(&parsed, &filters, all, analyzers);
        self.checkpoint()?;
        let Some((plan, groups)) = run else {
            return Ok(None);
        };
        let title_only = title_query(&self.fields, &plan.typed_stems, &filters);
        let mut candidates = self
            .searcher
            .search(&*title_only, &ByPage)
            .unwrap_or_default();
        self.checkpoint()?;
        candidates.truncate(TITLE_CANDIDATES);
        Ok(Some(Scored {
            query: query.clone(),
            parsed,
            plan,
            groups,
            candidates,
        }))
    }

    /// Fails with the ranges deferred reads missed since the last checkpoint.
    fn checkpoint(&self) -> Result<(), Missing> {
        let wanted = self.take_wanted();
        if wanted.is_empty() {
            Ok(())
        } else {
            Err(Missing(wanted))
        }
    }

    /// On a deferred engine, reads the posting lists (and positions) of every term of `query`,
    /// so that all the missing ones are wanted at once.
    fn touch_postings(&self, query: &dyn TantivyQuery) {
        if !self.is_deferred() {
            return;
        }
        query.query_terms(&mut |term, positions| {
            let option = if positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            };
            for segment in self.searcher.segment_readers() {
                let Ok(ii) = segment.inverted_index(term.field()) else {
                    continue;
                };
                if let Ok(Some(info)) = ii.get_term_info(term) {
                    let _ = ii.read_postings_from_terminfo(&info, option);
                }
            }
        });
    }

    /// Reads the stored sections stage 3 may show, all at once (so that a deferred engine
    /// wants every missing block in one go): the first of each exact-title candidate, and all
    /// kept sections of the first `limit` pages and of the candidates' pages (one of which may
    /// move to the front). A section that cannot be read is left out.
    fn load_sections(
        &self,
        candidates: &[PageGroup],
        groups: &[PageGroup],
        limit: usize,
    ) -> FxHashMap<DocAddress, Section> {
        let mut docs: Vec<DocAddress> = candidates
            .iter()
            .filter_map(|c| c.docs.first().map(|d| d.1))
            .collect();
        let shown = groups.iter().take(limit);
        let moved = groups
            .iter()
            .skip(limit)
            .filter(|g| candidates.iter().any(|c| c.page == g.page));
        for g in shown.chain(moved) {
            docs.extend(g.docs.iter().map(|d| d.1));
        }
        docs.sort_unstable();
        docs.dedup();
        docs.into_iter()
            .filter_map(|doc| Some((doc, self.section(doc)?)))
            .collect()
    }

    /// Runs the all-words plan, and the some-words plan when that finds nothing.
    fn run(
        &self,
        parsed: &Parsed,
        filters: &Filters<'_>,
        all: Plan,
        analyzers: &mut Analyzers,
    ) -> Option<(Plan, Vec<PageGroup>)> {
        let groups = self.searcher.search(&*all.query, &ByPage).ok()?;
        if !groups.is_empty() || parsed.words.len() + parsed.exact.len() < 2 {
            return Some((all, groups));
        }
        let some = plan(
            parsed,
            filters,
            false,
            &self.searcher,
            &self.fields,
            analyzers,
            &self.synonyms,
        );
        let groups = self.searcher.search(&*some.query, &ByPage).ok()?;
        Some((some, groups))
    }

    fn section(&self, doc: DocAddress) -> Option<Section> {
        let d: TantivyDocument = self.searcher.doc(doc).ok()?;
        let f = &self.fields;
        let text = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        Some(Section {
            url: text(f.url),
            anchor: text(f.anchor),
            title: text(f.title),
            trail: d
                .get_all(f.trail)
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect(),
            kind: text(f.kind),
            section: text(f.section),
            excerpt: text(f.excerpt),
        })
    }
}

/// Moves the page whose title equals the query (normalised) to the front, fetching it if it
/// ranked below the cut. `candidates`: pages whose title holds every typed word, best first.
fn exact_title_first(
    parsed: &Parsed,
    candidates: &[PageGroup],
    sections: &FxHashMap<DocAddress, Section>,
    groups: &mut Vec<PageGroup>,
    analyzers: &mut Analyzers,
) {
    for candidate in candidates {
        let Some((_, doc)) = candidate.docs.first() else {
            continue;
        };
        let Some(section) = sections.get(doc) else {
            continue;
        };
        if normalized(&section.title, analyzers) != parsed.normalized {
            continue;
        }
        let page = candidate.page;
        let at = groups.iter().position(|g| g.page == page);
        let group = match at {
            Some(at) => groups.remove(at),
            None => continue, // the page matched the title words but not the whole query
        };
        groups.insert(0, group);
        return;
    }
}

/// A page's hit from its sections (taken out of `sections`); `None` if one is missing.
fn page_hit(
    group: &PageGroup,
    sections: &mut FxHashMap<DocAddress, Section>,
    stems: &FxHashSet<String>,
    marker: &mut Marker,
) -> Option<PageHit> {
    let mut lead: Option<(Score, Section)> = None;
    let mut subs: Vec<(Score, Section)> = Vec::new();
    for &(score, doc) in &group.docs {
        let s = sections.remove(&doc)?;
        if s.anchor.is_empty() {
            lead.get_or_insert((score, s));
        } else if subs.len() < MAX_SUB {
            subs.push((score, s));
        }
    }
    let first = lead.as_ref().or(subs.first())?;
    let page_snippet = snippet(&first.1.excerpt, stems, marker);
    let (url, title, kind, section) = (
        first.1.url.clone(),
        first.1.title.clone(),
        first.1.kind.clone(),
        first.1.section.clone(),
    );
    let sub = subs
        .into_iter()
        .map(|(score, s)| SubHit {
            url: format!("{}#{}", s.url, s.anchor),
            snippet: snippet(&s.excerpt, stems, marker),
            anchor: s.anchor,
            trail: s.trail,
            score,
        })
        .collect();
    Some(PageHit {
        url,
        title,
        kind,
        section,
        score: group.best,
        snippet: page_snippet,
        sub,
    })
}

fn empty(query: &Query) -> Results {
    Results {
        query: query.text.clone(),
        total: 0,
        pages: Vec::new(),
    }
}

/// A title's words, normalised and space-joined, as [`Parsed::normalized`] holds the query's.
fn normalized(title: &str, analyzers: &mut Analyzers) -> String {
    analyzers
        .words(title)
        .into_iter()
        .map(|w| w.word)
        .collect::<Vec<_>>()
        .join(" ")
}
