//! [`Engine::search`]: parse → plan → collect by page → exact title first → snippets.

use std::collections::HashSet;

use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Score};

use crate::analyzer::Analyzers;
use crate::collect::{ByPage, PageGroup};
use crate::engine::Engine;
use crate::plan::{Filters, Plan, plan};
use crate::query::{Parsed, parse};
use crate::snippet::snippet;
use crate::{PageHit, Query, Results, SubHit};

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

impl Engine {
    /// Answers `query`; never fails and never panics on any input: an unreadable index or
    /// hostile text gives empty results.
    pub fn search(&self, query: &Query) -> Results {
        let mut results = Results {
            query: query.text.clone(),
            total: 0,
            pages: Vec::new(),
        };
        let limit = query.limit.min(MAX_LIMIT);
        let mut analyzers = self.analyzers.clone();
        let parsed = parse(&query.text, &mut analyzers);
        if parsed.is_empty() || limit == 0 {
            return results;
        }
        let filters = Filters {
            section: query.section.as_deref(),
            kind: query.kind.as_deref(),
        };
        let Some((plan, mut groups)) = self.run(&parsed, &filters, &mut analyzers) else {
            return results;
        };
        results.total = groups.len();
        self.exact_title_first(&parsed, &plan, &filters, &mut groups, &mut analyzers);
        groups.truncate(limit);
        results.pages = groups
            .iter()
            .filter_map(|g| self.page_hit(g, &plan.stems, &mut analyzers))
            .collect();
        results
    }

    /// Runs the all-words plan, and the some-words plan when that finds nothing.
    fn run(
        &self,
        parsed: &Parsed,
        filters: &Filters<'_>,
        analyzers: &mut Analyzers,
    ) -> Option<(Plan, Vec<PageGroup>)> {
        let all = plan(
            parsed,
            filters,
            true,
            &self.searcher,
            &self.fields,
            analyzers,
        );
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
        );
        let groups = self.searcher.search(&*some.query, &ByPage).ok()?;
        Some((some, groups))
    }

    /// Moves the page whose title equals the query (normalised) to the front, fetching it if it
    /// ranked below the cut.
    fn exact_title_first(
        &self,
        parsed: &Parsed,
        plan: &Plan,
        filters: &Filters<'_>,
        groups: &mut Vec<PageGroup>,
        analyzers: &mut Analyzers,
    ) {
        let title_only = crate::plan::title_query(&self.fields, &plan.typed_stems, filters);
        let Ok(candidates) = self.searcher.search(&*title_only, &ByPage) else {
            return;
        };
        for candidate in candidates.iter().take(TITLE_CANDIDATES) {
            let Some(&(_, doc)) = candidate.docs.first() else {
                continue;
            };
            let Some(section) = self.section(doc) else {
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

    fn page_hit(
        &self,
        group: &PageGroup,
        stems: &HashSet<String>,
        analyzers: &mut Analyzers,
    ) -> Option<PageHit> {
        let mut lead: Option<(Score, Section)> = None;
        let mut subs: Vec<(Score, Section)> = Vec::new();
        for &(score, doc) in &group.docs {
            let s = self.section(doc)?;
            if s.anchor.is_empty() {
                lead.get_or_insert((score, s));
            } else if subs.len() < MAX_SUB {
                subs.push((score, s));
            }
        }
        let first = lead.as_ref().or(subs.first())?;
        let page_snippet = snippet(&first.1.excerpt, stems, analyzers);
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
                snippet: snippet(&s.excerpt, stems, analyzers),
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
