//! A tantivy collector that groups matching sections by page as it goes.
//!
//! Each doc's page comes from the `page` fast field (a column that compresses to almost nothing,
//! since it only grows), so grouping reads no stored documents. Every page keeps its best few
//! sections; the count of pages is the result total.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Sections kept per page: the lead plus three headings.
pub(crate) const PER_PAGE: usize = 4;

/// One page's best sections, best first.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageGroup {
    pub(crate) page: u64,
    pub(crate) best: Score,
    pub(crate) docs: Vec<(Score, DocAddress)>,
}

impl PageGroup {
    fn push(&mut self, score: Score, doc: DocAddress) {
        if self.docs.is_empty() || score > self.best {
            self.best = score;
        }
        self.docs.push((score, doc));
        if self.docs.len() > PER_PAGE * 2 {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.docs
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.docs.truncate(PER_PAGE);
    }
}

/// Collects [`PageGroup`]s, best page first.
pub(crate) struct ByPage;

pub(crate) struct ByPageSegment {
    segment: SegmentOrdinal,
    pages: Column<u64>,
    groups: HashMap<u64, PageGroup>,
}

impl Collector for ByPage {
    type Fruit = Vec<PageGroup>;
    type Child = ByPageSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ByPageSegment> {
        Ok(ByPageSegment {
            segment,
            pages: reader.fast_fields().u64("page")?,
            groups: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<u64, PageGroup>>,
    ) -> tantivy::Result<Vec<PageGroup>> {
        let mut all: HashMap<u64, PageGroup> = HashMap::new();
        for fruit in fruits {
            for (page, group) in fruit {
                let into = all.entry(page).or_insert_with(|| PageGroup {
                    page,
                    ..PageGroup::default()
                });
                for (score, doc) in group.docs {
                    into.push(score, doc);
                }
            }
        }
        let mut groups: Vec<PageGroup> = all.into_values().collect();
        for g in &mut groups {
            g.trim();
        }
        groups.sort_by(|a, b| b.best.total_cmp(&a.best).then(a.page.cmp(&b.page)));
        Ok(groups)
    }
}

impl SegmentCollector for ByPageSegment {
    type Fruit = HashMap<u64, PageGroup>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let page = self.pages.first(doc).unwrap_or(u64::MAX);
        self.groups
            .entry(page)
            .or_insert_with(|| PageGroup {
                page,
                ..PageGroup::default()
            })
            .push(score, DocAddress::new(self.segment, doc));
    }

    fn harvest(self) -> Self::Fruit {
        self.groups
    }
}
